/* The registry store on PostgreSQL (libpq): one connection per handle, the
 * same tables as SQLite with bigint and bytea. Parameters are sent typed and
 * binary (int8, text, bytea) and results read binary, so no value is ever
 * formatted into SQL text. The log's next index is taken with SELECT ... FOR
 * UPDATE on the one log_head row: a second server's append waits there until
 * the first commits, then reads the new size. */
#include <libpq-fe.h>
#include <stdio.h>

#include "store_int.h"

/* Type oids (pg_type.h), stable since PostgreSQL 7. */
#define PKI_OID_INT8  20
#define PKI_OID_TEXT  25
#define PKI_OID_BYTEA 17
/* More parameters than any statement here has. */
#define PKI_PG_MAX_PARAMS 24
/* One statement's text after renumbering '?' as $n. */
#define PKI_PG_MAX_SQL 2048
/* Parameterised statements prepared once per connection (planning costs
 * more than running a lookup). The texts are a fixed set, smaller than
 * this; past it a statement simply runs unprepared, so nothing is evicted
 * and no DEALLOCATE can meet an aborted transaction. */
#define PKI_PG_CACHE 48

typedef struct pg_db {
    PGconn *c;
    char *sql[PKI_PG_CACHE]; /* the renumbered text of statement "pk<i>" */
    unsigned n;
} pg_db;

static const char *const pg_schema[] = {
    "CREATE TABLE log_head (id bigint PRIMARY KEY CHECK (id = 1), size bigint NOT NULL)",
    "INSERT INTO log_head (id, size) VALUES (1, 0)",
    "CREATE TABLE log_leaves (idx bigint PRIMARY KEY, kind text NOT NULL, ref_id text NOT NULL,"
    " data bytea NOT NULL, hash bytea NOT NULL CHECK (length(hash) = 32))",
    "CREATE TABLE log_nodes (level bigint NOT NULL, idx bigint NOT NULL,"
    " hash bytea NOT NULL CHECK (length(hash) = 32), PRIMARY KEY (level, idx))",
    "CREATE TABLE checkpoints (size bigint PRIMARY KEY, note text NOT NULL)",
    "CREATE TABLE accreditations (log_index bigint PRIMARY KEY REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED,"
    " lab_id text NOT NULL, key_id text NOT NULL, public_key bytea NOT NULL,"
    " envelope bytea NOT NULL, valid_from text NOT NULL, valid_until text NOT NULL,"
    " state text NOT NULL)",
    "CREATE INDEX accreditations_lab ON accreditations (lab_id)",
    "CREATE INDEX accreditations_key ON accreditations (key_id)",
    "CREATE TABLE suspensions (log_index bigint PRIMARY KEY REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED,"
    " lab_id text NOT NULL, from_date text NOT NULL, reason text NOT NULL,"
    " envelope bytea NOT NULL)",
    "CREATE INDEX suspensions_lab ON suspensions (lab_id)",
    "CREATE TABLE certificates (id text PRIMARY KEY, log_index bigint NOT NULL UNIQUE"
    " REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED, envelope bytea NOT NULL, lab_id text NOT NULL,"
    " issued text NOT NULL, expires text NOT NULL, product text NOT NULL,"
    " vendor text NOT NULL, version text NOT NULL, purl text, cpe text,"
    " profile text NOT NULL, verdict text NOT NULL,"
    " supersedes text REFERENCES certificates (id))",
    "CREATE INDEX certificates_purl ON certificates (purl)",
    "CREATE INDEX certificates_supersedes ON certificates (supersedes, log_index)",
    "CREATE TABLE cert_subjects (cert_id text NOT NULL REFERENCES certificates (id),"
    " sha256 bytea NOT NULL CHECK (length(sha256) = 32), name text NOT NULL,"
    " PRIMARY KEY (cert_id, sha256, name))",
    "CREATE INDEX cert_subjects_sha256 ON cert_subjects (sha256)",
    "CREATE TABLE revocations (cert_id text PRIMARY KEY REFERENCES certificates (id),"
    " log_index bigint NOT NULL UNIQUE REFERENCES log_leaves (idx)"
    " DEFERRABLE INITIALLY DEFERRED, reason text NOT NULL,"
    " date text NOT NULL, by_role text NOT NULL, by_name text NOT NULL, record bytea NOT NULL)",
    "CREATE TABLE tokens (id text PRIMARY KEY, role text NOT NULL CHECK (role IN"
    " ('national', 'sectoral', 'organisational', 'lab', 'public')), lab_id text,"
    " name text NOT NULL, secret_sha256 bytea NOT NULL UNIQUE"
    " CHECK (length(secret_sha256) = 32), created text NOT NULL, revoked text,"
    " CHECK ((role = 'lab') = (lab_id IS NOT NULL)))",
    NULL,
};

static void pg_quiet(void *arg, const char *msg)
{
    /* "relation already exists, skipping" and the like: a library prints
     * nothing (STYLE.md section 4). */
    (void)arg;
    (void)msg;
}

static bool pg_isnull(const pki_row *r, int col)
{
    return PQgetisnull(r->impl, r->row, col);
}

static int64_t pg_i64(const pki_row *r, int col)
{
    const uint8_t *p = (const uint8_t *)PQgetvalue(r->impl, r->row, col);
    int n = PQgetlength(r->impl, r->row, col);
    if (n != 8 && n != 4 && n != 2)
        return 0;
    uint64_t v = (p[0] & 0x80) ? UINT64_MAX : 0; /* sign-extend the network-order value */
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return (int64_t)v;
}

static const void *pg_bytes(const pki_row *r, int col, size_t *n)
{
    *n = (size_t)PQgetlength(r->impl, r->row, col);
    return PQgetvalue(r->impl, r->row, col);
}

static const pki_row_ops pg_row_ops = {pg_isnull, pg_i64, pg_bytes};

/* '?' -> $1..$n outside quoted literals; false when out does not hold it. */
static bool pg_renumber(const char *sql, char *out, size_t cap)
{
    size_t o = 0;
    unsigned n = 0;
    bool quoted = false;
    for (const char *c = sql; *c; c++) {
        char num[16];
        const char *piece = c;
        size_t len = 1;
        if (*c == '\'')
            quoted = !quoted;
        if (*c == '?' && !quoted) {
            len = (size_t)snprintf(num, sizeof num, "$%u", ++n);
            piece = num;
        }
        if (o + len >= cap)
            return false;
        memcpy(out + o, piece, len);
        o += len;
    }
    out[o] = '\0';
    return true;
}

static pk_status pg_result_status(const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && state[0] == '2' && (state[1] == '3' || state[1] == '2'))
        return PK_E_USAGE; /* 23: integrity constraint; 22: bad data (text not UTF-8) */
    if (state && state[0] == 'X' && state[1] == 'X' && (state[4] == '1' || state[4] == '2'))
        return PK_E_FORMAT; /* XX001 data_corrupted, XX002 index_corrupted */
    return PK_E_IO;
}

static void pg_chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static pk_status pg_query(void *db, const char *sql, const pki_param *p, size_t np, pki_row_cb cb,
                          void *arg, size_t max_rows, char *err, size_t errlen)
{
    pg_db *d = db;
    PGconn *c = d->c;
    char text[PKI_PG_MAX_SQL];
    if (np > PKI_PG_MAX_PARAMS || !pg_renumber(sql, text, sizeof text))
        return pki_rs_fail(err, errlen, PK_E_INTERNAL, "postgresql: statement too long");
    Oid types[PKI_PG_MAX_PARAMS];
    const char *vals[PKI_PG_MAX_PARAMS];
    int lens[PKI_PG_MAX_PARAMS], fmts[PKI_PG_MAX_PARAMS];
    uint8_t ints[PKI_PG_MAX_PARAMS][8];
    for (size_t i = 0; i < np; i++) {
        fmts[i] = 1;
        switch (p[i].t) {
        case PKI_P_INT:
            for (int b = 0; b < 8; b++)
                ints[i][b] = (uint8_t)((uint64_t)p[i].i >> (56 - 8 * b));
            types[i] = PKI_OID_INT8, vals[i] = (const char *)ints[i], lens[i] = 8;
            break;
        case PKI_P_TEXT:
            types[i] = PKI_OID_TEXT, vals[i] = p[i].p, lens[i] = (int)p[i].n;
            break;
        case PKI_P_BLOB:
            types[i] = PKI_OID_BYTEA, vals[i] = p[i].p, lens[i] = (int)p[i].n;
            break;
        default:
            types[i] = 0, vals[i] = NULL, lens[i] = 0;
            break;
        }
    }
    PGresult *res = NULL;
    int slot = -1;
    for (unsigned i = 0; np && i < d->n && slot < 0; i++)
        if (strcmp(d->sql[i], text) == 0)
            slot = (int)i;
    char *copy = np && slot < 0 && d->n < PKI_PG_CACHE ? pki_strdup(text) : NULL;
    if (copy) { /* no copy (no memory): run it unprepared */
        char name[16];
        snprintf(name, sizeof name, "pk%u", d->n);
        PGresult *pr = PQprepare(c, name, text, (int)np, types);
        if (PQresultStatus(pr) != PGRES_COMMAND_OK) {
            res = pr; /* its error, not "transaction aborted" from a retry */
            pki_free(copy);
        } else {
            PQclear(pr);
            d->sql[d->n] = copy;
            slot = (int)d->n++;
        }
    }
    if (res) {
        /* the prepare failed: reported below */
    } else if (slot >= 0) {
        char name[16];
        snprintf(name, sizeof name, "pk%d", slot);
        res = PQexecPrepared(c, name, (int)np, vals, lens, fmts, 1);
    } else {
        res = PQexecParams(c, text, (int)np, types, vals, lens, fmts, 1);
    }
    ExecStatusType rs = PQresultStatus(res);
    pk_status s = PK_OK;
    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(c));
        pg_chomp(msg);
        s = pki_rs_fail(err, errlen, res ? pg_result_status(res) : PK_E_IO, "postgresql: %s",
                        msg[0] ? msg : "query failed");
        PQclear(res);
        return s;
    }
    int n = PQntuples(res);
    pki_row row = {&pg_row_ops, res, 0};
    for (int i = 0; cb && i < n && (max_rows == 0 || (size_t)i < max_rows); i++) {
        row.row = i;
        s = cb(arg, &row, err, errlen);
        if (s != PK_OK)
            break;
    }
    PQclear(res);
    return s;
}

static pk_status pg_exec(pg_db *d, const char *sql, char *err, size_t errlen)
{
    return pg_query(d, sql, NULL, 0, NULL, NULL, 0, err, errlen);
}

static pk_status pg_begin(void *db, char *err, size_t errlen)
{
    return pg_exec(db, "BEGIN", err, errlen);
}

static pk_status pg_commit(void *db, char *err, size_t errlen)
{
    return pg_exec(db, "COMMIT", err, errlen);
}

static void pg_rollback(void *db)
{
    if (PQtransactionStatus(((pg_db *)db)->c) != PQTRANS_IDLE)
        pg_exec(db, "ROLLBACK", NULL, 0);
}

static void pg_close(void *db)
{
    pg_db *d = db;
    for (unsigned i = 0; i < d->n; i++)
        pki_free(d->sql[i]);
    PQfinish(d->c);
    pki_free(d);
}

pk_status pki_rs_pg_open(const char *conninfo, void **db, char *err, size_t errlen)
{
    *db = NULL;
    PGconn *c = PQconnectdb(conninfo);
    if (!c)
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "postgresql: cannot allocate a connection");
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        pg_chomp(msg);
        PQfinish(c);
        /* Not the conninfo: it may hold a password. */
        return pki_rs_fail(err, errlen, PK_E_IO, "postgresql: cannot connect: %s", msg);
    }
    PQsetNoticeProcessor(c, pg_quiet, NULL);
    pg_db *d = pki_calloc(1, sizeof *d);
    if (!d) {
        PQfinish(c);
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "postgresql: out of memory");
    }
    d->c = c;
    /* Dates and text are stored as given; the client encoding only has to
     * pass UTF-8 through unchanged. */
    pk_status s = pg_exec(d, "SET client_encoding = 'UTF8'", err, errlen);
    if (s != PK_OK) {
        pg_close(d);
        return s;
    }
    *db = d;
    return PK_OK;
}

const pki_rs_ops pki_rs_pg = {
    .name = "postgresql",
    .query = pg_query,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .close = pg_close,
    .schema = pg_schema,
    .schema_v2 = pki_csaf_pg_schema,
    .lock_head_sql = "SELECT size FROM log_head WHERE id = 1 FOR UPDATE",
    /* Two servers starting on an empty database: one creates the tables. */
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7208530201)",
};
