/* What an update changed (include/parakh/diff.h): the comparison of two
 * native reports, built directly as the diff document (docs/diff.schema.json)
 * that the writers render.
 *
 * Ownership: the reports (json_t) are borrowed for the whole build; keys and
 * normalised paths live in the context's arena; the document is owned by the
 * pk_diff. Reports are hostile: every member is type-checked before use,
 * nothing recurses on input depth, sorting is qsort over flat arrays. */
#ifndef PK_LIB_DIFF_DIFF_INT_H
#define PK_LIB_DIFF_DIFF_INT_H

#include <jansson.h>
#include <parakh/diff.h>

#include "../core/core_int.h"

/* inputs beyond this are compared by their position as the last one */
#define PKI_DIFF_MAX_INPUTS 64u
/* a component name seen more often than this on one side is compared as a
 * set of versions, without pairing them into upgrades (bounds the pairing) */
#define PKI_DIFF_MAX_GROUP 64u

/* What got worse: each kind is a reason in "worse_because" (docs/diff.md). */
typedef enum pki_worse {
    PKI_W_DOWNGRADE,
    PKI_W_VULN,
    PKI_W_KEV,
    PKI_W_HARDENING,
    PKI_W_SIGNER,
    PKI_W_CAPABILITY,
    PKI_W_SECRET,
    PKI_W_COUNTRY,
    PKI_W_CRYPTO,
    PKI_W_VERDICT,
    PKI_W_COUNT
} pki_worse;

typedef struct pki_diff_side {
    const json_t *doc;
    const char *label;
    const char *inputs[PKI_DIFF_MAX_INPUTS];
    size_t ninputs;
} pki_diff_side;

typedef struct pki_diffctx {
    pki_diff_side o, n;
    json_t *out; /* the diff document */
    pki_arena *arena;
    unsigned worse[PKI_W_COUNT];
} pki_diffctx;

/* A keyed entry of one side: sorted by (key, ver), merged with the other. */
typedef struct pki_dent {
    const char *key;
    const char *ver; /* NULLABLE */
    const json_t *obj;
    const char *vpath; /* NULLABLE: the entry's own evidence path */
    size_t idx;        /* order in the report: ties keep it, whatever qsort does */
} pki_dent;

typedef struct pki_dents {
    pki_dent *v;
    size_t n, cap;
} pki_dents;

int pki_dents_add(pki_dents *d, const char *key, const char *ver, const json_t *obj,
                  const char *vpath);
void pki_dents_sort(pki_dents *d);
void pki_dents_free(pki_dents *d);

/* Type-checked member access: NULL (or 0/-1) when absent or of another type. */
const char *pki_dj_str(const json_t *o, const char *key);
const json_t *pki_dj_arr(const json_t *o, const char *key);
const json_t *pki_dj_obj(const json_t *o, const char *key);
/* 1 true, 0 false, -1 absent or not a boolean */
int pki_dj_bool(const json_t *o, const char *key);
/* A JSON string (never NULL unless out of memory: invalid text becomes "?") */
json_t *pki_dj_s(const char *s);
/* o[key] = v (taken); nonzero on failure (v NULL counts as failure) */
int pki_dj_set(json_t *o, const char *key, json_t *v);
/* appends v (taken); nonzero on failure */
int pki_dj_push(json_t *a, json_t *v);
/* the object c->out[section] (created empty), NULL on NOMEM */
json_t *pki_diff_section(pki_diffctx *c, const char *section);
/* section[key] as a new empty array, NULL on NOMEM */
json_t *pki_diff_list(json_t *section, const char *key);

/* The path of vpath inside the deliverable: the input's own name replaced by
 * "*" ("*2" for the second of several inputs), so vendor-1.0.zip!/x and
 * vendor-1.1.zip!/x compare. Arena string; NULL on NOMEM. */
const char *pki_diff_norm(pki_diffctx *c, const pki_diff_side *s, const char *vpath);

void pki_diff_mark(pki_diffctx *c, pki_worse w);

/* The parts; each returns 0, or -1 when out of memory. */
int pki_diff_components(pki_diffctx *c);
int pki_diff_vulns(pki_diffctx *c);
int pki_diff_files(pki_diffctx *c);
int pki_diff_findings(pki_diffctx *c);
int pki_diff_endpoints(pki_diffctx *c);
int pki_diff_crypto(pki_diffctx *c);

/* Builds the diff document of two parsed reports (for tests and the fuzz
 * target as for pk_diff_reports); *worse set. NULL with err on failure. */
json_t *pki_diff_build(const json_t *old, const json_t *new_, const char *old_label,
                       const char *new_label, int *worse, char *err, size_t errlen);

/* Writers over the document (diff_out.c). */
pk_status pki_diff_write_text(const json_t *doc, FILE *out, int markdown);

#endif
