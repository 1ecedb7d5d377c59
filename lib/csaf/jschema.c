/* Loading the CSAF 2.0 and FIRST CVSS JSON Schemas into js_nodes, once.
 * Only the keywords these schemas use are understood; any other keyword is
 * an error at load, so nothing in a schema is silently skipped. $refs are
 * resolved at load (local "#/..." pointers and the CVSS schemas' URLs).
 *
 * Ownership: pki_jschema_free() frees the nodes, compiled patterns and the
 * schema documents. A loaded pki_jschema is read-only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jschema.h"

/* Schemas nest a few levels; a deeper one is not a schema we know. */
#define JS_LOAD_DEPTH 64u

static const struct {
    const char *file;
    const char *url; /* how the CSAF schema $refs it */
} js_files[4] = {
    {"csaf-2.0/csaf_json_schema.json",
     "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"},
    {"cvss/cvss-v2.0.json", "https://www.first.org/cvss/cvss-v2.0.json"},
    {"cvss/cvss-v3.0.json", "https://www.first.org/cvss/cvss-v3.0.json"},
    {"cvss/cvss-v3.1.json", "https://www.first.org/cvss/cvss-v3.1.json"},
};

/* Annotations: no effect on validation. "id" is draft-04's "$id" and
 * "license" is the FIRST CVSS schemas' own. */
static const char *const js_annotations[] = {"title",    "description", "examples", "default",
                                             "$comment", "$schema",     "$id",      "id",
                                             "license",  NULL};

typedef struct lctx {
    pki_jschema *s;
    char *err;
    size_t errlen;
    pk_status st;
} lctx;

static void lfail(lctx *c, pk_status st, const char *fmt, const char *a, const char *b)
{
    if (c->st != PK_OK)
        return;
    c->st = st;
    if (c->err && c->errlen)
        snprintf(c->err, c->errlen, fmt, a, b);
}

static js_node *compile(lctx *c, int doc, json_t *j, unsigned depth, const char *where);

static js_node *node_new(lctx *c, json_t *src)
{
    pki_jschema *s = c->s;
    if (!pki_grow((void **)&s->nodes, &s->cap, s->nnodes + 1, sizeof *s->nodes)) {
        lfail(c, PK_E_NOMEM, "%s%s", "out of memory loading the schemas", "");
        return NULL;
    }
    js_node *n = pki_calloc(1, sizeof *n);
    if (!n) {
        lfail(c, PK_E_NOMEM, "%s%s", "out of memory loading the schemas", "");
        return NULL;
    }
    n->src = src;
    n->boolean = -1;
    n->min_items = n->min_len = n->min_props = 0;
    n->max_items = n->max_len = n->max_props = PKI_JS_NONE;
    s->nodes[s->nnodes++] = n;
    return n;
}

/* A JSON pointer ("/a/b~1c") into doc; NULL when it leads nowhere. */
static json_t *js_pointer(json_t *doc, const char *p)
{
    json_t *j = doc;
    while (*p == '/') {
        p++;
        char tok[256];
        size_t n = 0;
        for (; *p && *p != '/'; p++) {
            char ch = *p;
            if (ch == '~') {
                if (p[1] != '0' && p[1] != '1')
                    return NULL;
                ch = p[1] == '0' ? '~' : '/';
                p++;
            }
            if (n + 1 >= sizeof tok)
                return NULL;
            tok[n++] = ch;
        }
        tok[n] = '\0';
        if (json_is_object(j)) {
            j = json_object_get(j, tok);
        } else if (json_is_array(j)) {
            char *end;
            errno = 0;
            unsigned long i = strtoul(tok, &end, 10);
            if (errno || *end || !n)
                return NULL;
            j = json_array_get(j, i);
        } else {
            return NULL;
        }
        if (!j)
            return NULL;
    }
    return *p ? NULL : j;
}

static js_node *compile_ref(lctx *c, int doc, const char *ref, unsigned depth)
{
    const char *hash = strchr(ref, '#');
    int target = doc;
    if (hash != ref) {
        size_t bl = hash ? (size_t)(hash - ref) : strlen(ref);
        target = -1;
        for (int i = 0; i < 4; i++)
            if (strlen(js_files[i].url) == bl && memcmp(js_files[i].url, ref, bl) == 0)
                target = i;
        if (target < 0) {
            lfail(c, PK_E_FORMAT, "schema: $ref \"%s\" names no schema parakh loads%s", ref, "");
            return NULL;
        }
    }
    json_t *j = c->s->docs[target];
    if (hash && hash[1]) {
        j = js_pointer(j, hash + 1);
        if (!j) {
            lfail(c, PK_E_FORMAT, "schema: $ref \"%s\" points nowhere%s", ref, "");
            return NULL;
        }
    }
    return compile(c, target, j, depth + 1, ref);
}

static int is_annotation(const char *k)
{
    for (size_t i = 0; js_annotations[i]; i++)
        if (strcmp(k, js_annotations[i]) == 0)
            return 1;
    return 0;
}

static int want_size(lctx *c, json_t *v, const char *k, size_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        lfail(c, PK_E_FORMAT, "schema: \"%s\" must be a non-negative integer%s", k, "");
        return 0;
    }
    *out = (size_t)json_integer_value(v);
    return 1;
}

static unsigned type_bit(const char *t)
{
    static const struct {
        const char *n;
        unsigned b;
    } tt[] = {{"null", PKI_JT_NULL},    {"boolean", PKI_JT_BOOL},  {"object", PKI_JT_OBJECT},
              {"array", PKI_JT_ARRAY},  {"number", PKI_JT_NUMBER}, {"integer", PKI_JT_INTEGER},
              {"string", PKI_JT_STRING}};
    for (size_t i = 0; t && i < sizeof tt / sizeof tt[0]; i++)
        if (strcmp(tt[i].n, t) == 0)
            return tt[i].b;
    return 0;
}

static void compile_list(lctx *c, int doc, json_t *v, const char *k, js_list *l, unsigned depth)
{
    if (!json_is_array(v) || json_array_size(v) == 0) {
        lfail(c, PK_E_FORMAT, "schema: \"%s\" must be a non-empty array%s", k, "");
        return;
    }
    l->n = json_array_size(v);
    if (!(l->v = pki_calloc(l->n, sizeof *l->v))) {
        lfail(c, PK_E_NOMEM, "%s%s", "out of memory loading the schemas", "");
        return;
    }
    for (size_t i = 0; i < l->n && c->st == PK_OK; i++)
        l->v[i] = compile(c, doc, json_array_get(v, i), depth + 1, k);
}

static void compile_props(lctx *c, int doc, js_node *n, json_t *v, unsigned depth)
{
    if (!json_is_object(v)) {
        lfail(c, PK_E_FORMAT, "schema: \"%s\" must be an object%s", "properties", "");
        return;
    }
    n->nprops = json_object_size(v);
    if (!(n->props = pki_calloc(n->nprops ? n->nprops : 1, sizeof *n->props))) {
        lfail(c, PK_E_NOMEM, "%s%s", "out of memory loading the schemas", "");
        return;
    }
    size_t i = 0;
    const char *k;
    json_t *sub;
    json_object_foreach(v, k, sub)
    {
        n->props[i].name = k;
        n->props[i].node = compile(c, doc, sub, depth + 1, k);
        i++;
        if (c->st != PK_OK)
            return;
    }
}

static void compile_required(lctx *c, js_node *n, json_t *v)
{
    n->nrequired = json_is_array(v) ? json_array_size(v) : 0;
    if (!json_is_array(v) ||
        !(n->required = pki_calloc(n->nrequired ? n->nrequired : 1, sizeof *n->required))) {
        lfail(c, json_is_array(v) ? PK_E_NOMEM : PK_E_FORMAT, "schema: \"%s\" %s", "required",
              "must be an array of strings");
        return;
    }
    for (size_t i = 0; i < n->nrequired; i++)
        if (!(n->required[i] = json_string_value(json_array_get(v, i))))
            lfail(c, PK_E_FORMAT, "schema: \"%s\" %s", "required", "must be an array of strings");
}

static void compile_type(lctx *c, js_node *n, json_t *v)
{
    if (json_is_string(v)) {
        n->types = type_bit(json_string_value(v));
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            unsigned b = type_bit(json_string_value(json_array_get(v, i)));
            n->types |= b ? b : 0x80000000u;
        }
    }
    if (!n->types || (n->types & 0x80000000u))
        lfail(c, PK_E_FORMAT, "schema: \"type\" has an unknown type name%s%s", "", "");
}

static void compile_pattern(lctx *c, js_node *n, json_t *v)
{
    if (!json_is_string(v)) {
        lfail(c, PK_E_FORMAT, "schema: \"%s\" must be a string%s", "pattern", "");
        return;
    }
    char e[256];
    n->re_src = json_string_value(v);
    n->re = pki_js_pattern(n->re_src, e, sizeof e);
    if (!n->re)
        lfail(c, PK_E_FORMAT, "schema: pattern %s: %s", n->re_src, e);
}

/* One keyword of an object schema. */
static void keyword(lctx *c, int doc, js_node *n, const char *k, json_t *v, unsigned depth)
{
    if (is_annotation(k))
        return;
    if (strcmp(k, "$defs") == 0 || strcmp(k, "definitions") == 0) {
        /* compiled here too, so an unknown keyword in an unused definition is
         * still found */
        const char *dk;
        json_t *dv;
        if (!json_is_object(v))
            lfail(c, PK_E_FORMAT, "schema: \"%s\" must be an object%s", k, "");
        else
            json_object_foreach(v, dk, dv)
            {
                if (c->st == PK_OK)
                    compile(c, doc, dv, depth + 1, dk);
            }
    } else if (strcmp(k, "$ref") == 0) {
        if (!json_is_string(v))
            lfail(c, PK_E_FORMAT, "schema: \"%s\" must be a string%s", k, "");
        else
            n->ref = compile_ref(c, doc, json_string_value(v), depth);
    } else if (strcmp(k, "type") == 0) {
        compile_type(c, n, v);
    } else if (strcmp(k, "properties") == 0) {
        compile_props(c, doc, n, v, depth);
    } else if (strcmp(k, "required") == 0) {
        compile_required(c, n, v);
    } else if (strcmp(k, "additionalProperties") == 0) {
        n->addl = compile(c, doc, v, depth + 1, k);
    } else if (strcmp(k, "items") == 0) {
        n->items = compile(c, doc, v, depth + 1, k);
    } else if (strcmp(k, "minItems") == 0) {
        want_size(c, v, k, &n->min_items);
    } else if (strcmp(k, "maxItems") == 0) {
        want_size(c, v, k, &n->max_items);
    } else if (strcmp(k, "minLength") == 0) {
        want_size(c, v, k, &n->min_len);
    } else if (strcmp(k, "maxLength") == 0) {
        want_size(c, v, k, &n->max_len);
    } else if (strcmp(k, "minProperties") == 0) {
        want_size(c, v, k, &n->min_props);
    } else if (strcmp(k, "maxProperties") == 0) {
        want_size(c, v, k, &n->max_props);
    } else if (strcmp(k, "uniqueItems") == 0) {
        if (!json_is_boolean(v))
            lfail(c, PK_E_FORMAT, "schema: \"%s\" must be a boolean%s", k, "");
        n->unique = json_is_true(v);
    } else if (strcmp(k, "enum") == 0) {
        if (!json_is_array(v))
            lfail(c, PK_E_FORMAT, "schema: \"%s\" must be an array%s", k, "");
        n->enum_ = v;
    } else if (strcmp(k, "const") == 0) {
        n->const_ = v;
    } else if (strcmp(k, "pattern") == 0) {
        compile_pattern(c, n, v);
    } else if (strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0 ||
               strcmp(k, "multipleOf") == 0) {
        if (!json_is_number(v) || (k[1] == 'u' && json_number_value(v) <= 0)) {
            lfail(c, PK_E_FORMAT, "schema: \"%s\" must be a number%s", k, "");
            return;
        }
        if (k[1] == 'i')
            n->has_min = 1, n->minimum = v;
        else if (k[1] == 'a')
            n->has_max = 1, n->maximum = v;
        else
            n->has_mult = 1, n->mult = v;
    } else if (strcmp(k, "anyOf") == 0) {
        compile_list(c, doc, v, k, &n->any, depth);
    } else if (strcmp(k, "oneOf") == 0) {
        compile_list(c, doc, v, k, &n->one, depth);
    } else if (strcmp(k, "allOf") == 0) {
        compile_list(c, doc, v, k, &n->all, depth);
    } else if (strcmp(k, "format") == 0) {
        const char *f = json_string_value(v);
        if (f && strcmp(f, "date-time") == 0)
            n->format = PKI_JF_DATETIME;
        else if (f && strcmp(f, "uri") == 0)
            n->format = PKI_JF_URI;
        else
            lfail(c, PK_E_FORMAT, "schema: format \"%s\" is not one parakh checks%s",
                  f ? f : "(not a string)", "");
    } else {
        lfail(c, PK_E_FORMAT, "schema: unknown keyword \"%s\"%s", k, "");
    }
}

static js_node *compile(lctx *c, int doc, json_t *j, unsigned depth, const char *where)
{
    if (c->st != PK_OK)
        return NULL;
    /* a $ref cycle (branches_t holds branches_t) reuses the node being built */
    for (size_t i = 0; i < c->s->nnodes; i++)
        if (c->s->nodes[i]->src == j)
            return c->s->nodes[i];
    if (depth > JS_LOAD_DEPTH) {
        lfail(c, PK_E_FORMAT, "schema: nested deeper than 64 levels at \"%s\"%s", where, "");
        return NULL;
    }
    if (!json_is_object(j) && !json_is_boolean(j)) {
        lfail(c, PK_E_FORMAT, "schema: \"%s\" is neither an object nor a boolean%s", where, "");
        return NULL;
    }
    js_node *n = node_new(c, j);
    if (!n)
        return NULL;
    if (json_is_boolean(j)) {
        n->boolean = json_is_true(j);
        return n;
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        keyword(c, doc, n, k, v, depth);
        if (c->st != PK_OK)
            return NULL;
    }
    return n;
}

static pk_status read_doc(const char *dir, const char *file, json_t **out, char *err, size_t errlen)
{
    char path[4096];
    int w = snprintf(path, sizeof path, "%s/%s", dir, file);
    if (w < 0 || (size_t)w >= sizeof path) {
        if (err && errlen)
            snprintf(err, errlen, "schema directory path too long: %s", dir);
        return PK_E_IO;
    }
    json_error_t je;
    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!*out) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
        return PK_E_IO;
    }
    return PK_OK;
}

pk_status pki_jschema_load(const char *dir, pki_jschema **out, char *err, size_t errlen)
{
    if (!dir || !out)
        return PK_E_MISUSE;
    *out = NULL;
    pki_jschema *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    lctx c = {.s = s, .err = err, .errlen = errlen, .st = PK_OK};
    for (int i = 0; i < 4 && c.st == PK_OK; i++)
        c.st = read_doc(dir, js_files[i].file, &s->docs[i], err, errlen);
    for (int i = 0; i < 4 && c.st == PK_OK; i++) {
        s->root[i] = compile(&c, i, s->docs[i], 0, js_files[i].file);
        if (c.st != PK_OK && err && errlen) {
            /* name the file: "<dir>/<file>: schema: unknown keyword ..." */
            char msg[512];
            snprintf(msg, sizeof msg, "%s", err);
            snprintf(err, errlen, "%s/%s: %s", dir, js_files[i].file, msg);
        }
    }
    if (c.st == PK_OK) {
        s->mctx = pcre2_match_context_create(NULL);
        if (!s->mctx) {
            c.st = PK_E_NOMEM;
        } else {
            /* patterns are the schema's, subjects hostile: bound backtracking */
            pcre2_set_match_limit(s->mctx, 1000000);
            pcre2_set_depth_limit(s->mctx, 10000);
        }
    }
    if (c.st != PK_OK) {
        pki_jschema_free(s);
        return c.st;
    }
    *out = s;
    return PK_OK;
}

void pki_jschema_free(pki_jschema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nnodes; i++) {
        js_node *n = s->nodes[i];
        pki_free(n->props);
        pki_free(n->required);
        pki_free(n->any.v);
        pki_free(n->one.v);
        pki_free(n->all.v);
        if (n->re)
            pcre2_code_free(n->re);
        pki_free(n);
    }
    pki_free(s->nodes);
    for (int i = 0; i < 4; i++)
        json_decref(s->docs[i]);
    if (s->mctx)
        pcre2_match_context_free(s->mctx);
    pki_free(s);
}
