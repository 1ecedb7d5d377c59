/* Distribution package version orders: dpkg (Debian Policy 5.6.12), rpm
 * (rpmvercmp, rpm >= 4.15 with '^'), apk (apk-tools 2) and a generic guess.
 * The loops follow the reference implementations step by step, on spans
 * instead of NUL-terminated copies, so no allocation is needed. */
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
static int sgn(int v)
{
    return (v > 0) - (v < 0);
}

int pki_ver_numcmp(const char *a, size_t an, const char *b, size_t bn)
{
    while (an > 0 && *a == '0')
        a++, an--;
    while (bn > 0 && *b == '0')
        b++, bn--;
    if (an != bn)
        return an < bn ? -1 : 1;
    int r = an ? memcmp(a, b, an) : 0;
    return sgn(r);
}

/* ---- dpkg ---- */

/* dpkg's order(): '~' sorts before everything, even the end of the part;
 * letters before non-letters. */
static int dpkg_order(int c)
{
    if (isdig(c))
        return 0;
    if (isalph(c))
        return c;
    if (c == '~')
        return -1;
    if (c)
        return c + 256;
    return 0;
}

/* verrevcmp on spans; a character past the span reads as NUL. */
static int dpkg_verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
#define A_ (i < an ? (unsigned char)a[i] : 0)
#define B_ (j < bn ? (unsigned char)b[j] : 0)
    while (i < an || j < bn) {
        int first_diff = 0;
        while ((i < an && !isdig(A_)) || (j < bn && !isdig(B_))) {
            int ac = dpkg_order(A_), bc = dpkg_order(B_);
            if (ac != bc)
                return sgn(ac - bc);
            i++, j++;
        }
        while (i < an && A_ == '0')
            i++;
        while (j < bn && B_ == '0')
            j++;
        while (isdig(A_) && isdig(B_)) {
            if (!first_diff)
                first_diff = A_ - B_;
            i++, j++;
        }
        if (isdig(A_))
            return 1;
        if (isdig(B_))
            return -1;
        if (first_diff)
            return sgn(first_diff);
    }
#undef A_
#undef B_
    return 0;
}

typedef struct {
    const char *ep, *up, *rev;
    size_t epn, upn, revn;
} dpkg_ver;

/* Policy 5.6.12 syntax (stricter than dpkg, which only warns about a
 * non-digit start or odd characters): [epoch:]upstream[-revision]. */
static int dpkg_parse(const char *s, dpkg_ver *v)
{
    size_t n = strlen(s);
    const char *colon = memchr(s, ':', n);
    v->ep = "0", v->epn = 1;
    if (colon) {
        size_t en = (size_t)(colon - s);
        if (en == 0)
            return -1;
        for (size_t k = 0; k < en; k++)
            if (!isdig((unsigned char)s[k]))
                return -1;
        /* dpkg stores the epoch in an int */
        if (pki_ver_numcmp(s, en, "2147483647", 10) > 0)
            return -1;
        v->ep = s, v->epn = en;
        n -= en + 1;
        s = colon + 1;
    }
    if (n == 0)
        return -1;
    const char *hy = NULL;
    for (size_t k = n; k > 0; k--)
        if (s[k - 1] == '-') {
            hy = s + k - 1;
            break;
        }
    v->up = s, v->upn = hy ? (size_t)(hy - s) : n;
    v->rev = hy ? hy + 1 : "", v->revn = hy ? n - v->upn - 1 : 0;
    if (v->upn == 0 || (hy && v->revn == 0))
        return -1;
    if (!isdig((unsigned char)v->up[0]))
        return -1;
    for (size_t k = 0; k < v->upn; k++) {
        int c = (unsigned char)v->up[k];
        if (!isdig(c) && !isalph(c) && !strchr(".-+~:", c))
            return -1;
    }
    for (size_t k = 0; k < v->revn; k++) {
        int c = (unsigned char)v->rev[k];
        if (!isdig(c) && !isalph(c) && !strchr(".+~", c))
            return -1;
    }
    return 0;
}

int pki_vercmp_dpkg(const char *a, const char *b, int *out)
{
    dpkg_ver x, y;
    if (dpkg_parse(a, &x) || dpkg_parse(b, &y))
        return -1;
    int r = pki_ver_numcmp(x.ep, x.epn, y.ep, y.epn);
    if (!r)
        r = dpkg_verrevcmp(x.up, x.upn, y.up, y.upn);
    if (!r)
        r = dpkg_verrevcmp(x.rev, x.revn, y.rev, y.revn);
    *out = r;
    return 0;
}

/* ---- rpm ---- */

static int rpm_sep(int c)
{
    return c && !isdig(c) && !isalph(c) && c != '~' && c != '^';
}

/* rpmvercmp() of rpm 4.18 (lib/rpmvercmp.c) on spans. */
static int rpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn && !memcmp(a, b, an))
        return 0;
    size_t i = 0, j = 0;
#define A_ (i < an ? (unsigned char)a[i] : 0)
#define B_ (j < bn ? (unsigned char)b[j] : 0)
    while (A_ || B_) {
        while (rpm_sep(A_))
            i++;
        while (rpm_sep(B_))
            j++;
        if (A_ == '~' || B_ == '~') {
            if (A_ != '~')
                return 1;
            if (B_ != '~')
                return -1;
            i++, j++;
            continue;
        }
        /* '^': like '~', but a version that ends here is the lower one */
        if (A_ == '^' || B_ == '^') {
            if (!A_)
                return -1;
            if (!B_)
                return 1;
            if (A_ != '^')
                return 1;
            if (B_ != '^')
                return -1;
            i++, j++;
            continue;
        }
        if (!(A_ && B_))
            break;
        size_t si = i, sj = j;
        int isnum = isdig(A_);
        if (isnum) {
            while (isdig(A_))
                i++;
            while (isdig(B_))
                j++;
        } else {
            while (isalph(A_))
                i++;
            while (isalph(B_))
                j++;
        }
        /* numeric segments are newer than alpha ones */
        if (j == sj)
            return isnum ? 1 : -1;
        int rc;
        if (isnum) {
            rc = pki_ver_numcmp(a + si, i - si, b + sj, j - sj);
        } else {
            size_t la = i - si, lb = j - sj, m = la < lb ? la : lb;
            rc = sgn(memcmp(a + si, b + sj, m));
            if (!rc && la != lb)
                rc = la < lb ? -1 : 1;
        }
        if (rc)
            return rc;
    }
    if (!A_ && !B_)
        return 0;
    return !A_ ? -1 : 1;
#undef A_
#undef B_
}

typedef struct {
    const char *e, *v, *r;
    size_t en, vn, rn;
    int has_r;
} rpm_evr;

/* rpm's parseEVR(): leading digits then ':' make the epoch; the last '-' after
 * them starts the release. */
static void rpm_parse(const char *s, rpm_evr *x)
{
    size_t n = strlen(s), k = 0;
    while (k < n && isdig((unsigned char)s[k]))
        k++;
    const char *se = NULL;
    for (size_t m = n; m > k; m--)
        if (s[m - 1] == '-') {
            se = s + m - 1;
            break;
        }
    x->e = "0", x->en = 1;
    const char *v = s;
    if (k < n && s[k] == ':') {
        if (k > 0)
            x->e = s, x->en = k;
        v = s + k + 1;
    }
    x->v = v;
    x->vn = se ? (size_t)(se - v) : (size_t)(s + n - v);
    x->has_r = se != NULL;
    x->r = se ? se + 1 : "";
    x->rn = se ? (size_t)(s + n - se - 1) : 0;
}

int pki_vercmp_rpm(const char *a, const char *b, int *out)
{
    if (!*a || !*b)
        return -1;
    rpm_evr x, y;
    rpm_parse(a, &x);
    rpm_parse(b, &y);
    int r = rpm_vercmp(x.e, x.en, y.e, y.en);
    if (!r)
        r = rpm_vercmp(x.v, x.vn, y.v, y.vn);
    /* rpmverCmp() (rpm 4.18, used by rpm.vercmp): a release beats none */
    if (!r)
        r = x.has_r != y.has_r ? (x.has_r ? 1 : -1)
                               : (x.has_r ? rpm_vercmp(x.r, x.rn, y.r, y.rn) : 0);
    *out = r;
    return 0;
}

/* ---- apk ---- */

enum { T_INVALID = -1, T_DIGIT_OR_ZERO, T_DIGIT, T_LETTER, T_SUFFIX, T_SUFFIX_NO, T_REV_NO, T_END };

typedef struct {
    const char *p;
    size_t n;
    int type;
} apk_tok;

static void apk_next(apk_tok *t)
{
    int n = T_INVALID;
    if (t->n == 0) {
        n = T_END;
    } else if ((t->type == T_DIGIT || t->type == T_DIGIT_OR_ZERO) && t->p[0] >= 'a' &&
               t->p[0] <= 'z') {
        n = T_LETTER;
    } else if (t->type == T_LETTER && isdig((unsigned char)t->p[0])) {
        n = T_DIGIT;
    } else if (t->type == T_SUFFIX && isdig((unsigned char)t->p[0])) {
        n = T_SUFFIX_NO;
    } else {
        switch (t->p[0]) {
        case '.':
            n = T_DIGIT_OR_ZERO;
            break;
        case '_':
            n = T_SUFFIX;
            break;
        case '-':
            if (t->n > 1 && t->p[1] == 'r') {
                n = T_REV_NO;
                t->p++, t->n--;
            }
            break;
        default:
            break;
        }
        t->p++, t->n--;
    }
    if (n < t->type) {
        if (!((n == T_DIGIT_OR_ZERO && t->type == T_DIGIT) ||
              (n == T_SUFFIX && t->type == T_SUFFIX_NO) || (n == T_DIGIT && t->type == T_LETTER)))
            n = T_INVALID;
    }
    t->type = n;
}

static int apk_prefix(const apk_tok *t, const char *w)
{
    size_t l = strlen(w);
    return l <= t->n && !memcmp(t->p, w, l) ? (int)l : 0;
}

/* apk-tools 2 get_token(): the value of the current token (numbers are capped
 * at 18 digits by apk_valid, so a long long holds them). */
static long long apk_get(apk_tok *t)
{
    static const char *const pre[] = {"alpha", "beta", "pre", "rc"};
    static const char *const post[] = {"cvs", "svn", "git", "hg", "p"};
    long long v = 0;
    size_t i = 0;
    int nt = T_INVALID;
    if (t->n == 0) {
        t->type = T_END;
        return 0;
    }
    switch (t->type) {
    case T_DIGIT_OR_ZERO:
        /* leading zeros: 1.01 sorts before 1.1 (a fraction-like rule) */
        if (t->p[0] == '0') {
            while (i < t->n && t->p[i] == '0')
                i++;
            nt = T_DIGIT;
            v = -(long long)i;
            break;
        }
        /* fall through */
    case T_DIGIT:
    case T_SUFFIX_NO:
    case T_REV_NO:
        while (i < t->n && isdig((unsigned char)t->p[i]))
            v = v * 10 + (t->p[i++] - '0');
        break;
    case T_LETTER:
        v = (unsigned char)t->p[i++];
        break;
    case T_SUFFIX: {
        size_t k;
        int l = 0;
        for (k = 0; k < 4 && !(l = apk_prefix(t, pre[k])); k++)
            ;
        if (k < 4) {
            i = (size_t)l, v = (long long)k - 4;
            break;
        }
        for (k = 0; k < 5 && !(l = apk_prefix(t, post[k])); k++)
            ;
        if (k < 5) {
            i = (size_t)l, v = (long long)k;
            break;
        }
        t->type = T_INVALID;
        return -1;
    }
    default:
        t->type = T_INVALID;
        return -1;
    }
    t->p += i, t->n -= i;
    if (t->n == 0)
        t->type = T_END;
    else if (nt != T_INVALID)
        t->type = nt;
    else
        apk_next(t);
    return v;
}

static int apk_valid(const char *s)
{
    size_t run = 0;
    for (const char *p = s; *p; p++) {
        run = isdig((unsigned char)*p) ? run + 1 : 0;
        if (run > 18)
            return -1;
    }
    apk_tok t = {s, strlen(s), T_DIGIT};
    if (t.n == 0)
        return -1;
    /* every step consumes a byte or changes the type; bound it anyway */
    for (size_t k = 0; k <= 4 * PKI_VER_MAX && t.type != T_END; k++) {
        apk_get(&t);
        if (t.type == T_INVALID)
            return -1;
    }
    return t.type == T_END ? 0 : -1;
}

int pki_vercmp_apk(const char *a, const char *b, int *out)
{
    if (apk_valid(a) || apk_valid(b))
        return -1;
    apk_tok x = {a, strlen(a), T_DIGIT}, y = {b, strlen(b), T_DIGIT};
    long long av = 0, bv = 0;
    for (size_t k = 0; k <= 4 * PKI_VER_MAX; k++) {
        if (!(x.type == y.type && x.type != T_END && x.type != T_INVALID && av == bv))
            break;
        av = apk_get(&x);
        bv = apk_get(&y);
    }
    if (av != bv) {
        *out = av < bv ? -1 : 1;
        return 0;
    }
    if (x.type == y.type) {
        *out = 0;
        return 0;
    }
    /* equal so far: the longer version is newer unless it goes on with a
     * pre-release suffix */
    apk_tok tx = x, ty = y; /* peek at the suffix on copies */
    if (x.type == T_SUFFIX && apk_get(&tx) < 0) {
        *out = -1;
        return 0;
    }
    if (y.type == T_SUFFIX && apk_get(&ty) < 0) {
        *out = 1;
        return 0;
    }
    *out = x.type > y.type ? -1 : 1;
    return 0;
}

/* ---- generic ---- */

/* A guess for schemes without a specification: runs of digits compare as
 * numbers, runs of letters bytewise, a number beats letters, other bytes only
 * separate, and a version with more runs is newer. */
int pki_vercmp_generic(const char *a, const char *b, int *out)
{
    if (!*a || !*b)
        return -1;
    for (;;) {
        while (*a && !isdig((unsigned char)*a) && !isalph((unsigned char)*a))
            a++;
        while (*b && !isdig((unsigned char)*b) && !isalph((unsigned char)*b))
            b++;
        if (!*a || !*b) {
            *out = (*a != 0) - (*b != 0);
            return 0;
        }
        int da = isdig((unsigned char)*a), db = isdig((unsigned char)*b);
        if (da != db) {
            *out = da ? 1 : -1;
            return 0;
        }
        size_t la = 0, lb = 0;
        int (*cls)(int) = da ? isdig : isalph;
        while (a[la] && cls((unsigned char)a[la]))
            la++;
        while (b[lb] && cls((unsigned char)b[lb]))
            lb++;
        int r;
        if (da) {
            r = pki_ver_numcmp(a, la, b, lb);
        } else {
            r = sgn(memcmp(a, b, la < lb ? la : lb));
            if (!r && la != lb)
                r = la < lb ? -1 : 1;
        }
        if (r) {
            *out = r;
            return 0;
        }
        a += la, b += lb;
    }
}
