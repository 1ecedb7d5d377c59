/* Internal to lib/csaf/mandatory*.c: the shared context of one run of the
 * §6.1 mandatory tests and the type-checked jansson accessors they use.
 *
 * Ownership: the context borrows the document; its maps borrow key strings
 * from the document and are freed by pki_csaf_mandatory(). */
#ifndef PK_CSAF_MANDATORY_INT_H
#define PK_CSAF_MANDATORY_INT_H
#include "../core/smap.h"
#include "csaf_int.h"

#include <stdbool.h>

/* Products visited through product groups per document; a hostile document
 * could otherwise ask for (vulnerabilities x group references x group size)
 * work. Real documents (Red Hat's largest) stay far below. */
#define PKI_M_BUDGET (1u << 26)
/* Longest JSON pointer built for an issue; longer ones are cut. */
#define PKI_M_PATH 512

typedef struct pki_mctx {
    json_t *doc;
    const pki_jschema *s;
    pki_csaf_issues *r;
    pki_smap groups; /* product_groups[].group_id -> index in product_groups */
    json_t *group_arr;
    size_t budget;    /* group expansion steps left */
    bool over_budget; /* reported once */
} pki_mctx;

/* Member k of o when o is an object and the member has that type, else NULL
 * (or NULL string). */
json_t *pki_m_obj(json_t *o, const char *k);
json_t *pki_m_arr(json_t *o, const char *k);
const char *pki_m_str(json_t *o, const char *k);

/* Calls cb for each product id a holder names: its product_ids[] and the
 * product_ids[] of each group in its group_ids[] (each group once per call).
 * False once the expansion budget is exhausted (an issue is added once). */
typedef void (*pki_m_id_cb)(const char *id, void *ud);
bool pki_m_expand(pki_mctx *c, json_t *holder, const char *test, pki_m_id_cb cb, void *ud);

/* Visits every branch object under product_tree/branches, parents before
 * children, with an explicit stack (no recursion driven by input depth). path
 * is the branch's JSON pointer. */
typedef void (*pki_m_branch_cb)(json_t *branch, const char *path, void *ud);
void pki_m_walk_branches(pki_mctx *c, pki_m_branch_cb cb, void *ud);

/* Visits every full product name: product_tree/full_product_names[], each
 * branch's product and each relationship's full_product_name. */
typedef void (*pki_m_fpn_cb)(json_t *fpn, const char *path, void *ud);
void pki_m_each_product(pki_mctx *c, pki_m_fpn_cb cb, void *ud);

/* Records an allocation failure of a map put (pki_smap_put's SIZE_MAX - 1). */
static inline void pki_m_put(pki_mctx *c, pki_smap *m, const char *k, size_t v)
{
    if (pki_smap_put(m, k, v) == SIZE_MAX - 1)
        c->r->nomem = 1;
}

/* The groups of tests, one per file. */
void pki_m_products(pki_mctx *c);  /* 6.1.1-6.1.5, then pki_m_vulns */
void pki_m_vulns(pki_mctx *c);     /* 6.1.6, 6.1.7, 6.1.23-6.1.25, 6.1.29, 6.1.32, 6.1.33 */
void pki_m_revisions(pki_mctx *c); /* 6.1.14-6.1.22, 6.1.30 */
void pki_m_cvss(pki_mctx *c);      /* 6.1.8-6.1.11, 6.1.13, 6.1.31 */
void pki_m_document(pki_mctx *c);  /* 6.1.12, 6.1.15, 6.1.26, 6.1.28 */
void pki_m_profiles(pki_mctx *c);  /* 6.1.27.1-6.1.27.11 */

#endif
