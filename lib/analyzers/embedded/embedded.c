/* embedded: an executable or archive hidden inside a file of another type, as
 * binwalk finds them. Signatures are registered with the shared matcher; a hit
 * is confirmed from the bytes around it in the look-back window (a PE header is
 * confirmed by finding its "MZ" whose e_lfanew points at it).
 *
 * Not reported: a signature at offset 0 (that is the file's own type) and
 * anything inside files parakh opens as containers (an ELF stored in a tar is
 * unpacked and analysed as a file of its own). */
#include <parakh/analyzer.h>

#include <stdio.h>
#include <string.h>

/* per file and kind; the rest are counted in facts. One archive signature is
 * enough to say "there is an archive here" (a zip has a header per entry). */
#define MAX_EXE_REPORTED     8
#define MAX_ARCHIVE_REPORTED 1

typedef enum kind {
    K_ELF,
    K_PE,
    K_MACHO,
    K_ZIP,
    K_GZIP,
    K_XZ,
    K_7Z,
    K_RAR,
    K_CAB,
    K_BZIP2,
    K_OLE,
    K_COUNT
} kind;

static const struct sig {
    kind k;
    const char *re;
    const char *name;
    int exe;
    uint8_t confidence;
} sigs[] = {
    {K_ELF, "\\x7fELF[\\x01\\x02][\\x01\\x02]\\x01", "ELF executable", 1, 80},
    /* "PE\0\0" and a known machine; the MZ header is confirmed in the callback */
    {K_PE, "PE\\x00\\x00(?:\\x4c\\x01|\\x64\\x86|\\x64\\xaa|\\xc4\\x01|\\x00\\x02)",
     "PE executable", 1, 90},
    {K_MACHO,
     "(?:\\xcf\\xfa\\xed\\xfe|\\xce\\xfa\\xed\\xfe)[\\x07\\x0c\\x12]\\x00[\\x00\\x01]\\x0"
     "1",
     "Mach-O executable", 1, 70},
    {K_ZIP, "PK\\x03\\x04[\\x0a-\\x3f]\\x00", "ZIP archive", 0, 60},
    {K_GZIP, "\\x1f\\x8b\\x08[\\x00-\\x1f]", "gzip stream", 0, 30},
    {K_XZ, "\\xfd7zXZ\\x00", "xz stream", 0, 80},
    {K_7Z, "7z\\xbc\\xaf\\x27\\x1c", "7-Zip archive", 0, 90},
    {K_RAR, "Rar!\\x1a\\x07[\\x00\\x01]", "RAR archive", 0, 90},
    {K_CAB, "MSCF\\x00\\x00\\x00\\x00", "Microsoft cabinet", 0, 80},
    {K_BZIP2, "BZh[1-9]1AY&SY", "bzip2 stream", 0, 70},
    {K_OLE, "\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1", "OLE compound file (MSI/Office)", 0, 80},
};

typedef struct fstate {
    uint32_t count[K_COUNT];
    uint64_t first[K_COUNT];
} fstate;

static pk_status em_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        pk_status st = pk_match_add(reg, (uint32_t)i, sigs[i].re, 0, PK_PAT_DOTALL);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

static int is_exe(pk_ftype t)
{
    return t == PK_FT_ELF || t == PK_FT_PE || t == PK_FT_MZ || t == PK_FT_MACHO ||
           t == PK_FT_MACHO_FAT;
}

static uint32_t u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The PE signature ends at `end`: find an "MZ" before it whose e_lfanew points here. */
static int pe_start(pk_emit *out, uint64_t sig_off, uint64_t *mz_off)
{
    uint64_t from = sig_off > 4096 ? sig_off - 4096 : 0;
    pk_bytes w = pk_emit_window(out, from, sig_off);
    if (w.len < 0x40)
        return 0;
    uint64_t base = sig_off - w.len;
    for (size_t i = w.len - 0x40 + 1; i-- > 0;) {
        if (w.ptr[i] == 'M' && w.ptr[i + 1] == 'Z' && u32le(w.ptr + i + 0x3c) == w.len - i) {
            *mz_off = base + i;
            return 1;
        }
    }
    return 0;
}

static size_t sig_len(const pk_hit *hit)
{
    switch (sigs[hit->pat].k) {
    case K_ELF:
        return 7;
    case K_PE:
        return 6;
    case K_MACHO:
        return 8;
    case K_ZIP:
        return 6;
    case K_GZIP:
        return 4;
    case K_XZ:
    case K_7Z:
        return 6;
    case K_RAR:
        return 7;
    case K_CAB:
    case K_OLE:
        return 8;
    case K_BZIP2:
        return 10;
    case K_COUNT:
        break;
    }
    return 0;
}

static void em_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                     pk_emit *out)
{
    (void)state;
    fstate *f = fs;
    const struct sig *sg = &sigs[hit->pat];
    if (pk_ftype_is_container(file->type))
        return; /* its entries are unpacked and analysed as files of their own */
    uint64_t start = hit->end - sig_len(hit);
    if (sg->k == K_PE) {
        uint64_t mz;
        if (!pe_start(out, start, &mz))
            return;
        start = mz;
    }
    if (start == 0)
        return; /* the file's own header */
    if (f->count[sg->k]++ == 0)
        f->first[sg->k] = start;
    if (f->count[sg->k] > (sg->exe ? MAX_EXE_REPORTED : MAX_ARCHIVE_REPORTED))
        return;
    pk_severity sev;
    const char *rule;
    if (sg->exe) {
        rule = "PK-EMB-0001";
        sev = is_exe(file->type) ? PK_SEV_MEDIUM : PK_SEV_HIGH;
    } else {
        rule = "PK-EMB-0002";
        sev = is_exe(file->type) ? PK_SEV_LOW : PK_SEV_MEDIUM;
    }
    pk_bytes ev = pk_emit_window(out, start, start + 16);
    pk_finding_spec spec = {rule, sev, sg->confidence, {start, 16, NULL}, ev};
    pk_emit_finding(out, &spec, "A %s is embedded at offset %llu inside this %s file.", sg->name,
                    (unsigned long long)start, pk_ftype_name(file->type));
}

static pk_status em_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)file;
    fstate *f = fs;
    pk_fact *o = NULL;
    for (int k = 0; k < K_COUNT; k++) {
        if (!f->count[k])
            continue;
        if (!o && !(o = pk_fact_arr(pk_emit_facts(out), "found")))
            return PK_E_NOMEM;
        pk_fact *e = pk_fact_push_obj(o);
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            if (sigs[i].k == (kind)k)
                pk_fact_set_str(e, "kind", sigs[i].name);
        pk_fact_set_int(e, "count", f->count[k]);
        pk_fact_set_int(e, "first_offset", (int64_t)f->first[k]);
    }
    return PK_OK;
}

const pk_analyzer pki_analyzer_embedded = {
    .name = "embedded",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = em_init,
    .on_match = em_match,
    .analyze = em_analyze,
};
