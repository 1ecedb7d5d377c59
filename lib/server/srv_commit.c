/* parakhd: group commit. One thread takes every queued append, stores them
 * in ONE transaction together with ONE signed checkpoint for the new size,
 * commits (one fsync for the whole group), then answers each request. A
 * record the database refuses is taken out and the rest retried, so one bad
 * record never costs the others their commit. An accreditation or
 * suspension ends its group: the trust store grows after it commits, and
 * certificates checked against the older trust are checked again. */
#include <stdio.h>
#include <string.h>

#include "srv_int.h"

void pki_srv_enqueue(pk_regsrv *s, pki_wjob *j)
{
    pthread_mutex_lock(&s->qlock);
    j->next = NULL;
    if (s->qtail)
        s->qtail->next = j;
    else
        s->qhead = j;
    s->qtail = j;
    pthread_cond_signal(&s->qcond);
    pthread_mutex_unlock(&s->qlock);
}

static void answer(pki_wjob *j)
{
    pk_regsrv_done_fn done = j->done;
    void *ctx = j->ctx;
    pki_wjob_free(j);
    if (done)
        done(ctx);
}

static void fail_job(pki_wjob *j, unsigned status, const char *msg)
{
    pki_srv_error(j->rs, status, "%s", msg);
    j->failed = true;
}

/* What a refused record means, asked outside the failed transaction. */
static void explain_refusal(pk_regsrv *s, pki_wjob *j, const char *dberr)
{
    char e[PKI_SRV_ERRLEN];
    if (j->kind == PK_RSTORE_CERTIFICATE) {
        pk_rstore_cert *c = NULL;
        if (pk_rstore_cert_by_id(s->wstore, j->r.cert.id, &c, e, sizeof e) == PK_OK && c) {
            pki_srv_error_extra(
                j->rs, 409,
                json_pack("{s:s,s:I}", "id", c->id, "log_index", (json_int_t)c->log_index),
                "this certificate is already registered");
            pk_rstore_free(c);
            j->failed = true;
            return;
        }
    } else if (j->kind == PK_RSTORE_REVOCATION) {
        pk_rstore_revocation *r = NULL;
        if (pk_rstore_revocation_get(s->wstore, j->r.revocation.cert_id, &r, e, sizeof e) ==
                PK_OK &&
            r) {
            pki_srv_error_extra(
                j->rs, 409,
                json_pack("{s:s,s:I}", "id", r->cert_id, "log_index", (json_int_t)r->log_index),
                "this certificate is already revoked");
            pk_rstore_free(r);
            j->failed = true;
            return;
        }
    }
    pki_srv_error(j->rs, 422, "the registry refused the record: %s", dberr);
    j->failed = true;
}

static const char *ref_of(const pki_wjob *j)
{
    switch (j->kind) {
    case PK_RSTORE_ACCREDITATION:
        return j->r.accreditation.lab_id;
    case PK_RSTORE_SUSPENSION:
        return j->r.suspension.lab_id;
    case PK_RSTORE_CERTIFICATE:
        return j->r.cert.id;
    default:
        return j->r.revocation.cert_id;
    }
}

/* Stores the live jobs of g[0..n) and a checkpoint in one transaction.
 * PK_OK: committed (indexes set, note in *note). PK_E_USAGE: job *bad was
 * refused (rolled back; nothing stored). Other: the database failed. */
static pk_status commit_group(pk_regsrv *s, pki_wjob **g, size_t n, uint64_t *first, char **note,
                              size_t *bad, char *err, size_t errlen)
{
    pk_rstore *st = s->wstore;
    uint64_t size;
    pk_status rc = pk_rstore_begin_append(st, &size, err, errlen);
    if (rc != PK_OK)
        return rc == PK_E_USAGE ? PK_E_IO : rc;
    *first = size;
    pk_tlog_store ts = pk_rstore_tlog(st);
    for (size_t i = 0; i < n; i++) {
        if (g[i]->failed)
            continue;
        pk_rstore_record rec = {.kind = g[i]->kind};
        switch (g[i]->kind) {
        case PK_RSTORE_ACCREDITATION:
            rec.u.accreditation = &g[i]->r.accreditation;
            break;
        case PK_RSTORE_SUSPENSION:
            rec.u.suspension = &g[i]->r.suspension;
            break;
        case PK_RSTORE_CERTIFICATE:
            rec.u.cert = &g[i]->r.cert;
            break;
        case PK_RSTORE_REVOCATION:
            rec.u.revocation = &g[i]->r.revocation;
            break;
        }
        uint8_t h[PK_TLOG_HASH_LEN];
        pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
        size_t count = 0;
        rc = pk_rstore_put_record(st, &rec, size, err, errlen);
        if (rc == PK_E_USAGE) {
            *bad = i;
            pk_rstore_rollback(st);
            return PK_E_USAGE;
        }
        pk_tlog_leaf_hash(g[i]->leaf, g[i]->leaf_len, h);
        if (rc == PK_OK)
            rc = pk_tlog_append(&ts, h, size, nodes, &count, err, errlen);
        if (rc == PK_OK)
            rc = pk_rstore_put_leaf(st, rec.kind, ref_of(g[i]), g[i]->leaf, g[i]->leaf_len, nodes,
                                    count, err, errlen);
        if (rc != PK_OK) {
            pk_rstore_rollback(st);
            if (rc == PK_E_USAGE) {
                *bad = i;
                return PK_E_USAGE;
            }
            return rc;
        }
        g[i]->index = size++;
    }
    /* The checkpoint commits with its leaves: a reader who sees a record
     * sees a signed checkpoint covering it. */
    uint8_t root[PK_TLOG_HASH_LEN];
    char text[PK_CHECKPOINT_TEXT_MAX];
    size_t tlen;
    rc = pk_tlog_root(&ts, size, root, err, errlen);
    if (rc == PK_OK)
        rc = pk_checkpoint_format(s->origin, size, root, text, sizeof text, &tlen, err, errlen);
    if (rc == PK_OK)
        rc = pk_note_sign(text, tlen, &s->signer, 1, note, NULL, err, errlen);
    if (rc == PK_OK && (rc = pk_rstore_put_checkpoint(st, size, *note, err, errlen)) != PK_OK) {
        pk_tlog_free(*note);
        *note = NULL;
    }
    if (rc == PK_OK && (rc = pk_rstore_commit(st, err, errlen)) != PK_OK) {
        pk_tlog_free(*note);
        *note = NULL;
        return rc == PK_E_USAGE ? PK_E_FORMAT : rc; /* a deferred check: not one record's */
    }
    if (rc != PK_OK)
        pk_rstore_rollback(st);
    return rc;
}

static void answer_ok(pki_wjob *j, const char *note)
{
    json_t *o;
    if (j->kind == PK_RSTORE_CERTIFICATE)
        o = json_pack("{s:s,s:s,s:I,s:s,s:s}", "id", j->resp_a, "certificate_id", j->resp_b,
                      "log_index", (json_int_t)j->index, "logged", j->logged, "checkpoint", note);
    else if (j->kind == PK_RSTORE_REVOCATION)
        o = json_pack("{s:s,s:I,s:s,s:s}", "id", j->resp_a, "log_index", (json_int_t)j->index,
                      "logged", j->logged, "checkpoint", note);
    else
        o = json_pack("{s:s,s:s,s:I,s:s,s:s}", "lab", j->resp_a, "key_id", j->resp_b, "log_index",
                      (json_int_t)j->index, "logged", j->logged, "checkpoint", note);
    pki_srv_json(j->rs, 201, o);
}

/* Certificates verified against an older trust store are checked again
 * (a suspension logged meanwhile must stop them), at their own time. */
static void recheck(pk_regsrv *s, pki_wjob **g, size_t n)
{
    pthread_rwlock_rdlock(&s->trust_lock);
    for (size_t i = 0; i < n; i++) {
        if (g[i]->failed || !g[i]->cert || g[i]->trust_gen == s->trust_gen)
            continue;
        pk_cert_result r;
        pk_cert_state cs =
            pk_cert_verify_logged(g[i]->cert, s->trust, NULL, g[i]->logged, g[i]->logged, &r);
        if (cs != PK_CERT_VALID) {
            pki_srv_error(g[i]->rs, 422, "the certificate does not verify: %s: %s",
                          pk_cert_state_str(cs), r.reason);
            g[i]->failed = true;
        }
    }
    pthread_rwlock_unlock(&s->trust_lock);
}

/* Commits one group (every job answered afterwards by the caller). */
static void run_group(pk_regsrv *s, pki_wjob **g, size_t n)
{
    char e[PKI_SRV_ERRLEN];
    recheck(s, g, n);
    for (;;) {
        size_t live = 0;
        for (size_t i = 0; i < n; i++)
            live += !g[i]->failed;
        if (!live)
            return;
        uint64_t first;
        char *note = NULL;
        size_t bad = 0;
        pk_status rc = commit_group(s, g, n, &first, &note, &bad, e, sizeof e);
        if (rc == PK_E_USAGE) {
            /* A copy of another write of this batch (the same certificate
             * twice, two revocations of one): answered once that one is in. */
            for (size_t i = 0; i < n && !g[bad]->dup_of; i++)
                if (i != bad && !g[i]->failed && g[i]->kind == g[bad]->kind &&
                    (g[i]->kind == PK_RSTORE_CERTIFICATE || g[i]->kind == PK_RSTORE_REVOCATION) &&
                    strcmp(ref_of(g[i]), ref_of(g[bad])) == 0)
                    g[bad]->dup_of = g[i];
            if (g[bad]->dup_of)
                g[bad]->failed = true;
            else
                explain_refusal(s, g[bad], e);
            continue; /* the others again, without it */
        }
        if (rc == PK_E_FORMAT && live > 1) {
            /* The commit itself refused the group: find the culprit alone. */
            for (size_t i = 0; i < n; i++)
                if (!g[i]->failed)
                    run_group(s, &g[i], 1);
            return;
        }
        if (rc != PK_OK) {
            for (size_t i = 0; i < n; i++)
                if (!g[i]->failed)
                    fail_job(g[i], rc == PK_E_FORMAT ? 422 : 503,
                             rc == PK_E_FORMAT ? "the registry refused the record"
                                               : "the database failed; nothing was stored");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (g[i]->failed)
                continue;
            answer_ok(g[i], note);
            g[i]->failed = true; /* answered: a retry above must skip it */
            if (g[i]->kind == PK_RSTORE_ACCREDITATION || g[i]->kind == PK_RSTORE_SUSPENSION) {
                const pk_bytes env = g[i]->kind == PK_RSTORE_ACCREDITATION
                                         ? g[i]->r.accreditation.envelope
                                         : g[i]->r.suspension.envelope;
                pthread_rwlock_wrlock(&s->trust_lock);
                if (pk_trust_add(s->trust, (const char *)env.ptr, env.len, e, sizeof e) != PK_OK)
                    fprintf(stderr, "parakhd: logged trust record not added: %s\n", e);
                s->trust_records++;
                s->trust_gen++;
                pthread_rwlock_unlock(&s->trust_lock);
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (g[i]->dup_of && !g[i]->rs->status) {
                pki_wjob *o = g[i]->dup_of;
                if (o->failed && o->rs->status == 201) /* answered: committed */
                    pki_srv_error_extra(
                        g[i]->rs, 409,
                        json_pack("{s:s,s:I}", "id", ref_of(o), "log_index", (json_int_t)o->index),
                        g[i]->kind == PK_RSTORE_CERTIFICATE
                            ? "this certificate is already registered"
                            : "this certificate is already revoked");
                else
                    fail_job(g[i], 503, "a copy of this write failed; try again");
            }
        }
        pk_tlog_free(note);
        return;
    }
}

/* Splits a batch so that each accreditation or suspension ends a group. */
static void run_batch(pk_regsrv *s, pki_wjob **b, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (i + 1 == n || b[i]->kind == PK_RSTORE_ACCREDITATION ||
            b[i]->kind == PK_RSTORE_SUSPENSION) {
            run_group(s, b + start, i + 1 - start);
            start = i + 1;
        }
    for (size_t i = 0; i < n; i++) {
        if (!b[i]->rs->status) /* a copy whose original failed with the group */
            fail_job(b[i], 503, "the database failed; nothing was stored");
        answer(b[i]);
    }
}

void *pki_srv_committer(void *arg)
{
    pk_regsrv *s = arg;
    pki_wjob **b = pki_calloc(s->max_batch, sizeof *b);
    for (;;) {
        pthread_mutex_lock(&s->qlock);
        while ((!s->qhead || s->paused) && !s->stopping)
            pthread_cond_wait(&s->qcond, &s->qlock);
        if (!s->qhead && s->stopping) {
            pthread_mutex_unlock(&s->qlock);
            break;
        }
        size_t n = 0;
        size_t cap = b ? s->max_batch : 1;
        pki_wjob *one[1];
        pki_wjob **dst = b ? b : one;
        while (s->qhead && n < cap) {
            dst[n++] = s->qhead;
            s->qhead = s->qhead->next;
        }
        if (!s->qhead)
            s->qtail = NULL;
        pthread_mutex_unlock(&s->qlock);
        run_batch(s, dst, n);
    }
    pki_free(b);
    return NULL;
}

pk_status pki_srv_checkpoint_init(pk_regsrv *s, char *err, size_t errlen)
{
    pk_rstore_checkpoint *cp = NULL;
    uint64_t size;
    pk_status rc = pk_rstore_tree_size(s->wstore, &size, err, errlen);
    if (rc == PK_OK)
        rc = pk_rstore_checkpoint_latest(s->wstore, &cp, err, errlen);
    pk_tlog_store ts = pk_rstore_tlog(s->wstore);
    uint8_t root[PK_TLOG_HASH_LEN];
    if (rc == PK_OK && cp) {
        /* The stored tree must still give the root the latest checkpoint
         * signed: a node edited in the database is refused here, before
         * anything is served or appended on top of it. */
        pk_note_verifier *v = NULL;
        pk_checkpoint c;
        rc = pk_note_verifier_new(s->vkey, &v, err, errlen);
        if (rc == PK_OK &&
            pk_checkpoint_open(cp->note, strlen(cp->note), NULL, &v, 1, &c, err, errlen) != PK_OK)
            rc = PK_E_FORMAT; /* err says why: not signed by this log's key */
        pk_note_verifier_free(v);
        if (rc == PK_OK && (rc = pk_tlog_root(&ts, c.size, root, err, errlen)) == PK_OK &&
            memcmp(root, c.root, PK_TLOG_HASH_LEN) != 0) {
            snprintf(err, errlen,
                     "the stored log does not give the root of its signed checkpoint of size "
                     "%llu: a leaf or node was changed in the database",
                     (unsigned long long)c.size);
            rc = PK_E_FORMAT;
        }
    }
    bool need = rc == PK_OK && (!cp || cp->size < size);
    pk_rstore_free(cp);
    if (!need)
        return rc;
    char text[PK_CHECKPOINT_TEXT_MAX], *note = NULL;
    size_t tlen;
    rc = pk_tlog_root(&ts, size, root, err, errlen);
    if (rc == PK_OK)
        rc = pk_checkpoint_format(s->origin, size, root, text, sizeof text, &tlen, err, errlen);
    if (rc == PK_OK)
        rc = pk_note_sign(text, tlen, &s->signer, 1, &note, NULL, err, errlen);
    if (rc == PK_OK)
        rc = pk_rstore_put_checkpoint(s->wstore, size, note, err, errlen);
    pk_tlog_free(note);
    return rc;
}
