/* The certificate parser: envelope, in-toto Statement v1 and the parakh
 * predicate (docs/certificate.schema.json), every member type-checked and
 * bounded. A parsed certificate is not yet trusted: pk_cert_verify is. */
#include <stdio.h>
#include <string.h>

#include "cert/verify_int.h"

#define MAX_CONDITIONS 1024
#define MAX_WAIVERS    1024
#define NAME_MAX_LEN   4096

static const char *const FIELD_NAMES[F_NFIELDS] = {
    "certificate_id",  "product",     "vendor",  "version", "purl",   "cpe",     "profile",
    "profile_version", "policy_date", "verdict", "lab",     "issued", "expires", "sbom_sha256"};

void pk_cert_free(pk_cert *c)
{
    if (!c)
        return;
    pki_dsse_clear(&c->env);
    json_decref(c->stmt);
    pki_free(c->subj);
    for (size_t i = 0; i < c->ncond; i++)
        pki_free(c->cond[i]);
    pki_free(c->cond);
    pki_free(c);
}

static pk_status parse_subjects(pk_cert *c, json_t *subj, char *err, size_t errlen)
{
    size_t n = json_array_size(subj);
    if (!json_is_array(subj) || n == 0 || n > PK_CERT_MAX_SUBJECTS) {
        pki_cert_err(err, errlen, "statement: \"subject\" must be an array of 1..%u",
                     PK_CERT_MAX_SUBJECTS);
        return PK_E_FORMAT;
    }
    if (!(c->subj = pki_calloc(n, sizeof *c->subj)))
        return PK_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(subj, i);
        char label[48];
        snprintf(label, sizeof label, "subject %zu", i);
        json_t *dg = json_object_get(s, "digest");
        const char *name = json_is_object(s)
                               ? pki_cert_str(s, "name", NAME_MAX_LEN, false, label, err, errlen)
                               : NULL;
        const char *sha = name && json_is_object(dg)
                              ? pki_cert_str(dg, "sha256", 64, false, label, err, errlen)
                              : NULL;
        if (!sha || !pki_is_hex64(sha)) {
            if (name && sha)
                pki_cert_err(err, errlen, "%s: digest.sha256 is not 64 lowercase hex", label);
            else if (!name || !json_is_object(dg))
                pki_cert_err(err, errlen, "%s: needs name and digest.sha256", label);
            return PK_E_FORMAT;
        }
        c->subj[i].name = name;
        pk_sha256_from_hex(sha, c->subj[i].d);
        c->nsubj = i + 1;
    }
    return PK_OK;
}

static pk_status parse_conditions(pk_cert *c, json_t *a, char *err, size_t errlen)
{
    size_t n = json_array_size(a);
    if (!json_is_array(a) || n > MAX_CONDITIONS) {
        pki_cert_err(err, errlen, "predicate: \"conditions\" must be an array of <= %d",
                     MAX_CONDITIONS);
        return PK_E_FORMAT;
    }
    if (n && !(c->cond = pki_calloc(n, sizeof *c->cond)))
        return PK_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(a, i);
        const char *q = json_is_object(o)
                            ? pki_cert_str(o, "requirement", 256, false, "condition", err, errlen)
                            : NULL;
        const char *t = q ? pki_cert_str(o, "text", 8192, false, "condition", err, errlen) : NULL;
        if (!t) {
            if (!json_is_object(o))
                pki_cert_err(err, errlen, "predicate: condition %zu is not an object", i);
            return PK_E_FORMAT;
        }
        size_t l = strlen(q) + strlen(t) + 3;
        if (!(c->cond[i] = pki_malloc(l)))
            return PK_E_NOMEM;
        snprintf(c->cond[i], l, "%s: %s", q, t);
        c->ncond = i + 1;
    }
    return PK_OK;
}

static pk_status parse_predicate(pk_cert *c, json_t *p, char *err, size_t errlen)
{
    const char *L = "predicate";
    json_t *prod = json_object_get(p, "product"), *prof = json_object_get(p, "profile"),
           *sbom = json_object_get(p, "sbom"), *w = json_object_get(p, "waivers");
    json_t *sd = json_object_get(sbom, "digest");
    if (!json_is_object(prod) || !json_is_object(prof) || !json_is_object(sd)) {
        pki_cert_err(err, errlen, "%s: product, profile and sbom.digest objects required", L);
        return PK_E_FORMAT;
    }
    struct {
        json_t *o;
        const char *key;
        size_t max;
        bool opt;
    } spec[F_NFIELDS] = {
        [F_CERT_ID] = {p, "certificate_id", 64, false},
        [F_PRODUCT] = {prod, "name", 1024, false},
        [F_VENDOR] = {prod, "vendor", 1024, false},
        [F_VERSION] = {prod, "version", 1024, false},
        [F_PURL] = {prod, "purl", 1024, true},
        [F_CPE] = {prod, "cpe", 1024, true},
        [F_PROFILE] = {prof, "name", 256, false},
        [F_PROFILE_VERSION] = {prof, "version", 64, false},
        [F_POLICY_DATE] = {p, "policy_date", 10, false},
        [F_VERDICT] = {p, "verdict", 32, false},
        [F_LAB] = {p, "lab", 64, false},
        [F_ISSUED] = {p, "issued", 20, false},
        [F_EXPIRES] = {p, "expires", 20, false},
        [F_SBOM] = {sd, "sha256", 64, false},
    };
    for (int i = 0; i < F_NFIELDS; i++) {
        if (spec[i].opt && !json_object_get(spec[i].o, spec[i].key))
            continue;
        c->f[i] = pki_cert_str(spec[i].o, spec[i].key, spec[i].max, false, L, err, errlen);
        if (!c->f[i])
            return PK_E_FORMAT;
    }
    c->lab = c->f[F_LAB];
    const char *v = c->f[F_VERDICT];
    if (strcmp(v, "APPROVE") != 0 && strcmp(v, "APPROVE WITH CONDITIONS") != 0) {
        pki_cert_err(err, errlen, "%s: verdict \"%s\" cannot be certified", L, v);
        return PK_E_FORMAT;
    }
    if (!pki_is_hex64(c->f[F_SBOM])) {
        pki_cert_err(err, errlen, "%s: sbom.digest.sha256 is not 64 lowercase hex", L);
        return PK_E_FORMAT;
    }
    if (strlen(c->f[F_ISSUED]) != 20 || strlen(c->f[F_EXPIRES]) != 20 ||
        pki_cert_time_parse(c->f[F_ISSUED], false, &c->issued) != 0 ||
        pki_cert_time_parse(c->f[F_EXPIRES], false, &c->expires) != 0 || c->expires <= c->issued) {
        pki_cert_err(err, errlen, "%s: issued < expires, both YYYY-MM-DDTHH:MM:SSZ", L);
        return PK_E_FORMAT;
    }
    if (w && (!json_is_array(w) || json_array_size(w) > MAX_WAIVERS)) {
        pki_cert_err(err, errlen, "%s: \"waivers\" must be an array of <= %d", L, MAX_WAIVERS);
        return PK_E_FORMAT;
    }
    for (size_t i = 0; i < json_array_size(w); i++) {
        json_t *o = json_array_get(w, i);
        if (!json_is_object(o) || !pki_cert_str(o, "id", 256, false, "waiver", err, errlen) ||
            !pki_cert_str(o, "justification", 8192, false, "waiver", err, errlen) ||
            !pki_cert_str(o, "approver", 1024, false, "waiver", err, errlen) ||
            !pki_cert_str(o, "expires", 10, false, "waiver", err, errlen)) {
            if (!json_is_object(o))
                pki_cert_err(err, errlen, "%s: waiver %zu is not an object", L, i);
            return PK_E_FORMAT;
        }
    }
    return parse_conditions(c, json_object_get(p, "conditions"), err, errlen);
}

pk_status pk_cert_parse(const char *buf, size_t len, pk_cert **out, char *err, size_t errlen)
{
    if (!out || (!buf && len))
        return PK_E_MISUSE;
    *out = NULL;
    pk_cert *c = pki_calloc(1, sizeof *c);
    if (!c)
        return PK_E_NOMEM;
    pk_status st = pki_dsse_parse(buf, len, PK_CERT_MAX_ENVELOPE, &c->env, err, errlen);
    if (st != PK_OK)
        goto fail;
    st = PK_E_FORMAT;
    if (strcmp(c->env.type, PK_CERT_PAYLOAD_TYPE) != 0) {
        pki_cert_err(err, errlen, "envelope: payloadType \"%.100s\" is not %s", c->env.type,
                     PK_CERT_PAYLOAD_TYPE);
        goto fail;
    }
    size_t pl = 0;
    uint8_t *pae = pki_cert_pae(c->env.type, c->env.body, c->env.bodylen, &pl), h[32];
    if (!pae) {
        st = PK_E_NOMEM;
        goto fail;
    }
    pki_cert_sha256(pae, pl, h);
    pki_free(pae);
    pki_hex(h, 32, c->digest);
    c->stmt = pki_cert_json((const char *)c->env.body, c->env.bodylen, PK_CERT_MAX_ENVELOPE,
                            "statement", err, errlen);
    if (!c->stmt)
        goto fail;
    const char *ty = pki_cert_str(c->stmt, "_type", 64, false, "statement", err, errlen);
    const char *pt =
        ty ? pki_cert_str(c->stmt, "predicateType", 256, false, "statement", err, errlen) : NULL;
    if (!pt)
        goto fail;
    if (strcmp(ty, "https://in-toto.io/Statement/v1") != 0 ||
        strcmp(pt, PK_CERT_PREDICATE_TYPE) != 0) {
        pki_cert_err(err, errlen,
                     "statement: _type must be https://in-toto.io/Statement/v1 and "
                     "predicateType " PK_CERT_PREDICATE_TYPE);
        goto fail;
    }
    json_t *pred = json_object_get(c->stmt, "predicate");
    if (!json_is_object(pred)) {
        pki_cert_err(err, errlen, "statement: \"predicate\" is not an object");
        goto fail;
    }
    if ((st = parse_subjects(c, json_object_get(c->stmt, "subject"), err, errlen)) != PK_OK ||
        (st = parse_predicate(c, pred, err, errlen)) != PK_OK)
        goto fail;
    *out = c;
    return PK_OK;
fail:
    pk_cert_free(c);
    return st;
}

const char *pk_cert_field(const pk_cert *c, const char *name)
{
    for (int i = 0; c && name && i < F_NFIELDS; i++)
        if (strcmp(FIELD_NAMES[i], name) == 0)
            return c->f[i];
    return NULL;
}

const char *pk_cert_digest(const pk_cert *c)
{
    return c ? c->digest : NULL;
}

size_t pk_cert_conditions(const pk_cert *c)
{
    return c ? c->ncond : 0;
}

const char *pk_cert_condition(const pk_cert *c, size_t i)
{
    return c && i < c->ncond ? c->cond[i] : NULL;
}

size_t pk_cert_subjects(const pk_cert *c)
{
    return c ? c->nsubj : 0;
}

const char *pk_cert_subject(const pk_cert *c, size_t i, const char **sha256_hex)
{
    if (!c || i >= c->nsubj)
        return NULL;
    if (sha256_hex) {
        json_t *s = json_array_get(json_object_get(c->stmt, "subject"), i);
        *sha256_hex = json_string_value(json_object_get(json_object_get(s, "digest"), "sha256"));
    }
    return c->subj[i].name;
}
