/* parakhd's CSAF provider tree (docs/csaf.md "The provider tree"):
 * provider-metadata.json, ROLIE feeds and service document, changes.csv,
 * index.txt, documents with .sha256/.sha512/.asc, the OpenPGP key,
 * security.txt, and the aggregator's mirrors. Every TLP file is refused by
 * the TLP × role table before any lookup, so a 404 never says whether an
 * unreadable document exists. No directory listing is ever served. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "srv_csaf_int.h"

/* One path segment as the tree writes them: [a-z0-9+-_.], not starting
 * with '.', 1..255 bytes (also upper case for a fingerprint). */
static bool seg_ok(const char *p, size_t n)
{
    if (n == 0 || n > 255 || p[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!(isalnum(c) || c == '+' || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static bool path_ok(const char *p)
{
    for (;;) {
        const char *sl = strchr(p, '/');
        size_t n = sl ? (size_t)(sl - p) : strlen(p);
        if (!seg_ok(p, n))
            return false;
        if (!sl)
            return true;
        p = sl + 1;
    }
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The URL of folder's tree: ".../.well-known/csaf/" or
 * ".../.well-known/csaf-aggregator/<folder>/". */
static void tree_url(const pk_regsrv *s, const char *folder, char *out, size_t cap)
{
    const char *b = pki_csaf_cfg(s)->base_url;
    if (*folder)
        snprintf(out, cap, "%s/.well-known/csaf-aggregator/%s/", b, folder);
    else
        snprintf(out, cap, "%s/.well-known/csaf/", b);
}

static pk_rstore *store(pk_regsrv *s, pk_regsrv_response *rs)
{
    char e[PKI_SRV_ERRLEN];
    pk_rstore *st = pki_srv_store(s, e, sizeof e);
    if (!st)
        pki_srv_error(rs, 503, "the database failed");
    return st;
}

static json_t *default_publisher(const pk_regsrv *s)
{
    const pki_csaf_srv *c = pki_csaf_cfg(s);
    if (c->publisher)
        return json_deep_copy(c->publisher);
    return json_pack("{s:s,s:s,s:s}", "category", "other", "name", "parakhd", "namespace",
                     c->base_url);
}

/* The newest time a document of folder was stored, else now. */
static void last_updated(pk_regsrv *s, pk_rstore *st, const char *folder, char out[40])
{
    char now[32];
    pki_srv_now(s, now);
    snprintf(out, 40, "%s", now);
    pk_csaf_docs *d = NULL;
    char e[256];
    if (pk_csaf_list(st, folder, NULL, &d, e, sizeof e) == PK_OK && d) {
        const char *best = NULL;
        for (size_t i = 0; i < d->count; i++)
            if (!best || strcmp(d->items[i].stored, best) > 0)
                best = d->items[i].stored;
        if (best)
            snprintf(out, 40, "%s", best);
    }
    pk_rstore_free(d);
}

static void provider_metadata(pk_regsrv *s, pk_regsrv_response *rs)
{
    const pki_csaf_srv *c = pki_csaf_cfg(s);
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    char base[700], url[800], lu[40];
    tree_url(s, "", base, sizeof base);
    last_updated(s, st, "", lu);
    static const char *const uc[] = {"WHITE", "GREEN", "AMBER", "RED"};
    json_t *dist = json_array();
    for (int i = 0; dist && i < 4; i++) {
        char dir[800], feed[800], svc[800], summary[64];
        snprintf(dir, sizeof dir, "%s%s/", base, pki_csaf_tlp_lc(i));
        snprintf(feed, sizeof feed, "%sfeed-tlp-%s.json", base, pki_csaf_tlp_lc(i));
        snprintf(svc, sizeof svc, "%sservice.json", base);
        snprintf(summary, sizeof summary, "TLP:%s advisories", uc[i]);
        json_array_append_new(dist, json_pack("{s:s,s:{s:[{s:s,s:s,s:s}],s:[s]}}", "directory_url",
                                              dir, "rolie", "feeds", "summary", summary,
                                              "tlp_label", uc[i], "url", feed, "services", svc));
    }
    json_t *keys = json_array();
    if (keys && c->fpr[0]) {
        snprintf(url, sizeof url, "%sopenpgp/%s.asc", base, c->fpr);
        json_array_append_new(keys, json_pack("{s:s,s:s}", "fingerprint", c->fpr, "url", url));
    }
    snprintf(url, sizeof url, "%sprovider-metadata.json", base);
    json_t *j = json_pack("{s:s,s:o,s:s,s:b,s:s,s:b,s:o,s:o,s:s}", "canonical_url", url,
                          "distributions", dist, "last_updated", lu, "list_on_CSAF_aggregators", 1,
                          "metadata_version", "2.0", "mirror_on_CSAF_aggregators", 1,
                          "public_openpgp_keys", keys, "publisher", default_publisher(s), "role",
                          c->signer ? "csaf_trusted_provider" : "csaf_provider");
    pki_srv_json(rs, 200, j);
    rs->no_store = false;
}

static void service_doc(pk_regsrv *s, const char *folder, pk_regsrv_response *rs)
{
    char base[700];
    tree_url(s, folder, base, sizeof base);
    json_t *coll = json_array();
    for (int i = 0; coll && i < 4; i++) {
        char feed[800], title[64];
        snprintf(feed, sizeof feed, "%sfeed-tlp-%s.json", base, pki_csaf_tlp_lc(i));
        snprintf(title, sizeof title, "CSAF feed (TLP:%s)",
                 i == 0   ? "WHITE"
                 : i == 1 ? "GREEN"
                 : i == 2 ? "AMBER"
                          : "RED");
        json_array_append_new(coll, json_pack("{s:s,s:s,s:{s:[{s:s,s:s}]}}", "title", title, "href",
                                              feed, "categories", "category", "scheme",
                                              "urn:ietf:params:rolie:category:information-type",
                                              "term", "csaf"));
    }
    pki_srv_json(rs, 200,
                 json_pack("{s:{s:[{s:s,s:o}]}}", "service", "workspace", "title",
                           "CSAF advisories", "collection", coll));
    rs->content_type = "application/atomsvc+json";
}

static void feed(pk_regsrv *s, pk_rstore *st, const char *folder, int tlp, pk_regsrv_response *rs)
{
    char base[700], self[800], e[256], now[32];
    tree_url(s, folder, base, sizeof base);
    snprintf(self, sizeof self, "%sfeed-tlp-%s.json", base, pki_csaf_tlp_lc(tlp));
    pki_srv_now(s, now);
    pk_csaf_docs *d = NULL;
    static const char *const uc[] = {"WHITE", "GREEN", "AMBER", "RED"};
    if (pk_csaf_list(st, folder, uc[tlp], &d, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    json_t *entries = json_array();
    for (size_t i = 0; entries && d && i < d->count; i++) {
        const pk_csaf_doc *x = &d->items[i];
        char u[1800], h2[1810], h5[1810], sg[1810];
        snprintf(u, sizeof u, "%s%s", base, x->path);
        snprintf(h2, sizeof h2, "%s.sha256", u);
        snprintf(h5, sizeof h5, "%s.sha512", u);
        snprintf(sg, sizeof sg, "%s.asc", u);
        json_t *links = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "rel", "self", "href", u,
                                  "rel", "hash", "href", h2, "rel", "hash", "href", h5);
        if (links && x->signer && strcmp(x->signer, "none") != 0)
            json_array_append_new(links, json_pack("{s:s,s:s}", "rel", "signature", "href", sg));
        json_array_append_new(
            entries,
            json_pack("{s:s,s:s,s:o,s:s,s:s,s:{s:s},s:{s:s,s:s},s:{s:s,s:s}}", "id", x->tracking_id,
                      "title", x->title, "link", links, "published", x->initial_date, "updated",
                      x->current_date, "summary", "content", x->title, "content", "type",
                      "application/json", "src", u, "format", "schema",
                      "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version",
                      "2.0"));
    }
    char id[64], title[96];
    snprintf(id, sizeof id, "csaf-feed-tlp-%s", pki_csaf_tlp_lc(tlp));
    snprintf(title, sizeof title, "CSAF feed (TLP:%s)", uc[tlp]);
    pki_srv_json(rs, 200,
                 json_pack("{s:{s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}],s:s,s:o}}", "feed", "id", id,
                           "title", title, "link", "rel", "self", "href", self, "category",
                           "scheme", "urn:ietf:params:rolie:category:information-type", "term",
                           "csaf", "updated", now, "entry", entries));
    pk_rstore_free(d);
}

/* changes.csv (csv true) or index.txt of one TLP. */
static void listing(pk_rstore *st, const char *folder, int tlp, bool csv, pk_regsrv_response *rs)
{
    static const char *const uc[] = {"WHITE", "GREEN", "AMBER", "RED"};
    pk_csaf_docs *d = NULL;
    char e[256];
    if (pk_csaf_list(st, folder, uc[tlp], &d, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    size_t cap = 64, n = 0;
    for (size_t i = 0; d && i < d->count; i++)
        cap += 2 * (strlen(d->items[i].path) + strlen(d->items[i].current_date)) + 8;
    char *b = pki_malloc(cap);
    if (!b) {
        pk_rstore_free(d);
        pki_srv_error(rs, 500, "out of memory");
        return;
    }
    for (size_t i = 0; d && i < d->count; i++) {
        /* CSAF 2.0 §7.1.12/13: paths relative to the directory holding the
         * listing ("2026/x.json"); stored paths start with "<tlp>/" */
        const char *rel = strchr(d->items[i].path, '/');
        const char *f[2] = {rel ? rel + 1 : d->items[i].path, d->items[i].current_date};
        if (!csv) {
            n += (size_t)snprintf(b + n, cap - n, "%s\n", f[0]);
            continue;
        }
        for (int k = 0; k < 2; k++) {
            b[n++] = '"';
            for (const char *p = f[k]; *p; p++) {
                if (*p == '"')
                    b[n++] = '"';
                b[n++] = *p;
            }
            b[n++] = '"';
            b[n++] = k == 0 ? ',' : '\n';
        }
    }
    b[n] = 0;
    pk_regsrv_response_clear(rs);
    rs->status = 200;
    rs->content_type = csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
    rs->body = b;
    rs->body_len = n;
    rs->no_store = true;
    pk_rstore_free(d);
}

static void document(pk_rstore *st, const pki_caller *c, const char *folder, const char *path,
                     pk_regsrv_response *rs)
{
    char doc_path[PK_REGSRV_MAX_URL];
    int kind = 0; /* 0 document, 1 sha256, 2 sha512, 3 asc */
    snprintf(doc_path, sizeof doc_path, "%s", path);
    static const char *const suf[] = {".sha256", ".sha512", ".asc"};
    for (int k = 0; k < 3; k++)
        if (ends_with(doc_path, suf[k])) {
            doc_path[strlen(doc_path) - strlen(suf[k])] = 0;
            kind = k + 1;
        }
    if (!ends_with(doc_path, ".json")) {
        pki_srv_error(rs, 404, "no such resource");
        return;
    }
    pk_csaf_doc *d = NULL;
    char e[256];
    if (pk_csaf_doc_by_path(st, folder, doc_path, &d, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    /* the document's own TLP rules too (a mirror's path could differ) */
    if (!d || pki_csaf_tlp_refuse(c->role, pki_csaf_tlp(d->tlp), rs)) {
        if (!d)
            pki_srv_error(rs, 404, "no such document");
        pk_rstore_free(d);
        return;
    }
    if (kind == 0)
        pki_csaf_raw(rs, 200, "application/json", d->body.ptr, d->body.len);
    else if (kind == 1)
        pki_csaf_raw(rs, 200, "text/plain; charset=utf-8", d->sha256, strlen(d->sha256));
    else if (kind == 2)
        pki_csaf_raw(rs, 200, "text/plain; charset=utf-8", d->sha512, strlen(d->sha512));
    else if (d->signature.len)
        pki_csaf_raw(rs, 200, "application/pgp-signature", d->signature.ptr, d->signature.len);
    else
        pki_srv_error(rs, 404, "this document is not signed");
    pk_rstore_free(d);
}

/* A mirrored provider's own provider-metadata.json, byte for byte. */
static bool mirror_metadata(pk_rstore *st, const char *folder, pk_regsrv_response *rs)
{
    pk_csaf_providers *p = NULL;
    char e[256];
    if (pk_csaf_providers_all(st, &p, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return true;
    }
    bool found = false;
    for (size_t i = 0; p && i < p->count && !found; i++)
        if (!strcmp(p->items[i].folder, folder)) {
            found = true;
            pki_csaf_raw(rs, 200, "application/json", p->items[i].metadata.ptr,
                         p->items[i].metadata.len);
        }
    pk_rstore_free(p);
    return found;
}

void pki_csaf_tree_get(pk_regsrv *s, const pki_caller *c, const char *folder, const char *rest,
                       pk_regsrv_response *rs)
{
    if (!path_ok(rest)) {
        pki_srv_error(rs, 404, "no such resource");
        return;
    }
    const pki_csaf_srv *cfg = pki_csaf_cfg(s);
    if (!*folder && !strcmp(rest, "provider-metadata.json")) {
        provider_metadata(s, rs);
        return;
    }
    if (!strcmp(rest, "service.json")) {
        service_doc(s, folder, rs);
        return;
    }
    if (!*folder && !strncmp(rest, "openpgp/", 8)) {
        char want[128];
        snprintf(want, sizeof want, "openpgp/%s.asc", cfg->fpr);
        if (cfg->fpr[0] && cfg->pubkey && !strcmp(rest, want))
            pki_csaf_raw(rs, 200, "application/pgp-keys", cfg->pubkey, cfg->pubkey_len);
        else
            pki_srv_error(rs, 404, "no such key");
        return;
    }
    int tlp = -1;
    bool is_feed = !strncmp(rest, "feed-tlp-", 9) && ends_with(rest, ".json");
    if (is_feed) {
        char t[16];
        snprintf(t, sizeof t, "%.*s", (int)(strlen(rest) - 14 < 15 ? strlen(rest) - 14 : 15),
                 rest + 9);
        tlp = pki_csaf_tlp(t);
        if (tlp < 0 || strchr(t, 'A') || strchr(t, 'E')) { /* lower case names only */
            pki_srv_error(rs, 404, "no such feed");
            return;
        }
    } else {
        char t[16];
        size_t n = strcspn(rest, "/");
        snprintf(t, sizeof t, "%.*s", (int)(n < 15 ? n : 15), rest);
        tlp = n < 15 && rest[n] == '/' ? pki_csaf_tlp(t) : -1;
        if (tlp < 0 || strcmp(t, pki_csaf_tlp_lc(tlp)) != 0) {
            pki_srv_error(rs, 404, "no such resource");
            return;
        }
    }
    /* the TLP × role table, before any lookup */
    if (pki_csaf_tlp_refuse(c->role, tlp, rs))
        return;
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    const char *sub = strchr(rest, '/');
    if (is_feed)
        feed(s, st, folder, tlp, rs);
    else if (!strcmp(sub + 1, "changes.csv"))
        listing(st, folder, tlp, true, rs);
    else if (!strcmp(sub + 1, "index.txt"))
        listing(st, folder, tlp, false, rs);
    else
        document(st, c, folder, rest, rs);
}

static bool folder_known(pk_rstore *st, const char *folder)
{
    pk_csaf_providers *p = NULL;
    char e[256];
    bool found = false;
    if (pk_csaf_providers_all(st, &p, e, sizeof e) == PK_OK)
        for (size_t i = 0; p && i < p->count && !found; i++)
            found = !strcmp(p->items[i].folder, folder);
    pk_rstore_free(p);
    return found;
}

static void aggregator_json(pk_regsrv *s, pk_rstore *st, pk_regsrv_response *rs)
{
    pk_csaf_providers *p = NULL;
    char e[256], now[32];
    if (pk_csaf_providers_all(st, &p, e, sizeof e) != PK_OK) {
        pki_srv_error(rs, 503, "the database failed");
        return;
    }
    pki_srv_now(s, now);
    json_t *provs = json_array();
    for (size_t i = 0; provs && p && i < p->count; i++) {
        json_error_t je;
        json_t *m = json_loadb((const char *)p->items[i].metadata.ptr, p->items[i].metadata.len,
                               JSON_REJECT_DUPLICATES, &je);
        json_t *pub = json_object_get(m, "publisher");
        const char *role = json_string_value(json_object_get(m, "role"));
        const char *lu = json_string_value(json_object_get(m, "last_updated"));
        const char *cu = json_string_value(json_object_get(m, "canonical_url"));
        if (json_is_object(pub) && role && lu && cu) {
            char mirror[900], base[700];
            tree_url(s, p->items[i].folder, base, sizeof base);
            snprintf(mirror, sizeof mirror, "%sprovider-metadata.json", base);
            json_array_append_new(provs, json_pack("{s:{s:s,s:O,s:s,s:s},s:[s]}", "metadata",
                                                   "last_updated", lu, "publisher", pub, "role",
                                                   role, "url", cu, "mirrors", mirror));
        }
        json_decref(m);
    }
    pk_rstore_free(p);
    if (!provs || json_array_size(provs) == 0) {
        json_decref(provs);
        pki_srv_error(rs, 404, "this server mirrors no provider");
        return;
    }
    json_t *pub = default_publisher(s);
    json_t *agg = json_object();
    static const char *const keep[] = {"name", "namespace", "contact_details", "issuing_authority"};
    json_object_set_new(agg, "category", json_string("aggregator"));
    for (size_t i = 0; i < 4; i++)
        if (json_object_get(pub, keep[i]))
            json_object_set(agg, keep[i], json_object_get(pub, keep[i]));
    json_decref(pub);
    char url[800];
    snprintf(url, sizeof url, "%s/.well-known/csaf-aggregator/aggregator.json",
             pki_csaf_cfg(s)->base_url);
    pki_srv_json(rs, 200,
                 json_pack("{s:o,s:s,s:s,s:o,s:s}", "aggregator", agg, "aggregator_version", "2.0",
                           "canonical_url", url, "csaf_providers", provs, "last_updated", now));
}

void pki_csaf_aggregator_get(pk_regsrv *s, const pki_caller *c, const char *rest,
                             pk_regsrv_response *rs)
{
    if (!path_ok(rest)) {
        pki_srv_error(rs, 404, "no such resource");
        return;
    }
    pk_rstore *st = store(s, rs);
    if (!st)
        return;
    if (!strcmp(rest, "aggregator.json")) {
        aggregator_json(s, st, rs);
        return;
    }
    char folder[256];
    size_t n = strcspn(rest, "/");
    if (rest[n] != '/' || n >= sizeof folder) {
        pki_srv_error(rs, 404, "no such resource");
        return;
    }
    memcpy(folder, rest, n);
    folder[n] = 0;
    const char *sub = rest + n + 1;
    if (!strcmp(sub, "provider-metadata.json")) {
        if (!mirror_metadata(st, folder, rs))
            pki_srv_error(rs, 404, "no such mirrored provider");
        return;
    }
    if (!folder_known(st, folder)) {
        pki_srv_error(rs, 404, "no such mirrored provider");
        return;
    }
    pki_csaf_tree_get(s, c, folder, sub, rs);
}

void pki_csaf_security_txt(pk_regsrv *s, pk_regsrv_response *rs)
{
    const pki_csaf_srv *c = pki_csaf_cfg(s);
    const char *contact = json_string_value(json_object_get(c->publisher, "contact_details"));
    char b[2400], now[32];
    pki_srv_now(s, now);
    /* RFC 9116 wants Expires: a year from now (28 February for 29) */
    int y = 0;
    for (int i = 0; i < 4 && isdigit((unsigned char)now[i]); i++)
        y = y * 10 + (now[i] - '0');
    char md[8];
    snprintf(md, sizeof md, "%.5s", now + 5);
    if (!strcmp(md, "02-29"))
        snprintf(md, sizeof md, "02-28");
    int n = 0;
    if (contact && (!strncmp(contact, "mailto:", 7) || !strncmp(contact, "https://", 8)))
        n += snprintf(b + n, sizeof b - (size_t)n, "Contact: %.1000s\n", contact);
    n += snprintf(b + n, sizeof b - (size_t)n, "Expires: %04d-%sT00:00:00Z\n", y + 1, md);
    n += snprintf(b + n, sizeof b - (size_t)n,
                  "CSAF: %.600s/.well-known/csaf/provider-metadata.json\n", c->base_url);
    pki_csaf_raw(rs, 200, "text/plain; charset=utf-8", b, (size_t)n);
    rs->no_store = false;
}
