/* A string -> size_t hash map (open addressing, FNV-1a) for the inventory's
 * joins: vpath -> file, name -> component, soname -> owner. Keys are borrowed
 * (they live in the inventory's or the scan's arena) and must outlive the map.
 * Several values per key are kept by chaining through `next` indices the
 * caller owns; the map itself holds the first (most recently put) value. */
#ifndef PK_CORE_SMAP_H
#define PK_CORE_SMAP_H

#include "core_int.h"

#include <stdint.h>
#include <string.h>

typedef struct pki_smap {
    const char **keys;
    size_t *vals;
    size_t cap, n;
} pki_smap;

static inline uint64_t pki_smap_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

static inline void pki_smap_free(pki_smap *m)
{
    pki_free(m->keys);
    pki_free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Finds key[0..n) (not necessarily NUL-terminated); SIZE_MAX when absent. */
static inline size_t pki_smap_getn(const pki_smap *m, const char *key, size_t n)
{
    if (!m->cap)
        return SIZE_MAX;
    size_t i = (size_t)pki_smap_hash(key, n) & (m->cap - 1);
    while (m->keys[i]) {
        if (strncmp(m->keys[i], key, n) == 0 && m->keys[i][n] == '\0')
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return SIZE_MAX;
}

static inline size_t pki_smap_get(const pki_smap *m, const char *key)
{
    return pki_smap_getn(m, key, strlen(key));
}

/* Sets key -> val (replacing); returns the previous value or SIZE_MAX; on
 * allocation failure returns SIZE_MAX - 1 and the map is unchanged. */
static inline size_t pki_smap_put(pki_smap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        const char **nk = pki_calloc(nc, sizeof *nk);
        size_t *nv = pki_calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            pki_free(nk);
            pki_free(nv);
            return SIZE_MAX - 1;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = (size_t)pki_smap_hash(m->keys[i], strlen(m->keys[i])) & (nc - 1);
            while (nk[j])
                j = (j + 1) & (nc - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        pki_free(m->keys);
        pki_free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = nc;
    }
    size_t i = (size_t)pki_smap_hash(key, strlen(key)) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0) {
            size_t old = m->vals[i];
            m->vals[i] = val;
            return old;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return SIZE_MAX;
}

#endif
