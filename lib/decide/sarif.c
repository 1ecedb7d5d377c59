/* The assessment as SARIF 2.1.0 (OASIS), for the tools labs already use to
 * triage scanners' output. The profile's requirements are the rules; every
 * requirement is one result whose kind says how it ended (fail, pass,
 * notApplicable, review for "not evaluated"); a failure's level is error when
 * it rejects and warning when it only adds a condition; a waiver is an
 * accepted external suppression; the evidence items are the locations. The
 * verdict, score and reasons are the run's properties. */
#include "decide_int.h"

#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* jansson setters that remember a failure, so building never stops half way
 * without saying so. */
typedef struct jb {
    int bad;
} jb;

static void put(jb *b, json_t *o, const char *k, json_t *v)
{
    if (!v || !o || json_object_set_new(o, k, v) != 0)
        b->bad = 1;
}

static void push(jb *b, json_t *a, json_t *v)
{
    if (!v || !a || json_array_append_new(a, v) != 0)
        b->bad = 1;
}

/* A string from a hostile document: jansson refuses invalid UTF-8, which the
 * report's own writer never produces; "?" keeps the result valid anyway. */
static json_t *str(const char *s)
{
    json_t *v = json_string(s ? s : "");
    return v ? v : json_string("?");
}

static const char *s_or(const json_t *o, const char *k, const char *dflt)
{
    const char *s = pki_jstr(o, k);
    return s ? s : dflt;
}

/* One evidence item as a location: the file (vpath as a relative URI) and
 * byte offset, with the item in words as the location's message. */
static json_t *location(jb *b, const json_t *ev)
{
    const char *vp = pki_jstr(ev, "vpath"), *kind = s_or(ev, "kind", "finding");
    const char *id = pki_jstr(ev, "rule_id") ? pki_jstr(ev, "rule_id") : pki_jstr(ev, "id");
    const char *what = pki_jstr(ev, "message") ? pki_jstr(ev, "message") : pki_jstr(ev, "value");
    const json_t *off = json_object_get(ev, "offset");
    char msg[1024];
    snprintf(msg, sizeof msg, "%s %.200s%s%.600s", kind, id ? id : "", what ? ": " : "",
             what ? what : "");
    json_t *loc = json_object();
    put(b, loc, "message", json_pack("{s:o}", "text", str(msg)));
    if (!vp || !*vp)
        return loc;
    char *uri = pki_vpath_uri(vp);
    if (!uri) {
        b->bad = 1;
        return loc;
    }
    json_t *phys = json_object();
    put(b, phys, "artifactLocation", json_pack("{s:o}", "uri", str(uri)));
    pki_free(uri);
    if (json_is_integer(off) && json_integer_value(off) >= 0)
        put(b, phys, "region", json_pack("{s:I}", "byteOffset", json_integer_value(off)));
    put(b, loc, "physicalLocation", phys);
    if (pki_jstr(ev, "component"))
        put(b, loc, "logicalLocations",
            json_pack("[{s:o,s:s}]", "name", str(pki_jstr(ev, "component")), "kind", "module"));
    return loc;
}

static json_t *rule(jb *b, const json_t *r)
{
    const char *onf = s_or(r, "on_fail", "CONDITIONS");
    char full[1024];
    snprintf(full, sizeof full, "%.300s. Source: %.300s. Test: %.80s. A failure means %s.",
             s_or(r, "title", ""), s_or(r, "clause", ""), s_or(r, "test", ""),
             strcmp(onf, "REJECT") == 0 ? "REJECT" : "APPROVE WITH CONDITIONS");
    json_t *o = json_object();
    put(b, o, "id", str(s_or(r, "id", "?")));
    put(b, o, "shortDescription", json_pack("{s:o}", "text", str(s_or(r, "title", ""))));
    put(b, o, "fullDescription", json_pack("{s:o}", "text", str(full)));
    put(b, o, "defaultConfiguration",
        json_pack("{s:s}", "level", strcmp(onf, "REJECT") == 0 ? "error" : "warning"));
    put(b, o, "properties",
        json_pack("{s:o,s:o,s:o,s:o,s:[s]}", "clause", str(s_or(r, "clause", "")), "on_fail",
                  str(onf), "test", str(s_or(r, "test", "")), "severity",
                  str(s_or(r, "severity", "")), "tags", "policy"));
    return o;
}

static json_t *result(jb *b, const json_t *r, size_t index)
{
    const char *st = s_or(r, "status", "not_evaluated"), *onf = s_or(r, "on_fail", "CONDITIONS");
    int fail = strcmp(st, "fail") == 0;
    const char *kind = fail                                ? "fail"
                       : strcmp(st, "pass") == 0           ? "pass"
                       : strcmp(st, "not_applicable") == 0 ? "notApplicable"
                                                           : "review";
    /* SARIF §3.27.10: a result whose kind is not "fail" has level "none" */
    const char *level = !fail ? "none" : strcmp(onf, "REJECT") == 0 ? "error" : "warning";
    char msg[1200];
    snprintf(msg, sizeof msg, "%.200s: %.900s", s_or(r, "title", ""), s_or(r, "detail", ""));
    json_t *o = json_object();
    put(b, o, "ruleId", str(s_or(r, "id", "?")));
    put(b, o, "ruleIndex", json_integer((json_int_t)index));
    put(b, o, "kind", json_string(kind));
    put(b, o, "level", json_string(level));
    put(b, o, "message", json_pack("{s:o}", "text", str(msg)));
    json_t *locs = json_array();
    size_t i;
    const json_t *ev;
    json_array_foreach(pki_jarr(r, "evidence"), i, ev) push(b, locs, location(b, ev));
    put(b, o, "locations", locs);
    const json_t *w = pki_jobj(r, "waiver");
    if (json_is_true(json_object_get(r, "waived")) && w) {
        char just[1024];
        snprintf(just, sizeof just, "%.800s (approved by %.100s, until %.20s)",
                 s_or(w, "justification", ""), s_or(w, "approver", ""), s_or(w, "expires", ""));
        put(b, o, "suppressions",
            json_pack("[{s:s,s:s,s:o}]", "kind", "external", "status", "accepted", "justification",
                      str(just)));
    }
    put(b, o, "properties",
        json_pack("{s:o,s:o,s:I}", "status", str(st), "on_fail", str(onf), "evidence_total",
                  json_integer_value(json_object_get(r, "evidence_total"))));
    return o;
}

static json_t *sarif_doc(jb *b, const json_t *doc, const json_t *report)
{
    const json_t *reqs = pki_jarr(doc, "requirements"), *r, *prof = pki_jobj(doc, "profile");
    json_t *rules = json_array(), *results = json_array();
    size_t i;
    json_array_foreach(reqs, i, r)
    {
        push(b, rules, rule(b, r));
        push(b, results, result(b, r, i));
    }
    const json_t *tool = pki_jobj(doc, "tool");
    json_t *driver = json_pack("{s:s,s:o,s:o}", "name", "parakh", "version",
                               str(s_or(tool, "version", "")), "rules", rules);
    json_t *props = json_object();
    put(b, props, "verdict", str(s_or(doc, "verdict", "?")));
    put(b, props, "riskScore",
        json_integer(json_integer_value(json_object_get(pki_jobj(doc, "score"), "value"))));
    put(b, props, "profile", prof ? json_deep_copy(prof) : json_object());
    put(b, props, "policyDate", str(s_or(doc, "policy_date", "")));
    const json_t *rs = pki_jarr(doc, "reasons"), *cs = pki_jarr(doc, "conditions");
    put(b, props, "reasons", rs ? json_deep_copy(rs) : json_array());
    put(b, props, "conditions", cs ? json_deep_copy(cs) : json_array());
    /* the deliverables: the report's top-level files (depth 0) with their hashes */
    json_t *arts = json_array();
    const json_t *f;
    size_t omitted = 0;
    json_array_foreach(pki_jarr(report, "files"), i, f)
    {
        const char *p = pki_jstr(f, "vpath");
        if (!p || json_integer_value(json_object_get(f, "depth")) != 0 ||
            !json_is_integer(json_object_get(f, "depth")))
            continue;
        if (json_array_size(arts) == 1000) { /* a directory's files are all at depth 0 */
            omitted++;
            continue;
        }
        char *uri = pki_vpath_uri(p);
        if (!uri) {
            b->bad = 1;
            continue;
        }
        json_t *a = json_pack("{s:{s:o}}", "location", "uri", str(uri));
        pki_free(uri);
        if (a && pki_jstr(f, "sha256"))
            put(b, a, "hashes", json_pack("{s:o}", "sha-256", str(pki_jstr(f, "sha256"))));
        push(b, arts, a);
    }
    if (omitted)
        put(b, props, "artifactsOmitted", json_integer((json_int_t)omitted));
    char auto_id[300];
    snprintf(auto_id, sizeof auto_id, "parakh-assess/%.200s/", s_or(prof, "name", "profile"));
    json_t *run = json_pack("{s:{s:o},s:o,s:[{s:b}],s:{s:o},s:o}", "tool", "driver", driver,
                            "results", results, "invocations", "executionSuccessful", 1,
                            "automationDetails", "id", str(auto_id), "properties", props);
    if (run && json_array_size(arts))
        put(b, run, "artifacts", arts);
    else
        json_decref(arts);
    return json_pack("{s:s,s:s,s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
}

pk_status pki_dec_write_sarif(const json_t *doc, const json_t *report, FILE *out)
{
    jb b = {0};
    json_t *s = sarif_doc(&b, doc, report);
    if (!s || b.bad) {
        json_decref(s);
        return PK_E_NOMEM;
    }
    int rc = json_dumpf(s, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(s);
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        return PK_E_IO;
    return PK_OK;
}
