/* Lookups in the endpoint knowledge (pk_geo_ip_lookup, pk_trackers_host,
 * pk_trackers_sdk_each; rows from imp_ipcountry.c, imp_mmdb.c,
 * imp_trackers.c). Read-only; statements are cached in db->geo[8..11]. A
 * database made before these tables existed has no such rows: not an error. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "geo_int.h"

enum { L_IP = 8, L_HOST, L_SDK };

static const char *const LSQL[] = {
    [L_IP] = "SELECT hi, cc FROM iprange WHERE feed = ?1 AND lo <= ?2 ORDER BY lo DESC LIMIT 1",
    [L_HOST] = "SELECT feed, owner, country, parent, categories FROM tracker_host"
               " WHERE domain = ?1 ORDER BY feed",
    [L_SDK] = "SELECT signature, name, coalesce(categories, ''), feed FROM tracker_sdk"
              " ORDER BY signature, feed",
};

/* The cached statement, NULL with *absent when the tables do not exist. */
static sqlite3_stmt *lstmt(pk_vulndb *db, int which, int *absent)
{
    *absent = 0;
    if (db->geo[which])
        return db->geo[which];
    if (sqlite3_prepare_v3(db->h, LSQL[which], -1, SQLITE_PREPARE_PERSISTENT, &db->geo[which],
                           NULL) == SQLITE_OK)
        return db->geo[which];
    *absent = strstr(sqlite3_errmsg(db->h), "no such table") != NULL;
    return NULL;
}

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

/* Asked in this order: the most precise data first. */
static const char *const IP_FEEDS[] = {PKI_FEED_IP_MMDB, PKI_FEED_IP_CSV, PKI_FEED_IP_INT};

pk_status pk_geo_ip_lookup(pk_vulndb *db, const char *ip, char cc[3], char *feed, size_t feedcap)
{
    if (!db || !ip || !cc)
        return PK_E_MISUSE;
    cc[0] = 0;
    if (feed && feedcap)
        feed[0] = 0;
    uint8_t a[16];
    if (pki_ip_parse(ip, a) != 0)
        return PK_E_USAGE;
    int absent;
    sqlite3_stmt *s = lstmt(db, L_IP, &absent);
    if (!s)
        return absent ? PK_OK : PK_E_FEED;
    pk_status st = PK_OK;
    for (size_t i = 0; i < sizeof IP_FEEDS / sizeof IP_FEEDS[0] && !cc[0]; i++) {
        sqlite3_bind_text(s, 1, IP_FEEDS[i], -1, SQLITE_STATIC);
        sqlite3_bind_blob(s, 2, a, 16, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            const void *hi = sqlite3_column_blob(s, 0);
            const unsigned char *c = sqlite3_column_text(s, 1);
            /* a bundle's database is input too: check the stored shapes */
            if (hi && sqlite3_column_bytes(s, 0) == 16 && memcmp(a, hi, 16) <= 0 && c &&
                strlen((const char *)c) == 2) {
                cc[0] = (char)toupper(c[0]);
                cc[1] = (char)toupper(c[1]);
                cc[2] = 0;
                if (feed && feedcap)
                    snprintf(feed, feedcap, "%s", IP_FEEDS[i]);
            }
        } else if (rc != SQLITE_DONE) {
            st = PK_E_FEED;
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (st != PK_OK)
            break;
    }
    return st;
}

pk_status pk_geo_ip_country(pk_vulndb *db, const char *ip, char cc[3])
{
    return pk_geo_ip_lookup(db, ip, cc, NULL, 0);
}

/* Appends "a" to a comma-separated list unless it is there. */
static void list_add(char *list, size_t cap, const char *items)
{
    if (!items || !*items)
        return;
    const char *p = items;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        int have = 0;
        for (const char *q = list; *q && !have;) {
            const char *qe = strchr(q, ',');
            size_t ql = qe ? (size_t)(qe - q) : strlen(q);
            have = ql == l && memcmp(q, p, l) == 0;
            q = qe ? qe + 1 : q + ql;
        }
        size_t n = strlen(list);
        if (!have && l && n + l + 2 <= cap)
            snprintf(list + n, cap - n, "%s%.*s", n ? "," : "", (int)l, p);
        p = e ? e + 1 : p + l;
    }
}

/* Owners are taken from the lists in this order: X-Ray names the company
 * with its country; the others name it without. */
static int feed_rank(const char *f)
{
    static const char *const order[] = {"trackers-xray", "trackers-ddg", "trackers-disconnect",
                                        "trackers-disconnect-ent", "trackers-exodus"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (strcmp(f, order[i]) == 0)
            return (int)i;
    return 99;
}

pk_status pk_trackers_host(pk_vulndb *db, const char *host, pk_tracker_host *out, int *found)
{
    if (!db || !host || !out || !found)
        return PK_E_MISUSE;
    memset(out, 0, sizeof *out);
    *found = 0;
    char h[256];
    size_t n = strnlen(host, sizeof h);
    if (n == 0 || n >= sizeof h)
        return PK_OK;
    for (size_t i = 0; i < n; i++)
        h[i] = (char)tolower((unsigned char)host[i]);
    h[n] = 0;
    while (n && h[n - 1] == '.') /* "example.com." is example.com */
        h[--n] = 0;
    int absent;
    sqlite3_stmt *s = lstmt(db, L_HOST, &absent);
    if (!s)
        return absent ? PK_OK : PK_E_FEED;
    int owner_rank = 100, got_owner_suffix = 0;
    /* Each suffix on a label boundary, longest first; the longest that a list
     * names decides the domain, owner and categories; the country comes from
     * the longest suffix that has one (a subdomain listed without a country
     * still belongs to the company X-Ray places). */
    for (const char *p = h; p && *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
        if (!strchr(p, '.'))
            break; /* a bare TLD is no tracker */
        sqlite3_bind_text(s, 1, p, -1, SQLITE_STATIC);
        int rc;
        int hit = 0;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *feed = (const char *)sqlite3_column_text(s, 0);
            if (!feed)
                continue;
            hit = 1;
            if (!*found) {
                put(out->domain, sizeof out->domain, (const unsigned char *)p);
                got_owner_suffix = 1;
            }
            if (got_owner_suffix == 1) {
                list_add(out->sources, sizeof out->sources, feed);
                list_add(out->categories, sizeof out->categories,
                         (const char *)sqlite3_column_text(s, 4));
                int r = feed_rank(feed);
                if (sqlite3_column_text(s, 1) && r < owner_rank) {
                    owner_rank = r;
                    put(out->owner, sizeof out->owner, sqlite3_column_text(s, 1));
                }
                if (sqlite3_column_text(s, 3) && !out->parent[0])
                    put(out->parent, sizeof out->parent, sqlite3_column_text(s, 3));
            }
            const unsigned char *cc = sqlite3_column_text(s, 2);
            if (!out->country[0] && cc && strlen((const char *)cc) == 2) {
                put(out->country, sizeof out->country, cc);
                put(out->country_source, sizeof out->country_source, (const unsigned char *)feed);
            }
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (rc != SQLITE_DONE)
            return PK_E_FEED;
        if (hit) {
            *found = 1;
            if (got_owner_suffix == 1)
                got_owner_suffix = 2; /* shorter suffixes may only add a country */
        }
        if (out->country[0] && *found)
            break;
    }
    return PK_OK;
}

pk_status pk_trackers_sdk_each(pk_vulndb *db, pk_status (*cb)(void *ctx, const pk_tracker_sdk *s),
                               void *ctx)
{
    if (!db || !cb)
        return PK_E_MISUSE;
    int absent;
    sqlite3_stmt *s = lstmt(db, L_SDK, &absent);
    if (!s)
        return absent ? PK_OK : PK_E_FEED;
    pk_status st = PK_OK;
    int rc = SQLITE_DONE;
    while (st == PK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        pk_tracker_sdk k = {
            (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 0),
            (const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3)};
        if (k.name && k.signature && k.categories && k.source)
            st = cb(ctx, &k);
    }
    if (st == PK_OK && rc != SQLITE_DONE)
        st = PK_E_FEED;
    sqlite3_reset(s);
    return st;
}
