/* parakhd: parsed certificates kept per id. A certificate record never
 * changes once stored, so its parse and its signature/accreditation checks
 * (verification steps 1-3, which depend only on the certificate and the
 * trust store's generation) are done once per process, not per lookup.
 * Everything that moves with time or with the log (suspension, subject,
 * validity period; revocation and supersession in srv_read.c) is still
 * judged on every call, so answers are the same as without the cache.
 * Bounded: PKI_CERTS_SLOTS entries, direct-mapped by id; an entry evicted
 * while a lookup still uses it is freed by its last holder (refcount). */
#include <stdio.h>
#include <string.h>

#include "cert/verify_int.h"
#include "core/smap.h"
#include "srv_int.h"

struct pki_cref {
    int refs; /* atomically updated */
    char *id;
    pk_cert *pc; /* NULL: the envelope did not parse, perr says why */
    char perr[512];
    pthread_mutex_t m; /* guards gen and memo */
    uint64_t gen;      /* the trust generation memo is for */
    pki_cert_sigmemo memo;
};

/* FNV-1a, the project's one string hash (core/smap.h) */
static uint64_t fnv(const char *s)
{
    return pki_smap_hash(s, strlen(s));
}

void pki_srv_certs_init(pk_regsrv *s)
{
    for (size_t i = 0; i < PKI_CERTS_SLOTS; i++)
        pthread_mutex_init(&s->certs[i].m, NULL);
}

void pki_srv_cert_unref(pki_cref *c)
{
    if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    pthread_mutex_destroy(&c->m);
    pk_cert_free(c->pc);
    pki_free(c->id);
    pki_free(c);
}

void pki_srv_certs_fini(pk_regsrv *s)
{
    for (size_t i = 0; i < PKI_CERTS_SLOTS; i++) {
        pki_srv_cert_unref(s->certs[i].ref);
        pthread_mutex_destroy(&s->certs[i].m);
    }
}

pki_cref *pki_srv_cert_ref(pk_regsrv *s, const char *id, pk_bytes env)
{
    pki_certs_slot *sl = &s->certs[fnv(id) % PKI_CERTS_SLOTS];
    pki_cref *c = NULL;
    pthread_mutex_lock(&sl->m);
    if (sl->ref && strcmp(sl->ref->id, id) == 0) {
        c = sl->ref;
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_ACQ_REL);
    }
    pthread_mutex_unlock(&sl->m);
    if (c)
        return c;
    /* parsed outside the lock: two threads may both parse, one entry wins */
    c = pki_calloc(1, sizeof *c);
    if (!c || !(c->id = pki_strdup(id))) {
        pki_free(c);
        return NULL;
    }
    c->refs = 1;
    pthread_mutex_init(&c->m, NULL);
    if (pk_cert_parse((const char *)env.ptr, env.len, &c->pc, c->perr, sizeof c->perr) != PK_OK)
        c->pc = NULL;
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_ACQ_REL); /* the slot's */
    pthread_mutex_lock(&sl->m);
    pki_cref *old = sl->ref;
    sl->ref = c;
    pthread_mutex_unlock(&sl->m);
    pki_srv_cert_unref(old);
    return c;
}

const pk_cert *pki_srv_cert_parsed(const pki_cref *c)
{
    return c ? c->pc : NULL;
}

pk_cert_state pki_srv_cert_verify(pk_regsrv *s, pki_cref *c, const uint8_t *sha256, const char *now,
                                  const char *logged, pk_cert_result *res)
{
    memset(res, 0, sizeof *res);
    if (!c->pc) {
        res->state = PK_CERT_MALFORMED;
        snprintf(res->reason, sizeof res->reason, "%s", c->perr);
        return res->state;
    }
    pki_cert_sigmemo m;
    pthread_rwlock_rdlock(&s->trust_lock);
    uint64_t gen = s->trust_gen;
    pthread_mutex_lock(&c->m);
    if (c->memo.done && c->gen == gen)
        m = c->memo;
    else
        m.done = false;
    pthread_mutex_unlock(&c->m);
    bool fresh = !m.done;
    pk_cert_state cs = pki_cert_verify_memo(c->pc, s->trust, sha256, now, logged, &m, res);
    pthread_rwlock_unlock(&s->trust_lock);
    if (fresh && m.done) {
        pthread_mutex_lock(&c->m);
        c->memo = m;
        c->gen = gen;
        pthread_mutex_unlock(&c->m);
    }
    return cs;
}
