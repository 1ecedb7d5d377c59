/* One Authenticode signature judged ("Windows Authenticode Portable Executable
 * Signature Format"): the SignedData's content is SpcIndirectDataContent
 * (1.3.6.1.4.1.311.2.1.4) = SEQUENCE { SpcAttributeTypeAndOptionalValue,
 * DigestInfo }. Its DigestInfo names the image digest's algorithm and value;
 * the SignerInfo's messageDigest covers the DER of SpcIndirectDataContent
 * without its outer tag and length. Then the signer's chain is judged against
 * the trust store at the time of a verified timestamp, else now.
 *
 * Also the trust store's lifetime: loaded once by the analyzer's init from the
 * option "trust.dir" (the CLI's --trust DIR). */
#include "pe_sig.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <stdio.h>
#include <string.h>

#define OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"

pk_status pki_pe_sig_init(pk_match_reg *reg, void **state)
{
    pki_sig_trust *t = NULL;
    pk_status st = pki_sig_trust_init(reg, &t);
    *state = t;
    return st;
}

void pki_pe_sig_fini(void *state)
{
    pki_sig_trust_free(state);
}

static void hex_fact(pk_fact *o, const char *key, const unsigned char *p, size_t n)
{
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    if (n > EVP_MAX_MD_SIZE)
        n = EVP_MAX_MD_SIZE;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", p[i]);
    pk_fact_set_strn(o, key, hex, 2 * n);
}

/* Where `needle` first occurs in the certificate table, so a finding points at
 * bytes an analyst can find with a hex editor; PK_LOC_NONE when it does not. */
static uint64_t in_table(const pki_pe *pe, const unsigned char *needle, size_t n)
{
    uint64_t off = pe->ndirs > PKI_PE_DIR_SECURITY ? pe->dir_rva[PKI_PE_DIR_SECURITY] : 0;
    uint64_t len = pe->ndirs > PKI_PE_DIR_SECURITY ? pe->dir_size[PKI_PE_DIR_SECURITY] : 0;
    if (!off || off >= pe->data.len || !needle || !n)
        return PK_LOC_NONE;
    if (len > pe->data.len - off)
        len = pe->data.len - off;
    const unsigned char *hit = memmem(pe->data.ptr + off, (size_t)len, needle, n);
    return hit ? (uint64_t)(hit - pe->data.ptr) : PK_LOC_NONE;
}

typedef struct sigctx {
    pki_pe *pe;
    const char *role;
    char who[320]; /* "the signature of CN=…" for messages */
    uint64_t cert_off;
    size_t cert_len;
} sigctx;

static void finding(sigctx *s, const char *rule, pk_severity sev, uint64_t off, size_t len,
                    const char *record, const char *fmt, const char *a, const char *b)
{
    pk_finding_spec spec = {
        .rule_id = rule,
        .severity = sev,
        .confidence = 100,
        .loc = {.offset = off, .length = off == PK_LOC_NONE ? 0 : len, .record = record},
    };
    if (off != PK_LOC_NONE && off + len <= s->pe->data.len) {
        spec.evidence.ptr = s->pe->data.ptr + off;
        spec.evidence.len = len;
    }
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    pki_pe_finding(s->pe, &spec, "%s: %s", s->who, msg);
}

/* The country value's bytes inside the signer certificate's subject. */
static void country_finding(sigctx *s, X509 *cert, const char *c)
{
    unsigned char *der = NULL;
    int n = i2d_X509_NAME(X509_get_subject_name(cert), &der);
    uint64_t off = PK_LOC_NONE;
    size_t len = 0;
    static const unsigned char oid_c[] = {0x06, 0x03, 0x55, 0x04, 0x06};
    if (n > 0 && s->cert_off != PK_LOC_NONE) {
        const unsigned char *base = s->pe->data.ptr + s->cert_off;
        const unsigned char *subj = memmem(base, s->cert_len, der, (size_t)n);
        /* the subject follows the issuer in TBSCertificate: search from the end */
        const unsigned char *last = NULL, *p = base;
        while (p && p < base + s->cert_len) {
            p = memmem(p, (size_t)(base + s->cert_len - p), der, (size_t)n);
            if (p)
                last = p++;
        }
        subj = last ? last : subj;
        const unsigned char *o = subj ? memmem(subj, (size_t)n, oid_c, sizeof oid_c) : NULL;
        if (o && o + sizeof oid_c + 2 <= subj + n && o[sizeof oid_c + 1] < 0x80 &&
            o + sizeof oid_c + 2 + o[sizeof oid_c + 1] <= subj + n) {
            off = (uint64_t)(o + sizeof oid_c + 2 - s->pe->data.ptr);
            len = o[sizeof oid_c + 1];
        }
    }
    OPENSSL_free(der);
    finding(s, "PK-PE-0015", PK_SEV_INFO, off, len, "signer certificate subject C",
            "signer's certificate says C=%s%s.", c, "");
}

/* SpcIndirectDataContent: the DigestInfo and the bytes messageDigest covers. */
static X509_SIG *indirect_data(PKCS7 *p7, const unsigned char **content, size_t *clen,
                               const char **why)
{
    PKCS7 *c = p7->d.sign->contents;
    ASN1_OBJECT *want = OBJ_txt2obj(OID_SPC_INDIRECT_DATA, 1);
    bool spc = c && c->type && want && OBJ_cmp(c->type, want) == 0;
    ASN1_OBJECT_free(want);
    if (!spc || !c->d.other || c->d.other->type != V_ASN1_SEQUENCE || !c->d.other->value.sequence) {
        *why = "the content is not SpcIndirectDataContent";
        return NULL;
    }
    const unsigned char *der = ASN1_STRING_get0_data(c->d.other->value.sequence);
    long n = ASN1_STRING_length(c->d.other->value.sequence);
    const unsigned char *q = der;
    long inner = 0;
    int tag = 0, cls = 0;
    if (ASN1_get_object(&q, &inner, &tag, &cls, n) & 0x80 || inner > n - (q - der)) {
        *why = "SpcIndirectDataContent does not decode";
        return NULL;
    }
    *content = q;
    *clen = (size_t)inner;
    const unsigned char *p = der;
    STACK_OF(ASN1_TYPE) *seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, n);
    ASN1_TYPE *di = sk_ASN1_TYPE_num(seq) >= 2 ? sk_ASN1_TYPE_value(seq, 1) : NULL;
    X509_SIG *sig = NULL;
    if (di && di->type == V_ASN1_SEQUENCE && di->value.sequence) {
        p = ASN1_STRING_get0_data(di->value.sequence);
        sig = d2i_X509_SIG(NULL, &p, ASN1_STRING_length(di->value.sequence));
    }
    sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
    if (!sig)
        *why = "SpcIndirectDataContent holds no DigestInfo";
    return sig;
}

/* The image digest against the signed one; PK-PE-0009/0014. */
static void check_digest(sigctx *s, pk_fact *o, const X509_ALGOR *alg,
                         const ASN1_OCTET_STRING *signed_md)
{
    const EVP_MD *md = alg ? EVP_get_digestbyobj(alg->algorithm) : NULL;
    pk_fact_set_str(o, "digest_algorithm", pki_sig_md_name(alg ? alg->algorithm : NULL));
    hex_fact(o, "signed_digest", ASN1_STRING_get0_data(signed_md),
             (size_t)ASN1_STRING_length(signed_md));
    if (alg && pki_sig_md_weak(alg->algorithm))
        finding(s, "PK-PE-0014", PK_SEV_MEDIUM,
                in_table(s->pe, ASN1_STRING_get0_data(signed_md),
                         (size_t)ASN1_STRING_length(signed_md)),
                (size_t)ASN1_STRING_length(signed_md), "SpcIndirectDataContent.messageDigest",
                "the image digest is %s, which collisions break%s.",
                pki_sig_md_name(alg->algorithm), "");
    unsigned char got[EVP_MAX_MD_SIZE];
    unsigned glen = 0;
    const char *why = "unknown digest algorithm";
    if (!md || !pki_pe_image_digest(s->pe, md, got, &glen, &why)) {
        pk_fact_set_bool(o, "digest_ok", 0);
        pk_fact_set_str(o, "digest_error", why);
        return;
    }
    hex_fact(o, "file_digest", got, glen);
    bool ok = (int)glen == ASN1_STRING_length(signed_md) &&
              memcmp(got, ASN1_STRING_get0_data(signed_md), glen) == 0;
    pk_fact_set_bool(o, "digest_ok", ok);
    if (ok)
        return;
    char fhex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned i = 0; i < glen; i++)
        snprintf(fhex + 2 * i, 3, "%02x", got[i]);
    finding(
        s, "PK-PE-0009", PK_SEV_HIGH,
        in_table(s->pe, ASN1_STRING_get0_data(signed_md), (size_t)ASN1_STRING_length(signed_md)),
        (size_t)ASN1_STRING_length(signed_md), "SpcIndirectDataContent.messageDigest",
        "the image's Authenticode digest %s differs from the signed one (evidence): the file "
        "changed after signing%s.",
        fhex, "");
}

static void ts_facts(pk_fact *o, const pki_sig_ts *ts)
{
    pk_fact *t = pk_fact_obj(o, "timestamp");
    char buf[24];
    pk_fact_set_str(t, "kind", ts->kind);
    if (ts->have_time) {
        pki_sig_fmt_time(ts->time, buf);
        pk_fact_set_str(t, "time", buf);
    }
    pk_fact_set_bool(t, "ok", ts->ok);
    if (ts->error[0])
        pk_fact_set_str(t, "error", ts->error);
    if (ts->tsa_cert)
        pki_sig_cert_facts(pk_fact_obj(t, "tsa"), ts->tsa_cert);
    if (ts->ok) {
        pk_fact_set_str(t, "chain", ts->chain.status);
        if (ts->chain.error[0])
            pk_fact_set_str(t, "chain_error", ts->chain.error);
    }
}

static void chain_findings(sigctx *s, const pki_sig_chain *ch, bool by_ts, time_t at)
{
    const pki_sig_trust *tr = s->pe->trust;
    if (ch->self_signed && strcmp(ch->status, "trusted") != 0 && strcmp(ch->status, "expired") != 0)
        finding(s, "PK-PE-0011", PK_SEV_MEDIUM, s->cert_off, s->cert_len, "signer certificate",
                "the signer's certificate is self-signed: anyone can make one with this name%s%s.",
                "", "");
    else if (tr && tr->given && strcmp(ch->status, "untrusted") == 0)
        finding(s, "PK-PE-0012", PK_SEV_MEDIUM, s->cert_off, s->cert_len, "signer certificate",
                "the signer's chain does not lead to the trust store (%s)%s.", ch->error, "");
    if (ch->expired) {
        char when[24];
        pki_sig_fmt_time(at, when);
        finding(s, "PK-PE-0013", PK_SEV_MEDIUM, s->cert_off, s->cert_len, "signer certificate",
                by_ts ? "a certificate of the chain was not valid at the timestamp's time %s (%s)."
                      : "no verified timestamp, and a certificate of the chain is not valid now "
                        "(%s: %s).",
                when, ch->time_error);
    }
}

void pki_pe_sig_verify(pki_pe *pe, PKCS7 *p7, const char *role, pk_fact *arr)
{
    pk_fact *o = pk_fact_push_obj(arr);
    pk_fact_set_str(o, "role", role);
    sigctx s = {.pe = pe, .role = role, .cert_off = PK_LOC_NONE};
    snprintf(s.who, sizeof s.who, "Authenticode %s", role);
    const unsigned char *content = NULL;
    size_t clen = 0;
    const char *why = NULL;
    X509_SIG *dinfo = indirect_data(p7, &content, &clen, &why);
    PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(p7->d.sign->signer_info, 0);
    if (!dinfo || !si) {
        pk_fact_set_str(o, "error", why ? why : "no SignerInfo");
        X509_SIG_free(dinfo);
        return;
    }
    X509 *cert = pki_sig_find_cert(p7->d.sign->cert, si);
    if (cert) {
        char cn[256];
        if (pki_sig_subject_attr(cert, NID_commonName, cn, sizeof cn))
            snprintf(s.who, sizeof s.who, "Authenticode %s by CN=%s", role, cn);
        unsigned char *der = NULL;
        int n = i2d_X509(cert, &der);
        if (n > 0) {
            s.cert_off = in_table(pe, der, (size_t)n);
            s.cert_len = (size_t)n;
        }
        OPENSSL_free(der);
        pki_sig_cert_facts(pk_fact_obj(o, "signer"), cert);
    }
    const X509_ALGOR *alg = NULL;
    const ASN1_OCTET_STRING *md = NULL;
    X509_SIG_get0(dinfo, &alg, &md);
    check_digest(&s, o, alg, md);

    char err[160];
    bool sig_ok = pki_sig_verify_si(si, cert, content, clen, err, sizeof err);
    pk_fact_set_bool(o, "signature_ok", sig_ok);
    pk_fact_set_str(o, "signer_digest_algorithm",
                    pki_sig_md_name(si->digest_alg ? si->digest_alg->algorithm : NULL));
    if (!sig_ok) {
        pk_fact_set_str(o, "signature_error", err);
        finding(&s, "PK-PE-0010", PK_SEV_HIGH,
                in_table(pe, ASN1_STRING_get0_data(si->enc_digest),
                         (size_t)ASN1_STRING_length(si->enc_digest)),
                (size_t)ASN1_STRING_length(si->enc_digest), "SignerInfo.encryptedDigest",
                "the signature is invalid: %s%s.", err, "");
    } else if (si->digest_alg && pki_sig_md_weak(si->digest_alg->algorithm) &&
               !(alg && pki_sig_md_weak(alg->algorithm))) {
        finding(&s, "PK-PE-0014", PK_SEV_MEDIUM, s.cert_off, 0, "SignerInfo.digestAlgorithm",
                "the signer's digest is %s, which collisions break%s.",
                pki_sig_md_name(si->digest_alg->algorithm), "");
    }

    const pki_sig_trust *tr = pe->trust;
    X509_STORE *store = tr ? tr->store : NULL, *tmp = NULL;
    if (!store)
        store = tmp = X509_STORE_new();
    pki_sig_ts ts;
    pki_sig_timestamp(p7, si, store, &ts);
    if (ts.kind)
        ts_facts(o, &ts);
    bool by_ts = ts.ok && ts.have_time;
    time_t at = by_ts ? ts.time : time(NULL);
    char when[24];
    pki_sig_fmt_time(at, when);
    pk_fact_set_str(o, "checked_at", when);
    pk_fact_set_str(o, "checked_at_source", by_ts ? "timestamp" : "now");
    pki_sig_chain ch;
    pki_sig_chain_check(store, cert, p7->d.sign->cert, at, &ch);
    pk_fact_set_str(o, "chain", ch.status);
    pk_fact_set_bool(o, "trust_store", tr && tr->given);
    pk_fact_set_bool(o, "expired", ch.expired);
    if (ch.error[0])
        pk_fact_set_str(o, "chain_error", ch.error);
    if (ch.time_error[0])
        pk_fact_set_str(o, "time_error", ch.time_error);
    if (cert) {
        chain_findings(&s, &ch, by_ts, at);
        char c[64];
        if (pki_sig_subject_attr(cert, NID_countryName, c, sizeof c))
            country_finding(&s, cert, c);
    }
    pki_sig_ts_fini(&ts);
    X509_STORE_free(tmp);
    X509_SIG_free(dinfo);
    ERR_clear_error();
}
