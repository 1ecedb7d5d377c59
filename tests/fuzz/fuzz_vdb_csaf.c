/* Fuzz target for the CSAF 2.0 / VEX importer (lib/vulndb/imp_csaf.c): the
 * input is parsed as JSON and imported into an in-memory database inside a
 * rolled-back transaction. A refusal must be PK_E_FEED (or a limit) with a
 * message. Seeds: tests/fuzz/corpus/vdb_csaf/ (Red Hat and OASIS documents,
 * trimmed). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

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
    if (!doc)
        return 0;
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db, .path = "fuzz", .feed = "csaf", .err = err, .errcap = sizeof err};
    pk_status st = pki_import_csaf(&im, doc);
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (im.skipped > im.records)
        __builtin_trap(); /* a skip is a record that gave nothing */
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    json_decref(doc);
    return 0;
}
