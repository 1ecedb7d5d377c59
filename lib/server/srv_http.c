/* parakhd: libmicrohttpd in front of the request handler. A thread pool of
 * epoll loops serves TLS (GnuTLS) connections; a write's connection is
 * suspended while the committer works, so no loop ever waits for the
 * database's fsync. Bodies are read up to PK_REGSRV_MAX_BODY and no
 * further; refusals that need no body (route, method, token, role, content
 * type, declared length) are answered before the body is read. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "srv_int.h"

/* Seconds one request (headers and body) may take to arrive and be
 * answered; MHD's own timeout closes idle connections sooner. */
#define PKI_REQUEST_DEADLINE 20

struct pk_regsrv_http {
    struct MHD_Daemon *d;
    pk_regsrv *s;
    unsigned port;
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned pending; /* writes between queueing and their answer being sent */
    bool stopping;
    bool held;     /* pk_regsrv_http_config.hold until pk_regsrv_http_open */
    char log[256]; /* MHD's last error message (TLS set-up) */
    /* The request deadline: MHD's timeout is for idleness, so a client
     * trickling a byte at a time would hold a connection for ever. */
    struct track *conns;
    pthread_t watchdog;
    pthread_cond_t tick;
    bool watchdog_started;
};

/* One open connection: when its current request began (the connection's
 * start, then each answer's end). */
struct track {
    struct track *next, *prev;
    int fd;
    time_t t0;
    bool shut;
};

typedef struct conn {
    pk_regsrv_http *h;
    struct MHD_Connection *c;
    char *url;
    uint8_t *body;
    size_t len, cap;
    bool too_large, started, suspended, answered, waiting;
    pthread_mutex_t m;
    pk_regsrv_response rs;
} conn;

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
    conn *k = pki_calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->h = cls;
    k->c = c;
    /* An over-long target is answered 414 by the handler; keep a bounded
     * prefix that is still over the limit. */
    size_t n = strnlen(uri, PK_REGSRV_MAX_URL + 1);
    k->url = pki_malloc(n + 1);
    if (k->url) {
        memcpy(k->url, uri, n);
        k->url[n] = 0;
    }
    pthread_mutex_init(&k->m, NULL);
    return k;
}

static void done_pending(pk_regsrv_http *h)
{
    pthread_mutex_lock(&h->lock);
    if (--h->pending == 0)
        pthread_cond_broadcast(&h->idle);
    pthread_mutex_unlock(&h->lock);
}

static void notify_cb(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
    pk_regsrv_http *h = cls;
    struct track *t = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci || !(t = pki_calloc(1, sizeof *t)))
            return;
        t->fd = ci->connect_fd;
        t->t0 = time(NULL);
        pthread_mutex_lock(&h->lock);
        t->next = h->conns;
        if (h->conns)
            h->conns->prev = t;
        h->conns = t;
        pthread_mutex_unlock(&h->lock);
        *socket_context = t;
    } else if (t) { /* closed: before MHD closes the socket */
        pthread_mutex_lock(&h->lock);
        if (t->prev)
            t->prev->next = t->next;
        else
            h->conns = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&h->lock);
        pki_free(t);
        *socket_context = NULL;
    }
}

/* Once a second: a connection whose request has taken longer than the
 * deadline is shut down (MHD then sees the end of the stream and closes it
 * in its own thread). */
static void *watchdog(void *arg)
{
    pk_regsrv_http *h = arg;
    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&h->tick, &h->lock, &ts);
        time_t now = time(NULL);
        for (struct track *t = h->conns; t; t = t->next)
            if (!t->shut && now - t->t0 > PKI_REQUEST_DEADLINE) {
                shutdown(t->fd, SHUT_RDWR);
                t->shut = true;
            }
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    pk_regsrv_http *h = cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (ci && ci->socket_context) { /* the next request's time starts now */
        pthread_mutex_lock(&h->lock);
        ((struct track *)ci->socket_context)->t0 = time(NULL);
        pthread_mutex_unlock(&h->lock);
    }
    conn *k = *con_cls;
    if (!k)
        return;
    if (k->waiting) /* the client left while its write was queued */
        done_pending(k->h);
    pk_regsrv_response_clear(&k->rs);
    pki_free(k->body);
    pki_free(k->url);
    pthread_mutex_destroy(&k->m);
    pki_free(k);
    *con_cls = NULL;
}

static void free_body(void *p)
{
    pki_free(p);
}

static enum MHD_Result send_rs(struct MHD_Connection *c, pk_regsrv_response *rs)
{
    struct MHD_Response *r;
    if (rs->body_static)
        r = MHD_create_response_from_buffer(rs->body_len, rs->body, MHD_RESPMEM_PERSISTENT);
    else {
        r = MHD_create_response_from_buffer_with_free_callback(rs->body_len, rs->body, free_body);
        if (r)
            rs->body = NULL; /* MHD owns it now */
    }
    if (!r)
        return MHD_NO;
    const char *names[PK_REGSRV_MAX_HEADERS], *values[PK_REGSRV_MAX_HEADERS];
    size_t n = pk_regsrv_headers(rs, names, values);
    MHD_add_response_header(r, "Content-Type", rs->content_type);
    for (size_t i = 0; i < n; i++)
        MHD_add_response_header(r, names[i], values[i]);
    enum MHD_Result ret = MHD_queue_response(c, rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Called by the committer thread when a queued write has its answer. */
static void resume_cb(void *ctx)
{
    conn *k = ctx;
    /* Nothing of k may be touched after the resume: another worker may
     * answer the request and free k at once. */
    pthread_mutex_lock(&k->m);
    k->answered = true;
    bool resume = k->suspended;
    struct MHD_Connection *c = k->c;
    pthread_mutex_unlock(&k->m);
    if (resume)
        MHD_resume_connection(c);
}

static void request_of(conn *k, const char *method, pk_regsrv_request *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->method = method;
    rq->url = k->url;
    rq->authorization = MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, "Authorization");
    rq->content_type = MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, "Content-Type");
    rq->body = k->body;
    rq->body_len = k->len;
    rq->body_too_large = k->too_large;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    (void)url;
    pk_regsrv_http *h = cls;
    conn *k = *con_cls;
    if (!k || !k->url)
        return MHD_NO;
    pk_regsrv_request rq;
    if (k->waiting) { /* resumed: the committer has answered */
        done_pending(h);
        k->waiting = false;
        return send_rs(c, &k->rs);
    }
    if (!k->started) {
        k->started = true;
        /* HTTP/1.0 and 1.1 only: anything else is a request line MHD could
         * not read whole (a NUL in the target ends it early). */
        if (!version || (strcmp(version, "HTTP/1.1") != 0 && strcmp(version, "HTTP/1.0") != 0)) {
            pki_srv_error(&k->rs, 400, "not an HTTP/1.x request line");
            return send_rs(c, &k->rs);
        }
        request_of(k, method, &rq);
        /* Reads are answered on the next call: a response queued on this
         * first one makes MHD close the connection (no keep-alive). */
        if (strcmp(method, "POST") != 0)
            return MHD_YES;
        if (pk_regsrv_preflight(h->s, &rq, &k->rs))
            return send_rs(c, &k->rs);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > pk_regsrv_max_body(k->url)) {
            rq.body_too_large = true;
            pk_regsrv_handle(h->s, &rq, &k->rs, NULL, NULL); /* 413, before reading */
            return send_rs(c, &k->rs);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        size_t max = pk_regsrv_max_body(k->url); /* 16 MiB on the CSAF upload routes */
        if (k->too_large || n > max - k->len) {
            k->too_large = true; /* drop the rest: never hold more than the limit */
            return MHD_YES;
        }
        if (k->len + n > k->cap) {
            size_t cap = k->cap ? k->cap : 16384;
            while (cap < k->len + n)
                cap *= 2;
            if (cap > max)
                cap = max;
            uint8_t *b = pki_realloc(k->body, cap);
            if (!b)
                return MHD_NO;
            k->body = b;
            k->cap = cap;
        }
        memcpy(k->body + k->len, upload, n);
        k->len += n;
        return MHD_YES;
    }
    if (__atomic_load_n(&h->held, __ATOMIC_ACQUIRE)) {
        pki_srv_error(&k->rs, 503, "the server is starting; try again in a moment");
        return send_rs(c, &k->rs);
    }
    request_of(k, method, &rq);
    if (strcmp(method, "POST") != 0) {
        pk_regsrv_handle(h->s, &rq, &k->rs, NULL, NULL); /* reads never queue */
        return send_rs(c, &k->rs);
    }
    /* Counted before it can be queued, so stop waits for it; refused once
     * stopping began (a keep-alive client may still send). */
    pthread_mutex_lock(&h->lock);
    bool stopping = h->stopping;
    if (!stopping)
        h->pending++;
    pthread_mutex_unlock(&h->lock);
    if (stopping) {
        pki_srv_error(&k->rs, 503, "the server is shutting down; nothing was stored");
        return send_rs(c, &k->rs);
    }
    if (pk_regsrv_handle(h->s, &rq, &k->rs, resume_cb, k)) {
        done_pending(h);
        return send_rs(c, &k->rs);
    }
    /* Queued: suspend unless the committer was quicker. */
    pthread_mutex_lock(&k->m);
    bool now = k->answered;
    if (!now) {
        k->waiting = true;
        k->suspended = true;
        MHD_suspend_connection(c);
    }
    pthread_mutex_unlock(&k->m);
    if (now)
        done_pending(h);
    return now ? send_rs(c, &k->rs) : MHD_YES;
}

static void logger(void *cls, const char *fmt, va_list ap)
{
    pk_regsrv_http *h = cls;
    vsnprintf(h->log, sizeof h->log, fmt, ap);
    h->log[strcspn(h->log, "\n")] = 0;
}

/* "HOST:PORT" or "[V6]:PORT", numeric. */
static int listen_socket(const char *spec, int *fd, bool *v6, char *err, size_t errlen)
{
    char host[128], port[16];
    const char *colon;
    if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host)
            goto bad;
        memcpy(host, spec + 1, (size_t)(rb - spec - 1));
        host[rb - spec - 1] = 0;
        colon = rb + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || (size_t)(colon - spec) >= sizeof host || strchr(spec, ':') != colon)
            goto bad;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = 0;
    }
    if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
        strtoul(colon + 1, NULL, 10) > 65535)
        goto bad;
    snprintf(port, sizeof port, "%s", colon + 1);
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
        goto bad;
    *v6 = ai->ai_family == AF_INET6;
    int s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (s >= 0) {
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (*v6)
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (s < 0 || bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, 1024) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", spec, strerror(errno));
        if (s >= 0)
            close(s);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    *fd = s;
    return 0;
bad:
    snprintf(err, errlen, "listen address '%.100s' is not HOST:PORT or [V6]:PORT (numeric)", spec);
    return -2;
}

PK_API pk_status pk_regsrv_http_start(pk_regsrv *s, const pk_regsrv_http_config *c,
                                      pk_regsrv_http **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!s || !c || !c->listen || (!c->insecure_http && (!c->tls_cert || !c->tls_key))) {
        snprintf(err, errlen, "parakhd: TLS needs --tls-cert and --tls-key (or --insecure-http)");
        return PK_E_USAGE;
    }
    pk_regsrv_http *h = pki_calloc(1, sizeof *h);
    if (!h)
        return PK_E_NOMEM;
    h->s = s;
    h->held = c->hold;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->idle, NULL);
    bool v6 = false;
    int r = listen_socket(c->listen, &h->fd, &v6, err, errlen);
    if (r != 0) {
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->idle);
        pki_free(h);
        return r == -2 ? PK_E_USAGE : PK_E_IO;
    }
    unsigned threads = c->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 && n < 64 ? (unsigned)n : 2;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0) |
                     (c->insecure_http ? 0 : MHD_USE_TLS);
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)c->tls_key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)c->tls_cert},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL}};
    h->d = MHD_start_daemon(
        flags, 0, NULL, NULL, access_cb, h, MHD_OPTION_LISTEN_SOCKET, h->fd,
        MHD_OPTION_URI_LOG_CALLBACK, uri_cb, h, MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
        MHD_OPTION_NOTIFY_CONNECTION, notify_cb, h, MHD_OPTION_EXTERNAL_LOGGER, logger, h,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
        c->timeout_s ? c->timeout_s : 15u, MHD_OPTION_CONNECTION_LIMIT,
        c->max_connections ? c->max_connections : 1024u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(128u << 10), MHD_OPTION_ARRAY, c->insecure_http ? &tls[3] : tls, MHD_OPTION_END);
    if (!h->d) {
        snprintf(err, errlen, "cannot start the HTTP server: %s%s",
                 h->log[0] ? h->log : "libmicrohttpd refused",
                 c->insecure_http ? "" : " (check --tls-cert and --tls-key: PEM, a matching pair)");
        close(h->fd);
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->idle);
        pki_free(h);
        return PK_E_IO;
    }
    pthread_cond_init(&h->tick, NULL);
    h->watchdog_started = pthread_create(&h->watchdog, NULL, watchdog, h) == 0;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : 0;
    *out = h;
    return PK_OK;
}

PK_API unsigned pk_regsrv_http_port(const pk_regsrv_http *h)
{
    return h->port;
}

PK_API void pk_regsrv_http_open(pk_regsrv_http *h)
{
    if (h)
        __atomic_store_n(&h->held, false, __ATOMIC_RELEASE);
}

PK_API void pk_regsrv_http_stop(pk_regsrv_http *h)
{
    if (!h)
        return;
    /* Stop accepting; then wait until every suspended write has its answer
     * (MHD must not be stopped with suspended connections). */
    int fd = MHD_quiesce_daemon(h->d);
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    pthread_cond_broadcast(&h->tick);
    while (h->pending)
        pthread_cond_wait(&h->idle, &h->lock);
    pthread_mutex_unlock(&h->lock);
    if (h->watchdog_started)
        pthread_join(h->watchdog, NULL);
    MHD_stop_daemon(h->d);
    if (fd >= 0)
        close(fd);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->idle);
    pthread_cond_destroy(&h->tick);
    pki_free(h);
}
