/* The binsig analyzer: every rule file parses and its own test lines hold
 * through the real matcher; the parser rejects malformed rules with a clear
 * message; libraries statically linked into a program built here are found
 * with the version their headers declare; random bytes give nothing; a banner
 * across the pass's block boundary is found by a real scan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzers/binsig/binsig_int.h"
#include "core/rulefiles.h"
#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_binsig;

static size_t count_rule(const pki_frec *r, const char *rule, const char *name, const char *version)
{
    size_t n = 0, i;
    json_t *c;
    json_array_foreach(r->components, i, c)
    {
        const char *ru = json_string_value(json_object_get(c, "rule"));
        const char *nm = json_string_value(json_object_get(c, "name"));
        const char *v = json_string_value(json_object_get(c, "version"));
        if (ru && strcmp(ru, rule) == 0 && (!name || (nm && strcmp(nm, name) == 0)) &&
            (!version || (v && strcmp(v, version) == 0)))
            n++;
    }
    return n;
}

/* ---- (1) every rule's own test lines, through vectorscan and the analyzer ---- */

static int parse_cb(const pki_rulefile *rf, void *ctx)
{
    char err[512] = "";
    pk_status st = pki_bs_parse(ctx, rf->path, (const char *)rf->data, rf->len, err, sizeof err);
    if (st != PK_OK)
        fail_msg("%s: %s", rf->path, err);
    return 0;
}

static void test_rules(void **st)
{
    (void)st;
    pki_bs_set *s = pki_bs_set_new();
    assert_non_null(s);
    s->check_tests = 1;
    pki_rulefiles_each("binsig/", parse_cb, s);
    assert_true(s->n >= 40);
    for (size_t i = 0; i < s->n; i++) {
        const pki_bs_rule *r = s->rule[i];
        char rid[128];
        snprintf(rid, sizeof rid, "binsig:%s", r->library);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s->rule[j]->library, r->library);
        assert_non_null(r->license);
        assert_non_null(r->known_as);
        assert_non_null(r->vendor);
        for (size_t t = 0; t < r->ntest; t++) {
            const pki_bs_test *te = &r->test[t];
            /* padded so the harness's file type is binary, not text */
            uint8_t buf[1200];
            memset(buf, 0, sizeof buf);
            buf[0] = 0x7f;
            assert_true(te->len + 64 < sizeof buf);
            memcpy(buf + 32, te->sample, te->len);
            pki_frec rec;
            ct_run(&pki_analyzer_binsig, &rec, buf, sizeof buf, "t.bin");
            size_t all = json_array_size(rec.components);
            if (te->version) {
                size_t k = count_rule(&rec, rid, r->component, te->version);
                if (k != 1)
                    fail_msg("%s line %u: %zu components for %s %s", r->library, te->line, k, rid,
                             te->version);
                /* one version only, from this rule (other rules may share a sample) */
                assert_int_equal(count_rule(&rec, rid, NULL, NULL), 1);
                json_t *c = json_array_get(rec.components, 0);
                for (size_t x = 0; x < all; x++)
                    if (strcmp(json_string_value(
                                   json_object_get(json_array_get(rec.components, x), "rule")),
                               rid) == 0)
                        c = json_array_get(rec.components, x);
                json_int_t off = json_integer_value(json_object_get(c, "offset"));
                json_int_t len = json_integer_value(json_object_get(c, "length"));
                assert_true(off >= 32 && off + len <= 32 + (json_int_t)te->len);
                assert_int_equal(json_integer_value(json_object_get(c, "confidence")),
                                 r->confidence);
                assert_string_equal(json_string_value(json_object_get(c, "method")),
                                    "binary-analysis");
                assert_string_equal(json_string_value(json_object_get(c, "type")), "generic");
                json_t *at = json_object_get(c, "attrs");
                assert_string_equal(json_string_value(json_object_get(at, "cpe_product")),
                                    r->product);
                assert_string_equal(json_string_value(json_object_get(at, "known_as")),
                                    r->known_as);
            } else if (count_rule(&rec, rid, NULL, NULL) != 0) {
                fail_msg("%s line %u: test-not sample matched", r->library, te->line);
            }
            pki_frec_fini(&rec);
        }
    }
    pki_bs_set_free(s);
}

/* ---- the parser on malformed rules ---- */

static void expect_bad(const char *text, const char *why)
{
    pki_bs_set *s = pki_bs_set_new();
    assert_non_null(s);
    s->check_tests = 1;
    char err[512] = "";
    pk_status st = pki_bs_parse(s, "binsig/bad.rule", text, strlen(text), err, sizeof err);
    if (st != PK_E_USAGE)
        fail_msg("accepted (%d): %s", st, text);
    if (!strstr(err, why) || strncmp(err, "binsig/bad.rule:", 16) != 0)
        fail_msg("message '%s' lacks '%s'", err, why);
    assert_int_equal(s->n, 0);
    pki_bs_set_free(s);
}

#define GOOD_HEAD "component: foo\nvendor: v\nproduct: p\nconfidence: 80\n"
#define GOOD_PAT  "pattern: Foo ([0-9]+\\.[0-9]+)\\x00\n"
#define GOOD_TEST "test: Foo 1.2\\0 => 1.2\n"

static void test_parser_bad(void **st)
{
    (void)st;
    /* the good rule parses */
    pki_bs_set *s = pki_bs_set_new();
    assert_non_null(s);
    s->check_tests = 1;
    char err[256] = "";
    const char *good = "# c\n\n" GOOD_HEAD GOOD_PAT GOOD_TEST "test-not: Foo x\\0\n";
    assert_int_equal(pki_bs_parse(s, "binsig/foo.rule", good, strlen(good), err, sizeof err),
                     PK_OK);
    assert_int_equal(s->n, 1);
    assert_string_equal(s->rule[0]->library, "foo");
    assert_int_equal(s->rule[0]->ntest, 2);
    assert_int_equal(pki_bs_parse(s, "binsig/Bad Name.rule", good, strlen(good), err, sizeof err),
                     PK_E_USAGE);
    assert_non_null(strstr(err, "named <library>.rule"));
    pki_bs_set_free(s);

    expect_bad(GOOD_HEAD GOOD_PAT GOOD_TEST "colour: red\n", ":7: unknown key 'colour'");
    expect_bad(GOOD_HEAD GOOD_PAT GOOD_TEST "no colon here\n", "expected 'key: value'");
    expect_bad(GOOD_HEAD "component: bar\n" GOOD_PAT GOOD_TEST, "'component' given twice");
    expect_bad("vendor: v\nproduct: p\nconfidence: 80\n" GOOD_PAT GOOD_TEST, "no 'component'");
    expect_bad("component: foo\nconfidence: 80\nvendor: v\n" GOOD_PAT GOOD_TEST,
               "'vendor' and 'product' go together");
    expect_bad("component: foo\n" GOOD_PAT GOOD_TEST, "no 'confidence'");
    expect_bad(GOOD_HEAD GOOD_TEST, "no 'pattern'");
    expect_bad(GOOD_HEAD GOOD_PAT, "no 'test' line");
    expect_bad(GOOD_HEAD GOOD_PAT "test-not: x\n", "no 'test' line");
    expect_bad("component: foo\nconfidence: 101\n", "confidence must be 1..100");
    expect_bad("component: foo\nconfidence: 0\n", "confidence must be 1..100");
    expect_bad("component: foo\nconfidence: 8a\n", "confidence must be 1..100");
    expect_bad("component: Foo Bar\n", "component must be lower-case");
    expect_bad(GOOD_HEAD "pattern: Foo ([0-9]+\n", "does not compile");
    expect_bad(GOOD_HEAD "pattern: Foo [0-9]+\\x00\n", "needs exactly one");
    expect_bad(GOOD_HEAD "pattern: Foo ([0-9]+)\\.([0-9]+)\\x00\n", "has 2 capture groups");
    expect_bad(GOOD_HEAD "pattern: Foo v([0-9.]+)\n", "ends with its capture group");
    expect_bad(GOOD_HEAD "pattern: Fo\n", "too short");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Foo 1.2\\0\n", "test needs '<sample> => <version>'");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Foo 1.2\\0 => \n", "needs '<sample> => <version>'");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Foo 1.2\\q => 1.2\n", "unknown escape '\\q'");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Foo 1.2\\x0 => 1.2\n", "two hex digits");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Foo 1.2\\ => 1.2\n", "dangling");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Foo 1.3\\0 => 1.2\n",
               ":6: pattern 1 finds version '1.3', test expects '1.2'");
    expect_bad(GOOD_HEAD GOOD_PAT "test: Bar 1.2\\0 => 1.2\n", "no pattern finds version '1.2'");
    expect_bad(GOOD_HEAD GOOD_PAT GOOD_TEST "test-not: x Foo 9.9\\0\n",
               ":7: test-not sample matches pattern 1 (version '9.9')");
    /* a pattern that the matcher would report at every digit: caught by the test simulation */
    expect_bad(GOOD_HEAD "pattern: Foo ([0-9.]+)[0-9]?\n" GOOD_TEST, "finds version");
    char big[1200];
    memset(big, 'a', sizeof big);
    memcpy(big, "component: ", 11);
    big[sizeof big - 1] = 0;
    expect_bad(big, ":1: line longer than");
    const char nul[] = "component: foo\0bar\n";
    s = pki_bs_set_new();
    assert_non_null(s);
    assert_int_equal(pki_bs_parse(s, "binsig/bad.rule", nul, sizeof nul - 1, err, sizeof err),
                     PK_E_USAGE);
    assert_non_null(strstr(err, "NUL byte"));
    pki_bs_set_free(s);
}

/* ---- (2) libraries statically linked into a program built now ---- */

typedef struct lib {
    const char *archive, *header, *component, *code, *libs;
} lib;

#define LIBDIR "/usr/lib/x86_64-linux-gnu/"
static const lib libs[] = {
    {LIBDIR "libz.a", "/usr/include/zlib.h", "zlib",
     "{ z_stream z; memset(&z, 0, sizeof z); deflateInit(&z, 1); inflateInit(&z);"
     " printf(\"zlib %s\\n\", ZLIB_VERSION); }",
     ""},
    {LIBDIR "libcrypto.a", "/usr/include/openssl/opensslv.h", "openssl",
     "{ if (!OpenSSL_version(0)) return 1; printf(\"openssl %s\\n\", OPENSSL_VERSION_STR); }",
     "-lpthread -ldl"},
    {LIBDIR "libpng16.a", "/usr/include/png.h", "libpng",
     "{ png_access_version_number(); printf(\"libpng %s\\n\", PNG_LIBPNG_VER_STRING); }",
     "-lz -lm"},
    {LIBDIR "libexpat.a", "/usr/include/expat.h", "expat",
     "{ XML_ParserFree(XML_ParserCreate(0)); XML_ExpatVersion();"
     " printf(\"expat %d.%d.%d\\n\", XML_MAJOR_VERSION, XML_MINOR_VERSION, XML_MICRO_VERSION); }",
     ""},
    {LIBDIR "libgcrypt.a", "/usr/include/gcrypt.h", "libgcrypt",
     "{ gcry_check_version(0); printf(\"libgcrypt %s\\n\", GCRYPT_VERSION); }", "-lgpg-error"},
    {LIBDIR "libarchive.a", "/usr/include/archive.h", "libarchive",
     "{ archive_version_string(); printf(\"libarchive %s\\n\", ARCHIVE_VERSION_ONLY_STRING); }",
     ""},
};
#define NLIBS (sizeof libs / sizeof libs[0])

static void test_static_link(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-binsig-XXXXXX";
    assert_non_null(mkdtemp(dir));
    size_t tested = 0;
    for (size_t i = 0; i < NLIBS; i++) {
        const lib *l = &libs[i];
        if (access(l->archive, R_OK) != 0 || access(l->header, R_OK) != 0)
            continue;
        char src[300], exe[300], out[300], cmd[2048];
        snprintf(src, sizeof src, "%s/%s.c", dir, l->component);
        snprintf(exe, sizeof exe, "%s/%s", dir, l->component);
        snprintf(out, sizeof out, "%s/%s.out", dir, l->component);
        FILE *f = fopen(src, "w");
        assert_non_null(f);
        const char *hb = strrchr(l->header, '/') + 1;
        int sub = strstr(l->header, "/openssl/") != NULL;
        fprintf(f,
                "#include <stdio.h>\n#include <string.h>\n#include <%s%s>\n%s"
                "int main(void) %s\n",
                sub ? "openssl/" : "", hb, sub ? "#include <openssl/crypto.h>\n" : "", l->code);
        fclose(f);
        /* the library archive by path: that library static, the rest as usual */
        snprintf(cmd, sizeof cmd, "cc -o %s %s %s %s 2>/dev/null && %s > %s", exe, src, l->archive,
                 l->libs, exe, out);
        if (system(cmd) != 0) {
            print_message("note: could not build against %s, skipped\n", l->archive);
            continue;
        }
        size_t n = 0;
        uint8_t *o = fx_read(out, &n);
        assert_non_null(o);
        char name[64], want[64];
        assert_int_equal(sscanf((const char *)o, "%63s %63s", name, want), 2);
        free(o);
        uint8_t *bin = fx_read(exe, &n);
        assert_non_null(bin);
        pki_frec rec;
        ct_run(&pki_analyzer_binsig, &rec, bin, n, exe);
        char rid[80];
        snprintf(rid, sizeof rid, "binsig:%s", l->component);
        if (count_rule(&rec, rid, l->component, want) != 1) {
            char *dump = json_dumps(rec.components, JSON_COMPACT);
            fail_msg("%s %s not found once in %s: %s", l->component, want, exe, dump);
        }
        /* no other version of it */
        assert_int_equal(count_rule(&rec, rid, NULL, NULL), 1);
        print_message("static %s %s: found\n", l->component, want);
        pki_frec_fini(&rec);
        free(bin);
        unlink(src);
        unlink(exe);
        unlink(out);
        tested++;
    }
    rmdir(dir);
    if (tested == 0)
        skip();
    assert_true(tested >= 1);
}

/* ---- (3) random data ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void test_random(void **st)
{
    (void)st;
    size_t n = 4u << 20;
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    uint64_t seed = 4;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = splitmix(&seed);
        memcpy(buf + i, &v, 8);
    }
    pki_frec rec;
    ct_run(&pki_analyzer_binsig, &rec, buf, n, "random.bin");
    assert_int_equal(json_array_size(rec.components), 0);
    pki_frec_fini(&rec);

    /* a text file: found, but with low confidence; a banner planted twice: one component */
    static const char txt[] = "see deflate 1.2.13 Copyright 1995-2022 Jean-loup Gailly\n"
                              "and deflate 1.2.13 Copyright 1995-2022 again\n";
    ct_run(&pki_analyzer_binsig, &rec, (const uint8_t *)txt, sizeof txt - 1, "x.c");
    assert_int_equal(count_rule(&rec, "binsig:zlib", "zlib", "1.2.13"), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(rec.components, 0), "confidence")), 30);
    pki_frec_fini(&rec);
    free(buf);
}

/* ---- (4) across the pass's block boundary, through a real scan ---- */

static void test_block_boundary(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-binsig-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/blob.bin", dir);
    size_t n = 600000;
    uint8_t *buf = calloc(1, n);
    assert_non_null(buf);
    buf[0] = 0x7f; /* not text */
    static const char banner[] = "OpenSSL 3.0.19 27 Jan 2026";
    size_t at = 262144 - 11; /* straddles the first 256 KiB block boundary */
    memcpy(buf + at, banner, sizeof banner - 1);
    char *rep = fx_write_scan(path, buf, n);
    free(buf);
    json_t *doc = json_loads(rep, 0, NULL);
    assert_non_null(doc);
    json_t *comps = json_object_get(doc, "components"), *c, *ev;
    size_t i, j, found = 0;
    json_array_foreach(comps, i, c)
    {
        json_array_foreach(json_object_get(c, "evidence"), j, ev)
        {
            const char *rule = json_string_value(json_object_get(ev, "rule"));
            if (rule && strcmp(rule, "binsig:openssl") == 0) {
                assert_string_equal(json_string_value(json_object_get(c, "name")), "openssl");
                assert_string_equal(json_string_value(json_object_get(c, "version")), "3.0.19");
                assert_int_equal(json_integer_value(json_object_get(ev, "offset")), at);
                assert_int_equal(json_integer_value(json_object_get(ev, "length")),
                                 sizeof banner - 1);
                found++;
            }
        }
    }
    if (found != 1)
        fail_msg("binsig:openssl evidence %zu times in: %s", found, rep);
    json_decref(doc);
    free(rep);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),          cmocka_unit_test(test_parser_bad),
        cmocka_unit_test(test_static_link),    cmocka_unit_test(test_random),
        cmocka_unit_test(test_block_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
