/* endpoints: internal interfaces between the glue (endpoints.c), the text
 * scanner (ep_scan.c) and the classifier (ep_class.c).
 *
 * Ownership: a pki_ep_rules is built once at init and read-only during the
 * scan (shared by worker threads); it owns its rule strings and the libpsl
 * context. Candidates point into the text being scanned and live only during
 * the scanner's callback. */
#ifndef PK_ANALYZERS_ENDPOINTS_INT_H
#define PK_ANALYZERS_ENDPOINTS_INT_H

#include <stddef.h>
#include <stdint.h>

#define PKI_EP_VALUE_MAX 512u /* bytes of a value kept, as the contract says */
#define PKI_EP_HOST_MAX  253u

typedef enum pki_ep_kind {
    PKI_EP_URL = 0,
    PKI_EP_HOST,
    PKI_EP_EMAIL,
    PKI_EP_IPV4,
    PKI_EP_IPV6,
} pki_ep_kind;

/* Classes, as bits; names in pki_ep_class_name. */
enum {
    PKI_EPC_TELEMETRY = 1u << 0,
    PKI_EPC_UPDATE = 1u << 1,
    PKI_EPC_CLOUD = 1u << 2,
    PKI_EPC_PASTE = 1u << 3,
    PKI_EPC_DDNS = 1u << 4,
    PKI_EPC_FEED = 1u << 5,
    PKI_EPC_RAWIP = 1u << 6,
    PKI_EPC_PLAIN = 1u << 7,
    PKI_EPC_DOC = 1u << 8,
    PKI_EPC_SDK = 1u << 9,
    PKI_EPC_LOCAL = 1u << 10,   /* loopback, link-local, localhost */
    PKI_EPC_PRIVATE = 1u << 11, /* RFC 1918, RFC 6598, fc00::/7 */
};
#define PKI_EPC_COUNT 12u
const char *pki_ep_class_name(unsigned bit_index);
/* The class bit for a name from a rule file, or 0. */
uint32_t pki_ep_class_bit(const char *name, size_t n);

/* One candidate found by the scanner. Offsets are character indexes into the
 * scanned text. `host` is lower-case and NUL-terminated (canonical text for IP
 * literals); scheme is lower-case, "" when not a URL; port -1 when absent. */
typedef struct pki_ep_cand {
    pki_ep_kind kind;
    size_t start, len; /* the value in the text */
    char host[PKI_EP_HOST_MAX + 1];
    char scheme[12];
    int32_t port;
    size_t path; /* index in the value where the path begins (== len when none) */
} pki_ep_cand;

typedef struct pki_ep_rules pki_ep_rules;

/* Called for each candidate; `ctx` is the caller's. */
typedef void (*pki_ep_cb)(void *ctx, const char *text, const pki_ep_cand *c);

/* Finds URLs, e-mail addresses, host names and IP literals in text[0..n)
 * (printable ASCII, as the strings analyzer gives it); host names are kept
 * only when pki_ep_host_valid accepts them. Bounded: every index is checked
 * against n. */
void pki_ep_scan(const pki_ep_rules *r, const char *text, size_t n, pki_ep_cb cb, void *ctx);

/* ---- classifier (ep_class.c) ---- */

/* Loads the rules/endpoints/ .tsv files and the public-suffix list; NULL with a
 * message in err on failure. */
pki_ep_rules *pki_ep_rules_load(char *err, size_t errlen);
void pki_ep_rules_free(pki_ep_rules *r);

/* Host name checks, by the public-suffix list (ICANN and private sections,
 * no implicit "*" rule): 1 when the last label is a known top-level domain
 * and the host is longer than its public suffix. `bare`: a host seen without
 * a scheme or '@', which must also pass the noise rules (docs/analyzers/endpoints.md). */
int pki_ep_host_valid(const pki_ep_rules *r, const char *host, int bare);

/* The registrable domain (ICANN section) of host into out, "" when none. */
void pki_ep_domain(const pki_ep_rules *r, const char *host, char *out, size_t outlen);

/* ISO 3166-1 alpha-2 country of a top-level domain (lower-case, ASCII or
 * xn--) into cc; 0 when it is not a country-code TLD. */
int pki_ep_cctld_country(const char *tld, char cc[3]);

/* What a classified value is. */
typedef struct pki_ep_class {
    uint32_t classes;
    char reason[256]; /* "; "-joined reasons of the classes, truncated */
} pki_ep_class;

/* Classifies a candidate. `ctx`/`ctxlen`: text before the value in the same
 * string and the string before it (for update-framework keys such as
 * SUFeedURL), may be NULL. `value` is the candidate's text. */
void pki_ep_classify(const pki_ep_rules *r, const pki_ep_cand *c, const char *value,
                     const char *ctx, size_t ctxlen, pki_ep_class *out);

/* ---- tracker SDK signatures (ep_sdk.c) ---- */

/* One SDK code signature from the knowledge base (Exodus, via
 * pk_trackers_sdk_each): a Java package prefix, dotted. */
typedef struct pki_ep_sdk {
    char *name, *signature, *categories, *source;
} pki_ep_sdk;

typedef struct pki_ep_sdks {
    pki_ep_sdk *s;
    size_t n, cap;
} pki_ep_sdks;

/* Reads the signatures of the knowledge base at `path` (read-only); NULL with
 * a message in err when it cannot be opened or read. Signatures shorter than
 * 8 bytes or with fewer than two dots are skipped (too common to mean the SDK). */
pki_ep_sdks *pki_ep_sdks_load(const char *path, char *err, size_t errlen);
void pki_ep_sdks_free(pki_ep_sdks *s);

#endif
