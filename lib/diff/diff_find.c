/* New and gone capabilities (PK-CAP-*), secrets and keys (PK-SEC-*,
 * PK-KEY-*), endpoints and their countries, and cryptography assets with
 * their verdicts (docs/diff.md). Offsets move between versions, so a finding
 * is identified by its rule, its path inside the deliverable and what it
 * found, never by where. */
#include "diff_int.h"

#include <string.h>

/* What a secret finding found: the "sha256 <hex>" its message carries (the
 * secret itself is redacted), else the evidence bytes, else the record. */
static const char *finding_what(const json_t *f, char *buf, size_t cap)
{
    const char *m = pki_dj_str(f, "message"), *p = m ? strstr(m, "sha256 ") : NULL;
    if (p) {
        size_t n = strspn(p + 7, "0123456789abcdef");
        if (n >= 8) {
            snprintf(buf, cap, "%.*s", (int)(n < 64 ? n : 64), p + 7);
            return buf;
        }
    }
    const char *e = pki_dj_str(f, "evidence_hex");
    if (e)
        return e;
    const char *r = pki_dj_str(f, "record");
    return r ? r : "";
}

static int finding_collect(pki_diffctx *c, const pki_diff_side *s, pki_dents *cap, pki_dents *sec)
{
    size_t i;
    const json_t *v;
    char buf[80];
    json_array_foreach(pki_dj_arr(s->doc, "findings"), i, v)
    {
        const char *rid = pki_dj_str(v, "rule_id"), *vp = pki_dj_str(v, "vpath");
        if (!rid || !vp)
            continue;
        int is_cap = strncmp(rid, "PK-CAP-", 7) == 0;
        int is_sec = strncmp(rid, "PK-SEC-", 7) == 0 || strncmp(rid, "PK-KEY-", 7) == 0;
        if (!is_cap && !is_sec)
            continue;
        const char *np = pki_diff_norm(c, s, vp);
        /* a capability is one per rule and file; a secret is what it found */
        const char *k = !np      ? NULL
                        : is_cap ? pki_arena_printf(c->arena, "%s|%s", rid, np)
                                 : pki_arena_printf(c->arena, "%s|%s|%s", rid, np,
                                                    finding_what(v, buf, sizeof buf));
        if (!k || pki_dents_add(is_cap ? cap : sec, k, np, v, vp))
            return -1;
    }
    pki_dents_sort(cap);
    pki_dents_sort(sec);
    return 0;
}

static json_t *finding_json(const pki_dent *d)
{
    json_t *j = json_object();
    const json_t *off = json_object_get(d->obj, "offset");
    const char *sev = pki_dj_str(d->obj, "severity"), *msg = pki_dj_str(d->obj, "message");
    int bad = !j || pki_dj_set(j, "rule_id", pki_dj_s(pki_dj_str(d->obj, "rule_id"))) ||
              pki_dj_set(j, "path", pki_dj_s(d->ver)) ||
              pki_dj_set(j, "vpath", pki_dj_s(d->vpath)) ||
              (json_is_integer(off) && pki_dj_set(j, "offset", json_copy((json_t *)off))) ||
              (sev && pki_dj_set(j, "severity", pki_dj_s(sev))) ||
              (msg && pki_dj_set(j, "message", pki_dj_s(msg)));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* Merges sorted keyed entries: each key once per side; new ones go to nw
 * (and mark w), gone ones to gone. mk builds an entry's JSON. */
static int merge_sets(pki_diffctx *c, const pki_dents *o, const pki_dents *n, json_t *nw,
                      json_t *gone, int w, json_t *(*mk)(const pki_dent *))
{
    size_t i = 0, j = 0;
    int bad = 0;
    while (!bad && (i < o->n || j < n->n)) {
        int r = i >= o->n ? 1 : j >= n->n ? -1 : strcmp(o->v[i].key, n->v[j].key);
        if (r < 0) {
            bad = pki_dj_push(gone, mk(&o->v[i]));
        } else if (r > 0) {
            bad = pki_dj_push(nw, mk(&n->v[j]));
            if (w >= 0)
                pki_diff_mark(c, (pki_worse)w);
        }
        const char *ko = r <= 0 ? o->v[i].key : NULL, *kn = r >= 0 ? n->v[j].key : NULL;
        while (ko && i < o->n && strcmp(o->v[i].key, ko) == 0)
            i++;
        while (kn && j < n->n && strcmp(n->v[j].key, kn) == 0)
            j++;
    }
    return bad ? -1 : 0;
}

int pki_diff_findings(pki_diffctx *c)
{
    pki_dents oc = {0}, os = {0}, nc = {0}, ns = {0};
    json_t *cs = pki_diff_section(c, "capabilities"), *ss = pki_diff_section(c, "secrets");
    json_t *cn = pki_diff_list(cs, "new"), *cg = pki_diff_list(cs, "gone"),
           *sn = pki_diff_list(ss, "new"), *sg = pki_diff_list(ss, "gone");
    int bad = !cn || !cg || !sn || !sg || finding_collect(c, &c->o, &oc, &os) ||
              finding_collect(c, &c->n, &nc, &ns) ||
              merge_sets(c, &oc, &nc, cn, cg, PKI_W_CAPABILITY, finding_json) ||
              merge_sets(c, &os, &ns, sn, sg, PKI_W_SECRET, finding_json);
    pki_dents_free(&oc);
    pki_dents_free(&os);
    pki_dents_free(&nc);
    pki_dents_free(&ns);
    return bad ? -1 : 0;
}

/* ---- endpoints ---- */

/* From the report's endpoints section (one entry per value, with the
 * country when a knowledge base was used), else from each file's
 * facts.endpoints. Documentation endpoints (example.com, RFC 5737) are not
 * compared. 1 when the side has endpoint data, 0 when not, -1 on NOMEM. */
static int ep_collect(pki_diffctx *c, const pki_diff_side *s, int from_section, pki_dents *d)
{
    size_t i, k;
    const json_t *v, *e;
    if (from_section) {
        json_array_foreach(pki_dj_arr(pki_dj_obj(s->doc, "endpoints"), "list"), i, v)
        {
            const char *val = pki_dj_str(v, "value");
            if (!val || pki_dj_bool(v, "documentation") == 1)
                continue;
            const json_t *occ = json_array_get(pki_dj_arr(v, "occurrences"), 0);
            const char *vp = pki_dj_str(occ, "vpath");
            if (pki_dents_add(d, val, vp ? pki_diff_norm(c, s, vp) : NULL, v, vp))
                return -1;
        }
        pki_dents_sort(d);
        return 1;
    }
    int have = 0;
    json_array_foreach(pki_dj_arr(s->doc, "files"), i, v)
    {
        const json_t *ep = pki_dj_obj(pki_dj_obj(v, "facts"), "endpoints");
        const char *vp = pki_dj_str(v, "vpath");
        if (!ep || !vp)
            continue;
        have = 1;
        json_array_foreach(pki_dj_arr(ep, "list"), k, e)
        {
            const char *val = pki_dj_str(e, "value");
            if (val && pki_dents_add(d, val, pki_diff_norm(c, s, vp), e, vp))
                return -1;
        }
    }
    pki_dents_sort(d);
    return have || pki_dj_obj(s->doc, "endpoints");
}

static json_t *ep_json(const pki_dent *d)
{
    json_t *j = json_object(), *cls = json_array();
    const char *kind = pki_dj_str(d->obj, "kind"), *host = pki_dj_str(d->obj, "host"),
               *cc = pki_dj_str(d->obj, "country");
    size_t i;
    const json_t *v;
    int bad = !j || !cls;
    json_array_foreach(pki_dj_arr(d->obj, "classes"), i, v) if (!bad && json_is_string(v)) bad =
        pki_dj_push(cls, json_copy((json_t *)v));
    bad = bad || pki_dj_set(j, "value", pki_dj_s(d->key)) ||
          (kind && pki_dj_set(j, "kind", pki_dj_s(kind))) ||
          (host && pki_dj_set(j, "host", pki_dj_s(host))) ||
          (cc && pki_dj_set(j, "country", pki_dj_s(cc))) || json_object_set(j, "classes", cls) ||
          (d->ver && pki_dj_set(j, "path", pki_dj_s(d->ver))) ||
          (d->vpath && pki_dj_set(j, "vpath", pki_dj_s(d->vpath)));
    json_decref(cls);
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *country_json(const pki_dent *d)
{
    return pki_dj_s(d->key);
}

static int countries(pki_diffctx *c, json_t *sec)
{
    const json_t *eo = pki_dj_obj(c->o.doc, "endpoints"), *en = pki_dj_obj(c->n.doc, "endpoints");
    json_t *cs = json_object();
    if (pki_dj_set(sec, "countries", cs))
        return -1;
    if (!eo || !en || pki_dj_bool(eo, "knowledge_base") != 1 ||
        pki_dj_bool(en, "knowledge_base") != 1)
        return pki_dj_set(cs, "compared", json_false()) ||
               pki_dj_set(cs, "reason",
                          json_string(!eo || !en ? "a report has no endpoints section"
                                                 : "a report was made without an IP-country "
                                                   "knowledge base (countries unknown)"));
    pki_dents o = {0}, n = {0};
    json_t *nw = pki_diff_list(cs, "new"), *gone = pki_diff_list(cs, "gone");
    int bad = !nw || !gone || pki_dj_set(cs, "compared", json_true());
    for (int side = 0; !bad && side < 2; side++) {
        size_t i;
        const json_t *v;
        json_array_foreach(pki_dj_arr(side ? en : eo, "countries"), i, v)
        {
            const char *cc = pki_dj_str(v, "country");
            if (!bad && cc && strcmp(cc, "unknown") != 0)
                bad = pki_dents_add(side ? &n : &o, cc, NULL, v, NULL);
        }
    }
    pki_dents_sort(&o);
    pki_dents_sort(&n);
    bad = bad || merge_sets(c, &o, &n, nw, gone, PKI_W_COUNTRY, country_json);
    pki_dents_free(&o);
    pki_dents_free(&n);
    return bad ? -1 : 0;
}

int pki_diff_endpoints(pki_diffctx *c)
{
    json_t *sec = pki_diff_section(c, "endpoints");
    if (!sec)
        return -1;
    int both = pki_dj_obj(c->o.doc, "endpoints") && pki_dj_obj(c->n.doc, "endpoints");
    pki_dents o = {0}, n = {0};
    int ho = ep_collect(c, &c->o, both, &o), hn = ho < 0 ? -1 : ep_collect(c, &c->n, both, &n);
    int bad = ho < 0 || hn < 0;
    if (!bad && (!ho || !hn)) {
        bad = pki_dj_set(sec, "compared", json_false()) ||
              pki_dj_set(sec, "reason",
                         json_string(!ho && !hn ? "neither report has endpoint data (made "
                                                  "before the endpoints analyzer?)"
                                     : !ho      ? "the old report has no endpoint data"
                                                : "the new report has no endpoint data")) ||
              countries(c, sec);
    } else if (!bad) {
        json_t *nw = pki_diff_list(sec, "new"), *gone = pki_diff_list(sec, "gone");
        bad = !nw || !gone || pki_dj_set(sec, "compared", json_true()) ||
              pki_dj_set(sec, "source", json_string(both ? "section" : "facts")) ||
              merge_sets(c, &o, &n, nw, gone, -1, ep_json) || countries(c, sec);
    }
    pki_dents_free(&o);
    pki_dents_free(&n);
    return bad ? -1 : 0;
}

/* ---- cryptography ---- */

/* How bad a verdict is; -1 when it says nothing (unknown, absent). */
static int status_rank(const char *s)
{
    static const char *const R[] = {"approved",   "national",     "legacy-use",
                                    "deprecated", "not-approved", "disallowed"};
    for (int i = 0; s && i < 6; i++)
        if (strcmp(s, R[i]) == 0)
            return i;
    return -1;
}

static json_t *asset_json(const pki_dent *o, const pki_dent *n)
{
    const json_t *any = n ? n->obj : o->obj;
    const json_t *w = json_array_get(pki_dj_arr(any, "where"), 0);
    const char *so = o ? pki_dj_str(o->obj, "status") : NULL,
               *sn = n ? pki_dj_str(n->obj, "status") : NULL, *vp = pki_dj_str(w, "vpath");
    json_t *j = json_object();
    int bad = !j || pki_dj_set(j, "ref", pki_dj_s(pki_dj_str(any, "ref"))) ||
              pki_dj_set(j, "kind", pki_dj_s(pki_dj_str(any, "kind"))) ||
              pki_dj_set(j, "name", pki_dj_s(pki_dj_str(any, "name"))) ||
              (so && pki_dj_set(j, "old_status", pki_dj_s(so))) ||
              (sn && pki_dj_set(j, "new_status", pki_dj_s(sn))) ||
              (vp && pki_dj_set(j, "vpath", pki_dj_s(vp)));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *asset_new(const pki_dent *d)
{
    return asset_json(NULL, d);
}

/* A library's ref carries its purl with the version
 * ("crypto:library:pkg:deb/debian/libssl3@3.0.17-1?arch=amd64"): an upgraded
 * library is the same asset, so the version is dropped from the key. */
static const char *asset_key(pki_diffctx *c, const char *ref)
{
    const char *at = strncmp(ref, "crypto:library:pkg:", 19) == 0 ? strchr(ref, '@') : NULL;
    if (!at)
        return ref;
    size_t rest = strcspn(at, "?#");
    return pki_arena_printf(c->arena, "%.*s%s", (int)(at - ref > 4096 ? 4096 : at - ref), ref,
                            at + rest);
}

int pki_diff_crypto(pki_diffctx *c)
{
    json_t *sec = pki_diff_section(c, "crypto");
    const json_t *ao = pki_dj_arr(pki_dj_obj(c->o.doc, "crypto"), "assets"),
                 *an = pki_dj_arr(pki_dj_obj(c->n.doc, "crypto"), "assets");
    if (!sec)
        return -1;
    if (!ao || !an)
        return pki_dj_set(sec, "compared", json_false()) ||
               pki_dj_set(sec, "reason",
                          json_string(!ao && !an ? "neither report has a crypto section"
                                      : !ao      ? "the old report has no crypto section"
                                                 : "the new report has no crypto section"));
    json_t *nw = pki_diff_list(sec, "new"), *gone = pki_diff_list(sec, "gone"),
           *chg = pki_diff_list(sec, "status_changed");
    pki_dents o = {0}, n = {0};
    int bad = !nw || !gone || !chg || pki_dj_set(sec, "compared", json_true());
    for (int side = 0; !bad && side < 2; side++) {
        size_t i;
        const json_t *v;
        json_array_foreach(side ? an : ao, i, v)
        {
            const char *ref = pki_dj_str(v, "ref"), *k = ref ? asset_key(c, ref) : NULL;
            if (!bad && ref)
                bad = !k || pki_dents_add(side ? &n : &o, k, NULL, v, NULL);
        }
    }
    pki_dents_sort(&o);
    pki_dents_sort(&n);
    size_t i = 0, j = 0;
    while (!bad && (i < o.n || j < n.n)) {
        int r = i >= o.n ? 1 : j >= n.n ? -1 : strcmp(o.v[i].key, n.v[j].key);
        if (r < 0) {
            bad = pki_dj_push(gone, asset_json(&o.v[i], NULL));
        } else if (r > 0) {
            bad = pki_dj_push(nw, asset_new(&n.v[j]));
            /* new use of a weak algorithm or protocol */
            if (status_rank(pki_dj_str(n.v[j].obj, "status")) >= 2)
                pki_diff_mark(c, PKI_W_CRYPTO);
        } else {
            int a = status_rank(pki_dj_str(o.v[i].obj, "status")),
                b = status_rank(pki_dj_str(n.v[j].obj, "status"));
            if (a >= 0 && b >= 0 && a != b) {
                bad = pki_dj_push(chg, asset_json(&o.v[i], &n.v[j]));
                if (b > a)
                    pki_diff_mark(c, PKI_W_CRYPTO);
            }
        }
        const char *ko = r <= 0 ? o.v[i].key : NULL, *kn = r >= 0 ? n.v[j].key : NULL;
        while (ko && i < o.n && strcmp(o.v[i].key, ko) == 0)
            i++;
        while (kn && j < n.n && strcmp(n.v[j].key, kn) == 0)
            j++;
    }
    pki_dents_free(&o);
    pki_dents_free(&n);
    return bad ? -1 : 0;
}
