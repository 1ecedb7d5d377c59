/* Go build info: the header, its two strings and the module info lines.
 *
 * Since Go 1.18 (flags bit 2) both strings follow the 32-byte header inline,
 * each prefixed by an unsigned varint length. Before, the header holds two
 * pointers (virtual addresses) to Go string headers {data, len}; they are
 * resolved here through an ELF file's PT_LOAD program headers only (PE and
 * Mach-O binaries of Go < 1.18 are a documented gap). */
#include "golang_int.h"

#include <string.h>

/* The module info is framed by two 16-byte sentinels; Go strips them when
 * the byte before the closing one is '\n' (runtime/debug.modinfo). */
#define SENTINEL_LEN 16u

static bool uvarint(pk_rd *r, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (!pk_rd_u8(r, &b))
            return false;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

static bool varstr(pk_rd *r, pki_go_slice *s, uint64_t *off)
{
    uint64_t n;
    pk_bytes b;
    if (!uvarint(r, &n) || n > PKI_GO_MAX_STR || !pk_rd_bytes(r, (size_t)n, &b))
        return false;
    *off = r->pos - n;
    s->p = b.ptr;
    s->n = b.len;
    return true;
}

/* ---- Go < 1.18: pointers resolved through ELF PT_LOAD segments ---- */

typedef struct elfmap {
    int big, is64;
    uint64_t phoff;
    uint16_t phentsize, phnum;
} elfmap;

static bool elf_open(const pk_rd *f, elfmap *m)
{
    pk_rd r = *f;
    pk_bytes id;
    if (!pk_rd_seek(&r, 0) || !pk_rd_bytes(&r, 16, &id) || memcmp(id.ptr, "\177ELF", 4) != 0)
        return false;
    if ((id.ptr[4] != 1 && id.ptr[4] != 2) || (id.ptr[5] != 1 && id.ptr[5] != 2))
        return false;
    m->is64 = id.ptr[4] == 2;
    m->big = id.ptr[5] == 2;
    uint32_t p32 = 0;
    if (m->is64) {
        if (!pk_rd_seek(&r, 32) || !pk_rd_u64e(&r, m->big, &m->phoff))
            return false;
    } else {
        if (!pk_rd_seek(&r, 28) || !pk_rd_u32e(&r, m->big, &p32))
            return false;
        m->phoff = p32;
    }
    if (!pk_rd_seek(&r, m->is64 ? 54 : 42) || !pk_rd_u16e(&r, m->big, &m->phentsize) ||
        !pk_rd_u16e(&r, m->big, &m->phnum))
        return false;
    return m->phentsize >= (m->is64 ? 56 : 32);
}

/* A reader over the file bytes backing virtual address `addr`, up to the end
 * of the segment's file image. */
static bool elf_addr(const pk_rd *f, const elfmap *m, uint64_t addr, pk_rd *out, uint64_t *offp)
{
    unsigned n = m->phnum < PKI_GO_MAX_PHDRS ? m->phnum : PKI_GO_MAX_PHDRS;
    for (unsigned i = 0; i < n; i++) {
        pk_rd r;
        if (!pk_rd_sub(f, m->phoff + (uint64_t)i * m->phentsize, m->phentsize, &r))
            return false;
        uint32_t type = 0, w32 = 0;
        uint64_t off = 0, vaddr = 0, filesz = 0;
        if (!pk_rd_u32e(&r, m->big, &type))
            return false;
        if (type != 1) /* PT_LOAD */
            continue;
        if (m->is64) {
            if (!pk_rd_skip(&r, 4) || !pk_rd_u64e(&r, m->big, &off) ||
                !pk_rd_u64e(&r, m->big, &vaddr) || !pk_rd_skip(&r, 8) ||
                !pk_rd_u64e(&r, m->big, &filesz))
                return false;
        } else {
            if (!pk_rd_u32e(&r, m->big, &w32))
                return false;
            off = w32;
            if (!pk_rd_u32e(&r, m->big, &w32))
                return false;
            vaddr = w32;
            if (!pk_rd_skip(&r, 4) || !pk_rd_u32e(&r, m->big, &w32))
                return false;
            filesz = w32;
        }
        if (addr < vaddr || addr - vaddr >= filesz)
            continue;
        uint64_t delta = addr - vaddr;
        if (off > UINT64_MAX - delta)
            return false;
        uint64_t at = off + delta, len = filesz - delta;
        if (at > f->len)
            return false;
        if (len > f->len - at)
            len = f->len - at;
        *offp = at;
        return pk_rd_sub(f, at, len, out);
    }
    return false;
}

static bool rd_ptr(pk_rd *r, unsigned psize, int big, uint64_t *v)
{
    if (psize == 8)
        return pk_rd_u64e(r, big, v);
    uint32_t w;
    if (!pk_rd_u32e(r, big, &w))
        return false;
    *v = w;
    return true;
}

/* The Go string whose header {data, len} is at virtual address `addr`. */
static bool elf_gostr(const pk_rd *f, const elfmap *m, uint64_t addr, unsigned psize, int big,
                      pki_go_slice *s, uint64_t *offp)
{
    pk_rd h, d;
    uint64_t data = 0, len = 0, off;
    if (!elf_addr(f, m, addr, &h, &off) || !rd_ptr(&h, psize, big, &data) ||
        !rd_ptr(&h, psize, big, &len) || len > PKI_GO_MAX_STR)
        return false;
    if (len == 0) {
        s->p = NULL;
        s->n = 0;
        *offp = off;
        return true;
    }
    if (!elf_addr(f, m, data, &d, offp) || len > d.len)
        return false;
    s->p = d.p;
    s->n = (size_t)len;
    return true;
}

static bool read_old(const pk_rd *f, uint64_t off, unsigned psize, int big, pki_go_info *info)
{
    elfmap m;
    pk_rd r;
    uint64_t vers_addr = 0, mod_addr = 0, voff;
    if (!elf_open(f, &m) || !pk_rd_sub(f, off + 16, 2u * psize, &r) ||
        !rd_ptr(&r, psize, big, &vers_addr) || !rd_ptr(&r, psize, big, &mod_addr))
        return false;
    pki_go_slice mod;
    if (!elf_gostr(f, &m, vers_addr, psize, big, &info->goversion, &voff) ||
        !elf_gostr(f, &m, mod_addr, psize, big, &mod, &info->mod_off))
        return false;
    info->mod_len = mod.n;
    return true;
}

/* ---- the module info text ---- */

/* The next tab-separated field of a line; the rest stays in *line. */
static pki_go_slice field(pki_go_slice *line)
{
    pki_go_slice f = *line;
    const uint8_t *t = line->n ? memchr(line->p, '\t', line->n) : NULL;
    if (t) {
        f.n = (size_t)(t - line->p);
        line->p = t + 1;
        line->n -= f.n + 1;
    } else {
        line->p += line->n;
        line->n = 0;
    }
    return f;
}

static bool is(pki_go_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

static void modline(pki_go_slice rest, pki_go_mod *m)
{
    m->path = field(&rest);
    m->version = field(&rest);
    m->sum = field(&rest);
}

static bool parse_modinfo(pki_go_slice mod, pki_go_info *info)
{
    pki_go_mod *last = NULL;
    size_t cap = 0;
    while (mod.n) {
        const uint8_t *nl = memchr(mod.p, '\n', mod.n);
        pki_go_slice line = {mod.p, nl ? (size_t)(nl - mod.p) : mod.n};
        mod.p += line.n + (nl ? 1 : 0);
        mod.n -= line.n + (nl ? 1 : 0);
        pki_go_slice key = field(&line);
        if (is(key, "path")) {
            info->pkgpath = line;
        } else if (is(key, "mod")) {
            modline(line, &info->main);
            last = &info->main;
        } else if (is(key, "dep")) {
            last = NULL;
            if (info->ndeps >= PKI_GO_MAX_MODS) {
                info->dropped++;
                continue;
            }
            if (info->ndeps == cap &&
                !pki_grow((void **)&info->deps, &cap, info->ndeps + 1, sizeof *info->deps)) {
                info->oom = true;
                return false;
            }
            last = &info->deps[info->ndeps++];
            memset(last, 0, sizeof *last);
            modline(line, last);
        } else if (is(key, "=>")) {
            if (!last || last->replaced)
                continue; /* Go rejects this; keep what was read */
            pki_go_mod r;
            modline(line, &r);
            last->repl_path = r.path;
            last->repl_version = r.version;
            last->repl_sum = r.sum;
            last->replaced = true;
        } else if (is(key, "build") && info->nbuild < PKI_GO_MAX_BUILD) {
            const uint8_t *eq = line.n ? memchr(line.p, '=', line.n) : NULL;
            if (!eq || eq == line.p)
                continue;
            size_t kn = (size_t)(eq - line.p);
            info->build_key[info->nbuild] = (pki_go_slice){line.p, kn};
            info->build_val[info->nbuild] = (pki_go_slice){eq + 1, line.n - kn - 1};
            info->nbuild++;
        }
    }
    return true;
}

/* The toolchain's own string ("go1.21.5", "devel go1.22-abc ..."): the magic
 * also occurs as a constant in programs that read build info (debug/buildinfo,
 * the go command), followed by unrelated bytes. */
static bool plausible_version(pki_go_slice v)
{
    if (v.n < 3 || v.n > 256 ||
        (memcmp(v.p, "go", 2) != 0 && (v.n < 6 || memcmp(v.p, "devel ", 6) != 0)))
        return false;
    for (size_t i = 0; i < v.n; i++)
        if (v.p[i] < 0x20 || v.p[i] > 0x7e)
            return false;
    return true;
}

bool pki_go_read(pk_bytes file, uint64_t off, pki_go_info *info)
{
    memset(info, 0, sizeof *info);
    pk_rd f = pk_rd_make(file), r;
    pk_bytes hdr;
    if (!pk_rd_sub(&f, off, PKI_GO_HDR_LEN, &r) || !pk_rd_bytes(&r, PKI_GO_HDR_LEN, &hdr) ||
        memcmp(hdr.ptr, PKI_GO_MAGIC, PKI_GO_MAGIC_LEN) != 0)
        return false;
    unsigned psize = hdr.ptr[14], flags = hdr.ptr[15];
    info->hdr_off = off;
    if (flags & 2) {
        uint64_t voff;
        pki_go_slice mod;
        if (!pk_rd_sub(&f, off, f.len - off, &r) || !pk_rd_seek(&r, PKI_GO_HDR_LEN) ||
            !varstr(&r, &info->goversion, &voff) || !varstr(&r, &mod, &info->mod_off))
            return false;
        info->mod_off += off;
        info->mod_len = mod.n;
    } else {
        if (psize != 4 && psize != 8)
            return false;
        if (!read_old(&f, off, psize, flags & 1, info))
            return false;
    }
    /* mod_off/mod_len name the framed string; unframe it in place */
    pki_go_slice mod = {NULL, 0};
    if (info->mod_len) {
        pk_rd m;
        if (!pk_rd_sub(&f, info->mod_off, info->mod_len, &m))
            return false;
        mod.p = m.p;
        mod.n = m.len;
    }
    if (mod.n >= 2 * SENTINEL_LEN + 1 && mod.p[mod.n - SENTINEL_LEN - 1] == '\n') {
        mod.p += SENTINEL_LEN;
        mod.n -= 2 * SENTINEL_LEN;
        info->mod_off += SENTINEL_LEN;
        info->mod_len = mod.n;
    } else {
        mod.n = 0; /* no module info (built outside module mode) */
        info->mod_len = 0;
    }
    if (!plausible_version(info->goversion))
        return false;
    return parse_modinfo(mod, info);
}

void pki_go_info_fini(pki_go_info *info)
{
    pki_free(info->deps);
    info->deps = NULL;
}
