/* From matched rows to findings: one record per (component, vulnerability)
 * whatever the number of feeds and ids that name it, then the facts that
 * belong to the vulnerability rather than the match (CVSS, KEV, EPSS, CWE)
 * and the VEX statements that suppress or annotate it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cvss.h"
#include "match_int.h"

#define MAX_IDS 64 /* ids merged into one record; more are not shown */

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* The CVE id an advisory stands for: itself, its only CVE alias, or NULL
 * when it names none or several (an umbrella such as a DSA). */
static pk_status canon_of(pki_mctx *m, sqlite3_stmt *q, pki_hit *h, int *umbrella)
{
    *umbrella = 0;
    if (strncmp(h->id, "CVE-", 4) == 0) {
        h->canon = h->id;
        return PK_OK;
    }
    sqlite3_bind_text(q, 1, h->id, -1, SQLITE_STATIC);
    const char *only = NULL;
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *a = col(q, 0);
        if (a && n++ == 0)
            only = pki_arena_strdup(m->arena, a);
    }
    sqlite3_reset(q);
    if (n == 1 && !only)
        return PK_E_NOMEM;
    h->canon = n == 1 ? only : h->id;
    *umbrella = n > 1;
    return PK_OK;
}

static int cmp_hit(const void *a, const void *b)
{
    const pki_hit *x = a, *y = b;
    if (x->comp != y->comp)
        return x->comp < y->comp ? -1 : 1;
    int c = strcmp(x->canon, y->canon);
    if (c)
        return c;
    if (x->status != y->status)
        return x->status - y->status;
    c = strcmp(x->feed, y->feed);
    return c ? c : strcmp(x->id, y->id);
}

static int method_rank(const char *m)
{
    return !strcmp(m, "debian") ? 0 : !strcmp(m, "purl") ? 1 : 2;
}

static int cmp_raw(const void *a, const void *b)
{
    const pki_hit *x = a, *y = b;
    if (x->comp != y->comp)
        return x->comp < y->comp ? -1 : 1;
    int c = strcmp(x->id, y->id);
    return c ? c : strcmp(x->feed, y->feed);
}

static int same_raw(const pki_hit *x, const pki_hit *y)
{
    return x->comp == y->comp && !strcmp(x->id, y->id) && !strcmp(x->feed, y->feed);
}

/* Distribution rows of a component whose release is unknown: affected only
 * when every release's range says so (below the earliest fix anywhere). The
 * hits are sorted by (comp, id, feed), so each group is contiguous. */
static void settle_release_guesses(pki_mctx *m)
{
    for (size_t lo = 0; lo < m->nhits;) {
        size_t hi = lo + 1;
        while (hi < m->nhits && same_raw(&m->hits[lo], &m->hits[hi]))
            hi++;
        int all = 1, first = -1;
        for (size_t j = lo; j < hi; j++) {
            pki_hit *g = &m->hits[j];
            if (!g->release_guess)
                continue;
            all &= g->release_affected;
            if (first < 0)
                first = (int)(j - lo);
            else
                g->dropped = 1; /* one record per (id, feed) */
        }
        if (first >= 0)
            m->hits[lo + (size_t)first].dropped = !all;
        lo = hi;
    }
}

static int withdrawn(sqlite3_stmt *q, const pki_hit *h)
{
    sqlite3_bind_text(q, 1, h->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, h->feed, -1, SQLITE_STATIC);
    int w = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL;
    sqlite3_reset(q);
    return w;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, unique, at most MAX_IDS. */
static size_t uniq(const char **v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i], v[k - 1]) != 0)
            v[k++] = v[i];
    return k;
}

static pk_status build(pki_mctx *m, size_t lo, size_t hi, pk_vuln *v)
{
    memset(v, 0, sizeof *v);
    const pki_hit *best = NULL;
    size_t cap = hi - lo < MAX_IDS ? hi - lo : MAX_IDS;
    const char **feeds = pki_arena_alloc(m->arena, cap * sizeof *feeds);
    const char **ids = pki_arena_alloc(m->arena, cap * sizeof *ids);
    if (!feeds || !ids)
        return PK_E_NOMEM;
    size_t nf = 0, ni = 0;
    for (size_t i = lo; i < hi; i++) {
        const pki_hit *h = &m->hits[i];
        if (h->dropped || h->status)
            continue;
        if (!best || method_rank(h->method) < method_rank(best->method) ||
            (method_rank(h->method) == method_rank(best->method) &&
             h->confidence > best->confidence))
            best = h;
        if (h->confidence > v->confidence)
            v->confidence = h->confidence;
        if (nf < cap)
            feeds[nf++] = pki_arena_printf(m->arena, "%s:%s", h->feed, h->id);
        if (ni < cap && strcmp(h->id, h->canon) != 0)
            ids[ni++] = h->id;
    }
    if (!best)
        return PK_OK;
    v->comp = best->comp;
    v->id = best->canon;
    v->method = best->method;
    v->matched = pki_arena_printf(m->arena, "%s %s: %s", best->feed, best->id, best->matched);
    v->fixed = best->fixed;
    for (size_t i = lo; i < hi && !v->fixed; i++)
        if (!m->hits[i].dropped && !m->hits[i].status && m->hits[i].fixed)
            v->fixed = m->hits[i].fixed;
    v->feeds = feeds;
    v->nfeeds = uniq(feeds, nf);
    v->aliases = ids;
    v->naliases = uniq(ids, ni);
    v->cvss_score = -1;
    v->epss = v->epss_percentile = -1;
    /* A statement row (CSAF known_not_affected, fixed) of the same
     * vulnerability for this component. */
    for (size_t i = lo; i < hi; i++) {
        const pki_hit *h = &m->hits[i];
        if (h->dropped || !h->status || h->vex_state == PK_VEX_NONE)
            continue;
        v->vex = h->vex_state;
        v->vex_source = pki_arena_printf(m->arena, "%s:%s", h->feed, h->id);
        v->vex_justification = h->note;
    }
    return PK_OK;
}

pk_status pki_match_merge(pki_mctx *m)
{
    if (m->nhits)
        qsort(m->hits, m->nhits, sizeof *m->hits, cmp_raw);
    settle_release_guesses(m);
    sqlite3_stmt *qa = NULL, *qw = NULL;
    pk_status st = PK_OK;
    if (sqlite3_prepare_v2(m->db->h, "SELECT alias FROM alias WHERE id = ?1 AND alias LIKE 'CVE-%'",
                           -1, &qa, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m->db->h, "SELECT withdrawn FROM advisory WHERE id = ?1 AND feed = ?2",
                           -1, &qw, NULL) != SQLITE_OK) {
        snprintf(m->err, m->errcap, "%s: %s", m->db->path, sqlite3_errmsg(m->db->h));
        st = PK_E_FEED;
    }
    for (size_t i = 0; i < m->nhits && st == PK_OK; i++) {
        pki_hit *h = &m->hits[i];
        int umbrella = 0;
        if (h->dropped)
            continue;
        if (withdrawn(qw, h)) {
            h->dropped = 1;
            continue;
        }
        st = canon_of(m, qa, h, &umbrella);
        /* A Debian advisory naming no CVE is a regression update (DSA-5085-2):
         * it fixes a bug a security update introduced, not a vulnerability. */
        if (st == PK_OK && !umbrella && h->canon == h->id && !strcmp(h->feed, "debian") &&
            strncmp(h->id, "CVE-", 4) != 0) {
            h->dropped = 1;
            continue;
        }
        /* A DSA naming five CVEs: kept only if none of them matched on its own
         * (checked below, after sorting). */
        h->release_affected = umbrella ? 2 : h->release_affected;
    }
    sqlite3_finalize(qa);
    sqlite3_finalize(qw);
    if (st != PK_OK)
        return st;
    for (size_t i = 0; i < m->nhits; i++)
        if (!m->hits[i].canon)
            m->hits[i].canon = m->hits[i].id;
    if (m->nhits)
        qsort(m->hits, m->nhits, sizeof *m->hits, cmp_hit);
    /* Umbrella advisories whose CVEs matched the same component separately
     * (from the same feed). Hits of a component are contiguous. */
    for (size_t lo = 0; lo < m->nhits;) {
        size_t hi = lo + 1;
        while (hi < m->nhits && m->hits[hi].comp == m->hits[lo].comp)
            hi++;
        for (size_t i = lo; i < hi; i++) {
            pki_hit *h = &m->hits[i];
            if (h->release_affected != 2 || h->dropped)
                continue;
            for (size_t j = lo; j < hi && !h->dropped; j++) {
                const pki_hit *g = &m->hits[j];
                if (!g->dropped && g->status == 0 && g->release_affected != 2 &&
                    strncmp(g->canon, "CVE-", 4) == 0 && !strcmp(g->feed, h->feed))
                    h->dropped = 1;
            }
        }
        lo = hi;
    }
    size_t cap = 0;
    for (size_t lo = 0; lo < m->nhits;) {
        size_t hi = lo + 1;
        while (hi < m->nhits && m->hits[hi].comp == m->hits[lo].comp &&
               !strcmp(m->hits[hi].canon, m->hits[lo].canon))
            hi++;
        if (m->res->n == cap &&
            !pki_grow((void **)&m->res->v, &cap, m->res->n + 1, sizeof *m->res->v))
            return PK_E_NOMEM;
        pk_vuln *v = &m->res->v[m->res->n];
        st = build(m, lo, hi, v);
        if (st != PK_OK)
            return st;
        if (v->id)
            m->res->n++;
        lo = hi;
    }
    return PK_OK;
}

/* ---- enrichment ---- */

static int cvss_rank(const char *version, const char *feed)
{
    int r = !strcmp(version, "4.0")   ? 40
            : !strcmp(version, "3.1") ? 31
            : !strcmp(version, "3.0") ? 30
                                      : 20;
    /* NVD and the CNA's own record first, then advisories. */
    return r * 4 + (!strcmp(feed, "nvd") ? 3 : !strcmp(feed, "cve5") ? 2 : 1);
}

static pk_severity word_severity(const char *w)
{
    static const struct {
        const char *w;
        pk_severity s;
    } W[] = {{"critical", PK_SEV_CRITICAL}, {"high", PK_SEV_HIGH},      {"important", PK_SEV_HIGH},
             {"moderate", PK_SEV_MEDIUM},   {"medium", PK_SEV_MEDIUM},  {"low", PK_SEV_LOW},
             {"negligible", PK_SEV_LOW},    {"unimportant", PK_SEV_LOW}};
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++)
        if (!strcasecmp(w, W[i].w))
            return W[i].s;
    return PK_SEV_MEDIUM;
}

enum { Q_CVSS, Q_RATING, Q_SUM, Q_CWE, Q_KEV, Q_EPSS, Q_ALIAS, Q_N };
static const char *const QSQL[Q_N] = {
    [Q_CVSS] = "SELECT feed, version, vector, score FROM cvss WHERE id = ?1",
    [Q_RATING] = "SELECT feed, word FROM rating WHERE id = ?1",
    [Q_SUM] = ("SELECT summary FROM advisory WHERE id = ?1 AND summary IS NOT NULL"
               " ORDER BY feed = 'nvd' DESC, feed = 'cve5' DESC, feed LIMIT 1"),
    [Q_CWE] = "SELECT cwe FROM cwe WHERE id = ?1",
    [Q_KEV] = "SELECT date_added, due_date, ransomware FROM kev WHERE cve = ?1",
    [Q_EPSS] = "SELECT score, percentile FROM epss WHERE cve = ?1",
    [Q_ALIAS] = "SELECT alias FROM alias WHERE id = ?1",
};

static pk_status enrich_one(pki_mctx *m, sqlite3_stmt **q, pk_vuln *v)
{
    /* every id of the vulnerability: the record's, and their aliases */
    const char *ids[MAX_IDS];
    size_t n = 0;
    ids[n++] = v->id;
    for (size_t i = 0; i < v->naliases && n < MAX_IDS; i++)
        ids[n++] = v->aliases[i];
    for (size_t i = 0, base = n; i < base; i++) {
        sqlite3_bind_text(q[Q_ALIAS], 1, ids[i], -1, SQLITE_STATIC);
        while (sqlite3_step(q[Q_ALIAS]) == SQLITE_ROW && n < MAX_IDS) {
            const char *a = col(q[Q_ALIAS], 0);
            if (a && !(ids[n] = pki_arena_strdup(m->arena, a)))
                return PK_E_NOMEM;
            n += a != NULL;
        }
        sqlite3_reset(q[Q_ALIAS]);
    }
    n = uniq(ids, n);
    const char **al = pki_arena_alloc(m->arena, n * sizeof *al);
    size_t na = 0;
    if (!al)
        return PK_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], v->id) != 0)
            al[na++] = ids[i];
    v->aliases = al;
    v->naliases = na;
    int best = -1;
    const char *word = NULL;
    const char *cwes[MAX_IDS];
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = q[Q_CVSS];
        sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *f = col(s, 0), *ver = col(s, 1);
            if (!f || !ver || sqlite3_column_type(s, 3) == SQLITE_NULL)
                continue;
            int r = cvss_rank(ver, f);
            if (r <= best)
                continue;
            best = r;
            v->cvss_version = pki_arena_strdup(m->arena, ver);
            v->cvss_vector = col(s, 2) ? pki_arena_strdup(m->arena, col(s, 2)) : NULL;
            v->cvss_score = sqlite3_column_double(s, 3);
            v->cvss_source = !strcmp(f, "nvd") || !strcmp(f, "cve5")
                                 ? pki_arena_strdup(m->arena, f)
                                 : pki_arena_printf(m->arena, "%s:%s", f, ids[i]);
        }
        sqlite3_reset(s);
        s = q[Q_RATING];
        sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_STATIC);
        if (!word && sqlite3_step(s) == SQLITE_ROW && col(s, 1))
            word = pki_arena_strdup(m->arena, col(s, 1));
        sqlite3_reset(s);
        s = q[Q_CWE];
        sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW && nc < MAX_IDS)
            if (col(s, 0))
                cwes[nc++] = pki_arena_strdup(m->arena, col(s, 0));
        sqlite3_reset(s);
        if (!v->summary) {
            s = q[Q_SUM];
            sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW && col(s, 0))
                v->summary = pki_arena_strdup(m->arena, col(s, 0));
            sqlite3_reset(s);
        }
        if (strncmp(ids[i], "CVE-", 4) != 0)
            continue;
        s = q[Q_KEV];
        sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_STATIC);
        if (!v->kev && sqlite3_step(s) == SQLITE_ROW) {
            v->kev = 1;
            v->kev_added = col(s, 0) ? pki_arena_strdup(m->arena, col(s, 0)) : NULL;
            v->kev_due = col(s, 1) ? pki_arena_strdup(m->arena, col(s, 1)) : NULL;
            v->kev_ransomware = col(s, 2) && !strcasecmp(col(s, 2), "Known");
        }
        sqlite3_reset(s);
        s = q[Q_EPSS];
        sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_STATIC);
        if (v->epss < 0 && sqlite3_step(s) == SQLITE_ROW) {
            v->epss = sqlite3_column_double(s, 0);
            v->epss_percentile = sqlite3_column_double(s, 1);
        }
        sqlite3_reset(s);
    }
    nc = uniq(cwes, nc);
    const char **cw = nc ? pki_arena_alloc(m->arena, nc * sizeof *cw) : NULL;
    if (nc && !cw)
        return PK_E_NOMEM;
    if (nc)
        memcpy(cw, cwes, nc * sizeof *cw);
    v->cwes = cw;
    v->ncwes = nc;
    if (v->cvss_score >= 0)
        v->severity = pki_cvss_severity(v->cvss_score);
    else
        v->severity = word ? word_severity(word) : PK_SEV_MEDIUM;
    return PK_OK;
}

/* The ids a record had before enrichment added their aliases. */
typedef struct pre_ids {
    const char *const *a;
    size_t n;
} pre_ids;

static int same_ids(const pk_vuln *done, const pre_ids *dp, const pk_vuln *v)
{
    if (strcmp(done->id, v->id) != 0 || dp->n != v->naliases)
        return 0;
    for (size_t i = 0; i < v->naliases; i++)
        if (strcmp(dp->a[i], v->aliases[i]) != 0)
            return 0;
    return 1;
}

/* What belongs to the vulnerability, not to the match. */
static void copy_enrichment(pk_vuln *v, const pk_vuln *d)
{
    v->aliases = d->aliases;
    v->naliases = d->naliases;
    v->summary = d->summary;
    v->severity = d->severity;
    v->cvss_version = d->cvss_version;
    v->cvss_vector = d->cvss_vector;
    v->cvss_score = d->cvss_score;
    v->cvss_source = d->cvss_source;
    v->kev = d->kev;
    v->kev_added = d->kev_added;
    v->kev_due = d->kev_due;
    v->kev_ransomware = d->kev_ransomware;
    v->epss = d->epss;
    v->epss_percentile = d->epss_percentile;
    v->cwes = d->cwes;
    v->ncwes = d->ncwes;
}

/* --vex statements: by id or alias, and by the component's bom-ref or purl. */
static void apply_vex_files(pki_mctx *m, pk_vuln *v)
{
    const pk_comp *c = pk_inventory_at(m->inv, v->comp);
    for (size_t i = 0; i < m->nvex; i++) {
        const pki_vexst *x = &m->vex[i];
        int id = !strcmp(x->vuln, v->id);
        for (size_t j = 0; j < v->naliases && !id; j++)
            id = !strcmp(x->vuln, v->aliases[j]);
        /* a BOM-Link (urn:cdx:serial/version#bom-ref) names the bom-ref after '#' */
        const char *xr = !strncmp(x->ref, "urn:cdx:", 8) && strchr(x->ref, '#')
                             ? strchr(x->ref, '#') + 1
                             : x->ref;
        int ref = (c->ref && !strcmp(xr, c->ref)) || (c->purl && !strcmp(xr, c->purl));
        /* an SBOM's own bom-ref, kept as the record of its evidence */
        for (size_t e = 0; e < c->nev && !ref; e++)
            ref = c->ev[e].analyzer && !strcmp(c->ev[e].analyzer, "sbom") && c->ev[e].loc.record &&
                  !strcmp(xr, c->ev[e].loc.record);
        if (!id || !ref)
            continue;
        v->vex = x->state;
        v->vex_source = pki_arena_printf(m->arena, "vex:%s", m->vex_path[i]);
        const char *j = x->justification ? x->justification : x->detail;
        /* the statements are freed when the match ends; the result keeps a copy */
        v->vex_justification = j ? pki_arena_strdup(m->arena, j) : NULL;
    }
}

static int cmp_vuln(const void *a, const void *b)
{
    const pk_vuln *x = a, *y = b;
    if (x->comp != y->comp)
        return x->comp < y->comp ? -1 : 1;
    return strcmp(x->id, y->id);
}

pk_status pki_match_enrich(pki_mctx *m)
{
    sqlite3_stmt *q[Q_N] = {0};
    pk_status st = PK_OK;
    for (int i = 0; i < Q_N && st == PK_OK; i++)
        if (sqlite3_prepare_v2(m->db->h, QSQL[i], -1, &q[i], NULL) != SQLITE_OK) {
            snprintf(m->err, m->errcap, "%s: %s", m->db->path, sqlite3_errmsg(m->db->h));
            st = PK_E_FEED;
        }
    /* The same vulnerability on many components (one library in forty
     * places) is enriched once: slot -> index of a record with the same id
     * and the same aliases. */
    enum { SLOTS = 16384 };
    size_t *seen = st == PK_OK ? pki_malloc(SLOTS * sizeof *seen) : NULL;
    pre_ids *pre = seen ? pki_calloc(m->res->n + 1, sizeof *pre) : NULL;
    if (st == PK_OK && !pre)
        st = PK_E_NOMEM;
    for (size_t i = 0; pre && i < SLOTS; i++)
        seen[i] = SIZE_MAX;
    for (size_t i = 0; i < m->res->n && st == PK_OK; i++) {
        pk_vuln *v = &m->res->v[i];
        uint64_t h = 1469598103934665603ull;
        for (const char *p = v->id; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        for (size_t a = 0; a < v->naliases; a++)
            for (const char *p = v->aliases[a]; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ull;
        size_t slot = (size_t)(h % SLOTS), k = seen[slot];
        if (k != SIZE_MAX && same_ids(&m->res->v[k], &pre[k], v)) {
            copy_enrichment(v, &m->res->v[k]);
        } else {
            pre[i] = (pre_ids){v->aliases, v->naliases};
            st = enrich_one(m, q, v);
            seen[slot] = i;
        }
        apply_vex_files(m, v);
        v->suppressed = v->vex == PK_VEX_NOT_AFFECTED || v->vex == PK_VEX_FIXED;
    }
    pki_free(seen);
    pki_free(pre);
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(q[i]);
    if (st == PK_OK && m->res->n)
        qsort(m->res->v, m->res->n, sizeof *m->res->v, cmp_vuln);
    return st;
}

pk_status pki_match_sources(pki_mctx *m)
{
    const pk_vdb_source *l;
    size_t n;
    pk_status st = pk_vulndb_status(m->db, &l, &n);
    if (st != PK_OK)
        return st;
    m->res->src = n ? pki_arena_alloc(m->arena, n * sizeof *l) : NULL;
    if (n && !m->res->src)
        return PK_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        pk_vdb_source *d = &m->res->src[i];
        *d = l[i];
        d->name = pki_arena_strdup(m->arena, l[i].name);
        d->newest = l[i].newest ? pki_arena_strdup(m->arena, l[i].newest) : NULL;
        d->imported_at = pki_arena_strdup(m->arena, l[i].imported_at);
    }
    m->res->nsrc = n;
    return PK_OK;
}

pk_status pki_match_load_vex(pki_mctx *m, const char *const *files, size_t n)
{
    for (size_t f = 0; f < n; f++) {
        pki_vexst *v = NULL;
        size_t k = 0;
        pk_status st = pki_vex_load(files[f], &v, &k, m->err, m->errcap);
        if (st != PK_OK) /* the documented status of an unusable VEX document */
            return st == PK_E_NOMEM || st == PK_E_LIMIT ? st : PK_E_FEED;
        size_t need = m->nvex + k;
        pki_vexst *nv = pki_realloc(m->vex, (need ? need : 1) * sizeof *nv);
        const char **np =
            nv ? pki_realloc((void *)m->vex_path, (need ? need : 1) * sizeof *np) : NULL;
        if (nv)
            m->vex = nv;
        if (!nv || !np) {
            pki_vex_free(v, k);
            return PK_E_NOMEM;
        }
        m->vex_path = np;
        const char *path = pki_arena_strdup(m->arena, files[f]);
        memcpy(m->vex + m->nvex, v, k * sizeof *v);
        for (size_t i = 0; i < k; i++)
            m->vex_path[m->nvex + i] = path;
        m->nvex = need;
        pki_free(v); /* the strings now belong to m->vex */
    }
    return PK_OK;
}

void pki_match_free_vex(pki_mctx *m)
{
    pki_vex_free(m->vex, m->nvex);
    pki_free((void *)m->vex_path);
    m->vex = NULL;
    m->nvex = 0;
}
