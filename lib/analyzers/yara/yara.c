/* yara: analysts' YARA rules (--rules PATH, the option "yara.rules") run on
 * every file, through libyara.
 *
 * Without the option the analyzer is inert: init keeps no state and analyze
 * returns at once. With it, init compiles every rule file once
 * (yara_load.c); a rule that does not compile stops the scan before it
 * starts, with "file:line: message". analyze() then runs the compiled rules
 * over the file's bytes as the walk mapped them (no second read from disk),
 * with a scanner of its own per file, so worker threads share only the
 * read-only YR_RULES. Each matching rule is one finding PK-YAR-0001; a scan
 * that timed out or a string with too many matches is PK-YAR-0002. */
#include "yara_int.h"

#include "../../core/core_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_TIMEOUT_S 60u
#define MAX_TIMEOUT_S     3600u
#define MAX_RULES         64u  /* matching rules reported per file */
#define MAX_STRINGS       32u  /* string matches listed per rule in facts */
#define MSG_STRINGS       8u   /* of them, in the finding's message */
#define MAX_PROBLEMS      8u   /* PK-YAR-0002 findings per file */
#define MAX_DESC          200u /* characters of meta description in a message */

typedef struct yara_state {
    YR_RULES *rules;
    unsigned timeout_s;
    unsigned nfiles;
    char *path; /* as given, for messages */
} yara_state;

static void yara_fini(void *state)
{
    yara_state *ys = state;
    if (!ys)
        return;
    if (ys->rules)
        yr_rules_destroy(ys->rules);
    pki_free(ys->path);
    pki_free(ys);
    pki_yara_lib_unref();
}

static pk_status yara_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    const char *path = pk_reg_option(reg, "yara.rules");
    if (!path)
        return PK_OK; /* inert */
    unsigned timeout = DEFAULT_TIMEOUT_S;
    const char *t = pk_reg_option(reg, "yara.timeout");
    if (t) {
        char *end = NULL;
        errno = 0;
        unsigned long v = strtoul(t, &end, 10);
        if (errno || end == t || *end || v < 1 || v > MAX_TIMEOUT_S || t[0] == '-') {
            pk_reg_error(reg, "yara.timeout=%s: seconds from 1 to %u", t, MAX_TIMEOUT_S);
            return PK_E_USAGE;
        }
        timeout = (unsigned)v;
    }
    if (pki_yara_lib_ref() != PK_OK) {
        pk_reg_error(reg, "libyara did not initialise");
        return PK_E_NOMEM;
    }
    yara_state *ys = pki_calloc(1, sizeof *ys);
    if (!ys) {
        pki_yara_lib_unref();
        return PK_E_NOMEM;
    }
    ys->timeout_s = timeout;
    if (!(ys->path = pki_strdup(path))) {
        yara_fini(ys);
        return PK_E_NOMEM;
    }
    char err[480];
    pk_status st = pki_yara_compile(path, &ys->rules, &ys->nfiles, err, sizeof err);
    if (st != PK_OK) {
        if (err[0])
            pk_reg_error(reg, "%s", err);
        yara_fini(ys);
        return st;
    }
    *state = ys;
    return PK_OK;
}

/* Per file, for the libyara callback. */
typedef struct scan_ctx {
    const pk_file *file;
    pk_emit *out;
    pk_fact *matches; /* facts.yara.matches, made on the first match */
    unsigned nrules, lost, problems;
    pk_status err;
} scan_ctx;

static pk_severity meta_severity(const char *s)
{
    static const struct {
        const char *name;
        pk_severity sev;
    } t[] = {{"info", PK_SEV_INFO},
             {"low", PK_SEV_LOW},
             {"medium", PK_SEV_MEDIUM},
             {"high", PK_SEV_HIGH},
             {"critical", PK_SEV_CRITICAL}};
    for (size_t i = 0; s && i < sizeof t / sizeof t[0]; i++)
        if (!strcasecmp(s, t[i].name))
            return t[i].sev;
    return PK_SEV_MEDIUM;
}

static int meta_confidence(const YR_META *m)
{
    if (m->type == META_TYPE_INTEGER)
        return m->integer >= 0 && m->integer <= 100 ? (int)m->integer : -1;
    if (m->type != META_TYPE_STRING || !m->string || !m->string[0])
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(m->string, &end, 10);
    return !errno && *end == '\0' && v >= 0 && v <= 100 ? (int)v : -1;
}

/* Appends s to buf[*len..n), truncating; keeps buf NUL-terminated. */
static void cat(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void cat(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len = *len + (size_t)k < n ? *len + (size_t)k : n - 1;
}

static void problem(scan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(scan_ctx *c, const char *fmt, ...)
{
    if (c->problems++ >= MAX_PROBLEMS)
        return;
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_finding_spec spec = {.rule_id = "PK-YAR-0002",
                            .severity = PK_SEV_LOW,
                            .confidence = 100,
                            .loc = {PK_LOC_NONE, 0, NULL}};
    if (pk_emit_finding(c->out, &spec, "%s", msg) == PK_E_NOMEM)
        c->err = PK_E_NOMEM;
}

static void report_rule(scan_ctx *c, YR_SCAN_CONTEXT *ctx, const YR_RULE *rule)
{
    if (c->nrules >= MAX_RULES) {
        c->lost++;
        return;
    }
    c->nrules++;
    const char *ns = rule->ns && rule->ns->name ? rule->ns->name : "default";
    pk_severity sev = PK_SEV_MEDIUM;
    int conf = 80;
    const char *desc = NULL;
    const YR_META *m;
    yr_rule_metas_foreach(rule, m)
    {
        if (!m->identifier)
            continue;
        if (!strcmp(m->identifier, "severity") && m->type == META_TYPE_STRING)
            sev = meta_severity(m->string);
        else if (!strcmp(m->identifier, "confidence") && meta_confidence(m) >= 0)
            conf = meta_confidence(m);
        else if (!strcmp(m->identifier, "description") && m->type == META_TYPE_STRING)
            desc = m->string;
    }
    pk_fact *rec = NULL, *tags = NULL, *strs = NULL;
    if (!c->matches) {
        pk_fact *f = pk_emit_facts(c->out);
        c->matches = f ? pk_fact_arr(f, "matches") : NULL;
    }
    if (c->matches && (rec = pk_fact_push_obj(c->matches)) != NULL) {
        pk_fact_set_str(rec, "rule", rule->identifier);
        pk_fact_set_str(rec, "namespace", ns);
        tags = pk_fact_arr(rec, "tags");
        strs = pk_fact_arr(rec, "strings");
    }
    char tagbuf[256] = "";
    size_t tl = 0;
    const char *tag;
    yr_rule_tags_foreach(rule, tag)
    {
        cat(tagbuf, sizeof tagbuf, &tl, "%s%s", tl ? ", " : "", tag);
        if (tags)
            pk_fact_push_str(tags, tag);
    }
    /* the first match by offset is the finding's location and evidence */
    int have_first = 0;
    uint64_t first_off = 0, first_len = 0;
    char strbuf[512] = "";
    size_t sl = 0;
    unsigned listed = 0, total = 0;
    const YR_STRING *s;
    yr_rule_strings_foreach(rule, s)
    {
        /* Not yr_string_matches_foreach: libyara 4.2 allocates YR_MATCH
         * records unaligned in its notebook, so each is copied out first. */
        const YR_MATCH *p = ctx->matches[s->idx].head;
        while (p) {
            YR_MATCH mt;
            memcpy(&mt, p, sizeof mt);
            p = mt.next;
            if (mt.is_private)
                continue;
            uint64_t off = (uint64_t)(mt.base + mt.offset);
            total++;
            if (!have_first || off < first_off) {
                have_first = 1;
                first_off = off;
                first_len = mt.match_length > 0 ? (uint64_t)mt.match_length : 0;
            }
            if (listed >= MAX_STRINGS)
                continue;
            if (listed < MSG_STRINGS)
                cat(strbuf, sizeof strbuf, &sl, "%s%s@0x%llx", listed ? ", " : "", s->identifier,
                    (unsigned long long)off);
            listed++;
            pk_fact *o = strs ? pk_fact_push_obj(strs) : NULL;
            if (o) {
                pk_fact_set_str(o, "id", s->identifier);
                pk_fact_set_int(o, "offset", (int64_t)off);
                pk_fact_set_int(o, "length", mt.match_length);
            }
        }
    }
    if (rec && total > listed)
        pk_fact_set_int(rec, "strings_not_listed", (int64_t)(total - listed));
    pk_finding_spec spec = {.rule_id = "PK-YAR-0001",
                            .severity = sev,
                            .confidence = (uint8_t)conf,
                            .loc = {PK_LOC_NONE, 0, rule->identifier}};
    if (have_first) {
        uint64_t off = first_off, len = first_len;
        spec.loc.offset = off;
        spec.loc.length = len;
        /* the evidence is the file's own bytes, clipped to the mapped size */
        if (c->file->data.ptr && off < c->file->data.len) {
            uint64_t avail = c->file->data.len - off;
            uint64_t n = len < avail ? len : avail;
            spec.evidence.ptr = c->file->data.ptr + off;
            spec.evidence.len = n < PK_EVIDENCE_MAX ? (size_t)n : PK_EVIDENCE_MAX;
        }
    }
    char msg[1200];
    size_t ml = 0;
    cat(msg, sizeof msg, &ml, "YARA rule %s (%s) matched", rule->identifier, ns);
    if (tl)
        cat(msg, sizeof msg, &ml, " [%s]", tagbuf);
    if (desc)
        cat(msg, sizeof msg, &ml, ": %.*s%s", (int)MAX_DESC, desc,
            strlen(desc) > MAX_DESC ? "..." : "");
    if (total)
        cat(msg, sizeof msg, &ml, "; strings %s%s", strbuf, total > MSG_STRINGS ? ", ..." : "");
    if (total > MSG_STRINGS)
        cat(msg, sizeof msg, &ml, " (%u matches in all)", total);
    pk_status st = pk_emit_finding(c->out, &spec, "%s", msg);
    if (st == PK_E_NOMEM)
        c->err = PK_E_NOMEM;
}

static int on_scan(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
    scan_ctx *c = ud;
    if (message == CALLBACK_MSG_RULE_MATCHING) {
        report_rule(c, ctx, data);
    } else if (message == CALLBACK_MSG_TOO_MANY_MATCHES) {
        const YR_STRING *s = data;
        const YR_RULE *r = ctx && ctx->rules && s ? &ctx->rules->rules_table[s->rule_idx] : NULL;
        problem(c,
                "YARA string %s of rule %s (%s) matched more than %u times; later matches of it "
                "are ignored, so its rule may be judged on part of the file.",
                s ? s->identifier : "?", r ? r->identifier : "?",
                r && r->ns && r->ns->name ? r->ns->name : "?", (unsigned)YR_MAX_STRING_MATCHES);
    }
    /* console module output and module messages are not reported */
    return c->err == PK_OK ? CALLBACK_CONTINUE : CALLBACK_ABORT;
}

static void set_externals(YR_SCANNER *sc, const pk_file *file)
{
    const char *name = file->name ? file->name : "";
    const char *dot = strrchr(name, '.');
    yr_scanner_define_string_variable(sc, "filename", name);
    yr_scanner_define_string_variable(sc, "filepath", file->vpath ? file->vpath : "");
    yr_scanner_define_string_variable(sc, "extension", dot && dot != name ? dot + 1 : "");
    yr_scanner_define_string_variable(sc, "filetype", pk_ftype_name(file->type));
}

static pk_status yara_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    const yara_state *ys = state;
    (void)fstate;
    if (!ys || !ys->rules)
        return PK_OK;
    YR_SCANNER *sc = NULL;
    if (yr_scanner_create(ys->rules, &sc) != ERROR_SUCCESS)
        return PK_E_NOMEM;
    scan_ctx c = {.file = file, .out = out, .err = PK_OK};
    yr_scanner_set_callback(sc, on_scan, &c);
    yr_scanner_set_timeout(sc, (int)ys->timeout_s);
    /* Not fast mode: every match of every string. No try/catch: libyara would
     * swap the process's SIGSEGV/SIGBUS handlers around each scan from worker
     * threads; the bytes are the walk's mapping, which every analyzer reads. */
    yr_scanner_set_flags(sc, SCAN_FLAGS_NO_TRYCATCH);
    set_externals(sc, file);
    static const uint8_t empty[1];
    const uint8_t *p = file->data.ptr ? file->data.ptr : empty;
    size_t n = file->data.ptr ? file->data.len : 0;
    int rc = yr_scanner_scan_mem(sc, p, n);
    if (rc == ERROR_INSUFFICIENT_MEMORY) {
        c.err = PK_E_NOMEM;
    } else if (rc == ERROR_SCAN_TIMEOUT) {
        /* libyara reports matching rules only after judging them all */
        const YR_RULE *r = yr_scanner_last_error_rule(sc);
        problem(&c,
                "The YARA scan of this file stopped after the %u s limit (yara.timeout)%s%s%s%s%s; "
                "no rule from %s (%u rule file%s) was reported on it.",
                ys->timeout_s, r ? " in rule " : "", r ? r->identifier : "", r ? " (" : "",
                r && r->ns && r->ns->name ? r->ns->name : "", r ? ")" : "", ys->path, ys->nfiles,
                ys->nfiles == 1 ? "" : "s");
    } else if (rc != ERROR_SUCCESS && rc != ERROR_CALLBACK_ERROR && c.err == PK_OK) {
        const YR_RULE *r = yr_scanner_last_error_rule(sc);
        problem(&c, "The YARA scan of this file failed with libyara error %d%s%s%s%s%s.", rc,
                r ? " in rule " : "", r ? r->identifier : "", r ? " (" : "",
                r && r->ns && r->ns->name ? r->ns->name : "", r ? ")" : "");
    }
    yr_scanner_destroy(sc);
    if (c.lost || c.problems > MAX_PROBLEMS) {
        pk_fact *f = pk_emit_facts(out);
        if (f && c.lost)
            pk_fact_set_int(f, "rules_not_reported", c.lost);
        if (f && c.problems > MAX_PROBLEMS)
            pk_fact_set_int(f, "problems_not_reported", c.problems - MAX_PROBLEMS);
    }
    return c.err;
}

const pk_analyzer pki_analyzer_yara = {
    .name = "yara",
    .abi = PK_ANALYZER_ABI,
    .init = yara_init,
    .analyze = yara_analyze,
    .fini = yara_fini,
};
