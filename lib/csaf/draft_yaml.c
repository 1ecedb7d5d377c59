/* The YAML draft read into a tree of text nodes (docs/csaf-draft.md
 * "Bounds"). libyaml's event parser, not its document loader: the loader
 * expands aliases (a "billion laughs" draft of a few hundred bytes becomes
 * gigabytes) and has no depth limit, while here each event is checked as it
 * arrives and the nesting is kept on a fixed stack, never by recursion. */
#include <string.h>
#include <yaml.h>

#include "draft_int.h"

static pk_status yfail(char *err, size_t errlen, unsigned long line, const char *msg)
{
    pki_errf(err, errlen, "draft line %lu: %s", line, msg);
    return PK_E_FORMAT;
}

static pki_ynode *ynew(pki_ydoc *d, pki_ykind kind, unsigned long line)
{
    if (d->nall >= PKI_DRAFT_MAX_NODES ||
        !pki_grow((void **)&d->all, &d->capall, d->nall + 1, sizeof *d->all))
        return NULL;
    pki_ynode *n = pki_calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = line;
    d->all[d->nall++] = n;
    return n;
}

/* Appends v to container c (for a map, as the value of the last key or as
 * a new key); keys must be scalars and distinct. */
static pk_status yadd(pki_ynode *c, pki_ynode *v, char *err, size_t errlen)
{
    if (c->kind == PKI_Y_SEQ || (c->kind == PKI_Y_MAP && c->n > 0 && !c->vals[c->n - 1])) {
        if (c->kind == PKI_Y_SEQ &&
            !pki_grow((void **)&c->vals, &c->cap, c->n + 1, sizeof *c->vals))
            return PK_E_NOMEM;
        c->vals[c->kind == PKI_Y_SEQ ? c->n++ : c->n - 1] = v;
        return PK_OK;
    }
    if (v->kind != PKI_Y_SCALAR)
        return yfail(err, errlen, v->line, "a mapping key must be plain text");
    for (size_t i = 0; i < c->n; i++)
        if (c->keys[i]->len == v->len && !memcmp(c->keys[i]->text, v->text, v->len)) {
            pki_errf(err, errlen, "draft line %lu: duplicate key \"%.60s\"", v->line, v->text);
            return PK_E_FORMAT;
        }
    size_t cap = c->cap;
    if (!pki_grow((void **)&c->keys, &cap, c->n + 1, sizeof *c->keys) ||
        !pki_grow((void **)&c->vals, &c->cap, c->n + 1, sizeof *c->vals))
        return PK_E_NOMEM;
    c->keys[c->n] = v;
    c->vals[c->n++] = NULL;
    return PK_OK;
}

static pk_status on_event(pki_ydoc *d, const yaml_event_t *ev, pki_ynode **stack, size_t *depth,
                          int *docs, char *err, size_t errlen)
{
    unsigned long line = ev->start_mark.line + 1;
    pki_ynode *n = NULL;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        /* an alias can repeat a subtree exponentially: refused outright */
        return yfail(err, errlen, line, "YAML aliases (*name) are not accepted in a draft");
    case YAML_DOCUMENT_START_EVENT:
        if (++*docs > 1)
            return yfail(err, errlen, line, "one YAML document per draft");
        return PK_OK;
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.length > PKI_DRAFT_MAX_SCALAR)
            return yfail(err, errlen, line, "a value over 64 KiB");
        if (!(n = ynew(d, PKI_Y_SCALAR, line)))
            goto limit;
        n->text = pki_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        n->len = ev->data.scalar.length;
        if (!n->text)
            return PK_E_NOMEM;
        if (strlen(n->text) != n->len)
            return yfail(err, errlen, line, "a value holds a NUL character");
        break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        if (*depth >= PKI_DRAFT_MAX_DEPTH)
            return yfail(err, errlen, line, "nested deeper than 16 levels");
        if (!(n = ynew(d, ev->type == YAML_MAPPING_START_EVENT ? PKI_Y_MAP : PKI_Y_SEQ, line)))
            goto limit;
        break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        if (*depth == 0)
            return yfail(err, errlen, line, "unbalanced YAML");
        n = stack[--*depth];
        if (n->kind == PKI_Y_MAP && n->n > 0 && !n->vals[n->n - 1])
            return yfail(err, errlen, line, "a key without a value");
        return PK_OK;
    default:
        return PK_OK;
    }
    if (n->kind != PKI_Y_SCALAR || *depth > 0 || d->root) {
        pk_status st = PK_OK;
        if (*depth > 0)
            st = yadd(stack[*depth - 1], n, err, errlen);
        else if (d->root)
            st = yfail(err, errlen, line, "text after the draft's top-level mapping");
        else
            d->root = n;
        if (st != PK_OK)
            return st;
        if (n->kind != PKI_Y_SCALAR)
            stack[(*depth)++] = n;
        return PK_OK;
    }
    d->root = n; /* a bare scalar: refused by the caller (not a mapping) */
    return PK_OK;
limit:
    return d->nall >= PKI_DRAFT_MAX_NODES ? yfail(err, errlen, line, "more than 65536 values")
                                          : PK_E_NOMEM;
}

pk_status pki_ydoc_parse(const uint8_t *yaml, size_t len, pki_ydoc *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (len > PKI_DRAFT_MAX_BYTES) {
        pki_errf(err, errlen, "draft: %zu bytes, over the limit of 1 MiB", len);
        return PK_E_FORMAT;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return PK_E_NOMEM;
    yaml_parser_set_input_string(&p, yaml, len);
    pki_ynode *stack[PKI_DRAFT_MAX_DEPTH];
    size_t depth = 0;
    int docs = 0;
    pk_status st = PK_OK;
    for (bool done = false; st == PK_OK && !done;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            unsigned long line = p.problem_mark.line + 1;
            pki_errf(err, errlen, "draft line %lu: not YAML: %s%s%s", line,
                     p.problem ? p.problem : "parse error", p.context ? " " : "",
                     p.context ? p.context : "");
            st = PK_E_FORMAT;
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        st = on_event(d, &ev, stack, &depth, &docs, err, errlen);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (st == PK_OK && (!d->root || d->root->kind != PKI_Y_MAP)) {
        pki_errf(err, errlen, "draft line %lu: the draft must be a mapping (id: ..., title: ...)",
                 d->root ? d->root->line : 1ul);
        st = PK_E_FORMAT;
    }
    if (st != PK_OK)
        pki_ydoc_clear(d);
    return st;
}

void pki_ydoc_clear(pki_ydoc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nall; i++) {
        pki_free(d->all[i]->text);
        pki_free(d->all[i]->keys);
        pki_free(d->all[i]->vals);
        pki_free(d->all[i]);
    }
    pki_free(d->all);
    memset(d, 0, sizeof *d);
}

const pki_ynode *pki_ymap_get(const pki_ynode *m, const char *key)
{
    if (!m || m->kind != PKI_Y_MAP)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->keys[i]->text, key))
            return m->vals[i];
    return NULL;
}
