/* Issuing: certificates (the decision is run here, so a verdict can never be
 * edited into a file), accreditations and suspensions. Payloads are compact
 * JSON; the envelope is what is signed and shipped. */
#include <openssl/rand.h>
#include <parakh/scan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"

#define FIELD_MAX 1024

static bool lab_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
            return false;
    return true;
}

static bool text_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > FIELD_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* Signs obj (compact JSON) as payload_type; consumes obj. */
static pk_status seal(json_t *obj, const char *type, const pk_key *k, char **env, size_t *envlen)
{
    if (!obj)
        return PK_E_NOMEM;
    char *body = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!body)
        return PK_E_NOMEM;
    pk_status st = pk_dsse_sign(k, type, body, strlen(body), env, envlen);
    free(body);
    return st;
}

/* The report's top-level inputs: a file's subject name is its input's last
 * path component followed by the rest of its evidence path, so no lab path
 * leaks and a name reads the same on every machine. */
static char *subject_name(const json_t *inputs, const char *vpath)
{
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        const char *in = json_string_value(json_object_get(json_array_get(inputs, i), "path"));
        size_t n = in ? strlen(in) : 0;
        if (!n || strncmp(vpath, in, n) != 0)
            continue;
        const char *rest = vpath + n;
        if (*rest && *rest != '/' && strncmp(rest, "!/", 2) != 0)
            continue;
        while (n > 1 && in[n - 1] == '/')
            n--;
        const char *base = in + n;
        while (base > in && base[-1] != '/')
            base--;
        size_t bl = (size_t)(in + n - base);
        if (*rest == '/')
            rest++; /* a file inside a directory input: "dir/bin/x" */
        size_t rl = strlen(rest);
        char *o = pki_malloc(bl + rl + 2);
        if (!o)
            return NULL;
        memcpy(o, base, bl);
        size_t at = bl;
        if (*rest && rest[0] != '!')
            o[at++] = '/';
        memcpy(o + at, rest, rl + 1);
        return o;
    }
    return pki_strdup(vpath);
}

static bool executable_type(const char *t)
{
    static const char *const X[] = {"elf",    "pe",  "mz",         "macho", "macho-fat",
                                    "script", "dex", "java-class", "wasm"};
    for (size_t i = 0; t && i < sizeof X / sizeof X[0]; i++)
        if (strcmp(t, X[i]) == 0)
            return true;
    return false;
}

/* Subjects: every top-level input file and every executable inside. */
static pk_status subjects(const char *report, size_t len, json_t **out, char *err, size_t errlen)
{
    json_error_t je;
    json_t *r = json_loadb(report, len, 0, &je), *subj = json_array();
    pk_status st = PK_OK;
    if (!r || !subj) {
        st = r ? PK_E_NOMEM : PK_E_FORMAT;
        pki_cert_err(err, errlen, "report: not JSON");
        goto out;
    }
    json_t *inputs = json_object_get(r, "inputs"), *files = json_object_get(r, "files");
    json_t *seen = json_object();
    for (size_t i = 0; seen && i < json_array_size(files); i++) {
        json_t *f = json_array_get(files, i);
        const char *vp = json_string_value(json_object_get(f, "vpath"));
        const char *sha = json_string_value(json_object_get(f, "sha256"));
        const char *kind = json_string_value(json_object_get(f, "kind"));
        const char *type = json_string_value(json_object_get(f, "type"));
        json_int_t depth = json_integer_value(json_object_get(f, "depth"));
        uint8_t d[32];
        if (!vp || !sha || !kind || strcmp(kind, "file") != 0 || pk_sha256_from_hex(sha, d) != 0 ||
            json_object_get(f, "truncated"))
            continue;
        bool top = false;
        for (size_t k = 0; k < json_array_size(inputs) && depth == 0; k++) {
            const char *in = json_string_value(json_object_get(json_array_get(inputs, k), "path"));
            top |= in && strcmp(in, vp) == 0;
        }
        if (!top && !executable_type(type))
            continue;
        char *name = subject_name(inputs, vp);
        if (!name) {
            st = PK_E_NOMEM;
            break;
        }
        if (!json_object_get(seen, name)) {
            if (json_array_size(subj) >= PK_CERT_MAX_SUBJECTS) {
                pki_cert_err(err, errlen,
                             "report: more than %u files to certify (the deliverable and its "
                             "executables); certify smaller parts",
                             PK_CERT_MAX_SUBJECTS);
                st = PK_E_LIMIT;
                pki_free(name);
                break;
            }
            json_object_set_new(seen, name, json_true());
            json_array_append_new(
                subj, json_pack("{s:s, s:{s:s}}", "name", name, "digest", "sha256", sha));
        }
        pki_free(name);
    }
    if (!seen)
        st = PK_E_NOMEM;
    json_decref(seen);
    if (st == PK_OK && json_array_size(subj) == 0) {
        pki_cert_err(err, errlen, "report: no file with a sha256 to certify");
        st = PK_E_FORMAT;
    }
out:
    json_decref(r);
    if (st != PK_OK) {
        json_decref(subj);
        subj = NULL;
    }
    *out = subj;
    return st;
}

static json_t *assessment_json(const pk_assessment *a)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return NULL;
    pk_status st = pk_assessment_write(a, "json", f);
    fclose(f);
    json_t *j = st == PK_OK ? json_loadb(buf, n, 0, NULL) : NULL;
    free(buf);
    return j;
}

/* "PSS-KEY-01, PSS-SEC-01": the requirements that rejected, for the message. */
static void rejected_by(const json_t *aj, char *o, size_t cap)
{
    o[0] = 0;
    size_t at = 0;
    json_t *reqs = json_object_get(aj, "requirements");
    for (size_t i = 0; i < json_array_size(reqs); i++) {
        json_t *q = json_array_get(reqs, i);
        const char *id = json_string_value(json_object_get(q, "id"));
        const char *s = json_string_value(json_object_get(q, "status"));
        const char *on = json_string_value(json_object_get(q, "on_fail"));
        if (!id || !s || !on || strcmp(on, "REJECT") != 0 ||
            json_is_true(json_object_get(q, "waived")))
            continue;
        if (strcmp(s, "fail") != 0 && strcmp(s, "not_evaluated") != 0)
            continue;
        int w = snprintf(o + at, cap - at, "%s%s", at ? ", " : "", id);
        if (w < 0 || (size_t)w >= cap - at)
            break;
        at += (size_t)w;
    }
    if (!at)
        snprintf(o, cap, "%s",
                 json_string_value(json_array_get(json_object_get(aj, "reasons"), 0))
                     ? json_string_value(json_array_get(json_object_get(aj, "reasons"), 0))
                     : "see parakh assess");
}

static json_t *waivers_of(const json_t *aj)
{
    json_t *o = json_array(), *ws = json_object_get(aj, "waivers");
    for (size_t i = 0; o && i < json_array_size(ws); i++) {
        json_t *w = json_array_get(ws, i);
        const char *state = json_string_value(json_object_get(w, "state"));
        if (!state || strcmp(state, "active") != 0)
            continue; /* an expired waiver changed nothing */
        const char *id = json_string_value(json_object_get(w, "requirement"));
        if (!id)
            id = json_string_value(json_object_get(json_object_get(w, "finding"), "rule_id"));
        if (!id)
            id = json_string_value(json_object_get(w, "vulnerability"));
        json_array_append_new(o, json_pack("{s:s, s:O, s:O, s:O, s:O}", "id", id ? id : "?",
                                           "justification", json_object_get(w, "justification"),
                                           "approver", json_object_get(w, "approver"), "expires",
                                           json_object_get(w, "expires"), "used",
                                           json_object_get(w, "used")));
    }
    return o;
}

static pk_status check_request(const pk_cert_request *rq, int64_t *iss, int64_t *exp, char *err,
                               size_t errlen)
{
    if (!text_ok(rq->product) || !text_ok(rq->vendor) || !text_ok(rq->version)) {
        pki_cert_err(err, errlen,
                     "product, vendor and version are required (1..%d printable "
                     "bytes)",
                     FIELD_MAX);
        return PK_E_USAGE;
    }
    if (!lab_id_ok(rq->lab)) {
        pki_cert_err(err, errlen, "lab id: 1..64 of A-Z a-z 0-9 . _ -");
        return PK_E_USAGE;
    }
    if ((rq->purl && (!text_ok(rq->purl) || strncmp(rq->purl, "pkg:", 4) != 0)) ||
        (rq->cpe && (!text_ok(rq->cpe) || strncmp(rq->cpe, "cpe:2.3:", 8) != 0))) {
        pki_cert_err(err, errlen, "purl must start with pkg:, CPE with cpe:2.3:");
        return PK_E_USAGE;
    }
    if (rq->issued ? pki_cert_time_parse(rq->issued, false, iss) != 0 || strlen(rq->issued) != 20
                   : (*iss = pki_cert_now(), 0)) {
        pki_cert_err(err, errlen, "issued: not YYYY-MM-DDTHH:MM:SSZ");
        return PK_E_USAGE;
    }
    if (rq->expires) {
        if (pki_cert_time_parse(rq->expires, true, exp) != 0) {
            pki_cert_err(err, errlen, "expires: not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
            return PK_E_USAGE;
        }
    } else {
        if (rq->valid_days < 1 || rq->valid_days > 3650) {
            pki_cert_err(err, errlen, "validity: 1..3650 days");
            return PK_E_USAGE;
        }
        *exp = *iss + (int64_t)rq->valid_days * 86400;
    }
    if (*exp <= *iss) {
        pki_cert_err(err, errlen, "expires is not after the issue time");
        return PK_E_USAGE;
    }
    if (rq->policy_date && strlen(rq->policy_date) != 10) {
        pki_cert_err(err, errlen, "policy date: not YYYY-MM-DD");
        return PK_E_USAGE;
    }
    if (!rq->sbom_path) {
        pki_cert_err(err, errlen, "an SBOM is required (its sha256 goes in the certificate)");
        return PK_E_USAGE;
    }
    return PK_OK;
}

pk_status pk_certify(const pk_cert_request *rq, const pk_profile *p, const pk_waivers *w,
                     const char *report, size_t len, const pk_key *lab_key, pk_verdict *verdict,
                     char **envelope, size_t *envlen, char *err, size_t errlen)
{
    if (!rq || !p || !report || !lab_key || !lab_key->priv || !envelope)
        return PK_E_MISUSE;
    *envelope = NULL;
    int64_t iss, exp;
    pk_status st = check_request(rq, &iss, &exp, err, errlen);
    if (st != PK_OK)
        return st;
    char issued[32], expires[32], pdate[16];
    pki_cert_time_fmt(iss, issued);
    pki_cert_time_fmt(exp, expires);
    snprintf(pdate, sizeof pdate, "%.10s", rq->policy_date ? rq->policy_date : issued);
    pk_assessment *a = NULL;
    if ((st = pk_assess(p, w, report, len, pdate, &a, err, errlen)) != PK_OK)
        return st;
    pk_verdict v = pk_assessment_verdict(a);
    if (verdict)
        *verdict = v;
    json_t *aj = assessment_json(a), *subj = NULL, *stmt = NULL;
    int score = pk_assessment_score(a);
    pk_assessment_free(a);
    if (!aj)
        return PK_E_NOMEM;
    if (v == PK_VERDICT_REJECT) {
        char by[512];
        rejected_by(aj, by, sizeof by);
        pki_cert_err(err, errlen,
                     "the verdict under %s is REJECT (%s): only APPROVE or APPROVE WITH "
                     "CONDITIONS can be certified",
                     json_string_value(json_object_get(json_object_get(aj, "profile"), "name")),
                     by);
        json_decref(aj);
        return PK_E_USAGE;
    }
    uint8_t sd[32], rd[32];
    char sbom_hex[65], rep_hex[65], uuid[40];
    unsigned char ub[16];
    if ((st = pk_sha256_file(rq->sbom_path, sd, err, errlen)) != PK_OK)
        goto out;
    pki_hex(sd, 32, sbom_hex);
    pki_cert_sha256(report, len, rd);
    pki_hex(rd, 32, rep_hex);
    if (RAND_bytes(ub, sizeof ub) != 1) {
        st = PK_E_INTERNAL;
        goto out;
    }
    pki_uuid_format(ub, 4, uuid);
    if ((st = subjects(report, len, &subj, err, errlen)) != PK_OK)
        goto out;
    json_t *prof = json_object_get(aj, "profile");
    json_t *product = json_pack("{s:s, s:s, s:s}", "name", rq->product, "vendor", rq->vendor,
                                "version", rq->version);
    if (product && rq->purl)
        json_object_set_new(product, "purl", json_string(rq->purl));
    if (product && rq->cpe)
        json_object_set_new(product, "cpe", json_string(rq->cpe));
    json_t *conds = json_array();
    json_t *ac = json_object_get(aj, "conditions");
    for (size_t i = 0; conds && i < json_array_size(ac); i++) {
        json_t *c = json_array_get(ac, i);
        json_t *o = json_pack("{s:O, s:O}", "requirement", json_object_get(c, "requirement"),
                              "text", json_object_get(c, "text"));
        if (o && json_is_array(json_object_get(c, "also")))
            json_object_set(o, "also", json_object_get(c, "also"));
        json_array_append_new(conds, o);
    }
    json_t *pred = json_pack(
        "{s:s, s:o, s:{s:O, s:O}, s:s, s:s, s:o, s:o, s:i, s:{s:{s:s}}, s:{s:{s:s}}, s:s, s:s, "
        "s:s, s:{s:s, s:s}}",
        "certificate_id", uuid, "product", product, "profile", "name",
        json_object_get(prof, "name"), "version", json_object_get(prof, "version"), "policy_date",
        pdate, "verdict", pk_verdict_str(v), "conditions", conds, "waivers", waivers_of(aj),
        "risk_score", score, "sbom", "digest", "sha256", sbom_hex, "report", "digest", "sha256",
        rep_hex, "lab", rq->lab, "issued", issued, "expires", expires, "tool", "name", "parakh",
        "version", pk_version());
    stmt = json_pack("{s:s, s:O, s:s, s:o}", "_type", "https://in-toto.io/Statement/v1", "subject",
                     subj, "predicateType", PK_CERT_PREDICATE_TYPE, "predicate", pred);
    st = seal(stmt, PK_CERT_PAYLOAD_TYPE, lab_key, envelope, envlen);
    stmt = NULL;
    if (st == PK_OK && envlen && *envlen > PK_CERT_MAX_ENVELOPE) {
        pki_cert_err(err, errlen, "the certificate would be %zu bytes, over %u", *envlen,
                     PK_CERT_MAX_ENVELOPE);
        pki_free(*envelope);
        *envelope = NULL;
        st = PK_E_LIMIT;
    }
out:
    json_decref(subj);
    json_decref(aj);
    return st;
}

static pk_status when(const char *s, bool end, int64_t dflt, int64_t *out, const char *what,
                      char *err, size_t errlen)
{
    if (!s) {
        *out = dflt;
        return PK_OK;
    }
    if (pki_cert_time_parse(s, end, out) == 0)
        return PK_OK;
    pki_cert_err(err, errlen, "%s: not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", what);
    return PK_E_USAGE;
}

pk_status pk_accredit(const pk_accreditation_request *rq, const pk_key *root, char **envelope,
                      size_t *envlen, char *err, size_t errlen)
{
    if (!rq || !rq->lab_key || !root || !root->priv || !envelope)
        return PK_E_MISUSE;
    *envelope = NULL;
    const char *cc = rq->country ? rq->country : "";
    if (!lab_id_ok(rq->lab) || !text_ok(rq->name) || strlen(cc) != 2 || cc[0] < 'A' ||
        cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
        pki_cert_err(err, errlen,
                     "accreditation needs a lab id (A-Z a-z 0-9 . _ -), a name and "
                     "an ISO 3166-1 alpha-2 country (upper case)");
        return PK_E_USAGE;
    }
    int64_t now = pki_cert_now(), from, until;
    pk_status st = when(rq->from, false, now, &from, "from", err, errlen);
    if (st == PK_OK)
        st = when(rq->until, true, from + 730 * 86400LL, &until, "until", err, errlen);
    if (st != PK_OK)
        return st;
    if (until <= from) {
        pki_cert_err(err, errlen, "until is not after from");
        return PK_E_USAGE;
    }
    char f[32], u[32], n[32], *pem = NULL;
    pki_cert_time_fmt(from, f);
    pki_cert_time_fmt(until, u);
    pki_cert_time_fmt(now, n);
    if ((st = pk_key_public_pem(rq->lab_key, &pem)) != PK_OK)
        return st;
    json_t *o = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:s, s:s}", "_type",
                          "urn:parakh:accreditation:v1", "lab", "id", rq->lab, "name", rq->name,
                          "country", cc, "key", "keyid", rq->lab_key->keyid, "algorithm", "ed25519",
                          "public_key", pem, "valid_from", f, "valid_until", u, "issued", n);
    pki_free(pem);
    return seal(o, PK_ACCR_PAYLOAD_TYPE, root, envelope, envlen);
}

pk_status pk_suspend(const char *lab, const char *from, const char *reason, const pk_key *root,
                     char **envelope, size_t *envlen, char *err, size_t errlen)
{
    if (!root || !root->priv || !envelope)
        return PK_E_MISUSE;
    *envelope = NULL;
    if (!lab_id_ok(lab) || !text_ok(reason)) {
        pki_cert_err(err, errlen, "suspension needs a lab id and a reason (1..%d printable bytes)",
                     FIELD_MAX);
        return PK_E_USAGE;
    }
    int64_t now = pki_cert_now(), t;
    pk_status st = when(from, false, now, &t, "from", err, errlen);
    if (st != PK_OK)
        return st;
    char f[32], n[32];
    pki_cert_time_fmt(t, f);
    pki_cert_time_fmt(now, n);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "_type", "urn:parakh:suspension:v1", "lab",
                          lab, "suspended_from", f, "reason", reason, "issued", n);
    return seal(o, PK_SUSP_PAYLOAD_TYPE, root, envelope, envlen);
}
