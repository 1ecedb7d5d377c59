/* Fuzz target for the CSV feeds and KEV: the first byte picks the reader
 * (0: KEV CSV, lib/vulndb/imp_kev.c; 1: EPSS CSV, imp_epss.c; 2: the shared
 * RFC 4180 reader pki_csv alone, csv.c; 3: KEV JSON), the rest is the file.
 * Imports run in an in-memory database inside a rolled-back transaction. A
 * refusal must be PK_E_FEED (or a limit) with a message; every field the CSV
 * reader hands out lies inside its row storage and is NUL-terminated.
 * Seeds: tests/fuzz/corpus/vdb_csv/. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void csv_only(const char *buf, size_t len)
{
    pki_csv c;
    pki_csv_init(&c, buf, len);
    int r;
    uint64_t rows = 0;
    while ((r = pki_csv_next(&c)) == 1) {
        if (c.nfield == 0 || c.line <= rows)
            __builtin_trap(); /* a row has a field and a line of its own */
        rows = c.line;
        for (size_t i = 0; i < c.nfield; i++) {
            if (c.field[i] < c.row || c.field[i] >= c.row + c.rowcap)
                __builtin_trap();
            (void)strlen(c.field[i]); /* ASan: terminated inside the row */
        }
    }
    pki_csv_free(&c);
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
    char *buf = malloc(n - 1 ? n - 1 : 1); /* exact size: overreads are caught */
    if (!buf)
        return 0;
    memcpy(buf, d + 1, n - 1);
    int mode = d[0] & 3;
    if (mode == 2) {
        csv_only(buf, n - 1);
        free(buf);
        return 0;
    }
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db, .path = "fuzz", .err = err, .errcap = sizeof err};
    pk_status st = PK_E_FEED;
    if (mode == 0) {
        im.feed = "kev";
        st = pki_import_kev_csv(&im, buf, n - 1);
    } else if (mode == 1) {
        im.feed = "epss";
        st = pki_import_epss_csv(&im, buf, n - 1);
    } else {
        im.feed = "kev";
        json_t *doc = json_loadb(buf, n - 1, 0, NULL);
        if (doc)
            st = pki_import_kev_json(&im, doc);
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
