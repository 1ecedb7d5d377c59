/* Lookup over the embedded rule files. */
#include "rulefiles.h"

#include <string.h>

const pki_rulefile *pki_rulefile_get(const char *path)
{
    for (unsigned long i = 0; path && i < pki_rulefiles_count; i++)
        if (strcmp(pki_rulefiles_table[i].path, path) == 0)
            return &pki_rulefiles_table[i];
    return NULL;
}

int pki_rulefiles_each(const char *prefix, int (*fn)(const pki_rulefile *rf, void *ctx), void *ctx)
{
    size_t n = prefix ? strlen(prefix) : 0;
    for (unsigned long i = 0; i < pki_rulefiles_count; i++) {
        if (n && strncmp(pki_rulefiles_table[i].path, prefix, n) != 0)
            continue;
        int r = fn(&pki_rulefiles_table[i], ctx);
        if (r)
            return r;
    }
    return 0;
}
