/* The database handle and its prepared statements; shared by db.c (schema,
 * writes), import.c (the transaction around an import), status.c and match.c
 * (reads). Importers never see this: they write through vdb_int.h. */
#ifndef PK_LIB_VULNDB_DB_INT_H
#define PK_LIB_VULNDB_DB_INT_H

#include <sqlite3.h>

#include "../core/core_int.h"
#include "vdb_int.h"

#define PKI_VDB_SCHEMA 1
#define PKI_VDB_APPID  0x50414b48 /* "PAKH": PRAGMA application_id of a parakh database */

enum {
    ST_TOUCH,
    ST_TOUCH_ORIGIN,
    ST_DEL_AFF,
    ST_DEL_CVSS,
    ST_DEL_RATING,
    ST_ADV,
    ST_ALIAS,
    ST_CVSS,
    ST_RATING,
    ST_CWE,
    ST_REF,
    ST_AFF,
    ST_KEV,
    ST_EPSS,
    ST_CMVP_LIST,   /* NIST CMVP rows (imp_cmvp.c): a list row, a certificate detail, */
    ST_CMVP_DETAIL, /* and the in-process rows an earlier import left */
    ST_CMVP_DEL_IP,
    ST_COUNT
};

struct pk_vulndb {
    sqlite3 *h;
    char *path;
    int readonly;
    sqlite3_stmt *st[ST_COUNT];
    int64_t gen;           /* the import in progress (import_log id), 0 outside one */
    sqlite3_stmt *geo[12]; /* endpoint knowledge statements (geo_db.c, geo_lookup.c) */
    /* status() results, owned here */
    pk_vdb_source *src;
    size_t nsrc;
    pki_arena *src_arena;
    /* newest date per feed seen by the import in progress */
    struct {
        char feed[32]; /* "trackers-disconnect-ent" */
        char newest[32];
        uint64_t files;
    } seen[16];
    size_t nseen;
};

/* Runs SQL with no result rows; PK_E_FEED with the SQLite message in err. */
pk_status pki_vdb_exec(pk_vulndb *db, const char *sql, char *err, size_t errcap);
/* Prepares the write statements (once, lazily, before an import). */
pk_status pki_vdb_prepare_writes(pk_vulndb *db, char *err, size_t errcap);
/* Records a feed date for the import in progress (keeps the maximum). */
void pki_vdb_seen(pk_vulndb *db, const char *feed, const char *date, int file);
/* Writes the source rows for every feed seen; called before COMMIT. */
pk_status pki_vdb_update_sources(pk_vulndb *db, char *err, size_t errcap);
/* The current UTC time as ISO 8601 into buf[32]. */
void pki_vdb_now(char *buf, size_t cap);
/* Days from an ISO 8601 date ("YYYY-MM-DD...") to now; -1 if unparsable. */
int64_t pki_vdb_age_days(const char *date);

/* Reads a bundle's parakh.db (pk_vulndb_export) row by row through the
 * pki_imp_* checks, inside the caller's transaction; checks MANIFEST.json's
 * SHA-256 when the manifest sits beside it. */
pk_status pki_vdb_import_bundle(pk_vulndb *db, const char *path, pk_import_stats *st, char *err,
                                size_t errcap);

#endif
