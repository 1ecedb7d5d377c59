/* parakh: the inventory, every component of a deliverable with its evidence,
 * and the SBOM formats written from it (CycloneDX 1.6/1.5 JSON, SPDX 2.3 JSON).
 *
 * An inventory is built once from a finished scan (deduplicated, files nobody
 * claims added, dependencies resolved) or read from an SBOM made elsewhere.
 * It is immutable once built and may be read from several threads.
 *
 * Ownership: the inventory owns every string and array reachable from it;
 * pk_inventory_free() frees them all. A scan may be freed after
 * pk_inventory_from_scan() returns. */
#ifndef PARAKH_INVENTORY_H
#define PARAKH_INVENTORY_H

#include <stdio.h>

#include "component.h"
#include "scan.h"

typedef struct pk_inventory pk_inventory;

/* One piece of evidence for a component. */
typedef struct pk_cevidence {
    const char *vpath;    /* the file that said so */
    const char *analyzer; /* "dpkg", "binsig", ... */
    const char *rule;     /* technique id, see docs/analyzers/<analyzer>.md */
    pk_cmethod method;
    uint8_t confidence;
    pk_loc loc;
    pk_bytes matched; /* NULLABLE */
} pk_cevidence;

typedef struct pk_kv {
    const char *key, *value;
} pk_kv;

typedef struct pk_comp {
    const char *ref; /* unique in the inventory; the CycloneDX bom-ref */
    pk_ckind kind;
    const char *type, *ns, *name, *version, *arch, *distro; /* NULLABLE except type, name */
    const char *purl;                                       /* canonical, NULLABLE */
    const char *cpe;                                        /* CPE 2.3, NULLABLE */
    const char *license;                                    /* as declared, NULLABLE */
    const char *supplier, *author, *description, *homepage; /* NULLABLE */
    const char *source_name, *source_version;               /* NULLABLE */
    const char *file_vpath;          /* NULLABLE: the file that is this component */
    const char *sha256, *sha1, *md5; /* lowercase hex, NULLABLE */
    int unattributed;                /* an executable no package or manifest claims */
    pk_cevidence *ev;
    size_t nev;
    const size_t *deps; /* indices into the inventory, sorted, unique */
    size_t ndeps;
    const pk_kv *props; /* other attributes, sorted by key */
    size_t nprops;
} pk_comp;

/* The value of a component's property (pk_comp.props), or NULL. */
PK_API const char *pk_comp_prop(const pk_comp *c, const char *key);

/* Builds the inventory of a finished scan. PK_E_MISUSE if the scan has not run. */
PK_API pk_status pk_inventory_from_scan(const pk_scan *PK_BORROW s, pk_inventory **PK_OUT out);

/* Reads a CycloneDX (1.4-1.6) or SPDX 2.2/2.3 JSON document. On failure, a
 * one-line reason in err[errcap]: PK_E_IO (unreadable), PK_E_FORMAT (not an
 * SBOM, or malformed), PK_E_LIMIT (larger than the caps in docs/limits.md). */
PK_API pk_status pk_inventory_from_sbom(const char *PK_BORROW path, pk_inventory **PK_OUT out,
                                        char *err, size_t errcap);

PK_API size_t pk_inventory_count(const pk_inventory *inv);
PK_API const pk_comp *pk_inventory_at(const pk_inventory *inv, size_t i);
/* Components that evidence put in the inventory but were folded into others, files
 * attributed to a component, and files nobody claims (for the report summary). */
typedef struct pk_inventory_stats {
    size_t components, merged, attributed_files, unattributed_files, dependencies;
} pk_inventory_stats;
PK_API void pk_inventory_stats_get(const pk_inventory *inv, pk_inventory_stats *PK_OUT st);

/* The deliverable the inventory describes (metadata.component / the SPDX root). */
typedef struct pk_sbom_subject {
    const char *name;   /* the input's file or directory name */
    const char *sha256; /* NULLABLE: of a single input file */
} pk_sbom_subject;
PK_API const pk_sbom_subject *pk_inventory_subject(const pk_inventory *inv);

typedef struct pk_sbom_opts {
    /* "cyclonedx" (1.6), "cyclonedx-1.5", "spdx" (2.3) */
    const char *format;
    /* 1: timestamp 1970-01-01T00:00:00Z and serial number / document namespace
     * derived from the content, so two runs give byte-identical output. */
    int reproducible;
    const char *timestamp; /* NULLABLE: ISO 8601 UTC; the current time when NULL */
    /* NULLABLE (CycloneDX only): known vulnerabilities of this inventory's
     * components (include/parakh/vulndb.h), written as the vulnerabilities
     * array with VEX analysis; must have been matched on this inventory. */
    const struct pk_vulns *vulns;
} pk_sbom_opts;

PK_API void pk_sbom_opts_default(pk_sbom_opts *PK_OUT o);
/* 1 if `format` names an SBOM format pk_inventory_write knows. */
PK_API int pk_sbom_format_known(const char *format);
/* Writes the SBOM. PK_E_IO on a write error, PK_E_USAGE for an unknown format. */
PK_API pk_status pk_inventory_write(const pk_inventory *inv, const pk_sbom_opts *opts, FILE *out);

PK_API void pk_inventory_free(pk_inventory *PK_NULLABLE inv);

#endif
