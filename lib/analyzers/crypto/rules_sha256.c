/* SHA-256 (FIPS 180-4): the first 8 of the 64 constants K (4.2.2: first 32
 * bits of the fractional parts of the cube roots of the first 64 primes) and
 * the initial hash value (5.3.3: square roots of the first 8 primes). */
#include "crypto_int.h"

static const uint32_t k[8] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
};
static const uint32_t h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static const pki_cry_rule rules[] = {
    {"sha256-k", PKI_CRY_SHA256, PKI_CRY_W32, k, 8, 32},
    {"sha256-iv", PKI_CRY_SHA256, PKI_CRY_W32, h0, 8, 32},
};
const pki_cry_table pki_cry_rules_sha256 = PKI_CRY_TABLE(rules);
