/* The signing analyzer's internals: signed .jar files (JAR File
 * Specification, "Signed JAR File"), verified from the jar's own bytes.
 *
 * A jar is unpacked by the walk member by member, so a signature that spans
 * members (META-INF/X.SF over MANIFEST.MF over each entry) is checked here on
 * the jar itself: sig_zip.c reads the central directory of the mapped file
 * and inflates single members, bounded; sig_jar.c parses the manifest and the
 * signature files and judges each signer; sig_pgp.c reports the OpenPGP
 * signatures of .rpm and .deb files; the PKCS#7, chain and trust-store
 * pieces are lib/core/sigcheck.h, shared with the pe analyzer.
 *
 * Ownership: everything here borrows the file's bytes for one analyze() call;
 * buffers come from pki_malloc and are freed before analyze() returns. The
 * trust store is made by init and shared read-only by all threads. */
#ifndef PK_ANALYZERS_SIGNING_INT_H
#define PK_ANALYZERS_SIGNING_INT_H

#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "../../core/rd.h"
#include "../../core/sigcheck.h"

#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <stdbool.h>
#include <time.h>

#define PKI_SIG_MAX_ENTRIES     65535u         /* central directory entries read */
#define PKI_SIG_MAX_MEMBER      (16u << 20)    /* bytes of one META-INF member inflated */
#define PKI_SIG_MAX_HASHED      (512ull << 20) /* bytes inflated for entry digests, per jar */
#define PKI_SIG_MAX_SIGNERS     8u             /* signature block files judged */
#define PKI_SIG_MAX_ENTRY_FINDS 16u            /* PK-SIG-0001 findings per jar */

typedef struct pki_zent {
    const uint8_t *name;
    uint16_t nlen, method;
    uint32_t csize, usize, lho;
} pki_zent;

typedef struct pki_zip {
    pk_bytes z;
    pki_zent *e; /* sorted by name */
    uint32_t n;
} pki_zip;

/* sig_zip.c */
/* Reads the central directory; false when the file is not a zip it can read. */
bool pki_zip_open(pk_bytes z, pki_zip *out);
void pki_zip_close(pki_zip *zip);
const pki_zent *pki_zip_find(const pki_zip *zip, const char *name, size_t n);
/* The member inflated into a new buffer (at most cap bytes); NULL if it does
 * not inflate or is larger. */
uint8_t *pki_zip_read(const pki_zip *zip, const pki_zent *e, size_t cap, size_t *len);
/* Feeds the member's inflated bytes to `md` (an initialised EVP_MD_CTX);
 * *budget is decreased; false if it does not inflate or the budget ends. */
bool pki_zip_hash(const pki_zip *zip, const pki_zent *e, void *md_ctx, uint64_t *budget);

/* sig_pgp.c: OpenPGP signatures of .rpm (signature header) and .deb
 * (_gpgorigin, _gpgbuilder members), reported, not verified */
void pki_sgn_rpm(pk_bytes data, pk_emit *out, pk_status *st);
void pki_sgn_deb(pk_bytes data, pk_emit *out, pk_status *st);

/* sig_jar.c */
void pki_sgn_jar(pk_bytes data, const pki_sig_trust *trust, pk_emit *out, pk_status *st);

#endif
