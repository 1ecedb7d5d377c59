/* ELF header, program headers, section headers (gABI chapter 4), the helpers
 * every other elf_*.c file reads through, and the section list facts. */
#include "elf_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EHDR32_SIZE 52u
#define EHDR64_SIZE 64u
#define PHDR32_SIZE 32u
#define PHDR64_SIZE 56u
#define SHDR32_SIZE 40u
#define SHDR64_SIZE 64u
#define PN_XNUM     0xffffu
#define SHN_XINDEX  0xffffu

/* ---- helpers ---- */

bool pki_elf_rd_u16(const pki_elf *e, pk_rd *r, uint16_t *v)
{
    return pk_rd_u16e(r, e->big, v);
}

bool pki_elf_rd_u32(const pki_elf *e, pk_rd *r, uint32_t *v)
{
    return pk_rd_u32e(r, e->big, v);
}

bool pki_elf_rd_u64(const pki_elf *e, pk_rd *r, uint64_t *v)
{
    return pk_rd_u64e(r, e->big, v);
}

bool pki_elf_rd_addr(const pki_elf *e, pk_rd *r, uint64_t *v)
{
    if (e->is64)
        return pk_rd_u64e(r, e->big, v);
    uint32_t w;
    if (!pk_rd_u32e(r, e->big, &w))
        return false;
    *v = w;
    return true;
}

bool pki_elf_str(const pk_rd *tab, uint64_t off, pk_bytes *out)
{
    return pk_rd_cstr_at(tab, off, PKI_ELF_MAX_STR, out);
}

/* JSON integers are signed 64-bit: a larger value (only in hostile or kernel
 * files) is published as a hex string rather than wrapped. */
void pki_elf_fact_u64(pk_fact *obj, const char *key, uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX) {
        pk_fact_set_int(obj, key, (int64_t)v);
    } else {
        char buf[24];
        snprintf(buf, sizeof buf, "0x%" PRIx64, v);
        pk_fact_set_str(obj, key, buf);
    }
}

void pki_elf_malformed(pki_elf *e, const char *table, uint64_t off, const char *fmt, ...)
{
    if (e->nmalformed >= PKI_ELF_MAX_MALFORMED)
        return;
    e->nmalformed++;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_finding_spec spec = {.rule_id = "PK-ELF-0008", .severity = PK_SEV_MEDIUM, .confidence = 90};
    spec.loc.offset = off;
    spec.loc.record = table;
    pk_rd r = e->rd;
    if (off < r.len) {
        size_t n = r.len - (size_t)off < 16 ? r.len - (size_t)off : 16;
        spec.evidence.ptr = r.p + off;
        spec.evidence.len = n;
        spec.loc.length = n;
    } else {
        spec.loc.length = 0;
    }
    pk_status st = pk_emit_finding(e->out, &spec, "%s: %s", table, msg);
    if (st != PK_OK && e->st == PK_OK)
        e->st = st;
}

bool pki_elf_sec_rd(const pki_elf *e, const pki_elf_sec *s, pk_rd *out)
{
    if (s->type == PKI_SHT_NOBITS)
        return false;
    return pk_rd_sub(&e->rd, s->off, s->size, out);
}

bool pki_elf_sec_name(const pki_elf *e, const pki_elf_sec *s, pk_bytes *out)
{
    pk_rd tab;
    if (!e->shstr || !pki_elf_sec_rd(e, e->shstr, &tab))
        return false;
    return pki_elf_str(&tab, s->name, out);
}

bool pki_elf_va2off(const pki_elf *e, uint64_t va, uint64_t *off, uint64_t *avail)
{
    for (size_t i = 0; i < e->nseg; i++) {
        const pki_elf_seg *s = &e->seg[i];
        if (s->type != PKI_PT_LOAD || va < s->vaddr || va - s->vaddr >= s->filesz)
            continue;
        uint64_t delta = va - s->vaddr;
        if (s->off > UINT64_MAX - delta)
            continue;
        *off = s->off + delta;
        *avail = s->filesz - delta;
        return true;
    }
    return false;
}

/* ---- ELF header ---- */

static const char *type_name(uint16_t t)
{
    switch (t) {
    case 0:
        return "none";
    case PKI_ET_REL:
        return "rel";
    case PKI_ET_EXEC:
        return "exec";
    case PKI_ET_DYN:
        return "dyn";
    case PKI_ET_CORE:
        return "core";
    default:
        return "unknown";
    }
}

static const struct {
    uint16_t id;
    const char *name;
} machines[] = {
    {0, "none"},       {2, "sparc"},     {3, "i386"},      {4, "m68k"},         {8, "mips"},
    {10, "mips"},      {15, "parisc"},   {18, "sparc"},    {20, "ppc"},         {21, "ppc64"},
    {22, "s390"},      {40, "arm"},      {42, "sh"},       {43, "sparc64"},     {50, "ia64"},
    {62, "x86_64"},    {83, "avr"},      {92, "openrisc"}, {93, "arc"},         {94, "xtensa"},
    {106, "blackfin"}, {164, "hexagon"}, {183, "aarch64"}, {189, "microblaze"}, {195, "arc"},
    {243, "riscv"},    {247, "bpf"},     {252, "csky"},    {258, "loongarch"},  {0x9026, "alpha"},
};

static const char *machine_name(uint16_t m)
{
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
        if (machines[i].id == m)
            return machines[i].name;
    return "unknown";
}

static const char *osabi_name(uint8_t o)
{
    switch (o) {
    case 0:
        return "sysv";
    case 1:
        return "hpux";
    case 2:
        return "netbsd";
    case 3:
        return "linux";
    case 6:
        return "solaris";
    case 7:
        return "aix";
    case 8:
        return "irix";
    case 9:
        return "freebsd";
    case 10:
        return "tru64";
    case 12:
        return "openbsd";
    case 64:
        return "arm_aeabi";
    case 97:
        return "arm";
    case 255:
        return "standalone";
    default:
        return "unknown";
    }
}

/* e_ident and the fixed header. False when nothing further can be read. */
bool pki_elf_hdr_parse(pki_elf *e)
{
    pk_rd r = e->rd;
    pk_bytes ident;
    if (!pk_rd_bytes(&r, 16, &ident)) {
        pki_elf_malformed(e, "ELF header", 0, "e_ident truncated: file is %zu bytes of 16",
                          e->rd.len);
        return false;
    }
    if (memcmp(ident.ptr, "\177ELF", 4) != 0) {
        pki_elf_malformed(e, "ELF header", 0, "bad magic");
        return false;
    }
    uint8_t cls = ident.ptr[4], data = ident.ptr[5];
    if ((cls != 1 && cls != 2) || (data != 1 && data != 2)) {
        pki_elf_malformed(e, "ELF header", 4, "unknown EI_CLASS %u or EI_DATA %u", cls, data);
        return false;
    }
    e->is64 = cls == 2;
    e->big = data == 2;
    e->osabi = ident.ptr[7];
    pk_fact_set_int(e->facts, "class", e->is64 ? 64 : 32);
    pk_fact_set_str(e->facts, "endianness", e->big ? "big" : "little");
    pk_fact_set_str(e->facts, "osabi", osabi_name(e->osabi));
    pk_fact_set_int(e->facts, "osabi_id", e->osabi);

    uint32_t version, flags;
    uint16_t ehsize, phnum, shnum, shstrndx;
    size_t need = e->is64 ? EHDR64_SIZE : EHDR32_SIZE;
    if (e->rd.len < need || !pki_elf_rd_u16(e, &r, &e->type) ||
        !pki_elf_rd_u16(e, &r, &e->machine) || !pki_elf_rd_u32(e, &r, &version) ||
        !pki_elf_rd_addr(e, &r, &e->entry) || !pki_elf_rd_addr(e, &r, &e->phoff) ||
        !pki_elf_rd_addr(e, &r, &e->shoff) || !pki_elf_rd_u32(e, &r, &flags) ||
        !pki_elf_rd_u16(e, &r, &ehsize) || !pki_elf_rd_u16(e, &r, &e->phentsize) ||
        !pki_elf_rd_u16(e, &r, &phnum) || !pki_elf_rd_u16(e, &r, &e->shentsize) ||
        !pki_elf_rd_u16(e, &r, &shnum) || !pki_elf_rd_u16(e, &r, &shstrndx)) {
        pki_elf_malformed(e, "ELF header", 0, "truncated: file is %zu bytes of %zu", e->rd.len,
                          need);
        return false;
    }
    e->phnum = phnum;
    e->shnum = shnum;
    e->shstrndx = shstrndx;
    pk_fact_set_str(e->facts, "type", type_name(e->type));
    pk_fact_set_str(e->facts, "machine", machine_name(e->machine));
    pk_fact_set_int(e->facts, "e_machine", e->machine);
    pk_fact_set_int(e->facts, "e_flags", flags);
    pki_elf_fact_u64(e->facts, "entry", e->entry);
    return true;
}

/* ---- section headers ---- */

static bool shdr_read(const pki_elf *e, pk_rd *r, pki_elf_sec *s)
{
    uint32_t w;
    s->hdr_off = r->pos;
    if (e->is64)
        return pki_elf_rd_u32(e, r, &s->name) && pki_elf_rd_u32(e, r, &s->type) &&
               pki_elf_rd_u64(e, r, &s->flags) && pki_elf_rd_u64(e, r, &s->addr) &&
               pki_elf_rd_u64(e, r, &s->off) && pki_elf_rd_u64(e, r, &s->size) &&
               pki_elf_rd_u32(e, r, &s->link) && pki_elf_rd_u32(e, r, &s->info) &&
               pki_elf_rd_u64(e, r, &s->align) && pki_elf_rd_u64(e, r, &s->entsize);
    if (!pki_elf_rd_u32(e, r, &s->name) || !pki_elf_rd_u32(e, r, &s->type) ||
        !pki_elf_rd_u32(e, r, &w))
        return false;
    s->flags = w;
    if (!pki_elf_rd_u32(e, r, &w))
        return false;
    s->addr = w;
    if (!pki_elf_rd_u32(e, r, &w))
        return false;
    s->off = w;
    if (!pki_elf_rd_u32(e, r, &w))
        return false;
    s->size = w;
    if (!pki_elf_rd_u32(e, r, &s->link) || !pki_elf_rd_u32(e, r, &s->info) ||
        !pki_elf_rd_u32(e, r, &w))
        return false;
    s->align = w;
    if (!pki_elf_rd_u32(e, r, &w))
        return false;
    s->entsize = w;
    return true;
}

/* Reads entry i of the section header table into s. */
static bool shdr_at(const pki_elf *e, uint64_t i, pki_elf_sec *s)
{
    pk_rd r = e->rd;
    if (i > (UINT64_MAX - e->shoff) / e->shentsize)
        return false;
    if (!pk_rd_seek(&r, e->shoff + i * e->shentsize))
        return false;
    return shdr_read(e, &r, s);
}

void pki_elf_shdrs_parse(pki_elf *e)
{
    if (e->shoff == 0)
        return; /* no section header table, as after sstrip: legal */
    size_t min = e->is64 ? SHDR64_SIZE : SHDR32_SIZE;
    if (e->shentsize < min) {
        pki_elf_malformed(e, "section headers", e->shoff, "e_shentsize %u is below %zu",
                          e->shentsize, min);
        return;
    }
    /* Extended numbering (gABI "Sections"): counts that do not fit the
     * header live in section 0. */
    if (e->shnum == 0 || e->shstrndx == SHN_XINDEX) {
        pki_elf_sec s0;
        if (!shdr_at(e, 0, &s0)) {
            pki_elf_malformed(e, "section headers", e->shoff,
                              "section header 0 lies past the end of the file");
            return;
        }
        if (e->shnum == 0)
            e->shnum = s0.size;
        if (e->shstrndx == SHN_XINDEX)
            e->shstrndx = s0.link;
    }
    uint64_t avail = e->shoff < e->rd.len ? (e->rd.len - e->shoff) / e->shentsize : 0;
    uint64_t n = e->shnum < avail ? e->shnum : avail;
    if (n < e->shnum)
        pki_elf_malformed(e, "section headers", e->shoff,
                          "table of %" PRIu64 " entries of %u bytes is cut by the end of the file "
                          "after %" PRIu64 " entries",
                          e->shnum, e->shentsize, n);
    if (n > PKI_ELF_MAX_SECTIONS)
        n = PKI_ELF_MAX_SECTIONS;
    if (n == 0)
        return;
    e->sec = pki_calloc((size_t)n, sizeof *e->sec);
    if (!e->sec) {
        e->st = PK_E_NOMEM;
        return;
    }
    for (uint64_t i = 0; i < n; i++)
        if (shdr_at(e, i, &e->sec[e->nsec]))
            e->nsec++;
    if (e->shstrndx != 0 && e->shstrndx < e->nsec) {
        const pki_elf_sec *s = &e->sec[e->shstrndx];
        pk_rd tab;
        if (pki_elf_sec_rd(e, s, &tab))
            e->shstr = s;
        else
            pki_elf_malformed(e, "section headers", s->hdr_off,
                              "section name table [%u] at offset 0x%" PRIx64 " size 0x%" PRIx64
                              " lies outside the file",
                              e->shstrndx, s->off, s->size);
    } else if (e->shstrndx != 0) {
        pki_elf_malformed(e, "ELF header", e->is64 ? 62 : 50,
                          "e_shstrndx %u is not a section (%zu read)", e->shstrndx, e->nsec);
    }
}

/* ---- program headers ---- */

static bool phdr_read(const pki_elf *e, pk_rd *r, pki_elf_seg *s)
{
    uint64_t paddr;
    s->hdr_off = r->pos;
    if (e->is64)
        return pki_elf_rd_u32(e, r, &s->type) && pki_elf_rd_u32(e, r, &s->flags) &&
               pki_elf_rd_u64(e, r, &s->off) && pki_elf_rd_u64(e, r, &s->vaddr) &&
               pki_elf_rd_u64(e, r, &paddr) && pki_elf_rd_u64(e, r, &s->filesz) &&
               pki_elf_rd_u64(e, r, &s->memsz) && pki_elf_rd_u64(e, r, &s->align);
    return pki_elf_rd_u32(e, r, &s->type) && pki_elf_rd_addr(e, r, &s->off) &&
           pki_elf_rd_addr(e, r, &s->vaddr) && pki_elf_rd_addr(e, r, &paddr) &&
           pki_elf_rd_addr(e, r, &s->filesz) && pki_elf_rd_addr(e, r, &s->memsz) &&
           pki_elf_rd_u32(e, r, &s->flags) && pki_elf_rd_addr(e, r, &s->align);
}

static void interp_publish(pki_elf *e, const pki_elf_seg *s)
{
    pk_rd seg;
    pk_bytes path;
    if (!pk_rd_sub(&e->rd, s->off, s->filesz, &seg)) {
        pki_elf_malformed(e, "PT_INTERP", s->hdr_off,
                          "interpreter at offset 0x%" PRIx64 " size 0x%" PRIx64
                          " lies outside the file",
                          s->off, s->filesz);
        return;
    }
    if (!pki_elf_str(&seg, 0, &path)) {
        pki_elf_malformed(e, "PT_INTERP", s->off, "interpreter path is not NUL-terminated");
        return;
    }
    pk_fact_set_strn(e->facts, "interpreter", (const char *)path.ptr, path.len);
}

void pki_elf_phdrs_parse(pki_elf *e)
{
    if (e->phoff == 0 || e->phnum == 0)
        return;
    size_t min = e->is64 ? PHDR64_SIZE : PHDR32_SIZE;
    if (e->phentsize < min) {
        pki_elf_malformed(e, "program headers", e->phoff, "e_phentsize %u is below %zu",
                          e->phentsize, min);
        return;
    }
    if (e->phnum == PN_XNUM && e->nsec > 0)
        e->phnum = e->sec[0].info; /* gABI: the real count is in section 0's sh_info */
    uint64_t avail = e->phoff < e->rd.len ? (e->rd.len - e->phoff) / e->phentsize : 0;
    uint64_t n = e->phnum < avail ? e->phnum : avail;
    if (n < e->phnum)
        pki_elf_malformed(e, "program headers", e->phoff,
                          "table of %u entries of %u bytes is cut by the end of the file after "
                          "%" PRIu64 " entries",
                          e->phnum, e->phentsize, n);
    if (n > PKI_ELF_MAX_PHDRS)
        n = PKI_ELF_MAX_PHDRS;
    if (n == 0)
        return;
    e->seg = pki_calloc((size_t)n, sizeof *e->seg);
    if (!e->seg) {
        e->st = PK_E_NOMEM;
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        pk_rd r = e->rd;
        pki_elf_seg *s = &e->seg[e->nseg];
        if (!pk_rd_seek(&r, e->phoff + i * e->phentsize) || !phdr_read(e, &r, s))
            continue;
        e->nseg++;
        /* The first of each kind counts, as for the kernel and ld.so. */
        if (s->type == PKI_PT_INTERP && !e->interp)
            e->interp = s;
        else if (s->type == PKI_PT_GNU_RELRO && !e->relro)
            e->relro = s;
        else if (s->type == PKI_PT_GNU_STACK && !e->stack)
            e->stack = s;
        else if (s->type == PKI_PT_DYNAMIC && !e->dynamic)
            e->dynamic = s;
        else if (s->type == PKI_PT_LOAD && (s->off > e->rd.len || s->filesz > e->rd.len - s->off))
            pki_elf_malformed(e, "program headers", s->hdr_off,
                              "PT_LOAD at offset 0x%" PRIx64 " size 0x%" PRIx64
                              " extends past the end of the file (%zu bytes)",
                              s->off, s->filesz, e->rd.len);
    }
    if (e->interp)
        interp_publish(e, e->interp);
}

/* ---- section list facts ---- */

static const char *sec_type_name(uint32_t t, char *buf, size_t n)
{
    static const char *const names[] = {
        "NULL",       "PROGBITS",   "SYMTAB",        "STRTAB", "RELA",         "HASH", "DYNAMIC",
        "NOTE",       "NOBITS",     "REL",           "SHLIB",  "DYNSYM",       NULL,   NULL,
        "INIT_ARRAY", "FINI_ARRAY", "PREINIT_ARRAY", "GROUP",  "SYMTAB_SHNDX", "RELR",
    };
    if (t < sizeof names / sizeof names[0] && names[t])
        return names[t];
    switch (t) {
    case 0x6ffffff6:
        return "GNU_HASH";
    case 0x6ffffffd:
        return "VERDEF";
    case 0x6ffffffe:
        return "VERNEED";
    case 0x6fffffff:
        return "VERSYM";
    case 0x70000001:
        return "PROC_UNWIND"; /* x86-64 .eh_frame on some linkers; ARM_EXIDX elsewhere */
    case 0x70000003:
        return "ARM_ATTRIBUTES";
    default:
        snprintf(buf, n, "0x%" PRIx32, t);
        return buf;
    }
}

/* readelf's letters: W write, A alloc, X exec, M merge, S strings, I info,
 * L link order, O os, G group, T tls, C compressed, E exclude. */
static void sec_flags_str(uint64_t f, char *buf)
{
    static const struct {
        uint64_t bit;
        char c;
    } bits[] = {{0x1, 'W'},   {0x2, 'A'},   {0x4, 'X'},   {0x10, 'M'},
                {0x20, 'S'},  {0x40, 'I'},  {0x80, 'L'},  {0x100, 'O'},
                {0x200, 'G'}, {0x400, 'T'}, {0x800, 'C'}, {0x80000000, 'E'}};
    size_t k = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (f & bits[i].bit)
            buf[k++] = bits[i].c;
    buf[k] = 0;
}

void pki_elf_sections_publish(pki_elf *e)
{
    pki_elf_fact_u64(e->facts, "sections_count", e->shoff ? e->shnum : 0);
    if (e->nsec == 0)
        return;
    pk_fact *arr = pk_fact_arr(e->facts, "sections");
    for (size_t i = 0; i < e->nsec && i < PKI_ELF_MAX_SEC_FACTS; i++) {
        const pki_elf_sec *s = &e->sec[i];
        pk_fact *o = pk_fact_push_obj(arr);
        if (!o)
            return;
        pk_bytes name;
        if (pki_elf_sec_name(e, s, &name))
            pk_fact_set_strn(o, "name", (const char *)name.ptr, name.len);
        else
            pk_fact_set_str(o, "name", "");
        char tb[16], fb[16];
        pk_fact_set_str(o, "type", sec_type_name(s->type, tb, sizeof tb));
        pki_elf_fact_u64(o, "size", s->size);
        pki_elf_fact_u64(o, "offset", s->off);
        sec_flags_str(s->flags, fb);
        pk_fact_set_str(o, "flags", fb);
    }
}
