/* Camellia (RFC 3713, 2.4.1): the key schedule constants Sigma1..Sigma6,
 * the second to seventeenth hexadecimal digits of the square roots of the
 * first six primes, as 64-bit words. */
#include "crypto_int.h"

static const uint64_t sigma[6] = {
    0xa09e667f3bcc908bull, 0xb67ae8584caa73b2ull, 0xc6ef372fe94f82beull,
    0x54ff53a5f1d36f1cull, 0x10e527fade682d1dull, 0xb05688c2b3e6c1fdull,
};

static const pki_cry_rule rules[] = {
    {"camellia-sigma", PKI_CRY_CAMELLIA, PKI_CRY_W64, sigma, 6, 48},
};
const pki_cry_table pki_cry_rules_camellia = PKI_CRY_TABLE(rules);
