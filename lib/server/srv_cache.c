/* parakhd: a small cache of lookup answers. An answer is fully determined by
 * the log up to the latest signed checkpoint (every commit stores its
 * checkpoint in the same transaction, so the database never holds records a
 * checkpoint does not cover), by the trust store and by "now" (expiry), so
 * it is reused only for the same request target, checkpoint size, trust
 * generation and second. Bounded: PKI_CACHE_SLOTS answers of at most
 * PKI_CACHE_MAX_BODY bytes each, PKI_CACHE_MAX_TOTAL bytes in all. */
#include <string.h>

#include "core/smap.h"
#include "srv_int.h"

/* FNV-1a, the project's one string hash (core/smap.h) */
static uint64_t fnv(const char *s)
{
    return pki_smap_hash(s, strlen(s));
}

void pki_srv_cache_init(pk_regsrv *s)
{
    for (size_t i = 0; i < PKI_CACHE_SLOTS; i++)
        pthread_mutex_init(&s->cache[i].m, NULL);
}

void pki_srv_cache_fini(pk_regsrv *s)
{
    for (size_t i = 0; i < PKI_CACHE_SLOTS; i++) {
        pki_free(s->cache[i].url);
        pki_free(s->cache[i].body);
        pthread_mutex_destroy(&s->cache[i].m);
    }
}

bool pki_srv_cache_get(pk_regsrv *s, const char *url, uint64_t size, uint64_t gen, const char *now,
                       pk_regsrv_response *rs)
{
    pki_cache_slot *c = &s->cache[fnv(url) % PKI_CACHE_SLOTS];
    bool hit = false;
    pthread_mutex_lock(&c->m);
    if (c->url && c->size == size && c->gen == gen && strcmp(c->now, now) == 0 &&
        strcmp(c->url, url) == 0) {
        char *b = pki_malloc(c->len + 1);
        if (b) {
            memcpy(b, c->body, c->len + 1);
            pk_regsrv_response_clear(rs);
            rs->status = c->status;
            rs->content_type = "application/json";
            rs->no_store = true;
            rs->body = b;
            rs->body_len = c->len;
            hit = true;
        }
    }
    pthread_mutex_unlock(&c->m);
    return hit;
}

void pki_srv_cache_put(pk_regsrv *s, const char *url, uint64_t size, uint64_t gen, const char *now,
                       const pk_regsrv_response *rs)
{
    if (rs->body_static || rs->body_len > PKI_CACHE_MAX_BODY || strlen(url) > 2048)
        return;
    char *u = pki_strdup(url), *b = pki_malloc(rs->body_len + 1);
    if (!u || !b) {
        pki_free(u);
        pki_free(b);
        return;
    }
    memcpy(b, rs->body, rs->body_len);
    b[rs->body_len] = 0;
    pki_cache_slot *c = &s->cache[fnv(url) % PKI_CACHE_SLOTS];
    pthread_mutex_lock(&c->m);
    size_t total = __atomic_load_n(&s->cache_bytes, __ATOMIC_RELAXED);
    if (total - (c->body ? c->len : 0) + rs->body_len > PKI_CACHE_MAX_TOTAL) {
        pthread_mutex_unlock(&c->m);
        pki_free(u);
        pki_free(b);
        return;
    }
    __atomic_add_fetch(&s->cache_bytes, rs->body_len, __ATOMIC_RELAXED);
    if (c->body)
        __atomic_sub_fetch(&s->cache_bytes, c->len, __ATOMIC_RELAXED);
    pki_free(c->url);
    pki_free(c->body);
    c->url = u;
    c->body = b;
    c->len = rs->body_len;
    c->status = rs->status;
    c->size = size;
    c->gen = gen;
    memcpy(c->now, now, sizeof c->now);
    pthread_mutex_unlock(&c->m);
}
