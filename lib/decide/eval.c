/* The requirement tests (docs/decision.md, "Tests"): each reads one part of
 * the native report and says pass, fail, not applicable (nothing of the kind
 * in the product) or not evaluated (the report lacks the section that would
 * tell), with the evidence that decided it. Every access is type-checked:
 * the report may come from a file. Loops are flat over arrays: no recursion. */
#include "decide_int.h"

#include <stdio.h>
#include <string.h>

const char *const pki_rstatus_names[4] = {"pass", "fail", "not_applicable", "not_evaluated"};

static void put_str(json_t *o, const char *k, const char *v, size_t max)
{
    if (!v)
        return;
    size_t n = strlen(v);
    json_object_set_new(o, k, json_stringn(v, n > max ? max : n));
}

static void put_off(json_t *o, const json_t *off)
{
    if (json_is_integer(off) && json_integer_value(off) >= 0)
        json_object_set_new(o, "offset", json_integer(json_integer_value(off)));
}

static int waiver_matches(const pki_waiver *x, const json_t *ev)
{
    const char *kind = pki_jstr(ev, "kind");
    if (!kind)
        return 0;
    if (x->target == PKI_W_FINDING && strcmp(kind, "finding") == 0) {
        const char *rule = pki_jstr(ev, "rule_id"), *vp = pki_jstr(ev, "vpath");
        const json_t *off = json_object_get(ev, "offset");
        if (!rule || strcmp(rule, x->rule) != 0)
            return 0;
        if (x->vpath && (!vp || strcmp(vp, x->vpath) != 0))
            return 0;
        return x->offset < 0 ||
               (json_is_integer(off) && json_integer_value(off) == (json_int_t)x->offset);
    }
    if (x->target == PKI_W_VULN) {
        /* a vulnerability, or its PK-VUL finding (whose record is the id) */
        const char *id = strcmp(kind, "vulnerability") == 0 ? pki_jstr(ev, "id")
                         : strcmp(kind, "finding") == 0     ? pki_jstr(ev, "record")
                                                            : NULL;
        if (id && strcmp(id, x->vuln) == 0)
            return 1;
        size_t i;
        const json_t *a;
        json_array_foreach(pki_jarr(ev, "aliases"), i,
                           a) if (json_is_string(a) &&
                                  strcmp(json_string_value(a), x->vuln) == 0) return 1;
    }
    return 0;
}

void pki_dec_evidence(const pki_ctx *c, pki_eval *e, json_t *o)
{
    if (!o)
        return;
    e->total++;
    for (size_t i = 0; c->w && i < c->w->n; i++) {
        const pki_waiver *x = &c->w->w[i];
        if (x->target == PKI_W_REQ || !pki_waiver_active(x, c->date) || !waiver_matches(x, o))
            continue;
        json_object_set_new(o, "waived", json_true());
        json_object_set_new(o, "waiver", json_integer((json_int_t)i));
        if (c->used)
            json_array_append_new(c->used, json_integer((json_int_t)i));
        e->waived++;
        break;
    }
    if (json_array_size(e->evidence) < PKI_DEC_MAX_EVIDENCE)
        json_array_append_new(e->evidence, o);
    else
        json_decref(o);
}

/* The evidence object of a report finding. */
static json_t *finding_ev(const json_t *f)
{
    json_t *o = json_object();
    const char *rule = pki_jstr(f, "rule_id"), *vp = pki_jstr(f, "vpath");
    const json_t *off = json_object_get(f, "offset");
    char id[600];
    if (json_is_integer(off))
        snprintf(id, sizeof id, "%.64s@%.400s#0x%llx", rule ? rule : "?", vp ? vp : "",
                 (unsigned long long)json_integer_value(off));
    else
        snprintf(id, sizeof id, "%.64s@%.400s", rule ? rule : "?", vp ? vp : "");
    json_object_set_new(o, "kind", json_string("finding"));
    put_str(o, "id", id, sizeof id);
    put_str(o, "rule_id", rule, 64);
    put_str(o, "vpath", vp, 4096);
    put_off(o, off);
    put_str(o, "severity", pki_jstr(f, "severity"), 16);
    put_str(o, "record", pki_jstr(f, "record"), 200);
    put_str(o, "value", pki_jstr(f, "evidence"), 160);
    put_str(o, "message", pki_jstr(f, "message"), 400);
    return o;
}

/* Within the parameters' min_severity and max_severity (both optional). */
static int sev_at_least(const char *s, const json_t *param)
{
    pk_severity have, lim;
    const char *min = pki_jstr(param, "min_severity"), *max = pki_jstr(param, "max_severity");
    if (!min && !max)
        return 1;
    if (!s || pk_severity_parse(s, &have) != 0)
        return 0;
    if (min && (pk_severity_parse(min, &lim) != 0 || have < lim))
        return 0;
    return !max || (pk_severity_parse(max, &lim) == 0 && have <= lim);
}

static pki_rstatus ne(pki_eval *e, const char *why)
{
    snprintf(e->detail, sizeof e->detail, "%s", why);
    return PKI_R_NE;
}

static pki_rstatus no_findings(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *fs = pki_jarr(c->report, "findings");
    const char *sec = pki_jstr(p, "section"), *rule = pki_jstr(p, "rule"),
               *pre = pki_jstr(p, "rule_prefix");
    const json_t *mc = json_object_get(p, "min_confidence");
    if (!fs)
        return ne(e, "the report has no findings list");
    if (sec && !json_object_get(c->report, sec)) {
        snprintf(e->detail, sizeof e->detail,
                 "the report has no '%.40s' section: the analysis that makes these findings did "
                 "not run",
                 sec);
        return PKI_R_NE;
    }
    size_t i;
    const json_t *f;
    json_array_foreach(fs, i, f)
    {
        const char *r = pki_jstr(f, "rule_id");
        if (!r || (rule && strcmp(r, rule) != 0) || (pre && strncmp(r, pre, strlen(pre)) != 0))
            continue;
        if (!sev_at_least(pki_jstr(f, "severity"), p))
            continue;
        const json_t *conf = json_object_get(f, "confidence");
        if (mc && (!json_is_integer(conf) || json_number_value(conf) < json_number_value(mc)))
            continue;
        pki_dec_evidence(c, e, finding_ev(f));
    }
    snprintf(e->detail, sizeof e->detail, "%zu finding(s) of %.64s%s%s", e->total,
             rule ? rule : pre, rule ? "" : "*",
             pki_jstr(p, "min_severity") || pki_jstr(p, "max_severity")
                 ? " within the given severities"
                 : "");
    return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
}

static double num(const json_t *o, const char *path, double dflt)
{
    const json_t *v = pki_jpath(o, path);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* Feeds that say which versions are vulnerable; KEV, EPSS and CMVP only
 * annotate, and the endpoint tables say nothing about vulnerabilities. */
static int advisory_feed(const char *name)
{
    static const char *const feeds[] = {"osv", "nvd", "csaf", "cve5", "debian", "curl", "nswg"};
    for (size_t i = 0; name && i < sizeof feeds / sizeof feeds[0]; i++)
        if (strcmp(name, feeds[i]) == 0)
            return 1;
    return 0;
}

static pki_rstatus no_vulns(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *vs = pki_jarr(c->report, "vulnerabilities");
    if (!vs)
        return ne(e, "the report has no vulnerability data (the scan ran without a "
                     "vulnerability database: --db)");
    /* A database of only KEV, EPSS or endpoint data matches nothing: passing
     * would certify "no known vulnerabilities" that nobody looked for. */
    const json_t *srcs = pki_jarr(pki_jobj(c->report, "vulnerability_db"), "sources");
    if (srcs) {
        size_t k, adv = 0;
        const json_t *s;
        json_array_foreach(srcs, k, s)
        {
            const json_t *n = json_object_get(s, "records");
            if (advisory_feed(pki_jstr(s, "name")) && json_is_integer(n) &&
                json_integer_value(n) > 0)
                adv++;
        }
        if (!adv)
            return ne(e, "the vulnerability database holds no advisory feed (OSV, NVD, CSAF, "
                         "CVE 5, Debian, curl or Node.js WG): nothing was matched");
    }
    int kev = json_is_true(json_object_get(p, "kev")),
        nofix = json_is_true(json_object_get(p, "without_fix"));
    double cmin = num(p, "cvss_min", -1), emin = num(p, "epss_min", -1);
    size_t i;
    const json_t *v;
    json_array_foreach(vs, i, v)
    {
        if (!json_is_object(v) || json_is_true(json_object_get(v, "suppressed")))
            continue;
        double cvss = num(v, "cvss.score", -1), epss = num(v, "epss.score", -1);
        const char *fixed = pki_jstr(v, "fixed");
        if ((kev && !pki_jobj(v, "kev")) || (cmin >= 0 && cvss < cmin) ||
            (emin >= 0 && epss < emin) || (nofix && fixed && *fixed) ||
            !sev_at_least(pki_jstr(v, "severity"), p))
            continue;
        json_t *o = json_object();
        const json_t *comp = pki_jobj(v, "component");
        json_object_set_new(o, "kind", json_string("vulnerability"));
        put_str(o, "id", pki_jstr(v, "id"), 128);
        const char *cv = pki_jstr(comp, "version");
        char cname[300];
        snprintf(cname, sizeof cname, "%.200s%s%.64s",
                 pki_jstr(comp, "name") ? pki_jstr(comp, "name") : "?", cv ? " " : "",
                 cv ? cv : "");
        put_str(o, "component", cname, sizeof cname);
        const char *vp = pki_jstr(comp, "evidence");
        put_str(o, "vpath", vp ? vp : pki_jstr(comp, "file_vpath"), 4096);
        if (cvss >= 0)
            json_object_set_new(o, "cvss", json_real(cvss));
        if (epss >= 0)
            json_object_set_new(o, "epss", json_real(epss));
        json_object_set_new(o, "kev", json_boolean(pki_jobj(v, "kev") != NULL));
        put_str(o, "fixed", fixed, 128);
        put_str(o, "severity", pki_jstr(v, "severity"), 16);
        const json_t *al = pki_jarr(v, "aliases");
        if (al)
            json_object_set_new(o, "aliases", json_deep_copy(al));
        pki_dec_evidence(c, e, o);
    }
    snprintf(e->detail, sizeof e->detail, "%zu known vulnerabilit%s matching the test", e->total,
             e->total == 1 ? "y" : "ies");
    return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
}

/* A condition value matches when it equals the expected value, or one of
 * an array of them. */
static int cond_match(const json_t *have, const json_t *want)
{
    if (!have)
        return 0;
    if (!json_is_array(want))
        return json_equal((json_t *)have, (json_t *)want);
    size_t i;
    const json_t *w;
    json_array_foreach(want, i, w) if (json_equal((json_t *)have, (json_t *)w)) return 1;
    return 0;
}

static int conds_hold(const json_t *facts, const json_t *conds, char *why, size_t whylen)
{
    const char *k;
    const json_t *want;
    int ok = 1;
    size_t at = 0;
    json_object_foreach((json_t *)conds, k, want)
    {
        const json_t *have = pki_jpath(facts, k);
        if (cond_match(have, want))
            continue;
        ok = 0;
        if (why && at < whylen) {
            char val[64];
            if (json_is_string(have))
                snprintf(val, sizeof val, "%.60s", json_string_value(have));
            else if (json_is_integer(have))
                snprintf(val, sizeof val, "%lld", (long long)json_integer_value(have));
            else if (json_is_boolean(have))
                snprintf(val, sizeof val, "%s", json_is_true(have) ? "true" : "false");
            else
                snprintf(val, sizeof val, "absent");
            int w = snprintf(why + at, whylen - at, "%s%.60s=%s", at ? ", " : "", k, val);
            at = w > 0 ? at + (size_t)w : at;
        }
    }
    return ok;
}

static pki_rstatus ratio(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *files = pki_jarr(c->report, "files");
    const char *of = pki_jstr(p, "of");
    const json_t *where = pki_jobj(p, "where"), *req = pki_jobj(p, "require");
    if (!files)
        return ne(e, "the report has no file list");
    size_t scope = 0, good = 0, i;
    const json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *t = pki_jstr(f, "type");
        const json_t *facts = pki_jobj(pki_jobj(f, "facts"), of);
        if (!t || strcmp(t, of) != 0 || !facts || (where && !conds_hold(facts, where, NULL, 0)))
            continue;
        scope++;
        char why[400];
        if (conds_hold(facts, req, why, sizeof why)) {
            good++;
            continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string("file"));
        put_str(o, "vpath", pki_jstr(f, "vpath"), 4096);
        put_str(o, "value", why, sizeof why);
        pki_dec_evidence(c, e, o);
    }
    if (scope == 0) {
        snprintf(e->detail, sizeof e->detail, "no %.8s file in scope", of);
        return PKI_R_NA;
    }
    double r = (double)good / (double)scope, min = num(p, "min", 1);
    /* waived files count as meeting the requirement */
    double rw = (double)(good + e->waived) / (double)scope;
    if (r + 1e-9 >= min)
        e->waived = 0; /* met without the waivers: they are not what passed it */
    snprintf(e->detail, sizeof e->detail,
             "%zu of %zu %.8s files (%.1f%%) meet it; at least %.1f%% needed", good, scope, of,
             r * 100.0, min * 100.0);
    return rw + 1e-9 >= min ? PKI_R_PASS : PKI_R_FAIL;
}

static pki_rstatus all_signed(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *files = pki_jarr(c->report, "files");
    const char *of = pki_jstr(p, "of");
    if (!files)
        return ne(e, "the report has no file list");
    size_t scope = 0, i;
    const json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *t = pki_jstr(f, "type");
        const json_t *facts = pki_jobj(pki_jobj(f, "facts"), of);
        if (!t || strcmp(t, of) != 0 || !facts)
            continue;
        scope++;
        const json_t *sig = pki_jobj(facts, "signature");
        const json_t *cnt = json_object_get(sig, "signed_data_count"),
                     *ver = json_object_get(sig, "verified");
        const char *why = NULL;
        if (!sig || !json_is_true(json_object_get(sig, "present")))
            why = "no signature";
        else if (!json_is_integer(cnt) || json_integer_value(cnt) < 1)
            why = "a certificate table without a decodable Authenticode signature";
        else if (json_is_false(ver))
            why = "the signature does not verify";
        if (!why)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string("file"));
        put_str(o, "vpath", pki_jstr(f, "vpath"), 4096);
        put_str(o, "value", why, 200);
        pki_dec_evidence(c, e, o);
    }
    if (scope == 0) {
        snprintf(e->detail, sizeof e->detail, "no %.8s file in the product", of);
        return PKI_R_NA;
    }
    snprintf(e->detail, sizeof e->detail, "%zu of %zu %.8s files are not signed", e->total, scope,
             of);
    return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
}

/* The endpoints section (lib/geo/geo_out.c): an object whose "list" holds
 * the endpoints; an array, or one under "endpoints", "hosts" or "items", is
 * read the same way. */
const json_t *pki_dec_endpoints(const json_t *report)
{
    const json_t *s = json_object_get(report, "endpoints");
    if (json_is_array(s))
        return s;
    static const char *const keys[] = {"list", "endpoints", "hosts", "items"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (pki_jarr(s, keys[i]))
            return pki_jarr(s, keys[i]);
    return NULL;
}

static pki_rstatus no_endpoints(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *eps = pki_dec_endpoints(c->report), *allowed = pki_jarr(p, "allowed");
    const char *unk = pki_jstr(p, "unknown_country");
    int unk_fail = unk && strcmp(unk, "fail") == 0;
    if (!eps)
        return ne(e, "the report has no endpoints section (network endpoints and their "
                     "countries were not analysed)");
    /* without the IP/domain-country data every country is unknown */
    int nokb =
        json_is_false(json_object_get(json_object_get(c->report, "endpoints"), "knowledge_base"));
    size_t i, k, nunk = 0;
    const json_t *ep, *a;
    json_array_foreach(eps, i, ep)
    {
        if (!json_is_object(ep) || json_is_true(json_object_get(ep, "declared")) ||
            json_is_true(json_object_get(ep, "documentation")))
            continue;
        const char *cc = pki_jstr(ep, "country");
        int ok = 0;
        nunk += !cc || !*cc;
        if (!cc || !*cc)
            ok = !unk_fail;
        else
            json_array_foreach(allowed, k, a) ok |= strcmp(json_string_value(a), cc) == 0;
        if (ok)
            continue;
        const char *host = pki_jstr(ep, "host");
        host = host ? host : pki_jstr(ep, "value");
        const json_t *w0 = json_array_get(pki_jarr(ep, "occurrences"), 0);
        w0 = w0 ? w0 : json_array_get(pki_jarr(ep, "where"), 0);
        const json_t *src = pki_jstr(ep, "vpath") ? ep : w0;
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string("endpoint"));
        put_str(o, "id", host, 256);
        put_str(o, "country", cc && *cc ? cc : "unknown", 8);
        put_str(o, "vpath", pki_jstr(src, "vpath"), 4096);
        put_off(o, json_object_get(src, "offset"));
        pki_dec_evidence(c, e, o);
    }
    if (nokb && nunk && !e->total) {
        snprintf(e->detail, sizeof e->detail,
                 "%zu endpoint(s) whose country is unknown: no country data (import an "
                 "IP-to-country database and scan with --db)",
                 nunk);
        return PKI_R_NE;
    }
    snprintf(e->detail, sizeof e->detail,
             "%zu endpoint(s) in a country outside the allowed list, not declared", e->total);
    return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
}

static json_t *asset_ev(const json_t *a, const json_t *w, const char *value)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string("crypto_asset"));
    put_str(o, "id", pki_jstr(a, "ref"), 256);
    put_str(o, "vpath", pki_jstr(w, "vpath"), 4096);
    put_off(o, json_object_get(w, "offset"));
    put_str(o, "value", value, 400);
    return o;
}

static pki_rstatus fips(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *cr = pki_jobj(c->report, "crypto"), *assets = pki_jarr(cr, "assets");
    const json_t *ao = json_object_get(p, "active_only");
    int active_only = !json_is_false(ao);
    if (!assets)
        return ne(e, "the report has no crypto section");
    size_t shipped = 0, linked = 0, own = 0, i;
    const json_t *a;
    json_t *plat = json_array();
    json_array_foreach(assets, i, a)
    {
        const char *kind = pki_jstr(a, "kind");
        const json_t *w0 = json_array_get(pki_jarr(a, "where"), 0);
        if (kind && strcmp(kind, "algorithm") == 0) {
            const char *how = pki_jstr(w0, "how");
            own += how && strcmp(how, "constant") == 0; /* its own implementation */
            continue;
        }
        if (!kind || strcmp(kind, "library") != 0)
            continue;
        char val[400];
        const char *st = pki_jstr(a, "cmvp_status");
        snprintf(val, sizeof val, "%.80s %.40s: %s%s%.40s",
                 pki_jstr(a, "library") ? pki_jstr(a, "library") : "?",
                 pki_jstr(a, "version") ? pki_jstr(a, "version") : "",
                 json_is_true(json_object_get(a, "fips_validated_version"))
                     ? "validated version"
                     : "not a validated version",
                 st ? ", CMVP status " : "", st ? st : "");
        if (json_is_true(json_object_get(a, "linked"))) {
            linked++;
            json_array_append_new(plat, asset_ev(a, w0, val));
            continue;
        }
        shipped++;
        int ok = json_is_true(json_object_get(a, "fips_validated_version")) &&
                 (!active_only || !st || strcmp(st, "Active") == 0);
        if (!ok)
            pki_dec_evidence(c, e, asset_ev(a, w0, val));
    }
    if (shipped) {
        json_decref(plat);
        snprintf(e->detail, sizeof e->detail,
                 "%zu of %zu crypto libraries shipped in the product are not a validated FIPS "
                 "140 module version",
                 e->total, shipped);
        return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
    }
    if (linked) {
        /* the module is the platform's: only the vendor can say which */
        json_array_foreach(plat, i, a) if (json_array_size(e->evidence) < PKI_DEC_MAX_EVIDENCE)
            json_array_append(e->evidence, (json_t *)a);
        json_decref(plat);
        return ne(e, "the product links the platform's crypto library: whether that is a "
                     "validated FIPS 140 module depends on the system it runs on");
    }
    json_decref(plat);
    if (own) {
        json_array_foreach(assets, i, a)
        {
            const json_t *w0 = json_array_get(pki_jarr(a, "where"), 0);
            const char *how = pki_jstr(w0, "how"), *kind = pki_jstr(a, "kind");
            if (kind && strcmp(kind, "algorithm") == 0 && how && strcmp(how, "constant") == 0)
                pki_dec_evidence(c, e, asset_ev(a, w0, pki_jstr(a, "name")));
        }
        snprintf(e->detail, sizeof e->detail,
                 "cryptography implemented in the product's own code (%zu algorithm(s) found by "
                 "their constants), outside any recognised module",
                 own);
        return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
    }
    snprintf(e->detail, sizeof e->detail, "no cryptography found");
    return PKI_R_NA;
}

static int in_strs(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *v;
    if (!s)
        return 0;
    json_array_foreach(arr, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

static pki_rstatus no_crypto_status(const pki_ctx *c, const json_t *p, pki_eval *e)
{
    const json_t *assets = pki_jarr(pki_jobj(c->report, "crypto"), "assets");
    const json_t *st = pki_jarr(p, "status"), *kinds = pki_jarr(p, "kinds"),
                 *ex = pki_jarr(p, "exclude_how");
    if (!assets)
        return ne(e, "the report has no crypto section");
    size_t i, k;
    const json_t *a, *w;
    json_array_foreach(assets, i, a)
    {
        if (!in_strs(st, pki_jstr(a, "status")) || (kinds && !in_strs(kinds, pki_jstr(a, "kind"))))
            continue;
        json_array_foreach(pki_jarr(a, "where"), k, w)
        {
            if (ex && in_strs(ex, pki_jstr(w, "how")))
                continue;
            char val[400];
            snprintf(val, sizeof val, "%.80s is %.20s (%.40s: %.80s)",
                     pki_jstr(a, "name") ? pki_jstr(a, "name") : "?", pki_jstr(a, "status"),
                     pki_jstr(w, "how") ? pki_jstr(w, "how") : "?",
                     pki_jstr(w, "what") ? pki_jstr(w, "what") : "");
            pki_dec_evidence(c, e, asset_ev(a, w, val));
            break; /* one item per asset: the first place it is seen */
        }
    }
    snprintf(e->detail, sizeof e->detail, "%zu cryptographic asset(s) with a listed status",
             e->total);
    return e->total > e->waived ? PKI_R_FAIL : PKI_R_PASS;
}

pk_status pki_dec_eval(const pki_ctx *c, const pki_req *r, pki_eval *e)
{
    memset(e, 0, sizeof *e);
    e->evidence = json_array();
    if (!e->evidence)
        return PK_E_NOMEM;
    switch (r->kind) {
    case PKI_T_NO_FINDINGS:
        e->status = no_findings(c, r->param, e);
        break;
    case PKI_T_NO_VULNS:
        e->status = no_vulns(c, r->param, e);
        break;
    case PKI_T_RATIO:
        e->status = ratio(c, r->param, e);
        break;
    case PKI_T_ALL_SIGNED:
        e->status = all_signed(c, r->param, e);
        break;
    case PKI_T_NO_ENDPOINTS:
        e->status = no_endpoints(c, r->param, e);
        break;
    case PKI_T_FIPS:
        e->status = fips(c, r->param, e);
        break;
    case PKI_T_NO_CRYPTO_STATUS:
        e->status = no_crypto_status(c, r->param, e);
        break;
    default:
        return PK_E_INTERNAL;
    }
    return PK_OK;
}
