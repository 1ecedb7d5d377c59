/* The apk analyzer: exact packages, deps (plain names only), provides and
 * files from a written lib/apk/db/installed; a .PKGINFO; an .apk built with
 * tar+gzip (concatenated streams, as abuild makes them) scanned by the CLI to
 * pin the vpath the analyzer expects; hostile inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "walk/harness_int.h"

extern const pk_analyzer pki_analyzer_apk;

static pki_frec g_rec;

static size_t run(const char *p, size_t len, const char *vpath)
{
    pki_frec_fini(&g_rec);
    assert_int_equal(pki_frec_init(&g_rec), PK_OK);
    pk_bytes b = {(const uint8_t *)p, len};
    assert_int_equal(pki_harness_run(&pki_analyzer_apk, b, vpath, &g_rec), PK_OK);
    return json_array_size(g_rec.components);
}

static json_t *comp(const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(g_rec.components, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
            return c;
    }
    fail_msg("no component %s", name);
    return NULL;
}

static const char *str(json_t *c, const char *key)
{
    const char *v = json_string_value(json_object_get(c, key));
    return v ? v : "";
}

static const char *attr(json_t *c, const char *key)
{
    const char *v = json_string_value(json_object_get(json_object_get(c, "attrs"), key));
    return v ? v : "";
}

static const char *arr(json_t *c, const char *key, size_t i)
{
    json_t *a = json_object_get(c, key);
    json_t *e = json_array_get(a, i);
    if (json_is_array(e))
        e = json_array_get(e, 0);
    const char *v = json_string_value(e);
    return v ? v : "";
}

static const char db[] = "C:Q1abc=\n"
                         "P:musl\n"
                         "V:1.2.4-r2\n"
                         "A:x86_64\n"
                         "S:383152\n"
                         "T:the musl c library (libc) implementation\n"
                         "U:https://musl.libc.org/\n"
                         "L:MIT\n"
                         "o:musl\n"
                         "m:Natanael Copa <ncopa@alpinelinux.org>\n"
                         "p:so:libc.musl-x86_64.so.1=1\n"
                         "F:lib\n"
                         "R:ld-musl-x86_64.so.1\n"
                         "a:0:0:755\n"
                         "Z:Q1xyz=\n"
                         "R:libc.musl-x86_64.so.1\n"
                         "\n"
                         "C:Q1def=\n"
                         "P:busybox-binsh\r\n"
                         "V:1.36.1-r5\r\n"
                         "A:x86_64\r\n"
                         "o:busybox\r\n"
                         "D:busybox=1.36.1-r5 so:libc.musl-x86_64.so.1 cmd:foo !conflict /bin/x "
                         "zlib>=1.2\r\n"
                         "p:/bin/sh cmd:sh=1.36.1-r5 binsh\r\n"
                         "F:bin\r\n"
                         "R:sh\r\n"
                         "\r\n"
                         "P:nofiles\n"
                         "V:1\n";

static void test_installed(void **st)
{
    (void)st;
    assert_int_equal(run(db, sizeof db - 1, "alpine.tar!/lib/apk/db/installed"), 3);
    json_t *c = comp("musl");
    assert_string_equal(str(c, "type"), "apk");
    assert_string_equal(str(c, "ns"), "alpine");
    assert_string_equal(str(c, "version"), "1.2.4-r2");
    assert_string_equal(str(c, "arch"), "x86_64");
    assert_string_equal(str(c, "scope"), "alpine.tar!/");
    assert_string_equal(str(c, "rule"), "apk-installed");
    assert_string_equal(str(c, "record"), "P:musl");
    assert_int_equal(json_integer_value(json_object_get(c, "offset")), 0);
    assert_string_equal(attr(c, "license"), "MIT");
    assert_string_equal(attr(c, "homepage"), "https://musl.libc.org/");
    assert_string_equal(attr(c, "supplier"), "Natanael Copa <ncopa@alpinelinux.org>");
    assert_string_equal(attr(c, "source_name"), "musl");
    assert_string_equal(attr(c, "provides"), "so:libc.musl-x86_64.so.1");
    assert_int_equal(json_array_size(json_object_get(c, "files")), 2);
    assert_string_equal(arr(c, "files", 0), "lib/ld-musl-x86_64.so.1");
    assert_string_equal(arr(c, "files", 1), "lib/libc.musl-x86_64.so.1");
    assert_null(json_object_get(c, "deps"));

    c = comp("busybox-binsh");
    assert_string_equal(str(c, "version"), "1.36.1-r5");
    assert_int_equal(json_array_size(json_object_get(c, "deps")), 2);
    assert_string_equal(arr(c, "deps", 0), "busybox");
    assert_string_equal(arr(c, "deps", 1), "zlib");
    assert_string_equal(attr(c, "provides"), "/bin/sh cmd:sh binsh");
    assert_string_equal(arr(c, "files", 0), "bin/sh");
    assert_string_equal(str(comp("nofiles"), "version"), "1");

    assert_int_equal(run(db, sizeof db - 1, "lib/apk/db/installed"), 3);
    assert_string_equal(str(comp("musl"), "scope"), "");
    assert_int_equal(run(db, sizeof db - 1, "x/lib/apk/db/installed.old"), 0);
    assert_int_equal(run(db, sizeof db - 1, "x/mylib/apk/db/installed"), 0);
}

static const char pkginfo[] = "# Generated by abuild 3.11\n"
                              "pkgname = pk-hello\n"
                              "pkgver = 1.2-r3\n"
                              "pkgdesc = hello\n"
                              "arch = x86_64\n"
                              "license = MIT\n"
                              "origin = pk-src\n"
                              "url = https://e.org\n"
                              "depend = so:libc.musl-x86_64.so.1\n"
                              "depend = busybox>=1.0\n"
                              "provides = cmd:pk-hello=1.2-r3\n";

static void test_pkginfo(void **st)
{
    (void)st;
    assert_int_equal(run(pkginfo, sizeof pkginfo - 1, "d/pk.apk!/.PKGINFO"), 1);
    json_t *c = comp("pk-hello");
    assert_string_equal(str(c, "version"), "1.2-r3");
    assert_string_equal(str(c, "rule"), "apk-pkginfo");
    assert_string_equal(str(c, "scope"), "d/pk.apk!/");
    assert_string_equal(arr(c, "owns", 0), "d/pk.apk!/");
    assert_string_equal(attr(c, "source_name"), "pk-src");
    assert_string_equal(attr(c, "license"), "MIT");
    assert_string_equal(attr(c, "provides"), "cmd:pk-hello");
    assert_int_equal(json_array_size(json_object_get(c, "deps")), 1);
    assert_string_equal(arr(c, "deps", 0), "busybox");
    assert_int_equal(run(pkginfo, sizeof pkginfo - 1, "d/pk.apk!/pk.tar!/.PKGINFO"), 1);
    assert_string_equal(str(comp("pk-hello"), "scope"), "d/pk.apk!/");
    assert_int_equal(run(pkginfo, sizeof pkginfo - 1, "src/.PKGINFO"), 0);
}

/* abuild's layout: gzip streams of tars cut before their end blocks, so the
 * concatenation reads as one tar. The CLI must show <apk>!/.PKGINFO. */
static void test_real_apk(void **st)
{
    (void)st;
    const char *cli = getenv("PK_CLI");
    if (!cli)
        skip();
    char dir[] = "/tmp/pk-apk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; mkdir -p c d/usr/bin; printf 'pkgname = pk-hello\\n"
             "pkgver = 1.2-r3\\narch = x86_64\\n' > c/.PKGINFO; echo hi > d/usr/bin/pk-hello;"
             "(cd c && tar -b1 -cf - .PKGINFO | head -c -1024 | gzip -n) > ctl.gz;"
             "(cd d && tar -b1 -cf - usr | gzip -n) > data.gz; cat ctl.gz data.gz > pk.apk;"
             "'%s' scan -q --format json pk.apk > out.json;"
             "grep -q '\"pk.apk!/.PKGINFO\"' out.json;"
             "grep -q '\"pk.apk!/usr/bin/pk-hello\"' out.json",
             dir, cli);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_hostile(void **st)
{
    (void)st;
    size_t big = 100u << 20;
    char *b = malloc(big);
    assert_non_null(b);
    clock_t t0 = clock();
    memcpy(b, "P:x\nF:", 6);
    memset(b + 6, 'a', big - 6);
    assert_int_equal(run(b, big, "lib/apk/db/installed"), 1);
    for (size_t i = 0; i < big; i++)
        b[i] = "R:a\n"[i % 4];
    memcpy(b, "P:y\nF:d\n", 8);
    assert_int_equal(run(b, big, "lib/apk/db/installed"), 1);
    memset(b, '\n', big);
    assert_int_equal(run(b, big, "lib/apk/db/installed"), 0);
    memset(b, 'D', big);
    run(b, big, "x.apk!/.PKGINFO");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 60.0);
    srand(5);
    for (size_t i = 0; i < (1u << 20); i++)
        b[i] = (char)(rand() & 0xff);
    run(b, 1u << 20, "lib/apk/db/installed");
    run(b, 1u << 20, "x.apk!/.PKGINFO");
    assert_int_equal(run("P:", 2, "lib/apk/db/installed"), 0);
    assert_int_equal(run("P:z", 3, "lib/apk/db/installed"), 1);
    free(b);
}

static int setup(void **st)
{
    (void)st;
    return pki_frec_init(&g_rec) == PK_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    pki_frec_fini(&g_rec);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_installed),
        cmocka_unit_test(test_pkginfo),
        cmocka_unit_test(test_real_apk),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
