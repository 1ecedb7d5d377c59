/* SPDX 2.3 JSON (spdx-schema.json): a root package for the deliverable, one
 * package per inventory component in inventory order, extracted licensing
 * infos for declared licenses that are not SPDX expressions, and the
 * relationships (DESCRIBES, CONTAINS, DEPENDS_ON). Keys in a fixed order. */
#include <string.h>

#include "../core/smap.h"
#include "writer_int.h"

#define ROOT_ID     "SPDXRef-Subject"
#define NOASSERTION "NOASSERTION"
#define ID_NAME_MAX 64 /* bytes of the sanitized name kept in an SPDXID */

static void pkg_id(const pk_inventory *inv, size_t i, char *out, size_t cap)
{
    char nm[ID_NAME_MAX + 1];
    pki_sanitize_id(pk_inventory_at(inv, i)->name, nm, sizeof(nm));
    snprintf(out, cap, "SPDXRef-Package-%zu-%s", i, nm);
}

static int add_sum(json_t *a, const char *alg, const char *v, size_t n)
{
    if (!pki_is_hex(v, n))
        return 0;
    json_t *h = json_object();
    return pki_wappend(a, h) || json_object_set_new(h, "algorithm", json_string(alg)) ||
           pki_wset(h, "checksumValue", v);
}

static json_t *checksums(const char *sha256, const char *sha1, const char *md5, const char *sha512)
{
    json_t *a = json_array();
    if (!a || add_sum(a, "SHA256", sha256, 64) || add_sum(a, "SHA1", sha1, 40) ||
        add_sum(a, "MD5", md5, 32) || add_sum(a, "SHA512", sha512, 128)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static int add_ref(json_t *a, const char *cat, const char *type, const char *loc)
{
    if (!loc || !*loc)
        return 0;
    json_t *r = json_object();
    return pki_wappend(a, r) || pki_wset(r, "referenceCategory", cat) ||
           pki_wset(r, "referenceType", type) || pki_wset(r, "referenceLocator", loc);
}

/* hasExtractedLicensingInfos while it is built: the array and three maps
 * (keys are strings inside the array or the inventory, which outlive them). */
typedef struct exinfo {
    json_t *arr;
    pki_smap ids;   /* licenseId -> index */
    pki_smap texts; /* declared text -> index */
    pki_smap next;  /* base licenseId -> next numeric suffix to try */
} exinfo;

static const char *ex_id(const exinfo *x, size_t i)
{
    return json_string_value(json_object_get(json_array_get(x->arr, i), "licenseId"));
}

/* licenseDeclared: an SPDX id or expression; else a LicenseRef- whose text goes
 * to hasExtractedLicensingInfos, one entry per distinct text; a text whose
 * sanitized id is taken gets a numeric suffix. */
static json_t *license_declared(const char *declared, exinfo *x)
{
    char buf[1024], base[ID_NAME_MAX + 16];
    if (!declared || !*declared)
        return json_string(NOASSERTION);
    if (pki_license_id(declared, strlen(declared), buf, sizeof(buf)) ||
        pki_license_expr(declared, buf, sizeof(buf)))
        return pki_wstr(buf);
    size_t have = pki_smap_get(&x->texts, declared);
    if (have != SIZE_MAX)
        return json_string(ex_id(x, have));
    char nm[ID_NAME_MAX + 1];
    pki_sanitize_id(declared, nm, sizeof(nm));
    snprintf(base, sizeof(base), "LicenseRef-%s", nm);
    size_t k = pki_smap_get(&x->next, base);
    if (k == SIZE_MAX)
        k = pki_smap_get(&x->ids, base) == SIZE_MAX ? 1 : 2;
    for (;; k++) {
        if (k == 1)
            snprintf(buf, sizeof(buf), "%s", base);
        else
            snprintf(buf, sizeof(buf), "%s-%zu", base, k);
        if (pki_smap_get(&x->ids, buf) == SIZE_MAX)
            break;
    }
    json_t *n = json_object(), *text = pki_wstr(declared);
    size_t idx = json_array_size(x->arr);
    int bad = !text || pki_wappend(x->arr, n) || pki_wset(n, "licenseId", buf) ||
              json_object_set(n, "extractedText", text) || json_object_set(n, "name", text);
    json_decref(text);
    if (bad)
        return NULL;
    const char *id = ex_id(x, idx);
    if (pki_smap_put(&x->ids, id, idx) == SIZE_MAX - 1 ||
        pki_smap_put(&x->texts, declared, idx) == SIZE_MAX - 1 ||
        pki_smap_put(&x->next, ex_id(x, pki_smap_get(&x->ids, base)), k + 1) == SIZE_MAX - 1)
        return NULL;
    return json_string(id);
}

static const char *purpose(pk_ckind k)
{
    static const char *const names[PK_CK_COUNT_] = {
        "LIBRARY", "APPLICATION", "FRAMEWORK", "OPERATING_SYSTEM", "FIRMWARE", "FILE",
    };
    return (unsigned)k < PK_CK_COUNT_ ? names[k] : "LIBRARY";
}

/* sourceInfo lists the files (each once); comment has one line per evidence. */
static int evidence_text(const pk_comp *c, json_t *pkg)
{
    if (!c->nev)
        return 0;
    size_t cap = 32, n1 = 0, n2 = 0;
    for (size_t i = 0; i < c->nev; i++) {
        const pk_cevidence *e = &c->ev[i];
        cap += 64 + (e->vpath ? strlen(e->vpath) : 0) * 2 +
               (e->analyzer ? strlen(e->analyzer) : 0) + (e->rule ? strlen(e->rule) : 0) +
               (e->loc.record ? strlen(e->loc.record) : 0);
    }
    char *src = pki_malloc(cap), *com = pki_malloc(cap);
    int bad = !src || !com;
    if (!bad)
        n1 = (size_t)snprintf(src, cap, "acquired from:");
    for (size_t i = 0; !bad && i < c->nev; i++) {
        const pk_cevidence *e = &c->ev[i];
        const char *vp = e->vpath ? e->vpath : "";
        /* evidence is sorted by vpath (pki_inv_finish): a repeat follows its first */
        int dup = i && c->ev[i - 1].vpath && !strcmp(c->ev[i - 1].vpath, vp);
        if (!dup)
            n1 += (size_t)snprintf(src + n1, cap - n1, "%s %s", i ? "," : "", vp);
        char off[32] = "";
        if (e->loc.offset != PK_LOC_NONE)
            snprintf(off, sizeof(off), "@%llu", (unsigned long long)e->loc.offset);
        const char *rec = e->loc.record;
        n2 += (size_t)snprintf(com + n2, cap - n2, "%sevidence: %s/%s at %s%s%s%s", i ? "\n" : "",
                               e->analyzer ? e->analyzer : "", e->rule ? e->rule : "", vp, off,
                               rec && *rec ? ": " : "", rec && *rec ? rec : "");
        bad = n1 >= cap || n2 >= cap; /* cannot happen: cap counts every byte */
    }
    bad = bad || pki_wset(pkg, "sourceInfo", src) || pki_wset(pkg, "comment", com);
    pki_free(src);
    pki_free(com);
    return bad ? -1 : 0;
}

static json_t *package(const pk_inventory *inv, size_t i, exinfo *ex)
{
    const pk_comp *c = pk_inventory_at(inv, i);
    char id[128];
    pkg_id(inv, i, id, sizeof(id));
    json_t *p = json_object();
    if (!p)
        return NULL;
    const char *dl = pk_comp_prop(c, "download");
    int bad = pki_wset(p, "SPDXID", id) ||
              json_object_set_new(p, "name", pki_wstr(c->name ? c->name : "")) ||
              pki_wset(p, "versionInfo", c->version);
    if (!bad && c->supplier && *c->supplier) {
        size_t n = strlen(c->supplier) + 16;
        char *s = pki_malloc(n);
        bad = !s;
        if (s) {
            snprintf(s, n, "Organization: %s", c->supplier);
            bad = pki_wset(p, "supplier", s);
            pki_free(s);
        }
    } else if (!bad) {
        bad = pki_wset(p, "supplier", NOASSERTION);
    }
    bad = bad || pki_wset(p, "downloadLocation", dl && *dl ? dl : NOASSERTION) ||
          json_object_set_new(p, "filesAnalyzed", json_false()) ||
          pki_wset_nonempty(p, "checksums",
                            checksums(c->sha256, c->sha1, c->md5, pk_comp_prop(c, "sha512"))) ||
          pki_wset(p, "homepage", c->homepage) || pki_wset(p, "licenseConcluded", NOASSERTION) ||
          json_object_set_new(p, "licenseDeclared", license_declared(c->license, ex)) ||
          pki_wset(p, "copyrightText", NOASSERTION) || pki_wset(p, "description", c->description) ||
          evidence_text(c, p);
    if (!bad) {
        json_t *refs = json_array();
        bad = !refs || add_ref(refs, "PACKAGE-MANAGER", "purl", c->purl) ||
              add_ref(refs, "SECURITY", "cpe23Type", c->cpe);
        bad = pki_wset_nonempty(p, "externalRefs", refs) || bad;
    }
    bad = bad || pki_wset(p, "primaryPackagePurpose", purpose(c->kind));
    if (bad) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static json_t *root_package(const pk_sbom_subject *sub)
{
    json_t *p = json_object();
    const char *name = sub && sub->name && *sub->name ? sub->name : "unknown";
    if (!p || pki_wset(p, "SPDXID", ROOT_ID) || json_object_set_new(p, "name", pki_wstr(name)) ||
        pki_wset(p, "downloadLocation", NOASSERTION) ||
        json_object_set_new(p, "filesAnalyzed", json_false()) ||
        pki_wset_nonempty(p, "checksums", checksums(sub ? sub->sha256 : NULL, NULL, NULL, NULL)) ||
        pki_wset(p, "licenseConcluded", NOASSERTION) ||
        pki_wset(p, "licenseDeclared", NOASSERTION) || pki_wset(p, "copyrightText", NOASSERTION)) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static int rel(json_t *a, const char *from, const char *type, const char *to)
{
    json_t *r = json_object();
    return pki_wappend(a, r) || pki_wset(r, "spdxElementId", from) ||
           pki_wset(r, "relationshipType", type) || pki_wset(r, "relatedSpdxElement", to);
}

static json_t *relationships(const pk_inventory *inv)
{
    json_t *a = json_array();
    size_t n = pk_inventory_count(inv);
    int bad = !a || rel(a, "SPDXRef-DOCUMENT", "DESCRIBES", ROOT_ID);
    char id[128], to[128];
    for (size_t i = 0; !bad && i < n; i++) {
        pkg_id(inv, i, id, sizeof(id));
        bad = rel(a, ROOT_ID, "CONTAINS", id);
    }
    for (size_t i = 0; !bad && i < n; i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        pkg_id(inv, i, id, sizeof(id));
        for (size_t k = 0; !bad && k < c->ndeps; k++) {
            if (c->deps[k] >= n)
                continue;
            pkg_id(inv, c->deps[k], to, sizeof(to));
            bad = rel(a, id, "DEPENDS_ON", to);
        }
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

json_t *pki_spdx_doc(const pki_wctx *w)
{
    const pk_sbom_subject *sub = pk_inventory_subject(w->inv);
    const char *name = sub && sub->name && *sub->name ? sub->name : "unknown";
    char nm[ID_NAME_MAX + 1], ns[256], tool[64];
    pki_sanitize_id(name, nm, sizeof(nm));
    snprintf(ns, sizeof(ns), "https://parakh.invalid/spdxdocs/%s-%s", nm, w->uuid);
    snprintf(tool, sizeof(tool), "Tool: parakh-%s", w->tool_version);
    json_t *d = json_object(), *ci = json_object(), *cr = json_array(), *pk = json_array();
    exinfo ex = {.arr = json_array()};
    int bad = !d || !ci || !cr || !pk || !ex.arr || pki_wset(d, "spdxVersion", "SPDX-2.3") ||
              pki_wset(d, "dataLicense", "CC0-1.0") || pki_wset(d, "SPDXID", "SPDXRef-DOCUMENT") ||
              json_object_set_new(d, "name", pki_wstr(name)) ||
              pki_wset(d, "documentNamespace", ns) || pki_wset(ci, "created", w->timestamp) ||
              pki_wappend(cr, pki_wstr(tool)) || json_object_set(ci, "creators", cr) ||
              json_object_set(d, "creationInfo", ci) || pki_wappend(pk, root_package(sub));
    size_t n = pk_inventory_count(w->inv);
    for (size_t i = 0; !bad && i < n; i++)
        bad = pki_wappend(pk, package(w->inv, i, &ex));
    bad = bad || json_object_set(d, "packages", pk) ||
          (json_array_size(ex.arr) && json_object_set(d, "hasExtractedLicensingInfos", ex.arr)) ||
          json_object_set_new(d, "relationships", relationships(w->inv));
    json_decref(ci);
    json_decref(cr);
    json_decref(pk);
    json_decref(ex.arr);
    pki_smap_free(&ex.ids);
    pki_smap_free(&ex.texts);
    pki_smap_free(&ex.next);
    if (bad) {
        json_decref(d);
        return NULL;
    }
    return d;
}
