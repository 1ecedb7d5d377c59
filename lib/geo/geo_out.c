/* The join in the report: the JSON "endpoints" section
 * (docs/report.schema.json) and the text summary lines. */
#include "geo_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct tally {
    const char *key;
    size_t count;
    size_t first; /* index of the first endpoint, for the value list */
} tally;

static int tally_cmp(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static int tally_add(tally **t, size_t *n, size_t *cap, const char *key, size_t idx)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*t)[i].key, key) == 0) {
            (*t)[i].count++;
            return 0;
        }
    if (!pki_grow((void **)t, cap, *n + 1, sizeof **t))
        return -1;
    (*t)[(*n)++] = (tally){key, 1, idx};
    return 0;
}

/* Countries (NULL key "unknown") and classes over the counted endpoints. */
static int tallies(const pk_geo *g, tally **ct, size_t *nct, tally **cl, size_t *ncl)
{
    size_t capc = 0, capl = 0;
    *ct = *cl = NULL;
    *nct = *ncl = 0;
    for (size_t i = 0; i < g->n; i++) {
        const pki_geo_ep *e = &g->ep[i];
        if (e->documentation)
            continue;
        if (tally_add(ct, nct, &capc, e->country ? e->country : "unknown", i))
            return -1;
        /* keys point at the token inside the endpoint's list: up to ',' or NUL */
        for (const char *c = e->classes; c && *c;) {
            const char *ce = strchr(c, ',');
            size_t l = ce ? (size_t)(ce - c) : strlen(c);
            size_t j;
            for (j = 0; l && j < *ncl; j++)
                if (strncmp((*cl)[j].key, c, l) == 0 &&
                    ((*cl)[j].key[l] == 0 || (*cl)[j].key[l] == ','))
                    break;
            if (l && j < *ncl) {
                (*cl)[j].count++;
            } else if (l) {
                if (!pki_grow((void **)cl, &capl, *ncl + 1, sizeof **cl))
                    return -1;
                (*cl)[(*ncl)++] = (tally){c, 1, i};
            }
            c = ce ? ce + 1 : c + l;
        }
    }
    if (*nct)
        qsort(*ct, *nct, sizeof **ct, tally_cmp);
    return 0;
}

/* A class key points into a comma list: its length is up to the comma. */
static json_t *class_str(const char *k)
{
    const char *e = strchr(k, ',');
    return json_stringn(k, e ? (size_t)(e - k) : strlen(k));
}

static int add(json_t *o, const char *k, json_t *v)
{
    return !v || json_object_set_new(o, k, v) != 0;
}

static json_t *ep_json(const pk_geo *g, const pki_geo_ep *e)
{
    json_t *o = json_object(), *cls = json_array(), *occ = json_array();
    int bad = !o || !cls || !occ;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", e->classes);
    for (char *p = buf, *save = NULL, *c; !bad && (c = strtok_r(p, ",", &save)); p = NULL)
        bad = json_array_append_new(cls, json_string(c)) != 0;
    for (size_t i = 0; !bad && i < e->nocc; i++) {
        json_t *x = json_object();
        bad = !x || add(x, "vpath", json_string(e->occ[i].vpath)) ||
              add(x, "offset",
                  e->occ[i].offset == PK_LOC_NONE ? json_null()
                                                  : json_integer((json_int_t)e->occ[i].offset)) ||
              add(x, "count", json_integer((json_int_t)e->occ[i].count)) ||
              json_array_append_new(occ, x) != 0;
    }
    bad = bad || add(o, "value", json_string(e->value)) || add(o, "kind", json_string(e->kind)) ||
          add(o, "host", e->host ? json_string(e->host) : json_null()) ||
          add(o, "country", e->country ? json_string(e->country) : json_null()) ||
          add(o, "how", json_string(e->how ? e->how : "unknown")) ||
          json_object_set(o, "classes", cls) ||
          add(o, "documentation", json_boolean(e->documentation)) ||
          add(o, "total", json_integer((json_int_t)e->total)) ||
          json_object_set(o, "occurrences", occ) ||
          add(o, "occurrences_dropped", json_integer((json_int_t)e->more_occ));
    if (!bad && g->have_list)
        bad = add(o, "allowed", e->allowed < 0 ? json_null() : json_boolean(e->allowed));
    if (!bad && e->tracker_domain) {
        json_t *t = json_object();
        bad = !t || add(t, "domain", json_string(e->tracker_domain)) ||
              add(t, "owner", e->owner ? json_string(e->owner) : json_null()) ||
              add(t, "categories", json_string(e->categories ? e->categories : "")) ||
              add(t, "sources", json_string(e->tracker_sources ? e->tracker_sources : "")) ||
              add(o, "tracker", t);
    }
    json_decref(cls);
    json_decref(occ);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *pki_geo_json(const pk_geo *g)
{
    tally *ct = NULL, *cl = NULL;
    size_t nct = 0, ncl = 0;
    json_t *o = json_object(), *list = json_array(), *cj = json_array(), *kj = json_array(),
           *al = g->have_list ? json_array() : json_null();
    int bad = !o || !list || !cj || !kj || !al || tallies(g, &ct, &nct, &cl, &ncl) != 0;
    for (size_t i = 0; !bad && i < g->nallowed; i++)
        bad = json_array_append_new(al, json_string(g->allowed[i])) != 0;
    for (size_t i = 0; !bad && i < nct; i++) {
        json_t *x = json_object(), *vals = json_array();
        bad = !x || !vals;
        for (size_t j = ct[i].first; !bad && j < g->n; j++) {
            const pki_geo_ep *e = &g->ep[j];
            const char *k = e->country ? e->country : "unknown";
            if (!e->documentation && strcmp(k, ct[i].key) == 0)
                bad = json_array_append_new(vals, json_string(e->value)) != 0;
        }
        bad = bad || add(x, "country", json_string(ct[i].key)) ||
              add(x, "count", json_integer((json_int_t)ct[i].count)) || add(x, "endpoints", vals) ||
              json_array_append_new(cj, x) != 0;
        if (bad && !x)
            json_decref(vals);
    }
    for (size_t i = 0; !bad && i < ncl; i++) {
        json_t *x = json_object();
        bad = !x || add(x, "class", class_str(cl[i].key)) ||
              add(x, "count", json_integer((json_int_t)cl[i].count)) ||
              json_array_append_new(kj, x) != 0;
    }
    size_t docs = 0;
    for (size_t i = 0; !bad && i < g->n; i++) {
        docs += g->ep[i].documentation != 0;
        bad = json_array_append_new(list, ep_json(g, &g->ep[i])) != 0;
    }
    bad = bad || add(o, "count", json_integer((json_int_t)(g->n - docs))) ||
          add(o, "documentation", json_integer((json_int_t)docs)) ||
          add(o, "allowed_countries", json_incref(al)) ||
          add(o, "knowledge_base", json_boolean(g->have_db)) ||
          add(o, "findings", json_integer((json_int_t)g->nfind)) ||
          add(o, "truncated", json_integer((json_int_t)g->truncated)) ||
          add(o, "dropped", json_integer((json_int_t)g->dropped)) ||
          add(o, "countries", json_incref(cj)) || add(o, "classes", json_incref(kj)) ||
          add(o, "list", json_incref(list));
    pki_free(ct);
    pki_free(cl);
    json_decref(al);
    json_decref(cj);
    json_decref(kj);
    json_decref(list);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

void pki_geo_text(const pk_geo *g, FILE *out)
{
    tally *ct = NULL, *cl = NULL;
    size_t nct = 0, ncl = 0;
    if (!g || tallies(g, &ct, &nct, &cl, &ncl) != 0) {
        pki_free(ct);
        pki_free(cl);
        return;
    }
    size_t n = pk_geo_count(g);
    fprintf(out, "  endpoints: %zu", n);
    if (n) {
        fprintf(out, " (");
        for (size_t i = 0; i < nct && i < 12; i++)
            fprintf(out, "%s%s %zu", i ? ", " : "", ct[i].key, ct[i].count);
        fprintf(out, "%s)", nct > 12 ? ", ..." : "");
    }
    fprintf(out, "\n");
    if (ncl) {
        fprintf(out, "  endpoint classes:");
        for (size_t i = 0; i < ncl; i++) {
            const char *e = strchr(cl[i].key, ',');
            int l = e ? (int)(e - cl[i].key) : (int)strlen(cl[i].key);
            fprintf(out, "%s %.*s %zu", i ? "," : "", l, cl[i].key, cl[i].count);
        }
        fprintf(out, "\n");
    }
    if (g->have_list) {
        fprintf(out, "  allowed countries:");
        for (size_t i = 0; i < g->nallowed; i++)
            fprintf(out, "%s%s", i ? "," : " ", g->allowed[i]);
        fprintf(out, "; %zu endpoint finding(s)\n", g->nfind);
    }
    pki_free(ct);
    pki_free(cl);
}
