/* Fuzz target for the NVD importers (lib/vulndb/imp_nvd.c): the first byte
 * picks the format (even: 1.1 feed, pki_import_nvd11; odd: API 2.0,
 * pki_import_nvd20), the rest is parsed as JSON and imported into an
 * in-memory database inside a rolled-back transaction. A refusal must be
 * PK_E_FEED (or a limit) with a message. Seeds: tests/fuzz/corpus/vdb_nvd/
 * (small real records cut from shared/data/nvd and hostile shapes). */
#include <jansson.h>
#include <stdio.h>
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
    if (n < 1 || n > FUZZ_MAX_INPUT)
        return 0;
    /* jansson's default depth cap (2048) bounds its own recursion */
    json_t *doc = json_loadb((const char *)d + 1, n - 1, 0, NULL);
    if (!doc)
        return 0;
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db, .path = "fuzz", .feed = "nvd", .err = err, .errcap = sizeof err};
    pk_status st = (d[0] & 1) ? pki_import_nvd20(&im, doc) : pki_import_nvd11(&im, doc);
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (st == PK_OK && im.skipped > im.records)
        __builtin_trap();
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    json_decref(doc);
    return 0;
}
