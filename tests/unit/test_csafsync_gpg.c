/* The CSAF signer and verifier (lib/csafsync/gpg.c) with keys made here by
 * gpg --batch: sign → verify round trip (also with the exported public
 * key), concurrent signing on one signer, and a precise refusal for altered
 * data, a key not in the keyring, a revoked key, an expired key, bytes that
 * are no signature and a keyring that holds no key. Afterwards no temporary
 * GnuPG home is left in $TMPDIR and no gpg-agent runs for the test's dirs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <parakh/csaf_sync.h>

#include "fixture.h"

static char fa[41], fb[41], home_a[128], tmpd[128];

static void read_fpr(const char *name, char out[41])
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx_dir, name);
    size_t n;
    uint8_t *b = fx_read(p, &n);
    assert_non_null(b);
    assert_true(n >= 40);
    memcpy(out, b, 40);
    out[40] = 0;
    free(b);
}

#define GPG     "gpg --batch --pinentry-mode loopback --passphrase '' --homedir "
#define KEYGEN  " --quick-gen-key '%s <t@example>' ed25519 sign %s"
#define FPR_CMD " --with-colons --list-keys | awk -F: '/^fpr/{print $10; exit}' > "

/* A key in a fresh home dir h; its fingerprint in h.fpr, its public key in
 * h.pub. */
static void make_key(const char *h, const char *name, const char *extra, const char *expire)
{
    assert_int_equal(fx_sh("mkdir -m700 %s && " GPG "%s %s" KEYGEN, h, h, extra, name, expire), 0);
    assert_int_equal(fx_sh(GPG "%s" FPR_CMD "%s.fpr", h, h), 0);
    assert_int_equal(fx_sh(GPG "%s --armor --export > %s.pub", h, h), 0);
}

static int setup(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-csg-XXXXXX"), 0);
    snprintf(tmpd, sizeof tmpd, "%s/tmp", fx_dir);
    mkdir(tmpd, 0700);
    setenv("TMPDIR", tmpd, 1);
    make_key("a", "Alpha", "", "never");
    make_key("b", "Beta", "", "never");
    read_fpr("a.fpr", fa);
    read_fpr("b.fpr", fb);
    snprintf(home_a, sizeof home_a, "%s/a", fx_dir);
    fx_put("data", "{\"document\":{}}\n");
    assert_int_equal(fx_sh(GPG "a --armor --detach-sign -o data.asc data"), 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    const char *homes[] = {"a", "b", "c", "d"};
    for (size_t i = 0; i < 4; i++)
        fx_sh("test -d %s && gpgconf --homedir %s/%s --kill all || true", homes[i], fx_dir,
              homes[i]);
    return fx_remove();
}

static uint8_t *file(const char *name, size_t *n)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx_dir, name);
    uint8_t *b = fx_read(p, n);
    assert_non_null(b);
    return b;
}

static char *path(const char *name)
{
    static char p[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", fx_dir, name);
    return p[i];
}

static void test_round_trip(void **st)
{
    (void)st;
    pk_csaf_signer *s = NULL;
    char err[512] = "";
    assert_int_equal(pk_csaf_signer_open(home_a, fa, &s, err, sizeof err), PK_OK);
    assert_string_equal(pk_csaf_signer_fpr(s), fa);
    const char *doc = "{\"document\":{\"title\":\"x\"}}";
    uint8_t *sig = NULL, *key = NULL;
    size_t sl = 0, kl = 0;
    assert_int_equal(pk_csaf_sign(s, (const uint8_t *)doc, strlen(doc), &sig, &sl, err, sizeof err),
                     PK_OK);
    assert_true(sl > 40 && !memcmp(sig, "-----BEGIN PGP SIGNATURE-----", 29));
    assert_int_equal(pk_csaf_signer_pubkey(s, &key, &kl, err, sizeof err), PK_OK);
    assert_true(kl > 40 && !memcmp(key, "-----BEGIN PGP PUBLIC KEY BLOCK-----", 36));
    FILE *f = fopen(path("exported.asc"), "wb");
    assert_non_null(f);
    fwrite(key, 1, kl, f);
    fclose(f);
    char fpr[41] = "";
    assert_int_equal(pk_csaf_verify_sig(path("exported.asc"), (const uint8_t *)doc, strlen(doc),
                                        sig, sl, fpr, err, sizeof err),
                     PK_OK);
    assert_string_equal(fpr, fa);
    /* a keyring of two keys: the signer is found among them */
    fx_sh("cat b.pub a.pub > ab.pub");
    assert_int_equal(pk_csaf_verify_sig(path("ab.pub"), (const uint8_t *)doc, strlen(doc), sig, sl,
                                        fpr, err, sizeof err),
                     PK_OK);
    assert_string_equal(fpr, fa);
    /* one altered byte */
    assert_int_equal(pk_csaf_verify_sig(path("ab.pub"), (const uint8_t *)doc, strlen(doc) - 1, sig,
                                        sl, fpr, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "bad signature by key"));
    assert_string_equal(fpr, "");
    pk_csaf_free(sig);
    pk_csaf_free(key);
    pk_csaf_signer_close(s);
    pk_csaf_signer_close(NULL);
}

static void *sign_many(void *arg)
{
    pk_csaf_signer *s = arg;
    for (int i = 0; i < 4; i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "doc %d %p", i, (void *)&doc);
        uint8_t *sig = NULL;
        size_t sl = 0;
        char fpr[41], err[512];
        if (pk_csaf_sign(s, (const uint8_t *)doc, strlen(doc), &sig, &sl, err, sizeof err) !=
                PK_OK ||
            pk_csaf_verify_sig(path("a.pub"), (const uint8_t *)doc, strlen(doc), sig, sl, fpr, err,
                               sizeof err) != PK_OK)
            return (void *)1;
        pk_csaf_free(sig);
    }
    return NULL;
}

static void test_threads(void **st)
{
    (void)st;
    pk_csaf_signer *s = NULL;
    assert_int_equal(pk_csaf_signer_open(home_a, fa, &s, NULL, 0), PK_OK);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, sign_many, s), 0);
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
    pk_csaf_signer_close(s);
}

static void test_refusals(void **st)
{
    (void)st;
    size_t dl, sl;
    uint8_t *d = file("data", &dl), *sig = file("data.asc", &sl);
    char fpr[41], err[512] = "";
    assert_int_equal(pk_csaf_verify_sig(path("a.pub"), d, dl, sig, sl, fpr, err, sizeof err),
                     PK_OK);
    assert_string_equal(fpr, fa);
    /* the signer's key is not in the keyring */
    assert_int_equal(pk_csaf_verify_sig(path("b.pub"), d, dl, sig, sl, fpr, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "unknown key"));
    /* no signature at all */
    assert_int_equal(
        pk_csaf_verify_sig(path("a.pub"), d, dl, (const uint8_t *)"hello", 5, fpr, err, sizeof err),
        PK_E_FORMAT);
    assert_non_null(strstr(err, "not an OpenPGP signature"));
    /* a keyring file that holds no key; a missing keyring */
    assert_int_equal(pk_csaf_verify_sig(path("data"), d, dl, sig, sl, fpr, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "no OpenPGP public key"));
    assert_int_equal(pk_csaf_verify_sig(path("none.pub"), d, dl, sig, sl, fpr, err, sizeof err),
                     PK_E_IO);
    /* signer misuse */
    pk_csaf_signer *s = NULL;
    assert_int_equal(pk_csaf_signer_open(home_a, "ABC", &s, err, sizeof err), PK_E_USAGE);
    assert_int_equal(pk_csaf_signer_open(home_a, fb, &s, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "no secret key"));
    assert_null(s);
    free(d);
    free(sig);
}

static void test_revoked_expired(void **st)
{
    (void)st;
    char fc[41], fd[41], fpr[41], err[512] = "";
    /* c: signs, then its revocation certificate is imported */
    make_key("c", "Gamma", "", "never");
    read_fpr("c.fpr", fc);
    assert_int_equal(fx_sh(GPG "c --armor --detach-sign -o c.asc data"), 0);
    assert_int_equal(fx_sh("sed 's/^:-----/-----/' c/openpgp-revocs.d/%s.rev > c.rev && " GPG
                           "c --import c.rev && " GPG "c --armor --export > c.pub",
                           fc),
                     0);
    size_t dl, sl;
    uint8_t *d = file("data", &dl), *sig = file("c.asc", &sl);
    assert_int_equal(pk_csaf_verify_sig(path("c.pub"), d, dl, sig, sl, fpr, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "revoked key"));
    free(sig);
    /* d: made and used in 2020, valid for one day */
    make_key("d", "Delta", "--faked-system-time 20200101T000000", "1d");
    read_fpr("d.fpr", fd);
    assert_int_equal(
        fx_sh(GPG "d --faked-system-time 20200101T010000 --armor --detach-sign -o d.asc data"), 0);
    sig = file("d.asc", &sl);
    assert_int_equal(pk_csaf_verify_sig(path("d.pub"), d, dl, sig, sl, fpr, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "expired key"));
    free(sig);
    free(d);
}

/* Runs last: nothing left behind by the verifier. */
static void test_nothing_left(void **st)
{
    (void)st;
    DIR *dir = opendir(tmpd);
    assert_non_null(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dir)))
        if (strncmp(e->d_name, "pk-csaf-gpg-", 12) == 0)
            n++;
    closedir(dir);
    assert_int_equal(n, 0);
    /* no agent for a temporary home (pk-csaf-gpg-*) was ever started */
    assert_int_not_equal(system("pgrep -f '[g]pg-agent.*pk-csaf-gpg-' >/dev/null"), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_threads),
        cmocka_unit_test(test_refusals),     cmocka_unit_test(test_revoked_expired),
        cmocka_unit_test(test_nothing_left),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
