/* The puller (docs/csaf.md "Passing it on"): one engine over a fetcher (a
 * URL or a bundle directory). For a provider: provider-metadata.json and
 * every readable TLP's changes.csv are read first, so a provider that is
 * down or answers garbage delivers nothing; then each listed document is
 * checked in the order csaf_sync.h gives and handed to the caller. One bad
 * document never stops the rest. Then, when asked, the upstream's
 * aggregator.json mirrors, each read beside that aggregator.json. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csafsync_int.h"

#define MAX_FOLDERS 1024u

void pki_csync_refuse(pki_csync_puller *p, const char *what, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    for (char *c = why; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?'; /* a server's words end up in a log line */
    if (p->cb->on_refuse)
        p->cb->on_refuse(p->cb->ctx, what, why);
}

/* Lower-case hex of a digest of b. */
static void digest(const EVP_MD *md, const uint8_t *b, size_t n, char *hex)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (EVP_Digest(b, n, d, &dl, md, NULL) != 1)
        dl = 0;
    pki_hex(d, dl, hex);
}

/* A .sha256/.sha512 file: "<hex>" then optionally white space, an optional
 * '*' and the document's file name, then an optional line end. */
static bool hash_matches(const char *txt, size_t tl, size_t hexlen, const char *want,
                         const char *name)
{
    if (tl < hexlen || strncasecmp(txt, want, hexlen) != 0)
        return false;
    const char *p = txt + hexlen, *e = txt + tl;
    if (p < e && e[-1] == '\n')
        e--;
    if (p < e && e[-1] == '\r')
        e--;
    if (p == e)
        return true;
    if (*p != ' ' && *p != '\t')
        return false;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (p < e && *p == '*')
        p++;
    return (size_t)(e - p) == strlen(name) && memcmp(p, name, (size_t)(e - p)) == 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The folder for a publisher, unique within this pull (a clash of two
 * different names gets -2, -3, as docs/csaf.md says). */
pk_status pki_csync_folder_for(pki_csync_puller *p, const char *publisher, char *out, size_t cap)
{
    char base[300];
    pki_csync_folder(publisher, base, sizeof base);
    for (size_t i = 0; i < p->nfolders; i++)
        if (strcmp(p->folders[i].name, publisher) == 0) {
            snprintf(out, cap, "%s", p->folders[i].folder);
            return PK_OK;
        }
    snprintf(out, cap, "%s", base);
    for (unsigned k = 2;; k++) {
        bool used = false;
        for (size_t i = 0; !used && i < p->nfolders; i++)
            used = strcmp(p->folders[i].folder, out) == 0;
        if (!used)
            break;
        snprintf(out, cap, "%s-%u", base, k);
    }
    if (p->nfolders >= MAX_FOLDERS ||
        !pki_grow((void **)&p->folders, &p->capfolders, p->nfolders + 1, sizeof *p->folders))
        return PK_E_NOMEM;
    p->folders[p->nfolders].name = pki_strdup(publisher);
    p->folders[p->nfolders].folder = pki_strdup(out);
    if (!p->folders[p->nfolders].name || !p->folders[p->nfolders].folder) {
        pki_free(p->folders[p->nfolders].name);
        pki_free(p->folders[p->nfolders].folder);
        return PK_E_NOMEM;
    }
    p->nfolders++;
    return PK_OK;
}

/* Size, hashes, signature, schema and mandatory tests, the listed path,
 * "newer than held", then the caller. Counts one listed document. */
pk_status pki_csync_judge(pki_csync_puller *p, const pki_csync_doc *d, const char *what)
{
    p->st->listed++;
    char why[1024] = "", fpr[41] = "", h256[129], h512[129];
    pk_csaf_result *res = NULL;
    pk_csaf_meta meta;
    memset(&meta, 0, sizeof meta);
    bool have_meta = false;
    pk_status fatal = PK_OK;
    const char *name = d->path ? base_name(d->path) : d->file_name;
    if (d->body_len > PK_CSAF_MAX_BYTES) {
        snprintf(why, sizeof why, "over %u bytes", PK_CSAF_MAX_BYTES);
        goto refuse;
    }
    if ((d->need_hashes && !d->sha256) || (d->need_hashes && !d->sha512)) {
        snprintf(why, sizeof why, "no .%s file", d->sha256 ? "sha512" : "sha256");
        goto refuse;
    }
    if (d->sha256) {
        digest(EVP_sha256(), d->body, d->body_len, h256);
        if (!hash_matches(d->sha256, d->sha256_len, 64, h256, name)) {
            snprintf(why, sizeof why, "SHA-256 mismatch (or a malformed .sha256 file)");
            goto refuse;
        }
    }
    if (d->sha512) {
        digest(EVP_sha512(), d->body, d->body_len, h512);
        if (!hash_matches(d->sha512, d->sha512_len, 128, h512, name)) {
            snprintf(why, sizeof why, "SHA-512 mismatch (or a malformed .sha512 file)");
            goto refuse;
        }
    }
    if (!d->sig && !p->o->unsigned_ok) {
        snprintf(why, sizeof why, "no OpenPGP signature (.asc)");
        goto refuse;
    }
    if (d->sig) {
        if (!p->kr) {
            snprintf(why, sizeof why, "signed, but no keyring was given to verify it");
            goto refuse;
        }
        char e[512] = "";
        if (pki_csync_verify(p->kr, d->body, d->body_len, d->sig, d->sig_len, fpr, e, sizeof e) !=
            PK_OK) {
            snprintf(why, sizeof why, "%s", e);
            goto refuse;
        }
        bool listed = !d->meta; /* a vendor file has no provider metadata */
        for (size_t i = 0; d->meta && i < d->meta->nfprs; i++)
            listed = listed || strcmp(d->meta->fprs[i], fpr) == 0;
        if (!listed) {
            snprintf(why, sizeof why, "signed by %s, a key the provider metadata does not list",
                     fpr);
            goto refuse;
        }
    }
    char e[512] = "";
    pk_status cs = pk_csaf_check(d->body, d->body_len, p->o->schema_dir, &res, e, sizeof e);
    if (cs == PK_E_IO || cs == PK_E_NOMEM || cs == PK_E_INTERNAL) {
        /* the schemas are missing: every document would fail the same way */
        snprintf(p->fatal_err, sizeof p->fatal_err, "%s", e);
        fatal = cs;
        snprintf(why, sizeof why, "cannot be checked: %s", e);
        goto refuse;
    }
    if (cs != PK_OK) {
        snprintf(why, sizeof why, "not a CSAF document: %s", e);
        goto refuse;
    }
    if (!pk_csaf_result_valid(res)) {
        const pk_csaf_issue *is = pk_csaf_result_count(res) ? pk_csaf_result_at(res, 0) : NULL;
        snprintf(why, sizeof why, "invalid (%zu issues): %s %s %s", pk_csaf_result_count(res),
                 is ? is->test : "", is && is->path[0] ? is->path : "/", is ? is->message : "");
        goto refuse;
    }
    if (pk_csaf_meta_read(d->body, d->body_len, &meta, e, sizeof e) != PK_OK) {
        snprintf(why, sizeof why, "%s", e);
        goto refuse;
    }
    have_meta = true;
    /* where it is listed must be where its own tracking puts it */
    char want[400];
    const char *tlp = pki_csync_tlp_name(pki_csync_tlp_bit(meta.tlp, strlen(meta.tlp)));
    snprintf(want, sizeof want, "%s/%.4s/%s", tlp ? tlp : "?", meta.initial_release_date,
             meta.file_name);
    if (d->path && strcmp(want, d->path) != 0) {
        snprintf(why, sizeof why, "listed as %s, but its TLP, date and tracking id say %s", d->path,
                 want);
        goto refuse;
    }
    char folder[300];
    if (d->folder)
        snprintf(folder, sizeof folder, "%s", d->folder);
    else if ((fatal = pki_csync_folder_for(p, meta.publisher, folder, sizeof folder)) != PK_OK)
        goto refuse;
    char held[256];
    if (p->cb->held && p->cb->held(p->cb->ctx, folder, meta.tracking_id, held, sizeof held)) {
        bool ok = false;
        int c = pk_csaf_version_cmp(meta.version, held, &ok);
        if (!ok) {
            snprintf(why, sizeof why, "version %.60s cannot be compared with the held %.60s",
                     meta.version, held);
            goto refuse;
        }
        if (c <= 0) {
            p->st->unchanged++;
            goto done;
        }
    }
    pk_csaf_pulled out = {
        .folder = folder,
        .provider_url = d->provider_url,
        .provider_metadata = d->provider_metadata,
        .provider_metadata_len = d->provider_metadata_len,
        .path = d->path ? d->path : want,
        .body = d->body,
        .body_len = d->body_len,
        .sha256_file = d->sha256,
        .sha512_file = d->sha512,
        .signature = d->sig,
        .signature_len = d->sig_len,
        .signer = d->sig ? fpr : "none",
        .meta = &meta,
    };
    e[0] = 0;
    if (p->cb->accept(p->cb->ctx, &out, e, sizeof e) != PK_OK) {
        snprintf(why, sizeof why, "not stored: %s", e[0] ? e : "the store refused it");
        goto refuse;
    }
    p->st->accepted++;
    goto done;
refuse:
    p->st->refused++;
    pki_csync_refuse(p, what, "%s", why[0] ? why : "out of memory");
done:
    if (have_meta)
        pk_csaf_meta_free(&meta);
    pk_csaf_result_free(res);
    return fatal;
}

void pki_csync_puller_clear(pki_csync_puller *p)
{
    for (size_t i = 0; i < p->nfolders; i++) {
        pki_free(p->folders[i].name);
        pki_free(p->folders[i].folder);
    }
    pki_free(p->folders);
    pki_csync_keyring_close(p->kr);
    pki_csync_fetch_free(p->f);
}

pk_status pki_csync_puller_init(pki_csync_puller *p, const pk_csaf_sync_opts *o,
                                const pk_csaf_sync_cb *cb, pk_csaf_sync_stats *st, char *err,
                                size_t errlen)
{
    memset(p, 0, sizeof *p);
    memset(st, 0, sizeof *st);
    p->o = o;
    p->cb = cb;
    p->st = st;
    if (!o->keys_path && !o->unsigned_ok) {
        pki_csync_err(err, errlen, "no keyring (--keys) to verify signatures with");
        return PK_E_USAGE;
    }
    if (o->keys_path)
        return pki_csync_keyring_open(o->keys_path, &p->kr, err, errlen);
    return PK_OK;
}
