/* Certificates (lib/cert/): strict base64 and RFC 3339 times; Ed25519 keys
 * written O_EXCL with mode 0600; DSSE round trip, PAE bytes, wrong key,
 * tampered payload, duplicate keys, limits; each verification state on a
 * Statement signed here (valid, not certified, expired both ways, suspended
 * before/after issue, not accredited, bad signature, malformed); forged trust
 * records; pk_certify's subjects and its refusal of REJECT. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert_int.h"

#define LAB     "LAB-ISB-01"
#define SHA_A   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ISSUED  "2026-06-01T10:00:00Z"
#define EXPIRES "2027-06-01T10:00:00Z"

static pk_key *seed_key(int b)
{
    uint8_t s[32];
    memset(s, b, sizeof s);
    pk_key *k = NULL;
    assert_int_equal(pki_key_from_seed(s, &k), PK_OK);
    return k;
}

/* A Statement for one subject; fields overridable for the malformed cases. */
static char *statement(const char *lab, const char *issued, const char *expires,
                       const char *verdict, const char *sha)
{
    char *b = malloc(4096);
    assert_non_null(b);
    snprintf(b, 4096,
             "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.zip\","
             "\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"urn:parakh:certification:v1\","
             "\"predicate\":{\"certificate_id\":\"0d7c7c1e-0f3b-4c58-9a6e-1b2c3d4e5f60\","
             "\"product\":{\"name\":\"App\",\"vendor\":\"Acme\",\"version\":\"1.0\"},"
             "\"profile\":{\"name\":\"pss-baseline\",\"version\":\"1.0\"},\"policy_date\":"
             "\"2026-06-01\",\"verdict\":\"%s\",\"conditions\":[{\"requirement\":\"PSS-VUL-01\","
             "\"text\":\"evidence\"}],\"waivers\":[],\"sbom\":{\"digest\":{\"sha256\":\"%s\"}},"
             "\"lab\":\"%s\",\"issued\":\"%s\",\"expires\":\"%s\"}}",
             sha, verdict, SHA_A, lab, issued, expires);
    return b;
}

__attribute__((noinline)) static char *sign(const pk_key *k, const char *type, const char *body,
                                            size_t *len)
{
    char *env = NULL;
    assert_int_equal(pk_dsse_sign(k, type, body, strlen(body), &env, len), PK_OK);
    return env;
}

static void add(pk_trust *t, char *env, size_t len, pk_status want)
{
    char err[256] = "";
    pk_status st = pk_trust_add(t, env, len, err, sizeof err);
    if (st != want)
        fail_msg("trust_add: %d (%s), want %d", st, err, want);
    pk_cert_buf_free(env);
}

static void accredit(pk_trust *t, const pk_key *root, const pk_key *lab, const char *from,
                     const char *until)
{
    pk_accreditation_request rq = {
        .lab = LAB, .name = "Lab", .country = "PK", .lab_key = lab, .from = from, .until = until};
    char *env = NULL;
    size_t n = 0;
    assert_int_equal(pk_accredit(&rq, root, &env, &n, NULL, 0), PK_OK);
    add(t, env, n, PK_OK);
}

static pk_cert_state check(const char *env, size_t n, const pk_trust *t, const char *sha,
                           const char *date, pk_cert_result *r)
{
    uint8_t d[32];
    if (sha)
        assert_int_equal(pk_sha256_from_hex(sha, d), 0);
    return pk_cert_verify_buf(env, n, t, sha ? d : NULL, date, r);
}

static void t_b64(void **st)
{
    (void)st;
    const uint8_t in[] = {0xfb, 0xff, 0x01, 0x02, 0x03};
    for (size_t n = 0; n <= sizeof in; n++) {
        char *e = pki_cert_b64(in, n);
        size_t on = 99;
        uint8_t *d = pki_cert_unb64(e, strlen(e), &on);
        assert_non_null(d);
        assert_int_equal(on, n);
        if (n)
            assert_memory_equal(d, in, n);
        pki_free(d);
        pki_free(e);
    }
    size_t n;
    static const char *const bad[] = {"aGk=\n",   "aGk=a", "a",     "aGl=", "aG==", "+/-_",
                                      "aGk=aGk=", "a Gk=", "aGk==", "====", "aGk*"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pki_cert_unb64(bad[i], strlen(bad[i]), &n))
            fail_msg("accepted \"%s\"", bad[i]);
    uint8_t *d = pki_cert_unb64("-_8", 3, &n); /* URL-safe, unpadded */
    assert_non_null(d);
    assert_int_equal(n, 2);
    assert_int_equal(d[0], 0xfb);
    pki_free(d);
}

static void t_time(void **st)
{
    (void)st;
    int64_t t;
    assert_int_equal(pki_cert_time_parse("1970-01-01T00:00:00Z", false, &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(pki_cert_time_parse("2024-02-29", true, &t), 0);
    char f[32];
    pki_cert_time_fmt(t, f);
    assert_string_equal(f, "2024-02-29T23:59:59Z");
    static const char *const bad[] = {
        "2023-02-29", "2026-13-01",          "2026-01-01T24:00:00Z",      "2026-01-01t00:00:00z",
        "2026-1-01",  "2026-01-01T00:00:00", "2026-01-01T00:00:00+00:00", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pki_cert_time_parse(bad[i], false, &t), -1);
}

static void t_keys(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-cert-XXXXXX", priv[64], pub[64];
    assert_non_null(mkdtemp(dir));
    snprintf(priv, sizeof priv, "%s/k.key", dir);
    snprintf(pub, sizeof pub, "%s/k.pub", dir);
    pk_key *k = NULL, *l = NULL, *p = NULL;
    assert_int_equal(pk_key_generate(&k), PK_OK);
    assert_int_equal(strlen(pk_key_id(k)), 64);
    assert_int_equal(pk_key_write_pair(k, priv, pub, NULL, 0), PK_OK);
    struct stat sb;
    assert_int_equal(stat(priv, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char err[256] = "";
    assert_int_equal(pk_key_write_pair(k, priv, pub, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "refusing to overwrite"));
    assert_int_equal(pk_key_load(priv, 1, &l, NULL, 0), PK_OK);
    assert_int_equal(pk_key_load(pub, 0, &p, NULL, 0), PK_OK);
    assert_string_equal(pk_key_id(l), pk_key_id(k));
    assert_string_equal(pk_key_id(p), pk_key_id(k));
    assert_false(pk_key_is_private(p));
    pk_key_free(l);
    /* a public key is not a private one; base64 of the raw bytes is a public key */
    assert_int_equal(pk_key_load(pub, 1, &l, NULL, 0), PK_E_FORMAT);
    char *raw = pki_cert_b64(p->raw, 32);
    assert_int_equal(pk_key_parse(raw, strlen(raw), 0, &l, NULL, 0), PK_OK);
    assert_string_equal(pk_key_id(l), pk_key_id(k));
    pki_free(raw);
    pk_key_free(l);
    assert_int_equal(pk_key_parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                                  58, 0, &l, NULL, 0),
                     PK_E_FORMAT);
    pk_key_free(k);
    pk_key_free(p);
    unlink(priv);
    unlink(pub);
    rmdir(dir);
}

static void t_dsse(void **st)
{
    (void)st;
    size_t pl;
    uint8_t *pae =
        pki_cert_pae("http://example.com/HelloWorld", (const uint8_t *)"hello world", 11, &pl);
    const char *want = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    assert_int_equal(pl, strlen(want));
    assert_memory_equal(pae, want, pl);
    pki_free(pae);
    pk_key *a = seed_key(1), *b = seed_key(2);
    size_t n;
    char *env = sign(a, "application/x-test", "{\"x\":1}", &n), *body = NULL, err[256];
    size_t bl;
    assert_int_equal(pk_dsse_open(env, n, 1 << 20, "application/x-test", a, &body, &bl, NULL, 0),
                     PK_OK);
    assert_int_equal(bl, 7);
    assert_memory_equal(body, "{\"x\":1}", 7);
    pk_cert_buf_free(body);
    assert_int_equal(
        pk_dsse_open(env, n, 1 << 20, "application/x-test", b, &body, &bl, err, sizeof err),
        PK_E_USAGE); /* wrong key */
    assert_int_equal(pk_dsse_open(env, n, 1 << 20, "application/x-other", a, &body, &bl, NULL, 0),
                     PK_E_FORMAT);
    assert_int_equal(pk_dsse_open(env, n, 16, "application/x-test", a, &body, &bl, NULL, 0),
                     PK_E_FORMAT); /* over the size */
    /* the payload changed after signing: {"x":2} */
    char *p = strstr(env, "eyJ4IjoxfQ==");
    assert_non_null(p);
    memcpy(p, "eyJ4IjoyfQ==", 12);
    assert_int_equal(pk_dsse_open(env, n, 1 << 20, "application/x-test", a, &body, &bl, NULL, 0),
                     PK_E_USAGE);
    pk_cert_buf_free(env);
    static const char *const bad[] = {
        "{\"payload\":\"e30=\",\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":"
        "\"AA==\"}]}",
        "{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[]}",
        "{\"payload\":\"e30\n=\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AA==\"}]}",
        "{\"payload\":1,\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AA==\"}]}",
        "{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AA==\",\"keyid\":3}"
        "]}",
        "[1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pki_dsse d;
        err[0] = 0;
        if (pki_dsse_parse(bad[i], strlen(bad[i]), 1 << 20, &d, err, sizeof err) != PK_E_FORMAT ||
            !err[0])
            fail_msg("accepted %s", bad[i]);
    }
    /* 17 signatures: one over the limit */
    char big[4096] = "{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[";
    for (int i = 0; i < 17; i++)
        strncat(big, i ? ",{\"sig\":\"AA==\"}" : "{\"sig\":\"AA==\"}",
                sizeof big - strlen(big) - 1);
    strncat(big, "]}", sizeof big - strlen(big) - 1);
    pki_dsse d;
    assert_int_equal(pki_dsse_parse(big, strlen(big), 1 << 20, &d, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "1..16"));
    pk_key_free(a);
    pk_key_free(b);
}

typedef struct fx {
    pk_key *root, *lab, *other;
    pk_trust *t;
} fx;

static int fx_setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->root = seed_key(7);
    f->lab = seed_key(8);
    f->other = seed_key(9);
    assert_int_equal(pk_trust_new(f->root, &f->t), PK_OK);
    accredit(f->t, f->root, f->lab, "2026-01-01", "2027-12-31");
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;
    pk_trust_free(f->t);
    pk_key_free(f->root);
    pk_key_free(f->lab);
    pk_key_free(f->other);
    free(f);
    return 0;
}

static void t_states(void **state)
{
    fx *f = *state;
    pk_cert_result r;
    char *s = statement(LAB, ISSUED, EXPIRES, "APPROVE WITH CONDITIONS", SHA_A);
    size_t n;
    char *env = sign(f->lab, PK_CERT_PAYLOAD_TYPE, s, &n);
    assert_int_equal(check(env, n, f->t, SHA_A, "2026-07-01", &r), PK_CERT_VALID);
    assert_non_null(strstr(r.reason, "App 1.0 by Acme"));
    assert_int_equal(check(env, n, f->t, NULL, "2026-07-01", &r), PK_CERT_VALID);
    const char *other_sha = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    assert_int_equal(check(env, n, f->t, other_sha, "2026-07-01", &r), PK_CERT_NOT_CERTIFIED);
    assert_int_equal(check(env, n, f->t, SHA_A, "2027-06-02", &r), PK_CERT_EXPIRED);
    assert_string_equal(r.since, EXPIRES);
    assert_int_equal(check(env, n, f->t, SHA_A, "2026-05-01", &r), PK_CERT_EXPIRED);
    assert_non_null(strstr(r.reason, "not valid before"));
    /* the same, signed by a key the root never accredited */
    size_t n2;
    char *env2 = sign(f->other, PK_CERT_PAYLOAD_TYPE, s, &n2);
    assert_int_equal(check(env2, n2, f->t, SHA_A, "2026-07-01", &r), PK_CERT_BAD_SIGNATURE);
    pk_cert_buf_free(env2);
    /* a lab nobody accredited */
    free(s);
    s = statement("LAB-NONE", ISSUED, EXPIRES, "APPROVE", SHA_A);
    env2 = sign(f->lab, PK_CERT_PAYLOAD_TYPE, s, &n2);
    assert_int_equal(check(env2, n2, f->t, SHA_A, "2026-07-01", &r), PK_CERT_NOT_ACCREDITED);
    assert_non_null(strstr(r.reason, "unknown"));
    pk_cert_buf_free(env2);
    /* issued before the accreditation began */
    free(s);
    s = statement(LAB, "2025-06-01T00:00:00Z", EXPIRES, "APPROVE", SHA_A);
    env2 = sign(f->lab, PK_CERT_PAYLOAD_TYPE, s, &n2);
    assert_int_equal(check(env2, n2, f->t, SHA_A, "2026-07-01", &r), PK_CERT_NOT_ACCREDITED);
    assert_non_null(strstr(r.reason, "was not accredited"));
    pk_cert_buf_free(env2);
    free(s);
    /* suspended after the issue: still valid; before: suspended, from when */
    char *susp = NULL;
    assert_int_equal(pk_suspend(LAB, "2026-09-01", "audit", f->root, &susp, &n2, NULL, 0), PK_OK);
    add(f->t, susp, n2, PK_OK);
    assert_int_equal(check(env, n, f->t, SHA_A, "2026-10-01", &r), PK_CERT_VALID);
    assert_int_equal(pk_suspend(LAB, "2026-05-01", "fraud", f->root, &susp, &n2, NULL, 0), PK_OK);
    add(f->t, susp, n2, PK_OK);
    assert_int_equal(check(env, n, f->t, SHA_A, "2026-07-01", &r), PK_CERT_LAB_SUSPENDED);
    assert_string_equal(r.since, "2026-05-01T00:00:00Z");
    assert_non_null(strstr(r.reason, "fraud"));
    pk_cert_buf_free(env);
    assert_string_equal(pk_cert_state_str(PK_CERT_LAB_SUSPENDED), "LAB SUSPENDED");
}

static void t_malformed(void **state)
{
    fx *f = *state;
    pk_cert_result r;
    struct {
        const char *lab, *issued, *expires, *verdict, *sha, *why;
    } c[] = {
        {LAB, ISSUED, EXPIRES, "REJECT", SHA_A, "cannot be certified"},
        {LAB, ISSUED, ISSUED, "APPROVE", SHA_A, "issued < expires"},
        {LAB, "2026-06-01", EXPIRES, "APPROVE", SHA_A, "issued < expires"},
        {LAB, ISSUED, EXPIRES, "APPROVE", "AAAA", "sha256"},
        {LAB, ISSUED, EXPIRES, "APPROVE", SHA_A "\\u0000", "NUL"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *s = statement(c[i].lab, c[i].issued, c[i].expires, c[i].verdict, c[i].sha);
        size_t n;
        char *env = sign(f->lab, PK_CERT_PAYLOAD_TYPE, s, &n);
        if (check(env, n, f->t, NULL, "2026-07-01", &r) != PK_CERT_MALFORMED ||
            !strstr(r.reason, c[i].why))
            fail_msg("case %zu: %s: %s", i, pk_cert_state_str(r.state), r.reason);
        pk_cert_buf_free(env);
        free(s);
    }
    /* a valid Statement under another payload type, or another predicate */
    char *s = statement(LAB, ISSUED, EXPIRES, "APPROVE", SHA_A);
    size_t n;
    char *env = sign(f->lab, "application/json", s, &n);
    assert_int_equal(check(env, n, f->t, NULL, NULL, &r), PK_CERT_MALFORMED);
    pk_cert_buf_free(env);
    memcpy(strstr(s, "certification:v1"), "certification:v2", 16);
    env = sign(f->lab, PK_CERT_PAYLOAD_TYPE, s, &n);
    assert_int_equal(check(env, n, f->t, NULL, NULL, &r), PK_CERT_MALFORMED);
    pk_cert_buf_free(env);
    free(s);
    /* too many subjects */
    size_t cap = (PK_CERT_MAX_SUBJECTS + 1) * 110 + 4096, at = 0;
    char *big = malloc(cap);
    at +=
        (size_t)snprintf(big, cap, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[");
    for (unsigned i = 0; i <= PK_CERT_MAX_SUBJECTS; i++)
        at += (size_t)snprintf(big + at, cap - at,
                               "%s{\"name\":\"f%u\",\"digest\":{\"sha256\":\"%s\"}}", i ? "," : "",
                               i, SHA_A);
    snprintf(big + at, cap - at,
             "],\"predicateType\":\"urn:parakh:certification:v1\","
             "\"predicate\":{}}");
    env = sign(f->lab, PK_CERT_PAYLOAD_TYPE, big, &n);
    assert_int_equal(check(env, n, f->t, NULL, NULL, &r), PK_CERT_MALFORMED);
    assert_non_null(strstr(r.reason, "1..4096"));
    pk_cert_buf_free(env);
    free(big);
}

static void t_records(void **state)
{
    fx *f = *state;
    pk_accreditation_request rq = {.lab = LAB, .name = "Lab", .country = "PK", .lab_key = f->other};
    char *env = NULL, err[256] = "";
    size_t n;
    /* signed by a lab key, not the root */
    assert_int_equal(pk_accredit(&rq, f->lab, &env, &n, NULL, 0), PK_OK);
    assert_int_equal(pk_trust_add(f->t, env, n, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "not signed by the root key"));
    pk_cert_buf_free(env);
    /* a keyid that is not the key's */
    char body[1024], *pem = NULL;
    assert_int_equal(pk_key_public_pem(f->other, &pem), PK_OK);
    json_t *o =
        json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:s}", "_type",
                  "urn:parakh:accreditation:v1", "lab", "id", LAB, "name", "x", "country", "PK",
                  "key", "keyid", SHA_A, "algorithm", "ed25519", "public_key", pem, "valid_from",
                  "2026-01-01T00:00:00Z", "valid_until", "2027-01-01T00:00:00Z");
    pki_free(pem);
    char *js = json_dumps(o, JSON_COMPACT);
    snprintf(body, sizeof body, "%s", js);
    free(js);
    json_decref(o);
    env = sign(f->root, PK_ACCR_PAYLOAD_TYPE, body, &n);
    assert_int_equal(pk_trust_add(f->t, env, n, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "is not the key's"));
    pk_cert_buf_free(env);
    /* an unknown record type, signed by the root */
    env = sign(f->root, "application/vnd.parakh.revocation+json", "{}", &n);
    assert_int_equal(pk_trust_add(f->t, env, n, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "neither"));
    pk_cert_buf_free(env);
    /* usage errors when issuing */
    rq.country = "pk";
    assert_int_equal(pk_accredit(&rq, f->root, &env, &n, NULL, 0), PK_E_USAGE);
    assert_int_equal(pk_suspend("bad id!", "2026-01-01", "r", f->root, &env, &n, NULL, 0),
                     PK_E_USAGE);
}

#define PROFILE                                                                                    \
    "{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"R-1\","      \
    "\"title\":\"No keys\",\"clause\":\"c\",\"severity\":\"high\",\"on_fail\":\"REJECT\","         \
    "\"test\":{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}}]}"
#define FILE_(vp, type, depth, sha)                                                                \
    "{\"vpath\":\"" vp "\",\"kind\":\"file\",\"size\":1,\"sha256\":\"" sha "\",\"sha1\":\"x\","    \
    "\"type\":\"" type "\",\"unpacked\":false,\"depth\":" #depth "}"
#define REPORT(findings)                                                                           \
    "{\"schema_version\":\"1.0\",\"inputs\":[{\"path\":\"/lab/in/app.zip\",\"kind\":\"file\"}],"   \
    "\"files\":[" FILE_("/lab/in/app.zip", "zip", 0, SHA_A) "," FILE_(                             \
        "/lab/in/app.zip!/bin/app", "elf", 1,                                                      \
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"                                  \
        "bbbbbbbbb") "," FILE_("/lab/in/"                                                          \
                               "app.zip!/"                                                         \
                               "README",                                                           \
                               "text", 1, SHA_A) "],"                                              \
                                                 "\"findings\":[" findings "]}"

static void t_certify(void **state)
{
    fx *f = *state;
    pk_profile *p = NULL;
    assert_int_equal(pk_profile_parse(PROFILE, strlen(PROFILE), "t", &p, NULL, 0), PK_OK);
    char sbom[] = "/tmp/pk-test-sbom-XXXXXX";
    int fd = mkstemp(sbom);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{}", 2), 2);
    close(fd);
    pk_cert_request rq = {.product = "App",
                          .vendor = "Acme",
                          .version = "1.0",
                          .lab = LAB,
                          .sbom_path = sbom,
                          .issued = ISSUED,
                          .valid_days = 30};
    const char *ok = REPORT("");
    char *env = NULL, err[512] = "";
    size_t n;
    pk_verdict v = PK_VERDICT_REJECT;
    assert_int_equal(
        pk_certify(&rq, p, NULL, ok, strlen(ok), f->lab, &v, &env, &n, err, sizeof err), PK_OK);
    assert_int_equal(v, PK_VERDICT_APPROVE);
    pk_cert *c = NULL;
    assert_int_equal(pk_cert_parse(env, n, &c, NULL, 0), PK_OK);
    assert_int_equal(pk_cert_subjects(c), 2); /* the zip and the program; not README */
    const char *h = NULL;
    assert_string_equal(pk_cert_subject(c, 0, &h), "app.zip");
    assert_string_equal(h, SHA_A);
    assert_string_equal(pk_cert_subject(c, 1, NULL), "app.zip!/bin/app");
    assert_string_equal(pk_cert_field(c, "expires"), "2026-07-01T10:00:00Z");
    assert_string_equal(pk_cert_field(c, "lab"), LAB);
    pk_cert_result r;
    uint8_t d[32];
    pk_sha256_from_hex(SHA_A, d);
    assert_int_equal(pk_cert_verify(c, f->t, d, "2026-06-15", &r), PK_CERT_VALID);
    assert_string_equal(r.subject, "app.zip");
    pk_cert_free(c);
    pk_cert_buf_free(env);
    /* REJECT is refused, naming the requirement */
    const char *bad = REPORT("{\"rule_id\":\"PK-KEY-0001\",\"severity\":\"high\",\"confidence\":90,"
                             "\"vpath\":\"/lab/in/app.zip!/k.pem\",\"offset\":0,\"evidence\":\"x\","
                             "\"message\":\"m\"}");
    env = NULL;
    assert_int_equal(
        pk_certify(&rq, p, NULL, bad, strlen(bad), f->lab, &v, &env, &n, err, sizeof err),
        PK_E_USAGE);
    assert_int_equal(v, PK_VERDICT_REJECT);
    assert_null(env);
    assert_non_null(strstr(err, "REJECT (R-1)"));
    /* a request without a lab id or with expiry before issue */
    rq.lab = "bad lab";
    assert_int_equal(pk_certify(&rq, p, NULL, ok, strlen(ok), f->lab, &v, &env, &n, NULL, 0),
                     PK_E_USAGE);
    rq.lab = LAB;
    rq.expires = "2026-01-01";
    assert_int_equal(pk_certify(&rq, p, NULL, ok, strlen(ok), f->lab, &v, &env, &n, NULL, 0),
                     PK_E_USAGE);
    unlink(sbom);
    pk_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_b64),
        cmocka_unit_test(t_time),
        cmocka_unit_test(t_keys),
        cmocka_unit_test(t_dsse),
        cmocka_unit_test_setup_teardown(t_states, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(t_malformed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(t_records, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(t_certify, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
