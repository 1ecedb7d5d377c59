/* Walking a provider tree (docs/csaf.md): its provider-metadata.json, the
 * changes.csv of each TLP it names (all read and parsed before any document
 * is delivered), each listed document with its .sha256, .sha512 and .asc,
 * then the aggregator's mirrors. Also the two public entry points and the
 * single vendor file. Every location is built from checked pieces and read
 * from the same origin or bundle, never from a URL the provider wrote. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "csafsync_int.h"

#define MAX_REL   768u
#define MAX_WHERE (PKI_CSYNC_MAX_URL + MAX_REL + 8)

typedef struct aux {
    uint8_t *b;
    size_t n;
} aux;

/* An optional file beside a document: absent is NULL; unreadable is an
 * error (a provider that lists a document must serve what goes with it). */
static bool get_aux(pki_csync_puller *p, const char *rel, const char *ext, size_t max, aux *a,
                    char *why, size_t wl)
{
    char r[MAX_REL + 16], e[512] = "";
    snprintf(r, sizeof r, "%s%s", rel, ext);
    pki_csync_got g = pki_csync_get(p->f, r, max, &a->b, &a->n, e, sizeof e);
    if (g == PKI_GOT_OK || g == PKI_GOT_ABSENT)
        return true;
    snprintf(why, wl, "%s: %s", ext, e);
    return false;
}

/* Fetches one listed document and what lies beside it, then judges it. */
static pk_status one_doc(pki_csync_puller *p, pki_csync_doc *d, const char *prefix)
{
    char rel[MAX_REL], what[MAX_WHERE], why[700] = "", e[512] = "";
    snprintf(rel, sizeof rel, "%s/%s", prefix, d->path);
    pki_csync_where(p->f, rel, what, sizeof what);
    aux body = {0}, h256 = {0}, h512 = {0}, sig = {0};
    pki_csync_got g = pki_csync_get(p->f, rel, PK_CSAF_MAX_BYTES, &body.b, &body.n, e, sizeof e);
    pk_status st = PK_OK;
    if (g != PKI_GOT_OK)
        snprintf(why, sizeof why, "cannot be read: %s", e);
    else if (get_aux(p, rel, ".sha256", PKI_CSYNC_MAX_HASHF, &h256, why, sizeof why) &&
             get_aux(p, rel, ".sha512", PKI_CSYNC_MAX_HASHF, &h512, why, sizeof why) &&
             get_aux(p, rel, ".asc", PKI_CSYNC_MAX_SIG, &sig, why, sizeof why)) {
        d->body = body.b;
        d->body_len = body.n;
        d->sha256 = (const char *)h256.b;
        d->sha256_len = h256.n;
        d->sha512 = (const char *)h512.b;
        d->sha512_len = h512.n;
        d->sig = sig.b;
        d->sig_len = sig.n;
        st = pki_csync_judge(p, d, what);
    }
    if (why[0]) {
        p->st->listed++;
        p->st->refused++;
        pki_csync_refuse(p, what, "%s", why);
    }
    pki_free(body.b);
    pki_free(h256.b);
    pki_free(h512.b);
    pki_free(sig.b);
    return st;
}

/* One provider whose tree starts at prefix ("/.well-known/csaf", a mirror's
 * "/.well-known/csaf-aggregator/<folder>", or "" for a bundle that is that
 * directory itself). PK_E_IO (err set, nothing delivered) when its metadata
 * or a changes.csv cannot be read or parsed. */
static pk_status pull_provider(pki_csync_puller *p, const char *prefix, char *err, size_t errlen)
{
    char rel[MAX_REL], what[MAX_WHERE], e[512] = "";
    snprintf(rel, sizeof rel, "%s/provider-metadata.json", prefix);
    pki_csync_where(p->f, rel, what, sizeof what);
    uint8_t *mb = NULL;
    size_t ml = 0;
    if (pki_csync_get(p->f, rel, PKI_CSYNC_MAX_META, &mb, &ml, e, sizeof e) != PKI_GOT_OK) {
        pki_csync_err(err, errlen, "%s: %s", what, e);
        return PK_E_IO;
    }
    pki_csync_meta m;
    pk_status st = pki_csync_meta_parse(mb, ml, &m, e, sizeof e);
    if (st != PK_OK) {
        pki_free(mb);
        pki_csync_err(err, errlen, "%s: %s", what, e);
        return st == PK_E_NOMEM ? st : PK_E_IO;
    }
    char provider_url[MAX_WHERE];
    snprintf(provider_url, sizeof provider_url, "%s", what);
    pki_csync_changes ch[4];
    memset(ch, 0, sizeof ch);
    for (unsigned i = 0; st == PK_OK && i < 4; i++) {
        if (!(m.tlps & (1u << i)))
            continue;
        snprintf(rel, sizeof rel, "%s/%s/changes.csv", prefix, pki_csync_tlp_name(1u << i));
        pki_csync_where(p->f, rel, what, sizeof what);
        uint8_t *cb = NULL;
        size_t cl = 0;
        pki_csync_got g = pki_csync_get(p->f, rel, PKI_CSYNC_MAX_CHANGES, &cb, &cl, e, sizeof e);
        /* a TLP this token may not read, or one without documents yet */
        if (g == PKI_GOT_DENIED || g == PKI_GOT_ABSENT)
            continue;
        if (g == PKI_GOT_OK)
            st = pki_csync_changes_parse(cb, cl, &ch[i], e, sizeof e);
        else
            st = PK_E_IO;
        pki_free(cb);
        if (st != PK_OK) {
            pki_csync_err(err, errlen, "%s: %s", what, e);
            st = st == PK_E_NOMEM ? st : PK_E_IO;
        }
    }
    char folder[300];
    if (st == PK_OK && (st = pki_csync_folder_for(p, m.publisher, folder, sizeof folder)) != PK_OK)
        pki_csync_err(err, errlen, "out of memory");
    for (unsigned i = 0; st == PK_OK && i < 4; i++) {
        const char *tlp = pki_csync_tlp_name(1u << i);
        size_t tl = strlen(tlp);
        for (size_t k = 0; st == PK_OK && k < ch[i].count; k++) {
            /* CSAF 2.0 §7.1.13 lists paths relative to the TLP directory
             * ("2026/x.json"); older parakhd wrote "<tlp>/2026/x.json".
             * Both name the same file: normalise to the latter. */
            char norm[300];
            const char *path = ch[i].items[k].path;
            if (strncmp(path, tlp, tl) != 0 || path[tl] != '/') {
                int nn = snprintf(norm, sizeof norm, "%s/%s", tlp, path);
                if (nn > 0 && (size_t)nn < sizeof norm)
                    path = norm;
            }
            const char *bad =
                !pki_csync_path_ok(path, strlen(path)) ? "not a plain <tlp>/<year>/<file>.json path"
                : (strncmp(path, tlp, tl) != 0 || path[tl] != '/') ? "not in this TLP's directory"
                                                                   : NULL;
            if (bad) {
                snprintf(rel, sizeof rel, "%s/%s/changes.csv", prefix, tlp);
                pki_csync_where(p->f, rel, what, sizeof what);
                p->st->listed++;
                p->st->refused++;
                pki_csync_refuse(p, what, "line %zu lists \"%.200s\": %s", k + 1, path, bad);
                continue;
            }
            if (p->cb->seen && p->cb->seen(p->cb->ctx, folder, path, ch[i].items[k].date)) {
                p->st->listed++;
                p->st->unchanged++;
                continue;
            }
            pki_csync_doc d = {.path = path,
                               .folder = folder,
                               .meta = &m,
                               .provider_url = provider_url,
                               .provider_metadata = mb,
                               .provider_metadata_len = ml,
                               .need_hashes = true};
            if ((st = one_doc(p, &d, prefix)) != PK_OK)
                pki_csync_err(err, errlen, "%s", p->fatal_err);
        }
    }
    for (unsigned i = 0; i < 4; i++)
        pki_csync_changes_free(&ch[i]);
    pki_csync_meta_free(&m);
    pki_free(mb);
    return st;
}

/* The upstream's aggregator.json, each mirror read beside it. A missing
 * aggregator.json means no mirrors; a broken one or a broken mirror is
 * reported and skipped. Returns non-PK_OK only for a fatal failure. */
static pk_status pull_mirrors(pki_csync_puller *p)
{
    static const char rel[] = "/.well-known/csaf-aggregator/aggregator.json";
    char what[MAX_WHERE], e[512] = "";
    pki_csync_where(p->f, rel, what, sizeof what);
    uint8_t *b = NULL;
    size_t n = 0;
    pki_csync_got g = pki_csync_get(p->f, rel, PKI_CSYNC_MAX_META, &b, &n, e, sizeof e);
    if (g == PKI_GOT_ABSENT || g == PKI_GOT_DENIED)
        return PK_OK;
    pki_csync_aggr a = {0};
    pk_status st = g == PKI_GOT_OK ? pki_csync_aggr_parse(b, n, &a, e, sizeof e) : PK_E_IO;
    pki_free(b);
    if (st != PK_OK) {
        pki_csync_refuse(p, what, "%s", e);
        return st == PK_E_NOMEM ? st : PK_OK;
    }
    for (size_t i = 0; st == PK_OK && i < a.count; i++) {
        char prefix[MAX_REL], err[1024] = "";
        snprintf(prefix, sizeof prefix, "/.well-known/csaf-aggregator/%s", a.items[i].dir);
        pk_status ps = pull_provider(p, prefix, err, sizeof err);
        if (ps == PK_E_IO) {
            snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix),
                     "/provider-metadata.json");
            pki_csync_where(p->f, prefix, what, sizeof what);
            pki_csync_refuse(p, what, "mirror of %.200s: %s", a.items[i].name, err);
        } else if (ps != PK_OK) {
            st = ps;
        }
    }
    pki_csync_aggr_free(&a);
    return st;
}

static pk_status run(pki_csync_puller *p, const char *prefix, bool mirrors, char *err,
                     size_t errlen)
{
    pk_status st = pull_provider(p, prefix, err, errlen);
    if (st == PK_E_IO && !p->fatal_err[0]) {
        char rel[MAX_REL], what[MAX_WHERE];
        snprintf(rel, sizeof rel, "%s/provider-metadata.json", prefix);
        pki_csync_where(p->f, rel, what, sizeof what);
        pki_csync_refuse(p, what, "provider not read, nothing taken from it: %s", err);
    }
    if (st == PK_OK && mirrors && p->o->follow_aggregator)
        st = pull_mirrors(p);
    if (st != PK_OK && p->fatal_err[0])
        pki_csync_err(err, errlen, "%s", p->fatal_err);
    return st;
}

pk_status pk_csaf_pull_url(const char *url, const pk_csaf_sync_opts *o, const pk_csaf_sync_cb *cb,
                           pk_csaf_sync_stats *st, char *err, size_t errlen)
{
    if (!url || !o || !cb || !cb->accept || !st)
        return PK_E_MISUSE;
    pki_csync_puller p;
    pk_status s = pki_csync_puller_init(&p, o, cb, st, err, errlen);
    if (s == PK_OK)
        s = pki_csync_fetch_url(url, o, &p.f, err, errlen);
    if (s == PK_OK)
        s = run(&p, "/.well-known/csaf", true, err, errlen);
    pki_csync_puller_clear(&p);
    return s;
}

/* One vendor document and the .sha256/.sha512/.asc beside it, if any. */
static pk_status pull_file(pki_csync_puller *p, const char *path, char *err, size_t errlen)
{
    char dir[4096], base[4096];
    snprintf(dir, sizeof dir, "%s", path);
    snprintf(base, sizeof base, "%s", path);
    char *dn = dirname(dir), *bn = basename(base);
    pk_status st = pki_csync_fetch_dir(dn, &p->f, err, errlen);
    if (st != PK_OK)
        return st;
    char rel[MAX_REL], why[700] = "", e[512] = "";
    if (strlen(bn) + 2 > sizeof rel) {
        pki_csync_err(err, errlen, "%s: the file name is too long", path);
        return PK_E_USAGE;
    }
    snprintf(rel, sizeof rel, "/%s", bn);
    aux body = {0}, h256 = {0}, h512 = {0}, sig = {0};
    if (pki_csync_get(p->f, rel, PK_CSAF_MAX_BYTES, &body.b, &body.n, e, sizeof e) != PKI_GOT_OK) {
        pki_csync_err(err, errlen, "%s: %s", path, e);
        return PK_E_IO;
    }
    if (get_aux(p, rel, ".sha256", PKI_CSYNC_MAX_HASHF, &h256, why, sizeof why) &&
        get_aux(p, rel, ".sha512", PKI_CSYNC_MAX_HASHF, &h512, why, sizeof why) &&
        get_aux(p, rel, ".asc", PKI_CSYNC_MAX_SIG, &sig, why, sizeof why)) {
        pki_csync_doc d = {.file_name = bn,
                           .provider_url = path,
                           .body = body.b,
                           .body_len = body.n,
                           .sha256 = (const char *)h256.b,
                           .sha256_len = h256.n,
                           .sha512 = (const char *)h512.b,
                           .sha512_len = h512.n,
                           .sig = sig.b,
                           .sig_len = sig.n};
        st = pki_csync_judge(p, &d, path);
        if (st != PK_OK)
            pki_csync_err(err, errlen, "%s", p->fatal_err);
    } else {
        p->st->listed++;
        p->st->refused++;
        pki_csync_refuse(p, path, "%s", why);
    }
    pki_free(body.b);
    pki_free(h256.b);
    pki_free(h512.b);
    pki_free(sig.b);
    return st;
}

pk_status pk_csaf_pull_dir(const char *path, const pk_csaf_sync_opts *o, const pk_csaf_sync_cb *cb,
                           pk_csaf_sync_stats *st, char *err, size_t errlen)
{
    if (!path || !o || !cb || !cb->accept || !st)
        return PK_E_MISUSE;
    pki_csync_puller p;
    pk_status s = pki_csync_puller_init(&p, o, cb, st, err, errlen);
    struct stat sb;
    if (s == PK_OK && stat(path, &sb) != 0) {
        pki_csync_err(err, errlen, "%s: %s", path, strerror(errno));
        s = PK_E_IO;
    }
    if (s == PK_OK && S_ISREG(sb.st_mode)) {
        s = pull_file(&p, path, err, errlen);
    } else if (s == PK_OK) {
        s = pki_csync_fetch_dir(path, &p.f, err, errlen);
        /* a copy of a web root, or the .well-known/csaf directory itself */
        uint8_t *b = NULL;
        size_t n = 0;
        char e[512];
        bool root =
            s == PK_OK && pki_csync_get(p.f, "/.well-known/csaf/provider-metadata.json",
                                        PKI_CSYNC_MAX_META, &b, &n, e, sizeof e) != PKI_GOT_ABSENT;
        pki_free(b);
        if (s == PK_OK)
            s = run(&p, root ? "/.well-known/csaf" : "", root, err, errlen);
    }
    pki_csync_puller_clear(&p);
    return s;
}
