/* OSV records (ossf/osv-schema 1.x): one record per document, or a JSON array
 * of them (some exports). Each affected package becomes one row per
 * ECOSYSTEM/SEMVER range (the OSV events, evaluated later in the ecosystem's
 * order) plus rows for its exact versions[] list: OSV says a version is
 * affected when it is in any range OR in versions, so both are kept.
 * GIT ranges name commits, which an inventory does not have: skipped.
 * Structural errors the schema forbids (a range with no "introduced", an
 * unknown event kind or range type, fixed together with last_affected) reject
 * the file; see docs/vulndb/osv.md. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"
#include "ident/ident_int.h"
#include "version/version_int.h"
#include "vulndb/vdb_int.h"

#define OSV_ID_MAX    256u    /* an id or alias; real ones are < 64 bytes */
#define OSV_TEXT_MAX  65536u  /* summary/details/urls kept (longer details are cut) */
#define OSV_ARRAY_MAX 100000u /* entries of any one array in a record */
#define OSV_CWE_MAX   16u

typedef struct osv_ctx {
    pki_imp *im;
    const char *id; /* the record's id, for messages and rows */
    char rec[OSV_ID_MAX + 32];
    unsigned rows; /* affected rows written for this record */
    pki_spec spec;
} osv_ctx;

/* An optional string member: NULL when absent or null; another type, an
 * embedded NUL or more than max bytes is malformed. */
static pk_status osv_str(osv_ctx *c, const json_t *o, const char *key, size_t max, const char **out)
{
    return pki_imp_jstr(c->im, o, key, c->rec, max, out);
}

/* An optional array member (NULL when absent or null), capped. */
static pk_status osv_arr(osv_ctx *c, const json_t *o, const char *key, json_t **out)
{
    return pki_imp_jarr(c->im, o, key, c->rec, OSV_ARRAY_MAX, out);
}

/* A string array element, bounded: NULL when the element is not a string. */
static const char *osv_elem(const json_t *a, size_t i, size_t max)
{
    const json_t *v = json_array_get(a, i);
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    if (!n || n > max || strlen(json_string_value(v)) != n)
        return NULL;
    return json_string_value(v);
}

static int osv_cwe_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || n > OSV_CWE_MAX || strncmp(s, "CWE-", 4) != 0)
        return 0;
    return strspn(s + 4, "0123456789") == n - 4;
}

/* aliases[] and upstream[] (ids of the vulnerability this one derives from):
 * both make the ids one vulnerability for matching and display. */
static pk_status osv_aliases(osv_ctx *c, const json_t *r, const char *key)
{
    json_t *a;
    pk_status st = osv_arr(c, r, key, &a);
    for (size_t i = 0; st == PK_OK && i < json_array_size(a); i++) {
        const char *s = osv_elem(a, i, OSV_ID_MAX);
        if (!s)
            return pki_imp_fail(c->im, PK_E_FEED, c->rec, "%s[%zu] is not an id", key, i);
        if (strcmp(s, c->id) != 0)
            st = pki_imp_alias(c->im, c->id, s);
    }
    return st;
}

/* severity[]: CVSS vectors (the score is computed by the database from the
 * vector); "Ubuntu" gives a priority word. Unknown types are future schema
 * versions: ignored. */
static pk_status osv_severity(osv_ctx *c, const json_t *r)
{
    json_t *a;
    pk_status st = osv_arr(c, r, "severity", &a);
    for (size_t i = 0; st == PK_OK && i < json_array_size(a); i++) {
        const json_t *e = json_array_get(a, i);
        const char *type, *score;
        if (!json_is_object(e))
            return pki_imp_fail(c->im, PK_E_FEED, c->rec, "severity[%zu] is not an object", i);
        if ((st = osv_str(c, e, "type", OSV_ID_MAX, &type)) != PK_OK ||
            (st = osv_str(c, e, "score", OSV_ID_MAX, &score)) != PK_OK)
            return st;
        if (!type || !score)
            continue;
        const char *ver = NULL;
        if (!strcmp(type, "CVSS_V2"))
            ver = "2.0";
        else if (!strcmp(type, "CVSS_V3"))
            ver = !strncmp(score, "CVSS:3.0/", 9) ? "3.0" : "3.1";
        else if (!strcmp(type, "CVSS_V4"))
            ver = "4.0";
        else if (!strcmp(type, "Ubuntu"))
            st = pki_imp_rating(c->im, c->id, score);
        if (ver)
            st = pki_imp_cvss(c->im, c->id, ver, score, -1);
    }
    return st;
}

/* database_specific is free-form; the GHSA/OSV conventions read here are
 * "severity" (a word) and "cwe_ids" (["CWE-79"]); anything else is ignored. */
static pk_status osv_dbspecific(osv_ctx *c, const json_t *r)
{
    const json_t *d = json_object_get(r, "database_specific");
    if (!json_is_object(d))
        return PK_OK;
    const json_t *sev = json_object_get(d, "severity");
    pk_status st = PK_OK;
    if (json_is_string(sev) && json_string_length(sev) > 0 && json_string_length(sev) < 32 &&
        strlen(json_string_value(sev)) == json_string_length(sev))
        st = pki_imp_rating(c->im, c->id, json_string_value(sev));
    const json_t *cw = json_object_get(d, "cwe_ids");
    for (size_t i = 0; st == PK_OK && json_is_array(cw) && i < json_array_size(cw); i++) {
        const char *s = osv_elem(cw, i, OSV_CWE_MAX);
        if (s && osv_cwe_ok(s))
            st = pki_imp_cwe(c->im, c->id, s);
    }
    return st;
}

static pk_status osv_refs(osv_ctx *c, const json_t *r)
{
    json_t *a;
    pk_status st = osv_arr(c, r, "references", &a);
    for (size_t i = 0; st == PK_OK && i < json_array_size(a); i++) {
        const json_t *e = json_array_get(a, i);
        const char *url;
        if (!json_is_object(e))
            return pki_imp_fail(c->im, PK_E_FEED, c->rec, "references[%zu] is not an object", i);
        if ((st = osv_str(c, e, "url", OSV_TEXT_MAX, &url)) == PK_OK && url)
            st = pki_imp_ref(c->im, c->id, url);
    }
    return st;
}

static const char *const EV_KINDS[] = {"introduced", "fixed", "last_affected", "limit"};

/* Checks one range as the schema does: a known type, events non-empty, each
 * event an object with exactly one known kind and a string version, at least
 * one "introduced", never both "fixed" and "last_affected". *git set for GIT. */
static pk_status osv_range_check(osv_ctx *c, const json_t *rg, size_t ai, size_t ri, int *git)
{
    const char *type;
    pk_status st;
    if (!json_is_object(rg))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "affected[%zu].ranges[%zu] is not an object",
                            ai, ri);
    if ((st = osv_str(c, rg, "type", 32, &type)) != PK_OK)
        return st;
    if (!type || (strcmp(type, "GIT") && strcmp(type, "SEMVER") && strcmp(type, "ECOSYSTEM")))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].ranges[%zu]: type is missing or unknown", ai, ri);
    *git = !strcmp(type, "GIT");
    const json_t *ev = json_object_get(rg, "events");
    size_t n = json_array_size(ev);
    if (!json_is_array(ev) || n == 0 || n > PKI_VER_MAX_EVENTS)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].ranges[%zu]: events must be an array of 1 to %u", ai, ri,
                            PKI_VER_MAX_EVENTS);
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(ev, i);
        int k = -1, nk = 0;
        for (int j = 0; json_is_object(e) && j < 4; j++)
            if (json_object_get(e, EV_KINDS[j]))
                k = j, nk++;
        if (nk > 1)
            return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                                "affected[%zu].ranges[%zu].events[%zu] holds several events", ai,
                                ri, i);
        const json_t *val = k < 0 ? NULL : json_object_get(e, EV_KINDS[k]);
        size_t vl = json_string_length(val);
        if (k < 0 || !json_is_string(val) || !vl || vl > PKI_VER_MAX ||
            strlen(json_string_value(val)) != vl)
            return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                                "affected[%zu].ranges[%zu].events[%zu]: unknown event kind or "
                                "bad version",
                                ai, ri, i);
        seen |= 1u << k;
    }
    if (!(seen & 1u))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].ranges[%zu]: no \"introduced\" event", ai, ri);
    if ((seen & 2u) && (seen & 4u))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].ranges[%zu]: both \"fixed\" and \"last_affected\"", ai,
                            ri);
    return PK_OK;
}

/* The one event kind of a checked event object. */
static void osv_event(const json_t *e, const char **kind, const char **ver)
{
    for (int j = 0; j < 4; j++) {
        const json_t *v = json_object_get(e, EV_KINDS[j]);
        if (v) {
            *kind = EV_KINDS[j];
            *ver = json_string_value(v);
            return;
        }
    }
}

/* The package's key, distro and version scheme: from ecosystem + name, else
 * from package.purl when the ecosystem is one parakh has no key for. 0 when
 * there is no usable key (the affected entry is then skipped). */
static int osv_pkg_key(const char *eco, const char *name, const char *purl, char *key, char *dbuf,
                       size_t dcap, const char **distro, pki_verscheme *vs)
{
    *distro = NULL;
    *vs = pki_verscheme_for_osv_ecosystem(eco);
    if (eco && name && pki_vkey_osv(eco, name, key, PKI_VKEY_MAX, dbuf, dcap, distro) == PK_OK)
        return 1;
    *distro = NULL;
    if (!purl || strlen(purl) > PKI_IDENT_MAX)
        return 0;
    pki_purl p;
    char *buf = pki_malloc(PKI_IDENT_OUT_MAX);
    int ok = 0;
    if (buf && pki_purl_parse(purl, &p, buf, PKI_IDENT_OUT_MAX) == PK_OK &&
        pki_vkey_purl(p.type, p.ns, p.name, key, PKI_VKEY_MAX) == PK_OK) {
        ok = 1;
        if (*vs == PKI_VS_NONE)
            *vs = pki_verscheme_for_purl_type(p.type);
    }
    pki_free(buf);
    return ok;
}

/* Upper bound of a version's length once written as a JSON string (spec.c
 * escapes '"', '\' and control bytes). */
static size_t osv_json_len(const char *v)
{
    size_t n = 3; /* quotes and a comma */
    for (; *v; v++)
        n += (*v == '"' || *v == '\\') ? 2 : ((unsigned char)*v < 0x20 ? 6 : 1);
    return n;
}

/* versions[]: exact versions, written as as many rows as PKI_SPEC_MAX needs
 * (a big list is the same set split in parts). */
static pk_status osv_versions(osv_ctx *c, const json_t *vers, size_t ai, const pki_affected *base)
{
    size_t n = json_array_size(vers), used = 0, inrow = 0;
    pk_status st = PK_OK;
    for (size_t i = 0; i <= n; i++) {
        const char *v = NULL;
        if (i < n && !(v = osv_elem(vers, i, PKI_VER_MAX)))
            return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                                "affected[%zu].versions[%zu] is not a version", ai, i);
        size_t need = v ? osv_json_len(v) : 0;
        if (inrow && (!v || used + need + 16 > PKI_SPEC_MAX)) {
            pki_affected a = *base;
            if (!(a.spec = pki_spec_end(&c->spec)))
                return pki_imp_fail(c->im, PK_E_LIMIT, c->rec, "versions list too long");
            if ((st = pki_imp_affected(c->im, &a)) != PK_OK)
                return st;
            c->rows++;
            inrow = 0;
        }
        if (!v)
            break;
        if (!inrow) {
            pki_spec_versions_begin(&c->spec);
            used = c->spec.len;
        }
        if ((st = pki_spec_version(&c->spec, v)) != PK_OK)
            return pki_imp_fail(c->im, st, c->rec, "affected[%zu].versions[%zu] does not fit", ai,
                                i);
        used += need;
        inrow++;
    }
    return PK_OK;
}

static pk_status osv_affected_one(osv_ctx *c, const json_t *a, size_t ai)
{
    pk_status st;
    if (!json_is_object(a))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "affected[%zu] is not an object", ai);
    json_t *ranges, *vers;
    if ((st = osv_arr(c, a, "ranges", &ranges)) != PK_OK ||
        (st = osv_arr(c, a, "versions", &vers)) != PK_OK)
        return st;
    /* every range is checked, GIT ones too: a broken record is broken */
    int git;
    size_t nr = json_array_size(ranges);
    for (size_t i = 0; i < nr; i++)
        if ((st = osv_range_check(c, json_array_get(ranges, i), ai, i, &git)) != PK_OK)
            return st;
    const json_t *pkg = json_object_get(a, "package");
    const char *eco = NULL, *name = NULL, *purl = NULL;
    if (pkg && !json_is_null(pkg)) {
        if (!json_is_object(pkg))
            return pki_imp_fail(c->im, PK_E_FEED, c->rec, "affected[%zu].package is not an object",
                                ai);
        if ((st = osv_str(c, pkg, "ecosystem", PKI_VKEY_MAX, &eco)) != PK_OK ||
            (st = osv_str(c, pkg, "name", PKI_VKEY_MAX, &name)) != PK_OK ||
            (st = osv_str(c, pkg, "purl", PKI_IDENT_MAX, &purl)) != PK_OK)
            return st;
    }
    char key[PKI_VKEY_MAX], dbuf[128];
    const char *distro;
    pki_verscheme vs;
    if (!osv_pkg_key(eco, name, purl, key, dbuf, sizeof dbuf, &distro, &vs))
        return PK_OK; /* no package (GIT-only) or an ecosystem without a key */
    pki_affected row = {.id = c->id, .key = key, .distro = distro};
    const char *first_fixed = NULL;
    for (size_t i = 0; i < nr; i++) {
        const json_t *rg = json_array_get(ranges, i);
        const char *type = json_string_value(json_object_get(rg, "type"));
        if (!strcmp(type, "GIT"))
            continue;
        const json_t *ev = json_object_get(rg, "events");
        const char *fixed = NULL;
        pki_spec_events_begin(&c->spec);
        for (size_t j = 0; j < json_array_size(ev); j++) {
            const char *k = "", *v = "";
            osv_event(json_array_get(ev, j), &k, &v);
            if (!fixed && !strcmp(k, "fixed"))
                fixed = v;
            if ((st = pki_spec_event(&c->spec, k, v)) != PK_OK)
                return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                                    "affected[%zu].ranges[%zu]: events do not fit in %u bytes", ai,
                                    i, PKI_SPEC_MAX);
        }
        pki_affected r = row;
        r.scheme = !strcmp(type, "SEMVER") ? "semver" : pki_verscheme_name(vs);
        r.fixed = fixed;
        if (!(r.spec = pki_spec_end(&c->spec)))
            return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                                "affected[%zu].ranges[%zu]: events do not fit", ai, i);
        if ((st = pki_imp_affected(c->im, &r)) != PK_OK)
            return st;
        c->rows++;
        if (!first_fixed)
            first_fixed = fixed;
    }
    if (json_array_size(vers)) {
        row.scheme = pki_verscheme_name(vs);
        row.fixed = first_fixed; /* what the entry's ranges say fixes it, if any */
        return osv_versions(c, vers, ai, &row);
    }
    return PK_OK;
}

static pk_status osv_record(pki_imp *im, const json_t *r, size_t idx)
{
    osv_ctx *c = pki_malloc(sizeof *c);
    if (!c)
        return pki_imp_fail(im, PK_E_NOMEM, NULL, "out of memory");
    c->im = im;
    c->rows = 0;
    snprintf(c->rec, sizeof c->rec, "#%zu", idx);
    pk_status st = PK_OK;
    const char *id, *summary, *details, *published, *modified, *withdrawn;
    json_t *aff;
    char *cut = NULL;
    if (!json_is_object(r)) {
        st = pki_imp_fail(im, PK_E_FEED, c->rec, "not an object");
        goto out;
    }
    if ((st = osv_str(c, r, "id", OSV_ID_MAX, &id)) != PK_OK)
        goto out;
    if (!id) {
        st = pki_imp_fail(im, PK_E_FEED, c->rec, "no id");
        goto out;
    }
    c->id = id;
    snprintf(c->rec, sizeof c->rec, "%s", id);
    if ((st = osv_str(c, r, "summary", OSV_TEXT_MAX, &summary)) != PK_OK ||
        (st = osv_str(c, r, "details", SIZE_MAX, &details)) != PK_OK ||
        (st = osv_str(c, r, "published", 64, &published)) != PK_OK ||
        (st = osv_str(c, r, "modified", 64, &modified)) != PK_OK ||
        (st = osv_str(c, r, "withdrawn", 64, &withdrawn)) != PK_OK ||
        (st = osv_arr(c, r, "affected", &aff)) != PK_OK)
        goto out;
    /* details is markdown of any length: only a prefix is worth keeping */
    if (!summary && details && strlen(details) > OSV_TEXT_MAX) {
        if (!(cut = pki_malloc(OSV_TEXT_MAX + 1))) {
            st = pki_imp_fail(im, PK_E_NOMEM, c->rec, "out of memory");
            goto out;
        }
        memcpy(cut, details, OSV_TEXT_MAX);
        cut[OSV_TEXT_MAX] = 0;
    }
    if ((st = pki_imp_record(im, modified ? modified : published)) == PK_OK)
        st = pki_imp_advisory(im, id,
                              summary ? summary
                              : cut   ? cut
                                      : details,
                              published, modified, withdrawn);
    pki_free(cut);
    if (st != PK_OK || (st = osv_aliases(c, r, "aliases")) != PK_OK ||
        (st = osv_aliases(c, r, "upstream")) != PK_OK || (st = osv_severity(c, r)) != PK_OK ||
        (st = osv_dbspecific(c, r)) != PK_OK || (st = osv_refs(c, r)) != PK_OK)
        goto out;
    /* withdrawn: kept so its ids are known, but it no longer affects anything */
    for (size_t i = 0; !withdrawn && i < json_array_size(aff); i++)
        if ((st = osv_affected_one(c, json_array_get(aff, i), i)) != PK_OK)
            goto out;
    if (!c->rows)
        pki_imp_skip(im);
out:
    pki_free(c);
    return st;
}

pk_status pki_import_osv(pki_imp *im, struct json_t *doc)
{
    return pki_imp_each(im, doc, osv_record);
}
