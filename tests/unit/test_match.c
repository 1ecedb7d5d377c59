/* The shared matcher and its first two users (strings, embedded). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "match/match_int.h"
#include "walk/harness_int.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_strings;
extern const pk_analyzer pki_analyzer_embedded;

typedef struct hits {
    unsigned n;
    unsigned ana[64];
    uint32_t pat[64];
    uint64_t end[64];
} hits;

static void collect(void *ctx, unsigned ix, uint32_t pat, uint64_t end)
{
    hits *h = ctx;
    if (h->n < 64) {
        h->ana[h->n] = ix;
        h->pat[h->n] = pat;
        h->end[h->n] = end;
    }
    h->n++;
}

static pki_matcher *build(void)
{
    pki_match_builder *b = pki_match_builder_new();
    assert_non_null(b);
    /* two analyzers with overlapping ids: hits must come back per analyzer */
    assert_int_equal(pk_match_add(pki_match_builder_reg(b, 0), 7, "needle\0x", 8, PK_PAT_LITERAL),
                     PK_OK);
    assert_int_equal(pk_match_add(pki_match_builder_reg(b, 3), 7, "ab+c", 0, 0), PK_OK);
    pki_matcher *m = NULL;
    char err[256];
    assert_int_equal(pki_match_compile(b, &m, err, sizeof err), PK_OK);
    pki_match_builder_free(b);
    return m;
}

static void test_match_stream(void **st)
{
    (void)st;
    pki_matcher *m = build();
    static const char data[] = "xxneedle\0xyyabbbcz";
    size_t len = sizeof data - 1;
    /* fed one byte at a time, matches spanning blocks are still found once */
    for (size_t step = 1; step <= len; step++) {
        hits h = {0};
        pki_match_stream *s;
        assert_int_equal(pki_match_stream_open(m, &s), PK_OK);
        for (size_t o = 0; o < len; o += step)
            pki_match_stream_feed(s, (const uint8_t *)data + o, o + step > len ? len - o : step,
                                  collect, &h);
        pki_match_stream_close(s, collect, &h);
        assert_int_equal(h.n, 2);
        assert_int_equal(h.ana[0], 0);
        assert_int_equal(h.pat[0], 7);
        assert_int_equal(h.end[0], 10);
        assert_int_equal(h.ana[1], 3);
        assert_int_equal(h.end[1], 17);
    }
    pki_match_free(m);
}

static void test_match_bad_pattern(void **st)
{
    (void)st;
    pki_match_builder *b = pki_match_builder_new();
    assert_int_equal(pk_match_add(pki_match_builder_reg(b, 0), 1, "a(b", 0, 0), PK_OK);
    pki_matcher *m = NULL;
    char err[256] = "";
    assert_int_equal(pki_match_compile(b, &m, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "a(b"));
    assert_null(m);
    pki_match_builder_free(b);
}

static const pk_string *find_string(pki_frec *r, const char *text)
{
    for (size_t i = 0; i < r->nstr; i++)
        if (strcmp(r->strings[i].text, text) == 0)
            return &r->strings[i];
    return NULL;
}

static void test_strings(void **st)
{
    (void)st;
    uint8_t buf[512];
    memset(buf, 0x01, sizeof buf);
    memcpy(buf + 10, "short", 5);                     /* below the minimum: not kept */
    memcpy(buf + 40, "http://example.pk/update", 24); /* ASCII */
    static const char w[] = "CompanyName";
    for (size_t i = 0; i < sizeof w - 1; i++) { /* UTF-16LE */
        buf[100 + 2 * i] = (uint8_t)w[i];
        buf[101 + 2 * i] = 0;
    }
    memcpy(buf + sizeof buf - 8, "trailer!", 8); /* runs to the end of the file */
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_strings, (pk_bytes){buf, sizeof buf}, "t", &r),
                     PK_OK);
    const pk_string *s = find_string(&r, "http://example.pk/update");
    assert_non_null(s);
    assert_int_equal(s->offset, 40);
    assert_int_equal(s->utf16, 0);
    s = find_string(&r, "CompanyName");
    assert_non_null(s);
    assert_int_equal(s->offset, 100);
    assert_int_equal(s->utf16, 1);
    s = find_string(&r, "trailer!");
    assert_non_null(s);
    assert_int_equal(s->offset, sizeof buf - 8);
    assert_null(find_string(&r, "short"));
    assert_int_equal(r.nstr, 3);
    pki_frec_fini(&r);
}

/* A UTF-16LE run across the pass's 256 KiB block boundary, and one at the end
 * of the file, come out whole through a real scan. */
static void test_strings_blocks(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-strings-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/blob.bin", dir);
    size_t n = 600000;
    uint8_t *buf = calloc(1, n);
    static const char w[] = "Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    size_t wl = sizeof w - 1;
    size_t at = 262144 - wl; /* straddles the first block boundary */
    for (size_t i = 0; i < wl; i++)
        buf[at + 2 * i] = (uint8_t)w[i];
    size_t tail = n - 2 * 8;
    for (size_t i = 0; i < 8; i++)
        buf[tail + 2 * i] = (uint8_t) "Endnotes"[i];
    char *rep = fx_write_scan(path, buf, n);
    free(buf);
    /* two UTF-16 strings, counted once each */
    assert_non_null(strstr(rep, "\"utf16le\": 2"));
    free(rep);
    unlink(path);
    rmdir(dir);
}

static int has_finding(pki_frec *r, const char *rule, uint64_t off)
{
    for (size_t i = 0; i < r->nfind; i++)
        if (strcmp(r->findings[i].rule_id, rule) == 0 && r->findings[i].loc.offset == off)
            return 1;
    return 0;
}

static void test_embedded(void **st)
{
    (void)st;
    /* a PNG with an ELF header at 300 and a PE (MZ at 1000, PE at 1000+0x80) */
    uint8_t *buf = calloc(1, 2048);
    memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
    memcpy(buf + 300, "\177ELF\2\1\1", 7);
    memcpy(buf + 1000, "MZ", 2);
    buf[1000 + 0x3c] = 0x80;
    memcpy(buf + 1000 + 0x80, "PE\0\0\x64\x86", 6);
    /* "PE\0\0" with no MZ pointing at it is not a PE */
    memcpy(buf + 1600, "PE\0\0\x64\x86", 6);
    pki_frec r;
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_embedded, (pk_bytes){buf, 2048}, "x.png", &r),
                     PK_OK);
    assert_true(has_finding(&r, "PK-EMB-0001", 300));
    assert_true(has_finding(&r, "PK-EMB-0001", 1000));
    assert_int_equal(r.nfind, 2);
    pki_frec_fini(&r);

    /* an ELF file's own header at offset 0 is not "embedded" */
    memset(buf, 0, 2048);
    memcpy(buf, "\177ELF\2\1\1", 7);
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_embedded, (pk_bytes){buf, 2048}, "x", &r),
                     PK_OK);
    assert_int_equal(r.nfind, 0);
    pki_frec_fini(&r);

    /* random bytes: no finding (a fixed seed keeps the test repeatable) */
    srand(12345);
    uint8_t *rnd = malloc(1 << 20);
    for (size_t i = 0; i < (1u << 20); i++)
        rnd[i] = (uint8_t)(rand() >> 7);
    assert_int_equal(pki_frec_init(&r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_embedded, (pk_bytes){rnd, 1 << 20}, "r", &r),
                     PK_OK);
    for (size_t i = 0; i < r.nfind; i++)
        assert_true(r.findings[i].confidence <= 30); /* only the weak gzip signature may fire */
    pki_frec_fini(&r);
    free(rnd);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_stream), cmocka_unit_test(test_match_bad_pattern),
        cmocka_unit_test(test_strings),      cmocka_unit_test(test_strings_blocks),
        cmocka_unit_test(test_embedded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
