/* A provider tree for the puller's tests (test_csafsync.c reads it as a
 * bundle, test_csafsync_http.c serves it), built at test time from the
 * OASIS and Red Hat examples in $PK_SHARED, signed with keys gpg --batch
 * makes here. Include after <cmocka.h> and "fixture.h".
 *
 * root/.well-known/csaf/ (publisher "Test Upstream CERT", lists key A):
 *   white/2022/bsi-2022-0001.json           good (key A)
 *   white/2018/cisco-sa-20180328-smi2.json  good (no TLP label: white)
 *   white/2024/rhsa-2024_4546.json          good
 *   white/2019/rhsa-2019_1862.json          .sha256 of other bytes
 *   white/2021/rhsa-2021_5186.json          .asc over other bytes
 *   white/2021/rhsa-2021_5217.json          no .asc
 *   white/2022/rhsa-2022_0011.json          csaf_version "2.1": schema-invalid
 *   white/2015/rhsa-2015_0008.json          signed by key B (in the keyring, not in the metadata)
 *   changes.csv also lists white/../../../etc/passwd.json and an unserved file
 * root/.well-known/csaf-aggregator/aggregator.json → mirror national_cert/
 *   ("National CERT", lists key A): white/2024/rhsa-2024_4420.json good. */
#ifndef PK_TEST_CSAFSYNC_TREE_H
#define PK_TEST_CSAFSYNC_TREE_H

#include <string.h>
#include <sys/stat.h>

#include <parakh/csaf_sync.h>

static char tr_fa[41], tr_fb[41], tr_keys[128], tr_root[128], tr_tmp[128];

static const char tr_script[] =
    "set -e\n"
    "S=$PK_SHARED/standards-examples/csaf; E=$S/oasis-examples/csaf\n"
    "G() { gpg --batch --pinentry-mode loopback --passphrase '' --homedir \"$@\"; }\n"
    "for h in a b; do mkdir -m700 $h; G $h --quick-gen-key \"$h <t@example>\" ed25519 sign never\n"
    "  G $h --with-colons --list-keys | awk -F: '/^fpr/{print $10; exit}' > $h.fpr\n"
    "  G $h --armor --export > $h.pub; done\n"
    "cat a.pub b.pub > keys.asc\n"
    "W=root/.well-known/csaf; M=root/.well-known/csaf-aggregator/national_cert\n"
    "put() { mkdir -p $2; cp $1 $2/$3; (cd $2 && sha256sum $3 > $3.sha256 && sha512sum $3 > "
    "$3.sha512)\n"
    "  if [ -n \"$4\" ]; then G $4 --armor --detach-sign -o $2/$3.asc $2/$3; fi; }\n"
    "put $E/bsi-2022-0001.json $W/white/2022 bsi-2022-0001.json a\n"
    "put $E/cisco-sa-20180328-smi2.json $W/white/2018 cisco-sa-20180328-smi2.json a\n"
    "put $S/redhat/rhsa-2024_4546.json $W/white/2024 rhsa-2024_4546.json a\n"
    "put $E/rhsa-2019_1862.json $W/white/2019 rhsa-2019_1862.json a\n"
    "sha256sum $E/rhsa-2021_5217.json | sed 's, .*,  rhsa-2019_1862.json,' > "
    "$W/white/2019/rhsa-2019_1862.json.sha256\n"
    "put $E/rhsa-2021_5186.json $W/white/2021 rhsa-2021_5186.json ''\n"
    "G a --armor --detach-sign -o $W/white/2021/rhsa-2021_5186.json.asc $E/rhsa-2021_5217.json\n"
    "put $E/rhsa-2021_5217.json $W/white/2021 rhsa-2021_5217.json ''\n"
    "sed 's/\"csaf_version\": \"2.0\"/\"csaf_version\": \"2.1\"/' $E/rhsa-2022_0011.json > "
    "inv.json\n"
    "put inv.json $W/white/2022 rhsa-2022_0011.json a\n"
    "put $S/redhat/rhsa-2015_0008.json $W/white/2015 rhsa-2015_0008.json b\n"
    "printf '%s\\r\\n' '\"white/2024/rhsa-2024_4546.json\",\"2024-07-15T16:12:25+00:00\"' "
    "'white/2023/missing.json,2023-01-01T00:00:00Z' "
    "'\"white/2022/bsi-2022-0001.json\",\"2022-03-17T13:03:42.105Z\"' "
    "'\"white/2022/rhsa-2022_0011.json\",\"2022-01-04T08:38:00Z\"' "
    "'\"white/../../../etc/passwd.json\",\"2022-01-01T00:00:00Z\"' "
    "'\"white/2021/rhsa-2021_5217.json\",\"2021-12-20T16:16:00Z\"' "
    "'\"white/2021/rhsa-2021_5186.json\",\"2021-12-16T22:34:00Z\"' "
    "'\"white/2019/rhsa-2019_1862.json\",\"2019-07-26T06:38:00Z\"' "
    "'\"white/2018/cisco-sa-20180328-smi2.json\",\"2018-03-28T16:00:00Z\"' "
    "'\"white/2015/rhsa-2015_0008.json\",\"2015-01-05T20:29:48+00:00\"' > $W/white/changes.csv\n"
    "meta() { printf '{\"canonical_url\":\"https://up.example/%s/provider-metadata.json\",'"
    "'\"distributions\":[{\"directory_url\":\"https://up.example/%s/white/\"}],'"
    "'\"last_updated\":\"2026-11-26T00:00:00Z\",\"list_on_CSAF_aggregators\":true,'"
    "'\"metadata_version\":\"2.0\",\"mirror_on_CSAF_aggregators\":true,'"
    "'\"public_openpgp_keys\":[{\"fingerprint\":\"%s\"}],'"
    "'\"publisher\":{\"category\":\"coordinator\",\"name\":\"%s\",'"
    "'\"namespace\":\"https://up.example\"},\"role\":\"csaf_trusted_provider\"}' "
    "\"$1\" \"$1\" $(cat a.fpr) \"$2\" > root/$1/provider-metadata.json; }\n"
    "meta .well-known/csaf 'Test Upstream CERT'\n"
    "put $S/redhat/rhsa-2024_4420.json $M/white/2024 rhsa-2024_4420.json a\n"
    "echo '\"white/2024/rhsa-2024_4420.json\",\"2024-07-09T10:20:57+00:00\"' > "
    "$M/white/changes.csv\n"
    "meta .well-known/csaf-aggregator/national_cert 'National CERT'\n"
    "printf '{\"aggregator\":{\"category\":\"aggregator\",\"name\":\"Up\",\"namespace\":'"
    "'\"https://up.example\"},\"aggregator_version\":\"2.0\",\"canonical_url\":'"
    "'\"https://up.example/.well-known/csaf-aggregator/aggregator.json\",\"csaf_providers\":'"
    "'[{\"metadata\":{\"last_updated\":\"2026-11-26T00:00:00Z\",\"publisher\":{\"category\":'"
    "'\"coordinator\",\"name\":\"National CERT\",\"namespace\":\"https://n.example\"},\"url\":'"
    "'\"https://n.example/.well-known/csaf/provider-metadata.json\"},\"mirrors\":['"
    "'\"https://up.example/.well-known/csaf-aggregator/national_cert/provider-metadata.json\"'"
    "']}],\"last_updated\":\"2026-11-26T00:00:00Z\"}' > "
    "root/.well-known/csaf-aggregator/aggregator.json\n";

static void tr_read_fpr(const char *name, char out[41])
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

static void tr_build(const char *tmpl)
{
    assert_int_equal(fx_mkdtemp(tmpl), 0);
    snprintf(tr_tmp, sizeof tr_tmp, "%s/tmp", fx_dir);
    mkdir(tr_tmp, 0700);
    setenv("TMPDIR", tr_tmp, 1);
    fx_put("build.sh", tr_script);
    if (fx_sh("bash build.sh") != 0)
        fail_msg("building the tree failed; see %s/build.log", fx_dir);
    tr_read_fpr("a.fpr", tr_fa);
    tr_read_fpr("b.fpr", tr_fb);
    snprintf(tr_keys, sizeof tr_keys, "%s/keys.asc", fx_dir);
    snprintf(tr_root, sizeof tr_root, "%s/root", fx_dir);
}

static int tr_remove(void)
{
    fx_sh("gpgconf --homedir %s/a --kill all; gpgconf --homedir %s/b --kill all", fx_dir, fx_dir);
    return fx_remove();
}

/* ---- a store and a refusal log behind the callbacks ---- */

typedef struct tr_doc {
    char folder[64], id[64], version[32], path[128], signer[48];
    bool has_meta, has_hashes;
} tr_doc;

static tr_doc tr_store[32];
static size_t tr_n;
static char tr_refusals[32][1200];
static size_t tr_nref;

static bool tr_held(void *ctx, const char *folder, const char *id, char *buf, size_t cap)
{
    (void)ctx;
    for (size_t i = 0; i < tr_n; i++)
        if (!strcmp(tr_store[i].folder, folder) && !strcmp(tr_store[i].id, id)) {
            snprintf(buf, cap, "%s", tr_store[i].version);
            return true;
        }
    return false;
}

static pk_status tr_accept(void *ctx, const pk_csaf_pulled *d, char *err, size_t errlen)
{
    (void)ctx, (void)err, (void)errlen;
    assert_true(tr_n < 32);
    tr_doc *t = &tr_store[tr_n++];
    snprintf(t->folder, sizeof t->folder, "%s", d->folder);
    snprintf(t->id, sizeof t->id, "%s", d->meta->tracking_id);
    snprintf(t->version, sizeof t->version, "%s", d->meta->version);
    snprintf(t->path, sizeof t->path, "%s", d->path);
    snprintf(t->signer, sizeof t->signer, "%s", d->signer);
    t->has_meta = d->provider_metadata && d->provider_metadata_len > 0;
    t->has_hashes = d->sha256_file && d->sha512_file && strlen(d->sha256_file) > 64;
    return PK_OK;
}

static void tr_refuse(void *ctx, const char *what, const char *why)
{
    (void)ctx;
    if (tr_nref < 32)
        snprintf(tr_refusals[tr_nref++], sizeof tr_refusals[0], "%s | %s", what, why);
}

static const pk_csaf_sync_cb tr_cb = {.held = tr_held, .accept = tr_accept, .on_refuse = tr_refuse};

static void tr_reset(void)
{
    tr_n = 0;
    tr_nref = 0;
}

/* The refusal whose text holds both strings, or a failure listing all. */
static void tr_refused(const char *what, const char *why)
{
    for (size_t i = 0; i < tr_nref; i++)
        if (strstr(tr_refusals[i], what) && strstr(tr_refusals[i], why))
            return;
    for (size_t i = 0; i < tr_nref; i++)
        print_message("refusal: %s\n", tr_refusals[i]);
    fail_msg("no refusal of %s for \"%s\"", what, why);
}

static const tr_doc *tr_find(const char *id)
{
    for (size_t i = 0; i < tr_n; i++)
        if (!strcmp(tr_store[i].id, id))
            return &tr_store[i];
    return NULL;
}

/* What the full tree gives: three documents from the provider, one from
 * the mirror, and the seven refusals, each for its reason. */
static void tr_expect_full(const pk_csaf_sync_stats *st)
{
    for (size_t i = 0; i < tr_nref; i++)
        print_message("refusal: %s\n", tr_refusals[i]);
    assert_int_equal(st->listed, 11);
    assert_int_equal(st->accepted, 4);
    assert_int_equal(st->refused, 7);
    assert_int_equal(st->unchanged, 0);
    const char *ok[] = {"BSI-2022-0001", "cisco-sa-20180328-smi2", "RHSA-2024:4546"};
    for (size_t i = 0; i < 3; i++) {
        const tr_doc *d = tr_find(ok[i]);
        assert_non_null(d);
        assert_string_equal(d->folder, "test_upstream_cert");
        assert_string_equal(d->signer, tr_fa);
        assert_true(d->has_meta && d->has_hashes);
    }
    assert_string_equal(tr_find("cisco-sa-20180328-smi2")->path,
                        "white/2018/cisco-sa-20180328-smi2.json");
    const tr_doc *m = tr_find("RHSA-2024:4420");
    assert_non_null(m);
    assert_string_equal(m->folder, "national_cert");
    assert_string_equal(m->path, "white/2024/rhsa-2024_4420.json");
    tr_refused("rhsa-2019_1862.json", "SHA-256 mismatch");
    tr_refused("rhsa-2021_5186.json", "bad signature by key");
    tr_refused("rhsa-2021_5217.json", "no OpenPGP signature");
    tr_refused("rhsa-2022_0011.json", "invalid");
    tr_refused("rhsa-2015_0008.json", "the provider metadata does not list");
    tr_refused("changes.csv", "white/../../../etc/passwd.json\": not a plain");
    tr_refused("missing.json", "cannot be read");
}

#endif
