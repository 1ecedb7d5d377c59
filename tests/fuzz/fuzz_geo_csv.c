/* Fuzz target for the endpoint knowledge importers that read text: the first
 * byte picks the reader (0: IP ranges, text form; 1: IP ranges, integer
 * form; 2: the sniffer then whichever it chose; 3: tracker list JSON, kind
 * by pki_trackers_sniff), the rest is the file (lib/vulndb/imp_ipcountry.c,
 * imp_trackers.c). Imports run in an in-memory database inside a rolled-back
 * transaction; a refusal must be PK_E_FEED or PK_E_LIMIT with a message.
 * Seeds: tests/fuzz/corpus/geo_csv/. */
#include <jansson.h>
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
    if (n < 1 || n > FUZZ_MAX_INPUT)
        return 0;
    char *buf = malloc(n - 1 ? n - 1 : 1); /* exact size: overreads are caught */
    if (!buf)
        return 0;
    memcpy(buf, d + 1, n - 1);
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db, .path = "fuzz", .err = err, .errcap = sizeof err};
    pk_status st = PK_OK;
    int mode = d[0] & 3, integer = mode == 1;
    if (mode == 2 && !pki_ipcsv_sniff(buf, n - 1, &integer))
        mode = -1;
    if (mode >= 0 && mode <= 2) {
        im.feed = integer ? PKI_FEED_IP_INT : PKI_FEED_IP_CSV;
        st = pki_import_ipcsv(&im, buf, n - 1, integer);
    } else if (mode == 3) {
        json_t *doc = json_loadb(buf, n - 1, 0, NULL);
        const char *kind = doc ? pki_trackers_sniff(doc) : NULL;
        if (kind) {
            im.feed = kind;
            st = pki_import_trackers(&im, doc);
        }
        json_decref(doc);
    }
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap(); /* a refusal is a feed error that says why */
    if (st == PK_OK) {    /* what was stored reads back through the lookups */
        char cc[3];
        if (pk_geo_ip_country(db, "1.0.0.1", cc) != PK_OK)
            __builtin_trap();
        pk_tracker_host t;
        int found;
        if (pk_trackers_host(db, "a.b.example.com", &t, &found) != PK_OK)
            __builtin_trap();
    }
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
    free(buf);
    return 0;
}
