/* crypto: cryptographic algorithm constants (S-boxes, round constants,
 * initial hash values) in any file, as an inventory of the cryptography a
 * deliverable carries. The constants are literal patterns registered once with
 * the shared matcher (rules_<family>.c); a hit is reported as PK-CRY-0001 and
 * counted per algorithm in facts.crypto.algorithms. Names of algorithms,
 * modes, protocols, cipher suites and crypto APIs in strings: names.c.
 *
 * Not reported: anything inside files parakh opens as containers (their
 * entries are unpacked and analysed as files of their own). */
#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "crypto_int.h"

#include <string.h>

/* Findings per algorithm and file; further hits are only counted in facts. */
#define MAX_REPORTED 4u
#define EVIDENCE_MAX 32u

#define END_LE    1u
#define END_BE    2u
#define END_BYTES 4u

static const pki_cry_table *const tables[] = {
    &pki_cry_rules_aes,       &pki_cry_rules_des,       &pki_cry_rules_blowfish,
    &pki_cry_rules_sha1,      &pki_cry_rules_sha256,    &pki_cry_rules_sha512,
    &pki_cry_rules_md5,       &pki_cry_rules_chacha,    &pki_cry_rules_crc32,
    &pki_cry_rules_sm3,       &pki_cry_rules_sm4,       &pki_cry_rules_camellia,
    &pki_cry_rules_twofish,   &pki_cry_rules_serpent,   &pki_cry_rules_aria,
    &pki_cry_rules_seed,      &pki_cry_rules_cast,      &pki_cry_rules_rc2,
    &pki_cry_rules_ripemd,    &pki_cry_rules_sha3,      &pki_cry_rules_blake2,
    &pki_cry_rules_whirlpool, &pki_cry_rules_gost28147, &pki_cry_rules_kuznyechik,
    &pki_cry_rules_streebog,  &pki_cry_rules_poly1305,  &pki_cry_rules_ec,
    &pki_cry_rules_dh,        &pki_cry_rules_pq,
};
#define NTABLES (sizeof tables / sizeof tables[0])

static const struct alg_info {
    const char *name;
    const char *family;
} algs[PKI_CRY_ALG_COUNT] = {
    [PKI_CRY_AES] = {"AES", "block cipher"},
    [PKI_CRY_DES] = {"DES", "block cipher"},
    [PKI_CRY_BLOWFISH] = {"Blowfish", "block cipher"},
    [PKI_CRY_SHA1] = {"SHA-1", "hash"},
    [PKI_CRY_SHA256] = {"SHA-256", "hash"},
    [PKI_CRY_SHA512] = {"SHA-512", "hash"},
    [PKI_CRY_MD5] = {"MD5", "hash"},
    [PKI_CRY_CHACHA] = {"ChaCha20/Salsa20", "stream cipher"},
    [PKI_CRY_CRC32] = {"CRC32", "checksum (non-cryptographic)"},
    [PKI_CRY_SM3] = {"SM3", "hash"},
    [PKI_CRY_SM4] = {"SM4", "block cipher"},
    [PKI_CRY_CAMELLIA] = {"Camellia", "block cipher"},
    [PKI_CRY_TWOFISH] = {"Twofish", "block cipher"},
    [PKI_CRY_SERPENT] = {"Serpent", "block cipher"},
    [PKI_CRY_ARIA] = {"ARIA", "block cipher"},
    [PKI_CRY_SEED] = {"SEED", "block cipher"},
    [PKI_CRY_CAST] = {"CAST-128/CAST-256", "block cipher"},
    [PKI_CRY_RC2] = {"RC2", "block cipher"},
    [PKI_CRY_RIPEMD160] = {"RIPEMD-160", "hash"},
    [PKI_CRY_SHA3] = {"SHA-3/Keccak", "hash"},
    [PKI_CRY_BLAKE2] = {"BLAKE2", "hash"},
    [PKI_CRY_WHIRLPOOL] = {"Whirlpool", "hash"},
    [PKI_CRY_GOST28147] = {"GOST 28147-89", "block cipher"},
    [PKI_CRY_GOST_PI] = {"Kuznyechik/Streebog", "block cipher or hash"},
    [PKI_CRY_STREEBOG] = {"Streebog", "hash"},
    [PKI_CRY_POLY1305] = {"Poly1305", "message authentication code"},
    [PKI_CRY_P192] = {"NIST P-192", "elliptic curve"},
    [PKI_CRY_P224] = {"NIST P-224", "elliptic curve"},
    [PKI_CRY_P256] = {"NIST P-256", "elliptic curve"},
    [PKI_CRY_P384] = {"NIST P-384", "elliptic curve"},
    [PKI_CRY_P521] = {"NIST P-521", "elliptic curve"},
    [PKI_CRY_SECP256K1] = {"secp256k1", "elliptic curve"},
    [PKI_CRY_BP256] = {"brainpoolP256r1", "elliptic curve"},
    [PKI_CRY_BP384] = {"brainpoolP384r1", "elliptic curve"},
    [PKI_CRY_BP512] = {"brainpoolP512r1", "elliptic curve"},
    [PKI_CRY_ED25519] = {"Curve25519/Ed25519", "elliptic curve"},
    [PKI_CRY_SM2] = {"SM2", "elliptic curve"},
    [PKI_CRY_MODP768] = {"MODP-768", "key agreement group"},
    [PKI_CRY_MODP1024] = {"MODP-1024", "key agreement group"},
    [PKI_CRY_MODP1536] = {"MODP-1536", "key agreement group"},
    [PKI_CRY_MODP2048] = {"MODP-2048", "key agreement group"},
    [PKI_CRY_MODP3072] = {"MODP-3072", "key agreement group"},
    [PKI_CRY_MODP4096] = {"MODP-4096", "key agreement group"},
    [PKI_CRY_MODP6144] = {"MODP-6144", "key agreement group"},
    [PKI_CRY_MODP8192] = {"MODP-8192", "key agreement group"},
    [PKI_CRY_FFDHE2048] = {"ffdhe2048", "key agreement group"},
    [PKI_CRY_FFDHE3072] = {"ffdhe3072", "key agreement group"},
    [PKI_CRY_FFDHE4096] = {"ffdhe4096", "key agreement group"},
    [PKI_CRY_FFDHE6144] = {"ffdhe6144", "key agreement group"},
    [PKI_CRY_FFDHE8192] = {"ffdhe8192", "key agreement group"},
    [PKI_CRY_MLKEM] = {"ML-KEM", "post-quantum KEM"},
    [PKI_CRY_MLDSA] = {"ML-DSA", "post-quantum signature"},
};

const char *pki_cry_alg_name(pki_cry_alg a)
{
    return (unsigned)a < PKI_CRY_ALG_COUNT ? algs[a].name : "?";
}

const char *pki_cry_alg_family(pki_cry_alg a)
{
    return (unsigned)a < PKI_CRY_ALG_COUNT ? algs[a].family : "?";
}

size_t pki_cry_nrules(void)
{
    size_t n = 0;
    for (size_t t = 0; t < NTABLES; t++)
        n += tables[t]->n;
    return n;
}

const pki_cry_rule *pki_cry_rule_at(size_t ix)
{
    for (size_t t = 0; t < NTABLES; t++) {
        if (ix < tables[t]->n)
            return &tables[t]->rules[ix];
        ix -= tables[t]->n;
    }
    return NULL;
}

size_t pki_cry_encode(const pki_cry_rule *r, int be, uint8_t *out, size_t cap)
{
    size_t w = r->enc == PKI_CRY_W32   ? 4
               : r->enc == PKI_CRY_W64 ? 8
               : r->enc == PKI_CRY_W16 ? 2
                                       : 1;
    if (r->min_bytes == 0 || r->min_bytes > cap || r->min_bytes > r->count * w)
        return 0;
    if (r->enc == PKI_CRY_BIGNUM) {
        const uint8_t *d = r->data;
        for (size_t i = 0; i < r->min_bytes; i++)
            out[i] = be ? d[i] : d[r->min_bytes - 1 - i];
        return r->min_bytes;
    }
    for (size_t i = 0; i < r->min_bytes; i++) {
        size_t e = i / w, b = i % w; /* element, byte within it (memory order) */
        uint64_t v;
        if (r->enc == PKI_CRY_W32)
            v = ((const uint32_t *)r->data)[e];
        else if (r->enc == PKI_CRY_W64)
            v = ((const uint64_t *)r->data)[e];
        else if (r->enc == PKI_CRY_W16)
            v = ((const uint16_t *)r->data)[e];
        else
            v = ((const uint8_t *)r->data)[e];
        size_t shift = be ? (w - 1 - b) * 8 : b * 8;
        out[i] = (uint8_t)(v >> shift);
    }
    return r->min_bytes;
}

static void cry_fini(void *state)
{
    pki_crn_free(state);
    pki_free(state);
}

/* Pattern id: rule index * 2 + (1 for the big-endian form of a word table);
 * names from PKI_CRN_PAT_BASE. The state is the parsed name rules. */
static pk_status cry_init(pk_match_reg *reg, void **state)
{
    pki_crn_set *set = pki_calloc(1, sizeof *set);
    *state = set;
    if (!set)
        return PK_E_NOMEM;
    pk_status nst = pki_crn_load(set);
    if (nst == PK_OK)
        nst = pki_crn_register(set, reg);
    if (nst != PK_OK) {
        cry_fini(set);
        *state = NULL;
        return nst;
    }
    size_t n = pki_cry_nrules();
    for (size_t i = 0; i < n; i++) {
        const pki_cry_rule *r = pki_cry_rule_at(i);
        int forms = r->enc == PKI_CRY_BYTES ? 1 : 2;
        for (int be = 0; be < forms; be++) {
            uint8_t pat[PKI_CRY_MAX_PATTERN];
            size_t len = pki_cry_encode(r, be, pat, sizeof pat);
            if (len < 16) {
                cry_fini(set); /* a malformed or too short rule: a bug in the tables */
                *state = NULL;
                return PK_E_USAGE;
            }
            pk_status st = pk_match_add(reg, (uint32_t)(i * 2 + (size_t)be), (const char *)pat, len,
                                        PK_PAT_LITERAL);
            if (st != PK_OK) {
                cry_fini(set);
                *state = NULL;
                return st;
            }
        }
    }
    return PK_OK;
}

typedef struct fstate {
    uint32_t count[PKI_CRY_ALG_COUNT];
    uint64_t first[PKI_CRY_ALG_COUNT];
    uint8_t endian[PKI_CRY_ALG_COUNT]; /* END_* seen */
    pki_crn_fstate names;
} fstate;

static void cry_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                      pk_emit *out)
{
    fstate *f = fs;
    if (pk_ftype_is_container(file->type))
        return; /* its entries are unpacked and analysed as files of their own */
    if (hit->pat >= PKI_CRN_PAT_BASE) {
        if (state)
            pki_crn_match(state, &f->names, hit->pat, hit->end, out);
        return;
    }
    const pki_cry_rule *r = pki_cry_rule_at(hit->pat / 2);
    if (!r || (unsigned)r->alg >= PKI_CRY_ALG_COUNT || hit->end < r->min_bytes)
        return;
    int be = (int)(hit->pat & 1u);
    uint64_t start = hit->end - r->min_bytes;
    if (f->count[r->alg] == 0 || start < f->first[r->alg])
        f->first[r->alg] = start;
    f->endian[r->alg] |= r->enc == PKI_CRY_BYTES ? END_BYTES : be ? END_BE : END_LE;
    if (f->count[r->alg]++ >= MAX_REPORTED)
        return;
    size_t evl = r->min_bytes < EVIDENCE_MAX ? r->min_bytes : EVIDENCE_MAX;
    pk_bytes ev = pk_emit_window(out, start, start + evl);
    uint8_t conf = r->min_bytes >= 32 ? 90 : 70;
    pk_finding_spec spec = {"PK-CRY-0001", PK_SEV_INFO, conf, {start, r->min_bytes, NULL}, ev};
    const char *word = r->enc == PKI_CRY_BYTES ? ""
                       : r->enc == PKI_CRY_BIGNUM
                           ? (be ? " (big-endian number)" : " (little-endian number)")
                       : be ? " (big-endian words)"
                            : " (little-endian words)";
    pk_emit_finding(out, &spec, "%s constant %s%s at offset %llu: %s%s.", algs[r->alg].name,
                    r->name, word, (unsigned long long)start,
                    r->alg == PKI_CRY_CRC32 ? "a non-cryptographic checksum"
                    : r->alg >= PKI_CRY_P192 && r->alg <= PKI_CRY_FFDHE8192
                        ? "the domain parameters of this curve or group"
                        : "an implementation of this algorithm",
                    r->alg == PKI_CRY_MD5 && strcmp(r->name, "md5-iv") == 0
                        ? " (initial values shared with MD4, SHA-1 and RIPEMD-160)"
                        : "");
}

static const char *endian_name(uint8_t m)
{
    if ((m & (END_LE | END_BE)) == (END_LE | END_BE))
        return "both";
    if (m & END_LE)
        return "little";
    if (m & END_BE)
        return "big";
    return "bytes";
}

static pk_status cry_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    fstate *f = fs;
    if (state && !pk_ftype_is_container(file->type)) {
        pk_status st = pki_crn_analyze(state, &f->names, file, out);
        if (st != PK_OK)
            return st;
    }
    pk_fact *arr = NULL;
    for (int a = 0; a < PKI_CRY_ALG_COUNT; a++) {
        if (!f->count[a])
            continue;
        if (!arr && !(arr = pk_fact_arr(pk_emit_facts(out), "algorithms")))
            return PK_E_NOMEM;
        pk_fact *e = pk_fact_push_obj(arr);
        if (!e)
            return PK_E_NOMEM;
        pk_fact_set_str(e, "name", algs[a].name);
        pk_fact_set_str(e, "family", algs[a].family);
        pk_fact_set_int(e, "count", f->count[a]);
        pk_fact_set_int(e, "first_offset", (int64_t)f->first[a]);
        pk_fact_set_str(e, "endian", endian_name(f->endian[a]));
    }
    return PK_OK;
}

const pk_analyzer pki_analyzer_crypto = {
    .name = "crypto",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = cry_init,
    .on_match = cry_match,
    .analyze = cry_analyze,
    .fini = cry_fini,
};
