/* The YAML draft to a CSAF 2.0 document (docs/csaf-draft.md): the document
 * member, tracking (and revising a published document), the product tree.
 * The vulnerabilities are draft_vuln.c's. Output is built with jansson in a
 * fixed member order and dumped 2-space indented, so one draft and one
 * "now" give the same bytes. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draft_int.h"

pk_status pki_draft_fail(pki_draft *d, const pki_ynode *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pki_errf(d->err, d->errlen, "draft line %lu: %s", at ? at->line : 1ul, msg);
    return PK_E_FORMAT;
}

pk_status pki_draft_str(pki_draft *d, const pki_ynode *m, const char *key, const char *where,
                        bool required, const char **out)
{
    const pki_ynode *v = pki_ymap_get(m, key);
    *out = NULL;
    if (!v || (v->kind == PKI_Y_SCALAR && v->len == 0))
        return required ? pki_draft_fail(d, m, "%s: missing \"%s\"", where, key) : PK_OK;
    if (v->kind != PKI_Y_SCALAR)
        return pki_draft_fail(d, v, "%s: \"%s\" must be text", where, key);
    *out = v->text;
    return PK_OK;
}

pk_status pki_draft_keys(pki_draft *d, const pki_ynode *m, const char *const *keys,
                         const char *where)
{
    if (!m || m->kind != PKI_Y_MAP)
        return pki_draft_fail(d, m, "%s must be a mapping", where);
    for (size_t i = 0; i < m->n; i++) {
        size_t k = 0;
        while (keys[k] && strcmp(keys[k], m->keys[i]->text))
            k++;
        if (!keys[k])
            return pki_draft_fail(d, m->keys[i], "%s: unknown key \"%.60s\"", where,
                                  m->keys[i]->text);
    }
    return PK_OK;
}

static bool one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return true;
    return false;
}

/* RFC 3339 date-time as CSAF's schema takes it. */
static bool is_datetime(const char *s)
{
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";
    size_t i = 0;
    for (; pat[i]; i++)
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
            return false;
    if (s[i] == '.') {
        size_t j = ++i;
        while (isdigit((unsigned char)s[i]))
            i++;
        if (i == j)
            return false;
    }
    if (s[i] == 'Z')
        return s[i + 1] == 0;
    return (s[i] == '+' || s[i] == '-') && isdigit((unsigned char)s[i + 1]) &&
           isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' &&
           isdigit((unsigned char)s[i + 4]) && isdigit((unsigned char)s[i + 5]) && !s[i + 6];
}

/* ---- product tree ---- */

/* The purl with "@version" before its qualifiers, the version
 * percent-encoded as the purl spec asks. */
static char *purl_at(const char *purl, const char *ver)
{
    size_t base = strcspn(purl, "?#"), vl = strlen(ver);
    char *out = pki_malloc(strlen(purl) + 3 * vl + 2);
    if (!out)
        return NULL;
    memcpy(out, purl, base);
    size_t o = base;
    out[o++] = '@';
    for (size_t i = 0; i < vl; i++) {
        unsigned char c = (unsigned char)ver[i];
        if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, 4, "%%%02X", c);
            o += 3;
        }
    }
    memcpy(out + o, purl + base, strlen(purl + base) + 1);
    return out;
}

/* A CPE 2.3 formatted string with its version field (the 6th, "*" in the
 * draft) set; specials quoted with '\' as the binding requires. NULL when
 * the CPE is not of that shape. */
static char *cpe_at(const char *cpe, const char *ver)
{
    if (strncmp(cpe, "cpe:2.3:", 8))
        return NULL;
    const char *f = cpe;
    for (int field = 0; field < 5 && f; field++) {
        const char *c = f;
        while (*c && *c != ':')
            c += (*c == '\\' && c[1]) ? 2 : 1;
        f = *c ? c + 1 : NULL;
    }
    if (!f || f[0] != '*' || f[1] != ':')
        return NULL;
    size_t pre = (size_t)(f - cpe), vl = strlen(ver);
    char *out = pki_malloc(strlen(cpe) + 2 * vl + 1);
    if (!out)
        return NULL;
    memcpy(out, cpe, pre);
    size_t o = pre;
    for (size_t i = 0; i < vl; i++) {
        unsigned char c = (unsigned char)ver[i];
        if (c <= 0x20 || c >= 0x7f) {
            pki_free(out);
            return NULL;
        }
        if (!isalnum(c) && c != '_' && c != '-' && c != '.')
            out[o++] = '\\';
        out[o++] = (char)c;
    }
    memcpy(out + o, f + 1, strlen(f + 1) + 1);
    return out;
}

/* The branch of category/name inside arr, made when missing. */
static json_t *branch(json_t *arr, const char *category, const char *name)
{
    size_t i;
    json_t *b;
    json_array_foreach(arr, i, b)
    {
        if (!strcmp(json_string_value(json_object_get(b, "name")), name))
            return json_object_get(b, "branches");
    }
    b = json_object();
    json_t *sub = json_array();
    json_object_set_new(b, "branches", sub);
    json_object_set_new(b, "category", json_string(category));
    json_object_set_new(b, "name", json_string(name));
    json_array_append_new(arr, b);
    return sub;
}

typedef struct pctx {
    pki_draft *d;
    pki_dprod *p;
    const char *vendor, *name, *purl, *cpe, *where;
    json_t *leaves;    /* the product_name branch's branches */
    const char **seen; /* versions already given a leaf */
    size_t nseen;
} pctx;

static pk_status leaf(pctx *c, const pki_ynode *at, const char *ver, json_t *ids)
{
    pki_draft *d = c->d;
    bool range = !strncmp(ver, "vers:", 5);
    for (size_t i = 0; i < c->nseen; i++)
        if (!strcmp(c->seen[i], ver))
            return pki_draft_fail(d, at, "%s: \"%.60s\" is listed twice", c->where, ver);
    if (c->nseen >= PKI_DRAFT_MAX_ITEMS || d->next_id >= 9999)
        return pki_draft_fail(d, at, "%s: more than 1024 versions", c->where);
    c->seen[c->nseen++] = ver;
    char id[32], pname[1024];
    snprintf(id, sizeof id, "CSAFPID-%04u", ++d->next_id);
    snprintf(pname, sizeof pname, "%s %s %s", c->vendor, c->name, ver);
    json_t *h = json_object(), *prod = json_object(), *b = json_object();
    if (c->cpe) {
        char *cv = range ? pki_strdup(c->cpe) : cpe_at(c->cpe, ver);
        if (!cv) {
            json_decref(h), json_decref(prod), json_decref(b);
            return pki_draft_fail(d, at,
                                  "%s: cpe must be a CPE 2.3 string with version \"*\" "
                                  "(parakh sets it per version)",
                                  c->where);
        }
        json_object_set_new(h, "cpe", json_string(cv));
        pki_free(cv);
    }
    if (c->purl) {
        char *pv = range ? pki_strdup(c->purl) : purl_at(c->purl, ver);
        json_object_set_new(h, "purl", json_string(pv ? pv : ""));
        pki_free(pv);
    }
    json_object_set_new(prod, "name", json_string(pname));
    json_object_set_new(prod, "product_id", json_string(id));
    json_object_set_new(prod, "product_identification_helper", h);
    json_object_set_new(b, "category",
                        json_string(range ? "product_version_range" : "product_version"));
    json_object_set_new(b, "name", json_string(ver));
    json_object_set_new(b, "product", prod);
    json_array_append_new(c->leaves, b);
    json_array_append_new(ids, json_string(id));
    return PK_OK;
}

/* affected / fixed / not_affected: one version, a vers range, or a list. */
static pk_status versions(pctx *c, const char *key, json_t *ids)
{
    const pki_ynode *v = pki_ymap_get(c->p->node, key);
    if (!v)
        return PK_OK;
    if (v->kind == PKI_Y_SCALAR)
        return v->len ? leaf(c, v, v->text, ids)
                      : pki_draft_fail(c->d, v, "%s: \"%s\" is empty", c->where, key);
    if (v->kind != PKI_Y_SEQ || v->n == 0)
        return pki_draft_fail(c->d, v, "%s: \"%s\" must be a version or a list of versions",
                              c->where, key);
    for (size_t i = 0; i < v->n; i++) {
        if (v->vals[i]->kind != PKI_Y_SCALAR || !v->vals[i]->len)
            return pki_draft_fail(c->d, v->vals[i], "%s: %s[%zu] must be a version", c->where, key,
                                  i);
        pk_status st = leaf(c, v->vals[i], v->vals[i]->text, ids);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

static const char *const justifications[] = {"component_not_present",
                                             "inline_mitigations_already_exist",
                                             "vulnerable_code_cannot_be_controlled_by_adversary",
                                             "vulnerable_code_not_in_execute_path",
                                             "vulnerable_code_not_present",
                                             NULL};

static pk_status product(pki_draft *d, size_t i, json_t *vendors, const char **seen)
{
    static const char *const keys[] = {"key",    "vendor",        "name",  "purl",
                                       "cpe",    "affected",      "fixed", "not_affected",
                                       "impact", "justification", NULL};
    pki_dprod *p = &d->prods[i];
    char where[48];
    snprintf(where, sizeof where, "products[%zu]", i);
    pctx c = {.d = d, .p = p, .where = where, .seen = seen};
    pk_status st = pki_draft_keys(d, p->node, keys, where);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "vendor", where, true, &c.vendor);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "name", where, true, &c.name);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "purl", where, false, &c.purl);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "cpe", where, false, &c.cpe);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "key", where, false, &p->key);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "justification", where, false, &p->justification);
    if (st == PK_OK)
        st = pki_draft_str(d, p->node, "impact", where, false, &p->impact);
    if (st != PK_OK)
        return st;
    if (!p->key)
        p->key = c.name;
    for (size_t j = 0; j < i; j++)
        if (!strcmp(d->prods[j].key, p->key))
            return pki_draft_fail(d, p->node, "%s: key \"%.60s\" is used twice", where, p->key);
    if (!c.purl && !c.cpe)
        return pki_draft_fail(d, p->node,
                              "%s: needs a purl or a cpe (products are matched by them)", where);
    if (c.purl && (strncmp(c.purl, "pkg:", 4) || memchr(c.purl, '@', strcspn(c.purl, "?#"))))
        return pki_draft_fail(d, pki_ymap_get(p->node, "purl"),
                              "%s: purl must be \"pkg:type/...\" without a version", where);
    if (p->justification && !one_of(p->justification, justifications))
        return pki_draft_fail(d, pki_ymap_get(p->node, "justification"),
                              "%s: justification \"%.60s\" is not one of CSAF's five labels", where,
                              p->justification);
    c.leaves = branch(branch(vendors, "vendor", c.vendor), "product_name", c.name);
    p->affected = json_array();
    p->fixed = json_array();
    p->not_affected = json_array();
    st = versions(&c, "affected", p->affected);
    if (st == PK_OK)
        st = versions(&c, "fixed", p->fixed);
    if (st == PK_OK)
        st = versions(&c, "not_affected", p->not_affected);
    if (st == PK_OK && !c.nseen)
        return pki_draft_fail(d, p->node, "%s: needs affected, fixed or not_affected versions",
                              where);
    if (st == PK_OK && json_array_size(p->not_affected) && d->vex && !p->justification &&
        !p->impact)
        return pki_draft_fail(d, p->node,
                              "%s: a VEX needs a justification or an impact for not_affected "
                              "versions (CSAF 6.1.27.9)",
                              where);
    return st;
}

static pk_status product_tree(pki_draft *d, const pki_ynode *seq, json_t **out)
{
    if (!seq || seq->kind != PKI_Y_SEQ || seq->n == 0)
        return pki_draft_fail(d, seq, "\"products\" must be a list of at least one product");
    if (seq->n > PKI_DRAFT_MAX_ITEMS)
        return pki_draft_fail(d, seq, "more than 1024 products");
    d->prods = pki_calloc(seq->n, sizeof *d->prods);
    const char **seen = pki_calloc(PKI_DRAFT_MAX_ITEMS, sizeof *seen);
    if (!d->prods || !seen) {
        pki_free(seen);
        return PK_E_NOMEM;
    }
    d->nprods = seq->n;
    json_t *vendors = json_array();
    pk_status st = PK_OK;
    for (size_t i = 0; st == PK_OK && i < seq->n; i++) {
        d->prods[i].node = seq->vals[i];
        st = seq->vals[i]->kind == PKI_Y_MAP
                 ? product(d, i, vendors, seen)
                 : pki_draft_fail(d, seq->vals[i], "products[%zu] must be a mapping", i);
    }
    pki_free(seen);
    *out = json_object();
    json_object_set_new(*out, "branches", vendors);
    return st;
}

/* ---- document ---- */

/* notes: [{category, title, text}] as CSAF's note_t. */
pk_status pki_draft_notes(pki_draft *d, const pki_ynode *seq, const char *where, json_t **out)
{
    static const char *const keys[] = {"category", "title", "text", NULL};
    static const char *const cats[] = {"description",      "details", "faq",     "general",
                                       "legal_disclaimer", "other",   "summary", NULL};
    if (seq->kind != PKI_Y_SEQ || seq->n == 0 || seq->n > PKI_DRAFT_MAX_ITEMS)
        return pki_draft_fail(d, seq, "%s must be a list of {category, title, text}", where);
    *out = json_array();
    for (size_t i = 0; i < seq->n; i++) {
        char w[64];
        snprintf(w, sizeof w, "%s[%zu]", where, i);
        const char *cat, *title, *text;
        pk_status st = pki_draft_keys(d, seq->vals[i], keys, w);
        if (st == PK_OK)
            st = pki_draft_str(d, seq->vals[i], "category", w, true, &cat);
        if (st == PK_OK)
            st = pki_draft_str(d, seq->vals[i], "title", w, false, &title);
        if (st == PK_OK)
            st = pki_draft_str(d, seq->vals[i], "text", w, true, &text);
        if (st == PK_OK && !one_of(cat, cats))
            st = pki_draft_fail(d, seq->vals[i],
                                "%s: category \"%.40s\" is not a CSAF note "
                                "category",
                                w, cat);
        if (st != PK_OK) {
            json_decref(*out);
            *out = NULL;
            return st;
        }
        json_t *n = json_object();
        json_object_set_new(n, "category", json_string(cat));
        json_object_set_new(n, "text", json_string(text));
        if (title)
            json_object_set_new(n, "title", json_string(title));
        json_array_append_new(*out, n);
    }
    return PK_OK;
}

static pk_status references(pki_draft *d, const pki_ynode *seq, json_t **out)
{
    static const char *const keys[] = {"url", "summary", "category", NULL};
    if (seq->kind != PKI_Y_SEQ || seq->n == 0 || seq->n > PKI_DRAFT_MAX_ITEMS)
        return pki_draft_fail(d, seq, "references must be a list of {url, summary, category}");
    *out = json_array();
    for (size_t i = 0; i < seq->n; i++) {
        char w[48];
        snprintf(w, sizeof w, "references[%zu]", i);
        const char *url, *sum, *cat;
        pk_status st = pki_draft_keys(d, seq->vals[i], keys, w);
        if (st == PK_OK)
            st = pki_draft_str(d, seq->vals[i], "url", w, true, &url);
        if (st == PK_OK)
            st = pki_draft_str(d, seq->vals[i], "summary", w, true, &sum);
        if (st == PK_OK)
            st = pki_draft_str(d, seq->vals[i], "category", w, false, &cat);
        if (st == PK_OK && cat && strcmp(cat, "external") && strcmp(cat, "self"))
            st = pki_draft_fail(d, seq->vals[i], "%s: category must be external or self", w);
        if (st != PK_OK) {
            json_decref(*out);
            *out = NULL;
            return st;
        }
        json_t *r = json_object();
        if (cat)
            json_object_set_new(r, "category", json_string(cat));
        json_object_set_new(r, "summary", json_string(sum));
        json_object_set_new(r, "url", json_string(url));
        json_array_append_new(*out, r);
    }
    return PK_OK;
}

static pk_status publisher(pki_draft *d, const pki_ynode *m, json_t **out)
{
    static const char *const keys[] = {"name", "namespace", "category", "contact", NULL};
    static const char *const cats[] = {"coordinator", "discoverer", "other", "translator",
                                       "user",        "vendor",     NULL};
    const char *name, *ns, *cat, *contact;
    if (!m)
        return pki_draft_fail(d, NULL, "missing \"publisher\" {name, namespace, category}");
    pk_status st = pki_draft_keys(d, m, keys, "publisher");
    if (st == PK_OK)
        st = pki_draft_str(d, m, "name", "publisher", true, &name);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "namespace", "publisher", true, &ns);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "category", "publisher", true, &cat);
    if (st == PK_OK)
        st = pki_draft_str(d, m, "contact", "publisher", false, &contact);
    if (st == PK_OK && !one_of(cat, cats))
        st = pki_draft_fail(d, m,
                            "publisher: category \"%.40s\" is not one of coordinator, "
                            "discoverer, other, translator, user, vendor",
                            cat);
    if (st == PK_OK && strncmp(ns, "https://", 8) && strncmp(ns, "http://", 7))
        st = pki_draft_fail(d, m, "publisher: namespace must be a URL (https://...)");
    if (st != PK_OK)
        return st;
    *out = json_object();
    json_object_set_new(*out, "category", json_string(cat));
    if (contact)
        json_object_set_new(*out, "contact_details", json_string(contact));
    json_object_set_new(*out, "name", json_string(name));
    json_object_set_new(*out, "namespace", json_string(ns));
    return PK_OK;
}

static json_t *revision(const char *date, const char *number, const char *summary)
{
    json_t *r = json_object();
    json_object_set_new(r, "date", json_string(date));
    json_object_set_new(r, "number", json_string(number));
    json_object_set_new(r, "summary", json_string(summary));
    return r;
}

/* tracking, new or revising `prev` (docs/csaf-draft.md "Revising"). */
static pk_status tracking(pki_draft *d, const char *id, const char *status, const char *now,
                          const char *summary, const pk_csaf_draft_opts *o, json_t **out)
{
    char number[16] = "1";
    const char *initial = now;
    json_t *hist = NULL, *prev = NULL;
    if (o && o->previous) {
        json_error_t je;
        if (o->previous_len > PK_CSAF_MAX_BYTES ||
            !(prev = json_loadb((const char *)o->previous, o->previous_len, JSON_REJECT_DUPLICATES,
                                &je))) {
            pki_errf(d->err, d->errlen, "previous document: not JSON within 16 MiB");
            return PK_E_FORMAT;
        }
        json_t *t = json_object_get(json_object_get(prev, "document"), "tracking");
        const char *pid = json_string_value(json_object_get(t, "id"));
        const char *pver = json_string_value(json_object_get(t, "version"));
        initial = json_string_value(json_object_get(t, "initial_release_date"));
        hist = json_object_get(t, "revision_history");
        size_t vl = pver ? strlen(pver) : 0;
        const char *why = !pid || !initial || !json_is_array(hist)
                              ? "no document.tracking id, initial_release_date and "
                                "revision_history"
                          : strcmp(pid, id) ? "its tracking.id differs from the draft's id"
                          : !vl || vl > 8 || pver[0] == '0' || strspn(pver, "0123456789") != vl
                              ? "its tracking.version is not an integer (parakh revises "
                                "integer-versioned documents)"
                              : NULL;
        if (why) {
            pki_errf(d->err, d->errlen, "previous document: %s", why);
            json_decref(prev);
            return PK_E_FORMAT;
        }
        snprintf(number, sizeof number, "%lu", strtoul(pver, NULL, 10) + 1);
        if (!summary)
            summary = "Revised.";
    }
    *out = json_object();
    json_object_set_new(*out, "current_release_date", json_string(now));
    json_t *gen = json_object(), *eng = json_object();
    json_object_set_new(gen, "date", json_string(now));
    json_object_set_new(eng, "name", json_string("parakh"));
    json_object_set_new(eng, "version", json_string(PK_VERSION));
    json_object_set_new(gen, "engine", eng);
    json_object_set_new(*out, "generator", gen);
    json_object_set_new(*out, "id", json_string(id));
    json_object_set_new(*out, "initial_release_date", json_string(initial));
    json_t *h = hist ? json_deep_copy(hist) : json_array();
    json_array_append_new(h, revision(now, number, summary ? summary : "Initial version."));
    json_object_set_new(*out, "revision_history", h);
    json_object_set_new(*out, "status", json_string(status));
    json_object_set_new(*out, "version", json_string(number));
    json_decref(prev);
    return PK_OK;
}

static pk_status document(pki_draft *d, const pki_ynode *r, const char *now,
                          const pk_csaf_draft_opts *o, json_t *doc)
{
    static const char *const keys[] = {"id",         "title",    "category",  "tlp",
                                       "lang",       "status",   "publisher", "notes",
                                       "references", "revision", "products",  "vulnerabilities",
                                       NULL};
    static const char *const tlps[] = {"WHITE", "GREEN", "AMBER", "RED", NULL};
    const char *id, *title, *cat, *tlp, *lang, *status, *summary;
    pk_status st = pki_draft_keys(d, r, keys, "the draft");
    if (st == PK_OK)
        st = pki_draft_str(d, r, "id", "the draft", true, &id);
    if (st == PK_OK)
        st = pki_draft_str(d, r, "title", "the draft", true, &title);
    if (st == PK_OK)
        st = pki_draft_str(d, r, "category", "the draft", true, &cat);
    if (st == PK_OK)
        st = pki_draft_str(d, r, "tlp", "the draft", true, &tlp);
    if (st == PK_OK)
        st = pki_draft_str(d, r, "lang", "the draft", false, &lang);
    if (st == PK_OK)
        st = pki_draft_str(d, r, "status", "the draft", false, &status);
    if (st == PK_OK)
        st = pki_draft_str(d, r, "revision", "the draft", false, &summary);
    if (st != PK_OK)
        return st;
    if (!strncmp(cat, "csaf_", 5))
        cat += 5;
    d->vex = !strcmp(cat, "vex");
    if (!d->vex && strcmp(cat, "security_advisory"))
        return pki_draft_fail(d, pki_ymap_get(r, "category"),
                              "category must be security_advisory or vex");
    if (!one_of(tlp, tlps))
        return pki_draft_fail(d, pki_ymap_get(r, "tlp"), "tlp must be WHITE, GREEN, AMBER or RED");
    if (status && strcmp(status, "final") && strcmp(status, "interim"))
        return pki_draft_fail(d, pki_ymap_get(r, "status"), "status must be final or interim");
    json_t *pub = NULL, *nt = NULL, *refs = NULL, *trk = NULL;
    st = publisher(d, pki_ymap_get(r, "publisher"), &pub);
    const pki_ynode *n = pki_ymap_get(r, "notes"), *rf = pki_ymap_get(r, "references");
    if (st == PK_OK && n)
        st = pki_draft_notes(d, n, "notes", &nt);
    if (st == PK_OK && rf)
        st = references(d, rf, &refs);
    if (st == PK_OK)
        st = tracking(d, id, status ? status : "final", now, summary, o, &trk);
    if (st != PK_OK) {
        json_decref(pub), json_decref(nt), json_decref(refs), json_decref(trk);
        return st;
    }
    char cname[32];
    snprintf(cname, sizeof cname, "csaf_%s", d->vex ? "vex" : "security_advisory");
    json_object_set_new(doc, "category", json_string(cname));
    json_object_set_new(doc, "csaf_version", json_string("2.0"));
    json_t *dist = json_object(), *t = json_object();
    json_object_set_new(t, "label", json_string(tlp));
    json_object_set_new(t, "url", json_string("https://www.first.org/tlp/"));
    json_object_set_new(dist, "tlp", t);
    json_object_set_new(doc, "distribution", dist);
    json_object_set_new(doc, "lang", json_string(lang ? lang : "en"));
    if (nt)
        json_object_set_new(doc, "notes", nt);
    json_object_set_new(doc, "publisher", pub);
    if (refs)
        json_object_set_new(doc, "references", refs);
    json_object_set_new(doc, "title", json_string(title));
    json_object_set_new(doc, "tracking", trk);
    return PK_OK;
}

pk_status pk_csaf_draft(const uint8_t *yaml, size_t len, const pk_csaf_draft_opts *o, char **out,
                        size_t *outlen, char *err, size_t errlen)
{
    if (!yaml || !out || !outlen)
        return PK_E_MISUSE;
    *out = NULL;
    *outlen = 0;
    char clock[40];
    const char *now = o ? o->now : NULL;
    if (now && !is_datetime(now)) {
        pki_errf(err, errlen, "now: \"%.40s\" is not an RFC 3339 date-time", now);
        return PK_E_USAGE;
    }
    if (!now) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(clock, sizeof clock, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
        now = clock;
    }
    pki_ydoc y;
    pk_status st = pki_ydoc_parse(yaml, len, &y, err, errlen);
    if (st != PK_OK)
        return st;
    pki_draft d = {.err = err, .errlen = errlen};
    json_t *root = json_object(), *doc = json_object(), *tree = NULL, *vulns = NULL;
    st = document(&d, y.root, now, o, doc);
    if (st == PK_OK)
        st = product_tree(&d, pki_ymap_get(y.root, "products"), &tree);
    if (st == PK_OK)
        st = pki_draft_vulns(&d, pki_ymap_get(y.root, "vulnerabilities"), &vulns);
    if (st == PK_OK) {
        json_object_set_new(root, "document", doc);
        json_object_set_new(root, "product_tree", tree);
        json_object_set_new(root, "vulnerabilities", vulns);
        doc = tree = vulns = NULL;
        char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
        size_t n = s ? strlen(s) : 0;
        if (!s || !(*out = pki_malloc(n + 2))) {
            st = s ? PK_E_NOMEM : PK_E_FORMAT;
            if (!s)
                pki_errf(err, errlen, "draft: a value is not valid UTF-8");
        } else {
            memcpy(*out, s, n);
            (*out)[n] = '\n';
            (*out)[n + 1] = 0;
            *outlen = n + 1;
        }
        free(s);
    }
    for (size_t i = 0; i < d.nprods; i++) {
        json_decref(d.prods[i].affected);
        json_decref(d.prods[i].fixed);
        json_decref(d.prods[i].not_affected);
    }
    pki_free(d.prods);
    json_decref(root), json_decref(doc), json_decref(tree), json_decref(vulns);
    pki_ydoc_clear(&y);
    return st;
}

void pk_csaf_free(void *p)
{
    pki_free(p);
}
