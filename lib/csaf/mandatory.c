/* CSAF 2.0 §6.1 mandatory tests (docs/csaf-checks.md): the entry point, the
 * list of implemented tests and the helpers the test files share. The tests
 * read the jansson tree the hostile-input reader built (depth already
 * bounded) and still type-check every member they touch: a test runs on
 * documents that failed the schema too, and must neither crash nor loop. */
#include "mandatory_int.h"

#include <stdio.h>
#include <string.h>

static const char *const mand_tests[] = {
    "6.1.1",     "6.1.2",     "6.1.3",    "6.1.4",    "6.1.5",    "6.1.6",    "6.1.7",
    "6.1.8",     "6.1.9",     "6.1.10",   "6.1.11",   "6.1.12",   "6.1.13",   "6.1.14",
    "6.1.15",    "6.1.16",    "6.1.17",   "6.1.18",   "6.1.19",   "6.1.20",   "6.1.21",
    "6.1.22",    "6.1.23",    "6.1.24",   "6.1.25",   "6.1.26",   "6.1.27.1", "6.1.27.2",
    "6.1.27.3",  "6.1.27.4",  "6.1.27.5", "6.1.27.6", "6.1.27.7", "6.1.27.8", "6.1.27.9",
    "6.1.27.10", "6.1.27.11", "6.1.28",   "6.1.29",   "6.1.30",   "6.1.31",   "6.1.32",
    "6.1.33",
};

const char *const *pk_csaf_mandatory_tests(size_t *n)
{
    *n = sizeof mand_tests / sizeof mand_tests[0];
    return mand_tests;
}

json_t *pki_m_obj(json_t *o, const char *k)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    return json_is_object(v) ? v : NULL;
}

json_t *pki_m_arr(json_t *o, const char *k)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    return json_is_array(v) ? v : NULL;
}

const char *pki_m_str(json_t *o, const char *k)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool spend(pki_mctx *c, size_t n, const char *test)
{
    if (c->budget >= n) {
        c->budget -= n;
        return true;
    }
    c->budget = 0;
    if (!c->over_budget) {
        c->over_budget = true;
        pki_csaf_add(c->r, test, "",
                     "product groups expand to more than %u product references; "
                     "the document is refused as too costly to check",
                     PKI_M_BUDGET);
    }
    return false;
}

bool pki_m_expand(pki_mctx *c, json_t *holder, const char *test, pki_m_id_cb cb, void *ud)
{
    json_t *ids = pki_m_arr(holder, "product_ids"), *v;
    size_t i;
    json_array_foreach(ids, i, v)
    {
        if (json_is_string(v))
            cb(json_string_value(v), ud);
    }
    json_t *gids = pki_m_arr(holder, "group_ids");
    size_t ng = json_array_size(gids);
    for (i = 0; i < ng; i++) {
        json_t *g = json_array_get(gids, i);
        if (!json_is_string(g))
            continue;
        /* A group named twice in one holder is expanded once. */
        bool dup = false;
        for (size_t k = 0; k < i && k < 64 && !dup; k++)
            dup = json_equal(json_array_get(gids, k), g);
        if (dup)
            continue;
        size_t gi = pki_smap_get(&c->groups, json_string_value(g));
        if (gi == SIZE_MAX)
            continue;
        json_t *members = pki_m_arr(json_array_get(c->group_arr, gi), "product_ids"), *m;
        if (!spend(c, json_array_size(members) + 1, test))
            return false;
        size_t j;
        json_array_foreach(members, j, m)
        {
            if (json_is_string(m))
                cb(json_string_value(m), ud);
        }
    }
    return true;
}

typedef struct bframe {
    json_t *arr;
    size_t i, plen;
} bframe;

void pki_m_walk_branches(pki_mctx *c, pki_m_branch_cb cb, void *ud)
{
    json_t *top = pki_m_arr(pki_m_obj(c->doc, "product_tree"), "branches");
    if (!top)
        return;
    char path[PKI_M_PATH];
    int w = snprintf(path, sizeof path, "/product_tree/branches");
    bframe *st = NULL;
    size_t cap = 0, n = 0;
    if (!pki_grow((void **)&st, &cap, 1, sizeof *st)) {
        c->r->nomem = 1;
        return;
    }
    st[n++] = (bframe){top, 0, (size_t)w};
    while (n) {
        bframe *f = &st[n - 1];
        if (f->i >= json_array_size(f->arr)) {
            n--;
            continue;
        }
        size_t idx = f->i++;
        json_t *b = json_array_get(f->arr, idx);
        size_t plen = f->plen;
        int k = snprintf(path + plen, sizeof path - plen, "/%zu", idx);
        size_t blen = plen + (k > 0 ? (size_t)k : 0);
        if (blen >= sizeof path)
            blen = sizeof path - 1;
        path[blen] = '\0';
        if (!json_is_object(b))
            continue;
        cb(b, path, ud);
        json_t *kids = pki_m_arr(b, "branches");
        if (!kids)
            continue;
        if (!pki_grow((void **)&st, &cap, n + 1, sizeof *st)) {
            c->r->nomem = 1;
            break;
        }
        k = snprintf(path + blen, sizeof path - blen, "/branches");
        size_t klen = blen + (k > 0 ? (size_t)k : 0);
        if (klen >= sizeof path)
            klen = sizeof path - 1;
        st[n++] = (bframe){kids, 0, klen};
    }
    pki_free(st);
}

void pki_csaf_mandatory(json_t *doc, const pki_jschema *s, pki_csaf_issues *r)
{
    if (!json_is_object(doc) || !r)
        return;
    pki_mctx c = {.doc = doc, .s = s, .r = r, .budget = PKI_M_BUDGET};
    c.group_arr = pki_m_arr(pki_m_obj(doc, "product_tree"), "product_groups");
    json_t *g;
    size_t i;
    json_array_foreach(c.group_arr, i, g)
    {
        const char *id = pki_m_str(g, "group_id");
        /* The first definition wins; 6.1.5 reports the others. */
        if (id && pki_smap_get(&c.groups, id) == SIZE_MAX &&
            pki_smap_put(&c.groups, id, i) == SIZE_MAX - 1)
            r->nomem = 1;
    }
    pki_m_products(&c);
    pki_m_cvss(&c);
    pki_m_revisions(&c);
    pki_m_document(&c);
    pki_smap_free(&c.groups);
}
