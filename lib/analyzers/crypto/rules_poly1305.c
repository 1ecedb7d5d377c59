/* Poly1305 (RFC 8439, 2.5.1: the clamp of r, r &=
 * 0x0ffffffc0ffffffc0ffffffc0fffffff, as a 128-bit number). Low confidence:
 * most implementations apply it with instruction immediates, and a 16-byte
 * mask of 0x0f/0xfc/0xff bytes is less specific than a table. */
#include "crypto_int.h"

static const uint8_t clamp[16] = {0x0f, 0xff, 0xff, 0xfc, 0x0f, 0xff, 0xff, 0xfc,
                                  0x0f, 0xff, 0xff, 0xfc, 0x0f, 0xff, 0xff, 0xff};

static const pki_cry_rule rules[] = {
    {"poly1305-clamp", PKI_CRY_POLY1305, PKI_CRY_BIGNUM, clamp, 16, 16},
};
const pki_cry_table pki_cry_rules_poly1305 = PKI_CRY_TABLE(rules);
