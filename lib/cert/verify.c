/* Verification: a parsed certificate checked against a trust store (root
 * key, root-signed accreditations and suspensions) for one file digest and
 * one date. Each step has one state; the order is docs/certificate.md's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cert/cert_int.h"
#include "cert/verify_int.h"

const char *pk_cert_state_str(pk_cert_state s)
{
    static const char *const N[] = {
        "VALID",         "NOT CERTIFIED", "EXPIRED", "LAB SUSPENDED", "NOT ACCREDITED",
        "BAD SIGNATURE", "MALFORMED",     "REVOKED", "SUPERSEDED",    "LOG INCONSISTENT"};
    return (unsigned)s < sizeof N / sizeof N[0] ? N[s] : "UNKNOWN";
}

pk_status pk_trust_new(const pk_key *root, pk_trust **out)
{
    if (!root || !out)
        return PK_E_MISUSE;
    *out = NULL;
    pk_trust *t = pki_calloc(1, sizeof *t);
    if (!t)
        return PK_E_NOMEM;
    /* a public copy: the trust store never holds the root's private half */
    pk_status st = pki_key_public_copy(root, &t->root);
    if (st != PK_OK) {
        pki_free(t);
        return st;
    }
    *out = t;
    return PK_OK;
}

void pk_trust_free(pk_trust *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->na; i++)
        pk_key_free(t->accr[i].key);
    pki_free(t->accr);
    pki_free(t->susp);
    pk_key_free(t->root);
    pki_free(t);
}

static pk_status add_accr(pk_trust *t, json_t *j, char *err, size_t errlen)
{
    const char *L = "accreditation";
    json_t *lab = json_object_get(j, "lab"), *key = json_object_get(j, "key");
    const char *ty = pki_cert_str(j, "_type", 64, false, L, err, errlen);
    if (!ty || strcmp(ty, "urn:parakh:accreditation:v1") != 0 || !json_is_object(lab) ||
        !json_is_object(key)) {
        if (ty)
            pki_cert_err(err, errlen, "%s: _type, lab and key objects required", L);
        return PK_E_FORMAT;
    }
    const char *id = pki_cert_str(lab, "id", 64, false, L, err, errlen);
    const char *name = id ? pki_cert_str(lab, "name", 1024, false, L, err, errlen) : NULL;
    const char *cc = name ? pki_cert_str(lab, "country", 2, false, L, err, errlen) : NULL;
    const char *kid = cc ? pki_cert_str(key, "keyid", 64, false, L, err, errlen) : NULL;
    const char *alg = kid ? pki_cert_str(key, "algorithm", 16, false, L, err, errlen) : NULL;
    json_t *pub = json_object_get(key, "public_key");
    const char *vf = alg ? pki_cert_str(j, "valid_from", 20, false, L, err, errlen) : NULL;
    const char *vu = vf ? pki_cert_str(j, "valid_until", 20, false, L, err, errlen) : NULL;
    if (!vu)
        return PK_E_FORMAT;
    pki_trust_accr a = {0};
    if (strcmp(alg, "ed25519") != 0 || !json_is_string(pub) || strlen(vf) != 20 ||
        strlen(vu) != 20 || pki_cert_time_parse(vf, false, &a.from) != 0 ||
        pki_cert_time_parse(vu, false, &a.until) != 0 || a.until <= a.from) {
        pki_cert_err(err, errlen,
                     "%s: algorithm must be ed25519, public_key a string, valid_from < "
                     "valid_until in RFC 3339 UTC",
                     L);
        return PK_E_FORMAT;
    }
    char e2[200] = "";
    if (pk_key_parse(json_string_value(pub), json_string_length(pub), 0, &a.key, e2, sizeof e2) !=
        PK_OK) {
        pki_cert_err(err, errlen, "%s: public_key: %s", L, e2);
        return PK_E_FORMAT;
    }
    if (strcmp(a.key->keyid, kid) != 0) {
        pki_cert_err(err, errlen, "%s: keyid %s is not the key's (%s)", L, kid, a.key->keyid);
        pk_key_free(a.key);
        return PK_E_FORMAT;
    }
    snprintf(a.lab, sizeof a.lab, "%s", id);
    if (!pki_grow((void **)&t->accr, &t->acap, t->na + 1, sizeof *t->accr)) {
        pk_key_free(a.key);
        return PK_E_NOMEM;
    }
    t->accr[t->na++] = a;
    return PK_OK;
}

static pk_status add_susp(pk_trust *t, json_t *j, char *err, size_t errlen)
{
    const char *L = "suspension";
    const char *ty = pki_cert_str(j, "_type", 64, false, L, err, errlen);
    const char *lab = ty ? pki_cert_str(j, "lab", 64, false, L, err, errlen) : NULL;
    const char *from = lab ? pki_cert_str(j, "suspended_from", 20, false, L, err, errlen) : NULL;
    const char *why = from ? pki_cert_str(j, "reason", 1024, false, L, err, errlen) : NULL;
    if (!why)
        return PK_E_FORMAT;
    pki_trust_susp s = {0};
    if (strcmp(ty, "urn:parakh:suspension:v1") != 0 || strlen(from) != 20 ||
        pki_cert_time_parse(from, false, &s.from) != 0) {
        pki_cert_err(err, errlen, "%s: _type or suspended_from (RFC 3339 UTC) invalid", L);
        return PK_E_FORMAT;
    }
    snprintf(s.lab, sizeof s.lab, "%s", lab);
    snprintf(s.reason, sizeof s.reason, "%s", why);
    if (!pki_grow((void **)&t->susp, &t->scap, t->ns + 1, sizeof *t->susp))
        return PK_E_NOMEM;
    t->susp[t->ns++] = s;
    return PK_OK;
}

pk_status pk_trust_add(pk_trust *t, const char *buf, size_t len, char *err, size_t errlen)
{
    if (!t || (!buf && len))
        return PK_E_MISUSE;
    if (t->na + t->ns >= PK_CERT_MAX_TRUST) {
        pki_cert_err(err, errlen, "trust store: more than %u records", PK_CERT_MAX_TRUST);
        return PK_E_LIMIT;
    }
    pki_dsse d;
    pk_status st = pki_dsse_parse(buf, len, PK_CERT_MAX_RECORD, &d, err, errlen);
    if (st != PK_OK)
        return st;
    bool accr = strcmp(d.type, PK_ACCR_PAYLOAD_TYPE) == 0;
    if (!accr && strcmp(d.type, PK_SUSP_PAYLOAD_TYPE) != 0) {
        pki_cert_err(err, errlen,
                     "record: payloadType \"%.100s\" is neither an accreditation "
                     "nor a suspension",
                     d.type);
        st = PK_E_FORMAT;
    } else if (!pki_dsse_verified_by(&d, t->root)) {
        pki_cert_err(err, errlen, "%s: not signed by the root key %s",
                     accr ? "accreditation" : "suspension", t->root->keyid);
        st = PK_E_FORMAT;
    } else {
        json_t *j = pki_cert_json((const char *)d.body, d.bodylen, PK_CERT_MAX_RECORD, "record",
                                  err, errlen);
        st = !j ? PK_E_FORMAT : accr ? add_accr(t, j, err, errlen) : add_susp(t, j, err, errlen);
        json_decref(j);
    }
    pki_dsse_clear(&d);
    return st;
}

static pk_cert_state say(pk_cert_result *r, pk_cert_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pk_cert_state say(pk_cert_result *r, pk_cert_state s, const char *fmt, ...)
{
    r->state = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    return s;
}

/* 1-3: the lab's accredited keys, the signature, the accreditation at
 * issue time (a key rotated later keeps its old certificates). VALID: all
 * three passed (r->reason empty). */
static pk_cert_state signer_checks(const pk_cert *c, const pk_trust *t, pk_cert_result *r)
{
    const pki_trust_accr *signer = NULL, *in_time = NULL;
    size_t nlab = 0;
    for (size_t i = 0; i < t->na; i++) {
        const pki_trust_accr *a = &t->accr[i];
        if (strcmp(a->lab, c->lab) != 0)
            continue;
        nlab++;
        if (!pki_dsse_verified_by(&c->env, a->key))
            continue;
        signer = a;
        if (c->issued >= a->from && c->issued <= a->until)
            in_time = a;
    }
    if (!nlab)
        return say(r, PK_CERT_NOT_ACCREDITED,
                   "lab %s is unknown: no accreditation signed by the root key names it", c->lab);
    if (!signer)
        return say(r, PK_CERT_BAD_SIGNATURE,
                   "no signature verifies with the accredited key(s) of lab %s", c->lab);
    if (!in_time) {
        char f[32], u[32];
        pki_cert_time_fmt(signer->from, f);
        pki_cert_time_fmt(signer->until, u);
        return say(r, PK_CERT_NOT_ACCREDITED,
                   "issued %s, when key %.16s... of lab %s was not accredited (from %s until %s)",
                   c->f[F_ISSUED], signer->key->keyid, c->lab, f, u);
    }
    r->state = PK_CERT_VALID;
    return PK_CERT_VALID;
}

pk_cert_state pk_cert_verify(const pk_cert *c, const pk_trust *t, const uint8_t *sha256,
                             const char *date, pk_cert_result *r)
{
    return pk_cert_verify_logged(c, t, sha256, date, NULL, r);
}

pk_cert_state pk_cert_verify_logged(const pk_cert *c, const pk_trust *t, const uint8_t *sha256,
                                    const char *date, const char *logged, pk_cert_result *r)
{
    return pki_cert_verify_memo(c, t, sha256, date, logged, NULL, r);
}

pk_cert_state pki_cert_verify_memo(const pk_cert *c, const pk_trust *t, const uint8_t *sha256,
                                   const char *date, const char *logged, pki_cert_sigmemo *m,
                                   pk_cert_result *r)
{
    pk_cert_result dummy;
    if (!r)
        r = &dummy;
    memset(r, 0, sizeof *r);
    if (!c || !t)
        return say(r, PK_CERT_MALFORMED, "no certificate or no trust store");
    int64_t now = pki_cert_now();
    if (date && pki_cert_time_parse(date, false, &now) != 0)
        return say(r, PK_CERT_MALFORMED, "the verification date \"%.40s\" is not RFC 3339", date);
    /* The log's time, when known, is when the certificate was made public:
     * the issue time is the lab's own claim and could be back-dated. */
    int64_t seen = c->issued;
    if (logged) {
        if (pki_cert_time_parse(logged, false, &seen) != 0)
            return say(r, PK_CERT_MALFORMED, "the log time \"%.40s\" is not RFC 3339", logged);
        if (seen < c->issued)
            seen = c->issued;
    }
    /* 1-3 depend only on c and the trust store's accreditations: a memo
     * from an earlier call with the same two is reused as is */
    if (m && m->done) {
        if (m->state != PK_CERT_VALID)
            return say(r, m->state, "%s", m->reason);
    } else {
        pk_cert_state s = signer_checks(c, t, r);
        if (m) {
            m->done = true;
            m->state = s;
            snprintf(m->reason, sizeof m->reason, "%s", r->reason);
        }
        if (s != PK_CERT_VALID)
            return s;
        memset(r, 0, sizeof *r);
    }
    /* 4: a suspension stops certificates issued on or after its date */
    const pki_trust_susp *sp = NULL;
    for (size_t i = 0; i < t->ns; i++)
        if (strcmp(t->susp[i].lab, c->lab) == 0 && seen >= t->susp[i].from &&
            (!sp || t->susp[i].from < sp->from))
            sp = &t->susp[i];
    if (sp) {
        pki_cert_time_fmt(sp->from, r->since);
        if (seen > c->issued) {
            char l[32];
            pki_cert_time_fmt(seen, l);
            return say(r, PK_CERT_LAB_SUSPENDED,
                       "lab %s is suspended from %s (%s); this certificate says it was "
                       "issued %s but the log first saw it %s",
                       c->lab, r->since, sp->reason, c->f[F_ISSUED], l);
        }
        return say(r, PK_CERT_LAB_SUSPENDED,
                   "lab %s is suspended from %s (%s); this certificate "
                   "was issued %s",
                   c->lab, r->since, sp->reason, c->f[F_ISSUED]);
    }
    /* 5: this exact file */
    if (sha256) {
        for (size_t i = 0; i < c->nsubj && !r->subject; i++)
            if (memcmp(c->subj[i].d, sha256, 32) == 0)
                r->subject = c->subj[i].name;
        if (!r->subject) {
            char h[65];
            pki_hex(sha256, 32, h);
            return say(r, PK_CERT_NOT_CERTIFIED,
                       "sha256 %s is not among the %zu subjects of this certificate", h, c->nsubj);
        }
    }
    /* 6: the validity period */
    if (now < c->issued)
        return say(r, PK_CERT_EXPIRED, "not valid before %s", c->f[F_ISSUED]);
    if (now > c->expires) {
        snprintf(r->since, sizeof r->since, "%s", c->f[F_EXPIRES]);
        return say(r, PK_CERT_EXPIRED, "expired %s", c->f[F_EXPIRES]);
    }
    snprintf(r->since, sizeof r->since, "%s", c->f[F_EXPIRES]);
    return say(r, PK_CERT_VALID,
               "%s %s by %s: %s under %s %s, lab %s, %zu condition(s), expires %s", c->f[F_PRODUCT],
               c->f[F_VERSION], c->f[F_VENDOR], c->f[F_VERDICT], c->f[F_PROFILE],
               c->f[F_PROFILE_VERSION], c->lab, c->ncond, c->f[F_EXPIRES]);
}

pk_cert_state pk_cert_verify_buf(const char *buf, size_t len, const pk_trust *t,
                                 const uint8_t *sha256, const char *date, pk_cert_result *r)
{
    pk_cert_result dummy;
    if (!r)
        r = &dummy;
    memset(r, 0, sizeof *r);
    pk_cert *c = NULL;
    char err[sizeof r->reason] = "";
    pk_status st = pk_cert_parse(buf, len, &c, err, sizeof err);
    if (st != PK_OK) {
        r->state = PK_CERT_MALFORMED;
        snprintf(r->reason, sizeof r->reason, "%s", err[0] ? err : pk_status_str(st));
        return r->state;
    }
    pk_cert_verify(c, t, sha256, date, r);
    r->subject = NULL; /* it pointed into c */
    pk_cert_free(c);
    return r->state;
}
