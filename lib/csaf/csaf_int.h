/* Internal to lib/csaf: the pieces pk_csaf_check() joins. reader.c and
 * jschema.c (the schema validator), mandatory*.c (§6.1), check.c (the
 * public entry), draft*.c (YAML), affected.c (matching), meta.c. */
#ifndef PK_CSAF_INT_H
#define PK_CSAF_INT_H
#include <jansson.h>
#include <stdarg.h>

#include "../core/core_int.h"
#include "parakh/csaf.h"

/* Issues found so far; strings owned by the list. */
typedef struct pki_csaf_issues {
    pk_csaf_issue *items;
    size_t count, cap;
    int nomem; /* set once an allocation failed: the caller returns PK_E_NOMEM */
} pki_csaf_issues;

/* Appends one issue (message printf-style, cut at 512 bytes). Never fails
 * loudly: an allocation failure sets r->nomem. */
void pki_csaf_add(pki_csaf_issues *r, const char *test, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pki_csaf_issues_clear(pki_csaf_issues *r);

/* The hostile-input reader: PK_CSAF_MAX_BYTES, PK_CSAF_MAX_DEPTH (checked
 * by a scan before jansson sees the bytes), UTF-8, duplicate keys refused
 * (JSON_REJECT_DUPLICATES), a top-level object. *out owned by the caller
 * (json_decref). PK_E_FORMAT with err naming the byte offset. */
pk_status pki_csaf_load(const uint8_t *doc, size_t len, json_t **out, char *err, size_t errlen);

/* A loaded set of JSON Schemas (CSAF 2.0 + the FIRST CVSS ones), read once
 * and shared read-only between threads. */
typedef struct pki_jschema pki_jschema;
pk_status pki_jschema_load(const char *dir, pki_jschema **out, char *err, size_t errlen);
void pki_jschema_free(pki_jschema *s);
/* Which schema to validate against. */
typedef enum pki_jschema_which {
    PKI_JS_CSAF = 0,
    PKI_JS_CVSS20 = 1,
    PKI_JS_CVSS30 = 2,
    PKI_JS_CVSS31 = 3,
} pki_jschema_which;
/* Validates inst; every violation is one issue with test `test` and a JSON
 * pointer based at `base` ("" for the document root). Returns the number of
 * violations added. */
size_t pki_jschema_validate(const pki_jschema *s, pki_jschema_which which, json_t *inst,
                            const char *base, pki_csaf_issues *r, const char *test);

/* Runs every mandatory test (§6.1) on a document; issues appended to r. s
 * for 6.1.8 (CVSS objects against the FIRST schemas). */
void pki_csaf_mandatory(json_t *doc, const pki_jschema *s, pki_csaf_issues *r);

#endif
