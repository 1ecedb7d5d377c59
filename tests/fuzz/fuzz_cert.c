/* Fuzz target for certificates (lib/cert/): the input is parsed as an
 * envelope (pk_cert_parse, pk_cert_verify_buf), as a trust record
 * (pk_trust_add) and as a key; then it is signed as the payload of a
 * certificate by a fixed lab key and of an accreditation and a suspension by
 * a fixed root key, so the Statement, predicate and record parsers and every
 * verification step run behind a valid signature. Keys come from fixed
 * seeds; the lab "LAB-FUZZ" is accredited 2020..2099. Seeds:
 * tests/fuzz/corpus/cert/ (a Statement, an envelope, records). */
#include <stdint.h>
#include <string.h>

#include "cert/cert_int.h"

#define FUZZ_MAX_INPUT (1u << 17)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static pk_key *root, *lab;
static pk_trust *trust;

static void setup(void)
{
    uint8_t s1[32], s2[32];
    memset(s1, 1, sizeof s1);
    memset(s2, 2, sizeof s2);
    if (pki_key_from_seed(s1, &root) != PK_OK || pki_key_from_seed(s2, &lab) != PK_OK ||
        pk_trust_new(root, &trust) != PK_OK)
        __builtin_trap();
    pk_accreditation_request rq = {.lab = "LAB-FUZZ",
                                   .name = "Fuzz lab",
                                   .country = "PK",
                                   .lab_key = lab,
                                   .from = "2020-01-01",
                                   .until = "2099-12-31"};
    char *env = NULL;
    size_t len = 0;
    if (pk_accredit(&rq, root, &env, &len, NULL, 0) != PK_OK ||
        pk_trust_add(trust, env, len, NULL, 0) != PK_OK)
        __builtin_trap();
    pk_cert_buf_free(env);
    if (pk_suspend("LAB-FUZZ", "2098-01-01", "fuzz", root, &env, &len, NULL, 0) != PK_OK ||
        pk_trust_add(trust, env, len, NULL, 0) != PK_OK)
        __builtin_trap();
    pk_cert_buf_free(env);
}

static void check_result(pk_cert_state s, const pk_cert_result *r)
{
    if ((unsigned)s > PK_CERT_MALFORMED || s != r->state || !r->reason[0] ||
        !memchr(r->reason, 0, sizeof r->reason))
        __builtin_trap();
}

static void as_cert(const char *buf, size_t n)
{
    pk_cert_result r;
    check_result(pk_cert_verify_buf(buf, n, trust, NULL, "2026-11-26", &r), &r);
    pk_cert *c = NULL;
    char err[256] = "";
    pk_status st = pk_cert_parse(buf, n, &c, err, sizeof err);
    if ((st == PK_OK) != (c != NULL) || (st != PK_OK && !err[0]))
        __builtin_trap();
    if (!c)
        return;
    uint8_t sha[32];
    const char *hex = NULL;
    if (!pk_cert_subject(c, 0, &hex) || pk_sha256_from_hex(hex, sha) != 0)
        __builtin_trap(); /* a parsed certificate has a well-formed first subject */
    static const char *const dates[] = {NULL, "2026-11-26", "2099-06-01T00:00:00Z", "bad"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        check_result(pk_cert_verify(c, trust, sha, dates[i], &r), &r);
        if (r.state == PK_CERT_VALID && !r.subject)
            __builtin_trap();
    }
    memset(sha, 0xee, sizeof sha);
    check_result(pk_cert_verify(c, trust, sha, NULL, &r), &r);
    for (size_t i = 0; i < pk_cert_conditions(c); i++)
        if (!pk_cert_condition(c, i))
            __builtin_trap();
    if (!pk_cert_field(c, "lab") || strlen(pk_cert_digest(c)) != 64)
        __builtin_trap();
    pk_cert_free(c);
}

static void as_record(const char *buf, size_t n)
{
    pk_trust *t = NULL;
    if (pk_trust_new(root, &t) != PK_OK)
        __builtin_trap();
    char err[256] = "";
    pk_status st = pk_trust_add(t, buf, n, err, sizeof err);
    if (st != PK_OK && !err[0])
        __builtin_trap();
    pk_trust_free(t);
}

static void signed_as(const pk_key *k, const char *type, const uint8_t *d, size_t n, int cert)
{
    char *env = NULL;
    size_t len = 0;
    if (pk_dsse_sign(k, type, d, n, &env, &len) != PK_OK)
        __builtin_trap();
    if (cert)
        as_cert(env, len);
    else
        as_record(env, len);
    char *body = NULL;
    size_t bl = 0;
    if (pk_dsse_open(env, len, PK_CERT_MAX_ENVELOPE, type, k, &body, &bl, NULL, 0) != PK_OK ||
        bl != n || (n && memcmp(body, d, n) != 0))
        __builtin_trap(); /* sign then open is the identity */
    pk_cert_buf_free(body);
    pk_cert_buf_free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (!trust)
        setup();
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    const char *buf = (const char *)d;
    as_cert(buf, n);
    as_record(buf, n);
    pk_key *k = NULL;
    if (pk_key_parse(buf, n, 0, &k, NULL, 0) == PK_OK && strlen(pk_key_id(k)) != 64)
        __builtin_trap();
    pk_key_free(k);
    signed_as(lab, PK_CERT_PAYLOAD_TYPE, d, n, 1);
    signed_as(root, PK_ACCR_PAYLOAD_TYPE, d, n, 0);
    signed_as(root, PK_SUSP_PAYLOAD_TYPE, d, n, 0);
    return 0;
}
