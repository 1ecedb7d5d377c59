/* Which certified products an advisory touches (docs/csaf.md "Matching").
 *
 * Why a private knowledge base: the vulnerability issue's CSAF importer and
 * matcher already read product trees, relationships, version ranges and VEX
 * statuses with the ecosystem-exact comparators; a second reading of CSAF
 * here would drift from `parakh vulns`. So the document is imported into a
 * throwaway database in a private directory and each target's SBOM is
 * matched against it, exactly as `parakh vulns --sbom` would. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csaf_int.h"
#include "parakh/inventory.h"
#include "parakh/vulndb.h"

#define AFF_PATH_MAX 4096

/* Writes data to path (created, mode 0600, not following links). */
static pk_status put_file(const char *path, const uint8_t *data, size_t len, char *err,
                          size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        pki_errf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            pki_errf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            return PK_E_IO;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        pki_errf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    return PK_OK;
}

/* Removes every file in dir (the database and its journal), then dir. */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            (void)unlinkat(dirfd(d), e->d_name, 0);
        }
        closedir(d);
    }
    (void)rmdir(dir);
}

/* A one-component CycloneDX document for a certificate without an SBOM:
 * its own purl/CPE and version are what the advisory can name. */
static char *synth_sbom(const pk_csaf_target *t)
{
    json_t *c = json_pack("{s:s,s:s,s:s}", "type", "application", "bom-ref", "product", "name",
                          t->product ? t->product : "product");
    if (!c)
        return NULL;
    if (t->version)
        json_object_set_new(c, "version", json_string(t->version));
    if (t->purl)
        json_object_set_new(c, "purl", json_string(t->purl));
    if (t->cpe)
        json_object_set_new(c, "cpe", json_string(t->cpe));
    json_t *bom = json_pack("{s:s,s:s,s:i,s:[o]}", "bomFormat", "CycloneDX", "specVersion", "1.6",
                            "version", 1, "components", c);
    if (!bom)
        return NULL;
    char *s = json_dumps(bom, JSON_COMPACT);
    json_decref(bom);
    return s;
}

static char *dup_or_null(const char *s)
{
    return s ? pki_strdup(s) : NULL;
}

static void hit_clear(pk_csaf_hit *h)
{
    pki_free(h->comp_name);
    pki_free(h->comp_version);
    pki_free(h->comp_purl);
    pki_free(h->cve);
    pki_free(h->method);
    pki_free(h->matched);
    pki_free(h->fixed);
}

void pk_csaf_hits_free(pk_csaf_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++)
        hit_clear(&h->items[i]);
    pki_free(h->items);
    h->items = NULL;
    h->count = 0;
}

static int nz_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int hit_cmp(const void *pa, const void *pb)
{
    const pk_csaf_hit *a = pa, *b = pb;
    if (a->target != b->target)
        return a->target < b->target ? -1 : 1;
    int c = nz_cmp(a->comp_name, b->comp_name);
    if (c == 0)
        c = nz_cmp(a->comp_version, b->comp_version);
    if (c == 0)
        c = nz_cmp(a->comp_purl, b->comp_purl);
    if (c == 0)
        c = nz_cmp(a->cve, b->cve);
    return c;
}

/* Appends the unsuppressed matches of one target. */
static pk_status add_hits(pk_csaf_hits *out, size_t *cap, size_t target, const pk_vulns *v)
{
    const pk_inventory *inv = pk_vulns_inventory(v);
    for (size_t i = 0; i < pk_vulns_count(v); i++) {
        const pk_vuln *m = pk_vulns_at(v, i);
        if (m->suppressed)
            continue;
        const pk_comp *c = pk_inventory_at(inv, m->comp);
        if (out->count == *cap) {
            size_t ncap = *cap ? *cap * 2 : 16;
            pk_csaf_hit *n = pki_realloc(out->items, ncap * sizeof *n);
            if (!n)
                return PK_E_NOMEM;
            out->items = n;
            *cap = ncap;
        }
        pk_csaf_hit *h = &out->items[out->count];
        memset(h, 0, sizeof *h);
        h->target = target;
        h->comp_name = dup_or_null(c->name);
        h->comp_version = dup_or_null(c->version);
        h->comp_purl = dup_or_null(c->purl);
        h->cve = dup_or_null(m->id);
        h->method = dup_or_null(m->method);
        h->matched = dup_or_null(m->matched);
        h->fixed = dup_or_null(m->fixed);
        out->count++;
        if (!h->comp_name || !h->cve || !h->method || !h->matched ||
            (c->version && !h->comp_version) || (c->purl && !h->comp_purl) ||
            (m->fixed && !h->fixed))
            return PK_E_NOMEM;
    }
    return PK_OK;
}

static pk_status match_target(pk_vulndb *db, const char *dir, size_t i, const pk_csaf_target *t,
                              pk_csaf_hits *out, size_t *cap, char *err, size_t errlen)
{
    char path[AFF_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/sbom-%zu.json", dir, i);
    if (n < 0 || (size_t)n >= sizeof path)
        return PK_E_USAGE;
    char *synth = NULL;
    const uint8_t *data = t->sbom;
    size_t len = t->sbom_len;
    if (!data) {
        synth = synth_sbom(t);
        if (!synth)
            return PK_E_NOMEM;
        data = (const uint8_t *)synth;
        len = strlen(synth);
    }
    pk_status st = put_file(path, data, len, err, errlen);
    free(synth);
    if (st != PK_OK)
        return st;
    pk_inventory *inv = NULL;
    char e2[512] = "";
    st = pk_inventory_from_sbom(path, &inv, e2, sizeof e2);
    (void)unlink(path);
    if (st != PK_OK) {
        pki_errf(err, errlen, "certificate %s: its SBOM cannot be read: %s",
                 t->cert_id ? t->cert_id : "?", e2);
        return st == PK_E_NOMEM ? st : PK_E_FORMAT;
    }
    pk_vulns *v = NULL;
    st = pk_vulns_match(db, inv, NULL, &v, e2, sizeof e2);
    if (st == PK_OK)
        st = add_hits(out, cap, i, v);
    else
        pki_errf(err, errlen, "certificate %s: matching failed: %s", t->cert_id ? t->cert_id : "?",
                 e2);
    pk_vulns_free(v);
    pk_inventory_free(inv);
    return st;
}

pk_status pk_csaf_affected(const uint8_t *doc, size_t len, const pk_csaf_target *targets, size_t n,
                           const char *tmpdir, pk_csaf_hits *out, char *err, size_t errlen)
{
    if (!doc || !out || (n && !targets))
        return PK_E_MISUSE;
    memset(out, 0, sizeof *out);
    if (len > PK_CSAF_MAX_BYTES) {
        pki_errf(err, errlen, "advisory is %zu bytes, over the %u limit", len, PK_CSAF_MAX_BYTES);
        return PK_E_FORMAT;
    }
    if (!tmpdir)
        tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    /* dir leaves room for the file names put in it */
    char dir[AFF_PATH_MAX - 64];
    int k = snprintf(dir, sizeof dir, "%s/pk-csaf-XXXXXX", tmpdir);
    if (k < 0 || (size_t)k >= sizeof dir) {
        pki_errf(err, errlen, "temporary directory name too long: %s", tmpdir);
        return PK_E_USAGE;
    }
    if (!mkdtemp(dir)) {
        pki_errf(err, errlen, "cannot create a directory in %s: %s", tmpdir, strerror(errno));
        return PK_E_IO;
    }
    char path[AFF_PATH_MAX], dbpath[AFF_PATH_MAX];
    (void)snprintf(path, sizeof path, "%s/advisory.json", dir);
    (void)snprintf(dbpath, sizeof dbpath, "%s/kb.db", dir);
    pk_vulndb *db = NULL;
    size_t cap = 0;
    pk_status st = put_file(path, doc, len, err, errlen);
    if (st == PK_OK)
        st = pk_vulndb_open(dbpath, PK_VDB_CREATE, &db, err, errlen);
    if (st == PK_OK) {
        const char *paths[1] = {path};
        char e2[512] = "";
        st = pk_vulndb_import(db, paths, 1, NULL, e2, sizeof e2);
        if (st != PK_OK) {
            pki_errf(err, errlen, "the advisory cannot be matched: %s", e2);
            if (st == PK_E_FEED)
                st = PK_E_FORMAT;
        }
    }
    for (size_t i = 0; st == PK_OK && i < n; i++)
        st = match_target(db, dir, i, &targets[i], out, &cap, err, errlen);
    pk_vulndb_close(db);
    rm_tree(dir);
    if (st != PK_OK) {
        pk_csaf_hits_free(out);
        return st;
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, hit_cmp);
    return PK_OK;
}
