/* The HTML report's text layer (lib/decide/html_text.c): exact escaping of
 * markup characters, control bytes, C1 controls, bidi overrides and
 * malformed UTF-8; cutting at a character boundary with the length stated;
 * evidence paths through archives; charts with absurd counts; and the whole
 * page from a hostile, mistyped report: one script, one style, no report
 * text outside text nodes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide/html_int.h"

/* What fn wrote, as a malloc'd string. */
static char *esc(const char *s, size_t max)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    assert_non_null(m);
    pki_html_esc(m, s, max);
    fclose(m);
    return buf;
}

static void check_esc(const char *in, size_t max, const char *want)
{
    char *got = esc(in, max);
    assert_string_equal(got, want);
    free(got);
}

static void test_escape(void **st)
{
    (void)st;
    check_esc("<script>alert('x')</script>", 0, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    check_esc("\"><img src=x onerror=alert(1)>", 0, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    check_esc("a&b", 0, "a&amp;b");
    check_esc("t\tn\nr\r", 0, "t n r ");
    check_esc("\x1b[31m\x07\x7f", 0, "&#xFFFD;[31m&#xFFFD;&#xFFFD;");
    /* C1 control U+0085, RLO U+202E, LRI U+2066, LRM U+200E */
    check_esc("\xc2\x85\xe2\x80\xae\xe2\x81\xa6\xe2\x80\x8e", 0,
              "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;");
    /* malformed: lone continuation, overlong '/', surrogate, cut sequence */
    check_esc("\x80\xc0\xaf\xed\xa0\x80\xe2\x82", 0,
              "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;");
    check_esc("d\xc3\xa9j\xc3\xa0 \xe2\x82\xac \xf0\x9f\x94\x91", 0,
              "d\xc3\xa9j\xc3\xa0 \xe2\x82\xac \xf0\x9f\x94\x91");
    check_esc(NULL, 0, "");
}

static void test_truncate(void **st)
{
    (void)st;
    check_esc("abcdef", 4, "abcd&#x2026;<span class=\"trunc\"> (6 bytes in all)</span>");
    check_esc("abcd", 4, "abcd");
    /* never half a character: the euro sign (3 bytes) at the cap is left out */
    check_esc("ab\xe2\x82\xac", 4, "ab&#x2026;<span class=\"trunc\"> (5 bytes in all)</span>");
}

static void test_vpath(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    pki_html_vpath(m, "a.zip!/b<x>.jar!/c/d");
    fclose(m);
    assert_string_equal(buf, "<span class=\"mono\">a.zip<span class=\"nest\">!/</span>b&lt;x&gt;"
                             ".jar<span class=\"nest\">!/</span>c/d</span>");
    free(buf);
}

static void test_chart(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    pki_html_bar b[3] = {{.label = "<b>", .value = 1e300},
                         {.label = "x", .value = -5, .track = 1e308},
                         {.label = "y", .value = 2.5, .cls = "c-out", .note = "of 10"}};
    pki_html_hbar(m, "T", b, 3);
    fclose(m);
    assert_non_null(strstr(buf, "&lt;b&gt;</text>"));
    assert_non_null(strstr(buf, ">1000000000000000</text>")); /* clamped, still a number */
    assert_non_null(strstr(buf, ">2.5 of 10</text>"));
    assert_null(strstr(buf, "inf"));
    assert_null(strstr(buf, "nan"));
    free(buf);
}

/* The page of a report whose every field is hostile or of the wrong type. */
static void test_page(void **st)
{
    (void)st;
    const char *E = "<script>alert(1)</script>\\\"><img src=x onerror=alert(1)>";
    char rep[4096], doc[2048];
    snprintf(rep, sizeof rep,
             "{\"schema_version\":\"1.0\",\"files\":[],\"inputs\":[{\"path\":\"%s\"},7],"
             "\"findings\":[{\"rule_id\":\"%s\",\"severity\":\"%s\",\"vpath\":\"%s\",\"offset\":"
             "-3,\"message\":\"%s\",\"evidence\":\"%s\",\"confidence\":\"x\"},5,null,"
             "{\"vpath\":{},\"severity\":[]}],"
             "\"components\":[{\"name\":\"%s\",\"purl\":\"pkg:%s\",\"evidence\":[{\"vpath\":"
             "\"%s\"}]},\"x\"],\"vulnerabilities\":[{\"id\":\"%s\",\"aliases\":[\"%s\",3],"
             "\"cvss\":{\"score\":\"9\"},\"component\":{\"name\":\"%s\"}}],"
             "\"crypto\":{\"policy\":{\"version\":\"%s\"},\"assets\":[{\"name\":\"%s\","
             "\"status\":\"%s\",\"size\":1e300}]},"
             "\"endpoints\":{\"countries\":[{\"country\":\"%s\",\"count\":1e300},"
             "{\"country\":\"unknown\",\"count\":2}],\"classes\":7,\"list\":[{\"value\":\"%s\"}]},"
             "\"limits_hit\":[{\"rule_id\":\"%s\"}]}",
             E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E);
    snprintf(doc, sizeof doc,
             "{\"verdict\":\"%s\",\"reasons\":[\"%s\",1],\"conditions\":[{\"text\":\"%s\","
             "\"also\":[\"%s\"]}],\"score\":{\"value\":101,\"parts\":[{\"name\":\"%s\","
             "\"weight\":10,\"contribution\":3}]},\"waivers\":[{\"approver\":\"%s\","
             "\"state\":\"%s\"}],\"requirements\":[{\"id\":\"%s\",\"status\":\"%s\"}],"
             "\"questions\":[{\"requirement\":\"%s\",\"text\":\"%s\",\"vpath\":\"%s\"}]}",
             E, E, E, E, E, E, E, E, E, E, E, E);
    json_error_t je;
    json_t *r = json_loads(rep, 0, &je), *d = json_loads(doc, 0, &je);
    assert_non_null(r);
    assert_non_null(d);
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    assert_int_equal(pki_dec_write_html(d, r, m), PK_OK);
    fclose(m);
    /* the report's markup never appears as markup */
    assert_null(strstr(buf, "<img"));
    assert_null(strstr(buf, "alert(1)</script>"));
    assert_null(strstr(buf, "onerror=alert(1)>"));
    assert_non_null(strstr(buf, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img"));
    /* one style, one script, the policy first in <head> */
    const char *csp = strstr(buf, "<meta http-equiv=\"Content-Security-Policy\" content=\""
                                  "default-src 'none'; style-src 'sha256-");
    assert_non_null(csp);
    assert_true(csp < strstr(buf, "<style>"));
    const char *s1 = strstr(buf, "<script>");
    assert_non_null(s1);
    assert_null(strstr(s1 + 1, "<script>"));
    assert_null(strstr(strstr(buf, "<style>") + 1, "<style>"));
    /* inside every tag (all written by the writer: report text has no '<'
     * left), no handler attribute and no style attribute */
    for (const char *p = buf; (p = strchr(p, '<')) != NULL;) {
        if (strncmp(p, "<script>", 8) == 0 || strncmp(p, "<style>", 7) == 0) {
            p = strstr(p, p[1] == 's' && p[2] == 'c' ? "</script>" : "</style>");
            assert_non_null(p);
            p++;
            continue;
        }
        const char *e = strchr(p, '>');
        assert_non_null(e);
        char tag[512];
        size_t len = (size_t)(e - p) < sizeof tag - 1 ? (size_t)(e - p) : sizeof tag - 1;
        memcpy(tag, p, len);
        tag[len] = 0;
        if (strstr(tag, " on") || strstr(tag, " style=") || strstr(tag, "alert"))
            fail_msg("attribute in %s", tag);
        p = e;
    }
    assert_non_null(strstr(buf, "unknown (not located)"));
    free(buf);
    json_decref(r);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape), cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_vpath),  cmocka_unit_test(test_chart),
        cmocka_unit_test(test_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
