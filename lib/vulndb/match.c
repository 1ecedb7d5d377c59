/* Matching an inventory against the knowledge base (docs/vulndb.md,
 * "Matching"). Per component: its package keys (purl-shaped, and the Debian
 * source package), then its CPE; every affected row under those keys is
 * evaluated with the ecosystem's own version order. Distribution packages
 * are judged by their distribution's data when the database has any for
 * them (backported fixes), and by upstream CPE ranges only otherwise, at a
 * low confidence. Matches of one vulnerability under several ids (a GHSA and
 * its CVE) are merged; enrich.c adds scores, KEV, EPSS and VEX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ident/ident_int.h"
#include "../version/version_int.h"
#include "match_int.h"

/* "debian-12" (dpkg analyzer, purl qualifier) -> "debian:12"; a Debian
 * revision "+deb11u3" / "~deb12u1" tells the release when nothing else does. */
static void comp_distro(const pk_comp *c, char *out, size_t cap)
{
    out[0] = 0;
    if (c->distro && *c->distro) {
        snprintf(out, cap, "%s", c->distro);
        char *dash = strchr(out, '-');
        if (dash && dash[1] >= '0' && dash[1] <= '9')
            *dash = ':';
        return;
    }
    if (c->version && c->ns && strcmp(c->ns, "debian") == 0) {
        const char *d = strstr(c->version, "deb");
        while (d) {
            if ((d == c->version || d[-1] == '+' || d[-1] == '~') && d[3] >= '1' && d[3] <= '9') {
                int n = 0;
                while (d[3 + n] >= '0' && d[3 + n] <= '9' && n < 3)
                    n++;
                if (d[3 + n] == 'u') {
                    snprintf(out, cap, "debian:%.*s", n, d + 3);
                    return;
                }
            }
            d = strstr(d + 1, "deb");
        }
    }
}

static int is_distro_type(const char *t)
{
    return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

/* The component's CPE vendor/product and version (the CPE's own version when
 * concrete: it is the upstream one, without a distribution revision). */
static int comp_cpe(const pk_comp *c, char *key, size_t kcap, char *ver, size_t vcap)
{
    if (!c->cpe)
        return -1;
    pki_cpe cp;
    char buf[1024];
    if (pki_cpe_parse(c->cpe, &cp, buf, sizeof buf) != PK_OK)
        return -1;
    const pki_cpe_attr *v = &cp.a[PKI_CPE_VENDOR], *p = &cp.a[PKI_CPE_PRODUCT],
                       *w = &cp.a[PKI_CPE_VERSION];
    if (v->kind != PKI_CPE_VALUE || p->kind != PKI_CPE_VALUE)
        return -1;
    if (pki_vkey_cpe(v->v, p->v, key, kcap) != PK_OK)
        return -1;
    const pki_cpe_attr *u = &cp.a[PKI_CPE_UPDATE];
    if (w->kind == PKI_CPE_VALUE) {
        pki_vdb_unquote(w->v, ver, vcap);
        /* 1.0.2 + update beta1 -> "1.0.2-beta1", as the NVD importer joins them */
        size_t l = strlen(ver);
        if (u->kind == PKI_CPE_VALUE && l + 2 < vcap) {
            ver[l] = '-';
            pki_vdb_unquote(u->v, ver + l + 1, vcap - l - 1);
        }
    } else if (c->version)
        snprintf(ver, vcap, "%s", c->version);
    else
        return -1;
    return 0;
}

static pk_status add_hit(pki_mctx *m, const pki_hit *h)
{
    if (m->nhits == m->caphits &&
        !pki_grow((void **)&m->hits, &m->caphits, m->nhits + 1, sizeof *m->hits))
        return PK_E_NOMEM;
    m->hits[m->nhits++] = *h;
    return PK_OK;
}

typedef struct krow {
    const char *id, *feed, *distro, *scheme, *spec, *fixed, *status, *note;
} krow;

/* Rows of one key for one component. mode: 0 purl, 1 cpe, 2 cpe for a
 * distribution package without distribution data. Returns the number of rows
 * seen under the key (matching or not) in *seen. */
static pk_status key_rows(pki_mctx *m, size_t ci, const char *key, const char *version,
                          const char *distro, int mode, size_t *seen)
{
    sqlite3_stmt *s = m->q_aff;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    pk_status st = PK_OK;
    size_t first = m->nhits;
    /* Distribution rows when the component's release is unknown: the
     * version must be below every release's fix (unknown_affected). */
    int r;
    while (st == PK_OK && (r = sqlite3_step(s)) == SQLITE_ROW) {
        krow k;
        for (int i = 0; i < 8; i++)
            (&k.id)[i] = (const char *)sqlite3_column_text(s, i);
        if (!k.id || !k.feed || !k.scheme || !k.spec || !k.status)
            continue;
        (*seen)++;
        int unknown_release = 0;
        if (k.distro && *k.distro) {
            if (distro[0] && strcmp(distro, k.distro) != 0)
                continue;
            unknown_release = !distro[0];
        }
        /* OSV: in a range OR in the versions list. A list after a range of the
         * same record that already matched adds nothing (and lists are long). */
        if (!unknown_release && m->nhits > first && !strncmp(k.spec, "{\"versions\"", 11) &&
            !strcmp(m->hits[m->nhits - 1].id, k.id) && !strcmp(m->hits[m->nhits - 1].feed, k.feed))
            continue;
        int aff = 0;
        if (pki_spec_eval(k.scheme, k.spec, version, &aff) != 0) {
            m->unevaluable++;
            continue;
        }
        pki_hit h = {0};
        h.comp = ci;
        h.status = !strcmp(k.status, "affected") ? 0 : 1;
        if (unknown_release) {
            /* "below every release's fix" is checked when hits are merged */
            h.release_guess = 1;
            h.release_affected = aff;
        } else if (!aff) {
            continue;
        }
        h.id = pki_arena_strdup(m->arena, k.id);
        h.feed = pki_arena_strdup(m->arena, k.feed);
        h.fixed = strncmp(k.spec, "{\"events\"", 9) == 0
                      ? pki_spec_next_fix(m->arena, k.scheme, k.spec, version)
                      : NULL;
        /* a list of affected versions says nothing of the fix */
        if (!h.fixed && k.fixed && strncmp(k.spec, "{\"versions\"", 11) != 0)
            h.fixed = pki_arena_strdup(m->arena, k.fixed);
        h.matched = pki_spec_text(m->arena, k.scheme, k.spec, k.distro);
        h.note = k.note ? pki_arena_strdup(m->arena, k.note) : NULL;
        h.vex_state = !strcmp(k.status, "not_affected")          ? PK_VEX_NOT_AFFECTED
                      : !strcmp(k.status, "fixed")               ? PK_VEX_FIXED
                      : !strcmp(k.status, "under_investigation") ? PK_VEX_UNDER_INVESTIGATION
                                                                 : PK_VEX_NONE;
        if (mode == 0) {
            int deb = !strcmp(k.feed, "debian") || strncmp(key, "deb/", 4) == 0;
            h.method = deb ? "debian" : "purl";
            h.confidence = (uint8_t)(unknown_release ? 70 : 95);
        } else {
            h.method = "cpe";
            h.confidence = (uint8_t)(mode == 2 ? 40 : m->comp_cpe_conf);
            if (k.note && strncmp(k.note, "only with", 9) == 0)
                h.confidence = (uint8_t)(h.confidence > 20 ? h.confidence - 20 : h.confidence);
        }
        if (!h.id || !h.feed || !h.matched)
            st = PK_E_NOMEM;
        else
            st = add_hit(m, &h);
    }
    sqlite3_reset(s);
    return st;
}

/* Components repeat (a library vendored in forty places, one package in
 * every layer): rows of one (key, version, release, mode) are evaluated once
 * and their hits replayed for the next component. */
#define CACHE_SLOTS 65536u

static uint64_t fnv(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull;
}

static pk_status cached_rows(pki_mctx *m, size_t ci, const char *key, const char *version,
                             const char *distro, int mode, size_t *seen)
{
    char tag[8];
    snprintf(tag, sizeof tag, "%d/%u", mode, m->comp_cpe_conf);
    uint64_t h = fnv(distro, fnv(version, fnv(key, fnv(tag, 1469598103934665603ull))));
    if (!m->cache && !(m->cache = pki_calloc(CACHE_SLOTS, sizeof *m->cache)))
        return PK_E_NOMEM;
    size_t slot = (size_t)(h & (CACHE_SLOTS - 1));
    pki_mcache *e = &m->cache[slot];
    if (e->key && e->hash == h && !strcmp(e->key, key) && !strcmp(e->version, version) &&
        !strcmp(e->distro, distro) && !strcmp(e->tag, tag)) {
        *seen += e->seen;
        for (size_t i = 0; i < e->n; i++) {
            pki_hit x = m->tmpl[e->first + i];
            x.comp = ci;
            pk_status st = add_hit(m, &x);
            if (st != PK_OK)
                return st;
        }
        return PK_OK;
    }
    size_t before = m->nhits, seen0 = *seen;
    pk_status st = key_rows(m, ci, key, version, distro, mode, seen);
    if (st != PK_OK)
        return st;
    /* the slot keeps the newest; a collision only costs a re-evaluation */
    size_t n = m->nhits - before;
    if (m->ntmpl + n > m->captmpl &&
        !pki_grow((void **)&m->tmpl, &m->captmpl, m->ntmpl + n, sizeof *m->tmpl))
        return PK_E_NOMEM;
    if (n)
        memcpy(m->tmpl + m->ntmpl, m->hits + before, n * sizeof *m->tmpl);
    e->hash = h;
    e->key = pki_arena_strdup(m->arena, key);
    e->version = pki_arena_strdup(m->arena, version);
    e->distro = pki_arena_strdup(m->arena, distro);
    e->tag = pki_arena_strdup(m->arena, tag);
    if (!e->key || !e->version || !e->distro || !e->tag) {
        e->key = NULL;
        return PK_E_NOMEM;
    }
    e->first = m->ntmpl;
    e->n = n;
    e->seen = *seen - seen0;
    m->ntmpl += n;
    return PK_OK;
}

static uint8_t cpe_confidence(const pk_comp *c)
{
    /* A CPE built from a package's own metadata is surer than one from a
     * version banner found in a binary. */
    int binary = c->nev > 0;
    for (size_t i = 0; i < c->nev; i++)
        if (c->ev[i].method == PK_CM_MANIFEST)
            binary = 0;
    return binary ? 70 : 85;
}

static pk_status match_comp(pki_mctx *m, size_t ci)
{
    const pk_comp *c = pk_inventory_at(m->inv, ci);
    if (!c->version || !*c->version || !c->name)
        return PK_OK; /* nothing to order: not judged */
    char key[PKI_VKEY_MAX], distro[64];
    comp_distro(c, distro, sizeof distro);
    size_t seen = 0;
    pk_status st = PK_OK;
    /* rpm keeps the epoch apart (a property, the purl's epoch= qualifier);
     * feeds compare epoch:version-release */
    char evr[PKI_VER_MAX + 24];
    const char *ver = c->version, *epoch = pk_comp_prop(c, "epoch");
    if (c->type && !strcmp(c->type, "rpm") && epoch && *epoch && !strchr(c->version, ':') &&
        (size_t)snprintf(evr, sizeof evr, "%s:%s", epoch, c->version) < sizeof evr)
        ver = evr;
    if (c->type && strcmp(c->type, "generic") != 0) {
        if (pki_vkey_purl(c->type, c->ns, c->name, key, sizeof key) == PK_OK)
            st = cached_rows(m, ci, key, ver, distro, 0, &seen);
        /* Debian's data is by source package. */
        if (st == PK_OK && c->source_name && strcmp(c->source_name, c->name) != 0 &&
            pki_vkey_purl(c->type, c->ns, c->source_name, key, sizeof key) == PK_OK) {
            /* ... and judged by the source's version: a binary's own version
             * may differ (epochs, binNMUs, usbip 2.0+5.10 built from linux) */
            const char *sv =
                c->source_version && *c->source_version ? c->source_version : c->version;
            st = cached_rows(m, ci, key, sv, distro, 0, &seen);
        }
    }
    if (st != PK_OK)
        return st;
    char cver[512];
    if (comp_cpe(c, key, sizeof key, cver, sizeof cver) == 0) {
        int distro_pkg = is_distro_type(c->type);
        if (distro_pkg && seen)
            return PK_OK; /* judged by its distribution's data */
        m->comp_cpe_conf = cpe_confidence(c);
        st = cached_rows(m, ci, key, cver, distro, distro_pkg ? 2 : 1, &seen);
    }
    return st;
}

pk_status pk_vulns_match(pk_vulndb *db, const pk_inventory *inv, const pk_vuln_opts *opts,
                         pk_vulns **out, char *err, size_t errcap)
{
    char dummy[8];
    if (!err || !errcap) {
        err = dummy;
        errcap = sizeof dummy;
    }
    err[0] = 0;
    if (!db || !inv || !out)
        return PK_E_MISUSE;
    *out = NULL;
    pki_mctx m = {.db = db, .inv = inv, .err = err, .errcap = errcap};
    m.res = pki_calloc(1, sizeof *m.res);
    m.arena = pki_arena_new();
    if (!m.res || !m.arena) {
        pki_free(m.res);
        pki_arena_free(m.arena);
        return PK_E_NOMEM;
    }
    m.res->arena = m.arena;
    m.res->inv = inv;
    m.res->db_path = pki_arena_strdup(m.arena, db->path);
    pk_status st = PK_OK;
    if (opts && opts->nvex)
        st = pki_match_load_vex(&m, opts->vex_files, opts->nvex);
    /* One read transaction: one consistent snapshot, one shared lock, and a
     * page cache that stays valid between the many small queries. */
    char skip[8];
    if (st == PK_OK)
        st = pki_vdb_exec(db, "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824; BEGIN",
                          err, errcap);
    int in_tx = st == PK_OK;
    if (st == PK_OK &&
        sqlite3_prepare_v2(
            db->h,
            "SELECT id, feed, distro, scheme, spec, fixed, status, note FROM affected"
            " WHERE key = ?1 ORDER BY id, feed, rowid",
            -1, &m.q_aff, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", db->path, sqlite3_errmsg(db->h));
        st = PK_E_FEED;
    }
    size_t n = pk_inventory_count(inv);
    for (size_t i = 0; i < n && st == PK_OK; i++)
        st = match_comp(&m, i);
    if (st == PK_OK)
        st = pki_match_merge(&m);
    if (st == PK_OK)
        st = pki_match_enrich(&m);
    if (st == PK_OK)
        st = pki_match_sources(&m);
    sqlite3_finalize(m.q_aff);
    pki_free(m.cache);
    pki_free(m.tmpl);
    if (in_tx)
        pki_vdb_exec(db, "COMMIT", skip, sizeof skip);
    pki_match_free_vex(&m);
    pki_free(m.hits);
    if (st != PK_OK) {
        pk_vulns_free(m.res);
        return st;
    }
    *out = m.res;
    return PK_OK;
}

size_t pk_vulns_count(const pk_vulns *v)
{
    return v ? v->n : 0;
}

const pk_vuln *pk_vulns_at(const pk_vulns *v, size_t i)
{
    return v && i < v->n ? &v->v[i] : NULL;
}

const pk_inventory *pk_vulns_inventory(const pk_vulns *v)
{
    return v ? v->inv : NULL;
}

size_t pk_vulns_sources(const pk_vulns *v, const pk_vdb_source **list)
{
    *list = v ? v->src : NULL;
    return v ? v->nsrc : 0;
}

void pk_vulns_free(pk_vulns *v)
{
    if (!v)
        return;
    pki_free(v->v);
    pki_arena_free(v->arena);
    pki_free(v);
}

pk_severity pk_vuln_finding_severity(const pk_vuln *v)
{
    /* Exploited in the wild: whatever its base score, not a low. */
    if (v->kev && v->severity < PK_SEV_HIGH)
        return PK_SEV_HIGH;
    return v->severity;
}

const char *pk_vuln_rule_id(const pk_vuln *v)
{
    return v->kev ? "PK-VUL-0002" : "PK-VUL-0001";
}

size_t pk_vulns_findings(const pk_vulns *v, pk_severity *worst)
{
    size_t n = 0;
    for (size_t i = 0; i < pk_vulns_count(v); i++) {
        if (v->v[i].suppressed)
            continue;
        pk_severity s = pk_vuln_finding_severity(&v->v[i]);
        if (!n++ || s > *worst)
            *worst = s;
    }
    return n;
}
