/* parakhd --upstream (docs/csaf.md "Passing it on"): one thread with its
 * own database handle pulls the upstream provider once at start and then
 * every interval, until pk_regsrv_free stops it. A pull that fails as a
 * whole (the upstream is down) is logged and leaves everything held. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "srv_csaf_int.h"

typedef struct pki_csaf_up {
    pk_regsrv *s;
    char *url, *keys, *token, *cacert;
    unsigned interval;
    pthread_t th;
    pthread_mutex_t m;
    pthread_cond_t cv;
    bool stop;
} pki_csaf_up;

static void up_free(pki_csaf_up *u)
{
    if (!u)
        return;
    pki_free(u->url);
    pki_free(u->keys);
    pki_free(u->token);
    pki_free(u->cacert);
    pthread_mutex_destroy(&u->m);
    pthread_cond_destroy(&u->cv);
    pki_free(u);
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "parakhd: %s\n", line);
}

static void pull_once(pki_csaf_up *u, pk_rstore *st)
{
    const pki_csaf_srv *c = pki_csaf_cfg(u->s);
    pk_csaf_sink k = {.st = st, .tmpdir = c->tmpdir, .source = "pull", .log = log_line};
    pk_csaf_sync_cb cb;
    pk_csaf_sink_callbacks(&k, &cb);
    pk_csaf_sync_opts o = {.keys_path = u->keys,
                           .token_path = u->token,
                           .cacert = u->cacert,
                           .schema_dir = c->schema_dir,
                           .follow_aggregator = true};
    pk_csaf_sync_stats ss = {0};
    char e[PKI_SRV_ERRLEN];
    pk_status pst = pk_csaf_pull_url(u->url, &o, &cb, &ss, e, sizeof e);
    char me[PKI_SRV_ERRLEN];
    if (pk_csaf_match_pending(st, c->tmpdir, NULL, me, sizeof me) != PK_OK)
        fprintf(stderr, "parakhd: csaf-pull: matching: %s\n", me);
    if (pst != PK_OK)
        fprintf(stderr, "parakhd: csaf-pull: refused %s: %s\n", u->url, e);
    else
        fprintf(stderr,
                "parakhd: csaf-pull: %s: %llu listed, %llu stored, %llu refused, %llu unchanged\n",
                u->url, (unsigned long long)ss.listed, (unsigned long long)k.stored,
                (unsigned long long)ss.refused, (unsigned long long)ss.unchanged);
}

static void *up_main(void *arg)
{
    pki_csaf_up *u = arg;
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = NULL;
    for (;;) {
        if (!st && pk_rstore_open(u->s->db_url, &st, e, sizeof e) != PK_OK) {
            fprintf(stderr, "parakhd: csaf-pull: database: %s\n", e);
            st = NULL;
        }
        if (st)
            pull_once(u, st);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)u->interval;
        pthread_mutex_lock(&u->m);
        while (!u->stop) {
            if (pthread_cond_timedwait(&u->cv, &u->m, &ts) == ETIMEDOUT)
                break;
        }
        bool stop = u->stop;
        pthread_mutex_unlock(&u->m);
        if (stop)
            break;
    }
    pk_rstore_close(st);
    return NULL;
}

PK_API pk_status pk_regsrv_upstream_start(pk_regsrv *s, const pk_regsrv_upstream *up, char *err,
                                          size_t errlen)
{
    if (!s || !up || !up->url || !up->keys_path || s->up) {
        snprintf(err, errlen, "--upstream needs a URL and --upstream-keys (and runs once)");
        return PK_E_USAGE;
    }
    if (strncmp(up->url, "https://", 8) != 0 && strncmp(up->url, "http://", 7) != 0) {
        snprintf(err, errlen, "--upstream '%.200s' is not an https:// URL", up->url);
        return PK_E_USAGE;
    }
    pki_csaf_up *u = pki_calloc(1, sizeof *u);
    if (!u)
        return PK_E_NOMEM;
    pthread_mutex_init(&u->m, NULL);
    pthread_cond_init(&u->cv, NULL);
    u->s = s;
    u->interval = up->interval_s ? up->interval_s : 300;
    u->url = pki_strdup(up->url);
    u->keys = pki_strdup(up->keys_path);
    u->token = up->token_path ? pki_strdup(up->token_path) : NULL;
    u->cacert = up->cacert ? pki_strdup(up->cacert) : NULL;
    if (!u->url || !u->keys || (up->token_path && !u->token) || (up->cacert && !u->cacert)) {
        up_free(u);
        return PK_E_NOMEM;
    }
    if (pthread_create(&u->th, NULL, up_main, u) != 0) {
        up_free(u);
        snprintf(err, errlen, "cannot start the --upstream thread");
        return PK_E_INTERNAL;
    }
    s->up = u;
    return PK_OK;
}

void pki_srv_upstream_stop(pk_regsrv *s)
{
    pki_csaf_up *u = s->up;
    if (!u)
        return;
    pthread_mutex_lock(&u->m);
    u->stop = true;
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->m);
    pthread_join(u->th, NULL);
    up_free(u);
    s->up = NULL;
}
