/* The in-memory store: one growable array of hashes per level, level L
 * holding node (L, i) at position i. It is what a server table holds
 * (docs/tlog.md), minus durability: for tests and small tools. */
#include <string.h>

#include "core/core_int.h"
#include "tlog_int.h"

#define LEVELS 64

struct pk_tlog_mem {
    uint8_t (*lv[LEVELS])[PK_TLOG_HASH_LEN];
    size_t cnt[LEVELS], cap[LEVELS];
    uint64_t size;
};

pk_status pk_tlog_mem_new(pk_tlog_mem **out)
{
    if (!out)
        return PK_E_MISUSE;
    *out = pki_calloc(1, sizeof **out);
    return *out ? PK_OK : PK_E_NOMEM;
}

void pk_tlog_mem_free(pk_tlog_mem *m)
{
    if (!m)
        return;
    for (unsigned l = 0; l < LEVELS; l++)
        pki_free(m->lv[l]);
    pki_free(m);
}

uint64_t pk_tlog_mem_size(const pk_tlog_mem *m)
{
    return m ? m->size : 0;
}

static pk_status mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[PK_TLOG_HASH_LEN],
                         char *err, size_t errlen)
{
    const pk_tlog_mem *m = ctx;
    if (level >= LEVELS || index >= m->cnt[level])
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "tlog: no node (%u, %llu) in the store",
                             level, (unsigned long long)index);
    memcpy(out, m->lv[level][index], PK_TLOG_HASH_LEN);
    return PK_OK;
}

pk_tlog_store pk_tlog_mem_store(pk_tlog_mem *m)
{
    pk_tlog_store s = {.ctx = m, .get_node = mem_get};
    return s;
}

pk_status pk_tlog_mem_append(pk_tlog_mem *m, const uint8_t leaf_hash[PK_TLOG_HASH_LEN],
                             uint64_t *index)
{
    if (!m || !leaf_hash)
        return PK_E_MISUSE;
    pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
    size_t k = 0;
    pk_tlog_store s = pk_tlog_mem_store(m);
    pk_status st = pk_tlog_append(&s, leaf_hash, m->size, nodes, &k, NULL, 0);
    if (st != PK_OK)
        return st;
    /* grow every array first, so a failed allocation leaves the log unchanged */
    for (size_t i = 0; i < k; i++) {
        unsigned l = nodes[i].level;
        void *p = m->lv[l];
        if (nodes[i].index != m->cnt[l])
            return PK_E_INTERNAL; /* a node out of order: the store is corrupt */
        if (!pki_grow(&p, &m->cap[l], m->cnt[l] + 1, PK_TLOG_HASH_LEN))
            return PK_E_NOMEM;
        m->lv[l] = p;
    }
    for (size_t i = 0; i < k; i++) {
        unsigned l = nodes[i].level;
        memcpy(m->lv[l][m->cnt[l]++], nodes[i].hash, PK_TLOG_HASH_LEN);
    }
    if (index)
        *index = m->size;
    m->size++;
    return PK_OK;
}

pk_status pk_tlog_mem_set_node(pk_tlog_mem *m, unsigned level, uint64_t index,
                               const uint8_t hash[PK_TLOG_HASH_LEN])
{
    if (!m || !hash)
        return PK_E_MISUSE;
    if (level >= LEVELS || index >= m->cnt[level])
        return PK_E_USAGE;
    memcpy(m->lv[level][index], hash, PK_TLOG_HASH_LEN);
    return PK_OK;
}
