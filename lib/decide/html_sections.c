/* The HTML report's evidence sections, rendered from the native report
 * (docs/report.schema.json): endpoints by country and class, findings by
 * severity, the cryptography, and the sortable tables of components,
 * vulnerabilities and every finding. Each value is type-checked: a field of
 * another type shows as absent, an element that is not an object is skipped. */
#include "html_int.h"

#include <string.h>

static int cmp_bar(const void *a, const void *b)
{
    const pki_html_bar *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return strcmp(x->label, y->label); /* ties in name order: the same page every time */
}

/* A chart of arr's {key, "count"} objects, largest first; beyond
 * PKI_HTML_BARS the rest are summed into one bar. Countries outside an
 * allowed list (allowed non-NULL) and "unknown" get their own colours. */
static void count_chart(FILE *out, const char *title, const json_t *arr, const char *key,
                        const json_t *allowed)
{
    pki_html_bar bars[PKI_HTML_BARS + 1];
    char other[64];
    size_t n = 0, i, rest = 0;
    double rest_sum = 0;
    const json_t *v;
    /* sort a bounded copy: the report may hold any number of entries */
    json_array_foreach(arr, i, v)
    {
        const char *label = pki_jstr(v, key);
        const json_t *c = json_object_get(v, "count");
        if (!label || !json_is_integer(c) || json_integer_value(c) < 0)
            continue;
        pki_html_bar b = {.label = label, .value = (double)json_integer_value(c)};
        if (strcmp(label, "unknown") == 0) {
            b.label = "unknown (not located)";
            b.cls = "c-unk";
        } else if (json_is_array(allowed)) {
            int ok = 0;
            size_t k;
            const json_t *a;
            json_array_foreach(allowed, k, a) ok |=
                json_is_string(a) && strcmp(json_string_value(a), label) == 0;
            b.cls = ok ? NULL : "c-out";
        }
        if (n < PKI_HTML_BARS) {
            bars[n++] = b;
            qsort(bars, n, sizeof bars[0], cmp_bar);
        } else if (b.value > bars[n - 1].value) {
            rest_sum += bars[n - 1].value, rest++;
            bars[n - 1] = b;
            qsort(bars, n, sizeof bars[0], cmp_bar);
        } else {
            rest_sum += b.value, rest++;
        }
    }
    if (rest) {
        snprintf(other, sizeof other, "%zu others", rest);
        bars[n++] = (pki_html_bar){.label = other, .value = rest_sum, .cls = "c-na"};
    }
    fprintf(out, "<div class=\"chart\"><h3>%s</h3>\n", title);
    pki_html_hbar(out, title, bars, n);
    fputs("</div>\n", out);
}

/* ", "-joined strings of arr, each escaped, at most max of them. */
static void join(FILE *out, const json_t *arr, size_t max)
{
    size_t i, shown = 0;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v))
            continue;
        if (shown == max) {
            fprintf(out, " <span class=\"trunc\">(%zu in all)</span>", json_array_size(arr));
            break;
        }
        fputs(shown++ ? ", " : "", out);
        pki_html_esc(out, json_string_value(v), PKI_HTML_SHORT);
    }
}

void pki_html_endpoints(FILE *out, const json_t *report)
{
    const json_t *ep = json_object_get(report, "endpoints");
    fputs("<section id=\"endpoints\"><h2>Where it connects: endpoints</h2>\n", out);
    if (!json_is_object(ep)) {
        fputs("<p class=\"note\">No endpoint analysis in this report: the countries the product "
              "contacts were not evaluated.</p></section>\n",
              out);
        return;
    }
    const json_t *allowed = json_object_get(ep, "allowed_countries");
    const json_t *cnt = json_object_get(ep, "count");
    fprintf(out, "<p>%lld endpoint(s) found.",
            json_is_integer(cnt) ? (long long)json_integer_value(cnt) : 0LL);
    if (json_is_array(allowed)) {
        fputs(" Allowed countries: ", out);
        join(out, allowed, 64);
        fputs("; bars in red are outside that list.", out);
    } else {
        fputs(" No list of allowed countries was given.", out);
    }
    if (!json_is_true(json_object_get(ep, "knowledge_base")))
        fputs(" No IP-to-country database was used: only country-code domains are located.", out);
    fputs("</p>\n<div class=\"charts\">\n", out);
    count_chart(out, "Endpoints by country", pki_jarr(ep, "countries"), "country", allowed);
    count_chart(out, "Endpoints by class", pki_jarr(ep, "classes"), "class", NULL);
    fputs("</div>\n", out);
    const json_t *list = pki_jarr(ep, "list"), *e;
    size_t i;
    if (!json_array_size(list)) {
        fputs("</section>\n", out);
        return;
    }
    static const char *const h[] = {"Endpoint",     "Country",       "How located", "Classes",
                                    "#Occurrences", "First seen in", "#Offset"};
    pki_html_thead(out, "t-endpoints", h, 7, 1);
    json_array_foreach(list, i, e)
    {
        if (!json_is_object(e))
            continue;
        const json_t *occ = json_array_get(pki_jarr(e, "occurrences"), 0);
        fputs("<tr>", out);
        pki_html_td(out, e, "value", PKI_HTML_TEXT);
        fputs("<td>", out);
        pki_html_jesc(out, e, "country", 16, "unknown");
        if (json_is_false(json_object_get(e, "allowed")))
            fputs(" <span class=\"kev\">not allowed</span>", out);
        fputs("</td>", out);
        pki_html_td(out, e, "how", PKI_HTML_SHORT);
        fputs("<td>", out);
        join(out, pki_jarr(e, "classes"), 8);
        fputs("</td>", out);
        pki_html_td_int(out, json_object_get(e, "total"));
        pki_html_td_vpath(out, pki_jstr(occ, "vpath"));
        pki_html_td_hex(out, json_object_get(occ, "offset"));
        fputs("</tr>\n", out);
    }
    pki_html_tfoot(out);
    fputs("</section>\n", out);
}

void pki_html_severity(FILE *out, const json_t *report)
{
    static const char *const sev[] = {"critical", "high", "medium", "low", "info"};
    static const char *const cls[] = {"c-critical", "c-high", "c-medium", "c-low", "c-info"};
    double n[5] = {0};
    size_t i;
    const json_t *f;
    /* counted from the findings themselves, not from the report's summary */
    json_array_foreach(pki_jarr(report, "findings"), i, f)
    {
        int r = pki_html_sev_rank(pki_jstr(f, "severity"));
        if (r >= 0)
            n[4 - r]++;
    }
    pki_html_bar bars[5];
    for (i = 0; i < 5; i++)
        bars[i] = (pki_html_bar){.label = sev[i], .value = n[i], .cls = cls[i]};
    fputs("<section id=\"severity\"><h2>Findings by severity</h2>\n", out);
    pki_html_hbar(out, "Findings by severity", bars, 5);
    fputs("</section>\n", out);
}

/* The detail column of a crypto asset: what kind of thing it is. */
static void crypto_detail(FILE *out, const json_t *a)
{
    static const char *const keys[][2] = {{"primitive", ""},
                                          {"mode", "mode "},
                                          {"curve", "curve "},
                                          {"family", ""},
                                          {"library", "library "},
                                          {"version", "version "},
                                          {"subject", "subject "},
                                          {"issuer", "issuer "},
                                          {"not_after", "valid until "},
                                          {"fips_note", ""},
                                          {"cmvp_certificate", "CMVP #"}};
    int any = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *s = pki_jstr(a, keys[k][0]);
        if (!s)
            continue;
        fprintf(out, "%s%s", any++ ? "; " : "", keys[k][1]);
        pki_html_esc(out, s, PKI_HTML_SHORT);
    }
    const json_t *size = json_object_get(a, "size");
    if (json_is_integer(size) && json_integer_value(size) > 0)
        fprintf(out, "%s%lld bits", any++ ? "; " : "", (long long)json_integer_value(size));
}

void pki_html_crypto(FILE *out, const json_t *report)
{
    const json_t *cr = pki_jobj(report, "crypto");
    fputs("<section id=\"crypto\"><h2>Cryptography</h2>\n", out);
    if (!cr) {
        fputs("<p class=\"note\">No cryptography inventory in this report.</p></section>\n", out);
        return;
    }
    const json_t *pol = pki_jobj(cr, "policy");
    fputs("<p>Judged against the cryptographic policy ", out);
    pki_html_jesc(out, pol, "version", PKI_HTML_SHORT, "?");
    fputs(" of ", out);
    pki_html_jesc(out, pol, "date", 16, "?");
    fputs(" (docs/crypto-policy.md).</p>\n", out);
    static const char *const h[] = {"Status", "Kind",  "Name",         "Detail",
                                    "Reason", "#Uses", "First seen in"};
    pki_html_thead(out, "t-crypto", h, 7, 1);
    size_t i;
    const json_t *a;
    json_array_foreach(pki_jarr(cr, "assets"), i, a)
    {
        if (!json_is_object(a))
            continue;
        static const char *const st[] = {"approved",     "deprecated", "disallowed", "legacy-use",
                                         "not-approved", "national",   "unknown"};
        const char *s = pki_jstr(a, "status"), *cls = NULL;
        for (size_t k = 0; s && k < 7; k++)
            if (strcmp(s, st[k]) == 0)
                cls = st[k];
        fprintf(out, "<tr><td class=\"nw cs-%s\">", cls ? cls : "none");
        pki_html_esc(out, cls ? cls : "not judged", 0);
        fputs("</td>", out);
        pki_html_td(out, a, "kind", PKI_HTML_SHORT);
        pki_html_td(out, a, "name", PKI_HTML_SHORT);
        fputs("<td>", out);
        crypto_detail(out, a);
        fputs("</td><td>", out);
        pki_html_jesc(out, a, "reason", PKI_HTML_TEXT, "");
        if (pki_jstr(a, "until")) {
            fputs(" (until ", out);
            pki_html_jesc(out, a, "until", 32, "");
            fputs(")", out);
        }
        fputs("</td>", out);
        pki_html_td_int(out, json_object_get(a, "occurrences"));
        const json_t *where = pki_jarr(a, "where");
        fputs("<td>", out);
        pki_html_vpath(out, pki_jstr(json_array_get(where, 0), "vpath"));
        if (json_array_size(where) > 1)
            fprintf(out, " <span class=\"trunc\">+%zu more</span>", json_array_size(where) - 1);
        fputs("</td></tr>\n", out);
    }
    pki_html_tfoot(out);
    fputs("</section>\n", out);
}

/* The ecosystem of a component: its purl type ("pkg:deb/..." -> deb), else
 * its type field. */
static void ecosystem(FILE *out, const json_t *c)
{
    const char *p = pki_jstr(c, "purl");
    if (p && strncmp(p, "pkg:", 4) == 0) {
        char eco[32];
        size_t n = strcspn(p + 4, "/@?#");
        if (n && n < sizeof eco) {
            memcpy(eco, p + 4, n);
            eco[n] = 0;
            pki_html_esc(out, eco, 0);
            return;
        }
    }
    pki_html_jesc(out, c, "type", PKI_HTML_SHORT, "");
}

void pki_html_components(FILE *out, const json_t *report)
{
    const json_t *cs = pki_jarr(report, "components"), *c;
    size_t i;
    fprintf(out, "<section id=\"components\" class=\"break\"><h2>Components (%zu)</h2>\n",
            json_array_size(cs));
    static const char *const h[] = {"Name",        "Version", "Ecosystem",
                                    "Package URL", "License", "Evidence path"};
    pki_html_thead(out, "t-components", h, 6, 1);
    json_array_foreach(cs, i, c)
    {
        if (!json_is_object(c))
            continue;
        fputs("<tr><td>", out);
        if (pki_jstr(c, "namespace")) {
            pki_html_jesc(out, c, "namespace", PKI_HTML_SHORT, "");
            fputs("/", out);
        }
        pki_html_jesc(out, c, "name", PKI_HTML_SHORT, "");
        fputs("</td>", out);
        pki_html_td(out, c, "version", PKI_HTML_SHORT);
        fputs("<td>", out);
        ecosystem(out, c);
        fputs("</td>", out);
        pki_html_td(out, c, "purl", PKI_HTML_TEXT);
        pki_html_td(out, c, "license", PKI_HTML_SHORT);
        const json_t *ev = pki_jarr(c, "evidence");
        fputs("<td>", out);
        pki_html_vpath(out, pki_jstr(json_array_get(ev, 0), "vpath"));
        if (json_array_size(ev) > 1)
            fprintf(out, " <span class=\"trunc\">+%zu more</span>", json_array_size(ev) - 1);
        fputs("</td></tr>\n", out);
    }
    pki_html_tfoot(out);
    fputs("</section>\n", out);
}

/* A number in [0, max] as a cell with its sort key, or "-". */
static void td_num(FILE *out, const json_t *v, double max, const char *fmt)
{
    if (json_is_number(v) && json_number_value(v) >= 0 && json_number_value(v) <= max) {
        fprintf(out, "<td class=\"num\" data-k=\"%.4f\">", json_number_value(v));
        fprintf(out, fmt, json_number_value(v));
        fputs("</td>", out);
    } else {
        fputs("<td class=\"num\" data-k=\"-1\">-</td>", out);
    }
}

void pki_html_vulns(FILE *out, const json_t *report)
{
    const json_t *vs = pki_jarr(report, "vulnerabilities"), *v;
    size_t i;
    fputs("<section id=\"vulnerabilities\"><h2>Known vulnerabilities</h2>\n", out);
    if (!vs) {
        fputs("<p class=\"note\">No vulnerability database was used for this report: known "
              "vulnerabilities were not evaluated.</p></section>\n",
              out);
        return;
    }
    const json_t *db = pki_jobj(report, "vulnerability_db");
    fprintf(out, "<p>%zu match(es)", json_array_size(vs));
    if (pki_jstr(db, "newest")) {
        fputs("; database records up to ", out);
        pki_html_jesc(out, db, "newest", 16, "");
    }
    fputs(".</p>\n", out);
    if (!json_array_size(vs)) {
        fputs("<p>No known vulnerability matched a component.</p></section>\n", out);
        return;
    }
    static const char *const h[] = {"ID",    "Aliases",   "~Severity", "#CVSS",        "KEV",
                                    "#EPSS", "Component", "Fixed in",  "Evidence path"};
    pki_html_thead(out, "t-vulns", h, 9, 1);
    json_array_foreach(vs, i, v)
    {
        if (!json_is_object(v))
            continue;
        const char *sev = pki_html_sev_class(pki_jstr(v, "severity"));
        const json_t *comp = pki_jobj(v, "component"), *kev = pki_jobj(v, "kev");
        fputs("<tr>", out);
        fputs("<td class=\"mono id\">", out);
        pki_html_jesc(out, v, "id", PKI_HTML_ID, "");
        if (json_is_true(json_object_get(v, "suppressed"))) {
            fputs(" <span class=\"trunc\">(VEX: ", out);
            pki_html_jesc(out, pki_jobj(v, "vex"), "state", 32, "suppressed");
            fputs(")</span>", out);
        }
        fputs("</td><td>", out);
        join(out, pki_jarr(v, "aliases"), 6);
        fprintf(out, "</td><td class=\"sev sev-%s\" data-k=\"%d\">%s</td>", sev ? sev : "none",
                pki_html_sev_rank(sev), sev ? sev : "-");
        td_num(out, json_object_get(pki_jobj(v, "cvss"), "score"), 10, "%.1f");
        if (kev) {
            fputs("<td><span class=\"kev\">KEV</span> ", out);
            pki_html_jesc(out, kev, "added", 16, "");
            fputs("</td>", out);
        } else {
            fputs("<td>-</td>", out);
        }
        td_num(out, json_object_get(pki_jobj(v, "epss"), "score"), 1, "%.3f");
        fputs("<td>", out);
        pki_html_jesc(out, comp, "name", PKI_HTML_SHORT, "");
        if (pki_jstr(comp, "version")) {
            fputs(" ", out);
            pki_html_jesc(out, comp, "version", PKI_HTML_SHORT, "");
        }
        fputs("</td>", out);
        pki_html_td(out, v, "fixed", PKI_HTML_SHORT);
        pki_html_td_vpath(out, pki_jstr(comp, "file_vpath") ? pki_jstr(comp, "file_vpath")
                                                            : pki_jstr(comp, "evidence"));
        fputs("</tr>\n", out);
    }
    pki_html_tfoot(out);
    fputs("</section>\n", out);
}

void pki_html_findings(FILE *out, const json_t *report)
{
    const json_t *fs = pki_jarr(report, "findings"), *f;
    size_t i;
    fprintf(out, "<section id=\"findings\" class=\"break\"><h2>All findings (%zu)</h2>\n",
            json_array_size(fs));
    fputs(
        "<p class=\"note\">Evidence paths go through nested archives: <code>a.zip!/b.jar!/c</code> "
        "is file c inside b.jar inside a.zip. Offsets are byte offsets in that file.</p>\n",
        out);
    static const char *const h[] = {"~Severity", "Rule",    "Title",      "Evidence path",
                                    "#Offset",   "Matched", "#Confidence"};
    pki_html_thead(out, "t-findings", h, 7, 1);
    json_array_foreach(fs, i, f)
    {
        if (!json_is_object(f))
            continue;
        const char *sev = pki_html_sev_class(pki_jstr(f, "severity"));
        fprintf(out, "<tr><td class=\"sev sev-%s\" data-k=\"%d\">%s</td>", sev ? sev : "none",
                pki_html_sev_rank(sev), sev ? sev : "-");
        fputs("<td class=\"mono id\">", out);
        pki_html_jesc(out, f, "rule_id", PKI_HTML_ID, "");
        fputs("</td>", out);
        pki_html_td(out, f, "message", PKI_HTML_TEXT);
        pki_html_td_vpath(out, pki_jstr(f, "vpath"));
        pki_html_td_hex(out, json_object_get(f, "offset"));
        fputs("<td class=\"mono\">", out);
        pki_html_jesc(out, f, "evidence", PKI_HTML_MATCHED, pki_jstr(f, "record") ? "" : "-");
        if (pki_jstr(f, "record")) {
            fputs(pki_jstr(f, "evidence") ? " (" : "", out);
            pki_html_jesc(out, f, "record", PKI_HTML_MATCHED, "");
            fputs(pki_jstr(f, "evidence") ? ")" : "", out);
        }
        fputs("</td>", out);
        pki_html_td_int(out, json_object_get(f, "confidence"));
        fputs("</tr>\n", out);
    }
    pki_html_tfoot(out);
    fputs("</section>\n", out);
}

void pki_html_limits(FILE *out, const json_t *report)
{
    const json_t *lh = pki_jarr(report, "limits_hit"), *l;
    size_t i;
    if (!json_array_size(lh))
        return;
    fputs("<section id=\"limits\"><h2>Limits reached during the scan</h2>\n<p class=\"note\">"
          "Parts of the deliverable beyond these limits were not examined.</p><ul>\n",
          out);
    json_array_foreach(lh, i, l)
    {
        fputs("<li><code>", out);
        pki_html_jesc(out, l, "rule_id", PKI_HTML_SHORT, "");
        fputs("</code> ", out);
        pki_html_vpath(out, pki_jstr(l, "vpath"));
        fputs(": ", out);
        pki_html_jesc(out, l, "message", PKI_HTML_TEXT, "");
        fputs("</li>\n", out);
    }
    fputs("</ul></section>\n", out);
}
