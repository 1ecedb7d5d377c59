/* CSAF 2.0 §6.1.27 profile tests: what the profiles Security Incident
 * Response, Informational Advisory, Security Advisory and VEX require beyond
 * the schema (6.1.27.1 to 6.1.27.11). A document of another category (CSAF
 * Base) gets none of them. */
#include "mandatory_int.h"

#include <stdio.h>
#include <string.h>

enum { P_SIR = 1, P_INFO = 2, P_SA = 4, P_VEX = 8 };

static int profile_of(const char *cat)
{
    if (!cat)
        return 0;
    if (!strcmp(cat, "csaf_security_incident_response"))
        return P_SIR;
    if (!strcmp(cat, "csaf_informational_advisory"))
        return P_INFO;
    if (!strcmp(cat, "csaf_security_advisory"))
        return P_SA;
    if (!strcmp(cat, "csaf_vex"))
        return P_VEX;
    return 0;
}

static bool has_item(json_t *arr, const char *key, const char *const *vals, size_t nv)
{
    json_t *e;
    size_t i;
    json_array_foreach(arr, i, e)
    {
        const char *v = pki_m_str(e, key);
        for (size_t k = 0; v && k < nv; k++)
            if (!strcmp(v, vals[k]))
                return true;
    }
    return false;
}

/* Products a set of holders (flags, impact threats, remediations) covers. */
typedef struct cover {
    pki_mctx *c;
    pki_smap m;
} cover;

static void cover_one(const char *id, void *ud)
{
    cover *cv = ud;
    if (pki_smap_get(&cv->m, id) == SIZE_MAX)
        pki_m_put(cv->c, &cv->m, id, 1);
}

/* Adds the holders of v's array `what` (only category `cat` when not NULL). */
static bool cover_add(pki_mctx *c, cover *cv, json_t *v, const char *what, const char *cat,
                      const char *test)
{
    json_t *h;
    size_t i;
    json_array_foreach(pki_m_arr(v, what), i, h)
    {
        const char *hc = pki_m_str(h, "category");
        if (cat && (!hc || strcmp(hc, cat)))
            continue;
        if (!pki_m_expand(c, h, test, cover_one, cv))
            return false;
    }
    return true;
}

/* 6.1.27.9 and 6.1.27.10: each product of status `status` is covered. */
static void need_statement(pki_mctx *c, json_t *v, size_t vi, const char *status, bool impact)
{
    json_t *ids = pki_m_arr(pki_m_obj(v, "product_status"), status), *id;
    if (!json_array_size(ids))
        return;
    const char *test = impact ? "6.1.27.9" : "6.1.27.10";
    cover cv = {.c = c};
    bool ok = impact ? cover_add(c, &cv, v, "flags", NULL, test) &&
                           cover_add(c, &cv, v, "threats", "impact", test)
                     : cover_add(c, &cv, v, "remediations", NULL, test);
    size_t k;
    char path[PKI_M_PATH];
    json_array_foreach(ids, k, id)
    {
        if (!ok || !json_is_string(id) || pki_smap_get(&cv.m, json_string_value(id)) != SIZE_MAX)
            continue;
        snprintf(path, sizeof path, "/vulnerabilities/%zu/product_status/%s/%zu", vi, status, k);
        if (impact)
            pki_csaf_add(c->r, test, path,
                         "known_not_affected product %s has no impact statement (a flag or an "
                         "impact threat)",
                         json_string_value(id));
        else
            pki_csaf_add(c->r, test, path, "known_affected product %s has no remediation",
                         json_string_value(id));
    }
    pki_smap_free(&cv.m);
}

static void per_vuln(pki_mctx *c, int prof, json_t *v, size_t vi)
{
    char path[PKI_M_PATH];
    snprintf(path, sizeof path, "/vulnerabilities/%zu", vi);
    if ((prof & (P_SA | P_VEX)) && !pki_m_arr(v, "notes"))
        pki_csaf_add(c->r, "6.1.27.5", path, "vulnerability has no notes");
    json_t *ps = pki_m_obj(v, "product_status");
    if ((prof & P_SA) && !ps)
        pki_csaf_add(c->r, "6.1.27.6", path, "vulnerability has no product_status");
    if (!(prof & P_VEX))
        return;
    static const char *const vex[] = {"fixed", "known_affected", "known_not_affected",
                                      "under_investigation"};
    bool any = false;
    for (size_t k = 0; k < 4; k++)
        any = any || pki_m_arr(ps, vex[k]);
    if (!any)
        pki_csaf_add(c->r, "6.1.27.7", path,
                     "product_status names none of fixed, known_affected, known_not_affected, "
                     "under_investigation");
    if (!pki_m_str(v, "cve") && !pki_m_arr(v, "ids"))
        pki_csaf_add(c->r, "6.1.27.8", path, "vulnerability has neither cve nor ids");
    need_statement(c, v, vi, "known_not_affected", true);
    need_statement(c, v, vi, "known_affected", false);
}

void pki_m_profiles(pki_mctx *c)
{
    json_t *d = pki_m_obj(c->doc, "document");
    int prof = profile_of(pki_m_str(d, "category"));
    if (!prof)
        return;
    if (prof & (P_SIR | P_INFO)) {
        static const char *const notes[] = {"description", "details", "general", "summary"};
        if (!has_item(pki_m_arr(d, "notes"), "category", notes, 4))
            pki_csaf_add(c->r, "6.1.27.1", "/document/notes",
                         "document notes need one of category description, details, general or "
                         "summary");
        static const char *const ext[] = {"external"};
        if (!has_item(pki_m_arr(d, "references"), "category", ext, 1))
            pki_csaf_add(c->r, "6.1.27.2", "/document/references",
                         "document references need one of category external");
    }
    json_t *vulns = json_object_get(c->doc, "vulnerabilities");
    if ((prof & P_INFO) && vulns)
        pki_csaf_add(c->r, "6.1.27.3", "/vulnerabilities",
                     "an informational advisory has no vulnerabilities");
    if ((prof & (P_SA | P_VEX)) && !json_object_get(c->doc, "product_tree"))
        pki_csaf_add(c->r, "6.1.27.4", "/product_tree", "the profile requires a product tree");
    if ((prof & (P_SA | P_VEX)) && !vulns)
        pki_csaf_add(c->r, "6.1.27.11", "/vulnerabilities", "the profile requires vulnerabilities");
    if (!(prof & (P_SA | P_VEX)))
        return;
    json_t *v;
    size_t i;
    json_array_foreach(pki_m_arr(c->doc, "vulnerabilities"), i, v)
    {
        if (json_is_object(v))
            per_vuln(c, prof, v, i);
    }
}
