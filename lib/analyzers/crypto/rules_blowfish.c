/* Blowfish (Schneier, "Description of a New Variable-Length Key, 64-Bit
 * Block Cipher", 1993): the P-array and S-boxes are initialised with the
 * hexadecimal digits of pi; P1..P4 are its first 32 fraction digits, S1[0..3]
 * the 145th to 176th. */
#include "crypto_int.h"

static const uint32_t parray[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
static const uint32_t sbox1[4] = {0xd1310ba6, 0x98dfb5ac, 0x2ffd72db, 0xd01adfb7};

static const pki_cry_rule rules[] = {
    {"blowfish-p", PKI_CRY_BLOWFISH, PKI_CRY_W32, parray, 4, 16},
    {"blowfish-s1", PKI_CRY_BLOWFISH, PKI_CRY_W32, sbox1, 4, 16},
};
const pki_cry_table pki_cry_rules_blowfish = PKI_CRY_TABLE(rules);
