/* Authenticode verification inside the PE analyzer (OpenSSL 3).
 *
 * lib/core/sigcheck.h: what any PKCS#7 signature needs (shared with the
 * signing analyzer); pe_sig_ts.c: timestamp
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

#include "../../core/sigcheck.h"

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <time.h>

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
