/* The hostile-input reader for CSAF documents: size, UTF-8 and nesting are
 * checked by one scan of the bytes before jansson parses them, so jansson's
 * own recursion never goes deeper than PK_CSAF_MAX_DEPTH; duplicate keys are
 * refused; the top level must be an object.
 *
 * Ownership: the json_t returned is the caller's (json_decref). */
#include <stdio.h>
#include <string.h>

#include "csaf_int.h"

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 when invalid:
 * overlong forms, surrogates and code points above U+10FFFF are refused. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* One pass: UTF-8 validity everywhere, and the nesting of [ and { outside
 * strings. Returns PK_OK or PK_E_FORMAT with err naming the byte offset. */
static pk_status scan(const uint8_t *d, size_t n, char *err, size_t errlen)
{
    size_t depth = 0;
    int in_str = 0, esc = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = d[i];
        if (c >= 0x80) {
            size_t l = utf8_seq(d + i, n - i);
            if (!l) {
                if (err && errlen)
                    snprintf(err, errlen, "byte %zu: invalid UTF-8 (0x%02x)", i, c);
                return PK_E_FORMAT;
            }
            i += l;
            esc = 0;
            continue;
        }
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > PK_CSAF_MAX_DEPTH) {
                if (err && errlen)
                    snprintf(err, errlen, "byte %zu: nesting deeper than %u arrays and objects", i,
                             PK_CSAF_MAX_DEPTH);
                return PK_E_FORMAT;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        i++;
    }
    return PK_OK;
}

/* jansson's position is just past the token it names at the end of its
 * text ("... near 'TOKEN'"); the token's first byte is what a reader wants. */
static size_t token_start(const json_error_t *je)
{
    size_t pos = je->position > 0 ? (size_t)je->position : 0;
    size_t tl = strnlen(je->text, sizeof je->text);
    const char *near = NULL;
    for (const char *p = strstr(je->text, " near '"); p; p = strstr(p + 1, " near '"))
        near = p;
    /* a text cut at jansson's buffer size has lost the token's end */
    if (!near || tl + 1 >= sizeof je->text || tl == 0 || je->text[tl - 1] != '\'')
        return pos;
    size_t tok = (size_t)(je->text + tl - 1 - (near + 7));
    return tok <= pos ? pos - tok : pos;
}

pk_status pki_csaf_load(const uint8_t *doc, size_t len, json_t **out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out || (!doc && len))
        return PK_E_MISUSE;
    *out = NULL;
    if (len > PK_CSAF_MAX_BYTES) {
        if (err && errlen)
            snprintf(err, errlen, "document of %zu bytes is larger than the limit of %u bytes", len,
                     PK_CSAF_MAX_BYTES);
        return PK_E_FORMAT;
    }
    if (len == 0) {
        if (err && errlen)
            snprintf(err, errlen, "byte 0: empty document");
        return PK_E_FORMAT;
    }
    pk_status st = scan(doc, len, err, errlen);
    if (st != PK_OK)
        return st;
    json_error_t je;
    json_t *j = json_loadb((const char *)doc, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        /* jansson answers NULL for allocation failure too; its text says so */
        if (err && errlen)
            snprintf(err, errlen, "byte %zu (line %d): %s", token_start(&je), je.line, je.text);
        return PK_E_FORMAT;
    }
    if (!json_is_object(j)) {
        size_t at = 0;
        while (at < len &&
               (doc[at] == ' ' || doc[at] == '\t' || doc[at] == '\n' || doc[at] == '\r'))
            at++;
        if (err && errlen)
            snprintf(err, errlen, "byte %zu: the top level is an array, not an object", at);
        json_decref(j);
        return PK_E_FORMAT;
    }
    *out = j;
    return PK_OK;
}
