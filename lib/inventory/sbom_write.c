/* SBOM output: options, format names, the document's identity (timestamp and
 * serial number / namespace uuid) and the dump. The formats themselves are in
 * cyclonedx.c and spdx.c. */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../walk/emit_int.h"
#include "parakh/vulndb.h"
#include "writer_int.h"

#ifndef PK_VERSION
#define PK_VERSION "0.0.0"
#endif

void pk_sbom_opts_default(pk_sbom_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof(*o));
    o->format = "cyclonedx";
}

pki_sbom_fmt pki_sbom_fmt_parse(const char *format)
{
    if (!format)
        return PKI_FMT_NONE;
    if (!strcmp(format, "cyclonedx") || !strcmp(format, "cyclonedx-1.6"))
        return PKI_FMT_CDX16;
    if (!strcmp(format, "cyclonedx-1.5"))
        return PKI_FMT_CDX15;
    if (!strcmp(format, "spdx") || !strcmp(format, "spdx-2.3"))
        return PKI_FMT_SPDX23;
    return PKI_FMT_NONE;
}

int pk_sbom_format_known(const char *format)
{
    return pki_sbom_fmt_parse(format) != PKI_FMT_NONE;
}

json_t *pki_wstr(const char *s)
{
    return pki_json_str(s ? s : "", s ? strlen(s) : 0);
}

int pki_wset(json_t *o, const char *key, const char *s)
{
    if (!s || !*s)
        return 0;
    json_t *j = pki_wstr(s);
    return j ? json_object_set_new(o, key, j) : -1;
}

int pki_wappend(json_t *a, json_t *v)
{
    return v ? json_array_append_new(a, v) : -1;
}

int pki_wset_nonempty(json_t *o, const char *key, json_t *arr)
{
    if (!arr)
        return -1;
    if (!json_array_size(arr)) {
        json_decref(arr);
        return 0;
    }
    return json_object_set_new(o, key, arr);
}

int pki_is_hex(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

/* Feeds one field and a separator, so ("ab","c") and ("a","bc") differ. */
static void feed(EVP_MD_CTX *md, const char *s)
{
    if (s)
        EVP_DigestUpdate(md, s, strlen(s));
    EVP_DigestUpdate(md, "", 1);
}

static void feed_u64(EVP_MD_CTX *md, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (56 - 8 * i));
    EVP_DigestUpdate(md, b, sizeof(b));
}

/* SHA-256 of everything a writer puts in the document except the timestamp
 * and the uuid: equal inventories give equal uuids, any change another. */
static int content_hash(const pk_inventory *inv, const pk_vulns *vu, pki_sbom_fmt fmt,
                        unsigned char out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return -1;
    }
    const pk_sbom_subject *sub = pk_inventory_subject(inv);
    feed_u64(md, (uint64_t)fmt);
    feed(md, sub ? sub->name : NULL);
    feed(md, sub ? sub->sha256 : NULL);
    size_t n = pk_inventory_count(inv);
    feed_u64(md, n);
    for (size_t i = 0; i < n; i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        const char *f[] = {c->ref,         c->type,     c->ns,          c->name,
                           c->version,     c->arch,     c->distro,      c->purl,
                           c->cpe,         c->license,  c->supplier,    c->author,
                           c->description, c->homepage, c->source_name, c->source_version,
                           c->file_vpath,  c->sha256,   c->sha1,        c->md5};
        for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
            feed(md, f[k]);
        feed_u64(md, ((uint64_t)c->kind << 8) | (uint64_t)(c->unattributed != 0));
        feed_u64(md, c->ndeps);
        for (size_t k = 0; k < c->ndeps; k++)
            feed_u64(md, c->deps[k]);
        feed_u64(md, c->nprops);
        for (size_t k = 0; k < c->nprops; k++) {
            feed(md, c->props[k].key);
            feed(md, c->props[k].value);
        }
        feed_u64(md, c->nev);
        for (size_t k = 0; k < c->nev; k++) {
            const pk_cevidence *e = &c->ev[k];
            feed(md, e->vpath);
            feed(md, e->analyzer);
            feed(md, e->rule);
            feed(md, e->loc.record);
            feed_u64(md, ((uint64_t)e->method << 8) | e->confidence);
            feed_u64(md, e->loc.offset);
            feed_u64(md, e->loc.length);
        }
    }
    /* the vulnerabilities are content too: the same SBOM with and without
     * them must not share a serial number */
    size_t nv = pk_vulns_count(vu);
    feed_u64(md, nv);
    for (size_t i = 0; i < nv; i++) {
        const pk_vuln *v = pk_vulns_at(vu, i);
        feed_u64(md, v->comp);
        feed(md, v->id);
        feed(md, v->fixed);
        feed(md, v->cvss_vector);
        feed_u64(md, ((uint64_t)v->vex << 8) | (uint64_t)(v->suppressed != 0) << 4 |
                         (uint64_t)(v->kev != 0));
        feed(md, v->vex_justification);
        for (size_t k = 0; k < v->naliases; k++)
            feed(md, v->aliases[k]);
    }
    unsigned int len = 0;
    int ok = EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

static pk_status make_ctx(const pk_inventory *inv, const pk_sbom_opts *opts, pki_wctx *w)
{
    memset(w, 0, sizeof(*w));
    w->inv = inv;
    w->fmt = pki_sbom_fmt_parse(opts->format);
    w->tool_version = PK_VERSION;
    w->vulns = opts->vulns;
    if (w->fmt == PKI_FMT_NONE)
        return PK_E_USAGE;
    if (opts->timestamp && *opts->timestamp) {
        size_t l = strlen(opts->timestamp);
        if (l >= sizeof(w->timestamp))
            return PK_E_USAGE;
        memcpy(w->timestamp, opts->timestamp, l + 1);
    } else if (opts->reproducible) {
        memcpy(w->timestamp, "1970-01-01T00:00:00Z", 21);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        if (!gmtime_r(&now, &tm) ||
            !strftime(w->timestamp, sizeof(w->timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm))
            return PK_E_INTERNAL;
    }
    unsigned char b[32];
    if (opts->reproducible) {
        if (content_hash(inv, opts->vulns, w->fmt, b) != 0)
            return PK_E_INTERNAL;
        pki_uuid_format(b, 8, w->uuid);
    } else {
        if (RAND_bytes(b, 16) != 1)
            return PK_E_INTERNAL;
        pki_uuid_format(b, 4, w->uuid);
    }
    return PK_OK;
}

pk_status pk_inventory_write(const pk_inventory *inv, const pk_sbom_opts *opts, FILE *out)
{
    if (!inv || !out)
        return PK_E_MISUSE;
    pk_sbom_opts def;
    if (!opts) {
        pk_sbom_opts_default(&def);
        opts = &def;
    }
    pki_wctx w;
    pk_status st = make_ctx(inv, opts, &w);
    if (st != PK_OK)
        return st;
    json_t *doc = w.fmt == PKI_FMT_SPDX23 ? pki_spdx_doc(&w) : pki_cdx_doc(&w);
    if (!doc)
        return PK_E_NOMEM;
    /* a fixed real precision: confidences print as 0.9, not 0.90000000000000002 */
    size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6);
    int rc = json_dumpf(doc, out, flags);
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        return PK_E_IO;
    return PK_OK;
}
