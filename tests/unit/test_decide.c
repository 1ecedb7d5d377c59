/* The decision engine (lib/decide/): every test kind on small synthetic
 * reports with the exact status (pass, fail, not applicable, not
 * evaluated) and evidence; profiles and waivers refused with the reason;
 * waivers in force and expired; verdict rules; the score's arithmetic; the
 * shipped profiles load; allocation failures leave nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "decide/decide_int.h"

#define D "2026-11-26"

/* A profile of one requirement with the given test. */
static pk_profile *one(const char *test, const char *on_fail)
{
    char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":"
             "\"R-1\",\"title\":\"Req\",\"clause\":\"FCS_COP.1\",\"severity\":\"high\","
             "\"on_fail\":\"%s\",\"test\":%s}]}",
             on_fail, test);
    pk_profile *p = NULL;
    char err[256] = "";
    if (pk_profile_parse(buf, strlen(buf), "t", &p, err, sizeof err) != PK_OK)
        fail_msg("profile: %s", err);
    return p;
}

static pk_assessment *run(const pk_profile *p, const pk_waivers *w, const char *report)
{
    pk_assessment *a = NULL;
    char err[256] = "";
    if (pk_assess(p, w, report, strlen(report), D, &a, err, sizeof err) != PK_OK)
        fail_msg("assess: %s", err);
    return a;
}

static const json_t *req0(const pk_assessment *a)
{
    return json_array_get(json_object_get(a->doc, "requirements"), 0);
}

/* Runs one test over a report; checks the status and the evidence count. */
static void expect(const char *test, const char *report, const char *status, size_t nev)
{
    pk_profile *p = one(test, "REJECT");
    pk_assessment *a = run(p, NULL, report);
    const json_t *r = req0(a);
    if (strcmp(json_string_value(json_object_get(r, "status")), status) != 0 ||
        json_array_size(json_object_get(r, "evidence")) != nev)
        fail_msg("%s over %s: got %s with %zu evidence (%s), want %s with %zu", test, report,
                 json_string_value(json_object_get(r, "status")),
                 json_array_size(json_object_get(r, "evidence")),
                 json_string_value(json_object_get(r, "detail")), status, nev);
    pk_assessment_free(a);
    pk_profile_free(p);
}

#define REP(extra) "{\"schema_version\":\"1.0\",\"files\":[]" extra "}"
#define FIND(rule, sev, vp, off)                                                                   \
    "{\"rule_id\":\"" rule "\",\"severity\":\"" sev "\",\"confidence\":90,\"vpath\":\"" vp         \
    "\",\"offset\":" #off ",\"evidence\":\"x\",\"message\":\"m\"}"

static void t_no_findings(void **st)
{
    (void)st;
    const char *r = REP(",\"findings\":[" FIND("PK-KEY-0001", "high", "a/k.pem", 16) "," FIND(
        "PK-SEC-0001", "medium", "a/b", 32) "]");
    expect("{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}", r, "fail", 1);
    expect("{\"no_findings\":{\"rule\":\"PK-KEY-0003\"}}", r, "pass", 0);
    expect("{\"no_findings\":{\"rule_prefix\":\"PK-\"}}", r, "fail", 2);
    expect("{\"no_findings\":{\"rule_prefix\":\"PK-SEC-\",\"min_severity\":\"high\"}}", r, "pass",
           0);
    expect("{\"no_findings\":{\"rule_prefix\":\"PK-\",\"min_confidence\":91}}", r, "pass", 0);
    expect("{\"no_findings\":{\"rule\":\"PK-KEY-0001\",\"section\":\"crypto\"}}", r,
           "not_evaluated", 0);
    expect("{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}", REP(""), "not_evaluated", 0);
    /* the evidence says where: vpath, offset, rule */
    pk_profile *p = one("{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}", "REJECT");
    pk_assessment *a = run(p, NULL, r);
    const json_t *e = json_array_get(json_object_get(req0(a), "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "vpath")), "a/k.pem");
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), 16);
    assert_string_equal(json_string_value(json_object_get(e, "id")), "PK-KEY-0001@a/k.pem#0x10");
    assert_int_equal(pk_assessment_verdict(a), PK_VERDICT_REJECT);
    pk_assessment_free(a);
    pk_profile_free(p);
}

#define VULN(id, cvss, kev, epss, fixed, supp)                                                     \
    "{\"id\":\"" id "\",\"aliases\":[\"GHSA-x\"],\"component\":{\"name\":\"zlib\",\"version\":"    \
    "\"1.2\",\"evidence\":\"lib/libz.so\"},\"severity\":\"critical\",\"cvss\":{\"score\":" cvss    \
    "}" kev ",\"epss\":{\"score\":" epss "},\"fixed\":" fixed ",\"suppressed\":" supp "}"
#define KEV ",\"kev\":{\"added\":\"2024-01-01\"}"

static void t_no_vulns(void **st)
{
    (void)st;
    const char *r = REP(",\"findings\":[],\"vulnerabilities\":[" VULN(
        "CVE-1", "9.8", KEV, "0.5", "\"1.3\"",
        "false") "," VULN("CVE-2", "9.1", "", "0.01", "null",
                          "false") "," VULN("CVE-3", "10.0", KEV, "0.9", "null", "true") "]");
    expect("{\"no_vulns\":{\"kev\":true}}", r, "fail", 1); /* CVE-3 is suppressed (VEX) */
    expect("{\"no_vulns\":{\"cvss_min\":9.0,\"without_fix\":true}}", r, "fail", 1);
    expect("{\"no_vulns\":{\"cvss_min\":9.5}}", r, "fail", 1);
    expect("{\"no_vulns\":{\"cvss_min\":9.9}}", r, "pass", 0);
    expect("{\"no_vulns\":{\"epss_min\":0.6}}", r, "pass", 0);
    expect("{\"no_vulns\":{}}", r, "fail", 2);
    expect("{\"no_vulns\":{\"kev\":true}}", REP(",\"findings\":[]"), "not_evaluated", 0);
    expect("{\"no_vulns\":{\"kev\":true}}", REP(",\"vulnerabilities\":[]"), "pass", 0);
    /* KEV, EPSS and endpoint tables match nothing: no advisory feed, no pass */
    expect("{\"no_vulns\":{\"kev\":true}}",
           REP(",\"vulnerabilities\":[],\"vulnerability_db\":{\"sources\":[{\"name\":"
               "\"kev\",\"records\":1200},{\"name\":\"osv\",\"records\":0},{\"name\":"
               "\"trackers-xray\",\"records\":9}]}"),
           "not_evaluated", 0);
    expect("{\"no_vulns\":{\"kev\":true}}",
           REP(",\"vulnerabilities\":[],\"vulnerability_db\":{\"sources\":[{\"name\":"
               "\"kev\",\"records\":1200},{\"name\":\"nswg\",\"records\":3}]}"),
           "pass", 0);
}

#define ELF(vp, pie, relro, type)                                                                  \
    "{\"vpath\":\"" vp "\",\"type\":\"elf\",\"facts\":{\"elf\":{\"type\":\"" type                  \
    "\",\"hardening\":{\"pie\":\"" pie "\",\"relro\":\"" relro "\"}}}}"
#define RATIO(min)                                                                                 \
    "{\"ratio\":{\"of\":\"elf\",\"where\":{\"type\":[\"exec\",\"dyn\"]},\"require\":{"             \
    "\"hardening.pie\":[\"pie\",\"dso\"],\"hardening.relro\":\"full\"},\"min\":" min "}}"

static void t_ratio(void **st)
{
    (void)st;
    const char *r =
        "{\"schema_version\":\"1.0\",\"files\":[" ELF("a", "pie", "full", "dyn") "," ELF(
            "b", "dso", "full", "dyn") "," ELF("c", "no", "partial",
                                               "exec") "," ELF("d", "rel", "none", "rel") "]}";
    expect(RATIO("0.9"), r, "fail", 1); /* 2 of 3 (d is ET_REL: out of scope) */
    expect(RATIO("0.66"), r, "pass", 1);
    expect(RATIO("0.9"), REP(""), "not_applicable", 0);
    pk_profile *p = one(RATIO("0.9"), "CONDITIONS");
    pk_assessment *a = run(p, NULL, r);
    const json_t *e = json_array_get(json_object_get(req0(a), "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "vpath")), "c");
    assert_string_equal(json_string_value(json_object_get(e, "value")),
                        "hardening.pie=no, hardening.relro=partial");
    assert_int_equal(pk_assessment_verdict(a), PK_VERDICT_CONDITIONS);
    pk_assessment_free(a);
    pk_profile_free(p);
}

#define PE(vp, sig) "{\"vpath\":\"" vp "\",\"type\":\"pe\",\"facts\":{\"pe\":{" sig "}}}"

static void t_all_signed(void **st)
{
    (void)st;
    const char *t = "{\"all_signed\":{\"of\":\"pe\"}}";
    expect(
        t,
        "{\"schema_version\":\"1.0\",\"files\":[" PE(
            "s.exe",
            "\"signature\":{\"present\":true,"
            "\"signed_data_count\":1}") "," PE("u.exe", "") "," PE("e.exe",
                                                                   "\"signature\":{\"present\":"
                                                                   "true,\"signed_data_count\":"
                                                                   "0}") "," PE("v.exe",
                                                                                "\"signature\":{"
                                                                                "\"present\":true,"
                                                                                "\"signed_data_"
                                                                                "count\":1,"
                                                                                "\"verified\":"
                                                                                "false}") "]}",
        "fail", 3);
    expect(t,
           "{\"schema_version\":\"1.0\",\"files\":[" PE(
               "s.exe", "\"signature\":{\"present\":true,\"signed_data_count\":2}") "]}",
           "pass", 0);
    expect(t, REP(""), "not_applicable", 0);
}

static void t_endpoints(void **st)
{
    (void)st;
    const char *t = "{\"no_endpoints_outside_allowed\":{\"allowed\":[\"PK\",\"DE\"]}}";
    const char *tu =
        "{\"no_endpoints_outside_allowed\":{\"allowed\":[\"PK\"],\"unknown_country\":\"fail\"}}";
    const char *r = REP(",\"endpoints\":[{\"host\":\"t.example.cn\",\"country\":\"CN\",\"vpath\":"
                        "\"setup.exe\",\"offset\":107184},{\"host\":\"a.pk\",\"country\":\"PK\"},"
                        "{\"host\":\"x.example\",\"country\":\"US\",\"declared\":true},{\"host\":"
                        "\"10.0.0.1\"}]");
    expect(t, r, "fail", 1);
    expect(tu, r, "fail", 2);
    expect(t, REP(",\"endpoints\":{\"hosts\":[{\"host\":\"a.de\",\"country\":\"DE\"}]}"), "pass",
           0);
    expect(t, REP(""), "not_evaluated", 0);
    /* the geo join's section (lib/geo/geo_out.c): "list", occurrences, documentation */
    const char *geo =
        REP(",\"endpoints\":{\"knowledge_base\":true,\"list\":[{\"value\":\"t.example.cn\","
            "\"host\":\"t.example.cn\",\"country\":\"CN\",\"documentation\":false,"
            "\"occurrences\":[{\"vpath\":\"setup.exe\",\"offset\":107184}]},{\"value\":"
            "\"example.com\",\"country\":\"US\",\"documentation\":true}]}");
    expect(t, geo, "fail", 1);
    pk_profile *p = one(t, "REJECT");
    pk_assessment *a = run(p, NULL, geo);
    const json_t *e = json_array_get(json_object_get(req0(a), "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "vpath")), "setup.exe");
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), 107184);
    assert_string_equal(json_string_value(json_object_get(e, "country")), "CN");
    const json_t *q0 = json_array_get(json_object_get(a->doc, "questions"), 0);
    assert_non_null(strstr(json_string_value(json_object_get(q0, "text")),
                           "t.example.cn (country: CN) in `setup.exe` at offset 0x1a2b0"));
    pk_assessment_free(a);
    pk_profile_free(p);
    /* no country data: the countries cannot be judged */
    expect(t,
           REP(",\"endpoints\":{\"knowledge_base\":false,\"list\":[{\"value\":\"a.example\","
               "\"country\":null,\"documentation\":false}]}"),
           "not_evaluated", 0);
    expect(t, REP(",\"endpoints\":{\"knowledge_base\":false,\"list\":[]}"), "pass", 0);
}

#define LIB(linked, valid, status)                                                                 \
    "{\"ref\":\"lib:openssl\",\"kind\":\"library\",\"library\":\"OpenSSL\",\"version\":"           \
    "\"3.0.8\",\"linked\":" linked ",\"fips_validated_version\":" valid status                     \
    ",\"where\":[{\"vpath\":\"lib/libcrypto.so.3\",\"how\":\"component\"}]}"
#define ALG(name, status, how)                                                                     \
    "{\"ref\":\"crypto:algorithm:" name "\",\"kind\":\"algorithm\",\"name\":\"" name               \
    "\",\"status\":\"" status "\",\"where\":[{\"vpath\":\"bin/x\",\"offset\":4096,\"how\":\"" how  \
    "\",\"what\":\"" name "\"}]}"
#define CRYPTO(assets) REP(",\"crypto\":{\"assets\":[" assets "]}")

static void t_fips(void **st)
{
    (void)st;
    const char *t = "{\"requires_fips_module\":{}}";
    expect(t, CRYPTO(LIB("false", "true", "")), "pass", 0);
    expect(t, CRYPTO(LIB("false", "true", ",\"cmvp_status\":\"Historical\"")), "fail", 1);
    expect("{\"requires_fips_module\":{\"active_only\":false}}",
           CRYPTO(LIB("false", "true", ",\"cmvp_status\":\"Historical\"")), "pass", 0);
    expect(t, CRYPTO(LIB("false", "false", "")), "fail", 1);
    expect(t, CRYPTO(LIB("true", "null", "")), "not_evaluated", 1);
    expect(t, CRYPTO(ALG("AES", "approved", "constant")), "fail", 1);
    expect(t, CRYPTO(ALG("AES", "approved", "name")), "not_applicable", 0);
    expect(t, REP(""), "not_evaluated", 0);
}

static void t_crypto_status(void **st)
{
    (void)st;
    const char *t = "{\"no_crypto_status\":{\"status\":[\"disallowed\"],\"kinds\":[\"algorithm\"],"
                    "\"exclude_how\":[\"name-table\"]}}";
    expect(t, CRYPTO(ALG("DES", "disallowed", "constant") "," ALG("AES", "approved", "constant")),
           "fail", 1);
    expect(t, CRYPTO(ALG("DES", "disallowed", "name-table")), "pass", 0);
    expect(t, CRYPTO(ALG("SHA-1", "deprecated", "constant")), "pass", 0);
    expect(t, REP(""), "not_evaluated", 0);
}

static void t_bad_profiles(void **st)
{
    (void)st;
    static const struct {
        const char *json, *want;
    } bad[] = {
        {"[]", "JSON object"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[],\"x\":1}",
         "unknown key 'x'"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[]}", "1..256"},
        {"{\"profile\":\"t\",\"profile\":\"u\"}", "duplicate"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"huge\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_vulns\":{}}}]}",
         "severity"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"MAYBE\","
         "\"test\":{\"no_vulns\":{}}}]}",
         "on_fail"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_vulns\":{},\"ratio\":{}}}]}",
         "exactly one test"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_vulns\":{\"kev\":1}}}]}",
         "true or false"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_findings\":{\"rule\":\"X\",\"rule_prefix\":\"Y\"}}}]}",
         "exactly one of"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_endpoints_outside_allowed\":{\"allowed\":[\"pk\"]}}}]}",
         "alpha-2"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"ratio\":{\"of\":\"elf\",\"min\":0.5}}}]}",
         "require"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_vulns\":{}}},{\"id\":\"A\",\"title\":\"a\",\"clause\":\"c\","
         "\"severity\":\"low\",\"on_fail\":\"REJECT\",\"test\":{\"no_vulns\":{}}}]}",
         "twice"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_crypto_status\":{\"status\":[\"weak\"]}}}]}",
         "unknown value 'weak'"},
        {"{\"profile\":\"t\",\"version\":\"1\",\"title\":\"T\",\"requirements\":[{\"id\":\"A\","
         "\"title\":\"a\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":\"REJECT\","
         "\"test\":{\"no_such_test\":{}}}]}",
         "unknown test"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pk_profile *p = (pk_profile *)1;
        char err[256] = "";
        pk_status s = pk_profile_parse(bad[i].json, strlen(bad[i].json), "t", &p, err, sizeof err);
        if (s != PK_E_FORMAT || p || !strstr(err, bad[i].want))
            fail_msg("case %zu: status %d, err '%s', want '%s'", i, s, err, bad[i].want);
    }
}

static void t_shipped(void **st)
{
    (void)st;
    static const char *const names[] = {"pss-baseline", "pss-crypto", "pss-critical"};
    static const size_t nreq[] = {15, 18, 20};
    for (size_t i = 0; i < 3; i++) {
        pk_profile *p = NULL;
        char err[256] = "";
        if (pk_profile_load(names[i], &p, err, sizeof err) != PK_OK)
            fail_msg("%s: %s", names[i], err);
        assert_string_equal(p->name, names[i]);
        assert_int_equal(p->n, nreq[i]);
        assert_int_equal(p->ne_reject, i == 2);
        pk_profile_free(p);
    }
    pk_profile *p = NULL;
    char err[256] = "";
    assert_int_equal(pk_profile_load("pss-nope", &p, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "pss-baseline"));
    assert_int_equal(pk_profile_load("/nonexistent/p.json", &p, err, sizeof err), PK_E_IO);
}

#define WAIVER(target, exp)                                                                        \
    "{\"waivers\":[{" target ",\"justification\":\"test key, replaced at install\","               \
    "\"approver\":\"CISO\",\"expires\":\"" exp "\"}]}"

static pk_waivers *waivers(const char *json)
{
    pk_waivers *w = NULL;
    char err[256] = "";
    if (pk_waivers_parse(json, strlen(json), "w", &w, err, sizeof err) != PK_OK)
        fail_msg("waivers: %s", err);
    return w;
}

static void t_waivers(void **st)
{
    (void)st;
    const char *r = REP(",\"findings\":[" FIND("PK-KEY-0001", "high", "a/k.pem", 16) "]");
    pk_profile *p = one("{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}", "REJECT");
    static const struct {
        const char *w;
        pk_verdict want;
        int waived;
    } cases[] = {
        {WAIVER("\"requirement\":\"R-1\"", D), PK_VERDICT_APPROVE, 1}, /* through its last day */
        {WAIVER("\"requirement\":\"R-1\"", "2026-11-25"), PK_VERDICT_REJECT, 0}, /* expired */
        {WAIVER("\"requirement\":\"R-2\"", "2030-01-01"), PK_VERDICT_REJECT, 0},
        {WAIVER("\"finding\":{\"rule_id\":\"PK-KEY-0001\",\"vpath\":\"a/k.pem\",\"offset\":16}",
                "2030-01-01"),
         PK_VERDICT_APPROVE, 1},
        {WAIVER("\"finding\":{\"rule_id\":\"PK-KEY-0001\",\"vpath\":\"a/k.pem\",\"offset\":17}",
                "2030-01-01"),
         PK_VERDICT_REJECT, 0},
        {WAIVER("\"finding\":{\"rule_id\":\"PK-KEY-0001\"}", "2030-01-01"), PK_VERDICT_APPROVE, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pk_waivers *w = waivers(cases[i].w);
        pk_assessment *a = run(p, w, r);
        const json_t *q = req0(a);
        if (pk_assessment_verdict(a) != cases[i].want ||
            json_is_true(json_object_get(q, "waived")) != cases[i].waived ||
            strcmp(json_string_value(json_object_get(q, "status")), "fail") != 0)
            fail_msg("waiver case %zu: verdict %d waived %d", i, pk_assessment_verdict(a),
                     json_is_true(json_object_get(q, "waived")));
        const json_t *wl = json_array_get(json_object_get(a->doc, "waivers"), 0);
        assert_string_equal(json_string_value(json_object_get(wl, "state")),
                            i == 1 ? "expired" : "active");
        assert_int_equal(json_is_true(json_object_get(wl, "used")), cases[i].waived);
        pk_assessment_free(a);
        pk_waivers_free(w);
    }
    /* a vulnerability waiver by alias */
    pk_profile *pv = one("{\"no_vulns\":{\"kev\":true}}", "REJECT");
    pk_waivers *w = waivers(WAIVER("\"vulnerability\":\"GHSA-x\"", "2030-01-01"));
    pk_assessment *a = run(
        pv, w, REP(",\"vulnerabilities\":[" VULN("CVE-1", "9.8", KEV, "0.5", "null", "false") "]"));
    assert_int_equal(pk_assessment_verdict(a), PK_VERDICT_APPROVE);
    pk_assessment_free(a);
    pk_waivers_free(w);
    pk_profile_free(pv);
    pk_profile_free(p);
    static const struct {
        const char *json, *want;
    } bad[] = {
        {"{\"waivers\":[{\"requirement\":\"R\",\"justification\":\"j\",\"approver\":\"a\"}]}",
         "'expires'"},
        {WAIVER("\"requirement\":\"R\"", "2026-02-30"), "YYYY-MM-DD"},
        {WAIVER("\"requirement\":\"R\",\"vulnerability\":\"CVE-1\"", "2027-01-01"), "exactly one"},
        {WAIVER("\"finding\":{\"vpath\":\"x\"}", "2027-01-01"), "rule_id"},
        {WAIVER("\"finding\":{\"rule_id\":\"X\",\"offset\":-1}", "2027-01-01"), "non-negative"},
        {"{\"waivers\":{}}", "array"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pk_waivers *x = (pk_waivers *)1;
        char err[256] = "";
        pk_status s = pk_waivers_parse(bad[i].json, strlen(bad[i].json), "w", &x, err, sizeof err);
        if (s != PK_E_FORMAT || x || !strstr(err, bad[i].want))
            fail_msg("bad waiver %zu: status %d, err '%s', want '%s'", i, s, err, bad[i].want);
    }
}

static void t_verdict(void **st)
{
    (void)st;
    const char *prof =
        "{\"profile\":\"v\",\"version\":\"1\",\"title\":\"V\",%s\"requirements\":["
        "{\"id\":\"A\",\"title\":\"a\",\"clause\":\"c\",\"severity\":\"high\",\"on_fail\":"
        "\"REJECT\",\"test\":{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}},"
        "{\"id\":\"B\",\"title\":\"b\",\"clause\":\"c\",\"severity\":\"low\",\"on_fail\":"
        "\"CONDITIONS\",\"test\":{\"no_findings\":{\"rule\":\"PK-ELF-0001\"}}},"
        "{\"id\":\"C\",\"title\":\"c\",\"clause\":\"c\",\"severity\":\"high\",\"on_fail\":"
        "\"REJECT\",\"test\":{\"no_vulns\":{\"kev\":true}}}]}";
    char buf[2048];
    const char *clean = REP(",\"findings\":[],\"vulnerabilities\":[]");
    const char *cond = REP(
        ",\"findings\":[" FIND("PK-ELF-0001", "medium", "bin/x", 16) "],\"vulnerabilities\":[]");
    const char *rej = REP(",\"findings\":[" FIND("PK-KEY-0001", "high", "k", 0) "," FIND(
        "PK-ELF-0001", "medium", "bin/x", 16) "],\"vulnerabilities\":[]");
    const char *noeval = REP(",\"findings\":[]");
    for (int ne = 0; ne < 2; ne++) {
        snprintf(buf, sizeof buf, prof, ne ? "\"when_not_evaluated\":\"REJECT\"," : "");
        pk_profile *p = NULL;
        char err[256];
        if (pk_profile_parse(buf, strlen(buf), "v", &p, err, sizeof err) != PK_OK)
            fail_msg("%s", err);
        pk_assessment *a = run(p, NULL, clean);
        assert_int_equal(pk_assessment_verdict(a), PK_VERDICT_APPROVE);
        assert_int_equal(json_array_size(json_object_get(a->doc, "conditions")), 0);
        assert_int_equal(json_array_size(json_object_get(a->doc, "questions")), 0);
        size_t nr = json_array_size(json_object_get(a->doc, "reasons"));
        assert_true(nr >= 3 && nr <= 5);
        pk_assessment_free(a);
        a = run(p, NULL, cond);
        assert_int_equal(pk_assessment_verdict(a), PK_VERDICT_CONDITIONS);
        const json_t *c0 = json_array_get(json_object_get(a->doc, "conditions"), 0);
        assert_string_equal(json_string_value(json_object_get(c0, "requirement")), "B");
        const json_t *q0 = json_array_get(json_object_get(a->doc, "questions"), 0);
        assert_non_null(
            strstr(json_string_value(json_object_get(q0, "text")), "`bin/x` at offset 0x10"));
        pk_assessment_free(a);
        a = run(p, NULL, rej);
        assert_int_equal(pk_assessment_verdict(a), PK_VERDICT_REJECT);
        const char *r0 = json_string_value(json_array_get(json_object_get(a->doc, "reasons"), 0));
        assert_non_null(strstr(r0, "Fails (rejects): a [A, c]"));
        pk_assessment_free(a);
        a = run(p, NULL, noeval); /* C not evaluated: conditions, or reject when told so */
        assert_int_equal(pk_assessment_verdict(a), ne ? PK_VERDICT_REJECT : PK_VERDICT_CONDITIONS);
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(a->doc, "counts"), "not_evaluated")),
            1);
        pk_assessment_free(a);
        pk_profile_free(p);
    }
    /* not a report */
    pk_profile *p = one("{\"no_vulns\":{}}", "REJECT");
    pk_assessment *a = NULL;
    char err[256] = "";
    assert_int_equal(pk_assess(p, NULL, "{\"a\":1}", 7, D, &a, err, sizeof err), PK_E_FORMAT);
    assert_int_equal(pk_assess(p, NULL, "{", 1, D, &a, err, sizeof err), PK_E_FORMAT);
    assert_int_equal(
        pk_assess(p, NULL, REP(""), strlen(REP("")), "2026-13-01", &a, err, sizeof err),
        PK_E_USAGE);
    assert_null(a);
    pk_profile_free(p);
}

static double part(const pk_assessment *a, const char *name)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(json_object_get(a->doc, "score"), "parts"), i,
                       v) if (strcmp(json_string_value(json_object_get(v, "name")), name) ==
                              0) return json_number_value(json_object_get(v, "contribution"));
    fail_msg("no part %s", name);
    return -1;
}

static void t_score(void **st)
{
    (void)st;
    pk_profile *p = one("{\"no_vulns\":{}}", "REJECT");
    /* CVSS 8.0 -> 20; KEV -> 20; EPSS 0.5 -> 5; one private key (3 points of 6) -> 7.5;
     * one credential (3 of 6) -> 7.5; no endpoints section -> 0: 60, a lower bound */
    pk_assessment *a = run(
        p, NULL,
        REP(",\"findings\":[" FIND("PK-KEY-0001", "high", "k", 0) "," FIND(
            "PK-SEC-0001", "high", "s",
            0) "],\"vulnerabilities\":[" VULN("CVE-1", "8.0", KEV, "0.5", "null", "false") "]"));
    assert_int_equal(pk_assessment_score(a), 60);
    assert_true(part(a, "cvss") == 20.0 && part(a, "kev") == 20.0 && part(a, "epss") == 5.0);
    assert_true(part(a, "crypto") == 7.5 && part(a, "hidden_access") == 7.5 &&
                part(a, "exposure") == 0.0);
    assert_true(json_is_true(json_object_get(json_object_get(a->doc, "score"), "lower_bound")));
    pk_assessment_free(a);
    /* saturation: 2 private keys and 3 disallowed assets -> crypto 15; 12 endpoints, 1
     * outside PK... no endpoint test in this profile, so all count as inside: 12/10 -> 15 */
    a = run(
        p, NULL,
        "{\"schema_version\":\"1.0\",\"files\":[],\"findings\":[" FIND(
            "PK-KEY-0001", "high", "k",
            0) "," FIND("PK-KEY-0001", "high", "k2",
                        0) "],\"vulnerabilities\":[],\"crypto\":{\"assets\":"
                           "[" ALG(
                               "DES", "disallowed",
                               "constant") "]},"
                                           "\"endpoints\":[{},{},{},{},{},{},{},{},{},{},{},{}]}");
    assert_true(part(a, "crypto") == 15.0 && part(a, "exposure") == 15.0 && part(a, "cvss") == 0.0);
    assert_int_equal(pk_assessment_score(a), 30);
    assert_false(json_is_true(json_object_get(json_object_get(a->doc, "score"), "lower_bound")));
    pk_assessment_free(a);
    pk_profile_free(p);
}

/* The writers: text and Markdown carry the verdict and the evidence. */
static void t_writers(void **st)
{
    (void)st;
    pk_profile *p = one("{\"no_findings\":{\"rule\":\"PK-KEY-0001\"}}", "REJECT");
    pk_assessment *a =
        run(p, NULL, REP(",\"findings\":[" FIND("PK-KEY-0001", "high", "etc/k.pem", 26) "]"));
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    assert_int_equal(pk_assessment_write(a, "text", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "questions", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "json", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "markdown", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "sarif", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "html", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "xml", m), PK_E_USAGE);
    fclose(m);
    assert_non_null(strstr(buf, "**Verdict: REJECT**"));
    assert_non_null(strstr(buf, "\"ruleId\": \"R-1\""));
    assert_non_null(strstr(buf, "<!DOCTYPE html>"));
    assert_non_null(strstr(buf, "VERDICT: REJECT"));
    assert_non_null(strstr(buf, "# Questions for the vendor"));
    assert_non_null(strstr(buf, "## R-1"));
    assert_non_null(strstr(buf, "`etc/k.pem` at offset 0x1a (x)"));
    assert_non_null(strstr(buf, "\"verdict\": \"REJECT\""));
    free(buf);
    pk_assessment_free(a);
    /* an escape sequence in a hostile report's message never reaches the terminal */
    a = run(p, NULL,
            REP(",\"findings\":[{\"rule_id\":\"PK-KEY-0001\",\"vpath\":\"k\",\"message\":"
                "\"\\u001b[2Jgone\"}]"));
    buf = NULL;
    m = open_memstream(&buf, &n);
    assert_int_equal(pk_assessment_write(a, "text", m), PK_OK);
    assert_int_equal(pk_assessment_write(a, "questions", m), PK_OK);
    fclose(m);
    assert_null(memchr(buf, 0x1b, n));
    assert_non_null(strstr(buf, "[2Jgone")); /* "?[2J" in text, " \\[2J" in Markdown */
    free(buf);
    pk_assessment_free(a);
    pk_profile_free(p);
}

/* Every allocation of a whole assessment failing in turn: an error, never a
 * leak or a crash (ASan checks the leaks). jansson allocates with malloc, so
 * only pki_* allocations are injected. */
static void t_oom(void **st)
{
    (void)st;
    const char *r = REP(",\"findings\":[" FIND("PK-KEY-0001", "high", "a/k.pem", 16) "]");
    for (unsigned long n = 1; n < 64; n++) {
        pki_alloc_fail_after(n);
        pk_profile *p = NULL;
        pk_assessment *a = NULL;
        pk_status s = pk_profile_load("pss-baseline", &p, NULL, 0);
        if (s == PK_OK)
            s = pk_assess(p, NULL, r, strlen(r), D, &a, NULL, 0);
        pki_alloc_fail_after(0);
        assert_true(s == PK_OK || s == PK_E_NOMEM);
        assert_true((s == PK_OK) == (a != NULL));
        pk_assessment_free(a);
        pk_profile_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_no_findings),   cmocka_unit_test(t_no_vulns),
        cmocka_unit_test(t_ratio),         cmocka_unit_test(t_all_signed),
        cmocka_unit_test(t_endpoints),     cmocka_unit_test(t_fips),
        cmocka_unit_test(t_crypto_status), cmocka_unit_test(t_bad_profiles),
        cmocka_unit_test(t_shipped),       cmocka_unit_test(t_waivers),
        cmocka_unit_test(t_verdict),       cmocka_unit_test(t_score),
        cmocka_unit_test(t_writers),       cmocka_unit_test(t_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
