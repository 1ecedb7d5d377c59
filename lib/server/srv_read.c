/* parakhd: lookups. Every answer is read in one snapshot of the database
 * (pk_rstore_read_begin) with the latest signed checkpoint read first, so
 * every inclusion proof in it is for that checkpoint's size: a client checks
 * every claim against one signed root. The server adds its own verdict per
 * certificate (pk_cert_verify_logged, then revocation, then supersession). */
#include <stdio.h>
#include <string.h>

#include "cert/cert_int.h"
#include "srv_int.h"

typedef struct rctx {
    pk_regsrv *s;
    pk_rstore *st;
    pk_rstore_checkpoint *cp;
    pk_rstore_role role; /* the caller's: which advisories an entry lists */
    char now[32];
    char e[PKI_SRV_ERRLEN];
} rctx;

static bool begin(pk_regsrv *s, rctx *r, pk_regsrv_response *rs)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    pki_srv_now(s, r->now);
    r->st = pki_srv_store(s, r->e, sizeof r->e);
    if (!r->st || pk_rstore_read_begin(r->st, r->e, sizeof r->e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return false;
    }
    if (pk_rstore_checkpoint_latest(r->st, &r->cp, r->e, sizeof r->e) != PK_OK || !r->cp) {
        pk_rstore_read_end(r->st);
        pki_srv_error(rs, 503, "the log has no signed checkpoint");
        return false;
    }
    return true;
}

static void end(rctx *r)
{
    pk_rstore_read_end(r->st);
    pk_rstore_free(r->cp);
}

/* {"log_index", "leaf", "inclusion"} members into o for leaf idx; false
 * when the database failed or the leaf is past the checkpoint. */
static bool leaf_members(rctx *r, uint64_t idx, json_t *o, pk_rstore_leaf **keep)
{
    if (idx >= r->cp->size)
        return false;
    pk_rstore_leaf *l = NULL;
    if (pk_rstore_leaf_get(r->st, idx, &l, r->e, sizeof r->e) != PK_OK || !l)
        return false;
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t n = 0;
    pk_tlog_store ts = pk_rstore_tlog(r->st);
    char *b64 = pki_srv_b64(l->data.ptr, l->data.len);
    json_t *arr = json_array();
    bool ok = b64 && arr &&
              pk_tlog_prove_inclusion(&ts, idx, r->cp->size, proof, &n, r->e, sizeof r->e) == PK_OK;
    for (size_t i = 0; ok && i < n; i++) {
        char hx[65];
        pki_srv_hex(proof[i], 32, hx);
        ok = json_array_append_new(arr, json_string(hx)) == 0;
    }
    ok = ok && json_object_set_new(o, "log_index", json_integer((json_int_t)idx)) == 0 &&
         json_object_set_new(o, "leaf", json_string(b64)) == 0 &&
         json_object_set_new(o, "inclusion", arr) == 0;
    if (!ok && arr && !json_object_get(o, "inclusion"))
        json_decref(arr);
    pki_free(b64);
    if (ok && keep)
        *keep = l;
    else
        pk_rstore_free(l);
    return ok;
}

static json_t *leaf_obj(rctx *r, uint64_t idx)
{
    json_t *o = json_object();
    if (o && !leaf_members(r, idx, o, NULL)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The leaf's "logged" (the server wrote it: {"kind":"...","logged":"..."). */
static void leaf_logged(const pk_rstore_leaf *l, char out[32])
{
    out[0] = 0;
    const char *p = (const char *)l->data.ptr;
    size_t n = l->data.len;
    const char *k = "\"logged\":\"";
    for (size_t i = 0; i + 10 + 20 < n && i < 64; i++)
        if (memcmp(p + i, k, 10) == 0) {
            memcpy(out, p + i + 10, 20);
            out[20] = 0;
            if (p[i + 30] != '"' || !pki_srv_date_ok(out))
                out[0] = 0;
            return;
        }
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* One entry of docs/registry-api.md; NULL when it cannot be built (the
 * database failed, or the record is newer than the checkpoint). */
static json_t *entry(rctx *r, const pk_rstore_cert *c, const char *sha_hex, bool with_env)
{
    json_t *o = json_object();
    pk_rstore_leaf *l = NULL;
    pk_rstore_revocation *rev = NULL;
    pk_rstore_cert *sup = NULL;
    pki_cref *ref = NULL;
    const pk_cert *pc = NULL;
    if (!o || !leaf_members(r, c->log_index, o, &l))
        goto fail;
    char logged[32];
    leaf_logged(l, logged);
    if (pk_rstore_revocation_get(r->st, c->id, &rev, r->e, sizeof r->e) != PK_OK)
        goto fail;
    if (c->superseded_by &&
        (pk_rstore_cert_by_id(r->st, c->superseded_by, &sup, r->e, sizeof r->e) != PK_OK || !sup))
        goto fail;
    pk_cert_result res = {0};
    uint8_t sha[32];
    /* parsed and signature-checked once per process (srv_certs.c) */
    if (!(ref = pki_srv_cert_ref(r->s, c->id, c->envelope)))
        goto fail;
    pc = pki_srv_cert_parsed(ref);
    bool hs = sha_hex && pk_sha256_from_hex(sha_hex, sha) == 0;
    pk_cert_state cs =
        pki_srv_cert_verify(r->s, ref, hs ? sha : NULL, r->now, logged[0] ? logged : NULL, &res);
    const char *status = pk_cert_state_str(cs);
    char reason[700];
    snprintf(reason, sizeof reason, "%s", res.reason);
    if (rev) {
        status = "REVOKED";
        snprintf(reason, sizeof reason, "revoked on %s by the %s (%s): %s", rev->date,
                 pk_rstore_role_str(rev->by_role), rev->by_name, rev->reason);
    } else if (sup) {
        status = "SUPERSEDED";
        snprintf(reason, sizeof reason, "superseded by certificate %s", sup->id);
    }
    const char *subject = NULL;
    for (size_t i = 0; sha_hex && pc && i < pk_cert_subjects(pc) && !subject; i++) {
        const char *hx = NULL, *nm = pk_cert_subject(pc, i, &hx);
        if (hx && strcmp(hx, sha_hex) == 0)
            subject = nm;
    }
    json_t *conds = json_array();
    for (size_t i = 0; pc && conds && i < pk_cert_conditions(pc); i++)
        json_array_append_new(conds, json_string(pk_cert_condition(pc, i)));
    json_t *revj = json_null(), *revleaf = json_null(), *supleaf = json_null();
    if (rev) {
        revj = json_pack("{s:s,s:s,s:s,s:s}", "reason", rev->reason, "date", rev->date, "by_role",
                         pk_rstore_role_str(rev->by_role), "by_name", rev->by_name);
        revleaf = leaf_obj(r, rev->log_index);
    }
    if (sup)
        supleaf = leaf_obj(r, sup->log_index);
    json_t *head = json_pack(
        "{s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o}", "id",
        c->id, "certificate_id", str_or_null(pc ? pk_cert_field(pc, "certificate_id") : NULL),
        "product", c->product, "vendor", c->vendor, "version", c->version, "purl",
        str_or_null(c->purl), "cpe", str_or_null(c->cpe), "lab", c->lab_id, "profile", c->profile,
        "verdict", c->verdict, "conditions", conds ? conds : json_array(), "issued", c->issued,
        "expires", c->expires, "logged", str_or_null(logged[0] ? logged : NULL), "subject",
        str_or_null(subject), "status", status, "reason", reason, "revocation",
        revj ? revj : json_null(), "superseded_by", str_or_null(sup ? sup->id : NULL));
    if (!head || !revleaf || !supleaf) {
        json_decref(head);
        json_decref(revleaf);
        json_decref(supleaf);
        goto fail;
    }
    /* head's members first, then the proof members already in o. */
    json_object_update_missing(head, o);
    json_decref(o);
    o = head;
    json_object_set_new(o, "revocation_leaf", revleaf);
    json_object_set_new(o, "superseded_by_leaf", supleaf);
    json_t *adv = pki_srv_csaf_cert_advisories(r->s, r->st, c->id, r->role);
    if (!adv)
        goto fail;
    json_object_set_new(o, "advisories", adv);
    if (with_env)
        json_object_set_new(o, "envelope",
                            json_stringn((const char *)c->envelope.ptr, c->envelope.len));
    pk_rstore_free(l);
    pk_rstore_free(rev);
    pk_rstore_free(sup);
    pki_srv_cert_unref(ref);
    return o;
fail:
    json_decref(o);
    pk_rstore_free(l);
    pk_rstore_free(rev);
    pk_rstore_free(sup);
    pki_srv_cert_unref(ref);
    return NULL;
}

/* The accreditation and suspension leaves of every lab in certs. */
static bool lab_leaves(rctx *r, const pk_rstore_certs *cs, json_t *arr)
{
    for (size_t i = 0; cs && i < cs->count; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(cs->items[k].lab_id, cs->items[i].lab_id) == 0;
        if (seen)
            continue;
        pk_rstore_labs *l = NULL;
        if (pk_rstore_lab(r->st, cs->items[i].lab_id, &l, r->e, sizeof r->e) != PK_OK)
            return false;
        bool ok = true;
        for (size_t k = 0; ok && l && k < l->count + l->nsuspensions; k++) {
            uint64_t idx =
                k < l->count ? l->items[k].log_index : l->suspensions[k - l->count].log_index;
            json_t *o = leaf_obj(r, idx);
            ok = o && json_array_append_new(arr, o) == 0;
        }
        pk_rstore_free(l);
        if (!ok)
            return false;
    }
    return true;
}

void pki_srv_lookup(pk_regsrv *s, const char *sha256, const char *purl, pk_rstore_role role,
                    pk_regsrv_response *rs)
{
    rctx r;
    if (!begin(s, &r, rs))
        return;
    r.role = role;
    pk_rstore_certs *cs = NULL;
    uint8_t h[32];
    pk_status st = sha256 ? (pk_sha256_from_hex(sha256, h) == 0
                                 ? pk_rstore_certs_by_sha256(r.st, h, &cs, r.e, sizeof r.e)
                                 : PK_E_USAGE)
                          : pk_rstore_certs_by_purl(r.st, purl, &cs, r.e, sizeof r.e);
    json_t *list = json_array(), *labs = json_array();
    bool ok = st == PK_OK && list && labs;
    for (size_t i = 0; ok && cs && i < cs->count; i++) {
        if (cs->items[i].log_index >= r.cp->size)
            continue; /* not yet under a signed checkpoint */
        json_t *e = entry(&r, &cs->items[i], sha256, false);
        ok = e && json_array_append_new(list, e) == 0;
    }
    ok = ok && lab_leaves(&r, cs, labs);
    if (ok)
        pki_srv_json(rs, 200,
                     json_pack("{s:s,s:o,s:b,s:o}", "checkpoint", r.cp->note, "certificates", list,
                               "truncated", cs && cs->truncated, "labs", labs));
    else {
        json_decref(list);
        json_decref(labs);
        pki_srv_error(rs, 503, "the database failed");
    }
    pk_rstore_free(cs);
    end(&r);
}

void pki_srv_cert_get(pk_regsrv *s, const char *id, pk_rstore_role role, pk_regsrv_response *rs)
{
    rctx r;
    if (!begin(s, &r, rs))
        return;
    r.role = role;
    pk_rstore_cert *c = NULL;
    if (pk_rstore_cert_by_id(r.st, id, &c, r.e, sizeof r.e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
    } else if (!c || c->log_index >= r.cp->size) {
        pki_srv_error(rs, 404, "no certificate with that id");
    } else {
        json_t *e = entry(&r, c, NULL, true);
        if (e && json_object_set_new(e, "checkpoint", json_string(r.cp->note)) == 0)
            pki_srv_json(rs, 200, e);
        else {
            json_decref(e);
            pki_srv_error(rs, 503, "the database failed");
        }
    }
    pk_rstore_free(c);
    end(&r);
}

json_t *pki_srv_record_payload(const pk_regsrv *s, const pk_bytes env, const char *type)
{
    char *body = NULL;
    size_t n;
    if (pk_dsse_open((const char *)env.ptr, env.len, PK_CERT_MAX_RECORD, type, s->root, &body, &n,
                     NULL, 0) != PK_OK)
        return NULL;
    json_t *v = json_loadb(body, n, JSON_REJECT_DUPLICATES, NULL);
    pk_cert_buf_free(body);
    return v;
}

void pki_srv_labs(pk_regsrv *s, const char *lab, pk_regsrv_response *rs)
{
    rctx r;
    if (!begin(s, &r, rs))
        return;
    pk_rstore_labs *l = NULL;
    pk_status st = lab ? pk_rstore_lab(r.st, lab, &l, r.e, sizeof r.e)
                       : pk_rstore_labs_all(r.st, &l, r.e, sizeof r.e);
    json_t *arr = json_array();
    bool ok = st == PK_OK && arr;
    char nows[32];
    int64_t now = 0, from = 0;
    pki_srv_now(s, nows);
    pki_cert_time_parse(nows, false, &now);
    for (size_t i = 0; ok && l && i < l->count; i++) {
        const pk_rstore_accreditation *a = &l->items[i];
        const pk_rstore_suspension *sp = NULL;
        for (size_t k = 0; k < l->nsuspensions && !sp; k++) /* newest first */
            if (strcmp(l->suspensions[k].lab_id, a->lab_id) == 0)
                sp = &l->suspensions[k];
        json_t *p = pki_srv_record_payload(s, a->envelope, PK_ACCR_PAYLOAD_TYPE);
        json_t *labo = json_object_get(p, "lab");
        json_t *o =
            json_pack("{s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:I}", "lab", a->lab_id, "name",
                      str_or_null(json_string_value(json_object_get(labo, "name"))), "country",
                      str_or_null(json_string_value(json_object_get(labo, "country"))), "key_id",
                      a->key_id, "valid_from", a->valid_from, "valid_until", a->valid_until,
                      /* a suspension from a later date is announced, not yet in force */
                      "state",
                      sp && (pki_cert_time_parse(sp->from_date, false, &from) != 0 || from <= now)
                          ? "suspended"
                          : "accredited",
                      "suspended_from", str_or_null(sp ? sp->from_date : NULL), "reason",
                      str_or_null(sp ? sp->reason : NULL), "log_index", (json_int_t)a->log_index);
        json_decref(p);
        ok = o && json_array_append_new(arr, o) == 0;
    }
    if (!ok) {
        json_decref(arr);
        pki_srv_error(rs, 503, "the database failed");
    } else if (lab && (!l || l->count == 0)) {
        json_decref(arr);
        pki_srv_error(rs, 404, "no accredited lab %s", lab);
    } else {
        pki_srv_json(rs, 200, json_pack("{s:o}", "labs", arr));
    }
    pk_rstore_free(l);
    end(&r);
}
