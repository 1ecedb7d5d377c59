/* crypto: the rule tables (one file per algorithm family, rules_<family>.c)
 * and the helpers the analyzer and its tests share.
 *
 * A rule is data: the constant as the standard defines it (bytes, or 32- or
 * 64-bit words), and how many leading bytes of its encoding are registered
 * with the matcher. Word tables are registered in both byte orders. */
#ifndef PK_ANALYZERS_CRYPTO_INT_H
#define PK_ANALYZERS_CRYPTO_INT_H

#include <stddef.h>
#include <stdint.h>

/* The algorithms reported; facts aggregate per algorithm. */
typedef enum pki_cry_alg {
    PKI_CRY_AES,
    PKI_CRY_DES,
    PKI_CRY_BLOWFISH,
    PKI_CRY_SHA1,
    PKI_CRY_SHA256,
    PKI_CRY_SHA512,
    PKI_CRY_MD5,
    PKI_CRY_CHACHA,
    PKI_CRY_CRC32,
    PKI_CRY_SM3,
    PKI_CRY_SM4,
    PKI_CRY_CAMELLIA,
    PKI_CRY_TWOFISH,
    PKI_CRY_SERPENT,
    PKI_CRY_ARIA,
    PKI_CRY_SEED,
    PKI_CRY_CAST,
    PKI_CRY_RC2,
    PKI_CRY_RIPEMD160,
    PKI_CRY_SHA3,
    PKI_CRY_BLAKE2,
    PKI_CRY_WHIRLPOOL,
    PKI_CRY_GOST28147,
    PKI_CRY_GOST_PI, /* Kuznyechik and Streebog share the pi S-box */
    PKI_CRY_STREEBOG,
    PKI_CRY_POLY1305,
    PKI_CRY_P192,
    PKI_CRY_P224,
    PKI_CRY_P256,
    PKI_CRY_P384,
    PKI_CRY_P521,
    PKI_CRY_SECP256K1,
    PKI_CRY_BP256,
    PKI_CRY_BP384,
    PKI_CRY_BP512,
    PKI_CRY_ED25519,
    PKI_CRY_SM2,
    PKI_CRY_MODP768,
    PKI_CRY_MODP1024,
    PKI_CRY_MODP1536,
    PKI_CRY_MODP2048,
    PKI_CRY_MODP3072,
    PKI_CRY_MODP4096,
    PKI_CRY_MODP6144,
    PKI_CRY_MODP8192,
    PKI_CRY_FFDHE2048,
    PKI_CRY_FFDHE3072,
    PKI_CRY_FFDHE4096,
    PKI_CRY_FFDHE6144,
    PKI_CRY_FFDHE8192,
    PKI_CRY_MLKEM,
    PKI_CRY_MLDSA,
    PKI_CRY_ALG_COUNT
} pki_cry_alg;

typedef enum pki_cry_enc {
    PKI_CRY_BYTES, /* a byte table or string: one pattern */
    PKI_CRY_W32,   /* 32-bit words: little- and big-endian patterns */
    PKI_CRY_W64,   /* 64-bit words: little- and big-endian patterns */
    PKI_CRY_W16,   /* 16-bit words: little- and big-endian patterns */
    PKI_CRY_BIGNUM /* a window of a big number's big-endian bytes: as is, and byte-reversed
                    * (the number stored as little-endian limbs of any width) */
} pki_cry_enc;

typedef struct pki_cry_rule {
    const char *name; /* stable, in docs/analyzers/crypto.md: "aes-sbox" */
    pki_cry_alg alg;
    pki_cry_enc enc;
    const void *data; /* uint8_t[] (BYTES, BIGNUM), uint16_t[], uint32_t[] or uint64_t[] */
    size_t count;     /* elements in data */
    size_t min_bytes; /* leading bytes of the encoding that are matched (16..64) */
} pki_cry_rule;

typedef struct pki_cry_table {
    const pki_cry_rule *rules;
    size_t n;
} pki_cry_table;

#define PKI_CRY_TABLE(arr)                                                                         \
    {                                                                                              \
        arr, sizeof arr / sizeof arr[0]                                                            \
    }
#define PKI_CRY_MAX_PATTERN 64u

extern const pki_cry_table pki_cry_rules_aes, pki_cry_rules_des, pki_cry_rules_blowfish,
    pki_cry_rules_sha1, pki_cry_rules_sha256, pki_cry_rules_sha512, pki_cry_rules_md5,
    pki_cry_rules_chacha, pki_cry_rules_crc32, pki_cry_rules_sm3, pki_cry_rules_sm4,
    pki_cry_rules_camellia, pki_cry_rules_twofish, pki_cry_rules_serpent, pki_cry_rules_aria,
    pki_cry_rules_seed, pki_cry_rules_cast, pki_cry_rules_rc2, pki_cry_rules_ripemd,
    pki_cry_rules_sha3, pki_cry_rules_blake2, pki_cry_rules_whirlpool, pki_cry_rules_gost28147,
    pki_cry_rules_kuznyechik, pki_cry_rules_streebog, pki_cry_rules_poly1305, pki_cry_rules_ec,
    pki_cry_rules_dh, pki_cry_rules_pq;

/* All rules, flattened: index 0..pki_cry_nrules()-1. */
size_t pki_cry_nrules(void);
const pki_cry_rule *pki_cry_rule_at(size_t ix);

/* The matched bytes of rule r in one byte order (be: 0 little, 1 big; ignored
 * for byte tables; for BIGNUM 1 is the bytes as stored, 0 their reversal): min_bytes bytes into out
 * (cap >= PKI_CRY_MAX_PATTERN). Returns the length, 0 if the rule is malformed. */
size_t pki_cry_encode(const pki_cry_rule *r, int be, uint8_t *out, size_t cap);

/* Algorithm display name ("SHA-256") and family ("hash", "block cipher", ...). */
const char *pki_cry_alg_name(pki_cry_alg a);
const char *pki_cry_alg_family(pki_cry_alg a);

#endif
