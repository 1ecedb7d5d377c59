/* CAST-128 (RFC 2144, appendix 2.1: S-box S1, first 8 entries). CAST-256
 * (RFC 2612) uses the same S1..S4, so the two are reported together. */
#include "crypto_int.h"

static const uint32_t s1[8] = {0x30fb40d4, 0x9fa0ff0b, 0x6beccd2f, 0x3f258c7a,
                               0x1e213f2f, 0x9c004dd3, 0x6003e540, 0xcf9fc949};

static const pki_cry_rule rules[] = {
    {"cast-s1", PKI_CRY_CAST, PKI_CRY_W32, s1, 8, 32},
};
const pki_cry_table pki_cry_rules_cast = PKI_CRY_TABLE(rules);
