/* Authenticode: the certificate table ("PE Format", "The Attribute Certificate
 * Table (Image Only)") and the PKCS#7 SignedData in each WIN_CERTIFICATE
 * ("Windows Authenticode Portable Executable Signature Format").
 *
 * The data directory entry holds a file offset, not an RVA. Each entry is
 * DWORD dwLength, WORD wRevision, WORD wCertificateType, then the bytes,
 * padded to 8. OpenSSL decodes the DER from the bounded bytes; nothing is
 * verified here: the facts say what the signature claims, not that it holds.
 * Nested signatures (OID 1.3.6.1.4.1.311.2.4.1) and RFC 3161 timestamp tokens
 * (1.3.6.1.4.1.311.3.3.1) in a signer's unsigned attributes are SignedData too;
 * they join a bounded work list, never a recursion. Each signature and nested
 * signature is then verified by pe_sig.c (facts signature.signatures[]). */
#include "pe_sig.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002u
#define OID_NESTED_SIGNATURE           "1.3.6.1.4.1.311.2.4.1"
#define OID_RFC3161_TIMESTAMP          "1.3.6.1.4.1.311.3.3.1"
#define MAX_NAME_TEXT                  1024

typedef struct p7job {
    PKCS7 *p7;
    const char *role; /* "signature", "nested", "timestamp" */
} p7job;

typedef struct sigwalk {
    pki_pe *pe;
    p7job jobs[PKI_PE_MAX_PKCS7];
    unsigned njobs;
    unsigned ncerts;
    unsigned char seen[PKI_PE_MAX_CERTS][32]; /* SHA-256 of each listed certificate */
    const char *seen_role[PKI_PE_MAX_CERTS];
    pk_fact *sig, *certs;
    ASN1_OBJECT *oid_nested, *oid_ts;
} sigwalk;

static void set_name(pk_fact *o, const char *key, const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    /* RFC 2253 order and escaping, but UTF-8 kept as UTF-8 */
    unsigned long flags = (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
    if (X509_NAME_print_ex(b, name, 0, flags) >= 0) {
        char *p = NULL;
        long n = BIO_get_mem_data(b, &p);
        if (n > 0 && p)
            pk_fact_set_strn(o, key, p, n > MAX_NAME_TEXT ? MAX_NAME_TEXT : (size_t)n);
        else
            pk_fact_set_str(o, key, "");
    }
    BIO_free(b);
}

static void set_country(pk_fact *o, const X509_NAME *name)
{
    int i = X509_NAME_get_index_by_NID(name, NID_countryName, -1);
    if (i < 0)
        return;
    const ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char *u = NULL;
    int n = d ? ASN1_STRING_to_UTF8(&u, d) : -1;
    if (n >= 0 && u)
        pk_fact_set_strn(o, "country", (const char *)u, n > 64 ? 64 : (size_t)n);
    OPENSSL_free(u);
}

static void set_serial(pk_fact *o, const ASN1_INTEGER *serial)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    if (hex)
        pk_fact_set_strn(o, "serial", hex, strnlen(hex, 128));
    OPENSSL_free(hex);
    BN_free(bn);
}

static void set_time(pk_fact *o, const char *key, const ASN1_TIME *t)
{
    struct tm tm;
    char buf[40];
    memset(&tm, 0, sizeof tm);
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return;
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    pk_fact_set_str(o, key, buf);
}

static void set_fingerprint(pk_fact *o, const unsigned char md[32])
{
    char hex[65];
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    pk_fact_set_strn(o, "sha256", hex, 64);
}

/* Signers often repeat a certificate in one SignedData (and timestamp tokens
 * may carry their chain twice); each is listed once per role. */
static bool seen_before(const sigwalk *w, const unsigned char md[32], const char *role)
{
    for (unsigned i = 0; i < w->ncerts; i++)
        if (w->seen_role[i] == role && memcmp(w->seen[i], md, 32) == 0)
            return true;
    return false;
}

static bool is_signer(STACK_OF(PKCS7_SIGNER_INFO) * sis, X509 *x)
{
    for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(sis); i++) {
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(sis, i);
        PKCS7_ISSUER_AND_SERIAL *ias = si ? si->issuer_and_serial : NULL;
        if (ias && ias->issuer && ias->serial &&
            X509_NAME_cmp(ias->issuer, X509_get_issuer_name(x)) == 0 &&
            ASN1_INTEGER_cmp(ias->serial, X509_get0_serialNumber(x)) == 0)
            return true;
    }
    return false;
}

static void add_job(sigwalk *w, PKCS7 *p7, const char *role)
{
    if (!PKCS7_type_is_signed(p7) || !p7->d.sign || w->njobs >= PKI_PE_MAX_PKCS7) {
        PKCS7_free(p7);
        return;
    }
    w->jobs[w->njobs].p7 = p7;
    w->jobs[w->njobs++].role = role;
}

/* A nested signature or timestamp token: a DER ContentInfo in a SEQUENCE value. */
static void attr_jobs(sigwalk *w, PKCS7_SIGNER_INFO *si)
{
    STACK_OF(X509_ATTRIBUTE) *attrs = si->unauth_attr;
    for (int i = 0; i < X509at_get_attr_count(attrs); i++) {
        X509_ATTRIBUTE *a = X509at_get_attr(attrs, i);
        ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(a);
        const char *role = NULL;
        if (w->oid_nested && OBJ_cmp(obj, w->oid_nested) == 0)
            role = "nested";
        else if (w->oid_ts && OBJ_cmp(obj, w->oid_ts) == 0)
            role = "timestamp";
        if (!role)
            continue;
        for (int k = 0; k < X509_ATTRIBUTE_count(a) && w->njobs < PKI_PE_MAX_PKCS7; k++) {
            ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, k);
            if (!t || t->type != V_ASN1_SEQUENCE || !t->value.sequence)
                continue;
            const unsigned char *p = ASN1_STRING_get0_data(t->value.sequence);
            long n = ASN1_STRING_length(t->value.sequence);
            PKCS7 *p7 = d2i_PKCS7(NULL, &p, n);
            if (p7)
                add_job(w, p7, role);
        }
    }
}

static void list_certs(sigwalk *w, const p7job *job, bool first)
{
    PKCS7_SIGNED *sd = job->p7->d.sign;
    STACK_OF(PKCS7_SIGNER_INFO) *sis = sd->signer_info;
    for (int i = 0; i < sk_X509_num(sd->cert); i++) {
        X509 *x = sk_X509_value(sd->cert, i);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        if (!x || !X509_digest(x, EVP_sha256(), md, &mdlen) || mdlen != 32 ||
            seen_before(w, md, job->role))
            continue;
        if (w->ncerts >= PKI_PE_MAX_CERTS) {
            pk_fact_set_bool(w->sig, "certificates_truncated", 1);
            break;
        }
        memcpy(w->seen[w->ncerts], md, 32);
        w->seen_role[w->ncerts++] = job->role;
        pk_fact *o = pk_fact_push_obj(w->certs);
        set_name(o, "subject", X509_get_subject_name(x));
        set_name(o, "issuer", X509_get_issuer_name(x));
        set_serial(o, X509_get0_serialNumber(x));
        set_time(o, "not_before", X509_get0_notBefore(x));
        set_time(o, "not_after", X509_get0_notAfter(x));
        set_country(o, X509_get_subject_name(x));
        set_fingerprint(o, md);
        pk_fact_set_bool(o, "signer", is_signer(sis, x));
        pk_fact_set_str(o, "role", job->role);
    }
    for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(sis); i++) {
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(sis, i);
        if (!si)
            continue;
        if (first && i == 0 && si->digest_alg && si->digest_alg->algorithm) {
            int nid = OBJ_obj2nid(si->digest_alg->algorithm);
            pk_fact_set_str(w->sig, "digest_algorithm",
                            nid != NID_undef ? OBJ_nid2sn(nid) : "unknown");
        }
        attr_jobs(w, si);
    }
}

static void not_signed(pki_pe *pe, const char *why)
{
    uint64_t at = pe->dir_off + (uint64_t)PKI_PE_DIR_SECURITY * 8;
    pk_finding_spec spec = {
        .rule_id = "PK-PE-0004",
        .severity = PK_SEV_MEDIUM,
        .confidence = 100,
        .loc = {.offset = pe->ndirs > PKI_PE_DIR_SECURITY ? at : PK_LOC_NONE,
                .length = 8,
                .record = "IMAGE_DATA_DIRECTORY[SECURITY]"},
    };
    if (pe->ndirs > PKI_PE_DIR_SECURITY && at + 8 <= pe->data.len) {
        spec.evidence.ptr = pe->data.ptr + at;
        spec.evidence.len = 8;
    }
    pki_pe_finding(pe, &spec, "Not signed: %s.", why);
}

/* Decodes the WIN_CERTIFICATE entries of the table at [off, off + r.len). */
static void read_table(sigwalk *w, pk_rd *r, uint64_t off)
{
    for (unsigned i = 0; i < PKI_PE_MAX_CERT_ENTRIES && pk_rd_left(r) >= 8; i++) {
        uint64_t at = off + r->pos;
        uint32_t len;
        uint16_t rev, type;
        pk_bytes body;
        if (!pk_rd_u32le(r, &len) || !pk_rd_u16le(r, &rev) || !pk_rd_u16le(r, &type))
            break;
        if (len < 8) {
            pki_pe_malformed(w->pe, "certificate table", at, "WIN_CERTIFICATE dwLength %u", len);
            return;
        }
        if (len - 8 > pk_rd_left(r)) {
            pki_pe_malformed(w->pe, "certificate table", at,
                             "WIN_CERTIFICATE dwLength %u exceeds the table", len);
            len = (uint32_t)(pk_rd_left(r) + 8);
        }
        if (!pk_rd_bytes(r, len - 8, &body))
            return;
        if (type == WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
            const unsigned char *p = body.ptr;
            PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)body.len);
            if (!p7 || !PKCS7_type_is_signed(p7))
                pki_pe_malformed(w->pe, "certificate table", at + 8,
                                 "WIN_CERTIFICATE holds no PKCS#7 SignedData that decodes");
            if (p7)
                add_job(w, p7, "signature");
        }
        /* entries are quadword aligned */
        uint64_t next = ((uint64_t)(r->pos) + 7) & ~(uint64_t)7;
        if (!pk_rd_seek(r, next))
            break;
    }
}

void pki_pe_parse_security(pki_pe *pe)
{
    pk_fact *sig = pk_fact_obj(pe->facts, "signature");
    uint32_t off = pe->ndirs > PKI_PE_DIR_SECURITY ? pe->dir_rva[PKI_PE_DIR_SECURITY] : 0;
    uint32_t size = pe->ndirs > PKI_PE_DIR_SECURITY ? pe->dir_size[PKI_PE_DIR_SECURITY] : 0;
    if (!off || !size) {
        pk_fact_set_bool(sig, "present", 0);
        pk_fact_set_bool(pe->facts, "signed", 0);
        not_signed(pe, "no certificate table (security data directory empty)");
        return;
    }
    pk_fact_set_bool(sig, "present", 1);
    pk_fact_set_int(sig, "table_offset", off);
    pk_fact_set_int(sig, "table_size", size);
    if (off >= pe->data.len) {
        pki_pe_malformed(pe, "certificate table", off, "starts past the end of the file");
        pk_fact_set_bool(pe->facts, "signed", 0);
        not_signed(pe, "the certificate table lies outside the file");
        return;
    }
    uint64_t len = size;
    if (len > pe->data.len - off) {
        pki_pe_malformed(pe, "certificate table", off, "%u bytes declared, %llu in the file", size,
                         (unsigned long long)(pe->data.len - off));
        len = pe->data.len - off;
    }
    sigwalk *w = pki_calloc(1, sizeof *w);
    if (!w) {
        pe->st = PK_E_NOMEM;
        return;
    }
    w->pe = pe;
    w->sig = sig;
    w->certs = pk_fact_arr(sig, "certificates");
    w->oid_nested = OBJ_txt2obj(OID_NESTED_SIGNATURE, 1);
    w->oid_ts = OBJ_txt2obj(OID_RFC3161_TIMESTAMP, 1);
    pk_rd r;
    if (pk_rd_sub(&pe->rd, off, len, &r))
        read_table(w, &r, off);
    bool any = w->njobs > 0;
    for (unsigned i = 0; i < w->njobs; i++) /* njobs may grow while listing */
        list_certs(w, &w->jobs[i], i == 0);
    pk_fact_set_int(sig, "signed_data_count", w->njobs);
    pk_fact *judged = any ? pk_fact_arr(sig, "signatures") : NULL;
    for (unsigned i = 0; i < w->njobs; i++)
        if (strcmp(w->jobs[i].role, "timestamp") != 0)
            pki_pe_sig_verify(pe, w->jobs[i].p7, w->jobs[i].role, judged);
    pk_fact_set_bool(pe->facts, "signed", any);
    for (unsigned i = 0; i < w->njobs; i++)
        PKCS7_free(w->jobs[i].p7);
    ASN1_OBJECT_free(w->oid_nested);
    ASN1_OBJECT_free(w->oid_ts);
    pki_free(w);
    ERR_clear_error(); /* decoding failures leave entries on this thread's queue */
    if (!any)
        not_signed(pe, "the certificate table holds no readable Authenticode signature");
}
