/* keys: the OpenSSL side. Certificates (PK-KEY-0002, -0003, -0004 and
 * facts.keys.certificates[]), PKCS#8 / PKCS#1 / SEC1 / SubjectPublicKeyInfo
 * keys, encrypted PKCS#8 and PKCS#12 stores, from DER. Never asks for a
 * password: encrypted items are described from their outer structure, and a
 * PKCS#12 is opened only with the empty password. */
#include "keys_int.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_NAME   300
#define MAX_SERIAL 80

static void pkey_desc(EVP_PKEY *pk, pki_key_desc *k)
{
    const char *t = EVP_PKEY_get0_type_name(pk);
    if (!t)
        t = OBJ_nid2sn(EVP_PKEY_get_base_id(pk));
    snprintf(k->type, sizeof k->type, "%s", t ? t : "");
    k->bits = EVP_PKEY_get_bits(pk);
    if (k->bits < 0)
        k->bits = 0;
    size_t gl = 0;
    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, k->curve, sizeof k->curve,
                                       &gl) != 1)
        k->curve[0] = 0;
    ERR_clear_error();
}

static void name_str(const X509_NAME *n, char *out, size_t cap)
{
    out[0] = 0;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *p;
        long l = BIO_get_mem_data(b, &p);
        if (l > 0)
            snprintf(out, cap, "%.*s", (int)(l < (long)cap ? l : (long)cap - 1), p);
    }
    BIO_free(b);
}

static void time_str(const ASN1_TIME *t, char *out, size_t cap)
{
    struct tm tm;
    out[0] = 0;
    if (t && ASN1_TIME_to_tm(t, &tm) == 1)
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void report_cert(pki_keys_ctx *c, const pki_key_site *s, X509 *x)
{
    char subj[MAX_NAME], iss[MAX_NAME], serial[MAX_SERIAL] = "", nb[32], na[32], fp[65] = "";
    name_str(X509_get_subject_name(x), subj, sizeof subj);
    name_str(X509_get_issuer_name(x), iss, sizeof iss);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    if (bn) {
        char *h = BN_bn2hex(bn);
        if (h)
            snprintf(serial, sizeof serial, "%s", h);
        OPENSSL_free(h);
        BN_free(bn);
    }
    time_str(X509_get0_notBefore(x), nb, sizeof nb);
    time_str(X509_get0_notAfter(x), na, sizeof na);
    int signid = X509_get_signature_nid(x), mdnid = NID_undef, pknid = NID_undef;
    X509_get_signature_info(x, &mdnid, &pknid, NULL, NULL);
    const char *sig = OBJ_nid2sn(signid);
    if (!sig || signid == NID_undef)
        sig = "unknown";
    pki_key_desc k = {0};
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (pk)
        pkey_desc(pk, &k);
    int self = X509_self_signed(x, 0) == 1;
    int ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
    int expired = X509_cmp_time(X509_get0_notAfter(x), NULL) < 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdl = 0;
    if (X509_digest(x, EVP_sha256(), md, &mdl) == 1 && mdl == 32)
        for (unsigned i = 0; i < 32; i++)
            snprintf(fp + 2 * i, 3, "%02x", md[i]);
    ERR_clear_error();
    c->certs++;
    char bits[24] = "";
    if (k.bits)
        snprintf(bits, sizeof bits, " %d-bit", k.bits);
    pki_keys_finding(c, "PK-KEY-0002", PK_SEV_INFO, 95, s,
                     "Certificate: subject \"%s\", issuer \"%s\", serial %s, valid %s to %s, "
                     "%s, %s%s%s%s key%s%s.",
                     subj, iss, serial, nb, na, sig, k.type[0] ? k.type : "unknown", bits,
                     k.curve[0] ? " " : "", k.curve, self ? ", self-signed" : "", ca ? ", CA" : "");
    pk_fact *e = pk_fact_push_obj(pk_fact_arr(pk_emit_facts(c->out), "certificates"));
    if (e) {
        pk_fact_set_int(e, "offset", (int64_t)s->off);
        pk_fact_set_int(e, "length", (int64_t)s->len);
        pk_fact_set_str(e, "subject", subj);
        pk_fact_set_str(e, "issuer", iss);
        pk_fact_set_str(e, "serial", serial);
        pk_fact_set_str(e, "not_before", nb);
        pk_fact_set_str(e, "not_after", na);
        pk_fact_set_str(e, "signature_algorithm", sig);
        pk_fact_set_str(e, "key_type", k.type);
        if (k.bits)
            pk_fact_set_int(e, "key_bits", k.bits);
        if (k.curve[0])
            pk_fact_set_str(e, "curve", k.curve);
        pk_fact_set_bool(e, "self_signed", self);
        pk_fact_set_bool(e, "ca", ca);
        pk_fact_set_bool(e, "expired", expired);
        pk_fact_set_str(e, "sha256", fp);
    }
    int rsa_dsa = strncmp(k.type, "RSA", 3) == 0 || strncmp(k.type, "DSA", 3) == 0;
    if (k.bits > 0 &&
        ((rsa_dsa && k.bits < 2048) || (strncmp(k.type, "EC", 2) == 0 && k.bits < 224)))
        pki_keys_finding(c, "PK-KEY-0003", PK_SEV_MEDIUM, 95, s,
                         "Weak key in the certificate for \"%s\": %s %d-bit is below the %d "
                         "bits SP 800-131A Rev.2 allows.",
                         subj, k.type, k.bits, rsa_dsa ? 2048 : 224);
    /* A trust anchor's own signature is never verified (RFC 5280 6.1), so a
     * weak digest matters only on certificates someone else signed. */
    if (!self && (mdnid == NID_md5 || mdnid == NID_md4 || mdnid == NID_md2 || mdnid == NID_sha1))
        pki_keys_finding(c, "PK-KEY-0003", mdnid == NID_sha1 ? PK_SEV_LOW : PK_SEV_MEDIUM, 95, s,
                         "Weak signature on the certificate for \"%s\": %s, disallowed for "
                         "digital signature generation by SP 800-131A Rev.2.",
                         subj, sig);
    if (expired)
        pki_keys_finding(c, "PK-KEY-0004", PK_SEV_LOW, 95, s,
                         "Expired certificate: \"%s\" was valid until %s.", subj, na);
}

int pki_keys_der_cert(pki_keys_ctx *c, const pki_key_site *s, const uint8_t *der, size_t n,
                      int trusted)
{
    const unsigned char *p = der;
    X509 *x = trusted ? d2i_X509_AUX(NULL, &p, (long)n) : d2i_X509(NULL, &p, (long)n);
    if (!x) {
        ERR_clear_error();
        return 0;
    }
    report_cert(c, s, x);
    X509_free(x);
    return 1;
}

/* The cipher of a PBES2 AlgorithmIdentifier, or its own name. */
static void pbe_name(const X509_ALGOR *alg, char *out, size_t cap)
{
    const ASN1_OBJECT *obj;
    int ptype;
    const void *pval;
    X509_ALGOR_get0(&obj, &ptype, &pval, alg);
    OBJ_obj2txt(out, (int)cap, obj, 0);
    if (OBJ_obj2nid(obj) == NID_pbes2 && ptype == V_ASN1_SEQUENCE) {
        const ASN1_STRING *seq = pval;
        const unsigned char *q = ASN1_STRING_get0_data(seq);
        PBE2PARAM *p2 = d2i_PBE2PARAM(NULL, &q, ASN1_STRING_length(seq));
        if (p2) {
            char ciph[32];
            OBJ_obj2txt(ciph, sizeof ciph, p2->encryption->algorithm, 0);
            snprintf(out, cap, "PBES2 %.32s", ciph);
            PBE2PARAM_free(p2);
        }
    }
    ERR_clear_error();
}

/* A PKCS#8 key whose algorithm OpenSSL cannot load: GOST R 34.10 by its OIDs
 * (RFC 4491 2.3.2; RFC 9215 4: 1.2.643.7.1.1.1.1 and .2 are the 256- and
 * 512-bit keys of GOST R 34.10-2012), other algorithms as the dotted OID. */
static void p8_unloadable(const PKCS8_PRIV_KEY_INFO *p8, pki_key_desc *k)
{
    static const struct {
        const char *oid, *type;
        int bits;
    } gost[] = {
        {"1.2.643.2.2.19", "GOST R 34.10-2001", 256},
        {"1.2.643.7.1.1.1.1", "GOST R 34.10-2012", 256},
        {"1.2.643.7.1.1.1.2", "GOST R 34.10-2012", 512},
    };
    const ASN1_OBJECT *obj = NULL;
    char oid[64] = "";
    if (PKCS8_pkey_get0(&obj, NULL, NULL, NULL, p8) == 1 && obj)
        OBJ_obj2txt(oid, sizeof oid, obj, 1);
    snprintf(k->type, sizeof k->type, "%s", oid[0] ? oid : "");
    for (size_t i = 0; i < sizeof gost / sizeof gost[0]; i++)
        if (strcmp(oid, gost[i].oid) == 0) {
            snprintf(k->type, sizeof k->type, "%s", gost[i].type);
            k->bits = gost[i].bits;
        }
    k->confidence = 80; /* the structure parsed; the key itself was not loaded */
}

int pki_keys_der_key(pki_keys_ctx *c, const pki_key_site *s, const char *label, const uint8_t *der,
                     size_t n)
{
    const unsigned char *p = der;
    pki_key_desc k = {0};
    k.kind = strstr(label, "PUBLIC") ? PKI_KEY_PUBLIC : PKI_KEY_PRIVATE;
    k.encrypted = k.kind == PKI_KEY_PRIVATE ? 0 : -1;
    k.confidence = 95;
    EVP_PKEY *pk = NULL;
    if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0) {
        X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)n);
        if (!sig) {
            ERR_clear_error();
            return 0;
        }
        const X509_ALGOR *alg;
        const ASN1_OCTET_STRING *dg;
        X509_SIG_get0(sig, &alg, &dg);
        pbe_name(alg, k.cipher, sizeof k.cipher);
        X509_SIG_free(sig);
        snprintf(k.format, sizeof k.format, "PKCS#8");
        k.encrypted = 1;
        k.confidence = 90;
        pki_keys_emit_key(c, s, &k);
        return 1;
    }
    if (strcmp(label, "PRIVATE KEY") == 0) {
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)n);
        snprintf(k.format, sizeof k.format, "PKCS#8");
        if (p8) {
            pk = EVP_PKCS82PKEY(p8);
            if (!pk) { /* a structure OpenSSL has no key type for (GOST): named by its OID */
                p8_unloadable(p8, &k);
                PKCS8_PRIV_KEY_INFO_free(p8);
                ERR_clear_error();
                pki_keys_emit_key(c, s, &k);
                return 1;
            }
            PKCS8_PRIV_KEY_INFO_free(p8);
        }
    } else if (strcmp(label, "RSA PRIVATE KEY") == 0) {
        pk = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, (long)n);
        snprintf(k.format, sizeof k.format, "PKCS#1");
    } else if (strcmp(label, "EC PRIVATE KEY") == 0) {
        pk = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)n);
        snprintf(k.format, sizeof k.format, "SEC1");
    } else if (strcmp(label, "DSA PRIVATE KEY") == 0) {
        pk = d2i_PrivateKey(EVP_PKEY_DSA, NULL, &p, (long)n);
        snprintf(k.format, sizeof k.format, "OpenSSL DSA");
    } else if (strcmp(label, "PUBLIC KEY") == 0) {
        pk = d2i_PUBKEY(NULL, &p, (long)n);
        snprintf(k.format, sizeof k.format, "SubjectPublicKeyInfo");
    } else if (strcmp(label, "RSA PUBLIC KEY") == 0) {
        pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)n);
        snprintf(k.format, sizeof k.format, "PKCS#1");
    }
    if (!pk) {
        ERR_clear_error();
        return 0;
    }
    pkey_desc(pk, &k);
    EVP_PKEY_free(pk);
    pki_keys_emit_key(c, s, &k);
    return 1;
}

size_t pki_keys_der_len(pk_bytes d)
{
    if (d.len < 4 || d.ptr[0] != 0x30)
        return 0;
    if (d.ptr[1] < 0x80)
        return (size_t)d.ptr[1] + 2;
    size_t nl = d.ptr[1] & 0x7fu, len = 0;
    if (nl == 0 || nl > 3 || d.len < 2 + nl)
        return 0;
    for (size_t i = 0; i < nl; i++)
        len = len << 8 | d.ptr[2 + i];
    return len + 2 + nl;
}

static void p12(pki_keys_ctx *c, const pki_key_site *s, PKCS12 *p)
{
    EVP_PKEY *pk = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    pki_key_desc k = {0};
    k.kind = PKI_KEY_PRIVATE;
    snprintf(k.format, sizeof k.format, "PKCS#12");
    if (PKCS12_parse(p, "", &pk, &cert, &ca) == 1) {
        if (pk) {
            pkey_desc(pk, &k);
            k.encrypted = 0;
            snprintf(k.cipher, sizeof k.cipher, "empty password");
            k.confidence = 95;
            pki_keys_emit_key(c, s, &k);
        }
        if (cert)
            report_cert(c, s, cert);
        for (int i = 0; ca && i < sk_X509_num(ca) && i < 64; i++)
            report_cert(c, s, sk_X509_value(ca, i));
    } else {
        k.encrypted = 1;
        snprintf(k.cipher, sizeof k.cipher, "password");
        k.confidence = 70; /* a store that usually, not always, holds a key */
        pki_keys_emit_key(c, s, &k);
    }
    ERR_clear_error();
    EVP_PKEY_free(pk);
    X509_free(cert);
    sk_X509_pop_free(ca, X509_free);
}

int pki_keys_der_file(pki_keys_ctx *c, pk_bytes d)
{
    if (d.len < 4 || d.len > (8u << 20) || d.ptr[1] < 0x81 || pki_keys_der_len(d) != d.len)
        return 0;
    unsigned before = c->certs + c->privs + c->pubs;
    size_t hl = 2 + (d.ptr[1] & 0x7fu);
    pki_key_site s = {0, d.len, {d.ptr, hl + 4 < d.len ? hl + 4 : d.len}};
    const unsigned char *p = d.ptr;
    X509 *x = d2i_X509(NULL, &p, (long)d.len);
    if (x && p == d.ptr + d.len) {
        report_cert(c, &s, x);
        X509_free(x);
        return 1;
    }
    X509_free(x);
    static const char *const labels[] = {"PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PUBLIC KEY",
                                         "RSA PRIVATE KEY", "EC PRIVATE KEY"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        p = d.ptr;
        /* only structures that span the whole file: anything else is a guess */
        if (strcmp(labels[i], "PRIVATE KEY") == 0) {
            PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)d.len);
            PKCS8_PRIV_KEY_INFO_free(p8);
            if (!p8 || p != d.ptr + d.len)
                continue;
        } else if (strcmp(labels[i], "ENCRYPTED PRIVATE KEY") == 0) {
            X509_SIG *sg = d2i_X509_SIG(NULL, &p, (long)d.len);
            X509_SIG_free(sg);
            if (!sg || p != d.ptr + d.len)
                continue;
        } else if (strcmp(labels[i], "PUBLIC KEY") == 0) {
            EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)d.len);
            EVP_PKEY_free(pk);
            if (!pk || p != d.ptr + d.len)
                continue;
        }
        ERR_clear_error();
        if (pki_keys_der_key(c, &s, labels[i], d.ptr, d.len))
            return 1;
    }
    p = d.ptr;
    PKCS12 *pp = d2i_PKCS12(NULL, &p, (long)d.len);
    if (pp && p == d.ptr + d.len)
        p12(c, &s, pp);
    PKCS12_free(pp);
    ERR_clear_error();
    return c->certs + c->privs + c->pubs > before;
}
