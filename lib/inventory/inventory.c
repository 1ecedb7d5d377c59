/* The inventory: builder, canonical order, identifiers (purl, CPE, refs). */
#include "inventory_int.h"

#include "../core/rulefiles.h"
#include "../ident/ident_int.h"
#include "../core/smap.h"

#include <stdlib.h>
#include <string.h>

pk_inventory *pki_inv_new(void)
{
    pk_inventory *inv = pki_calloc(1, sizeof *inv);
    if (!inv)
        return NULL;
    inv->arena = pki_arena_new();
    if (!inv->arena) {
        pki_free(inv);
        return NULL;
    }
    return inv;
}

void pk_inventory_free(pk_inventory *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->n; i++) {
        pki_free(inv->comps[i].ev);
        pki_free((void *)inv->comps[i].props);
    }
    pki_free(inv->comps);
    pki_free(inv->cx);
    pki_free(inv->edges);
    pki_free(inv->alldeps);
    pki_arena_free(inv->arena);
    pki_free(inv);
}

size_t pki_inv_add(pk_inventory *inv)
{
    if (inv->n >= PKI_INV_MAX_COMPONENTS)
        return SIZE_MAX;
    size_t cap = inv->cap;
    if (!pki_grow((void **)&inv->comps, &cap, inv->n + 1, sizeof(pk_comp)))
        return SIZE_MAX;
    size_t capx = inv->cap;
    if (!pki_grow((void **)&inv->cx, &capx, inv->n + 1, sizeof(pki_cx)))
        return SIZE_MAX;
    /* both arrays grow by the same rule from the same size, so caps agree */
    inv->cap = cap < capx ? cap : capx;
    memset(&inv->comps[inv->n], 0, sizeof(pk_comp));
    memset(&inv->cx[inv->n], 0, sizeof(pki_cx));
    inv->comps[inv->n].kind = PK_CK_LIBRARY;
    return inv->n++;
}

const char *pki_inv_str(pk_inventory *inv, const char *s)
{
    return s && *s ? pki_arena_strdup(inv->arena, s) : NULL;
}

const char *pki_inv_strn(pk_inventory *inv, const char *s, size_t n)
{
    return s && n ? pki_arena_strndup(inv->arena, s, n) : NULL;
}

pk_status pki_inv_add_ev(pk_inventory *inv, size_t ci, const pk_cevidence *ev)
{
    pk_comp *c = &inv->comps[ci];
    if (!pki_grow((void **)&c->ev, &inv->cx[ci].capev, c->nev + 1, sizeof(pk_cevidence)))
        return PK_E_NOMEM;
    pk_cevidence *e = &c->ev[c->nev];
    *e = *ev;
    e->vpath = pki_inv_str(inv, ev->vpath);
    e->analyzer = pki_inv_str(inv, ev->analyzer);
    e->rule = pki_inv_str(inv, ev->rule);
    e->loc.record = pki_inv_str(inv, ev->loc.record);
    if (ev->matched.ptr && ev->matched.len) {
        e->matched.ptr = pki_arena_memdup(inv->arena, ev->matched.ptr, ev->matched.len);
        if (!e->matched.ptr)
            return PK_E_NOMEM;
    }
    if ((ev->vpath && *ev->vpath && !e->vpath) || (ev->analyzer && *ev->analyzer && !e->analyzer))
        return PK_E_NOMEM;
    c->nev++;
    return PK_OK;
}

pk_status pki_inv_set_prop(pk_inventory *inv, size_t ci, const char *key, const char *value)
{
    pk_comp *c = &inv->comps[ci];
    if (!key || !*key || !value)
        return PK_E_MISUSE;
    const char *v = pki_arena_strdup(inv->arena, value);
    if (!v)
        return PK_E_NOMEM;
    pk_kv *p = (pk_kv *)c->props;
    for (size_t i = 0; i < c->nprops; i++) {
        if (strcmp(p[i].key, key) == 0) {
            p[i].value = v;
            return PK_OK;
        }
    }
    if (!pki_grow((void **)&p, &inv->cx[ci].capprops, c->nprops + 1, sizeof(pk_kv)))
        return PK_E_NOMEM;
    c->props = p;
    p[c->nprops].key = pki_arena_strdup(inv->arena, key);
    p[c->nprops].value = v;
    if (!p[c->nprops].key)
        return PK_E_NOMEM;
    c->nprops++;
    return PK_OK;
}

pk_status pki_inv_add_dep(pk_inventory *inv, size_t from, size_t to)
{
    if (from == to || from >= inv->n || to >= inv->n)
        return PK_OK;
    if (!pki_grow((void **)&inv->edges, &inv->capedges, inv->nedges + 1, sizeof *inv->edges))
        return PK_E_NOMEM;
    inv->edges[inv->nedges][0] = from;
    inv->edges[inv->nedges][1] = to;
    inv->nedges++;
    return PK_OK;
}

void pki_upstream_version(const char *v, char *out, size_t cap)
{
    if (!cap)
        return;
    out[0] = '\0';
    if (!v)
        return;
    const char *colon = strchr(v, ':');
    /* an epoch is digits before the first ':' */
    if (colon && colon > v && strspn(v, "0123456789") == (size_t)(colon - v))
        v = colon + 1;
    size_t n = strlen(v);
    const char *dash = strrchr(v, '-');
    if (dash)
        n = (size_t)(dash - v);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

/* ---- canonical order ---- */

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_ev(const void *a, const void *b)
{
    const pk_cevidence *x = a, *y = b;
    int r = cmp_str(x->vpath, y->vpath);
    if (!r)
        r = cmp_str(x->rule, y->rule);
    if (!r)
        r = (x->loc.offset > y->loc.offset) - (x->loc.offset < y->loc.offset);
    if (!r)
        r = cmp_str(x->loc.record, y->loc.record);
    return r;
}

static int cmp_kv(const void *a, const void *b)
{
    return strcmp(((const pk_kv *)a)->key, ((const pk_kv *)b)->key);
}

static const pk_inventory *sort_inv; /* qsort has no context argument; finish is serialised */

static int cmp_comp_ix(const void *a, const void *b)
{
    const pk_comp *x = &sort_inv->comps[*(const size_t *)a];
    const pk_comp *y = &sort_inv->comps[*(const size_t *)b];
    int r = cmp_str(x->purl, y->purl);
    if (!r)
        r = cmp_str(x->type, y->type);
    if (!r)
        r = cmp_str(x->name, y->name);
    if (!r)
        r = cmp_str(x->version, y->version);
    if (!r)
        r = cmp_str(x->file_vpath, y->file_vpath);
    if (!r)
        r = cmp_str(x->nev ? x->ev[0].vpath : NULL, y->nev ? y->ev[0].vpath : NULL);
    if (!r)
        r = (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
    return r;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int cmp_edge(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    int r = (x[0] > y[0]) - (x[0] < y[0]);
    return r ? r : (x[1] > y[1]) - (x[1] < y[1]);
}

/* ---- identifiers ---- */

const char *pk_comp_prop(const pk_comp *c, const char *key)
{
    for (size_t i = 0; c && key && i < c->nprops; i++)
        if (c->props[i].key && strcmp(c->props[i].key, key) == 0)
            return c->props[i].value;
    return NULL;
}

static pk_status fill_purl(pk_inventory *inv, pk_comp *c)
{
    if (c->purl || !c->type || !c->name)
        return PK_OK;
    pki_purl p;
    memset(&p, 0, sizeof p);
    p.type = c->type;
    p.ns = c->ns;
    p.name = c->name;
    p.version = c->version;
    if (c->arch)
        p.quals[p.nquals++] = (pki_purl_qual){"arch", c->arch};
    if (c->distro)
        p.quals[p.nquals++] = (pki_purl_qual){"distro", c->distro};
    const char *epoch = pk_comp_prop(c, "epoch");
    if (epoch)
        p.quals[p.nquals++] = (pki_purl_qual){"epoch", epoch};
    char ck[80];
    if (c->unattributed && c->sha256) {
        snprintf(ck, sizeof ck, "sha256:%s", c->sha256);
        p.quals[p.nquals++] = (pki_purl_qual){"checksum", ck};
    }
    char *out = pki_malloc(PKI_IDENT_OUT_MAX);
    if (!out)
        return PK_E_NOMEM;
    pk_status st = pki_purl_build(&p, out, PKI_IDENT_OUT_MAX);
    if (st == PK_OK) {
        c->purl = pki_inv_str(inv, out);
        st = c->purl ? PK_OK : PK_E_NOMEM;
    } else {
        st = PK_OK; /* a name the purl spec refuses: the component keeps no purl */
    }
    pki_free(out);
    return st;
}

/* rules/cpe-map.tsv: "<purl type or *>\t<package name>\t<vendor>\t<product>". */
static int cpe_lookup(const char *type, const char *name, char *vendor, char *product, size_t cap)
{
    const pki_rulefile *rf = pki_rulefile_get("cpe-map.tsv");
    if (!rf || !name)
        return 0;
    const char *p = (const char *)rf->data, *end = p + rf->len;
    size_t tl = strlen(type), nl = strlen(name);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *f[4];
        size_t fl[4], k = 0;
        const char *q = p;
        while (k < 4 && q <= eol) {
            const char *t = memchr(q, '\t', (size_t)(eol - q));
            const char *fe = t ? t : eol;
            f[k] = q;
            fl[k] = (size_t)(fe - q);
            k++;
            q = fe + 1;
        }
        if (k == 4 && *p != '#' && fl[1] == nl && memcmp(f[1], name, nl) == 0 &&
            ((fl[0] == 1 && f[0][0] == '*') || (fl[0] == tl && memcmp(f[0], type, tl) == 0)) &&
            fl[2] < cap && fl[3] < cap) {
            memcpy(vendor, f[2], fl[2]);
            vendor[fl[2]] = '\0';
            memcpy(product, f[3], fl[3]);
            product[fl[3]] = '\0';
            return 1;
        }
        p = eol + 1;
    }
    return 0;
}

static pk_status fill_cpe(pk_inventory *inv, pk_comp *c)
{
    if (c->cpe || !c->version || c->unattributed)
        return PK_OK;
    char vendor[128], product[128], ver[256];
    const char *v = pk_comp_prop(c, "cpe_vendor"), *pr = pk_comp_prop(c, "cpe_product");
    if (v && pr && strlen(v) < sizeof vendor && strlen(pr) < sizeof product) {
        snprintf(vendor, sizeof vendor, "%s", v);
        snprintf(product, sizeof product, "%s", pr);
    } else if (!cpe_lookup(c->type, c->source_name ? c->source_name : c->name, vendor, product,
                           sizeof vendor) &&
               !(c->source_name && cpe_lookup(c->type, c->name, vendor, product, sizeof vendor))) {
        return PK_OK;
    }
    /* distribution revisions are not part of the upstream product's version */
    int distro = !strcmp(c->type, "deb") || !strcmp(c->type, "rpm") || !strcmp(c->type, "apk");
    if (distro) {
        pki_upstream_version(c->source_version ? c->source_version : c->version, ver, sizeof ver);
        /* repacks are the upstream release: "1.2.13.dfsg", "2.1+dfsg", "1.0~rc1" -> NVD's form */
        ver[strcspn(ver, "+~")] = '\0';
        char *d = strstr(ver, ".dfsg");
        if (!d)
            d = strstr(ver, ".ds");
        if (d)
            *d = '\0';
    } else
        snprintf(ver, sizeof ver, "%s", c->version);
    pki_cpe cpe;
    memset(&cpe, 0, sizeof cpe);
    cpe.a[PKI_CPE_PART] = (pki_cpe_attr){PKI_CPE_VALUE, "a"};
    char qv[3 * 128], qp[3 * 128], qver[3 * 256];
    if (pki_cpe_quote(vendor, qv, sizeof qv) != PK_OK ||
        pki_cpe_quote(product, qp, sizeof qp) != PK_OK ||
        pki_cpe_quote(ver, qver, sizeof qver) != PK_OK)
        return PK_OK;
    cpe.a[PKI_CPE_VENDOR] = (pki_cpe_attr){PKI_CPE_VALUE, qv};
    cpe.a[PKI_CPE_PRODUCT] = (pki_cpe_attr){PKI_CPE_VALUE, qp};
    cpe.a[PKI_CPE_VERSION] = (pki_cpe_attr){PKI_CPE_VALUE, qver};
    char out[1024];
    if (pki_cpe_build(&cpe, out, sizeof out) != PK_OK)
        return PK_OK;
    c->cpe = pki_inv_str(inv, out);
    return c->cpe ? PK_OK : PK_E_NOMEM;
}

pk_status pki_inv_finish(pk_inventory *inv)
{
    pk_status st = PK_OK;
    for (size_t i = 0; i < inv->n && st == PK_OK; i++) {
        pk_comp *c = &inv->comps[i];
        if (c->nev > 1)
            qsort(c->ev, c->nev, sizeof *c->ev, cmp_ev);
        if (c->nprops > 1)
            qsort((void *)c->props, c->nprops, sizeof *c->props, cmp_kv);
        st = fill_purl(inv, c);
        if (st == PK_OK)
            st = fill_cpe(inv, c);
    }
    if (st != PK_OK)
        return st;

    /* order: a permutation, then every index (edges) remapped through it */
    size_t *ord = pki_malloc((inv->n ? inv->n : 1) * sizeof *ord);
    size_t *rank = pki_malloc((inv->n ? inv->n : 1) * sizeof *rank);
    pk_comp *sorted = pki_malloc((inv->n ? inv->n : 1) * sizeof *sorted);
    pki_cx *sx = pki_malloc((inv->n ? inv->n : 1) * sizeof *sx);
    if (!ord || !rank || !sorted || !sx) {
        st = PK_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < inv->n; i++)
        ord[i] = i;
    sort_inv = inv;
    if (inv->n > 1)
        qsort(ord, inv->n, sizeof *ord, cmp_comp_ix);
    for (size_t i = 0; i < inv->n; i++) {
        rank[ord[i]] = i;
        sorted[i] = inv->comps[ord[i]];
        sx[i] = inv->cx[ord[i]];
    }
    if (inv->n) { /* memcpy to a NULL array is undefined even for 0 bytes */
        memcpy(inv->comps, sorted, inv->n * sizeof *sorted);
        memcpy(inv->cx, sx, inv->n * sizeof *sx);
    }
    for (size_t e = 0; e < inv->nedges; e++) {
        inv->edges[e][0] = rank[inv->edges[e][0]];
        inv->edges[e][1] = rank[inv->edges[e][1]];
    }
    if (inv->nedges > 1)
        qsort(inv->edges, inv->nedges, sizeof *inv->edges, cmp_edge);
    pki_free(inv->alldeps);
    inv->alldeps = pki_malloc((inv->nedges ? inv->nedges : 1) * sizeof(size_t));
    if (!inv->alldeps) {
        st = PK_E_NOMEM;
        goto out;
    }
    size_t nd = 0;
    for (size_t i = 0; i < inv->n; i++) {
        inv->comps[i].deps = NULL;
        inv->comps[i].ndeps = 0;
    }
    for (size_t e = 0; e < inv->nedges; e++) {
        if (e && inv->edges[e][0] == inv->edges[e - 1][0] &&
            inv->edges[e][1] == inv->edges[e - 1][1])
            continue;
        pk_comp *c = &inv->comps[inv->edges[e][0]];
        if (!c->ndeps)
            c->deps = inv->alldeps + nd;
        inv->alldeps[nd++] = inv->edges[e][1];
        c->ndeps++;
    }
    inv->st.dependencies = nd;
    inv->st.components = inv->n;

    /* refs: the purl when unique, else purl#n; components without one get name#n */
    pki_smap seen = {0};
    for (size_t i = 0; i < inv->n && st == PK_OK; i++) {
        pk_comp *c = &inv->comps[i];
        const char *base = c->purl ? c->purl : c->name;
        char buf[PKI_IDENT_OUT_MAX + 32];
        snprintf(buf, sizeof buf, "%s", base);
        for (unsigned k = 2; pki_smap_get(&seen, buf) != SIZE_MAX; k++)
            snprintf(buf, sizeof buf, "%s#%u", base, k);
        c->ref = pki_inv_str(inv, buf);
        if (!c->ref || pki_smap_put(&seen, c->ref, i) == SIZE_MAX - 1)
            st = PK_E_NOMEM;
    }
    pki_smap_free(&seen);
    (void)cmp_size;
out:
    pki_free(ord);
    pki_free(rank);
    pki_free(sorted);
    pki_free(sx);
    return st;
}

size_t pk_inventory_count(const pk_inventory *inv)
{
    return inv ? inv->n : 0;
}

const pk_comp *pk_inventory_at(const pk_inventory *inv, size_t i)
{
    return inv && i < inv->n ? &inv->comps[i] : NULL;
}

void pk_inventory_stats_get(const pk_inventory *inv, pk_inventory_stats *st)
{
    if (!st)
        return;
    memset(st, 0, sizeof *st);
    if (inv)
        *st = inv->st;
}

const pk_sbom_subject *pk_inventory_subject(const pk_inventory *inv)
{
    return inv ? &inv->subject : NULL;
}
