/* Fault injection: a whole scan of a small nested deliverable (a zip holding
 * a tar.gz holding an ELF, plus a symlink and text) with allocation number n
 * failing, for every n until the scan no longer allocates that many. Each run
 * must end in PK_OK (the failure hit something optional) or PK_E_NOMEM, never
 * a crash; under ASan the leak checker sees every path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core_int.h"

static char dir[64];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/pk-oom-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'int main(void){return 0;}' > m.c && cc -o m m.c && mkdir -p t/bin "
             "&& cp m t/bin/ && ln -s /etc/passwd t/lnk && echo 'hello world text' > t/readme && "
             "printf 'cipher=\"aes-128-ecb\"\\n' > t/agent.cfg && "
             "printf '\\170\\244\\152\\327\\126\\267\\307\\350\\333\\160\\040\\044"
             "\\356\\316\\275\\301\\257\\017\\174\\365\\052\\306\\207\\107\\023"
             "\\106\\060\\250\\001\\225\\106\\375' > t/md5.bin && "
             "tar czf inner.tar.gz -C t . && zip -q outer.zip inner.tar.gz m.c",
             dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static pk_status one_scan(unsigned long fail_at, size_t *nfind, unsigned long *nalloc)
{
    char path[128];
    snprintf(path, sizeof path, "%s/outer.zip", dir);
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    o.tmpdir = dir;
    pk_scan *s = NULL;
    pki_alloc_fail_after(fail_at);
    pk_status st = pk_scan_new(&o, &s);
    if (st == PK_OK)
        st = pk_scan_add_path(s, path);
    if (st == PK_OK)
        st = pk_scan_run(s);
    pk_cbom *cb = NULL;
    if (st == PK_OK) {
        /* the cryptography inventory and its judgement, in both reports */
        pk_cbom_opts co = {.policy_date = "2031-06-01"};
        st = pk_cbom_build(s, &co, &cb, NULL, 0);
    }
    if (st == PK_OK) {
        FILE *devnull = fopen("/dev/null", "w");
        pk_report_opts ro = {.format = "json", .cbom = cb};
        st = pk_report_write_opts(s, &ro, devnull);
        if (st == PK_OK)
            st = pk_cbom_write(cb, 1, devnull);
        fclose(devnull);
    }
    pk_cbom_free(cb);
    *nalloc = pki_alloc_count();
    pki_alloc_fail_after(0);
    const pk_finding *f;
    *nfind = s ? pk_scan_findings(s, &f) : 0;
    pk_scan_free(s);
    return st;
}

static void test_oom_sweep(void **st)
{
    (void)st;
    size_t want = 0, got = 0;
    unsigned long total = 0, used = 0;
    assert_int_equal(one_scan(0, &want, &total), PK_OK);
    assert_true(want > 0);
    unsigned long n;
    unsigned nomem = 0;
    /* every allocation the scan makes fails once, in turn */
    for (n = 1; n <= total + 1; n++) {
        pk_status r = one_scan(n, &got, &used);
        assert_true(r == PK_OK || r == PK_E_NOMEM);
        if (r == PK_E_NOMEM)
            nomem++;
        if (r == PK_OK && used < n)
            assert_int_equal(got, want); /* the failure came after the last allocation */
    }
    printf("allocations in one scan: %lu; failures injected: %lu; ended in PK_E_NOMEM: %u\n", total,
           n - 1, nomem);
    assert_true(nomem > 0);
    /* the temporary tree is removed on every path */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -d %s/parakh-* 2>/dev/null)\"", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_oom_sweep)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
