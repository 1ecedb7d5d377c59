/* Language ecosystem version orders: SemVer 2.0.0 (npm, cargo), Go module
 * versions (golang.org/x/mod/semver), NuGet (SemVer 2 + 4-part legacy) and
 * PEP 440 (with the spec's normalisation of alternative spellings). */
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
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}
static int sgn(int v)
{
    return (v > 0) - (v < 0);
}

typedef struct {
    const char *p;
    size_t n;
} span;

/* ---- SemVer / Go / NuGet ---- */

typedef struct {
    span num[4]; /* missing parts are "0" */
    span pre;    /* without '-'; n == 0: no pre-release */
} sv;

static const span ZERO = {"0", 1};

/* A dot-separated identifier list [0-9A-Za-z-]+(.[0-9A-Za-z-]+)*;
 * strict_num: numeric identifiers must not have leading zeros. Returns the
 * length consumed, 0 if malformed. */
static size_t ident_list(const char *s, int strict_num)
{
    size_t i = 0;
    for (;;) {
        size_t st = i;
        int alldig = 1;
        while (isdig((unsigned char)s[i]) || isalph((unsigned char)s[i]) || s[i] == '-') {
            if (!isdig((unsigned char)s[i]))
                alldig = 0;
            i++;
        }
        if (i == st)
            return 0;
        if (strict_num && alldig && i - st > 1 && s[st] == '0')
            return 0;
        if (s[i] != '.')
            return i;
        i++;
    }
}

/* mode 0: SemVer, 1: Go, 2: NuGet */
static int sv_parse(const char *s, int mode, sv *v)
{
    if (mode != 2 && s[0] == 'v')
        s++;
    size_t k = 0;
    int parts = 0;
    for (; parts < 4; parts++) {
        size_t st = k;
        while (isdig((unsigned char)s[k]))
            k++;
        if (k == st || k - st > 64)
            return -1;
        if (mode != 2 && k - st > 1 && s[st] == '0')
            return -1;
        v->num[parts] = (span){s + st, k - st};
        if (s[k] != '.' || parts == (mode == 2 ? 3 : 2))
            break;
        k++;
    }
    parts++;
    for (int p = parts; p < 4; p++)
        v->num[p] = ZERO;
    v->pre = (span){"", 0};
    if (mode == 0 && parts != 3)
        return -1;
    /* Go accepts the shorthands v1 and v1.2 only without suffixes */
    if (mode == 1 && parts != 3)
        return s[k] ? -1 : 0;
    if (s[k] == '-') {
        size_t l = ident_list(s + k + 1, mode != 2);
        if (!l)
            return -1;
        v->pre = (span){s + k + 1, l};
        k += 1 + l;
    }
    if (s[k] == '+') {
        size_t l = ident_list(s + k + 1, 0);
        if (!l)
            return -1;
        k += 1 + l;
    }
    return s[k] ? -1 : 0;
}

/* Pre-release precedence (SemVer 11.4): numeric identifiers numerically and
 * below alphanumeric ones, the rest in ASCII order (NuGet: ignoring case),
 * a longer list wins a tie. */
static int pre_cmp(span a, span b, int icase)
{
    if (!a.n || !b.n)
        return (a.n == 0) - (b.n == 0);
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= a.n || j >= b.n)
            return (i < a.n) - (j < b.n);
        size_t ei = i, ej = j;
        int na = 1, nb = 1;
        while (ei < a.n && a.p[ei] != '.')
            na &= isdig((unsigned char)a.p[ei++]);
        while (ej < b.n && b.p[ej] != '.')
            nb &= isdig((unsigned char)b.p[ej++]);
        int r;
        if (na && nb) {
            r = pki_ver_numcmp(a.p + i, ei - i, b.p + j, ej - j);
        } else if (na != nb) {
            r = na ? -1 : 1;
        } else {
            size_t la = ei - i, lb = ej - j, m = la < lb ? la : lb;
            r = 0;
            for (size_t k = 0; k < m && !r; k++) {
                int x = (unsigned char)a.p[i + k], y = (unsigned char)b.p[j + k];
                if (icase)
                    x = lower(x), y = lower(y);
                r = sgn(x - y);
            }
            if (!r && la != lb)
                r = la < lb ? -1 : 1;
        }
        if (r)
            return r;
        i = ei + 1, j = ej + 1;
    }
}

int pki_vercmp_semver(const char *a, const char *b, int go, int *out)
{
    sv x, y;
    if (sv_parse(a, go ? 1 : 0, &x) || sv_parse(b, go ? 1 : 0, &y))
        return -1;
    int r = 0;
    for (int p = 0; p < 3 && !r; p++)
        r = pki_ver_numcmp(x.num[p].p, x.num[p].n, y.num[p].p, y.num[p].n);
    if (!r)
        r = pre_cmp(x.pre, y.pre, 0);
    *out = r;
    return 0;
}

int pki_vercmp_nuget(const char *a, const char *b, int *out)
{
    sv x, y;
    if (sv_parse(a, 2, &x) || sv_parse(b, 2, &y))
        return -1;
    int r = 0;
    for (int p = 0; p < 4 && !r; p++) {
        /* NuGet parts are Int32 */
        if (pki_ver_numcmp(x.num[p].p, x.num[p].n, "2147483647", 10) > 0 ||
            pki_ver_numcmp(y.num[p].p, y.num[p].n, "2147483647", 10) > 0)
            return -1;
        r = pki_ver_numcmp(x.num[p].p, x.num[p].n, y.num[p].p, y.num[p].n);
    }
    if (!r)
        r = pre_cmp(x.pre, y.pre, 1);
    *out = r;
    return 0;
}

/* ---- PEP 440 ---- */

typedef struct {
    span epoch;
    const char *rel; /* release segment, dot-separated digits */
    size_t reln;
    int pre_l; /* -1 none, 0 a, 1 b, 2 rc */
    span pre_n, post_n, dev_n;
    int has_post, has_dev;
    span local;
} pep;

static size_t word(const char *s, const char *const *words, size_t nw, size_t *which)
{
    for (size_t k = 0; k < nw; k++) {
        size_t l = strlen(words[k]), i = 0;
        while (i < l && lower((unsigned char)s[i]) == words[k][i])
            i++;
        if (i == l) {
            *which = k;
            return l;
        }
    }
    return 0;
}

static int issep(int c)
{
    return c == '-' || c == '_' || c == '.';
}

static size_t digits(const char *s, span *out)
{
    size_t i = 0;
    while (isdig((unsigned char)s[i]))
        i++;
    *out = i ? (span){s, i} : ZERO;
    return i;
}

/* The canonical regular expression of PEP 440 (appendix B), case-insensitive,
 * walked by hand: v? (N!)? N(.N)* pre? post? dev? (+local)? */
static int pep_parse(const char *s, pep *v)
{
    static const char *const prew[] = {"alpha", "beta", "preview", "pre", "rc", "a", "b", "c"};
    static const int prel[] = {0, 1, 2, 2, 2, 0, 1, 2};
    static const char *const postw[] = {"post", "rev", "r"};
    static const char *const devw[] = {"dev"};
    memset(v, 0, sizeof *v);
    v->pre_l = -1;
    v->epoch = ZERO;
    size_t k = 0, w, l;
    if (lower((unsigned char)s[0]) == 'v')
        k++;
    span d;
    size_t dn = digits(s + k, &d);
    if (!dn)
        return -1;
    if (s[k + dn] == '!') {
        v->epoch = d;
        k += dn + 1;
        if (!digits(s + k, &d))
            return -1;
    }
    v->rel = s + k;
    while (isdig((unsigned char)s[k])) {
        while (isdig((unsigned char)s[k]))
            k++;
        if (s[k] == '.' && isdig((unsigned char)s[k + 1]))
            k++;
    }
    v->reln = (size_t)(s + k - v->rel);
    /* pre: [-_.]? letters [-_.]? N? */
    size_t o = issep((unsigned char)s[k]) ? 1 : 0;
    if ((l = word(s + k + o, prew, 8, &w)) != 0) {
        k += o + l;
        v->pre_l = prel[w];
        size_t o2 = issep((unsigned char)s[k]) ? 1 : 0;
        size_t n = digits(s + k + o2, &v->pre_n);
        k += n ? o2 + n : o2;
    }
    /* post: -N | [-_.]? (post|rev|r) [-_.]? N? */
    if (s[k] == '-' && isdig((unsigned char)s[k + 1])) {
        v->has_post = 1;
        k += 1 + digits(s + k + 1, &v->post_n);
    } else {
        o = issep((unsigned char)s[k]) ? 1 : 0;
        if ((l = word(s + k + o, postw, 3, &w)) != 0) {
            k += o + l;
            v->has_post = 1;
            size_t o2 = issep((unsigned char)s[k]) ? 1 : 0;
            size_t n = digits(s + k + o2, &v->post_n);
            k += n ? o2 + n : o2;
        }
    }
    /* dev: [-_.]? dev [-_.]? N? */
    o = issep((unsigned char)s[k]) ? 1 : 0;
    if ((l = word(s + k + o, devw, 1, &w)) != 0) {
        k += o + l;
        v->has_dev = 1;
        size_t o2 = issep((unsigned char)s[k]) ? 1 : 0;
        size_t n = digits(s + k + o2, &v->dev_n);
        k += n ? o2 + n : o2;
    }
    /* local: + [a-z0-9]+ ([-_.][a-z0-9]+)* */
    if (s[k] == '+') {
        k++;
        v->local.p = s + k;
        for (;;) {
            size_t st = k;
            while (isdig((unsigned char)s[k]) || isalph((unsigned char)s[k]))
                k++;
            if (k == st)
                return -1;
            if (!issep((unsigned char)s[k]))
                break;
            k++;
        }
        v->local.n = (size_t)(s + k - v->local.p);
    }
    return s[k] ? -1 : 0;
}

/* Release segments compare with trailing zeros dropped (1.0 == 1.0.0). */
static int rel_cmp(const pep *x, const pep *y)
{
    size_t i = 0, j = 0;
    for (;;) {
        size_t ei = i, ej = j;
        while (ei < x->reln && x->rel[ei] != '.')
            ei++;
        while (ej < y->reln && y->rel[ej] != '.')
            ej++;
        if (i >= x->reln && j >= y->reln)
            return 0;
        const char *pa = i < x->reln ? x->rel + i : "0", *pb = j < y->reln ? y->rel + j : "0";
        size_t la = i < x->reln ? ei - i : 1, lb = j < y->reln ? ej - j : 1;
        int r = pki_ver_numcmp(pa, la, pb, lb);
        if (r)
            return r;
        i = i < x->reln ? ei + 1 : i;
        j = j < y->reln ? ej + 1 : j;
    }
}

/* packaging's _cmpkey: a dev release of a final version (no pre, no post)
 * sorts before its pre-releases; no pre sorts after any pre. */
static int pre_key(const pep *v)
{
    return v->pre_l >= 0 ? 1 : (!v->has_post && v->has_dev) ? 0 : 2;
}

static int local_cmp(span a, span b)
{
    /* no local < any local; segments: numbers above strings, numbers
     * numerically, strings case-insensitively; a longer list wins a tie */
    if (!a.n || !b.n)
        return (a.n != 0) - (b.n != 0);
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= a.n || j >= b.n)
            return (i < a.n) - (j < b.n);
        size_t ei = i, ej = j;
        int na = 1, nb = 1;
        while (ei < a.n && !issep((unsigned char)a.p[ei]))
            na &= isdig((unsigned char)a.p[ei++]);
        while (ej < b.n && !issep((unsigned char)b.p[ej]))
            nb &= isdig((unsigned char)b.p[ej++]);
        int r;
        if (na && nb) {
            r = pki_ver_numcmp(a.p + i, ei - i, b.p + j, ej - j);
        } else if (na != nb) {
            r = na ? 1 : -1;
        } else {
            size_t la = ei - i, lb = ej - j, m = la < lb ? la : lb;
            r = 0;
            for (size_t k = 0; k < m && !r; k++)
                r = sgn(lower((unsigned char)a.p[i + k]) - lower((unsigned char)b.p[j + k]));
            if (!r && la != lb)
                r = la < lb ? -1 : 1;
        }
        if (r)
            return r;
        i = ei + 1, j = ej + 1;
    }
}

int pki_vercmp_pep440(const char *a, const char *b, int *out)
{
    pep x, y;
    if (pep_parse(a, &x) || pep_parse(b, &y))
        return -1;
    int r = pki_ver_numcmp(x.epoch.p, x.epoch.n, y.epoch.p, y.epoch.n);
    if (!r)
        r = rel_cmp(&x, &y);
    if (!r)
        r = sgn(pre_key(&x) - pre_key(&y));
    if (!r && pre_key(&x) == 1) {
        r = sgn(x.pre_l - y.pre_l);
        if (!r)
            r = pki_ver_numcmp(x.pre_n.p, x.pre_n.n, y.pre_n.p, y.pre_n.n);
    }
    if (!r)
        r = x.has_post != y.has_post
                ? (x.has_post ? 1 : -1)
                : pki_ver_numcmp(x.post_n.p, x.post_n.n, y.post_n.p, y.post_n.n);
    if (!r)
        r = x.has_dev != y.has_dev ? (x.has_dev ? -1 : 1)
                                   : pki_ver_numcmp(x.dev_n.p, x.dev_n.n, y.dev_n.p, y.dev_n.n);
    if (!r)
        r = local_cmp(x.local, y.local);
    *out = r;
    return 0;
}
