/* The registry store: opening a back end, the schema and its version, and
 * every write. Writes of logged records go through one transaction that
 * holds the log lock (store_int.h, lock_head_sql), stores the record, the
 * leaf and the nodes the leaf completes, and moves the log head; a failure
 * anywhere rolls all of it back. */
#include <stdarg.h>
#include <stdio.h>

#include "store_int.h"

#define PKI_RS_ERRLEN 512

pk_status pki_rs_fail(char *err, size_t errlen, pk_status st, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* ---- results ---- */

/* The arena's address sits in the 16 bytes before the result, so one
 * pk_rstore_free() frees a result of any type with everything it points to. */
void *pki_rs_result_new(size_t size, pki_arena **arena)
{
    pki_arena *a = pki_arena_new();
    if (!a)
        return NULL;
    uint8_t *b = pki_arena_alloc(a, 16 + size);
    if (!b) {
        pki_arena_free(a);
        return NULL;
    }
    memcpy(b, &a, sizeof a);
    *arena = a;
    return b + 16;
}

PK_API void pk_rstore_free(void *result)
{
    if (!result)
        return;
    pki_arena *a;
    memcpy(&a, (uint8_t *)result - 16, sizeof a);
    pki_arena_free(a);
}

char *pki_rs_col_text(pki_arena *a, const pki_row *r, int col)
{
    if (r->ops->isnull(r, col))
        return NULL;
    size_t n;
    const void *p = r->ops->bytes(r, col, &n);
    return pki_arena_strndup(a, p, n);
}

pk_bytes pki_rs_col_blob(pki_arena *a, const pki_row *r, int col)
{
    size_t n;
    const void *p = r->ops->bytes(r, col, &n);
    uint8_t *d = pki_arena_memdup(a, p, n);
    return (pk_bytes){d, d ? n : 0};
}

/* ---- names ---- */

static const char *const role_names[] = {"national", "sectoral", "organisational", "lab", "public"};
static const char *const kind_names[] = {"accreditation", "suspension", "certificate",
                                         "revocation"};

PK_API const char *pk_rstore_role_str(pk_rstore_role r)
{
    return (unsigned)r < 5 ? role_names[r] : NULL;
}

PK_API int pk_rstore_role_parse(const char *name, pk_rstore_role *out)
{
    for (unsigned i = 0; name && i < 5; i++)
        if (strcmp(name, role_names[i]) == 0) {
            *out = (pk_rstore_role)i;
            return 0;
        }
    return -1;
}

const char *pki_rs_kind_str(pk_rstore_kind k)
{
    return (unsigned)k < 4 ? kind_names[k] : NULL;
}

int pki_rs_kind_parse(const char *s, pk_rstore_kind *out)
{
    for (unsigned i = 0; s && i < 4; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (pk_rstore_kind)i;
            return 0;
        }
    return -1;
}

/* ---- opening and the schema ---- */

static pk_status row_i64(void *arg, const pki_row *r, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    int64_t *v = arg;
    *v = r->ops->i64(r, 0);
    return PK_OK;
}

/* Creates the schema when missing, refuses a newer one. Concurrent openers
 * serialise on the write transaction (SQLite) or an advisory lock
 * (PostgreSQL), so only one creates the tables. */
static pk_status migrate(pk_rstore *s, const char *label, char *err, size_t errlen)
{
    const pki_rs_ops *o = s->ops;
    pk_status st = o->begin(s->db, err, errlen);
    if (st != PK_OK)
        return st;
    if (o->migrate_lock_sql)
        st = o->query(s->db, o->migrate_lock_sql, NULL, 0, NULL, NULL, 0, err, errlen);
    if (st == PK_OK)
        st = o->query(s->db, "CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL)",
                      NULL, 0, NULL, NULL, 0, err, errlen);
    int64_t ver = 0;
    if (st == PK_OK)
        st = o->query(s->db, "SELECT max(version) FROM schema_version", NULL, 0, row_i64, &ver, 1,
                      err, errlen);
    if (st == PK_OK && (ver < 0 || ver > PK_RSTORE_SCHEMA_VERSION))
        st = pki_rs_fail(err, errlen, PK_E_FORMAT,
                         "%s: registry schema version %lld is newer than this parakh's (%d); "
                         "upgrade parakh",
                         label, (long long)ver, PK_RSTORE_SCHEMA_VERSION);
    /* Each version's step in order: 1 the registry, 2 the CSAF tables. */
    if (st == PK_OK && ver == 0)
        for (size_t i = 0; st == PK_OK && o->schema[i]; i++)
            st = o->query(s->db, o->schema[i], NULL, 0, NULL, NULL, 0, err, errlen);
    if (st == PK_OK && ver < 2)
        for (size_t i = 0; st == PK_OK && o->schema_v2[i]; i++)
            st = o->query(s->db, o->schema_v2[i], NULL, 0, NULL, NULL, 0, err, errlen);
    if (st == PK_OK && ver < PK_RSTORE_SCHEMA_VERSION) {
        pki_param p = pki_pi(PK_RSTORE_SCHEMA_VERSION);
        if (st == PK_OK)
            st = o->query(s->db, "INSERT INTO schema_version (version) VALUES (?)", &p, 1, NULL,
                          NULL, 0, err, errlen);
    }
    if (st == PK_OK)
        return o->commit(s->db, err, errlen);
    o->rollback(s->db);
    return st;
}

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

PK_API pk_status pk_rstore_open(const char *url, pk_rstore **out, char *err, size_t errlen)
{
    if (!url || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no url");
    *out = NULL;
    const pki_rs_ops *ops;
    const char *target = url, *label = url;
    if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
        ops = &pki_rs_pg;
        label = "postgresql"; /* never the URI: it may hold a password */
    } else if (has_prefix(url, "sqlite:")) {
        ops = &pki_rs_sqlite;
        target = label = url + 7;
    } else if (strstr(url, "://")) {
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: unknown scheme in '%.64s' (a file path, sqlite:PATH, "
                           "postgresql://...)",
                           url);
    } else {
        ops = &pki_rs_sqlite;
    }
    pk_rstore *s = pki_calloc(1, sizeof *s);
    if (!s)
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory");
    s->ops = ops;
    pk_status st = ops == &pki_rs_pg ? pki_rs_pg_open(target, &s->db, err, errlen)
                                     : pki_rs_sqlite_open(target, &s->db, err, errlen);
    if (st == PK_OK)
        st = migrate(s, label, err, errlen);
    if (st == PK_E_FORMAT && ops == &pki_rs_sqlite && err && !strstr(err, label)) {
        char e[PKI_RS_ERRLEN];
        snprintf(e, sizeof e, "%s", err);
        pki_rs_fail(err, errlen, st, "%s: not a registry database (%s)", label, e);
    }
    if (st != PK_OK) {
        pk_rstore_close(s);
        return st;
    }
    *out = s;
    return PK_OK;
}

PK_API void pk_rstore_close(pk_rstore *s)
{
    if (!s)
        return;
    if (s->db) {
        s->ops->rollback(s->db);
        s->ops->close(s->db);
    }
    pki_free(s);
}

PK_API const char *pk_rstore_backend(const pk_rstore *s)
{
    return s ? s->ops->name : NULL;
}

/* ---- input checks ---- */

static pk_status need_text(const char *v, const char *what, bool nullable, char *err, size_t errlen)
{
    if (!v && nullable)
        return PK_OK;
    if (!v || !*v)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: %s is empty", what);
    if (strnlen(v, PK_RSTORE_MAX_TEXT + 1) > PK_RSTORE_MAX_TEXT)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: %s longer than %u bytes", what,
                           PK_RSTORE_MAX_TEXT);
    return PK_OK;
}

static pk_status need_blob(pk_bytes b, const char *what, char *err, size_t errlen)
{
    if (!b.ptr || !b.len)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: %s is empty", what);
    if (b.len > PK_RSTORE_MAX_BLOB)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: %s larger than %u bytes", what,
                           PK_RSTORE_MAX_BLOB);
    return PK_OK;
}

#define NEED(expr)                                                                                 \
    do {                                                                                           \
        pk_status need_st_ = (expr);                                                               \
        if (need_st_ != PK_OK)                                                                     \
            return need_st_;                                                                       \
    } while (0)

static pk_status exec(pk_rstore *s, const char *sql, const pki_param *p, size_t np, char *err,
                      size_t errlen)
{
    return s->ops->query(s->db, sql, p, np, NULL, NULL, 0, err, errlen);
}

/* ---- records ---- */

static pk_status put_accreditation(pk_rstore *s, const pk_rstore_accreditation *a, int64_t idx,
                                   char *err, size_t errlen)
{
    NEED(need_text(a->lab_id, "lab id", false, err, errlen));
    NEED(need_text(a->key_id, "key id", false, err, errlen));
    NEED(need_blob(a->public_key, "public key", err, errlen));
    NEED(need_blob(a->envelope, "accreditation envelope", err, errlen));
    NEED(need_text(a->valid_from, "valid from", false, err, errlen));
    NEED(need_text(a->valid_until, "valid until", false, err, errlen));
    NEED(need_text(a->state, "state", false, err, errlen));
    pki_param p[] = {pki_pi(idx),
                     pki_pt(a->lab_id),
                     pki_pt(a->key_id),
                     pki_pb(a->public_key.ptr, a->public_key.len),
                     pki_pb(a->envelope.ptr, a->envelope.len),
                     pki_pt(a->valid_from),
                     pki_pt(a->valid_until),
                     pki_pt(a->state)};
    return exec(s,
                "INSERT INTO accreditations (log_index, lab_id, key_id, public_key, envelope,"
                " valid_from, valid_until, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                p, 8, err, errlen);
}

static pk_status put_suspension(pk_rstore *s, const pk_rstore_suspension *u, int64_t idx, char *err,
                                size_t errlen)
{
    NEED(need_text(u->lab_id, "lab id", false, err, errlen));
    NEED(need_text(u->from_date, "suspension date", false, err, errlen));
    NEED(need_text(u->reason, "suspension reason", false, err, errlen));
    NEED(need_blob(u->envelope, "suspension envelope", err, errlen));
    /* A lab never accredited cannot be suspended: the lab table is the
     * accreditations, so this is checked here rather than by a key. */
    int64_t n = 0;
    pki_param q = pki_pt(u->lab_id);
    NEED(s->ops->query(s->db, "SELECT count(*) FROM accreditations WHERE lab_id = ?", &q, 1,
                       row_i64, &n, 1, err, errlen));
    if (n == 0)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: unknown lab '%.64s'",
                           u->lab_id);
    pki_param p[] = {pki_pi(idx), pki_pt(u->lab_id), pki_pt(u->from_date), pki_pt(u->reason),
                     pki_pb(u->envelope.ptr, u->envelope.len)};
    return exec(s,
                "INSERT INTO suspensions (log_index, lab_id, from_date, reason, envelope)"
                " VALUES (?, ?, ?, ?, ?)",
                p, 5, err, errlen);
}

static pk_status put_cert(pk_rstore *s, const pk_rstore_cert *c, int64_t idx, char *err,
                          size_t errlen)
{
    NEED(need_text(c->id, "certificate id", false, err, errlen));
    NEED(need_blob(c->envelope, "certificate envelope", err, errlen));
    NEED(need_text(c->lab_id, "lab id", false, err, errlen));
    NEED(need_text(c->issued, "issue date", false, err, errlen));
    NEED(need_text(c->expires, "expiry date", false, err, errlen));
    NEED(need_text(c->product, "product", false, err, errlen));
    NEED(need_text(c->vendor, "vendor", false, err, errlen));
    NEED(need_text(c->version, "version", false, err, errlen));
    NEED(need_text(c->purl, "purl", true, err, errlen));
    NEED(need_text(c->cpe, "cpe", true, err, errlen));
    NEED(need_text(c->profile, "profile", false, err, errlen));
    NEED(need_text(c->verdict, "verdict", false, err, errlen));
    NEED(need_text(c->supersedes, "superseded certificate id", true, err, errlen));
    if (!c->subjects || c->nsubjects == 0 || c->nsubjects > PK_RSTORE_MAX_SUBJECTS)
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: certificate '%.64s' has %zu subjects (1..%u)", c->id,
                           c->nsubjects, PK_RSTORE_MAX_SUBJECTS);
    for (size_t i = 0; i < c->nsubjects; i++)
        NEED(need_text(c->subjects[i].name, "subject name", false, err, errlen));
    pki_param p[] = {
        pki_pt(c->id),      pki_pi(idx),          pki_pb(c->envelope.ptr, c->envelope.len),
        pki_pt(c->lab_id),  pki_pt(c->issued),    pki_pt(c->expires),
        pki_pt(c->product), pki_pt(c->vendor),    pki_pt(c->version),
        pki_pt(c->purl),    pki_pt(c->cpe),       pki_pt(c->profile),
        pki_pt(c->verdict), pki_pt(c->supersedes)};
    pk_status st =
        exec(s,
             "INSERT INTO certificates (id, log_index, envelope, lab_id, issued, expires,"
             " product, vendor, version, purl, cpe, profile, verdict, supersedes)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             p, 14, err, errlen);
    if (st == PK_E_USAGE && err) {
        char e[PKI_RS_ERRLEN];
        snprintf(e, sizeof e, "%s", err);
        pki_rs_fail(err, errlen, st, "certificate '%.64s' refused: %s", c->id, e);
    }
    for (size_t i = 0; st == PK_OK && i < c->nsubjects; i++) {
        pki_param q[] = {pki_pt(c->id), pki_pb(c->subjects[i].sha256, 32),
                         pki_pt(c->subjects[i].name)};
        st = exec(s, "INSERT INTO cert_subjects (cert_id, sha256, name) VALUES (?, ?, ?)", q, 3,
                  err, errlen);
    }
    return st;
}

static pk_status put_revocation(pk_rstore *s, const pk_rstore_revocation *r, int64_t idx, char *err,
                                size_t errlen)
{
    NEED(need_text(r->cert_id, "certificate id", false, err, errlen));
    NEED(need_text(r->reason, "revocation reason", false, err, errlen));
    NEED(need_text(r->date, "revocation date", false, err, errlen));
    NEED(need_text(r->by_name, "revoked by", false, err, errlen));
    NEED(need_blob(r->record, "revocation record", err, errlen));
    const char *role = pk_rstore_role_str(r->by_role);
    if (!role)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: invalid role %d",
                           (int)r->by_role);
    pki_param p[] = {pki_pt(r->cert_id),
                     pki_pi(idx),
                     pki_pt(r->reason),
                     pki_pt(r->date),
                     pki_pt(role),
                     pki_pt(r->by_name),
                     pki_pb(r->record.ptr, r->record.len)};
    pk_status st = exec(s,
                        "INSERT INTO revocations (cert_id, log_index, reason, date, by_role,"
                        " by_name, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        p, 7, err, errlen);
    if (st == PK_E_USAGE && err) {
        char e[PKI_RS_ERRLEN];
        snprintf(e, sizeof e, "%s", err);
        pki_rs_fail(err, errlen, st,
                    "revocation of '%.64s' refused (unknown certificate or already revoked): %s",
                    r->cert_id, e);
    }
    return st;
}

const char *pki_rs_record_ref(const pk_rstore_record *rec)
{
    switch (rec->kind) {
    case PK_RSTORE_ACCREDITATION:
        return rec->u.accreditation ? rec->u.accreditation->lab_id : NULL;
    case PK_RSTORE_SUSPENSION:
        return rec->u.suspension ? rec->u.suspension->lab_id : NULL;
    case PK_RSTORE_CERTIFICATE:
        return rec->u.cert ? rec->u.cert->id : NULL;
    case PK_RSTORE_REVOCATION:
        return rec->u.revocation ? rec->u.revocation->cert_id : NULL;
    }
    return NULL;
}

PK_API pk_status pk_rstore_put_record(pk_rstore *s, const pk_rstore_record *rec, uint64_t index,
                                      char *err, size_t errlen)
{
    if (!s || !rec || !s->in_txn || s->txn_record || index != s->txn_size ||
        !pki_rs_record_ref(rec))
        return pki_rs_fail(err, errlen, PK_E_MISUSE,
                           "registry store: put_record outside begin_append, or for another index");
    int64_t idx = (int64_t)index;
    pk_status st = PK_E_MISUSE;
    switch (rec->kind) {
    case PK_RSTORE_ACCREDITATION:
        st = put_accreditation(s, rec->u.accreditation, idx, err, errlen);
        break;
    case PK_RSTORE_SUSPENSION:
        st = put_suspension(s, rec->u.suspension, idx, err, errlen);
        break;
    case PK_RSTORE_CERTIFICATE:
        st = put_cert(s, rec->u.cert, idx, err, errlen);
        break;
    case PK_RSTORE_REVOCATION:
        st = put_revocation(s, rec->u.revocation, idx, err, errlen);
        break;
    }
    if (st == PK_OK) {
        s->txn_record = true;
        pki_rs_txn_advance(s);
    }
    return st;
}
