/* Fuzz target for the Node.js security WG importer (lib/vulndb/imp_nswg.c):
 * the input is one advisory file (npm or core shape). Each input is imported
 * into an in-memory database inside a transaction that is rolled back. A
 * refusal must be PK_E_FEED (or a limit) with a message; on success every
 * stored constraint must be valid JSON and evaluable without a crash.
 * Seeds: tests/fuzz/corpus/vdb_nswg/. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"
#include "vulndb/imp_nswg.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void check_specs(pk_vulndb *db)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db->h, "SELECT scheme, spec FROM affected", -1, &q, NULL) != SQLITE_OK)
        __builtin_trap();
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *scheme = (const char *)sqlite3_column_text(q, 0);
        const char *spec = (const char *)sqlite3_column_text(q, 1);
        json_t *o = spec ? json_loads(spec, 0, NULL) : NULL;
        if (!scheme || !json_is_object(o))
            __builtin_trap(); /* the importer always writes a JSON object */
        json_decref(o);
        int aff;
        (void)pki_spec_eval(scheme, spec, "1.2.3", &aff);
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
    if (n > FUZZ_MAX_INPUT)
        return 0;
    json_t *doc = json_loadb((const char *)d, n, 0, NULL);
    if (!doc || !pki_nswg_sniff(doc)) {
        json_decref(doc);
        return 0; /* the dispatcher sends only what the sniff accepts */
    }
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    /* core advisories take their id from the file name */
    pki_imp im = {
        .db = db, .path = "fuzz/7.json", .feed = "nswg", .err = err, .errcap = sizeof err};
    pk_status st = pki_import_nswg(&im, doc);
    json_decref(doc);
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (st == PK_OK)
        check_specs(db);
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    return 0;
}
