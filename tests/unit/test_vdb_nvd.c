/* The NVD importers (lib/vulndb/imp_nvd.c: 1.1 JSON feeds and CVE API 2.0
 * responses) and the CVSS base scores (lib/vulndb/cvss.c), through the public
 * import on the real files in shared/data ($PK_SHARED) and on small files
 * written here: exact rows read back with SQLite, CPE matching of a CycloneDX
 * SBOM with pk_vulns_match, every (vector, score) pair NVD states recomputed,
 * and malformed feeds refused with PK_E_FEED naming the file and the record,
 * the database left as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "vdb_test.h"
#include "vulndb/cvss.h"
#include "vulndb/vdb_int.h"

/* Records of the shared files with no vulnerable CPE criterion (counted
 * with a script over the JSON when the test was written). */
#define NVD20_SKIPPED    2   /* CVE-2023-5341, CVE-2024-47177: not analysed yet */
#define NVD11_XZ_SKIPPED 320 /* the "recent" feed: many records still unanalysed */
#define NVD11_XZ_IDS     669
#define NVD11_2018_V2    181 /* every 2018 record has a v2 score */

/* Rows of one CVE under one key, "spec fixed note" each, sorted, joined by " | ". */
#define ROWS(id, key)                                                                              \
    "SELECT group_concat(r, ' | ') FROM (SELECT spec || ' ' || ifnull(fixed, '-') || ' ' || "      \
    "ifnull(note, '-') AS r FROM affected WHERE feed = 'nvd' AND id = '" id "' AND key = '" key    \
    "' AND scheme = 'generic' AND status = 'affected' AND distro = '' ORDER BY r)"

/* ---- CVSS ---- */

static void score_is(const char *vec, const char *ver, double want)
{
    char v[PKI_CVSS_VERSION_CAP];
    double s = -1;
    if (pki_cvss_base_score(vec, v, &s) != 0)
        fail_msg("%s: refused", vec);
    if (strcmp(v, ver) != 0 || fabs(s - want) > 1e-9)
        fail_msg("%s: got %s %.1f, want %s %.1f", vec, v, s, ver, want);
}

static void test_cvss_spec_examples(void **state)
{
    (void)state;
    /* CVSS v3.1 specification, section 8 examples and v3.1 user guide */
    score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "3.1", 6.1); /* CVE-2013-1937 */
    score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1", 9.8);
    score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "3.1", 10.0);
    score_is("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", "3.1", 5.5);
    score_is("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", "3.1", 1.6);
    score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "3.1", 0.0);
    score_is("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", "3.0", 5.9); /* CVE-2018-0734 */
    /* metric order is free in 3.x; temporal and environmental are ignored */
    score_is("CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U", "3.1", 9.8);
    score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/CR:H/MAV:L", "3.1", 9.8);
    /* CVSS v2 guide, section 3.3 examples */
    score_is("AV:N/AC:L/Au:N/C:N/I:N/A:C", "2.0", 7.8);  /* CVE-2002-0392 */
    score_is("AV:N/AC:L/Au:N/C:C/I:C/A:C", "2.0", 10.0); /* CVE-2003-0818 */
    score_is("AV:L/AC:H/Au:N/C:C/I:C/A:C", "2.0", 6.2);  /* CVE-2003-0062 */
    score_is("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", "2.0", 7.5);
    score_is("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C", "2.0", 7.5);
    score_is("AV:N/AC:M/Au:N/C:N/I:N/A:N", "2.0", 0.0);
}

static void test_cvss_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "CVSS:3.1/",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",          /* A missing */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",  /* twice */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X",      /* bad value */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", /* unknown metric */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",     /* trailing slash */
        "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",     /* empty pair */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HH",     /* value too long */
        "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",      /* unknown version */
        "CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",      /* case matters */
        "AV:N/AC:L/Au:N/C:P/I:P",                            /* v2, A missing */
        "AV:N/AC:L/Au:N/C:P/I:P/A:P/Au:N",                   /* v2, twice */
        "AV:N/AC:L/Au:N/C:P/I:P/A:H",                        /* v3 value in v2 */
        "(AV:N/AC:L/Au:N/C:P/I:P/A:P",                       /* unbalanced */
        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",               /* v3 without prefix */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double s = 42;
        if (pki_cvss_base_score(bad[i], NULL, &s) != -1)
            fail_msg("accepted \"%s\" (%.1f)", bad[i], s);
    }
    char v[PKI_CVSS_VERSION_CAP] = "x";
    double s;
    /* v4.0 is recognised, not scored */
    assert_int_equal(pki_cvss_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/"
                                         "SC:N/SI:N/SA:N",
                                         v, &s),
                     -1);
    assert_string_equal(v, "4.0");
    char longv[400];
    memset(longv, 'A', sizeof longv - 1);
    longv[sizeof longv - 1] = 0;
    assert_int_equal(pki_cvss_base_score(longv, v, &s), -1);
    assert_int_equal(pki_cvss_base_score(NULL, v, &s), -1);

    assert_int_equal(pki_cvss_severity(0.0), PK_SEV_INFO);
    assert_int_equal(pki_cvss_severity(0.1), PK_SEV_LOW);
    assert_int_equal(pki_cvss_severity(3.9), PK_SEV_LOW);
    assert_int_equal(pki_cvss_severity(4.0), PK_SEV_MEDIUM);
    assert_int_equal(pki_cvss_severity(6.9), PK_SEV_MEDIUM);
    assert_int_equal(pki_cvss_severity(7.0), PK_SEV_HIGH);
    assert_int_equal(pki_cvss_severity(8.9), PK_SEV_HIGH);
    assert_int_equal(pki_cvss_severity(9.0), PK_SEV_CRITICAL);
    assert_int_equal(pki_cvss_severity(10.0), PK_SEV_CRITICAL);
    assert_int_equal(pki_cvss_severity(-1.0), PK_SEV_MEDIUM);
    assert_int_equal(pki_cvss_severity(NAN), PK_SEV_MEDIUM);
}

/* The 1.1 sample of 2022-08-31 is xz-compressed in shared/: unpacked here. */
static const char *xz_sample(char *out, size_t cap)
{
    char p[1200];
    fx("nvdcve-1.1-sample.json", out, cap);
    if (access(out, R_OK) != 0 &&
        fx_sh("xz -dc '%s' > nvdcve-1.1-sample.json",
              sh("nvd/nvdcve-1.1-sample-2022-08-31.json.xz", p, sizeof p)) != 0)
        fail_msg("xz -dc failed (see %s/build.log)", fx_dir);
    return out;
}

/* Checks every {vectorString, baseScore} object in a parsed document (any
 * depth: 1.1 impact blocks, 2.0 Primary and Secondary metrics); counts per
 * version into n[3] (2.0, 3.0, 3.1). Test data is trusted: plain recursion. */
static void check_scores(json_t *o, int *n)
{
    if (json_is_object(o)) {
        json_t *vec = json_object_get(o, "vectorString"), *sc = json_object_get(o, "baseScore");
        if (json_is_string(vec) && json_is_number(sc)) {
            char v[PKI_CVSS_VERSION_CAP];
            double got = -1, want = json_number_value(sc);
            if (pki_cvss_base_score(json_string_value(vec), v, &got) != 0 ||
                fabs(got - want) > 1e-9)
                fail_msg("%s: NVD says %.1f, computed %.1f", json_string_value(vec), want, got);
            n[v[0] == '2' ? 0 : v[2] == '0' ? 1 : 2]++;
        }
        const char *k;
        json_t *x;
        json_object_foreach(o, k, x)
        {
            check_scores(x, n);
        }
    } else if (json_is_array(o)) {
        size_t i;
        json_t *x;
        json_array_foreach(o, i, x)
        {
            check_scores(x, n);
        }
    }
}

static void check_file_scores(const char *path, int *n)
{
    json_error_t je;
    json_t *d = json_load_file(path, 0, &je);
    if (!d)
        fail_msg("%s: %s", path, je.text);
    check_scores(d, n);
    json_decref(d);
}

/* Every (vector, score) pair NVD states in the shared NVD files (1020 of
 * them: v2, v3.0, v3.1; Primary and Secondary) is the base score cvss.c
 * computes; and the importer stores the scores as stated. */
static void test_cvss_agrees_with_nvd(void **state)
{
    (void)state;
    char p[1200];
    int n[3] = {0, 0, 0};
    check_file_scores(sh("nvd/nvdcve-1.1-2018.embedded-c-subset.json", p, sizeof p), n);
    check_file_scores(sh("nvd/nvdcve-1.1-2022.embedded-c-subset.json", p, sizeof p), n);
    check_file_scores(xz_sample(p, sizeof p), n);
    static const char *const api[] = {
        "CVE-2014-1424",  "CVE-2016-1585",  "CVE-2017-6507",  "CVE-2018-1000500", "CVE-2020-13595",
        "CVE-2021-28429", "CVE-2022-0090",  "CVE-2022-1122",  "CVE-2022-25761",   "CVE-2022-25929",
        "CVE-2022-29194", "CVE-2022-2956",  "CVE-2022-32746", "CVE-2022-33745",   "CVE-2022-34668",
        "CVE-2022-36037", "CVE-2022-36749", "CVE-2022-46285", "CVE-2023-24256",   "CVE-2023-4863",
        "CVE-2023-5341",  "CVE-2024-3094",  "CVE-2024-47177"};
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "nvd/api2.0-samples/%s.json", api[i]);
        check_file_scores(sh(rel, p, sizeof p), n);
    }
    assert_int_equal(n[0], 291);
    assert_int_equal(n[1], 160);
    assert_int_equal(n[2], 569);

    pk_vulndb *db = db_new("cvss.db");
    imp_ok(db, sh("nvd/nvdcve-1.1-2018.embedded-c-subset.json", p, sizeof p), NULL);
    /* one row per record and version; the stated score kept */
    assert_int_equal(q_int(db, "SELECT count(*) FROM cvss WHERE feed = 'nvd' AND version = '2.0'"),
                     NVD11_2018_V2);
    q_text_eq(db, "SELECT score FROM cvss WHERE id = 'CVE-2018-1000120' AND version = '3.0'",
              "9.8");
    pk_vulndb_close(db);
}

/* ---- API 2.0 ---- */

/* CVE-2023-4863: libwebp before 1.3.2 (the KEV heap overflow), plus the
 * browsers and distributions NVD lists with it. */
static void test_nvd20_libwebp(void **state)
{
    (void)state;
    char p[1200];
    pk_import_stats st = {0};
    pk_vulndb *db = db_new("webp.db");
    imp_ok(db, sh("nvd/api2.0-samples/CVE-2023-4863.json", p, sizeof p), &st);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.skipped, 0);
    q_text_eq(db, ROWS("CVE-2023-4863", "cpe/webmproject/libwebp"),
              "{\"lt\":\"1.3.2\"} 1.3.2 part a");
    q_text_eq(db, ROWS("CVE-2023-4863", "cpe/mozilla/firefox_esr"),
              "{\"ge\":\"115.0\",\"lt\":\"115.2.1\"} 115.2.1 part a | "
              "{\"lt\":\"102.15.1\"} 102.15.1 part a");
    q_text_eq(db, ROWS("CVE-2023-4863", "cpe/debian/debian_linux"),
              "{\"eq\":\"10.0\"} - part o | {\"eq\":\"11.0\"} - part o | "
              "{\"eq\":\"12.0\"} - part o");
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'CVE-2023-4863'"), 14);
    q_text_eq(db,
              "SELECT version || ' ' || vector || ' ' || score FROM cvss WHERE id = "
              "'CVE-2023-4863' AND feed = 'nvd'",
              "3.1 CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H 8.8");
    q_text_eq(db, "SELECT group_concat(cwe) FROM cwe WHERE id = 'CVE-2023-4863'", "CWE-787");
    q_text_eq(db,
              "SELECT published || ' ' || modified || ' ' || ifnull(withdrawn, '-') FROM "
              "advisory WHERE id = 'CVE-2023-4863' AND feed = 'nvd'",
              "2023-09-12T15:15:24.327 2023-10-28T19:15:38.643 -");
    q_text_eq(db, "SELECT substr(summary, 1, 44) FROM advisory WHERE id = 'CVE-2023-4863'",
              "Heap buffer overflow in libwebp in Google Ch");
    assert_int_equal(q_int(db, "SELECT count(*) FROM ref WHERE id = 'CVE-2023-4863'"), 44);
    assert_int_equal(strncmp(newest(db, "nvd"), "2023-11-26", 10),
                     0); /* the response's timestamp */
    pk_vulndb_close(db);
}

/* The 23 responses as one directory: AND configurations become "only with"
 * notes, Primary scores win over Secondary ones, records without
 * configurations are counted as skipped. */
static void test_nvd20_samples(void **state)
{
    (void)state;
    char p[1200];
    pk_import_stats st = {0};
    pk_vulndb *db = db_new("api20.db");
    imp_ok(db, sh("nvd/api2.0-samples", p, sizeof p), &st);
    assert_int_equal(st.files, 23);
    assert_int_equal(st.records, 23);
    assert_int_equal(st.skipped, NVD20_SKIPPED);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory WHERE feed = 'nvd'"), 23);
    q_text_eq(db, ROWS("CVE-2023-24256", "cpe/nio/aspen"),
              "{\"lt\":\"3.3.0\"} 3.3.0 only with cpe:2.3:h:nio:ec6:-:*:*:*:*:*:*:*; part o");
    q_text_eq(db, ROWS("CVE-2024-3094", "cpe/tukaani/xz"),
              "{\"eq\":\"5.6.0\"} - part a | {\"eq\":\"5.6.1\"} - part a");
    /* Secondary (Red Hat) listed first, NVD's Primary stored */
    q_text_eq(db, "SELECT score FROM cvss WHERE id = 'CVE-2024-3094' AND version = '3.1'", "10.0");
    /* only a Secondary score: it is used */
    q_text_eq(db, "SELECT vector FROM cvss WHERE id = 'CVE-2024-47177' AND version = '3.1'",
              "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H");
    /* three versions side by side */
    assert_int_equal(q_int(db, "SELECT count(*) FROM cvss WHERE id = 'CVE-2016-1585'"), 3);
    q_text_eq(
        db,
        "SELECT vector || ' ' || score FROM cvss WHERE id = 'CVE-2014-1424' AND version = '2.0'",
        "AV:N/AC:L/Au:N/C:N/I:P/A:P 6.4");
    pk_vulndb_close(db);
}

/* A bare {"cve":{..}} element and a whole response with a Rejected record,
 * cveTags and a negated node, written here. */
static void test_nvd20_shapes(void **state)
{
    (void)state;
    char p[512];
    pk_vulndb *db = db_new("shapes.db");
    fx_put("one.json",
           "{\"cve\":{\"id\":\"CVE-2099-0001\",\"published\":\"2099-01-01T00:00:00.000\","
           "\"lastModified\":\"2099-01-02T00:00:00.000\",\"vulnStatus\":\"Analyzed\","
           "\"descriptions\":[{\"lang\":\"es\",\"value\":\"hola\"},{\"lang\":\"en\",\"value\":"
           "\"Hello.\"}],\"weaknesses\":[{\"source\":\"x\",\"type\":\"Primary\",\"description\":"
           "[{\"lang\":\"en\",\"value\":\"NVD-CWE-Other\"},{\"lang\":\"en\",\"value\":\"CWE-79\"}"
           "]}],\"cveTags\":[{\"sourceIdentifier\":\"x\",\"tags\":[\"disputed\"]}],"
           "\"configurations\":[{\"operator\":\"AND\",\"nodes\":[{\"operator\":\"OR\","
           "\"negate\":false,\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":"
           "\"cpe:2.3:a:acme:widget:1.0.2:beta1:*:*:*:node.js:*:*\"},{\"vulnerable\":true,"
           "\"criteria\":\"cpe:2.3:a:acme:widget:2.0:*:*:*:*:*:*:*\"}]},{\"operator\":\"OR\","
           "\"negate\":false,\"cpeMatch\":[{\"vulnerable\":false,\"criteria\":"
           "\"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*\"},{\"vulnerable\":false,\"criteria\":"
           "\"cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*\"}]}]},{\"nodes\":[{\"operator\":\"OR\","
           "\"negate\":true,\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":"
           "\"cpe:2.3:a:acme:gadget:*:*:*:*:*:*:*:*\"}]}]},{\"nodes\":[{\"operator\":\"OR\","
           "\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:tool\\\\+\\\\+:-:*:*:"
           "*:*:*:*:*\"},{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:tool:1.*:*:*:*:*:*:*:*"
           "\"}]}]}]}}");
    imp_ok(db, fx("one.json", p, sizeof p), NULL);
    q_text_eq(db, ROWS("CVE-2099-0001", "cpe/acme/widget"),
              "{\"eq\":\"1.0.2-beta1\"} - only with cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:* "
              "(and 1 more); part a; target_sw node.js; disputed | "
              "{\"eq\":\"2.0\"} - only with cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:* "
              "(and 1 more); part a; disputed");
    /* NA version: matches only NA; a wildcard version is not stored */
    q_text_eq(db, ROWS("CVE-2099-0001", "cpe/acme/tool++"), "{\"eq\":\"-\"} - part a; disputed");
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE key = 'cpe/acme/gadget'"), 0);
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE key = 'cpe/acme/tool'"), 0);
    q_text_eq(db, "SELECT summary FROM advisory WHERE id = 'CVE-2099-0001'", "Hello.");
    q_text_eq(db, "SELECT group_concat(cwe) FROM cwe WHERE id = 'CVE-2099-0001'", "CWE-79");

    fx_put("resp.json",
           "{\"resultsPerPage\":1,\"startIndex\":0,\"totalResults\":1,\"format\":\"NVD_CVE\","
           "\"version\":\"2.0\",\"timestamp\":\"2099-02-01T00:00:00.000\",\"vulnerabilities\":"
           "[{\"cve\":{\"id\":\"CVE-2099-0002\",\"published\":\"2099-01-01T00:00:00.000\","
           "\"lastModified\":\"2099-01-05T00:00:00.000\",\"vulnStatus\":\"Rejected\","
           "\"descriptions\":[{\"lang\":\"en\",\"value\":\"Rejected reason: duplicate.\"}],"
           "\"references\":[]}}]}");
    pk_import_stats st = {0};
    imp_ok(db, fx("resp.json", p, sizeof p), &st);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.skipped, 1);
    q_text_eq(db, "SELECT withdrawn FROM advisory WHERE id = 'CVE-2099-0002'",
              "2099-01-05T00:00:00.000");
    pk_vulndb_close(db);
}

/* ---- 1.1 feeds ---- */

/* OpenSSL ranges of 2018, Node.js's bundled copy, and NetApp firmware that is
 * affected only on its own hardware. */
static void test_nvd11_openssl(void **state)
{
    (void)state;
    char p[1200];
    pk_import_stats st = {0};
    pk_vulndb *db = db_new("nvd11.db");
    imp_ok(db, sh("nvd/nvdcve-1.1-2018.embedded-c-subset.json", p, sizeof p), &st);
    assert_int_equal(st.records, 181);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory WHERE feed = 'nvd'"), 181);
    q_text_eq(db, ROWS("CVE-2018-0732", "cpe/openssl/openssl"),
              "{\"ge\":\"1.0.2\",\"le\":\"1.0.2o\"} - part a | "
              "{\"ge\":\"1.1.0\",\"le\":\"1.1.0h\"} - part a");
    q_text_eq(db, ROWS("CVE-2018-0734", "cpe/openssl/openssl"),
              "{\"eq\":\"1.1.1\"} - part a | {\"ge\":\"1.0.2\",\"le\":\"1.0.2p\"} - part a | "
              "{\"ge\":\"1.1.0\",\"le\":\"1.1.0i\"} - part a");
    q_text_eq(
        db,
        "SELECT count(*) FROM affected WHERE id = 'CVE-2018-0734' AND key = 'cpe/nodejs/node.js' "
        "AND spec = '{\"ge\":\"10.13.0\",\"le\":\"10.14.1\"}'",
        "1");
    q_text_eq(db, ROWS("CVE-2018-0734", "cpe/netapp/cn1610_firmware"),
              "{\"eq\":\"-\"} - only with cpe:2.3:h:netapp:cn1610:-:*:*:*:*:*:*:*; part o");
    q_text_eq(db,
              "SELECT version || ' ' || score FROM cvss WHERE id = 'CVE-2018-0732' AND "
              "version LIKE '3%'",
              "3.0 7.5");
    q_text_eq(db,
              "SELECT version || ' ' || vector FROM cvss WHERE id = 'CVE-2018-0732' AND "
              "version = '2.0'",
              "2.0 AV:N/AC:L/Au:N/C:N/I:N/A:P");
    q_text_eq(db, "SELECT group_concat(cwe) FROM cwe WHERE id = 'CVE-2018-0732'", "CWE-320");
    q_text_eq(db, "SELECT published || ' ' || modified FROM advisory WHERE id = 'CVE-2018-0732'",
              "2018-06-12T13:29Z 2019-05-30T18:29Z");
    /* the feed's own timestamp is later than every record */
    assert_int_equal(strncmp(newest(db, "nvd"), "2020-09-17", 10), 0);
    pk_vulndb_close(db);
}

static void test_nvd11_xz_sample(void **state)
{
    (void)state;
    char p[1200];
    pk_import_stats st = {0};
    pk_vulndb *db = db_new("xz.db");
    imp_ok(db, xz_sample(p, sizeof p), &st);
    assert_int_equal(st.records, 669);
    assert_int_equal(st.skipped, NVD11_XZ_SKIPPED);
    assert_int_equal(q_int(db, "SELECT count(DISTINCT id) FROM advisory WHERE feed = 'nvd'"),
                     NVD11_XZ_IDS);
    /* osv.dev updated a few records after the feed's own date (2022-08-31) */
    assert_int_equal(strncmp(newest(db, "nvd"), "2023-08-18", 10), 0);
    pk_vulndb_close(db);
}

/* ---- matching ---- */

/* Ids matched for each component of a CycloneDX SBOM of `cpes`, one line per
 * component: "0: CVE-a CVE-b\n1: \n". */
static void match_cpes(pk_vulndb *db, const char *const *cpes, size_t n, char *out, size_t cap)
{
    char comps[4096];
    size_t k = 0;
    comps[0] = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(comps + k, k < sizeof comps ? sizeof comps - k : 0,
                              "%s{\"type\":\"library\",\"bom-ref\":\"c%zu\",\"name\":\"curl\","
                              "\"version\":\"x\",\"cpe\":\"%s\"}",
                              i ? "," : "", i, cpes[i]);
    assert_true(k < sizeof comps);
    pk_inventory *inv;
    pk_vulns *v = match_sbom(db, comps, &inv);
    size_t o = 0;
    out[0] = 0;
    for (size_t c = 0; c < n; c++) {
        o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "%zu:", c);
        for (size_t i = 0; i < pk_vulns_count(v); i++) {
            const pk_vuln *m = pk_vulns_at(v, i);
            if (m->comp == c)
                o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, " %s", m->id);
        }
        o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "\n");
    }
    pk_vulns_free(v);
    pk_inventory_free(inv);
}

static void test_nvd_match_curl(void **state)
{
    (void)state;
    char p[1200], got[4096];
    pk_vulndb *db = db_new("curl.db");
    imp_ok(db, sh("nvd/nvdcve-1.1-2018.embedded-c-subset.json", p, sizeof p), NULL);
    static const char *const cpes[] = {
        "cpe:2.3:a:haxx:curl:7.50.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:haxx:curl:8.11.0:*:*:*:*:*:*:*", /* above every 2018 range */
        "cpe:2.3:a:haxx:curl:7.62.0:*:*:*:*:*:*:*", /* fixed CVE-2018-16839/16842 */
    };
    match_cpes(db, cpes, 3, got, sizeof got);
    assert_string_equal(got, "0: CVE-2018-1000007 CVE-2018-1000120 CVE-2018-1000121 "
                             "CVE-2018-1000122 CVE-2018-1000301 CVE-2018-16839 CVE-2018-16842\n"
                             "1:\n"
                             "2:\n");
    pk_vulndb_close(db);
}

/* ---- malformed feeds ---- */

static void test_nvd_corrupt(void **state)
{
    (void)state;
    char p[1200], good[1200];
    pk_vulndb *db = db_new("bad.db");
    imp_ok(db, sh("nvd/api2.0-samples/CVE-2023-4863.json", good, sizeof good), NULL);
    long long adv = q_int(db, "SELECT count(*) FROM advisory");
    long long aff = q_int(db, "SELECT count(*) FROM affected");
    long long cv = q_int(db, "SELECT count(*) FROM cvss");

    /* truncated JSON: the real 2018 feed cut in the middle */
    fx_sh("head -c 300000 '%s' > trunc.json",
          sh("nvd/nvdcve-1.1-2018.embedded-c-subset.json", p, sizeof p));
    imp_bad(db, fx("trunc.json", p, sizeof p), "line ");
    put_bad(db, "notarr.json", "{\"CVE_data_type\":\"CVE\",\"CVE_Items\":{\"a\":1}}", "CVE_Items");
    /* the second record's CPE is broken: the first, good, one is rolled back */
    fx_put("badcpe.json",
           "{\"CVE_data_type\":\"CVE\",\"CVE_data_timestamp\":\"2099-01-01T00:00Z\","
           "\"CVE_Items\":[{\"cve\":{\"CVE_data_meta\":{\"ID\":\"CVE-2099-1000\"}},"
           "\"configurations\":{\"nodes\":[{\"operator\":\"OR\",\"cpe_match\":[{\"vulnerable\":"
           "true,\"cpe23Uri\":\"cpe:2.3:a:acme:ok:1.0:*:*:*:*:*:*:*\"}]}]}},"
           "{\"cve\":{\"CVE_data_meta\":{\"ID\":\"CVE-2099-1001\"}},\"configurations\":{\"nodes\":"
           "[{\"operator\":\"OR\",\"cpe_match\":[{\"vulnerable\":true,\"cpe23Uri\":"
           "\"cpe:/a:acme:old_style:1.0\"}]}]}}]}");
    imp_bad(db, fx("badcpe.json", p, sizeof p), "CVE-2099-1001");
    put_bad(db, "noid.json", "{\"CVE_Items\":[{\"cve\":{\"CVE_data_meta\":{\"ID\":7}}}]}",
            "CVE_Items[0]");
    fx_put("badtype.json",
           "{\"CVE_Items\":[{\"cve\":{\"CVE_data_meta\":{\"ID\":\"CVE-2099-1002\"}},"
           "\"configurations\":{\"nodes\":[{\"operator\":\"OR\",\"cpe_match\":[{\"vulnerable\":"
           "\"yes\",\"cpe23Uri\":\"cpe:2.3:a:acme:ok:1.0:*:*:*:*:*:*:*\"}]}]}}]}");
    imp_bad(db, fx("badtype.json", p, sizeof p), "CVE-2099-1002");
    fx_put("badrange.json",
           "{\"CVE_Items\":[{\"cve\":{\"CVE_data_meta\":{\"ID\":\"CVE-2099-1003\"}},"
           "\"configurations\":{\"nodes\":[{\"operator\":\"OR\",\"cpe_match\":[{\"vulnerable\":"
           "true,\"cpe23Uri\":\"cpe:2.3:a:acme:ok:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":3}]}"
           "]}}]}");
    imp_bad(db, fx("badrange.json", p, sizeof p), "CVE-2099-1003");
    fx_put("badscore.json",
           "{\"CVE_Items\":[{\"cve\":{\"CVE_data_meta\":{\"ID\":\"CVE-2099-1004\"}},\"impact\":"
           "{\"baseMetricV3\":{\"cvssV3\":{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:N/"
           "AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\",\"baseScore\":\"9.8\"}}}}]}");
    imp_bad(db, fx("badscore.json", p, sizeof p), "CVE-2099-1004");
    /* nesting deeper than the walker's stack: refused, not recursed into */
    char deep[8192];
    size_t k = (size_t)snprintf(deep, sizeof deep,
                                "{\"CVE_Items\":[{\"cve\":{\"CVE_data_meta\":{\"ID\":"
                                "\"CVE-2099-1005\"}},\"configurations\":{\"nodes\":[");
    for (int i = 0; i < 40; i++)
        k += (size_t)snprintf(deep + k, sizeof deep - k, "{\"operator\":\"AND\",\"children\":[");
    for (int i = 0; i < 40; i++)
        k += (size_t)snprintf(deep + k, sizeof deep - k, "]}");
    snprintf(deep + k, sizeof deep - k, "]}}]}");
    put_bad(db, "deep.json", deep, "CVE-2099-1005");
    fx_put("api-bad.json",
           "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[{\"cve\":{\"id\":"
           "\"CVE-2099-1006\",\"configurations\":[{\"nodes\":[{\"operator\":\"XOR\","
           "\"cpeMatch\":[]}]}]}}]}");
    imp_bad(db, fx("api-bad.json", p, sizeof p), "CVE-2099-1006");
    put_bad(db, "api-nocve.json",
            "{\"format\":\"NVD_CVE\",\"vulnerabilities\":[{\"cve\":{\"id\":"
            "\"CVE-2099-1007\"}},{\"x\":1}]}",
            "vulnerabilities[1]");

    /* nothing of the bad files stayed */
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory"), adv);
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected"), aff);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cvss"), cv);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory WHERE id LIKE 'CVE-2099-%'"), 0);
    pk_vulndb_close(db);
}

static int setup(void **state)
{
    (void)state;
    vdb_shared_dir(NULL);
    return fx_mkdtemp("/tmp/pk-vdbnvd-XXXXXX");
}

static int teardown(void **state)
{
    (void)state;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cvss_spec_examples),   cmocka_unit_test(test_cvss_malformed),
        cmocka_unit_test(test_cvss_agrees_with_nvd), cmocka_unit_test(test_nvd20_libwebp),
        cmocka_unit_test(test_nvd20_samples),        cmocka_unit_test(test_nvd20_shapes),
        cmocka_unit_test(test_nvd11_openssl),        cmocka_unit_test(test_nvd11_xz_sample),
        cmocka_unit_test(test_nvd_match_curl),       cmocka_unit_test(test_nvd_corrupt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
