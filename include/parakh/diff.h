/* parakh: what an update changed. Two native JSON reports
 * (docs/report.schema.json) are compared: components added, removed,
 * upgraded and downgraded (each ecosystem's version order), known
 * vulnerabilities fixed and introduced, files added, removed and changed,
 * hardening lost, signer changes, new and gone capabilities, secrets and
 * keys, endpoints and countries, cryptography, and the verdict. The result
 * is docs/diff.schema.json; docs/diff.md says what each part means and what
 * counts as "worse".
 *
 * Ownership: pk_diff_reports() copies what it needs; the report texts are
 * borrowed and may be freed once it returns. pk_diff_free() frees the diff
 * (NULL is accepted). err (NULLABLE) gets one line saying which report and
 * why. */
#ifndef PARAKH_DIFF_H
#define PARAKH_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"
#include "types.h"

typedef struct pk_diff pk_diff;

/* Compares two native reports given as JSON text. The labels (NULLABLE)
 * name the reports in the output (file names). PK_E_USAGE when a text is not
 * a parakh report (err says which and why), PK_E_NOMEM. */
PK_API pk_status pk_diff_reports(PK_BORROW const char *old_json, size_t old_len,
                                 PK_BORROW const char *new_json, size_t new_len,
                                 PK_NULLABLE const char *old_label,
                                 PK_NULLABLE const char *new_label, pk_diff **out, char *err,
                                 size_t errlen);

/* Fills the verdict part from assessments made outside the reports (parakh
 * diff --profile): "APPROVE", "APPROVE WITH CONDITIONS" or "REJECT", and the
 * profile's name. A verdict that got stricter counts as worse. PK_E_MISUSE
 * for another verdict string, PK_E_NOMEM. */
PK_API pk_status pk_diff_set_verdicts(pk_diff *d, const char *old_verdict, const char *new_verdict,
                                      const char *profile);

/* 1 when something got worse (docs/diff.md, "What counts as worse"), else 0. */
PK_API int pk_diff_worse(const pk_diff *d);

/* "text" (counts, then the lists, for people), "json" (docs/diff.schema.json)
 * or "markdown". PK_E_USAGE for another name, PK_E_IO when writing fails. */
PK_API pk_status pk_diff_write(const pk_diff *d, const char *format, FILE *out);

PK_API void pk_diff_free(pk_diff *d);

#endif
