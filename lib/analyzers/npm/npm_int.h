/* Internals of the npm analyzer shared by its files. */
#ifndef PK_ANALYZERS_NPM_INT_H
#define PK_ANALYZERS_NPM_INT_H

#include <parakh/analyzer.h>
#include <parakh/component.h>

#include "../../core/core_int.h"

#include <jansson.h>

/* Bigger manifests or locks are not parsed (real locks of large monorepos stay
 * well below). */
#define PKI_NPM_MAX_JSON (64u << 20)
/* Lock entries parsed per file (the per-file component cap is lower still). */
#define PKI_NPM_MAX_ENTRIES 200000u
/* Nesting of a v1 lock's "dependencies" followed (deeper levels are skipped). */
#define PKI_NPM_MAX_DEPTH 64u
/* Longest lock key or package name handled. */
#define PKI_NPM_MAX_KEY 4096u

const char *pki_npm_str(const json_t *o, const char *key);
size_t pki_npm_level_start(const char *vpath);
long pki_npm_find_nm(const char *vpath, size_t from, int last);
void pki_npm_split(const char *full, char *buf, size_t cap, const char **ns, const char **name);
void pki_npm_license(pk_component *h, const json_t *pkg);

/* A package-lock.json (v1 "dependencies" or v2/v3 "packages"); scope ends in '/' or is "". */
pk_status pki_npm_lock(const json_t *root, const char *scope, pk_emit *out);

/* "sha512-<base64>" (the first sha512 or sha1 of an SRI list) as hex into out;
 * returns the algorithm name ("sha512"/"sha1") or NULL. */
const char *pki_npm_integrity(const char *sri, char *out, size_t cap);

#endif
