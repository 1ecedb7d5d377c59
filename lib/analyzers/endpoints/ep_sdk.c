/* endpoints: tracker SDK code signatures from the knowledge base (the
 * Exodus list the geo part imports; docs/vulndb/trackers.md), read once at
 * init through the public API and registered by endpoints.c as literals. */
#include "endpoints_int.h"

#include "../../core/core_int.h"

#include <parakh/vulndb.h>

#include <stdio.h>
#include <string.h>

static int usable(const char *sig)
{
    size_t n = strlen(sig), dots = 0;
    if (n < 8 || n > 200)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = sig[i];
        if (c == '.')
            dots++;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '$'))
            return 0; /* not a package name: regex fragments, spaces */
    }
    return dots >= 2 && sig[0] != '.' && sig[n - 1] != '.';
}

static pk_status add(void *ctx, const pk_tracker_sdk *k)
{
    pki_ep_sdks *s = ctx;
    if (!usable(k->signature))
        return PK_OK;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->s[i].signature, k->signature) == 0)
            return PK_OK; /* ordered by signature: the first name wins */
    if (!pki_grow((void **)&s->s, &s->cap, s->n + 1, sizeof(pki_ep_sdk)))
        return PK_E_NOMEM;
    pki_ep_sdk *e = &s->s[s->n];
    e->name = pki_strdup(k->name);
    e->signature = pki_strdup(k->signature);
    e->categories = pki_strdup(k->categories);
    e->source = pki_strdup(k->source);
    s->n++; /* counted before the check so free() sees every pointer */
    if (!e->name || !e->signature || !e->categories || !e->source)
        return PK_E_NOMEM;
    return PK_OK;
}

pki_ep_sdks *pki_ep_sdks_load(const char *path, char *err, size_t errlen)
{
    pk_vulndb *db = NULL;
    char why[256] = "";
    pk_status st = pk_vulndb_open(path, PK_VDB_READONLY, &db, why, sizeof why);
    if (st != PK_OK) {
        snprintf(err, errlen, "endpoints: cannot open the knowledge base %s: %s", path, why);
        return NULL;
    }
    pki_ep_sdks *s = pki_calloc(1, sizeof *s);
    if (!s) {
        pk_vulndb_close(db);
        snprintf(err, errlen, "endpoints: out of memory");
        return NULL;
    }
    st = pk_trackers_sdk_each(db, add, s);
    pk_vulndb_close(db);
    if (st != PK_OK) {
        snprintf(err, errlen, "endpoints: reading tracker SDKs from %s: %s", path,
                 st == PK_E_NOMEM ? "out of memory" : pk_status_str(st));
        pki_ep_sdks_free(s);
        return NULL;
    }
    return s;
}

void pki_ep_sdks_free(pki_ep_sdks *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        pki_free(s->s[i].name);
        pki_free(s->s[i].signature);
        pki_free(s->s[i].categories);
        pki_free(s->s[i].source);
    }
    pki_free(s->s);
    pki_free(s);
}
