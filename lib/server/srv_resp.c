/* parakhd: building responses (the error body of docs/registry-api.md),
 * the headers every response carries, and small text helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "srv_int.h"

static const char *code_of(unsigned status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 408:
        return "timeout";
    case 409:
        return "conflict";
    case 413:
        return "too_large";
    case 414:
        return "uri_too_long";
    case 415:
        return "unsupported_media_type";
    case 422:
        return "unprocessable";
    case 503:
        return "unavailable";
    default:
        return "internal";
    }
}

/* The last resort when even the error cannot be built: a static body. */
static void static_500(pk_regsrv_response *rs)
{
    static const char b[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
    rs->status = 500;
    rs->content_type = "application/json";
    rs->body = (char *)b;
    rs->body_len = sizeof b - 1;
    rs->body_static = true;
    rs->no_store = true;
}

void pki_srv_json(pk_regsrv_response *rs, unsigned status, json_t *j)
{
    pk_regsrv_response_clear(rs);
    char *txt = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!txt) {
        static_500(rs);
        return;
    }
    rs->status = status;
    rs->content_type = "application/json";
    rs->no_store = true;
    /* jansson allocates with malloc (its default); our free path is
     * pki_free, so copy once. */
    size_t n = strlen(txt);
    rs->body = pki_malloc(n + 1);
    if (!rs->body) {
        free(txt);
        static_500(rs);
        return;
    }
    memcpy(rs->body, txt, n + 1);
    free(txt);
    rs->body_len = n;
}

static void error_v(pk_regsrv_response *rs, unsigned status, json_t *extra, const char *fmt,
                    va_list ap)
{
    char msg[PKI_SRV_ERRLEN];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* A message is one line of valid UTF-8 (jansson refuses anything else):
     * control bytes become spaces, invalid UTF-8 falls back below. */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    json_t *e = json_pack("{s:s,s:s}", "code", code_of(status), "message", msg);
    if (!e)
        e = json_pack("{s:s,s:s}", "code", code_of(status), "message",
                      "the request was refused (details were not valid text)");
    json_t *j = extra ? extra : json_object();
    if (!j || !e || json_object_set_new(j, "error", e) != 0) {
        json_decref(j);
        pk_regsrv_response_clear(rs);
        static_500(rs);
        return;
    }
    /* "error" first: the schema does not care, people reading it do. */
    pki_srv_json(rs, status, j);
    if (status == 401)
        rs->www_authenticate = true;
}

void pki_srv_error(pk_regsrv_response *rs, unsigned status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(rs, status, NULL, fmt, ap);
    va_end(ap);
}

void pki_srv_error_extra(pk_regsrv_response *rs, unsigned status, json_t *extra, const char *fmt,
                         ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(rs, status, extra, fmt, ap);
    va_end(ap);
}

PK_API void pk_regsrv_response_clear(pk_regsrv_response *rs)
{
    if (!rs)
        return;
    if (!rs->body_static)
        pki_free(rs->body);
    memset(rs, 0, sizeof *rs);
}

#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' " \
    "data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

PK_API size_t pk_regsrv_headers(const pk_regsrv_response *rs,
                                const char *names[PK_REGSRV_MAX_HEADERS],
                                const char *values[PK_REGSRV_MAX_HEADERS])
{
    size_t n = 0;
    names[n] = "Content-Security-Policy", values[n++] = CSP;
    names[n] = "X-Content-Type-Options", values[n++] = "nosniff";
    names[n] = "Referrer-Policy", values[n++] = "no-referrer";
    names[n] = "X-Frame-Options", values[n++] = "DENY";
    if (rs->no_store)
        names[n] = "Cache-Control", values[n++] = "no-store";
    if (rs->allow)
        names[n] = "Allow", values[n++] = rs->allow;
    if (rs->www_authenticate)
        names[n] = "WWW-Authenticate", values[n++] = "Bearer realm=\"parakhd\"";
    return n;
}

void pki_srv_now(const pk_regsrv *s, char out[32])
{
    if (s->fixed_now[0]) {
        memcpy(out, s->fixed_now, 32);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pki_srv_hex(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

char *pki_srv_b64(const uint8_t *p, size_t n)
{
    if (n > (SIZE_MAX - 8) / 4 * 3)
        return NULL;
    char *o = pki_malloc(4 * ((n + 2) / 3) + 1);
    if (o)
        pki_b64_encode(p, n, o);
    return o;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool pki_srv_date_ok(const char *s)
{
    size_t n = strlen(s);
    if (n != 10 && n != 20)
        return false;
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return false;
    int mo = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    if (n == 10)
        return true;
    if (s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
        !digits(s + 17, 2) || s[19] != 'Z')
        return false;
    int h = (s[11] - '0') * 10 + s[12] - '0', mi = (s[14] - '0') * 10 + s[15] - '0',
        se = (s[17] - '0') * 10 + s[18] - '0';
    return h < 24 && mi < 60 && se < 61;
}

bool pki_srv_lab_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}
