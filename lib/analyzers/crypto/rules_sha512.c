/* SHA-512 (FIPS 180-4): the first 4 of the 80 constants K (4.2.3: first 64
 * bits of the fractional parts of the cube roots of the first 80 primes) as
 * 64-bit words, and the initial hash value (5.3.5: square roots of the first
 * 8 primes). */
#include "crypto_int.h"

static const uint64_t k[4] = {
    0x428a2f98d728ae22ull,
    0x7137449123ef65cdull,
    0xb5c0fbcfec4d3b2full,
    0xe9b5dba58189dbbcull,
};
static const uint64_t h0[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static const pki_cry_rule rules[] = {
    {"sha512-k", PKI_CRY_SHA512, PKI_CRY_W64, k, 4, 32},
    {"sha512-iv", PKI_CRY_SHA512, PKI_CRY_W64, h0, 8, 64},
};
const pki_cry_table pki_cry_rules_sha512 = PKI_CRY_TABLE(rules);
