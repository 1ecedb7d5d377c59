/* NIST CMVP (Cryptographic Module Validation Program) data as the
 * NIST-CMVP-API project publishes it: the validated-modules list (active and
 * historical: {"modules":[{"Certificate Number":..}]}), the modules-in-process
 * list ({"modules_in_process":[..]}) and one certificate's detail
 * ({"certificate":{"certificate_number":..}}). Each module becomes one cmvp
 * row through pki_imp_cmvp; nothing here names software versions, so no
 * affected rows (docs/vulndb/cmvp.md). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"
#include "vulndb/vdb_int.h"

#define CMVP_TEXT_MAX  65536u /* one text field; the longest real one is ~1.4 KB */
#define CMVP_DATES_MAX 4096u  /* dates of one certificate; real ones have at most ~40 */
#define CMVP_CERT_MAX  9u     /* digits of a certificate number; real ones have 1 to 4 */

/* ---- dates ---- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ISO date of (y, m, d) into out[11]; 0, or -1 when no such day (or outside
 * 1990..2199: CMVP began in 1995, and sunsets are five years out). */
static int iso(int y, int m, int d, char out[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1990 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
        return -1;
    const int v[] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1,
                     m / 10,   m % 10,       -1,          d / 10, d % 10};
    for (int i = 0; i < 10; i++)
        out[i] = v[i] < 0 ? '-' : (char)('0' + v[i]);
    out[10] = 0;
    return 0;
}

static int isdig(char c)
{
    return c >= '0' && c <= '9';
}

/* 1 or 2 digits then '/', at *p; the number, or -1. */
static int num_slash(const char **p)
{
    const char *s = *p;
    int v = 0, n = 0;
    while (isdig(*s) && n < 3) {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n < 1 || n > 2 || *s != '/')
        return -1;
    *p = s + 1;
    return v;
}

/* One or more M/D/YYYY dates. The list runs them together without a
 * separator ("08/23/202203/10/2023"), the detail file gives one per string;
 * ", " or ";" between them is also read. A year is 4 digits, or 2 where the
 * digits before the next '/' leave no room for 4 and a month (one real
 * record has "01/31/1103/14/2011"): YY is 19YY from 90 on, else 20YY. The
 * earliest date goes to first[11], the latest to last[11]. 0, or -1 when
 * anything is not a real date. */
static int mdy_dates(const char *s, char first[11], char last[11])
{
    first[0] = last[0] = 0;
    const char *p = s;
    unsigned n = 0;
    while (*p) {
        if (++n > CMVP_DATES_MAX)
            return -1;
        int m = num_slash(&p), d = m < 0 ? -1 : num_slash(&p);
        if (d < 0)
            return -1;
        size_t run = 0;
        while (isdig(p[run]) && run < 8)
            run++;
        size_t yl;
        if (p[run] == '/') /* the year runs into the next month */
            yl = run >= 5 ? 4 : 2;
        else
            yl = run;
        if ((yl != 4 && yl != 2) || run - yl > 2 || (p[run] == '/' && run == yl))
            return -1;
        int y = 0;
        for (size_t i = 0; i < yl; i++)
            y = y * 10 + (p[i] - '0');
        if (yl == 2)
            y += y >= 90 ? 1900 : 2000;
        char out[11];
        if (iso(y, m, d, out) != 0)
            return -1;
        if (!first[0] || strcmp(out, first) < 0)
            memcpy(first, out, 11);
        if (strcmp(out, last) > 0)
            memcpy(last, out, 11);
        p += yl;
        if (p[0] == ',' || p[0] == ';')
            p++;
        while (*p == ' ')
            p++;
    }
    return n ? 0 : -1;
}

/* ---- JSON members ---- */

/* The certificate number, a string (or integer) of 1 to 9 digits, into
 * out[CMVP_CERT_MAX + 1]. */
static pk_status jcert(pki_imp *im, const json_t *o, const char *key, const char *rec, char *out)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < 1000000000) {
        snprintf(out, CMVP_CERT_MAX + 1, "%lld", (long long)json_integer_value(v));
        return PK_OK;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    size_t n = s ? json_string_length(v) : 0;
    int ok = n >= 1 && n <= CMVP_CERT_MAX && s[0] != '0';
    for (size_t i = 0; ok && i < n; i++)
        ok = isdig(s[i]);
    if (!ok)
        return pki_imp_fail(im, PK_E_FEED, rec, "%s is not a certificate number", key);
    memcpy(out, s, n + 1);
    return PK_OK;
}

/* The overall security level: absent/null is unknown (0), else 1..4. */
static pk_status jlevel(pki_imp *im, const json_t *o, const char *key, const char *rec, int *out)
{
    const json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return PK_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 4)
        return pki_imp_fail(im, PK_E_FEED, rec, "%s is not a level 1..4", key);
    *out = (int)json_integer_value(v);
    return PK_OK;
}

/* An optional member of one M/D/YYYY date, as ISO into out[11] ("" when
 * absent). */
static pk_status jdate(pki_imp *im, const json_t *o, const char *key, const char *rec, char *out)
{
    const char *s;
    char last[11];
    pk_status st = pki_imp_jstr(im, o, key, rec, CMVP_TEXT_MAX, &s);
    out[0] = 0;
    if (st == PK_OK && s && (mdy_dates(s, out, last) != 0 || strcmp(out, last) != 0))
        st = pki_imp_fail(im, PK_E_FEED, rec, "%s \"%.40s\" is not an M/D/YYYY date", key, s);
    return st;
}

/* The feed's own date: metadata.generated_at, when it is an ISO date. */
static void feed_date(pki_imp *im, const json_t *doc)
{
    const json_t *g = json_object_get(json_object_get(doc, "metadata"), "generated_at");
    const char *s = json_is_string(g) ? json_string_value(g) : NULL;
    char d[11];
    if (s && strlen(s) >= 10 && s[4] == '-' && s[7] == '-' && isdig(s[0]) && isdig(s[5]) &&
        isdig(s[6]) && isdig(s[8]) && isdig(s[9]) &&
        iso((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
            (s[5] - '0') * 10 + (s[6] - '0'), (s[8] - '0') * 10 + (s[9] - '0'), d) == 0)
        pki_imp_feed_date(im, d);
}

/* The array member `key` of doc, bounded. */
static pk_status jarray(pki_imp *im, const json_t *doc, const char *key, const json_t **out)
{
    *out = json_object_get(doc, key);
    if (!json_is_array(*out))
        return pki_imp_fail(im, PK_E_FEED, key, "not an array");
    if (json_array_size(*out) > PKI_FEED_RECORDS)
        return pki_imp_fail(im, PK_E_LIMIT, key, "more than %u entries", PKI_FEED_RECORDS);
    return PK_OK;
}

/* ---- the validated-modules list (active or historical) ---- */

static pk_status list_entry(pki_imp *im, const json_t *e, size_t idx)
{
    char rec[64], cert[CMVP_CERT_MAX + 1], valid[11], last[11], sunset[11];
    snprintf(rec, sizeof rec, "modules[%zu]", idx);
    if (!json_is_object(e))
        return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
    pk_status st = jcert(im, e, "Certificate Number", rec, cert);
    if (st != PK_OK)
        return st;
    snprintf(rec, sizeof rec, "modules[%zu] (certificate %s)", idx, cert);
    pki_cmvp m = {.id = cert, .cert = cert, .source = "modules"};
    const char *vd, *st_lower, *st_upper, *mt2;
    if ((st = pki_imp_jstr(im, e, "Vendor Name", rec, CMVP_TEXT_MAX, &m.vendor)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Module Name", rec, CMVP_TEXT_MAX, &m.module)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Module Type", rec, CMVP_TEXT_MAX, &m.module_type)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "module_type", rec, CMVP_TEXT_MAX, &mt2)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "standard", rec, CMVP_TEXT_MAX, &m.standard)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "status", rec, CMVP_TEXT_MAX, &st_lower)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Status", rec, CMVP_TEXT_MAX, &st_upper)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "caveat", rec, CMVP_TEXT_MAX, &m.caveat)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Validation Date", rec, CMVP_TEXT_MAX, &vd)) != PK_OK ||
        (st = jdate(im, e, "sunset_date", rec, sunset)) != PK_OK ||
        (st = jlevel(im, e, "overall_level", rec, &m.level)) != PK_OK)
        return st;
    /* the active list says "status", the historical one "Status" */
    m.status = st_lower ? st_lower : st_upper;
    if (!m.status)
        return pki_imp_fail(im, PK_E_FEED, rec, "no status");
    if (!m.module_type)
        m.module_type = mt2;
    valid[0] = last[0] = 0;
    if (vd && mdy_dates(vd, valid, last) != 0)
        return pki_imp_fail(im, PK_E_FEED, rec, "Validation Date \"%.40s\" is not M/D/YYYY dates",
                            vd);
    m.validated = valid[0] ? valid : NULL;
    m.sunset = sunset[0] ? sunset : NULL;
    if ((st = pki_imp_record(im, last[0] ? last : NULL)) != PK_OK)
        return st;
    return pki_imp_cmvp(im, &m, 0);
}

/* ---- the modules-in-process list ---- */

/* "Samsung Electronics Co., Ltd.View Contacts": the page's link text is
 * glued to the vendor. The name without it into out[cap]. */
static void vendor_name(const char *s, char *out, size_t cap)
{
    static const char tail[] = "View Contacts";
    size_t n = strlen(s), t = sizeof tail - 1;
    if (n >= t && memcmp(s + n - t, tail, t) == 0)
        n -= t;
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = 0;
}

static pk_status ip_entry(pki_imp *im, const json_t *e, size_t idx)
{
    char rec[64];
    snprintf(rec, sizeof rec, "modules_in_process[%zu]", idx);
    if (!json_is_object(e))
        return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
    const char *vendor, *module, *standard, *status;
    pk_status st;
    if ((st = pki_imp_jstr(im, e, "Vendor Name", rec, CMVP_TEXT_MAX, &vendor)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Module Name", rec, CMVP_TEXT_MAX, &module)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Standard", rec, CMVP_TEXT_MAX, &standard)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "Status", rec, CMVP_TEXT_MAX, &status)) != PK_OK)
        return st;
    /* Status is "Pending Review  (12/31/2025)": the phase and since when */
    char phase[160] = "", since[11] = "", last[11];
    if (status) {
        const char *lp = strrchr(status, '(');
        size_t pl = lp ? (size_t)(lp - status) : strlen(status);
        while (pl && status[pl - 1] == ' ')
            pl--;
        if (lp) {
            char d[32];
            size_t dl = strlen(lp + 1);
            if (dl < 2 || dl >= sizeof d || lp[dl] != ')')
                return pki_imp_fail(im, PK_E_FEED, rec, "Status \"%.60s\" is not \"phase (date)\"",
                                    status);
            memcpy(d, lp + 1, dl - 1);
            d[dl - 1] = 0;
            if (mdy_dates(d, since, last) != 0)
                return pki_imp_fail(im, PK_E_FEED, rec, "Status date \"%s\" is not M/D/YYYY", d);
        }
        snprintf(phase, sizeof phase, "%.*s%s%s%s", (int)(pl < 120 ? pl : 120), status,
                 since[0] ? " (" : "", since, since[0] ? ")" : "");
    }
    char vbuf[512], id[1024];
    vendor_name(vendor ? vendor : "", vbuf, sizeof vbuf);
    /* a name past the buffer is cut: the key stays the same on re-import */
    if (snprintf(id, sizeof id, "ip:%s|%.600s|%s|%s", vbuf, module ? module : "",
                 standard ? standard : "", phase) < 0)
        return pki_imp_fail(im, PK_E_FEED, rec, "cannot form a key");
    pki_cmvp m = {.id = id,
                  .vendor = vbuf[0] ? vbuf : NULL,
                  .module = module,
                  .standard = standard,
                  .status = "In process",
                  .phase = phase[0] ? phase : NULL,
                  .source = "modules-in-process"};
    if ((st = pki_imp_record(im, since[0] ? since : NULL)) != PK_OK)
        return st;
    return pki_imp_cmvp(im, &m, 0);
}

/* ---- one certificate's detail ---- */

/* The lab of the latest validation that names one (the lab that tested the
 * module last); also widens first/last by the history's dates. */
static pk_status detail_lab(pki_imp *im, const json_t *c, const char *rec, const char **lab,
                            char first[11], char last[11])
{
    *lab = NULL;
    const json_t *h = json_object_get(c, "validation_history");
    if (!h || json_is_null(h))
        return PK_OK;
    if (!json_is_array(h) || json_array_size(h) > CMVP_DATES_MAX)
        return pki_imp_fail(im, PK_E_FEED, rec, "validation_history is not an array of at most %u",
                            CMVP_DATES_MAX);
    char best[11] = "";
    for (size_t i = 0; i < json_array_size(h); i++) {
        const json_t *e = json_array_get(h, i);
        char r2[96], d[11];
        snprintf(r2, sizeof r2, "%s validation_history[%zu]", rec, i);
        if (!json_is_object(e))
            return pki_imp_fail(im, PK_E_FEED, r2, "not an object");
        const char *l, *type;
        pk_status st;
        if ((st = jdate(im, e, "date", r2, d)) != PK_OK ||
            (st = pki_imp_jstr(im, e, "lab", r2, CMVP_TEXT_MAX, &l)) != PK_OK ||
            (st = pki_imp_jstr(im, e, "type", r2, CMVP_TEXT_MAX, &type)) != PK_OK)
            return st;
        if (d[0]) {
            if (!first[0] || strcmp(d, first) < 0)
                memcpy(first, d, 11);
            if (strcmp(d, last) > 0)
                memcpy(last, d, 11);
        }
        if (l && strcmp(d, best) >= 0) {
            *lab = l;
            memcpy(best, d, 11);
        }
    }
    return PK_OK;
}

static pk_status import_detail(pki_imp *im, const json_t *c)
{
    char rec[64] = "certificate", cert[CMVP_CERT_MAX + 1], first[11] = "", last[11] = "",
         sunset[11];
    if (!json_is_object(c))
        return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
    pk_status st = jcert(im, c, "certificate_number", rec, cert);
    if (st != PK_OK)
        return st;
    snprintf(rec, sizeof rec, "certificate %s", cert);
    pki_cmvp m = {.id = cert, .cert = cert, .source = "certificate"};
    if ((st = pki_imp_jstr(im, c, "vendor_name", rec, CMVP_TEXT_MAX, &m.vendor)) != PK_OK ||
        (st = pki_imp_jstr(im, c, "module_name", rec, CMVP_TEXT_MAX, &m.module)) != PK_OK ||
        (st = pki_imp_jstr(im, c, "module_type", rec, CMVP_TEXT_MAX, &m.module_type)) != PK_OK ||
        (st = pki_imp_jstr(im, c, "standard", rec, CMVP_TEXT_MAX, &m.standard)) != PK_OK ||
        (st = pki_imp_jstr(im, c, "status", rec, CMVP_TEXT_MAX, &m.status)) != PK_OK ||
        (st = pki_imp_jstr(im, c, "caveat", rec, CMVP_TEXT_MAX, &m.caveat)) != PK_OK ||
        (st = jdate(im, c, "sunset_date", rec, sunset)) != PK_OK ||
        (st = jlevel(im, c, "overall_level", rec, &m.level)) != PK_OK)
        return st;
    const json_t *vd = json_object_get(c, "validation_dates");
    if (vd && !json_is_null(vd) && (!json_is_array(vd) || json_array_size(vd) > CMVP_DATES_MAX))
        return pki_imp_fail(im, PK_E_FEED, rec, "validation_dates is not an array of at most %u",
                            CMVP_DATES_MAX);
    for (size_t i = 0; vd && i < json_array_size(vd); i++) {
        const json_t *e = json_array_get(vd, i);
        char f[11], l[11];
        if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e) ||
            mdy_dates(json_string_value(e), f, l) != 0)
            return pki_imp_fail(im, PK_E_FEED, rec, "validation_dates[%zu] is not M/D/YYYY", i);
        if (!first[0] || strcmp(f, first) < 0)
            memcpy(first, f, 11);
        if (strcmp(l, last) > 0)
            memcpy(last, l, 11);
    }
    if ((st = detail_lab(im, c, rec, &m.lab, first, last)) != PK_OK)
        return st;
    m.validated = first[0] ? first : NULL;
    m.sunset = sunset[0] ? sunset : NULL;
    if ((st = pki_imp_record(im, last[0] ? last : NULL)) != PK_OK)
        return st;
    return pki_imp_cmvp(im, &m, 1);
}

/* ---- the file ---- */

int pki_cmvp_sniff(const json_t *d)
{
    if (!json_is_object(d))
        return 0;
    const json_t *m = json_object_get(d, "modules");
    if (json_is_array(m))
        return json_object_get(json_array_get(m, 0), "Certificate Number") != NULL;
    if (json_is_array(json_object_get(d, "modules_in_process")))
        return 1;
    return json_object_get(json_object_get(d, "certificate"), "certificate_number") != NULL;
}

pk_status pki_import_cmvp(pki_imp *im, json_t *doc)
{
    if (!json_is_object(doc))
        return pki_imp_fail(im, PK_E_FEED, NULL, "a CMVP file is not a JSON object");
    const json_t *a;
    pk_status st = PK_OK;
    if (json_object_get(doc, "modules")) {
        if ((st = jarray(im, doc, "modules", &a)) != PK_OK)
            return st;
        for (size_t i = 0; i < json_array_size(a) && st == PK_OK; i++)
            st = list_entry(im, json_array_get(a, i), i);
    } else if (json_object_get(doc, "modules_in_process")) {
        if ((st = jarray(im, doc, "modules_in_process", &a)) != PK_OK ||
            (st = pki_imp_cmvp_reset_in_process(im)) != PK_OK)
            return st;
        for (size_t i = 0; i < json_array_size(a) && st == PK_OK; i++)
            st = ip_entry(im, json_array_get(a, i), i);
    } else {
        st = import_detail(im, json_object_get(doc, "certificate"));
    }
    if (st == PK_OK)
        feed_date(im, doc);
    return st;
}
