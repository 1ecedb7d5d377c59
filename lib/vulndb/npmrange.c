/* node-semver ranges (https://github.com/npm/node-semver, "Ranges"), read the
 * way node-semver's Range class reads them: each '||' alternative is a set of
 * primitive comparators after desugaring hyphen, X, tilde and caret ranges
 * (lib/classes/range.js replaceTilde/replaceCaret/replaceXRange/
 * hyphenReplace). A tokenizer replaces node-semver's regular expressions;
 * the desugaring rules are the same, case by case. */
#include "npmrange.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../version/version_int.h"

#define MAX_NUM 9007199254740991ull /* Number.MAX_SAFE_INTEGER, node-semver's cap */

typedef enum { OP_ANY, OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE } npop;

/* A primitive comparator; pre points into the range text (or "0"). */
typedef struct {
    npop op;
    uint64_t n[3];
    const char *pre;
    size_t npre;
} npc;

/* A partial version "1", "1.2.x", "1.2.3-beta+b": nx leading numeric parts
 * before the first X (or the end). */
typedef struct {
    int nx;
    int disorder; /* a number after an X ("1.x.3"): refused by X-ranges */
    int plain;    /* prefix "" or "v": usable as written (node-semver's FULLPLAIN) */
    uint64_t n[3];
    const char *pre;
    size_t npre;
} npart;

typedef struct {
    npc c[PKI_NPM_CMPS_MAX];
    size_t n;
    char text[PKI_NPM_RANGE_MAX + 1]; /* the versions, build metadata cut; pre points here */
    size_t used;
} npset;

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static int is_dig(int c)
{
    return c >= '0' && c <= '9';
}
static int is_idc(int c)
{
    return is_dig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A dot-separated identifier list; strict: numeric ones without leading
 * zeros (SemVer 9, pre-release). Returns bytes consumed, 0 if malformed. */
static size_t idents(const char *s, const char *e, int strict)
{
    const char *p = s;
    for (;;) {
        const char *st = p;
        int alldig = 1;
        while (p < e && is_idc((unsigned char)*p)) {
            alldig &= is_dig((unsigned char)*p);
            p++;
        }
        if (p == st || (strict && alldig && p - st > 1 && *st == '0'))
            return 0;
        if (p >= e || *p != '.')
            return (size_t)(p - s);
        p++;
    }
}

/* A numeric identifier "0" or [1-9][0-9]*, at most MAX_NUM. */
static const char *num(const char *p, const char *e, uint64_t *v)
{
    const char *st = p;
    uint64_t x = 0;
    while (p < e && is_dig((unsigned char)*p)) {
        if (p - st >= 16)
            return NULL;
        x = x * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == st || (p - st > 1 && *st == '0') || x > MAX_NUM)
        return NULL;
    *v = x;
    return p;
}

/* Prerelease and build after the patch number; must reach e. */
static int tail(const char *p, const char *e, const char **pre, size_t *npre)
{
    *pre = NULL;
    *npre = 0;
    if (p < e && *p == '-') {
        size_t l = idents(p + 1, e, 1);
        if (!l)
            return -1;
        *pre = p + 1;
        *npre = l;
        p += 1 + l;
    }
    if (p < e && *p == '+') {
        size_t l = idents(p + 1, e, 0);
        if (!l)
            return -1;
        p += 1 + l;
    }
    return p == e ? 0 : -1;
}

/* node-semver's XRANGEPLAIN: [v=]* xr ( . xr ( . xr pre? build? )? )? */
static int partial(const char *p, const char *e, npart *x)
{
    memset(x, 0, sizeof *x);
    const char *st = p;
    while (p < e && (*p == 'v' || *p == '='))
        p++;
    x->plain = p == st || (p == st + 1 && *st == 'v');
    int xed = 0;
    for (int i = 0; i < 3; i++) {
        if (p >= e)
            return -1;
        if (*p == 'x' || *p == 'X' || *p == '*') {
            xed = 1;
            p++;
        } else {
            uint64_t v;
            if (!(p = num(p, e, &v)))
                return -1;
            x->disorder |= xed;
            if (!xed) {
                x->n[i] = v;
                x->nx = i + 1;
            }
        }
        if (p == e)
            return 0;
        if (i < 2) {
            if (*p != '.')
                return -1;
            p++;
        }
    }
    const char *pre;
    size_t npre;
    if (tail(p, e, &pre, &npre) != 0)
        return -1;
    if (x->nx == 3) {
        x->pre = pre;
        x->npre = npre;
    }
    return 0;
}

static int add(npset *s, npop op, uint64_t M, uint64_t m, uint64_t p, const char *pre, size_t npre)
{
    size_t len = (npre ? npre + 1 : 0) + 2;
    for (int i = 0; i < 3; i++) {
        uint64_t v = i == 0 ? M : i == 1 ? m : p;
        do
            len++;
        while (v /= 10);
    }
    /* node-semver's MAX_LENGTH: a longer version is refused */
    if (s->n >= PKI_NPM_CMPS_MAX || len > PKI_VER_MAX)
        return -1;
    s->c[s->n++] = (npc){op, {M, m, p}, pre, npre};
    return 0;
}

/* "-0": the lowest prerelease, so that "<2.0.0-0" shuts out 2.0.0's. */
#define Z "0", 1

/* replaceTilde: ~M.m.p := >=M.m.p <M.(m+1).0-0; ~M.m := >=M.m.0 <M.(m+1).0-0;
 * ~M := >=M.0.0 <(M+1).0.0-0. */
static int tilde(npset *s, const npart *x)
{
    if (x->nx == 0)
        return add(s, OP_ANY, 0, 0, 0, NULL, 0);
    if (x->nx == 1)
        return add(s, OP_GE, x->n[0], 0, 0, NULL, 0) || add(s, OP_LT, x->n[0] + 1, 0, 0, Z);
    uint64_t p = x->nx == 3 ? x->n[2] : 0;
    return add(s, OP_GE, x->n[0], x->n[1], p, x->pre, x->npre) ||
           add(s, OP_LT, x->n[0], x->n[1] + 1, 0, Z);
}

/* replaceCaret: the upper bound bumps the left-most non-zero part given. */
static int caret(npset *s, const npart *x)
{
    uint64_t M = x->n[0], m = x->n[1], p = x->n[2];
    if (x->nx == 0)
        return add(s, OP_ANY, 0, 0, 0, NULL, 0);
    if (x->nx == 1)
        return add(s, OP_GE, M, 0, 0, NULL, 0) || add(s, OP_LT, M + 1, 0, 0, Z);
    if (x->nx == 2)
        return add(s, OP_GE, M, m, 0, NULL, 0) ||
               (M == 0 ? add(s, OP_LT, 0, m + 1, 0, Z) : add(s, OP_LT, M + 1, 0, 0, Z));
    if (add(s, OP_GE, M, m, p, x->pre, x->npre))
        return -1;
    if (M != 0)
        return add(s, OP_LT, M + 1, 0, 0, Z);
    return m != 0 ? add(s, OP_LT, 0, m + 1, 0, Z) : add(s, OP_LT, 0, 0, p + 1, Z);
}

/* replaceXRange for an operator (or none) before a partial version. */
static int xrange(npset *s, const char *op, size_t nop, const npart *x)
{
    npop o = OP_EQ;
    if (nop == 1)
        o = op[0] == '<' ? OP_LT : op[0] == '>' ? OP_GT : OP_EQ;
    else if (nop == 2)
        o = op[0] == '<' ? OP_LE : OP_GE;
    if (x->disorder) /* invalidXRangeOrder (node-semver 7.7) */
        return -1;
    if (x->nx == 3 && !x->plain) /* "v=1.2.3", ">==1.2.3": no comparator */
        return -1;
    if (x->nx == 3)
        return add(s, o, x->n[0], x->n[1], x->n[2], x->pre, x->npre);
    if (x->nx == 0) /* "*", ">=*": anything; ">*", "<*": nothing */
        return (o == OP_LT || o == OP_GT) ? add(s, OP_LT, 0, 0, 0, Z)
                                          : add(s, OP_ANY, 0, 0, 0, NULL, 0);
    uint64_t M = x->n[0], m = x->nx == 2 ? x->n[1] : 0;
    if (o == OP_EQ) /* "1.x", "=1.2" */
        return x->nx == 1 ? add(s, OP_GE, M, 0, 0, NULL, 0) || add(s, OP_LT, M + 1, 0, 0, Z)
                          : add(s, OP_GE, M, m, 0, NULL, 0) || add(s, OP_LT, M, m + 1, 0, Z);
    if (o == OP_GT) { /* ">1" := ">=2.0.0", ">1.2" := ">=1.3.0" */
        o = OP_GE;
        if (x->nx == 1)
            M++;
        else
            m++;
    } else if (o == OP_LE) { /* "<=1" := "<2.0.0-0", "<=1.2" := "<1.3.0-0" */
        o = OP_LT;
        if (x->nx == 1)
            M++;
        else
            m++;
    }
    return o == OP_LT ? add(s, o, M, m, 0, Z) : add(s, o, M, m, 0, NULL, 0);
}

/* hyphenReplace: "A - B" := ">=A' <=B'" with X parts widened. A full
 * version is used as written there, so it must be plain. */
static int hyphen(npset *s, const npart *a, int a_plain, const npart *b, int b_plain)
{
    int r = 0;
    if ((a->nx == 3 && !a_plain) || (b->nx == 3 && !b->npre && !b_plain))
        return -1;
    if (a->nx > 0)
        r = add(s, OP_GE, a->n[0], a->n[1], a->n[2], a->pre, a->npre);
    if (r)
        return r;
    if (b->nx == 1)
        return add(s, OP_LT, b->n[0] + 1, 0, 0, Z);
    if (b->nx == 2)
        return add(s, OP_LT, b->n[0], b->n[1] + 1, 0, Z);
    if (b->nx == 3)
        return add(s, OP_LE, b->n[0], b->n[1], b->n[2], b->pre, b->npre);
    return a->nx > 0 ? 0 : add(s, OP_ANY, 0, 0, 0, NULL, 0);
}

typedef struct {
    const char *op, *b; /* operator ("", "<=", "~>", "^" ...) and the version after it */
    size_t nop, nb;
} tok;

/* parseComparator's first step: the first "+build" anywhere in a comparator
 * is cut (node-semver's unanchored BUILD pattern), so "+b" alone is "" (any)
 * and "1.2.3+a+b" is "1.2.3+b". The body is copied into s->text. */
static int cut_build(npset *s, const char *b, size_t nb, const char **out, size_t *nout)
{
    if (s->used + nb + 1 > sizeof s->text)
        return -1;
    char *d = s->text + s->used;
    size_t n = 0, i = 0;
    int cut = 0;
    while (i < nb) {
        if (!cut && b[i] == '+' && i + 1 < nb && is_idc((unsigned char)b[i + 1])) {
            /* [0-9A-Za-z-]+ (. [0-9A-Za-z-]+)*, as long as it goes */
            cut = 1;
            i++;
            while (i < nb && is_idc((unsigned char)b[i]))
                if (++i + 1 < nb && b[i] == '.' && is_idc((unsigned char)b[i + 1]))
                    i++;
            continue;
        }
        d[n++] = b[i++];
    }
    d[n] = 0;
    s->used += n + 1;
    *out = d;
    *nout = n;
    return 0;
}

/* One alternative's text [p, e) -> its comparators. */
static int parse_set(const char *p, const char *e, npset *s)
{
    tok t[PKI_NPM_CMPS_MAX + 1];
    size_t nt = 0;
    s->n = 0;
    s->used = 0;
    for (;;) {
        while (p < e && is_ws((unsigned char)*p))
            p++;
        if (p >= e)
            break;
        if (nt > PKI_NPM_CMPS_MAX)
            return -1;
        tok *k = &t[nt++];
        k->op = p;
        if (*p == '~')
            p += (p + 1 < e && p[1] == '>') ? 2 : 1;
        else if (*p == '^')
            p++;
        else if (*p == '<' || *p == '>')
            p += (p + 1 < e && p[1] == '=') ? 2 : 1;
        else if (*p == '=')
            p++;
        k->nop = (size_t)(p - k->op);
        const char *w = p;
        if (k->nop) /* "> 1.2.3", "~ 1.2": an operator binds to what follows */
            while (p < e && is_ws((unsigned char)*p))
                p++;
        /* "< =1.2" is "<=1.2": node-semver drops the space, then reads "<=" */
        if (k->nop == 1 && (*k->op == '<' || *k->op == '>') && p > w && p < e && *p == '=') {
            k->nop = 2;
            p++;
        }
        k->b = p;
        while (p < e && !is_ws((unsigned char)*p))
            p++;
        k->nb = (size_t)(p - k->b);
        if (!k->nb)
            return -1;
    }
    if (nt == 0) /* "" is "*" */
        return add(s, OP_ANY, 0, 0, 0, NULL, 0);
    npart a, b;
    if (nt == 3 && t[1].nop == 0 && t[1].nb == 1 && t[1].b[0] == '-' &&
        (t[0].nop == 0 || (t[0].nop == 1 && t[0].op[0] == '=')) &&
        (t[2].nop == 0 || (t[2].nop == 1 && t[2].op[0] == '='))) {
        if (partial(t[0].b, t[0].b + t[0].nb, &a) || partial(t[2].b, t[2].b + t[2].nb, &b))
            return -1;
        return hyphen(s, &a, t[0].nop == 0 && a.plain, &b, t[2].nop == 0 && b.plain);
    }
    for (size_t i = 0; i < nt; i++) {
        const char *b0;
        size_t n0;
        if (cut_build(s, t[i].b, t[i].nb, &b0, &n0) != 0)
            return -1;
        if (n0 == 0 && t[i].nop == 0) {
            if (add(s, OP_ANY, 0, 0, 0, NULL, 0))
                return -1;
            continue;
        }
        if (partial(b0, b0 + n0, &a))
            return -1;
        int r;
        if (t[i].nop && t[i].op[0] == '~')
            r = tilde(s, &a);
        else if (t[i].nop && t[i].op[0] == '^')
            r = caret(s, &a);
        else
            r = xrange(s, t[i].op, t[i].nop, &a);
        if (r)
            return -1;
    }
    return 0;
}

/* "M.m.p[-pre]" for pki_vercmp_semver. */
static int fmt(char *out, size_t cap, const uint64_t n[3], const char *pre, size_t npre)
{
    int w = snprintf(out, cap, "%llu.%llu.%llu%s%.*s", (unsigned long long)n[0],
                     (unsigned long long)n[1], (unsigned long long)n[2], npre ? "-" : "", (int)npre,
                     pre ? pre : "");
    return (w < 0 || (size_t)w >= cap) ? -1 : 0;
}

typedef struct {
    uint64_t n[3];
    const char *pre;
    size_t npre;
    char s[PKI_NPM_RANGE_MAX + 80];
} npver;

/* A full version as node-semver's SemVer reads it: v? M.m.p pre? build?,
 * surrounding white space allowed. */
static int parse_version(const char *v, npver *out)
{
    size_t l = strnlen(v, PKI_VER_MAX + 1);
    if (l > PKI_VER_MAX)
        return -1;
    const char *p = v, *e = v + l;
    while (p < e && is_ws((unsigned char)*p))
        p++;
    while (e > p && is_ws((unsigned char)e[-1]))
        e--;
    npart x;
    if (partial(p, e, &x) != 0 || x.nx != 3 || !x.plain) /* "1.2.x", "=1.2.3" */
        return -1;
    memcpy(out->n, x.n, sizeof out->n);
    out->pre = x.pre;
    out->npre = x.npre;
    return fmt(out->s, sizeof out->s, out->n, out->pre, out->npre);
}

static int cmp_test(const npc *c, const npver *v, int *ok)
{
    if (c->op == OP_ANY) {
        *ok = 1;
        return 0;
    }
    char b[PKI_NPM_RANGE_MAX + 80];
    int r;
    if (fmt(b, sizeof b, c->n, c->pre, c->npre) || pki_vercmp_semver(v->s, b, 0, &r) != 0)
        return -1;
    switch (c->op) {
    case OP_EQ:
        *ok = r == 0;
        break;
    case OP_LT:
        *ok = r < 0;
        break;
    case OP_LE:
        *ok = r <= 0;
        break;
    case OP_GT:
        *ok = r > 0;
        break;
    default:
        *ok = r >= 0;
        break;
    }
    return 0;
}

/* testSet: every comparator holds and, for a prerelease version, some
 * comparator names a prerelease of the same [major, minor, patch]. */
static int set_test(const npset *s, const npver *v, int *ok)
{
    *ok = 0;
    for (size_t i = 0; i < s->n; i++) {
        int t;
        if (cmp_test(&s->c[i], v, &t) != 0)
            return -1;
        if (!t)
            return 0;
    }
    if (!v->npre) {
        *ok = 1;
        return 0;
    }
    for (size_t i = 0; i < s->n; i++) {
        const npc *c = &s->c[i];
        if (c->op != OP_ANY && c->npre && c->n[0] == v->n[0] && c->n[1] == v->n[1] &&
            c->n[2] == v->n[2]) {
            *ok = 1;
            break;
        }
    }
    return 0;
}

/* Walks every alternative (all must parse, as node-semver builds the whole
 * Range first); v NULL only validates. *floor, when asked, gets the single
 * alternative's set. */
static int walk(const char *range, const npver *v, int *affected, npset *one)
{
    size_t l = strnlen(range, PKI_NPM_RANGE_MAX + 1);
    if (l > PKI_NPM_RANGE_MAX)
        return -1;
    const char *p = range, *e = range + l;
    size_t nalt = 0;
    int any = 0, star = 0;
    npset own, *s = one ? one : &own; /* the floor's set is read after the walk */
    for (;;) {
        const char *q = p;
        while (q + 1 < e && !(q[0] == '|' && q[1] == '|'))
            q++;
        if (q + 1 >= e)
            q = e;
        if (++nalt > PKI_NPM_ALTS_MAX || (one && nalt > 1) || parse_set(p, q, s) != 0)
            return -1;
        if (v && !any && set_test(s, v, &any) != 0)
            return -1;
        int all_any = 1;
        for (size_t i = 0; i < s->n; i++)
            all_any &= s->c[i].op == OP_ANY;
        star |= all_any;
        if (q == e)
            break;
        p = q + 2;
    }
    /* Range(): an alternative that is "*" makes the whole range "*", which
     * then admits no prerelease ("1.2.3-beta || *" does not hold 1.2.3-beta) */
    if (star && nalt > 1 && v)
        any = v->npre == 0;
    if (affected)
        *affected = any;
    return 0;
}

int pki_npm_range_eval(const char *range, const char *version, int *affected)
{
    npver v;
    if (affected)
        *affected = 0;
    if (!range || !version || !affected || parse_version(version, &v) != 0)
        return -1;
    if (walk(range, &v, affected, NULL) != 0) {
        *affected = 0;
        return -1;
    }
    return 0;
}

int pki_npm_range_valid(const char *range)
{
    return range ? walk(range, NULL, NULL, NULL) : -1;
}

int pki_npm_spec_eval(const char *range, const char *patched, const char *version, int *affected)
{
    int in = 0, fixed = 0;
    if (affected)
        *affected = 0;
    if (pki_npm_range_eval(range, version, &in) != 0)
        return -1;
    if (patched && pki_npm_range_eval(patched, version, &fixed) != 0)
        return -1;
    *affected = in && !fixed;
    return 0;
}

int pki_npm_range_floor(const char *range, char *out, size_t cap)
{
    npset s;
    if (!range || !out || walk(range, NULL, NULL, &s) != 0)
        return -1;
    const npc *ge = NULL;
    for (size_t i = 0; i < s.n; i++) {
        if (s.c[i].op == OP_GE && !ge)
            ge = &s.c[i];
        else if (s.c[i].op != OP_LT)
            return -1;
    }
    return ge ? fmt(out, cap, ge->n, ge->pre, ge->npre) : -1;
}
