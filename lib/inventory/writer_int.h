/* The SBOM writers (cyclonedx.c, cdx_evidence.c, spdx.c) and reader
 * (sbom_read.c): what they share. Writers read only the public pk_comp and
 * build a jansson tree in a fixed key order, dumped by sbom_write.c.
 *
 * Ownership: every json_t returned is a new reference owned by the caller;
 * strings written into caller buffers are NUL-terminated. */
#ifndef PK_INVENTORY_WRITER_INT_H
#define PK_INVENTORY_WRITER_INT_H

#include <jansson.h>

#include "inventory_int.h"

/* The status for "not an SBOM or malformed". The public header names
 * PK_E_FORMAT, which status.h does not have yet: PK_E_FEED ("an imported
 * feed is unreadable") is the closest existing value. */
#define PKI_SBOM_E_FORMAT PK_E_FORMAT

/* Deepest nesting of CycloneDX "components" (and of JSON) the reader follows. */
#define PKI_SBOM_MAX_DEPTH 64

typedef enum pki_sbom_fmt {
    PKI_FMT_NONE = 0,
    PKI_FMT_CDX16,
    PKI_FMT_CDX15,
    PKI_FMT_SPDX23,
} pki_sbom_fmt;

/* What a writer needs besides the inventory: the resolved options. */
typedef struct pki_wctx {
    const pk_inventory *inv;
    pki_sbom_fmt fmt;
    char timestamp[40]; /* ISO 8601 UTC */
    char uuid[40];      /* 8-4-4-4-12 lowercase hex */
    const char *tool_version;
    const struct pk_vulns *vulns; /* NULLABLE: pk_sbom_opts.vulns (CycloneDX only) */
} pki_wctx;

pki_sbom_fmt pki_sbom_fmt_parse(const char *format);

/* The documents; NULL on allocation failure. */
json_t *pki_cdx_doc(const pki_wctx *w);
json_t *pki_spdx_doc(const pki_wctx *w);
/* CycloneDX evidence of one component (cdx_evidence.c); NULL when it has none. */
json_t *pki_cdx_evidence(const pk_comp *c, pki_sbom_fmt fmt);
/* The CycloneDX vulnerabilities array of w->vulns (cdx_vulns.c); NULL on
 * allocation failure or when a match names no component of w->inv. */
json_t *pki_cdx_vulns(const pki_wctx *w);

/* A JSON string from bytes that may not be UTF-8 (bad bytes become U+FFFD). */
json_t *pki_wstr(const char *s);
/* Sets o[key] to the string s when s is non-empty; returns -1 on allocation failure. */
int pki_wset(json_t *o, const char *key, const char *s);
/* Appends to an array, stealing v; -1 when v is NULL or on failure. */
int pki_wappend(json_t *a, json_t *v);
/* Sets o[key] to arr (stolen) when it has elements, else drops it; -1 when arr
 * is NULL or on failure. */
int pki_wset_nonempty(json_t *o, const char *key, json_t *arr);
/* 1 if s is exactly n hex digits (a hash the schemas accept). */
int pki_is_hex(const char *s, size_t n);

/* License mapping (license.c, rules/licenses.tsv). Writes the SPDX id of a
 * declared license string ("GPLv2+" -> "GPL-2.0-or-later") to out; 0 when the
 * string is not known or out is too small. */
int pki_license_id(const char *declared, size_t len, char *out, size_t cap);
/* A valid SPDX expression for `declared` built from known ids and AND/OR/WITH
 * (ids mapped as above), written to out; 0 when declared is not one. */
int pki_license_expr(const char *declared, char *out, size_t cap);
/* Keeps only [A-Za-z0-9.-] of s (others become '-'), at most cap-1 bytes; "" -> "x". */
void pki_sanitize_id(const char *s, char *out, size_t cap);

/* Reads an SBOM from memory (the fuzz target's entry point); `name` is the
 * evidence vpath and the file name in messages. */
pk_status pki_sbom_read_buf(const char *buf, size_t len, const char *name, pk_inventory **out,
                            char *err, size_t errcap);

#endif
