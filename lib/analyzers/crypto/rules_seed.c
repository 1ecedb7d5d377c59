/* SEED (RFC 4269, 2.1: the extended S-box table SS0, first 8 entries;
 * 2.2: key schedule constants KC0..KC7, the golden ratio 0x9e3779b9 rotated
 * left by i). */
#include "crypto_int.h"

static const uint32_t ss0[8] = {0x2989a1a8, 0x05858184, 0x16c6d2d4, 0x13c3d3d0,
                                0x14445054, 0x1d0d111c, 0x2c8ca0ac, 0x25052124};
static const uint32_t kc[8] = {0x9e3779b9, 0x3c6ef373, 0x78dde6e6, 0xf1bbcdcc,
                               0xe3779b99, 0xc6ef3733, 0x8dde6e67, 0x1bbcdccf};

static const pki_cry_rule rules[] = {
    {"seed-ss0", PKI_CRY_SEED, PKI_CRY_W32, ss0, 8, 32},
    {"seed-kc", PKI_CRY_SEED, PKI_CRY_W32, kc, 8, 32},
};
const pki_cry_table pki_cry_rules_seed = PKI_CRY_TABLE(rules);
