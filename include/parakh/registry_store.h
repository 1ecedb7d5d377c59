/* parakh: the registry's storage (docs/registry-storage.md). One interface,
 * two back ends: SQLite (a file path or "sqlite:PATH") and PostgreSQL
 * ("postgresql://..." or "postgres://...", a libpq connection URI). parakhd
 * runs on either with the same semantics.
 *
 * Every tamper-evident record (accreditation, suspension, certificate,
 * revocation) is stored in ONE transaction together with its log leaf and the
 * tlog nodes the leaf completes (include/parakh/tlog.h), so a record is in
 * the database exactly when it is in the log. The log's next index is taken
 * under a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on
 * the log-head row), so two servers on one database never assign the same
 * index and the log has no gap. Records, leaves, nodes and checkpoints are
 * append-only: this API has no call that changes or deletes them. Tokens are
 * the one mutable table (a token can be revoked) and are not logged.
 *
 * Threads: a handle is one database connection and is NOT thread-safe; a
 * server holds one handle per worker thread. Separate handles may be used
 * concurrently, in one process or many.
 *
 * Ownership: every input is borrowed for the call. Every result (a pointer
 * written through an out parameter, *out == NULL when nothing matched) is one
 * allocation, strings included, freed with pk_rstore_free(). Lookups that can
 * match many rows return at most PK_RSTORE_MAX_ROWS, newest first, and set
 * `truncated` when more exist.
 *
 * Errors: err (NULLABLE) gets one line saying what and where. Statuses:
 * PK_E_USAGE for arguments out of range and for a record the database refuses
 * (a duplicate id, an unknown certificate or lab, a second revocation; err
 * names which); PK_E_FORMAT for a file that is not a registry database (not
 * SQLite, corrupt) or whose schema version is newer than this library's;
 * PK_E_IO when the database cannot be opened or fails; PK_E_NOMEM. After a
 * failure inside a transaction nothing of it is stored. */
#ifndef PARAKH_REGISTRY_STORE_H
#define PARAKH_REGISTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tlog.h"
#include "types.h"

/* The schema this library writes; an older database is migrated on open, a
 * newer one refused. Version 2 added the CSAF tables (csaf_store.h). */
#define PK_RSTORE_SCHEMA_VERSION 2
/* Most rows one lookup returns (a sha256 certified 100 times is an anomaly
 * worth a look, not a page to scroll). */
#define PK_RSTORE_MAX_ROWS 100
/* Most accreditations (and suspensions) pk_rstore_labs_all returns: the
 * trust store's own bound (PK_CERT_MAX_TRUST). */
#define PK_RSTORE_MAX_LABS 4096
/* Bounds on what is stored: text fields, envelopes, subjects per certificate. */
#define PK_RSTORE_MAX_TEXT     4096u
#define PK_RSTORE_MAX_BLOB     (4u << 20)
#define PK_RSTORE_MAX_SUBJECTS 4096u

typedef struct pk_rstore pk_rstore;

/* What a log leaf records; stored as text ("accreditation", ...). */
typedef enum pk_rstore_kind {
    PK_RSTORE_ACCREDITATION = 0,
    PK_RSTORE_SUSPENSION = 1,
    PK_RSTORE_CERTIFICATE = 2,
    PK_RSTORE_REVOCATION = 3,
} pk_rstore_kind;

typedef enum pk_rstore_role {
    PK_ROLE_NATIONAL = 0,
    PK_ROLE_SECTORAL = 1,
    PK_ROLE_ORGANISATIONAL = 2,
    PK_ROLE_LAB = 3, /* bound to a lab id */
    PK_ROLE_PUBLIC = 4,
} pk_rstore_role;

/* "national", ...; NULL for a value out of range. */
PK_API const char *pk_rstore_role_str(pk_rstore_role r);
/* Parses a role name; -1 when unknown. */
PK_API int pk_rstore_role_parse(const char *name, pk_rstore_role *out);

/* Dates are text as the signed record says them (YYYY-MM-DD or RFC 3339);
 * the store compares none of them. log_index is set by the store. */
typedef struct pk_rstore_accreditation {
    const char *lab_id, *key_id;
    pk_bytes public_key, envelope;
    const char *valid_from, *valid_until, *state;
    uint64_t log_index;
} pk_rstore_accreditation;

typedef struct pk_rstore_suspension {
    const char *lab_id, *from_date, *reason;
    pk_bytes envelope;
    uint64_t log_index;
} pk_rstore_suspension;

typedef struct pk_rstore_subject {
    uint8_t sha256[32];
    const char *name;
} pk_rstore_subject;

typedef struct pk_rstore_cert {
    const char *id;
    pk_bytes envelope;
    const char *lab_id, *issued, *expires;
    const char *product, *vendor, *version;
    const char *PK_NULLABLE purl, *PK_NULLABLE cpe;
    const char *profile, *verdict;
    const char *PK_NULLABLE supersedes;    /* the id of the certificate this replaces */
    const char *PK_NULLABLE superseded_by; /* read only: the newest that replaces this */
    const pk_rstore_subject *subjects;
    size_t nsubjects; /* 1..PK_RSTORE_MAX_SUBJECTS */
    uint64_t log_index;
} pk_rstore_cert;

typedef struct pk_rstore_revocation {
    const char *cert_id, *reason, *date;
    pk_rstore_role by_role;
    const char *by_name;
    pk_bytes record; /* the signed envelope or the JSON record */
    uint64_t log_index;
} pk_rstore_revocation;

typedef struct pk_rstore_token {
    const char *id;
    pk_rstore_role role;
    const char *PK_NULLABLE lab_id; /* set exactly when role is PK_ROLE_LAB */
    const char *name;
    uint8_t secret_sha256[32]; /* never the secret */
    const char *created;
    const char *PK_NULLABLE revoked; /* date, or NULL while valid */
} pk_rstore_token;

/* A record to append with its leaf: kind says which member is used. */
typedef struct pk_rstore_record {
    pk_rstore_kind kind;
    union {
        const pk_rstore_accreditation *accreditation;
        const pk_rstore_suspension *suspension;
        const pk_rstore_cert *cert;
        const pk_rstore_revocation *revocation;
    } u;
} pk_rstore_record;

/* Results of lookups that may match many rows. */
typedef struct pk_rstore_certs {
    size_t count;
    bool truncated;
    pk_rstore_cert *items;
} pk_rstore_certs;
typedef struct pk_rstore_labs {
    size_t count;
    bool truncated;
    pk_rstore_accreditation *items;
    size_t nsuspensions;
    pk_rstore_suspension *suspensions;
} pk_rstore_labs;

typedef struct pk_rstore_leaf {
    uint64_t index;
    pk_rstore_kind kind;
    const char *ref_id; /* the record's id: cert id, lab id */
    pk_bytes data;
    uint8_t hash[PK_TLOG_HASH_LEN];
} pk_rstore_leaf;

typedef struct pk_rstore_checkpoint {
    uint64_t size;
    const char *note; /* the signed note text */
} pk_rstore_checkpoint;

/* ---- the handle ---- */

/* Opens (creating the schema if missing, migrating an older one) the store
 * named by url. PK_E_USAGE for a scheme it does not know. */
PK_API pk_status pk_rstore_open(const char *url, pk_rstore **out, char *err, size_t errlen);
PK_API void pk_rstore_close(pk_rstore *PK_NULLABLE s);
/* "sqlite" or "postgresql". */
PK_API const char *pk_rstore_backend(const pk_rstore *s);
/* Frees any result of this API (NULL accepted). */
PK_API void pk_rstore_free(void *PK_NULLABLE result);

/* ---- appending to the log (one call: record + leaf + nodes, atomically) ---- */

/* Stores rec and a log leaf holding leaf[0..len) (the bytes the log hashes,
 * e.g. the envelope) in one transaction: takes the log lock, computes the
 * new nodes with pk_tlog_append over the stored ones, writes record, leaf
 * and nodes, commits. *index (NULLABLE) gets the leaf's index. */
PK_API pk_status pk_rstore_append(pk_rstore *s, const pk_rstore_record *rec, const uint8_t *leaf,
                                  size_t len, uint64_t *PK_NULLABLE index, char *err,
                                  size_t errlen);

/* The same in steps, for a caller that computes the nodes itself or appends
 * several records in one transaction (parakhd's group commit):
 * begin_append takes the lock and gives the current size n; the tlog store
 * of pk_rstore_tlog() reads inside the transaction; put_record stores the
 * record with index n; put_leaf stores leaf n and the nodes of
 * pk_tlog_append (checked: nodes[0] is (0, n, leaf hash), then one parent
 * per level). Once both are stored the next record and leaf take index n+1,
 * and so on. pk_rstore_put_checkpoint may be called inside the transaction
 * (for the size reached so far), so the checkpoint commits with its leaves.
 * commit needs every record to have its leaf (and at least one pair);
 * commit or rollback ends it. On any failure the caller calls rollback:
 * nothing of the transaction stays. */
PK_API pk_status pk_rstore_begin_append(pk_rstore *s, uint64_t *size, char *err, size_t errlen);
PK_API pk_status pk_rstore_put_record(pk_rstore *s, const pk_rstore_record *rec, uint64_t index,
                                      char *err, size_t errlen);
PK_API pk_status pk_rstore_put_leaf(pk_rstore *s, pk_rstore_kind kind, const char *ref_id,
                                    const uint8_t *leaf, size_t len, const pk_tlog_node *nodes,
                                    size_t count, char *err, size_t errlen);
PK_API pk_status pk_rstore_commit(pk_rstore *s, char *err, size_t errlen);
PK_API void pk_rstore_rollback(pk_rstore *s);

/* A read snapshot: every lookup between read_begin and read_end sees the
 * database as of one moment (SQLite: a deferred read transaction;
 * PostgreSQL: REPEATABLE READ READ ONLY), so a checkpoint and the proofs
 * read after it agree. read_end also ends a snapshot a failed lookup left. */
PK_API pk_status pk_rstore_read_begin(pk_rstore *s, char *err, size_t errlen);
PK_API void pk_rstore_read_end(pk_rstore *s);

/* A pk_tlog_store reading this handle's nodes (valid while s is open). */
PK_API pk_tlog_store pk_rstore_tlog(pk_rstore *s);

/* ---- the log ---- */

PK_API pk_status pk_rstore_tree_size(pk_rstore *s, uint64_t *size, char *err, size_t errlen);
/* PK_E_FORMAT when the node is missing (as pk_tlog_store asks). */
PK_API pk_status pk_rstore_node(pk_rstore *s, unsigned level, uint64_t index,
                                uint8_t out[PK_TLOG_HASH_LEN], char *err, size_t errlen);
PK_API pk_status pk_rstore_leaf_get(pk_rstore *s, uint64_t index, pk_rstore_leaf **out, char *err,
                                    size_t errlen);
/* Stores a signed checkpoint of size leaves (at most the tree size). The
 * first checkpoint of a size is kept; a second of that size is ignored. */
PK_API pk_status pk_rstore_put_checkpoint(pk_rstore *s, uint64_t size, const char *note, char *err,
                                          size_t errlen);
PK_API pk_status pk_rstore_checkpoint_latest(pk_rstore *s, pk_rstore_checkpoint **out, char *err,
                                             size_t errlen);

/* ---- lookups ---- */

PK_API pk_status pk_rstore_cert_by_id(pk_rstore *s, const char *id, pk_rstore_cert **out, char *err,
                                      size_t errlen);
PK_API pk_status pk_rstore_certs_by_sha256(pk_rstore *s, const uint8_t sha256[32],
                                           pk_rstore_certs **out, char *err, size_t errlen);
PK_API pk_status pk_rstore_certs_by_purl(pk_rstore *s, const char *purl, pk_rstore_certs **out,
                                         char *err, size_t errlen);
/* A lab's accreditations and suspensions, newest first. *out is NULL when
 * the lab has neither. */
PK_API pk_status pk_rstore_lab(pk_rstore *s, const char *lab_id, pk_rstore_labs **out, char *err,
                               size_t errlen);
/* Every lab: at most PK_RSTORE_MAX_LABS accreditations and as many
 * suspensions, newest first (`truncated` when more exist); *out is NULL
 * when there are none. A server builds its trust store from it. */
PK_API pk_status pk_rstore_labs_all(pk_rstore *s, pk_rstore_labs **out, char *err, size_t errlen);
/* How many accreditations and suspensions are stored: a server sharing the
 * database with others compares it with its trust store's. */
PK_API pk_status pk_rstore_trust_count(pk_rstore *s, uint64_t *n, char *err, size_t errlen);
PK_API pk_status pk_rstore_lab_by_key(pk_rstore *s, const char *key_id,
                                      pk_rstore_accreditation **out, char *err, size_t errlen);
PK_API pk_status pk_rstore_revocation_get(pk_rstore *s, const char *cert_id,
                                          pk_rstore_revocation **out, char *err, size_t errlen);

/* ---- tokens (not logged) ---- */

PK_API pk_status pk_rstore_token_add(pk_rstore *s, const pk_rstore_token *t, char *err,
                                     size_t errlen);
PK_API pk_status pk_rstore_token_by_hash(pk_rstore *s, const uint8_t secret_sha256[32],
                                         pk_rstore_token **out, char *err, size_t errlen);
/* Calls fn for every token, oldest first; the token is valid only during
 * the call. */
PK_API pk_status pk_rstore_token_each(pk_rstore *s, void (*fn)(const pk_rstore_token *t, void *ctx),
                                      void *ctx, char *err, size_t errlen);
/* Marks a token revoked on date; PK_E_USAGE when unknown or already revoked. */
PK_API pk_status pk_rstore_token_revoke(pk_rstore *s, const char *id, const char *date, char *err,
                                        size_t errlen);

#endif
