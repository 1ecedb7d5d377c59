/* curl's vulnerability table: one row per CVE with the first and last
 * vulnerable release (curl-www docs/vuln.pm, converted to CSV with the
 * column names of its header comment). Each row affects the curl tool and,
 * unless the flaw is in the tool alone, libcurl; both are NVD CPE products
 * (haxx:curl, haxx:libcurl). Versions are dotted numbers: the generic order.
 * See docs/vulndb/osv.md ("curl"). */
#include <stdio.h>
#include <string.h>

#include "vulndb/imp_curl.h"

#define CURL_COLS 9

enum { C_PAGE, C_FIRST, C_LAST, C_NAME, C_CVE, C_DATE, C_CWE, C_AFFECTS, C_SEV };

static const char *const COLS[CURL_COLS] = {
    "page", "first_vulnerable", "last_vulnerable", "name", "cve", "announce_date",
    "cwe",  "affects",          "severity"};

/* A release number: digits and dots, starting and ending with a digit. */
static int curl_ver_ok(const char *v)
{
    size_t n = strlen(v);
    if (!n || n > 32 || strspn(v, "0123456789.") != n || v[0] == '.' || v[n - 1] == '.')
        return 0;
    return strstr(v, "..") == NULL;
}

static int curl_cve_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 13 && n <= 32 && !strncmp(s, "CVE-", 4) && strspn(s + 4, "0123456789") == 4 &&
           s[8] == '-' && strspn(s + 9, "0123456789") == n - 9;
}

static pk_status curl_row(pki_imp *im, const char *const *f, const char *rec)
{
    const char *id = f[C_CVE], *first = f[C_FIRST], *last = f[C_LAST];
    if (!curl_cve_ok(id) || !curl_ver_ok(first) || !curl_ver_ok(last))
        return pki_imp_fail(im, PK_E_FEED, rec, "cve or version columns are malformed");
    /* announce_date is YYYYMMDD */
    char date[11] = {0};
    const char *d = f[C_DATE];
    if (strlen(d) == 8 && strspn(d, "0123456789") == 8)
        snprintf(date, sizeof date, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
    pk_status st;
    if ((st = pki_imp_record(im, date[0] ? date : NULL)) != PK_OK ||
        (st = pki_imp_advisory(im, id, f[C_NAME][0] ? f[C_NAME] : NULL, date[0] ? date : NULL, NULL,
                               NULL)) != PK_OK)
        return st;
    if (f[C_SEV][0] && strlen(f[C_SEV]) < 32 && (st = pki_imp_rating(im, id, f[C_SEV])) != PK_OK)
        return st;
    /* "CWE-319: Cleartext Transmission ..." -> "CWE-319" */
    const char *cw = f[C_CWE];
    size_t n = strncmp(cw, "CWE-", 4) ? 0 : 4 + strspn(cw + 4, "0123456789");
    if (n > 4 && n <= 16) {
        char cwe[17];
        memcpy(cwe, cw, n);
        cwe[n] = 0;
        if ((st = pki_imp_cwe(im, id, cwe)) != PK_OK)
            return st;
    }
    const char *page = f[C_PAGE];
    if (page[0] && strlen(page) < 128 && !strchr(page, '/')) {
        char url[160];
        snprintf(url, sizeof url, "https://curl.se/docs/%s", page);
        if ((st = pki_imp_ref(im, id, url)) != PK_OK)
            return st;
    }
    pki_spec spec;
    if ((st = pki_spec_bounds(&spec, first, NULL, last, NULL)) != PK_OK)
        return pki_imp_fail(im, PK_E_FEED, rec, "version range does not fit");
    pki_affected a = {
        .id = id, .key = "cpe/haxx/curl", .scheme = "generic", .spec = pki_spec_end(&spec)};
    if ((st = pki_imp_affected(im, &a)) != PK_OK)
        return st;
    /* a flaw in the tool alone does not affect programs linking libcurl */
    if (strcmp(f[C_AFFECTS], "tool") != 0) {
        a.key = "cpe/haxx/libcurl";
        st = pki_imp_affected(im, &a);
    }
    return st;
}

pk_status pki_import_curl_csv(pki_imp *im, const char *buf, size_t len)
{
    if (!im || (!buf && len))
        return PK_E_MISUSE;
    pki_csv c;
    pki_csv_init(&c, buf, len);
    int ix[CURL_COLS], r = pki_csv_next(&c);
    size_t ncol = c.nfield;
    pk_status st = PK_OK;
    if (r != 1) {
        st = r == -2 ? pki_imp_fail(im, PK_E_NOMEM, NULL, "out of memory")
                     : pki_imp_fail(im, PK_E_FEED, NULL, "no header line");
        goto out;
    }
    for (int k = 0; k < CURL_COLS; k++) {
        ix[k] = -1;
        for (size_t i = 0; i < ncol; i++)
            if (!strcmp(c.field[i], COLS[k]))
                ix[k] = (int)i;
        if (ix[k] < 0) {
            st = pki_imp_fail(im, PK_E_FEED, NULL, "header has no \"%s\" column", COLS[k]);
            goto out;
        }
    }
    while ((r = pki_csv_next(&c)) == 1) {
        char rec[32];
        snprintf(rec, sizeof rec, "line %llu", (unsigned long long)c.line);
        if (c.nfield == 1 && !c.field[0][0])
            continue; /* a blank line */
        if (c.nfield != ncol) {
            st = pki_imp_fail(im, PK_E_FEED, rec, "%zu fields where the header has %zu", c.nfield,
                              ncol);
            goto out;
        }
        const char *f[CURL_COLS];
        for (int k = 0; k < CURL_COLS; k++)
            f[k] = c.field[ix[k]];
        if ((st = curl_row(im, f, rec)) != PK_OK)
            goto out;
    }
    if (r == -2)
        st = pki_imp_fail(im, PK_E_NOMEM, NULL, "out of memory");
    else if (r < 0)
        st = pki_imp_fail(im, PK_E_FEED, NULL, "malformed CSV near line %llu",
                          (unsigned long long)c.line);
out:
    pki_csv_free(&c);
    return st;
}
