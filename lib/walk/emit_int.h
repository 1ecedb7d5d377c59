/* The per-file record analyzers write into through pk_emit, and the fact tree.
 *
 * Ownership: a pki_frec owns its arena (finding strings, evidence, shared
 * strings) and its facts (a jansson object). The walk moves a finished record's
 * contents into the scan's results. Tests and fuzz targets use a standalone
 * record to run one analyzer on raw bytes. */
#ifndef PK_WALK_EMIT_INT_H
#define PK_WALK_EMIT_INT_H

#include <parakh/analyzer.h>

#include "../core/core_int.h"

#include <jansson.h>

/* Caps that keep one hostile file from growing memory without bound. */
#define PKI_MAX_FINDINGS_PER_FILE     2000u
#define PKI_MAX_STRINGS_PER_FILE      100000u
#define PKI_MAX_STRING_BYTES_PER_FILE (8u << 20)
/* Components and the paths they list: a distribution's rpmdb holds a few
 * thousand packages and a few hundred thousand paths. */
#define PKI_MAX_COMPONENTS_PER_FILE 100000u
#define PKI_MAX_CPATHS_PER_FILE     2000000u

typedef struct pki_frec {
    pki_arena *arena;     /* findings: moved into the scan's results */
    pki_arena *str_arena; /* shared strings: needed only while the file is analysed */
    json_t *facts;        /* {"<analyzer>": {...}} */
    pk_finding *findings;
    size_t nfind, capfind;
    size_t dropped_findings;
    pk_string *strings;
    size_t nstr, capstr, str_bytes;
    size_t dropped_strings;
    /* components as JSON objects (lib/walk/component.c documents the keys),
     * moved to the scan's results; read by lib/inventory */
    json_t *components;
    size_t cpaths;
    size_t dropped_components;
} pki_frec;

struct pk_emit {
    pki_frec *rec;
    const pk_file *file;
    const char *analyzer;
    /* the look-back window during the pass: bytes [win_off, win_off + win_len) */
    const uint8_t *win;
    uint64_t win_off;
    size_t win_len;
};

pk_status pki_frec_init(pki_frec *r);
void pki_frec_fini(pki_frec *r); /* frees what the record still owns */

/* A finding from outside an analyzer (the source/walk diagnostics). */
pk_status pki_frec_finding(pki_frec *r, const char *analyzer, const char *vpath,
                           const uint8_t *sha256, const pk_finding_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
pk_status pki_frec_vfinding(pki_frec *r, const char *analyzer, const char *vpath,
                            const uint8_t *sha256, const pk_finding_spec *spec, const char *fmt,
                            va_list ap);

/* Makes s valid UTF-8 for JSON (invalid bytes become U+FFFD) as a new json string. */
json_t *pki_json_str(const char *s, size_t n);

#endif
