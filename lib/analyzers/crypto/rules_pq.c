/* Post-quantum lattice schemes: the NTT twiddle factors. ML-KEM (FIPS 203,
 * 4.3 and appendix A: zeta^BitRev7(i) mod 3329, zeta = 17), entries 0..15 as
 * 16-bit words, in the standard's plain form and in the Montgomery form
 * (times 2^16 mod q, centred) of the pqcrystals reference code; ML-DSA
 * (FIPS 204, 7.5 and appendix B: zeta^BitRev8(i) mod 8380417, zeta = 1753),
 * entries 1..8 as 32-bit words, plain and Montgomery (times 2^32, centred;
 * the reference code's entry 0 is 0). ML-KEM's base-case multiplication
 * factors (FIPS 203, 4.3.1 and appendix A: zeta^(2 BitRev7(i) + 1) mod 3329),
 * entries 0..15 in plain form, as BoringSSL and OpenSSL 3.5 (kModRoots) store
 * them. SLH-DSA (FIPS 205) is hash-based with no table of its own: its
 * parameter-set names are in rules/crypto/names.tsv. */
#include "crypto_int.h"

static const uint16_t kem[16] = {0x0001, 0x06c1, 0x0a14, 0x0cd9, 0x0a52, 0x0276, 0x0769, 0x0350,
                                 0x0426, 0x077f, 0x00c1, 0x031d, 0x0ae2, 0x0cbc, 0x0239, 0x06d2};
static const uint16_t kem_mont[16] = {0xfbec, 0xfd0a, 0xfe99, 0xfa13, 0x05d5, 0x058e,
                                      0x011f, 0x00ca, 0xff55, 0x026e, 0x0629, 0x00b6,
                                      0x03c2, 0xfb4e, 0xfa3e, 0x05bc};
static const uint16_t kem_gammas[16] = {0x0011, 0x0cf0, 0x0ac9, 0x0238, 0x0247, 0x0aba,
                                        0x0a59, 0x02a8, 0x0665, 0x069c, 0x02d3, 0x0a2e,
                                        0x08f0, 0x0411, 0x044c, 0x08b5};
static const uint32_t dsa[8] = {0x00495e02, 0x00397567, 0x00396569, 0x004f062b,
                                0x0053df73, 0x004fe033, 0x004f066b, 0x0076b1ae};
static const uint32_t dsa_mont[8] = {0x000064f7, 0xffd83102, 0xfff81503, 0x00039e44,
                                     0xfff42118, 0xfff2a128, 0x00071e24, 0x001bde2b};

static const pki_cry_rule rules[] = {
    {"mlkem-zetas", PKI_CRY_MLKEM, PKI_CRY_W16, kem, 16, 32},
    {"mlkem-zetas-mont", PKI_CRY_MLKEM, PKI_CRY_W16, kem_mont, 16, 32},
    {"mlkem-gammas", PKI_CRY_MLKEM, PKI_CRY_W16, kem_gammas, 16, 32},
    {"mldsa-zetas", PKI_CRY_MLDSA, PKI_CRY_W32, dsa, 8, 32},
    {"mldsa-zetas-mont", PKI_CRY_MLDSA, PKI_CRY_W32, dsa_mont, 8, 32},
};
const pki_cry_table pki_cry_rules_pq = PKI_CRY_TABLE(rules);
