/* capabilities: what the code in a file can do (a remote shell, keylogging,
 * injection, persistence, ...), from rules/capabilities.json, each rule with
 * its MITRE ATT&CK technique ids.
 *
 * Nothing is parsed here: imports and section names come from the facts the
 * elf and pe analyzers published (they run first), strings from the shared
 * matcher's single pass (on_match keeps the first hit of each needle). A rule
 * fires when all its groups hold in one file; the finding quotes every
 * import, string and section that made it hold, so an analyst can check it
 * with readelf/objdump/strings. Files parakh opens as containers are skipped:
 * their entries come as files of their own. */
#include "../../core/core_int.h"
#include "cap_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_EVIDENCE 24u  /* evidence items per capability */
#define MSG_MAX      900u /* bytes of a finding's message */
#define LINE_BACK    200u /* bytes a regex hit is walked back to its line start */
#define NO_HIT       UINT64_MAX

typedef struct fstate {
    uint64_t end[PKI_CAP_MAX_NEEDLES]; /* first hit: one past its last byte */
    uint32_t count[PKI_CAP_MAX_NEEDLES];
    uint8_t utf16[PKI_CAP_MAX_NEEDLES];
} fstate;

static pk_status cap_init(pk_match_reg *reg, void **state)
{
    pki_cap_set *set = NULL;
    char err[320] = "";
    *state = NULL;
    pk_status st = pki_cap_load(&set, err, sizeof err);
    if (st == PK_E_USAGE && err[0])
        pk_reg_error(reg, "%s", err);
    if (st == PK_OK)
        st = pki_cap_register(set, reg);
    if (st != PK_OK) {
        pki_cap_free(set);
        return st;
    }
    *state = set;
    return PK_OK;
}

static void cap_fini(void *state)
{
    pki_cap_free(state);
}

static int ident(uint8_t ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           ch == '_';
}

static void cap_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                      pk_emit *out)
{
    const pki_cap_set *set = state;
    fstate *f = fs;
    if (!set || pk_ftype_is_container(file->type))
        return;
    size_t ix = hit->pat / 2u;
    if (ix >= set->nneedles)
        return;
    const pki_cap_needle *n = &set->needles[ix];
    if (n->kind == PKI_CAP_API) {
        /* "VirtualAllocEx\0" inside "MyVirtualAllocEx\0" is another name */
        uint64_t len = n->len + 1;
        if (hit->end < len)
            return;
        uint64_t start = hit->end - len;
        if (start > 0) {
            pk_bytes b = pk_emit_window(out, start - 1, start);
            if (b.len == 1 && ident(b.ptr[0]))
                return;
        }
    }
    if (f->count[ix]++ == 0) {
        f->end[ix] = hit->end;
        f->utf16[ix] = (uint8_t)(hit->pat & 1u);
    } else if (f->count[ix] == 0) {
        f->count[ix] = UINT32_MAX; /* saturate */
    }
}

/* ---- what the format parsers published ---- */

typedef struct fview {
    const pk_fact *elf, *pe;
    int64_t nimports;
} fview;

static int in_list(const pk_fact *arr, const char *name, size_t len)
{
    size_t n = pk_fact_len(arr);
    for (size_t i = 0; i < n; i++) {
        const char *s = pk_fact_str(pk_fact_at(arr, i));
        if (s && strlen(s) == len && memcmp(s, name, len) == 0)
            return 1;
    }
    return 0;
}

/* PE import tables: "name" in any DLL, "dll!name" in that DLL (ASCII case
 * folded, as the loader compares DLL names). */
static int in_pe(const pk_fact *tab, const char *dll, size_t dlen, const char *fn, size_t flen)
{
    size_t n = pk_fact_len(tab);
    for (size_t i = 0; i < n; i++) {
        const pk_fact *e = pk_fact_at(tab, i);
        if (dll) {
            const char *d = pk_fact_str(pk_fact_get(e, "dll"));
            if (!d || strlen(d) != dlen || strncasecmp(d, dll, dlen) != 0)
                continue;
        }
        if (in_list(pk_fact_get(e, "functions"), fn, flen))
            return 1;
    }
    return 0;
}

static int imported(const fview *v, const char *text)
{
    const char *bang = strchr(text, '!');
    const char *fn = bang ? bang + 1 : text;
    size_t flen = strlen(fn), dlen = bang ? (size_t)(bang - text) : 0;
    if (!bang && v->elf && in_list(pk_fact_get(v->elf, "imports"), fn, flen))
        return 1;
    return v->pe &&
           (in_pe(pk_fact_get(v->pe, "imports"), bang ? text : NULL, dlen, fn, flen) ||
            in_pe(pk_fact_get(v->pe, "delay_imports"), bang ? text : NULL, dlen, fn, flen));
}

/* A name the file exports is its own definition, not a call it makes. */
static int exported(const fview *v, const char *text)
{
    size_t len = strlen(text);
    return (v->elf && in_list(pk_fact_get(v->elf, "exports"), text, len)) ||
           (v->pe && in_list(pk_fact_get(v->pe, "exports"), text, len));
}

static int has_section(const pk_fact *fmt, const char *name)
{
    const pk_fact *secs = pk_fact_get(fmt, "sections");
    size_t n = pk_fact_len(secs);
    for (size_t i = 0; i < n; i++) {
        const char *s = pk_fact_str(pk_fact_get(pk_fact_at(secs, i), "name"));
        if (s && strcmp(s, name) == 0)
            return 1;
    }
    return 0;
}

/* ---- evaluating ---- */

enum { HOW_NO = 0, HOW_IMPORT, HOW_STRING, HOW_SECTION };

typedef struct tstate {
    uint8_t how;
    uint8_t u16;       /* HOW_STRING: the UTF-16LE form matched */
    uint64_t off, len; /* HOW_STRING */
} tstate;

/* Where a needle's first hit starts: literals by their length, a regex hit
 * by walking back to the start of its line (or a quote) in the file. */
static void needle_loc(const pki_cap_set *set, const fstate *f, size_t ix, const pk_file *file,
                       tstate *t)
{
    const pki_cap_needle *n = &set->needles[ix];
    uint64_t end = f->end[ix];
    uint64_t len = n->len * (f->utf16[ix] ? 2u : 1u);
    if (n->kind == PKI_CAP_API && end > 0)
        end--; /* the match ends with the name's NUL */
    if (n->kind == PKI_CAP_REGEX) {
        /* a regex matches a line's start (cron's time fields): quote the line */
        uint64_t s = end, e = end;
        const uint8_t *d = file->data.ptr;
        if (d && end <= file->data.len) {
            while (s > 0 && end - s < LINE_BACK && d[s - 1] != '\n' && d[s - 1] != 0 &&
                   d[s - 1] != '"')
                s--;
            while (e < file->data.len && e - s < LINE_BACK && d[e] != '\n' && d[e] != '\r' &&
                   d[e] != 0 && d[e] != '"')
                e++;
        }
        end = e;
        len = e - s;
    }
    t->how = HOW_STRING;
    t->u16 = f->utf16[ix];
    t->len = len <= end ? len : end;
    t->off = end - t->len;
}

static void eval_term(const pki_cap_set *set, const fstate *f, const fview *v, const pk_file *file,
                      size_t ti, tstate *t)
{
    const pki_cap_term *term = &set->terms[ti];
    memset(t, 0, sizeof *t);
    switch (term->kind) {
    case PKI_CAP_IMPORT:
        if (imported(v, term->text))
            t->how = HOW_IMPORT;
        break;
    case PKI_CAP_API:
        if (imported(v, term->text))
            t->how = HOW_IMPORT;
        else if (f->count[term->needle] && !exported(v, term->text))
            needle_loc(set, f, term->needle, file, t);
        break;
    case PKI_CAP_RESOLVED:
        if (f->count[term->needle] && !imported(v, term->text) && !exported(v, term->text))
            needle_loc(set, f, term->needle, file, t);
        break;
    case PKI_CAP_STRING:
    case PKI_CAP_REGEX:
        if (f->count[term->needle])
            needle_loc(set, f, term->needle, file, t);
        break;
    case PKI_CAP_SECTION:
        if ((v->elf && has_section(v->elf, term->text)) ||
            (v->pe && has_section(v->pe, term->text)))
            t->how = HOW_SECTION;
        break;
    default:
        break;
    }
}

static int applies(const pki_cap_rule *r, const pk_file *file, const fview *v)
{
    int text = file->type == PK_FT_TEXT || file->type == PK_FT_SCRIPT;
    if (!(r->types & (text ? PKI_CAP_T_TEXT : PKI_CAP_T_BINARY)))
        return 0;
    /* a small program built around these calls, not a shell, an interpreter
     * or an SSH implementation that has them among hundreds */
    return r->max_imports == 0 || v->nimports <= (int64_t)r->max_imports;
}

static int holds(const pki_cap_set *set, const pki_cap_rule *r, const tstate *ts)
{
    for (size_t g = r->gfirst; g < (size_t)r->gfirst + r->ng; g++) {
        const pki_cap_group *grp = &set->groups[g];
        unsigned n = 0;
        for (size_t t = grp->first; t < (size_t)grp->first + grp->n; t++)
            n += ts[t].how != HOW_NO;
        if (n < grp->min)
            return 0;
    }
    return 1;
}

/* ---- emitting ---- */

typedef struct sbuf {
    char b[MSG_MAX];
    size_t n;
} sbuf;

static void sb_add(sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *s, const char *fmt, ...)
{
    if (s->n >= sizeof s->b - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(s->b + s->n, sizeof s->b - s->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        s->n += (size_t)w < sizeof s->b - s->n ? (size_t)w : sizeof s->b - 1 - s->n;
}

/* A term's text for a message: control characters as \n, \t or \xNN. */
static void sb_quoted(sbuf *s, const char *t)
{
    sb_add(s, "\"");
    for (size_t i = 0; t[i] && i < 80; i++) {
        uint8_t ch = (uint8_t)t[i];
        if (ch == '\n')
            sb_add(s, "\\n");
        else if (ch < 0x20 || ch == 0x7f)
            sb_add(s, "\\x%02x", ch);
        else
            sb_add(s, "%c", ch);
    }
    sb_add(s, "\"");
}

static void emit_rule(const pki_cap_set *set, const pki_cap_rule *r, const tstate *ts,
                      const pk_file *file, pk_emit *out)
{
    sbuf msg = {.n = 0};
    msg.b[0] = 0;
    sb_add(&msg, "%s (ATT&CK", r->name);
    for (size_t i = 0; i < r->nattack; i++)
        sb_add(&msg, "%s%s", i ? ", " : " ", r->attack[i]);
    sb_add(&msg, "):");
    pk_fact *facts = pk_emit_facts(out);
    pk_fact *e = pk_fact_push_obj(pk_fact_arr(facts, "matched"));
    pk_fact *ev = NULL;
    if (e) {
        pk_fact_set_str(e, "id", r->id);
        pk_fact_set_str(e, "name", r->name);
        pk_fact *att = pk_fact_arr(e, "attack");
        for (size_t i = 0; i < r->nattack; i++)
            pk_fact_push_str(att, r->attack[i]);
        pk_fact_set_int(e, "confidence", r->confidence);
        ev = pk_fact_arr(e, "evidence");
    }
    const tstate *first = NULL;
    int imps = 0, secs = 0;
    const char *seen[MAX_EVIDENCE];
    size_t nseen = 0, shown = 0;
    for (size_t g = r->gfirst; g < (size_t)r->gfirst + r->ng; g++) {
        const pki_cap_group *grp = &set->groups[g];
        for (size_t t = grp->first; t < (size_t)grp->first + grp->n; t++) {
            const tstate *x = &ts[t];
            const pki_cap_term *term = &set->terms[t];
            if (x->how == HOW_NO)
                continue;
            size_t k = 0; /* a term in two groups is one piece of evidence */
            while (k < nseen && strcmp(seen[k], term->text) != 0)
                k++;
            if (k < nseen || nseen >= MAX_EVIDENCE)
                continue;
            seen[nseen++] = term->text;
            pk_fact *o = ev ? pk_fact_push_obj(ev) : NULL;
            sb_add(&msg, "%s", shown++ ? "; " : " ");
            if (x->how == HOW_IMPORT) {
                sb_add(&msg, "imports %s", term->text);
                imps = 1;
                pk_fact_set_str(o, "kind", "import");
                pk_fact_set_str(o, "name", term->text);
            } else if (x->how == HOW_SECTION) {
                sb_add(&msg, "section %s", term->text);
                secs = 1;
                pk_fact_set_str(o, "kind", "section");
                pk_fact_set_str(o, "name", term->text);
            } else {
                const pki_cap_needle *n = &set->needles[term->needle];
                int u16 = x->u16;
                const char *what = n->kind == PKI_CAP_API     ? "API name"
                                   : n->kind == PKI_CAP_REGEX ? "line"
                                   : u16                      ? "UTF-16LE string"
                                                              : "string";
                sb_add(&msg, "%s ", what);
                if (n->kind == PKI_CAP_REGEX && file->data.ptr &&
                    x->off + x->len <= file->data.len) {
                    char line[128]; /* the line as it is in the file */
                    size_t l = x->len < sizeof line - 1 ? (size_t)x->len : sizeof line - 1;
                    memcpy(line, file->data.ptr + x->off, l);
                    line[l] = 0;
                    sb_quoted(&msg, line);
                } else {
                    sb_quoted(&msg, term->text);
                }
                sb_add(&msg, " at 0x%llx", (unsigned long long)x->off);
                pk_fact_set_str(o, "kind", n->kind == PKI_CAP_API ? "api-name" : "string");
                pk_fact_set_str(o, "text", term->text);
                pk_fact_set_int(o, "offset", (int64_t)x->off);
                pk_fact_set_int(o, "length", (int64_t)x->len);
                if (n->kind == PKI_CAP_STRING)
                    pk_fact_set_str(o, "encoding", u16 ? "utf16le" : "ascii");
                if (!first)
                    first = x;
            }
        }
    }
    sb_add(&msg, ".");
    pk_finding_spec spec = {
        r->id, (pk_severity)r->severity, r->confidence, {PK_LOC_NONE, 0, NULL}, {NULL, 0}};
    if (first) {
        spec.loc.offset = first->off;
        spec.loc.length = first->len;
        if (file->data.ptr && first->off + first->len <= file->data.len)
            spec.evidence = (pk_bytes){file->data.ptr + first->off, (size_t)first->len};
    } else {
        spec.loc.record = imps && secs ? "import table, section table"
                          : secs       ? "section table"
                                       : "import table";
        spec.evidence = (pk_bytes){(const uint8_t *)msg.b, msg.n};
    }
    pk_emit_finding(out, &spec, "%s", msg.b);
}

static pk_status cap_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    const pki_cap_set *set = state;
    const fstate *f = fs;
    if (!set || pk_ftype_is_container(file->type) || file->type == PK_FT_EMPTY)
        return PK_OK;
    fview v = {pk_emit_peer_facts(out, "elf"), pk_emit_peer_facts(out, "pe"), 0};
    v.nimports = pk_fact_int(pk_fact_get(v.elf, "imports_count"), 0) +
                 pk_fact_int(pk_fact_get(v.pe, "import_function_count"), 0) +
                 pk_fact_int(pk_fact_get(v.pe, "delay_import_function_count"), 0);
    int any = v.elf || v.pe;
    for (size_t i = 0; !any && i < set->nneedles; i++)
        any = f->count[i] != 0;
    if (!any)
        return PK_OK; /* no import table, no section, no needle: nothing can hold */
    tstate *ts = pki_calloc(set->nterms ? set->nterms : 1, sizeof *ts);
    if (!ts)
        return PK_E_NOMEM;
    for (size_t t = 0; t < set->nterms; t++)
        eval_term(set, f, &v, file, t, &ts[t]);
    size_t fired = 0;
    for (size_t i = 0; i < set->nrules; i++) {
        const pki_cap_rule *r = &set->rules[i];
        if (applies(r, file, &v) && holds(set, r, ts)) {
            emit_rule(set, r, ts, file, out);
            fired++;
        }
    }
    if (fired)
        pk_fact_set_int(pk_emit_facts(out), "count", (int64_t)fired);
    pki_free(ts);
    return PK_OK;
}

const pk_analyzer pki_analyzer_capabilities = {
    .name = "capabilities",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = cap_init,
    .on_match = cap_match,
    .analyze = cap_analyze,
    .fini = cap_fini,
};
