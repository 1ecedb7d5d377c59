/* The TLP × role table of docs/csaf.md exactly: every role × every TLP ×
 * document, .sha256, .sha512, .asc, changes.csv, index.txt and ROLIE feed,
 * in the own tree and in a mirror's; a missing document in a forbidden TLP
 * is refused like an existing one (no 404 oracle); provider-metadata.json
 * lists every TLP for every role; provider-metadata.json and aggregator.json
 * validate against the CSAF 2.0 schemas ($PK_SHARED, python3-jsonschema);
 * a schema version 1 database is migrated to 2 on open and then stores. */
#include "test_csafsrv.h"

#include "registry/store_int.h"

static const char *const TLPS[] = {"WHITE", "GREEN", "AMBER", "RED"};
static const char *const tlps[] = {"white", "green", "amber", "red"};
/* docs/csaf.md: rows TLP, columns public, lab, organisational, sectoral, national */
static const unsigned table[4][5] = {{200, 200, 200, 200, 200},
                                     {401, 200, 200, 200, 200},
                                     {401, 403, 200, 200, 200},
                                     {401, 403, 403, 200, 200}};
static const int role_tok[5] = {T_PUB, T_LAB, T_ORG, T_SEC, T_NAT};
#define MIRROR "mirror-cert"

static void t_publish_all(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        char id[32];
        snprintf(id, sizeof id, "PK-2024-%s", TLPS[i]);
        char *doc = mkdoc(id, TLPS[i], "3", NULL);
        assert_int_equal(post("/api/v1/advisories", T_NAT, doc), 201);
        free(doc);
    }
    /* a mirrored provider holding the same four (as a pull stores them) */
    assert_int_equal(get_as("/.well-known/csaf/provider-metadata.json", T_PUB), 200);
    char *pm = strndup(rs.body, rs.body_len);
    pk_rstore *st;
    char e[512];
    assert_int_equal(pk_rstore_open(dburl, &st, e, sizeof e), PK_OK);
    for (int i = 0; i < 4; i++) {
        char id[32];
        snprintf(id, sizeof id, "PK-2024-%s", TLPS[i]);
        char *doc = mkdoc(id, TLPS[i], "3", NULL);
        pk_csaf_ingest_doc d = {.folder = MIRROR,
                                .provider_url = "https://up.test/.well-known/csaf/"
                                                "provider-metadata.json",
                                .provider_metadata = (const uint8_t *)pm,
                                .provider_metadata_len = strlen(pm),
                                .body = (const uint8_t *)doc,
                                .body_len = strlen(doc),
                                .signature = (const uint8_t *)"sig",
                                .signature_len = 3,
                                .signer = "ABCD",
                                .source = "test",
                                .now = NOW};
        pk_csaf_ingest_result r;
        if (pk_csaf_ingest(st, &d, dir, &r, e, sizeof e) != PK_OK)
            fail_msg("ingest: %s", e);
        /* the same again is refused as the same bytes */
        assert_int_equal(pk_csaf_ingest(st, &d, dir, &r, e, sizeof e), PK_E_USAGE);
        assert_int_equal(r.refusal, PK_CSAF_SAME);
        free(doc);
    }
    pk_rstore_close(st);
    free(pm);
}

static void check_tree(const char *prefix, bool signed_docs)
{
    for (int t = 0; t < 4; t++)
        for (int r = 0; r < 5; r++) {
            char u[8][300];
            int n = 0;
            snprintf(u[n++], 300, "%s%s/2024/pk-2024-%s.json", prefix, tlps[t], tlps[t]);
            snprintf(u[n++], 300, "%s%s/2024/pk-2024-%s.json.sha256", prefix, tlps[t], tlps[t]);
            snprintf(u[n++], 300, "%s%s/2024/pk-2024-%s.json.sha512", prefix, tlps[t], tlps[t]);
            if (signed_docs)
                snprintf(u[n++], 300, "%s%s/2024/pk-2024-%s.json.asc", prefix, tlps[t], tlps[t]);
            snprintf(u[n++], 300, "%s%s/changes.csv", prefix, tlps[t]);
            snprintf(u[n++], 300, "%s%s/index.txt", prefix, tlps[t]);
            snprintf(u[n++], 300, "%sfeed-tlp-%s.json", prefix, tlps[t]);
            for (int k = 0; k < n; k++) {
                unsigned got = get_as(u[k], role_tok[r]);
                if (got != table[t][r])
                    fail_msg("%s as role %d: %u, want %u", u[k], r, got, table[t][r]);
            }
            /* a document that does not exist: refused alike where forbidden */
            char missing[300];
            snprintf(missing, sizeof missing, "%s%s/2024/nothing.json", prefix, tlps[t]);
            unsigned want = table[t][r] == 200 ? 404 : table[t][r];
            assert_int_equal(get_as(missing, role_tok[r]), want);
        }
}

static void t_table(void **state)
{
    (void)state;
    check_tree("/.well-known/csaf/", signer != NULL);
    check_tree("/.well-known/csaf-aggregator/" MIRROR "/", true);
    /* a 401 says how to authenticate */
    assert_int_equal(get_as("/.well-known/csaf/red/index.txt", T_PUB), 401);
    assert_true(rs.www_authenticate);
}

static void t_metadata(void **state)
{
    (void)state;
    for (int r = 0; r < 5; r++) {
        assert_int_equal(get_as("/.well-known/csaf/provider-metadata.json", role_tok[r]), 200);
        json_t *j = answer();
        json_t *d = json_object_get(j, "distributions");
        assert_int_equal(json_array_size(d), 4);
        for (int t = 0; t < 4; t++) {
            char want[200];
            snprintf(want, sizeof want, BASE "/.well-known/csaf/%s/", tlps[t]);
            assert_string_equal(
                json_string_value(json_object_get(json_array_get(d, (size_t)t), "directory_url")),
                want);
        }
        assert_string_equal(json_string_value(json_object_get(j, "role")),
                            signer ? "csaf_trusted_provider" : "csaf_provider");
        json_decref(j);
    }
    assert_int_equal(get_as("/.well-known/csaf/service.json", T_PUB), 200);
    assert_int_equal(
        get_as("/.well-known/csaf-aggregator/" MIRROR "/provider-metadata.json", T_PUB), 200);
    assert_int_equal(get_as("/.well-known/csaf-aggregator/nobody/provider-metadata.json", T_NAT),
                     404);
    assert_int_equal(get_as("/.well-known/csaf-aggregator/nobody/white/index.txt", T_NAT), 404);
    /* both documents against the official schemas */
    const char *sh_ = getenv("PK_SHARED");
    const char *files[2][2] = {{"/.well-known/csaf/provider-metadata.json", "provider"},
                               {"/.well-known/csaf-aggregator/aggregator.json", "aggregator"}};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(get_as(files[i][0], T_PUB), 200);
        char path[400], cmd[2000];
        snprintf(path, sizeof path, "%s/%s.json", dir, files[i][1]);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(rs.body, 1, rs.body_len, f);
        fclose(f);
        /* the schemas refer to each other by their $id */
        snprintf(cmd, sizeof cmd,
                 "python3 -c 'import json,sys,jsonschema\n"
                 "from referencing import Registry, Resource\n"
                 "d=sys.argv[1]; reg=Registry()\n"
                 "for n in (\"csaf\", \"provider\"):\n"
                 " cs=json.load(open(d+\"/\"+n+\"_json_schema.json\"))\n"
                 " reg=reg.with_resource(cs[\"$id\"], Resource.from_contents(cs))\n"
                 "s=json.load(open(d+\"/\"+sys.argv[2])); x=json.load(open(sys.argv[3]))\n"
                 "c=jsonschema.validators.validator_for(s)\n"
                 "c(s, registry=reg, format_checker=c.FORMAT_CHECKER).validate(x)' "
                 "%s/schemas/csaf-2.0 %s_json_schema.json %s",
                 sh_, files[i][1], path);
        if (sh(cmd) != 0)
            fail_msg("%s does not validate (%s)", files[i][0], cmd);
    }
}

static void raw(pk_rstore *st, const char *sql)
{
    char e[512];
    if (st->ops->query(st->db, sql, NULL, 0, NULL, NULL, 0, e, sizeof e) != PK_OK)
        fail_msg("%s: %s", sql, e);
}

/* A version 1 database (the CSAF tables taken away again) gains them. */
static void t_migrate(void **state)
{
    (void)state;
    char url[400], e[512];
    snprintf(url, sizeof url, "sqlite:%s/v1.sqlite", dir);
    pk_rstore *st;
    assert_int_equal(pk_rstore_open(url, &st, e, sizeof e), PK_OK);
    const char *v1[] = {"DROP TABLE inuse",           "DROP TABLE csaf_hits",
                        "DROP TABLE csaf_matched",    "DROP TABLE cert_sboms",
                        "DROP TABLE csaf_providers",  "DROP TABLE csaf_docs",
                        "DELETE FROM schema_version", "INSERT INTO schema_version VALUES (1)"};
    for (size_t i = 0; i < sizeof v1 / sizeof v1[0]; i++)
        raw(st, v1[i]);
    pk_rstore_close(st);
    assert_int_equal(pk_rstore_open(url, &st, e, sizeof e), PK_OK);
    char *doc = mkdoc("PK-MIGRATED", "WHITE", "3", NULL);
    pk_csaf_ingest_doc d = {.folder = "",
                            .body = (const uint8_t *)doc,
                            .body_len = strlen(doc),
                            .source = "test",
                            .now = NOW};
    pk_csaf_ingest_result r;
    if (pk_csaf_ingest(st, &d, dir, &r, e, sizeof e) != PK_OK)
        fail_msg("ingest after migration: %s", e);
    assert_string_equal(r.path, "white/2024/pk-migrated.json");
    char held[64];
    bool found = false;
    assert_int_equal(pk_csaf_held(st, "", "PK-MIGRATED", held, sizeof held, &found, e, sizeof e),
                     PK_OK);
    assert_true(found);
    assert_string_equal(held, "3");
    pk_rstore_close(st);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_publish_all),
        cmocka_unit_test(t_table),
        cmocka_unit_test(t_metadata),
        cmocka_unit_test(t_migrate),
    };
    return cmocka_run_group_tests_name("csafsrv_tlp", tests, setup, teardown);
}
