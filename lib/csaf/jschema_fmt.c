/* The JSON Schema validator's leaves: ECMA-262 patterns compiled with PCRE2,
 * the "date-time" (RFC 3339) and "uri" (RFC 3986, absolute) formats, and
 * JSON equality for enum, const and uniqueItems. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jschema.h"

/* ECMA-262 WhiteSpace and LineTerminator, what \s means there (PCRE2's \s
 * without UCP is ASCII only; with UCP it differs on U+0085 and U+FEFF).
 * Written for PCRE2_ALT_BSUX, where \uhhhh is a code point. */
#define ECMA_WS                                                                                    \
    "\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
/* ECMA '.' without the s flag: anything but a line terminator. */
#define ECMA_DOT "[^\\n\\r\\u2028\\u2029]"

typedef struct obuf {
    char *p;
    size_t n, cap;
    int nomem;
} obuf;

static void put(obuf *o, const char *s, size_t n)
{
    if (o->nomem)
        return;
    if (!pki_grow((void **)&o->p, &o->cap, o->n + n + 1, 1)) {
        o->nomem = 1;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

#define PUTS(o, lit) put((o), (lit), sizeof(lit) - 1)

/* Rewrites the constructs whose ECMA meaning PCRE2 spells differently.
 * Returns 0 with err set for \S inside a larger character class (no single
 * PCRE2 class says "not ECMA white space, or ..."). */
static int translate(const char *p, obuf *o, char *err, size_t errlen)
{
    int in_class = 0;
    size_t class_at = 0;
    for (size_t i = 0; p[i];) {
        char c = p[i];
        if (c == '\\') {
            char d = p[i + 1];
            if (!d) {
                snprintf(err, errlen, "ends with a backslash");
                return 0;
            }
            if (d == 's' && in_class) {
                PUTS(o, ECMA_WS);
            } else if (d == 's') {
                PUTS(o, "[" ECMA_WS "]");
            } else if (d == 'S' && !in_class) {
                PUTS(o, "[^" ECMA_WS "]");
            } else if (d == 'S' && class_at + 1 == i && p[i + 2] == ']') {
                PUTS(o, "^" ECMA_WS); /* "[\S]": the '[' is written already */
            } else if (d == 'S') {
                snprintf(err, errlen, "\\S inside a character class is not supported");
                return 0;
            } else {
                put(o, p + i, 2);
            }
            i += 2;
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = 0;
            put(o, &c, 1);
        } else if (c == '[') {
            in_class = 1;
            class_at = i;
            put(o, &c, 1);
            if (p[i + 1] == '^') {
                PUTS(o, "^");
                class_at = SIZE_MAX; /* a negated [^\S] is not the simple case */
                i++;
            }
        } else if (c == '.') {
            PUTS(o, ECMA_DOT);
        } else {
            put(o, &c, 1);
        }
        i++;
    }
    return 1;
}

pcre2_code *pki_js_pattern(const char *ecma, char *err, size_t errlen)
{
    obuf o = {0};
    put(&o, "", 0); /* "" is a pattern too */
    if (!translate(ecma, &o, err, errlen)) {
        pki_free(o.p);
        return NULL;
    }
    if (o.nomem) {
        pki_free(o.p);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int ec;
    PCRE2_SIZE eo;
    /* DOLLAR_ENDONLY: ECMA's '$' never matches before a final newline;
     * ALT_BSUX: \uhhhh and two-digit \xhh as in ECMA; ALLOW_EMPTY_CLASS:
     * ECMA's "[]" matches nothing. No UCP: \d \w \b stay ASCII as in ECMA. */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)o.p, o.n,
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX |
                                       PCRE2_ALLOW_EMPTY_CLASS | PCRE2_NEVER_BACKSLASH_C,
                                   &ec, &eo, NULL);
    pki_free(o.p);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(err, errlen, "%s", (const char *)msg);
    }
    return re;
}

/* ---- formats ---- */

static int digits(const char *s, size_t n, size_t at, size_t k, int *val)
{
    if (at + k > n)
        return 0;
    int v = 0;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *val = v;
    return 1;
}

/* RFC 3339 section 5.6 date-time, with its section 5.7 limits (day of
 * month by year; a leap second only at 23:59 UTC). 'T' and 'Z' may be lower
 * case (section 5.6 note). */
int pki_js_datetime(const char *s, size_t n)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    if (!digits(s, n, 0, 4, &y) || n < 20 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, n, 11, 2, &h) || s[13] != ':' || !digits(s, n, 14, 2, &mi) || s[16] != ':' ||
        !digits(s, n, 17, 2, &sec))
        return 0;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return 0;
    if (h > 23 || mi > 59 || sec > 60)
        return 0;
    size_t i = 19;
    if (i < n && s[i] == '.') {
        size_t st = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == st)
            return 0;
    }
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '+' ? 1 : -1;
        if (!digits(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
            !digits(s, n, i + 4, 2, &om) || oh > 23 || om > 59)
            return 0;
        oh *= sign;
        om *= sign;
        i += 6;
    } else {
        return 0;
    }
    if (i != n)
        return 0;
    if (sec == 60) {
        int utc = ((h * 60 + mi - (oh * 60 + om)) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return 0;
    }
    return 1;
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_dig(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static int is_hex(unsigned char c)
{
    return is_dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int unreserved(unsigned char c)
{
    return is_alpha(c) || is_dig(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
static int sub_delim(unsigned char c)
{
    return c && strchr("!$&'()*+,;=", c) != NULL;
}

/* Each byte of s[a..b) is unreserved, a sub-delim, one of extra, or part of
 * a %HH escape. */
static int chars_ok(const char *s, size_t a, size_t b, const char *extra)
{
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= b)
                return 0;
            if (!is_hex((unsigned char)s[i + 1]) || !is_hex((unsigned char)s[i + 2]))
                return 0;
            i += 2;
        } else if (!unreserved(c) && !sub_delim(c) && !(c && strchr(extra, c))) {
            return 0;
        }
    }
    return 1;
}

static int host_ok(const char *s, size_t a, size_t b)
{
    if (a < b && s[a] == '[') {
        /* IP-literal: IPv6 (hex, ':' and a dotted IPv4 tail) or IPvFuture */
        if (s[b - 1] != ']' || b - a < 3)
            return 0;
        if (s[a + 1] == 'v' || s[a + 1] == 'V')
            return chars_ok(s, a + 2, b - 1, ":");
        for (size_t i = a + 1; i < b - 1; i++)
            if (!is_hex((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
                return 0;
        return 1;
    }
    return chars_ok(s, a, b, "");
}

/* RFC 3986 "URI": scheme ":" hier-part [ "?" query ] [ "#" fragment ]. */
int pki_js_uri(const char *s, size_t n)
{
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (i < n && (is_alpha((unsigned char)s[i]) || is_dig((unsigned char)s[i]) || s[i] == '+' ||
                     s[i] == '-' || s[i] == '.'))
        i++;
    if (i >= n || s[i] != ':')
        return 0;
    i++;
    size_t end = n, q;
    const char *hash = memchr(s + i, '#', n - i);
    if (hash) {
        end = (size_t)(hash - s);
        if (!chars_ok(s, end + 1, n, ":@/?"))
            return 0;
    }
    const char *qm = memchr(s + i, '?', end - i);
    q = qm ? (size_t)(qm - s) : end;
    if (qm && !chars_ok(s, q + 1, end, ":@/?"))
        return 0;
    size_t path = i;
    if (q - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        size_t a = i + 2, b = a;
        while (b < q && s[b] != '/')
            b++;
        path = b;
        const char *at = memchr(s + a, '@', b - a);
        if (at) {
            if (!chars_ok(s, a, (size_t)(at - s), ":"))
                return 0;
            a = (size_t)(at - s) + 1;
        }
        /* the port: digits after the last ':' that is not inside [...] */
        size_t hb = b;
        for (size_t k = b; k > a; k--) {
            if (s[k - 1] == ']')
                break;
            if (s[k - 1] == ':') {
                hb = k - 1;
                break;
            }
        }
        for (size_t k = hb + 1; k < b; k++)
            if (!is_dig((unsigned char)s[k]))
                return 0;
        if (!host_ok(s, a, hb))
            return 0;
    }
    return chars_ok(s, path, q, ":@/");
}

/* ---- equality ---- */

int pki_js_numcmp(json_t *a, json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) {
        json_int_t x = json_integer_value(a), y = json_integer_value(b);
        return x < y ? -1 : x > y;
    }
    double x = json_number_value(a), y = json_number_value(b);
    return x < y ? -1 : x > y;
}

int pki_js_equal(json_t *a, json_t *b, unsigned depth)
{
    if (depth > PK_CSAF_MAX_DEPTH + 16u)
        return 0;
    if (json_is_number(a) && json_is_number(b))
        return pki_js_numcmp(a, b) == 0;
    if (json_typeof(a) != json_typeof(b))
        return 0;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!pki_js_equal(json_array_get(a, i), json_array_get(b, i), depth + 1))
                return 0;
        return 1;
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v)
        {
            json_t *w = json_object_get(b, k);
            if (!w || !pki_js_equal(v, w, depth + 1))
                return 0;
        }
        return 1;
    }
    default:
        return 1; /* true, false, null */
    }
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

uint64_t pki_js_hash(json_t *a, unsigned depth)
{
    if (depth > PK_CSAF_MAX_DEPTH + 16u)
        return 0;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return mix(fnv(json_string_value(a), json_string_length(a)) ^ 1);
    case JSON_INTEGER:
    case JSON_REAL: {
        /* through double, so 1 and 1.0 hash alike; -0.0 is 0 */
        double d = json_number_value(a);
        if (d == 0)
            d = 0;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return mix(bits ^ 2);
    }
    case JSON_ARRAY: {
        uint64_t h = 3;
        for (size_t i = 0; i < json_array_size(a); i++)
            h = mix(h * 31 + pki_js_hash(json_array_get(a, i), depth + 1));
        return h;
    }
    case JSON_OBJECT: {
        uint64_t h = 4;
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v)
        {
            h += mix(fnv(k, strlen(k)) ^ pki_js_hash(v, depth + 1)); /* order-free */
        }
        return mix(h);
    }
    default:
        return mix(5u + (unsigned)json_typeof(a));
    }
}
