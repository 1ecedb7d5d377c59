/* The dpkg analyzer: exact components from a written status file (states,
 * CRLF, continuation lines, Source with version, alternatives, arch
 * qualifiers), distroless status.d, a .deb control file and an info .list;
 * this machine's status database against dpkg-query; a .deb built with
 * dpkg-deb; hostile inputs (a 100 MB field, no newline, random bytes). */
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
#include "comp_test.h"

extern const pk_analyzer pki_analyzer_dpkg;

static pki_frec g_rec;
/* this test's analyzer and record, for the helpers of comp_test.h */
#define run(p, len, vpath) ct_rerun(&pki_analyzer_dpkg, &g_rec, p, len, vpath)
#define comp(name)         ct_find(&g_rec, CT_ANY, name, CT_ANY)

static void deps_are(json_t *c, const char *const *want, size_t n)
{
    json_t *d = json_object_get(c, "deps");
    assert_int_equal(json_array_size(d), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(json_array_get(d, i), 0)), want[i]);
}

static const char status_text[] = "Package: libfoo1\n"
                                  "Status: install ok installed\n"
                                  "Priority: optional\n"
                                  "Section: libs\n"
                                  "Maintainer: Foo Team <foo@example.org>\n"
                                  "Architecture: amd64\n"
                                  "Multi-Arch: same\n"
                                  "Source: foo (1.2-3)\n"
                                  "Version: 1.2-3+b1\n"
                                  "Pre-Depends: libc6 (>= 2.34)\n"
                                  "Depends: libbar2:amd64 (>= 1.0),\n"
                                  " perl:any | awk,\n"
                                  "  zlib1g [amd64]\n"
                                  "Provides: foo-api (= 1), libfoo\n"
                                  "Homepage: https://foo.example.org/\n"
                                  "Description: foo library\n"
                                  " Long text.\n"
                                  " .\n"
                                  " More.\n"
                                  "\n"
                                  "Package: removed\n"
                                  "Status: deinstall ok config-files\n"
                                  "Version: 0.1\n"
                                  "\n"
                                  "Package: half\n"
                                  "Status: install ok half-configured\n"
                                  "Version: 2.0\n"
                                  "Architecture: all\n"
                                  "\n"
                                  "\n"
                                  "Package: crlf\r\n"
                                  "Status: install ok installed\r\n"
                                  "Version: 3.0-1\r\n"
                                  "Architecture: arm64\r\n"
                                  "Source: crlfsrc\r\n"
                                  "Section: utils\r\n"
                                  "\r\n"
                                  "Package: base-files\n"
                                  "Status: install ok installed\n"
                                  "Version: 12.4+deb12u5\n"
                                  "Architecture: amd64\n";

static void test_status(void **st)
{
    (void)st;
    assert_int_equal(run(status_text, sizeof status_text - 1, "img.tar!/var/lib/dpkg/status"), 4);
    json_t *c = comp("libfoo1");
    assert_string_equal(ct_str(c, "type"), "deb");
    assert_string_equal(ct_str(c, "ns"), "debian");
    assert_string_equal(ct_str(c, "version"), "1.2-3+b1");
    assert_string_equal(ct_str(c, "arch"), "amd64");
    assert_string_equal(ct_str(c, "distro"), "debian-12");
    assert_string_equal(ct_str(c, "scope"), "img.tar!/");
    assert_string_equal(ct_str(c, "rule"), "dpkg-status");
    assert_string_equal(ct_str(c, "kind"), "library");
    assert_string_equal(ct_str(c, "record"), "Package: libfoo1");
    assert_int_equal(json_integer_value(json_object_get(c, "offset")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "confidence")), 95);
    assert_string_equal(ct_attr_str(c, "supplier"), "Foo Team <foo@example.org>");
    assert_string_equal(ct_attr_str(c, "homepage"), "https://foo.example.org/");
    assert_string_equal(ct_attr_str(c, "description"), "foo library");
    assert_string_equal(ct_attr_str(c, "source_name"), "foo");
    assert_string_equal(ct_attr_str(c, "source_version"), "1.2-3");
    assert_string_equal(ct_attr_str(c, "provides"), "foo-api libfoo");
    const char *const want[] = {"libc6", "libbar2", "perl|awk", "zlib1g"};
    deps_are(c, want, 4);
    size_t len = (size_t)json_integer_value(json_object_get(c, "length"));
    assert_memory_equal(status_text + len, "\nPackage: removed", 17);

    c = comp("half");
    assert_string_equal(ct_str(c, "version"), "2.0");
    assert_int_equal(json_integer_value(json_object_get(c, "confidence")), 60);
    assert_string_equal(ct_attr_str(c, "dpkg_status"), "install ok half-configured");

    c = comp("crlf");
    assert_string_equal(ct_str(c, "version"), "3.0-1");
    assert_string_equal(ct_str(c, "arch"), "arm64");
    assert_string_equal(ct_str(c, "kind"), "application");
    assert_string_equal(ct_attr_str(c, "source_name"), "crlfsrc");
    assert_string_equal(ct_attr_str(c, "source_version"), "3.0-1");
    /* the last paragraph has no trailing newline */
    assert_string_equal(ct_str(comp("base-files"), "version"), "12.4+deb12u5");
}

static void test_ubuntu_and_paths(void **st)
{
    (void)st;
    static const char u[] = "Package: a\nStatus: install ok installed\nVersion: 1.0\n\n"
                            "Package: b\nStatus: install ok installed\nVersion: 2.0-1ubuntu1\n";
    assert_int_equal(run(u, sizeof u - 1, "rootfs/var/lib/dpkg/status"), 2);
    assert_string_equal(ct_str(comp("a"), "ns"), "ubuntu");
    assert_string_equal(ct_str(comp("a"), "scope"), "rootfs/");
    assert_int_equal(run(u, sizeof u - 1, "var/lib/dpkg/status"), 2);
    assert_string_equal(ct_str(comp("b"), "scope"), "");
    /* not a database: another name, a suffix, status-old */
    assert_int_equal(run(u, sizeof u - 1, "rootfs/var/lib/dpkg/status-old"), 0);
    assert_int_equal(run(u, sizeof u - 1, "rootfs/xvar/lib/dpkg/status"), 0);
    assert_int_equal(run(u, sizeof u - 1, "notes.txt"), 0);
}

static void test_status_d(void **st)
{
    (void)st;
    static const char d[] = "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"
                            "Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\n";
    assert_int_equal(run(d, sizeof d - 1, "distroless.tar!/var/lib/dpkg/status.d/tzdata"), 1);
    json_t *c = comp("tzdata");
    assert_string_equal(ct_str(c, "version"), "2024a-0+deb12u1");
    assert_string_equal(ct_str(c, "scope"), "distroless.tar!/");
    assert_int_equal(run(d, sizeof d - 1, "x/var/lib/dpkg/status.d/tzdata.md5sums"), 0);
}

static void test_control_and_list(void **st)
{
    (void)st;
    static const char ctl[] = "Package: hello\nVersion: 2.10-3\nArchitecture: amd64\n"
                              "Depends: libc6 (>= 2.34)\nDescription: hi\n";
    assert_int_equal(run(ctl, sizeof ctl - 1, "d/hello.deb!/control.tar.zst!/control"), 1);
    json_t *c = comp("hello");
    assert_string_equal(ct_str(c, "rule"), "deb-control");
    assert_string_equal(ct_str(c, "scope"), "d/hello.deb!/");
    assert_string_equal(json_string_value(json_array_get(json_object_get(c, "owns"), 0)),
                        "d/hello.deb!/");
    assert_int_equal(run(ctl, sizeof ctl - 1, "h.deb!/control.tar.gz!/control.tar!/control"), 1);
    assert_string_equal(ct_str(comp("hello"), "scope"), "h.deb!/");
    assert_int_equal(run(ctl, sizeof ctl - 1, "src/debian/control"), 0);

    static const char list[] = "/.\n/usr\n/usr/bin\n/usr/bin/hello\r\n/usr/share/doc/hello";
    assert_int_equal(run(list, sizeof list - 1, "r/var/lib/dpkg/info/hello:amd64.list"), 1);
    c = comp("hello");
    assert_string_equal(ct_str(c, "arch"), "amd64");
    assert_string_equal(ct_str(c, "scope"), "r/");
    assert_string_equal(ct_str(c, "rule"), "dpkg-list");
    assert_true(json_is_true(json_object_get(c, "claim")));
    json_t *files = json_object_get(c, "files");
    assert_int_equal(json_array_size(files), 4);
    assert_string_equal(json_string_value(json_array_get(files, 2)), "usr/bin/hello");
    assert_string_equal(json_string_value(json_array_get(files, 3)), "usr/share/doc/hello");
}

static void test_copyright(void **st)
{
    (void)st;
    static const char dep5[] =
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: zlib\n\n"
        "Files: debian/*\nCopyright: 2000 X\nLicense: GPL-2+\n\n"
        "Files: * contrib/*\nCopyright: 1995 Jean-loup Gailly\nLicense: Zlib\n"
        " This software is provided 'as-is'.\n\n"
        "License: GPL-2+\n On Debian systems ...\n";
    assert_int_equal(run(dep5, sizeof dep5 - 1, "r.tar!/usr/share/doc/zlib1g/copyright"), 1);
    json_t *c = comp("zlib1g");
    assert_true(json_is_true(json_object_get(c, "claim")));
    assert_string_equal(ct_str(c, "scope"), "r.tar!/");
    assert_string_equal(ct_str(c, "rule"), "dpkg-copyright");
    assert_string_equal(ct_attr_str(c, "license"), "Zlib");
    static const char free_text[] = "This is the Debian prepackaged version of foo.\n\n"
                                    "License: GPL\n";
    assert_int_equal(run(free_text, sizeof free_text - 1, "usr/share/doc/foo/copyright"), 0);
    assert_int_equal(run(dep5, sizeof dep5 - 1, "usr/share/doc/copyright"), 0);
    assert_int_equal(run(dep5, sizeof dep5 - 1, "x/myusr/share/doc/a/copyright"), 0);
}

static void test_hostile(void **st)
{
    (void)st;
    size_t big = 100u << 20;
    char *b = malloc(big);
    assert_non_null(b);
    static const char head[] = "Package: big\nVersion: 1\nDepends: ";
    memcpy(b, head, sizeof head - 1);
    memset(b + sizeof head - 1, 'a', big - (sizeof head - 1));
    clock_t t0 = clock();
    assert_int_equal(run(b, big, "r/var/lib/dpkg/status"), 1);
    assert_int_equal(json_array_size(json_object_get(comp("big"), "deps")), 1);
    /* many tiny paragraphs and commas; bounded */
    for (size_t i = 0; i < big; i++)
        b[i] = (i % 3 == 2) ? '\n' : (i % 3 == 1 ? ',' : 'P');
    run(b, big, "r/var/lib/dpkg/status");
    memset(b, '\n', big);
    assert_int_equal(run(b, big, "r/var/lib/dpkg/status"), 0);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 30.0);
    srand(7);
    for (size_t i = 0; i < (1u << 20); i++)
        b[i] = (char)(rand() & 0xff);
    run(b, 1u << 20, "r/var/lib/dpkg/status");
    run(b, 1u << 20, "r/var/lib/dpkg/info/x.list");
    run("Package: x", 10, "r/var/lib/dpkg/status");
    assert_string_equal(ct_str(comp("x"), "name"), "x");
    free(b);
}

/* Every name+version pair dpkg-query reports (minus config-files/not-installed
 * packages, which have no files on disk) is found, and nothing else. */
static void test_real_status(void **st)
{
    (void)st;
    FILE *f = fopen("/var/lib/dpkg/status", "rb");
    if (!f || system("command -v dpkg-query >/dev/null 2>&1") != 0) {
        if (f)
            fclose(f);
        skip();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)n + 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    size_t got = run(d, (size_t)n, "var/lib/dpkg/status");
    FILE *p = popen("dpkg-query -W -f '${db:Status-Status} ${Package} ${Version}\\n'", "r");
    assert_non_null(p);
    char line[1024];
    size_t want = 0;
    json_t *seen = json_array();
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        char *sp = strchr(line, ' ');
        assert_non_null(sp);
        *sp = '\0';
        if (strcmp(line, "config-files") == 0 || strcmp(line, "not-installed") == 0)
            continue;
        want++;
        char *name = sp + 1, *ver = strchr(name, ' ');
        assert_non_null(ver);
        *ver++ = '\0';
        size_t i;
        json_t *c;
        int found = 0;
        json_array_foreach(g_rec.components, i, c)
        {
            if (strcmp(ct_str(c, "name"), name) == 0 && strcmp(ct_str(c, "version"), ver) == 0) {
                found = 1;
                break;
            }
        }
        if (!found)
            fail_msg("dpkg-query has %s %s, the analyzer not", name, ver);
    }
    pclose(p);
    json_decref(seen);
    assert_int_equal(got, want);
    free(d);
}

/* A real .deb: the CLI unpacks it to <deb>!/control.tar.xz!/control, the
 * vpath the analyzer expects; the extracted control gives the package. */
static void test_real_deb(void **st)
{
    (void)st;
    const char *cli = getenv("PK_CLI");
    if (!cli || system("command -v dpkg-deb >/dev/null 2>&1") != 0)
        skip();
    char dir[] = "/tmp/pk-dpkg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; mkdir -p p/DEBIAN p/usr/bin; printf '#!/bin/sh\\n' > p/usr/bin/hi;"
             "chmod 755 p/usr/bin/hi;"
             "printf 'Package: hi-pk\\nVersion: 1:2.3-4\\nArchitecture: amd64\\n"
             "Maintainer: T <t@example.org>\\nDepends: libc6 (>= 2.34), perl:any | awk\\n"
             "Description: x\\n' > p/DEBIAN/control;"
             "dpkg-deb -Zxz --build p hi.deb >/dev/null; dpkg-deb -e hi.deb ctl;"
             "'%s' scan -q --format json hi.deb > out.json",
             dir, cli);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -q '\"hi.deb!/control.tar.xz!/control\"' %s/out.json", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/ctl/control", dir);
    FILE *f = fopen(cmd, "rb");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(run(buf, n, "hi.deb!/control.tar.xz!/control"), 1);
    json_t *c = comp("hi-pk");
    assert_string_equal(ct_str(c, "version"), "1:2.3-4");
    assert_string_equal(ct_str(c, "scope"), "hi.deb!/");
    const char *const want[] = {"libc6", "perl|awk"};
    deps_are(c, want, 2);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
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
        cmocka_unit_test(test_status),      cmocka_unit_test(test_ubuntu_and_paths),
        cmocka_unit_test(test_status_d),    cmocka_unit_test(test_control_and_list),
        cmocka_unit_test(test_copyright),   cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_real_status), cmocka_unit_test(test_real_deb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
