/* PE headers: MS-DOS stub, COFF file header, optional header (PE32 and PE32+),
 * section table with entropy, data directories, hardening flags, overlay.
 * Field offsets follow "PE Format", sections "MS-DOS Stub", "COFF File
 * Header", "Optional Header Image Only" and "Section Table". */
#include "pe_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* IMAGE_FILE_* and IMAGE_DLLCHARACTERISTICS_* ("Characteristics", "DLL Characteristics") */
#define FILE_RELOCS_STRIPPED  0x0001u
#define FILE_DLL              0x2000u
#define DLLCH_HIGH_ENTROPY_VA 0x0020u
#define DLLCH_DYNAMIC_BASE    0x0040u
#define DLLCH_FORCE_INTEGRITY 0x0080u
#define DLLCH_NX_COMPAT       0x0100u
#define DLLCH_NO_SEH          0x0400u
#define DLLCH_GUARD_CF        0x4000u
/* IMAGE_SCN_* ("Section Flags") */
#define SCN_CNT_CODE    0x00000020u
#define SCN_MEM_EXECUTE 0x20000000u
#define SCN_MEM_WRITE   0x80000000u

#define MACHINE_I386        0x014cu
#define OPT_MAGIC_PE32      0x010bu
#define OPT_MAGIC_PE32_PLUS 0x020bu
#define SECTION_HEADER_SIZE 40u
#define PACKED_ENTROPY      7.2

static const struct {
    uint16_t id;
    const char *name;
} machines[] = {
    {0x0000, "UNKNOWN"},   {0x014c, "I386"},        {0x0166, "R4000"},       {0x0169, "WCEMIPSV2"},
    {0x0184, "ALPHA"},     {0x01a2, "SH3"},         {0x01a6, "SH4"},         {0x01c0, "ARM"},
    {0x01c2, "THUMB"},     {0x01c4, "ARMNT"},       {0x01f0, "POWERPC"},     {0x01f1, "POWERPCFP"},
    {0x0200, "IA64"},      {0x0266, "MIPS16"},      {0x0284, "ALPHA64"},     {0x0366, "MIPSFPU"},
    {0x0466, "MIPSFPU16"}, {0x0ebc, "EBC"},         {0x5032, "RISCV32"},     {0x5064, "RISCV64"},
    {0x5128, "RISCV128"},  {0x6232, "LOONGARCH32"}, {0x6264, "LOONGARCH64"}, {0x8664, "AMD64"},
    {0x9041, "M32R"},      {0xa641, "ARM64EC"},     {0xa64e, "ARM64X"},      {0xaa64, "ARM64"},
};

static const char *const subsystems[] = {
    [0] = "UNKNOWN",
    [1] = "NATIVE",
    [2] = "WINDOWS_GUI",
    [3] = "WINDOWS_CUI",
    [5] = "OS2_CUI",
    [7] = "POSIX_CUI",
    [8] = "NATIVE_WINDOWS",
    [9] = "WINDOWS_CE_GUI",
    [10] = "EFI_APPLICATION",
    [11] = "EFI_BOOT_SERVICE_DRIVER",
    [12] = "EFI_RUNTIME_DRIVER",
    [13] = "EFI_ROM",
    [14] = "XBOX",
    [16] = "WINDOWS_BOOT_APPLICATION",
};

static const char *const dir_names[PKI_PE_NDIRS] = {
    "export", "import",       "resource",    "exception", "security",    "basereloc",
    "debug",  "architecture", "globalptr",   "tls",       "load_config", "bound_import",
    "iat",    "delay_import", "clr_runtime", "reserved",
};

/* Packer section names (UPX, ASPack, MPRESS, PECompact, NsPack, FSG, Themida,
 * VMProtect, Enigma, PELock, Petite, kkrunchy, MEW). Compared on all 8 bytes. */
static const char *const packer_names[] = {
    "UPX0",     "UPX1",     "UPX2",    "UPX!",     ".aspack", ".adata",  "ASPack",   ".MPRESS1",
    ".MPRESS2", "pec1",     "pec2",    "PEC2TO",   "PEC2",    ".nsp0",   ".nsp1",    ".nsp2",
    "nsp0",     "nsp1",     "FSG!",    ".themida", ".vmp0",   ".vmp1",   ".vmp2",    ".enigma1",
    ".enigma2", "PELOCKnt", ".petite", "kkrunchy", "MEW",     ".packed", ".perplex",
};

double pki_pe_entropy(pk_bytes b)
{
    if (b.len == 0)
        return 0.0;
    uint64_t count[256] = {0};
    for (size_t i = 0; i < b.len; i++)
        count[b.ptr[i]]++;
    double h = 0.0, n = (double)b.len;
    for (int i = 0; i < 256; i++) {
        if (!count[i])
            continue;
        double p = (double)count[i] / n;
        h -= p * log2(p);
    }
    if (h < 0.0)
        h = 0.0;
    if (h > 8.0)
        h = 8.0;
    return h;
}

static const char *machine_name(uint16_t m)
{
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
        if (machines[i].id == m)
            return machines[i].name;
    return "OTHER";
}

/* The optional header's fixed part; ndirs data directories follow it. */
static void read_optional(pki_pe *pe)
{
    uint64_t avail = pe->data.len > pe->opt_off ? pe->data.len - pe->opt_off : 0;
    uint64_t len = pe->opt_size < avail ? pe->opt_size : avail;
    pk_rd r;
    uint16_t magic = 0;
    if (pe->opt_size == 0) {
        pki_pe_malformed(pe, "optional header", pe->opt_off, "SizeOfOptionalHeader is 0");
        return;
    }
    if (!pk_rd_sub(&pe->rd, pe->opt_off, len, &r) || !pk_rd_u16le(&r, &magic)) {
        pki_pe_malformed(pe, "optional header", pe->opt_off, "truncated before Magic");
        return;
    }
    if (magic != OPT_MAGIC_PE32 && magic != OPT_MAGIC_PE32_PLUS) {
        pki_pe_malformed(pe, "optional header", pe->opt_off, "unknown Magic 0x%x", magic);
        return;
    }
    pe->pe32_plus = magic == OPT_MAGIC_PE32_PLUS;
    uint32_t base32 = 0, nrva = 0;
    bool ok = pk_rd_seek(&r, 16) && pk_rd_u32le(&r, &pe->entry);
    if (pe->pe32_plus)
        ok = ok && pk_rd_seek(&r, 24) && pk_rd_u64le(&r, &pe->image_base);
    else
        ok = ok && pk_rd_seek(&r, 28) && pk_rd_u32le(&r, &base32);
    ok = ok && pk_rd_seek(&r, 60) && pk_rd_u32le(&r, &pe->size_of_headers) && pk_rd_seek(&r, 68) &&
         pk_rd_u16le(&r, &pe->subsystem) && pk_rd_u16le(&r, &pe->dll_chars) &&
         pk_rd_seek(&r, pe->pe32_plus ? 108 : 92) && pk_rd_u32le(&r, &nrva);
    if (!ok) {
        pki_pe_malformed(pe, "optional header", pe->opt_off,
                         "%s fixed part truncated (SizeOfOptionalHeader %u, %llu bytes in file)",
                         pe->pe32_plus ? "PE32+" : "PE32", pe->opt_size, (unsigned long long)avail);
        return;
    }
    if (!pe->pe32_plus)
        pe->image_base = base32;
    pe->have_opt = true;
    pe->dll_chars_off = pe->opt_off + 70;
    pe->dir_off = pe->opt_off + r.pos;
    pe->ndirs = nrva < PKI_PE_NDIRS ? nrva : PKI_PE_NDIRS;
    for (uint32_t i = 0; i < pe->ndirs; i++) {
        if (!pk_rd_u32le(&r, &pe->dir_rva[i]) || !pk_rd_u32le(&r, &pe->dir_size[i])) {
            pki_pe_malformed(pe, "data directories", pe->opt_off + r.pos,
                             "%u of %u entries fit in the optional header", i, pe->ndirs);
            pe->ndirs = i;
            break;
        }
    }
}

static void read_sections(pki_pe *pe)
{
    uint64_t off = pe->opt_off + pe->opt_size;
    uint32_t n = pe->nsec_hdr < PKI_PE_MAX_SECTIONS ? pe->nsec_hdr : PKI_PE_MAX_SECTIONS;
    if (n == 0)
        return;
    pe->secs = pki_calloc(n, sizeof *pe->secs);
    if (!pe->secs) {
        pe->st = PK_E_NOMEM;
        return;
    }
    pk_rd r = pe->rd;
    if (!pk_rd_seek(&r, off)) {
        pki_pe_malformed(pe, "section table", off, "starts past the end of the file");
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        pki_pe_sec *s = &pe->secs[i];
        uint64_t hoff = r.pos;
        pk_bytes name;
        if (!pk_rd_bytes(&r, 8, &name) || !pk_rd_u32le(&r, &s->vsize) ||
            !pk_rd_u32le(&r, &s->vaddr) || !pk_rd_u32le(&r, &s->raw_size) ||
            !pk_rd_u32le(&r, &s->raw_off) || !pk_rd_skip(&r, 12) || !pk_rd_u32le(&r, &s->chars)) {
            pki_pe_malformed(pe, "section table", hoff, "%u of %u section headers readable", i,
                             pe->nsec_hdr);
            return;
        }
        /* printable ASCII only: the name lands in records and messages */
        size_t k = 0;
        for (; k < 8 && name.ptr[k]; k++)
            s->name[k] = (name.ptr[k] >= 0x20 && name.ptr[k] < 0x7f) ? (char)name.ptr[k] : '?';
        s->name[k] = '\0';
        s->hdr_off = hoff;
        pe->nsecs = i + 1;
    }
}

bool pki_pe_parse_headers(pki_pe *pe)
{
    pk_rd r = pe->rd;
    pk_bytes sig;
    if (!pk_rd_bytes(&r, 2, &sig) || memcmp(sig.ptr, "MZ", 2) != 0 || !pk_rd_seek(&r, 0x3c) ||
        !pk_rd_u32le(&r, &pe->pe_off)) {
        pki_pe_malformed(pe, "MS-DOS header", 0, "no MZ header with e_lfanew");
        return false;
    }
    if (!pk_rd_seek(&r, pe->pe_off) || !pk_rd_bytes(&r, 4, &sig) ||
        memcmp(sig.ptr, "PE\0\0", 4) != 0) {
        pki_pe_malformed(pe, "PE signature", pe->pe_off, "no PE\\0\\0 at e_lfanew");
        return false;
    }
    uint32_t symptr, nsym;
    if (!pk_rd_u16le(&r, &pe->machine) || !pk_rd_u16le(&r, &pe->nsec_hdr) ||
        !pk_rd_u32le(&r, &pe->timestamp) || !pk_rd_u32le(&r, &symptr) || !pk_rd_u32le(&r, &nsym) ||
        !pk_rd_u16le(&r, &pe->opt_size) || !pk_rd_u16le(&r, &pe->chars)) {
        pki_pe_malformed(pe, "COFF file header", (uint64_t)pe->pe_off + 4, "truncated");
        return false;
    }
    pe->opt_off = (uint64_t)pe->pe_off + 24;
    read_optional(pe);
    read_sections(pe);
    if (pe->nsec_hdr > PKI_PE_MAX_SECTIONS)
        pk_fact_set_bool(pe->facts, "sections_truncated", 1);
    /* Sections may overlap (96 of them can each claim the whole file): past a
     * budget of twice the file, entropy is measured on a prefix only. */
    uint64_t budget = 2 * (uint64_t)pe->data.len;
    for (uint32_t i = 0; i < pe->nsecs; i++) {
        pki_pe_sec *s = &pe->secs[i];
        uint64_t end = (uint64_t)s->raw_off + s->raw_size;
        if (s->raw_size && end > pe->data.len)
            pki_pe_malformed(pe, "section data", s->raw_off,
                             "section %s declares %u raw bytes but the file ends at 0x%llx",
                             s->name, s->raw_size, (unsigned long long)pe->data.len);
        pk_bytes b = {NULL, 0};
        if (s->raw_off < pe->data.len) {
            b.ptr = pe->data.ptr + s->raw_off;
            b.len = end > pe->data.len ? pe->data.len - s->raw_off : s->raw_size;
        }
        if (b.len > budget) {
            b.len = budget > PKI_PE_ENTROPY_SAMPLE ? (size_t)budget : PKI_PE_ENTROPY_SAMPLE;
            if (b.len > pe->data.len - s->raw_off)
                b.len = pe->data.len - s->raw_off;
            pk_fact_set_bool(pe->facts, "entropy_sampled", 1);
        }
        budget -= b.len < budget ? b.len : budget;
        s->entropy = pki_pe_entropy(b);
    }
    return pe->st == PK_OK;
}

/* SafeSEH applies to x86 images only: a PE32 load configuration with a
 * SEHandlerTable and SEHandlerCount ("The Load Configuration Structure", offsets
 * 0x40 and 0x44). Returns -1 when not applicable or not determinable. */
static int safeseh(const pki_pe *pe)
{
    if (pe->pe32_plus || pe->machine != MACHINE_I386)
        return -1;
    if (pe->ndirs <= PKI_PE_DIR_LOAD_CONFIG || !pe->dir_rva[PKI_PE_DIR_LOAD_CONFIG])
        return 0;
    pk_rd r;
    uint32_t size, table, count;
    if (!pki_pe_rva_rd(pe, pe->dir_rva[PKI_PE_DIR_LOAD_CONFIG], &r, NULL) ||
        !pk_rd_u32le(&r, &size))
        return -1;
    if (size < 0x48)
        return 0;
    if (!pk_rd_seek(&r, 0x40) || !pk_rd_u32le(&r, &table) || !pk_rd_u32le(&r, &count))
        return -1;
    return table != 0 && count != 0;
}

static bool has_code(const pki_pe *pe)
{
    for (uint32_t i = 0; i < pe->nsecs; i++)
        if (pe->secs[i].chars & (SCN_MEM_EXECUTE | SCN_CNT_CODE))
            return true;
    return false;
}

static bool aslr(const pki_pe *pe)
{
    return (pe->dll_chars & DLLCH_DYNAMIC_BASE) && !(pe->chars & FILE_RELOCS_STRIPPED);
}

static void facts_sections(pki_pe *pe)
{
    pk_fact *arr = pk_fact_arr(pe->facts, "sections");
    for (uint32_t i = 0; i < pe->nsecs; i++) {
        const pki_pe_sec *s = &pe->secs[i];
        pk_fact *o = pk_fact_push_obj(arr);
        pk_fact_set_str(o, "name", s->name);
        pk_fact_set_int(o, "vaddr", s->vaddr);
        pk_fact_set_int(o, "vsize", s->vsize);
        pk_fact_set_int(o, "raw_offset", s->raw_off);
        pk_fact_set_int(o, "raw_size", s->raw_size);
        pk_fact_set_int(o, "characteristics", s->chars);
        pk_fact_set_real(o, "entropy", round(s->entropy * 1000.0) / 1000.0);
    }
    pk_fact_set_int(pe->facts, "section_count", pe->nsec_hdr);
}

void pki_pe_facts_headers(pki_pe *pe)
{
    pk_fact *f = pe->facts;
    pk_fact *m = pk_fact_obj(f, "machine");
    pk_fact_set_str(m, "name", machine_name(pe->machine));
    pk_fact_set_int(m, "number", pe->machine);
    pk_fact_set_int(f, "timestamp", pe->timestamp);
    pk_fact_set_int(f, "characteristics", pe->chars);
    pk_fact_set_bool(f, "dll", (pe->chars & FILE_DLL) != 0);
    facts_sections(pe);
    if (!pe->have_opt)
        return;
    pk_fact_set_bool(f, "pe32_plus", pe->pe32_plus);
    const char *sub =
        pe->subsystem < sizeof subsystems / sizeof subsystems[0] ? subsystems[pe->subsystem] : NULL;
    pk_fact_set_str(f, "subsystem", sub ? sub : "OTHER");
    pk_fact_set_int(f, "entry_point", pe->entry);
    pk_fact_set_int(f, "image_base", (int64_t)pe->image_base);
    pk_fact_set_int(f, "dll_characteristics", pe->dll_chars);

    pk_fact *h = pk_fact_obj(f, "hardening");
    pk_fact_set_bool(h, "aslr", aslr(pe));
    pk_fact_set_bool(h, "high_entropy_va", (pe->dll_chars & DLLCH_HIGH_ENTROPY_VA) != 0);
    pk_fact_set_bool(h, "nx", (pe->dll_chars & DLLCH_NX_COMPAT) != 0);
    pk_fact_set_bool(h, "cfg", (pe->dll_chars & DLLCH_GUARD_CF) != 0);
    pk_fact_set_bool(h, "no_seh", (pe->dll_chars & DLLCH_NO_SEH) != 0);
    pk_fact_set_bool(h, "force_integrity", (pe->dll_chars & DLLCH_FORCE_INTEGRITY) != 0);
    int seh = safeseh(pe);
    if (seh >= 0)
        pk_fact_set_bool(h, "safeseh", seh);

    pk_fact *dirs = pk_fact_arr(f, "data_directories");
    for (uint32_t i = 0; i < pe->ndirs; i++) {
        if (!pe->dir_rva[i] && !pe->dir_size[i])
            continue;
        pk_fact *d = pk_fact_push_obj(dirs);
        pk_fact_set_str(d, "name", dir_names[i]);
        pk_fact_set_int(d, "rva", pe->dir_rva[i]);
        pk_fact_set_int(d, "size", pe->dir_size[i]);
    }
}

static void hardening_finding(pki_pe *pe, const char *id, pk_severity sev, const char *fmt,
                              unsigned flags)
{
    pk_finding_spec spec = {
        .rule_id = id,
        .severity = sev,
        .confidence = 100,
        .loc = {.offset = pe->dll_chars_off,
                .length = 2,
                .record = "IMAGE_OPTIONAL_HEADER.DllCharacteristics"},
    };
    if (pe->dll_chars_off + 2 <= pe->data.len) {
        spec.evidence.ptr = pe->data.ptr + pe->dll_chars_off;
        spec.evidence.len = 2;
    }
    pki_pe_finding(pe, &spec, fmt, flags);
}

void pki_pe_check_hardening(pki_pe *pe)
{
    /* Resource-only images never run code: the mitigations do not apply. */
    if (!pe->have_opt || !has_code(pe))
        return;
    if (!aslr(pe)) {
        if (pe->chars & FILE_RELOCS_STRIPPED)
            hardening_finding(pe, "PK-PE-0001", PK_SEV_MEDIUM,
                              "No ASLR: relocations are stripped (DllCharacteristics 0x%04x), so "
                              "the image always loads at its preferred base.",
                              pe->dll_chars);
        else
            hardening_finding(pe, "PK-PE-0001", PK_SEV_MEDIUM,
                              "No ASLR: DllCharacteristics 0x%04x lacks DYNAMIC_BASE.",
                              pe->dll_chars);
    }
    if (!(pe->dll_chars & DLLCH_NX_COMPAT))
        hardening_finding(pe, "PK-PE-0002", PK_SEV_MEDIUM,
                          "No DEP: DllCharacteristics 0x%04x lacks NX_COMPAT.", pe->dll_chars);
    if (!(pe->dll_chars & DLLCH_GUARD_CF))
        hardening_finding(pe, "PK-PE-0003", PK_SEV_LOW,
                          "No Control Flow Guard: DllCharacteristics 0x%04x lacks GUARD_CF.",
                          pe->dll_chars);
    if (pe->pe32_plus && !(pe->dll_chars & DLLCH_HIGH_ENTROPY_VA))
        hardening_finding(pe, "PK-PE-0006", PK_SEV_LOW,
                          "64-bit image without high-entropy ASLR: DllCharacteristics 0x%04x "
                          "lacks HIGH_ENTROPY_VA.",
                          pe->dll_chars);
}

static bool packer_name(const char *name)
{
    for (size_t i = 0; i < sizeof packer_names / sizeof packer_names[0]; i++)
        if (strcmp(name, packer_names[i]) == 0)
            return true;
    return false;
}

static void section_finding(pki_pe *pe, const pki_pe_sec *s, const char *id, uint8_t conf,
                            const char *msg)
{
    char record[32];
    snprintf(record, sizeof record, "section %s", s->name);
    pk_finding_spec spec = {
        .rule_id = id,
        .severity = PK_SEV_MEDIUM,
        .confidence = conf,
        .loc = {.offset = s->hdr_off, .length = SECTION_HEADER_SIZE, .record = record},
        .evidence = {pe->data.ptr + s->hdr_off, SECTION_HEADER_SIZE},
    };
    pki_pe_finding(pe, &spec, "%s", msg);
}

void pki_pe_check_sections(pki_pe *pe)
{
    char msg[160];
    for (uint32_t i = 0; i < pe->nsecs; i++) {
        const pki_pe_sec *s = &pe->secs[i];
        bool exec = (s->chars & (SCN_MEM_EXECUTE | SCN_CNT_CODE)) != 0;
        if (packer_name(s->name)) {
            snprintf(msg, sizeof msg, "Likely packed: section name %s is used by a packer.",
                     s->name);
            section_finding(pe, s, "PK-PE-0005", 80, msg);
        } else if (exec && s->entropy > PACKED_ENTROPY) {
            snprintf(msg, sizeof msg,
                     "Likely packed: executable section %s has entropy %.3f bits per byte "
                     "(above %.1f).",
                     s->name, s->entropy, PACKED_ENTROPY);
            section_finding(pe, s, "PK-PE-0005", 60, msg);
        }
        if ((s->chars & SCN_MEM_WRITE) && (s->chars & SCN_MEM_EXECUTE)) {
            snprintf(msg, sizeof msg,
                     "Section %s is both writable and executable (characteristics 0x%08x).",
                     s->name, s->chars);
            section_finding(pe, s, "PK-PE-0008", 100, msg);
        }
    }
}

void pki_pe_overlay(pki_pe *pe)
{
    uint64_t end = pe->size_of_headers;
    for (uint32_t i = 0; i < pe->nsecs; i++) {
        const pki_pe_sec *s = &pe->secs[i];
        if (s->raw_size && (uint64_t)s->raw_off + s->raw_size > end)
            end = (uint64_t)s->raw_off + s->raw_size;
    }
    uint64_t flen = pe->data.len;
    if (end >= flen)
        return;
    uint64_t off = end, size = flen - end;
    /* The certificate table is addressed by file offset and normally sits at the
     * end, outside every section; it is not an overlay. */
    if (pe->ndirs > PKI_PE_DIR_SECURITY && pe->dir_size[PKI_PE_DIR_SECURITY]) {
        uint64_t c0 = pe->dir_rva[PKI_PE_DIR_SECURITY];
        uint64_t c1 = c0 + pe->dir_size[PKI_PE_DIR_SECURITY];
        if (c1 > flen)
            c1 = flen;
        if (c0 >= end && c0 < flen) {
            if (c0 > end)
                size = c0 - end;
            else if (c1 < flen)
                off = c1, size = flen - c1;
            else
                return;
        }
    }
    pk_fact *o = pk_fact_obj(pe->facts, "overlay");
    pk_fact_set_int(o, "offset", (int64_t)off);
    pk_fact_set_int(o, "size", (int64_t)size);
}
