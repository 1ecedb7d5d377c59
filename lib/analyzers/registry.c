/* The analyzer table: declared and filled from analyzer_list.h. */
#include "registry_int.h"

#define PK_ANALYZER(n) extern const pk_analyzer pki_analyzer_##n;
#include "analyzer_list.h"
#undef PK_ANALYZER

static const pk_analyzer *const table[] = {
#define PK_ANALYZER(n) &pki_analyzer_##n,
#include "analyzer_list.h"
#undef PK_ANALYZER
};

size_t pki_analyzers(const pk_analyzer *const **out)
{
    *out = table;
    return sizeof table / sizeof table[0];
}

const pk_analyzer *pki_analyzer_find(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}
