/* A PE file's version resource as a component: what the vendor says the file
 * is (product, version, company), read from the strings pe_rsrc.c published
 * in facts.pe.version. The resource's own bytes are located again here (a
 * three-level descent to the first RT_VERSION leaf, the one pe_rsrc.c
 * parsed) only to give the evidence its offset and length. */
#include "pe_int.h"

#include <parakh/component.h>
#include <string.h>

#define RULE        "pe-version"
#define CONFIDENCE  80
#define RT_VERSION  16u
#define RSRC_HIGH   0x80000000u
#define FILE_DLL    0x2000u
#define DIR_CLR     14u /* IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR */
#define MAX_ENTRIES 4096u
/* a version string is at most PKI_PE_VER_MAX_CHARS UTF-16 units: 3 UTF-8 bytes each */
#define STR_CAP (3u * PKI_PE_VER_MAX_CHARS + 1u)

/* The entry of the directory at `dir` (offset in the resource section) whose
 * id is `id`, or the first entry when id is UINT32_MAX. */
static bool rsrc_entry(const pk_rd *rs, uint32_t dir, uint32_t id, uint32_t *data)
{
    pk_rd r;
    uint16_t nnamed, nid;
    if (!pk_rd_sub(rs, dir, 16, &r) || !pk_rd_skip(&r, 12) || !pk_rd_u16le(&r, &nnamed) ||
        !pk_rd_u16le(&r, &nid))
        return false;
    uint32_t n = (uint32_t)nnamed + nid;
    if (n > MAX_ENTRIES)
        n = MAX_ENTRIES;
    for (uint32_t i = 0; i < n; i++) {
        pk_rd e;
        uint32_t eid, edata;
        if (!pk_rd_sub(rs, (uint64_t)dir + 16 + 8ull * i, 8, &e) || !pk_rd_u32le(&e, &eid) ||
            !pk_rd_u32le(&e, &edata))
            return false;
        if (id == UINT32_MAX || eid == id) {
            *data = edata;
            return true;
        }
    }
    return false;
}

/* The file range of the first RT_VERSION leaf. */
static bool version_range(const pki_pe *pe, uint64_t *off, uint64_t *len)
{
    pk_rd rs, v, d;
    uint64_t base;
    uint32_t e1, e2, e3, rva, size;
    if (pe->ndirs <= PKI_PE_DIR_RESOURCE || !pe->dir_rva[PKI_PE_DIR_RESOURCE] ||
        !pki_pe_rva_rd(pe, pe->dir_rva[PKI_PE_DIR_RESOURCE], &rs, &base))
        return false;
    if (!rsrc_entry(&rs, 0, RT_VERSION, &e1) || !(e1 & RSRC_HIGH) ||
        !rsrc_entry(&rs, e1 & ~RSRC_HIGH, UINT32_MAX, &e2) || !(e2 & RSRC_HIGH) ||
        !rsrc_entry(&rs, e2 & ~RSRC_HIGH, UINT32_MAX, &e3) || (e3 & RSRC_HIGH))
        return false;
    if (!pk_rd_sub(&rs, e3, 8, &d) || !pk_rd_u32le(&d, &rva) || !pk_rd_u32le(&d, &size) ||
        !pki_pe_rva_rd(pe, rva, &v, off))
        return false;
    (void)base;
    *len = size < v.len ? size : v.len;
    return true;
}

/* A trimmed copy of facts.pe.version.<key>; "" when absent or blank. */
static const char *vstr(const pk_fact *ver, const char *key, char *buf)
{
    const char *s = pk_fact_str(pk_fact_get(ver, key));
    buf[0] = '\0';
    if (!s)
        return buf;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strnlen(s, STR_CAP - 1);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* "1, 2, 3, 4" (the resource compiler's comma style) -> "1.2.3.4"; other
 * strings are kept as written. */
static void normalize_version(char *v)
{
    if (!strchr(v, ',') || v[strspn(v, "0123456789., ")] != '\0')
        return;
    size_t o = 0;
    for (size_t i = 0; v[i]; i++) {
        if (v[i] == ' ')
            continue;
        v[o++] = v[i] == ',' ? '.' : v[i];
    }
    v[o] = '\0';
}

static bool all_zero_version(const char *v)
{
    return v[strspn(v, "0.")] == '\0';
}

typedef struct vstrs {
    char product[STR_CAP], desc[STR_CAP], internal[STR_CAP], orig[STR_CAP];
    char company[STR_CAP], pver[STR_CAP], fver[STR_CAP], copyright[STR_CAP];
    char name[STR_CAP];
} vstrs;

void pki_pe_components(pki_pe *pe)
{
    const pk_fact *ver = pk_fact_get(pe->facts, "version");
    if (!ver)
        return;
    vstrs *s = pki_malloc(sizeof *s);
    if (!s) {
        pe->st = PK_E_NOMEM;
        return;
    }
    vstr(ver, "ProductName", s->product);
    vstr(ver, "FileDescription", s->desc);
    vstr(ver, "InternalName", s->internal);
    vstr(ver, "OriginalFilename", s->orig);
    vstr(ver, "CompanyName", s->company);
    vstr(ver, "ProductVersion", s->pver);
    vstr(ver, "FileVersion", s->fver);
    vstr(ver, "LegalCopyright", s->copyright);
    /* the name: ProductName, else FileDescription, InternalName, or
     * OriginalFilename without its extension */
    const char *name = s->product[0] ? s->product : s->desc[0] ? s->desc : s->internal;
    if (!name[0] && s->orig[0]) {
        memcpy(s->name, s->orig, strlen(s->orig) + 1);
        char *dot = strrchr(s->name, '.');
        if (dot && dot != s->name)
            *dot = '\0';
        name = s->name;
    }
    normalize_version(s->pver);
    if (!s->pver[0]) {
        vstr(ver, "fixed_product_version", s->pver);
        if (all_zero_version(s->pver))
            s->pver[0] = '\0';
    }
    uint64_t off = PK_LOC_NONE, len = 0;
    if (!version_range(pe, &off, &len))
        off = PK_LOC_NONE;
    if (name[0]) {
        pk_component_spec spec = {
            .type = "generic",
            .ns = s->company[0] ? s->company : NULL,
            .name = name,
            .version = s->pver[0] ? s->pver : NULL,
            .kind = (pe->chars & FILE_DLL) ? PK_CK_LIBRARY : PK_CK_APPLICATION,
            .flags = PK_CF_SELF,
            .rule = RULE,
            .method = PK_CM_BINARY,
            .confidence = CONFIDENCE,
            .loc = {off, off == PK_LOC_NONE ? 0 : len, "VS_VERSIONINFO/ProductVersion"},
        };
        pk_component *h;
        pk_status st = pk_emit_component(pe->out, &spec, &h);
        if (st == PK_OK) {
            pk_component_set(h, "supplier", s->company);
            pk_component_set(h, "description", s->desc);
            pk_component_set(h, "file_version", s->fver);
            pk_component_set(h, "original_filename", s->orig);
            pk_component_set(h, "copyright", s->copyright);
            if (pe->ndirs > DIR_CLR && pe->dir_rva[DIR_CLR] && pe->dir_size[DIR_CLR])
                pk_component_set(h, "dotnet_assembly", "true");
        } else if (st != PK_E_LIMIT && pe->st == PK_OK) {
            pe->st = st;
        }
    }
    pki_free(s);
}
