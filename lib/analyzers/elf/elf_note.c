/* Notes (gABI "Note Section"): the GNU build-id, and the GNU program
 * properties (x86-64 psABI "Program Property", AArch64 ELF ABI) that say
 * whether every object was built for IBT/SHSTK or BTI/PAC. */
#include "elf_int.h"

#include <inttypes.h>
#include <string.h>

#define NT_GNU_BUILD_ID                    3u
#define NT_GNU_PROPERTY_TYPE_0             5u
#define GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000u
#define GNU_PROPERTY_X86_FEATURE_1_AND     0xc0000002u
#define BUILD_ID_MAX                       64u /* SHA-1 is 20 bytes; longer ids are cut in the fact */

static void build_id_publish(pki_elf *e, pk_bytes d)
{
    char buf[BUILD_ID_MAX * 2 + 1];
    size_t n = d.len < BUILD_ID_MAX ? d.len : BUILD_ID_MAX;
    pki_hex(d.ptr, n, buf);
    pk_fact_set_strn(e->facts, "build_id", buf, 2 * n);
}

/* The property array: pr_type, pr_datasz, data padded to 8 (ELFCLASS64) or 4. */
static void properties(pki_elf *e, pk_bytes d, uint64_t off)
{
    pk_rd r = pk_rd_make(d);
    unsigned pad = e->is64 ? 8u : 4u;
    while (pk_rd_left(&r) >= 8) {
        uint32_t type, sz, bits = 0;
        pki_elf_rd_u32(e, &r, &type);
        pki_elf_rd_u32(e, &r, &sz);
        pk_rd data;
        if (!pk_rd_sub(&r, r.pos, sz, &data)) {
            pki_elf_malformed(e, "NT_GNU_PROPERTY_TYPE_0", off,
                              "property 0x%" PRIx32 " claims %" PRIu32 " bytes past the note", type,
                              sz);
            return;
        }
        if (sz == 4 && pki_elf_rd_u32(e, &data, &bits)) {
            if (type == GNU_PROPERTY_X86_FEATURE_1_AND) {
                e->ibt = bits & 1u;
                e->shstk = (bits & 2u) != 0;
            } else if (type == GNU_PROPERTY_AARCH64_FEATURE_1_AND) {
                e->bti = bits & 1u;
                e->pac = (bits & 2u) != 0;
            }
        }
        uint64_t step = ((uint64_t)sz + pad - 1) / pad * pad;
        if (!pk_rd_skip(&r, step))
            return;
    }
}

static uint64_t align_up(uint64_t v, unsigned a)
{
    return (v + a - 1) / a * a;
}

/* Walks one note region; align is 4 or 8 (gABI: the region's alignment). */
static void notes_walk(pki_elf *e, pk_rd region, uint64_t base, unsigned align, const char *what)
{
    for (unsigned k = 0; k < PKI_ELF_MAX_NOTES && pk_rd_left(&region) > 0; k++) {
        uint64_t at = base + region.pos;
        uint32_t namesz, descsz, type;
        pk_bytes name, desc;
        if (!pki_elf_rd_u32(e, &region, &namesz) || !pki_elf_rd_u32(e, &region, &descsz) ||
            !pki_elf_rd_u32(e, &region, &type)) {
            pki_elf_malformed(e, what, at, "note header cut by the end of the region");
            return;
        }
        /* The descriptor and the next note start at the next multiple of
         * align from the note's start (the kernel's ELF_NOTE_DESC_OFFSET):
         * with 8-byte alignment that is not namesz rounded up. */
        uint64_t dstart = align_up(region.pos + (uint64_t)namesz, align);
        if (!pk_rd_bytes(&region, namesz, &name) || !pk_rd_seek(&region, dstart) ||
            !pk_rd_bytes(&region, descsz, &desc)) {
            pki_elf_malformed(e, what, at,
                              "note name (%" PRIu32 " bytes) or descriptor (%" PRIu32
                              " bytes) runs past the region",
                              namesz, descsz);
            return;
        }
        /* the last note's descriptor padding may be missing; tolerated */
        if (!pk_rd_seek(&region, align_up(region.pos, align)))
            region.pos = region.len;
        if (namesz != 4 || memcmp(name.ptr, "GNU", 4) != 0)
            continue;
        if (type == NT_GNU_BUILD_ID && desc.len > 0)
            build_id_publish(e, desc);
        else if (type == NT_GNU_PROPERTY_TYPE_0)
            properties(e, desc, base + dstart);
    }
}

void pki_elf_notes_parse(pki_elf *e)
{
    bool any_seg = false;
    for (size_t i = 0; i < e->nseg; i++) {
        const pki_elf_seg *s = &e->seg[i];
        if (s->type != PKI_PT_NOTE)
            continue;
        any_seg = true;
        pk_rd r;
        if (!pk_rd_sub(&e->rd, s->off, s->filesz, &r)) {
            pki_elf_malformed(e, "PT_NOTE", s->hdr_off,
                              "notes at offset 0x%" PRIx64 " size 0x%" PRIx64
                              " lie outside the file",
                              s->off, s->filesz);
            continue;
        }
        notes_walk(e, r, s->off, s->align == 8 ? 8u : 4u, "PT_NOTE");
    }
    /* Objects (ET_REL) and files whose note segments are lost: sections. */
    if (!any_seg) {
        for (size_t i = 0; i < e->nsec; i++) {
            const pki_elf_sec *s = &e->sec[i];
            pk_rd r;
            if (s->type != PKI_SHT_NOTE)
                continue;
            if (!pki_elf_sec_rd(e, s, &r)) {
                pki_elf_malformed(e, "SHT_NOTE", s->hdr_off,
                                  "notes at offset 0x%" PRIx64 " size 0x%" PRIx64
                                  " lie outside the file",
                                  s->off, s->size);
                continue;
            }
            notes_walk(e, r, s->off, s->align == 8 ? 8u : 4u, "SHT_NOTE");
        }
    }
}
