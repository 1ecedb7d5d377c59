/* CISA Known Exploited Vulnerabilities: the catalog as JSON
 * (known_exploited_vulnerabilities.json) and as CSV (the same entries, one
 * row each). Every entry becomes one pki_imp_kev row plus its CWEs; KEV names
 * no package versions, so nothing here adds affected rows: matching finds a
 * CVE through another feed and KEV only flags it (docs/vulndb/kev-epss-debian.md). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"
#include "vulndb/vdb_int.h"

#define KEV_TEXT_MAX 65536u /* one text field; the longest real one is ~1 KB */
#define KEV_CWES_MAX 256u   /* CWEs of one entry; real entries have at most a few */
#define KEV_CWE_LEN  16u    /* "CWE-" and up to 11 digits */

/* "YYYY-MM-DD" with plausible month and day; trailing text (a time) allowed
 * only when `prefix`. */
static int kev_date_ok(const char *s, int prefix)
{
    for (int i = 0; i < 10; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    int mon = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return 0;
    return prefix || s[10] == 0;
}

/* A "CWE-NNN" id; anything else in a cwes list (NVD's "NVD-CWE-noinfo") is
 * not a weakness id and is left out. */
static int kev_cwe_ok(const char *s, size_t n)
{
    if (n < 5 || n > KEV_CWE_LEN || strncmp(s, "CWE-", 4) != 0)
        return 0;
    for (size_t i = 4; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* ---- JSON ---- */

static pk_status kev_json_entry(pki_imp *im, const json_t *e, size_t idx)
{
    char rec[64];
    snprintf(rec, sizeof rec, "vulnerabilities[%zu]", idx);
    if (!json_is_object(e))
        return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
    pki_kev k = {0};
    pk_status st = pki_imp_jstr(im, e, "cveID", rec, KEV_TEXT_MAX, &k.cve);
    if (st != PK_OK)
        return st;
    if (!k.cve || !pki_cve_id_ok(k.cve))
        return pki_imp_fail(im, PK_E_FEED, rec, "cveID missing or not CVE-YYYY-NNNN");
    snprintf(rec, sizeof rec, "%s", k.cve); /* fits: at most 28 bytes */
    if ((st = pki_imp_jstr(im, e, "vendorProject", rec, KEV_TEXT_MAX, &k.vendor)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "product", rec, KEV_TEXT_MAX, &k.product)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "vulnerabilityName", rec, KEV_TEXT_MAX, &k.name)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "dateAdded", rec, KEV_TEXT_MAX, &k.date_added)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "dueDate", rec, KEV_TEXT_MAX, &k.due_date)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "knownRansomwareCampaignUse", rec, KEV_TEXT_MAX,
                           &k.ransomware)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "requiredAction", rec, KEV_TEXT_MAX, &k.action)) != PK_OK ||
        (st = pki_imp_jstr(im, e, "notes", rec, KEV_TEXT_MAX, &k.notes)) != PK_OK)
        return st;
    if (!k.date_added || !kev_date_ok(k.date_added, 0))
        return pki_imp_fail(im, PK_E_FEED, rec, "dateAdded missing or not YYYY-MM-DD");
    if (k.due_date && !kev_date_ok(k.due_date, 0))
        return pki_imp_fail(im, PK_E_FEED, rec, "dueDate is not YYYY-MM-DD");

    const json_t *cwes = json_object_get(e, "cwes");
    if (cwes && !json_is_null(cwes) &&
        (!json_is_array(cwes) || json_array_size(cwes) > KEV_CWES_MAX))
        return pki_imp_fail(im, PK_E_FEED, rec, "cwes is not an array of at most %u", KEV_CWES_MAX);
    for (size_t i = 0; cwes && i < json_array_size(cwes); i++)
        if (!json_is_string(json_array_get(cwes, i)))
            return pki_imp_fail(im, PK_E_FEED, rec, "cwes[%zu] is not a string", i);

    if ((st = pki_imp_record(im, k.date_added)) != PK_OK || (st = pki_imp_kev(im, &k)) != PK_OK)
        return st;
    for (size_t i = 0; cwes && i < json_array_size(cwes); i++) {
        const json_t *c = json_array_get(cwes, i);
        const char *s = json_string_value(c);
        if (kev_cwe_ok(s, json_string_length(c)) && strlen(s) == json_string_length(c) &&
            (st = pki_imp_cwe(im, k.cve, s)) != PK_OK)
            return st;
    }
    return PK_OK;
}

pk_status pki_import_kev_json(pki_imp *im, json_t *doc)
{
    if (!json_is_object(doc))
        return pki_imp_fail(im, PK_E_FEED, NULL, "KEV catalog is not a JSON object");
    const char *released = NULL;
    pk_status st = pki_imp_jstr(im, doc, "dateReleased", "catalog", KEV_TEXT_MAX, &released);
    if (st != PK_OK)
        return st;
    if (released && !kev_date_ok(released, 1))
        return pki_imp_fail(im, PK_E_FEED, "catalog", "dateReleased is not an ISO 8601 date");
    const char *version = NULL; /* checked for type only: the date says how new it is */
    if ((st = pki_imp_jstr(im, doc, "catalogVersion", "catalog", KEV_TEXT_MAX, &version)) != PK_OK)
        return st;
    const json_t *vulns = json_object_get(doc, "vulnerabilities");
    if (!json_is_array(vulns))
        return pki_imp_fail(im, PK_E_FEED, "catalog", "vulnerabilities is not an array");
    if (json_array_size(vulns) > PKI_FEED_RECORDS)
        return pki_imp_fail(im, PK_E_LIMIT, "catalog", "more than %u entries", PKI_FEED_RECORDS);
    if (released)
        pki_imp_feed_date(im, released);
    for (size_t i = 0; i < json_array_size(vulns); i++)
        if ((st = kev_json_entry(im, json_array_get(vulns, i), i)) != PK_OK)
            return st;
    return PK_OK;
}

/* ---- CSV ---- */

/* Columns of the published CSV, found by header name so a reordered or
 * extended file still reads. */
enum {
    KC_CVE,
    KC_VENDOR,
    KC_PRODUCT,
    KC_NAME,
    KC_ADDED,
    KC_DUE,
    KC_RANSOM,
    KC_ACTION,
    KC_NOTES,
    KC_CWES,
    KC_N
};
static const char *const kev_cols[KC_N] = {
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "dueDate",
    "knownRansomwareCampaignUse",
    "requiredAction",
    "notes",
    "cwes",
};

static const char *kev_cell(const pki_csv *c, const long *col, int k)
{
    if (col[k] < 0)
        return NULL;
    const char *s = c->field[col[k]];
    return s[0] ? s : NULL;
}

/* cwes in the CSV is one field, "CWE-59, CWE-436". */
static pk_status kev_csv_cwes(pki_imp *im, const char *cve, const char *s)
{
    unsigned n = 0;
    while (s && *s) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *e = s;
        while (*e && *e != ',' && *e != ' ')
            e++;
        size_t len = (size_t)(e - s);
        if (len && kev_cwe_ok(s, len)) {
            if (++n > KEV_CWES_MAX)
                return pki_imp_fail(im, PK_E_FEED, cve, "more than %u CWEs", KEV_CWES_MAX);
            char cwe[KEV_CWE_LEN + 1];
            memcpy(cwe, s, len);
            cwe[len] = 0;
            pk_status st = pki_imp_cwe(im, cve, cwe);
            if (st != PK_OK)
                return st;
        }
        s = e;
    }
    return PK_OK;
}

static pk_status kev_csv_row(pki_imp *im, const pki_csv *c, const long *col, size_t ncol,
                             const char *rec)
{
    if (c->nfield != ncol)
        return pki_imp_fail(im, PK_E_FEED, rec, "%zu fields, the header has %zu", c->nfield, ncol);
    for (size_t i = 0; i < c->nfield; i++)
        if (strlen(c->field[i]) > KEV_TEXT_MAX)
            return pki_imp_fail(im, PK_E_FEED, rec, "field %zu is too long", i + 1);
    pki_kev k = {
        .cve = kev_cell(c, col, KC_CVE),
        .vendor = kev_cell(c, col, KC_VENDOR),
        .product = kev_cell(c, col, KC_PRODUCT),
        .name = kev_cell(c, col, KC_NAME),
        .date_added = kev_cell(c, col, KC_ADDED),
        .due_date = kev_cell(c, col, KC_DUE),
        .ransomware = kev_cell(c, col, KC_RANSOM),
        .action = kev_cell(c, col, KC_ACTION),
        .notes = kev_cell(c, col, KC_NOTES),
    };
    if (!k.cve || !pki_cve_id_ok(k.cve))
        return pki_imp_fail(im, PK_E_FEED, rec, "cveID missing or not CVE-YYYY-NNNN");
    if (!k.date_added || !kev_date_ok(k.date_added, 0))
        return pki_imp_fail(im, PK_E_FEED, rec, "%s: dateAdded missing or not YYYY-MM-DD", k.cve);
    if (k.due_date && !kev_date_ok(k.due_date, 0))
        return pki_imp_fail(im, PK_E_FEED, rec, "%s: dueDate is not YYYY-MM-DD", k.cve);
    pk_status st = pki_imp_record(im, k.date_added);
    if (st == PK_OK)
        st = pki_imp_kev(im, &k);
    if (st == PK_OK)
        st = kev_csv_cwes(im, k.cve, kev_cell(c, col, KC_CWES));
    return st;
}

/* The header row: every column named, cveID and dateAdded required. A UTF-8
 * byte order mark before the first name is ignored. */
static pk_status kev_csv_header(pki_imp *im, const pki_csv *c, long *col, const char *rec)
{
    for (int k = 0; k < KC_N; k++)
        col[k] = -1;
    for (size_t i = 0; i < c->nfield; i++) {
        const char *name = c->field[i];
        if (i == 0 && strncmp(name, "\xEF\xBB\xBF", 3) == 0)
            name += 3;
        for (int k = 0; k < KC_N; k++)
            if (strcmp(name, kev_cols[k]) == 0 && col[k] < 0)
                col[k] = (long)i;
    }
    if (col[KC_CVE] < 0 || col[KC_ADDED] < 0)
        return pki_imp_fail(im, PK_E_FEED, rec, "header lacks cveID or dateAdded");
    return PK_OK;
}

pk_status pki_import_kev_csv(pki_imp *im, const char *buf, size_t len)
{
    pki_csv c;
    pki_csv_init(&c, buf, len);
    long col[KC_N] = {0}; /* every entry set by the header scan; zeroed for the optimizer */
    size_t ncol = 0;
    pk_status st = PK_OK;
    char rec[48];
    for (;;) {
        /* rows are named by their first line (a quoted field may span lines) */
        snprintf(rec, sizeof rec, "line %llu", (unsigned long long)c.line + 1);
        int r = pki_csv_next(&c);
        if (r == 0)
            break;
        if (r < 0) {
            st = r == -2 ? PK_E_NOMEM
                         : pki_imp_fail(im, PK_E_FEED, rec, "unterminated quote or row too long");
            break;
        }
        if (c.nfield == 1 && c.field[0][0] == 0)
            continue; /* a blank line (the file's last) */
        if (!ncol) {
            if ((st = kev_csv_header(im, &c, col, rec)) != PK_OK)
                break;
            ncol = c.nfield;
            continue;
        }
        if ((st = kev_csv_row(im, &c, col, ncol, rec)) != PK_OK)
            break;
    }
    if (st == PK_OK && !ncol)
        st = pki_imp_fail(im, PK_E_FEED, NULL, "empty KEV CSV");
    pki_csv_free(&c);
    return st;
}
