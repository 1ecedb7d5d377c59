/* The crypto analyzer: every rule constant that can be derived cheaply is
 * recomputed here from the algorithm's definition, so a typo in a rule table
 * fails; real implementations (libcrypto, libgcrypt, nettle/hogweed, GnuTLS,
 * libsodium, libz) are detected; random data and a constant split across the
 * pass's block boundary behave. */
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
#include "fixture.h"

extern const pk_analyzer pki_analyzer_crypto;

#define LIBCRYPTO "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"
#define LIBZ      "/lib/x86_64-linux-gnu/libz.so.1"
#define LIBGCRYPT "/usr/lib/x86_64-linux-gnu/libgcrypt.so.20"
#define LIBGNUTLS "/usr/lib/x86_64-linux-gnu/libgnutls.so.30"
#define LIBSODIUM "/usr/lib/x86_64-linux-gnu/libsodium.so.23"

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
        if (strcmp(f->rule_id, "PK-CRY-0001") != 0)
            continue; /* names and APIs: test_crypto_names.c */
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
    char *rep = fx_write_scan(path, buf, n);
    free(buf);
    assert_int_equal(count_str(rep, "\"PK-CRY-0001\""), 1);
    assert_non_null(strstr(rep, "at offset 262131"));
    assert_non_null(strstr(rep, "\"first_offset\": 262131"));
    free(rep);
    unlink(path);
    rmdir(dir);
}

/* ---- (5) the families of issue 6: constants from definitions ---- */

static uint8_t ror4(uint8_t x, int n)
{
    return (uint8_t)(((x >> n) | (x << (4 - n))) & 15);
}

/* Twofish paper 4.3.5: q0/q1 from the 4-bit tables t0..t3 */
static uint8_t twofish_q(const uint8_t t[4][16], uint8_t x)
{
    uint8_t a0 = x >> 4, b0 = x & 15;
    uint8_t a1 = a0 ^ b0, b1 = (uint8_t)(a0 ^ ror4(b0, 1) ^ ((8 * a0) & 15));
    uint8_t a2 = t[0][a1], b2 = t[1][b1];
    uint8_t a3 = a2 ^ b2, b3 = (uint8_t)(a2 ^ ror4(b2, 1) ^ ((8 * a2) & 15));
    return (uint8_t)(16 * t[3][b3] + t[2][a3]);
}

static void test_twofish_ripemd_seed(void **st)
{
    (void)st;
    static const uint8_t t0[4][16] = {
        {8, 1, 7, 13, 6, 15, 3, 2, 0, 11, 5, 9, 14, 12, 10, 4},
        {14, 12, 11, 8, 1, 2, 3, 5, 15, 4, 10, 6, 7, 0, 9, 13},
        {11, 10, 5, 14, 6, 13, 9, 0, 12, 8, 15, 3, 2, 4, 7, 1},
        {13, 7, 15, 4, 1, 2, 6, 14, 9, 11, 3, 0, 8, 5, 12, 10},
    };
    static const uint8_t t1[4][16] = {
        {2, 8, 11, 13, 15, 7, 6, 14, 3, 1, 9, 4, 0, 10, 12, 5},
        {1, 14, 2, 11, 4, 12, 3, 7, 6, 13, 10, 5, 15, 9, 0, 8},
        {4, 12, 7, 5, 1, 6, 9, 10, 0, 14, 13, 8, 2, 11, 3, 15},
        {11, 9, 5, 1, 12, 3, 13, 14, 6, 4, 7, 15, 2, 0, 8, 10},
    };
    const uint8_t *q0 = b8("twofish-q0", 32), *q1 = b8("twofish-q1", 32);
    for (int x = 0; x < 32; x++) {
        assert_int_equal(q0[x], twofish_q(t0, (uint8_t)x));
        assert_int_equal(q1[x], twofish_q(t1, (uint8_t)x));
    }
    /* RIPEMD-160: K = floor(2^30 sqrt(p)), K' = floor(2^30 cbrt(p)), p = 2, 3, 5, 7 */
    const uint32_t *kl = w32("ripemd160-k", 4), *kr = w32("ripemd160-k2", 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(kl[i], (uint32_t)root_bits(nth_prime(i + 1), 2, 30));
        assert_int_equal(kr[i], (uint32_t)root_bits(nth_prime(i + 1), 3, 30));
    }
    /* SEED (RFC 4269): KC_i = golden ratio rotated left by i; SS0[x] masks one byte S0[x] */
    const uint32_t *kc = w32("seed-kc", 8), *ss0 = w32("seed-ss0", 8);
    for (int i = 0; i < 8; i++) {
        uint32_t g = 0x9e3779b9u;
        assert_int_equal(kc[i], i ? (g << i) | (g >> (32 - i)) : g);
        uint8_t s = (uint8_t)((ss0[i] & 0xfcu) | ((ss0[i] >> 24) & 0x03u)); /* S0[x] back */
        uint32_t want = (uint32_t)(s & 0x3f) << 24 | (uint32_t)(s & 0xcf) << 16 |
                        (uint32_t)(s & 0xf3) << 8 | (uint32_t)(s & 0xfc);
        assert_int_equal(ss0[i], want);
    }
    /* CAST: CAST-128 and CAST-256 share S1; RC2: PITABLE is a permutation (no repeats) */
    const uint8_t *pit = b8("rc2-pitable", 32);
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < i; j++)
            assert_int_not_equal(pit[i], pit[j]);
}

static uint8_t gf_mul_poly(uint8_t a, uint8_t b, uint8_t poly)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? poly : 0));
        b >>= 1;
    }
    return r;
}

static void test_sha3_whirlpool(void **st)
{
    (void)st;
    /* FIPS 202 3.2.5: RC[ir] bit 2^j - 1 = rc(j + 7 ir), rc from the LFSR x^8+x^6+x^5+x^4+1 */
    const uint64_t *rc = w64("sha3-rc", 24);
    for (int ir = 0; ir < 24; ir++) {
        uint64_t v = 0;
        for (int j = 0; j < 7; j++) {
            int t = (j + 7 * ir) % 255;
            unsigned r = 1;
            for (int i = 0; i < t; i++) {
                r <<= 1;
                if (r & 0x100)
                    r ^= 0x171;
            }
            if (r & 1)
                v |= 1ull << ((1 << j) - 1);
        }
        assert_true(rc[ir] == v);
    }
    /* Whirlpool: S from the mini-boxes E, E^-1, R; C0 = S times (1 1 4 1 8 5 2 9) */
    static const uint8_t e[16] = {1, 11, 9, 12, 13, 6, 15, 3, 14, 8, 7, 4, 10, 2, 5, 0};
    static const uint8_t r[16] = {7, 12, 11, 13, 14, 4, 9, 15, 6, 3, 8, 10, 2, 5, 1, 0};
    uint8_t ei[16];
    for (int i = 0; i < 16; i++)
        ei[e[i]] = (uint8_t)i;
    const uint8_t *sb = b8("whirlpool-sbox", 32);
    for (int x = 0; x < 32; x++) {
        uint8_t u = e[x >> 4], l = ei[x & 15], m = r[u ^ l];
        assert_int_equal(sb[x], (uint8_t)(e[u ^ m] << 4 | ei[l ^ m]));
    }
    static const uint8_t circ[8] = {1, 1, 4, 1, 8, 5, 2, 9};
    const uint64_t *c0 = w64("whirlpool-c0", 4);
    for (int x = 0; x < 4; x++) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++)
            v = v << 8 | gf_mul_poly(sb[x], circ[k], 0x1d);
        assert_true(c0[x] == v);
    }
    /* GOST 28147-89: the expanded lane-0 tables come from the K1, K2 units */
    static const char *const pairs[2][2] = {
        {"gost28147-test-sbox", "gost28147-test-xtab"},
        {"gost28147-cryptopro-a-sbox", "gost28147-cryptopro-a-xtab"},
    };
    for (int p = 0; p < 2; p++) {
        const uint8_t *k = b8(pairs[p][0], 32);
        const uint32_t *x = w32(pairs[p][1], 16);
        for (int i = 0; i < 16; i++) {
            uint32_t v = (uint32_t)(k[16 + (i >> 4)] << 4 | k[i & 15]);
            assert_int_equal(x[i], (v << 11) | (v >> 21));
        }
    }
}

static uint32_t bitrev(uint32_t x, int bits)
{
    uint32_t r = 0;
    for (int i = 0; i < bits; i++)
        r |= ((x >> i) & 1u) << (bits - 1 - i);
    return r;
}

static int64_t modpow(int64_t b, uint64_t e, int64_t m)
{
    int64_t r = 1;
    b %= m;
    for (; e; e >>= 1) {
        if (e & 1)
            r = r * b % m;
        b = b * b % m;
    }
    return r;
}

static int64_t centred(int64_t v, int64_t q)
{
    v %= q;
    return v > q / 2 ? v - q : v;
}

static void test_pq_poly(void **st)
{
    (void)st;
    /* FIPS 203: zeta^BitRev7(i) mod 3329; reference code: times 2^16, centred */
    const pki_cry_rule *k = rule("mlkem-zetas"), *km = rule("mlkem-zetas-mont");
    assert_int_equal(k->enc, PKI_CRY_W16);
    const uint16_t *kz = k->data, *kmz = km->data;
    for (uint32_t i = 0; i < 16; i++) {
        int64_t z = modpow(17, bitrev(i, 7), 3329);
        assert_int_equal(kz[i], z);
        assert_int_equal((int16_t)kmz[i], centred(z * 65536, 3329));
    }
    /* FIPS 204: 1753^BitRev8(i) mod 8380417, entries 1..8; reference: times 2^32, centred */
    const uint32_t *d = w32("mldsa-zetas", 8), *dm = w32("mldsa-zetas-mont", 8);
    for (uint32_t i = 0; i < 8; i++) {
        int64_t z = modpow(1753, bitrev(i + 1, 8), 8380417);
        assert_int_equal(d[i], z);
        assert_int_equal((int32_t)dm[i], centred((z << 32) % 8380417, 8380417));
    }
    /* RFC 8439 2.5.1: r &= 0x0ffffffc0ffffffc0ffffffc0fffffff */
    const uint8_t *c = rule("poly1305-clamp")->data;
    for (int i = 0; i < 16; i++)
        assert_int_equal(c[i], i % 4 == 0 ? 0x0f : i % 4 == 3 && i != 15 ? 0xfc : 0xff);
}

/* p = 2^256 - sum of terms, as big-endian bytes (terms below 2^256, signed) */
static void pow2_bytes(uint8_t out[32], const int *exps, const int *signs, int n, int64_t small)
{
    int32_t acc[33] = {0}; /* little-endian base-256 digits with carries */
    for (int i = 0; i < n; i++)
        acc[exps[i] / 8] += signs[i] * (1 << (exps[i] % 8));
    acc[0] += (int32_t)(small & 0xff);
    acc[1] += (int32_t)(small >> 8);
    for (int i = 0; i < 32; i++) {
        int32_t c = acc[i] >> 8; /* arithmetic: floor */
        acc[i] -= c * 256;
        acc[i + 1] += c;
    }
    for (int i = 0; i < 32; i++)
        out[31 - i] = (uint8_t)acc[i];
}

static void test_curves_groups(void **st)
{
    (void)st;
    uint8_t p[32];
    /* FIPS 186-4 D.1.2.3: p256 = 2^256 - 2^224 + 2^192 + 2^96 - 1 */
    static const int e256[] = {256, 224, 192, 96}, s256[] = {1, -1, 1, 1};
    pow2_bytes(p, e256, s256, 4, -1);
    assert_memory_equal(rule("p256-p")->data, p, 32);
    /* SEC 2 2.4.1: secp256k1 p = 2^256 - 2^32 - 977 */
    static const int ek[] = {256, 32}, sk[] = {1, -1};
    pow2_bytes(p, ek, sk, 2, -977);
    assert_memory_equal(rule("secp256k1-p")->data, p, 32);
    /* Ed25519 d in radix-2^51 limbs equals the byte form */
    const uint64_t *l = w64("ed25519-d-51", 5);
    const uint8_t *d = rule("ed25519-d")->data;
    for (int bit = 0; bit < 255; bit++) {
        int limb = bit / 51, off = bit % 51;
        int want = (d[31 - bit / 8] >> (bit % 8)) & 1;
        assert_int_equal((int)((l[limb] >> off) & 1), want);
    }
    /* every DH window is the low end of its prime: ends with 2^64 - 1 */
    for (size_t i = 0; i < pki_cry_nrules(); i++) {
        const pki_cry_rule *r = pki_cry_rule_at(i);
        if (strncmp(r->name, "dh-", 3) != 0)
            continue;
        assert_int_equal(r->enc, PKI_CRY_BIGNUM);
        const uint8_t *b = r->data;
        for (int j = 24; j < 32; j++)
            assert_int_equal(b[j], 0xff);
        assert_int_not_equal(b[23], 0xff);
    }
}

/* ---- (6) the families in real implementations ---- */

static void scan_file(const char *path, pki_frec *r, uint8_t **buf, size_t *n)
{
    *buf = slurp(path, n);
    assert_non_null(*buf);
    assert_int_equal(pki_frec_init(r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_crypto, (pk_bytes){*buf, *n}, path, r), PK_OK);
}

static void want_algs(const char *path, const char *const *want, size_t nw)
{
    if (access(path, R_OK) != 0) {
        skip();
        return;
    }
    pki_frec r;
    uint8_t *buf;
    size_t n;
    scan_file(path, &r, &buf, &n);
    for (size_t i = 0; i < nw; i++) {
        if (alg_findings(&r, want[i]) == 0)
            fail_msg("%s not found in %s", want[i], path);
        assert_non_null(alg_fact(&r, want[i]));
    }
    pki_frec_fini(&r);
    free(buf);
}

#define NWANT(a) (sizeof a / sizeof a[0])

static void test_libcrypto_families(void **st)
{
    (void)st;
    static const char *const want[] = {
        "ARIA",
        "SEED",
        "CAST-128/CAST-256",
        "RC2",
        "SHA-3/Keccak",
        "Whirlpool",
        "NIST P-192",
        "NIST P-224",
        "NIST P-256",
        "NIST P-384",
        "NIST P-521",
        "secp256k1",
        "brainpoolP256r1",
        "brainpoolP384r1",
        "brainpoolP512r1",
        "Curve25519/Ed25519",
        "SM2",
        "MODP-768",
        "MODP-1024",
        "MODP-1536",
        "MODP-2048",
        "MODP-3072",
        "MODP-4096",
        "MODP-6144",
        "MODP-8192",
        "ffdhe2048",
        "ffdhe3072",
        "ffdhe4096",
        "ffdhe6144",
        "ffdhe8192",
    };
    want_algs(LIBCRYPTO, want, NWANT(want));
}

static void test_libgcrypt(void **st)
{
    (void)st;
    static const char *const want[] = {"Twofish",       "SEED",         "CAST-128/CAST-256",
                                       "RC2",           "SHA-3/Keccak", "Whirlpool",
                                       "GOST 28147-89", "Streebog"};
    want_algs(LIBGCRYPT, want, NWANT(want));
}

static void test_gnutls_sodium(void **st)
{
    (void)st;
    static const char *const gnutls[] = {"Kuznyechik/Streebog", "GOST 28147-89", "ffdhe2048",
                                         "MODP-2048"};
    static const char *const sodium[] = {"Curve25519/Ed25519"};
    if (access(LIBGNUTLS, R_OK) != 0 && access(LIBSODIUM, R_OK) != 0) {
        skip();
        return;
    }
    if (access(LIBGNUTLS, R_OK) == 0)
        want_algs(LIBGNUTLS, gnutls, NWANT(gnutls));
    if (access(LIBSODIUM, R_OK) == 0)
        want_algs(LIBSODIUM, sodium, NWANT(sodium));
}

/* A program whose tables are written as the standards print them (not taken
 * from the rule tables), compiled now: each family is found in its ELF. */
static const char prog_src[] =
    "#include <stdint.h>\n"
    "#define U __attribute__((used))\n"
    "U static const uint8_t serpent_sbox[2][16] = {{3, 8, 15, 1, 10, 6, 5, 11, 14, 13, 4, 2, "
    "7, 0, 9, 12}, {15, 12, 2, 7, 9, 0, 5, 10, 1, 11, 14, 8, 6, 13, 3, 4}};\n"
    "U static const uint8_t blake2_sigma[3][16] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, "
    "13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}, {11, 8, 12, 0, 5, 2, "
    "15, 13, 10, 14, 3, 6, 7, 1, 9, 4}};\n"
    "U static const uint32_t rmd_kl[5] = {0x00000000, 0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, "
    "0xA953FD4E};\n"
    "U static const uint32_t rmd_kr[5] = {0x50A28BE6, 0x5C4DD124, 0x6D703EF3, 0x7A6D76E9, "
    "0x00000000};\n"
    "U static const uint8_t poly_clamp[16] = {0xff, 0xff, 0xff, 0x0f, 0xfc, 0xff, 0xff, 0x0f, "
    "0xfc, 0xff, 0xff, 0x0f, 0xfc, 0xff, 0xff, 0x0f};\n"
    "U static const uint8_t gost_test[8][16] = {{4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, "
    "15, 5, 3}, {14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9}};\n"
    "U static const uint8_t aria_sb2[16] = {0xe2, 0x4e, 0x54, 0xfc, 0x94, 0xc2, 0x4a, 0xcc, "
    "0x62, 0x0d, 0x6a, 0x46, 0x3c, 0x4d, 0x8b, 0xd1};\n"
    "U static const uint8_t ed25519_d[32] = {0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, "
    "0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00, 0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, "
    "0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52};\n";

static void test_compiled_program(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-cryfam-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char src[512], bin[512], cmd[1200];
    snprintf(src, sizeof src, "%s/t.c", dir);
    snprintf(bin, sizeof bin, "%s/t", dir);
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs(prog_src, f);
    /* ML-KEM / ML-DSA zetas, computed by the standards' formulas, as the reference code stores
     * them (Montgomery form, centred) */
    fputs("U static const int16_t kyber_zetas[128] = {", f);
    for (uint32_t i = 0; i < 128; i++)
        fprintf(f, "%s%lld", i ? ", " : "",
                (long long)centred(modpow(17, bitrev(i, 7), 3329) * 65536, 3329));
    fputs("};\nU static const int32_t dilithium_zetas[256] = {0", f);
    for (uint32_t i = 1; i < 256; i++)
        fprintf(f, ", %lld",
                (long long)centred((modpow(1753, bitrev(i, 8), 8380417) << 32) % 8380417, 8380417));
    fputs("};\nint main(void) { return 0; }\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -O2 -o %s %s", bin, src);
    if (system(cmd) != 0) {
        unlink(src);
        rmdir(dir);
        skip();
        return;
    }
    static const char *const want[] = {"Serpent",       "BLAKE2", "RIPEMD-160",         "Poly1305",
                                       "GOST 28147-89", "ARIA",   "Curve25519/Ed25519", "ML-KEM",
                                       "ML-DSA"};
    want_algs(bin, want, NWANT(want));
    unlink(bin);
    unlink(src);
    rmdir(dir);
}

/* coreutils carry no cipher, curve or group: at most hashes (sort's MD5, sha*sum) and CRCs */
static void test_coreutils(void **st)
{
    (void)st;
    static const char *const bins[] = {"/usr/bin/ls",  "/usr/bin/cp",   "/usr/bin/mv",
                                       "/usr/bin/cat", "/usr/bin/sort", "/usr/bin/sha256sum",
                                       "/usr/bin/dd",  "/usr/bin/tar"};
    int seen = 0;
    for (size_t i = 0; i < NWANT(bins); i++) {
        if (access(bins[i], R_OK) != 0)
            continue;
        seen++;
        pki_frec r;
        uint8_t *buf;
        size_t n;
        scan_file(bins[i], &r, &buf, &n);
        json_t *arr = json_object_get(json_object_get(r.facts, "crypto"), "algorithms");
        size_t j;
        json_t *e;
        json_array_foreach(arr, j, e)
        {
            const char *fam = json_string_value(json_object_get(e, "family"));
            if (strcmp(fam, "hash") != 0 && strcmp(fam, "checksum (non-cryptographic)") != 0)
                fail_msg("%s: %s (%s) claimed", bins[i],
                         json_string_value(json_object_get(e, "name")), fam);
        }
        pki_frec_fini(&r);
        free(buf);
    }
    if (!seen)
        skip();
}

/* ---- (7) issue 6 gaps: SHA-2 variants, GOST R 34.10, Edwards orders, ML-KEM gammas, names ---- */

#define LIBNETTLE  "/usr/lib/x86_64-linux-gnu/libnettle.so.8"
#define LIBHOGWEED "/usr/lib/x86_64-linux-gnu/libhogweed.so.6"

static uint64_t ror64(uint64_t x, int n)
{
    return (x >> n) | (x << (64 - n));
}

/* FIPS 180-4 6.4.2: one SHA-512 compression, K from the cube roots of the first 80 primes */
static void sha512_block(uint64_t h[8], const uint8_t blk[128])
{
    uint64_t w[80], v[8];
    for (int t = 0; t < 16; t++) {
        w[t] = 0;
        for (int b = 0; b < 8; b++)
            w[t] = w[t] << 8 | blk[8 * t + b];
    }
    for (int t = 16; t < 80; t++) {
        uint64_t s0 = ror64(w[t - 15], 1) ^ ror64(w[t - 15], 8) ^ (w[t - 15] >> 7);
        uint64_t s1 = ror64(w[t - 2], 19) ^ ror64(w[t - 2], 61) ^ (w[t - 2] >> 6);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    memcpy(v, h, sizeof v);
    for (int t = 0; t < 80; t++) {
        uint64_t k = root_bits(nth_prime(t + 1), 3, 64);
        uint64_t t1 = v[7] + (ror64(v[4], 14) ^ ror64(v[4], 18) ^ ror64(v[4], 41)) +
                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + k + w[t];
        uint64_t t2 = (ror64(v[0], 28) ^ ror64(v[0], 34) ^ ror64(v[0], 39)) +
                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += v[i];
}

/* FIPS 180-4 5.3.6: the SHA-512/t IV is SHA-512 of "SHA-512/t" from H(0) ^ a5a5.. */
static void sha512t_iv(const char *name, uint64_t h[8])
{
    uint8_t blk[128] = {0};
    size_t n = strlen(name);
    memcpy(blk, name, n);
    blk[n] = 0x80;
    blk[127] = (uint8_t)(n * 8);
    for (int i = 0; i < 8; i++)
        h[i] = root_bits(nth_prime(i + 1), 2, 64) ^ 0xa5a5a5a5a5a5a5a5ull;
    sha512_block(h, blk);
}

static void test_sha2_variants(void **st)
{
    (void)st;
    /* the SHA-512 code itself, on FIPS 180-4's "abc" example (first word of the digest) */
    uint64_t h[8];
    uint8_t abc[128] = {'a', 'b', 'c', 0x80};
    abc[127] = 24;
    for (int i = 0; i < 8; i++)
        h[i] = root_bits(nth_prime(i + 1), 2, 64);
    sha512_block(h, abc);
    assert_true(h[0] == 0xddaf35a193617abaull);
    /* 5.3.2, 5.3.4: square roots of the 9th..16th primes, 64 bits and their low 32 */
    const uint32_t *h224 = w32("sha224-iv", 8);
    const uint64_t *h384 = w64("sha384-iv", 8);
    for (int i = 0; i < 8; i++) {
        uint64_t r = root_bits(nth_prime(i + 9), 2, 64);
        assert_true(h384[i] == r);
        assert_int_equal(h224[i], (uint32_t)r);
    }
    static const struct {
        const char *rule, *name;
    } t[] = {{"sha512-224-iv", "SHA-512/224"}, {"sha512-256-iv", "SHA-512/256"}};
    for (size_t k = 0; k < 2; k++) {
        sha512t_iv(t[k].name, h);
        const uint64_t *r = w64(t[k].rule, 8);
        for (int i = 0; i < 8; i++)
            assert_true(r[i] == h[i]);
    }
}

/* ---- big numbers modulo p = 2^(32 n) - c, little-endian 32-bit limbs (n <= 16) ---- */

#define MP_MAX 16
static void mp_from_be(uint32_t *x, int n, const uint8_t *be, size_t len)
{
    memset(x, 0, (size_t)n * 4);
    for (size_t i = 0; i < len; i++) {
        size_t bit = (len - 1 - i) * 8;
        x[bit / 32] |= (uint32_t)be[i] << (bit % 32);
    }
}

static void mp_from_hex(uint32_t *x, int n, const char *hex)
{
    uint8_t b[4 * MP_MAX];
    size_t len = strlen(hex) / 2;
    assert_true(len <= sizeof b);
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        b[i] = (uint8_t)v;
    }
    mp_from_be(x, n, b, len);
}

/* r = a * b mod (2^(32 n) - c), fully reduced; c < 2^16 */
static void mp_mulmod(uint32_t *r, const uint32_t *a, const uint32_t *b, int n, uint32_t c)
{
    uint64_t t[2 * MP_MAX + 1] = {0};
    for (int i = 0; i < n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < n; j++) {
            uint64_t v = (uint64_t)a[i] * b[j] + t[i + j] + carry;
            t[i + j] = (uint32_t)v;
            carry = v >> 32;
        }
        t[i + n] = carry;
    }
    /* fold: hi * 2^(32n) == hi * c */
    for (int round = 0; round < 3; round++) {
        uint64_t carry = 0;
        for (int i = 0; i < n; i++) {
            uint64_t v = t[i] + t[i + n] * c + carry;
            t[i] = (uint32_t)v;
            carry = v >> 32;
        }
        for (int i = n; i < 2 * n; i++)
            t[i] = 0;
        t[n] = carry;
    }
    /* now < 2^(32n) + small: subtract p while >= p */
    for (int k = 0; k < 2; k++) {
        int ge = t[n] != 0;
        if (!ge) {
            ge = 1;
            for (int i = n; i-- > 0;) {
                uint32_t pi = i == 0 ? (uint32_t)(0u - c) : 0xffffffffu;
                if (t[i] != pi) {
                    ge = t[i] > pi;
                    break;
                }
            }
        }
        if (!ge)
            break;
        int64_t borrow = 0;
        for (int i = 0; i < n; i++) {
            int64_t pi = i == 0 ? (int64_t)(uint32_t)(0u - c) : 0xffffffffll;
            int64_t v = (int64_t)t[i] - pi - borrow;
            borrow = v < 0;
            t[i] = (uint32_t)(v + (borrow << 32));
        }
        t[n] -= (uint64_t)borrow;
    }
    for (int i = 0; i < n; i++)
        r[i] = (uint32_t)t[i];
}

static const uint8_t *bn_rule(const char *name, size_t len)
{
    const pki_cry_rule *r = rule(name);
    assert_int_equal(r->enc, PKI_CRY_BIGNUM);
    assert_int_equal(r->count, len);
    return r->data;
}

/* needle in hay (memmem without _GNU_SOURCE) */
static int has_bytes(const uint8_t *hay, size_t n, const uint8_t *needle, size_t len)
{
    for (size_t i = 0; len && i + len <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, len) == 0)
            return 1;
    return 0;
}

/* The rule's bytes in the file: be 1 as stored (big-endian), 0 reversed (little-endian limbs) */
static int rule_in_file(const char *path, const char *name, int be)
{
    size_t n = 0;
    uint8_t *buf = slurp(path, &n), enc[PKI_CRY_MAX_PATTERN];
    assert_non_null(buf);
    size_t len = pki_cry_encode(rule(name), be, enc, sizeof enc);
    int found = has_bytes(buf, n, enc, len);
    free(buf);
    return found;
}

/* The rule's number as hex text (libgcrypt keeps its curves as "0x..." strings) */
static int rule_as_hex(const char *path, const char *name, int upper)
{
    const pki_cry_rule *r = rule(name);
    char hex[2 * PKI_CRY_MAX_PATTERN + 1];
    for (size_t i = 0; i < r->min_bytes; i++)
        snprintf(hex + 2 * i, 3, upper ? "%02X" : "%02x", ((const uint8_t *)r->data)[i]);
    size_t n = 0;
    uint8_t *buf = slurp(path, &n);
    assert_non_null(buf);
    int found = has_bytes(buf, n, (const uint8_t *)hex, 2 * r->min_bytes);
    free(buf);
    return found;
}

/* RFC 4357 11.4 and RFC 7836 appendix A, as the documents print them */
#define CPA_GY "8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14"
#define T512A_GY                                                                                   \
    "7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a" \
    "41e98028fe5fc235f5b889a589cb5215f2a4"

static void test_edwards_gost_defs(void **st)
{
    (void)st;
    /* RFC 8032 5.1: L = 2^252 + 27742317777372353535851937790883648493; its low 16 bytes */
    static const char dec[] = "27742317777372353535851937790883648493";
    uint8_t l[16] = {0};
    for (const char *p = dec; *p; p++) {
        unsigned carry = (unsigned)(*p - '0');
        for (int i = 15; i >= 0; i--) {
            unsigned v = l[i] * 10u + carry;
            l[i] = (uint8_t)v;
            carry = v >> 8;
        }
        assert_int_equal(carry, 0);
    }
    assert_memory_equal(bn_rule("ed25519-l", 16), l, 16);
    /* RFC 7748 4.2: n = 2^446 - c; mod 2^256 that is 2^256 - c (c has 224 bits) */
    uint32_t c[8];
    mp_from_hex(c, 8, "000000008335dc163bb124b65129c96fde933d8d723a70aadc873d6d54a7bb0d");
    uint8_t want[32];
    uint64_t borrow = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t v = (uint64_t)0 - c[i] - borrow;
        borrow = c[i] || borrow ? 1 : 0;
        for (int b = 0; b < 4; b++)
            want[31 - 4 * i - b] = (uint8_t)(v >> (8 * b));
    }
    assert_memory_equal(bn_rule("curve448-n", 32), want, 32);
    /* CryptoPro-A: p = 2^256 - 617, a = -3, b = 166, G = (1, gy): gy^2 = 1 - 3 + 166 */
    uint32_t y[8], y2[8], gy[8];
    mp_from_be(y, 8, bn_rule("gost3410-cryptopro-a-gy", 32), 32);
    mp_from_hex(gy, 8, CPA_GY);
    assert_memory_equal(y, gy, sizeof y);
    mp_mulmod(y2, y, y, 8, 617);
    assert_int_equal(y2[0], 164);
    for (int i = 1; i < 8; i++)
        assert_int_equal(y2[i], 0);
    /* tc26-512-A: p = 2^512 - 569, a = -3, G = (3, gy): b = gy^2 - 27 + 9 */
    uint32_t y5[16], y52[16], b5[16];
    mp_from_hex(y5, 16, T512A_GY);
    mp_mulmod(y52, y5, y5, 16, 569);
    mp_from_be(b5, 16, bn_rule("gost3410-tc26-512a-b", 64), 64);
    assert_true(y52[0] >= 18);
    y52[0] -= 18;
    assert_memory_equal(y52, b5, sizeof b5);
    /* ML-KEM (FIPS 203 appendix A, second table): 17^(2 BitRev7(i) + 1) mod 3329 */
    const pki_cry_rule *g = rule("mlkem-gammas");
    assert_int_equal(g->enc, PKI_CRY_W16);
    for (uint32_t i = 0; i < 16; i++)
        assert_int_equal(((const uint16_t *)g->data)[i], modpow(17, 2 * bitrev(i, 7) + 1, 3329));
}

/* The bytes of each new rule in a real implementation on this machine. */
static void test_new_rules_in_libraries(void **st)
{
    (void)st;
    static const struct {
        const char *path, *rule;
        int be, hex; /* hex: as "0x..." text, 1 lower case, 2 upper case */
    } want[] = {
        {LIBCRYPTO, "sha224-iv", 0, 0},
        {LIBCRYPTO, "sha384-iv", 0, 0},
        {LIBCRYPTO, "sha512-224-iv", 0, 0},
        {LIBCRYPTO, "sha512-256-iv", 0, 0},
        {LIBCRYPTO, "curve448-n", 0, 0},
        {LIBCRYPTO, "ed25519-l", 0, 0},
        {LIBGCRYPT, "sha224-iv", 0, 0},
        {LIBGCRYPT, "sha384-iv", 0, 0},
        {LIBGCRYPT, "sha512-224-iv", 0, 0},
        {LIBGCRYPT, "sha512-256-iv", 0, 0},
        {LIBNETTLE, "sha224-iv", 0, 0},
        {LIBNETTLE, "sha512-256-iv", 0, 0},
        {LIBHOGWEED, "gost3410-cryptopro-a-q", 0, 0},
        {LIBHOGWEED, "gost3410-cryptopro-a-gy", 0, 0},
        {LIBHOGWEED, "gost3410-tc26-512a-q", 0, 0},
        {LIBHOGWEED, "gost3410-tc26-512a-b", 0, 0},
        {LIBHOGWEED, "curve448-n", 0, 0},
        {LIBHOGWEED, "ed25519-l", 0, 0},
        {LIBSODIUM, "ed25519-l", 0, 0},
        /* libgcrypt's ecc-curves.c: every GOST set, Ed25519 and Ed448, as text */
        {LIBGCRYPT, "gost3410-cryptopro-a-q", 0, 1},
        {LIBGCRYPT, "gost3410-cryptopro-a-gy", 0, 1},
        {LIBGCRYPT, "gost3410-cryptopro-b-q", 0, 1},
        {LIBGCRYPT, "gost3410-cryptopro-c-p", 0, 1},
        {LIBGCRYPT, "gost3410-tc26-256a-q", 0, 1},
        {LIBGCRYPT, "gost3410-tc26-512a-q", 0, 1},
        {LIBGCRYPT, "gost3410-tc26-512a-b", 0, 1},
        {LIBGCRYPT, "gost3410-tc26-512b-q", 0, 1},
        {LIBGCRYPT, "gost3410-tc26-512c-q", 0, 1},
        {LIBGCRYPT, "ed25519-l", 0, 2},
        {LIBGCRYPT, "curve448-n", 0, 2},
    };
    int seen = 0;
    for (size_t i = 0; i < NWANT(want); i++) {
        if (access(want[i].path, R_OK) != 0)
            continue;
        seen++;
        int ok = want[i].hex ? rule_as_hex(want[i].path, want[i].rule, want[i].hex == 2)
                             : rule_in_file(want[i].path, want[i].rule, want[i].be);
        if (!ok)
            fail_msg("%s not in %s", want[i].rule, want[i].path);
    }
    if (!seen)
        skip();
}

/* ...and the analyzer reports them under their own names. */
static void test_new_algs_found(void **st)
{
    (void)st;
    static const char *const libcrypto[] = {"SHA-224", "SHA-384", "SHA-512/224", "SHA-512/256",
                                            "Curve448"};
    static const char *const gcrypt[] = {"SHA-224", "SHA-384", "SHA-512/224", "SHA-512/256"};
    static const char *const hogweed[] = {"GOSTR3410", "Curve448", "Curve25519/Ed25519"};
    if (access(LIBCRYPTO, R_OK) != 0) {
        skip();
        return;
    }
    want_algs(LIBCRYPTO, libcrypto, NWANT(libcrypto));
    if (access(LIBGCRYPT, R_OK) == 0)
        want_algs(LIBGCRYPT, gcrypt, NWANT(gcrypt));
    if (access(LIBNETTLE, R_OK) == 0)
        want_algs(LIBNETTLE, gcrypt, NWANT(gcrypt));
    if (access(LIBHOGWEED, R_OK) == 0)
        want_algs(LIBHOGWEED, hogweed, NWANT(hogweed));
    /* a SHA-384 IV is not read as SHA-224 (whose words are its low halves), nor the reverse */
    pki_frec r;
    uint8_t *buf;
    size_t n;
    uint8_t enc[PKI_CRY_MAX_PATTERN];
    scan_file(LIBCRYPTO, &r, &buf, &n);
    const json_t *f = alg_fact(&r, "SHA-384");
    assert_non_null(f);
    assert_int_equal(json_integer_value(json_object_get(f, "count")), 1);
    assert_string_equal(json_string_value(json_object_get(f, "endian")), "little");
    size_t len = pki_cry_encode(rule("sha384-iv"), 0, enc, sizeof enc);
    assert_int_equal(len, 64);
    int64_t off = json_integer_value(json_object_get(f, "first_offset"));
    assert_true(off >= 0 && (size_t)off + len <= n);
    assert_memory_equal(buf + off, enc, len);
    assert_int_equal(json_integer_value(json_object_get(alg_fact(&r, "SHA-224"), "count")), 1);
    pki_frec_fini(&r);
    free(buf);
}

/* Post-quantum parameter-set names (rules/crypto/names.tsv): facts, no finding. */
static void test_pq_names(void **st)
{
    (void)st;
    static const char blob[] = "\0\0SLH-DSA-SHA2-128s\0ML-KEM-768\0SPHINCS+\0Kyber768\0"
                               "SLH-DSA-SHAKE-256f-x\0ML-DSA-65\0";
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_crypto,
                                     (pk_bytes){(const uint8_t *)blob, sizeof blob}, "pq.bin", &r),
                     PK_OK);
    assert_int_equal(r.nfind, 0);
    json_t *arr = json_object_get(json_object_get(r.facts, "crypto"), "names");
    static const char *const want[][2] = {{"SLH-DSA-SHA2-128s", "SLH-DSA"},
                                          {"ML-KEM-768", "ML-KEM"},
                                          {"SPHINCS", "SPHINCS+"},
                                          {"Kyber768", "Kyber"},
                                          {"ML-DSA-65", "ML-DSA"}};
    assert_int_equal(json_array_size(arr), NWANT(want)); /* not SLH-DSA-SHAKE-256f-x */
    for (size_t i = 0; i < NWANT(want); i++) {
        size_t j;
        json_t *e;
        int found = 0;
        json_array_foreach(arr, j, e)
        {
            if (strcmp(json_string_value(json_object_get(e, "name")), want[i][0]) == 0) {
                found = 1;
                assert_string_equal(json_string_value(json_object_get(e, "algorithm")), want[i][1]);
                assert_string_equal(json_string_value(json_object_get(e, "kind")), "cipher");
            }
        }
        if (!found)
            fail_msg("name %s not in the facts", want[i][0]);
    }
    pki_frec_fini(&r);
}

/* GOST curves no system library keeps as binary numbers, and ML-KEM's gammas as
 * BoringSSL/OpenSSL 3.5 store them: written as 64-bit little-endian limbs (nettle's and
 * gost-engine's layout) from the documents' hex, compiled now, each found. */
static void test_compiled_gost_pq(void **st)
{
    (void)st;
    static const struct {
        const char *rule, *hex;
    } nums[] = {
        {"gost3410-cryptopro-b-q",
         "800000000000000000000000000000015f700cfff1a624e5e497161bcc8a198f"},
        {"gost3410-cryptopro-c-p",
         "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d759b"},
        {"gost3410-tc26-256a-q",
         "400000000000000000000000000000000fd8cddfc87b6635c115af556c360c67"},
        {"gost3410-tc26-512b-q",
         "8000000000000000000000000000000000000000000000000000000000000001"
         "49a1ec142565a545acfdb77bd9d40cfa8b996712101bea0ec6346c54374f25bd"},
        {"gost3410-tc26-512c-q",
         "3fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
         "c98cdba46506ab004c33a9ff5147502cc8eda9e7a769a12694623cef47f023ed"},
    };
    char dir[] = "/tmp/pk-test-crygost-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char src[512], bin[512], cmd[1200];
    snprintf(src, sizeof src, "%s/g.c", dir);
    snprintf(bin, sizeof bin, "%s/g", dir);
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include <stdint.h>\n#define U __attribute__((used))\n", f);
    for (size_t k = 0; k < NWANT(nums); k++) {
        uint32_t x[MP_MAX];
        int limbs = (int)(strlen(nums[k].hex) / 8);
        mp_from_hex(x, limbs, nums[k].hex);
        fprintf(f, "U static const uint64_t num%zu[] = {", k);
        for (int i = 0; i < limbs; i += 2)
            fprintf(f, "%s0x%08x%08xull", i ? ", " : "", x[i + 1], x[i]);
        fputs("};\n", f);
    }
    fputs("U static const uint16_t kModRoots[128] = {", f);
    for (uint32_t i = 0; i < 128; i++)
        fprintf(f, "%s%lld", i ? ", " : "", (long long)modpow(17, 2 * bitrev(i, 7) + 1, 3329));
    fputs("};\nint main(void) { return 0; }\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -O2 -o %s %s", bin, src);
    if (system(cmd) != 0) {
        unlink(src);
        rmdir(dir);
        skip();
        return;
    }
    pki_frec r;
    uint8_t *buf;
    size_t n;
    scan_file(bin, &r, &buf, &n);
    for (size_t k = 0; k < NWANT(nums); k++)
        if (!rule_in_file(bin, nums[k].rule, 0))
            fail_msg("%s (little-endian) not in the program", nums[k].rule);
    const json_t *g = alg_fact(&r, "GOSTR3410");
    assert_non_null(g);
    assert_int_equal(json_integer_value(json_object_get(g, "count")), NWANT(nums));
    assert_string_equal(json_string_value(json_object_get(g, "family")), "elliptic curve");
    assert_int_equal(alg_findings(&r, "GOSTR3410"), 4); /* capped; the facts count all */
    const json_t *m = alg_fact(&r, "ML-KEM");
    assert_non_null(m);
    assert_int_equal(json_integer_value(json_object_get(m, "count")), 1);
    int gam = 0;
    for (size_t i = 0; i < r.nfind; i++)
        gam += strstr(r.findings[i].message, "mlkem-gammas") != NULL;
    assert_int_equal(gam, 1);
    pki_frec_fini(&r);
    free(buf);
    unlink(bin);
    unlink(src);
    rmdir(dir);
}

/* ---- (8) issue 6 accuracy benchmark (docs/crypto-accuracy.md): shared IVs, layouts, hex text ----
 */

/* A zero buffer with words placed at offsets: the analyzer's result. */
typedef struct place {
    size_t off;
    uint64_t v;
    int bytes; /* 4 or 8, little-endian */
} place;

static void run_placed(const place *pl, size_t npl, const uint32_t *iv, size_t niv, size_t ivoff,
                       const uint64_t *iv64, size_t niv64, pki_frec *r)
{
    static uint8_t buf[8192];
    memset(buf, 0, sizeof buf);
    for (size_t i = 0; i < niv; i++)
        for (int b = 0; b < 4; b++)
            buf[ivoff + 4 * i + (size_t)b] = (uint8_t)(iv[i] >> (8 * b));
    for (size_t i = 0; i < niv64; i++)
        for (int b = 0; b < 8; b++)
            buf[ivoff + 8 * i + (size_t)b] = (uint8_t)(iv64[i] >> (8 * b));
    for (size_t i = 0; i < npl; i++)
        for (int b = 0; b < pl[i].bytes; b++)
            buf[pl[i].off + (size_t)b] = (uint8_t)(pl[i].v >> (8 * b));
    assert_int_equal(pki_frec_init(r), PK_OK);
    assert_int_equal(
        pki_harness_run(&pki_analyzer_crypto, (pk_bytes){buf, sizeof buf}, "ivs.bin", r), PK_OK);
}

static int has_fact(const pki_frec *r, const char *alg)
{
    return alg_fact(r, alg) != NULL;
}

static void test_shared_ivs(void **st)
{
    (void)st;
    const uint32_t *sha1 = w32("sha1-iv", 5), *md5 = w32("md5-iv", 4);
    const uint32_t *s256 = w32("sha256-iv", 8);
    const uint64_t *s512 = w64("sha512-iv", 8);
    static const place k4 = {4096, 0xca62c1d6, 4}, rmd = {4096, 0xa953fd4e, 4},
                       t1 = {4096, 0xd76aa478, 4}, k256 = {4096, 0x428a2f98, 4},
                       k512 = {4096, 0x428a2f98d728ae22ull, 8};
    pki_frec r;
    /* SHA-1's IV alone (sha1sum, gpg's RIPEMD-160): neither SHA-1 nor MD5 is claimed */
    run_placed(NULL, 0, sha1, 5, 64, NULL, 0, &r);
    assert_false(has_fact(&r, "MD5"));
    assert_false(has_fact(&r, "SHA-1"));
    assert_false(has_fact(&r, "RIPEMD-160"));
    assert_int_equal(alg_findings(&r, "MD5"), 0);
    int unconfirmed = 0;
    for (size_t i = 0; i < r.nfind; i++)
        unconfirmed += strncmp(r.findings[i].message, "Initial values sha1-iv", 22) == 0;
    assert_int_equal(unconfirmed, 1);
    pki_frec_fini(&r);
    /* ...with SHA-1's K4 as an immediate somewhere: SHA-1, and still not MD5 */
    run_placed(&k4, 1, sha1, 5, 64, NULL, 0, &r);
    assert_true(has_fact(&r, "SHA-1"));
    assert_false(has_fact(&r, "MD5"));
    assert_false(has_fact(&r, "RIPEMD-160"));
    pki_frec_fini(&r);
    /* ...with RIPEMD-160's K4 instead (gpg's common/rmd160.c): RIPEMD-160 */
    run_placed(&rmd, 1, sha1, 5, 64, NULL, 0, &r);
    assert_true(has_fact(&r, "RIPEMD-160"));
    assert_false(has_fact(&r, "SHA-1"));
    assert_false(has_fact(&r, "MD5"));
    pki_frec_fini(&r);
    /* ...with MD5's T[1] in the file: the merged constant serves MD5 too (libxcrypt) */
    run_placed(&t1, 1, sha1, 5, 64, NULL, 0, &r);
    assert_true(has_fact(&r, "MD5"));
    assert_false(has_fact(&r, "SHA-1"));
    pki_frec_fini(&r);
    /* MD5's four words alone (GnuTLS's padlock SHA-1 init, MD4): not MD5 */
    run_placed(NULL, 0, md5, 4, 64, NULL, 0, &r);
    assert_false(has_fact(&r, "MD5"));
    assert_int_equal(alg_findings(&r, "MD5"), 0);
    pki_frec_fini(&r);
    run_placed(&t1, 1, md5, 4, 64, NULL, 0, &r);
    assert_true(has_fact(&r, "MD5"));
    assert_int_equal(alg_findings(&r, "MD5"), 1);
    pki_frec_fini(&r);
    /* SHA-512's IV without a SHA-512 K (b2sum): BLAKE2b; with K[0]: SHA-512 */
    run_placed(NULL, 0, NULL, 0, 64, s512, 8, &r);
    assert_true(has_fact(&r, "BLAKE2"));
    assert_false(has_fact(&r, "SHA-512"));
    pki_frec_fini(&r);
    run_placed(&k512, 1, NULL, 0, 64, s512, 8, &r);
    assert_true(has_fact(&r, "SHA-512"));
    assert_false(has_fact(&r, "BLAKE2"));
    pki_frec_fini(&r);
    /* the same for SHA-256 and BLAKE2s */
    run_placed(NULL, 0, s256, 8, 64, NULL, 0, &r);
    assert_true(has_fact(&r, "BLAKE2"));
    assert_false(has_fact(&r, "SHA-256"));
    pki_frec_fini(&r);
    run_placed(&k256, 1, s256, 8, 64, NULL, 0, &r);
    assert_true(has_fact(&r, "SHA-256"));
    assert_false(has_fact(&r, "BLAKE2"));
    pki_frec_fini(&r);
}

/* The same on the programs the benchmark found them in (Debian's coreutils). */
static void test_shared_ivs_coreutils(void **st)
{
    (void)st;
    static const struct {
        const char *path, *want, *not ;
    } bins[] = {
        {"/usr/bin/b2sum", "BLAKE2", "SHA-512"},
        {"/usr/bin/sha1sum", "SHA-1", "MD5"},
        {"/usr/bin/md5sum", "MD5", "SHA-1"},
        {"/usr/bin/sha512sum", "SHA-512", "BLAKE2"},
    };
    int seen = 0;
    for (size_t i = 0; i < NWANT(bins); i++) {
        if (access(bins[i].path, R_OK) != 0)
            continue;
        seen++;
        pki_frec r;
        uint8_t *buf;
        size_t n;
        scan_file(bins[i].path, &r, &buf, &n);
        if (!has_fact(&r, bins[i].want))
            fail_msg("%s: %s not found", bins[i].path, bins[i].want);
        if (has_fact(&r, bins[i].not ))
            fail_msg("%s: %s claimed", bins[i].path, bins[i].not );
        pki_frec_fini(&r);
        free(buf);
    }
    if (!seen)
        skip();
}

static uint32_t rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static uint32_t crc_msb(uint32_t i)
{
    uint32_t c = i << 24;
    for (int b = 0; b < 8; b++)
        c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u : c << 1;
    return c;
}

static uint32_t crc_lsb(uint32_t i)
{
    uint32_t c = i;
    for (int b = 0; b < 8; b++)
        c = (c & 1u) ? (c >> 1) ^ 0xedb88320u : c >> 1;
    return c;
}

/* The layout variants, from the definitions (or from the rule they re-lay). */
static void test_layout_variants_defs(void **st)
{
    (void)st;
    const uint32_t *k = w32("sha1-k", 4), *k8 = w32("sha1-k-simd8", 32);
    for (int i = 0; i < 32; i++)
        assert_int_equal(k8[i], k[i / 8]);
    const uint64_t *rc = w64("sha3-rc", 24), *rev = w64("sha3-rc-rev", 4);
    for (int i = 0; i < 4; i++)
        assert_true(rev[i] == rc[23 - i]);
    const uint32_t *sp = w32("des-sp1", 8), *sp2 = w32("des-sp1-rot2", 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(sp2[i], rol32(sp[i], 2));
    const uint64_t *t64 = w64("crc32-table64", 8), *m64 = w64("crc32-msb-table64", 8);
    const uint32_t *m32 = w32("crc32-msb-table", 8);
    for (uint32_t i = 0; i < 8; i++) {
        assert_true(t64[i] == crc_lsb(i));
        assert_int_equal(m32[i], crc_msb(i));
        assert_true(m64[i] == crc_msb(i));
    }
    /* -d + d = 2^255 - 19 (big-endian bytes) */
    const uint8_t *d = rule("ed25519-d")->data, *nd = rule("ed25519-negd")->data;
    uint8_t p[32];
    memset(p, 0xff, sizeof p);
    p[0] = 0x7f;
    p[31] = 0xed;
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned s = (unsigned)d[i] + nd[i] + carry;
        assert_int_equal(s & 0xff, p[i]);
        carry = s >> 8;
    }
    assert_int_equal(carry, 0);
    /* d one byte per little-endian 32-bit word, from d's low byte */
    const pki_cry_rule *d8 = rule("ed25519-d-8");
    assert_int_equal(d8->enc, PKI_CRY_BYTES);
    const uint8_t *b = d8->data;
    for (size_t i = 0; i < d8->min_bytes; i++)
        assert_int_equal(b[i], i % 4 ? 0 : d[31 - i / 4]);
}

/* ...and each where the benchmark found it (Debian 12 builds; skipped where absent). */
static void test_layout_variants_found(void **st)
{
    (void)st;
    static const struct {
        const char *path, *rule;
    } want[] = {
        {LIBGNUTLS, "sha1-k-simd8"},
        {LIBNETTLE, "sha3-rc-rev"},
        {LIBHOGWEED, "ed25519-negd"},
        {"/usr/bin/ssh", "ed25519-d-8"},
        {"/usr/lib/x86_64-linux-gnu/libfreeblpriv3.so", "des-sp1-rot2"},
        {"/bin/gzip", "crc32-table64"},
        {"/usr/bin/cksum", "crc32-msb-table64"},
    };
    int seen = 0;
    for (size_t i = 0; i < NWANT(want); i++) {
        if (access(want[i].path, R_OK) != 0)
            continue;
        seen++;
        /* BIGNUM: 0 is the little-endian (byte-reversed) form */
        if (!rule_in_file(want[i].path, want[i].rule, 0))
            fail_msg("%s not in %s", want[i].rule, want[i].path);
        pki_frec r;
        uint8_t *buf;
        size_t n;
        scan_file(want[i].path, &r, &buf, &n);
        int hit = 0;
        for (size_t j = 0; j < r.nfind; j++)
            hit += strstr(r.findings[j].message, want[i].rule) != NULL &&
                   strstr(r.findings[j].message, "constant") != NULL;
        if (!hit)
            fail_msg("%s: no finding of %s", want[i].path, want[i].rule);
        pki_frec_fini(&r);
        free(buf);
    }
    if (!seen)
        skip();
}

/* Curve parameters written as hexadecimal text, in either case (libgcrypt, wolfSSL). */
static void test_curves_as_hex(void **st)
{
    (void)st;
    char hex[2 * PKI_CRY_MAX_PATTERN];
    assert_int_equal(pki_cry_hex(rule("p256-p"), hex, sizeof hex), 64);
    assert_memory_equal(hex, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
                        64);
    assert_int_equal(pki_cry_hex(rule("sha1-iv"), hex, sizeof hex), 0); /* curves only */
    static char buf[4096];
    memset(buf, ' ', sizeof buf);
    /* wolfSSL's ecc_sets: upper case; libgcrypt's ecc-curves.c: "0x" and lower case */
    static const char p256[] =
        "\"FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF\"";
    memcpy(buf + 100, p256, sizeof p256 - 1);
    size_t hl = pki_cry_hex(rule("p384-b"), hex, sizeof hex);
    assert_int_equal(hl, 96);
    memcpy(buf + 1000, "\"0x", 3);
    memcpy(buf + 1003, hex, hl);
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(
        pki_harness_run(&pki_analyzer_crypto, (pk_bytes){(uint8_t *)buf, sizeof buf}, "ecc.c", &r),
        PK_OK);
    const json_t *f256 = alg_fact(&r, "NIST P-256"), *f384 = alg_fact(&r, "NIST P-384");
    assert_non_null(f256);
    assert_non_null(f384);
    assert_int_equal(json_integer_value(json_object_get(f256, "first_offset")), 101);
    assert_int_equal(json_integer_value(json_object_get(f384, "first_offset")), 1003);
    int text = 0;
    for (size_t i = 0; i < r.nfind; i++)
        text += strstr(r.findings[i].message, "(hexadecimal text)") != NULL;
    assert_int_equal(text, 2);
    pki_frec_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aes),
        cmocka_unit_test(test_sha2),
        cmocka_unit_test(test_sha1_md5),
        cmocka_unit_test(test_crc_chacha_camellia),
        cmocka_unit_test(test_blowfish_des),
        cmocka_unit_test(test_rules_sane),
        cmocka_unit_test(test_libcrypto),
        cmocka_unit_test(test_libz),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_block_boundary),
        cmocka_unit_test(test_twofish_ripemd_seed),
        cmocka_unit_test(test_sha3_whirlpool),
        cmocka_unit_test(test_pq_poly),
        cmocka_unit_test(test_curves_groups),
        cmocka_unit_test(test_libcrypto_families),
        cmocka_unit_test(test_libgcrypt),
        cmocka_unit_test(test_gnutls_sodium),
        cmocka_unit_test(test_compiled_program),
        cmocka_unit_test(test_coreutils),
        cmocka_unit_test(test_sha2_variants),
        cmocka_unit_test(test_edwards_gost_defs),
        cmocka_unit_test(test_new_rules_in_libraries),
        cmocka_unit_test(test_new_algs_found),
        cmocka_unit_test(test_pq_names),
        cmocka_unit_test(test_compiled_gost_pq),
        cmocka_unit_test(test_shared_ivs),
        cmocka_unit_test(test_shared_ivs_coreutils),
        cmocka_unit_test(test_layout_variants_defs),
        cmocka_unit_test(test_layout_variants_found),
        cmocka_unit_test(test_curves_as_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
