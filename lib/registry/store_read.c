/* Registry lookups (certificates, labs, revocations) and tokens. Each
 * lookup that can match many rows asks for PK_RSTORE_MAX_ROWS + 1, keeps
 * PK_RSTORE_MAX_ROWS and says `truncated` when the extra one came. */
#include <stdio.h>

#include "store_int.h"

#define NOMEM(err, errlen) pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory")

/* A single result out of a list result: copied into a fresh result that
 * takes over the list's memory, so pk_rstore_free() frees it all. */
static void *take_first(void *list, const void *item, size_t size)
{
    pki_arena *a, *la;
    void *one = pki_rs_result_new(size, &a);
    if (!one) {
        pk_rstore_free(list);
        return NULL;
    }
    memcpy(one, item, size);
    memcpy(&la, (uint8_t *)list - 16, sizeof la);
    pki_arena_splice(a, la);
    pki_arena_free(la);
    return one;
}

/* ---- certificates ---- */

#define CERT_COLS                                                                                  \
    "SELECT c.id, c.envelope, c.lab_id, c.issued, c.expires, c.product, c.vendor, c.version,"      \
    " c.purl, c.cpe, c.profile, c.verdict, c.supersedes,"                                          \
    " (SELECT n.id FROM certificates n WHERE n.supersedes = c.id"                                  \
    " ORDER BY n.log_index DESC LIMIT 1), c.log_index FROM certificates c "

struct certs_ctx {
    pki_arena *a;
    pk_rstore_certs *r;
};

static pk_status row_cert(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct certs_ctx *c = arg;
    if (c->r->count == PK_RSTORE_MAX_ROWS) {
        c->r->truncated = true;
        return PK_OK;
    }
    pk_rstore_cert *x = &c->r->items[c->r->count];
    const char **text[] = {&x->id,      NULL,        &x->lab_id,     &x->issued,       &x->expires,
                           &x->product, &x->vendor,  &x->version,    &x->purl,         &x->cpe,
                           &x->profile, &x->verdict, &x->supersedes, &x->superseded_by};
    for (int i = 0; i < 14; i++) {
        if (!text[i])
            continue;
        *text[i] = pki_rs_col_text(c->a, r, i);
        if (!*text[i] && !r->ops->isnull(r, i))
            return NOMEM(err, errlen);
    }
    x->envelope = pki_rs_col_blob(c->a, r, 1);
    x->log_index = (uint64_t)r->ops->i64(r, 14);
    if (!x->envelope.ptr)
        return NOMEM(err, errlen);
    c->r->count++;
    return PK_OK;
}

struct subj_ctx {
    pki_arena *a;
    pk_rstore_subject *v;
    size_t n, cap;
};

static pk_status row_subject(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct subj_ctx *c = arg;
    if (c->n == c->cap) {
        /* Doubling inside the arena (the old array is left there): most
         * certificates have a few subjects, a few have thousands. */
        size_t cap = c->cap ? 2 * c->cap : 8;
        pk_rstore_subject *v = pki_arena_alloc(c->a, cap * sizeof *v);
        if (!v)
            return NOMEM(err, errlen);
        if (c->n)
            memcpy(v, c->v, c->n * sizeof *v);
        c->v = v, c->cap = cap;
    }
    size_t n;
    const void *h = r->ops->bytes(r, 0, &n);
    if (n != 32)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: subject hash of %zu bytes",
                           n);
    memcpy(c->v[c->n].sha256, h, 32);
    c->v[c->n].name = pki_rs_col_text(c->a, r, 1);
    if (!c->v[c->n].name)
        return NOMEM(err, errlen);
    c->n++;
    return PK_OK;
}

static pk_status cert_subjects(pk_rstore *s, pki_arena *a, pk_rstore_cert *x, char *err,
                               size_t errlen)
{
    pki_param p = pki_pt(x->id);
    struct subj_ctx c = {a, NULL, 0, 0};
    pk_status st = s->ops->query(s->db,
                                 "SELECT sha256, name FROM cert_subjects WHERE cert_id = ?"
                                 " ORDER BY sha256, name",
                                 &p, 1, row_subject, &c, PK_RSTORE_MAX_SUBJECTS, err, errlen);
    x->subjects = c.v;
    x->nsubjects = c.n;
    return st;
}

static pk_status certs_query(pk_rstore *s, const char *where, const pki_param *p,
                             pk_rstore_certs **out, char *err, size_t errlen)
{
    *out = NULL;
    char sql[1024];
    snprintf(sql, sizeof sql, "%s%s ORDER BY c.log_index DESC LIMIT ?", CERT_COLS, where);
    struct certs_ctx c = {0};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return NOMEM(err, errlen);
    c.r->items = pki_arena_alloc(c.a, PK_RSTORE_MAX_ROWS * sizeof *c.r->items);
    if (!c.r->items) {
        pk_rstore_free(c.r);
        return NOMEM(err, errlen);
    }
    pki_param q[2] = {p[0], pki_pi(PK_RSTORE_MAX_ROWS + 1)};
    pk_status st =
        s->ops->query(s->db, sql, q, 2, row_cert, &c, PK_RSTORE_MAX_ROWS + 1, err, errlen);
    for (size_t i = 0; st == PK_OK && i < c.r->count; i++)
        st = cert_subjects(s, c.a, &c.r->items[i], err, errlen);
    if (st != PK_OK || c.r->count == 0)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

PK_API pk_status pk_rstore_certs_by_sha256(pk_rstore *s, const uint8_t sha256[32],
                                           pk_rstore_certs **out, char *err, size_t errlen)
{
    if (!s || !sha256 || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or hash");
    pki_param p = pki_pb(sha256, 32);
    return certs_query(s, "WHERE c.id IN (SELECT cert_id FROM cert_subjects WHERE sha256 = ?)", &p,
                       out, err, errlen);
}

PK_API pk_status pk_rstore_certs_by_purl(pk_rstore *s, const char *purl, pk_rstore_certs **out,
                                         char *err, size_t errlen)
{
    if (!s || !purl || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or purl");
    pki_param p = pki_pt(purl);
    return certs_query(s, "WHERE c.purl = ?", &p, out, err, errlen);
}

PK_API pk_status pk_rstore_cert_by_id(pk_rstore *s, const char *id, pk_rstore_cert **out, char *err,
                                      size_t errlen)
{
    if (!s || !id || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or id");
    *out = NULL;
    pk_rstore_certs *list;
    pki_param p = pki_pt(id);
    pk_status st = certs_query(s, "WHERE c.id = ?", &p, &list, err, errlen);
    if (st == PK_OK && list && !(*out = take_first(list, &list->items[0], sizeof **out)))
        return NOMEM(err, errlen);
    return st;
}

/* ---- labs ---- */

struct labs_ctx {
    pki_arena *a;
    pk_rstore_labs *r;
    size_t max;
};

static pk_status row_accr(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct labs_ctx *c = arg;
    if (c->r->count == c->max) {
        c->r->truncated = true;
        return PK_OK;
    }
    pk_rstore_accreditation *x = &c->r->items[c->r->count];
    x->log_index = (uint64_t)r->ops->i64(r, 0);
    x->lab_id = pki_rs_col_text(c->a, r, 1);
    x->key_id = pki_rs_col_text(c->a, r, 2);
    x->public_key = pki_rs_col_blob(c->a, r, 3);
    x->envelope = pki_rs_col_blob(c->a, r, 4);
    x->valid_from = pki_rs_col_text(c->a, r, 5);
    x->valid_until = pki_rs_col_text(c->a, r, 6);
    x->state = pki_rs_col_text(c->a, r, 7);
    if (!x->lab_id || !x->key_id || !x->public_key.ptr || !x->envelope.ptr || !x->valid_from ||
        !x->valid_until || !x->state)
        return NOMEM(err, errlen);
    c->r->count++;
    return PK_OK;
}

static pk_status row_susp(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct labs_ctx *c = arg;
    if (c->r->nsuspensions == c->max) {
        c->r->truncated = true;
        return PK_OK;
    }
    pk_rstore_suspension *x = &c->r->suspensions[c->r->nsuspensions];
    x->log_index = (uint64_t)r->ops->i64(r, 0);
    x->lab_id = pki_rs_col_text(c->a, r, 1);
    x->from_date = pki_rs_col_text(c->a, r, 2);
    x->reason = pki_rs_col_text(c->a, r, 3);
    x->envelope = pki_rs_col_blob(c->a, r, 4);
    if (!x->lab_id || !x->from_date || !x->reason || !x->envelope.ptr)
        return NOMEM(err, errlen);
    c->r->nsuspensions++;
    return PK_OK;
}

#define ACCR_COLS                                                                                  \
    "SELECT log_index, lab_id, key_id, public_key, envelope, valid_from, valid_until, state"       \
    " FROM accreditations "

/* value NULL: every lab (where must then hold no placeholder). At most max
 * rows of each kind; `truncated` when more exist. */
static pk_status labs_query(pk_rstore *s, const char *where, const char *value, bool suspensions,
                            size_t max, pk_rstore_labs **out, char *err, size_t errlen)
{
    *out = NULL;
    struct labs_ctx c = {.max = max};
    c.r = pki_rs_result_new(sizeof *c.r, &c.a);
    if (!c.r)
        return NOMEM(err, errlen);
    c.r->items = pki_arena_alloc(c.a, max * sizeof *c.r->items);
    c.r->suspensions = pki_arena_alloc(c.a, max * sizeof *c.r->suspensions);
    if (!c.r->items || !c.r->suspensions) {
        pk_rstore_free(c.r);
        return NOMEM(err, errlen);
    }
    char sql[512];
    snprintf(sql, sizeof sql, "%s%s ORDER BY log_index DESC LIMIT ?", ACCR_COLS, where);
    pki_param p[] = {pki_pt(value), pki_pi((int64_t)max + 1)};
    const pki_param *pp = value ? p : p + 1;
    size_t np = value ? 2 : 1;
    pk_status st = s->ops->query(s->db, sql, pp, np, row_accr, &c, max + 1, err, errlen);
    if (st == PK_OK && suspensions)
        st = s->ops->query(s->db,
                           value ? "SELECT log_index, lab_id, from_date, reason, envelope FROM"
                                   " suspensions WHERE lab_id = ? ORDER BY log_index DESC LIMIT ?"
                                 : "SELECT log_index, lab_id, from_date, reason, envelope FROM"
                                   " suspensions ORDER BY log_index DESC LIMIT ?",
                           pp, np, row_susp, &c, max + 1, err, errlen);
    if (st != PK_OK || (c.r->count == 0 && c.r->nsuspensions == 0))
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

PK_API pk_status pk_rstore_labs_all(pk_rstore *s, pk_rstore_labs **out, char *err, size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle");
    return labs_query(s, "", NULL, true, PK_RSTORE_MAX_LABS, out, err, errlen);
}

PK_API pk_status pk_rstore_lab(pk_rstore *s, const char *lab_id, pk_rstore_labs **out, char *err,
                               size_t errlen)
{
    if (!s || !lab_id || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or lab id");
    return labs_query(s, "WHERE lab_id = ?", lab_id, true, PK_RSTORE_MAX_ROWS, out, err, errlen);
}

PK_API pk_status pk_rstore_lab_by_key(pk_rstore *s, const char *key_id,
                                      pk_rstore_accreditation **out, char *err, size_t errlen)
{
    if (!s || !key_id || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or key id");
    *out = NULL;
    pk_rstore_labs *l;
    pk_status st =
        labs_query(s, "WHERE key_id = ?", key_id, false, PK_RSTORE_MAX_ROWS, &l, err, errlen);
    if (st != PK_OK || !l)
        return st;
    if (!(*out = take_first(l, &l->items[0], sizeof **out)))
        return NOMEM(err, errlen);
    return PK_OK;
}

static pk_status row_count(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    *(uint64_t *)arg = (uint64_t)r->ops->i64(r, 0);
    return PK_OK;
}

PK_API pk_status pk_rstore_trust_count(pk_rstore *s, uint64_t *n, char *err, size_t errlen)
{
    if (!s || !n)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle");
    *n = 0;
    return s->ops->query(s->db,
                         "SELECT (SELECT count(*) FROM accreditations) +"
                         " (SELECT count(*) FROM suspensions)",
                         NULL, 0, row_count, n, 1, err, errlen);
}
