/* The HTTP client for parakhd (libcurl). Only http and https, redirects
 * never followed (a client pinned to one registry must not be sent
 * elsewhere), a cap on every body (counted as it arrives, never buffered
 * past it), timeouts, TLS verified against --cacert or the system's CAs. The
 * bearer token is read from a file and only ever put in one header. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regclient_int.h"

struct pk_rc {
    char *base; /* the URL without a trailing '/' */
    char *cacert;
    char auth[PK_RC_MAX_TOKEN + 32]; /* "Authorization: Bearer ..." or "" */
    long connect_timeout, timeout;
    size_t max;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;
static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *b = p;
    while (n--)
        *b++ = 0;
}

/* One line of printable ASCII without spaces (a token never needs more). */
static pk_status read_token(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pki_rc_err(err, errlen, "token file %s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    char buf[PK_RC_MAX_TOKEN + 2];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0 || (size_t)n > PK_RC_MAX_TOKEN) {
        pki_rc_err(err, errlen, "token file %s: unreadable or over %u bytes", path,
                   PK_RC_MAX_TOKEN);
        wipe(buf, sizeof buf);
        return PK_E_IO;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    bool ok = n > 0;
    for (ssize_t i = 0; i < n; i++)
        ok = ok && buf[i] > 0x20 && buf[i] < 0x7f;
    if (ok)
        snprintf(out, cap, "Authorization: Bearer %.*s", (int)n, buf);
    else
        pki_rc_err(err, errlen, "token file %s: not one line of printable characters", path);
    wipe(buf, sizeof buf);
    return ok ? PK_OK : PK_E_USAGE;
}

pk_status pk_rc_new(const pk_rc_opts *o, pk_rc **out, char *err, size_t errlen)
{
    if (!o || !o->url || !out)
        return PK_E_MISUSE;
    *out = NULL;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        pki_rc_err(err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_rc));
        return PK_E_INTERNAL;
    }
    size_t n = strlen(o->url);
    if (!(strncasecmp(o->url, "https://", 8) == 0 && n > 8) &&
        !(strncasecmp(o->url, "http://", 7) == 0 && n > 7)) {
        pki_rc_err(err, errlen, "--url %.80s: only http:// and https:// URLs", o->url);
        return PK_E_USAGE;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)o->url[i] <= 0x20 || o->url[i] == 0x7f || o->url[i] == '?' ||
            o->url[i] == '#') {
            pki_rc_err(err, errlen, "--url: a space, control character, query or fragment");
            return PK_E_USAGE;
        }
    pk_rc *c = pki_calloc(1, sizeof *c);
    if (!c)
        return PK_E_NOMEM;
    while (n > 0 && o->url[n - 1] == '/')
        n--;
    c->base = pki_strndup(o->url, n);
    c->cacert = o->cacert ? pki_strdup(o->cacert) : NULL;
    c->connect_timeout = o->connect_timeout > 0 ? o->connect_timeout : 10;
    c->timeout = o->timeout > 0 ? o->timeout : 60;
    c->max = o->max_response ? o->max_response : PK_RC_MAX_RESPONSE;
    pk_status st = (!c->base || (o->cacert && !c->cacert)) ? PK_E_NOMEM : PK_OK;
    if (st == PK_OK && o->token_file)
        st = read_token(o->token_file, c->auth, sizeof c->auth, err, errlen);
    if (st != PK_OK) {
        pk_rc_free(c);
        return st;
    }
    *out = c;
    return PK_OK;
}

void pk_rc_free(pk_rc *c)
{
    if (!c)
        return;
    wipe(c->auth, sizeof c->auth);
    pki_free(c->base);
    pki_free(c->cacert);
    pki_free(c);
}

void pk_rc_resp_clear(pk_rc_resp *r)
{
    if (!r)
        return;
    pki_free(r->body);
    memset(r, 0, sizeof *r);
}

void pk_rc_resp_error(const pk_rc_resp *r, char *out, size_t cap)
{
    out[0] = 0;
    if (!r || !r->body)
        return;
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    const char *code = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    if (m)
        snprintf(out, cap, "%.40s: %.400s", code ? code : "error", m);
    for (size_t i = 0; out[i]; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = '?'; /* the server's text goes to a terminal */
    json_decref(j);
}

typedef struct sink {
    char *buf;
    size_t len, cap, max;
    bool over;
} sink;

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
    sink *s = ud;
    size_t n = sz * nm;
    if (n > s->max - s->len) {
        s->over = true;
        return 0; /* aborts the transfer: nothing past the cap is kept */
    }
    if (!pki_grow((void **)&s->buf, &s->cap, s->len + n + 1, 1))
        return 0;
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
    return n;
}

static pk_status request(pk_rc *c, const char *method, const char *path, const char *body,
                         size_t blen, bool auth, pk_rc_resp *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    char url[8192];
    if ((size_t)snprintf(url, sizeof url, "%s%s", c->base, path) >= sizeof url) {
        pki_rc_err(err, errlen, "the request URL is too long");
        return PK_E_USAGE;
    }
    CURL *h = curl_easy_init();
    if (!h)
        return PK_E_NOMEM;
    sink s = {.max = c->max};
    struct curl_slist *hdr = NULL, *tmp = NULL;
    if (auth && c->auth[0] && (tmp = curl_slist_append(hdr, c->auth)))
        hdr = tmp;
    if (body && (tmp = curl_slist_append(hdr, "Content-Type: application/json")))
        hdr = tmp;
    if ((tmp = curl_slist_append(hdr, "Accept: application/json, text/plain")))
        hdr = tmp;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "parakh/" PK_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
    }
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr); /* the token's header copy: curl frees, we cannot wipe it */
    pk_status st = PK_OK;
    if (s.over || cc == CURLE_FILESIZE_EXCEEDED) {
        pki_rc_err(err, errlen, "%s %s: the answer is over the limit of %zu bytes", method, path,
                   c->max);
        st = PK_E_IO;
    } else if (cc != CURLE_OK) {
        pki_rc_err(err, errlen, "%s %s: %s", method, c->base, curl_easy_strerror(cc));
        st = PK_E_IO;
    } else if (code >= 300 && code < 400) {
        pki_rc_err(err, errlen, "%s %s: HTTP %ld: a redirect, not followed", method, path, code);
        st = PK_E_IO;
    }
    if (st != PK_OK) {
        pki_free(s.buf);
        return st;
    }
    if (!s.buf && !(s.buf = pki_calloc(1, 1)))
        return PK_E_NOMEM;
    r->code = code;
    r->body = s.buf;
    r->len = s.len;
    return PK_OK;
}

pk_status pk_rc_submit(pk_rc *c, const char *envelope, size_t len, const char *supersedes,
                       pk_rc_resp *r, char *err, size_t errlen)
{
    if (!c || !envelope || !r)
        return PK_E_MISUSE;
    char path[160] = "/api/v1/certificates";
    if (supersedes) {
        if (strlen(supersedes) != 64 || strspn(supersedes, "0123456789abcdef") != 64) {
            pki_rc_err(err, errlen, "--supersedes: not a certificate id (64 lowercase hex)");
            return PK_E_USAGE;
        }
        snprintf(path, sizeof path, "/api/v1/certificates?supersedes=%s", supersedes);
    }
    return request(c, "POST", path, envelope, len, true, r, err, errlen);
}

pk_status pk_rc_revoke(pk_rc *c, const char *id, const char *reason, const char *date,
                       pk_rc_resp *r, char *err, size_t errlen)
{
    if (!c || !id || !reason || !r)
        return PK_E_MISUSE;
    if (strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64) {
        pki_rc_err(err, errlen, "ID: not a certificate id (64 lowercase hex)");
        return PK_E_USAGE;
    }
    json_t *j = json_object();
    json_object_set_new(j, "reason", json_string(reason));
    if (date)
        json_object_set_new(j, "date", json_string(date));
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!body) {
        pki_rc_err(err, errlen, "--reason/--date: not valid UTF-8");
        return PK_E_USAGE;
    }
    char path[160];
    snprintf(path, sizeof path, "/api/v1/certificates/%s/revocation", id);
    pk_status st = request(c, "POST", path, body, strlen(body), true, r, err, errlen);
    free(body);
    return st;
}

pk_status pk_rc_lookup(pk_rc *c, const char *by, const char *value, pk_rc_resp *r, char *err,
                       size_t errlen)
{
    if (!c || !by || !value || !r || (strcmp(by, "sha256") != 0 && strcmp(by, "purl") != 0))
        return PK_E_MISUSE;
    CURL *h = curl_easy_init();
    char *q = h ? curl_easy_escape(h, value, (int)strnlen(value, 4096)) : NULL;
    if (h)
        curl_easy_cleanup(h);
    if (!q)
        return PK_E_NOMEM;
    char path[16384];
    snprintf(path, sizeof path, "/api/v1/certificates?%s=%s", by, q);
    curl_free(q);
    return request(c, "GET", path, NULL, 0, true, r, err, errlen);
}

pk_status pk_rc_checkpoint(pk_rc *c, pk_rc_resp *r, char *err, size_t errlen)
{
    if (!c || !r)
        return PK_E_MISUSE;
    return request(c, "GET", "/api/v1/log/checkpoint", NULL, 0, true, r, err, errlen);
}

pk_status pk_rc_consistency(pk_rc *c, uint64_t from, uint64_t to, pk_rc_resp *r, char *err,
                            size_t errlen)
{
    if (!c || !r)
        return PK_E_MISUSE;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/log/proof/consistency?from=%llu&to=%llu",
             (unsigned long long)from, (unsigned long long)to);
    return request(c, "GET", path, NULL, 0, true, r, err, errlen);
}

pk_status pk_rc_leaves(pk_rc *c, uint64_t start, uint64_t end, pk_rc_resp *r, char *err,
                       size_t errlen)
{
    if (!c || !r)
        return PK_E_MISUSE;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/log/leaves?start=%llu&end=%llu", (unsigned long long)start,
             (unsigned long long)end);
    return request(c, "GET", path, NULL, 0, true, r, err, errlen);
}

pk_status pk_rc_fetch_consistency(void *ctx, uint64_t from, uint64_t to,
                                  uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN], size_t *len,
                                  char *err, size_t errlen)
{
    pk_rc_resp r;
    pk_status st = pk_rc_consistency(ctx, from, to, &r, err, errlen);
    if (st != PK_OK)
        return st;
    if (r.code != 200) {
        char m[512];
        pk_rc_resp_error(&r, m, sizeof m);
        pki_rc_err(err, errlen, "consistency proof %llu..%llu: HTTP %ld %s",
                   (unsigned long long)from, (unsigned long long)to, r.code, m);
        pk_rc_resp_clear(&r);
        return PK_E_IO;
    }
    json_t *j = json_loadb(r.body, r.len, JSON_REJECT_DUPLICATES, NULL);
    json_t *p = json_object_get(j, "proof");
    json_t *jf = json_object_get(j, "from"), *jt = json_object_get(j, "to");
    st = PK_E_FORMAT;
    if (json_is_array(p) && json_array_size(p) <= PK_TLOG_MAX_PROOF && json_is_integer(jf) &&
        json_is_integer(jt) && (uint64_t)json_integer_value(jf) == from &&
        (uint64_t)json_integer_value(jt) == to) {
        st = PK_OK;
        *len = json_array_size(p);
        for (size_t i = 0; st == PK_OK && i < *len; i++) {
            const char *h = json_string_value(json_array_get(p, i));
            if (!h || strspn(h, "0123456789abcdef") != 64 || pk_sha256_from_hex(h, proof[i]))
                st = PK_E_FORMAT;
        }
    }
    if (st != PK_OK)
        pki_rc_err(err, errlen, "the consistency proof %llu..%llu is malformed",
                   (unsigned long long)from, (unsigned long long)to);
    json_decref(j);
    pk_rc_resp_clear(&r);
    return st;
}

pk_status pk_rc_accredit(pk_rc *c, const char *envelope, size_t len, pk_rc_resp *r, char *err,
                         size_t errlen)
{
    if (!c || !envelope || !r)
        return PK_E_MISUSE;
    return request(c, "POST", "/api/v1/labs", envelope, len, true, r, err, errlen);
}

/* The lab a suspension names, read (not verified: the server checks the
 * root's signature) from the envelope's payload, for the URL. */
static pk_status suspended_lab(const char *env, size_t len, char lab[65], char *err, size_t errlen)
{
    json_error_t je;
    json_t *e = json_loadb(env, len, JSON_REJECT_DUPLICATES, &je), *p = NULL;
    const char *b64 = json_string_value(json_object_get(e, "payload"));
    size_t n = b64 ? json_string_length(json_object_get(e, "payload")) : 0;
    uint8_t *raw = n && n <= PK_CERT_MAX_RECORD * 2 ? pki_malloc(n) : NULL;
    size_t rl = raw ? pki_b64_decode_strict(b64, n, raw, n, 0) : SIZE_MAX;
    if (rl == SIZE_MAX && raw)
        rl = pki_b64_decode_strict(b64, n, raw, n, PKI_B64_URL);
    if (rl != SIZE_MAX)
        p = json_loadb((const char *)raw, rl, JSON_REJECT_DUPLICATES, &je);
    const char *l = json_string_value(json_object_get(p, "lab"));
    size_t ll = l ? strlen(l) : 0;
    pk_status st = PK_OK;
    if (!ll || ll > 64 ||
        strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != ll) {
        pki_rc_err(err, errlen, "not a suspension record (no DSSE payload naming a lab)");
        st = PK_E_USAGE;
    } else {
        memcpy(lab, l, ll + 1);
    }
    json_decref(p);
    json_decref(e);
    pki_free(raw);
    return st;
}

pk_status pk_rc_suspend(pk_rc *c, const char *envelope, size_t len, pk_rc_resp *r, char *err,
                        size_t errlen)
{
    if (!c || !envelope || !r)
        return PK_E_MISUSE;
    char lab[65], path[128];
    pk_status st = suspended_lab(envelope, len, lab, err, errlen);
    if (st != PK_OK)
        return st;
    snprintf(path, sizeof path, "/api/v1/labs/%s/suspension", lab);
    return request(c, "POST", path, envelope, len, true, r, err, errlen);
}

pk_status pki_rc_request(pk_rc *c, const char *method, const char *path, const char *body,
                         size_t blen, pk_rc_resp *r, char *err, size_t errlen)
{
    return request(c, method, path, body, blen, true, r, err, errlen);
}
