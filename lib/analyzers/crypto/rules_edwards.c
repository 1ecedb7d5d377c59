/* Orders of the Edwards/Montgomery curves' prime subgroups, as big-endian
 * numbers (matched as stored and byte-reversed). Curve25519/Ed25519: L =
 * 2^252 + 27742317777372353535851937790883648493 (RFC 8032, 5.1; RFC 7748,
 * 4.1), its low 16 bytes (the rest is 2^252: zero bytes), which scalar
 * reduction and signature checks keep as bytes or limbs (libsodium, nettle,
 * NSS, OpenSSL); X25519-only code has no such table. Curve448/Ed448: the order
 * 2^446 - 0x8335dc163bb124b65129c96fde933d8d723a70aadc873d6d54a7bb0d (RFC
 * 7748, 4.2; RFC 8032, 5.2), its low 32 bytes. The primes 2^255-19 and
 * 2^448-2^224-1 and Ed448's d = -39081 are mostly 0xff bytes and not used. */
#include "crypto_int.h"

static const uint8_t ed25519_l[16] = {0x14, 0xde, 0xf9, 0xde, 0xa2, 0xf7, 0x9c, 0xd6,
                                      0x58, 0x12, 0x63, 0x1a, 0x5c, 0xf5, 0xd3, 0xed};
static const uint8_t curve448_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0x7c, 0xca, 0x23, 0xe9, 0xc4, 0x4e, 0xdb, 0x49, 0xae, 0xd6, 0x36, 0x90,
    0x21, 0x6c, 0xc2, 0x72, 0x8d, 0xc5, 0x8f, 0x55, 0x23, 0x78, 0xc2, 0x92, 0xab, 0x58, 0x44, 0xf3};

static const pki_cry_rule rules[] = {
    {"ed25519-l", PKI_CRY_ED25519, PKI_CRY_BIGNUM, ed25519_l, 16, 16},
    {"curve448-n", PKI_CRY_CURVE448, PKI_CRY_BIGNUM, curve448_n, 32, 32},
};
const pki_cry_table pki_cry_rules_edwards = PKI_CRY_TABLE(rules);
