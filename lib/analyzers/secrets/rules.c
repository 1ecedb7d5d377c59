/* Loads rules/secrets/gitleaks.json (scripts/gitleaks2json.py made it from
 * gitleaks.toml) into a pki_sec_set and checks every field's type: the file is
 * data, and a broken rule file must fail init (and the unit test), not a scan
 * silently. Also the checks a candidate goes through after its regex matched:
 * entropy and allowlists, with gitleaks' semantics. */
#include "secrets_int.h"

#include "../../core/core_int.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_LIST 4096 /* entries of one keyword, stopword or regex list */

static void *gmalloc(size_t n, void *ud)
{
    (void)ud;
    return pki_malloc(n);
}

static void gfree(void *p, void *ud)
{
    (void)ud;
    pki_free(p);
}

static void allow_free(pki_sec_allow *a)
{
    for (size_t i = 0; i < a->nre; i++)
        pcre2_code_free(a->re[i]);
    for (size_t i = 0; i < a->nstop; i++)
        pki_free(a->stop[i]);
    for (size_t i = 0; i < a->npath; i++)
        pcre2_code_free(a->path[i]);
    pki_free(a->re);
    pki_free(a->stop);
    pki_free(a->path);
}

void pki_sec_set_free(pki_sec_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        pki_sec_rule *r = &s->rule[i];
        pki_free(r->id);
        pki_free(r->hs);
        pcre2_code_free(r->re);
        for (size_t k = 0; k < r->nkw; k++)
            pki_free(r->kw[k]);
        pki_free(r->kw);
        pcre2_code_free(r->path);
        for (size_t k = 0; k < r->nallow; k++)
            allow_free(&r->allow[k]);
        pki_free(r->allow);
    }
    allow_free(&s->global);
    pcre2_match_context_free(s->mctx);
    pcre2_compile_context_free(s->cctx);
    pcre2_general_context_free(s->gctx);
    pki_free(s);
}

typedef struct ld {
    pki_sec_set *s;
    char *err;
    size_t errlen;
    const char *where; /* the rule id being read, for messages */
} ld;

static int fail(ld *l, const char *what)
{
    snprintf(l->err, l->errlen, "rules/secrets/gitleaks.json: %s: %s", l->where, what);
    return -1;
}

/* RE2's $ is the end of the text only (PCRE's would also match before a final newline). */
static pcre2_code *compile(ld *l, const char *p)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY, &ec,
                                   &eo, l->s->cctx);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        char m[256];
        snprintf(m, sizeof m, "regex '%.80s' at %zu: %s", p, (size_t)eo, (const char *)msg);
        fail(l, m);
    }
    return re;
}

/* A JSON array of strings: compiled as regexes (re != NULL) or copied lower-cased. */
static int str_list(ld *l, const json_t *a, pcre2_code ***re, char ***str, size_t *n)
{
    *n = 0;
    if (!a)
        return 0;
    if (!json_is_array(a) || json_array_size(a) > MAX_LIST)
        return fail(l, "a list is not an array of strings");
    size_t cnt = json_array_size(a);
    if (cnt == 0)
        return 0;
    if (re && !(*re = pki_calloc(cnt, sizeof **re)))
        return fail(l, "out of memory");
    if (str && !(*str = pki_calloc(cnt, sizeof **str)))
        return fail(l, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        const char *v = json_string_value(json_array_get(a, i));
        if (!v || !*v)
            return fail(l, "a list entry is not a non-empty string");
        if (re) {
            if (!((*re)[i] = compile(l, v)))
                return -1;
        } else {
            char *c = pki_strdup(v);
            if (!c)
                return fail(l, "out of memory");
            for (char *q = c; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            (*str)[i] = c;
        }
        *n = i + 1;
    }
    return 0;
}

static int allow_load(ld *l, const json_t *o, pki_sec_allow *a)
{
    if (!json_is_object(o))
        return fail(l, "an allowlist is not an object");
    const char *cond = json_string_value(json_object_get(o, "condition"));
    const char *tg = json_string_value(json_object_get(o, "regex_target"));
    if (!cond || (strcmp(cond, "OR") && strcmp(cond, "AND")))
        return fail(l, "allowlist condition is not OR or AND");
    a->and_cond = strcmp(cond, "AND") == 0;
    if (!tg)
        return fail(l, "allowlist without regex_target");
    if (!strcmp(tg, "secret"))
        a->target = PKI_SEC_T_SECRET;
    else if (!strcmp(tg, "match"))
        a->target = PKI_SEC_T_MATCH;
    else if (!strcmp(tg, "line"))
        a->target = PKI_SEC_T_LINE;
    else
        return fail(l, "allowlist regex_target is not secret, match or line");
    if (str_list(l, json_object_get(o, "regexes"), &a->re, NULL, &a->nre) ||
        str_list(l, json_object_get(o, "stopwords"), NULL, &a->stop, &a->nstop) ||
        str_list(l, json_object_get(o, "paths"), &a->path, NULL, &a->npath))
        return -1;
    return 0;
}

static int rule_load(ld *l, const json_t *o, pki_sec_rule *r)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *hs = json_string_value(json_object_get(o, "hs"));
    const char *pc = json_string_value(json_object_get(o, "pcre"));
    const char *kl = json_string_value(json_object_get(o, "class"));
    const json_t *grp = json_object_get(o, "secret_group");
    const json_t *ent = json_object_get(o, "entropy");
    const json_t *path = json_object_get(o, "path");
    const json_t *al = json_object_get(o, "allowlists");
    l->where = id ? id : "a rule";
    if (!id || !*id || strlen(id) > 64 || !hs || !*hs || !pc || !*pc || !kl)
        return fail(l, "rule without id, class, hs or pcre");
    if (!json_is_integer(grp) || json_integer_value(grp) < 0 || json_integer_value(grp) > 32)
        return fail(l, "secret_group is not an integer in 0..32");
    if (!json_is_number(ent) || json_number_value(ent) < 0 || json_number_value(ent) > 8)
        return fail(l, "entropy is not a number in 0..8");
    if (path && !json_is_null(path) && !json_is_string(path))
        return fail(l, "path is not a string or null");
    if (!json_is_array(al) || json_array_size(al) > 16)
        return fail(l, "allowlists is not an array");
    r->klass = !strcmp(kl, "generic")      ? PKI_SEC_GENERIC
               : !strcmp(kl, "assignment") ? PKI_SEC_ASSIGN
               : !strcmp(kl, "format")     ? PKI_SEC_FORMAT
                                           : -1;
    if (r->klass < 0)
        return fail(l, "class is not format, assignment or generic");
    r->group = (unsigned)json_integer_value(grp);
    r->entropy = json_number_value(ent);
    if (!(r->id = pki_strdup(id)) || !(r->hs = pki_strdup(hs)))
        return fail(l, "out of memory");
    if (!(r->re = compile(l, pc)))
        return -1;
    if (json_is_string(path) && !(r->path = compile(l, json_string_value(path))))
        return -1;
    if (str_list(l, json_object_get(o, "keywords"), NULL, &r->kw, &r->nkw))
        return -1;
    size_t na = json_array_size(al);
    if (na && !(r->allow = pki_calloc(na, sizeof *r->allow)))
        return fail(l, "out of memory");
    for (size_t i = 0; i < na; i++) {
        r->nallow = i + 1; /* counted first: a half-loaded allowlist is freed too */
        if (allow_load(l, json_array_get(al, i), &r->allow[i]))
            return -1;
    }
    return 0;
}

pki_sec_set *pki_sec_set_load(const char *p, size_t n, char *err, size_t errlen)
{
    pki_sec_set *s = pki_calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ld l = {s, err, errlen, "file"};
    s->gctx = pcre2_general_context_create(gmalloc, gfree, NULL);
    s->mctx = s->gctx ? pcre2_match_context_create(s->gctx) : NULL;
    s->cctx = s->gctx ? pcre2_compile_context_create(s->gctx) : NULL;
    json_error_t je;
    json_t *root = NULL;
    if (!s->mctx || !s->cctx) {
        fail(&l, "out of memory");
        goto bad;
    }
    /* a secret is at most a few hundred bytes: a pattern needing more steps
     * is pathological input, not a secret */
    pcre2_set_match_limit(s->mctx, 200000);
    pcre2_set_depth_limit(s->mctx, 2000);
    root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        char m[200];
        snprintf(m, sizeof m, "line %d: %s", je.line, je.text);
        fail(&l, m);
        goto bad;
    }
    const json_t *rules = json_object_get(root, "rules");
    const json_t *dropped = json_object_get(root, "dropped");
    if (!json_is_array(rules) || json_array_size(rules) > PKI_SEC_MAX_RULES ||
        !json_is_array(dropped)) {
        fail(&l, "rules is not an array of at most 256 rules, or no dropped list");
        goto bad;
    }
    s->ndropped = json_array_size(dropped);
    if (allow_load(&l, json_object_get(root, "global_allowlist"), &s->global))
        goto bad;
    for (size_t i = 0; i < json_array_size(rules); i++) {
        s->n = i + 1; /* counted first, so a half-loaded rule is freed too */
        if (rule_load(&l, json_array_get(rules, i), &s->rule[i]))
            goto bad;
    }
    json_decref(root);
    return s;
bad:
    json_decref(root);
    pki_sec_set_free(s);
    return NULL;
}

int pki_sec_re_find(const pki_sec_set *s, const pcre2_code *re, const char *p, size_t n)
{
    pcre2_match_data *md = pcre2_match_data_create(1, s->gctx);
    if (!md)
        return 0;
    int rc = pcre2_match(re, (PCRE2_SPTR)p, n, 0, 0, md, s->mctx);
    pcre2_match_data_free(md);
    return rc > 0;
}

double pki_sec_entropy(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    size_t cnt[256] = {0};
    for (size_t i = 0; i < n; i++)
        cnt[(unsigned char)p[i]]++;
    double h = 0;
    for (size_t i = 0; i < 256; i++) {
        if (!cnt[i])
            continue;
        double f = (double)cnt[i] / (double)n;
        h -= f * log2(f);
    }
    return h;
}

/* 1 if the secret contains the lower-case stopword w, ignoring case. */
static int has_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; wl && i + wl <= n; i++) {
        size_t k = 0;
        while (k < wl && (char)tolower((unsigned char)s[i + k]) == w[k])
            k++;
        if (k == wl)
            return 1;
    }
    return 0;
}

int pki_sec_allowed(const pki_sec_set *s, const pki_sec_allow *a, const pki_sec_cand *c)
{
    const char *t = a->target == PKI_SEC_T_MATCH  ? c->match
                    : a->target == PKI_SEC_T_LINE ? c->line
                                                  : c->secret;
    size_t tl = a->target == PKI_SEC_T_MATCH  ? c->mlen
                : a->target == PKI_SEC_T_LINE ? c->llen
                                              : c->slen;
    /* each criterion given: -1 not given, 0 does not hold, 1 holds */
    int re = -1, stop = -1, path = -1;
    if (a->nre) {
        re = 0;
        for (size_t i = 0; i < a->nre && !re; i++)
            re = pki_sec_re_find(s, a->re[i], t, tl);
    }
    if (a->nstop) {
        stop = 0;
        for (size_t i = 0; i < a->nstop && !stop; i++)
            stop = has_word(c->secret, c->slen, a->stop[i]);
    }
    if (a->npath) {
        path = 0;
        for (size_t i = 0; i < a->npath && !path; i++)
            path = pki_sec_re_find(s, a->path[i], c->path, c->plen);
    }
    if (a->and_cond)
        return (re == 1 || stop == 1 || path == 1) && re != 0 && stop != 0 && path != 0;
    return re == 1 || stop == 1 || path == 1;
}
