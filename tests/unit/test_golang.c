/* The golang analyzer. A module with one dependency replaced by a local
 * directory is built with the system's Go toolchain at test time (offline:
 * GOPROXY=off, GOFLAGS=-mod=mod); its build info must name the module, the
 * dependency and the toolchain `go version` reports. Crafted blobs cover the
 * inline format (Go >= 1.18) with a module replacement, the pointer format
 * (Go < 1.18) through ELF program headers, and damaged headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/core_int.h"
#include "walk/emit_int.h"
#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const pk_analyzer pki_analyzer_golang;

/* this test's analyzer and vpath, for the helpers of comp_test.h */
#define run(p, n, rec)      ct_run(&pki_analyzer_golang, rec, p, n, "bin/app")
#define comp(rec, ns, name) ct_find(rec, ns, name, CT_ANY)

/* deps[i] == [name, version|null] */
/* ---- a real Go binary ---- */

static void test_real_module(void **st)
{
    (void)st;
    if (system("command -v go >/dev/null 2>&1") != 0)
        skip();
    assert_int_equal(fx_sh("mkdir -p app lib"), 0);
    fx_put("lib/go.mod", "module example.com/pklib\n\ngo 1.17\n");
    fx_put("lib/lib.go", "package pklib\n\nfunc Hello() string { return \"hello\" }\n");
    fx_put("app/go.mod", "module example.com/tools/pkhello\n\ngo 1.17\n\n"
                         "require example.com/pklib v0.1.0\n\n"
                         "replace example.com/pklib => ../pklib\n");
    assert_int_equal(fx_sh("mv lib pklib"), 0);
    fx_put("app/main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/pklib\"\n)\n\n"
                          "func main() { fmt.Println(pklib.Hello()) }\n");
    assert_int_equal(fx_sh("cd app && HOME=%s GOPATH=%s/gopath GOCACHE=%s/gocache GOPROXY=off "
                           "GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 "
                           "go build -buildvcs=false -o ../hello . && go env GOVERSION >../gover",
                           fx_dir, fx_dir, fx_dir),
                     0);
    size_t vn = 0, n = 0;
    char *gover = (char *)fx_slurp("gover", &vn);
    gover[vn] = '\0';
    gover[strcspn(gover, "\r\n")] = '\0';
    assert_true(strncmp(gover, "go", 2) == 0);
    uint8_t *bin = fx_slurp("hello", &n);
    pki_frec rec;
    run(bin, n, &rec);
    assert_int_equal(json_array_size(rec.components), 3);

    json_t *m = comp(&rec, "example.com/tools", "pkhello");
    assert_string_equal(ct_str(m, "type"), "golang");
    assert_null(json_object_get(m, "version")); /* (devel) */
    assert_string_equal(ct_str(m, "kind"), "application");
    assert_true(json_is_true(json_object_get(m, "self")));
    assert_string_equal(ct_str(m, "rule"), "go-buildinfo");
    assert_string_equal(ct_str(m, "method"), "binary-analysis");
    assert_string_equal(ct_attr_str(m, "go_path"), "example.com/tools/pkhello");
    assert_string_equal(ct_attr_str(m, "go_build_GOOS"), "linux");
    assert_string_equal(ct_attr_str(m, "go_build_CGO_ENABLED"), "0");
    assert_int_equal(json_array_size(json_object_get(m, "deps")), 2);
    ct_assert_dep(m, 0, "stdlib", gover + 2);
    ct_assert_dep(m, 1, "example.com/pklib", NULL);
    json_int_t off = json_integer_value(json_object_get(m, "offset"));
    assert_memory_equal(bin + off, "example.com/tools/pkhello", 25);

    json_t *d = comp(&rec, "example.com", "pklib");
    assert_string_equal(ct_str(d, "kind"), "library");
    assert_null(json_object_get(d, "version")); /* a local directory */
    assert_null(json_object_get(d, "self"));
    assert_string_equal(ct_attr_str(d, "go_replace_dir"), "../pklib");
    assert_string_equal(ct_attr_str(d, "go_replaces"), "example.com/pklib@v0.1.0");

    json_t *s = comp(&rec, NULL, "stdlib");
    assert_string_equal(ct_str(s, "version"), gover + 2);
    pki_frec_fini(&rec);
    free(bin);
    free(gover);
}

/* ---- crafted blobs ---- */

#define SENT1 "0w\xaf\x0c\x92t\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6"
#define SENT2 "\xf9\x32\x43\x31\x86\x18 r\x00\x82\x42\x10\x41\x16\xd8\xf2"

static const char modinfo[] = "path\tgithub.com/acme/tool/cmd/tool\n"
                              "mod\tgithub.com/acme/tool\tv1.4.2\th1:abc=\n"
                              "dep\tgolang.org/x/text\tv0.3.7\th1:olsum=\n"
                              "=>\tgithub.com/fork/text\tv0.3.8\th1:forksum=\n"
                              "dep\tgopkg.in/yaml.v3\tv3.0.1\th1:yamlsum=\n"
                              "build\t-compiler=gc\n"
                              "build\tGOARCH=arm64\n"
                              "build\tGOOS=darwin\n"
                              "build\tvcs.revision=0123456789abcdef\n";

/* The framed module info: sentinel, text, sentinel. */
static size_t framed(uint8_t *out)
{
    size_t n = sizeof modinfo - 1;
    memcpy(out, SENT1, 16);
    memcpy(out + 16, modinfo, n);
    memcpy(out + 16 + n, SENT2, 16);
    return n + 32;
}

static size_t elf64_ident(uint8_t *b)
{
    memset(b, 0, 64);
    memcpy(b, "\177ELF\2\1\1", 7);
    b[16] = 2;  /* ET_EXEC */
    b[18] = 62; /* x86-64 */
    return 64;
}

static size_t craft_v2(uint8_t *b, const char *version)
{
    size_t n = elf64_ident(b);
    n = 128;
    memset(b + 64, 0, 64);
    memcpy(b + n, "\xff Go buildinf:", 14);
    b[n + 14] = 8;
    b[n + 15] = 2;
    memset(b + n + 16, 0, 16);
    n += 32;
    size_t vl = strlen(version);
    b[n++] = (uint8_t)vl;
    memcpy(b + n, version, vl);
    n += vl;
    uint8_t tmp[1024];
    size_t ml = framed(tmp);
    b[n++] = (uint8_t)(0x80 | (ml & 0x7f)); /* a two-byte varint */
    b[n++] = (uint8_t)(ml >> 7);
    memcpy(b + n, tmp, ml);
    return n + ml;
}

static void check_crafted(const pki_frec *rec, const char *stdver)
{
    assert_int_equal(json_array_size(rec->components), 4);
    json_t *m = comp(rec, "github.com/acme", "tool");
    assert_string_equal(ct_str(m, "version"), "v1.4.2");
    assert_string_equal(ct_attr_str(m, "go_build_GOOS"), "darwin");
    assert_string_equal(ct_attr_str(m, "go_build_GOARCH"), "arm64");
    assert_string_equal(ct_attr_str(m, "go_build_vcs.revision"), "0123456789abcdef");
    assert_string_equal(ct_attr_str(m, "go_path"), "github.com/acme/tool/cmd/tool");
    assert_int_equal(json_array_size(json_object_get(m, "deps")), 3);
    ct_assert_dep(m, 0, "stdlib", stdver);
    ct_assert_dep(m, 1, "github.com/fork/text", "v0.3.8");
    ct_assert_dep(m, 2, "gopkg.in/yaml.v3", "v3.0.1");
    json_t *f = comp(rec, "github.com/fork", "text");
    assert_string_equal(ct_str(f, "version"), "v0.3.8");
    assert_string_equal(ct_attr_str(f, "go_sum"), "h1:forksum=");
    assert_string_equal(ct_attr_str(f, "go_replaces"), "golang.org/x/text@v0.3.7");
    json_t *y = comp(rec, "gopkg.in", "yaml.v3");
    assert_string_equal(ct_str(y, "version"), "v3.0.1");
    assert_string_equal(ct_attr_str(y, "go_sum"), "h1:yamlsum=");
    assert_string_equal(ct_str(comp(rec, NULL, "stdlib"), "version"), stdver);
}

static void test_crafted_v2(void **st)
{
    (void)st;
    uint8_t b[2048];
    size_t n = craft_v2(b, "go1.21.5 X:boringcrypto");
    pki_frec rec;
    run(b, n, &rec);
    check_crafted(&rec, "1.21.5");
    pki_frec_fini(&rec);

    /* every truncation parses or is refused, never read past the end */
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *c = malloc(cut ? cut : 1);
        memcpy(c, b, cut);
        run(c, cut, &rec);
        assert_true(json_array_size(rec.components) == 0 || cut == n);
        pki_frec_fini(&rec);
        free(c);
    }
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Go < 1.18: the header holds pointers to string headers {data, len}, all
 * virtual addresses mapped by one PT_LOAD (file offset 0 at 0x400000). */
static void test_crafted_old_elf(void **st)
{
    (void)st;
    enum { VA = 0x400000, HDR = 0x100, SH = 0x140, VER = 0x180, MOD = 0x200, SIZE = 0x800 };
    uint8_t *b = calloc(1, SIZE);
    elf64_ident(b);
    put64(b + 32, 64); /* e_phoff */
    b[54] = 56;        /* e_phentsize */
    b[56] = 1;         /* e_phnum */
    uint8_t *ph = b + 64;
    ph[0] = 1; /* PT_LOAD */
    put64(ph + 8, 0);
    put64(ph + 16, VA);
    put64(ph + 32, SIZE);
    memcpy(b + HDR, "\xff Go buildinf:", 14);
    b[HDR + 14] = 8;
    b[HDR + 15] = 0;
    put64(b + HDR + 16, VA + SH);
    put64(b + HDR + 24, VA + SH + 16);
    const char *ver = "go1.16.15";
    memcpy(b + VER, ver, strlen(ver));
    put64(b + SH, VA + VER);
    put64(b + SH + 8, strlen(ver));
    size_t ml = framed(b + MOD);
    put64(b + SH + 16, VA + MOD);
    put64(b + SH + 24, ml);
    pki_frec rec;
    run(b, SIZE, &rec);
    check_crafted(&rec, "1.16.15");
    json_t *m = comp(&rec, "github.com/acme", "tool");
    assert_int_equal(json_integer_value(json_object_get(m, "offset")),
                     MOD + 16 + strlen("path\tgithub.com/acme/tool/cmd/tool\nmod\t"));
    pki_frec_fini(&rec);

    /* a pointer outside every segment: nothing, no crash */
    put64(b + SH + 16, VA + SIZE + 8);
    run(b, SIZE, &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);
    /* a string length past the segment */
    put64(b + SH + 16, VA + MOD);
    put64(b + SH + 24, SIZE);
    run(b, SIZE, &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);
    /* a program header table past the end */
    put64(b + SH + 24, ml);
    put64(b + 32, SIZE - 8);
    run(b, SIZE, &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);
    free(b);
}

/* Bad pointer sizes, a varint that never ends, no module info (GOPATH
 * builds: only the toolchain), a text file holding the magic (not claimed). */
static void test_hostile(void **st)
{
    (void)st;
    uint8_t b[2048];
    size_t n = craft_v2(b, "go1.20");
    pki_frec rec;
    b[128 + 15] = 0; /* pointer format with a zero pointer size */
    b[128 + 14] = 3;
    run(b, n, &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);

    n = craft_v2(b, "go1.20");
    memset(b + 160, 0xff, 12);
    run(b, 172, &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);

    n = craft_v2(b, "go1.20");
    b[160 + 7] = 0; /* module info length 0 */
    run(b, 168, &rec);
    assert_int_equal(json_array_size(rec.components), 1);
    assert_string_equal(ct_str(comp(&rec, NULL, "stdlib"), "version"), "1.20");
    pki_frec_fini(&rec);

    /* a decoy: the magic as a constant (debug/buildinfo holds one) before the
     * real blob; the real one is still read */
    uint8_t d[4096];
    n = craft_v2(b, "go1.20");
    memset(d, 0, sizeof d);
    memcpy(d, b, 64);
    memcpy(d + 64, "\xff Go buildinf:\x08\x02", 16);
    memcpy(d + 96,
           "\x05"
           "hello"
           "\x03"
           "abc",
           10);
    memcpy(d + 256, b + 128, n - 128);
    run(d, 256 + n - 128, &rec);
    assert_int_equal(json_array_size(rec.components), 4);
    assert_string_equal(ct_str(comp(&rec, NULL, "stdlib"), "version"), "1.20");
    pki_frec_fini(&rec);

    const char text[] = "hello \xff Go buildinf:\x08\x02 padding padding padding";
    run((const uint8_t *)text, sizeof text, &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);
}

/* Allocation k failing, for every k: PK_OK or PK_E_NOMEM, never a crash or
 * a leak (under ASan). */
static void test_oom(void **st)
{
    (void)st;
    uint8_t b[2048];
    size_t n = craft_v2(b, "go1.21.5");
    for (unsigned long k = 1; k < 200; k++) {
        pki_frec rec;
        pki_alloc_fail_after(k);
        pk_status s = pki_frec_init(&rec);
        if (s == PK_OK) {
            pk_bytes bb = {b, n};
            s = pki_harness_run(&pki_analyzer_golang, bb, "bin/app", &rec);
            pki_frec_fini(&rec);
        }
        pki_alloc_fail_after(0);
        assert_true(s == PK_OK || s == PK_E_NOMEM);
    }
}

static int setup(void **st)
{
    (void)st;
    return fx_mkdtemp("/tmp/pk-golang-XXXXXX");
}

static int teardown(void **st)
{
    (void)st;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_module),
        cmocka_unit_test(test_crafted_v2),
        cmocka_unit_test(test_crafted_old_elf),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
