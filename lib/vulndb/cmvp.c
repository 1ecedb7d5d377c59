/* Lookups in the NIST CMVP table (pk_cmvp_get, pk_cmvp_find; the rows come
 * from imp_cmvp.c). Read-only: works on a handle opened for scans. Each call
 * prepares its own statement, so results never depend on an earlier call. */
#include <stdio.h>
#include <string.h>

#include "db_int.h"

#define CMVP_COLS                                                                                  \
    "SELECT coalesce(cert, ''), vendor, module, module_type, standard, status, validated, sunset," \
    " level, lab FROM cmvp"

/* src into dst[cap], cut at a UTF-8 character boundary; NULL is "". */
static void put(char *dst, size_t cap, const unsigned char *src)
{
    size_t n = src ? strlen((const char *)src) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n && (src[n] & 0xc0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = 0;
}

static void row(sqlite3_stmt *s, pk_cmvp_module *m)
{
    memset(m, 0, sizeof *m);
    put(m->cert, sizeof m->cert, sqlite3_column_text(s, 0));
    put(m->vendor, sizeof m->vendor, sqlite3_column_text(s, 1));
    put(m->module, sizeof m->module, sqlite3_column_text(s, 2));
    put(m->module_type, sizeof m->module_type, sqlite3_column_text(s, 3));
    put(m->standard, sizeof m->standard, sqlite3_column_text(s, 4));
    put(m->status, sizeof m->status, sqlite3_column_text(s, 5));
    put(m->validated, sizeof m->validated, sqlite3_column_text(s, 6));
    put(m->sunset, sizeof m->sunset, sqlite3_column_text(s, 7));
    int64_t l = sqlite3_column_int64(s, 8);
    m->level = l >= 0 && l <= 4 ? (int)l : 0; /* a bundle's database is input too */
    put(m->lab, sizeof m->lab, sqlite3_column_text(s, 9));
}

/* Prepares sql; *absent = 1 (and PK_OK) when the database predates the table:
 * it has no CMVP data, which is not an error. */
static pk_status prep(pk_vulndb *db, const char *sql, sqlite3_stmt **s, int *absent)
{
    *s = NULL;
    *absent = 0;
    if (sqlite3_prepare_v2(db->h, sql, -1, s, NULL) == SQLITE_OK)
        return PK_OK;
    sqlite3_stmt *t = NULL;
    int have = 1;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND"
                           " name = 'cmvp'",
                           -1, &t, NULL) == SQLITE_OK &&
        sqlite3_step(t) == SQLITE_ROW)
        have = sqlite3_column_int(t, 0) != 0;
    sqlite3_finalize(t);
    if (have)
        return PK_E_FEED;
    *absent = 1;
    return PK_OK;
}

/* An empty filter is no filter. */
static void bind_filter(sqlite3_stmt *s, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

pk_status pk_cmvp_get(pk_vulndb *db, const char *cert, pk_cmvp_module *out, int *found)
{
    if (!db || !cert || !out || !found)
        return PK_E_MISUSE;
    *found = 0;
    memset(out, 0, sizeof *out);
    while (*cert == ' ' || *cert == '#')
        cert++;
    size_t n = strnlen(cert, sizeof out->cert);
    while (n && cert[n - 1] == ' ')
        n--;
    if (!n || n >= sizeof out->cert)
        return PK_OK; /* no certificate number is that long */
    sqlite3_stmt *s;
    int absent;
    pk_status st = prep(db, CMVP_COLS " WHERE id = ?1 AND cert = ?1", &s, &absent);
    if (st != PK_OK || absent)
        return st;
    sqlite3_bind_text(s, 1, cert, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        row(s, out);
        *found = 1;
    } else if (rc != SQLITE_DONE) {
        st = PK_E_FEED;
    }
    sqlite3_finalize(s);
    return st;
}

pk_status pk_cmvp_find(pk_vulndb *db, const char *vendor, const char *module, pk_cmvp_module *out,
                       size_t cap, size_t *n)
{
    if (!db || !n || (cap && !out))
        return PK_E_MISUSE;
    *n = 0;
    if (!cap)
        return PK_OK;
    /* lower() folds ASCII only, which is what the names use; instr() rather
     * than LIKE, so '%' and '_' in a name are plain characters */
    sqlite3_stmt *s;
    int absent;
    pk_status st = prep(db,
                        CMVP_COLS " WHERE (?1 IS NULL OR instr(lower(vendor), lower(?1)) > 0)"
                                  " AND (?2 IS NULL OR instr(lower(module), lower(?2)) > 0)"
                                  " ORDER BY status = 'Active' DESC, validated IS NULL,"
                                  " validated DESC, length(cert) DESC, cert DESC, id LIMIT ?3",
                        &s, &absent);
    if (st != PK_OK || absent)
        return st;
    bind_filter(s, 1, vendor);
    bind_filter(s, 2, module);
    sqlite3_bind_int64(s, 3, cap > (size_t)INT64_MAX ? INT64_MAX : (int64_t)cap);
    int rc = SQLITE_DONE;
    while (*n < cap && (rc = sqlite3_step(s)) == SQLITE_ROW)
        row(s, &out[(*n)++]);
    if (*n < cap && rc != SQLITE_DONE)
        st = PK_E_FEED;
    sqlite3_finalize(s);
    return st;
}
