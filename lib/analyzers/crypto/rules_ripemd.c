/* RIPEMD-160 (Dobbertin, Bosselaers, Preneel, "RIPEMD-160: A Strengthened
 * Version of RIPEMD", 1996, appendix A): the left line constants K1..K4
 * (floor(2^30 sqrt(2, 3, 5, 7)); K4 = 0xa953fd4e is RIPEMD's own, the others
 * are SHA-1's) and the right line constants K'0..K'3 (floor(2^30 cbrt(2, 3, 5,
 * 7))). Only found where an implementation keeps them in a table; OpenSSL and
 * libgcrypt keep them in instruction immediates. MD4 (RFC 1320) has no
 * constant of its own (its round constants are SHA-1's K1, K2) and is not
 * reported. */
#include "crypto_int.h"

static const uint32_t kl[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e};
static const uint32_t kr[4] = {0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9};

static const pki_cry_rule rules[] = {
    {"ripemd160-k", PKI_CRY_RIPEMD160, PKI_CRY_W32, kl, 4, 16},
    {"ripemd160-k2", PKI_CRY_RIPEMD160, PKI_CRY_W32, kr, 4, 16},
};
const pki_cry_table pki_cry_rules_ripemd = PKI_CRY_TABLE(rules);
