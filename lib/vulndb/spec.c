/* Version constraints as stored in the affected table: small JSON texts built
 * here and evaluated with lib/version/ (docs/vulndb.md, "Ranges"). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../version/version_int.h"
#include "match_int.h"
#include "npmrange.h"
#include "vdb_int.h"

enum { SP_EVENTS = 1, SP_VERSIONS = 2, SP_DONE = 3, SP_FULL = 4 };

static void raw(pki_spec *s, const char *t)
{
    size_t l = strlen(t);
    if (s->state == SP_FULL || s->len + l + 1 > sizeof s->buf) {
        s->state = SP_FULL;
        return;
    }
    memcpy(s->buf + s->len, t, l + 1);
    s->len += l;
}

/* A JSON string; versions never need more than \" and \\ but a feed may try. */
static void str(pki_spec *s, const char *v)
{
    char tmp[8];
    raw(s, "\"");
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)*p;
            tmp[2] = 0;
        } else if (*p < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", *p);
        } else {
            tmp[0] = (char)*p;
            tmp[1] = 0;
        }
        raw(s, tmp);
    }
    raw(s, "\"");
}

static pk_status st_of(const pki_spec *s)
{
    return s->state == SP_FULL ? PK_E_LIMIT : PK_OK;
}

void pki_spec_events_begin(pki_spec *s)
{
    s->len = 0;
    s->buf[0] = 0;
    s->state = 0;
    raw(s, "{\"events\":[");
    if (s->state != SP_FULL)
        s->state = SP_EVENTS;
}

pk_status pki_spec_event(pki_spec *s, const char *kind, const char *version)
{
    if (!kind || !version || strlen(version) > PKI_VER_MAX)
        return PK_E_USAGE;
    if (s->buf[s->len - 1] == ']')
        raw(s, ",");
    raw(s, "[");
    str(s, kind);
    raw(s, ",");
    str(s, version);
    raw(s, "]");
    return st_of(s);
}

void pki_spec_versions_begin(pki_spec *s)
{
    s->len = 0;
    s->buf[0] = 0;
    s->state = 0;
    raw(s, "{\"versions\":[");
    if (s->state != SP_FULL)
        s->state = SP_VERSIONS;
}

pk_status pki_spec_version(pki_spec *s, const char *version)
{
    if (!version || strlen(version) > PKI_VER_MAX)
        return PK_E_USAGE;
    if (s->buf[s->len - 1] == '"')
        raw(s, ",");
    str(s, version);
    return st_of(s);
}

pk_status pki_spec_bounds(pki_spec *s, const char *ge, const char *gt, const char *le,
                          const char *lt)
{
    const char *k[4] = {"ge", "gt", "le", "lt"}, *v[4] = {ge, gt, le, lt};
    s->len = 0;
    s->buf[0] = 0;
    s->state = 0;
    raw(s, "{");
    int first = 1;
    for (int i = 0; i < 4; i++) {
        if (!v[i])
            continue;
        if (!*v[i] || strlen(v[i]) > PKI_VER_MAX)
            return PK_E_USAGE;
        if (!first)
            raw(s, ",");
        first = 0;
        str(s, k[i]);
        raw(s, ":");
        str(s, v[i]);
    }
    raw(s, "}");
    if (s->state != SP_FULL)
        s->state = SP_DONE;
    return st_of(s);
}

pk_status pki_spec_eq(pki_spec *s, const char *version)
{
    if (!version || !*version || strlen(version) > PKI_VER_MAX)
        return PK_E_USAGE;
    s->len = 0;
    s->buf[0] = 0;
    s->state = 0;
    raw(s, "{\"eq\":");
    str(s, version);
    raw(s, "}");
    if (s->state != SP_FULL)
        s->state = SP_DONE;
    return st_of(s);
}

const char *pki_spec_end(pki_spec *s)
{
    if (s->state == SP_EVENTS || s->state == SP_VERSIONS) {
        raw(s, "]}");
        if (s->state != SP_FULL)
            s->state = SP_DONE;
    }
    return s->state == SP_FULL ? NULL : s->buf;
}

static pki_verscheme scheme_of(const char *name)
{
    for (int i = 1; i < PKI_VS_COUNT; i++)
        if (strcmp(name, pki_verscheme_name((pki_verscheme)i)) == 0)
            return (pki_verscheme)i;
    return PKI_VS_NONE;
}

/* v == w by the scheme's order, or byte-equal (an OSV versions[] entry is an
 * exact string even where the scheme cannot parse it). */
/* Leading run of digits, as a number (capped): two versions whose first
 * numbers differ are not equal in any scheme parakh knows, unless one has
 * an epoch ("1:2.0", "1!2.0"). A cheap reject before a full parse, for
 * versions lists hundreds long. */
static long lead(const char *s)
{
    long n = 0;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9' && n < 100000000; s++)
        n = n * 10 + (*s - '0');
    return n;
}

static int same(pki_verscheme vs, const char *v, const char *w)
{
    int c;
    if (strcmp(v, w) == 0)
        return 1;
    long a = lead(v), b = lead(w);
    if (a >= 0 && b >= 0 && a != b && !strpbrk(v, ":!") && !strpbrk(w, ":!"))
        return 0;
    return pki_vercmp(vs, v, w, &c) == 0 && c == 0;
}

static int eval_bounds(pki_verscheme vs, json_t *o, const char *v, int *affected)
{
    static const char *const K[4] = {"ge", "gt", "le", "lt"};
    *affected = 1;
    for (int i = 0; i < 4; i++) {
        json_t *b = json_object_get(o, K[i]);
        if (!b)
            continue;
        int c;
        if (!json_is_string(b) || pki_vercmp(vs, v, json_string_value(b), &c) != 0)
            return -1;
        int ok = i == 0 ? c >= 0 : i == 1 ? c > 0 : i == 2 ? c <= 0 : c < 0;
        if (!ok)
            *affected = 0;
    }
    return 0;
}

static int eval_events(pki_verscheme vs, json_t *ev, const char *v, int *affected)
{
    size_t n = json_array_size(ev);
    if (n == 0 || n > PKI_VER_MAX_EVENTS)
        return -1;
    const char *kinds[PKI_VER_MAX_EVENTS], *vals[PKI_VER_MAX_EVENTS];
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(ev, i);
        json_t *k = json_array_get(e, 0), *w = json_array_get(e, 1);
        if (!json_is_string(k) || !json_is_string(w))
            return -1;
        kinds[i] = json_string_value(k);
        vals[i] = json_string_value(w);
    }
    return pki_ver_in_osv_range(vs, v, kinds, vals, n, affected);
}

int pki_spec_eval(const char *scheme, const char *spec, const char *v, int *affected)
{
    *affected = 0;
    if (!scheme || !spec || !v || !*v)
        return -1;
    pki_verscheme vs = scheme_of(scheme);
    json_error_t je;
    json_t *o = json_loads(spec, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    int rc = -1;
    json_t *x;
    if ((x = json_object_get(o, "versions"))) {
        rc = json_is_array(x) ? 0 : -1;
        for (size_t i = 0; rc == 0 && i < json_array_size(x) && !*affected; i++) {
            json_t *w = json_array_get(x, i);
            if (json_is_string(w))
                *affected = same(vs, v, json_string_value(w));
        }
    } else if ((x = json_object_get(o, "range"))) {
        /* node-semver ranges (npm advisories), less the patched ones */
        json_t *pt = json_object_get(o, "patched");
        if (json_is_string(x) && (!pt || json_is_string(pt)))
            rc = pki_npm_spec_eval(json_string_value(x), json_string_value(pt), v, affected);
    } else if ((x = json_object_get(o, "eq"))) {
        if (json_is_string(x)) {
            rc = 0;
            *affected = same(vs, v, json_string_value(x));
        }
    } else if ((x = json_object_get(o, "events"))) {
        if (vs != PKI_VS_NONE && json_is_array(x))
            rc = eval_events(vs, x, v, affected);
    } else if (json_object_size(o) == 0) {
        rc = 0; /* no bound: every version, whatever the scheme */
        *affected = 1;
    } else if (vs != PKI_VS_NONE) {
        rc = eval_bounds(vs, o, v, affected);
    }
    json_decref(o);
    if (rc != 0)
        *affected = 0;
    return rc;
}

const char *pki_spec_text(pki_arena *a, const char *scheme, const char *spec, const char *distro)
{
    json_t *o = json_loads(spec, 0, NULL);
    char buf[1024];
    size_t n = 0;
    buf[0] = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n < sizeof buf) {                                                                      \
            int w_ = snprintf(buf + n, sizeof buf - n, __VA_ARGS__);                               \
            n = w_ < 0 ? sizeof buf : n + (size_t)w_;                                              \
        }                                                                                          \
    } while (0)
    json_t *x;
    if (!json_is_object(o)) {
        ADD("%.200s", spec);
    } else if ((x = json_object_get(o, "events"))) {
        for (size_t i = 0; i < json_array_size(x) && i < 16; i++) {
            json_t *e = json_array_get(x, i);
            const char *k = json_string_value(json_array_get(e, 0));
            const char *v = json_string_value(json_array_get(e, 1));
            ADD("%s%s %s", i ? ", " : "", k ? k : "?", v ? v : "?");
        }
    } else if ((x = json_object_get(o, "versions"))) {
        ADD("listed versions (%zu)", json_array_size(x));
    } else if ((x = json_object_get(o, "range"))) {
        const char *pt = json_string_value(json_object_get(o, "patched"));
        ADD("%.300s", json_string_value(x) ? json_string_value(x) : "?");
        if (pt)
            ADD(", not %.300s", pt);
    } else if ((x = json_object_get(o, "eq"))) {
        ADD("= %s", json_string_value(x) ? json_string_value(x) : "?");
    } else if (json_object_size(o) == 0) {
        ADD("every version");
    } else {
        static const char *const K[4] = {"ge", "gt", "le", "lt"}, *const S[4] = {">=", ">",
                                                                                 "<=", "<"};
        int first = 1;
        for (int i = 0; i < 4; i++) {
            const char *v = json_string_value(json_object_get(o, K[i]));
            if (!v)
                continue;
            ADD("%s%s %s", first ? "" : ", ", S[i], v);
            first = 0;
        }
    }
    ADD(" (%s%s%s)", scheme, distro && *distro ? ", " : "", distro ? distro : "");
#undef ADD
    json_decref(o);
    if (n >= sizeof buf)
        buf[sizeof buf - 1] = 0;
    return pki_arena_strdup(a, buf);
}

const char *pki_spec_next_fix(pki_arena *a, const char *scheme, const char *spec, const char *v)
{
    /* OSV ranges list every branch's fix: the one that matters to this
     * version is the lowest "fixed" above it. */
    pki_verscheme vs = scheme_of(scheme);
    json_t *o = json_loads(spec, 0, NULL);
    json_t *ev = json_object_get(o, "events");
    const char *best = NULL;
    for (size_t i = 0; vs != PKI_VS_NONE && i < json_array_size(ev); i++) {
        json_t *e = json_array_get(ev, i);
        const char *k = json_string_value(json_array_get(e, 0));
        const char *w = json_string_value(json_array_get(e, 1));
        int c, d;
        if (!k || !w || strcmp(k, "fixed") != 0 || pki_vercmp(vs, w, v, &c) != 0 || c <= 0)
            continue;
        if (!best || (pki_vercmp(vs, w, best, &d) == 0 && d < 0))
            best = w;
    }
    const char *r = best ? pki_arena_strdup(a, best) : NULL;
    json_decref(o);
    return r;
}
