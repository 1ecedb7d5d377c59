/* Components added, removed, upgraded and downgraded (each ecosystem's
 * version order, lib/version/), and known vulnerabilities fixed and
 * introduced (docs/diff.md). */
#include "diff_int.h"

#include <string.h>

#include "../version/version_int.h"

/* The identity of a component without its version: the purl up to '@'
 * (qualifiers and subpath dropped, the arch kept: amd64 and i386 builds are
 * different components), else type/namespace/name. Arena string. */
static const char *comp_key(pki_diffctx *c, const json_t *comp)
{
    const char *purl = pki_dj_str(comp, "purl"), *arch = pki_dj_str(comp, "arch");
    if (purl && strncmp(purl, "pkg:", 4) == 0) {
        size_t end = strcspn(purl, "?#"), at = end;
        for (size_t i = 0; i < end; i++)
            if (purl[i] == '@')
                at = i;
        return pki_arena_printf(c->arena, "%.*s|%s", (int)(at > 4096 ? 4096 : at), purl,
                                arch ? arch : "");
    }
    const char *name = pki_dj_str(comp, "name");
    if (!name)
        return NULL;
    const char *type = pki_dj_str(comp, "type"), *ns = pki_dj_str(comp, "namespace");
    return pki_arena_printf(c->arena, "%s/%s/%s|%s", type ? type : "", ns ? ns : "", name,
                            arch ? arch : "");
}

static int collect(pki_diffctx *c, const pki_diff_side *s, pki_dents *d)
{
    size_t i;
    const json_t *v;
    json_array_foreach(pki_dj_arr(s->doc, "components"), i, v)
    {
        if (!pki_dj_str(v, "name"))
            continue;
        const char *k = comp_key(c, v);
        if (!k || pki_dents_add(d, k, pki_dj_str(v, "version"), v, NULL))
            return -1;
    }
    pki_dents_sort(d);
    return 0;
}

static pki_verscheme scheme_of(const json_t *comp)
{
    pki_verscheme s = pki_verscheme_for_purl_type(pki_dj_str(comp, "type"));
    return s == PKI_VS_NONE ? PKI_VS_GENERIC : s;
}

/* -1, 0, 1, or 2 when the versions cannot be ordered */
static int order(pki_verscheme s, const char *a, const char *b)
{
    int r;
    if (!a || !b)
        return 2;
    if (pki_vercmp(s, a, b, &r) != 0 &&
        (s == PKI_VS_GENERIC || pki_vercmp(PKI_VS_GENERIC, a, b, &r) != 0))
        return 2;
    return r < 0 ? -1 : r > 0;
}

static json_t *evidence(const json_t *comp)
{
    json_t *a = json_array();
    size_t i;
    const json_t *e;
    json_array_foreach(pki_dj_arr(comp, "evidence"), i, e)
    {
        if (!a || i >= 8)
            break;
        const char *vp = pki_dj_str(e, "vpath");
        if (vp && pki_dj_push(a, pki_dj_s(vp))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *comp_json(const pki_dent *o, const pki_dent *n, const char *scheme)
{
    const json_t *any = n ? n->obj : o->obj;
    json_t *j = json_object();
    const char *purl = pki_dj_str(any, "purl"), *type = pki_dj_str(any, "type");
    int bad = !j || pki_dj_set(j, "name", pki_dj_s(pki_dj_str(any, "name"))) ||
              (type && pki_dj_set(j, "type", pki_dj_s(type))) ||
              (purl && pki_dj_set(j, "purl", pki_dj_s(purl))) ||
              (o && o->ver && pki_dj_set(j, "old_version", pki_dj_s(o->ver))) ||
              (n && n->ver && pki_dj_set(j, "new_version", pki_dj_s(n->ver))) ||
              (scheme && pki_dj_set(j, "order", json_string(scheme))) ||
              (o && pki_dj_set(j, "old_evidence", evidence(o->obj))) ||
              (n && pki_dj_set(j, "new_evidence", evidence(n->obj)));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

typedef struct comp_lists {
    json_t *added, *removed, *upgraded, *downgraded, *changed;
} comp_lists;

static int pair(pki_diffctx *c, comp_lists *L, const pki_dent *o, const pki_dent *n)
{
    pki_verscheme s = scheme_of(n->obj);
    int r = order(s, o->ver, n->ver);
    const char *sn = r == 2 ? NULL : pki_verscheme_name(s);
    json_t *to = r == 2 ? L->changed : r < 0 ? L->upgraded : r > 0 ? L->downgraded : L->changed;
    if (r > 0 && r != 2)
        pki_diff_mark(c, PKI_W_DOWNGRADE);
    return pki_dj_push(to, comp_json(o, n, sn));
}

/* Insertion sort of a small group by the ecosystem's order (bytes when the
 * versions cannot be ordered), so that two versions of one name pair in order. */
static void sort_group(const pki_dent **g, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const pki_dent *x = g[i];
        size_t j = i;
        pki_verscheme s = scheme_of(x->obj);
        while (j > 0) {
            int r = order(s, g[j - 1]->ver, x->ver);
            if (r == 2)
                r = strcmp(g[j - 1]->ver ? g[j - 1]->ver : "", x->ver ? x->ver : "") > 0;
            if (r <= 0)
                break;
            g[j] = g[j - 1];
            j--;
        }
        g[j] = x;
    }
}

/* One name: versions on both sides are unchanged; what is left pairs up when
 * both sides have the same number, else it was added or removed. */
static int group(pki_diffctx *c, comp_lists *L, const pki_dent *o, size_t no, const pki_dent *n,
                 size_t nn)
{
    const pki_dent *lo[PKI_DIFF_MAX_GROUP], *ln[PKI_DIFF_MAX_GROUP];
    size_t klo = 0, kln = 0, i = 0, j = 0;
    int big = no > PKI_DIFF_MAX_GROUP || nn > PKI_DIFF_MAX_GROUP;
    while (i < no || j < nn) {
        int r = i >= no   ? 1
                : j >= nn ? -1
                          : strcmp(o[i].ver ? o[i].ver : "", n[j].ver ? n[j].ver : "");
        if (r == 0) {
            i++, j++;
        } else if (r < 0) {
            if (big || klo >= PKI_DIFF_MAX_GROUP) {
                if (pki_dj_push(L->removed, comp_json(&o[i], NULL, NULL)))
                    return -1;
            } else {
                lo[klo++] = &o[i];
            }
            i++;
        } else {
            if (big || kln >= PKI_DIFF_MAX_GROUP) {
                if (pki_dj_push(L->added, comp_json(NULL, &n[j], NULL)))
                    return -1;
            } else {
                ln[kln++] = &n[j];
            }
            j++;
        }
    }
    if (klo == kln) {
        sort_group(lo, klo);
        sort_group(ln, kln);
        for (size_t k = 0; k < klo; k++)
            if (pair(c, L, lo[k], ln[k]))
                return -1;
        return 0;
    }
    for (size_t k = 0; k < klo; k++)
        if (pki_dj_push(L->removed, comp_json(lo[k], NULL, NULL)))
            return -1;
    for (size_t k = 0; k < kln; k++)
        if (pki_dj_push(L->added, comp_json(NULL, ln[k], NULL)))
            return -1;
    return 0;
}

int pki_diff_components(pki_diffctx *c)
{
    pki_dents o = {0}, n = {0};
    json_t *sec = pki_diff_section(c, "components");
    comp_lists L = {pki_diff_list(sec, "added"), pki_diff_list(sec, "removed"),
                    pki_diff_list(sec, "upgraded"), pki_diff_list(sec, "downgraded"),
                    pki_diff_list(sec, "changed")};
    int bad = !L.added || !L.removed || !L.upgraded || !L.downgraded || !L.changed ||
              collect(c, &c->o, &o) || collect(c, &c->n, &n);
    size_t i = 0, j = 0;
    while (!bad && (i < o.n || j < n.n)) {
        int r = i >= o.n ? 1 : j >= n.n ? -1 : strcmp(o.v[i].key, n.v[j].key);
        size_t ie = i, je = j;
        if (r <= 0)
            while (ie < o.n && strcmp(o.v[ie].key, o.v[i].key) == 0)
                ie++;
        if (r >= 0)
            while (je < n.n && strcmp(n.v[je].key, n.v[j].key) == 0)
                je++;
        bad = group(c, &L, o.v + i, ie - i, n.v + j, je - j);
        i = ie;
        j = je;
    }
    pki_dents_free(&o);
    pki_dents_free(&n);
    return bad ? -1 : 0;
}

/* ---- known vulnerabilities ---- */

static int vuln_collect(pki_diffctx *c, const json_t *arr, pki_dents *d)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *id = pki_dj_str(v, "id");
        const json_t *comp = pki_dj_obj(v, "component");
        if (!id || pki_dj_bool(v, "suppressed") == 1)
            continue; /* suppressed by VEX: listed in the report, not a finding */
        const char *ck = comp ? comp_key(c, comp) : "";
        const char *k = ck ? pki_arena_printf(c->arena, "%s|%s", id, ck) : NULL;
        if (!k || pki_dents_add(d, k, NULL, v, NULL))
            return -1;
    }
    pki_dents_sort(d);
    return 0;
}

static json_t *vuln_json(const json_t *v)
{
    const json_t *comp = pki_dj_obj(v, "component"), *cvss = pki_dj_obj(v, "cvss");
    const json_t *score = cvss ? json_object_get(cvss, "score") : NULL;
    const char *ev = pki_dj_str(comp, "evidence");
    json_t *j = json_object();
    int bad =
        !j || pki_dj_set(j, "id", pki_dj_s(pki_dj_str(v, "id"))) ||
        pki_dj_set(j, "component", pki_dj_s(pki_dj_str(comp, "name"))) ||
        (pki_dj_str(comp, "version") &&
         pki_dj_set(j, "version", pki_dj_s(pki_dj_str(comp, "version")))) ||
        (pki_dj_str(v, "severity") &&
         pki_dj_set(j, "severity", pki_dj_s(pki_dj_str(v, "severity")))) ||
        (json_is_number(score) && pki_dj_set(j, "cvss", json_real(json_number_value(score)))) ||
        pki_dj_set(j, "kev", json_boolean(pki_dj_obj(v, "kev") != NULL)) ||
        (pki_dj_str(v, "fixed") && pki_dj_set(j, "fixed", pki_dj_s(pki_dj_str(v, "fixed")))) ||
        (ev && pki_dj_set(j, "evidence", pki_dj_s(ev)));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

int pki_diff_vulns(pki_diffctx *c)
{
    json_t *sec = pki_diff_section(c, "vulnerabilities");
    const json_t *ao = pki_dj_arr(c->o.doc, "vulnerabilities"),
                 *an = pki_dj_arr(c->n.doc, "vulnerabilities");
    if (!sec)
        return -1;
    if (!ao || !an)
        return pki_dj_set(sec, "compared", json_false()) ||
               pki_dj_set(sec, "reason",
                          json_string(!ao && !an ? "neither report was made with --db"
                                      : !ao      ? "the old report was made without --db"
                                                 : "the new report was made without --db"));
    json_t *intro = pki_diff_list(sec, "introduced"), *fixed = pki_diff_list(sec, "fixed"),
           *nowkev = pki_diff_list(sec, "now_kev");
    pki_dents o = {0}, n = {0};
    int bad = pki_dj_set(sec, "compared", json_true()) || !intro || !fixed || !nowkev ||
              vuln_collect(c, ao, &o) || vuln_collect(c, an, &n);
    size_t i = 0, j = 0;
    while (!bad && (i < o.n || j < n.n)) {
        int r = i >= o.n ? 1 : j >= n.n ? -1 : strcmp(o.v[i].key, n.v[j].key);
        if (r < 0) {
            bad = pki_dj_push(fixed, vuln_json(o.v[i].obj));
        } else if (r > 0) {
            bad = pki_dj_push(intro, vuln_json(n.v[j].obj));
            pki_diff_mark(c, PKI_W_VULN);
            if (pki_dj_obj(n.v[j].obj, "kev"))
                pki_diff_mark(c, PKI_W_KEV);
        } else if (!pki_dj_obj(o.v[i].obj, "kev") && pki_dj_obj(n.v[j].obj, "kev")) {
            /* still there, and now known to be exploited */
            bad = pki_dj_push(nowkev, vuln_json(n.v[j].obj));
            pki_diff_mark(c, PKI_W_KEV);
        }
        /* one entry per key: skip repeats on either side */
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
