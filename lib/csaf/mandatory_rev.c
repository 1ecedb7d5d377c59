/* CSAF 2.0 §6.1 mandatory tests on /document/tracking: the revision history
 * and the document version (6.1.14 to 6.1.22, 6.1.30). A version is an
 * integer ("0", "12") or a Semantic Versioning 2.0.0 string (§3.1.11);
 * precedence is semver's, build metadata never counts. Dates are RFC 3339
 * with any offset, compared as instants. */
#include "mandatory_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { V_BAD = 0, V_INT = 1, V_SEM = 2 };

typedef struct ver {
    int kind;
    const char *s;
    size_t maj, min, pat; /* lengths of the digit runs at s, mi, pa */
    const char *mi, *pa;
    const char *pre; /* NULL when none; runs for prelen bytes */
    size_t prelen;
    size_t corelen; /* bytes before '+' */
} ver;

static size_t digits(const char *p)
{
    size_t n = 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    return n;
}

/* A numeric identifier: digits without a leading zero. */
static size_t numid(const char *p)
{
    size_t n = digits(p);
    return (n == 0 || (n > 1 && p[0] == '0')) ? 0 : n;
}

static bool ident_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '-';
}

/* Dot-separated identifiers; numeric ones without leading zeros when strict. */
static size_t idents(const char *p, bool strict)
{
    size_t n = 0;
    for (;;) {
        size_t k = 0, dig = 0;
        while (ident_char(p[n + k])) {
            dig += p[n + k] >= '0' && p[n + k] <= '9';
            k++;
        }
        if (!k || (strict && dig == k && k > 1 && p[n] == '0'))
            return 0;
        n += k;
        if (p[n] != '.')
            return n;
        n++;
    }
}

static ver ver_parse(const char *s)
{
    ver v = {.s = s};
    if (!s)
        return v;
    size_t a = numid(s);
    if (a && !s[a]) {
        v.kind = V_INT;
        v.maj = a;
        v.corelen = a;
        return v;
    }
    if (!a || s[a] != '.')
        return v;
    v.maj = a;
    v.mi = s + a + 1;
    if (!(v.min = numid(v.mi)) || v.mi[v.min] != '.')
        return v;
    v.pa = v.mi + v.min + 1;
    if (!(v.pat = numid(v.pa)))
        return v;
    const char *p = v.pa + v.pat;
    if (*p == '-') {
        v.pre = p + 1;
        if (!(v.prelen = idents(v.pre, true)))
            return v;
        p = v.pre + v.prelen;
    }
    v.corelen = (size_t)(p - s);
    if (*p == '+') {
        size_t b = idents(p + 1, false);
        if (!b)
            return v;
        p += 1 + b;
    }
    if (*p)
        return v;
    v.kind = V_SEM;
    return v;
}

static int numcmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return an < bn ? -1 : 1;
    int d = memcmp(a, b, an);
    return (d > 0) - (d < 0);
}

/* Pre-release precedence (semver §11): identifier by identifier. */
static int precmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an && j < bn) {
        size_t x = i, y = j;
        while (x < an && a[x] != '.')
            x++;
        while (y < bn && b[y] != '.')
            y++;
        size_t la = x - i, lb = y - j;
        bool na = digits(a + i) >= la, nb = digits(b + j) >= lb;
        int d;
        if (na && nb) {
            d = numcmp(a + i, la, b + j, lb);
        } else if (na != nb) {
            d = na ? -1 : 1;
        } else {
            d = memcmp(a + i, b + j, la < lb ? la : lb);
            d = d ? d : (la > lb) - (la < lb);
        }
        if (d)
            return d > 0 ? 1 : -1;
        i = x + 1;
        j = y + 1;
    }
    bool ra = i < an, rb = j < bn;
    return ra == rb ? 0 : ra ? 1 : -1;
}

/* Precedence of two versions of the same kind; mixed kinds order by kind. */
static int ver_cmp(const ver *a, const ver *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->kind == V_BAD)
        return strcmp(a->s ? a->s : "", b->s ? b->s : "");
    int d = numcmp(a->s, a->maj, b->s, b->maj);
    if (d || a->kind == V_INT)
        return d;
    if ((d = numcmp(a->mi, a->min, b->mi, b->min)) || (d = numcmp(a->pa, a->pat, b->pa, b->pat)))
        return d;
    if (!a->pre || !b->pre)
        return a->pre ? -1 : b->pre ? 1 : 0;
    return precmp(a->pre, a->prelen, b->pre, b->prelen);
}

static bool ver_zero_major(const ver *v)
{
    return v->kind != V_BAD && v->maj == 1 && v->s[0] == '0';
}

/* RFC 3339 date-time as (seconds since 1970, nanoseconds); false when not one. */
typedef struct instant {
    int64_t sec;
    uint32_t ns;
} instant;

static bool two(const char *p, int *out)
{
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
        return false;
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    return true;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool date_parse(const char *s, instant *out)
{
    int yh, yl, mo, d, h, mi, se, oh = 0, om = 0;
    if (!s || strlen(s) < 20 || !two(s, &yh) || !two(s + 2, &yl) || s[4] != '-' ||
        !two(s + 5, &mo) || s[7] != '-' || !two(s + 8, &d) || (s[10] != 'T' && s[10] != 't') ||
        !two(s + 11, &h) || s[13] != ':' || !two(s + 14, &mi) || s[16] != ':' || !two(s + 17, &se))
        return false;
    const char *p = s + 19;
    uint32_t ns = 0;
    if (*p == '.') {
        p++;
        size_t n = digits(p);
        if (!n)
            return false;
        for (size_t i = 0; i < 9; i++)
            ns = ns * 10 + (uint32_t)(i < n ? p[i] - '0' : 0);
        p += n;
    }
    int sign = 0;
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        sign = 0;
    } else if ((*p == '+' || *p == '-') && two(p + 1, &oh) && p[3] == ':' && two(p + 4, &om) &&
               !p[6]) {
        sign = *p == '+' ? 1 : -1;
    } else {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    int64_t days = days_from_civil(yh * 100 + yl, mo, d);
    out->sec = days * 86400 + h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
    out->ns = ns;
    return true;
}

typedef struct rev {
    size_t i;
    const char *number;
    ver v;
    instant t;
    bool dated;
} rev;

static int by_date(const void *a, const void *b)
{
    const rev *x = a, *y = b;
    if (x->dated != y->dated)
        return x->dated ? -1 : 1;
    if (x->t.sec != y->t.sec)
        return x->t.sec < y->t.sec ? -1 : 1;
    if (x->t.ns != y->t.ns)
        return x->t.ns < y->t.ns ? -1 : 1;
    int d = ver_cmp(&x->v, &y->v);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

static int by_number(const void *a, const void *b)
{
    const rev *x = a, *y = b;
    int d = ver_cmp(&x->v, &y->v);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

/* Equal as 6.1.16 compares: build metadata dropped, pre-release too if asked. */
static bool same_release(const ver *a, const ver *b, bool drop_pre)
{
    if (a->kind != b->kind || a->kind == V_BAD)
        return a->s && b->s && !strcmp(a->s, b->s);
    size_t la = drop_pre && a->pre ? (size_t)(a->pre - 1 - a->s) : a->corelen;
    size_t lb = drop_pre && b->pre ? (size_t)(b->pre - 1 - b->s) : b->corelen;
    return la == lb && !memcmp(a->s, b->s, la);
}

static void rev_checks(pki_mctx *c, rev *rv, size_t n, const ver *doc_v, const char *status)
{
    char path[PKI_M_PATH];
    bool released = status && (!strcmp(status, "final") || !strcmp(status, "interim"));
    bool mixed = false;
    int ref = doc_v->kind; /* the scheme everything must use (6.1.30) */
    const char *ref_s = doc_v->s;
    for (size_t k = 0; k < n; k++) {
        const rev *e = &rv[k];
        snprintf(path, sizeof path, "/document/tracking/revision_history/%zu/number", e->i);
        if (released && ver_zero_major(&e->v))
            pki_csaf_add(c->r, "6.1.18", path,
                         "revision %s has major version 0 in a document with status %s", e->number,
                         status);
        if (e->v.kind == V_SEM && e->v.pre)
            pki_csaf_add(c->r, "6.1.19", path, "revision %s is a pre-release", e->number);
        if (ref == V_BAD) {
            ref = e->v.kind;
            ref_s = e->number;
        }
        if (!mixed && e->v.kind != V_BAD && e->v.kind != ref) {
            mixed = true;
            pki_csaf_add(c->r, "6.1.30", path,
                         "revision %s mixes integer and semantic versioning with %s", e->number,
                         ref_s);
        }
    }
    /* 6.1.22: the same number twice. */
    pki_smap seen = {0};
    for (size_t k = 0; k < n; k++) {
        if (pki_smap_get(&seen, rv[k].number) == SIZE_MAX) {
            pki_m_put(c, &seen, rv[k].number, k);
            continue;
        }
        snprintf(path, sizeof path, "/document/tracking/revision_history/%zu/number", rv[k].i);
        pki_csaf_add(c->r, "6.1.22", path, "revision number %s is given more than once",
                     rv[k].number);
    }
    pki_smap_free(&seen);
    qsort(rv, n, sizeof *rv, by_number);
    /* 6.1.21: no major version is left out (checked on the history sorted by
     * number); the start is checked on the history sorted by date, below. */
    bool same_kind = true;
    for (size_t k = 0; k < n; k++)
        same_kind = same_kind && rv[k].v.kind != V_BAD && rv[k].v.kind == rv[0].v.kind;
    if (n && same_kind && !mixed) {
        for (size_t k = 1; k < n; k++) {
            const ver *a = &rv[k - 1].v, *b = &rv[k].v;
            int d = numcmp(a->s, a->maj, b->s, b->maj);
            if (!d)
                continue;
            /* b's major must be a's + 1: compare as numbers when they fit. */
            if (a->maj < 19 && b->maj < 19 &&
                strtoull(b->s, NULL, 10) == strtoull(a->s, NULL, 10) + 1)
                continue;
            snprintf(path, sizeof path, "/document/tracking/revision_history/%zu/number", rv[k].i);
            pki_csaf_add(c->r, "6.1.21", path,
                         "revision history misses a version between %s and %s", rv[k - 1].number,
                         rv[k].number);
        }
    }
    /* 6.1.14 and 6.1.16 look at the history sorted by date (then number). */
    qsort(rv, n, sizeof *rv, by_date);
    for (size_t k = 1; k < n; k++) {
        if (!rv[k].dated || !rv[k - 1].dated || rv[k].v.kind != rv[k - 1].v.kind ||
            rv[k].v.kind == V_BAD || ver_cmp(&rv[k - 1].v, &rv[k].v) <= 0)
            continue;
        snprintf(path, sizeof path, "/document/tracking/revision_history/%zu", rv[k].i);
        pki_csaf_add(c->r, "6.1.14", path,
                     "revision history is not sorted: %s is dated after %s but lower", rv[k].number,
                     rv[k - 1].number);
    }
    /* 6.1.21 (CSAF 2.0 CS01 wording): the earliest revision is 0 or 1. */
    if (n && same_kind && !mixed && rv[0].dated &&
        !(rv[0].v.maj == 1 && (rv[0].v.s[0] == '0' || rv[0].v.s[0] == '1'))) {
        snprintf(path, sizeof path, "/document/tracking/revision_history/%zu/number", rv[0].i);
        pki_csaf_add(c->r, "6.1.21", path,
                     "the earliest revision %s (by date) is not version 0 or 1", rv[0].number);
    }
    if (n && doc_v->s) {
        bool draft = status && !strcmp(status, "draft");
        const rev *last = &rv[n - 1];
        if (!same_release(doc_v, &last->v, draft))
            pki_csaf_add(c->r, "6.1.16", "/document/tracking/version",
                         "document version %s is not the latest revision %s", doc_v->s,
                         last->number);
    }
}

void pki_m_revisions(pki_mctx *c)
{
    json_t *tr = pki_m_obj(pki_m_obj(c->doc, "document"), "tracking");
    if (!tr)
        return;
    const char *version = pki_m_str(tr, "version"), *status = pki_m_str(tr, "status");
    ver dv = ver_parse(version);
    bool released = status && (!strcmp(status, "final") || !strcmp(status, "interim"));
    if (dv.kind != V_BAD && (ver_zero_major(&dv) || dv.pre) && status && strcmp(status, "draft"))
        pki_csaf_add(c->r, "6.1.17", "/document/tracking/status",
                     "document version %s requires status draft, not %s", version, status);
    if (released && dv.kind == V_SEM && dv.pre)
        pki_csaf_add(c->r, "6.1.20", "/document/tracking/version",
                     "document version %s is a pre-release in a document with status %s", version,
                     status);
    json_t *hist = pki_m_arr(tr, "revision_history"), *e;
    size_t n = json_array_size(hist), m = 0, k;
    if (!n)
        return;
    rev *rv = pki_calloc(n, sizeof *rv);
    if (!rv) {
        c->r->nomem = 1;
        return;
    }
    json_array_foreach(hist, k, e)
    {
        const char *num = pki_m_str(e, "number");
        if (!num)
            continue;
        rev *x = &rv[m++];
        x->i = k;
        x->number = num;
        x->v = ver_parse(num);
        x->dated = date_parse(pki_m_str(e, "date"), &x->t);
    }
    rev_checks(c, rv, m, &dv, status);
    pki_free(rv);
}
