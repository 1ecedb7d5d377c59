/* What an update changed (lib/diff/): each change kind on small synthetic
 * reports, exactly (the lists' lengths and entries, and what counts as
 * worse); absent sections are "not compared" with the reason; the verdict
 * hook; text and Markdown writers escape hostile strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

/* A report with the given extra top-level members (JSON text without braces). */
static json_t *report(const char *input, const char *extra)
{
    char buf[16384];
    snprintf(buf, sizeof buf,
             "{\"schema_version\":\"1.0\",\"tool\":{\"name\":\"parakh\",\"version\":\"0.1.0\"},"
             "\"inputs\":[{\"path\":\"%s\",\"kind\":\"file\"}]%s%s}",
             input, extra[0] ? "," : "", extra);
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    if (!j)
        fail_msg("fixture JSON: %s at %d:%d\n%s", e.text, e.line, e.column, buf);
    return j;
}

static json_t *diff(const char *old_extra, const char *new_extra, int *worse)
{
    json_t *o = report("vendor-1.0.zip", old_extra), *n = report("vendor-1.1.zip", new_extra);
    char err[256] = "";
    json_t *d = pki_diff_build(o, n, "old.json", "new.json", worse, err, sizeof err);
    if (!d)
        fail_msg("diff: %s", err);
    json_decref(o);
    json_decref(n);
    return d;
}

static const json_t *at(const json_t *d, const char *sec, const char *list)
{
    const json_t *a = pki_dj_arr(pki_dj_obj(d, sec), list);
    if (!a)
        fail_msg("no %s.%s", sec, list);
    return a;
}

static const char *s_at(const json_t *a, size_t i, const char *k)
{
    const char *s = pki_dj_str(json_array_get(a, i), k);
    return s ? s : "(absent)";
}

static int has_reason(const json_t *d, const char *why)
{
    size_t i;
    const json_t *v;
    json_array_foreach(pki_dj_arr(d, "worse_because"), i,
                       v) if (!strcmp(json_string_value(v), why)) return 1;
    return 0;
}

#define COMP(name, type, ver, purl)                                                                \
    "{\"ref\":\"" name "\",\"kind\":\"library\",\"type\":\"" type "\",\"name\":\"" name            \
    "\",\"version\":\"" ver "\",\"purl\":\"" purl "\",\"unattributed\":false,\"depends_on\":[],"   \
    "\"evidence\":[{\"vpath\":\"vendor-x.zip!/" name "\",\"analyzer\":\"a\",\"rule\":\"r\","       \
    "\"method\":\"other\",\"confidence\":90}]}"

static void test_not_a_report(void **st)
{
    (void)st;
    json_t *o = json_loads("{\"schema_version\":\"1.0\",\"tool\":{\"name\":\"x\"}}", 0, NULL);
    json_t *n = report("a", "");
    char err[256] = "";
    int w = 0;
    assert_null(pki_diff_build(o, n, "x.json", NULL, &w, err, sizeof err));
    assert_non_null(strstr(err, "old report x.json: not a parakh native report"));
    pk_diff *d = NULL;
    assert_int_equal(pk_diff_reports("[1]", 3, "{}", 2, NULL, NULL, &d, err, sizeof err),
                     PK_E_USAGE);
    assert_int_equal(pk_diff_reports("{", 1, "{}", 2, NULL, NULL, &d, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "not JSON"));
    json_decref(o);
    json_decref(n);
}

static void test_components(void **st)
{
    (void)st;
    int w;
    json_t *d = diff(
        "\"components\":[" COMP("curl", "deb", "7.88.1-10+deb12u5", "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64") "," COMP(
            "zlib1g", "deb", "1:1.2.13.dfsg-1",
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1") "," COMP("gone", "npm", "1.0.0",
                                                              "pkg:npm/gone@1.0.0") "," COMP("same",
                                                                                             "npm",
                                                                                             "2.0."
                                                                                             "0",
                                                                                             "pkg:"
                                                                                             "npm/"
                                                                                             "same@"
                                                                                             "2.0."
                                                                                             "0") "]",
        "\"components\":[" COMP("curl", "deb", "7.88.1-10+deb12u15", "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u15?arch=amd64") "," COMP(
            "zlib1g", "deb", "1.2.99-1",
            "pkg:deb/debian/zlib1g@1.2.99-1") "," COMP("lodash", "npm", "4.17.21",
                                                       "pkg:npm/lodash@4.17.21") "," COMP("same",
                                                                                          "npm",
                                                                                          "2.0.0",
                                                                                          "pkg:npm/"
                                                                                          "same@2."
                                                                                          "0.0") "]",
        &w);
    const json_t *up = at(d, "components", "upgraded"), *down = at(d, "components", "downgraded");
    /* dpkg order: deb12u15 > deb12u5 (a string order says the opposite) */
    assert_int_equal(json_array_size(up), 1);
    assert_string_equal(s_at(up, 0, "name"), "curl");
    assert_string_equal(s_at(up, 0, "old_version"), "7.88.1-10+deb12u5");
    assert_string_equal(s_at(up, 0, "new_version"), "7.88.1-10+deb12u15");
    assert_string_equal(s_at(up, 0, "order"), "dpkg");
    /* the epoch wins: 1:1.2.13 > 1.2.99 */
    assert_int_equal(json_array_size(down), 1);
    assert_string_equal(s_at(down, 0, "name"), "zlib1g");
    assert_int_equal(json_array_size(at(d, "components", "added")), 1);
    assert_string_equal(s_at(at(d, "components", "added"), 0, "name"), "lodash");
    assert_int_equal(json_array_size(at(d, "components", "removed")), 1);
    assert_string_equal(s_at(at(d, "components", "removed"), 0, "name"), "gone");
    assert_int_equal(json_array_size(at(d, "components", "changed")), 0);
    const json_t *ev = pki_dj_arr(json_array_get(up, 0), "new_evidence");
    assert_string_equal(json_string_value(json_array_get(ev, 0)), "vendor-x.zip!/curl");
    assert_int_equal(w, 1);
    assert_true(has_reason(d, "component-downgraded"));
    json_decref(d);
}

#define VULN(id, comp, ver, kev)                                                                   \
    "{\"id\":\"" id "\",\"component\":{\"name\":\"" comp "\",\"version\":\"" ver                   \
    "\",\"purl\":\"pkg:npm/" comp "@" ver "\"},\"severity\":\"high\",\"suppressed\":false" kev "}"

static void test_vulns(void **st)
{
    (void)st;
    int w;
    json_t *d = diff(
        "\"vulnerabilities\":[" VULN("CVE-1", "a", "1.0", "") "," VULN(
            "CVE-2", "a", "1.0", "") "," VULN("CVE-4", "b", "1.0", "") "]",
        "\"vulnerabilities\":[" VULN("CVE-2", "a", "1.1", "") "," VULN(
            "CVE-3", "a", "1.1",
            ",\"kev\":{\"added\":\"2025-01-01\"}") "," VULN("CVE-4", "b", "1.0", ",\"kev\":{}") "]",
        &w);
    const json_t *in = at(d, "vulnerabilities", "introduced"),
                 *fx = at(d, "vulnerabilities", "fixed"), *nk = at(d, "vulnerabilities", "now_kev");
    assert_int_equal(json_array_size(in), 1);
    assert_string_equal(s_at(in, 0, "id"), "CVE-3");
    assert_true(json_is_true(json_object_get(json_array_get(in, 0), "kev")));
    assert_int_equal(json_array_size(fx), 1);
    assert_string_equal(s_at(fx, 0, "id"), "CVE-1");
    assert_int_equal(json_array_size(nk), 1);
    assert_string_equal(s_at(nk, 0, "id"), "CVE-4");
    assert_true(has_reason(d, "vulnerability-introduced") && has_reason(d, "kev-introduced"));
    json_decref(d);
    /* absent on one side: not compared, and said so */
    d = diff("", "\"vulnerabilities\":[]", &w);
    const json_t *v = pki_dj_obj(d, "vulnerabilities");
    assert_true(json_is_false(json_object_get(v, "compared")));
    assert_string_equal(pki_dj_str(v, "reason"), "the old report was made without --db");
    assert_int_equal(w, 0);
    json_decref(d);
}

#define ELF(vp, sha, relro, pie, canary)                                                           \
    "{\"vpath\":\"" vp "\",\"kind\":\"file\",\"size\":10,\"sha256\":\"" sha "\",\"type\":"         \
    "\"elf\",\"unpacked\":true,\"depth\":1,\"facts\":{\"elf\":{\"hardening\":{\"relro\":\"" relro  \
    "\",\"pie\":\"" pie "\",\"canary\":" canary ",\"nx\":true}}}}"
#define TXT(vp, sha)                                                                               \
    "{\"vpath\":\"" vp "\",\"kind\":\"file\",\"size\":1,\"sha256\":\"" sha "\",\"type\":"          \
    "\"text\",\"unpacked\":true,\"depth\":1}"

static void test_files_and_hardening(void **st)
{
    (void)st;
    int w;
    json_t *d = diff(
        "\"files\":[" TXT("vendor-1.0.zip", "00") "," TXT("vendor-1.0.zip!/a.txt", "aa") "," TXT(
            "vendor-1.0.zip!/old.txt", "bb") "," ELF("vendor-1.0.zip!/bin/app", "cc", "full", "pie",
                                                     "true") "," ELF("vendor-1.0.zip!/bin/tool",
                                                                     "dd", "partial", "no",
                                                                     "false") "]",
        "\"files\":[" TXT("vendor-1.1.zip", "01") "," TXT("vendor-1.1.zip!/a.txt", "aa") "," TXT(
            "vendor-1.1.zip!/new.txt", "ee") "," ELF("vendor-1.1.zip!/bin/app", "cf", "none", "no",
                                                     "false") "," ELF("vendor-1.1.zip!/bin/tool",
                                                                      "df", "full", "pie",
                                                                      "false") "]",
        &w);
    const json_t *ad = at(d, "files", "added"), *rm = at(d, "files", "removed"),
                 *ch = at(d, "files", "changed");
    assert_int_equal(json_array_size(ad), 1);
    assert_string_equal(s_at(ad, 0, "path"), "*!/new.txt");
    assert_string_equal(s_at(ad, 0, "new_vpath"), "vendor-1.1.zip!/new.txt");
    assert_int_equal(json_array_size(rm), 1);
    assert_string_equal(s_at(rm, 0, "path"), "*!/old.txt");
    /* the container itself, app and tool; a.txt is the same */
    assert_int_equal(json_array_size(ch), 3);
    assert_string_equal(s_at(ch, 0, "path"), "*");
    assert_string_equal(s_at(ch, 1, "path"), "*!/bin/app");
    const json_t *reg = at(d, "hardening", "regressed"), *imp = at(d, "hardening", "improved");
    assert_int_equal(json_array_size(reg), 1);
    assert_string_equal(s_at(reg, 0, "path"), "*!/bin/app");
    const json_t *lost = pki_dj_arr(json_array_get(reg, 0), "lost");
    assert_int_equal(json_array_size(lost), 3);
    assert_string_equal(json_string_value(json_array_get(lost, 0)), "pie");
    assert_string_equal(json_string_value(json_array_get(lost, 1)), "relro:full->none");
    assert_string_equal(json_string_value(json_array_get(lost, 2)), "canary");
    assert_int_equal(json_array_size(imp), 1);
    const json_t *g = pki_dj_arr(json_array_get(imp, 0), "gained");
    assert_int_equal(json_array_size(g), 2);
    assert_string_equal(json_string_value(json_array_get(g, 1)), "relro:partial->full");
    assert_true(w && has_reason(d, "hardening-regressed"));
    json_decref(d);
}

#define PE(vp, sha, subj, serial)                                                                  \
    "{\"vpath\":\"" vp "\",\"kind\":\"file\",\"size\":10,\"sha256\":\"" sha "\",\"type\":"         \
    "\"pe\",\"unpacked\":true,\"depth\":1,\"facts\":{\"pe\":{\"signature\":{\"present\":true,"     \
    "\"signatures\":[{\"role\":\"signature\",\"digest_ok\":true,\"signature_ok\":true,"            \
    "\"signer\":{\"subject\":\"" subj "\",\"serial\":\"" serial "\"}}]}}}}"
#define PE_UNSIGNED(vp)                                                                            \
    "{\"vpath\":\"" vp "\",\"kind\":\"file\",\"size\":10,\"sha256\":\"99\",\"type\":\"pe\","       \
    "\"unpacked\":true,\"depth\":1,\"facts\":{\"pe\":{\"signature\":{\"present\":false}}}}"

static void test_signers(void **st)
{
    (void)st;
    int w;
    json_t *d = diff("\"files\":[" PE("vendor-1.0.zip!/a.exe", "01", "CN=Vendor,C=NL", "01") "," PE(
                         "vendor-1.0.zip!/b.exe", "02", "CN=Vendor,C=NL",
                         "01") "," PE("vendor-1.0.zip!/c.exe", "03", "CN=Vendor,C=NL", "01") "]",
                     "\"files\":[" PE("vendor-1.1.zip!/a.exe", "11", "CN=Other,C=CN", "07") "," PE(
                         "vendor-1.1.zip!/b.exe", "12", "CN=Vendor,C=NL",
                         "02") "," PE_UNSIGNED("vendor-1.1.zip!/c.exe") "]",
                     &w);
    const json_t *sg = at(d, "signers", "changed");
    assert_int_equal(json_array_size(sg), 3);
    assert_string_equal(s_at(sg, 0, "change"), "signer-changed");
    assert_string_equal(
        json_string_value(json_array_get(pki_dj_arr(json_array_get(sg, 0), "new_signers"), 0)),
        "CN=Other,C=CN");
    assert_string_equal(s_at(sg, 1, "change"), "certificate-changed");
    assert_true(json_is_false(json_object_get(json_array_get(sg, 1), "worse")));
    assert_string_equal(s_at(sg, 2, "change"), "signature-removed");
    assert_true(w && has_reason(d, "signer-changed"));
    json_decref(d);
}

#define FIND(rule, vp, off, msg)                                                                   \
    "{\"rule_id\":\"" rule "\",\"analyzer\":\"x\",\"severity\":\"high\",\"confidence\":90,"        \
    "\"vpath\":\"" vp "\",\"offset\":" off ",\"length\":1,\"message\":\"" msg "\"}"

static void test_capabilities_secrets(void **st)
{
    (void)st;
    int w;
    json_t *d = diff(
        "\"findings\":[" FIND("PK-CAP-0001", "vendor-1.0.zip!/bin/app", "10", "shell") "," FIND(
            "PK-SEC-0001", "vendor-1.0.zip!/cfg", "5",
            "Secret (sha256 aaaaaaaaaaaaaaaa).") "," FIND("PK-ELF-0001", "vendor-1.0.zip!/bin/app",
                                                          "16", "not pie") "]",
        "\"findings\":[" FIND("PK-CAP-0001", "vendor-1.1.zip!/bin/app", "99", "shell") "," FIND(
            "PK-CAP-0003", "vendor-1.1.zip!/bin/app", "7",
            "keylog") "," FIND("PK-SEC-0001", "vendor-1.1.zip!/cfg", "50",
                               "Secret (sha256 bbbbbbbbbbbbbbbb).") "," FIND("PK-KEY-0001",
                                                                             "vendor-1.1.zip!/"
                                                                             "k.pem",
                                                                             "0",
                                                                             "private key") "]",
        &w);
    /* the moved offset is the same capability */
    const json_t *cn = at(d, "capabilities", "new");
    assert_int_equal(json_array_size(cn), 1);
    assert_string_equal(s_at(cn, 0, "rule_id"), "PK-CAP-0003");
    assert_string_equal(s_at(cn, 0, "path"), "*!/bin/app");
    assert_int_equal(json_array_size(at(d, "capabilities", "gone")), 0);
    /* another secret in the same file: one new, one gone */
    const json_t *sn = at(d, "secrets", "new");
    assert_int_equal(json_array_size(sn), 2);
    assert_string_equal(s_at(sn, 0, "rule_id"), "PK-KEY-0001");
    assert_string_equal(s_at(sn, 1, "rule_id"), "PK-SEC-0001");
    assert_int_equal(json_array_size(at(d, "secrets", "gone")), 1);
    assert_true(has_reason(d, "capability-new") && has_reason(d, "secret-new"));
    json_decref(d);
}

#define EPSEC(kb, list, countries)                                                                 \
    "\"endpoints\":{\"count\":1,\"knowledge_base\":" kb ",\"list\":[" list                         \
    "],\"countries\":[" countries "]}"
#define EP(v, cc, doc)                                                                             \
    "{\"value\":\"" v "\",\"kind\":\"host\",\"host\":\"" v "\",\"country\":" cc                    \
    ",\"classes\":[],\"documentation\":" doc ",\"total\":1,\"occurrences\":[{\"vpath\":"           \
    "\"vendor-1.1.zip!/bin/app\",\"offset\":1,\"count\":1}]}"

static void test_endpoints(void **st)
{
    (void)st;
    int w;
    json_t *d = diff(
        EPSEC("true",
              EP("a.example.nl", "\"NL\"", "false") "," EP("gone.example.de", "\"DE\"", "false"),
              "{\"country\":\"NL\",\"count\":1},{\"country\":\"DE\",\"count\":1}"),
        EPSEC("true",
              EP("a.example.nl", "\"NL\"", "false") "," EP(
                  "t.example.cn", "\"CN\"", "false") "," EP("example.com", "null", "true"),
              "{\"country\":\"NL\",\"count\":1},{\"country\":\"CN\",\"count\":1},{"
              "\"country\":\"unknown\",\"count\":1}"),
        &w);
    const json_t *ep = pki_dj_obj(d, "endpoints");
    assert_true(json_is_true(json_object_get(ep, "compared")));
    const json_t *nw = pki_dj_arr(ep, "new");
    /* the documentation endpoint is not compared */
    assert_int_equal(json_array_size(nw), 1);
    assert_string_equal(s_at(nw, 0, "value"), "t.example.cn");
    assert_string_equal(s_at(nw, 0, "country"), "CN");
    assert_string_equal(s_at(nw, 0, "path"), "*!/bin/app");
    assert_int_equal(json_array_size(pki_dj_arr(ep, "gone")), 1);
    const json_t *cc = pki_dj_obj(ep, "countries");
    assert_int_equal(json_array_size(pki_dj_arr(cc, "new")), 1);
    assert_string_equal(json_string_value(json_array_get(pki_dj_arr(cc, "new"), 0)), "CN");
    assert_string_equal(json_string_value(json_array_get(pki_dj_arr(cc, "gone"), 0)), "DE");
    assert_true(w && has_reason(d, "country-new"));
    json_decref(d);
    /* no endpoint data at all: not compared, countries neither */
    d = diff("", "", &w);
    ep = pki_dj_obj(d, "endpoints");
    assert_true(json_is_false(json_object_get(ep, "compared")));
    assert_non_null(strstr(pki_dj_str(ep, "reason"), "neither report has endpoint data"));
    assert_true(json_is_false(json_object_get(pki_dj_obj(ep, "countries"), "compared")));
    assert_int_equal(w, 0);
    json_decref(d);
    /* sections without a knowledge base: endpoints compared, countries not */
    d = diff(EPSEC("false", EP("a.example.nl", "null", "false"), ""),
             EPSEC("false", EP("b.example.nl", "null", "false"), ""), &w);
    ep = pki_dj_obj(d, "endpoints");
    assert_int_equal(json_array_size(pki_dj_arr(ep, "new")), 1);
    assert_true(json_is_false(json_object_get(pki_dj_obj(ep, "countries"), "compared")));
    assert_int_equal(w, 0); /* a new endpoint alone is reported, not worse */
    json_decref(d);
}

#define ASSET(ref, name, status)                                                                   \
    "{\"ref\":\"" ref "\",\"kind\":\"algorithm\",\"name\":\"" name "\",\"status\":\"" status       \
    "\",\"occurrences\":1,\"where\":[{\"vpath\":\"v!/"                                             \
    "x\",\"how\":\"constant\",\"confidence\":90}]}"
#define CRYPTO(assets)                                                                             \
    "\"crypto\":{\"policy\":{\"version\":\"1\",\"date\":\"2026-01-01\"},\"summary\":{},"           \
    "\"assets\":[" assets "]}"

static void test_crypto(void **st)
{
    (void)st;
    int w;
    json_t *d = diff(CRYPTO(ASSET("c:aes", "AES", "approved") "," ASSET(
                         "c:sha1", "SHA-1", "deprecated") "," ASSET("c:gone", "X", "approved")),
                     CRYPTO(ASSET("c:aes", "AES", "approved") "," ASSET(
                         "c:sha1", "SHA-1", "disallowed") "," ASSET("c:md5", "MD5", "disallowed")),
                     &w);
    const json_t *nw = at(d, "crypto", "new"), *ch = at(d, "crypto", "status_changed");
    assert_int_equal(json_array_size(nw), 1);
    assert_string_equal(s_at(nw, 0, "name"), "MD5");
    assert_string_equal(s_at(nw, 0, "new_status"), "disallowed");
    assert_int_equal(json_array_size(ch), 1);
    assert_string_equal(s_at(ch, 0, "old_status"), "deprecated");
    assert_string_equal(s_at(ch, 0, "new_status"), "disallowed");
    assert_int_equal(json_array_size(at(d, "crypto", "gone")), 1);
    assert_true(w && has_reason(d, "crypto-worse"));
    json_decref(d);
    d = diff(CRYPTO(""), "", &w);
    assert_string_equal(pki_dj_str(pki_dj_obj(d, "crypto"), "reason"),
                        "the new report has no crypto section");
    json_decref(d);
}

static void test_verdict(void **st)
{
    (void)st;
    int w;
    json_t *d = diff("", "", &w);
    const json_t *v = pki_dj_obj(d, "verdict");
    assert_string_equal(pki_dj_str(v, "status"), "not assessed");
    json_decref(d);
    d = diff("\"assessment\":{\"verdict\":\"APPROVE\",\"profile\":\"pss-baseline\"}",
             "\"assessment\":{\"verdict\":\"REJECT\",\"profile\":\"pss-baseline\"}", &w);
    v = pki_dj_obj(d, "verdict");
    assert_string_equal(pki_dj_str(v, "status"), "assessed");
    assert_string_equal(pki_dj_str(v, "old"), "APPROVE");
    assert_string_equal(pki_dj_str(v, "new"), "REJECT");
    assert_true(w && has_reason(d, "verdict-worse"));
    json_decref(d);
}

/* Through the public API: set_verdicts, the three writers, hostile strings. */
static void test_api_writers(void **st)
{
    (void)st;
    json_t *o =
        report("a.zip", "\"components\":[" COMP("x", "npm", "1.0.0", "pkg:npm/x@1.0.0") "]");
    json_t *n =
        report("b.zip", "\"components\":[" COMP("x", "npm", "0.9.0", "pkg:npm/x@0.9.0") "," COMP(
                            "evil\\u001b[2J|`*", "npm", "1.0.0", "pkg:npm/e@1.0.0") "]");
    char *os = json_dumps(o, 0), *ns = json_dumps(n, 0);
    pk_diff *d = NULL;
    char err[256] = "";
    assert_int_equal(pk_diff_reports(os, strlen(os), ns, strlen(ns), "a", "b", &d, err, sizeof err),
                     PK_OK);
    assert_int_equal(pk_diff_worse(d), 1);
    assert_int_equal(pk_diff_set_verdicts(d, "APPROVE", "nope", NULL), PK_E_MISUSE);
    assert_int_equal(pk_diff_set_verdicts(d, "REJECT", "APPROVE", "p"), PK_OK);
    for (int f = 0; f < 3; f++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        assert_int_equal(pk_diff_write(d,
                                       f == 0   ? "text"
                                       : f == 1 ? "markdown"
                                                : "json",
                                       m),
                         PK_OK);
        fclose(m);
        assert_null(memchr(buf, 0x1b, len)); /* no terminal escape gets through */
        if (f == 0) {
            assert_non_null(strstr(buf, "RESULT: WORSE (component-downgraded)"));
            assert_non_null(strstr(buf, "verdict: REJECT -> APPROVE (profile p)"));
            assert_non_null(strstr(buf, "x 1.0.0 -> 0.9.0 (order: semver)"));
        } else if (f == 1) {
            assert_non_null(strstr(buf, "evil?\\[2J\\|\\`\\*"));
        } else {
            json_t *j = json_loadb(buf, len, 0, NULL);
            assert_non_null(j);
            assert_string_equal(pki_dj_str(pki_dj_obj(j, "verdict"), "new"), "APPROVE");
            assert_int_equal(json_integer_value(json_object_get(
                                 pki_dj_obj(pki_dj_obj(j, "summary"), "components"), "downgraded")),
                             1);
            json_decref(j);
        }
        free(buf);
    }
    assert_int_equal(pk_diff_write(d, "html", stdout), PK_E_USAGE);
    pk_diff_free(d);
    free(os);
    free(ns);
    json_decref(o);
    json_decref(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_a_report), cmocka_unit_test(test_components),
        cmocka_unit_test(test_vulns),        cmocka_unit_test(test_files_and_hardening),
        cmocka_unit_test(test_signers),      cmocka_unit_test(test_capabilities_secrets),
        cmocka_unit_test(test_endpoints),    cmocka_unit_test(test_crypto),
        cmocka_unit_test(test_verdict),      cmocka_unit_test(test_api_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
