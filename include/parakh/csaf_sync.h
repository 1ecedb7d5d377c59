/* parakh: pulling CSAF documents from an upstream provider or a bundle
 * (docs/csaf.md "Passing it on"). The puller knows nothing of storage: the
 * caller answers "which version do you hold?" and receives each document
 * that passed every check. parakhd's --upstream thread and `parakhd import`
 * use it; so does `parakh advisory bundle` (writing a tree instead).
 *
 * Checks per document, in order: size (PK_CSAF_MAX_BYTES), .sha256 and
 * .sha512 against the bytes, the detached OpenPGP signature (.asc) against
 * the keyring given (GPGME, a private GNUPGHOME the puller creates and
 * removes; the signing key's fingerprint must be in the keyring AND listed
 * by the provider's metadata), pk_csaf_check() (schema + mandatory tests),
 * then "newer than held" (pk_csaf_version_cmp). A refusal is reported
 * through on_refuse and does not stop the rest; nothing is delivered for a
 * refused document.
 *
 * Ownership: everything passed to a callback is borrowed for the call. */
#ifndef PARAKH_CSAF_SYNC_H
#define PARAKH_CSAF_SYNC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "csaf.h"
#include "status.h"
#include "types.h"

/* One document that passed every check, with everything a mirror serves. */
typedef struct pk_csaf_pulled {
    const char *folder;       /* the mirror folder (from the publisher name, docs/csaf.md) */
    const char *provider_url; /* the provider-metadata.json URL (or bundle path) it came from */
    const uint8_t *provider_metadata; /* that file's bytes, to serve beside the mirror */
    size_t provider_metadata_len;
    const char *path;    /* "<tlp>/<year>/<file>.json" as the upstream lists it */
    const uint8_t *body; /* the document, byte for byte */
    size_t body_len;
    const char *sha256_file, *sha512_file; /* the upstream's .sha256/.sha512 text, byte for byte */
    const uint8_t *signature; /* the .asc bytes; NULL when unsigned (vendor import only) */
    size_t signature_len;
    const char *signer; /* the verified key's fingerprint, or "none" */
    const pk_csaf_meta *meta;
} pk_csaf_pulled;

typedef struct pk_csaf_sync_cb {
    void *ctx;
    /* The tracking version held for (folder, tracking id), written into
     * buf; false when none is held. */
    bool (*held)(void *ctx, const char *folder, const char *tracking_id, char *buf, size_t cap);
    /* A checked document: store it. Non-PK_OK counts as a refusal (reason
     * in err) and the pull goes on. */
    pk_status (*accept)(void *ctx, const pk_csaf_pulled *d, char *err, size_t errlen);
    /* A refused document (or a whole provider that could not be read):
     * what (a URL or path) and why, one line. NULLABLE. */
    void (*on_refuse)(void *ctx, const char *what, const char *why);
    /* NULLABLE (added by the csaf-sync helper): true when the document at
     * path ("<tlp>/<year>/<file>.json") in folder is held with this
     * current_release_date, i.e. the changes.csv line was taken before; the
     * puller then skips it (counted as unchanged) without fetching it, so a
     * periodic pull costs one changes.csv per TLP when nothing changed. */
    bool (*seen)(void *ctx, const char *folder, const char *path, const char *date);
} pk_csaf_sync_cb;

typedef struct pk_csaf_sync_opts {
    const char *keys_path; /* ASCII-armoured OpenPGP keyring; required unless unsigned_ok */
    const char *PK_NULLABLE token_path; /* bearer token file for the upstream */
    const char *PK_NULLABLE cacert;     /* PEM bundle for the upstream's TLS */
    const char *PK_NULLABLE schema_dir; /* pk_csaf_schema_dir() */
    bool unsigned_ok;                   /* vendor import: accept a document without .asc */
    bool follow_aggregator; /* also pull what the upstream mirrors (false when zeroed: set it) */
    uint32_t timeout_s;     /* per request; 0 means 30 */
} pk_csaf_sync_opts;

typedef struct pk_csaf_sync_stats {
    uint64_t listed, accepted, refused, unchanged;
} pk_csaf_sync_stats;

/* Pulls from url (https://host[:port], the provider's base: the puller reads
 * /.well-known/csaf/provider-metadata.json and, when asked, the
 * /.well-known/csaf-aggregator/aggregator.json mirrors). PK_E_IO when the
 * provider metadata itself cannot be fetched or parsed (nothing delivered);
 * PK_OK otherwise, with per-document refusals in the stats and callbacks. */
PK_API pk_status pk_csaf_pull_url(const char *url, const pk_csaf_sync_opts *o,
                                  const pk_csaf_sync_cb *cb, pk_csaf_sync_stats *PK_OUT st,
                                  char *err, size_t errlen);
/* The same from a bundle directory (the provider tree of docs/csaf.md), or
 * one document file (a vendor's; its .asc/.sha256/.sha512 beside it when
 * present). Files are opened with O_NOFOLLOW below dir, by exact names. */
PK_API pk_status pk_csaf_pull_dir(const char *path, const pk_csaf_sync_opts *o,
                                  const pk_csaf_sync_cb *cb, pk_csaf_sync_stats *PK_OUT st,
                                  char *err, size_t errlen);

/* ---- signing (the provider side) ---- */
typedef struct pk_csaf_signer pk_csaf_signer;
/* A signer using the secret key fpr in GnuPG home dir gnupghome (a key
 * without a passphrase, as a server needs). */
PK_API pk_status pk_csaf_signer_open(const char *gnupghome, const char *fpr,
                                     pk_csaf_signer **PK_OUT out, char *err, size_t errlen);
/* Detached ASCII-armoured signature of data; *sig malloc'ed (pk_csaf_free). */
PK_API pk_status pk_csaf_sign(pk_csaf_signer *s, const uint8_t *data, size_t len,
                              uint8_t **PK_OUT sig, size_t *PK_OUT siglen, char *err,
                              size_t errlen);
/* The public key, ASCII-armoured (pk_csaf_free). */
PK_API pk_status pk_csaf_signer_pubkey(pk_csaf_signer *s, uint8_t **PK_OUT key,
                                       size_t *PK_OUT keylen, char *err, size_t errlen);
PK_API const char *pk_csaf_signer_fpr(const pk_csaf_signer *s);
PK_API void pk_csaf_signer_close(pk_csaf_signer *PK_NULLABLE s);
/* Verifies a detached signature over data against the keyring file; on
 * success fpr (41 bytes) gets the signing key's fingerprint. PK_E_FORMAT
 * for a bad or unknown-key signature (err says which). */
PK_API pk_status pk_csaf_verify_sig(const char *keys_path, const uint8_t *data, size_t len,
                                    const uint8_t *sig, size_t siglen, char fpr[41], char *err,
                                    size_t errlen);

#endif
