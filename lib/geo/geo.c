/* The join (include/parakh/geo.h): facts.endpoints of every file ->
 * endpoints by value -> country and how -> findings against the allowed
 * list. Nothing is re-read: the analyzer saw the bytes in the one pass. */
#include "geo_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <parakh/vulndb.h>
#include <stdlib.h>
#include <string.h>

#include "../walk/scan_int.h"

static void seterr(char *err, size_t cap, const char *msg, const char *x)
{
    if (err && cap)
        snprintf(err, cap, "%s%s", msg, x ? x : "");
}

static int parse_allowed(pk_geo *g, const char *list, char *err, size_t cap)
{
    g->nallowed = 0;
    if (!list || !*list)
        return 1;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l != 2 || !isalpha((unsigned char)p[0]) || !isalpha((unsigned char)p[1])) {
            char bad[16];
            snprintf(bad, sizeof bad, "%.*s", (int)(l < 10 ? l : 10), p);
            seterr(err, cap, "allowed countries: not a two-letter ISO 3166-1 code: ", bad);
            return 0;
        }
        if (g->nallowed == PKI_GEO_ALLOWED_MAX) {
            seterr(err, cap, "allowed countries: more than 300 codes", NULL);
            return 0;
        }
        char *c = g->allowed[g->nallowed++];
        c[0] = (char)toupper((unsigned char)p[0]);
        c[1] = (char)toupper((unsigned char)p[1]);
        c[2] = 0;
        p = e ? e + 1 : p + l;
        if (e && !*p) {
            seterr(err, cap, "allowed countries: a trailing comma", NULL);
            return 0;
        }
    }
    g->have_list = 1;
    return 1;
}

int pk_geo_allowed_valid(const char *list, char *err, size_t errcap)
{
    pk_geo *g = pki_calloc(1, sizeof *g);
    if (!g)
        return 0;
    int ok = list && *list && parse_allowed(g, list, err, errcap);
    if (!list || !*list)
        seterr(err, errcap, "allowed countries: an empty list", NULL);
    pki_free(g);
    return ok;
}

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int has_class(const char *list, const char *c)
{
    size_t l = strlen(c);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == l && memcmp(p, c, l) == 0)
            return 1;
        p = e ? e + 1 : p + n;
    }
    return 0;
}

/* "a,b" + json ["b","c"] (+ extra) -> "a,b,c" in the arena. */
static const char *merge_classes(pki_arena *a, const char *have, const json_t *arr,
                                 const char *extra)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", have ? have : "");
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *c = json_is_string(v) ? json_string_value(v) : NULL;
        size_t n = strlen(buf);
        if (c && *c && strlen(c) < 64 && !strchr(c, ',') && !has_class(buf, c))
            snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", c);
    }
    size_t n = strlen(buf);
    if (extra && !has_class(buf, extra))
        snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", extra);
    return have && strcmp(have, buf) == 0 ? have : pki_arena_strdup(a, buf);
}

static pk_status add_occ(pk_geo *g, pki_geo_ep *e, const pki_filerec *fr, const json_t *x)
{
    const json_t *o = json_object_get(x, "offset"), *c = json_object_get(x, "count");
    uint64_t cnt =
        json_is_integer(c) && json_integer_value(c) > 0 ? (uint64_t)json_integer_value(c) : 1;
    e->total += cnt;
    if (!e->outside_docs && !pki_doc_path(fr->vpath))
        e->outside_docs = 1;
    if (e->nocc == PKI_GEO_OCC_MAX) {
        e->more_occ++;
        return PK_OK;
    }
    if (!pki_grow((void **)&e->occ, &e->capocc, e->nocc + 1, sizeof *e->occ))
        return PK_E_NOMEM;
    pki_geo_occ *oc = &e->occ[e->nocc++];
    oc->vpath = fr->vpath;
    oc->offset = json_is_integer(o) && json_integer_value(o) >= 0 ? (uint64_t)json_integer_value(o)
                                                                  : PK_LOC_NONE;
    oc->count = cnt;
    oc->utf16 = json_is_true(json_object_get(x, "utf16"));
    (void)g;
    return PK_OK;
}

static pk_status collect_entry(pk_geo *g, const pki_filerec *fr, const json_t *x)
{
    const char *value = jstr(x, "value"), *kind = jstr(x, "kind");
    if (!value || !kind || !*value || strlen(value) > 512)
        return PK_OK; /* not the contract's shape: nothing to say about it */
    size_t idx = pki_smap_get(&g->by_value, value);
    pki_geo_ep *e;
    if (idx == SIZE_MAX) {
        if (g->n == PKI_GEO_MAX_ENDPOINTS) {
            g->dropped++;
            return PK_OK;
        }
        if (!pki_grow((void **)&g->ep, &g->cap, g->n + 1, sizeof *g->ep))
            return PK_E_NOMEM;
        e = &g->ep[g->n];
        memset(e, 0, sizeof *e);
        const char *host = jstr(x, "host"), *cc = jstr(x, "cctld_country");
        e->value = pki_arena_strdup(g->arena, value);
        e->kind = pki_arena_strdup(g->arena, kind);
        e->host = host && strlen(host) < 256 ? pki_arena_strdup(g->arena, host) : NULL;
        e->classes = "";
        e->allowed = -1;
        if (cc && strlen(cc) == 2 && isalpha((unsigned char)cc[0]) &&
            isalpha((unsigned char)cc[1])) {
            char up[3] = {(char)toupper((unsigned char)cc[0]), (char)toupper((unsigned char)cc[1]),
                          0};
            e->country = pki_arena_strdup(g->arena, up);
            e->how = "cctld";
        }
        if (!e->value || !e->kind || (host && strlen(host) < 256 && !e->host) ||
            (e->how && !e->country))
            return PK_E_NOMEM;
        if (fr->hashed) {
            memcpy(e->sha256, fr->sha256, 32);
            e->has_sha = 1;
        }
        if (pki_smap_put(&g->by_value, e->value, g->n) == SIZE_MAX - 1)
            return PK_E_NOMEM;
        g->n++;
    } else {
        e = &g->ep[idx];
    }
    const char *cl = merge_classes(g->arena, e->classes, json_object_get(x, "classes"), NULL);
    if (!cl)
        return PK_E_NOMEM;
    e->classes = cl;
    return add_occ(g, e, fr, x);
}

/* An IP literal, alone or as a URL's host ("http://8.8.8.8/x"). */
static int host_is_ip(const char *host)
{
    unsigned char a[16];
    return host && (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1);
}

/* Addresses that do not leave the site: private, loopback, link-local,
 * documentation, multicast, unspecified (RFC 1918, 6890, 4193, 5737, 3849). */
static int ip_local(const char *ip)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, ip, a) == 1)
        return a[0] == 10 || a[0] == 127 || a[0] == 0 || a[0] >= 224 ||
               (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
               (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xc0) == 64) ||
               (a[0] == 192 && a[1] == 0 && a[2] == 2) ||
               (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
               (a[0] == 203 && a[1] == 0 && a[2] == 113) || (a[0] == 198 && (a[1] & 0xfe) == 18);
    if (inet_pton(AF_INET6, ip, a) != 1)
        return 1; /* not an address: nothing to look up */
    static const unsigned char zero[15];
    return (memcmp(a, zero, 15) == 0 && a[15] <= 1) || (a[0] & 0xfe) == 0xfc ||
           (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || a[0] == 0xff ||
           (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8);
}

static pk_status resolve(pk_geo *g, pk_vulndb *db, pki_geo_ep *e)
{
    /* a documentation reference, or seen only in documentation files */
    e->documentation = has_class(e->classes, "documentation") || !e->outside_docs;
    if (!db || !e->host)
        return PK_OK;
    char buf[64];
    if (host_is_ip(e->host)) {
        char cc[3];
        pk_status st = pk_geo_ip_lookup(db, e->host, cc, buf, sizeof buf);
        if (st == PK_E_USAGE)
            return PK_OK;
        if (st != PK_OK)
            return st;
        if (cc[0]) {
            char how[96];
            snprintf(how, sizeof how, "ip-database:%.40s", buf);
            e->country = pki_arena_strdup(g->arena, cc);
            e->how = pki_arena_strdup(g->arena, how);
            if (!e->country || !e->how)
                return PK_E_NOMEM;
        }
        return PK_OK;
    }
    pk_tracker_host t;
    int found = 0;
    pk_status st = pk_trackers_host(db, e->host, &t, &found);
    if (st != PK_OK || !found)
        return st;
    e->owner = t.owner[0] ? pki_arena_strdup(g->arena, t.owner) : NULL;
    e->categories = t.categories[0] ? pki_arena_strdup(g->arena, t.categories) : NULL;
    e->tracker_domain = pki_arena_strdup(g->arena, t.domain);
    e->tracker_sources = pki_arena_strdup(g->arena, t.sources);
    e->classes = merge_classes(g->arena, e->classes, NULL, "tracker");
    if (!e->tracker_domain || !e->tracker_sources || !e->classes)
        return PK_E_NOMEM;
    if (t.country[0]) {
        const char *src = t.country_source;
        if (strncmp(src, "trackers-", 9) == 0)
            src += 9;
        char how[96];
        snprintf(how, sizeof how, "tracker-owner:%.40s", src);
        e->country = pki_arena_strdup(g->arena, t.country);
        e->how = pki_arena_strdup(g->arena, how);
        if (!e->country || !e->how)
            return PK_E_NOMEM;
    }
    return PK_OK;
}

static int occ_cmp(const void *a, const void *b)
{
    const pki_geo_occ *x = a, *y = b;
    int c = strcmp(x->vpath, y->vpath);
    return c ? c : (x->offset > y->offset) - (x->offset < y->offset);
}

static int ep_cmp(const void *a, const void *b)
{
    return strcmp(((const pki_geo_ep *)a)->value, ((const pki_geo_ep *)b)->value);
}

static int in_list(const pk_geo *g, const char *cc)
{
    for (size_t i = 0; i < g->nallowed; i++)
        if (strcmp(g->allowed[i], cc) == 0)
            return 1;
    return 0;
}

static pk_status finding(pk_geo *g, const pki_geo_ep *e, const char *rule, pk_severity sev,
                         uint8_t conf, const char *msg)
{
    if (!pki_grow((void **)&g->find, &g->capfind, g->nfind + 1, sizeof *g->find))
        return PK_E_NOMEM;
    pk_finding *f = &g->find[g->nfind];
    memset(f, 0, sizeof *f);
    const pki_geo_occ *o = &e->occ[0];
    f->rule_id = rule;
    f->analyzer = "geo";
    f->severity = sev;
    f->confidence = conf;
    f->vpath = o->vpath;
    memcpy(f->file_sha256, e->sha256, 32);
    f->has_sha256 = e->has_sha;
    size_t vl = strlen(e->value);
    f->loc.offset = o->offset;
    f->loc.length = o->offset == PK_LOC_NONE ? 0 : (o->utf16 ? 2 * vl : vl);
    f->evidence.ptr = (const uint8_t *)e->value;
    f->evidence.len = vl < PK_EVIDENCE_MAX ? vl : PK_EVIDENCE_MAX;
    f->message = pki_arena_strdup(g->arena, msg);
    if (!f->message)
        return PK_E_NOMEM;
    g->nfind++;
    return PK_OK;
}

static pk_status judge(pk_geo *g, pki_geo_ep *e)
{
    if (!g->have_list || e->documentation || !e->nocc)
        return PK_OK;
    char msg[1024];
    unsigned long long places = (unsigned long long)(e->nocc + e->more_occ);
    if (e->country) {
        e->allowed = in_list(g, e->country);
        if (e->allowed)
            return PK_OK;
        int grave = has_class(e->classes, "telemetry") || has_class(e->classes, "tracker") ||
                    has_class(e->classes, "update") || has_class(e->classes, "sdk-tracker");
        uint8_t conf = strncmp(e->how, "ip-database", 11) == 0     ? 90
                       : strncmp(e->how, "tracker-owner", 13) == 0 ? 70
                                                                   : 60;
        snprintf(msg, sizeof msg,
                 "endpoint '%.300s' is in %s (by %s)%s%.160s, outside the allowed countries; "
                 "seen %llu times in %llu places (report section endpoints)",
                 e->value, e->country, e->how, e->owner ? ", owner " : "", e->owner ? e->owner : "",
                 (unsigned long long)e->total, places);
        return finding(g, e, "PK-GEO-0001", grave ? PK_SEV_HIGH : PK_SEV_MEDIUM, conf, msg);
    }
    if (host_is_ip(e->host) && !ip_local(e->host)) {
        e->allowed = 0;
        snprintf(msg, sizeof msg,
                 "public address '%.300s' has no known country (%s), so it cannot be checked "
                 "against the allowed countries; seen %llu times in %llu places",
                 e->value, g->have_db ? "no imported range holds it" : "no IP database given",
                 (unsigned long long)e->total, places);
        return finding(g, e, "PK-GEO-0002", PK_SEV_LOW, 50, msg);
    }
    return PK_OK;
}

pk_status pk_geo_build(const pk_scan *s, const pk_geo_opts *o, pk_geo **out, char *err,
                       size_t errcap)
{
    if (!s || !out)
        return PK_E_MISUSE;
    *out = NULL;
    if (err && errcap)
        err[0] = 0;
    pk_geo *g = pki_calloc(1, sizeof *g);
    if (!g || !(g->arena = pki_arena_new())) {
        pki_free(g);
        return PK_E_NOMEM;
    }
    if (!parse_allowed(g, o ? o->allowed : NULL, err, errcap)) {
        pk_geo_free(g);
        return PK_E_USAGE;
    }
    pk_vulndb *db = o ? o->db : NULL;
    g->have_db = db != NULL;
    pk_status st = PK_OK;
    for (size_t i = 0; i < s->nfiles && st == PK_OK; i++) {
        const pki_filerec *fr = &s->files[i];
        const json_t *ep = fr->facts ? json_object_get(fr->facts, "endpoints") : NULL;
        const json_t *list = json_object_get(ep, "list"), *tr = json_object_get(ep, "truncated");
        if (json_is_integer(tr) && json_integer_value(tr) > 0)
            g->truncated += (uint64_t)json_integer_value(tr);
        size_t j;
        const json_t *x;
        json_array_foreach(list, j, x)
        {
            if (json_is_object(x) && (st = collect_entry(g, fr, x)) != PK_OK)
                break;
        }
    }
    if (st == PK_OK && g->n) {
        qsort(g->ep, g->n, sizeof *g->ep, ep_cmp);
        pki_smap_free(&g->by_value); /* indices moved; not needed after the collection */
    }
    for (size_t i = 0; i < g->n && st == PK_OK; i++) {
        pki_geo_ep *e = &g->ep[i];
        qsort(e->occ, e->nocc, sizeof *e->occ, occ_cmp);
        st = resolve(g, db, e);
        if (st == PK_OK)
            st = judge(g, e);
    }
    if (st == PK_OK && g->nfind)
        qsort(g->find, g->nfind, sizeof *g->find, pki_finding_cmp);
    if (st != PK_OK) {
        if (st == PK_E_FEED)
            seterr(err, errcap, "the knowledge base cannot be read: ", pk_vulndb_path(db));
        pk_geo_free(g);
        return st;
    }
    *out = g;
    return PK_OK;
}

pk_status pk_geo_build_db(const pk_scan *s, const char *db_path, const char *allowed, pk_geo **out,
                          char *err, size_t errcap)
{
    pk_vulndb *db = NULL;
    if (db_path) {
        pk_status st = pk_vulndb_open(db_path, PK_VDB_READONLY, &db, err, errcap);
        if (st != PK_OK)
            return st;
    }
    pk_geo_opts o = {.db = db, .allowed = allowed};
    pk_status st = pk_geo_build(s, &o, out, err, errcap);
    pk_vulndb_close(db);
    return st;
}

size_t pk_geo_findings(const pk_geo *g, const pk_finding **list, pk_severity *worst)
{
    if (list)
        *list = g ? g->find : NULL;
    if (!g)
        return 0;
    if (worst && g->nfind) {
        *worst = PK_SEV_INFO;
        for (size_t i = 0; i < g->nfind; i++)
            if (g->find[i].severity > *worst)
                *worst = g->find[i].severity;
    }
    return g->nfind;
}

size_t pk_geo_count(const pk_geo *g)
{
    size_t n = 0;
    for (size_t i = 0; g && i < g->n; i++)
        n += !g->ep[i].documentation;
    return n;
}

void pk_geo_free(pk_geo *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        pki_free(g->ep[i].occ);
    pki_free(g->ep);
    pki_free(g->find);
    pki_smap_free(&g->by_value);
    pki_arena_free(g->arena);
    pki_free(g);
}
