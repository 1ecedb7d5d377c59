/* Internals of the java analyzer shared by its files. */
#ifndef PK_ANALYZERS_JAVA_INT_H
#define PK_ANALYZERS_JAVA_INT_H

#include <parakh/analyzer.h>
#include <parakh/component.h>

#include "../../core/core_int.h"

/* Manifests and pom.properties bigger than this are not read. */
#define PKI_JAVA_MAX_TEXT (4u << 20)
/* Longest manifest attribute value kept (continuations included). */
#define PKI_JAVA_MAX_VALUE 512u
/* Lines of a manifest's main section read. */
#define PKI_JAVA_MAX_LINES 10000u
/* Central directory entries looked at in a jar (for the file-name rule). */
#define PKI_JAVA_MAX_ENTRIES 200000u
/* Bytes of a jar's MANIFEST.MF inflated to decide the file-name rule. */
#define PKI_JAVA_MAX_INFLATE (64u << 10)

/* What a manifest's main section says, and the identity guessed from it. */
typedef struct pki_jman {
    char it[PKI_JAVA_MAX_VALUE], iv[PKI_JAVA_MAX_VALUE], ivendor[PKI_JAVA_MAX_VALUE];
    char ivid[PKI_JAVA_MAX_VALUE], bsn[PKI_JAVA_MAX_VALUE], bv[PKI_JAVA_MAX_VALUE];
    char bname[PKI_JAVA_MAX_VALUE], bvendor[PKI_JAVA_MAX_VALUE], blicense[PKI_JAVA_MAX_VALUE];
    char st[PKI_JAVA_MAX_VALUE], sv[PKI_JAVA_MAX_VALUE], svendor[PKI_JAVA_MAX_VALUE];
    char amn[PKI_JAVA_MAX_VALUE];
    /* the guess: pointers into the fields above or into the caller's jar name */
    char fname[256], fver[256], ns[PKI_JAVA_MAX_VALUE];
    const char *name, *version, *group, *supplier;
} pki_jman;

/* Parses the main section and guesses the identity; `jarname` (NULLABLE) is the
 * jar's file name. Returns 1 when there is a name to report. */
int pki_java_manifest(const uint8_t *p, size_t n, const char *jarname, pki_jman *m);

/* "name-1.2.3.jar" -> "name", "1.2.3"; 0 when there is no version. */
int pki_java_split_filename(const char *file, char *name, size_t ncap, char *ver, size_t vcap);

/* The jar's own bytes: 1 if it holds a pom.properties, or a manifest that
 * names the component, so the file-name rule is not needed. */
int pki_java_zip_has_identity(pk_bytes zip, const char *jarname);

#endif
