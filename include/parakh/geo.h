/* parakh: where a scan's endpoints are (docs/endpoints.md).
 *
 * After the scan, the join reads every file's facts.endpoints (written by the
 * endpoints analyzer), decides each endpoint's country (an IP literal from
 * the imported IP ranges, a host from its tracker owner's country, else from
 * its ccTLD, else unknown) and says how, attaches tracker owners and
 * categories, and counts endpoints per country and per class. With a list of
 * allowed countries it makes findings (PK-GEO-0001, PK-GEO-0002) that join
 * the report's like the CBOM's do (pk_report_opts.geo).
 *
 * Ownership: pk_geo_build() allocates the result, pk_geo_free() frees it; it
 * borrows nothing from the scan or the database after it returns. Owned by
 * the geo part (lib/geo/). */
#ifndef PARAKH_GEO_H
#define PARAKH_GEO_H

#include "finding.h"
#include "scan.h"

struct pk_vulndb;
typedef struct pk_geo pk_geo;

typedef struct pk_geo_opts {
    /* NULLABLE: IP ranges and tracker lists (include/parakh/vulndb.h);
     * without it only ccTLDs give countries */
    struct pk_vulndb *db;
    /* NULLABLE: "DE,FR,NL", ISO 3166-1 alpha-2, case-insensitive. NULL or ""
     * (the default): no country findings, the section still counts. */
    const char *allowed;
} pk_geo_opts;

/* 1 when list is a comma-separated list of two-letter codes (at most 300),
 * else 0 with the reason in err. */
PK_API int pk_geo_allowed_valid(const char *PK_BORROW list, char *err, size_t errcap);

/* PK_E_USAGE for an invalid allowed list, PK_E_FEED when the database cannot
 * be read, PK_E_NOMEM. err (NULLABLE) says why. */
PK_API pk_status pk_geo_build(const pk_scan *PK_BORROW s, const pk_geo_opts *PK_NULLABLE o,
                              pk_geo **PK_OUT out, char *PK_NULLABLE err, size_t errcap);
/* pk_geo_build with the database at db_path (NULLABLE: none) opened
 * read-only for the call; PK_E_IO or PK_E_FEED when it cannot be opened. */
PK_API pk_status pk_geo_build_db(const pk_scan *PK_BORROW s, const char *PK_NULLABLE db_path,
                                 const char *PK_NULLABLE allowed, pk_geo **PK_OUT out,
                                 char *PK_NULLABLE err, size_t errcap);
/* The findings, in the scan's order; *worst (NULLABLE) gets the highest
 * severity when the count is not 0. Valid until pk_geo_free(). */
PK_API size_t pk_geo_findings(const pk_geo *PK_NULLABLE g,
                              const pk_finding **PK_OUT PK_NULLABLE list,
                              pk_severity *PK_OUT PK_NULLABLE worst);
/* Endpoints counted (documentation URLs excluded). */
PK_API size_t pk_geo_count(const pk_geo *PK_NULLABLE g);
PK_API void pk_geo_free(pk_geo *PK_NULLABLE g);

#endif
