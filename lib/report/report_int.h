/* Reporters: one table of formats over a finished scan's results. */
#ifndef PK_REPORT_REPORT_INT_H
#define PK_REPORT_REPORT_INT_H

#include <parakh/report.h>

#include "../walk/scan_int.h"

typedef struct pki_reporter {
    const char *name;
    pk_status (*write)(const pk_scan *s, const pk_report_opts *o, FILE *out);
} pki_reporter;

pk_status pki_report_json(const pk_scan *s, const pk_report_opts *o, FILE *out);
pk_status pki_report_text(const pk_scan *s, const pk_report_opts *o, FILE *out);
pk_status pki_report_sarif(const pk_scan *s, const pk_report_opts *o, FILE *out);

/* The JSON document of a scan (report.schema.json); new reference. */
json_t *pki_report_json_doc(const pk_scan *s, const pk_report_opts *o);
/* The scan's findings and the CBOM's (o->cbom), merged in the scan's order
 * (vpath, offset, rule, message): a new array of shallow copies the caller
 * frees with pki_free (NULL with *n = 0 when there are none, or on failure:
 * *failed says which). */
pk_finding *pki_report_findings(const pk_scan *s, const pk_report_opts *o, size_t *n, int *failed);

const char *pki_kind_name(pki_kind k);
/* The inventory's components as a JSON array (new reference), and its counts
 * into summary.inventory; NULL on allocation failure. */
json_t *pki_report_components(const pk_scan *s, const struct pk_vulns *v, json_t *summary);
/* Known vulnerabilities as finding objects (PK-VUL-*) for findings[]. */
json_t *pki_report_vuln_findings(const struct pk_vulns *v);
/* Is this rule one of the limits (depth, size, ratio, entries, time, disk)? */
int pki_rule_is_limit(const char *rule_id);

#endif
