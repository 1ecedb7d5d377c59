/* cbom: the model behind include/parakh/cbom.h.
 *
 * An asset is one cryptographic thing, deduplicated over the whole scan by its
 * bom-ref: an algorithm (by its normalized name), a protocol version, a
 * certificate (by fingerprint), a key (by file and offset), a crypto library
 * (by component). Each keeps up to PKI_CBOM_OCC_MAX occurrences (where it was
 * seen, how, with what confidence) and counts the rest.
 *
 * Ownership: every string lives in the CBOM's arena; assets and findings are
 * arrays owned by the pk_cbom. */
#ifndef PK_CBOM_INT_H
#define PK_CBOM_INT_H

#include <parakh/cbom.h>

#include "../core/core_int.h"
#include "../core/smap.h"
#include "../cryptopol/policy_int.h"
#include "../walk/scan_int.h"

#define PKI_CBOM_OCC_MAX    64u     /* occurrences kept per asset */
#define PKI_CBOM_MAX_ASSETS 200000u /* a hostile tree of a million certificates stops here */
#define PKI_CBOM_MAX_FIND   100000u
#define PKI_CBOM_SUITES_MAX 256u /* cipher-suite names kept per protocol asset */

typedef enum pki_cakind {
    PKI_CA_ALG = 0,
    PKI_CA_PROTO,
    PKI_CA_CERT,
    PKI_CA_KEY,
    PKI_CA_LIB,
} pki_cakind;

/* How an occurrence was found. */
typedef enum pki_cahow {
    PKI_HOW_CONSTANT = 0, /* an algorithm constant (PK-CRY-0001) */
    PKI_HOW_NAME,         /* a name in a string */
    PKI_HOW_NAME_TABLE,   /* a name in a provider's table: offered, maybe not used */
    PKI_HOW_API_IMPORT,   /* an imported API function */
    PKI_HOW_API_EXPORT,   /* an exported API function: the file implements it */
    PKI_HOW_API_NAME,     /* an API name in a string */
    PKI_HOW_KEY,          /* key material (keys analyzer) */
    PKI_HOW_CERT,         /* a certificate (keys analyzer) */
    PKI_HOW_COMPONENT,    /* an inventory component (package, banner, manifest) */
    PKI_HOW_LINKED,       /* a dynamic dependency (DT_NEEDED, PE import) */
} pki_cahow;

typedef struct pki_caocc {
    const char *vpath;
    uint64_t offset, length; /* offset PK_LOC_NONE when not a byte range */
    pki_cahow how;
    const char *what; /* the rule, name or function that matched */
    uint8_t confidence;
    uint8_t sha256[32];
    int has_sha256;
} pki_caocc;

typedef struct pki_casset {
    pki_cakind kind;
    const char *ref;  /* bom-ref, unique */
    const char *name; /* what a reader sees: "AES-128-ECB", "TLS 1.0", a subject */
    /* judgement input */
    const char *policy_name; /* NULL: not judged */
    const char *usage;       /* NULL: unknown */
    int bits;                /* -1: unknown or implied by the name */
    pki_cryptopol_verdict v;
    int judged;
    /* CycloneDX algorithmProperties */
    const char *primitive, *mode, *curve, *padding, *family;
    int classical, quantum; /* security levels; -1 unknown */
    /* certificates */
    const char *subject, *issuer, *not_before, *not_after, *sig_alg, *fingerprint;
    const char *sig_ref, *key_ref; /* refs of the signature algorithm and the key's algorithm */
    int self_signed, ca;
    /* keys */
    const char *material; /* "private-key", "public-key" */
    const char *alg_ref, *format;
    int size, encrypted; /* encrypted: 1 yes, 0 no, -1 unknown */
    /* protocols */
    const char *proto_type, *version;
    const char **suites;
    size_t nsuites, capsuites;
    /* libraries */
    const char *comp_ref, *lib, *lib_version, *purl;
    int linked;            /* a dynamic dependency on the platform's library, not shipped */
    const char *fips_note; /* how FIPS validation works for this library (libraries.tsv) */
    const char *cmvp_vendor, *cmvp_module;
    char cert[16], cert_status[24], cert_standard[16], cert_sunset[11], cert_module[256];
    int cert_level;
    int validated; /* 1: this version is a validated one, 0: it is not, -1: unknown */
    const char **provides;
    size_t nprovides, capprovides;
    /* where */
    pki_caocc *occ;
    size_t nocc, capocc, total;
} pki_casset;

struct pk_cbom {
    pki_arena *arena;
    const pki_cryptopol *pol;
    char date[11];
    pki_casset **a; /* each in the arena: pointers stay valid as assets are added */
    size_t na, capa, dropped;
    int oom; /* the last pki_cbom_asset() failed for want of memory (not the cap) */
    pki_smap byref;
    pk_finding *f;
    size_t nf, capf;
    /* the scan's findings, to leave alone what an analyzer already reported */
    const pk_finding *sf;
    size_t nsf;
};

/* collect.c: assets from the scan's facts (crypto, keys, elf, pe). */
pk_status pki_cbom_collect_files(pk_cbom *c, const pk_scan *s);
/* libs.c: crypto libraries from the inventory and FIPS certificates. */
pk_status pki_cbom_collect_libs(pk_cbom *c, const pk_scan *s, const struct pk_inventory *inv,
                                struct pk_vulndb *db);
/* Reads a rules/ table into arena copies: lines of minc..maxc tab-separated
 * columns ("-" and missing columns are NULL); comments and blank lines
 * skipped. The files are ours, checked by the unit test: a malformed line is
 * PK_E_FORMAT (a broken build). */
#define PKI_CBOM_COLS  6
#define PKI_CBOM_RULES 512
pk_status pki_cbom_load(pk_cbom *c, const char *path, size_t minc, size_t maxc,
                        char *(*rows)[PKI_CBOM_COLS], size_t *nrows);
/* judge.c: verdicts and findings. */
pk_status pki_cbom_judge(pk_cbom *c);

/* The asset with this ref, made (zeroed but for kind/ref/name, levels -1)
 * when absent; NULL on allocation failure (c->oom set) or past
 * PKI_CBOM_MAX_ASSETS (counted in dropped; c->oom clear). The pointer stays
 * valid until pk_cbom_free. */
pki_casset *pki_cbom_asset(pk_cbom *c, pki_cakind kind, const char *ref, const char *name);
pki_casset *pki_cbom_find(const pk_cbom *c, const char *ref);
/* Adds an occurrence (kept up to PKI_CBOM_OCC_MAX, always counted). */
pk_status pki_cbom_occ(pk_cbom *c, pki_casset *a, const pki_filerec *fr, uint64_t off, uint64_t len,
                       pki_cahow how, const char *what, uint8_t conf);
pk_status pki_cbom_strlist_add(pk_cbom *c, const char ***list, size_t *n, size_t *cap,
                               const char *s, size_t max);
const char *pki_cbom_how_name(pki_cahow h);
/* The scan's finding of one of these rules (NULL-terminated list) in this
 * file at this offset, or NULL: what an analyzer already reported. */
const pk_finding *pki_cbom_scan_finding(const pk_cbom *c, const char *vpath, uint64_t off,
                                        const char *const *rules);
/* The algorithm asset of this name (and usage, NULLABLE), made when absent. */
pki_casset *pki_cbom_alg(pk_cbom *c, const char *name, const char *usage);

/* The CycloneDX writer, and the native report's "crypto" section (a new
 * reference, NULL on allocation failure; docs/report.schema.json). */
pk_status pki_cbom_cdx(const pk_cbom *c, int reproducible, FILE *out);
json_t *pki_cbom_json(const pk_cbom *c);

#endif
