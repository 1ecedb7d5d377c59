/* lib/csafsync internals: the OpenPGP keyring the puller verifies with
 * (gpg.c), the strict readers of what a provider serves (changes.csv,
 * provider-metadata.json, aggregator.json: feeds.c), and the one pull engine
 * shared by the URL and the bundle front ends (pull.c, fetch_url.c,
 * fetch_dir.c).
 *
 * Ownership: every pki_csync_* list owns its strings; free with its _free
 * function (accepts NULL). A pki_csync_keyring owns its temporary GNUPGHOME
 * and removes it in pki_csync_keyring_close(). */
#ifndef PK_CSAFSYNC_INT_H
#define PK_CSAFSYNC_INT_H

#include <parakh/csaf_sync.h>

#include "core/core_int.h"

/* Formats one line into err (NULLABLE). */
void pki_csync_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- verifying (gpg.c) ---- */

/* A keyring imported into a private GNUPGHOME (mkdtemp under $TMPDIR, with
 * no-autostart so no gpg-agent or dirmngr is ever started for it). One
 * keyring may be used from one thread at a time. */
typedef struct pki_csync_keyring pki_csync_keyring;
pk_status pki_csync_keyring_open(const char *keys_path, pki_csync_keyring **out, char *err,
                                 size_t errlen);
/* Verifies a detached signature; fpr gets the primary key's fingerprint
 * (40 upper-case hex). PK_E_FORMAT with a precise reason otherwise. */
pk_status pki_csync_verify(pki_csync_keyring *k, const uint8_t *data, size_t len,
                           const uint8_t *sig, size_t siglen, char fpr[41], char *err,
                           size_t errlen);
void pki_csync_keyring_close(pki_csync_keyring *k);

/* ---- the readers (feeds.c); all bounded, none recursive ---- */

#define PKI_CSYNC_MAX_META    (1u << 20) /* provider-metadata.json, aggregator.json */
#define PKI_CSYNC_MAX_CHANGES (8u << 20) /* changes.csv */
#define PKI_CSYNC_MAX_LINES   200000u    /* changes.csv lines */
#define PKI_CSYNC_MAX_HASHF   1024u      /* a .sha256 / .sha512 file */
#define PKI_CSYNC_MAX_SIG     65536u     /* a .asc file */
#define PKI_CSYNC_MAX_URL     2048u

typedef struct pki_csync_change {
    char *path; /* as listed: the puller refuses the entry unless pki_csync_path_ok */
    char *date; /* RFC 3339 as written */
} pki_csync_change;

typedef struct pki_csync_changes {
    pki_csync_change *items;
    size_t count, cap;
} pki_csync_changes;

/* Strict RFC 4180 CSV of exactly two fields per record ("path","date"),
 * CRLF or LF line ends, quoted or not, no empty records except a final line
 * end, no NUL, each date RFC 3339. A path is only bounded here: one bad path
 * is one refused entry, a broken file is a provider answering garbage.
 * PK_E_FORMAT with the line number on the first bad record. */
pk_status pki_csync_changes_parse(const uint8_t *b, size_t n, pki_csync_changes *out, char *err,
                                  size_t errlen);
void pki_csync_changes_free(pki_csync_changes *c);

/* A path a provider may list: <tlp>/<year>/<file>.json with tlp one of
 * white/green/amber/red, year four digits, file of [+\-a-z0-9_] (CSAF §5.1)
 * ending in ".json"; nothing else (no "..", '/', '\\', absolute path). */
bool pki_csync_path_ok(const char *p, size_t n);
/* An RFC 3339 date-time ("2026-11-26T23:00:00Z", fractions, offsets). */
bool pki_csync_date_ok(const char *s, size_t n);

/* TLP levels as bits, in the order of docs/csaf.md. */
enum { PKI_TLP_WHITE = 1, PKI_TLP_GREEN = 2, PKI_TLP_AMBER = 4, PKI_TLP_RED = 8 };
/* "white", "green", "amber", "red" (any case; "clear" is white) to its bit,
 * 0 for anything else. */
unsigned pki_csync_tlp_bit(const char *s, size_t n);
/* The lower-case directory name of one bit. */
const char *pki_csync_tlp_name(unsigned bit);

typedef struct pki_csync_meta {
    char *canonical_url;
    char *publisher;  /* publisher.name */
    char *role;       /* "csaf_publisher", "csaf_provider", "csaf_trusted_provider" */
    unsigned tlps;    /* the TLP directories its distributions name (PKI_TLP_*) */
    char (*fprs)[41]; /* public_openpgp_keys[].fingerprint, upper case; may be 0 */
    size_t nfprs;
} pki_csync_meta;

/* provider-metadata.json: the members the puller uses, type-checked
 * (canonical_url, publisher.name, role, distributions[] whose directory_url
 * ends in a TLP directory or whose rolie.feeds[] carry a tlp_label,
 * public_openpgp_keys[].fingerprint of 40 hex). At least one TLP must be
 * named. Unknown members are ignored. PK_E_FORMAT naming the member. Where
 * the documents are is NOT taken from the URLs in it: a mirror serves the
 * original provider's metadata byte for byte, so the puller reads the TLP
 * directories beside the metadata it fetched (docs/csaf.md tree). */
pk_status pki_csync_meta_parse(const uint8_t *b, size_t n, pki_csync_meta *out, char *err,
                               size_t errlen);
void pki_csync_meta_free(pki_csync_meta *m);

typedef struct pki_csync_mirror {
    char *name; /* the provider's metadata.publisher.name */
    char *url;  /* a mirror's provider-metadata.json URL */
    char *dir;  /* its <folder> under /.well-known/csaf-aggregator/ */
} pki_csync_mirror;

typedef struct pki_csync_aggr {
    pki_csync_mirror *items;
    size_t count;
} pki_csync_aggr;

/* aggregator.json: csaf_providers[].mirrors[] (strings, http(s) URLs whose
 * path is /.well-known/csaf-aggregator/<folder>/provider-metadata.json, as
 * docs/csaf.md serves them; other mirrors are skipped) with that provider's
 * metadata.publisher.name. PK_E_FORMAT naming the member. The puller reads
 * <folder> beside the aggregator.json it fetched, never another host (the
 * upstream's token goes to the upstream only). */
pk_status pki_csync_aggr_parse(const uint8_t *b, size_t n, pki_csync_aggr *out, char *err,
                               size_t errlen);
void pki_csync_aggr_free(pki_csync_aggr *a);

/* The mirror folder for a publisher name (docs/csaf.md: as a §5.1 file
 * name, without ".json"); "provider" when nothing is left. */
void pki_csync_folder(const char *publisher, char *buf, size_t cap);

/* ---- fetching (fetch.c): one interface over a URL and a bundle ---- */

/* rel is always a root-relative path ("/.well-known/csaf/white/changes.csv")
 * made by the puller from checked pieces. */
typedef enum pki_csync_got {
    PKI_GOT_OK = 0,
    PKI_GOT_ABSENT = 1, /* HTTP 404 / no such file */
    PKI_GOT_DENIED = 2, /* HTTP 401 / 403: this token may not read it */
    PKI_GOT_FAIL = 3,   /* anything else: err says what */
} pki_csync_got;

typedef struct pki_csync_fetch pki_csync_fetch;
/* https://host[:port] (no path beyond '/', no query); the token file read
 * once, sent only in the Authorization header of requests to that origin;
 * redirects never followed. */
pk_status pki_csync_fetch_url(const char *base, const pk_csaf_sync_opts *o, pki_csync_fetch **out,
                              char *err, size_t errlen);
/* A directory: every component opened with O_NOFOLLOW below it. */
pk_status pki_csync_fetch_dir(const char *dir, pki_csync_fetch **out, char *err, size_t errlen);
/* Fetches rel, at most max bytes (more is PKI_GOT_FAIL, never buffered);
 * *buf (pki_free) is NUL-terminated past *len. */
pki_csync_got pki_csync_get(pki_csync_fetch *f, const char *rel, size_t max, uint8_t **buf,
                            size_t *len, char *err, size_t errlen);
/* rel as the user knows it (the URL or the path), into out. */
void pki_csync_where(const pki_csync_fetch *f, const char *rel, char *out, size_t cap);
void pki_csync_fetch_free(pki_csync_fetch *f);

/* ---- the engine (pull.c, provider.c) ---- */

typedef struct pki_csync_puller {
    const pk_csaf_sync_opts *o;
    const pk_csaf_sync_cb *cb;
    pk_csaf_sync_stats *st;
    pki_csync_fetch *f;
    pki_csync_keyring *kr; /* NULL when no keyring was given (unsigned_ok) */
    struct {
        char *name, *folder;
    } * folders; /* publisher name → mirror folder, unique within a pull */
    size_t nfolders, capfolders;
    char fatal_err[512];
} pki_csync_puller;

/* One document with what came beside it; all borrowed. */
typedef struct pki_csync_doc {
    const char *path;           /* as listed ("<tlp>/<year>/<file>.json"); NULL: vendor file */
    const char *file_name;      /* vendor file: its own name (for the hash files) */
    const char *folder;         /* NULL: from the document's publisher */
    const pki_csync_meta *meta; /* NULL: vendor file (no key list to match) */
    const char *provider_url;
    const uint8_t *provider_metadata;
    size_t provider_metadata_len;
    const uint8_t *body;
    size_t body_len;
    const char *sha256, *sha512; /* NULLABLE, NUL-terminated */
    size_t sha256_len, sha512_len;
    const uint8_t *sig; /* NULLABLE */
    size_t sig_len;
    bool need_hashes; /* a provider tree must carry both */
} pki_csync_doc;

pk_status pki_csync_puller_init(pki_csync_puller *p, const pk_csaf_sync_opts *o,
                                const pk_csaf_sync_cb *cb, pk_csaf_sync_stats *st, char *err,
                                size_t errlen);
void pki_csync_puller_clear(pki_csync_puller *p);
/* Judges and delivers one document (stats and on_refuse updated). Returns
 * non-PK_OK only for a failure that would refuse every document (the
 * schemas cannot be read; p->fatal_err says why). */
pk_status pki_csync_judge(pki_csync_puller *p, const pki_csync_doc *d, const char *what);
/* The folder for a publisher name, unique within this pull (a clash of two
 * different names gets -2, -3, as docs/csaf.md says). */
pk_status pki_csync_folder_for(pki_csync_puller *p, const char *publisher, char *out, size_t cap);
void pki_csync_refuse(pki_csync_puller *p, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
