/* Kuznyechik (GOST R 34.12-2015; RFC 7801, 4.1.1: the nonlinear bijection
 * pi, first 32 entries). Streebog (GOST R 34.11-2012; RFC 6986, 6.2) uses the
 * same pi, so a hit is reported as "Kuznyechik/Streebog". */
#include "crypto_int.h"

static const uint8_t pi[32] = {0xfc, 0xee, 0xdd, 0x11, 0xcf, 0x6e, 0x31, 0x16, 0xfb, 0xc4, 0xfa,
                               0xda, 0x23, 0xc5, 0x04, 0x4d, 0xe9, 0x77, 0xf0, 0xdb, 0x93, 0x2e,
                               0x99, 0xba, 0x17, 0x36, 0xf1, 0xbb, 0x14, 0xcd, 0x5f, 0xc1};

static const pki_cry_rule rules[] = {
    {"kuznyechik-pi", PKI_CRY_GOST_PI, PKI_CRY_BYTES, pi, 32, 32},
};
const pki_cry_table pki_cry_rules_kuznyechik = PKI_CRY_TABLE(rules);
