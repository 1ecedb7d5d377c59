/* parakhd: the registry server's command line (docs/parakhd.md). Thin: it
 * parses arguments, reads key files and calls include/parakh/registry_server.h.
 * Exit codes: 0 done (serve: stopped by SIGTERM/SIGINT), 2 usage, 3 a file,
 * the database or the listen address could not be used. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <parakh/csaf_store.h>
#include <parakh/csaf_sync.h>
#include <parakh/parakh.h>
#include <parakh/registry_server.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { PKD_OK = 0, PKD_USAGE = 2, PKD_INPUT = 3 };

static int fail(int code, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "parakhd: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return code;
}

static void usage(void)
{
    fputs(
        "usage: parakhd keygen --origin NAME -o log.key\n"
        "       parakhd token create --db URL --role ROLE [--lab LAB] --name NAME\n"
        "       parakhd token list --db URL\n"
        "       parakhd token revoke --db URL ID\n"
        "       parakhd serve --db URL --listen HOST:PORT --tls-cert PEM --tls-key PEM\n"
        "                     --root root.pub --log-key log.key [--threads N] [--origin NAME]\n"
        "                     [--insecure-http] [--schemas DIR] [--csaf-url https://HOST[:PORT]]\n"
        "                     [--csaf-gnupghome DIR --csaf-key FPR] [--csaf-publisher FILE]\n"
        "                     [--upstream URL --upstream-keys KEYS.asc [--upstream-token-file F]\n"
        "                      [--upstream-cacert PEM] [--upstream-interval S]]\n"
        "       parakhd import --db URL --bundle DIR|FILE.json --keys KEYS.asc "
        "[--unsigned-vendor]\n"
        "                     [--schemas DIR]\n",
        stderr);
}

/* The whole file (at most 1 MiB), NUL-terminated; NULL with errno set. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1u << 20, n;
    char *b = malloc(cap + 1);
    if (b) {
        n = fread(b, 1, cap + 1, f);
        if (n > cap || ferror(f)) {
            free(b);
            b = NULL;
            errno = n > cap ? EFBIG : EIO;
        } else {
            b[n] = 0;
        }
    }
    fclose(f);
    return b;
}

static int write_new(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t n = strlen(text);
    ssize_t w = write(fd, text, n);
    int ok = w == (ssize_t)n && fsync(fd) == 0;
    close(fd);
    if (!ok)
        unlink(path);
    return ok ? 0 : -1;
}

static int cmd_keygen(int argc, char **argv)
{
    const char *origin = NULL, *out = NULL;
    static const struct option lo[] = {{"origin", 1, 0, 'O'}, {"output", 1, 0, 'o'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
        if (c == 'O')
            origin = optarg;
        else if (c == 'o')
            out = optarg;
        else
            return usage(), PKD_USAGE;
    }
    if (!origin || !out || optind != argc)
        return usage(), PKD_USAGE;
    char skey[PK_NOTE_SKEY_MAX], vkey[PK_NOTE_VKEY_MAX], err[256], vpath[4096], line[600];
    if (pk_note_keygen(origin, skey, vkey, err, sizeof err) != PK_OK)
        return fail(PKD_USAGE, "keygen: %s%s", err, "");
    size_t n = strlen(out);
    if (n > 4 && strcmp(out + n - 4, ".key") == 0)
        snprintf(vpath, sizeof vpath, "%.*s.vkey", (int)(n - 4), out);
    else
        snprintf(vpath, sizeof vpath, "%s.vkey", out);
    snprintf(line, sizeof line, "%s\n", skey);
    if (write_new(out, line, 0600) != 0)
        return fail(PKD_INPUT, "keygen: %s: %s (an existing key is never overwritten)", out,
                    strerror(errno));
    snprintf(line, sizeof line, "%s\n", vkey);
    if (write_new(vpath, line, 0644) != 0) {
        unlink(out);
        return fail(PKD_INPUT, "keygen: %s: %s", vpath, strerror(errno));
    }
    printf("%s\n", vkey);
    return PKD_OK;
}

static void print_token(const pk_rstore_token *t, void *ctx)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", t->id, pk_rstore_role_str(t->role),
           t->lab_id ? t->lab_id : "-", t->created, t->revoked ? t->revoked : "active", t->name);
}

static int cmd_token(int argc, char **argv)
{
    if (argc < 2)
        return usage(), PKD_USAGE;
    const char *sub = argv[1], *db = NULL, *role = NULL, *lab = NULL, *name = NULL;
    static const struct option lo[] = {{"db", 1, 0, 'd'},
                                       {"role", 1, 0, 'r'},
                                       {"lab", 1, 0, 'l'},
                                       {"name", 1, 0, 'n'},
                                       {0, 0, 0, 0}};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'r')
            role = optarg;
        else if (c == 'l')
            lab = optarg;
        else if (c == 'n')
            name = optarg;
        else
            return usage(), PKD_USAGE;
    }
    if (!db)
        return fail(PKD_USAGE, "token: --db is required%s%s", "", "");
    bool create = strcmp(sub, "create") == 0, list = strcmp(sub, "list") == 0,
         revoke = strcmp(sub, "revoke") == 0;
    pk_rstore_role r = PK_ROLE_PUBLIC;
    if (create && (!role || !name || optind != argc))
        return fail(PKD_USAGE, "token create: --role and --name are required%s%s", "", "");
    if (create && pk_rstore_role_parse(role, &r) != 0)
        return fail(PKD_USAGE, "token create: unknown role '%s'%s", role, "");
    if ((list && optind != argc) || (revoke && optind != argc - 1) || (!create && !list && !revoke))
        return usage(), PKD_USAGE;
    char err[512];
    pk_rstore *st;
    if (pk_rstore_open(db, &st, err, sizeof err) != PK_OK)
        return fail(PKD_INPUT, "%s%s", err, "");
    int rc = PKD_OK;
    if (create) {
        char id[PK_REGSRV_TOKEN_ID_LEN], secret[PK_REGSRV_SECRET_LEN];
        pk_status s = pk_regsrv_token_create(st, r, lab, name, id, secret, err, sizeof err);
        if (s == PK_OK)
            printf("id: %s\nsecret: %s\n", id, secret);
        else
            rc = fail(s == PK_E_USAGE ? PKD_USAGE : PKD_INPUT, "%s%s", err, "");
    } else if (list) {
        if (pk_rstore_token_each(st, print_token, NULL, err, sizeof err) != PK_OK)
            rc = fail(PKD_INPUT, "%s%s", err, "");
    } else {
        char now[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        pk_status s = pk_rstore_token_revoke(st, argv[optind], now, err, sizeof err);
        if (s != PK_OK)
            rc = fail(s == PK_E_USAGE ? PKD_USAGE : PKD_INPUT, "%s%s", err, "");
    }
    pk_rstore_close(st);
    return rc;
}

/* The CSAF options of serve (docs/csaf.md). */
typedef struct csaf_opts {
    const char *schemas, *url, *gnupghome, *key, *publisher;
    pk_regsrv_upstream up;
} csaf_opts;

static int csaf_opt(int c, csaf_opts *o)
{
    switch (c) {
    case 'S':
        o->schemas = optarg;
        return 0;
    case 'U':
        o->url = optarg;
        return 0;
    case 'G':
        o->gnupghome = optarg;
        return 0;
    case 'K':
        o->key = optarg;
        return 0;
    case 'P':
        o->publisher = optarg;
        return 0;
    case 'u':
        o->up.url = optarg;
        return 0;
    case 'y':
        o->up.keys_path = optarg;
        return 0;
    case 'T':
        o->up.token_path = optarg;
        return 0;
    case 'C':
        o->up.cacert = optarg;
        return 0;
    case 'i': {
        char *end;
        unsigned long v = strtoul(optarg, &end, 10);
        if (*end || v < 1 || v > 86400)
            return fail(PKD_USAGE, "--upstream-interval '%s' is not 1..86400 seconds%s", optarg,
                        "");
        o->up.interval_s = (unsigned)v;
        return 0;
    }
    default:
        return usage(), PKD_USAGE;
    }
}

/* After the listener is up (its port is known): the CSAF side, then the
 * upstream thread. *signer is closed by the caller after the server. */
static int csaf_start(pk_regsrv *s, const csaf_opts *o, const char *listen, unsigned port,
                      pk_csaf_signer **signer)
{
    char err[512], base[600];
    if (o->url)
        snprintf(base, sizeof base, "%s", o->url);
    else {
        const char *colon = strrchr(listen, ':');
        int hl = colon ? (int)(colon - listen) : (int)strlen(listen);
        snprintf(base, sizeof base, "https://%.*s:%u", hl, listen, port);
    }
    if (!!o->gnupghome != !!o->key)
        return fail(PKD_USAGE, "--csaf-gnupghome and --csaf-key go together%s%s", "", "");
    if (o->key && pk_csaf_signer_open(o->gnupghome, o->key, signer, err, sizeof err) != PK_OK)
        return fail(PKD_INPUT, "--csaf-key: %s%s", err, "");
    char *pub = NULL;
    if (o->publisher && !(pub = slurp(o->publisher)))
        return fail(PKD_INPUT, "--csaf-publisher %s: %s", o->publisher, strerror(errno));
    pk_regsrv_csaf cc = {
        .base_url = base, .publisher_json = pub, .signer = *signer, .schema_dir = o->schemas};
    pk_status st = pk_regsrv_csaf_setup(s, &cc, err, sizeof err);
    free(pub);
    if (st != PK_OK)
        return fail(st == PK_E_USAGE || st == PK_E_FORMAT ? PKD_USAGE : PKD_INPUT, "CSAF: %s%s",
                    err, "");
    if (!o->up.url && (o->up.keys_path || o->up.token_path || o->up.cacert || o->up.interval_s))
        return fail(PKD_USAGE, "--upstream-* options need --upstream%s%s", "", "");
    if (o->up.url && !o->up.keys_path)
        return fail(PKD_USAGE, "--upstream needs --upstream-keys%s%s", "", "");
    if (o->up.url && (st = pk_regsrv_upstream_start(s, &o->up, err, sizeof err)) != PK_OK)
        return fail(st == PK_E_USAGE ? PKD_USAGE : PKD_INPUT, "%s%s", err, "");
    return PKD_OK;
}

static int cmd_serve(int argc, char **argv, int first)
{
    const char *db = NULL, *listen = NULL, *cert = NULL, *key = NULL, *root = NULL, *logkey = NULL,
               *origin = NULL;
    unsigned threads = 0;
    int insecure = 0;
    csaf_opts co = {0};
    pk_csaf_signer *signer = NULL;
    static const struct option lo[] = {{"db", 1, 0, 'd'},
                                       {"listen", 1, 0, 'L'},
                                       {"tls-cert", 1, 0, 'c'},
                                       {"tls-key", 1, 0, 'k'},
                                       {"root", 1, 0, 'r'},
                                       {"log-key", 1, 0, 'g'},
                                       {"threads", 1, 0, 't'},
                                       {"origin", 1, 0, 'O'},
                                       {"insecure-http", 0, 0, 'I'},
                                       {"schemas", 1, 0, 'S'},
                                       {"csaf-url", 1, 0, 'U'},
                                       {"csaf-gnupghome", 1, 0, 'G'},
                                       {"csaf-key", 1, 0, 'K'},
                                       {"csaf-publisher", 1, 0, 'P'},
                                       {"upstream", 1, 0, 'u'},
                                       {"upstream-keys", 1, 0, 'y'},
                                       {"upstream-token-file", 1, 0, 'T'},
                                       {"upstream-cacert", 1, 0, 'C'},
                                       {"upstream-interval", 1, 0, 'i'},
                                       {0, 0, 0, 0}};
    int c;
    optind = first;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'L':
            listen = optarg;
            break;
        case 'c':
            cert = optarg;
            break;
        case 'k':
            key = optarg;
            break;
        case 'r':
            root = optarg;
            break;
        case 'g':
            logkey = optarg;
            break;
        case 'O':
            origin = optarg;
            break;
        case 'I':
            insecure = 1;
            break;
        case 't': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v < 1 || v > 256)
                return fail(PKD_USAGE, "--threads '%s' is not 1..256%s", optarg, "");
            threads = (unsigned)v;
            break;
        }
        default: {
            int r = csaf_opt(c, &co);
            if (r)
                return r;
        }
        }
    }
    if (optind != argc || !db || !listen || !root || !logkey)
        return fail(PKD_USAGE, "serve needs --db, --listen, --root and --log-key%s%s", "", "");
    if (!insecure && (!cert || !key))
        return fail(PKD_USAGE,
                    "serve needs --tls-cert and --tls-key (plain HTTP only with "
                    "--insecure-http)%s%s",
                    "", "");
    char err[512];
    pk_key *rk = NULL;
    if (pk_key_load(root, 0, &rk, err, sizeof err) != PK_OK)
        return fail(PKD_INPUT, "--root: %s%s", err, "");
    char *skey = slurp(logkey), *tc = NULL, *tk = NULL;
    if (!skey) {
        pk_key_free(rk);
        return fail(PKD_INPUT, "--log-key %s: %s", logkey, strerror(errno));
    }
    skey[strcspn(skey, "\r\n")] = 0;
    if (!insecure && (!(tc = slurp(cert)) || !(tk = slurp(key)))) {
        int e = errno;
        free(skey), free(tc), pk_key_free(rk);
        return fail(PKD_INPUT, "%s: %s", tc ? key : cert, strerror(e));
    }
    /* Bounded memory under load: few malloc arenas, freed pages returned. */
    mallopt(M_ARENA_MAX, 4);
    mallopt(M_TRIM_THRESHOLD, 4 << 20);
    /* Signals are taken by sigwait below, never by a worker thread. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pk_regsrv_config cfg = {.db_url = db, .root = rk, .log_skey = skey, .origin = origin};
    pk_regsrv *s = NULL;
    pk_regsrv_http *h = NULL;
    int rc = PKD_OK;
    if (pk_regsrv_new(&cfg, &s, err, sizeof err) != PK_OK) {
        rc = fail(PKD_INPUT, "%s%s", err, "");
    } else {
        pk_regsrv_http_config hc = {.listen = listen,
                                    .tls_cert = tc,
                                    .tls_key = tk,
                                    .insecure_http = insecure,
                                    .threads = threads,
                                    .hold = true};
        pk_status st = pk_regsrv_http_start(s, &hc, &h, err, sizeof err);
        if (st != PK_OK)
            rc = fail(st == PK_E_USAGE ? PKD_USAGE : PKD_INPUT, "%s%s", err, "");
        else
            rc = csaf_start(s, &co, listen, pk_regsrv_http_port(h), &signer);
        if (rc == PKD_OK)
            pk_regsrv_http_open(h); /* the CSAF provider knows its URL and key now */
    }
    if (tk) {
        memset(tk, 0, strlen(tk));
        free(tk);
    }
    free(tc);
    memset(skey, 0, strlen(skey));
    free(skey);
    if (rc == PKD_OK) {
        fprintf(stderr, "parakhd: serving %s://%s (port %u), log key %s\n",
                insecure ? "http" : "https", listen, pk_regsrv_http_port(h), pk_regsrv_vkey(s));
        int sig = 0;
        sigwait(&set, &sig);
        fprintf(stderr, "parakhd: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
    pk_regsrv_http_stop(h);
    pk_regsrv_free(s);
    pk_csaf_signer_close(signer);
    pk_key_free(rk);
    return rc;
}

/* parakhd import: a bundle (a provider tree) or one vendor document into
 * the database, with the checks of a pull (docs/csaf.md). Exit 0 when
 * nothing was refused, 1 when some document was, 3 when the bundle or the
 * database could not be read. */
static int cmd_import(int argc, char **argv)
{
    const char *db = NULL, *bundle = NULL, *keys = NULL, *schemas = NULL;
    int unsigned_ok = 0;
    static const struct option lo[] = {
        {"db", 1, 0, 'd'},      {"bundle", 1, 0, 'b'},          {"keys", 1, 0, 'k'},
        {"schemas", 1, 0, 'S'}, {"unsigned-vendor", 0, 0, 'V'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'b')
            bundle = optarg;
        else if (c == 'k')
            keys = optarg;
        else if (c == 'S')
            schemas = optarg;
        else if (c == 'V')
            unsigned_ok = 1;
        else
            return usage(), PKD_USAGE;
    }
    if (optind != argc || !db || !bundle || (!keys && !unsigned_ok))
        return fail(PKD_USAGE, "import needs --db, --bundle and --keys (or --unsigned-vendor)%s%s",
                    "", "");
    char err[512];
    pk_rstore *st;
    if (pk_rstore_open(db, &st, err, sizeof err) != PK_OK)
        return fail(PKD_INPUT, "%s%s", err, "");
    pk_csaf_sink k = {.st = st, .source = "import"};
    pk_csaf_sync_cb cb;
    pk_csaf_sink_callbacks(&k, &cb);
    pk_csaf_sync_opts o = {.keys_path = keys,
                           .schema_dir = schemas,
                           .unsigned_ok = unsigned_ok,
                           .follow_aggregator = true};
    pk_csaf_sync_stats ss = {0};
    int rc = PKD_OK;
    if (pk_csaf_pull_dir(bundle, &o, &cb, &ss, err, sizeof err) != PK_OK)
        rc = fail(PKD_INPUT, "import %s: %s", bundle, err);
    else {
        printf("%llu listed, %llu stored, %llu refused, %llu unchanged\n",
               (unsigned long long)ss.listed, (unsigned long long)k.stored,
               (unsigned long long)ss.refused, (unsigned long long)ss.unchanged);
        if (ss.refused || k.refused)
            rc = 1;
    }
    pk_rstore_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(), PKD_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "keygen") == 0)
        return cmd_keygen(argc - 1, argv + 1);
    if (strcmp(cmd, "token") == 0)
        return cmd_token(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc, argv, 2);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(argc - 1, argv + 1);
    if (strncmp(cmd, "--", 2) == 0) /* no subcommand but options: serve */
        return cmd_serve(argc, argv, 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return usage(), PKD_OK;
    usage();
    return PKD_USAGE;
}
