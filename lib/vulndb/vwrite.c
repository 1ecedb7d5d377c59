/* The writers of known-vulnerability results: the native JSON
 * (docs/vulns.schema.json), the text table, and pk_vulns_write, which also
 * hands "sarif" to sarif.c and "cyclonedx" to the SBOM writer (whose
 * vulnerabilities array is lib/inventory/cdx_vulns.c). docs/vulndb/output.md
 * describes every field. */
#include <stdlib.h>
#include <string.h>

#include "../core/core_int.h"
#include "../inventory/writer_int.h"
#include "vdb_int.h"

static const pk_comp *comp_of(const pk_vulns *v, const pk_vuln *x)
{
    if (!v->inv || x->comp >= pk_inventory_count(v->inv))
        return NULL;
    return pk_inventory_at(v->inv, x->comp);
}

/* Every match must name a component of the inventory it was matched on. */
static int vulns_valid(const pk_vulns *v)
{
    if (!v || (v->n && !v->v))
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (!comp_of(v, &v->v[i]) || !v->v[i].id || !*v->v[i].id)
            return 0;
    return 1;
}

static json_t *str_array(const char *const *a, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (a[i] && pki_wappend(arr, pki_wstr(a[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* Sets o[key] to the string, or to null when s is NULL or empty. */
static int set_str_or_null(json_t *o, const char *key, const char *s)
{
    json_t *j = s && *s ? pki_wstr(s) : json_null();
    return !j || json_object_set_new(o, key, j);
}

static json_t *component_json(const pk_comp *c)
{
    json_t *o = json_object();
    const char *ev = c->nev && c->ev[0].vpath && *c->ev[0].vpath ? c->ev[0].vpath : NULL;
    if (!o || pki_wset(o, "ref", c->ref) ||
        json_object_set_new(o, "name", pki_wstr(c->name ? c->name : "")) ||
        set_str_or_null(o, "version", c->version) || set_str_or_null(o, "purl", c->purl) ||
        set_str_or_null(o, "cpe", c->cpe) || set_str_or_null(o, "evidence", ev) ||
        set_str_or_null(o, "file_vpath", c->file_vpath)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *cvss_json(const pk_vuln *x)
{
    json_t *o = json_object();
    if (!o || set_str_or_null(o, "version", x->cvss_version) ||
        set_str_or_null(o, "vector", x->cvss_vector) ||
        json_object_set_new(o, "score",
                            x->cvss_score >= 0 ? json_real(x->cvss_score) : json_null()) ||
        set_str_or_null(o, "source", x->cvss_source)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *kev_json(const pk_vuln *x)
{
    json_t *o = json_object();
    if (!o || set_str_or_null(o, "added", x->kev_added) || set_str_or_null(o, "due", x->kev_due) ||
        json_object_set_new(o, "ransomware", json_boolean(x->kev_ransomware))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *epss_json(const pk_vuln *x)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "score", json_real(x->epss)) ||
        json_object_set_new(o, "percentile",
                            x->epss_percentile >= 0 ? json_real(x->epss_percentile)
                                                    : json_null())) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *vex_json(const pk_vuln *x)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "state", json_string(pk_vex_state_str(x->vex))) ||
        set_str_or_null(o, "source", x->vex_source) ||
        set_str_or_null(o, "justification", x->vex_justification)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Sets o[key] to the new reference j; -1 when j is NULL (allocation failed). */
static int set_obj(json_t *o, const char *key, json_t *j)
{
    return !j || json_object_set_new(o, key, j);
}

static json_t *vuln_json(const pk_vuln *x, const pk_comp *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int scored = x->cvss_score >= 0 || (x->cvss_vector && *x->cvss_vector);
    int bad =
        pki_wset(o, "id", x->id) || set_obj(o, "aliases", str_array(x->aliases, x->naliases)) ||
        set_str_or_null(o, "summary", x->summary) || set_obj(o, "component", component_json(c)) ||
        json_object_set_new(o, "severity", json_string(pk_severity_str(x->severity))) ||
        (scored && set_obj(o, "cvss", cvss_json(x))) ||
        (x->kev && set_obj(o, "kev", kev_json(x))) ||
        (x->epss >= 0 && set_obj(o, "epss", epss_json(x))) ||
        set_str_or_null(o, "fixed", x->fixed) ||
        json_object_set_new(o, "method", pki_wstr(x->method ? x->method : "")) ||
        set_str_or_null(o, "matched", x->matched) ||
        set_obj(o, "feeds", str_array(x->feeds, x->nfeeds)) ||
        set_obj(o, "cwes", str_array(x->cwes, x->ncwes)) ||
        json_object_set_new(o, "confidence",
                            json_integer(x->confidence > 100 ? 100 : x->confidence)) ||
        (x->vex != PK_VEX_NONE && set_obj(o, "vex", vex_json(x))) ||
        json_object_set_new(o, "suppressed", json_boolean(x->suppressed));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *pki_vulns_json(const pk_vulns *v)
{
    if (!vulns_valid(v))
        return NULL;
    json_t *a = json_array();
    for (size_t i = 0; a && i < v->n; i++)
        if (pki_wappend(a, vuln_json(&v->v[i], comp_of(v, &v->v[i])))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* The newest record date over the sources ("YYYY-MM-DD..." compares as text),
 * and the largest age: the data is as old as its oldest feed. */
static const char *newest_of(const pk_vulns *v, int64_t *age)
{
    const char *newest = NULL;
    *age = -1;
    for (size_t i = 0; i < v->nsrc; i++) {
        const pk_vdb_source *s = &v->src[i];
        if (s->newest && *s->newest && (!newest || strcmp(s->newest, newest) > 0))
            newest = s->newest;
        if (s->age_days > *age)
            *age = s->age_days;
    }
    return newest;
}

json_t *pki_vulns_db_json(const pk_vulns *v)
{
    if (!v)
        return NULL;
    int64_t age;
    const char *newest = newest_of(v, &age);
    json_t *o = json_object(), *srcs = json_array();
    int bad = !o || !srcs || set_str_or_null(o, "path", v->db_path) ||
              json_object_set_new(o, "age_days", age >= 0 ? json_integer(age) : json_null()) ||
              set_str_or_null(o, "newest", newest);
    for (size_t i = 0; !bad && i < v->nsrc; i++) {
        const pk_vdb_source *s = &v->src[i];
        json_t *e = json_object();
        bad = pki_wappend(srcs, e) ||
              json_object_set_new(e, "name", pki_wstr(s->name ? s->name : "")) ||
              json_object_set_new(
                  e, "records",
                  json_integer((json_int_t)(s->records > INT64_MAX ? INT64_MAX : s->records))) ||
              set_str_or_null(e, "newest", s->newest) ||
              set_str_or_null(e, "imported_at", s->imported_at) ||
              json_object_set_new(e, "age_days",
                                  s->age_days >= 0 ? json_integer(s->age_days) : json_null());
    }
    if (bad || json_object_set_new(o, "sources", srcs)) {
        json_decref(o);
        if (bad)
            json_decref(srcs);
        return NULL;
    }
    return o;
}

/* Counts of what is a finding: suppressed matches are listed, not counted. */
static json_t *summary_json(const pk_vulns *v)
{
    size_t sev[PK_SEV_CRITICAL + 1] = {0}, supp = 0, kev = 0;
    for (size_t i = 0; i < v->n; i++) {
        const pk_vuln *x = &v->v[i];
        if (x->suppressed) {
            supp++;
            continue;
        }
        if ((unsigned)x->severity <= PK_SEV_CRITICAL)
            sev[x->severity]++;
        kev += x->kev != 0;
    }
    json_t *o = json_object(), *by = json_object();
    int bad = !o || !by;
    for (int s = PK_SEV_CRITICAL; !bad && s >= PK_SEV_INFO; s--)
        bad = json_object_set_new(by, pk_severity_str((pk_severity)s),
                                  json_integer((json_int_t)sev[s]));
    bad = bad || json_object_set_new(o, "total", json_integer((json_int_t)v->n)) ||
          json_object_set_new(o, "suppressed", json_integer((json_int_t)supp)) ||
          json_object_set(o, "by_severity", by) ||
          json_object_set_new(o, "kev", json_integer((json_int_t)kev));
    json_decref(by);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static pk_status write_json(const pk_vulns *v, FILE *out)
{
    json_t *doc = json_object(), *tool = json_object();
    int bad = !doc || !tool || json_object_set(doc, "tool", tool) ||
              json_object_set_new(tool, "name", json_string("parakh")) ||
              json_object_set_new(tool, "version", json_string(pk_version())) ||
              set_obj(doc, "database", pki_vulns_db_json(v)) ||
              set_obj(doc, "vulnerabilities", pki_vulns_json(v)) ||
              set_obj(doc, "summary", summary_json(v));
    json_decref(tool);
    if (bad) {
        json_decref(doc);
        return PK_E_NOMEM;
    }
    /* six digits: CVSS and EPSS print as 9.8 and 0.97, not 9.8000000000000007 */
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF)
        return PK_E_IO;
    return PK_OK;
}

/* ---- text ---- */

/* Copies s into out[cap] with control bytes as '?': names come from SBOMs
 * and feeds, and an escape sequence must not reach the analyst's terminal. */
static void clean(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        out[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    out[o] = 0;
}

/* The columns of one line, cleaned and cut to fit. */
typedef struct trow {
    char sev[12], id[96], comp[328], fixed[160], flags[64], where[1024], vex[512];
} trow;

static void text_row(const pk_vulns *v, const pk_vuln *x, trow *r)
{
    const pk_comp *c = comp_of(v, x);
    char name[200], ver[120], buf[256];
    clean(pk_severity_str(x->severity), buf, sizeof buf);
    size_t i = 0;
    for (; buf[i] && i + 1 < sizeof r->sev; i++)
        r->sev[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
    r->sev[i] = 0;
    clean(x->id, r->id, sizeof r->id);
    clean(c->name, name, sizeof name);
    clean(c->version, ver, sizeof ver);
    snprintf(r->comp, sizeof r->comp, "%s%s%s", name, *ver ? " " : "", ver);
    char fix[140];
    clean(x->fixed, fix, sizeof fix);
    snprintf(r->fixed, sizeof r->fixed, "%s%s", *fix ? "fixed in " : "no fix known", fix);
    char kev[40] = "", epss[24] = "", due[16];
    if (x->kev) {
        clean(x->kev_due, due, sizeof due);
        snprintf(kev, sizeof kev, *due ? "KEV(due %s)" : "KEV", due);
    }
    if (x->epss >= 0)
        snprintf(epss, sizeof epss, "EPSS %.3g", x->epss);
    snprintf(r->flags, sizeof r->flags, "%s%s%s", kev, *kev && *epss ? " " : "", epss);
    const char *w = c->nev && c->ev[0].vpath && *c->ev[0].vpath ? c->ev[0].vpath : c->file_vpath;
    clean(w, r->where, sizeof r->where);
    char src[200], just[200];
    clean(x->vex_source, src, sizeof src);
    clean(x->vex_justification, just, sizeof just);
    snprintf(r->vex, sizeof r->vex, "%s%s%s%s%s%s", pk_vex_state_str(x->vex),
             *src || *just ? " (" : "", src, *src && *just ? ": " : "", just,
             *src || *just ? ")" : "");
}

/* Most severe first, then by id, then by component (the match order). */
static int by_severity(const void *a, const void *b)
{
    const pk_vuln *x = *(const pk_vuln *const *)a, *y = *(const pk_vuln *const *)b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->comp < y->comp ? -1 : x->comp > y->comp;
}

typedef struct twidth {
    int id, comp, fixed, flags, vex;
} twidth;

static int wmax(int w, const char *s)
{
    int n = (int)strlen(s);
    return n > w ? n : w;
}

static int text_line(const trow *r, const twidth *w, int suppressed, FILE *out)
{
    if (suppressed)
        return fprintf(out, "%-8s  %-*s  %-*s  %-*s  %s\n", r->sev, w->id, r->id, w->comp, r->comp,
                       w->vex, r->vex, r->where);
    return fprintf(out, "%-8s  %-*s  %-*s  %-*s  %-*s  %s\n", r->sev, w->id, r->id, w->comp,
                   r->comp, w->fixed, r->fixed, w->flags, r->flags, r->where);
}

/* "data up to 1335 days old (stalest source debian, newest record
 * 2023-04-01)": the age that decides --max-db-age, and where it comes from. */
static int text_header(const pk_vulns *v, size_t findings, size_t supp, FILE *out)
{
    const pk_vdb_source *stale = NULL;
    for (size_t i = 0; i < v->nsrc; i++)
        if (!stale || v->src[i].age_days > stale->age_days)
            stale = &v->src[i];
    char nb[11] = "", name[32] = "", path[512], agebuf[128] = "data age unknown";
    clean(v->db_path, path, sizeof path);
    if (stale && stale->age_days >= 0) {
        clean(stale->newest, nb, sizeof nb); /* the date part of an ISO 8601 time */
        clean(stale->name, name, sizeof name);
        snprintf(agebuf, sizeof agebuf, "data up to %lld day%s old (stalest source %s, newest %s)",
                 (long long)stale->age_days, stale->age_days == 1 ? "" : "s", name, nb);
    }
    return fprintf(out, "parakh %s: %zu known vulnerabilit%s, %zu suppressed by VEX; %s%s%s%s\n",
                   pk_version(), findings, findings == 1 ? "y" : "ies", supp, agebuf,
                   *path ? " (" : "", path, *path ? ")" : "") < 0;
}

pk_status pki_vulns_text(const pk_vulns *v, FILE *out)
{
    if (!vulns_valid(v) || !out)
        return PK_E_MISUSE;
    const pk_vuln **ord = pki_calloc(v->n ? v->n : 1, sizeof *ord);
    trow *r = pki_malloc(sizeof *r);
    pk_status st = PK_E_NOMEM;
    if (!ord || !r)
        goto out;
    size_t supp = 0;
    for (size_t i = 0; i < v->n; i++) {
        ord[i] = &v->v[i];
        supp += v->v[i].suppressed != 0;
    }
    qsort(ord, v->n, sizeof *ord, by_severity);
    twidth w = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < v->n; i++) {
        text_row(v, ord[i], r);
        w.id = wmax(w.id, r->id);
        w.comp = wmax(w.comp, r->comp);
        if (ord[i]->suppressed) {
            w.vex = wmax(w.vex, r->vex);
        } else {
            w.fixed = wmax(w.fixed, r->fixed);
            w.flags = wmax(w.flags, r->flags);
        }
    }
    st = PK_E_IO;
    if (text_header(v, v->n - supp, supp, out))
        goto out;
    if (v->n == supp && fputs("no known vulnerabilities\n", out) == EOF)
        goto out;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && supp && fprintf(out, "\nsuppressed by VEX (%zu):\n", supp) < 0)
            goto out;
        for (size_t i = 0; i < v->n; i++) {
            if ((ord[i]->suppressed != 0) != pass)
                continue;
            text_row(v, ord[i], r);
            if (text_line(r, &w, pass, out) < 0)
                goto out;
        }
    }
    st = PK_OK;
out:
    pki_free(ord);
    pki_free(r);
    return st;
}

pk_status pk_vulns_write(const pk_vulns *v, const char *format, int reproducible, FILE *out)
{
    if (!v || !format || !out)
        return PK_E_MISUSE;
    if (strcmp(format, "json") && strcmp(format, "text") && strcmp(format, "sarif") &&
        strcmp(format, "cyclonedx") && strcmp(format, "cyclonedx-1.6") &&
        strcmp(format, "cyclonedx-1.5"))
        return PK_E_USAGE;
    if (!vulns_valid(v))
        return PK_E_MISUSE;
    pk_status st;
    if (!strcmp(format, "json")) {
        st = write_json(v, out);
    } else if (!strcmp(format, "text")) {
        st = pki_vulns_text(v, out);
    } else if (!strcmp(format, "sarif")) {
        st = pki_sarif_write(NULL, 0, v, reproducible, out);
    } else {
        pk_sbom_opts o;
        pk_sbom_opts_default(&o);
        o.format = format;
        o.reproducible = reproducible;
        o.vulns = v;
        return pk_inventory_write(v->inv, &o, out);
    }
    if (st == PK_OK && (fflush(out) != 0 || ferror(out)))
        st = PK_E_IO;
    return st;
}
