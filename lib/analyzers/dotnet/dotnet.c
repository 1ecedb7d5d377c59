/* The dotnet analyzer: <app>.deps.json, the dependency manifest the .NET
 * host reads at startup. "libraries" lists every package, project and
 * reference with its hash; "targets" gives each one's dependencies with the
 * exact versions resolved at build time. Parsed with jansson after a size cap. */
#include <parakh/analyzer.h>
#include <parakh/component.h>

#include "../../core/core_int.h"

#include <jansson.h>
#include <string.h>

/* Bigger files are not parsed (a large app's deps.json is a few MiB). */
#define PKI_DOTNET_MAX_JSON (64u << 20)
/* Libraries read per file. */
#define PKI_DOTNET_MAX_LIBS 200000u
/* Longest "Name/Version" key handled. */
#define PKI_DOTNET_MAX_KEY 1024u

static int is_deps_json(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > 10 && strcmp(name + n - 10, ".deps.json") == 0;
}

static unsigned dotnet_claim(const pk_file *file)
{
    if (file->size == 0 || file->size > PKI_DOTNET_MAX_JSON || !is_deps_json(file->name))
        return 0;
    return 90;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    return s && *s ? s : NULL;
}

/* "sha512-<base64 of 64 bytes>" as 128 hex digits; 0 if it is not that. */
static int sha512_hex(const char *sri, char out[129])
{
    uint8_t b[64];
    if (!sri || strncmp(sri, "sha512-", 7) != 0 ||
        pki_b64_decode(sri + 7, strlen(sri + 7), b, sizeof b, 0) != sizeof b)
        return 0;
    pki_hex(b, sizeof b, out);
    return 1;
}

/* The entry for `key` in the runtime target, else in the first target that has it. */
static const json_t *target_entry(const json_t *targets, const char *runtime, const char *key)
{
    const json_t *t = runtime ? json_object_get(targets, runtime) : NULL;
    const json_t *e = json_is_object(t) ? json_object_get(t, key) : NULL;
    if (json_is_object(e))
        return e;
    const char *tfm;
    json_t *v;
    json_object_foreach((json_t *)targets, tfm, v)
    {
        e = json_is_object(v) ? json_object_get(v, key) : NULL;
        if (json_is_object(e))
            return e;
    }
    return NULL;
}

/* The project this file belongs to: "MyApp" for "MyApp.deps.json". */
static int is_main_project(const char *file, const char *name, size_t nlen)
{
    return strlen(file) == nlen + 10 && strncmp(file, name, nlen) == 0;
}

static pk_status one_library(const pk_file *f, const char *key, const json_t *lib,
                             const json_t *targets, const char *runtime, pk_emit *out)
{
    const char *slash = strchr(key, '/');
    size_t klen = strlen(key);
    if (!slash || slash == key || klen > PKI_DOTNET_MAX_KEY)
        return PK_OK;
    char buf[PKI_DOTNET_MAX_KEY + 1];
    memcpy(buf, key, klen + 1);
    size_t nlen = (size_t)(slash - key);
    buf[nlen] = '\0';
    const char *name = buf, *version = buf[nlen + 1] ? buf + nlen + 1 : NULL;
    const char *type = jstr(lib, "type");
    int package = !type || (strcmp(type, "project") != 0 && strcmp(type, "reference") != 0);
    int app = !package && strcmp(type, "project") == 0 && is_main_project(f->name, name, nlen);
    pk_component_spec s = {.type = package ? "nuget" : "generic",
                           .name = name,
                           .version = version,
                           .kind = app ? PK_CK_APPLICATION : PK_CK_LIBRARY,
                           .scope = f->vpath,
                           .rule = "dotnet-deps",
                           .method = PK_CM_MANIFEST,
                           .confidence = package ? 85 : 80,
                           .loc = {PK_LOC_NONE, 0, key}};
    pk_component *h = NULL;
    pk_status st = pk_emit_component(out, &s, &h);
    if (st != PK_OK || !h)
        return st;
    char hex[129];
    if (sha512_hex(jstr(lib, "sha512"), hex))
        pk_component_set(h, "sha512", hex);
    pk_component_set(h, "nuget_path", jstr(lib, "path"));
    if (type && package && strcmp(type, "package") != 0)
        pk_component_set(h, "dotnet_type", type); /* "runtimepack", ... */
    const json_t *deps = json_object_get(target_entry(targets, runtime, key), "dependencies");
    if (!json_is_object(deps))
        return PK_OK;
    const char *dn;
    json_t *dv;
    json_object_foreach((json_t *)deps, dn, dv)
    {
        if (*dn && pk_component_dep(h, dn, json_is_string(dv) ? json_string_value(dv) : NULL) ==
                       PK_E_LIMIT)
            break;
    }
    return PK_OK;
}

static pk_status dotnet_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->data.ptr || !file->data.len || file->data.len > PKI_DOTNET_MAX_JSON)
        return PK_OK;
    json_error_t err;
    json_t *root = json_loadb((const char *)file->data.ptr, file->data.len, 0, &err);
    if (!root)
        return PK_OK;
    pk_status st = PK_OK;
    const json_t *libs = json_object_get(root, "libraries");
    const json_t *targets = json_object_get(root, "targets");
    const char *runtime = jstr(json_object_get(root, "runtimeTarget"), "name");
    if (json_is_object(libs)) {
        if (!json_is_object(targets))
            targets = NULL;
        size_t n = 0;
        const char *key;
        json_t *lib;
        json_object_foreach((json_t *)libs, key, lib)
        {
            if (++n > PKI_DOTNET_MAX_LIBS)
                break;
            if (!json_is_object(lib))
                continue;
            st = one_library(file, key, lib, targets, runtime, out);
            if (st != PK_OK)
                break;
        }
    }
    json_decref(root);
    return st == PK_E_LIMIT ? PK_OK : st;
}

const pk_analyzer pki_analyzer_dotnet = {
    .name = "dotnet",
    .abi = PK_ANALYZER_ABI,
    .claim = dotnet_claim,
    .analyze = dotnet_analyze,
};
