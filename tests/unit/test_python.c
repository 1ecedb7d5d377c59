/* The python analyzer: dist-info METADATA, egg-info PKG-INFO and the egg-info
 * file (names normalized per PEP 503, license precedence, dependencies without
 * extras, the header block only), wheels, RECORD claims, and hostile input. */
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

extern const pk_analyzer pki_analyzer_python;

static pki_frec g_rec;
/* this test's analyzer and record, for the helpers of comp_test.h */
#define run(text, n, vpath)     ct_rerun(&pki_analyzer_python, &g_rec, text, n, vpath)
#define runs(text, vpath)       ct_rerun(&pki_analyzer_python, &g_rec, text, strlen(text), vpath)
#define find(ns, name, version) ct_find(&g_rec, ns, name, version)

static const char METADATA[] =
    "Metadata-Version: 2.4\n"
    "Name: Foo.Bar__baz\n"
    "Version: 1.2.3\n"
    "Summary: A foo\n"
    "Author-email: Ann <ann@example.org>\n"
    "License: BSD\n"
    "License-Expression: MIT\n"
    "Project-URL: Source, https://src.example.org\n"
    "Project-URL: Homepage, https://foo.example.org\n"
    "Classifier: License :: OSI Approved :: Apache Software License\n"
    "Requires-Dist: Requests[socks] (>=2.0)\n"
    "Requires-Dist: pytest>=6; extra == 'test'\n"
    "Requires-Dist: typing_extensions; python_version < \"3.8\"\n"
    "Requires-Dist: colorama ; sys_platform == 'win32' and extra=='cli'\n"
    "Requires-Dist: Zope.Interface\n"
    "\n"
    "Requires-Dist: body-is-not-headers\n"
    "Name: not-this\n";

static void dist_info(void **st)
{
    (void)st;
    assert_int_equal(runs(METADATA, "img.tar!/usr/lib/python3/site-packages/"
                                    "foo_bar_baz-1.2.3.dist-info/METADATA"),
                     1);
    const json_t *c = find(NULL, "foo-bar-baz", "1.2.3");
    assert_string_equal(ct_s(c, "type"), "pypi");
    assert_string_equal(ct_s(c, "rule"), "python-metadata");
    assert_string_equal(ct_s(c, "scope"), "img.tar!/usr/lib/python3/site-packages/");
    assert_string_equal(ct_attr(c, "license"), "MIT");
    assert_string_equal(ct_attr(c, "author"), "Ann <ann@example.org>");
    assert_string_equal(ct_attr(c, "homepage"), "https://foo.example.org");
    assert_string_equal(ct_attr(c, "description"), "A foo");
    assert_int_equal(json_array_size(json_object_get(c, "deps")), 3);
    assert_true(ct_has_dep(c, "requests", NULL));
    assert_true(ct_has_dep(c, "typing-extensions", NULL));
    assert_true(ct_has_dep(c, "zope-interface", NULL));
    assert_null(json_object_get(c, "owns"));

    /* the same with CRLF line ends */
    char crlf[2048];
    size_t o = 0;
    for (const char *p = METADATA; *p; p++) {
        if (*p == '\n')
            crlf[o++] = '\r';
        crlf[o++] = *p;
    }
    assert_int_equal(run(crlf, o, "sp/foo_bar_baz-1.2.3.dist-info/METADATA"), 1);
    c = find(NULL, "foo-bar-baz", "1.2.3");
    assert_string_equal(ct_s(c, "scope"), "sp/");
    assert_string_equal(ct_attr(c, "homepage"), "https://foo.example.org");
    assert_int_equal(json_array_size(json_object_get(c, "deps")), 3);

    /* a wheel: the scope is the wheel, which the component owns */
    assert_int_equal(runs(METADATA, "dist/foo-1.2.3-py3-none-any.whl!/"
                                    "foo_bar_baz-1.2.3.dist-info/METADATA"),
                     1);
    c = find(NULL, "foo-bar-baz", "1.2.3");
    assert_string_equal(ct_s(c, "scope"), "dist/foo-1.2.3-py3-none-any.whl!/");
    assert_true(ct_has_str(c, "owns", "dist/foo-1.2.3-py3-none-any.whl!/"));

    /* METADATA elsewhere is not claimed */
    assert_int_equal(runs(METADATA, "x/META-INF/METADATA"), 0);
    assert_int_equal(runs(METADATA, "x.whl!/METADATA"), 0);
}

static void egg_info(void **st)
{
    (void)st;
    const char *pkginfo = "Metadata-Version: 1.1\n"
                          "Name: PyYAML\n"
                          "Version: 5.4\n"
                          "License: Copyright (c) 2006 Kirill\n"
                          "        Permission is hereby granted ...\n"
                          "Author: Kirill Simonov\n"
                          "Author-email: xi@resolvent.net\n"
                          "Home-page: https://pyyaml.org/\n"
                          "Classifier: License :: OSI Approved :: MIT License\n"
                          "Classifier: License :: OSI Approved :: BSD License\n";
    assert_int_equal(runs(pkginfo, "usr/lib/python3/dist-packages/PyYAML-5.4.egg-info/PKG-INFO"),
                     1);
    const json_t *c = find(NULL, "pyyaml", "5.4");
    assert_string_equal(ct_s(c, "scope"), "usr/lib/python3/dist-packages/");
    assert_string_equal(ct_attr(c, "license"), "MIT License"); /* the full text is not an id */
    assert_string_equal(ct_attr(c, "author"), "Kirill Simonov");
    assert_string_equal(ct_attr(c, "homepage"), "https://pyyaml.org/");

    /* the egg-info file form; License UNKNOWN, no classifier, no trailing newline */
    assert_int_equal(runs("Metadata-Version: 1.0\nName: six\nVersion: 1.16.0\nLicense: UNKNOWN",
                          "r/usr/lib/python3/dist-packages/six-1.16.0.egg-info"),
                     1);
    c = find(NULL, "six", "1.16.0");
    assert_string_equal(ct_s(c, "scope"), "r/usr/lib/python3/dist-packages/");
    assert_null(ct_attr(c, "license"));
    assert_string_equal(ct_s(c, "record"), "six");
}

static void record(void **st)
{
    (void)st;
    const char *rec = "foo/__init__.py,sha256=abc,12\n"
                      "foo/sub/mod.py,sha256=def,34\r\n"
                      "\"foo/with,comma.py\",sha256=x,1\n"
                      "\"foo/q\"\"uote.py\",,\n"
                      "../../../bin/foo,sha256=y,5\n"
                      "/usr/bin/foo2,,\n"
                      "foo/../../x,,\n"
                      "Foo_Bar-1.0.dist-info/RECORD,,\n"
                      "\n"
                      ",,\n"
                      "foo/last.py";
    assert_int_equal(runs(rec, "r.tar!/site-packages/Foo_Bar-1.0.dist-info/RECORD"), 1);
    const json_t *c = find(NULL, "foo-bar", "1.0");
    assert_true(json_is_true(json_object_get(c, "claim")));
    assert_string_equal(ct_s(c, "rule"), "python-record");
    assert_string_equal(ct_s(c, "scope"), "r.tar!/site-packages/");
    const json_t *files = json_object_get(c, "files");
    assert_int_equal(json_array_size(files), 6);
    assert_true(ct_has_str(c, "files", "foo/__init__.py"));
    assert_true(ct_has_str(c, "files", "foo/sub/mod.py"));
    assert_true(ct_has_str(c, "files", "foo/with,comma.py"));
    assert_true(ct_has_str(c, "files", "foo/q\"uote.py"));
    assert_true(ct_has_str(c, "files", "Foo_Bar-1.0.dist-info/RECORD"));
    assert_true(ct_has_str(c, "files", "foo/last.py"));

    /* a directory name without a version: nothing */
    assert_int_equal(runs(rec, "sp/foo.dist-info/RECORD"), 0);
    assert_int_equal(runs(rec, "sp/foo-.dist-info/RECORD"), 0);
    assert_int_equal(runs(rec, "sp/.dist-info/RECORD"), 0);
}

static void hostile(void **st)
{
    (void)st;
    const char *bad[] = {
        "",
        "\n",
        "Name:",
        "Name: \n",
        ":::\n",
        "Name",
        "Name: -._\n",
        "Name: x\nRequires-Dist: \nRequires-Dist: ;extra==\nRequires-Dist: [x]\n",
        "Name: x\nClassifier: License :: \nClassifier: License :: OSI Approved\n",
        "Name: x\nProject-URL: Homepage,\nProject-URL: homepage\n",
        "\"unterminated,\n\"\",\n",
    };
    const char *paths[] = {"sp/a-1.dist-info/METADATA", "sp/a-1.dist-info/RECORD",
                           "sp/a-1.egg-info"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (size_t p = 0; p < 3; p++)
            run(bad[i], strlen(bad[i]), paths[p]);
    char nul[] = {'N', 'a', 'm', 'e', ':', ' ', 'a', '\0', 'b', '\n', 'V'};
    run(nul, sizeof nul, "sp/a-1.dist-info/METADATA");

    /* a 16 MiB header line and a 16 MiB RECORD path: cut, bounded */
    size_t big = 16u << 20;
    char *huge = malloc(big + 64);
    assert_non_null(huge);
    size_t o = (size_t)snprintf(huge, 64, "Name: ");
    memset(huge + o, 'a', big);
    o += big;
    assert_int_equal(run(huge, o, "sp/a-1.dist-info/METADATA"), 1);
    assert_int_equal(run(huge, o, "sp/a-1.dist-info/RECORD"), 1);
    assert_null(json_object_get(json_array_get(g_rec.components, 0), "files"));
    free(huge);

    /* 10^6 Requires-Dist lines: only the first PKI_PY_MAX_HEADERS are read */
    size_t n = 1000000, cap = n * 24 + 64;
    char *m = malloc(cap);
    assert_non_null(m);
    o = (size_t)snprintf(m, cap, "Name: many\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(m + o, cap - o, "Requires-Dist: p%zu\n", i);
    assert_int_equal(run(m, o, "sp/many-1.dist-info/METADATA"), 1);
    size_t deps = json_array_size(json_object_get(json_array_get(g_rec.components, 0), "deps"));
    assert_true(deps > 1000 && deps < 20000);
    /* and 10^6 RECORD rows: all kept (under the per-file path cap) */
    o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(m + o, cap - o, "p/%zu.py,,\n", i);
    assert_int_equal(run(m, o, "sp/many-1.dist-info/RECORD"), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(g_rec.components, 0), "files")),
                     n);
    free(m);
}

int main(void)
{
    pki_frec_init(&g_rec);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dist_info),
        cmocka_unit_test(egg_info),
        cmocka_unit_test(record),
        cmocka_unit_test(hostile),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    pki_frec_fini(&g_rec);
    return r;
}
