/* Where cargo-auditable keeps its data: a section named ".dep-v0".
 *
 * ELF: the section header table and its name string table (gABI, "Sections").
 * PE: the 8-byte section names of the section table ("PE Format", "Section
 * Table"). Mach-O: a section ".dep-v0" (or "__dep_v0") in any LC_SEGMENT_64
 * of a thin 64-bit little-endian image; fat and 32-bit Mach-O are a gap. */
#include "rust_int.h"

#include <string.h>

#define SECNAME     ".dep-v0"
#define SECNAME_LEN 7u

static bool clip(const pk_rd *f, uint64_t off, uint64_t size, uint64_t *o, uint64_t *l)
{
    if (off >= f->len || size == 0)
        return false;
    *o = off;
    *l = size < f->len - off ? size : f->len - off;
    return true;
}

typedef struct elfhdr {
    int is64, big;
    uint64_t shoff;
    uint16_t shentsize, shnum, shstrndx;
} elfhdr;

/* sh_name, sh_type, sh_offset and sh_size of section i. */
static bool shdr(const pk_rd *f, const elfhdr *h, unsigned i, uint32_t *name, uint32_t *type,
                 uint64_t *off, uint64_t *size)
{
    pk_rd r;
    uint32_t w;
    if (!pk_rd_sub(f, h->shoff + (uint64_t)i * h->shentsize, h->shentsize, &r) ||
        !pk_rd_u32e(&r, h->big, name) || !pk_rd_u32e(&r, h->big, type))
        return false;
    if (h->is64)
        return pk_rd_skip(&r, 16) && pk_rd_u64e(&r, h->big, off) && pk_rd_u64e(&r, h->big, size);
    if (!pk_rd_skip(&r, 8) || !pk_rd_u32e(&r, h->big, &w))
        return false;
    *off = w;
    if (!pk_rd_u32e(&r, h->big, &w))
        return false;
    *size = w;
    return true;
}

static bool elf(const pk_rd *f, uint64_t *o, uint64_t *l)
{
    pk_rd r = *f;
    pk_bytes id;
    elfhdr h;
    if (!pk_rd_bytes(&r, 16, &id) || (id.ptr[4] != 1 && id.ptr[4] != 2) ||
        (id.ptr[5] != 1 && id.ptr[5] != 2))
        return false;
    h.is64 = id.ptr[4] == 2;
    h.big = id.ptr[5] == 2;
    uint32_t w = 0;
    if (h.is64 ? !pk_rd_seek(&r, 40) || !pk_rd_u64e(&r, h.big, &h.shoff)
               : !pk_rd_seek(&r, 32) || !pk_rd_u32e(&r, h.big, &w))
        return false;
    if (!h.is64)
        h.shoff = w;
    if (!pk_rd_seek(&r, h.is64 ? 58 : 46) || !pk_rd_u16e(&r, h.big, &h.shentsize) ||
        !pk_rd_u16e(&r, h.big, &h.shnum) || !pk_rd_u16e(&r, h.big, &h.shstrndx))
        return false;
    if (h.shentsize < (h.is64 ? 64 : 40) || h.shstrndx >= h.shnum)
        return false;
    uint32_t sname, stype;
    uint64_t stroff, strsize;
    pk_rd strs;
    if (!shdr(f, &h, h.shstrndx, &sname, &stype, &stroff, &strsize) ||
        !pk_rd_sub(f, stroff, strsize, &strs))
        return false;
    unsigned n = h.shnum < PKI_RUST_MAX_SECTIONS ? h.shnum : PKI_RUST_MAX_SECTIONS;
    for (unsigned i = 0; i < n; i++) {
        uint64_t off, size;
        pk_bytes nm;
        if (!shdr(f, &h, i, &sname, &stype, &off, &size))
            return false;
        if (stype == 8 /* SHT_NOBITS */ || !pk_rd_cstr_at(&strs, sname, 64, &nm))
            continue;
        if (nm.len == SECNAME_LEN && memcmp(nm.ptr, SECNAME, SECNAME_LEN) == 0)
            return clip(f, off, size, o, l);
    }
    return false;
}

static bool pe(const pk_rd *f, uint64_t *o, uint64_t *l)
{
    pk_rd r = *f;
    uint32_t lfanew, sig;
    uint16_t nsec, optsize;
    if (!pk_rd_seek(&r, 0x3c) || !pk_rd_u32le(&r, &lfanew) || !pk_rd_seek(&r, lfanew) ||
        !pk_rd_u32le(&r, &sig) || sig != 0x4550 || !pk_rd_skip(&r, 2) || !pk_rd_u16le(&r, &nsec) ||
        !pk_rd_skip(&r, 12) || !pk_rd_u16le(&r, &optsize))
        return false;
    uint64_t tab = (uint64_t)lfanew + 24 + optsize;
    for (unsigned i = 0; i < nsec && i < PKI_RUST_MAX_SECTIONS; i++) {
        pk_bytes nm;
        uint32_t raw_size, raw_off;
        if (!pk_rd_sub(f, tab + 40ull * i, 40, &r) || !pk_rd_bytes(&r, 8, &nm) ||
            !pk_rd_skip(&r, 8) || !pk_rd_u32le(&r, &raw_size) || !pk_rd_u32le(&r, &raw_off))
            return false;
        if (memcmp(nm.ptr, SECNAME "\0", SECNAME_LEN + 1) == 0)
            return clip(f, raw_off, raw_size, o, l);
    }
    return false;
}

static bool macho(const pk_rd *f, uint64_t *o, uint64_t *l)
{
    pk_rd r = *f;
    uint32_t magic, ncmds;
    if (!pk_rd_u32le(&r, &magic) || magic != 0xfeedfacfu || !pk_rd_seek(&r, 16) ||
        !pk_rd_u32le(&r, &ncmds))
        return false;
    uint64_t at = 32;
    for (unsigned i = 0; i < ncmds && i < PKI_RUST_MAX_LCMDS; i++) {
        uint32_t cmd, size, nsects;
        if (!pk_rd_seek(&r, at) || !pk_rd_u32le(&r, &cmd) || !pk_rd_u32le(&r, &size) || size < 8)
            return false;
        if (cmd == 0x19 /* LC_SEGMENT_64 */ && pk_rd_seek(&r, at + 64) &&
            pk_rd_u32le(&r, &nsects)) {
            for (uint32_t s = 0; s < nsects && s < PKI_RUST_MAX_SECTIONS; s++) {
                pk_rd sr;
                pk_bytes nm;
                uint64_t size64;
                uint32_t off32;
                if ((uint64_t)72 + 80ull * (s + 1) > size ||
                    !pk_rd_sub(f, at + 72 + 80ull * s, 80, &sr) || !pk_rd_bytes(&sr, 16, &nm) ||
                    !pk_rd_skip(&sr, 24) || !pk_rd_u64le(&sr, &size64) || !pk_rd_u32le(&sr, &off32))
                    break;
                if (memcmp(nm.ptr, SECNAME "\0", SECNAME_LEN + 1) == 0 ||
                    memcmp(nm.ptr, "__dep_v0\0", 9) == 0)
                    return clip(f, off32, size64, o, l);
            }
        }
        at += size;
    }
    return false;
}

bool pki_rust_find_section(pk_bytes file, uint64_t *off, uint64_t *len)
{
    pk_rd f = pk_rd_make(file);
    if (file.len >= 4 && memcmp(file.ptr, "\177ELF", 4) == 0)
        return elf(&f, off, len);
    if (file.len >= 2 && file.ptr[0] == 'M' && file.ptr[1] == 'Z')
        return pe(&f, off, len);
    return macho(&f, off, len);
}
