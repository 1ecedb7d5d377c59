/* Hex, base64 and vpath URIs: shared by the analyzers that read integrity
 * strings (npm, .NET), keys (PEM, PuTTY), the component records and the
 * SARIF writers (scan and assessment). */
#include "core_int.h"

#include <stdint.h>
#include <string.h>

void pki_hex(const uint8_t *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int b64val(unsigned char c, unsigned flags)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || (c == '-' && (flags & PKI_B64_URL)))
        return 62;
    if (c == '/' || (c == '_' && (flags & PKI_B64_URL)))
        return 63;
    return -1;
}

size_t pki_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, unsigned flags)
{
    uint32_t acc = 0;
    unsigned nb = 0;
    size_t w = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        int v = b64val((unsigned char)s[i], flags);
        if (v < 0) {
            if (flags & PKI_B64_SKIP)
                continue;
            return SIZE_MAX;
        }
        acc = acc << 6 | (uint32_t)v;
        nb += 6;
        if (nb >= 8) {
            nb -= 8;
            if (w < cap)
                out[w] = (uint8_t)(acc >> nb);
            w++;
            acc &= (1u << nb) - 1u;
        }
    }
    return w;
}

/* 0..63, or -1; *alpha records the alphabet seen (1 standard, 2 URL-safe). */
static int b64strict(unsigned char c, unsigned flags, int *alpha)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    int want = (c == '+' || c == '/')                              ? 1
               : ((c == '-' || c == '_') && (flags & PKI_B64_URL)) ? 2
                                                                   : 0;
    if (!want || (*alpha && *alpha != want))
        return -1;
    *alpha = want;
    return (c == '+' || c == '-') ? 62 : 63;
}

size_t pki_b64_decode_strict(const char *s, size_t n, uint8_t *out, size_t cap, unsigned flags)
{
    size_t pad = 0;
    if (n >= 1 && s[n - 1] == '=')
        pad = (n >= 2 && s[n - 2] == '=') ? 2 : 1;
    /* padding completes a quantum; without it the length must still be one */
    if (pad ? n % 4 != 0 : (n % 4 != 0 && !(flags & PKI_B64_UNPADDED)))
        return SIZE_MAX;
    size_t data = n - pad;
    if (data % 4 == 1)
        return SIZE_MAX;
    if (data / 4 * 3 + (data % 4 ? data % 4 - 1 : 0) > cap)
        return SIZE_MAX;
    uint32_t acc = 0;
    unsigned bits = 0;
    int alpha = 0;
    size_t w = 0;
    for (size_t i = 0; i < data; i++) {
        int v = b64strict((unsigned char)s[i], flags, &alpha);
        if (v < 0)
            return SIZE_MAX;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[w++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    return acc ? SIZE_MAX : w; /* the unused bits of the last quantum are zero */
}

void pki_b64_encode(const uint8_t *in, size_t n, char *out)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t w = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[w++] = b64[v >> 18];
        out[w++] = b64[(v >> 12) & 63];
        out[w++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        out[w++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[w] = '\0';
}

/* RFC 4122 layout: the content-derived uuid carries version 8 (custom), a
 * random one version 4; both the 10xx variant. */
void pki_uuid_format(unsigned char b[16], unsigned version, char out[40])
{
    static const char hx[] = "0123456789abcdef";
    b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[b[i] >> 4];
        out[o++] = hx[b[i] & 15];
    }
    out[o] = 0;
}

/* RFC 3986: a vpath becomes a relative reference whose decoding is the vpath.
 * Kept: unreserved, sub-delims ('!' of "a.zip!/b" stays readable), ':', '@',
 * '/'. Everything else, '%' included, is %XX, so a vpath's own escapes
 * ("%21" for a '!' in an entry name) survive decoding. A ':' before the first
 * '/' is escaped too, or the reference would parse as a scheme, and so is the
 * second '/' of a leading "//", or it would parse as an authority. */
char *pki_vpath_uri(const char *vpath)
{
    static const char keep[] = "-._~!$&'()*+,;=:@/";
    static const char hx[] = "0123456789ABCDEF";
    size_t n = strlen(vpath);
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = pki_malloc(3 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int first_seg = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)vpath[i];
        if (c == '/')
            first_seg = 0;
        int authority = i == 1 && c == '/' && vpath[0] == '/'; /* a leading "//" */
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (c && strchr(keep, c));
        if (ok && !(c == ':' && first_seg) && !authority) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hx[c >> 4];
            out[o++] = hx[c & 15];
        }
    }
    out[o] = 0;
    return out;
}

bool pki_is_hex64(const char *s)
{
    if (!s)
        return false;
    size_t i = 0;
    for (; i < 64 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')); i++)
        ;
    return i == 64 && s[64] == '\0';
}
