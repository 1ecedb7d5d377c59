/* The endpoint knowledge (IP ranges, tracker lists): schema, writes and the
 * sniffers the import dispatcher calls. Owned by the geo part: geo_db.c
 * (writes), geo_lookup.c (reads), imp_ipcountry.c, imp_mmdb.c,
 * imp_trackers.c. Importers write through these functions only. */
#ifndef PK_LIB_VULNDB_GEO_INT_H
#define PK_LIB_VULNDB_GEO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "vdb_int.h"

/* Ranges are 16-byte big-endian blobs (IPv4 as ::ffff:a.b.c.d), so one
 * indexed "lo <= ip ORDER BY lo DESC LIMIT 1" finds the range; fam is 4 or 6
 * and only scopes the replacement (a feed's IPv4 file does not remove its
 * IPv6 rows). Created before each import and at creation, so an older
 * database gains the tables without a schema version change. */
#define PKI_GEO_SCHEMA                                                                             \
    "CREATE TABLE IF NOT EXISTS iprange(feed TEXT NOT NULL, fam INTEGER NOT NULL,"                 \
    " lo BLOB NOT NULL, hi BLOB NOT NULL, cc TEXT NOT NULL, gen INTEGER NOT NULL);"                \
    "CREATE INDEX IF NOT EXISTS iprange_lo ON iprange(feed, lo);"                                  \
    "CREATE TABLE IF NOT EXISTS tracker_host(domain TEXT NOT NULL, feed TEXT NOT NULL,"            \
    " owner TEXT, country TEXT, parent TEXT, categories TEXT, gen INTEGER NOT NULL,"               \
    " PRIMARY KEY(domain, feed)) WITHOUT ROWID;"                                                   \
    "CREATE TABLE IF NOT EXISTS tracker_sdk(signature TEXT NOT NULL, feed TEXT NOT NULL,"          \
    " name TEXT NOT NULL, categories TEXT, gen INTEGER NOT NULL,"                                  \
    " PRIMARY KEY(signature, feed)) WITHOUT ROWID;"

/* Feed names, as `parakh db status` shows them. */
#define PKI_FEED_IP_MMDB "ip-country-mmdb" /* MaxMind-format .mmdb */
#define PKI_FEED_IP_CSV  "ip-country-csv"  /* "start,end,CC" text ranges (db-ip lite) */
#define PKI_FEED_IP_INT  "ip-country-int"  /* integer ranges (IP2Location LITE DB1) */

#define PKI_IP_MAX_RANGES 8000000u /* rows of one IP file (GeoLite2 country: ~1 M) */

/* Drops the statements cached in the handle (pk_vulndb_close). */
void pki_geo_close(pk_vulndb *db);
/* Is this feed one of ours (for bundles and status)? */
int pki_geo_feed(const char *feed);
/* The SQL counting a geo feed's records (status), or NULL. */
const char *pki_geo_count_sql(const char *feed);

/* One range [lo, hi] (16-byte big-endian) with its country (two letters,
 * stored upper case). The first range of a family (4: inside ::ffff:0:0/96,
 * else 6) an import writes for a feed deletes what earlier imports left for
 * that (feed, family). PK_E_FEED when lo > hi or cc is not two letters. */
pk_status pki_imp_iprange(pki_imp *im, const uint8_t lo[16], const uint8_t hi[16], const char *cc);
/* A tracker domain (lower case, at least one dot). Any text may be NULL;
 * country is ISO alpha-2 ("uk" is stored as GB). A second row for the same
 * domain and feed adds its categories. The first row of a feed in an import
 * replaces that feed's hosts and SDK signatures. */
pk_status pki_imp_tracker_host(pki_imp *im, const char *domain, const char *owner,
                               const char *country, const char *parent, const char *categories);
/* An SDK code signature (dotted Java package prefix). */
pk_status pki_imp_tracker_sdk(pki_imp *im, const char *signature, const char *name,
                              const char *categories);

/* Text forms to 16-byte blobs: 0 or -1. IPv4 is mapped into ::ffff:0:0/96. */
int pki_ip_parse(const char *text, uint8_t out[16]);
/* A decimal integer below 2^128 (IP2Location) as a 16-byte big-endian
 * blob, unmapped (the importer maps values below 2^32); 0 or -1. */
int pki_ip_parse_dec(const char *text, uint8_t out[16]);

/* ---- importers ---- */
struct json_t;
/* 1 when the first row of buf looks like an IP range CSV; *integer says which form. */
int pki_ipcsv_sniff(const char *buf, size_t len, int *integer);
pk_status pki_import_ipcsv(pki_imp *im, const char *buf, size_t len, int integer);
/* 1 when buf ends with a MaxMind DB metadata section marker. */
int pki_mmdb_sniff(const char *buf, size_t len);
pk_status pki_import_mmdb(pki_imp *im, const char *buf, size_t len);
/* Tracker list kinds (imp_trackers.c): 0 = none, else a feed name. */
const char *pki_trackers_sniff(const struct json_t *doc);
pk_status pki_import_trackers(pki_imp *im, struct json_t *doc);

#endif
