/* parakh: the decision. A policy profile (requirements as data,
 * docs/profile.schema.json) is evaluated over a native JSON report
 * (docs/report.schema.json), waivers (docs/waivers.schema.json) turn failures
 * into accepted risks, and the result is a verdict, a risk score with its
 * parts, the reasons and the questions for the vendor
 * (docs/assessment.schema.json, docs/decision.md).
 *
 * Ownership: each *_free() frees what the matching load/parse/assess made
 * (NULL is accepted). An assessment copies what it needs: the profile, the
 * waivers and the report text may be freed once pk_assess() returns. Buffers
 * passed in are borrowed. Errors: err (NULLABLE) gets one line saying where
 * and why. */
#ifndef PARAKH_DECIDE_H
#define PARAKH_DECIDE_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"
#include "types.h"

typedef struct pk_profile pk_profile;
typedef struct pk_waivers pk_waivers;
typedef struct pk_assessment pk_assessment;

typedef enum pk_verdict {
    PK_VERDICT_APPROVE = 0,
    PK_VERDICT_CONDITIONS = 1, /* APPROVE WITH CONDITIONS */
    PK_VERDICT_REJECT = 2,
} pk_verdict;

/* "APPROVE", "APPROVE WITH CONDITIONS", "REJECT". */
PK_API const char *pk_verdict_str(pk_verdict v);

/* A shipped profile by name ("pss-baseline", "pss-crypto", "pss-critical";
 * rules/profiles/<name>.json, compiled into the library), or else a file
 * (a value with '/' or '.'). PK_E_USAGE for an unknown name, PK_E_FORMAT
 * for an invalid profile, PK_E_IO when the file cannot be read; err says
 * where and why. */
PK_API pk_status pk_profile_load(const char *name_or_path, pk_profile **out, char *err,
                                 size_t errlen);
/* A profile from JSON text; label names it in messages. */
PK_API pk_status pk_profile_parse(const char *buf, size_t len, const char *label, pk_profile **out,
                                  char *err, size_t errlen);
/* The shipped profiles' names, comma-separated, for usage messages. */
PK_API const char *pk_profile_names(void);
PK_API void pk_profile_free(pk_profile *p);

/* A waiver file (docs/waivers.schema.json); PK_E_FORMAT when invalid. */
PK_API pk_status pk_waivers_load(const char *path, pk_waivers **out, char *err, size_t errlen);
PK_API pk_status pk_waivers_parse(const char *buf, size_t len, const char *label, pk_waivers **out,
                                  char *err, size_t errlen);
PK_API void pk_waivers_free(pk_waivers *w);

/* Evaluates the profile over a native JSON report (its text). waivers and
 * policy_date (YYYY-MM-DD: waivers expiring before it do not count; NULL:
 * today, UTC) are NULLABLE. PK_E_FORMAT when the text is not a parakh
 * report, PK_E_USAGE when the date is invalid, PK_E_NOMEM. */
PK_API pk_status pk_assess(const pk_profile *p, const pk_waivers *w, const char *report, size_t len,
                           const char *policy_date, pk_assessment **out, char *err, size_t errlen);
PK_API pk_verdict pk_assessment_verdict(const pk_assessment *a);
/* The risk score, 0..100 (docs/decision.md). */
PK_API int pk_assessment_score(const pk_assessment *a);
/* "json" (docs/assessment.schema.json), "text" (verdict, reasons, score
 * parts, requirements), "questions" (Markdown: one question per issue for
 * the vendor), "html" (one self-contained page: summary, charts, sortable
 * tables, every finding with its evidence), "sarif" (SARIF 2.1.0: the
 * requirements as rules, failures as results) or "markdown" (the whole
 * assessment). PK_E_USAGE for another name, PK_E_IO when writing fails. */
PK_API pk_status pk_assessment_write(const pk_assessment *a, const char *format, FILE *out);
/* The HTML report printed to PDF by a headless Chromium (its print-to-PDF),
 * so the PDF is the same page. browser (NULLABLE) is the program to run;
 * NULL: $PARAKH_CHROMIUM, else "chromium" on PATH. The page is written to a
 * private temporary directory under tmpdir (NULLABLE: $TMPDIR, /tmp) that is
 * removed afterwards; pdf_path is replaced only by a complete file.
 * PK_E_IO when the browser cannot be run or makes no PDF (err says which). */
PK_API pk_status pk_assessment_pdf(const pk_assessment *a, const char *pdf_path,
                                   const char *browser, const char *tmpdir, char *err,
                                   size_t errlen);
PK_API void pk_assessment_free(pk_assessment *a);

#endif
