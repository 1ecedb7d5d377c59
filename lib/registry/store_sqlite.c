/* The registry store on SQLite: one connection per handle, WAL (readers do
 * not block the writer), synchronous=FULL (a commit answered 201 survives a
 * power cut, not only a crash), foreign keys on, and a busy timeout so two
 * servers on one file wait for each other's write lock instead of failing. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>

#include "store_int.h"

/* Long enough for a burst of submits from another process to drain; a
 * writer holds the lock for one small transaction only. */
#define PKI_SQLITE_BUSY_MS 30000
/* Prepared statements kept per handle: the server repeats a dozen texts,
 * and parsing each time costs more than running a lookup. */
#define PKI_SQLITE_CACHE 24

typedef struct sq_db {
    sqlite3 *h;
    sqlite3_stmt *cache[PKI_SQLITE_CACHE];
    unsigned next; /* the slot replaced next, round robin */
} sq_db;

static const char *const sqlite_schema[] = {
    "CREATE TABLE log_head (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL)",
    "INSERT INTO log_head (id, size) VALUES (1, 0)",
    "CREATE TABLE log_leaves (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref_id TEXT NOT NULL,"
    " data BLOB NOT NULL, hash BLOB NOT NULL CHECK (length(hash) = 32))",
    "CREATE TABLE log_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
    " hash BLOB NOT NULL CHECK (length(hash) = 32), PRIMARY KEY (level, idx))",
    "CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL)",
    "CREATE TABLE accreditations (log_index INTEGER PRIMARY KEY REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED,"
    " lab_id TEXT NOT NULL, key_id TEXT NOT NULL, public_key BLOB NOT NULL,"
    " envelope BLOB NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL,"
    " state TEXT NOT NULL)",
    "CREATE INDEX accreditations_lab ON accreditations (lab_id)",
    "CREATE INDEX accreditations_key ON accreditations (key_id)",
    "CREATE TABLE suspensions (log_index INTEGER PRIMARY KEY REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED,"
    " lab_id TEXT NOT NULL, from_date TEXT NOT NULL, reason TEXT NOT NULL,"
    " envelope BLOB NOT NULL)",
    "CREATE INDEX suspensions_lab ON suspensions (lab_id)",
    "CREATE TABLE certificates (id TEXT PRIMARY KEY, log_index INTEGER NOT NULL UNIQUE"
    " REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED, envelope BLOB NOT NULL, lab_id TEXT NOT NULL,"
    " issued TEXT NOT NULL, expires TEXT NOT NULL, product TEXT NOT NULL,"
    " vendor TEXT NOT NULL, version TEXT NOT NULL, purl TEXT, cpe TEXT,"
    " profile TEXT NOT NULL, verdict TEXT NOT NULL,"
    " supersedes TEXT REFERENCES certificates (id))",
    "CREATE INDEX certificates_purl ON certificates (purl)",
    "CREATE INDEX certificates_supersedes ON certificates (supersedes, log_index)",
    "CREATE TABLE cert_subjects (cert_id TEXT NOT NULL REFERENCES certificates (id),"
    " sha256 BLOB NOT NULL CHECK (length(sha256) = 32), name TEXT NOT NULL,"
    " PRIMARY KEY (cert_id, sha256, name))",
    "CREATE INDEX cert_subjects_sha256 ON cert_subjects (sha256)",
    "CREATE TABLE revocations (cert_id TEXT PRIMARY KEY REFERENCES certificates (id),"
    " log_index INTEGER NOT NULL UNIQUE REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED, reason TEXT NOT NULL,"
    " date TEXT NOT NULL, by_role TEXT NOT NULL, by_name TEXT NOT NULL, record BLOB NOT NULL)",
    "CREATE TABLE tokens (id TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN"
    " ('national', 'sectoral', 'organisational', 'lab', 'public')), lab_id TEXT,"
    " name TEXT NOT NULL, secret_sha256 BLOB NOT NULL UNIQUE"
    " CHECK (length(secret_sha256) = 32), created TEXT NOT NULL, revoked TEXT,"
    " CHECK ((role = 'lab') = (lab_id IS NOT NULL)))",
    NULL,
};

/* Errors name the file: a server may have several registries open. */
static const char *sq_file(sqlite3 *h)
{
    const char *f = sqlite3_db_filename(h, "main");
    return f && *f ? f : "sqlite";
}

static pk_status sq_status(sqlite3 *h, int rc)
{
    (void)h;
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return PK_E_USAGE;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return PK_E_FORMAT;
    case SQLITE_NOMEM:
        return PK_E_NOMEM;
    default:
        return PK_E_IO;
    }
}

static bool sq_isnull(const pki_row *r, int col)
{
    return sqlite3_column_type(r->impl, col) == SQLITE_NULL;
}

static int64_t sq_i64(const pki_row *r, int col)
{
    return sqlite3_column_int64(r->impl, col);
}

static const void *sq_bytes(const pki_row *r, int col, size_t *n)
{
    const void *p = sqlite3_column_type(r->impl, col) == SQLITE_BLOB
                        ? sqlite3_column_blob(r->impl, col)
                        : (const void *)sqlite3_column_text(r->impl, col);
    *n = (size_t)sqlite3_column_bytes(r->impl, col);
    return p ? p : "";
}

static const pki_row_ops sq_row_ops = {sq_isnull, sq_i64, sq_bytes};

static pk_status sq_bind(sqlite3_stmt *st, const pki_param *p, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        int k = (int)i + 1, rc;
        switch (p[i].t) {
        case PKI_P_INT:
            rc = sqlite3_bind_int64(st, k, p[i].i);
            break;
        case PKI_P_TEXT:
            rc = sqlite3_bind_text(st, k, p[i].p, (int)p[i].n, SQLITE_STATIC);
            break;
        case PKI_P_BLOB:
            rc = sqlite3_bind_blob(st, k, p[i].p, (int)p[i].n, SQLITE_STATIC);
            break;
        default:
            rc = sqlite3_bind_null(st, k);
            break;
        }
        if (rc != SQLITE_OK)
            return PK_E_INTERNAL;
    }
    return PK_OK;
}

static pk_status sq_query(void *db, const char *sql, const pki_param *p, size_t np, pki_row_cb cb,
                          void *arg, size_t max_rows, char *err, size_t errlen)
{
    sq_db *d = db;
    sqlite3 *h = d->h;
    sqlite3_stmt *st = NULL;
    /* Matched by text, not pointer: callers build some texts in buffers. */
    for (unsigned i = 0; i < PKI_SQLITE_CACHE && !st; i++)
        if (d->cache[i] && strcmp(sqlite3_sql(d->cache[i]), sql) == 0)
            st = d->cache[i];
    if (!st) {
        int rc = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK)
            return pki_rs_fail(err, errlen, sq_status(h, rc), "%s: %s", sq_file(h),
                               sqlite3_errmsg(h));
        sqlite3_finalize(d->cache[d->next]);
        d->cache[d->next] = st;
        d->next = (d->next + 1) % PKI_SQLITE_CACHE;
    }
    int rc;
    pk_status s = sq_bind(st, p, np);
    if (s != PK_OK) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return pki_rs_fail(err, errlen, s, "%s: cannot bind: %s", sq_file(h), sqlite3_errmsg(h));
    }
    size_t rows = 0;
    pki_row row = {&sq_row_ops, st, 0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cb && (max_rows == 0 || rows < max_rows)) {
            row.row = (int)rows;
            s = cb(arg, &row, err, errlen);
            if (s != PK_OK)
                break;
        }
        rows++;
        if (max_rows && rows >= max_rows)
            break;
    }
    if (s == PK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = pki_rs_fail(err, errlen, sq_status(h, rc), "%s: %s", sq_file(h), sqlite3_errmsg(h));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s;
}

static pk_status sq_exec(sq_db *d, const char *sql, char *err, size_t errlen)
{
    return sq_query(d, sql, NULL, 0, NULL, NULL, 0, err, errlen);
}

static pk_status sq_begin(void *db, char *err, size_t errlen)
{
    /* IMMEDIATE takes the write lock now, so the log size read next cannot
     * change before commit: the SQLite form of the log-head row lock. */
    return sq_exec(db, "BEGIN IMMEDIATE", err, errlen);
}

static pk_status sq_commit(void *db, char *err, size_t errlen)
{
    return sq_exec(db, "COMMIT", err, errlen);
}

static void sq_rollback(void *db)
{
    if (!sqlite3_get_autocommit(((sq_db *)db)->h))
        sq_exec(db, "ROLLBACK", NULL, 0);
}

static void sq_close(void *db)
{
    sq_db *d = db;
    for (unsigned i = 0; i < PKI_SQLITE_CACHE; i++)
        sqlite3_finalize(d->cache[i]);
    sqlite3_close_v2(d->h);
    pki_free(d);
}

pk_status pki_rs_sqlite_open(const char *path, void **db, char *err, size_t errlen)
{
    sqlite3 *h = NULL;
    *db = NULL;
    if (!*path)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: empty SQLite path");
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return pki_rs_fail(err, errlen, PK_E_IO, "%s: not a regular file", path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        pk_status s = pki_rs_fail(err, errlen, PK_E_IO, "%s: cannot open: %s", path,
                                  h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close_v2(h);
        return s;
    }
    sq_db *d = pki_calloc(1, sizeof *d);
    if (!d) {
        sqlite3_close_v2(h);
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "%s: out of memory", path);
    }
    d->h = h;
    sqlite3_extended_result_codes(h, 0);
    sqlite3_busy_timeout(h, PKI_SQLITE_BUSY_MS);
    /* The first statement reads the header: a file that is not a database,
     * or is corrupt, fails here with a message naming the file. */
    static const char *const setup[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                                        "PRAGMA foreign_keys=ON"};
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
        char e[256];
        pk_status s = sq_exec(d, setup[i], e, sizeof e);
        if (s != PK_OK) {
            /* e names the file already (absolute); keep the caller's path. */
            const char *f = sq_file(h), *why = e;
            if (strncmp(e, f, strlen(f)) == 0 && strncmp(e + strlen(f), ": ", 2) == 0)
                why = e + strlen(f) + 2;
            if (s == PK_E_FORMAT)
                pki_rs_fail(err, errlen, s,
                            "%s: not a registry database (corrupt or not SQLite: %s)", path, why);
            else
                pki_rs_fail(err, errlen, s, "%s: %s", path, why);
            sq_close(d);
            return s;
        }
    }
    *db = d;
    return PK_OK;
}

const pki_rs_ops pki_rs_sqlite = {
    .name = "sqlite",
    .query = sq_query,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .close = sq_close,
    .schema = sqlite_schema,
    .schema_v2 = pki_csaf_sqlite_schema,
    .lock_head_sql = "SELECT size FROM log_head WHERE id = 1",
};
