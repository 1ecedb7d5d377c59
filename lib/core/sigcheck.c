/* PKCS#7 pieces every signature check needs: a SignerInfo verified by hand
 * (RFC 2315 section 9.3: messageDigest over the content, the signature over
 * the DER of the signed attributes as a SET OF), the chain judged with every
 * error collected, the trust store read from a directory, certificate names.
 *
 * Shared by the pe (Authenticode) and signing (jar) analyzers.
 *
 * The SignerInfo is verified by hand rather than with PKCS7_verify so that a
 * wrong digest, a bad signature and an untrusted chain stay three answers. */
#include "sigcheck.h"

#include "core_int.h"

#include <openssl/evp.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define TRUST_MAX_FILES     4096u      /* files read from the trust directory */
#define TRUST_MAX_FILE_SIZE (4u << 20) /* bytes of one trust file */

X509 *pki_sig_find_cert(const STACK_OF(X509) * certs, const PKCS7_SIGNER_INFO *si)
{
    const PKCS7_ISSUER_AND_SERIAL *ias = si ? si->issuer_and_serial : NULL;
    if (!ias || !ias->issuer || !ias->serial)
        return NULL;
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *x = sk_X509_value(certs, i);
        if (x && X509_NAME_cmp(ias->issuer, X509_get_issuer_name(x)) == 0 &&
            ASN1_INTEGER_cmp(ias->serial, X509_get0_serialNumber(x)) == 0)
            return x;
    }
    return NULL;
}

static void why_set(char *why, size_t n, const char *msg)
{
    if (why && n)
        snprintf(why, n, "%s", msg);
}

bool pki_sig_verify_si(PKCS7_SIGNER_INFO *si, X509 *signer, const unsigned char *content, size_t n,
                       char *why, size_t whyn)
{
    why_set(why, whyn, "");
    if (!si || !si->digest_alg || !si->enc_digest) {
        why_set(why, whyn, "incomplete SignerInfo");
        return false;
    }
    if (!signer) {
        why_set(why, whyn, "the signer's certificate is not in the signature");
        return false;
    }
    const EVP_MD *md = EVP_get_digestbyobj(si->digest_alg->algorithm);
    if (!md) {
        why_set(why, whyn, "unknown digest algorithm");
        return false;
    }
    unsigned char *signed_bytes = NULL;
    const unsigned char *tbs = content;
    size_t tbslen = n;
    bool ok = false;
    if (sk_X509_ATTRIBUTE_num(si->auth_attr) > 0) {
        ASN1_OCTET_STRING *want = PKCS7_digest_from_attributes(si->auth_attr);
        unsigned char got[EVP_MAX_MD_SIZE];
        unsigned int glen = 0;
        if (!want) {
            why_set(why, whyn, "no messageDigest among the signed attributes");
            return false;
        }
        if (!content || !EVP_Digest(content, n, got, &glen, md, NULL) ||
            (int)glen != ASN1_STRING_length(want) ||
            memcmp(got, ASN1_STRING_get0_data(want), glen) != 0) {
            why_set(why, whyn, "messageDigest does not match the signed content");
            return false;
        }
        /* the signature covers the attributes re-encoded as a SET OF */
        int len = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &signed_bytes,
                                ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
        if (len <= 0 || !signed_bytes) {
            why_set(why, whyn, "signed attributes do not encode");
            return false;
        }
        tbs = signed_bytes;
        tbslen = (size_t)len;
    } else if (!content) {
        why_set(why, whyn, "no content and no signed attributes");
        return false;
    }
    EVP_PKEY *pk = X509_get0_pubkey(signer);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (pk && ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) == 1)
        ok = EVP_DigestVerify(ctx, ASN1_STRING_get0_data(si->enc_digest),
                              (size_t)ASN1_STRING_length(si->enc_digest), tbs, tbslen) == 1;
    if (!ok)
        why_set(why, whyn,
                pk ? "the signature does not verify with the signer's public key"
                   : "the signer's public key does not decode");
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(signed_bytes);
    ERR_clear_error();
    return ok;
}

typedef struct chain_cb {
    int first_err, time_err;
} chain_cb;

static bool is_time_error(int e)
{
    return e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID ||
           e == X509_V_ERR_CRL_HAS_EXPIRED || e == X509_V_ERR_CRL_NOT_YET_VALID;
}

/* Records each error and goes on, so one walk says both whether the chain
 * reaches the store and whether every certificate was in date. */
static int chain_verify_cb(int ok, X509_STORE_CTX *ctx)
{
    if (ok)
        return 1;
    chain_cb *cb = X509_STORE_CTX_get_app_data(ctx);
    int e = X509_STORE_CTX_get_error(ctx);
    if (cb) {
        if (is_time_error(e)) {
            if (!cb->time_err)
                cb->time_err = e;
        } else if (!cb->first_err) {
            cb->first_err = e;
        }
    }
    return 1;
}

void pki_sig_chain_check(X509_STORE *store, X509 *leaf, STACK_OF(X509) * untrusted, time_t at,
                         pki_sig_chain *out)
{
    memset(out, 0, sizeof *out);
    out->status = "untrusted";
    if (!leaf) {
        snprintf(out->error, sizeof out->error, "no signer certificate");
        return;
    }
    out->self_signed = X509_self_signed(leaf, 0) == 1;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    chain_cb cb = {0, 0};
    if (!ctx || !store || !X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
        snprintf(out->error, sizeof out->error, "out of memory");
        X509_STORE_CTX_free(ctx);
        return;
    }
    X509_STORE_CTX_set_app_data(ctx, &cb);
    X509_STORE_CTX_set_verify_cb(ctx, chain_verify_cb);
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    /* a certificate the user put in the trust directory is an anchor, root or not */
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_time(vp, at);
    if (X509_verify_cert(ctx) <= 0 && !cb.first_err)
        cb.first_err =
            X509_STORE_CTX_get_error(ctx) ? X509_STORE_CTX_get_error(ctx) : X509_V_ERR_UNSPECIFIED;
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    if (cb.first_err)
        snprintf(out->error, sizeof out->error, "%s", X509_verify_cert_error_string(cb.first_err));
    if (cb.time_err) {
        out->expired = true;
        snprintf(out->time_error, sizeof out->time_error, "%s",
                 X509_verify_cert_error_string(cb.time_err));
    }
    if (cb.first_err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
        out->status = "self-signed";
    else if (cb.first_err)
        out->status = "untrusted";
    else
        out->status = out->expired ? "expired" : "trusted";
}

static unsigned add_certs_from(X509_STORE *st, const char *file)
{
    struct stat sb;
    if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
        sb.st_size > (off_t)TRUST_MAX_FILE_SIZE)
        return 0;
    unsigned n = 0;
    BIO *b = BIO_new_file(file, "rb");
    if (!b)
        return 0;
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
    for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
        X509_INFO *xi = sk_X509_INFO_value(infos, i);
        if (xi && xi->x509 && X509_STORE_add_cert(st, xi->x509) == 1)
            n++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    if (n == 0 && BIO_reset(b) == 0) { /* not PEM: one DER certificate */
        X509 *x = d2i_X509_bio(b, NULL);
        if (x && X509_STORE_add_cert(st, x) == 1)
            n++;
        X509_free(x);
    }
    BIO_free(b);
    ERR_clear_error();
    return n;
}

X509_STORE *pki_sig_trust_load(const char *path, unsigned *count, char *err, size_t errn)
{
    *count = 0;
    X509_STORE *st = X509_STORE_new();
    if (!st) {
        snprintf(err, errn, "out of memory");
        return NULL;
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(err, errn, "trust store %s: cannot be read", path);
        X509_STORE_free(st);
        return NULL;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        unsigned files = 0;
        while (d && (e = readdir(d)) != NULL && files < TRUST_MAX_FILES) {
            if (e->d_name[0] == '.')
                continue;
            char file[4096];
            if (snprintf(file, sizeof file, "%s/%s", path, e->d_name) >= (int)sizeof file)
                continue;
            files++;
            *count += add_certs_from(st, file);
        }
        if (d)
            closedir(d);
    } else {
        *count = add_certs_from(st, path);
    }
    if (*count == 0) {
        snprintf(err, errn, "trust store %s: no PEM or DER certificate found", path);
        X509_STORE_free(st);
        return NULL;
    }
    return st;
}

bool pki_sig_subject_attr(X509 *x, int nid, char *buf, size_t n)
{
    const X509_NAME *name = X509_get_subject_name(x);
    int i = name ? X509_NAME_get_index_by_NID(name, nid, -1) : -1;
    if (i < 0 || n == 0)
        return false;
    const ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char *u = NULL;
    int len = d ? ASN1_STRING_to_UTF8(&u, d) : -1;
    bool ok = len >= 0 && u;
    if (ok) {
        size_t k = (size_t)len < n - 1 ? (size_t)len : n - 1;
        memcpy(buf, u, k);
        buf[k] = '\0';
    }
    OPENSSL_free(u);
    return ok;
}

static void name_fact(pk_fact *o, const char *key, const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    unsigned long flags = (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
    char *p = NULL;
    long n = X509_NAME_print_ex(b, name, 0, flags) >= 0 ? BIO_get_mem_data(b, &p) : 0;
    if (n > 0 && p)
        pk_fact_set_strn(o, key, p, n > 1024 ? 1024 : (size_t)n);
    BIO_free(b);
}

bool pki_sig_time(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return false;
    /* days from civil (proleptic Gregorian), so no dependence on timegm */
    long long y = tm.tm_year + 1900LL, m = tm.tm_mon + 1, d = tm.tm_mday;
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = era * 146097 + doe - 719468;
    *out = (time_t)(days * 86400 + tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec);
    return true;
}

void pki_sig_fmt_time(time_t t, char buf[24])
{
    struct tm tm;
    char tmp[80];
    if (!gmtime_r(&t, &tm)) {
        memcpy(buf, "?", 2);
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    size_t k = n < 0 ? 0 : (size_t)n > 23 ? 23 : (size_t)n;
    memcpy(buf, tmp, k);
    buf[k] = '\0';
}

static void time_fact(pk_fact *o, const char *key, const ASN1_TIME *at)
{
    time_t t;
    char buf[24];
    if (pki_sig_time(at, &t)) {
        pki_sig_fmt_time(t, buf);
        pk_fact_set_str(o, key, buf);
    }
}

void pki_sig_cert_facts(pk_fact *o, X509 *x)
{
    char buf[256];
    name_fact(o, "subject", X509_get_subject_name(x));
    name_fact(o, "issuer", X509_get_issuer_name(x));
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    if (hex)
        pk_fact_set_strn(o, "serial", hex, strnlen(hex, 128));
    OPENSSL_free(hex);
    BN_free(bn);
    if (pki_sig_subject_attr(x, NID_commonName, buf, sizeof buf))
        pk_fact_set_str(o, "cn", buf);
    if (pki_sig_subject_attr(x, NID_organizationName, buf, sizeof buf))
        pk_fact_set_str(o, "o", buf);
    if (pki_sig_subject_attr(x, NID_countryName, buf, 64))
        pk_fact_set_str(o, "c", buf);
    time_fact(o, "not_before", X509_get0_notBefore(x));
    time_fact(o, "not_after", X509_get0_notAfter(x));
}

const char *pki_sig_md_name(const ASN1_OBJECT *alg)
{
    int nid = alg ? OBJ_obj2nid(alg) : NID_undef;
    return nid != NID_undef ? OBJ_nid2sn(nid) : "unknown";
}

bool pki_sig_md_weak(const ASN1_OBJECT *alg)
{
    int nid = alg ? OBJ_obj2nid(alg) : NID_undef;
    return nid == NID_md5 || nid == NID_sha1 || nid == NID_md4 || nid == NID_md2;
}

pk_status pki_sig_trust_init(pk_match_reg *reg, pki_sig_trust **out)
{
    pki_sig_trust *t = pki_calloc(1, sizeof *t);
    if (!t)
        return PK_E_NOMEM;
    const char *dir = pk_reg_option(reg, "trust.dir");
    if (dir && *dir) {
        char err[512];
        t->store = pki_sig_trust_load(dir, &t->ncerts, err, sizeof err);
        if (!t->store) {
            pk_reg_error(reg, "%s", err);
            pki_free(t);
            return PK_E_USAGE;
        }
        t->given = true;
    } else {
        t->store = X509_STORE_new();
    }
    if (!t->store) {
        pki_free(t);
        return PK_E_NOMEM;
    }
    *out = t;
    return PK_OK;
}

void pki_sig_trust_free(pki_sig_trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->store);
    pki_free(t);
}
