/* The verifier: believes the server only as far as the signed log proves
 * it. Order (docs/certificate.md, "Registry client"): the checkpoint's
 * signature, consistency with the kept checkpoint, every inclusion proof,
 * every leaf parsed, then the certificate judged from the logged records. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert_int.h"
#include "regclient_int.h"

void pki_rc_inconsistent(pk_rc_verdict *v, const char *fmt, ...)
{
    v->state = PK_CERT_LOG_INCONSISTENT;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
}

void pk_rc_verdict_clear(pk_rc_verdict *v)
{
    if (!v)
        return;
    pk_cert_free(v->cert);
    memset(v, 0, sizeof *v);
}

/* Revocation and supersession count only for a certificate that is itself
 * authentic (VALID or EXPIRED); revoked before superseded, as the server. */
static pk_cert_state judge_one(pki_rc_cand *c, const pk_trust *t, const uint8_t *sha,
                               const char *date, int64_t asof, pk_cert_result *r, char *extra,
                               size_t cap)
{
    pk_cert_state s = pk_cert_verify_logged(c->leaf->cert, t, sha, date, c->leaf->logged, r);
    extra[0] = 0;
    if (s != PK_CERT_VALID && s != PK_CERT_EXPIRED)
        return s;
    int64_t eff = 0;
    if (c->rev && pki_cert_time_parse(c->rev->date, false, &eff) == 0 && eff <= asof) {
        snprintf(r->reason, sizeof r->reason, "revoked on %s by %s %.120s: %.250s", c->rev->date,
                 c->rev->by_role, c->rev->by_name, c->rev->reason);
        return r->state = PK_CERT_REVOKED;
    }
    if (c->sup) {
        snprintf(r->reason, sizeof r->reason, "superseded by certificate %s (logged %s)",
                 c->sup->id, c->sup->logged);
        snprintf(extra, cap, "%s", c->sup->id);
        return r->state = PK_CERT_SUPERSEDED;
    }
    return s;
}

void pki_rc_judge(pki_rc_cand *c, size_t n, const pk_trust *t, const uint8_t *sha, const char *date,
                  pk_rc_verdict *v)
{
    int64_t asof = pki_cert_now();
    if (date && pki_cert_time_parse(date, false, &asof) != 0)
        asof = pki_cert_now(); /* pk_cert_verify_logged reports the bad date */
    size_t pick = n;
    pk_cert_state best = PK_CERT_NOT_CERTIFIED;
    pk_cert_result r, keep;
    char sup[65] = "", keepsup[65] = "";
    memset(&keep, 0, sizeof keep);
    for (size_t i = 0; i < n; i++) {
        pk_cert_state s = judge_one(&c[i], t, sha, date, asof, &r, sup, sizeof sup);
        if (s == PK_CERT_NOT_CERTIFIED && pick != n)
            continue;
        if (pick == n || best == PK_CERT_NOT_CERTIFIED || s == PK_CERT_VALID) {
            pick = i, best = s, keep = r;
            memcpy(keepsup, sup, sizeof sup);
        }
        if (s == PK_CERT_VALID)
            break;
    }
    v->state = best;
    if (pick == n) {
        snprintf(v->reason, sizeof v->reason, "no certificate in the log names this file");
        return;
    }
    snprintf(v->reason, sizeof v->reason, "%s", keep.reason);
    if (best == PK_CERT_NOT_CERTIFIED)
        return; /* the certificates found name other files */
    pki_rc_leaf *l = c[pick].leaf;
    v->cert = l->cert;
    l->cert = NULL;
    v->subject = keep.subject;
    memcpy(v->id, l->id, sizeof v->id);
    memcpy(v->logged, l->logged, sizeof v->logged);
    v->log_index = c[pick].index;
    memcpy(v->superseded_by, keepsup, sizeof keepsup);
    if (best == PK_CERT_REVOKED) {
        const pki_rc_leaf *rv = c[pick].rev;
        snprintf(v->revoked_date, sizeof v->revoked_date, "%s", rv->date);
        snprintf(v->revoked_reason, sizeof v->revoked_reason, "%s", rv->reason);
        snprintf(v->revoked_by, sizeof v->revoked_by, "%s %s", rv->by_role, rv->by_name);
    }
}

/* ---- the kept checkpoint ---- */

static void state_name(pk_note_verifier *log, char out[32])
{
    snprintf(out, 32, "checkpoint.%08x", (unsigned)pk_note_verifier_id(log));
}

pk_status pki_rc_state_load(const char *dir, pk_note_verifier *log, pk_checkpoint *cp, bool *have,
                            char *err, size_t errlen)
{
    char name[32], path[4096 + 64];
    state_name(log, name);
    *have = false;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return PK_OK;
        pki_rc_err(err, errlen, "%s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    struct stat sb;
    char *buf = NULL;
    ssize_t got = -1;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        sb.st_size <= PK_NOTE_MAX_LEN && (buf = pki_malloc((size_t)sb.st_size + 1)))
        got = read(fd, buf, (size_t)sb.st_size);
    close(fd);
    if (got != (ssize_t)sb.st_size) {
        pki_free(buf);
        pki_rc_err(err, errlen, "%s: not a readable checkpoint of at most %u bytes", path,
                   PK_NOTE_MAX_LEN);
        return PK_E_IO;
    }
    char e[256] = "";
    pk_status st = pk_checkpoint_open(buf, (size_t)got, NULL, &log, 1, cp, e, sizeof e);
    pki_free(buf);
    if (st != PK_OK) {
        pki_rc_err(err, errlen, "%s: the kept checkpoint does not verify: %s", path, e);
        return PK_E_IO;
    }
    *have = true;
    return PK_OK;
}

pk_status pki_rc_write_file(int dirfd, const char *name, const void *b, size_t len, bool sync,
                            char *err, size_t errlen)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        pki_rc_err(err, errlen, "%s: %s", name, strerror(errno));
        return PK_E_IO;
    }
    const char *p = b;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w, left -= (size_t)w;
    }
    int bad = left != 0 || (sync && fsync(fd) != 0);
    if (close(fd) != 0 || bad) {
        pki_rc_err(err, errlen, "%s: cannot write: %s", name, strerror(errno));
        unlinkat(dirfd, name, 0);
        return PK_E_IO;
    }
    return PK_OK;
}

pk_status pki_rc_state_save(const char *dir, pk_note_verifier *log, const char *note, size_t len,
                            char *err, size_t errlen)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        pki_rc_err(err, errlen, "%s: %s", dir, strerror(errno));
        return PK_E_IO;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        pki_rc_err(err, errlen, "%s: %s", dir, strerror(errno));
        return PK_E_IO;
    }
    char name[32], tmp[64];
    state_name(log, name);
    uint8_t rnd[32];
    char hex[13];
    pki_cert_sha256(note, len, rnd); /* a name nobody else uses right now */
    for (size_t i = 0; i < 6; i++)
        rnd[i] ^= (uint8_t)(getpid() >> (i % 4 * 8));
    pki_hex(rnd, 6, hex);
    snprintf(tmp, sizeof tmp, "%s.tmp-%s", name, hex);
    unlinkat(dfd, tmp, 0);
    pk_status st = pki_rc_write_file(dfd, tmp, note, len, true, err, errlen);
    if (st == PK_OK && renameat(dfd, tmp, dfd, name) != 0) {
        pki_rc_err(err, errlen, "%s/%s: %s", dir, name, strerror(errno));
        unlinkat(dfd, tmp, 0);
        st = PK_E_IO;
    }
    if (st == PK_OK)
        fsync(dfd);
    close(dfd);
    return st;
}

/* ---- the online answer ---- */

static bool proved_ok(const pki_rc_proved *p, const pk_checkpoint *cp, const char *what,
                      pk_rc_verdict *v)
{
    uint8_t h[PK_TLOG_HASH_LEN];
    char e[256] = "";
    pk_tlog_leaf_hash(p->leaf, p->len, h);
    if (pk_tlog_verify_inclusion(h, p->index, cp->size,
                                 (const uint8_t(*)[PK_TLOG_HASH_LEN])p->proof, p->plen, cp->root, e,
                                 sizeof e) == PK_OK)
        return true;
    pki_rc_inconsistent(
        v, "the inclusion proof of %s at log index %llu in the checkpoint of size %llu fails: %s",
        what, (unsigned long long)p->index, (unsigned long long)cp->size, e);
    return false;
}

static bool leaf_ok(const pki_rc_proved *p, int kind, pki_rc_leaf *l, const char *what,
                    pk_rc_verdict *v)
{
    char e[300] = "";
    if (pki_rc_leaf_parse(p->leaf, p->len, l, e, sizeof e) != PK_OK) {
        pki_rc_inconsistent(v, "%s at log index %llu: %s", what, (unsigned long long)p->index, e);
        return false;
    }
    bool ok =
        kind == PKI_RC_ACCR ? (l->kind == PKI_RC_ACCR || l->kind == PKI_RC_SUSP) : l->kind == kind;
    if (!ok)
        pki_rc_inconsistent(v, "%s at log index %llu is a leaf of another kind", what,
                            (unsigned long long)p->index);
    return ok;
}

/* Checks everything the answer claims against cp; fills cands. */
static bool answer_ok(const pki_rc_answer *a, const pk_checkpoint *cp, pki_rc_leaf *lv,
                      pki_rc_cand *cands, pk_trust *t, pk_rc_verdict *v)
{
    for (size_t i = 0; i < a->n; i++) {
        const pki_rc_entry *e = &a->e[i];
        pki_rc_leaf *cl = &lv[3 * i], *rl = cl + 1, *sl = cl + 2;
        char what[96];
        snprintf(what, sizeof what, "the certificate leaf of certificates[%zu]", i);
        if (!proved_ok(&e->cert, cp, what, v) || !leaf_ok(&e->cert, PKI_RC_CERT, cl, what, v))
            return false;
        if (strcmp(cl->id, e->id) != 0) {
            pki_rc_inconsistent(v, "%s at log index %llu holds another certificate than \"id\"",
                                what, (unsigned long long)e->cert.index);
            return false;
        }
        cands[i] = (pki_rc_cand){.leaf = cl, .index = e->cert.index};
        snprintf(what, sizeof what, "the revocation leaf of certificates[%zu]", i);
        if (e->rev.leaf) {
            if (!proved_ok(&e->rev, cp, what, v) || !leaf_ok(&e->rev, PKI_RC_REVOKE, rl, what, v))
                return false;
            if (strcmp(rl->id, cl->id) != 0) {
                pki_rc_inconsistent(v, "%s at log index %llu revokes another certificate", what,
                                    (unsigned long long)e->rev.index);
                return false;
            }
            cands[i].rev = rl;
        }
        snprintf(what, sizeof what, "the superseded_by leaf of certificates[%zu]", i);
        if (e->sup.leaf) {
            if (!proved_ok(&e->sup, cp, what, v) || !leaf_ok(&e->sup, PKI_RC_CERT, sl, what, v))
                return false;
            if (strcmp(sl->supersedes, cl->id) != 0 || strcmp(sl->lab, cl->lab) != 0) {
                pki_rc_inconsistent(v,
                                    "%s at log index %llu does not supersede this certificate "
                                    "of this lab",
                                    what, (unsigned long long)e->sup.index);
                return false;
            }
            cands[i].sup = sl;
        }
    }
    for (size_t i = 0; i < a->nlabs; i++) {
        char what[48];
        pki_rc_leaf l;
        snprintf(what, sizeof what, "the lab leaf labs[%zu]", i);
        if (!proved_ok(&a->labs[i], cp, what, v) || !leaf_ok(&a->labs[i], PKI_RC_ACCR, &l, what, v))
            return false;
        /* a record the root did not sign is left out: it cannot be trusted,
         * and the answer then says what is missing (NOT ACCREDITED) */
        pk_trust_add(t, l.envelope, l.envlen, NULL, 0);
        pki_rc_leaf_clear(&l);
    }
    return true;
}

pk_status pk_rc_verify_answer(const pk_rc_check *in, const char *answer, size_t len,
                              pk_rc_verdict *v, char *err, size_t errlen)
{
    if (!in || !in->root || !in->log || !in->sha256 || !answer || !v ||
        (in->state_dir && !in->consistency))
        return PK_E_MISUSE;
    memset(v, 0, sizeof *v);
    pki_rc_answer a;
    char e[512] = "";
    if (pki_rc_answer_parse(answer, len, &a, e, sizeof e) != PK_OK) {
        pki_rc_inconsistent(v, "the server's answer is malformed: %s", e);
        return PK_OK;
    }
    pk_checkpoint cp, old;
    bool have = false;
    pk_status st = PK_OK;
    pk_note_verifier *log = in->log;
    if (pk_checkpoint_open(a.checkpoint, a.cplen, NULL, &log, 1, &cp, e, sizeof e) != PK_OK) {
        pki_rc_inconsistent(v, "the answer's checkpoint is not signed by the pinned log key: %s",
                            e);
        goto out;
    }
    v->checkpoint_size = cp.size;
    if (in->state_dir && (st = pki_rc_state_load(in->state_dir, log, &old, &have, err, errlen)))
        goto out;
    if (have) {
        uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
        size_t plen = 0;
        if (old.size < cp.size &&
            (st = in->consistency(in->ctx, old.size, cp.size, proof, &plen, e, sizeof e))) {
            if (st == PK_E_FORMAT) { /* a malformed proof is a failed one */
                pki_rc_inconsistent(v,
                                    "the consistency proof from the kept checkpoint (size "
                                    "%llu) to size %llu: %s",
                                    (unsigned long long)old.size, (unsigned long long)cp.size, e);
                st = PK_OK;
            } else {
                pki_rc_err(err, errlen, "%s", e);
            }
            goto out;
        }
        if (pk_checkpoint_check_update(&old, &cp, (const uint8_t(*)[PK_TLOG_HASH_LEN])proof, plen,
                                       e, sizeof e) != PK_OK) {
            pki_rc_inconsistent(v,
                                "the log is not consistent with the checkpoint kept in %s "
                                "(size %llu), now size %llu: %s",
                                in->state_dir, (unsigned long long)old.size,
                                (unsigned long long)cp.size, e);
            goto out;
        }
    }
    pki_rc_leaf *lv = pki_calloc(3 * a.n + 1, sizeof *lv);
    pki_rc_cand *cands = pki_calloc(a.n + 1, sizeof *cands);
    pk_trust *t = NULL;
    if (!lv || !cands || pk_trust_new(in->root, &t) != PK_OK)
        st = PK_E_NOMEM;
    else if (answer_ok(&a, &cp, lv, cands, t, v)) {
        if (in->state_dir)
            st = pki_rc_state_save(in->state_dir, log, a.checkpoint, a.cplen, err, errlen);
        if (st == PK_OK) {
            pki_rc_judge(cands, a.n, t, in->sha256, in->date, v);
            v->checkpoint_size = cp.size;
        }
    }
    for (size_t i = 0; lv && i < 3 * a.n; i++)
        pki_rc_leaf_clear(&lv[i]);
    pki_free(lv);
    pki_free(cands);
    pk_trust_free(t);
out:
    pki_rc_answer_clear(&a);
    return st;
}
