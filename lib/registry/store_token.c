/* Revocation lookups and API tokens. A token is stored as the SHA-256 of its
 * secret only: a copy of the database lets nobody act as a lab or the
 * national CERT. Tokens are the one mutable table (revocation sets a date)
 * and are not in the log. */
#include <stdio.h>

#include "store_int.h"

#define NOMEM(err, errlen) pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory")

struct one_ctx {
    pki_arena *a;
    void *r;
    bool found;
};

static pk_status role_col(const pki_row *r, int col, pk_rstore_role *out, char *err, size_t errlen)
{
    size_t n;
    const char *p = r->ops->bytes(r, col, &n);
    char role[32];
    snprintf(role, sizeof role, "%.*s", (int)(n < 31 ? n : 31), p);
    if (pk_rstore_role_parse(role, out) != 0)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: stored role '%s' unknown",
                           role);
    return PK_OK;
}

static pk_status row_revocation(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct one_ctx *c = arg;
    pk_rstore_revocation *x = c->r;
    x->cert_id = pki_rs_col_text(c->a, r, 0);
    x->log_index = (uint64_t)r->ops->i64(r, 1);
    x->reason = pki_rs_col_text(c->a, r, 2);
    x->date = pki_rs_col_text(c->a, r, 3);
    pk_status st = role_col(r, 4, &x->by_role, err, errlen);
    if (st != PK_OK)
        return st;
    x->by_name = pki_rs_col_text(c->a, r, 5);
    x->record = pki_rs_col_blob(c->a, r, 6);
    if (!x->cert_id || !x->reason || !x->date || !x->by_name || !x->record.ptr)
        return NOMEM(err, errlen);
    c->found = true;
    return PK_OK;
}

/* Runs a one-row lookup into a fresh result of size bytes; *out stays NULL
 * when no row matched. */
static pk_status one_query(pk_rstore *s, const char *sql, const pki_param *p, size_t np,
                           pki_row_cb cb, size_t size, void **out, char *err, size_t errlen)
{
    *out = NULL;
    struct one_ctx c = {0};
    c.r = pki_rs_result_new(size, &c.a);
    if (!c.r)
        return NOMEM(err, errlen);
    pk_status st = s->ops->query(s->db, sql, p, np, cb, &c, 1, err, errlen);
    if (st != PK_OK || !c.found)
        pk_rstore_free(c.r);
    else
        *out = c.r;
    return st;
}

PK_API pk_status pk_rstore_revocation_get(pk_rstore *s, const char *cert_id,
                                          pk_rstore_revocation **out, char *err, size_t errlen)
{
    if (!s || !cert_id || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or id");
    pki_param p = pki_pt(cert_id);
    return one_query(s,
                     "SELECT cert_id, log_index, reason, date, by_role, by_name, record"
                     " FROM revocations WHERE cert_id = ?",
                     &p, 1, row_revocation, sizeof **out, (void **)out, err, errlen);
}

/* ---- tokens ---- */

PK_API pk_status pk_rstore_token_add(pk_rstore *s, const pk_rstore_token *t, char *err,
                                     size_t errlen)
{
    if (!s || !t)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or token");
    const char *role = pk_rstore_role_str(t->role);
    if (!role)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: invalid role %d",
                           (int)t->role);
    const char *fields[] = {t->id, t->name, t->created};
    for (size_t i = 0; i < 3; i++)
        if (!fields[i] || !*fields[i] ||
            strnlen(fields[i], PK_RSTORE_MAX_TEXT + 1) > PK_RSTORE_MAX_TEXT)
            return pki_rs_fail(err, errlen, PK_E_USAGE,
                               "registry store: token id, name and date must be 1..%u bytes",
                               PK_RSTORE_MAX_TEXT);
    if ((t->role == PK_ROLE_LAB) != (t->lab_id != NULL) ||
        (t->lab_id &&
         (!*t->lab_id || strnlen(t->lab_id, PK_RSTORE_MAX_TEXT + 1) > PK_RSTORE_MAX_TEXT)))
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: a lab token needs a lab id, and only a lab token");
    if (t->revoked)
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: a new token cannot be revoked already");
    pki_param p[] = {pki_pt(t->id),
                     pki_pt(role),
                     pki_pt(t->lab_id),
                     pki_pt(t->name),
                     pki_pb(t->secret_sha256, 32),
                     pki_pt(t->created)};
    pk_status st = s->ops->query(s->db,
                                 "INSERT INTO tokens (id, role, lab_id, name, secret_sha256,"
                                 " created) VALUES (?, ?, ?, ?, ?, ?)",
                                 p, 6, NULL, NULL, 0, err, errlen);
    if (st == PK_E_USAGE && err) {
        char e[512];
        snprintf(e, sizeof e, "%s", err);
        pki_rs_fail(err, errlen, st, "token '%.64s' refused (id or secret already used): %s", t->id,
                    e);
    }
    return st;
}

static pk_status row_token(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct one_ctx *c = arg;
    pk_rstore_token *x = c->r;
    x->id = pki_rs_col_text(c->a, r, 0);
    pk_status st = role_col(r, 1, &x->role, err, errlen);
    if (st != PK_OK)
        return st;
    x->lab_id = pki_rs_col_text(c->a, r, 2);
    x->name = pki_rs_col_text(c->a, r, 3);
    size_t n;
    const void *h = r->ops->bytes(r, 4, &n);
    if (n != 32)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: token hash of %zu bytes", n);
    memcpy(x->secret_sha256, h, 32);
    x->created = pki_rs_col_text(c->a, r, 5);
    x->revoked = pki_rs_col_text(c->a, r, 6);
    if (!x->id || !x->name || !x->created || (!x->lab_id && !r->ops->isnull(r, 2)) ||
        (!x->revoked && !r->ops->isnull(r, 6)))
        return NOMEM(err, errlen);
    c->found = true;
    return PK_OK;
}

PK_API pk_status pk_rstore_token_by_hash(pk_rstore *s, const uint8_t secret_sha256[32],
                                         pk_rstore_token **out, char *err, size_t errlen)
{
    if (!s || !secret_sha256 || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or hash");
    pki_param p = pki_pb(secret_sha256, 32);
    return one_query(s,
                     "SELECT id, role, lab_id, name, secret_sha256, created, revoked FROM tokens"
                     " WHERE secret_sha256 = ?",
                     &p, 1, row_token, sizeof **out, (void **)out, err, errlen);
}

static pk_status row_seen(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)r, (void)err, (void)errlen;
    *(bool *)arg = true;
    return PK_OK;
}

PK_API pk_status pk_rstore_token_revoke(pk_rstore *s, const char *id, const char *date, char *err,
                                        size_t errlen)
{
    if (!s || !id || !date)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle, id or date");
    if (!*date || strnlen(date, PK_RSTORE_MAX_TEXT + 1) > PK_RSTORE_MAX_TEXT)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: invalid revocation date");
    bool done = false;
    pki_param p[] = {pki_pt(date), pki_pt(id)};
    pk_status st = s->ops->query(s->db,
                                 "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL"
                                 " RETURNING id",
                                 p, 2, row_seen, &done, 0, err, errlen);
    if (st != PK_OK || done)
        return st;
    bool exists = false;
    st = s->ops->query(s->db, "SELECT id FROM tokens WHERE id = ?", &p[1], 1, row_seen, &exists, 1,
                       err, errlen);
    if (st != PK_OK)
        return st;
    return pki_rs_fail(err, errlen, PK_E_USAGE,
                       exists ? "registry store: token '%.64s' is already revoked"
                              : "registry store: no token '%.64s'",
                       id);
}

struct each_ctx {
    void (*fn)(const pk_rstore_token *t, void *ctx);
    void *ctx;
};

static const char *col_str(const pki_row *r, int col)
{
    size_t n;
    return r->ops->isnull(r, col) ? NULL : (const char *)r->ops->bytes(r, col, &n);
}

static pk_status row_each(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct each_ctx *c = arg;
    pk_rstore_token t = {0};
    pk_status st = role_col(r, 1, &t.role, err, errlen);
    if (st != PK_OK)
        return st;
    size_t n;
    const void *h = r->ops->bytes(r, 4, &n);
    if (n != 32)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: token hash of %zu bytes", n);
    memcpy(t.secret_sha256, h, 32);
    t.id = col_str(r, 0);
    t.lab_id = col_str(r, 2);
    t.name = col_str(r, 3);
    t.created = col_str(r, 5);
    t.revoked = col_str(r, 6);
    if (!t.id || !t.name || !t.created)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: a token row lacks a field");
    c->fn(&t, c->ctx);
    return PK_OK;
}

PK_API pk_status pk_rstore_token_each(pk_rstore *s, void (*fn)(const pk_rstore_token *t, void *ctx),
                                      void *ctx, char *err, size_t errlen)
{
    if (!s || !fn)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle or callback");
    struct each_ctx c = {fn, ctx};
    return s->ops->query(
        s->db,
        "SELECT id, role, lab_id, name, secret_sha256, created, revoked FROM tokens"
        " ORDER BY created, id",
        NULL, 0, row_each, &c, 0, err, errlen);
}
