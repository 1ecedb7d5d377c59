/* The java analyzer: Maven coordinates of jars (also nested in wars, ears and
 * other jars) from META-INF/maven/<g>/<a>/pom.properties, a guess from
 * META-INF/MANIFEST.MF, and the jar's file name when neither names it. */
#include "java_int.h"

#include <parakh/component.h>
#include <strings.h>
#include <string.h>

typedef enum jkind { J_NONE = 0, J_MANIFEST, J_POM, J_JAR } jkind;

static int ends_ci(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static int is_java_archive(const char *path)
{
    return ends_ci(path, ".jar") || ends_ci(path, ".war") || ends_ci(path, ".ear");
}

static jkind kind_of(const pk_file *f)
{
    if (!f->vpath || !f->name)
        return J_NONE;
    size_t n = strlen(f->vpath);
    static const char mf[] = "!/META-INF/MANIFEST.MF";
    if (strcmp(f->name, "MANIFEST.MF") == 0 && n > sizeof mf - 1 &&
        strcmp(f->vpath + n - (sizeof mf - 1), mf) == 0) {
        /* the container must be a Java archive, not any zip */
        size_t cl = n - (sizeof mf - 1);
        return cl >= 4 && (strncasecmp(f->vpath + cl - 4, ".jar", 4) == 0 ||
                           strncasecmp(f->vpath + cl - 4, ".war", 4) == 0 ||
                           strncasecmp(f->vpath + cl - 4, ".ear", 4) == 0)
                   ? J_MANIFEST
                   : J_NONE;
    }
    if (strcmp(f->name, "pom.properties") == 0) {
        const char *m = strstr(f->vpath, "!/META-INF/maven/");
        const char *last = m;
        while (m) {
            last = m;
            m = strstr(m + 2, "!/META-INF/maven/");
        }
        if (!last || strstr(last + 2, "!/"))
            return J_NONE; /* must be in the innermost archive */
        /* exactly "<g>/<a>/pom.properties" after the prefix */
        const char *g = last + 17, *s1 = strchr(g, '/');
        const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
        return s1 && s1 != g && s2 && s2 != s1 + 1 && strcmp(s2 + 1, "pom.properties") == 0
                   ? J_POM
                   : J_NONE;
    }
    if (f->type == PK_FT_ZIP && ends_ci(f->name, ".jar"))
        return J_JAR;
    return J_NONE;
}

static unsigned java_claim(const pk_file *file)
{
    jkind k = kind_of(file);
    if (k == J_NONE || file->size == 0)
        return 0;
    if (k != J_JAR && file->size > PKI_JAVA_MAX_TEXT)
        return 0;
    return k == J_JAR ? 30 : 90;
}

/* "<jar>" and "<jar>!/" for a file directly inside the jar. */
static int jar_of(const pk_file *f, char *jar, size_t cap, char **scope)
{
    if (pk_vpath_up(f->vpath, 1, jar, cap) != PK_OK)
        return 0;
    size_t n = strlen(jar);
    *scope = pki_malloc(n + 3);
    if (!*scope)
        return 0;
    memcpy(*scope, jar, n);
    memcpy(*scope + n, "!/", 3);
    return 1;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static pk_status manifest(const pk_file *f, pk_emit *out)
{
    size_t cap = strlen(f->vpath) + 1;
    char *jar = pki_malloc(cap), *scope = NULL;
    pki_jman *m = pki_malloc(sizeof *m);
    pk_status st = PK_OK;
    if (!jar || !m) {
        st = PK_E_NOMEM;
        goto out;
    }
    if (!jar_of(f, jar, cap, &scope) || !is_java_archive(jar))
        goto out;
    if (!pki_java_manifest(f->data.ptr, f->data.len, base(jar), m))
        goto out;
    pk_component_spec s = {.type = "maven",
                           .ns = m->group,
                           .name = m->name,
                           .version = m->version,
                           .kind = PK_CK_LIBRARY,
                           .scope = scope,
                           .rule = "jar-manifest",
                           .method = PK_CM_MANIFEST,
                           .confidence = 60,
                           .loc = {PK_LOC_NONE, 0, "META-INF/MANIFEST.MF"}};
    pk_component *h = NULL;
    st = pk_emit_component(out, &s, &h);
    if (st == PK_OK && h) {
        pk_component_set(h, "supplier", m->supplier);
        pk_component_set(h, "license", m->blicense);
        pk_component_set(h, "jar", jar);
        pk_component_owns(h, scope);
    }
out:
    pki_free(scope);
    pki_free(m);
    pki_free(jar);
    return st;
}

/* Java properties, simply: "key=value" or "key: value" lines, '#'/'!' comments. */
static void prop(const pk_file *f, const char *key, char *out, size_t cap)
{
    const char *p = (const char *)f->data.ptr;
    size_t n = f->data.len, pos = 0, kl = strlen(key);
    out[0] = '\0';
    while (pos < n) {
        const char *b = p + pos;
        size_t len = 0;
        while (pos + len < n && b[len] != '\n' && b[len] != '\r')
            len++;
        pos += len + 1;
        size_t i = 0;
        while (i < len && (b[i] == ' ' || b[i] == '\t'))
            i++;
        if (len - i <= kl || memcmp(b + i, key, kl) != 0)
            continue;
        i += kl;
        while (i < len && (b[i] == ' ' || b[i] == '\t'))
            i++;
        if (i >= len || (b[i] != '=' && b[i] != ':'))
            continue;
        i++;
        while (i < len && (b[i] == ' ' || b[i] == '\t'))
            i++;
        size_t e = len;
        while (e > i && (b[e - 1] == ' ' || b[e - 1] == '\t'))
            e--;
        size_t vl = e - i < cap - 1 ? e - i : cap - 1;
        memcpy(out, b + i, vl);
        out[vl] = '\0';
    }
}

static pk_status pom(const pk_file *f, pk_emit *out)
{
    size_t cap = strlen(f->vpath) + 1;
    char *jar = pki_malloc(cap), *scope = NULL;
    pk_status st = PK_OK;
    if (!jar)
        return PK_E_NOMEM;
    if (!jar_of(f, jar, cap, &scope))
        goto out;
    char g[256], a[256], v[256];
    prop(f, "groupId", g, sizeof g);
    prop(f, "artifactId", a, sizeof a);
    prop(f, "version", v, sizeof v);
    if (!a[0])
        goto out;
    pk_component_spec s = {.type = "maven",
                           .ns = g[0] ? g : NULL,
                           .name = a,
                           .version = v[0] ? v : NULL,
                           .kind = PK_CK_LIBRARY,
                           .scope = scope,
                           .rule = "pom-properties",
                           .method = PK_CM_MANIFEST,
                           .confidence = 90,
                           .loc = {PK_LOC_NONE, 0, NULL}};
    pk_component *h = NULL;
    st = pk_emit_component(out, &s, &h);
    if (st == PK_OK && h)
        pk_component_set(h, "jar", jar);
out:
    pki_free(scope);
    pki_free(jar);
    return st;
}

static pk_status jar_file(const pk_file *f, pk_emit *out)
{
    char name[256], ver[256];
    if (!pki_java_split_filename(f->name, name, sizeof name, ver, sizeof ver))
        return PK_OK;
    if (pki_java_zip_has_identity(f->data, f->name))
        return PK_OK;
    size_t n = strlen(f->vpath);
    char *scope = pki_malloc(n + 3);
    if (!scope)
        return PK_E_NOMEM;
    memcpy(scope, f->vpath, n);
    memcpy(scope + n, "!/", 3);
    pk_component_spec s = {.type = "maven",
                           .name = name,
                           .version = ver,
                           .kind = PK_CK_LIBRARY,
                           .flags = PK_CF_SELF,
                           .scope = scope,
                           .rule = "jar-filename",
                           .method = PK_CM_FILENAME,
                           .confidence = 30,
                           .loc = {PK_LOC_NONE, 0, f->name}};
    pk_component *h = NULL;
    pk_status st = pk_emit_component(out, &s, &h);
    if (st == PK_OK && h) {
        pk_component_set(h, "jar", f->vpath);
        pk_component_owns(h, scope);
    }
    pki_free(scope);
    return st;
}

static pk_status java_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->data.ptr || !file->data.len)
        return PK_OK;
    pk_status st = PK_OK;
    switch (kind_of(file)) {
    case J_MANIFEST:
        st = file->data.len <= PKI_JAVA_MAX_TEXT ? manifest(file, out) : PK_OK;
        break;
    case J_POM:
        st = file->data.len <= PKI_JAVA_MAX_TEXT ? pom(file, out) : PK_OK;
        break;
    case J_JAR:
        st = jar_file(file, out);
        break;
    default:
        break;
    }
    return st == PK_E_LIMIT ? PK_OK : st;
}

const pk_analyzer pki_analyzer_java = {
    .name = "java",
    .abi = PK_ANALYZER_ABI,
    .claim = java_claim,
    .analyze = java_analyze,
};
