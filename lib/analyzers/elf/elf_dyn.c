/* The dynamic section (gABI "Dynamic Section"): DT_NEEDED, DT_SONAME,
 * DT_RPATH/DT_RUNPATH, the bind-now flags, DT_DEBUG, and where the dynamic
 * symbol and string tables are for elf_sym.c. */
#include "elf_int.h"

#include <inttypes.h>
#include <string.h>

enum {
    DT_NULL = 0,
    DT_NEEDED = 1,
    DT_HASH = 4,
    DT_STRTAB = 5,
    DT_SYMTAB = 6,
    DT_STRSZ = 10,
    DT_SYMENT = 11,
    DT_SONAME = 14,
    DT_RPATH = 15,
    DT_DEBUG = 21,
    DT_BIND_NOW = 24,
    DT_RUNPATH = 29,
    DT_FLAGS = 30,
};
#define DT_GNU_HASH 0x6ffffef5u
#define DT_FLAGS_1  0x6ffffffbu

/* The dynamic table: PT_DYNAMIC, which the loader uses, else the SHT_DYNAMIC
 * section (objects without program headers). */
static bool dyn_region(pki_elf *e, pk_rd *out, const char **what, uint64_t *hdr)
{
    uint64_t off, len;
    if (e->dynamic) {
        off = e->dynamic->off;
        len = e->dynamic->filesz;
        *what = "PT_DYNAMIC";
        *hdr = e->dynamic->hdr_off;
    } else {
        const pki_elf_sec *s = NULL;
        for (size_t i = 0; i < e->nsec && !s; i++)
            if (e->sec[i].type == PKI_SHT_DYNAMIC)
                s = &e->sec[i];
        if (!s)
            return false;
        off = s->off;
        len = s->size;
        *what = ".dynamic";
        *hdr = s->hdr_off;
    }
    if (off >= e->rd.len) {
        pki_elf_malformed(e, *what, *hdr,
                          "dynamic table at offset 0x%" PRIx64 " lies past the end of the file",
                          off);
        return false;
    }
    if (len > e->rd.len - off) {
        pki_elf_malformed(e, *what, *hdr,
                          "dynamic table at offset 0x%" PRIx64 " size 0x%" PRIx64
                          " is cut by the end of the file",
                          off, len);
        len = e->rd.len - off;
    }
    e->dyn_off = off;
    e->dyn_len = len;
    return pk_rd_sub(&e->rd, off, len, out);
}

bool pki_elf_dynstr(const pki_elf *e, pk_rd *out, uint64_t *file_off)
{
    uint64_t off, avail;
    if (e->have_strtab && pki_elf_va2off(e, e->dt_strtab, &off, &avail)) {
        uint64_t len = e->have_strsz && e->dt_strsz < avail ? e->dt_strsz : avail;
        if (pk_rd_sub(&e->rd, off, len, out) ||
            (off < e->rd.len && pk_rd_sub(&e->rd, off, e->rd.len - off, out))) {
            *file_off = off;
            return true;
        }
    }
    /* No program headers (or DT_STRTAB unmapped): the string table the
     * dynamic section links to, as readelf does. */
    for (size_t i = 0; i < e->nsec; i++) {
        const pki_elf_sec *s = &e->sec[i];
        if (s->type != PKI_SHT_DYNAMIC || s->link >= e->nsec)
            continue;
        if (pki_elf_sec_rd(e, &e->sec[s->link], out)) {
            *file_off = e->sec[s->link].off;
            return true;
        }
    }
    return false;
}

static bool is_world_writable_dir(const uint8_t *p, size_t n)
{
    static const char *const dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        size_t k = strlen(dirs[i]);
        if (n >= k && memcmp(p, dirs[i], k) == 0 && (n == k || p[k] == '/'))
            return true;
    }
    return false;
}

/* ld.so searches each colon-separated entry; an empty entry means the current
 * directory, as does "." or any relative path, so whoever controls the
 * working directory (or /tmp) chooses the libraries. $ORIGIN is relative to
 * the binary itself and fine. */
PK_STATIC bool pki_elf_rpath_insecure(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (;;) {
        const uint8_t *c = memchr(p + i, ':', n - i);
        size_t end = c ? (size_t)(c - p) : n;
        const uint8_t *ent = p + i;
        size_t len = end - i;
        if (len == 0)
            return true;
        bool origin = (len >= 7 && memcmp(ent, "$ORIGIN", 7) == 0) ||
                      (len >= 9 && memcmp(ent, "${ORIGIN}", 9) == 0);
        if (!origin && (ent[0] != '/' || is_world_writable_dir(ent, len)))
            return true;
        if (!c)
            return false;
        i = end + 1;
    }
}

static void path_publish(pki_elf *e, const pk_rd *str, uint64_t str_off, uint64_t val,
                         const char *key)
{
    pk_bytes s;
    if (!pki_elf_str(str, val, &s)) {
        pki_elf_malformed(e, ".dynstr", str_off,
                          "%s string at index 0x%" PRIx64 " is outside the string table "
                          "or not terminated",
                          key, val);
        return;
    }
    pk_fact_set_strn(e->facts, key, (const char *)s.ptr, s.len);
    if (!e->rpath_insecure && pki_elf_rpath_insecure(s.ptr, s.len)) {
        e->rpath_insecure = true;
        e->rpath_bad = s;
        e->rpath_bad_off = str_off + val;
    }
}

typedef struct dyn_strs {
    uint64_t needed[PKI_ELF_MAX_NEEDED];
    size_t nneeded;
    bool has_soname, has_rpath, has_runpath;
    uint64_t soname, rpath, runpath;
} dyn_strs;

/* Records what one entry says; string offsets wait for DT_STRTAB, which may
 * come later in the table. */
static void dyn_entry(pki_elf *e, dyn_strs *ds, uint64_t tag, uint64_t val)
{
    switch (tag) {
    case DT_NEEDED:
        if (ds->nneeded < PKI_ELF_MAX_NEEDED)
            ds->needed[ds->nneeded++] = val;
        break;
    case DT_HASH:
        e->have_hash = true, e->dt_hash = val;
        break;
    case DT_STRTAB:
        e->have_strtab = true, e->dt_strtab = val;
        break;
    case DT_SYMTAB:
        e->have_symtab = true, e->dt_symtab = val;
        break;
    case DT_STRSZ:
        e->have_strsz = true, e->dt_strsz = val;
        break;
    case DT_SYMENT:
        e->have_syment = true, e->dt_syment = val;
        break;
    case DT_SONAME:
        ds->has_soname = true, ds->soname = val;
        break;
    case DT_RPATH:
        ds->has_rpath = true, ds->rpath = val;
        break;
    case DT_RUNPATH:
        ds->has_runpath = true, ds->runpath = val;
        break;
    case DT_DEBUG:
        e->dt_debug = true;
        break;
    case DT_BIND_NOW:
        e->dt_bind_now = true;
        break;
    case DT_FLAGS:
        e->dt_flags |= val;
        break;
    case DT_GNU_HASH:
        e->have_gnu_hash = true, e->dt_gnu_hash = val;
        break;
    case DT_FLAGS_1:
        e->dt_flags_1 |= val;
        break;
    default:
        break;
    }
}

static void strings_publish(pki_elf *e, const dyn_strs *ds)
{
    if (!ds->nneeded && !ds->has_soname && !ds->has_rpath && !ds->has_runpath)
        return;
    pk_rd str;
    uint64_t str_off;
    if (!pki_elf_dynstr(e, &str, &str_off)) {
        pki_elf_malformed(e, ".dynamic", e->dyn_off,
                          "DT_STRTAB 0x%" PRIx64 " is not in any loaded segment; library "
                          "names are unreadable",
                          e->dt_strtab);
        return;
    }
    pk_fact *needed = pk_fact_arr(e->facts, "needed");
    for (size_t i = 0; i < ds->nneeded; i++) {
        pk_bytes s;
        if (!pki_elf_str(&str, ds->needed[i], &s)) {
            pki_elf_malformed(e, ".dynstr", str_off,
                              "DT_NEEDED string at index 0x%" PRIx64 " is outside the string "
                              "table or not terminated",
                              ds->needed[i]);
            continue;
        }
        pk_fact_push_strn(needed, (const char *)s.ptr, s.len);
        if (s.len >= 7 && memcmp(s.ptr, "libc.so", 7) == 0)
            e->needs_libc = true;
    }
    if (ds->has_soname) {
        pk_bytes s;
        if (pki_elf_str(&str, ds->soname, &s))
            pk_fact_set_strn(e->facts, "soname", (const char *)s.ptr, s.len);
        else
            pki_elf_malformed(e, ".dynstr", str_off,
                              "DT_SONAME string at index 0x%" PRIx64 " is unreadable", ds->soname);
    }
    if (ds->has_rpath)
        path_publish(e, &str, str_off, ds->rpath, "rpath");
    if (ds->has_runpath)
        path_publish(e, &str, str_off, ds->runpath, "runpath");
}

void pki_elf_dyn_parse(pki_elf *e)
{
    pk_rd r;
    const char *what = NULL;
    uint64_t hdr = 0;
    if (!dyn_region(e, &r, &what, &hdr))
        return;
    e->has_dyn = true;
    dyn_strs *ds = pki_calloc(1, sizeof *ds);
    if (!ds) {
        e->st = PK_E_NOMEM;
        return;
    }
    bool ended = false;
    for (uint32_t i = 0; i < PKI_ELF_MAX_DYN; i++) {
        uint64_t tag, val;
        if (!pki_elf_rd_addr(e, &r, &tag) || !pki_elf_rd_addr(e, &r, &val))
            break;
        if (tag == DT_NULL) {
            ended = true;
            break;
        }
        dyn_entry(e, ds, tag, val);
    }
    if (!ended)
        pki_elf_malformed(e, what, hdr,
                          "dynamic table at offset 0x%" PRIx64 " has no DT_NULL terminator",
                          e->dyn_off);
    strings_publish(e, ds);
    pki_free(ds);
}
