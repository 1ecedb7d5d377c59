/* Shared fixture of the csafsrv tests (test_csafsrv*.c): a temporary SQLite
 * registry served by the request handler with the CSAF side configured
 * (signer optional: a key made at test time with gpg --batch when gpg is
 * there), tokens of every role (two organisational tokens of one
 * organisation, one of another), an accredited lab, and documents derived
 * from Red Hat's RHSA-2024:4546 in $PK_SHARED. */
#ifndef TEST_CSAFSRV_H
#define TEST_CSAFSRV_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <parakh/csaf_store.h>
#include <parakh/csaf_sync.h>
#include <parakh/registry_server.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAB  "LAB-ISB-01"
#define LAB2 "LAB-KHI-02"
#define NOW  "2026-11-26T12:00:00Z"
#define BASE "https://registry.test:8443"

static char dir[] = "/tmp/pk-csafsrv-XXXXXX";
static char dburl[300];
static pk_key *root, *labk, *lab2k;
static pk_regsrv *srv;
static pk_csaf_signer *signer;
static char fpr[64];
/* Bearer headers by role; T_ORG2 shares T_ORG's organisation name. */
enum { T_NAT, T_SEC, T_ORG, T_ORG2, T_ORGB, T_LAB, T_LAB2, T_PUB, NTOK };
static char tok[NTOK][80];
static pk_regsrv_response rs;
static uint8_t *rhsa;
static size_t rhsa_len;

static inline unsigned call(const char *method, const char *url, int token, const char *ctype,
                            const void *body, size_t len)
{
    pk_regsrv_request rq = {.method = method,
                            .url = url,
                            .authorization = token >= 0 && token != T_PUB ? tok[token] : NULL,
                            .content_type = ctype,
                            .body = body,
                            .body_len = len};
    pk_regsrv_response_clear(&rs);
    pk_regsrv_handle_sync(srv, &rq, &rs);
    return rs.status;
}

static inline unsigned post(const char *url, int token, const char *body)
{
    return call("POST", url, token, "application/json", body, strlen(body));
}

static inline unsigned get_as(const char *url, int token)
{
    return call("GET", url, token, NULL, NULL, 0);
}

static inline json_t *answer(void)
{
    json_t *j = json_loadb(rs.body, rs.body_len, 0, NULL);
    if (!j)
        fail_msg("not JSON: %.*s", (int)rs.body_len, rs.body);
    return j;
}

static inline void hexdigest(const EVP_MD *md, const void *p, size_t n, char *hex)
{
    uint8_t d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    EVP_Digest(p, n, d, &dl, md, NULL);
    for (unsigned i = 0; i < dl; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* RHSA-2024:4546 rewritten: tracking id, TLP label, version (adding a
 * revision of that number), and drop: a revision number to leave out, or
 * "~N" to change revision N's summary. A fresh string (free). */
static inline char *mkdoc(const char *id, const char *tlp, const char *version, const char *drop)
{
    json_t *d = json_loadb((const char *)rhsa, rhsa_len, 0, NULL);
    assert_non_null(d);
    json_t *doc = json_object_get(d, "document"), *tr = json_object_get(doc, "tracking");
    json_object_set_new(tr, "id", json_string(id));
    json_object_set_new(json_object_get(json_object_get(doc, "distribution"), "tlp"), "label",
                        json_string(tlp));
    json_t *rh = json_object_get(tr, "revision_history");
    if (strcmp(version, "3") != 0) {
        json_array_append_new(rh, json_pack("{s:s,s:s,s:s}", "date", "2024-08-01T00:00:00+00:00",
                                            "number", version, "summary", "Revised"));
        json_object_set_new(tr, "current_release_date", json_string("2024-08-01T00:00:00+00:00"));
    }
    /* drop "N" removes revision N; "~N" changes its summary */
    bool alter = drop && drop[0] == '~';
    for (size_t i = 0; drop && i < json_array_size(rh); i++) {
        json_t *r = json_array_get(rh, i);
        if (strcmp(json_string_value(json_object_get(r, "number")), drop + alter) != 0)
            continue;
        if (alter)
            json_object_set_new(r, "summary", json_string("Rewritten history"));
        else
            json_array_remove(rh, i--);
    }
    json_object_set_new(tr, "version", json_string(version));
    char *t = json_dumps(d, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(d);
    return t;
}

/* A certificate of LAB for product purl@version with this SBOM digest. */
static inline char *mkcert(const pk_key *k, const char *lab, const char *cid, const char *purl,
                           const char *version, const char *sbom_sha)
{
    char b[4096];
    snprintf(b, sizeof b,
             "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.zip\","
             "\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"urn:parakh:certification:v1\","
             "\"predicate\":{\"certificate_id\":\"%s\",\"product\":{\"name\":\"git-lfs\","
             "\"vendor\":\"Acme\",\"version\":\"%s\",\"purl\":\"%s\"},\"profile\":"
             "{\"name\":\"pss-baseline\",\"version\":\"1.0\"},\"policy_date\":\"2026-06-01\","
             "\"verdict\":\"APPROVE\",\"conditions\":[],\"waivers\":[],\"sbom\":{\"digest\":"
             "{\"sha256\":\"%s\"}},\"lab\":\"%s\",\"issued\":\"2026-06-01T10:00:00Z\","
             "\"expires\":\"2027-06-01T10:00:00Z\"}}",
             sbom_sha, cid, version, purl, sbom_sha, lab);
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_dsse_sign(k, PK_CERT_PAYLOAD_TYPE, b, strlen(b), &env, &n), PK_OK);
    return env;
}

static inline void accredit(const char *lab, const pk_key *k)
{
    pk_accreditation_request rq = {.lab = lab,
                                   .name = "Lab",
                                   .country = "PK",
                                   .lab_key = k,
                                   .from = "2026-01-01",
                                   .until = "2028-01-01"};
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_accredit(&rq, root, &env, &n, NULL, 0), PK_OK);
    assert_int_equal(post("/api/v1/labs", T_NAT, env), 201);
    pk_cert_buf_free(env);
}

/* Submits a certificate; its id into id (65). */
static inline void submit(const char *env, int token, char *id)
{
    assert_int_equal(post("/api/v1/certificates", token, env), 201);
    json_t *j = answer();
    snprintf(id, 65, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
}

static inline int sh(const char *cmd)
{
    int r = system(cmd);
    return r == -1 ? -1 : WEXITSTATUS(r);
}

/* A signing key made with gpg --batch in dir/gnupg; false without gpg. */
static inline bool make_signer(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "mkdir -m 700 %s/gnupg && gpg --batch --pinentry-mode loopback --passphrase '' "
             "--homedir %s/gnupg --quick-gen-key 'Test <t@example>' ed25519 sign never "
             ">/dev/null 2>&1",
             dir, dir);
    if (sh(cmd) != 0)
        return false;
    snprintf(cmd, sizeof cmd,
             "gpg --batch --homedir %s/gnupg --with-colons --list-secret-keys 2>/dev/null | "
             "awk -F: '$1==\"fpr\"{print $10; exit}'",
             dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    if (!fgets(fpr, sizeof fpr, p))
        fpr[0] = 0;
    pclose(p);
    fpr[strcspn(fpr, "\n")] = 0;
    char home[400], e[512];
    snprintf(home, sizeof home, "%s/gnupg", dir);
    if (strlen(fpr) != 40 || pk_csaf_signer_open(home, fpr, &signer, e, sizeof e) != PK_OK)
        fail_msg("signer: %s", e);
    return true;
}

static inline int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(dburl, sizeof dburl, "%s/r.sqlite", dir);
    /* PK_CSAFSRV_PG: an empty PostgreSQL database instead (by hand, with
     * tests/integration/pgcluster.py) */
    const char *pg = getenv("PK_CSAFSRV_PG");
    if (pg)
        snprintf(dburl, sizeof dburl, "%s", pg);
    const char *shared = getenv("PK_SHARED");
    assert_non_null(shared);
    char p[1024];
    snprintf(p, sizeof p, "%s/standards-examples/csaf/redhat/rhsa-2024_4546.json", shared);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    rhsa = malloc(1 << 20);
    rhsa_len = fread(rhsa, 1, 1 << 20, f);
    fclose(f);
    assert_int_equal(pk_key_generate(&root), PK_OK);
    assert_int_equal(pk_key_generate(&labk), PK_OK);
    assert_int_equal(pk_key_generate(&lab2k), PK_OK);
    char e[512], id[PK_REGSRV_TOKEN_ID_LEN], secret[PK_REGSRV_SECRET_LEN];
    pk_rstore *st;
    assert_int_equal(pk_rstore_open(dburl, &st, e, sizeof e), PK_OK);
    const pk_rstore_role roles[] = {PK_ROLE_NATIONAL,
                                    PK_ROLE_SECTORAL,
                                    PK_ROLE_ORGANISATIONAL,
                                    PK_ROLE_ORGANISATIONAL,
                                    PK_ROLE_ORGANISATIONAL,
                                    PK_ROLE_LAB,
                                    PK_ROLE_LAB};
    const char *labs[] = {NULL, NULL, NULL, NULL, NULL, LAB, LAB2};
    const char *names[] = {"cert", "sector", "org-a", "org-a", "org-b", "lab", "lab2"};
    for (int i = 0; i < T_PUB; i++) {
        assert_int_equal(
            pk_regsrv_token_create(st, roles[i], labs[i], names[i], id, secret, e, sizeof e),
            PK_OK);
        snprintf(tok[i], sizeof tok[i], "Bearer %s", secret);
    }
    pk_rstore_close(st);
    char skey[PK_NOTE_SKEY_MAX], vkey[PK_NOTE_VKEY_MAX];
    assert_int_equal(pk_note_keygen("registry.test/parakh", skey, vkey, e, sizeof e), PK_OK);
    pk_regsrv_config cfg = {.db_url = dburl, .root = root, .log_skey = skey, .fixed_now = NOW};
    if (pk_regsrv_new(&cfg, &srv, e, sizeof e) != PK_OK)
        fail_msg("pk_regsrv_new: %s", e);
    (void)make_signer(); /* optional: without gpg documents are published unsigned */
    pk_regsrv_csaf c = {.base_url = BASE "/",
                        .publisher_json =
                            "{\"name\":\"PKCERT\",\"namespace\":\"https://pkcert.test\","
                            "\"category\":\"coordinator\",\"contact_details\":"
                            "\"mailto:csaf@pkcert.test\"}",
                        .signer = signer,
                        .tmpdir = dir};
    if (pk_regsrv_csaf_setup(srv, &c, e, sizeof e) != PK_OK)
        fail_msg("csaf setup: %s", e);
    return 0;
}

static inline int teardown(void **state)
{
    (void)state;
    pk_regsrv_response_clear(&rs);
    pk_regsrv_free(srv);
    pk_csaf_signer_close(signer);
    pk_key_free(root);
    pk_key_free(labk);
    pk_key_free(lab2k);
    free(rhsa);
    char cmd[700];
    snprintf(cmd, sizeof cmd,
             "(test -d %s/gnupg && gpgconf --homedir %s/gnupg --kill all) >/dev/null 2>&1; "
             "rm -rf '%s'",
             dir, dir, dir);
    return sh(cmd) == 0 ? 0 : -1;
}

#endif
