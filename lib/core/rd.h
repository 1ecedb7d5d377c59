/* pk_rd: the bounded reader every parser of untrusted bytes goes through.
 *
 * Every read checks the bound and returns false past the end, leaving the
 * output untouched and the cursor where it was; loads are explicit-endian, so
 * no struct is ever cast over file bytes. Ownership: a pk_rd borrows its bytes. */
#ifndef PK_CORE_RD_H
#define PK_CORE_RD_H

#include <parakh/types.h>
#include <stdbool.h>
#include <string.h>

typedef struct pk_rd {
    const uint8_t *p;
    size_t len;
    size_t pos;
} pk_rd;

static inline pk_rd pk_rd_make(pk_bytes b)
{
    pk_rd r = {b.ptr, b.len, 0};
    return r;
}

/* A sub-reader over [off, off+len) of r's bytes; false if it does not fit. */
static inline bool pk_rd_sub(const pk_rd *r, uint64_t off, uint64_t len, pk_rd *out)
{
    if (off > r->len || len > r->len - off)
        return false;
    out->p = r->p + off;
    out->len = (size_t)len;
    out->pos = 0;
    return true;
}

static inline bool pk_rd_seek(pk_rd *r, uint64_t off)
{
    if (off > r->len)
        return false;
    r->pos = (size_t)off;
    return true;
}

static inline size_t pk_rd_left(const pk_rd *r)
{
    return r->len - r->pos;
}

static inline bool pk_rd_skip(pk_rd *r, uint64_t n)
{
    if (n > pk_rd_left(r))
        return false;
    r->pos += (size_t)n;
    return true;
}

/* Borrows n bytes at the cursor and advances. */
static inline bool pk_rd_bytes(pk_rd *r, size_t n, pk_bytes *out)
{
    if (n > pk_rd_left(r))
        return false;
    out->ptr = r->p + r->pos;
    out->len = n;
    r->pos += n;
    return true;
}

static inline bool pk_rd_u8(pk_rd *r, uint8_t *v)
{
    if (pk_rd_left(r) < 1)
        return false;
    *v = r->p[r->pos++];
    return true;
}

#define PK_RD_LOAD(name, type, n, expr)                                                            \
    static inline bool name(pk_rd *r, type *v)                                                     \
    {                                                                                              \
        if (pk_rd_left(r) < (n))                                                                   \
            return false;                                                                          \
        const uint8_t *b = r->p + r->pos;                                                          \
        *v = (type)(expr);                                                                         \
        r->pos += (n);                                                                             \
        return true;                                                                               \
    }

PK_RD_LOAD(pk_rd_u16le, uint16_t, 2, (uint16_t)b[0] | (uint16_t)b[1] << 8)
PK_RD_LOAD(pk_rd_u16be, uint16_t, 2, (uint16_t)b[1] | (uint16_t)b[0] << 8)
PK_RD_LOAD(pk_rd_u32le, uint32_t, 4,
           (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24)
PK_RD_LOAD(pk_rd_u32be, uint32_t, 4,
           (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24)
PK_RD_LOAD(pk_rd_u64le, uint64_t, 8,
           (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
               (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
               (uint64_t)b[7] << 56)
PK_RD_LOAD(pk_rd_u64be, uint64_t, 8,
           (uint64_t)b[7] | (uint64_t)b[6] << 8 | (uint64_t)b[5] << 16 | (uint64_t)b[4] << 24 |
               (uint64_t)b[3] << 32 | (uint64_t)b[2] << 40 | (uint64_t)b[1] << 48 |
               (uint64_t)b[0] << 56)

/* Endian chosen at run time (ELF EI_DATA): big != 0 for big-endian. */
static inline bool pk_rd_u16e(pk_rd *r, int big, uint16_t *v)
{
    return big ? pk_rd_u16be(r, v) : pk_rd_u16le(r, v);
}
static inline bool pk_rd_u32e(pk_rd *r, int big, uint32_t *v)
{
    return big ? pk_rd_u32be(r, v) : pk_rd_u32le(r, v);
}
static inline bool pk_rd_u64e(pk_rd *r, int big, uint64_t *v)
{
    return big ? pk_rd_u64be(r, v) : pk_rd_u64le(r, v);
}

/* A NUL-terminated string starting at off, at most max bytes (not counting NUL).
 * Borrows; false if no NUL within bounds. */
static inline bool pk_rd_cstr_at(const pk_rd *r, uint64_t off, size_t max, pk_bytes *out)
{
    if (off >= r->len)
        return false;
    size_t avail = r->len - (size_t)off;
    if (avail > max + 1)
        avail = max + 1;
    const uint8_t *s = r->p + off;
    const uint8_t *z = memchr(s, 0, avail);
    if (!z)
        return false;
    out->ptr = s;
    out->len = (size_t)(z - s);
    return true;
}

#endif
