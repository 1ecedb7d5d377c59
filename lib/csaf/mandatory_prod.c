/* CSAF 2.0 §6.1 mandatory tests on product and group ids: 6.1.1 to 6.1.5
 * (definitions, references, relationship loops). Every map is a pki_smap
 * keyed by strings borrowed from the document, so a hostile document costs
 * time linear in its size; the relationship loop search keeps its own stack. */
#include "mandatory_int.h"

#include <stdio.h>
#include <string.h>

typedef struct fpn_walk {
    pki_m_fpn_cb cb;
    void *ud;
} fpn_walk;

static void branch_product(json_t *b, const char *path, void *ud)
{
    fpn_walk *w = ud;
    json_t *p = pki_m_obj(b, "product");
    if (!p)
        return;
    char pp[PKI_M_PATH];
    snprintf(pp, sizeof pp, "%s/product", path);
    w->cb(p, pp, w->ud);
}

void pki_m_each_product(pki_mctx *c, pki_m_fpn_cb cb, void *ud)
{
    json_t *pt = pki_m_obj(c->doc, "product_tree"), *v;
    char path[PKI_M_PATH];
    size_t i;
    json_array_foreach(pki_m_arr(pt, "full_product_names"), i, v)
    {
        if (!json_is_object(v))
            continue;
        snprintf(path, sizeof path, "/product_tree/full_product_names/%zu", i);
        cb(v, path, ud);
    }
    fpn_walk w = {cb, ud};
    pki_m_walk_branches(c, branch_product, &w);
    json_array_foreach(pki_m_arr(pt, "relationships"), i, v)
    {
        json_t *f = pki_m_obj(v, "full_product_name");
        if (!f)
            continue;
        snprintf(path, sizeof path, "/product_tree/relationships/%zu/full_product_name", i);
        cb(f, path, ud);
    }
}

/* ---- 6.1.1 and 6.1.2: product ids defined once, every reference defined ---- */

typedef struct defs {
    pki_mctx *c;
    pki_smap ids;
} defs;

static void define_one(json_t *fpn, const char *path, void *ud)
{
    defs *d = ud;
    const char *id = pki_m_str(fpn, "product_id");
    if (!id)
        return;
    if (pki_smap_get(&d->ids, id) != SIZE_MAX) {
        pki_csaf_add(d->c->r, "6.1.2", path, "product id %s is defined more than once", id);
        return;
    }
    pki_m_put(d->c, &d->ids, id, 1);
}

static void need_id(defs *d, json_t *v, const char *path)
{
    if (json_is_string(v) && pki_smap_get(&d->ids, json_string_value(v)) == SIZE_MAX)
        pki_csaf_add(d->c->r, "6.1.1", path, "product id %s is not defined in the product tree",
                     json_string_value(v));
}

static void need_list(defs *d, json_t *arr, const char *base)
{
    char path[PKI_M_PATH];
    json_t *v;
    size_t k;
    json_array_foreach(arr, k, v)
    {
        snprintf(path, sizeof path, "%s/%zu", base, k);
        need_id(d, v, path);
    }
}

static const char *const status_cats[] = {
    "first_affected",     "first_fixed",   "fixed",       "known_affected",
    "known_not_affected", "last_affected", "recommended", "under_investigation",
};

static void test_product_refs(pki_mctx *c)
{
    defs d = {.c = c};
    pki_m_each_product(c, define_one, &d);
    json_t *pt = pki_m_obj(c->doc, "product_tree"), *v, *w;
    char base[PKI_M_PATH];
    size_t i, j;
    json_array_foreach(pki_m_arr(pt, "product_groups"), i, v)
    {
        snprintf(base, sizeof base, "/product_tree/product_groups/%zu/product_ids", i);
        need_list(&d, pki_m_arr(v, "product_ids"), base);
    }
    json_array_foreach(pki_m_arr(pt, "relationships"), i, v)
    {
        if (!json_is_object(v))
            continue;
        snprintf(base, sizeof base, "/product_tree/relationships/%zu/product_reference", i);
        need_id(&d, json_object_get(v, "product_reference"), base);
        snprintf(base, sizeof base, "/product_tree/relationships/%zu/relates_to_product_reference",
                 i);
        need_id(&d, json_object_get(v, "relates_to_product_reference"), base);
    }
    json_array_foreach(pki_m_arr(c->doc, "vulnerabilities"), i, v)
    {
        json_t *ps = pki_m_obj(v, "product_status");
        for (size_t s = 0; s < sizeof status_cats / sizeof status_cats[0]; s++) {
            snprintf(base, sizeof base, "/vulnerabilities/%zu/product_status/%s", i,
                     status_cats[s]);
            need_list(&d, pki_m_arr(ps, status_cats[s]), base);
        }
        static const char *const holders[][2] = {
            {"remediations", "product_ids"},
            {"scores", "products"},
            {"threats", "product_ids"},
            {"flags", "product_ids"},
        };
        for (size_t h = 0; h < 4; h++) {
            json_array_foreach(pki_m_arr(v, holders[h][0]), j, w)
            {
                snprintf(base, sizeof base, "/vulnerabilities/%zu/%s/%zu/%s", i, holders[h][0], j,
                         holders[h][1]);
                need_list(&d, pki_m_arr(w, holders[h][1]), base);
            }
        }
    }
    pki_smap_free(&d.ids);
}

/* ---- 6.1.3: no relationship refers to itself, directly or through others ---- */

typedef struct rframe {
    size_t node;
    int edge; /* next edge to follow: 0 product_reference, 1 relates_to */
} rframe;

static void test_relationship_loops(pki_mctx *c)
{
    json_t *rels = pki_m_arr(pki_m_obj(c->doc, "product_tree"), "relationships");
    size_t n = json_array_size(rels);
    if (!n)
        return;
    pki_smap by_id = {0};
    for (size_t i = 0; i < n; i++) {
        const char *id =
            pki_m_str(pki_m_obj(json_array_get(rels, i), "full_product_name"), "product_id");
        if (id && pki_smap_get(&by_id, id) == SIZE_MAX)
            pki_m_put(c, &by_id, id, i);
    }
    unsigned char *color = pki_calloc(n, 1); /* 0 new, 1 on the stack, 2 done */
    rframe *st = pki_calloc(n, sizeof *st);
    if (!color || !st) {
        c->r->nomem = 1;
        goto out;
    }
    static const char *const edges[2] = {"product_reference", "relates_to_product_reference"};
    for (size_t root = 0; root < n; root++) {
        if (color[root])
            continue;
        size_t sp = 0;
        st[sp++] = (rframe){root, 0};
        color[root] = 1;
        while (sp) {
            rframe *f = &st[sp - 1];
            if (f->edge >= 2) {
                color[f->node] = 2;
                sp--;
                continue;
            }
            const char *ref = pki_m_str(json_array_get(rels, f->node), edges[f->edge++]);
            size_t to = ref ? pki_smap_get(&by_id, ref) : SIZE_MAX;
            if (to == SIZE_MAX || color[to] == 2)
                continue;
            if (color[to] == 1) {
                char path[PKI_M_PATH];
                snprintf(path, sizeof path, "/product_tree/relationships/%zu/%s", f->node,
                         edges[f->edge - 1]);
                pki_csaf_add(c->r, "6.1.3", path,
                             "product id %s refers to itself through relationships", ref);
                continue;
            }
            color[to] = 1;
            st[sp++] = (rframe){to, 0}; /* sp <= n: a node is pushed only while new */
        }
    }
out:
    pki_free(color);
    pki_free(st);
    pki_smap_free(&by_id);
}

/* ---- 6.1.4 and 6.1.5: group ids defined once, every reference defined ---- */

static void test_group_refs(pki_mctx *c)
{
    json_t *v, *w, *g;
    size_t i, j, k;
    char path[PKI_M_PATH];
    pki_smap seen = {0};
    json_array_foreach(c->group_arr, i, v)
    {
        const char *id = pki_m_str(v, "group_id");
        if (!id)
            continue;
        if (pki_smap_get(&seen, id) != SIZE_MAX) {
            snprintf(path, sizeof path, "/product_tree/product_groups/%zu/group_id", i);
            pki_csaf_add(c->r, "6.1.5", path, "group id %s is defined more than once", id);
        } else {
            pki_m_put(c, &seen, id, i);
        }
    }
    pki_smap_free(&seen);
    static const char *const holders[] = {"remediations", "threats", "flags"};
    json_array_foreach(pki_m_arr(c->doc, "vulnerabilities"), i, v)
    {
        for (size_t h = 0; h < 3; h++) {
            json_array_foreach(pki_m_arr(v, holders[h]), j, w)
            {
                json_array_foreach(pki_m_arr(w, "group_ids"), k, g)
                {
                    if (!json_is_string(g) ||
                        pki_smap_get(&c->groups, json_string_value(g)) != SIZE_MAX)
                        continue;
                    snprintf(path, sizeof path, "/vulnerabilities/%zu/%s/%zu/group_ids/%zu", i,
                             holders[h], j, k);
                    pki_csaf_add(c->r, "6.1.4", path,
                                 "group id %s is not defined in the product tree",
                                 json_string_value(g));
                }
            }
        }
    }
}

void pki_m_products(pki_mctx *c)
{
    test_product_refs(c);
    test_relationship_loops(c);
    test_group_refs(c);
    pki_m_vulns(c);
}
