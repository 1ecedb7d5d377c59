/* ChaCha20 (RFC 8439, 2.3) and Salsa20 (Bernstein, "Salsa20 specification",
 * 9 and 10): the constants "expand 32-byte k" (sigma, 256-bit keys) and
 * "expand 16-byte k" (tau, 128-bit keys) in the first state words. */
#include "crypto_int.h"

static const uint8_t sigma[16] = "expand 32-byte k";
static const uint8_t tau[16] = "expand 16-byte k";

static const pki_cry_rule rules[] = {
    {"chacha-sigma", PKI_CRY_CHACHA, PKI_CRY_BYTES, sigma, 16, 16},
    {"chacha-tau", PKI_CRY_CHACHA, PKI_CRY_BYTES, tau, 16, 16},
};
const pki_cry_table pki_cry_rules_chacha = PKI_CRY_TABLE(rules);
