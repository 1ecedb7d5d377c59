/* Storing CSAF documents (csaf_store.h, docs/csaf.md "Storage"): the
 * version and revision rules of a publish or a pull, the served path and
 * hash files, and the hits of the new version on every certificate, all in
 * one transaction. Matching (pk_csaf_affected) runs before the transaction
 * so the write lock is held only for the inserts; the held version is
 * checked again under the lock. */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <time.h>

#include "store_csaf_int.h"

#define NEED(expr)                                                                                 \
    do {                                                                                           \
        pk_status need_st_ = (expr);                                                               \
        if (need_st_ != PK_OK)                                                                     \
            return need_st_;                                                                       \
    } while (0)

void pki_csaf_now(const char *now, char buf[40])
{
    if (now) {
        snprintf(buf, 40, "%.39s", now);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static pk_status row_ignore(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)arg, (void)r, (void)err, (void)errlen;
    return PK_OK;
}

pk_status pki_csaf_begin(pk_rstore *s, char *err, size_t errlen)
{
    if (s->in_txn || s->in_read)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: inside another transaction");
    pk_status st = s->ops->begin(s->db, err, errlen);
    if (st == PK_OK)
        st = s->ops->query(s->db, s->ops->lock_head_sql, NULL, 0, row_ignore, NULL, 1, err, errlen);
    if (st != PK_OK)
        s->ops->rollback(s->db);
    return st;
}

static void digest_hex(const EVP_MD *md, const uint8_t *p, size_t n, char *hex)
{
    uint8_t d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    EVP_Digest(p, n, d, &dl, md, NULL);
    pki_hex(d, dl, hex);
}

/* A served path: lower-case [a-z0-9+-_.], '/' separated, no empty or dot
 * segment, so it can never leave its folder. */
static bool path_ok(const char *p)
{
    if (!*p || *p == '/' || strlen(p) > 512)
        return false;
    for (const char *seg = p; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || seg[0] == '.')
            return false;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)seg[i];
            if (!(islower(c) || isdigit(c) || c == '+' || c == '-' || c == '_' || c == '.'))
                return false;
        }
        if (!end)
            break;
        seg = end + 1;
        if (!*seg)
            return false;
    }
    return true;
}

static bool tlp_ok(const char *t)
{
    return t &&
           (!strcmp(t, "WHITE") || !strcmp(t, "GREEN") || !strcmp(t, "AMBER") || !strcmp(t, "RED"));
}

static pk_status refuse(pk_csaf_ingest_result *res, pk_csaf_refusal why, char *err, size_t errlen,
                        const char *fmt, const char *a, const char *b)
{
    res->refusal = why;
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
    return PK_E_USAGE;
}

/* Every revision of the held version (number, date, summary) must still be
 * in the new document (docs/csaf.md "Publish"). */
static pk_status revisions_kept(const pk_csaf_doc *held, const pk_csaf_meta *m,
                                pk_csaf_ingest_result *res, char *err, size_t errlen)
{
    pk_csaf_meta hm;
    char e[256];
    if (pk_csaf_meta_read(held->body.ptr, held->body.len, &hm, e, sizeof e) != PK_OK)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "csaf store: held version %s unreadable: %s",
                           held->version, e);
    pk_status st = PK_OK;
    for (size_t i = 0; st == PK_OK && i < hm.nrevisions; i++) {
        bool kept = false;
        for (size_t j = 0; !kept && j < m->nrevisions; j++)
            kept = !strcmp(hm.revisions[i], m->revisions[j]) &&
                   !strcmp(hm.rev_dates[i], m->rev_dates[j]) &&
                   !strcmp(hm.rev_summaries[i], m->rev_summaries[j]);
        if (!kept)
            st = refuse(res, PK_CSAF_DROPPED_REV, err, errlen,
                        "revision %.64s of the published version %.64s is missing or changed in "
                        "revision_history",
                        hm.revisions[i], held->version);
    }
    pk_csaf_meta_free(&hm);
    return st;
}

struct seq_ctx {
    int64_t v;
    bool found;
};
static pk_status row_seq(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct seq_ctx *c = arg;
    c->v = r->ops->i64(r, 0);
    c->found = true;
    return PK_OK;
}

/* The checks that need the held version (before matching, and again under
 * the lock): same bytes, newer version, kept revisions. */
static pk_status check_held(pk_rstore *s, const char *folder, const pk_csaf_meta *m,
                            const char *sha_hex, pk_csaf_ingest_result *res, char *err,
                            size_t errlen)
{
    pki_param q[] = {pki_pt(folder), pki_pt(m->tracking_id), pki_pt(sha_hex)};
    struct seq_ctx same = {0};
    NEED(s->ops->query(s->db,
                       "SELECT seq FROM csaf_docs WHERE folder = ? AND tracking_id = ? AND"
                       " sha256_hex = ? LIMIT 1",
                       q, 3, row_seq, &same, 1, err, errlen));
    pk_csaf_doc *held = NULL;
    NEED(pk_csaf_doc_latest(s, folder, m->tracking_id, &held, err, errlen));
    if (!held)
        return PK_OK;
    snprintf(res->held_version, sizeof res->held_version, "%s", held->version);
    pk_status st = PK_OK;
    bool ok = false;
    int c = pk_csaf_version_cmp(m->version, held->version, &ok);
    if (same.found)
        st = refuse(res, PK_CSAF_SAME, err, errlen,
                    "this document is already stored (held version %.64s%.0s)", held->version, "");
    else if (!ok)
        st = refuse(res, PK_CSAF_BAD_VERSION, err, errlen,
                    "tracking.version %.64s cannot be compared with the held %.64s", m->version,
                    held->version);
    else if (c <= 0)
        st = refuse(res, PK_CSAF_NOT_NEWER, err, errlen,
                    "tracking.version %.64s is not newer than the held %.64s", m->version,
                    held->version);
    else if (!*folder)
        st = revisions_kept(held, m, res, err, errlen);
    pk_rstore_free(held);
    return st;
}

static pk_status provider_put_in(pk_rstore *s, const char *folder, const char *url,
                                 const uint8_t *md, size_t len, const char *now, char *err,
                                 size_t errlen);

struct ingest {
    const pk_csaf_ingest_doc *d;
    const pk_csaf_meta *m;
    const char *path, *file, *sha256f, *sha512f, *sha_hex, *cves, *now;
};

static pk_status insert_doc(pk_rstore *s, const struct ingest *g, int64_t *seq, char *err,
                            size_t errlen)
{
    const pk_csaf_ingest_doc *d = g->d;
    const pk_csaf_meta *m = g->m;
    pki_param p[] = {pki_pt(d->folder),
                     pki_pt(m->tracking_id),
                     pki_pt(m->version),
                     pki_pt(m->tlp),
                     pki_pt(m->initial_release_date),
                     pki_pt(m->current_release_date),
                     pki_pt(m->title ? m->title : ""),
                     pki_pt(g->path),
                     pki_pt(g->file),
                     pki_pb(d->body, d->body_len),
                     pki_pt(g->sha256f),
                     pki_pt(g->sha512f),
                     pki_pt(g->sha_hex),
                     d->signature ? pki_pb(d->signature, d->signature_len) : pki_pt(NULL),
                     pki_pt(d->signer ? d->signer : "none"),
                     pki_pt(d->source),
                     pki_pt(g->now),
                     pki_pt(g->cves)};
    NEED(s->ops->query(s->db,
                       "INSERT INTO csaf_docs (folder, tracking_id, version, tlp, init_date,"
                       " cur_date, title, path, file, body, sha256, sha512, sha256_hex, signature,"
                       " signer, source, stored, cves) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                       " ?, ?, ?, ?, ?, ?)",
                       p, 18, NULL, NULL, 0, err, errlen));
    struct seq_ctx c = {0};
    NEED(s->ops->query(s->db,
                       "SELECT seq FROM csaf_docs WHERE folder = ? AND tracking_id = ? AND"
                       " version = ?",
                       p, 3, row_seq, &c, 1, err, errlen));
    *seq = c.v;
    return c.found ? PK_OK : pki_rs_fail(err, errlen, PK_E_IO, "csaf store: stored row vanished");
}

/* The transaction: re-check under the lock, insert, hits, provider. */
static pk_status ingest_txn(pk_rstore *s, const struct ingest *g, const pki_csaf_targets *t,
                            const pk_csaf_hits *h, pk_csaf_ingest_result *res, char *err,
                            size_t errlen)
{
    NEED(pki_csaf_begin(s, err, errlen));
    pk_status st = check_held(s, g->d->folder, g->m, g->sha_hex, res, err, errlen);
    if (st == PK_OK)
        st = insert_doc(s, g, &res->seq, err, errlen);
    if (st == PK_OK)
        st = pki_csaf_hits_put(s, res->seq, t, h, err, errlen);
    if (st == PK_OK && g->d->provider_url && g->d->provider_metadata && *g->d->folder)
        st = provider_put_in(s, g->d->folder, g->d->provider_url, g->d->provider_metadata,
                             g->d->provider_metadata_len, g->now, err, errlen);
    if (st == PK_OK)
        st = s->ops->commit(s->db, err, errlen);
    if (st != PK_OK)
        s->ops->rollback(s->db);
    return st;
}

static char *join_cves(const pk_csaf_meta *m)
{
    size_t n = 1;
    for (size_t i = 0; i < m->ncves; i++)
        n += strlen(m->cves[i]) + 1;
    char *r = pki_malloc(n), *w = r;
    if (!r)
        return NULL;
    *w = 0;
    for (size_t i = 0; i < m->ncves; i++) {
        size_t k = strlen(m->cves[i]);
        if (i)
            *w++ = ',';
        memcpy(w, m->cves[i], k);
        w += k;
        *w = 0;
    }
    return r;
}

static pk_status ingest_prepared(pk_rstore *s, struct ingest *g, const char *tmpdir,
                                 pk_csaf_ingest_result *res, char *err, size_t errlen)
{
    const pk_csaf_ingest_doc *d = g->d;
    NEED(check_held(s, d->folder, g->m, g->sha_hex, res, err, errlen));
    pki_csaf_targets t = {0};
    pk_csaf_hits h = {0};
    pk_status st = pki_csaf_targets_load(s, NULL, &t, err, errlen);
    if (st == PK_OK && t.n) {
        char e[512];
        st = pk_csaf_affected(d->body, d->body_len, t.t, t.n, tmpdir, &h, e, sizeof e);
        if (st != PK_OK) {
            res->refusal = PK_CSAF_INVALID;
            pki_rs_fail(err, errlen, st, "matching failed: %s", e);
        }
    }
    if (st == PK_OK)
        st = ingest_txn(s, g, &t, &h, res, err, errlen);
    if (st == PK_OK)
        res->hits = h.count;
    pk_csaf_hits_free(&h);
    pki_csaf_targets_free(&t);
    return st;
}

PK_API pk_status pk_csaf_ingest(pk_rstore *s, const pk_csaf_ingest_doc *d, const char *tmpdir,
                                pk_csaf_ingest_result *res, char *err, size_t errlen)
{
    if (!s || !d || !res || !d->body || !d->source)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle, document or source");
    memset(res, 0, sizeof *res);
    res->refusal = PK_CSAF_INVALID;
    NEED(pki_csaf_need(d->folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(d->source, "source", PK_RSTORE_MAX_TEXT, err, errlen));
    if (*d->folder && (!path_ok(d->folder) || strchr(d->folder, '/')))
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: folder '%.64s' unusable",
                           d->folder);
    if (d->body_len == 0 || d->body_len > PK_CSAF_MAX_BYTES)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: document of %zu bytes (1..%u)",
                           d->body_len, PK_CSAF_MAX_BYTES);
    pk_csaf_meta own = {0};
    const pk_csaf_meta *m = d->meta;
    if (!m) {
        NEED(pk_csaf_meta_read(d->body, d->body_len, &own, err, errlen));
        m = &own;
    }
    char file[PK_CSAF_MAX_TEXT], path[PK_CSAF_MAX_TEXT], now[40], sha_hex[65], sha512[129];
    char sha256f[PK_CSAF_MAX_TEXT + 160], sha512f[PK_CSAF_MAX_TEXT + 160];
    pk_status st = PK_OK;
    const char *idate = m->initial_release_date;
    if (!m->tracking_id || !m->version || !tlp_ok(m->tlp) || !idate || strlen(idate) < 4 ||
        !isdigit((unsigned char)idate[0]) || !isdigit((unsigned char)idate[3]) ||
        !m->current_release_date || strlen(m->tracking_id) > PK_CSAF_MAX_TEXT / 2 ||
        strlen(m->version) >= PK_CSAF_MAX_TEXT)
        st = pki_rs_fail(err, errlen, PK_E_USAGE,
                         "csaf store: tracking id, version, TLP or dates missing or unusable");
    if (st == PK_OK && pk_csaf_file_name(m->tracking_id, file, sizeof file) != PK_OK)
        st = pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: no file name for this tracking id");
    if (st == PK_OK && !d->path) {
        char tlp[8];
        size_t k = 0;
        for (; m->tlp[k] && k < 7; k++)
            tlp[k] = (char)tolower((unsigned char)m->tlp[k]);
        tlp[k] = 0;
        snprintf(path, sizeof path, "%s/%.4s/%.900s", tlp, idate, file);
    } else if (st == PK_OK) {
        snprintf(path, sizeof path, "%s", d->path);
    }
    if (st == PK_OK && (!path_ok(path) || strnlen(d->path ? d->path : "", 600) >= sizeof path))
        st = pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: path '%.64s' is not a served path",
                         path);
    if (st == PK_OK) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        digest_hex(EVP_sha256(), d->body, d->body_len, sha_hex);
        digest_hex(EVP_sha512(), d->body, d->body_len, sha512);
        snprintf(sha256f, sizeof sha256f, "%s  %s\n", sha_hex, base);
        snprintf(sha512f, sizeof sha512f, "%s  %s\n", sha512, base);
        snprintf(res->sha256, sizeof res->sha256, "%s", sha_hex);
        snprintf(res->path, sizeof res->path, "%s", path);
        pki_csaf_now(d->now, now);
    }
    char *cves = st == PK_OK ? join_cves(m) : NULL;
    if (st == PK_OK && !cves)
        st = pki_csaf_nomem(err, errlen);
    if (st == PK_OK) {
        const char *base = strrchr(path, '/');
        struct ingest g = {.d = d,
                           .m = m,
                           .path = path,
                           .file = base ? base + 1 : path,
                           .sha256f = d->sha256_file ? d->sha256_file : sha256f,
                           .sha512f = d->sha512_file ? d->sha512_file : sha512f,
                           .sha_hex = sha_hex,
                           .cves = cves,
                           .now = now};
        st = ingest_prepared(s, &g, tmpdir, res, err, errlen);
    }
    if (st == PK_OK)
        res->refusal = PK_CSAF_STORED;
    pki_free(cves);
    pk_csaf_meta_free(&own);
    return st;
}

/* ---- providers ---- */

struct blob_eq {
    const uint8_t *p;
    size_t n;
    bool found, same;
};
static pk_status row_blob_eq(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct blob_eq *c = arg;
    size_t n;
    const void *p = r->ops->bytes(r, 0, &n);
    c->found = true;
    c->same = n == c->n && memcmp(p, c->p, n) == 0;
    return PK_OK;
}

static pk_status provider_put_in(pk_rstore *s, const char *folder, const char *url,
                                 const uint8_t *md, size_t len, const char *now, char *err,
                                 size_t errlen)
{
    if (!md || !len || len > PK_RSTORE_MAX_BLOB)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: provider metadata of %zu bytes",
                           len);
    pki_param q[] = {pki_pt(folder), pki_pt(url), pki_pb(md, len), pki_pt(now)};
    struct blob_eq c = {md, len, false, false};
    NEED(s->ops->query(s->db,
                       "SELECT metadata FROM csaf_providers WHERE folder = ? AND url = ?"
                       " ORDER BY seq DESC LIMIT 1",
                       q, 2, row_blob_eq, &c, 1, err, errlen));
    if (c.same)
        return PK_OK;
    return s->ops->query(s->db,
                         "INSERT INTO csaf_providers (folder, url, metadata, stored)"
                         " VALUES (?, ?, ?, ?)",
                         q, 4, NULL, NULL, 0, err, errlen);
}

PK_API pk_status pk_csaf_provider_put(pk_rstore *s, const char *folder, const char *url,
                                      const uint8_t *metadata, size_t len, char *err, size_t errlen)
{
    if (!s)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    NEED(pki_csaf_need(folder, "folder", PK_CSAF_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(url, "url", PK_RSTORE_MAX_TEXT, err, errlen));
    if (!*folder || !path_ok(folder) || strchr(folder, '/'))
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: folder '%.64s' unusable", folder);
    char now[40];
    pki_csaf_now(NULL, now);
    NEED(pki_csaf_begin(s, err, errlen));
    pk_status st = provider_put_in(s, folder, url, metadata, len, now, err, errlen);
    if (st == PK_OK)
        st = s->ops->commit(s->db, err, errlen);
    if (st != PK_OK)
        s->ops->rollback(s->db);
    return st;
}

struct text_ctx {
    char buf[PK_CSAF_MAX_TEXT];
    bool found;
};
static pk_status row_text(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct text_ctx *c = arg;
    size_t n;
    const char *p = r->ops->bytes(r, 0, &n);
    snprintf(c->buf, sizeof c->buf, "%.*s", (int)(n < sizeof c->buf ? n : sizeof c->buf - 1), p);
    c->found = true;
    return PK_OK;
}

PK_API pk_status pk_csaf_folder(pk_rstore *s, const char *publisher, const char *url, char *buf,
                                size_t cap, char *err, size_t errlen)
{
    if (!s || !buf || !cap)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle or buffer");
    NEED(pki_csaf_need(publisher, "publisher", PK_CSAF_MAX_TEXT / 2, err, errlen));
    NEED(pki_csaf_need(url, "url", PK_RSTORE_MAX_TEXT, err, errlen));
    pki_param q[] = {pki_pt(url), pki_pt(NULL)};
    struct text_ctx c = {0};
    NEED(s->ops->query(s->db,
                       "SELECT folder FROM csaf_providers WHERE url = ? ORDER BY seq LIMIT 1", q, 1,
                       row_text, &c, 1, err, errlen));
    if (c.found) {
        if (strlen(c.buf) >= cap)
            return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: folder buffer too small");
        snprintf(buf, cap, "%s", c.buf);
        return PK_OK;
    }
    char base[PK_CSAF_MAX_TEXT];
    if (pk_csaf_file_name(*publisher ? publisher : "provider", base, sizeof base) != PK_OK)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: no folder name for '%.64s'",
                           publisher);
    size_t bl = strlen(base);
    if (bl > 5 && !strcmp(base + bl - 5, ".json"))
        base[bl - 5] = 0;
    if (!base[0] || base[0] == '.')
        snprintf(base, sizeof base, "provider");
    for (unsigned k = 1; k < 1000; k++) {
        char cand[PK_CSAF_MAX_TEXT + 8];
        if (k == 1)
            snprintf(cand, sizeof cand, "%s", base);
        else
            snprintf(cand, sizeof cand, "%s-%u", base, k);
        q[0] = pki_pt(cand);
        q[1] = pki_pt(url);
        struct text_ctx o = {0};
        NEED(s->ops->query(s->db,
                           "SELECT url FROM csaf_providers WHERE folder = ? AND url <> ? LIMIT 1",
                           q, 2, row_text, &o, 1, err, errlen));
        if (!o.found) {
            if (strlen(cand) >= cap)
                return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: folder buffer too small");
            snprintf(buf, cap, "%s", cand);
            return PK_OK;
        }
    }
    return pki_rs_fail(err, errlen, PK_E_LIMIT, "csaf store: too many providers named '%.64s'",
                       publisher);
}
