/* Maven's ComparableVersion (maven-artifact 3.8): the version is parsed into
 * nested lists. Every new list is appended as the LAST item of the current
 * one, so the tree is a chain of levels, each "scalars, then maybe the next
 * level"; comparison and normalisation then walk levels iteratively. */
#include <string.h>

#include "version/version_int.h"

static int isdig(int c)
{
    return c >= '0' && c <= '9';
}
static int sgn(int v)
{
    return (v > 0) - (v < 0);
}

enum { MI_INT, MI_STR, MI_NONE, MI_LIST };

typedef struct {
    int kind;
    const char *p; /* digits (INT) or the qualifier as written (STR) */
    size_t n;
    int q; /* STR: 0..6 known qualifier index, 7 unknown */
} mitem;

#define MV_ITEMS (PKI_VER_MAX + 2)

typedef struct {
    mitem it[MV_ITEMS];
    unsigned short lvl_start[MV_ITEMS + 1]; /* items of level k: [start[k], start[k+1]) */
    unsigned short lvl_end[MV_ITEMS + 1];   /* end of its scalars after normalisation */
    size_t nlvl;                            /* levels in use after normalisation */
    size_t nit;
} mver;

/* QUALIFIERS = alpha, beta, milestone, rc, snapshot, "" (release), sp */
static int qual_index(const char *p, size_t n, int followed_by_digit)
{
    static const char *const q[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
    if (followed_by_digit && n == 1) {
        if (p[0] == 'a')
            return 0;
        if (p[0] == 'b')
            return 1;
        if (p[0] == 'm')
            return 2;
    }
    /* aliases: ga, final, release -> ""; cr -> rc */
    if ((n == 2 && !memcmp(p, "ga", 2)) || (n == 5 && !memcmp(p, "final", 5)) ||
        (n == 7 && !memcmp(p, "release", 7)))
        return 5;
    if (n == 2 && !memcmp(p, "cr", 2))
        return 3;
    for (int k = 0; k < 7; k++)
        if (strlen(q[k]) == n && !memcmp(q[k], p, n))
            return k;
    return 7;
}

static void add(mver *v, int kind, const char *p, size_t n, int fbd)
{
    mitem *m = &v->it[v->nit++];
    m->kind = kind, m->p = p, m->n = n, m->q = 0;
    if (kind == MI_STR)
        m->q = qual_index(p, n, fbd);
    if (kind == MI_INT)
        while (m->n > 0 && *m->p == '0')
            m->p++, m->n--;
}

static void new_level(mver *v)
{
    v->lvl_start[++v->nlvl] = (unsigned short)v->nit;
}

static int item_null(const mitem *m)
{
    return m->kind == MI_INT ? m->n == 0 : m->q == 5;
}

/* s is already lower-case (the caller copies it). */
static void mv_parse(const char *s, size_t len, mver *v)
{
    v->nit = 0, v->nlvl = 0, v->lvl_start[0] = 0;
    int isdigit_ = 0;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' || c == '-') {
            if (i == start)
                add(v, MI_INT, "0", 1, 0);
            else
                add(v, isdigit_ ? MI_INT : MI_STR, s + start, i - start, 0);
            start = i + 1;
            if (c == '-')
                new_level(v);
        } else if (isdig((unsigned char)c)) {
            if (!isdigit_ && i > start) {
                add(v, MI_STR, s + start, i - start, 1);
                start = i;
                new_level(v);
            }
            isdigit_ = 1;
        } else {
            if (isdigit_ && i > start) {
                add(v, MI_INT, s + start, i - start, 0);
                start = i;
                new_level(v);
            }
            isdigit_ = 0;
        }
    }
    if (len > start) {
        /* "treat .X as -X for any string qualifier X" (1.0.0.X1 < 1.0.0-X2) */
        if (!isdigit_ && v->nit > v->lvl_start[v->nlvl])
            new_level(v);
        add(v, isdigit_ ? MI_INT : MI_STR, s + start, len - start, 0);
    }
    v->nlvl++;
    v->lvl_start[v->nlvl] = (unsigned short)v->nit;
    /* normalise innermost first: drop the next level when it ended up
     * empty, then the trailing null scalars (0, "", ga, final, release) */
    size_t used = v->nlvl;
    for (size_t k = v->nlvl; k-- > 0;) {
        v->lvl_end[k] = v->lvl_start[k + 1];
        if (k + 1 < used && v->lvl_end[k + 1] == v->lvl_start[k + 1] && k + 2 >= used)
            used = k + 1;
        while (v->lvl_end[k] > v->lvl_start[k] && item_null(&v->it[v->lvl_end[k] - 1]))
            v->lvl_end[k]--;
    }
    v->nlvl = used; /* level 0, the version itself, always stays */
}

/* Element e of level k: a scalar, the next level (MI_LIST), or nothing. */
static const mitem *elem(const mver *v, size_t k, size_t e, int *kind)
{
    size_t st = v->lvl_start[k], ns = v->lvl_end[k] - st;
    if (e < ns) {
        *kind = v->it[st + e].kind;
        return &v->it[st + e];
    }
    *kind = (e == ns && k + 1 < v->nlvl) ? MI_LIST : MI_NONE;
    return NULL;
}

/* Item.compareTo(null) for a scalar. */
static int scalar_vs_null(const mitem *m)
{
    if (m->kind == MI_INT)
        return m->n != 0;
    return sgn(m->q - 5);
}

/* ListItem.compareTo(null): an empty list is equal, else its first item
 * decides. */
static int list_vs_null(const mver *v, size_t k)
{
    for (; k < v->nlvl; k++) {
        int kind;
        const mitem *m = elem(v, k, 0, &kind);
        if (kind == MI_NONE)
            return 0;
        if (kind != MI_LIST)
            return scalar_vs_null(m);
    }
    return 0;
}

static int scalar_cmp(const mitem *a, const mitem *b)
{
    if (a->kind != b->kind)
        return a->kind == MI_INT ? 1 : -1;
    if (a->kind == MI_INT)
        return pki_ver_numcmp(a->p, a->n, b->p, b->n);
    if (a->q != b->q)
        return a->q < b->q ? -1 : 1;
    if (a->q < 7)
        return 0;
    size_t m = a->n < b->n ? a->n : b->n;
    int r = sgn(memcmp(a->p, b->p, m));
    return r ? r : (a->n > b->n) - (a->n < b->n);
}

static int mv_cmp(const mver *a, const mver *b)
{
    size_t ka = 0, kb = 0;
    for (;;) {
        for (size_t e = 0;; e++) {
            int ta, tb;
            const mitem *x = elem(a, ka, e, &ta), *y = elem(b, kb, e, &tb);
            if (ta == MI_NONE && tb == MI_NONE)
                return 0;
            if (ta == MI_LIST && tb == MI_LIST) {
                /* both lists are their level's last item: a tail call */
                ka++, kb++;
                break;
            }
            int r;
            if (ta == MI_NONE)
                r = tb == MI_LIST ? -list_vs_null(b, kb + 1) : -scalar_vs_null(y);
            else if (tb == MI_NONE)
                r = ta == MI_LIST ? list_vs_null(a, ka + 1) : scalar_vs_null(x);
            else if (ta == MI_LIST)
                r = tb == MI_INT ? -1 : 1;
            else if (tb == MI_LIST)
                r = ta == MI_INT ? 1 : -1;
            else
                r = scalar_cmp(x, y);
            if (r)
                return r;
        }
    }
}

int pki_vercmp_maven(const char *a, const char *b, int *out)
{
    mver x, y;
    char la[PKI_VER_MAX + 1], lb[PKI_VER_MAX + 1];
    size_t na = strlen(a), nb = strlen(b);
    if (!na || !nb || na > PKI_VER_MAX || nb > PKI_VER_MAX)
        return -1;
    for (size_t i = 0; i <= na; i++)
        la[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
    for (size_t i = 0; i <= nb; i++)
        lb[i] = (char)(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
    mv_parse(la, na, &x);
    mv_parse(lb, nb, &y);
    *out = mv_cmp(&x, &y);
    return 0;
}
