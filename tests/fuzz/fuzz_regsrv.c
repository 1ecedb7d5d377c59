/* Fuzz target for parakhd's request handler (lib/server/): the input is a
 * request, "METHOD\nTARGET\nAUTHORIZATION\nCONTENT-TYPE\nBODY" (a missing
 * line is an absent header), run through pk_regsrv_preflight and
 * pk_regsrv_handle_sync against one registry (a temporary SQLite file) in
 * which the lab LAB-FUZZ is accredited and two tokens exist: "pkt_" + 43 'N'
 * (national) and + 43 'L' (lab LAB-FUZZ). A body starting with '!' is signed
 * as the payload of a certificate by the lab's key first, so the Statement
 * parser and the submission checks run behind a valid signature. Every
 * answer must be a status with a body, and every 4xx/5xx body JSON with an
 * error code. Seeds: tests/fuzz/corpus/regsrv/. */
#include <jansson.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"
#include "server/srv_int.h"

#define FUZZ_MAX_INPUT (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static pk_key *root, *lab;
static pk_regsrv *srv;

static void add_token(pk_rstore *st, const char *id, pk_rstore_role role, const char *labid, char c)
{
    char secret[48];
    memcpy(secret, "pkt_", 4);
    memset(secret + 4, c, 43);
    secret[47] = 0;
    pk_rstore_token t = {.id = id, .role = role, .lab_id = labid, .name = id, .created = "2026"};
    SHA256((const uint8_t *)secret, 47, t.secret_sha256);
    if (pk_rstore_token_add(st, &t, NULL, 0) != PK_OK)
        __builtin_trap();
}

static void setup(void)
{
    uint8_t s1[32], s2[32];
    memset(s1, 1, sizeof s1);
    memset(s2, 2, sizeof s2);
    char dir[] = "/tmp/pk-fuzz-regsrv-XXXXXX", url[64], e[256];
    if (!mkdtemp(dir) || pki_key_from_seed(s1, &root) != PK_OK ||
        pki_key_from_seed(s2, &lab) != PK_OK)
        __builtin_trap();
    snprintf(url, sizeof url, "%s/r.sqlite", dir);
    pk_rstore *st;
    if (pk_rstore_open(url, &st, e, sizeof e) != PK_OK)
        __builtin_trap();
    add_token(st, "nat", PK_ROLE_NATIONAL, NULL, 'N');
    add_token(st, "lab", PK_ROLE_LAB, "LAB-FUZZ", 'L');
    pk_rstore_close(st);
    char skey[PK_NOTE_SKEY_MAX], vkey[PK_NOTE_VKEY_MAX];
    if (pk_note_keygen("fuzz.test/log", skey, vkey, e, sizeof e) != PK_OK)
        __builtin_trap();
    pk_regsrv_config cfg = {
        .db_url = url, .root = root, .log_skey = skey, .fixed_now = "2026-11-26T12:00:00Z"};
    if (pk_regsrv_new(&cfg, &srv, e, sizeof e) != PK_OK)
        __builtin_trap();
    pk_accreditation_request rq = {.lab = "LAB-FUZZ",
                                   .name = "Fuzz lab",
                                   .country = "PK",
                                   .lab_key = lab,
                                   .from = "2020-01-01",
                                   .until = "2099-12-31"};
    char *env = NULL;
    size_t len = 0;
    if (pk_accredit(&rq, root, &env, &len, NULL, 0) != PK_OK)
        __builtin_trap();
    pk_regsrv_request r = {.method = "POST",
                           .url = "/api/v1/labs",
                           .authorization =
                               "Bearer pkt_NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN",
                           .content_type = "application/json",
                           .body = (const uint8_t *)env,
                           .body_len = len};
    pk_regsrv_response rs = {0};
    pk_regsrv_handle_sync(srv, &r, &rs);
    if (rs.status != 201)
        __builtin_trap();
    pk_regsrv_response_clear(&rs);
    pk_cert_buf_free(env);
}

/* The next line of [*p, end) as a fresh string (NULL when none is left). */
static char *line(const uint8_t **p, const uint8_t *end)
{
    if (*p >= end)
        return NULL;
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = malloc(len + 1);
    if (!s)
        __builtin_trap();
    memcpy(s, *p, len);
    s[len] = 0;
    *p += len + (nl ? 1 : 0);
    return s;
}

static void check(const pk_regsrv_response *rs)
{
    if (rs->status < 200 || rs->status > 599 || !rs->content_type || (!rs->body && rs->body_len))
        __builtin_trap();
    if (rs->status >= 400) {
        json_t *j = json_loadb(rs->body, rs->body_len, 0, NULL);
        if (!j || !json_is_string(json_object_get(json_object_get(j, "error"), "code")))
            __builtin_trap();
        json_decref(j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (!srv)
        setup();
    if (n > FUZZ_MAX_INPUT)
        return 0;
    const uint8_t *p = d, *end = d + n;
    char *method = line(&p, end), *url = line(&p, end), *auth = line(&p, end),
         *ctype = line(&p, end);
    char *body = NULL;
    size_t blen = p < end ? (size_t)(end - p) : 0;
    if (blen && p[0] == '!') {
        size_t len = 0;
        if (pk_dsse_sign(lab, PK_CERT_PAYLOAD_TYPE, p + 1, blen - 1, &body, &len) != PK_OK)
            __builtin_trap();
        blen = len;
    }
    pk_regsrv_request rq = {.method = method ? method : "GET",
                            .url = url ? url : "/",
                            .authorization = auth && *auth ? auth : NULL,
                            .content_type = ctype && *ctype ? ctype : NULL,
                            .body = body ? (const uint8_t *)body : p,
                            .body_len = blen};
    pk_regsrv_response rs = {0};
    if (pk_regsrv_preflight(srv, &rq, &rs))
        check(&rs);
    pk_regsrv_response_clear(&rs);
    pk_regsrv_handle_sync(srv, &rq, &rs);
    check(&rs);
    pk_regsrv_response_clear(&rs);
    pk_cert_buf_free(body);
    free(method), free(url), free(auth), free(ctype);
    return 0;
}
