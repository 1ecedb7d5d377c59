/* Package URL: build a canonical purl from its components and parse one back,
 * following PURL-SPECIFICATION.rst ("How to build", "How to parse") and the
 * type rules of PURL-TYPES.rst. No allocation, no recursion; every read of the
 * input is bounded by PKI_IDENT_MAX. */
#include "ident/ident_buf.h"

#include <stdbool.h>
#include <string.h>

static char lc(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Type-specific normalisation (PURL-TYPES.rst). */
enum {
    NORM_NS = 1,      /* namespace is lowercased */
    NORM_NAME = 2,    /* name is lowercased */
    NORM_PYPI = 4,    /* name lowercased, '_' becomes '-' */
    NORM_VERSION = 8, /* version is lowercased */
};

static const struct {
    const char *type;
    unsigned norm;
} type_rules[] = {
    {"alpm", NORM_NS | NORM_NAME},
    {"apk", NORM_NS | NORM_NAME},
    {"bitbucket", NORM_NS | NORM_NAME},
    {"bitnami", NORM_NAME},
    {"composer", NORM_NS | NORM_NAME},
    {"deb", NORM_NS | NORM_NAME},
    {"github", NORM_NS | NORM_NAME},
    {"golang", NORM_NS | NORM_NAME},
    {"hex", NORM_NS | NORM_NAME},
    {"huggingface", NORM_VERSION},
    {"npm", NORM_NS | NORM_NAME},
    {"oci", NORM_NAME},
    {"pub", NORM_NAME},
    {"pypi", NORM_PYPI},
    {"qpkg", NORM_NS},
    {"rpm", NORM_NS},
};

/* type is already lowercase. */
static unsigned type_norm(const char *type)
{
    for (size_t i = 0; i < sizeof type_rules / sizeof type_rules[0]; i++)
        if (strcmp(type_rules[i].type, type) == 0)
            return type_rules[i].norm;
    return 0;
}

static char norm_c(char c, unsigned norm, unsigned which)
{
    if (norm & which & (NORM_NS | NORM_NAME | NORM_VERSION))
        return lc(c);
    if ((norm & NORM_PYPI) && which == NORM_NAME)
        return c == '_' ? '-' : lc(c);
    return c;
}

/* type: ASCII letters, digits, '.', '+', '-'; not empty, not starting with a
 * digit. Checked case-insensitively over n bytes. */
static bool type_ok(const char *t, size_t n)
{
    if (n == 0 || is_digit(t[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(t[i]) && t[i] != '.' && t[i] != '+' && t[i] != '-')
            return false;
    return true;
}

/* qualifier key: ASCII letters, digits, '.', '-', '_'; not starting with a digit. */
static bool key_ok(const char *k, size_t n)
{
    if (n == 0 || is_digit(k[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(k[i]) && k[i] != '.' && k[i] != '-' && k[i] != '_')
            return false;
    return true;
}

static int key_cmp(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && lc(a[i]) == lc(b[i]) && i < PKI_IDENT_MAX)
        i++;
    return (unsigned char)lc(a[i]) - (unsigned char)lc(b[i]);
}

/* Percent-encodes n bytes of s: letters, digits, ".-_~" and ':' stay as they
 * are ("the ':' separator ... must NOT be encoded"), '/' stays only when
 * keep_slash (qualifier values); every other byte becomes %XX. */
static void enc(wbuf *w, const char *s, size_t n, unsigned norm, unsigned which, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        char c = norm_c(s[i], norm, which);
        if (is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':' ||
            (c == '/' && keep_slash)) {
            put_c(w, c);
        } else {
            unsigned char u = (unsigned char)c;
            put_c(w, '%');
            put_c(w, hex[u >> 4]);
            put_c(w, hex[u & 15]);
        }
    }
}

/* Type-specific required components (PURL-TYPES.rst and the test suite). */
static bool type_complete(const char *type, bool has_ns, bool has_version, bool has_channel,
                          bool has_tag_id)
{
    if (strcmp(type, "conan") == 0)
        return has_ns == has_channel;
    if (strcmp(type, "cran") == 0)
        return has_version;
    if (strcmp(type, "swift") == 0)
        return has_ns && has_version;
    if (strcmp(type, "swid") == 0)
        return has_tag_id;
    return true;
}

/* Appends the '/'-separated segments of s[0..n) with empty segments dropped
 * (and "." and ".." when drop_dots), each encoded. Returns the segment count. */
static size_t enc_segments(wbuf *w, const char *s, size_t n, unsigned norm, unsigned which,
                           bool drop_dots)
{
    size_t i = 0, nseg = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        size_t l = j - i;
        bool dot = (l == 1 && s[i] == '.') || (l == 2 && s[i] == '.' && s[i + 1] == '.');
        if (l > 0 && !(drop_dots && dot)) {
            if (nseg++)
                put_c(w, '/');
            enc(w, s + i, l, norm, which, false);
        }
        i = j + 1;
    }
    return nseg;
}

pk_status pki_purl_build(const pki_purl *p, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return PK_E_MISUSE;
    out[0] = 0;
    if (!p)
        return PK_E_MISUSE;
    size_t tl = blen(p->type), nsl = blen(p->ns), nl = blen(p->name), vl = blen(p->version),
           sl = blen(p->subpath);
    if (tl > PKI_IDENT_MAX || nsl > PKI_IDENT_MAX || nl > PKI_IDENT_MAX || vl > PKI_IDENT_MAX ||
        sl > PKI_IDENT_MAX || p->nquals > PKI_PURL_MAX_QUALS)
        return PK_E_USAGE;
    if (!type_ok(p->type, tl) || nl == 0)
        return PK_E_USAGE;
    /* lowercase copy for the rule lookups; no known type is this long */
    char type[32] = "";
    for (size_t i = 0; i < tl && tl < sizeof type; i++)
        type[i] = lc(p->type[i]);
    unsigned norm = type_norm(type);

    /* qualifiers: drop empty values, check keys, sort by lowercased key */
    size_t ord[PKI_PURL_MAX_QUALS], nq = 0;
    bool has_channel = false, has_tag_id = false;
    for (size_t i = 0; i < p->nquals; i++) {
        const pki_purl_qual *q = &p->quals[i];
        size_t kl = blen(q->key), ql = blen(q->value);
        if (kl > PKI_IDENT_MAX || ql > PKI_IDENT_MAX || !key_ok(q->key ? q->key : "", kl))
            return PK_E_USAGE;
        if (ql == 0)
            continue;
        size_t at = nq;
        for (size_t k = 0; k < nq; k++) {
            int c = key_cmp(q->key, p->quals[ord[k]].key);
            if (c == 0)
                return PK_E_USAGE; /* "key must be unique" */
            if (c < 0 && at == nq)
                at = k;
        }
        memmove(ord + at + 1, ord + at, (nq - at) * sizeof ord[0]);
        ord[at] = i;
        nq++;
        has_channel |= key_cmp(q->key, "channel") == 0;
        has_tag_id |= key_cmp(q->key, "tag_id") == 0;
    }

    wbuf w = {out, outlen, 0, false};
    put_s(&w, "pkg:");
    for (size_t i = 0; i < tl; i++)
        put_c(&w, lc(p->type[i]));
    put_c(&w, '/');
    size_t mark = w.len;
    size_t nseg = enc_segments(&w, p->ns, nsl, norm, NORM_NS, false);
    if (nseg)
        put_c(&w, '/');
    else
        w.len = mark;
    enc(&w, p->name, nl, norm, NORM_NAME, false);
    if (vl) {
        put_c(&w, '@');
        enc(&w, p->version, vl, norm, NORM_VERSION, false);
    }
    for (size_t k = 0; k < nq; k++) {
        const pki_purl_qual *q = &p->quals[ord[k]];
        put_c(&w, k ? '&' : '?');
        for (size_t i = 0; q->key[i]; i++)
            put_c(&w, lc(q->key[i]));
        put_c(&w, '=');
        enc(&w, q->value, blen(q->value), 0, 0, true);
    }
    mark = w.len;
    bool over = w.over;
    put_c(&w, '#');
    if (enc_segments(&w, p->subpath, sl, 0, 0, true) == 0) {
        w.len = mark; /* only the '#' was written: take it back */
        w.over = over;
    }
    if (w.over) {
        out[0] = 0;
        return PK_E_MISUSE;
    }
    out[w.len] = 0;
    if (!type_complete(type, nseg > 0, vl > 0, has_channel, has_tag_id)) {
        out[0] = 0;
        return PK_E_USAGE;
    }
    return PK_OK;
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) onto w. False on a bad escape or a decoded NUL. */
static bool dec(wbuf *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            put_c(w, s[i]);
            continue;
        }
        if (i + 2 >= n)
            return false;
        int hi = hexv(s[i + 1]), lo = hexv(s[i + 2]);
        if (hi < 0 || lo < 0 || (hi | lo) == 0)
            return false;
        put_c(w, (char)(hi << 4 | lo));
        i += 2;
    }
    return true;
}

/* Decodes the '/'-separated segments of s[0..n) joined by '/', dropping empty
 * ones (and "." and ".." when subpath). A decoded segment must not contain '/'
 * (nor be "." or ".." in a subpath). Returns the start of the field in w, or
 * NULL on invalid input; an empty field gives "". */
static const char *dec_segments(wbuf *w, const char *s, size_t n, bool subpath, bool *bad)
{
    size_t start = w->len, i = 0, nseg = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        size_t l = j - i;
        bool dot = (l == 1 && s[i] == '.') || (l == 2 && s[i] == '.' && s[i + 1] == '.');
        if (l > 0 && !(subpath && dot)) {
            if (nseg++)
                put_c(w, '/');
            size_t seg = w->len;
            if (!dec(w, s + i, l))
                *bad = true;
            if (!w->over) {
                const char *d = w->p + seg;
                size_t dl = w->len - seg;
                if (memchr(d, '/', dl) || (subpath && ((dl == 1 && d[0] == '.') ||
                                                       (dl == 2 && d[0] == '.' && d[1] == '.'))))
                    *bad = true;
            }
        }
        i = j + 1;
    }
    put_c(w, 0); /* keeps the NUL: the next field starts after it */
    return w->over ? NULL : w->p + start;
}

/* Decodes s[0..n) as one field, NUL-terminated in w. */
static const char *dec_field(wbuf *w, const char *s, size_t n, bool *bad)
{
    size_t start = w->len;
    if (!dec(w, s, n))
        *bad = true;
    put_c(w, 0);
    return w->over ? NULL : w->p + start;
}

static size_t rfind(const char *s, size_t n, char c)
{
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == c)
            return i - 1;
    return n;
}

static void norm_field(char *s, unsigned norm, unsigned which)
{
    for (; *s; s++)
        *s = norm_c(*s, norm, which);
}

pk_status pki_purl_parse(const char *s, pki_purl *out, char *buf, size_t buflen)
{
    if (!out)
        return PK_E_MISUSE;
    memset(out, 0, sizeof *out);
    if (!s || !buf || buflen == 0)
        return PK_E_MISUSE;
    buf[0] = 0;
    size_t n = blen(s);
    if (n > PKI_IDENT_MAX)
        return PK_E_USAGE;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return PK_E_USAGE; /* a purl is an ASCII URL: no spaces or controls */
    wbuf w = {buf, buflen, 0, false};
    bool bad = false;
    pki_purl r;
    memset(&r, 0, sizeof r);

    /* subpath: right of the last '#' */
    size_t hash = rfind(s, n, '#');
    if (hash < n)
        r.subpath = dec_segments(&w, s + hash + 1, n - hash - 1, true, &bad);
    size_t rem = hash;

    /* qualifiers: right of the last '?' */
    size_t qm = rfind(s, rem, '?');
    if (qm < rem) {
        size_t i = qm + 1;
        while (i < rem && !bad && !w.over) {
            size_t j = i;
            while (j < rem && s[j] != '&')
                j++;
            if (j > i) {
                size_t eq = i;
                while (eq < j && s[eq] != '=')
                    eq++;
                if (eq == j || !key_ok(s + i, eq - i) || r.nquals == PKI_PURL_MAX_QUALS) {
                    bad = true;
                    break;
                }
                const char *k = dec_field(&w, s + i, eq - i, &bad);
                const char *v = dec_field(&w, s + eq + 1, j - eq - 1, &bad);
                if (!k || !v)
                    break;
                norm_field((char *)k, NORM_NAME, NORM_NAME);
                for (size_t q = 0; q < r.nquals; q++)
                    if (strcmp(r.quals[q].key, k) == 0)
                        bad = true; /* "key must be unique" */
                if (*v) {           /* an empty value is no pair at all */
                    r.quals[r.nquals].key = k;
                    r.quals[r.nquals].value = v;
                    r.nquals++;
                }
            }
            i = j + 1;
        }
        rem = qm;
    }

    /* scheme: left of the first ':', "pkg" in any case */
    size_t colon = 0;
    while (colon < rem && s[colon] != ':')
        colon++;
    if (colon != 3 || lc(s[0]) != 'p' || lc(s[1]) != 'k' || lc(s[2]) != 'g')
        bad = true;
    size_t b = colon + 1, e = rem;
    while (b < e && s[b] == '/')
        b++;
    while (e > b && s[e - 1] == '/')
        e--;

    /* type: up to the first '/', which must exist (a name follows) */
    size_t t = b;
    while (t < e && s[t] != '/')
        t++;
    if (bad || t == e || !type_ok(s + b, t - b)) {
        memset(out, 0, sizeof *out);
        buf[0] = 0;
        return w.over ? PK_E_MISUSE : PK_E_USAGE;
    }
    r.type = dec_field(&w, s + b, t - b, &bad);
    if (r.type)
        norm_field((char *)r.type, NORM_NAME, NORM_NAME);

    /* version: right of the last '@' */
    size_t rb = t + 1, re = e;
    size_t at = rfind(s + rb, re - rb, '@');
    if (at < re - rb) {
        r.version = dec_field(&w, s + rb + at + 1, re - rb - at - 1, &bad);
        re = rb + at;
    }
    /* name: right of the last '/'; the rest is the namespace */
    size_t sl = rfind(s + rb, re - rb, '/');
    size_t nb = sl < re - rb ? rb + sl + 1 : rb;
    r.name = dec_field(&w, s + nb, re - nb, &bad);
    if (nb > rb)
        r.ns = dec_segments(&w, s + rb, nb - 1 - rb, false, &bad);

    if (w.over || bad || !r.type || !r.name || !r.name[0]) {
        memset(out, 0, sizeof *out);
        buf[0] = 0;
        return w.over ? PK_E_MISUSE : PK_E_USAGE;
    }
    unsigned norm = type_norm(r.type);
    norm_field((char *)r.name, norm, NORM_NAME);
    if (r.ns)
        norm_field((char *)r.ns, norm, NORM_NS);
    if (r.version)
        norm_field((char *)r.version, norm, NORM_VERSION);
    bool has_channel = false, has_tag_id = false;
    for (size_t q = 0; q < r.nquals; q++) {
        has_channel |= strcmp(r.quals[q].key, "channel") == 0;
        has_tag_id |= strcmp(r.quals[q].key, "tag_id") == 0;
    }
    if (!type_complete(r.type, r.ns && r.ns[0], r.version && r.version[0], has_channel,
                       has_tag_id)) {
        memset(out, 0, sizeof *out);
        buf[0] = 0;
        return PK_E_USAGE;
    }
    *out = r;
    return PK_OK;
}
