/* NVD importers: the legacy 1.1 JSON feeds (nvdcve-1.1-YEAR.json, "CVE_Items")
 * and CVE API 2.0 responses ("vulnerabilities[].cve"). Both carry the same
 * content under different names, so one record walker serves both through a
 * table of field names (nvd_names). docs/vulndb/nvd.md gives the mapping.
 *
 * Configurations are trees of AND/OR nodes over CPE match criteria. They are
 * walked with an explicit stack capped at NVD_DEPTH_MAX: the depth comes from
 * the input, so recursion would let a feed choose our stack use. */
#include <jansson.h>
#include <string.h>

#include "core/core_int.h"
#include "ident/ident_int.h"
#include "vulndb/vdb_int.h"

#define NVD_DEPTH_MAX 8  /* real feeds nest 2 deep (AND over ORs) */
#define NVD_ID_MAX    64 /* "CVE-2024-1234567" is 16 */
#define NVD_CWE_SEEN  64 /* CWE ids de-duplicated per record (more just repeat rows) */
#define NVD_NOTE_MAX  (PKI_IDENT_MAX + 512)

/* Field names that differ between the two formats. */
typedef struct nvd_names {
    const char *match; /* node -> its CPE match array */
    const char *uri;   /* match -> CPE 2.3 formatted string */
    const char *kids;  /* node -> child nodes */
    const char *kids2; /* 2.0: a configuration's nodes (its children) */
} nvd_names;
static const nvd_names names11 = {"cpe_match", "cpe23Uri", "children", NULL};
static const nvd_names names20 = {"cpeMatch", "criteria", "children", "nodes"};

/* One import's scratch, allocated once: the CPE buffers are large. */
typedef struct nvd_ctx {
    pki_imp *im;
    const nvd_names *nm;
    char rec[NVD_ID_MAX + 32]; /* how messages name the record */
    const char *id;
    char tags[256]; /* 2.0 cveTags, appended to every note */
    uint64_t rows;  /* affected rows of this record */
    pki_cpe cpe;
    char cbuf[PKI_IDENT_OUT_MAX];
    char ver[PKI_IDENT_OUT_MAX];
    char upd[PKI_IDENT_OUT_MAX];
    char key[PKI_VKEY_MAX];
    char note[NVD_NOTE_MAX];
    pki_spec spec;
} nvd_ctx;

/* A string member: NULL when absent or null, *bad set for another type. */
static const char *jstr(json_t *o, const char *k, int *bad)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

/* An array member: NULL when absent or null, *bad set for another type. */
static json_t *jarr(json_t *o, const char *k, int *bad)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        *bad = 1;
        return NULL;
    }
    return v;
}

static json_t *jobj(json_t *o, const char *k, int *bad)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_object(v)) {
        *bad = 1;
        return NULL;
    }
    return v;
}

static pk_status bad(nvd_ctx *c, const char *what)
{
    return pki_imp_fail(c->im, PK_E_FEED, c->rec, "%s", what);
}

/* A WFN value (NISTIR 7695 5.3.2) as plain text: quoting backslashes dropped.
 * -1 for a wildcard ('*', '?' unquoted), which a version constraint cannot
 * express, or when it does not fit. */
static int wfn_plain(const char *v, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; v[i]; i++) {
        char ch = v[i];
        if (ch == '\\') {
            ch = v[++i];
            if (!ch)
                return -1;
        } else if (ch == '*' || ch == '?') {
            return -1;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = ch;
    }
    out[o] = '\0';
    return 0;
}

static void note_add(nvd_ctx *c, const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(c->note);
    if (n < sizeof c->note)
        snprintf(c->note + n, sizeof c->note - n, fmt, n ? "; " : "", a, b);
}

/* The version constraint of one vulnerable match (docs/vulndb/nvd.md,
 * "Versions"). 1 when the match cannot be expressed (a wildcard version, a
 * version over PKI_VER_MAX), 0 when c->spec holds it, -1 for a malformed
 * match (a bound of the wrong type or empty). */
static int match_spec(nvd_ctx *c, json_t *m, const char **fixed)
{
    int b = 0;
    const char *si = jstr(m, "versionStartIncluding", &b);
    const char *se = jstr(m, "versionStartExcluding", &b);
    const char *ei = jstr(m, "versionEndIncluding", &b);
    const char *ee = jstr(m, "versionEndExcluding", &b);
    if (b || (si && !*si) || (se && !*se) || (ei && !*ei) || (ee && !*ee))
        return -1;
    *fixed = ee;
    pk_status st;
    const pki_cpe_attr *v = &c->cpe.a[PKI_CPE_VERSION], *u = &c->cpe.a[PKI_CPE_UPDATE];
    if (si || se || ei || ee) {
        /* NVD writes the CPE version as "*" with a range; a range wins */
        st = pki_spec_bounds(&c->spec, si, se, ei, ee);
    } else if (v->kind == PKI_CPE_ANY) {
        st = pki_spec_bounds(&c->spec, NULL, NULL, NULL, NULL); /* every version */
    } else if (v->kind == PKI_CPE_NA) {
        st = pki_spec_eq(&c->spec, "-"); /* NA matches only NA (NISTIR 7696) */
    } else {
        if (wfn_plain(v->v, c->ver, sizeof c->ver))
            return 1;
        size_t n = strlen(c->ver);
        /* "1.0.2" update "beta1" -> "1.0.2-beta1"; an update with a wildcard
         * widens the match, so it is dropped rather than guessed */
        if (u->kind == PKI_CPE_VALUE && !wfn_plain(u->v, c->upd, sizeof c->upd)) {
            size_t un = strlen(c->upd);
            if (n + 1 + un < sizeof c->ver) {
                c->ver[n] = '-';
                memcpy(c->ver + n + 1, c->upd, un + 1);
            }
        }
        st = pki_spec_eq(&c->spec, c->ver);
    }
    return st == PK_OK && pki_spec_end(&c->spec) ? 0 : 1;
}

static json_t *node_kids(nvd_ctx *c, json_t *node)
{
    int b = 0;
    json_t *k = jarr(node, c->nm->kids, &b);
    if (!k && c->nm->kids2)
        k = jarr(node, c->nm->kids2, &b);
    return k;
}

/* A node on the walker's stack, with a summary of its children's criteria
 * made once (when its first child is visited), so finding a child's platform
 * stays linear however many children an AND node has. */
typedef struct nvd_frame {
    json_t *node;
    size_t next;                 /* index of the next child to visit */
    int summed, and;             /* the summary is made; the node is an AND */
    size_t nvul;                 /* children with a vulnerable criterion */
    size_t nplat;                /* non-vulnerable criteria over all children */
    size_t idx1;                 /* the child holding first1 */
    const char *first1, *first2; /* first platform CPE; first in another child */
} nvd_frame;

/* Counts the non-vulnerable criteria of a match array, keeping the first;
 * *vul is set when one is vulnerable. */
static void plat_scan(nvd_ctx *c, json_t *ms, const char **first, size_t *n, int *vul)
{
    json_t *m;
    size_t i;
    int b = 0;
    json_array_foreach(ms, i, m)
    {
        const char *u = jstr(m, c->nm->uri, &b);
        if (!json_is_false(json_object_get(m, "vulnerable"))) {
            *vul = 1;
        } else if (u) {
            if (!*first)
                *first = u;
            (*n)++;
        }
    }
}

static void frame_sum(nvd_ctx *c, nvd_frame *f)
{
    int b = 0;
    const char *op = jstr(f->node, "operator", &b);
    f->summed = 1;
    f->and = op && !strcmp(op, "AND");
    if (!f->and)
        return;
    json_t *k;
    size_t j;
    json_array_foreach(node_kids(c, f->node), j, k)
    {
        const char *first = NULL;
        size_t n = 0;
        int vul = 0;
        plat_scan(c, jarr(k, c->nm->match, &b), &first, &n, &vul);
        f->nvul += vul ? 1 : 0;
        f->nplat += n;
        if (first && !f->first1) {
            f->first1 = first;
            f->idx1 = j;
        } else if (first && !f->first2) {
            f->first2 = first;
        }
    }
}

/* First CPE of the platform a node's criteria need, when the node is an AND
 * or its parent pf is, and the other side lists only non-vulnerable criteria
 * ("an app on Windows", "firmware on this board"); *more counts the others.
 * idx: the node's index among pf's children. */
static const char *platform(nvd_ctx *c, json_t *node, nvd_frame *pf, size_t idx, size_t *more)
{
    const char *first = NULL;
    size_t n = 0;
    int b = 0, vul = 0;
    const char *op = jstr(node, "operator", &b);
    json_t *own = jarr(node, c->nm->match, &b);
    if (op && !strcmp(op, "AND"))
        plat_scan(c, own, &first, &n, &vul);
    if (pf && !pf->summed)
        frame_sum(c, pf);
    if (pf && pf->and) {
        const char *ofirst = NULL;
        size_t on = 0;
        int ovul = 0;
        plat_scan(c, own, &ofirst, &on, &ovul);
        size_t sibvul = pf->nvul - (ovul ? 1 : 0), sn = pf->nplat - on;
        const char *sfirst = pf->idx1 != idx ? pf->first1 : pf->first2;
        if (!sibvul && sn && sfirst) { /* an affected sibling is no mere platform */
            if (!first)
                first = sfirst;
            n += sn;
        }
    }
    *more = n ? n - 1 : 0;
    return first;
}

/* One CPE match of a node: parsed (every one, so a broken feed is caught),
 * and stored as an affected row when vulnerable. plat/more: the node's
 * platform, see platform(). */
static pk_status match_row(nvd_ctx *c, json_t *m, const char *plat, size_t more)
{
    int b = 0;
    if (!json_is_object(m))
        return bad(c, "a CPE match is not an object");
    json_t *vul = json_object_get(m, "vulnerable");
    const char *uri = jstr(m, c->nm->uri, &b);
    if (b || !uri || !json_is_boolean(vul))
        return bad(c, "a CPE match lacks its CPE string or \"vulnerable\" flag");
    if (strnlen(uri, PKI_IDENT_MAX + 1) > PKI_IDENT_MAX ||
        pki_cpe_parse(uri, &c->cpe, c->cbuf, sizeof c->cbuf) != PK_OK)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "not a CPE 2.3 name: %.200s", uri);
    if (json_is_false(vul))
        return PK_OK;
    const pki_cpe_attr *ven = &c->cpe.a[PKI_CPE_VENDOR], *pro = &c->cpe.a[PKI_CPE_PRODUCT];
    if (ven->kind != PKI_CPE_VALUE || pro->kind != PKI_CPE_VALUE)
        return PK_OK; /* "any vendor" names nothing to match */
    pk_status st = pki_vkey_cpe(ven->v, pro->v, c->key, sizeof c->key);
    if (st == PK_E_LIMIT)
        return PK_OK; /* a name longer than any key: nothing can match it */
    if (st == PK_E_USAGE)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "CPE vendor/product unusable: %.200s", uri);
    if (st != PK_OK)
        return st;
    const char *fixed = NULL;
    int r = match_spec(c, m, &fixed);
    if (r < 0)
        return pki_imp_fail(c->im, PK_E_FEED, c->rec, "bad version range for %.200s", uri);
    if (r > 0)
        return PK_OK;
    /* "only with" leads: match.c lowers the confidence of such rows by it */
    c->note[0] = '\0';
    if (plat) {
        char extra[40] = "";
        if (more)
            snprintf(extra, sizeof extra, " (and %zu more)", more);
        note_add(c, "%sonly with %s%s", plat, extra);
    }
    const pki_cpe_attr *part = &c->cpe.a[PKI_CPE_PART], *tsw = &c->cpe.a[PKI_CPE_TARGET_SW];
    if (part->kind == PKI_CPE_VALUE)
        note_add(c, "%spart %s%s", part->v, "");
    if (tsw->kind == PKI_CPE_VALUE && !wfn_plain(tsw->v, c->upd, sizeof c->upd))
        note_add(c, "%starget_sw %s%s", c->upd, "");
    if (c->tags[0])
        note_add(c, "%s%s%s", c->tags, "");
    pki_affected a = {.id = c->id,
                      .key = c->key,
                      .scheme = "generic",
                      .spec = pki_spec_end(&c->spec),
                      .fixed = fixed,
                      .status = "affected",
                      .note = c->note[0] ? c->note : NULL};
    st = pki_imp_affected(c->im, &a);
    if (st == PK_OK)
        c->rows++;
    return st;
}

/* Checks a node's shape and stores its matches. *skip is set for a negated
 * node: "NOT these" names no affected product, so its subtree is ignored. */
static pk_status node_visit(nvd_ctx *c, json_t *node, nvd_frame *pf, size_t idx, int *skip)
{
    int b = 0;
    if (!json_is_object(node))
        return bad(c, "a configuration node is not an object");
    const char *op = jstr(node, "operator", &b);
    json_t *neg = json_object_get(node, "negate");
    json_t *ms = jarr(node, c->nm->match, &b);
    json_t *kids = jarr(node, c->nm->kids, &b);
    if (!kids && c->nm->kids2)
        (void)jarr(node, c->nm->kids2, &b); /* type check only */
    if (b || (op && strcmp(op, "AND") && strcmp(op, "OR")) ||
        (neg && !json_is_boolean(neg) && !json_is_null(neg)))
        return bad(c, "a configuration node is malformed (operator, negate, match list)");
    *skip = json_is_true(neg);
    if (*skip)
        return PK_OK;
    /* once per node, not per criterion: siblings are scanned in full */
    size_t more = 0;
    const char *plat = platform(c, node, pf, idx, &more);
    json_t *m;
    size_t i;
    json_array_foreach(ms, i, m)
    {
        pk_status st = match_row(c, m, plat, more);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

/* Depth-first over each root node and its children; no recursion. */
static pk_status walk_nodes(nvd_ctx *c, json_t *roots)
{
    nvd_frame stack[NVD_DEPTH_MAX];
    json_t *root;
    size_t ri;
    json_array_foreach(roots, ri, root)
    {
        int skip = 0;
        pk_status st = node_visit(c, root, NULL, 0, &skip);
        if (st != PK_OK)
            return st;
        if (skip)
            continue;
        size_t depth = 1;
        memset(&stack[0], 0, sizeof stack[0]);
        stack[0].node = root;
        while (depth) {
            nvd_frame *f = &stack[depth - 1];
            json_t *kids = node_kids(c, f->node);
            if (!kids || f->next >= json_array_size(kids)) {
                depth--;
                continue;
            }
            size_t idx = f->next++;
            json_t *k = json_array_get(kids, idx);
            if (depth == NVD_DEPTH_MAX)
                return bad(c, "configuration nodes nested too deep");
            st = node_visit(c, k, f, idx, &skip);
            if (st != PK_OK)
                return st;
            if (!skip) {
                memset(&stack[depth], 0, sizeof stack[depth]);
                stack[depth].node = k;
                depth++;
            }
        }
    }
    return PK_OK;
}

/* The English text of a [{lang, value}] array (else the first). */
static const char *lang_en(json_t *arr, int *b)
{
    const char *first = NULL;
    json_t *d;
    size_t i;
    json_array_foreach(arr, i, d)
    {
        const char *lang = jstr(d, "lang", b), *v = jstr(d, "value", b);
        if (!json_is_object(d))
            *b = 1;
        if (v && lang && !strcmp(lang, "en"))
            return v;
        if (v && !first)
            first = v;
    }
    return first;
}

/* CWE ids of [{description:[{value:"CWE-79"}]}] (1.1 problemtype_data, 2.0
 * weaknesses). NVD's placeholders NVD-CWE-Other / NVD-CWE-noinfo say "no
 * specific CWE" and are not stored. */
static pk_status cwes(nvd_ctx *c, json_t *list)
{
    const char *seen[NVD_CWE_SEEN];
    size_t nseen = 0;
    json_t *p, *d;
    size_t i, j;
    json_array_foreach(list, i, p)
    {
        int b = 0;
        json_t *ds = jarr(p, "description", &b);
        if (b || !json_is_object(p))
            return bad(c, "a problem type / weakness entry is malformed");
        json_array_foreach(ds, j, d)
        {
            const char *v = jstr(d, "value", &b);
            if (b)
                return bad(c, "a CWE value is not a string");
            if (!v || strncmp(v, "CWE-", 4) || strspn(v + 4, "0123456789") != strlen(v + 4) ||
                !v[4])
                continue;
            size_t k = 0;
            while (k < nseen && strcmp(seen[k], v))
                k++;
            if (k < nseen)
                continue;
            if (nseen < NVD_CWE_SEEN)
                seen[nseen++] = v;
            pk_status st = pki_imp_cwe(c->im, c->id, v);
            if (st != PK_OK)
                return st;
        }
    }
    return PK_OK;
}

static pk_status refs(nvd_ctx *c, json_t *list)
{
    json_t *r;
    size_t i;
    json_array_foreach(list, i, r)
    {
        int b = 0;
        const char *url = jstr(r, "url", &b);
        if (b || !json_is_object(r))
            return bad(c, "a reference is malformed");
        if (!url || !*url)
            continue;
        pk_status st = pki_imp_ref(c->im, c->id, url);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

/* {version, vectorString, baseScore} of one CVSS block; ver_default when the
 * block omits its version (NVD 1.1 cvssV2 always says "2.0"). */
static pk_status cvss_block(nvd_ctx *c, json_t *data, const char *ver_default)
{
    int b = 0;
    if (!data)
        return PK_OK;
    const char *ver = jstr(data, "version", &b), *vec = jstr(data, "vectorString", &b);
    json_t *sc = json_object_get(data, "baseScore");
    if (b || (sc && !json_is_number(sc)))
        return bad(c, "a CVSS block is malformed");
    if (!vec || !*vec)
        return PK_OK; /* nothing to store */
    double score = sc ? json_number_value(sc) : -1.0;
    if (score > 10.0 || score < 0.0)
        score = -1.0; /* out of range: let the vector speak */
    return pki_imp_cvss(c->im, c->id, ver ? ver : ver_default, vec, score);
}

/* Names the record for messages and checks its id. */
static pk_status set_id(nvd_ctx *c, const char *id, const char *arr, size_t idx)
{
    snprintf(c->rec, sizeof c->rec, "%s[%zu]", arr, idx);
    if (!id || !*id || strnlen(id, NVD_ID_MAX + 1) > NVD_ID_MAX)
        return bad(c, "missing or overlong CVE id");
    snprintf(c->rec, sizeof c->rec, "%s", id);
    c->id = id;
    c->rows = 0;
    c->tags[0] = '\0';
    return PK_OK;
}

/* ---- 1.1 feeds ---- */

static pk_status item11(nvd_ctx *c, json_t *it, size_t idx)
{
    int b = 0;
    json_t *cve = jobj(it, "cve", &b);
    json_t *meta = jobj(cve, "CVE_data_meta", &b);
    pk_status st = set_id(c, jstr(meta, "ID", &b), "CVE_Items", idx);
    if (st != PK_OK)
        return st;
    if (b || !json_is_object(it))
        return bad(c, "item is malformed (cve, CVE_data_meta)");
    const char *pub = jstr(it, "publishedDate", &b), *mod = jstr(it, "lastModifiedDate", &b);
    json_t *desc = jarr(jobj(cve, "description", &b), "description_data", &b);
    const char *sum = lang_en(desc, &b);
    json_t *pt = jarr(jobj(cve, "problemtype", &b), "problemtype_data", &b);
    json_t *rf = jarr(jobj(cve, "references", &b), "reference_data", &b);
    json_t *imp = jobj(it, "impact", &b);
    json_t *v3 = jobj(jobj(imp, "baseMetricV3", &b), "cvssV3", &b);
    json_t *v2 = jobj(jobj(imp, "baseMetricV2", &b), "cvssV2", &b);
    json_t *nodes = jarr(jobj(it, "configurations", &b), "nodes", &b);
    if (b)
        return bad(c, "a field has the wrong JSON type");
    /* rejected CVEs stay in some copies of the feeds with this marker */
    const char *wd = sum && !strncmp(sum, "** REJECT **", 12) ? (mod ? mod : pub) : NULL;
    if ((st = pki_imp_record(c->im, mod ? mod : pub)) != PK_OK ||
        (st = pki_imp_advisory(c->im, c->id, sum, pub, mod, wd)) != PK_OK ||
        (st = cvss_block(c, v3, "3.0")) != PK_OK || (st = cvss_block(c, v2, "2.0")) != PK_OK ||
        (st = cwes(c, pt)) != PK_OK || (st = refs(c, rf)) != PK_OK ||
        (st = walk_nodes(c, nodes)) != PK_OK)
        return st;
    if (!c->rows)
        pki_imp_skip(c->im);
    return PK_OK;
}

static pk_status ctx_new(pki_imp *im, const nvd_names *nm, nvd_ctx **out)
{
    nvd_ctx *c = pki_calloc(1, sizeof *c);
    if (!c)
        return PK_E_NOMEM;
    c->im = im;
    c->nm = nm;
    *out = c;
    return PK_OK;
}

pk_status pki_import_nvd11(pki_imp *im, json_t *doc)
{
    int b = 0;
    json_t *items = jarr(doc, "CVE_Items", &b);
    const char *ts = jstr(doc, "CVE_data_timestamp", &b);
    if (!json_is_object(doc) || b || !items)
        return pki_imp_fail(im, PK_E_FEED, NULL, "not an NVD 1.1 feed: CVE_Items is not an array");
    nvd_ctx *c;
    pk_status st = ctx_new(im, &names11, &c);
    if (st != PK_OK)
        return st;
    json_t *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        if ((st = item11(c, it, i)) != PK_OK)
            break;
    }
    if (st == PK_OK && ts)
        pki_imp_feed_date(im, ts);
    pki_free(c);
    return st;
}

/* ---- API 2.0 ---- */

/* The Primary entry of a cvssMetricV* array (NVD's own score), else the first. */
static json_t *metric_pick(json_t *arr, int *b)
{
    json_t *m, *pick = NULL;
    size_t i;
    json_array_foreach(arr, i, m)
    {
        const char *type = jstr(m, "type", b);
        if (!json_is_object(m)) {
            *b = 1;
            return NULL;
        }
        if (!pick || (type && !strcmp(type, "Primary")))
            pick = m;
        if (type && !strcmp(type, "Primary"))
            break;
    }
    return pick ? jobj(pick, "cvssData", b) : NULL;
}

/* cveTags[].tags[] ("disputed", "unsupported-when-assigned",
 * "exclusively-hosted-service") go into every affected row's note. */
static void tags20(nvd_ctx *c, json_t *list)
{
    json_t *t, *s;
    size_t i, j;
    int b = 0;
    json_array_foreach(list, i, t)
    {
        json_array_foreach(jarr(t, "tags", &b), j, s)
        {
            size_t n = strlen(c->tags);
            if (json_is_string(s) && n < sizeof c->tags)
                snprintf(c->tags + n, sizeof c->tags - n, "%s%s", n ? ", " : "",
                         json_string_value(s));
        }
    }
}

static pk_status cve20(nvd_ctx *c, json_t *cve, size_t idx)
{
    int b = 0;
    pk_status st = set_id(c, jstr(cve, "id", &b), "vulnerabilities", idx);
    if (st != PK_OK)
        return st;
    const char *pub = jstr(cve, "published", &b), *mod = jstr(cve, "lastModified", &b);
    const char *status = jstr(cve, "vulnStatus", &b);
    const char *sum = lang_en(jarr(cve, "descriptions", &b), &b);
    json_t *met = jobj(cve, "metrics", &b);
    json_t *w = jarr(cve, "weaknesses", &b), *rf = jarr(cve, "references", &b);
    json_t *cf = jarr(cve, "configurations", &b), *tg = jarr(cve, "cveTags", &b);
    static const char *const mk[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
                                     "cvssMetricV2"};
    static const char *const mv[] = {"4.0", "3.1", "3.0", "2.0"};
    json_t *md[4];
    for (size_t k = 0; k < 4; k++)
        md[k] = metric_pick(jarr(met, mk[k], &b), &b);
    if (b)
        return bad(c, "a field has the wrong JSON type");
    const char *wd = status && !strcmp(status, "Rejected") ? (mod ? mod : pub) : NULL;
    tags20(c, tg);
    if ((st = pki_imp_record(c->im, mod ? mod : pub)) != PK_OK ||
        (st = pki_imp_advisory(c->im, c->id, sum, pub, mod, wd)) != PK_OK)
        return st;
    for (size_t k = 0; k < 4; k++)
        if ((st = cvss_block(c, md[k], mv[k])) != PK_OK)
            return st;
    if ((st = cwes(c, w)) != PK_OK || (st = refs(c, rf)) != PK_OK ||
        (st = walk_nodes(c, cf)) != PK_OK)
        return st;
    if (!c->rows)
        pki_imp_skip(c->im);
    return PK_OK;
}

/* Three shapes (docs/vulndb/nvd.md, "Recognising the files"): a whole API
 * response {"format":"NVD_CVE","vulnerabilities":[{"cve":..}]}, one element
 * of it {"cve":{..}}, or a bare cve object {"id":"CVE-..",..}. */
pk_status pki_import_nvd20(pki_imp *im, json_t *doc)
{
    int b = 0;
    if (!json_is_object(doc))
        return pki_imp_fail(im, PK_E_FEED, NULL, "not an NVD API 2.0 document");
    json_t *vs = jarr(doc, "vulnerabilities", &b);
    json_t *one = jobj(doc, "cve", &b);
    const char *ts = jstr(doc, "timestamp", &b);
    if (b || (!vs && !one && !json_is_string(json_object_get(doc, "id"))))
        return pki_imp_fail(im, PK_E_FEED, NULL,
                            "not an NVD API 2.0 document: no vulnerabilities array");
    nvd_ctx *c;
    pk_status st = ctx_new(im, &names20, &c);
    if (st != PK_OK)
        return st;
    if (!vs) {
        st = cve20(c, one ? one : doc, 0);
    } else {
        json_t *v;
        size_t i;
        json_array_foreach(vs, i, v)
        {
            b = 0;
            json_t *cve = jobj(v, "cve", &b);
            if (!cve || b || !json_is_object(v)) {
                snprintf(c->rec, sizeof c->rec, "vulnerabilities[%zu]", i);
                st = bad(c, "no cve object");
                break;
            }
            if ((st = cve20(c, cve, i)) != PK_OK)
                break;
        }
    }
    if (st == PK_OK && ts)
        pki_imp_feed_date(im, ts);
    pki_free(c);
    return st;
}
