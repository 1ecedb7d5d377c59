/* The decision engine's internals (lib/decide/): profiles and waivers as
 * validated data, requirement tests over the report, verdict and score.
 *
 * Ownership: a pk_profile and a pk_waivers own their parsed JSON document;
 * every string and parameter object points into it. A pk_assessment owns one
 * JSON document (the assessment, docs/assessment.schema.json) from which the
 * text and Markdown outputs are rendered. */
#ifndef PK_DECIDE_INT_H
#define PK_DECIDE_INT_H

#include <jansson.h>
#include <parakh/decide.h>

#include "core/core_int.h"

/* Bounds for hostile profiles and waiver files. */
#define PKI_DEC_MAX_REQS     256
#define PKI_DEC_MAX_WAIVERS  1024
#define PKI_DEC_MAX_FILE     (4u << 20)   /* a profile or waiver file */
#define PKI_DEC_MAX_REPORT   (1ull << 31) /* a report read with --report */
#define PKI_DEC_MAX_EVIDENCE 20           /* evidence items kept per requirement */
#define PKI_DEC_MAX_CONDS    16           /* where/require keys of a ratio test */

typedef enum pki_test_kind {
    PKI_T_NO_FINDINGS,
    PKI_T_NO_VULNS,
    PKI_T_RATIO,
    PKI_T_ALL_SIGNED,
    PKI_T_NO_ENDPOINTS,
    PKI_T_FIPS,
    PKI_T_NO_CRYPTO_STATUS,
    PKI_T_COUNT
} pki_test_kind;

extern const char *const pki_test_names[PKI_T_COUNT];

typedef struct pki_req {
    const char *id, *title, *clause, *question; /* question NULLABLE */
    pk_severity severity;
    int reject; /* on_fail REJECT (else CONDITIONS) */
    pki_test_kind kind;
    const json_t *param; /* the test's parameter object, validated */
} pki_req;

struct pk_profile {
    json_t *doc;
    const char *name, *version, *title;
    int ne_reject; /* when_not_evaluated: REJECT (else CONDITIONS) */
    pki_req *reqs;
    size_t n;
};

typedef enum pki_wtarget { PKI_W_REQ, PKI_W_FINDING, PKI_W_VULN } pki_wtarget;

typedef struct pki_waiver {
    pki_wtarget target;
    const char *req;          /* PKI_W_REQ: requirement id */
    const char *rule, *vpath; /* PKI_W_FINDING: vpath NULLABLE (any file) */
    long long offset;         /* PKI_W_FINDING: -1 = any offset */
    const char *vuln;         /* PKI_W_VULN: id or alias */
    const char *justification, *approver, *expires;
} pki_waiver;

struct pk_waivers {
    json_t *doc;
    pki_waiver *w;
    size_t n;
};

/* Result of one requirement's test. */
typedef enum pki_rstatus { PKI_R_PASS, PKI_R_FAIL, PKI_R_NA, PKI_R_NE } pki_rstatus;
extern const char *const pki_rstatus_names[4];

typedef struct pki_eval {
    pki_rstatus status;
    char detail[512]; /* one sentence: what was counted */
    json_t *evidence; /* array of evidence objects (kept up to PKI_DEC_MAX_EVIDENCE) */
    size_t total;     /* evidence items counted, waived ones included */
    size_t waived;    /* of which matched a finding/vulnerability waiver */
} pki_eval;

/* Context of one evaluation: the report and the waivers in force. */
typedef struct pki_ctx {
    const json_t *report;
    const pk_waivers *w;
    const char *date; /* YYYY-MM-DD */
    json_t *used;     /* array: indexes of the waivers that matched something */
} pki_ctx;

/* profile.c */
/* Checks a date is YYYY-MM-DD with a real day; 1 if valid. */
int pki_dec_date_valid(const char *s);
/* 1 if waiver i is in force on date (expires on or after it). */
int pki_waiver_active(const pki_waiver *w, const char *date);
#define pki_dec_err pki_errf

/* Shared by profile.c and waivers.c: JSON text with duplicate keys refused;
 * keys outside allowed (NULL-terminated) refused; a non-empty string field;
 * an identifier; a whole file of at most max bytes. */
json_t *pki_dec_parse(const char *buf, size_t len, const char *label, char *err, size_t errlen);
int pki_dec_only_keys(const json_t *o, const char *const *allowed, const char *where, char *err,
                      size_t errlen);
int pki_dec_need_str(const json_t *o, const char *key, int required, const char *where,
                     const char **out, char *err, size_t errlen);
int pki_dec_id_ok(const char *s);
pk_status pki_dec_slurp(const char *path, size_t max, char **buf, size_t *len, char *err,
                        size_t errlen);

/* eval.c: runs one requirement's test; e->evidence is a new array. */
pk_status pki_dec_eval(const pki_ctx *c, const pki_req *r, pki_eval *e);
/* Adds an evidence item, counting it; waived items are marked. Takes o. */
void pki_dec_evidence(const pki_ctx *c, pki_eval *e, json_t *o);

/* The endpoints section's list of endpoints, or NULL when absent. */
const json_t *pki_dec_endpoints(const json_t *report);

/* score.c: the score's parts as the assessment's "score" object. */
json_t *pki_dec_score(const json_t *report, const pk_profile *p);

/* assess.c */
struct pk_assessment {
    json_t *doc;
    json_t *report; /* the parsed native report the assessment was made from */
    pk_verdict verdict;
    int score;
};

/* output.c */
pk_status pki_dec_write_text(const json_t *doc, FILE *out);
pk_status pki_dec_write_questions(const json_t *doc, FILE *out);
/* html.c: one self-contained page (docs/report-html.md); sarif.c: SARIF
 * 2.1.0, one result per failed or waived requirement; markdown.c: the whole
 * assessment as Markdown. doc is the assessment, report the native report. */
pk_status pki_dec_write_html(const json_t *doc, const json_t *report, FILE *out);
pk_status pki_dec_write_sarif(const json_t *doc, const json_t *report, FILE *out);
pk_status pki_dec_write_markdown(const json_t *doc, const json_t *report, FILE *out);
/* markdown.c: hostile strings into Markdown. text: escaped; code: a code
 * span that nothing inside can end; mixed: the engine's own text with `…`
 * quotes (which never hold a backtick) kept as code and the rest escaped. */
void pki_md_text(FILE *out, const char *s);
void pki_md_code(FILE *out, const char *s);
void pki_md_mixed(FILE *out, const char *s);

/* Type-checked accessors over hostile JSON: NULL or the fallback when the
 * key is missing or of another type. */
const char *pki_jstr(const json_t *o, const char *key);
const json_t *pki_jarr(const json_t *o, const char *key);
const json_t *pki_jobj(const json_t *o, const char *key);
/* A dotted path ("hardening.relro") below o, at most 8 levels; NULL if absent. */
const json_t *pki_jpath(const json_t *o, const char *path);

#endif
