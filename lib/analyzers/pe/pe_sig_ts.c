/* Timestamp counter-signatures on an Authenticode SignerInfo, in its unsigned
 * attributes:
 * - an RFC 3161 token (attribute 1.3.6.1.4.1.311.3.3.1): a SignedData over a
 *   TSTInfo whose messageImprint is the digest of the SignerInfo's signature
 *   value (encryptedDigest); genTime is the signing time;
 * - a PKCS#9 countersignature (1.2.840.113549.1.9.6, RFC 2985 section 5.3.6,
 *   the older Authenticode form): a SignerInfo whose messageDigest is the
 *   digest of the encryptedDigest, its certificate among the outer
 *   SignedData's, signingTime among its signed attributes.
 * The first RFC 3161 token is used when both are present. */
#include "pe_sig.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ts.h>

#include <stdio.h>
#include <string.h>

#define OID_RFC3161_TIMESTAMP "1.3.6.1.4.1.311.3.3.1"

void pki_sig_ts_fini(pki_sig_ts *ts)
{
    X509_free(ts->tsa_cert);
    ts->tsa_cert = NULL;
}

/* The first value of `a` when it is a SEQUENCE, as DER bytes. */
static const unsigned char *seq_value(X509_ATTRIBUTE *a, long *n)
{
    ASN1_TYPE *t = X509_ATTRIBUTE_count(a) > 0 ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
    if (!t || t->type != V_ASN1_SEQUENCE || !t->value.sequence)
        return NULL;
    *n = ASN1_STRING_length(t->value.sequence);
    return ASN1_STRING_get0_data(t->value.sequence);
}

static void ts_rfc3161(PKCS7 *outer, PKCS7_SIGNER_INFO *si, X509_STORE *store,
                       const unsigned char *p, long n, pki_sig_ts *out)
{
    out->kind = "rfc3161";
    PKCS7 *tok = d2i_PKCS7(NULL, &p, n);
    TS_TST_INFO *tst =
        tok && PKCS7_type_is_signed(tok) && tok->d.sign ? PKCS7_to_TS_TST_INFO(tok) : NULL;
    if (!tst) {
        snprintf(out->error, sizeof out->error, "the timestamp token does not decode");
        goto done;
    }
    out->have_time = pki_sig_time(TS_TST_INFO_get_time(tst), &out->time);
    PKCS7_SIGNER_INFO *tsi = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(tok), 0);
    X509 *cert = tsi ? pki_sig_find_cert(tok->d.sign->cert, tsi) : NULL;
    if (!cert && tsi)
        cert = pki_sig_find_cert(outer->d.sign->cert, tsi);
    if (cert && X509_up_ref(cert) == 1)
        out->tsa_cert = cert;
    /* the imprint must be the digest of the signature it stamps */
    TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
    X509_ALGOR *alg = mi ? TS_MSG_IMPRINT_get_algo(mi) : NULL;
    ASN1_OCTET_STRING *want = mi ? TS_MSG_IMPRINT_get_msg(mi) : NULL;
    const EVP_MD *md = alg ? EVP_get_digestbyobj(alg->algorithm) : NULL;
    unsigned char got[EVP_MAX_MD_SIZE];
    unsigned glen = 0;
    if (!md || !want ||
        !EVP_Digest(ASN1_STRING_get0_data(si->enc_digest),
                    (size_t)ASN1_STRING_length(si->enc_digest), got, &glen, md, NULL) ||
        (int)glen != ASN1_STRING_length(want) ||
        memcmp(got, ASN1_STRING_get0_data(want), glen) != 0) {
        snprintf(out->error, sizeof out->error,
                 "the timestamp's message imprint is not the digest of the signature");
        goto done;
    }
    /* the token's signature over the TSTInfo octets */
    PKCS7 *c = tok->d.sign->contents;
    ASN1_TYPE *other = c && c->d.other && !PKCS7_type_is_data(c) ? c->d.other : NULL;
    ASN1_OCTET_STRING *ec = other && other->type == V_ASN1_OCTET_STRING ? other->value.octet_string
                            : c && PKCS7_type_is_data(c)                ? c->d.data
                                                                        : NULL;
    if (!ec) {
        snprintf(out->error, sizeof out->error, "the timestamp token has no TSTInfo content");
        goto done;
    }
    if (!pki_sig_verify_si(tsi, cert, ASN1_STRING_get0_data(ec), (size_t)ASN1_STRING_length(ec),
                           out->error, sizeof out->error))
        goto done;
    out->ok = true;
    pki_sig_chain_check(store, cert, tok->d.sign->cert, out->have_time ? out->time : time(NULL),
                        &out->chain);
done:
    TS_TST_INFO_free(tst);
    PKCS7_free(tok);
}

static void ts_pkcs9(PKCS7 *outer, PKCS7_SIGNER_INFO *si, X509_STORE *store, const unsigned char *p,
                     long n, pki_sig_ts *out)
{
    out->kind = "pkcs9";
    PKCS7_SIGNER_INFO *csi = d2i_PKCS7_SIGNER_INFO(NULL, &p, n);
    if (!csi) {
        snprintf(out->error, sizeof out->error, "the countersignature does not decode");
        return;
    }
    ASN1_TYPE *st = PKCS7_get_signed_attribute(csi, NID_pkcs9_signingTime);
    if (st && (st->type == V_ASN1_UTCTIME || st->type == V_ASN1_GENERALIZEDTIME))
        out->have_time = pki_sig_time((const ASN1_TIME *)st->value.asn1_string, &out->time);
    X509 *cert = pki_sig_find_cert(outer->d.sign->cert, csi);
    if (cert && X509_up_ref(cert) == 1)
        out->tsa_cert = cert;
    if (pki_sig_verify_si(csi, cert, ASN1_STRING_get0_data(si->enc_digest),
                          (size_t)ASN1_STRING_length(si->enc_digest), out->error,
                          sizeof out->error)) {
        out->ok = true;
        pki_sig_chain_check(store, cert, outer->d.sign->cert,
                            out->have_time ? out->time : time(NULL), &out->chain);
    }
    PKCS7_SIGNER_INFO_free(csi);
}

void pki_sig_timestamp(PKCS7 *outer, PKCS7_SIGNER_INFO *si, X509_STORE *store, pki_sig_ts *out)
{
    memset(out, 0, sizeof *out);
    if (!si || !si->enc_digest || !outer || !PKCS7_type_is_signed(outer) || !outer->d.sign)
        return;
    ASN1_OBJECT *oid_ts = OBJ_txt2obj(OID_RFC3161_TIMESTAMP, 1);
    STACK_OF(X509_ATTRIBUTE) *attrs = si->unauth_attr;
    int rfc = -1, p9 = -1;
    for (int i = 0; i < X509at_get_attr_count(attrs); i++) {
        ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(X509at_get_attr(attrs, i));
        if (rfc < 0 && oid_ts && OBJ_cmp(obj, oid_ts) == 0)
            rfc = i;
        else if (p9 < 0 && OBJ_obj2nid(obj) == NID_pkcs9_countersignature)
            p9 = i;
    }
    ASN1_OBJECT_free(oid_ts);
    long n = 0;
    const unsigned char *p;
    if (rfc >= 0) {
        out->kind = "rfc3161";
        p = seq_value(X509at_get_attr(attrs, rfc), &n);
        if (p)
            ts_rfc3161(outer, si, store, p, n, out);
        else
            snprintf(out->error, sizeof out->error, "the timestamp attribute holds no token");
    } else if (p9 >= 0) {
        out->kind = "pkcs9";
        p = seq_value(X509at_get_attr(attrs, p9), &n);
        if (p)
            ts_pkcs9(outer, si, store, p, n, out);
        else
            snprintf(out->error, sizeof out->error, "the countersignature attribute is empty");
    }
    ERR_clear_error();
}
