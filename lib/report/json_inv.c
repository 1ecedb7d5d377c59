/* The native JSON report's inventory: every component with all its evidence
 * (the SBOM formats carry a summary of it; this is the analyst's full view). */
#include "report_int.h"

#include <parakh/vulndb.h>

#include <parakh/inventory.h>
#include <string.h>

static void set_s(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, pki_json_str(v, strlen(v)));
}

static json_t *comp_json(const pk_inventory *inv, const pk_comp *c)
{
    json_t *o = json_object();
    set_s(o, "ref", c->ref);
    set_s(o, "kind", pk_ckind_name(c->kind));
    set_s(o, "type", c->type);
    set_s(o, "namespace", c->ns);
    set_s(o, "name", c->name);
    set_s(o, "version", c->version);
    set_s(o, "arch", c->arch);
    set_s(o, "purl", c->purl);
    set_s(o, "cpe", c->cpe);
    set_s(o, "license", c->license);
    set_s(o, "supplier", c->supplier);
    set_s(o, "source_name", c->source_name);
    set_s(o, "source_version", c->source_version);
    set_s(o, "file", c->file_vpath);
    set_s(o, "sha256", c->sha256);
    json_object_set_new(o, "unattributed", json_boolean(c->unattributed));
    json_t *deps = json_array();
    for (size_t i = 0; i < c->ndeps; i++) {
        const char *r = pk_inventory_at(inv, c->deps[i])->ref;
        json_array_append_new(deps, pki_json_str(r, strlen(r)));
    }
    json_object_set_new(o, "depends_on", deps);
    json_t *ev = json_array();
    for (size_t i = 0; i < c->nev; i++) {
        const pk_cevidence *e = &c->ev[i];
        json_t *j = json_object();
        set_s(j, "vpath", e->vpath);
        set_s(j, "analyzer", e->analyzer);
        set_s(j, "rule", e->rule);
        set_s(j, "method", pk_cmethod_name(e->method));
        json_object_set_new(j, "confidence", json_integer(e->confidence));
        if (e->loc.offset != PK_LOC_NONE) {
            json_object_set_new(j, "offset", json_integer((json_int_t)e->loc.offset));
            json_object_set_new(j, "length", json_integer((json_int_t)e->loc.length));
        }
        set_s(j, "record", e->loc.record);
        if (e->matched.ptr && e->matched.len)
            json_object_set_new(j, "matched",
                                pki_json_str((const char *)e->matched.ptr, e->matched.len));
        json_array_append_new(ev, j);
    }
    json_object_set_new(o, "evidence", ev);
    if (c->nprops) {
        json_t *p = json_object();
        for (size_t i = 0; i < c->nprops; i++)
            set_s(p, c->props[i].key, c->props[i].value);
        json_object_set_new(o, "properties", p);
    }
    return o;
}

json_t *pki_report_components(const pk_scan *s, const pk_vulns *v, json_t *summary)
{
    /* With vulnerabilities, their inventory: matches refer to its indices. */
    pk_inventory *own = NULL;
    const pk_inventory *inv = v ? pk_vulns_inventory(v) : NULL;
    if (!inv) {
        if (pk_inventory_from_scan(s, &own) != PK_OK)
            return NULL;
        inv = own;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < pk_inventory_count(inv); i++)
        json_array_append_new(arr, comp_json(inv, pk_inventory_at(inv, i)));
    pk_inventory_stats st;
    pk_inventory_stats_get(inv, &st);
    json_t *is = json_object();
    json_object_set_new(is, "components", json_integer((json_int_t)st.components));
    json_object_set_new(is, "merged_evidence", json_integer((json_int_t)st.merged));
    json_object_set_new(is, "dependencies", json_integer((json_int_t)st.dependencies));
    json_object_set_new(is, "attributed_files", json_integer((json_int_t)st.attributed_files));
    json_object_set_new(is, "unattributed_executables",
                        json_integer((json_int_t)st.unattributed_files));
    json_object_set_new(summary, "inventory", is);
    pk_inventory_free(own);
    return arr;
}
