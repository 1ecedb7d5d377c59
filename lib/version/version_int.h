/* Version ordering per ecosystem (groundwork for known-vulnerability matching,
 * issue #5): each scheme follows its own specification, never a shared guess.
 * Strings are bounded (PKI_VER_MAX bytes, no control bytes), nothing is
 * allocated and nothing recurses. See docs/internals/version.md. */
#ifndef PK_LIB_VERSION_VERSION_INT_H
#define PK_LIB_VERSION_VERSION_INT_H

#include <stddef.h>

#define PKI_VER_MAX        256u  /* longer strings are rejected */
#define PKI_VER_MAX_EVENTS 1024u /* OSV events per range */

typedef enum {
    PKI_VS_NONE = 0, /* unknown ecosystem: no ordering is claimed */
    PKI_VS_DPKG,     /* Debian Policy 5.6.12, dpkg's verrevcmp */
    PKI_VS_RPM,      /* rpmvercmp + epoch:version-release */
    PKI_VS_SEMVER,   /* SemVer 2.0.0 (a leading 'v' is accepted) */
    PKI_VS_GO,       /* Go module versions (golang.org/x/mod/semver) */
    PKI_VS_PEP440,   /* PEP 440 / packaging.version */
    PKI_VS_MAVEN,    /* Maven 3.8 ComparableVersion */
    PKI_VS_APK,      /* apk-tools 2 apk_version_compare */
    PKI_VS_NUGET,    /* NuGet: SemVer 2 + 4-part legacy versions */
    PKI_VS_GENERIC,  /* a documented guess: alnum runs, digits numerically */
    PKI_VS_GEM,      /* RubyGems 3.x Gem::Version */
    PKI_VS_COUNT
} pki_verscheme;

/* Compares a and b in scheme s: *out < 0, 0, > 0. Returns 0, or -1 when either
 * string is invalid in that scheme (or too long, or has control bytes). */
int pki_vercmp(pki_verscheme s, const char *a, const char *b, int *out);

/* 0 if v is a valid version in scheme s, -1 otherwise. */
int pki_ver_valid(pki_verscheme s, const char *v);

/* Scheme for a purl type ("deb", "pypi", ...); PKI_VS_NONE if unknown. */
pki_verscheme pki_verscheme_for_purl_type(const char *purl_type);

/* Scheme for an OSV ecosystem ("Debian:12", "PyPI", "Red Hat", ...). */
pki_verscheme pki_verscheme_for_osv_ecosystem(const char *ecosystem);

/* Short name of a scheme ("dpkg", "rpm", ...). */
const char *pki_verscheme_name(pki_verscheme s);

/* OSV "ranges[].events" evaluation (ECOSYSTEM and SEMVER range types): kinds
 * are "introduced", "fixed", "last_affected", "limit". Sets *affected to 1/0.
 * Returns -1 if v or an event version is invalid, a kind is unknown, or n is
 * over PKI_VER_MAX_EVENTS. */
int pki_ver_in_osv_range(pki_verscheme s, const char *v, const char *const *events_kind,
                         const char *const *events_value, size_t n, int *affected);

/* Per-scheme comparators on valid, bounded, NUL-terminated strings; each
 * returns -1 if a string is invalid for it. */
int pki_vercmp_dpkg(const char *a, const char *b, int *out);
int pki_vercmp_rpm(const char *a, const char *b, int *out);
int pki_vercmp_apk(const char *a, const char *b, int *out);
int pki_vercmp_generic(const char *a, const char *b, int *out);
int pki_vercmp_semver(const char *a, const char *b, int go, int *out);
int pki_vercmp_nuget(const char *a, const char *b, int *out);
int pki_vercmp_pep440(const char *a, const char *b, int *out);
int pki_vercmp_maven(const char *a, const char *b, int *out);
int pki_vercmp_gem(const char *a, const char *b, int *out);

/* Compares two runs of ASCII digits by numeric value (any length). */
int pki_ver_numcmp(const char *a, size_t an, const char *b, size_t bn);

#endif
