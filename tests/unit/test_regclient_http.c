/* The registry client's transport and mirror export (lib/regclient/http.c,
 * mirror.c) against a small in-process HTTP server (libmicrohttpd on
 * 127.0.0.1, an ephemeral port) that serves a log built here: a lookup
 * verified end to end, consistency fetched for the kept checkpoint, the
 * bearer token sent only as a header, a redirect not followed, a body over
 * the cap refused, an unreachable server; export paging through leaves, an
 * existing mirror replaced only by a verified one, a tampered leaf or a
 * short page refused with nothing written, a non-mirror DIR never replaced. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert_int.h"
#include "regclient/regclient_int.h"

#define LAB    "LAB-ISB-01"
#define SHA_F  "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"
#define ORIGIN "http.registry/parakh"
#define NLEAF  600 /* more than two pages of 256 */

static pk_key *root, *lab;
static pk_note_signer *signer;
static pk_note_verifier *verifier;
static char vkey[PK_NOTE_VKEY_MAX], url[64], base[64];
static pk_tlog_mem *mem;
static char *leaf[NLEAF];
static size_t nleaf, served; /* served: the size the server shows */
static int tamper;           /* 1: leaf 7 served edited; 2: pages short by one */
static char last_auth[128];
static struct MHD_Daemon *daemon_;

static char *checkpoint(size_t size)
{
    uint8_t r[32];
    pk_tlog_store s = pk_tlog_mem_store(mem);
    assert_int_equal(pk_tlog_root(&s, size, r, NULL, 0), PK_OK);
    char text[PK_CHECKPOINT_TEXT_MAX], *note = NULL;
    size_t n;
    assert_int_equal(pk_checkpoint_format(ORIGIN, size, r, text, sizeof text, &n, NULL, 0), PK_OK);
    assert_int_equal(pk_note_sign(text, n, &signer, 1, &note, NULL, NULL, 0), PK_OK);
    char *out = strdup(note);
    pk_tlog_free(note);
    return out;
}

static void add(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    uint8_t h[32];
    pk_tlog_leaf_hash((const uint8_t *)s, strlen(s), h);
    assert_int_equal(pk_tlog_mem_append(mem, h, NULL), PK_OK);
    leaf[nleaf++] = s;
}

static json_t *proved(size_t i, size_t size)
{
    uint8_t p[PK_TLOG_MAX_PROOF][32];
    size_t n = 0;
    pk_tlog_store s = pk_tlog_mem_store(mem);
    assert_int_equal(pk_tlog_prove_inclusion(&s, i, size, p, &n, NULL, 0), PK_OK);
    json_t *inc = json_array();
    for (size_t k = 0; k < n; k++) {
        char hex[65];
        pki_hex(p[k], 32, hex);
        json_array_append_new(inc, json_string(hex));
    }
    char *b64 = pki_cert_b64((const uint8_t *)leaf[i], strlen(leaf[i]));
    json_t *o =
        json_pack("{s:I,s:s,s:o}", "log_index", (json_int_t)i, "leaf", b64, "inclusion", inc);
    pki_free(b64);
    return o;
}

static char *route(struct MHD_Connection *c, const char *url_, const char *method, int *code,
                   const char **type)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    snprintf(last_auth, sizeof last_auth, "%s", a ? a : "");
    *code = 200;
    *type = "application/json";
    if (!strcmp(url_, "/api/v1/log/checkpoint")) {
        *type = "text/plain";
        return checkpoint(served);
    }
    if (!strcmp(url_, "/api/v1/log/leaves")) {
        size_t s = strtoul(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "start"), 0, 10);
        size_t e = strtoul(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "end"), 0, 10);
        if (e > served)
            e = served;
        if (e - s > 100)
            e = s + 100; /* a server may clip pages: the client asks again */
        if (tamper == 2 && e > s + 1)
            e--;
        json_t *arr = json_array();
        for (size_t i = s; i < e; i++) {
            char *b64 = pki_cert_b64((const uint8_t *)leaf[i], strlen(leaf[i]));
            if (tamper == 1 && i == 7)
                b64[4] = b64[4] == 'A' ? 'B' : 'A';
            json_array_append_new(arr, json_pack("{s:I,s:s}", "index", (json_int_t)i, "leaf", b64));
            pki_free(b64);
        }
        if (tamper == 2 && s + 1 == served)
            json_array_clear(arr);
        json_t *o = json_pack("{s:o}", "leaves", arr);
        char *r = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return r;
    }
    if (!strcmp(url_, "/api/v1/log/proof/consistency")) {
        size_t f = strtoul(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from"), 0, 10);
        size_t t = strtoul(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to"), 0, 10);
        uint8_t p[PK_TLOG_MAX_PROOF][32];
        size_t n = 0;
        pk_tlog_store s = pk_tlog_mem_store(mem);
        assert_int_equal(pk_tlog_prove_consistency(&s, f, t, p, &n, NULL, 0), PK_OK);
        json_t *arr = json_array();
        for (size_t k = 0; k < n; k++) {
            char hex[65];
            pki_hex(p[k], 32, hex);
            json_array_append_new(arr, json_string(hex));
        }
        json_t *o =
            json_pack("{s:I,s:I,s:o}", "from", (json_int_t)f, "to", (json_int_t)t, "proof", arr);
        char *r = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return r;
    }
    if (!strcmp(url_, "/api/v1/certificates") && !strcmp(method, "GET")) {
        pki_rc_leaf l;
        assert_int_equal(pki_rc_leaf_parse((const uint8_t *)leaf[1], strlen(leaf[1]), &l, 0, 0),
                         PK_OK);
        json_t *e = proved(1, served);
        json_object_set_new(e, "id", json_string(l.id));
        pki_rc_leaf_clear(&l);
        char *cp = checkpoint(served);
        json_t *o = json_pack("{s:s,s:[o],s:b,s:[o]}", "checkpoint", cp, "certificates", e,
                              "truncated", 0, "labs", proved(0, served));
        free(cp);
        char *r = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return r;
    }
    if (!strcmp(url_, "/api/v1/certificates") && !strcmp(method, "POST")) {
        *code = 201;
        return strdup("{\"id\":\"" SHA_F "\",\"log_index\":3,\"logged\":\"2026-11-26T20:00:00Z\"}");
    }
    if (!strcmp(url_, "/redirect/api/v1/log/checkpoint")) {
        *code = 302;
        return strdup("");
    }
    if (!strcmp(url_, "/big/api/v1/log/checkpoint")) {
        char *b = malloc(3 << 20);
        memset(b, 'x', 3 << 20);
        b[(3 << 20) - 1] = 0;
        return b;
    }
    *code = 404;
    return strdup("{\"error\":{\"code\":\"not_found\",\"message\":\"no such route\"}}");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *u, const char *m,
                               const char *v, const char *up, size_t *upsz, void **state)
{
    (void)cls, (void)v, (void)up;
    if (!*state) {
        *state = (void *)1;
        return MHD_YES;
    }
    if (*upsz) {
        *upsz = 0; /* the body is not needed */
        return MHD_YES;
    }
    int code;
    const char *type;
    char *body = route(c, u, m, &code, &type);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", type);
    if (code == 302)
        MHD_add_response_header(r, "Location", "http://127.0.0.1:1/");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ret;
}

static int setup(void **st)
{
    (void)st;
    uint8_t s[32];
    memset(s, 1, 32);
    assert_int_equal(pki_key_from_seed(s, &root), PK_OK);
    memset(s, 2, 32);
    assert_int_equal(pki_key_from_seed(s, &lab), PK_OK);
    char skey[PK_NOTE_SKEY_MAX];
    assert_int_equal(pk_note_keygen(ORIGIN, skey, vkey, NULL, 0), PK_OK);
    assert_int_equal(pk_note_signer_new(skey, &signer, NULL, 0), PK_OK);
    assert_int_equal(pk_note_verifier_new(vkey, &verifier, NULL, 0), PK_OK);
    assert_int_equal(pk_tlog_mem_new(&mem), PK_OK);
    pk_accreditation_request rq = {.lab = LAB,
                                   .name = "Lab",
                                   .country = "PK",
                                   .lab_key = lab,
                                   .from = "2026-01-01",
                                   .until = "2028-01-01"};
    char *env = NULL, body[2048];
    size_t n;
    assert_int_equal(pk_accredit(&rq, root, &env, &n, NULL, 0), PK_OK);
    add(json_pack("{s:s,s:s,s:s,s:s}", "kind", "accreditation", "logged", "2026-01-01T00:00:00Z",
                  "lab", LAB, "envelope", env));
    pk_cert_buf_free(env);
    snprintf(body, sizeof body,
             "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.zip\","
             "\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"urn:parakh:certification:v1\","
             "\"predicate\":{\"certificate_id\":\"0d7c7c1e-0f3b-4c58-9a6e-1b2c3d4e5f60\","
             "\"product\":{\"name\":\"App\",\"vendor\":\"Acme\",\"version\":\"1.0\"},"
             "\"profile\":{\"name\":\"pss-baseline\",\"version\":\"1.0\"},\"policy_date\":"
             "\"2026-06-01\",\"verdict\":\"APPROVE\",\"conditions\":[],\"waivers\":[],\"sbom\":{"
             "\"digest\":{\"sha256\":\"%s\"}},\"lab\":\"%s\",\"issued\":\"2026-06-01T10:00:00Z\","
             "\"expires\":\"2027-06-01T00:00:00Z\"}}",
             SHA_F, SHA_F, LAB);
    assert_int_equal(pk_dsse_sign(lab, PK_CERT_PAYLOAD_TYPE, body, strlen(body), &env, &n), PK_OK);
    pk_cert *c = NULL;
    assert_int_equal(pk_cert_parse(env, n, &c, NULL, 0), PK_OK);
    add(json_pack("{s:s,s:s,s:s,s:n,s:s}", "kind", "certificate", "logged", "2026-06-01T10:00:05Z",
                  "id", pk_cert_digest(c), "supersedes", "envelope", env));
    pk_cert_free(c);
    pk_cert_buf_free(env);
    while (nleaf < NLEAF) /* filler: revocations of nothing in particular */
        add(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "revocation", "logged",
                      "2026-08-01T09:00:00Z", "id", SHA_F, "reason", "filler", "date", "2026-08-01",
                      "by_role", "national", "by_name", "NCERT"));
    served = 10;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL,
                               MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
    assert_non_null(daemon_);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)di->port);
    snprintf(base, sizeof base, "/tmp/pk-test-rch-%d", (int)getpid());
    mkdir(base, 0700);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    MHD_stop_daemon(daemon_);
    for (size_t i = 0; i < nleaf; i++)
        free(leaf[i]);
    pk_tlog_mem_free(mem);
    pk_key_free(root);
    pk_key_free(lab);
    pk_note_signer_free(signer);
    pk_note_verifier_free(verifier);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd);
}

static pk_rc *client(const char *u, const char *token, size_t max)
{
    pk_rc_opts o = {.url = u, .token_file = token, .max_response = max, .timeout = 20};
    pk_rc *c = NULL;
    char err[256] = "";
    if (pk_rc_new(&o, &c, err, sizeof err) != PK_OK)
        fail_msg("pk_rc_new: %s", err);
    return c;
}

static pk_cert_state lookup(const char *state)
{
    pk_rc *c = client(url, NULL, 0);
    pk_rc_resp r;
    char err[512] = "";
    assert_int_equal(pk_rc_lookup(c, "sha256", SHA_F, &r, err, sizeof err), PK_OK);
    assert_int_equal(r.code, 200);
    uint8_t d[32];
    pk_sha256_from_hex(SHA_F, d);
    pk_rc_check in = {.root = root,
                      .log = verifier,
                      .sha256 = d,
                      .date = "2026-12-01",
                      .state_dir = state,
                      .consistency = pk_rc_fetch_consistency,
                      .ctx = c};
    pk_rc_verdict v;
    if (pk_rc_verify_answer(&in, r.body, r.len, &v, err, sizeof err) != PK_OK)
        fail_msg("verify: %s", err);
    pk_cert_state s = v.state;
    if (s != PK_CERT_VALID)
        print_message("%s: %s\n", pk_cert_state_str(s), v.reason);
    pk_rc_verdict_clear(&v);
    pk_rc_resp_clear(&r);
    pk_rc_free(c);
    return s;
}

static void t_lookup(void **st)
{
    (void)st;
    char state[96];
    snprintf(state, sizeof state, "%s/state", base);
    served = 10;
    assert_int_equal(lookup(state), PK_CERT_VALID);
    served = 300; /* grown: the consistency proof 10 -> 300 is fetched and checked */
    assert_int_equal(lookup(state), PK_CERT_VALID);
    served = 299; /* rolled back */
    assert_int_equal(lookup(state), PK_CERT_LOG_INCONSISTENT);
    served = 10;
}

static void t_transport(void **st)
{
    (void)st;
    char tok[96], err[512] = "", u[96];
    snprintf(tok, sizeof tok, "%s/token", base);
    FILE *f = fopen(tok, "w");
    fputs("pkt_secret-token_value\n", f);
    fclose(f);
    pk_rc *c = client(url, tok, 0);
    pk_rc_resp r;
    assert_int_equal(pk_rc_submit(c, "{}", 2, NULL, &r, err, sizeof err), PK_OK);
    assert_int_equal(r.code, 201);
    assert_string_equal(last_auth, "Bearer pkt_secret-token_value");
    pk_rc_resp_clear(&r);
    assert_int_equal(pk_rc_submit(c, "{}", 2, "xyz", &r, err, sizeof err), PK_E_USAGE);
    assert_int_equal(pk_rc_revoke(c, SHA_F, "because", NULL, &r, err, sizeof err), PK_OK);
    assert_int_equal(r.code, 404);
    pk_rc_resp_error(&r, err, sizeof err);
    assert_string_equal(err, "not_found: no such route");
    pk_rc_resp_clear(&r);
    pk_rc_free(c);
    f = fopen(tok, "w");
    fputs("two words\n", f);
    fclose(f);
    pk_rc_opts o = {.url = url, .token_file = tok};
    assert_int_equal(pk_rc_new(&o, &c, err, sizeof err), PK_E_USAGE);
    assert_null(strstr(err, "two")); /* the token is never echoed */
    static const char *const bad[] = {"ftp://127.0.0.1/", "file:///etc/passwd", "127.0.0.1:80",
                                      "http://h/a?b", "http:// x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = (pk_rc_opts){.url = bad[i]};
        assert_int_equal(pk_rc_new(&o, &c, err, sizeof err), PK_E_USAGE);
    }
    snprintf(u, sizeof u, "%s/redirect", url);
    c = client(u, NULL, 0);
    assert_int_equal(pk_rc_checkpoint(c, &r, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "redirect"));
    pk_rc_free(c);
    snprintf(u, sizeof u, "%s/big", url);
    c = client(u, NULL, 1 << 20);
    assert_int_equal(pk_rc_checkpoint(c, &r, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "over the limit"));
    pk_rc_free(c);
    c = client("http://127.0.0.1:1", NULL, 0);
    assert_int_equal(pk_rc_checkpoint(c, &r, err, sizeof err), PK_E_IO);
    pk_rc_free(c);
}

/* Entries of path whose name holds part (NULL: any). */
static size_t count_dir(const char *path, const char *part)
{
    DIR *d = opendir(path);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.' && (!part || strstr(e->d_name, part));
    if (d)
        closedir(d);
    return n;
}

static pk_status mirror_size(const char *dir, uint64_t *size)
{
    uint8_t d[32];
    pk_sha256_from_hex(SHA_F, d);
    pk_rc_check in = {.root = root, .sha256 = d, .date = "2026-12-01"};
    pk_rc_verdict v;
    char err[512] = "";
    pk_status st = pk_rc_mirror_verify(&in, dir, &v, err, sizeof err);
    if (st != PK_OK || v.state != PK_CERT_VALID)
        fail_msg("mirror: %d %s %s", st, err, v.reason);
    *size = v.checkpoint_size;
    pk_rc_verdict_clear(&v);
    return st;
}

static void t_export(void **st)
{
    (void)st;
    char dir[96], leaves[112], other[96], err[512] = "";
    snprintf(dir, sizeof dir, "%s/mirror", base);
    snprintf(leaves, sizeof leaves, "%s/leaves", dir);
    pk_rc *c = client(url, NULL, 0);
    uint64_t n = 0;
    served = NLEAF;
    if (pk_rc_mirror_export(c, vkey, dir, &n, err, sizeof err) != PK_OK)
        fail_msg("export: %s", err);
    assert_int_equal(n, NLEAF);
    assert_int_equal(count_dir(leaves, NULL), NLEAF);
    assert_int_equal(mirror_size(dir, &n), PK_OK);
    assert_int_equal(n, NLEAF);
    served = 10; /* an existing mirror is replaced by a complete one ("m/" names m) */
    char slash[112];
    snprintf(slash, sizeof slash, "%s//", dir);
    assert_int_equal(pk_rc_mirror_export(c, vkey, slash, &n, err, sizeof err), PK_OK);
    assert_int_equal(count_dir(leaves, NULL), 10);
    /* a leaf edited in transit, pages that end early: nothing written */
    served = NLEAF;
    for (tamper = 1; tamper <= 2; tamper++) {
        assert_int_equal(pk_rc_mirror_export(c, vkey, dir, &n, err, sizeof err), PK_E_FORMAT);
        assert_int_equal(mirror_size(dir, &n), PK_OK);
        assert_int_equal(n, 10);
        assert_int_equal(count_dir(base, ".tmp-"), 0); /* no leftover temporary */
    }
    tamper = 0;
    /* a checkpoint signed by another key */
    char skey[PK_NOTE_SKEY_MAX], vk2[PK_NOTE_VKEY_MAX];
    assert_int_equal(pk_note_keygen(ORIGIN, skey, vk2, NULL, 0), PK_OK);
    assert_int_equal(pk_rc_mirror_export(c, vk2, dir, &n, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "not signed"));
    /* a directory that is not a mirror is never replaced */
    snprintf(other, sizeof other, "%s/token", base);
    assert_int_equal(pk_rc_mirror_export(c, vkey, base, &n, err, sizeof err), PK_E_USAGE);
    assert_int_equal(access(other, F_OK), 0);
    pk_rc_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_lookup),
        cmocka_unit_test(t_transport),
        cmocka_unit_test(t_export),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
