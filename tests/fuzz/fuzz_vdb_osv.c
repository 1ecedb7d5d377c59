/* Fuzz target for the OSV, CVE 5 and curl-table importers
 * (lib/vulndb/imp_osv.c, imp_cve5.c, imp_curl.c): the first byte picks the
 * importer (mod 3: OSV JSON, CVE 5 JSON, curl CSV), the rest is the file.
 * Each input is imported into an in-memory database inside a transaction that
 * is rolled back. A refusal must be PK_E_FEED (or a limit) with a message;
 * on success every stored constraint must be valid JSON and evaluable without
 * a crash. Seeds: tests/fuzz/corpus/vdb_osv/. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"
#include "vulndb/imp_curl.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void check_specs(pk_vulndb *db)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db->h, "SELECT scheme, spec, key FROM affected", -1, &q, NULL) !=
        SQLITE_OK)
        __builtin_trap();
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *scheme = (const char *)sqlite3_column_text(q, 0);
        const char *spec = (const char *)sqlite3_column_text(q, 1);
        const char *key = (const char *)sqlite3_column_text(q, 2);
        if (!scheme || !spec || !key || !*key)
            __builtin_trap();
        json_t *o = json_loads(spec, 0, NULL);
        if (!json_is_object(o))
            __builtin_trap(); /* the builders always write a JSON object */
        json_decref(o);
        int aff;
        (void)pki_spec_eval(scheme, spec, "1.0", &aff);
    }
    sqlite3_finalize(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static pk_vulndb *db;
    char err[512] = "";
    if (!db && (pk_vulndb_open(":memory:", PK_VDB_CREATE, &db, err, sizeof err) != PK_OK ||
                pki_vdb_prepare_writes(db, err, sizeof err) != PK_OK))
        __builtin_trap();
    if (n < 1 || n > FUZZ_MAX_INPUT)
        return 0;
    /* an exact-size copy, so a read past the end is caught */
    char *buf = malloc(n - 1 ? n - 1 : 1);
    if (!buf)
        return 0;
    memcpy(buf, d + 1, n - 1);
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    int kind = d[0] % 3;
    pki_imp im = {.db = db,
                  .path = "fuzz",
                  .feed = kind == 0   ? "osv"
                          : kind == 1 ? "cve5"
                                      : "curl",
                  .err = err,
                  .errcap = sizeof err};
    pk_status st = PK_E_FEED;
    if (kind == 2) {
        st = pki_import_curl_csv(&im, buf, n - 1);
    } else {
        json_t *doc = json_loadb(buf, n - 1, 0, NULL);
        if (doc)
            st = kind == 0 ? pki_import_osv(&im, doc) : pki_import_cve5(&im, doc);
        else
            snprintf(err, sizeof err, "not JSON");
        json_decref(doc);
    }
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (st == PK_OK)
        check_specs(db);
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    free(buf);
    return 0;
}
