/* SHA-1 (FIPS 180-4): initial hash value (5.3.1) and the four round
 * constants K (4.2.1), as a plain table and as the four-lane SIMD table of
 * vectorised implementations (each constant repeated four times) and the
 * eight-lane AVX2 table of CRYPTOGAMS (K_XX_XX, each constant eight times:
 * GnuTLS, OpenSSL; its first two constants are matched). */
#include "crypto_int.h"

static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
static const uint32_t k[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};
static const uint32_t k_simd[16] = {
    0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1,
    0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6,
};

static const uint32_t k_simd8[32] = {
    0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999,
    0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1, 0x6ed9eba1,
    0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc, 0x8f1bbcdc,
    0xca62c1d6, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6, 0xca62c1d6,
};

static const pki_cry_rule rules[] = {
    {"sha1-iv", PKI_CRY_SHA1, PKI_CRY_W32, iv, 5, 20},
    {"sha1-k", PKI_CRY_SHA1, PKI_CRY_W32, k, 4, 16},
    {"sha1-k-simd", PKI_CRY_SHA1, PKI_CRY_W32, k_simd, 16, 64},
    {"sha1-k-simd8", PKI_CRY_SHA1, PKI_CRY_W32, k_simd8, 32, 64},
};
const pki_cry_table pki_cry_rules_sha1 = PKI_CRY_TABLE(rules);
