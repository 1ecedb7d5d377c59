/* rpm's ndb package database (Packages.db; SUSE, rpm >= 4.15): a 32-byte
 * header ("RpmP", version 0, generation, slot pages), 16-byte slots ("Slot",
 * package index, block offset, block count) filling the slot pages, and at
 * each slot's offset (16-byte blocks) a blob: "BlbS", package index,
 * timestamp, length, then the header blob. Layout from rpm's
 * lib/backend/ndb/rpmpkg.c; every offset is checked against the file. */
#include "rpm_int.h"

#include <string.h>

#define NDB_PAGE      4096u
#define NDB_HDR       32u
#define NDB_SLOT      16u
#define NDB_BLK       16u
#define NDB_BLOB_HEAD 16u
#define NDB_MAX_PAGES 4096u /* 1 M slots */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool pki_rpm_ndb_is(const uint8_t *p, size_t len)
{
    return p && len >= NDB_HDR && memcmp(p, "RpmP", 4) == 0 && le32(p + 4) == 0;
}

void pki_rpm_ndb_read(const uint8_t *p, size_t len, pk_emit *out, const pki_rpm_emit *how)
{
    if (!pki_rpm_ndb_is(p, len))
        return;
    uint64_t pages = le32(p + 12);
    if (pages == 0 || pages > NDB_MAX_PAGES)
        return;
    uint64_t end = pages * NDB_PAGE;
    if (end > len)
        end = len - len % NDB_SLOT;
    /* slots may alias one blob: parse at most twice the file's bytes */
    uint64_t budget = 2ull * len + (1u << 20);
    for (uint64_t o = NDB_HDR; o + NDB_SLOT <= end; o += NDB_SLOT) {
        const uint8_t *s = p + o;
        if (memcmp(s, "Slot", 4) != 0)
            continue;
        uint64_t off = (uint64_t)le32(s + 8) * NDB_BLK, cnt = (uint64_t)le32(s + 12) * NDB_BLK;
        if (off == 0 || off < pages * NDB_PAGE || off > len || cnt > len - off ||
            cnt < NDB_BLOB_HEAD)
            continue;
        const uint8_t *b = p + off;
        uint32_t blen = le32(b + 12);
        if (memcmp(b, "BlbS", 4) != 0 || blen > cnt - NDB_BLOB_HEAD)
            continue;
        if (blen > budget)
            break;
        budget -= blen;
        pki_rpm_hdr h;
        if (pki_rpm_hdr_blob(b + NDB_BLOB_HEAD, blen, &h, NULL))
            pki_rpm_emit_hdr(out, &h, how);
    }
}
