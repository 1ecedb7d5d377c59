/* What an update changed: the public API, the shared helpers, the path
 * normalisation, the verdict hook and the summary (docs/diff.md). */
#include "diff_int.h"

#include <parakh/scan.h>
#include <stdlib.h>
#include <string.h>

struct pk_diff {
    json_t *doc;
    int worse;
};

static const char *const WORSE_NAME[PKI_W_COUNT] = {
    [PKI_W_DOWNGRADE] = "component-downgraded",
    [PKI_W_VULN] = "vulnerability-introduced",
    [PKI_W_KEV] = "kev-introduced",
    [PKI_W_HARDENING] = "hardening-regressed",
    [PKI_W_SIGNER] = "signer-changed",
    [PKI_W_CAPABILITY] = "capability-new",
    [PKI_W_SECRET] = "secret-new",
    [PKI_W_COUNTRY] = "country-new",
    [PKI_W_CRYPTO] = "crypto-worse",
    [PKI_W_VERDICT] = "verdict-worse",
};

/* ---- helpers ---- */

const char *pki_dj_str(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const json_t *pki_dj_arr(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_array(v) ? v : NULL;
}

const json_t *pki_dj_obj(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_object(v) ? v : NULL;
}

int pki_dj_bool(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

json_t *pki_dj_s(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("?"); /* not UTF-8: never from jansson, but cheap */
}

int pki_dj_set(json_t *o, const char *key, json_t *v)
{
    return !v || json_object_set_new(o, key, v) != 0;
}

int pki_dj_push(json_t *a, json_t *v)
{
    return !v || json_array_append_new(a, v) != 0;
}

json_t *pki_diff_section(pki_diffctx *c, const char *section)
{
    json_t *s = json_object_get(c->out, section);
    if (s)
        return s;
    s = json_object();
    return pki_dj_set(c->out, section, s) ? NULL : s;
}

json_t *pki_diff_list(json_t *section, const char *key)
{
    json_t *a = json_array();
    return !section || pki_dj_set(section, key, a) ? NULL : a;
}

void pki_diff_mark(pki_diffctx *c, pki_worse w)
{
    c->worse[w]++;
}

int pki_dents_add(pki_dents *d, const char *key, const char *ver, const json_t *obj,
                  const char *vpath)
{
    if (!key || !pki_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v))
        return -1;
    d->v[d->n] = (pki_dent){key, ver, obj, vpath, d->n};
    d->n++;
    return 0;
}

static int dent_cmp(const void *a, const void *b)
{
    const pki_dent *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (r)
        return r;
    r = strcmp(x->ver ? x->ver : "", y->ver ? y->ver : "");
    if (r)
        return r;
    /* equal keys keep the report's order */
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void pki_dents_sort(pki_dents *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, dent_cmp);
}

void pki_dents_free(pki_dents *d)
{
    pki_free(d->v);
    memset(d, 0, sizeof *d);
}

/* ---- evidence paths ---- */

const char *pki_diff_norm(pki_diffctx *c, const pki_diff_side *s, const char *vpath)
{
    if (!vpath)
        return NULL;
    size_t best = SIZE_MAX, blen = 0;
    for (size_t i = 0; i < s->ninputs; i++) {
        size_t l = strlen(s->inputs[i]);
        if (l < blen || strncmp(vpath, s->inputs[i], l) != 0)
            continue;
        /* a whole name: the input itself, a file in its directory, or an entry */
        if (vpath[l] == 0 || vpath[l] == '/' || (vpath[l] == '!' && vpath[l + 1] == '/')) {
            best = i;
            blen = l;
        }
    }
    if (best == SIZE_MAX)
        return pki_arena_strdup(c->arena, vpath);
    if (s->ninputs == 1)
        return pki_arena_printf(c->arena, "*%s", vpath + blen);
    return pki_arena_printf(c->arena, "*%zu%s", best + 1, vpath + blen);
}

static int side_init(pki_diff_side *s, const json_t *doc, const char *label, char *err,
                     size_t errlen, const char *which)
{
    memset(s, 0, sizeof *s);
    s->doc = doc;
    s->label = label;
    const char *sv = pki_dj_str(doc, "schema_version");
    const json_t *tool = pki_dj_obj(doc, "tool");
    if (!json_is_object(doc) || !sv || strncmp(sv, "1.", 2) != 0 || !tool ||
        !pki_dj_str(tool, "name") || strcmp(pki_dj_str(tool, "name"), "parakh") != 0) {
        snprintf(err, errlen,
                 "%s report%s%s: not a parakh native report (schema_version 1.x, tool parakh; "
                 "parakh scan --format json writes one)",
                 which, label ? " " : "", label ? label : "");
        return -1;
    }
    const json_t *in = pki_dj_arr(doc, "inputs");
    size_t i;
    const json_t *v;
    json_array_foreach(in, i, v)
    {
        const char *p = pki_dj_str(v, "path");
        if (p && s->ninputs < PKI_DIFF_MAX_INPUTS)
            s->inputs[s->ninputs++] = p;
    }
    return 0;
}

static json_t *side_json(const pki_diff_side *s)
{
    json_t *o = json_object(), *in = json_array();
    const json_t *tool = pki_dj_obj(s->doc, "tool"), *scan = pki_dj_obj(s->doc, "scan");
    int bad = !o || pki_dj_set(o, "inputs", in);
    for (size_t i = 0; !bad && i < s->ninputs; i++)
        bad = pki_dj_push(in, pki_dj_s(s->inputs[i]));
    if (!bad && s->label)
        bad = pki_dj_set(o, "label", pki_dj_s(s->label));
    if (!bad && pki_dj_str(tool, "version"))
        bad = pki_dj_set(o, "tool_version", pki_dj_s(pki_dj_str(tool, "version")));
    if (!bad && pki_dj_str(scan, "finished"))
        bad = pki_dj_set(o, "scanned", pki_dj_s(pki_dj_str(scan, "finished")));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- the verdict hook ---- */

static int verdict_rank(const char *v)
{
    if (!v)
        return -1;
    if (strcmp(v, "APPROVE") == 0)
        return 0;
    if (strcmp(v, "APPROVE WITH CONDITIONS") == 0)
        return 1;
    if (strcmp(v, "REJECT") == 0)
        return 2;
    return -1;
}

static int set_verdict(json_t *doc, const char *ov, const char *nv, const char *profile,
                       const char *source, int *worse)
{
    json_t *o = json_object();
    int ro = verdict_rank(ov), rn = verdict_rank(nv);
    int bad = !o;
    if (ro < 0 || rn < 0) {
        bad = bad || pki_dj_set(o, "status", json_string("not assessed")) ||
              pki_dj_set(o, "reason",
                         json_string(ro < 0 && rn < 0 ? "neither report carries an assessment "
                                                        "(parakh diff --profile P assesses both)"
                                     : ro < 0         ? "the old report carries no assessment"
                                                      : "the new report carries no assessment"));
    } else {
        bad = bad || pki_dj_set(o, "status", json_string("assessed")) ||
              pki_dj_set(o, "old", json_string(ov)) || pki_dj_set(o, "new", json_string(nv)) ||
              pki_dj_set(o, "changed", json_boolean(ro != rn)) ||
              pki_dj_set(o, "source", json_string(source)) ||
              (profile && pki_dj_set(o, "profile", pki_dj_s(profile)));
        *worse = rn > ro;
    }
    if (bad) {
        json_decref(o);
        return -1;
    }
    return json_object_set_new(doc, "verdict", o) ? -1 : 0;
}

static int verdict_from_reports(pki_diffctx *c)
{
    const json_t *ao = pki_dj_obj(c->o.doc, "assessment"), *an = pki_dj_obj(c->n.doc, "assessment");
    const char *po = pki_dj_str(ao, "profile"), *pn = pki_dj_str(an, "profile");
    int w = 0;
    if (set_verdict(c->out, pki_dj_str(ao, "verdict"), pki_dj_str(an, "verdict"), pn ? pn : po,
                    "reports", &w))
        return -1;
    if (w)
        pki_diff_mark(c, PKI_W_VERDICT);
    return 0;
}

/* ---- summary: counts of every list, and what got worse ---- */

static int summarise(json_t *doc, const unsigned *wc, int *worse)
{
    json_t *sum = json_object(), *why = json_array();
    int bad = !sum || !why;
    const char *k1;
    json_t *sec;
    json_object_foreach(doc, k1, sec)
    {
        if (!json_is_object(sec) || bad || !strcmp(k1, "tool") || !strcmp(k1, "old") ||
            !strcmp(k1, "new") || !strcmp(k1, "verdict"))
            continue;
        json_t *cnt = json_object();
        const char *k2;
        json_t *v;
        bad = !cnt;
        json_object_foreach(sec, k2, v)
        {
            if (!bad && json_is_array(v))
                bad = pki_dj_set(cnt, k2, json_integer((json_int_t)json_array_size(v)));
            else if (!bad && json_is_object(v) && pki_dj_arr(v, "new"))
                bad = pki_dj_set(
                    cnt, k2,
                    json_pack("{s:I,s:I}", "new", (json_int_t)json_array_size(pki_dj_arr(v, "new")),
                              "gone", (json_int_t)json_array_size(pki_dj_arr(v, "gone"))));
        }
        if (!bad && json_object_size(cnt))
            bad = json_object_set(sum, k1, cnt);
        json_decref(cnt);
    }
    *worse = 0;
    for (int i = 0; !bad && i < PKI_W_COUNT; i++)
        if (wc[i]) {
            *worse = 1;
            bad = pki_dj_push(why, json_string(WORSE_NAME[i]));
        }
    bad = bad || pki_dj_set(doc, "worse", json_boolean(*worse)) ||
          json_object_set(doc, "worse_because", why) || json_object_set(doc, "summary", sum);
    json_decref(why);
    json_decref(sum);
    return bad ? -1 : 0;
}

json_t *pki_diff_build(const json_t *old, const json_t *new_, const char *old_label,
                       const char *new_label, int *worse, char *err, size_t errlen)
{
    char dummy[8];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = 0;
    pki_diffctx c;
    memset(&c, 0, sizeof c);
    if (side_init(&c.o, old, old_label, err, errlen, "old") ||
        side_init(&c.n, new_, new_label, err, errlen, "new"))
        return NULL;
    c.arena = pki_arena_new();
    c.out = json_object();
    int bad = !c.arena || !c.out;
    bad = bad || pki_dj_set(c.out, "schema_version", json_string("1.0")) ||
          pki_dj_set(c.out, "tool",
                     json_pack("{s:s,s:s}", "name", "parakh", "version", pk_version())) ||
          pki_dj_set(c.out, "old", side_json(&c.o)) || pki_dj_set(c.out, "new", side_json(&c.n));
    bad = bad || pki_diff_components(&c) || pki_diff_vulns(&c) || pki_diff_files(&c) ||
          pki_diff_findings(&c) || pki_diff_endpoints(&c) || pki_diff_crypto(&c) ||
          verdict_from_reports(&c) || summarise(c.out, c.worse, worse);
    pki_arena_free(c.arena);
    if (bad) {
        snprintf(err, errlen, "out of memory");
        json_decref(c.out);
        return NULL;
    }
    return c.out;
}

/* ---- public API ---- */

static json_t *load(const char *buf, size_t len, const char *which, const char *label, char *err,
                    size_t errlen)
{
    json_error_t je;
    /* jansson's parser bounds nesting (JSON_PARSER_MAX_DEPTH) */
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        snprintf(err, errlen, "%s report%s%s: not JSON: line %d column %d: %s", which,
                 label ? " " : "", label ? label : "", je.line, je.column, je.text);
    return j;
}

pk_status pk_diff_reports(const char *old_json, size_t old_len, const char *new_json,
                          size_t new_len, const char *old_label, const char *new_label,
                          pk_diff **out, char *err, size_t errlen)
{
    char dummy[8];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = 0;
    if (!out || !old_json || !new_json)
        return PK_E_MISUSE;
    *out = NULL;
    json_t *o = load(old_json, old_len, "old", old_label, err, errlen);
    json_t *n = o ? load(new_json, new_len, "new", new_label, err, errlen) : NULL;
    if (!o || !n) {
        json_decref(o);
        return PK_E_USAGE;
    }
    pk_diff *d = pki_calloc(1, sizeof *d);
    pk_status st = PK_OK;
    if (!d) {
        st = PK_E_NOMEM;
    } else if (!(d->doc = pki_diff_build(o, n, old_label, new_label, &d->worse, err, errlen))) {
        st = strcmp(err, "out of memory") == 0 ? PK_E_NOMEM : PK_E_USAGE;
        pki_free(d);
        d = NULL;
    }
    json_decref(o);
    json_decref(n);
    *out = d;
    return st;
}

pk_status pk_diff_set_verdicts(pk_diff *d, const char *old_verdict, const char *new_verdict,
                               const char *profile)
{
    if (!d || verdict_rank(old_verdict) < 0 || verdict_rank(new_verdict) < 0)
        return PK_E_MISUSE;
    int w = 0;
    if (set_verdict(d->doc, old_verdict, new_verdict, profile, "assessed by parakh diff", &w))
        return PK_E_NOMEM;
    json_t *why = json_object_get(d->doc, "worse_because");
    if (w && json_is_array(why)) {
        size_t i;
        json_t *v;
        int have = 0;
        json_array_foreach(why, i, v) have |= strcmp(json_string_value(v), "verdict-worse") == 0;
        if (!have && pki_dj_push(why, json_string("verdict-worse")))
            return PK_E_NOMEM;
        d->worse = 1;
        if (json_object_set_new(d->doc, "worse", json_true()))
            return PK_E_NOMEM;
    }
    return PK_OK;
}

int pk_diff_worse(const pk_diff *d)
{
    return d ? d->worse : 0;
}

pk_status pk_diff_write(const pk_diff *d, const char *format, FILE *out)
{
    if (!d || !format || !out)
        return PK_E_MISUSE;
    if (strcmp(format, "json") == 0) {
        if (json_dumpf(d->doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) ||
            fputc('\n', out) == EOF || fflush(out))
            return PK_E_IO;
        return PK_OK;
    }
    if (strcmp(format, "text") == 0)
        return pki_diff_write_text(d->doc, out, 0);
    if (strcmp(format, "markdown") == 0)
        return pki_diff_write_text(d->doc, out, 1);
    return PK_E_USAGE;
}

void pk_diff_free(pk_diff *d)
{
    if (!d)
        return;
    json_decref(d->doc);
    pki_free(d);
}
