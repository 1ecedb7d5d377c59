/* pk_csaf_pull_url against an in-process HTTP server (libmicrohttpd on
 * 127.0.0.1, an ephemeral port) serving the tree of test_csafsync_tree.h:
 * the same documents accepted and the same refusals as from the bundle, the
 * mirror read from the upstream's own aggregator tree, the bearer token in
 * every request's Authorization header; an upstream answering garbage, 404,
 * a redirect or a body over the cap gives PK_E_IO and delivers nothing; a
 * redirect for one document refuses that document only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <parakh/csaf_sync.h>

#include "fixture.h"
#include "test_csafsync_tree.h"

static struct MHD_Daemon *daemon_;
static char base[64], token_path[160];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned requests, unauthorised;

/* /ok/<p>: the file root/<p>; /garbage/: HTML for everything; /down/: 404;
 * /redirect/: 302 for everything; /docredirect/: 302 for documents only;
 * /big/: a provider-metadata.json of 2 MiB. */
static char *route(const char *u, int *code, size_t *len)
{
    *code = 200;
    const char *rest = NULL;
    if (!strncmp(u, "/garbage/", 9)) {
        return strdup("<html><body>It works!</body></html>\n");
    } else if (!strncmp(u, "/down/", 6)) {
        *code = 404;
        return strdup("not found");
    } else if (!strncmp(u, "/redirect/", 10)) {
        *code = 302;
        return strdup("");
    } else if (!strncmp(u, "/big/", 5)) {
        char *b = malloc(2u << 20);
        memset(b, ' ', 2u << 20);
        b[0] = '{';
        b[(2u << 20) - 2] = '}';
        b[(2u << 20) - 1] = 0;
        return b;
    } else if (!strncmp(u, "/docredirect/", 13)) {
        rest = u + 12;
        size_t n = strlen(rest);
        if (n > 5 && !strcmp(rest + n - 5, ".json") && strstr(rest, "/white/")) {
            *code = 302;
            return strdup("");
        }
    } else if (!strncmp(u, "/ok/", 4)) {
        rest = u + 3;
    }
    if (!rest || strstr(rest, "..")) {
        *code = 404;
        return strdup("no");
    }
    char p[512];
    snprintf(p, sizeof p, "%s%s", tr_root, rest);
    uint8_t *b = fx_read(p, len);
    if (!b) {
        *code = 404;
        return strdup("not found");
    }
    return (char *)b;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *u, const char *m,
                               const char *v, const char *up, size_t *upsz, void **state)
{
    (void)cls, (void)v, (void)up, (void)m;
    if (!*state) {
        *state = (void *)1;
        return MHD_YES;
    }
    *upsz = 0;
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    pthread_mutex_lock(&mu);
    requests++;
    if (!a || strcmp(a, "Bearer tok-123"))
        unauthorised++;
    pthread_mutex_unlock(&mu);
    int code;
    size_t len = 0;
    char *body = route(u, &code, &len);
    if (!len)
        len = strlen(body);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (code == 302)
        MHD_add_response_header(r, "Location", "http://127.0.0.1:1/");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ret;
}

static int setup(void **st)
{
    (void)st;
    tr_build("/tmp/pk-csh-XXXXXX");
    fx_put("token", "tok-123\n");
    snprintf(token_path, sizeof token_path, "%s/token", fx_dir);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL,
                               MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
    assert_non_null(daemon_);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)di->port);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    MHD_stop_daemon(daemon_);
    return tr_remove();
}

static pk_csaf_sync_opts opts(void)
{
    pk_csaf_sync_opts o = {
        .keys_path = tr_keys, .token_path = token_path, .follow_aggregator = true, .timeout_s = 20};
    return o;
}

static void test_upstream(void **st)
{
    (void)st;
    tr_reset();
    requests = unauthorised = 0;
    pk_csaf_sync_opts o = opts();
    pk_csaf_sync_stats s;
    char url[128], err[1024] = "";
    snprintf(url, sizeof url, "%s/ok/", base);
    assert_int_equal(pk_csaf_pull_url(url, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    tr_expect_full(&s);
    tr_refused("http://127.0.0.1", "rhsa-2019_1862.json");
    assert_true(requests > 40);
    assert_int_equal(unauthorised, 0);
    /* everything held now */
    tr_nref = 0;
    assert_int_equal(pk_csaf_pull_url(url, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.unchanged, 4);
    assert_int_equal(s.accepted, 0);
}

static void bad_upstream(const char *prefix, const char *why)
{
    tr_reset();
    pk_csaf_sync_opts o = opts();
    pk_csaf_sync_stats s;
    char url[128], err[1024] = "";
    snprintf(url, sizeof url, "%s%s", base, prefix);
    assert_int_equal(pk_csaf_pull_url(url, &o, &tr_cb, &s, err, sizeof err), PK_E_IO);
    if (!strstr(err, why))
        fail_msg("%s: \"%s\" does not say \"%s\"", prefix, err, why);
    assert_int_equal(tr_n, 0);
    assert_int_equal(s.listed, 0);
    assert_int_equal(s.accepted, 0);
    tr_refused("provider not read", why);
}

static void test_bad_upstreams(void **st)
{
    (void)st;
    bad_upstream("/garbage", "not a JSON object");
    bad_upstream("/down", "HTTP 404");
    bad_upstream("/redirect", "a redirect, not followed");
    bad_upstream("/big", "over the limit");
    /* nothing listening */
    tr_reset();
    pk_csaf_sync_opts o = opts();
    pk_csaf_sync_stats s;
    char err[1024] = "";
    assert_int_equal(pk_csaf_pull_url("http://127.0.0.1:1", &o, &tr_cb, &s, err, sizeof err),
                     PK_E_IO);
    assert_int_equal(tr_n, 0);
    /* not an http(s) URL; an unreadable token file */
    assert_int_equal(pk_csaf_pull_url("file:///etc/passwd", &o, &tr_cb, &s, err, sizeof err),
                     PK_E_USAGE);
    o.token_path = "/nonexistent/token";
    assert_int_equal(pk_csaf_pull_url(base, &o, &tr_cb, &s, err, sizeof err), PK_E_IO);
}

static void test_document_redirects(void **st)
{
    (void)st;
    tr_reset();
    pk_csaf_sync_opts o = opts();
    o.follow_aggregator = false;
    pk_csaf_sync_stats s;
    char url[128], err[1024] = "";
    snprintf(url, sizeof url, "%s/docredirect", base);
    assert_int_equal(pk_csaf_pull_url(url, &o, &tr_cb, &s, err, sizeof err), PK_OK);
    assert_int_equal(s.listed, 10);
    assert_int_equal(s.accepted, 0);
    assert_int_equal(s.refused, 10);
    tr_refused("bsi-2022-0001.json", "a redirect, not followed");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_upstream),
        cmocka_unit_test(test_bad_upstreams),
        cmocka_unit_test(test_document_redirects),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
