/* CSAF 2.0 advisories, VEX profile included (OASIS CSAF 2.0, sections 3 and
 * 4.5), into the knowledge base. docs/vulndb/csaf-vex.md says how each field
 * maps and what is tolerated.
 *
 * A product is known only by its product_identification_helper (purl, then
 * CPE); names are never parsed. Relationships ("X as a component of Y") take
 * the component's identity and, for RPMs, the distribution release from the
 * platform's CPE. The product tree is walked with an explicit stack; lookups
 * go through hash maps so a hostile document costs linear time. */
#include <jansson.h>
#include <string.h>

#include "../core/core_int.h"
#include "../ident/ident_int.h"
#include "../core/smap.h"
#include "../version/version_int.h"
#include "vdb_int.h"

#define CSAF_MAX_DEPTH  32         /* branches nesting; real trees are 3 to 5 deep */
#define CSAF_ID_MAX     256        /* a CVE, CWE, product or group id */
#define CSAF_TID_MAX    200        /* the advisory id: "<id>/<CVE>" fits the database's 256 */
#define CSAF_TEXT_MAX   4096       /* summary text kept */
#define CSAF_NOTE_MAX   900        /* a threat's text; with a label it fits the database's 1 KiB */
#define CSAF_GROUP_WORK (1u << 22) /* product group members visited per document */
#define CSAF_VER_MAX    (PKI_VER_MAX + 24)

typedef struct prod {
    const char *purl, *cpe; /* the identification helper, borrowed from the tree */
    const char *ref;        /* relationships: the component's product id */
    const char *platform;   /* relationships: the platform's product id */
    const char *range;      /* a product_version_range branch's "vers:" name */
} prod;

typedef struct csaf {
    pki_imp *im;
    const char *tid;  /* document.tracking.id */
    const char *date; /* current_release_date */
    prod *p;
    size_t np, cap;
    pki_smap ids;    /* product_id -> index in p (first definition wins) */
    pki_smap groups; /* group_id -> index in garr */
    json_t **garr;
    size_t ng, gcap;
    pki_smap rows; /* rows already written for this document (dedup) */
    pki_arena *ar; /* the rows' keys and the notes */
    size_t gwork;  /* group members visited (CSAF_GROUP_WORK) */
    char *pbuf;    /* pki_purl_parse / CPE scratch, PKI_IDENT_OUT_MAX */
} csaf;

/* A resolved product: the key and version to write. */
typedef struct ident {
    char key[PKI_VKEY_MAX];
    char ver[CSAF_VER_MAX];
    char distro[32];
    const char *scheme;
    const char *range; /* prod.range */
} ident;

/* A string member: NULL when absent or null; *bad set when of another type
 * or longer than max. */
static const char *jstr(json_t *o, const char *k, size_t max, int *bad)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v) || json_string_length(v) > max) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

/* A member of JSON type t: NULL when absent or null; *bad when of another. */
static json_t *jget(json_t *o, const char *k, json_type t, int *bad)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return NULL;
    if (json_typeof(v) != t)
        *bad = 1;
    return json_typeof(v) == t ? v : NULL;
}
#define jarr(o, k, bad) jget(o, k, JSON_ARRAY, bad)
#define jobj(o, k, bad) jget(o, k, JSON_OBJECT, bad)

/* ---- the product tree ---- */

static pk_status add_product(csaf *c, json_t *pr, const char *ref, const char *platform,
                             const char *where)
{
    int bad = !json_is_object(pr);
    const char *pid = bad ? NULL : jstr(pr, "product_id", CSAF_ID_MAX, &bad);
    json_t *h = bad ? NULL : jobj(pr, "product_identification_helper", &bad);
    const char *purl = h && !bad ? jstr(h, "purl", PKI_IDENT_MAX, &bad) : NULL;
    const char *cpe = h && !bad ? jstr(h, "cpe", PKI_IDENT_MAX, &bad) : NULL;
    if (bad || !pid || !*pid)
        return pki_imp_fail(c->im, PK_E_FEED, c->tid,
                            "%s: a product without a string product_id, or a helper whose "
                            "purl/cpe is not a string",
                            where);
    if (pki_smap_get(&c->ids, pid) != SIZE_MAX)
        return PK_OK; /* defined twice (CSAF 6.1.2): the first definition wins */
    if (c->np >= PKI_FEED_RECORDS)
        return pki_imp_fail(c->im, PK_E_LIMIT, c->tid, "more than %u products", PKI_FEED_RECORDS);
    if (!pki_grow((void **)&c->p, &c->cap, c->np + 1, sizeof *c->p))
        return PK_E_NOMEM;
    c->p[c->np] = (prod){purl, cpe, ref, platform, NULL};
    if (pki_smap_put(&c->ids, pid, c->np) == SIZE_MAX - 1)
        return PK_E_NOMEM;
    c->np++;
    return PK_OK;
}

typedef struct frame {
    json_t *arr;
    size_t i;
} frame;

static pk_status walk_branches(csaf *c, json_t *branches)
{
    frame st[CSAF_MAX_DEPTH];
    size_t sp = 0;
    st[sp++] = (frame){branches, 0};
    while (sp) {
        frame *f = &st[sp - 1];
        if (f->i >= json_array_size(f->arr)) {
            sp--;
            continue;
        }
        json_t *b = json_array_get(f->arr, f->i++);
        int bad = !json_is_object(b);
        json_t *pr = bad ? NULL : jobj(b, "product", &bad);
        json_t *sub = bad ? NULL : jarr(b, "branches", &bad);
        if (bad)
            return pki_imp_fail(c->im, PK_E_FEED, c->tid,
                                "product_tree: a branch at depth %zu is not an object with an "
                                "object product and an array of branches",
                                sp);
        if (pr) {
            size_t np = c->np;
            pk_status s = add_product(c, pr, NULL, NULL, "product_tree.branches");
            if (s != PK_OK)
                return s;
            const char *cat = json_string_value(json_object_get(b, "category"));
            const char *nm = json_string_value(json_object_get(b, "name"));
            if (c->np > np && cat && nm && !strcmp(cat, "product_version_range") &&
                !strncmp(nm, "vers:", 5))
                c->p[np].range = nm;
        }
        if (sub && json_array_size(sub)) {
            if (sp == CSAF_MAX_DEPTH)
                return pki_imp_fail(c->im, PK_E_FEED, c->tid,
                                    "product_tree: branches nested deeper than %d", CSAF_MAX_DEPTH);
            st[sp++] = (frame){sub, 0};
        }
    }
    return PK_OK;
}

static pk_status read_tree(csaf *c, json_t *tree)
{
    int bad = 0;
    json_t *br = jarr(tree, "branches", &bad);
    json_t *fpn = jarr(tree, "full_product_names", &bad);
    json_t *rel = jarr(tree, "relationships", &bad);
    json_t *grp = jarr(tree, "product_groups", &bad);
    if (bad)
        return pki_imp_fail(c->im, PK_E_FEED, c->tid,
                            "product_tree: branches, full_product_names, relationships or "
                            "product_groups is not an array");
    pk_status s = br ? walk_branches(c, br) : PK_OK;
    size_t i;
    json_t *o;
    json_array_foreach(fpn, i, o)
    {
        if (s == PK_OK)
            s = add_product(c, o, NULL, NULL, "product_tree.full_product_names");
    }
    json_array_foreach(rel, i, o)
    {
        if (s != PK_OK)
            break;
        int b = !json_is_object(o);
        const char *ref = b ? NULL : jstr(o, "product_reference", CSAF_ID_MAX, &b);
        const char *plat = b ? NULL : jstr(o, "relates_to_product_reference", CSAF_ID_MAX, &b);
        json_t *fp = b ? NULL : jobj(o, "full_product_name", &b);
        if (b || !ref || !plat || !fp)
            return pki_imp_fail(c->im, PK_E_FEED, c->tid,
                                "product_tree.relationships[%zu]: needs product_reference, "
                                "relates_to_product_reference and full_product_name",
                                i);
        s = add_product(c, fp, ref, plat, "product_tree.relationships");
    }
    json_array_foreach(grp, i, o)
    {
        if (s != PK_OK)
            break;
        int b = !json_is_object(o);
        const char *gid = b ? NULL : jstr(o, "group_id", CSAF_ID_MAX, &b);
        json_t *pids = b ? NULL : jarr(o, "product_ids", &b);
        size_t j;
        json_t *m;
        json_array_foreach(pids, j, m) b |= !json_is_string(m);
        if (b || !gid || !pids)
            return pki_imp_fail(c->im, PK_E_FEED, c->tid,
                                "product_tree.product_groups[%zu]: needs group_id and an array "
                                "of product_ids strings",
                                i);
        if (pki_smap_get(&c->groups, gid) != SIZE_MAX)
            continue;
        if (!pki_grow((void **)&c->garr, &c->gcap, c->ng + 1, sizeof *c->garr) ||
            pki_smap_put(&c->groups, gid, c->ng) == SIZE_MAX - 1)
            return PK_E_NOMEM;
        c->garr[c->ng++] = pids;
    }
    return s;
}

/* ---- identities ---- */

/* 1 when pid names a product parakh can match; 0 when it cannot: never
 * defined, no purl or CPE, or an identifier that does not parse or does not
 * fit a key (a value problem in one product, not a malformed document). */
static int resolve(csaf *c, const char *pid, ident *id)
{
    size_t i = pki_smap_get(&c->ids, pid);
    if (i == SIZE_MAX)
        return 0; /* never defined (CSAF 6.1.1): nothing to match */
    const prod *p = &c->p[i];
    const char *purl = p->purl, *cpe = p->cpe, *plat = NULL;
    id->range = p->range;
    if (p->ref) {
        size_t j = pki_smap_get(&c->ids, p->ref), k = pki_smap_get(&c->ids, p->platform);
        if (!purl && !cpe && j != SIZE_MAX)
            purl = c->p[j].purl, cpe = c->p[j].cpe, id->range = c->p[j].range;
        if (k != SIZE_MAX)
            plat = c->p[k].cpe;
    }
    id->distro[0] = id->ver[0] = 0;
    if (purl) {
        pki_purl u;
        if (pki_purl_parse(purl, &u, c->pbuf, PKI_IDENT_OUT_MAX) != PK_OK ||
            pki_vkey_purl(u.type, u.ns, u.name, id->key, sizeof id->key) != PK_OK)
            return 0;
        pki_verscheme vs = pki_verscheme_for_purl_type(u.type);
        /* no ordering known for the type: the documented generic guess */
        id->scheme = pki_verscheme_name(vs == PKI_VS_NONE ? PKI_VS_GENERIC : vs);
        const char *epoch = NULL;
        for (size_t q = 0; q < u.nquals; q++)
            if (!strcmp(u.quals[q].key, "epoch"))
                epoch = u.quals[q].value;
        if (u.version && *u.version) {
            int n = epoch && strcmp(epoch, "0") && vs == PKI_VS_RPM
                        ? snprintf(id->ver, sizeof id->ver, "%s:%s", epoch, u.version)
                        : snprintf(id->ver, sizeof id->ver, "%s", u.version);
            if (n < 0 || (size_t)n >= sizeof id->ver)
                return 0;
        }
        if (vs == PKI_VS_RPM)
            pki_csaf_platform_distro(plat, id->distro, sizeof id->distro);
        return 1;
    }
    if (cpe) {
        char *v = c->pbuf, *pr = v + PKI_IDENT_MAX + 1, *ver = pr + PKI_IDENT_MAX + 1;
        if (pki_csaf_cpe_fields(cpe, v, pr, ver, PKI_IDENT_MAX + 1) ||
            pki_vkey_cpe(v, pr, id->key, sizeof id->key) != PK_OK)
            return 0;
        id->scheme = "generic";
        if (strlen(ver) >= sizeof id->ver)
            return 0;
        memcpy(id->ver, ver, strlen(ver) + 1);
        return 1;
    }
    return 0; /* no purl or CPE: parakh does not guess from names */
}

/* ---- vulnerabilities ---- */

enum { K_AFFECTED, K_FIRST_AFFECTED, K_LAST_AFFECTED, K_FIXED, K_NOT_AFFECTED, K_INVESTIGATING };

static const struct {
    const char *list;
    int kind;
} statuses[] = {
    {"known_affected", K_AFFECTED},
    {"first_affected", K_FIRST_AFFECTED},
    {"last_affected", K_LAST_AFFECTED},
    {"fixed", K_FIXED},
    {"first_fixed", K_FIXED},
    {"known_not_affected", K_NOT_AFFECTED},
    {"under_investigation", K_INVESTIGATING},
};

/* A product's own version, else its vers range, else (no version, or a range
 * that does not parse) every version. */
static pk_status exact_or_range(pki_spec *sp, const ident *id, const char *v)
{
    if (v)
        return pki_spec_eq(sp, v);
    if (id->range && pki_vers_spec(sp, id->range) == PK_OK)
        return PK_OK;
    return pki_spec_bounds(sp, NULL, NULL, NULL, NULL);
}

/* Writes one row for a product in a status list, unless an identical row was
 * already written for this document. *rows counts rows written. */
static pk_status row(csaf *c, const char *vid, int kind, const ident *id, const char *note,
                     uint64_t *rows)
{
    pki_spec sp;
    const char *v = id->ver[0] ? id->ver : NULL, *status = "affected", *fixed = NULL;
    pk_status s = PK_OK;
    switch (kind) {
    case K_AFFECTED:
        s = exact_or_range(&sp, id, v);
        break;
    case K_FIRST_AFFECTED:
        s = pki_spec_bounds(&sp, v, NULL, NULL, NULL);
        break;
    case K_LAST_AFFECTED:
        s = pki_spec_bounds(&sp, NULL, NULL, v, NULL);
        break;
    case K_FIXED:
        /* a fixed versioned product: what came before it was affected (Red Hat
         * lists the fixed builds); without a version, a VEX "fixed" statement */
        if (v)
            fixed = v;
        else
            status = "fixed";
        s = pki_spec_bounds(&sp, NULL, NULL, NULL, v);
        break;
    default:
        status = kind == K_NOT_AFFECTED ? "not_affected" : "under_investigation";
        s = exact_or_range(&sp, id, v);
        break;
    }
    if (s != PK_OK)
        return PK_OK; /* a version too long for a spec: nothing to match */
    const char *spec = pki_spec_end(&sp);
    if (kind != K_NOT_AFFECTED)
        note = NULL;
    /* notes are shared pointers (a label, one threat's text): the address
     * names the text without copying it into every key */
    char *dk = pki_arena_printf(c->ar, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%p", vid, id->key, id->distro,
                                status, spec, (const void *)note);
    if (!dk)
        return PK_E_NOMEM;
    if (pki_smap_get(&c->rows, dk) != SIZE_MAX)
        return PK_OK;
    if (pki_smap_put(&c->rows, dk, 0) == SIZE_MAX - 1)
        return PK_E_NOMEM;
    pki_affected a = {.id = vid,
                      .key = id->key,
                      .distro = id->distro[0] ? id->distro : NULL,
                      .scheme = id->scheme,
                      .spec = spec,
                      .fixed = fixed,
                      .status = status,
                      .note = note};
    s = pki_imp_affected(c->im, &a);
    if (s == PK_OK)
        (*rows)++;
    return s;
}

/* Text up to max bytes, cut on a UTF-8 boundary, in the arena. */
static const char *clip(csaf *c, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return s;
    n = max;
    while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return pki_arena_strndup(c->ar, s, n);
}

/* The VEX justification labels (CSAF 3.2.3.5, an enum in the schema). */
static const char *const LABELS[] = {"component_not_present", "inline_mitigations_already_exist",
                                     "vulnerable_code_cannot_be_controlled_by_adversary",
                                     "vulnerable_code_not_in_execute_path",
                                     "vulnerable_code_not_present"};
#define NLABELS (sizeof LABELS / sizeof LABELS[0])

static int label_ix(const char *p)
{
    for (size_t k = 0; k < NLABELS; k++)
        if (p == LABELS[k])
            return (int)k;
    return -1;
}

/* One threat's text for the products it names, joined to a flag label the
 * product already has: "vulnerable_code_not_in_execute_path: <details>".
 * The joined texts are made once per (threat, label), so the memory stays
 * linear in the document whatever the number of products. */
typedef struct note_src {
    const char *label; /* a flag: LABELS[k]; NULL for a threat */
    const char *text;  /* a threat's details, clipped */
    const char *joined[NLABELS];
} note_src;

/* Attaches ns to pid: a flag's label when the product has no note yet (the
 * first flag wins), a threat's text alone or joined to that label. */
static int put_note(csaf *c, pki_smap *m, const char *pid, note_src *ns)
{
    size_t old = pki_smap_get(m, pid);
    const char *t = ns->label ? ns->label : ns->text;
    if (old != SIZE_MAX) {
        int k = ns->label ? -1 : label_ix((const char *)(uintptr_t)old);
        if (k < 0)
            return 0; /* a threat's text is there already, or a flag: first wins */
        if (!ns->joined[k] &&
            !(ns->joined[k] = pki_arena_printf(c->ar, "%s: %s", LABELS[k], ns->text)))
            return -2;
        t = ns->joined[k];
    }
    return pki_smap_put(m, pid, (size_t)(uintptr_t)t) != SIZE_MAX - 1 ? 0 : -2;
}

/* put_note() for each product of an object's product_ids and group_ids.
 * -1 when they are not arrays of strings, -2 on NOMEM, -3 when groups were
 * expanded more than CSAF_GROUP_WORK times in this document. */
static int each_pid(csaf *c, json_t *o, pki_smap *m, note_src *ns)
{
    int bad = 0;
    json_t *pids = jarr(o, "product_ids", &bad), *gids = jarr(o, "group_ids", &bad);
    if (bad)
        return -1;
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(pids, i, x)
    {
        if (!json_is_string(x))
            return -1;
        if (put_note(c, m, json_string_value(x), ns))
            return -2;
    }
    json_array_foreach(gids, i, x)
    {
        if (!json_is_string(x))
            return -1;
        size_t g = pki_smap_get(&c->groups, json_string_value(x));
        json_t *members = g == SIZE_MAX ? NULL : c->garr[g];
        if ((c->gwork += json_array_size(members)) > CSAF_GROUP_WORK)
            return -3;
        json_array_foreach(members, j, y)
        {
            if (put_note(c, m, json_string_value(y), ns))
                return -2;
        }
    }
    return 0;
}

/* "CVE-YYYY-NNNN..." as the CSAF schema's pattern says. */
static int is_cve(const char *s)
{
    size_t n = strlen(s);
    if (n < 13 || n > 40 || strncmp(s, "CVE-", 4) || s[8] != '-')
        return 0;
    for (size_t i = 4; i < n; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

/* The summary note, else the description, else the vulnerability's title. */
static const char *summary_of(json_t *v, json_t *notes)
{
    const char *best = NULL;
    int rank = 0;
    size_t i;
    json_t *n;
    json_array_foreach(notes, i, n)
    {
        const char *cat = json_string_value(json_object_get(n, "category"));
        const char *t = json_string_value(json_object_get(n, "text"));
        int r = !cat || !t ? 0 : !strcmp(cat, "summary") ? 3 : !strcmp(cat, "description") ? 2 : 0;
        if (r > rank)
            rank = r, best = t;
    }
    return best ? best : json_string_value(json_object_get(v, "title"));
}

static pk_status scores(csaf *c, const char *vid, json_t *arr, const char *rec)
{
    size_t i;
    json_t *sc;
    pki_smap seen = {0};
    pk_status s = PK_OK;
    json_array_foreach(arr, i, sc)
    {
        static const char *const kinds[] = {"cvss_v3", "cvss_v2"};
        for (int k = 0; k < 2 && s == PK_OK; k++) {
            int bad = !json_is_object(sc);
            json_t *cv = bad ? NULL : jobj(sc, kinds[k], &bad);
            const char *vec = cv && !bad ? jstr(cv, "vectorString", 256, &bad) : NULL;
            const char *ver = cv && !bad ? jstr(cv, "version", 8, &bad) : NULL;
            json_t *bs = cv ? json_object_get(cv, "baseScore") : NULL;
            if (bad || (cv && (!vec || !ver || (bs && !json_is_number(bs)))))
                s = pki_imp_fail(c->im, PK_E_FEED, rec,
                                 "scores[%zu].%s needs string vectorString and version and a "
                                 "numeric baseScore",
                                 i, kinds[k]);
            else if (cv && pki_smap_get(&seen, vec) == SIZE_MAX) {
                if (pki_smap_put(&seen, vec, 0) == SIZE_MAX - 1)
                    s = PK_E_NOMEM;
                else
                    s = pki_imp_cvss(c->im, vid, ver, vec, bs ? json_number_value(bs) : -1.0);
            }
        }
    }
    pki_smap_free(&seen);
    return s;
}

/* Everything about one vulnerability except its products. */
static pk_status describe(csaf *c, json_t *v, const char *vid, const char *cve, const char *rec)
{
    int bad = 0;
    json_t *notes = jarr(v, "notes", &bad), *refs = jarr(v, "references", &bad);
    json_t *sc = jarr(v, "scores", &bad), *thr = jarr(v, "threats", &bad);
    json_t *cwe = jobj(v, "cwe", &bad);
    const char *cweid = cwe && !bad ? jstr(cwe, "id", CSAF_ID_MAX, &bad) : NULL;
    const char *rel = jstr(v, "release_date", 64, &bad);
    const char *disc = jstr(v, "discovery_date", 64, &bad);
    if (bad)
        return pki_imp_fail(c->im, PK_E_FEED, rec,
                            "notes, references, scores or threats is not an array, cwe not an "
                            "object, or a date not a string");
    pk_status s = PK_OK;
    if (cve) {
        const char *sum = summary_of(v, notes);
        s = pki_imp_advisory(c->im, vid, sum ? clip(c, sum, CSAF_TEXT_MAX) : NULL, rel ? rel : disc,
                             c->date, NULL);
        if (s == PK_OK)
            s = pki_imp_alias(c->im, vid, cve);
        if (s == PK_OK)
            s = pki_imp_alias(c->im, vid, c->tid);
        if (s == PK_OK)
            s = pki_imp_alias(c->im, cve, c->tid);
    }
    if (s == PK_OK && cweid && !strncmp(cweid, "CWE-", 4))
        s = pki_imp_cwe(c->im, vid, cweid);
    if (s == PK_OK && sc)
        s = scores(c, vid, sc, rec);
    size_t i;
    json_t *o;
    json_array_foreach(refs, i, o)
    {
        int b = 0;
        const char *url = json_is_object(o) ? jstr(o, "url", 4096, &b) : NULL;
        if (s == PK_OK && url && !b)
            s = pki_imp_ref(c->im, vid, url);
    }
    /* a threat of category impact for no product in particular is the
     * vendor's rating ("Important") */
    json_array_foreach(thr, i, o)
    {
        const char *cat = json_string_value(json_object_get(o, "category"));
        const char *det = json_string_value(json_object_get(o, "details"));
        if (s == PK_OK && cat && det && !strcmp(cat, "impact") && strlen(det) <= 32 &&
            !json_array_size(json_object_get(o, "product_ids")) &&
            !json_array_size(json_object_get(o, "group_ids")))
            s = pki_imp_rating(c->im, vid, det);
    }
    return s;
}

static pk_status each_fail(csaf *c, int r, const char *rec, const char *what, size_t i)
{
    if (r == -2)
        return PK_E_NOMEM;
    if (r == -3)
        return pki_imp_fail(c->im, PK_E_LIMIT, rec, "product groups expanded more than %u times",
                            CSAF_GROUP_WORK);
    return pki_imp_fail(c->im, PK_E_FEED, rec,
                        "%s[%zu]: product_ids / group_ids are not arrays of strings, or the "
                        "label is not a CSAF flag label",
                        what, i);
}

/* product id -> justification, from flags (VEX labels) then impact threats. */
static pk_status justifications(csaf *c, json_t *v, pki_smap *m, const char *rec)
{
    int bad = 0;
    json_t *flags = jarr(v, "flags", &bad), *thr = jarr(v, "threats", &bad);
    size_t i;
    json_t *o;
    json_array_foreach(flags, i, o)
    {
        const char *label = json_is_object(o) ? jstr(o, "label", 64, &bad) : NULL;
        note_src ns = {0};
        for (size_t k = 0; label && k < NLABELS; k++)
            if (!strcmp(label, LABELS[k]))
                ns.label = LABELS[k];
        int r = bad || !ns.label ? -1 : each_pid(c, o, m, &ns);
        if (r)
            return each_fail(c, r, rec, "flags", i);
    }
    json_array_foreach(thr, i, o)
    {
        int b = !json_is_object(o);
        const char *cat = b ? NULL : jstr(o, "category", 64, &b);
        const char *det = b ? NULL : json_string_value(json_object_get(o, "details"));
        if (b || !cat || !det || strcmp(cat, "impact"))
            continue;
        note_src ns = {.text = clip(c, det, CSAF_NOTE_MAX)};
        int r = ns.text ? each_pid(c, o, m, &ns) : -2;
        if (r)
            return each_fail(c, r, rec, "threats", i);
    }
    return PK_OK;
}

static pk_status vulnerability(csaf *c, json_t *v, size_t idx)
{
    char rec[CSAF_ID_MAX + 48];
    snprintf(rec, sizeof rec, "%s vulnerabilities[%zu]", c->tid, idx);
    pk_status s = pki_imp_record(c->im, c->date);
    if (s != PK_OK)
        return s;
    int bad = !json_is_object(v);
    const char *cve = bad ? NULL : jstr(v, "cve", 64, &bad);
    json_t *ps = bad ? NULL : jobj(v, "product_status", &bad);
    if (bad || (cve && !is_cve(cve)))
        return pki_imp_fail(c->im, PK_E_FEED, rec,
                            "not an object, cve not a CVE id, or product_status not an object");
    /* Rows are filed under "<advisory>/<CVE>" (aliased to both): a later
     * import replaces an id's rows, and another advisory about the same CVE
     * must not wipe this one's. Without a CVE the advisory names it. */
    char vbuf[CSAF_ID_MAX + 48];
    if (cve)
        snprintf(vbuf, sizeof vbuf, "%s/%s", c->tid, cve);
    const char *vid = cve ? vbuf : c->tid;
    if (cve)
        snprintf(rec, sizeof rec, "%s", vbuf);
    s = describe(c, v, vid, cve, rec);
    pki_smap notes = {0};
    if (s == PK_OK)
        s = justifications(c, v, &notes, rec);
    uint64_t rows = 0;
    ident id;
    for (size_t k = 0; s == PK_OK && ps && k < sizeof statuses / sizeof statuses[0]; k++) {
        int b = 0;
        json_t *list = jarr(ps, statuses[k].list, &b);
        size_t i;
        json_t *x;
        if (b)
            s = pki_imp_fail(c->im, PK_E_FEED, rec, "product_status.%s is not an array",
                             statuses[k].list);
        json_array_foreach(list, i, x)
        {
            if (s != PK_OK)
                break;
            if (!json_is_string(x) || json_string_length(x) > CSAF_ID_MAX) {
                s = pki_imp_fail(c->im, PK_E_FEED, rec,
                                 "product_status.%s[%zu] is not a product id", statuses[k].list, i);
                break;
            }
            const char *pid = json_string_value(x);
            if (!resolve(c, pid, &id))
                continue;
            size_t nv = pki_smap_get(&notes, pid);
            const char *note = nv == SIZE_MAX ? NULL : (const char *)(uintptr_t)nv;
            s = row(c, vid, statuses[k].kind, &id, note, &rows);
        }
    }
    pki_smap_free(&notes);
    if (s == PK_OK && !rows)
        pki_imp_skip(c->im); /* stored, but no product parakh can identify */
    return s;
}

pk_status pki_import_csaf(pki_imp *im, json_t *doc)
{
    int bad = !json_is_object(doc);
    json_t *d = bad ? NULL : jobj(doc, "document", &bad);
    json_t *tr = d && !bad ? jobj(d, "tracking", &bad) : NULL;
    const char *ver = d && !bad ? jstr(d, "csaf_version", 16, &bad) : NULL;
    const char *tid = tr && !bad ? jstr(tr, "id", CSAF_TID_MAX, &bad) : NULL;
    if (bad || !d || !tr || !tid || !*tid || !ver)
        return pki_imp_fail(im, PK_E_FEED, NULL,
                            "not a CSAF document: needs document.csaf_version and a string "
                            "document.tracking.id of at most %d bytes",
                            CSAF_TID_MAX);
    if (strcmp(ver, "2.0") && strcmp(ver, "2.1"))
        return pki_imp_fail(im, PK_E_FEED, tid, "csaf_version \"%s\" is not 2.0", ver);
    const char *cur = jstr(tr, "current_release_date", 64, &bad);
    const char *init = jstr(tr, "initial_release_date", 64, &bad);
    const char *title = jstr(d, "title", SIZE_MAX, &bad);
    json_t *agg = jobj(d, "aggregate_severity", &bad);
    const char *sev = agg && !bad ? jstr(agg, "text", 64, &bad) : NULL;
    json_t *refs = jarr(d, "references", &bad);
    json_t *tree = jobj(doc, "product_tree", &bad);
    json_t *vulns = jarr(doc, "vulnerabilities", &bad);
    if (bad)
        return pki_imp_fail(im, PK_E_FEED, tid,
                            "a tracking date, title or aggregate_severity.text is not a string, "
                            "references or vulnerabilities not an array, or product_tree not an "
                            "object");
    csaf c = {.im = im, .tid = tid, .date = cur ? cur : init};
    pk_status s = PK_E_NOMEM;
    if (!(c.ar = pki_arena_new()) || !(c.pbuf = pki_malloc(PKI_IDENT_OUT_MAX)))
        goto done;
    s = tree ? read_tree(&c, tree) : PK_OK;
    if (s == PK_OK && !json_array_size(vulns)) {
        /* an informational advisory: one record, nothing to match */
        s = pki_imp_record(im, c.date);
        if (s == PK_OK)
            pki_imp_skip(im);
    }
    if (s == PK_OK)
        s = pki_imp_advisory(im, tid, title ? clip(&c, title, CSAF_TEXT_MAX) : NULL, init, cur,
                             NULL);
    if (s == PK_OK && sev)
        s = pki_imp_rating(im, tid, sev);
    size_t i;
    json_t *o;
    json_array_foreach(refs, i, o)
    {
        int b = 0;
        const char *url = json_is_object(o) ? jstr(o, "url", 4096, &b) : NULL;
        if (s == PK_OK && url && !b)
            s = pki_imp_ref(im, tid, url);
    }
    json_array_foreach(vulns, i, o)
    {
        if (s != PK_OK)
            break;
        s = vulnerability(&c, o, i);
    }
done:
    pki_smap_free(&c.ids);
    pki_smap_free(&c.groups);
    pki_smap_free(&c.rows);
    pki_free(c.p);
    pki_free(c.garr);
    pki_free(c.pbuf);
    pki_arena_free(c.ar);
    return s;
}
