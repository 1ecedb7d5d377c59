/* CSAF 2.0 §6.1 mandatory tests on scores and identifiers: CVSS objects
 * against the FIRST schemas (6.1.8), their base scores recomputed (6.1.9),
 * vector and properties consistent (6.1.10), CWE (6.1.11), purl (6.1.13)
 * and version ranges in product_version names (6.1.31). */
#include "../ident/ident_int.h"
#include "../vulndb/cvss.h"
#include "mandatory_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A vector metric, its CSAF/FIRST property, and value abbreviations. */
typedef struct metric {
    const char *key, *prop;
    const char *vals; /* "N=NETWORK,A=ADJACENT_NETWORK,..." */
} metric;

#define V3_CIA "H=HIGH,L=LOW,N=NONE"
#define V3_REQ "X=NOT_DEFINED,L=LOW,M=MEDIUM,H=HIGH"
static const metric m_v3[] = {
    {"AV", "attackVector", "N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL,P=PHYSICAL"},
    {"AC", "attackComplexity", "L=LOW,H=HIGH"},
    {"PR", "privilegesRequired", "N=NONE,L=LOW,H=HIGH"},
    {"UI", "userInteraction", "N=NONE,R=REQUIRED"},
    {"S", "scope", "U=UNCHANGED,C=CHANGED"},
    {"C", "confidentialityImpact", V3_CIA},
    {"I", "integrityImpact", V3_CIA},
    {"A", "availabilityImpact", V3_CIA},
    {"E", "exploitCodeMaturity", "X=NOT_DEFINED,U=UNPROVEN,P=PROOF_OF_CONCEPT,F=FUNCTIONAL,H=HIGH"},
    {"RL", "remediationLevel",
     "X=NOT_DEFINED,O=OFFICIAL_FIX,T=TEMPORARY_FIX,W=WORKAROUND,U=UNAVAILABLE"},
    {"RC", "reportConfidence", "X=NOT_DEFINED,U=UNKNOWN,R=REASONABLE,C=CONFIRMED"},
    {"CR", "confidentialityRequirement", V3_REQ},
    {"IR", "integrityRequirement", V3_REQ},
    {"AR", "availabilityRequirement", V3_REQ},
    {"MAV", "modifiedAttackVector",
     "X=NOT_DEFINED,N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL,P=PHYSICAL"},
    {"MAC", "modifiedAttackComplexity", "X=NOT_DEFINED,L=LOW,H=HIGH"},
    {"MPR", "modifiedPrivilegesRequired", "X=NOT_DEFINED,N=NONE,L=LOW,H=HIGH"},
    {"MUI", "modifiedUserInteraction", "X=NOT_DEFINED,N=NONE,R=REQUIRED"},
    {"MS", "modifiedScope", "X=NOT_DEFINED,U=UNCHANGED,C=CHANGED"},
    {"MC", "modifiedConfidentialityImpact", "X=NOT_DEFINED," V3_CIA},
    {"MI", "modifiedIntegrityImpact", "X=NOT_DEFINED," V3_CIA},
    {"MA", "modifiedAvailabilityImpact", "X=NOT_DEFINED," V3_CIA},
};

#define V2_CIA "N=NONE,P=PARTIAL,C=COMPLETE"
#define V2_REQ "L=LOW,M=MEDIUM,H=HIGH,ND=NOT_DEFINED"
static const metric m_v2[] = {
    {"AV", "accessVector", "L=LOCAL,A=ADJACENT_NETWORK,N=NETWORK"},
    {"AC", "accessComplexity", "H=HIGH,M=MEDIUM,L=LOW"},
    {"Au", "authentication", "M=MULTIPLE,S=SINGLE,N=NONE"},
    {"C", "confidentialityImpact", V2_CIA},
    {"I", "integrityImpact", V2_CIA},
    {"A", "availabilityImpact", V2_CIA},
    {"E", "exploitability", "U=UNPROVEN,POC=PROOF_OF_CONCEPT,F=FUNCTIONAL,H=HIGH,ND=NOT_DEFINED"},
    {"RL", "remediationLevel",
     "OF=OFFICIAL_FIX,TF=TEMPORARY_FIX,W=WORKAROUND,U=UNAVAILABLE,ND=NOT_DEFINED"},
    {"RC", "reportConfidence", "UC=UNCONFIRMED,UR=UNCORROBORATED,C=CONFIRMED,ND=NOT_DEFINED"},
    {"CDP", "collateralDamagePotential",
     "N=NONE,L=LOW,LM=LOW_MEDIUM,MH=MEDIUM_HIGH,H=HIGH,ND=NOT_DEFINED"},
    {"TD", "targetDistribution", "N=NONE,L=LOW,M=MEDIUM,H=HIGH,ND=NOT_DEFINED"},
    {"CR", "confidentialityRequirement", V2_REQ},
    {"IR", "integrityRequirement", V2_REQ},
    {"AR", "availabilityRequirement", V2_REQ},
};

/* The value abbreviation `abbr` (abbrlen bytes) spelled out, or NULL. */
static const char *spell(const char *vals, const char *abbr, size_t abbrlen, char *buf, size_t cap)
{
    const char *p = vals;
    while (*p) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        if (eq && eq < end && (size_t)(eq - p) == abbrlen && !memcmp(p, abbr, abbrlen)) {
            size_t n = (size_t)(end - eq - 1);
            if (n >= cap)
                return NULL;
            memcpy(buf, eq + 1, n);
            buf[n] = '\0';
            return buf;
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

/* The value of metric key in vector (after an optional "CVSS:x.y/" prefix and
 * parentheses), length in *len; NULL when absent. */
static const char *vec_get(const char *vec, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    const char *p = vec;
    while (*p) {
        const char *end = strchr(p, '/');
        if (!end)
            end = p + strlen(p);
        const char *q = p;
        if (*q == '(')
            q++;
        if ((size_t)(end - q) > kl && !memcmp(q, key, kl) && q[kl] == ':') {
            const char *v = q + kl + 1;
            size_t n = (size_t)(end - v);
            if (n && v[n - 1] == ')')
                n--;
            *len = n;
            return v;
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

static const char *severity_v3(double s)
{
    return s == 0.0 ? "NONE" : s < 4.0 ? "LOW" : s < 7.0 ? "MEDIUM" : s < 9.0 ? "HIGH" : "CRITICAL";
}

static void check_cvss(pki_mctx *c, json_t *o, bool v3, const char *base)
{
    const char *vec = pki_m_str(o, "vectorString"), *ver = pki_m_str(o, "version");
    if (!vec || strlen(vec) > PKI_CVSS_VECTOR_MAX)
        return;
    char path[PKI_M_PATH], vout[PKI_CVSS_VERSION_CAP] = "";
    /* 6.1.10: the version and each property agree with the vector. */
    if (ver && v3) {
        char want[16];
        snprintf(want, sizeof want, "CVSS:%s/", ver);
        if (strncmp(vec, want, strlen(want))) {
            snprintf(path, sizeof path, "%s/version", base);
            pki_csaf_add(c->r, "6.1.10", path, "version %s does not match vector %s", ver, vec);
        }
    }
    const metric *ms = v3 ? m_v3 : m_v2;
    size_t nm = v3 ? sizeof m_v3 / sizeof m_v3[0] : sizeof m_v2 / sizeof m_v2[0];
    for (size_t i = 0; i < nm; i++) {
        const char *prop = pki_m_str(o, ms[i].prop);
        if (!prop)
            continue;
        size_t len = 0;
        const char *abbr = vec_get(vec, ms[i].key, &len);
        char buf[40];
        const char *want = abbr ? spell(ms[i].vals, abbr, len, buf, sizeof buf) : "NOT_DEFINED";
        if (!want || !strcmp(want, prop))
            continue;
        snprintf(path, sizeof path, "%s/%s", base, ms[i].prop);
        pki_csaf_add(c->r, "6.1.10", path, "%s is %s but the vector says %s", ms[i].prop, prop,
                     want);
    }
    /* 6.1.9: the base score (and v3 base severity) as the vector computes it. */
    double score = 0;
    if (pki_cvss_base_score(vec, vout, &score) != 0)
        return;
    json_t *bs = json_object_get(o, "baseScore");
    if (json_is_number(bs) && fabs(json_number_value(bs) - score) > 0.05) {
        snprintf(path, sizeof path, "%s/baseScore", base);
        pki_csaf_add(c->r, "6.1.9", path, "baseScore is %g but the vector gives %.1f",
                     json_number_value(bs), score);
    }
    const char *sev = pki_m_str(o, "baseSeverity");
    if (v3 && sev && strcmp(sev, severity_v3(score))) {
        snprintf(path, sizeof path, "%s/baseSeverity", base);
        pki_csaf_add(c->r, "6.1.9", path, "baseSeverity is %s but the vector gives %s", sev,
                     severity_v3(score));
    }
}

static void test_scores(pki_mctx *c)
{
    json_t *v, *sc;
    size_t i, j;
    char base[PKI_M_PATH];
    json_array_foreach(pki_m_arr(c->doc, "vulnerabilities"), i, v)
    {
        json_array_foreach(pki_m_arr(v, "scores"), j, sc)
        {
            json_t *o2 = pki_m_obj(sc, "cvss_v2"), *o3 = pki_m_obj(sc, "cvss_v3");
            if (o2) {
                snprintf(base, sizeof base, "/vulnerabilities/%zu/scores/%zu/cvss_v2", i, j);
                if (c->s)
                    pki_jschema_validate(c->s, PKI_JS_CVSS20, o2, base, c->r, "6.1.8");
                check_cvss(c, o2, false, base);
            }
            if (o3) {
                snprintf(base, sizeof base, "/vulnerabilities/%zu/scores/%zu/cvss_v3", i, j);
                const char *ver = pki_m_str(o3, "version");
                if (c->s && ver && !strcmp(ver, "3.0"))
                    pki_jschema_validate(c->s, PKI_JS_CVSS30, o3, base, c->r, "6.1.8");
                else if (c->s && ver && !strcmp(ver, "3.1"))
                    pki_jschema_validate(c->s, PKI_JS_CVSS31, o3, base, c->r, "6.1.8");
                else if (c->s)
                    pki_csaf_add(c->r, "6.1.8", base, "cvss_v3 version %s is neither 3.0 nor 3.1",
                                 ver ? ver : "(missing)");
                check_cvss(c, o3, true, base);
            }
        }
    }
}

/* 6.1.11: no CWE catalogue is available to parakh (docs/csaf-checks.md), so
 * the id's form and a non-empty name are what is checked. */
static void test_cwe(pki_mctx *c)
{
    json_t *v;
    size_t i;
    char path[PKI_M_PATH];
    json_array_foreach(pki_m_arr(c->doc, "vulnerabilities"), i, v)
    {
        json_t *cwe = pki_m_obj(v, "cwe");
        if (!cwe)
            continue;
        const char *id = pki_m_str(cwe, "id"), *name = pki_m_str(cwe, "name");
        size_t n = id && !strncmp(id, "CWE-", 4) ? strspn(id + 4, "0123456789") : 0;
        if (!id || n == 0 || n > 6 || id[4] == '0' || id[4 + n]) {
            snprintf(path, sizeof path, "/vulnerabilities/%zu/cwe/id", i);
            pki_csaf_add(c->r, "6.1.11", path, "%s is not a CWE id", id ? id : "(missing)");
        }
        if (!name || !name[strspn(name, " \t\r\n")]) {
            snprintf(path, sizeof path, "/vulnerabilities/%zu/cwe/name", i);
            pki_csaf_add(c->r, "6.1.11", path, "CWE name is empty");
        }
    }
}

/* 6.1.13: every purl parses as a Package URL. */
static void purl_of(json_t *fpn, const char *path, void *ud)
{
    pki_mctx *c = ud;
    const char *purl = pki_m_str(pki_m_obj(fpn, "product_identification_helper"), "purl");
    if (!purl)
        return;
    char *b = pki_malloc(PKI_IDENT_OUT_MAX);
    if (!b) {
        c->r->nomem = 1;
        return;
    }
    pki_purl p;
    if (strlen(purl) > PKI_IDENT_MAX || pki_purl_parse(purl, &p, b, PKI_IDENT_OUT_MAX) != PK_OK) {
        char pp[PKI_M_PATH];
        snprintf(pp, sizeof pp, "%s/product_identification_helper/purl", path);
        pki_csaf_add(c->r, "6.1.13", pp, "%s is not a valid package URL", purl);
    }
    pki_free(b);
}

/* 6.1.31: a product_version branch names one version, not a range. */
static void version_range(json_t *b, const char *path, void *ud)
{
    pki_mctx *c = ud;
    const char *cat = pki_m_str(b, "category"), *name = pki_m_str(b, "name");
    if (!cat || !name || strcmp(cat, "product_version"))
        return;
    bool bad = strchr(name, '<') || strchr(name, '>');
    static const char *const words[] = {"after", "all",   "before",  "earlier",
                                        "later", "prior", "versions"};
    const char *p = name;
    while (!bad && *p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        size_t n = 0;
        while (p[n] && !isspace((unsigned char)p[n]))
            n++;
        for (size_t w = 0; w < sizeof words / sizeof words[0] && !bad; w++)
            bad = n == strlen(words[w]) && !strncasecmp(p, words[w], n);
        p += n;
    }
    if (!bad)
        return;
    char pp[PKI_M_PATH];
    snprintf(pp, sizeof pp, "%s/name", path);
    pki_csaf_add(c->r, "6.1.31", pp, "product_version %s is a version range", name);
}

void pki_m_cvss(pki_mctx *c)
{
    test_scores(c);
    test_cwe(c);
    pki_m_each_product(c, purl_of, c);
    pki_m_walk_branches(c, version_range, c);
}
