/* npm (node-semver) version ranges: "^1.2.3 || >=2.0.0 <2.1.0", "1.x",
 * "1.2.3 - 2.3.4", "~1.2" ... evaluated as node-semver's satisfies() does
 * with its default options (not loose, includePrerelease false). Versions
 * are ordered by pki_vercmp_semver (SemVer 2.0.0). Nothing is allocated and
 * nothing recurses; see docs/vulndb/nswg.md, "Ranges". */
#ifndef PK_LIB_VULNDB_NPMRANGE_H
#define PK_LIB_VULNDB_NPMRANGE_H

#include <stddef.h>

#define PKI_NPM_RANGE_MAX 1024u /* bytes in one range */
#define PKI_NPM_ALTS_MAX  64u   /* '||' alternatives */
#define PKI_NPM_CMPS_MAX  32u   /* comparators in one alternative, after desugaring */

/* *affected = 1 when version satisfies range. Returns 0, or -1 when the range
 * or the version does not parse (strict node-semver grammar; a leading 'v'
 * or '=' is tolerated) or is over the bounds above. */
int pki_npm_range_eval(const char *range, const char *version, int *affected);

/* 0 if range parses, -1 otherwise. */
int pki_npm_range_valid(const char *range);

/* The stored-spec form {"range": R, "patched": P}: affected when version
 * satisfies range and, when patched is not NULL, does not satisfy patched
 * (how nodejs/is-my-node-vulnerable reads the Node.js core advisories).
 * Returns -1 as pki_npm_range_eval does for either range. */
int pki_npm_spec_eval(const char *range, const char *patched, const char *version, int *affected);

/* The lowest version of a range of one alternative bounded below only by
 * ">=X" (">=1.5.2", "^4.1.1", "~1.2.3", ">= 1.2.x"), written "M.m.p[-pre]"
 * into out. Returns -1 for anything else (no single lower bound, or it does
 * not fit in cap). */
int pki_npm_range_floor(const char *range, char *out, size_t cap);

#endif
