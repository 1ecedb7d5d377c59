/* parakh advisory bundle: a provider's documents, pulled and checked by the
 * library's puller (signature, hashes, schema, mandatory tests), written as
 * the provider tree of docs/csaf.md for an air-gapped `parakhd import
 * --bundle`: the provider's own documents under .well-known/csaf/, each
 * mirrored provider's under .well-known/csaf-aggregator/<folder>/, each with
 * its provider-metadata.json, changes.csv and index.txt, and the provider's
 * OpenPGP keys under .well-known/csaf/openpgp/. DIR must not exist: a bundle
 * is never merged into an older one.
 *
 * Without --keys the signatures are verified against the keys the
 * provider's own metadata lists, fetched from the same server (trust on
 * first use): the bundle is a faithful copy, and `parakhd import --keys`
 * verifies it again against the importer's pinned keyring. A mirrored
 * provider's documents then need --keys (their issuers' keys). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <parakh/csaf_sync.h>
#include <parakh/registry_client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct bentry {
    char *base; /* ".well-known/csaf" or ".well-known/csaf-aggregator/<folder>" */
    char *path; /* "<tlp>/<year>/<file>.json" */
    char *date; /* current_release_date */
} bentry;

typedef struct bundle {
    const char *dir;
    char own[4200]; /* the provider-metadata.json URL of --url */
    bentry *e;
    size_t n, cap;
    unsigned long refused;
} bundle;

/* Only names the tree layout allows: no "..", no '/', nothing a shell or a
 * file system treats specially (the upstream is not trusted with paths). */
static int safe_name(const char *s, size_t n)
{
    if (n == 0 || n > 200 || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789+-_.", s[i]))
            return 0;
    return 1;
}

static int safe_path(const char *p)
{
    const char *a = strchr(p, '/'), *b = a ? strchr(a + 1, '/') : NULL;
    static const char *const tlps[] = {"white", "green", "amber", "red"};
    int tlp = 0;
    for (size_t i = 0; a && i < 4; i++)
        tlp |= (size_t)(a - p) == strlen(tlps[i]) && !strncmp(p, tlps[i], (size_t)(a - p));
    return tlp && b && b - a == 5 && strspn(a + 1, "0123456789") == 4 && !strchr(b + 1, '/') &&
           safe_name(b + 1, strlen(b + 1)) && strlen(b + 1) > 5 &&
           !strcmp(b + 1 + strlen(b + 1) - 5, ".json");
}

/* mkdir -p of dir/rel's directories. */
static int mkparents(const char *dir, const char *rel)
{
    char p[4400];
    if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, rel) >= sizeof p)
        return -1;
    for (char *s = p + strlen(dir) + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0755) && errno != EEXIST)
                return -1;
            *s = '/';
        }
    return 0;
}

static int put(const char *dir, const char *rel, const void *b, size_t n)
{
    char p[4400];
    if (mkparents(dir, rel) || (size_t)snprintf(p, sizeof p, "%s/%s", dir, rel) >= sizeof p)
        return -1;
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int ok = write(fd, b, n) == (ssize_t)n;
    return close(fd) == 0 && ok ? 0 : -1;
}

static pk_status accept_doc(void *ctx, const pk_csaf_pulled *d, char *err, size_t errlen)
{
    bundle *b = ctx;
    char base[300], rel[700];
    int own = d->provider_url && !strcmp(d->provider_url, b->own);
    if (!own && (!d->folder || !safe_name(d->folder, strlen(d->folder)))) {
        snprintf(err, errlen, "mirror folder name not usable as a directory");
        return PK_E_FORMAT;
    }
    if (!d->path || !safe_path(d->path)) {
        snprintf(err, errlen, "path \"%.100s\" is not <tlp>/<year>/<file>.json", d->path);
        return PK_E_FORMAT;
    }
    snprintf(base, sizeof base, own ? ".well-known/csaf" : ".well-known/csaf-aggregator/%s",
             d->folder);
    struct {
        const char *ext;
        const void *b;
        size_t n;
    } f[] = {{"", d->body, d->body_len},
             {".sha256", d->sha256_file, d->sha256_file ? strlen(d->sha256_file) : 0},
             {".sha512", d->sha512_file, d->sha512_file ? strlen(d->sha512_file) : 0},
             {".asc", d->signature, d->signature_len},
             {NULL, d->provider_metadata, d->provider_metadata_len}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (!f[i].b)
            continue;
        if (f[i].ext)
            snprintf(rel, sizeof rel, "%s/%s%s", base, d->path, f[i].ext);
        else
            snprintf(rel, sizeof rel, "%s/provider-metadata.json", base);
        if (put(b->dir, rel, f[i].b, f[i].n)) {
            snprintf(err, errlen, "%s/%s: %s", b->dir, rel, strerror(errno));
            return PK_E_IO;
        }
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        bentry *ne = realloc(b->e, cap * sizeof *ne);
        if (!ne)
            return PK_E_NOMEM;
        b->e = ne;
        b->cap = cap;
    }
    const char *date =
        d->meta && d->meta->current_release_date ? d->meta->current_release_date : "";
    bentry *e = &b->e[b->n];
    e->base = strdup(base);
    e->path = strdup(d->path);
    e->date = strdup(date);
    if (!e->base || !e->path || !e->date) {
        free(e->base), free(e->path), free(e->date);
        return PK_E_NOMEM;
    }
    b->n++;
    return PK_OK;
}

static bool held_none(void *ctx, const char *folder, const char *id, char *buf, size_t cap)
{
    (void)ctx, (void)folder, (void)id, (void)buf, (void)cap;
    return false; /* a bundle starts empty */
}

static void on_refuse(void *ctx, const char *what, const char *why)
{
    ((bundle *)ctx)->refused++;
    fprintf(stderr, "parakh: bundle: refused %s: %s\n", what, why);
}

/* Newest first, as changes.csv wants; then by path, for stable output. */
static int by_date(const void *a, const void *b)
{
    const bentry *x = a, *y = b;
    int c = strcmp(y->date, x->date);
    return c ? c : strcmp(x->path, y->path);
}

/* changes.csv and index.txt of each (base, tlp) directory. */
static int write_lists(bundle *b)
{
    qsort(b->e, b->n, sizeof *b->e, by_date);
    for (size_t i = 0; i < b->n; i++) {
        size_t tl = strcspn(b->e[i].path, "/");
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = !(!strcmp(b->e[j].base, b->e[i].base) &&
                      !strncmp(b->e[j].path, b->e[i].path, tl + 1));
        if (!first)
            continue;
        char rel[700];
        FILE *lists[2] = {NULL, NULL};
        for (int k = 0; k < 2; k++) {
            snprintf(rel, sizeof rel, "%s/%s/%.*s/%s", b->dir, b->e[i].base, (int)tl, b->e[i].path,
                     k ? "index.txt" : "changes.csv");
            lists[k] = fopen(rel, "wx");
        }
        for (size_t j = i; j < b->n && lists[0] && lists[1]; j++)
            if (!strcmp(b->e[j].base, b->e[i].base) &&
                !strncmp(b->e[j].path, b->e[i].path, tl + 1)) {
                /* relative to the listing's directory (CSAF 2.0 §7.1.12-13) */
                fprintf(lists[0], "\"%s\",\"%s\"\n", b->e[j].path + tl + 1, b->e[j].date);
                fprintf(lists[1], "%s\n", b->e[j].path + tl + 1);
            }
        int bad = !lists[0] || !lists[1];
        for (int k = 0; k < 2; k++)
            if (lists[k] && fclose(lists[k]))
                bad = 1;
        if (bad) {
            fprintf(stderr, "parakh: bundle: %s: %s\n", rel, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* The keys provider-metadata.json lists, fetched by fingerprint from this
 * server, written into the bundle and joined into one keyring file at
 * ring (a temporary file the caller removes). EXIT_* (printed). */
static int provider_keys(const char *url, const char *token, const char *cacert, const char *dir,
                         char *ring, size_t cap)
{
    char err[1024] = "";
    pk_rc *rc = NULL;
    pk_rc_opts ro = {.url = url, .cacert = cacert, .token_file = token};
    pk_rc_resp r = {0};
    json_t *meta = NULL;
    int ec = EXIT_CLEAN, fd = -1;
    size_t nkeys = 0;
    pk_status st = pk_rc_new(&ro, &rc, err, sizeof err);
    if (st == PK_OK)
        st = pk_rc_wellknown_get(rc, "/.well-known/csaf/provider-metadata.json", &r, err,
                                 sizeof err);
    if (st == PK_OK && r.code != 200) {
        snprintf(err, sizeof err, "provider-metadata.json: HTTP %ld", r.code);
        st = PK_E_IO;
    }
    if (st == PK_OK && !(meta = json_loadb(r.body, r.len, JSON_REJECT_DUPLICATES, NULL))) {
        snprintf(err, sizeof err, "provider-metadata.json is not JSON");
        st = PK_E_IO;
    }
    pk_rc_resp_clear(&r);
    snprintf(ring, cap, "%s/.parakh-keys-XXXXXX", dir);
    if (st == PK_OK && (fd = mkstemp(ring)) < 0) {
        snprintf(err, sizeof err, "%s: %s", ring, strerror(errno));
        st = PK_E_IO;
    }
    if (fd < 0)
        ring[0] = 0;
    json_t *keys = json_object_get(meta, "public_openpgp_keys"), *k;
    size_t i;
    json_array_foreach(keys, i, k)
    {
        const char *fpr = json_string_value(json_object_get(k, "fingerprint"));
        size_t fl = fpr ? strlen(fpr) : 0;
        char path[200], rel[300];
        if (st != PK_OK || (fl != 40 && fl != 64) || strspn(fpr, "0123456789abcdefABCDEF") != fl)
            continue;
        snprintf(path, sizeof path, "/.well-known/csaf/openpgp/%s.asc", fpr);
        pk_status gs = pk_rc_wellknown_get(rc, path, &r, err, sizeof err);
        if (gs == PK_OK && (r.code != 200 || r.len == 0))
            snprintf(err, sizeof err, "%s: HTTP %ld", path, r.code);
        if (gs == PK_OK && r.code == 200 && r.len > 0) {
            snprintf(rel, sizeof rel, ".well-known/csaf/openpgp/%s.asc", fpr);
            if (put(dir, rel, r.body, r.len) || write(fd, r.body, r.len) != (ssize_t)r.len ||
                write(fd, "\n", 1) != 1) {
                snprintf(err, sizeof err, "%s/%s: %s", dir, rel, strerror(errno));
                st = PK_E_IO;
            }
            nkeys++;
        }
        pk_rc_resp_clear(&r);
    }
    if (st == PK_OK && nkeys == 0) {
        snprintf(err, sizeof err,
                 "the provider's metadata lists no OpenPGP key this server "
                 "serves (give --keys)");
        st = PK_E_IO;
    }
    if (fd >= 0 && close(fd) && st == PK_OK)
        st = PK_E_IO;
    if (st != PK_OK) {
        fprintf(stderr, "parakh: bundle: %s\n", err[0] ? err : pk_status_str(st));
        ec = st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    }
    json_decref(meta);
    pk_rc_free(rc);
    return ec;
}

int cli_advisory_bundle(const char *url, const char *keys, const char *token, const char *cacert,
                        const char *schemas, const char *dir)
{
    char ring[4200] = "";
    if (mkdir(dir, 0755)) {
        fprintf(stderr, "parakh: bundle: %s: %s (a bundle is written into a new directory)\n", dir,
                strerror(errno));
        return EXIT_INPUT;
    }
    if (!keys) {
        int kec = provider_keys(url, token, cacert, dir, ring, sizeof ring);
        if (kec != EXIT_CLEAN) {
            if (ring[0])
                unlink(ring);
            return kec;
        }
        keys = ring;
    }
    bundle b = {.dir = dir};
    size_t ul = strlen(url);
    while (ul > 0 && url[ul - 1] == '/')
        ul--;
    snprintf(b.own, sizeof b.own, "%.*s/.well-known/csaf/provider-metadata.json", (int)ul, url);
    pk_csaf_sync_opts so = {.keys_path = keys,
                            .token_path = token,
                            .cacert = cacert,
                            .schema_dir = schemas,
                            .follow_aggregator = true};
    pk_csaf_sync_cb cb = {
        .ctx = &b, .held = held_none, .accept = accept_doc, .on_refuse = on_refuse};
    pk_csaf_sync_stats st = {0};
    char err[1024] = "";
    pk_status s = pk_csaf_pull_url(url, &so, &cb, &st, err, sizeof err);
    int ec = EXIT_CLEAN;
    if (s != PK_OK) {
        fprintf(stderr, "parakh: bundle: %s\n", err[0] ? err : pk_status_str(s));
        ec = s == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    } else if (write_lists(&b)) {
        ec = EXIT_INPUT;
    } else {
        printf("bundle: %s\n  listed: %llu\n  written: %zu\n  refused: %llu\n", dir,
               (unsigned long long)st.listed, b.n, (unsigned long long)st.refused);
    }
    for (size_t i = 0; i < b.n; i++)
        free(b.e[i].base), free(b.e[i].path), free(b.e[i].date);
    free(b.e);
    if (ring[0])
        unlink(ring);
    return ec;
}
