/* The inventory's internals: one arena owns every string and array; the
 * builder (from a scan, inventory.c, or from an SBOM, sbom_read.c) appends
 * components and dependency edges, then pki_inv_finish() puts them in a
 * deterministic order and fills what derives from the identity (purl, CPE,
 * refs). The writers (cyclonedx.c, spdx.c) read only the public pk_comp.
 *
 * Ownership: pk_inventory owns `arena` (every string), `comps`, `cx`, each
 * comp's ev and props arrays (heap, grown through cx caps) and `alldeps` (the
 * deps arrays point into it). Strings given to the builder are copied. */
#ifndef PK_INVENTORY_INT_H
#define PK_INVENTORY_INT_H

#include <parakh/inventory.h>

#include "../core/core_int.h"

/* Caps for SBOMs read from elsewhere and for one inventory (docs/limits.md). */
#define PKI_INV_MAX_COMPONENTS 1000000u
#define PKI_SBOM_MAX_BYTES     (512u << 20)

typedef struct pki_cx {
    size_t capev, capprops;
} pki_cx;

struct pk_inventory {
    pki_arena *arena;
    pk_comp *comps;
    pki_cx *cx;
    size_t n, cap;
    size_t *alldeps;
    /* edges while building: (from, to) indices; folded into comps[].deps by finish */
    size_t (*edges)[2];
    size_t nedges, capedges;
    pk_sbom_subject subject;
    pk_inventory_stats st;
    const char *tool_version;  /* "parakh 0.1.0" or the reading tool's name */
    const char *source_format; /* NULLABLE: "CycloneDX 1.6" / "SPDX-2.3" when read from an SBOM */
};

pk_inventory *pki_inv_new(void);
/* Appends a zeroed component (kind LIBRARY) and returns its index, or SIZE_MAX
 * on allocation failure or past PKI_INV_MAX_COMPONENTS. Pointers into comps
 * are invalidated by the next add. */
size_t pki_inv_add(pk_inventory *inv);
/* Arena copies; NULL for a NULL or empty s (so a NULL result is "absent" unless
 * s was non-empty: check with pki_inv_oom()). */
const char *pki_inv_str(pk_inventory *inv, const char *s);
const char *pki_inv_strn(pk_inventory *inv, const char *s, size_t n);
/* Appends evidence to a component (copied). */
pk_status pki_inv_add_ev(pk_inventory *inv, size_t comp, const pk_cevidence *ev);
/* Adds or replaces a property (copied). */
pk_status pki_inv_set_prop(pk_inventory *inv, size_t comp, const char *key, const char *value);
/* Records comp `from` depends on comp `to` (self edges ignored, duplicates folded). */
pk_status pki_inv_add_dep(pk_inventory *inv, size_t from, size_t to);
/* Sorts components (by purl, else type/name/version, then file vpath), remaps
 * edges into sorted unique deps, fills purl from the identity fields when
 * absent, CPE from rules/cpe-map.tsv when absent, and unique refs. */
pk_status pki_inv_finish(pk_inventory *inv);

/* Upstream version of a distribution version: "1:3.0.11-1~deb12u2" -> "3.0.11". */
void pki_upstream_version(const char *v, char *out, size_t cap);

#endif
