/* parakh: reports over a finished scan, as a table of formats.
 *
 * Ownership: the scan stays owned by the caller; the FILE is borrowed and not
 * closed. */
#ifndef PARAKH_REPORT_H
#define PARAKH_REPORT_H

#include <stdio.h>

#include "scan.h"

/* "json" (docs/report.schema.json), "text" (a terminal summary), or an SBOM:
 * "cyclonedx" (1.6), "cyclonedx-1.5", "spdx" (2.3), see docs/sbom.md; or
 * "cbom" (CycloneDX 1.6 cryptographic assets, docs/cbom.md).
 * PK_E_USAGE for an unknown name, PK_E_IO when writing fails. */
PK_API pk_status pk_report_write(const pk_scan *s, const char *format, FILE *out);

typedef struct pk_report_opts {
    const char *format;
    /* SBOM formats: fixed timestamp and content-derived serial number, so two
     * runs over the same input are byte-identical */
    int reproducible;
    /* NULLABLE: known vulnerabilities matched on the scan's inventory
     * (include/parakh/vulndb.h); reported as findings and in their own
     * section. "sarif" is also a format here. */
    const struct pk_vulns *vulns;
    /* NULLABLE: the scan's cryptography inventory judged against the policy
     * (include/parakh/cbom.h): its findings (PK-CRY-0010..0013) join the
     * report's, json gains a "crypto" section, and "cbom" writes it. Without
     * one, "cbom" builds its own (policy date: today, no CMVP data). */
    const struct pk_cbom *cbom;
    /* NULLABLE: where the endpoints are (include/parakh/geo.h): its findings
     * (PK-GEO-*) join the report's and json gains an "endpoints" section.
     * Without one, json and text build their own (ccTLDs only, no allowed
     * list, so no findings). */
    const struct pk_geo *geo;
} pk_report_opts;
PK_API pk_status pk_report_write_opts(const pk_scan *s, const pk_report_opts *o, FILE *out);
/* 1 if format names a reporter, else 0. */
PK_API int pk_report_known(const char *format);
/* The reporter names, comma-separated, for usage messages. */
PK_API const char *pk_report_formats(void);

#endif
