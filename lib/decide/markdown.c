/* The whole assessment as Markdown (CommonMark with GFM tables): for a
 * ticket, a wiki or a review committee's minutes. Rendered from the
 * assessment document and the report, like every other output.
 *
 * Every string that came from the deliverable is hostile: a file name can
 * hold "<script>", "|" or "`". Plain text is backslash-escaped (CommonMark
 * lets any ASCII punctuation be escaped), table cells too, and paths go into
 * code spans whose fence is longer than any backtick run inside, so nothing
 * from the deliverable becomes markup or HTML in a renderer. */
#include "decide_int.h"

#include <string.h>

static const char *s_or(const json_t *o, const char *k, const char *dflt)
{
    const char *s = pki_jstr(o, k);
    return s ? s : dflt;
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* Plain text: markup characters escaped, line breaks and control bytes
 * flattened to spaces (a cell or list item stays one line). */
void pki_md_text(FILE *out, const char *s)
{
    static const char esc[] = "\\`*_[]<>|&~#!";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fputc(' ', out);
        else {
            if (strchr(esc, c))
                fputc('\\', out);
            fputc(c, out);
        }
    }
}

/* A code span: fenced by one backtick more than the longest run inside,
 * padded when the content starts or ends with a backtick. In a table cell a
 * '|' is escaped, as GFM ends cells at it even inside code spans. */
static void code(FILE *out, const char *s, int cell)
{
    size_t run = 0, longest = 0;
    const char *p;
    for (p = s; p && *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    size_t n = s ? strlen(s) : 0;
    int pad = n && (s[0] == '`' || s[n - 1] == '`' || s[0] == ' ');
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
    if (pad)
        fputc(' ', out);
    for (p = s; p && *p; p++) {
        unsigned char c = (unsigned char)*p;
        /* a '|' ends a GFM table cell even inside a code span */
        if (c == '|' && cell)
            fputs("\\|", out);
        else
            fputc(c < 0x20 || c == 0x7f ? ' ' : c, out);
    }
    if (pad)
        fputc(' ', out);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
}

void pki_md_code(FILE *out, const char *s)
{
    code(out, s, 0);
}

static void cell_code(FILE *out, const char *s)
{
    code(out, s, 1);
}

/* Text the engine wrote with `…` around the deliverable's strings (the
 * questions, the reasons). The quoted strings hold no backtick (assess.c
 * turns them into "'"), so backticks are the engine's own: spans stay code,
 * the rest is escaped. An unpaired backtick is escaped as text. */
void pki_md_mixed(FILE *out, const char *s)
{
    char buf[4096];
    while (s && *s) {
        const char *open = strchr(s, '`');
        const char *close = open ? strchr(open + 1, '`') : NULL;
        size_t plain = close ? (size_t)(open - s) : strlen(s);
        while (plain) {
            size_t k = plain < sizeof buf - 1 ? plain : sizeof buf - 1;
            memcpy(buf, s, k);
            buf[k] = 0;
            pki_md_text(out, buf);
            s += k;
            plain -= k;
        }
        if (!close)
            break;
        size_t k = (size_t)(close - open - 1);
        k = k < sizeof buf - 1 ? k : sizeof buf - 1;
        memcpy(buf, open + 1, k);
        buf[k] = 0;
        pki_md_code(out, buf);
        s = close + 1;
    }
}

static void evidence_line(FILE *out, const json_t *ev)
{
    const char *kind = s_or(ev, "kind", "finding");
    const char *id = pki_jstr(ev, "rule_id") ? pki_jstr(ev, "rule_id") : pki_jstr(ev, "id");
    const char *vp = pki_jstr(ev, "vpath");
    const json_t *off = json_object_get(ev, "offset");
    fprintf(out, "- %s", kind);
    if (id) {
        fputc(' ', out);
        pki_md_text(out, id);
    }
    if (pki_jstr(ev, "country")) {
        fputs(" (country ", out);
        pki_md_text(out, pki_jstr(ev, "country"));
        fputc(')', out);
    }
    if (pki_jstr(ev, "component")) {
        fputs(" in ", out);
        pki_md_text(out, pki_jstr(ev, "component"));
    }
    if (vp) {
        fputs(" in ", out);
        pki_md_code(out, vp);
    }
    if (json_is_integer(off))
        fprintf(out, " at offset 0x%llx", (unsigned long long)json_integer_value(off));
    const char *what = pki_jstr(ev, "message") ? pki_jstr(ev, "message") : pki_jstr(ev, "value");
    if (what) {
        fputs(": ", out);
        pki_md_text(out, what);
    }
    if (json_is_true(json_object_get(ev, "waived")))
        fputs(" (accepted risk)", out);
    fputc('\n', out);
}

static const char *status_word(const json_t *r)
{
    const char *st = s_or(r, "status", "?");
    if (json_is_true(json_object_get(r, "waived")))
        return "WAIVED";
    return strcmp(st, "pass") == 0             ? "pass"
           : strcmp(st, "fail") == 0           ? "**FAIL**"
           : strcmp(st, "not_applicable") == 0 ? "n/a"
                                               : "not evaluated";
}

static void header(FILE *out, const json_t *doc, const json_t *report)
{
    const json_t *prof = pki_jobj(doc, "profile"), *src = pki_jobj(doc, "report"), *v;
    size_t i;
    fputs("# Assessment:", out);
    json_array_foreach(pki_jarr(src, "inputs"), i, v)
    {
        fputs(i ? ", " : " ", out);
        pki_md_code(out, json_string_value(v));
    }
    fprintf(out, "\n\n**Verdict: %s**. Risk score **%lld/100**%s. Profile ",
            s_or(doc, "verdict", "?"), jint(pki_jobj(doc, "score"), "value"),
            json_is_true(json_object_get(pki_jobj(doc, "score"), "lower_bound"))
                ? " (a lower bound: some parts had no data)"
                : "");
    pki_md_text(out, s_or(prof, "name", "?"));
    fputc(' ', out);
    pki_md_text(out, s_or(prof, "version", "?"));
    fputs(" (", out);
    pki_md_text(out, s_or(prof, "title", ""));
    fprintf(out, "), policy date %s.\n\n", s_or(doc, "policy_date", "?"));
    fputs("Scanned", out);
    if (pki_jstr(src, "scanned"))
        fprintf(out, " %s", pki_jstr(src, "scanned"));
    fputs(" by parakh ", out);
    pki_md_text(out, s_or(src, "tool_version", "?"));
    fprintf(out, "; assessed by parakh %s.\n", s_or(pki_jobj(doc, "tool"), "version", "?"));
    size_t shown = 0, more = 0;
    json_array_foreach(pki_jarr(report, "files"), i, v)
    {
        if (!json_is_integer(json_object_get(v, "depth")) || jint(v, "depth") != 0)
            continue;
        if (shown == 20) { /* a directory's files are all at depth 0 */
            more++;
            continue;
        }
        shown++;
        fputs("\n- ", out);
        pki_md_code(out, s_or(v, "vpath", "?"));
        fprintf(out, ": %lld bytes, SHA-256 ", jint(v, "size"));
        pki_md_code(out, s_or(v, "sha256", "?"));
    }
    if (more)
        fprintf(out, "\n- and %zu more files at the top level (the JSON report lists them)", more);
    fputc('\n', out);
}

static void lists(FILE *out, const json_t *doc)
{
    const json_t *v;
    size_t i;
    fputs("\n## Reasons\n\n", out);
    json_array_foreach(pki_jarr(doc, "reasons"), i, v)
    {
        fprintf(out, "%zu. ", i + 1);
        pki_md_mixed(out, json_string_value(v));
        fputc('\n', out);
    }
    if (json_array_size(pki_jarr(doc, "conditions"))) {
        fputs("\n## Conditions\n\n", out);
        json_array_foreach(pki_jarr(doc, "conditions"), i, v)
        {
            fputs("- ", out);
            pki_md_mixed(out, s_or(v, "text", ""));
            fputc('\n', out);
        }
    }
    if (json_array_size(pki_jarr(doc, "waivers"))) {
        fputs("\n## Accepted risks (waivers)\n\n| # | Waives | Justification | Approver | "
              "Expires | State | Used |\n|---|---|---|---|---|---|---|\n",
              out);
        json_array_foreach(pki_jarr(doc, "waivers"), i, v)
        {
            const json_t *f = pki_jobj(v, "finding");
            fprintf(out, "| %lld | ", jint(v, "index"));
            if (pki_jstr(v, "requirement"))
                pki_md_text(out, pki_jstr(v, "requirement"));
            else if (pki_jstr(v, "vulnerability"))
                pki_md_text(out, pki_jstr(v, "vulnerability"));
            else {
                pki_md_text(out, s_or(f, "rule_id", "?"));
                if (pki_jstr(f, "vpath")) {
                    fputs(" in ", out);
                    cell_code(out, pki_jstr(f, "vpath"));
                }
            }
            fputs(" | ", out);
            pki_md_text(out, s_or(v, "justification", ""));
            fputs(" | ", out);
            pki_md_text(out, s_or(v, "approver", ""));
            fprintf(out, " | %s | %s | %s |\n", s_or(v, "expires", ""), s_or(v, "state", ""),
                    json_is_true(json_object_get(v, "used")) ? "yes" : "no");
        }
    }
}

static void score_and_reqs(FILE *out, const json_t *doc)
{
    const json_t *v;
    size_t i;
    fputs("\n## Risk score\n\n| Part | Contribution | Weight | How |\n|---|--:|--:|---|\n", out);
    json_array_foreach(pki_jarr(pki_jobj(doc, "score"), "parts"), i, v)
    {
        fprintf(out, "| %s%s | %.1f | %lld | ", s_or(v, "name", "?"),
                json_is_true(json_object_get(v, "evaluated")) ? "" : " (no data)",
                json_number_value(json_object_get(v, "contribution")), jint(v, "weight"));
        pki_md_text(out, s_or(v, "formula", ""));
        fputs(" |\n", out);
    }
    fputs("\n## Requirements\n\n| Status | Requirement | Title | Source | On failure | What "
          "was found |\n|---|---|---|---|---|---|\n",
          out);
    json_array_foreach(pki_jarr(doc, "requirements"), i, v)
    {
        fprintf(out, "| %s | ", status_word(v));
        pki_md_text(out, s_or(v, "id", "?"));
        fputs(" | ", out);
        pki_md_text(out, s_or(v, "title", ""));
        fputs(" | ", out);
        pki_md_text(out, s_or(v, "clause", ""));
        fprintf(out, " | %s | ", s_or(v, "on_fail", ""));
        pki_md_text(out, s_or(v, "detail", ""));
        fputs(" |\n", out);
    }
    int any = 0;
    json_array_foreach(pki_jarr(doc, "requirements"), i, v)
    {
        const json_t *evs = pki_jarr(v, "evidence"), *ev;
        size_t k;
        if (!json_array_size(evs) || strcmp(s_or(v, "status", ""), "fail") != 0)
            continue;
        if (!any++)
            fputs("\n## Evidence\n", out);
        fputs("\n### ", out);
        pki_md_text(out, s_or(v, "id", "?"));
        fputs(": ", out);
        pki_md_text(out, s_or(v, "title", ""));
        fputs("\n\n", out);
        json_array_foreach(evs, k, ev) evidence_line(out, ev);
        long long total = jint(v, "evidence_total");
        if (total > (long long)json_array_size(evs))
            fprintf(out, "- … and %lld more (the JSON report lists every one)\n",
                    total - (long long)json_array_size(evs));
    }
}

static void glance(FILE *out, const json_t *report)
{
    const json_t *sum = pki_jobj(report, "summary"), *sev = pki_jobj(sum, "findings");
    const json_t *ep = pki_jobj(report, "endpoints"), *v;
    size_t i;
    fputs("\n## The deliverable at a glance\n\n", out);
    fprintf(out, "- %lld files, %lld components\n", jint(sum, "files"),
            jint(pki_jobj(sum, "inventory"), "components"));
    fprintf(out, "- findings: %lld critical, %lld high, %lld medium, %lld low, %lld info\n",
            jint(sev, "critical"), jint(sev, "high"), jint(sev, "medium"), jint(sev, "low"),
            jint(sev, "info"));
    if (pki_jarr(report, "vulnerabilities"))
        fprintf(out, "- known vulnerabilities: %zu\n",
                json_array_size(pki_jarr(report, "vulnerabilities")));
    else
        fputs("- known vulnerabilities: not evaluated (no database given)\n", out);
    if (!ep) {
        fputs("- endpoints: none found\n", out);
        return;
    }
    fprintf(out, "- endpoints: %lld", jint(ep, "count"));
    json_array_foreach(pki_jarr(ep, "countries"), i, v)
    {
        fputs(i ? ", " : " (by country: ", out);
        pki_md_text(out, s_or(v, "country", "?"));
        fprintf(out, " %lld", jint(v, "count"));
    }
    fputs(json_array_size(pki_jarr(ep, "countries")) ? ")\n" : "\n", out);
}

static void questions(FILE *out, const json_t *doc)
{
    const json_t *qs = pki_jarr(doc, "questions"), *v;
    size_t i;
    fputs("\n## Questions for the vendor\n\n", out);
    if (!json_array_size(qs))
        fputs("No open questions: every requirement passed, was not applicable, or was "
              "waived.\n",
              out);
    json_array_foreach(qs, i, v)
    {
        fprintf(out, "%zu. **", i + 1);
        pki_md_text(out, s_or(v, "requirement", "?"));
        fputs("**: ", out);
        pki_md_mixed(out, s_or(v, "text", ""));
        fputc('\n', out);
    }
}

pk_status pki_dec_write_markdown(const json_t *doc, const json_t *report, FILE *out)
{
    header(out, doc, report);
    lists(out, doc);
    score_and_reqs(out, doc);
    glance(out, report);
    questions(out, doc);
    return fflush(out) == 0 && !ferror(out) ? PK_OK : PK_E_IO;
}
