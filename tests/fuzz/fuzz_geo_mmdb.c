/* Fuzz target for the MaxMind .mmdb importer (lib/vulndb/imp_mmdb.c): the
 * input is the file. libmaxminddb opens it; the search tree walk must stay
 * bounded (explicit stack, node visits <= node count) whatever the records
 * say, and a refusal is PK_E_FEED or PK_E_LIMIT with a message. Imports run
 * in an in-memory database inside a rolled-back transaction. Seeds:
 * tests/fuzz/corpus/geo_mmdb/ (tiny trees written by tests/unit/mkmmdb.pl). */
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"
#include "vulndb/geo_int.h"

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
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {
        .db = db, .path = "fuzz", .feed = PKI_FEED_IP_MMDB, .err = err, .errcap = sizeof err};
    (void)pki_mmdb_sniff((const char *)d, n);
    pk_status st = pki_import_mmdb(&im, (const char *)d, n);
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap();
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    return 0;
}
