/* BLAKE2b / BLAKE2s (RFC 7693, 2.7: the message schedule SIGMA, rows 1
 * and 2, one index per byte; row 0 is the identity and not specific). The IVs
 * are SHA-512's and SHA-256's (reported as those). The same SIGMA is used by
 * BLAKE (the SHA-3 finalist) and Argon2's BLAKE2b. */
#include "crypto_int.h"

static const uint8_t sigma[32] = {0x0e, 0x0a, 0x04, 0x08, 0x09, 0x0f, 0x0d, 0x06, 0x01, 0x0c, 0x00,
                                  0x02, 0x0b, 0x07, 0x05, 0x03, 0x0b, 0x08, 0x0c, 0x00, 0x05, 0x02,
                                  0x0f, 0x0d, 0x0a, 0x0e, 0x03, 0x06, 0x07, 0x01, 0x09, 0x04};

static const pki_cry_rule rules[] = {
    {"blake2-sigma", PKI_CRY_BLAKE2, PKI_CRY_BYTES, sigma, 32, 32},
};
const pki_cry_table pki_cry_rules_blake2 = PKI_CRY_TABLE(rules);
