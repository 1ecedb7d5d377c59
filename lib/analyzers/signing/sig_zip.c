/* Just enough zip (APPNOTE.TXT 4.3.12 central directory, 4.3.7 local header)
 * to read a jar's META-INF members and hash its entries from the mapped file:
 * stored and deflated members, no ZIP64, no encryption. Every offset is read
 * through pk_rd; a member is inflated into a capped buffer or streamed. */
#include "signing_int.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define EOCD_SIG  0x06054b50u
#define CDIR_SIG  0x02014b50u
#define LOCAL_SIG 0x04034b50u

static long find_eocd(pk_bytes z)
{
    if (z.len < 22)
        return -1;
    size_t lo = z.len > 22 + 65535 ? z.len - 22 - 65535 : 0;
    for (size_t i = z.len - 22 + 1; i-- > lo;) {
        const uint8_t *b = z.ptr + i;
        if (b[0] == 0x50 && b[1] == 0x4b && b[2] == 5 && b[3] == 6)
            return (long)i;
    }
    return -1;
}

static int cmp_ent(const void *a, const void *b)
{
    const pki_zent *x = a, *y = b;
    size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (int)x->nlen - (int)y->nlen;
}

bool pki_zip_open(pk_bytes z, pki_zip *out)
{
    memset(out, 0, sizeof *out);
    out->z = z;
    long eocd = find_eocd(z);
    if (eocd < 0)
        return false;
    pk_rd r = pk_rd_make(z);
    uint16_t total;
    uint32_t cdsize, cdoff;
    if (!pk_rd_seek(&r, (uint64_t)eocd + 10) || !pk_rd_u16le(&r, &total) ||
        !pk_rd_u32le(&r, &cdsize) || !pk_rd_u32le(&r, &cdoff) || !pk_rd_seek(&r, cdoff) ||
        total == 0)
        return false;
    out->e = pki_calloc(total, sizeof *out->e);
    if (!out->e)
        return false;
    for (unsigned i = 0; i < total && i < PKI_SIG_MAX_ENTRIES; i++) {
        uint32_t sig, csize, usize, lho;
        uint16_t method, nl, el, cl;
        pk_bytes name;
        size_t at = r.pos;
        if (!pk_rd_u32le(&r, &sig) || sig != CDIR_SIG || !pk_rd_seek(&r, at + 10) ||
            !pk_rd_u16le(&r, &method) || !pk_rd_seek(&r, at + 20) || !pk_rd_u32le(&r, &csize) ||
            !pk_rd_u32le(&r, &usize) || !pk_rd_u16le(&r, &nl) || !pk_rd_u16le(&r, &el) ||
            !pk_rd_u16le(&r, &cl) || !pk_rd_seek(&r, at + 42) || !pk_rd_u32le(&r, &lho) ||
            !pk_rd_bytes(&r, nl, &name) || !pk_rd_skip(&r, (uint64_t)el + cl))
            break;
        pki_zent *e = &out->e[out->n++];
        e->name = name.ptr;
        e->nlen = nl;
        e->method = method;
        e->csize = csize;
        e->usize = usize;
        e->lho = lho;
    }
    qsort(out->e, out->n, sizeof *out->e, cmp_ent);
    return out->n > 0;
}

void pki_zip_close(pki_zip *zip)
{
    pki_free(zip->e);
    zip->e = NULL;
    zip->n = 0;
}

const pki_zent *pki_zip_find(const pki_zip *zip, const char *name, size_t n)
{
    if (n > 0xffff)
        return NULL;
    pki_zent key = {.name = (const uint8_t *)name, .nlen = (uint16_t)n};
    return bsearch(&key, zip->e, zip->n, sizeof *zip->e, cmp_ent);
}

/* The member's compressed bytes, from its local header. */
static bool member_data(const pki_zip *zip, const pki_zent *e, pk_bytes *out)
{
    pk_rd r = pk_rd_make(zip->z);
    uint32_t sig;
    uint16_t nl, el;
    if (!pk_rd_seek(&r, e->lho) || !pk_rd_u32le(&r, &sig) || sig != LOCAL_SIG ||
        !pk_rd_seek(&r, (uint64_t)e->lho + 26) || !pk_rd_u16le(&r, &nl) || !pk_rd_u16le(&r, &el) ||
        !pk_rd_skip(&r, (uint64_t)nl + el))
        return false;
    return (e->method == 0 || e->method == 8) && pk_rd_bytes(&r, e->csize, out);
}

/* Inflates or copies the member, handing each piece to `sink`. */
static bool member_walk(const pki_zip *zip, const pki_zent *e, uint64_t limit,
                        bool (*sink)(void *, const uint8_t *, size_t), void *arg)
{
    pk_bytes d;
    if (!member_data(zip, e, &d))
        return false;
    if (e->method == 0)
        return d.len <= limit && sink(arg, d.ptr, d.len);
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -15) != Z_OK)
        return false;
    uint8_t *buf = pki_malloc(65536);
    bool ok = buf != NULL;
    uint64_t total = 0;
    s.next_in = (Bytef *)d.ptr;
    s.avail_in = (uInt)(d.len > 0x7fffffffu ? 0x7fffffffu : d.len);
    int rc = Z_OK;
    while (ok && rc != Z_STREAM_END) {
        s.next_out = buf;
        s.avail_out = 65536;
        rc = inflate(&s, Z_NO_FLUSH);
        size_t got = 65536 - s.avail_out;
        total += got;
        if ((rc != Z_OK && rc != Z_STREAM_END) || total > limit || (got == 0 && rc != Z_STREAM_END))
            ok = false;
        else if (got)
            ok = sink(arg, buf, got);
    }
    inflateEnd(&s);
    pki_free(buf);
    return ok;
}

typedef struct grow {
    uint8_t *p;
    size_t n, cap;
} grow;

static bool grow_sink(void *arg, const uint8_t *b, size_t n)
{
    grow *g = arg;
    if (n > g->cap - g->n)
        return false;
    memcpy(g->p + g->n, b, n);
    g->n += n;
    return true;
}

uint8_t *pki_zip_read(const pki_zip *zip, const pki_zent *e, size_t cap, size_t *len)
{
    size_t want = e->usize < cap ? e->usize : cap;
    grow g = {pki_malloc(want + 1), 0, want};
    if (!g.p || !member_walk(zip, e, want, grow_sink, &g)) {
        pki_free(g.p);
        return NULL;
    }
    g.p[g.n] = 0;
    *len = g.n;
    return g.p;
}

typedef struct hsink {
    EVP_MD_CTX *ctx;
    uint64_t *budget;
} hsink;

static bool hash_sink(void *arg, const uint8_t *b, size_t n)
{
    hsink *h = arg;
    if (n > *h->budget)
        return false;
    *h->budget -= n;
    return EVP_DigestUpdate(h->ctx, b, n) == 1;
}

bool pki_zip_hash(const pki_zip *zip, const pki_zent *e, void *md_ctx, uint64_t *budget)
{
    hsink h = {md_ctx, budget};
    return member_walk(zip, e, *budget, hash_sink, &h);
}
