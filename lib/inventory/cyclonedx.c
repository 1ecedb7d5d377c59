/* CycloneDX 1.6 / 1.5 JSON (bom-1.6.schema.json): the document, one component
 * object per inventory entry in inventory order, and the dependency graph.
 * Keys are added in a fixed order so the dump is stable. */
#include <string.h>

#include "writer_int.h"

#define SUBJECT_REF "parakh-subject"

/* Appends {alg, content} when v is hex of the algorithm's length (the schema
 * rejects anything else, and an SBOM read from elsewhere may carry it). */
static int add_hash(json_t *a, const char *alg, const char *v, size_t n)
{
    if (!pki_is_hex(v, n))
        return 0;
    json_t *h = json_object();
    if (pki_wappend(a, h) || json_object_set_new(h, "alg", json_string(alg)) ||
        pki_wset(h, "content", v))
        return -1;
    return 0;
}

static json_t *hashes(const pk_comp *c)
{
    json_t *a = json_array();
    if (!a || add_hash(a, "SHA-256", c->sha256, 64) || add_hash(a, "SHA-1", c->sha1, 40) ||
        add_hash(a, "MD5", c->md5, 32) || add_hash(a, "SHA-512", pk_comp_prop(c, "sha512"), 128)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* An SPDX id, else a valid expression, else the declared text as a name. */
static json_t *licenses(const char *declared)
{
    json_t *a = json_array();
    if (!a || !declared || !*declared)
        return a;
    char buf[1024];
    json_t *e = json_object();
    if (pki_wappend(a, e))
        goto fail;
    if (pki_license_id(declared, strlen(declared), buf, sizeof(buf))) {
        json_t *l = json_object();
        if (json_object_set_new(e, "license", l) || pki_wset(l, "id", buf))
            goto fail;
    } else if (pki_license_expr(declared, buf, sizeof(buf))) {
        if (pki_wset(e, "expression", buf))
            goto fail;
    } else {
        json_t *l = json_object();
        if (json_object_set_new(e, "license", l) || pki_wset(l, "name", declared))
            goto fail;
    }
    return a;
fail:
    json_decref(a);
    return NULL;
}

static int add_prop(json_t *a, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    json_t *p = json_object();
    return pki_wappend(a, p) || pki_wset(p, "name", name) || pki_wset(p, "value", value);
}

/* Props the writer already shows as fields are not repeated as properties. */
static int prop_is_field(const char *key)
{
    static const char *const used[] = {"sha512", "group", "download"};
    for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++)
        if (!strcmp(key, used[i]))
            return 1;
    return 0;
}

static json_t *properties(const pk_comp *c)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    int bad = (c->unattributed && add_prop(a, "parakh:unattributed", "true")) ||
              add_prop(a, "parakh:arch", c->arch) || add_prop(a, "parakh:distro", c->distro) ||
              add_prop(a, "parakh:file", c->file_vpath) ||
              add_prop(a, "parakh:source_name", c->source_name) ||
              add_prop(a, "parakh:source_version", c->source_version);
    for (size_t i = 0; !bad && i < c->nprops; i++) {
        const pk_kv *kv = &c->props[i];
        if (!kv->key || prop_is_field(kv->key))
            continue;
        size_t n = strlen(kv->key) + 8;
        char *name = pki_malloc(n);
        if (!name) {
            bad = 1;
            break;
        }
        snprintf(name, n, "parakh:%s", kv->key);
        bad = add_prop(a, name, kv->value);
        pki_free(name);
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *ext_refs(const pk_comp *c)
{
    json_t *a = json_array();
    if (!a || !c->homepage || !*c->homepage)
        return a;
    json_t *r = json_object();
    if (pki_wappend(a, r) || json_object_set_new(r, "type", json_string("website")) ||
        pki_wset(r, "url", c->homepage)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *component(const pk_comp *c, pki_sbom_fmt fmt)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const char *group = pk_comp_prop(c, "group");
    if (!group && c->type && !strcmp(c->type, "maven"))
        group = c->ns;
    int bad = json_object_set_new(o, "type", json_string(pk_ckind_name(c->kind))) ||
              pki_wset(o, "bom-ref", c->ref);
    if (!bad && c->supplier && *c->supplier) {
        json_t *s = json_object();
        bad = json_object_set_new(o, "supplier", s) || pki_wset(s, "name", c->supplier);
    }
    bad = bad || pki_wset(o, "author", c->author) || pki_wset(o, "group", group) ||
          json_object_set_new(o, "name", pki_wstr(c->name ? c->name : "")) ||
          pki_wset(o, "version", c->version) || pki_wset(o, "description", c->description) ||
          pki_wset_nonempty(o, "hashes", hashes(c)) ||
          pki_wset_nonempty(o, "licenses", licenses(c->license)) || pki_wset(o, "purl", c->purl) ||
          pki_wset(o, "cpe", c->cpe) || pki_wset_nonempty(o, "externalReferences", ext_refs(c)) ||
          pki_wset_nonempty(o, "properties", properties(c));
    if (!bad && c->nev) {
        json_t *ev = pki_cdx_evidence(c, fmt);
        bad = !ev || json_object_set_new(o, "evidence", ev);
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *metadata(const pki_wctx *w)
{
    const pk_sbom_subject *sub = pk_inventory_subject(w->inv);
    json_t *m = json_object(), *tools = json_object(), *tc = json_array(), *tool = json_object();
    json_t *subj = json_object();
    int bad = !m || !tools || !tc || !tool || !subj;
    bad = bad || pki_wset(m, "timestamp", w->timestamp) ||
          json_object_set_new(tool, "type", json_string("application")) ||
          pki_wset(tool, "name", "parakh") || pki_wset(tool, "version", w->tool_version);
    bad = bad || json_array_append(tc, tool) || json_object_set(tools, "components", tc) ||
          json_object_set(m, "tools", tools);
    bad = bad || json_object_set_new(subj, "type", json_string("application")) ||
          pki_wset(subj, "bom-ref", SUBJECT_REF) ||
          json_object_set_new(subj, "name",
                              pki_wstr(sub && sub->name && *sub->name ? sub->name : "unknown"));
    if (!bad && sub && pki_is_hex(sub->sha256, 64)) {
        json_t *h = json_array();
        bad = json_object_set_new(subj, "hashes", h) || add_hash(h, "SHA-256", sub->sha256, 64);
    }
    bad = bad || json_object_set(m, "component", subj);
    json_decref(tools);
    json_decref(tc);
    json_decref(tool);
    json_decref(subj);
    if (bad) {
        json_decref(m);
        return NULL;
    }
    return m;
}

static json_t *dep_entry(const char *ref, json_t *on)
{
    json_t *d = json_object();
    if (!on || !d || pki_wset(d, "ref", ref) || json_object_set(d, "dependsOn", on)) {
        json_decref(d);
        json_decref(on);
        return NULL;
    }
    json_decref(on);
    return d;
}

/* The subject depends on the components nothing else depends on (all of them
 * when every component is someone's dependency, as in a cycle). */
static json_t *dependencies(const pk_inventory *inv)
{
    size_t n = pk_inventory_count(inv);
    unsigned char *dep = pki_calloc(n ? n : 1, 1);
    json_t *a = json_array(), *top = json_array();
    if (!dep || !a || !top)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        for (size_t k = 0; k < c->ndeps; k++)
            if (c->deps[k] < n && c->deps[k] != i)
                dep[c->deps[k]] = 1;
    }
    size_t roots = 0;
    for (size_t i = 0; i < n; i++)
        roots += !dep[i];
    for (size_t i = 0; i < n; i++)
        if (!roots || !dep[i])
            if (pki_wappend(top, pki_wstr(pk_inventory_at(inv, i)->ref)))
                goto fail;
    if (pki_wappend(a, dep_entry(SUBJECT_REF, top))) {
        top = NULL;
        goto fail;
    }
    top = NULL;
    for (size_t i = 0; i < n; i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        json_t *on = json_array();
        int b = !on;
        for (size_t k = 0; !b && k < c->ndeps; k++)
            if (c->deps[k] < n)
                b = pki_wappend(on, pki_wstr(pk_inventory_at(inv, c->deps[k])->ref));
        if (b) {
            json_decref(on);
            goto fail;
        }
        if (pki_wappend(a, dep_entry(c->ref, on)))
            goto fail;
    }
    pki_free(dep);
    return a;
fail:
    pki_free(dep);
    json_decref(a);
    json_decref(top);
    return NULL;
}

json_t *pki_cdx_doc(const pki_wctx *w)
{
    json_t *d = json_object(), *comps = json_array();
    if (!d || !comps)
        goto fail;
    char serial[64];
    snprintf(serial, sizeof(serial), "urn:uuid:%s", w->uuid);
    int v15 = w->fmt == PKI_FMT_CDX15;
    int bad =
        pki_wset(d, "$schema",
                 v15 ? "http://cyclonedx.org/schema/bom-1.5.schema.json"
                     : "http://cyclonedx.org/schema/bom-1.6.schema.json") ||
        pki_wset(d, "bomFormat", "CycloneDX") || pki_wset(d, "specVersion", v15 ? "1.5" : "1.6") ||
        pki_wset(d, "serialNumber", serial) || json_object_set_new(d, "version", json_integer(1)) ||
        json_object_set_new(d, "metadata", metadata(w));
    size_t n = pk_inventory_count(w->inv);
    for (size_t i = 0; !bad && i < n; i++)
        bad = pki_wappend(comps, component(pk_inventory_at(w->inv, i), w->fmt));
    bad = bad || json_object_set(d, "components", comps) ||
          json_object_set_new(d, "dependencies", dependencies(w->inv));
    /* known vulnerabilities with their VEX analysis, when matched (cdx_vulns.c) */
    if (!bad && w->vulns)
        bad = json_object_set_new(d, "vulnerabilities", pki_cdx_vulns(w));
    json_decref(comps);
    if (bad) {
        json_decref(d);
        return NULL;
    }
    return d;
fail:
    json_decref(d);
    json_decref(comps);
    return NULL;
}
