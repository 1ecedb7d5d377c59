/* The registry store (lib/registry/): one conformance suite run against
 * SQLite (a temporary file) and, when PK_RSTORE_PG holds a libpq URI (set by
 * tests/integration/registry_store.py, which starts a throwaway cluster),
 * against PostgreSQL. Every record type stored and looked up; log indexes
 * consecutive and the stored nodes giving the same root as an in-memory log;
 * a failed transaction leaving nothing; two handles appending from two
 * threads with no collision and no gap; a newer schema refused; tokens by
 * hash; bounded lookups; a corrupt SQLite file named in a precise error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/store_int.h"

static char url[512]; /* the store under test, fresh per test */
static char tmpdir[256];
static bool on_pg;
static char err[512];

static pk_rstore *open_store(void)
{
    pk_rstore *s = NULL;
    pk_status st = pk_rstore_open(url, &s, err, sizeof err);
    if (st != PK_OK)
        fail_msg("open %s: %s", on_pg ? "postgresql" : url, err);
    return s;
}

/* Statements the API deliberately lacks (tampering, schema games). */
static void raw(pk_rstore *s, const char *sql)
{
    pk_status st = s->ops->query(s->db, sql, NULL, 0, NULL, NULL, 0, err, sizeof err);
    if (st != PK_OK)
        fail_msg("%s: %s", sql, err);
}

static int fresh(void **state)
{
    (void)state;
    static unsigned n;
    if (!on_pg) {
        snprintf(url, sizeof url, "sqlite:%s/r%u.sqlite", tmpdir, ++n);
        return 0;
    }
    /* Straight through libpq: the last test may have left a schema the
     * store refuses to open. */
    PGconn *c = PQconnectdb(url);
    PGresult *r = PQexec(c, "SET client_min_messages = warning; DROP SCHEMA public CASCADE;"
                            " CREATE SCHEMA public");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "reset: %s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* ---- fixtures ---- */

static void sha_of(unsigned seed, uint8_t out[32])
{
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(seed * 31u + (unsigned)i * 7u);
}

static pk_status add_accr(pk_rstore *s, const char *lab, const char *key, uint64_t *idx)
{
    pk_rstore_accreditation a = {lab,
                                 key,
                                 {(const uint8_t *)"PUBKEY32", 8},
                                 {(const uint8_t *)"{\"accr\":1}", 10},
                                 "2026-01-01",
                                 "2028-01-01",
                                 "active",
                                 0};
    pk_rstore_record r = {.kind = PK_RSTORE_ACCREDITATION, .u.accreditation = &a};
    return pk_rstore_append(s, &r, a.envelope.ptr, a.envelope.len, idx, err, sizeof err);
}

static pk_status add_cert(pk_rstore *s, const char *id, const char *purl, unsigned seed,
                          const char *supersedes, uint64_t *idx)
{
    pk_rstore_subject sub[2];
    sha_of(seed, sub[0].sha256);
    sub[0].name = "vendor.zip";
    sha_of(seed + 1000, sub[1].sha256);
    sub[1].name = "usr/bin/tool";
    char env[128];
    snprintf(env, sizeof env, "{\"payload\":\"%s\"}", id);
    pk_rstore_cert c = {.id = id,
                        .envelope = {(const uint8_t *)env, strlen(env)},
                        .lab_id = "LAB-ISB-01",
                        .issued = "2026-11-01",
                        .expires = "2027-11-01",
                        .product = "Tool",
                        .vendor = "ACME",
                        .version = "1.0",
                        .purl = purl,
                        .cpe = "cpe:2.3:a:acme:tool:1.0:*:*:*:*:*:*:*",
                        .profile = "pss-baseline@1",
                        .verdict = "APPROVE",
                        .supersedes = supersedes,
                        .subjects = sub,
                        .nsubjects = 2};
    pk_rstore_record r = {.kind = PK_RSTORE_CERTIFICATE, .u.cert = &c};
    return pk_rstore_append(s, &r, c.envelope.ptr, c.envelope.len, idx, err, sizeof err);
}

static uint64_t size_of(pk_rstore *s)
{
    uint64_t n = 0;
    assert_int_equal(pk_rstore_tree_size(s, &n, err, sizeof err), PK_OK);
    return n;
}

/* The stored nodes give the root an in-memory log of the same leaves has. */
static void check_root(pk_rstore *s)
{
    uint64_t n = size_of(s);
    pk_tlog_mem *m;
    assert_int_equal(pk_tlog_mem_new(&m), PK_OK);
    for (uint64_t i = 0; i < n; i++) {
        pk_rstore_leaf *l;
        assert_int_equal(pk_rstore_leaf_get(s, i, &l, err, sizeof err), PK_OK);
        assert_non_null(l);
        assert_int_equal(l->index, i);
        uint8_t h[32];
        pk_tlog_leaf_hash(l->data.ptr, l->data.len, h);
        assert_memory_equal(h, l->hash, 32);
        assert_int_equal(pk_tlog_mem_append(m, h, NULL), PK_OK);
        pk_rstore_free(l);
    }
    uint8_t want[32], got[32];
    pk_tlog_store ms = pk_tlog_mem_store(m), ss = pk_rstore_tlog(s);
    assert_int_equal(pk_tlog_root(&ms, n, want, err, sizeof err), PK_OK);
    assert_int_equal(pk_tlog_root(&ss, n, got, err, sizeof err), PK_OK);
    assert_memory_equal(want, got, 32);
    pk_tlog_mem_free(m);
}

/* ---- the suite ---- */

static void t_records(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    assert_string_equal(pk_rstore_backend(s), on_pg ? "postgresql" : "sqlite");
    uint64_t idx;
    assert_int_equal(add_accr(s, "LAB-ISB-01", "k1", &idx), PK_OK);
    assert_int_equal(idx, 0);

    pk_rstore_suspension u = {"LAB-NONE", "2026-12-01", "audit", {(const uint8_t *)"{}", 2}, 0};
    pk_rstore_record r = {.kind = PK_RSTORE_SUSPENSION, .u.suspension = &u};
    assert_int_equal(pk_rstore_append(s, &r, (const uint8_t *)"{}", 2, NULL, err, sizeof err),
                     PK_E_USAGE);
    assert_non_null(strstr(err, "unknown lab 'LAB-NONE'"));
    u.lab_id = "LAB-ISB-01";
    assert_int_equal(pk_rstore_append(s, &r, (const uint8_t *)"{}", 2, &idx, err, sizeof err),
                     PK_OK);
    assert_int_equal(idx, 1);

    pk_rstore_labs *labs;
    assert_int_equal(pk_rstore_lab(s, "LAB-ISB-01", &labs, err, sizeof err), PK_OK);
    assert_non_null(labs);
    assert_int_equal(labs->count, 1);
    assert_string_equal(labs->items[0].key_id, "k1");
    assert_int_equal(labs->items[0].public_key.len, 8);
    assert_memory_equal(labs->items[0].public_key.ptr, "PUBKEY32", 8);
    assert_string_equal(labs->items[0].valid_until, "2028-01-01");
    assert_int_equal(labs->nsuspensions, 1);
    assert_string_equal(labs->suspensions[0].from_date, "2026-12-01");
    assert_int_equal(labs->suspensions[0].log_index, 1);
    pk_rstore_free(labs);
    assert_int_equal(pk_rstore_lab(s, "LAB-NONE", &labs, err, sizeof err), PK_OK);
    assert_null(labs);
    pk_rstore_accreditation *a;
    assert_int_equal(pk_rstore_lab_by_key(s, "k1", &a, err, sizeof err), PK_OK);
    assert_non_null(a);
    assert_string_equal(a->lab_id, "LAB-ISB-01");
    assert_string_equal(a->state, "active");
    pk_rstore_free(a);

    assert_int_equal(add_cert(s, "C1", "pkg:generic/acme/tool@1.0", 1, NULL, &idx), PK_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(add_cert(s, "C2", "pkg:generic/acme/tool@1.1", 2, "C1", &idx), PK_OK);
    uint8_t h[32];
    sha_of(1001, h); /* C1's inner executable */
    pk_rstore_certs *cs;
    assert_int_equal(pk_rstore_certs_by_sha256(s, h, &cs, err, sizeof err), PK_OK);
    assert_non_null(cs);
    assert_int_equal(cs->count, 1);
    assert_false(cs->truncated);
    const pk_rstore_cert *c = &cs->items[0];
    assert_string_equal(c->id, "C1");
    assert_string_equal(c->superseded_by, "C2");
    assert_null(c->supersedes);
    assert_string_equal(c->cpe, "cpe:2.3:a:acme:tool:1.0:*:*:*:*:*:*:*");
    assert_string_equal(c->verdict, "APPROVE");
    assert_int_equal(c->nsubjects, 2);
    assert_int_equal(c->log_index, 2);
    assert_memory_equal(c->envelope.ptr, "{\"payload\":\"C1\"}", c->envelope.len);
    pk_rstore_free(cs);
    assert_int_equal(pk_rstore_certs_by_purl(s, "pkg:generic/acme/tool@1.1", &cs, err, sizeof err),
                     PK_OK);
    assert_non_null(cs);
    assert_string_equal(cs->items[0].id, "C2");
    assert_string_equal(cs->items[0].supersedes, "C1");
    assert_null(cs->items[0].superseded_by);
    pk_rstore_free(cs);
    pk_rstore_cert *one;
    assert_int_equal(pk_rstore_cert_by_id(s, "C2", &one, err, sizeof err), PK_OK);
    assert_non_null(one);
    assert_string_equal(one->product, "Tool");
    assert_int_equal(one->nsubjects, 2);
    pk_rstore_free(one);
    assert_int_equal(pk_rstore_cert_by_id(s, "C9", &one, err, sizeof err), PK_OK);
    assert_null(one);
    sha_of(77, h);
    assert_int_equal(pk_rstore_certs_by_sha256(s, h, &cs, err, sizeof err), PK_OK);
    assert_null(cs);

    pk_rstore_revocation v = {"C1",
                              "key compromise",
                              "2026-11-20",
                              PK_ROLE_NATIONAL,
                              "CERT national",
                              {(const uint8_t *)"{\"rev\":1}", 9},
                              0};
    r = (pk_rstore_record){.kind = PK_RSTORE_REVOCATION, .u.revocation = &v};
    assert_int_equal(pk_rstore_append(s, &r, v.record.ptr, v.record.len, &idx, err, sizeof err),
                     PK_OK);
    assert_int_equal(idx, 4);
    assert_int_equal(pk_rstore_append(s, &r, v.record.ptr, v.record.len, NULL, err, sizeof err),
                     PK_E_USAGE);
    assert_non_null(strstr(err, "revocation of 'C1' refused"));
    v.cert_id = "C404";
    assert_int_equal(pk_rstore_append(s, &r, v.record.ptr, v.record.len, NULL, err, sizeof err),
                     PK_E_USAGE);
    pk_rstore_revocation *got;
    assert_int_equal(pk_rstore_revocation_get(s, "C1", &got, err, sizeof err), PK_OK);
    assert_non_null(got);
    assert_string_equal(got->reason, "key compromise");
    assert_int_equal(got->by_role, PK_ROLE_NATIONAL);
    assert_string_equal(got->by_name, "CERT national");
    assert_int_equal(got->log_index, 4);
    pk_rstore_free(got);
    assert_int_equal(pk_rstore_revocation_get(s, "C2", &got, err, sizeof err), PK_OK);
    assert_null(got);

    /* The leaves say what they log. */
    assert_int_equal(size_of(s), 5);
    static const pk_rstore_kind kinds[] = {PK_RSTORE_ACCREDITATION, PK_RSTORE_SUSPENSION,
                                           PK_RSTORE_CERTIFICATE, PK_RSTORE_CERTIFICATE,
                                           PK_RSTORE_REVOCATION};
    static const char *const refs[] = {"LAB-ISB-01", "LAB-ISB-01", "C1", "C2", "C1"};
    for (unsigned i = 0; i < 5; i++) {
        pk_rstore_leaf *l;
        assert_int_equal(pk_rstore_leaf_get(s, i, &l, err, sizeof err), PK_OK);
        assert_non_null(l);
        assert_int_equal(l->kind, kinds[i]);
        assert_string_equal(l->ref_id, refs[i]);
        pk_rstore_free(l);
    }
    pk_rstore_leaf *l;
    assert_int_equal(pk_rstore_leaf_get(s, 5, &l, err, sizeof err), PK_OK);
    assert_null(l);
    check_root(s);
    pk_rstore_close(s);
}

static void t_log(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    assert_int_equal(size_of(s), 0);
    pk_rstore_checkpoint *cp;
    assert_int_equal(pk_rstore_checkpoint_latest(s, &cp, err, sizeof err), PK_OK);
    assert_null(cp);
    assert_int_equal(add_accr(s, "LAB-ISB-01", "k1", NULL), PK_OK);
    for (unsigned i = 1; i < 21; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%u", i);
        uint64_t idx = 0;
        assert_int_equal(add_cert(s, id, NULL, i, NULL, &idx), PK_OK);
        assert_int_equal(idx, i);
    }
    assert_int_equal(size_of(s), 21);
    check_root(s);
    uint8_t h[32];
    assert_int_equal(pk_rstore_node(s, 4, 0, h, err, sizeof err), PK_OK);       /* leaves 0..15 */
    assert_int_equal(pk_rstore_node(s, 4, 1, h, err, sizeof err), PK_E_FORMAT); /* 16..31 */
    assert_non_null(strstr(err, "log node (4, 1) missing"));

    assert_int_equal(pk_rstore_put_checkpoint(s, 22, "origin\n22\nx\n", err, sizeof err),
                     PK_E_USAGE);
    assert_non_null(strstr(err, "checkpoint of 22 leaves, the log has 21"));
    assert_int_equal(pk_rstore_put_checkpoint(s, 20, "origin\n20\n", err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_put_checkpoint(s, 21, "origin\n21\n", err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_put_checkpoint(s, 21, "other\n21\n", err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_checkpoint_latest(s, &cp, err, sizeof err), PK_OK);
    assert_non_null(cp);
    assert_int_equal(cp->size, 21);
    assert_string_equal(cp->note, "origin\n21\n"); /* the first of a size is kept */
    pk_rstore_free(cp);
    pk_rstore_close(s);
}

static void t_failed_txn(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    assert_int_equal(add_accr(s, "LAB-ISB-01", "k1", NULL), PK_OK);
    assert_int_equal(add_cert(s, "C1", NULL, 1, NULL, NULL), PK_OK);
    /* A duplicate id, then an unknown superseded certificate: refused, and
     * neither leaf, node, head nor subject of them stays behind. */
    assert_int_equal(add_cert(s, "C1", NULL, 50, NULL, NULL), PK_E_USAGE);
    assert_non_null(strstr(err, "certificate 'C1' refused"));
    assert_int_equal(add_cert(s, "C3", NULL, 60, "C-NONE", NULL), PK_E_USAGE);
    assert_int_equal(size_of(s), 2);
    pk_rstore_leaf *l;
    assert_int_equal(pk_rstore_leaf_get(s, 2, &l, err, sizeof err), PK_OK);
    assert_null(l);
    uint8_t h[32];
    assert_int_equal(pk_rstore_node(s, 0, 2, h, err, sizeof err), PK_E_FORMAT);
    pk_rstore_certs *cs;
    sha_of(50, h);
    assert_int_equal(pk_rstore_certs_by_sha256(s, h, &cs, err, sizeof err), PK_OK);
    assert_null(cs);
    sha_of(60, h);
    assert_int_equal(pk_rstore_certs_by_sha256(s, h, &cs, err, sizeof err), PK_OK);
    assert_null(cs);

    /* The step API: nodes that are not what pk_tlog_append makes are
     * refused; a rollback leaves nothing; a commit needs record and leaf. */
    uint64_t n;
    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_E_MISUSE);
    pk_rstore_accreditation a = {
        "LAB-2", "k2", {(const uint8_t *)"K", 1}, {(const uint8_t *)"E", 1}, "a", "b", "active", 0};
    pk_rstore_record r = {.kind = PK_RSTORE_ACCREDITATION, .u.accreditation = &a};
    assert_int_equal(pk_rstore_put_record(s, &r, 3, err, sizeof err), PK_E_MISUSE);
    assert_int_equal(pk_rstore_put_record(s, &r, 2, err, sizeof err), PK_OK);
    pk_tlog_node nodes[2] = {{0, 2, {0}}, {1, 1, {0}}};
    pk_tlog_leaf_hash((const uint8_t *)"E", 1, nodes[0].hash);
    assert_int_equal(pk_rstore_put_leaf(s, PK_RSTORE_ACCREDITATION, "LAB-2", (const uint8_t *)"E",
                                        1, nodes, 2, err, sizeof err),
                     PK_E_USAGE); /* leaf 2 completes no parent */
    assert_non_null(strstr(err, "leaf 2 completes 1 nodes, 2 given"));
    assert_int_equal(pk_rstore_commit(s, err, sizeof err), PK_E_MISUSE);
    assert_int_equal(size_of(s), 2);
    pk_rstore_labs *labs;
    assert_int_equal(pk_rstore_lab(s, "LAB-2", &labs, err, sizeof err), PK_OK);
    assert_null(labs);

    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_put_record(s, &r, n, err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_put_leaf(s, PK_RSTORE_ACCREDITATION, "LAB-2", (const uint8_t *)"E",
                                        1, nodes, 1, err, sizeof err),
                     PK_OK);
    assert_int_equal(pk_rstore_commit(s, err, sizeof err), PK_OK);
    assert_int_equal(size_of(s), 3);
    check_root(s);
    pk_rstore_close(s);
}

/* One record and its leaf inside an open append transaction. */
static pk_status put_pair(pk_rstore *s, const pk_rstore_cert *c, uint64_t idx)
{
    pk_rstore_record r = {.kind = PK_RSTORE_CERTIFICATE, .u.cert = c};
    pk_status st = pk_rstore_put_record(s, &r, idx, err, sizeof err);
    if (st != PK_OK)
        return st;
    uint8_t h[32];
    pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
    size_t count;
    pk_tlog_leaf_hash(c->envelope.ptr, c->envelope.len, h);
    pk_tlog_store ts = pk_rstore_tlog(s);
    st = pk_tlog_append(&ts, h, idx, nodes, &count, err, sizeof err);
    return st != PK_OK ? st
                       : pk_rstore_put_leaf(s, PK_RSTORE_CERTIFICATE, c->id, c->envelope.ptr,
                                            c->envelope.len, nodes, count, err, sizeof err);
}

/* Group commit (parakhd): several records, leaves and the checkpoint of the
 * new size in one transaction; a refused record leaves nothing of it. */
static void t_batch(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    assert_int_equal(add_accr(s, "LAB-ISB-01", "k1", NULL), PK_OK);
    pk_rstore_subject sub = {{1}, "vendor.zip"};
    char ids[5][8];
    pk_rstore_cert c[5];
    for (int i = 0; i < 5; i++) {
        snprintf(ids[i], sizeof ids[i], "B%d", i);
        c[i] = (pk_rstore_cert){.id = ids[i],
                                .envelope = {(const uint8_t *)ids[i], 2},
                                .lab_id = "LAB-ISB-01",
                                .issued = "2026-11-01",
                                .expires = "2027-11-01",
                                .product = "P",
                                .vendor = "V",
                                .version = "1",
                                .profile = "p",
                                .verdict = "APPROVE",
                                .subjects = &sub,
                                .nsubjects = 1};
    }
    uint64_t n;
    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_OK);
    assert_int_equal(n, 1);
    for (int i = 0; i < 5; i++) {
        pk_rstore_record r = {.kind = PK_RSTORE_CERTIFICATE, .u.cert = &c[i]};
        assert_int_equal(pk_rstore_put_record(s, &r, n + i + 1, err, sizeof err), PK_E_MISUSE);
        assert_int_equal(put_pair(s, &c[i], n + i), PK_OK);
    }
    assert_int_equal(pk_rstore_put_checkpoint(s, 6, "origin\n6\n", err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_commit(s, err, sizeof err), PK_OK);
    assert_int_equal(size_of(s), 6);
    check_root(s);
    pk_rstore_checkpoint *cp;
    assert_int_equal(pk_rstore_checkpoint_latest(s, &cp, err, sizeof err), PK_OK);
    assert_int_equal(cp->size, 6);
    pk_rstore_free(cp);

    /* B5 then a duplicate B0: refused, rolled back, B5 gone with it. */
    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_OK);
    pk_rstore_cert b5 = c[1];
    b5.id = "B5";
    pk_rstore_record r = {.kind = PK_RSTORE_CERTIFICATE, .u.cert = &b5};
    assert_int_equal(pk_rstore_put_record(s, &r, n, err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_put_record(s, &r, n, err, sizeof err), PK_E_MISUSE); /* twice */
    pk_rstore_rollback(s);
    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_OK);
    assert_int_equal(put_pair(s, &b5, n), PK_OK);
    assert_int_equal(put_pair(s, &c[0], n + 1), PK_E_USAGE);
    assert_non_null(strstr(err, "certificate 'B0' refused"));
    pk_rstore_rollback(s);
    assert_int_equal(size_of(s), 6);
    pk_rstore_cert *got;
    assert_int_equal(pk_rstore_cert_by_id(s, "B5", &got, err, sizeof err), PK_OK);
    assert_null(got);
    /* A read snapshot; no append inside it. */
    assert_int_equal(pk_rstore_read_begin(s, err, sizeof err), PK_OK);
    assert_int_equal(size_of(s), 6);
    assert_int_equal(pk_rstore_begin_append(s, &n, err, sizeof err), PK_E_MISUSE);
    pk_rstore_read_end(s);
    assert_int_equal(add_accr(s, "LAB-2", "k2", NULL), PK_OK);
    pk_rstore_labs *all;
    assert_int_equal(pk_rstore_labs_all(s, &all, err, sizeof err), PK_OK);
    assert_true(all->count == 2 && strcmp(all->items[0].lab_id, "LAB-2") == 0); /* newest 1st */
    pk_rstore_free(all);
    pk_rstore_close(s);
}

#define PER_THREAD 40

struct worker {
    uint64_t idx[PER_THREAD];
    unsigned base;
    pk_status st;
    char err[512];
};

static void *append_loop(void *arg)
{
    struct worker *w = arg;
    pk_rstore *s = NULL;
    w->st = pk_rstore_open(url, &s, w->err, sizeof w->err);
    for (unsigned i = 0; w->st == PK_OK && i < PER_THREAD; i++) {
        char id[16], env[32];
        snprintf(id, sizeof id, "T%u", w->base + i);
        snprintf(env, sizeof env, "env-%s", id);
        pk_rstore_subject sub = {{0}, "f"};
        sha_of(w->base + i, sub.sha256);
        pk_rstore_cert c = {.id = id,
                            .envelope = {(const uint8_t *)env, strlen(env)},
                            .lab_id = "L",
                            .issued = "i",
                            .expires = "e",
                            .product = "p",
                            .vendor = "v",
                            .version = "1",
                            .profile = "p",
                            .verdict = "APPROVE",
                            .subjects = &sub,
                            .nsubjects = 1};
        pk_rstore_record r = {.kind = PK_RSTORE_CERTIFICATE, .u.cert = &c};
        w->st = pk_rstore_append(s, &r, c.envelope.ptr, c.envelope.len, &w->idx[i], w->err,
                                 sizeof w->err);
    }
    pk_rstore_close(s);
    return NULL;
}

static void t_concurrent(void **state)
{
    (void)state;
    pk_rstore *s = open_store(); /* the schema exists before the race */
    struct worker w[2] = {{.base = 1000}, {.base = 2000}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, append_loop, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        if (w[i].st != PK_OK)
            fail_msg("worker %d: %s", i, w[i].err);
    bool seen[2 * PER_THREAD] = {false};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < PER_THREAD; j++) {
            assert_true(w[i].idx[j] < 2 * PER_THREAD);
            assert_false(seen[w[i].idx[j]]);
            seen[w[i].idx[j]] = true;
            if (j)
                assert_true(w[i].idx[j] > w[i].idx[j - 1]);
        }
    assert_int_equal(size_of(s), 2 * PER_THREAD); /* no gap, no collision */
    check_root(s);
    pk_rstore_close(s);
}

static void t_schema_version(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    pk_rstore_close(s);
    s = open_store(); /* reopening the current version migrates nothing */
    raw(s, "UPDATE schema_version SET version = 99");
    pk_rstore_close(s);
    assert_int_equal(pk_rstore_open(url, &s, err, sizeof err), PK_E_FORMAT);
    assert_null(s);
    assert_non_null(strstr(err, "registry schema version 99 is newer than this parakh's (2)"));
}

static void t_tokens(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    pk_rstore_token t = {
        .id = "t1", .role = PK_ROLE_NATIONAL, .name = "cert-nat", .created = "2026-11-26"};
    sha_of(1, t.secret_sha256);
    assert_int_equal(pk_rstore_token_add(s, &t, err, sizeof err), PK_OK);
    pk_rstore_token u = t;
    u.id = "t2";
    u.role = PK_ROLE_LAB; /* without a lab id */
    sha_of(2, u.secret_sha256);
    assert_int_equal(pk_rstore_token_add(s, &u, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "a lab token needs a lab id"));
    u.lab_id = "LAB-ISB-01";
    assert_int_equal(pk_rstore_token_add(s, &u, err, sizeof err), PK_OK);
    pk_rstore_token d = u;
    d.id = "t3"; /* the same secret twice */
    assert_int_equal(pk_rstore_token_add(s, &d, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "token 't3' refused"));

    pk_rstore_token *got;
    uint8_t h[32];
    sha_of(2, h);
    assert_int_equal(pk_rstore_token_by_hash(s, h, &got, err, sizeof err), PK_OK);
    assert_non_null(got);
    assert_string_equal(got->id, "t2");
    assert_int_equal(got->role, PK_ROLE_LAB);
    assert_string_equal(got->lab_id, "LAB-ISB-01");
    assert_null(got->revoked);
    pk_rstore_free(got);
    sha_of(3, h);
    assert_int_equal(pk_rstore_token_by_hash(s, h, &got, err, sizeof err), PK_OK);
    assert_null(got);

    assert_int_equal(pk_rstore_token_revoke(s, "t1", "2026-11-27", err, sizeof err), PK_OK);
    assert_int_equal(pk_rstore_token_revoke(s, "t1", "2026-11-28", err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "token 't1' is already revoked"));
    assert_int_equal(pk_rstore_token_revoke(s, "t9", "2026-11-28", err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "no token 't9'"));
    sha_of(1, h);
    assert_int_equal(pk_rstore_token_by_hash(s, h, &got, err, sizeof err), PK_OK);
    assert_non_null(got);
    assert_string_equal(got->revoked, "2026-11-27");
    assert_null(got->lab_id);
    pk_rstore_free(got);
    pk_rstore_close(s);
}

static void t_bounded(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    /* 101 certificates of one purl: the lookup gives the newest 100. */
    for (unsigned i = 0; i <= PK_RSTORE_MAX_ROWS; i++) {
        char id[16];
        snprintf(id, sizeof id, "B%u", i);
        assert_int_equal(add_cert(s, id, "pkg:generic/many@1", 500 + i, NULL, NULL), PK_OK);
    }
    pk_rstore_certs *cs;
    assert_int_equal(pk_rstore_certs_by_purl(s, "pkg:generic/many@1", &cs, err, sizeof err), PK_OK);
    assert_non_null(cs);
    assert_int_equal(cs->count, PK_RSTORE_MAX_ROWS);
    assert_true(cs->truncated);
    assert_string_equal(cs->items[0].id, "B100");
    assert_int_equal(cs->items[0].log_index, PK_RSTORE_MAX_ROWS);
    pk_rstore_free(cs);
    pk_rstore_close(s);
}

static void t_bad_input(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    pk_rstore_subject sub = {{0}, "f"};
    pk_rstore_cert c = {.id = "X",
                        .envelope = {(const uint8_t *)"e", 1},
                        .lab_id = "L",
                        .issued = "i",
                        .expires = "e",
                        .product = "",
                        .vendor = "v",
                        .version = "1",
                        .profile = "p",
                        .verdict = "v",
                        .subjects = &sub,
                        .nsubjects = 1};
    pk_rstore_record r = {.kind = PK_RSTORE_CERTIFICATE, .u.cert = &c};
    assert_int_equal(pk_rstore_append(s, &r, (const uint8_t *)"e", 1, NULL, err, sizeof err),
                     PK_E_USAGE);
    assert_string_equal(err, "registry store: product is empty");
    c.product = "p";
    c.nsubjects = 0;
    assert_int_equal(pk_rstore_append(s, &r, (const uint8_t *)"e", 1, NULL, err, sizeof err),
                     PK_E_USAGE);
    assert_non_null(strstr(err, "has 0 subjects"));
    /* Quotes and SQL in values are data: they are bound, never spliced. */
    c.nsubjects = 1;
    c.id = "X'); DROP TABLE certificates; --";
    assert_int_equal(pk_rstore_append(s, &r, (const uint8_t *)"e", 1, NULL, err, sizeof err),
                     PK_OK);
    pk_rstore_cert *one;
    assert_int_equal(pk_rstore_cert_by_id(s, c.id, &one, err, sizeof err), PK_OK);
    assert_non_null(one);
    assert_string_equal(one->id, c.id);
    pk_rstore_free(one);
    assert_int_equal(size_of(s), 1);
    /* PostgreSQL text must be UTF-8: refused as bad input, nothing stored. */
    c.id = "Y";
    c.product = "\xff\xfe";
    pk_status want = on_pg ? PK_E_USAGE : PK_OK;
    assert_int_equal(pk_rstore_append(s, &r, (const uint8_t *)"e", 1, NULL, err, sizeof err), want);
    assert_int_equal(size_of(s), on_pg ? 1 : 2);
    pk_rstore_close(s);
}

/* Every allocation of a lookup failing in turn: PK_E_NOMEM or the full
 * answer, never a crash or a leak (the sanitized run checks leaks). */
static void t_oom(void **state)
{
    (void)state;
    pk_rstore *s = open_store();
    assert_int_equal(add_accr(s, "LAB-ISB-01", "k1", NULL), PK_OK);
    assert_int_equal(add_cert(s, "C1", "pkg:generic/a@1", 1, NULL, NULL), PK_OK);
    uint8_t h[32];
    sha_of(1, h);
    unsigned ok = 0;
    for (unsigned long n = 1; n < 40; n++) {
        pk_rstore_cert *c = NULL;
        pk_rstore_certs *cs = NULL;
        pk_rstore_labs *l = NULL;
        pk_rstore_accreditation *a = NULL;
        pki_alloc_fail_after(n);
        pk_status s1 = pk_rstore_cert_by_id(s, "C1", &c, err, sizeof err);
        pk_status s2 = pk_rstore_certs_by_sha256(s, h, &cs, err, sizeof err);
        pk_status s3 = pk_rstore_lab(s, "LAB-ISB-01", &l, err, sizeof err);
        pk_status s4 = pk_rstore_lab_by_key(s, "k1", &a, err, sizeof err);
        pki_alloc_fail_after(0);
        pk_status all[] = {s1, s2, s3, s4};
        void *res[] = {c, cs, l, a};
        for (int i = 0; i < 4; i++) {
            assert_true(all[i] == PK_OK || all[i] == PK_E_NOMEM);
            assert_true((all[i] == PK_OK) == (res[i] != NULL));
            pk_rstore_free(res[i]);
        }
        ok += s1 == PK_OK && s2 == PK_OK && s3 == PK_OK && s4 == PK_OK;
    }
    assert_true(ok > 0); /* enough allocations let all four through */
    pk_rstore_close(s);
}

/* SQLite only: files that are not a registry. */
static void t_sqlite_files(void **state)
{
    (void)state;
    char path[300], u[320];
    snprintf(path, sizeof path, "%s/garbage.sqlite", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 4096; i++)
        fputc((i * 37) & 0xff, f);
    fclose(f);
    snprintf(u, sizeof u, "sqlite:%s", path);
    pk_rstore *s = NULL;
    assert_int_equal(pk_rstore_open(u, &s, err, sizeof err), PK_E_FORMAT);
    assert_null(s);
    char want[400];
    snprintf(want, sizeof want,
             "%s: not a registry database (corrupt or not SQLite: file is not a database)", path);
    assert_string_equal(err, want);

    /* A registry whose pages after the first are overwritten: the header
     * still reads, the damage is reported where it is met. */
    snprintf(path, sizeof path, "%s/damaged.sqlite", tmpdir);
    snprintf(u, sizeof u, "sqlite:%s", path);
    snprintf(url, sizeof url, "%s", u);
    s = open_store();
    assert_int_equal(add_accr(s, "LAB-ISB-01", "k1", NULL), PK_OK);
    for (unsigned i = 0; i < 30; i++) {
        char id[16];
        snprintf(id, sizeof id, "D%u", i);
        assert_int_equal(add_cert(s, id, "pkg:generic/d@1", i, NULL, NULL), PK_OK);
    }
    pk_rstore_close(s);
    f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 4096, SEEK_SET), 0);
    for (int i = 0; i < 8 * 4096; i++)
        fputc((i * 91 + 7) & 0xff, f);
    fclose(f);
    pk_status st = pk_rstore_open(u, &s, err, sizeof err);
    if (st == PK_OK) {
        pk_rstore_certs *cs = NULL;
        st = pk_rstore_certs_by_purl(s, "pkg:generic/d@1", &cs, err, sizeof err);
        pk_rstore_free(cs);
        pk_rstore_close(s);
    }
    assert_int_equal(st, PK_E_FORMAT);
    print_message("damaged registry: %s\n", err);
    assert_non_null(strstr(err, "malformed"));
    assert_non_null(strstr(err, "damaged.sqlite"));

    assert_int_equal(pk_rstore_open(tmpdir, &s, err, sizeof err), PK_E_IO);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(pk_rstore_open("mysql://x/y", &s, err, sizeof err), PK_E_USAGE);
    assert_non_null(strstr(err, "unknown scheme"));
    assert_int_equal(pk_rstore_open("sqlite:", &s, err, sizeof err), PK_E_USAGE);
}

static int setup_sqlite(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/pk-rstore-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_sqlite(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest suite[] = {
        cmocka_unit_test_setup(t_records, fresh),
        cmocka_unit_test_setup(t_log, fresh),
        cmocka_unit_test_setup(t_failed_txn, fresh),
        cmocka_unit_test_setup(t_batch, fresh),
        cmocka_unit_test_setup(t_concurrent, fresh),
        cmocka_unit_test_setup(t_schema_version, fresh),
        cmocka_unit_test_setup(t_tokens, fresh),
        cmocka_unit_test_setup(t_bounded, fresh),
        cmocka_unit_test_setup(t_bad_input, fresh),
        cmocka_unit_test_setup(t_oom, fresh),
    };
    const struct CMUnitTest sqlite_only[] = {cmocka_unit_test(t_sqlite_files)};
    int fails = cmocka_run_group_tests_name("registry_store_sqlite", suite, setup_sqlite, NULL);
    fails += cmocka_run_group_tests_name("registry_store_sqlite_files", sqlite_only, NULL,
                                         teardown_sqlite);
    const char *pg = getenv("PK_RSTORE_PG");
    if (!pg || !*pg) {
        printf("registry_store: PostgreSQL skipped (PK_RSTORE_PG unset; "
               "tests/integration/registry_store.py runs this suite on a throwaway cluster)\n");
        return fails;
    }
    snprintf(url, sizeof url, "%s", pg);
    on_pg = true;
    printf("registry_store: the suite on PostgreSQL\n");
    fflush(stdout);
    fails += cmocka_run_group_tests_name("registry_store_postgresql", suite, NULL, NULL);
    return fails;
}
