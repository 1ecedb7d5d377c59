/* The python analyzer: installed distributions (core metadata in
 * *.dist-info/METADATA, *.egg-info/PKG-INFO, a *.egg-info file) and the files
 * a dist-info RECORD lists. Metadata is RFC 822 style: headers up to the first
 * blank line, then the description, which is not read. */
#include "python_int.h"

#include <parakh/component.h>
#include <string.h>

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* The parent directory's name of the current file: [*b, *b + *n). */
static int parent_dir(const char *vpath, const char *name, const char **b, size_t *n)
{
    size_t vl = strlen(vpath), nl = strlen(name);
    if (nl > vl)
        return 0;
    size_t end = vl - nl;
    if (end < 2 || vpath[end - 1] != '/' || vpath[end - 2] == '!')
        return 0;
    size_t i = end - 1;
    while (i > 0 && vpath[i - 1] != '/')
        i--;
    *b = vpath + i;
    *n = end - 1 - i;
    return 1;
}

size_t pki_py_dir_len(const pk_file *f)
{
    size_t vl = strlen(f->vpath), nl = strlen(f->name);
    return nl <= vl ? vl - nl : 0;
}

pki_py_kind pki_py_kind_of(const pk_file *f)
{
    const char *d;
    size_t dn;
    if (!f->name || !f->vpath)
        return PKI_PY_NONE;
    size_t nl = strlen(f->name);
    int pd = parent_dir(f->vpath, f->name, &d, &dn);
    if (pd && strcmp(f->name, "METADATA") == 0 && ends_with(d, dn, ".dist-info"))
        return PKI_PY_METADATA;
    if (pd && strcmp(f->name, "RECORD") == 0 && ends_with(d, dn, ".dist-info"))
        return PKI_PY_RECORD;
    if (pd && strcmp(f->name, "PKG-INFO") == 0 && ends_with(d, dn, ".egg-info"))
        return PKI_PY_METADATA;
    if (ends_with(f->name, nl, ".egg-info") && nl > 9)
        return PKI_PY_EGGFILE;
    return PKI_PY_NONE;
}

static unsigned py_claim(const pk_file *file)
{
    if (file->size == 0 || file->size > PKI_PY_MAX_FILE)
        return 0;
    return pki_py_kind_of(file) != PKI_PY_NONE ? 90 : 0;
}

void pki_py_normalize(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    int sep = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        char c = s[i];
        if (c == '-' || c == '_' || c == '.') {
            sep = 1;
            continue;
        }
        if (sep && o)
            out[o++] = '-';
        sep = 0;
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = '\0';
}

/* The scope: the directory holding the .dist-info/.egg-info (or the egg-info
 * file), with its trailing '/' or "!/". Returns its length in vpath. */
size_t pki_py_scope_len(const pk_file *f, pki_py_kind k)
{
    size_t end = pki_py_dir_len(f); /* the file's directory */
    if (k == PKI_PY_EGGFILE)
        return end;
    /* drop the ".dist-info/" or ".egg-info/" directory itself */
    size_t i = end ? end - 1 : 0;
    while (i > 0 && f->vpath[i - 1] != '/')
        i--;
    return i;
}

static pk_status py_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->data.ptr || file->data.len == 0 || file->data.len > PKI_PY_MAX_FILE)
        return PK_OK;
    pki_py_kind k = pki_py_kind_of(file);
    size_t sl = pki_py_scope_len(file, k);
    char *scope = pki_strndup(file->vpath, sl);
    if (!scope)
        return PK_E_NOMEM;
    pk_status st = PK_OK;
    if (k == PKI_PY_RECORD)
        st = pki_py_record(file, scope, out);
    else if (k != PKI_PY_NONE)
        st = pki_py_metadata(file, scope, out);
    pki_free(scope);
    return st == PK_E_LIMIT ? PK_OK : st;
}

const pk_analyzer pki_analyzer_python = {
    .name = "python",
    .abi = PK_ANALYZER_ABI,
    .claim = py_claim,
    .analyze = py_analyze,
};
