/* Step 8: the dependency graph. Declared dependencies (dpkg Depends, npm,
 * Go build info, cargo-auditable, ...) are resolved by name among components
 * of the same type, preferring the same scope and the exact version when the
 * evidence gives one; virtual names resolve through "provides". Then ELF
 * DT_NEEDED and PE imports: the library file with that name (or SONAME)
 * nearest to the binary in the tree, and the component that owns it. */
#include "agg_int.h"

#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A multimap: key -> chain of values. */
typedef struct mm {
    pki_smap head; /* key -> first entry */
    struct mm_ent {
        size_t val, next;
    } * e;
    size_t n, cap;
    pki_arena *keys;
} mm;

static pk_status mm_put(mm *m, const char *key, size_t val)
{
    if (!pki_grow((void **)&m->e, &m->cap, m->n + 1, sizeof *m->e))
        return PK_E_NOMEM;
    size_t first = pki_smap_get(&m->head, key);
    if (first == SIZE_MAX) {
        key = pki_arena_strdup(m->keys, key);
        if (!key)
            return PK_E_NOMEM;
    }
    m->e[m->n].val = val;
    m->e[m->n].next = first;
    if (pki_smap_put(&m->head, key, m->n) == SIZE_MAX - 1)
        return PK_E_NOMEM;
    m->n++;
    return PK_OK;
}

static void mm_free(mm *m)
{
    pki_smap_free(&m->head);
    pki_free(m->e);
    pki_arena_free(m->keys);
}

static pk_status index_names(pki_agg *g, mm *names, mm *provides)
{
    pk_inventory *inv = g->inv;
    char key[1024];
    pk_status st = PK_OK;
    for (size_t ci = 0; ci < inv->n && st == PK_OK; ci++) {
        const pk_comp *c = &inv->comps[ci];
        if (g->ax[ci].redirect != SIZE_MAX || c->unattributed)
            continue;
        snprintf(key, sizeof key, "%s\x1f%s", c->type, c->name);
        st = mm_put(names, key, ci);
        if (st == PK_OK && c->ns) {
            snprintf(key, sizeof key, "%s\x1f%s/%s", c->type, c->ns, c->name);
            st = mm_put(names, key, ci);
        }
        for (size_t r = 0; r < g->ax[ci].nrecs && st == PK_OK; r++) {
            const char *p = jstr(json_object_get(g->ax[ci].recs[r], "attrs"), "provides");
            while (p && *p && st == PK_OK) {
                while (*p == ' ' || *p == ',')
                    p++;
                size_t l = strcspn(p, " ,");
                if (l) {
                    snprintf(key, sizeof key, "%s\x1f%.*s", c->type, (int)l, p);
                    st = mm_put(provides, key, ci);
                }
                p += l;
            }
        }
    }
    return st;
}

/* The best candidate for one name: exact version first, then same scope. */
static size_t pick(const pki_agg *g, const mm *m, const char *key, const char *version,
                   const char *scope, size_t self)
{
    size_t best = SIZE_MAX;
    int best_score = -1;
    unsigned hops = 0;
    for (size_t e = pki_smap_get(&m->head, key); e != SIZE_MAX && hops < PKI_AGG_MAX_CHAIN;
         e = m->e[e].next, hops++) {
        size_t ci = m->e[e].val;
        if (ci == self)
            continue;
        const pk_comp *c = &g->inv->comps[ci];
        int score = 0;
        if (version) {
            if (!c->version || strcmp(c->version, version))
                continue;
            score += 4;
        }
        if (pki_agg_in_scope(g, ci, scope))
            score += 2;
        /* several same-named components elsewhere and none here: ambiguous, but
         * the lowest index (best evidence, canonical order) is still a fair pick */
        if (score > best_score || (score == best_score && ci < best)) {
            best = ci;
            best_score = score;
        }
    }
    return best;
}

static pk_status declared(pki_agg *g, const mm *names, const mm *provides)
{
    pk_inventory *inv = g->inv;
    char key[1024];
    size_t n = inv->n;
    for (size_t ci = 0; ci < n; ci++) {
        if (g->ax[ci].redirect != SIZE_MAX)
            continue;
        const char *type = inv->comps[ci].type;
        for (size_t r = 0; r < g->ax[ci].nrecs; r++) {
            const json_t *rec = g->ax[ci].recs[r];
            const char *scope = jstr(rec, "scope");
            size_t i;
            json_t *d;
            json_array_foreach(json_object_get(rec, "deps"), i, d)
            {
                const char *alts = json_string_value(json_array_get(d, 0));
                const char *ver = json_string_value(json_array_get(d, 1));
                size_t to = SIZE_MAX;
                for (const char *p = alts; p && *p && to == SIZE_MAX;) {
                    while (*p == ' ' || *p == '|')
                        p++;
                    size_t l = strcspn(p, "|");
                    size_t t = l;
                    while (t && p[t - 1] == ' ')
                        t--;
                    if (t) {
                        snprintf(key, sizeof key, "%s\x1f%.*s", type, (int)t, p);
                        to = pick(g, names, key, ver, scope, ci);
                        if (to == SIZE_MAX)
                            to = pick(g, provides, key, NULL, scope, ci);
                    }
                    p += l;
                }
                if (to != SIZE_MAX) {
                    pk_status st = pki_inv_add_dep(inv, ci, pki_agg_resolve(g, to));
                    if (st != PK_OK)
                        return st;
                }
            }
        }
    }
    return PK_OK;
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    return i;
}

static const char *base(const char *vp)
{
    const char *s = strrchr(vp, '/');
    return s ? s + 1 : vp;
}

/* The owner of the library file named `lib` nearest to file f (longest common
 * vpath prefix), or SIZE_MAX. */
static size_t nearest_owner(const pki_agg *g, const mm *libs, const char *lib, size_t f)
{
    const pk_scan *s = g->s;
    size_t best = SIZE_MAX, best_len = 0;
    unsigned hops = 0;
    for (size_t e = lib ? pki_smap_get(&libs->head, lib) : SIZE_MAX;
         e != SIZE_MAX && hops < PKI_AGG_MAX_CHAIN; e = libs->e[e].next, hops++) {
        size_t cand = libs->e[e].val;
        size_t l = common_prefix(s->files[cand].vpath, s->files[f].vpath);
        if (best == SIZE_MAX || l > best_len) {
            best = cand;
            best_len = l;
        }
    }
    return best != SIZE_MAX ? pki_agg_resolve(g, g->owner[best]) : SIZE_MAX;
}

static void lower(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in && in[i] && i + 1 < cap; i++)
        out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
    out[i] = '\0';
}

/* Edges from f's owner to the owners of the libraries it loads: ELF DT_NEEDED
 * by exact name or SONAME, PE imports and delay imports by DLL name, which
 * Windows compares without case. */
static pk_status link_file(pki_agg *g, const mm *libs, const mm *dlls, size_t f)
{
    const json_t *facts = g->s->files[f].facts;
    size_t from = pki_agg_resolve(g, g->owner[f]);
    if (from == SIZE_MAX || !facts)
        return PK_OK;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(json_object_get(facts, "elf"), "needed"), i, v)
    {
        size_t to = nearest_owner(g, libs, json_string_value(v), f);
        pk_status st;
        if (to != SIZE_MAX && to != from && (st = pki_inv_add_dep(g->inv, from, to)) != PK_OK)
            return st;
    }
    static const char *const keys[] = {"imports", "delay_imports"};
    const json_t *pe = json_object_get(facts, "pe");
    for (size_t k = 0; pe && k < 2; k++) {
        json_array_foreach(json_object_get(pe, keys[k]), i, v)
        {
            char name[256];
            lower(jstr(v, "dll"), name, sizeof name);
            size_t to = name[0] ? nearest_owner(g, dlls, name, f) : SIZE_MAX;
            pk_status st;
            if (to != SIZE_MAX && to != from && (st = pki_inv_add_dep(g->inv, from, to)) != PK_OK)
                return st;
        }
    }
    return PK_OK;
}

static pk_status needed(pki_agg *g)
{
    const pk_scan *s = g->s;
    mm libs = {0}, dlls = {0};
    libs.keys = pki_arena_new();
    dlls.keys = pki_arena_new();
    pk_status st = libs.keys && dlls.keys ? PK_OK : PK_E_NOMEM;
    for (size_t f = 0; f < s->nfiles && st == PK_OK; f++) {
        const pki_filerec *fr = &s->files[f];
        if (g->owner[f] == SIZE_MAX)
            continue;
        if (fr->kind == PKI_KIND_FILE || fr->kind == PKI_KIND_SYMLINK ||
            fr->kind == PKI_KIND_HARDLINK)
            st = mm_put(&libs, base(fr->vpath), f);
        const char *so = jstr(json_object_get(fr->facts, "elf"), "soname");
        if (st == PK_OK && so && strcmp(so, base(fr->vpath)))
            st = mm_put(&libs, so, f);
        if (st == PK_OK && fr->type == PK_FT_PE) {
            char name[256];
            lower(base(fr->vpath), name, sizeof name);
            st = mm_put(&dlls, name, f);
        }
    }
    for (size_t f = 0; f < s->nfiles && st == PK_OK; f++)
        st = link_file(g, &libs, &dlls, f);
    mm_free(&libs);
    mm_free(&dlls);
    return st;
}

pk_status pki_agg_deps(pki_agg *g)
{
    mm names = {0}, provides = {0};
    names.keys = pki_arena_new();
    provides.keys = pki_arena_new();
    pk_status st = names.keys && provides.keys ? PK_OK : PK_E_NOMEM;
    if (st == PK_OK)
        st = index_names(g, &names, &provides);
    if (st == PK_OK)
        st = declared(g, &names, &provides);
    mm_free(&names);
    mm_free(&provides);
    if (st == PK_OK)
        st = needed(g);
    return st;
}
