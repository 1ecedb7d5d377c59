/* capabilities: rules/capabilities.json into a pki_cap_set, and the set's
 * needles into the shared matcher. The file is our own data, still every
 * jansson accessor is type-checked and every count bounded, so a bad edit is
 * a clear init error, not a crash. */
#include "../../core/core_int.h"
#include "../../core/rulefiles.h"
#include "cap_int.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_GROUPS_PER_RULE 8u
#define MAX_TERMS_PER_GROUP 48u

typedef struct pctx {
    pki_cap_set *set;
    char *err;
    size_t errlen;
} pctx;

static pk_status fail(pctx *c, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pk_status fail(pctx *c, const char *rule, const char *fmt, ...)
{
    if (c->err && c->errlen) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(c->err, c->errlen, "capabilities.json: %s: %s", rule ? rule : "file", msg);
    }
    return PK_E_USAGE;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* "T1234" or "T1234.567" */
static int valid_attack(const char *s)
{
    size_t n = strlen(s);
    if ((n != 5 && n != 9) || s[0] != 'T')
        return 0;
    for (size_t i = 1; i < 5; i++)
        if (!is_digit(s[i]))
            return 0;
    if (n == 9 && (s[5] != '.' || !is_digit(s[6]) || !is_digit(s[7]) || !is_digit(s[8])))
        return 0;
    return 1;
}

/* "PK-CAP-0001" */
static int valid_id(const char *s)
{
    if (strlen(s) != 11 || strncmp(s, "PK-CAP-", 7) != 0)
        return 0;
    for (size_t i = 7; i < 11; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

static const char *str_of(const json_t *o, const char *key, size_t *len)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

static pk_status needle_of(pctx *c, const char *rid, uint8_t kind, const char *text, size_t len,
                           uint8_t enc, uint8_t nocase, uint16_t *out)
{
    pki_cap_set *s = c->set;
    for (size_t i = 0; i < s->nneedles; i++) {
        const pki_cap_needle *n = &s->needles[i];
        if (n->kind == kind && n->enc == enc && n->nocase == nocase && n->len == len &&
            memcmp(n->text, text, len) == 0) {
            *out = (uint16_t)i;
            return PK_OK;
        }
    }
    if (s->nneedles >= PKI_CAP_MAX_NEEDLES)
        return fail(c, rid, "more than %u distinct strings, API names and regexes",
                    PKI_CAP_MAX_NEEDLES);
    pki_cap_needle *n = &s->needles[s->nneedles];
    n->text = pki_strdup(text);
    if (!n->text)
        return PK_E_NOMEM;
    n->len = len;
    n->kind = kind;
    n->enc = enc;
    n->nocase = nocase;
    *out = (uint16_t)s->nneedles++;
    return PK_OK;
}

static const char *const kind_keys[] = {"import", "api", "string", "regex", "section", "resolved"};

static pk_status parse_term(pctx *c, const char *rid, const json_t *t)
{
    pki_cap_set *s = c->set;
    if (!json_is_object(t))
        return fail(c, rid, "a term is an object");
    if (s->nterms >= PKI_CAP_MAX_TERMS)
        return fail(c, rid, "more than %u terms", PKI_CAP_MAX_TERMS);
    int kind = -1, nkeys = 0;
    const char *text = NULL;
    size_t len = 0;
    for (size_t k = 0; k < sizeof kind_keys / sizeof kind_keys[0]; k++) {
        size_t l = 0;
        const char *v = str_of(t, kind_keys[k], &l);
        if (json_object_get(t, kind_keys[k])) {
            nkeys++;
            kind = (int)k;
            text = v;
            len = l;
        }
    }
    if (nkeys != 1 || !text)
        return fail(c, rid,
                    "a term has exactly one of import, api, resolved, string, regex, "
                    "section (a string)");
    size_t max = kind == PKI_CAP_REGEX ? PKI_CAP_REGEX_MAX : PKI_CAP_TEXT_MAX;
    if (len == 0 || len > max || strlen(text) != len)
        return fail(c, rid, "term text: 1 to %zu bytes, no NUL", max);
    uint8_t enc = PKI_CAP_ENC_ASCII, nocase = 0;
    const json_t *e = json_object_get(t, "enc"), *nc = json_object_get(t, "nocase");
    if (e) {
        const char *es = json_string_value(e);
        if (kind != PKI_CAP_STRING || !es)
            return fail(c, rid, "enc applies to strings only");
        if (strcmp(es, "ascii") == 0)
            enc = PKI_CAP_ENC_ASCII;
        else if (strcmp(es, "utf16") == 0)
            enc = PKI_CAP_ENC_UTF16;
        else if (strcmp(es, "both") == 0)
            enc = PKI_CAP_ENC_ASCII | PKI_CAP_ENC_UTF16;
        else
            return fail(c, rid, "enc: ascii, utf16 or both");
    }
    if (nc) {
        if (!json_is_boolean(nc) || (kind != PKI_CAP_STRING && kind != PKI_CAP_REGEX))
            return fail(c, rid, "nocase: a boolean, for strings and regexes");
        nocase = json_is_true(nc) ? 1 : 0;
    }
    if ((size_t)json_object_size(t) != 1u + (e ? 1u : 0u) + (nc ? 1u : 0u))
        return fail(c, rid, "unknown key in a term");
    pki_cap_term *term = &s->terms[s->nterms];
    memset(term, 0, sizeof *term);
    term->kind = (uint8_t)kind;
    if (kind != PKI_CAP_IMPORT && kind != PKI_CAP_SECTION) {
        int api = kind == PKI_CAP_API || kind == PKI_CAP_RESOLVED;
        /* an API name with a DLL ("ws2_32.dll!#23") is an import only */
        if (api && strchr(text, '!'))
            return fail(c, rid, "api names have no dll! prefix (use import)");
        /* api and resolved share one needle: the name as a C string */
        pk_status st = needle_of(c, rid, api ? PKI_CAP_API : (uint8_t)kind, text, len, enc, nocase,
                                 &term->needle);
        if (st != PK_OK)
            return st;
    }
    term->text = pki_strdup(text);
    if (!term->text)
        return PK_E_NOMEM;
    s->nterms++;
    return PK_OK;
}

static pk_status parse_group(pctx *c, const char *rid, const json_t *g)
{
    pki_cap_set *s = c->set;
    if (s->ngroups >= PKI_CAP_MAX_GROUPS)
        return fail(c, rid, "more than %u groups", PKI_CAP_MAX_GROUPS);
    const json_t *any = g;
    json_int_t min = 1;
    if (json_is_object(g)) {
        any = json_object_get(g, "any");
        const json_t *m = json_object_get(g, "min");
        if (m && !json_is_integer(m))
            return fail(c, rid, "min: an integer");
        if (m)
            min = json_integer_value(m);
        if (json_object_size(g) != 1u + (m ? 1u : 0u))
            return fail(c, rid, "a group object has \"any\" and optionally \"min\"");
    }
    size_t n = json_array_size(any);
    if (!json_is_array(any) || n == 0 || n > MAX_TERMS_PER_GROUP)
        return fail(c, rid, "a group is 1 to %u terms", MAX_TERMS_PER_GROUP);
    if (min < 1 || (size_t)min > n)
        return fail(c, rid, "min: 1 to the number of terms");
    pki_cap_group *grp = &s->groups[s->ngroups];
    grp->first = (uint16_t)s->nterms;
    grp->min = (uint16_t)min;
    for (size_t i = 0; i < n; i++) {
        pk_status st = parse_term(c, rid, json_array_get(any, i));
        if (st != PK_OK)
            return st;
    }
    grp->n = (uint16_t)(s->nterms - grp->first);
    s->ngroups++;
    return PK_OK;
}

static const char *const sev_names[] = {"info", "low", "medium", "high"};

static pk_status parse_rule(pctx *c, const json_t *r)
{
    pki_cap_set *s = c->set;
    if (!json_is_object(r))
        return fail(c, NULL, "rule %zu: not an object", s->nrules + 1);
    if (s->nrules >= PKI_CAP_MAX_RULES)
        return fail(c, NULL, "more than %u rules", PKI_CAP_MAX_RULES);
    pki_cap_rule *rule = &s->rules[s->nrules];
    memset(rule, 0, sizeof *rule);
    size_t len;
    const char *id = str_of(r, "id", &len);
    if (!id || !valid_id(id))
        return fail(c, NULL, "rule %zu: id is PK-CAP-NNNN", s->nrules + 1);
    for (size_t i = 0; i < s->nrules; i++)
        if (strcmp(s->rules[i].id, id) == 0)
            return fail(c, id, "duplicate id");
    memcpy(rule->id, id, 12);
    static const char *const known[] = {"id",    "name",        "attack", "severity", "confidence",
                                        "types", "max_imports", "all",    "note"};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)r, key, v)
    {
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] && strcmp(known[k], key) != 0)
            k++;
        if (k == sizeof known / sizeof known[0])
            return fail(c, id, "unknown key %.40s", key);
    }
    const char *name = str_of(r, "name", &len);
    if (!name || len == 0 || len > 100)
        return fail(c, id, "name: 1 to 100 bytes");
    const json_t *att = json_object_get(r, "attack");
    size_t na = json_array_size(att);
    if (!json_is_array(att) || na == 0 || na > PKI_CAP_MAX_ATTACK)
        return fail(c, id, "attack: 1 to %u technique ids", PKI_CAP_MAX_ATTACK);
    const char *sev = json_string_value(json_object_get(r, "severity"));
    int sv = -1;
    for (int k = 0; sev && k < 4; k++)
        if (strcmp(sev, sev_names[k]) == 0)
            sv = k;
    if (sv < 0)
        return fail(c, id, "severity: info, low, medium or high");
    const json_t *conf = json_object_get(r, "confidence");
    if (!json_is_integer(conf) || json_integer_value(conf) < 1 || json_integer_value(conf) > 100)
        return fail(c, id, "confidence: 1 to 100");
    rule->severity = (uint8_t)sv;
    rule->confidence = (uint8_t)json_integer_value(conf);
    const json_t *types = json_object_get(r, "types");
    rule->types = PKI_CAP_T_BINARY | PKI_CAP_T_TEXT;
    if (types) {
        if (!json_is_array(types) || json_array_size(types) == 0)
            return fail(c, id, "types: an array of \"binary\", \"text\"");
        rule->types = 0;
        for (size_t i = 0; i < json_array_size(types); i++) {
            const char *t = json_string_value(json_array_get(types, i));
            if (t && strcmp(t, "binary") == 0)
                rule->types |= PKI_CAP_T_BINARY;
            else if (t && strcmp(t, "text") == 0)
                rule->types |= PKI_CAP_T_TEXT;
            else
                return fail(c, id, "types: \"binary\" or \"text\"");
        }
    }
    const json_t *mi = json_object_get(r, "max_imports");
    if (mi) {
        if (!json_is_integer(mi) || json_integer_value(mi) < 1 || json_integer_value(mi) > 100000)
            return fail(c, id, "max_imports: 1 to 100000");
        rule->max_imports = (uint32_t)json_integer_value(mi);
    }
    const json_t *all = json_object_get(r, "all");
    size_t ng = json_array_size(all);
    if (!json_is_array(all) || ng == 0 || ng > MAX_GROUPS_PER_RULE)
        return fail(c, id, "all: 1 to %u groups", MAX_GROUPS_PER_RULE);
    /* terms and needles are counted as soon as they own a string, so
     * pki_cap_free releases them whatever fails later */
    rule->gfirst = (uint16_t)s->ngroups;
    for (size_t i = 0; i < ng; i++) {
        pk_status st = parse_group(c, id, json_array_get(all, i));
        if (st != PK_OK)
            return st;
    }
    rule->ng = (uint16_t)(s->ngroups - rule->gfirst);
    for (size_t i = 0; i < na; i++) {
        const char *a = json_string_value(json_array_get(att, i));
        if (!a || !valid_attack(a))
            return fail(c, id, "attack: T1234 or T1234.567");
    }
    s->nrules++; /* counted now: pki_cap_free releases what follows */
    rule->name = pki_strdup(name);
    if (!rule->name)
        return PK_E_NOMEM;
    for (size_t i = 0; i < na; i++) {
        rule->attack[i] = pki_strdup(json_string_value(json_array_get(att, i)));
        if (!rule->attack[i])
            return PK_E_NOMEM;
        rule->nattack++;
    }
    return PK_OK;
}

void pki_cap_free(pki_cap_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nrules; i++) {
        pki_free(set->rules[i].name);
        for (size_t k = 0; k < set->rules[i].nattack; k++)
            pki_free(set->rules[i].attack[k]);
    }
    /* terms and needles past the counted ones were never kept */
    for (size_t i = 0; i < set->nterms; i++)
        pki_free(set->terms[i].text);
    for (size_t i = 0; i < set->nneedles; i++)
        pki_free(set->needles[i].text);
    pki_free(set);
}

pk_status pki_cap_parse(const char *text, size_t len, pki_cap_set **out, char *err, size_t errlen)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    pctx c = {NULL, err, errlen};
    if (!root) {
        if (err && errlen)
            snprintf(err, errlen, "capabilities.json: line %d: %s", je.line, je.text);
        return PK_E_USAGE;
    }
    pk_status st = PK_OK;
    const json_t *rules = json_object_get(root, "rules");
    if (!json_is_array(rules) || json_array_size(rules) == 0) {
        st = fail(&c, NULL, "\"rules\": a non-empty array");
        goto done;
    }
    c.set = pki_calloc(1, sizeof *c.set);
    if (!c.set) {
        st = PK_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < json_array_size(rules) && st == PK_OK; i++)
        st = parse_rule(&c, json_array_get(rules, i));
done:
    json_decref(root);
    if (st != PK_OK) {
        pki_cap_free(c.set);
        return st;
    }
    *out = c.set;
    return PK_OK;
}

pk_status pki_cap_load(pki_cap_set **out, char *err, size_t errlen)
{
    *out = NULL;
    const pki_rulefile *rf = pki_rulefile_get("capabilities.json");
    if (!rf)
        return PK_E_USAGE; /* the build embeds rules/: a missing file is a build bug */
    return pki_cap_parse((const char *)rf->data, rf->len, out, err, errlen);
}

pk_status pki_cap_register(const pki_cap_set *set, pk_match_reg *reg)
{
    for (size_t i = 0; i < set->nneedles; i++) {
        const pki_cap_needle *n = &set->needles[i];
        uint32_t id = (uint32_t)i * 2u;
        unsigned fl = n->nocase ? PK_PAT_NOCASE : 0;
        pk_status st = PK_OK;
        if (n->kind == PKI_CAP_REGEX) {
            st = pk_match_add(reg, id, n->text, 0, fl);
        } else if (n->kind == PKI_CAP_API) {
            /* the name as a C string: GetProcAddress/dlsym arguments, the PE
             * hint/name table and .dynstr all end names with a NUL */
            char pat[PKI_CAP_TEXT_MAX + 1];
            memcpy(pat, n->text, n->len);
            pat[n->len] = 0;
            st = pk_match_add(reg, id, pat, n->len + 1, PK_PAT_LITERAL);
        } else {
            if (n->enc & PKI_CAP_ENC_ASCII)
                st = pk_match_add(reg, id, n->text, n->len, PK_PAT_LITERAL | fl);
            if (st == PK_OK && (n->enc & PKI_CAP_ENC_UTF16)) {
                char pat[PKI_CAP_TEXT_MAX * 2];
                for (size_t k = 0; k < n->len; k++) {
                    pat[2 * k] = n->text[k];
                    pat[2 * k + 1] = 0;
                }
                st = pk_match_add(reg, id + 1, pat, n->len * 2, PK_PAT_LITERAL | fl);
            }
        }
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}
