/* Signed jars (JAR File Specification, "Signed JAR File" and "Signature
 * Validation"): META-INF/X.RSA|.DSA|.EC is a PKCS#7 SignedData, detached, over
 * META-INF/X.SF; X.SF's main section holds <alg>-Digest-Manifest, the digest
 * of the whole MANIFEST.MF, and per-entry sections holding the digest of the
 * manifest section of the same name (used when the manifest changed since:
 * a later signer appended to it); each manifest section holds <alg>-Digest of
 * the entry's bytes. Everything is read from the jar's own mapped bytes. */
#include "signing_int.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SECTIONS 65535u
#define MAX_NAME     1024u

typedef struct sect {
    const uint8_t *p; /* raw bytes, the blank line that ends it included */
    size_t n;
    char *name; /* "Name:" joined over continuation lines; NULL for the main section */
} sect;

typedef struct mf {
    sect *s;
    size_t n;
} mf;

/* Splits text into sections at blank lines (CRLF, LF or CR line ends). */
static bool mf_split(const uint8_t *b, size_t len, mf *out)
{
    out->s = pki_calloc(MAX_SECTIONS, sizeof *out->s);
    out->n = 0;
    if (!out->s)
        return false;
    size_t i = 0;
    while (i < len && out->n < MAX_SECTIONS) {
        size_t start = i;
        bool blank = false;
        while (i < len && !blank) {
            size_t ls = i;
            while (i < len && b[i] != '\r' && b[i] != '\n')
                i++;
            bool empty = i == ls;
            if (i < len && b[i] == '\r') {
                i++;
                if (i < len && b[i] == '\n')
                    i++;
            } else if (i < len && b[i] == '\n') {
                i++;
            }
            blank = empty;
        }
        if (i > start)
            out->s[out->n++] = (sect){b + start, i - start, NULL};
    }
    return true;
}

static void mf_free(mf *m)
{
    for (size_t i = 0; m->s && i < m->n; i++)
        pki_free(m->s[i].name);
    pki_free(m->s);
    m->s = NULL;
}

/* The value of attribute `key` in a section, continuation lines joined. */
static bool attr(const sect *s, const char *key, char *val, size_t cap)
{
    size_t kl = strlen(key), i = 0, vn = 0;
    bool found = false;
    while (i < s->n) {
        size_t ls = i;
        while (i < s->n && s->p[i] != '\r' && s->p[i] != '\n')
            i++;
        size_t le = i;
        if (i < s->n && s->p[i] == '\r')
            i++;
        if (i < s->n && s->p[i] == '\n')
            i++;
        if (found) {
            if (le > ls && s->p[ls] == ' ') { /* continuation */
                for (size_t k = ls + 1; k < le && vn + 1 < cap; k++)
                    val[vn++] = (char)s->p[k];
                continue;
            }
            break;
        }
        if (le - ls > kl + 1 && strncasecmp((const char *)s->p + ls, key, kl) == 0 &&
            s->p[ls + kl] == ':') {
            size_t k = ls + kl + 1;
            if (k < le && s->p[k] == ' ')
                k++;
            for (; k < le && vn + 1 < cap; k++)
                val[vn++] = (char)s->p[k];
            found = true;
        }
    }
    if (cap)
        val[vn < cap ? vn : cap - 1] = '\0';
    return found;
}

/* The first "<alg><suffix>" attribute (e.g. "SHA-256-Digest") of a section:
 * its digest decoded from base64, and the EVP digest. */
static const EVP_MD *digest_attr(const sect *s, const char *suffix, unsigned char *dig,
                                 unsigned *dlen, char *alg, size_t algcap)
{
    static const char *const algs[] = {"SHA-512", "SHA-384", "SHA-256", "SHA-1", "SHA1", "MD5"};
    static const char *const evp[] = {"SHA512", "SHA384", "SHA256", "SHA1", "SHA1", "MD5"};
    char key[48], b64[256];
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        snprintf(key, sizeof key, "%s%s", algs[i], suffix);
        if (!attr(s, key, b64, sizeof b64))
            continue;
        size_t bl = strlen(b64);
        while (bl && isspace((unsigned char)b64[bl - 1]))
            b64[--bl] = '\0';
        unsigned char raw[256];
        int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)bl);
        if (n < 0)
            continue;
        for (size_t k = bl; k > 0 && b64[k - 1] == '='; k--)
            n--;
        if (n <= 0 || n > EVP_MAX_MD_SIZE)
            continue;
        memcpy(dig, raw, (size_t)n);
        *dlen = (unsigned)n;
        snprintf(alg, algcap, "%s", algs[i]);
        return EVP_get_digestbyname(evp[i]);
    }
    return NULL;
}

static bool same_digest(const EVP_MD *md, const uint8_t *p, size_t n, const unsigned char *want,
                        unsigned wl)
{
    unsigned char got[EVP_MAX_MD_SIZE];
    unsigned gl = 0;
    return md && EVP_Digest(p, n, got, &gl, md, NULL) == 1 && gl == wl &&
           memcmp(got, want, gl) == 0;
}

static bool weak_alg(const char *a)
{
    return strcmp(a, "SHA-1") == 0 || strcmp(a, "SHA1") == 0 || strcmp(a, "MD5") == 0;
}

typedef struct jar {
    pki_zip zip;
    pk_emit *out;
    pk_status *st;
    pk_fact *facts;
    const pki_sig_trust *trust;
    mf man;
    const sect **byname; /* the manifest's named sections, sorted by name */
    size_t nnamed;
    const uint8_t *mfb;
    size_t mfn;
} jar;

static void finding(jar *j, const char *rule, pk_severity sev, const pki_zent *e, const char *fmt,
                    const char *a, const char *b)
{
    pk_finding_spec spec = {
        .rule_id = rule,
        .severity = sev,
        .confidence = 100,
        .loc = {.offset = e ? e->lho : PK_LOC_NONE,
                .length = e ? 30u + e->nlen : 0,
                .record = "zip entry"},
    };
    if (e) {
        spec.evidence.ptr = e->name;
        spec.evidence.len = e->nlen;
    }
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    pk_status s = pk_emit_finding(j->out, &spec, "%s", msg);
    if (s != PK_OK && *j->st == PK_OK)
        *j->st = s;
}

static int cmp_sect(const void *a, const void *b)
{
    return strcmp((*(const sect *const *)a)->name, (*(const sect *const *)b)->name);
}

/* The manifest section named `name` (a binary search: jars have 10^4 entries). */
static const sect *mf_section(const jar *j, const char *name)
{
    sect key = {.name = (char *)name};
    const sect *kp = &key;
    const sect **hit =
        j->byname ? bsearch(&kp, j->byname, j->nnamed, sizeof *j->byname, cmp_sect) : NULL;
    return hit ? *hit : NULL;
}

/* X.SF against the manifest: the whole-manifest digest, else every section. */
static void check_sf(jar *j, pk_fact *o, const uint8_t *sf, size_t sfn, const pki_zent *e,
                     const char *bname)
{
    mf s;
    if (!mf_split(sf, sfn, &s) || s.n == 0) {
        mf_free(&s);
        return;
    }
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    char alg[16] = "";
    const EVP_MD *md = digest_attr(&s.s[0], "-Digest-Manifest", dig, &dl, alg, sizeof alg);
    bool whole = md && same_digest(md, j->mfb, j->mfn, dig, dl);
    if (alg[0])
        pk_fact_set_str(o, "sf_digest_algorithm", alg);
    pk_fact_set_bool(o, "manifest_digest_ok", whole);
    unsigned checked = 0, ok = 0;
    char name[MAX_NAME];
    for (size_t i = 1; i < s.n && !whole; i++) {
        if (!attr(&s.s[i], "Name", name, sizeof name))
            continue;
        char a2[16];
        const EVP_MD *m2 = digest_attr(&s.s[i], "-Digest", dig, &dl, a2, sizeof a2);
        const sect *ms = mf_section(j, name);
        checked++;
        ok += m2 && ms && same_digest(m2, ms->p, ms->n, dig, dl);
    }
    if (!whole) {
        pk_fact_set_int(o, "sections_checked", checked);
        pk_fact_set_int(o, "sections_ok", ok);
    }
    bool sf_ok = whole || (checked > 0 && ok == checked);
    pk_fact_set_bool(o, "sf_ok", sf_ok);
    if (!sf_ok)
        finding(j, "PK-SIG-0002", PK_SEV_HIGH, e,
                "Jar signature %s: its .SF does not match META-INF/MANIFEST.MF: the manifest "
                "changed after signing%s.",
                bname, "");
    if (alg[0] && weak_alg(alg))
        finding(j, "PK-SIG-0006", PK_SEV_MEDIUM, e, "Jar signature %s: its .SF uses %s digests.",
                bname, alg);
    mf_free(&s);
}

static void check_signer(jar *j, pk_fact *arr, const pki_zent *blk, const pki_zent *sfe)
{
    pk_fact *o = pk_fact_push_obj(arr);
    char bname[MAX_NAME];
    snprintf(bname, sizeof bname, "%.*s", (int)blk->nlen, (const char *)blk->name);
    pk_fact_set_str(o, "block", bname);
    size_t bn = 0, sfn = 0;
    uint8_t *b = pki_zip_read(&j->zip, blk, PKI_SIG_MAX_MEMBER, &bn);
    uint8_t *sf = sfe ? pki_zip_read(&j->zip, sfe, PKI_SIG_MAX_MEMBER, &sfn) : NULL;
    const unsigned char *p = b;
    PKCS7 *p7 = b ? d2i_PKCS7(NULL, &p, (long)bn) : NULL;
    PKCS7_SIGNER_INFO *si = p7 && PKCS7_type_is_signed(p7) && p7->d.sign
                                ? sk_PKCS7_SIGNER_INFO_value(p7->d.sign->signer_info, 0)
                                : NULL;
    if (!sf || !si) {
        pk_fact_set_str(o, "error",
                        !sf ? "no .SF file for this signature block"
                            : "the signature block is not PKCS#7 SignedData");
        finding(j, "PK-SIG-0002", PK_SEV_HIGH, blk, "Jar signature %s is unusable: %s.", bname,
                !sf ? "its .SF file is missing" : "it is not PKCS#7 SignedData");
        goto done;
    }
    X509 *cert = pki_sig_find_cert(p7->d.sign->cert, si);
    char err[160];
    bool sig_ok = pki_sig_verify_si(si, cert, sf, sfn, err, sizeof err);
    pk_fact_set_bool(o, "signature_ok", sig_ok);
    int nid = si->digest_alg ? OBJ_obj2nid(si->digest_alg->algorithm) : NID_undef;
    pk_fact_set_str(o, "signer_digest_algorithm", nid != NID_undef ? OBJ_nid2sn(nid) : "unknown");
    if (!sig_ok) {
        pk_fact_set_str(o, "signature_error", err);
        finding(j, "PK-SIG-0002", PK_SEV_HIGH, blk, "Jar signature %s is invalid: %s.", bname, err);
    }
    check_sf(j, o, sf, sfn, blk, bname);
    if (cert) {
        pki_sig_cert_facts(pk_fact_obj(o, "signer"), cert);
        pki_sig_chain ch;
        pki_sig_chain_check(j->trust->store, cert, p7->d.sign->cert, time(NULL), &ch);
        pk_fact_set_str(o, "chain", ch.status);
        pk_fact_set_bool(o, "expired", ch.expired);
        pk_fact_set_bool(o, "trust_store", j->trust->given);
        if (ch.error[0])
            pk_fact_set_str(o, "chain_error", ch.error);
        if (ch.self_signed && strcmp(ch.status, "trusted") && strcmp(ch.status, "expired"))
            finding(j, "PK-SIG-0003", PK_SEV_MEDIUM, blk,
                    "Jar signer %s has a self-signed certificate%s.", bname, "");
        else if (j->trust->given && strcmp(ch.status, "untrusted") == 0)
            finding(j, "PK-SIG-0004", PK_SEV_MEDIUM, blk,
                    "Jar signer %s does not chain to the trust store (%s).", bname, ch.error);
        if (ch.expired)
            finding(j, "PK-SIG-0005", PK_SEV_MEDIUM, blk,
                    "Jar signer %s: a certificate of the chain is not valid now (%s).", bname,
                    ch.time_error);
        if (nid == NID_sha1 || nid == NID_md5)
            finding(j, "PK-SIG-0006", PK_SEV_MEDIUM, blk, "Jar signer %s signs with %s.", bname,
                    OBJ_nid2sn(nid));
        char c[64];
        if (pki_sig_subject_attr(cert, NID_countryName, c, sizeof c))
            finding(j, "PK-SIG-0007", PK_SEV_INFO, blk, "Jar signer's certificate says C=%s%s.", c,
                    "");
    }
done:
    PKCS7_free(p7);
    pki_free(b);
    pki_free(sf);
    ERR_clear_error();
}

static bool is_block(const pki_zent *e)
{
    static const char pre[] = "META-INF/";
    if (e->nlen <= sizeof pre - 1 || memcmp(e->name, pre, sizeof pre - 1) != 0 ||
        memchr(e->name + sizeof pre - 1, '/', e->nlen - (sizeof pre - 1)))
        return false;
    const char *dot = memrchr(e->name, '.', e->nlen);
    size_t el = dot ? (size_t)((const char *)e->name + e->nlen - dot) : 0;
    return dot && ((el == 4 && (!strncasecmp(dot, ".RSA", 4) || !strncasecmp(dot, ".DSA", 4))) ||
                   (el == 3 && !strncasecmp(dot, ".EC", 3)));
}

/* Is the entry one of the signature's own files (not covered by the manifest)? */
static bool is_meta_sig(const pki_zent *e)
{
    static const char pre[] = "META-INF/";
    if (e->nlen <= sizeof pre - 1 || memcmp(e->name, pre, sizeof pre - 1) != 0 ||
        memchr(e->name + sizeof pre - 1, '/', e->nlen - (sizeof pre - 1)))
        return false;
    const char *n = (const char *)e->name + sizeof pre - 1;
    size_t l = e->nlen - (sizeof pre - 1);
    return is_block(e) || (l == 11 && !strncasecmp(n, "MANIFEST.MF", 11)) ||
           (l > 3 && !strncasecmp(n + l - 3, ".SF", 3)) || (l > 4 && !strncasecmp(n, "SIG-", 4));
}

/* Each manifest entry's digest against the entry's bytes, within a budget. */
static void check_entries(jar *j, pk_fact *jf)
{
    unsigned verified = 0, bad = 0, missing = 0, unchecked = 0, reported = 0, unsigned_n = 0;
    uint64_t budget = PKI_SIG_MAX_HASHED;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    for (size_t i = 1; ctx && i < j->man.n; i++) {
        const sect *s = &j->man.s[i];
        unsigned char dig[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
        unsigned dl = 0, gl = 0;
        char alg[16];
        const EVP_MD *md = s->name ? digest_attr(s, "-Digest", dig, &dl, alg, sizeof alg) : NULL;
        if (!md)
            continue;
        const pki_zent *e = pki_zip_find(&j->zip, s->name, strlen(s->name));
        if (!e) {
            missing++;
            continue;
        }
        if (EVP_DigestInit_ex(ctx, md, NULL) != 1 || !pki_zip_hash(&j->zip, e, ctx, &budget) ||
            EVP_DigestFinal_ex(ctx, got, &gl) != 1) {
            unchecked++;
            continue;
        }
        if (gl == dl && memcmp(got, dig, gl) == 0) {
            verified++;
            continue;
        }
        bad++;
        if (reported++ < PKI_SIG_MAX_ENTRY_FINDS)
            finding(j, "PK-SIG-0001", PK_SEV_HIGH, e,
                    "Jar entry %s does not match its signed manifest digest (%s): it changed "
                    "after signing.",
                    s->name, alg);
    }
    EVP_MD_CTX_free(ctx);
    const pki_zent *first = NULL;
    for (uint32_t i = 0; i < j->zip.n; i++) {
        const pki_zent *e = &j->zip.e[i];
        char name[MAX_NAME];
        if (e->nlen == 0 || e->name[e->nlen - 1] == '/' || is_meta_sig(e) || e->nlen >= MAX_NAME)
            continue;
        memcpy(name, e->name, e->nlen);
        name[e->nlen] = '\0';
        if (!mf_section(j, name) && unsigned_n++ == 0)
            first = e;
    }
    pk_fact_set_int(jf, "entries_verified", verified);
    pk_fact_set_int(jf, "entries_mismatched", bad);
    pk_fact_set_int(jf, "entries_missing", missing);
    pk_fact_set_int(jf, "entries_unchecked", unchecked);
    pk_fact_set_int(jf, "entries_unsigned", unsigned_n);
    if (first) {
        char name[MAX_NAME];
        snprintf(name, sizeof name, "%.*s", (int)first->nlen, (const char *)first->name);
        char cnt[24];
        snprintf(cnt, sizeof cnt, "%u", unsigned_n);
        finding(j, "PK-SIG-0008", PK_SEV_MEDIUM, first,
                "Signed jar holds %s entries no signature covers (the first: %s): added after "
                "signing.",
                cnt, name);
    }
}

void pki_sgn_jar(pk_bytes data, const pki_sig_trust *trust, pk_emit *out, pk_status *st)
{
    jar j;
    memset(&j, 0, sizeof j);
    j.out = out;
    j.st = st;
    j.trust = trust;
    if (!pki_zip_open(data, &j.zip))
        goto done;
    const pki_zent *mfe = pki_zip_find(&j.zip, "META-INF/MANIFEST.MF", 20);
    if (!mfe)
        goto done;
    j.facts = pk_fact_obj(pk_emit_facts(out), "jar");
    const pki_zent *blocks[PKI_SIG_MAX_SIGNERS];
    unsigned nb = 0;
    for (uint32_t i = 0; i < j.zip.n && nb < PKI_SIG_MAX_SIGNERS; i++)
        if (is_block(&j.zip.e[i]))
            blocks[nb++] = &j.zip.e[i];
    pk_fact_set_bool(j.facts, "signed", nb > 0);
    if (nb == 0)
        goto done;
    uint8_t *m = pki_zip_read(&j.zip, mfe, PKI_SIG_MAX_MEMBER, &j.mfn);
    j.mfb = m;
    if (!m || !mf_split(m, j.mfn, &j.man)) {
        pk_fact_set_str(j.facts, "error", "META-INF/MANIFEST.MF does not inflate");
        pki_free(m);
        goto done;
    }
    char name[MAX_NAME];
    j.byname = pki_calloc(j.man.n ? j.man.n : 1, sizeof *j.byname);
    for (size_t i = 1; j.byname && i < j.man.n; i++)
        if (attr(&j.man.s[i], "Name", name, sizeof name) &&
            (j.man.s[i].name = pki_strdup(name)) != NULL)
            j.byname[j.nnamed++] = &j.man.s[i];
    if (j.byname)
        qsort(j.byname, j.nnamed, sizeof *j.byname, cmp_sect);
    pk_fact *arr = pk_fact_arr(j.facts, "signers");
    for (unsigned i = 0; i < nb; i++) {
        const pki_zent *b = blocks[i];
        const uint8_t *dot = memrchr(b->name, '.', b->nlen);
        char sfname[MAX_NAME];
        snprintf(sfname, sizeof sfname, "%.*s.SF", (int)(dot - b->name), (const char *)b->name);
        check_signer(&j, arr, b, pki_zip_find(&j.zip, sfname, strlen(sfname)));
    }
    check_entries(&j, j.facts);
    pki_free(j.byname);
    mf_free(&j.man);
    pki_free(m);
done:
    pki_zip_close(&j.zip);
}
