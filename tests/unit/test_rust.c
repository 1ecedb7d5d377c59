/* The rust analyzer. Fixtures are built at test time: a C program (cc) whose
 * string constants hold Cargo registry paths as Rust panic messages do, and
 * copies given a cargo-auditable ".dep-v0" section by objcopy, its zlib JSON
 * made by python3's zlib; an ELF and, with mingw-w64, a PE. Hostile sections:
 * a zlib bomb past the inflate cap, a corrupt stream, JSON that is not a
 * package list, out-of-range dependency indices. */
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

extern const pk_analyzer pki_analyzer_rust;

#define comp(rec, name) ct_find(rec, CT_ANY, name, CT_ANY)

static int have_mingw;

/* A fixture file, run through the analyzer under its own name. */
static void run_file(const char *name, pki_frec *rec)
{
    size_t n;
    uint8_t *b = fx_slurp(name, &n);
    ct_run(&pki_analyzer_rust, rec, b, n, name);
    free(b);
}

static const char packages[] =
    "{\"packages\":["
    "{\"name\":\"myapp\",\"version\":\"0.3.1\",\"source\":\"local\",\"dependencies\":[1,2,9],"
    "\"root\":true},"
    "{\"name\":\"serde\",\"version\":\"1.0.188\",\"source\":\"crates.io\",\"dependencies\":[3]},"
    "{\"name\":\"mygit\",\"version\":\"0.1.0\",\"source\":\"git\"},"
    "{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"}"
    "]}";

static int setup(void **st)
{
    (void)st;
    if (fx_mkdtemp("/tmp/pk-rust-XXXXXX") != 0)
        return -1;
    fx_put("pkg.json", packages);
    fx_put("notpkgs.json", "{\"crates\": []}");
    fx_put("main.c",
           "#include <stdio.h>\n"
           "const char *p[] = {\n"
           " \"/home/ci/.cargo/registry/src/index.crates.io-6f17d22bba15001f/serde-1.0.188/src/de/"
           "mod.rs\",\n"
           " \"/home/ci/.cargo/registry/src/index.crates.io-6f17d22bba15001f/serde-1.0.188/src/"
           "lib.rs\","
           "\n"
           " \"C:\\\\Users\\\\ci\\\\.cargo\\\\registry\\\\src\\\\github.com-1ecc6299db9ec823\\\\"
           "windows-sys-0.48.0\\\\src\\\\lib.rs\",\n"
           " \"/cargo/registry/src/my.registry-0123456789abcdef/tokio-macros-2.0.0-beta.2+meta/src/"
           "x.rs\",\n"
           " \"/cargo/registry/src/my.registry-0123456789abcdef/not-a-version/src/x.rs\",\n"
           " \"/r/.cargo/registry/src/idx/nohash-1.0.0/src/x.rs\",\n"
           " \"/r/.cargo/git/checkouts/foo-1.0.0/src/x.rs\",\n"
           "};\n"
           "int main(int c, char **v) { (void)v; puts(p[c % 7]); return 0; }\n");
    have_mingw = system("command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1") == 0;
    const char *py =
        "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.compress(open(sys.argv[1], "
        "'rb').read(), 9))";
    if (fx_sh("cc -O0 -o plain main.c && python3 -c \"%s\" pkg.json pkg.z && "
              "python3 -c \"%s\" notpkgs.json notpkgs.z && "
              "python3 -c \"import zlib; open('bomb.z','wb').write(zlib.compress(b' ' * (9 << 20), "
              "9))\" "
              "&& head -c 120 pkg.z > cut.z && "
              "objcopy --add-section .dep-v0=pkg.z plain audited && "
              "objcopy --add-section .dep-v0=cut.z plain cut && "
              "objcopy --add-section .dep-v0=bomb.z plain bomb && "
              "objcopy --add-section .dep-v0=notpkgs.z plain notpkgs",
              py, py) != 0)
        return -1;
    if (have_mingw && fx_sh("x86_64-w64-mingw32-gcc -O0 -o plain.exe main.c && "
                            "x86_64-w64-mingw32-objcopy --add-section .dep-v0=pkg.z "
                            "--set-section-flags .dep-v0=contents,readonly,data "
                            "plain.exe audited.exe") != 0)
        return -1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    return fx_remove();
}

static void check_audited(const pki_frec *rec)
{
    assert_int_equal(json_array_size(rec->components), 4); /* no panic-path components */
    json_t *a = comp(rec, "myapp");
    assert_string_equal(ct_str(a, "type"), "cargo");
    assert_string_equal(ct_str(a, "version"), "0.3.1");
    assert_string_equal(ct_str(a, "kind"), "application");
    assert_true(json_is_true(json_object_get(a, "self")));
    assert_string_equal(ct_str(a, "rule"), "cargo-auditable");
    assert_string_equal(ct_str(a, "method"), "binary-analysis");
    assert_string_equal(ct_str(a, "record"), ".dep-v0");
    assert_string_equal(ct_attr_str(a, "cargo_source"), "local");
    assert_int_equal(json_array_size(json_object_get(a, "deps")), 2); /* index 9 dropped */
    ct_assert_dep(a, 0, "serde", "1.0.188");
    ct_assert_dep(a, 1, "mygit", "0.1.0");
    json_t *s = comp(rec, "serde");
    assert_string_equal(ct_str(s, "kind"), "library");
    assert_null(json_object_get(s, "self"));
    assert_string_equal(ct_attr_str(s, "cargo_source"), "crates.io");
    ct_assert_dep(s, 0, "cc", "1.0.83");
    assert_string_equal(ct_attr_str(comp(rec, "mygit"), "cargo_source"), "git");
    assert_string_equal(ct_attr_str(comp(rec, "cc"), "cargo_kind"), "build");
}

static void test_audited_elf(void **st)
{
    (void)st;
    pki_frec rec;
    run_file("audited", &rec);
    check_audited(&rec);
    /* the section's range: the zlib stream objcopy copied in */
    size_t zn, n;
    uint8_t *z = fx_slurp("pkg.z", &zn), *b = fx_slurp("audited", &n);
    json_t *a = comp(&rec, "myapp");
    json_int_t off = json_integer_value(json_object_get(a, "offset"));
    assert_int_equal(json_integer_value(json_object_get(a, "length")), zn);
    assert_memory_equal(b + off, z, zn);
    free(z);
    free(b);
    pki_frec_fini(&rec);
}

static void test_audited_pe(void **st)
{
    (void)st;
    if (!have_mingw)
        skip();
    pki_frec rec;
    run_file("audited.exe", &rec);
    check_audited(&rec);
    pki_frec_fini(&rec);
}

static void test_panic_paths(void **st)
{
    (void)st;
    pki_frec rec;
    run_file("plain", &rec);
    assert_int_equal(json_array_size(rec.components), 3); /* serde once */
    json_t *s = comp(&rec, "serde");
    assert_string_equal(ct_str(s, "type"), "cargo");
    assert_string_equal(ct_str(s, "version"), "1.0.188");
    assert_string_equal(ct_str(s, "rule"), "rust-panic-path");
    assert_int_equal(json_integer_value(json_object_get(s, "confidence")), 40);
    assert_string_equal(ct_str(s, "matched"), "serde-1.0.188");
    assert_string_equal(ct_str(comp(&rec, "windows-sys"), "version"), "0.48.0");
    assert_string_equal(ct_str(comp(&rec, "tokio-macros"), "version"), "2.0.0-beta.2+meta");
    pki_frec_fini(&rec);
}

/* A real Rust binary (skipped without rustc): rustc keeps the source path
 * in panic locations, so a crate compiled from a registry-shaped directory
 * is named by it. */
static void test_real_rustc(void **st)
{
    (void)st;
    if (system("command -v rustc >/dev/null 2>&1") != 0)
        skip();
    const char *src = "cargo/registry/src/index.crates.io-6f17d22bba15001f/pkcrate-0.7.1/src";
    assert_int_equal(fx_sh("mkdir -p %s", src), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/main.rs", src);
    fx_put(path,
           "fn main() {\n    let v: Vec<usize> = std::env::args().map(|a| a.len()).collect();\n"
           "    if v.len() > 100 {\n        panic!(\"too many arguments\");\n    }\n"
           "    println!(\"{}\", v[v.len() - 1]);\n}\n");
    assert_int_equal(fx_sh("rustc -O -o realrust %s/%s", fx_dir, path), 0);
    pki_frec rec;
    run_file("realrust", &rec);
    json_t *c = comp(&rec, "pkcrate");
    assert_string_equal(ct_str(c, "version"), "0.7.1");
    assert_string_equal(ct_str(c, "rule"), "rust-panic-path");
    pki_frec_fini(&rec);
}

/* A section that cannot be read falls back to the panic paths. */
static void test_hostile_sections(void **st)
{
    (void)st;
    const char *names[] = {"cut", "bomb", "notpkgs"};
    for (size_t i = 0; i < 3; i++) {
        pki_frec rec;
        run_file(names[i], &rec);
        assert_int_equal(json_array_size(rec.components), 3);
        assert_string_equal(ct_str(comp(&rec, "serde"), "rule"), "rust-panic-path");
        pki_frec_fini(&rec);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audited_elf), cmocka_unit_test(test_audited_pe),
        cmocka_unit_test(test_panic_paths), cmocka_unit_test(test_hostile_sections),
        cmocka_unit_test(test_real_rustc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
