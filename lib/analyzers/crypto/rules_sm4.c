/* SM4 (GB/T 32907-2016; draft-ribose-cfrg-sm4-10, 6.2.1): the first 16
 * bytes of the S-box. */
#include "crypto_int.h"

static const uint8_t sbox[16] = {
    0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
};

static const pki_cry_rule rules[] = {
    {"sm4-sbox", PKI_CRY_SM4, PKI_CRY_BYTES, sbox, 16, 16},
};
const pki_cry_table pki_cry_rules_sm4 = PKI_CRY_TABLE(rules);
