/* The CSAF reader, JSON Schema validator, pk_csaf_check() and the meta
 * helpers (lib/csaf/reader.c, jschema*.c, check.c, meta.c): every OASIS and
 * Red Hat example passes the schema; of the OASIS validator test cases only
 * the ones whose failure is a schema violation (6.1.8) fail it; hostile
 * bytes get PK_E_FORMAT with the exact message; a schema with an unknown
 * keyword is refused at load; formats, ECMA pattern semantics, file names
 * and version ordering on exact tables. */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "csaf/csaf_int.h"
#include "csaf/jschema.h"
#include "fixture.h"

static char schemas[1024];
static char csafdir[1024];
static pki_jschema *S;

static int setup(void **st)
{
    (void)st;
    const char *sh = getenv("PK_SHARED");
    if (!sh)
        fail_msg("PK_SHARED is not set");
    snprintf(schemas, sizeof schemas, "%s/schemas", sh);
    snprintf(csafdir, sizeof csafdir, "%s/standards-examples/csaf", sh);
    char err[512];
    if (pki_jschema_load(schemas, &S, err, sizeof err) != PK_OK)
        fail_msg("load: %s", err);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    pki_jschema_free(S);
    return 0;
}

static json_t *load_file(const char *path)
{
    size_t n;
    uint8_t *b = fx_read(path, &n);
    if (!b)
        fail_msg("cannot read %s", path);
    json_t *j = NULL;
    char err[256];
    if (pki_csaf_load(b, n, &j, err, sizeof err) != PK_OK)
        fail_msg("%s: %s", path, err);
    free(b);
    return j;
}

/* Schema issues of one file; prints them (for a failing test's log). */
static size_t schema_issues(const char *path, pki_csaf_issues *r)
{
    json_t *j = load_file(path);
    size_t f = pki_jschema_validate(S, PKI_JS_CSAF, j, "", r, "schema");
    json_decref(j);
    for (size_t i = 0; i < r->count && i < 5; i++)
        print_message("%s: %s %s\n", path, r->items[i].path, r->items[i].message);
    assert_int_equal(f == 0, r->count == 0);
    return r->count;
}

static size_t check_dir(const char *sub)
{
    char d[1200];
    snprintf(d, sizeof d, "%s/%s", csafdir, sub);
    DIR *dir = opendir(d);
    assert_non_null(dir);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(dir))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        char p[1500];
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        pki_csaf_issues r = {0};
        if (schema_issues(p, &r) != 0)
            fail_msg("%s fails the schema", p);
        pki_csaf_issues_clear(&r);
        files++;
    }
    closedir(dir);
    return files;
}

static void examples_pass(void **st)
{
    (void)st;
    assert_int_equal(check_dir("oasis-examples/csaf"), 6);
    assert_int_equal(check_dir("oasis-examples/csaf/csaf_vex"), 13);
    assert_int_equal(check_dir("redhat"), 5);
}

/* testcases.json: every file listed, failing or valid, for every test. The
 * schema rejects exactly the 6.1.8 failures (invalid CVSS objects); the
 * other failures are for the mandatory tests to find. */
static void testcases(void **st)
{
    (void)st;
    char p[1500];
    snprintf(p, sizeof p, "%s/oasis-validator-testcases/testcases.json", csafdir);
    json_error_t je;
    json_t *tc = json_load_file(p, 0, &je);
    assert_non_null(tc);
    size_t n = 0, rejected = 0;
    json_t *t;
    size_t i;
    json_array_foreach(json_object_get(tc, "tests"), i, t)
    {
        const char *id = json_string_value(json_object_get(t, "id"));
        for (int k = 0; k < 2; k++) {
            json_t *f;
            size_t m;
            json_array_foreach(json_object_get(t, k ? "valid" : "failures"), m, f)
            {
                const char *name = json_string_value(json_object_get(f, "name"));
                snprintf(p, sizeof p, "%s/oasis-validator-testcases/%s", csafdir, name);
                pki_csaf_issues r = {0};
                size_t c = schema_issues(p, &r);
                int want = k == 0 && strcmp(id, "6.1.8") == 0;
                if ((c > 0) != want)
                    fail_msg("%s: %zu schema issues, expected %s", name, c, want ? ">0" : "0");
                if (want) {
                    /* the issue names the CVSS object */
                    assert_non_null(strstr(r.items[0].path, "/vulnerabilities/0/scores/0/cvss_v"));
                    rejected++;
                }
                pki_csaf_issues_clear(&r);
                n++;
            }
        }
    }
    json_decref(tc);
    assert_int_equal(rejected, 3);
    assert_true(n >= 200);
}

/* ---- hostile bytes ---- */

static void expect_format(const char *doc, size_t len, const char *msg)
{
    pk_csaf_result *r = (pk_csaf_result *)1;
    char err[256] = "";
    assert_int_equal(pk_csaf_check((const uint8_t *)doc, len, schemas, &r, err, sizeof err),
                     PK_E_FORMAT);
    assert_null(r);
    assert_string_equal(err, msg);
}

static void hostile(void **st)
{
    (void)st;
    expect_format("", 0, "byte 0: empty document");
    expect_format("[1]", 3, "byte 0: the top level is an array, not an object");
    expect_format("  [1]", 5, "byte 2: the top level is an array, not an object");
    expect_format("\"x\"", 3, "byte 0 (line 1): '[' or '{' expected near '\"x\"'");
    expect_format("\xef\xbb\xbf{}", 5, "byte 0 (line 1): '[' or '{' expected near '\xef\xbb\xbf'");
    expect_format("{\n\"a\":1e999}", 13, "byte 6 (line 2): real number overflow near '1e999'");
    expect_format("{\"a\":\"x", 7, "byte 5 (line 1): premature end of input near '\"x'");
    expect_format("{\"a\":1,\"a\":2}", 13, "byte 7 (line 1): duplicate object key near '\"a\"'");
    expect_format("{\"a\":\"\xff\"}", 8, "byte 6: invalid UTF-8 (0xff)");
    expect_format("{\"a\":\"\xc0\xaf\"}", 9, "byte 6: invalid UTF-8 (0xc0)");      /* overlong */
    expect_format("{\"a\":\"\xed\xa0\x80\"}", 10, "byte 6: invalid UTF-8 (0xed)"); /* surrogate */
    expect_format("{\"a\":\"\xf4\x90\x80\x80\"}", 11, "byte 6: invalid UTF-8 (0xf4)");
    expect_format("{\"a\":1} x", 9, "byte 8 (line 1): end of file expected near 'x'");
    expect_format("{\"a\":\"\\u0000\"}", 14,
                  "byte 5 (line 1): \\u0000 is not allowed without JSON_ALLOW_NUL near "
                  "'\"\\u0000\"'");

    /* 48 levels are read, 49 are not; brackets inside strings do not count */
    char deep[300];
    size_t o = 0;
    deep[o++] = '{';
    memcpy(deep + o, "\"s\":\"[[[[{{{{\",\"a\":", 19);
    o += 19;
    for (int i = 0; i < 47; i++)
        deep[o++] = '[';
    for (int i = 0; i < 47; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    json_t *j = NULL;
    char err[256];
    assert_int_equal(pki_csaf_load((uint8_t *)deep, o, &j, err, sizeof err), PK_OK);
    json_decref(j);
    o = 0;
    deep[o++] = '{';
    memcpy(deep + o, "\"a\":", 4);
    o += 4;
    for (int i = 0; i < 48; i++)
        deep[o++] = '[';
    for (int i = 0; i < 48; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    expect_format(deep, o, "byte 52: nesting deeper than 48 arrays and objects");

    /* one byte over the limit: refused before anything is parsed */
    size_t big = PK_CSAF_MAX_BYTES + 1u;
    char *b = malloc(big);
    assert_non_null(b);
    memset(b, ' ', big);
    b[0] = '{';
    b[big - 1] = '}';
    expect_format(b, big, "document of 16777217 bytes is larger than the limit of 16777216 bytes");
    free(b);
}

/* Wrong types are schema issues (pk_csaf_check answers PK_OK, invalid) and
 * PK_E_FORMAT for pk_csaf_meta_read. */
static void wrong_types(void **st)
{
    (void)st;
    const char *doc = "{\"document\": 5, \"vulnerabilities\": {}}";
    pk_csaf_result *r = NULL;
    char err[256];
    assert_int_equal(pk_csaf_check((const uint8_t *)doc, strlen(doc), schemas, &r, err, sizeof err),
                     PK_OK);
    assert_false(pk_csaf_result_valid(r));
    int seen_doc = 0, seen_vuln = 0;
    for (size_t i = 0; i < pk_csaf_result_count(r); i++) {
        const pk_csaf_issue *is = pk_csaf_result_at(r, i);
        if (strcmp(is->test, "schema") != 0)
            continue;
        if (strcmp(is->path, "/document") == 0) {
            assert_string_equal(is->message, "is an integer, expected object");
            seen_doc++;
        }
        if (strcmp(is->path, "/vulnerabilities") == 0) {
            assert_string_equal(is->message, "is an object, expected array");
            seen_vuln++;
        }
    }
    assert_int_equal(seen_doc, 1);
    assert_int_equal(seen_vuln, 1);
    assert_null(pk_csaf_result_at(r, pk_csaf_result_count(r)));
    pk_csaf_result_free(r);

    pk_csaf_meta m;
    assert_int_equal(pk_csaf_meta_read((const uint8_t *)doc, strlen(doc), &m, err, sizeof err),
                     PK_E_FORMAT);
    assert_string_equal(err, "/document/tracking/id: missing or not a string");
}

/* A runaway document is cut at 1000 issues plus one saying so. */
static void issue_cap(void **st)
{
    (void)st;
    size_t n = 3000, cap = 64 + n * 2;
    char *d = malloc(cap);
    assert_non_null(d);
    size_t o = (size_t)snprintf(d, cap, "{\"vulnerabilities\":[");
    for (size_t i = 0; i < n; i++) {
        d[o++] = '1';
        d[o++] = i + 1 < n ? ',' : ']';
    }
    d[o++] = '}';
    json_t *j = NULL;
    char err[256];
    assert_int_equal(pki_csaf_load((uint8_t *)d, o, &j, err, sizeof err), PK_OK);
    pki_csaf_issues r = {0};
    pki_jschema_validate(S, PKI_JS_CSAF, j, "", &r, "schema");
    assert_int_equal(r.count, 1001);
    assert_string_equal(r.items[1000].test, "limit");
    assert_string_equal(r.items[1000].message, "more than 1000 issues; the rest are not listed");
    assert_string_equal(r.items[1].path, "/vulnerabilities/0");
    assert_string_equal(r.items[1].message, "is an integer, expected object");
    pki_csaf_issues_clear(&r);
    json_decref(j);
    free(d);
}

/* Sets the member at a slash-separated path of keys and indexes of a copy
 * of an example, validates it and checks the count and the first issue. */
static void edit_check(const char *src, const char *where, json_t *val, size_t count,
                       const char *path, const char *msg)
{
    char p[1500];
    snprintf(p, sizeof p, "%s/%s", csafdir, src);
    json_t *j = load_file(p);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", where);
    json_t *cur = j;
    char *save = NULL, *tok = strtok_r(buf, "/", &save), *next;
    while (tok && (next = strtok_r(NULL, "/", &save))) {
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10))
                                 : json_object_get(cur, tok);
        assert_non_null(cur);
        tok = next;
    }
    if (json_is_array(cur))
        assert_int_equal(json_array_set_new(cur, strtoul(tok, NULL, 10), val), 0);
    else
        assert_int_equal(json_object_set_new(cur, tok, val), 0);
    pki_csaf_issues r = {0};
    pki_jschema_validate(S, PKI_JS_CSAF, j, "", &r, "schema");
    for (size_t i = 0; i < r.count; i++)
        print_message("  %s: %s\n", r.items[i].path, r.items[i].message);
    assert_int_equal(r.count, count);
    if (count) {
        assert_string_equal(r.items[0].test, "schema");
        assert_string_equal(r.items[0].path, path);
        assert_string_equal(r.items[0].message, msg);
    }
    pki_csaf_issues_clear(&r);
    json_decref(j);
}

#define BSI  "oasis-examples/csaf/bsi-2022-0001.json"
#define TID  "document/tracking/id"
#define PTID "/document/tracking/id"
#define IDRE "does not match the pattern ^[\\S](.*[\\S])?$"

/* One edit of a valid document, exact issues: each keyword kind. */
static void keywords(void **st)
{
    (void)st;
    edit_check(BSI, "document/category", json_string(" x"), 1, "/document/category",
               "does not match the pattern ^[^\\s\\-_\\.](.*[^\\s\\-_\\.])?$");
    /* ECMA-262: '.' stops at a line break, '$' is the very end, U+00A0 and
     * U+FEFF are white space (\s), U+0085 is not */
    edit_check(BSI, TID, json_string("a\nb"), 1, PTID, IDRE);
    edit_check(BSI, TID, json_string("ab\n"), 1, PTID, IDRE);
    edit_check(BSI, TID, json_string("ab\xc2\xa0"), 1, PTID, IDRE);
    edit_check(BSI, TID,
               json_string("\xef\xbb\xbf"
                           "ab"),
               1, PTID, IDRE);
    edit_check(BSI, TID, json_string("ab\xc2\x85"), 0, NULL, NULL);
    edit_check(BSI, TID, json_string("\xc3\xa4 \xe2\x82\xac"), 0, NULL, NULL);
    edit_check(BSI, "document/tracking/current_release_date", json_string("2022-02-30T10:00:00Z"),
               1, "/document/tracking/current_release_date", "not an RFC 3339 date-time");
    edit_check(BSI, "document/publisher/namespace", json_string("https://exa mple.com"), 1,
               "/document/publisher/namespace", "not an absolute URI (RFC 3986)");
    edit_check(BSI, "document/publisher/category", json_string("cert"), 1,
               "/document/publisher/category",
               "not one of \"coordinator\", \"discoverer\", \"other\", \"translator\", "
               "\"user\", \"vendor\"");
    edit_check(BSI, "document/tracking/revision_history", json_array(), 1,
               "/document/tracking/revision_history", "has 0 items, fewer than 1");
    edit_check(BSI, "document/title", json_string(""), 1, "/document/title",
               "shorter than 1 characters");
    edit_check(BSI, "document/csaf_version", json_string("2.1"), 1, "/document/csaf_version",
               "not one of \"2.0\"");
    edit_check(BSI, "document/tracking/version", json_string("01"), 1, "/document/tracking/version",
               "does not match the pattern ^(0|[1-9][0-9]*)$|^((0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|"
               "[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\...");
    edit_check(BSI, "document/tracking", json_object(), 6, "/document/tracking",
               "missing required member \"current_release_date\"");
    edit_check(BSI, "document/distribution", json_object(), 1, "/document/distribution",
               "has 0 members, fewer than 1");
    edit_check(BSI, "document/acknowledgments", json_pack("[{}]"), 1, "/document/acknowledgments/0",
               "has 0 members, fewer than 1");
    /* uniqueItems: member order does not count */
    edit_check(BSI, "vulnerabilities/0/ids",
               json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "system_name", "a", "text", "b",
                         "system_name", "a", "text", "c", "text", "b", "system_name", "a"),
               1, "/vulnerabilities/0/ids", "items 0 and 2 are equal (uniqueItems)");
    edit_check(BSI, "document/tracking/aliases", json_pack("[s,s,s]", "x", "y", "x"), 1,
               "/document/tracking/aliases", "items 0 and 2 are equal (uniqueItems)");
    edit_check(BSI, "document/tracking/aliases", json_pack("[s,s]", "x", "X"), 0, NULL, NULL);
    edit_check(BSI, "document/notes",
               json_pack("[{s:s,s:s,s:i}]", "category", "summary", "text", "t", "title", 5), 1,
               "/document/notes/0/title", "is an integer, expected string");
}

/* The CVSS schemas through the CSAF one: oneOf with the closest branch's
 * reasons, minimum/maximum. */
static void cvss(void **st)
{
    (void)st;
    char p[1500];
    snprintf(p, sizeof p,
             "%s/oasis-validator-testcases/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-03.json",
             csafdir);
    pki_csaf_issues r = {0};
    assert_int_equal(schema_issues(p, &r), 1);
    assert_string_equal(r.items[0].path, "/vulnerabilities/0/scores/0/cvss_v2");
    assert_string_equal(r.items[0].message, "missing required member \"version\"");
    pki_csaf_issues_clear(&r);

    json_t *v3 = json_pack("{s:s,s:s,s:f,s:s}", "version", "3.1", "vectorString",
                           "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore", 10.5,
                           "baseSeverity", "CRITICAL");
    assert_int_equal(pki_jschema_validate(S, PKI_JS_CVSS31, v3, "/x", &r, "6.1.8"), 1);
    assert_string_equal(r.items[0].test, "6.1.8");
    assert_string_equal(r.items[0].path, "/x/baseScore");
    assert_string_equal(r.items[0].message, "10.5 is above the maximum 10");
    pki_csaf_issues_clear(&r);
    assert_int_equal(pki_jschema_validate(S, PKI_JS_CVSS30, v3, "", &r, "6.1.8"), 3);
    pki_csaf_issues_clear(&r);
    json_object_set_new(v3, "baseScore", json_integer(9));
    assert_int_equal(pki_jschema_validate(S, PKI_JS_CVSS31, v3, "", &r, "6.1.8"), 0);
    json_decref(v3);
}

/* ---- the schema set ---- */

static void copy_file(const char *from, const char *to, const char *insert_after,
                      const char *insert)
{
    size_t n;
    uint8_t *b = fx_read(from, &n);
    assert_non_null(b);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    const char *at = insert_after ? strstr((char *)b, insert_after) : NULL;
    if (at) {
        size_t k = (size_t)(at - (char *)b) + strlen(insert_after);
        fwrite(b, 1, k, f);
        fputs(insert, f);
        fwrite(b + k, 1, n - k, f);
    } else {
        fwrite(b, 1, n, f);
    }
    fclose(f);
    free(b);
}

static void schema_load(void **st)
{
    (void)st;
    char from[1500], to[1500], err[512];
    assert_int_equal(fx_mkdtemp("/tmp/pk-csafcheck-XXXXXX"), 0);
    fx_sh("mkdir -p csaf-2.0 cvss");
    const char *files[] = {"cvss/cvss-v2.0.json", "cvss/cvss-v3.0.json", "cvss/cvss-v3.1.json"};
    for (int i = 0; i < 3; i++) {
        snprintf(from, sizeof from, "%s/%s", schemas, files[i]);
        snprintf(to, sizeof to, "%s/%s", fx_dir, files[i]);
        copy_file(from, to, NULL, NULL);
    }
    snprintf(from, sizeof from, "%s/csaf-2.0/csaf_json_schema.json", schemas);
    snprintf(to, sizeof to, "%s/csaf-2.0/csaf_json_schema.json", fx_dir);
    /* an unknown keyword deep in a definition no document may reach */
    copy_file(from, to, "\"lang_t\": {", "\"frobnicate\": 1,");
    pki_jschema *s = NULL;
    assert_int_equal(pki_jschema_load(fx_dir, &s, err, sizeof err), PK_E_FORMAT);
    assert_null(s);
    char want[1024];
    snprintf(want, sizeof want,
             "%s/csaf-2.0/csaf_json_schema.json: schema: unknown keyword \"frobnicate\"", fx_dir);
    assert_string_equal(err, want);
    /* pk_csaf_check: the installation's problem, PK_E_IO, not the document's */
    pk_csaf_result *r = NULL;
    assert_int_equal(pk_csaf_check((const uint8_t *)"{}", 2, fx_dir, &r, err, sizeof err), PK_E_IO);
    assert_string_equal(err, want);
    /* an unknown format and a $ref to nowhere */
    copy_file(from, to, "\"lang_t\": {", "\"format\": \"hostname\",");
    assert_int_equal(pki_jschema_load(fx_dir, &s, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "schema: format \"hostname\" is not one parakh checks"));
    copy_file(from, to, "\"lang_t\": {", "\"$ref\": \"#/$defs/nothing_t\",");
    assert_int_equal(pki_jschema_load(fx_dir, &s, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "schema: $ref \"#/$defs/nothing_t\" points nowhere"));
    /* a missing schema */
    fx_sh("rm cvss/cvss-v3.0.json");
    copy_file(from, to, NULL, NULL);
    assert_int_equal(pki_jschema_load(fx_dir, &s, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "cvss/cvss-v3.0.json: unable to open"));
    assert_int_equal(fx_remove(), 0);
}

static void schema_dir(void **st)
{
    (void)st;
    assert_string_equal(pk_csaf_schema_dir("/x"), "/x");
    setenv("PARAKH_SCHEMAS", "/env", 1);
    assert_string_equal(pk_csaf_schema_dir(NULL), "/env");
    assert_string_equal(pk_csaf_schema_dir(""), "/env");
    unsetenv("PARAKH_SCHEMAS");
    const char *d = pk_csaf_schema_dir(NULL);
    /* the build's PK_SCHEMA_DIR (a packager may set it anywhere) */
    assert_true(d && *d && strcmp(d, "/env") != 0);
}

/* The whole check on real documents: PK_OK, no schema issue for a valid
 * one, the schema issues for 6.1.8-01. */
static void check_public(void **st)
{
    (void)st;
    char p[1500], err[256];
    snprintf(p, sizeof p, "%s/redhat/rhsa-2024_4420.json", csafdir);
    size_t n;
    uint8_t *b = fx_read(p, &n);
    assert_non_null(b);
    pk_csaf_result *r = NULL;
    assert_int_equal(pk_csaf_check(b, n, schemas, &r, err, sizeof err), PK_OK);
    for (size_t i = 0; i < pk_csaf_result_count(r); i++)
        assert_string_not_equal(pk_csaf_result_at(r, i)->test, "schema");
    pk_csaf_result_free(r);
    free(b);
    snprintf(p, sizeof p,
             "%s/oasis-validator-testcases/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json",
             csafdir);
    b = fx_read(p, &n);
    assert_int_equal(pk_csaf_check(b, n, schemas, &r, err, sizeof err), PK_OK);
    assert_false(pk_csaf_result_valid(r));
    assert_string_equal(pk_csaf_result_at(r, 0)->test, "schema");
    assert_string_equal(pk_csaf_result_at(r, 0)->path, "/vulnerabilities/0/scores/0/cvss_v3");
    pk_csaf_result_free(r);
    free(b);
    pk_csaf_result_free(NULL);
    assert_false(pk_csaf_result_valid(NULL));
}

/* One loaded schema set, four threads validating at once. */
static void *thread_validate(void *arg)
{
    json_t *j = arg;
    size_t bad = 0;
    for (int i = 0; i < 3; i++) {
        pki_csaf_issues r = {0};
        bad += pki_jschema_validate(S, PKI_JS_CSAF, j, "", &r, "schema");
        pki_csaf_issues_clear(&r);
    }
    return (void *)(uintptr_t)bad;
}

static void threads(void **st)
{
    (void)st;
    char p[1500];
    snprintf(p, sizeof p, "%s/redhat/rhsa-2024_6220.json", csafdir);
    json_t *j = load_file(p);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, thread_validate, j), 0);
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        assert_int_equal((uintptr_t)ret, 0);
    }
    json_decref(j);
}

/* Every allocation of ours failing in turn: issues, paths, meta strings.
 * Each run ends in PK_E_NOMEM (or r->nomem) or a complete answer, never a
 * leak or a crash (ASan watches). */
static void alloc_failures(void **st)
{
    (void)st;
    char p[1500], err[256];
    snprintf(p, sizeof p,
             "%s/oasis-validator-testcases/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json",
             csafdir);
    size_t n;
    uint8_t *b = fx_read(p, &n);
    assert_non_null(b);
    json_t *j = load_file(p);
    int done = 0;
    for (unsigned long k = 1; k < 5000 && !done; k++) {
        pki_csaf_issues r = {0};
        pki_alloc_fail_after(k);
        pki_jschema_validate(S, PKI_JS_CSAF, j, "", &r, "schema");
        pk_csaf_meta m;
        pk_status ms = pk_csaf_meta_read(b, n, &m, err, sizeof err);
        pki_alloc_fail_after(0);
        if (ms == PK_OK)
            pk_csaf_meta_free(&m);
        else
            assert_int_equal(ms, PK_E_NOMEM);
        done = !r.nomem && ms == PK_OK;
        if (done)
            assert_true(r.count >= 2);
        pki_csaf_issues_clear(&r);
    }
    assert_true(done);
    json_decref(j);
    free(b);
}

/* ---- formats, patterns, names, versions, meta ---- */

static void formats(void **st)
{
    (void)st;
    static const struct {
        const char *s;
        int ok;
    } dt[] = {
        {"2022-03-01T10:00:00Z", 1},
        {"2022-03-01t10:00:00z", 1},
        {"2022-03-01T10:00:00.5+01:30", 1},
        {"2024-02-29T00:00:00-00:00", 1},
        {"1998-12-31T23:59:60Z", 1},
        {"1998-12-31T15:59:60.123-08:00", 1},
        {"1998-12-31T23:58:60Z", 0},
        {"1998-12-31T23:59:61Z", 0},
        {"2023-02-29T00:00:00Z", 0},
        {"1900-02-29T00:00:00Z", 0},
        {"2000-02-29T00:00:00Z", 1},
        {"2022-04-31T00:00:00Z", 0},
        {"2022-13-01T00:00:00Z", 0},
        {"2022-03-01T24:00:00Z", 0},
        {"2022-03-01T10:00:00", 0},
        {"2022-03-01 10:00:00Z", 0},
        {"2022-03-01T10:00:00.Z", 0},
        {"2022-03-01T10:00:00+0100", 0},
        {"2022-03-01T10:00:00+24:00", 0},
        {"2022-03-01T10:00Z", 0},
        {"2022-03-01", 0},
        {"22-03-01T10:00:00Z", 0},
        {"2022-03-01T10:00:00Z ", 0},
        {"2022-03-01T10:00:00+01:00x", 0},
    };
    for (size_t i = 0; i < sizeof dt / sizeof dt[0]; i++)
        if (pki_js_datetime(dt[i].s, strlen(dt[i].s)) != dt[i].ok)
            fail_msg("date-time %s: expected %d", dt[i].s, dt[i].ok);
    static const struct {
        const char *s;
        int ok;
    } uri[] = {
        {"https://example.com", 1},
        {"https://example.com/a/b?c=d&e#f", 1},
        {"https://user:pw@example.com:8443/x", 1},
        {"https://[2001:db8::1]:443/", 1},
        {"urn:oasis:names:tc:csaf", 1},
        {"mailto:a@example.com", 1},
        {"https://example.com/%41%2f", 1},
        {"file:///etc/passwd", 1},
        {"//example.com", 0},
        {"/relative", 0},
        {"example", 0},
        {"1http://x", 0},
        {"https://exa mple.com", 0},
        {"https://example.com/%4", 0},
        {"https://example.com/%zz", 0},
        {"https://example.com/a#b#c", 0},
        {"https://example.com:80a/", 0},
        {"https://ex\xc3\xa4mple.com/", 0},
        {"https://example.com/<x>", 0},
        {"https://[zz::1]/", 0},
    };
    for (size_t i = 0; i < sizeof uri / sizeof uri[0]; i++)
        if (pki_js_uri(uri[i].s, strlen(uri[i].s)) != uri[i].ok)
            fail_msg("uri %s: expected %d", uri[i].s, uri[i].ok);
    /* JSON Schema equality: 1 == 1.0, member order free; the hash agrees */
    json_t *x = json_pack("{s:i,s:[s,b]}", "n", 1, "a", "s", 1);
    json_t *y = json_pack("{s:[s,b],s:f}", "a", "s", 1, "n", 1.0);
    json_t *z = json_pack("{s:[s,b],s:f}", "a", "s", 0, "n", 1.0);
    assert_true(pki_js_equal(x, y, 0));
    assert_int_equal(pki_js_hash(x, 0), pki_js_hash(y, 0));
    assert_false(pki_js_equal(x, z, 0));
    json_decref(x);
    json_decref(y);
    json_decref(z);
}

static int re_match(const char *re_src, const char *s)
{
    char err[128];
    pcre2_code *re = pki_js_pattern(re_src, err, sizeof err);
    if (!re)
        fail_msg("pattern %s: %s", re_src, err);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

static void patterns(void **st)
{
    (void)st;
    assert_true(re_match("^a$", "a"));
    assert_false(re_match("^a$", "a\n")); /* ECMA: no match before a final newline */
    assert_false(re_match("^a.b$", "a\nb"));
    assert_false(re_match("^a.b$", "a\xe2\x80\xa8"
                                   "b")); /* U+2028 */
    assert_true(re_match("^a.b$", "a\xc3\xa4"
                                  "b"));            /* one code point */
    assert_true(re_match("^\\s$", "\xe3\x80\x80")); /* U+3000 */
    assert_false(re_match("^\\s$", "\xc2\x85"));    /* U+0085 is not ECMA \s */
    assert_true(re_match("^[\\s-]+$", " -\xc2\xa0"));
    assert_false(re_match("^\\d$", "\xd9\xa3")); /* Arabic-Indic 3: \d is ASCII */
    assert_true(re_match("^\\u0041$", "A"));     /* \uhhhh */
    assert_false(re_match("^[]$", ""));          /* ECMA [] matches nothing */
    assert_true(re_match("x", "axb"));           /* not anchored */
    char err[128];
    assert_null(pki_js_pattern("[a\\S]", err, sizeof err));
    assert_string_equal(err, "\\S inside a character class is not supported");
    assert_null(pki_js_pattern("(", err, sizeof err));
    assert_string_equal(err, "missing closing parenthesis");
}

static void file_names(void **st)
{
    (void)st;
    static const char *const t[][2] = {
        {"RHBA-2019:0024", "rhba-2019_0024.json"},
        {"cisco-sa-20190513-secureboot", "cisco-sa-20190513-secureboot.json"},
        {"Example Company -- 2019-YH3234", "example_company_--_2019-yh3234.json"},
        {"BSI-2022-0001", "bsi-2022-0001.json"},
        {"a+b..c", "a+b_c.json"},
        {"__x__", "_x_.json"},
        {"\xc3\x84pfel/1", "_pfel_1.json"},
        {"../../etc/passwd", "_etc_passwd.json"},
    };
    char b[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(pk_csaf_file_name(t[i][0], b, sizeof b), PK_OK);
        assert_string_equal(b, t[i][1]);
    }
    assert_int_equal(pk_csaf_file_name("", b, sizeof b), PK_E_USAGE);
    assert_int_equal(pk_csaf_file_name("abc", b, 8), PK_E_USAGE); /* "abc.json" + NUL is 9 */
    assert_int_equal(pk_csaf_file_name("abc", b, 9), PK_OK);
    assert_string_equal(b, "abc.json");
}

static void versions(void **st)
{
    (void)st;
    static const struct {
        const char *a, *b;
        int cmp, ok;
    } t[] = {
        {"1", "2", -1, 1},
        {"10", "9", 1, 1},
        {"123456789012345678901234567890", "123456789012345678901234567891", -1, 1},
        {"3", "3", 0, 1},
        {"1.0.0", "2.0.0", -1, 1},
        {"1.10.0", "1.9.0", 1, 1},
        {"1.0.0-alpha", "1.0.0", -1, 1},
        {"1.0.0-alpha", "1.0.0-alpha.1", -1, 1},
        {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1, 1},
        {"1.0.0-alpha.beta", "1.0.0-beta", -1, 1},
        {"1.0.0-beta", "1.0.0-beta.2", -1, 1},
        {"1.0.0-beta.2", "1.0.0-beta.11", -1, 1},
        {"1.0.0-beta.11", "1.0.0-rc.1", -1, 1},
        {"1.0.0-rc.1", "1.0.0", -1, 1},
        {"1.0.0+build.1", "1.0.0+build.2", 0, 1},
        {"1.0.0-a-b", "1.0.0-a", 1, 1},
        {"2.0.0", "1", 0, 0},
        {"1", "1.0.0", 0, 0},
        {"01", "1", 0, 0},
        {"1.0", "1.0.1", 0, 0},
        {"1.0.0-01", "1.0.0", 0, 0},
        {"1.0.0-", "1.0.0", 0, 0},
        {"1.0.0-a..b", "1.0.0", 0, 0},
        {"1.0.0+", "1.0.0", 0, 0},
        {"", "1", 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        bool ok = !t[i].ok;
        int c = pk_csaf_version_cmp(t[i].a, t[i].b, &ok);
        int sign = c < 0 ? -1 : c > 0;
        if ((int)ok != t[i].ok || sign != t[i].cmp)
            fail_msg("%s vs %s: %d ok %d, expected %d ok %d", t[i].a, t[i].b, sign, ok, t[i].cmp,
                     t[i].ok);
        if (t[i].ok) {
            c = pk_csaf_version_cmp(t[i].b, t[i].a, &ok);
            assert_int_equal(c < 0 ? -1 : c > 0, -t[i].cmp);
        }
    }
}

static void meta(void **st)
{
    (void)st;
    char p[1500], err[256];
    snprintf(p, sizeof p, "%s/%s", csafdir, BSI);
    size_t n;
    uint8_t *b = fx_read(p, &n);
    assert_non_null(b);
    pk_csaf_meta m;
    assert_int_equal(pk_csaf_meta_read(b, n, &m, err, sizeof err), PK_OK);
    assert_string_equal(m.tracking_id, "BSI-2022-0001");
    assert_string_equal(m.file_name, "bsi-2022-0001.json");
    assert_string_equal(m.version, "1");
    assert_string_equal(m.status, "final");
    assert_string_equal(m.tlp, "WHITE");
    assert_string_equal(m.category, "csaf_security_advisory");
    assert_string_equal(m.publisher, "Bundesamt f\xc3\xbcr Sicherheit in der Informationstechnik");
    assert_string_equal(m.namespace_, "https://www.bsi.bund.de");
    assert_int_equal(m.nrevisions, 1);
    assert_string_equal(m.revisions[0], "1");
    assert_int_equal(m.ncves, 1);
    assert_string_equal(m.cves[0], "CVE-2022-27193");
    pk_csaf_meta_free(&m);
    pk_csaf_meta_free(&m); /* zeroed: harmless */
    free(b);
    assert_int_equal(pk_csaf_meta_read((const uint8_t *)"[]", 2, &m, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "byte 0: the top level is an array, not an object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(examples_pass),  cmocka_unit_test(testcases),
        cmocka_unit_test(hostile),        cmocka_unit_test(wrong_types),
        cmocka_unit_test(issue_cap),      cmocka_unit_test(keywords),
        cmocka_unit_test(cvss),           cmocka_unit_test(schema_load),
        cmocka_unit_test(schema_dir),     cmocka_unit_test(check_public),
        cmocka_unit_test(threads),        cmocka_unit_test(formats),
        cmocka_unit_test(patterns),       cmocka_unit_test(file_names),
        cmocka_unit_test(versions),       cmocka_unit_test(meta),
        cmocka_unit_test(alloc_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
