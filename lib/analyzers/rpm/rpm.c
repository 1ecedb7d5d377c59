/* The rpm analyzer: a .rpm package's header, and the installed packages of
 * an rpmdb.sqlite (<root>var/lib/rpm/ or <root>usr/lib/sysimage/rpm/).
 * Header parsing lives in rpm_hdr.c; docs/analyzers/rpm.md lists the rules,
 * limits and the database formats not read (Berkeley DB, ndb). */
#include "rpm_int.h"

#include <sqlite3.h>
#include <string.h>
#include <time.h>

#define RPMDB_MAX_BYTES  (1024ull << 20) /* a full distribution's rpmdb is ~200 MB */
#define RPMDB_MAX_ROWS   200000u
#define RPMDB_STEP_LIMIT 20000u /* progress callbacks (each 1000 VM steps) */
#define RPMDB_SECONDS    60

static const char *const rpmdb_tails[] = {
    "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",     "usr/lib/sysimage/rpm/Packages",
    "var/lib/rpm/Packages.db",  "usr/lib/sysimage/rpm/Packages.db",
};

/* The vpath prefix before a known rpmdb location, at a directory boundary;
 * *fmt (NULLABLE): 0 sqlite, 1 Berkeley DB, 2 ndb. */
static long rpmdb_root(const char *vpath, int *fmt)
{
    size_t n = strlen(vpath);
    for (size_t i = 0; i < sizeof rpmdb_tails / sizeof rpmdb_tails[0]; i++) {
        if (fmt)
            *fmt = (int)i / 2;
        size_t t = strlen(rpmdb_tails[i]);
        if (n >= t && memcmp(vpath + n - t, rpmdb_tails[i], t) == 0 &&
            (n == t || vpath[n - t - 1] == '/'))
            return (long)(n - t);
    }
    return -1;
}

static int is_rpm(const pk_file *f)
{
    static const uint8_t lead[4] = {0xed, 0xab, 0xee, 0xdb};
    return f->type == PK_FT_RPM || (f->head.len >= 4 && memcmp(f->head.ptr, lead, 4) == 0);
}

static unsigned rpm_claim(const pk_file *file)
{
    if (is_rpm(file))
        return 90;
    return file->vpath && rpmdb_root(file->vpath, NULL) >= 0 ? 90 : 0;
}

static pk_status analyze_rpm(const pk_file *f, pk_emit *out)
{
    pki_rpm_hdr h;
    if (!pki_rpm_hdr_file(f->data.ptr, f->data.len, &h))
        return PK_OK;
    size_t n = strlen(f->vpath);
    char *scope = pki_malloc(n + 3);
    if (!scope)
        return PK_E_NOMEM;
    memcpy(scope, f->vpath, n);
    memcpy(scope + n, "!/", 3);
    pki_rpm_emit how = {
        .scope = scope,
        .owns = scope,
        .rule = "rpm-header",
        .confidence = 90,
        .loc = {(uint64_t)(h.index - 8 - f->data.ptr), (uint64_t)8 + h.il * 16ull + h.dl, NULL},
    };
    pki_rpm_emit_hdr(out, &h, &how);
    pki_free(scope);
    return PK_OK;
}

/* ---- rpmdb.sqlite ---- */

typedef struct db_guard {
    unsigned calls;
    time_t start;
} db_guard;

/* Bounds a hostile schema's work (a view, a huge index) in steps and time. */
static int progress(void *arg)
{
    db_guard *g = arg;
    return ++g->calls > RPMDB_STEP_LIMIT || time(NULL) - g->start > RPMDB_SECONDS;
}

static sqlite3 *open_copy(const pk_file *f, db_guard *g)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)PKI_RPM_MAX_DATA + 16);
    sqlite3_progress_handler(db, 1000, progress, g);
    /* the copy is the database's own: sqlite frees it with the connection */
    unsigned char *buf = sqlite3_malloc64(f->data.len);
    if (!buf) {
        sqlite3_close(db);
        return NULL;
    }
    memcpy(buf, f->data.ptr, f->data.len);
    /* rpm keeps the database in WAL mode; the in-memory VFS reads only the
     * main file, so mark it rollback-journal (bytes 18, 19 = file format). */
    if (f->data.len >= 100 && buf[18] == 2 && buf[19] == 2)
        buf[18] = buf[19] = 1;
    if (sqlite3_deserialize(db, "main", buf, (sqlite3_int64)f->data.len, (sqlite3_int64)f->data.len,
                            SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static pk_status analyze_rpmdb(const pk_file *f, pk_emit *out)
{
    static const uint8_t magic[16] = "SQLite format 3";
    if (f->data.len < 100 || f->data.len > RPMDB_MAX_BYTES || memcmp(f->data.ptr, magic, 16) != 0)
        return PK_OK;
    long rl = rpmdb_root(f->vpath, NULL);
    char *scope = pki_malloc((size_t)rl + 1);
    if (!scope)
        return PK_E_NOMEM;
    memcpy(scope, f->vpath, (size_t)rl);
    scope[rl] = '\0';
    db_guard g = {0, time(NULL)};
    uint64_t budget = 2ull * f->data.len + (1u << 20);
    sqlite3 *db = open_copy(f, &g);
    sqlite3_stmt *st = NULL;
    if (db &&
        sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL) == SQLITE_OK) {
        for (unsigned n = 0; n < RPMDB_MAX_ROWS && sqlite3_step(st) == SQLITE_ROW; n++) {
            const uint8_t *b = sqlite3_column_blob(st, 1);
            int len = sqlite3_column_bytes(st, 1);
            pki_rpm_hdr h;
            if (!b || len <= 0)
                continue;
            if ((uint64_t)len > budget)
                break; /* a corrupt file can make rows share pages: bound the work */
            budget -= (uint64_t)len;
            if (!pki_rpm_hdr_blob(b, (size_t)len, &h, NULL))
                continue;
            pki_rpm_emit how = {
                .scope = scope,
                .rule = "rpmdb-sqlite",
                .confidence = 95,
                .loc = {PK_LOC_NONE, 0, NULL},
                .files = 1,
            };
            pki_rpm_emit_hdr(out, &h, &how);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    pki_free(scope);
    return PK_OK;
}

/* Berkeley DB (fmt 1) or ndb (fmt 2) */
static pk_status analyze_pages(const pk_file *f, pk_emit *out, int fmt)
{
    long rl = rpmdb_root(f->vpath, NULL);
    char *scope = pki_malloc((size_t)rl + 1);
    if (!scope)
        return PK_E_NOMEM;
    memcpy(scope, f->vpath, (size_t)rl);
    scope[rl] = '\0';
    pki_rpm_emit how = {
        .scope = scope,
        .rule = fmt == 1 ? "rpmdb-bdb" : "rpmdb-ndb",
        .confidence = 95,
        .loc = {PK_LOC_NONE, 0, NULL},
        .files = 1,
    };
    if (fmt == 1)
        pki_rpm_bdb_read(f->data.ptr, f->data.len, out, &how);
    else
        pki_rpm_ndb_read(f->data.ptr, f->data.len, out, &how);
    pki_free(scope);
    return PK_OK;
}

static pk_status rpm_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->vpath || !file->data.ptr)
        return PK_OK;
    if (is_rpm(file))
        return analyze_rpm(file, out);
    int fmt = 0;
    if (rpmdb_root(file->vpath, &fmt) >= 0)
        return fmt ? analyze_pages(file, out, fmt) : analyze_rpmdb(file, out);
    return PK_OK;
}

const pk_analyzer pki_analyzer_rpm = {
    .name = "rpm",
    .abi = PK_ANALYZER_ABI,
    .claim = rpm_claim,
    .analyze = rpm_analyze,
};
