/* Reading an SBOM made elsewhere: CycloneDX JSON 1.4-1.6 and SPDX 2.2/2.3 JSON
 * into an inventory. Lenient about what it does not use; strict about the
 * types of what it does (a component that is not an object, a name that is not
 * a string: PKI_SBOM_E_FORMAT with the JSON path in the message). Nested
 * CycloneDX components are walked with an explicit stack, at most
 * PKI_SBOM_MAX_DEPTH deep. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../ident/ident_int.h"
#include "../core/smap.h"
#include "writer_int.h"

typedef struct rdctx {
    pk_inventory *inv;
    const char *name; /* the file, for messages and evidence */
    const char *rule; /* "cyclonedx" / "spdx" */
    char *err;
    size_t errcap;
    pki_smap refs; /* bom-ref / SPDXID -> component index (keys live in the JSON tree) */
} rdctx;

__attribute__((format(printf, 3, 4))) static pk_status fail(rdctx *r, pk_status st, const char *fmt,
                                                            ...)
{
    if (r->err && r->errcap) {
        int n = snprintf(r->err, r->errcap, "%s: ", r->name);
        if (n >= 0 && (size_t)n < r->errcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + n, r->errcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

/* A string member: NULL when absent or null; *bad set when of another type. */
static const char *jstr(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

/* An array member: NULL when absent; *bad set when of another type. */
static json_t *jarr(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        *bad = 1;
        return NULL;
    }
    return v;
}

/* SPDX's "no value" words. */
static const char *spdx_val(const char *s)
{
    if (!s || !*s || !strcmp(s, "NOASSERTION") || !strcmp(s, "NONE"))
        return NULL;
    return s;
}

static int set(rdctx *r, const char **field, const char *s)
{
    if (!s || !*s)
        return 0;
    *field = pki_inv_str(r->inv, s);
    return *field ? 0 : -1;
}

static int set_lower(rdctx *r, const char **field, const char *s)
{
    if (set(r, field, s))
        return -1;
    for (char *p = (char *)*field; p && *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    return 0;
}

static pk_ckind kind_of(const char *t)
{
    static const struct {
        const char *name;
        pk_ckind k;
    } map[] = {
        {"library", PK_CK_LIBRARY},
        {"application", PK_CK_APPLICATION},
        {"framework", PK_CK_FRAMEWORK},
        {"operating-system", PK_CK_OPERATING_SYSTEM},
        {"operating_system", PK_CK_OPERATING_SYSTEM},
        {"firmware", PK_CK_FIRMWARE},
        {"file", PK_CK_FILE},
    };
    for (size_t i = 0; t && i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcasecmp(t, map[i].name))
            return map[i].k;
    return PK_CK_LIBRARY;
}

/* Fills type/ns/name/version/arch/distro from a purl; the SBOM's own name and
 * version win when present. An unparsable purl is kept as text only. */
static int from_purl(rdctx *r, pk_comp *c, const char *purl)
{
    if (set(r, &c->purl, purl))
        return -1;
    if (!purl || strlen(purl) > PKI_IDENT_MAX)
        return 0;
    char *buf = pki_malloc(PKI_IDENT_OUT_MAX);
    if (!buf)
        return -1;
    pki_purl p;
    int bad = 0;
    if (pki_purl_parse(purl, &p, buf, PKI_IDENT_OUT_MAX) == PK_OK) {
        bad = set(r, &c->type, p.type) || set(r, &c->ns, p.ns) ||
              (!c->name && set(r, &c->name, p.name)) ||
              (!c->version && set(r, &c->version, p.version));
        for (size_t i = 0; !bad && i < p.nquals; i++) {
            if (!strcmp(p.quals[i].key, "arch"))
                bad = set(r, &c->arch, p.quals[i].value);
            else if (!strcmp(p.quals[i].key, "distro"))
                bad = set(r, &c->distro, p.quals[i].value);
        }
    }
    pki_free(buf);
    return bad ? -1 : 0;
}

/* Index of a new component with its one piece of evidence (the record is the
 * document's id for it), registered under `ref`. */
static pk_status new_comp(rdctx *r, const char *ref, size_t *out)
{
    if (r->inv->n >= PKI_INV_MAX_COMPONENTS)
        return fail(r, PK_E_LIMIT, "more than %u components", PKI_INV_MAX_COMPONENTS);
    size_t i = pki_inv_add(r->inv);
    if (i == SIZE_MAX)
        return PK_E_NOMEM;
    pk_cevidence ev = {.vpath = r->name,
                       .analyzer = "sbom",
                       .rule = r->rule,
                       .method = PK_CM_OTHER,
                       .confidence = 100,
                       .loc = {.offset = PK_LOC_NONE, .length = 0, .record = ref}};
    if (pki_inv_add_ev(r->inv, i, &ev) != PK_OK)
        return PK_E_NOMEM;
    if (ref && *ref && pki_smap_get(&r->refs, ref) == SIZE_MAX &&
        pki_smap_put(&r->refs, ref, i) == SIZE_MAX - 1)
        return PK_E_NOMEM;
    *out = i;
    return PK_OK;
}

static pk_status cdx_hashes(rdctx *r, size_t ci, json_t *hs, const char *ctx)
{
    size_t i;
    json_t *h;
    json_array_foreach(hs, i, h)
    {
        int bad = !json_is_object(h);
        const char *alg = bad ? NULL : jstr(h, "alg", &bad);
        const char *v = bad ? NULL : jstr(h, "content", &bad);
        if (bad)
            return fail(r, PKI_SBOM_E_FORMAT, "%s.hashes[%zu] is not a {alg, content} object", ctx,
                        i);
        if (!alg || !v)
            continue;
        pk_comp *c = &r->inv->comps[ci];
        int e = 0;
        if (!strcasecmp(alg, "SHA-256"))
            e = set_lower(r, &c->sha256, v);
        else if (!strcasecmp(alg, "SHA-1"))
            e = set_lower(r, &c->sha1, v);
        else if (!strcasecmp(alg, "MD5"))
            e = set_lower(r, &c->md5, v);
        else if (!strcasecmp(alg, "SHA-512"))
            e = pki_inv_set_prop(r->inv, ci, "sha512", v) != PK_OK;
        if (e)
            return PK_E_NOMEM;
    }
    return PK_OK;
}

/* The first license choice; several plain ids are joined with AND. */
static pk_status cdx_license(rdctx *r, pk_comp *c, json_t *ls, const char *ctx)
{
    char buf[1024];
    size_t o = 0, i;
    json_t *l;
    const char *first = NULL;
    int all_ids = 1;
    buf[0] = 0;
    json_array_foreach(ls, i, l)
    {
        int bad = !json_is_object(l);
        json_t *lic = bad ? NULL : json_object_get(l, "license");
        const char *expr = bad ? NULL : jstr(l, "expression", &bad);
        const char *id = NULL, *name = NULL;
        if (lic && json_is_object(lic)) {
            id = jstr(lic, "id", &bad);
            name = jstr(lic, "name", &bad);
        } else if (lic) {
            bad = 1;
        }
        if (bad)
            return fail(r, PKI_SBOM_E_FORMAT, "%s.licenses[%zu] is not a license choice", ctx, i);
        const char *v = expr ? expr : id ? id : name;
        if (!v)
            continue;
        if (!first)
            first = v;
        if (!id)
            all_ids = 0;
        int n = snprintf(buf + o, sizeof(buf) - o, "%s%s", o ? " AND " : "", v);
        if (n < 0 || (size_t)n >= sizeof(buf) - o)
            all_ids = 0;
        else
            o += (size_t)n;
    }
    return set(r, &c->license, all_ids && o ? buf : first) ? PK_E_NOMEM : PK_OK;
}

static pk_status cdx_props(rdctx *r, size_t ci, json_t *ps)
{
    size_t i;
    json_t *p;
    json_array_foreach(ps, i, p)
    {
        int bad = !json_is_object(p);
        const char *k = bad ? NULL : jstr(p, "name", &bad);
        const char *v = bad ? NULL : jstr(p, "value", &bad);
        if (bad)
            return fail(r, PKI_SBOM_E_FORMAT, "properties[%zu] is not a {name, value} object", i);
        if (!k || !*k || !v)
            continue;
        pk_comp *c = &r->inv->comps[ci];
        const char *key = strncmp(k, "parakh:", 7) ? k : k + 7;
        int e = 0;
        if (!*key)
            continue;
        if (!strcmp(k, "parakh:unattributed"))
            c->unattributed = !strcmp(v, "true");
        else if (!strcmp(k, "parakh:arch"))
            e = set(r, &c->arch, v);
        else if (!strcmp(k, "parakh:distro"))
            e = set(r, &c->distro, v);
        else if (!strcmp(k, "parakh:file"))
            e = set(r, &c->file_vpath, v);
        else if (!strcmp(k, "parakh:source_name"))
            e = set(r, &c->source_name, v);
        else if (!strcmp(k, "parakh:source_version"))
            e = set(r, &c->source_version, v);
        else if (*v)
            e = pki_inv_set_prop(r->inv, ci, key, v) != PK_OK;
        if (e)
            return PK_E_NOMEM;
    }
    return PK_OK;
}

static pk_status cdx_component(rdctx *r, json_t *o, const char *ctx)
{
    int bad = 0;
    const char *ref = jstr(o, "bom-ref", &bad), *name = jstr(o, "name", &bad);
    const char *type = jstr(o, "type", &bad), *group = jstr(o, "group", &bad);
    const char *ver = jstr(o, "version", &bad), *purl = jstr(o, "purl", &bad);
    const char *cpe = jstr(o, "cpe", &bad), *desc = jstr(o, "description", &bad);
    const char *author = jstr(o, "author", &bad);
    json_t *hs = jarr(o, "hashes", &bad), *ls = jarr(o, "licenses", &bad);
    json_t *ps = jarr(o, "properties", &bad), *xr = jarr(o, "externalReferences", &bad);
    json_t *sup = json_object_get(o, "supplier");
    const char *supn = sup && json_is_object(sup) ? jstr(sup, "name", &bad) : NULL;
    if (bad || (sup && !json_is_object(sup)))
        return fail(r, PKI_SBOM_E_FORMAT, "%s has a member of the wrong type", ctx);
    if (!name || !*name)
        return fail(r, PKI_SBOM_E_FORMAT, "%s has no name", ctx);
    size_t ci;
    pk_status st = new_comp(r, ref, &ci);
    if (st != PK_OK)
        return st;
    pk_comp *c = &r->inv->comps[ci];
    c->kind = kind_of(type);
    if (set(r, &c->name, name) || set(r, &c->version, ver) || from_purl(r, c, purl) ||
        set(r, &c->cpe, cpe) || set(r, &c->description, desc) || set(r, &c->author, author) ||
        set(r, &c->supplier, supn) || (!c->ns && set(r, &c->ns, group)) ||
        (!c->type && set(r, &c->type, "generic")))
        return PK_E_NOMEM;
    size_t i;
    json_t *x;
    json_array_foreach(xr, i, x)
    {
        const char *t = json_is_object(x) ? jstr(x, "type", &bad) : NULL;
        const char *u = json_is_object(x) ? jstr(x, "url", &bad) : NULL;
        if (!c->homepage && t && u && !strcmp(t, "website") && set(r, &c->homepage, u))
            return PK_E_NOMEM;
    }
    if (group && c->ns && strcmp(group, c->ns) &&
        pki_inv_set_prop(r->inv, ci, "group", group) != PK_OK)
        return PK_E_NOMEM;
    if (hs && (st = cdx_hashes(r, ci, hs, ctx)) != PK_OK)
        return st;
    if (ls && (st = cdx_license(r, &r->inv->comps[ci], ls, ctx)) != PK_OK)
        return st;
    if (ps && (st = cdx_props(r, ci, ps)) != PK_OK)
        return st;
    return PK_OK;
}

/* Walks components[] and every nested components[] with an explicit stack. */
static pk_status cdx_components(rdctx *r, json_t *top)
{
    struct frame {
        json_t *arr;
        size_t next;
    } stack[PKI_SBOM_MAX_DEPTH];
    size_t depth = 1;
    stack[0].arr = top;
    stack[0].next = 0;
    while (depth) {
        struct frame *f = &stack[depth - 1];
        if (f->next >= json_array_size(f->arr)) {
            depth--;
            continue;
        }
        size_t idx = f->next++;
        json_t *o = json_array_get(f->arr, idx);
        char ctx[64];
        snprintf(ctx, sizeof(ctx), "components[%zu] (depth %zu)", idx, depth);
        if (!json_is_object(o))
            return fail(r, PKI_SBOM_E_FORMAT, "%s is not an object", ctx);
        pk_status st = cdx_component(r, o, ctx);
        if (st != PK_OK)
            return st;
        int bad = 0;
        json_t *sub = jarr(o, "components", &bad);
        if (bad)
            return fail(r, PKI_SBOM_E_FORMAT, "%s.components is not an array", ctx);
        if (sub && json_array_size(sub)) {
            if (depth >= PKI_SBOM_MAX_DEPTH)
                return fail(r, PK_E_LIMIT, "components nested more than %d deep",
                            PKI_SBOM_MAX_DEPTH);
            stack[depth].arr = sub;
            stack[depth].next = 0;
            depth++;
        }
    }
    return PK_OK;
}

static pk_status cdx_deps(rdctx *r, json_t *deps)
{
    size_t i, k;
    json_t *d, *t;
    json_array_foreach(deps, i, d)
    {
        int bad = !json_is_object(d);
        const char *ref = bad ? NULL : jstr(d, "ref", &bad);
        json_t *on = bad ? NULL : jarr(d, "dependsOn", &bad);
        if (bad || !ref)
            return fail(r, PKI_SBOM_E_FORMAT, "dependencies[%zu] is not a {ref, dependsOn} object",
                        i);
        size_t from = pki_smap_get(&r->refs, ref);
        json_array_foreach(on, k, t)
        {
            if (!json_is_string(t))
                return fail(r, PKI_SBOM_E_FORMAT,
                            "dependencies[%zu].dependsOn[%zu] is not a string", i, k);
            size_t to = pki_smap_get(&r->refs, json_string_value(t));
            /* refs to the subject or to services are not components */
            if (from != SIZE_MAX && to != SIZE_MAX && pki_inv_add_dep(r->inv, from, to) != PK_OK)
                return PK_E_NOMEM;
        }
    }
    return PK_OK;
}

static pk_status read_cdx(rdctx *r, json_t *root)
{
    r->rule = "cyclonedx";
    int bad = 0;
    const char *spec = jstr(root, "specVersion", &bad);
    json_t *comps = jarr(root, "components", &bad);
    json_t *deps = jarr(root, "dependencies", &bad);
    json_t *meta = json_object_get(root, "metadata");
    if (bad || (meta && !json_is_object(meta)))
        return fail(r, PKI_SBOM_E_FORMAT,
                    "specVersion, components, dependencies or metadata has the wrong type");
    char fmt[48];
    snprintf(fmt, sizeof(fmt), "CycloneDX %.16s", spec ? spec : "?");
    if (!(r->inv->source_format = pki_inv_str(r->inv, fmt)))
        return PK_E_NOMEM;
    json_t *mc = meta ? json_object_get(meta, "component") : NULL;
    if (mc && json_is_object(mc)) {
        const char *n = jstr(mc, "name", &bad);
        json_t *hs = jarr(mc, "hashes", &bad);
        size_t i;
        json_t *h;
        json_array_foreach(hs, i, h)
        {
            const char *alg = json_is_object(h) ? jstr(h, "alg", &bad) : NULL;
            const char *v = json_is_object(h) ? jstr(h, "content", &bad) : NULL;
            if (alg && v && !strcmp(alg, "SHA-256") && set_lower(r, &r->inv->subject.sha256, v))
                return PK_E_NOMEM;
        }
        if (set(r, &r->inv->subject.name, n))
            return PK_E_NOMEM;
    }
    pk_status st = comps ? cdx_components(r, comps) : PK_OK;
    if (st == PK_OK && deps)
        st = cdx_deps(r, deps);
    return st;
}

/* "Organization: X" / "Person: X" -> X; NOASSERTION -> NULL. */
static const char *spdx_party(const char *s)
{
    s = spdx_val(s);
    if (!s)
        return NULL;
    const char *colon = strchr(s, ':');
    if (colon && (!strncmp(s, "Organization:", 13) || !strncmp(s, "Person:", 7) ||
                  !strncmp(s, "Tool:", 5))) {
        s = colon + 1;
        while (*s == ' ')
            s++;
    }
    return *s ? s : NULL;
}

/* The text behind a LicenseRef- of this document, else the id itself. */
static const char *spdx_license(json_t *root, const char *id)
{
    id = spdx_val(id);
    if (!id || strncmp(id, "LicenseRef-", 11))
        return id;
    json_t *ex = json_object_get(root, "hasExtractedLicensingInfos");
    size_t i;
    json_t *e;
    json_array_foreach(ex, i, e)
    {
        const char *lid = json_string_value(json_object_get(e, "licenseId"));
        if (lid && !strcmp(lid, id)) {
            const char *t = json_string_value(json_object_get(e, "extractedText"));
            return t && *t ? t : id;
        }
    }
    return id;
}

static pk_status spdx_package(rdctx *r, json_t *root, json_t *o, size_t idx)
{
    int bad = 0;
    const char *id = jstr(o, "SPDXID", &bad), *name = jstr(o, "name", &bad);
    const char *ver = jstr(o, "versionInfo", &bad), *sup = jstr(o, "supplier", &bad);
    const char *lic = jstr(o, "licenseDeclared", &bad), *home = jstr(o, "homepage", &bad);
    const char *desc = jstr(o, "description", &bad), *dl = jstr(o, "downloadLocation", &bad);
    const char *purpose = jstr(o, "primaryPackagePurpose", &bad);
    json_t *sums = jarr(o, "checksums", &bad), *refs = jarr(o, "externalRefs", &bad);
    if (bad)
        return fail(r, PKI_SBOM_E_FORMAT, "packages[%zu] has a member of the wrong type", idx);
    if (!id || !name || !*name)
        return fail(r, PKI_SBOM_E_FORMAT, "packages[%zu] has no SPDXID or name", idx);
    size_t ci;
    pk_status st = new_comp(r, id, &ci);
    if (st != PK_OK)
        return st;
    pk_comp *c = &r->inv->comps[ci];
    c->kind = kind_of(purpose);
    const char *purl = NULL, *cpe = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(refs, i, x)
    {
        const char *t = json_is_object(x) ? jstr(x, "referenceType", &bad) : NULL;
        const char *l = json_is_object(x) ? jstr(x, "referenceLocator", &bad) : NULL;
        if (t && l && !strcmp(t, "purl") && !purl)
            purl = l;
        else if (t && l && (!strcmp(t, "cpe23Type") || !strcmp(t, "cpe22Type")) && !cpe)
            cpe = l;
    }
    if (set(r, &c->name, name) || set(r, &c->version, spdx_val(ver)) || from_purl(r, c, purl) ||
        set(r, &c->cpe, cpe) || set(r, &c->supplier, spdx_party(sup)) ||
        set(r, &c->license, spdx_license(root, lic)) || set(r, &c->homepage, spdx_val(home)) ||
        set(r, &c->description, desc) || (!c->type && set(r, &c->type, "generic")))
        return PK_E_NOMEM;
    json_array_foreach(sums, i, x)
    {
        const char *alg = json_is_object(x) ? jstr(x, "algorithm", &bad) : NULL;
        const char *v = json_is_object(x) ? jstr(x, "checksumValue", &bad) : NULL;
        int e = 0;
        if (!alg || !v)
            continue;
        if (!strcmp(alg, "SHA256"))
            e = set_lower(r, &c->sha256, v);
        else if (!strcmp(alg, "SHA1"))
            e = set_lower(r, &c->sha1, v);
        else if (!strcmp(alg, "MD5"))
            e = set_lower(r, &c->md5, v);
        else if (!strcmp(alg, "SHA512"))
            e = pki_inv_set_prop(r->inv, ci, "sha512", v) != PK_OK;
        if (e)
            return PK_E_NOMEM;
    }
    if (spdx_val(dl) && pki_inv_set_prop(r->inv, ci, "download", dl) != PK_OK)
        return PK_E_NOMEM;
    return PK_OK;
}

/* The packages the document DESCRIBES are the subject, not components. */
static int spdx_described(json_t *root, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(root, "documentDescribes"), i, x)
    {
        if (json_is_string(x) && !strcmp(json_string_value(x), id))
            return 1;
    }
    json_array_foreach(json_object_get(root, "relationships"), i, x)
    {
        const char *a = json_string_value(json_object_get(x, "spdxElementId"));
        const char *t = json_string_value(json_object_get(x, "relationshipType"));
        const char *b = json_string_value(json_object_get(x, "relatedSpdxElement"));
        if (a && t && b && !strcmp(a, "SPDXRef-DOCUMENT") && !strcmp(t, "DESCRIBES") &&
            !strcmp(b, id))
            return 1;
    }
    return 0;
}

static pk_status read_spdx(rdctx *r, json_t *root)
{
    r->rule = "spdx";
    int bad = 0;
    const char *ver = jstr(root, "spdxVersion", &bad), *dname = jstr(root, "name", &bad);
    json_t *pk = jarr(root, "packages", &bad), *rels = jarr(root, "relationships", &bad);
    if (bad)
        return fail(r, PKI_SBOM_E_FORMAT, "name, packages or relationships has the wrong type");
    if (!(r->inv->source_format = pki_inv_str(r->inv, ver)))
        return PK_E_NOMEM;
    size_t i;
    json_t *o;
    json_array_foreach(pk, i, o)
    {
        if (!json_is_object(o))
            return fail(r, PKI_SBOM_E_FORMAT, "packages[%zu] is not an object", i);
        const char *id = json_string_value(json_object_get(o, "SPDXID"));
        if (id && spdx_described(root, id) && !r->inv->subject.name) {
            const char *n = json_string_value(json_object_get(o, "name"));
            if (set(r, &r->inv->subject.name, n))
                return PK_E_NOMEM;
            continue;
        }
        pk_status st = spdx_package(r, root, o, i);
        if (st != PK_OK)
            return st;
    }
    if (!r->inv->subject.name && set(r, &r->inv->subject.name, dname))
        return PK_E_NOMEM;
    json_array_foreach(rels, i, o)
    {
        int b = !json_is_object(o);
        const char *a = b ? NULL : jstr(o, "spdxElementId", &b);
        const char *t = b ? NULL : jstr(o, "relationshipType", &b);
        const char *z = b ? NULL : jstr(o, "relatedSpdxElement", &b);
        if (b)
            return fail(r, PKI_SBOM_E_FORMAT, "relationships[%zu] has the wrong type", i);
        if (!a || !t || !z)
            continue;
        int fwd = !strcmp(t, "DEPENDS_ON"), rev = !strcmp(t, "DEPENDENCY_OF");
        if (!fwd && !rev)
            continue;
        size_t x = pki_smap_get(&r->refs, a), y = pki_smap_get(&r->refs, z);
        if (x == SIZE_MAX || y == SIZE_MAX)
            continue;
        if (pki_inv_add_dep(r->inv, fwd ? x : y, fwd ? y : x) != PK_OK)
            return PK_E_NOMEM;
    }
    return PK_OK;
}

pk_status pki_sbom_read_buf(const char *buf, size_t len, const char *name, pk_inventory **out,
                            char *err, size_t errcap)
{
    rdctx r = {.name = name ? name : "sbom", .err = err, .errcap = errcap};
    if (err && errcap)
        err[0] = 0;
    if (!out)
        return PK_E_MISUSE;
    *out = NULL;
    if (len > PKI_SBOM_MAX_BYTES)
        return fail(&r, PK_E_LIMIT, "larger than %u bytes", PKI_SBOM_MAX_BYTES);
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root)
        return fail(&r, PKI_SBOM_E_FORMAT, "not JSON (line %d column %d: %s)", je.line, je.column,
                    je.text);
    pk_status st;
    const char *sv = json_string_value(json_object_get(root, "spdxVersion"));
    const char *bf = json_string_value(json_object_get(root, "bomFormat"));
    if (!json_is_object(root) || (!sv && !bf)) {
        st = fail(&r, PKI_SBOM_E_FORMAT,
                  "not a CycloneDX or SPDX JSON document (no bomFormat or spdxVersion)");
        goto done;
    }
    if (bf && strcmp(bf, "CycloneDX")) {
        st = fail(&r, PKI_SBOM_E_FORMAT, "bomFormat is \"%.32s\", not \"CycloneDX\"", bf);
        goto done;
    }
    if (!bf && strncmp(sv, "SPDX-2.", 7)) {
        st = fail(&r, PKI_SBOM_E_FORMAT, "spdxVersion \"%.32s\" is not SPDX 2.x", sv);
        goto done;
    }
    if (!(r.inv = pki_inv_new())) {
        st = PK_E_NOMEM;
        goto done;
    }
    r.inv->tool_version = "unknown";
    st = bf ? read_cdx(&r, root) : read_spdx(&r, root);
    if (st == PK_OK && !r.inv->subject.name) {
        const char *slash = strrchr(r.name, '/');
        if (set(&r, &r.inv->subject.name, slash && slash[1] ? slash + 1 : r.name))
            st = PK_E_NOMEM;
    }
    if (st == PK_OK)
        st = pki_inv_finish(r.inv);
done:
    pki_smap_free(&r.refs);
    json_decref(root);
    if (st != PK_OK) {
        if (st == PK_E_NOMEM && err && errcap && !err[0])
            fail(&r, st, "out of memory");
        pk_inventory_free(r.inv);
        return st;
    }
    *out = r.inv;
    return PK_OK;
}

pk_status pk_inventory_from_sbom(const char *path, pk_inventory **out, char *err, size_t errcap)
{
    rdctx r = {.name = path ? path : "(null)", .err = err, .errcap = errcap};
    if (err && errcap)
        err[0] = 0;
    if (!path || !out)
        return PK_E_MISUSE;
    *out = NULL;
    char *buf = NULL, why[256];
    size_t len = 0;
    pk_status rs = pki_read_file(path, PKI_SBOM_MAX_BYTES, 0, &buf, &len, why, sizeof why);
    if (rs != PK_OK)
        return fail(&r, rs, "%s", why);
    pk_status st = pki_sbom_read_buf(buf, len, path, out, err, errcap);
    pki_free(buf);
    return st;
}
