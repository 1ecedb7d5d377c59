/* The ELF analyzer on hand-made files: the other classes and byte orders the
 * host compiler cannot produce (32/64-bit, big/little-endian, without section
 * headers), and hostile variants that must give PK-ELF-0008 and go on. */
#include "elf_test.h"

/* ---- hand-crafted files: other classes and byte orders, hostile variants ---- */

typedef struct craft {
    uint8_t b[2048];
    size_t n;
    int is64, big;
    /* where things are, for the hostile variants */
    size_t ph, interp, dynstr, note, dynsym, gnuhash, dyn, dyn_null;
    size_t ndyn;
} craft;

#define BASE_VA 0x10000u

static void put(craft *c, size_t at, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = 8 * (c->big ? size - 1 - i : i);
        c->b[at + i] = (uint8_t)(v >> shift);
    }
}

static void put_addr(craft *c, size_t at, uint64_t v)
{
    put(c, at, v, c->is64 ? 8 : 4);
}

static size_t align8(size_t v)
{
    return (v + 7) & ~(size_t)7;
}

enum { NPH = 6 };

static void phdr(craft *c, int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t sz)
{
    size_t at = c->ph + (size_t)i * (c->is64 ? 56 : 32);
    put(c, at, type, 4);
    if (c->is64) {
        put(c, at + 4, flags, 4);
        put(c, at + 8, off, 8);
        put(c, at + 16, BASE_VA + off, 8);
        put(c, at + 24, BASE_VA + off, 8);
        put(c, at + 32, sz, 8);
        put(c, at + 40, sz, 8);
        put(c, at + 48, type == 1 ? 0x1000 : (type == 4 ? 4 : 8), 8);
    } else {
        put(c, at + 4, off, 4);
        put(c, at + 8, BASE_VA + off, 4);
        put(c, at + 12, BASE_VA + off, 4);
        put(c, at + 16, sz, 4);
        put(c, at + 20, sz, 4);
        put(c, at + 24, flags, 4);
        put(c, at + 28, type == 1 ? 0x1000 : (type == 4 ? 4 : 8), 4);
    }
}

static void dyn(craft *c, uint64_t tag, uint64_t val)
{
    size_t at = c->dyn + c->ndyn++ * (c->is64 ? 16 : 8);
    put_addr(c, at, tag);
    put_addr(c, at + (c->is64 ? 8 : 4), val);
}

static void sym(craft *c, size_t at, uint32_t name, uint8_t info)
{
    put(c, at, name, 4);
    if (c->is64)
        c->b[at + 4] = info;
    else
        c->b[at + 12] = info;
}

/* An executable (or shared object with DT_DEBUG) with no section headers:
 * PT_LOAD over the whole file, PT_INTERP, PT_DYNAMIC, PT_GNU_STACK (RW),
 * PT_GNU_RELRO, PT_NOTE (build-id); .dynsym sized by DT_GNU_HASH with two
 * imports, printf and __stack_chk_fail; DT_FLAGS BIND_NOW. */
static void craft_elf(craft *c, int is64, int big, uint16_t machine, uint16_t type)
{
    static const char strs[] = "\0libc.so.6\0printf\0__stack_chk_fail";
    memset(c, 0, sizeof *c);
    c->is64 = is64;
    c->big = big;
    size_t eh = is64 ? 64 : 52, phe = is64 ? 56 : 32, se = is64 ? 24 : 16, w = is64 ? 8 : 4;
    memcpy(c->b, "\177ELF", 4);
    c->b[4] = is64 ? 2 : 1;
    c->b[5] = big ? 2 : 1;
    c->b[6] = 1;
    c->b[7] = 3;
    c->ph = eh;
    c->interp = align8(c->ph + NPH * phe);
    memcpy(c->b + c->interp, "/lib/ld.so.1", 13);
    c->dynstr = c->interp + 16;
    memcpy(c->b + c->dynstr, strs, sizeof strs);
    c->note = align8(c->dynstr + sizeof strs);
    put(c, c->note, 4, 4);
    put(c, c->note + 4, 8, 4);
    put(c, c->note + 8, 3, 4);
    memcpy(c->b + c->note + 12, "GNU", 4);
    memcpy(c->b + c->note + 16, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
    c->dynsym = align8(c->note + 24);
    sym(c, c->dynsym + se, 11, 0x12);     /* printf: GLOBAL FUNC, UND */
    sym(c, c->dynsym + 2 * se, 18, 0x12); /* __stack_chk_fail */
    c->gnuhash = align8(c->dynsym + 3 * se);
    put(c, c->gnuhash, 1, 4);      /* nbuckets */
    put(c, c->gnuhash + 4, 1, 4);  /* symoffset */
    put(c, c->gnuhash + 8, 1, 4);  /* bloom words */
    put(c, c->gnuhash + 12, 0, 4); /* bloom shift */
    put_addr(c, c->gnuhash + 16, UINT64_MAX);
    put(c, c->gnuhash + 16 + w, 1, 4); /* bucket 0 -> symbol 1 */
    put(c, c->gnuhash + 20 + w, 0, 4); /* chain of symbol 1: go on */
    put(c, c->gnuhash + 24 + w, 1, 4); /* chain of symbol 2: last */
    c->dyn = align8(c->gnuhash + 28 + w);
    dyn(c, 1, 1); /* DT_NEEDED libc.so.6 */
    dyn(c, 5, BASE_VA + c->dynstr);
    dyn(c, 10, sizeof strs);
    dyn(c, 6, BASE_VA + c->dynsym);
    dyn(c, 11, se);
    dyn(c, 0x6ffffef5, BASE_VA + c->gnuhash);
    dyn(c, 30, 8); /* DT_FLAGS: DF_BIND_NOW */
    if (type == 3)
        dyn(c, 21, 0); /* DT_DEBUG */
    c->dyn_null = c->dyn + c->ndyn * (is64 ? 16 : 8);
    dyn(c, 0, 0);
    c->n = c->dyn + c->ndyn * (is64 ? 16 : 8);

    put(c, 16, type, 2);
    put(c, 18, machine, 2);
    put(c, 20, 1, 4);
    put_addr(c, 24, BASE_VA + c->interp);
    put_addr(c, is64 ? 32 : 28, c->ph);
    put(c, is64 ? 52 : 40, eh, 2);
    put(c, is64 ? 54 : 42, phe, 2);
    put(c, is64 ? 56 : 44, NPH, 2);
    put(c, is64 ? 58 : 46, is64 ? 64 : 40, 2);
    phdr(c, 0, 1, 5, 0, c->n);
    phdr(c, 1, 3, 4, c->interp, 13);
    phdr(c, 2, 2, 6, c->dyn, c->n - c->dyn);
    phdr(c, 3, 0x6474e551, 6, 0, 0);
    phdr(c, 4, 0x6474e552, 4, c->dyn, c->n - c->dyn);
    phdr(c, 5, 4, 4, c->note, 24);
}

static void run_craft(run *r, const craft *c)
{
    memset(r, 0, sizeof *r);
    run_bytes(r, c->b, c->n);
}

static void check_craft(const craft *c, int bits, const char *endian, const char *machine,
                        const char *type)
{
    run r;
    run_craft(&r, c);
    if (r.rec.nfind && finding(&r, "PK-ELF-0008"))
        fail_msg("unexpected PK-ELF-0008: %s", finding(&r, "PK-ELF-0008")->message);
    assert_int_equal(json_integer_value(fact(&r, "class")), bits);
    assert_string_equal(fstr(&r, "endianness"), endian);
    assert_string_equal(fstr(&r, "machine"), machine);
    assert_string_equal(fstr(&r, "type"), type);
    assert_string_equal(fstr(&r, "osabi"), "linux");
    assert_string_equal(fstr(&r, "interpreter"), "/lib/ld.so.1");
    assert_true(fhas(&r, "needed", "libc.so.6"));
    assert_string_equal(fstr(&r, "build_id"), "0123456789abcdef");
    assert_true(fhas(&r, "imports", "printf"));
    assert_true(fhas(&r, "imports", "__stack_chk_fail"));
    assert_int_equal(json_integer_value(fact(&r, "imports_count")), 2);
    assert_true(fbool(&r, "stripped"));
    assert_int_equal(json_integer_value(fact(&r, "sections_count")), 0);
    assert_string_equal(fstr(&r, "hardening.relro"), "full");
    assert_true(fbool(&r, "hardening.canary"));
    assert_true(fbool(&r, "hardening.nx"));
    assert_true(fhas(&r, "hardening.fortify.fortifiable", "printf"));
    assert_non_null(finding(&r, "PK-ELF-0006"));
    assert_null(finding(&r, "PK-ELF-0004"));
    if (strcmp(type, "exec") == 0) {
        assert_string_equal(fstr(&r, "hardening.pie"), "no");
        assert_non_null(finding(&r, "PK-ELF-0001"));
    } else {
        assert_string_equal(fstr(&r, "hardening.pie"), "pie");
        assert_null(finding(&r, "PK-ELF-0001"));
    }
    pki_frec_fini(&r.rec);
}

static void test_crafted_classes(void **state)
{
    (void)state;
    craft c;
    craft_elf(&c, 0, 1, 8, 2); /* ELF32 MSB MIPS executable */
    check_craft(&c, 32, "big", "mips", "exec");
    craft_elf(&c, 1, 1, 21, 3); /* ELF64 MSB PPC64 PIE */
    check_craft(&c, 64, "big", "ppc64", "dyn");
    craft_elf(&c, 0, 0, 3, 2); /* ELF32 LSB i386 */
    check_craft(&c, 32, "little", "i386", "exec");
    craft_elf(&c, 1, 0, 243, 3); /* ELF64 LSB RISC-V */
    check_craft(&c, 64, "little", "riscv", "dyn");
    craft_elf(&c, 0, 0, 40, 3); /* ELF32 LSB ARM */
    check_craft(&c, 32, "little", "arm", "dyn");
}

/* Runs a hostile variant and checks PK-ELF-0008 on the named table. */
static void expect_malformed(const craft *c, const char *table)
{
    run r;
    run_craft(&r, c);
    if (!finding_at(&r, "PK-ELF-0008", table)) {
        for (size_t i = 0; i < r.rec.nfind; i++)
            print_message("  got %s: %s\n", r.rec.findings[i].rule_id, r.rec.findings[i].message);
        fail_msg("no PK-ELF-0008 on %s", table);
    }
    const pk_finding *f = finding_at(&r, "PK-ELF-0008", table);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_true(f->loc.offset != PK_LOC_NONE);
    pki_frec_fini(&r.rec);
}

static void test_hostile(void **state)
{
    (void)state;
    for (int v = 0; v < 4; v++) {
        int is64 = v & 1, big = v >> 1;
        size_t phe = is64 ? 56 : 32, w = is64 ? 8 : 4;
        craft c;

        craft_elf(&c, is64, big, 62, 3); /* unknown class */
        c.b[4] = 3;
        expect_malformed(&c, "ELF header");

        craft_elf(&c, is64, big, 62, 3); /* header cut */
        c.n = is64 ? 40 : 30;
        expect_malformed(&c, "ELF header");

        craft_elf(&c, is64, big, 62, 3); /* PN_XNUM without sections */
        put(&c, is64 ? 56 : 44, 0xffff, 2);
        expect_malformed(&c, "program headers");

        craft_elf(&c, is64, big, 62, 3); /* program headers far away */
        put_addr(&c, is64 ? 32 : 28, is64 ? UINT64_MAX - 8 : UINT32_MAX - 8);
        expect_malformed(&c, "program headers");

        craft_elf(&c, is64, big, 62, 3); /* entry size too small */
        put(&c, is64 ? 54 : 42, 8, 2);
        expect_malformed(&c, "program headers");

        craft_elf(&c, is64, big, 62, 3); /* section headers cut */
        put_addr(&c, is64 ? 40 : 32, c.n - 10);
        put(&c, is64 ? 60 : 48, 3, 2);
        expect_malformed(&c, "section headers");

        craft_elf(&c, is64, big, 62, 3); /* extended section count, absurd */
        put_addr(&c, is64 ? 40 : 32, c.dynstr);
        put(&c, is64 ? 60 : 48, 0, 2);
        expect_malformed(&c, "section headers");

        craft_elf(&c, is64, big, 62, 3); /* no DT_NULL */
        put_addr(&c, c.dyn_null, 21);
        expect_malformed(&c, "PT_DYNAMIC");

        craft_elf(&c, is64, big, 62, 3); /* PT_DYNAMIC past the end */
        put_addr(&c, c.ph + 2 * phe + (is64 ? 8 : 4), c.n + 100);
        expect_malformed(&c, "PT_DYNAMIC");

        craft_elf(&c, is64, big, 62, 3); /* DT_NEEDED outside .dynstr */
        put_addr(&c, c.dyn + w, 0x7fffff);
        expect_malformed(&c, ".dynstr");

        craft_elf(&c, is64, big, 62, 3); /* DT_STRTAB unmapped */
        put_addr(&c, c.dyn + 3 * w, 0x7fff0000);
        expect_malformed(&c, ".dynamic");

        craft_elf(&c, is64, big, 62, 3); /* interpreter without NUL */
        memset(c.b + c.interp, 'A', 16);
        phdr(&c, 1, 3, 4, c.interp, 16);
        expect_malformed(&c, "PT_INTERP");

        craft_elf(&c, is64, big, 62, 3); /* note name too long */
        put(&c, c.note, 0xffffffffu, 4);
        expect_malformed(&c, "PT_NOTE");

        craft_elf(&c, is64, big, 62, 3); /* GNU hash bucket far away */
        put(&c, c.gnuhash + 16 + w, 0xfffffff0u, 4);
        expect_malformed(&c, "DT_GNU_HASH");

        craft_elf(&c, is64, big, 62, 3); /* symbol entry size 4 */
        put_addr(&c, c.dyn + 9 * w, 4);
        expect_malformed(&c, "DT_SYMTAB");
    }
}

/* Each byte set to 0x00 and 0xff in turn: no crash, no sanitizer report. */
static void test_byte_flips(void **state)
{
    (void)state;
    static const uint8_t vals[] = {0x00, 0xff, 0x80};
    for (int v = 0; v < 4; v++) {
        craft base;
        craft_elf(&base, v & 1, v >> 1, 62, 3);
        for (size_t i = 0; i < base.n; i++) {
            for (size_t k = 0; k < sizeof vals; k++) {
                craft c = base;
                c.b[i] = vals[k];
                run r;
                run_craft(&r, &c);
                pki_frec_fini(&r.rec);
            }
        }
    }
}

static void test_not_claimed(void **state)
{
    (void)state;
    pki_frec rec;
    static const uint8_t mz[] = "MZ\x90\0 not an ELF file at all";
    assert_int_equal(pki_frec_init(&rec), PK_OK);
    pk_bytes d = {mz, sizeof mz};
    assert_int_equal(pki_harness_run(&pki_analyzer_elf, d, "x.exe", &rec), PK_OK);
    assert_null(json_object_get(rec.facts, "elf"));
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
}

static void test_fortify_table_sorted(void **state)
{
    (void)state;
    assert_true(pki_elf_nfortify_fns > 70);
    for (size_t i = 1; i < pki_elf_nfortify_fns; i++)
        if (strcmp(pki_elf_fortify_fns[i - 1], pki_elf_fortify_fns[i]) >= 0)
            fail_msg("fortify table out of order at %s", pki_elf_fortify_fns[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crafted_classes),      cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_byte_flips),           cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_fortify_table_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
