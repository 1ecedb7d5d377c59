/* parakhd internals: the server object, the write queue the committer
 * drains, and the helpers the route files share.
 *
 * Ownership: a pki_wjob owns every allocation listed in owned[] and its
 * leaf; the committer frees the job after answering (or the waiting caller
 * does, for pk_regsrv_handle_sync). */
#ifndef PK_SERVER_SRV_INT_H
#define PK_SERVER_SRV_INT_H

#include <jansson.h>
#include <parakh/registry_server.h>
#include <parakh/tlog.h>
#include <pthread.h>

#include "core/core_int.h"

#define PKI_SRV_ERRLEN 512
#define PKI_SRV_OWNED  16

typedef struct pki_wjob {
    struct pki_wjob *next;
    pk_rstore_kind kind;
    union {
        pk_rstore_accreditation accreditation;
        pk_rstore_suspension suspension;
        pk_rstore_cert cert;
        pk_rstore_revocation revocation;
    } r;
    uint8_t *leaf;
    size_t leaf_len;
    pk_cert *cert;      /* a certificate, kept to verify again if the trust changed */
    uint64_t trust_gen; /* the trust generation it was verified against */
    char logged[32];    /* the leaf's time; also the "now" of its checks */
    uint64_t index;     /* the leaf's index, once committed */
    char resp_a[96];    /* answer fields: cert id / lab */
    char resp_b[96];    /* certificate_id / key_id */
    void *owned[PKI_SRV_OWNED];
    size_t nowned;
    /* the answer */
    pk_regsrv_response *rs;
    pk_regsrv_done_fn done;
    void *ctx;
    bool failed;
    struct pki_wjob *dup_of; /* refused as a copy of this job of the same batch */
} pki_wjob;

typedef struct pki_handle {
    struct pki_handle *next, *prev;
    pk_rstore *st;
    pk_regsrv *srv;
} pki_handle;

#define PKI_CACHE_SLOTS     512
#define PKI_CACHE_MAX_BODY  (1u << 20)  /* one answer */
#define PKI_CACHE_MAX_TOTAL (64u << 20) /* all answers */
typedef struct pki_cache_slot {
    pthread_mutex_t m;
    char *url, *body;
    size_t len;
    unsigned status;
    uint64_t size, gen;
    char now[32];
} pki_cache_slot;

/* Parsed certificates by id (srv_certs.c). */
#define PKI_CERTS_SLOTS 16384
typedef struct pki_cref pki_cref;
typedef struct pki_certs_slot {
    pthread_mutex_t m;
    pki_cref *ref; /* the slot holds one reference */
} pki_certs_slot;

struct pk_regsrv {
    char *db_url;
    const pk_key *root;
    pk_note_signer *signer;
    char vkey[PK_NOTE_VKEY_MAX];
    char origin[PK_CHECKPOINT_ORIGIN_MAX + 1];
    char fixed_now[32];
    unsigned max_batch;

    pthread_rwlock_t trust_lock;
    pk_trust *trust;
    uint64_t trust_gen;
    uint64_t trust_records; /* accreditations and suspensions in trust */

    pthread_key_t hkey;
    pthread_mutex_t hlock;
    pki_handle *handles;

    pthread_mutex_t qlock;
    pthread_cond_t qcond;
    pki_wjob *qhead, *qtail;
    bool stopping;
    bool paused; /* tests: hold the queue so one batch gathers several writes */
    pthread_t committer;
    bool committer_started;
    pk_rstore *wstore; /* the committer's handle */

    pki_cache_slot cache[PKI_CACHE_SLOTS];
    size_t cache_bytes; /* bodies held, atomically updated */
    pki_certs_slot certs[PKI_CERTS_SLOTS];
    struct pki_csaf_srv *csaf; /* srv_csaf*.c; NULL until pk_regsrv_csaf_setup */
    struct pki_csaf_up *up;    /* srv_csaf_pull.c: the --upstream thread, or NULL */
};

/* The authenticated caller: role PUBLIC when no Authorization header. */
typedef struct pki_caller {
    pk_rstore_role role;
    char lab[80];
    char name[160];
} pki_caller;

/* ---- responses (srv_resp.c) ---- */
void pki_srv_error(pk_regsrv_response *rs, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Takes j (a JSON value, stolen) as the body with this status. */
void pki_srv_json(pk_regsrv_response *rs, unsigned status, json_t *j);
/* An error body with extra members (stolen) beside "error". */
void pki_srv_error_extra(pk_regsrv_response *rs, unsigned status, json_t *extra, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));
/* "now" as RFC 3339 UTC seconds. */
void pki_srv_now(const pk_regsrv *s, char out[32]);
/* Lowercase hex of n bytes into out (2n+1). */
void pki_srv_hex(const uint8_t *p, size_t n, char *out);
/* Standard base64 of p into a fresh string (pki_malloc); NULL on no memory. */
char *pki_srv_b64(const uint8_t *p, size_t n);
/* A date the API accepts: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (checked). */
bool pki_srv_date_ok(const char *s);
/* [A-Za-z0-9._-]{1,64} */
bool pki_srv_lab_ok(const char *s, size_t n);

/* ---- the database handle of this thread (srv.c) ---- */
pk_rstore *pki_srv_store(pk_regsrv *s, char *err, size_t errlen);
/* Rebuilds the trust store when the database holds trust records it lacks
 * (another server on the same database logged them). */
void pki_srv_trust_sync(pk_regsrv *s, pk_rstore *st);

/* ---- writes (srv_write.c), the committer (srv_commit.c) ---- */
void pki_srv_post_cert(pk_regsrv *s, const pki_caller *c, const char *supersedes,
                       const pk_regsrv_request *rq, pk_regsrv_response *rs, pki_wjob **job);
void pki_srv_post_revocation(pk_regsrv *s, const pki_caller *c, const char *id,
                             const pk_regsrv_request *rq, pk_regsrv_response *rs, pki_wjob **job);
void pki_srv_post_lab(pk_regsrv *s, const pki_caller *c, const char *lab,
                      const pk_regsrv_request *rq, pk_regsrv_response *rs, pki_wjob **job);
void *pki_wjob_own(pki_wjob *j, void *p);
char *pki_wjob_strdup(pki_wjob *j, const char *s);
void pki_wjob_free(pki_wjob *j);
void pki_srv_enqueue(pk_regsrv *s, pki_wjob *j);
void *pki_srv_committer(void *arg);
/* Signs and stores a checkpoint for the store's current size when the latest
 * stored one is older (start-up). */
pk_status pki_srv_checkpoint_init(pk_regsrv *s, char *err, size_t errlen);

/* ---- reads (srv_read.c, srv_log.c) ---- */
/* role: the caller's, for the entries' "advisories" (TLPs it may read). */
void pki_srv_lookup(pk_regsrv *s, const char *sha256, const char *purl, pk_rstore_role role,
                    pk_regsrv_response *rs);
void pki_srv_cert_get(pk_regsrv *s, const char *id, pk_rstore_role role, pk_regsrv_response *rs);
void pki_srv_labs(pk_regsrv *s, const char *lab, pk_regsrv_response *rs);
void pki_srv_log_checkpoint(pk_regsrv *s, pk_regsrv_response *rs);
void pki_srv_log_inclusion(pk_regsrv *s, uint64_t index, uint64_t size, pk_regsrv_response *rs);
void pki_srv_log_consistency(pk_regsrv *s, uint64_t from, uint64_t to, pk_regsrv_response *rs);
void pki_srv_log_leaves(pk_regsrv *s, uint64_t start, uint64_t end, pk_regsrv_response *rs);
/* An accreditation's or suspension's payload, opened with the root key
 * (a fresh JSON object) or NULL. */
json_t *pki_srv_record_payload(const pk_regsrv *s, const pk_bytes env, const char *type);

/* ---- parsed certificates by id (srv_certs.c) ---- */
void pki_srv_certs_init(pk_regsrv *s);
void pki_srv_certs_fini(pk_regsrv *s);
/* The entry for certificate id with this envelope, parsed on first use;
 * the caller holds a reference and drops it with pki_srv_cert_unref. NULL:
 * out of memory. */
pki_cref *pki_srv_cert_ref(pk_regsrv *s, const char *id, pk_bytes env);
void pki_srv_cert_unref(pki_cref *c);
/* The parsed certificate (owned by c), NULL when it did not parse. */
const pk_cert *pki_srv_cert_parsed(const pki_cref *c);
/* pk_cert_verify_logged against the current trust store, the signature
 * checks memoised per trust generation. */
pk_cert_state pki_srv_cert_verify(pk_regsrv *s, pki_cref *c, const uint8_t *sha256, const char *now,
                                  const char *logged, pk_cert_result *res);

/* ---- the answer cache (srv_cache.c) ---- */
void pki_srv_cache_init(pk_regsrv *s);
void pki_srv_cache_fini(pk_regsrv *s);
bool pki_srv_cache_get(pk_regsrv *s, const char *url, uint64_t size, uint64_t gen, const char *now,
                       pk_regsrv_response *rs);
void pki_srv_cache_put(pk_regsrv *s, const char *url, uint64_t size, uint64_t gen, const char *now,
                       const pk_regsrv_response *rs);

/* ---- CSAF (srv_csaf*.c) ---- */
/* The CSAF routes (docs/csaf.md). -1: not a CSAF path (the registry's
 * routes apply). preflight: 1 when rs holds a refusal before the body, 0
 * to read the body. Else 1 with rs filled. */
int pki_srv_csaf(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs, bool preflight);
void pki_srv_csaf_free(pk_regsrv *s);
/* Stops and joins the --upstream thread (srv_csaf_pull.c). */
void pki_srv_upstream_stop(pk_regsrv *s);
/* "advisories" of a certificate lookup entry: the open hits on advisories
 * role may read, one object per advisory (a fresh array; NULL: failed). */
json_t *pki_srv_csaf_cert_advisories(pk_regsrv *s, pk_rstore *st, const char *cert_id,
                                     pk_rstore_role role);
/* Part of the answer cache's key: changes whenever stored advisories or
 * SBOMs change (so "advisories" in a cached lookup is current). */
uint64_t pki_srv_csaf_gen(pk_rstore *st);
/* The authentication and content-type checks of srv_route.c. */
unsigned pki_srv_authenticate(pk_regsrv *s, const char *auth, pki_caller *c,
                              pk_regsrv_response *rs);
bool pki_srv_is_json_type(const char *ct);

/* ---- static files (srv_static.c) ---- */
/* The embedded file for a path ("/", "/lookup.js", ...) or false. */
bool pki_srv_static(const char *path, const char **ctype, const unsigned char **data, size_t *len);

#endif
