/* How old the data is (sources), and the bundle another lab imports. */
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db_int.h"
#include "geo_int.h"

void pki_vdb_now(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "YYYY-MM-DD" at the start of s, as days since 1970; -1 if not a date. */
static int64_t day_number(const char *s)
{
    if (!s || strnlen(s, 10) < 10)
        return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return -1;
        } else if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    /* days from civil (Howard Hinnant's algorithm) */
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t pki_vdb_age_days(const char *date)
{
    int64_t d = day_number(date);
    if (d < 0)
        return -1;
    int64_t now = (int64_t)(time(NULL) / 86400);
    return now > d ? now - d : 0;
}

void pki_vdb_seen(pk_vulndb *db, const char *feed, const char *date, int file)
{
    size_t i;
    for (i = 0; i < db->nseen; i++)
        if (strcmp(db->seen[i].feed, feed) == 0)
            break;
    if (i == db->nseen) {
        if (db->nseen == sizeof db->seen / sizeof db->seen[0])
            return;
        snprintf(db->seen[i].feed, sizeof db->seen[i].feed, "%s", feed);
        db->seen[i].newest[0] = 0;
        db->seen[i].files = 0;
        db->nseen++;
    }
    db->seen[i].files += file != 0;
    if (day_number(date) < 0)
        return;
    /* A record cannot be newer than its import: a date in the future would
     * hide how stale the rest is. */
    char now[32];
    pki_vdb_now(now, sizeof now);
    char d[11];
    memcpy(d, date, 10);
    d[10] = 0;
    if (strcmp(d, now) > 0)
        memcpy(d, now, 10);
    if (strcmp(d, db->seen[i].newest) > 0)
        snprintf(db->seen[i].newest, sizeof db->seen[i].newest, "%s", d);
}

pk_status pki_vdb_update_sources(pk_vulndb *db, char *err, size_t errcap)
{
    char now[32];
    pki_vdb_now(now, sizeof now);
    sqlite3_stmt *s = NULL;
    const char *sql = "INSERT INTO source(name, newest, imported_at, files) VALUES(?1, ?2, ?3, ?4)"
                      " ON CONFLICT(name) DO UPDATE SET imported_at = ?3, files = files + ?4,"
                      " newest = CASE WHEN newest IS NULL OR ?2 > newest THEN ?2 ELSE newest END";
    if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", db->path, sqlite3_errmsg(db->h));
        return PK_E_FEED;
    }
    pk_status st = PK_OK;
    for (size_t i = 0; i < db->nseen && st == PK_OK; i++) {
        sqlite3_bind_text(s, 1, db->seen[i].feed, -1, SQLITE_STATIC);
        if (db->seen[i].newest[0])
            sqlite3_bind_text(s, 2, db->seen[i].newest, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(s, 2);
        sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, (int64_t)db->seen[i].files);
        if (sqlite3_step(s) != SQLITE_DONE) {
            snprintf(err, errcap, "%s: %s", db->path, sqlite3_errmsg(db->h));
            st = PK_E_FEED;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return st;
}

/* Records held by a feed: advisories, or entries for the two tables of
 * scores that have no advisories. */
static const char *count_sql(const char *name)
{
    if (pki_geo_count_sql(name))
        return pki_geo_count_sql(name);
    if (strcmp(name, "kev") == 0)
        return "SELECT count(*) FROM kev";
    if (strcmp(name, "epss") == 0)
        return "SELECT count(*) FROM epss";
    if (strcmp(name, "nist-cmvp") == 0)
        return "SELECT count(*) FROM cmvp";
    return "SELECT count(*) FROM advisory WHERE feed = ?1";
}

pk_status pk_vulndb_status(pk_vulndb *db, const pk_vdb_source **list, size_t *n)
{
    if (!db || !list || !n)
        return PK_E_MISUSE;
    *list = NULL;
    *n = 0;
    pki_arena_free(db->src_arena);
    db->src_arena = pki_arena_new();
    db->src = NULL;
    db->nsrc = 0;
    if (!db->src_arena)
        return PK_E_NOMEM;
    sqlite3_stmt *s = NULL, *c = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT name, newest, imported_at FROM source ORDER BY name", -1,
                           &s, NULL) != SQLITE_OK)
        return PK_E_FEED;
    size_t cap = 0;
    pk_status st = PK_OK;
    while (st == PK_OK && sqlite3_step(s) == SQLITE_ROW) {
        if (db->nsrc == cap) {
            size_t nc = cap ? cap * 2 : 8;
            pk_vdb_source *ns = pki_arena_alloc(db->src_arena, nc * sizeof *ns);
            if (!ns) {
                st = PK_E_NOMEM;
                break;
            }
            if (db->nsrc)
                memcpy(ns, db->src, db->nsrc * sizeof *ns);
            db->src = ns;
            cap = nc;
        }
        pk_vdb_source *e = &db->src[db->nsrc];
        const char *nm = (const char *)sqlite3_column_text(s, 0);
        const char *nw = (const char *)sqlite3_column_text(s, 1);
        const char *ia = (const char *)sqlite3_column_text(s, 2);
        e->name = pki_arena_strdup(db->src_arena, nm ? nm : "");
        e->newest = nw ? pki_arena_strdup(db->src_arena, nw) : NULL;
        e->imported_at = pki_arena_strdup(db->src_arena, ia ? ia : "");
        e->age_days = pki_vdb_age_days(nw);
        e->records = 0;
        if (!e->name || !e->imported_at) {
            st = PK_E_NOMEM;
            break;
        }
        if (sqlite3_prepare_v2(db->h, count_sql(e->name), -1, &c, NULL) == SQLITE_OK) {
            if (sqlite3_bind_parameter_count(c))
                sqlite3_bind_text(c, 1, e->name, -1, SQLITE_STATIC);
            if (sqlite3_step(c) == SQLITE_ROW)
                e->records = (uint64_t)sqlite3_column_int64(c, 0);
        }
        sqlite3_finalize(c);
        c = NULL;
        db->nsrc++;
    }
    sqlite3_finalize(s);
    if (st != PK_OK)
        return st;
    *list = db->src;
    *n = db->nsrc;
    return PK_OK;
}

int64_t pk_vulndb_age_days(pk_vulndb *db)
{
    /* its own query: a status list the caller holds stays valid */
    sqlite3_stmt *s = NULL;
    int64_t worst = -1;
    if (!db || sqlite3_prepare_v2(db->h, "SELECT newest, imported_at FROM source", -1, &s, NULL) !=
                   SQLITE_OK)
        return -1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        /* a source whose data carries no date is as old as its import */
        int64_t a = pki_vdb_age_days((const char *)sqlite3_column_text(s, 0));
        if (a < 0)
            a = pki_vdb_age_days((const char *)sqlite3_column_text(s, 1));
        if (a > worst)
            worst = a;
    }
    sqlite3_finalize(s);
    return worst;
}

const char *pk_vex_state_str(pk_vex_state s)
{
    switch (s) {
    case PK_VEX_AFFECTED:
        return "affected";
    case PK_VEX_NOT_AFFECTED:
        return "not_affected";
    case PK_VEX_FIXED:
        return "fixed";
    case PK_VEX_UNDER_INVESTIGATION:
        return "under_investigation";
    default:
        return "";
    }
}

static int sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    unsigned char buf[65536];
    size_t r;
    while (ok && (r = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(ctx, buf, r) == 1;
    ok = ok && !ferror(f);
    unsigned char md[32];
    unsigned mdlen = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (ok)
        pki_hex(md, 32, hex);
    return ok ? 0 : -1;
}

pk_status pk_vulndb_export(pk_vulndb *db, const char *dir, char *err, size_t errcap)
{
    if (!db || !dir)
        return PK_E_MISUSE;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "%s: cannot create: %s", dir, strerror(errno));
        return PK_E_IO;
    }
    char path[4096], tmp[4096], man[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/parakh.db", dir) >= sizeof path ||
        (size_t)snprintf(tmp, sizeof tmp, "%s/parakh.db.part", dir) >= sizeof tmp ||
        (size_t)snprintf(man, sizeof man, "%s/MANIFEST.json", dir) >= sizeof man) {
        snprintf(err, errcap, "%s: path too long", dir);
        return PK_E_USAGE;
    }
    remove(tmp);
    /* The backup API copies a consistent snapshot, page by page. */
    sqlite3 *to = NULL;
    pk_status st = PK_OK;
    if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "%s: cannot create: %s", tmp, sqlite3_errmsg(to));
        sqlite3_close(to);
        return PK_E_IO;
    }
    sqlite3_backup *b = sqlite3_backup_init(to, "main", db->h, "main");
    if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
        snprintf(err, errcap, "%s: cannot copy the database: %s", tmp, sqlite3_errmsg(to));
        st = PK_E_IO;
    }
    sqlite3_backup_finish(b);
    if (st == PK_OK && sqlite3_exec(to, "VACUUM", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", tmp, sqlite3_errmsg(to));
        st = PK_E_IO;
    }
    sqlite3_close(to);
    if (st == PK_OK && rename(tmp, path) != 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        st = PK_E_IO;
    }
    if (st != PK_OK) {
        remove(tmp);
        return st;
    }
    char hex[65];
    if (sha256_file(path, hex) != 0) {
        snprintf(err, errcap, "%s: cannot read back", path);
        return PK_E_IO;
    }
    const pk_vdb_source *l;
    size_t n;
    if ((st = pk_vulndb_status(db, &l, &n)) != PK_OK)
        return st;
    json_t *m = json_object(), *srcs = json_array();
    json_object_set_new(m, "format", json_string("parakh-vulndb-bundle"));
    json_object_set_new(m, "schema", json_integer(PKI_VDB_SCHEMA));
    json_object_set_new(m, "file", json_string("parakh.db"));
    json_object_set_new(m, "sha256", json_string(hex));
    char now[32];
    pki_vdb_now(now, sizeof now);
    json_object_set_new(m, "exported_at", json_string(now));
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(l[i].name));
        json_object_set_new(o, "records", json_integer((json_int_t)l[i].records));
        json_object_set_new(o, "newest", l[i].newest ? json_string(l[i].newest) : json_null());
        json_object_set_new(o, "imported_at", json_string(l[i].imported_at));
        json_array_append_new(srcs, o);
    }
    json_object_set_new(m, "sources", srcs);
    int rc = json_dump_file(m, man, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(m);
    if (rc != 0) {
        snprintf(err, errcap, "%s: cannot write", man);
        return PK_E_IO;
    }
    return PK_OK;
}
