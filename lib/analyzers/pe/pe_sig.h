/* Authenticode verification inside the PE analyzer (OpenSSL 3).
 *
 * pe_sig_p7.c: what any PKCS#7 signature needs (a SignerInfo verified over its
 * content, the chain judged against the trust store at a given time, the
 * trust store loaded from --trust, names as facts); pe_sig_ts.c: timestamp
 * counter-signatures (RFC 3161 tokens and PKCS#9 countersignatures);
 * pe_sig_img.c: the Authenticode image digest; pe_sig.c: one signature judged
 * and reported (facts, PK-PE-0009..0015).
 *
 * Ownership: OpenSSL objects passed in are borrowed; pki_sig_ts owns its
 * tsa_cert (free with pki_sig_ts_fini). The trust store is made once by the
 * analyzer's init and shared read-only by all threads (X509_STORE locks its
 * own lookups). */
#ifndef PK_ANALYZERS_PE_SIG_H
#define PK_ANALYZERS_PE_SIG_H

#include "pe_int.h"

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <time.h>

/* The analyzer's state: the trust store (empty when no --trust was given). */
struct pki_pe_trust {
    X509_STORE *store;
    bool given; /* --trust was given: an untrusted chain is a finding */
    unsigned ncerts;
};

/* How a certificate chain was judged at one time. */
typedef struct pki_sig_chain {
    const char
        *status;  /* "trusted", "untrusted", "self-signed", "expired" (trusted but out of date) */
    bool expired; /* some certificate of the chain was not valid at `at` */
    bool self_signed; /* the leaf is self-signed */
    char error[160];  /* the first non-time verification error, "" when none */
    char time_error[96];
} pki_sig_chain;

/* A timestamp counter-signature on one SignerInfo. */
typedef struct pki_sig_ts {
    const char *kind; /* NULL when none; "rfc3161" or "pkcs9" */
    bool have_time;
    time_t time; /* genTime / signingTime */
    bool ok;     /* imprint and signature verify */
    char error[160];
    X509 *tsa_cert;      /* owned; NULL when not found */
    pki_sig_chain chain; /* the TSA's chain at `time` */
} pki_sig_ts;

/* pe_sig_p7.c */
/* The certificate of `certs` that `si` names by issuer and serial, or NULL. */
X509 *pki_sig_find_cert(const STACK_OF(X509) * certs, const PKCS7_SIGNER_INFO *si);
/* Verifies `si`: with signed attributes, their messageDigest equals the
 * digest of content[0..n) and the signature covers their DER; without, the
 * signature covers the content. False with a reason in why. */
bool pki_sig_verify_si(PKCS7_SIGNER_INFO *si, X509 *signer, const unsigned char *content, size_t n,
                       char *why, size_t whyn);
/* Judges the chain from `leaf` (intermediates from `untrusted`) against the
 * store at time `at`. Every error is collected; none stops the walk. */
void pki_sig_chain_check(X509_STORE *store, X509 *leaf, STACK_OF(X509) * untrusted, time_t at,
                         pki_sig_chain *out);
/* A store holding every certificate (PEM, several per file, or DER) of the
 * files in directory `path` (or of the file `path`); NULL with err set when
 * none could be read. */
X509_STORE *pki_sig_trust_load(const char *path, unsigned *count, char *err, size_t errn);
/* subject, issuer (RFC 2253), serial (hex), cn, o, c, not_before, not_after. */
void pki_sig_cert_facts(pk_fact *o, X509 *x);
/* "SHA256", "MD5", ... for a digest OID; "unknown" otherwise. */
const char *pki_sig_md_name(const ASN1_OBJECT *alg);
/* MD5 or SHA-1 (or weaker). */
bool pki_sig_md_weak(const ASN1_OBJECT *alg);
/* Seconds since 1970 of an ASN.1 time; false if it does not decode. */
bool pki_sig_time(const ASN1_TIME *t, time_t *out);
/* "YYYY-MM-DDTHH:MM:SSZ" */
void pki_sig_fmt_time(time_t t, char buf[24]);
/* The value of the first attribute `nid` in the certificate's subject, as
 * UTF-8 in buf; false when absent. */
bool pki_sig_subject_attr(X509 *x, int nid, char *buf, size_t n);

/* pe_sig_ts.c: the timestamp on `si` (a SignerInfo of `outer`), verified
 * against its own imprint and the store. out->kind NULL when none. */
void pki_sig_timestamp(PKCS7 *outer, PKCS7_SIGNER_INFO *si, X509_STORE *store, pki_sig_ts *out);
void pki_sig_ts_fini(pki_sig_ts *ts);

/* pe_sig_img.c: the Authenticode digest of the image with md (the file
 * without CheckSum, the security directory entry and the certificate table).
 * False with a reason when the layout does not allow it. */
bool pki_pe_image_digest(const pki_pe *pe, const EVP_MD *md, unsigned char *out, unsigned *outlen,
                         const char **why);

/* pe_sig.c: judges one Authenticode SignedData (role "signature" or
 * "nested") and appends its facts to `arr`. */
void pki_pe_sig_verify(pki_pe *pe, PKCS7 *p7, const char *role, pk_fact *arr);

#endif
