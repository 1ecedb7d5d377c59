/* parakhd's CSAF API, second part: matching a document without storing it,
 * a certificate's SBOM, and an organisation's in-use list (docs/csaf.md). */
#include <stdio.h>
#include <string.h>

#include "cert/cert_int.h"
#include "registry/store_csaf_int.h"
#include "srv_csaf_int.h"

static pk_rstore *store(pk_regsrv *s, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    if (!st)
        pki_srv_error(rs, 503, "the database failed");
    return st;
}

static bool in_list(const pk_csaf_inuse *u, const char *id)
{
    for (size_t i = 0; u && i < u->count; i++)
        if (!strcmp(u->cert_ids[i], id))
            return true;
    return false;
}

void pki_csaf_match_api(pk_regsrv *s, const pki_caller *c, const pk_regsrv_request *rq,
                        pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_csaf_result *r = NULL;
    pk_status cs =
        pk_csaf_check(rq->body, rq->body_len, pki_csaf_cfg(s)->schema_dir, &r, e, sizeof e);
    bool valid = cs == PK_OK && pk_csaf_result_valid(r);
    pk_csaf_result_free(r);
    if (cs == PK_E_IO || (cs != PK_OK && cs != PK_E_FORMAT)) {
        pki_srv_error(rs, 503, "the CSAF checks could not run: %s", e);
        return;
    }
    if (!valid) {
        pki_srv_error(rs, 422, "the document is not valid CSAF 2.0%s%s", cs ? ": " : "",
                      cs ? e : "");
        return;
    }
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    pki_csaf_targets t;
    pk_csaf_inuse *u = NULL;
    bool org = c->role == PK_ROLE_ORGANISATIONAL;
    if (pki_csaf_targets_load(st, NULL, &t, e, sizeof e) != PK_OK ||
        (org && pk_csaf_inuse_list(st, c->name, &u, e, sizeof e) != PK_OK)) {
        pki_csaf_targets_free(&t);
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    /* an organisation sees only what it runs: keep those targets */
    size_t k = 0;
    for (size_t i = 0; i < t.n; i++)
        if (!org || in_list(u, t.t[i].cert_id)) {
            t.t[k] = t.t[i];
            t.basis[k++] = t.basis[i];
        }
    t.n = k;
    pk_rstore_free(u);
    pk_csaf_hits h = {0};
    if (t.n && pk_csaf_affected(rq->body, rq->body_len, t.t, t.n, pki_csaf_cfg(s)->tmpdir, &h, e,
                                sizeof e) != PK_OK) {
        pki_csaf_targets_free(&t);
        pki_srv_error(rs, 422, "the document cannot be matched: %s", e);
        return;
    }
    pk_csaf_meta m;
    char me[128];
    bool mok = pk_csaf_meta_read(rq->body, rq->body_len, &m, me, sizeof me) == PK_OK;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h.count; i++) {
        const pk_csaf_hit *x = &h.items[i];
        const pk_csaf_target *g = &t.t[x->target];
        pk_csaf_hit_row row = {.advisory = mok ? m.tracking_id : "",
                               .version = mok ? m.version : "",
                               .tlp = mok ? m.tlp : "WHITE",
                               .certificate = g->cert_id,
                               .product = g->product,
                               .vendor = g->vendor,
                               .lab = g->lab,
                               .comp_name = x->comp_name ? x->comp_name : "",
                               .comp_version = x->comp_version ? x->comp_version : "",
                               .comp_purl = x->comp_purl,
                               .cve = x->cve ? x->cve : "",
                               .method = x->method ? x->method : "",
                               .matched = x->matched ? x->matched : "",
                               .fixed = x->fixed};
        json_array_append_new(arr, pki_csaf_hit_json(&row));
    }
    pki_srv_json(rs, 200, json_pack("{s:o,s:b}", "hits", arr, "stored", 0));
    if (mok)
        pk_csaf_meta_free(&m);
    pk_csaf_hits_free(&h);
    pki_csaf_targets_free(&t);
}

void pki_csaf_sbom_api(pk_regsrv *s, const pki_caller *c, const char *cert_id,
                       const pk_regsrv_request *rq, pk_regsrv_response *rs)
{
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN];
    pk_rstore_cert *cert = NULL;
    if (pk_rstore_cert_by_id(st, cert_id, &cert, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    if (!cert) {
        pki_srv_error(rs, 404, "no certificate with that id");
        return;
    }
    if (c->role == PK_ROLE_LAB && strcmp(c->lab, cert->lab_id) != 0) {
        pki_srv_error(rs, 403, "only the issuing lab (%s) may give this certificate's SBOM",
                      cert->lab_id);
        pk_rstore_free(cert);
        return;
    }
    pk_cert *pc = NULL;
    if (pk_cert_parse((const char *)cert->envelope.ptr, cert->envelope.len, &pc, e, sizeof e) !=
        PK_OK) {
        pk_rstore_free(cert);
        pki_srv_error(rs, 503, "the stored certificate does not parse");
        return;
    }
    const char *want = pk_cert_field(pc, "sbom_sha256");
    char wanthex[65];
    snprintf(wanthex, sizeof wanthex, "%s", want ? want : "");
    pk_cert_free(pc);
    pk_rstore_free(cert);
    size_t nh = 0;
    pk_status r = pk_csaf_sbom_put(st, cert_id, rq->body, rq->body_len, wanthex,
                                   pki_csaf_cfg(s)->tmpdir, &nh, e, sizeof e);
    if (r == PK_OK)
        pki_srv_json(rs, 201,
                     json_pack("{s:s,s:s,s:I}", "certificate", cert_id, "sha256", wanthex, "hits",
                               (json_int_t)nh));
    else if (r == PK_E_FORMAT)
        pki_srv_error(rs, 422, "%s", e);
    else if (r == PK_E_USAGE)
        pki_srv_error(rs, 409, "%s", e);
    else
        pki_srv_error(rs, 503, "the database failed");
}

void pki_csaf_inuse_post(pk_regsrv *s, const pki_caller *c, const pk_regsrv_request *rq,
                         pk_regsrv_response *rs)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    const char *id = json_string_value(json_object_get(j, "certificate"));
    if (!json_is_object(j) || json_object_size(j) != 1 || !id) {
        json_decref(j);
        pki_srv_error(rs, 400, "the body must be {\"certificate\": \"<id>\"}");
        return;
    }
    char cid[80];
    snprintf(cid, sizeof cid, "%.79s", id);
    bool hex = pki_is_hex64(id);
    json_decref(j);
    if (!hex) {
        pki_srv_error(rs, 400, "certificate must be a certificate id (64 lowercase hex)");
        return;
    }
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN], now[32];
    pki_srv_now(s, now);
    bool added = false;
    pk_status r = pk_csaf_inuse_add(st, c->name, cid, now, &added, e, sizeof e);
    if (r == PK_OK)
        pki_srv_json(rs, 201,
                     json_pack("{s:s,s:s,s:b}", "organisation", c->name, "certificate", cid,
                               "added", added));
    else if (r == PK_E_USAGE)
        pki_srv_error(rs, 404, "no certificate with that id");
    else
        pki_srv_error(rs, 503, "the database failed");
}

void pki_csaf_inuse_get(pk_regsrv *s, const pki_caller *c, pk_regsrv_response *rs)
{
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN];
    pk_csaf_inuse *u = NULL;
    if (pk_csaf_inuse_list(st, c->name, &u, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && u && i < u->count; i++)
        json_array_append_new(arr,
                              json_pack("{s:s,s:s}", "id", u->cert_ids[i], "added", u->added[i]));
    pki_srv_json(rs, 200,
                 json_pack("{s:s,s:o,s:b}", "organisation", c->name, "certificates", arr,
                           "truncated", u && u->truncated));
    pk_rstore_free(u);
}
