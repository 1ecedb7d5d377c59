/* Writes of the endpoint knowledge (geo_int.h): IP ranges and tracker rows,
 * with the replacement model of the other feeds: the first row an import
 * writes for a (feed, scope) deletes the rows earlier imports left for it, so
 * a re-import replaces the feed inside the one import transaction, and a
 * failed import leaves the old rows. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "geo_int.h"

enum {
    G_TOUCH,    /* first write of (scope, feed) in this import? */
    G_DEL_IP,   /* earlier rows of (feed, fam) */
    G_DEL_HOST, /* earlier rows of a tracker feed */
    G_DEL_SDK,
    G_IP,
    G_HOST,
    G_SDK,
    G_COUNT
};

static const char *const GSQL[G_COUNT] = {
    [G_TOUCH] = "INSERT OR IGNORE INTO temp.touched(id, feed) VALUES(?1, ?2)",
    [G_DEL_IP] = "DELETE FROM iprange WHERE feed = ?1 AND fam = ?2 AND gen < ?3",
    [G_DEL_HOST] = "DELETE FROM tracker_host WHERE feed = ?1 AND gen < ?2",
    [G_DEL_SDK] = "DELETE FROM tracker_sdk WHERE feed = ?1 AND gen < ?2",
    [G_IP] = "INSERT INTO iprange VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    /* one domain under several Disconnect categories: the categories add up */
    [G_HOST] = "INSERT INTO tracker_host VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
               " ON CONFLICT(domain, feed) DO UPDATE SET owner = coalesce(owner, excluded.owner),"
               " country = coalesce(country, excluded.country),"
               " parent = coalesce(parent, excluded.parent),"
               " categories = CASE WHEN excluded.categories IS NULL THEN categories"
               " WHEN categories IS NULL THEN excluded.categories"
               " WHEN instr(',' || categories || ',', ',' || excluded.categories || ',') > 0"
               " THEN categories ELSE categories || ',' || excluded.categories END,"
               " gen = excluded.gen",
    [G_SDK] = "INSERT OR REPLACE INTO tracker_sdk VALUES(?1, ?2, ?3, ?4, ?5)",
};

/* The write statements live in db->geo[0..G_COUNT); geo_lookup.c uses the rest. */
_Static_assert(G_COUNT <= 8, "db->geo[8..11] are geo_lookup.c's");

void pki_geo_close(pk_vulndb *db)
{
    for (size_t i = 0; i < sizeof db->geo / sizeof db->geo[0]; i++) {
        sqlite3_finalize(db->geo[i]);
        db->geo[i] = NULL;
    }
}

int pki_geo_feed(const char *f)
{
    return f && (strncmp(f, "ip-country-", 11) == 0 || strncmp(f, "trackers-", 9) == 0);
}

const char *pki_geo_count_sql(const char *f)
{
    if (!f)
        return NULL;
    if (strncmp(f, "ip-country-", 11) == 0)
        return "SELECT count(*) FROM iprange WHERE feed = ?1";
    if (strncmp(f, "trackers-", 9) == 0)
        return "SELECT (SELECT count(*) FROM tracker_host WHERE feed = ?1) +"
               " (SELECT count(*) FROM tracker_sdk WHERE feed = ?1)";
    return NULL;
}

static sqlite3_stmt *stmt(pki_imp *im, int which)
{
    pk_vulndb *db = im->db;
    if (!db->geo[which] && sqlite3_prepare_v3(db->h, GSQL[which], -1, SQLITE_PREPARE_PERSISTENT,
                                              &db->geo[which], NULL) != SQLITE_OK) {
        pki_imp_fail(im, PK_E_FEED, NULL, "cannot prepare: %s", sqlite3_errmsg(db->h));
        return NULL;
    }
    return db->geo[which];
}

static pk_status step(pki_imp *im, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE)
        return PK_OK;
    pki_imp_fail(im, rc == SQLITE_FULL ? PK_E_IO : PK_E_FEED, NULL, "cannot write to %s: %s",
                 im->db->path, sqlite3_errmsg(im->db->h));
    return rc == SQLITE_FULL ? PK_E_IO : PK_E_FEED;
}

/* 1 when (scope, feed) is first written in this import. */
static int first_write(pki_imp *im, const char *scope, pk_status *st)
{
    sqlite3_stmt *s = stmt(im, G_TOUCH);
    if (!s) {
        *st = PK_E_FEED;
        return 0;
    }
    sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, im->feed, -1, SQLITE_STATIC);
    *st = step(im, s);
    return *st == PK_OK && sqlite3_changes(im->db->h) > 0;
}

static const uint8_t V4MAP[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

pk_status pki_imp_iprange(pki_imp *im, const uint8_t lo[16], const uint8_t hi[16], const char *cc)
{
    if (memcmp(lo, hi, 16) > 0)
        return pki_imp_fail(im, PK_E_FEED, NULL, "a range whose start is after its end");
    if (!cc || !isalpha((unsigned char)cc[0]) || !isalpha((unsigned char)cc[1]) || cc[2])
        return pki_imp_fail(im, PK_E_FEED, NULL, "a country code that is not two letters");
    char up[3] = {(char)toupper((unsigned char)cc[0]), (char)toupper((unsigned char)cc[1]), 0};
    int fam = memcmp(lo, V4MAP, 12) == 0 && memcmp(hi, V4MAP, 12) == 0 ? 4 : 6;
    pk_status st = pki_imp_record(im, NULL);
    if (st == PK_OK && first_write(im, fam == 4 ? "#ip4" : "#ip6", &st)) {
        sqlite3_stmt *d = stmt(im, G_DEL_IP);
        if (!d)
            return PK_E_FEED;
        sqlite3_bind_text(d, 1, im->feed, -1, SQLITE_STATIC);
        sqlite3_bind_int(d, 2, fam);
        sqlite3_bind_int64(d, 3, im->db->gen);
        st = step(im, d);
    }
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = stmt(im, G_IP);
    if (!s)
        return PK_E_FEED;
    sqlite3_bind_text(s, 1, im->feed, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, fam);
    sqlite3_bind_blob(s, 3, lo, 16, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 4, hi, 16, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, up, 2, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 6, im->db->gen);
    return step(im, s);
}

static pk_status reset_trackers(pki_imp *im)
{
    pk_status st;
    if (!first_write(im, "#trackers", &st))
        return st;
    for (int w = G_DEL_HOST; w <= G_DEL_SDK && st == PK_OK; w++) {
        sqlite3_stmt *d = stmt(im, w);
        if (!d)
            return PK_E_FEED;
        sqlite3_bind_text(d, 1, im->feed, -1, SQLITE_STATIC);
        sqlite3_bind_int64(d, 2, im->db->gen);
        st = step(im, d);
    }
    return st;
}

/* Text cut to cap bytes at a UTF-8 boundary; NULL for NULL or "". */
static void bind_cut(sqlite3_stmt *s, int i, const char *v, size_t cap)
{
    if (!v || !*v) {
        sqlite3_bind_null(s, i);
        return;
    }
    size_t n = strnlen(v, cap + 1);
    if (n > cap) {
        n = cap;
        while (n && ((unsigned char)v[n] & 0xc0) == 0x80)
            n--;
    }
    sqlite3_bind_text(s, i, v, (int)n, SQLITE_TRANSIENT);
}

static int domain_ok(const char *d, char *out, size_t cap)
{
    size_t n = d ? strnlen(d, 254) : 0;
    if (n == 0 || n > 253 || n >= cap || d[0] == '.' || d[n - 1] == '.' || !memchr(d, '.', n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (!(isalnum(c) || c == '.' || c == '-' || c == '_'))
            return 0;
        if (c == '.' && d[i + 1] == '.')
            return 0;
        out[i] = (char)tolower(c);
    }
    out[n] = 0;
    return 1;
}

pk_status pki_imp_tracker_host(pki_imp *im, const char *domain, const char *owner,
                               const char *country, const char *parent, const char *categories)
{
    char dom[256];
    if (!domain_ok(domain, dom, sizeof dom)) {
        pki_imp_skip(im); /* a regex or a bare word, not a host name */
        return PK_OK;
    }
    char cc[3] = "";
    if (country && strlen(country) == 2 && isalpha((unsigned char)country[0]) &&
        isalpha((unsigned char)country[1])) {
        cc[0] = (char)toupper((unsigned char)country[0]);
        cc[1] = (char)toupper((unsigned char)country[1]);
        if (strcmp(cc, "UK") == 0) /* X-Ray writes the ccTLD, not the ISO code */
            memcpy(cc, "GB", 3);
    }
    pk_status st = reset_trackers(im);
    if (st == PK_OK)
        st = pki_imp_record(im, NULL);
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = stmt(im, G_HOST);
    if (!s)
        return PK_E_FEED;
    sqlite3_bind_text(s, 1, dom, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, im->feed, -1, SQLITE_STATIC);
    bind_cut(s, 3, owner, 159);
    bind_cut(s, 4, cc, 2);
    bind_cut(s, 5, parent, 159);
    bind_cut(s, 6, categories, 255);
    sqlite3_bind_int64(s, 7, im->db->gen);
    return step(im, s);
}

pk_status pki_imp_tracker_sdk(pki_imp *im, const char *sig, const char *name,
                              const char *categories)
{
    size_t n = sig ? strnlen(sig, 257) : 0;
    int ok = n >= 3 && n <= 256 && name && *name;
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)sig[i];
        ok = isalnum(c) || c == '.' || c == '_' || c == '$' || c == '-';
    }
    if (!ok) {
        pki_imp_skip(im);
        return PK_OK;
    }
    pk_status st = reset_trackers(im);
    if (st == PK_OK)
        st = pki_imp_record(im, NULL);
    if (st != PK_OK)
        return st;
    sqlite3_stmt *s = stmt(im, G_SDK);
    if (!s)
        return PK_E_FEED;
    sqlite3_bind_text(s, 1, sig, (int)n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, im->feed, -1, SQLITE_STATIC);
    bind_cut(s, 3, name, 159);
    bind_cut(s, 4, categories, 255);
    sqlite3_bind_int64(s, 5, im->db->gen);
    return step(im, s);
}

int pki_ip_parse(const char *text, uint8_t out[16])
{
    if (!text)
        return -1;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, text, &a4) == 1) {
        memcpy(out, V4MAP, 12);
        memcpy(out + 12, &a4, 4);
        return 0;
    }
    if (strnlen(text, 64) < 64 && inet_pton(AF_INET6, text, &a6) == 1) {
        memcpy(out, &a6, 16);
        return 0;
    }
    return -1;
}

int pki_ip_parse_dec(const char *t, uint8_t out[16])
{
    if (!t || !*t || strlen(t) > 39)
        return -1;
    memset(out, 0, 16);
    for (const char *p = t; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned carry = (unsigned)(*p - '0');
        for (int i = 15; i >= 0; i--) {
            unsigned v = out[i] * 10u + carry;
            out[i] = (uint8_t)(v & 0xff);
            carry = v >> 8;
        }
        if (carry)
            return -1; /* 2^128 or more */
    }
    return 0;
}
