/* The npm analyzer: installed modules (node_modules/<name>/package.json), the
 * project's own package.json, and lock files (package-lock.json v1, v2, v3;
 * npm-shrinkwrap.json; node_modules/.package-lock.json). Parsed with jansson
 * after a size cap; every traversal is iterative or depth-capped. */
#include "npm_int.h"

#include <parakh/component.h>
#include <string.h>

static int name_is(const pk_file *f, const char *n)
{
    return f->name && strcmp(f->name, n) == 0;
}

static unsigned npm_claim(const pk_file *file)
{
    if (file->size == 0 || file->size > PKI_NPM_MAX_JSON)
        return 0;
    if (name_is(file, "package.json") || name_is(file, "package-lock.json") ||
        name_is(file, "npm-shrinkwrap.json") || name_is(file, ".package-lock.json"))
        return 90;
    return 0;
}

const char *pki_npm_str(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    return s && *s ? s : NULL;
}

/* Position just past the last "!/" (the start of the innermost container's path). */
size_t pki_npm_level_start(const char *vpath)
{
    size_t start = 0;
    for (size_t i = 0; vpath[i]; i++)
        if (vpath[i] == '!' && vpath[i + 1] == '/')
            start = i + 2;
    return start;
}

/* Offset of the first "node_modules/" path segment at or after `from`, or -1. */
long pki_npm_find_nm(const char *vpath, size_t from, int last)
{
    long found = -1;
    for (const char *p = strstr(vpath + from, "node_modules/"); p;
         p = strstr(p + 1, "node_modules/")) {
        size_t off = (size_t)(p - vpath);
        if (off == from || vpath[off - 1] == '/') {
            found = (long)off;
            if (!last)
                break;
        }
    }
    return found;
}

/* Splits "@scope/name" into ns and name (into buf); plain names have no ns. */
void pki_npm_split(const char *full, char *buf, size_t cap, const char **ns, const char **name)
{
    *ns = NULL;
    *name = full;
    const char *slash = full[0] == '@' ? strchr(full, '/') : NULL;
    size_t n = slash ? (size_t)(slash - full) : 0;
    if (slash && n + 1 <= cap && slash[1]) {
        memcpy(buf, full, n);
        buf[n] = '\0';
        *ns = buf;
        *name = slash + 1;
    }
}

/* The license as declared: a string, a legacy {type}, or licenses[] ("A OR B"). */
void pki_npm_license(pk_component *h, const json_t *pkg)
{
    const json_t *l = json_object_get(pkg, "license");
    if (json_is_string(l)) {
        pk_component_set(h, "license", json_string_value(l));
        return;
    }
    if (json_is_object(l)) {
        pk_component_set(h, "license", pki_npm_str(l, "type"));
        return;
    }
    const json_t *arr = json_object_get(pkg, "licenses");
    if (!json_is_array(arr))
        return;
    char buf[512];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < json_array_size(arr) && i < 8; i++) {
        const json_t *e = json_array_get(arr, i);
        const char *t = json_is_string(e) ? json_string_value(e) : pki_npm_str(e, "type");
        if (!t || !*t)
            continue;
        size_t tl = strlen(t);
        size_t need = tl + (len ? 4 : 0);
        if (len + need + 1 > sizeof buf)
            break;
        if (len) {
            memcpy(buf + len, " OR ", 4);
            len += 4;
        }
        memcpy(buf + len, t, tl);
        len += tl;
        buf[len] = '\0';
    }
    pk_component_set(h, "license", buf);
}

static void set_author(pk_component *h, const json_t *pkg)
{
    const json_t *a = json_object_get(pkg, "author");
    if (json_is_string(a))
        pk_component_set(h, "author", json_string_value(a));
    else
        pk_component_set(h, "author", pki_npm_str(a, "name"));
}

/* Names of "dependencies" and "optionalDependencies" (not dev), version unknown. */
static void manifest_deps(pk_component *h, const json_t *pkg)
{
    static const char *const keys[] = {"dependencies", "optionalDependencies"};
    for (size_t k = 0; k < 2; k++) {
        const json_t *d = json_object_get(pkg, keys[k]);
        if (!json_is_object(d))
            continue;
        const char *name;
        json_t *v;
        json_object_foreach((json_t *)d, name, v)
        {
            (void)v;
            if (*name && pk_component_dep(h, name, NULL) == PK_E_LIMIT)
                return;
        }
    }
}

/* package.json: an installed module under node_modules/, or the project itself. */
static pk_status package_json(const pk_file *f, const json_t *pkg, pk_emit *out)
{
    const char *full = pki_npm_str(pkg, "name");
    if (!full)
        return PK_OK;
    const char *vp = f->vpath;
    size_t vlen = strlen(vp), nlen = strlen(f->name);
    size_t dirlen = vlen - nlen; /* the module dir, with its trailing '/' */
    size_t start = pki_npm_level_start(vp);
    if (dirlen < start) /* a name that is the whole level: nothing to do */
        dirlen = start;
    char *dir = pki_strndup(vp, dirlen);
    if (!dir)
        return PK_E_NOMEM;
    long outer = pki_npm_find_nm(dir, start, 0);
    long inner = pki_npm_find_nm(dir, start, 1);
    pk_component_spec s = {.type = "npm", .method = PK_CM_MANIFEST, .loc = {PK_LOC_NONE, 0, NULL}};
    char *scope = NULL;
    if (outer >= 0) {
        /* only the module's own manifest: node_modules/<name>/ or node_modules/@s/<name>/;
         * package.json files deeper inside a module ({"type": "module"}) are not packages */
        const char *rest = dir + inner + 13;
        const char *sl = strchr(rest, '/');
        if (sl && rest[0] == '@')
            sl = strchr(sl + 1, '/');
        if (!sl || sl[1] != '\0') {
            pki_free(dir);
            return PK_OK;
        }
        scope = pki_strndup(vp, (size_t)outer);
        s.rule = "npm-package-json";
        s.kind = PK_CK_LIBRARY;
        s.confidence = 90;
    } else {
        scope = pki_strndup(vp, dirlen);
        s.rule = "npm-project";
        s.kind = PK_CK_APPLICATION;
        s.confidence = 80;
    }
    if (!scope) {
        pki_free(dir);
        return PK_E_NOMEM;
    }
    char nsbuf[256];
    pki_npm_split(full, nsbuf, sizeof nsbuf, &s.ns, &s.name);
    s.version = pki_npm_str(pkg, "version");
    s.scope = scope;
    s.loc.record = full;
    pk_component *h = NULL;
    pk_status st = pk_emit_component(out, &s, &h);
    if (st == PK_OK && h) {
        pki_npm_license(h, pkg);
        set_author(h, pkg);
        pk_component_set(h, "homepage", pki_npm_str(pkg, "homepage"));
        pk_component_set(h, "description", pki_npm_str(pkg, "description"));
        manifest_deps(h, pkg);
        if (outer >= 0)
            pk_component_owns(h, dir);
    }
    pki_free(scope);
    pki_free(dir);
    return st == PK_E_LIMIT ? PK_OK : st;
}

/* The lock's scope: its directory; for node_modules/.package-lock.json, whose
 * keys are relative to the project, the directory above node_modules/. */
static char *lock_scope(const pk_file *f)
{
    size_t vlen = strlen(f->vpath), nlen = strlen(f->name);
    size_t dirlen = vlen - nlen;
    if (name_is(f, ".package-lock.json") && dirlen >= 13 &&
        memcmp(f->vpath + dirlen - 13, "node_modules/", 13) == 0)
        dirlen -= 13;
    return pki_strndup(f->vpath, dirlen);
}

static pk_status npm_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->data.ptr || file->data.len == 0 || file->data.len > PKI_NPM_MAX_JSON)
        return PK_OK;
    json_error_t err;
    json_t *root = json_loadb((const char *)file->data.ptr, file->data.len, 0, &err);
    if (!root)
        return PK_OK; /* not JSON: nothing to report */
    pk_status st = PK_OK;
    if (json_is_object(root)) {
        if (name_is(file, "package.json")) {
            st = package_json(file, root, out);
        } else {
            char *scope = lock_scope(file);
            if (!scope)
                st = PK_E_NOMEM;
            else
                st = pki_npm_lock(root, scope, out);
            pki_free(scope);
        }
    }
    json_decref(root);
    return st;
}

const pk_analyzer pki_analyzer_npm = {
    .name = "npm",
    .abi = PK_ANALYZER_ABI,
    .claim = npm_claim,
    .analyze = npm_analyze,
};
