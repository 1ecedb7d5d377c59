/* The resource tree ("PE Format", "The .rsrc Section") and VS_VERSIONINFO
 * ("VS_VERSIONINFO structure", "StringFileInfo", "VS_FIXEDFILEINFO" on
 * Microsoft Learn).
 *
 * The tree has three levels (type, name, language). A hostile file can make a
 * directory entry point back at an ancestor, so the walk is an explicit stack
 * of at most PKI_PE_RSRC_DEPTH frames with a visited set of directory offsets,
 * and a cap on the entries visited overall. */
#include "pe_int.h"

#include <stdio.h>
#include <string.h>

#define RSRC_DIR_SIZE   16u
#define RSRC_ENTRY_SIZE 8u
#define RSRC_HIGH       0x80000000u
#define RT_VERSION      16u
#define MAX_TYPES       64u
#define FIXED_SIGNATURE 0xfeef04bdu

/* ---- UTF-16LE ---- */

static size_t put_utf8(char *dst, size_t o, size_t cap, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (o + n >= cap)
        return o;
    memcpy(dst + o, b, n);
    return o + n;
}

size_t pki_pe_utf16_to_utf8(pk_bytes src, char *dst, size_t cap)
{
    size_t o = 0, n = src.len / 2;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        uint32_t u = (uint32_t)src.ptr[2 * i] | (uint32_t)src.ptr[2 * i + 1] << 8;
        if (u == 0)
            break;
        if (u >= 0xd800 && u <= 0xdbff && i + 1 < n) {
            uint32_t l = (uint32_t)src.ptr[2 * i + 2] | (uint32_t)src.ptr[2 * i + 3] << 8;
            if (l >= 0xdc00 && l <= 0xdfff) {
                u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
                i++;
            } else {
                u = 0xfffd;
            }
        } else if (u >= 0xd800 && u <= 0xdfff) {
            u = 0xfffd;
        }
        size_t before = o;
        o = put_utf8(dst, o, cap, u);
        if (o == before)
            break; /* full */
    }
    dst[o] = '\0';
    return o;
}

/* ---- VS_VERSIONINFO ---- */

/* One node: WORD wLength, WORD wValueLength, WORD wType, WCHAR szKey[], padding
 * to 32 bits, Value, padding, Children. Offsets are into the whole block,
 * whose start is the alignment base. */
typedef struct vnode {
    size_t off, end; /* [off, end): the node, clipped to its parent */
    uint16_t vlen, type;
    char key[64]; /* UTF-8 */
    size_t value; /* offset of the value */
    size_t children;
    bool truncated; /* wLength ran past the parent */
} vnode;

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

static bool vnode_read(const pk_rd *blk, size_t off, size_t lim, vnode *n)
{
    pk_rd r;
    uint16_t len;
    memset(n, 0, sizeof *n);
    if (lim > blk->len || off >= lim || !pk_rd_sub(blk, off, lim - off, &r) ||
        !pk_rd_u16le(&r, &len) || !pk_rd_u16le(&r, &n->vlen) || !pk_rd_u16le(&r, &n->type))
        return false;
    if (len < 6)
        return false;
    n->off = off;
    n->end = off + len;
    if (n->end > lim) {
        n->end = lim;
        n->truncated = true;
    }
    /* the key: UTF-16 up to a NUL unit, inside the node */
    size_t k = off + 6, kend = k;
    while (kend + 1 < n->end && (blk->p[kend] || blk->p[kend + 1]))
        kend += 2;
    if (kend + 1 >= n->end)
        return false; /* no terminating NUL */
    pk_bytes key = {blk->p + k, kend - k};
    pki_pe_utf16_to_utf8(key, n->key, sizeof n->key);
    n->value = align4(kend + 2);
    size_t vbytes = (size_t)n->vlen * (n->type == 1 ? 2 : 1);
    n->children = align4(n->value + vbytes);
    if (n->value > n->end)
        n->value = n->end;
    if (n->children > n->end)
        n->children = n->end;
    return true;
}

static const char *const version_keys[] = {
    "CompanyName",      "ProductName",     "FileVersion",    "ProductVersion",
    "OriginalFilename", "FileDescription", "LegalCopyright", "InternalName",
};

static void fixed_info(const pk_rd *blk, const vnode *root, pk_fact *out, pki_pe_bad *bad)
{
    pk_rd r;
    uint32_t sig, sver, fms, fls, pms, pls, mask, flags, os, type;
    if (root->vlen < 52 || !pk_rd_sub(blk, root->value, root->end - root->value, &r) ||
        !pk_rd_u32le(&r, &sig) || !pk_rd_u32le(&r, &sver) || !pk_rd_u32le(&r, &fms) ||
        !pk_rd_u32le(&r, &fls) || !pk_rd_u32le(&r, &pms) || !pk_rd_u32le(&r, &pls) ||
        !pk_rd_u32le(&r, &mask) || !pk_rd_u32le(&r, &flags) || !pk_rd_u32le(&r, &os) ||
        !pk_rd_u32le(&r, &type)) {
        if (root->vlen && bad && !bad->what)
            *bad = (pki_pe_bad){"VS_FIXEDFILEINFO truncated", root->value};
        return;
    }
    if (sig != FIXED_SIGNATURE) {
        if (bad && !bad->what)
            *bad = (pki_pe_bad){"VS_FIXEDFILEINFO signature is not 0xFEEF04BD", root->value};
        return;
    }
    char v[64];
    snprintf(v, sizeof v, "%u.%u.%u.%u", fms >> 16, fms & 0xffff, fls >> 16, fls & 0xffff);
    pk_fact_set_str(out, "fixed_file_version", v);
    snprintf(v, sizeof v, "%u.%u.%u.%u", pms >> 16, pms & 0xffff, pls >> 16, pls & 0xffff);
    pk_fact_set_str(out, "fixed_product_version", v);
    pk_fact_set_int(out, "file_flags", flags & mask);
    pk_fact_set_int(out, "file_os", os);
    pk_fact_set_int(out, "file_type", type);
}

static void version_string(const pk_rd *blk, const vnode *s, pk_fact *out)
{
    for (size_t i = 0; i < sizeof version_keys / sizeof version_keys[0]; i++) {
        if (strcmp(s->key, version_keys[i]) != 0 || pk_fact_get(out, version_keys[i]))
            continue;
        /* wValueLength is in characters by the specification but in bytes in
         * some writers; the value is read up to its NUL or the node's end. */
        size_t n = s->end - s->value;
        if (n > 2 * PKI_PE_VER_MAX_CHARS)
            n = 2 * PKI_PE_VER_MAX_CHARS;
        pk_bytes b = {blk->p + s->value, n};
        char buf[3 * PKI_PE_VER_MAX_CHARS + 4];
        size_t len = pki_pe_utf16_to_utf8(b, buf, sizeof buf);
        pk_fact_set_strn(out, version_keys[i], buf, len);
    }
}

static void translations(const pk_rd *blk, const vnode *var, pk_fact *out)
{
    pk_fact *arr = pk_fact_arr(out, "translations");
    pk_rd r;
    size_t n = var->vlen < var->end - var->value ? var->vlen : var->end - var->value;
    if (!pk_rd_sub(blk, var->value, n, &r))
        return;
    uint16_t lang, cp;
    for (unsigned i = 0;
         i < PKI_PE_VER_MAX_CHILDREN && pk_rd_u16le(&r, &lang) && pk_rd_u16le(&r, &cp); i++) {
        char v[16];
        snprintf(v, sizeof v, "%04x%04x", lang, cp);
        pk_fact_push_str(arr, v);
    }
}

/* Iterates the children of `parent`, calling back per child; false on a child
 * that does not parse (what and where in *bad). */
typedef void (*vchild_fn)(const pk_rd *blk, const vnode *child, pk_fact *out, pki_pe_bad *bad);

static bool vchildren(const pk_rd *blk, const vnode *parent, vchild_fn fn, pk_fact *out,
                      pki_pe_bad *bad)
{
    size_t pos = parent->children;
    for (unsigned i = 0; i < PKI_PE_VER_MAX_CHILDREN && pos + 6 <= parent->end; i++) {
        vnode c;
        if (!vnode_read(blk, pos, parent->end, &c)) {
            if (bad && !bad->what)
                *bad = (pki_pe_bad){"version node header unreadable", pos};
            return false;
        }
        if (c.truncated && bad && !bad->what)
            *bad = (pki_pe_bad){"version node runs past its parent", pos};
        fn(blk, &c, out, bad);
        pos = align4(c.end); /* c.end >= pos + 6: always advances */
    }
    return true;
}

static void on_string(const pk_rd *blk, const vnode *c, pk_fact *out, pki_pe_bad *bad)
{
    (void)bad;
    version_string(blk, c, out);
}

static void on_table(const pk_rd *blk, const vnode *c, pk_fact *out, pki_pe_bad *bad)
{
    vchildren(blk, c, on_string, out, bad);
}

static void on_var(const pk_rd *blk, const vnode *c, pk_fact *out, pki_pe_bad *bad)
{
    (void)bad;
    if (strcmp(c->key, "Translation") == 0)
        translations(blk, c, out);
}

static void on_top(const pk_rd *blk, const vnode *c, pk_fact *out, pki_pe_bad *bad)
{
    /* Fixed depth: StringFileInfo > StringTable > String, VarFileInfo > Var.
     * Each level is its own function, so the nesting is bounded by the code. */
    if (strcmp(c->key, "StringFileInfo") == 0)
        vchildren(blk, c, on_table, out, bad);
    else if (strcmp(c->key, "VarFileInfo") == 0)
        vchildren(blk, c, on_var, out, bad);
}

bool pki_pe_version_parse(pk_bytes b, pk_fact *out, pki_pe_bad *bad)
{
    pki_pe_bad local = {NULL, 0};
    pki_pe_bad *bp = bad ? bad : &local;
    bp->what = NULL;
    bp->off = 0;
    pk_rd blk = pk_rd_make(b);
    vnode root;
    if (!vnode_read(&blk, 0, b.len, &root)) {
        *bp = (pki_pe_bad){"VS_VERSIONINFO header unreadable", 0};
        return false;
    }
    if (root.truncated)
        *bp = (pki_pe_bad){"VS_VERSIONINFO wLength exceeds the resource", 0};
    if (strcmp(root.key, "VS_VERSION_INFO") != 0 && !bp->what)
        *bp = (pki_pe_bad){"VS_VERSIONINFO key is not VS_VERSION_INFO", 6};
    fixed_info(&blk, &root, out, bp);
    vchildren(&blk, &root, on_top, out, bp);
    return bp->what == NULL;
}

/* ---- the resource tree ---- */

static const char *const rt_names[] = {
    [1] = "CURSOR",      [2] = "BITMAP",     [3] = "ICON",          [4] = "MENU",
    [5] = "DIALOG",      [6] = "STRING",     [7] = "FONTDIR",       [8] = "FONT",
    [9] = "ACCELERATOR", [10] = "RCDATA",    [11] = "MESSAGETABLE", [12] = "GROUP_CURSOR",
    [14] = "GROUP_ICON", [16] = "VERSION",   [17] = "DLGINCLUDE",   [19] = "PLUGPLAY",
    [20] = "VXD",        [21] = "ANICURSOR", [22] = "ANIICON",      [23] = "HTML",
    [24] = "MANIFEST",
};

typedef struct rframe {
    uint32_t off; /* directory offset in the resource section */
    uint32_t i, n;
} rframe;

typedef struct rwalk {
    pki_pe *pe;
    pk_rd rs;      /* from the resource root to its section's end */
    uint64_t base; /* file offset of the root */
    uint32_t visited[PKI_PE_RSRC_MAX_DIRS];
    uint32_t nvisited;
    uint32_t types[MAX_TYPES], type_count[MAX_TYPES];
    uint32_t ntypes;
    bool version_done;
} rwalk;

static bool dir_header(rwalk *w, uint32_t off, rframe *f)
{
    pk_rd r;
    uint16_t named, ids;
    if (!pk_rd_sub(&w->rs, off, RSRC_DIR_SIZE, &r) || !pk_rd_skip(&r, 12) ||
        !pk_rd_u16le(&r, &named) || !pk_rd_u16le(&r, &ids)) {
        pki_pe_malformed(w->pe, "resource directory", w->base + off,
                         "directory header outside the resource section");
        return false;
    }
    f->off = off;
    f->i = 0;
    f->n = (uint32_t)named + ids;
    return true;
}

static bool visited(rwalk *w, uint32_t off)
{
    for (uint32_t i = 0; i < w->nvisited; i++)
        if (w->visited[i] == off)
            return true;
    return false;
}

static void count_type(rwalk *w, uint32_t type)
{
    for (uint32_t i = 0; i < w->ntypes; i++)
        if (w->types[i] == type) {
            w->type_count[i]++;
            return;
        }
    if (w->ntypes < MAX_TYPES) {
        w->types[w->ntypes] = type;
        w->type_count[w->ntypes++] = 1;
    }
}

static void version_leaf(rwalk *w, uint32_t data_off)
{
    pk_rd r, v;
    uint32_t rva, size;
    uint64_t voff;
    w->version_done = true;
    if (!pk_rd_sub(&w->rs, data_off, 16, &r) || !pk_rd_u32le(&r, &rva) || !pk_rd_u32le(&r, &size)) {
        pki_pe_malformed(w->pe, "resource data entry", w->base + data_off,
                         "outside the resource section");
        return;
    }
    if (!pki_pe_rva_rd(w->pe, rva, &v, &voff)) {
        pki_pe_malformed(w->pe, "version resource", w->base + data_off,
                         "data RVA 0x%x maps to no file bytes", rva);
        return;
    }
    if (size > v.len) {
        pki_pe_malformed(w->pe, "version resource", voff,
                         "%u bytes declared, %zu readable in the section", size, v.len);
        size = (uint32_t)v.len;
    }
    pk_bytes b = {v.p, size};
    pki_pe_bad bad;
    pk_fact *ver = pk_fact_obj(w->pe->facts, "version");
    if (!pki_pe_version_parse(b, ver, &bad))
        pki_pe_malformed(w->pe, "version resource", voff + bad.off, "%s", bad.what);
}

static void facts_types(rwalk *w, uint32_t entries, bool truncated)
{
    pk_fact *res = pk_fact_obj(w->pe->facts, "resources");
    pk_fact_set_int(res, "entries", entries);
    if (truncated)
        pk_fact_set_bool(res, "truncated", 1);
    pk_fact *arr = pk_fact_arr(res, "types");
    for (uint32_t i = 0; i < w->ntypes; i++) {
        pk_fact *o = pk_fact_push_obj(arr);
        uint32_t t = w->types[i];
        char buf[16];
        const char *name = NULL;
        if (t & RSRC_HIGH)
            name = "named";
        else if (t < sizeof rt_names / sizeof rt_names[0])
            name = rt_names[t];
        if (!name) {
            snprintf(buf, sizeof buf, "%u", t);
            name = buf;
        }
        pk_fact_set_str(o, "type", name);
        pk_fact_set_int(o, "count", w->type_count[i]);
    }
}

void pki_pe_parse_resources(pki_pe *pe)
{
    if (pe->ndirs <= PKI_PE_DIR_RESOURCE || !pe->dir_rva[PKI_PE_DIR_RESOURCE])
        return;
    rwalk *w = pki_calloc(1, sizeof *w);
    if (!w) {
        pe->st = PK_E_NOMEM;
        return;
    }
    w->pe = pe;
    if (!pki_pe_rva_rd(pe, pe->dir_rva[PKI_PE_DIR_RESOURCE], &w->rs, &w->base)) {
        pki_pe_malformed(pe, "resource directory", PK_LOC_NONE, "RVA 0x%x maps to no file bytes",
                         pe->dir_rva[PKI_PE_DIR_RESOURCE]);
        goto out;
    }
    rframe st[PKI_PE_RSRC_DEPTH];
    unsigned depth = 0;
    uint32_t entries = 0, type = 0;
    bool truncated = false;
    if (!dir_header(w, 0, &st[0]))
        goto out;
    w->visited[w->nvisited++] = 0;
    depth = 1;
    while (depth > 0) {
        rframe *f = &st[depth - 1];
        if (f->i >= f->n) {
            depth--;
            continue;
        }
        if (entries >= PKI_PE_RSRC_MAX_ENTRIES) {
            truncated = true;
            break;
        }
        entries++;
        uint64_t eoff = (uint64_t)f->off + RSRC_DIR_SIZE + (uint64_t)f->i * RSRC_ENTRY_SIZE;
        f->i++;
        pk_rd r;
        uint32_t id, data;
        if (!pk_rd_sub(&w->rs, eoff, RSRC_ENTRY_SIZE, &r) || !pk_rd_u32le(&r, &id) ||
            !pk_rd_u32le(&r, &data)) {
            pki_pe_malformed(pe, "resource directory", w->base + eoff,
                             "entry %u of %u outside the resource section", f->i - 1, f->n);
            depth--; /* the rest of this directory is out of bounds too */
            continue;
        }
        if (depth == 1)
            type = id;
        if (!(data & RSRC_HIGH)) {
            count_type(w, type);
            if (type == RT_VERSION && !w->version_done)
                version_leaf(w, data);
            continue;
        }
        uint32_t sub = data & ~RSRC_HIGH;
        if (depth >= PKI_PE_RSRC_DEPTH) {
            pki_pe_malformed(pe, "resource directory", w->base + eoff,
                             "subdirectory 0x%x below the language level (more than %u levels)",
                             sub, PKI_PE_RSRC_DEPTH);
            continue;
        }
        if (visited(w, sub)) {
            pki_pe_malformed(pe, "resource directory", w->base + eoff,
                             "entry points back to directory 0x%x (loop)", sub);
            continue;
        }
        if (w->nvisited >= PKI_PE_RSRC_MAX_DIRS) {
            truncated = true;
            continue;
        }
        w->visited[w->nvisited++] = sub;
        if (dir_header(w, sub, &st[depth]))
            depth++;
    }
    facts_types(w, entries, truncated);
out:
    pki_free(w);
}
