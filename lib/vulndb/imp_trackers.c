/* Tracker lists (docs/vulndb/trackers.md), recognised by shape:
 *   trackers-xray        X-Ray 2018: [{"doms": [..], "owner_name", "country", "parent",
 *                        "root_parent"}]
 *   trackers-exodus      Exodus / ETIP: {"trackers": {"id": {"name", "code_signature"
 *                        ("a.b.|c.d."), "network_signature" (regex), "categories"}}}
 *   trackers-ddg         DuckDuckGo TDS: {"trackers": {domain: {"owner": {"name"},
 *                        "categories"}}, "entities": ..}
 *   trackers-disconnect  Disconnect blacklist: {"categories": {Cat: [{Company:
 *                        {url: [domains]}}]}}
 *   trackers-disconnect-ent  Disconnect entity list: {"entities": {Company:
 *                        {"properties": [..], "resources": [..]}}}
 * None of these may ship inside parakh (licences in shared/data/SOURCES.md):
 * the user imports them. Shape errors in a record are malformed-file errors
 * naming the record; a domain that is not a host name (an Exodus regex) is
 * skipped and counted. */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "core/core_int.h"
#include "vulndb/geo_int.h"

#define TRK_NAME_MAX 512u
#define TRK_LIST_MAX 100000u /* domains or signatures of one record */

const char *pki_trackers_sniff(const json_t *d)
{
    if (json_is_array(d)) {
        const json_t *e = json_array_get(d, 0);
        return json_is_object(e) && json_is_array(json_object_get(e, "doms")) &&
                       json_object_get(e, "owner_name")
                   ? "trackers-xray"
                   : NULL;
    }
    if (!json_is_object(d))
        return NULL;
    const json_t *t = json_object_get(d, "trackers");
    if (json_is_object(t)) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)t, k, v)
        {
            if (json_is_object(v) && json_object_get(v, "code_signature"))
                return "trackers-exodus";
            break;
        }
        if (json_object_get(d, "entities") || json_object_get(d, "packageNames"))
            return "trackers-ddg";
        return NULL;
    }
    const json_t *lic = json_object_get(d, "license");
    if (json_is_object(json_object_get(d, "categories")) && json_is_string(lic))
        return "trackers-disconnect";
    if (json_is_object(json_object_get(d, "entities")) && json_is_string(lic))
        return "trackers-disconnect-ent";
    return NULL;
}

/* Lower-cased categories joined by ',' from a JSON array of strings. */
static void cats(const json_t *a, char *out, size_t cap)
{
    out[0] = 0;
    size_t i, n = 0;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            continue;
        const char *s = json_string_value(v);
        size_t l = strlen(s);
        if (!l || n + l + 2 > cap)
            continue;
        if (n)
            out[n++] = ',';
        for (size_t j = 0; j < l; j++)
            out[n++] = (char)tolower((unsigned char)s[j]);
        out[n] = 0;
    }
}

static void lower(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; s && *s && n + 1 < cap; s++)
        out[n++] = (char)tolower((unsigned char)*s);
    out[n] = 0;
}

static pk_status xray(pki_imp *im, const json_t *d)
{
    size_t i;
    const json_t *e;
    char rec[32];
    json_array_foreach(d, i, e)
    {
        snprintf(rec, sizeof rec, "[%zu]", i);
        const json_t *doms = json_object_get(e, "doms");
        if (!json_is_object(e) || !json_is_array(doms) || json_array_size(doms) > TRK_LIST_MAX)
            return pki_imp_fail(im, PK_E_FEED, rec, "not an object with a \"doms\" array");
        const char *owner, *country, *parent, *root;
        pk_status st = pki_imp_jstr(im, e, "owner_name", rec, TRK_NAME_MAX, &owner);
        if (st == PK_OK)
            st = pki_imp_jstr(im, e, "country", rec, 8, &country);
        if (st == PK_OK)
            st = pki_imp_jstr(im, e, "parent", rec, TRK_NAME_MAX, &parent);
        if (st == PK_OK)
            st = pki_imp_jstr(im, e, "root_parent", rec, TRK_NAME_MAX, &root);
        size_t j;
        const json_t *dv;
        json_array_foreach(doms, j, dv)
        {
            if (st != PK_OK)
                break;
            if (!json_is_string(dv))
                return pki_imp_fail(im, PK_E_FEED, rec, "doms[%zu] is not a string", j);
            st = pki_imp_tracker_host(im, json_string_value(dv), owner, country,
                                      root ? root : parent, NULL);
        }
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

/* Exodus network signatures are regexes ("a4\\.tl|accengage\\.com"): the
 * alternatives that are plain host names once "\\." is read as "." are kept
 * as domain suffixes; the rest (wildcards, groups, bare words) are skipped. */
static pk_status exodus_hosts(pki_imp *im, const char *re, const char *name, const char *cat)
{
    char dom[256];
    size_t n = 0;
    int plain = 1;
    for (const char *p = re;; p++) {
        if (*p == '|' || !*p) {
            dom[n] = 0;
            if (plain && n) {
                pk_status st = pki_imp_tracker_host(im, dom, name, NULL, NULL, cat);
                if (st != PK_OK)
                    return st;
            } else if (n || !plain) {
                pki_imp_skip(im);
            }
            n = 0;
            plain = 1;
            if (!*p)
                break;
            continue;
        }
        char c = *p;
        if (c == '\\' && (p[1] == '.' || p[1] == '-')) {
            c = *++p;
        } else if (!(isalnum((unsigned char)c) || c == '-' || c == '_')) {
            plain = 0; /* '.', '*', '(', '^' ... unescaped: a pattern */
        }
        if (n + 1 < sizeof dom)
            dom[n++] = (char)tolower((unsigned char)c);
        else
            plain = 0;
    }
    return PK_OK;
}

static pk_status exodus(pki_imp *im, const json_t *d)
{
    const json_t *t = json_object_get(d, "trackers");
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)t, k, e)
    {
        char rec[64];
        snprintf(rec, sizeof rec, "trackers.%.40s", k);
        if (!json_is_object(e))
            return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
        const char *name, *code, *net;
        pk_status st = pki_imp_jstr(im, e, "name", rec, TRK_NAME_MAX, &name);
        if (st == PK_OK)
            st = pki_imp_jstr(im, e, "code_signature", rec, 65536, &code);
        if (st == PK_OK)
            st = pki_imp_jstr(im, e, "network_signature", rec, 65536, &net);
        if (st != PK_OK)
            return st;
        if (!name)
            return pki_imp_fail(im, PK_E_FEED, rec, "a tracker without a name");
        char cat[256];
        cats(json_object_get(e, "categories"), cat, sizeof cat);
        if (net && (st = exodus_hosts(im, net, name, cat)) != PK_OK)
            return st;
        /* "com.databerries.|com.geolocstation.": the trailing dot is a
         * package boundary; the signature is stored without it */
        for (const char *p = code; p && *p;) {
            const char *e2 = strchr(p, '|');
            size_t l = e2 ? (size_t)(e2 - p) : strlen(p);
            char sig[257];
            if (l && l < sizeof sig) {
                memcpy(sig, p, l);
                sig[l] = 0;
                for (size_t z = l; z && sig[z - 1] == '.';)
                    sig[--z] = 0;
                if ((st = pki_imp_tracker_sdk(im, sig, name, cat)) != PK_OK)
                    return st;
            } else if (l) {
                pki_imp_skip(im);
            }
            p = e2 ? e2 + 1 : p + l;
        }
    }
    return PK_OK;
}

static pk_status ddg(pki_imp *im, const json_t *d)
{
    const json_t *t = json_object_get(d, "trackers");
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)t, k, e)
    {
        char rec[300];
        snprintf(rec, sizeof rec, "trackers.%.250s", k);
        if (!json_is_object(e))
            return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
        const json_t *o = json_object_get(e, "owner");
        const char *owner = NULL;
        if (o && !json_is_object(o))
            return pki_imp_fail(im, PK_E_FEED, rec, "owner is not an object");
        pk_status st = PK_OK;
        if (o) {
            st = pki_imp_jstr(im, o, "displayName", rec, TRK_NAME_MAX, &owner);
            if (st == PK_OK && !owner)
                st = pki_imp_jstr(im, o, "name", rec, TRK_NAME_MAX, &owner);
        }
        char cat[256];
        cats(json_object_get(e, "categories"), cat, sizeof cat);
        if (st == PK_OK)
            st = pki_imp_tracker_host(im, k, owner, NULL, NULL, cat);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

static pk_status domains(pki_imp *im, const json_t *a, const char *rec, const char *owner,
                         const char *cat)
{
    if (!json_is_array(a) || json_array_size(a) > TRK_LIST_MAX)
        return pki_imp_fail(im, PK_E_FEED, rec, "a domain list that is not an array");
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            return pki_imp_fail(im, PK_E_FEED, rec, "domain [%zu] is not a string", i);
        pk_status st = pki_imp_tracker_host(im, json_string_value(v), owner, NULL, NULL, cat);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

static pk_status disconnect(pki_imp *im, const json_t *d)
{
    const json_t *c = json_object_get(d, "categories");
    const char *cat;
    const json_t *list;
    json_object_foreach((json_t *)c, cat, list)
    {
        char rec[160], lc[64];
        snprintf(rec, sizeof rec, "categories.%.60s", cat);
        lower(cat, lc, sizeof lc);
        if (!json_is_array(list))
            return pki_imp_fail(im, PK_E_FEED, rec, "not an array");
        size_t i;
        const json_t *ent;
        json_array_foreach(list, i, ent)
        {
            if (!json_is_object(ent))
                return pki_imp_fail(im, PK_E_FEED, rec, "[%zu] is not an object", i);
            const char *company;
            const json_t *urls;
            json_object_foreach((json_t *)ent, company, urls)
            {
                if (!json_is_object(urls))
                    return pki_imp_fail(im, PK_E_FEED, rec, "[%zu] is not an object of sites", i);
                const char *url;
                const json_t *doms;
                json_object_foreach((json_t *)urls, url, doms)
                {
                    if (!json_is_array(doms))
                        continue; /* flags such as "dnt": "w3c" */
                    pk_status st = domains(im, doms, rec, company, lc);
                    if (st != PK_OK)
                        return st;
                }
            }
        }
    }
    return PK_OK;
}

static pk_status entities(pki_imp *im, const json_t *d)
{
    const json_t *c = json_object_get(d, "entities");
    const char *name;
    const json_t *e;
    json_object_foreach((json_t *)c, name, e)
    {
        char rec[160];
        snprintf(rec, sizeof rec, "entities.%.100s", name);
        if (!json_is_object(e))
            return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
        static const char *const keys[] = {"resources", "properties"};
        for (int i = 0; i < 2; i++) {
            const json_t *a = json_object_get(e, keys[i]);
            pk_status st = a ? domains(im, a, rec, name, NULL) : PK_OK;
            if (st != PK_OK)
                return st;
        }
    }
    return PK_OK;
}

pk_status pki_import_trackers(pki_imp *im, json_t *doc)
{
    const char *f = im->feed;
    if (strcmp(f, "trackers-xray") == 0)
        return xray(im, doc);
    if (strcmp(f, "trackers-exodus") == 0)
        return exodus(im, doc);
    if (strcmp(f, "trackers-ddg") == 0)
        return ddg(im, doc);
    if (strcmp(f, "trackers-disconnect") == 0)
        return disconnect(im, doc);
    if (strcmp(f, "trackers-disconnect-ent") == 0)
        return entities(im, doc);
    return pki_imp_fail(im, PK_E_FEED, NULL, "not a tracker list");
}
