/* The analyzer table, for the walk. Ownership: static, never freed. */
#ifndef PK_ANALYZERS_REGISTRY_INT_H
#define PK_ANALYZERS_REGISTRY_INT_H

#include <parakh/analyzer.h>
#include <string.h>

size_t pki_analyzers(const pk_analyzer *const **out);
const pk_analyzer *pki_analyzer_find(const char *name);

#endif
