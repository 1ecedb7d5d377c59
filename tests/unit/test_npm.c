/* The npm analyzer: installed modules (scoped, nested), the project's
 * package.json, package-lock v3 (nested lookup of exact versions) and v1, and
 * hostile JSON (malformed, deep, huge, wrong types, 10^6 entries). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walk/harness_int.h"
#include "comp_test.h"

extern const pk_analyzer pki_analyzer_npm;

static pki_frec g_rec;
/* this test's analyzer and record, for the helpers of comp_test.h */
#define run(text, n, vpath)     ct_rerun(&pki_analyzer_npm, &g_rec, text, n, vpath)
#define runs(text, vpath)       ct_rerun(&pki_analyzer_npm, &g_rec, text, strlen(text), vpath)
#define find(ns, name, version) ct_find(&g_rec, ns, name, version)

static void installed_modules(void **st)
{
    (void)st;
    assert_int_equal(runs("{\"name\":\"@babel/core\",\"version\":\"7.24.0\","
                          "\"license\":{\"type\":\"MIT\"},\"author\":{\"name\":\"Seb\"},"
                          "\"homepage\":\"https://babel.dev\",\"description\":\"compiler\","
                          "\"dependencies\":{\"debug\":\"^4\",\"@babel/types\":\"^7\"},"
                          "\"optionalDependencies\":{\"fsevents\":\"*\"},"
                          "\"devDependencies\":{\"jest\":\"*\"}}",
                          "r.tar!/srv/app/node_modules/@babel/core/package.json"),
                     1);
    const json_t *c = find("@babel", "core", "7.24.0");
    assert_string_equal(ct_s(c, "type"), "npm");
    assert_string_equal(ct_s(c, "rule"), "npm-package-json");
    assert_string_equal(ct_s(c, "kind"), "library");
    assert_string_equal(ct_s(c, "scope"), "r.tar!/srv/app/");
    assert_string_equal(ct_attr(c, "license"), "MIT");
    assert_string_equal(ct_attr(c, "author"), "Seb");
    assert_string_equal(ct_attr(c, "homepage"), "https://babel.dev");
    assert_string_equal(ct_attr(c, "description"), "compiler");
    assert_true(ct_has_dep(c, "debug", NULL));
    assert_true(ct_has_dep(c, "@babel/types", NULL));
    assert_true(ct_has_dep(c, "fsevents", NULL));
    assert_false(ct_has_dep(c, "jest", NULL));
    assert_int_equal(json_array_size(json_object_get(c, "deps")), 3);
    assert_true(ct_has_str(c, "owns", "r.tar!/srv/app/node_modules/@babel/core/"));

    /* nested: the scope is the outermost node_modules' parent */
    assert_int_equal(runs("{\"name\":\"ms\",\"version\":\"2.0.0\",\"licenses\":[{\"type\":\"MIT\"},"
                          "{\"type\":\"Apache-2.0\"}],\"author\":\"TJ <tj@x>\"}",
                          "app/node_modules/debug/node_modules/ms/package.json"),
                     1);
    c = find(NULL, "ms", "2.0.0");
    assert_string_equal(ct_s(c, "scope"), "app/");
    assert_string_equal(ct_attr(c, "license"), "MIT OR Apache-2.0");
    assert_string_equal(ct_attr(c, "author"), "TJ <tj@x>");
    assert_true(ct_has_str(c, "owns", "app/node_modules/debug/node_modules/ms/"));

    /* top level node_modules: scope "" (the record then has none) */
    assert_int_equal(runs("{\"name\":\"a\",\"version\":\"1.0.0\"}", "node_modules/a/package.json"),
                     1);
    c = find(NULL, "a", "1.0.0");
    assert_true(ct_has_str(c, "owns", "node_modules/a/"));

    /* a package.json deeper inside a module is not a package */
    assert_int_equal(
        runs("{\"name\":\"x\",\"type\":\"module\"}", "app/node_modules/a/esm/package.json"), 0);
    /* no name: nothing */
    assert_int_equal(runs("{\"version\":\"1\"}", "app/node_modules/a/package.json"), 0);
}

static void project(void **st)
{
    (void)st;
    assert_int_equal(runs("{\"name\":\"my-app\",\"version\":\"0.1.0\",\"license\":\"ISC\","
                          "\"dependencies\":{\"express\":\"^4\"},"
                          "\"devDependencies\":{\"mocha\":\"*\"}}",
                          "img.tar!/srv/app/package.json"),
                     1);
    const json_t *c = find(NULL, "my-app", "0.1.0");
    assert_string_equal(ct_s(c, "rule"), "npm-project");
    assert_string_equal(ct_s(c, "kind"), "application");
    assert_string_equal(ct_s(c, "scope"), "img.tar!/srv/app/");
    assert_true(ct_has_dep(c, "express", NULL));
    assert_false(ct_has_dep(c, "mocha", NULL));
    assert_null(json_object_get(c, "owns"));
}

static const char LOCK_V3[] =
    "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"packages\":{"
    "\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"a\":\"^1\",\"c\":\"^2\"},"
    "\"devDependencies\":{\"t\":\"*\"}},"
    "\"node_modules/a\":{\"version\":\"1.2.0\",\"resolved\":\"https://r/a-1.2.0.tgz\","
    "\"integrity\":\"sha512-H0D8ktokFpR1CXnubPWC8tXX0o4YM13gWrxU0FYOD1MChgxlK/"
    "CNVgJSql50IQVG82n7u86MEs/HlXsmUv6adQ==\",\"license\":\"MIT\","
    "\"dependencies\":{\"b\":\"^1\",\"c\":\"^1\"}},"
    "\"node_modules/a/node_modules/b\":{\"version\":\"1.0.1\",\"dependencies\":{\"c\":\"*\"}},"
    "\"node_modules/a/node_modules/c\":{\"version\":\"1.9.0\"},"
    "\"node_modules/c\":{\"version\":\"2.0.0\",\"integrity\":\"sha1-hvfkN/qlp/"
    "zhXR3cuerq6jd2Z7g=\"},"
    "\"node_modules/@s/d\":{\"version\":\"3.0.0\",\"optionalDependencies\":{\"zz\":\"*\"}},"
    "\"node_modules/t\":{\"version\":\"9.0.0\",\"dev\":true},"
    "\"node_modules/w\":{\"resolved\":\"packages/w\",\"link\":true},"
    "\"node_modules/alias\":{\"name\":\"real\",\"version\":\"4.0.0\"}"
    "}}";

static void lock_v3(void **st)
{
    (void)st;
    assert_int_equal(runs(LOCK_V3, "x.tar!/proj/package-lock.json"), 8);
    const json_t *r = find(NULL, "app", "1.0.0");
    assert_string_equal(ct_s(r, "kind"), "application");
    assert_string_equal(ct_s(r, "rule"), "npm-lock");
    assert_string_equal(ct_s(r, "scope"), "x.tar!/proj/");
    assert_true(ct_has_dep(r, "a", "1.2.0"));
    assert_true(ct_has_dep(r, "c", "2.0.0"));
    assert_true(ct_has_dep(r, "t", "9.0.0"));
    const json_t *a = find(NULL, "a", "1.2.0");
    assert_string_equal(ct_attr(a, "sha512"),
                        "1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f53"
                        "02860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75");
    assert_string_equal(ct_attr(a, "download"), "https://r/a-1.2.0.tgz");
    assert_string_equal(ct_attr(a, "license"), "MIT");
    assert_true(ct_has_dep(a, "b", "1.0.1"));
    assert_true(ct_has_dep(a, "c", "1.9.0")); /* its own nested copy, not the root's */
    const json_t *b = find(NULL, "b", "1.0.1");
    assert_true(ct_has_dep(b, "c", "1.9.0")); /* one level up */
    const json_t *c2 = find(NULL, "c", "2.0.0");
    assert_string_equal(ct_attr(c2, "sha1"), "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");
    const json_t *d = find("@s", "d", "3.0.0");
    assert_true(ct_has_dep(d, "zz", NULL)); /* not installed */
    assert_string_equal(ct_attr(find(NULL, "t", "9.0.0"), "npm_dev"), "true");
    assert_null(ct_attr(a, "npm_dev"));
    find(NULL, "real", "4.0.0");

    /* the hidden lock in node_modules/ is relative to the project */
    assert_int_equal(runs(LOCK_V3, "proj/node_modules/.package-lock.json"), 8);
    assert_string_equal(ct_s(find(NULL, "a", "1.2.0"), "scope"), "proj/");
}

static void lock_v1(void **st)
{
    (void)st;
    const char *v1 =
        "{\"name\":\"old\",\"version\":\"2.0.0\",\"lockfileVersion\":1,\"requires\":true,"
        "\"dependencies\":{"
        "\"a\":{\"version\":\"1.0.0\",\"integrity\":\"sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=\","
        "\"requires\":{\"b\":\"^2\",\"c\":\"^1\"},"
        "\"dependencies\":{\"b\":{\"version\":\"2.5.0\",\"requires\":{\"c\":\"*\"}}}},"
        "\"b\":{\"version\":\"1.0.0\",\"dev\":true},"
        "\"c\":{\"version\":\"1.1.0\",\"resolved\":\"https://r/c.tgz\"}}}";
    assert_int_equal(runs(v1, "package-lock.json"), 5);
    const json_t *r = find(NULL, "old", "2.0.0");
    assert_string_equal(ct_s(r, "kind"), "application");
    assert_true(ct_has_dep(r, "a", "1.0.0"));
    const json_t *a = find(NULL, "a", "1.0.0");
    assert_true(ct_has_dep(a, "b", "2.5.0"));
    assert_true(ct_has_dep(a, "c", "1.1.0"));
    assert_string_equal(ct_attr(a, "sha1"), "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");
    assert_true(ct_has_dep(find(NULL, "b", "2.5.0"), "c", "1.1.0"));
    assert_string_equal(ct_attr(find(NULL, "b", "1.0.0"), "npm_dev"), "true");
    assert_string_equal(ct_attr(find(NULL, "c", "1.1.0"), "download"), "https://r/c.tgz");
}

static void hostile(void **st)
{
    (void)st;
    const char *bad[] = {
        "",
        "{",
        "[1,2,3]",
        "\"str\"",
        "{\"name\":5,\"version\":[],\"license\":7}",
        "{\"name\":\"\"}",
        "{\"name\":\"x\",\"version\":{},\"license\":[],\"licenses\":\"MIT\",\"author\":5,"
        "\"dependencies\":[1],\"optionalDependencies\":\"a\"}",
        "{\"packages\":[],\"dependencies\":5}",
        "{\"packages\":{\"\":5,\"node_modules/\":{},\"node_modules/x\":{\"dependencies\":{\"\":1},"
        "\"integrity\":\"sha512-!!\"},\"a\":{\"name\":7}}}",
        "{\"dependencies\":{\"\":{},\"a\":5,\"b\":{\"requires\":[],\"dependencies\":\"x\"}}}",
        "{\"name\":\"@\",\"version\":\"1\"}",
        "{\"name\":\"@/\",\"version\":\"1\"}",
        "{\"packages\":{\"node_modules/x\":{\"integrity\":\"sha512-AAAA sha1-\"}}}",
    };
    const char *paths[] = {"node_modules/x/package.json", "package-lock.json", "package.json"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (size_t p = 0; p < 3; p++)
            run(bad[i], strlen(bad[i]), paths[p]);
    /* not valid UTF-8 nor NUL-terminated */
    char raw[4] = {'{', '"', (char)0xff, '"'};
    run(raw, sizeof raw, "package.json");

    /* deep nesting: jansson refuses past its depth limit */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 64);
    assert_non_null(deep);
    size_t o = 0;
    o += (size_t)snprintf(deep, 64, "{\"dependencies\":");
    for (size_t i = 0; i < depth; i++)
        deep[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    assert_int_equal(run(deep, o, "package-lock.json"), 0);
    free(deep);

    /* v1 lock nested 500 levels (parses: under jansson's limit): capped, bounded */
    char *nest = malloc(200000);
    assert_non_null(nest);
    o = (size_t)snprintf(nest, 200000, "{");
    for (int i = 0; i < 500; i++)
        o += (size_t)snprintf(nest + o, 200000 - o,
                              "\"dependencies\":{\"p\":{\"version\":\"1\",\"requires\":{\"p\":1},");
    o += (size_t)snprintf(nest + o, 200000 - o, "\"x\":1");
    for (int i = 0; i < 500; i++)
        o += (size_t)snprintf(nest + o, 200000 - o, "}}");
    nest[o++] = '}';
    size_t n = run(nest, o, "package-lock.json");
    assert_int_equal(n, 64); /* PKI_NPM_MAX_DEPTH levels */
    free(nest);

    /* a 16 MiB name */
    size_t big = 16u << 20;
    char *huge = malloc(big + 64);
    assert_non_null(huge);
    o = (size_t)snprintf(huge, 64, "{\"name\":\"");
    memset(huge + o, 'a', big);
    o += big;
    o += (size_t)snprintf(huge + o, 64, "\",\"version\":\"1\"}");
    assert_int_equal(run(huge, o, "package.json"), 1);
    /* as a lock key: skipped (too long), no crash */
    o = (size_t)snprintf(huge, 64, "{\"packages\":{\"node_modules/");
    memset(huge + o, 'b', big);
    o += big;
    o += (size_t)snprintf(huge + o, 64, "\":{\"version\":\"1\"}}}");
    assert_int_equal(run(huge, o, "package-lock.json"), 0);
    free(huge);
}

/* 10^6 lock entries: the component cap holds, in bounded time */
static void million(void **st)
{
    (void)st;
    size_t n = 1000000, cap = n * 48 + 64;
    char *j = malloc(cap);
    assert_non_null(j);
    size_t o = (size_t)snprintf(j, cap, "{\"packages\":{");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(j + o, cap - o, "%s\"node_modules/p%zu\":{\"version\":\"1\"}",
                              i ? "," : "", i);
    o += (size_t)snprintf(j + o, cap - o, "}}");
    size_t got = run(j, o, "package-lock.json");
    assert_true(got > 0 && got <= 100000);
    assert_true(g_rec.dropped_components > 0);
    free(j);
}

int main(void)
{
    pki_frec_init(&g_rec);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(installed_modules), cmocka_unit_test(project), cmocka_unit_test(lock_v3),
        cmocka_unit_test(lock_v1),           cmocka_unit_test(hostile), cmocka_unit_test(million),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    pki_frec_fini(&g_rec);
    return r;
}
