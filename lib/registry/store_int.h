/* The registry store's back ends (docs/registry-storage.md). store.c and
 * store_read.c hold every table operation once, written against this small
 * driver interface; store_sqlite.c and store_pg.c implement it. SQL text uses
 * '?' placeholders (PostgreSQL's driver renumbers them $1..$n) and every value
 * is a bound parameter, never spliced into the text.
 *
 * Ownership: a driver's db pointer is owned by the pk_rstore and closed by
 * ops->close. Row accessors return pointers valid only inside the callback. */
#ifndef PK_REGISTRY_STORE_INT_H
#define PK_REGISTRY_STORE_INT_H

#include <parakh/registry_store.h>
#include <string.h>

#include "core/core_int.h"

typedef enum pki_ptype { PKI_P_NULL, PKI_P_INT, PKI_P_TEXT, PKI_P_BLOB } pki_ptype;

typedef struct pki_param {
    pki_ptype t;
    int64_t i;
    const void *p; /* TEXT: NUL-terminated; BLOB: n bytes */
    size_t n;
} pki_param;

typedef struct pki_row pki_row;
typedef struct pki_row_ops {
    bool (*isnull)(const pki_row *r, int col);
    int64_t (*i64)(const pki_row *r, int col);
    /* text or bytes of a column; *n its length (text is NUL-terminated) */
    const void *(*bytes)(const pki_row *r, int col, size_t *n);
} pki_row_ops;
struct pki_row {
    const pki_row_ops *ops;
    void *impl;
    int row;
};

/* Called per result row; a status other than PK_OK stops the query. */
typedef pk_status (*pki_row_cb)(void *arg, const pki_row *r, char *err, size_t errlen);

typedef struct pki_rs_ops {
    const char *name;
    /* A statement; rows go to cb (NULLABLE), at most max_rows of them (0: no
     * limit). Constraint violations return PK_E_USAGE, corruption
     * PK_E_FORMAT, other failures PK_E_IO; err gets the database's words. */
    pk_status (*query)(void *db, const char *sql, const pki_param *p, size_t np, pki_row_cb cb,
                       void *arg, size_t max_rows, char *err, size_t errlen);
    /* BEGIN for a write: SQLite BEGIN IMMEDIATE (the database's write lock);
     * PostgreSQL BEGIN, the log-head row is then locked by lock_head_sql. */
    pk_status (*begin)(void *db, char *err, size_t errlen);
    pk_status (*commit)(void *db, char *err, size_t errlen);
    void (*rollback)(void *db);
    void (*close)(void *db);
    /* The DDL of the current schema, statements separated by ";\n". */
    const char *const *schema;
    /* Version 2 (CSAF tables, store_csaf*.c): run after schema on a new
     * database and alone on a version 1 one. */
    const char *const *schema_v2;
    const char *lock_head_sql;    /* reads the log size, locking the row */
    const char *migrate_lock_sql; /* NULLABLE: serialises schema creation */
} pki_rs_ops;

struct pk_rstore {
    const pki_rs_ops *ops;
    void *db;
    bool in_txn;
    bool in_read;       /* inside read_begin .. read_end */
    uint64_t txn_size;  /* the next index: the size read under the lock + pairs stored */
    uint64_t txn_pairs; /* records stored with their leaves in this transaction */
    bool txn_leaf;      /* put_leaf done for index txn_size */
    bool txn_record;    /* put_record done for index txn_size */
};

extern const pki_rs_ops pki_rs_sqlite;
extern const pki_rs_ops pki_rs_pg;
/* The version 2 DDL of each back end (store_csaf_schema.c). */
extern const char *const pki_csaf_sqlite_schema[];
extern const char *const pki_csaf_pg_schema[];

/* Driver constructors: open the connection and set it up (pragmas,
 * timeouts); the schema is applied by store.c. */
pk_status pki_rs_sqlite_open(const char *path, void **db, char *err, size_t errlen);
pk_status pki_rs_pg_open(const char *conninfo, void **db, char *err, size_t errlen);

/* Parameter builders. */
static inline pki_param pki_pi(int64_t v)
{
    return (pki_param){.t = PKI_P_INT, .i = v};
}
static inline pki_param pki_pt(const char *s)
{
    return s ? (pki_param){.t = PKI_P_TEXT, .p = s, .n = strlen(s)} : (pki_param){.t = PKI_P_NULL};
}
static inline pki_param pki_pb(const void *p, size_t n)
{
    return (pki_param){.t = PKI_P_BLOB, .p = p ? p : "", .n = n};
}

/* Results: one arena per result, found again by pk_rstore_free. */
void *pki_rs_result_new(size_t size, pki_arena **arena);
/* A column copied into the arena (text NUL-terminated; NULL for SQL NULL). */
char *pki_rs_col_text(pki_arena *a, const pki_row *r, int col);
pk_bytes pki_rs_col_blob(pki_arena *a, const pki_row *r, int col);

const char *pki_rs_kind_str(pk_rstore_kind k);
/* After put_record or put_leaf: once both halves of an index are stored,
 * the next pair takes the next index (store_log.c). */
void pki_rs_txn_advance(pk_rstore *s);
/* The id a record's leaf refers to (lab id, certificate id); NULL if none. */
const char *pki_rs_record_ref(const pk_rstore_record *rec);
int pki_rs_kind_parse(const char *s, pk_rstore_kind *out);
pk_status pki_rs_fail(char *err, size_t errlen, pk_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
