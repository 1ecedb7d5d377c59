/* The risk score, 0..100 (docs/decision.md, "Risk score"): six parts, each
 * a fraction in [0, 1] times its weight; the parts and what they counted are
 * shown. A part whose data the report lacks contributes 0 and says it was
 * not evaluated, so the score is then a lower bound. Waivers do not change
 * the score: an accepted risk is still a risk. */
#include "decide_int.h"

#include <math.h>
#include <string.h>

enum { W_CVSS = 25, W_KEV = 20, W_EPSS = 10, W_EXPOSURE = 15, W_CRYPTO = 15, W_HIDDEN = 15 };

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static json_t *part(const char *name, int weight, double fraction, int evaluated, json_t *inputs,
                    const char *formula)
{
    json_t *o = json_object();
    fraction = clamp01(fraction);
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "weight", json_integer(weight));
    json_object_set_new(o, "fraction", json_real(round(fraction * 1000.0) / 1000.0));
    json_object_set_new(o, "contribution", json_real(round(weight * fraction * 10.0) / 10.0));
    json_object_set_new(o, "evaluated", json_boolean(evaluated));
    json_object_set_new(o, "formula", json_string(formula));
    json_object_set_new(o, "inputs", inputs);
    return o;
}

static int sev_ge(const json_t *f, pk_severity min)
{
    pk_severity s;
    const char *v = pki_jstr(f, "severity");
    return v && pk_severity_parse(v, &s) == 0 && s >= min;
}

static int pre(const char *s, const char *p)
{
    return s && strncmp(s, p, strlen(p)) == 0;
}

/* The allowed countries of the profile's first endpoint test, or NULL. */
static const json_t *allowed_of(const pk_profile *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (p->reqs[i].kind == PKI_T_NO_ENDPOINTS)
            return pki_jarr(p->reqs[i].param, "allowed");
    return NULL;
}

json_t *pki_dec_score(const json_t *report, const pk_profile *p)
{
    json_t *parts = json_array();
    double total = 0;
    size_t i, k;
    const json_t *v, *f;

    /* vulnerabilities: worst CVSS, any KEV, worst EPSS */
    const json_t *vs = pki_jarr(report, "vulnerabilities");
    double maxc = 0, maxe = 0;
    size_t nv = 0, nkev = 0;
    json_array_foreach(vs, i, v)
    {
        if (!json_is_object(v) || json_is_true(json_object_get(v, "suppressed")))
            continue;
        nv++;
        const json_t *c = pki_jpath(v, "cvss.score"), *e = pki_jpath(v, "epss.score");
        if (json_is_number(c) && json_number_value(c) > maxc)
            maxc = json_number_value(c);
        if (json_is_number(e) && json_number_value(e) > maxe)
            maxe = json_number_value(e);
        nkev += pki_jobj(v, "kev") != NULL;
    }
    maxc = maxc > 10 ? 10 : maxc;
    json_t *pc = part("cvss", W_CVSS, maxc / 10.0, vs != NULL,
                      json_pack("{s:I,s:f}", "vulnerabilities", (json_int_t)nv, "max_cvss", maxc),
                      "highest CVSS base score of an open vulnerability / 10");
    json_t *pk = part("kev", W_KEV, nkev ? 1.0 : 0.0, vs != NULL,
                      json_pack("{s:I}", "kev_vulnerabilities", (json_int_t)nkev),
                      "1 if any open vulnerability is in CISA KEV, else 0");
    json_t *pe = part("epss", W_EPSS, maxe, vs != NULL, json_pack("{s:f}", "max_epss", maxe),
                      "highest EPSS probability of an open vulnerability");
    total += W_CVSS * clamp01(maxc / 10.0) + W_KEV * (nkev ? 1.0 : 0.0) + W_EPSS * clamp01(maxe);

    /* exposure: network endpoints, more for those outside the allowed countries */
    const json_t *eps = pki_dec_endpoints(report);
    const json_t *allowed = allowed_of(p);
    size_t nep = 0, nout = 0;
    json_array_foreach(json_is_array(eps) ? eps : NULL, i, v)
    {
        if (!json_is_object(v) || json_is_true(json_object_get(v, "documentation")))
            continue;
        nep++;
        const char *cc = pki_jstr(v, "country");
        int in = !allowed || !cc || !*cc;
        json_array_foreach(allowed, k, f) in |=
            cc && json_is_string(f) && strcmp(json_string_value(f), cc) == 0;
        nout += !in;
    }
    double xpts = (double)nep + 2.0 * (double)nout;
    json_t *px = part("exposure", W_EXPOSURE, xpts / 10.0, json_is_array(eps),
                      json_pack("{s:I,s:I}", "endpoints", (json_int_t)nep,
                                "outside_allowed_countries", (json_int_t)nout),
                      "min(1, (endpoints + 2 x endpoints outside the allowed countries) / 10)");
    total += W_EXPOSURE * clamp01(xpts / 10.0);

    /* crypto: judged assets and shipped or weak keys */
    const json_t *assets = pki_jarr(pki_jobj(report, "crypto"), "assets");
    size_t dis = 0, weak = 0, privk = 0, weakk = 0, nsec = 0, caph = 0, capm = 0, acch = 0,
           accm = 0;
    json_array_foreach(assets, i, v)
    {
        const char *st = pki_jstr(v, "status");
        if (!st)
            continue;
        dis += strcmp(st, "disallowed") == 0;
        weak += strcmp(st, "deprecated") == 0 || strcmp(st, "legacy-use") == 0 ||
                strcmp(st, "not-approved") == 0;
    }
    json_array_foreach(pki_jarr(report, "findings"), i, f)
    {
        const char *r = pki_jstr(f, "rule_id");
        privk += pre(r, "PK-KEY-0001");
        weakk += pre(r, "PK-KEY-0003");
        nsec += pre(r, "PK-SEC-");
        if (pre(r, "PK-CAP-") || pre(r, "PK-ACC-")) {
            size_t *h = pre(r, "PK-CAP-") ? &caph : &acch, *m = pre(r, "PK-CAP-") ? &capm : &accm;
            if (sev_ge(f, PK_SEV_HIGH))
                (*h)++;
            else if (sev_ge(f, PK_SEV_MEDIUM))
                (*m)++;
        }
    }
    double cpts = 2.0 * (double)dis + (double)weak + 3.0 * (double)privk + (double)weakk;
    json_t *pcr =
        part("crypto", W_CRYPTO, cpts / 6.0, assets != NULL,
             json_pack("{s:I,s:I,s:I,s:I}", "disallowed_assets", (json_int_t)dis,
                       "deprecated_or_not_approved_assets", (json_int_t)weak, "private_keys",
                       (json_int_t)privk, "weak_keys", (json_int_t)weakk),
             "min(1, (2 x disallowed + deprecated/legacy/not-approved assets + 3 x private "
             "keys + weak keys) / 6)");
    total += W_CRYPTO * clamp01(cpts / 6.0);

    /* hidden access: credentials, remote-control capabilities, accounts */
    double hpts = 3.0 * (double)(nsec + caph + acch) + (double)(capm + accm);
    json_t *ph = part("hidden_access", W_HIDDEN, hpts / 6.0, pki_jarr(report, "findings") != NULL,
                      json_pack("{s:I,s:I,s:I,s:I,s:I}", "credentials", (json_int_t)nsec,
                                "capabilities_high", (json_int_t)caph, "capabilities_medium",
                                (json_int_t)capm, "accounts_high", (json_int_t)acch,
                                "accounts_medium", (json_int_t)accm),
                      "min(1, (3 x (credentials + high capability/account findings) + medium "
                      "ones) / 6)");
    total += W_HIDDEN * clamp01(hpts / 6.0);

    json_array_append_new(parts, pc);
    json_array_append_new(parts, pk);
    json_array_append_new(parts, pe);
    json_array_append_new(parts, px);
    json_array_append_new(parts, pcr);
    json_array_append_new(parts, ph);
    int score = (int)floor(total + 0.5);
    score = score < 0 ? 0 : score > 100 ? 100 : score;
    int lower = 0;
    json_array_foreach(parts, i, v) lower |= !json_is_true(json_object_get(v, "evaluated"));
    json_t *o = json_object();
    json_object_set_new(o, "value", json_integer(score));
    json_object_set_new(o, "lower_bound", json_boolean(lower));
    json_object_set_new(o, "parts", parts);
    return o;
}
