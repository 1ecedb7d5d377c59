/* Fuzz target for the accounts analyzer: the first byte picks the file's
 * role by its evidence path (shadow, passwd, inittab, init script, systemd
 * unit, inetd, xinetd, sshd_config, dropbear defaults and host key,
 * authorized_keys, build.prop, a file known by content only); the rest is
 * its content. The crypt budget is small so slow hashes cannot stall a run.
 * Seeds: tests/fuzz/corpus/accounts/; crashes found: tests/fuzz/crashes/accounts/. */
#include "analyzers/accounts/accounts_int.h"
#include "fuzz_analyzer.h"

extern const pk_analyzer pki_analyzer_accounts;

static const char *const paths[] = {
    "fw!/etc/shadow",
    "fw!/etc/passwd",
    "fw!/etc/inittab",
    "fw!/etc/init.d/rcS",
    "fw!/etc/rc.d/rc3.d/S50x",
    "fw!/etc/systemd/system/x.service",
    "fw!/lib/systemd/system/y.service.d/o.conf",
    "fw!/etc/inetd.conf",
    "fw!/etc/xinetd.d/telnet",
    "fw!/etc/ssh/sshd_config",
    "fw!/etc/default/dropbear",
    "fw!/etc/dropbear/dropbear_rsa_host_key",
    "fw!/root/.ssh/authorized_keys",
    "fw!/home/u/.ssh/authorized_keys2",
    "fw!/system/build.prop",
    "fw!/unknown.txt",
};

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    /* about 40 ms of crypt per input at most; no scan-wide cap: the
     * harness keeps the analyzer's state across inputs */
    pki_acc_test_file_budget = 40;
    pki_acc_test_scan_budget = UINT64_MAX / 2;
    return pkf_run_role(&pki_analyzer_accounts, d, n, paths, sizeof paths / sizeof paths[0]);
}
