/* ARIA (RFC 5794, 2.2 key scheduling constants C1..C3 as 32-bit words,
 * 2.4.2 S-box SB2, first 16 entries; SB1 and SB3 are the AES S-box and its
 * inverse, reported as AES). */
#include "crypto_int.h"

static const uint32_t c123[12] = {0x517cc1b7, 0x27220a94, 0xfe13abe8, 0xfa9a6ee0,
                                  0x6db14acc, 0x9e21c820, 0xff28b1d5, 0xef5de2b0,
                                  0xdb92371d, 0x2126e970, 0x03249775, 0x04e8c90e};
static const uint8_t sb2[16] = {0xe2, 0x4e, 0x54, 0xfc, 0x94, 0xc2, 0x4a, 0xcc,
                                0x62, 0x0d, 0x6a, 0x46, 0x3c, 0x4d, 0x8b, 0xd1};

static const pki_cry_rule rules[] = {
    {"aria-c", PKI_CRY_ARIA, PKI_CRY_W32, c123, 12, 48},
    {"aria-sb2", PKI_CRY_ARIA, PKI_CRY_BYTES, sb2, 16, 16},
};
const pki_cry_table pki_cry_rules_aria = PKI_CRY_TABLE(rules);
