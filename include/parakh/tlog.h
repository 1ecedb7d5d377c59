/* parakh: the registry's tamper-evident log (docs/tlog.md).
 *
 * A Merkle tree log with RFC 6962 / RFC 9162 hashing, storage-independent:
 * the log keeps the hash of every complete (perfect, aligned) subtree, node
 * (level, index) covering leaves [index*2^level, (index+1)*2^level). Roots and
 * proofs are computed from those nodes only, O(log n) reads each, through a
 * pk_tlog_store the caller supplies (parakhd: an SQL table; tests: pk_tlog_mem).
 * Checkpoints are C2SP tlog-checkpoint texts signed as C2SP signed notes with
 * Ed25519 (OpenSSL 3).
 *
 * Ownership: every buffer passed in is borrowed for the call. Objects made by
 * a *_new() are freed by the matching *_free() (NULL accepted); text made by
 * pk_note_sign() is freed with pk_tlog_free(). Key strings are written into
 * caller buffers of the sizes given below. The library keeps no global state;
 * separate objects may be used from separate threads.
 *
 * Errors: err (NULLABLE) gets one line saying what and where. Statuses:
 * PK_E_FORMAT for anything hostile or wrong in input: a malformed note, key,
 * checkpoint or proof, and a proof or signature that does not verify (a
 * client treats both alike: the log is not trusted); PK_E_USAGE for
 * arguments out of range (a leaf index past the size); PK_E_INTERNAL when
 * OpenSSL fails; PK_E_NOMEM; and whatever a store's get_node returned. */
#ifndef PARAKH_TLOG_H
#define PARAKH_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "types.h"

#define PK_TLOG_HASH_LEN 32
/* RFC 9162 allows trees of up to 2^64 - 1 leaves; 2^63 keeps every index
 * and size arithmetic in range and is far beyond any registry. */
#define PK_TLOG_MAX_SIZE (UINT64_C(1) << 63)
/* A proof never has more nodes than the tree has levels, plus one. */
#define PK_TLOG_MAX_PROOF 64
/* Nodes one append can complete: the leaf and one per trailing 1 bit. */
#define PK_TLOG_APPEND_MAX 64

/* ---- hashing (RFC 9162 section 2.1.1) ---- */

/* SHA-256(0x00 || data). */
PK_API void pk_tlog_leaf_hash(const uint8_t *data, size_t len, uint8_t out[PK_TLOG_HASH_LEN]);
/* SHA-256(0x01 || left || right); out may alias either input. */
PK_API void pk_tlog_node_hash(const uint8_t left[PK_TLOG_HASH_LEN],
                              const uint8_t right[PK_TLOG_HASH_LEN], uint8_t out[PK_TLOG_HASH_LEN]);

/* ---- the log over a store (server side) ---- */

/* The hash of one perfect subtree: leaves [index << level, (index+1) << level). */
typedef struct pk_tlog_node {
    unsigned level; /* 0 = a leaf hash */
    uint64_t index;
    uint8_t hash[PK_TLOG_HASH_LEN];
} pk_tlog_node;

/* Where the nodes live. get_node writes the hash of node (level, index) and
 * returns PK_OK, or a status of its own with a message in err (PK_E_IO when
 * the database fails; PK_E_FORMAT when the node is missing: a log that lost a
 * node is corrupt). It is only asked for nodes that an append of every leaf
 * below the requested size has produced. */
typedef struct pk_tlog_store {
    void *ctx;
    pk_status (*get_node)(void *ctx, unsigned level, uint64_t index, uint8_t out[PK_TLOG_HASH_LEN],
                          char *err, size_t errlen);
} pk_tlog_store;

/* Appends leaf number n (0-based: the log holds n leaves before the call)
 * with this leaf hash. Writes into new_nodes (room for PK_TLOG_APPEND_MAX)
 * the nodes the append completes: (0, n, leaf_hash) first, then each parent
 * that became perfect, lowest level first. The caller stores all of them
 * (in the same transaction as the entry) before appending leaf n+1; nothing
 * stored is ever changed. Reads at most 63 nodes. PK_E_LIMIT at
 * PK_TLOG_MAX_SIZE leaves. */
PK_API pk_status pk_tlog_append(const pk_tlog_store *s, const uint8_t leaf_hash[PK_TLOG_HASH_LEN],
                                uint64_t n, pk_tlog_node *new_nodes, size_t *count, char *err,
                                size_t errlen);
/* The root hash of the first size leaves (size 0: SHA-256 of nothing). */
PK_API pk_status pk_tlog_root(const pk_tlog_store *s, uint64_t size, uint8_t root[PK_TLOG_HASH_LEN],
                              char *err, size_t errlen);
/* The inclusion proof of leaf index in the tree of size leaves, in RFC 9162
 * order (the leaf's sibling first); *len nodes. PK_E_USAGE unless
 * index < size <= PK_TLOG_MAX_SIZE. */
PK_API pk_status pk_tlog_prove_inclusion(const pk_tlog_store *s, uint64_t index, uint64_t size,
                                         uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN],
                                         size_t *len, char *err, size_t errlen);
/* The consistency proof from size m to size n (RFC 9162 section 2.1.4.1);
 * empty when m == 0 or m == n. PK_E_USAGE unless m <= n <= PK_TLOG_MAX_SIZE. */
PK_API pk_status pk_tlog_prove_consistency(const pk_tlog_store *s, uint64_t m, uint64_t n,
                                           uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN],
                                           size_t *len, char *err, size_t errlen);

/* ---- an in-memory store, for tests and small tools ---- */

typedef struct pk_tlog_mem pk_tlog_mem;
PK_API pk_status pk_tlog_mem_new(pk_tlog_mem **out);
PK_API void pk_tlog_mem_free(pk_tlog_mem *PK_NULLABLE m);
/* Appends a leaf hash; *index (NULLABLE) gets its position. */
PK_API pk_status pk_tlog_mem_append(pk_tlog_mem *m, const uint8_t leaf_hash[PK_TLOG_HASH_LEN],
                                    uint64_t *PK_NULLABLE index);
PK_API uint64_t pk_tlog_mem_size(const pk_tlog_mem *m);
/* The store reading m; valid while m lives. */
PK_API pk_tlog_store pk_tlog_mem_store(pk_tlog_mem *m);
/* Overwrites a stored node: only for tests that rewrite history. PK_E_USAGE
 * when the node does not exist. */
PK_API pk_status pk_tlog_mem_set_node(pk_tlog_mem *m, unsigned level, uint64_t index,
                                      const uint8_t hash[PK_TLOG_HASH_LEN]);

/* ---- proof verification (client side, no store) ---- */

/* RFC 9162 section 2.1.3.2: is leaf_hash the leaf at index in the tree of
 * size leaves with this root? PK_OK, or PK_E_FORMAT (err says why). Proofs
 * longer than PK_TLOG_MAX_PROOF and sizes above PK_TLOG_MAX_SIZE fail. */
PK_API pk_status pk_tlog_verify_inclusion(const uint8_t leaf_hash[PK_TLOG_HASH_LEN], uint64_t index,
                                          uint64_t size,
                                          const uint8_t (*PK_NULLABLE proof)[PK_TLOG_HASH_LEN],
                                          size_t len, const uint8_t root[PK_TLOG_HASH_LEN],
                                          char *err, size_t errlen);
/* RFC 9162 section 2.1.4.2: is the tree (n, root_n) an append-only extension
 * of (m, root_m)? For m == n the proof must be empty and the roots equal; for
 * m == 0 the proof must be empty and root_m the empty tree's hash. */
PK_API pk_status pk_tlog_verify_consistency(uint64_t m, uint64_t n,
                                            const uint8_t (*PK_NULLABLE proof)[PK_TLOG_HASH_LEN],
                                            size_t len, const uint8_t root_m[PK_TLOG_HASH_LEN],
                                            const uint8_t root_n[PK_TLOG_HASH_LEN], char *err,
                                            size_t errlen);

/* ---- signed notes (C2SP signed-note, Ed25519 only) ---- */

#define PK_NOTE_MAX_LEN  (1u << 20) /* a note larger than 1 MiB is refused */
#define PK_NOTE_MAX_SIGS 100        /* more signature lines are refused */
#define PK_NOTE_NAME_MAX 255        /* bytes in a key name we make or accept */
/* "PRIVATE+KEY+" name "+" hex8 "+" base64(33 bytes), NUL: sizes of key buffers. */
#define PK_NOTE_SKEY_MAX (12 + PK_NOTE_NAME_MAX + 1 + 8 + 1 + 44 + 1)
#define PK_NOTE_VKEY_MAX (PK_NOTE_NAME_MAX + 1 + 8 + 1 + 44 + 1)

typedef struct pk_note_signer pk_note_signer;
typedef struct pk_note_verifier pk_note_verifier;

/* A new Ed25519 key pair named name (C2SP name rules: non-empty UTF-8, no
 * Unicode space, no '+'; at most PK_NOTE_NAME_MAX bytes). skey gets
 * "PRIVATE+KEY+<name>+<hex8 key id>+<base64(0x01 || seed)>", vkey
 * "<name>+<hex8 key id>+<base64(0x01 || public key)>". The caller keeps
 * skey secret. PK_E_USAGE for a bad name. */
PK_API pk_status pk_note_keygen(const char *name, char skey[PK_NOTE_SKEY_MAX],
                                char vkey[PK_NOTE_VKEY_MAX], char *err, size_t errlen);
/* Parses a signer key as made by pk_note_keygen (or golang.org/x/mod/sumdb/note).
 * PK_E_FORMAT when malformed, of another algorithm, or its key id does not match. */
PK_API pk_status pk_note_signer_new(const char *skey, pk_note_signer **out, char *err,
                                    size_t errlen);
PK_API void pk_note_signer_free(pk_note_signer *PK_NULLABLE s);
/* The verifier key string of a signer (vkey holds PK_NOTE_VKEY_MAX). */
PK_API void pk_note_signer_vkey(const pk_note_signer *s, char vkey[PK_NOTE_VKEY_MAX]);
PK_API pk_status pk_note_verifier_new(const char *vkey, pk_note_verifier **out, char *err,
                                      size_t errlen);
PK_API void pk_note_verifier_free(pk_note_verifier *PK_NULLABLE v);
PK_API const char *pk_note_verifier_name(const pk_note_verifier *v);
PK_API uint32_t pk_note_verifier_id(const pk_note_verifier *v);

/* Signs text[0..len) (valid note text: non-empty UTF-8 ending in a newline,
 * no control character but newline) with each signer in order. *out gets the
 * signed note, NUL-terminated, *outlen its length (NULLABLE); free it with
 * pk_tlog_free(). PK_E_FORMAT for invalid text. */
PK_API pk_status pk_note_sign(const char *text, size_t len, pk_note_signer *const *signers,
                              size_t nsigners, char **out, size_t *PK_NULLABLE outlen, char *err,
                              size_t errlen);
/* Opens a signed note: parses it strictly (at most PK_NOTE_MAX_LEN bytes,
 * UTF-8, no control character but newline, a blank line before one to
 * PK_NOTE_MAX_SIGS signature lines "— <name> <base64(key id || sig)>\n",
 * no signature line twice) and checks every signature whose name and key id
 * match one of the verifiers. Signatures by other keys are ignored. PK_OK
 * when at least one known signature verifies and none fails; then *text_len
 * is the length of the signed text (msg[0..*text_len), the final newline
 * included) and signed_by (NULLABLE, nverifiers entries) says which verifier
 * signed. PK_E_FORMAT otherwise; PK_E_USAGE when two verifiers share a name
 * and key id. */
PK_API pk_status pk_note_open(const char *msg, size_t len, pk_note_verifier *const *verifiers,
                              size_t nverifiers, size_t *text_len, bool *PK_NULLABLE signed_by,
                              char *err, size_t errlen);
/* Frees text made by this API (NULL accepted). */
PK_API void pk_tlog_free(void *PK_NULLABLE p);

/* ---- checkpoints (C2SP tlog-checkpoint) ---- */

#define PK_CHECKPOINT_ORIGIN_MAX 255 /* bytes; a longer origin is refused */
/* Room for any text pk_checkpoint_format writes: origin, size, root, NUL. */
#define PK_CHECKPOINT_TEXT_MAX (PK_CHECKPOINT_ORIGIN_MAX + 1 + 20 + 1 + 44 + 1 + 1)

typedef struct pk_checkpoint {
    char origin[PK_CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t size;
    uint8_t root[PK_TLOG_HASH_LEN];
    size_t ext_off, ext_len; /* the extension lines, within the parsed text */
} pk_checkpoint;

/* "<origin>\n<size>\n<base64 root>\n" into out (cap bytes, NUL-terminated);
 * *len (NULLABLE) gets its length. PK_E_USAGE for an invalid origin or size. */
PK_API pk_status pk_checkpoint_format(const char *origin, uint64_t size,
                                      const uint8_t root[PK_TLOG_HASH_LEN], char *out, size_t cap,
                                      size_t *PK_NULLABLE len, char *err, size_t errlen);
/* Parses checkpoint text (a note's signed text, not the whole note): three
 * lines, then optional non-empty extension lines. The size is decimal without
 * leading zeros, at most PK_TLOG_MAX_SIZE; the root is canonical base64 of 32
 * bytes. PK_E_FORMAT otherwise. */
PK_API pk_status pk_checkpoint_parse(const char *text, size_t len, pk_checkpoint *out, char *err,
                                     size_t errlen);
/* pk_note_open() then pk_checkpoint_parse(); origin (NULLABLE) must then equal
 * the checkpoint's origin. */
PK_API pk_status pk_checkpoint_open(const char *msg, size_t len, const char *PK_NULLABLE origin,
                                    pk_note_verifier *const *verifiers, size_t nverifiers,
                                    pk_checkpoint *out, char *err, size_t errlen);
/* A client's check before it replaces the checkpoint it kept (old) by a newer
 * one (new): same origin, new->size >= old->size, and the consistency proof
 * from old to new verifies (equal sizes: equal roots). PK_E_FORMAT with
 * "fork" or "rewritten" in err otherwise: the log showed two histories. */
PK_API pk_status pk_checkpoint_check_update(const pk_checkpoint *old, const pk_checkpoint *new_cp,
                                            const uint8_t (*PK_NULLABLE proof)[PK_TLOG_HASH_LEN],
                                            size_t len, char *err, size_t errlen);

#endif
