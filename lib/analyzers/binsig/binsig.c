/* binsig: statically linked or vendored C/C++ libraries found by their
 * version banners ("deflate 1.2.13 Copyright", "OpenSSL 3.0.11 19 Sep 2023")
 * in any file. The rules are data, one file per library in rules/binsig/
 * (embedded at build time); each pattern goes to the shared matcher, and on a
 * hit the same pattern, end-anchored in pcre2, extracts the version from the
 * bytes just before the hit. One component per (library, version) and file.
 *
 * Text and scripts count only as source code (by file extension, e.g. a
 * vendored deflate.c) and get at most TEXT_CONFIDENCE; in any other text
 * (changelogs, NEWS, documentation) a banner is a mention, not a component:
 * openssh's changelog names four LibreSSL releases. Containers are skipped:
 * their entries are unpacked and analysed as files of their own. */
#include <parakh/analyzer.h>
#include <parakh/component.h>

#include "../../core/core_int.h"
#include "../../core/rulefiles.h"
#include "binsig_int.h"

#include <stdio.h>
#include <string.h>

#define MAX_SEEN        32    /* distinct (library, version) per file */
#define MAX_HITS        20000 /* pcre2 runs per file: a file full of banners is not worth more */
#define TEXT_CONFIDENCE 30

typedef struct fstate {
    uint32_t hits;
    uint32_t nseen;
    uint64_t seen[MAX_SEEN]; /* rule index << 48 ^ hash of the version */
} fstate;

typedef struct loadctx {
    pki_bs_set *set;
    pk_status st;
} loadctx;

static int load_one(const pki_rulefile *rf, void *vc)
{
    loadctx *c = vc;
    char err[512] = "";
    c->st = pki_bs_parse(c->set, rf->path, (const char *)rf->data, rf->len, err, sizeof err);
    if (c->st == PK_E_USAGE) /* a broken embedded rule: a build bug, say which and why */
        fprintf(stderr, "parakh: binsig: bad rule %s\n", err);
    return c->st != PK_OK;
}

static pk_status bs_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    loadctx c = {pki_bs_set_new(), PK_OK};
    if (!c.set)
        return PK_E_NOMEM;
    pki_rulefiles_each("binsig/", load_one, &c);
    for (size_t i = 0; c.st == PK_OK && i < c.set->n; i++) {
        const pki_bs_rule *r = c.set->rule[i];
        for (size_t k = 0; c.st == PK_OK && k < r->npat; k++)
            c.st = pk_match_add(reg, (uint32_t)(i * PKI_BS_MAX_PATTERNS + k), r->pattern[k], 0, 0);
    }
    if (c.st != PK_OK) {
        pki_bs_set_free(c.set);
        return c.st;
    }
    *state = c.set;
    return PK_OK;
}

static void bs_fini(void *state)
{
    pki_bs_set_free(state);
}

static uint64_t seen_key(size_t rule, const uint8_t *v, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ v[i]) * 1099511628211ull;
    return ((uint64_t)rule << 48) ^ (h & 0xffffffffffffull);
}

/* A file name with a source-code extension. */
static int is_source_name(const char *name)
{
    static const char *const ext[] = {"c",   "h",   "cc",  "cpp",  "cxx",   "hpp", "hh",  "hxx",
                                      "inc", "s",   "S",   "asm",  "js",    "mjs", "cjs", "ts",
                                      "py",  "lua", "php", "java", "go",    "rs",  "pl",  "pm",
                                      "rb",  "m",   "mm",  "cs",   "swift", "kt",  NULL};
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || !dot[1])
        return 0;
    for (size_t i = 0; ext[i]; i++)
        if (strcmp(dot + 1, ext[i]) == 0)
            return 1;
    return 0;
}

static void bs_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                     pk_emit *out)
{
    if ((file->type == PK_FT_TEXT || file->type == PK_FT_SCRIPT) && !is_source_name(file->name))
        return;
    const pki_bs_set *set = state;
    fstate *f = fs;
    size_t ri = hit->pat / PKI_BS_MAX_PATTERNS, k = hit->pat % PKI_BS_MAX_PATTERNS;
    if (!set || ri >= set->n || pk_ftype_is_container(file->type) || f->hits >= MAX_HITS)
        return;
    f->hits++;
    const pki_bs_rule *r = set->rule[ri];
    uint64_t from = hit->end > PKI_BS_LOOKBACK ? hit->end - PKI_BS_LOOKBACK : 0;
    pk_bytes w = pk_emit_window(out, from, hit->end);
    size_t vs = 0, ms = 0;
    if (w.len > hit->end)
        return;
    size_t vl = pki_bs_extract(set, r, k, w.ptr, w.len, &vs, &ms, NULL);
    if (!vl)
        return;
    uint64_t wstart = hit->end - w.len;
    uint64_t key = seen_key(ri, w.ptr + vs, vl);
    for (uint32_t i = 0; i < f->nseen; i++)
        if (f->seen[i] == key)
            return;
    if (f->nseen >= MAX_SEEN)
        return;
    f->seen[f->nseen++] = key;

    char ver[PKI_BS_MAX_VERSION + 1];
    memcpy(ver, w.ptr + vs, vl);
    ver[vl] = '\0';
    char rule[96];
    snprintf(rule, sizeof rule, "binsig:%s", r->library);
    uint8_t conf = r->confidence;
    if ((file->type == PK_FT_TEXT || file->type == PK_FT_SCRIPT) && conf > TEXT_CONFIDENCE)
        conf = TEXT_CONFIDENCE;
    pk_component_spec spec = {
        .type = "generic",
        .name = r->component,
        .version = ver,
        .kind = PK_CK_LIBRARY,
        .rule = rule,
        .method = PK_CM_BINARY,
        .confidence = conf,
        .loc = {wstart + ms, w.len - ms, NULL},
        .matched = {w.ptr + ms, w.len - ms},
    };
    pk_component *h = NULL;
    if (pk_emit_component(out, &spec, &h) != PK_OK || !h)
        return;
    pk_component_set(h, "cpe_vendor", r->vendor);
    pk_component_set(h, "cpe_product", r->product);
    pk_component_set(h, "license", r->license);
    pk_component_set(h, "known_as", r->known_as);
}

const pk_analyzer pki_analyzer_binsig = {
    .name = "binsig",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = bs_init,
    .on_match = bs_match,
    .fini = bs_fini,
};
