/* Hits of advisories on certificates (docs/csaf.md "Matching"), SBOMs and
 * in-use lists. A hit row is kept forever; which ones are open is decided
 * when read (newest advisory version, certificate neither revoked nor
 * superseded, SBOM-based when the certificate has an SBOM). */
#include <openssl/evp.h>
#include <stdio.h>

#include "store_csaf_int.h"

#define NEED(expr)                                                                                 \
    do {                                                                                           \
        pk_status need_st_ = (expr);                                                               \
        if (need_st_ != PK_OK)                                                                     \
            return need_st_;                                                                       \
    } while (0)

struct tgt_ctx {
    pki_csaf_targets *t;
    size_t cap;
};

static pk_status row_target(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct tgt_ctx *c = arg;
    pki_csaf_targets *t = c->t;
    if (t->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        pk_csaf_target *v = pki_arena_alloc(t->a, cap * sizeof *v);
        const char **b = pki_arena_alloc(t->a, cap * sizeof *b);
        if (!v || !b)
            return pki_csaf_nomem(err, errlen);
        if (t->n) {
            memcpy(v, t->t, t->n * sizeof *v);
            memcpy(b, t->basis, t->n * sizeof *b);
        }
        t->t = v;
        t->basis = b;
        c->cap = cap;
    }
    pk_csaf_target *x = &t->t[t->n];
    const char **f[] = {&x->cert_id, &x->product, &x->vendor, &x->version,
                        &x->lab,     &x->purl,    &x->cpe};
    for (int i = 0; i < 7; i++) {
        *f[i] = pki_rs_col_text(t->a, r, i);
        if (!*f[i] && !r->ops->isnull(r, i))
            return pki_csaf_nomem(err, errlen);
    }
    t->basis[t->n] = "purl";
    if (!r->ops->isnull(r, 7)) {
        pk_bytes b = pki_rs_col_blob(t->a, r, 7);
        if (!b.ptr)
            return pki_csaf_nomem(err, errlen);
        x->sbom = b.ptr;
        x->sbom_len = b.len;
        t->basis[t->n] = "sbom";
    }
    t->n++;
    return PK_OK;
}

#define TARGET_SQL                                                                                 \
    "SELECT c.id, c.product, c.vendor, c.version, c.lab_id, c.purl, c.cpe, b.sbom"                 \
    " FROM certificates c LEFT JOIN cert_sboms b ON b.cert_id = c.id"                              \
    " WHERE NOT EXISTS (SELECT 1 FROM revocations r WHERE r.cert_id = c.id)"                       \
    " AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.supersedes = c.id)"

pk_status pki_csaf_targets_load(pk_rstore *s, const char *cert_id, pki_csaf_targets *out, char *err,
                                size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->a = pki_arena_new();
    if (!out->a)
        return pki_csaf_nomem(err, errlen);
    struct tgt_ctx c = {out, 0};
    pki_param p = pki_pt(cert_id);
    if (cert_id)
        return s->ops->query(s->db, TARGET_SQL " AND c.id = ?", &p, 1, row_target, &c, 1, err,
                             errlen);
    return s->ops->query(s->db, TARGET_SQL " ORDER BY c.log_index", NULL, 0, row_target, &c, 0, err,
                         errlen);
}

void pki_csaf_targets_free(pki_csaf_targets *t)
{
    if (t && t->a)
        pki_arena_free(t->a);
    if (t)
        memset(t, 0, sizeof *t);
}

pk_status pki_csaf_hits_put(pk_rstore *s, int64_t doc_seq, const pki_csaf_targets *t,
                            const pk_csaf_hits *h, char *err, size_t errlen)
{
    for (size_t i = 0; i < t->n; i++) {
        pki_param p[] = {pki_pi(doc_seq), pki_pt(t->t[i].cert_id), pki_pt(t->basis[i])};
        NEED(s->ops->query(s->db,
                           "INSERT INTO csaf_matched (doc_seq, cert_id, basis) VALUES (?, ?, ?)"
                           " ON CONFLICT DO NOTHING",
                           p, 3, NULL, NULL, 0, err, errlen));
    }
    for (size_t i = 0; h && i < h->count; i++) {
        const pk_csaf_hit *x = &h->items[i];
        if (x->target >= t->n)
            return pki_rs_fail(err, errlen, PK_E_INTERNAL, "csaf store: hit on unknown target");
        pki_param p[] = {pki_pi(doc_seq),
                         pki_pt(t->t[x->target].cert_id),
                         pki_pt(t->basis[x->target]),
                         pki_pt(x->comp_name ? x->comp_name : ""),
                         pki_pt(x->comp_version ? x->comp_version : ""),
                         pki_pt(x->comp_purl),
                         pki_pt(x->cve ? x->cve : ""),
                         pki_pt(x->method ? x->method : ""),
                         pki_pt(x->matched ? x->matched : ""),
                         pki_pt(x->fixed)};
        NEED(s->ops->query(s->db,
                           "INSERT INTO csaf_hits (doc_seq, cert_id, basis, comp_name,"
                           " comp_version, comp_purl, cve, method, matched, fixed)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           p, 10, NULL, NULL, 0, err, errlen));
    }
    return PK_OK;
}

/* ---- matching one certificate against the stored advisories ---- */

/* Matches the targets (one certificate) against the newest version of every
 * advisory not yet matched on that basis; hits collected per document. */
static pk_status row_found(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)r, (void)err, (void)errlen;
    *(bool *)arg = true;
    return PK_OK;
}

struct pending {
    int64_t seq;
    pk_csaf_hits h;
};

static pk_status match_pending(pk_rstore *s, const pki_csaf_targets *t, const char *tmpdir,
                               struct pending **out, size_t *nout, char *err, size_t errlen)
{
    *out = NULL;
    *nout = 0;
    pk_csaf_docs *docs = NULL;
    /* every folder: the own documents and each mirror */
    pk_csaf_folders *pv = NULL;
    pk_status st = pk_csaf_folders_all(s, &pv, err, errlen);
    size_t nf = pv ? pv->count : 0;
    struct pending *v = NULL;
    size_t n = 0, cap = 0;
    for (size_t f = 0; st == PK_OK && f < nf; f++) {
        const char *folder = pv->names[f];
        st = pk_csaf_list(s, folder, NULL, &docs, err, errlen);
        for (size_t i = 0; st == PK_OK && docs && i < docs->count; i++) {
            pki_param q[] = {pki_pi(docs->items[i].seq), pki_pt(t->t[0].cert_id),
                             pki_pt(t->basis[0])};
            bool done = false;
            st = s->ops->query(s->db,
                               "SELECT 1 FROM csaf_matched WHERE doc_seq = ? AND cert_id = ? AND"
                               " basis = ?",
                               q, 3, row_found, &done, 1, err, errlen);
            if (st != PK_OK || done)
                continue;
            pk_csaf_doc *d = NULL;
            st = pk_csaf_doc_latest(s, folder, docs->items[i].tracking_id, &d, err, errlen);
            if (st != PK_OK || !d)
                continue;
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 8;
                struct pending *nv = pki_calloc(nc, sizeof *nv);
                if (!nv) {
                    pk_rstore_free(d);
                    st = pki_csaf_nomem(err, errlen);
                    break;
                }
                if (n)
                    memcpy(nv, v, n * sizeof *nv);
                pki_free(v);
                v = nv;
                cap = nc;
            }
            v[n].seq = d->seq;
            char e[512];
            if (pk_csaf_affected(d->body.ptr, d->body.len, t->t, t->n, tmpdir, &v[n].h, e,
                                 sizeof e) != PK_OK)
                memset(&v[n].h, 0, sizeof v[n].h); /* an unmatchable advisory: no hits */
            n++;
            pk_rstore_free(d);
        }
        pk_rstore_free(docs);
        docs = NULL;
    }
    pk_rstore_free(pv);
    *out = v;
    *nout = n;
    return st;
}

static void pending_free(struct pending *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pk_csaf_hits_free(&v[i].h);
    pki_free(v);
}

/* Inside the transaction: hits of each pending document, skipping a
 * (document, certificate, basis) another server matched meanwhile. */
static pk_status put_pending(pk_rstore *s, const pki_csaf_targets *t, const struct pending *v,
                             size_t n, size_t *nhits, char *err, size_t errlen)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        pki_param q[] = {pki_pi(v[i].seq), pki_pt(t->t[0].cert_id), pki_pt(t->basis[0])};
        bool done = false;
        NEED(s->ops->query(s->db,
                           "SELECT 1 FROM csaf_matched WHERE doc_seq = ? AND cert_id = ? AND"
                           " basis = ?",
                           q, 3, row_found, &done, 1, err, errlen));
        if (done)
            continue;
        NEED(pki_csaf_hits_put(s, v[i].seq, t, &v[i].h, err, errlen));
        total += v[i].h.count;
    }
    if (nhits)
        *nhits = total;
    return PK_OK;
}

/* Matches targets t (one certificate) and stores the hits; with an SBOM to
 * store first (sbom_put) in the same transaction. */
static pk_status match_store(pk_rstore *s, pki_csaf_targets *t, const char *tmpdir,
                             const pki_param *sbom_row, size_t *nhits, char *err, size_t errlen)
{
    struct pending *v = NULL;
    size_t n = 0;
    pk_status st = match_pending(s, t, tmpdir, &v, &n, err, errlen);
    if (st == PK_OK)
        st = pki_csaf_begin(s, err, errlen);
    if (st != PK_OK) {
        pending_free(v, n);
        return st;
    }
    if (sbom_row) {
        st = s->ops->query(s->db,
                           "INSERT INTO cert_sboms (cert_id, sbom, sha256, stored)"
                           " VALUES (?, ?, ?, ?)",
                           sbom_row, 4, NULL, NULL, 0, err, errlen);
        if (st == PK_E_USAGE)
            pki_rs_fail(err, errlen, st, "certificate '%.64s' already has an SBOM",
                        t->t[0].cert_id);
    }
    if (st == PK_OK)
        st = put_pending(s, t, v, n, nhits, err, errlen);
    if (st == PK_OK)
        st = s->ops->commit(s->db, err, errlen);
    if (st != PK_OK)
        s->ops->rollback(s->db);
    pending_free(v, n);
    return st;
}

PK_API pk_status pk_csaf_match_cert(pk_rstore *s, const char *cert_id, const char *tmpdir,
                                    size_t *nhits, char *err, size_t errlen)
{
    if (!s)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    if (nhits)
        *nhits = 0;
    NEED(pki_csaf_need(cert_id, "certificate id", PK_RSTORE_MAX_TEXT, err, errlen));
    pki_csaf_targets t;
    pk_status st = pki_csaf_targets_load(s, cert_id, &t, err, errlen);
    if (st == PK_OK && t.n == 1)
        st = match_store(s, &t, tmpdir, NULL, nhits, err, errlen);
    pki_csaf_targets_free(&t);
    return st;
}

PK_API pk_status pk_csaf_sbom_put(pk_rstore *s, const char *cert_id, const uint8_t *sbom,
                                  size_t len, const char *sbom_sha256_hex, const char *tmpdir,
                                  size_t *nhits, char *err, size_t errlen)
{
    if (!s || !sbom)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle or SBOM");
    if (nhits)
        *nhits = 0;
    NEED(pki_csaf_need(cert_id, "certificate id", PK_RSTORE_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(sbom_sha256_hex, "SBOM digest", 64, err, errlen));
    if (len == 0 || len > PK_CSAF_MAX_BYTES)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: SBOM of %zu bytes (1..%u)", len,
                           PK_CSAF_MAX_BYTES);
    uint8_t d[32];
    unsigned dl = 0;
    char hex[65];
    EVP_Digest(sbom, len, d, &dl, EVP_sha256(), NULL);
    pki_hex(d, 32, hex);
    if (strcmp(hex, sbom_sha256_hex) != 0)
        return pki_rs_fail(err, errlen, PK_E_FORMAT,
                           "the SBOM's SHA-256 %s is not the %.64s certificate '%.64s' signs", hex,
                           sbom_sha256_hex, cert_id);
    pki_csaf_targets t;
    pk_status st = pki_csaf_targets_load(s, cert_id, &t, err, errlen);
    if (st == PK_OK && t.n == 0)
        st = pki_rs_fail(err, errlen, PK_E_USAGE,
                         "certificate '%.64s' is unknown, revoked or superseded", cert_id);
    if (st == PK_OK && t.basis[0][0] == 's')
        st = pki_rs_fail(err, errlen, PK_E_USAGE, "certificate '%.64s' already has an SBOM",
                         cert_id);
    if (st == PK_OK) {
        t.t[0].sbom = sbom;
        t.t[0].sbom_len = len;
        t.basis[0] = "sbom";
        char now[40];
        pki_csaf_now(NULL, now);
        pki_param row[] = {pki_pt(cert_id), pki_pb(sbom, len), pki_pt(hex), pki_pt(now)};
        st = match_store(s, &t, tmpdir, row, nhits, err, errlen);
    }
    pki_csaf_targets_free(&t);
    return st;
}

PK_API pk_status pk_csaf_inuse_add(pk_rstore *s, const char *org, const char *cert_id,
                                   const char *now, bool *added, char *err, size_t errlen)
{
    if (!s)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    if (added)
        *added = false;
    NEED(pki_csaf_need(org, "organisation", PK_RSTORE_MAX_TEXT, err, errlen));
    NEED(pki_csaf_need(cert_id, "certificate id", PK_RSTORE_MAX_TEXT, err, errlen));
    if (!*org)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: empty organisation");
    pki_param p[] = {pki_pt(org), pki_pt(cert_id), pki_pt(NULL)};
    bool known = false, had = false;
    NEED(s->ops->query(s->db, "SELECT 1 FROM certificates WHERE id = ?", &p[1], 1, row_found,
                       &known, 1, err, errlen));
    if (!known)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "unknown certificate '%.64s'", cert_id);
    NEED(s->ops->query(s->db, "SELECT 1 FROM inuse WHERE org = ? AND cert_id = ?", p, 2, row_found,
                       &had, 1, err, errlen));
    if (had)
        return PK_OK;
    char ts[40];
    pki_csaf_now(now, ts);
    p[2] = pki_pt(ts);
    pk_status st = s->ops->query(s->db,
                                 "INSERT INTO inuse (org, cert_id, added) VALUES (?, ?, ?)"
                                 " ON CONFLICT DO NOTHING",
                                 p, 3, NULL, NULL, 0, err, errlen);
    if (st == PK_OK && added)
        *added = true;
    return st;
}

struct ids_ctx {
    pki_arena *a;
    const char **v;
    size_t n, cap;
};

static pk_status row_id(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct ids_ctx *c = arg;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        const char **v = pki_arena_alloc(c->a, cap * sizeof *v);
        if (!v)
            return pki_csaf_nomem(err, errlen);
        if (c->n)
            memcpy(v, c->v, c->n * sizeof *v);
        c->v = v;
        c->cap = cap;
    }
    if (!(c->v[c->n] = pki_rs_col_text(c->a, r, 0)))
        return pki_csaf_nomem(err, errlen);
    c->n++;
    return PK_OK;
}

PK_API pk_status pk_csaf_match_pending(pk_rstore *s, const char *tmpdir, size_t *nhits, char *err,
                                       size_t errlen)
{
    if (!s)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "csaf store: no handle");
    if (nhits)
        *nhits = 0;
    struct ids_ctx c = {.a = pki_arena_new()};
    if (!c.a)
        return pki_csaf_nomem(err, errlen);
    /* certificates some newest advisory version was never matched against
     * (on their current basis): logged after it, or given an SBOM since */
    pk_status st = s->ops->query(
        s->db,
        TARGET_SQL " AND EXISTS (SELECT 1 FROM csaf_docs d WHERE d.seq = (SELECT max(x.seq) FROM"
                   " csaf_docs x WHERE x.folder = d.folder AND x.tracking_id = d.tracking_id)"
                   " AND NOT EXISTS (SELECT 1 FROM csaf_matched m WHERE m.doc_seq = d.seq AND"
                   " m.cert_id = c.id AND m.basis = (CASE WHEN b.sbom IS NULL THEN 'purl' ELSE"
                   " 'sbom' END))) ORDER BY c.log_index",
        NULL, 0, row_id, &c, PK_CSAF_MAX_LIST, err, errlen);
    for (size_t i = 0; st == PK_OK && i < c.n; i++) {
        size_t k = 0;
        st = pk_csaf_match_cert(s, c.v[i], tmpdir, &k, err, errlen);
        if (nhits)
            *nhits += k;
    }
    pki_arena_free(c.a);
    return st;
}
