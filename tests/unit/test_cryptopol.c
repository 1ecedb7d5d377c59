/* The cryptographic policy (lib/cryptopol/): exact verdicts of the built-in
 * rules/crypto-policy.tsv for algorithm, usage, size and date, including the
 * SP 800-131A and IR 8547 transitions; every row and alias of the table is
 * reachable and every algorithm the crypto analyzer names (but CRC-32) is in
 * it; malformed tables are refused with the line and the reason; allocation
 * failures leave nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "analyzers/crypto/crypto_int.h"
#include "core/core_int.h"
#include "core/rulefiles.h"
#include "cryptopol/policy_int.h"

static const pki_cryptopol *pol(void)
{
    const pki_cryptopol *p = NULL;
    char err[256] = "";
    pk_status st = pki_cryptopol_builtin(&p, err, sizeof err);
    if (st != PK_OK)
        fail_msg("built-in policy: %s", err);
    return p;
}

#define D "2026-11-26"

typedef struct jcase {
    const char *alg, *usage;
    int bits;
    const char *date;
    pki_cpol_status want;
    const char *since, *until; /* NULL: not checked */
    const char *sfr;           /* NULL: not checked */
    unsigned ambiguous;
} jcase;

static const jcase cases[] = {
    /* RSA by modulus, SP 800-131A Rev. 2 and IR 8547 ipd */
    {"RSA", "signature-generation", 1024, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", "FCS_COP.1", 0},
    {"RSA", "signature-verification", 1024, D, PKI_CPOL_LEGACY_USE, "", "", "FCS_COP.1", 0},
    {"RSA", "signature-generation", 2048, D, PKI_CPOL_APPROVED, "", "2031-01-01", NULL, 0},
    {"RSA", "signature-generation", 2048, "2030-12-31", PKI_CPOL_APPROVED, "", "2031-01-01", NULL,
     0},
    {"RSA", "signature-generation", 2048, "2031-01-01", PKI_CPOL_DEPRECATED, "2031-01-01",
     "2036-01-01", NULL, 0},
    {"RSA", "signature-generation", 2048, "2036-01-01", PKI_CPOL_DISALLOWED, "2036-01-01", "", NULL,
     0},
    {"RSA", "signature-generation", 3072, "2031-06-01", PKI_CPOL_APPROVED, "", "2036-01-01", NULL,
     0},
    {"RSA", "signature-generation", 4096, "2036-01-01", PKI_CPOL_DISALLOWED, "2036-01-01", "", NULL,
     0},
    {"RSA", "signature-generation", 1024, "2012-06-01", PKI_CPOL_DEPRECATED, "", "2014-01-01", NULL,
     0},
    {"RSA", "key-generation", 1024, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", "FCS_CKM.1", 0},
    {"RSA", "key-transport", 2048, D, PKI_CPOL_APPROVED, "", "2031-01-01", "FCS_CKM.2", 0},
    {"RSA", NULL, -1, D, PKI_CPOL_APPROVED, "", "2031-01-01", "FCS_CKM.1,FCS_CKM.2,FCS_COP.1",
     PKI_CPOL_AMBIG_USAGE | PKI_CPOL_AMBIG_BITS},
    {"RSA-2048", NULL, -1, "2032-01-01", PKI_CPOL_DEPRECATED, "2031-01-01", "2036-01-01", NULL,
     PKI_CPOL_AMBIG_USAGE},
    {"RSA-PSS", "signature-generation", 1024, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, 0},
    {"RSAES-PKCS1", "key-transport", 2048, D, PKI_CPOL_DISALLOWED, "2024-01-01", "", "FCS_CKM.2",
     0},
    /* TDEA, DES, Skipjack */
    {"3DES", "encryption", 168, "2023-12-31", PKI_CPOL_DEPRECATED, "", "2024-01-01", NULL, 0},
    {"3DES", "encryption", 168, "2024-01-01", PKI_CPOL_DISALLOWED, "2024-01-01", "", NULL, 0},
    {"3DES", "decryption", -1, D, PKI_CPOL_LEGACY_USE, "", "", NULL, 0},
    {"2TDEA", "encryption", -1, D, PKI_CPOL_DISALLOWED, "2016-01-01", "", NULL, 0},
    {"DES-EDE3", "encryption", -1, "2020-01-01", PKI_CPOL_DEPRECATED, "", "2024-01-01", NULL, 0},
    {"DES", "encryption", 56, D, PKI_CPOL_DISALLOWED, "2005-05-19", "", NULL, 0},
    {"Skipjack", "decryption", -1, D, PKI_CPOL_LEGACY_USE, "", "", NULL, 0},
    /* AES and its modes */
    {"AES", "encryption", 128, D, PKI_CPOL_APPROVED, "", "", "FCS_COP.1", 0},
    {"AES-128-ECB", "encryption", -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"aes-256-gcm", "encryption", -1, "2040-01-01", PKI_CPOL_APPROVED, "", "", NULL, 0},
    {"CAMELLIA-256-CBC", "encryption", -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"AES-XTS", NULL, 256, D, PKI_CPOL_APPROVED, "", "", "FCS_COP.1", 0},
    /* other ciphers */
    {"ChaCha20-Poly1305", "encryption", 256, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"ChaCha20/Salsa20", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"ARC4", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"Camellia", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"CAST-128/CAST-256", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"Blowfish", "encryption", 128, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    /* hashes */
    {"MD5", "hash", -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"SHA-1", "signature-generation", -1, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, 0},
    {"SHA-1", "signature-verification", -1, D, PKI_CPOL_LEGACY_USE, "", "", NULL, 0},
    {"SHA-1", "hash", -1, "2030-12-31", PKI_CPOL_APPROVED, "", "2031-01-01", NULL, 0},
    {"sha1", "hash", -1, "2031-01-01", PKI_CPOL_DISALLOWED, "2031-01-01", "", NULL, 0},
    {"SHA-1", NULL, -1, D, PKI_CPOL_APPROVED, "", "2031-01-01", NULL, PKI_CPOL_AMBIG_USAGE},
    {"SHA256", "signature-generation", -1, "2040-01-01", PKI_CPOL_APPROVED, "", "", "FCS_COP.1", 0},
    {"SHA-3/Keccak", NULL, -1, D, PKI_CPOL_APPROVED, "", "", NULL, 0},
    {"SHAKE256", "hash", -1, D, PKI_CPOL_APPROVED, "", "", NULL, 0},
    {"RIPEMD-160", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    /* MACs by key length */
    {"HMAC", "mac-generation", 80, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, 0},
    {"HMAC", "mac-verification", 80, D, PKI_CPOL_LEGACY_USE, "", "", NULL, 0},
    {"HMAC", "mac-generation", 112, D, PKI_CPOL_APPROVED, "", "", NULL, 0},
    {"HMAC", "mac-generation", -1, D, PKI_CPOL_APPROVED, "", "", NULL, PKI_CPOL_AMBIG_BITS},
    {"Poly1305", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    /* ECC by order length and by curve */
    {"ECDSA", "signature-generation", 192, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, 0},
    {"ECDSA", "signature-generation", 224, D, PKI_CPOL_APPROVED, "", "2031-01-01", NULL, 0},
    {"ECDSA", "signature-generation", 224, "2032-01-01", PKI_CPOL_DEPRECATED, "2031-01-01",
     "2036-01-01", NULL, 0},
    {"NIST P-192", NULL, -1, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, PKI_CPOL_AMBIG_USAGE},
    {"P-192", "signature-verification", -1, D, PKI_CPOL_LEGACY_USE, "", "", NULL, 0},
    {"NIST P-256", "key-agreement", -1, "2035-12-31", PKI_CPOL_APPROVED, "", "2036-01-01",
     "FCS_CKM.2", 0},
    {"prime256v1", "signature-generation", -1, "2036-01-01", PKI_CPOL_DISALLOWED, "2036-01-01", "",
     "FCS_COP.1", 0},
    {"secp256k1", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"brainpoolP256r1", "key-agreement", -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"brainpoolP384r1", "signature-generation", -1, D, PKI_CPOL_APPROVED, "", "2036-01-01", NULL,
     0},
    {"Curve25519/Ed25519", NULL, -1, D, PKI_CPOL_APPROVED, "", "2036-01-01", NULL,
     PKI_CPOL_AMBIG_USAGE},
    {"Curve25519/Ed25519", "key-agreement", -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"Ed25519", "signature-generation", -1, D, PKI_CPOL_APPROVED, "", "2036-01-01", NULL, 0},
    {"X25519", "key-agreement", -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    /* finite-field DH by group */
    {"MODP-1024", "key-agreement", -1, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", "FCS_CKM.2", 0},
    {"MODP-1536", NULL, -1, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, 0},
    {"MODP-2048", "key-agreement", -1, D, PKI_CPOL_APPROVED, "", "2031-01-01", NULL, 0},
    {"ffdhe3072", "key-agreement", -1, "2031-06-01", PKI_CPOL_APPROVED, "", "2036-01-01", NULL, 0},
    {"DH", "key-agreement", 1024, D, PKI_CPOL_DISALLOWED, "2014-01-01", "", NULL, 0},
    /* DSA: FIPS 186-5 */
    {"DSA", "signature-generation", 2048, "2023-02-02", PKI_CPOL_APPROVED, "", "2023-02-03", NULL,
     0},
    {"DSA", "signature-generation", 2048, "2023-02-03", PKI_CPOL_DISALLOWED, "2023-02-03", "", NULL,
     0},
    {"DSA", "signature-verification", 1024, D, PKI_CPOL_LEGACY_USE, "", "", NULL, 0},
    /* post-quantum */
    {"ML-KEM", "key-agreement", -1, "2040-01-01", PKI_CPOL_APPROVED, "", "", "FCS_CKM.2", 0},
    {"ML-KEM-768", NULL, -1, D, PKI_CPOL_APPROVED, "", "", NULL, 0},
    {"ML-DSA", "signature-generation", -1, D, PKI_CPOL_APPROVED, "", "", "FCS_COP.1", 0},
    {"CRYSTALS-Kyber", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    /* RNGs */
    {"CTR_DRBG", "rng", -1, D, PKI_CPOL_APPROVED, "", "", "FCS_RBG_EXT.1", 0},
    {"Dual_EC_DRBG", "rng", -1, D, PKI_CPOL_DISALLOWED, "", "", NULL, 0},
    {"X9.31-RNG", "rng", -1, "2015-12-31", PKI_CPOL_DEPRECATED, "", "2016-01-01", NULL, 0},
    /* protocols */
    {"TLSv1.0", "protocol", -1, D, PKI_CPOL_DISALLOWED, "", "", "FCS_TLSC_EXT.1", 0},
    {"TLSv1", "protocol", -1, D, PKI_CPOL_DISALLOWED, "", "", NULL, 0},
    {"SSLv3", NULL, -1, D, PKI_CPOL_DISALLOWED, "", "", "FCS_TLSC_EXT.1,FCS_TLSS_EXT.1", 0},
    {"TLS 1.2", "protocol", -1, D, PKI_CPOL_APPROVED, "", "", NULL, 0},
    {"TLSv1.3", "protocol", -1, D, PKI_CPOL_APPROVED, "", "", NULL, 0},
    /* national */
    {"SM2", "signature-generation", 256, D, PKI_CPOL_NATIONAL, "", "", "FCS_COP.1", 0},
    {"SM4", NULL, -1, D, PKI_CPOL_NATIONAL, "", "", NULL, 0},
    {"GOST 28147-89", NULL, -1, D, PKI_CPOL_NATIONAL, "", "", NULL, 0},
    {"Kuznyechik/Streebog", NULL, -1, D, PKI_CPOL_NATIONAL, "", "", NULL, 0},
    {"Streebog", "hash", -1, D, PKI_CPOL_NATIONAL, "", "", NULL, 0},
    {"SEED", NULL, -1, D, PKI_CPOL_NATIONAL, "", "", NULL, 0},
    /* names of rules/crypto/names.tsv: trailing tokens dropped */
    {"Blowfish-ECB", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"RC4-HMAC-MD5", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"2-key 3DES-CBC", "encryption", -1, D, PKI_CPOL_DISALLOWED, "2016-01-01", "", NULL, 0},
    {"SSL 2.0", "protocol", -1, D, PKI_CPOL_DISALLOWED, "", "", NULL, 0},
    {"DTLS 1.0", "protocol", -1, D, PKI_CPOL_DISALLOWED, "", "", "FCS_DTLSC_EXT.1,FCS_DTLSS_EXT.1",
     0},
    {"ECB", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    {"NULL", NULL, -1, D, PKI_CPOL_NOT_APPROVED, "", "", NULL, 0},
    /* not in the table */
    {"CRC32", NULL, -1, D, PKI_CPOL_UNKNOWN, "", "", "", 0},
    {"HMAC-SHA-256", NULL, -1, D, PKI_CPOL_APPROVED, "", "", NULL,
     PKI_CPOL_AMBIG_USAGE | PKI_CPOL_AMBIG_BITS},
    {"Foo-2048-Bar", NULL, -1, D, PKI_CPOL_UNKNOWN, "", "", "", 0},
};

static void test_verdicts(void **state)
{
    (void)state;
    const pki_cryptopol *p = pol();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const jcase *c = &cases[i];
        pki_cryptopol_verdict v;
        assert_int_equal(pki_cryptopol_judge(p, c->alg, c->usage, c->bits, c->date, &v), PK_OK);
        if (v.status != c->want)
            fail_msg("case %zu %s/%s/%d@%s: %s, want %s (%s)", i, c->alg, c->usage ? c->usage : "-",
                     c->bits, c->date, pki_cryptopol_status_name(v.status),
                     pki_cryptopol_status_name(c->want), v.reason);
        if ((c->since && strcmp(v.since, c->since)) || (c->until && strcmp(v.until, c->until)))
            fail_msg("case %zu %s: since '%s' until '%s' (%s)", i, c->alg, v.since, v.until,
                     v.reason);
        if (c->sfr && strcmp(v.sfr, c->sfr))
            fail_msg("case %zu %s: sfr '%s', want '%s'", i, c->alg, v.sfr, c->sfr);
        if (v.ambiguous != c->ambiguous)
            fail_msg("case %zu %s: ambiguous %u, want %u (%s)", i, c->alg, v.ambiguous,
                     c->ambiguous, v.reason);
        assert_true(v.reason[0]);
        assert_true((v.row == NULL) == (c->want == PKI_CPOL_UNKNOWN));
    }
}

static void judge_ok(const char *alg, const char *usage, int bits, const char *date,
                     pki_cryptopol_verdict *v)
{
    assert_int_equal(pki_cryptopol_judge(pol(), alg, usage, bits, date, v), PK_OK);
}

static void test_reasons(void **state)
{
    (void)state;
    pki_cryptopol_verdict v;
    judge_ok("RSA", "signature-generation", 1024, D, &v);
    assert_string_equal(v.reason, "RSA-1024 for signature generation is disallowed since "
                                  "2014-01-01 (SP 800-131A Rev. 2 §3 Table 2 and §6 Table 5; "
                                  "SP 800-57 Part 1 Rev. 5 Table 4)");
    assert_string_equal(v.row->algorithm, "RSA");
    assert_null(v.row->family);
    judge_ok("RSA", "signature-generation", 2048, "2031-01-01", &v);
    assert_string_equal(v.reason,
                        "RSA-2048 for signature generation is deprecated since 2031-01-01; "
                        "disallowed from 2036-01-01 (SP 800-57 Part 1 Rev. 5 Table 2; NIST IR "
                        "8547 ipd signature and key-establishment tables (112-bit security: "
                        "deprecated after 2030, disallowed after 2035))");
    judge_ok("AES-256-GCM", "encryption", -1, D, &v);
    assert_string_equal(v.reason, "AES-256-GCM for encryption is approved (SP 800-38D)");
    assert_string_equal(v.row->algorithm, "AES-GCM");
    assert_string_equal(v.row->family, "AES");
    judge_ok("TLSv1.1", "protocol", -1, D, &v);
    assert_string_equal(v.reason, "TLSv1.1 as a protocol version is disallowed (SP 800-52 Rev. 2 "
                                  "§3.1; RFC 8996)");
    judge_ok("SM3", NULL, -1, D, &v);
    assert_string_equal(v.reason, "SM3 is not FIPS-approved (a national standard) (GB/T "
                                  "32905-2016; ISO/IEC 10118-3)");
    judge_ok("HMAC", "mac-generation", -1, D, &v);
    assert_non_null(strstr(v.reason, "; size unknown: key of at least 112 bits"));
    judge_ok("HMAC", NULL, -1, D, &v);
    assert_non_null(strstr(v.reason, "; usage and size unknown: key of at least 112 bits"));
    judge_ok("CRC32", NULL, -1, D, &v);
    assert_string_equal(v.reason, "CRC32 has no entry in the crypto policy (version 2026-11-26.1)");
    /* NULL date is today: these hold on any date after 2014 */
    judge_ok("RSA", "signature-generation", 1024, NULL, &v);
    assert_int_equal(v.status, PKI_CPOL_DISALLOWED);
    judge_ok("AES", NULL, -1, NULL, &v);
    assert_int_equal(v.status, PKI_CPOL_APPROVED);
}

static void test_judge_errors(void **state)
{
    (void)state;
    const pki_cryptopol *p = pol();
    pki_cryptopol_verdict v;
    assert_int_equal(pki_cryptopol_judge(p, "AES", NULL, -1, "2026-13-01", &v), PK_E_USAGE);
    assert_string_equal(v.reason, "policy date '2026-13-01' is not YYYY-MM-DD");
    assert_int_equal(pki_cryptopol_judge(p, "AES", NULL, -1, "2026-02-29", &v), PK_E_USAGE);
    assert_int_equal(pki_cryptopol_judge(p, "AES", NULL, -1, "2024-02-29", &v), PK_OK);
    assert_int_equal(pki_cryptopol_judge(p, "AES", NULL, -1, "2026-1-01", &v), PK_E_USAGE);
    assert_int_equal(pki_cryptopol_judge(p, "AES", "signing", -1, D, &v), PK_E_USAGE);
    assert_string_equal(v.reason, "unknown crypto usage 'signing'");
    assert_int_equal(pki_cryptopol_judge(p, NULL, NULL, -1, D, &v), PK_E_MISUSE);
    assert_int_equal(pki_cryptopol_judge(NULL, "AES", NULL, -1, D, &v), PK_E_MISUSE);
    assert_int_equal(pki_cryptopol_judge(p, "AES", NULL, -1, D, NULL), PK_E_MISUSE);
    assert_true(pki_cryptopol_date_valid("2000-02-29"));
    assert_false(pki_cryptopol_date_valid("1900-02-29"));
    assert_false(pki_cryptopol_date_valid("2026-04-31"));
    assert_false(pki_cryptopol_date_valid("0000-01-01"));
}

/* Every row is the verdict for some input, every algorithm has a catch-all
 * row (nothing in the table judges as unknown for a missing usage), and every
 * name the crypto analyzer reports is in the table except CRC-32. */
static void test_table(void **state)
{
    (void)state;
    const pki_cryptopol *p = pol();
    assert_string_equal(pki_cryptopol_version(p), "2026-11-26.1");
    assert_string_equal(pki_cryptopol_date(p), "2026-11-26");
    size_t n;
    const pki_cryptopol_row *rows = pki_cryptopol_rows(p, &n);
    assert_true(n >= 150);
    static const char *const dates[] = {"2000-01-01", D, "2031-06-01", "2040-01-01"};
    for (size_t i = 0; i < n; i++) {
        const pki_cryptopol_row *r = &rows[i];
        int bits = r->bits_min >= 0 ? r->bits_min : r->bits_max;
        pki_cryptopol_verdict v;
        for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++) {
            judge_ok(r->algorithm, r->usage, bits, dates[d], &v);
            if (v.row != r)
                fail_msg("line %d (%s) is shadowed by line %d", r->line, r->algorithm,
                         v.row ? v.row->line : 0);
            assert_int_not_equal(v.status, PKI_CPOL_UNKNOWN);
            judge_ok(r->algorithm, NULL, -1, dates[d], &v);
            if (!v.row || v.row->usage)
                fail_msg("%s has no catch-all row", r->algorithm);
        }
    }
    for (int a = 0; a < PKI_CRY_ALG_COUNT; a++) {
        const char *name = pki_cry_alg_name((pki_cry_alg)a);
        pki_cryptopol_verdict v;
        judge_ok(name, NULL, -1, D, &v);
        if ((v.status == PKI_CPOL_UNKNOWN) != (strcmp(name, "CRC32") == 0))
            fail_msg("crypto analyzer name '%s': %s", name, v.reason);
    }
}

/* Every algorithm, mode and protocol the crypto analyzer's name rules
 * (rules/crypto/names.tsv, column 3) report is in the policy. */
static void test_analyzer_names(void **state)
{
    (void)state;
    const pki_rulefile *rf = pki_rulefile_get("crypto/names.tsv");
    if (!rf)
        skip();
    const char *s = (const char *)rf->data, *end = s + rf->len;
    size_t checked = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        char line[512], *f[4];
        size_t n = (size_t)(le - s) < sizeof line - 1 ? (size_t)(le - s) : sizeof line - 1;
        memcpy(line, s, n);
        line[n] = 0;
        s = le + 1;
        if (line[0] == '#' || !line[0])
            continue;
        int k = 0;
        for (char *p = line; k < 4 && p; k++) {
            f[k] = p;
            if ((p = strchr(p, '\t')) != NULL)
                *p++ = 0;
        }
        if (k < 3 || strcmp(f[1], "api") == 0 || strcmp(f[2], "-") == 0)
            continue;
        pki_cryptopol_verdict v;
        judge_ok(f[2], NULL, -1, D, &v);
        if (v.status == PKI_CPOL_UNKNOWN)
            fail_msg("names.tsv algorithm '%s' (%s): %s", f[2], f[1], v.reason);
        checked++;
    }
    assert_true(checked > 0);
}

/* A minimal valid table with one row at line 4, and variants of it. */
#define HDR "# version: 1\n# source: test\n# date: 2026-01-01\n"
#define ROW "X\t-\t*\t*\tapproved\t-\t-\tcite\tFCS_COP.1\t-\n"

static void expect_bad(const char *text, pk_status want, const char *msg)
{
    pki_cryptopol *p = (pki_cryptopol *)1;
    char err[256];
    pk_status st = pki_cryptopol_parse(text, strlen(text), "t.tsv", &p, err, sizeof err);
    if (st != want || p != NULL || strcmp(err, msg) != 0)
        fail_msg("status %d, err '%s'; want %d, '%s'", st, err, want, msg);
}

static void test_malformed(void **state)
{
    (void)state;
    pki_cryptopol *p = NULL;
    char err[256];
    assert_int_equal(pki_cryptopol_parse(HDR ROW, strlen(HDR ROW), "t.tsv", &p, err, sizeof err),
                     PK_OK);
    pki_cryptopol_free(p);
    expect_bad(HDR "X\t-\t*\t*\taproved\t-\t-\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: unknown status 'aproved'");
    expect_bad(HDR ROW "Y\t-\t*\t*\tdeprecated\t-\t2024-13-01\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:5: disallowed-from date '2024-13-01' is not YYYY-MM-DD");
    expect_bad(HDR "X\t-\t*\t*\tapproved\t31.12.2030\t-\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: deprecated-from date '31.12.2030' is not YYYY-MM-DD");
    expect_bad(HDR "X\t-\t*\t*\tnot-approved\t-\t2024-01-01\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: a not-approved row has no transition dates");
    expect_bad(HDR "X\t-\t*\t*\tdeprecated\t2020-01-01\t2024-01-01\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: only an approved row has a deprecated-from date");
    expect_bad(HDR "X\t-\t*\t*\tapproved\t2024-01-01\t2024-01-01\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: deprecated-from is not before disallowed-from");
    expect_bad(HDR "X\t-\t*\t*\tapproved\t-\t-\tc\tFCS_COP.1\n", PK_E_FORMAT,
               "t.tsv:4: 9 columns, want 10");
    expect_bad(HDR "X\t-\t*\t*\tapproved\t-\t-\tc\tFCS_COP.1\t-\textra\n", PK_E_FORMAT,
               "t.tsv:4: more than 10 columns, want 10");
    expect_bad(HDR "X\t-\tsigning\t*\tapproved\t-\t-\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: unknown usage 'signing'");
    expect_bad(HDR "X\t-\t*\t2048..1024\tapproved\t-\t-\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: bits '2048..1024' is not *, N, N.., ..M or N..M");
    expect_bad(HDR "X\t-\t*\t*\tapproved\t-\t-\tc\tFCS-COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: SFR 'FCS-COP.1' is not FCS_<component>.<n>[,...]");
    expect_bad(HDR "X\t-\t*\t*\tapproved\t-\t-\t-\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: no citation");
    expect_bad(HDR "X\t-\t\t*\tapproved\t-\t-\tc\tFCS_COP.1\t-\n", PK_E_FORMAT,
               "t.tsv:4: column 3 is empty (write - or *)");
    expect_bad(HDR ROW ROW, PK_E_FORMAT, "t.tsv:5: same algorithm, usage and bits as line 4");
    expect_bad("# source: test\n" ROW, PK_E_FORMAT, "t.tsv: no '# version:' header");
    expect_bad("# version: 1\n" ROW, PK_E_FORMAT, "t.tsv: no '# source:' header");
    expect_bad("# version: 1\n# version: 2\n# source: s\n" ROW, PK_E_FORMAT,
               "t.tsv:2: a second version: header");
    expect_bad("# version: 1\n# date: 2026-02-30\n# source: s\n" ROW, PK_E_FORMAT,
               "t.tsv:2: date: header '2026-02-30' is not YYYY-MM-DD");
    expect_bad(HDR, PK_E_FORMAT, "t.tsv: no rows");
    expect_bad(HDR ROW "@alias\tY\tZ\t-\n", PK_E_FORMAT, "t.tsv:5: alias of unknown algorithm 'Z'");
    expect_bad(HDR ROW "@alias\tx\tX\t-\n", PK_E_FORMAT,
               "t.tsv:5: alias 'x' is already an algorithm");
    expect_bad(HDR ROW "@alias\tY\tX\t-\n@alias\ty\tX\t-\n", PK_E_FORMAT,
               "t.tsv:6: alias 'y' repeats line 5");
    expect_bad(HDR ROW "@alias\tY\tX\n", PK_E_FORMAT,
               "t.tsv:5: an @alias line has 4 columns, not 3");
    expect_bad(HDR ROW "@alias\tY\tX\tbig\n", PK_E_FORMAT,
               "t.tsv:5: alias bits 'big' is not - or a number");
    /* a NUL inside the text */
    static const char nul[] = HDR "X\0";
    p = (pki_cryptopol *)1;
    assert_int_equal(pki_cryptopol_parse(nul, sizeof nul - 1, "t.tsv", &p, err, sizeof err),
                     PK_E_FORMAT);
    assert_null(p);
    assert_string_equal(err, "t.tsv: a NUL byte in the table");
    /* CRLF line ends are accepted */
    const char *crlf =
        "# version: 1\r\n# source: s\r\nX\t-\t*\t*\tapproved\t-\t-\tc\tFCS_COP.1\t-\r\n";
    assert_int_equal(pki_cryptopol_parse(crlf, strlen(crlf), "t.tsv", &p, err, sizeof err), PK_OK);
    size_t n;
    assert_string_equal(pki_cryptopol_rows(p, &n)[0].note ? "?" : "-", "-");
    assert_int_equal(n, 1);
    assert_string_equal(pki_cryptopol_version(p), "1");
    pki_cryptopol_free(p);
}

/* Every allocation failure while parsing the real table is reported as
 * PK_E_NOMEM and leaks nothing (the ASan build checks the leaks). */
static void test_alloc_fail(void **state)
{
    (void)state;
    const pki_rulefile *rf = pki_rulefile_get("crypto-policy.tsv");
    assert_non_null(rf);
    for (unsigned long k = 1; k < 64; k++) {
        pki_cryptopol *p = NULL;
        pki_alloc_fail_after(k);
        pk_status st = pki_cryptopol_parse((const char *)rf->data, rf->len, "x", &p, NULL, 0);
        unsigned long used = pki_alloc_count();
        pki_alloc_fail_after(0);
        if (st == PK_OK) {
            assert_true(used < k);
            pki_cryptopol_free(p);
            return;
        }
        assert_int_equal(st, PK_E_NOMEM);
        assert_null(p);
    }
    fail_msg("parse still failing after 63 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),       cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_judge_errors),   cmocka_unit_test(test_table),
        cmocka_unit_test(test_analyzer_names), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_alloc_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
