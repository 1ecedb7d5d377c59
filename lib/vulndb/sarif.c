/* SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json): one run whose results are the
 * scan's findings and the known vulnerabilities, for code-scanning tools.
 * Rules are one per distinct rule id (a PK-... rule or a vulnerability id),
 * sorted, so the same input gives the same document. Suppressed matches stay
 * in the run with an external suppression (SARIF 3.35), as viewers expect. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core_int.h"
#include "../inventory/writer_int.h"
#include "vdb_int.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define PARAKH_URI   "https://parakh.invalid/"

/* One rule: a vulnerability id or a scan rule id, with the first result that
 * named it (for its description). */
typedef struct srule {
    const char *id;
    const pk_vuln *v;
    const pk_finding *f;
} srule;

static int rule_cmp(const void *a, const void *b)
{
    const srule *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    /* the earliest result describes the rule: deterministic whatever qsort does */
    const void *px = x->v ? (const void *)x->v : (const void *)x->f;
    const void *py = y->v ? (const void *)y->v : (const void *)y->f;
    return px < py ? -1 : px > py;
}

/* SHA-256 over the fields, each ended by a NUL, as lowercase hex: the
 * result's identity across runs (partialFingerprints), never its position. */
static json_t *fingerprint(const char *const *parts, size_t n, uint64_t num)
{
    unsigned char md[32];
    unsigned int len = 0;
    char hex[65];
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        ok =
            EVP_DigestUpdate(c, parts[i] ? parts[i] : "", parts[i] ? strlen(parts[i]) + 1 : 1) == 1;
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(num >> (56 - 8 * i));
    ok = ok && EVP_DigestUpdate(c, b, sizeof b) == 1 && EVP_DigestFinal_ex(c, md, &len) == 1 &&
         len == 32;
    EVP_MD_CTX_free(c);
    if (!ok)
        return NULL;
    pki_hex(md, 32, hex);
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "parakh/v1", json_string(hex))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *level_of(pk_severity s)
{
    return s >= PK_SEV_HIGH ? "error" : s == PK_SEV_MEDIUM ? "warning" : "note";
}

static json_t *text_obj(const char *s)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "text", pki_wstr(s && *s ? s : "-"))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int set_new(json_t *o, const char *key, json_t *j)
{
    return !j || json_object_set_new(o, key, j);
}

static json_t *str_list(const char *const *a, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (a[i] && pki_wappend(arr, pki_wstr(a[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* The advisory page for an id: NVD for CVEs, OSV for everything else it
 * aggregates (GHSA, PYSEC, RUSTSEC, DSA ...). */
static void help_uri(const char *id, char *buf, size_t cap)
{
    if (!strncmp(id, "CVE-", 4))
        snprintf(buf, cap, "https://nvd.nist.gov/vuln/detail/%s", id);
    else
        snprintf(buf, cap, "https://osv.dev/vulnerability/%s", id);
}

/* Ids come from feeds: only a plain id goes into a URL, anything else gets none. */
static int id_is_plain(const char *id)
{
    size_t n = strlen(id);
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

/* o[key] = v (stolen); a NULL o or v fails, and v is released either way. */
static int attach_last(json_t *o, const char *key, json_t *v)
{
    if (!o || !v) {
        json_decref(v);
        return 1;
    }
    return json_object_set_new(o, key, v) != 0;
}

static json_t *rule_json(const srule *r)
{
    json_t *o = json_object(), *props = json_object(), *tags = json_array();
    int bad = !o || !props || !tags || set_new(o, "id", pki_wstr(r->id));
    if (!bad && r->v) {
        const pk_vuln *x = r->v;
        char uri[300], score[16];
        bad = set_new(o, "shortDescription",
                      text_obj(x->summary && *x->summary ? x->summary : x->id));
        if (!bad && id_is_plain(x->id)) {
            help_uri(x->id, uri, sizeof uri);
            bad = pki_wset(o, "helpUri", uri);
        }
        if (!bad && x->cvss_score >= 0) {
            /* GitHub code scanning reads the CVSS score from here, as a string */
            snprintf(score, sizeof score, "%.1f", x->cvss_score);
            bad = pki_wset(props, "security-severity", score);
        }
        bad = bad || pki_wappend(tags, json_string("security")) ||
              pki_wappend(tags, json_string("vulnerability"));
    } else if (!bad) {
        const pk_finding *f = r->f;
        const char *an = f->analyzer && *f->analyzer ? f->analyzer : "?";
        char d[200];
        snprintf(d, sizeof d, "parakh %s analyzer, rule %s (docs/analyzers/%s.md)", an, r->id, an);
        bad = set_new(o, "shortDescription", text_obj(d)) ||
              pki_wappend(tags, json_string("security")) || pki_wappend(tags, pki_wstr(an));
    }
    if (bad) {
        json_decref(tags);
        json_decref(props);
        json_decref(o);
        return NULL;
    }
    if (attach_last(props, "tags", tags) || attach_last(o, "properties", props)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* artifactLocation for a vpath, and the region when a byte range is known. */
static json_t *location(const char *vpath, const pk_loc *loc)
{
    json_t *l = json_object(), *phys = json_object(), *art = json_object();
    char *uri = pki_vpath_uri(vpath && *vpath ? vpath : "-");
    int bad = !l || !phys || !art || !uri || json_object_set_new(art, "uri", pki_wstr(uri));
    pki_free(uri);
    bad = bad || json_object_set(phys, "artifactLocation", art);
    if (!bad && loc && loc->offset != PK_LOC_NONE) {
        json_t *reg = json_object();
        uint64_t off = loc->offset > INT64_MAX ? INT64_MAX : loc->offset;
        uint64_t len = loc->length > INT64_MAX ? INT64_MAX : loc->length;
        bad = set_new(phys, "region", reg) ||
              json_object_set_new(reg, "byteOffset", json_integer((json_int_t)off)) ||
              json_object_set_new(reg, "byteLength", json_integer((json_int_t)len));
    }
    bad = bad || json_object_set(l, "physicalLocation", phys);
    json_decref(phys);
    json_decref(art);
    if (bad) {
        json_decref(l);
        return NULL;
    }
    return l;
}

static json_t *one_location(const char *vpath, const pk_loc *loc)
{
    json_t *a = json_array();
    if (a && pki_wappend(a, location(vpath, loc))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static int rule_index(const srule *rules, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rules[mid].id, id);
        if (!c)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static json_t *finding_result(const pk_finding *f, int idx)
{
    json_t *props = json_object();
    int bad = !props || json_object_set_new(props, "confidence", json_integer(f->confidence)) ||
              json_object_set_new(props, "severity", json_string(pk_severity_str(f->severity))) ||
              pki_wset(props, "analyzer", f->analyzer) || pki_wset(props, "record", f->loc.record);
    if (!bad && f->has_sha256) {
        char hex[65];
        pki_hex(f->file_sha256, 32, hex);
        bad = pki_wset(props, "sha256", hex);
    }
    const char *fp[] = {f->rule_id, f->vpath, f->loc.record};
    json_t *o = json_object();
    bad = bad || !o || json_object_set_new(o, "ruleId", pki_wstr(f->rule_id)) ||
          json_object_set_new(o, "ruleIndex", json_integer(idx)) ||
          json_object_set_new(o, "level", json_string(level_of(f->severity))) ||
          set_new(o, "message", text_obj(f->message)) ||
          set_new(o, "locations", one_location(f->vpath, &f->loc)) ||
          set_new(o, "partialFingerprints", fingerprint(fp, 3, f->loc.offset));
    if (bad) {
        json_decref(props);
        json_decref(o);
        return NULL;
    }
    if (attach_last(o, "properties", props)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* "log4j-core 2.14.1 is affected by CVE-2021-44228 (critical, CVSS 10.0);
 * fixed in 2.15.0." */
static char *vuln_message(const pk_vuln *x, const pk_comp *c)
{
    char cvss[32] = "", vex[256] = "";
    if (x->cvss_score >= 0)
        snprintf(cvss, sizeof cvss, ", CVSS %.1f", x->cvss_score);
    if (x->suppressed)
        snprintf(vex, sizeof vex, " Suppressed by VEX (%s%s%s).",
                 x->vex == PK_VEX_FIXED ? "fixed" : "not affected", x->vex_source ? ": " : "",
                 x->vex_source ? x->vex_source : "");
    const char *name = c->name ? c->name : "?", *ver = c->version ? c->version : "";
    const char *fx = x->fixed && *x->fixed ? x->fixed : NULL;
    size_t n =
        strlen(name) + strlen(ver) + strlen(x->id) + (fx ? strlen(fx) : 0) + strlen(vex) + 128;
    char *m = pki_malloc(n);
    if (m)
        snprintf(m, n, "%s%s%s is affected by %s (%s%s); %s%s.%s", name, *ver ? " " : "", ver,
                 x->id, pk_severity_str(x->severity), cvss,
                 fx ? "fixed in " : "no fixed version is known", fx ? fx : "", vex);
    return m;
}

static json_t *vuln_props(const pk_vuln *x, const pk_comp *c)
{
    json_t *p = json_object();
    int bad = !p || json_object_set_new(p, "severity", json_string(pk_severity_str(x->severity))) ||
              json_object_set_new(p, "kev", json_boolean(x->kev)) ||
              (x->kev && pki_wset(p, "kevDueDate", x->kev_due)) ||
              (x->epss >= 0 && json_object_set_new(p, "epss", json_real(x->epss))) ||
              (x->epss_percentile >= 0 &&
               json_object_set_new(p, "epssPercentile", json_real(x->epss_percentile))) ||
              pki_wset(p, "purl", c->purl) || pki_wset(p, "cpe", c->cpe) ||
              pki_wset(p, "fixed", x->fixed) ||
              json_object_set_new(p, "confidence",
                                  json_integer(x->confidence > 100 ? 100 : x->confidence)) ||
              pki_wset(p, "method", x->method) ||
              (x->naliases && set_new(p, "aliases", str_list(x->aliases, x->naliases))) ||
              (x->nfeeds && set_new(p, "feeds", str_list(x->feeds, x->nfeeds)));
    if (bad) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static json_t *suppressions(const pk_vuln *x)
{
    json_t *a = json_array(), *s = json_object();
    char j[600];
    snprintf(j, sizeof j, "VEX %s%s%s%s%s", x->vex == PK_VEX_FIXED ? "fixed" : "not_affected",
             x->vex_source ? " by " : "", x->vex_source ? x->vex_source : "",
             x->vex_justification ? ": " : "", x->vex_justification ? x->vex_justification : "");
    if (!a || !s || json_array_append(a, s) ||
        json_object_set_new(s, "kind", json_string("external")) ||
        json_object_set_new(s, "status", json_string("accepted")) ||
        json_object_set_new(s, "justification", pki_wstr(j))) {
        json_decref(a);
        json_decref(s);
        return NULL;
    }
    json_decref(s);
    return a;
}

static json_t *vuln_result(const pk_vulns *v, const pk_vuln *x, int idx)
{
    const pk_comp *c = pk_inventory_at(v->inv, x->comp);
    const pk_cevidence *ev = c->nev ? &c->ev[0] : NULL;
    const char *where = ev && ev->vpath && *ev->vpath ? ev->vpath : c->file_vpath;
    const char *fp[] = {x->id, c->purl ? c->purl : c->name, c->version, where};
    json_t *o = json_object();
    char *msg = vuln_message(x, c);
    int bad =
        !o || !msg || json_object_set_new(o, "ruleId", pki_wstr(x->id)) ||
        json_object_set_new(o, "ruleIndex", json_integer(idx)) ||
        json_object_set_new(o, "level", json_string(level_of(x->severity))) ||
        set_new(o, "message", text_obj(msg)) ||
        set_new(o, "locations", one_location(where, ev && where == ev->vpath ? &ev->loc : NULL)) ||
        set_new(o, "partialFingerprints", fingerprint(fp, 4, 0)) ||
        (x->suppressed && set_new(o, "suppressions", suppressions(x))) ||
        set_new(o, "properties", vuln_props(x, c));
    pki_free(msg);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Rules sorted by id and unique; *n is their count. */
static srule *collect_rules(const pk_finding *fs, size_t nf, const pk_vulns *v, size_t *n)
{
    size_t nv = v ? v->n : 0;
    srule *r = pki_calloc(nf + nv ? nf + nv : 1, sizeof *r);
    if (!r)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < nf; i++)
        if (fs[i].rule_id)
            r[k++] = (srule){.id = fs[i].rule_id, .f = &fs[i]};
    for (size_t i = 0; i < nv; i++)
        r[k++] = (srule){.id = v->v[i].id, .v = &v->v[i]};
    qsort(r, k, sizeof *r, rule_cmp);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || strcmp(r[u - 1].id, r[i].id))
            r[u++] = r[i];
    *n = u;
    return r;
}

static json_t *driver(const srule *rules, size_t nr)
{
    json_t *d = json_object(), *ra = json_array();
    int bad = !d || !ra || json_object_set_new(d, "name", json_string("parakh")) ||
              json_object_set_new(d, "version", json_string(pk_version())) ||
              json_object_set_new(d, "semanticVersion", json_string(pk_version())) ||
              json_object_set_new(d, "informationUri", json_string(PARAKH_URI));
    for (size_t i = 0; !bad && i < nr; i++)
        bad = pki_wappend(ra, rule_json(&rules[i]));
    if (bad || json_object_set_new(d, "rules", ra)) {
        if (!bad)
            ra = NULL;
        json_decref(d);
        json_decref(ra);
        return NULL;
    }
    return d;
}

/* A run that is not reproducible says when it ended (SARIF 3.20.8). */
static json_t *invocations(void)
{
    char ts[40];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return NULL;
    json_t *a = json_array(), *i = json_object();
    if (!a || !i || json_array_append(a, i) ||
        json_object_set_new(i, "executionSuccessful", json_true()) ||
        json_object_set_new(i, "endTimeUtc", json_string(ts))) {
        json_decref(a);
        json_decref(i);
        return NULL;
    }
    json_decref(i);
    return a;
}

static json_t *sarif_doc(const pk_finding *fs, size_t nf, const pk_vulns *v, int reproducible)
{
    size_t nr = 0;
    srule *rules = collect_rules(fs, nf, v, &nr);
    json_t *doc = json_object(), *runs = json_array(), *run = json_object(), *tool = json_object();
    json_t *res = json_array();
    int bad = !rules || !doc || !runs || !run || !tool || !res ||
              json_object_set_new(doc, "$schema", json_string(SARIF_SCHEMA)) ||
              json_object_set_new(doc, "version", json_string("2.1.0")) ||
              json_object_set(doc, "runs", runs) || json_array_append(runs, run) ||
              json_object_set(run, "tool", tool) || set_new(tool, "driver", driver(rules, nr));
    if (!bad && !reproducible)
        bad = set_new(run, "invocations", invocations());
    for (size_t i = 0; !bad && i < nf; i++)
        if (fs[i].rule_id)
            bad = pki_wappend(res, finding_result(&fs[i], rule_index(rules, nr, fs[i].rule_id)));
    for (size_t i = 0; !bad && v && i < v->n; i++)
        bad = pki_wappend(res, vuln_result(v, &v->v[i], rule_index(rules, nr, v->v[i].id)));
    bad = bad || json_object_set(run, "results", res);
    pki_free(rules);
    json_decref(runs);
    json_decref(run);
    json_decref(tool);
    json_decref(res);
    if (bad) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

pk_status pki_sarif_write(const pk_finding *fs, size_t nf, const pk_vulns *v, int reproducible,
                          FILE *out)
{
    if (!out)
        return PK_E_MISUSE;
    for (size_t i = 0; v && i < v->n; i++)
        if (!v->inv || v->v[i].comp >= pk_inventory_count(v->inv) || !v->v[i].id)
            return PK_E_MISUSE;
    json_t *doc = sarif_doc(fs, nf, v, reproducible);
    if (!doc)
        return PK_E_NOMEM;
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        return PK_E_IO;
    return PK_OK;
}
