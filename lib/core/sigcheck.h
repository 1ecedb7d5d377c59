/* Signature checks shared by the analyzers that verify signatures (pe:
 * Authenticode; signing: jars): a PKCS#7 SignerInfo verified by hand, the
 * chain judged against the trust store at a given time, the trust store read
 * from --trust (option "trust.dir"), certificate names as facts.
 *
 * Ownership: OpenSSL objects passed in are borrowed. pki_sig_trust_init
 * allocates the store (free with pki_sig_trust_free); it is made once by an
 * analyzer's init and shared read-only by all threads (X509_STORE locks its
 * own lookups). */
#ifndef PK_CORE_SIGCHECK_H
#define PK_CORE_SIGCHECK_H

#include <parakh/analyzer.h>

#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <time.h>

/* The --trust store (empty when no --trust was given). */
typedef struct pki_sig_trust {
    X509_STORE *store;
    bool given; /* --trust was given: an untrusted chain is a finding */
    unsigned ncerts;
} pki_sig_trust;

/* Reads option "trust.dir" (a directory or file of PEM/DER certificates);
 * PK_E_USAGE with pk_reg_error when none can be read, PK_E_NOMEM. */
pk_status pki_sig_trust_init(pk_match_reg *reg, pki_sig_trust **out);
void pki_sig_trust_free(pki_sig_trust *t);

/* How a certificate chain was judged at one time. */
typedef struct pki_sig_chain {
    const char
        *status;  /* "trusted", "untrusted", "self-signed", "expired" (trusted but out of date) */
    bool expired; /* some certificate of the chain was not valid at `at` */
    bool self_signed; /* the leaf is self-signed */
    char error[160];  /* the first non-time verification error, "" when none */
    char time_error[96];
} pki_sig_chain;

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

#endif
