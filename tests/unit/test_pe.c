/* The PE analyzer. Fixtures are built at test time: real images with
 * mingw-w64 (hardened and weak executables, a DLL with exports, ordinal and
 * delay-load imports, an Authenticode signature by osslsigncode over a
 * self-signed certificate), and a PE32 crafted byte by byte (no i686 compiler
 * is assumed) with packer sections, imports and a resource tree that the
 * hostile cases bend into loops. Nothing binary is committed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analyzers/pe/pe_int.h"
#include "walk/emit_int.h"
#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const pk_analyzer pki_analyzer_pe;

#define run(p, n, rec) ct_run(&pki_analyzer_pe, rec, p, n, "fixture.exe")

static int have_mingw, have_sign;

/* ---- helpers ---- */

static size_t count(const pki_frec *r, const char *id)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nfind; i++)
        k += strcmp(r->findings[i].rule_id, id) == 0;
    return k;
}

static const pk_finding *find_msg(const pki_frec *r, const char *id, const char *needle)
{
    for (size_t i = 0; i < r->nfind; i++)
        if (strcmp(r->findings[i].rule_id, id) == 0 && strstr(r->findings[i].message, needle))
            return &r->findings[i];
    return NULL;
}

/* A value by dotted path under facts.pe ("sections.0.name"). */
static json_t *jget(const pki_frec *r, const char *path)
{
    json_t *v = json_object_get(r->facts, "pe");
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

static int jtrue(const pki_frec *r, const char *path)
{
    json_t *v = jget(r, path);
    if (!json_is_boolean(v))
        fail_msg("facts.pe.%s is not a boolean", path);
    return json_is_true(v);
}

/* Whether array `path` of objects has one whose `key` equals `want`. */
static json_t *jfind(const pki_frec *r, const char *path, const char *key, const char *want)
{
    json_t *a = jget(r, path), *o;
    size_t i;
    json_array_foreach(a, i, o)
    {
        const char *s = json_string_value(json_object_get(o, key));
        if (s && strcmp(s, want) == 0)
            return o;
    }
    return NULL;
}

static int jhas(json_t *arr, const char *want)
{
    json_t *o;
    size_t i;
    json_array_foreach(arr, i, o)
    {
        if (json_is_string(o) && strcmp(json_string_value(o), want) == 0)
            return 1;
    }
    return 0;
}

/* ---- fixtures built with mingw-w64 ---- */

static const char hello_c[] =
    "#include <windows.h>\n"
    "int main(void) { MessageBoxA(0, \"hi\", \"parakh\", 0); return 0; }\n";
static const char dll_c[] = "int pk_add(int a, int b) { return a + b; }\n"
                            "int pk_mul(int a, int b) { return a * b; }\n"
                            "int pk_hidden(int a) { return -a; }\n";
static const char use_c[] = "int pk_hidden(int a);\nint pk_mul(int a, int b);\n"
                            "int main(void) { return pk_hidden(1) + pk_mul(2, 3); }\n";
static const char ver_rc[] = "1 VERSIONINFO\nFILEVERSION 1,2,3,4\nPRODUCTVERSION 5,6,7,8\nBEGIN\n"
                             " BLOCK \"StringFileInfo\"\n BEGIN\n  BLOCK \"040904b0\"\n  BEGIN\n"
                             "   VALUE \"CompanyName\", \"Parakh Test Co\"\n"
                             "   VALUE \"ProductName\", \"Parakh Fixture\"\n"
                             "   VALUE \"FileVersion\", \"1.2.3.4\"\n"
                             "   VALUE \"ProductVersion\", \"5.6.7.8\"\n"
                             "   VALUE \"OriginalFilename\", \"hello.exe\"\n"
                             "   VALUE \"FileDescription\", \"Parakh PE fixture\"\n"
                             "   VALUE \"LegalCopyright\", \"Copyright \xa9 2024 Parakh\"\n"
                             "   VALUE \"InternalName\", \"hello\"\n"
                             "  END\n END\n BLOCK \"VarFileInfo\"\n BEGIN\n"
                             "  VALUE \"Translation\", 0x409, 1200\n END\nEND\n";

static int build_fixtures(void **state)
{
    (void)state;
    if (fx_mkdtemp("/tmp/pk-test-pe-XXXXXX") != 0)
        return -1;
    have_mingw = system("command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1") == 0 &&
                 system("command -v x86_64-w64-mingw32-windres >/dev/null 2>&1") == 0;
    have_sign = have_mingw && system("command -v osslsigncode >/dev/null 2>&1") == 0 &&
                system("command -v openssl >/dev/null 2>&1") == 0;
    if (!have_mingw)
        return 0;
    fx_put("hello.c", hello_c);
    fx_put("dll.c", dll_c);
    fx_put("use.c", use_c);
    fx_put("ver.rc", ver_rc);
    fx_put("pkdll.def",
           "LIBRARY pkdll.dll\nEXPORTS\n pk_add @1\n pk_mul @2\n pk_hidden @3 NONAME\n");
    fx_put("hid.def", "LIBRARY pkdll.dll\nEXPORTS\n pk_hidden @3 NONAME\n");
    fx_put("delay.def", "LIBRARY pkdll.dll\nEXPORTS\n pk_mul @2\n");
    const char *cc = "x86_64-w64-mingw32-gcc -O1";
    int bad = 0;
    bad |= fx_sh("x86_64-w64-mingw32-windres -c 1252 ver.rc -O coff -o ver.o");
    bad |=
        fx_sh("%s -s hello.c ver.o -o hard.exe -Wl,--dynamicbase,--nxcompat,--high-entropy-va", cc);
    bad |= fx_sh("%s -s hello.c -o weak.exe -Wl,--disable-dynamicbase,--disable-nxcompat", cc);
    bad |= fx_sh("%s -s -shared dll.c pkdll.def -o pkdll.dll", cc);
    bad |= fx_sh("x86_64-w64-mingw32-dlltool --input-def hid.def --output-lib libhid.a "
                 "--dllname pkdll.dll");
    bad |= fx_sh("x86_64-w64-mingw32-dlltool --input-def delay.def --output-delaylib libdelay.a "
                 "--dllname pkdll.dll");
    /* not stripped: the test reads the delay descriptor's address with nm */
    bad |= fx_sh("%s use.c libhid.a libdelay.a -o use.exe", cc);
    bad |= fx_sh("x86_64-w64-mingw32-nm use.exe | grep __DELAY_IMPORT_DESCRIPTOR > delay.sym");
    if (have_sign) {
        bad |= fx_sh("openssl req -x509 -newkey rsa:2048 -nodes -days 30 "
                     "-subj '/C=PK/O=Parakh Test/CN=Parakh Signing' -keyout key.pem -out cert.pem");
        bad |= fx_sh("osslsigncode sign -certs cert.pem -key key.pem -n 'Parakh fixture' "
                     "-in hard.exe -out signed.exe");
        bad |= fx_sh("openssl req -x509 -newkey rsa:2048 -nodes -days 30 "
                     "-subj '/C=IN/O=Nested Co/CN=Nested Signer' -keyout key2.pem -out cert2.pem");
        bad |= fx_sh("osslsigncode sign -nest -h sha1 -certs cert2.pem -key key2.pem "
                     "-in signed.exe -out nested.exe");
        /* osslsigncode's built-in TSA: an RFC 3161 token without a network */
        bad |= fx_sh("openssl req -x509 -newkey rsa:2048 -nodes -days 30 "
                     "-subj '/C=DE/O=Parakh TSA/CN=Parakh Timestamp' "
                     "-addext 'extendedKeyUsage=critical,timeStamping' "
                     "-keyout tsakey.pem -out tsacert.pem");
        bad |= fx_sh("osslsigncode sign -certs cert.pem -key key.pem -TSA-certs tsacert.pem "
                     "-TSA-key tsakey.pem -TSA-time 1700000000 -in hard.exe -out ts.exe");
    }
    if (bad)
        fprintf(stderr, "fixture build failed; see %s/build.log\n", fx_dir);
    return bad ? -1 : 0;
}

static int remove_fixtures(void **state)
{
    (void)state;
    if (strncmp(fx_dir, "/tmp/pk-test-pe-", 16) == 0 && !getenv("PK_KEEP_FIXTURES"))
        return fx_remove();
    return 0;
}

#define NEED_MINGW()                                                                               \
    do {                                                                                           \
        if (!have_mingw)                                                                           \
            skip();                                                                                \
    } while (0)

static void test_claim(void **state)
{
    (void)state;
    pk_file f;
    memset(&f, 0, sizeof f);
    f.type = PK_FT_PE;
    assert_int_equal(pki_analyzer_pe.claim(&f), 90);
    f.type = PK_FT_MZ;
    assert_int_equal(pki_analyzer_pe.claim(&f), 0);
    assert_int_equal(pki_analyzer_pe.abi, PK_ANALYZER_ABI);
    assert_string_equal(pki_analyzer_pe.name, "pe");
}

static void test_hardened_exe(void **state)
{
    (void)state;
    NEED_MINGW();
    size_t n;
    uint8_t *b = fx_slurp("hard.exe", &n);
    pki_frec rec;
    run(b, n, &rec);
    assert_string_equal(jstr(&rec, "machine.name"), "AMD64");
    assert_int_equal(json_integer_value(jget(&rec, "machine.number")), 0x8664);
    assert_true(jtrue(&rec, "pe32_plus"));
    assert_false(jtrue(&rec, "dll"));
    assert_string_equal(jstr(&rec, "subsystem"), "WINDOWS_CUI");
    assert_int_equal(json_integer_value(jget(&rec, "image_base")), 0x140000000LL);
    assert_true(json_integer_value(jget(&rec, "entry_point")) > 0x1000);
    assert_true(jtrue(&rec, "hardening.aslr"));
    assert_true(jtrue(&rec, "hardening.nx"));
    assert_true(jtrue(&rec, "hardening.high_entropy_va"));
    assert_false(jtrue(&rec, "hardening.cfg"));
    assert_null(jget(&rec, "hardening.safeseh")); /* x64: not applicable */
    assert_int_equal(count(&rec, "PK-PE-0001"), 0);
    assert_int_equal(count(&rec, "PK-PE-0002"), 0);
    assert_int_equal(count(&rec, "PK-PE-0006"), 0);
    assert_int_equal(count(&rec, "PK-PE-0003"), 1); /* mingw has no CFG */
    assert_int_equal(count(&rec, "PK-PE-0004"), 1);
    assert_int_equal(count(&rec, "PK-PE-0005"), 0);
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    assert_int_equal(count(&rec, "PK-PE-0008"), 0);
    assert_false(jtrue(&rec, "signature.present"));

    json_t *text = jfind(&rec, "sections", "name", ".text");
    assert_non_null(text);
    double e = json_real_value(json_object_get(text, "entropy"));
    assert_true(e > 4.0 && e < 7.2);
    assert_true(json_integer_value(json_object_get(text, "raw_size")) > 0);
    assert_non_null(jfind(&rec, "data_directories", "name", "resource"));

    json_t *user32 = jfind(&rec, "imports", "dll", "USER32.dll");
    assert_non_null(user32);
    assert_true(jhas(json_object_get(user32, "functions"), "MessageBoxA"));
    assert_true(json_integer_value(jget(&rec, "import_function_count")) > 5);

    assert_string_equal(jstr(&rec, "version.CompanyName"), "Parakh Test Co");
    assert_string_equal(jstr(&rec, "version.ProductName"), "Parakh Fixture");
    assert_string_equal(jstr(&rec, "version.FileVersion"), "1.2.3.4");
    assert_string_equal(jstr(&rec, "version.ProductVersion"), "5.6.7.8");
    assert_string_equal(jstr(&rec, "version.OriginalFilename"), "hello.exe");
    assert_string_equal(jstr(&rec, "version.FileDescription"), "Parakh PE fixture");
    assert_string_equal(jstr(&rec, "version.InternalName"), "hello");
    /* U+00A9 in the UTF-16 resource comes out as UTF-8 */
    assert_string_equal(jstr(&rec, "version.LegalCopyright"), "Copyright \xc2\xa9 2024 Parakh");
    assert_string_equal(jstr(&rec, "version.fixed_file_version"), "1.2.3.4");
    assert_string_equal(jstr(&rec, "version.fixed_product_version"), "5.6.7.8");
    assert_string_equal(jstr(&rec, "version.translations.0"), "040904b0");
    assert_non_null(jfind(&rec, "resources.types", "type", "VERSION"));
    assert_null(jget(&rec, "overlay")); /* stripped: nothing after the last section */

    const pk_finding *f = find_msg(&rec, "PK-PE-0003", "GUARD_CF");
    assert_non_null(f);
    assert_string_equal(f->loc.record, "IMAGE_OPTIONAL_HEADER.DllCharacteristics");
    assert_int_equal(f->evidence.len, 2);
    assert_int_equal(f->evidence.ptr[0] | f->evidence.ptr[1] << 8,
                     json_integer_value(jget(&rec, "dll_characteristics")));
    pki_frec_fini(&rec);
    free(b);
}

static void test_weak_exe(void **state)
{
    (void)state;
    NEED_MINGW();
    size_t n;
    uint8_t *b = fx_slurp("weak.exe", &n);
    pki_frec rec;
    run(b, n, &rec);
    assert_false(jtrue(&rec, "hardening.aslr"));
    assert_false(jtrue(&rec, "hardening.nx"));
    assert_int_equal(count(&rec, "PK-PE-0001"), 1);
    assert_int_equal(count(&rec, "PK-PE-0002"), 1);
    assert_int_equal(count(&rec, "PK-PE-0006"), 1);
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    const pk_finding *f = find_msg(&rec, "PK-PE-0002", "NX_COMPAT");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_true(f->loc.offset > 0x80 && f->loc.offset < 0x200);
    assert_null(jget(&rec, "version")); /* no resource */
    pki_frec_fini(&rec);
    free(b);
}

static void test_dll_exports(void **state)
{
    (void)state;
    NEED_MINGW();
    size_t n;
    uint8_t *b = fx_slurp("pkdll.dll", &n);
    pki_frec rec;
    run(b, n, &rec);
    assert_true(jtrue(&rec, "dll"));
    assert_string_equal(jstr(&rec, "export_dll_name"), "pkdll.dll");
    assert_true(jhas(jget(&rec, "exports"), "pk_add"));
    assert_true(jhas(jget(&rec, "exports"), "pk_mul"));
    assert_false(jhas(jget(&rec, "exports"), "pk_hidden")); /* NONAME */
    assert_int_equal(json_integer_value(jget(&rec, "export_count")), 3);
    assert_int_equal(json_integer_value(jget(&rec, "export_name_count")), 2);
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    pki_frec_fini(&rec);
    free(b);
}

/* GNU ld before 2.42 leaves the Delay Import data directory empty; the test
 * fills it from the descriptor's symbol, as newer linkers do. */
static void patch_delay_dir(uint8_t *b, size_t n)
{
    char p[256], line[256];
    snprintf(p, sizeof p, "%s/delay.sym", fx_dir);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    unsigned long long va = strtoull(line, NULL, 16);
    uint32_t lfanew = b[0x3c] | b[0x3d] << 8;
    size_t d = lfanew + 24 + 112 + 13 * 8; /* PE32+ data directory 13 */
    assert_true(d + 8 <= n);
    uint32_t rva = (uint32_t)(va - 0x140000000ULL);
    if (b[d] | b[d + 1] | b[d + 2] | b[d + 3])
        return; /* the linker filled it */
    for (int i = 0; i < 4; i++) {
        b[d + i] = (uint8_t)(rva >> (8 * i));
        b[d + 4 + i] = (uint8_t)(32u >> (8 * i));
    }
}

static void test_ordinal_and_delay_imports(void **state)
{
    (void)state;
    NEED_MINGW();
    size_t n;
    uint8_t *b = fx_slurp("use.exe", &n);
    patch_delay_dir(b, n);
    pki_frec rec;
    run(b, n, &rec);
    json_t *dll = jfind(&rec, "imports", "dll", "pkdll.dll");
    assert_non_null(dll);
    assert_true(jhas(json_object_get(dll, "functions"), "#3"));
    json_t *delay = jfind(&rec, "delay_imports", "dll", "pkdll.dll");
    assert_non_null(delay);
    assert_true(jhas(json_object_get(delay, "functions"), "pk_mul"));
    assert_int_equal(json_integer_value(jget(&rec, "delay_import_function_count")), 1);
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    assert_non_null(jget(&rec, "overlay")); /* the COFF symbol table follows the sections */
    pki_frec_fini(&rec);
    free(b);
}

static void test_signed(void **state)
{
    (void)state;
    if (!have_sign)
        skip();
    size_t n;
    uint8_t *b = fx_slurp("signed.exe", &n);
    pki_frec rec;
    run(b, n, &rec);
    assert_true(jtrue(&rec, "signature.present"));
    assert_int_equal(count(&rec, "PK-PE-0004"), 0);
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    json_t *c = jget(&rec, "signature.certificates.0");
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "subject")),
                        "CN=Parakh Signing,O=Parakh Test,C=PK");
    assert_string_equal(json_string_value(json_object_get(c, "issuer")),
                        "CN=Parakh Signing,O=Parakh Test,C=PK");
    assert_string_equal(json_string_value(json_object_get(c, "country")), "PK");
    assert_true(json_is_true(json_object_get(c, "signer")));
    assert_string_equal(json_string_value(json_object_get(c, "role")), "signature");
    const char *nb = json_string_value(json_object_get(c, "not_before"));
    const char *na = json_string_value(json_object_get(c, "not_after"));
    assert_non_null(nb);
    assert_non_null(na);
    assert_int_equal(strlen(nb), 20);
    assert_true(strcmp(nb, na) < 0);
    assert_true(strlen(json_string_value(json_object_get(c, "serial"))) > 0);
    assert_int_equal(strlen(json_string_value(json_object_get(c, "sha256"))), 64);
    assert_string_equal(jstr(&rec, "signature.digest_algorithm"), "SHA256");
    /* the certificate table at the end is not an overlay */
    assert_null(jget(&rec, "overlay"));
    pki_frec_fini(&rec);
    free(b);
}

/* Countersignatures in the first signer's unsigned attributes: a nested
 * second signature, and an RFC 3161 timestamp token. */
static void test_nested_and_timestamp(void **state)
{
    (void)state;
    if (!have_sign)
        skip();
    size_t n;
    uint8_t *b = fx_slurp("nested.exe", &n);
    pki_frec rec;
    run(b, n, &rec);
    assert_int_equal(json_integer_value(jget(&rec, "signature.signed_data_count")), 2);
    json_t *c =
        jfind(&rec, "signature.certificates", "subject", "CN=Nested Signer,O=Nested Co,C=IN");
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "role")), "nested");
    assert_string_equal(json_string_value(json_object_get(c, "country")), "IN");
    assert_true(json_is_true(json_object_get(c, "signer")));
    assert_non_null(
        jfind(&rec, "signature.certificates", "subject", "CN=Parakh Signing,O=Parakh Test,C=PK"));
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    pki_frec_fini(&rec);
    free(b);

    /* an RFC 3161 timestamp: its certificate is listed once, as "timestamp" */
    b = fx_slurp("ts.exe", &n);
    run(b, n, &rec);
    assert_int_equal(json_array_size(jget(&rec, "signature.certificates")), 2);
    c = jfind(&rec, "signature.certificates", "role", "timestamp");
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "subject")),
                        "CN=Parakh Timestamp,O=Parakh TSA,C=DE");
    assert_string_equal(json_string_value(json_object_get(c, "country")), "DE");
    assert_true(json_is_true(json_object_get(c, "signer")));
    assert_int_equal(count(&rec, "PK-PE-0004") + count(&rec, "PK-PE-0007"), 0);
    pki_frec_fini(&rec);
    free(b);
}

static void test_overlay(void **state)
{
    (void)state;
    NEED_MINGW();
    size_t n;
    uint8_t *b = fx_slurp("hard.exe", &n);
    uint8_t *c = calloc(1, n + 1000);
    assert_non_null(c);
    memcpy(c, b, n);
    pki_frec rec;
    run(c, n + 1000, &rec);
    assert_int_equal(json_integer_value(jget(&rec, "overlay.offset")), (json_int_t)n);
    assert_int_equal(json_integer_value(jget(&rec, "overlay.size")), 1000);
    pki_frec_fini(&rec);
    free(c);
    free(b);
}

/* Every prefix of a signed image: no crash, and PK-PE-0007 for each one that
 * still has a PE header (the file ends inside a section or the certificates). */
static void test_truncation_sweep(void **state)
{
    (void)state;
    if (!have_sign)
        skip();
    size_t n;
    uint8_t *b = fx_slurp("signed.exe", &n);
    uint32_t lfanew = b[0x3c] | b[0x3d] << 8;
    for (size_t len = 0; len < n; len += len < 4096 ? 1 : 7) {
        uint8_t *t = malloc(len ? len : 1);
        memcpy(t, b, len);
        pki_frec rec;
        run(t, len, &rec);
        if (len >= lfanew + 4 && count(&rec, "PK-PE-0007") == 0)
            fail_msg("prefix of %zu bytes gave no PK-PE-0007", len);
        pki_frec_fini(&rec);
        free(t);
    }
    free(b);
}

/* ---- a PE32 crafted byte by byte ---- */

static void w16(uint8_t *b, size_t o, uint32_t v)
{
    b[o] = (uint8_t)v;
    b[o + 1] = (uint8_t)(v >> 8);
}

static void w32(uint8_t *b, size_t o, uint32_t v)
{
    w16(b, o, v & 0xffff);
    w16(b, o + 2, v >> 16);
}

/* VS_VERSIONINFO writer: node headers patched when the node ends. */
typedef struct vb {
    uint8_t *b;
    size_t n;
} vb;

static size_t vb_begin(vb *v, const char *key, uint16_t type, const uint16_t *val, size_t nval)
{
    size_t start = v->n;
    v->n += 6;
    for (const char *k = key;; k++) {
        w16(v->b, v->n, (uint8_t)*k);
        v->n += 2;
        if (!*k)
            break;
    }
    v->n = (v->n + 3) & ~(size_t)3;
    for (size_t i = 0; i < nval; i++, v->n += 2)
        w16(v->b, v->n, val[i]);
    w16(v->b, start + 2, (uint16_t)(type == 1 ? nval : nval * 2));
    w16(v->b, start + 4, type);
    return start;
}

static void vb_end(vb *v, size_t start)
{
    w16(v->b, start, (uint16_t)(v->n - start));
    v->n = (v->n + 3) & ~(size_t)3;
}

static void vb_string(vb *v, const char *key, const uint16_t *val, size_t nval)
{
    vb_end(v, vb_begin(v, key, 1, val, nval));
}

/* A VS_VERSIONINFO with a fixed part and strings holding a surrogate pair
 * (U+1F600) and a lone surrogate. Returns its length. */
static size_t craft_version(uint8_t *out)
{
    vb v = {out, 0};
    uint16_t fixed[26] = {0};
    fixed[0] = 0x04bd, fixed[1] = 0xfeef;     /* dwSignature */
    fixed[4] = 2, fixed[5] = 1, fixed[6] = 4; /* FileVersionMS 1.2, LS 3.4 */
    fixed[7] = 3, fixed[8] = 0, fixed[9] = 9; /* ProductVersion 9.0.0.0 */
    size_t root = vb_begin(&v, "VS_VERSION_INFO", 0, fixed, 26);
    size_t sfi = vb_begin(&v, "StringFileInfo", 1, NULL, 0);
    size_t tab = vb_begin(&v, "040904b0", 1, NULL, 0);
    const uint16_t co[] = {'C', 'o', ' ', 0xd83d, 0xde00, 0};
    const uint16_t pn[] = {'P', 0xdc00, 0};
    vb_string(&v, "CompanyName", co, 6);
    vb_string(&v, "ProductName", pn, 3);
    vb_end(&v, tab);
    vb_end(&v, sfi);
    vb_end(&v, root);
    return v.n;
}

enum { RS_OK, RS_LOOP, RS_DEEP };

/* i386 PE32, five sections: .text, UPX0 (W+X, packer name), .pkd (random
 * bytes, executable), .idata (KERNEL32.dll: ordinal 17 and ExitProcess),
 * .rsrc (type 16 > name 1 > lang 0x409 > VS_VERSIONINFO). */
static size_t craft_pe32(uint8_t *b, int rsrc_mode, uint16_t dll_chars)
{
    const size_t size = 0x1a00;
    memset(b, 0, size);
    b[0] = 'M', b[1] = 'Z';
    w32(b, 0x3c, 0x40);
    memcpy(b + 0x40, "PE\0\0", 4);
    w16(b, 0x44, 0x14c);      /* Machine: I386 */
    w16(b, 0x46, 5);          /* NumberOfSections */
    w32(b, 0x48, 0x5f000000); /* TimeDateStamp */
    w16(b, 0x54, 0xe0);       /* SizeOfOptionalHeader */
    w16(b, 0x56, 0x0102);     /* EXECUTABLE_IMAGE | 32BIT_MACHINE */
    const size_t o = 0x58;
    w16(b, o, 0x10b);
    w32(b, o + 16, 0x1000);   /* AddressOfEntryPoint */
    w32(b, o + 28, 0x400000); /* ImageBase */
    w32(b, o + 32, 0x1000);
    w32(b, o + 36, 0x200);
    w32(b, o + 56, 0x6000); /* SizeOfImage */
    w32(b, o + 60, 0x200);  /* SizeOfHeaders */
    w16(b, o + 68, 2);      /* WINDOWS_GUI */
    w16(b, o + 70, dll_chars);
    w32(b, o + 92, 16);
    w32(b, o + 96 + 8 * 1, 0x4000); /* import */
    w32(b, o + 100 + 8 * 1, 40);
    w32(b, o + 96 + 8 * 2, 0x5000); /* resource */
    w32(b, o + 100 + 8 * 2, 0x200);
    static const struct {
        const char *name;
        uint32_t rva, raw, rsize, chars;
    } secs[5] = {
        {".text", 0x1000, 0x200, 0x200, 0x60000020},  {"UPX0", 0x2000, 0x400, 0x200, 0xe0000080},
        {".pkd", 0x3000, 0x600, 0x1000, 0x60000020},  {".idata", 0x4000, 0x1600, 0x200, 0xc0000040},
        {".rsrc", 0x5000, 0x1800, 0x200, 0x40000040},
    };
    for (int i = 0; i < 5; i++) {
        size_t h = o + 0xe0 + 40 * (size_t)i;
        memcpy(b + h, secs[i].name, strlen(secs[i].name));
        w32(b, h + 8, secs[i].rsize);
        w32(b, h + 12, secs[i].rva);
        w32(b, h + 16, secs[i].rsize);
        w32(b, h + 20, secs[i].raw);
        w32(b, h + 36, secs[i].chars);
    }
    b[0x200] = 0xc3; /* ret */
    uint32_t x = 12345;
    for (size_t i = 0; i < 0x1000; i++) {
        x = x * 1103515245u + 12345u;
        b[0x600 + i] = (uint8_t)(x >> 16);
    }
    /* .idata at file 0x1600 = RVA 0x4000 */
    w32(b, 0x1600, 0x4040);
    w32(b, 0x1600 + 12, 0x4080);
    w32(b, 0x1600 + 16, 0x4060);
    w32(b, 0x1640, 0x80000011u);
    w32(b, 0x1644, 0x40a0);
    w32(b, 0x1660, 0x80000011u);
    w32(b, 0x1664, 0x40a0);
    memcpy(b + 0x1680, "KERNEL32.dll", 12);
    memcpy(b + 0x16a2, "ExitProcess", 11);
    /* .rsrc at file 0x1800 = RVA 0x5000: directories at 0x00, 0x18, 0x30 */
    const size_t r = 0x1800;
    w16(b, r + 14, 1);
    w32(b, r + 16, 16);
    w32(b, r + 20, 0x80000000u | (rsrc_mode == RS_LOOP ? 0x00 : 0x18));
    w16(b, r + 0x18 + 14, 1);
    w32(b, r + 0x18 + 16, 1);
    w32(b, r + 0x18 + 20, 0x80000030u);
    w16(b, r + 0x30 + 14, 1);
    w32(b, r + 0x30 + 16, 0x409);
    w32(b, r + 0x30 + 20, rsrc_mode == RS_DEEP ? 0x80000180u : 0x48);
    w32(b, r + 0x48, 0x5060);
    w32(b, r + 0x48 + 4, (uint32_t)craft_version(b + r + 0x60));
    /* r + 0x180: an empty directory, one level too deep in RS_DEEP */
    return size;
}

static void test_pe32_crafted(void **state)
{
    (void)state;
    uint8_t *b = calloc(1, 0x1a00);
    size_t n = craft_pe32(b, RS_OK, 0);
    pki_frec rec;
    run(b, n, &rec);
    assert_string_equal(jstr(&rec, "machine.name"), "I386");
    assert_false(jtrue(&rec, "pe32_plus"));
    assert_string_equal(jstr(&rec, "subsystem"), "WINDOWS_GUI");
    assert_int_equal(json_integer_value(jget(&rec, "image_base")), 0x400000);
    assert_false(jtrue(&rec, "hardening.safeseh")); /* x86 without a load config */
    assert_int_equal(count(&rec, "PK-PE-0001"), 1);
    assert_int_equal(count(&rec, "PK-PE-0006"), 0); /* 32-bit */
    assert_int_equal(count(&rec, "PK-PE-0007"), 0);
    assert_non_null(find_msg(&rec, "PK-PE-0005", "UPX0"));
    const pk_finding *f = find_msg(&rec, "PK-PE-0005", ".pkd");
    assert_non_null(f);
    assert_string_equal(f->loc.record, "section .pkd");
    assert_int_equal(f->loc.offset, 0x58 + 0xe0 + 2 * 40);
    assert_true(
        json_real_value(json_object_get(jfind(&rec, "sections", "name", ".pkd"), "entropy")) > 7.9);
    assert_non_null(find_msg(&rec, "PK-PE-0008", "UPX0"));
    assert_int_equal(count(&rec, "PK-PE-0008"), 1);
    json_t *k = jfind(&rec, "imports", "dll", "KERNEL32.dll");
    assert_non_null(k);
    assert_true(jhas(json_object_get(k, "functions"), "#17"));
    assert_true(jhas(json_object_get(k, "functions"), "ExitProcess"));
    assert_string_equal(jstr(&rec, "version.CompanyName"), "Co \xf0\x9f\x98\x80");
    assert_string_equal(jstr(&rec, "version.ProductName"), "P\xef\xbf\xbd");
    assert_string_equal(jstr(&rec, "version.fixed_file_version"), "1.2.3.4");
    assert_string_equal(jstr(&rec, "version.fixed_product_version"), "9.0.0.0");
    pki_frec_fini(&rec);
    free(b);
}

static void test_resource_loop(void **state)
{
    (void)state;
    uint8_t *b = calloc(1, 0x1a00);
    size_t n = craft_pe32(b, RS_LOOP, 0x0140);
    pki_frec rec;
    run(b, n, &rec);
    const pk_finding *f = find_msg(&rec, "PK-PE-0007", "loop");
    assert_non_null(f);
    assert_string_equal(f->loc.record, "resource directory");
    assert_int_equal(f->loc.offset, 0x1800 + 16);
    assert_null(jget(&rec, "version"));
    pki_frec_fini(&rec);

    n = craft_pe32(b, RS_DEEP, 0x0140);
    run(b, n, &rec);
    assert_non_null(find_msg(&rec, "PK-PE-0007", "more than 3 levels"));
    pki_frec_fini(&rec);
    free(b);
}

static void test_hostile_tables(void **state)
{
    (void)state;
    uint8_t *b = calloc(1, 0x1a00);
    pki_frec rec;
    /* the import directory points into the zero-filled tail of a section */
    size_t n = craft_pe32(b, RS_OK, 0x0140);
    w32(b, 0x58 + 96 + 8, 0x2300);
    run(b, n, &rec);
    assert_non_null(find_msg(&rec, "PK-PE-0007", "maps to no file bytes"));
    pki_frec_fini(&rec);
    /* a resource directory claiming 65535 + 65535 entries */
    n = craft_pe32(b, RS_OK, 0x0140);
    w16(b, 0x1800 + 12, 0xffff);
    w16(b, 0x1800 + 14, 0xffff);
    run(b, n, &rec);
    assert_true(count(&rec, "PK-PE-0007") >= 1);
    pki_frec_fini(&rec);
    /* SizeOfOptionalHeader larger than the file; 0xffff sections */
    n = craft_pe32(b, RS_OK, 0x0140);
    w16(b, 0x54, 0xffff);
    w16(b, 0x46, 0xffff);
    run(b, n, &rec);
    assert_non_null(find_msg(&rec, "PK-PE-0007", "section table"));
    assert_true(jtrue(&rec, "sections_truncated"));
    pki_frec_fini(&rec);
    /* a certificate table that runs past the end */
    n = craft_pe32(b, RS_OK, 0x0140);
    w32(b, 0x58 + 96 + 8 * 4, 0x19c0);
    w32(b, 0x58 + 100 + 8 * 4, 0x10000);
    w32(b, 0x19c0, 0x10000);
    w16(b, 0x19c4, 0x200);
    w16(b, 0x19c6, 2);
    run(b, n, &rec);
    assert_non_null(find_msg(&rec, "PK-PE-0007", "certificate table"));
    assert_int_equal(count(&rec, "PK-PE-0004"), 1);
    pki_frec_fini(&rec);
    free(b);
}

static void test_version_parse_direct(void **state)
{
    (void)state;
    uint8_t buf[1024] = {0};
    size_t n = craft_version(buf);
    json_t *o = json_object();
    pki_pe_bad bad;
    assert_true(pki_pe_version_parse((pk_bytes){buf, n}, (pk_fact *)o, &bad));
    assert_string_equal(json_string_value(json_object_get(o, "fixed_file_version")), "1.2.3.4");
    json_decref(o);
    /* every prefix: false or true, never a crash; shorter than the root: false */
    for (size_t k = 0; k < n; k++) {
        o = json_object();
        bool ok = pki_pe_version_parse((pk_bytes){buf, k}, (pk_fact *)o, &bad);
        assert_false(ok);
        assert_non_null(bad.what);
        json_decref(o);
    }
    /* a child with wLength 0 stops the walk with an error */
    w16(buf, 0x5c, 0);
    o = json_object();
    assert_false(pki_pe_version_parse((pk_bytes){buf, n}, (pk_fact *)o, &bad));
    json_decref(o);
}

static void test_utf16(void **state)
{
    (void)state;
    const uint8_t in[] = {'A',  0,    0xe9, 0, 0x3d, 0xd8, 0x00, 0xde,
                          0x00, 0xdc, 'z',  0, 0,    0,    'q',  0};
    char out[32];
    size_t n = pki_pe_utf16_to_utf8((pk_bytes){in, sizeof in}, out, sizeof out);
    assert_string_equal(out, "A\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdz");
    assert_int_equal(n, strlen(out));
    /* a small buffer cuts at a whole character */
    n = pki_pe_utf16_to_utf8((pk_bytes){in, sizeof in}, out, 4);
    assert_string_equal(out, "A\xc3\xa9");
}

static void test_out_of_memory(void **state)
{
    (void)state;
    uint8_t *b = calloc(1, 0x1a00);
    size_t n = craft_pe32(b, RS_OK, 0);
    for (unsigned long k = 1; k < 40; k++) {
        pki_frec rec;
        assert_int_equal(pki_frec_init(&rec), PK_OK);
        pki_alloc_fail_after(k);
        pk_status st = pki_harness_run(&pki_analyzer_pe, (pk_bytes){b, n}, "x.exe", &rec);
        pki_alloc_fail_after(0);
        assert_true(st == PK_OK || st == PK_E_NOMEM);
        pki_frec_fini(&rec);
    }
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim),
        cmocka_unit_test(test_hardened_exe),
        cmocka_unit_test(test_weak_exe),
        cmocka_unit_test(test_dll_exports),
        cmocka_unit_test(test_ordinal_and_delay_imports),
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_nested_and_timestamp),
        cmocka_unit_test(test_overlay),
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_pe32_crafted),
        cmocka_unit_test(test_resource_loop),
        cmocka_unit_test(test_hostile_tables),
        cmocka_unit_test(test_version_parse_direct),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests_name("pe", tests, build_fixtures, remove_fixtures);
}
