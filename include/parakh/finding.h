/* parakh: findings, the unit of evidence.
 *
 * Ownership: every string and byte run in a pk_finding handed out by a scan is
 * owned by that scan and lives until pk_scan_free(). */
#ifndef PARAKH_FINDING_H
#define PARAKH_FINDING_H

#include "types.h"

/* Where in the file: a byte range, and/or a record name (section, entry, resource). */
typedef struct pk_loc {
    uint64_t offset; /* byte offset in the innermost file; PK_LOC_NONE when not a byte range */
    uint64_t length;
    const char *record; /* PK_NULLABLE: ".dynamic", "VS_VERSIONINFO/CompanyName", an entry name */
} pk_loc;

#define PK_LOC_NONE UINT64_MAX

/* The most bytes of matched evidence a finding keeps. */
#define PK_EVIDENCE_MAX 256

typedef struct pk_finding {
    const char *rule_id;  /* "PK-ELF-0001": stable, cited by tests and docs */
    const char *analyzer; /* "elf", "source", ... */
    pk_severity severity;
    uint8_t confidence;      /* 0..100; docs/analyzers/<name>.md defines the levels */
    const char *vpath;       /* evidence path: a.zip!/b.deb!/data.tar.xz!/usr/bin/x */
    uint8_t file_sha256[32]; /* of the innermost file; all zero when it has no content */
    int has_sha256;
    pk_loc loc;
    pk_bytes evidence;   /* what matched, at most PK_EVIDENCE_MAX bytes */
    const char *message; /* one plain sentence */
} pk_finding;

#endif
