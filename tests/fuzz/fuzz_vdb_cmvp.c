/* Fuzz target for the NIST CMVP importer and lookups (lib/vulndb/imp_cmvp.c,
 * cmvp.c): the input is one JSON file (a module list, the in-process list or
 * a certificate detail), imported into an in-memory database inside a
 * transaction that is rolled back. A refusal must be PK_E_FEED (or a limit)
 * with a message; on success every stored date must be a real YYYY-MM-DD day,
 * every level 1..4, and each module pk_cmvp_find returns must be found again
 * by pk_cmvp_get with the same fields. Seeds: tests/fuzz/corpus/vdb_cmvp/. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static long long count(pk_vulndb *db, const char *sql)
{
    sqlite3_stmt *q;
    long long v = -1;
    if (sqlite3_prepare_v2(db->h, sql, -1, &q, NULL) != SQLITE_OK)
        __builtin_trap();
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static void check(pk_vulndb *db, const char *vendor)
{
    /* date() moves "2023-02-30" to March: a stored date it changes is not real */
    if (count(db, "SELECT count(*) FROM cmvp WHERE (validated IS NOT NULL AND"
                  " date(validated) IS NOT validated) OR (sunset IS NOT NULL AND"
                  " date(sunset) IS NOT sunset) OR (level IS NOT NULL AND level NOT BETWEEN 1 AND"
                  " 4) OR id IS NULL OR (cert IS NOT NULL AND cert IS NOT id)") != 0)
        __builtin_trap();
    pk_cmvp_module r[8], g;
    size_t k = 0;
    if (pk_cmvp_find(db, vendor, NULL, r, 8, &k) != PK_OK || k > 8)
        __builtin_trap();
    for (size_t i = 0; i < k; i++) {
        int found = 0;
        if (strnlen(r[i].cert, sizeof r[i].cert) >= sizeof r[i].cert ||
            strnlen(r[i].vendor, sizeof r[i].vendor) >= sizeof r[i].vendor ||
            strnlen(r[i].lab, sizeof r[i].lab) >= sizeof r[i].lab)
            __builtin_trap(); /* every string NUL-terminated inside its array */
        if (!r[i].cert[0])
            continue; /* in process: no certificate to look up */
        if (pk_cmvp_get(db, r[i].cert, &g, &found) != PK_OK || !found ||
            memcmp(&g, &r[i], sizeof g) != 0)
            __builtin_trap();
    }
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
    /* an exact-size copy, so a read past the end is caught */
    char *buf = malloc(n ? n : 1);
    if (!buf)
        return 0;
    memcpy(buf, d, n);
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db, .path = "fuzz", .feed = "nist-cmvp", .err = err, .errcap = sizeof err};
    pk_status st = PK_E_FEED;
    json_t *doc = json_loadb(buf, n, 0, NULL);
    if (doc) {
        (void)pki_cmvp_sniff(doc);
        st = pki_import_cmvp(&im, doc);
    } else {
        snprintf(err, sizeof err, "not JSON");
    }
    json_decref(doc);
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (st == PK_OK) {
        /* the input's first bytes as a vendor filter: lookups with odd text */
        char vendor[4] = {0};
        memcpy(vendor, buf, n < 3 ? n : 3);
        check(db, NULL);
        check(db, vendor);
    }
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    free(buf);
    return 0;
}
