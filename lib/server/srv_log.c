/* parakhd: the log endpoints (checkpoint, proofs, leaves). Sizes are
 * bounded by the latest signed checkpoint, so a proof is always for a tree a
 * client can hold a signed root of. */
#include <stdio.h>
#include <string.h>

#include "srv_int.h"

/* The handle and the latest checkpoint, or false (rs filled). */
static bool open_log(pk_regsrv *s, pk_rstore **st, pk_rstore_checkpoint **cp,
                     pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    *cp = NULL;
    *st = pki_srv_store(s, e, sizeof e);
    if (!*st || pk_rstore_checkpoint_latest(*st, cp, e, sizeof e) != PK_OK || !*cp) {
        pki_srv_error(rs, 503, *st ? "the log has no signed checkpoint" : "the database failed");
        return false;
    }
    return true;
}

static json_t *proof_array(uint8_t (*p)[PK_TLOG_HASH_LEN], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        char hx[65];
        pki_srv_hex(p[i], 32, hx);
        if (json_array_append_new(a, json_string(hx)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

void pki_srv_log_checkpoint(pk_regsrv *s, pk_regsrv_response *rs)
{
    pk_rstore *st;
    pk_rstore_checkpoint *cp;
    if (!open_log(s, &st, &cp, rs))
        return;
    size_t n = strlen(cp->note);
    rs->body = pki_malloc(n + 1);
    if (rs->body) {
        memcpy(rs->body, cp->note, n + 1);
        rs->body_len = n;
        rs->status = 200;
        rs->content_type = "text/plain; charset=utf-8";
        rs->no_store = true;
    } else {
        pki_srv_error(rs, 500, "out of memory");
    }
    pk_rstore_free(cp);
}

void pki_srv_log_inclusion(pk_regsrv *s, uint64_t index, uint64_t size, pk_regsrv_response *rs)
{
    pk_rstore *st;
    pk_rstore_checkpoint *cp;
    if (!open_log(s, &st, &cp, rs))
        return;
    char e[PKI_SRV_ERRLEN];
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t n = 0;
    pk_rstore_leaf *l = NULL;
    pk_tlog_store ts = pk_rstore_tlog(st);
    if (index >= size || size > cp->size) {
        pki_srv_error(rs, 400, "need index < size <= %llu (the latest checkpoint)",
                      (unsigned long long)cp->size);
    } else if (pk_rstore_leaf_get(st, index, &l, e, sizeof e) != PK_OK || !l ||
               pk_tlog_prove_inclusion(&ts, index, size, proof, &n, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
    } else {
        char hx[65];
        pki_srv_hex(l->hash, 32, hx);
        pki_srv_json(rs, 200,
                     json_pack("{s:I,s:I,s:s,s:o}", "index", (json_int_t)index, "size",
                               (json_int_t)size, "leaf_hash", hx, "proof", proof_array(proof, n)));
    }
    pk_rstore_free(l);
    pk_rstore_free(cp);
}

void pki_srv_log_consistency(pk_regsrv *s, uint64_t from, uint64_t to, pk_regsrv_response *rs)
{
    pk_rstore *st;
    pk_rstore_checkpoint *cp;
    if (!open_log(s, &st, &cp, rs))
        return;
    char e[PKI_SRV_ERRLEN];
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t n = 0;
    pk_tlog_store ts = pk_rstore_tlog(st);
    if (from > to || to > cp->size)
        pki_srv_error(rs, 400, "need from <= to <= %llu (the latest checkpoint)",
                      (unsigned long long)cp->size);
    else if (pk_tlog_prove_consistency(&ts, from, to, proof, &n, e, sizeof e) != PK_OK)
        pki_srv_error(rs, 503, "the database failed");
    else
        pki_srv_json(rs, 200,
                     json_pack("{s:I,s:I,s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
                               "proof", proof_array(proof, n)));
    pk_rstore_free(cp);
}

void pki_srv_log_leaves(pk_regsrv *s, uint64_t start, uint64_t end, pk_regsrv_response *rs)
{
    pk_rstore *st;
    pk_rstore_checkpoint *cp;
    if (!open_log(s, &st, &cp, rs))
        return;
    if (start > end) {
        pki_srv_error(rs, 400, "need start <= end");
        pk_rstore_free(cp);
        return;
    }
    if (end > cp->size)
        end = cp->size;
    if (end > start && end - start > PK_REGSRV_MAX_LEAVES)
        end = start + PK_REGSRV_MAX_LEAVES;
    char e[PKI_SRV_ERRLEN];
    json_t *arr = json_array();
    bool ok = arr != NULL;
    for (uint64_t i = start; ok && i < end; i++) {
        pk_rstore_leaf *l = NULL;
        char *b = NULL;
        ok = pk_rstore_leaf_get(st, i, &l, e, sizeof e) == PK_OK && l &&
             (b = pki_srv_b64(l->data.ptr, l->data.len)) &&
             json_array_append_new(arr,
                                   json_pack("{s:I,s:s}", "index", (json_int_t)i, "leaf", b)) == 0;
        pki_free(b);
        pk_rstore_free(l);
    }
    if (ok)
        pki_srv_json(rs, 200, json_pack("{s:o}", "leaves", arr));
    else {
        json_decref(arr);
        pki_srv_error(rs, 503, "the database failed");
    }
    pk_rstore_free(cp);
}
