/* Helpers for the unit tests of the vulnerability database (test_vdb_osv,
 * test_vdb_feeds, test_vdb_nvd, test_vdb_csaf, test_vdb_npm): a fresh
 * database in fx_dir, imports through the public API that must succeed or be
 * refused with PK_E_FEED, values read back from the database file with
 * SQLite, and matching of a small CycloneDX SBOM written to fx_dir. Each test
 * sets `shared` in its setup. Include after <cmocka.h>. */
#ifndef PK_TEST_VDB_TEST_H
#define PK_TEST_VDB_TEST_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "vulndb/vdb_int.h"

/* The shared data directory ($PK_SHARED, or the test's own fallback). */
static char shared[1024] __attribute__((unused));

/* Sets `shared` to $PK_SHARED (ctest sets it) or, run by hand, to
 * shared/data beside the checkout holding this file; then sub (NULLABLE)
 * below it. For the tests' setup. */
static inline void vdb_shared_dir(const char *sub)
{
    const char *s = getenv("PK_SHARED");
    const char *t = strstr(__FILE__, "/tests/unit/");
    if (s && *s)
        snprintf(shared, sizeof shared, "%s%s%s", s, sub ? "/" : "", sub ? sub : "");
    else
        snprintf(shared, sizeof shared, "%.*s/../shared/data%s%s", t ? (int)(t - __FILE__) : 1,
                 t ? __FILE__ : ".", sub ? "/" : "", sub ? sub : "");
}

/* shared/rel into out. */
static inline const char *sh(const char *rel, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", shared, rel);
    if (n < 0 || (size_t)n >= cap)
        fail_msg("path too long: %s", rel);
    return out;
}

/* fx_dir/name into out. */
static inline const char *fx(const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", fx_dir, name);
    if (n < 0 || (size_t)n >= cap)
        fail_msg("path too long: %s", name);
    return out;
}

/* A fresh database file fx_dir/name. */
static inline pk_vulndb *db_new(const char *name)
{
    char p[512], err[512] = "";
    fx(name, p, sizeof p);
    unlink(p);
    pk_vulndb *db = NULL;
    if (pk_vulndb_open(p, PK_VDB_CREATE, &db, err, sizeof err) != PK_OK)
        fail_msg("open %s: %s", p, err);
    return db;
}

static inline pk_status imp(pk_vulndb *db, const char *path, pk_import_stats *st, char *err,
                            size_t cap)
{
    const char *paths[] = {path};
    return pk_vulndb_import(db, paths, 1, st, err, cap);
}

/* An import that must succeed; st may be NULL. */
static inline void imp_ok(pk_vulndb *db, const char *path, pk_import_stats *st)
{
    char err[1024] = "";
    pk_status s = imp(db, path, st, err, sizeof err);
    if (s != PK_OK)
        fail_msg("import %s: %d %s", path, (int)s, err);
}

/* An import that must fail with PK_E_FEED, its message naming the file and
 * containing `want`. */
static inline void imp_bad(pk_vulndb *db, const char *path, const char *want)
{
    char err[1024] = "";
    pk_status s = imp(db, path, NULL, err, sizeof err);
    if (s != PK_E_FEED || !strstr(err, path) || !strstr(err, want))
        fail_msg("import %s: status %d, err \"%s\" (wanted PK_E_FEED and \"%s\")", path, (int)s,
                 err, want);
}

/* imp_ok / imp_bad of `text` written to fx_dir/name first. */
static inline void put_ok(pk_vulndb *db, const char *name, const char *text, pk_import_stats *st)
{
    char p[1200];
    fx_put(name, text);
    imp_ok(db, fx(name, p, sizeof p), st);
}

static inline void put_bad(pk_vulndb *db, const char *name, const char *text, const char *want)
{
    char p[1200];
    fx_put(name, text);
    imp_bad(db, fx(name, p, sizeof p), want);
}

/* sql prepared on the database file, opened read-only beside the library's
 * own connection (*h, closed by the caller). */
static inline sqlite3_stmt *q_prep(pk_vulndb *db, const char *sql, sqlite3 **h)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open_v2(pk_vulndb_path(db), h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(*h, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(*h));
    return s;
}

/* One integer (-1 when there is no row) / text from a query on the database
 * file. */
static inline long long q_int(pk_vulndb *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *s = q_prep(db, sql, &h);
    long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static inline void q_text_eq(pk_vulndb *db, const char *sql, const char *want)
{
    sqlite3 *h;
    sqlite3_stmt *s = q_prep(db, sql, &h);
    const char *got = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        got = (const char *)sqlite3_column_text(s, 0);
    if (!got || strcmp(got, want) != 0)
        fail_msg("%s\n  got  %s\n  want %s", sql, got ? got : "(no row / NULL)", want);
    sqlite3_finalize(s);
    sqlite3_close(h);
}

/* The newest record date pk_vulndb_status gives for `feed`, "" when none. */
static inline const char *newest(pk_vulndb *db, const char *feed)
{
    const pk_vdb_source *l;
    size_t n;
    assert_int_equal(pk_vulndb_status(db, &l, &n), PK_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].name, feed) == 0)
            return l[i].newest ? l[i].newest : "";
    return "";
}

/* Writes a CycloneDX 1.6 SBOM of `comps` (component objects, comma-separated)
 * to fx_dir/sbom.cdx.json, reads it and matches it against db; the caller
 * frees the result and *inv. */
static inline pk_vulns *match_sbom(pk_vulndb *db, const char *comps, pk_inventory **inv)
{
    char sbom[4096], p[1200], err[512] = "";
    int n = snprintf(sbom, sizeof sbom,
                     "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
                     "\"components\":[%s]}",
                     comps);
    if (n < 0 || (size_t)n >= sizeof sbom)
        fail_msg("SBOM too long: %s", comps);
    fx_put("sbom.cdx.json", sbom);
    *inv = NULL;
    if (pk_inventory_from_sbom(fx("sbom.cdx.json", p, sizeof p), inv, err, sizeof err) != PK_OK)
        fail_msg("sbom: %s", err);
    pk_vulns *v = NULL;
    if (pk_vulns_match(db, *inv, NULL, &v, err, sizeof err) != PK_OK)
        fail_msg("match: %s", err);
    return v;
}

/* Matches the components `comps` and writes " id alias alias id ... " of
 * every match to out; returns the number of matches. */
static inline size_t match_ids(pk_vulndb *db, const char *comps, char *out, size_t cap)
{
    pk_inventory *inv;
    pk_vulns *v = match_sbom(db, comps, &inv);
    size_t n = (size_t)snprintf(out, cap, " ");
    for (size_t i = 0; i < pk_vulns_count(v); i++) {
        const pk_vuln *m = pk_vulns_at(v, i);
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s ", m->id);
        for (size_t j = 0; j < m->naliases; j++)
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s ", m->aliases[j]);
    }
    assert_true(n < cap);
    size_t count = pk_vulns_count(v);
    pk_vulns_free(v);
    pk_inventory_free(inv);
    return count;
}

#endif
