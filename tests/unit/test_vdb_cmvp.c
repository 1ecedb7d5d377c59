/* The NIST CMVP importer and lookups (lib/vulndb/imp_cmvp.c, cmvp.c) on the
 * real files in shared/data/crypto-policy/nist-cmvp ($PK_SHARED): the active
 * list, the xz-compressed historical list, the in-process list and the
 * certificate detail files, read back through pk_cmvp_get/pk_cmvp_find with
 * exact values; re-import and import order leave the same table; malformed
 * files are refused with PK_E_FEED naming the file and record, the table left
 * as it was; a database made before the table existed reads as empty and
 * gains the table on its next import. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdb_test.h"
#include "vulndb/vdb_int.h"

#define CMVP "crypto-policy/nist-cmvp/"

/* Every row of the table as one text, for "unchanged" checks (malloc'd). */
static char *dump(pk_vulndb *db)
{
    sqlite3 *h;
    sqlite3_stmt *s = q_prep(db,
                             "SELECT id, cert, vendor, module, module_type, standard, status,"
                             " validated, sunset, level, caveat, lab, phase, source FROM cmvp"
                             " ORDER BY id",
                             &h);
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int i = 0; i < 14; i++) {
            const char *t = (const char *)sqlite3_column_text(s, i);
            size_t l = t ? strlen(t) : 4;
            while (n + l + 2 >= cap) {
                cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
            }
            memcpy(out + n, t ? t : "NULL", l);
            n += l;
            out[n++] = i == 13 ? '\n' : '\t';
            out[n] = 0;
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return out;
}

static void import_all(pk_vulndb *db)
{
    char a[1200], b[1200], c[1200], d[1200];
    const char *paths[] = {
        sh(CMVP "modules.json", a, sizeof a), sh(CMVP "historical-modules.json.xz", b, sizeof b),
        sh(CMVP "modules-in-process.json", c, sizeof c), sh(CMVP "certificates", d, sizeof d)};
    char err[1024] = "";
    pk_import_stats st;
    if (pk_vulndb_import(db, paths, 4, &st, err, sizeof err) != PK_OK)
        fail_msg("import: %s", err);
    assert_int_equal(st.files, 1 + 1 + 1 + 45);
    assert_int_equal(st.records, 1073 + 4131 + 333 + 45);
    assert_int_equal(st.skipped, 0);
}

static pk_cmvp_module get(pk_vulndb *db, const char *cert)
{
    pk_cmvp_module m;
    int found = -1;
    assert_int_equal(pk_cmvp_get(db, cert, &m, &found), PK_OK);
    if (found != 1)
        fail_msg("certificate %s not found", cert);
    return m;
}

static void test_real(void **state)
{
    (void)state;
    pk_vulndb *db = db_new("cmvp.db");
    import_all(db);
    /* 1,073 active + 4,131 historical (22 revoked) + 328 in process (333
     * entries, 5 of them exact repeats) */
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp"), 5532);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE status = 'Active'"), 1073);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE status = 'Historical'"), 4109);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE status = 'Revoked'"), 22);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE status = 'In process'"), 328);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE status = 'Active' AND"
                               " standard = 'FIPS 140-3'"),
                     480);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE lab IS NOT NULL"), 45);
    assert_int_equal(q_int(db, "SELECT count(*) FROM cmvp WHERE cert IS NOT NULL AND"
                               " validated IS NULL"),
                     0);

    pk_cmvp_module m = get(db, "4282");
    assert_string_equal(m.cert, "4282");
    assert_string_equal(m.vendor, "The OpenSSL Project");
    assert_string_equal(m.module, "OpenSSL FIPS Provider");
    assert_string_equal(m.module_type, "Software");
    assert_string_equal(m.standard, "FIPS 140-2");
    assert_string_equal(m.status, "Active");
    assert_string_equal(m.validated, "2022-08-23");
    assert_string_equal(m.sunset, "2026-09-21");
    assert_int_equal(m.level, 1);
    assert_string_equal(m.lab, "Acumen Security");

    m = get(db, "#4985");
    assert_string_equal(m.standard, "FIPS 140-3");
    assert_string_equal(m.sunset, "2030-03-10");
    assert_string_equal(m.validated, "2025-03-11");
    assert_string_equal(m.lab, "Lightship Security, Inc."); /* the later of its two labs */

    m = get(db, "5104");
    assert_string_equal(m.vendor, "Google, LLC");
    assert_string_equal(m.module, "BoringCrypto");
    assert_string_equal(m.sunset, "2030-12-08");
    assert_string_equal(m.lab, "DEKRA Cybersecurity Certification Laboratory");

    /* historical: the list gives no standard, level or sunset; the detail
     * file gives the standard and level */
    m = get(db, "1747");
    assert_string_equal(m.module, "OpenSSL FIPS Object Module");
    assert_string_equal(m.vendor, "OpenSSL Software Services Inc.");
    assert_string_equal(m.status, "Historical");
    assert_string_equal(m.standard, "FIPS 140-2");
    assert_string_equal(m.validated, "2012-06-27");
    assert_string_equal(m.sunset, "");
    assert_int_equal(m.level, 1);
    assert_string_equal(m.lab, "UL Verification Services, Inc.");
    m = get(db, "2473"); /* historical without a detail file */
    assert_string_equal(m.standard, "");
    assert_int_equal(m.level, 0);
    assert_string_equal(m.lab, "");
    /* "...10/25/201001/31/1103/14/2011...": a two-digit year in the run */
    m = get(db, "1109");
    assert_string_equal(m.validated, "2009-03-26");
    q_text_eq(db, "SELECT module_type FROM cmvp WHERE id = '5215'", "Software");
    q_text_eq(db,
              "SELECT vendor || '|' || phase FROM cmvp WHERE source = 'modules-in-process'"
              " AND module = 'AMD ASP Cryptographic CoProcessor (\"Strix 1\" and \"Krackan 1\")'",
              "Advanced Micro Devices (AMD)|Review (2026-01-23)");

    q_text_eq(db,
              "SELECT vendor || '|' || standard || '|' || phase FROM cmvp WHERE"
              " source = 'modules-in-process' AND module = 'OpenSSL FIPS Provider'",
              "The OpenSSL Corporation|FIPS 140-3|Pending Review (2025-11-25)");
    int found = -1;
    assert_int_equal(pk_cmvp_get(db, "99999", &m, &found), PK_OK);
    assert_int_equal(found, 0);
    assert_int_equal(pk_cmvp_get(db, "12345678901234567890", &m, &found), PK_OK);
    assert_int_equal(found, 0);

    /* 35 certificates name "OpenSSL FIPS Provider" (all active); newest first */
    pk_cmvp_module r[64];
    size_t n = 0, i4985 = 99, i4282 = 99;
    assert_int_equal(pk_cmvp_find(db, NULL, "openssl fips provider", r, 64, &n), PK_OK);
    assert_int_equal(n, 35 + 7); /* and 7 modules in process, after them */
    assert_string_equal(r[0].cert, "5213");
    assert_string_equal(r[35].cert, "");
    assert_string_equal(r[35].status, "In process");
    assert_string_equal(r[34].status, "Active");
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(r[i].cert, "4985"))
            i4985 = i;
        if (!strcmp(r[i].cert, "4282"))
            i4282 = i;
    }
    assert_int_equal(i4985, 17);
    assert_int_equal(i4282, 34);
    char got[256] = "";
    assert_int_equal(pk_cmvp_find(db, "OpenSSL", NULL, r, 64, &n), PK_OK);
    for (size_t i = 0, len = 0; i < n && len + sizeof r[i].cert + 1 < sizeof got; i++) {
        const char *c = r[i].cert[0] ? r[i].cert : "-"; /* in process */
        size_t l = strlen(c);
        memcpy(got + len, c, l);
        got[len + l] = ' ';
        got[len += l + 1] = 0;
    }
    assert_string_equal(got, "4985 4811 4282 2473 2398 1747 - ");
    assert_int_equal(pk_cmvp_find(db, "openssl", "FIPS", r, 2, &n), PK_OK); /* cap */
    assert_int_equal(n, 2);
    assert_int_equal(pk_cmvp_find(db, "no such vendor", NULL, r, 64, &n), PK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(pk_cmvp_find(db, NULL, NULL, NULL, 0, &n), PK_OK);
    assert_int_equal(pk_cmvp_find(db, NULL, NULL, NULL, 1, &n), PK_E_MISUSE);

    /* db status lists the feed with its rows and metadata.generated_at */
    const pk_vdb_source *l;
    size_t ns;
    assert_int_equal(pk_vulndb_status(db, &l, &ns), PK_OK);
    size_t k = ns;
    for (size_t i = 0; i < ns; i++)
        if (!strcmp(l[i].name, "nist-cmvp"))
            k = i;
    assert_true(k < ns);
    assert_int_equal(l[k].records, 5532);
    assert_string_equal(l[k].newest, "2026-03-29");

    /* the same files again, and in another order: the same table */
    char *before = dump(db);
    import_all(db);
    char *again = dump(db);
    assert_string_equal(before, again);
    pk_vulndb_close(db);
    db = db_new("cmvp2.db");
    char p[1200];
    imp_ok(db, sh(CMVP "certificates", p, sizeof p), NULL);
    imp_ok(db, sh(CMVP "modules-in-process.json", p, sizeof p), NULL);
    imp_ok(db, sh(CMVP "historical-modules.json.xz", p, sizeof p), NULL);
    imp_ok(db, sh(CMVP "modules.json", p, sizeof p), NULL);
    char *other = dump(db);
    assert_string_equal(before, other);
    free(before);
    free(again);
    free(other);

    /* read-only, as scans open it */
    char path[1200];
    snprintf(path, sizeof path, "%s", pk_vulndb_path(db));
    pk_vulndb_close(db);
    char err[512] = "";
    assert_int_equal(pk_vulndb_open(path, PK_VDB_READONLY, &db, err, sizeof err), PK_OK);
    m = get(db, "5104");
    assert_string_equal(m.status, "Active");
    pk_vulndb_close(db);
}

/* A small valid list, for the malformed cases. */
#define ROW(n, date)                                                                               \
    "{\"Certificate Number\":\"" n "\",\"Vendor Name\":\"V\",\"Module Name\":\"M\",\"Module "      \
    "Type\":\"Software\",\"Validation Date\":\"" date "\",\"standard\":\"FIPS 140-3\","            \
    "\"status\":\"Active\",\"sunset_date\":\"1/2/2030\",\"overall_level\":2}"
#define LIST(rows)                                                                                 \
    "{\"metadata\":{\"generated_at\":\"2026-01-02T00:00:00Z\"},\"modules\":[" rows "]}"

static void test_bad(void **state)
{
    (void)state;
    pk_vulndb *db = db_new("cmvp-bad.db");
    put_ok(db, "good.json", LIST(ROW("9001", "01/05/2024") "," ROW("9002", "02/29/2024")), NULL);
    pk_cmvp_module m = get(db, "9002");
    assert_string_equal(m.validated, "2024-02-29");
    assert_string_equal(m.sunset, "2030-01-02");
    assert_int_equal(m.level, 2);
    char *before = dump(db);

    put_bad(db, "date.json", LIST(ROW("9001", "01/05/2024") "," ROW("9003", "02/29/2023")),
            "record modules[1] (certificate 9003): Validation Date \"02/29/2023\"");
    put_bad(db, "month.json", LIST(ROW("9003", "13/01/2023")), "(certificate 9003)");
    put_bad(db, "run.json", LIST(ROW("9003", "01/05/2024x")), "Validation Date");
    put_bad(db, "type.json",
            "{\"modules\":[{\"Certificate Number\":\"9004\",\"Vendor Name\":7,\"Module "
            "Name\":\"M\",\"status\":\"Active\"}]}",
            "record modules[0] (certificate 9004): Vendor Name is not a string");
    put_bad(db, "cert.json",
            "{\"modules\":[{\"Certificate Number\":\"12a\",\"Vendor Name\":\"V\",\"Module "
            "Name\":\"M\",\"status\":\"Active\"}]}",
            "record modules[0]: Certificate Number is not a certificate number");
    put_bad(db, "level.json",
            "{\"modules\":[{\"Certificate Number\":\"9005\",\"Vendor Name\":\"V\",\"Module "
            "Name\":\"M\",\"status\":\"Active\",\"overall_level\":\"1\"}]}",
            "overall_level is not a level 1..4");
    put_bad(db, "trunc.json", "{\"modules\":[{\"Certificate Number\":\"9006\",\"Vendor Na",
            "not valid JSON");
    put_bad(db, "detail.json",
            "{\"certificate\":{\"certificate_number\":\"9001\",\"sunset_date\":\"2/30/2030\"}}",
            "record certificate 9001: sunset_date \"2/30/2030\"");
    put_bad(db, "hist.json",
            "{\"certificate\":{\"certificate_number\":\"9001\",\"validation_history\":"
            "[{\"date\":\"1/5/2024\",\"lab\":[]}]}}",
            "record certificate 9001 validation_history[0]: lab is not a string");
    put_bad(db, "ip.json",
            "{\"modules_in_process\":[{\"Module Name\":\"M\",\"Vendor Name\":\"VView "
            "Contacts\",\"Standard\":\"FIPS 140-3\",\"Status\":\"Review  (1/32/2026)\"}]}",
            "record modules_in_process[0]: Status date \"1/32/2026\"");
    /* the same through the xz path: the message names the compressed file */
    fx_put("xzbad.json", LIST(ROW("9007", "00/05/2024")));
    assert_int_equal(fx_sh("xz -f xzbad.json"), 0);
    char p[1200];
    imp_bad(db, fx("xzbad.json.xz", p, sizeof p), "record modules[0] (certificate 9007)");
    char *after = dump(db);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* a detail fills what the list lacks and sets the lab, never erases */
    put_ok(db, "d.json",
           "{\"certificate\":{\"certificate_number\":\"9001\",\"standard\":\"FIPS 140-2\","
           "\"caveat\":\"C\",\"validation_history\":[{\"date\":\"1/5/2024\",\"lab\":\"L1\"},"
           "{\"date\":\"3/5/2024\",\"lab\":\"L2\"},{\"date\":\"2/5/2024\",\"lab\":\"L3\"},"
           "{\"date\":\"4/5/2024\",\"lab\":\"\"}]}}",
           NULL);
    m = get(db, "9001");
    assert_string_equal(m.standard, "FIPS 140-3"); /* the list's */
    assert_string_equal(m.lab, "L2");
    assert_string_equal(m.sunset, "2030-01-02");
    q_text_eq(db, "SELECT caveat FROM cmvp WHERE id = '9001'", "C");
    /* the in-process list is a snapshot: a newer one replaces it */
    put_ok(db, "ip1.json",
           "{\"modules_in_process\":[{\"Module Name\":\"A\",\"Vendor Name\":\"V\"},"
           "{\"Module Name\":\"B\",\"Vendor Name\":\"V\"}]}",
           NULL);
    put_ok(db, "ip2.json",
           "{\"modules_in_process\":[{\"Module Name\":\"B\",\"Vendor Name\":\"V\"}]}", NULL);
    q_text_eq(db, "SELECT group_concat(module) FROM cmvp WHERE source = 'modules-in-process'", "B");
    pk_vulndb_close(db);
}

/* A database made before the table existed: nothing found, no error; its
 * next import creates the table. */
static void test_old_db(void **state)
{
    (void)state;
    pk_vulndb *db = db_new("cmvp-old.db");
    char path[1200], err[512] = "";
    snprintf(path, sizeof path, "%s", pk_vulndb_path(db));
    pk_vulndb_close(db);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DROP TABLE cmvp", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(pk_vulndb_open(path, PK_VDB_READONLY, &db, err, sizeof err), PK_OK);
    pk_cmvp_module m;
    int found = -1;
    size_t n = 9;
    assert_int_equal(pk_cmvp_get(db, "4282", &m, &found), PK_OK);
    assert_int_equal(found, 0);
    assert_int_equal(pk_cmvp_find(db, NULL, NULL, &m, 1, &n), PK_OK);
    assert_int_equal(n, 0);
    pk_vulndb_close(db);
    assert_int_equal(pk_vulndb_open(path, PK_VDB_CREATE, &db, err, sizeof err), PK_OK);
    char p[1200];
    imp_ok(db, sh(CMVP "certificates/4282.json", p, sizeof p), NULL);
    m = get(db, "4282");
    assert_string_equal(m.status, "Active");
    assert_string_equal(m.validated, "2022-08-23");
    pk_vulndb_close(db);
}

static int setup(void **state)
{
    (void)state;
    vdb_shared_dir(NULL);
    return fx_mkdtemp("/tmp/pk-vdbcmvp-XXXXXX");
}

static int teardown(void **state)
{
    (void)state;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_old_db),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
