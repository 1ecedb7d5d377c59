/* parakhd's CSAF API (docs/csaf.md "The API"): publish (checked, signed,
 * stored with its hits), the lists, who is affected, matching without
 * storing, a certificate's SBOM and an organisation's in-use list. Writes
 * here are not logged: they go straight to this thread's database handle,
 * each in its own transaction (csaf_store.h). */
#include <stdio.h>
#include <string.h>

#include "srv_csaf_int.h"

#define MAX_FAILURES 20 /* failures listed in a 422 */

static pk_rstore *store(pk_regsrv *s, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    if (!st)
        pki_srv_error(rs, 503, "the database failed");
    return st;
}

static json_t *nstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *pki_csaf_hit_json(const pk_csaf_hit_row *h)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:o},s:s,s:s,s:s,s:o}", "advisory",
                     h->advisory, "version", h->version, "tlp", h->tlp, "certificate",
                     h->certificate, "product", h->product, "vendor", h->vendor, "lab", h->lab,
                     "component", "name", h->comp_name, "version", h->comp_version, "purl",
                     nstr(h->comp_purl), "cve", h->cve, "method", h->method, "matched", h->matched,
                     "fixed", nstr(h->fixed));
}

/* Runs the schema and mandatory checks: true when valid; else rs holds
 * 422 (the failures listed) or 503 (schemas unreadable). */
static bool checked(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_csaf_result *r = NULL;
    pk_status st =
        pk_csaf_check(rq->body, rq->body_len, pki_csaf_cfg(s)->schema_dir, &r, e, sizeof e);
    if (st == PK_E_FORMAT) {
        pki_srv_error(rs, 422, "not a CSAF document: %s", e);
        return false;
    }
    if (st != PK_OK) {
        pki_srv_error(rs, 503, "the CSAF checks could not run: %s", e);
        return false;
    }
    if (pk_csaf_result_valid(r)) {
        pk_csaf_result_free(r);
        return true;
    }
    json_t *f = json_array();
    size_t n = pk_csaf_result_count(r);
    for (size_t i = 0; f && i < n && i < MAX_FAILURES; i++) {
        const pk_csaf_issue *x = pk_csaf_result_at(r, i);
        json_array_append_new(
            f, json_pack("{s:s,s:s,s:s}", "test", x->test, "path", x->path, "message", x->message));
    }
    pki_srv_error_extra(rs, 422, json_pack("{s:o,s:I}", "failures", f, "count", (json_int_t)n),
                        "the document is not valid CSAF 2.0 (%zu failures)", n);
    pk_csaf_result_free(r);
    return false;
}

void pki_csaf_publish(pk_regsrv *s, const pki_caller *c, const pk_regsrv_request *rq,
                      pk_regsrv_response *rs)
{
    if (!checked(s, rq, rs))
        return;
    const pki_csaf_srv *cfg = pki_csaf_cfg(s);
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN], now[32], source[256];
    uint8_t *sig = NULL;
    size_t siglen = 0;
    if (cfg->signer) {
        pthread_mutex_lock((pthread_mutex_t *)&cfg->sign_lock);
        pk_status sst =
            pk_csaf_sign(cfg->signer, rq->body, rq->body_len, &sig, &siglen, e, sizeof e);
        pthread_mutex_unlock((pthread_mutex_t *)&cfg->sign_lock);
        if (sst != PK_OK) {
            pki_srv_error(rs, 503, "signing failed: %s", e);
            return;
        }
    }
    pki_srv_now(s, now);
    snprintf(source, sizeof source, "publish by %s (%s)", c->name, pk_rstore_role_str(c->role));
    pk_csaf_ingest_doc d = {.folder = "",
                            .body = rq->body,
                            .body_len = rq->body_len,
                            .signature = sig,
                            .signature_len = siglen,
                            .signer = cfg->signer ? cfg->fpr : "none",
                            .source = source,
                            .now = now};
    pk_csaf_ingest_result res;
    pk_status st2 = pk_csaf_ingest(st, &d, cfg->tmpdir, &res, e, sizeof e);
    pk_csaf_free(sig);
    if (st2 == PK_OK) {
        pk_csaf_meta m;
        char me[128];
        bool mok = pk_csaf_meta_read(rq->body, rq->body_len, &m, me, sizeof me) == PK_OK;
        pki_srv_json(rs, 201,
                     json_pack("{s:s,s:s,s:s,s:s,s:I}", "id", mok ? m.tracking_id : "", "version",
                               mok ? m.version : "", "path", res.path, "sha256", res.sha256, "hits",
                               (json_int_t)res.hits));
        if (mok)
            pk_csaf_meta_free(&m);
    } else if (st2 == PK_E_USAGE && res.refusal != PK_CSAF_INVALID &&
               res.refusal != PK_CSAF_STORED) {
        pki_srv_error_extra(rs, 409, json_pack("{s:s}", "version", res.held_version), "%s", e);
    } else if (st2 == PK_E_USAGE || st2 == PK_E_FORMAT) {
        pki_srv_error(rs, 422, "%s", e);
    } else {
        pki_srv_error(rs, 503, "the database failed");
    }
}

static json_t *doc_summary(const pk_csaf_doc *d)
{
    json_t *cves = json_array();
    for (const char *p = d->cves; cves && *p;) {
        size_t n = strcspn(p, ",");
        json_array_append_new(cves, json_stringn(p, n));
        p += n;
        if (*p == ',')
            p++;
    }
    const char *f = strrchr(d->path, '/');
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", d->tracking_id,
                     "version", d->version, "tlp", d->tlp, "title", d->title, "file",
                     f ? f + 1 : d->path, "folder", d->folder, "path", d->path, "sha256",
                     d->sha256_hex, "initial_release_date", d->initial_date, "current_release_date",
                     d->current_date, "cves", cves);
}

/* Every folder holding documents: "" (own) first, then mirrors and imports. */
static pk_status folders(pk_rstore *st, pk_csaf_folders **pv, size_t *n, char *e, size_t el)
{
    pk_status r = pk_csaf_folders_all(st, pv, e, el);
    *n = *pv ? (*pv)->count : 0;
    return r;
}

static const char *folder_at(const pk_csaf_folders *pv, size_t i)
{
    return pv->names[i];
}

void pki_csaf_list_api(pk_regsrv *s, const pki_caller *c, pk_regsrv_response *rs)
{
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN];
    pk_csaf_folders *pv = NULL;
    size_t nf;
    json_t *arr = json_array();
    bool ok = folders(st, &pv, &nf, e, sizeof e) == PK_OK && arr;
    bool trunc = false;
    for (size_t f = 0; ok && f < nf; f++) {
        pk_csaf_docs *d = NULL;
        ok = pk_csaf_list(st, folder_at(pv, f), NULL, &d, e, sizeof e) == PK_OK;
        for (size_t i = 0; ok && d && i < d->count; i++)
            if (pki_csaf_tlp_status(c->role, pki_csaf_tlp(d->items[i].tlp)) == 200)
                json_array_append_new(arr, doc_summary(&d->items[i]));
        trunc = trunc || (d && d->truncated);
        pk_rstore_free(d);
    }
    pk_rstore_free(pv);
    if (!ok) {
        json_decref(arr);
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    pki_srv_json(rs, 200, json_pack("{s:o,s:b}", "advisories", arr, "truncated", trunc));
}

/* The newest version of file in any folder (own first); *fold its folder. */
static pk_status find_file(pk_rstore *st, const char *arg, pk_csaf_doc **out, char *e, size_t el)
{
    char file[300];
    size_t n = strlen(arg);
    if (n > 5 && !strcmp(arg + n - 5, ".json"))
        snprintf(file, sizeof file, "%s", arg);
    else
        snprintf(file, sizeof file, "%.250s.json", arg);
    pk_csaf_folders *pv = NULL;
    size_t nf;
    pk_status r = folders(st, &pv, &nf, e, el);
    *out = NULL;
    for (size_t f = 0; r == PK_OK && !*out && f < nf; f++)
        r = pk_csaf_doc_by_file(st, folder_at(pv, f), file, out, e, el);
    pk_rstore_free(pv);
    return r;
}

void pki_csaf_versions_api(pk_regsrv *s, const pki_caller *c, const char *file,
                           pk_regsrv_response *rs)
{
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN];
    pk_csaf_doc *d = NULL;
    if (find_file(st, file, &d, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    if (!d || pki_csaf_tlp_status(c->role, pki_csaf_tlp(d->tlp)) != 200) {
        /* an unreadable advisory is answered as a missing one */
        pki_srv_error(rs, 404, "no such advisory");
        pk_rstore_free(d);
        return;
    }
    pk_csaf_docs *v = NULL;
    json_t *arr = json_array();
    if (pk_csaf_versions(st, d->folder, d->tracking_id, &v, e, sizeof e) != PK_OK || !arr) {
        json_decref(arr);
        pk_rstore_free(d);
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    for (size_t i = 0; v && i < v->count; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s}", "version",
                                             v->items[i].version, "date", v->items[i].current_date,
                                             "sha256", v->items[i].sha256_hex, "path",
                                             v->items[i].path, "stored", v->items[i].stored));
    json_t *j = doc_summary(d);
    json_object_set_new(j, "versions", arr);
    pki_srv_json(rs, 200, j);
    pk_rstore_free(v);
    pk_rstore_free(d);
}

/* Hits as JSON, only those on TLPs the caller reads. */
static json_t *hits_json(const pki_caller *c, const pk_csaf_hit_rows *h)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && h && i < h->count; i++)
        if (pki_csaf_tlp_status(c->role, pki_csaf_tlp(h->items[i].tlp)) == 200)
            json_array_append_new(arr, pki_csaf_hit_json(&h->items[i]));
    return arr;
}

void pki_csaf_affected_api(pk_regsrv *s, const pki_caller *c, const char *file,
                           pk_regsrv_response *rs)
{
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char e[PKI_SRV_ERRLEN];
    pk_csaf_doc *d = NULL;
    if (file) {
        if (find_file(st, file, &d, e, sizeof e) != PK_OK) {
            pki_srv_error(rs, 503, "the database failed");
            return;
        }
        if (!d || pki_csaf_tlp_status(c->role, pki_csaf_tlp(d->tlp)) != 200) {
            pki_srv_error(rs, 404, "no such advisory");
            pk_rstore_free(d);
            return;
        }
    }
    const char *org = c->role == PK_ROLE_ORGANISATIONAL ? c->name : NULL;
    /* certificates logged since the advisories were stored get their hits
     * now; a failure here leaves the hits as they were */
    if (pk_csaf_match_pending(st, pki_csaf_cfg(s)->tmpdir, NULL, e, sizeof e) != PK_OK)
        e[0] = 0;
    pk_csaf_hit_rows *h = NULL;
    if (pk_csaf_hits_open(st, d ? d->folder : NULL, d ? d->tracking_id : NULL, NULL, org, &h, e,
                          sizeof e) != PK_OK) {
        pk_rstore_free(d);
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    json_t *j = json_pack("{s:o,s:b}", "hits", hits_json(c, h), "truncated", h && h->truncated);
    if (d) {
        json_object_set_new(j, "advisory", json_string(d->tracking_id));
        json_object_set_new(j, "version", json_string(d->version));
    }
    pki_srv_json(rs, 200, j);
    pk_rstore_free(h);
    pk_rstore_free(d);
}

json_t *pki_srv_csaf_cert_advisories(pk_regsrv *s, pk_rstore *st, const char *cert_id,
                                     pk_rstore_role role)
{
    (void)s;
    char e[256];
    pk_csaf_hit_rows *h = NULL;
    if (pk_csaf_hits_open(st, NULL, NULL, cert_id, NULL, &h, e, sizeof e) != PK_OK)
        return NULL;
    json_t *arr = json_array();
    /* hits are sorted by advisory: one entry per advisory, its CVEs once */
    json_t *cur = NULL;
    const pk_csaf_hit_row *prev = NULL;
    for (size_t i = 0; arr && h && i < h->count; i++) {
        const pk_csaf_hit_row *x = &h->items[i];
        if (pki_csaf_tlp_status(role, pki_csaf_tlp(x->tlp)) != 200)
            continue;
        if (!prev || strcmp(prev->folder, x->folder) || strcmp(prev->advisory, x->advisory)) {
            cur = json_pack("{s:s,s:s,s:s,s:[]}", "id", x->advisory, "version", x->version, "tlp",
                            x->tlp, "cves");
            json_array_append_new(arr, cur);
            prev = x;
        }
        json_t *cves = json_object_get(cur, "cves");
        bool seen = false;
        for (size_t k = 0; k < json_array_size(cves) && !seen; k++)
            seen = !strcmp(json_string_value(json_array_get(cves, k)), x->cve);
        if (!seen)
            json_array_append_new(cves, json_string(x->cve));
    }
    pk_rstore_free(h);
    return arr;
}
