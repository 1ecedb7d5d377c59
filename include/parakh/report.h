/* parakh: reports over a finished scan, as a table of formats.
 *
 * Ownership: the scan stays owned by the caller; the FILE is borrowed and not
 * closed. */
#ifndef PARAKH_REPORT_H
#define PARAKH_REPORT_H

#include <stdio.h>

#include "scan.h"

/* "json" (docs/report.schema.json) or "text" (a terminal summary).
 * PK_E_USAGE for an unknown name, PK_E_IO when writing fails. */
PK_API pk_status pk_report_write(const pk_scan *s, const char *format, FILE *out);
/* 1 if format names a reporter, else 0. */
PK_API int pk_report_known(const char *format);
/* The reporter names, comma-separated, for usage messages. */
PK_API const char *pk_report_formats(void);

#endif
