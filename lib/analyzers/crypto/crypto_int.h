/* crypto: the rule tables (one file per algorithm family, rules_<family>.c)
 * and the helpers the analyzer and its tests share.
 *
 * A rule is data: the constant as the standard defines it (bytes, or 32- or
 * 64-bit words), and how many leading bytes of its encoding are registered
 * with the matcher. Word tables are registered in both byte orders. */
#ifndef PK_ANALYZERS_CRYPTO_INT_H
#define PK_ANALYZERS_CRYPTO_INT_H

#include <parakh/analyzer.h>

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
    PKI_CRY_SHA224,
    PKI_CRY_SHA384,
    PKI_CRY_SHA512_224,
    PKI_CRY_SHA512_256,
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
    PKI_CRY_GOSTR3410,
    PKI_CRY_CURVE448,
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
    pki_cry_rules_dh, pki_cry_rules_pq, pki_cry_rules_sha2t, pki_cry_rules_gost3410,
    pki_cry_rules_edwards;

/* All rules, flattened: index 0..pki_cry_nrules()-1. */
size_t pki_cry_nrules(void);
const pki_cry_rule *pki_cry_rule_at(size_t ix);

/* The matched bytes of rule r in one byte order (be: 0 little, 1 big; ignored
 * for byte tables; for BIGNUM 1 is the bytes as stored, 0 their reversal): min_bytes bytes into out
 * (cap >= PKI_CRY_MAX_PATTERN). Returns the length, 0 if the rule is malformed. */
size_t pki_cry_encode(const pki_cry_rule *r, int be, uint8_t *out, size_t cap);
/* The lower-case hexadecimal text of an elliptic-curve big-number rule's
 * bytes (2 * min_bytes characters, not NUL-terminated), registered
 * case-insensitively; 0 for other rules or if cap is too small. */
size_t pki_cry_hex(const pki_cry_rule *r, char *out, size_t cap);

/* Algorithm display name ("SHA-256") and family ("hash", "block cipher", ...). */
const char *pki_cry_alg_name(pki_cry_alg a);
const char *pki_cry_alg_family(pki_cry_alg a);

/* ---- Names and APIs (names.c; rules/crypto/names.tsv, rules/crypto/apis.tsv) ----
 * Algorithm, mode, protocol and cipher-suite names and crypto API function
 * names, matched in strings between word boundaries by the shared matcher. */

typedef enum pki_crn_kind {
    PKI_CRN_CIPHER,
    PKI_CRN_MODE,
    PKI_CRN_PROTOCOL,
    PKI_CRN_SUITE,
    PKI_CRN_API,
    PKI_CRN_KIND_COUNT
} pki_crn_kind;

typedef enum pki_crn_weak {
    PKI_CRN_STRONG, /* "-": not judged weak here */
    PKI_CRN_ECB,
    PKI_CRN_DES,
    PKI_CRN_3DES,
    PKI_CRN_RC4,
    PKI_CRN_SSL2,
    PKI_CRN_SSL3,
    PKI_CRN_TLS10,
    PKI_CRN_TLS11,
    PKI_CRN_DTLS10,
    PKI_CRN_EXPORT,
    PKI_CRN_NULL,
    PKI_CRN_ANON,
    PKI_CRN_WEAK_COUNT
} pki_crn_weak;

#define PKI_CRN_NAME_MAX  48u  /* bytes of a name */
#define PKI_CRN_ALG_MAX   24u  /* bytes of a normalized algorithm */
#define PKI_CRN_MAX_RULES 512u /* per-file counters are fixed arrays */
#define PKI_CRN_STRICT    6u   /* names shorter than this need a delimiter on both sides */
#define PKI_CRN_ENC_ASCII 1u
#define PKI_CRN_ENC_UTF16 2u

typedef struct pki_crn_rule {
    char name[PKI_CRN_NAME_MAX + 1];
    char alg[PKI_CRN_ALG_MAX + 1];
    uint8_t len;
    uint8_t kind;   /* pki_crn_kind */
    uint8_t weak;   /* pki_crn_weak */
    uint8_t nocase; /* 1: matched case-insensitively */
    uint8_t enc;    /* PKI_CRN_ENC_* */
} pki_crn_rule;

typedef struct pki_crn_set {
    pki_crn_rule *rules;
    size_t n;
} pki_crn_set;

/* Per-file counters, part of the analyzer's fstate. */
typedef struct pki_crn_fstate {
    uint32_t count[PKI_CRN_MAX_RULES];
    uint64_t first[PKI_CRN_MAX_RULES];
    uint8_t utf16[PKI_CRN_MAX_RULES]; /* the first hit was UTF-16LE */
    /* API names seen only as the tail of a longer string: linkers share a
     * .dynstr entry's tail ("TLSv1_method" inside "DTLSv1_method"); counted
     * only if the elf/pe facts confirm the import or export */
    uint64_t tail_first[PKI_CRN_MAX_RULES];
    uint8_t tail_seen[PKI_CRN_MAX_RULES];
} pki_crn_fstate;

/* Pattern ids of names: PKI_CRN_PAT_BASE + rule * 2 + (1 for UTF-16LE). */
#define PKI_CRN_PAT_BASE 0x100000u

/* Parses TSV rule text (format in rules/crypto/names.tsv) and appends to set.
 * PK_E_USAGE on a malformed line (what and where in err), PK_E_NOMEM. */
pk_status pki_crn_parse(pki_crn_set *set, const char *text, size_t len, char *err, size_t errlen);
/* Loads the embedded rules/crypto/names.tsv and apis.tsv. */
pk_status pki_crn_load(pki_crn_set *set);
void pki_crn_free(pki_crn_set *set);
/* The regular expression registered for rule r in one encoding, into out (NUL-terminated). */
size_t pki_crn_pattern(const pki_crn_rule *r, int utf16, char *out, size_t cap);
pk_status pki_crn_register(const pki_crn_set *set, pk_match_reg *reg);
void pki_crn_match(const pki_crn_set *set, pki_crn_fstate *fs, uint32_t pat, uint64_t end,
                   pk_emit *out);
/* May complete fs (tails confirmed by the elf/pe facts). */
pk_status pki_crn_analyze(const pki_crn_set *set, pki_crn_fstate *fs, const pk_file *file,
                          pk_emit *out);
const char *pki_crn_kind_name(unsigned k);
const char *pki_crn_weak_code(unsigned w);

#endif
