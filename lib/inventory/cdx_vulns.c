/* CycloneDX vulnerabilities (bom-1.6.schema.json "vulnerability"; every field
 * used here exists in 1.5): one entry per match, that is per (vulnerability,
 * component), because a VEX analysis is per component: log4j-core may be
 * not_affected in one place and exploitable in another. Reads the matches
 * through the public API only (include/parakh/vulndb.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parakh/vulndb.h"
#include "writer_int.h"

/* Who publishes an id and where its page is. Only a plain id goes into a URL. */
typedef struct idsrc {
    const char *name;
    char url[320];
} idsrc;

static int plain(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (!n || n > 200)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':'))
            return 0;
    }
    return 1;
}

static void id_source(const char *id, idsrc *s)
{
    static const struct {
        const char *prefix, *name, *url;
    } known[] = {
        {"CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/"},
        {"GHSA-", "GitHub Advisories", "https://github.com/advisories/"},
        {"DSA-", "Debian", "https://security-tracker.debian.org/tracker/"},
        {"DLA-", "Debian", "https://security-tracker.debian.org/tracker/"},
        {"RHSA-", "Red Hat", "https://access.redhat.com/errata/"},
    };
    const char *base = "https://osv.dev/vulnerability/";
    s->name = "OSV";
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strncmp(id, known[i].prefix, strlen(known[i].prefix))) {
            s->name = known[i].name;
            base = known[i].url;
            break;
        }
    s->url[0] = 0;
    if (plain(id))
        snprintf(s->url, sizeof s->url, "%s%s", base, id);
}

static json_t *source_obj(const char *name, const char *url)
{
    json_t *o = json_object();
    if (!o || pki_wset(o, "name", name) || pki_wset(o, "url", url)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *id_source_obj(const char *id)
{
    idsrc s;
    id_source(id, &s);
    return source_obj(s.name, s.url);
}

static int set_new(json_t *o, const char *key, json_t *v)
{
    return !v || json_object_set_new(o, key, v);
}

static json_t *references(const pk_vuln *x)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < x->naliases; i++) {
        if (!x->aliases[i] || !*x->aliases[i])
            continue;
        json_t *r = json_object();
        if (pki_wappend(a, r) || pki_wset(r, "id", x->aliases[i]) ||
            set_new(r, "source", id_source_obj(x->aliases[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* CycloneDX scoreMethod of a CVSS version. */
static const char *score_method(const char *version)
{
    if (!version)
        return "other";
    if (!strcmp(version, "3.1"))
        return "CVSSv31";
    if (!strcmp(version, "3.0"))
        return "CVSSv3";
    if (!strcmp(version, "2.0"))
        return "CVSSv2";
    if (!strcmp(version, "4.0"))
        return "CVSSv4";
    return "other";
}

/* The score's source: "nvd" is NVD's page for the id; "osv:GHSA-..." (a feed
 * and the record that gave it) is that record's publisher. */
static json_t *rating_source(const pk_vuln *x)
{
    const char *s = x->cvss_source;
    if (!s || !*s)
        return id_source_obj(x->id);
    if (!strcmp(s, "nvd")) {
        idsrc nvd;
        id_source(x->id, &nvd);
        return source_obj("NVD", strncmp(x->id, "CVE-", 4) ? NULL : nvd.url);
    }
    const char *colon = strchr(s, ':');
    if (colon && colon[1])
        return id_source_obj(colon + 1);
    return source_obj(s, NULL);
}

static json_t *ratings(const pk_vuln *x)
{
    json_t *a = json_array();
    if (!a || x->cvss_score < 0)
        return a; /* unscored: parakh's default severity is a property, not a rating */
    json_t *r = json_object();
    if (pki_wappend(a, r) || set_new(r, "source", rating_source(x)) ||
        json_object_set_new(r, "score", json_real(x->cvss_score)) ||
        json_object_set_new(r, "severity", json_string(pk_severity_str(x->severity))) ||
        json_object_set_new(r, "method", json_string(score_method(x->cvss_version))) ||
        pki_wset(r, "vector", x->cvss_vector)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* "CWE-79" -> 79; anything else (NVD-CWE-Other, NVD-CWE-noinfo) is skipped. */
static json_t *cwes(const pk_vuln *x)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < x->ncwes; i++) {
        const char *c = x->cwes[i];
        if (!c || strncmp(c, "CWE-", 4) || !c[4])
            continue;
        long long n = 0;
        const char *p = c + 4;
        for (; *p >= '0' && *p <= '9' && n < 100000000; p++)
            n = n * 10 + (*p - '0');
        if (*p || n < 1)
            continue;
        if (pki_wappend(a, json_integer(n))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The feed records that said so ("nvd:CVE-...", "osv:PYSEC-...") with their pages. */
static json_t *advisories(const pk_vuln *x)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < x->nfeeds; i++) {
        const char *f = x->feeds[i], *colon = f ? strchr(f, ':') : NULL;
        if (!colon || !colon[1])
            continue;
        idsrc s;
        id_source(colon + 1, &s);
        if (!s.url[0])
            continue;
        json_t *o = json_object();
        if (pki_wappend(a, o) || pki_wset(o, "title", f) || pki_wset(o, "url", s.url)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *affects(const pk_vuln *x, const pk_comp *c)
{
    json_t *a = json_array(), *e = json_object();
    int bad = !a || !e || json_array_append(a, e) || pki_wset(e, "ref", c->ref);
    /* the schema caps a version at 1024 characters; a longer one is left out */
    if (!bad && c->version && *c->version && strlen(c->version) <= 1024) {
        json_t *vs = json_array(), *v = json_object();
        bad = set_new(e, "versions", vs) || pki_wappend(vs, v) ||
              pki_wset(v, "version", c->version) ||
              json_object_set_new(v, "status",
                                  json_string(x->suppressed ? "unaffected" : "affected"));
    }
    json_decref(e);
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static const char *cdx_state(pk_vex_state s)
{
    switch (s) {
    case PK_VEX_NOT_AFFECTED:
        return "not_affected";
    case PK_VEX_FIXED:
        return "resolved";
    case PK_VEX_UNDER_INVESTIGATION:
        return "in_triage";
    case PK_VEX_AFFECTED:
        return "exploitable";
    case PK_VEX_NONE:
        break;
    }
    return NULL;
}

/* A CycloneDX justification for a parakh / CSAF one, or NULL when it is free
 * text (then it goes to detail). CSAF 2.0 flag labels (section 3.2.3.5) are
 * mapped as CISA's "Vulnerability Exploitability eXchange (VEX) - Status
 * Justifications" pairs them with CycloneDX; CycloneDX's own words pass. */
PK_STATIC const char *pki_cdx_justification(const char *j)
{
    static const char *const cdx[] = {
        "code_not_present",     "code_not_reachable",     "requires_configuration",
        "requires_dependency",  "requires_environment",   "protected_by_compiler",
        "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
    };
    static const struct {
        const char *csaf, *cdx;
    } map[] = {
        {"component_not_present", "code_not_present"},
        {"vulnerable_code_not_present", "code_not_present"},
        {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
        {"vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"},
        {"inline_mitigations_already_exist", "protected_by_mitigating_control"},
    };
    if (!j)
        return NULL;
    for (size_t i = 0; i < sizeof cdx / sizeof cdx[0]; i++)
        if (!strcasecmp(j, cdx[i]))
            return cdx[i];
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(j, map[i].csaf))
            return map[i].cdx;
    return NULL;
}

static json_t *analysis(const pk_vuln *x)
{
    const char *state = cdx_state(x->vex);
    const char *just = pki_cdx_justification(x->vex_justification);
    const char *src = x->vex_source ? x->vex_source : "";
    const char *txt = x->vex_justification ? x->vex_justification : "";
    size_t n = strlen(src) + strlen(txt) + 32;
    char *detail = pki_malloc(n);
    json_t *o = json_object();
    int bad = !detail || !o;
    if (!bad) {
        snprintf(detail, n, "%s%s%s", *src ? src : "VEX", *txt ? ": " : "", txt);
        bad = json_object_set_new(o, "state", json_string(state)) ||
              (x->vex == PK_VEX_NOT_AFFECTED && just &&
               json_object_set_new(o, "justification", json_string(just))) ||
              pki_wset(o, "detail", detail);
    }
    pki_free(detail);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int add_prop(json_t *a, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    json_t *p = json_object();
    return pki_wappend(a, p) || pki_wset(p, "name", name) || pki_wset(p, "value", value);
}

static json_t *properties(const pk_vuln *x)
{
    json_t *a = json_array();
    char buf[64], conf[8];
    snprintf(conf, sizeof conf, "%u", x->confidence > 100 ? 100u : (unsigned)x->confidence);
    int bad =
        !a || (x->cvss_score < 0 && add_prop(a, "parakh:severity", pk_severity_str(x->severity)));
    if (!bad && x->kev)
        bad = add_prop(a, "parakh:kev", "true") || add_prop(a, "parakh:kev:added", x->kev_added) ||
              add_prop(a, "parakh:kev:due", x->kev_due) ||
              add_prop(a, "parakh:kev:ransomware", x->kev_ransomware ? "true" : "false");
    if (!bad && x->epss >= 0) {
        snprintf(buf, sizeof buf, "%g", x->epss);
        bad = add_prop(a, "parakh:epss:score", buf);
        if (!bad && x->epss_percentile >= 0) {
            snprintf(buf, sizeof buf, "%g", x->epss_percentile);
            bad = add_prop(a, "parakh:epss:percentile", buf);
        }
    }
    bad = bad || add_prop(a, "parakh:fixed", x->fixed) || add_prop(a, "parakh:method", x->method) ||
          add_prop(a, "parakh:matched", x->matched) || add_prop(a, "parakh:confidence", conf);
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *vuln(const pk_vuln *x, const pk_comp *c, const char *bomref)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = pki_wset(o, "bom-ref", bomref) || pki_wset(o, "id", x->id) ||
              set_new(o, "source", id_source_obj(x->id)) ||
              pki_wset_nonempty(o, "references", references(x)) ||
              pki_wset_nonempty(o, "ratings", ratings(x)) ||
              pki_wset_nonempty(o, "cwes", cwes(x)) || pki_wset(o, "description", x->summary);
    if (!bad && x->fixed && *x->fixed) {
        const char *name = c->name ? c->name : "the component";
        size_t n = strlen(name) + strlen(x->fixed) + 32;
        char *rec = pki_malloc(n);
        bad = !rec;
        if (rec) {
            snprintf(rec, n, "Upgrade %s to %s or later.", name, x->fixed);
            bad = pki_wset(o, "recommendation", rec);
            pki_free(rec);
        }
    }
    bad = bad || pki_wset_nonempty(o, "advisories", advisories(x)) ||
          (x->vex != PK_VEX_NONE && set_new(o, "analysis", analysis(x))) ||
          set_new(o, "affects", affects(x, c)) || pki_wset_nonempty(o, "properties", properties(x));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *pki_cdx_vulns(const pki_wctx *w)
{
    const pk_vulns *v = w->vulns;
    size_t n = v ? pk_vulns_count(v) : 0, ninv = pk_inventory_count(w->inv);
    json_t *a = json_array();
    const pk_vuln *prev = NULL;
    unsigned dup = 1;
    for (size_t i = 0; a && i < n; i++) {
        const pk_vuln *x = pk_vulns_at(v, i);
        if (!x || !x->id || !*x->id || x->comp >= ninv)
            goto fail; /* matched on another inventory: the caller's mistake */
        const pk_comp *c = pk_inventory_at(w->inv, x->comp);
        /* bom-refs are unique in the document: a repeated (id, component) gets #2, #3 */
        dup = prev && prev->comp == x->comp && !strcmp(prev->id, x->id) ? dup + 1 : 1;
        prev = x;
        const char *cref = c->ref ? c->ref : "";
        size_t len = strlen(x->id) + strlen(cref) + 24;
        char *ref = pki_malloc(len);
        if (!ref)
            goto fail;
        if (dup > 1)
            snprintf(ref, len, "vuln:%s:%s#%u", x->id, cref, dup);
        else
            snprintf(ref, len, "vuln:%s:%s", x->id, cref);
        int bad = pki_wappend(a, vuln(x, c, ref));
        pki_free(ref);
        if (bad)
            goto fail;
    }
    return a;
fail:
    json_decref(a);
    return NULL;
}
