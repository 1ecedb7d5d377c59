/* Symbol tables (gABI "Symbol Table"): imported and exported dynamic symbols,
 * the stack-protector and FORTIFY_SOURCE evidence, and whether .symtab is
 * still there. When section headers are gone, .dynsym is found as ld.so finds
 * it: DT_SYMTAB, sized by DT_HASH or DT_GNU_HASH. */
#include "elf_int.h"

#include <inttypes.h>
#include <string.h>

#define SHN_UNDEF      0u
#define STB_GLOBAL     1u
#define STB_WEAK       2u
#define STB_GNU_UNIQUE 10u
#define STT_FUNC       2u
#define STV_HIDDEN     2u
#define STV_INTERNAL   1u

/* glibc's FORTIFY_SOURCE functions: X where libc.so.6 exports __X_chk
 * (glibc 2.36, debug/Versions). Sorted by strcmp for bsearch; a unit test
 * checks the order. */
const char *const pki_elf_fortify_fns[] = {
    "asprintf",       "confstr",        "dprintf",
    "explicit_bzero", "fdelt",          "fgets",
    "fgets_unlocked", "fgetws",         "fgetws_unlocked",
    "fprintf",        "fread",          "fread_unlocked",
    "fwprintf",       "getcwd",         "getdomainname",
    "getgroups",      "gethostname",    "getlogin_r",
    "gets",           "getwd",          "longjmp",
    "mbsnrtowcs",     "mbsrtowcs",      "mbstowcs",
    "memcpy",         "memmove",        "mempcpy",
    "memset",         "obstack_printf", "obstack_vprintf",
    "poll",           "ppoll",          "pread",
    "pread64",        "printf",         "ptsname_r",
    "read",           "readlink",       "readlinkat",
    "realpath",       "recv",           "recvfrom",
    "snprintf",       "sprintf",        "stpcpy",
    "stpncpy",        "strcat",         "strcpy",
    "strncat",        "strncpy",        "swprintf",
    "syslog",         "ttyname_r",      "vasprintf",
    "vdprintf",       "vfprintf",       "vfwprintf",
    "vprintf",        "vsnprintf",      "vsprintf",
    "vswprintf",      "vsyslog",        "vwprintf",
    "wcpcpy",         "wcpncpy",        "wcrtomb",
    "wcscat",         "wcscpy",         "wcsncat",
    "wcsncpy",        "wcsnrtombs",     "wcsrtombs",
    "wcstombs",       "wctomb",         "wmemcpy",
    "wmemmove",       "wmempcpy",       "wmemset",
    "wprintf",
};
const size_t pki_elf_nfortify_fns = sizeof pki_elf_fortify_fns / sizeof pki_elf_fortify_fns[0];

/* Index of the n bytes at p in the table, or -1. */
static long fortify_find(const uint8_t *p, size_t n)
{
    size_t lo = 0, hi = pki_elf_nfortify_fns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = pki_elf_fortify_fns[mid];
        size_t k = strlen(s);
        int c = memcmp(p, s, n < k ? n : k);
        if (c == 0)
            c = n < k ? -1 : n > k ? 1 : 0;
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

typedef struct symtab {
    pk_rd syms, str;
    uint64_t count;
    uint64_t entsize;
    bool dynamic;
    pk_fact *imports, *exports, *chk;
} symtab;

typedef struct sym {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
} sym;

static bool sym_read(const pki_elf *e, pk_rd *r, sym *s)
{
    uint32_t w;
    if (e->is64)
        return pki_elf_rd_u32(e, r, &s->name) && pk_rd_u8(r, &s->info) && pk_rd_u8(r, &s->other) &&
               pki_elf_rd_u16(e, r, &s->shndx) && pki_elf_rd_u64(e, r, &s->value) &&
               pki_elf_rd_u64(e, r, &s->size);
    if (!pki_elf_rd_u32(e, r, &s->name) || !pki_elf_rd_u32(e, r, &w))
        return false;
    s->value = w;
    if (!pki_elf_rd_u32(e, r, &w))
        return false;
    s->size = w;
    return pk_rd_u8(r, &s->info) && pk_rd_u8(r, &s->other) && pki_elf_rd_u16(e, r, &s->shndx);
}

static bool has_sub(pk_bytes n, const char *s)
{
    size_t k = strlen(s);
    return n.len >= k && memmem(n.ptr, n.len, s, k) != NULL;
}

/* FORTIFY_SOURCE evidence from one .dynsym name (checksec: any dynamic
 * symbol ending in _chk). */
static void fortify_note(pki_elf *e, symtab *t, pk_bytes n, bool undef)
{
    if (n.len > 4 && memcmp(n.ptr + n.len - 4, "_chk", 4) == 0) {
        e->any_chk = true;
        if (n.len > 6 && n.ptr[0] == '_' && n.ptr[1] == '_') {
            long ix = fortify_find(n.ptr + 2, n.len - 6);
            if (ix >= 0 && !e->fort_chk[ix]) {
                e->fort_chk[ix] = 1;
                if (e->nchk_facts < PKI_ELF_MAX_CHK_FACTS) {
                    pk_fact_push_strn(t->chk, (const char *)n.ptr, n.len);
                    e->nchk_facts++;
                }
            }
        }
        return;
    }
    if (undef) {
        long ix = fortify_find(n.ptr, n.len);
        if (ix >= 0)
            e->fort_plain[ix] = 1;
    }
}

static void sym_one(pki_elf *e, symtab *t, const sym *s)
{
    pk_bytes n = {NULL, 0};
    if (s->name && !pki_elf_str(&t->str, s->name, &n))
        n.len = 0; /* a name past the table: counted, not named */
    unsigned bind = s->info >> 4, type = s->info & 0xfu, vis = s->other & 0x3u;
    bool undef = s->shndx == SHN_UNDEF;
    if (type == STT_FUNC && !undef)
        e->has_func = true;
    if (!e->canary && n.len &&
        (has_sub(n, "__stack_chk_fail") || has_sub(n, "__stack_chk_guard") ||
         has_sub(n, "__intel_security_cookie")))
        e->canary = true;
    if (!t->dynamic || !n.len)
        return;
    if (undef) {
        if (e->nimports++ < PKI_ELF_MAX_SYM_FACTS)
            pk_fact_push_strn(t->imports, (const char *)n.ptr, n.len);
        if (type == STT_FUNC)
            e->has_func = true;
    } else if ((bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE) &&
               vis != STV_HIDDEN && vis != STV_INTERNAL) {
        if (e->nexports++ < PKI_ELF_MAX_SYM_FACTS)
            pk_fact_push_strn(t->exports, (const char *)n.ptr, n.len);
    }
    fortify_note(e, t, n, undef);
}

static void sym_walk(pki_elf *e, symtab *t, const char *what, uint64_t off)
{
    size_t std = e->is64 ? 24 : 16;
    if (t->entsize < std) {
        pki_elf_malformed(e, what, off, "symbol entry size %" PRIu64 " is below %zu", t->entsize,
                          std);
        return;
    }
    uint64_t avail = t->syms.len / t->entsize;
    if (t->count > avail) {
        pki_elf_malformed(e, what, off,
                          "%" PRIu64 " symbols of %" PRIu64 " bytes are cut after %" PRIu64,
                          t->count, t->entsize, avail);
        t->count = avail;
    }
    /* Entry 0 is the reserved undefined symbol. */
    for (uint64_t i = 1; i < t->count; i++) {
        if (e->nsyms_walked >= PKI_ELF_MAX_SYMS)
            return;
        e->nsyms_walked++;
        pk_rd r = t->syms;
        sym s;
        if (!pk_rd_seek(&r, i * t->entsize) || !sym_read(e, &r, &s))
            return;
        sym_one(e, t, &s);
    }
}

/* The section form: SHT_SYMTAB or SHT_DYNSYM with sh_link naming its strings. */
static bool sec_table(pki_elf *e, uint32_t type, symtab *t, uint64_t *hdr)
{
    const pki_elf_sec *s = NULL;
    for (size_t i = 0; i < e->nsec && !s; i++)
        if (e->sec[i].type == type)
            s = &e->sec[i];
    if (!s)
        return false;
    const char *what = type == PKI_SHT_DYNSYM ? ".dynsym" : ".symtab";
    *hdr = s->hdr_off;
    if (!pki_elf_sec_rd(e, s, &t->syms)) {
        pki_elf_malformed(e, what, s->hdr_off,
                          "symbols at offset 0x%" PRIx64 " size 0x%" PRIx64 " lie outside the file",
                          s->off, s->size);
        return false;
    }
    if (s->link >= e->nsec || !pki_elf_sec_rd(e, &e->sec[s->link], &t->str)) {
        pki_elf_malformed(e, what, s->hdr_off, "string table [%u] is missing or outside the file",
                          s->link);
        t->str = pk_rd_make((pk_bytes){NULL, 0});
    }
    t->entsize = s->entsize ? s->entsize : (e->is64 ? 24 : 16);
    t->count = t->syms.len / t->entsize;
    if (type == PKI_SHT_DYNSYM) {
        e->dynsym_off = s->off;
        e->dynsym_len = s->size;
    }
    return true;
}

/* DT_GNU_HASH (no formal spec; glibc elf/dl-lookup.c): the number of symbols
 * is one past the last chain entry reachable from the highest bucket. */
static bool gnu_hash_count(pki_elf *e, uint64_t *count)
{
    uint64_t off, avail;
    if (!pki_elf_va2off(e, e->dt_gnu_hash, &off, &avail))
        return false;
    pk_rd r;
    if (off >= e->rd.len ||
        !pk_rd_sub(&e->rd, off, avail < e->rd.len - off ? avail : e->rd.len - off, &r))
        return false;
    uint32_t nbuckets, symoff, bloom, shift;
    if (!pki_elf_rd_u32(e, &r, &nbuckets) || !pki_elf_rd_u32(e, &r, &symoff) ||
        !pki_elf_rd_u32(e, &r, &bloom) || !pki_elf_rd_u32(e, &r, &shift) ||
        !pk_rd_skip(&r, (uint64_t)bloom * (e->is64 ? 8u : 4u)))
        return false;
    uint32_t max = 0;
    for (uint32_t i = 0; i < nbuckets; i++) {
        uint32_t b;
        if (!pki_elf_rd_u32(e, &r, &b))
            return false;
        if (b > max)
            max = b;
    }
    if (max < symoff) {
        *count = symoff;
        return true;
    }
    size_t chains = r.pos;
    for (uint64_t ix = max; ix - max < PKI_ELF_MAX_SYMS; ix++) {
        uint32_t c;
        if (!pk_rd_seek(&r, chains + (ix - symoff) * 4) || !pki_elf_rd_u32(e, &r, &c))
            return false;
        if (c & 1u) {
            *count = ix + 1;
            return true;
        }
    }
    return false;
}

/* The dynamic form, for files whose section headers are gone. */
static bool dyn_table(pki_elf *e, symtab *t)
{
    uint64_t off, avail, str_off, count = 0;
    if (!e->have_symtab || !pki_elf_va2off(e, e->dt_symtab, &off, &avail))
        return false;
    if (off >= e->rd.len)
        return false;
    if (avail > e->rd.len - off)
        avail = e->rd.len - off;
    if (!pk_rd_sub(&e->rd, off, avail, &t->syms) || !pki_elf_dynstr(e, &t->str, &str_off))
        return false;
    t->entsize = e->have_syment && e->dt_syment ? e->dt_syment : (e->is64 ? 24 : 16);
    if (e->have_hash) {
        uint64_t hoff, havail;
        pk_rd h;
        uint32_t nbucket, nchain;
        if (pki_elf_va2off(e, e->dt_hash, &hoff, &havail) &&
            pk_rd_sub(&e->rd, hoff, havail < 8 ? havail : 8, &h) &&
            pki_elf_rd_u32(e, &h, &nbucket) && pki_elf_rd_u32(e, &h, &nchain))
            count = nchain;
    }
    if (!count && e->have_gnu_hash && !gnu_hash_count(e, &count))
        pki_elf_malformed(e, "DT_GNU_HASH", e->dyn_off,
                          "hash table at 0x%" PRIx64 " is unreadable; dynamic symbols skipped",
                          e->dt_gnu_hash);
    t->count = count;
    e->dynsym_off = off;
    e->dynsym_len = count <= avail / t->entsize ? count * t->entsize : avail;
    return count > 0;
}

void pki_elf_syms_parse(pki_elf *e)
{
    e->fort_chk = pki_calloc(pki_elf_nfortify_fns, 1);
    e->fort_plain = pki_calloc(pki_elf_nfortify_fns, 1);
    if (!e->fort_chk || !e->fort_plain) {
        e->st = PK_E_NOMEM;
        return;
    }
    /* .dynsym first: the symbol cap must not let a huge .symtab starve the
     * imports, exports and fortify evidence. */
    symtab t;
    uint64_t hdr = 0;
    memset(&t, 0, sizeof t);
    t.dynamic = true;
    t.imports = pk_fact_arr(e->facts, "imports");
    t.exports = pk_fact_arr(e->facts, "exports");
    pk_fact *h = pk_fact_obj(e->facts, "hardening");
    t.chk = pk_fact_arr(pk_fact_obj(h, "fortify"), "fortified");
    bool have = sec_table(e, PKI_SHT_DYNSYM, &t, &hdr);
    if (have)
        sym_walk(e, &t, ".dynsym", hdr);
    else if (dyn_table(e, &t))
        sym_walk(e, &t, "DT_SYMTAB", e->dynsym_off);
    e->has_dynsym = have || t.count > 0;

    memset(&t, 0, sizeof t);
    if (sec_table(e, PKI_SHT_SYMTAB, &t, &hdr))
        sym_walk(e, &t, ".symtab", hdr);
    /* stripped: no .symtab section header (a table we could not read still
     * counts as present) */
    for (size_t i = 0; i < e->nsec; i++)
        if (e->sec[i].type == PKI_SHT_SYMTAB)
            e->has_symtab = true;
    pk_fact_set_int(e->facts, "imports_count", (int64_t)e->nimports);
    pk_fact_set_int(e->facts, "exports_count", (int64_t)e->nexports);
    pk_fact_set_bool(e->facts, "stripped", !e->has_symtab);
}
