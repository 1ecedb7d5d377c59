/* Internal to the YAML draft writer (docs/csaf-draft.md): the draft read
 * into a small tree of text nodes with line numbers (draft_yaml.c), used by
 * the CSAF builder (draft.c, draft_vuln.c).
 *
 * Ownership: every node and string belongs to the pki_ydoc that made it. */
#ifndef PK_CSAF_DRAFT_INT_H
#define PK_CSAF_DRAFT_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "csaf_int.h"

/* Bounds on a draft (docs/csaf-draft.md "Bounds"): a draft is a page of
 * text written by a person, so these are generous and still small. */
#define PKI_DRAFT_MAX_BYTES  (1u << 20)
#define PKI_DRAFT_MAX_DEPTH  16u
#define PKI_DRAFT_MAX_NODES  65536u
#define PKI_DRAFT_MAX_SCALAR (64u << 10)
#define PKI_DRAFT_MAX_ITEMS  1024u /* products, vulnerabilities */

typedef enum pki_ykind { PKI_Y_SCALAR, PKI_Y_MAP, PKI_Y_SEQ } pki_ykind;

typedef struct pki_ynode pki_ynode;
struct pki_ynode {
    pki_ykind kind;
    unsigned long line; /* 1-based */
    char *text;         /* scalar: its value, NUL-terminated */
    size_t len;
    /* map: keys[i] (scalars) -> vals[i]; seq: vals[i] */
    pki_ynode **keys, **vals;
    size_t n, cap;
};

typedef struct pki_ydoc {
    pki_ynode *root;
    pki_ynode **all; /* every node, for freeing */
    size_t nall, capall;
} pki_ydoc;

/* Parses yaml[0..len) into *d (one document, a mapping at the top).
 * PK_E_FORMAT with "draft line N: ..." in err. */
pk_status pki_ydoc_parse(const uint8_t *yaml, size_t len, pki_ydoc *d, char *err, size_t errlen);
void pki_ydoc_clear(pki_ydoc *d);

/* The value of key in map m, or NULL. */
const pki_ynode *pki_ymap_get(const pki_ynode *m, const char *key);

/* The builder's state, shared by draft.c and draft_vuln.c. */
typedef struct pki_dprod {
    const pki_ynode *node;                   /* the products[] entry */
    const char *key;                         /* what vulnerabilities[].products name */
    json_t *affected, *fixed, *not_affected; /* arrays of product id strings */
    const char *justification, *impact;      /* NULLABLE */
} pki_dprod;

typedef struct pki_draft {
    char *err;
    size_t errlen;
    bool vex;
    pki_dprod *prods;
    size_t nprods;
    unsigned next_id; /* CSAFPID-0001, ... */
} pki_draft;

/* "draft line N: where: message" into d->err; returns PK_E_FORMAT. */
pk_status pki_draft_fail(pki_draft *d, const pki_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A scalar member (NULL when absent; PK_E_FORMAT when present and not a
 * scalar, or required and absent). */
pk_status pki_draft_str(pki_draft *d, const pki_ynode *m, const char *key, const char *where,
                        bool required, const char **out);
/* Refuses a member of m that is not in keys (NULL-terminated). */
pk_status pki_draft_keys(pki_draft *d, const pki_ynode *m, const char *const *keys,
                         const char *where);
/* notes: [{category, title, text}] as CSAF's note_t, into *out. */
pk_status pki_draft_notes(pki_draft *d, const pki_ynode *seq, const char *where, json_t **out);
/* The vulnerabilities array (d->prods filled first). */
pk_status pki_draft_vulns(pki_draft *d, const pki_ynode *seq, json_t **out);

#endif
