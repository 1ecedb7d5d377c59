/* The Mach-O analyzer, on headers crafted in the test: thin 64-bit
 * little-endian and 32-bit big-endian files, fat files with 32- and 64-bit
 * arch tables, and damaged ones (bad cmdsize, slices outside the file, every
 * truncation). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "walk/emit_int.h"
#include "walk/harness_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pk_analyzer pki_analyzer_macho;

static void w32(uint8_t *b, size_t o, uint32_t v, int big)
{
    for (int i = 0; i < 4; i++)
        b[o + (size_t)i] = (uint8_t)(v >> (big ? 8 * (3 - i) : 8 * i));
}

static void w64be(uint8_t *b, size_t o, uint64_t v)
{
    w32(b, o, (uint32_t)(v >> 32), 1);
    w32(b, o + 4, (uint32_t)v, 1);
}

/* A dylib command (cmd, cmdsize, name offset 24, three version words, name). */
static size_t dylib_cmd(uint8_t *b, size_t o, uint32_t cmd, const char *name, int big)
{
    size_t n = strlen(name) + 1, size = (24 + n + 7) & ~(size_t)7;
    w32(b, o, cmd, big);
    w32(b, o + 4, (uint32_t)size, big);
    w32(b, o + 8, 24, big);
    memcpy(b + o + 24, name, n);
    return o + size;
}

enum { T_EXEC64, T_PPC_DYLIB, T_ARM64 };

/* A thin Mach-O at b; returns its length. */
static size_t thin(uint8_t *b, int kind)
{
    int big = kind == T_PPC_DYLIB, b64 = kind != T_PPC_DYLIB;
    size_t h = b64 ? 32 : 28, o = h;
    memset(b, 0, 512);
    w32(b, 0, b64 ? 0xfeedfacfu : 0xfeedfaceu, big);
    w32(b, 4, kind == T_EXEC64 ? 0x01000007u : kind == T_ARM64 ? 0x0100000cu : 18u, big);
    w32(b, 8, 3, big);
    w32(b, 12, kind == T_PPC_DYLIB ? 6 : 2, big);
    w32(b, 24, kind == T_PPC_DYLIB ? 0x85 : 0x00200085u, big); /* MH_PIE on executables */
    if (kind == T_PPC_DYLIB) {
        o = dylib_cmd(b, o, 0xd, "/usr/lib/libpk.dylib", big); /* LC_ID_DYLIB */
        o = dylib_cmd(b, o, 0xc, "/usr/lib/libSystem.B.dylib", big);
        w32(b, 16, 2, big);
    } else {
        o = dylib_cmd(b, o, 0xc, "/usr/lib/libSystem.B.dylib", big);
        o = dylib_cmd(b, o, 0x80000018u, "/usr/lib/libz.1.dylib", big); /* weak */
        w32(b, o, 0x1d, big);                                           /* LC_CODE_SIGNATURE */
        w32(b, o + 4, 16, big);
        o += 16;
        w32(b, 16, 3, big);
    }
    w32(b, 20, (uint32_t)(o - h), big);
    return o;
}

/* Fat file: x86_64 at 0x1000, arm64 at 0x2000. */
static size_t fat(uint8_t *b, int f64)
{
    memset(b, 0, 0x3000);
    w32(b, 0, f64 ? 0xcafebabfu : 0xcafebabeu, 1);
    w32(b, 4, 2, 1);
    for (int i = 0; i < 2; i++) {
        size_t e = 8 + (size_t)i * (f64 ? 32 : 20);
        uint64_t off = 0x1000u * (uint64_t)(i + 1);
        size_t len = thin(b + off, i ? T_ARM64 : T_EXEC64);
        w32(b, e, i ? 0x0100000cu : 0x01000007u, 1);
        if (f64) {
            w64be(b, e + 8, off);
            w64be(b, e + 16, len);
            w32(b, e + 24, 12, 1);
        } else {
            w32(b, e + 8, (uint32_t)off, 1);
            w32(b, e + 12, (uint32_t)len, 1);
            w32(b, e + 16, 12, 1);
        }
    }
    return 0x3000;
}

static pk_status run(const uint8_t *p, size_t n, pki_frec *rec)
{
    assert_int_equal(pki_frec_init(rec), PK_OK);
    return pki_harness_run(&pki_analyzer_macho, (pk_bytes){p, n}, "fixture", rec);
}

/* Runs analyze() directly for types the content sniffer does not name (fat64). */
static void run_direct(const uint8_t *p, size_t n, pki_frec *rec)
{
    assert_int_equal(pki_frec_init(rec), PK_OK);
    pk_file f;
    memset(&f, 0, sizeof f);
    f.vpath = f.name = "fixture";
    f.size = n;
    f.type = PK_FT_MACHO_FAT;
    f.data = (pk_bytes){p, n};
    pk_emit em = {.rec = rec, .file = &f, .analyzer = "macho"};
    assert_int_equal(pki_analyzer_macho.analyze(NULL, NULL, &f, &em), PK_OK);
}

static size_t count(const pki_frec *r, const char *id)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nfind; i++)
        k += strcmp(r->findings[i].rule_id, id) == 0;
    return k;
}

static json_t *jget(const pki_frec *r, const char *path)
{
    json_t *v = json_object_get(r->facts, "macho");
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = json_is_array(v) ? json_array_get(v, strtoul(t, NULL, 10)) : json_object_get(v, t);
    return v;
}

static const char *jstr(const pki_frec *r, const char *path)
{
    const char *s = json_string_value(jget(r, path));
    return s ? s : "(absent)";
}

static void test_claim(void **state)
{
    (void)state;
    pk_file f;
    memset(&f, 0, sizeof f);
    f.type = PK_FT_MACHO;
    assert_int_equal(pki_analyzer_macho.claim(&f), 90);
    f.type = PK_FT_MACHO_FAT;
    assert_int_equal(pki_analyzer_macho.claim(&f), 90);
    f.type = PK_FT_JAVA_CLASS;
    assert_int_equal(pki_analyzer_macho.claim(&f), 0);
}

static void test_thin64(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t n = thin(b, T_EXEC64);
    pki_frec rec;
    assert_int_equal(run(b, n, &rec), PK_OK);
    assert_string_equal(jstr(&rec, "cputype"), "x86_64");
    assert_string_equal(jstr(&rec, "filetype"), "execute");
    assert_int_equal(json_integer_value(jget(&rec, "ncmds")), 3);
    assert_int_equal(json_integer_value(jget(&rec, "bits")), 64);
    assert_true(json_is_true(jget(&rec, "pie")));
    assert_true(json_is_true(jget(&rec, "code_signature")));
    assert_string_equal(jstr(&rec, "dylibs.0"), "/usr/lib/libSystem.B.dylib");
    assert_string_equal(jstr(&rec, "dylibs.1"), "/usr/lib/libz.1.dylib");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
}

static void test_thin32_big(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t n = thin(b, T_PPC_DYLIB);
    pki_frec rec;
    assert_int_equal(run(b, n, &rec), PK_OK);
    assert_string_equal(jstr(&rec, "cputype"), "powerpc");
    assert_string_equal(jstr(&rec, "endian"), "big");
    assert_string_equal(jstr(&rec, "filetype"), "dylib");
    assert_string_equal(jstr(&rec, "id"), "/usr/lib/libpk.dylib");
    assert_string_equal(jstr(&rec, "dylibs.0"), "/usr/lib/libSystem.B.dylib");
    assert_true(json_is_false(jget(&rec, "pie")));
    assert_true(json_is_false(jget(&rec, "code_signature")));
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
}

static void check_fat(const pki_frec *rec)
{
    assert_true(json_is_true(jget(rec, "fat")));
    assert_int_equal(json_array_size(jget(rec, "architectures")), 2);
    assert_string_equal(jstr(rec, "architectures.0.cputype"), "x86_64");
    assert_string_equal(jstr(rec, "architectures.1.cputype"), "arm64");
    assert_int_equal(json_integer_value(jget(rec, "architectures.1.offset")), 0x2000);
    assert_string_equal(jstr(rec, "architectures.1.filetype"), "execute");
    assert_string_equal(jstr(rec, "architectures.1.dylibs.1"), "/usr/lib/libz.1.dylib");
    assert_true(json_is_true(jget(rec, "architectures.0.pie")));
    assert_int_equal(rec->nfind, 0);
}

static void test_fat(void **state)
{
    (void)state;
    uint8_t *b = malloc(0x3000);
    pki_frec rec;
    assert_int_equal(run(b, fat(b, 0), &rec), PK_OK);
    check_fat(&rec);
    pki_frec_fini(&rec);
    run_direct(b, fat(b, 1), &rec);
    check_fat(&rec);
    pki_frec_fini(&rec);
    free(b);
}

static void test_malformed(void **state)
{
    (void)state;
    uint8_t b[512], *f = malloc(0x3000);
    pki_frec rec;
    /* cmdsize 0 in the second command: stops, one finding */
    size_t n = thin(b, T_EXEC64);
    w32(b, 32 + 56 + 4, 0, 0);
    assert_int_equal(run(b, n, &rec), PK_OK);
    assert_int_equal(count(&rec, "PK-MACHO-0001"), 1);
    assert_string_equal(jstr(&rec, "dylibs.0"), "/usr/lib/libSystem.B.dylib");
    pki_frec_fini(&rec);
    /* ncmds 0xffffffff, sizeofcmds past the end */
    n = thin(b, T_EXEC64);
    w32(b, 16, 0xffffffffu, 0);
    w32(b, 20, 0x7fffffffu, 0);
    assert_int_equal(run(b, n, &rec), PK_OK);
    assert_true(count(&rec, "PK-MACHO-0001") >= 1);
    pki_frec_fini(&rec);
    /* a dylib name offset outside its command */
    n = thin(b, T_EXEC64);
    w32(b, 32 + 8, 0x1000, 0);
    assert_int_equal(run(b, n, &rec), PK_OK);
    assert_int_equal(count(&rec, "PK-MACHO-0001"), 1);
    pki_frec_fini(&rec);
    /* fat: a slice past the end and an absurd arch count */
    n = fat(f, 0);
    w32(f, 8 + 20 + 8, 0x7ffff000u, 1);
    assert_int_equal(run(f, n, &rec), PK_OK);
    assert_int_equal(count(&rec, "PK-MACHO-0001"), 1);
    assert_string_equal(jstr(&rec, "architectures.0.cputype"), "x86_64");
    pki_frec_fini(&rec);
    w32(f, 4, 40, 1); /* still a fat header to the sniffer (< 45) */
    assert_int_equal(run(f, n, &rec), PK_OK);
    assert_true(count(&rec, "PK-MACHO-0001") >= 1);
    pki_frec_fini(&rec);
    free(f);
}

static void test_truncation_sweep(void **state)
{
    (void)state;
    uint8_t *f = malloc(0x3000), b[512];
    fat(f, 0);
    size_t n = 0x2000 + ((size_t)f[8 + 20 + 14] << 8 | f[8 + 20 + 15]); /* last slice's end */
    for (size_t len = 8; len < n; len++) {
        pki_frec rec;
        assert_int_equal(run(f, len, &rec), PK_OK);
        if (count(&rec, "PK-MACHO-0001") == 0)
            fail_msg("fat prefix of %zu bytes gave no finding", len);
        pki_frec_fini(&rec);
    }
    n = thin(b, T_EXEC64);
    for (size_t len = 4; len < n; len++) {
        pki_frec rec;
        assert_int_equal(run(b, len, &rec), PK_OK);
        if (count(&rec, "PK-MACHO-0001") == 0)
            fail_msg("thin prefix of %zu bytes gave no finding", len);
        pki_frec_fini(&rec);
    }
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim),      cmocka_unit_test(test_thin64),
        cmocka_unit_test(test_thin32_big), cmocka_unit_test(test_fat),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_truncation_sweep),
    };
    return cmocka_run_group_tests_name("macho", tests, NULL, NULL);
}
