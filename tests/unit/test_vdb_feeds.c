/* The CISA KEV (JSON and CSV), EPSS CSV and Debian security tracker importers
 * (lib/vulndb/imp_kev.c, imp_epss.c, imp_debian.c), through the public import
 * on the real files in shared/data ($PK_SHARED) and on small files written
 * here: exact rows read back with SQLite, matching of a CycloneDX SBOM with
 * pk_vulns_match, and malformed input refused with PK_E_FEED naming the file
 * and the line or record, the database left as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdb_test.h"
#include "vulndb/vdb_int.h"

/* ---- KEV ---- */

static void kev_log4j(pk_vulndb *db)
{
    q_text_eq(db, "SELECT due_date FROM kev WHERE cve = 'CVE-2021-44228'", "2021-12-24");
    q_text_eq(db, "SELECT date_added FROM kev WHERE cve = 'CVE-2021-44228'", "2021-12-10");
    q_text_eq(db, "SELECT ransomware FROM kev WHERE cve = 'CVE-2021-44228'", "Known");
    q_text_eq(db, "SELECT vendor || '/' || product FROM kev WHERE cve = 'CVE-2021-44228'",
              "Apache/Log4j2");
    q_text_eq(db, "SELECT name FROM kev WHERE cve = 'CVE-2021-44228'",
              "Apache Log4j2 Remote Code Execution Vulnerability");
    q_text_eq(db,
              "SELECT group_concat(cwe, ' ') FROM (SELECT cwe FROM cwe WHERE id = "
              "'CVE-2021-44228' ORDER BY cwe)",
              "CWE-20 CWE-400 CWE-502");
    /* "CWE-59, CWE-436" in the CSV is one field, split here */
    q_text_eq(db,
              "SELECT group_concat(cwe, ' ') FROM (SELECT cwe FROM cwe WHERE id = "
              "'CVE-2025-48384' ORDER BY cwe)",
              "CWE-436 CWE-59");
    assert_int_equal(q_int(db, "SELECT count(*) FROM kev"), 1404);
    assert_int_equal(q_int(db, "SELECT count(*) FROM kev WHERE ransomware = 'Known'"), 293);
}

static void test_kev_json(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("kev-json.db");
    pk_import_stats st;
    imp_ok(db, sh("kev/known_exploited_vulnerabilities.json", p, sizeof p), &st);
    assert_int_equal(st.records, 1404);
    assert_int_equal(st.skipped, 0);
    kev_log4j(db);
    assert_int_equal(strncmp(newest(db, "kev"), "2025-08-25", 10), 0); /* dateReleased */
    pk_vulndb_close(db);
}

static void test_kev_csv(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("kev-csv.db");
    pk_import_stats st;
    imp_ok(db, sh("kev/known_exploited_vulnerabilities.csv", p, sizeof p), &st);
    assert_int_equal(st.records, 1404);
    kev_log4j(db);
    assert_int_equal(strncmp(newest(db, "kev"), "2025-08-25", 10), 0); /* newest dateAdded */
    pk_vulndb_close(db);
}

static void test_kev_bad(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("kev-bad.db");
    imp_ok(db, sh("kev/known_exploited_vulnerabilities.json", p, sizeof p), NULL);
    static const char head[] = "{\"catalogVersion\":\"2025.08.26\",\"dateReleased\":"
                               "\"2025-08-26T00:00:00Z\",\"count\":2,\"vulnerabilities\":[";
    static const char good[] = "{\"cveID\":\"CVE-2099-0001\",\"vendorProject\":\"X\","
                               "\"product\":\"Y\",\"dateAdded\":\"2025-08-26\",\"cwes\":[]}";
    static const struct {
        const char *entry, *want;
    } bad[] = {
        {"{\"cveID\":\"CVE-21-44228\",\"dateAdded\":\"2025-08-26\"}", "vulnerabilities[1]"},
        {"{\"cveID\":\"CVE-2021-44228x\",\"dateAdded\":\"2025-08-26\"}", "cveID"},
        {"{\"cveID\":12,\"dateAdded\":\"2025-08-26\"}", "vulnerabilities[1]"},
        {"{\"cveID\":\"CVE-2021-44228\",\"dateAdded\":\"yesterday\"}", "CVE-2021-44228"},
        {"{\"cveID\":\"CVE-2021-44228\",\"dateAdded\":\"2025-08-26\",\"cwes\":\"CWE-79\"}", "cwes"},
        {"{\"cveID\":\"CVE-2021-44228\",\"dateAdded\":\"2025-08-26\",\"notes\":[]}", "notes"},
        {"\"CVE-2021-44228\"", "not an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char doc[1024], name[32];
        snprintf(doc, sizeof doc, "%s%s,%s]}", head, good, bad[i].entry);
        snprintf(name, sizeof name, "kev-bad-%zu.json", i);
        put_bad(db, name, doc, bad[i].want);
    }
    put_bad(db, "kev-bad.csv",
            "cveID,vendorProject,product,dateAdded,dueDate\n"
            "CVE-2099-0001,X,Y,2025-08-26,2025-09-16\n"
            "CVE-2099-0002,X,\"Y,2025-08-26,2025-09-16\n",
            "line 3");
    put_bad(db, "kev-bad2.csv",
            "cveID,vendorProject,product,dateAdded,dueDate\n"
            "CVE-2099-0001,X,Y,2025-08-26,2025-09-16\n"
            "CVE-2099-2,X,Y,2025-08-26,2025-09-16\n",
            "line 3");
    put_bad(db, "kev-bad3.csv",
            "cveID,vendorProject,product,dateAdded,dueDate\n"
            "CVE-2099-0001,X,Y,2025-08-26\n",
            "line 2");
    /* nothing of the refused files stayed */
    assert_int_equal(q_int(db, "SELECT count(*) FROM kev"), 1404);
    assert_int_equal(q_int(db, "SELECT count(*) FROM kev WHERE cve = 'CVE-2099-0001'"), 0);
    kev_log4j(db);
    pk_vulndb_close(db);
}

/* ---- EPSS ---- */

static const char epss_csv[] = "#model_version:v2023.03.01,score_date:2023-03-16T00:00:00+0000\n"
                               "cve,epss,percentile\n"
                               "CVE-1999-0001,0.01167,0.83130\n"
                               "CVE-2021-44228,0.97565,0.99996\n"
                               "CVE-2022-1292,1.2e-03,0.48331\n";

static void test_epss(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("epss.db");
    fx_put("epss.csv", epss_csv);
    pk_import_stats st;
    imp_ok(db, fx("epss.csv", p, sizeof p), &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(q_int(db, "SELECT count(*) FROM epss"), 3);
    assert_int_equal(q_int(db,
                           "SELECT score = 0.97565 AND percentile = 0.99996 FROM epss WHERE cve = "
                           "'CVE-2021-44228'"),
                     1);
    assert_int_equal(q_int(db, "SELECT score = 0.0012 FROM epss WHERE cve = 'CVE-2022-1292'"), 1);
    assert_int_equal(strncmp(newest(db, "epss"), "2023-03-16", 10), 0); /* score_date */
    /* as published: epss_scores-YYYY-MM-DD.csv.gz */
    assert_int_equal(fx_sh("gzip -c epss.csv > epss.csv.gz"), 0);
    imp_ok(db, fx("epss.csv.gz", p, sizeof p), &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(q_int(db, "SELECT count(*) FROM epss"), 3);

    static const char *const bad[] = {"abc",    "1.5", "-0.1",  "nan", " 0.1",
                                      "0x1p-3", "",    "0.1.2", "inf", "0.5e"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char doc[512], name[32];
        snprintf(doc, sizeof doc, "%sCVE-2023-0001,%s,0.5\n", epss_csv, bad[i]);
        snprintf(name, sizeof name, "epss-bad-%zu.csv", i);
        put_bad(db, name, doc, "line 6");
        snprintf(doc, sizeof doc, "%sCVE-2023-0001,0.5,%s\n", epss_csv, bad[i]);
        put_bad(db, name, doc, "percentile");
    }
    put_bad(db, "epss-bad-cve.csv", "cve,epss,percentile\nCVE-2023-1,0.1,0.2\n", "line 2");
    put_bad(db, "epss-bad-cols.csv", "cve,epss,percentile\nCVE-2023-0001,0.1\n", "line 2");
    assert_int_equal(q_int(db, "SELECT count(*) FROM epss"), 3);
    assert_int_equal(q_int(db, "SELECT count(*) FROM epss WHERE cve = 'CVE-2023-0001'"), 0);
    pk_vulndb_close(db);
}

/* ---- Debian lists ---- */

static void test_debian_list(void **state)
{
    (void)state;
    char dsa[1200], dla[1200];
    pk_vulndb *db = db_new("deb-list.db");
    const char *paths[] = {sh("debian-tracker/DSA/list", dsa, sizeof dsa),
                           sh("debian-tracker/DLA/list", dla, sizeof dla)};
    char err[1024] = "";
    pk_import_stats st;
    if (pk_vulndb_import(db, paths, 2, &st, err, sizeof err) != PK_OK)
        fail_msg("import: %s", err);
    assert_int_equal(st.records, 5406 + 3534);
    /* every codename in the lists is known; one line has no version:
     * "[woody] - kernel-image-2.4.17-ia64 kernel-image-2.4.17-ia64" (DSA-423) */
    assert_int_equal(st.skipped, 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory WHERE feed = 'debian'"), 5406 + 3534);
    /* one row per release line for the advisory and each of its CVEs */
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE feed = 'debian'"),
                     30309 - 13 + 14537);

    char key[PKI_VKEY_MAX], sql[1024];
    assert_int_equal(pki_vkey_purl("deb", "debian", "openssl", key, sizeof key), PK_OK);
    static const char *const ids[] = {"DSA-5139-1", "CVE-2022-1292"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT fixed || ' ' || scheme || ' ' || spec || ' ' || status FROM affected "
                 "WHERE id = '%s' AND feed = 'debian' AND key = '%s' AND distro = 'debian:11'",
                 ids[i], key);
        q_text_eq(db, sql, "1.1.1n-0+deb11u2 dpkg {\"lt\":\"1.1.1n-0+deb11u2\"} affected");
        snprintf(sql, sizeof sql,
                 "SELECT fixed FROM affected WHERE id = '%s' AND key = '%s' AND distro = "
                 "'debian:10'",
                 ids[i], key);
        q_text_eq(db, sql, "1.1.1n-0+deb10u2");
    }
    q_text_eq(db, "SELECT summary || ' ' || published FROM advisory WHERE id = 'DSA-5139-1'",
              "openssl - security update 2022-05-17");
    q_text_eq(db, "SELECT alias FROM alias WHERE id = 'DSA-5139-1'", "CVE-2022-1292");
    assert_int_equal(q_int(db, "SELECT count(*) FROM alias WHERE id = 'CVE-2022-1292' AND "
                               "alias IN ('DSA-5139-1', 'DLA-3008-1')"),
                     2);
    /* an epoch kept as written; a DLA for buster */
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'CVE-2023-1393' AND distro = 'debian:11'",
              "2:1.20.11-1+deb11u6");
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'DLA-3372-1' AND distro = 'debian:10'",
              "2:1.20.4-1+deb10u9");
    /* "[woody] - zlib <not-affected> (vulnerable code introduced later)" */
    assert_int_equal(pki_vkey_purl("deb", "debian", "zlib", key, sizeof key), PK_OK);
    snprintf(sql, sizeof sql,
             "SELECT status || ' ' || spec || ' ' || ifnull(fixed, '-') || ' ' || note FROM "
             "affected WHERE id = 'CVE-2005-1849' AND distro = 'debian:3.0' AND key = '%s'",
             key);
    q_text_eq(db, sql, "not_affected {} - vulnerable code introduced later");
    /* a DSA with no CVE (a regression update) still gets its own row */
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'DSA-5356-2'",
              "14.4.2+git20190427-2+deb11u2");
    /* the CVE list written after the release line (DSA-2461-1, 2012) */
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'CVE-2012-2151'", "2.1.1-3squeeze3");
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE status = 'not_affected'"), 140);
    assert_int_equal(strncmp(newest(db, "debian"), "2023-04-01", 10), 0);
    pk_vulndb_close(db);
}

/* Corrupt lists: refused with file and line, nothing written. */
static void test_debian_list_bad(void **state)
{
    (void)state;
    static const char good[] = "[17 May 2022] DSA-5139-1 openssl - security update\n"
                               "\t{CVE-2022-1292}\n"
                               "\t[bullseye] - openssl 1.1.1n-0+deb11u2\n"
                               "\tNOTE: fixed in testing at time of DSA\n";
    /* appended to `good` (lines 1-4): the broken line is named */
#define NEXT "[26 Jun 2022] DSA-5169-1 openssl - security update\n\t{CVE-2022-2068}\n"
    static const struct {
        const char *tail, *want;
    } bad[] = {
        {NEXT "\tthis is not a tracker line\n", "line 7"},
        {NEXT "\t[bullseye] - openssl 1.1.1n-0+deb11u3\nnot indented\n", "line 8"},
        {"[26 Jun 2022] DSA-5169-1 openssl\n\t{CVE-2022-2068 CVE-2022-2069\n", "line 6"},
        {"[26 Jun 2022] DSA-5169-1 openssl\n\t{CVE-2022-2068 CVE-22-1}\n", "line 6"},
        {"[26 Jun 2022] DSA-5169-1 openssl\n\t{CVE-2022-2068 GHSA-xxxx}\n", "line 6"},
        {NEXT "\t[bullseye] - openssl <fixed-soon>\n", "line 7"},
        {NEXT "\t[bullseye] - openssl 1.1.1n-0+deb11u3 trailing\n", "line 7"},
        {NEXT "\t[bullseye] - openssl !!!\n", "line 7"},
        {NEXT "\t[bullseye - openssl 1.1.1n-0+deb11u3\n", "line 7"},
        {NEXT "\t[bullseye] openssl 1.1.1n-0+deb11u3\n", "line 7"},
        {NEXT "\t[Bullseye] - openssl 1.1.1n-0+deb11u3\n", "line 7"},
        {NEXT "\t[bullseye] - OpenSSL 1.1.1n-0+deb11u3\n", "line 7"},
        {NEXT "\t[bullseye] - openssl 1.1.1n-0+deb11u3 (unclosed\n", "line 7"},
        {"[26 Jun 2022] DSA-5169-1\n[99 Foo 2022] DSA-1-1 x\n", "line 6"},
        {"26 Jun 2022 DSA-5169-1 openssl\n", "line 5"},
        {"[26 Jun 2022] GHSA-5169-1 openssl\n", "line 5"},
        {"[26 Jun 2022] DSA-5169--1 openssl\n", "line 5"},
    };
#undef NEXT
    char p[1200];
    pk_vulndb *db = db_new("deb-bad.db");
    put_ok(db, "deb-good.list", good, NULL);
    long long aff = q_int(db, "SELECT count(*) FROM affected");
    assert_int_equal(aff, 2);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char doc[2048], name[32];
        snprintf(doc, sizeof doc, "%s%s", good, bad[i].tail);
        snprintf(name, sizeof name, "deb-bad-%zu.list", i);
        put_bad(db, name, doc, bad[i].want);
    }
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected"), aff);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory"), 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM alias"), 2);

    /* an unknown codename is skipped and counted, not an error */
    fx_put("deb-hamm.list", "[01 Jun 1998] DSA-1-1 foo - bar\n\t{CVE-1998-0001}\n"
                            "\t[hamm] - foo 1.0-1\n\t[bullseye] - foo 1.0-2\n");
    pk_import_stats st;
    imp_ok(db, fx("deb-hamm.list", p, sizeof p), &st);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id IN ('DSA-1-1', "
                               "'CVE-1998-0001')"),
                     2);
    pk_vulndb_close(db);
}

/* ---- the tracker's JSON export ---- */

static const char tracker_json[] =
    "{\n"
    " \"openssl\": {\n"
    "  \"CVE-2022-1292\": {\n"
    "   \"description\": \"The c_rehash script does not properly sanitise shell "
    "metacharacters to prevent command injection.\",\n"
    "   \"scope\": \"local\", \"debianbug\": 1011244,\n"
    "   \"releases\": {\n"
    "    \"bookworm\": {\"status\": \"resolved\", \"repositories\": {\"bookworm\": "
    "\"3.0.11-1~deb12u2\"}, \"fixed_version\": \"3.0.3-5\", \"urgency\": \"not yet "
    "assigned\"},\n"
    "    \"bullseye\": {\"status\": \"resolved\", \"repositories\": {\"bullseye\": "
    "\"1.1.1w-0+deb11u1\", \"bullseye-security\": \"1.1.1w-0+deb11u2\"}, \"fixed_version\": "
    "\"1.1.1n-0+deb11u2\", \"urgency\": \"not yet assigned\"},\n"
    "    \"sid\": {\"status\": \"resolved\", \"repositories\": {\"sid\": \"3.3.2-2\"}, "
    "\"fixed_version\": \"3.0.3-5\", \"urgency\": \"not yet assigned\"}\n"
    "   }\n"
    "  },\n"
    "  \"CVE-2023-0466\": {\n"
    "   \"description\": \"The function X509_VERIFY_PARAM_add0_policy() is documented to "
    "implicitly enable the certificate policy check.\",\n"
    "   \"scope\": \"remote\",\n"
    "   \"releases\": {\n"
    "    \"bullseye\": {\"status\": \"open\", \"repositories\": {\"bullseye\": "
    "\"1.1.1n-0+deb11u4\"}, \"urgency\": \"unimportant\", \"nodsa\": \"Minor issue\"},\n"
    "    \"trixie\": {\"status\": \"undetermined\", \"repositories\": {\"trixie\": "
    "\"3.0.8-1\"}, \"urgency\": \"not yet assigned\"}\n"
    "   }\n"
    "  }\n"
    " },\n"
    " \"openssl1.0\": {\n"
    "  \"CVE-2014-0160\": {\n"
    "   \"description\": \"The (1) TLS and (2) DTLS implementations in OpenSSL 1.0.1 before "
    "1.0.1g do not properly handle Heartbeat Extension packets.\",\n"
    "   \"scope\": \"remote\",\n"
    "   \"releases\": {\n"
    "    \"buster\": {\"status\": \"resolved\", \"repositories\": {\"buster\": "
    "\"1.0.2u-1~deb9u7\"}, \"fixed_version\": \"0\", \"urgency\": \"high\"},\n"
    "    \"hamm\": {\"status\": \"resolved\", \"repositories\": {}, \"fixed_version\": "
    "\"1.0.1g-1\", \"urgency\": \"high\"}\n"
    "   }\n"
    "  },\n"
    "  \"TEMP-0000000-A1B2C3\": {\"description\": \"\", \"releases\": {}}\n"
    " }\n"
    "}\n";

static void test_debian_json(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("deb-json.db");
    fx_put("tracker.json", tracker_json);
    pk_import_stats st;
    imp_ok(db, fx("tracker.json", p, sizeof p), &st);
    assert_int_equal(st.records, 4);
    assert_int_equal(st.skipped, 2); /* hamm, and the TEMP issue with no release */
    char key[PKI_VKEY_MAX], sql[1024];
    assert_int_equal(pki_vkey_purl("deb", "debian", "openssl", key, sizeof key), PK_OK);
    snprintf(sql, sizeof sql,
             "SELECT fixed || ' ' || spec || ' ' || status FROM affected WHERE id = "
             "'CVE-2022-1292' AND key = '%s' AND distro = 'debian:11'",
             key);
    q_text_eq(db, sql, "1.1.1n-0+deb11u2 {\"lt\":\"1.1.1n-0+deb11u2\"} affected");
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'CVE-2022-1292' AND distro = 'debian:12'",
              "3.0.3-5");
    /* open: every version, no fix; undetermined: under investigation */
    q_text_eq(db,
              "SELECT spec || ' ' || ifnull(fixed, '-') || ' ' || status || ' ' || note FROM "
              "affected WHERE id = 'CVE-2023-0466' AND distro = 'debian:11'",
              "{} - affected unimportant; Minor issue");
    q_text_eq(db, "SELECT status FROM affected WHERE id = 'CVE-2023-0466' AND distro = 'debian:13'",
              "under_investigation");
    /* fixed_version "0": never affected */
    q_text_eq(db, "SELECT status || ' ' || spec FROM affected WHERE id = 'CVE-2014-0160'",
              "not_affected {}");
    q_text_eq(db, "SELECT substr(summary, 1, 12) FROM advisory WHERE id = 'CVE-2014-0160'",
              "The (1) TLS ");
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected"), 6);

    static const struct {
        const char *doc, *want;
    } bad[] = {
        {"{\"openssl\": {\"CVE-2022-1292\": {\"releases\": {\"bullseye\": {\"status\": "
         "\"fixed\"}}}}}",
         "openssl/CVE-2022-1292"},
        {"{\"openssl\": {\"CVE-2022-1292\": {\"releases\": {\"bullseye\": {\"status\": "
         "\"resolved\"}}}}}",
         "fixed_version"},
        {"{\"openssl\": {\"CVE-2022-1292\": {\"releases\": {\"bullseye\": {\"status\": "
         "\"resolved\", \"fixed_version\": \"not a version!\"}}}}}",
         "fixed_version"},
        {"{\"openssl\": {\"CVE-22-1\": {\"releases\": {}}}}", "not a CVE or TEMP id"},
        {"{\"openssl\": {\"CVE-2022-1292\": {\"releases\": []}}}", "releases"},
        {"{\"openssl\": {\"CVE-2022-1292\": {\"description\": 5}}}", "description"},
        {"{\"openssl\": {\"CVE-2022-1292\": {\"releases\": {\"bullseye\": {\"status\": 1}}}}}",
         "status"},
        {"{\"Open SSL\": {\"CVE-2022-1292\": {}}}", "source package"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "tracker-bad-%zu.json", i);
        put_bad(db, name, bad[i].doc, bad[i].want);
    }
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected"), 6);
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'CVE-2022-1292' AND distro = 'debian:11'",
              "1.1.1n-0+deb11u2");
    pk_vulndb_close(db);
}

/* ---- matching an SBOM against the Debian data ---- */

/* match_ids on one Debian 11 openssl package of `version`. */
static size_t openssl_ids(pk_vulndb *db, const char *version, char *out, size_t cap)
{
    char comp[512];
    snprintf(comp, sizeof comp,
             "{\"type\":\"library\",\"bom-ref\":\"ossl\",\"name\":\"openssl\",\"version\":\"%s\","
             "\"purl\":\"pkg:deb/debian/openssl@%s?arch=amd64&distro=debian-11\"}",
             version, version);
    return match_ids(db, comp, out, cap);
}

static void test_debian_match(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("deb-match.db");
    imp_ok(db, sh("debian-tracker/DSA/list", p, sizeof p), NULL);
    /* bullseye openssl fixes: DSA-5139-1 deb11u2, DSA-5169-1 deb11u3, DSA-5343-1 deb11u4 */
    static const char *const later[] = {"CVE-2022-1292", "CVE-2022-2068", "CVE-2022-2097",
                                        "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215",
                                        "CVE-2023-0286"};
    /* fixed before 1.1.1n: DSA-5103-1 (1.1.1k-1+deb11u2), DSA-4963-1 (1.1.1k-1+deb11u1) */
    static const char *const earlier[] = {"CVE-2022-0778", "CVE-2021-3711", "CVE-2021-3712"};
    char ids[65536], w[64];
    /* exactly these seven, each once: the DSA's own row folds into its CVEs */
    assert_int_equal(openssl_ids(db, "1.1.1n-0+deb11u1", ids, sizeof ids), 7);
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        snprintf(w, sizeof w, " %s ", later[i]);
        if (!strstr(ids, w))
            fail_msg("1.1.1n-0+deb11u1 should match %s; got:%s", later[i], ids);
    }
    for (size_t i = 0; i < sizeof earlier / sizeof earlier[0]; i++) {
        snprintf(w, sizeof w, " %s ", earlier[i]);
        if (strstr(ids, w))
            fail_msg("1.1.1n-0+deb11u1 should not match %s; got:%s", earlier[i], ids);
    }
    assert_int_equal(openssl_ids(db, "1.1.1n-0+deb11u5", ids, sizeof ids), 0);
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        snprintf(w, sizeof w, " %s ", later[i]);
        if (strstr(ids, w))
            fail_msg("1.1.1n-0+deb11u5 should not match %s; got:%s", later[i], ids);
    }
    pk_vulndb_close(db);
}

/* Importing the DLA list after the DSA list (two imports) keeps the DSA
 * list's rows for the CVEs both name (CVE-2023-1393: DSA-5380-1 for
 * bullseye, DLA-3372-1 for buster). */
static void test_debian_two_imports(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("deb-two.db");
    imp_ok(db, sh("debian-tracker/DSA/list", p, sizeof p), NULL);
    imp_ok(db, sh("debian-tracker/DLA/list", p, sizeof p), NULL);
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'CVE-2023-1393' AND distro = 'debian:10'",
              "2:1.20.4-1+deb10u9");
    q_text_eq(db, "SELECT fixed FROM affected WHERE id = 'CVE-2023-1393' AND distro = 'debian:11'",
              "2:1.20.11-1+deb11u6");
    pk_vulndb_close(db);
}

static int setup(void **state)
{
    (void)state;
    vdb_shared_dir(NULL);
    return fx_mkdtemp("/tmp/pk-vdbfeeds-XXXXXX");
}

static int teardown(void **state)
{
    (void)state;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kev_json),
        cmocka_unit_test(test_kev_csv),
        cmocka_unit_test(test_kev_bad),
        cmocka_unit_test(test_epss),
        cmocka_unit_test(test_debian_list),
        cmocka_unit_test(test_debian_list_bad),
        cmocka_unit_test(test_debian_json),
        cmocka_unit_test(test_debian_match),
        cmocka_unit_test(test_debian_two_imports),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
