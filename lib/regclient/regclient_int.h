/* lib/regclient internals: the log's leaves and the lookup answer, parsed
 * strictly (docs/registry-api.md, "The log's leaves"); the judgement shared
 * by the online and the mirror verifier; the kept checkpoint.
 *
 * Ownership: a pki_rc_leaf owns its strings and its pk_cert (cert may be
 * moved out, leaving NULL); a pki_rc_answer owns its leaves' bytes. */
#ifndef PK_REGCLIENT_INT_H
#define PK_REGCLIENT_INT_H

#include <parakh/registry_client.h>

#include "core/core_int.h"

enum { PKI_RC_CERT = 1, PKI_RC_ACCR, PKI_RC_SUSP, PKI_RC_REVOKE };

typedef struct pki_rc_leaf {
    int kind;
    char logged[32];
    char id[65];         /* certificate, revocation */
    char supersedes[65]; /* certificate: "" when null */
    char lab[256];       /* accreditation, suspension; certificate: its predicate's lab */
    char *envelope;      /* certificate, accreditation, suspension (NUL-terminated) */
    size_t envlen;
    pk_cert *cert; /* certificate: parsed, its digest equal to id */
    char reason[1025], date[40], by_role[32], by_name[256]; /* revocation */
} pki_rc_leaf;

/* Parses one leaf: a JSON object with exactly the keys of its kind, each
 * type-checked; a certificate's envelope parsed by lib/cert and its digest
 * compared with id. PK_E_FORMAT with err saying which key. */
pk_status pki_rc_leaf_parse(const uint8_t *b, size_t n, pki_rc_leaf *out, char *err, size_t errlen);
void pki_rc_leaf_clear(pki_rc_leaf *l);

/* A leaf as an answer carries it: index, bytes, inclusion proof. */
typedef struct pki_rc_proved {
    uint64_t index;
    uint8_t *leaf;
    size_t len;
    uint8_t (*proof)[PK_TLOG_HASH_LEN];
    size_t plen;
} pki_rc_proved;

typedef struct pki_rc_entry {
    char id[65];
    pki_rc_proved cert, rev, sup; /* rev/sup: leaf NULL when null */
} pki_rc_entry;

typedef struct pki_rc_answer {
    char *checkpoint;
    size_t cplen;
    pki_rc_entry *e;
    size_t n;
    pki_rc_proved *labs;
    size_t nlabs;
} pki_rc_answer;

/* The lookup answer's JSON (docs/registry-api.md); fields the verifier does
 * not use (the server's own status, for people) are ignored. */
pk_status pki_rc_answer_parse(const char *buf, size_t len, pki_rc_answer *a, char *err,
                              size_t errlen);
void pki_rc_answer_clear(pki_rc_answer *a);

/* One certificate leaf to judge, with what the log says about it. */
typedef struct pki_rc_cand {
    pki_rc_leaf *leaf;
    uint64_t index;
    const pki_rc_leaf *rev; /* NULLABLE */
    const pki_rc_leaf *sup; /* NULLABLE */
} pki_rc_cand;

/* Verifies each candidate (pk_cert_verify_logged), applies revocation then
 * supersession, and fills v with the first VALID one, else the newest that
 * names the file, else NOT CERTIFIED. The chosen certificate moves into v. */
void pki_rc_judge(pki_rc_cand *c, size_t n, const pk_trust *t, const uint8_t *sha, const char *date,
                  pk_rc_verdict *v);

/* Sets v to LOG INCONSISTENT with this reason. */
void pki_rc_inconsistent(pk_rc_verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The kept checkpoint: state_dir/checkpoint.<hex8 key id>. *have = false
 * when there is none; PK_E_IO when it cannot be read or does not verify. */
pk_status pki_rc_state_load(const char *dir, pk_note_verifier *log, pk_checkpoint *cp, bool *have,
                            char *err, size_t errlen);
/* Writes note as the kept checkpoint (temporary file, fsync, rename). */
pk_status pki_rc_state_save(const char *dir, pk_note_verifier *log, const char *note, size_t len,
                            char *err, size_t errlen);

/* Writes len bytes to a new file at dirfd/name (O_EXCL, O_NOFOLLOW),
 * fsync'd when sync (a mirror's leaves are synced at once with syncfs). */
pk_status pki_rc_write_file(int dirfd, const char *name, const void *b, size_t len, bool sync,
                            char *err, size_t errlen);

/* One request to parakhd with the client's token (http.c's, for the other
 * API files such as csaf_http.c): body NULLABLE, sent as JSON. */
pk_status pki_rc_request(pk_rc *c, const char *method, const char *path, const char *body,
                         size_t blen, pk_rc_resp *r, char *err, size_t errlen);

#define pki_rc_err pki_errf

#endif
