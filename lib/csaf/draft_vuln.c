/* The vulnerabilities of a YAML draft (docs/csaf-draft.md): product status
 * from the products' versions, flags and impact threats (VEX 6.1.27.9),
 * remediations (6.1.27.10, 6.1.29), the CVSS v3 score computed from the
 * vector with parakh's own CVSS code (6.1.9 wants score and severity to
 * agree with the vector, so they are never typed by hand). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../vulndb/cvss.h"
#include "draft_int.h"

static bool pattern_id(const char *s, const char *prefix, size_t mind, size_t maxd)
{
    size_t pl = strlen(prefix);
    if (strncmp(s, prefix, pl))
        return false;
    size_t n = strspn(s + pl, "0123456789");
    return n >= mind && n <= maxd && !s[pl + n];
}

static bool is_cve(const char *s)
{
    return !strncmp(s, "CVE-", 4) && strspn(s + 4, "0123456789") == 4 && s[8] == '-' &&
           pattern_id(s + 9, "", 4, 16);
}

static void append_all(json_t *dst, const json_t *src)
{
    size_t i;
    json_t *v;
    json_array_foreach(src, i, v)
    {
        json_array_append(dst, v);
    }
}

static pk_status cvss(pki_draft *d, const pki_ynode *at, const char *vec, const json_t *ids,
                      json_t *scores)
{
    char ver[PKI_CVSS_VERSION_CAP];
    double score = 0;
    if (pki_cvss_base_score(vec, ver, &score) != 0 || strncmp(ver, "3.", 2))
        return pki_draft_fail(d, at, "cvss_v3 \"%.80s\" is not a CVSS 3.0 or 3.1 vector", vec);
    static const char *const sev[] = {"NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    pk_severity s = score == 0 ? PK_SEV_INFO : pki_cvss_severity(score);
    json_t *c = json_object(), *sc = json_object();
    json_object_set_new(c, "version", json_string(ver));
    json_object_set_new(c, "vectorString", json_string(vec));
    json_object_set_new(c, "baseScore", json_real(score));
    json_object_set_new(c, "baseSeverity", json_string(sev[(int)s <= 4 ? (int)s : 2]));
    json_object_set_new(sc, "cvss_v3", c);
    json_object_set_new(sc, "products", json_deep_copy(ids));
    json_array_append_new(scores, sc);
    return PK_OK;
}

static pk_status cwe(pki_draft *d, const pki_ynode *m, const char *w, json_t *v)
{
    static const char *const keys[] = {"id", "name", NULL};
    const char *id, *name;
    pk_status st = pki_draft_keys(d, m, keys, w);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "id", w, true, &id);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "name", w, true, &name);
    if (st == PK_OK && (!pattern_id(id, "CWE-", 1, 6) || id[4] == '0'))
        st = pki_draft_fail(d, m, "%s: id \"%.40s\" is not CWE-<number>", w, id);
    if (st != PK_OK)
        return st;
    json_t *c = json_object();
    json_object_set_new(c, "id", json_string(id));
    json_object_set_new(c, "name", json_string(name));
    json_object_set_new(v, "cwe", c);
    return PK_OK;
}

static pk_status remediation(pki_draft *d, const pki_ynode *m, const char *w, const json_t *ids,
                             json_t *v)
{
    static const char *const keys[] = {"category", "details", "url", NULL};
    static const char *const cats[] = {"mitigation", "no_fix_planned", "none_available",
                                       "vendor_fix", "workaround",     NULL};
    const char *cat, *details, *url;
    pk_status st = pki_draft_keys(d, m, keys, w);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "category", w, true, &cat);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "details", w, true, &details);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "url", w, false, &url);
    size_t k = 0;
    while (st == PK_OK && cats[k] && strcmp(cats[k], cat))
        k++;
    if (st == PK_OK && !cats[k])
        st = pki_draft_fail(d, m,
                            "%s: category \"%.40s\" is not mitigation, no_fix_planned, "
                            "none_available, vendor_fix or workaround",
                            w, cat);
    if (st == PK_OK && json_array_size(ids) == 0)
        st = pki_draft_fail(d, m, "%s: no affected or fixed product to remediate (CSAF 6.1.29)", w);
    if (st != PK_OK)
        return st;
    json_t *r = json_object(), *arr = json_array();
    json_object_set_new(r, "category", json_string(cat));
    json_object_set_new(r, "details", json_string(details));
    json_object_set_new(r, "product_ids", json_deep_copy(ids));
    if (url)
        json_object_set_new(r, "url", json_string(url));
    json_array_append_new(arr, r);
    json_object_set_new(v, "remediations", arr);
    return PK_OK;
}

/* Which products a vulnerability names: sel[i] set for each. */
static pk_status selection(pki_draft *d, const pki_ynode *m, const char *w, bool *sel)
{
    const pki_ynode *p = pki_ymap_get(m, "products");
    if (!p) {
        for (size_t i = 0; i < d->nprods; i++)
            sel[i] = true;
        return PK_OK;
    }
    if (p->kind != PKI_Y_SEQ || p->n == 0)
        return pki_draft_fail(d, p, "%s: products must be a list of product keys", w);
    for (size_t j = 0; j < p->n; j++) {
        size_t i = 0;
        while (p->vals[j]->kind == PKI_Y_SCALAR && i < d->nprods &&
               strcmp(d->prods[i].key, p->vals[j]->text))
            i++;
        if (p->vals[j]->kind != PKI_Y_SCALAR || i == d->nprods)
            return pki_draft_fail(d, p->vals[j], "%s: products[%zu] names no product's key", w, j);
        sel[i] = true;
    }
    return PK_OK;
}

/* flags (one per justification) and impact threats for the products. */
static void statements(pki_draft *d, const bool *sel, json_t *v)
{
    json_t *flags = json_array(), *threats = json_array();
    for (size_t i = 0; i < d->nprods; i++) {
        const pki_dprod *p = &d->prods[i];
        if (!sel[i])
            continue;
        if (p->justification && json_array_size(p->not_affected)) {
            size_t k;
            json_t *f, *hit = NULL;
            json_array_foreach(flags, k, f)
            {
                if (!strcmp(json_string_value(json_object_get(f, "label")), p->justification))
                    hit = f;
            }
            if (!hit) {
                hit = json_object();
                json_object_set_new(hit, "label", json_string(p->justification));
                json_object_set_new(hit, "product_ids", json_array());
                json_array_append_new(flags, hit);
            }
            append_all(json_object_get(hit, "product_ids"), p->not_affected);
        }
        if (p->impact && (json_array_size(p->not_affected) || json_array_size(p->affected))) {
            json_t *t = json_object(), *ids = json_array();
            append_all(ids, p->affected);
            append_all(ids, p->not_affected);
            json_object_set_new(t, "category", json_string("impact"));
            json_object_set_new(t, "details", json_string(p->impact));
            json_object_set_new(t, "product_ids", ids);
            json_array_append_new(threats, t);
        }
    }
    if (json_array_size(flags))
        json_object_set(v, "flags", flags);
    if (json_array_size(threats))
        json_object_set(v, "threats", threats);
    json_decref(flags);
    json_decref(threats);
}

static pk_status vuln(pki_draft *d, const pki_ynode *m, size_t i, const pki_ynode *seq, bool *sel,
                      json_t *v)
{
    static const char *const keys[] = {"cve",   "title",       "cwe",      "cvss_v3",
                                       "notes", "remediation", "products", NULL};
    char w[48];
    snprintf(w, sizeof w, "vulnerabilities[%zu]", i);
    const char *cve, *title, *vec;
    pk_status st = pki_draft_keys(d, m, keys, w);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "cve", w, true, &cve);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "title", w, false, &title);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "cvss_v3", w, false, &vec);
    if (st != PK_OK)
        return st;
    if (!is_cve(cve))
        return pki_draft_fail(d, pki_ymap_get(m, "cve"), "%s: \"%.40s\" is not a CVE id", w, cve);
    for (size_t j = 0; j < i; j++) {
        const pki_ynode *o = pki_ymap_get(seq->vals[j], "cve");
        if (o && o->kind == PKI_Y_SCALAR && !strcmp(o->text, cve))
            return pki_draft_fail(d, m, "%s: %s is already vulnerabilities[%zu] (CSAF 6.1.23)", w,
                                  cve, j);
    }
    json_object_set_new(v, "cve", json_string(cve));
    if (title)
        json_object_set_new(v, "title", json_string(title));
    const pki_ynode *c = pki_ymap_get(m, "cwe"), *n = pki_ymap_get(m, "notes");
    if (c && (st = cwe(d, c, w, v)) != PK_OK)
        return st;
    json_t *nt = NULL;
    if (!n)
        return pki_draft_fail(d, m, "%s: missing \"notes\" (CSAF 6.1.27.5)", w);
    if (n->kind == PKI_Y_SCALAR && n->len) {
        json_t *one = json_object();
        json_object_set_new(one, "category", json_string("description"));
        json_object_set_new(one, "text", json_string(n->text));
        json_object_set_new(one, "title", json_string("Description"));
        nt = json_array();
        json_array_append_new(nt, one);
    } else if ((st = pki_draft_notes(d, n, "notes", &nt)) != PK_OK) {
        return st;
    }
    json_object_set_new(v, "notes", nt);
    if ((st = selection(d, m, w, sel)) != PK_OK)
        return st;
    json_t *aff = json_array(), *fix = json_array(), *na = json_array(), *ps = json_object();
    for (size_t k = 0; k < d->nprods; k++)
        if (sel[k]) {
            append_all(aff, d->prods[k].affected);
            append_all(fix, d->prods[k].fixed);
            append_all(na, d->prods[k].not_affected);
        }
    if (json_array_size(aff))
        json_object_set(ps, "known_affected", aff);
    if (json_array_size(fix))
        json_object_set(ps, "fixed", fix);
    if (json_array_size(na))
        json_object_set(ps, "known_not_affected", na);
    json_object_set_new(v, "product_status", ps);
    statements(d, sel, v);
    const pki_ynode *rm = pki_ymap_get(m, "remediation");
    json_t *touched = json_array();
    append_all(touched, json_array_size(aff) ? aff : fix);
    if (rm)
        st = remediation(d, rm, w, touched, v);
    else if (d->vex && json_array_size(aff))
        st = pki_draft_fail(d, m,
                            "%s: a VEX needs a remediation for its affected products "
                            "(CSAF 6.1.27.10)",
                            w);
    if (st == PK_OK && vec) {
        json_t *scores = json_array();
        if (json_array_size(touched))
            st = cvss(d, pki_ymap_get(m, "cvss_v3"), vec, touched, scores);
        if (json_array_size(scores))
            json_object_set(v, "scores", scores);
        json_decref(scores);
    }
    json_decref(touched), json_decref(aff), json_decref(fix), json_decref(na);
    return st;
}

pk_status pki_draft_vulns(pki_draft *d, const pki_ynode *seq, json_t **out)
{
    if (!seq || seq->kind != PKI_Y_SEQ || seq->n == 0)
        return pki_draft_fail(d, seq, "\"vulnerabilities\" must be a list of at least one");
    if (seq->n > PKI_DRAFT_MAX_ITEMS)
        return pki_draft_fail(d, seq, "more than 1024 vulnerabilities");
    bool *sel = pki_calloc(d->nprods, sizeof *sel);
    if (!sel)
        return PK_E_NOMEM;
    *out = json_array();
    pk_status st = PK_OK;
    for (size_t i = 0; st == PK_OK && i < seq->n; i++) {
        memset(sel, 0, d->nprods * sizeof *sel);
        json_t *v = json_object();
        st = seq->vals[i]->kind == PKI_Y_MAP
                 ? vuln(d, seq->vals[i], i, seq, sel, v)
                 : pki_draft_fail(d, seq->vals[i], "vulnerabilities[%zu] must be a mapping", i);
        json_array_append_new(*out, v);
    }
    pki_free(sel);
    return st;
}
