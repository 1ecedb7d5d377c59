/* pk_inventory_from_scan: the analyzers' component records joined into one
 * inventory. Steps, in order (docs/inventory.md explains each):
 *   1. records sorted (confidence, then place), so the best evidence names a component;
 *   2. one component per identity (type, namespace, name, version, arch; plus
 *      the file hash for a component that is a file), evidence appended;
 *   3. ownership-only records (dpkg .list, Python RECORD) joined by name and scope;
 *   4. a jar's manifest folded into the pom.properties of the same jar;
 *   5. every file attributed: the component that is the file, lists it, or
 *      owns a prefix of its vpath (longest wins);
 *   6. executables nobody claims become components of their own;
 *   7. a binary signature inside a package's own file becomes evidence of that
 *      package when the names and versions agree, else a dependency of it;
 *   8. declared dependencies resolved by name within the scope, then ELF
 *      DT_NEEDED resolved to the owner of the library file. */
#include "agg_int.h"

#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int jconf(const json_t *o)
{
    return (int)json_integer_value(json_object_get(o, "confidence"));
}

static int cmp_rec(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int r = jconf(y) - jconf(x);
    if (!r)
        r = strcmp(jstr(x, "vpath") ? jstr(x, "vpath") : "",
                   jstr(y, "vpath") ? jstr(y, "vpath") : "");
    if (!r) {
        json_int_t ox = json_integer_value(json_object_get(x, "offset"));
        json_int_t oy = json_integer_value(json_object_get(y, "offset"));
        r = (ox > oy) - (ox < oy);
    }
    if (!r)
        r = strcmp(jstr(x, "name") ? jstr(x, "name") : "", jstr(y, "name") ? jstr(y, "name") : "");
    if (!r)
        r = strcmp(jstr(x, "version") ? jstr(x, "version") : "",
                   jstr(y, "version") ? jstr(y, "version") : "");
    if (!r)
        r = strcmp(jstr(x, "rule") ? jstr(x, "rule") : "", jstr(y, "rule") ? jstr(y, "rule") : "");
    return r;
}

static pk_ckind kind_of(const char *s)
{
    for (int k = 0; k < PK_CK_COUNT_; k++)
        if (s && strcmp(s, pk_ckind_name((pk_ckind)k)) == 0)
            return (pk_ckind)k;
    return PK_CK_LIBRARY;
}

static pk_cmethod method_of(const char *s)
{
    for (int k = 0; k < PK_CM_COUNT_; k++)
        if (s && strcmp(s, pk_cmethod_name((pk_cmethod)k)) == 0)
            return (pk_cmethod)k;
    return PK_CM_OTHER;
}

/* attrs that are fields of pk_comp, or internal to the joins (not properties) */
static const char *const internal_attrs[] = {"known_as", "provides", "jar", NULL};

static pk_status set_field(pki_agg *g, size_t ci, const char *k, const char *v)
{
    pk_inventory *inv = g->inv;
    pk_comp *c = &inv->comps[ci];
    const char **slot = NULL;
    if (!strcmp(k, "license"))
        slot = &c->license;
    else if (!strcmp(k, "supplier"))
        slot = &c->supplier;
    else if (!strcmp(k, "author"))
        slot = &c->author;
    else if (!strcmp(k, "description"))
        slot = &c->description;
    else if (!strcmp(k, "homepage"))
        slot = &c->homepage;
    else if (!strcmp(k, "source_name"))
        slot = &c->source_name;
    else if (!strcmp(k, "source_version"))
        slot = &c->source_version;
    else if (!strcmp(k, "cpe"))
        slot = &c->cpe;
    else if (!strcmp(k, "sha256"))
        slot = &c->sha256;
    else if (!strcmp(k, "sha1"))
        slot = &c->sha1;
    else if (!strcmp(k, "md5"))
        slot = &c->md5;
    if (slot) {
        if (!*slot && !(*slot = pki_inv_str(inv, v)))
            return PK_E_NOMEM;
        return PK_OK;
    }
    for (size_t i = 0; internal_attrs[i]; i++)
        if (!strcmp(k, internal_attrs[i]))
            return PK_OK;
    for (size_t i = 0; i < c->nprops; i++)
        if (!strcmp(c->props[i].key, k))
            return PK_OK; /* the first (best) record's value stays */
    return pki_inv_set_prop(inv, ci, k, v);
}

pk_status pki_agg_add_rec(pki_agg *g, size_t ci, json_t *rec)
{
    if (!pki_grow((void **)&g->ax[ci].recs, &g->ax[ci].caprecs, g->ax[ci].nrecs + 1,
                  sizeof(json_t *)))
        return PK_E_NOMEM;
    g->ax[ci].recs[g->ax[ci].nrecs++] = rec;
    return PK_OK;
}

static pk_status grow_ax(pki_agg *g)
{
    if (!pki_grow((void **)&g->ax, &g->capax, g->inv->n, sizeof(pki_ax)))
        return PK_E_NOMEM;
    memset(&g->ax[g->inv->n - 1], 0, sizeof(pki_ax));
    g->ax[g->inv->n - 1].redirect = SIZE_MAX;
    g->nax = g->inv->n;
    return PK_OK;
}

pk_status pki_agg_new_comp(pki_agg *g, size_t *out)
{
    size_t ci = pki_inv_add(g->inv);
    if (ci == SIZE_MAX)
        return PK_E_NOMEM;
    *out = ci;
    return grow_ax(g);
}

static pk_status evidence_of(pki_agg *g, size_t ci, const json_t *r)
{
    pk_cevidence ev;
    memset(&ev, 0, sizeof ev);
    ev.vpath = jstr(r, "vpath");
    ev.analyzer = jstr(r, "analyzer");
    ev.rule = jstr(r, "rule");
    ev.method = method_of(jstr(r, "method"));
    ev.confidence = (uint8_t)jconf(r);
    json_t *off = json_object_get(r, "offset");
    ev.loc.offset = off ? (uint64_t)json_integer_value(off) : PK_LOC_NONE;
    ev.loc.length = off ? (uint64_t)json_integer_value(json_object_get(r, "length")) : 0;
    ev.loc.record = jstr(r, "record");
    const char *m = jstr(r, "matched");
    if (m)
        ev.matched = (pk_bytes){(const uint8_t *)m, strlen(m)};
    return pki_inv_add_ev(g->inv, ci, &ev);
}

static void key_of(const json_t *r, char *buf, size_t cap, int with_version)
{
    const char *f[] = {jstr(r, "type"), jstr(r, "ns"), jstr(r, "name"),
                       with_version ? jstr(r, "version") : "", jstr(r, "arch")};
    size_t n = 0;
    for (size_t i = 0; i < 5 && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s\x1f", f[i] ? f[i] : "");
    /* a component that is a file is that file: two different files with the
     * same product name stay two components */
    if (json_is_true(json_object_get(r, "self")) && n < cap)
        snprintf(buf + n, cap - n, "%s", jstr(r, "sha256") ? jstr(r, "sha256") : jstr(r, "vpath"));
}

/* Step 2: one component per identity. */
static pk_status add_component(pki_agg *g, json_t *r)
{
    char key[2048];
    key_of(r, key, sizeof key, 1);
    size_t ci = pki_smap_get(&g->ids, key);
    pk_status st;
    if (ci == SIZE_MAX) {
        if ((st = pki_agg_new_comp(g, &ci)) != PK_OK)
            return st;
        const char *k = pki_inv_str(g->inv, key);
        if (!k || pki_smap_put(&g->ids, k, ci) == SIZE_MAX - 1)
            return PK_E_NOMEM;
        pk_comp *c = &g->inv->comps[ci];
        c->type = pki_inv_str(g->inv, jstr(r, "type"));
        c->ns = pki_inv_str(g->inv, jstr(r, "ns"));
        c->name = pki_inv_str(g->inv, jstr(r, "name"));
        c->version = pki_inv_str(g->inv, jstr(r, "version"));
        c->arch = pki_inv_str(g->inv, jstr(r, "arch"));
        c->distro = pki_inv_str(g->inv, jstr(r, "distro"));
        c->kind = kind_of(jstr(r, "kind"));
        if (json_is_true(json_object_get(r, "self"))) {
            c->file_vpath = pki_inv_str(g->inv, jstr(r, "vpath"));
            c->sha256 = pki_inv_str(g->inv, jstr(r, "sha256"));
            c->sha1 = pki_inv_str(g->inv, jstr(r, "sha1"));
        }
        if (!c->type || !c->name)
            return PK_E_NOMEM;
        /* the name index, for ownership records */
        char nk[1024];
        snprintf(nk, sizeof nk, "%s\x1f%s", c->type, c->name);
        if (!pki_grow((void **)&g->name_next, &g->cap_name_next, ci + 1, sizeof(size_t)))
            return PK_E_NOMEM;
        size_t prev = pki_smap_get(&g->names, nk);
        const char *nks = prev == SIZE_MAX ? pki_inv_str(g->inv, nk) : NULL;
        if (prev == SIZE_MAX && (!nks || pki_smap_put(&g->names, nks, ci) == SIZE_MAX - 1))
            return PK_E_NOMEM;
        if (prev != SIZE_MAX) {
            /* append at the chain's end so the best (first) component stays first */
            size_t t = prev;
            unsigned hops = 0;
            while (g->name_next[t] != SIZE_MAX && hops++ < PKI_AGG_MAX_CHAIN)
                t = g->name_next[t];
            if (g->name_next[t] == SIZE_MAX)
                g->name_next[t] = ci;
        }
        g->name_next[ci] = SIZE_MAX;
    } else {
        g->inv->st.merged++;
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(r, "attrs"), k, v)
    {
        if (json_is_string(v) && (st = set_field(g, ci, k, json_string_value(v))) != PK_OK)
            return st;
    }
    if ((st = evidence_of(g, ci, r)) != PK_OK)
        return st;
    return pki_agg_add_rec(g, ci, r);
}

/* Step 3: ownership-only records join the component of that name in that scope. */
static pk_status add_claim(pki_agg *g, json_t *r)
{
    const char *type = jstr(r, "type"), *name = jstr(r, "name"), *arch = jstr(r, "arch");
    const char *scope = jstr(r, "scope");
    char nk[1024];
    snprintf(nk, sizeof nk, "%s\x1f%s", type, name);
    unsigned hops = 0;
    for (size_t ci = pki_smap_get(&g->names, nk); ci != SIZE_MAX && hops < PKI_AGG_MAX_CHAIN;
         ci = g->name_next[ci], hops++) {
        const pk_comp *c = &g->inv->comps[ci];
        if ((arch && c->arch && strcmp(arch, c->arch)) || !pki_agg_in_scope(g, ci, scope))
            continue;
        /* a claim may carry what the database lacks (dpkg-copyright: the licence) */
        const char *k;
        json_t *v;
        pk_status st;
        json_object_foreach(json_object_get(r, "attrs"), k, v)
        {
            if (json_is_string(v) && (st = set_field(g, ci, k, json_string_value(v))) != PK_OK)
                return st;
        }
        return pki_agg_add_rec(g, ci, r);
    }
    g->dropped_claims++;
    return PK_OK;
}

int pki_agg_in_scope(const pki_agg *g, size_t ci, const char *scope)
{
    for (size_t i = 0; i < g->ax[ci].nrecs && i < PKI_AGG_MAX_CHAIN; i++) {
        const char *s = jstr(g->ax[ci].recs[i], "scope");
        if (s && scope && !strcmp(s, scope))
            return 1;
    }
    return 0;
}

size_t pki_agg_resolve(const pki_agg *g, size_t ci)
{
    for (unsigned hops = 0; ci != SIZE_MAX && g->ax[ci].redirect != SIZE_MAX && hops < 64; hops++)
        ci = g->ax[ci].redirect;
    return ci;
}

/* Step 4: a jar's manifest record folds into the pom.properties component of
 * the same jar when the versions agree (or the manifest has none). */
static pk_status fold_manifests(pki_agg *g)
{
    pk_inventory *inv = g->inv;
    /* jar vpath -> first pom.properties component in it, chained through pnext */
    pki_smap jars = {0};
    size_t *pnext = pki_malloc((inv->n ? inv->n : 1) * sizeof *pnext);
    pk_status st = pnext ? PK_OK : PK_E_NOMEM;
    for (size_t p = inv->n; p-- > 0 && st == PK_OK;) {
        const pk_comp *pc = &inv->comps[p];
        pnext[p] = SIZE_MAX;
        if (!pc->nev || !pc->ev[0].rule || strcmp(pc->ev[0].rule, "pom-properties") ||
            !g->ax[p].nrecs)
            continue;
        const char *jar = jstr(json_object_get(g->ax[p].recs[0], "attrs"), "jar");
        if (!jar)
            continue;
        pnext[p] = pki_smap_put(&jars, jar, p);
        if (pnext[p] == SIZE_MAX - 1)
            st = PK_E_NOMEM;
    }
    for (size_t m = 0; m < inv->n && st == PK_OK; m++) {
        const pk_comp *mc = &inv->comps[m];
        if (!mc->nev || !mc->ev[0].rule || strcmp(mc->ev[0].rule, "jar-manifest") ||
            g->ax[m].nrecs == 0)
            continue;
        json_t *owns = json_object_get(g->ax[m].recs[0], "owns");
        const char *prefix = json_string_value(json_array_get(owns, 0));
        if (!prefix)
            continue;
        size_t pl = strlen(prefix);
        size_t target = SIZE_MAX;
        unsigned hops = 0;
        for (size_t p = pl > 2 ? pki_smap_getn(&jars, prefix, pl - 2) : SIZE_MAX;
             p != SIZE_MAX && hops < PKI_AGG_MAX_CHAIN; p = pnext[p], hops++) {
            const pk_comp *pc = &inv->comps[p];
            if (p == m)
                continue;
            if (mc->version && pc->version && strcmp(mc->version, pc->version))
                continue;
            target = p;
            if (mc->name && !strcmp(mc->name, pc->name))
                break; /* the artifact itself, not a shaded one */
        }
        if (target == SIZE_MAX)
            continue;
        for (size_t e = 0; e < mc->nev && st == PK_OK; e++)
            st = pki_inv_add_ev(inv, target, &inv->comps[m].ev[e]);
        for (size_t i = 0; i < g->ax[m].nrecs && st == PK_OK; i++)
            st = pki_agg_add_rec(g, target, g->ax[m].recs[i]);
        g->ax[m].redirect = target;
        inv->st.merged++;
    }
    pki_smap_free(&jars);
    pki_free(pnext);
    return st;
}

pk_status pk_inventory_from_scan(const pk_scan *s, pk_inventory **out)
{
    if (!s || !out || !s->ran)
        return PK_E_MISUSE;
    *out = NULL;
    pki_agg g;
    memset(&g, 0, sizeof g);
    g.s = s;
    g.inv = pki_inv_new();
    if (!g.inv)
        return PK_E_NOMEM;
    pk_status st = PK_OK;
    size_t nrec = json_array_size(s->components);
    json_t **recs = pki_malloc((nrec ? nrec : 1) * sizeof *recs);
    if (!recs) {
        st = PK_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < nrec; i++)
        recs[i] = json_array_get(s->components, i);
    if (nrec > 1)
        qsort(recs, nrec, sizeof *recs, cmp_rec);
    for (size_t i = 0; i < nrec && st == PK_OK; i++)
        if (!json_is_true(json_object_get(recs[i], "claim")))
            st = add_component(&g, recs[i]);
    for (size_t i = 0; i < nrec && st == PK_OK; i++)
        if (json_is_true(json_object_get(recs[i], "claim")))
            st = add_claim(&g, recs[i]);
    if (st == PK_OK)
        st = fold_manifests(&g);
    if (st == PK_OK)
        st = pki_agg_attribute(&g);
    if (st == PK_OK)
        st = pki_agg_unattributed(&g);
    if (st == PK_OK)
        st = pki_agg_binsig(&g);
    if (st == PK_OK)
        st = pki_agg_deps(&g);
    if (st == PK_OK)
        st = pki_agg_compact(&g);
    if (st == PK_OK)
        st = pki_agg_subject(&g);
    if (st == PK_OK)
        st = pki_inv_finish(g.inv);
out:
    pki_free(recs);
    pki_agg_fini(&g);
    if (st != PK_OK) {
        pk_inventory_free(g.inv);
        return st;
    }
    *out = g.inv;
    return PK_OK;
}
