/* The log's leaves and the lookup answer, parsed as hostile input: jansson
 * with duplicate keys refused, every member type-checked and bounded, a
 * leaf's key set exact for its kind (docs/registry-api.md). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cert/cert_int.h"
#include "regclient_int.h"

/* Copies string member key (1..cap-1 bytes, no control character) into out. */
static int get_str(const json_t *o, const char *key, char *out, size_t cap, char *err,
                   size_t errlen)
{
    const char *s = pki_cert_str(o, key, cap - 1, false, "leaf", err, errlen);
    if (!s)
        return -1;
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

static int get_time(const json_t *o, const char *key, bool date_ok, char *out, size_t cap,
                    char *err, size_t errlen)
{
    int64_t t;
    if (get_str(o, key, out, cap, err, errlen) != 0)
        return -1;
    /* a bare date only where the contract allows one (a revocation's date) */
    if ((date_ok || strlen(out) == 20) && pki_cert_time_parse(out, false, &t) == 0)
        return 0;
    pki_rc_err(err, errlen, "leaf: \"%s\" is not an RFC 3339 time", key);
    return -1;
}

static int get_id(const json_t *o, const char *key, char out[65], char *err, size_t errlen)
{
    if (get_str(o, key, out, 65, err, errlen) != 0)
        return -1;
    if (pki_is_hex64(out))
        return 0;
    pki_rc_err(err, errlen, "leaf: \"%s\" is not 64 lowercase hex digits", key);
    return -1;
}

/* The members of o must be exactly keys[0..n). */
static int exact_keys(const json_t *o, const char *const *keys, size_t n, char *err, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        (void)v;
        size_t i = 0;
        while (i < n && strcmp(keys[i], k) != 0)
            i++;
        if (i == n) {
            pki_rc_err(err, errlen, "leaf: unexpected key \"%.40s\"", k);
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(o, keys[i])) {
            pki_rc_err(err, errlen, "leaf: \"%s\" is missing", keys[i]);
            return -1;
        }
    return 0;
}

static int get_envelope(const json_t *o, size_t max, pki_rc_leaf *l, char *err, size_t errlen)
{
    json_t *v = json_object_get(o, "envelope");
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max) {
        pki_rc_err(err, errlen, "leaf: \"envelope\" is not a string of 1..%zu bytes", max);
        return -1;
    }
    l->envlen = json_string_length(v);
    l->envelope = pki_malloc(l->envlen + 1);
    if (!l->envelope) {
        pki_rc_err(err, errlen, "leaf: out of memory");
        return -1;
    }
    memcpy(l->envelope, json_string_value(v), l->envlen + 1);
    return 0;
}

static int parse_cert(const json_t *o, pki_rc_leaf *l, char *err, size_t errlen)
{
    static const char *const K[] = {"kind", "logged", "id", "supersedes", "envelope"};
    if (exact_keys(o, K, 5, err, errlen) ||
        get_time(o, "logged", false, l->logged, 32, err, errlen) ||
        get_id(o, "id", l->id, err, errlen))
        return -1;
    if (!json_is_null(json_object_get(o, "supersedes")) &&
        get_id(o, "supersedes", l->supersedes, err, errlen))
        return -1;
    if (get_envelope(o, PK_CERT_MAX_ENVELOPE, l, err, errlen))
        return -1;
    char e[300] = "";
    if (pk_cert_parse(l->envelope, l->envlen, &l->cert, e, sizeof e) != PK_OK) {
        pki_rc_err(err, errlen, "leaf: the certificate does not parse: %s", e);
        return -1;
    }
    if (strcmp(pk_cert_digest(l->cert), l->id) != 0) {
        pki_rc_err(err, errlen, "leaf: \"id\" is not the digest of its certificate");
        return -1;
    }
    const char *lab = pk_cert_field(l->cert, "lab");
    snprintf(l->lab, sizeof l->lab, "%s", lab ? lab : "");
    return 0;
}

static int parse_record(const json_t *o, pki_rc_leaf *l, char *err, size_t errlen)
{
    static const char *const K[] = {"kind", "logged", "lab", "envelope"};
    return exact_keys(o, K, 4, err, errlen) ||
                   get_time(o, "logged", false, l->logged, 32, err, errlen) ||
                   get_str(o, "lab", l->lab, sizeof l->lab, err, errlen) ||
                   get_envelope(o, PK_CERT_MAX_RECORD, l, err, errlen)
               ? -1
               : 0;
}

static int parse_revocation(const json_t *o, pki_rc_leaf *l, char *err, size_t errlen)
{
    static const char *const K[] = {"kind", "logged", "id", "reason", "date", "by_role", "by_name"};
    return exact_keys(o, K, 7, err, errlen) ||
                   get_time(o, "logged", false, l->logged, 32, err, errlen) ||
                   get_id(o, "id", l->id, err, errlen) ||
                   get_str(o, "reason", l->reason, sizeof l->reason, err, errlen) ||
                   get_time(o, "date", true, l->date, sizeof l->date, err, errlen) ||
                   get_str(o, "by_role", l->by_role, sizeof l->by_role, err, errlen) ||
                   get_str(o, "by_name", l->by_name, sizeof l->by_name, err, errlen)
               ? -1
               : 0;
}

pk_status pki_rc_leaf_parse(const uint8_t *b, size_t n, pki_rc_leaf *l, char *err, size_t errlen)
{
    if (!b || !l)
        return PK_E_MISUSE;
    memset(l, 0, sizeof *l);
    json_t *o = pki_cert_json((const char *)b, n, PK_RC_MAX_LEAF, "leaf", err, errlen);
    if (!o)
        return PK_E_FORMAT;
    const char *kind = json_string_value(json_object_get(o, "kind"));
    int rc = -1;
    if (!kind)
        pki_rc_err(err, errlen, "leaf: \"kind\" is missing or not a string");
    else if (strcmp(kind, "certificate") == 0)
        l->kind = PKI_RC_CERT, rc = parse_cert(o, l, err, errlen);
    else if (strcmp(kind, "accreditation") == 0)
        l->kind = PKI_RC_ACCR, rc = parse_record(o, l, err, errlen);
    else if (strcmp(kind, "suspension") == 0)
        l->kind = PKI_RC_SUSP, rc = parse_record(o, l, err, errlen);
    else if (strcmp(kind, "revocation") == 0)
        l->kind = PKI_RC_REVOKE, rc = parse_revocation(o, l, err, errlen);
    else
        pki_rc_err(err, errlen, "leaf: unknown kind \"%.40s\"", kind);
    json_decref(o);
    if (rc != 0) {
        pki_rc_leaf_clear(l);
        return PK_E_FORMAT;
    }
    return PK_OK;
}

void pki_rc_leaf_clear(pki_rc_leaf *l)
{
    if (!l)
        return;
    pk_cert_free(l->cert);
    pki_free(l->envelope);
    memset(l, 0, sizeof *l);
}

/* ---- the lookup answer ---- */

static int get_index(const json_t *o, const char *key, uint64_t *out, const char *where, char *err,
                     size_t errlen)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        pki_rc_err(err, errlen, "answer: %s: \"%s\" is not a non-negative integer", where, key);
        return -1;
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* {"log_index", leafkey: base64, inckey: [hex...]}. The loops of
 * pki_rc_answer_parse count an entry even when it fails, so whatever a
 * half-parsed one allocated is freed by pki_rc_answer_clear. */
static int parse_proved(const json_t *o, const char *leafkey, const char *inckey, pki_rc_proved *p,
                        const char *where, char *err, size_t errlen)
{
    if (!json_is_object(o)) {
        pki_rc_err(err, errlen, "answer: %s is not an object", where);
        return -1;
    }
    if (get_index(o, "log_index", &p->index, where, err, errlen))
        return -1;
    json_t *lf = json_object_get(o, leafkey), *inc = json_object_get(o, inckey);
    if (!json_is_string(lf) || json_string_length(lf) == 0 ||
        json_string_length(lf) > PK_RC_MAX_LEAF / 3 * 4 + 4) {
        pki_rc_err(err, errlen, "answer: %s: \"%s\" is not a base64 string", where, leafkey);
        return -1;
    }
    size_t sl = json_string_length(lf);
    p->leaf = pki_malloc(sl / 4 * 3 + 3);
    if (!p->leaf) {
        pki_rc_err(err, errlen, "answer: out of memory");
        return -1;
    }
    p->len = pki_b64_decode_strict(json_string_value(lf), sl, p->leaf, sl / 4 * 3 + 3, 0);
    if (p->len == SIZE_MAX || p->len == 0) {
        pki_rc_err(err, errlen, "answer: %s: \"%s\" is not canonical base64", where, leafkey);
        return -1;
    }
    if (!json_is_array(inc) || json_array_size(inc) > PK_TLOG_MAX_PROOF) {
        pki_rc_err(err, errlen, "answer: %s: \"%s\" is not an array of at most %d hashes", where,
                   inckey, PK_TLOG_MAX_PROOF);
        return -1;
    }
    p->plen = json_array_size(inc);
    p->proof = pki_calloc(p->plen ? p->plen : 1, PK_TLOG_HASH_LEN);
    if (!p->proof) {
        pki_rc_err(err, errlen, "answer: out of memory");
        return -1;
    }
    for (size_t i = 0; i < p->plen; i++) {
        const char *h = json_string_value(json_array_get(inc, i));
        if (!h || !pki_is_hex64(h) || pk_sha256_from_hex(h, p->proof[i]) != 0) {
            pki_rc_err(err, errlen, "answer: %s: \"%s\"[%zu] is not 64 lowercase hex digits", where,
                       inckey, i);
            return -1;
        }
    }
    return 0;
}

static void proved_clear(pki_rc_proved *p)
{
    pki_free(p->leaf);
    pki_free(p->proof);
    memset(p, 0, sizeof *p);
}

static int parse_entry(const json_t *o, pki_rc_entry *e, size_t k, char *err, size_t errlen)
{
    char where[80];
    snprintf(where, sizeof where, "certificates[%zu]", k);
    if (!json_is_object(o)) {
        pki_rc_err(err, errlen, "answer: %s is not an object", where);
        return -1;
    }
    const char *id = json_string_value(json_object_get(o, "id"));
    if (!id || !pki_is_hex64(id)) {
        pki_rc_err(err, errlen, "answer: %s: \"id\" is not 64 lowercase hex digits", where);
        return -1;
    }
    memcpy(e->id, id, 65);
    if (parse_proved(o, "leaf", "inclusion", &e->cert, where, err, errlen))
        return -1;
    static const char *const opt[] = {"revocation_leaf", "superseded_by_leaf"};
    pki_rc_proved *dst[] = {&e->rev, &e->sup};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(o, opt[i]);
        if (!v || json_is_null(v))
            continue;
        snprintf(where, sizeof where, "certificates[%zu].%s", k, opt[i]);
        if (parse_proved(v, "leaf", "inclusion", dst[i], where, err, errlen))
            return -1;
    }
    return 0;
}

pk_status pki_rc_answer_parse(const char *buf, size_t len, pki_rc_answer *a, char *err,
                              size_t errlen)
{
    if (!buf || !a)
        return PK_E_MISUSE;
    memset(a, 0, sizeof *a);
    json_t *o = pki_cert_json(buf, len, SIZE_MAX, "answer", err, errlen);
    if (!o)
        return PK_E_FORMAT;
    int rc = -1;
    json_t *cp = json_object_get(o, "checkpoint"), *certs = json_object_get(o, "certificates"),
           *labs = json_object_get(o, "labs");
    if (!json_is_string(cp) || json_string_length(cp) == 0 ||
        json_string_length(cp) > PK_NOTE_MAX_LEN)
        pki_rc_err(err, errlen, "answer: \"checkpoint\" is not a string of 1..%u bytes",
                   PK_NOTE_MAX_LEN);
    else if (!json_is_array(certs) || json_array_size(certs) > PK_RC_MAX_ENTRIES)
        pki_rc_err(err, errlen, "answer: \"certificates\" is not an array of at most %u",
                   PK_RC_MAX_ENTRIES);
    else if (!json_is_array(labs) || json_array_size(labs) > PK_RC_MAX_LABS)
        pki_rc_err(err, errlen, "answer: \"labs\" is not an array of at most %u", PK_RC_MAX_LABS);
    else
        rc = 0;
    if (rc == 0) {
        a->cplen = json_string_length(cp);
        a->checkpoint = pki_strndup(json_string_value(cp), a->cplen);
        a->e = pki_calloc(json_array_size(certs) + 1, sizeof *a->e);
        a->labs = pki_calloc(json_array_size(labs) + 1, sizeof *a->labs);
        if (!a->checkpoint || !a->e || !a->labs) {
            pki_rc_err(err, errlen, "answer: out of memory");
            rc = -1;
        }
    }
    for (size_t i = 0; rc == 0 && i < json_array_size(certs); i++, a->n++)
        rc = parse_entry(json_array_get(certs, i), &a->e[i], i, err, errlen);
    for (size_t i = 0; rc == 0 && i < json_array_size(labs); i++, a->nlabs++) {
        char where[32];
        snprintf(where, sizeof where, "labs[%zu]", i);
        rc = parse_proved(json_array_get(labs, i), "leaf", "inclusion", &a->labs[i], where, err,
                          errlen);
    }
    json_decref(o);
    if (rc != 0) {
        pki_rc_answer_clear(a);
        return PK_E_FORMAT;
    }
    return PK_OK;
}

void pki_rc_answer_clear(pki_rc_answer *a)
{
    if (!a)
        return;
    for (size_t i = 0; a->e && i < a->n; i++) {
        proved_clear(&a->e[i].cert);
        proved_clear(&a->e[i].rev);
        proved_clear(&a->e[i].sup);
    }
    for (size_t i = 0; a->labs && i < a->nlabs; i++)
        proved_clear(&a->labs[i]);
    pki_free(a->e);
    pki_free(a->labs);
    pki_free(a->checkpoint);
    memset(a, 0, sizeof *a);
}
