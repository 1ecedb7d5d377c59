/* CSAF lookups (csaf_store.h): document versions, lists, providers, SBOMs,
 * open hits and in-use lists. Lists grow by doubling inside the result's
 * arena and stop at their bound with `truncated`. */
#include <stdio.h>

#include <parakh/csaf_store.h>

#include "store_csaf_int.h"

#define DOC_COLS                                                                                   \
    "seq, folder, tracking_id, version, tlp, init_date, cur_date, title, path, sha256, sha512,"    \
    " sha256_hex, signer, source, stored, cves"
#define DOC_NCOLS 16

struct docs_ctx {
    pki_arena *a;
    pk_csaf_docs *r;
    size_t cap, max;
    bool body;
};

static pk_status row_doc(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct docs_ctx *c = arg;
    if (c->r->count == c->max) {
        c->r->truncated = true;
        return PK_OK;
    }
    if (c->r->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        pk_csaf_doc *v = pki_arena_alloc(c->a, cap * sizeof *v);
        if (!v)
            return pki_csaf_nomem(err, errlen);
        if (c->r->count)
            memcpy(v, c->r->items, c->r->count * sizeof *v);
        c->r->items = v;
        c->cap = cap;
    }
    pk_csaf_doc *x = &c->r->items[c->r->count];
    x->seq = r->ops->i64(r, 0);
    const char **t[] = {&x->folder,       &x->tracking_id,  &x->version,    &x->tlp,
                        &x->initial_date, &x->current_date, &x->title,      &x->path,
                        &x->sha256,       &x->sha512,       &x->sha256_hex, &x->signer,
                        &x->source,       &x->stored,       &x->cves};
    for (int i = 0; i < DOC_NCOLS - 1; i++)
        if (!(*t[i] = pki_rs_col_text(c->a, r, i + 1)))
            return pki_csaf_nomem(err, errlen);
    if (c->body) {
        x->body = pki_rs_col_blob(c->a, r, DOC_NCOLS);
        if (!r->ops->isnull(r, DOC_NCOLS + 1))
            x->signature = pki_rs_col_blob(c->a, r, DOC_NCOLS + 1);
        if (!x->body.ptr)
            return pki_csaf_nomem(err, errlen);
    }
    c->r->count++;
    return PK_OK;
}

static pk_status docs_query(pk_rstore *s, const char *sql, const pki_param *p, size_t np, bool body,
                            size_t max, pk_csaf_docs **out, char *err, size_t errlen)
{
    *out = NULL;
    struct docs_ctx c = {.max = max, .body = body};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return pki_csaf_nomem(err, errlen);
    pk_status st = s->ops->query(s->db, sql, p, np, row_doc, &c, max + 1, err, errlen);
    if (st != PK_OK || c.r->count == 0)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

/* One document out of a one-row docs result (the arena moves with it). */
static pk_status doc_one(pk_rstore *s, const char *sql, const pki_param *p, size_t np,
                         pk_csaf_doc **out, char *err, size_t errlen)
{
    *out = NULL;
    pk_csaf_docs *l;
    pk_status st = docs_query(s, sql, p, np, true, 1, &l, err, errlen);
    if (st != PK_OK || !l)
        return st;
    pki_arena *a, *la;
    pk_csaf_doc *one = pki_rs_result_new(sizeof *one, &a);
    if (!one) {
        pk_rstore_free(l);
        return pki_csaf_nomem(err, errlen);
    }
    *one = l->items[0];
    memcpy(&la, (uint8_t *)l - 16, sizeof la);
    pki_arena_splice(a, la);
    pki_arena_free(la);
    *out = one;
    return PK_OK;
}

pk_status pki_csaf_need(const char *v, const char *what, size_t max, char *err, size_t errlen)
{
    if (!v)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no %s", what);
    if (strnlen(v, max + 1) > max)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: %s longer than %zu bytes", what,
                           max);
    return PK_OK;
}

#define NEED(expr)                                                                                 \
    do {                                                                                           \
        pk_status need_st_ = (expr);                                                               \
        if (need_st_ != PK_OK)                                                                     \
            return need_st_;                                                                       \
    } while (0)

PK_API pk_status pk_csaf_doc_latest(pk_rstore *s, const char *folder, const char *tracking_id,
                                    pk_csaf_doc **out, char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(tracking_id, "tracking id", PK_CSAF_MAX_TEXT, err, errlen));
    pki_param p[] = {pki_pt(folder), pki_pt(tracking_id)};
    return doc_one(s,
                   "SELECT " DOC_COLS ", body, signature FROM csaf_docs WHERE folder = ? AND"
                   " tracking_id = ? ORDER BY seq DESC LIMIT 1",
                   p, 2, out, err, errlen);
}

PK_API pk_status pk_csaf_doc_by_path(pk_rstore *s, const char *folder, const char *path,
                                     pk_csaf_doc **out, char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(path, "path", PK_CSAF_MAX_TEXT, err, errlen));
    pki_param p[] = {pki_pt(folder), pki_pt(path)};
    return doc_one(s,
                   "SELECT " DOC_COLS ", body, signature FROM csaf_docs d WHERE folder = ? AND"
                   " path = ? AND seq = (SELECT max(x.seq) FROM csaf_docs x WHERE"
                   " x.folder = d.folder AND x.tracking_id = d.tracking_id)"
                   " ORDER BY seq DESC LIMIT 1",
                   p, 2, out, err, errlen);
}

PK_API pk_status pk_csaf_doc_by_file(pk_rstore *s, const char *folder, const char *file,
                                     pk_csaf_doc **out, char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(file, "file", PK_CSAF_MAX_TEXT, err, errlen));
    pki_param p[] = {pki_pt(folder), pki_pt(file)};
    return doc_one(s,
                   "SELECT " DOC_COLS ", body, signature FROM csaf_docs WHERE folder = ? AND"
                   " file = ? ORDER BY seq DESC LIMIT 1",
                   p, 2, out, err, errlen);
}

PK_API pk_status pk_csaf_versions(pk_rstore *s, const char *folder, const char *tracking_id,
                                  pk_csaf_docs **out, char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(tracking_id, "tracking id", PK_CSAF_MAX_TEXT, err, errlen));
    pki_param p[] = {pki_pt(folder), pki_pt(tracking_id)};
    return docs_query(s,
                      "SELECT " DOC_COLS " FROM csaf_docs WHERE folder = ? AND tracking_id = ?"
                      " ORDER BY seq DESC",
                      p, 2, false, PK_CSAF_MAX_LIST, out, err, errlen);
}

PK_API pk_status pk_csaf_list(pk_rstore *s, const char *folder, const char *tlp, pk_csaf_docs **out,
                              char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    pki_param p[] = {pki_pt(folder), pki_pt(tlp)};
#define LIST_SQL                                                                                   \
    "SELECT " DOC_COLS " FROM csaf_docs d WHERE folder = ? AND seq = (SELECT max(x.seq) FROM"      \
    " csaf_docs x WHERE x.folder = d.folder AND x.tracking_id = d.tracking_id)"
    if (tlp)
        return docs_query(s, LIST_SQL " AND tlp = ? ORDER BY cur_date DESC, seq DESC", p, 2, false,
                          PK_CSAF_MAX_LIST, out, err, errlen);
    return docs_query(s, LIST_SQL " ORDER BY cur_date DESC, seq DESC", p, 1, false,
                      PK_CSAF_MAX_LIST, out, err, errlen);
#undef LIST_SQL
}

struct held_ctx {
    char *buf;
    size_t cap;
    bool found;
};

static pk_status row_held(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct held_ctx *c = arg;
    size_t n;
    const char *p = r->ops->bytes(r, 0, &n);
    snprintf(c->buf, c->cap, "%.*s", (int)(n < c->cap ? n : c->cap - 1), p);
    c->found = true;
    return PK_OK;
}

PK_API pk_status pk_csaf_held(pk_rstore *s, const char *folder, const char *tracking_id, char *buf,
                              size_t cap, bool *found, char *err, size_t errlen)
{
    if (!s || !buf || !cap || !found)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle or buffer");
    *found = false;
    buf[0] = 0;
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(tracking_id, "tracking id", PK_CSAF_MAX_TEXT, err, errlen));
    pki_param p[] = {pki_pt(folder), pki_pt(tracking_id)};
    struct held_ctx c = {buf, cap, false};
    pk_status st = s->ops->query(s->db,
                                 "SELECT version FROM csaf_docs WHERE folder = ? AND"
                                 " tracking_id = ? ORDER BY seq DESC LIMIT 1",
                                 p, 2, row_held, &c, 1, err, errlen);
    *found = c.found;
    return st;
}

struct gen_ctx {
    uint64_t g;
};
static pk_status row_gen(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct gen_ctx *c = arg;
    c->g = ((uint64_t)r->ops->i64(r, 0) << 24) ^ (uint64_t)r->ops->i64(r, 1);
    return PK_OK;
}

PK_API pk_status pk_csaf_gen(pk_rstore *s, uint64_t *gen, char *err, size_t errlen)
{
    if (!s || !gen)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    struct gen_ctx c = {0};
    pk_status st = s->ops->query(s->db,
                                 "SELECT (SELECT coalesce(max(seq), 0) FROM csaf_docs),"
                                 " (SELECT count(*) FROM cert_sboms)",
                                 NULL, 0, row_gen, &c, 1, err, errlen);
    *gen = c.g;
    return st;
}

/* ---- providers ---- */

struct prov_ctx {
    pki_arena *a;
    pk_csaf_providers *r;
    size_t cap;
};

static pk_status row_prov(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct prov_ctx *c = arg;
    if (c->r->count == PK_CSAF_MAX_LIST)
        return PK_OK;
    if (c->r->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        pk_csaf_provider *v = pki_arena_alloc(c->a, cap * sizeof *v);
        if (!v)
            return pki_csaf_nomem(err, errlen);
        if (c->r->count)
            memcpy(v, c->r->items, c->r->count * sizeof *v);
        c->r->items = v;
        c->cap = cap;
    }
    pk_csaf_provider *x = &c->r->items[c->r->count];
    x->folder = pki_rs_col_text(c->a, r, 0);
    x->url = pki_rs_col_text(c->a, r, 1);
    x->metadata = pki_rs_col_blob(c->a, r, 2);
    x->stored = pki_rs_col_text(c->a, r, 3);
    if (!x->folder || !x->url || !x->metadata.ptr || !x->stored)
        return pki_csaf_nomem(err, errlen);
    c->r->count++;
    return PK_OK;
}

PK_API pk_status pk_csaf_providers_all(pk_rstore *s, pk_csaf_providers **out, char *err,
                                       size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    *out = NULL;
    struct prov_ctx c = {0};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return pki_csaf_nomem(err, errlen);
    pk_status st = s->ops->query(s->db,
                                 "SELECT folder, url, metadata, stored FROM csaf_providers p"
                                 " WHERE seq = (SELECT max(x.seq) FROM csaf_providers x WHERE"
                                 " x.folder = p.folder) ORDER BY folder",
                                 NULL, 0, row_prov, &c, PK_CSAF_MAX_LIST, err, errlen);
    if (st != PK_OK || c.r->count == 0)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

struct folders_ctx {
    pki_arena *a;
    pk_csaf_folders *r;
    size_t cap;
};

static pk_status row_folder(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct folders_ctx *c = arg;
    if (c->r->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        const char **v = pki_arena_alloc(c->a, cap * sizeof *v);
        if (!v)
            return pki_csaf_nomem(err, errlen);
        if (c->r->count)
            memcpy(v, c->r->names, c->r->count * sizeof *v);
        c->r->names = v;
        c->cap = cap;
    }
    if (!(c->r->names[c->r->count] = pki_rs_col_text(c->a, r, 0)))
        return pki_csaf_nomem(err, errlen);
    c->r->count++;
    return PK_OK;
}

PK_API pk_status pk_csaf_folders_all(pk_rstore *s, pk_csaf_folders **out, char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    *out = NULL;
    struct folders_ctx c = {0};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return pki_csaf_nomem(err, errlen);
    pk_status st = s->ops->query(s->db, "SELECT DISTINCT folder FROM csaf_docs ORDER BY folder",
                                 NULL, 0, row_folder, &c, PK_CSAF_MAX_LIST, err, errlen);
    if (st != PK_OK || c.r->count == 0)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

/* ---- SBOMs ---- */

struct blob_ctx {
    pki_arena *a;
    pk_bytes *r;
    bool found;
};

static pk_status row_blob(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct blob_ctx *c = arg;
    *c->r = pki_rs_col_blob(c->a, r, 0);
    if (!c->r->ptr)
        return pki_csaf_nomem(err, errlen);
    c->found = true;
    return PK_OK;
}

PK_API pk_status pk_csaf_sbom_get(pk_rstore *s, const char *cert_id, pk_bytes **out, char *err,
                                  size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    *out = NULL;
    NEED(pki_csaf_need(cert_id, "certificate id", PK_RSTORE_MAX_TEXT, err, errlen));
    struct blob_ctx c = {0};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return pki_csaf_nomem(err, errlen);
    pki_param p = pki_pt(cert_id);
    pk_status st = s->ops->query(s->db, "SELECT sbom FROM cert_sboms WHERE cert_id = ?", &p, 1,
                                 row_blob, &c, 1, err, errlen);
    if (st != PK_OK || !c.found)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

/* ---- in use ---- */

struct inuse_ctx {
    pki_arena *a;
    pk_csaf_inuse *r;
    size_t cap;
};

static pk_status row_inuse(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct inuse_ctx *c = arg;
    if (c->r->count == PK_CSAF_MAX_LIST) {
        c->r->truncated = true;
        return PK_OK;
    }
    if (c->r->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        const char **a = pki_arena_alloc(c->a, cap * sizeof *a);
        const char **b = pki_arena_alloc(c->a, cap * sizeof *b);
        if (!a || !b)
            return pki_csaf_nomem(err, errlen);
        if (c->r->count) {
            memcpy(a, c->r->cert_ids, c->r->count * sizeof *a);
            memcpy(b, c->r->added, c->r->count * sizeof *b);
        }
        c->r->cert_ids = a;
        c->r->added = b;
        c->cap = cap;
    }
    c->r->cert_ids[c->r->count] = pki_rs_col_text(c->a, r, 0);
    c->r->added[c->r->count] = pki_rs_col_text(c->a, r, 1);
    if (!c->r->cert_ids[c->r->count] || !c->r->added[c->r->count])
        return pki_csaf_nomem(err, errlen);
    c->r->count++;
    return PK_OK;
}

PK_API pk_status pk_csaf_inuse_list(pk_rstore *s, const char *org, pk_csaf_inuse **out, char *err,
                                    size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    *out = NULL;
    NEED(pki_csaf_need(org, "organisation", PK_RSTORE_MAX_TEXT, err, errlen));
    struct inuse_ctx c = {0};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return pki_csaf_nomem(err, errlen);
    pki_param p = pki_pt(org);
    pk_status st = s->ops->query(s->db,
                                 "SELECT cert_id, added FROM inuse WHERE org = ?"
                                 " ORDER BY added, cert_id",
                                 &p, 1, row_inuse, &c, PK_CSAF_MAX_LIST + 1, err, errlen);
    if (st != PK_OK || c.r->count == 0)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}
