/* The PE analyzer's component from VS_VERSIONINFO. An executable, a DLL and
 * fallback cases (no ProductName, no ProductVersion string, comma versions)
 * are built with mingw-w64 gcc and windres at test time; a crafted .NET flag
 * is set by patching the CLR data directory of a built image. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "walk/emit_int.h"
#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const pk_analyzer pki_analyzer_pe;

#define run(p, n, vpath, rec) ct_run(&pki_analyzer_pe, rec, p, n, vpath)

static int have_mingw;

static json_t *only(const pki_frec *r)
{
    assert_int_equal(json_array_size(r->components), 1);
    return json_array_get(r->components, 0);
}

/* A VERSIONINFO whose string table holds `strings` (rc lines). */
static void rc(const char *name, const char *fixed, const char *strings)
{
    char text[2048];
    snprintf(text, sizeof text,
             "1 VERSIONINFO\n FILEVERSION %s\n PRODUCTVERSION %s\n FILEOS 0x40004\n"
             " FILETYPE 0x1\nBEGIN\n BLOCK \"StringFileInfo\"\n BEGIN\n"
             "  BLOCK \"040904b0\"\n  BEGIN\n%s  END\n END\n"
             " BLOCK \"VarFileInfo\"\n BEGIN\n  VALUE \"Translation\", 0x409, 1200\n END\nEND\n",
             fixed, fixed, strings);
    fx_put(name, text);
}

static int setup(void **st)
{
    (void)st;
    if (fx_mkdtemp("/tmp/pk-pecomp-XXXXXX") != 0)
        return -1;
    have_mingw = system("command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 && "
                        "command -v x86_64-w64-mingw32-windres >/dev/null 2>&1") == 0;
    if (!have_mingw)
        return 0;
    fx_put("main.c", "int main(void) { return 0; }\n");
    fx_put("lib.c", "__declspec(dllexport) int pk_add(int a, int b) { return a + b; }\n");
    rc("app.rc", "2,5,0,17",
       "   VALUE \"CompanyName\", \"Acme Widgets Ltd.\"\n"
       "   VALUE \"FileDescription\", \"Acme widget tool\"\n"
       "   VALUE \"FileVersion\", \"2.5.0.17\"\n"
       "   VALUE \"InternalName\", \"acmetool\"\n"
       "   VALUE \"LegalCopyright\", \"(c) 2024 Acme\"\n"
       "   VALUE \"OriginalFilename\", \"acmetool.exe\"\n"
       "   VALUE \"ProductName\", \"  Acme Tool  \"\n"
       "   VALUE \"ProductVersion\", \" 2.5.0-rc1 \"\n");
    rc("lib.rc", "1,2,3,4",
       "   VALUE \"CompanyName\", \"Acme Widgets Ltd.\"\n"
       "   VALUE \"FileDescription\", \"Acme math library\"\n"
       "   VALUE \"ProductVersion\", \"1, 2, 3, 4\"\n");
    rc("orig.rc", "3,0,0,0", "   VALUE \"OriginalFilename\", \"pkorig.exe\"\n");
    rc("none.rc", "0,0,0,0", "   VALUE \"Comments\", \"nothing to name it by\"\n");
    for (const char *n = "app\0lib\0orig\0none\0"; *n; n += strlen(n) + 1)
        if (fx_sh("x86_64-w64-mingw32-windres %s.rc -O coff -o %s.res", n, n) != 0)
            return -1;
    return fx_sh("x86_64-w64-mingw32-gcc -O1 -o app.exe main.c app.res && "
                 "x86_64-w64-mingw32-gcc -O1 -shared -o acme.dll lib.c lib.res && "
                 "x86_64-w64-mingw32-gcc -O1 -o orig.exe main.c orig.res && "
                 "x86_64-w64-mingw32-gcc -O1 -o none.exe main.c none.res") == 0
               ? 0
               : -1;
}

static int teardown(void **st)
{
    (void)st;
    return fx_remove();
}

/* The version resource's file range, found independently: the UTF-16 key
 * "VS_VERSION_INFO" sits 6 bytes into the block. */
static size_t vs_offset(const uint8_t *b, size_t n)
{
    static const char key[] = "V\0S\0_\0V\0E\0R\0S\0I\0O\0N\0_\0I\0N\0F\0O\0";
    for (size_t i = 6; i + sizeof key - 1 <= n; i++)
        if (memcmp(b + i, key, sizeof key - 1) == 0)
            return i - 6;
    fail_msg("no VS_VERSION_INFO");
    return 0;
}

static void test_exe(void **st)
{
    (void)st;
    if (!have_mingw)
        skip();
    size_t n;
    uint8_t *b = fx_slurp("app.exe", &n);
    pki_frec rec;
    run(b, n, "dist/app.exe", &rec);
    json_t *c = only(&rec);
    assert_string_equal(ct_str(c, "type"), "generic");
    assert_string_equal(ct_str(c, "ns"), "Acme Widgets Ltd.");
    assert_string_equal(ct_str(c, "name"), "Acme Tool");
    assert_string_equal(ct_str(c, "version"), "2.5.0-rc1");
    assert_string_equal(ct_str(c, "kind"), "application");
    assert_true(json_is_true(json_object_get(c, "self")));
    assert_string_equal(ct_str(c, "rule"), "pe-version");
    assert_string_equal(ct_str(c, "method"), "binary-analysis");
    assert_int_equal(json_integer_value(json_object_get(c, "confidence")), 80);
    assert_string_equal(ct_str(c, "record"), "VS_VERSIONINFO/ProductVersion");
    size_t vo = vs_offset(b, n);
    assert_int_equal(json_integer_value(json_object_get(c, "offset")), vo);
    json_int_t len = json_integer_value(json_object_get(c, "length"));
    assert_int_equal(len, b[vo] | b[vo + 1] << 8); /* wLength */
    assert_string_equal(ct_attr_str(c, "supplier"), "Acme Widgets Ltd.");
    assert_string_equal(ct_attr_str(c, "description"), "Acme widget tool");
    assert_string_equal(ct_attr_str(c, "file_version"), "2.5.0.17");
    assert_string_equal(ct_attr_str(c, "original_filename"), "acmetool.exe");
    assert_string_equal(ct_attr_str(c, "copyright"), "(c) 2024 Acme");
    assert_string_equal(ct_attr_str(c, "dotnet_assembly"), "(absent)");
    pki_frec_fini(&rec);

    /* a non-zero CLR runtime header directory marks a .NET assembly */
    size_t pe = b[0x3c] | b[0x3d] << 8;
    size_t dd = pe + 24 + 112 + 14 * 8; /* PE32+: data directories at optional header + 112 */
    assert_int_equal(b[pe + 24] | b[pe + 25] << 8, 0x20b);
    memcpy(b + dd, "\x00\x10\x00\x00\x48\x00\x00\x00", 8);
    run(b, n, "dist/app.exe", &rec);
    assert_string_equal(ct_attr_str(only(&rec), "dotnet_assembly"), "true");
    pki_frec_fini(&rec);
    free(b);
}

static void test_dll(void **st)
{
    (void)st;
    if (!have_mingw)
        skip();
    size_t n;
    uint8_t *b = fx_slurp("acme.dll", &n);
    pki_frec rec;
    run(b, n, "dist/acme.dll", &rec);
    json_t *c = only(&rec);
    assert_string_equal(ct_str(c, "name"), "Acme math library"); /* FileDescription */
    assert_string_equal(ct_str(c, "version"), "1.2.3.4");        /* "1, 2, 3, 4" */
    assert_string_equal(ct_str(c, "kind"), "library");
    assert_string_equal(ct_str(c, "ns"), "Acme Widgets Ltd.");
    assert_string_equal(ct_attr_str(c, "file_version"), "(absent)");
    pki_frec_fini(&rec);
    free(b);
}

static void test_fallbacks(void **st)
{
    (void)st;
    if (!have_mingw)
        skip();
    size_t n;
    uint8_t *b = fx_slurp("orig.exe", &n);
    pki_frec rec;
    run(b, n, "orig.exe", &rec);
    json_t *c = only(&rec);
    assert_string_equal(ct_str(c, "name"), "pkorig");     /* OriginalFilename without .exe */
    assert_string_equal(ct_str(c, "version"), "3.0.0.0"); /* VS_FIXEDFILEINFO */
    assert_null(json_object_get(c, "ns"));
    pki_frec_fini(&rec);
    free(b);

    b = fx_slurp("none.exe", &n); /* nothing names the product: no component */
    run(b, n, "none.exe", &rec);
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exe),
        cmocka_unit_test(test_dll),
        cmocka_unit_test(test_fallbacks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
