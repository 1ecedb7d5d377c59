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
    &pki_cry_rules_dh,        &pki_cry_rules_pq,        &pki_cry_rules_sha2t,
    &pki_cry_rules_gost3410,  &pki_cry_rules_edwards,
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
    [PKI_CRY_SHA224] = {"SHA-224", "hash"},
    [PKI_CRY_SHA384] = {"SHA-384", "hash"},
    [PKI_CRY_SHA512_224] = {"SHA-512/224", "hash"},
    [PKI_CRY_SHA512_256] = {"SHA-512/256", "hash"},
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
    /* the CycloneDX and policy name of GOST R 34.10; the rule names the parameter set */
    [PKI_CRY_GOSTR3410] = {"GOSTR3410", "elliptic curve"},
    [PKI_CRY_CURVE448] = {"Curve448", "elliptic curve"},
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

/* ---- initial values shared between algorithms ----
 * MD5's A..D are MD4's and the first four words of SHA-1's IV; RIPEMD-160's IV
 * is SHA-1's; BLAKE2b's IV is SHA-512's and BLAKE2s's SHA-256's. A hit of
 * md5-iv, sha1-iv, sha256-iv or sha512-iv is held until the end of the file
 * and named by a word only the candidate algorithm has, found anywhere in the
 * file (optimised code keeps round constants in instruction immediates, so
 * one 4- or 8-byte word is what is left of them) or by the algorithm's own
 * table rule. */
enum { IV_MD5, IV_SHA1, IV_SHA256, IV_SHA512, IV_KINDS, IV_NONE = IV_KINDS };

static const char *const iv_rule[IV_KINDS] = {"md5-iv", "sha1-iv", "sha256-iv", "sha512-iv"};

enum { W_MD5_T0, W_SHA1_K4, W_RMD_K4, W_RMD_KR0, W_SHA256_K0, W_SHA512_K0, W_COUNT };

static const struct cword {
    uint64_t v;
    uint8_t bytes;
} cwords[W_COUNT] = {
    [W_MD5_T0] = {0xd76aa478u, 4},              /* MD5 T[1] (RFC 1321, 3.4): not in MD4 */
    [W_SHA1_K4] = {0xca62c1d6u, 4},             /* SHA-1 K(60..79): not in RIPEMD-160 or MD4 */
    [W_RMD_K4] = {0xa953fd4eu, 4},              /* RIPEMD-160 K4, left line: not in SHA-1 */
    [W_RMD_KR0] = {0x50a28be6u, 4},             /* RIPEMD-160 K'0, right line */
    [W_SHA256_K0] = {0x428a2f98u, 4},           /* SHA-256 K[0]: BLAKE2s has no K */
    [W_SHA512_K0] = {0x428a2f98d728ae22ull, 8}, /* SHA-512 K[0]: BLAKE2b has no K */
};

/* Pattern ids below PKI_CRN_PAT_BASE: rules (index * 2 + be), then the
 * hexadecimal text of the big-number rules, then the confirming words. */
#define HEX_BASE  0x80000u
#define WORD_BASE 0xc0000u
#define IV_KEEP   16u /* held hits per kind; further ones are only counted */

typedef struct ivhit {
    uint64_t start;
    uint8_t be;
    uint8_t evl;
    uint8_t ev[EVIDENCE_MAX];
} ivhit;

typedef struct ivset {
    uint32_t n; /* all hits; the first IV_KEEP are in h */
    ivhit h[IV_KEEP];
} ivset;

static int iv_kind(const pki_cry_rule *r)
{
    for (int k = 0; k < IV_KINDS; k++)
        if (strcmp(r->name, iv_rule[k]) == 0)
            return k;
    return IV_NONE;
}

static int is_curve(const pki_cry_rule *r)
{
    return r->enc == PKI_CRY_BIGNUM && strcmp(algs[r->alg].family, "elliptic curve") == 0;
}

size_t pki_cry_hex(const pki_cry_rule *r, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    if (!is_curve(r) || r->min_bytes == 0 || 2 * r->min_bytes > cap)
        return 0;
    const uint8_t *d = r->data;
    for (size_t i = 0; i < r->min_bytes; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    return 2 * r->min_bytes;
}

static void cry_fini(void *state)
{
    pki_crn_free(state);
    pki_free(state);
}

static pk_status add_rules(pk_match_reg *reg)
{
    size_t n = pki_cry_nrules();
    for (size_t i = 0; i < n; i++) {
        const pki_cry_rule *r = pki_cry_rule_at(i);
        int forms = r->enc == PKI_CRY_BYTES ? 1 : 2;
        for (int be = 0; be < forms; be++) {
            uint8_t pat[PKI_CRY_MAX_PATTERN];
            size_t len = pki_cry_encode(r, be, pat, sizeof pat);
            if (len < 16)
                return PK_E_USAGE; /* a malformed or too short rule: a bug in the tables */
            pk_status st = pk_match_add(reg, (uint32_t)(i * 2 + (size_t)be), (const char *)pat, len,
                                        PK_PAT_LITERAL);
            if (st != PK_OK)
                return st;
        }
        char hex[2 * PKI_CRY_MAX_PATTERN];
        size_t hl = pki_cry_hex(r, hex, sizeof hex);
        if (hl) { /* curve parameters written as text (libgcrypt, wolfSSL), any case */
            pk_status st =
                pk_match_add(reg, HEX_BASE + (uint32_t)i, hex, hl, PK_PAT_LITERAL | PK_PAT_NOCASE);
            if (st != PK_OK)
                return st;
        }
    }
    for (unsigned w = 0; w < W_COUNT; w++)
        for (int be = 0; be < 2; be++) {
            char pat[8];
            for (unsigned b = 0; b < cwords[w].bytes; b++) {
                unsigned sh = be ? (cwords[w].bytes - 1u - b) * 8u : b * 8u;
                pat[b] = (char)(uint8_t)(cwords[w].v >> sh);
            }
            pk_status st = pk_match_add(reg, WORD_BASE + w * 2u + (uint32_t)be, pat,
                                        cwords[w].bytes, PK_PAT_LITERAL);
            if (st != PK_OK)
                return st;
        }
    return PK_OK;
}

/* Pattern id: rule index * 2 + (1 for the big-endian form of a word table),
 * HEX_BASE + rule index, WORD_BASE + word * 2 + be; names from
 * PKI_CRN_PAT_BASE. The state is the parsed name rules. */
static pk_status cry_init(pk_match_reg *reg, void **state)
{
    pki_crn_set *set = pki_calloc(1, sizeof *set);
    *state = set;
    if (!set)
        return PK_E_NOMEM;
    pk_status nst = pki_crn_load(set);
    if (nst == PK_OK)
        nst = pki_crn_register(set, reg);
    if (nst == PK_OK)
        nst = add_rules(reg);
    if (nst != PK_OK) {
        cry_fini(set);
        *state = NULL;
    }
    return nst;
}

typedef struct fstate {
    uint32_t count[PKI_CRY_ALG_COUNT];
    uint64_t first[PKI_CRY_ALG_COUNT];
    uint8_t endian[PKI_CRY_ALG_COUNT]; /* END_* seen */
    uint8_t reported[PKI_CRY_ALG_COUNT];
    uint32_t words; /* 1 << W_* seen */
    ivset iv[IV_KINDS];
    pki_crn_fstate names;
} fstate;

static void count_hit(fstate *f, pki_cry_alg a, uint64_t start, uint8_t endian)
{
    if (f->count[a] == 0 || start < f->first[a])
        f->first[a] = start;
    f->endian[a] |= endian;
    f->count[a]++;
}

/* One PK-CRY-0001 finding, up to MAX_REPORTED per algorithm and file. */
static void report(fstate *f, pk_emit *out, pki_cry_alg a, const pki_cry_rule *r, const char *form,
                   uint64_t start, uint64_t len, pk_bytes ev, uint8_t conf, const char *note)
{
    if (f->reported[a] >= MAX_REPORTED)
        return;
    f->reported[a]++;
    pk_finding_spec spec = {"PK-CRY-0001", PK_SEV_INFO, conf, {start, len, NULL}, ev};
    pk_emit_finding(out, &spec, "%s constant %s%s at offset %llu: %s%s.", algs[a].name, r->name,
                    form, (unsigned long long)start,
                    a == PKI_CRY_CRC32 ? "a non-cryptographic checksum"
                    : strcmp(algs[a].family, "elliptic curve") == 0 ||
                            strcmp(algs[a].family, "key agreement group") == 0
                        ? "the domain parameters of this curve or group"
                        : "an implementation of this algorithm",
                    note);
}

static const char *form_name(const pki_cry_rule *r, int be)
{
    return r->enc == PKI_CRY_BYTES    ? ""
           : r->enc == PKI_CRY_BIGNUM ? (be ? " (big-endian number)" : " (little-endian number)")
           : be                       ? " (big-endian words)"
                                      : " (little-endian words)";
}

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
    if (hit->pat >= WORD_BASE) {
        unsigned w = (hit->pat - WORD_BASE) / 2u;
        if (w < W_COUNT)
            f->words |= 1u << w;
        return;
    }
    int hex = hit->pat >= HEX_BASE;
    const pki_cry_rule *r = pki_cry_rule_at(hex ? hit->pat - HEX_BASE : hit->pat / 2);
    uint64_t len = r ? (hex ? 2u * r->min_bytes : r->min_bytes) : 0;
    if (!r || (unsigned)r->alg >= PKI_CRY_ALG_COUNT || hit->end < len)
        return;
    int be = hex || (hit->pat & 1u);
    uint64_t start = hit->end - len;
    size_t evl = len < EVIDENCE_MAX ? (size_t)len : EVIDENCE_MAX;
    pk_bytes ev = pk_emit_window(out, start, start + evl);
    int k = hex ? IV_NONE : iv_kind(r);
    if (k != IV_NONE) { /* named at the end of the file */
        ivset *s = &f->iv[k];
        if (s->n < IV_KEEP) {
            ivhit *h = &s->h[s->n];
            h->start = start;
            h->be = (uint8_t)be;
            h->evl = (uint8_t)ev.len;
            if (ev.len)
                memcpy(h->ev, ev.ptr, ev.len);
        }
        s->n++;
        return;
    }
    count_hit(f, r->alg, start, hex || r->enc == PKI_CRY_BYTES ? END_BYTES : be ? END_BE : END_LE);
    report(f, out, r->alg, r, hex ? " (hexadecimal text)" : form_name(r, be), start, len, ev,
           r->min_bytes >= 32 ? 90 : 70, "");
}

static int same_start(const ivset *s, uint64_t start)
{
    for (uint32_t i = 0; i < s->n && i < IV_KEEP; i++)
        if (s->h[i].start == start)
            return 1;
    return 0;
}

/* Names the held IV hits of one kind: as alg (and alg2 if not PKI_CRY_ALG_COUNT), or, with
 * neither, as an unconfirmed finding that is not counted. */
static void resolve_iv(fstate *f, pk_emit *out, int k, pki_cry_alg alg, pki_cry_alg alg2,
                       const char *note)
{
    const ivset *s = &f->iv[k];
    const pki_cry_rule *r = NULL;
    for (size_t i = 0; i < pki_cry_nrules() && !r; i++)
        if (strcmp(pki_cry_rule_at(i)->name, iv_rule[k]) == 0)
            r = pki_cry_rule_at(i);
    if (!r)
        return;
    for (uint32_t i = 0; i < s->n; i++) {
        const ivhit *h = i < IV_KEEP ? &s->h[i] : NULL;
        /* MD5's A..D at the start of a sha1-iv hit are SHA-1's (or RIPEMD-160's),
         * unless MD5's T is in the file too: linkers merge equal 16-byte
         * constants, so one copy can serve MD5's init and SHA-1's (libxcrypt) */
        if (k == IV_MD5 && alg == PKI_CRY_ALG_COUNT && h && same_start(&f->iv[IV_SHA1], h->start))
            continue;
        uint64_t start = h ? h->start : s->h[IV_KEEP - 1].start;
        uint8_t endian = !h || !h->be ? END_LE : END_BE;
        pk_bytes ev = {h ? h->ev : NULL, h ? h->evl : 0};
        const char *form = form_name(r, h && h->be);
        if (alg == PKI_CRY_ALG_COUNT) {
            if (h && i < MAX_REPORTED) {
                pk_finding_spec spec = {
                    "PK-CRY-0001", PK_SEV_INFO, 50, {start, r->min_bytes, NULL}, ev};
                pk_emit_finding(out, &spec,
                                "Initial values %s%s at offset %llu: %s; not counted as an "
                                "algorithm.",
                                r->name, form, (unsigned long long)start, note);
            }
            continue;
        }
        count_hit(f, alg, start, endian);
        if (h)
            report(f, out, alg, r, form, start, r->min_bytes, ev, r->min_bytes >= 32 ? 90 : 70,
                   note);
        if (alg2 != PKI_CRY_ALG_COUNT) {
            count_hit(f, alg2, start, endian);
            if (h)
                report(f, out, alg2, r, form, start, r->min_bytes, ev, 70, note);
        }
    }
}

static void resolve_ivs(fstate *f, pk_emit *out)
{
    const pki_cry_alg none = PKI_CRY_ALG_COUNT;
    int md5 = f->count[PKI_CRY_MD5] || (f->words & (1u << W_MD5_T0));
    int sha1 = f->count[PKI_CRY_SHA1] || (f->words & (1u << W_SHA1_K4));
    int rmd = f->count[PKI_CRY_RIPEMD160] || (f->words & (1u << W_RMD_K4 | 1u << W_RMD_KR0));
    int s256 = f->count[PKI_CRY_SHA256] || (f->words & (1u << W_SHA256_K0));
    int s512 = f->count[PKI_CRY_SHA512] || (f->words & (1u << W_SHA512_K0));
    resolve_iv(f, out, IV_SHA1,
               sha1  ? PKI_CRY_SHA1
               : rmd ? PKI_CRY_RIPEMD160
                     : none,
               sha1 && rmd ? PKI_CRY_RIPEMD160 : none,
               sha1 || rmd ? " (SHA-1 and RIPEMD-160 share it; named by a round constant in the "
                             "file)"
                           : "shared by SHA-1 and RIPEMD-160, and no round constant of either is "
                             "in the file");
    resolve_iv(f, out, IV_MD5, md5 ? PKI_CRY_MD5 : none, none,
               md5 ? " (MD4 and SHA-1 share it; MD5's T is in the file)"
                   : "shared by MD5, MD4, SHA-1 and RIPEMD-160, and MD5's T is not in the file");
    resolve_iv(f, out, IV_SHA256, s256 ? PKI_CRY_SHA256 : PKI_CRY_BLAKE2, none,
               s256 ? "" : " (SHA-256's IV without SHA-256's K anywhere in the file: BLAKE2s)");
    resolve_iv(f, out, IV_SHA512, s512 ? PKI_CRY_SHA512 : PKI_CRY_BLAKE2, none,
               s512 ? "" : " (SHA-512's IV without SHA-512's K anywhere in the file: BLAKE2b)");
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
    resolve_ivs(f, out);
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
