/* CVSS base scores computed from a vector string, for feeds that give only the
 * vector (OSV severity[].score) and to check the scores feeds state.
 *
 * Specifications followed: CVSS v3.1 (FIRST, section 7.1 base equations,
 * Appendix A Roundup), v3.0 (same equations; Roundup as in 3.1, which 3.1
 * introduced to give the result 3.0 intended without floating-point error)
 * and v2 (CVSS v2 guide, section 3.2.1). v4.0 is recognised but not scored:
 * its base score is not a formula but a lookup over about 270 "MacroVector"
 * equivalence classes plus an interpolation step, tables parakh does not
 * carry; callers keep the score the feed states.
 *
 * Ownership: nothing allocates; the vector is borrowed for the call. */
#ifndef PK_LIB_VULNDB_CVSS_H
#define PK_LIB_VULNDB_CVSS_H

#include <stddef.h>

#include <parakh/types.h>

#define PKI_CVSS_VECTOR_MAX  256u /* longest vector accepted (a full v3.1 one is ~150) */
#define PKI_CVSS_VERSION_CAP 8u   /* version_out needs this many bytes */

/* Base score of `vector`:
 *   "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" (3.0 and 3.1; temporal and
 *   environmental metrics are validated and ignored; any metric order);
 *   "AV:N/AC:L/Au:N/C:P/I:P/A:P" (v2, no prefix; optionally in parentheses).
 * On success writes the version ("3.1", "3.0", "2.0") into version_out (at
 * least PKI_CVSS_VERSION_CAP bytes, NULLABLE), the score into *score, and
 * returns 0. Returns -1 for a malformed vector (unknown metric or value, a
 * metric twice, a mandatory base metric missing, over PKI_CVSS_VECTOR_MAX) and
 * for v4.0, which is not computed (version_out is then still "4.0", so a
 * caller can tell the two apart). */
int pki_cvss_base_score(const char *vector, char *version_out, double *score);

/* NVD's qualitative bands: 0.0 info (CVSS "None"), 0.1-3.9 low, 4.0-6.9
 * medium, 7.0-8.9 high, 9.0-10.0 critical. A negative or NaN score (unscored)
 * gives medium, the default docs/vulndb.md states for unscored findings. */
pk_severity pki_cvss_severity(double score);

#endif
