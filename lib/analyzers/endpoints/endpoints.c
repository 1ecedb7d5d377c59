/* endpoints: URLs, host names, e-mail addresses and IP literals a file
 * carries, classified (telemetry, update channel, cloud storage, paste site,
 * dynamic DNS, package feed, raw IP, plaintext protocol, documentation) and
 * published as facts.endpoints for the geo join (docs/endpoints.md), with
 * findings for the classes an analyst must look at
 * (docs/analyzers/endpoints.md).
 *
 * Text comes from the shared strings (ASCII and UTF-16LE runs of every
 * file). The strings analyzer keeps the last 4096 characters of a longer
 * run, so minified JavaScript and JSON lines lose their start: a "://"
 * pattern in the shared matcher records where URLs are, and analyze() reads
 * a bounded window of the mapped file around each one that no kept string
 * covers. Containers are skipped: their entries come as files of their own. */
#include "endpoints_int.h"

#include "../../core/core_int.h"

#include <parakh/analyzer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HITS     512u  /* "://" ends remembered per file */
#define MAX_ENTRIES  1000u /* distinct values per file; the rest counted as truncated */
#define MAX_FINDINGS 50u   /* findings per file; the rest counted in facts */
#define SLOTS        2048u /* hash slots, a power of two above MAX_ENTRIES */
#define CTX_GAP      128u  /* a string this close before another is its context */
#define WIN_BACK     32u   /* bytes before "://" read for the scheme */
#define WIN_AHEAD    PKI_EP_VALUE_MAX

enum { P_SEP = 0 };  /* pattern ids: "://"; then per SDK 1 + 2i dotted, 2 + 2i with '/' */
#define MAX_SDKS 64u /* distinct SDKs per file */

typedef struct sdkhit {
    uint32_t idx, count;
    uint64_t off;
    uint8_t slash;
} sdkhit;

typedef struct fstate {
    uint32_t n, lost, nsdk, lost_sdk;
    uint64_t end[MAX_HITS];
    sdkhit sdk[MAX_SDKS];
} fstate;

typedef struct state {
    pki_ep_rules *r;
    pki_ep_sdks *sdk; /* NULL without endpoints.db */
} state;

typedef struct entry {
    uint64_t off, blen; /* first occurrence: byte offset and length in the file */
    uint32_t count;
    uint8_t kind, utf16;
    int32_t port;
    char *value;
    char host[PKI_EP_HOST_MAX + 1];
    char scheme[12];
    pki_ep_class cls;
} entry;

typedef struct actx {
    const pki_ep_rules *r;
    entry *e;
    size_t n, cap; /* grown on demand: most files hold a few entries */
    int32_t slot[SLOTS];
    uint64_t truncated;
    int nomem;
    /* the string being scanned */
    uint64_t base;
    int utf16;
    const char *ctx;
    size_t ctxlen;
} actx;

static void ep_fini(void *vs)
{
    state *s = vs;
    if (!s)
        return;
    pki_ep_rules_free(s->r);
    pki_ep_sdks_free(s->sdk);
    pki_free(s);
}

/* Each signature as written in Java source and manifests (dotted) and in
 * class files and DEX type descriptors ('/'). */
static pk_status add_sdks(pk_match_reg *reg, const pki_ep_sdks *k)
{
    pk_status st = PK_OK;
    for (size_t i = 0; i < k->n && st == PK_OK; i++) {
        const char *sig = k->s[i].signature;
        size_t n = strlen(sig);
        char slash[256];
        if (n >= sizeof slash)
            continue;
        for (size_t j = 0; j <= n; j++)
            slash[j] = sig[j] == '.' ? '/' : sig[j];
        st = pk_match_add(reg, (uint32_t)(1 + 2 * i), sig, n, PK_PAT_LITERAL);
        if (st == PK_OK)
            st = pk_match_add(reg, (uint32_t)(2 + 2 * i), slash, n, PK_PAT_LITERAL);
    }
    return st;
}

static pk_status ep_init(pk_match_reg *reg, void **out)
{
    *out = NULL;
    char err[512];
    state *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    s->r = pki_ep_rules_load(err, sizeof err);
    pk_status st = s->r ? PK_OK : strstr(err, "memory") ? PK_E_NOMEM : PK_E_USAGE;
    const char *db = pk_reg_option(reg, "endpoints.db");
    if (st == PK_OK && db && *db) {
        s->sdk = pki_ep_sdks_load(db, err, sizeof err);
        if (!s->sdk)
            st = strstr(err, "out of memory") ? PK_E_NOMEM : PK_E_USAGE;
    }
    if (st == PK_E_USAGE)
        pk_reg_error(reg, "%s", err);
    if (st == PK_OK)
        st = pk_match_add(reg, P_SEP, "://", 3, PK_PAT_LITERAL);
    if (st == PK_OK && s->sdk)
        st = add_sdks(reg, s->sdk);
    if (st != PK_OK) {
        ep_fini(s);
        return st;
    }
    *out = s;
    return PK_OK;
}

static void sdk_hit(const state *s, fstate *f, const pk_hit *hit)
{
    uint32_t idx = (hit->pat - 1) / 2;
    if (!s->sdk || idx >= s->sdk->n)
        return;
    uint64_t len = strlen(s->sdk->s[idx].signature);
    if (hit->end < len)
        return;
    for (uint32_t i = 0; i < f->nsdk; i++) {
        if (f->sdk[i].idx == idx) {
            f->sdk[i].count++;
            return;
        }
    }
    if (f->nsdk >= MAX_SDKS) {
        f->lost_sdk++;
        return;
    }
    f->sdk[f->nsdk++] = (sdkhit){idx, 1, hit->end - len, (uint8_t)((hit->pat - 1) % 2)};
}

static void ep_match(const void *vs, void *fs, const pk_file *file, const pk_hit *hit, pk_emit *out)
{
    (void)out;
    fstate *f = fs;
    if (pk_ftype_is_container(file->type))
        return;
    if (hit->pat != P_SEP) {
        sdk_hit(vs, f, hit);
        return;
    }
    if (f->n >= MAX_HITS) {
        f->lost++;
        return;
    }
    f->end[f->n++] = hit->end;
}

static uint32_t hash(uint8_t kind, const char *v, size_t n)
{
    uint32_t h = 2166136261u ^ kind;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)v[i]) * 16777619u;
    return h;
}

static void on_cand(void *vx, const char *text, const pki_ep_cand *c)
{
    actx *x = vx;
    const char *v = text + c->start;
    size_t vn = c->len < PKI_EP_VALUE_MAX ? c->len : PKI_EP_VALUE_MAX;
    uint32_t h = hash((uint8_t)c->kind, v, vn) & (SLOTS - 1);
    for (uint32_t probe = 0; probe < SLOTS; probe++, h = (h + 1) & (SLOTS - 1)) {
        int32_t i = x->slot[h];
        if (i < 0)
            break;
        entry *e = &x->e[i];
        if (e->kind == c->kind && strlen(e->value) == vn && memcmp(e->value, v, vn) == 0) {
            e->count++;
            return;
        }
    }
    if (x->n >= MAX_ENTRIES || x->slot[h] >= 0) {
        x->truncated++;
        return;
    }
    if (!pki_grow((void **)&x->e, &x->cap, x->n + 1, sizeof(entry))) {
        x->nomem = 1;
        return;
    }
    entry *e = &x->e[x->n];
    memset(e, 0, sizeof *e);
    e->value = pki_strndup(v, vn);
    if (!e->value) {
        x->nomem = 1;
        return;
    }
    e->off = x->base + (x->utf16 ? 2 * (uint64_t)c->start : c->start);
    e->blen = x->utf16 ? 2 * (uint64_t)vn : vn;
    e->count = 1;
    e->kind = (uint8_t)c->kind;
    e->utf16 = (uint8_t)x->utf16;
    e->port = c->port;
    memcpy(e->host, c->host, sizeof e->host);
    memcpy(e->scheme, c->scheme, sizeof e->scheme);
    /* context for update-framework keys: this string before the value, and
     * the string before it when it ends close by */
    char ctx[512];
    size_t cl = 0;
    if (x->ctx && x->ctxlen) {
        size_t k = x->ctxlen < 256 ? x->ctxlen : 256;
        memcpy(ctx, x->ctx + x->ctxlen - k, k);
        cl = k;
        ctx[cl++] = '\n';
    }
    size_t k = c->start < 254 ? c->start : 254;
    memcpy(ctx + cl, text + c->start - k, k);
    cl += k;
    pki_ep_classify(x->r, c, e->value, ctx, cl, &e->cls);
    x->slot[h] = (int32_t)x->n++;
}

/* The ASCII strings' spans, sorted, to tell which "://" no string covers. */
typedef struct span {
    uint64_t s, e;
} span;

static int by_start(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

static int covered(const span *sp, size_t n, uint64_t s, uint64_t e)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first span starting after s */
        size_t mid = lo + (hi - lo) / 2;
        if (sp[mid].s <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && sp[lo - 1].e >= e;
}

static int printable(uint8_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

/* URLs in a bounded window of the mapped file around "://" ending at `end`. */
static void scan_window(actx *x, pk_bytes d, uint64_t end)
{
    if (!d.ptr || end < 3 || end > d.len)
        return;
    uint64_t s = end - 3, e = end;
    while (s > 0 && end - 3 - s < WIN_BACK && printable(d.ptr[s - 1]))
        s--;
    while (e < d.len && e - end < WIN_AHEAD && printable(d.ptr[e]))
        e++;
    char buf[WIN_BACK + 3 + WIN_AHEAD + 1];
    size_t n = (size_t)(e - s);
    if (n >= sizeof buf)
        return;
    memcpy(buf, d.ptr + s, n);
    buf[n] = 0;
    x->base = s;
    x->utf16 = 0;
    x->ctx = NULL;
    x->ctxlen = 0;
    pki_ep_scan(x->r, buf, n, on_cand, x);
}

static int by_off(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static const char *const KIND[] = {"url", "host", "email", "ipv4", "ipv6"};

static int executable(pk_ftype t)
{
    return t == PK_FT_ELF || t == PK_FT_PE || t == PK_FT_MZ || t == PK_FT_MACHO ||
           t == PK_FT_MACHO_FAT || t == PK_FT_JAVA_CLASS || t == PK_FT_DEX || t == PK_FT_WASM ||
           t == PK_FT_SCRIPT;
}

static void fact_entry(const pki_ep_rules *r, pk_fact *list, const entry *e)
{
    pk_fact *o = pk_fact_push_obj(list);
    if (!o)
        return;
    pk_fact_set_str(o, "value", e->value);
    pk_fact_set_str(o, "kind", KIND[e->kind]);
    pk_fact_set_str(o, "host", e->host);
    if (e->kind == PKI_EP_URL) {
        pk_fact_set_str(o, "scheme", e->scheme);
        if (e->port >= 0)
            pk_fact_set_int(o, "port", e->port);
    }
    pk_fact_set_int(o, "offset", (int64_t)e->off);
    pk_fact_set_int(o, "count", e->count);
    pk_fact_set_bool(o, "utf16", e->utf16);
    int ip = e->kind == PKI_EP_IPV4 || e->kind == PKI_EP_IPV6 || strchr(e->host, ':') ||
             strspn(e->host, "0123456789.") == strlen(e->host);
    if (!ip && strcmp(e->host, "localhost") != 0) {
        char dom[PKI_EP_HOST_MAX + 1];
        pki_ep_domain(r, e->host, dom, sizeof dom);
        if (dom[0])
            pk_fact_set_str(o, "domain", dom);
        const char *dot = strrchr(e->host, '.');
        const char *tld = dot ? dot + 1 : e->host;
        pk_fact_set_str(o, "tld", tld);
        char cc[3];
        if (pki_ep_cctld_country(tld, cc))
            pk_fact_set_str(o, "cctld_country", cc);
    }
    pk_fact *cl = pk_fact_arr(o, "classes");
    for (unsigned b = 0; cl && b < PKI_EPC_COUNT; b++)
        if (e->cls.classes & (1u << b))
            pk_fact_push_str(cl, pki_ep_class_name(b));
    if (e->cls.reason[0])
        pk_fact_set_str(o, "reason", e->cls.reason);
}

typedef struct frule {
    const char *id;
    uint32_t need; /* classes that all must be present */
    pk_severity sev;
    uint8_t conf;
    int exe_only; /* only in executable code and scripts */
    const char *what;
} frule;

static const frule FRULES[] = {
    {"PK-END-0001", PKI_EPC_TELEMETRY, PK_SEV_MEDIUM, 80, 0, "telemetry host"},
    {"PK-END-0002", PKI_EPC_SDK, PK_SEV_MEDIUM, 70, 0, "tracker SDK"},
    {"PK-END-0003", PKI_EPC_UPDATE | PKI_EPC_PLAIN, PK_SEV_MEDIUM, 60, 0,
     "update channel over a plaintext protocol"},
    {"PK-END-0004", PKI_EPC_RAWIP, PK_SEV_LOW, 50, 1, "public IP literal in code"},
    {"PK-END-0005", PKI_EPC_DDNS, PK_SEV_MEDIUM, 80, 0, "dynamic DNS or tunnel host"},
    {"PK-END-0006", PKI_EPC_PASTE, PK_SEV_MEDIUM, 70, 0, "paste site"},
    {"PK-END-0007", PKI_EPC_CLOUD, PK_SEV_LOW, 70, 0, "cloud storage endpoint"},
    {"PK-END-0008", PKI_EPC_PLAIN, PK_SEV_LOW, 50, 1, "plaintext protocol to a public host"},
};

/* Links in manuals, change logs and READMEs are references, not places the
 * product talks to (lib/core/vpath_doc.c); their entries stay in the facts. */
static int doc_file(const pk_file *file)
{
    return pki_doc_path(file->vpath ? file->vpath : "");
}

/* A plaintext URL that looks like a call, not a link to a home page: any
 * scheme but http/ws (ftp, telnet, mqtt, ldap...), or http/ws to an IP
 * literal, with a port or with a query. Links such as "http://www.gnu.org/
 * software/bash" in --help text are the bulk of http URLs in binaries. */
static int plain_call(const entry *e)
{
    if (strcmp(e->scheme, "http") != 0 && strcmp(e->scheme, "ws") != 0)
        return 1;
    return e->port >= 0 || strchr(e->value, '?') || (e->cls.classes & PKI_EPC_RAWIP);
}

static unsigned findings(const pk_file *file, const entry *e, pk_emit *out, unsigned *left)
{
    unsigned lost = 0;
    if ((e->cls.classes & PKI_EPC_DOC) || doc_file(file))
        return 0;
    for (size_t i = 0; i < sizeof FRULES / sizeof FRULES[0]; i++) {
        const frule *f = &FRULES[i];
        if ((e->cls.classes & f->need) != f->need || (f->exe_only && !executable(file->type)))
            continue;
        /* an e-mail address names a mailbox, not a place code talks to */
        if (e->kind == PKI_EP_EMAIL && f->need != PKI_EPC_TELEMETRY)
            continue;
        /* an update channel over HTTP is PK-END-0003; 0008 would say it twice */
        if (f->need == PKI_EPC_PLAIN && ((e->cls.classes & PKI_EPC_UPDATE) || !plain_call(e)))
            continue;
        if (!*left) {
            lost++;
            continue;
        }
        (*left)--;
        size_t vl = strlen(e->value);
        pk_finding_spec spec = {
            f->id, f->sev, f->conf, {e->off, e->blen, NULL}, {(const uint8_t *)e->value, vl}};
        pk_emit_finding(out, &spec, "%s: %s %s%s(%s)", f->what, KIND[e->kind], e->value,
                        e->utf16 ? " in UTF-16 " : " ", e->cls.reason);
    }
    return lost;
}

/* The tracker SDKs seen in the file: facts.endpoints.sdks and PK-END-0002. */
static pk_status sdk_report(const state *s, const fstate *f, const pk_file *file, pk_emit *out,
                            unsigned *left)
{
    pk_fact *o = pk_emit_facts(out);
    pk_fact *arr = o ? pk_fact_arr(o, "sdks") : NULL;
    if (!arr)
        return PK_E_NOMEM;
    unsigned lost = 0;
    for (uint32_t i = 0; i < f->nsdk; i++) {
        const sdkhit *h = &f->sdk[i];
        const pki_ep_sdk *k = &s->sdk->s[h->idx];
        pk_fact *e = pk_fact_push_obj(arr);
        if (!e)
            return PK_E_NOMEM;
        pk_fact_set_str(e, "name", k->name);
        pk_fact_set_str(e, "signature", k->signature);
        pk_fact_set_str(e, "form", h->slash ? "slash" : "dotted");
        pk_fact_set_int(e, "offset", (int64_t)h->off);
        pk_fact_set_int(e, "count", h->count);
        pk_fact_set_str(e, "categories", k->categories);
        pk_fact_set_str(e, "source", k->source);
        pk_fact *cl = pk_fact_arr(e, "classes");
        if (cl)
            pk_fact_push_str(cl, "sdk-tracker");
        if (doc_file(file))
            continue;
        if (!*left) {
            lost++;
            continue;
        }
        (*left)--;
        size_t sl = strlen(k->signature);
        pk_finding_spec spec = {"PK-END-0002",
                                PK_SEV_MEDIUM,
                                70,
                                {h->off, sl, NULL},
                                {file->data.ptr && h->off + sl <= file->data.len
                                     ? file->data.ptr + h->off
                                     : (const uint8_t *)k->signature,
                                 sl}};
        pk_emit_finding(out, &spec, "tracker SDK %s: code signature %s (%s; %s)", k->name,
                        k->signature, k->categories[0] ? k->categories : "no category", k->source);
    }
    if (f->lost_sdk)
        pk_fact_set_int(o, "sdks_not_kept", f->lost_sdk);
    if (lost)
        pk_fact_set_int(o, "findings_not_emitted", lost);
    return PK_OK;
}

static pk_status ep_analyze(const void *vs, void *fs, const pk_file *file, pk_emit *out)
{
    const state *S = vs;
    const pki_ep_rules *r = S ? S->r : NULL;
    fstate *f = fs;
    if (!r || pk_ftype_is_container(file->type))
        return PK_OK;
    const pk_string *strs = NULL;
    size_t ns = pk_emit_strings(out, &strs);
    unsigned left = MAX_FINDINGS, lost = 0;
    if (f->nsdk && S->sdk) {
        pk_status st = sdk_report(S, f, file, out, &left);
        if (st != PK_OK)
            return st;
    }
    if (!ns && !f->n)
        return PK_OK;
    actx *x = pki_calloc(1, sizeof *x);
    span *sp = f->n ? pki_malloc((ns ? ns : 1) * sizeof(span)) : NULL;
    pk_status st = PK_OK;
    if (!x || (f->n && !sp)) {
        st = PK_E_NOMEM;
        goto out;
    }
    x->r = r;
    memset(x->slot, 0xff, sizeof x->slot);
    size_t nsp = 0;
    for (size_t i = 0; i < ns; i++) {
        const pk_string *s = &strs[i];
        x->base = s->offset;
        x->utf16 = s->utf16;
        x->ctx = NULL;
        x->ctxlen = 0;
        if (i > 0) {
            const pk_string *p = &strs[i - 1];
            uint64_t pend = p->offset + (p->utf16 ? 2ull : 1ull) * p->len;
            if (p->utf16 == s->utf16 && pend <= s->offset && s->offset - pend <= CTX_GAP) {
                x->ctx = p->text;
                x->ctxlen = p->len;
            }
        }
        pki_ep_scan(r, s->text, s->len, on_cand, x);
        if (sp && !s->utf16)
            sp[nsp++] = (span){s->offset, s->offset + s->len};
    }
    if (f->n) {
        qsort(sp, nsp, sizeof(span), by_start);
        for (uint32_t i = 0; i < f->n; i++) {
            uint64_t e = f->end[i];
            if (e >= 3 && !covered(sp, nsp, e - 3, e))
                scan_window(x, file->data, e);
        }
    }
    if (x->nomem) {
        st = PK_E_NOMEM;
        goto out;
    }
    if (!x->n && !x->truncated)
        goto out;
    entry *ents = x->e;
    qsort(ents, x->n, sizeof(entry), by_off);
    pk_fact *o = pk_emit_facts(out);
    pk_fact *list = o ? pk_fact_arr(o, "list") : NULL;
    if (!list) {
        st = PK_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < x->n; i++) {
        fact_entry(r, list, &ents[i]);
        lost += findings(file, &ents[i], out, &left);
    }
    pk_fact_set_int(o, "truncated", (int64_t)x->truncated);
    if (lost)
        pk_fact_set_int(o, "findings_not_emitted",
                        lost + (uint64_t)pk_fact_int(pk_fact_get(o, "findings_not_emitted"), 0));
    if (f->lost)
        pk_fact_set_int(o, "hits_not_read", f->lost);
out:
    if (x) {
        for (size_t i = 0; i < x->n; i++)
            pki_free(x->e[i].value);
        pki_free(x->e);
    }
    pki_free(sp);
    pki_free(x);
    return st;
}

const pk_analyzer pki_analyzer_endpoints = {
    .name = "endpoints",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = ep_init,
    .on_match = ep_match,
    .analyze = ep_analyze,
    .fini = ep_fini,
};
