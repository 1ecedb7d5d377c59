/* Serpent (Anderson, Biham, Knudsen, "Serpent: A Proposal for the AES",
 * 1998, section 2 and appendix: S-boxes S0 and S1), one 4-bit entry per byte as
 * table-driven (not bitsliced) implementations store them. Bitsliced code (the
 * usual form: libgcrypt, the Linux kernel) has no table; the golden-ratio key
 * schedule constant 0x9e3779b9 alone is too common (TEA, hash mixing) to use. */
#include "crypto_int.h"

static const uint8_t s01[32] = {0x03, 0x08, 0x0f, 0x01, 0x0a, 0x06, 0x05, 0x0b, 0x0e, 0x0d, 0x04,
                                0x02, 0x07, 0x00, 0x09, 0x0c, 0x0f, 0x0c, 0x02, 0x07, 0x09, 0x00,
                                0x05, 0x0a, 0x01, 0x0b, 0x0e, 0x08, 0x06, 0x0d, 0x03, 0x04};

static const pki_cry_rule rules[] = {
    {"serpent-s0s1", PKI_CRY_SERPENT, PKI_CRY_BYTES, s01, 32, 32},
};
const pki_cry_table pki_cry_rules_serpent = PKI_CRY_TABLE(rules);
