/* pk_csaf_pull_dir on a bundle built here (test_csafsync_tree.h): the good
 * documents accepted with their folder, path and signer; a wrong hash, a
 * signature over other bytes, no signature, a schema-invalid document, a key
 * the metadata does not list, a path escaping the tree and an unserved
 * entry each refused for that reason while the rest go on; a second pull
 * with everything held changes nothing; a held newer version makes the
 * older one "unchanged"; a line the caller has seen is skipped unread
 * (cb.seen); a symbolic link is not followed; a broken bundle
 * delivers nothing; Red Hat's vendor file with and without unsigned_ok. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <parakh/csaf_sync.h>

#include "fixture.h"
#include "test_csafsync_tree.h"

static int setup(void **st)
{
    (void)st;
    tr_build("/tmp/pk-csy-XXXXXX");
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    return tr_remove();
}

static pk_csaf_sync_opts opts(void)
{
    pk_csaf_sync_opts o = {.keys_path = tr_keys, .follow_aggregator = true};
    return o;
}

static void test_bundle(void **st)
{
    (void)st;
    tr_reset();
    pk_csaf_sync_opts o = opts();
    pk_csaf_sync_stats s;
    char err[1024] = "";
    assert_int_equal(pk_csaf_pull_dir(tr_root, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    tr_expect_full(&s);
    /* again, everything held: nothing new, the same refusals */
    tr_nref = 0;
    assert_int_equal(pk_csaf_pull_dir(tr_root, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.accepted, 0);
    assert_int_equal(s.unchanged, 4);
    assert_int_equal(s.refused, 7);
    assert_int_equal(tr_n, 4);
    /* without the aggregator: the mirror is not read */
    tr_reset();
    o.follow_aggregator = false;
    assert_int_equal(pk_csaf_pull_dir(tr_root, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.accepted, 3);
    assert_null(tr_find("RHSA-2024:4420"));
}

static void test_older_than_held(void **st)
{
    (void)st;
    tr_reset();
    /* a newer BSI-2022-0001 is held: the bundle's version 1 changes nothing */
    tr_n = 1;
    memset(&tr_store[0], 0, sizeof tr_store[0]);
    snprintf(tr_store[0].folder, sizeof tr_store[0].folder, "test_upstream_cert");
    snprintf(tr_store[0].id, sizeof tr_store[0].id, "BSI-2022-0001");
    snprintf(tr_store[0].version, sizeof tr_store[0].version, "2");
    pk_csaf_sync_opts o = opts();
    o.follow_aggregator = false;
    pk_csaf_sync_stats s;
    assert_int_equal(pk_csaf_pull_dir(tr_root, &o, &tr_cb, &s, NULL, 0), PK_OK);
    assert_int_equal(s.unchanged, 1);
    assert_int_equal(s.accepted, 2);
    assert_string_equal(tr_find("BSI-2022-0001")->version, "2");
}

static bool seen_bsi(void *ctx, const char *folder, const char *path, const char *date)
{
    (void)ctx;
    return !strcmp(folder, "test_upstream_cert") &&
           !strcmp(path, "white/2022/bsi-2022-0001.json") &&
           !strcmp(date, "2022-03-17T13:03:42.105Z");
}

/* A changes.csv line the caller has taken before is skipped unread. */
static void test_seen(void **st)
{
    (void)st;
    tr_reset();
    pk_csaf_sync_cb cb = tr_cb;
    cb.seen = seen_bsi;
    pk_csaf_sync_opts o = opts();
    o.follow_aggregator = false;
    pk_csaf_sync_stats s;
    assert_int_equal(pk_csaf_pull_dir(tr_root, &o, &cb, &s, NULL, 0), PK_OK);
    assert_int_equal(s.listed, 10);
    assert_int_equal(s.unchanged, 1);
    assert_int_equal(s.accepted, 2);
    assert_null(tr_find("BSI-2022-0001"));
}

/* The .well-known/csaf directory itself is a bundle too. */
static void test_csaf_dir(void **st)
{
    (void)st;
    tr_reset();
    pk_csaf_sync_opts o = opts();
    pk_csaf_sync_stats s;
    char p[256];
    snprintf(p, sizeof p, "%s/.well-known/csaf", tr_root);
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, NULL, 0), PK_OK);
    assert_int_equal(s.listed, 10);
    assert_int_equal(s.accepted, 3);
}

static void test_broken_bundles(void **st)
{
    (void)st;
    pk_csaf_sync_opts o = opts();
    pk_csaf_sync_stats s;
    char err[1024] = "";
    /* garbage metadata, and a changes.csv that is not CSV: nothing delivered */
    assert_int_equal(fx_sh("mkdir -p g1/.well-known/csaf/white && echo '<html>' > "
                           "g1/.well-known/csaf/provider-metadata.json && cp -r root g2 && echo "
                           "'<html><body>' > g2/.well-known/csaf/white/changes.csv"),
                     0);
    tr_reset();
    char p[256];
    snprintf(p, sizeof p, "%s/g1", fx_dir);
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "provider-metadata.json"));
    assert_int_equal(tr_n, 0);
    tr_refused("provider-metadata.json", "not a JSON object");
    snprintf(p, sizeof p, "%s/g2", fx_dir);
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "changes.csv line 1"));
    assert_int_equal(tr_n, 0);
    assert_int_equal(s.listed, 0);
    /* a symbolic link in the tree is not followed */
    assert_int_equal(fx_sh("cp -r root g3 && cd g3/.well-known/csaf/white/2022 && mv "
                           "bsi-2022-0001.json x && ln -s x bsi-2022-0001.json"),
                     0);
    tr_reset();
    o.follow_aggregator = false;
    snprintf(p, sizeof p, "%s/g3", fx_dir);
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.accepted, 2);
    tr_refused("bsi-2022-0001.json", "symbolic link");
    /* no keyring and no unsigned_ok: a usage error */
    o.keys_path = NULL;
    assert_int_equal(pk_csaf_pull_dir(tr_root, &o, &tr_cb, &s, err, sizeof err), PK_E_USAGE);
}

static void test_vendor_file(void **st)
{
    (void)st;
    char p[512];
    snprintf(p, sizeof p, "%s/standards-examples/csaf/redhat/rhsa-2024_4546.json",
             getenv("PK_SHARED"));
    pk_csaf_sync_opts o = {.unsigned_ok = true};
    pk_csaf_sync_stats s;
    char err[1024] = "";
    tr_reset();
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.accepted, 1);
    const tr_doc *d = tr_find("RHSA-2024:4546");
    assert_non_null(d);
    assert_string_equal(d->signer, "none");
    assert_string_equal(d->folder, "red_hat_product_security");
    assert_string_equal(d->path, "white/2024/rhsa-2024_4546.json");
    assert_false(d->has_meta);
    /* signatures required: refused */
    tr_reset();
    o = opts();
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.refused, 1);
    tr_refused("rhsa-2024_4546.json", "no OpenPGP signature");
    /* a signed vendor file beside its .asc and hashes: verified */
    tr_reset();
    snprintf(p, sizeof p, "%s/.well-known/csaf/white/2024/rhsa-2024_4546.json", tr_root);
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.accepted, 1);
    assert_string_equal(tr_find("RHSA-2024:4546")->signer, tr_fa);
    /* ... and one whose hash file does not match */
    tr_reset();
    snprintf(p, sizeof p, "%s/.well-known/csaf/white/2019/rhsa-2019_1862.json", tr_root);
    assert_int_equal(pk_csaf_pull_dir(p, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.refused, 1);
    tr_refused("rhsa-2019_1862.json", "SHA-256 mismatch");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_bundle),         cmocka_unit_test(test_older_than_held),
        cmocka_unit_test(test_seen),           cmocka_unit_test(test_csaf_dir),
        cmocka_unit_test(test_broken_bundles), cmocka_unit_test(test_vendor_file),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
