/* parakh: certificates (docs/certificate.md). A lab's Ed25519 key signs a
 * DSSE envelope holding an in-toto Statement v1 whose subjects are the sha256
 * of the deliverable and of every executable inside it, and whose predicate
 * (docs/certificate.schema.json) says what was approved under which profile.
 * The national root key signs accreditations (a lab's key, valid from/until)
 * and suspensions (docs/accreditation.schema.json); a verifier needs only the
 * root public key.
 *
 * Ownership: every *_free() frees what the matching constructor made (NULL is
 * accepted). Buffers passed in are borrowed and copied when kept; strings
 * returned by accessors live as long as the object they came from; char **
 * outputs are pki_malloc'd and freed with pk_cert_buf_free(). Errors: err
 * (NULLABLE) gets one line saying where and why.
 *
 * Threads: a pk_trust is read-only once filled, so a server may verify from
 * many threads against one pk_trust; each pk_cert belongs to one thread. */
#ifndef PARAKH_CERT_H
#define PARAKH_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "decide.h"
#include "status.h"
#include "types.h"

/* Bounds every parser enforces (docs/certificate.md, Limits). */
#define PK_CERT_MAX_ENVELOPE   (4u << 20)  /* bytes of a certificate envelope */
#define PK_CERT_MAX_RECORD     (64u << 10) /* bytes of an accreditation/suspension */
#define PK_CERT_MAX_SUBJECTS   4096u       /* subjects of one certificate */
#define PK_CERT_MAX_SIGNATURES 16u         /* signatures in one envelope */
#define PK_CERT_MAX_TRUST      4096u       /* records in one pk_trust */

#define PK_CERT_PAYLOAD_TYPE   "application/vnd.in-toto+json"
#define PK_CERT_PREDICATE_TYPE "urn:parakh:certification:v1"
#define PK_ACCR_PAYLOAD_TYPE   "application/vnd.parakh.accreditation+json"
#define PK_SUSP_PAYLOAD_TYPE   "application/vnd.parakh.suspension+json"

/* ---- keys ---------------------------------------------------------------- */

typedef struct pk_key pk_key; /* an Ed25519 key: private (can sign) or public */

PK_API pk_status pk_key_generate(pk_key **out);
/* A private key from PKCS#8 PEM (unencrypted), or a public key from SPKI
 * PEM or base64 of the raw 32 bytes. PK_E_FORMAT when it is not Ed25519. */
PK_API pk_status pk_key_parse(const char *buf, size_t len, int want_private, pk_key **out,
                              char *err, size_t errlen);
PK_API pk_status pk_key_load(const char *path, int want_private, pk_key **out, char *err,
                             size_t errlen);
/* Writes the private key (PKCS#8 PEM, created O_EXCL with mode 0600) and the
 * public key (SPKI PEM, O_EXCL, 0644). PK_E_IO when either exists: nothing
 * is overwritten, and a half-written pair is removed. */
PK_API pk_status pk_key_write_pair(const pk_key *k, const char *priv_path, const char *pub_path,
                                   char *err, size_t errlen);
/* The key id: lowercase hex SHA-256 of the raw 32-byte public key (64 chars). */
PK_API const char *pk_key_id(const pk_key *k);
/* SPKI PEM of the public half (pki_malloc'd, NUL-terminated). */
PK_API pk_status pk_key_public_pem(const pk_key *k, char **pem);
PK_API int pk_key_is_private(const pk_key *k);
PK_API void pk_key_free(pk_key *k);

/* ---- DSSE ---------------------------------------------------------------- */

/* The envelope JSON {payload, payloadType, signatures:[{keyid, sig}]} over
 * PAE(type, body), signed by k (private). */
PK_API pk_status pk_dsse_sign(const pk_key *k, const char *payload_type, const void *body,
                              size_t len, char **envelope, size_t *envlen);
/* Strict parse (size <= max, duplicate keys refused, strict base64, 1..16
 * signatures) and verification of one envelope against key k. payload_type
 * must match exactly. On PK_OK *body and *bodylen (pki_malloc'd) hold the
 * verified payload. PK_E_FORMAT: malformed (err says how); PK_E_USAGE: no
 * signature verifies with k. */
PK_API pk_status pk_dsse_open(const char *buf, size_t len, size_t max, const char *payload_type,
                              const pk_key *k, char **body, size_t *bodylen, char *err,
                              size_t errlen);
PK_API void pk_cert_buf_free(void *p);

/* SHA-256 of a file, read in 64 KiB blocks (bounded memory). */
PK_API pk_status pk_sha256_file(const char *path, uint8_t out[32], char *err, size_t errlen);
/* 64 lowercase hex digits into 32 bytes; -1 when not exactly that. */
PK_API int pk_sha256_from_hex(const char *hex, uint8_t out[32]);

/* ---- issuing ------------------------------------------------------------- */

typedef struct pk_cert_request {
    const char *product, *vendor, *version; /* required */
    const char *purl, *cpe;                 /* NULLABLE */
    const char *lab;                        /* lab id, required */
    const char *sbom_path;                  /* required: its sha256 goes in */
    const char *issued;                     /* RFC 3339 UTC; NULL: now */
    const char *expires;     /* RFC 3339 UTC or YYYY-MM-DD (end of that day); NULL: valid_days */
    unsigned valid_days;     /* 1..3650 when expires is NULL */
    const char *policy_date; /* YYYY-MM-DD for pk_assess; NULL: issue day */
} pk_cert_request;

/* Runs the decision (pk_assess over the report text with profile and
 * waivers) and, when the verdict is APPROVE or APPROVE WITH CONDITIONS,
 * signs a certificate with the lab key into *envelope. *verdict (NULLABLE)
 * gets the verdict. REJECT: PK_E_USAGE with *verdict = PK_VERDICT_REJECT and
 * err naming the failed requirements. PK_E_LIMIT when the report has more
 * than PK_CERT_MAX_SUBJECTS executables; PK_E_FORMAT for a report that is
 * not parakh's; PK_E_IO when the SBOM cannot be read. */
PK_API pk_status pk_certify(const pk_cert_request *rq, const pk_profile *p, const pk_waivers *w,
                            const char *report, size_t len, const pk_key *lab_key,
                            pk_verdict *verdict, char **envelope, size_t *envlen, char *err,
                            size_t errlen);

/* Root-signed records. from/until: RFC 3339 UTC or YYYY-MM-DD; NULL from:
 * now; NULL until: from + 730 days. country: ISO 3166-1 alpha-2. */
typedef struct pk_accreditation_request {
    const char *lab, *name, *country;
    const pk_key *lab_key; /* its public half goes in */
    const char *from, *until;
} pk_accreditation_request;
PK_API pk_status pk_accredit(const pk_accreditation_request *rq, const pk_key *root,
                             char **envelope, size_t *envlen, char *err, size_t errlen);
/* from: RFC 3339 UTC or YYYY-MM-DD (its start). */
PK_API pk_status pk_suspend(const char *lab, const char *from, const char *reason,
                            const pk_key *root, char **envelope, size_t *envlen, char *err,
                            size_t errlen);

/* ---- verifying ----------------------------------------------------------- */

/* What a verifier can say, in the order docs/certificate.md checks them.
 * Numbers are stable (the CLI exits 10 + state for every state but VALID). */
typedef enum pk_cert_state {
    PK_CERT_VALID = 0,
    PK_CERT_NOT_CERTIFIED = 1,  /* the digest is not among the subjects */
    PK_CERT_EXPIRED = 2,        /* the date is after expiry (or before issue) */
    PK_CERT_LAB_SUSPENDED = 3,  /* issued on/after the lab's suspension */
    PK_CERT_NOT_ACCREDITED = 4, /* no root-signed accreditation of the key at issue time */
    PK_CERT_BAD_SIGNATURE = 5,  /* no signature verifies with the lab's accredited key(s) */
    PK_CERT_MALFORMED = 6,      /* not a parakh certificate (or over a limit) */
    /* Set by the registry client from logged revocations and
     * re-certifications (registry_client.h); pk_cert_verify never returns them. */
    PK_CERT_REVOKED = 7,
    PK_CERT_SUPERSEDED = 8,
    /* Only from the registry client (registry_client.h): the log's answer
     * failed a check (checkpoint signature, a proof, a fork, a leaf), so
     * nothing it said is believed. */
    PK_CERT_LOG_INCONSISTENT = 9,
} pk_cert_state;

/* "VALID", "NOT CERTIFIED", "EXPIRED", "LAB SUSPENDED", "NOT ACCREDITED",
 * "BAD SIGNATURE", "MALFORMED", "REVOKED", "SUPERSEDED", "LOG INCONSISTENT". */
PK_API const char *pk_cert_state_str(pk_cert_state s);

/* The trust store: the root public key plus root-signed records. A server
 * fills one at start and on each accredit/suspend; a mirror directory is
 * fed record by record. */
typedef struct pk_trust pk_trust;
PK_API pk_status pk_trust_new(const pk_key *root, pk_trust **out);
/* Adds one accreditation or suspension envelope (told apart by its
 * payloadType). PK_E_FORMAT when malformed or not signed by the root (err
 * says which); PK_E_LIMIT past PK_CERT_MAX_TRUST records. */
PK_API pk_status pk_trust_add(pk_trust *t, const char *buf, size_t len, char *err, size_t errlen);
PK_API void pk_trust_free(pk_trust *t);

typedef struct pk_cert pk_cert; /* a parsed certificate, signatures not yet checked */
/* Strict parse of envelope, Statement and predicate. PK_E_FORMAT (err says
 * what) for anything malformed or over a limit. */
PK_API pk_status pk_cert_parse(const char *buf, size_t len, pk_cert **out, char *err,
                               size_t errlen);
PK_API void pk_cert_free(pk_cert *c);
/* The predicate's fields (docs/certificate.schema.json); NULL when absent. */
PK_API const char *pk_cert_field(const pk_cert *c, const char *name);
/* The certificate's content id: hex SHA-256 of the PAE (payloadType and
 * payload; independent of the signatures). 64 chars. */
PK_API const char *pk_cert_digest(const pk_cert *c);
PK_API size_t pk_cert_conditions(const pk_cert *c);
PK_API const char *pk_cert_condition(const pk_cert *c, size_t i); /* "REQ: text" */
PK_API size_t pk_cert_subjects(const pk_cert *c);
PK_API const char *pk_cert_subject(const pk_cert *c, size_t i, const char **sha256_hex);

typedef struct pk_cert_result {
    pk_cert_state state;
    char reason[512];    /* one sentence; for VALID what was approved */
    char since[32];      /* LAB_SUSPENDED: suspended from; EXPIRED: the expiry */
    const char *subject; /* the matching subject's name (VALID), into the pk_cert */
} pk_cert_result;

/* Verifies c for a file with this SHA-256 (NULL: the certificate alone, as
 * the registry checks a submission) as of date (RFC 3339 or YYYY-MM-DD;
 * NULL: now). Never fails: every outcome is a state with its reason.
 * Checks in order: accreditation of the lab exists, signature, accreditation
 * at issue time, suspension, digest among the subjects, validity period. */
PK_API pk_cert_state pk_cert_verify(const pk_cert *c, const pk_trust *t, const uint8_t *sha256,
                                    const char *date, pk_cert_result *r);
/* The same, judging the suspension (step 4) by when the registry's log first
 * saw the certificate: logged (NULLABLE, RFC 3339) is the leaf's time; a
 * certificate logged on or after its lab's suspension is LAB SUSPENDED even
 * when its (lab-claimed) issue time is earlier. NULL: pk_cert_verify. */
PK_API pk_cert_state pk_cert_verify_logged(const pk_cert *c, const pk_trust *t,
                                           const uint8_t *sha256, const char *date,
                                           const char *PK_NULLABLE logged, pk_cert_result *r);
/* The same from the envelope's text: MALFORMED with the parser's reason. */
PK_API pk_cert_state pk_cert_verify_buf(const char *buf, size_t len, const pk_trust *t,
                                        const uint8_t *sha256, const char *date, pk_cert_result *r);

#endif
