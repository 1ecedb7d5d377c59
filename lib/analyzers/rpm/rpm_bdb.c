/* The Berkeley DB hash file rpm used before 4.16 (var/lib/rpm/Packages):
 * each value is a header blob, stored on hash pages (small) or on a chain of
 * overflow pages. Read-only, page by page, without libdb: every page number,
 * offset and length is checked against the file, and the pages followed
 * along overflow chains are budgeted so a hostile chain cannot loop. */
#include "rpm_int.h"

#include <string.h>

#define BDB_HASH_MAGIC  0x061561u
#define P_HASH_UNSORTED 2
#define P_OVERFLOW      7
#define P_HASH          13
#define H_KEYDATA       1
#define H_OFFPAGE       3
#define PAGE_HDR        26

typedef struct bdb {
    const uint8_t *p;
    size_t len;
    int big;
    uint32_t psize, npages;
    uint64_t budget; /* overflow pages still allowed */
    uint64_t bytes;  /* value bytes still allowed: entries may alias one item */
} bdb;

static uint32_t rd32(const bdb *b, const uint8_t *q)
{
    return b->big ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3]
                  : (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

static uint16_t rd16(const bdb *b, const uint8_t *q)
{
    return b->big ? (uint16_t)(q[0] << 8 | q[1]) : (uint16_t)(q[1] << 8 | q[0]);
}

bool pki_rpm_bdb_is(const uint8_t *p, size_t len)
{
    if (!p || len < 512)
        return false;
    uint32_t le = (uint32_t)p[15] << 24 | (uint32_t)p[14] << 16 | (uint32_t)p[13] << 8 | p[12];
    uint32_t be = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 | p[15];
    return le == BDB_HASH_MAGIC || be == BDB_HASH_MAGIC;
}

/* Gathers an overflow chain of tlen bytes into a new buffer; NULL if broken. */
static uint8_t *chain(bdb *b, uint32_t pgno, uint32_t tlen)
{
    if (tlen == 0 || tlen > b->len)
        return NULL;
    uint8_t *out = pki_malloc(tlen);
    if (!out)
        return NULL;
    uint32_t have = 0;
    while (have < tlen) {
        if (pgno == 0 || pgno >= b->npages || b->budget == 0)
            break;
        b->budget--;
        const uint8_t *pg = b->p + (size_t)pgno * b->psize;
        if (pg[25] != P_OVERFLOW)
            break;
        uint32_t used = rd16(b, pg + 22); /* bytes of data on an overflow page */
        if (used > b->psize - PAGE_HDR)
            break;
        if (used > tlen - have)
            used = tlen - have;
        memcpy(out + have, pg + PAGE_HDR, used);
        have += used;
        if (used == 0)
            break;
        pgno = rd32(b, pg + 16);
    }
    if (have != tlen) {
        pki_free(out);
        return NULL;
    }
    return out;
}

static void value(bdb *b, const uint8_t *pg, const uint8_t *inp, uint32_t i, pk_emit *out,
                  const pki_rpm_emit *how)
{
    uint32_t off = rd16(b, inp + (size_t)i * 2);
    if (off < PAGE_HDR || off >= b->psize)
        return;
    const uint8_t *item = pg + off;
    pki_rpm_hdr h;
    if (item[0] == H_OFFPAGE) {
        if (off + 12 > b->psize)
            return;
        uint32_t tlen = rd32(b, item + 8);
        if (tlen > b->bytes)
            return;
        b->bytes -= tlen;
        uint8_t *blob = chain(b, rd32(b, item + 4), tlen);
        if (!blob)
            return;
        if (pki_rpm_hdr_blob(blob, rd32(b, item + 8), &h, NULL))
            pki_rpm_emit_hdr(out, &h, how);
        pki_free(blob);
    } else if (item[0] == H_KEYDATA) {
        /* an on-page item ends where the previous one starts (items grow down) */
        uint32_t end = i == 0 ? b->psize : rd16(b, inp + (size_t)(i - 1) * 2);
        if (end <= off + 1 || end > b->psize || end - off - 1 > b->bytes)
            return;
        b->bytes -= end - off - 1;
        if (pki_rpm_hdr_blob(item + 1, end - off - 1, &h, NULL))
            pki_rpm_emit_hdr(out, &h, how);
    }
}

void pki_rpm_bdb_read(const uint8_t *p, size_t len, pk_emit *out, const pki_rpm_emit *how)
{
    if (!pki_rpm_bdb_is(p, len))
        return;
    bdb b = {.p = p, .len = len};
    b.big = p[12] == 0 && p[13] == 0x06; /* magic bytes 00 06 15 61 */
    b.psize = rd32(&b, p + 20);
    if (b.psize < 512 || b.psize > 65536 || (b.psize & (b.psize - 1)) || p[24] != 0)
        return; /* not a page size, or encrypted */
    uint64_t last = (uint64_t)rd32(&b, p + 32) + 1, fit = len / b.psize;
    b.npages = (uint32_t)(last < fit ? last : fit);
    b.budget = 4ull * b.npages + 1024;
    b.bytes = 2ull * len + (1u << 20);
    for (uint32_t n = 1; n < b.npages; n++) {
        const uint8_t *pg = p + (size_t)n * b.psize;
        if (pg[25] != P_HASH && pg[25] != P_HASH_UNSORTED)
            continue;
        uint32_t entries = rd16(&b, pg + 20);
        if (entries > (b.psize - PAGE_HDR) / 2)
            continue;
        /* entries alternate key, value */
        for (uint32_t i = 1; i < entries; i += 2)
            value(&b, pg, pg + PAGE_HDR, i, out, how);
    }
}
