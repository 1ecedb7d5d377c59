/* usr/share/doc/<pkg>/copyright in the machine-readable DEP-5 format: the
 * License of the "Files: *" paragraph becomes the package's declared license,
 * as a claim on the <pkg> component of the same root. */
#include "dpkg_int.h"

#include <string.h>

#define DOC_DIR   "usr/share/doc/"
#define COPYRIGHT "/copyright"
#define MAX_PARAS 10000u

long pki_dpkg_copyright_root(const char *vpath, size_t *name_off, size_t *name_len)
{
    size_t n = strlen(vpath), c = sizeof COPYRIGHT - 1, d = sizeof DOC_DIR - 1;
    if (n <= c + d || memcmp(vpath + n - c, COPYRIGHT, c) != 0)
        return -1;
    size_t end = n - c, s = end;
    while (s > 0 && vpath[s - 1] != '/')
        s--;
    if (s == end || s < d || memcmp(vpath + s - d, DOC_DIR, d) != 0)
        return -1;
    size_t root = s - d;
    if (root > 0 && vpath[root - 1] != '/')
        return -1;
    *name_off = s;
    *name_len = end - s;
    return (long)root;
}

/* "Files: *" or a list whose first pattern is "*". */
static int all_files(pk_bytes v)
{
    return v.ptr && v.len >= 1 && v.ptr[0] == '*' &&
           (v.len == 1 || v.ptr[1] == ' ' || v.ptr[1] == '\n' || v.ptr[1] == '\r' ||
            v.ptr[1] == '\t');
}

pk_status pki_dpkg_copyright(const pk_file *f, pk_emit *out)
{
    size_t no, nl;
    long rl = pki_dpkg_copyright_root(f->vpath, &no, &nl);
    char name[256], lic[512], record[300];
    if (rl < 0 || nl >= sizeof name)
        return PK_OK;
    pki_dpkg_rd r = {f->data.ptr, f->data.len, 0};
    pki_dpkg_para p;
    if (!pki_dpkg_next(&r, &p) || !p.f[PKI_DF_FORMAT].ptr)
        return PK_OK; /* not DEP-5: free text, no license to read reliably */
    /* a header paragraph may carry License itself (the whole work's) */
    pki_dpkg_val(p.f[PKI_DF_LICENSE], 1, lic, sizeof lic);
    for (unsigned n = 0; n < MAX_PARAS && pki_dpkg_next(&r, &p); n++) {
        if (all_files(p.f[PKI_DF_FILES]) && p.f[PKI_DF_LICENSE].ptr) {
            pki_dpkg_val(p.f[PKI_DF_LICENSE], 1, lic, sizeof lic);
            break;
        }
    }
    if (!lic[0])
        return PK_OK;
    char *scope = pki_malloc((size_t)rl + 1);
    if (!scope)
        return PK_E_NOMEM;
    memcpy(scope, f->vpath, (size_t)rl);
    scope[rl] = '\0';
    memcpy(name, f->vpath + no, nl);
    name[nl] = '\0';
    memcpy(record, "Files: *", 9);
    pk_component_spec s = {
        .type = "deb",
        .name = name,
        .flags = PK_CF_CLAIM,
        .scope = scope,
        .rule = "dpkg-copyright",
        .method = PK_CM_MANIFEST,
        .confidence = 80,
        .loc = {PK_LOC_NONE, 0, record},
    };
    pk_component *h = NULL;
    if (pk_emit_component(out, &s, &h) == PK_OK && h)
        pk_component_set(h, "license", lic);
    pki_free(scope);
    return PK_OK;
}
