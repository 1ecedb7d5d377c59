/* parakhd: the write endpoints. Each checks everything it can before the
 * committer sees it (body, signature, roles, what is already stored) and
 * builds the record and its leaf (docs/registry-api.md, "The log's
 * leaves"); the database's own constraints catch what races past these
 * checks, and the committer turns that into the same answers. */
#include <stdio.h>
#include <string.h>

#include "srv_int.h"

void *pki_wjob_own(pki_wjob *j, void *p)
{
    if (!p)
        return NULL;
    if (j->nowned == PKI_SRV_OWNED) {
        pki_free(p);
        return NULL;
    }
    return j->owned[j->nowned++] = p;
}

char *pki_wjob_strdup(pki_wjob *j, const char *s)
{
    return s ? pki_wjob_own(j, pki_strdup(s)) : NULL;
}

void pki_wjob_free(pki_wjob *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->nowned; i++)
        pki_free(j->owned[i]);
    free(j->leaf); /* made by jansson's json_dumps (malloc) */
    pk_cert_free(j->cert);
    pki_free(j);
}

/* The leaf bytes of obj (stolen): compact, keys in insertion order. */
static bool set_leaf(pki_wjob *j, json_t *obj, pk_regsrv_response *rs)
{
    char *txt = obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(obj);
    if (!txt) {
        pki_srv_error(rs, 500, "out of memory");
        return false;
    }
    j->leaf = (uint8_t *)txt;
    j->leaf_len = strlen(txt);
    if (j->leaf_len > PK_RSTORE_MAX_BLOB) {
        pki_srv_error(rs, 413, "the log leaf would exceed %u bytes", PK_RSTORE_MAX_BLOB);
        return false;
    }
    return true;
}

static pki_wjob *job_new(pk_regsrv *s, pk_rstore_kind kind, pk_regsrv_response *rs)
{
    pki_wjob *j = pki_calloc(1, sizeof *j);
    if (!j) {
        pki_srv_error(rs, 500, "out of memory");
        return NULL;
    }
    j->kind = kind;
    pki_srv_now(s, j->logged);
    return j;
}

/* The body as a JSON value (checked: one value, no duplicate keys). */
static json_t *body_json(const pk_regsrv_request *rq, pk_regsrv_response *rs)
{
    json_error_t je;
    json_t *v = json_loadb((const char *)rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        pki_srv_error(rs, 400, "the body is not JSON: %s (line %d)", je.text, je.line);
    return v;
}

static pk_rstore *store_or_503(pk_regsrv *s, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    if (!st)
        pki_srv_error(rs, 503, "the database failed");
    return st;
}

void pki_srv_post_cert(pk_regsrv *s, const pki_caller *c, const char *sup,
                       const pk_regsrv_request *rq, pk_regsrv_response *rs, pki_wjob **out)
{
    char e[PKI_SRV_ERRLEN];
    json_t *v = body_json(rq, rs);
    if (!v)
        return;
    json_decref(v);
    pki_wjob *j = job_new(s, PK_RSTORE_CERTIFICATE, rs);
    if (!j)
        return;
    pk_rstore *st = NULL;
    pk_rstore_cert *old = NULL;
    pk_rstore_revocation *rev = NULL;
    if (pk_cert_parse((const char *)rq->body, rq->body_len, &j->cert, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 422, "not a parakh certificate: %s", e);
        goto fail;
    }
    pk_cert_result r;
    if ((st = pki_srv_store(s, e, sizeof e)))
        pki_srv_trust_sync(s, st); /* another server may have logged a trust record */
    pthread_rwlock_rdlock(&s->trust_lock);
    pk_cert_state cs = pk_cert_verify_logged(j->cert, s->trust, NULL, j->logged, j->logged, &r);
    j->trust_gen = s->trust_gen;
    pthread_rwlock_unlock(&s->trust_lock);
    if (cs != PK_CERT_VALID) {
        pki_srv_error(rs, 422, "the certificate does not verify: %s: %s", pk_cert_state_str(cs),
                      r.reason);
        goto fail;
    }
    const char *lab = pk_cert_field(j->cert, "lab"), *id = pk_cert_digest(j->cert);
    if (!lab || strcmp(lab, c->lab) != 0) {
        pki_srv_error(rs, 403, "a token of lab %s may not submit a certificate of lab %s", c->lab,
                      lab ? lab : "(none)");
        goto fail;
    }
    if (!(st = store_or_503(s, rs)))
        goto fail;
    if (pk_rstore_cert_by_id(st, id, &old, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        goto fail;
    }
    if (old) {
        pki_srv_error_extra(
            rs, 409, json_pack("{s:s,s:I}", "id", id, "log_index", (json_int_t)old->log_index),
            "this certificate is already registered");
        goto fail;
    }
    if (sup) {
        if (pk_rstore_cert_by_id(st, sup, &old, e, sizeof e) != PK_OK ||
            (old && pk_rstore_revocation_get(st, sup, &rev, e, sizeof e) != PK_OK)) {
            pki_srv_error(rs, 503, "the database failed");
            goto fail;
        }
        if (!old || strcmp(old->lab_id, lab) != 0 || rev) {
            pki_srv_error(rs, 422,
                          !old  ? "supersedes names no registered certificate"
                          : rev ? "the certificate to supersede is revoked"
                                : "the certificate to supersede is another lab's");
            goto fail;
        }
        pk_rstore_free(old);
        old = NULL;
    }
    pk_rstore_cert *x = &j->r.cert;
    x->id = id;
    x->lab_id = lab;
    x->issued = pk_cert_field(j->cert, "issued");
    x->expires = pk_cert_field(j->cert, "expires");
    x->product = pk_cert_field(j->cert, "product");
    x->vendor = pk_cert_field(j->cert, "vendor");
    x->version = pk_cert_field(j->cert, "version");
    x->purl = pk_cert_field(j->cert, "purl");
    x->cpe = pk_cert_field(j->cert, "cpe");
    x->profile = pk_cert_field(j->cert, "profile");
    x->verdict = pk_cert_field(j->cert, "verdict");
    x->supersedes = pki_wjob_strdup(j, sup);
    uint8_t *env = pki_wjob_own(j, pki_malloc(rq->body_len));
    x->nsubjects = pk_cert_subjects(j->cert);
    pk_rstore_subject *subj =
        x->nsubjects ? pki_wjob_own(j, pki_calloc(x->nsubjects, sizeof *subj)) : NULL;
    if (!env || !subj || (sup && !x->supersedes)) {
        pki_srv_error(rs, 500, "out of memory");
        goto fail;
    }
    memcpy(env, rq->body, rq->body_len);
    x->envelope = (pk_bytes){env, rq->body_len};
    for (size_t i = 0; i < x->nsubjects; i++) {
        const char *hex = NULL;
        subj[i].name = pk_cert_subject(j->cert, i, &hex);
        if (!hex || pk_sha256_from_hex(hex, subj[i].sha256) != 0) {
            pki_srv_error(rs, 422, "subject %zu has no sha256 digest", i);
            goto fail;
        }
    }
    x->subjects = subj;
    snprintf(j->resp_a, sizeof j->resp_a, "%s", id);
    snprintf(j->resp_b, sizeof j->resp_b, "%s", pk_cert_field(j->cert, "certificate_id"));
    if (!set_leaf(j,
                  json_pack("{s:s,s:s,s:s,s:s?,s:s%}", "kind", "certificate", "logged", j->logged,
                            "id", id, "supersedes", sup, "envelope", (const char *)rq->body,
                            rq->body_len),
                  rs))
        goto fail;
    *out = j;
    return;
fail:
    pk_rstore_free(old);
    pk_rstore_free(rev);
    pki_wjob_free(j);
}

void pki_srv_post_revocation(pk_regsrv *s, const pki_caller *c, const char *id,
                             const pk_regsrv_request *rq, pk_regsrv_response *rs, pki_wjob **out)
{
    char e[PKI_SRV_ERRLEN];
    json_t *v = body_json(rq, rs);
    if (!v)
        return;
    pk_rstore_cert *cert = NULL;
    pk_rstore_revocation *rev = NULL;
    pki_wjob *j = NULL;
    pk_rstore *st;
    const char *key;
    json_t *val;
    if (!json_is_object(v)) {
        pki_srv_error(rs, 400, "the body must be a JSON object {\"reason\", \"date\"}");
        goto fail;
    }
    json_object_foreach(v, key, val)
    {
        if (strcmp(key, "reason") != 0 && strcmp(key, "date") != 0) {
            pki_srv_error(rs, 400, "unknown member '%.64s' (allowed: reason, date)", key);
            goto fail;
        }
    }
    json_t *jr = json_object_get(v, "reason"), *jd = json_object_get(v, "date");
    size_t rl = json_string_length(jr);
    if (!json_is_string(jr) || rl == 0 || rl > 1024 || memchr(json_string_value(jr), 0, rl)) {
        pki_srv_error(rs, 400, "reason must be a string of 1..1024 bytes");
        goto fail;
    }
    if (jd && (!json_is_string(jd) || !pki_srv_date_ok(json_string_value(jd)))) {
        pki_srv_error(rs, 400, "date must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
        goto fail;
    }
    if (!(st = store_or_503(s, rs)))
        goto fail;
    if (pk_rstore_cert_by_id(st, id, &cert, e, sizeof e) != PK_OK ||
        (cert && pk_rstore_revocation_get(st, id, &rev, e, sizeof e) != PK_OK)) {
        pki_srv_error(rs, 503, "the database failed");
        goto fail;
    }
    if (!cert) {
        pki_srv_error(rs, 404, "no certificate with that id");
        goto fail;
    }
    if (c->role == PK_ROLE_LAB && strcmp(cert->lab_id, c->lab) != 0) {
        pki_srv_error(rs, 403, "a token of lab %s may not revoke a certificate of lab %s", c->lab,
                      cert->lab_id);
        goto fail;
    }
    if (rev) {
        pki_srv_error_extra(
            rs, 409, json_pack("{s:s,s:I}", "id", id, "log_index", (json_int_t)rev->log_index),
            "this certificate is already revoked");
        goto fail;
    }
    if (!(j = job_new(s, PK_RSTORE_REVOCATION, rs)))
        goto fail;
    pk_rstore_revocation *x = &j->r.revocation;
    x->cert_id = pki_wjob_strdup(j, id);
    x->reason = pki_wjob_strdup(j, json_string_value(jr));
    x->date = pki_wjob_strdup(j, jd ? json_string_value(jd) : j->logged);
    x->by_role = c->role;
    x->by_name = pki_wjob_strdup(j, c->role == PK_ROLE_LAB ? c->lab : c->name);
    if (!x->cert_id || !x->reason || !x->date || !x->by_name) {
        pki_srv_error(rs, 500, "out of memory");
        goto fail;
    }
    snprintf(j->resp_a, sizeof j->resp_a, "%s", id);
    if (!set_leaf(j,
                  json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "revocation", "logged",
                            j->logged, "id", id, "reason", x->reason, "date", x->date, "by_role",
                            pk_rstore_role_str(c->role), "by_name", x->by_name),
                  rs))
        goto fail;
    x->record = (pk_bytes){j->leaf, j->leaf_len};
    *out = j;
    j = NULL;
fail:
    json_decref(v);
    pk_rstore_free(cert);
    pk_rstore_free(rev);
    pki_wjob_free(j);
}

static const char *str_at(json_t *o, const char *k1, const char *k2)
{
    json_t *v = json_object_get(o, k1);
    if (k2)
        v = json_object_get(v, k2);
    return json_string_value(v);
}

/* An accreditation (lab NULL: POST /labs) or a suspension of lab. */
void pki_srv_post_lab(pk_regsrv *s, const pki_caller *c, const char *lab,
                      const pk_regsrv_request *rq, pk_regsrv_response *rs, pki_wjob **out)
{
    (void)c;
    char e[PKI_SRV_ERRLEN];
    bool susp = lab != NULL;
    if (rq->body_len > PK_CERT_MAX_RECORD) {
        pki_srv_error(rs, 413, "a trust record is at most %u bytes", PK_CERT_MAX_RECORD);
        return;
    }
    json_t *v = body_json(rq, rs);
    if (!v)
        return;
    json_decref(v);
    v = NULL;
    pki_wjob *j = NULL;
    pk_rstore_labs *labs = NULL;
    pk_trust *scratch = NULL;
    char *payload = NULL;
    size_t plen;
    pk_status ps = pk_dsse_open((const char *)rq->body, rq->body_len, PK_CERT_MAX_RECORD,
                                susp ? PK_SUSP_PAYLOAD_TYPE : PK_ACCR_PAYLOAD_TYPE, s->root,
                                &payload, &plen, e, sizeof e);
    if (ps != PK_OK) {
        pki_srv_error(rs, 422,
                      ps == PK_E_USAGE ? "the record is not signed by the root key"
                                       : "not a %s record: %s",
                      susp ? "suspension" : "accreditation", e);
        goto fail;
    }
    /* The trust store's own checks (key id, dates), on a scratch copy. */
    if (pk_trust_new(s->root, &scratch) != PK_OK) {
        pki_srv_error(rs, 500, "out of memory");
        goto fail;
    }
    if (pk_trust_add(scratch, (const char *)rq->body, rq->body_len, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 422, "the trust store refuses this record: %s", e);
        goto fail;
    }
    json_error_t je;
    v = json_loadb(payload, plen, JSON_REJECT_DUPLICATES, &je);
    const char *rlab = str_at(v, "lab", susp ? NULL : "id");
    if (!rlab || !pki_srv_lab_ok(rlab, strlen(rlab))) {
        pki_srv_error(rs, 422, "the record names no valid lab id");
        goto fail;
    }
    if (susp && strcmp(rlab, lab) != 0) {
        pki_srv_error(rs, 422, "the suspension names lab %s, not %s", rlab, lab);
        goto fail;
    }
    pk_rstore *st = store_or_503(s, rs);
    if (!st)
        goto fail;
    if (pk_rstore_lab(st, rlab, &labs, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        goto fail;
    }
    if (susp && (!labs || labs->count == 0)) {
        pki_srv_error(rs, 404, "lab %s has no accreditation", lab);
        goto fail;
    }
    for (size_t i = 0; labs && i < (susp ? labs->nsuspensions : labs->count); i++) {
        pk_bytes env = susp ? labs->suspensions[i].envelope : labs->items[i].envelope;
        uint64_t idx = susp ? labs->suspensions[i].log_index : labs->items[i].log_index;
        if (env.len == rq->body_len && memcmp(env.ptr, rq->body, env.len) == 0) {
            pki_srv_error_extra(rs, 409,
                                json_pack("{s:s,s:I}", "lab", rlab, "log_index", (json_int_t)idx),
                                "this record is already logged");
            goto fail;
        }
    }
    if (!(j = job_new(s, susp ? PK_RSTORE_SUSPENSION : PK_RSTORE_ACCREDITATION, rs)))
        goto fail;
    uint8_t *env = pki_wjob_own(j, pki_malloc(rq->body_len));
    if (!env) {
        pki_srv_error(rs, 500, "out of memory");
        goto fail;
    }
    memcpy(env, rq->body, rq->body_len);
    pk_bytes envb = {env, rq->body_len};
    const char *key_id;
    if (susp) {
        pk_rstore_suspension *x = &j->r.suspension;
        x->lab_id = pki_wjob_strdup(j, rlab);
        x->from_date = pki_wjob_strdup(j, str_at(v, "suspended_from", NULL));
        x->reason = pki_wjob_strdup(j, str_at(v, "reason", NULL));
        x->envelope = envb;
        key_id = labs->items[0].key_id;
        if (!x->lab_id || !x->from_date || !x->reason)
            goto nomem;
    } else {
        pk_rstore_accreditation *x = &j->r.accreditation;
        const char *pub = str_at(v, "key", "public_key");
        x->lab_id = pki_wjob_strdup(j, rlab);
        x->key_id = key_id = pki_wjob_strdup(j, str_at(v, "key", "keyid"));
        x->valid_from = pki_wjob_strdup(j, str_at(v, "valid_from", NULL));
        x->valid_until = pki_wjob_strdup(j, str_at(v, "valid_until", NULL));
        x->state = "accredited";
        char *pk = pki_wjob_strdup(j, pub);
        x->public_key = (pk_bytes){(const uint8_t *)pk, pk ? strlen(pk) : 0};
        x->envelope = envb;
        if (!x->lab_id || !x->key_id || !x->valid_from || !x->valid_until || !pk)
            goto nomem;
    }
    snprintf(j->resp_a, sizeof j->resp_a, "%s", rlab);
    snprintf(j->resp_b, sizeof j->resp_b, "%s", key_id ? key_id : "");
    if (!set_leaf(j,
                  json_pack("{s:s,s:s,s:s,s:s%}", "kind", susp ? "suspension" : "accreditation",
                            "logged", j->logged, "lab", rlab, "envelope", (const char *)rq->body,
                            rq->body_len),
                  rs))
        goto fail;
    *out = j;
    j = NULL;
    goto fail;
nomem:
    pki_srv_error(rs, 422, "the record lacks a field the registry needs");
fail:
    json_decref(v);
    pk_cert_buf_free(payload);
    pk_trust_free(scratch);
    pk_rstore_free(labs);
    pki_wjob_free(j);
}
