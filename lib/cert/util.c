/* lib/cert helpers: strict base64, strict JSON loading, RFC 3339 UTC times,
 * the DSSE pre-authentication encoding. Every decoder here refuses rather
 * than repairs: a certificate has one spelling. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cert/cert_int.h"

char *pki_cert_b64(const uint8_t *b, size_t n)
{
    if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
        return NULL;
    char *o = pki_malloc((n + 2) / 3 * 4 + 1);
    if (o)
        pki_b64_encode(b, n, o);
    return o;
}

/* DSSE allows either alphabet, with or without padding; one spelling of
 * each is accepted (lib/core/codec.c). */
uint8_t *pki_cert_unb64(const char *s, size_t n, size_t *outlen)
{
    size_t cap = n / 4 * 3 + 3;
    uint8_t *o = pki_malloc(cap + 1);
    if (!o)
        return NULL;
    size_t on = pki_b64_decode_strict(s, n, o, cap, PKI_B64_URL | PKI_B64_UNPADDED);
    if (on == SIZE_MAX) {
        pki_free(o);
        return NULL;
    }
    o[on] = 0;
    *outlen = on;
    return o;
}

json_t *pki_cert_json(const char *buf, size_t len, size_t max, const char *label, char *err,
                      size_t errlen)
{
    if (!buf || len == 0) {
        pki_cert_err(err, errlen, "%s: empty", label);
        return NULL;
    }
    if (len > max) {
        pki_cert_err(err, errlen, "%s: %zu bytes, over the limit of %zu", label, len, max);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        pki_cert_err(err, errlen, "%s: invalid JSON at line %d column %d: %s", label, je.line,
                     je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        pki_cert_err(err, errlen, "%s: not a JSON object", label);
        return NULL;
    }
    return j;
}

const char *pki_cert_str(const json_t *o, const char *key, size_t maxlen, bool optional,
                         const char *label, char *err, size_t errlen)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (!optional)
            pki_cert_err(err, errlen, "%s: \"%s\" is missing", label, key);
        return NULL;
    }
    if (!json_is_string(v)) {
        pki_cert_err(err, errlen, "%s: \"%s\" is not a string", label, key);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n > maxlen || strlen(s) != n) {
        pki_cert_err(err, errlen, "%s: \"%s\" is empty, longer than %zu or holds NUL", label, key,
                     maxlen);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            pki_cert_err(err, errlen, "%s: \"%s\" holds a control character", label, key);
            return NULL;
        }
    return s;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no timegm: it
 * depends on the C library and on TZ handling). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int pki_cert_time_parse(const char *s, bool end_of_day, int64_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s)
        return -1;
    size_t n = strlen(s);
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (n != 10 && n != 20)
        return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    if (n == 20) {
        if (s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
            s[16] != ':' || digits(s + 17, 2, &se) || s[19] != 'Z' || h > 23 || mi > 59 || se > 59)
            return -1;
    } else if (end_of_day) {
        h = 23, mi = 59, se = 59;
    }
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

void pki_cert_time_fmt(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int64_t pki_cert_now(void)
{
    return (int64_t)time(NULL);
}

uint8_t *pki_cert_pae(const char *type, const uint8_t *body, size_t n, size_t *outlen)
{
    size_t tl = strlen(type);
    char head[96];
    int hl = snprintf(head, sizeof head, "DSSEv1 %zu ", tl);
    char mid[32];
    int ml = snprintf(mid, sizeof mid, " %zu ", n);
    if (hl < 0 || ml < 0 || tl > SIZE_MAX / 2 || n > SIZE_MAX / 2)
        return NULL;
    size_t total = (size_t)hl + tl + (size_t)ml + n;
    uint8_t *o = pki_malloc(total ? total : 1);
    if (!o)
        return NULL;
    memcpy(o, head, (size_t)hl);
    memcpy(o + hl, type, tl);
    memcpy(o + hl + tl, mid, (size_t)ml);
    if (n)
        memcpy(o + hl + tl + ml, body, n);
    *outlen = total;
    return o;
}

void pki_cert_sha256(const void *b, size_t n, uint8_t out[32])
{
    unsigned int ol = 32;
    if (!EVP_Digest(b, n, out, &ol, EVP_sha256(), NULL))
        memset(out, 0, 32);
}

bool pki_cert_ed25519_verify(const pk_key *k, const uint8_t *msg, size_t n, const uint8_t *sig,
                             size_t siglen)
{
    if (!k || siglen != 64)
        return false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return false;
    bool ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
              EVP_DigestVerify(ctx, sig, siglen, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}
