/* Validating a JSON instance against a loaded schema (jschema.c). Each
 * violation is one issue: a JSON pointer into the instance and a short
 * message. The walk recurses along the instance, whose depth the reader has
 * bounded (PK_CSAF_MAX_DEPTH); a schema-driven chain of $refs is bounded
 * here as well.
 *
 * Ownership: nothing outlives a call but the issues appended to r. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jschema.h"

#define VAL_DEPTH (4u * PK_CSAF_MAX_DEPTH + 64u)

typedef struct vctx {
    const pki_jschema *s;
    const char *test;
    char *path;
    size_t plen, pcap;
    pcre2_match_data *md;
    unsigned costly; /* patterns stopped by PCRE2's match limit so far */
    int nomem;
} vctx;

/* Past this many strings that hit the match limit, no more patterns are
 * tried: each further one fails at once, so a document full of costly
 * strings costs at most this many limits' worth of matching. */
#define VAL_COSTLY_MAX 8u

static size_t v_node(vctx *c, const js_node *n, json_t *inst, pki_csaf_issues *r, unsigned depth);

/* ---- the JSON pointer being built ---- */

static void path_put(vctx *c, const char *s, size_t n)
{
    if (c->nomem || !pki_grow((void **)&c->path, &c->pcap, c->plen + n + 1, 1)) {
        c->nomem = 1;
        return;
    }
    memcpy(c->path + c->plen, s, n);
    c->plen += n;
    c->path[c->plen] = '\0';
}

static size_t push_key(vctx *c, const char *k)
{
    size_t old = c->plen;
    path_put(c, "/", 1);
    for (; *k; k++) {
        if (*k == '~')
            path_put(c, "~0", 2);
        else if (*k == '/')
            path_put(c, "~1", 2);
        else
            path_put(c, k, 1);
    }
    return old;
}

static size_t push_index(vctx *c, size_t i)
{
    size_t old = c->plen;
    char b[32];
    int w = snprintf(b, sizeof b, "/%zu", i);
    path_put(c, b, (size_t)w);
    return old;
}

static void pop(vctx *c, size_t old)
{
    if (c->path && old <= c->plen) {
        c->plen = old;
        c->path[old] = '\0';
    }
}

static const char *P(const vctx *c)
{
    return c->path ? c->path : "";
}

/* ---- messages ---- */

static const char *inst_type(json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static void types_str(unsigned t, char *b, size_t cap)
{
    static const char *const names[] = {"null",   "boolean", "object", "array",
                                        "number", "integer", "string"};
    size_t o = 0;
    b[0] = '\0';
    for (unsigned i = 0; i < 7; i++) {
        if (!(t & (1u << i)))
            continue;
        int w = snprintf(b + o, cap - o, "%s%s", o ? " or " : "", names[i]);
        if (w < 0 || (size_t)w >= cap - o)
            return;
        o += (size_t)w;
    }
}

static void num_str(json_t *j, char *b, size_t cap)
{
    if (json_is_integer(j))
        snprintf(b, cap, "%lld", (long long)json_integer_value(j));
    else
        snprintf(b, cap, "%.17g", json_number_value(j));
}

static int type_ok(unsigned t, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return t & PKI_JT_OBJECT;
    case JSON_ARRAY:
        return t & PKI_JT_ARRAY;
    case JSON_STRING:
        return t & PKI_JT_STRING;
    case JSON_INTEGER:
        return t & (PKI_JT_INTEGER | PKI_JT_NUMBER);
    case JSON_REAL: {
        /* JSON Schema: 2.0 is an integer */
        double d = json_real_value(j);
        return (t & PKI_JT_NUMBER) || ((t & PKI_JT_INTEGER) && d == floor(d));
    }
    case JSON_TRUE:
    case JSON_FALSE:
        return t & PKI_JT_BOOL;
    default:
        return t & PKI_JT_NULL;
    }
}

/* "not one of "a", "b", ..." when the values are strings. */
static void enum_fail(vctx *c, json_t *e, pki_csaf_issues *r)
{
    char b[400];
    size_t o = 0;
    b[0] = '\0';
    for (size_t i = 0; i < json_array_size(e); i++) {
        const char *s = json_string_value(json_array_get(e, i));
        if (!s) {
            pki_csaf_add(r, c->test, P(c), "not one of the %zu allowed values", json_array_size(e));
            return;
        }
        int w = snprintf(b + o, sizeof b - o, "%s\"%s\"", i ? ", " : "", s);
        if (w < 0 || (size_t)w >= sizeof b - o) {
            pki_csaf_add(r, c->test, P(c), "not one of the %zu allowed values", json_array_size(e));
            return;
        }
        o += (size_t)w;
    }
    pki_csaf_add(r, c->test, P(c), "not one of %s", b);
}

/* ---- keywords by instance type ---- */

static int has_prop(const js_node *n, const char *k)
{
    for (size_t i = 0; i < n->nprops; i++)
        if (strcmp(n->props[i].name, k) == 0)
            return 1;
    return 0;
}

static size_t v_object(vctx *c, const js_node *n, json_t *inst, pki_csaf_issues *r, unsigned depth)
{
    size_t f = 0, size = json_object_size(inst);
    for (size_t i = 0; i < n->nrequired; i++)
        if (!json_object_get(inst, n->required[i])) {
            pki_csaf_add(r, c->test, P(c), "missing required member \"%s\"", n->required[i]);
            f++;
        }
    if (size < n->min_props) {
        pki_csaf_add(r, c->test, P(c), "has %zu members, fewer than %zu", size, n->min_props);
        f++;
    }
    if (n->max_props != PKI_JS_NONE && size > n->max_props) {
        pki_csaf_add(r, c->test, P(c), "has %zu members, more than %zu", size, n->max_props);
        f++;
    }
    for (size_t i = 0; i < n->nprops && r->count <= PKI_CSAF_MAX_ISSUES; i++) {
        json_t *v = json_object_get(inst, n->props[i].name);
        if (!v)
            continue;
        size_t old = push_key(c, n->props[i].name);
        f += v_node(c, n->props[i].node, v, r, depth + 1);
        pop(c, old);
    }
    if (n->addl) {
        const char *k;
        json_t *v;
        json_object_foreach(inst, k, v)
        {
            if (r->count > PKI_CSAF_MAX_ISSUES)
                break;
            if (has_prop(n, k))
                continue;
            size_t old = push_key(c, k);
            if (n->addl->boolean == 0) {
                pki_csaf_add(r, c->test, P(c), "member not allowed here");
                f++;
            } else {
                f += v_node(c, n->addl, v, r, depth + 1);
            }
            pop(c, old);
        }
    }
    return f;
}

typedef struct hidx {
    uint64_t h;
    size_t i;
} hidx;

static int hidx_cmp(const void *a, const void *b)
{
    const hidx *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The first pair of equal items (by hash, then equality within a run of
 * equal hashes): 1 with *a < *b set, 0 when all differ, -1 on no memory. */
static int find_dup(json_t *arr, size_t *a, size_t *b)
{
    size_t n = json_array_size(arr);
    hidx *h = pki_malloc(n * sizeof *h);
    if (!h)
        return -1;
    for (size_t i = 0; i < n; i++)
        h[i] = (hidx){pki_js_hash(json_array_get(arr, i), 0), i};
    qsort(h, n, sizeof *h, hidx_cmp);
    int found = 0;
    for (size_t i = 0; i + 1 < n && !found; i++)
        for (size_t j = i + 1; j < n && h[j].h == h[i].h && !found; j++)
            if (pki_js_equal(json_array_get(arr, h[i].i), json_array_get(arr, h[j].i), 0)) {
                *a = h[i].i < h[j].i ? h[i].i : h[j].i;
                *b = h[i].i < h[j].i ? h[j].i : h[i].i;
                found = 1;
            }
    pki_free(h);
    return found;
}

static size_t v_array(vctx *c, const js_node *n, json_t *inst, pki_csaf_issues *r, unsigned depth)
{
    size_t f = 0, size = json_array_size(inst);
    if (size < n->min_items) {
        pki_csaf_add(r, c->test, P(c), "has %zu items, fewer than %zu", size, n->min_items);
        f++;
    }
    if (n->max_items != PKI_JS_NONE && size > n->max_items) {
        pki_csaf_add(r, c->test, P(c), "has %zu items, more than %zu", size, n->max_items);
        f++;
    }
    if (n->unique && size > 1) {
        size_t a = 0, b = 0;
        int d = find_dup(inst, &a, &b);
        if (d < 0) {
            c->nomem = 1;
        } else if (d) {
            pki_csaf_add(r, c->test, P(c), "items %zu and %zu are equal (uniqueItems)", a, b);
            f++;
        }
    }
    if (n->items)
        for (size_t i = 0; i < size && r->count <= PKI_CSAF_MAX_ISSUES; i++) {
            size_t old = push_index(c, i);
            f += v_node(c, n->items, json_array_get(inst, i), r, depth + 1);
            pop(c, old);
        }
    return f;
}

static size_t v_string(vctx *c, const js_node *n, json_t *inst, pki_csaf_issues *r)
{
    const char *s = json_string_value(inst);
    size_t len = json_string_length(inst), cps = 0, f = 0;
    for (size_t i = 0; i < len; i++)
        cps += ((unsigned char)s[i] & 0xC0u) != 0x80u; /* code points, not bytes */
    if (cps < n->min_len) {
        pki_csaf_add(r, c->test, P(c), "shorter than %zu characters", n->min_len);
        f++;
    }
    if (n->max_len != PKI_JS_NONE && cps > n->max_len) {
        pki_csaf_add(r, c->test, P(c), "longer than %zu characters", n->max_len);
        f++;
    }
    if (n->re) {
        int rc = c->costly >= VAL_COSTLY_MAX
                     ? PCRE2_ERROR_MATCHLIMIT
                     : pcre2_match(n->re, (PCRE2_SPTR)s, len, 0, 0, c->md, c->s->mctx);
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT)
            c->costly++;
        if (rc == PCRE2_ERROR_NOMATCH) {
            pki_csaf_add(r, c->test, P(c), "does not match the pattern %.80s%s", n->re_src,
                         strlen(n->re_src) > 80 ? "..." : "");
            f++;
        } else if (rc < 0) {
            /* fail closed: a string too costly to match is not accepted */
            pki_csaf_add(r, c->test, P(c), "cannot be matched against the pattern (PCRE2 error %d)",
                         rc);
            f++;
        }
    }
    if (n->format == PKI_JF_DATETIME && !pki_js_datetime(s, len)) {
        pki_csaf_add(r, c->test, P(c), "not an RFC 3339 date-time");
        f++;
    } else if (n->format == PKI_JF_URI && !pki_js_uri(s, len)) {
        pki_csaf_add(r, c->test, P(c), "not an absolute URI (RFC 3986)");
        f++;
    }
    return f;
}

static size_t v_number(vctx *c, const js_node *n, json_t *inst, pki_csaf_issues *r)
{
    size_t f = 0;
    char a[40], b[40];
    if (n->has_min && pki_js_numcmp(inst, n->minimum) < 0) {
        num_str(inst, a, sizeof a);
        num_str(n->minimum, b, sizeof b);
        pki_csaf_add(r, c->test, P(c), "%s is below the minimum %s", a, b);
        f++;
    }
    if (n->has_max && pki_js_numcmp(inst, n->maximum) > 0) {
        num_str(inst, a, sizeof a);
        num_str(n->maximum, b, sizeof b);
        pki_csaf_add(r, c->test, P(c), "%s is above the maximum %s", a, b);
        f++;
    }
    if (n->has_mult) {
        double q = json_number_value(inst) / json_number_value(n->mult);
        if (!isfinite(q) || q != floor(q)) {
            num_str(n->mult, b, sizeof b);
            pki_csaf_add(r, c->test, P(c), "not a multiple of %s", b);
            f++;
        }
    }
    return f;
}

/* ---- combinators ---- */

/* Validates inst against each alternative into its own list; *best is the
 * index of the alternative with the fewest issues. Returns how many pass. */
static size_t try_each(vctx *c, const js_list *l, json_t *inst, unsigned depth,
                       pki_csaf_issues *tmp, size_t *best)
{
    size_t pass = 0;
    *best = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (v_node(c, l->v[i], inst, &tmp[i], depth + 1) == 0 && !tmp[i].nomem)
            pass++;
        if (tmp[i].nomem)
            c->nomem = 1;
        if (tmp[i].count < tmp[*best].count)
            *best = i;
    }
    return pass;
}

static size_t v_alternatives(vctx *c, const js_list *l, int one, json_t *inst, pki_csaf_issues *r,
                             unsigned depth)
{
    pki_csaf_issues *tmp = pki_calloc(l->n, sizeof *tmp);
    if (!tmp) {
        c->nomem = 1;
        return 1;
    }
    size_t best, pass = try_each(c, l, inst, depth, tmp, &best), f = 0;
    if (pass == 0) {
        pki_csaf_add(r, c->test, P(c),
                     "matches none of the %zu alternatives (%s); the closest fails:", l->n,
                     one ? "oneOf" : "anyOf");
        for (size_t k = 0; k < tmp[best].count; k++)
            pki_csaf_add(r, tmp[best].items[k].test, tmp[best].items[k].path, "%s",
                         tmp[best].items[k].message);
        f = 1;
    } else if (one && pass > 1) {
        pki_csaf_add(r, c->test, P(c), "matches %zu of the oneOf alternatives, not exactly one",
                     pass);
        f = 1;
    }
    for (size_t i = 0; i < l->n; i++)
        pki_csaf_issues_clear(&tmp[i]);
    pki_free(tmp);
    return f;
}

static size_t v_node(vctx *c, const js_node *n, json_t *inst, pki_csaf_issues *r, unsigned depth)
{
    if (!n || r->count > PKI_CSAF_MAX_ISSUES)
        return 0;
    if (depth > VAL_DEPTH) {
        pki_csaf_add(r, c->test, P(c), "schema nesting deeper than %u", VAL_DEPTH);
        return 1;
    }
    if (n->boolean >= 0) {
        if (n->boolean)
            return 0;
        pki_csaf_add(r, c->test, P(c), "not allowed here");
        return 1;
    }
    size_t f = 0;
    if (n->ref)
        f += v_node(c, n->ref, inst, r, depth + 1);
    if (n->types && !type_ok(n->types, inst)) {
        char want[80];
        types_str(n->types, want, sizeof want);
        pki_csaf_add(r, c->test, P(c), "is %s, expected %s", inst_type(inst), want);
        return f + 1; /* the other keywords would only repeat it */
    }
    if (n->enum_) {
        size_t i = 0, ne = json_array_size(n->enum_);
        while (i < ne && !pki_js_equal(inst, json_array_get(n->enum_, i), 0))
            i++;
        if (i == ne) {
            enum_fail(c, n->enum_, r);
            f++;
        }
    }
    if (n->const_ && !pki_js_equal(inst, n->const_, 0)) {
        const char *s = json_string_value(n->const_);
        if (s)
            pki_csaf_add(r, c->test, P(c), "must be \"%s\"", s);
        else
            pki_csaf_add(r, c->test, P(c), "not the one allowed value");
        f++;
    }
    if (json_is_object(inst))
        f += v_object(c, n, inst, r, depth);
    else if (json_is_array(inst))
        f += v_array(c, n, inst, r, depth);
    else if (json_is_string(inst))
        f += v_string(c, n, inst, r);
    else if (json_is_number(inst))
        f += v_number(c, n, inst, r);
    for (size_t i = 0; i < n->all.n; i++)
        f += v_node(c, n->all.v[i], inst, r, depth + 1);
    if (n->any.n)
        f += v_alternatives(c, &n->any, 0, inst, r, depth);
    if (n->one.n)
        f += v_alternatives(c, &n->one, 1, inst, r, depth);
    return f;
}

size_t pki_jschema_validate(const pki_jschema *s, pki_jschema_which which, json_t *inst,
                            const char *base, pki_csaf_issues *r, const char *test)
{
    if (!s || !inst || !r || (unsigned)which > PKI_JS_CVSS31)
        return 0;
    vctx c = {.s = s, .test = test ? test : "schema"};
    path_put(&c, base ? base : "", base ? strlen(base) : 0);
    c.md = pcre2_match_data_create(1, NULL);
    size_t f = 0;
    if (c.md && !c.nomem)
        f = v_node(&c, s->root[which], inst, r, 0);
    if (!c.md || c.nomem)
        r->nomem = 1;
    if (c.md)
        pcre2_match_data_free(c.md);
    pki_free(c.path);
    return f;
}
