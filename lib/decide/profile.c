/* Policy profiles and waiver files: read, and checked strictly (unknown keys
 * and wrong types are refused, so a typo cannot turn a test into a pass).
 * The JSON Schemas docs/profile.schema.json and docs/waivers.schema.json say
 * the same in another form; tests check the shipped profiles against both. */
#include "decide_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/rulefiles.h"

const char *const pki_test_names[PKI_T_COUNT] = {
    "no_findings",
    "no_vulns",
    "ratio",
    "all_signed",
    "no_endpoints_outside_allowed",
    "requires_fips_module",
    "no_crypto_status",
};

static const char *const shipped[] = {"pss-baseline", "pss-crypto", "pss-critical"};

const char *pk_profile_names(void)
{
    return "pss-baseline, pss-crypto, pss-critical";
}

const char *pki_jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const json_t *pki_jarr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_array(v) ? v : NULL;
}

const json_t *pki_jobj(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_object(v) ? v : NULL;
}

const json_t *pki_jpath(const json_t *o, const char *path)
{
    char key[128];
    const char *p = path;
    for (int depth = 0; depth < 8 && o; depth++) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0 || n >= sizeof key || !json_is_object(o))
            return NULL;
        memcpy(key, p, n);
        key[n] = 0;
        o = json_object_get(o, key);
        if (!dot)
            return o;
        p = dot + 1;
    }
    return NULL;
}

int pki_dec_date_valid(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

int pki_waiver_active(const pki_waiver *w, const char *date)
{
    /* a waiver counts through its expiry day; ISO dates compare as text */
    return strcmp(w->expires, date) >= 0;
}

/* Refuses keys outside allowed (a NULL-terminated list). */
int pki_dec_only_keys(const json_t *o, const char *const *allowed, const char *where, char *err,
                      size_t errlen)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok) {
            pki_dec_err(err, errlen, "%s: unknown key '%.64s'", where, k);
            return -1;
        }
    }
    return 0;
}

int pki_dec_need_str(const json_t *o, const char *key, int required, const char *where,
                     const char **out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v && !required)
        return 0;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 4096) {
        pki_dec_err(err, errlen, "%s: '%s' must be a non-empty string (up to 4096 bytes)", where,
                    key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int pki_dec_id_ok(const char *s)
{
    /* PSS-CRY-01: letters, digits, '-', '_', '.'; starts with a letter */
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static int str_array(const json_t *a, const char *const *values, int nonempty, const char *where,
                     char *err, size_t errlen)
{
    size_t i;
    const json_t *v;
    if (!json_is_array(a) || (nonempty && json_array_size(a) == 0) || json_array_size(a) > 256) {
        pki_dec_err(err, errlen, "%s must be an array of strings (1..256)", where);
        return -1;
    }
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0) {
            pki_dec_err(err, errlen, "%s[%zu] must be a non-empty string", where, i);
            return -1;
        }
        int ok = !values;
        for (size_t k = 0; values && values[k] && !ok; k++)
            ok = strcmp(json_string_value(v), values[k]) == 0;
        if (!ok) {
            pki_dec_err(err, errlen, "%s[%zu]: unknown value '%.64s'", where, i,
                        json_string_value(v));
            return -1;
        }
    }
    return 0;
}

static int sev_ok(const json_t *o, const char *key, const char *where, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    pk_severity s;
    if (v && (!json_is_string(v) || pk_severity_parse(json_string_value(v), &s) != 0)) {
        pki_dec_err(err, errlen, "%s: '%s' must be info, low, medium, high or critical", where,
                    key);
        return -1;
    }
    return 0;
}

static int num_ok(const json_t *o, const char *key, double lo, double hi, int required,
                  const char *where, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    if (!v && !required)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
        pki_dec_err(err, errlen, "%s: '%s' must be a number in %g..%g", where, key, lo, hi);
        return -1;
    }
    return 0;
}

static int bool_ok(const json_t *o, const char *key, const char *where, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    if (v && !json_is_boolean(v)) {
        pki_dec_err(err, errlen, "%s: '%s' must be true or false", where, key);
        return -1;
    }
    return 0;
}

/* A ratio test's where/require: dotted path -> scalar or array of scalars. */
static int conds_ok(const json_t *o, int required, const char *where, char *err, size_t errlen)
{
    if (!o && !required)
        return 0;
    if (!json_is_object(o) || (required && json_object_size(o) == 0) ||
        json_object_size(o) > PKI_DEC_MAX_CONDS) {
        pki_dec_err(err, errlen, "%s must be an object of 1..%d fact paths", where,
                    PKI_DEC_MAX_CONDS);
        return -1;
    }
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        size_t kl = strlen(k);
        if (kl == 0 || kl > 120 || k[0] == '.' || k[kl - 1] == '.' || strstr(k, "..")) {
            pki_dec_err(err, errlen, "%s: bad fact path '%.64s'", where, k);
            return -1;
        }
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        if (n == 0 || n > 32) {
            pki_dec_err(err, errlen, "%s.%s: 1..32 values", where, k);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            const json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
            if (!json_is_string(x) && !json_is_boolean(x) && !json_is_integer(x)) {
                pki_dec_err(err, errlen, "%s.%s: values are strings, booleans or integers", where,
                            k);
                return -1;
            }
        }
    }
    return 0;
}

static const char *const statuses[] = {"approved",     "deprecated", "disallowed", "legacy-use",
                                       "not-approved", "national",   "unknown",    NULL};
static const char *const akinds[] = {"algorithm", "protocol", "certificate",
                                     "key",       "library",  NULL};

static int test_ok(pki_req *r, const json_t *t, const char *w, char *err, size_t errlen)
{
    if (!json_is_object(t) || json_object_size(t) != 1) {
        pki_dec_err(err, errlen, "%s: 'test' must be an object with exactly one test", w);
        return -1;
    }
    const char *name = json_object_iter_key(json_object_iter((json_t *)t));
    const json_t *p = json_object_iter_value(json_object_iter((json_t *)t));
    int k = 0;
    while (k < PKI_T_COUNT && strcmp(name, pki_test_names[k]) != 0)
        k++;
    if (k == PKI_T_COUNT) {
        pki_dec_err(err, errlen, "%s: unknown test '%.64s' (docs/decision.md lists them)", w, name);
        return -1;
    }
    if (!json_is_object(p)) {
        pki_dec_err(err, errlen, "%s: the parameters of %s must be an object", w, name);
        return -1;
    }
    r->kind = (pki_test_kind)k;
    r->param = p;
    char where[160];
    snprintf(where, sizeof where, "%s: %s", w, name);
    const char *s;
    switch (r->kind) {
    case PKI_T_NO_FINDINGS: {
        static const char *const keys[] = {
            "rule",    "rule_prefix", "min_severity", "max_severity", "min_confidence",
            "section", NULL};
        const char *a, *b;
        if (pki_dec_only_keys(p, keys, where, err, errlen) ||
            pki_dec_need_str(p, "rule", 0, where, &a, err, errlen) ||
            pki_dec_need_str(p, "rule_prefix", 0, where, &b, err, errlen) ||
            sev_ok(p, "min_severity", where, err, errlen) ||
            sev_ok(p, "max_severity", where, err, errlen) ||
            num_ok(p, "min_confidence", 0, 100, 0, where, err, errlen) ||
            pki_dec_need_str(p, "section", 0, where, &s, err, errlen))
            return -1;
        if (!a == !b) {
            pki_dec_err(err, errlen, "%s: give exactly one of 'rule' and 'rule_prefix'", where);
            return -1;
        }
        return 0;
    }
    case PKI_T_NO_VULNS: {
        static const char *const keys[] = {"kev",         "cvss_min",     "epss_min",
                                           "without_fix", "min_severity", NULL};
        return pki_dec_only_keys(p, keys, where, err, errlen) ||
                       bool_ok(p, "kev", where, err, errlen) ||
                       bool_ok(p, "without_fix", where, err, errlen) ||
                       num_ok(p, "cvss_min", 0, 10, 0, where, err, errlen) ||
                       num_ok(p, "epss_min", 0, 1, 0, where, err, errlen) ||
                       sev_ok(p, "min_severity", where, err, errlen)
                   ? -1
                   : 0;
    }
    case PKI_T_RATIO: {
        static const char *const keys[] = {"of", "where", "require", "min", NULL};
        static const char *const ofs[] = {"elf", "pe", "macho", NULL};
        if (pki_dec_only_keys(p, keys, where, err, errlen) ||
            pki_dec_need_str(p, "of", 1, where, &s, err, errlen) ||
            conds_ok(json_object_get(p, "where"), 0, "where", err, errlen) ||
            conds_ok(json_object_get(p, "require"), 1, "require", err, errlen) ||
            num_ok(p, "min", 0, 1, 1, where, err, errlen))
            return -1;
        for (size_t i = 0; ofs[i]; i++)
            if (strcmp(s, ofs[i]) == 0)
                return 0;
        pki_dec_err(err, errlen, "%s: 'of' must be elf, pe or macho", where);
        return -1;
    }
    case PKI_T_ALL_SIGNED: {
        static const char *const keys[] = {"of", NULL};
        if (pki_dec_only_keys(p, keys, where, err, errlen) ||
            pki_dec_need_str(p, "of", 1, where, &s, err, errlen))
            return -1;
        if (strcmp(s, "pe") != 0) {
            pki_dec_err(err, errlen, "%s: 'of' must be pe (the only signature facts parakh has)",
                        where);
            return -1;
        }
        return 0;
    }
    case PKI_T_NO_ENDPOINTS: {
        static const char *const keys[] = {"allowed", "unknown_country", NULL};
        static const char *const unk[] = {"ignore", "fail", NULL};
        const json_t *u = json_object_get(p, "unknown_country");
        if (pki_dec_only_keys(p, keys, where, err, errlen) ||
            str_array(json_object_get(p, "allowed"), NULL, 1, "allowed", err, errlen))
            return -1;
        if (u && (!json_is_string(u) || (strcmp(json_string_value(u), unk[0]) != 0 &&
                                         strcmp(json_string_value(u), unk[1]) != 0))) {
            pki_dec_err(err, errlen, "%s: 'unknown_country' must be ignore or fail", where);
            return -1;
        }
        size_t i;
        const json_t *c;
        json_array_foreach(json_object_get(p, "allowed"), i, c)
        {
            const char *cc = json_string_value(c);
            if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
                pki_dec_err(err, errlen, "%s: allowed[%zu] must be an ISO 3166 alpha-2 code", where,
                            i);
                return -1;
            }
        }
        return 0;
    }
    case PKI_T_FIPS: {
        static const char *const keys[] = {"active_only", NULL};
        return pki_dec_only_keys(p, keys, where, err, errlen) ||
                       bool_ok(p, "active_only", where, err, errlen)
                   ? -1
                   : 0;
    }
    case PKI_T_NO_CRYPTO_STATUS: {
        static const char *const keys[] = {"status", "kinds", "exclude_how", NULL};
        const json_t *kd = json_object_get(p, "kinds"), *ex = json_object_get(p, "exclude_how");
        return pki_dec_only_keys(p, keys, where, err, errlen) ||
                       str_array(json_object_get(p, "status"), statuses, 1, "status", err,
                                 errlen) ||
                       (kd && str_array(kd, akinds, 1, "kinds", err, errlen)) ||
                       (ex && str_array(ex, NULL, 1, "exclude_how", err, errlen))
                   ? -1
                   : 0;
    }
    default:
        return -1;
    }
}

static pk_status profile_from(json_t *doc, const char *label, pk_profile **out, char *err,
                              size_t errlen)
{
    static const char *const top[] = {"$schema",      "profile",     "version",
                                      "title",        "description", "when_not_evaluated",
                                      "requirements", NULL};
    static const char *const rkeys[] = {"id",   "title",    "clause",    "severity", "on_fail",
                                        "test", "question", "rationale", NULL};
    pk_profile *p = pki_calloc(1, sizeof *p);
    if (!p) {
        json_decref(doc);
        return PK_E_NOMEM;
    }
    p->doc = doc;
    const char *ne = NULL, *desc;
    const json_t *reqs = json_object_get(doc, "requirements");
    if (!json_is_object(doc)) {
        pki_dec_err(err, errlen, "%s: a profile is a JSON object", label);
        goto bad;
    }
    if (pki_dec_only_keys(doc, top, label, err, errlen) ||
        pki_dec_need_str(doc, "profile", 1, label, &p->name, err, errlen) ||
        pki_dec_need_str(doc, "version", 1, label, &p->version, err, errlen) ||
        pki_dec_need_str(doc, "title", 1, label, &p->title, err, errlen) ||
        pki_dec_need_str(doc, "description", 0, label, &desc, err, errlen) ||
        pki_dec_need_str(doc, "when_not_evaluated", 0, label, &ne, err, errlen))
        goto bad;
    if (!pki_dec_id_ok(p->name)) {
        pki_dec_err(err, errlen, "%s: bad profile name", label);
        goto bad;
    }
    if (ne && strcmp(ne, "REJECT") != 0 && strcmp(ne, "CONDITIONS") != 0) {
        pki_dec_err(err, errlen, "%s: when_not_evaluated must be REJECT or CONDITIONS", label);
        goto bad;
    }
    p->ne_reject = ne && strcmp(ne, "REJECT") == 0;
    if (!json_is_array(reqs) || json_array_size(reqs) == 0 ||
        json_array_size(reqs) > PKI_DEC_MAX_REQS) {
        pki_dec_err(err, errlen, "%s: 'requirements' must be an array of 1..%d", label,
                    PKI_DEC_MAX_REQS);
        goto bad;
    }
    p->n = json_array_size(reqs);
    p->reqs = pki_calloc(p->n, sizeof *p->reqs);
    if (!p->reqs) {
        pk_profile_free(p);
        return PK_E_NOMEM;
    }
    for (size_t i = 0; i < p->n; i++) {
        const json_t *r = json_array_get(reqs, i);
        pki_req *q = &p->reqs[i];
        char w[128];
        snprintf(w, sizeof w, "%.60s: requirements[%zu]", label, i);
        const char *sev, *onf, *rat;
        if (!json_is_object(r)) {
            pki_dec_err(err, errlen, "%s: must be an object", w);
            goto bad;
        }
        if (pki_dec_only_keys(r, rkeys, w, err, errlen) ||
            pki_dec_need_str(r, "id", 1, w, &q->id, err, errlen))
            goto bad;
        snprintf(w, sizeof w, "%.60s: %.64s", label, q->id);
        if (pki_dec_need_str(r, "title", 1, w, &q->title, err, errlen) ||
            pki_dec_need_str(r, "clause", 1, w, &q->clause, err, errlen) ||
            pki_dec_need_str(r, "severity", 1, w, &sev, err, errlen) ||
            pki_dec_need_str(r, "on_fail", 1, w, &onf, err, errlen) ||
            pki_dec_need_str(r, "question", 0, w, &q->question, err, errlen) ||
            pki_dec_need_str(r, "rationale", 0, w, &rat, err, errlen) ||
            sev_ok(r, "severity", w, err, errlen))
            goto bad;
        if (!pki_dec_id_ok(q->id)) {
            pki_dec_err(err, errlen, "%s: bad requirement id", w);
            goto bad;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->reqs[k].id, q->id) == 0) {
                pki_dec_err(err, errlen, "%s: requirement id given twice", w);
                goto bad;
            }
        pk_severity_parse(sev, &q->severity);
        if (strcmp(onf, "REJECT") != 0 && strcmp(onf, "CONDITIONS") != 0) {
            pki_dec_err(err, errlen, "%s: on_fail must be REJECT or CONDITIONS", w);
            goto bad;
        }
        q->reject = strcmp(onf, "REJECT") == 0;
        if (test_ok(q, json_object_get(r, "test"), w, err, errlen))
            goto bad;
    }
    *out = p;
    return PK_OK;
bad:
    pk_profile_free(p);
    return PK_E_FORMAT;
}

/* Reads JSON text (exported to waivers.c), refusing duplicate keys (two values for one key would
 * let a profile say two things). */
json_t *pki_dec_parse(const char *buf, size_t len, const char *label, char *err, size_t errlen)
{
    json_error_t je;
    if (len > PKI_DEC_MAX_FILE) {
        pki_dec_err(err, errlen, "%s: larger than %u bytes", label, PKI_DEC_MAX_FILE);
        return NULL;
    }
    json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        pki_dec_err(err, errlen, "%s:%d:%d: %s", label, je.line, je.column, je.text);
    return doc;
}

pk_status pk_profile_parse(const char *buf, size_t len, const char *label, pk_profile **out,
                           char *err, size_t errlen)
{
    if (!out || (!buf && len))
        return PK_E_MISUSE;
    *out = NULL;
    label = label ? label : "profile";
    json_t *doc = pki_dec_parse(buf ? buf : "", len, label, err, errlen);
    return doc ? profile_from(doc, label, out, err, errlen) : PK_E_FORMAT;
}

/* Reads a whole file of at most PKI_DEC_MAX_FILE bytes (or max). */
static pk_status slurp(const char *path, size_t max, char **buf, size_t *len, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pki_dec_err(err, errlen, "%s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    size_t cap = 65536, n = 0;
    char *b = pki_malloc(cap + 1);
    while (b) {
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        if (cap >= max) {
            pki_free(b);
            fclose(f);
            pki_dec_err(err, errlen, "%s: larger than %zu bytes", path, max);
            return PK_E_USAGE;
        }
        size_t ncap = cap * 2 > max ? max : cap * 2;
        char *nb = pki_realloc(b, ncap + 1);
        if (!nb) {
            pki_free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap = ncap;
    }
    int ioerr = ferror(f);
    fclose(f);
    if (!b)
        return PK_E_NOMEM;
    if (ioerr) {
        pki_free(b);
        pki_dec_err(err, errlen, "%s: read error", path);
        return PK_E_IO;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return PK_OK;
}

pk_status pki_dec_slurp(const char *path, size_t max, char **buf, size_t *len, char *err,
                        size_t errlen)
{
    return slurp(path, max, buf, len, err, errlen);
}

pk_status pk_profile_load(const char *name_or_path, pk_profile **out, char *err, size_t errlen)
{
    if (!name_or_path || !out)
        return PK_E_MISUSE;
    *out = NULL;
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        if (strcmp(name_or_path, shipped[i]) != 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "profiles/%s.json", shipped[i]);
        const pki_rulefile *rf = pki_rulefile_get(path);
        if (!rf)
            return PK_E_INTERNAL;
        return pk_profile_parse((const char *)rf->data, rf->len, path, out, err, errlen);
    }
    if (!strchr(name_or_path, '/') && !strchr(name_or_path, '.')) {
        pki_dec_err(err, errlen, "unknown profile '%.64s' (shipped: %s; or give a file)",
                    name_or_path, pk_profile_names());
        return PK_E_USAGE;
    }
    char *buf;
    size_t len;
    pk_status st = slurp(name_or_path, PKI_DEC_MAX_FILE, &buf, &len, err, errlen);
    if (st != PK_OK)
        return st;
    st = pk_profile_parse(buf, len, name_or_path, out, err, errlen);
    pki_free(buf);
    return st;
}

void pk_profile_free(pk_profile *p)
{
    if (!p)
        return;
    json_decref(p->doc);
    pki_free(p->reqs);
    pki_free(p);
}
