/* parakh advisory new|check|publish|affected|bundle, and parakh registry
 * sbom|inuse (docs/csaf.md, docs/csaf-draft.md). Thin: the draft, the
 * checks, the matcher, the HTTP calls and the puller are the library's.
 * Exit codes: 0 done / valid / nothing affected; 2 usage; 3 an input
 * unreadable or the server unreachable; 4 affected; 20 invalid; 21 the
 * server refused the document (registry sbom|inuse: 1, as parakh registry). */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <parakh/csaf.h>
#include <parakh/registry_client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: parakh advisory new DRAFT.yaml -o OUT.json [--previous DOC] [--now T]\n"
          "                         [--schemas DIR]\n"
          "       parakh advisory check DOC [--schemas DIR] [--json]\n"
          "       parakh advisory publish DOC --url URL --token-file F [--cacert PEM]\n"
          "       parakh advisory affected DOC --url URL [--token-file F] [--cacert PEM]\n"
          "       parakh advisory affected DOC --sbom SBOM [--sbom SBOM ...]\n"
          "       parakh advisory bundle --url URL [--keys KEYS.asc] [--token-file F]\n"
          "                         [--cacert PEM] -o DIR\n"
          "\n"
          "new writes a CSAF 2.0 document from a YAML draft (docs/csaf-draft.md) and\n"
          "writes it only when every check passes; check runs the JSON Schema and the\n"
          "CSAF mandatory tests (docs/csaf-checks.md); publish sends a document to\n"
          "parakhd; affected says which certified products (or which of the SBOMs\n"
          "given) a document touches; bundle copies a provider's documents, checked,\n"
          "into a provider tree for an air gap.\n"
          "\n"
          "exit codes: 0 done, valid, or nothing affected; 2 usage; 3 an input\n"
          "unreadable or the server unreachable; 4 a product is affected; 20 the\n"
          "document is invalid (or the draft gives one); 21 the server refused it.\n",
          f);
}

typedef struct aopts {
    const char *out, *previous, *now, *schemas, *url, *token, *cacert, *keys;
    const char *sbom[64];
    size_t nsbom;
    int json;
    char **pos;
    int npos;
} aopts;

static int parse(int argc, char **argv, aopts *o)
{
    enum { O_PREV = 256, O_NOW, O_SCH, O_URL, O_TOK, O_CA, O_KEYS, O_SBOM, O_JSON };
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},  {"previous", required_argument, 0, O_PREV},
        {"now", required_argument, 0, O_NOW},   {"schemas", required_argument, 0, O_SCH},
        {"url", required_argument, 0, O_URL},   {"token-file", required_argument, 0, O_TOK},
        {"cacert", required_argument, 0, O_CA}, {"keys", required_argument, 0, O_KEYS},
        {"sbom", required_argument, 0, O_SBOM}, {"json", no_argument, 0, O_JSON},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        const char **dst[] = {&o->previous, &o->now,    &o->schemas, &o->url,
                              &o->token,    &o->cacert, &o->keys};
        if (c >= O_PREV && c <= O_KEYS) {
            *dst[c - O_PREV] = optarg;
        } else if (c == 'o') {
            o->out = optarg;
        } else if (c == O_SBOM) {
            if (o->nsbom == sizeof o->sbom / sizeof o->sbom[0]) {
                fprintf(stderr, "parakh: at most 64 --sbom files\n");
                return EXIT_USAGE;
            }
            o->sbom[o->nsbom++] = optarg;
        } else if (c == O_JSON) {
            o->json = 1;
        } else if (c == 'h') {
            usage(stdout);
            return -1;
        } else {
            return cli_getopt_error(argv);
        }
    }
    o->pos = argv + optind;
    o->npos = argc - optind;
    return EXIT_CLEAN;
}

/* Runs the checks; prints each issue; EXIT_CLEAN, EXIT_CSAF_INVALID or
 * EXIT_INPUT (a schema unreadable). */
static int run_check(const char *what, const char *doc, size_t len, const char *schemas, int json)
{
    char err[1024] = "";
    pk_csaf_result *r = NULL;
    pk_status st = pk_csaf_check((const uint8_t *)doc, len, schemas, &r, err, sizeof err);
    if (st == PK_E_FORMAT) {
        if (json)
            printf("{\"valid\": false, \"issues\": [{\"test\": \"reader\", \"path\": \"\", "
                   "\"message\": \"not a JSON document within the bounds\"}]}\n");
        fprintf(stderr, "parakh: %s: %s\n", what, err);
        return EXIT_CSAF_INVALID;
    }
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        return EXIT_INPUT;
    }
    size_t n = pk_csaf_result_count(r);
    bool valid = pk_csaf_result_valid(r);
    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const pk_csaf_issue *is = pk_csaf_result_at(r, i);
        if (arr) {
            json_t *o = json_object();
            json_object_set_new(o, "test", json_string(is->test));
            json_object_set_new(o, "path", json_string(is->path));
            json_object_set_new(o, "message", json_string(is->message));
            json_array_append_new(arr, o);
        } else {
            printf("%s  %s  %s\n", is->test, is->path[0] ? is->path : "/", is->message);
        }
    }
    if (arr) {
        json_t *top = json_object();
        json_object_set_new(top, "valid", json_boolean(valid));
        json_object_set_new(top, "issues", arr);
        char *s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(top);
    } else {
        fprintf(stderr, "%s: %s (%zu issue%s)\n", what, valid ? "valid" : "INVALID", n,
                n == 1 ? "" : "s");
    }
    pk_csaf_result_free(r);
    return valid ? EXIT_CLEAN : EXIT_CSAF_INVALID;
}

typedef struct wdoc {
    const char *buf;
    size_t len;
} wdoc;

static pk_status write_doc(const void *ctx, FILE *f)
{
    const wdoc *w = ctx;
    return fwrite(w->buf, 1, w->len, f) == w->len ? PK_OK : PK_E_IO;
}

static int cmd_new(const aopts *o)
{
    if (o->npos != 1 || !o->out || o->url || o->token || o->keys || o->nsbom || o->json) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char *yaml = NULL, *prev = NULL, *doc = NULL, err[1024] = "";
    size_t ylen = 0, plen = 0, dlen = 0;
    int ec = cli_read_file(o->pos[0], &yaml, &ylen);
    if (ec == EXIT_CLEAN && o->previous)
        ec = cli_read_file(o->previous, &prev, &plen);
    if (ec != EXIT_CLEAN)
        goto out;
    pk_csaf_draft_opts dopt = {
        .previous = (const uint8_t *)prev, .previous_len = plen, .now = o->now};
    pk_status st = pk_csaf_draft((const uint8_t *)yaml, ylen, &dopt, &doc, &dlen, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s: %s\n", st == PK_E_USAGE ? "--now" : o->pos[0],
                err[0] ? err : pk_status_str(st));
        ec = st == PK_E_USAGE ? EXIT_USAGE : st == PK_E_FORMAT ? EXIT_CSAF_INVALID : EXIT_INPUT;
        goto out;
    }
    if ((ec = run_check(o->pos[0], doc, dlen, o->schemas, 0)) != EXIT_CLEAN) {
        if (ec == EXIT_CSAF_INVALID)
            fprintf(stderr, "parakh: %s: the document fails the checks above; nothing written\n",
                    o->out);
        goto out;
    }
    wdoc w = {doc, dlen};
    if (cli_write_atomic(o->out, write_doc, &w) != 0) {
        ec = EXIT_INPUT;
        goto out;
    }
    pk_csaf_meta m;
    if (pk_csaf_meta_read((const uint8_t *)doc, dlen, &m, NULL, 0) == PK_OK) {
        printf("written: %s\n  id: %s\n  version: %s\n  file: %s\n", o->out, m.tracking_id,
               m.version, m.file_name);
        pk_csaf_meta_free(&m);
    }
out:
    free(yaml);
    free(prev);
    pk_csaf_free(doc);
    return ec;
}

static int cmd_check(const aopts *o)
{
    if (o->npos != 1 || o->out || o->url || o->token || o->keys || o->nsbom || o->previous ||
        o->now) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char *doc = NULL;
    size_t len = 0;
    int ec = cli_read_file(o->pos[0], &doc, &len);
    if (ec == EXIT_CLEAN)
        ec = run_check(o->pos[0], doc, len, o->schemas, o->json);
    free(doc);
    return ec;
}

/* The client for --url/--token-file/--cacert; EXIT_* (printed). */
static int client(const aopts *o, pk_rc **rc)
{
    char err[1024] = "";
    pk_rc_opts ro = {.url = o->url, .cacert = o->cacert, .token_file = o->token};
    pk_status st = pk_rc_new(&ro, rc, err, sizeof err);
    if (st == PK_OK)
        return EXIT_CLEAN;
    fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
    return st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
}

/* A non-2xx answer: its message; 4xx is `refused`, else EXIT_INPUT. */
static int refused(const pk_rc_resp *r, int refused_code)
{
    char m[600];
    pk_rc_resp_error(r, m, sizeof m);
    fprintf(stderr, "parakh: the server answered HTTP %ld%s%s\n", r->code, m[0] ? ": " : "", m);
    return r->code >= 400 && r->code < 500 ? refused_code : EXIT_INPUT;
}

static void print_fields(const char *first, const char *body, size_t len, const char *const *keys)
{
    json_t *j = json_loadb(body, len, 0, NULL);
    printf("%s\n", first);
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(j, keys[i]);
        if (json_is_string(v))
            printf("  %s: %s\n", keys[i], json_string_value(v));
        else if (json_is_integer(v))
            printf("  %s: %lld\n", keys[i], (long long)json_integer_value(v));
    }
    json_decref(j);
}

static int cmd_publish(const aopts *o)
{
    if (o->npos != 1 || !o->url || !o->token || o->out || o->keys || o->nsbom || o->json) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char *doc = NULL, err[1024] = "";
    size_t len = 0;
    pk_rc *rc = NULL;
    pk_rc_resp r = {0};
    int ec = cli_read_file(o->pos[0], &doc, &len);
    if (ec == EXIT_CLEAN)
        ec = client(o, &rc);
    if (ec == EXIT_CLEAN) {
        pk_status st = pk_rc_advisory_publish(rc, (const uint8_t *)doc, len, &r, err, sizeof err);
        static const char *const keys[] = {"id", "version", "path", "sha256", NULL};
        static const char *const have[] = {"version", NULL};
        if (st != PK_OK) {
            fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
            ec = st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
        } else if (r.code == 201 || r.code == 200) {
            print_fields("published:", r.body, r.len, keys);
        } else {
            ec = refused(&r, EXIT_CSAF_REFUSED);
            if (r.code == 409)
                print_fields("already published:", r.body, r.len, have);
        }
    }
    pk_rc_resp_clear(&r);
    pk_rc_free(rc);
    free(doc);
    return ec;
}

static void print_hit(const char *cve, const char *name, const char *ver, const char *target,
                      const char *method, const char *matched, const char *fixed)
{
    printf("%s  %s %s  in %s  (%s %s%s%s)\n", cve ? cve : "?", name ? name : "?", ver ? ver : "?",
           target ? target : "?", method ? method : "?", matched ? matched : "",
           fixed ? ", fixed " : "", fixed ? fixed : "");
}

static int affected_online(const aopts *o, const char *doc, size_t len)
{
    char err[1024] = "";
    pk_rc *rc = NULL;
    pk_rc_resp r = {0};
    int ec = client(o, &rc);
    if (ec != EXIT_CLEAN)
        return ec;
    pk_status st = pk_rc_advisory_match(rc, (const uint8_t *)doc, len, &r, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        ec = st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    } else if (r.code != 200) {
        ec = refused(&r, EXIT_CSAF_REFUSED);
    } else {
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        json_t *hits = json_is_array(j) ? j : json_object_get(j, "hits");
        if (!json_is_array(hits)) {
            fprintf(stderr, "parakh: the server's answer holds no \"hits\" list\n");
            ec = EXIT_INPUT;
        }
        size_t i;
        json_t *h;
        json_array_foreach(hits, i, h)
        {
            json_t *c = json_object_get(h, "component");
#define S(o, k) json_string_value(json_object_get(o, k))
            char target[600];
            snprintf(target, sizeof target, "%s %s (%s)", S(h, "vendor") ? S(h, "vendor") : "",
                     S(h, "product") ? S(h, "product") : "?",
                     S(h, "certificate") ? S(h, "certificate") : "?");
            print_hit(S(h, "cve"), S(c, "name"), S(c, "version"), target, S(h, "method"),
                      S(h, "matched"), S(h, "fixed"));
#undef S
        }
        if (ec == EXIT_CLEAN)
            ec = json_array_size(hits) ? EXIT_CSAF_AFFECTED : EXIT_CLEAN;
        if (ec == EXIT_CLEAN)
            printf("no certified product is affected\n");
        json_decref(j);
    }
    pk_rc_resp_clear(&r);
    pk_rc_free(rc);
    return ec;
}

static int affected_offline(const aopts *o, const char *doc, size_t len)
{
    pk_csaf_target t[64];
    char *bufs[64] = {0};
    int ec = EXIT_CLEAN;
    for (size_t i = 0; i < o->nsbom && ec == EXIT_CLEAN; i++) {
        size_t n = 0;
        ec = cli_read_file(o->sbom[i], &bufs[i], &n);
        const char *base = strrchr(o->sbom[i], '/');
        t[i] = (pk_csaf_target){.cert_id = o->sbom[i],
                                .product = base ? base + 1 : o->sbom[i],
                                .vendor = "",
                                .version = "",
                                .lab = "",
                                .sbom = (const uint8_t *)bufs[i],
                                .sbom_len = n};
    }
    pk_csaf_hits hits = {0};
    char err[1024] = "";
    if (ec == EXIT_CLEAN) {
        pk_status st =
            pk_csaf_affected((const uint8_t *)doc, len, t, o->nsbom, NULL, &hits, err, sizeof err);
        if (st != PK_OK) {
            fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
            ec = st == PK_E_FORMAT ? EXIT_CSAF_INVALID : EXIT_INPUT;
        }
    }
    for (size_t i = 0; ec == EXIT_CLEAN && i < hits.count; i++) {
        const pk_csaf_hit *h = &hits.items[i];
        print_hit(h->cve, h->comp_name, h->comp_version, t[h->target].cert_id, h->method,
                  h->matched, h->fixed);
    }
    if (ec == EXIT_CLEAN)
        ec = hits.count ? EXIT_CSAF_AFFECTED : EXIT_CLEAN;
    if (ec == EXIT_CLEAN)
        printf("no SBOM given is affected\n");
    pk_csaf_hits_free(&hits);
    for (size_t i = 0; i < o->nsbom; i++)
        free(bufs[i]);
    return ec;
}

static int cmd_affected(const aopts *o)
{
    if (o->npos != 1 || (!o->url == !o->nsbom) || o->out || o->keys || o->json ||
        (o->nsbom && (o->token || o->cacert))) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char *doc = NULL;
    size_t len = 0;
    int ec = cli_read_file(o->pos[0], &doc, &len);
    if (ec == EXIT_CLEAN)
        ec = o->url ? affected_online(o, doc, len) : affected_offline(o, doc, len);
    free(doc);
    return ec;
}

int cmd_advisory(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
    }
    const char *sub = argv[1];
    aopts o;
    int ec = parse(argc - 1, argv + 1, &o);
    if (ec)
        return ec < 0 ? EXIT_CLEAN : ec;
    if (!strcmp(sub, "new"))
        return cmd_new(&o);
    if (!strcmp(sub, "check"))
        return cmd_check(&o);
    if (!strcmp(sub, "publish"))
        return cmd_publish(&o);
    if (!strcmp(sub, "affected"))
        return cmd_affected(&o);
    if (!strcmp(sub, "bundle")) {
        if (o.npos != 0 || !o.url || !o.out || o.nsbom || o.json || o.previous) {
            usage(stderr);
            return EXIT_USAGE;
        }
        return cli_advisory_bundle(o.url, o.keys, o.token, o.cacert, o.schemas, o.out);
    }
    fprintf(stderr, "parakh: advisory: unknown subcommand \"%s\"\n", sub);
    usage(stderr);
    return EXIT_USAGE;
}

/* parakh registry sbom CERT-ID FILE | inuse CERT-ID (from cli/registry.c). */
int cli_registry_csaf(int argc, char **argv)
{
    const char *sub = argv[1];
    bool sbom = !strcmp(sub, "sbom");
    aopts o;
    int ec = parse(argc - 1, argv + 1, &o);
    if (ec)
        return ec < 0 ? EXIT_CLEAN : ec;
    if (o.npos != (sbom ? 2 : 1) || !o.url || !o.token || o.out || o.keys || o.nsbom || o.json) {
        fputs("usage: parakh registry sbom CERT-ID SBOM.cdx.json --url URL --token-file F "
              "[--cacert PEM]\n"
              "       parakh registry inuse CERT-ID --url URL --token-file F [--cacert PEM]\n",
              stderr);
        return EXIT_USAGE;
    }
    char *buf = NULL, err[1024] = "";
    size_t len = 0;
    pk_rc *rc = NULL;
    pk_rc_resp r = {0};
    if (sbom)
        ec = cli_read_file(o.pos[1], &buf, &len);
    if (ec == EXIT_CLEAN)
        ec = client(&o, &rc);
    if (ec == EXIT_CLEAN) {
        pk_status st =
            sbom ? pk_rc_cert_sbom(rc, o.pos[0], (const uint8_t *)buf, len, &r, err, sizeof err)
                 : pk_rc_inuse(rc, o.pos[0], &r, err, sizeof err);
        static const char *const keys[] = {"certificate", "sha256", "organisation", NULL};
        if (st != PK_OK) {
            fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
            ec = st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
        } else if (r.code == 201 || r.code == 200) {
            print_fields(sbom ? "sbom stored:" : "in use:", r.body, r.len, keys);
        } else {
            ec = refused(&r, 1);
        }
    }
    pk_rc_resp_clear(&r);
    pk_rc_free(rc);
    free(buf);
    return ec;
}
