/* The ELF analyzer on real toolchain output (docs/analyzers/elf.md).
 *
 * Fixtures are built at test time: tiny C programs compiled with `cc` (or $CC)
 * into a temporary directory with each hardening flag on and off, then read
 * through pki_harness_run; a test whose flags the toolchain refuses is
 * skipped. Hand-made and hostile files are in test_elf_craft.c. */
#include "elf_test.h"

#include <unistd.h>

PK_STATIC bool pki_elf_rpath_insecure(const uint8_t *p, size_t n);

static char tmpdir[256];
static const char *cc = "cc";

/* ---- fixtures ---- */

static const char *const prog_src =
    "#include <stdio.h>\n"
    "#include <string.h>\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    char buf[16];\n"
    "    strcpy(buf, argv[0]);\n" /* pkcheck: allow (fixture source) */
    "    memcpy(buf, argv[0], strlen(argv[0]) & 15);\n"
    "    printf(\"%s %d\\n\", buf, argc);\n"
    "    return 0;\n"
    "}\n";

static const char *const lib_src = "int pkt_hello(int x) { return x + 1; }\n";

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Compiles src (suffix ".c" or ".s") with flags into tmpdir/name; 0 on success. */
static int build(const char *name, const char *src, const char *suffix, const char *flags)
{
    char srcpath[512], cmd[2048];
    snprintf(srcpath, sizeof srcpath, "%s/%s%s", tmpdir, name, suffix);
    if (write_file(srcpath, src) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "%s %s -o '%s/%s' '%s' >'%s/%s.log' 2>&1", cc, flags, tmpdir, name,
             srcpath, tmpdir, name);
    return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *load(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Builds and runs one fixture; skips the test when the toolchain cannot. */
static void fixture(run *r, const char *name, const char *src, const char *flags)
{
    memset(r, 0, sizeof *r);
    if (build(name, src, ".c", flags) != 0) {
        print_message("cannot build %s with %s; skipped\n", name, flags);
        skip();
    }
    r->bytes = load(name, &r->len);
    run_bytes(r, r->bytes, r->len);
}

/* ---- compiled fixtures ---- */

static void test_canary(void **state)
{
    (void)state;
    run r;
    fixture(&r, "canary", prog_src, "-fstack-protector-all");
    assert_true(fbool(&r, "hardening.canary"));
    assert_true(fhas(&r, "imports", "__stack_chk_fail"));
    assert_null(finding(&r, "PK-ELF-0004"));
    run_free(&r);

    fixture(&r, "nocanary", prog_src, "-fno-stack-protector");
    assert_false(fbool(&r, "hardening.canary"));
    const pk_finding *f = finding(&r, "PK-ELF-0004");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_LOW);
    assert_string_equal(f->loc.record, ".dynsym");
    run_free(&r);
}

static void test_relro(void **state)
{
    (void)state;
    run r;
    fixture(&r, "relro_full", prog_src, "-Wl,-z,relro,-z,now");
    assert_string_equal(fstr(&r, "hardening.relro"), "full");
    assert_null(finding(&r, "PK-ELF-0002"));
    assert_null(finding(&r, "PK-ELF-0003"));
    run_free(&r);

    fixture(&r, "relro_partial", prog_src, "-Wl,-z,relro,-z,lazy");
    assert_string_equal(fstr(&r, "hardening.relro"), "partial");
    const pk_finding *f = finding(&r, "PK-ELF-0003");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_LOW);
    assert_string_equal(f->loc.record, ".dynamic");
    assert_null(finding(&r, "PK-ELF-0002"));
    run_free(&r);

    fixture(&r, "relro_none", prog_src, "-Wl,-z,norelro");
    assert_string_equal(fstr(&r, "hardening.relro"), "none");
    f = finding(&r, "PK-ELF-0002");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    run_free(&r);
}

static void test_pie(void **state)
{
    (void)state;
    run r;
    fixture(&r, "pie", prog_src, "-fPIE -pie");
    assert_string_equal(fstr(&r, "type"), "dyn");
    assert_string_equal(fstr(&r, "hardening.pie"), "pie");
    assert_null(finding(&r, "PK-ELF-0001"));
    run_free(&r);

    fixture(&r, "nopie", prog_src, "-fno-PIE -no-pie");
    assert_string_equal(fstr(&r, "type"), "exec");
    assert_string_equal(fstr(&r, "hardening.pie"), "no");
    const pk_finding *f = finding(&r, "PK-ELF-0001");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_int_equal(f->loc.offset, 16);
    assert_int_equal(f->evidence.len, 2);
    run_free(&r);
}

static void test_fortify(void **state)
{
    (void)state;
    run r;
    fixture(&r, "fortified", prog_src, "-O2 -D_FORTIFY_SOURCE=2");
    assert_true(fbool(&r, "hardening.fortify.source"));
    assert_true(fhas(&r, "hardening.fortify.fortified", "__printf_chk"));
    assert_true(fhas(&r, "hardening.fortify.fortified", "__strcpy_chk"));
    assert_null(finding(&r, "PK-ELF-0006"));
    run_free(&r);

    fixture(&r, "unfortified", prog_src, "-U_FORTIFY_SOURCE -O0");
    assert_false(fbool(&r, "hardening.fortify.source"));
    assert_int_equal(json_array_size(fact(&r, "hardening.fortify.fortified")), 0);
    assert_true(fhas(&r, "hardening.fortify.fortifiable", "printf"));
    assert_true(fhas(&r, "hardening.fortify.fortifiable", "strcpy"));
    assert_true(fhas(&r, "hardening.fortify.fortifiable", "memcpy"));
    const pk_finding *f = finding(&r, "PK-ELF-0006");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "printf"));
    run_free(&r);
}

static void test_execstack(void **state)
{
    (void)state;
    run r;
    fixture(&r, "execstack", prog_src, "-z execstack");
    assert_false(fbool(&r, "hardening.nx"));
    const pk_finding *f = finding(&r, "PK-ELF-0005");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_string_equal(f->loc.record, "PT_GNU_STACK");
    assert_true(f->evidence.len >= 32);
    run_free(&r);

    fixture(&r, "noexecstack", prog_src, "-z noexecstack");
    assert_true(fbool(&r, "hardening.nx"));
    assert_null(finding(&r, "PK-ELF-0005"));
    run_free(&r);
}

static void test_rpath(void **state)
{
    (void)state;
    run r;
    fixture(&r, "rpath_dot", prog_src, "-Wl,-rpath,.");
    /* new or old dtags depending on the linker's default */
    const char *p = json_is_string(fact(&r, "runpath")) ? fstr(&r, "runpath") : fstr(&r, "rpath");
    assert_string_equal(p, ".");
    assert_true(fbool(&r, "hardening.rpath_insecure"));
    const pk_finding *f = finding(&r, "PK-ELF-0007");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_int_equal(f->evidence.len, 1);
    assert_memory_equal(f->evidence.ptr, ".", 1);
    assert_memory_equal(r.bytes + f->loc.offset, ".", 2);
    run_free(&r);

    fixture(&r, "rpath_tmp", prog_src, "-Wl,--disable-new-dtags,-rpath,/tmp/lib");
    assert_string_equal(fstr(&r, "rpath"), "/tmp/lib");
    assert_non_null(finding(&r, "PK-ELF-0007"));
    run_free(&r);

    fixture(&r, "rpath_origin", prog_src, "-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'");
    assert_string_equal(fstr(&r, "runpath"), "$ORIGIN/../lib");
    assert_false(fbool(&r, "hardening.rpath_insecure"));
    assert_null(finding(&r, "PK-ELF-0007"));
    run_free(&r);
}

static void test_rpath_rules(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool bad;
    } cases[] = {
        {"", true},
        {".", true},
        {"lib", true},
        {"/usr/lib", false},
        {"/usr/lib:", true},
        {":/usr/lib", true},
        {"/a::/b", true},
        {"$ORIGIN", false},
        {"${ORIGIN}/x", false},
        {"$ORIGIN/../lib:/opt/x/lib", false},
        {"/tmp", true},
        {"/tmp/x", true},
        {"/tmpfoo", false},
        {"/var/tmp/l", true},
        {"/dev/shm", true},
        {"$LIB", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = cases[i].s;
        if (pki_elf_rpath_insecure((const uint8_t *)s, strlen(s)) != cases[i].bad)
            fail_msg("rpath \"%s\": expected %s", s, cases[i].bad ? "insecure" : "fine");
    }
}

static void test_shared(void **state)
{
    (void)state;
    run r;
    fixture(&r, "libpkt.so", lib_src, "-shared -fPIC -Wl,-soname,libpkt.so.1");
    assert_string_equal(fstr(&r, "type"), "dyn");
    assert_string_equal(fstr(&r, "soname"), "libpkt.so.1");
    assert_string_equal(fstr(&r, "hardening.pie"), "dso");
    assert_true(fhas(&r, "exports", "pkt_hello"));
    assert_true(json_integer_value(fact(&r, "exports_count")) >= 1);
    assert_null(finding(&r, "PK-ELF-0001"));
    run_free(&r);
}

static void test_cet(void **state)
{
    (void)state;
#if defined(__x86_64__) || defined(__i386__)
    run r;
    /* crt objects may lack the property, so the linker is told to keep it */
    fixture(&r, "cet", prog_src, "-fcf-protection=full -Wl,-z,ibt,-z,shstk");
    assert_true(fbool(&r, "hardening.cet.ibt"));
    assert_true(fbool(&r, "hardening.cet.shstk"));
    run_free(&r);

    fixture(&r, "cet.o", prog_src, "-c -fcf-protection=full");
    assert_string_equal(fstr(&r, "type"), "rel");
    assert_string_equal(fstr(&r, "hardening.pie"), "rel");
    assert_true(fbool(&r, "hardening.cet.ibt"));
    assert_true(fbool(&r, "hardening.cet.shstk"));
    assert_null(finding(&r, "PK-ELF-0004")); /* objects get no hardening findings */
    run_free(&r);

    fixture(&r, "nocet.o", prog_src, "-c -fcf-protection=none");
    assert_false(fbool(&r, "hardening.cet.ibt"));
    assert_false(fbool(&r, "hardening.cet.shstk"));
    run_free(&r);
#else
    skip();
#endif
}

static void test_ident(void **state)
{
    (void)state;
    run r;
    fixture(&r, "ident", prog_src, "-Wl,--build-id=0x0123456789abcdef");
    assert_string_equal(fstr(&r, "build_id"), "0123456789abcdef");
    assert_true(fhas(&r, "needed", "libc.so.6"));
    assert_int_equal(fstr(&r, "interpreter")[0], '/');
    assert_int_equal(json_integer_value(fact(&r, "class")), sizeof(void *) * 8);
    assert_string_equal(fstr(&r, "endianness"),
                        __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? "big" : "little");
#if defined(__x86_64__)
    assert_string_equal(fstr(&r, "machine"), "x86_64");
    assert_int_equal(json_integer_value(fact(&r, "e_machine")), 62);
#elif defined(__aarch64__)
    assert_string_equal(fstr(&r, "machine"), "aarch64");
#endif
    assert_false(fbool(&r, "stripped"));
    json_t *secs = fact(&r, "sections");
    assert_true(json_array_size(secs) > 10);
    int saw_text = 0;
    size_t i;
    json_t *s;
    json_array_foreach(secs, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "name")), ".text") == 0) {
            saw_text = 1;
            assert_string_equal(json_string_value(json_object_get(s, "type")), "PROGBITS");
            assert_string_equal(json_string_value(json_object_get(s, "flags")), "AX");
            assert_true(json_integer_value(json_object_get(s, "size")) > 0);
        }
    }
    assert_true(saw_text);
    assert_null(finding(&r, "PK-ELF-0008"));
    run_free(&r);

    fixture(&r, "stripped", prog_src, "-s -fstack-protector-all");
    assert_true(fbool(&r, "stripped"));
    assert_true(fbool(&r, "hardening.canary")); /* from .dynsym */
    run_free(&r);
}

/* A tiny assembly program: no function symbols, no libc, so no PK-ELF-0004. */
static void test_asm_no_canary_noise(void **state)
{
    (void)state;
#if defined(__x86_64__)
    run r;
    memset(&r, 0, sizeof r);
    if (build("tiny", ".globl _start\n_start:\n jmp _start\n", ".s", "-nostdlib -static") != 0)
        skip();
    r.bytes = load("tiny", &r.len);
    run_bytes(&r, r.bytes, r.len);
    assert_false(fbool(&r, "hardening.canary"));
    assert_null(finding(&r, "PK-ELF-0004"));
    assert_non_null(finding(&r, "PK-ELF-0001"));
    run_free(&r);
#else
    skip();
#endif
}

static void test_exports_cap(void **state)
{
    (void)state;
    size_t cap = 6000 * 48 + 1;
    char *src = malloc(cap);
    assert_non_null(src);
    size_t n = 0;
    for (int i = 0; i < 6000; i++)
        n += (size_t)snprintf(src + n, cap - n, "int pk_f%d(void) { return %d; }\n", i, i);
    run r;
    fixture(&r, "libmany.so", src, "-shared -fPIC");
    free(src);
    assert_true(json_integer_value(fact(&r, "exports_count")) >= 6000);
    assert_int_equal(json_array_size(fact(&r, "exports")), PKI_ELF_MAX_SYM_FACTS);
    run_free(&r);
}

/* Every prefix of a real executable: no crash, and PK-ELF-0008 whenever a
 * table is cut (the section header table ends GNU ld's output, so any cut). */
static void test_truncated(void **state)
{
    (void)state;
    run full;
    fixture(&full, "trunc", prog_src, "-O2");
    assert_null(finding(&full, "PK-ELF-0008"));
    size_t n = full.len;
    for (size_t len = 0; len < n; len += len < 512 ? 1 : 7) {
        run r;
        memset(&r, 0, sizeof r);
        run_bytes(&r, full.bytes, len);
        if (len >= 4 && !finding(&r, "PK-ELF-0008"))
            fail_msg("a copy cut at %zu of %zu bytes gave no PK-ELF-0008", len, n);
        if (len >= 4 && len < 64)
            assert_non_null(finding_at(&r, "PK-ELF-0008", "ELF header"));
        pki_frec_fini(&r.rec);
    }
    run_free(&full);
}

static char *facts_dump(const pki_frec *rec)
{
    char *s = json_dumps(rec->facts, JSON_SORT_KEYS | JSON_COMPACT);
    assert_non_null(s);
    return s;
}

/* Failing each allocation in turn ends in PK_E_NOMEM or the full result. */
static void test_oom(void **state)
{
    (void)state;
    run full;
    fixture(&full, "oom", prog_src, "-O2");
    char *want = facts_dump(&full.rec);
    int done = 0;
    for (unsigned long k = 1; k < 1000 && !done; k++) {
        pki_frec rec;
        assert_int_equal(pki_frec_init(&rec), PK_OK);
        pk_bytes d = {full.bytes, full.len};
        pki_alloc_fail_after(k);
        pk_status st = pki_harness_run(&pki_analyzer_elf, d, "oom", &rec);
        pki_alloc_fail_after(0);
        assert_true(st == PK_OK || st == PK_E_NOMEM);
        if (st == PK_OK) {
            char *got = facts_dump(&rec);
            assert_string_equal(got, want);
            assert_int_equal(rec.nfind, full.rec.nfind);
            free(got);
            done = 1;
        }
        pki_frec_fini(&rec);
    }
    assert_true(done);
    free(want);
    run_free(&full);
}

/* ---- setup ---- */

static int group_setup(void **state)
{
    (void)state;
    const char *env = getenv("CC");
    if (env && *env)
        cc = env;
    snprintf(tmpdir, sizeof tmpdir, "%s/pk-elf-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canary),
        cmocka_unit_test(test_relro),
        cmocka_unit_test(test_pie),
        cmocka_unit_test(test_fortify),
        cmocka_unit_test(test_execstack),
        cmocka_unit_test(test_rpath),
        cmocka_unit_test(test_rpath_rules),
        cmocka_unit_test(test_shared),
        cmocka_unit_test(test_cet),
        cmocka_unit_test(test_ident),
        cmocka_unit_test(test_asm_no_canary_noise),
        cmocka_unit_test(test_exports_cap),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
