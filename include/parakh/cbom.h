/* parakh: the cryptography inventory (CBOM) of a finished scan, judged
 * against the cryptographic policy (rules/crypto-policy.tsv) as of a date.
 *
 * The crypto and keys analyzers say what is there (constants, names, APIs,
 * keys, certificates); the inventory says which crypto libraries ship. A
 * pk_cbom joins them into assets (algorithms, protocols, certificates, keys,
 * libraries), each with its occurrences and its verdict, and turns the
 * verdicts that are not "approved" into findings (PK-CRY-0010..0013,
 * docs/cbom.md). With a knowledge base that holds the NIST CMVP list
 * (`parakh db import nist-cmvp/`), libraries are matched to FIPS 140
 * certificates.
 *
 * Ownership: a pk_cbom copies what it needs from the scan, the inventory and
 * the database; it does not keep them. Findings and every string they point
 * to live until pk_cbom_free(). */
#ifndef PARAKH_CBOM_H
#define PARAKH_CBOM_H

#include <stdio.h>

#include "finding.h"
#include "scan.h"
#include "status.h"

struct pk_vulndb;
struct pk_inventory;

typedef struct pk_cbom pk_cbom;

typedef struct pk_cbom_opts {
    /* PK_NULLABLE "YYYY-MM-DD": judge as of this day; NULL: today (UTC) */
    const char *policy_date;
    /* PK_NULLABLE, borrowed during pk_cbom_build only: CMVP certificates */
    struct pk_vulndb *db;
    /* PK_NULLABLE, borrowed during pk_cbom_build only: the scan's inventory
     * (built from the scan when NULL) */
    const struct pk_inventory *inv;
} pk_cbom_opts;

/* Builds the CBOM of a finished scan. PK_E_USAGE (err says why) for a
 * malformed policy_date; PK_E_FORMAT if the built-in policy does not parse
 * (a broken build); PK_E_FEED if the database cannot be read; PK_E_NOMEM. */
PK_API pk_status pk_cbom_build(const pk_scan *PK_BORROW s, const pk_cbom_opts *PK_NULLABLE o,
                               pk_cbom **PK_OUT out, char *err, size_t errcap);

/* The judgement's findings (PK-CRY-0010..0013), sorted like the scan's; the
 * array is owned by the CBOM. Returns the count; *worst (NULLABLE) gets the
 * most severe, PK_SEV_INFO when there are none. */
PK_API size_t pk_cbom_findings(const pk_cbom *c, const pk_finding **PK_OUT list,
                               pk_severity *PK_NULLABLE worst);

typedef struct pk_cbom_stats {
    size_t algorithms, protocols, certificates, keys, libraries;
    /* assets by verdict: approved, deprecated, disallowed, legacy-use,
     * not-approved, national, unknown (pki_cpol_status order) */
    size_t by_status[7];
} pk_cbom_stats;
PK_API void pk_cbom_stats_get(const pk_cbom *c, pk_cbom_stats *PK_OUT st);

/* The day judged ("YYYY-MM-DD") and the policy's version line. */
PK_API const char *pk_cbom_policy_date(const pk_cbom *c);
PK_API const char *pk_cbom_policy_version(const pk_cbom *c);

/* CycloneDX 1.6 with cryptographic-asset components (cryptoProperties),
 * the crypto libraries as components that provide them, and each asset's
 * verdict as properties. reproducible: fixed timestamp, serial number from
 * the content. */
PK_API pk_status pk_cbom_write(const pk_cbom *c, int reproducible, FILE *out);

PK_API void pk_cbom_free(pk_cbom *PK_NULLABLE c);

/* 1 if s is a valid policy date "YYYY-MM-DD", else 0 (for option parsing
 * before a scan). */
PK_API int pk_cbom_date_valid(const char *PK_NULLABLE s);

#endif
