/* Hex and base64: shared by the analyzers that read integrity strings (npm,
 * .NET), keys (PEM, PuTTY) and the component records. */
#include "core_int.h"

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
