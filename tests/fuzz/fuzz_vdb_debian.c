/* Fuzz target for the Debian security tracker importers
 * (lib/vulndb/imp_debian.c): the first byte picks the shape (even: a DSA/DLA
 * list, odd: the tracker's JSON export), the rest is the file. Each input is
 * imported into an in-memory database inside a transaction that is rolled
 * back, so every run starts from the same empty database. A refusal must be
 * PK_E_FEED (or a limit) with a message. Seeds: tests/fuzz/corpus/vdb_debian/. */
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
    if (n < 1 || n > FUZZ_MAX_INPUT)
        return 0;
    /* an exact-size copy, so a read past the end is caught */
    char *buf = malloc(n - 1 ? n - 1 : 1);
    if (!buf)
        return 0;
    memcpy(buf, d + 1, n - 1);
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db, .path = "fuzz", .feed = "debian", .err = err, .errcap = sizeof err};
    pk_status st = PK_E_FEED;
    if (!(d[0] & 1)) {
        st = pki_import_debian_list(&im, buf, n - 1);
    } else {
        json_t *doc = json_loadb(buf, n - 1, 0, NULL);
        if (doc)
            st = pki_import_debian_json(&im, doc);
        else
            snprintf(err, sizeof err, "not JSON");
        json_decref(doc);
    }
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    free(buf);
    return 0;
}
