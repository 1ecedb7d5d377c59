/* parakhd's CSAF provider (lib/server/srv_csaf*.c, lib/registry/store_csaf*.c)
 * driven through the request handler on SQLite: publish → the provider tree
 * (document byte for byte, .sha256/.sha512 equal to digests computed here,
 * .asc when a gpg key could be made, changes.csv, index.txt, ROLIE feed),
 * the revision rules (same bytes, older or equal version, dropped revision:
 * 409 with the held version; a newer one accepted and the old one kept),
 * SBOM upload (digest mismatch 422, other lab 403, second 409), in-use lists
 * per organisation name and what each organisation is shown as affected,
 * "advisories" in certificate lookups (by the caller's TLPs), a certificate
 * logged after the advisories matched on the next "who is affected",
 * hostile documents refused with nothing stored. */
#include "test_csafsrv.h"

#define PURL_OLD "pkg:rpm/redhat/git-lfs@2.13.3-1.el8?arch=x86_64&distro=redhat-8"
#define DOCPATH  "/.well-known/csaf/white/2024/rhsa-2024_4546.json"
#define SBOM_HEAD                                                                                  \
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":["
static const char SBOM[] =
    SBOM_HEAD "{\"type\":\"application\",\"bom-ref\":\"g\",\"name\":\"git-lfs\",\"version\":"
              "\"2.13.3-2.el8\",\"purl\":\"pkg:rpm/redhat/"
              "git-lfs@2.13.3-2.el8?arch=x86_64&distro=redhat-8\"}]}";

static char cert_purl[65], cert_sbom[65], cert_other[65]; /* certificate ids */

static size_t stored_versions(void)
{
    pk_rstore *st;
    char e[256];
    assert_int_equal(pk_rstore_open(dburl, &st, e, sizeof e), PK_OK);
    pk_csaf_docs *d = NULL;
    size_t n = 0;
    const char *ids[] = {"RHSA-2024:4546", "BAD-1"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pk_csaf_versions(st, "", ids[i], &d, e, sizeof e), PK_OK);
        n += d ? d->count : 0;
        pk_rstore_free(d);
    }
    pk_rstore_close(st);
    return n;
}

/* Certificates before any advisory: one matched by its own purl, one that
 * will get an SBOM, one of LAB2 that matches nothing. */
static void t_certs(void **state)
{
    (void)state;
    accredit(LAB, labk);
    accredit(LAB2, lab2k);
    char sha[65];
    hexdigest(EVP_sha256(), SBOM, strlen(SBOM), sha);
    char *a = mkcert(labk, LAB, "c-purl", PURL_OLD, "2.13.3-1.el8",
                     "1111111111111111111111111111111111111111111111111111111111111111");
    char *b = mkcert(labk, LAB, "c-sbom", "pkg:generic/acme/agent@1.0", "1.0", sha);
    char *c = mkcert(lab2k, LAB2, "c-other", "pkg:generic/acme/box@2.0", "2.0",
                     "2222222222222222222222222222222222222222222222222222222222222222");
    submit(a, T_LAB, cert_purl);
    submit(b, T_LAB, cert_sbom);
    submit(c, T_LAB2, cert_other);
    pk_cert_buf_free(a);
    pk_cert_buf_free(b);
    pk_cert_buf_free(c);
}

static void expect_body(const char *url, const char *want)
{
    if (get_as(url, T_PUB) != 200)
        fail_msg("%s: %u %.*s", url, rs.status, (int)rs.body_len, rs.body);
    if (rs.body_len != strlen(want) || memcmp(rs.body, want, rs.body_len) != 0)
        fail_msg("%s: got '%.*s', want '%s'", url, (int)rs.body_len, rs.body, want);
}

static void t_publish(void **state)
{
    (void)state;
    char *doc = mkdoc("RHSA-2024:4546", "WHITE", "3", NULL);
    assert_int_equal(post("/api/v1/advisories", T_PUB, doc), 401);
    assert_int_equal(post("/api/v1/advisories", T_LAB, doc), 403);
    assert_int_equal(post("/api/v1/advisories", T_ORG, doc), 403);
    assert_int_equal(call("POST", "/api/v1/advisories", T_SEC, "text/plain", doc, strlen(doc)),
                     415);
    assert_int_equal(post("/api/v1/advisories", T_SEC, doc), 201);
    json_t *j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "id")), "RHSA-2024:4546");
    assert_string_equal(json_string_value(json_object_get(j, "version")), "3");
    assert_string_equal(json_string_value(json_object_get(j, "path")),
                        "white/2024/rhsa-2024_4546.json");
    assert_int_equal(json_integer_value(json_object_get(j, "hits")), 1); /* c-purl */
    char sha[65], sha5[129], want[300];
    hexdigest(EVP_sha256(), doc, strlen(doc), sha);
    hexdigest(EVP_sha512(), doc, strlen(doc), sha5);
    assert_string_equal(json_string_value(json_object_get(j, "sha256")), sha);
    json_decref(j);
    /* the tree: the bytes as published, the hash files, the listings */
    expect_body(DOCPATH, doc);
    snprintf(want, sizeof want, "%s  rhsa-2024_4546.json\n", sha);
    expect_body(DOCPATH ".sha256", want);
    snprintf(want, sizeof want, "%s  rhsa-2024_4546.json\n", sha5);
    expect_body(DOCPATH ".sha512", want);
    assert_int_equal(get_as(DOCPATH ".asc", T_PUB), signer ? 200 : 404);
    if (signer) {
        assert_non_null(strstr(rs.body, "-----BEGIN PGP SIGNATURE-----"));
        char asc[400], data[400], cmd[1400];
        snprintf(asc, sizeof asc, "%s/doc.json.asc", dir);
        snprintf(data, sizeof data, "%s/doc.json", dir);
        FILE *f = fopen(asc, "wb");
        fwrite(rs.body, 1, rs.body_len, f);
        fclose(f);
        f = fopen(data, "wb");
        fwrite(doc, 1, strlen(doc), f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "gpg --batch --homedir %s/gnupg --verify %s %s >/dev/null 2>&1",
                 dir, asc, data);
        assert_int_equal(sh(cmd), 0);
        char url[200];
        snprintf(url, sizeof url, "/.well-known/csaf/openpgp/%s.asc", fpr);
        assert_int_equal(get_as(url, T_PUB), 200);
        assert_non_null(strstr(rs.body, "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    }
    expect_body("/.well-known/csaf/white/changes.csv",
                "\"2024/rhsa-2024_4546.json\",\"2024-07-16T13:38:03+00:00\"\n");
    expect_body("/.well-known/csaf/white/index.txt", "2024/rhsa-2024_4546.json\n");
    assert_int_equal(get_as("/.well-known/csaf/feed-tlp-white.json", T_PUB), 200);
    j = answer();
    json_t *e = json_array_get(json_object_get(json_object_get(j, "feed"), "entry"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "id")), "RHSA-2024:4546");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "content"), "src")),
                        BASE DOCPATH);
    assert_int_equal(json_array_size(json_object_get(e, "link")), signer ? 4 : 3);
    json_decref(j);
    expect_body("/security.txt", "Contact: mailto:csaf@pkcert.test\n"
                                 "Expires: 2027-11-26T00:00:00Z\n"
                                 "CSAF: " BASE "/.well-known/csaf/provider-metadata.json\n");
    /* no directory listing, nothing outside the tree */
    assert_int_equal(get_as("/.well-known/csaf/white/", T_NAT), 404);
    assert_int_equal(get_as("/.well-known/csaf/white/2024/", T_NAT), 404);
    assert_int_equal(get_as("/.well-known/csaf/white/../red/changes.csv", T_NAT), 404);
    assert_int_equal(get_as("/.well-known/csaf/white/2024/x.json", T_NAT), 404);
    assert_int_equal(get_as("/.well-known/csaf/WHITE/index.txt", T_NAT), 404);
    assert_int_equal(call("POST", DOCPATH, T_NAT, "application/json", "{}", 2), 405);
    free(doc);
}

static void expect_409(const char *doc, const char *held)
{
    assert_int_equal(post("/api/v1/advisories", T_NAT, doc), 409);
    json_t *j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "version")), held);
    json_decref(j);
}

static void t_revisions(void **state)
{
    (void)state;
    char *same = mkdoc("RHSA-2024:4546", "WHITE", "3", NULL);
    char *older = mkdoc("RHSA-2024:4546", "WHITE", "2", "3");
    char *equal = mkdoc("RHSA-2024:4546", "WHITE", "3", "~1");   /* other bytes, same version */
    char *dropped = mkdoc("RHSA-2024:4546", "WHITE", "4", "~2"); /* revision 2 rewritten */
    char *newer = mkdoc("RHSA-2024:4546", "WHITE", "4", NULL);
    size_t before = stored_versions();
    expect_409(same, "3");
    if (post("/api/v1/advisories", T_NAT, older) != 409) /* 422 when 6.1 refuses it first */
        assert_int_equal(rs.status, 422);
    expect_409(equal, "3");
    expect_409(dropped, "3");
    assert_non_null(strstr(rs.body, "revision 2"));
    assert_int_equal(stored_versions(), before);
    assert_int_equal(post("/api/v1/advisories", T_NAT, newer), 201);
    assert_int_equal(stored_versions(), before + 1);
    expect_body(DOCPATH, newer); /* the path now serves version 4 */
    assert_int_equal(get_as("/api/v1/advisories/rhsa-2024_4546.json", T_PUB), 200);
    json_t *j = answer();
    json_t *v = json_object_get(j, "versions");
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "version")), "4");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "version")), "3");
    char sha[65];
    hexdigest(EVP_sha256(), same, strlen(same), sha);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "sha256")), sha);
    json_decref(j);
    expect_body("/.well-known/csaf/white/changes.csv",
                "\"2024/rhsa-2024_4546.json\",\"2024-08-01T00:00:00+00:00\"\n");
    assert_int_equal(get_as("/api/v1/advisories/rhsa-2024_4546", T_PUB), 200); /* no .json */
    assert_int_equal(get_as("/api/v1/advisories/nothing.json", T_PUB), 404);
    free(same), free(older), free(equal), free(dropped), free(newer);
}

static void t_hostile(void **state)
{
    (void)state;
    size_t before = stored_versions();
    char deep[400];
    memset(deep, '[', 200);
    memset(deep + 200, ']', 199);
    deep[399] = 0;
    const char *bad[] = {"not json", "{\"document\":{}}", deep, "{\"a\":1,\"a\":2}",
                         "{\"document\":{\"category\":\"csaf_base\"}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(post("/api/v1/advisories", T_NAT, bad[i]), 422);
    /* valid JSON, invalid CSAF: the failures are listed */
    char *doc = mkdoc("BAD-1", "WHITE", "3", NULL);
    char *p = strstr(doc, "\"csaf_version\": \"2.0\"");
    assert_non_null(p);
    memcpy(p, "\"csaf_version\": \"9.9\"", 21);
    assert_int_equal(post("/api/v1/advisories", T_NAT, doc), 422);
    json_t *j = answer();
    assert_true(json_array_size(json_object_get(json_object_get(j, "error"), "failures")) +
                    json_array_size(json_object_get(j, "failures")) >
                0);
    json_decref(j);
    assert_int_equal(stored_versions(), before);
    assert_int_equal(post("/api/v1/advisories/match", T_NAT, "[1,2]"), 422);
    free(doc);
}

static void t_sbom(void **state)
{
    (void)state;
    char url[200];
    snprintf(url, sizeof url, "/api/v1/certificates/%s/sbom", cert_sbom);
    assert_int_equal(post(url, T_PUB, SBOM), 401);
    assert_int_equal(post(url, T_ORG, SBOM), 403);
    assert_int_equal(post(url, T_SEC, SBOM), 403);
    assert_int_equal(post(url, T_LAB2, SBOM), 403); /* not the issuing lab */
    assert_int_equal(post(url, T_LAB, "{\"bomFormat\":\"CycloneDX\"}"), 422);
    assert_int_equal(post(url, T_LAB, SBOM), 201);
    json_t *j = answer();
    assert_int_equal(json_integer_value(json_object_get(j, "hits")), 1);
    json_decref(j);
    assert_int_equal(post(url, T_NAT, SBOM), 409);
    snprintf(url, sizeof url, "/api/v1/certificates/%064d/sbom", 0);
    assert_int_equal(post(url, T_NAT, SBOM), 404);
}

static size_t hits_for(int token, const char *url)
{
    assert_int_equal(get_as(url, token), 200);
    json_t *j = answer();
    size_t n = json_array_size(json_object_get(j, "hits"));
    json_decref(j);
    return n;
}

static void t_inuse(void **state)
{
    (void)state;
    char body[200];
    assert_int_equal(get_as("/api/v1/inuse", T_PUB), 401);
    assert_int_equal(get_as("/api/v1/inuse", T_LAB), 403);
    snprintf(body, sizeof body, "{\"certificate\":\"%s\"}", cert_purl);
    assert_int_equal(post("/api/v1/inuse", T_LAB, body), 403);
    assert_int_equal(post("/api/v1/inuse", T_ORG, body), 201);
    assert_int_equal(post("/api/v1/inuse", T_ORG, "{\"certificate\":1}"), 400);
    snprintf(body, sizeof body, "{\"certificate\":\"%064d\"}", 0);
    assert_int_equal(post("/api/v1/inuse", T_ORG, body), 404);
    /* the second token of org-a sees the same list; org-b its own */
    assert_int_equal(get_as("/api/v1/inuse", T_ORG2), 200);
    json_t *j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "organisation")), "org-a");
    json_t *l = json_object_get(j, "certificates");
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "id")), cert_purl);
    json_decref(j);
    assert_int_equal(get_as("/api/v1/inuse", T_ORGB), 200);
    j = answer();
    assert_int_equal(json_array_size(json_object_get(j, "certificates")), 0);
    json_decref(j);
    /* affected: everything for the CERTs, own in-use only for organisations */
    assert_int_equal(hits_for(T_NAT, "/api/v1/affected"), 2);
    assert_int_equal(hits_for(T_SEC, "/api/v1/advisories/rhsa-2024_4546.json/affected"), 2);
    assert_int_equal(hits_for(T_ORG2, "/api/v1/affected"), 1);
    assert_int_equal(hits_for(T_ORGB, "/api/v1/affected"), 0);
    assert_int_equal(get_as("/api/v1/affected", T_LAB), 403);
    assert_int_equal(get_as("/api/v1/affected", T_PUB), 401);
    assert_int_equal(get_as("/api/v1/affected", T_NAT), 200);
    j = answer();
    json_t *h = json_array_get(json_object_get(j, "hits"), 0);
    assert_string_equal(json_string_value(json_object_get(h, "advisory")), "RHSA-2024:4546");
    assert_string_equal(json_string_value(json_object_get(h, "version")), "4");
    assert_string_equal(json_string_value(json_object_get(h, "cve")), "CVE-2023-45288");
    assert_string_equal(json_string_value(json_object_get(h, "fixed")), "2.13.3-3.el8_6.1");
    json_decref(j);
    /* match: nothing stored, the same hits */
    char *doc = mkdoc("RHSA-2024:9999", "WHITE", "3", NULL);
    size_t before = stored_versions();
    assert_int_equal(post("/api/v1/advisories/match", T_ORG, doc), 200);
    j = answer();
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 1); /* org-a runs c-purl */
    json_decref(j);
    assert_int_equal(post("/api/v1/advisories/match", T_NAT, doc), 200);
    j = answer();
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 2);
    json_decref(j);
    assert_int_equal(post("/api/v1/advisories/match", T_LAB, doc), 403);
    assert_int_equal(stored_versions(), before);
    free(doc);
}

static void t_lookup(void **state)
{
    (void)state;
    char url[200];
    snprintf(url, sizeof url, "/api/v1/certificates/%s", cert_purl);
    assert_int_equal(get_as(url, T_PUB), 200);
    json_t *j = answer();
    json_t *a = json_array_get(json_object_get(j, "advisories"), 0);
    assert_string_equal(json_string_value(json_object_get(a, "id")), "RHSA-2024:4546");
    assert_string_equal(json_string_value(json_object_get(a, "version")), "4");
    assert_string_equal(json_string_value(json_object_get(a, "tlp")), "WHITE");
    assert_string_equal(json_string_value(json_array_get(json_object_get(a, "cves"), 0)),
                        "CVE-2023-45288");
    json_decref(j);
    snprintf(url, sizeof url, "/api/v1/certificates/%s", cert_other);
    assert_int_equal(get_as(url, T_NAT), 200);
    j = answer();
    assert_int_equal(json_array_size(json_object_get(j, "advisories")), 0);
    json_decref(j);
    /* an AMBER advisory shows to the organisation, not to the public */
    char *doc = mkdoc("PK-AMBER-1", "AMBER", "3", NULL);
    assert_int_equal(post("/api/v1/advisories", T_SEC, doc), 201);
    free(doc);
    snprintf(url, sizeof url, "/api/v1/certificates?purl=%s",
             "pkg:rpm/redhat/git-lfs%402.13.3-1.el8%3Farch%3Dx86_64%26distro%3Dredhat-8");
    assert_int_equal(get_as(url, T_ORG), 200);
    j = answer();
    a = json_object_get(json_array_get(json_object_get(j, "certificates"), 0), "advisories");
    assert_int_equal(json_array_size(a), 2);
    json_decref(j);
    assert_int_equal(get_as(url, T_PUB), 200);
    j = answer();
    a = json_object_get(json_array_get(json_object_get(j, "certificates"), 0), "advisories");
    assert_int_equal(json_array_size(a), 1);
    json_decref(j);
    /* the list: readable TLPs only */
    assert_int_equal(get_as("/api/v1/advisories", T_PUB), 200);
    j = answer();
    assert_int_equal(json_array_size(json_object_get(j, "advisories")), 1);
    json_decref(j);
    assert_int_equal(get_as("/api/v1/advisories", T_ORG), 200);
    j = answer();
    assert_int_equal(json_array_size(json_object_get(j, "advisories")), 2);
    json_decref(j);
    assert_int_equal(get_as("/api/v1/advisories/pk-amber-1.json", T_LAB), 404);
    /* a certificate logged after both advisories gets its hits */
    size_t n0 = hits_for(T_NAT, "/api/v1/affected");
    char *late = mkcert(labk, LAB, "c-late", PURL_OLD, "2.13.3-1.el8",
                        "3333333333333333333333333333333333333333333333333333333333333333");
    char late_id[65];
    submit(late, T_LAB, late_id);
    pk_cert_buf_free(late);
    assert_int_equal(hits_for(T_NAT, "/api/v1/affected"), n0 + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_certs),   cmocka_unit_test(t_publish), cmocka_unit_test(t_revisions),
        cmocka_unit_test(t_hostile), cmocka_unit_test(t_sbom),    cmocka_unit_test(t_inuse),
        cmocka_unit_test(t_lookup),
    };
    return cmocka_run_group_tests_name("csafsrv", tests, setup, teardown);
}
