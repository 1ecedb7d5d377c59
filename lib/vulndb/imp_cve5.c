/* CVE JSON 5.x records (the CVE List's own format, used by CNAs such as
 * OpenSSL): cveMetadata plus the CNA container, and the metrics and problem
 * types of ADP containers (CISA's CVSS scores). One record per document, or a
 * JSON array of them.
 *
 * Each affected[] product gets one package key per naming it carries (the
 * vendor/product pair as a CPE key, each cpes[] entry, a purl from
 * packageName + collectionURL) and one row per key and "affected" version
 * entry: {version, lessThan} -> ge/lt bounds, a lone version -> exact, a
 * "changes" list -> OSV-style events. Products whose defaultStatus is
 * "affected" get a row of every version minus their "unaffected" ranges.
 * See docs/vulndb/osv.md ("CVE 5"). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core_int.h"
#include "ident/ident_int.h"
#include "version/version_int.h"
#include "vulndb/vdb_int.h"

#define CVE_ID_MAX    64u
#define CVE_TEXT_MAX  65536u /* a description kept; longer ones are cut */
#define CVE_ARRAY_MAX 100000u
#define CVE_KEYS      32u /* distinct keys of one product; more are ignored */

typedef struct cve_key {
    char key[PKI_VKEY_MAX];
    pki_verscheme vs; /* the ecosystem's order for purl keys, else NONE */
} cve_key;

typedef struct cve_ctx {
    pki_imp *im;
    const char *id;
    char rec[CVE_ID_MAX + 8];
    unsigned rows;
    cve_key keys[CVE_KEYS];
    size_t nkeys;
    char cpebuf[PKI_IDENT_OUT_MAX];
    pki_spec spec;
} cve_ctx;

static pk_status cve_str(cve_ctx *c, const json_t *o, const char *key, size_t max, const char **out)
{
    return pki_imp_jstr(c->im, o, key, c->rec, max, out);
}

static pk_status cve_arr(cve_ctx *c, const json_t *o, const char *key, json_t **out)
{
    return pki_imp_jarr(c->im, o, key, c->rec, CVE_ARRAY_MAX, out);
}

/* Words CNAs put where a version is unknown or unbounded. */
static int cve_placeholder(const char *v)
{
    static const char *const P[] = {"",   "*",   "0",       "-",          "n/a",
                                    "na", "all", "unknown", "unspecified"};
    if (!v)
        return 1;
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++)
        if (!strcasecmp(v, P[i]))
            return 1;
    return 0;
}

static int cve_cwe_ok(const char *s, size_t n)
{
    return n >= 5 && n <= 16 && !strncmp(s, "CWE-", 4) && strspn(s + 4, "0123456789") == n - 4;
}

static void cve_add_key(cve_ctx *c, const char *key, pki_verscheme vs)
{
    for (size_t i = 0; i < c->nkeys; i++)
        if (!strcmp(c->keys[i].key, key))
            return;
    if (c->nkeys >= CVE_KEYS)
        return;
    memcpy(c->keys[c->nkeys].key, key, strlen(key) + 1);
    c->keys[c->nkeys++].vs = vs;
}

/* vendor/product as written by a CNA -> the CPE key's spelling: lowercase
 * (pki_vkey_cpe) with blanks as '_', as NVD's CPE dictionary writes them. */
static void cve_key_vp(cve_ctx *c, const char *vendor, const char *product)
{
    char v[PKI_VKEY_MAX], p[PKI_VKEY_MAX], key[PKI_VKEY_MAX];
    if (cve_placeholder(vendor) || cve_placeholder(product) || strlen(vendor) >= sizeof v ||
        strlen(product) >= sizeof p)
        return;
    const char *src[2] = {vendor, product};
    char *dst[2] = {v, p};
    for (int k = 0; k < 2; k++) {
        size_t i = 0;
        for (const char *s = src[k]; *s; s++)
            dst[k][i++] = isspace((unsigned char)*s) ? '_' : *s;
        dst[k][i] = 0;
    }
    if (pki_vkey_cpe(v, p, key, sizeof key) == PK_OK)
        cve_add_key(c, key, PKI_VS_NONE);
}

/* A WFN value ("node\.js") without its quoting, for the key. */
static int cve_unquote(const char *w, char *out, size_t cap)
{
    size_t n = 0;
    for (; *w; w++) {
        if (*w == '\\' && w[1])
            w++;
        else if (*w == '*' || *w == '?')
            return -1; /* a wildcard names no one product */
        if (n + 1 >= cap)
            return -1;
        out[n++] = *w;
    }
    out[n] = 0;
    return n ? 0 : -1;
}

static void cve_key_cpe(cve_ctx *c, const char *s)
{
    pki_cpe cpe;
    char v[PKI_VKEY_MAX], p[PKI_VKEY_MAX], key[PKI_VKEY_MAX];
    if (strlen(s) > PKI_IDENT_MAX || pki_cpe_parse(s, &cpe, c->cpebuf, sizeof c->cpebuf) != PK_OK)
        return;
    const pki_cpe_attr *va = &cpe.a[PKI_CPE_VENDOR], *pa = &cpe.a[PKI_CPE_PRODUCT];
    if (va->kind != PKI_CPE_VALUE || pa->kind != PKI_CPE_VALUE || cve_unquote(va->v, v, sizeof v) ||
        cve_unquote(pa->v, p, sizeof p))
        return;
    if (pki_vkey_cpe(v, p, key, sizeof key) == PK_OK)
        cve_add_key(c, key, PKI_VS_NONE);
}

/* packageName + collectionURL -> the OSV ecosystem of a package registry we
 * recognise, then the same key an OSV record would give. */
static void cve_key_pkg(cve_ctx *c, const char *name, const char *url)
{
    static const struct {
        const char *host, *eco;
    } R[] = {
        {"pypi.org", "PyPI"},
        {"pypi.python.org", "PyPI"},
        {"registry.npmjs.org", "npm"},
        {"npmjs.com", "npm"},
        {"repo.maven.apache.org", "Maven"},
        {"repo1.maven.org", "Maven"},
        {"crates.io", "crates.io"},
        {"rubygems.org", "RubyGems"},
        {"pkg.go.dev", "Go"},
        {"proxy.golang.org", "Go"},
        {"nuget.org", "NuGet"},
        {"api.nuget.org", "NuGet"},
        {"packagist.org", "Packagist"},
        {"hex.pm", "Hex"},
        {"pub.dev", "Pub"},
    };
    if (!name || !url)
        return;
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t hl = strcspn(h, "/:?#");
    if (hl > 4 && !strncasecmp(h, "www.", 4))
        h += 4, hl -= 4;
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++) {
        if (strlen(R[i].host) != hl || strncasecmp(h, R[i].host, hl))
            continue;
        char key[PKI_VKEY_MAX], dbuf[64];
        const char *distro;
        if (pki_vkey_osv(R[i].eco, name, key, sizeof key, dbuf, sizeof dbuf, &distro) == PK_OK)
            cve_add_key(c, key, pki_verscheme_for_osv_ecosystem(R[i].eco));
        return;
    }
}

/* versionType -> scheme name; NULL for "git" (commits, not versions). */
static const char *cve_scheme(const char *vt, pki_verscheme keyvs)
{
    static const struct {
        const char *vt, *scheme;
    } M[] = {{"semver", "semver"}, {"python", "pep440"}, {"pep440", "pep440"}, {"maven", "maven"},
             {"rpm", "rpm"},       {"deb", "dpkg"},      {"dpkg", "dpkg"},     {"debian", "dpkg"},
             {"go", "go"},         {"nuget", "nuget"},   {"apk", "apk"}};
    if (vt && !strcasecmp(vt, "git"))
        return NULL;
    for (size_t i = 0; vt && i < sizeof M / sizeof M[0]; i++)
        if (!strcasecmp(vt, M[i].vt))
            return M[i].scheme;
    return keyvs != PKI_VS_NONE ? pki_verscheme_name(keyvs) : "generic";
}

static pk_status cve_rows(cve_ctx *c, const char *vt, const char *fixed)
{
    const char *spec = pki_spec_end(&c->spec);
    if (!spec)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "a version range does not fit");
    for (size_t k = 0; k < c->nkeys; k++) {
        const char *scheme = cve_scheme(vt, c->keys[k].vs);
        if (!scheme)
            continue;
        pki_affected a = {
            .id = c->id, .key = c->keys[k].key, .scheme = scheme, .spec = spec, .fixed = fixed};
        pk_status st = pki_imp_affected(c->im, &a);
        if (st != PK_OK)
            return st;
        c->rows++;
    }
    return PK_OK;
}

typedef struct cve_ver {
    const char *version, *status, *lt, *le, *vt;
    const json_t *changes;
} cve_ver;

static pk_status cve_ver_read(cve_ctx *c, const json_t *e, size_t ai, size_t vi, cve_ver *v)
{
    pk_status st;
    memset(v, 0, sizeof *v);
    if (!json_is_object(e))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].versions[%zu] is not an object", ai, vi);
    if ((st = cve_str(c, e, "version", PKI_VER_MAX, &v->version)) != PK_OK ||
        (st = cve_str(c, e, "status", 32, &v->status)) != PK_OK ||
        (st = cve_str(c, e, "lessThan", PKI_VER_MAX, &v->lt)) != PK_OK ||
        (st = cve_str(c, e, "lessThanOrEqual", PKI_VER_MAX, &v->le)) != PK_OK ||
        (st = cve_str(c, e, "versionType", 64, &v->vt)) != PK_OK)
        return st;
    if (!v->status || (strcmp(v->status, "affected") && strcmp(v->status, "unaffected") &&
                       strcmp(v->status, "unknown")))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].versions[%zu]: status is missing or unknown", ai, vi);
    if (!v->version || (v->lt && v->le))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                            "affected[%zu].versions[%zu]: no version, or both lessThan and "
                            "lessThanOrEqual",
                            ai, vi);
    const json_t *ch = json_object_get(e, "changes");
    if (ch && !json_is_null(ch)) {
        if (!json_is_array(ch) || json_array_size(ch) > PKI_VER_MAX_EVENTS - 2)
            return pki_imp_fail(c->im, PK_E_FEED, c->rec,
                                "affected[%zu].versions[%zu].changes is not a short array", ai, vi);
        for (size_t i = 0; i < json_array_size(ch); i++) {
            const json_t *x = json_array_get(ch, i);
            const char *at, *s;
            if (!json_is_object(x))
                return pki_imp_fail(c->im, PK_E_FEED, c->rec, "a change is not an object");
            if ((st = cve_str(c, x, "at", PKI_VER_MAX, &at)) != PK_OK ||
                (st = cve_str(c, x, "status", 32, &s)) != PK_OK)
                return st;
            if (!at || !s)
                return pki_imp_fail(c->im, PK_E_FEED, c->rec, "a change lacks at or status");
        }
        v->changes = json_array_size(ch) ? ch : NULL;
    }
    return PK_OK;
}

/* A bound usable as a version: not a placeholder, no wildcard. */
static int cve_real(const char *v)
{
    return v && !cve_placeholder(v) && !strchr(v, '*');
}

/* One "affected" version entry -> a spec for every key. */
static pk_status cve_affected_ver(cve_ctx *c, const cve_ver *v)
{
    const char *hi = v->lt ? v->lt : v->le;
    if (hi && strcmp(hi, "*") && !cve_real(hi))
        return PK_OK; /* "3.0.*"-style bounds name no one version: skipped */
    const char *lo = cve_real(v->version) ? v->version : NULL;
    const char *fixed = v->lt && cve_real(v->lt) ? v->lt : NULL;
    pk_status st;
    if (v->changes) {
        pki_spec_events_begin(&c->spec);
        st = pki_spec_event(&c->spec, "introduced", lo ? lo : "0");
        for (size_t i = 0; st == PK_OK && i < json_array_size(v->changes); i++) {
            const json_t *x = json_array_get(v->changes, i);
            const char *s = json_string_value(json_object_get(x, "status"));
            const char *at = json_string_value(json_object_get(x, "at"));
            if (!strcmp(s, "affected") || !strcmp(s, "unaffected"))
                st = pki_spec_event(&c->spec, s[0] == 'a' ? "introduced" : "fixed", at);
        }
        if (st == PK_OK && hi && cve_real(hi))
            st = pki_spec_event(&c->spec, v->lt ? "fixed" : "last_affected", hi);
    } else if (hi) {
        st = pki_spec_bounds(&c->spec, lo, NULL, v->le && cve_real(v->le) ? v->le : NULL, fixed);
    } else {
        if (!lo)
            return PK_OK; /* "affected: unspecified" names no version */
        st = pki_spec_eq(&c->spec, lo);
    }
    if (st != PK_OK)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "a version range does not fit");
    return cve_rows(c, v->vt, fixed);
}

static pk_status cve_product(cve_ctx *c, const json_t *a, size_t ai)
{
    pk_status st;
    const char *vendor, *product, *pkgname, *coll, *dflt;
    json_t *cpes, *vers;
    if (!json_is_object(a))
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "affected[%zu] is not an object", ai);
    if ((st = cve_str(c, a, "vendor", PKI_VKEY_MAX, &vendor)) != PK_OK ||
        (st = cve_str(c, a, "product", PKI_VKEY_MAX, &product)) != PK_OK ||
        (st = cve_str(c, a, "packageName", PKI_VKEY_MAX, &pkgname)) != PK_OK ||
        (st = cve_str(c, a, "collectionURL", 2048, &coll)) != PK_OK ||
        (st = cve_str(c, a, "defaultStatus", 32, &dflt)) != PK_OK ||
        (st = cve_arr(c, a, "cpes", &cpes)) != PK_OK ||
        (st = cve_arr(c, a, "versions", &vers)) != PK_OK)
        return st;
    c->nkeys = 0;
    cve_key_vp(c, vendor, product);
    for (size_t i = 0; i < json_array_size(cpes); i++) {
        const json_t *s = json_array_get(cpes, i);
        if (json_is_string(s) && strlen(json_string_value(s)) == json_string_length(s))
            cve_key_cpe(c, json_string_value(s));
    }
    cve_key_pkg(c, pkgname, coll);
    /* every entry is checked even when no key came out: a broken record is broken */
    size_t nv = json_array_size(vers), naff = 0;
    cve_ver v;
    for (size_t i = 0; i < nv; i++) {
        if ((st = cve_ver_read(c, json_array_get(vers, i), ai, i, &v)) != PK_OK)
            return st;
        if (!strcmp(v.status, "affected")) {
            naff++;
            if (c->nkeys && (st = cve_affected_ver(c, &v)) != PK_OK)
                return st;
        }
    }
    if (!c->nkeys || !dflt || strcmp(dflt, "affected") || naff)
        return PK_OK;
    /* every version is affected except the "unaffected" ranges: OSV events
     * (introduced 0; fixed at each unaffected start; introduced again where
     * it ends). A lone unaffected version cannot be cut out this way and is
     * left affected (docs: over-reports rather than misses). */
    const char *vt = NULL, *fixed = NULL;
    pki_spec_events_begin(&c->spec);
    st = pki_spec_event(&c->spec, "introduced", "0");
    for (size_t i = 0; st == PK_OK && i < nv; i++) {
        cve_ver_read(c, json_array_get(vers, i), ai, i, &v);
        if (strcmp(v.status, "unaffected") || !cve_real(v.version) || !(v.lt || v.le) ||
            (v.le && strcmp(v.le, "*")))
            continue;
        vt = vt ? vt : v.vt;
        fixed = fixed ? fixed : v.version;
        st = pki_spec_event(&c->spec, "fixed", v.version);
        if (st == PK_OK && cve_real(v.lt))
            st = pki_spec_event(&c->spec, "introduced", v.lt);
    }
    if (st != PK_OK)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "a version range does not fit");
    return cve_rows(c, vt, fixed);
}

/* metrics[] of a container: CVSS objects by version, or "other" with a text
 * severity (OpenSSL: "High"); SSVC and other decision data are ignored. */
static pk_status cve_metrics(cve_ctx *c, const json_t *cont)
{
    static const struct {
        const char *key, *ver;
    } M[] = {{"cvssV4_0", "4.0"}, {"cvssV3_1", "3.1"}, {"cvssV3_0", "3.0"}, {"cvssV2_0", "2.0"}};
    json_t *ms;
    pk_status st = cve_arr(c, cont, "metrics", &ms);
    for (size_t i = 0; st == PK_OK && i < json_array_size(ms); i++) {
        const json_t *m = json_array_get(ms, i);
        if (!json_is_object(m))
            return pki_imp_fail(c->im, PK_E_FEED, c->rec, "metrics[%zu] is not an object", i);
        for (size_t k = 0; st == PK_OK && k < sizeof M / sizeof M[0]; k++) {
            const json_t *o = json_object_get(m, M[k].key);
            const char *vec;
            if (!o)
                continue;
            if (!json_is_object(o))
                return pki_imp_fail(c->im, PK_E_FEED, c->rec, "%s is not an object", M[k].key);
            if ((st = cve_str(c, o, "vectorString", 256, &vec)) != PK_OK)
                return st;
            const json_t *bs = json_object_get(o, "baseScore");
            double score = json_is_number(bs) ? json_number_value(bs) : -1;
            if (score < 0 || score > 10)
                score = -1;
            if (vec)
                st = pki_imp_cvss(c->im, c->id, M[k].ver, vec, score);
        }
        const json_t *txt =
            json_object_get(json_object_get(json_object_get(m, "other"), "content"), "text");
        if (st == PK_OK && json_is_string(txt) && json_string_length(txt) > 0 &&
            json_string_length(txt) < 32 &&
            strlen(json_string_value(txt)) == json_string_length(txt))
            st = pki_imp_rating(c->im, c->id, json_string_value(txt));
    }
    return st;
}

/* problemTypes[].descriptions[]: cweId, or a description that starts with
 * "CWE-NNN" (many CNAs write only that). */
static pk_status cve_cwes(cve_ctx *c, const json_t *cont)
{
    json_t *pts;
    pk_status st = cve_arr(c, cont, "problemTypes", &pts);
    for (size_t i = 0; st == PK_OK && i < json_array_size(pts); i++) {
        const json_t *ds = json_object_get(json_array_get(pts, i), "descriptions");
        for (size_t j = 0; st == PK_OK && json_is_array(ds) && j < json_array_size(ds); j++) {
            const json_t *d = json_array_get(ds, j);
            const json_t *w = json_object_get(d, "cweId");
            if (!json_is_string(w))
                w = json_object_get(d, "description");
            if (!json_is_string(w))
                continue;
            const char *s = json_string_value(w);
            char cwe[20];
            size_t n = strncmp(s, "CWE-", 4) ? 0 : 4 + strspn(s + 4, "0123456789");
            if (n >= sizeof cwe || !cve_cwe_ok(s, n))
                continue;
            memcpy(cwe, s, n);
            cwe[n] = 0;
            st = pki_imp_cwe(c->im, c->id, cwe);
        }
    }
    return st;
}

static pk_status cve_refs(cve_ctx *c, const json_t *cont)
{
    json_t *rs;
    pk_status st = cve_arr(c, cont, "references", &rs);
    for (size_t i = 0; st == PK_OK && i < json_array_size(rs); i++) {
        const json_t *u = json_object_get(json_array_get(rs, i), "url");
        if (json_is_string(u) && json_string_length(u) && json_string_length(u) <= 4096 &&
            strlen(json_string_value(u)) == json_string_length(u))
            st = pki_imp_ref(c->im, c->id, json_string_value(u));
    }
    return st;
}

/* The English text of a {lang, value} list (lang "en", "en-US" ...), else
 * the first one; cut to cap. */
static const char *cve_desc(const json_t *ds, char *cut, size_t cap)
{
    const json_t *pick = NULL;
    for (size_t i = 0; json_is_array(ds) && i < json_array_size(ds) && i < CVE_ARRAY_MAX; i++) {
        const json_t *d = json_array_get(ds, i);
        const json_t *l = json_object_get(d, "lang"), *v = json_object_get(d, "value");
        if (!json_is_string(v))
            continue;
        if (!pick)
            pick = v;
        if (json_is_string(l) && !strncasecmp(json_string_value(l), "en", 2)) {
            pick = v;
            break;
        }
    }
    if (!pick)
        return NULL;
    snprintf(cut, cap, "%s", json_string_value(pick));
    return cut;
}

static pk_status cve_record(pki_imp *im, const json_t *r, size_t idx)
{
    cve_ctx *c = pki_malloc(sizeof *c);
    char *desc = pki_malloc(CVE_TEXT_MAX + 1);
    pk_status st = PK_OK;
    if (!c || !desc) {
        st = pki_imp_fail(im, PK_E_NOMEM, NULL, "out of memory");
        goto out;
    }
    c->im = im;
    c->rows = 0;
    c->nkeys = 0;
    snprintf(c->rec, sizeof c->rec, "#%zu", idx);
    const json_t *meta = json_object_get(r, "cveMetadata");
    const json_t *cna = json_object_get(json_object_get(r, "containers"), "cna");
    const char *id, *state, *pub, *upd, *rej, *dpub;
    if (!json_is_object(r) || !json_is_object(meta)) {
        st = pki_imp_fail(im, PK_E_FEED, c->rec, "not a CVE record (no cveMetadata)");
        goto out;
    }
    if ((st = cve_str(c, meta, "cveId", CVE_ID_MAX, &id)) != PK_OK)
        goto out;
    if (!id || strncmp(id, "CVE-", 4)) {
        st = pki_imp_fail(im, PK_E_FEED, c->rec, "cveMetadata.cveId is not a CVE id");
        goto out;
    }
    c->id = id;
    snprintf(c->rec, sizeof c->rec, "%s", id);
    if ((st = cve_str(c, meta, "state", 32, &state)) != PK_OK ||
        (st = cve_str(c, meta, "datePublished", 64, &pub)) != PK_OK ||
        (st = cve_str(c, meta, "dateUpdated", 64, &upd)) != PK_OK ||
        (st = cve_str(c, meta, "dateRejected", 64, &rej)) != PK_OK)
        goto out;
    int rejected = state && !strcmp(state, "REJECTED");
    if (!json_is_object(cna)) {
        st = pki_imp_fail(im, PK_E_FEED, c->rec, "no containers.cna object");
        goto out;
    }
    if ((st = cve_str(c, cna, "datePublic", 64, &dpub)) != PK_OK)
        goto out;
    if (!pub)
        pub = dpub;
    if (rejected && !rej)
        rej = upd ? upd : pub ? pub : "";
    const char *d = cve_desc(json_object_get(cna, "descriptions"), desc, CVE_TEXT_MAX + 1);
    if (!d && rejected)
        d = cve_desc(json_object_get(cna, "rejectedReasons"), desc, CVE_TEXT_MAX + 1);
    if ((st = pki_imp_record(im, upd ? upd : pub)) != PK_OK ||
        (st = pki_imp_advisory(im, id, d, pub, upd, rejected ? rej : NULL)) != PK_OK ||
        (st = cve_metrics(c, cna)) != PK_OK || (st = cve_cwes(c, cna)) != PK_OK ||
        (st = cve_refs(c, cna)) != PK_OK)
        goto out;
    const json_t *adp = json_object_get(json_object_get(r, "containers"), "adp");
    for (size_t i = 0; json_is_array(adp) && i < json_array_size(adp) && i < 64; i++) {
        const json_t *a = json_array_get(adp, i);
        if (json_is_object(a) &&
            ((st = cve_metrics(c, a)) != PK_OK || (st = cve_cwes(c, a)) != PK_OK))
            goto out;
    }
    json_t *aff;
    if ((st = cve_arr(c, cna, "affected", &aff)) != PK_OK)
        goto out;
    for (size_t i = 0; !rejected && i < json_array_size(aff); i++)
        if ((st = cve_product(c, json_array_get(aff, i), i)) != PK_OK)
            goto out;
    if (!c->rows)
        pki_imp_skip(im);
out:
    pki_free(desc);
    pki_free(c);
    return st;
}

pk_status pki_import_cve5(pki_imp *im, struct json_t *doc)
{
    return pki_imp_each(im, doc, cve_record);
}
