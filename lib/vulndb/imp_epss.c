/* FIRST EPSS scores, the published daily CSV (epss_scores-YYYY-MM-DD.csv):
 *   #model_version:v2023.03.01,score_date:2023-03-16T00:00:00+0000
 *   cve,epss,percentile
 *   CVE-1999-0001,0.01167,0.83130
 * The comment line is optional (files before 2022 lack it); the percentile
 * column is required (the first files, cve,epss only, are not read: the
 * database keeps both numbers). Numbers are parsed
 * strictly: a score that is not a plain decimal in 0..1 makes the file
 * malformed rather than being read as 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "vulndb/vdb_int.h"

#define EPSS_NUM_MAX  32u /* "0.000430000" and the like; longer is not a score */
#define EPSS_DATE_MAX 64u

enum { EC_CVE, EC_EPSS, EC_PCT, EC_N };

typedef struct epss_ctx {
    pki_imp *im;
    long col[EC_N];
    size_t ncol; /* 0 until the header is read */
    char date[EPSS_DATE_MAX];
    char rec[48]; /* "line N" of the row being read */
} epss_ctx;

/* A decimal in [0, 1]: digits, '.', an exponent. strtod alone would also take
 * leading blanks, "nan", "inf" and hex floats. */
static int epss_num(const char *s, double *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > EPSS_NUM_MAX || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789.eE+-", s[i]))
            return -1;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end != s + n || isnan(v) || v < 0.0 || v > 1.0)
        return -1;
    *out = v;
    return 0;
}

/* "YYYY-MM-DD..." */
static int epss_date_ok(const char *s)
{
    for (int i = 0; i < 10; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    return 1;
}

/* "#model_version:...,score_date:..." read by the CSV reader as fields. */
static pk_status epss_comment(epss_ctx *x, const pki_csv *c)
{
    for (size_t i = 0; i < c->nfield; i++) {
        const char *f = c->field[i];
        if (i == 0 && f[0] == '#')
            f++;
        if (strncmp(f, "score_date:", 11) != 0)
            continue;
        f += 11;
        if (!epss_date_ok(f) || strlen(f) >= sizeof x->date)
            return pki_imp_fail(x->im, PK_E_FEED, x->rec, "score_date is not an ISO 8601 date");
        memcpy(x->date, f, strlen(f) + 1);
        pki_imp_feed_date(x->im, x->date);
    }
    return PK_OK;
}

static pk_status epss_header(epss_ctx *x, const pki_csv *c)
{
    static const char *const names[EC_N] = {"cve", "epss", "percentile"};
    for (int k = 0; k < EC_N; k++)
        x->col[k] = -1;
    for (size_t i = 0; i < c->nfield; i++) {
        const char *f = c->field[i];
        if (i == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0)
            f += 3; /* a byte order mark */
        for (int k = 0; k < EC_N; k++)
            if (strcmp(f, names[k]) == 0 && x->col[k] < 0)
                x->col[k] = (long)i;
    }
    if (x->col[EC_CVE] < 0 || x->col[EC_EPSS] < 0 || x->col[EC_PCT] < 0)
        return pki_imp_fail(x->im, PK_E_FEED, x->rec, "header is not cve,epss,percentile");
    x->ncol = c->nfield;
    return PK_OK;
}

static pk_status epss_row(epss_ctx *x, const pki_csv *c)
{
    if (c->nfield != x->ncol)
        return pki_imp_fail(x->im, PK_E_FEED, x->rec, "%zu fields, the header has %zu", c->nfield,
                            x->ncol);
    const char *cve = c->field[x->col[EC_CVE]];
    if (!pki_cve_id_ok(cve))
        return pki_imp_fail(x->im, PK_E_FEED, x->rec, "cve is not CVE-YYYY-NNNN");
    double score, pct;
    if (epss_num(c->field[x->col[EC_EPSS]], &score) != 0)
        return pki_imp_fail(x->im, PK_E_FEED, x->rec, "%s: epss is not a number in 0..1", cve);
    if (epss_num(c->field[x->col[EC_PCT]], &pct) != 0)
        return pki_imp_fail(x->im, PK_E_FEED, x->rec, "%s: percentile is not a number in 0..1",
                            cve);
    pk_status st = pki_imp_record(x->im, x->date[0] ? x->date : NULL);
    return st != PK_OK ? st : pki_imp_epss(x->im, cve, score, pct);
}

pk_status pki_import_epss_csv(pki_imp *im, const char *buf, size_t len)
{
    epss_ctx x = {.im = im};
    pki_csv c;
    pki_csv_init(&c, buf, len);
    pk_status st = PK_OK;
    for (;;) {
        /* rows are named by their first line (a quoted field may span lines) */
        snprintf(x.rec, sizeof x.rec, "line %llu", (unsigned long long)c.line + 1);
        int r = pki_csv_next(&c);
        if (r == 0)
            break;
        if (r < 0) {
            st = r == -2 ? PK_E_NOMEM
                         : pki_imp_fail(im, PK_E_FEED, x.rec, "unterminated quote or row too long");
            break;
        }
        if (c.nfield == 1 && c.field[0][0] == 0)
            continue; /* a blank line */
        if (!x.ncol && c.field[0][0] == '#')
            st = epss_comment(&x, &c);
        else if (!x.ncol)
            st = epss_header(&x, &c);
        else
            st = epss_row(&x, &c);
        if (st != PK_OK)
            break;
    }
    if (st == PK_OK && !x.ncol)
        st = pki_imp_fail(im, PK_E_FEED, NULL, "no cve,epss header");
    pki_csv_free(&c);
    return st;
}
