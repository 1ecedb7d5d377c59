/* Internal to the CSAF store (store_csaf*.c): shared helpers, the targets
 * a document is matched against, and hit recording. */
#ifndef PK_REGISTRY_STORE_CSAF_INT_H
#define PK_REGISTRY_STORE_CSAF_INT_H

#include <parakh/csaf_store.h>

#include "store_int.h"

static inline pk_status pki_csaf_nomem(char *err, size_t errlen)
{
    return pki_rs_fail(err, errlen, PK_E_NOMEM, "csaf store: out of memory");
}
/* v must be non-NULL (PK_E_MISUSE) and at most max bytes (PK_E_USAGE). */
pk_status pki_csaf_need(const char *v, const char *what, size_t max, char *err, size_t errlen);
/* RFC 3339 UTC of the clock, or of now when given. */
void pki_csaf_now(const char *now, char buf[40]);

/* The certificates a document is matched against: every one neither
 * revoked nor superseded (or only cert_id), each with its SBOM when stored
 * (basis "sbom") or its own purl (basis "purl"). */
typedef struct pki_csaf_targets {
    pki_arena *a;
    size_t n;
    pk_csaf_target *t;
    const char **basis;
} pki_csaf_targets;
pk_status pki_csaf_targets_load(pk_rstore *s, const char *cert_id, pki_csaf_targets *out, char *err,
                                size_t errlen);
void pki_csaf_targets_free(pki_csaf_targets *t);
/* Inside a write transaction: records that doc_seq was matched against
 * every target, and its hits. */
pk_status pki_csaf_hits_put(pk_rstore *s, int64_t doc_seq, const pki_csaf_targets *t,
                            const pk_csaf_hits *h, char *err, size_t errlen);
/* A write transaction for the CSAF tables: BEGIN and the log-head lock, so
 * two servers on one database serialise (as registry appends do). */
pk_status pki_csaf_begin(pk_rstore *s, char *err, size_t errlen);

#endif
