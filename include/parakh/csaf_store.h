/* parakh: CSAF advisories in the registry's database (docs/csaf.md
 * "Storage"): document versions (own and mirrored), the providers mirrored,
 * one SBOM per certificate, the hits of advisories on certificates, and the
 * organisations' in-use lists. Same handle and back ends as
 * registry_store.h (SQLite, PostgreSQL); tables arrive with schema version 2
 * (an existing version 1 database is migrated on pk_rstore_open).
 *
 * Ownership (csaf-provider helper): csaf_store.h, lib/registry/store_csaf*.c.
 * Every input is borrowed for the call. Every result is one allocation freed
 * with pk_rstore_free() (*out is NULL when nothing matched). Threads: as
 * registry_store.h (one handle per thread).
 *
 * Append only: a document version, an SBOM, a hit is never changed or
 * deleted; a provider's metadata is stored again (a new row) when it changes
 * and the newest row is served. inuse rows are only added.
 *
 * Errors: err (NULLABLE) gets one line. PK_E_USAGE for an argument out of
 * range and for a refusal (pk_csaf_ingest: see pk_csaf_refusal); PK_E_IO for
 * a database failure; PK_E_FORMAT for a document that cannot be read; after
 * a failure nothing of the call is stored. */
#ifndef PARAKH_CSAF_STORE_H
#define PARAKH_CSAF_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csaf.h"
#include "csaf_sync.h"
#include "registry_store.h"
#include "status.h"
#include "types.h"

/* Most rows a document listing returns (changes.csv, index.txt, feeds, the
 * API list): a provider with more documents than this is out of scope. */
#define PK_CSAF_MAX_LIST 20000u
/* Most hits one lookup returns. */
#define PK_CSAF_MAX_HITS 20000u
/* Most text in a tracking id, version, path, etc. */
#define PK_CSAF_MAX_TEXT 1024u

/* One stored version. folder is "" for the server's own documents, else the
 * mirror folder (docs/csaf.md). Lists carry no body/signature (empty). */
typedef struct pk_csaf_doc {
    int64_t seq; /* the row's id, increasing with every stored version */
    const char *folder;
    const char *tracking_id, *version;
    const char *tlp;          /* "WHITE", "GREEN", "AMBER", "RED" */
    const char *initial_date; /* tracking.initial_release_date */
    const char *current_date; /* tracking.current_release_date */
    const char *title;
    const char *path;       /* "<tlp>/<year>/<file>.json" */
    pk_bytes body;          /* the document, byte for byte */
    const char *sha256;     /* the .sha256 file's text ("<hex>  <file>\n") */
    const char *sha512;     /* the .sha512 file's text */
    const char *sha256_hex; /* the body's digest, 64 hex */
    pk_bytes signature;     /* the .asc bytes; empty when unsigned */
    const char *signer;     /* fingerprint, or "none" */
    const char *source;     /* "publish", "pull <url>", "import <path>" */
    const char *stored;     /* RFC 3339 UTC, when stored */
    const char *cves;       /* the vulnerabilities' CVEs, comma separated ("" when none) */
} pk_csaf_doc;

typedef struct pk_csaf_docs {
    size_t count;
    bool truncated;
    pk_csaf_doc *items;
} pk_csaf_docs;

/* What pk_csaf_ingest stores. Mirrors pk_csaf_pulled (csaf_sync.h) so the
 * puller's accept callback passes its fields through, plus source. */
typedef struct pk_csaf_ingest_doc {
    const char *folder;                           /* "" own */
    const char *PK_NULLABLE provider_url;         /* mirrors: the provider-metadata.json URL */
    const uint8_t *PK_NULLABLE provider_metadata; /* mirrors: stored when changed */
    size_t provider_metadata_len;
    const char *PK_NULLABLE path; /* NULL: computed ("<tlp>/<year>/<file>.json") */
    const uint8_t *body;
    size_t body_len;
    const char *PK_NULLABLE sha256_file; /* NULL: computed from the body */
    const char *PK_NULLABLE sha512_file;
    const uint8_t *PK_NULLABLE signature; /* NULL: unsigned */
    size_t signature_len;
    const char *PK_NULLABLE signer;       /* NULL: "none" */
    const char *source;                   /* how it arrived */
    const pk_csaf_meta *PK_NULLABLE meta; /* NULL: read from body */
    const char *PK_NULLABLE now;          /* RFC 3339 stored time; NULL: the clock */
} pk_csaf_ingest_doc;

/* Why pk_csaf_ingest refused a document (PK_E_USAGE). */
typedef enum pk_csaf_refusal {
    PK_CSAF_STORED = 0,
    PK_CSAF_SAME = 1,        /* these bytes are already stored (HTTP 409) */
    PK_CSAF_NOT_NEWER = 2,   /* tracking.version not greater than the held one (409) */
    PK_CSAF_DROPPED_REV = 3, /* a published revision is missing or changed (409) */
    PK_CSAF_BAD_VERSION = 4, /* the versions cannot be compared (mixed schemes) (409) */
    PK_CSAF_INVALID = 5,     /* the document or an argument is unusable (422) */
} pk_csaf_refusal;

typedef struct pk_csaf_ingest_result {
    pk_csaf_refusal refusal;
    char held_version[PK_CSAF_MAX_TEXT]; /* the version held before ("" when none) */
    char path[PK_CSAF_MAX_TEXT];         /* where it is served (below the folder) */
    char sha256[65];                     /* the body's digest */
    int64_t seq;                         /* the stored row */
    size_t hits;                         /* hits recorded for this version */
} pk_csaf_ingest_result;

/* Stores one version and the hits of it on every certificate (own purl or
 * stored SBOM; pk_csaf_affected with tmpdir) in ONE transaction. Refuses
 * (PK_E_USAGE, res->refusal, err says why): the same body already stored
 * under (folder, tracking id); a version not newer than the held one; for
 * own documents (folder "") a revision_history that does not keep every
 * revision (number, date, summary) of the held version. The body is not
 * re-checked against the schema: callers run pk_csaf_check first. */
PK_API pk_status pk_csaf_ingest(pk_rstore *s, const pk_csaf_ingest_doc *d,
                                const char *PK_NULLABLE tmpdir, pk_csaf_ingest_result *PK_OUT res,
                                char *err, size_t errlen);

/* The newest version of (folder, tracking id) with body. */
PK_API pk_status pk_csaf_doc_latest(pk_rstore *s, const char *folder, const char *tracking_id,
                                    pk_csaf_doc **out, char *err, size_t errlen);
/* The newest version stored at (folder, path) with body, provided it is
 * also the newest of its tracking id (a path a newer version left is gone). */
PK_API pk_status pk_csaf_doc_by_path(pk_rstore *s, const char *folder, const char *path,
                                     pk_csaf_doc **out, char *err, size_t errlen);
/* The newest version whose file name (last path element, ".json") is file,
 * in folder; used by /api/v1/advisories/{file}. */
PK_API pk_status pk_csaf_doc_by_file(pk_rstore *s, const char *folder, const char *file,
                                     pk_csaf_doc **out, char *err, size_t errlen);
/* Every version of (folder, tracking id), newest first, without bodies. */
PK_API pk_status pk_csaf_versions(pk_rstore *s, const char *folder, const char *tracking_id,
                                  pk_csaf_docs **out, char *err, size_t errlen);
/* The newest version of every document in folder (tlp NULLABLE: all), by
 * current_release_date newest first, without bodies. */
PK_API pk_status pk_csaf_list(pk_rstore *s, const char *folder, const char *PK_NULLABLE tlp,
                              pk_csaf_docs **out, char *err, size_t errlen);
/* The tracking version held for (folder, id) into buf; *found false when none. */
PK_API pk_status pk_csaf_held(pk_rstore *s, const char *folder, const char *tracking_id, char *buf,
                              size_t cap, bool *PK_OUT found, char *err, size_t errlen);

/* A number that changes whenever a document version or an SBOM is stored
 * (parakhd keys cached lookups with it). */
PK_API pk_status pk_csaf_gen(pk_rstore *s, uint64_t *PK_OUT gen, char *err, size_t errlen);

/* ---- mirrored providers ---- */
typedef struct pk_csaf_provider {
    const char *folder, *url;
    pk_bytes metadata; /* the provider-metadata.json bytes as fetched */
    const char *stored;
} pk_csaf_provider;
typedef struct pk_csaf_providers {
    size_t count;
    pk_csaf_provider *items;
} pk_csaf_providers;
/* The mirror folder for a provider: the folder already used for url, else
 * publisher's CSAF §5.1 file-name form (no ".json"), with "-2", "-3" on a
 * clash with another url's folder. */
PK_API pk_status pk_csaf_folder(pk_rstore *s, const char *publisher, const char *url, char *buf,
                                size_t cap, char *err, size_t errlen);
/* Stores the provider's metadata when it differs from the newest held. */
PK_API pk_status pk_csaf_provider_put(pk_rstore *s, const char *folder, const char *url,
                                      const uint8_t *metadata, size_t len, char *err,
                                      size_t errlen);
/* Every mirrored provider (its newest metadata), by folder. */
PK_API pk_status pk_csaf_providers_all(pk_rstore *s, pk_csaf_providers **out, char *err,
                                       size_t errlen);

/* Every folder holding documents ("" first when it has any, then by
 * name), mirrored or imported alike. */
typedef struct pk_csaf_folders {
    size_t count;
    const char **names;
} pk_csaf_folders;
PK_API pk_status pk_csaf_folders_all(pk_rstore *s, pk_csaf_folders **out, char *err, size_t errlen);

/* ---- SBOMs ---- */
/* Stores the SBOM of a certificate (sha256 of the bytes must equal
 * sbom_sha256_hex, the digest the certificate signs: PK_E_FORMAT otherwise;
 * a second SBOM: PK_E_USAGE) and records its hits on the newest version of
 * every stored advisory, in one transaction. *nhits (NULLABLE) gets the count. */
PK_API pk_status pk_csaf_sbom_put(pk_rstore *s, const char *cert_id, const uint8_t *sbom,
                                  size_t len, const char *sbom_sha256_hex,
                                  const char *PK_NULLABLE tmpdir, size_t *PK_NULLABLE nhits,
                                  char *err, size_t errlen);
/* *out: the SBOM bytes (a pk_bytes result; NULL when none). */
PK_API pk_status pk_csaf_sbom_get(pk_rstore *s, const char *cert_id, pk_bytes **out, char *err,
                                  size_t errlen);
/* Records the hits of every stored advisory (newest versions) on one
 * certificate, e.g. one logged after the advisories; recorded hits are kept. */
PK_API pk_status pk_csaf_match_cert(pk_rstore *s, const char *cert_id,
                                    const char *PK_NULLABLE tmpdir, size_t *PK_NULLABLE nhits,
                                    char *err, size_t errlen);

/* pk_csaf_match_cert for every certificate (not revoked, not superseded)
 * that the newest version of some advisory was not yet matched against:
 * parakhd runs it before answering who is affected and after each pull, so
 * a certificate logged after an advisory gets its hits. */
PK_API pk_status pk_csaf_match_pending(pk_rstore *s, const char *PK_NULLABLE tmpdir,
                                       size_t *PK_NULLABLE nhits, char *err, size_t errlen);

/* ---- hits ---- */
typedef struct pk_csaf_hit_row {
    const char *folder, *advisory, *version, *tlp, *path;
    const char *certificate, *product, *vendor, *lab;
    const char *comp_name, *comp_version, *comp_purl; /* comp_purl NULLABLE */
    const char *cve, *method, *matched, *fixed;       /* fixed NULLABLE */
} pk_csaf_hit_row;
typedef struct pk_csaf_hit_rows {
    size_t count;
    bool truncated;
    pk_csaf_hit_row *items;
} pk_csaf_hit_rows;
/* Open hits (docs/csaf.md: on the newest version of their advisory, the
 * certificate neither revoked nor superseded; for a certificate with an
 * SBOM only the hits computed from it). Filters, each NULLABLE: the
 * advisory (folder + tracking id), one certificate, an organisation (only
 * certificates in its in-use list). Sorted by advisory, certificate,
 * component, cve. */
PK_API pk_status pk_csaf_hits_open(pk_rstore *s, const char *PK_NULLABLE folder,
                                   const char *PK_NULLABLE tracking_id,
                                   const char *PK_NULLABLE cert_id, const char *PK_NULLABLE org,
                                   pk_csaf_hit_rows **out, char *err, size_t errlen);

/* ---- in use ---- */
/* Adds cert_id to org's list (PK_E_USAGE: unknown certificate; adding one
 * already listed is PK_OK with *added false). */
PK_API pk_status pk_csaf_inuse_add(pk_rstore *s, const char *org, const char *cert_id,
                                   const char *PK_NULLABLE now, bool *PK_NULLABLE added, char *err,
                                   size_t errlen);
typedef struct pk_csaf_inuse {
    size_t count;
    bool truncated;
    const char **cert_ids; /* oldest first */
    const char **added;
} pk_csaf_inuse;
PK_API pk_status pk_csaf_inuse_list(pk_rstore *s, const char *org, pk_csaf_inuse **out, char *err,
                                    size_t errlen);

/* ---- pulling into the store (csaf_sync.h callbacks) ---- */
/* What parakhd's --upstream thread and `parakhd import` hand the puller:
 * held() reads pk_csaf_held; accept() maps the puller's folder to the
 * store's (pk_csaf_folder, by provider URL) and calls pk_csaf_ingest with
 * source "<source> <provider url>"; on_refuse() and refusals of accept()
 * are written to log (NULLABLE: stderr) as "csaf-pull: refused <what>:
 * <why>". The sink must outlive the pull. */
typedef struct pk_csaf_sink {
    pk_rstore *st;
    const char *PK_NULLABLE tmpdir;
    const char *source; /* "pull", "import" */
    void (*PK_NULLABLE log)(void *ctx, const char *line);
    void *log_ctx;
    uint64_t stored, refused; /* counted by the callbacks */
} pk_csaf_sink;
PK_API void pk_csaf_sink_callbacks(pk_csaf_sink *k, pk_csaf_sync_cb *PK_OUT cb);

#endif
