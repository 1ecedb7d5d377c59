/* DES (FIPS 46-3): S-box S1 as a byte table (one entry per byte, rows 1-2),
 * the combined S-box/P-permutation table SP1 of Outerbridge's d3des (each
 * word rotated left by one), and nibble 0 of OpenSSL's DES_SPtrans
 * (crypto/des/spr.h). des-sp1-rot2: SP1 rotated left by two more (three
 * from S1 through P), the layout of NSS freebl's des.c. */
#include "crypto_int.h"

static const uint8_t s1[32] = {
    14, 4,  13, 1, 2,  15, 11, 8, 3,  10, 6,  12, 5, 9, 0, 7,
    0,  15, 7,  4, 14, 2,  13, 1, 10, 6,  12, 11, 9, 5, 3, 8,
};
static const uint32_t sp1[8] = {
    0x01010400, 0x00000000, 0x00010000, 0x01010404, 0x01010004, 0x00010404, 0x00000004, 0x00010000,
};
static const uint32_t sp1_rot2[8] = {
    0x04041000, 0x00000000, 0x00040000, 0x04041010, 0x04040010, 0x00041010, 0x00000010, 0x00040000,
};
static const uint32_t sptrans0[8] = {
    0x02080800, 0x00080000, 0x02000002, 0x02080802, 0x02000000, 0x00080802, 0x00080002, 0x02000002,
};

static const pki_cry_rule rules[] = {
    {"des-s1", PKI_CRY_DES, PKI_CRY_BYTES, s1, 32, 32},
    {"des-sp1", PKI_CRY_DES, PKI_CRY_W32, sp1, 8, 32},
    {"des-sp1-rot2", PKI_CRY_DES, PKI_CRY_W32, sp1_rot2, 8, 32},
    {"des-sptrans", PKI_CRY_DES, PKI_CRY_W32, sptrans0, 8, 32},
};
const pki_cry_table pki_cry_rules_des = PKI_CRY_TABLE(rules);
