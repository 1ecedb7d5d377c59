/* The matcher's working state, shared by match.c (candidate rows), merge.c
 * (one finding per component and vulnerability, scores, KEV, EPSS, VEX). */
#ifndef PK_LIB_VULNDB_MATCH_INT_H
#define PK_LIB_VULNDB_MATCH_INT_H

#include "db_int.h"

/* One affected row that matched one component. */
typedef struct pki_hit {
    size_t comp;
    const char *id, *feed, *fixed, *matched, *note, *method;
    const char *canon; /* CVE id when the id has exactly one, else id (merge.c) */
    uint8_t confidence;
    int status; /* 0: affected; 1: a statement (not_affected, fixed, ...) */
    pk_vex_state vex_state;
    int release_guess;    /* distribution row, component's release unknown */
    int release_affected; /* ... and this release's range says affected */
    int dropped;
} pki_hit;

typedef struct pki_mcache {
    uint64_t hash;
    const char *key, *version, *distro, *tag; /* NULL key: empty slot */
    size_t first, n, seen;                    /* hits in pki_mctx.tmpl */
} pki_mcache;

typedef struct pki_mctx {
    pk_vulndb *db;
    const pk_inventory *inv;
    pk_vulns *res;
    pki_arena *arena;
    char *err;
    size_t errcap;
    sqlite3_stmt *q_aff;
    pki_hit *hits;
    size_t nhits, caphits;
    uint64_t unevaluable; /* rows whose range the scheme could not read */
    uint8_t comp_cpe_conf;
    pki_vexst *vex; /* --vex statements */
    size_t nvex;
    const char **vex_path; /* per statement: the file it came from */
    pki_mcache *cache;     /* evaluated (key, version, release) */
    pki_hit *tmpl;         /* their hits, comp unset */
    size_t ntmpl, captmpl;
} pki_mctx;

pk_status pki_match_load_vex(pki_mctx *m, const char *const *files, size_t n);
void pki_match_free_vex(pki_mctx *m);
/* Hits -> pk_vuln records (m->res->v), with aliases merged and VEX applied. */
pk_status pki_match_merge(pki_mctx *m);
/* Scores, summary, CWEs, KEV, EPSS for every record. */
pk_status pki_match_enrich(pki_mctx *m);
/* Copies the database's sources into the result. */
pk_status pki_match_sources(pki_mctx *m);

/* A constraint as a reader sees it: ">= 3.0.0, < 3.0.7 (generic)". */
const char *pki_spec_text(pki_arena *a, const char *scheme, const char *spec, const char *distro);

/* The lowest "fixed" event above v in an OSV events spec; NULL if none. */
const char *pki_spec_next_fix(pki_arena *a, const char *scheme, const char *spec, const char *v);

#endif
