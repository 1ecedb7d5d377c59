/* CSAF 2.0 §6.1 mandatory tests inside /vulnerabilities: contradicting
 * product status (6.1.6), one score per CVSS version and product (6.1.7),
 * CVE used once (6.1.23), involvements (6.1.24), hash algorithms (6.1.25),
 * remediations and flags naming products (6.1.29, 6.1.32), one flag per
 * product (6.1.33). Maps are per vulnerability and reset between them. */
#include "mandatory_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 6.1.6: the four status groups of §3.2.3.9.1 a product may be in only one of. */
static unsigned status_group(const char *cat)
{
    if (!strcmp(cat, "first_affected") || !strcmp(cat, "known_affected") ||
        !strcmp(cat, "last_affected"))
        return 1;
    if (!strcmp(cat, "known_not_affected"))
        return 2;
    if (!strcmp(cat, "first_fixed") || !strcmp(cat, "fixed"))
        return 4;
    if (!strcmp(cat, "under_investigation"))
        return 8;
    return 0;
}

static const char *group_name(size_t bits)
{
    return bits & 1   ? "affected"
           : bits & 2 ? "not affected"
           : bits & 4 ? "fixed"
                      : "under investigation";
}

static void test_status(pki_mctx *c, json_t *v, size_t vi)
{
    json_t *ps = pki_m_obj(v, "product_status");
    if (!ps)
        return;
    pki_smap m = {0};
    const char *cat;
    json_t *arr, *id;
    char path[PKI_M_PATH];
    json_object_foreach(ps, cat, arr)
    {
        unsigned g = status_group(cat);
        size_t k;
        if (!g || !json_is_array(arr))
            continue;
        json_array_foreach(arr, k, id)
        {
            if (!json_is_string(id))
                continue;
            const char *s = json_string_value(id);
            size_t have = pki_smap_get(&m, s);
            if (have == SIZE_MAX) {
                pki_m_put(c, &m, s, g);
                continue;
            }
            if (have & g)
                continue;
            snprintf(path, sizeof path, "/vulnerabilities/%zu/product_status/%s/%zu", vi, cat, k);
            pki_csaf_add(c->r, "6.1.6", path, "product %s is both %s and %s", s, group_name(have),
                         group_name(g));
            pki_m_put(c, &m, s, have | g);
        }
    }
    pki_smap_free(&m);
}

/* 6.1.7: per CVSS version (2.0, 3.0, 3.1), a product is in at most one score. */
static void test_scores(pki_mctx *c, json_t *v, size_t vi)
{
    static const char *const vers[3] = {"2.0", "3.0", "3.1"};
    pki_smap m[3] = {{0}};
    json_t *sc, *p;
    size_t j, k;
    char path[PKI_M_PATH];
    json_array_foreach(pki_m_arr(v, "scores"), j, sc)
    {
        int seen[3] = {0};
        const char *v2 = pki_m_str(pki_m_obj(sc, "cvss_v2"), "version");
        const char *v3 = pki_m_str(pki_m_obj(sc, "cvss_v3"), "version");
        for (int x = 0; x < 3; x++)
            seen[x] = (v2 && !strcmp(v2, vers[x])) || (v3 && !strcmp(v3, vers[x]));
        json_array_foreach(pki_m_arr(sc, "products"), k, p)
        {
            if (!json_is_string(p))
                continue;
            for (int x = 0; x < 3; x++) {
                if (!seen[x])
                    continue;
                size_t have = pki_smap_get(&m[x], json_string_value(p));
                if (have == SIZE_MAX) {
                    pki_m_put(c, &m[x], json_string_value(p), j);
                } else if (have != j) {
                    snprintf(path, sizeof path, "/vulnerabilities/%zu/scores/%zu/products/%zu", vi,
                             j, k);
                    pki_csaf_add(c->r, "6.1.7", path,
                                 "product %s already has a CVSS %s score (scores/%zu)",
                                 json_string_value(p), vers[x], have);
                }
            }
        }
    }
    for (int x = 0; x < 3; x++)
        pki_smap_free(&m[x]);
}

/* 6.1.24: no two involvements with the same party and date. Sorted, so a
 * hostile list costs n log n. */
typedef struct inv {
    const char *party, *date;
    size_t i;
} inv;

static int inv_cmp(const void *a, const void *b)
{
    const inv *x = a, *y = b;
    int d = strcmp(x->party, y->party);
    if (!d)
        d = strcmp(x->date, y->date);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

static void test_involvements(pki_mctx *c, json_t *v, size_t vi)
{
    json_t *arr = pki_m_arr(v, "involvements"), *e;
    size_t n = json_array_size(arr), m = 0, k;
    if (n < 2)
        return;
    inv *a = pki_calloc(n, sizeof *a);
    if (!a) {
        c->r->nomem = 1;
        return;
    }
    json_array_foreach(arr, k, e)
    {
        const char *party = pki_m_str(e, "party"), *date = pki_m_str(e, "date");
        if (party)
            a[m++] = (inv){party, date ? date : "", k};
    }
    qsort(a, m, sizeof *a, inv_cmp);
    char path[PKI_M_PATH];
    for (k = 1; k < m; k++) {
        if (strcmp(a[k].party, a[k - 1].party) || strcmp(a[k].date, a[k - 1].date))
            continue;
        snprintf(path, sizeof path, "/vulnerabilities/%zu/involvements/%zu", vi, a[k].i);
        pki_csaf_add(c->r, "6.1.24", path, "involvement of %s at %s is given more than once",
                     a[k].party, a[k].date[0] ? a[k].date : "(no date)");
    }
    pki_free(a);
}

/* 6.1.29 and 6.1.32: each remediation and each flag names products or groups. */
static void test_holders(pki_mctx *c, json_t *v, size_t vi)
{
    static const char *const what[2][2] = {{"remediations", "6.1.29"}, {"flags", "6.1.32"}};
    json_t *e;
    size_t k;
    char path[PKI_M_PATH];
    for (int w = 0; w < 2; w++) {
        json_array_foreach(pki_m_arr(v, what[w][0]), k, e)
        {
            if (!json_is_object(e) || pki_m_arr(e, "product_ids") || pki_m_arr(e, "group_ids"))
                continue;
            snprintf(path, sizeof path, "/vulnerabilities/%zu/%s/%zu", vi, what[w][0], k);
            pki_csaf_add(c->r, what[w][1], path, "%s item names neither product_ids nor group_ids",
                         what[w][0]);
        }
    }
}

/* 6.1.33: a product (directly or through a group) is in at most one flag. */
typedef struct flagvisit {
    pki_mctx *c;
    pki_smap m;
    size_t vi, fi;
} flagvisit;

#define FLAG_REPORTED (SIZE_MAX - 2)

static void flag_product(const char *id, void *ud)
{
    flagvisit *f = ud;
    size_t have = pki_smap_get(&f->m, id);
    if (have == SIZE_MAX) {
        pki_m_put(f->c, &f->m, id, f->fi);
        return;
    }
    if (have == f->fi || have == FLAG_REPORTED)
        return;
    char path[PKI_M_PATH];
    snprintf(path, sizeof path, "/vulnerabilities/%zu/flags/%zu", f->vi, f->fi);
    pki_csaf_add(f->c->r, "6.1.33", path, "product %s is already in flags/%zu", id, have);
    pki_m_put(f->c, &f->m, id, FLAG_REPORTED);
}

static void test_flags(pki_mctx *c, json_t *v, size_t vi)
{
    flagvisit f = {.c = c, .vi = vi};
    json_t *e;
    json_array_foreach(pki_m_arr(v, "flags"), f.fi, e)
    {
        if (!pki_m_expand(c, e, "6.1.33", flag_product, &f))
            break;
    }
    pki_smap_free(&f.m);
}

/* 6.1.25: within one file_hashes list each algorithm appears once. */
static void hashes_of(json_t *fpn, const char *path, void *ud)
{
    pki_mctx *c = ud;
    json_t *h, *fh;
    size_t i, k;
    char p[PKI_M_PATH];
    json_array_foreach(pki_m_arr(pki_m_obj(fpn, "product_identification_helper"), "hashes"), i, h)
    {
        pki_smap m = {0};
        json_array_foreach(pki_m_arr(h, "file_hashes"), k, fh)
        {
            const char *alg = pki_m_str(fh, "algorithm");
            if (!alg)
                continue;
            if (pki_smap_get(&m, alg) == SIZE_MAX) {
                pki_m_put(c, &m, alg, k);
                continue;
            }
            snprintf(p, sizeof p, "%s/product_identification_helper/hashes/%zu/file_hashes/%zu",
                     path, i, k);
            pki_csaf_add(c->r, "6.1.25", p, "hash algorithm %s is used more than once", alg);
        }
        pki_smap_free(&m);
    }
}

void pki_m_vulns(pki_mctx *c)
{
    json_t *v;
    size_t i;
    pki_smap cves = {0};
    char path[PKI_M_PATH];
    json_array_foreach(pki_m_arr(c->doc, "vulnerabilities"), i, v)
    {
        if (!json_is_object(v))
            continue;
        test_status(c, v, i);
        test_scores(c, v, i);
        test_involvements(c, v, i);
        test_holders(c, v, i);
        test_flags(c, v, i);
        const char *cve = pki_m_str(v, "cve");
        if (!cve)
            continue;
        size_t have = pki_smap_get(&cves, cve);
        if (have == SIZE_MAX) {
            pki_m_put(c, &cves, cve, i);
            continue;
        }
        snprintf(path, sizeof path, "/vulnerabilities/%zu/cve", i);
        pki_csaf_add(c->r, "6.1.23", path, "%s is already described in vulnerabilities/%zu", cve,
                     have);
    }
    pki_smap_free(&cves);
    pki_m_each_product(c, hashes_of, c);
}
