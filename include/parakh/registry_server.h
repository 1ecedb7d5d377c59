/* parakh: parakhd, the certification registry server (docs/registry-api.md is
 * the contract, docs/parakhd.md how to run it).
 *
 * Two layers. The request handler (pk_regsrv_handle) takes one parsed HTTP
 * request (method, raw URL, Authorization, Content-Type, body) and fills a
 * response; it knows nothing of sockets, so tests and the fuzz target drive
 * it directly. The HTTP layer (pk_regsrv_http_*) is libmicrohttpd with TLS
 * (GnuTLS) in front of it.
 *
 * Writes go through ONE committer thread (group commit): it takes every
 * queued append, stores them with their leaves and ONE signed checkpoint in
 * one transaction, then answers each waiting request. A write therefore
 * completes later, from the committer thread (pk_regsrv_handle returns false
 * and calls done); reads complete at once.
 *
 * Threads: pk_regsrv_handle may be called from any number of threads; each
 * thread gets its own database handle (opened on first use). The trust
 * store is shared under a read-write lock and grows when an accreditation or
 * suspension is logged.
 *
 * Ownership: the config's strings and the request are borrowed for the call
 * (the handler copies what a pending write needs); cfg->root must outlive
 * the server. A response's body is freed by pk_regsrv_response_clear.
 * Errors: err (NULLABLE) gets one line. */
#ifndef PARAKH_REGISTRY_SERVER_H
#define PARAKH_REGISTRY_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "registry_store.h"
#include "status.h"
#include "types.h"

/* A request body larger than this is 413 (a certificate envelope's own
 * bound); the HTTP layer stops reading there. */
#define PK_REGSRV_MAX_BODY PK_CERT_MAX_ENVELOPE
/* A longer request target (path and query) is 414. */
#define PK_REGSRV_MAX_URL 8192u
/* Most appends one group commit takes. */
#define PK_REGSRV_MAX_BATCH 1024u
/* Leaves one GET /api/v1/log/leaves returns. */
#define PK_REGSRV_MAX_LEAVES 256u

typedef struct pk_regsrv pk_regsrv;

typedef struct pk_regsrv_config {
    const char *db_url;                /* as pk_rstore_open takes it */
    const pk_key *root;                /* the national root's public key */
    const char *log_skey;              /* the log's note signing key (pk_note_keygen) */
    const char *PK_NULLABLE origin;    /* checkpoint origin; NULL: the note key's name */
    unsigned max_batch;                /* 0: PK_REGSRV_MAX_BATCH */
    const char *PK_NULLABLE fixed_now; /* tests only: "now" (RFC 3339 UTC) instead of the clock */
} pk_regsrv_config;

/* Opens the database (creating it), builds the trust store from the logged
 * accreditations and suspensions, signs a checkpoint when the log has none
 * for its size, and starts the committer. PK_E_FORMAT for a bad note key,
 * PK_E_IO / PK_E_FORMAT from the store. */
PK_API pk_status pk_regsrv_new(const pk_regsrv_config *cfg, pk_regsrv **out, char *err,
                               size_t errlen);
/* Finishes every queued write (each gets its answer), stops the committer and
 * closes every database handle. No request may be in pk_regsrv_handle. */
PK_API void pk_regsrv_free(pk_regsrv *PK_NULLABLE s);
/* The log's verifier key ("name+hash+base64"). */
PK_API const char *pk_regsrv_vkey(const pk_regsrv *s);

typedef struct pk_regsrv_request {
    const char *method;                    /* "GET", "POST", ... */
    const char *url;                       /* the raw request target: path, then ?query */
    const char *PK_NULLABLE authorization; /* the Authorization header */
    const char *PK_NULLABLE content_type;  /* the Content-Type header */
    const uint8_t *PK_NULLABLE body;
    size_t body_len;
    bool body_too_large; /* the transport stopped reading at PK_REGSRV_MAX_BODY */
} pk_regsrv_request;

typedef struct pk_regsrv_response {
    unsigned status;
    const char *content_type;      /* static text */
    const char *PK_NULLABLE allow; /* 405: the Allow header (static text) */
    bool www_authenticate;         /* 401: WWW-Authenticate: Bearer */
    bool no_store;                 /* API answers: Cache-Control: no-store */
    char *body;                    /* body_len bytes; owned unless body_static */
    size_t body_len;
    bool body_static;
} pk_regsrv_response;

typedef void (*pk_regsrv_done_fn)(void *ctx);

/* The checks that need no body (route, method, token, role, content type,
 * declared length): true when rs now holds the refusal, so a transport need
 * not read a body it would throw away. */
PK_API bool pk_regsrv_preflight(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs);
/* rs (here and below) is zeroed or holds an earlier answer, which is freed.
 * Handles rq. true: rs is filled. false: a write was queued; the committer
 * fills rs and then calls done(ctx) from its own thread. */
PK_API bool pk_regsrv_handle(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs,
                             pk_regsrv_done_fn done, void *ctx);
/* pk_regsrv_handle, waiting for a queued write to be answered. */
PK_API void pk_regsrv_handle_sync(pk_regsrv *s, const pk_regsrv_request *rq,
                                  pk_regsrv_response *rs);
PK_API void pk_regsrv_response_clear(pk_regsrv_response *rs);

/* The headers every response carries besides Content-Type (CSP, nosniff,
 * Referrer-Policy, and Cache-Control/Allow/WWW-Authenticate when set):
 * up to PK_REGSRV_MAX_HEADERS name/value pairs; returns how many. */
#define PK_REGSRV_MAX_HEADERS 8
PK_API size_t pk_regsrv_headers(const pk_regsrv_response *rs,
                                const char *names[PK_REGSRV_MAX_HEADERS],
                                const char *values[PK_REGSRV_MAX_HEADERS]);

/* ---- CSAF provider and aggregator (docs/csaf.md; lib/server/srv_csaf*.c,
 * owned by the csaf-provider helper) ---- */

/* Bodies of POST /api/v1/advisories, /api/v1/advisories/match and
 * /api/v1/certificates/{id}/sbom may be this large; every other route keeps
 * PK_REGSRV_MAX_BODY. */
#define PK_REGSRV_MAX_CSAF_BODY (16u << 20)
typedef struct pk_csaf_signer pk_csaf_signer;
typedef struct pk_regsrv_csaf {
    const char *base_url;               /* "https://host[:port]": the URLs the tree names */
    const char *publisher_json;         /* NULLABLE: {name, namespace, category, contact_details,
                                           issuing_authority} (--csaf-publisher) */
    pk_csaf_signer *PK_NULLABLE signer; /* borrowed, must outlive the server; NULL: unsigned */
    const char *PK_NULLABLE schema_dir; /* pk_csaf_schema_dir() */
    const char *PK_NULLABLE tmpdir;     /* matching's private knowledge bases */
} pk_regsrv_csaf;
/* Configures the CSAF side (call once, before serving): copies c, reads
 * the signer's public key, and loads the CSAF schemas once (PK_E_IO when
 * they cannot be read). Without it the tree answers with a default
 * publisher and publishing stores unsigned documents. */
PK_API pk_status pk_regsrv_csaf_setup(pk_regsrv *s, const pk_regsrv_csaf *c, char *err,
                                      size_t errlen);
/* --upstream: a thread that pulls the upstream provider's tree (and its
 * aggregator's mirrors) into this server's database once at start and then
 * every interval_s seconds (pk_csaf_pull_url with pk_csaf_sink_callbacks),
 * logging each refusal as "csaf-pull: refused <url>: <reason>" to stderr.
 * Stopped (the pull in progress finishes) by pk_regsrv_free. */
typedef struct pk_regsrv_upstream {
    const char *url;                    /* https://host[:port] */
    const char *keys_path;              /* ASCII-armoured OpenPGP keyring */
    const char *PK_NULLABLE token_path; /* bearer token file */
    const char *PK_NULLABLE cacert;     /* PEM bundle */
    unsigned interval_s;                /* 0: 300 */
} pk_regsrv_upstream;
PK_API pk_status pk_regsrv_upstream_start(pk_regsrv *s, const pk_regsrv_upstream *u, char *err,
                                          size_t errlen);
/* The largest body the route of url accepts (for the HTTP layer). */
PK_API size_t pk_regsrv_max_body(const char *url);

/* ---- tokens (parakhd token ...) ---- */

/* "pkt_" and 43 base64url characters, NUL. */
#define PK_REGSRV_SECRET_LEN   48
#define PK_REGSRV_TOKEN_ID_LEN 24
/* Makes a token: a random secret (written into secret once; only its SHA-256
 * is stored) and an id ("tok-" + 16 hex). PK_E_USAGE for a lab role without
 * a valid lab id, a lab id with another role, or an empty name. */
PK_API pk_status pk_regsrv_token_create(pk_rstore *st, pk_rstore_role role,
                                        const char *PK_NULLABLE lab, const char *name,
                                        char id[PK_REGSRV_TOKEN_ID_LEN],
                                        char secret[PK_REGSRV_SECRET_LEN], char *err,
                                        size_t errlen);

/* ---- HTTP (libmicrohttpd) ---- */

typedef struct pk_regsrv_http pk_regsrv_http;
typedef struct pk_regsrv_http_config {
    const char *listen;               /* "127.0.0.1:8443", "[::1]:8443", "0.0.0.0:443" */
    const char *PK_NULLABLE tls_cert; /* PEM text; NULL only with insecure_http */
    const char *PK_NULLABLE tls_key;  /* PEM text */
    bool insecure_http;               /* plain HTTP, for tests behind TLS termination */
    unsigned threads;                 /* worker threads; 0: the number of cores */
    unsigned timeout_s;               /* idle connection timeout; 0: 15 s */
    unsigned max_connections;         /* 0: 1024 */
    /* Answer every request 503 "starting" until pk_regsrv_http_open: the
     * port must be bound before the base URL is known, and set-up that
     * needs it (the CSAF provider) must finish before anyone is served. */
    bool hold;
} pk_regsrv_http_config;

/* Listens and serves until pk_regsrv_http_stop. PK_E_USAGE for a bad listen
 * address, PK_E_IO when the port cannot be bound or TLS not set up. */
PK_API pk_status pk_regsrv_http_start(pk_regsrv *s, const pk_regsrv_http_config *c,
                                      pk_regsrv_http **out, char *err, size_t errlen);
/* Ends the hold of pk_regsrv_http_config.hold (no-op otherwise). */
PK_API void pk_regsrv_http_open(pk_regsrv_http *h);
/* The port actually bound (for listen port 0). */
PK_API unsigned pk_regsrv_http_port(const pk_regsrv_http *h);
/* Stops accepting, lets queued writes finish and closes every connection. */
PK_API void pk_regsrv_http_stop(pk_regsrv_http *PK_NULLABLE h);

#endif
