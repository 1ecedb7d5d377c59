/* The secrets analyzer (lib/analyzers/secrets/): gitleaks' rules load with
 * exactly the count the converter kept, every kept regex compiles in the one
 * shared database, and credentials made at test time (never committed whole:
 * built from a fixed pseudo-random sequence) give exactly the findings
 * expected, at the secret's offset, redacted, with the sha256 in facts; the
 * gitleaks allowlists (AKIA...EXAMPLE, lockfile paths, generic stopwords) and
 * entropy thresholds keep the quiet cases quiet; private keys are left to the
 * keys analyzer; a token compiled into a program is found at its offset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/secrets/secrets_int.h"
#include "core/rulefiles.h"
#include "walk/harness_int.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_secrets;

#define RULES_KEPT    220 /* gitleaks.toml b58d3f1: 222 rules, 2 left to the keys analyzer */
#define RULES_DROPPED 2

static const char UPPER32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char ALNUM[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char DIGITS[] = "0123456789";

/* n characters of `alpha` from a fixed xorshift sequence: random-looking,
 * reproducible, and not a secret anyone holds. */
static void gen(char *out, size_t n, const char *alpha, uint64_t seed)
{
    size_t al = strlen(alpha);
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = alpha[(x >> 11) % al];
    }
    out[n] = 0;
}

static void run(const char *text, size_t n, const char *vpath, pki_frec *r)
{
    assert_int_equal(pki_frec_init(r), PK_OK);
    assert_int_equal(
        pki_harness_run(&pki_analyzer_secrets, (pk_bytes){(const uint8_t *)text, n}, vpath, r),
        PK_OK);
}

static size_t nsec(const pki_frec *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfind; i++)
        n += strcmp(r->findings[i].rule_id, "PK-SEC-0001") == 0;
    return n;
}

/* The finding at `off`; it must be the secret's range, name the rule, and
 * show no more than the first 4 characters. */
static const pk_finding *expect(const pki_frec *r, const char *text, const char *secret,
                                const char *rule, pk_severity sev, int conf)
{
    const char *p = strstr(text, secret);
    assert_non_null(p);
    uint64_t off = (uint64_t)(p - text);
    for (size_t i = 0; i < r->nfind; i++) {
        const pk_finding *f = &r->findings[i];
        if (f->loc.offset != off)
            continue;
        assert_string_equal(f->rule_id, "PK-SEC-0001");
        assert_int_equal(f->loc.length, strlen(secret));
        assert_int_equal(f->severity, sev);
        assert_int_equal(f->confidence, conf);
        char want[96];
        snprintf(want, sizeof want, "(gitleaks:%s)", rule);
        assert_non_null(strstr(f->message, want));
        /* redacted: the message and the evidence never hold the secret */
        assert_null(strstr(f->message, secret));
        assert_true(f->evidence.len <= 4 + 3 + 4);
        char ev[32];
        snprintf(ev, sizeof ev, "%.4s...%zu", secret, strlen(secret));
        assert_int_equal(f->evidence.len, strlen(ev));
        assert_memory_equal(f->evidence.ptr, ev, strlen(ev));
        /* the sha256 of the secret is in facts, for comparing findings */
        uint8_t h[32];
        char hx[65];
        assert_int_equal(EVP_Digest(secret, strlen(secret), h, NULL, EVP_sha256(), NULL), 1);
        for (size_t b = 0; b < 32; b++)
            snprintf(hx + 2 * b, 3, "%02x", h[b]);
        json_t *a = json_object_get(json_object_get(r->facts, "secrets"), "secrets");
        size_t k;
        json_t *e;
        int seen = 0;
        json_array_foreach(a, k, e)
        {
            if (json_integer_value(json_object_get(e, "offset")) == (json_int_t)off) {
                assert_string_equal(json_string_value(json_object_get(e, "sha256")), hx);
                char rid[96];
                snprintf(rid, sizeof rid, "gitleaks:%s", rule);
                assert_string_equal(json_string_value(json_object_get(e, "rule")), rid);
                seen = 1;
            }
        }
        assert_true(seen);
        return f;
    }
    fail_msg("no finding at offset %llu for %s", (unsigned long long)off, rule);
    return NULL;
}

static void test_rules_load(void **st)
{
    (void)st;
    const pki_rulefile *rf = pki_rulefile_get("secrets/gitleaks.json");
    assert_non_null(rf);
    char err[400] = "";
    pki_sec_set *s = pki_sec_set_load((const char *)rf->data, rf->len, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_int_equal(s->n, RULES_KEPT);
    assert_int_equal(s->ndropped, RULES_DROPPED);
    size_t generic = 0;
    for (size_t i = 0; i < s->n; i++) {
        assert_string_not_equal(s->rule[i].id, "private-key");
        generic += s->rule[i].klass == PKI_SEC_GENERIC;
    }
    assert_int_equal(generic, 1);
    assert_true(pki_sec_entropy("aaaa", 4) == 0.0);
    assert_true(pki_sec_entropy("abcd", 4) == 2.0);
    pki_sec_set_free(s);
    /* every kept pattern compiles in the shared database: the run succeeds */
    pki_frec r;
    run("", 0, "empty", &r);
    assert_int_equal(r.nfind, 0);
    pki_frec_fini(&r);
}

static void test_tokens(void **st)
{
    (void)st;
    char akia[21] = "AKIA", aws_sec[41], ghp[41] = "ghp_", slack[80], stripe[40] = "sk_live_",
         api[33], text[1024];
    gen(akia + 4, 16, UPPER32, 1);
    gen(aws_sec, 40, ALNUM, 2);
    gen(ghp + 4, 36, ALNUM, 3);
    char d1[11], d2[13], tail[25];
    gen(d1, 10, DIGITS, 4);
    gen(d2, 12, DIGITS, 5);
    gen(tail, 24, ALNUM, 6);
    snprintf(slack, sizeof slack, "xoxb-%s-%s-%s", d1, d2, tail);
    gen(stripe + 8, 24, ALNUM, 7);
    gen(api, 32, ALNUM, 8);
    snprintf(text, sizeof text,
             "[default]\n"
             "aws_access_key_id = %s\n"
             "aws_secret_access_key = %s\n"
             "GITHUB_TOKEN=%s\n"
             "slack: %s\n"
             "stripe = '%s'\n"
             "api_key = \"%s\"\n"
             "api_key = \"aaaaaaaabbbbbbbb\"\n"
             "example_id = AKIAIOSFODNN7EXAMPLE\n",
             akia, aws_sec, ghp, slack, stripe, api);
    pki_frec r;
    run(text, strlen(text), "etc/app.conf", &r);
    expect(&r, text, akia, "aws-access-token", PK_SEV_HIGH, 90);
    expect(&r, text, aws_sec, "generic-api-key", PK_SEV_MEDIUM, 60);
    expect(&r, text, ghp, "github-pat", PK_SEV_HIGH, 90);
    expect(&r, text, slack, "slack-bot-token", PK_SEV_HIGH, 90);
    expect(&r, text, stripe, "stripe-access-token", PK_SEV_HIGH, 90);
    expect(&r, text, api, "generic-api-key", PK_SEV_MEDIUM, 60);
    /* not the low-entropy key, not AWS's documentation example; the
     * generic rule does not repeat what a specific rule found */
    assert_int_equal(nsec(&r), 6);
    pki_frec_fini(&r);

    /* gitleaks' global path allowlist: lockfiles are not read */
    run(text, strlen(text), "app/node_modules/x/package-lock.json", &r);
    assert_int_equal(nsec(&r), 0);
    pki_frec_fini(&r);
}

static void test_quiet(void **st)
{
    (void)st;
    char text[2048], pem[1400];
    char body[1025];
    gen(body, 1024, ALNUM, 9);
    /* a private key block is the keys analyzer's; a placeholder, variable
     * references, low entropy and no digit stay quiet */
    snprintf(pem, sizeof pem,
             "-----BEGIN RSA PRIVATE KEY-----\n%.64s\n%.64s\n%.64s\n-----END RSA PRIVATE "
             "KEY-----\n",
             body, body + 64, body + 128);
    snprintf(text, sizeof text,
             "%s"
             "password = \"${DB_PASSWORD}\"\n"
             "token: {{ .Values.token }}\n"
             "secret_key = \"changeme_changeme\"\n"
             "api_key = \"abcdefghijklmnopqrstuvwxyz\"\n"
             "access_token = \"%.20s\"\n" /* letters and digits, but a stopword: */
             "auth_key = \"YourAwsAccessKeyHereXX\"\n"
             /* parakh's additions for the generic rule (the false-positive run) */
             "  key: Tgnutls_x509_privkey_t;\n"
             " *      ./encrypt1 encrypt1-tmpl.xml deskey.bin > encrypt1-res.xml\n"
             "  Public key pin-sha256: SIXvRyDmBJSgatgTQRGbInBaAK+hZOQ18UmrSwnDlK8=\n"
             "  tpmkey:uuid=7f468c16-cb7f-11e1-824d-b3a4f4b20343;storage=user\n",
             pem, "0000000000000000000000");
    pki_frec r;
    run(text, strlen(text), "etc/quiet.conf", &r);
    for (size_t i = 0; i < r.nfind; i++)
        fprintf(stderr, "unexpected: %s\n", r.findings[i].message);
    assert_int_equal(nsec(&r), 0);
    pki_frec_fini(&r);
}

static void test_cap(void **st)
{
    (void)st;
    size_t n = 200 * 48;
    char *text = malloc(n + 1);
    assert_non_null(text);
    size_t o = 0;
    for (int i = 0; i < 200; i++) {
        char t[37];
        gen(t, 36, ALNUM, 100 + (uint64_t)i);
        o += (size_t)snprintf(text + o, n + 1 - o, "tok%03d ghp_%s\n", i, t);
    }
    pki_frec r;
    run(text, o, "tokens.txt", &r);
    assert_int_equal(nsec(&r), 50);
    json_t *f = json_object_get(r.facts, "secrets");
    assert_int_equal(json_integer_value(json_object_get(f, "findings_not_reported")), 150);
    assert_int_equal(json_array_size(json_object_get(f, "secrets")), 50);
    /* the first is the first token, 7 bytes in */
    assert_int_equal(r.findings[0].loc.offset, 7);
    assert_int_equal(r.findings[0].loc.length, 40);
    pki_frec_fini(&r);
    free(text);
}

/* A token compiled into a program as a string literal is found in the ELF at
 * the offset where the literal's bytes are. */
static void test_binary(void **st)
{
    (void)st;
    char ghp[41] = "ghp_", src[512];
    gen(ghp + 4, 36, ALNUM, 11);
    assert_int_equal(fx_mkdtemp("/tmp/pk-sec-XXXXXX"), 0);
    snprintf(src, sizeof src, "#include <stdio.h>\nint main(void){puts(\"%s\");return 0;}\n", ghp);
    fx_put("t.c", src);
    assert_int_equal(fx_sh("cc -O0 -o t t.c"), 0);
    size_t n;
    uint8_t *b = fx_slurp("t", &n);
    const uint8_t *p = memmem(b, n, ghp, strlen(ghp));
    assert_non_null(p);
    pki_frec r;
    run((const char *)b, n, "usr/bin/t", &r);
    assert_int_equal(nsec(&r), 1);
    assert_int_equal(r.findings[0].loc.offset, (uint64_t)(p - b));
    assert_int_equal(r.findings[0].loc.length, 40);
    assert_non_null(strstr(r.findings[0].message, "gitleaks:github-pat"));
    pki_frec_fini(&r);
    free(b);
    fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_load), cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_quiet),      cmocka_unit_test(test_cap),
        cmocka_unit_test(test_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
