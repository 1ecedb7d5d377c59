/* Hashing (RFC 9162 section 2.1.1), strict base64 and the UTF-8 and key
 * name rules of C2SP signed-note, shared by the tree, note and checkpoint code. */
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"
#include "tlog_int.h"

const uint8_t pki_tlog_empty_root[PK_TLOG_HASH_LEN] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

pk_status pki_tlog_fail(pk_status st, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* The 0x00 and 0x01 prefixes separate leaves from interior nodes, so no leaf
 * can be passed off as a node (second preimage resistance, RFC 9162 2.1.1). */
void pk_tlog_leaf_hash(const uint8_t *data, size_t len, uint8_t out[PK_TLOG_HASH_LEN])
{
    static const uint8_t zero = 0;
    /* SHA256_Init() is deprecated in OpenSSL 3, and the one-shot SHA256()
     * cannot take the prefix without copying the data. */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(ctx, &zero, 1) == 1 &&
        (len == 0 || EVP_DigestUpdate(ctx, data, len) == 1) &&
        EVP_DigestFinal_ex(ctx, out, NULL) == 1) {
        EVP_MD_CTX_free(ctx);
        return;
    }
    /* Only an out-of-memory OpenSSL gets here: a hash nobody can match. */
    EVP_MD_CTX_free(ctx);
    memset(out, 0, PK_TLOG_HASH_LEN);
}

void pk_tlog_node_hash(const uint8_t left[PK_TLOG_HASH_LEN], const uint8_t right[PK_TLOG_HASH_LEN],
                       uint8_t out[PK_TLOG_HASH_LEN])
{
    uint8_t buf[1 + 2 * PK_TLOG_HASH_LEN];
    buf[0] = 0x01;
    memcpy(buf + 1, left, PK_TLOG_HASH_LEN);
    memcpy(buf + 1 + PK_TLOG_HASH_LEN, right, PK_TLOG_HASH_LEN);
    SHA256(buf, sizeof buf, out);
}

void pki_tlog_b64_encode(const uint8_t *in, size_t n, char *out)
{
    pki_b64_encode(in, n, out);
}

size_t pki_tlog_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
    return pki_b64_decode_strict(s, n, out, cap, 0);
}

/* Decodes one UTF-8 sequence at s[*i]; -1 when invalid. */
static long utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t need;
    long cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3, cp = c & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (n - *i <= need)
        return -1;
    for (size_t k = 1; k <= need; k++) {
        unsigned char d = u[*i + k];
        if ((d & 0xc0) != 0x80)
            return -1;
        cp = cp << 6 | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *i += need + 1;
    return cp;
}

bool pki_utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;)
        if (utf8_next(s, n, &i) < 0)
            return false;
    return true;
}

/* Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note applies to names. */
static bool is_space(long cp)
{
    return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

bool pki_note_name_valid(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n;) {
        long cp = utf8_next(s, n, &i);
        if (cp < 0x20 || cp == '+' || is_space(cp))
            return false;
    }
    return true;
}

uint32_t pki_note_key_id(const char *name, size_t n, const uint8_t pub[32])
{
    uint8_t h[SHA256_DIGEST_LENGTH];
    static const uint8_t sep[2] = {0x0a, 0x01};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, name, n) != 1 || EVP_DigestUpdate(ctx, sep, 2) != 1 ||
        EVP_DigestUpdate(ctx, pub, 32) != 1 || EVP_DigestFinal_ex(ctx, h, NULL) != 1)
        memset(h, 0, sizeof h);
    EVP_MD_CTX_free(ctx);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}
