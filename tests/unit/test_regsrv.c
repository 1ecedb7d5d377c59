/* parakhd's request handler (lib/server/), driven directly on a temporary
 * SQLite registry: every route, the role table of docs/registry-api.md at
 * handler level, malformed requests answered 4xx with nothing stored, the
 * whole life of a certificate (accredit, submit, supersede, revoke, suspend)
 * with its proofs checked against the signed checkpoint, and group commit:
 * one batch of writes with one refused record commits the others under ONE
 * checkpoint and gives the refused one its precise answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <parakh/registry_server.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/srv_int.h"

#define LAB  "LAB-ISB-01"
#define LAB2 "LAB-KHI-02"
#define NOW  "2026-11-26T12:00:00Z"

static char dir[] = "/tmp/pk-regsrv-XXXXXX";
static char dburl[300];
static pk_key *root, *labk, *lab2k, *rogue;
static pk_regsrv *srv, *srv2; /* srv2: a second server on the same database */
/* Bearer headers: national, sectoral, organisational, lab, lab2, revoked. */
static char tok[6][80];
enum { T_NAT, T_SEC, T_ORG, T_LAB, T_LAB2, T_REVOKED };
static pk_regsrv_response rs;

/* A certificate of lab for one subject sha (hex), signed by k. */
static char *cert(const pk_key *k, const char *lab, const char *sha, const char *cid)
{
    char b[2048];
    snprintf(b, sizeof b,
             "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.zip\","
             "\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"urn:parakh:certification:v1\","
             "\"predicate\":{\"certificate_id\":\"%s\",\"product\":{\"name\":\"App\",\"vendor\":"
             "\"Acme\",\"version\":\"1.0\",\"purl\":\"pkg:generic/acme/app@1.0\"},\"profile\":"
             "{\"name\":\"pss-baseline\",\"version\":\"1.0\"},\"policy_date\":\"2026-06-01\","
             "\"verdict\":\"APPROVE WITH CONDITIONS\",\"conditions\":[{\"requirement\":"
             "\"PSS-VUL-01\",\"text\":\"evidence\"}],\"waivers\":[],\"sbom\":{\"digest\":"
             "{\"sha256\":\"%s\"}},\"lab\":\"%s\",\"issued\":\"2026-06-01T10:00:00Z\","
             "\"expires\":\"2027-06-01T10:00:00Z\"}}",
             sha, cid, sha, lab);
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_dsse_sign(k, PK_CERT_PAYLOAD_TYPE, b, strlen(b), &env, &n), PK_OK);
    return env;
}

static char *accreditation(const pk_key *signer, const char *lab, const pk_key *k)
{
    pk_accreditation_request rq = {.lab = lab,
                                   .name = "Lab",
                                   .country = "PK",
                                   .lab_key = k,
                                   .from = "2026-01-01",
                                   .until = "2028-01-01"};
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_accredit(&rq, signer, &env, &n, NULL, 0), PK_OK);
    return env;
}

/* One request through the handler (waiting for a queued write). */
static unsigned call(const char *method, const char *url, int token, const char *ctype,
                     const char *body)
{
    pk_regsrv_request rq = {.method = method,
                            .url = url,
                            .authorization = token >= 0 ? tok[token] : NULL,
                            .content_type = ctype,
                            .body = (const uint8_t *)body,
                            .body_len = body ? strlen(body) : 0};
    pk_regsrv_response_clear(&rs);
    pk_regsrv_handle_sync(srv, &rq, &rs);
    return rs.status;
}

static unsigned post(const char *url, int token, const char *body)
{
    return call("POST", url, token, "application/json", body);
}

static unsigned get(const char *url)
{
    return call("GET", url, -1, NULL, NULL);
}

/* The answer as JSON (the caller decrefs). */
static json_t *answer(void)
{
    json_t *j = json_loadb(rs.body, rs.body_len, 0, NULL);
    if (!j)
        fail_msg("not JSON: %.*s", (int)rs.body_len, rs.body);
    return j;
}

static const char *error_code(json_t *j)
{
    return json_string_value(json_object_get(json_object_get(j, "error"), "code"));
}

static uint64_t log_size(void)
{
    pk_rstore *st;
    char e[256];
    assert_int_equal(pk_rstore_open(dburl, &st, e, sizeof e), PK_OK);
    uint64_t n;
    assert_int_equal(pk_rstore_tree_size(st, &n, e, sizeof e), PK_OK);
    pk_rstore_close(st);
    return n;
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(dburl, sizeof dburl, "%s/r.sqlite", dir);
    assert_int_equal(pk_key_generate(&root), PK_OK);
    assert_int_equal(pk_key_generate(&labk), PK_OK);
    assert_int_equal(pk_key_generate(&lab2k), PK_OK);
    assert_int_equal(pk_key_generate(&rogue), PK_OK);
    char e[256], id[PK_REGSRV_TOKEN_ID_LEN], secret[PK_REGSRV_SECRET_LEN];
    pk_rstore *st;
    assert_int_equal(pk_rstore_open(dburl, &st, e, sizeof e), PK_OK);
    const pk_rstore_role roles[] = {PK_ROLE_NATIONAL, PK_ROLE_SECTORAL, PK_ROLE_ORGANISATIONAL,
                                    PK_ROLE_LAB,      PK_ROLE_LAB,      PK_ROLE_SECTORAL};
    const char *labs[] = {NULL, NULL, NULL, LAB, LAB2, NULL};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(
            pk_regsrv_token_create(st, roles[i], labs[i], "t", id, secret, e, sizeof e), PK_OK);
        assert_int_equal(strlen(secret), 47);
        snprintf(tok[i], sizeof tok[i], "Bearer %s", secret);
    }
    assert_int_equal(pk_rstore_token_revoke(st, id, NOW, e, sizeof e), PK_OK);
    /* role lab needs --lab, and only it */
    assert_int_equal(pk_regsrv_token_create(st, PK_ROLE_LAB, NULL, "t", id, secret, e, sizeof e),
                     PK_E_USAGE);
    assert_int_equal(
        pk_regsrv_token_create(st, PK_ROLE_NATIONAL, LAB, "t", id, secret, e, sizeof e),
        PK_E_USAGE);
    pk_rstore_close(st);
    char skey[PK_NOTE_SKEY_MAX], vkey[PK_NOTE_VKEY_MAX];
    assert_int_equal(pk_note_keygen("registry.test/parakh", skey, vkey, e, sizeof e), PK_OK);
    pk_regsrv_config cfg = {.db_url = dburl, .root = root, .log_skey = skey, .fixed_now = NOW};
    if (pk_regsrv_new(&cfg, &srv, e, sizeof e) != PK_OK ||
        pk_regsrv_new(&cfg, &srv2, e, sizeof e) != PK_OK)
        fail_msg("pk_regsrv_new: %s", e);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pk_regsrv_response_clear(&rs);
    pk_regsrv_free(srv);
    pk_regsrv_free(srv2);
    pk_key_free(root);
    pk_key_free(labk);
    pk_key_free(lab2k);
    pk_key_free(rogue);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Static files, the key, health, and the headers every answer carries. */
static void t_static(void **state)
{
    (void)state;
    assert_int_equal(get("/"), 200);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    assert_int_equal(get("/?sha256=x"), 200); /* the page reads its own query */
    assert_int_equal(get("/lookup.js"), 200);
    assert_int_equal(get("/lookup.css"), 200);
    assert_int_equal(get("/lookup.js?x=1"), 400);
    assert_int_equal(get("/openapi.json"), 200);
    json_t *j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "openapi")), "3.0.3");
    assert_non_null(json_object_get(json_object_get(j, "paths"), "/api/v1/certificates"));
    json_decref(j);
    assert_int_equal(get("/healthz"), 200);
    assert_true(rs.no_store);
    assert_int_equal(get("/api/v1/log/key"), 200);
    assert_int_equal(rs.body_len, strlen(pk_regsrv_vkey(srv)) + 1);
    assert_int_equal(rs.body[rs.body_len - 1], '\n');
    assert_int_equal(get("/api/v1/log/checkpoint"), 200);
    assert_non_null(strstr(rs.body, "registry.test/parakh\n0\n"));
    const char *n[PK_REGSRV_MAX_HEADERS], *v[PK_REGSRV_MAX_HEADERS];
    size_t k = pk_regsrv_headers(&rs, n, v);
    bool csp = false, sniff = false, cache = false, ref = false;
    for (size_t i = 0; i < k; i++) {
        csp |= !strcmp(n[i], "Content-Security-Policy") && strstr(v[i], "default-src 'none'") &&
               strstr(v[i], "frame-ancestors 'none'");
        sniff |= !strcmp(n[i], "X-Content-Type-Options") && !strcmp(v[i], "nosniff");
        cache |= !strcmp(n[i], "Cache-Control") && !strcmp(v[i], "no-store");
        ref |= !strcmp(n[i], "Referrer-Policy") && !strcmp(v[i], "no-referrer");
    }
    assert_true(csp && sniff && cache && ref);
}

/* The role table, at handler level: who gets 401, 403, or past both. */
static void t_roles(void **state)
{
    (void)state;
    char *ac = accreditation(root, LAB, labk);
    static const struct {
        const char *url;
        int ok[5]; /* national, sectoral, organisational, lab, lab2: may write */
    } w[] = {
        {"/api/v1/certificates", {0, 0, 0, 1, 1}},
        {"/api/v1/certificates/"
         "0000000000000000000000000000000000000000000000000000000000000000"
         "/revocation",
         {1, 0, 0, 1, 1}},
        {"/api/v1/labs", {1, 0, 0, 0, 0}},
        {"/api/v1/labs/" LAB "/suspension", {1, 0, 0, 0, 0}},
    };
    uint64_t before = log_size();
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        const char *body = i == 3 ? "{}" : i == 1 ? "{\"reason\":\"x\"}" : "{}";
        assert_int_equal(post(w[i].url, -1, body), 401); /* public */
        json_t *j = answer();
        assert_string_equal(error_code(j), "unauthorized");
        assert_true(rs.www_authenticate);
        json_decref(j);
        assert_int_equal(post(w[i].url, T_REVOKED, body), 401);
        for (int t = T_NAT; t <= T_LAB2; t++) {
            unsigned st = post(w[i].url, t, body);
            if (w[i].ok[t])
                assert_true(st != 401 && st != 403 && st >= 400); /* refused later */
            else
                assert_int_equal(st, 403);
        }
    }
    assert_int_equal(log_size(), before); /* nothing stored */
    /* Reads: every role and the public 200; a bad or revoked token 401. */
    const char *reads[] = {"/api/v1/labs", "/api/v1/log/checkpoint",
                           "/api/v1/certificates?purl=pkg%3Ageneric%2Facme%2Fapp%401.0"};
    for (size_t i = 0; i < 3; i++) {
        for (int t = -1; t <= T_LAB2; t++)
            assert_int_equal(call("GET", reads[i], t, NULL, NULL), 200);
        assert_int_equal(call("GET", reads[i], T_REVOKED, NULL, NULL), 401);
    }
    pk_regsrv_request rq = {.method = "GET", .url = "/api/v1/labs", .authorization = "Bearer x"};
    pk_regsrv_handle_sync(srv, &rq, &rs);
    assert_int_equal(rs.status, 401);
    rq.authorization = "Basic dTpw";
    pk_regsrv_handle_sync(srv, &rq, &rs);
    assert_int_equal(rs.status, 401);
    /* preflight answers refusals before any body is read */
    pk_regsrv_request pf = {.method = "POST",
                            .url = "/api/v1/labs",
                            .authorization = tok[T_SEC],
                            .content_type = "application/json"};
    assert_true(pk_regsrv_preflight(srv, &pf, &rs));
    assert_int_equal(rs.status, 403);
    pf.authorization = tok[T_NAT];
    pk_regsrv_response_clear(&rs);
    assert_false(pk_regsrv_preflight(srv, &pf, &rs));
    /* the national CERT accredits LAB */
    assert_int_equal(post("/api/v1/labs", T_NAT, ac), 201);
    json_t *j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "lab")), LAB);
    assert_int_equal(json_integer_value(json_object_get(j, "log_index")), before);
    json_decref(j);
    assert_int_equal(post("/api/v1/labs", T_NAT, ac), 409); /* the same record again */
    pk_cert_buf_free(ac);
}

/* Proofs of every leaf in a lookup answer, against its signed checkpoint. */
static void check_proofs(json_t *j, json_t *leafobj)
{
    const char *note = json_string_value(json_object_get(j, "checkpoint"));
    pk_note_verifier *v;
    char e[256];
    assert_int_equal(pk_note_verifier_new(pk_regsrv_vkey(srv), &v, e, sizeof e), PK_OK);
    pk_checkpoint cp;
    assert_int_equal(
        pk_checkpoint_open(note, strlen(note), "registry.test/parakh", &v, 1, &cp, e, sizeof e),
        PK_OK);
    pk_note_verifier_free(v);
    const char *b64 = json_string_value(json_object_get(leafobj, "leaf"));
    static uint8_t leaf[1 << 16];
    size_t n = pki_b64_decode(b64, strlen(b64), leaf, sizeof leaf, 0);
    assert_true(n < sizeof leaf);
    uint8_t h[32], proof[PK_TLOG_MAX_PROOF][32];
    pk_tlog_leaf_hash(leaf, n, h);
    json_t *arr = json_object_get(leafobj, "inclusion");
    size_t np = json_array_size(arr);
    for (size_t i = 0; i < np; i++)
        assert_int_equal(pk_sha256_from_hex(json_string_value(json_array_get(arr, i)), proof[i]),
                         0);
    uint64_t idx = (uint64_t)json_integer_value(json_object_get(leafobj, "log_index"));
    assert_int_equal(pk_tlog_verify_inclusion(h, idx, cp.size, proof, np, cp.root, e, sizeof e),
                     PK_OK);
}

#define SHA1 "1111111111111111111111111111111111111111111111111111111111111111"
#define SHA2 "2222222222222222222222222222222222222222222222222222222222222222"

static const char *lookup_status(const char *sha, json_t **out)
{
    char url[200];
    snprintf(url, sizeof url, "/api/v1/certificates?sha256=%s", sha);
    assert_int_equal(get(url), 200);
    json_t *j = answer();
    json_t *e = json_array_get(json_object_get(j, "certificates"), 0);
    assert_non_null(e);
    check_proofs(j, e);
    check_proofs(j, json_array_get(json_object_get(j, "labs"), 0));
    *out = j;
    return json_string_value(json_object_get(e, "status"));
}

/* Accredited lab: submit, duplicate, supersede, revoke, suspend. */
static void t_lifecycle(void **state)
{
    (void)state;
    char *c1 = cert(labk, LAB, SHA1, "c-1"), *c2 = cert(labk, LAB, SHA2, "c-2");
    assert_int_equal(post("/api/v1/certificates", T_LAB2, c1), 403); /* another lab's */
    assert_int_equal(post("/api/v1/certificates", T_LAB, c1), 201);
    json_t *j = answer();
    char id1[65], id2[65], url[300];
    snprintf(id1, sizeof id1, "%s", json_string_value(json_object_get(j, "id")));
    uint64_t idx1 = (uint64_t)json_integer_value(json_object_get(j, "log_index"));
    assert_string_equal(json_string_value(json_object_get(j, "certificate_id")), "c-1");
    assert_string_equal(json_string_value(json_object_get(j, "logged")), NOW);
    json_decref(j);
    assert_int_equal(post("/api/v1/certificates", T_LAB, c1), 409);
    j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "id")), id1);
    assert_int_equal(json_integer_value(json_object_get(j, "log_index")), idx1);
    json_decref(j);
    assert_string_equal(lookup_status(SHA1, &j), "VALID");
    json_t *e = json_array_get(json_object_get(j, "certificates"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "subject")), "app.zip");
    assert_string_equal(json_string_value(json_object_get(e, "logged")), NOW);
    json_decref(j);
    /* supersede c1 by c2 */
    snprintf(url, sizeof url, "/api/v1/certificates?supersedes=%s", SHA2);
    assert_int_equal(post(url, T_LAB, c2), 422); /* no such certificate */
    snprintf(url, sizeof url, "/api/v1/certificates?supersedes=%s", id1);
    assert_int_equal(post(url, T_LAB, c2), 201);
    j = answer();
    snprintf(id2, sizeof id2, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    assert_string_equal(lookup_status(SHA1, &j), "SUPERSEDED");
    e = json_array_get(json_object_get(j, "certificates"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "superseded_by")), id2);
    check_proofs(j, json_object_get(e, "superseded_by_leaf"));
    json_decref(j);
    /* revoke c2: not by another lab; once */
    snprintf(url, sizeof url, "/api/v1/certificates/%s/revocation", id2);
    assert_int_equal(post(url, T_LAB2, "{\"reason\":\"x\"}"), 403);
    assert_int_equal(post(url, T_LAB, "{\"reason\":\"key lost\",\"date\":\"2026-11-20\"}"), 201);
    assert_int_equal(post(url, T_NAT, "{\"reason\":\"again\"}"), 409);
    assert_string_equal(lookup_status(SHA2, &j), "REVOKED");
    e = json_array_get(json_object_get(j, "certificates"), 0);
    json_t *rv = json_object_get(e, "revocation");
    assert_string_equal(json_string_value(json_object_get(rv, "date")), "2026-11-20");
    assert_string_equal(json_string_value(json_object_get(rv, "by_name")), LAB);
    check_proofs(j, json_object_get(e, "revocation_leaf"));
    json_decref(j);
    snprintf(url, sizeof url, "/api/v1/certificates/%s", id2);
    assert_int_equal(get(url), 200);
    j = answer();
    assert_string_equal(json_string_value(json_object_get(j, "envelope")), c2);
    json_decref(j);
    /* suspension: another lab's record refused; then LAB suspended */
    char *sp = NULL, *sp2 = NULL;
    size_t n;
    assert_int_equal(pk_suspend(LAB, "2026-11-01", "audit", root, &sp, &n, NULL, 0), PK_OK);
    assert_int_equal(pk_suspend(LAB2, "2026-11-01", "audit", root, &sp2, &n, NULL, 0), PK_OK);
    assert_int_equal(post("/api/v1/labs/" LAB2 "/suspension", T_NAT, sp2), 404); /* no accr. */
    assert_int_equal(post("/api/v1/labs/" LAB "/suspension", T_NAT, sp2), 422);
    assert_int_equal(post("/api/v1/labs/" LAB "/suspension", T_NAT, sp), 201);
    assert_int_equal(get("/api/v1/labs/" LAB), 200);
    j = answer();
    json_t *l = json_array_get(json_object_get(j, "labs"), 0);
    assert_string_equal(json_string_value(json_object_get(l, "state")), "suspended");
    json_decref(j);
    char *c3 = cert(labk, LAB, SHA1, "c-3");
    uint64_t before = log_size();
    assert_int_equal(post("/api/v1/certificates", T_LAB, c3), 422);
    j = answer();
    assert_non_null(
        strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
               "LAB SUSPENDED"));
    json_decref(j);
    assert_int_equal(log_size(), before);
    pk_cert_buf_free(c1), pk_cert_buf_free(c2), pk_cert_buf_free(c3);
    pk_cert_buf_free(sp), pk_cert_buf_free(sp2);
}

/* Hostile requests: the precise 4xx, a JSON error body, nothing stored. */
static void t_malformed(void **state)
{
    (void)state;
    uint64_t before = log_size();
    char *bad = cert(rogue, LAB2, SHA1, "c-r");    /* a key nobody accredited */
    char *self = accreditation(labk, LAB2, lab2k); /* not signed by the root */
    static char longurl[PK_REGSRV_MAX_URL + 64];
    memset(longurl, 'a', sizeof longurl - 1);
    longurl[0] = '/';
    static const struct {
        const char *method, *url;
        int token;
        const char *ctype, *body;
        unsigned want;
    } c[] = {
        {"GET", "/nope", -1, NULL, NULL, 404},
        {"GET", "api/v1/labs", -1, NULL, NULL, 400},
        {"GET", "/api/v1/labs/", -1, NULL, NULL, 404},
        {"GET", "/api/v1/labs/a/b", -1, NULL, NULL, 404},
        {"GET", "/api/v1/labs/%2e%2e", -1, NULL, NULL, 404},
        {"DELETE", "/api/v1/labs", -1, NULL, NULL, 405},
        {"PUT", "/api/v1/certificates", T_LAB, NULL, NULL, 405},
        {"GET", "/api/v1/certificates", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?sha256=" SHA1 "&purl=x", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?sha256=" SHA1 "&sha256=" SHA1, -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?sha256=ABCD", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?sha256=" SHA1 "0", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?id=1", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?purl=%zz", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?purl=a%00b", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?purl=a%4", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?purl", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates?purl=", -1, NULL, NULL, 400},
        {"GET", "/api/v1/certificates/xyz", -1, NULL, NULL, 404},
        {"GET", "/api/v1/certificates/" SHA1, -1, NULL, NULL, 404},
        {"GET", "/api/v1/log/proof/inclusion?index=5&size=5", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/proof/inclusion?index=0&size=999", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/proof/inclusion?index=00&size=1", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/proof/inclusion?index=-1&size=1", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/proof/inclusion?index=0", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/proof/consistency?from=2&to=1", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/proof/consistency?from=1&to=99999999999999999999", -1, NULL, NULL,
         400},
        {"GET", "/api/v1/log/leaves?start=3&end=1", -1, NULL, NULL, 400},
        {"GET", "/api/v1/log/checkpoint?x=1", -1, NULL, NULL, 400},
        {"POST", "/api/v1/certificates", T_LAB, "text/plain", "{}", 415},
        {"POST", "/api/v1/certificates", T_LAB, NULL, "{}", 415},
        {"POST", "/api/v1/certificates", T_LAB, "application/jsonx", "{}", 415},
        {"POST", "/api/v1/certificates", T_LAB, "application/json", "{", 400},
        {"POST", "/api/v1/certificates", T_LAB, "application/json", "", 400},
        {"POST", "/api/v1/certificates", T_LAB, "application/json", "{\"a\":1,\"a\":2}", 400},
        {"POST", "/api/v1/certificates", T_LAB, "application/json", "{}", 422},
        {"POST", "/api/v1/certificates?supersedes=x", T_LAB, "application/json", "{}", 400},
        {"POST", "/api/v1/certificates?foo=1", T_LAB, "application/json", "{}", 400},
        {"POST", "/api/v1/certificates/" SHA1 "/revocation", T_NAT, "application/json",
         "{\"reason\":\"x\",\"extra\":1}", 400},
        {"POST", "/api/v1/certificates/" SHA1 "/revocation", T_NAT, "application/json",
         "{\"reason\":\"\"}", 400},
        {"POST", "/api/v1/certificates/" SHA1 "/revocation", T_NAT, "application/json",
         "{\"reason\":\"x\",\"date\":\"yesterday\"}", 400},
        {"POST", "/api/v1/certificates/" SHA1 "/revocation", T_NAT, "application/json", "[1]", 400},
        {"POST", "/api/v1/certificates/" SHA1 "/revocation", T_NAT, "application/json",
         "{\"reason\":\"x\"}", 404},
        {"POST", "/api/v1/labs", T_NAT, "application/json", "{\"payload\":1}", 422},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        unsigned st = call(c[i].method, c[i].url, c[i].token, c[i].ctype, c[i].body);
        if (st != c[i].want)
            fail_msg("case %zu %s %s: %u, want %u: %.*s", i, c[i].method, c[i].url, st, c[i].want,
                     (int)rs.body_len, rs.body);
        json_t *j = answer();
        assert_non_null(error_code(j));
        json_decref(j);
        if (st == 405)
            assert_non_null(rs.allow);
    }
    assert_int_equal(get(longurl), 414);
    assert_int_equal(post("/api/v1/certificates", T_LAB2, bad), 422); /* not accredited */
    assert_int_equal(post("/api/v1/labs", T_NAT, self), 422);
    char reason[1100];
    memset(reason, 'r', sizeof reason);
    snprintf(reason, sizeof reason, "{\"reason\":\"%01030d\"}", 0);
    assert_int_equal(post("/api/v1/certificates/" SHA1 "/revocation", T_NAT, reason), 400);
    pk_regsrv_request big = {.method = "POST",
                             .url = "/api/v1/certificates",
                             .authorization = tok[T_LAB],
                             .content_type = "application/json",
                             .body = (const uint8_t *)"{}",
                             .body_len = 2,
                             .body_too_large = true};
    pk_regsrv_handle_sync(srv, &big, &rs);
    assert_int_equal(rs.status, 413);
    assert_int_equal(log_size(), before);
    pk_cert_buf_free(bad), pk_cert_buf_free(self);
}

#define NBATCH 12
struct done {
    pthread_mutex_t m;
    pthread_cond_t cv;
    int n;
};
static void on_done(void *ctx)
{
    struct done *d = ctx;
    pthread_mutex_lock(&d->m);
    d->n++;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->m);
}

/* One batch: NBATCH new certificates and the first once more (both copies
 * pass the handler's checks; the database refuses the second): NBATCH leaves
 * under ONE checkpoint, the duplicate answered 409 with the first's index. */
static void t_batch(void **state)
{
    (void)state;
    char *ac = accreditation(root, LAB2, lab2k);
    assert_int_equal(post("/api/v1/labs", T_NAT, ac), 201);
    pk_cert_buf_free(ac);
    uint64_t before = log_size();
    char *envs[NBATCH + 1];
    pk_regsrv_response r[NBATCH + 1];
    memset(r, 0, sizeof r);
    struct done d = {.n = 0};
    pthread_mutex_init(&d.m, NULL);
    pthread_cond_init(&d.cv, NULL);
    pthread_mutex_lock(&srv->qlock);
    srv->paused = true;
    pthread_mutex_unlock(&srv->qlock);
    for (int i = 0; i < NBATCH + 1; i++) {
        char sha[65], cid[16];
        snprintf(sha, sizeof sha, "%064x", 0xb000 + (i == NBATCH ? 0 : i));
        snprintf(cid, sizeof cid, "b-%d", i == NBATCH ? 0 : i);
        envs[i] = cert(lab2k, LAB2, sha, cid);
        pk_regsrv_request rq = {.method = "POST",
                                .url = "/api/v1/certificates",
                                .authorization = tok[T_LAB2],
                                .content_type = "application/json",
                                .body = (const uint8_t *)envs[i],
                                .body_len = strlen(envs[i])};
        if (pk_regsrv_handle(srv, &rq, &r[i], on_done, &d))
            fail_msg("request %d answered at once: %u %.*s", i, r[i].status, (int)r[i].body_len,
                     r[i].body);
    }
    pthread_mutex_lock(&srv->qlock);
    srv->paused = false;
    pthread_cond_broadcast(&srv->qcond);
    pthread_mutex_unlock(&srv->qlock);
    pthread_mutex_lock(&d.m);
    while (d.n < NBATCH + 1)
        pthread_cond_wait(&d.cv, &d.m);
    pthread_mutex_unlock(&d.m);
    const char *cp0 = NULL;
    for (int i = 0; i < NBATCH + 1; i++) {
        json_t *j = json_loadb(r[i].body, r[i].body_len, 0, NULL);
        assert_non_null(j);
        if (i < NBATCH) {
            if (r[i].status != 201)
                fail_msg("%d: %u %.*s", i, r[i].status, (int)r[i].body_len, r[i].body);
            assert_int_equal(json_integer_value(json_object_get(j, "log_index")), before + i);
            const char *cp = json_string_value(json_object_get(j, "checkpoint"));
            if (!cp0)
                cp0 = strdup(cp);
            assert_string_equal(cp, cp0); /* ONE checkpoint for the batch */
        } else {
            assert_int_equal(r[i].status, 409);
            assert_int_equal(json_integer_value(json_object_get(j, "log_index")), before);
        }
        json_decref(j);
        pk_regsrv_response_clear(&r[i]);
        pk_cert_buf_free(envs[i]);
    }
    char want[64];
    snprintf(want, sizeof want, "registry.test/parakh\n%llu\n",
             (unsigned long long)(before + NBATCH));
    assert_non_null(strstr(cp0, want));
    free((void *)cp0);
    assert_int_equal(log_size(), before + NBATCH);
    pthread_mutex_destroy(&d.m);
    pthread_cond_destroy(&d.cv);
}

/* A server that did not log LAB2's accreditation itself (another process on
 * the same database) still accepts LAB2's certificates and answers alike. */
static void t_shared(void **state)
{
    (void)state;
    char *c = cert(lab2k, LAB2, SHA2, "s-1");
    pk_regsrv *mine = srv;
    srv = srv2;
    assert_int_equal(post("/api/v1/certificates", T_LAB2, c), 201);
    assert_int_equal(get("/api/v1/certificates?sha256=" SHA2), 200);
    char *a = strndup(rs.body, rs.body_len);
    srv = mine;
    assert_int_equal(get("/api/v1/certificates?sha256=" SHA2), 200);
    assert_int_equal(strlen(a), rs.body_len);
    assert_memory_equal(a, rs.body, rs.body_len);
    free(a);
    pk_cert_buf_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_static),    cmocka_unit_test(t_roles), cmocka_unit_test(t_lifecycle),
        cmocka_unit_test(t_malformed), cmocka_unit_test(t_batch), cmocka_unit_test(t_shared),
    };
    return cmocka_run_group_tests_name("regsrv", tests, setup, teardown);
}
