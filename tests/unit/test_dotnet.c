/* The dotnet analyzer: a deps.json with packages, projects, a reference and a
 * runtime pack (identities, sha512 as hex, exact dependency versions, the
 * application), and hostile JSON. */
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

extern const pk_analyzer pki_analyzer_dotnet;

static pki_frec g_rec;
/* this test's analyzer and record, for the helpers of comp_test.h */
#define run(text, n, vpath)     ct_rerun(&pki_analyzer_dotnet, &g_rec, text, n, vpath)
#define runs(text, vpath)       ct_rerun(&pki_analyzer_dotnet, &g_rec, text, strlen(text), vpath)
#define find(ns, name, version) ct_find(&g_rec, ns, name, version)

static const char DEPS[] =
    "{\"runtimeTarget\":{\"name\":\".NETCoreApp,Version=v8.0/linux-x64\",\"signature\":\"\"},"
    "\"targets\":{"
    "\".NETCoreApp,Version=v8.0\":{"
    "\"MyApp/1.0.0\":{\"dependencies\":{\"Wrong\":\"0.0.1\"}}},"
    "\".NETCoreApp,Version=v8.0/linux-x64\":{"
    "\"MyApp/1.0.0\":{\"dependencies\":{\"Newtonsoft.Json\":\"13.0.3\",\"MyLib\":\"1.0.0\","
    "\"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64\":\"8.0.1\"},"
    "\"runtime\":{\"MyApp.dll\":{}}},"
    "\"MyLib/1.0.0\":{\"dependencies\":{\"Serilog\":\"3.1.1\"}},"
    "\"Newtonsoft.Json/13.0.3\":{\"runtime\":{\"lib/net6.0/Newtonsoft.Json.dll\":{}}},"
    "\"Serilog/3.1.1\":{}}},"
    "\"libraries\":{"
    "\"MyApp/1.0.0\":{\"type\":\"project\",\"serviceable\":false,\"sha512\":\"\"},"
    "\"MyLib/1.0.0\":{\"type\":\"project\",\"serviceable\":false,\"sha512\":\"\"},"
    "\"Newtonsoft.Json/13.0.3\":{\"type\":\"package\",\"serviceable\":true,"
    "\"sha512\":\"sha512-H0D8ktokFpR1CXnubPWC8tXX0o4YM13gWrxU0FYOD1MChgxlK/"
    "CNVgJSql50IQVG82n7u86MEs/HlXsmUv6adQ==\","
    "\"path\":\"newtonsoft.json/13.0.3\",\"hashPath\":\"newtonsoft.json.13.0.3.nupkg.sha512\"},"
    "\"Serilog/3.1.1\":{\"type\":\"package\",\"sha512\":\"sha512-short\"},"
    "\"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1\":{\"type\":\"runtimepack\","
    "\"serviceable\":false,\"sha512\":\"\"},"
    "\"System.Legacy/4.0.0.0\":{\"type\":\"reference\",\"serviceable\":false,\"sha512\":\"\"}"
    "}}";

static void deps_json(void **st)
{
    (void)st;
    assert_int_equal(runs(DEPS, "img.tar!/app/MyApp.deps.json"), 6);
    const json_t *app = find(NULL, "MyApp", "1.0.0");
    assert_string_equal(ct_s(app, "type"), "generic");
    assert_string_equal(ct_s(app, "kind"), "application");
    assert_string_equal(ct_s(app, "rule"), "dotnet-deps");
    assert_string_equal(ct_s(app, "scope"), "img.tar!/app/MyApp.deps.json");
    assert_int_equal(json_array_size(json_object_get(app, "deps")), 3);
    assert_true(ct_has_dep(app, "Newtonsoft.Json", "13.0.3"));
    assert_true(ct_has_dep(app, "MyLib", "1.0.0"));
    assert_true(ct_has_dep(app, "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64", "8.0.1"));
    const json_t *lib = find(NULL, "MyLib", "1.0.0");
    assert_string_equal(ct_s(lib, "type"), "generic");
    assert_string_equal(ct_s(lib, "kind"), "library");
    assert_true(ct_has_dep(lib, "Serilog", "3.1.1"));
    const json_t *nj = find(NULL, "Newtonsoft.Json", "13.0.3");
    assert_string_equal(ct_s(nj, "type"), "nuget");
    assert_string_equal(ct_attr(nj, "sha512"),
                        "1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f53"
                        "02860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75");
    assert_string_equal(ct_attr(nj, "nuget_path"), "newtonsoft.json/13.0.3");
    assert_null(json_object_get(nj, "deps"));
    assert_null(ct_attr(find(NULL, "Serilog", "3.1.1"), "sha512")); /* not 64 bytes */
    const json_t *rp = find(NULL, "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64", "8.0.1");
    assert_string_equal(ct_s(rp, "type"), "nuget");
    assert_string_equal(ct_attr(rp, "dotnet_type"), "runtimepack");
    assert_string_equal(ct_s(find(NULL, "System.Legacy", "4.0.0.0"), "type"), "generic");

    /* another file name: MyApp is then a project library */
    assert_int_equal(runs(DEPS, "Other.deps.json"), 6);
    assert_string_equal(ct_s(find(NULL, "MyApp", "1.0.0"), "kind"), "library");
    /* no runtimeTarget: the first target that has the library */
    const char *t2 = "{\"targets\":{\"a\":{},\"b\":{\"X/1\":{\"dependencies\":{\"Y\":\"2\"}}}},"
                     "\"libraries\":{\"X/1\":{\"type\":\"package\"}}}";
    assert_int_equal(runs(t2, "x.deps.json"), 1);
    assert_true(ct_has_dep(find(NULL, "X", "1"), "Y", "2"));
    /* not a deps.json */
    assert_int_equal(runs(DEPS, "x.json"), 0);
    assert_int_equal(runs(DEPS, ".deps.json"), 0);
}

static void hostile(void **st)
{
    (void)st;
    const char *bad[] = {
        "",
        "{",
        "[]",
        "{\"libraries\":[]}",
        "{\"libraries\":{\"a\":{},\"/1\":{},\"b/\":{},\"c/1\":5,\"d/"
        "1\":{\"type\":5,\"sha512\":7}}}",
        "{\"libraries\":{\"a/1\":{\"sha512\":\"sha512-!!\"}},\"targets\":[1]}",
        "{\"libraries\":{\"a/1\":{}},\"targets\":{\"t\":5,\"u\":{\"a/1\":{\"dependencies\":[]}}},"
        "\"runtimeTarget\":5}",
        "{\"libraries\":{\"a/1\":{}},\"targets\":{\"u\":{\"a/"
        "1\":{\"dependencies\":{\"\":1,\"b\":2}}}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        run(bad[i], strlen(bad[i]), "x.deps.json");
    /* deep nesting */
    size_t depth = 100000, o = 0;
    char *deep = malloc(2 * depth + 64);
    assert_non_null(deep);
    o += (size_t)snprintf(deep, 64, "{\"libraries\":");
    for (size_t i = 0; i < depth; i++)
        deep[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    assert_int_equal(run(deep, o, "x.deps.json"), 0);
    free(deep);
    /* a 16 MiB key: skipped */
    size_t big = 16u << 20;
    char *huge = malloc(big + 64);
    assert_non_null(huge);
    o = (size_t)snprintf(huge, 64, "{\"libraries\":{\"a/");
    memset(huge + o, '1', big);
    o += big;
    o += (size_t)snprintf(huge + o, 64, "\":{}}}");
    assert_int_equal(run(huge, o, "x.deps.json"), 0);
    free(huge);
    /* 10^6 libraries: the per-file component cap holds */
    size_t n = 1000000, cap = n * 32 + 64;
    char *j = malloc(cap);
    assert_non_null(j);
    o = (size_t)snprintf(j, cap, "{\"libraries\":{");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(j + o, cap - o, "%s\"p%zu/1\":{}", i ? "," : "", i);
    o += (size_t)snprintf(j + o, cap - o, "}}");
    size_t got = run(j, o, "x.deps.json");
    assert_true(got > 0 && got <= 100000);
    assert_true(g_rec.dropped_components > 0);
    free(j);
}

int main(void)
{
    pki_frec_init(&g_rec);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deps_json),
        cmocka_unit_test(hostile),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    pki_frec_fini(&g_rec);
    return r;
}
