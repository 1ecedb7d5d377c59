/* secrets: credentials written into files, by gitleaks' rules
 * (rules/secrets/gitleaks.json: ids, regexes, secret groups, keywords,
 * entropy thresholds and allowlists; see docs/analyzers/secrets.md).
 *
 * Each rule's regex is one pattern of the shared matcher, which gives end
 * offsets only; the pass records them (on_match), and analyze() runs the same
 * regex with PCRE2 forward from a bounded window before each end to recover
 * the whole match and the secret group, then applies gitleaks' checks in its
 * order: keywords, the rule's path, entropy, the global and the rule's
 * allowlists. Private keys are the keys analyzer's (PK-KEY-0001): gitleaks'
 * private-key rule is not loaded. Containers are skipped: entries come as
 * files of their own. */
#include "secrets_int.h"

#include "../../core/core_int.h"
#include "../../core/rulefiles.h"

#include <parakh/analyzer.h>

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_FILE    "secrets/gitleaks.json"
#define MAX_HITS     2048u /* end offsets remembered per file */
#define MAX_RUNS     4096u /* PCRE2 searches per file */
#define MAX_FINDINGS 50u   /* findings per file; the rest only counted in facts */
#define MAX_CANDS    (MAX_FINDINGS * 2)
#define BACK         4096u /* bytes before an end where its match may start */
#define AHEAD        4096u /* bytes after an end a greedy match may still take */
#define KW_CTX       4096u /* bytes either side of a match where a keyword counts */
#define MAX_LINE     4096u /* bytes of the match's line an allowlist sees */

typedef struct fstate {
    uint32_t n, lost;
    uint64_t last[PKI_SEC_MAX_RULES]; /* the last end seen per rule */
    uint64_t end[MAX_HITS];
    uint8_t rule[MAX_HITS];
} fstate;

static pk_status secrets_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    const pki_rulefile *rf = pki_rulefile_get(RULE_FILE);
    if (!rf) {
        pk_reg_error(reg, "secrets: %s is not in the library", RULE_FILE);
        return PK_E_USAGE;
    }
    char err[400];
    pki_sec_set *s = pki_sec_set_load((const char *)rf->data, rf->len, err, sizeof err);
    if (!s) {
        /* the rule file is ours and checked by the unit test: a failure to
         * load it at run time is an allocation failing (ours, jansson's or
         * PCRE2's, whose messages all say "memory"), not a usage error */
        if (strstr(err, "memory"))
            return PK_E_NOMEM;
        pk_reg_error(reg, "secrets: %s", err);
        return PK_E_USAGE;
    }
    pk_status st = PK_OK;
    for (size_t i = 0; i < s->n && st == PK_OK; i++)
        st = pk_match_add(reg, (uint32_t)i, s->rule[i].hs, 0, 0);
    if (st != PK_OK) {
        pki_sec_set_free(s);
        return st;
    }
    *state = s;
    return PK_OK;
}

static void secrets_fini(void *state)
{
    pki_sec_set_free(state);
}

static void secrets_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                          pk_emit *out)
{
    (void)out;
    const pki_sec_set *s = state;
    fstate *f = fs;
    if (pk_ftype_is_container(file->type) || hit->pat >= s->n || hit->end == 0)
        return;
    /* a run of consecutive ends is one greedy match growing: keep its first */
    uint64_t prev = f->last[hit->pat];
    f->last[hit->pat] = hit->end;
    if (prev && hit->end == prev + 1)
        return;
    if (f->n >= MAX_HITS) {
        f->lost++;
        return;
    }
    f->end[f->n] = hit->end;
    f->rule[f->n++] = (uint8_t)hit->pat;
}

/* ---- one candidate ---- */

typedef struct cand {
    unsigned rule;
    uint64_t off, len; /* the secret */
    double entropy;
    uint8_t sha[32];
} cand;

typedef struct actx {
    const pki_sec_set *s;
    const pk_file *file;
    pk_bytes d;
    pcre2_match_data *md;
    cand c[MAX_CANDS];
    unsigned nc, over, runs;
} actx;

static int has_kw(const pki_sec_rule *r, pk_bytes d, uint64_t ms, uint64_t me)
{
    if (!r->nkw)
        return 1;
    uint64_t a = ms > KW_CTX ? ms - KW_CTX : 0, b = me + KW_CTX < d.len ? me + KW_CTX : d.len;
    for (size_t k = 0; k < r->nkw; k++) {
        const char *w = r->kw[k];
        size_t wl = strlen(w);
        for (uint64_t i = a; wl && i + wl <= b; i++) {
            if (tolower(d.ptr[i]) != (unsigned char)w[0])
                continue;
            size_t j = 1;
            while (j < wl && tolower(d.ptr[i + j]) == (unsigned char)w[j])
                j++;
            if (j == wl)
                return 1;
        }
    }
    return 0;
}

static int has_digit(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= '0' && p[i] <= '9')
            return 1;
    return 0;
}

/* The match [ms, me) with its groups in the match data: gitleaks' checks,
 * then a candidate. */
static void consider(actx *x, unsigned ri, int rc, uint64_t ms, uint64_t me)
{
    const pki_sec_rule *r = &x->s->rule[ri];
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    uint64_t ss = ms, se = me; /* the secret */
    if (r->group && (int)r->group < rc && ov[2 * r->group] != PCRE2_UNSET) {
        ss = ov[2 * r->group];
        se = ov[2 * r->group + 1];
    } else if (!r->group) {
        for (int g = 1; g < rc; g++) {
            if (ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g]) {
                ss = ov[2 * g];
                se = ov[2 * g + 1];
                break;
            }
        }
    }
    /* gitleaks trims newlines from the match it reports */
    while (se > ss && (x->d.ptr[se - 1] == '\n' || x->d.ptr[se - 1] == '\r'))
        se--;
    while (se > ss && x->d.ptr[ss] == '\n')
        ss++;
    if (se <= ss || se > x->d.len)
        return;
    const char *sec = (const char *)x->d.ptr + ss;
    size_t sl = (size_t)(se - ss);
    if (!has_kw(r, x->d, ms, me))
        return;
    pki_sec_cand c = {sec, (const char *)x->d.ptr + ms, NULL, x->file->vpath,
                      sl,  (size_t)(me - ms),           0,    strlen(x->file->vpath)};
    if (r->path && !pki_sec_re_find(x->s, r->path, c.path, c.plen))
        return;
    double h = pki_sec_entropy(sec, sl);
    if (r->entropy > 0) {
        if (h <= r->entropy)
            return;
        if (r->klass == PKI_SEC_GENERIC && !has_digit((const uint8_t *)sec, sl))
            return;
    }
    /* the line of the match, for allowlists that test it (bounded) */
    uint64_t ls = ms, le = me;
    while (ls > 0 && ms - ls < MAX_LINE && x->d.ptr[ls - 1] != '\n')
        ls--;
    while (le < x->d.len && le - me < MAX_LINE && x->d.ptr[le] != '\n')
        le++;
    c.line = (const char *)x->d.ptr + ls;
    c.llen = (size_t)(le - ls);
    if (pki_sec_allowed(x->s, &x->s->global, &c))
        return;
    for (size_t i = 0; i < r->nallow; i++)
        if (pki_sec_allowed(x->s, &r->allow[i], &c))
            return;
    if (x->nc >= MAX_CANDS) {
        x->over++;
        return;
    }
    cand *k = &x->c[x->nc++];
    k->rule = ri;
    k->off = ss;
    k->len = sl;
    k->entropy = h;
    if (EVP_Digest(sec, sl, k->sha, NULL, EVP_sha256(), NULL) != 1)
        memset(k->sha, 0, sizeof k->sha);
}

/* The matches of rule ri from the window before the end `end` up to it; the
 * rule's matches up to *covered are done. */
static void search(actx *x, unsigned ri, uint64_t end, uint64_t *covered)
{
    if (end <= *covered || end > x->d.len)
        return;
    uint64_t pos = end > BACK ? end - BACK : 0;
    if (pos < *covered)
        pos = *covered;
    /* the subject stops a little after the end; $ must not match at that cut */
    uint64_t lim = end + AHEAD < x->d.len ? end + AHEAD : x->d.len;
    uint32_t opts = lim < x->d.len ? PCRE2_NOTEOL : 0;
    for (int iter = 0; iter < 8 && pos <= end && x->runs < MAX_RUNS; iter++) {
        x->runs++;
        int rc = pcre2_match(x->s->rule[ri].re, x->d.ptr, (PCRE2_SIZE)lim, (PCRE2_SIZE)pos, opts,
                             x->md, x->s->mctx);
        if (rc <= 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
        uint64_t ms = ov[0], me = ov[1];
        if (me < ms || me > lim)
            break;
        consider(x, ri, rc, ms, me);
        *covered = me;
        if (me >= end)
            break;
        pos = me > ms ? me : me + 1;
    }
    if (*covered < end)
        *covered = end;
}

/* ---- emitting ---- */

static int by_off(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int overlaps(const cand *a, const cand *b)
{
    return a->off < b->off + b->len && b->off < a->off + a->len;
}

static void emit(actx *x, pk_emit *out, fstate *f)
{
    qsort(x->c, x->nc, sizeof x->c[0], by_off);
    pk_fact *facts = pk_emit_facts(out);
    pk_fact *arr = facts ? pk_fact_arr(facts, "secrets") : NULL;
    unsigned nf = 0, capped = x->over;
    for (unsigned i = 0; i < x->nc; i++) {
        const cand *k = &x->c[i];
        const pki_sec_rule *r = &x->s->rule[k->rule];
        /* gitleaks drops a generic finding where a specific rule found the secret */
        int dup = 0;
        for (unsigned j = 0; j < x->nc && !dup && r->klass == PKI_SEC_GENERIC; j++)
            dup = j != i && x->s->rule[x->c[j].rule].klass != PKI_SEC_GENERIC &&
                  overlaps(k, &x->c[j]);
        if (dup)
            continue;
        if (nf >= MAX_FINDINGS) {
            capped++;
            continue;
        }
        nf++;
        /* never the whole secret: its first characters and its length */
        const uint8_t *sec = x->d.ptr + k->off;
        size_t show = k->len >= 16 ? 4 : k->len >= 10 ? 2 : 0;
        for (size_t b = 0; b < show; b++)
            if (sec[b] < 0x21 || sec[b] > 0x7e)
                show = 0; /* the message is text: no control or non-ASCII bytes */
        char ev[48];
        int el =
            snprintf(ev, sizeof ev, "%.*s...%zu", (int)show, (const char *)sec, (size_t)k->len);
        size_t evl = el < 0 ? 0 : (size_t)el < k->len ? (size_t)el : (size_t)k->len;
        char hx[65];
        for (size_t b = 0; b < 32; b++)
            snprintf(hx + 2 * b, 3, "%02x", k->sha[b]);
        int generic = r->klass == PKI_SEC_GENERIC;
        pk_severity sev = r->klass == PKI_SEC_FORMAT ? PK_SEV_HIGH : PK_SEV_MEDIUM;
        uint8_t conf = r->klass == PKI_SEC_FORMAT ? 90 : generic ? 60 : 70;
        pk_finding_spec spec = {
            "PK-SEC-0001", sev, conf, {k->off, k->len, NULL}, {(const uint8_t *)ev, evl}};
        pk_emit_finding(out, &spec,
                        "Secret in the product (gitleaks:%s): %.*s\xe2\x80\xa6 (%zu characters, "
                        "entropy %.2f, sha256 %.16s\xe2\x80\xa6).",
                        r->id, (int)show, (const char *)sec, (size_t)k->len, k->entropy, hx);
        pk_fact *e = arr ? pk_fact_push_obj(arr) : NULL;
        if (e) {
            char rid[80];
            snprintf(rid, sizeof rid, "gitleaks:%s", r->id);
            pk_fact_set_str(e, "rule", rid);
            pk_fact_set_int(e, "offset", (int64_t)k->off);
            pk_fact_set_int(e, "length", (int64_t)k->len);
            pk_fact_set_str(e, "sha256", hx);
            pk_fact_set_real(e, "entropy", k->entropy);
        }
    }
    if (facts && (capped || f->lost)) {
        if (capped)
            pk_fact_set_int(facts, "findings_not_reported", capped);
        if (f->lost)
            pk_fact_set_int(facts, "hits_not_read", f->lost);
    }
}

static int by_end(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static pk_status secrets_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    const pki_sec_set *s = state;
    fstate *f = fs;
    if (!s || f->n == 0 || pk_ftype_is_container(file->type) || !file->vpath)
        return PK_OK;
    /* gitleaks' global path allowlist (lockfiles, images, vendored trees) */
    pki_sec_cand pc = {"", "", "", file->vpath, 0, 0, 0, strlen(file->vpath)};
    pki_sec_allow paths = s->global;
    paths.nre = paths.nstop = 0;
    if (paths.npath && pki_sec_allowed(s, &paths, &pc))
        return PK_OK;
    actx *x = pki_calloc(1, sizeof *x);
    if (!x)
        return PK_E_NOMEM;
    x->s = s;
    x->file = file;
    x->d = file->data;
    x->md = pcre2_match_data_create(33, s->gctx);
    if (!x->md) {
        pki_free(x);
        return PK_E_NOMEM;
    }
    /* by end, then rule: (end << 8 | rule) sorts both at once */
    uint64_t *key = pki_malloc(f->n * sizeof *key);
    if (!key) {
        pcre2_match_data_free(x->md);
        pki_free(x);
        return PK_E_NOMEM;
    }
    uint64_t covered[PKI_SEC_MAX_RULES] = {0};
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->n; i++)
        if (f->end[i] < (UINT64_C(1) << 55))
            key[n++] = f->end[i] << 8 | f->rule[i];
    qsort(key, n, sizeof *key, by_end);
    for (uint32_t i = 0; i < n; i++) {
        unsigned ri = (unsigned)(key[i] & 0xff);
        search(x, ri, key[i] >> 8, &covered[ri]);
    }
    emit(x, out, f);
    pki_free(key);
    pcre2_match_data_free(x->md);
    pki_free(x);
    return PK_OK;
}

const pk_analyzer pki_analyzer_secrets = {
    .name = "secrets",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = secrets_init,
    .on_match = secrets_match,
    .analyze = secrets_analyze,
    .fini = secrets_fini,
};
