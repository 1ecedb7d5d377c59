/* parakhd: the server object. Start-up builds the trust store from the
 * logged accreditations and suspensions and makes sure the log's current
 * size has a signed checkpoint; every request thread gets its own database
 * handle (a pk_rstore is one connection, not thread-safe). */
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "srv_int.h"

static void handle_release(void *arg)
{
    pki_handle *h = arg;
    pk_regsrv *s = h->srv;
    pthread_mutex_lock(&s->hlock);
    if (h->prev)
        h->prev->next = h->next;
    else
        s->handles = h->next;
    if (h->next)
        h->next->prev = h->prev;
    pthread_mutex_unlock(&s->hlock);
    pk_rstore_close(h->st);
    pki_free(h);
}

pk_rstore *pki_srv_store(pk_regsrv *s, char *err, size_t errlen)
{
    pki_handle *h = pthread_getspecific(s->hkey);
    if (h)
        return h->st;
    h = pki_calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (pk_rstore_open(s->db_url, &h->st, err, errlen) != PK_OK) {
        pki_free(h);
        return NULL;
    }
    h->srv = s;
    pthread_mutex_lock(&s->hlock);
    h->next = s->handles;
    if (s->handles)
        s->handles->prev = h;
    s->handles = h;
    pthread_mutex_unlock(&s->hlock);
    pthread_setspecific(s->hkey, h);
    return h->st;
}

/* A trust store from every logged accreditation and suspension. */
static pk_status load_trust(pk_regsrv *s, pk_rstore *db, pk_trust **out, uint64_t *records,
                            char *err, size_t errlen)
{
    pk_status st = pk_trust_new(s->root, out);
    if (st != PK_OK) {
        snprintf(err, errlen, "cannot make the trust store");
        return st;
    }
    pk_rstore_labs *l = NULL;
    st = pk_rstore_labs_all(db, &l, err, errlen);
    if (st != PK_OK)
        return st;
    *records = l ? l->count + l->nsuspensions : 0;
    if (l && l->truncated) {
        pk_rstore_free(l);
        snprintf(err, errlen, "more than %u accreditations: over the trust store's bound",
                 PK_RSTORE_MAX_LABS);
        return PK_E_LIMIT;
    }
    /* Oldest first, as they were logged. */
    for (size_t i = l ? l->count : 0; st == PK_OK && i-- > 0;)
        st = pk_trust_add(*out, (const char *)l->items[i].envelope.ptr, l->items[i].envelope.len,
                          err, errlen);
    for (size_t i = l ? l->nsuspensions : 0; st == PK_OK && i-- > 0;)
        st = pk_trust_add(*out, (const char *)l->suspensions[i].envelope.ptr,
                          l->suspensions[i].envelope.len, err, errlen);
    pk_rstore_free(l);
    return st;
}

void pki_srv_trust_sync(pk_regsrv *s, pk_rstore *st)
{
    char e[PKI_SRV_ERRLEN];
    uint64_t n, have;
    if (pk_rstore_trust_count(st, &n, e, sizeof e) != PK_OK)
        return;
    pthread_rwlock_rdlock(&s->trust_lock);
    have = s->trust_records;
    pthread_rwlock_unlock(&s->trust_lock);
    if (n == have)
        return;
    pk_trust *t = NULL;
    uint64_t records = 0;
    if (load_trust(s, st, &t, &records, e, sizeof e) != PK_OK) {
        pk_trust_free(t);
        return;
    }
    pthread_rwlock_wrlock(&s->trust_lock);
    if (records > s->trust_records) {
        pk_trust *old = s->trust;
        s->trust = t;
        s->trust_records = records;
        s->trust_gen++;
        t = old;
    }
    pthread_rwlock_unlock(&s->trust_lock);
    pk_trust_free(t);
}

PK_API pk_status pk_regsrv_new(const pk_regsrv_config *cfg, pk_regsrv **out, char *err,
                               size_t errlen)
{
    char e[PKI_SRV_ERRLEN] = "";
    if (!cfg || !out || !cfg->db_url || !cfg->root || !cfg->log_skey) {
        snprintf(err, errlen, "parakhd: database, root key and log key are required");
        return PK_E_MISUSE;
    }
    *out = NULL;
    pk_regsrv *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    s->root = cfg->root;
    s->max_batch = cfg->max_batch ? cfg->max_batch : PK_REGSRV_MAX_BATCH;
    if (cfg->fixed_now)
        snprintf(s->fixed_now, sizeof s->fixed_now, "%s", cfg->fixed_now);
    pthread_rwlock_init(&s->trust_lock, NULL);
    pthread_mutex_init(&s->hlock, NULL);
    pthread_mutex_init(&s->qlock, NULL);
    pthread_cond_init(&s->qcond, NULL);
    pki_srv_cache_init(s);
    pki_srv_certs_init(s);
    if (pthread_key_create(&s->hkey, handle_release) != 0) {
        pki_free(s);
        snprintf(err, errlen, "parakhd: cannot make a thread key");
        return PK_E_INTERNAL;
    }
    pk_status st = (s->db_url = pki_strdup(cfg->db_url)) ? PK_OK : PK_E_NOMEM;
    if (st == PK_OK && (st = pk_note_signer_new(cfg->log_skey, &s->signer, e, sizeof e)) != PK_OK)
        snprintf(err, errlen, "log key: %s", e);
    if (st == PK_OK) {
        pk_note_signer_vkey(s->signer, s->vkey);
        const char *name = cfg->origin;
        size_t n = name ? strlen(name) : strcspn(s->vkey, "+");
        if (!name)
            name = s->vkey;
        if (n == 0 || n > PK_CHECKPOINT_ORIGIN_MAX) {
            snprintf(err, errlen, "origin of %zu bytes (1..%d)", n, PK_CHECKPOINT_ORIGIN_MAX);
            st = PK_E_USAGE;
        } else {
            memcpy(s->origin, name, n);
            s->origin[n] = 0;
        }
    }
    if (st == PK_OK && (st = pk_rstore_open(s->db_url, &s->wstore, e, sizeof e)) != PK_OK)
        snprintf(err, errlen, "%s", e);
    if (st == PK_OK &&
        (st = load_trust(s, s->wstore, &s->trust, &s->trust_records, e, sizeof e)) != PK_OK)
        snprintf(err, errlen, "trust store from the log: %s", e);
    if (st == PK_OK && (st = pki_srv_checkpoint_init(s, e, sizeof e)) != PK_OK)
        snprintf(err, errlen, "checkpoint: %s", e);
    if (st == PK_OK) {
        if (pthread_create(&s->committer, NULL, pki_srv_committer, s) != 0) {
            snprintf(err, errlen, "parakhd: cannot start the committer thread");
            st = PK_E_INTERNAL;
        } else {
            s->committer_started = true;
        }
    }
    if (st != PK_OK) {
        pk_regsrv_free(s);
        return st;
    }
    *out = s;
    return PK_OK;
}

PK_API void pk_regsrv_free(pk_regsrv *s)
{
    if (!s)
        return;
    pki_srv_upstream_stop(s); /* before the committer: it may still be storing */
    if (s->committer_started) {
        pthread_mutex_lock(&s->qlock);
        s->stopping = true;
        pthread_cond_broadcast(&s->qcond);
        pthread_mutex_unlock(&s->qlock);
        pthread_join(s->committer, NULL);
    }
    /* This thread's handle, then any other thread's still open. */
    pthread_setspecific(s->hkey, NULL);
    pthread_key_delete(s->hkey);
    while (s->handles) {
        pki_handle *h = s->handles;
        s->handles = h->next;
        pk_rstore_close(h->st);
        pki_free(h);
    }
    pk_rstore_close(s->wstore);
    pk_trust_free(s->trust);
    pk_note_signer_free(s->signer);
    pki_srv_cache_fini(s);
    pki_srv_certs_fini(s);
    pki_srv_csaf_free(s);
    pthread_rwlock_destroy(&s->trust_lock);
    pthread_mutex_destroy(&s->hlock);
    pthread_mutex_destroy(&s->qlock);
    pthread_cond_destroy(&s->qcond);
    pki_free(s->db_url);
    pki_free(s);
}

PK_API const char *pk_regsrv_vkey(const pk_regsrv *s)
{
    return s->vkey;
}

PK_API pk_status pk_regsrv_token_create(pk_rstore *st, pk_rstore_role role, const char *lab,
                                        const char *name, char id[PK_REGSRV_TOKEN_ID_LEN],
                                        char secret[PK_REGSRV_SECRET_LEN], char *err, size_t errlen)
{
    if (!st || !name || !id || !secret) {
        snprintf(err, errlen, "token: no store or name");
        return PK_E_MISUSE;
    }
    if (!pk_rstore_role_str(role) || role == PK_ROLE_PUBLIC) {
        snprintf(err, errlen, "token: role must be national, sectoral, organisational or lab");
        return PK_E_USAGE;
    }
    if ((role == PK_ROLE_LAB) != (lab != NULL)) {
        snprintf(err, errlen, "token: --lab is required for role lab and only for it");
        return PK_E_USAGE;
    }
    if (lab && !pki_srv_lab_ok(lab, strlen(lab))) {
        snprintf(err, errlen, "token: lab id '%.64s' is not 1..64 of A-Z a-z 0-9 . _ -", lab);
        return PK_E_USAGE;
    }
    size_t nl = strlen(name);
    if (nl == 0 || nl > 256) {
        snprintf(err, errlen, "token: name of %zu bytes (1..256)", nl);
        return PK_E_USAGE;
    }
    uint8_t rnd[32 + 8];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        snprintf(err, errlen, "token: no randomness from OpenSSL");
        return PK_E_INTERNAL;
    }
    char b64[48];
    pki_b64_encode(rnd, 32, b64); /* 44 chars, one '=' */
    memcpy(secret, "pkt_", 4);
    for (size_t i = 0; i < 43; i++) /* base64url, unpadded */
        secret[4 + i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
    secret[47] = 0;
    char hx[17];
    pki_srv_hex(rnd + 32, 8, hx);
    snprintf(id, PK_REGSRV_TOKEN_ID_LEN, "tok-%s", hx);
    pk_rstore_token t = {.id = id, .role = role, .lab_id = lab, .name = name};
    SHA256((const uint8_t *)secret, strlen(secret), t.secret_sha256);
    char now[32];
    pk_regsrv tmp = {0};
    pki_srv_now(&tmp, now);
    t.created = now;
    pk_status r = pk_rstore_token_add(st, &t, err, errlen);
    OPENSSL_cleanse(rnd, sizeof rnd);
    if (r != PK_OK)
        OPENSSL_cleanse(secret, PK_REGSRV_SECRET_LEN);
    return r;
}
