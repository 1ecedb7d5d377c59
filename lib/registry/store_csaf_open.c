/* Open hits (docs/csaf.md "Matching"): decided when read, from rows never
 * changed: the newest version of the advisory, the certificate neither
 * revoked nor superseded, and the SBOM-based hits for a certificate that
 * has an SBOM (else its purl-based ones). Filters are fixed SQL fragments
 * chosen by which arguments are given; every value is bound. */
#include <stdio.h>

#include "store_csaf_int.h"

#define HIT_SQL                                                                                    \
    "SELECT d.folder, d.tracking_id, d.version, d.tlp, d.path, c.id, c.product, c.vendor,"         \
    " c.lab_id, h.comp_name, h.comp_version, h.comp_purl, h.cve, h.method, h.matched, h.fixed"     \
    " FROM csaf_hits h JOIN csaf_docs d ON d.seq = h.doc_seq JOIN certificates c"                  \
    " ON c.id = h.cert_id WHERE d.seq = (SELECT max(x.seq) FROM csaf_docs x WHERE"                 \
    " x.folder = d.folder AND x.tracking_id = d.tracking_id)"                                      \
    " AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.cert_id = c.id)"                         \
    " AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.supersedes = c.id)"                     \
    " AND h.basis = (CASE WHEN EXISTS (SELECT 1 FROM cert_sboms b WHERE b.cert_id = c.id)"         \
    " THEN 'sbom' ELSE 'purl' END)"
#define HIT_ORDER                                                                                  \
    " ORDER BY d.folder, d.tracking_id, c.id, h.comp_name, h.comp_version, h.cve, h.matched"

struct hits_ctx {
    pki_arena *a;
    pk_csaf_hit_rows *r;
    size_t cap;
};

static pk_status row_hit(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct hits_ctx *c = arg;
    if (c->r->count == PK_CSAF_MAX_HITS) {
        c->r->truncated = true;
        return PK_OK;
    }
    if (c->r->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        pk_csaf_hit_row *v = pki_arena_alloc(c->a, cap * sizeof *v);
        if (!v)
            return pki_csaf_nomem(err, errlen);
        if (c->r->count)
            memcpy(v, c->r->items, c->r->count * sizeof *v);
        c->r->items = v;
        c->cap = cap;
    }
    pk_csaf_hit_row *x = &c->r->items[c->r->count];
    const char **f[] = {&x->folder, &x->advisory,    &x->version,      &x->tlp,
                        &x->path,   &x->certificate, &x->product,      &x->vendor,
                        &x->lab,    &x->comp_name,   &x->comp_version, &x->comp_purl,
                        &x->cve,    &x->method,      &x->matched,      &x->fixed};
    for (int i = 0; i < 16; i++) {
        *f[i] = pki_rs_col_text(c->a, r, i);
        if (!*f[i] && !r->ops->isnull(r, i))
            return pki_csaf_nomem(err, errlen);
    }
    c->r->count++;
    return PK_OK;
}

PK_API pk_status pk_csaf_hits_open(pk_rstore *s, const char *folder, const char *tracking_id,
                                   const char *cert_id, const char *org, pk_csaf_hit_rows **out,
                                   char *err, size_t errlen)
{
    if (!s || !out || (!folder) != (!tracking_id))
        return pki_rs_fail(err, errlen, PK_E_MISUSE,
                           "csaf store: no handle, or folder without tracking id");
    *out = NULL;
    const char *vals[] = {folder, tracking_id, cert_id, org};
    for (int i = 0; i < 4; i++)
        if (vals[i] && strnlen(vals[i], PK_RSTORE_MAX_TEXT + 1) > PK_RSTORE_MAX_TEXT)
            return pki_rs_fail(err, errlen, PK_E_USAGE, "csaf store: filter too long");
    /* 8 fixed texts, one per combination of filters */
    char sql[2048];
    pki_param p[4];
    size_t np = 0;
    int w = snprintf(sql, sizeof sql, "%s", HIT_SQL);
    if (folder) {
        w += snprintf(sql + w, sizeof sql - (size_t)w, " AND d.folder = ? AND d.tracking_id = ?");
        p[np++] = pki_pt(folder);
        p[np++] = pki_pt(tracking_id);
    }
    if (cert_id) {
        w += snprintf(sql + w, sizeof sql - (size_t)w, " AND c.id = ?");
        p[np++] = pki_pt(cert_id);
    }
    if (org) {
        w += snprintf(sql + w, sizeof sql - (size_t)w,
                      " AND EXISTS (SELECT 1 FROM inuse u WHERE u.org = ? AND u.cert_id = c.id)");
        p[np++] = pki_pt(org);
    }
    snprintf(sql + w, sizeof sql - (size_t)w, "%s", HIT_ORDER);
    struct hits_ctx c = {0};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return pki_csaf_nomem(err, errlen);
    pk_status st = s->ops->query(s->db, sql, p, np, row_hit, &c, PK_CSAF_MAX_HITS + 1, err, errlen);
    if (st != PK_OK || c.r->count == 0)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}
