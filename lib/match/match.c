/* The shared matcher over vectorscan (the Hyperscan API) in streaming mode:
 * every analyzer's patterns in one database, so each file's bytes are scanned
 * once whatever the number of analyzers. */
#include "match_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/core_int.h"
#include "diskcache.h"

#include <hs/hs.h>
#include <openssl/evp.h>
#include <pthread.h>
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
    const char *const *opts; /* "key=value", borrowed from the scan's options */
    size_t nopts;
    char errmsg[512]; /* why an analyzer refused to start, if it said */
};

struct pki_matcher {
    hs_database_t *db;
    int cached;          /* db belongs to the process-wide cache below */
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

void pki_match_builder_options(pki_match_builder *b, const char *const *opts, size_t n)
{
    b->opts = opts;
    b->nopts = n;
}

static const char *builder_option(const pki_match_builder *b, const char *key)
{
    size_t kl = key ? strlen(key) : 0;
    if (!kl)
        return NULL;
    /* the last one given wins, as on a command line */
    for (size_t i = b->nopts; i-- > 0;)
        if (b->opts[i] && !strncmp(b->opts[i], key, kl) && b->opts[i][kl] == '=')
            return b->opts[i] + kl + 1;
    return NULL;
}

const char *pk_reg_option(const pk_match_reg *reg, const char *key)
{
    return reg ? builder_option(reg->b, key) : NULL;
}

void pk_reg_error(pk_match_reg *reg, const char *fmt, ...)
{
    if (!reg || !fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reg->b->errmsg, sizeof reg->b->errmsg, fmt, ap);
    va_end(ap);
}

const char *pki_match_builder_error(const pki_match_builder *b)
{
    return b->errmsg;
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

/* The last compiled database, kept for the next scan of this process: the
 * patterns are the same every time (the rule files are compiled into the
 * library) unless options change them, and compiling them takes most of a
 * second (the secrets rules alone 0.8 s). A vectorscan database is read-only
 * and may be shared between threads and scans; each stream has its own
 * scratch. Keyed by the SHA-256 of every pattern, flag and order. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint8_t key[32];
    hs_database_t *db;
    unsigned refs;
} cache;

static int patterns_key(const pki_match_builder *b, uint8_t key[32])
{
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    /* the vectorscan version too: the key also names files on disk */
    const char *v = hs_version();
    int ok = x && EVP_DigestInit_ex(x, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(x, v, strlen(v) + 1) == 1;
    for (size_t i = 0; ok && i < b->npats; i++) {
        unsigned f = b->pats[i].hs_flags;
        ok = EVP_DigestUpdate(x, b->pats[i].expr, strlen(b->pats[i].expr) + 1) == 1 &&
             EVP_DigestUpdate(x, &f, sizeof f) == 1;
    }
    unsigned len = 0;
    ok = ok && EVP_DigestFinal_ex(x, key, &len) == 1 && len == 32;
    EVP_MD_CTX_free(x);
    return ok;
}

static hs_database_t *cache_get(const uint8_t key[32])
{
    pthread_mutex_lock(&cache_mu);
    hs_database_t *db = NULL;
    if (cache.db && memcmp(cache.key, key, 32) == 0) {
        db = cache.db;
        cache.refs++;
    }
    pthread_mutex_unlock(&cache_mu);
    return db;
}

/* Offers a fresh database to the cache: taken when the cache is unused. */
static int cache_put(const uint8_t key[32], hs_database_t *db)
{
    pthread_mutex_lock(&cache_mu);
    int taken = 0;
    if (cache.refs == 0) {
        if (cache.db)
            hs_free_database(cache.db);
        memcpy(cache.key, key, 32);
        cache.db = db;
        cache.refs = 1;
        taken = 1;
    }
    pthread_mutex_unlock(&cache_mu);
    return taken;
}

static void cache_release(void)
{
    pthread_mutex_lock(&cache_mu);
    if (cache.refs)
        cache.refs--;
    pthread_mutex_unlock(&cache_mu);
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
    uint8_t key[32];
    int keyed = patterns_key(b, key);
    if (keyed && (m->db = cache_get(key)) != NULL)
        m->cached = 1;
    const char *dir = keyed ? builder_option(b, "match.cache") : NULL;
    int from_disk = 0;
    if (!m->db && dir && (m->db = pki_hsdb_load(dir, key)) != NULL)
        from_disk = 1;
    hs_compile_error_t *ce = NULL;
    if (!m->db && hs_compile_multi(exprs, flags, ids, (unsigned)b->npats, HS_MODE_STREAM, NULL,
                                   &m->db, &ce) != HS_SUCCESS) {
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
    if (dir && !from_disk && !m->cached)
        pki_hsdb_store(dir, key, m->db);
    if (!m->cached && keyed)
        m->cached = cache_put(key, m->db);
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
    if (m->cached)
        cache_release(); /* the database stays for the next scan */
    else if (m->db)
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
