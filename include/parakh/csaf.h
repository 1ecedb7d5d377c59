/* parakh: CSAF 2.0 advisories (docs/csaf.md): the hostile-input reader, the
 * JSON Schema and §6.1 mandatory checks (docs/csaf-checks.md), the YAML
 * draft writer (docs/csaf-draft.md) and the matcher that says which
 * certified products an advisory touches.
 *
 * Ownership: inputs are borrowed for the call. Every result written through
 * an out parameter is owned by the caller and freed with its _free function.
 * Errors: err (NULLABLE, errlen bytes) gets one line saying what and where. */
#ifndef PARAKH_CSAF_H
#define PARAKH_CSAF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "status.h"
#include "types.h"

/* Bounds on a document parakh reads (a publish, a pull, an import). */
#define PK_CSAF_MAX_BYTES (16u << 20) /* Red Hat's largest real ones are ~2 MiB */
#define PK_CSAF_MAX_DEPTH 48u         /* nesting of arrays and objects */

/* ---- checking ---- */

/* One failed check. test is "schema" or a CSAF §6.1 test number ("6.1.1",
 * "6.1.27.3"); path a JSON pointer into the document ("/product_tree/..."),
 * "" for the whole document. */
typedef struct pk_csaf_issue {
    const char *test;
    const char *path;
    const char *message;
} pk_csaf_issue;

typedef struct pk_csaf_result pk_csaf_result;

/* The schemas directory (docs/csaf.md "Schemas at run time"): dir if not
 * NULL, else $PARAKH_SCHEMAS, else the build-time PK_SCHEMA_DIR. */
PK_API const char *pk_csaf_schema_dir(const char *PK_NULLABLE dir);

/* Reads doc[0..len) with the hostile-input reader (size, depth, duplicate
 * keys, UTF-8), validates it against the CSAF 2.0 schema (with the FIRST
 * CVSS schemas it references) and runs every implemented mandatory test.
 * PK_OK with *out set when the checks ran, whatever they found (an invalid
 * document is an answer: pk_csaf_result_valid() is false). PK_E_FORMAT when
 * the bytes are not a JSON document within the bounds (err says why and at
 * which byte); PK_E_IO when a schema cannot be read (err names it). */
PK_API pk_status pk_csaf_check(const uint8_t *doc, size_t len, const char *PK_NULLABLE schema_dir,
                               pk_csaf_result **out, char *err, size_t errlen);
PK_API bool pk_csaf_result_valid(const pk_csaf_result *r);
PK_API size_t pk_csaf_result_count(const pk_csaf_result *r);
PK_API const pk_csaf_issue *pk_csaf_result_at(const pk_csaf_result *r, size_t i);
PK_API void pk_csaf_result_free(pk_csaf_result *PK_NULLABLE r);

/* The mandatory tests implemented, in order ("6.1.1", ..., "6.1.33"); static
 * storage. docs/csaf-checks.md lists the same set (a test checks it). */
PK_API const char *const *pk_csaf_mandatory_tests(size_t *PK_OUT n);

/* What a publisher, a mirror and the matcher need from a document, read
 * once. Every string is owned by the struct (freed with pk_csaf_meta_free). */
typedef struct pk_csaf_meta {
    char *tracking_id;          /* document.tracking.id */
    char *version;              /* document.tracking.version */
    char *status;               /* "final", "interim", "draft" */
    char *initial_release_date; /* RFC 3339 as written */
    char *current_release_date;
    char *tlp;        /* "WHITE", "GREEN", "AMBER", "RED"; "WHITE" when absent */
    char *title;      /* document.title */
    char *publisher;  /* document.publisher.name */
    char *namespace_; /* document.publisher.namespace */
    char *category;   /* document.category */
    char *file_name;  /* CSAF §5.1 file name of tracking_id, with ".json" */
    char **revisions; /* revision_history[].number, in document order */
    char **rev_dates; /* revision_history[].date */
    char **rev_summaries;
    size_t nrevisions;
    char **cves; /* vulnerabilities[].cve, in document order */
    size_t ncves;
} pk_csaf_meta;

/* Reads the members above from a document that pk_csaf_check() found valid
 * (or any document: PK_E_FORMAT when one is missing or of the wrong type). */
PK_API pk_status pk_csaf_meta_read(const uint8_t *doc, size_t len, pk_csaf_meta *PK_OUT out,
                                   char *err, size_t errlen);
PK_API void pk_csaf_meta_free(pk_csaf_meta *PK_NULLABLE m);
/* CSAF §5.1 file name of a tracking id into buf (with ".json"); PK_E_USAGE
 * when buf is too small or id empty. */
PK_API pk_status pk_csaf_file_name(const char *id, char *buf, size_t cap);
/* Compares two tracking.version values as CSAF orders them (integer
 * versioning, or semantic versioning 2.0.0 precedence): <0, 0, >0; *ok is
 * false when either is neither or the two mix schemes. */
PK_API int pk_csaf_version_cmp(const char *a, const char *b, bool *PK_OUT ok);

/* ---- writing (docs/csaf-draft.md) ---- */

typedef struct pk_csaf_draft_opts {
    /* NULLABLE: the published document this one revises; the new document
     * keeps its tracking id, initial date and revision history and adds one
     * revision (docs/csaf-draft.md "Revising"). */
    const uint8_t *previous;
    size_t previous_len;
    /* NULLABLE: "now" as RFC 3339 UTC (tests pass a fixed one for
     * byte-identical output); NULL means the clock. */
    const char *now;
} pk_csaf_draft_opts;

/* A YAML draft to a CSAF 2.0 document (profile from the draft: "csaf_
 * security_advisory" or "csaf_vex"). *out (malloc'ed, NUL-terminated,
 * caller frees with pk_csaf_free) is the JSON text, 2-space indented, keys
 * in the draft's order, ending with a newline. PK_E_FORMAT for a draft that
 * is not YAML or misses a field (err names the line and the field). The
 * caller is expected to run pk_csaf_check() on the result. */
PK_API pk_status pk_csaf_draft(const uint8_t *yaml, size_t len, const pk_csaf_draft_opts *o,
                               char **PK_OUT out, size_t *PK_OUT outlen, char *err, size_t errlen);
PK_API void pk_csaf_free(void *PK_NULLABLE p);

/* ---- who is affected (docs/csaf.md "Matching") ---- */

/* A product to match: a certificate with its SBOM (NULLABLE: then its own
 * purl and version are the one component). All borrowed. */
typedef struct pk_csaf_target {
    const char *cert_id;
    const char *product, *vendor, *version, *lab;
    const char *PK_NULLABLE purl, *PK_NULLABLE cpe;
    const uint8_t *PK_NULLABLE sbom; /* CycloneDX JSON */
    size_t sbom_len;
} pk_csaf_target;

typedef struct pk_csaf_hit {
    size_t target;                              /* index into the targets given */
    char *comp_name, *comp_version, *comp_purl; /* comp_purl NULLABLE */
    char *cve;                                  /* the vulnerability id */
    char *method;                               /* "purl", "cpe" */
    char *matched;                              /* the range or criterion */
    char *fixed;                                /* NULLABLE */
} pk_csaf_hit;

typedef struct pk_csaf_hits {
    size_t count;
    pk_csaf_hit *items;
} pk_csaf_hits;

/* Matches one document against n targets with the vulnerability issue's
 * CSAF importer and comparators, in a private knowledge base under tmpdir
 * (NULLABLE: $TMPDIR or /tmp), removed before returning. PK_E_FORMAT when the
 * document cannot be imported or an SBOM cannot be read (err names the
 * target). Hits are sorted by (target, component, cve). */
PK_API pk_status pk_csaf_affected(const uint8_t *doc, size_t len, const pk_csaf_target *targets,
                                  size_t n, const char *PK_NULLABLE tmpdir,
                                  pk_csaf_hits *PK_OUT out, char *err, size_t errlen);
PK_API void pk_csaf_hits_free(pk_csaf_hits *PK_NULLABLE h);

#endif
