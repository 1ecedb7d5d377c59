/* SHA-3 / Keccak-f[1600] (FIPS 202, 3.2.5: the round constants RC of the
 * iota step, from the LFSR rc(t); all 24, of which the first 4 are matched).
 * Bit-interleaved 32-bit implementations store them differently and are not
 * matched. sha3-rc-rev: the same constants from the last (RC[23] .. RC[20]),
 * the order Nettle's x86_64/sha3-permute.asm walks them. */
#include "crypto_int.h"

static const uint64_t rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

static const uint64_t rc_rev[4] = {0x8000000080008008ull, 0x0000000080000001ull,
                                   0x8000000000008080ull, 0x8000000080008081ull};

static const pki_cry_rule rules[] = {
    {"sha3-rc", PKI_CRY_SHA3, PKI_CRY_W64, rc, 24, 32},
    {"sha3-rc-rev", PKI_CRY_SHA3, PKI_CRY_W64, rc_rev, 4, 32},
};
const pki_cry_table pki_cry_rules_sha3 = PKI_CRY_TABLE(rules);
