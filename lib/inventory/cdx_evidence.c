/* CycloneDX component evidence: how each piece of parakh evidence becomes
 * evidence.identity (1.6: an array; 1.5: one object, the strongest) and
 * evidence.occurrences (the files; 1.6 adds the byte offset and the record). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "writer_int.h"

static json_t *method_value(const pk_cevidence *e)
{
    const char *an = e->analyzer ? e->analyzer : "";
    const char *ru = e->rule ? e->rule : "";
    const char *rec = e->loc.record;
    size_t n = strlen(an) + strlen(ru) + (rec ? strlen(rec) : 0) + 4;
    char *buf = pki_malloc(n);
    if (!buf)
        return NULL;
    snprintf(buf, n, "%s/%s%s%s", an, ru, rec && *rec ? ": " : "", rec && *rec ? rec : "");
    json_t *j = pki_wstr(buf);
    pki_free(buf);
    return j;
}

static json_t *confidence(unsigned c)
{
    if (c > 100)
        c = 100;
    return json_real((double)c / 100.0);
}

/* The identity methods, one per piece of evidence, in evidence order. */
static json_t *methods(const pk_comp *c)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < c->nev; i++) {
        const pk_cevidence *e = &c->ev[i];
        json_t *m = json_object();
        if (pki_wappend(a, m) ||
            json_object_set_new(m, "technique", json_string(pk_cmethod_name(e->method))) ||
            json_object_set_new(m, "confidence", confidence(e->confidence)) ||
            json_object_set_new(m, "value", method_value(e))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *identity(const pk_comp *c)
{
    unsigned best = 0;
    for (size_t i = 0; i < c->nev; i++)
        if (c->ev[i].confidence > best)
            best = c->ev[i].confidence;
    json_t *id = json_object();
    if (!id || json_object_set_new(id, "field", json_string(c->purl ? "purl" : "name")) ||
        json_object_set_new(id, "confidence", confidence(best)) ||
        json_object_set_new(id, "methods", methods(c))) {
        json_decref(id);
        return NULL;
    }
    return id;
}

/* Earlier evidence with the same location (and, for 1.6, offset): the file is
 * listed once however many rules matched in it. pki_inv_finish sorts evidence
 * by vpath, so only the run of equal vpaths before i is compared. */
static int seen_before(const pk_comp *c, size_t i, int with_offset)
{
    const pk_cevidence *e = &c->ev[i];
    for (size_t k = i; k-- > 0;) {
        const pk_cevidence *p = &c->ev[k];
        if (!p->vpath || strcmp(p->vpath, e->vpath))
            return 0;
        if (!with_offset || p->loc.offset == e->loc.offset)
            return 1;
    }
    return 0;
}

static json_t *occurrences(const pk_comp *c, int v16)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < c->nev; i++) {
        const pk_cevidence *e = &c->ev[i];
        if (!e->vpath || !*e->vpath || seen_before(c, i, v16))
            continue;
        json_t *o = json_object();
        int bad = pki_wappend(a, o) || pki_wset(o, "location", e->vpath);
        if (v16 && !bad) {
            /* the schema's offset is a JSON integer: keep what fits in one */
            if (e->loc.offset != PK_LOC_NONE && e->loc.offset <= (uint64_t)INT64_MAX)
                bad = json_object_set_new(o, "offset", json_integer((json_int_t)e->loc.offset));
            if (!bad)
                bad = pki_wset(o, "additionalContext", e->loc.record);
        }
        if (bad) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *pki_cdx_evidence(const pk_comp *c, pki_sbom_fmt fmt)
{
    if (!c->nev)
        return NULL;
    int v16 = fmt != PKI_FMT_CDX15;
    json_t *ev = json_object(), *id = identity(c), *occ = occurrences(c, v16);
    if (!ev || !id || !occ)
        goto fail;
    if (v16) {
        json_t *arr = json_array();
        if (pki_wappend(arr, id)) {
            id = NULL;
            json_decref(arr);
            goto fail;
        }
        id = arr;
    }
    if (json_object_set_new(ev, "identity", id)) {
        id = NULL;
        goto fail;
    }
    id = NULL;
    if (json_array_size(occ)) {
        if (json_object_set_new(ev, "occurrences", occ)) {
            occ = NULL;
            goto fail;
        }
    } else {
        json_decref(occ);
    }
    return ev;
fail:
    json_decref(ev);
    json_decref(id);
    json_decref(occ);
    return NULL;
}
