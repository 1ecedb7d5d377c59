/* The CBOM's data files against their sources and against each other:
 * rules/crypto/primitives.tsv against CycloneDX's cryptography definitions
 * (shared data), libraries.tsv and fips-modules.tsv against each other, and
 * every algorithm the crypto analyzer can name against the policy, so that
 * no detection goes unjudged. The behaviour of the judgement is tested end
 * to end in tests/integration/cbom.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rulefiles.h"
#include "cryptopol/policy_int.h"

/* Lines of a rules/ file, columns split on tabs; comments skipped. Calls fn
 * with the columns; stops at the line equal to `stop` (NULL: none). */
static void each_row(const char *path, const char *stop, void (*fn)(char **col, size_t n, void *),
                     void *ud)
{
    const pki_rulefile *rf = pki_rulefile_get(path);
    assert_non_null(rf);
    char *text = strndup((const char *)rf->data, rf->len);
    assert_non_null(text);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (stop && !strcmp(line, stop))
            break;
        if (!*line || *line == '#')
            continue;
        char *col[8] = {0};
        size_t n = 0;
        for (char *p = line; n < 8;) {
            col[n++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = 0;
            p = t + 1;
        }
        fn(col, n, ud);
    }
    free(text);
}

static void check_primitive(char **col, size_t n, void *ud)
{
    json_t *algs = ud;
    assert_true(n == 3 || n == 4);
    size_t i;
    json_t *a;
    int found = 0;
    json_array_foreach(algs, i, a)
    {
        const char *fam = json_string_value(json_object_get(a, "family"));
        if (!fam || strcmp(fam, col[0]) != 0)
            continue;
        json_t *v0 = json_array_get(json_object_get(a, "variant"), 0);
        const char *p = json_string_value(json_object_get(v0, "primitive"));
        assert_non_null(p);
        /* key-wrap is newer than CycloneDX 1.6's enumeration */
        if (!strcmp(p, "key-wrap"))
            p = "other";
        if (strcmp(p, col[1]) != 0)
            fail_msg("primitives.tsv: %s is %s, the definitions say %s", col[0], col[1], p);
        found = 1;
    }
    if (!found)
        fail_msg("primitives.tsv: family %s is not in cryptography-defs.json", col[0]);
}

static void test_primitives_match_definitions(void **st)
{
    (void)st;
    const char *shared = getenv("PK_SHARED");
    if (!shared)
        skip();
    char path[1024];
    snprintf(path, sizeof path, "%s/crypto-policy/cyclonedx-cryptography-defs.json", shared);
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    if (!doc)
        fail_msg("%s: %s", path, e.text);
    json_t *algs = json_object_get(doc, "algorithms");
    assert_true(json_array_size(algs) >= 90);
    each_row("crypto/primitives.tsv", "# -- not in the definitions", check_primitive, algs);
    json_decref(doc);
}

typedef struct libs {
    char names[128][64];
    size_t n;
} libs;

static void collect_lib(char **col, size_t n, void *ud)
{
    libs *l = ud;
    assert_int_equal(n, 5);
    assert_true(!strncmp(col[0], "component:", 10) || !strncmp(col[0], "linked:", 7));
    assert_true(strlen(col[4]) >= 10); /* every library says how FIPS works for it */
    assert_true(l->n < 128);
    snprintf(l->names[l->n++], 64, "%s", col[1]);
}

static void check_fips(char **col, size_t n, void *ud)
{
    libs *l = ud;
    assert_int_equal(n, 5);
    int known = 0;
    for (size_t i = 0; i < l->n; i++)
        known |= !strcmp(l->names[i], col[0]);
    if (!known)
        fail_msg("fips-modules.tsv: library %s is not in libraries.tsv", col[0]);
    char *end;
    long cert = strtol(col[3], &end, 10);
    assert_true(*end == 0 && cert > 0 && cert < 100000);
}

static void test_library_tables(void **st)
{
    (void)st;
    libs l = {0};
    each_row("crypto/libraries.tsv", NULL, collect_lib, &l);
    assert_true(l.n >= 30);
    each_row("crypto/fips-modules.tsv", NULL, check_fips, &l);
}

typedef struct judged {
    const pki_cryptopol *pol;
    int col; /* the column with the algorithm */
    size_t total, unknown;
} judged;

static void judge_name(char **col, size_t n, void *ud)
{
    judged *j = ud;
    /* "TLS (negotiated)": a version-flexible method, the CBOM's unversioned TLS */
    if ((size_t)j->col >= n || !strcmp(col[j->col], "-") || strstr(col[j->col], "(negotiated)"))
        return;
    /* the same rule in the CBOM: protocols are judged as protocols */
    const char *usage = n > 1 && !strcmp(col[1], "protocol") ? "protocol" : NULL;
    pki_cryptopol_verdict v;
    assert_int_equal(pki_cryptopol_judge(j->pol, col[j->col], usage, -1, "2026-11-26", &v), PK_OK);
    j->total++;
    if (v.status == PKI_CPOL_UNKNOWN) {
        j->unknown++;
        print_message("not in the policy: %s (%s)\n", col[j->col], col[0]);
    }
}

static void test_every_name_is_judged(void **st)
{
    (void)st;
    char err[256];
    judged j = {0};
    assert_int_equal(pki_cryptopol_builtin(&j.pol, err, sizeof err), PK_OK);
    j.col = 2;
    each_row("crypto/names.tsv", NULL, judge_name, &j);
    each_row("crypto/apis.tsv", NULL, judge_name, &j);
    assert_true(j.total > 100);
    assert_int_equal(j.unknown, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primitives_match_definitions),
        cmocka_unit_test(test_library_tables),
        cmocka_unit_test(test_every_name_is_judged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
