/* MD5 (RFC 1321): the first 8 words of the table T (3.4: T[i] =
 * floor(4294967296 * abs(sin(i)))), and the initial buffer A..D (3.3), which
 * MD4 (RFC 1320), SHA-1 and RIPEMD-160 share; optimised MD5 code keeps T in
 * instruction immediates, so the buffer is often all that is left as data. */
#include "crypto_int.h"

static const uint32_t t[8] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
};
static const uint32_t iv[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};

static const pki_cry_rule rules[] = {
    {"md5-t", PKI_CRY_MD5, PKI_CRY_W32, t, 8, 32},
    {"md5-iv", PKI_CRY_MD5, PKI_CRY_W32, iv, 4, 16},
};
const pki_cry_table pki_cry_rules_md5 = PKI_CRY_TABLE(rules);
