/* parakh: the offline knowledge base of known vulnerabilities, and matching an
 * inventory against it.
 *
 * Feeds (OSV, NVD 1.1 and API 2.0, CISA KEV, EPSS, CSAF 2.0 with VEX, CVE 5
 * records, Debian security tracker data, NIST CMVP module lists) arrive on
 * removable media and are imported into one SQLite file (docs/vulndb.md gives
 * the schema and each feed's mapping). An import is one transaction: a corrupt file leaves the
 * database as it was.
 *
 * Ownership: pk_vulndb_open() allocates the handle, pk_vulndb_close() frees it.
 * Status arrays are owned by the handle and live until the next status call or
 * close. A pk_vulns result owns every string in it; pk_vulns_free() frees it.
 * The inventory passed to pk_vulns_match() must outlive the result (matches
 * refer to components by index). Threads: one handle per thread. */
#ifndef PARAKH_VULNDB_H
#define PARAKH_VULNDB_H

#include <stdio.h>

#include "inventory.h"

typedef struct pk_vulndb pk_vulndb;

/* The default database: $PARAKH_DB, else $XDG_DATA_HOME/parakh/parakh.db, else
 * $HOME/.local/share/parakh/parakh.db. Written into buf; PK_E_USAGE when no
 * variable is set or buf is too small. */
PK_API pk_status pk_vulndb_default_path(char *PK_OUT buf, size_t cap);

enum {
    PK_VDB_READONLY = 0, /* the file must exist and be a parakh database */
    PK_VDB_CREATE = 1,   /* created (with its directory) when absent */
};
/* PK_E_IO (cannot open or create), PK_E_FEED (not a parakh database, or of a
 * newer schema). The reason is written to err[errcap]. */
PK_API pk_status pk_vulndb_open(const char *PK_BORROW path, int flags, pk_vulndb **PK_OUT out,
                                char *err, size_t errcap);
PK_API void pk_vulndb_close(pk_vulndb *PK_NULLABLE db);

/* What one import did, per feed kind. */
typedef struct pk_import_stats {
    uint64_t files;   /* feed files read */
    uint64_t records; /* advisories, KEV entries, EPSS rows ... */
    uint64_t skipped; /* records that carried nothing parakh can match (reported, not errors) */
} pk_import_stats;

/* Imports every path (a feed file, a directory of them, or a zip of OSV
 * records) in one transaction. Feed kinds are recognised from the content.
 * PK_E_FEED when a file is corrupt or of no known kind: err names the file
 * and the record, and the database is unchanged. PK_E_IO when unreadable. */
PK_API pk_status pk_vulndb_import(pk_vulndb *db, const char *const *PK_BORROW paths, size_t n,
                                  pk_import_stats *PK_OUT PK_NULLABLE st, char *err, size_t errcap);

/* One feed source in the database. */
typedef struct pk_vdb_source {
    const char *name;        /* "osv", "nvd", "kev", "epss", "csaf", "cve5", "debian" */
    uint64_t records;        /* records held */
    const char *newest;      /* ISO 8601 date of the newest record (or the feed's own date) */
    const char *imported_at; /* ISO 8601 UTC of the last import */
    int64_t age_days;        /* whole days from `newest` to now; -1 if unknown */
} pk_vdb_source;
/* The sources, sorted by name. *n is 0 for an empty database. */
PK_API pk_status pk_vulndb_status(pk_vulndb *db, const pk_vdb_source **PK_OUT list,
                                  size_t *PK_OUT n);
/* The age of the data: the largest age_days over the sources (-1 when empty). */
PK_API int64_t pk_vulndb_age_days(pk_vulndb *db);
/* The file the handle was opened on; owned by the handle. */
PK_API const char *pk_vulndb_path(const pk_vulndb *db);

/* Writes a bundle another lab imports with pk_vulndb_import(): DIR/parakh.db
 * (a consistent copy) and DIR/MANIFEST.json (sources, record counts, SHA-256 of
 * the copy). PK_E_IO when DIR cannot be written. */
PK_API pk_status pk_vulndb_export(pk_vulndb *db, const char *PK_BORROW dir, char *err,
                                  size_t errcap);

/* ---- NIST CMVP validated modules (docs/vulndb/cmvp.md) ----
 * Imported from the NIST-CMVP-API lists and certificate files; the data names
 * no module software versions, so a caller matches by vendor and module name.
 * Strings are copied into the struct, cut at a UTF-8 boundary and
 * NUL-terminated when longer. A database without CMVP data finds nothing. */
typedef struct pk_cmvp_module {
    char cert[16]; /* "4282"; "" for a module in process */
    char vendor[160];
    char module[256];
    char module_type[32]; /* "Software", "Hardware", "Firmware", "Software-Hybrid" ... */
    char standard[16];    /* "FIPS 140-2" or "FIPS 140-3" */
    char status[24];      /* "Active", "Historical", "Revoked", "In process" */
    char validated[11];   /* first validation date YYYY-MM-DD or "" */
    char sunset[11];      /* YYYY-MM-DD or "" */
    int level;            /* overall security level, 0 unknown */
    char lab[128];        /* "" when unknown */
} pk_cmvp_module;
/* The module with this certificate number ("4282"; a leading '#' is
 * ignored). PK_OK and *found=1, or PK_OK and *found=0. PK_E_FEED when the
 * database cannot be read. */
PK_API pk_status pk_cmvp_get(pk_vulndb *db, const char *PK_BORROW cert, pk_cmvp_module *PK_OUT out,
                             int *PK_OUT found);
/* Modules whose vendor and module name contain the given substrings
 * (case-insensitive; NULL = any), best first (Active before others, newest
 * validation first); at most cap into out; *n = how many written. */
PK_API pk_status pk_cmvp_find(pk_vulndb *db, const char *PK_NULLABLE vendor,
                              const char *PK_NULLABLE module, pk_cmvp_module *PK_OUT out,
                              size_t cap, size_t *PK_OUT n);

/* ---- endpoints: IP ranges and tracker lists (docs/vulndb/ip-country.md,
 * docs/vulndb/trackers.md; owned by the geo part, lib/vulndb/geo_*.c) ----
 * Read-only lookups; a database without such rows finds nothing. */

/* The country of an IPv4 or IPv6 address in text form ("192.0.2.1",
 * "2001:db8::1", "::ffff:192.0.2.1"): cc gets the ISO 3166-1 alpha-2 code, or
 * "" when no imported range holds the address (PK_OK either way). feed (NULLABLE,
 * feedcap bytes) gets the feed that answered ("ip-country-mmdb" ...).
 * PK_E_USAGE when ip_text is not an address, PK_E_FEED when the database cannot
 * be read. Feeds are asked in a fixed order: mmdb, text CSV, integer CSV. */
PK_API pk_status pk_geo_ip_lookup(pk_vulndb *db, const char *PK_BORROW ip_text, char cc[3],
                                  char *PK_NULLABLE feed, size_t feedcap);
/* The same without the feed. */
PK_API pk_status pk_geo_ip_country(pk_vulndb *db, const char *PK_BORROW ip_text, char cc[3]);

/* A host name's entry in the tracker lists: the longest suffix of the host
 * (on label boundaries) that a list names. Strings are copied, cut at a UTF-8
 * boundary; "" when unknown. */
typedef struct pk_tracker_host {
    char domain[256];        /* the matching suffix, "doubleclick.net" */
    char owner[160];         /* "Google", from the first list that names one */
    char parent[160];        /* X-Ray's root parent ("Alphabet") */
    char country[3];         /* the owner's country (X-Ray), upper case */
    char country_source[32]; /* the feed that gave the country: "trackers-xray" */
    char categories[256];    /* comma-separated, lower case: "advertising,analytics" */
    char sources[160];       /* every feed that names the suffix, comma-separated */
} pk_tracker_host;
/* *found 1 and out filled, or 0. The host is matched case-insensitively;
 * PK_E_FEED when the database cannot be read. */
PK_API pk_status pk_trackers_host(pk_vulndb *db, const char *PK_BORROW host,
                                  pk_tracker_host *PK_OUT out, int *PK_OUT found);

/* A tracker SDK's code signature (Exodus): a Java package prefix, dotted
 * ("com.google.firebase.analytics"), valid during the callback only. */
typedef struct pk_tracker_sdk {
    const char *name;       /* "Google Firebase Analytics" */
    const char *signature;  /* "com.google.firebase.analytics" */
    const char *categories; /* "analytics" (comma-separated, lower case); "" if none */
    const char *source;     /* "trackers-exodus" */
} pk_tracker_sdk;
/* Calls cb for every signature, ordered by signature; stops at the first
 * status other than PK_OK and returns it. */
PK_API pk_status pk_trackers_sdk_each(pk_vulndb *db,
                                      pk_status (*cb)(void *ctx, const pk_tracker_sdk *s),
                                      void *ctx);

/* ---- matching ---- */

/* A VEX statement's state, as CycloneDX analysis.state / CSAF product_status. */
typedef enum pk_vex_state {
    PK_VEX_NONE = 0,
    PK_VEX_AFFECTED,
    PK_VEX_NOT_AFFECTED,
    PK_VEX_FIXED,
    PK_VEX_UNDER_INVESTIGATION,
} pk_vex_state;
PK_API const char *pk_vex_state_str(pk_vex_state s); /* "not_affected", ...; "" for NONE */

typedef struct pk_vuln {
    size_t comp;                /* index into the inventory */
    const char *id;             /* CVE id when one is known, else the feed's id */
    const char *const *aliases; /* other ids (GHSA, PYSEC, DSA ...), sorted */
    size_t naliases;
    const char *summary;      /* NULLABLE */
    pk_severity severity;     /* from the CVSS base score (NVD bands); medium when unscored */
    const char *cvss_version; /* "4.0", "3.1", "3.0", "2.0"; NULLABLE */
    const char *cvss_vector;  /* NULLABLE */
    double cvss_score;        /* -1 when unscored */
    const char *cvss_source;  /* the feed that gave the score: "nvd", "osv:GHSA-..." */
    int kev;                  /* in CISA KEV */
    const char *kev_added, *kev_due; /* NULLABLE */
    int kev_ransomware;              /* knownRansomwareCampaignUse == "Known" */
    double epss, epss_percentile;    /* -1 when unknown */
    const char *fixed;   /* NULLABLE: the lowest version that fixes it, per the matching feed */
    const char *method;  /* "purl", "cpe", "debian" */
    const char *matched; /* the range or criterion that matched, as text */
    const char *const *feeds; /* which feeds said so, "nvd:CVE-...", "osv:PYSEC-...", sorted */
    size_t nfeeds;
    const char *const *cwes; /* "CWE-79", sorted */
    size_t ncwes;
    uint8_t confidence;            /* 0..100, see docs/vulndb.md */
    pk_vex_state vex;              /* PK_VEX_NONE when no statement applies */
    const char *vex_source;        /* NULLABLE: "csaf:RHSA-...", "vex:FILE" */
    const char *vex_justification; /* NULLABLE */
    int suppressed;                /* vex is not_affected or fixed: not a finding */
} pk_vuln;

typedef struct pk_vulns pk_vulns;

typedef struct pk_vuln_opts {
    /* NULLABLE: CycloneDX VEX documents whose analysis overrides the database */
    const char *const *vex_files;
    size_t nvex;
} pk_vuln_opts;

/* Matches every component. PK_E_FEED when a VEX file is unreadable or
 * malformed (err says which). Result sorted by (component, id). */
PK_API pk_status pk_vulns_match(pk_vulndb *db, const pk_inventory *PK_BORROW inv,
                                const pk_vuln_opts *PK_NULLABLE opts, pk_vulns **PK_OUT out,
                                char *err, size_t errcap);
PK_API size_t pk_vulns_count(const pk_vulns *v);
PK_API const pk_vuln *pk_vulns_at(const pk_vulns *v, size_t i);
PK_API const pk_inventory *pk_vulns_inventory(const pk_vulns *v);
/* The database's sources when the match ran (for "how old was the data"). */
PK_API size_t pk_vulns_sources(const pk_vulns *v, const pk_vdb_source **PK_OUT list);
PK_API void pk_vulns_free(pk_vulns *PK_NULLABLE v);

/* The severity a match is reported with: its CVSS band, raised to at least
 * high when CISA lists it as exploited (rule PK-VUL-0002, else PK-VUL-0001). */
PK_API pk_severity pk_vuln_finding_severity(const pk_vuln *v);
PK_API const char *pk_vuln_rule_id(const pk_vuln *v);
/* Matches that are findings (not suppressed by VEX); *worst gets the highest
 * finding severity when the count is not 0. */
PK_API size_t pk_vulns_findings(const pk_vulns *v, pk_severity *PK_OUT worst);

/* Writes the matches alone: "json" (docs/vulns.schema.json), "text", "sarif"
 * (SARIF 2.1.0), "cyclonedx" (the inventory with its vulnerabilities array).
 * PK_E_USAGE for an unknown format, PK_E_IO on a write error. */
PK_API pk_status pk_vulns_write(const pk_vulns *v, const char *format, int reproducible, FILE *out);

#endif
