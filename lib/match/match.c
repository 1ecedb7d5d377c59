/* The shared matcher over vectorscan (the Hyperscan API) in streaming mode:
 * every analyzer's patterns in one database, so each file's bytes are scanned
 * once whatever the number of analyzers. */
#include "match_int.h"

#include "../core/core_int.h"

#include <hs/hs.h>
#include <stdio.h>
#include <string.h>

typedef struct pat {
    char *expr; /* regex; literals are escaped to \xHH form */
    unsigned hs_flags;
    unsigned analyzer_ix;
    uint32_t id;
} pat;

struct pk_match_reg {
    pki_match_builder *b;
    unsigned ix;
};

#define MAX_ANALYZERS 64

struct pki_match_builder {
    pat *pats;
    size_t npats, cap;
    pk_match_reg regs[MAX_ANALYZERS];
};

struct pki_matcher {
    hs_database_t *db;
    hs_scratch_t *proto; /* cloned per stream: scratch may not be shared across threads */
    size_t npats;
    unsigned *ana; /* per global id: analyzer index */
    uint32_t *ids; /* per global id: the analyzer's own id */
};

struct pki_match_stream {
    const pki_matcher *m;
    hs_stream_t *st;
    hs_scratch_t *scratch;
    pki_match_cb cb;
    void *ctx;
};

pki_match_builder *pki_match_builder_new(void)
{
    pki_match_builder *b = pki_calloc(1, sizeof *b);
    if (b)
        for (unsigned i = 0; i < MAX_ANALYZERS; i++)
            b->regs[i] = (pk_match_reg){b, i};
    return b;
}

pk_match_reg *pki_match_builder_reg(pki_match_builder *b, unsigned ix)
{
    return ix < MAX_ANALYZERS ? &b->regs[ix] : NULL;
}

void pki_match_builder_free(pki_match_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->npats; i++)
        pki_free(b->pats[i].expr);
    pki_free(b->pats);
    pki_free(b);
}

static char *escape_literal(const char *p, size_t len)
{
    char *e = pki_malloc(len * 4 + 1);
    if (!e)
        return NULL;
    for (size_t i = 0; i < len; i++)
        snprintf(e + i * 4, 5, "\\x%02x", (unsigned char)p[i]);
    e[len * 4] = 0;
    return e;
}

pk_status pk_match_add(pk_match_reg *reg, uint32_t id, const char *p, size_t len, unsigned flags)
{
    if (!reg || !p || ((flags & PK_PAT_LITERAL) && len == 0))
        return PK_E_MISUSE;
    pki_match_builder *b = reg->b;
    if (!pki_grow((void **)&b->pats, &b->cap, b->npats + 1, sizeof(pat)))
        return PK_E_NOMEM;
    char *expr = (flags & PK_PAT_LITERAL) ? escape_literal(p, len) : pki_strdup(p);
    if (!expr)
        return PK_E_NOMEM;
    unsigned hf = 0;
    if (flags & PK_PAT_NOCASE)
        hf |= HS_FLAG_CASELESS;
    if (flags & PK_PAT_DOTALL)
        hf |= HS_FLAG_DOTALL;
    b->pats[b->npats++] = (pat){expr, hf, reg->ix, id};
    return PK_OK;
}

pk_status pki_match_compile(pki_match_builder *b, pki_matcher **out, char *err, size_t errlen)
{
    pk_status st = PK_OK;
    *out = NULL;
    pki_matcher *m = pki_calloc(1, sizeof *m);
    const char **exprs = NULL;
    unsigned *flags = NULL, *ids = NULL;
    if (!m)
        return PK_E_NOMEM;
    m->npats = b->npats;
    if (b->npats == 0) {
        *out = m;
        return PK_OK;
    }
    exprs = pki_calloc(b->npats, sizeof *exprs);
    flags = pki_calloc(b->npats, sizeof *flags);
    ids = pki_calloc(b->npats, sizeof *ids);
    m->ana = pki_calloc(b->npats, sizeof *m->ana);
    m->ids = pki_calloc(b->npats, sizeof *m->ids);
    if (!exprs || !flags || !ids || !m->ana || !m->ids) {
        st = PK_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < b->npats; i++) {
        exprs[i] = b->pats[i].expr;
        flags[i] = b->pats[i].hs_flags;
        ids[i] = (unsigned)i;
        m->ana[i] = b->pats[i].analyzer_ix;
        m->ids[i] = b->pats[i].id;
    }
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi(exprs, flags, ids, (unsigned)b->npats, HS_MODE_STREAM, NULL, &m->db,
                         &ce) != HS_SUCCESS) {
        if (err) {
            if (ce && ce->expression >= 0 && (size_t)ce->expression < b->npats)
                snprintf(err, errlen, "pattern '%s' does not compile: %s",
                         b->pats[ce->expression].expr, ce->message);
            else
                snprintf(err, errlen, "patterns do not compile: %s", ce ? ce->message : "unknown");
        }
        hs_free_compile_error(ce);
        st = PK_E_USAGE;
        goto out;
    }
    if (hs_alloc_scratch(m->db, &m->proto) != HS_SUCCESS) {
        st = PK_E_NOMEM;
        goto out;
    }
out:
    pki_free(exprs);
    pki_free(flags);
    pki_free(ids);
    if (st != PK_OK)
        pki_match_free(m);
    else
        *out = m;
    return st;
}

size_t pki_match_npatterns(const pki_matcher *m)
{
    return m ? m->npats : 0;
}

void pki_match_free(pki_matcher *m)
{
    if (!m)
        return;
    if (m->proto)
        hs_free_scratch(m->proto);
    if (m->db)
        hs_free_database(m->db);
    pki_free(m->ana);
    pki_free(m->ids);
    pki_free(m);
}

pk_status pki_match_stream_open(const pki_matcher *m, pki_match_stream **out)
{
    *out = NULL;
    pki_match_stream *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    s->m = m;
    if (m->db) {
        if (hs_clone_scratch(m->proto, &s->scratch) != HS_SUCCESS ||
            hs_open_stream(m->db, 0, &s->st) != HS_SUCCESS) {
            if (s->scratch)
                hs_free_scratch(s->scratch);
            pki_free(s);
            return PK_E_NOMEM;
        }
    }
    *out = s;
    return PK_OK;
}

static int on_event(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                    void *ctx)
{
    (void)from;
    (void)fl;
    pki_match_stream *s = ctx;
    s->cb(s->ctx, s->m->ana[id], s->m->ids[id], (uint64_t)to);
    return 0;
}

pk_status pki_match_stream_feed(pki_match_stream *s, const uint8_t *p, size_t n, pki_match_cb cb,
                                void *ctx)
{
    if (!s->st || n == 0)
        return PK_OK;
    s->cb = cb;
    s->ctx = ctx;
    while (n > 0) {
        /* hs_scan_stream takes an unsigned int length */
        unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
        if (hs_scan_stream(s->st, (const char *)p, chunk, 0, s->scratch, on_event, s) != HS_SUCCESS)
            return PK_E_INTERNAL;
        p += chunk;
        n -= chunk;
    }
    return PK_OK;
}

void pki_match_stream_close(pki_match_stream *s, pki_match_cb cb, void *ctx)
{
    if (!s)
        return;
    if (s->st) {
        s->cb = cb;
        s->ctx = ctx;
        hs_close_stream(s->st, s->scratch, cb ? on_event : NULL, s);
    }
    if (s->scratch)
        hs_free_scratch(s->scratch);
    pki_free(s);
}
