/* The join of a scan's component records into an inventory (aggregate.c,
 * agg_files.c, agg_deps.c). Everything here lives only during
 * pk_inventory_from_scan.
 *
 * Ownership: pki_agg borrows the scan (its records and file list) and the
 * inventory it fills; it owns the maps and per-component side arrays. */
#ifndef PK_INVENTORY_AGG_INT_H
#define PK_INVENTORY_AGG_INT_H

#include "../walk/scan_int.h"
#include "inventory_int.h"
#include "../core/smap.h"

#include <jansson.h>

/* Per component: the records it came from, and where it was folded into. */
typedef struct pki_ax {
    json_t **recs; /* borrowed from the scan */
    size_t nrecs, caprecs;
    size_t redirect; /* SIZE_MAX: alive; else folded into that component */
} pki_ax;

typedef struct pki_agg {
    const pk_scan *s;
    pk_inventory *inv;
    pki_ax *ax;
    size_t nax, capax; /* indexed by the component's index before compaction */
    pki_smap ids;      /* identity key -> component */
    pki_smap names;    /* "type\x1fname" -> first component; chained through name_next */
    size_t *name_next;
    size_t cap_name_next;
    pki_smap fmap; /* vpath -> index into s->files */
    size_t *owner; /* per file: owning component, SIZE_MAX when none */
    size_t dropped_claims;
} pki_agg;

pk_status pki_agg_new_comp(pki_agg *g, size_t *out);
pk_status pki_agg_add_rec(pki_agg *g, size_t ci, json_t *rec);
int pki_agg_in_scope(const pki_agg *g, size_t ci, const char *scope);
/* Joins stay bounded on hostile inputs (100,000 packages of one name): at most
 * this many candidates are looked at per name, records per scope check. */
#define PKI_AGG_MAX_CHAIN 256

/* Follows fold redirects to the component that absorbed ci. */
size_t pki_agg_resolve(const pki_agg *g, size_t ci);

pk_status pki_agg_attribute(pki_agg *g);    /* step 5 */
pk_status pki_agg_unattributed(pki_agg *g); /* step 6 */
pk_status pki_agg_binsig(pki_agg *g);       /* step 7 */
pk_status pki_agg_deps(pki_agg *g);         /* step 8 */
/* Drops folded components and remaps edges. */
pk_status pki_agg_compact(pki_agg *g);
pk_status pki_agg_subject(pki_agg *g);
void pki_agg_fini(pki_agg *g);

#endif
