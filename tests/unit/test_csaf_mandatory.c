/* CSAF 2.0 §6.1 mandatory tests (lib/csaf/mandatory*.c) against the OASIS
 * TC's conformance corpus: for every mandatory test id in testcases.json each
 * `failures` file gets at least one issue of that test and each `valid` file
 * none. Then the OASIS and Red Hat example documents give exactly the issues
 * docs/csaf-checks.md records, the implemented list matches the docs, and
 * hostile shapes (wrong types, long relationship chains, group fan-out) end
 * quickly with the expected issues. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/csaf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "csaf/csaf_int.h"

/* Files the checker is known not to reject, with the reason (docs say so). */
static const struct {
    const char *test, *file, *why;
} known_misses[] = {
    {"6.1.11", "mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-11-01.json",
     "CWE name does not match the id: no CWE catalogue in the shared data"},
};

static pk_csaf_result *check_file(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    char why[256] = "";
    if (pki_read_file(path, PK_CSAF_MAX_BYTES, 0, &buf, &len, why, sizeof why) != PK_OK)
        fail_msg("%s: %s", path, why);
    char schemas[1024], err[512] = "";
    snprintf(schemas, sizeof schemas, "%s/schemas", getenv("PK_SHARED"));
    pk_csaf_result *r = NULL;
    pk_status st = pk_csaf_check((const uint8_t *)buf, len, schemas, &r, err, sizeof err);
    pki_free(buf);
    if (st != PK_OK)
        fail_msg("%s: status %d: %s", path, (int)st, err);
    return r;
}

static size_t count_test(const pk_csaf_result *r, const char *test)
{
    size_t n = 0;
    for (size_t i = 0; i < pk_csaf_result_count(r); i++)
        n += strcmp(pk_csaf_result_at(r, i)->test, test) == 0;
    return n;
}

static void print_issues(const char *file, const pk_csaf_result *r)
{
    fprintf(stderr, "  %s:\n", file);
    for (size_t i = 0; i < pk_csaf_result_count(r); i++) {
        const pk_csaf_issue *is = pk_csaf_result_at(r, i);
        fprintf(stderr, "    %s  %s  %s\n", is->test, is->path, is->message);
    }
}

static int known_miss(const char *test, const char *file)
{
    for (size_t i = 0; i < sizeof known_misses / sizeof known_misses[0]; i++)
        if (!strcmp(known_misses[i].test, test) && !strcmp(known_misses[i].file, file))
            return 1;
    return 0;
}

static void test_oasis_testcases(void **st)
{
    (void)st;
    const char *shared = getenv("PK_SHARED");
    if (!shared)
        skip();
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/standards-examples/csaf/oasis-validator-testcases", shared);
    snprintf(path, sizeof path, "%s/testcases.json", dir);
    json_error_t je;
    json_t *tc = json_load_file(path, 0, &je);
    if (!tc)
        fail_msg("%s: %s", path, je.text);
    size_t ntests = 0;
    const char *const *impl = pk_csaf_mandatory_tests(&ntests);
    size_t bad = 0, files = 0, ids = 0, pass_fail = 0, pass_valid = 0, missed = 0;
    json_t *t;
    size_t i;
    json_array_foreach(json_object_get(tc, "tests"), i, t)
    {
        const char *id = json_string_value(json_object_get(t, "id"));
        const char *group = json_string_value(json_object_get(t, "group"));
        if (!id || !group || strcmp(group, "mandatory"))
            continue;
        ids++;
        int listed = 0;
        for (size_t k = 0; k < ntests; k++)
            listed |= !strcmp(impl[k], id);
        if (!listed) {
            fprintf(stderr, "test %s is in testcases.json but not implemented\n", id);
            bad++;
        }
        for (int want_fail = 1; want_fail >= 0; want_fail--) {
            json_t *list = json_object_get(t, want_fail ? "failures" : "valid"), *f;
            size_t k;
            json_array_foreach(list, k, f)
            {
                const char *name = json_string_value(json_object_get(f, "name"));
                assert_non_null(name);
                snprintf(path, sizeof path, "%s/%s", dir, name);
                pk_csaf_result *r = check_file(path);
                size_t n = count_test(r, id);
                files++;
                int ok = want_fail ? n > 0 : n == 0;
                if (want_fail && known_miss(id, name)) {
                    if (ok) {
                        fprintf(stderr, "%s %s: a known miss is now caught: update the docs\n", id,
                                name);
                        bad++;
                    }
                    missed++;
                } else if (!ok) {
                    fprintf(stderr, "%s %s: %s expected, got %zu issues of it\n", id, name,
                            want_fail ? "an issue" : "no issue", n);
                    print_issues(name, r);
                    bad++;
                } else {
                    pass_fail += want_fail;
                    pass_valid += !want_fail;
                }
                pk_csaf_result_free(r);
            }
        }
    }
    json_decref(tc);
    fprintf(stderr,
            "testcases.json: %zu mandatory test ids, %zu files: %zu failures rejected, %zu valid "
            "accepted, %zu known misses, %zu mismatches\n",
            ids, files, pass_fail, pass_valid, missed, bad);
    assert_int_equal(ids, 43);
    assert_int_equal(bad, 0);
}

/* Example documents: the distinct mandatory test ids each one fails, exactly
 * (docs/csaf-checks.md "Real documents" explains each). */
static const struct {
    const char *file;
    const char *tests; /* space-separated, sorted as issued; "" for none */
} examples[] = {
    {"oasis-examples/csaf/bsi-2022-0001.json", ""},
    {"oasis-examples/csaf/cisco-sa-20180328-smi2.json", ""},
    {"oasis-examples/csaf/rhsa-2019_1862.json", ""},
    {"oasis-examples/csaf/rhsa-2021_5186.json", ""},
    {"oasis-examples/csaf/rhsa-2021_5217.json", ""},
    {"oasis-examples/csaf/rhsa-2022_0011.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-01-a-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-01-f-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-01-ui-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-02-na-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-03-ms-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-04-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-05-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-06-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-07-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-08-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/2022-evd-uc-09-001.json", ""},
    {"oasis-examples/csaf/csaf_vex/sec-vex-2022-0001.json", ""},
    {"redhat/rhsa-2003_315.json", "6.1.14 6.1.21"},
    {"redhat/rhsa-2015_0008.json", ""},
    {"redhat/rhsa-2024_4420.json", ""},
    {"redhat/rhsa-2024_4546.json", ""},
    {"redhat/rhsa-2024_6220.json", ""},
};

static void distinct_tests(const pk_csaf_result *r, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < pk_csaf_result_count(r); i++) {
        const char *t = pk_csaf_result_at(r, i)->test;
        if (!strcmp(t, "schema") || !strcmp(t, "limit"))
            continue;
        char key[32];
        snprintf(key, sizeof key, " %s ", t);
        char padded[1100];
        snprintf(padded, sizeof padded, " %s ", out);
        if (strstr(padded, key))
            continue;
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", l ? " " : "", t);
    }
}

static void test_examples(void **st)
{
    (void)st;
    const char *shared = getenv("PK_SHARED");
    if (!shared)
        skip();
    size_t bad = 0;
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        char path[1200], got[1024];
        snprintf(path, sizeof path, "%s/standards-examples/csaf/%s", shared, examples[i].file);
        pk_csaf_result *r = check_file(path);
        distinct_tests(r, got, sizeof got);
        if (strcmp(got, examples[i].tests)) {
            fprintf(stderr, "%s: expected mandatory issues \"%s\", got \"%s\"\n", examples[i].file,
                    examples[i].tests, got);
            print_issues(examples[i].file, r);
            bad++;
        }
        pk_csaf_result_free(r);
    }
    assert_int_equal(bad, 0);
}

/* Every implemented test has a row in docs/csaf-checks.md saying "yes". */
static void test_docs_list(void **st)
{
    (void)st;
    const char *src = getenv("PK_SRC");
    if (!src)
        skip();
    char path[1024], why[256] = "";
    snprintf(path, sizeof path, "%s/docs/csaf-checks.md", src);
    char *doc = NULL;
    size_t len = 0;
    if (pki_read_file(path, 1u << 20, 0, &doc, &len, why, sizeof why) != PK_OK)
        fail_msg("%s: %s", path, why);
    size_t n = 0;
    const char *const *t = pk_csaf_mandatory_tests(&n);
    assert_int_equal(n, 43);
    for (size_t i = 0; i < n; i++) {
        char row[64];
        snprintf(row, sizeof row, "\n| %s | yes", t[i]);
        if (!strstr(doc, row))
            fail_msg("docs/csaf-checks.md has no row \"| %s | yes\"", t[i]);
    }
    pki_free(doc);
}

/* Runs the mandatory tests alone (no schema) on a JSON text. */
static pki_csaf_issues run(const char *json)
{
    json_error_t e;
    json_t *j = json_loads(json, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    pki_csaf_issues r = {0};
    pki_csaf_mandatory(j, NULL, &r);
    json_decref(j);
    assert_int_equal(r.nomem, 0);
    return r;
}

static size_t issues_of(const pki_csaf_issues *r, const char *test)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += !strcmp(r->items[i].test, test);
    return n;
}

static void test_wrong_types(void **st)
{
    (void)st;
    static const char *const docs[] = {
        "{}",
        "{\"document\": [], \"product_tree\": 1, \"vulnerabilities\": {}}",
        "{\"document\": {\"tracking\": {\"revision_history\": [1, null, {\"number\": 2}], "
        "\"version\": 3}, \"lang\": 4, \"category\": []}, \"product_tree\": {\"branches\": [1, "
        "{\"branches\": {}}, {\"branches\": [[]]}], \"relationships\": [1, {}], "
        "\"product_groups\": [{\"group_id\": 1}]}, \"vulnerabilities\": [1, {\"scores\": [{}, "
        "{\"cvss_v3\": 1}, {\"cvss_v3\": {\"vectorString\": 2}}], \"flags\": [1], "
        "\"product_status\": []}]}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        pki_csaf_issues r = run(docs[i]);
        assert_int_equal(r.count, 0);
        pki_csaf_issues_clear(&r);
    }
}

/* Appends to a growing string; aborts the test on overflow. */
typedef struct sb {
    char *p;
    size_t n, cap;
} sb;

static void sbf(sb *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap * 2 + (size_t)k + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
}

/* A chain of 100,000 relationships closed into a loop: one 6.1.3 issue, and
 * the walk keeps its own stack (no recursion 100,000 deep). */
static void test_long_loop(void **st)
{
    (void)st;
    sb b = {0};
    sbf(&b, "{\"product_tree\": {\"full_product_names\": [{\"name\": \"a\", \"product_id\": "
            "\"P\"}], \"relationships\": [");
    const size_t n = 100000;
    for (size_t i = 0; i < n; i++)
        sbf(&b,
            "%s{\"category\": \"installed_on\", \"product_reference\": \"R%zu\", "
            "\"relates_to_product_reference\": \"P\", \"full_product_name\": {\"name\": \"x\", "
            "\"product_id\": \"R%zu\"}}",
            i ? "," : "", (i + 1) % n, i);
    sbf(&b, "]}}");
    pki_csaf_issues r = run(b.p);
    free(b.p);
    assert_int_equal(issues_of(&r, "6.1.3"), 1);
    assert_int_equal(r.count, 1);
    pki_csaf_issues_clear(&r);
}

/* 4,000 impact threats each naming one group of 20,000 products: the group
 * fan-out is refused once (budget), quickly, instead of 80 million lookups. */
static void test_group_budget(void **st)
{
    (void)st;
    sb b = {0};
    sbf(&b, "{\"document\": {\"category\": \"csaf_vex\"}, \"product_tree\": "
            "{\"full_product_names\": [");
    const size_t np = 20000, nt = 4000;
    for (size_t i = 0; i < np; i++)
        sbf(&b, "%s{\"name\": \"p\", \"product_id\": \"P%zu\"}", i ? "," : "", i);
    sbf(&b, "], \"product_groups\": [{\"group_id\": \"G\", \"product_ids\": [");
    for (size_t i = 0; i < np; i++)
        sbf(&b, "%s\"P%zu\"", i ? "," : "", i);
    sbf(&b, "]}]}, \"vulnerabilities\": [{\"cve\": \"CVE-2024-0001\", \"notes\": [], "
            "\"product_status\": {\"known_not_affected\": [\"P1\"]}, \"threats\": [");
    for (size_t i = 0; i < nt; i++)
        sbf(&b, "%s{\"category\": \"impact\", \"details\": \"d\", \"group_ids\": [\"G\"]}",
            i ? "," : "");
    sbf(&b, "]}]}");
    pki_csaf_issues r = run(b.p);
    free(b.p);
    assert_int_equal(r.count, 1);
    assert_non_null(strstr(r.items[0].message, "too costly"));
    assert_string_equal(r.items[0].test, "6.1.27.9");
    pki_csaf_issues_clear(&r);
}

static void lang_case(const char *tag, int ok)
{
    char json[512];
    snprintf(json, sizeof json, "{\"document\": {\"lang\": \"%s\"}}", tag);
    pki_csaf_issues r = run(json);
    if ((issues_of(&r, "6.1.12") == 0) != ok)
        fail_msg("language tag %s: expected %s", tag, ok ? "valid" : "invalid");
    pki_csaf_issues_clear(&r);
}

static void test_languages(void **st)
{
    (void)st;
    static const char *const good[] = {"en",         "de-DE",        "zh-Hant-TW", "sl-rozaj-biske",
                                       "x-private",  "i-klingon",    "es-419",     "en-US-x-twain",
                                       "de-CH-1901", "en-a-bbb-x-a", "qaa",        "zh-yue-HK"};
    static const char *const bad[] = {"EZ",   "en--US",    "en-US-US", "x",     "abcdefghi",
                                      "en-a", "de-419-DE", "1en",      "en_US", "de-CH-1901-1901"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        lang_case(good[i], 1);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        lang_case(bad[i], 0);
}

static void rev_case(const char *status, const char *version, const char *hist, const char *test,
                     size_t want)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"document\": {\"tracking\": {\"status\": \"%s\", \"version\": \"%s\", "
             "\"revision_history\": [%s]}}}",
             status, version, hist);
    pki_csaf_issues r = run(json);
    if (issues_of(&r, test) != want) {
        for (size_t i = 0; i < r.count; i++)
            fprintf(stderr, "  %s %s %s\n", r.items[i].test, r.items[i].path, r.items[i].message);
        fail_msg("%s %s [%s]: expected %zu issues of %s", status, version, hist, want, test);
    }
    pki_csaf_issues_clear(&r);
}

#define REV(n, d) "{\"number\": \"" n "\", \"date\": \"" d "\", \"summary\": \"s\"}"

static void test_revisions(void **st)
{
    (void)st;
    /* semver precedence: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0 */
    rev_case(
        "draft", "1.0.0",
        REV("1.0.0-alpha", "2024-01-01T00:00:00Z") "," REV(
            "1.0.0-alpha.1",
            "2024-01-02T00:00:00Z") "," REV("1.0.0-beta",
                                            "2024-01-03T00:00:00Z") "," REV("1.0.0",
                                                                            "2024-01-04T00:00:00Z"),
        "6.1.14", 0);
    /* offsets: 10:00+02:00 is before 09:00Z */
    rev_case("final", "2",
             REV("1", "2024-01-01T10:00:00+02:00") "," REV("2", "2024-01-01T09:00:00Z"), "6.1.14",
             0);
    rev_case("final", "2",
             REV("2", "2024-01-01T10:00:00+02:00") "," REV("1", "2024-01-01T09:00:00Z"), "6.1.14",
             1);
    rev_case("final", "1.0.0-rc.1", REV("1.0.0", "2024-01-01T00:00:00Z"), "6.1.20", 1);
    rev_case("final", "1.0.0-rc.1", REV("1.0.0", "2024-01-01T00:00:00Z"), "6.1.17", 1);
    rev_case("draft", "1.0.0-rc.1", REV("1.0.0", "2024-01-01T00:00:00Z"), "6.1.16", 0);
    rev_case("final", "2",
             REV("1", "2024-01-01T00:00:00Z") "," REV("1.1.0", "2024-01-02T00:00:00Z"), "6.1.30",
             1);
    rev_case("final", "3",
             REV("1", "2024-01-01T00:00:00Z") "," REV("2", "2024-01-02T00:00:00Z") "," REV(
                 "2", "2024-01-03T00:00:00Z") "," REV("3", "2024-01-04T00:00:00Z"),
             "6.1.22", 1);
    /* a duplicate not next to its twin in precedence order */
    rev_case("final", "1.0.0",
             REV("1.0.0+a", "2024-01-01T00:00:00Z") "," REV(
                 "1.0.0+b", "2024-01-02T00:00:00Z") "," REV("1.0.0+a", "2024-01-03T00:00:00Z"),
             "6.1.22", 1);
    /* an unusable document version: the revisions still use one scheme */
    rev_case("final", "v1",
             REV("1", "2024-01-01T00:00:00Z") "," REV("2.0.0", "2024-01-02T00:00:00Z"), "6.1.30",
             1);
    rev_case("final", "18446744073709551617",
             REV("18446744073709551616", "2024-01-01T00:00:00Z") "," REV("18446744073709551617",
                                                                         "2024-01-02T00:00:00Z"),
             "6.1.14", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oasis_testcases), cmocka_unit_test(test_examples),
        cmocka_unit_test(test_docs_list),       cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_long_loop),       cmocka_unit_test(test_group_budget),
        cmocka_unit_test(test_languages),       cmocka_unit_test(test_revisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
