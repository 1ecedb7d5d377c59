/* parakhd: the request handler. Parses the request target strictly (no
 * percent-encoding in paths, known query parameters only, each once,
 * percent-decoding checked), authenticates the bearer token, applies the
 * role table of docs/registry-api.md and dispatches. Checks run in a fixed
 * order: 414, 404, 405, 401, 403, 415, 413, 400, then the route's own. */
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv_int.h"

typedef enum route {
    R_INDEX,
    R_JS,
    R_CSS,
    R_HEALTH,
    R_OPENAPI,
    R_CERTS,
    R_CERT,
    R_REVOKE,
    R_LABS,
    R_LAB,
    R_SUSPEND,
    R_CHECKPOINT,
    R_INCLUSION,
    R_CONSISTENCY,
    R_LEAVES,
    R_KEY,
    R_NONE
} route;

typedef struct target {
    route r;
    char arg[72];      /* {id} or {lab} */
    const char *query; /* after '?', NULL when none */
    size_t qlen;
} target;

static const struct {
    const char *path;
    route r;
} fixed[] = {
    {"/", R_INDEX},
    {"/lookup.js", R_JS},
    {"/lookup.css", R_CSS},
    {"/healthz", R_HEALTH},
    {"/openapi.json", R_OPENAPI},
    {"/api/v1/certificates", R_CERTS},
    {"/api/v1/labs", R_LABS},
    {"/api/v1/log/checkpoint", R_CHECKPOINT},
    {"/api/v1/log/proof/inclusion", R_INCLUSION},
    {"/api/v1/log/proof/consistency", R_CONSISTENCY},
    {"/api/v1/log/leaves", R_LEAVES},
    {"/api/v1/log/key", R_KEY},
};

/* "{prefix}{arg}{suffix}" with arg one non-empty segment of at most 71
 * bytes; the argument's own syntax is the route's to check. */
static bool match_arg(const char *p, size_t n, const char *prefix, const char *suffix, char *arg)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    if (n <= a + b || memcmp(p, prefix, a) != 0 || memcmp(p + n - b, suffix, b) != 0)
        return false;
    size_t len = n - a - b;
    if (len >= 72 || memchr(p + a, '/', len))
        return false;
    memcpy(arg, p + a, len);
    arg[len] = 0;
    return true;
}

static void parse_target(const char *url, target *t)
{
    memset(t, 0, sizeof *t);
    t->r = R_NONE;
    const char *q = strchr(url, '?');
    size_t n = q ? (size_t)(q - url) : strlen(url);
    if (q) {
        t->query = q + 1;
        t->qlen = strlen(q + 1);
    }
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strlen(fixed[i].path) == n && memcmp(fixed[i].path, url, n) == 0) {
            t->r = fixed[i].r;
            return;
        }
    if (match_arg(url, n, "/api/v1/certificates/", "/revocation", t->arg))
        t->r = R_REVOKE;
    else if (match_arg(url, n, "/api/v1/certificates/", "", t->arg))
        t->r = R_CERT;
    else if (match_arg(url, n, "/api/v1/labs/", "/suspension", t->arg))
        t->r = R_SUSPEND;
    else if (match_arg(url, n, "/api/v1/labs/", "", t->arg))
        t->r = R_LAB;
}

/* Allowed methods: GET only, GET and POST, POST only. */
static const char *allow_of(route r)
{
    switch (r) {
    case R_CERTS:
    case R_LABS:
        return "GET, POST";
    case R_REVOKE:
    case R_SUSPEND:
        return "POST";
    default:
        return "GET";
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes s[0..n) into out (cap bytes, NUL-terminated). '+' stays '+'
 * (RFC 3986; a purl writes a plus sign as %2B anyway). */
static bool pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return false;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0)
                return false;
            c = (char)(h * 16 + l);
            if (c == 0)
                return false;
            i += 2;
        } else if ((unsigned char)c <= 0x20 || c == '#') {
            return false;
        }
        if (o + 1 >= cap)
            return false;
        out[o++] = c;
    }
    out[o] = 0;
    return true;
}

#define MAXQ 3
/* Splits the query into the allowed names (values decoded into vals[i],
 * NULL when absent). false with msg set for anything else. */
static bool parse_query(const target *t, const char *const *names, size_t nn, char vals[MAXQ][1100],
                        bool present[MAXQ], char *msg, size_t msglen)
{
    for (size_t i = 0; i < nn; i++)
        present[i] = false;
    if (!t->query)
        return true;
    if (t->qlen == 0) {
        snprintf(msg, msglen, "empty query string");
        return false;
    }
    const char *p = t->query, *end = t->query + t->qlen;
    while (p <= end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(e - p));
        if (!eq || eq == p) {
            snprintf(msg, msglen, "query parameter without a name or '='");
            return false;
        }
        char name[32];
        if (!pct_decode(p, (size_t)(eq - p), name, sizeof name)) {
            snprintf(msg, msglen, "unknown or malformed query parameter");
            return false;
        }
        size_t k = 0;
        while (k < nn && strcmp(names[k], name) != 0)
            k++;
        if (k == nn) {
            snprintf(msg, msglen, "unknown query parameter '%.31s'", name);
            return false;
        }
        if (present[k]) {
            snprintf(msg, msglen, "query parameter '%s' given twice", names[k]);
            return false;
        }
        if (!pct_decode(eq + 1, (size_t)(e - eq - 1), vals[k], 1100)) {
            snprintf(msg, msglen, "query parameter '%s': bad percent-encoding or too long",
                     names[k]);
            return false;
        }
        present[k] = true;
        if (!amp)
            break;
        p = amp + 1;
    }
    return true;
}

/* A decimal without sign or leading zeros, at most INT64_MAX. */
static bool parse_u64(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX) /* answers carry it as a JSON integer */
        return false;
    *out = v;
    return true;
}

/* 0: authenticated (or public); else the status of the refusal, in rs. */
static unsigned authenticate(pk_regsrv *s, const char *auth, pki_caller *c, pk_regsrv_response *rs)
{
    memset(c, 0, sizeof *c);
    c->role = PK_ROLE_PUBLIC;
    if (!auth)
        return 0;
    if (strncasecmp(auth, "Bearer ", 7) != 0) {
        pki_srv_error(rs, 401, "the Authorization header is not 'Bearer <token>'");
        return 401;
    }
    const char *tok = auth + 7;
    size_t n = strlen(tok);
    bool ok = n == 47 && memcmp(tok, "pkt_", 4) == 0;
    for (size_t i = 4; ok && i < n; i++) {
        char ch = tok[i];
        ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             ch == '-' || ch == '_';
    }
    if (!ok) {
        pki_srv_error(rs, 401, "malformed bearer token");
        return 401;
    }
    uint8_t h[32];
    SHA256((const uint8_t *)tok, n, h);
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    pk_rstore_token *t = NULL;
    if (!st || pk_rstore_token_by_hash(st, h, &t, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return 503;
    }
    if (!t || t->revoked) {
        pki_srv_error(rs, 401, t ? "the token was revoked" : "unknown token");
        pk_rstore_free(t);
        return 401;
    }
    c->role = t->role;
    snprintf(c->lab, sizeof c->lab, "%s", t->lab_id ? t->lab_id : "");
    snprintf(c->name, sizeof c->name, "%s", t->name);
    pk_rstore_free(t);
    return 0;
}

unsigned pki_srv_authenticate(pk_regsrv *s, const char *auth, pki_caller *c, pk_regsrv_response *rs)
{
    return authenticate(s, auth, c, rs);
}

bool pki_srv_is_json_type(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; \t");
    if (n != 16 || strncasecmp(ct, "application/json", 16) != 0)
        return false;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == 0 || *ct == ';';
}

/* The checks before the body. 0: go on; else rs holds the refusal. */
static unsigned head_checks(pk_regsrv *s, const pk_regsrv_request *rq, target *t, pki_caller *c,
                            pk_regsrv_response *rs)
{
    if (!rq->url || !rq->method || rq->url[0] != '/') {
        pki_srv_error(rs, 400, "the request target must be a path");
        return 400;
    }
    if (strnlen(rq->url, PK_REGSRV_MAX_URL + 1) > PK_REGSRV_MAX_URL) {
        pki_srv_error(rs, 414, "the request target is longer than %u bytes", PK_REGSRV_MAX_URL);
        return 414;
    }
    parse_target(rq->url, t);
    if (t->r == R_NONE) {
        pki_srv_error(rs, 404, "no such resource");
        return 404;
    }
    const char *allow = allow_of(t->r);
    bool post = strcmp(rq->method, "POST") == 0, get = strcmp(rq->method, "GET") == 0;
    if (!((get && strstr(allow, "GET")) || (post && strstr(allow, "POST")))) {
        pki_srv_error(rs, 405, "method %.16s not allowed here", rq->method);
        rs->allow = allow;
        return 405;
    }
    unsigned a = authenticate(s, rq->authorization, c, rs);
    if (a)
        return a;
    if (!post)
        return 0;
    bool ok = (t->r == R_CERTS && c->role == PK_ROLE_LAB) ||
              (t->r == R_REVOKE && (c->role == PK_ROLE_LAB || c->role == PK_ROLE_NATIONAL)) ||
              ((t->r == R_LABS || t->r == R_SUSPEND) && c->role == PK_ROLE_NATIONAL);
    if (!ok && c->role == PK_ROLE_PUBLIC) {
        pki_srv_error(rs, 401, "this endpoint needs a bearer token");
        return 401;
    }
    if (!ok) {
        pki_srv_error(rs, 403, "role %s may not do this", pk_rstore_role_str(c->role));
        return 403;
    }
    if (!pki_srv_is_json_type(rq->content_type)) {
        pki_srv_error(rs, 415, "the body must be application/json");
        return 415;
    }
    return 0;
}

PK_API bool pk_regsrv_preflight(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs)
{
    target t;
    pki_caller c;
    pk_regsrv_response_clear(rs); /* an earlier answer's body is freed */
    int cs = pki_srv_csaf(s, rq, rs, true);
    if (cs >= 0)
        return cs == 1;
    return head_checks(s, rq, &t, &c, rs) != 0;
}

static void static_file(route r, pk_regsrv_response *rs)
{
    const char *path = r == R_INDEX ? "/"
                       : r == R_JS  ? "/lookup.js"
                       : r == R_CSS ? "/lookup.css"
                                    : "/openapi.json";
    const char *ct;
    const unsigned char *d;
    size_t n;
    if (!pki_srv_static(path, &ct, &d, &n)) {
        pki_srv_error(rs, 404, "this build has no %s", path);
        return;
    }
    rs->status = 200;
    rs->content_type = ct;
    rs->body = (char *)d;
    rs->body_len = n;
    rs->body_static = true;
}

static void health(pk_regsrv *s, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    uint64_t n;
    if (!st || pk_rstore_tree_size(st, &n, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    pki_srv_json(rs, 200,
                 json_pack("{s:s,s:s,s:I}", "status", "ok", "backend", pk_rstore_backend(st),
                           "log_size", (json_int_t)n));
}

static void text_answer(pk_regsrv_response *rs, const char *text)
{
    size_t n = strlen(text);
    rs->body = pki_malloc(n + 2);
    if (!rs->body) {
        pki_srv_error(rs, 500, "out of memory");
        return;
    }
    memcpy(rs->body, text, n);
    rs->body[n++] = '\n';
    rs->body[n] = 0;
    rs->body_len = n;
    rs->status = 200;
    rs->content_type = "text/plain; charset=utf-8";
    rs->no_store = true;
}

/* Certificate lookups through the answer cache (srv_cache.c). */
static void cached(pk_regsrv *s, const char *url0, const char *sha, const char *purl,
                   const char *id, pk_rstore_role role, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN], now[32];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    uint64_t size = 0, gen;
    bool keyed = st && pk_rstore_tree_size(st, &size, e, sizeof e) == PK_OK;
    /* "advisories" differ by role and change with the CSAF tables: both
     * are part of the key. */
    char url[PK_REGSRV_MAX_URL + 64];
    snprintf(url, sizeof url, "%s#%d#%llu", url0, (int)role,
             (unsigned long long)(st ? pki_srv_csaf_gen(st) : 0));
    pthread_rwlock_rdlock(&s->trust_lock);
    gen = s->trust_gen;
    pthread_rwlock_unlock(&s->trust_lock);
    pki_srv_now(s, now);
    if (keyed && pki_srv_cache_get(s, url, size, gen, now, rs))
        return;
    if (st) { /* a miss: the log grew, perhaps by another server's trust record */
        pki_srv_trust_sync(s, st);
        pthread_rwlock_rdlock(&s->trust_lock);
        gen = s->trust_gen;
        pthread_rwlock_unlock(&s->trust_lock);
    }
    if (id)
        pki_srv_cert_get(s, id, role, rs);
    else
        pki_srv_lookup(s, sha, purl, role, rs);
    /* The answer is for the checkpoint it holds, which may be newer than
     * the size read above: cache it only when both agree. */
    uint64_t after;
    if (keyed && rs->status == 200 && pk_rstore_tree_size(st, &after, e, sizeof e) == PK_OK &&
        after == size)
        pki_srv_cache_put(s, url, size, gen, now, rs);
}

/* GET routes. */
static void do_get(pk_regsrv *s, const char *url, target *t, pk_rstore_role role,
                   pk_regsrv_response *rs)
{
    char v[MAXQ][1100];
    bool pr[MAXQ];
    char msg[160];
    const char *none[1] = {NULL};
    switch (t->r) {
    case R_INDEX:
        static_file(t->r, rs); /* the page reads its own query (deep links) */
        return;
    case R_CERTS: {
        const char *n[] = {"sha256", "purl"};
        if (!parse_query(t, n, 2, v, pr, msg, sizeof msg))
            break;
        if (pr[0] == pr[1]) {
            snprintf(msg, sizeof msg, "give exactly one of sha256 and purl");
            break;
        }
        if (pr[0] && !pki_is_hex64(v[0])) {
            snprintf(msg, sizeof msg, "sha256 must be 64 lowercase hex digits");
            break;
        }
        if (pr[1] && (!v[1][0] || strlen(v[1]) > 1024)) {
            snprintf(msg, sizeof msg, "purl must be 1..1024 bytes");
            break;
        }
        cached(s, url, pr[0] ? v[0] : NULL, pr[1] ? v[1] : NULL, NULL, role, rs);
        return;
    }
    case R_INCLUSION:
    case R_CONSISTENCY:
    case R_LEAVES: {
        const char *n[3][2] = {{"index", "size"}, {"from", "to"}, {"start", "end"}};
        int k = t->r == R_INCLUSION ? 0 : t->r == R_CONSISTENCY ? 1 : 2;
        uint64_t a, b;
        if (!parse_query(t, n[k], 2, v, pr, msg, sizeof msg))
            break;
        if (!pr[0] || !pr[1] || !parse_u64(v[0], &a) || !parse_u64(v[1], &b)) {
            snprintf(msg, sizeof msg, "%s and %s must both be given as decimal numbers", n[k][0],
                     n[k][1]);
            break;
        }
        if (k == 0)
            pki_srv_log_inclusion(s, a, b, rs);
        else if (k == 1)
            pki_srv_log_consistency(s, a, b, rs);
        else
            pki_srv_log_leaves(s, a, b, rs);
        return;
    }
    default:
        if (!parse_query(t, none, 0, v, pr, msg, sizeof msg))
            break;
        switch (t->r) {
        case R_JS:
        case R_CSS:
        case R_OPENAPI:
            static_file(t->r, rs);
            break;
        case R_HEALTH:
            health(s, rs);
            break;
        case R_CERT:
            if (!pki_is_hex64(t->arg))
                pki_srv_error(rs, 404, "no certificate with that id (64 lowercase hex digits)");
            else
                cached(s, url, NULL, NULL, t->arg, role, rs);
            break;
        case R_LABS:
            pki_srv_labs(s, NULL, rs);
            break;
        case R_LAB:
            if (!pki_srv_lab_ok(t->arg, strlen(t->arg)))
                pki_srv_error(rs, 404, "no such lab");
            else
                pki_srv_labs(s, t->arg, rs);
            break;
        case R_CHECKPOINT:
            pki_srv_log_checkpoint(s, rs);
            break;
        case R_KEY:
            text_answer(rs, s->vkey); /* with a newline, as log.vkey holds it */
            break;
        default:
            pki_srv_error(rs, 404, "no such resource");
        }
        return;
    }
    pki_srv_error(rs, 400, "%s", msg);
}

static void do_post(pk_regsrv *s, const target *t, const pki_caller *c, const pk_regsrv_request *rq,
                    pk_regsrv_response *rs, pki_wjob **job)
{
    char v[MAXQ][1100];
    bool pr[MAXQ];
    char msg[160];
    const char *n[] = {"supersedes"};
    if (rq->body_too_large || rq->body_len > PK_REGSRV_MAX_BODY) {
        pki_srv_error(rs, 413, "the body is larger than %u bytes", PK_REGSRV_MAX_BODY);
        return;
    }
    if (!parse_query(t, n, t->r == R_CERTS ? 1 : 0, v, pr, msg, sizeof msg)) {
        pki_srv_error(rs, 400, "%s", msg);
        return;
    }
    if (!rq->body || rq->body_len == 0) {
        pki_srv_error(rs, 400, "the body is empty");
        return;
    }
    switch (t->r) {
    case R_CERTS:
        if (pr[0] && !pki_is_hex64(v[0])) {
            pki_srv_error(rs, 400, "supersedes must be a certificate id (64 lowercase hex)");
            return;
        }
        pki_srv_post_cert(s, c, pr[0] ? v[0] : NULL, rq, rs, job);
        return;
    case R_REVOKE:
        if (!pki_is_hex64(t->arg)) {
            pki_srv_error(rs, 404, "no certificate with that id (64 lowercase hex digits)");
            return;
        }
        pki_srv_post_revocation(s, c, t->arg, rq, rs, job);
        return;
    case R_LABS:
        pki_srv_post_lab(s, c, NULL, rq, rs, job);
        return;
    default: /* R_SUSPEND */
        if (!pki_srv_lab_ok(t->arg, strlen(t->arg))) {
            pki_srv_error(rs, 404, "no such lab");
            return;
        }
        pki_srv_post_lab(s, c, t->arg, rq, rs, job);
        return;
    }
}

PK_API bool pk_regsrv_handle(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs,
                             pk_regsrv_done_fn done, void *ctx)
{
    target t;
    pki_caller c;
    pk_regsrv_response_clear(rs); /* an earlier answer's body is freed */
    if (pki_srv_csaf(s, rq, rs, false) >= 0)
        return true;
    if (head_checks(s, rq, &t, &c, rs) != 0)
        return true;
    if (strcmp(rq->method, "GET") == 0) {
        do_get(s, rq->url, &t, c.role, rs);
        return true;
    }
    pki_wjob *job = NULL;
    do_post(s, &t, &c, rq, rs, &job);
    if (!job)
        return true;
    job->rs = rs;
    job->done = done;
    job->ctx = ctx;
    pki_srv_enqueue(s, job);
    return false;
}

struct waiter {
    pthread_mutex_t m;
    pthread_cond_t cv;
    bool done;
};

static void wake(void *ctx)
{
    struct waiter *w = ctx;
    pthread_mutex_lock(&w->m);
    w->done = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->m);
}

PK_API void pk_regsrv_handle_sync(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs)
{
    struct waiter w = {.done = false};
    pthread_mutex_init(&w.m, NULL);
    pthread_cond_init(&w.cv, NULL);
    if (!pk_regsrv_handle(s, rq, rs, wake, &w)) {
        pthread_mutex_lock(&w.m);
        while (!w.done)
            pthread_cond_wait(&w.cv, &w.m);
        pthread_mutex_unlock(&w.m);
    }
    pthread_mutex_destroy(&w.m);
    pthread_cond_destroy(&w.cv);
}
