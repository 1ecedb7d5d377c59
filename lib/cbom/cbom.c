/* cbom: building, the asset table, and the public accessors. */
#include "cbom_int.h"

#include <parakh/inventory.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const how_names[] = {
    [PKI_HOW_CONSTANT] = "constant",
    [PKI_HOW_NAME] = "name",
    [PKI_HOW_NAME_TABLE] = "name-table",
    [PKI_HOW_API_IMPORT] = "api-import",
    [PKI_HOW_API_EXPORT] = "api-export",
    [PKI_HOW_API_NAME] = "api-name",
    [PKI_HOW_KEY] = "key",
    [PKI_HOW_CERT] = "certificate",
    [PKI_HOW_COMPONENT] = "component",
    [PKI_HOW_LINKED] = "linked",
};

const char *pki_cbom_how_name(pki_cahow h)
{
    return (unsigned)h < sizeof how_names / sizeof how_names[0] ? how_names[h] : "other";
}

pki_casset *pki_cbom_find(const pk_cbom *c, const char *ref)
{
    size_t i = pki_smap_get(&c->byref, ref);
    return i == SIZE_MAX ? NULL : c->a[i];
}

pki_casset *pki_cbom_asset(pk_cbom *c, pki_cakind kind, const char *ref, const char *name)
{
    pki_casset *a = pki_cbom_find(c, ref);
    if (a)
        return a;
    if (c->na >= PKI_CBOM_MAX_ASSETS) {
        c->dropped++;
        return NULL;
    }
    /* assets live in the arena: their addresses stay valid while more are made */
    c->oom = 1; /* until the asset is made */
    if (!pki_grow((void **)&c->a, &c->capa, c->na + 1, sizeof *c->a))
        return NULL;
    const char *r = pki_arena_strdup(c->arena, ref);
    const char *n = pki_arena_strdup(c->arena, name ? name : ref);
    a = pki_arena_alloc(c->arena, sizeof *a);
    if (!r || !n || !a)
        return NULL;
    if (pki_smap_put(&c->byref, r, c->na) == SIZE_MAX - 1)
        return NULL;
    c->oom = 0;
    c->a[c->na++] = a;
    a->kind = kind;
    a->ref = r;
    a->name = n;
    a->bits = -1;
    a->classical = a->quantum = -1;
    a->size = -1;
    a->encrypted = -1;
    a->validated = -1;
    return a;
}

pk_status pki_cbom_occ(pk_cbom *c, pki_casset *a, const pki_filerec *fr, uint64_t off, uint64_t len,
                       pki_cahow how, const char *what, uint8_t conf)
{
    a->total++;
    /* the same place twice (a name both as a table entry and an API) once */
    for (size_t i = 0; i < a->nocc; i++)
        if (a->occ[i].offset == off && a->occ[i].how == how && !strcmp(a->occ[i].vpath, fr->vpath))
            return PK_OK;
    if (a->nocc >= PKI_CBOM_OCC_MAX)
        return PK_OK;
    if (!pki_grow((void **)&a->occ, &a->capocc, a->nocc + 1, sizeof *a->occ))
        return PK_E_NOMEM;
    pki_caocc *o = &a->occ[a->nocc];
    memset(o, 0, sizeof *o);
    o->vpath = pki_arena_strdup(c->arena, fr->vpath);
    o->what = what ? pki_arena_strdup(c->arena, what) : NULL;
    if (!o->vpath || (what && !o->what))
        return PK_E_NOMEM;
    o->offset = off;
    o->length = len;
    o->how = how;
    o->confidence = conf;
    if (fr->hashed) {
        memcpy(o->sha256, fr->sha256, 32);
        o->has_sha256 = 1;
    }
    a->nocc++;
    return PK_OK;
}

pk_status pki_cbom_strlist_add(pk_cbom *c, const char ***list, size_t *n, size_t *cap,
                               const char *s, size_t max)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*list)[i], s))
            return PK_OK;
    if (*n >= max)
        return PK_OK;
    if (!pki_grow((void **)list, cap, *n + 1, sizeof **list))
        return PK_E_NOMEM;
    const char *d = pki_arena_strdup(c->arena, s);
    if (!d)
        return PK_E_NOMEM;
    (*list)[(*n)++] = d;
    return PK_OK;
}

const pk_finding *pki_cbom_scan_finding(const pk_cbom *c, const char *vpath, uint64_t off,
                                        const char *const *rules)
{
    /* the scan's findings are sorted by vpath, then offset */
    size_t lo = 0, hi = c->nsf;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(c->sf[mid].vpath, vpath);
        if (k < 0 || (k == 0 && c->sf[mid].loc.offset < off))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < c->nsf && c->sf[i].loc.offset == off && !strcmp(c->sf[i].vpath, vpath);
         i++)
        for (size_t r = 0; rules[r]; r++)
            if (!strcmp(c->sf[i].rule_id, rules[r]))
                return &c->sf[i];
    return NULL;
}

static void today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

pk_status pk_cbom_build(const pk_scan *s, const pk_cbom_opts *o, pk_cbom **out, char *err,
                        size_t errcap)
{
    if (!s || !out)
        return PK_E_MISUSE;
    *out = NULL;
    if (err && errcap)
        err[0] = 0;
    pk_cbom_opts dflt = {0};
    if (!o)
        o = &dflt;
    if (o->policy_date && !pki_cryptopol_date_valid(o->policy_date)) {
        if (err && errcap)
            snprintf(err, errcap, "invalid policy date '%s' (expected YYYY-MM-DD)", o->policy_date);
        return PK_E_USAGE;
    }
    const pki_cryptopol *pol = NULL;
    pk_status st = pki_cryptopol_builtin(&pol, err, errcap);
    if (st != PK_OK)
        return st;
    pk_cbom *c = pki_calloc(1, sizeof *c);
    if (!c)
        return PK_E_NOMEM;
    c->arena = pki_arena_new();
    if (!c->arena) {
        pki_free(c);
        return PK_E_NOMEM;
    }
    c->pol = pol;
    if (o->policy_date)
        memcpy(c->date, o->policy_date, 10);
    else
        today(c->date);
    c->sf = s->findings;
    c->nsf = s->nfind;

    pk_inventory *own = NULL;
    const pk_inventory *inv = o->inv;
    st = pki_cbom_collect_files(c, s);
    if (st == PK_OK && !inv) {
        st = pk_inventory_from_scan(s, &own);
        inv = own;
    }
    if (st == PK_OK)
        st = pki_cbom_collect_libs(c, s, inv, o->db);
    if (st == PK_OK)
        st = pki_cbom_judge(c);
    pk_inventory_free(own);
    c->sf = NULL; /* borrowed during building only */
    c->nsf = 0;
    if (st != PK_OK) {
        if (err && errcap && !err[0])
            snprintf(err, errcap, "building the CBOM failed: %s", pk_status_str(st));
        pk_cbom_free(c);
        return st;
    }
    *out = c;
    return PK_OK;
}

size_t pk_cbom_findings(const pk_cbom *c, const pk_finding **list, pk_severity *worst)
{
    if (worst)
        *worst = PK_SEV_INFO;
    if (!c) {
        if (list)
            *list = NULL;
        return 0;
    }
    if (list)
        *list = c->f;
    for (size_t i = 0; worst && i < c->nf; i++)
        if (c->f[i].severity > *worst)
            *worst = c->f[i].severity;
    return c->nf;
}

void pk_cbom_stats_get(const pk_cbom *c, pk_cbom_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; c && i < c->na; i++) {
        const pki_casset *a = c->a[i];
        switch (a->kind) {
        case PKI_CA_ALG:
            st->algorithms++;
            break;
        case PKI_CA_PROTO:
            st->protocols++;
            break;
        case PKI_CA_CERT:
            st->certificates++;
            break;
        case PKI_CA_KEY:
            st->keys++;
            break;
        case PKI_CA_LIB:
            st->libraries++;
            break;
        }
        if (a->judged && (unsigned)a->v.status < 7)
            st->by_status[a->v.status == PKI_CPOL_UNKNOWN ? 6 : a->v.status - 1]++;
    }
}

const char *pk_cbom_policy_date(const pk_cbom *c)
{
    return c ? c->date : "";
}

const char *pk_cbom_policy_version(const pk_cbom *c)
{
    return c ? pki_cryptopol_version(c->pol) : "";
}

pk_status pk_cbom_write(const pk_cbom *c, int reproducible, FILE *out)
{
    if (!c || !out)
        return PK_E_MISUSE;
    return pki_cbom_cdx(c, reproducible, out);
}

int pk_cbom_date_valid(const char *s)
{
    return s && pki_cryptopol_date_valid(s);
}

void pk_cbom_free(pk_cbom *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->na; i++) {
        pki_free(c->a[i]->occ);
        pki_free(c->a[i]->suites);
        pki_free(c->a[i]->provides);
    }
    pki_free(c->a);
    pki_free(c->f);
    pki_smap_free(&c->byref);
    pki_arena_free(c->arena);
    pki_free(c);
}
