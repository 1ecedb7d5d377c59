/* The HTML report's writers (lib/decide/html*.c, docs/report-html.md).
 *
 * Every string taken from the report or the assessment is hostile: it reaches
 * the page only through pki_html_esc() (or the helpers built on it), as text
 * between tags, never inside <script>, <style> or an attribute. Attributes
 * carry only values the writer makes itself (numbers, fixed class names).
 *
 * Ownership: nothing here allocates what it returns; json_t arguments are
 * borrowed. Write errors are sticky on the FILE and checked once at the end. */
#ifndef PK_DECIDE_HTML_INT_H
#define PK_DECIDE_HTML_INT_H

#include <stdio.h>

#include "decide_int.h"

/* Caps on what one table cell shows; longer text is cut with an ellipsis and
 * its full length stated, so a 20,000-finding report stays a usable page. */
#define PKI_HTML_ID      64   /* rule, requirement and vulnerability ids */
#define PKI_HTML_SHORT   200  /* names, versions */
#define PKI_HTML_MATCHED 160  /* what a finding matched */
#define PKI_HTML_TEXT    600  /* messages, details, questions */
#define PKI_HTML_VPATH   1024 /* evidence paths */
#define PKI_HTML_BARS    24   /* bars in one chart; the rest are summed */

/* s as HTML text: & < > " ' as entities; control bytes, C1 controls, bidi
 * overrides and malformed UTF-8 as U+FFFD; tab and line breaks as spaces.
 * At most max bytes of s are shown (0: no cap), then an ellipsis and the
 * whole length. NULL writes nothing. */
void pki_html_esc(FILE *out, const char *s, size_t max);
/* o[key] if it is a string, else dflt (written as is: the writer's own text). */
void pki_html_jesc(FILE *out, const json_t *o, const char *key, size_t max, const char *dflt);
/* An evidence path: escaped, with each "!/" (a step into an archive) marked. */
void pki_html_vpath(FILE *out, const char *vp);
/* <td>..</td> helpers: text, evidence path, a non-negative integer with its
 * sort key (absent or negative: "-"), an offset in hex. */
void pki_html_td(FILE *out, const json_t *o, const char *key, size_t max);
void pki_html_td_vpath(FILE *out, const char *vp);
void pki_html_td_int(FILE *out, const json_t *v);
void pki_html_td_hex(FILE *out, const json_t *v);
/* A sortable table's head: labels[i] is a header; a label starting with '#'
 * is a number column, one starting with '~' a text column sorted by its
 * cells' data-k (severity by rank); the mark is not shown. id names the
 * table for its filter box; filter adds the box. */
void pki_html_thead(FILE *out, const char *id, const char *const *labels, size_t n, int filter);
void pki_html_tfoot(FILE *out);
/* Severity as a rank for sorting: info 0 .. critical 4, unknown -1. */
int pki_html_sev_rank(const char *s);
/* "info".."critical" if s is one of them, else NULL (class names are never
 * built from report text). */
const char *pki_html_sev_class(const char *s);

/* A horizontal bar chart as inline SVG. Labels are escaped; cls are the
 * writer's class names (NULL: the default colour). */
typedef struct pki_html_bar {
    const char *label;
    double value;
    double track; /* > 0: drawn as the bar's full length behind value */
    const char *cls;
    const char *note; /* NULLABLE: shown after the value, e.g. "/ 30" */
} pki_html_bar;
void pki_html_hbar(FILE *out, const char *title, const pki_html_bar *bars, size_t n);

/* html_sections.c: the report's sections, each a <section> */
void pki_html_endpoints(FILE *out, const json_t *report);
void pki_html_severity(FILE *out, const json_t *report);
void pki_html_crypto(FILE *out, const json_t *report);
void pki_html_components(FILE *out, const json_t *report);
void pki_html_vulns(FILE *out, const json_t *report);
void pki_html_findings(FILE *out, const json_t *report);
void pki_html_limits(FILE *out, const json_t *report);

#endif
