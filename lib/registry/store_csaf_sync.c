/* The puller's callbacks onto the store (csaf_store.h "pulling into the
 * store"): parakhd's --upstream thread and `parakhd import` share them, so
 * a mirror and an import store documents the same way. */
#include <stdio.h>

#include "store_csaf_int.h"

static void logline(pk_csaf_sink *k, const char *what, const char *why)
{
    char line[2048];
    snprintf(line, sizeof line, "csaf-pull: refused %.900s: %.900s", what, why);
    if (k->log)
        k->log(k->log_ctx, line);
    else
        fprintf(stderr, "%s\n", line);
}

static bool cb_held(void *ctx, const char *folder, const char *tracking_id, char *buf, size_t cap)
{
    pk_csaf_sink *k = ctx;
    bool found = false;
    char e[256];
    if (pk_csaf_held(k->st, folder, tracking_id, buf, cap, &found, e, sizeof e) != PK_OK)
        return false;
    return found;
}

static pk_status cb_accept(void *ctx, const pk_csaf_pulled *d, char *err, size_t errlen)
{
    pk_csaf_sink *k = ctx;
    char source[PK_RSTORE_MAX_TEXT];
    const char *url = d->provider_url ? d->provider_url : "(bundle)";
    /* the puller's folder (from the publisher's name) is the store's too,
     * so one publisher reached through two mirrors is one folder */
    const char *folder = d->folder && *d->folder ? d->folder : "provider";
    snprintf(source, sizeof source, "%s %.3000s", k->source ? k->source : "pull", url);
    pk_csaf_ingest_doc in = {.folder = folder,
                             .provider_url = url,
                             .provider_metadata = d->provider_metadata,
                             .provider_metadata_len = d->provider_metadata_len,
                             .path = d->path,
                             .body = d->body,
                             .body_len = d->body_len,
                             .sha256_file = d->sha256_file,
                             .sha512_file = d->sha512_file,
                             .signature = d->signature,
                             .signature_len = d->signature_len,
                             .signer = d->signer,
                             .source = source,
                             .meta = d->meta};
    pk_csaf_ingest_result res;
    pk_status st = pk_csaf_ingest(k->st, &in, k->tmpdir, &res, err, errlen);
    if (st == PK_OK)
        k->stored++;
    return st;
}

static void cb_refuse(void *ctx, const char *what, const char *why)
{
    pk_csaf_sink *k = ctx;
    k->refused++;
    logline(k, what ? what : "?", why ? why : "?");
}

PK_API void pk_csaf_sink_callbacks(pk_csaf_sink *k, pk_csaf_sync_cb *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->ctx = k;
    cb->held = cb_held;
    cb->accept = cb_accept;
    cb->on_refuse = cb_refuse;
}
