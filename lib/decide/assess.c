/* An assessment: every requirement of a profile evaluated over one report,
 * waivers applied, the verdict, the reasons, the conditions, the score and
 * the questions for the vendor, as one JSON document
 * (docs/assessment.schema.json) that the writers render. */
#include "decide_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <parakh/scan.h>

const char *pk_verdict_str(pk_verdict v)
{
    switch (v) {
    case PK_VERDICT_APPROVE:
        return "APPROVE";
    case PK_VERDICT_CONDITIONS:
        return "APPROVE WITH CONDITIONS";
    case PK_VERDICT_REJECT:
        return "REJECT";
    }
    return "REJECT";
}

/* A copy of a deliverable's string for quoting between backticks: a
 * backtick inside would end the quote early in Markdown, so it becomes "'". */
static const char *unticked(const char *s, char *buf, size_t n)
{
    size_t i = 0;
    for (; s && s[i] && i + 1 < n; i++)
        buf[i] = s[i] == '`' ? '\'' : s[i];
    buf[i] = 0;
    return buf;
}

/* "`vpath` at offset 0x1a2b0 (value)" for an evidence item. */
static void ev_phrase(const json_t *ev, char *buf, size_t n)
{
    char vpb[301], idb[201], valb[161], compb[161];
    const char *vp = unticked(pki_jstr(ev, "vpath"), vpb, sizeof vpb), *val = pki_jstr(ev, "value"),
               *id = pki_jstr(ev, "id"), *kind = pki_jstr(ev, "kind");
    val = val ? unticked(val, valb, sizeof valb) : NULL;
    id = id ? unticked(id, idb, sizeof idb) : NULL;
    const json_t *off = json_object_get(ev, "offset");
    char offs[48] = "";
    if (json_is_integer(off))
        snprintf(offs, sizeof offs, " at offset 0x%llx",
                 (unsigned long long)json_integer_value(off));
    if (kind && strcmp(kind, "vulnerability") == 0)
        snprintf(buf, n, "%.100s in %.160s (`%.300s`)", id ? id : "?",
                 pki_jstr(ev, "component")
                     ? unticked(pki_jstr(ev, "component"), compb, sizeof compb)
                     : "?",
                 vp);
    else if (kind && strcmp(kind, "endpoint") == 0)
        snprintf(buf, n, "%.200s (country: %.8s) in `%.300s`%s", id ? id : "?",
                 pki_jstr(ev, "country") ? pki_jstr(ev, "country") : "?", vp, offs);
    else
        snprintf(buf, n, "`%.300s`%s%s%.160s%s", vp, offs, val ? " (" : "", val ? val : "",
                 val ? ")" : "");
}

static const char *sev_name(pk_severity s)
{
    return pk_severity_str(s);
}

/* The question for one evidence item of a failed requirement. */
static void question(const pki_req *r, const json_t *ev, char *q, size_t n)
{
    char where[700];
    ev_phrase(ev, where, sizeof where);
    const char *kind = pki_jstr(ev, "kind"), *rule = pki_jstr(ev, "rule_id");
    const char *ask = "Please explain this finding and how it will be remediated.";
    if (r->question) {
        ask = r->question;
    } else if (kind && strcmp(kind, "vulnerability") == 0) {
        ask = "Is the vulnerable code reachable in the product, and when will an update that "
              "fixes it be delivered?";
    } else if (kind && strcmp(kind, "endpoint") == 0) {
        ask = "What data is sent there, where is it stored and processed, and can it be "
              "disabled?";
    } else if (r->kind == PKI_T_FIPS) {
        ask = "Which FIPS 140-3 validated module (CMVP certificate number) provides the "
              "product's cryptography, and in which operating mode is it used?";
    } else if (r->kind == PKI_T_ALL_SIGNED) {
        ask = "How can the agency verify that this executable comes from the vendor unaltered? "
              "Will it be delivered signed?";
    } else if (r->kind == PKI_T_RATIO) {
        ask = "Will the vendor rebuild this file with the protection enabled, or explain why it "
              "cannot be?";
    } else if (kind && strcmp(kind, "crypto_asset") == 0) {
        ask = "Where is this used, and what approved alternative will replace it?";
    } else if (rule && strncmp(rule, "PK-KEY-0001", 11) == 0) {
        ask = "Why does the product ship this private key, what trusts it, and how will it be "
              "replaced by a key generated on each installation?";
    } else if (rule && strncmp(rule, "PK-SEC-", 7) == 0) {
        ask = "What does this credential give access to, is it valid, and when will it be "
              "revoked and removed from the product?";
    } else if (rule && strncmp(rule, "PK-CAP-", 7) == 0) {
        ask = "Why does the product need this capability, and can it be disabled?";
    } else if (rule && strncmp(rule, "PK-VUL-", 7) == 0) {
        ask = "When will an update that fixes it be delivered?";
    } else if (rule && strncmp(rule, "PK-CRY-", 7) == 0) {
        ask = "Where is this used, and what approved alternative will replace it?";
    }
    const char *msg = pki_jstr(ev, "message");
    snprintf(q, n, "%.200s (%.64s): %s%.400s%s %s", r->title, r->id, where, msg ? " - " : "",
             msg ? msg : "", ask);
}

static void ne_question(const pki_req *r, const char *detail, char *q, size_t n)
{
    const char *ask = "Please provide evidence that the product meets it.";
    if (r->kind == PKI_T_NO_VULNS)
        ask = "Please provide an SBOM of the product and the vulnerability status of each "
              "component (a VEX document).";
    else if (r->kind == PKI_T_FIPS)
        ask = "Which FIPS 140-3 validated module (CMVP certificate number) provides the "
              "product's cryptography on the systems it will run on?";
    else if (r->kind == PKI_T_NO_ENDPOINTS)
        ask = "Please list every network endpoint the product contacts, what is sent, and the "
              "country where each is hosted.";
    snprintf(q, n, "%.200s (%.64s) could not be checked: %.400s. %s", r->title, r->id, detail, ask);
}

static void add_question(json_t *qs, const char *req, const char *text, const json_t *ev)
{
    json_t *o = json_pack("{s:s,s:s}", "requirement", req, "text", text);
    if (!o)
        return;
    if (ev && pki_jstr(ev, "vpath"))
        json_object_set_new(o, "vpath", json_string(pki_jstr(ev, "vpath")));
    if (ev && json_is_integer(json_object_get(ev, "offset")))
        json_object_set(o, "offset", json_object_get(ev, "offset"));
    json_array_append_new(qs, o);
}

static json_t *waiver_json(const pki_waiver *x, size_t i, const char *date, int used)
{
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)i));
    if (x->target == PKI_W_REQ)
        json_object_set_new(o, "requirement", json_string(x->req));
    else if (x->target == PKI_W_VULN)
        json_object_set_new(o, "vulnerability", json_string(x->vuln));
    else {
        json_t *f = json_pack("{s:s}", "rule_id", x->rule);
        if (x->vpath)
            json_object_set_new(f, "vpath", json_string(x->vpath));
        if (x->offset >= 0)
            json_object_set_new(f, "offset", json_integer(x->offset));
        json_object_set_new(o, "finding", f);
    }
    json_object_set_new(o, "justification", json_string(x->justification));
    json_object_set_new(o, "approver", json_string(x->approver));
    json_object_set_new(o, "expires", json_string(x->expires));
    json_object_set_new(o, "state", json_string(pki_waiver_active(x, date) ? "active" : "expired"));
    json_object_set_new(o, "used", json_boolean(used));
    return o;
}

static int used_has(const json_t *used, size_t i)
{
    size_t k;
    const json_t *v;
    json_array_foreach(used, k, v) if (json_integer_value(v) == (json_int_t)i) return 1;
    return 0;
}

/* Reasons in plain language, worst first: failures that reject, then those
 * that set conditions, then what could not be evaluated, then accepted
 * risks; padded with the counts and the score so there are at least three. */
/* The ids of every not-evaluated requirement with r's detail, comma-separated
 * into ids ("" when r is the only one); 1 when that detail was given a
 * reason already (seen remembers them). */
static int ne_ids(const json_t *reqs, const json_t *r, char *ids, size_t n, json_t *seen)
{
    const char *d = pki_jstr(r, "detail");
    if (json_object_get(seen, d))
        return 1;
    json_object_set_new(seen, d, json_true());
    size_t i, at = 0, cnt = 0;
    const json_t *x;
    json_array_foreach(reqs, i, x)
    {
        if (strcmp(pki_jstr(x, "status"), "not_evaluated") != 0 ||
            strcmp(pki_jstr(x, "detail"), d) != 0 || at + 70 > n)
            continue;
        int w = snprintf(ids + at, n - at, "%s%.64s", cnt ? ", " : "", pki_jstr(x, "id"));
        at += w > 0 ? (size_t)w : 0;
        cnt++;
    }
    if (cnt < 2)
        ids[0] = 0;
    return 0;
}

static json_t *reasons(const json_t *reqs, const json_t *counts, const json_t *score,
                       const char *profile)
{
    json_t *out = json_array();
    json_t *seen = json_object();
    static const char *const pass_order[][2] = {
        {"fail", "REJECT"}, {"fail", "CONDITIONS"}, {"not_evaluated", NULL}, {"waived", NULL}};
    for (size_t pass = 0; pass < 4; pass++) {
        for (int sev = PK_SEV_CRITICAL; sev >= PK_SEV_INFO; sev--) {
            size_t i;
            const json_t *r;
            json_array_foreach(reqs, i, r)
            {
                if (json_array_size(out) >= 5) {
                    json_decref(seen);
                    return out;
                }
                const char *st = pki_jstr(r, "status"), *onf = pki_jstr(r, "on_fail");
                int waived = json_is_true(json_object_get(r, "waived"));
                pk_severity rs = PK_SEV_INFO;
                pk_severity_parse(pki_jstr(r, "severity"), &rs);
                if ((int)rs != sev)
                    continue;
                int hit = pass == 3
                              ? waived
                              : !waived && strcmp(st, pass_order[pass][0]) == 0 &&
                                    (!pass_order[pass][1] || strcmp(onf, pass_order[pass][1]) == 0);
                if (!hit)
                    continue;
                char ev[800] = "", line[1400], ids[300] = "";
                if (pass == 2 && ne_ids(reqs, r, ids, sizeof ids, seen))
                    continue; /* one missing section is one reason */
                const json_t *e0 = json_array_get(pki_jarr(r, "evidence"), 0);
                if (e0) {
                    char ph[760];
                    ev_phrase(e0, ph, sizeof ph);
                    snprintf(ev, sizeof ev, "; e.g. %s", ph);
                }
                const char *what = pass == 0   ? "Fails (rejects)"
                                   : pass == 1 ? "Fails (condition)"
                                   : pass == 2 ? "Not evaluated"
                                               : "Accepted risk (waived)";
                if (ids[0])
                    snprintf(line, sizeof line, "%s: %.200s [%.290s] - %.400s.", what,
                             pki_jstr(r, "title"), ids, pki_jstr(r, "detail"));
                else
                    snprintf(line, sizeof line, "%s: %.200s [%.64s, %.120s] - %.400s%s.", what,
                             pki_jstr(r, "title"), pki_jstr(r, "id"), pki_jstr(r, "clause"),
                             pki_jstr(r, "detail"), ev);
                json_array_append_new(out, json_string(line));
            }
        }
    }
    json_decref(seen);
    char line[400];
    if (json_array_size(out) < 5) {
        json_int_t np = json_integer_value(json_object_get(counts, "pass")),
                   na = json_integer_value(json_object_get(counts, "not_applicable"));
        snprintf(line, sizeof line,
                 "%lld of %lld applicable requirements of %.64s pass (%lld not applicable).",
                 (long long)np, (long long)(json_array_size(reqs) - (size_t)(na < 0 ? 0 : na)),
                 profile, (long long)na);
        json_array_append_new(out, json_string(line));
    }
    if (json_array_size(out) < 5) {
        const json_t *parts = pki_jarr(score, "parts"), *p, *big = NULL;
        size_t i;
        json_array_foreach(
            parts, i, p) if (!big || json_number_value(json_object_get(p, "contribution")) >
                                         json_number_value(json_object_get(big, "contribution")))
            big = p;
        snprintf(line, sizeof line, "Risk score %lld of 100%s; largest part: %.32s (%.1f of %lld).",
                 (long long)json_integer_value(json_object_get(score, "value")),
                 json_is_true(json_object_get(score, "lower_bound"))
                     ? " (a lower bound: some data was missing)"
                     : "",
                 pki_jstr(big, "name") ? pki_jstr(big, "name") : "-",
                 json_number_value(json_object_get(big, "contribution")),
                 (long long)json_integer_value(json_object_get(big, "weight")));
        json_array_append_new(out, json_string(line));
    }
    if (json_array_size(out) < 3) {
        size_t i;
        const json_t *r;
        char ids[300] = "";
        size_t at = 0;
        json_array_foreach(reqs, i, r) if (strcmp(pki_jstr(r, "status"), "not_applicable") == 0 &&
                                           at < sizeof ids - 80)
        {
            int w =
                snprintf(ids + at, sizeof ids - at, "%s%.64s", at ? ", " : "", pki_jstr(r, "id"));
            at += w > 0 ? (size_t)w : 0;
        }
        if (at)
            snprintf(line, sizeof line, "Not applicable to this product: %s.", ids);
        else
            snprintf(line, sizeof line, "Every requirement of %.64s applied and was evaluated.",
                     profile);
        json_array_append_new(out, json_string(line));
    }
    return out;
}

static void today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

pk_status pk_assess(const pk_profile *p, const pk_waivers *w, const char *report, size_t len,
                    const char *policy_date, pk_assessment **out, char *err, size_t errlen)
{
    if (!p || !out || (!report && len))
        return PK_E_MISUSE;
    *out = NULL;
    char date[11];
    if (policy_date && !pki_dec_date_valid(policy_date)) {
        pki_dec_err(err, errlen, "policy date '%.32s' is not YYYY-MM-DD", policy_date);
        return PK_E_USAGE;
    }
    if (policy_date)
        memcpy(date, policy_date, 11);
    else
        today(date);
    json_error_t je;
    json_t *rep = len > PKI_DEC_MAX_REPORT ? NULL : json_loadb(report ? report : "", len, 0, &je);
    if (!rep || !json_is_object(rep) || !pki_jstr(rep, "schema_version") ||
        !pki_jarr(rep, "files")) {
        if (rep)
            pki_dec_err(err, errlen, "not a parakh JSON report (no schema_version or files)");
        else
            pki_dec_err(err, errlen, "report: %d:%d: %s", je.line, je.column,
                        len > PKI_DEC_MAX_REPORT ? "too large" : je.text);
        json_decref(rep);
        return PK_E_FORMAT;
    }
    pk_assessment *a = pki_calloc(1, sizeof *a);
    json_t *doc = json_object(), *reqs = json_array(), *qs = json_array(), *conds = json_array(),
           *used = json_array();
    if (!a || !doc || !reqs || !qs || !conds || !used) {
        pki_free(a);
        json_decref(doc);
        json_decref(reqs);
        json_decref(qs);
        json_decref(conds);
        json_decref(used);
        json_decref(rep);
        return PK_E_NOMEM;
    }
    pki_ctx c = {.report = rep, .w = w, .date = date, .used = used};
    size_t cnt[5] = {0}; /* pass fail waived na ne */
    int reject = 0, conditions = 0;
    json_t *ne_seen = json_object(); /* not-evaluated detail -> [condition, question] */
    pk_status st = PK_OK;
    for (size_t i = 0; i < p->n && st == PK_OK; i++) {
        const pki_req *r = &p->reqs[i];
        pki_eval e;
        if ((st = pki_dec_eval(&c, r, &e)) != PK_OK)
            break;
        int waived = 0;
        json_t *wv = NULL;
        /* a pass only because waived evidence was left out is a waived failure */
        if (e.status == PKI_R_PASS && e.waived)
            waived = 1, e.status = PKI_R_FAIL;
        for (size_t k = 0; w && k < w->n && e.status == PKI_R_FAIL && !waived; k++) {
            const pki_waiver *x = &w->w[k];
            if (x->target == PKI_W_REQ && strcmp(x->req, r->id) == 0 &&
                pki_waiver_active(x, date)) {
                waived = 1;
                json_array_append_new(used, json_integer((json_int_t)k));
                wv = json_pack("{s:I,s:s,s:s,s:s}", "index", (json_int_t)k, "justification",
                               x->justification, "approver", x->approver, "expires", x->expires);
            }
        }
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "id", r->id, "title", r->title,
                      "clause", r->clause, "severity", sev_name(r->severity), "on_fail",
                      r->reject ? "REJECT" : "CONDITIONS", "test", pki_test_names[r->kind],
                      "status", pki_rstatus_names[e.status], "waived", waived, "detail", e.detail);
        if (!o) {
            json_decref(e.evidence);
            st = PK_E_NOMEM;
            break;
        }
        if (wv)
            json_object_set_new(o, "waiver", wv);
        json_object_set_new(o, "evidence_total", json_integer((json_int_t)e.total));
        json_object_set_new(o, "evidence", e.evidence);
        json_array_append_new(reqs, o);
        char text[2200];
        if (e.status == PKI_R_FAIL && waived) {
            cnt[2]++;
        } else if (e.status == PKI_R_FAIL) {
            cnt[1]++;
            reject |= r->reject;
            conditions |= !r->reject;
            if (!r->reject) {
                snprintf(text, sizeof text, "Resolve or justify: %.200s (%.64s): %.500s.", r->title,
                         r->id, e.detail);
                json_array_append_new(conds,
                                      json_pack("{s:s,s:s}", "requirement", r->id, "text", text));
            }
            size_t k, asked = 0;
            const json_t *ev;
            json_array_foreach(e.evidence, k, ev)
            {
                if (json_is_true(json_object_get(ev, "waived")) || asked >= 5)
                    continue;
                question(r, ev, text, sizeof text);
                add_question(qs, r->id, text, ev);
                asked++;
            }
            if (!asked) {
                ne_question(r, e.detail, text, sizeof text);
                add_question(qs, r->id, text, NULL);
            }
        } else if (e.status == PKI_R_NE) {
            cnt[4]++;
            if (r->reject && p->ne_reject)
                reject = 1;
            else
                conditions = 1;
            /* one missing section is one issue, however many requirements need it */
            json_t *seen = json_object_get(ne_seen, e.detail);
            if (seen) {
                json_array_append_new(
                    json_object_get(
                        json_array_get(conds, (size_t)json_integer_value(json_array_get(seen, 0))),
                        "also"),
                    json_string(r->id));
                json_array_append_new(
                    json_object_get(
                        json_array_get(qs, (size_t)json_integer_value(json_array_get(seen, 1))),
                        "also"),
                    json_string(r->id));
            } else {
                json_object_set_new(ne_seen, e.detail,
                                    json_pack("[I,I]", (json_int_t)json_array_size(conds),
                                              (json_int_t)json_array_size(qs)));
                snprintf(text, sizeof text, "Provide evidence for: %.200s (%.64s): %.500s.",
                         r->title, r->id, e.detail);
                json_array_append_new(
                    conds, json_pack("{s:s,s:s,s:[]}", "requirement", r->id, "text", text, "also"));
                ne_question(r, e.detail, text, sizeof text);
                add_question(qs, r->id, text, json_array_get(e.evidence, 0));
                json_object_set_new(json_array_get(qs, json_array_size(qs) - 1), "also",
                                    json_array());
            }
        } else {
            cnt[e.status == PKI_R_PASS ? 0 : 3]++;
        }
    }
    json_decref(ne_seen);
    if (st != PK_OK) {
        json_decref(doc);
        json_decref(reqs);
        json_decref(qs);
        json_decref(conds);
        json_decref(used);
        json_decref(rep);
        pki_free(a);
        return st;
    }
    a->verdict = reject       ? PK_VERDICT_REJECT
                 : conditions ? PK_VERDICT_CONDITIONS
                              : PK_VERDICT_APPROVE;
    json_t *score = pki_dec_score(rep, p);
    a->score = (int)json_integer_value(json_object_get(score, "value"));
    json_t *counts = json_pack("{s:I,s:I,s:I,s:I,s:I}", "pass", (json_int_t)cnt[0], "fail",
                               (json_int_t)cnt[1], "waived", (json_int_t)cnt[2], "not_applicable",
                               (json_int_t)cnt[3], "not_evaluated", (json_int_t)cnt[4]);
    json_t *wl = json_array();
    for (size_t k = 0; w && k < w->n; k++)
        json_array_append_new(wl, waiver_json(&w->w[k], k, date, used_has(used, k)));
    json_t *src = json_object();
    const json_t *tool = pki_jobj(rep, "tool");
    if (pki_jstr(tool, "version"))
        json_object_set_new(src, "tool_version", json_string(pki_jstr(tool, "version")));
    if (pki_jstr(pki_jobj(rep, "scan"), "finished"))
        json_object_set_new(src, "scanned",
                            json_string(pki_jstr(pki_jobj(rep, "scan"), "finished")));
    json_t *inputs = json_array();
    size_t i;
    const json_t *in;
    json_array_foreach(pki_jarr(rep, "inputs"), i, in) if (pki_jstr(in, "path"))
        json_array_append_new(inputs, json_string(pki_jstr(in, "path")));
    json_object_set_new(src, "inputs", inputs);
    json_object_set_new(src, "sections",
                        json_pack("{s:b,s:b,s:b}", "vulnerabilities",
                                  pki_jarr(rep, "vulnerabilities") != NULL, "crypto",
                                  pki_jobj(rep, "crypto") != NULL, "endpoints",
                                  json_object_get(rep, "endpoints") != NULL));
    json_object_set_new(doc, "schema_version", json_string("1.0"));
    json_object_set_new(doc, "tool",
                        json_pack("{s:s,s:s}", "name", "parakh", "version", pk_version()));
    json_object_set_new(
        doc, "profile",
        json_pack("{s:s,s:s,s:s}", "name", p->name, "version", p->version, "title", p->title));
    json_object_set_new(doc, "policy_date", json_string(date));
    json_object_set_new(doc, "report", src);
    json_object_set_new(doc, "verdict", json_string(pk_verdict_str(a->verdict)));
    json_object_set_new(doc, "reasons", reasons(reqs, counts, score, p->name));
    json_object_set_new(doc, "conditions", conds);
    json_object_set_new(doc, "score", score);
    json_object_set_new(doc, "counts", counts);
    json_object_set_new(doc, "requirements", reqs);
    json_object_set_new(doc, "waivers", wl);
    json_object_set_new(doc, "questions", qs);
    json_decref(used);
    a->report = rep; /* kept for the HTML, SARIF and Markdown reports */
    a->doc = doc;
    *out = a;
    return PK_OK;
}

pk_verdict pk_assessment_verdict(const pk_assessment *a)
{
    return a ? a->verdict : PK_VERDICT_REJECT;
}

int pk_assessment_score(const pk_assessment *a)
{
    return a ? a->score : 100;
}

pk_status pk_assessment_write(const pk_assessment *a, const char *format, FILE *out)
{
    if (!a || !format || !out)
        return PK_E_MISUSE;
    if (strcmp(format, "text") == 0)
        return pki_dec_write_text(a->doc, out);
    if (strcmp(format, "questions") == 0)
        return pki_dec_write_questions(a->doc, out);
    if (strcmp(format, "html") == 0)
        return pki_dec_write_html(a->doc, a->report, out);
    if (strcmp(format, "sarif") == 0)
        return pki_dec_write_sarif(a->doc, a->report, out);
    if (strcmp(format, "markdown") == 0)
        return pki_dec_write_markdown(a->doc, a->report, out);
    if (strcmp(format, "json") != 0)
        return PK_E_USAGE;
    if (json_dumpf(a->doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0 ||
        fputc('\n', out) == EOF || fflush(out) != 0)
        return PK_E_IO;
    return PK_OK;
}

void pk_assessment_free(pk_assessment *a)
{
    if (!a)
        return;
    json_decref(a->doc);
    json_decref(a->report);
    pki_free(a);
}
