/* The crypto analyzer: every rule constant that can be derived cheaply is
 * recomputed here from the algorithm's definition, so a typo in a rule table
 * fails; real implementations (libcrypto, libz) are detected; random data and
 * a constant split across the pass's block boundary behave. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzers/crypto/crypto_int.h"
#include "walk/harness_int.h"

extern const pk_analyzer pki_analyzer_crypto;

#define LIBCRYPTO "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"
#define LIBZ      "/lib/x86_64-linux-gnu/libz.so.1"

static const pki_cry_rule *rule(const char *name)
{
    for (size_t i = 0; i < pki_cry_nrules(); i++)
        if (strcmp(pki_cry_rule_at(i)->name, name) == 0)
            return pki_cry_rule_at(i);
    fail_msg("no rule %s", name);
    return NULL;
}

static const uint32_t *w32(const char *name, size_t n)
{
    const pki_cry_rule *r = rule(name);
    assert_int_equal(r->enc, PKI_CRY_W32);
    assert_true(r->count >= n);
    return r->data;
}

static const uint64_t *w64(const char *name, size_t n)
{
    const pki_cry_rule *r = rule(name);
    assert_int_equal(r->enc, PKI_CRY_W64);
    assert_true(r->count >= n);
    return r->data;
}

static const uint8_t *b8(const char *name, size_t n)
{
    const pki_cry_rule *r = rule(name);
    assert_int_equal(r->enc, PKI_CRY_BYTES);
    assert_true(r->count >= n);
    return r->data;
}

/* ---- small unsigned big numbers (little-endian 32-bit limbs) for roots ---- */

#define BN_LIMBS 10 /* 320 bits: (2^70)^3 and p << 192 fit */
typedef struct bn {
    uint32_t l[BN_LIMBS];
} bn;

static bn bn_mul(const bn *a, const bn *b)
{
    uint64_t acc[2 * BN_LIMBS] = {0};
    bn r = {{0}};
    for (int i = 0; i < BN_LIMBS; i++) {
        uint64_t carry = 0;
        for (int j = 0; i + j < BN_LIMBS; j++) {
            uint64_t t = (uint64_t)a->l[i] * b->l[j] + acc[i + j] + carry;
            acc[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    for (int i = 0; i < BN_LIMBS; i++)
        r.l[i] = (uint32_t)acc[i];
    return r;
}

static int bn_cmp(const bn *a, const bn *b)
{
    for (int i = BN_LIMBS; i-- > 0;)
        if (a->l[i] != b->l[i])
            return a->l[i] < b->l[i] ? -1 : 1;
    return 0;
}

/* floor(p^(1/k) * 2^frac) mod 2^64, bit by bit (the root has < 80 bits). */
static uint64_t root_bits(uint32_t p, int k, int frac)
{
    bn target = {{0}};
    int sh = k * frac;
    target.l[sh / 32] = p << (sh % 32);
    if (sh % 32)
        target.l[sh / 32 + 1] = p >> (32 - sh % 32);
    bn r = {{0}};
    for (int bit = 79; bit >= 0; bit--) {
        bn t = r;
        t.l[bit / 32] |= 1u << (bit % 32);
        bn pw = t;
        for (int i = 1; i < k; i++)
            pw = bn_mul(&pw, &t);
        if (bn_cmp(&pw, &target) <= 0)
            r = t;
    }
    return (uint64_t)r.l[0] | (uint64_t)r.l[1] << 32;
}

static uint32_t nth_prime(int n)
{
    uint32_t c = 1;
    for (int found = 0; found < n;) {
        c++;
        int prime = 1;
        for (uint32_t d = 2; d * d <= c; d++)
            if (c % d == 0)
                prime = 0;
        found += prime;
    }
    return c;
}

/* ---- (1) constants from definitions ---- */

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static void aes_sbox(uint8_t s[256])
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (int y = 1; x && y < 256; y++)
            if (gf_mul((uint8_t)x, (uint8_t)y) == 1)
                inv = (uint8_t)y;
        uint8_t r = inv;
        for (int i = 1; i < 5; i++)
            r ^= (uint8_t)((inv << i) | (inv >> (8 - i)));
        s[x] = r ^ 0x63;
    }
}

static void test_aes(void **st)
{
    (void)st;
    uint8_t s[256], inv[256];
    aes_sbox(s);
    for (int i = 0; i < 256; i++)
        inv[s[i]] = (uint8_t)i;
    assert_memory_equal(b8("aes-sbox", 32), s, 32);
    assert_memory_equal(b8("aes-inv-sbox", 32), inv, 32);
    const uint32_t *te0 = w32("aes-te0", 8);
    for (int i = 0; i < 8; i++) {
        uint32_t want = (uint32_t)gf_mul(s[i], 2) << 24 | (uint32_t)s[i] << 16 |
                        (uint32_t)s[i] << 8 | gf_mul(s[i], 3);
        assert_int_equal(te0[i], want);
    }
}

static void test_sha2(void **st)
{
    (void)st;
    const uint32_t *k256 = w32("sha256-k", 8), *h256 = w32("sha256-iv", 8);
    const uint64_t *k512 = w64("sha512-k", 4), *h512 = w64("sha512-iv", 8);
    for (int i = 0; i < 8; i++) {
        uint32_t p = nth_prime(i + 1);
        assert_int_equal(k256[i], (uint32_t)root_bits(p, 3, 32));
        assert_int_equal(h256[i], (uint32_t)root_bits(p, 2, 32));
        assert_true(h512[i] == root_bits(p, 2, 64));
        if (i < 4)
            assert_true(k512[i] == root_bits(p, 3, 64));
    }
}

static void test_sha1_md5(void **st)
{
    (void)st;
    /* FIPS 180-4 4.2.1: K = floor(2^30 * sqrt(2, 3, 5, 10)) */
    static const uint32_t radicand[4] = {2, 3, 5, 10};
    const uint32_t *k = w32("sha1-k", 4), *ks = w32("sha1-k-simd", 16);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(k[i], (uint32_t)root_bits(radicand[i], 2, 30));
        for (int j = 0; j < 4; j++)
            assert_int_equal(ks[4 * i + j], k[i]);
    }
    /* the initial buffer is the counting pattern 01 23 45 .. ef fe dc .. 10 (little-endian),
     * then f0 e1 d2 c3 */
    uint8_t iv[20];
    for (int i = 0; i < 8; i++) {
        iv[i] = (uint8_t)(0x01 + 0x22 * i);
        iv[8 + i] = (uint8_t)(0xfe - 0x22 * i);
    }
    for (int i = 0; i < 4; i++)
        iv[16 + i] = (uint8_t)(0xf0 - 0x0f * i);
    uint8_t enc[PKI_CRY_MAX_PATTERN];
    assert_int_equal(pki_cry_encode(rule("sha1-iv"), 0, enc, sizeof enc), 20);
    assert_memory_equal(enc, iv, 20);
    assert_int_equal(pki_cry_encode(rule("md5-iv"), 0, enc, sizeof enc), 16);
    assert_memory_equal(enc, iv, 16);
    /* RFC 1321 3.4: T[i] = floor(2^32 * abs(sin(i))), i from 1 */
    const uint32_t *t = w32("md5-t", 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(t[i], (uint32_t)(fabs(sin(i + 1.0)) * 4294967296.0));
}

static void test_crc_chacha_camellia(void **st)
{
    (void)st;
    const uint32_t *crc = w32("crc32-table", 8);
    for (uint32_t n = 0; n < 8; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        assert_int_equal(crc[n], c);
    }
    assert_memory_equal(b8("chacha-sigma", 16), "expand 32-byte k", 16);
    assert_memory_equal(b8("chacha-tau", 16), "expand 16-byte k", 16);
    /* RFC 3713 2.4.1: hex digits 2..17 of sqrt of the first six primes */
    const uint64_t *sig = w64("camellia-sigma", 6);
    for (int i = 0; i < 6; i++)
        assert_true(sig[i] == root_bits(nth_prime(i + 1), 2, 68));
}

/* Blowfish: hex digits of pi by the Bailey-Borwein-Plouffe formula. */
static long double bbp_series(int j, int n)
{
    long double s = 0;
    for (int k = 0; k <= n; k++) {
        long double r = 8 * k + j, p = 1, b = 16;
        /* 16^(n-k) mod r by squaring */
        long double m = 1;
        for (int e = n - k; e; e >>= 1) {
            if (e & 1)
                m = fmodl(m * b, r);
            b = fmodl(b * b, r);
        }
        (void)p;
        s = s + m / r;
        s -= floorl(s);
    }
    for (int k = n + 1; k <= n + 30; k++)
        s += powl(16.0L, (long double)(n - k)) / (8 * k + j);
    return s - floorl(s);
}

static uint32_t pi_word(int digit) /* 8 hex digits of pi's fraction from position digit */
{
    long double x = 4 * bbp_series(1, digit) - 2 * bbp_series(4, digit) - bbp_series(5, digit) -
                    bbp_series(6, digit);
    x -= floorl(x);
    return (uint32_t)(x * 4294967296.0L);
}

static void test_blowfish_des(void **st)
{
    (void)st;
    const uint32_t *p = w32("blowfish-p", 4), *s1 = w32("blowfish-s1", 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(p[i], pi_word(8 * i));
        assert_int_equal(s1[i], pi_word(8 * (18 + i)));
    }
    /* d3des SP1 = S1 through the P permutation, rotated left by one */
    static const uint8_t pinv_s1[4] = {9, 17, 23, 31}; /* P-output positions of S1's bits */
    const uint8_t *sb = b8("des-s1", 32);
    const uint32_t *sp = w32("des-sp1", 8);
    for (int i = 0; i < 8; i++) {
        int row = ((i >> 4) & 2) | (i & 1), col = (i >> 1) & 15;
        uint8_t v = sb[16 * row + col];
        uint32_t w = 0;
        for (int b = 0; b < 4; b++)
            if (v & (8 >> b))
                w |= 1u << (32 - pinv_s1[b]);
        assert_int_equal(sp[i], (w << 1) | (w >> 31));
    }
}

static void test_rules_sane(void **st)
{
    (void)st;
    /* every rule encodes to >= 16 bytes and names are unique */
    for (size_t i = 0; i < pki_cry_nrules(); i++) {
        const pki_cry_rule *r = pki_cry_rule_at(i);
        uint8_t enc[PKI_CRY_MAX_PATTERN];
        assert_true(pki_cry_encode(r, 0, enc, sizeof enc) >= 16);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(pki_cry_rule_at(j)->name, r->name);
    }
}

/* ---- (2) real implementations ---- */

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(sz > 0 ? (size_t)sz : 1);
    *n = b ? fread(b, 1, (size_t)sz, f) : 0;
    fclose(f);
    return b;
}

static size_t alg_findings(const pki_frec *r, const char *alg)
{
    size_t n = 0, al = strlen(alg);
    for (size_t i = 0; i < r->nfind; i++)
        if (strcmp(r->findings[i].rule_id, "PK-CRY-0001") == 0 &&
            strncmp(r->findings[i].message, alg, al) == 0 && r->findings[i].message[al] == ' ')
            n++;
    return n;
}

static const json_t *alg_fact(const pki_frec *r, const char *alg)
{
    json_t *arr = json_object_get(json_object_get(r->facts, "crypto"), "algorithms");
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "name")), alg) == 0)
            return e;
    }
    return NULL;
}

static void test_libcrypto(void **st)
{
    (void)st;
    size_t n = 0;
    uint8_t *buf = slurp(LIBCRYPTO, &n);
    if (!buf) {
        skip();
        return;
    }
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(
        pki_harness_run(&pki_analyzer_crypto, (pk_bytes){buf, n}, "libcrypto.so.3", &r), PK_OK);
    static const char *const want[] = {"AES", "SHA-256",  "SHA-512",          "SHA-1",
                                       "MD5", "Blowfish", "ChaCha20/Salsa20", "SM3",
                                       "SM4", "DES",      "Camellia"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t k = alg_findings(&r, want[i]);
        if (k == 0)
            fail_msg("%s not found in " LIBCRYPTO, want[i]);
        assert_true(k <= 4);
        const json_t *f = alg_fact(&r, want[i]);
        assert_non_null(f);
        assert_true(json_integer_value(json_object_get(f, "count")) >= (json_int_t)k);
    }
    for (size_t i = 0; i < r.nfind; i++) {
        const pk_finding *f = &r.findings[i];
        assert_int_equal(f->severity, PK_SEV_INFO);
        assert_true(f->loc.offset + f->evidence.len <= n);
        assert_true(f->confidence == 90 || f->confidence == 70);
    }
    /* AES has four S-box copies and more: capped at 4 findings, all counted */
    const json_t *aes = alg_fact(&r, "AES");
    assert_int_equal(alg_findings(&r, "AES"), 4);
    assert_true(json_integer_value(json_object_get(aes, "count")) > 4);
    assert_string_equal(json_string_value(json_object_get(aes, "family")), "block cipher");
    pki_frec_fini(&r);
    free(buf);
}

static void test_libz(void **st)
{
    (void)st;
    size_t n = 0;
    uint8_t *buf = slurp(LIBZ, &n);
    if (!buf) {
        skip();
        return;
    }
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_crypto, (pk_bytes){buf, n}, "libz.so.1", &r),
                     PK_OK);
    assert_true(alg_findings(&r, "CRC32") >= 1);
    const json_t *f = alg_fact(&r, "CRC32");
    assert_non_null(f);
    assert_string_equal(json_string_value(json_object_get(f, "family")),
                        "checksum (non-cryptographic)");
    assert_string_equal(json_string_value(json_object_get(f, "endian")), "little");
    pki_frec_fini(&r);
    free(buf);
}

/* ---- (3) random data ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void test_random(void **st)
{
    (void)st;
    size_t n = 8u << 20;
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    uint64_t seed = 20261126;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = splitmix(&seed);
        memcpy(buf + i, &v, 8);
    }
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_crypto, (pk_bytes){buf, n}, "random.bin", &r),
                     PK_OK);
    assert_int_equal(r.nfind, 0);
    assert_null(json_object_get(r.facts, "crypto"));
    pki_frec_fini(&r);

    /* each rule, both byte orders, planted at an odd offset: found there */
    for (size_t i = 0; i < pki_cry_nrules(); i++) {
        const pki_cry_rule *rl = pki_cry_rule_at(i);
        for (int be = 0; be < (rl->enc == PKI_CRY_BYTES ? 1 : 2); be++) {
            uint8_t enc[PKI_CRY_MAX_PATTERN];
            size_t len = pki_cry_encode(rl, be, enc, sizeof enc);
            memcpy(buf + 4097, enc, len);
            assert_int_equal(pki_frec_init(&r), PK_OK);
            assert_int_equal(
                pki_harness_run(&pki_analyzer_crypto, (pk_bytes){buf, 65536}, "plant.bin", &r),
                PK_OK);
            int found = 0;
            for (size_t j = 0; j < r.nfind; j++)
                if (r.findings[j].loc.offset == 4097 && r.findings[j].loc.length == len &&
                    strstr(r.findings[j].message, rl->name))
                    found = 1;
            if (!found)
                fail_msg("rule %s (be=%d) not found", rl->name, be);
            pki_frec_fini(&r);
        }
    }
    free(buf);
}

/* ---- (4) across the pass's block boundary, through a real scan ---- */

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void test_block_boundary(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-crypto-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/blob.bin", dir);
    size_t n = 600000;
    uint8_t *buf = calloc(1, n);
    assert_non_null(buf);
    uint8_t enc[PKI_CRY_MAX_PATTERN];
    size_t len = pki_cry_encode(rule("sha256-k"), 1, enc, sizeof enc);
    size_t at = 262144 - 13; /* straddles the first 256 KiB block boundary */
    memcpy(buf + at, enc, len);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
    free(buf);

    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    pk_scan *s;
    assert_int_equal(pk_scan_new(&o, &s), PK_OK);
    assert_int_equal(pk_scan_add_path(s, path), PK_OK);
    assert_int_equal(pk_scan_run(s), PK_OK);
    char *rep = NULL;
    size_t replen = 0;
    FILE *m = open_memstream(&rep, &replen);
    assert_int_equal(pk_report_write(s, "json", m), PK_OK);
    fclose(m);
    assert_int_equal(count_str(rep, "\"PK-CRY-0001\""), 1);
    assert_non_null(strstr(rep, "at offset 262131"));
    assert_non_null(strstr(rep, "\"first_offset\": 262131"));
    free(rep);
    pk_scan_free(s);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aes),          cmocka_unit_test(test_sha2),
        cmocka_unit_test(test_sha1_md5),     cmocka_unit_test(test_crc_chacha_camellia),
        cmocka_unit_test(test_blowfish_des), cmocka_unit_test(test_rules_sane),
        cmocka_unit_test(test_libcrypto),    cmocka_unit_test(test_libz),
        cmocka_unit_test(test_random),       cmocka_unit_test(test_block_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
