/* The registry's log in the store: the append transaction (lock, record,
 * leaf, nodes, head), the tlog store over the nodes table, and checkpoints.
 * Nothing here updates or deletes a leaf, node or checkpoint. */
#include <stdio.h>

#include "store_int.h"

static pk_status row_u64(void *arg, const pki_row *r, char *err, size_t errlen)
{
    int64_t v = r->ops->i64(r, 0);
    if (v < 0)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: negative log size %lld",
                           (long long)v);
    *(uint64_t *)arg = (uint64_t)v;
    return PK_OK;
}

PK_API pk_status pk_rstore_begin_append(pk_rstore *s, uint64_t *size, char *err, size_t errlen)
{
    if (!s || !size || s->in_txn || s->in_read)
        return pki_rs_fail(err, errlen, PK_E_MISUSE,
                           "registry store: begin_append inside a transaction");
    pk_status st = s->ops->begin(s->db, err, errlen);
    if (st != PK_OK)
        return st;
    uint64_t n = UINT64_MAX;
    st = s->ops->query(s->db, s->ops->lock_head_sql, NULL, 0, row_u64, &n, 1, err, errlen);
    if (st == PK_OK && n == UINT64_MAX)
        st = pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: the log head row is missing");
    if (st != PK_OK) {
        s->ops->rollback(s->db);
        return st;
    }
    s->in_txn = true;
    s->txn_size = n;
    s->txn_pairs = 0;
    s->txn_leaf = s->txn_record = false;
    *size = n;
    return PK_OK;
}

/* The nodes pk_tlog_append completes for leaf n: the leaf, then one parent
 * per trailing 1 bit of n (those subtrees become perfect). */
static pk_status check_nodes(uint64_t n, const uint8_t hash[PK_TLOG_HASH_LEN],
                             const pk_tlog_node *nodes, size_t count, char *err, size_t errlen)
{
    size_t want = 1;
    for (uint64_t m = n; m & 1; m >>= 1)
        want++;
    if (!nodes || count != want)
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: leaf %llu completes %zu nodes, %zu given",
                           (unsigned long long)n, want, count);
    if (nodes[0].level != 0 || nodes[0].index != n ||
        memcmp(nodes[0].hash, hash, PK_TLOG_HASH_LEN) != 0)
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: the first node is not leaf %llu's hash",
                           (unsigned long long)n);
    for (size_t i = 1; i < count; i++)
        if (nodes[i].level != i || nodes[i].index != n >> i)
            return pki_rs_fail(err, errlen, PK_E_USAGE,
                               "registry store: node %zu is (%u, %llu), expected (%zu, %llu)", i,
                               nodes[i].level, (unsigned long long)nodes[i].index, i,
                               (unsigned long long)(n >> i));
    return PK_OK;
}

PK_API pk_status pk_rstore_put_leaf(pk_rstore *s, pk_rstore_kind kind, const char *ref_id,
                                    const uint8_t *leaf, size_t len, const pk_tlog_node *nodes,
                                    size_t count, char *err, size_t errlen)
{
    if (!s || !s->in_txn || s->txn_leaf)
        return pki_rs_fail(err, errlen, PK_E_MISUSE,
                           "registry store: put_leaf outside begin_append, or twice");
    const char *k = pki_rs_kind_str(kind);
    if (!k || !ref_id || !*ref_id || strnlen(ref_id, PK_RSTORE_MAX_TEXT + 1) > PK_RSTORE_MAX_TEXT)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: invalid leaf kind or id");
    if (!leaf || !len || len > PK_RSTORE_MAX_BLOB)
        return pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: leaf of %zu bytes (1..%u)",
                           len, PK_RSTORE_MAX_BLOB);
    uint64_t n = s->txn_size;
    uint8_t hash[PK_TLOG_HASH_LEN];
    pk_tlog_leaf_hash(leaf, len, hash);
    pk_status st = check_nodes(n, hash, nodes, count, err, errlen);
    if (st != PK_OK)
        return st;
    pki_param p[] = {pki_pi((int64_t)n), pki_pt(k), pki_pt(ref_id), pki_pb(leaf, len),
                     pki_pb(hash, sizeof hash)};
    st = s->ops->query(
        s->db, "INSERT INTO log_leaves (idx, kind, ref_id, data, hash) VALUES (?, ?, ?, ?, ?)", p,
        5, NULL, NULL, 0, err, errlen);
    for (size_t i = 0; st == PK_OK && i < count; i++) {
        pki_param q[] = {pki_pi(nodes[i].level), pki_pi((int64_t)nodes[i].index),
                         pki_pb(nodes[i].hash, PK_TLOG_HASH_LEN)};
        st = s->ops->query(s->db, "INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)", q, 3,
                           NULL, NULL, 0, err, errlen);
    }
    pki_param h[] = {pki_pi((int64_t)n + 1), pki_pi((int64_t)n)};
    if (st == PK_OK)
        st = s->ops->query(s->db, "UPDATE log_head SET size = ? WHERE id = 1 AND size = ?", h, 2,
                           NULL, NULL, 0, err, errlen);
    if (st == PK_OK)
        s->txn_leaf = true;
    pki_rs_txn_advance(s);
    return st;
}

/* Both halves of index txn_size are stored: the next pair takes the next
 * index. */
void pki_rs_txn_advance(pk_rstore *s)
{
    if (s->txn_leaf && s->txn_record) {
        s->txn_size++;
        s->txn_pairs++;
        s->txn_leaf = s->txn_record = false;
    }
}

PK_API pk_status pk_rstore_commit(pk_rstore *s, char *err, size_t errlen)
{
    if (!s || !s->in_txn)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: commit without begin");
    if (s->txn_leaf || s->txn_record || s->txn_pairs == 0) {
        /* A record must be in the log and a leaf must have its record. */
        pk_rstore_rollback(s);
        return pki_rs_fail(err, errlen, PK_E_MISUSE,
                           "registry store: commit needs both a record and its leaf; rolled back");
    }
    pk_status st = s->ops->commit(s->db, err, errlen);
    if (st != PK_OK)
        s->ops->rollback(s->db);
    s->in_txn = false;
    return st;
}

PK_API void pk_rstore_rollback(pk_rstore *s)
{
    if (!s)
        return;
    s->ops->rollback(s->db);
    s->in_txn = false;
}

static pk_status tlog_get(void *ctx, unsigned level, uint64_t index, uint8_t out[PK_TLOG_HASH_LEN],
                          char *err, size_t errlen)
{
    return pk_rstore_node(ctx, level, index, out, err, errlen);
}

PK_API pk_tlog_store pk_rstore_tlog(pk_rstore *s)
{
    return (pk_tlog_store){.ctx = s, .get_node = tlog_get};
}

PK_API pk_status pk_rstore_append(pk_rstore *s, const pk_rstore_record *rec, const uint8_t *leaf,
                                  size_t len, uint64_t *index, char *err, size_t errlen)
{
    if (!s || !rec || !pki_rs_record_ref(rec))
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: append without a record");
    uint64_t n;
    pk_status st = pk_rstore_begin_append(s, &n, err, errlen);
    if (st != PK_OK)
        return st;
    pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
    size_t count = 0;
    uint8_t hash[PK_TLOG_HASH_LEN];
    st = pk_rstore_put_record(s, rec, n, err, errlen);
    if (st == PK_OK && (!leaf || !len || len > PK_RSTORE_MAX_BLOB))
        st = pki_rs_fail(err, errlen, PK_E_USAGE, "registry store: leaf of %zu bytes (1..%u)", len,
                         PK_RSTORE_MAX_BLOB);
    if (st == PK_OK) {
        pk_tlog_leaf_hash(leaf, len, hash);
        pk_tlog_store ts = pk_rstore_tlog(s);
        st = pk_tlog_append(&ts, hash, n, nodes, &count, err, errlen);
    }
    if (st == PK_OK)
        st = pk_rstore_put_leaf(s, rec->kind, pki_rs_record_ref(rec), leaf, len, nodes, count, err,
                                errlen);
    if (st == PK_OK)
        st = pk_rstore_commit(s, err, errlen);
    else
        pk_rstore_rollback(s);
    if (st == PK_OK && index)
        *index = n;
    return st;
}

PK_API pk_status pk_rstore_read_begin(pk_rstore *s, char *err, size_t errlen)
{
    if (!s || s->in_txn || s->in_read)
        return pki_rs_fail(err, errlen, PK_E_MISUSE,
                           "registry store: read_begin inside a"
                           " transaction");
    /* SQLite: BEGIN is deferred; the first SELECT takes the snapshot. */
    pk_status st = s->ops->query(s->db,
                                 strcmp(s->ops->name, "postgresql") == 0
                                     ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                     : "BEGIN",
                                 NULL, 0, NULL, NULL, 0, err, errlen);
    if (st == PK_OK)
        s->in_read = true;
    return st;
}

PK_API void pk_rstore_read_end(pk_rstore *s)
{
    if (!s || !s->in_read)
        return;
    s->ops->rollback(s->db); /* nothing was written: ending the snapshot is enough */
    s->in_read = false;
}

/* ---- reading the log ---- */

PK_API pk_status pk_rstore_tree_size(pk_rstore *s, uint64_t *size, char *err, size_t errlen)
{
    if (!s || !size)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle");
    *size = UINT64_MAX;
    pk_status st = s->ops->query(s->db, "SELECT size FROM log_head WHERE id = 1", NULL, 0, row_u64,
                                 size, 1, err, errlen);
    if (st == PK_OK && *size == UINT64_MAX)
        st = pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: the log head row is missing");
    return st;
}

static pk_status row_hash(void *arg, const pki_row *r, char *err, size_t errlen)
{
    size_t n;
    const void *p = r->ops->bytes(r, 0, &n);
    if (n != PK_TLOG_HASH_LEN)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: a stored hash has %zu bytes",
                           n);
    memcpy(arg, p, PK_TLOG_HASH_LEN);
    *((bool *)((uint8_t *)arg + PK_TLOG_HASH_LEN)) = true;
    return PK_OK;
}

PK_API pk_status pk_rstore_node(pk_rstore *s, unsigned level, uint64_t index,
                                uint8_t out[PK_TLOG_HASH_LEN], char *err, size_t errlen)
{
    if (!s || !out || level > 63 || index > INT64_MAX)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: node out of range");
    struct {
        uint8_t h[PK_TLOG_HASH_LEN];
        bool found;
    } r = {{0}, false};
    pki_param p[] = {pki_pi(level), pki_pi((int64_t)index)};
    pk_status st = s->ops->query(s->db, "SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", p,
                                 2, row_hash, &r, 1, err, errlen);
    if (st != PK_OK)
        return st;
    if (!r.found)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: log node (%u, %llu) missing",
                           level, (unsigned long long)index);
    memcpy(out, r.h, PK_TLOG_HASH_LEN);
    return PK_OK;
}

struct leaf_ctx {
    pki_arena *a;
    pk_rstore_leaf *l;
    bool found;
};

static pk_status row_leaf(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct leaf_ctx *c = arg;
    c->l->index = (uint64_t)r->ops->i64(r, 0);
    size_t n;
    const char *kind = r->ops->bytes(r, 1, &n);
    char k[32];
    snprintf(k, sizeof k, "%.*s", (int)(n < 31 ? n : 31), kind);
    if (pki_rs_kind_parse(k, &c->l->kind) != 0)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: leaf of unknown kind '%s'",
                           k);
    c->l->ref_id = pki_rs_col_text(c->a, r, 2);
    c->l->data = pki_rs_col_blob(c->a, r, 3);
    const void *h = r->ops->bytes(r, 4, &n);
    if (n != PK_TLOG_HASH_LEN)
        return pki_rs_fail(err, errlen, PK_E_FORMAT, "registry store: leaf hash of %zu bytes", n);
    memcpy(c->l->hash, h, PK_TLOG_HASH_LEN);
    if (!c->l->ref_id || !c->l->data.ptr)
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory");
    c->found = true;
    return PK_OK;
}

PK_API pk_status pk_rstore_leaf_get(pk_rstore *s, uint64_t index, pk_rstore_leaf **out, char *err,
                                    size_t errlen)
{
    if (!s || !out || index > INT64_MAX)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: leaf out of range");
    *out = NULL;
    struct leaf_ctx c = {0};
    c.l = pki_rs_result_new(sizeof *c.l, &c.a);
    if (!c.l)
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory");
    pki_param p = pki_pi((int64_t)index);
    pk_status st =
        s->ops->query(s->db, "SELECT idx, kind, ref_id, data, hash FROM log_leaves WHERE idx = ?",
                      &p, 1, row_leaf, &c, 1, err, errlen);
    if (st != PK_OK || !c.found)
        pk_rstore_free(c.l);
    else
        *out = c.l;
    return st;
}

PK_API pk_status pk_rstore_put_checkpoint(pk_rstore *s, uint64_t size, const char *note, char *err,
                                          size_t errlen)
{
    if (!s || !note)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no checkpoint");
    if (!*note || strnlen(note, PK_NOTE_MAX_LEN + 1) > PK_NOTE_MAX_LEN)
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: checkpoint note of 1..%u bytes", PK_NOTE_MAX_LEN);
    uint64_t n;
    pk_status st = pk_rstore_tree_size(s, &n, err, errlen);
    if (st != PK_OK)
        return st;
    if (size > n)
        return pki_rs_fail(err, errlen, PK_E_USAGE,
                           "registry store: checkpoint of %llu leaves, the log has %llu",
                           (unsigned long long)size, (unsigned long long)n);
    pki_param p[] = {pki_pi((int64_t)size), pki_pt(note)};
    return s->ops->query(s->db,
                         "INSERT INTO checkpoints (size, note) VALUES (?, ?)"
                         " ON CONFLICT (size) DO NOTHING",
                         p, 2, NULL, NULL, 0, err, errlen);
}

struct cp_ctx {
    pki_arena *a;
    pk_rstore_checkpoint *c;
    bool found;
};

static pk_status row_cp(void *arg, const pki_row *r, char *err, size_t errlen)
{
    struct cp_ctx *c = arg;
    c->c->size = (uint64_t)r->ops->i64(r, 0);
    c->c->note = pki_rs_col_text(c->a, r, 1);
    if (!c->c->note)
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory");
    c->found = true;
    return PK_OK;
}

PK_API pk_status pk_rstore_checkpoint_latest(pk_rstore *s, pk_rstore_checkpoint **out, char *err,
                                             size_t errlen)
{
    if (!s || !out)
        return pki_rs_fail(err, errlen, PK_E_MISUSE, "registry store: no handle");
    *out = NULL;
    struct cp_ctx c = {0};
    c.c = pki_rs_result_new(sizeof *c.c, &c.a);
    if (!c.c)
        return pki_rs_fail(err, errlen, PK_E_NOMEM, "registry store: out of memory");
    pk_status st =
        s->ops->query(s->db, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", NULL,
                      0, row_cp, &c, 1, err, errlen);
    if (st != PK_OK || !c.found)
        pk_rstore_free(c.c);
    else
        *out = c.c;
    return st;
}
