/* RubyGems' Gem::Version (lib/rubygems/version.rb, RubyGems 3.x):
 * ANCHORED_VERSION_PATTERN for validity, "-" read as ".pre.", segments =
 * scan(/[0-9]+|[a-z]+/i), then canonical_segments and <=>. Segments are spans
 * of the input in a fixed array; numbers of any length compare by value, as
 * Ruby's Integer does. */
#include <string.h>

#include "version/version_int.h"

static int isdig(int c)
{
    return c >= '0' && c <= '9';
}
static int isalph(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int isalnum_(int c)
{
    return isdig(c) || isalph(c);
}
/* Ruby's \s (ASCII); the caller's bounds check already refuses all but ' ' */
static int isspace_(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

typedef struct {
    const char *p;
    unsigned short n;
    unsigned char str; /* 1: letters, 0: digits */
} gseg;

/* one segment per input byte at most */
typedef struct {
    gseg s[PKI_VER_MAX];
    size_t n;              /* segments */
    size_t e1, fs, e2, cn; /* canonical = s[0, e1) ++ s[fs, e2); cn = length */
} gver;

/* VERSION_PATTERN = [0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
 * on s[0, n); the '-' part cannot overlap the first, so one pass decides. */
static int gem_match(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && isdig((unsigned char)s[i]))
        i++;
    if (i == 0)
        return -1;
    while (i < n && s[i] == '.') {
        size_t st = ++i;
        while (i < n && isalnum_((unsigned char)s[i]))
            i++;
        if (i == st)
            return -1;
    }
    if (i < n && s[i] == '-') {
        i++;
        for (;;) {
            size_t st = i;
            while (i < n && (isalnum_((unsigned char)s[i]) || s[i] == '-'))
                i++;
            if (i == st)
                return -1;
            if (i < n && s[i] == '.') {
                i++;
                continue;
            }
            break;
        }
    }
    return i == n ? 0 : -1;
}

static int is_zero(const gseg *g)
{
    if (g->str)
        return 0;
    for (size_t k = 0; k < g->n; k++)
        if (g->p[k] != '0')
            return 0;
    return 1;
}

static int gem_parse(const char *s, gver *v)
{
    size_t n = strlen(s);
    while (n > 0 && isspace_((unsigned char)s[n - 1]))
        n--;
    while (n > 0 && isspace_((unsigned char)*s))
        s++, n--;
    /* RubyGems reads a blank string as "0"; we refuse it like "" (see docs) */
    if (n == 0 || n > PKI_VER_MAX || gem_match(s, n))
        return -1;
    v->n = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        gseg *g = &v->s[v->n];
        if (c == '-') { /* gsub("-", ".pre.") */
            g->p = "pre", g->n = 3, g->str = 1;
            v->n++, i++;
        } else if (isalnum_(c)) {
            size_t st = i;
            int dig = isdig(c);
            while (i < n && (dig ? isdig((unsigned char)s[i]) : isalph((unsigned char)s[i])))
                i++;
            g->p = s + st, g->n = (unsigned short)(i - st), g->str = (unsigned char)!dig;
            v->n++;
        } else {
            i++; /* '.' */
        }
    }
    /* canonical_segments: the numeric prefix and the rest (from the first
     * string segment on), each without its trailing zeros, concatenated */
    size_t fs = 0;
    while (fs < v->n && !v->s[fs].str)
        fs++;
    size_t e1 = fs, e2 = v->n;
    while (e1 > 0 && is_zero(&v->s[e1 - 1]))
        e1--;
    while (e2 > fs && is_zero(&v->s[e2 - 1]))
        e2--;
    v->e1 = e1, v->fs = fs, v->e2 = e2, v->cn = e1 + (e2 - fs);
    return 0;
}

static const gseg *canon(const gver *v, size_t i)
{
    static const gseg zero = {"0", 1, 0}; /* `lhsegments[i] || 0` */
    if (i >= v->cn)
        return &zero;
    return i < v->e1 ? &v->s[i] : &v->s[v->fs + i - v->e1];
}

int pki_vercmp_gem(const char *a, const char *b, int *out)
{
    gver va, vb;
    if (gem_parse(a, &va) || gem_parse(b, &vb))
        return -1;
    size_t lim = va.cn > vb.cn ? va.cn : vb.cn;
    for (size_t i = 0; i < lim; i++) {
        const gseg *x = canon(&va, i), *y = canon(&vb, i);
        int r;
        if (x->str != y->str) {
            r = x->str ? -1 : 1; /* a String is below any Numeric */
        } else if (!x->str) {
            r = pki_ver_numcmp(x->p, x->n, y->p, y->n);
        } else { /* String#<=>: bytewise, then the shorter first */
            size_t m = x->n < y->n ? x->n : y->n;
            r = memcmp(x->p, y->p, m);
            if (!r)
                r = (x->n > y->n) - (x->n < y->n);
        }
        if (r) {
            *out = (r > 0) - (r < 0);
            return 0;
        }
    }
    *out = 0;
    return 0;
}
