/* The knowledge base file: schema, opening, and the pki_imp_* writes every
 * importer goes through (docs/vulndb.md, "Schema").
 *
 * Replacement model: rows carry the import (gen) that wrote them. The first
 * time an import writes anything for an (id, feed), that pair's scores left
 * by earlier imports are deleted, and product statements likewise by the
 * record that made them (origin: the DSA for a CVE's Debian fix). Importing a
 * newer copy of a feed replaces its records, rows of one import accumulate (a
 * CVE fixed by several DSAs), and the DLA list does not remove what the DSA
 * list said. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cvss.h"
#include "db_int.h"
#include "geo_int.h"

/* NIST CMVP modules (imp_cmvp.c, cmvp.c; docs/vulndb/cmvp.md). id is the
 * certificate number, or "ip:..." for a module in process (which has none).
 * Also created before each import, so a database made before the table
 * existed gains it without a schema version change. */
#define CMVP_SCHEMA                                                                                \
    "CREATE TABLE IF NOT EXISTS cmvp(id TEXT PRIMARY KEY, cert TEXT, vendor TEXT, module TEXT,"    \
    " module_type TEXT, standard TEXT, status TEXT, validated TEXT, sunset TEXT, level INTEGER,"   \
    " caveat TEXT, lab TEXT, phase TEXT, source TEXT NOT NULL, gen INTEGER NOT NULL) WITHOUT "     \
    "ROWID;"

static const char *const SCHEMA =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS source(name TEXT PRIMARY KEY, newest TEXT,"
    " imported_at TEXT NOT NULL, files INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS import_log(gen INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " paths TEXT NOT NULL, records INTEGER, skipped INTEGER);"
    "CREATE TABLE IF NOT EXISTS advisory(id TEXT NOT NULL, feed TEXT NOT NULL, summary TEXT,"
    " published TEXT, modified TEXT, withdrawn TEXT, gen INTEGER NOT NULL,"
    " PRIMARY KEY(id, feed)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS alias(id TEXT NOT NULL, alias TEXT NOT NULL,"
    " PRIMARY KEY(id, alias)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS cvss(id TEXT NOT NULL, feed TEXT NOT NULL, version TEXT NOT NULL,"
    " vector TEXT, score REAL, gen INTEGER NOT NULL, PRIMARY KEY(id, feed, version)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS rating(id TEXT NOT NULL, feed TEXT NOT NULL, word TEXT NOT NULL,"
    " gen INTEGER NOT NULL, PRIMARY KEY(id, feed)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS cwe(id TEXT NOT NULL, cwe TEXT NOT NULL,"
    " PRIMARY KEY(id, cwe)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ref(id TEXT NOT NULL, url TEXT NOT NULL,"
    " PRIMARY KEY(id, url)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS affected(id TEXT NOT NULL, feed TEXT NOT NULL, key TEXT NOT NULL,"
    " distro TEXT NOT NULL, scheme TEXT NOT NULL, spec TEXT NOT NULL, fixed TEXT,"
    " status TEXT NOT NULL, note TEXT, origin TEXT NOT NULL, gen INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS affected_key ON affected(key);"
    "CREATE INDEX IF NOT EXISTS affected_id ON affected(id, feed);"
    "CREATE INDEX IF NOT EXISTS affected_origin ON affected(origin, feed);"
    "CREATE INDEX IF NOT EXISTS alias_alias ON alias(alias);"
    "CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT,"
    " date_added TEXT, due_date TEXT, ransomware TEXT, action TEXT, notes TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS epss(cve TEXT PRIMARY KEY, score REAL NOT NULL,"
    " percentile REAL NOT NULL) WITHOUT ROWID;" CMVP_SCHEMA PKI_GEO_SCHEMA;

static const char *const WRITES[ST_COUNT] = {
    [ST_TOUCH] = "INSERT OR IGNORE INTO temp.touched(id, feed) VALUES(?1, ?2)",
    [ST_TOUCH_ORIGIN] = "INSERT OR IGNORE INTO temp.touched_origin(origin, feed) VALUES(?1, ?2)",
    [ST_DEL_AFF] = "DELETE FROM affected WHERE origin = ?1 AND feed = ?2 AND gen < ?3",
    [ST_DEL_CVSS] = "DELETE FROM cvss WHERE id = ?1 AND feed = ?2 AND gen < ?3",
    [ST_DEL_RATING] = "DELETE FROM rating WHERE id = ?1 AND feed = ?2 AND gen < ?3",
    [ST_ADV] = "INSERT OR REPLACE INTO advisory VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_ALIAS] = "INSERT OR IGNORE INTO alias VALUES(?1, ?2)",
    [ST_CVSS] = "INSERT OR REPLACE INTO cvss VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_RATING] = "INSERT OR REPLACE INTO rating VALUES(?1, ?2, ?3, ?4)",
    [ST_CWE] = "INSERT OR IGNORE INTO cwe VALUES(?1, ?2)",
    [ST_REF] = "INSERT OR IGNORE INTO ref VALUES(?1, ?2)",
    [ST_AFF] = "INSERT INTO affected VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_KEV] = "INSERT OR REPLACE INTO kev VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_EPSS] = "INSERT OR REPLACE INTO epss VALUES(?1, ?2, ?3)",
    /* A list's values win; what it lacks (a lab, a historical module's
     * level) stays as a detail file gave it. */
    [ST_CMVP_LIST] =
        "INSERT INTO cmvp VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
        " ?13, ?14, ?15) ON CONFLICT(id) DO UPDATE SET"
        " cert = coalesce(excluded.cert, cert), vendor = coalesce(excluded.vendor,"
        " vendor), module = coalesce(excluded.module, module),"
        " module_type = coalesce(excluded.module_type, module_type),"
        " standard = coalesce(excluded.standard, standard),"
        " status = coalesce(excluded.status, status),"
        " validated = coalesce(excluded.validated, validated),"
        " sunset = coalesce(excluded.sunset, sunset),"
        " level = coalesce(excluded.level, level),"
        " caveat = coalesce(excluded.caveat, caveat), lab = coalesce(excluded.lab, lab),"
        " phase = coalesce(excluded.phase, phase), source = excluded.source,"
        " gen = excluded.gen",
    /* A detail file only fills gaps, except the lab, which only it knows. */
    [ST_CMVP_DETAIL] =
        "INSERT INTO cmvp VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
        " ?13, ?14, ?15) ON CONFLICT(id) DO UPDATE SET"
        " cert = coalesce(cert, excluded.cert), vendor = coalesce(vendor,"
        " excluded.vendor), module = coalesce(module, excluded.module),"
        " module_type = coalesce(module_type, excluded.module_type),"
        " standard = coalesce(standard, excluded.standard),"
        " status = coalesce(status, excluded.status),"
        " validated = coalesce(validated, excluded.validated),"
        " sunset = coalesce(sunset, excluded.sunset),"
        " level = coalesce(level, excluded.level),"
        " caveat = coalesce(caveat, excluded.caveat),"
        " lab = coalesce(excluded.lab, lab), phase = coalesce(phase, excluded.phase),"
        " gen = excluded.gen",
    [ST_CMVP_DEL_IP] = "DELETE FROM cmvp WHERE source = 'modules-in-process' AND gen < ?1",
};

pk_status pk_vulndb_default_path(char *buf, size_t cap)
{
    const char *e = getenv("PARAKH_DB");
    int n = -1;
    if (e && *e)
        n = snprintf(buf, cap, "%s", e);
    else if ((e = getenv("XDG_DATA_HOME")) && *e)
        n = snprintf(buf, cap, "%s/parakh/parakh.db", e);
    else if ((e = getenv("HOME")) && *e)
        n = snprintf(buf, cap, "%s/.local/share/parakh/parakh.db", e);
    if (n < 0 || (size_t)n >= cap)
        return PK_E_USAGE;
    return PK_OK;
}

static pk_status fail_db(pk_vulndb *db, pk_status st, char *err, size_t errcap, const char *what)
{
    if (err && errcap)
        snprintf(err, errcap, "%s: %s: %s", db && db->path ? db->path : "database", what,
                 db && db->h ? sqlite3_errmsg(db->h) : "cannot allocate");
    return st;
}

pk_status pki_vdb_exec(pk_vulndb *db, const char *sql, char *err, size_t errcap)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err && errcap)
            snprintf(err, errcap, "%s: %s", db->path, msg ? msg : "SQLite error");
        sqlite3_free(msg);
        return PK_E_FEED;
    }
    return PK_OK;
}

static int64_t pragma_int(pk_vulndb *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* mkdir -p of the database's directory, for the default location. */
static void make_parent(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            *p = '/';
            return;
        }
        *p = '/';
    }
}

pk_status pk_vulndb_open(const char *path, int flags, pk_vulndb **out, char *err, size_t errcap)
{
    if (!path || !out)
        return PK_E_MISUSE;
    *out = NULL;
    pk_vulndb *db = pki_calloc(1, sizeof *db);
    if (!db)
        return PK_E_NOMEM;
    db->path = pki_strdup(path);
    if (!db->path) {
        pki_free(db);
        return PK_E_NOMEM;
    }
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && !(flags & PK_VDB_CREATE)) {
        if (err && errcap)
            snprintf(err, errcap, "%s: no such database (create it with parakh db import)", path);
        pk_vulndb_close(db);
        return PK_E_IO;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        if (err && errcap)
            snprintf(err, errcap, "%s: not a regular file", path);
        pk_vulndb_close(db);
        return PK_E_IO;
    }
    if (!exists)
        make_parent(path);
    db->readonly = !(flags & PK_VDB_CREATE);
    int of = db->readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path, &db->h, of | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        pk_status st = fail_db(db, PK_E_IO, err, errcap, "cannot open");
        pk_vulndb_close(db);
        return st;
    }
    /* A database may come from another lab's bundle: no trusted schema. */
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_busy_timeout(db->h, 5000);
    int64_t appid = pragma_int(db, "PRAGMA application_id");
    int64_t ver = pragma_int(db, "PRAGMA user_version");
    int64_t ntab = pragma_int(db, "SELECT count(*) FROM sqlite_schema");
    if (appid < 0 || ntab < 0) {
        pk_status st = fail_db(db, PK_E_FEED, err, errcap, "not a SQLite database");
        pk_vulndb_close(db);
        return st;
    }
    if (ntab == 0 && !db->readonly) {
        char q[64];
        snprintf(q, sizeof q, "PRAGMA application_id=%d; PRAGMA user_version=%d;", PKI_VDB_APPID,
                 PKI_VDB_SCHEMA);
        pk_status st = pki_vdb_exec(db, q, err, errcap);
        if (st == PK_OK)
            st = pki_vdb_exec(db, SCHEMA, err, errcap);
        if (st != PK_OK) {
            pk_vulndb_close(db);
            return st;
        }
    } else if (appid != PKI_VDB_APPID) {
        if (err && errcap)
            snprintf(err, errcap, "%s: not a parakh database", path);
        pk_vulndb_close(db);
        return PK_E_FEED;
    } else if (ver != PKI_VDB_SCHEMA) {
        if (err && errcap)
            snprintf(err, errcap, "%s: schema version %lld, this parakh reads %d", path,
                     (long long)ver, PKI_VDB_SCHEMA);
        pk_vulndb_close(db);
        return PK_E_FEED;
    }
    *out = db;
    return PK_OK;
}

void pk_vulndb_close(pk_vulndb *db)
{
    if (!db)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(db->st[i]);
    pki_geo_close(db);
    sqlite3_close(db->h);
    pki_arena_free(db->src_arena);
    pki_free(db->path);
    pki_free(db);
}

const char *pk_vulndb_path(const pk_vulndb *db)
{
    return db ? db->path : "";
}

pk_status pki_vdb_prepare_writes(pk_vulndb *db, char *err, size_t errcap)
{
    pk_status st = pki_vdb_exec(db,
                                "CREATE TEMP TABLE IF NOT EXISTS touched(id TEXT, feed TEXT,"
                                " PRIMARY KEY(id, feed)) WITHOUT ROWID; DELETE FROM temp.touched;"
                                "CREATE TEMP TABLE IF NOT EXISTS touched_origin(origin TEXT,"
                                " feed TEXT, PRIMARY KEY(origin, feed)) WITHOUT ROWID;"
                                "DELETE FROM temp.touched_origin;" CMVP_SCHEMA PKI_GEO_SCHEMA,
                                err, errcap);
    if (st != PK_OK)
        return st;
    for (int i = 0; i < ST_COUNT; i++) {
        if (db->st[i])
            continue;
        if (sqlite3_prepare_v3(db->h, WRITES[i], -1, SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL) !=
            SQLITE_OK)
            return fail_db(db, PK_E_FEED, err, errcap, "cannot prepare");
    }
    return PK_OK;
}

/* ---- writes ---- */

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static pk_status step(pki_imp *im, int which)
{
    sqlite3_stmt *s = im->db->st[which];
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE)
        return PK_OK;
    if (im->err && im->errcap)
        snprintf(im->err, im->errcap, "%s: cannot write to %s: %s", im->path, im->db->path,
                 sqlite3_errmsg(im->db->h));
    return rc == SQLITE_FULL ? PK_E_IO : PK_E_FEED;
}

static int bad_text(const char *s, size_t max)
{
    return !s || !*s || strnlen(s, max + 1) > max;
}

/* First write for (key, feed) in this import: drop what earlier imports left.
 * which: ST_TOUCH (advisory-level rows: CVSS, rating, by id) or
 * ST_TOUCH_ORIGIN (product statements, by the record that made them). */
static pk_status touch(pki_imp *im, const char *key, int which)
{
    pk_vulndb *db = im->db;
    sqlite3_stmt *s = db->st[which];
    bind_text(s, 1, key);
    bind_text(s, 2, im->feed);
    pk_status st = step(im, which);
    if (st != PK_OK || sqlite3_changes(db->h) == 0)
        return st;
    static const int by_id[] = {ST_DEL_CVSS, ST_DEL_RATING}, by_origin[] = {ST_DEL_AFF};
    const int *dels = which == ST_TOUCH ? by_id : by_origin;
    size_t n = which == ST_TOUCH ? 2 : 1;
    for (size_t i = 0; i < n && st == PK_OK; i++) {
        sqlite3_stmt *d = db->st[dels[i]];
        bind_text(d, 1, key);
        bind_text(d, 2, im->feed);
        sqlite3_bind_int64(d, 3, db->gen);
        st = step(im, dels[i]);
    }
    return st;
}

pk_status pki_imp_fail(pki_imp *im, pk_status st, const char *record, const char *fmt, ...)
{
    if (im->err && im->errcap) {
        int n = record ? snprintf(im->err, im->errcap, "%s: record %s: ", im->path, record)
                       : snprintf(im->err, im->errcap, "%s: ", im->path);
        if (n >= 0 && (size_t)n < im->errcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(im->err + n, im->errcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

pk_status pki_imp_record(pki_imp *im, const char *date)
{
    if (++im->records > PKI_FEED_RECORDS)
        return pki_imp_fail(im, PK_E_LIMIT, NULL, "more than %u records in one file",
                            PKI_FEED_RECORDS);
    pki_vdb_seen(im->db, im->feed, date, 0);
    return PK_OK;
}

void pki_imp_skip(pki_imp *im)
{
    im->skipped++;
}

void pki_imp_feed_date(pki_imp *im, const char *date)
{
    pki_vdb_seen(im->db, im->feed, date, 0);
}

#define IDMAX 256

pk_status pki_imp_advisory(pki_imp *im, const char *id, const char *summary, const char *published,
                           const char *modified, const char *withdrawn)
{
    if (bad_text(id, IDMAX))
        return pki_imp_fail(im, PK_E_FEED, NULL, "an advisory without a usable id");
    pk_status st = touch(im, id, ST_TOUCH);
    if (st == PK_OK) /* a record re-imported without product rows loses its old ones */
        st = touch(im, id, ST_TOUCH_ORIGIN);
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = im->db->st[ST_ADV];
    bind_text(s, 1, id);
    bind_text(s, 2, im->feed);
    if (summary && strlen(summary) > 4096)
        sqlite3_bind_text(s, 3, summary, 4096, SQLITE_TRANSIENT); /* a summary, not the essay */
    else
        bind_text(s, 3, summary);
    bind_text(s, 4, published);
    bind_text(s, 5, modified);
    bind_text(s, 6, withdrawn);
    sqlite3_bind_int64(s, 7, im->db->gen);
    return step(im, ST_ADV);
}

static pk_status pair(pki_imp *im, int which, const char *a, const char *b)
{
    if (bad_text(a, IDMAX) || bad_text(b, 2048))
        return PK_OK; /* an empty alias or CWE says nothing: not worth failing the feed */
    sqlite3_stmt *s = im->db->st[which];
    bind_text(s, 1, a);
    bind_text(s, 2, b);
    return step(im, which);
}

pk_status pki_imp_alias(pki_imp *im, const char *id, const char *alias)
{
    if (!id || !alias || strcmp(id, alias) == 0)
        return PK_OK;
    pk_status st = pair(im, ST_ALIAS, id, alias);
    return st == PK_OK ? pair(im, ST_ALIAS, alias, id) : st;
}

pk_status pki_imp_cwe(pki_imp *im, const char *id, const char *cwe)
{
    return pair(im, ST_CWE, id, cwe);
}

pk_status pki_imp_ref(pki_imp *im, const char *id, const char *url)
{
    return pair(im, ST_REF, id, url);
}

pk_status pki_imp_cvss(pki_imp *im, const char *id, const char *version, const char *vector,
                       double score)
{
    if (bad_text(id, IDMAX) || bad_text(version, 8))
        return PK_OK;
    if (vector && strlen(vector) > 512)
        return pki_imp_fail(im, PK_E_FEED, id, "CVSS vector longer than 512 bytes");
    if (score > 10.0)
        return pki_imp_fail(im, PK_E_FEED, id, "CVSS score %.1f over 10", score);
    if (score < 0 && vector) {
        char v[8];
        double sc;
        if (pki_cvss_base_score(vector, v, &sc) == 0)
            score = sc;
    }
    pk_status st = touch(im, id, ST_TOUCH);
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = im->db->st[ST_CVSS];
    bind_text(s, 1, id);
    bind_text(s, 2, im->feed);
    bind_text(s, 3, version);
    bind_text(s, 4, vector);
    if (score >= 0)
        sqlite3_bind_double(s, 5, score);
    else
        sqlite3_bind_null(s, 5);
    sqlite3_bind_int64(s, 6, im->db->gen);
    return step(im, ST_CVSS);
}

pk_status pki_imp_rating(pki_imp *im, const char *id, const char *word)
{
    if (bad_text(id, IDMAX) || bad_text(word, 64))
        return PK_OK;
    pk_status st = touch(im, id, ST_TOUCH);
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = im->db->st[ST_RATING];
    bind_text(s, 1, id);
    bind_text(s, 2, im->feed);
    bind_text(s, 3, word);
    sqlite3_bind_int64(s, 4, im->db->gen);
    return step(im, ST_RATING);
}

static const char *const STATUSES[] = {"affected", "not_affected", "fixed", "under_investigation"};

pk_status pki_imp_affected(pki_imp *im, const pki_affected *a)
{
    if (bad_text(a->id, IDMAX))
        return pki_imp_fail(im, PK_E_FEED, NULL, "an affected product without an advisory id");
    if (bad_text(a->key, PKI_VKEY_MAX) || bad_text(a->scheme, 16) ||
        bad_text(a->spec, PKI_SPEC_MAX))
        return pki_imp_fail(im, PK_E_FEED, a->id, "affected product without key, scheme or range");
    const char *status = a->status ? a->status : "affected";
    int ok = 0;
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
        ok |= strcmp(status, STATUSES[i]) == 0;
    if (!ok)
        return pki_imp_fail(im, PK_E_FEED, a->id, "unknown product status '%.40s'", status);
    const char *origin = a->origin && *a->origin ? a->origin : a->id;
    if (strlen(origin) > IDMAX)
        return pki_imp_fail(im, PK_E_FEED, a->id, "origin id longer than %d bytes", IDMAX);
    pk_status st = touch(im, origin, ST_TOUCH_ORIGIN);
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = im->db->st[ST_AFF];
    bind_text(s, 1, a->id);
    bind_text(s, 2, im->feed);
    bind_text(s, 3, a->key);
    bind_text(s, 4, a->distro ? a->distro : "");
    bind_text(s, 5, a->scheme);
    bind_text(s, 6, a->spec);
    bind_text(s, 7, a->fixed && strlen(a->fixed) <= 256 ? a->fixed : NULL);
    bind_text(s, 8, status);
    bind_text(s, 9, a->note && strlen(a->note) <= 1024 ? a->note : NULL);
    bind_text(s, 10, origin);
    sqlite3_bind_int64(s, 11, im->db->gen);
    return step(im, ST_AFF);
}

pk_status pki_imp_kev(pki_imp *im, const pki_kev *k)
{
    if (bad_text(k->cve, IDMAX))
        return pki_imp_fail(im, PK_E_FEED, NULL, "a KEV entry without a CVE id");
    sqlite3_stmt *s = im->db->st[ST_KEV];
    const char *v[] = {k->cve,      k->vendor,     k->product, k->name, k->date_added,
                       k->due_date, k->ransomware, k->action,  k->notes};
    for (int i = 0; i < 9; i++)
        bind_text(s, i + 1, v[i] && strlen(v[i]) <= 4096 ? v[i] : NULL);
    return step(im, ST_KEV);
}

pk_status pki_imp_epss(pki_imp *im, const char *cve, double score, double percentile)
{
    if (bad_text(cve, IDMAX))
        return pki_imp_fail(im, PK_E_FEED, NULL, "an EPSS row without a CVE id");
    if (!(score >= 0 && score <= 1) || !(percentile >= 0 && percentile <= 1))
        return pki_imp_fail(im, PK_E_FEED, cve, "EPSS score or percentile outside 0..1");
    sqlite3_stmt *s = im->db->st[ST_EPSS];
    bind_text(s, 1, cve);
    sqlite3_bind_double(s, 2, score);
    sqlite3_bind_double(s, 3, percentile);
    return step(im, ST_EPSS);
}

/* ---- NIST CMVP ---- */

#define CMVP_TEXT_MAX 4096u /* stored bytes of one text; the longest real caveat is ~1 KB */

/* s cut to at most CMVP_TEXT_MAX bytes, at a UTF-8 character boundary. */
static void bind_cut(sqlite3_stmt *s, int i, const char *v)
{
    if (!v || !*v) {
        sqlite3_bind_null(s, i);
        return;
    }
    size_t n = strnlen(v, CMVP_TEXT_MAX + 1);
    if (n > CMVP_TEXT_MAX) {
        n = CMVP_TEXT_MAX;
        while (n && ((unsigned char)v[n] & 0xc0) == 0x80)
            n--;
    }
    sqlite3_bind_text(s, i, v, (int)n, SQLITE_TRANSIENT);
}

pk_status pki_imp_cmvp(pki_imp *im, const pki_cmvp *m, int detail)
{
    if (bad_text(m->id, 1024) || bad_text(m->source, 32))
        return pki_imp_fail(im, PK_E_FEED, NULL, "a CMVP module without an id");
    if (m->level < 0 || m->level > 4)
        return pki_imp_fail(im, PK_E_FEED, m->id, "security level %d outside 1..4", m->level);
    int which = detail ? ST_CMVP_DETAIL : ST_CMVP_LIST;
    sqlite3_stmt *s = im->db->st[which];
    const char *v[] = {m->id,       m->cert,   m->vendor,    m->module, m->module_type,
                       m->standard, m->status, m->validated, m->sunset};
    for (int i = 0; i < 9; i++)
        bind_cut(s, i + 1, v[i]);
    if (m->level)
        sqlite3_bind_int(s, 10, m->level);
    else
        sqlite3_bind_null(s, 10);
    bind_cut(s, 11, m->caveat);
    bind_cut(s, 12, m->lab);
    bind_cut(s, 13, m->phase);
    bind_cut(s, 14, m->source);
    sqlite3_bind_int64(s, 15, im->db->gen);
    return step(im, which);
}

pk_status pki_imp_cmvp_reset_in_process(pki_imp *im)
{
    sqlite3_stmt *s = im->db->st[ST_CMVP_DEL_IP];
    sqlite3_bind_int64(s, 1, im->db->gen);
    return step(im, ST_CMVP_DEL_IP);
}
