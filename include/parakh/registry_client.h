/* parakh: the registry's client (docs/registry-api.md, "Clients"). Three
 * parts: a small HTTP client for parakhd's API (libcurl); a verifier that
 * believes nothing the server says until it is proved against the signed
 * log (checkpoint signature, consistency with the checkpoint kept from last
 * time, every inclusion proof, every leaf re-parsed, the certificate
 * re-verified from the logged accreditations and suspensions); and a mirror
 * (a directory holding the whole log) written only once its root is
 * recomputed, for the same verification offline.
 *
 * Ownership: strings and buffers passed in are borrowed for the call.
 * pk_rc_resp bodies are freed by pk_rc_resp_clear(); a pk_rc_verdict holds
 * the matched certificate, freed by pk_rc_verdict_clear(). Errors: err
 * (NULLABLE) gets one line naming what failed and where. Statuses: PK_E_IO
 * for a server that cannot be reached (or redirects, or sends too much), an
 * unreadable mirror or state directory; PK_E_USAGE for bad arguments (a URL
 * that is not http/https, a malformed token file); PK_E_NOMEM. A log that fails a check is not a
 * status but a verdict: PK_CERT_LOG_INCONSISTENT with the reason.
 *
 * Threads: a pk_rc belongs to one thread; the verifier keeps no state but
 * the directories it is given. The bearer token is read from a file, kept in
 * memory only for the header, and never logged or printed. */
#ifndef PARAKH_REGISTRY_CLIENT_H
#define PARAKH_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "status.h"
#include "tlog.h"
#include "types.h"

/* Bounds (docs/certificate.md, "Registry client"). */
#define PK_RC_MAX_RESPONSE (64u << 20) /* default cap on one response body */
#define PK_RC_MAX_LEAF     (12u << 20) /* bytes of one leaf (a 4 MiB envelope, escaped) */
#define PK_RC_MAX_ENTRIES  100u        /* certificates in one lookup answer */
#define PK_RC_MAX_LABS     PK_CERT_MAX_TRUST
#define PK_RC_LEAVES_PAGE  256u       /* leaves asked for per request */
#define PK_RC_MAX_TOKEN    512u       /* bytes of a bearer token file */
#define PK_RC_MAX_MIRROR   (1u << 22) /* leaves in a mirror (~200 bytes of memory each) */

/* ---- transport ----------------------------------------------------------- */

typedef struct pk_rc_opts {
    const char *url;        /* "https://host:port" (or http://; a path prefix is kept) */
    const char *cacert;     /* NULLABLE: PEM CA bundle for https (else the system's) */
    const char *token_file; /* NULLABLE: the bearer token, one line */
    long connect_timeout;   /* seconds; 0: 10 */
    long timeout;           /* seconds for a whole request; 0: 60 */
    size_t max_response;    /* bytes; 0: PK_RC_MAX_RESPONSE */
} pk_rc_opts;

typedef struct pk_rc pk_rc;
/* Checks the URL (http or https only) and reads the token file (at most
 * PK_RC_MAX_TOKEN bytes, one line of printable ASCII). */
PK_API pk_status pk_rc_new(const pk_rc_opts *o, pk_rc **out, char *err, size_t errlen);
PK_API void pk_rc_free(pk_rc *PK_NULLABLE c);

/* One answer: the HTTP status and the body (NUL-terminated, len bytes). */
typedef struct pk_rc_resp {
    long code;
    char *body;
    size_t len;
} pk_rc_resp;
PK_API void pk_rc_resp_clear(pk_rc_resp *r);
/* The message of an error body {"error":{"code","message"}}, else "". */
PK_API void pk_rc_resp_error(const pk_rc_resp *r, char *out, size_t cap);

/* Each call returns PK_OK with *r filled for any HTTP answer (the caller
 * reads r->code), PK_E_IO when there was none (connection, TLS, timeout,
 * a body over the cap, a redirect). Redirects are never followed. */
PK_API pk_status pk_rc_submit(pk_rc *c, const char *envelope, size_t len,
                              const char *PK_NULLABLE supersedes, pk_rc_resp *r, char *err,
                              size_t errlen);
PK_API pk_status pk_rc_revoke(pk_rc *c, const char *id, const char *reason,
                              const char *PK_NULLABLE date, pk_rc_resp *r, char *err,
                              size_t errlen);
/* A root-signed accreditation (POST /api/v1/labs) or suspension (POST
 * /api/v1/labs/{lab}/suspension, the lab read from the record; PK_E_USAGE
 * when the envelope names none): the national CERT's token. */
PK_API pk_status pk_rc_accredit(pk_rc *c, const char *envelope, size_t len, pk_rc_resp *r,
                                char *err, size_t errlen);
PK_API pk_status pk_rc_suspend(pk_rc *c, const char *envelope, size_t len, pk_rc_resp *r, char *err,
                               size_t errlen);
/* by: "sha256" or "purl". */
PK_API pk_status pk_rc_lookup(pk_rc *c, const char *by, const char *value, pk_rc_resp *r, char *err,
                              size_t errlen);
PK_API pk_status pk_rc_checkpoint(pk_rc *c, pk_rc_resp *r, char *err, size_t errlen);
PK_API pk_status pk_rc_consistency(pk_rc *c, uint64_t from, uint64_t to, pk_rc_resp *r, char *err,
                                   size_t errlen);
PK_API pk_status pk_rc_leaves(pk_rc *c, uint64_t start, uint64_t end, pk_rc_resp *r, char *err,
                              size_t errlen);

/* ---- CSAF advisories (docs/csaf.md "The API"; lib/regclient/csaf_http.c) ---- */

/* POST /api/v1/advisories: publish a CSAF document (201, 409, 422). */
PK_API pk_status pk_rc_advisory_publish(pk_rc *c, const uint8_t *doc, size_t len, pk_rc_resp *r,
                                        char *err, size_t errlen);
/* POST /api/v1/advisories/match: which certified products a document
 * touches, nothing stored (200 {"hits": [...]}). */
PK_API pk_status pk_rc_advisory_match(pk_rc *c, const uint8_t *doc, size_t len, pk_rc_resp *r,
                                      char *err, size_t errlen);
/* POST /api/v1/certificates/{id}/sbom with the CycloneDX JSON; id is the
 * certificate id (64 lowercase hex, PK_E_USAGE otherwise). */
PK_API pk_status pk_rc_cert_sbom(pk_rc *c, const char *id, const uint8_t *sbom, size_t len,
                                 pk_rc_resp *r, char *err, size_t errlen);
/* POST /api/v1/inuse {"certificate": id}: the caller's organisation runs it. */
PK_API pk_status pk_rc_inuse(pk_rc *c, const char *id, pk_rc_resp *r, char *err, size_t errlen);

/* GET of a provider-tree file (path starts with "/.well-known/", no "..",
 * no query): what `parakh advisory bundle` needs beside the puller (the
 * provider metadata and the OpenPGP keys it lists). PK_E_USAGE for any other
 * path. */
PK_API pk_status pk_rc_wellknown_get(pk_rc *c, const char *path, pk_rc_resp *r, char *err,
                                     size_t errlen);

/* ---- verifying ----------------------------------------------------------- */

/* What the verifier concluded about one file. */
typedef struct pk_rc_verdict {
    pk_cert_state state; /* PK_CERT_LOG_INCONSISTENT: the log failed a check */
    char reason[768];
    pk_cert *cert;         /* the certificate judged (NULL when none); owned */
    const char *subject;   /* the matching subject, into cert */
    char id[65];           /* its leaf id (pk_cert_digest) */
    uint64_t log_index;    /* its leaf */
    char logged[32];       /* its leaf's time */
    char revoked_date[40]; /* REVOKED: the effective date */
    char revoked_reason[1025];
    char revoked_by[300];     /* "role name" */
    char superseded_by[65];   /* SUPERSEDED: the new certificate's id */
    uint64_t checkpoint_size; /* the signed tree the answer was checked against */
} pk_rc_verdict;
PK_API void pk_rc_verdict_clear(pk_rc_verdict *v);

/* Fetches a consistency proof (for the state check): the transport's
 * pk_rc_consistency parsed, or a test's pk_tlog_prove_consistency. */
typedef pk_status (*pk_rc_proof_fn)(void *ctx, uint64_t from, uint64_t to,
                                    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN], size_t *len,
                                    char *err, size_t errlen);

typedef struct pk_rc_check {
    const pk_key *root;         /* the national root public key */
    pk_note_verifier *log;      /* the log's pinned note key */
    const uint8_t *sha256;      /* the file's digest (32 bytes) */
    const char *date;           /* NULLABLE: RFC 3339 / YYYY-MM-DD; NULL: now */
    const char *state_dir;      /* NULLABLE: keep the last checkpoint there */
    pk_rc_proof_fn consistency; /* NULLABLE when state_dir is NULL */
    void *ctx;
} pk_rc_check;

/* Verifies a lookup answer (GET /api/v1/certificates?sha256=, the JSON
 * text) for in->sha256. PK_OK with *v filled (any state); PK_E_IO when the
 * consistency proof could not be fetched or the state could not be written.
 * The kept checkpoint (state_dir/checkpoint.<key id hex8>) is replaced only
 * when every log check passed. */
PK_API pk_status pk_rc_verify_answer(const pk_rc_check *in, const char *answer, size_t len,
                                     pk_rc_verdict *v, char *err, size_t errlen);

/* The proof fetcher over a pk_rc (ctx = the pk_rc). */
PK_API pk_status pk_rc_fetch_consistency(void *ctx, uint64_t from, uint64_t to,
                                         uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN],
                                         size_t *len, char *err, size_t errlen);

/* ---- mirrors (docs/certificate.md, "Mirror") ----------------------------- */

/* Fetches the checkpoint and every leaf, recomputes the root and compares it
 * with the signed checkpoint, and only then replaces dir (built beside it as
 * dir.tmp-XXXXXX, swapped in atomically). vkey is the pinned key's text
 * (written as dir/log.vkey). *size (NULLABLE) gets the leaf count. Returns
 * PK_E_FORMAT (err says which leaf or proof) when the log does not verify,
 * PK_E_IO when the server or the disk failed; dir is then untouched. */
PK_API pk_status pk_rc_mirror_export(pk_rc *c, const char *vkey, const char *dir,
                                     uint64_t *PK_NULLABLE size, char *err, size_t errlen);

/* Verifies in->sha256 from a mirror: every file read with O_NOFOLLOW and
 * bounded, names and count exact, the root recomputed and compared with the
 * checkpoint signed by in->log (NULL: dir/log.vkey), consistency with the
 * kept checkpoint recomputed from the leaves. PK_E_IO (err names the file)
 * when the mirror cannot be read; a mirror whose leaves do not give the
 * checkpoint is PK_OK with LOG INCONSISTENT. state_dir is updated only on a
 * mirror that verified; in->consistency is not used. */
PK_API pk_status pk_rc_mirror_verify(const pk_rc_check *in, const char *dir, pk_rc_verdict *v,
                                     char *err, size_t errlen);

#endif
