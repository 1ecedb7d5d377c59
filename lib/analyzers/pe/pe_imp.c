/* Import, delay-load import and export tables ("PE Format", sections "The
 * .idata Section", "Delay-Load Import Tables" and "The .edata Section"). */
#include "pe_int.h"

#include <stdio.h>

#define DELAY_DESCRIPTOR_SIZE 32u
#define EXPORT_DIRECTORY_SIZE 40u
#define DELAY_ATTR_RVA_BASED  0x1u

typedef struct imp_walk {
    unsigned listed;         /* functions listed, all tables together (capped) */
    uint64_t counted;        /* entries read, all tables together (capped) */
    uint64_t counted_before; /* what earlier tables read */
    bool truncated;
} imp_walk;

/* An address in an old (Visual C++ 6) delay descriptor is a VA; make it an RVA. */
static bool va_to_rva(const pki_pe *pe, uint64_t va, uint32_t *rva)
{
    if (va < pe->image_base || va - pe->image_base > UINT32_MAX)
        return false;
    *rva = (uint32_t)(va - pe->image_base);
    return true;
}

/* The import lookup table: 32- or 64-bit entries ending with zero; the top bit
 * says import by ordinal, else the low 31 bits are the RVA of a hint/name entry. */
static void walk_thunks(pki_pe *pe, pk_fact *dll, uint32_t rva, bool va_based, const char *table,
                        uint64_t desc_at, imp_walk *w)
{
    pk_rd r;
    uint64_t base;
    if (!pki_pe_rva_rd(pe, rva, &r, &base)) {
        pki_pe_malformed(pe, table, desc_at, "lookup table RVA 0x%x maps to no file bytes", rva);
        return;
    }
    pk_fact *fns = pk_fact_arr(dll, "functions");
    unsigned n = 0;
    for (;;) {
        uint64_t v;
        uint32_t v32;
        bool ordinal;
        uint64_t at = base + r.pos;
        if (pe->pe32_plus ? !pk_rd_u64le(&r, &v) : !pk_rd_u32le(&r, &v32)) {
            pki_pe_malformed(pe, table, at, "lookup table runs past its section");
            break;
        }
        if (!pe->pe32_plus)
            v = v32;
        if (v == 0)
            break;
        if (w->counted >= PKI_PE_MAX_IMPORT_THUNKS) {
            w->truncated = true;
            break;
        }
        ordinal = pe->pe32_plus ? (v >> 63) != 0 : (v >> 31) != 0;
        n++;
        w->counted++;
        if (w->listed >= PKI_PE_MAX_IMPORT_FUNCS) {
            w->truncated = true;
            continue;
        }
        w->listed++;
        if (ordinal) {
            char buf[16];
            snprintf(buf, sizeof buf, "#%u", (unsigned)(v & 0xffff));
            pk_fact_push_str(fns, buf);
            continue;
        }
        uint32_t hint_rva = (uint32_t)(v & 0x7fffffffu);
        if (va_based && !va_to_rva(pe, v, &hint_rva)) {
            pki_pe_malformed(pe, table, at, "name address 0x%llx is outside the image",
                             (unsigned long long)v);
            continue;
        }
        pk_bytes name;
        if (hint_rva > UINT32_MAX - 2 || !pki_pe_rva_str(pe, hint_rva + 2, &name)) {
            pki_pe_malformed(pe, table, at, "hint/name RVA 0x%x unreadable", hint_rva);
            continue;
        }
        pk_fact_push_strn(fns, (const char *)name.ptr, name.len);
    }
    pk_fact_set_int(dll, "count", n);
}

static void set_dll_name(pki_pe *pe, pk_fact *dll, uint32_t rva, const char *table, uint64_t at)
{
    pk_bytes name;
    if (pki_pe_rva_str(pe, rva, &name)) {
        pk_fact_set_strn(dll, "dll", (const char *)name.ptr, name.len);
        return;
    }
    pk_fact_set_str(dll, "dll", "");
    pki_pe_malformed(pe, table, at, "DLL name RVA 0x%x unreadable", rva);
}

static void walk_done(pki_pe *pe, const imp_walk *w, const char *count_key)
{
    pk_fact_set_int(pe->facts, count_key, (int64_t)w->counted - (int64_t)w->counted_before);
    if (w->truncated)
        pk_fact_set_bool(pe->facts, "imports_truncated", 1);
}

void pki_pe_parse_imports(pki_pe *pe)
{
    imp_walk w = {0, 0, 0, false};
    if (pe->ndirs <= PKI_PE_DIR_IMPORT || !pe->dir_rva[PKI_PE_DIR_IMPORT])
        return;
    const char *table = "import directory";
    pk_rd r;
    uint64_t base;
    if (!pki_pe_rva_rd(pe, pe->dir_rva[PKI_PE_DIR_IMPORT], &r, &base)) {
        pki_pe_malformed(pe, table, PK_LOC_NONE, "RVA 0x%x maps to no file bytes",
                         pe->dir_rva[PKI_PE_DIR_IMPORT]);
        return;
    }
    pk_fact *arr = pk_fact_arr(pe->facts, "imports");
    for (unsigned i = 0; i < PKI_PE_MAX_IMPORT_DLLS; i++) {
        uint64_t at = base + r.pos;
        uint32_t ilt, ts, fwd, name, iat;
        if (!pk_rd_u32le(&r, &ilt) || !pk_rd_u32le(&r, &ts) || !pk_rd_u32le(&r, &fwd) ||
            !pk_rd_u32le(&r, &name) || !pk_rd_u32le(&r, &iat)) {
            pki_pe_malformed(pe, table, at, "descriptor %u runs past its section", i);
            break;
        }
        if (!ilt && !ts && !fwd && !name && !iat)
            break;
        pk_fact *dll = pk_fact_push_obj(arr);
        set_dll_name(pe, dll, name, table, at);
        /* The lookup table; bound or old images may have only the IAT. */
        walk_thunks(pe, dll, ilt ? ilt : iat, false, "import lookup table", at, &w);
    }
    walk_done(pe, &w, "import_function_count");
    pe->imports_listed = w.listed;
    pe->imports_counted = w.counted;
}

void pki_pe_parse_delay_imports(pki_pe *pe)
{
    imp_walk w = {pe->imports_listed, pe->imports_counted, pe->imports_counted, false};
    if (pe->ndirs <= PKI_PE_DIR_DELAY_IMPORT || !pe->dir_rva[PKI_PE_DIR_DELAY_IMPORT])
        return;
    const char *table = "delay import directory";
    pk_rd r;
    uint64_t base;
    if (!pki_pe_rva_rd(pe, pe->dir_rva[PKI_PE_DIR_DELAY_IMPORT], &r, &base)) {
        pki_pe_malformed(pe, table, PK_LOC_NONE, "RVA 0x%x maps to no file bytes",
                         pe->dir_rva[PKI_PE_DIR_DELAY_IMPORT]);
        return;
    }
    /* The table ends with a zeroed descriptor, but GNU ld's descriptors are
     * followed by code: the directory's Size bounds the count too. */
    uint32_t size = pe->dir_size[PKI_PE_DIR_DELAY_IMPORT];
    unsigned max = PKI_PE_MAX_IMPORT_DLLS;
    if (size >= DELAY_DESCRIPTOR_SIZE && size / DELAY_DESCRIPTOR_SIZE < max)
        max = size / DELAY_DESCRIPTOR_SIZE;
    pk_fact *arr = pk_fact_arr(pe->facts, "delay_imports");
    for (unsigned i = 0; i < max; i++) {
        uint64_t at = base + r.pos;
        uint32_t f[8];
        bool ok = true;
        for (int k = 0; k < 8 && ok; k++)
            ok = pk_rd_u32le(&r, &f[k]);
        if (!ok) {
            pki_pe_malformed(pe, table, at, "descriptor %u runs past its section", i);
            break;
        }
        if (!f[1] && !f[3] && !f[4]) /* no name, IAT or INT: the terminating entry */
            break;
        bool va_based = !(f[0] & DELAY_ATTR_RVA_BASED);
        uint32_t name = f[1], ints = f[4];
        if (va_based && (!va_to_rva(pe, f[1], &name) || !va_to_rva(pe, f[4], &ints))) {
            pki_pe_malformed(pe, table, at, "descriptor %u addresses lie outside the image", i);
            continue;
        }
        pk_fact *dll = pk_fact_push_obj(arr);
        set_dll_name(pe, dll, name, table, at);
        walk_thunks(pe, dll, ints, va_based, "delay import name table", at, &w);
    }
    walk_done(pe, &w, "delay_import_function_count");
}

void pki_pe_parse_exports(pki_pe *pe)
{
    if (pe->ndirs <= PKI_PE_DIR_EXPORT || !pe->dir_rva[PKI_PE_DIR_EXPORT])
        return;
    const char *table = "export directory";
    pk_rd r;
    uint64_t base;
    uint32_t name, obase, nfun, nnames, afun, anames;
    if (!pki_pe_rva_rd(pe, pe->dir_rva[PKI_PE_DIR_EXPORT], &r, &base)) {
        pki_pe_malformed(pe, table, PK_LOC_NONE, "RVA 0x%x maps to no file bytes",
                         pe->dir_rva[PKI_PE_DIR_EXPORT]);
        return;
    }
    if (!pk_rd_seek(&r, 12) || !pk_rd_u32le(&r, &name) || !pk_rd_u32le(&r, &obase) ||
        !pk_rd_u32le(&r, &nfun) || !pk_rd_u32le(&r, &nnames) || !pk_rd_u32le(&r, &afun) ||
        !pk_rd_u32le(&r, &anames)) {
        pki_pe_malformed(pe, table, base, "truncated (%u bytes needed)", EXPORT_DIRECTORY_SIZE);
        return;
    }
    pk_bytes dll;
    if (name && pki_pe_rva_str(pe, name, &dll))
        pk_fact_set_strn(pe->facts, "export_dll_name", (const char *)dll.ptr, dll.len);
    pk_fact_set_int(pe->facts, "export_count", nfun);
    pk_fact_set_int(pe->facts, "export_name_count", nnames);
    pk_fact *arr = pk_fact_arr(pe->facts, "exports");
    if (nnames == 0)
        return;
    pk_rd names;
    uint64_t noff;
    if (!pki_pe_rva_rd(pe, anames, &names, &noff)) {
        pki_pe_malformed(pe, table, base + 32, "AddressOfNames RVA 0x%x maps to no file bytes",
                         anames);
        return;
    }
    uint32_t n = nnames < PKI_PE_MAX_EXPORTS ? nnames : PKI_PE_MAX_EXPORTS;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t rva;
        pk_bytes s;
        if (!pk_rd_u32le(&names, &rva)) {
            pki_pe_malformed(pe, table, noff + names.pos,
                             "name pointer table holds %u of %u entries", i, nnames);
            return;
        }
        if (!pki_pe_rva_str(pe, rva, &s)) {
            pki_pe_malformed(pe, table, noff + names.pos - 4, "export name RVA 0x%x unreadable",
                             rva);
            continue;
        }
        pk_fact_push_strn(arr, (const char *)s.ptr, s.len);
    }
    if (nnames > n)
        pk_fact_set_bool(pe->facts, "exports_truncated", 1);
}
