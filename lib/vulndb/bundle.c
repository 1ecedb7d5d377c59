/* Importing another lab's bundle (pk_vulndb_export): its database is opened
 * read-only and defensively, and every row goes through the same pki_imp_*
 * checks as a feed record, so a crafted bundle can do no more than a crafted
 * feed. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "geo_int.h"

static const char *const FEEDS[] = {"osv",  "nvd",    "kev",  "epss", "csaf",
                                    "cve5", "debian", "curl", "nswg", "nist-cmvp"};

/* the endpoint knowledge (geo_int.h): rows of their own tables */
static const char *const GEO_FEEDS[] = {
    PKI_FEED_IP_MMDB,  PKI_FEED_IP_CSV, PKI_FEED_IP_INT,       "trackers-xray",
    "trackers-exodus", "trackers-ddg",  "trackers-disconnect", "trackers-disconnect-ent"};

static const char *known_feed(const char *f)
{
    for (size_t i = 0; f && i < sizeof FEEDS / sizeof FEEDS[0]; i++)
        if (strcmp(f, FEEDS[i]) == 0)
            return FEEDS[i];
    for (size_t i = 0; f && i < sizeof GEO_FEEDS / sizeof GEO_FEEDS[0]; i++)
        if (strcmp(f, GEO_FEEDS[i]) == 0)
            return GEO_FEEDS[i];
    return NULL;
}

static int file_sha256(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    int ok = x && EVP_DigestInit_ex(x, EVP_sha256(), NULL) == 1;
    unsigned char b[65536], md[32];
    size_t r;
    while (ok && (r = fread(b, 1, sizeof b, f)) > 0)
        ok = EVP_DigestUpdate(x, b, r) == 1;
    unsigned l = 0;
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(x, md, &l) == 1 && l == 32;
    EVP_MD_CTX_free(x);
    fclose(f);
    if (ok)
        pki_hex(md, 32, hex);
    return ok ? 0 : -1;
}

/* When MANIFEST.json sits beside the database, its SHA-256 must agree. */
static pk_status check_manifest(const char *path, char *err, size_t errcap)
{
    char man[4096];
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path) : 0;
    if ((size_t)snprintf(man, sizeof man, "%.*s%sMANIFEST.json", dl, path, slash ? "/" : "") >=
        sizeof man)
        return PK_OK;
    json_error_t je;
    json_t *m = json_load_file(man, 0, &je);
    if (!m)
        return PK_OK; /* a bare database file: nothing to check against */
    json_t *h = json_object_get(m, "sha256");
    char hex[65];
    pk_status st = PK_OK;
    if (!json_is_string(h) || file_sha256(path, hex) != 0 ||
        strcmp(hex, json_string_value(h)) != 0) {
        snprintf(err, errcap, "%s: does not match the SHA-256 in %s (altered or incomplete copy)",
                 path, man);
        st = PK_E_FEED;
    }
    json_decref(m);
    return st;
}

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static double col_score(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_double(s, i);
}

typedef struct bctx {
    pk_vulndb *db;
    sqlite3 *b;
    const char *path;
    pk_import_stats *st;
    char *err;
    size_t errcap;
} bctx;

static void imp_for(bctx *x, pki_imp *im, const char *feed)
{
    memset(im, 0, sizeof *im);
    im->db = x->db;
    im->path = x->path;
    im->feed = feed;
    im->err = x->err;
    im->errcap = x->errcap;
}

enum {
    T_ADV,
    T_CVSS,
    T_RATING,
    T_AFF,
    T_ALIAS,
    T_CWE,
    T_REF,
    T_KEV,
    T_EPSS,
    T_CMVP,
    T_IP,
    T_HOST,
    T_SDK,
    T_SOURCE
};

static const char *const SQL[] = {
    [T_ADV] = "SELECT id, feed, summary, published, modified, withdrawn FROM advisory",
    [T_CVSS] = "SELECT id, feed, version, vector, score FROM cvss",
    [T_RATING] = "SELECT id, feed, word FROM rating",
    [T_AFF] = ("SELECT id, feed, key, distro, scheme, spec, fixed, status, note, origin"
               " FROM affected"),
    [T_ALIAS] = "SELECT id, alias FROM alias",
    [T_CWE] = "SELECT id, cwe FROM cwe",
    [T_REF] = "SELECT id, url FROM ref",
    [T_KEV] = ("SELECT cve, vendor, product, name, date_added, due_date, ransomware, action,"
               " notes FROM kev"),
    [T_EPSS] = "SELECT cve, score, percentile FROM epss",
    [T_CMVP] = ("SELECT id, cert, vendor, module, module_type, standard, status, validated,"
                " sunset, caveat, lab, phase, source, level FROM cmvp"),
    [T_IP] = "SELECT feed, lo, hi, cc FROM iprange",
    [T_HOST] = "SELECT feed, domain, owner, country, parent, categories FROM tracker_host",
    [T_SDK] = "SELECT feed, signature, name, categories FROM tracker_sdk",
    [T_SOURCE] = "SELECT name, newest FROM source",
};

static pk_status row(bctx *x, int t, sqlite3_stmt *s)
{
    pki_imp im;
    const char *feed = NULL;
    int by0 = t == T_SOURCE || t == T_IP || t == T_HOST || t == T_SDK;
    if (t == T_ADV || t == T_CVSS || t == T_RATING || t == T_AFF || by0) {
        feed = known_feed(col(s, by0 ? 0 : 1));
        if (!feed) {
            snprintf(x->err, x->errcap, "%s: a row of an unknown feed in table %s", x->path,
                     t == T_SOURCE ? "source" : "advisory/cvss/rating/affected");
            return PK_E_FEED;
        }
    }
    imp_for(x, &im,
            feed          ? feed
            : t == T_KEV  ? "kev"
            : t == T_EPSS ? "epss"
            : t == T_CMVP ? "nist-cmvp"
                          : "osv");
    pk_status st = PK_OK;
    switch (t) {
    case T_ADV:
        st = pki_imp_record(&im, col(s, 4) ? col(s, 4) : col(s, 3));
        if (st == PK_OK)
            st = pki_imp_advisory(&im, col(s, 0), col(s, 2), col(s, 3), col(s, 4), col(s, 5));
        x->st->records++;
        break;
    case T_CVSS:
        st = pki_imp_cvss(&im, col(s, 0), col(s, 2), col(s, 3), col_score(s, 4));
        break;
    case T_RATING:
        st = pki_imp_rating(&im, col(s, 0), col(s, 2));
        break;
    case T_AFF: {
        const char *d = col(s, 3);
        pki_affected a = {col(s, 0), col(s, 2), d && *d ? d : NULL, col(s, 4), col(s, 5),
                          col(s, 6), col(s, 7), col(s, 8),          col(s, 9)};
        st = pki_imp_affected(&im, &a);
        break;
    }
    case T_ALIAS:
        st = pki_imp_alias(&im, col(s, 0), col(s, 1));
        break;
    case T_CWE:
        st = pki_imp_cwe(&im, col(s, 0), col(s, 1));
        break;
    case T_REF:
        st = pki_imp_ref(&im, col(s, 0), col(s, 1));
        break;
    case T_KEV: {
        pki_kev k = {col(s, 0), col(s, 1), col(s, 2), col(s, 3), col(s, 4),
                     col(s, 5), col(s, 6), col(s, 7), col(s, 8)};
        st = pki_imp_kev(&im, &k);
        x->st->records++;
        break;
    }
    case T_EPSS:
        st = pki_imp_epss(&im, col(s, 0), sqlite3_column_double(s, 1), sqlite3_column_double(s, 2));
        x->st->records++;
        break;
    case T_CMVP: {
        pki_cmvp m = {col(s, 0),  col(s, 1),
                      col(s, 2),  col(s, 3),
                      col(s, 4),  col(s, 5),
                      col(s, 6),  col(s, 7),
                      col(s, 8),  col(s, 9),
                      col(s, 10), col(s, 11),
                      col(s, 12), sqlite3_column_int(s, 13)};
        st = pki_imp_cmvp(&im, &m, 0);
        x->st->records++;
        break;
    }
    case T_IP: {
        const void *lo = sqlite3_column_blob(s, 1), *hi = sqlite3_column_blob(s, 2);
        if (!lo || !hi || sqlite3_column_bytes(s, 1) != 16 || sqlite3_column_bytes(s, 2) != 16) {
            snprintf(x->err, x->errcap, "%s: an IP range that is not 16 bytes", x->path);
            return PK_E_FEED;
        }
        st = pki_imp_iprange(&im, lo, hi, col(s, 3));
        x->st->records++;
        break;
    }
    case T_HOST:
        st = pki_imp_tracker_host(&im, col(s, 1), col(s, 2), col(s, 3), col(s, 4), col(s, 5));
        x->st->records++;
        break;
    case T_SDK:
        st = pki_imp_tracker_sdk(&im, col(s, 1), col(s, 2), col(s, 3));
        x->st->records++;
        break;
    case T_SOURCE:
        pki_vdb_seen(x->db, feed, col(s, 1), 1);
        break;
    }
    return st;
}

pk_status pki_vdb_import_bundle(pk_vulndb *db, const char *path, pk_import_stats *st, char *err,
                                size_t errcap)
{
    pk_status rc = check_manifest(path, err, errcap);
    if (rc != PK_OK)
        return rc;
    bctx x = {.db = db, .path = path, .st = st, .err = err, .errcap = errcap};
    if (sqlite3_open_v2(path, &x.b, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errcap, "%s: cannot open: %s", path, sqlite3_errmsg(x.b));
        sqlite3_close(x.b);
        return PK_E_FEED;
    }
    sqlite3_db_config(x.b, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(x.b, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_stmt *s = NULL;
    int64_t appid = -1, ver = -1;
    if (sqlite3_prepare_v2(x.b, "PRAGMA application_id", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        appid = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(x.b, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        ver = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (appid != PKI_VDB_APPID || ver != PKI_VDB_SCHEMA) {
        snprintf(err, errcap, "%s: not a parakh database of schema %d", path, PKI_VDB_SCHEMA);
        sqlite3_close(x.b);
        return PK_E_FEED;
    }
    st->files++;
    for (int t = T_ADV; t <= T_SOURCE && rc == PK_OK; t++) {
        if (sqlite3_prepare_v2(x.b, SQL[t], -1, &s, NULL) != SQLITE_OK) {
            /* a bundle from before the CMVP list has no such table */
            if ((t == T_CMVP || t == T_IP || t == T_HOST || t == T_SDK) &&
                strstr(sqlite3_errmsg(x.b), "no such table"))
                continue;
            snprintf(err, errcap, "%s: %s", path, sqlite3_errmsg(x.b));
            rc = PK_E_FEED;
            break;
        }
        int r;
        while (rc == PK_OK && (r = sqlite3_step(s)) == SQLITE_ROW)
            rc = row(&x, t, s);
        if (rc == PK_OK && r != SQLITE_DONE) {
            snprintf(err, errcap, "%s: %s", path, sqlite3_errmsg(x.b));
            rc = PK_E_FEED;
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(x.b);
    return rc;
}
