/* Whirlpool (ISO/IEC 10118-3:2004; Barreto, Rijmen, "The WHIRLPOOL Hashing
 * Function", 2003, 3.2 and 7: the S-box built from the mini-boxes E, E^-1 and
 * R, first 32 entries; and the lookup table C0[0..3], the S-box times the
 * circulant row (1, 1, 4, 1, 8, 5, 2, 9) over GF(2^8) mod 0x11d, as 64-bit
 * words). */
#include "crypto_int.h"

static const uint8_t sbox[32] = {0x18, 0x23, 0xc6, 0xe8, 0x87, 0xb8, 0x01, 0x4f, 0x36, 0xa6, 0xd2,
                                 0xf5, 0x79, 0x6f, 0x91, 0x52, 0x60, 0xbc, 0x9b, 0x8e, 0xa3, 0x0c,
                                 0x7b, 0x35, 0x1d, 0xe0, 0xd7, 0xc2, 0x2e, 0x4b, 0xfe, 0x57};
static const uint64_t c0[4] = {0x18186018c07830d8ull, 0x23238c2305af4626ull, 0xc6c63fc67ef991b8ull,
                               0xe8e887e8136fcdfbull};

static const pki_cry_rule rules[] = {
    {"whirlpool-sbox", PKI_CRY_WHIRLPOOL, PKI_CRY_BYTES, sbox, 32, 32},
    {"whirlpool-c0", PKI_CRY_WHIRLPOOL, PKI_CRY_W64, c0, 4, 32},
};
const pki_cry_table pki_cry_rules_whirlpool = PKI_CRY_TABLE(rules);
