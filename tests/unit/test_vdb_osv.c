/* The OSV, CVE 5 and curl-table importers (lib/vulndb/imp_osv.c, imp_cve5.c,
 * imp_curl.c), through the public import on the real files in shared/data
 * ($PK_SHARED) and on small files written here: exact rows read back with
 * SQLite, matching of a CycloneDX SBOM with pk_vulns_match, and malformed
 * input refused with PK_E_FEED naming the file and the record, the database
 * left as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdb_test.h"
#include "vulndb/vdb_int.h"

/* Every row count the importers write to, as one number per table. */
static void counts(pk_vulndb *db, long long out[6])
{
    static const char *const T[6] = {"advisory", "alias", "cvss", "rating", "cwe", "affected"};
    for (int i = 0; i < 6; i++) {
        char q[64];
        snprintf(q, sizeof q, "SELECT count(*) FROM %s", T[i]);
        out[i] = q_int(db, q);
    }
}

static void want_match(pk_vulndb *db, const char *comp, const char *id, int yes)
{
    char ids[65536], w[128];
    match_ids(db, comp, ids, sizeof ids);
    snprintf(w, sizeof w, " %s ", id);
    if ((strstr(ids, w) != NULL) != yes)
        fail_msg("%s should %smatch %s; got:%s", comp, yes ? "" : "not ", id, ids);
}

static void comp_purl(char *out, size_t cap, const char *name, const char *ver, const char *purl)
{
    snprintf(out, cap,
             "{\"type\":\"library\",\"bom-ref\":\"c\",\"name\":\"%s\",\"version\":\"%s\","
             "\"purl\":\"%s@%s\"}",
             name, ver, purl, ver);
}

static void comp_cpe(char *out, size_t cap, const char *name, const char *ver, const char *vp)
{
    snprintf(out, cap,
             "{\"type\":\"library\",\"bom-ref\":\"c\",\"name\":\"%s\",\"version\":\"%s\","
             "\"cpe\":\"cpe:2.3:a:%s:%s:*:*:*:*:*:*:*\"}",
             name, ver, vp, ver);
}

/* ---- OSV ---- */

static void test_osv_pysec_django(void **state)
{
    (void)state;
    char p[1200], c[512];
    pk_vulndb *db = db_new("osv-django.db");
    pk_import_stats st;
    imp_ok(db, sh("osv/pypi/django/PYSEC-2021-98.json", p, sizeof p), &st);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.skipped, 0);
    /* one ECOSYSTEM range row and one row of the versions[] list */
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'PYSEC-2021-98'"), 2);
    q_text_eq(db,
              "SELECT key || ' ' || scheme || ' ' || fixed FROM affected WHERE spec LIKE "
              "'{\"events\"%'",
              "pypi//django pep440 2.2.24");
    q_text_eq(db, "SELECT spec FROM affected WHERE spec LIKE '{\"events\"%'",
              "{\"events\":[[\"introduced\",\"0\"],[\"fixed\",\"2.2.24\"],[\"introduced\",\"3.0\"],"
              "[\"fixed\",\"3.1.12\"],[\"introduced\",\"3.2\"],[\"fixed\",\"3.2.4\"]]}");
    q_text_eq(db,
              "SELECT group_concat(alias, ' ') FROM (SELECT alias FROM alias WHERE id = "
              "'PYSEC-2021-98' ORDER BY alias)",
              "CVE-2021-33203 GHSA-68w8-qjq3-2gfm");
    assert_int_equal(q_int(db, "SELECT count(*) FROM ref WHERE id = 'PYSEC-2021-98'"), 4);
    q_text_eq(db, "SELECT published || ' ' || modified FROM advisory WHERE id = 'PYSEC-2021-98'",
              "2021-06-08T18:15:00Z 2021-06-22T04:54:55.381670Z");
    /* the SBOM's 3.2.0 is PEP 440's 3.2; 3.2.4 is the fix; 3.1.11 is in range */
    comp_purl(c, sizeof c, "django", "3.2.0", "pkg:pypi/django");
    want_match(db, c, "PYSEC-2021-98", 1);
    comp_purl(c, sizeof c, "Django", "3.1.11", "pkg:pypi/Django");
    want_match(db, c, "CVE-2021-33203", 1);
    comp_purl(c, sizeof c, "django", "3.2.4", "pkg:pypi/django");
    want_match(db, c, "PYSEC-2021-98", 0);
    comp_purl(c, sizeof c, "django", "3.1.12", "pkg:pypi/django");
    want_match(db, c, "PYSEC-2021-98", 0);
    pk_vulndb_close(db);
}

/* The whole django directory: 116 records; 3.2.0 has CVE-2021-33203 and
 * CVE-2021-35042 (PYSEC-2021-109, fixed in 3.2.5) among others; 3.2.25, the
 * last 3.2 release, still has the 2024 ones fixed only in 4.2/5.0. */
static void test_osv_dir(void **state)
{
    (void)state;
    char p[1200], c[512];
    pk_vulndb *db = db_new("osv-dir.db");
    pk_import_stats st;
    imp_ok(db, sh("osv/pypi/django", p, sizeof p), &st);
    assert_int_equal(st.files, 116);
    assert_int_equal(st.records, 116);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(q_int(db, "SELECT count(DISTINCT key) FROM affected"), 1);
    comp_purl(c, sizeof c, "django", "3.2.0", "pkg:pypi/django");
    want_match(db, c, "PYSEC-2021-109", 1);
    comp_purl(c, sizeof c, "django", "3.2.5", "pkg:pypi/django");
    want_match(db, c, "PYSEC-2021-109", 0);
    want_match(db, c, "PYSEC-2021-98", 0);
    pk_vulndb_close(db);
}

static void test_osv_ghsa(void **state)
{
    (void)state;
    char p[1200], c[512];
    pk_vulndb *db = db_new("osv-ghsa.db");
    pk_import_stats st;
    imp_ok(db, sh("osv/ghsa-conversions", p, sizeof p), &st);
    assert_int_equal(st.records, 11);
    assert_int_equal(st.skipped, 1); /* withdrawn.osv.json */
    q_text_eq(db,
              "SELECT key || ' ' || scheme || ' ' || spec || ' ' || fixed FROM affected WHERE id "
              "= 'GHSA-mhpp-875w-9cpv'",
              "npm//jquery semver {\"events\":[[\"introduced\",\"2.1.1-0\"],[\"fixed\",\"3.0.0\"]]}"
              " 3.0.0");
    q_text_eq(db, "SELECT alias FROM alias WHERE id = 'GHSA-mhpp-875w-9cpv'", "CVE-2016-10707");
    /* withdrawn: the advisory is kept, with no affected rows */
    q_text_eq(db, "SELECT withdrawn FROM advisory WHERE id = 'GHSA-35c4-f3rq-f9g3'",
              "2018-10-11T17:29:49Z");
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'GHSA-35c4-f3rq-f9g3'"),
                     0);
    /* Maven g:a, PEP 503 names, RubyGems with an exact versions list */
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE key IN "
                               "('maven/com.typesafe.akka/akka-actor_2.12', "
                               "'maven/com.typesafe.akka/akka-actor_2.11')"),
                     2);
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE key = "
                               "'pypi//products-pluggableauthservice' AND scheme = 'pep440'"),
                     1);
    q_text_eq(db, "SELECT key || ' ' || spec FROM affected WHERE id = 'GHSA-4g4c-8gqh-m4vm'",
              "gem//paranoid2 {\"versions\":[\"1.1.6\"]}");
    comp_purl(c, sizeof c, "jquery", "2.2.4", "pkg:npm/jquery");
    want_match(db, c, "GHSA-mhpp-875w-9cpv", 1);
    comp_purl(c, sizeof c, "jquery", "3.0.0", "pkg:npm/jquery");
    want_match(db, c, "GHSA-mhpp-875w-9cpv", 0);
    comp_purl(c, sizeof c, "jquery", "1.12.4", "pkg:npm/jquery");
    want_match(db, c, "CVE-2016-10707", 0);
    pk_vulndb_close(db);
}

/* Distribution and Go/crates records: ecosystems with a release suffix give
 * a distro, SEMVER ranges the semver scheme, GIT ranges nothing. */
static void test_osv_ecosystems(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("osv-eco.db");
    pk_import_stats st;
    imp_ok(db, sh("osv/osv-scanner-testdata-records", p, sizeof p), &st);
    assert_int_equal(st.records, 13);
    q_text_eq(db,
              "SELECT key || ' ' || distro || ' ' || scheme || ' ' || ifnull(fixed, '-') FROM "
              "affected WHERE id = 'CVE-2024-1013' AND distro = 'debian:10'",
              "deb/debian/unixodbc debian:10 dpkg -");
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'CVE-2024-3847'"), 2);
    assert_true(q_int(db, "SELECT count(*) FROM affected WHERE key = "
                          "'golang/golang.org/x/net' AND scheme = 'semver'") > 0);
    assert_true(q_int(db, "SELECT count(*) FROM affected WHERE key = 'cargo//time'") > 0);
    imp_ok(db, sh("osv/osv-linter-samples/valid", p, sizeof p), &st);
    assert_int_equal(st.records, 9);
    /* CVE-2023-41045: GIT ranges only; RHSA/SUSE samples: no affected */
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'CVE-2023-41045'"), 0);
    assert_int_equal(st.skipped, 3);
    q_text_eq(db,
              "SELECT key || ' ' || distro || ' ' || scheme FROM affected WHERE id = "
              "'CVE-2018-5407' AND distro = 'alpine:3.8'",
              "apk/alpine/openssl alpine:3.8 apk");
    imp_ok(db, sh("osv/debian/DSA-3029-1.json", p, sizeof p), &st);
    q_text_eq(db, "SELECT key || ' ' || distro FROM affected WHERE id = 'DSA-3029-1'",
              "deb/debian/nginx debian:7");
    /* upstream ids are aliases; no affected: skipped */
    imp_ok(db, sh("osv/debian/DLA-3623-1.trimmed.json", p, sizeof p), &st);
    assert_int_equal(st.skipped, 1);
    assert_true(q_int(db, "SELECT count(*) FROM alias WHERE id = 'DLA-3623-1'") > 0);
    pk_vulndb_close(db);
}

/* The linter's negative samples: nointroduced breaks the schema (every range
 * needs an "introduced" event): refused. nondistinct repeats a commit inside
 * a GIT range and nopackage names a package PyPI does not have: both are
 * schema-valid, checkable only online or in GIT ranges parakh skips: kept. */
static void test_osv_linter_invalid(void **state)
{
    (void)state;
    char p[1200];
    long long before[6], after[6];
    pk_vulndb *db = db_new("osv-lint.db");
    imp_ok(db, sh("osv/ghsa-conversions/npm_greater_than.osv.json", p, sizeof p), NULL);
    counts(db, before);
    imp_bad(db,
            sh("osv/osv-linter-samples/deliberately-invalid/nointroduced-CVE-2023-41045.json", p,
               sizeof p),
            "CVE-2023-41045");
    imp_bad(db, p, "no \"introduced\"");
    counts(db, after);
    assert_memory_equal(before, after, sizeof before);
    imp_ok(db,
           sh("osv/osv-linter-samples/deliberately-invalid/nondistinct-CVE-2018-5407.json", p,
              sizeof p),
           NULL);
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'CVE-2018-5407'"), 6);
    imp_ok(db,
           sh("osv/osv-linter-samples/deliberately-invalid/nopackage-GHSA-9v2f-6vcg-3hgv.json", p,
              sizeof p),
           NULL);
    q_text_eq(db, "SELECT key FROM affected WHERE id = 'GHSA-9v2f-6vcg-3hgv'", "pypi//gradi0");
    q_text_eq(db, "SELECT word FROM rating WHERE id = 'GHSA-9v2f-6vcg-3hgv'", "CRITICAL");
    q_text_eq(db, "SELECT cwe FROM cwe WHERE id = 'GHSA-9v2f-6vcg-3hgv'", "CWE-94");
    q_text_eq(db, "SELECT version || ' ' || vector FROM cvss WHERE id = 'GHSA-9v2f-6vcg-3hgv'",
              "3.1 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    pk_vulndb_close(db);
}

#define REC(id, affected)                                                                          \
    "{\"id\":\"" id "\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" affected "]}"
#define PKG "\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"x\"}"

static void test_osv_bad(void **state)
{
    (void)state;
    char p[1200];
    long long before[6], after[6];
    pk_vulndb *db = db_new("osv-bad.db");
    imp_ok(db, sh("osv/ghsa-conversions", p, sizeof p), NULL);
    counts(db, before);
    static const struct {
        const char *doc, *want;
    } bad[] = {
        {REC("X-1",
             "{" PKG ",\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"fixed\":\"1\"}]}]}"),
         "X-1: affected[0].ranges[0]: no \"introduced\""},
        {REC("X-2", "{" PKG ",\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":"
                    "\"0\"},{\"patched\":\"1\"}]}]}"),
         "X-2: affected[0].ranges[0].events[1]"},
        {REC("X-3", "{" PKG ",\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":"
                    "\"0\"},{\"fixed\":\"1\"},{\"last_affected\":\"2\"}]}]}"),
         "both \"fixed\" and \"last_affected\""},
        {REC("X-4", "{" PKG ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[]}]}"), "X-4"},
        {REC("X-5",
             "{" PKG ",\"ranges\":[{\"type\":\"RPM\",\"events\":[{\"introduced\":\"0\"}]}]}"),
         "type is missing or unknown"},
        {REC("X-6", "{" PKG ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":0}]}]}"),
         "X-6"},
        {REC("X-7", "{" PKG ",\"versions\":[\"1.0\",2]}"), "affected[0].versions[1]"},
        {REC("X-8", "{" PKG ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\","
                    "\"fixed\":\"1\"}]}]}"),
         "several events"},
        {REC("X-9", "{\"package\":[]}"), "package is not an object"},
        {REC("X-10", "7"), "affected[0] is not an object"},
        {"{\"id\":7,\"modified\":\"2024-01-01T00:00:00Z\"}", "id is not a string"},
        {"{\"id\":\"X-11\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":{}}", "affected"},
        {"{\"id\":\"X-12\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"A\",{}]}",
         "aliases[1]"},
        {"[" REC("X-13", "") ",5]", "#1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "osv-bad-%zu.json", i);
        put_bad(db, name, bad[i].doc, bad[i].want);
    }
    counts(db, after);
    assert_memory_equal(before, after, sizeof before);
    pk_vulndb_close(db);
}

/* A JSON array of records; SEMVER and ECOSYSTEM ranges side by side with a
 * versions list; last_affected; an ecosystem parakh has no key for. */
static void test_osv_array(void **state)
{
    (void)state;
    char p[1200], c[512];
    pk_vulndb *db = db_new("osv-array.db");
    fx_put("array.json",
           "[" REC("A-1",
                   "{" PKG ",\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\""
                   ":\"1.0\"},{\"last_affected\":\"1.4\"}]},{\"type\":\"GIT\",\"repo\":\"r\","
                   "\"events\":[{\"introduced\":\"0\"}]}],\"versions\":[\"2.0rc1\"]}") //
           "," REC("A-2", "{\"package\":{\"ecosystem\":\"Nope\",\"name\":\"x\"},\"ranges\":[{"
                          "\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}") //
           "," REC("A-3", "{\"package\":{\"ecosystem\":\"Nope\",\"name\":\"y\",\"purl\":"
                          "\"pkg:npm/%40scope/Y\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{"
                          "\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"}]}]}") "]");
    pk_import_stats st;
    imp_ok(db, fx("array.json", p, sizeof p), &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.skipped, 1); /* */
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected WHERE id = 'A-1'"), 2);
    q_text_eq(db, "SELECT key || ' ' || scheme FROM affected WHERE id = 'A-3'",
              "npm/@scope/y semver");
    comp_purl(c, sizeof c, "x", "1.4", "pkg:pypi/x");
    want_match(db, c, "A-1", 1);
    comp_purl(c, sizeof c, "x", "1.4.1", "pkg:pypi/x");
    want_match(db, c, "A-1", 0);
    comp_purl(c, sizeof c, "x", "2.0rc1", "pkg:pypi/x");
    want_match(db, c, "A-1", 1);
    pk_vulndb_close(db);
}

/* A zip of OSV records, as osv.dev's per-ecosystem all.zip. */
static void test_osv_zip(void **state)
{
    (void)state;
    static const char *const files[] = {"npm_greater_than.osv.json", "pypi_normalize.osv.json",
                                        "withdrawn.osv.json"};
    char p[1400], zp[1200];
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, fx("osv.zip", zp, sizeof zp)), ARCHIVE_OK);
    for (size_t i = 0; i < 3; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "osv/ghsa-conversions/%s", files[i]);
        FILE *f = fopen(sh(rel, p, sizeof p), "rb");
        assert_non_null(f);
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, files[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)n);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, buf, n), (la_ssize_t)n);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    pk_vulndb *db = db_new("osv-zip.db");
    pk_import_stats st;
    imp_ok(db, zp, &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory WHERE feed = 'osv'"), 3);
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected"), 2);
    pk_vulndb_close(db);
}

/* ---- CVE 5 ---- */

static void test_cve5_openssl(void **state)
{
    (void)state;
    char p[1200], c[512];
    pk_vulndb *db = db_new("cve5.db");
    pk_import_stats st;
    /* the directory holds statements.json too, which is no CVE record: passed over */
    imp_ok(db, sh("vendor-advisories/openssl/secjson", p, sizeof p), &st);
    assert_int_equal(st.records, 272);
    assert_int_equal(q_int(db, "SELECT count(*) FROM advisory WHERE feed = 'cve5'"), 272);
    q_text_eq(db,
              "SELECT key || ' ' || scheme || ' ' || spec || ' ' || fixed FROM affected WHERE id "
              "= 'CVE-2022-3602'",
              "cpe/openssl/openssl semver {\"ge\":\"3.0.0\",\"lt\":\"3.0.7\"} 3.0.7");
    q_text_eq(db, "SELECT word FROM rating WHERE id = 'CVE-2022-3602'", "High");
    q_text_eq(db, "SELECT published FROM advisory WHERE id = 'CVE-2022-3602'",
              "2022-11-01T00:00:00Z");
    /* three branches, the 1.x ones in the generic order */
    q_text_eq(db,
              "SELECT group_concat(scheme || ' ' || fixed, ', ') FROM (SELECT * FROM affected "
              "WHERE id = 'CVE-2023-0286' ORDER BY fixed)",
              "generic 1.0.2zg, generic 1.1.1t, semver 3.0.8");
    comp_cpe(c, sizeof c, "openssl", "3.0.0", "openssl:openssl");
    want_match(db, c, "CVE-2022-3602", 1);
    comp_cpe(c, sizeof c, "openssl", "3.0.7", "openssl:openssl");
    want_match(db, c, "CVE-2022-3602", 0);
    comp_cpe(c, sizeof c, "openssl", "1.1.1s", "openssl:openssl");
    want_match(db, c, "CVE-2023-0286", 1);
    comp_cpe(c, sizeof c, "openssl", "1.1.1t", "openssl:openssl");
    want_match(db, c, "CVE-2023-0286", 0);
    /* named alone, statements.json is refused by the dispatcher */
    imp_bad(db, sh("vendor-advisories/openssl/secjson/statements.json", p, sizeof p), "feed");
    pk_vulndb_close(db);
}

#define CVE(body)                                                                                  \
    "{\"dataType\":\"CVE_RECORD\",\"dataVersion\":\"5.1\",\"cveMetadata\":{\"cveId\":"             \
    "\"CVE-2099-0001\",\"state\":\"PUBLISHED\",\"datePublished\":\"2099-01-02T00:00:00\","         \
    "\"dateUpdated\":\"2099-01-03T00:00:00\"},\"containers\":{\"cna\":{" body "}}}"

static void test_cve5_shapes(void **state)
{
    (void)state;
    char p[1200];
    pk_vulndb *db = db_new("cve5-shapes.db");
    fx_put("cve5.json",
           CVE("\"descriptions\":[{\"lang\":\"fr\",\"value\":\"non\"},{\"lang\":\"en-US\","
               "\"value\":\"yes\"}],\"metrics\":[{\"cvssV3_1\":{\"version\":\"3.1\","
               "\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\",\"baseScore\":"
               "9.8}}],\"problemTypes\":[{\"descriptions\":[{\"lang\":\"en\",\"description\":"
               "\"CWE-787 Out-of-bounds Write\",\"type\":\"CWE\"}]}],\"references\":[{\"url\":"
               "\"https://example.org/a\"}],\"affected\":["
               /* 0: vendor/product plus a cpes[] entry of another name, changes */
               "{\"vendor\":\"Acme Corp\",\"product\":\"Road Runner\",\"cpes\":["
               "\"cpe:2.3:a:acme:road\\\\.runner:*:*:*:*:*:*:*:*\"],\"defaultStatus\":"
               "\"unaffected\",\"versions\":[{\"version\":\"1.0\",\"lessThan\":\"2.0\",\"status\":"
               "\"affected\",\"versionType\":\"custom\",\"changes\":[{\"at\":\"1.5\",\"status\":"
               "\"unaffected\"}]},{\"version\":\"2.1\",\"status\":\"affected\"},{\"version\":"
               "\"unspecified\",\"status\":\"affected\"},{\"version\":\"3.0\",\"lessThan\":\"3.*\","
               "\"status\":\"affected\"}]},"
               /* 1: a PyPI package, everything affected but two unaffected ranges */
               "{\"vendor\":\"n/a\",\"product\":\"n/a\",\"packageName\":\"Foo_Bar\","
               "\"collectionURL\":\"https://pypi.org/\",\"defaultStatus\":\"affected\","
               "\"versions\":[{\"version\":\"1.2.5\",\"lessThan\":\"1.3\",\"status\":"
               "\"unaffected\"},{\"version\":\"1.3.2\",\"lessThan\":\"*\",\"status\":"
               "\"unaffected\",\"versionType\":\"python\"}]}]"));
    pk_import_stats st;
    imp_ok(db, fx("cve5.json", p, sizeof p), &st);
    assert_int_equal(st.records, 1);
    q_text_eq(db, "SELECT summary || ' ' || published FROM advisory", "yes 2099-01-02T00:00:00");
    q_text_eq(db, "SELECT cwe FROM cwe", "CWE-787");
    q_text_eq(db, "SELECT version || ' ' || score FROM cvss", "3.1 9.8");
    q_text_eq(db,
              "SELECT group_concat(key || ' ' || spec, ' | ') FROM (SELECT * FROM affected WHERE "
              "key LIKE 'cpe/%' ORDER BY key, spec)",
              "cpe/acme/road.runner {\"eq\":\"2.1\"} | cpe/acme/road.runner {\"events\":[["
              "\"introduced\",\"1.0\"],[\"fixed\",\"1.5\"],[\"fixed\",\"2.0\"]]} | "
              "cpe/acme_corp/road_runner {\"eq\":\"2.1\"} | cpe/acme_corp/road_runner "
              "{\"events\":[[\"introduced\",\"1.0\"],[\"fixed\",\"1.5\"],[\"fixed\",\"2.0\"]]}");
    q_text_eq(db,
              "SELECT key || ' ' || scheme || ' ' || spec || ' ' || fixed FROM affected WHERE "
              "key LIKE 'pypi/%'",
              "pypi//foo-bar pep440 {\"events\":[[\"introduced\",\"0\"],[\"fixed\",\"1.2.5\"],["
              "\"introduced\",\"1.3\"],[\"fixed\",\"1.3.2\"]]} 1.2.5");
    char c[512];
    comp_purl(c, sizeof c, "foo-bar", "1.2.6", "pkg:pypi/foo-bar");
    want_match(db, c, "CVE-2099-0001", 0);
    comp_purl(c, sizeof c, "foo-bar", "1.3.1", "pkg:pypi/foo-bar");
    want_match(db, c, "CVE-2099-0001", 1);
    pk_vulndb_close(db);
}

static void test_cve5_bad(void **state)
{
    (void)state;
    char p[1200];
    long long before[6], after[6];
    pk_vulndb *db = db_new("cve5-bad.db");
    imp_ok(db, sh("vendor-advisories/openssl/secjson/CVE-2022-3602.json", p, sizeof p), NULL);
    counts(db, before);
    static const struct {
        const char *doc, *want;
    } bad[] = {
        {"{\"dataType\":\"CVE_RECORD\",\"cveMetadata\":{\"cveId\":5}}", "cveId"},
        {"{\"dataType\":\"CVE_RECORD\",\"cveMetadata\":{\"cveId\":\"GHSA-1\"}}", "#0"},
        {"{\"dataType\":\"CVE_RECORD\",\"cveMetadata\":{\"cveId\":\"CVE-2099-1\"}}",
         "containers.cna"},
        {CVE("\"affected\":{}"), "affected"},
        {CVE("\"affected\":[{\"vendor\":\"a\",\"product\":\"b\",\"versions\":[{\"version\":"
             "\"1\",\"status\":\"vulnerable\"}]}]"),
         "CVE-2099-0001: affected[0].versions[0]: status"},
        {CVE("\"affected\":[{\"vendor\":\"a\",\"product\":\"b\",\"versions\":[{\"status\":"
             "\"affected\"}]}]"),
         "affected[0].versions[0]: no version"},
        {CVE("\"affected\":[{\"vendor\":\"a\",\"product\":\"b\",\"versions\":[{\"version\":"
             "\"1\",\"status\":\"affected\",\"lessThan\":2}]}]"),
         "lessThan"},
        {CVE("\"metrics\":[{\"cvssV3_1\":\"high\"}]"), "cvssV3_1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "cve5-bad-%zu.json", i);
        put_bad(db, name, bad[i].doc, bad[i].want);
    }
    counts(db, after);
    assert_memory_equal(before, after, sizeof before);
    pk_vulndb_close(db);
}

/* ---- curl ---- */

static void test_curl(void **state)
{
    (void)state;
    char p[1200], c[512];
    pk_vulndb *db = db_new("curl.db");
    pk_import_stats st;
    imp_ok(db, sh("vendor-advisories/curl/curl-vulnerabilities.csv", p, sizeof p), &st);
    assert_int_equal(st.records, 206);
    assert_int_equal(st.skipped, 0);
    /* 11 tool-only flaws have no libcurl row */
    assert_int_equal(q_int(db, "SELECT count(*) FROM affected"), 2 * 206 - 11);
    q_text_eq(db,
              "SELECT group_concat(key || ' ' || scheme || ' ' || spec, ' | ') FROM (SELECT * "
              "FROM affected WHERE id = 'CVE-2022-43551' ORDER BY key)",
              "cpe/haxx/curl generic {\"ge\":\"7.77.0\",\"le\":\"7.86.0\"} | cpe/haxx/libcurl "
              "generic {\"ge\":\"7.77.0\",\"le\":\"7.86.0\"}");
    q_text_eq(db, "SELECT key FROM affected WHERE id = 'CVE-2026-12064'", "cpe/haxx/curl");
    q_text_eq(db, "SELECT word FROM rating WHERE id = 'CVE-2022-43551'", "medium");
    q_text_eq(db, "SELECT cwe FROM cwe WHERE id = 'CVE-2022-43551'", "CWE-319");
    q_text_eq(db, "SELECT summary || ' ' || published FROM advisory WHERE id = 'CVE-2022-43551'",
              "Another HSTS bypass via IDN 2022-12-21");
    q_text_eq(db, "SELECT url FROM ref WHERE id = 'CVE-2022-43551'",
              "https://curl.se/docs/CVE-2022-43551.html");
    comp_cpe(c, sizeof c, "curl", "7.86.0", "haxx:curl");
    want_match(db, c, "CVE-2022-43551", 1);
    comp_cpe(c, sizeof c, "curl", "8.5.0", "haxx:curl");
    want_match(db, c, "CVE-2022-43551", 0);
    comp_cpe(c, sizeof c, "libcurl", "7.77.0", "haxx:libcurl");
    want_match(db, c, "CVE-2022-43551", 1);
    comp_cpe(c, sizeof c, "libcurl", "7.76.1", "haxx:libcurl");
    want_match(db, c, "CVE-2022-43551", 0);
    pk_vulndb_close(db);
}

static void test_curl_bad(void **state)
{
    (void)state;
    char p[1200];
    long long before[6], after[6];
    pk_vulndb *db = db_new("curl-bad.db");
    imp_ok(db, sh("vendor-advisories/curl/curl-vulnerabilities.csv", p, sizeof p), NULL);
    counts(db, before);
    static const char hdr[] = "page,first_vulnerable,last_vulnerable,name,cve,announce_date,"
                              "report_date,cwe,award_usd,area,c_issue,affects,severity,issue_url\n";
    static const char good[] = "CVE-2099-1.html,7.1.0,7.2.0,x,CVE-2099-0001,20990101,20990101,"
                               "CWE-1: y,0,a,-,lib,low,u\n";
    static const struct {
        const char *row, *want;
    } bad[] = {
        {"CVE-2099-2.html,7.1.0,7.2.0,x,CVE-2099-0002,20990101\n", "line 3"},
        {"CVE-2099-2.html,7.1.0,seven,x,CVE-2099-0002,2099,2099,-,0,a,-,lib,low,u\n", "line 3"},
        {"CVE-2099-2.html,7.1.0,7.2.0,x,CVE-99-2,2099,2099,-,0,a,-,lib,low,u\n", "line 3"},
        {"CVE-2099-2.html,\"7.1.0,7.2.0\n", "malformed CSV"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32], doc[1024];
        snprintf(name, sizeof name, "curl-bad-%zu.csv", i);
        snprintf(doc, sizeof doc, "%s%s%s", hdr, good, bad[i].row);
        put_bad(db, name, doc, bad[i].want);
    }
    counts(db, after);
    assert_memory_equal(before, after, sizeof before);
    pk_vulndb_close(db);
}

static int setup(void **state)
{
    (void)state;
    vdb_shared_dir(NULL);
    return fx_mkdtemp("/tmp/pk-vdbosv-XXXXXX");
}

static int teardown(void **state)
{
    (void)state;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_osv_pysec_django),   cmocka_unit_test(test_osv_dir),
        cmocka_unit_test(test_osv_ghsa),           cmocka_unit_test(test_osv_ecosystems),
        cmocka_unit_test(test_osv_linter_invalid), cmocka_unit_test(test_osv_bad),
        cmocka_unit_test(test_osv_array),          cmocka_unit_test(test_osv_zip),
        cmocka_unit_test(test_cve5_openssl),       cmocka_unit_test(test_cve5_shapes),
        cmocka_unit_test(test_cve5_bad),           cmocka_unit_test(test_curl),
        cmocka_unit_test(test_curl_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
