/* SM3 (GB/T 32905-2016; draft-sca-cfrg-sm3-02, 4.1): the initial value IV. */
#include "crypto_int.h"

static const uint32_t iv[8] = {
    0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
};

static const pki_cry_rule rules[] = {
    {"sm3-iv", PKI_CRY_SM3, PKI_CRY_W32, iv, 8, 32},
};
const pki_cry_table pki_cry_rules_sm3 = PKI_CRY_TABLE(rules);
