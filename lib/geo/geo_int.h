/* The join's model (include/parakh/geo.h): endpoints deduplicated by value
 * over the whole scan, each with its country, how it was decided, its
 * classes and where it was seen. Every string lives in the result's arena.
 * Owned by the geo part: geo.c builds it, geo_out.c writes the report's
 * "endpoints" section and text summary (lib/report/ calls these). */
#ifndef PK_GEO_INT_H
#define PK_GEO_INT_H

#include <jansson.h>
#include <parakh/geo.h>
#include <stdio.h>

#include "../core/core_int.h"
#include "../core/smap.h"

#define PKI_GEO_MAX_ENDPOINTS 200000u /* distinct values over the scan */
#define PKI_GEO_OCC_MAX       64u     /* places kept per endpoint; the rest counted */
#define PKI_GEO_ALLOWED_MAX   300u

typedef struct pki_geo_occ {
    const char *vpath;
    uint64_t offset, count;
    int utf16;
} pki_geo_occ;

typedef struct pki_geo_ep {
    const char *value, *kind, *host;
    const char *country;    /* upper case ISO alpha-2, NULL unknown */
    const char *how;        /* "ip-database:ip-country-mmdb", "tracker-owner:xray", "cctld" */
    const char *classes;    /* comma-separated, "" none */
    const char *owner;      /* NULLABLE: tracker owner */
    const char *categories; /* NULLABLE: tracker categories */
    const char *tracker_domain, *tracker_sources; /* NULLABLE */
    int documentation; /* class documentation, or only in documentation files */
    int outside_docs;  /* seen in a file that is not documentation (pki_doc_path) */
    int allowed;       /* -1 no list, 0 outside, 1 inside */
    pki_geo_occ *occ;
    size_t nocc, capocc;
    uint64_t more_occ; /* places past PKI_GEO_OCC_MAX */
    uint64_t total;    /* occurrences over every file */
    uint8_t sha256[32];
    int has_sha;
} pki_geo_ep;

struct pk_geo {
    pki_arena *arena;
    pki_geo_ep *ep;
    size_t n, cap;
    pki_smap by_value;
    char allowed[PKI_GEO_ALLOWED_MAX][3];
    size_t nallowed;
    int have_list, have_db;
    uint64_t truncated; /* entries the analyzer dropped (facts.endpoints.truncated) */
    uint64_t dropped;   /* distinct values past PKI_GEO_MAX_ENDPOINTS */
    pk_finding *find;
    size_t nfind, capfind;
};

/* The report's "endpoints" section (docs/report.schema.json); new reference, NULL on NOMEM. */
json_t *pki_geo_json(const pk_geo *g);
/* Text summary lines (countries, classes, findings count). */
void pki_geo_text(const pk_geo *g, FILE *out);

#endif
