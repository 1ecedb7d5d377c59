/* The Mach-O analyzer: a minimal, bounded reader of the header and load
 * commands of thin Mach-O files, and of the architecture list of fat
 * (universal) files. Layouts follow Apple's <mach-o/loader.h> and
 * <mach-o/fat.h> (cctools/xnu, EXTERNAL_HEADERS/mach-o).
 *
 * Every byte is read through pk_rd; load commands are walked with cmdsize
 * checked against sizeofcmds and the file, counts are capped, and a fat file's
 * slices are parsed as thin files only (a fat slice inside a fat file is not
 * descended), so there is no recursion. Damage becomes PK-MACHO-0001.
 *
 * Ownership: the parse state lives on the stack for one analyze() call and
 * borrows the file bytes; facts and findings are copied by pk_emit. */
#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "../../core/rd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Limits, each far above what Apple's toolchain writes. */
#define MACHO_MAX_CMDS      4096u /* load commands walked per slice */
#define MACHO_MAX_DYLIBS    1024u /* dylib names listed per slice */
#define MACHO_MAX_NAME      1024u /* bytes of one dylib path */
#define MACHO_MAX_ARCHS     32u   /* fat_arch entries read */
#define MACHO_MAX_MALFORMED 16u   /* PK-MACHO-0001 findings per file */

#define MH_MAGIC     0xfeedfaceu
#define MH_MAGIC_64  0xfeedfacfu
#define MH_CIGAM     0xcefaedfeu
#define MH_CIGAM_64  0xcffaedfeu
#define FAT_MAGIC    0xcafebabeu
#define FAT_MAGIC_64 0xcafebabfu
#define MH_PIE       0x200000u

#define LC_REQ_DYLD          0x80000000u
#define LC_LOAD_DYLIB        0xcu
#define LC_ID_DYLIB          0xdu
#define LC_CODE_SIGNATURE    0x1du
#define LC_LAZY_LOAD_DYLIB   0x20u
#define LC_LOAD_WEAK_DYLIB   (0x18u | LC_REQ_DYLD)
#define LC_REEXPORT_DYLIB    (0x1fu | LC_REQ_DYLD)
#define LC_LOAD_UPWARD_DYLIB (0x23u | LC_REQ_DYLD)

typedef struct macho {
    pk_bytes data;
    pk_rd rd;
    pk_emit *out;
    pk_fact *facts;
    unsigned nbad;
    pk_status st;
} macho;

static const struct {
    uint32_t id;
    const char *name;
} cpus[] = {
    {1, "vax"},
    {6, "mc680x0"},
    {7, "i386"},
    {0x01000007, "x86_64"},
    {10, "mc98000"},
    {11, "hppa"},
    {12, "arm"},
    {0x0100000c, "arm64"},
    {0x0200000c, "arm64_32"},
    {13, "mc88000"},
    {14, "sparc"},
    {15, "i860"},
    {18, "powerpc"},
    {0x01000012, "powerpc64"},
};

static const char *const filetypes[] = {
    [1] = "object",     [2] = "execute", [3] = "fvmlib",       [4] = "core",
    [5] = "preload",    [6] = "dylib",   [7] = "dylinker",     [8] = "bundle",
    [9] = "dylib_stub", [10] = "dsym",   [11] = "kext_bundle", [12] = "fileset",
};

static void malformed(macho *m, const char *what, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void malformed(macho *m, const char *what, uint64_t off, const char *fmt, ...)
{
    if (m->nbad >= MACHO_MAX_MALFORMED)
        return;
    m->nbad++;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_finding_spec spec = {
        .rule_id = "PK-MACHO-0001",
        .severity = PK_SEV_MEDIUM,
        .confidence = 100,
        .loc = {.offset = off, .length = 0, .record = what},
    };
    if (off < m->data.len) {
        size_t n = m->data.len - (size_t)off;
        spec.evidence.ptr = m->data.ptr + off;
        spec.evidence.len = n < 16 ? n : 16;
    }
    pk_status st = pk_emit_finding(m->out, &spec, "Malformed Mach-O %s at offset 0x%llx: %s.", what,
                                   (unsigned long long)off, msg);
    if (st != PK_OK && m->st == PK_OK)
        m->st = st;
}

static void set_cpu(pk_fact *o, uint32_t cpu, uint32_t sub)
{
    const char *name = "other";
    for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++)
        if (cpus[i].id == cpu)
            name = cpus[i].name;
    pk_fact_set_str(o, "cputype", name);
    pk_fact_set_int(o, "cputype_number", cpu);
    pk_fact_set_int(o, "cpusubtype", sub & 0x00ffffffu);
}

/* A dylib_command: cmd, cmdsize, then lc_str name (offset from the command's start). */
static void dylib_name(macho *m, pk_rd *cmd, int big, uint64_t at, pk_fact *arr, const char *key,
                       pk_fact *o)
{
    uint32_t name_off;
    pk_bytes s;
    if (!pk_rd_seek(cmd, 8) || !pk_rd_u32e(cmd, big, &name_off) || name_off < 12 ||
        !pk_rd_cstr_at(cmd, name_off, MACHO_MAX_NAME, &s)) {
        malformed(m, "dylib command", at, "name not inside the command");
        return;
    }
    if (arr)
        pk_fact_push_strn(arr, (const char *)s.ptr, s.len);
    else
        pk_fact_set_strn(o, key, (const char *)s.ptr, s.len);
}

static bool is_dylib_load(uint32_t cmd)
{
    return cmd == LC_LOAD_DYLIB || cmd == LC_LOAD_WEAK_DYLIB || cmd == LC_REEXPORT_DYLIB ||
           cmd == LC_LAZY_LOAD_DYLIB || cmd == LC_LOAD_UPWARD_DYLIB;
}

/* The load commands of a slice starting at file offset base. */
static void load_commands(macho *m, const pk_rd *s, uint64_t base, int big, size_t hdr,
                          uint32_t ncmds, uint32_t sizeofcmds, pk_fact *o)
{
    uint64_t limit = (uint64_t)hdr + sizeofcmds;
    if (limit > s->len) {
        malformed(m, "load commands", base + hdr, "sizeofcmds %u runs past the end of the file",
                  sizeofcmds);
        limit = s->len;
    }
    pk_fact *dylibs = pk_fact_arr(o, "dylibs");
    bool codesig = false;
    unsigned ndylib = 0;
    uint64_t pos = hdr;
    uint32_t n = ncmds < MACHO_MAX_CMDS ? ncmds : MACHO_MAX_CMDS;
    for (uint32_t i = 0; i < n; i++) {
        pk_rd r;
        uint32_t cmd, size;
        if (!pk_rd_sub(s, pos, limit - pos, &r) || !pk_rd_u32e(&r, big, &cmd) ||
            !pk_rd_u32e(&r, big, &size)) {
            malformed(m, "load commands", base + pos, "command %u of %u truncated", i, ncmds);
            break;
        }
        if (size < 8 || size > limit - pos) {
            malformed(m, "load commands", base + pos, "command %u has cmdsize %u", i, size);
            break;
        }
        pk_rd c;
        pk_rd_sub(s, pos, size, &c);
        if (is_dylib_load(cmd)) {
            if (ndylib++ < MACHO_MAX_DYLIBS)
                dylib_name(m, &c, big, base + pos, dylibs, NULL, o);
        } else if (cmd == LC_ID_DYLIB) {
            dylib_name(m, &c, big, base + pos, NULL, "id", o);
        } else if (cmd == LC_CODE_SIGNATURE) {
            codesig = true;
        }
        pos += size;
    }
    if (ndylib > MACHO_MAX_DYLIBS)
        pk_fact_set_bool(o, "dylibs_truncated", 1);
    pk_fact_set_bool(o, "code_signature", codesig);
}

/* A thin Mach-O at [base, base + len) of the file. */
static void thin(macho *m, uint64_t base, uint64_t len, pk_fact *o)
{
    pk_rd s;
    uint32_t magic, cpu, sub, ftype, ncmds, sizeofcmds, flags;
    if (!pk_rd_sub(&m->rd, base, len, &s) || !pk_rd_u32le(&s, &magic)) {
        malformed(m, "header", base, "no room for the magic");
        return;
    }
    int big = magic == MH_CIGAM || magic == MH_CIGAM_64;
    int b64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
    if (magic != MH_MAGIC && magic != MH_MAGIC_64 && !big) {
        malformed(m, "header", base, "magic 0x%08x is not a thin Mach-O", magic);
        return;
    }
    if (!pk_rd_u32e(&s, big, &cpu) || !pk_rd_u32e(&s, big, &sub) || !pk_rd_u32e(&s, big, &ftype) ||
        !pk_rd_u32e(&s, big, &ncmds) || !pk_rd_u32e(&s, big, &sizeofcmds) ||
        !pk_rd_u32e(&s, big, &flags) || (b64 && !pk_rd_skip(&s, 4))) {
        malformed(m, "header", base, "mach_header%s truncated", b64 ? "_64" : "");
        return;
    }
    set_cpu(o, cpu, sub);
    pk_fact_set_int(o, "bits", b64 ? 64 : 32);
    pk_fact_set_str(o, "endian", big ? "big" : "little");
    const char *ft = ftype < sizeof filetypes / sizeof filetypes[0] ? filetypes[ftype] : NULL;
    pk_fact_set_str(o, "filetype", ft ? ft : "other");
    pk_fact_set_int(o, "filetype_number", ftype);
    pk_fact_set_int(o, "ncmds", ncmds);
    pk_fact_set_int(o, "flags", flags);
    pk_fact_set_bool(o, "pie", (flags & MH_PIE) != 0);
    load_commands(m, &s, base, big, s.pos, ncmds, sizeofcmds, o);
}

/* fat_header and fat_arch / fat_arch_64, always big-endian. */
static void fat(macho *m)
{
    pk_rd r = m->rd;
    uint32_t magic, narch;
    if (!pk_rd_u32be(&r, &magic) || !pk_rd_u32be(&r, &narch)) {
        malformed(m, "fat header", 0, "truncated");
        return;
    }
    int f64 = magic == FAT_MAGIC_64;
    pk_fact_set_bool(m->facts, "fat", 1);
    pk_fact_set_int(m->facts, "narch", narch);
    pk_fact *arr = pk_fact_arr(m->facts, "architectures");
    uint32_t n = narch < MACHO_MAX_ARCHS ? narch : MACHO_MAX_ARCHS;
    if (narch > n)
        malformed(m, "fat header", 4, "nfat_arch %u exceeds the limit of %u", narch, n);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t at = r.pos;
        uint32_t cpu, sub, off32 = 0, size32 = 0, align;
        uint64_t off, size;
        bool ok = pk_rd_u32be(&r, &cpu) && pk_rd_u32be(&r, &sub);
        if (f64)
            ok = ok && pk_rd_u64be(&r, &off) && pk_rd_u64be(&r, &size) && pk_rd_u32be(&r, &align) &&
                 pk_rd_skip(&r, 4);
        else
            ok = ok && pk_rd_u32be(&r, &off32) && pk_rd_u32be(&r, &size32) &&
                 pk_rd_u32be(&r, &align);
        if (!ok) {
            malformed(m, "fat_arch table", at, "entry %u of %u truncated", i, narch);
            return;
        }
        if (!f64) {
            off = off32;
            size = size32;
        }
        pk_fact *o = pk_fact_push_obj(arr);
        set_cpu(o, cpu, sub);
        pk_fact_set_int(o, "offset", (int64_t)off);
        pk_fact_set_int(o, "size", (int64_t)size);
        pk_fact_set_int(o, "align", align);
        if (off >= m->data.len || size > m->data.len - off) {
            malformed(m, "fat_arch table", at, "slice %u [0x%llx, +0x%llx) outside the file", i,
                      (unsigned long long)off, (unsigned long long)size);
            if (off >= m->data.len)
                continue;
            size = m->data.len - off;
        }
        thin(m, off, size, o);
    }
}

static unsigned macho_claim(const pk_file *file)
{
    return (file->type == PK_FT_MACHO || file->type == PK_FT_MACHO_FAT) ? 90 : 0;
}

static pk_status macho_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    macho m;
    memset(&m, 0, sizeof m);
    m.data = file->data;
    m.rd = pk_rd_make(file->data);
    m.out = out;
    m.facts = pk_emit_facts(out);
    if (!m.facts)
        return PK_E_NOMEM;
    uint32_t be = 0;
    pk_rd r = m.rd;
    if (pk_rd_u32be(&r, &be) && (be == FAT_MAGIC || be == FAT_MAGIC_64))
        fat(&m);
    else
        thin(&m, 0, m.data.len, m.facts);
    return m.st;
}

const pk_analyzer pki_analyzer_macho = {
    .name = "macho",
    .abi = PK_ANALYZER_ABI,
    .claim = macho_claim,
    .analyze = macho_analyze,
};
