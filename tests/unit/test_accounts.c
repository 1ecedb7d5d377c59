/* The accounts analyzer on fixtures made at test time: shadow and passwd
 * files with hashes made by `openssl passwd` (a $6$ hash of "admin", a $1$
 * hash of a password on no list, empty, locked and shadowed fields, an extra
 * UID 0 account), inittab with telnetd and a serial shell, init scripts,
 * systemd units, inetd/xinetd, sshd_config, authorized_keys with keys made by
 * ssh-keygen (fingerprints compared with `ssh-keygen -lf`), build.prop, a
 * dropbear host key; and a firmware-like tree packed as squashfs inside a
 * tar.gz, scanned through the public API. Negatives: Debian-style entries
 * ('x', '*', '!'), a non-remote systemd unit, telnetd only tested for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "walk/harness_int.h"

extern const pk_analyzer pki_analyzer_accounts;

static void run_text(pki_frec *rec, const char *text, const char *vpath)
{
    assert_int_equal(pki_frec_init(rec), PK_OK);
    pk_bytes b = {(const uint8_t *)text, strlen(text)};
    assert_int_equal(pki_harness_run(&pki_analyzer_accounts, b, vpath, rec), PK_OK);
}

static size_t count(const pki_frec *rec, const char *rule)
{
    size_t c = 0;
    for (size_t i = 0; i < rec->nfind; i++)
        if (strcmp(rec->findings[i].rule_id, rule) == 0)
            c++;
    return c;
}

static const pk_finding *find(const pki_frec *rec, const char *rule, size_t nth)
{
    for (size_t i = 0; i < rec->nfind; i++)
        if (strcmp(rec->findings[i].rule_id, rule) == 0 && nth-- == 0)
            return &rec->findings[i];
    fail_msg("no %s finding", rule);
    return NULL;
}

static void dump(const pki_frec *rec)
{
    for (size_t i = 0; i < rec->nfind; i++)
        fprintf(stderr, "  %s %s\n", rec->findings[i].rule_id, rec->findings[i].message);
}

static const char *ev(const pk_finding *f)
{
    static char b[PK_EVIDENCE_MAX + 1];
    snprintf(b, sizeof b, "%.*s", (int)f->evidence.len, (const char *)f->evidence.ptr);
    return b;
}

/* One line of command output, newline stripped. */
static void out1(const char *cmd, char *buf, size_t cap)
{
    char full[1024];
    snprintf(full, sizeof full, "cd %s && %s", fx_dir, cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    buf[0] = 0;
    if (!fgets(buf, (int)cap, p))
        buf[0] = 0;
    pclose(p);
    buf[strcspn(buf, "\n")] = 0;
}

static json_t *user(const pki_frec *rec, const char *name)
{
    json_t *a = json_object_get(json_object_get(rec->facts, "accounts"), "users");
    size_t i;
    json_t *u;
    json_array_foreach(a, i, u)
    {
        if (strcmp(json_string_value(json_object_get(u, "name")), name) == 0)
            return u;
    }
    fail_msg("no user %s in facts", name);
    return NULL;
}

static const char *pwstate(const pki_frec *rec, const char *name)
{
    return json_string_value(json_object_get(user(rec, name), "password"));
}

static void test_shadow(void **st)
{
    (void)st;
    char h6[256], h1[256], buf[2048];
    out1("openssl passwd -6 -salt pkacctsalt admin", h6, sizeof h6);
    out1("openssl passwd -1 -salt pkq7 'Xq-9v!unlisted-Kite'", h1, sizeof h1);
    assert_true(strncmp(h6, "$6$pkacctsalt$", 14) == 0);
    assert_true(strncmp(h1, "$1$pkq7$", 8) == 0);
    snprintf(buf, sizeof buf,
             "root:%s:19000:0:99999:7:::\n"
             "daemon:*:19000:0:99999:7:::\n"
             "bin:!:19000:0:99999:7:::\n"
             "guest::19000:0:99999:7:::\n"
             "oper:%s:19000:0:99999:7:::\n"
             "old:!%s:19000:0:99999:7:::\n",
             h6, h1, h6);
    pki_frec rec;
    run_text(&rec, buf, "rootfs/etc/shadow");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0001"), 1);
    const pk_finding *f = find(&rec, "PK-ACC-0001", 0);
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_non_null(strstr(f->message, "'guest'"));
    assert_string_equal(ev(f), "guest::19000:0:99999:7:::");
    assert_int_equal(f->loc.offset, (uint64_t)(strstr(buf, "guest::") - buf));
    /* root's $6$ hash is "admin", the hash itself is redacted in the evidence */
    assert_int_equal(count(&rec, "PK-ACC-0003"), 1);
    f = find(&rec, "PK-ACC-0003", 0);
    assert_non_null(strstr(f->message, "'root'"));
    assert_non_null(strstr(f->message, "password 'admin'"));
    assert_string_equal(ev(f), "root:$6$pkac...:19000:0:99999:7:::");
    assert_int_equal(f->confidence, 100);
    /* oper: MD5, not on the list: only the legacy scheme */
    assert_int_equal(count(&rec, "PK-ACC-0005"), 1);
    assert_non_null(strstr(find(&rec, "PK-ACC-0005", 0)->message, "'oper'"));
    assert_int_equal(rec.nfind, 3);
    assert_string_equal(pwstate(&rec, "root"), "default:admin");
    assert_string_equal(pwstate(&rec, "daemon"), "locked");
    assert_string_equal(pwstate(&rec, "bin"), "locked");
    assert_string_equal(pwstate(&rec, "guest"), "empty");
    assert_string_equal(pwstate(&rec, "oper"), "hash:md5");
    assert_string_equal(pwstate(&rec, "old"), "locked");
    pki_frec_fini(&rec);
}

static void test_passwd(void **st)
{
    (void)st;
    char h1[256], buf[2048];
    out1("openssl passwd -1 -salt ab12 support", h1, sizeof h1);
    snprintf(buf, sizeof buf,
             "root:x:0:0:root:/root:/bin/ash\n"
             "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
             "support:%s:1000:1000::/home/support:/bin/sh\n"
             "toor:x:0:0::/root:/bin/sh\n"
             "nobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
             h1);
    pki_frec rec;
    run_text(&rec, buf, "squashfs-root/etc/passwd");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0002"), 1);
    assert_int_equal(count(&rec, "PK-ACC-0003"), 1);
    assert_non_null(strstr(find(&rec, "PK-ACC-0003", 0)->message, "account's own name"));
    assert_int_equal(count(&rec, "PK-ACC-0004"), 1);
    const pk_finding *f = find(&rec, "PK-ACC-0004", 0);
    assert_non_null(strstr(f->message, "'toor'"));
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_int_equal(count(&rec, "PK-ACC-0005"), 1);
    assert_int_equal(rec.nfind, 4);
    json_t *u = user(&rec, "toor");
    assert_int_equal(json_integer_value(json_object_get(u, "uid")), 0);
    assert_string_equal(json_string_value(json_object_get(u, "shell")), "/bin/sh");
    assert_string_equal(pwstate(&rec, "root"), "shadow");
    pki_frec_fini(&rec);

    /* Debian-style entries: nothing */
    run_text(&rec,
             "root:x:0:0:root:/root:/bin/bash\n"
             "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
             "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n",
             "etc/passwd");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
    run_text(&rec,
             "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
             "systemd-network:!*:19000::::::\nuser:!:19000:0:99999:7:::\n",
             "etc/shadow");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
    /* the per-file cap: 300 empty passwords, 200 findings, the rest counted */
    char *many = malloc(300 * 32);
    assert_non_null(many);
    size_t m = 0;
    for (int i = 0; i < 300; i++)
        m += (size_t)snprintf(many + m, 300 * 32 - m, "u%d::1:0:99999:7:::\n", i);
    run_text(&rec, many, "etc/shadow");
    assert_int_equal(count(&rec, "PK-ACC-0001"), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rec.facts, "accounts"),
                                                        "findings_not_reported")),
                     100);
    pki_frec_fini(&rec);
    free(many);
    /* names lie: a shadow file under another name is known by its content */
    run_text(&rec, "root::19000:0:99999:7:::\n", "backup/shadow.bak");
    assert_int_equal(count(&rec, "PK-ACC-0001"), 1);
    pki_frec_fini(&rec);
}

static void test_services(void **st)
{
    (void)st;
    pki_frec rec;
    const char *inittab = "::sysinit:/etc/init.d/rcS\n"
                          "ttyS0::respawn:/bin/sh\n"
                          "::respawn:/usr/sbin/telnetd -F -l /bin/sh\n"
                          "tty1::respawn:/sbin/getty 38400 tty1\n"
                          "# ttyS1::respawn:/bin/sh\n"
                          "::shutdown:/bin/umount -a -r\n";
    run_text(&rec, inittab, "fw/etc/inittab");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0009"), 1);
    assert_string_equal(ev(find(&rec, "PK-ACC-0009", 0)), "ttyS0::respawn:/bin/sh");
    assert_non_null(strstr(find(&rec, "PK-ACC-0009", 0)->message, "'ttyS0'"));
    assert_int_equal(count(&rec, "PK-ACC-0007"), 1);
    assert_int_equal(find(&rec, "PK-ACC-0007", 0)->severity, PK_SEV_CRITICAL);
    assert_int_equal(rec.nfind, 2);
    pki_frec_fini(&rec);

    run_text(&rec,
             "#!/bin/sh\n# start telnetd if present\n[ -x /usr/sbin/telnetd ] || exit 0\n"
             "echo starting telnetd\nbusybox telnetd -l /bin/login\n",
             "etc/init.d/S50telnet");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0007"), 1);
    assert_string_equal(ev(find(&rec, "PK-ACC-0007", 0)), "busybox telnetd -l /bin/login");
    assert_int_equal(find(&rec, "PK-ACC-0007", 0)->severity, PK_SEV_HIGH);
    pki_frec_fini(&rec);

    run_text(&rec,
             "[Unit]\nDescription=Dropbear\n[Service]\nExecStart=-/usr/sbin/dropbear -F -R\n"
             "[Install]\nWantedBy=multi-user.target\n",
             "etc/systemd/system/multi-user.target.wants/dropbear.service");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0007"), 1);
    const pk_finding *f = find(&rec, "PK-ACC-0007", 0);
    assert_int_equal(f->severity, PK_SEV_LOW);
    assert_non_null(strstr(f->message, "root may log in with a password"));
    json_t *s =
        json_array_get(json_object_get(json_object_get(rec.facts, "accounts"), "services"), 0);
    assert_string_equal(json_string_value(json_object_get(s, "daemon")), "dropbear");
    pki_frec_fini(&rec);
    run_text(&rec, "[Service]\nExecStart=/usr/sbin/cron -f $EXTRA_OPTS\n",
             "lib/systemd/system/cron.service");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
    run_text(&rec,
             "[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root -8 --keep-baud "
             "115200 %I $TERM\n",
             "etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf");
    assert_int_equal(count(&rec, "PK-ACC-0009"), 1);
    assert_int_equal(rec.nfind, 1);
    pki_frec_fini(&rec);

    run_text(&rec,
             "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n"
             "#shell stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.rshd\n"
             "daytime stream tcp nowait root internal\n",
             "etc/inetd.conf");
    assert_int_equal(count(&rec, "PK-ACC-0007"), 1);
    assert_int_equal(rec.nfind, 1);
    pki_frec_fini(&rec);
    run_text(&rec,
             "service telnet\n{\n  disable = no\n  server = /usr/sbin/in.telnetd\n}\n"
             "service login\n{\n  disable = yes\n  server = /usr/sbin/in.rlogind\n}\n",
             "etc/xinetd.d/telnet");
    assert_int_equal(count(&rec, "PK-ACC-0007"), 1);
    assert_string_equal(ev(find(&rec, "PK-ACC-0007", 0)), "service telnet");
    pki_frec_fini(&rec);
}

static void test_sshd_props(void **st)
{
    (void)st;
    pki_frec rec;
    run_text(&rec,
             "# PermitRootLogin no\nPort 22\npermitrootlogin yes\nPermitEmptyPasswords no\n"
             "PasswordAuthentication yes\nPermitRootLogin no\nMatch User x\n"
             "  PermitEmptyPasswords yes\n",
             "etc/ssh/sshd_config");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0008"), 1);
    const pk_finding *f = find(&rec, "PK-ACC-0008", 0);
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_string_equal(ev(f), "permitrootlogin yes");
    pki_frec_fini(&rec);
    run_text(&rec, "PermitRootLogin prohibit-password\n", "etc/ssh/sshd_config");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);

    run_text(&rec,
             "ro.build.type=userdebug\nro.debuggable=1\nro.secure=0\nro.adb.secure=0\n"
             "persist.sys.usb.config=mtp,adb\nservice.adb.tcp.port=5555\nro.product.model=X\n",
             "system/build.prop");
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0011"), 5);
    pki_frec_fini(&rec);
    run_text(&rec, "ro.debuggable=0\nro.secure=1\npersist.sys.usb.config=mtp\n", "default.prop");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);

    /* a dropbear host key made by dropbearkey's format: string "ssh-ed25519" ... */
    static const uint8_t hk[] = {0,   0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1',
                                 '9', 0, 0, 0,  64,  1,   2,   3,   4,   5,   6,   7,   8};
    assert_int_equal(pki_frec_init(&rec), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_accounts, (pk_bytes){hk, sizeof hk},
                                     "etc/dropbear/dropbear_ed25519_host_key", &rec),
                     PK_OK);
    assert_int_equal(count(&rec, "PK-ACC-0012"), 1);
    pki_frec_fini(&rec);
}

static void test_authkeys(void **st)
{
    (void)st;
    assert_int_equal(fx_sh("ssh-keygen -q -t ed25519 -N '' -C lab@test -f k1 && "
                           "ssh-keygen -q -t rsa -b 3072 -N '' -C 'ops key' -f k2 && "
                           "ssh-keygen -q -t ecdsa -b 384 -N '' -C '' -f k3 && "
                           "(cat k1.pub; printf 'from=\"10.0.0.1\",no-pty '; cat k2.pub; "
                           "echo '# comment'; cat k3.pub) > ak"),
                     0);
    size_t n;
    uint8_t *b = fx_slurp("ak", &n);
    pki_frec rec;
    assert_int_equal(pki_frec_init(&rec), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_accounts, (pk_bytes){b, n},
                                     "fw.bin!/rootfs/root/.ssh/authorized_keys", &rec),
                     PK_OK);
    dump(&rec);
    assert_int_equal(count(&rec, "PK-ACC-0010"), 3);
    char want[512];
    const char *keys[] = {"k1.pub", "k2.pub", "k3.pub"};
    for (size_t i = 0; i < 3; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "ssh-keygen -lf %s", keys[i]);
        out1(cmd, want, sizeof want);
        const pk_finding *f = find(&rec, "PK-ACC-0010", i);
        assert_string_equal(ev(f), want);
        assert_int_equal(f->severity, PK_SEV_HIGH);
    }
    json_t *k = json_array_get(
        json_object_get(json_object_get(rec.facts, "accounts"), "authorized_keys"), 1);
    assert_int_equal(json_integer_value(json_object_get(k, "bits")), 3072);
    assert_string_equal(json_string_value(json_object_get(k, "type")), "RSA");
    assert_string_equal(json_string_value(json_object_get(k, "user")), "root");
    assert_true(json_is_true(json_object_get(k, "options")));
    pki_frec_fini(&rec);
    /* a user's key: medium */
    assert_int_equal(pki_frec_init(&rec), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_accounts, (pk_bytes){b, n},
                                     "home/admin/.ssh/authorized_keys2", &rec),
                     PK_OK);
    assert_int_equal(find(&rec, "PK-ACC-0010", 0)->severity, PK_SEV_MEDIUM);
    assert_non_null(strstr(find(&rec, "PK-ACC-0010", 0)->message, "logins as admin"));
    pki_frec_fini(&rec);
    free(b);
}

/* A firmware-like tree as squashfs inside a tar.gz, through pk_scan. */
static void test_firmware(void **st)
{
    (void)st;
    char h6[256];
    out1("openssl passwd -6 -salt fwsalt12 admin", h6, sizeof h6);
    assert_int_equal(fx_sh("mkdir -p t/etc/init.d t/root/.ssh t/etc/systemd/system fwdir"), 0);
    char buf[1024];
    snprintf(buf, sizeof buf, "root:%s:19000:0:99999:7:::\nguest::19000::::::\n", h6);
    fx_put("t/etc/shadow", buf);
    fx_put("t/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nguest:x:1000:1000::/:/bin/sh\n");
    fx_put("t/etc/inittab", "::sysinit:/etc/init.d/rcS\nttyS0::respawn:-/bin/sh\n");
    fx_put("t/etc/init.d/rcS", "#!/bin/sh\nmount -a\n/usr/sbin/utelnetd -d &\n");
    fx_put("t/etc/systemd/system/cron.service", "[Service]\nExecStart=/usr/sbin/cron -f\n");
    assert_int_equal(fx_sh("ssh-keygen -q -t ed25519 -N '' -C fw -f fk && "
                           "cp fk.pub t/root/.ssh/authorized_keys && "
                           "mksquashfs t fwdir/rootfs.squashfs -quiet -noappend -all-root && "
                           "tar czf fw.tar.gz -C fwdir rootfs.squashfs"),
                     0);
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    pk_scan *sc = NULL;
    assert_int_equal(pk_scan_new(&o, &sc), PK_OK);
    char path[256];
    snprintf(path, sizeof path, "%s/fw.tar.gz", fx_dir);
    assert_int_equal(pk_scan_add_path(sc, path), PK_OK);
    assert_int_equal(pk_scan_run(sc), PK_OK);
    const pk_finding *l;
    size_t n = pk_scan_findings(sc, &l);
    const char *want[][2] = {
        {"PK-ACC-0003", "rootfs.squashfs!/etc/shadow"},
        {"PK-ACC-0001", "rootfs.squashfs!/etc/shadow"},
        {"PK-ACC-0009", "rootfs.squashfs!/etc/inittab"},
        {"PK-ACC-0007", "rootfs.squashfs!/etc/init.d/rcS"},
        {"PK-ACC-0010", "rootfs.squashfs!/root/.ssh/authorized_keys"},
    };
    size_t acc = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].analyzer, "accounts") == 0) {
            fprintf(stderr, "  %s %s\n", l[i].rule_id, l[i].vpath);
            acc++;
        }
    assert_int_equal(acc, 5);
    for (size_t k = 0; k < 5; k++) {
        int hit = 0;
        for (size_t i = 0; i < n; i++) {
            size_t vl = strlen(l[i].vpath), wl = strlen(want[k][1]);
            if (strcmp(l[i].rule_id, want[k][0]) == 0 && strstr(l[i].vpath, "fw.tar.gz!/") &&
                vl >= wl && strcmp(l[i].vpath + vl - wl, want[k][1]) == 0)
                hit = 1;
        }
        if (!hit)
            fail_msg("no %s at fw.tar.gz!/...%s", want[k][0], want[k][1]);
    }
    pk_scan_free(sc);

    /* the crypt budget option: too small for one SHA-512 trial (cost 8),
     * zero (no trials, no note), not a number */
    const char *const opts[][1] = {{"accounts.crypt_budget=3"}, {"accounts.crypt_budget=0"}};
    for (size_t k = 0; k < 2; k++) {
        o.options = opts[k];
        o.noptions = 1;
        assert_int_equal(pk_scan_new(&o, &sc), PK_OK);
        assert_int_equal(pk_scan_add_path(sc, path), PK_OK);
        assert_int_equal(pk_scan_run(sc), PK_OK);
        n = pk_scan_findings(sc, &l);
        size_t capped = 0, cracked = 0;
        for (size_t i = 0; i < n; i++) {
            capped += strcmp(l[i].rule_id, "PK-ACC-0006") == 0;
            cracked += strcmp(l[i].rule_id, "PK-ACC-0003") == 0;
            if (strcmp(l[i].rule_id, "PK-ACC-0006") == 0)
                assert_non_null(strstr(l[i].message, "tried against 0 of 86"));
        }
        assert_int_equal(cracked, 0);
        assert_int_equal(capped, k == 0 ? 1 : 0);
        pk_scan_free(sc);
    }
    const char *bad[] = {"accounts.crypt_budget=lots"};
    o.options = bad;
    assert_int_equal(pk_scan_new(&o, &sc), PK_OK);
    assert_int_equal(pk_scan_add_path(sc, path), PK_OK);
    assert_int_equal(pk_scan_run(sc), PK_E_USAGE);
    assert_non_null(strstr(pk_scan_errmsg(sc), "accounts.crypt_budget"));
    pk_scan_free(sc);
}

static int setup(void **st)
{
    (void)st;
    return fx_mkdtemp("/tmp/pk-acct-XXXXXX");
}

static int teardown(void **st)
{
    (void)st;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_shadow),   cmocka_unit_test(test_passwd),
        cmocka_unit_test(test_services), cmocka_unit_test(test_sshd_props),
        cmocka_unit_test(test_authkeys), cmocka_unit_test(test_firmware),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
