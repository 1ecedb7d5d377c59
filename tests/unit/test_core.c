/* Core pieces: arenas, growth, evidence paths, content types, the name and
 * link checks that decide a path-traversal finding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "core/rd.h"
#include "source/ftype_int.h"
#include "source/linkmap_int.h"
#include "source/unpack_int.h"

int pki_unpack_name_escapes(const char *n);
int pki_unpack_link_escapes(const char *name, const char *target, int hard);

static void test_arena(void **st)
{
    (void)st;
    pki_arena *a = pki_arena_new();
    assert_non_null(a);
    char *s = pki_arena_strdup(a, "hello");
    assert_string_equal(s, "hello");
    char *big = pki_arena_alloc(a, 100000); /* larger than a chunk */
    assert_non_null(big);
    memset(big, 1, 100000);
    char *p = pki_arena_printf(a, "%s-%d", "x", 42);
    assert_string_equal(p, "x-42");
    assert_string_equal(s, "hello"); /* earlier allocations untouched */
    pki_arena *b = pki_arena_new();
    char *t = pki_arena_strdup(b, "moved");
    pki_arena_splice(a, b);
    assert_int_equal(pki_arena_bytes(b), 0);
    pki_arena_free(b);
    assert_string_equal(t, "moved"); /* now owned by a */
    pki_arena_free(a);
}

static void test_alloc_fail(void **st)
{
    (void)st;
    pki_alloc_fail_after(1);
    assert_null(pki_malloc(10));
    assert_null(pki_arena_new());
    pki_alloc_fail_after(0);
    void *p = pki_malloc(10);
    assert_non_null(p);
    pki_free(p);
}

static void test_grow(void **st)
{
    (void)st;
    int *v = NULL;
    size_t cap = 0;
    assert_true(pki_grow((void **)&v, &cap, 1000, sizeof *v));
    assert_true(cap >= 1000);
    /* a size whose byte count overflows is refused, not wrapped */
    assert_false(pki_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof *v));
    pki_free(v);
}

static void test_rd(void **st)
{
    (void)st;
    const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7, 8, 'a', 'b', 0};
    pk_rd r = pk_rd_make((pk_bytes){b, sizeof b});
    uint32_t v;
    assert_true(pk_rd_u32le(&r, &v));
    assert_int_equal(v, 0x04030201);
    assert_true(pk_rd_u32be(&r, &v));
    assert_int_equal(v, 0x05060708);
    uint64_t w;
    assert_false(pk_rd_u64le(&r, &w)); /* 3 bytes left */
    assert_int_equal(r.pos, 8);        /* a failed read does not move */
    pk_bytes s;
    assert_true(pk_rd_cstr_at(&r, 8, 16, &s));
    assert_int_equal(s.len, 2);
    assert_false(pk_rd_cstr_at(&r, 8, 1, &s)); /* no NUL within the bound */
    pk_rd sub;
    assert_false(pk_rd_sub(&r, 4, UINT64_MAX, &sub));
    assert_false(pk_rd_seek(&r, sizeof b + 1));
}

static void test_vpath(void **st)
{
    (void)st;
    char *v = pki_vpath_join("a.zip", "./x/y.deb");
    assert_string_equal(v, "a.zip!/x/y.deb");
    pki_free(v);
    v = pki_vpath_join("a.zip", "we!rd%\n/dir/");
    assert_string_equal(v, "a.zip!/we%21rd%25%0A/dir");
    pki_free(v);
    v = pki_vpath_join("a.tar", "../../etc/passwd");
    assert_string_equal(v, "a.tar!/../../etc/passwd"); /* evidence keeps the hostile name */
    pki_free(v);
}

static void test_escapes(void **st)
{
    (void)st;
    assert_true(pki_unpack_name_escapes("../x"));
    assert_true(pki_unpack_name_escapes("a/../../x"));
    assert_true(pki_unpack_name_escapes("/etc/passwd"));
    assert_true(pki_unpack_name_escapes("..\\..\\windows\\x.dll"));
    assert_true(pki_unpack_name_escapes("C:\\x"));
    assert_false(pki_unpack_name_escapes("a/../b"));
    assert_false(pki_unpack_name_escapes("./a/./b"));
    assert_false(pki_unpack_name_escapes("..a/b..")); /* dots inside names are fine */

    assert_true(pki_unpack_link_escapes("lnk", "/etc", 0));
    assert_true(pki_unpack_link_escapes("a/lnk", "../../x", 0));
    assert_false(pki_unpack_link_escapes("a/lnk", "../x", 0));
    assert_false(pki_unpack_link_escapes("a/b/lnk", "../../x", 0));
    assert_true(pki_unpack_link_escapes("h", "../../etc/shadow", 1));
    assert_false(pki_unpack_link_escapes("a/h", "b/c", 1));
}

static void test_linkmap(void **st)
{
    (void)st;
    pki_linkmap *m = pki_linkmap_new();
    assert_non_null(m);
    assert_false(pki_linkmap_escapes(m, "a/x"));
    assert_int_equal(pki_linkmap_add(m, "lnk", "/etc"), 0);
    assert_true(pki_linkmap_escapes(m, "lnk/passwd"));
    assert_true(pki_linkmap_escapes(m, "./lnk//passwd"));
    assert_false(pki_linkmap_escapes(m, "lnk")); /* the link itself is placed, not followed */
    /* a chain: a -> b -> /etc */
    assert_int_equal(pki_linkmap_add(m, "d/a", "b"), 0);
    assert_int_equal(pki_linkmap_add(m, "d/b", "../lnk"), 0);
    assert_true(pki_linkmap_escapes(m, "d/a/shadow"));
    /* relative links that climb out */
    assert_int_equal(pki_linkmap_add(m, "x/up", "../.."), 0);
    assert_true(pki_linkmap_escapes(m, "x/up/evil"));
    /* links that stay inside */
    assert_int_equal(pki_linkmap_add(m, "lib", "usr/lib"), 0);
    assert_false(pki_linkmap_escapes(m, "lib/libc.so.6"));
    assert_int_equal(pki_linkmap_add(m, "usr/lib/cur", "../share"), 0);
    assert_false(pki_linkmap_escapes(m, "lib/cur/doc"));
    /* a loop is not an escape (an unpacker stops with ELOOP) */
    assert_int_equal(pki_linkmap_add(m, "p", "q"), 0);
    assert_int_equal(pki_linkmap_add(m, "q", "p"), 0);
    assert_false(pki_linkmap_escapes(m, "p/x"));
    pki_linkmap_free(m);
}

static void test_ftype(void **st)
{
    (void)st;
    struct {
        const char *magic;
        size_t n;
        pk_ftype t;
    } cases[] = {
        {"\177ELF\2\1\1", 7, PK_FT_ELF},
        {"PK\3\4", 4, PK_FT_ZIP},
        {"\x1f\x8b\x08", 3, PK_FT_GZIP},
        {"\xfd"
         "7zXZ\0",
         6, PK_FT_XZ},
        {"7z\xbc\xaf\x27\x1c", 6, PK_FT_7Z},
        {"!<arch>\ndebian-binary   ", 24, PK_FT_DEB},
        {"!<arch>\nfoo.o/          ", 24, PK_FT_AR},
        {"\xed\xab\xee\xdb", 4, PK_FT_RPM},
        {"hsqs", 4, PK_FT_SQUASHFS},
        {"MSCF\0\0\0\0", 8, PK_FT_CAB},
        {"\xca\xfe\xba\xbe\0\0\0\2", 8, PK_FT_MACHO_FAT},
        {"\xca\xfe\xba\xbe\0\0\0\x34", 8, PK_FT_JAVA_CLASS},
        {"#!/bin/sh\necho\n", 15, PK_FT_SCRIPT},
        {"hello world\n", 12, PK_FT_TEXT},
        {"\x89PNG\r\n\x1a\n", 8, PK_FT_PNG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pk_bytes h = {(const uint8_t *)cases[i].magic, cases[i].n};
        assert_int_equal(pki_ftype_detect(h, cases[i].n), cases[i].t);
    }
    assert_int_equal(pki_ftype_detect((pk_bytes){NULL, 0}, 0), PK_FT_EMPTY);
    /* MZ whose e_lfanew points at "PE\0\0" is PE; pointing past the head is MZ */
    uint8_t mz[0x90] = {'M', 'Z'};
    mz[0x3c] = 0x80;
    memcpy(mz + 0x80, "PE\0\0", 4);
    assert_int_equal(pki_ftype_detect((pk_bytes){mz, sizeof mz}, sizeof mz), PK_FT_PE);
    mz[0x3d] = 0x7f;
    assert_int_equal(pki_ftype_detect((pk_bytes){mz, sizeof mz}, sizeof mz), PK_FT_MZ);
    /* ISO 9660 is recognised at 0x8001 */
    uint8_t *iso = calloc(1, 0x9000);
    memcpy(iso + 0x8001, "CD001", 5);
    assert_int_equal(pki_ftype_detect((pk_bytes){iso, 0x9000}, 0x9000), PK_FT_ISO9660);
    free(iso);
    /* every type has a name */
    for (int t = 0; t < PK_FT_COUNT_; t++)
        assert_non_null(pk_ftype_name((pk_ftype)t));
}

static void test_status(void **st)
{
    (void)st;
    for (int s = PK_OK; s <= PK_E_INTERNAL; s++)
        assert_string_not_equal(pk_status_str((pk_status)s), "unknown status");
    pk_severity v;
    assert_int_equal(pk_severity_parse("high", &v), 0);
    assert_int_equal(v, PK_SEV_HIGH);
    assert_int_equal(pk_severity_parse("severe", &v), -1);
}

static void test_scan_api(void **st)
{
    (void)st;
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.limits.max_depth = 0;
    pk_scan *s = NULL;
    assert_int_equal(pk_scan_new(&o, &s), PK_E_USAGE);
    pk_scan_opts_default(&o);
    assert_int_equal(pk_scan_new(&o, &s), PK_OK);
    assert_int_equal(pk_scan_add_path(s, "/nonexistent/parakh/x"), PK_E_IO);
    assert_non_null(strstr(pk_scan_errmsg(s), "/nonexistent/parakh/x"));
    assert_int_equal(pk_report_write(s, "nope", stdout), PK_E_USAGE);
    pk_scan_free(s);
    pk_scan_free(NULL);
}

/* Hex and base64 (lib/core/codec.c), used by npm, .NET, keys and the inventory. */
static void test_codec(void **st)
{
    (void)st;
    char hx[9];
    pki_hex((const uint8_t *)"\x00\xab\xff\x10", 4, hx);
    assert_string_equal(hx, "00abff10");
    uint8_t out[16];
    const char *s = "aGVsbG8=";
    assert_int_equal(pki_b64_decode(s, strlen(s), out, sizeof out, 0), 5);
    assert_memory_equal(out, "hello", 5);
    /* "+/" and its URL-safe form "-_" decode to the same bytes only with PKI_B64_URL */
    uint8_t a[3], b[3];
    assert_int_equal(pki_b64_decode("++//", 4, a, 3, 0), 3);
    assert_int_equal(pki_b64_decode("--__", 4, b, 3, PKI_B64_URL), 3);
    assert_memory_equal(a, b, 3);
    assert_int_equal(pki_b64_decode("--__", 4, b, 3, 0), SIZE_MAX);
    /* PEM lines: breaks skipped only when asked */
    assert_int_equal(pki_b64_decode("aGVs\nbG8=", 9, out, sizeof out, PKI_B64_SKIP), 5);
    assert_int_equal(pki_b64_decode("aGVs\nbG8=", 9, out, sizeof out, 0), SIZE_MAX);
    /* a small buffer: the full length is returned, only cap bytes written */
    memset(out, 0, sizeof out);
    assert_int_equal(pki_b64_decode(s, strlen(s), out, 2, 0), 5);
    assert_memory_equal(out, "he\0", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena),    cmocka_unit_test(test_alloc_fail),
        cmocka_unit_test(test_grow),     cmocka_unit_test(test_rd),
        cmocka_unit_test(test_vpath),    cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_ftype),    cmocka_unit_test(test_status),
        cmocka_unit_test(test_scan_api), cmocka_unit_test(test_linkmap),
        cmocka_unit_test(test_codec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
