/* The yara analyzer through the public scan API: the options the CLI does
 * not set (yara.timeout), the refusal messages of init, several scans in one
 * process (libyara's global state counted), and worker threads sharing one
 * compiled rule set. The CLI cases are in tests/integration/yara.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

static char g_rules[128], g_opt_rules[160], g_slow[160];

static int setup(void **st)
{
    (void)st;
    if (fx_mkdtemp("/tmp/pk-yara-XXXXXX") != 0)
        return -1;
    snprintf(g_rules, sizeof g_rules, "%s/rules", fx_dir);
    snprintf(g_opt_rules, sizeof g_opt_rules, "yara.rules=%s", g_rules);
    snprintf(g_slow, sizeof g_slow, "yara.rules=%s/slow.yar", fx_dir);
    if (fx_sh("mkdir -p rules in") != 0)
        return -1;
    fx_put("rules/m.yar",
           "rule marker : t1 {\n meta:\n  severity = \"low\"\n  confidence = \"60\"\n"
           " strings:\n  $m = \"PK_YARA_MARK\"\n condition:\n  $m\n}\n");
    fx_put("slow.yar", "rule slow { condition: for all i in (0..filesize) : "
                       "(for all j in (0..filesize) : (uint8(i) == uint8(j))) }\n");
    /* 40 files, the marker at offset 10 * k in file k */
    for (int k = 0; k < 40; k++) {
        char name[64], body[512];
        snprintf(name, sizeof name, "in/f%02d.bin", k);
        memset(body, '.', sizeof body);
        memcpy(body + 10 * k, "PK_YARA_MARK", 12);
        body[sizeof body - 1] = '\0';
        fx_put(name, body);
    }
    return fx_sh("head -c 100000 /dev/zero > zeros.bin");
}

static int teardown(void **st)
{
    (void)st;
    return fx_remove();
}

static pk_scan *make(const char *const *opts, size_t n, unsigned jobs)
{
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = jobs;
    o.options = opts;
    o.noptions = n;
    pk_scan *s = NULL;
    assert_int_equal(pk_scan_new(&o, &s), PK_OK);
    return s;
}

static size_t count_rule(const pk_scan *s, const char *rule_id)
{
    const pk_finding *f = NULL;
    size_t n = pk_scan_findings(s, &f), c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(f[i].rule_id, rule_id) == 0;
    return c;
}

static void test_bad_timeout(void **st)
{
    (void)st;
    static const char *const bad[] = {"0", "3601", "10s", "-1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char opt[64], want[128];
        snprintf(opt, sizeof opt, "yara.timeout=%s", bad[i]);
        const char *opts[] = {g_opt_rules, opt};
        pk_scan *s = make(opts, 2, 1);
        char in[160];
        snprintf(in, sizeof in, "%s/in/f00.bin", fx_dir);
        assert_int_equal(pk_scan_add_path(s, in), PK_OK);
        assert_int_equal(pk_scan_run(s), PK_E_USAGE);
        snprintf(want, sizeof want,
                 "analyzer yara failed to start: yara.timeout=%s: seconds from 1 to 3600", bad[i]);
        assert_string_equal(pk_scan_errmsg(s), want);
        pk_scan_free(s);
    }
}

static void test_timeout_option(void **st)
{
    (void)st;
    const char *opts[] = {g_slow, "yara.timeout=1"};
    pk_scan *s = make(opts, 2, 1);
    char in[160];
    snprintf(in, sizeof in, "%s/zeros.bin", fx_dir);
    assert_int_equal(pk_scan_add_path(s, in), PK_OK);
    assert_int_equal(pk_scan_run(s), PK_OK);
    const pk_finding *f = NULL;
    size_t n = pk_scan_findings(s, &f), seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f[i].analyzer, "yara") != 0)
            continue;
        seen++;
        assert_string_equal(f[i].rule_id, "PK-YAR-0002");
        assert_int_equal(f[i].severity, PK_SEV_LOW);
        assert_non_null(strstr(f[i].message, "stopped after the 1 s limit (yara.timeout)"));
        assert_non_null(strstr(f[i].message, "slow.yar (1 rule file)"));
    }
    assert_int_equal(seen, 1);
    pk_scan_free(s);
}

/* Every file gets exactly its own match, at its own offset, whatever thread
 * scanned it; then the same again with two scans alive at once and after
 * libyara was finalised and initialised again. */
static void check_markers(pk_scan *s)
{
    const pk_finding *f = NULL;
    size_t n = pk_scan_findings(s, &f), seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f[i].analyzer, "yara") != 0)
            continue;
        seen++;
        assert_string_equal(f[i].rule_id, "PK-YAR-0001");
        assert_int_equal(f[i].severity, PK_SEV_LOW);
        assert_int_equal(f[i].confidence, 60);
        assert_string_equal(f[i].loc.record, "marker");
        const char *b = strrchr(f[i].vpath, '/');
        assert_non_null(b);
        int k = (b[2] - '0') * 10 + (b[3] - '0');
        assert_int_equal(f[i].loc.offset, 10 * k);
        assert_int_equal(f[i].loc.length, 12);
        assert_int_equal(f[i].evidence.len, 12);
        assert_memory_equal(f[i].evidence.ptr, "PK_YARA_MARK", 12);
        char want[96];
        snprintf(want, sizeof want, "YARA rule marker (m.yar) matched [t1]; strings $m@0x%x",
                 10 * k);
        assert_string_equal(f[i].message, want);
    }
    assert_int_equal(seen, 40);
}

static void test_threads_and_scans(void **st)
{
    (void)st;
    const char *opts[] = {g_opt_rules};
    char in[160];
    snprintf(in, sizeof in, "%s/in", fx_dir);
    pk_scan *a = make(opts, 1, 4);
    assert_int_equal(pk_scan_add_path(a, in), PK_OK);
    assert_int_equal(pk_scan_run(a), PK_OK);
    check_markers(a);
    pk_scan *b = make(opts, 1, 3);
    assert_int_equal(pk_scan_add_path(b, in), PK_OK);
    assert_int_equal(pk_scan_run(b), PK_OK); /* a's rules still alive */
    check_markers(b);
    pk_scan_free(a);
    pk_scan_free(b); /* the last reference: yr_finalize */
    pk_scan *c = make(opts, 1, 2);
    assert_int_equal(pk_scan_add_path(c, in), PK_OK);
    assert_int_equal(pk_scan_run(c), PK_OK);
    check_markers(c);
    pk_scan_free(c);
    /* without the option: nothing */
    pk_scan *d = make(NULL, 0, 2);
    assert_int_equal(pk_scan_add_path(d, in), PK_OK);
    assert_int_equal(pk_scan_run(d), PK_OK);
    assert_int_equal(count_rule(d, "PK-YAR-0001"), 0);
    pk_scan_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_timeout),
        cmocka_unit_test(test_timeout_option),
        cmocka_unit_test(test_threads_and_scans),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
