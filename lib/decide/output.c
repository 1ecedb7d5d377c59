/* The assessment for people: a terminal summary (verdict, reasons, score
 * parts, requirement table) and the vendor questions as Markdown. Both are
 * rendered from the assessment document, so they never disagree with it. */
#include "decide_int.h"

#include <stdlib.h>
#include <string.h>

static const char *s_or(const json_t *o, const char *k, const char *dflt)
{
    const char *s = pki_jstr(o, k);
    return s ? s : dflt;
}

/* ", "-separated ids of arr between pre and post; nothing when empty. */
static void also(FILE *out, const json_t *arr, const char *pre, const char *post)
{
    size_t i;
    const json_t *v;
    if (!json_array_size(arr))
        return;
    fputs(pre, out);
    json_array_foreach(arr, i, v) fprintf(out, "%s%s", i ? ", " : "", json_string_value(v));
    fputs(post, out);
}

static pk_status text_raw(const json_t *doc, FILE *out)
{
    const json_t *prof = pki_jobj(doc, "profile"), *score = pki_jobj(doc, "score"), *v;
    size_t i;
    fprintf(out, "VERDICT: %s\n", s_or(doc, "verdict", "?"));
    fprintf(out, "profile %s %s (%s), policy date %s\n\n", s_or(prof, "name", "?"),
            s_or(prof, "version", "?"), s_or(prof, "title", ""), s_or(doc, "policy_date", "?"));
    fprintf(out, "Reasons:\n");
    json_array_foreach(pki_jarr(doc, "reasons"), i, v)
        fprintf(out, "  %zu. %s\n", i + 1, json_string_value(v));
    if (json_array_size(pki_jarr(doc, "conditions"))) {
        fprintf(out, "\nConditions:\n");
        json_array_foreach(pki_jarr(doc, "conditions"), i, v)
        {
            fprintf(out, "  - %s", s_or(v, "text", ""));
            also(out, pki_jarr(v, "also"), " (also needed by ", ")");
            fputc('\n', out);
        }
    }
    fprintf(out, "\nRisk score: %lld/100%s\n",
            (long long)json_integer_value(json_object_get(score, "value")),
            json_is_true(json_object_get(score, "lower_bound"))
                ? " (lower bound: parts marked * had no data)"
                : "");
    json_array_foreach(pki_jarr(score, "parts"), i, v)
    {
        fprintf(out, "  %-14s %5.1f / %2lld%s  %s\n", s_or(v, "name", "?"),
                json_number_value(json_object_get(v, "contribution")),
                (long long)json_integer_value(json_object_get(v, "weight")),
                json_is_true(json_object_get(v, "evaluated")) ? " " : "*", s_or(v, "formula", ""));
    }
    fprintf(out, "\nRequirements:\n");
    json_array_foreach(pki_jarr(doc, "requirements"), i, v)
    {
        const char *st = s_or(v, "status", "?");
        int waived = json_is_true(json_object_get(v, "waived"));
        const char *tag = waived                              ? "WAIVED"
                          : strcmp(st, "pass") == 0           ? "pass"
                          : strcmp(st, "fail") == 0           ? "FAIL"
                          : strcmp(st, "not_applicable") == 0 ? "n/a"
                                                              : "NOT EVALUATED";
        fprintf(out, "  %-13s %-12s %s [%s; %s]: %s\n", tag, s_or(v, "id", "?"),
                s_or(v, "title", ""), s_or(v, "on_fail", ""), s_or(v, "clause", ""),
                s_or(v, "detail", ""));
        if (waived && pki_jobj(v, "waiver"))
            fprintf(out, "                accepted risk: %s (approved by %s, until %s)\n",
                    s_or(pki_jobj(v, "waiver"), "justification", ""),
                    s_or(pki_jobj(v, "waiver"), "approver", ""),
                    s_or(pki_jobj(v, "waiver"), "expires", ""));
    }
    size_t nq = json_array_size(pki_jarr(doc, "questions"));
    if (nq)
        fprintf(out, "\n%zu question(s) for the vendor (--questions FILE writes them).\n", nq);
    return fflush(out) == 0 && !ferror(out) ? PK_OK : PK_E_IO;
}

static pk_status questions_raw(const json_t *doc, FILE *out)
{
    const json_t *prof = pki_jobj(doc, "profile"), *src = pki_jobj(doc, "report"), *v;
    size_t i;
    fprintf(out, "# Questions for the vendor\n\n");
    fprintf(out,
            "Assessment against **%s** %s (%s), policy date %s. Verdict: **%s**, risk "
            "score %lld/100.\n\n",
            s_or(prof, "name", "?"), s_or(prof, "version", "?"), s_or(prof, "title", ""),
            s_or(doc, "policy_date", "?"), s_or(doc, "verdict", "?"),
            (long long)json_integer_value(json_object_get(pki_jobj(doc, "score"), "value")));
    const json_t *ins = pki_jarr(src, "inputs");
    if (json_array_size(ins)) {
        fprintf(out, "Deliverable:");
        json_array_foreach(ins, i, v)
        {
            fputs(i ? ", " : " ", out);
            pki_md_code(out, json_string_value(v));
        }
        fprintf(out, "\n\n");
    }
    const json_t *qs = pki_jarr(doc, "questions");
    if (!json_array_size(qs))
        fprintf(out, "No open questions: every requirement passed, was not applicable, or was "
                     "waived.\n");
    const char *last = "";
    size_t n = 0;
    json_array_foreach(qs, i, v)
    {
        const char *req = s_or(v, "requirement", "?");
        if (strcmp(req, last) != 0) {
            fputs(n ? "\n## " : "## ", out);
            pki_md_text(out, req);
            also(out, pki_jarr(v, "also"), ", ", "");
            fputs("\n\n", out);
            last = req;
        }
        fprintf(out, "%zu. ", ++n);
        pki_md_mixed(out, s_or(v, "text", ""));
        fputc('\n', out);
    }
    return fflush(out) == 0 && !ferror(out) ? PK_OK : PK_E_IO;
}

/* Renders into memory, then copies with control bytes (an escape sequence in
 * a hostile report's strings would reach the analyst's terminal) replaced. */
static pk_status filtered(pk_status (*fn)(const json_t *, FILE *), const json_t *doc, FILE *out)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m)
        return PK_E_NOMEM;
    pk_status st = fn(doc, m);
    if (fclose(m) != 0 && st == PK_OK)
        st = PK_E_NOMEM;
    for (size_t i = 0; st == PK_OK && i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (fputc((c < 0x20 && c != '\n') || c == 0x7f ? '?' : c, out) == EOF)
            st = PK_E_IO;
    }
    free(buf); /* open_memstream's buffer is libc's */
    if (st == PK_OK && (fflush(out) != 0 || ferror(out)))
        st = PK_E_IO;
    return st;
}

pk_status pki_dec_write_text(const json_t *doc, FILE *out)
{
    return filtered(text_raw, doc, out);
}

pk_status pki_dec_write_questions(const json_t *doc, FILE *out)
{
    return filtered(questions_raw, doc, out);
}
