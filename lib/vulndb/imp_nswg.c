/* Node.js Security Working Group advisories (nodejs/security-wg vuln/npm and
 * vuln/core; the Node Security Project's format, predating OSV). npm
 * advisories name a package and node-semver ranges; core advisories name
 * ranges of the Node.js runtime itself. Field mapping: docs/vulndb/nswg.md. */
#include "vulndb/imp_nswg.h"

#include <stdio.h>
#include <string.h>

#include "version/version_int.h"
#include "vulndb/npmrange.h"

#define NSWG_LIST_MAX 256u   /* CVEs, references or environments of one advisory */
#define NSWG_TEXT_MAX 65536u /* a title or overview; real ones are under 10 KB */
#define NSWG_ID_MAX   64u
#define NSWG_FIX_MAX  (PKI_VER_MAX + 16u) /* "M.m.p-pre" of a range's floor */

/* A string member, NULL when absent or null; -1 when of another type or
 * over max bytes. */
static int opt_str(json_t *o, const char *k, size_t max, const char **out)
{
    json_t *v = json_object_get(o, k);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}

/* An array of strings (or null / absent); -1 on any other shape. */
static int opt_strs(json_t *o, const char *k, json_t **out)
{
    json_t *v = json_object_get(o, k);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > NSWG_LIST_MAX)
        return -1;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s) || json_string_length(s) > 1024 ||
            strlen(json_string_value(s)) != json_string_length(s))
            return -1;
    }
    *out = v;
    return 0;
}

/* "CVE-YYYY-N..." */
static int cve_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 13 && n <= 32 && !strncmp(s, "CVE-", 4) && strspn(s + 4, "0123456789") == 4 &&
           s[8] == '-' && strspn(s + 9, "0123456789") == n - 9;
}

/* A "YYYY-MM-DD..." date or NULL (the feed has a few empty ones). */
static const char *date_or_null(const char *d)
{
    return d && strlen(d) >= 10 && strspn(d, "0123456789") == 4 && d[4] == '-' ? d : NULL;
}

/* {"range": r} or {"range": r, "patched": p} into out[PKI_SPEC_MAX]. */
static pk_status spec_json(const char *r, const char *p, char *out)
{
    json_t *o =
        p ? json_pack("{s:s, s:s}", "range", r, "patched", p) : json_pack("{s:s}", "range", r);
    if (!o)
        return PK_E_NOMEM;
    size_t n = json_dumpb(o, out, PKI_SPEC_MAX - 1, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (n == 0 || n >= PKI_SPEC_MAX)
        return PK_E_LIMIT;
    out[n] = 0;
    return PK_OK;
}

/* Aliases, references and the CVSS score shared by both kinds. */
static pk_status common(pki_imp *im, const char *id, json_t *cves, json_t *refs, const char *ver,
                        const char *vec, json_t *score)
{
    pk_status st = PK_OK;
    for (size_t i = 0; st == PK_OK && i < json_array_size(cves); i++) {
        const char *c = json_string_value(json_array_get(cves, i));
        /* a misspelt id ("CVE-2014-4671A" in npm/12.json) names nothing */
        if (cve_ok(c) && strcmp(c, id) != 0)
            st = pki_imp_alias(im, id, c);
    }
    for (size_t i = 0; st == PK_OK && i < json_array_size(refs); i++) {
        const char *u = json_string_value(json_array_get(refs, i));
        if (*u)
            st = pki_imp_ref(im, id, u);
    }
    if (st == PK_OK && vec && *vec) {
        double sc = json_is_number(score) ? json_number_value(score) : -1;
        if (sc > 10)
            return pki_imp_fail(im, PK_E_FEED, id, "cvss_score %.1f is over 10", sc);
        st = pki_imp_cvss(im, id, ver, vec, sc);
    }
    return st;
}

/* "CVSS:3.1/..." -> "3.1"; a vector with no prefix is CVSS 2. */
static const char *cvss_version(const char *vec)
{
    if (!strncmp(vec, "CVSS:3.1/", 9))
        return "3.1";
    if (!strncmp(vec, "CVSS:3.0/", 9))
        return "3.0";
    if (!strncmp(vec, "CVSS:4.0/", 9))
        return "4.0";
    return "2.0";
}

static pk_status imp_npm(pki_imp *im, json_t *doc)
{
    char id[NSWG_ID_MAX], key[PKI_VKEY_MAX], dbuf[64], spec[PKI_SPEC_MAX], fixed[NSWG_FIX_MAX];
    json_t *jid = json_object_get(doc, "id");
    if (!json_is_integer(jid) || json_integer_value(jid) < 0)
        return pki_imp_fail(im, PK_E_FEED, NULL, "\"id\" is not a number");
    snprintf(id, sizeof id, "NSWG-ECO-%lld", (long long)json_integer_value(jid));
    const char *name, *vuln, *pat, *title, *over, *pub, *upd, *cre, *vec;
    json_t *cves, *refs;
    if (opt_str(doc, "module_name", PKI_VKEY_MAX, &name) || !name || !*name ||
        opt_str(doc, "vulnerable_versions", PKI_NPM_RANGE_MAX, &vuln) || !vuln ||
        opt_str(doc, "patched_versions", PKI_NPM_RANGE_MAX, &pat) ||
        opt_str(doc, "title", NSWG_TEXT_MAX, &title) ||
        opt_str(doc, "overview", NSWG_TEXT_MAX, &over) || opt_str(doc, "publish_date", 64, &pub) ||
        opt_str(doc, "updated_at", 64, &upd) || opt_str(doc, "created_at", 64, &cre) ||
        opt_str(doc, "cvss_vector", 256, &vec) || opt_strs(doc, "cves", &cves) ||
        opt_strs(doc, "references", &refs))
        return pki_imp_fail(im, PK_E_FEED, id,
                            "module_name, vulnerable_versions or another field is missing, of "
                            "the wrong type or too long");
    json_t *score = json_object_get(doc, "cvss_score");
    if (score && !json_is_null(score) && !json_is_number(score))
        return pki_imp_fail(im, PK_E_FEED, id, "cvss_score is not a number");
    if (pki_npm_range_valid(vuln) != 0)
        return pki_imp_fail(im, PK_E_FEED, id, "vulnerable_versions \"%.100s\" is no npm range",
                            vuln);
    pub = date_or_null(pub);
    upd = date_or_null(upd);
    cre = date_or_null(cre);
    const char *rdate = upd ? upd : pub ? pub : cre;
    pk_status st;
    if ((st = pki_imp_record(im, rdate)) != PK_OK ||
        (st = pki_imp_advisory(im, id, title ? title : over, pub ? pub : cre, upd, NULL)) !=
            PK_OK ||
        (st = common(im, id, cves, refs, vec ? cvss_version(vec) : NULL, vec, score)) != PK_OK)
        return st;
    const char *distro;
    if (pki_vkey_osv("npm", name, key, sizeof key, dbuf, sizeof dbuf, &distro) != PK_OK) {
        pki_imp_skip(im); /* "@scope/" and the like: nothing to key */
        return PK_OK;
    }
    if ((st = spec_json(vuln, NULL, spec)) != PK_OK)
        return pki_imp_fail(im, st, id, "the range does not fit in a spec");
    /* a fix only when the patched range starts at one version */
    int has_fix = pat && pki_npm_range_floor(pat, fixed, sizeof fixed) == 0;
    pki_affected a = {
        .id = id, .key = key, .scheme = "semver", .spec = spec, .fixed = has_fix ? fixed : NULL};
    return pki_imp_affected(im, &a);
}

/* "…/core/123.json" -> 123; -1 when the name is not that. */
static long long file_number(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    b = b ? b + 1 : path;
    if (!b)
        return -1;
    size_t n = strspn(b, "0123456789");
    if (n == 0 || n > 9 || strcmp(b + n, ".json") != 0)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (b[i] - '0');
    return v;
}

/* The lowest start of a patched alternative that lies in the vulnerable
 * alternative alt: that release line's fix. */
static int core_fix(const char *patched, const char *alt, char *out, size_t cap)
{
    char one[PKI_NPM_RANGE_MAX + 1], f[NSWG_FIX_MAX];
    int found = 0;
    for (const char *p = patched;;) {
        const char *q = strstr(p, "||");
        size_t n = q ? (size_t)(q - p) : strlen(p);
        int in = 0, c;
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = 0;
            if (pki_npm_range_floor(one, f, sizeof f) == 0 &&
                pki_npm_range_eval(alt, f, &in) == 0 && in &&
                (!found || (pki_vercmp_semver(f, out, 0, &c) == 0 && c < 0)) && strlen(f) < cap) {
                memcpy(out, f, strlen(f) + 1);
                found = 1;
            }
        }
        if (!q)
            break;
        p = q + 2;
    }
    return found ? 0 : -1;
}

static pk_status imp_core(pki_imp *im, json_t *doc)
{
    char id[NSWG_ID_MAX], key[PKI_VKEY_MAX], spec[PKI_SPEC_MAX], fixed[NSWG_FIX_MAX];
    char alt[PKI_NPM_RANGE_MAX + 1], note[256];
    const char *vuln, *pat, *desc, *over, *pub, *sev, *ref, *cvss;
    json_t *cves, *envs;
    int bad = opt_strs(doc, "cve", &cves);
    long long num = file_number(im->path);
    if (num >= 0)
        snprintf(id, sizeof id, "NSWG-COR-%lld", num);
    else if (!bad && json_array_size(cves) > 0)
        snprintf(id, sizeof id, "%s", json_string_value(json_array_get(cves, 0)));
    else
        return pki_imp_fail(im, PK_E_FEED, NULL,
                            "a core advisory needs a file name N.json or a CVE to be named by");
    if (bad || opt_str(doc, "vulnerable", PKI_NPM_RANGE_MAX, &vuln) || !vuln ||
        opt_str(doc, "patched", PKI_NPM_RANGE_MAX, &pat) ||
        opt_str(doc, "description", NSWG_TEXT_MAX, &desc) ||
        opt_str(doc, "overview", NSWG_TEXT_MAX, &over) || opt_str(doc, "publish_date", 64, &pub) ||
        opt_str(doc, "severity", 32, &sev) || opt_str(doc, "ref", 4096, &ref) ||
        opt_str(doc, "cvss", 256, &cvss) || opt_strs(doc, "affectedEnvironments", &envs))
        return pki_imp_fail(im, PK_E_FEED, id,
                            "cve, vulnerable or another field is missing, of the wrong type or "
                            "too long");
    if (pat && strspn(pat, " \t\r\n") == strlen(pat))
        pat = NULL; /* no patch yet; "" would be node-semver's "*" */
    if (pki_npm_range_valid(vuln) != 0 || (pat && pki_npm_range_valid(pat) != 0))
        return pki_imp_fail(im, PK_E_FEED, id, "vulnerable or patched is no npm range");
    json_t *score = json_object_get(doc, "cvss_score");
    if (score && !json_is_null(score) && !json_is_number(score))
        return pki_imp_fail(im, PK_E_FEED, id, "cvss_score is not a number");
    pub = date_or_null(pub);
    /* "cvss": "3.0/AV:N/..." is the vector without its "CVSS:" */
    char vec[300] = "";
    if (cvss && *cvss)
        snprintf(vec, sizeof vec, "%s%s", strncmp(cvss, "CVSS:", 5) ? "CVSS:" : "", cvss);
    json_t *refs = json_array();
    if (!refs || (ref && *ref && json_array_append_new(refs, json_string(ref)) != 0)) {
        json_decref(refs);
        return PK_E_NOMEM;
    }
    pk_status st;
    if ((st = pki_imp_record(im, pub)) != PK_OK ||
        (st = pki_imp_advisory(im, id, desc ? desc : over, pub, NULL, NULL)) != PK_OK ||
        (st = common(im, id, cves, refs, vec[0] ? cvss_version(vec) : NULL, vec, score)) != PK_OK ||
        (sev && *sev && (st = pki_imp_rating(im, id, sev)) != PK_OK)) {
        json_decref(refs);
        return st;
    }
    json_decref(refs);
    /* platform-specific flaws: "win32", "linux" (never "all") */
    size_t nn = 0;
    note[0] = 0;
    for (size_t i = 0; i < json_array_size(envs); i++) {
        const char *e = json_string_value(json_array_get(envs, i));
        if (!strcmp(e, "all")) {
            nn = 0;
            break;
        }
        int w = snprintf(note + nn, sizeof note - nn, "%s%s", nn ? ", " : "only with ", e);
        nn = (w < 0 || (size_t)w >= sizeof note - nn) ? nn : nn + (size_t)w;
    }
    if (nn == 0)
        note[0] = 0;
    if ((st = pki_vkey_cpe("nodejs", "node.js", key, sizeof key)) != PK_OK)
        return st;
    /* one row per release line, each with its own fix */
    for (const char *p = vuln;;) {
        const char *q = strstr(p, "||");
        size_t n = q ? (size_t)(q - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        memcpy(alt, p, n);
        alt[n] = 0;
        if ((st = spec_json(n ? alt : "*", pat, spec)) != PK_OK)
            return pki_imp_fail(im, st, id, "the range does not fit in a spec");
        int has_fix = pat && core_fix(pat, n ? alt : "*", fixed, sizeof fixed) == 0;
        pki_affected a = {.id = id,
                          .key = key,
                          .scheme = "semver",
                          .spec = spec,
                          .fixed = has_fix ? fixed : NULL,
                          .note = note[0] ? note : NULL};
        if ((st = pki_imp_affected(im, &a)) != PK_OK)
            return st;
        if (!q)
            break;
        p = q + 2;
    }
    return PK_OK;
}

int pki_nswg_sniff(json_t *doc)
{
    if (!json_is_object(doc))
        return 0;
    if (json_object_get(doc, "module_name") && json_object_get(doc, "vulnerable_versions"))
        return 1;
    return json_object_get(doc, "vulnerable") && json_object_get(doc, "patched") &&
           json_object_get(doc, "cve");
}

pk_status pki_import_nswg(pki_imp *im, json_t *doc)
{
    if (!json_is_object(doc))
        return pki_imp_fail(im, PK_E_FEED, NULL, "not a JSON object");
    return json_object_get(doc, "module_name") ? imp_npm(im, doc) : imp_core(im, doc);
}
