/* The HTML report: one self-contained page (docs/report-html.md) rendered
 * from the assessment (the decision) and the native report (the evidence).
 * Top to bottom: executive summary, identity of the deliverable, endpoints,
 * findings by severity, cryptography, requirements, questions for the
 * vendor, then the sortable tables of components, vulnerabilities and every
 * finding.
 *
 * The page loads nothing: its stylesheet and script (rules/report/, compiled
 * into the library) are inline, and a Content-Security-Policy allows exactly
 * those two texts by their SHA-256, so markup smuggled in by a hostile report
 * could not run even if escaping failed. */
#include "html_int.h"

#include <string.h>

#include <openssl/evp.h>

#include "core/rulefiles.h"

/* "sha256-<base64>" of data, the CSP source expression allowing it. */
static int csp_hash(const unsigned char *data, size_t len, char *out, size_t n)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (n < 7 + 45 || !EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        return -1;
    memcpy(out, "sha256-", 7);
    EVP_EncodeBlock((unsigned char *)out + 7, md, 32); /* 44 chars and a NUL */
    return 0;
}

static const char *verdict_class(const char *v)
{
    if (!v)
        return "v-unknown";
    if (strcmp(v, "APPROVE") == 0)
        return "v-approve";
    if (strcmp(v, "APPROVE WITH CONDITIONS") == 0)
        return "v-conditions";
    if (strcmp(v, "REJECT") == 0)
        return "v-reject";
    return "v-unknown";
}

static void head(FILE *out, const json_t *doc, const pki_rulefile *css, const char *css_h,
                 const char *js_h)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n", out);
    /* first in <head>: it governs everything after it */
    fprintf(out,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action "
            "'none'\">\n",
            css_h, js_h);
    fputs("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" "
          "content=\"width=device-width, initial-scale=1\">\n<title>parakh assessment: ",
          out);
    pki_html_jesc(out, doc, "verdict", PKI_HTML_SHORT, "?");
    const json_t *ins = pki_jarr(pki_jobj(doc, "report"), "inputs");
    if (json_is_string(json_array_get(ins, 0))) {
        fputs(" - ", out);
        pki_html_esc(out, json_string_value(json_array_get(ins, 0)), PKI_HTML_SHORT);
    }
    fputs("</title>\n<style>", out);
    fwrite(css->data, 1, css->len, out);
    fputs("</style>\n</head>\n<body>\n", out);
}

static void nav(FILE *out)
{
    static const char *const s[][2] = {{"summary", "Summary"},
                                       {"identity", "Deliverable"},
                                       {"endpoints", "Endpoints"},
                                       {"severity", "Severity"},
                                       {"crypto", "Cryptography"},
                                       {"requirements", "Requirements"},
                                       {"questions", "Questions"},
                                       {"components", "Components"},
                                       {"vulnerabilities", "Vulnerabilities"},
                                       {"findings", "Findings"}};
    fputs("<header class=\"top\"><div class=\"brand\">parakh assessment report</div><nav>", out);
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        fprintf(out, "<a href=\"#%s\">%s</a>", s[i][0], s[i][1]);
    fputs("</nav></header>\n<main>\n", out);
}

/* The score's parts: each bar is a part's contribution over its weight. */
static void score_chart(FILE *out, const json_t *score)
{
    pki_html_bar bars[8];
    char notes[8][48];
    size_t n = 0, i;
    const json_t *p;
    json_array_foreach(pki_jarr(score, "parts"), i, p)
    {
        const json_t *c = json_object_get(p, "contribution"), *w = json_object_get(p, "weight");
        if (n == 8 || !pki_jstr(p, "name") || !json_is_number(c) || !json_is_integer(w))
            continue;
        int ev = json_is_true(json_object_get(p, "evaluated"));
        long long wv = (long long)json_integer_value(w);
        snprintf(notes[n], sizeof notes[n], "of %lld%s",
                 wv < 0      ? 0
                 : wv > 1000 ? 1000
                             : wv,
                 ev ? "" : " (no data)");
        bars[n] = (pki_html_bar){.label = pki_jstr(p, "name"),
                                 .value = json_number_value(c),
                                 .track = (double)(wv < 0      ? 0
                                                   : wv > 1000 ? 1000
                                                               : wv),
                                 .cls = ev ? "fill" : "c-na",
                                 .note = notes[n]};
        n++;
    }
    pki_html_hbar(out, "Risk score by part", bars, n);
}

static void summary(FILE *out, const json_t *doc)
{
    const char *v = pki_jstr(doc, "verdict");
    const json_t *score = pki_jobj(doc, "score"), *sv = json_object_get(score, "value"), *x;
    size_t i;
    fputs("<section id=\"summary\"><h1>Executive summary</h1>\n<div class=\"summary-row\">", out);
    fprintf(out, "<div><div class=\"mute\">Verdict</div><div class=\"badge %s\" id=\"verdict\">",
            verdict_class(v));
    pki_html_esc(out, v ? v : "no verdict", PKI_HTML_SHORT);
    fputs("</div></div>\n<div><div class=\"mute\">Risk score (0 = no risk found, 100 = "
          "worst)</div><div class=\"score-num\" id=\"score\">",
          out);
    if (json_is_integer(sv) && json_integer_value(sv) >= 0 && json_integer_value(sv) <= 100)
        fprintf(out, "%lld", (long long)json_integer_value(sv));
    else
        fputs("?", out);
    fputs("<small> / 100</small></div>", out);
    if (json_is_true(json_object_get(score, "lower_bound")))
        fputs("<div class=\"mute\">a lower bound: parts marked (no data) could not be "
              "evaluated</div>",
              out);
    fputs("</div>\n<div>", out);
    score_chart(out, score);
    fputs("</div></div>\n<h2>Why</h2>\n<ol class=\"reasons\" id=\"reasons\">\n", out);
    json_array_foreach(pki_jarr(doc, "reasons"), i, x) if (json_is_string(x))
    {
        fputs("<li>", out);
        pki_html_esc(out, json_string_value(x), PKI_HTML_TEXT);
        fputs("</li>\n", out);
    }
    fputs("</ol>\n", out);
    const json_t *conds = pki_jarr(doc, "conditions");
    if (json_array_size(conds)) {
        fputs("<h2>Conditions</h2>\n<p class=\"note\">What must be resolved before the product "
              "can be approved.</p>\n<ul class=\"conds\" id=\"conditions\">\n",
              out);
        json_array_foreach(conds, i, x)
        {
            fputs("<li>", out);
            pki_html_jesc(out, x, "text", PKI_HTML_TEXT, "");
            if (json_array_size(pki_jarr(x, "also"))) {
                fputs(" <span class=\"also\">(also needed by ", out);
                size_t k;
                const json_t *a;
                json_array_foreach(pki_jarr(x, "also"), k, a)
                {
                    fputs(k ? ", " : "", out);
                    pki_html_esc(out, json_string_value(a), PKI_HTML_SHORT);
                }
                fputs(")</span>", out);
            }
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
}

/* What a waiver covers, in words. */
static void waiver_target(FILE *out, const json_t *w)
{
    const json_t *f = pki_jobj(w, "finding");
    if (pki_jstr(w, "requirement")) {
        fputs("requirement ", out);
        pki_html_jesc(out, w, "requirement", PKI_HTML_SHORT, "");
    } else if (pki_jstr(w, "vulnerability")) {
        fputs("vulnerability ", out);
        pki_html_jesc(out, w, "vulnerability", PKI_HTML_SHORT, "");
    } else if (f) {
        fputs("finding ", out);
        pki_html_jesc(out, f, "rule_id", PKI_HTML_SHORT, "?");
        if (pki_jstr(f, "vpath")) {
            fputs(" in ", out);
            pki_html_vpath(out, pki_jstr(f, "vpath"));
        }
        if (json_is_integer(json_object_get(f, "offset")))
            fprintf(out, " at 0x%llx",
                    (unsigned long long)json_integer_value(json_object_get(f, "offset")));
    } else {
        fputs("?", out);
    }
}

static void waivers(FILE *out, const json_t *doc)
{
    const json_t *ws = pki_jarr(doc, "waivers"), *w;
    size_t i;
    fputs("<h2>Accepted risks (waivers)</h2>\n", out);
    if (!json_array_size(ws)) {
        fputs("<p class=\"note\">No waivers were given: no failure was accepted as a "
              "risk.</p>\n</section>\n",
              out);
        return;
    }
    fputs("<div class=\"waiver-box\"><p class=\"note\">A waiver turns a failure into a risk the "
          "agency accepts. Expired waivers do not count.</p>\n",
          out);
    static const char *const h[] = {"Covers",  "Justification", "Approved by",
                                    "Expires", "State",         "Used"};
    pki_html_thead(out, "t-waivers", h, 6, 0);
    json_array_foreach(ws, i, w)
    {
        if (!json_is_object(w))
            continue;
        int active = pki_jstr(w, "state") && strcmp(pki_jstr(w, "state"), "active") == 0;
        fputs("<tr><td>", out);
        waiver_target(out, w);
        fputs("</td>", out);
        pki_html_td(out, w, "justification", PKI_HTML_TEXT);
        fputs("<td><strong>", out);
        pki_html_jesc(out, w, "approver", PKI_HTML_SHORT, "");
        fputs("</strong></td><td><strong>", out);
        pki_html_jesc(out, w, "expires", 16, "");
        fprintf(out, "</strong></td><td><span class=\"%s\">%s</span></td><td>%s</td></tr>\n",
                active ? "active" : "expired", active ? "active" : "EXPIRED: does not count",
                json_is_true(json_object_get(w, "used")) ? "yes" : "no");
    }
    pki_html_tfoot(out);
    fputs("</div>\n</section>\n", out);
}

static void dl_str(FILE *out, const char *label, const char *s, size_t max)
{
    fprintf(out, "<dt>%s</dt><dd>", label);
    if (s)
        pki_html_esc(out, s, max);
    else
        fputs("<span class=\"mute\">not stated</span>", out);
    fputs("</dd>\n", out);
}

static void identity(FILE *out, const json_t *doc, const json_t *rep)
{
    const json_t *prof = pki_jobj(doc, "profile"), *scan = pki_jobj(rep, "scan"), *x, *f;
    size_t i, k;
    fputs("<section id=\"identity\"><h2>The deliverable</h2>\n<dl class=\"ident\">\n", out);
    fputs("<dt>Inputs</dt><dd>", out);
    json_array_foreach(pki_jarr(rep, "inputs"), i, x)
    {
        if (i == 50) {
            fprintf(out, "<span class=\"trunc\">%zu inputs in all</span>",
                    json_array_size(pki_jarr(rep, "inputs")));
            break;
        }
        const char *path = pki_jstr(x, "path");
        fputs("<div>", out);
        pki_html_vpath(out, path);
        fputs(" <span class=\"mute\">(", out);
        pki_html_jesc(out, x, "kind", 16, "?");
        fputs(")</span>", out);
        /* the input's own hash, when the report lists it as a file */
        json_array_foreach(pki_jarr(rep, "files"), k, f)
        {
            const json_t *d = json_object_get(f, "depth");
            const char *fv = pki_jstr(f, "vpath"), *base = path ? strrchr(path, '/') : NULL;
            /* a top-level file's evidence path is the input as given, or its name */
            if (!json_is_integer(d) || json_integer_value(d) != 0 || !path || !fv ||
                (strcmp(fv, path) != 0 && (!base || strcmp(fv, base + 1) != 0)))
                continue;
            if (pki_jstr(f, "sha256")) {
                fputs("<br>SHA-256 <code>", out);
                pki_html_jesc(out, f, "sha256", 64, "");
                fputs("</code>", out);
            }
            if (json_is_integer(json_object_get(f, "size")))
                fprintf(out, " <span class=\"mute\">%lld bytes</span>",
                        (long long)json_integer_value(json_object_get(f, "size")));
            break;
        }
        fputs("</div>", out);
    }
    fputs("</dd>\n", out);
    dl_str(out, "Scan started", pki_jstr(scan, "started"), 40);
    dl_str(out, "Scan finished", pki_jstr(scan, "finished"), 40);
    dl_str(out, "Scanned by", pki_jstr(pki_jobj(rep, "tool"), "version"), 40);
    fputs("<dt>Profile</dt><dd>", out);
    pki_html_jesc(out, prof, "name", PKI_HTML_SHORT, "?");
    fputs(" version ", out);
    pki_html_jesc(out, prof, "version", PKI_HTML_SHORT, "?");
    fputs(" (", out);
    pki_html_jesc(out, prof, "title", PKI_HTML_SHORT, "");
    fputs(")</dd>\n", out);
    dl_str(out, "Policy date", pki_jstr(doc, "policy_date"), 16);
    dl_str(out, "Assessed by", pki_jstr(pki_jobj(doc, "tool"), "version"), 40);
    const json_t *sum = pki_jobj(rep, "summary");
    if (json_is_integer(json_object_get(sum, "files")))
        fprintf(out, "<dt>Files examined</dt><dd>%lld (%lld bytes)</dd>\n",
                (long long)json_integer_value(json_object_get(sum, "files")),
                (long long)json_integer_value(json_object_get(sum, "bytes_scanned")));
    const json_t *db = pki_jobj(rep, "vulnerability_db");
    fputs("<dt>Vulnerability database</dt><dd>", out);
    if (db) {
        pki_html_jesc(out, db, "path", PKI_HTML_VPATH, "?");
        fputs(", records up to ", out);
        pki_html_jesc(out, db, "newest", 16, "?");
    } else {
        fputs("<span class=\"mute\">none used</span>", out);
    }
    fputs("</dd>\n</dl>\n</section>\n", out);
}

static void status_cell(FILE *out, const json_t *r)
{
    const char *st = pki_jstr(r, "status");
    static const char *const s[][3] = {{"pass", "st-pass", "pass"},
                                       {"fail", "st-fail", "FAIL"},
                                       {"not_applicable", "st-na", "n/a"},
                                       {"not_evaluated", "st-ne", "NOT EVALUATED"}};
    const char *cls = "st-na", *txt = "?";
    for (size_t i = 0; st && i < 4; i++)
        if (strcmp(st, s[i][0]) == 0)
            cls = s[i][1], txt = s[i][2];
    if (json_is_true(json_object_get(r, "waived")))
        cls = "st-waived", txt = "WAIVED";
    fprintf(out, "<td><span class=\"st %s\">%s</span></td>", cls, txt);
}

static void requirements(FILE *out, const json_t *doc)
{
    const json_t *reqs = pki_jarr(doc, "requirements"), *r, *c = pki_jobj(doc, "counts");
    size_t i;
    fputs("<section id=\"requirements\"><h2>Requirements</h2>\n<p>", out);
    static const char *const k[] = {"pass", "fail", "waived", "not_applicable", "not_evaluated"};
    for (i = 0; i < 5; i++)
        fprintf(out, "%s%lld %s", i ? ", " : "",
                (long long)json_integer_value(json_object_get(c, k[i])),
                i == 3   ? "not applicable"
                : i == 4 ? "not evaluated"
                         : k[i]);
    fputs(".</p>\n", out);
    static const char *const h[] = {"Status",  "ID",     "Title", "Clause",
                                    "On fail", "Detail", "Waived"};
    pki_html_thead(out, "t-requirements", h, 7, 0);
    json_array_foreach(reqs, i, r)
    {
        if (!json_is_object(r))
            continue;
        fputs("<tr>", out);
        status_cell(out, r);
        fputs("<td class=\"mono id\">", out);
        pki_html_jesc(out, r, "id", PKI_HTML_ID, "");
        fputs("</td>", out);
        pki_html_td(out, r, "title", PKI_HTML_SHORT);
        pki_html_td(out, r, "clause", PKI_HTML_SHORT);
        fputs("<td class=\"nw\">", out);
        pki_html_jesc(out, r, "on_fail", 16, "");
        fputs("</td>", out);
        pki_html_td(out, r, "detail", PKI_HTML_TEXT);
        const json_t *w = pki_jobj(r, "waiver");
        fputs("<td>", out);
        if (json_is_true(json_object_get(r, "waived"))) {
            fputs("yes", out);
            if (w) {
                fputs(": ", out);
                pki_html_jesc(out, w, "justification", PKI_HTML_TEXT, "");
                fputs(" (approved by ", out);
                pki_html_jesc(out, w, "approver", PKI_HTML_SHORT, "?");
                fputs(", until ", out);
                pki_html_jesc(out, w, "expires", 16, "?");
                fputs(")", out);
            }
        } else {
            fputs("-", out);
        }
        fputs("</td></tr>\n", out);
    }
    pki_html_tfoot(out);
    fputs("</section>\n", out);
}

/* The requirement object with this id, for its title and evidence. */
static const json_t *req_by_id(const json_t *doc, const char *id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(pki_jarr(doc, "requirements"), i, r)
    {
        const char *x = pki_jstr(r, "id");
        if (x && id && strcmp(x, id) == 0)
            return r;
    }
    return NULL;
}

/* The evidence a question quotes: its file and offset, and what was found
 * there when the requirement's evidence has that item. */
static void quote(FILE *out, const json_t *q, const json_t *req)
{
    const char *vp = pki_jstr(q, "vpath");
    const json_t *off = json_object_get(q, "offset"), *e, *hit = NULL;
    size_t i;
    if (!vp)
        return;
    json_array_foreach(pki_jarr(req, "evidence"), i, e)
    {
        const char *ev = pki_jstr(e, "vpath");
        if (ev && strcmp(ev, vp) == 0 &&
            (!json_is_integer(off) || json_equal(off, json_object_get(e, "offset")))) {
            hit = e;
            break;
        }
    }
    fputs("<blockquote class=\"ev\">Evidence: ", out);
    pki_html_vpath(out, vp);
    if (json_is_integer(off) && json_integer_value(off) >= 0)
        fprintf(out, " at offset <code>0x%llx</code>", (unsigned long long)json_integer_value(off));
    if (hit && (pki_jstr(hit, "value") || pki_jstr(hit, "message"))) {
        fputs("<br>Found: <code>", out);
        pki_html_jesc(out, hit, pki_jstr(hit, "value") ? "value" : "message", PKI_HTML_MATCHED, "");
        fputs("</code>", out);
        if (pki_jstr(hit, "rule_id")) {
            fputs(" (rule ", out);
            pki_html_jesc(out, hit, "rule_id", PKI_HTML_SHORT, "");
            fputs(")", out);
        }
    }
    fputs("</blockquote>\n", out);
}

static void questions(FILE *out, const json_t *doc)
{
    const json_t *qs = pki_jarr(doc, "questions"), *q;
    size_t i, n = 0;
    fputs("<section id=\"questions\" class=\"break\"><h2>Questions for the vendor</h2>\n", out);
    if (!json_array_size(qs)) {
        fputs("<p>No open questions: every requirement passed, was not applicable, or was "
              "waived.</p></section>\n",
              out);
        return;
    }
    fputs("<p class=\"note\">One question per issue, grouped by requirement, each with the "
          "evidence to quote to the vendor.</p>\n",
          out);
    const char *last = NULL;
    json_array_foreach(qs, i, q)
    {
        if (!json_is_object(q))
            continue;
        const char *rid = pki_jstr(q, "requirement");
        if (!last || !rid || strcmp(last, rid) != 0) {
            const json_t *r = req_by_id(doc, rid);
            fputs(last ? "</ol>\n<h3>" : "<h3>", out);
            pki_html_esc(out, rid ? rid : "?", PKI_HTML_SHORT);
            if (pki_jstr(r, "title")) {
                fputs(": ", out);
                pki_html_jesc(out, r, "title", PKI_HTML_SHORT, "");
            }
            fputs("</h3>\n", out);
            if (json_array_size(pki_jarr(q, "also"))) {
                fputs("<p class=\"also\">Also concerns ", out);
                size_t k;
                const json_t *a;
                json_array_foreach(pki_jarr(q, "also"), k, a)
                {
                    fputs(k ? ", " : "", out);
                    pki_html_esc(out, json_string_value(a), PKI_HTML_SHORT);
                }
                fputs("</p>\n", out);
            }
            fprintf(out, "<ol class=\"questions\" start=\"%zu\">\n", n + 1);
            last = rid ? rid : "";
        }
        n++;
        fputs("<li>", out);
        pki_html_jesc(out, q, "text", 2 * PKI_HTML_TEXT, "");
        quote(out, q, req_by_id(doc, rid));
        fputs("</li>\n", out);
    }
    fputs(last ? "</ol>\n</section>\n" : "</section>\n", out);
}

pk_status pki_dec_write_html(const json_t *doc, const json_t *report, FILE *out)
{
    if (!doc || !out)
        return PK_E_MISUSE;
    const pki_rulefile *css = pki_rulefile_get("report/report.css"),
                       *js = pki_rulefile_get("report/report.js");
    char css_h[64], js_h[64];
    if (!css || !js || csp_hash(css->data, css->len, css_h, sizeof css_h) != 0 ||
        csp_hash(js->data, js->len, js_h, sizeof js_h) != 0)
        return PK_E_INTERNAL;
    head(out, doc, css, css_h, js_h);
    nav(out);
    summary(out, doc);
    waivers(out, doc);
    identity(out, doc, report);
    pki_html_endpoints(out, report);
    pki_html_severity(out, report);
    pki_html_crypto(out, report);
    requirements(out, doc);
    questions(out, doc);
    pki_html_components(out, report);
    pki_html_vulns(out, report);
    pki_html_findings(out, report);
    pki_html_limits(out, report);
    fputs("</main>\n<footer>Made by parakh ", out);
    pki_html_jesc(out, pki_jobj(doc, "tool"), "version", 40, "");
    fputs(" from the native report and the assessment (docs/report-html.md). Every text on this "
          "page comes from the deliverable or its report and is shown as text.</footer>\n<script>",
          out);
    fwrite(js->data, 1, js->len, out);
    fputs("</script>\n</body></html>\n", out);
    return fflush(out) == 0 && !ferror(out) ? PK_OK : PK_E_IO;
}
