/* pk_emit_component: an analyzer's component evidence, kept as a JSON object
 * in the file record until the inventory reads it after the walk.
 *
 * Keys of one record (all strings unless said): type, ns, name, version, arch,
 * distro, kind (CycloneDX type), self (bool), claim (bool), scope, vpath,
 * analyzer, rule, method, confidence (int), offset/length (ints, absent when
 * not a byte range), record, matched (string, invalid UTF-8 replaced),
 * sha256/sha1 (of the file, when self), attrs {key: value}, deps [[name,
 * version|null]], files [path], owns [vpath prefix]. */
#include "emit_int.h"

#include <parakh/component.h>
#include <string.h>

struct pk_component {
    pki_frec *rec;
    json_t *obj;
};

/* One handle per emit: the setters are valid only until the next emit or the
 * callback's end, as the header says; the handle lives in thread-local storage
 * so analyzers on different workers do not share it. */
static _Thread_local struct pk_component handle;

static const char *const kind_names[PK_CK_COUNT_] = {
    "library", "application", "framework", "operating-system", "firmware", "file",
};
static const char *const method_names[PK_CM_COUNT_] = {
    "manifest-analysis", "binary-analysis", "filename", "hash-comparison", "other",
};

const char *pk_ckind_name(pk_ckind k)
{
    return (unsigned)k < PK_CK_COUNT_ ? kind_names[k] : "library";
}

const char *pk_cmethod_name(pk_cmethod m)
{
    return (unsigned)m < PK_CM_COUNT_ ? method_names[m] : "other";
}

static int set_str(json_t *o, const char *key, const char *v)
{
    if (!v || !*v)
        return 0;
    json_t *j = pki_json_str(v, strlen(v));
    return j ? json_object_set_new(o, key, j) : -1;
}

static int is_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

pk_status pk_emit_component(pk_emit *out, const pk_component_spec *spec, pk_component **h)
{
    if (h)
        *h = NULL;
    if (!out || !spec || !spec->type || !*spec->type || !spec->name || !*spec->name)
        return PK_E_MISUSE;
    pki_frec *r = out->rec;
    if (json_array_size(r->components) >= PKI_MAX_COMPONENTS_PER_FILE) {
        r->dropped_components++;
        return PK_E_LIMIT;
    }
    const pk_file *f = out->file;
    json_t *o = json_object();
    if (!o)
        return PK_E_NOMEM;
    int bad = 0;
    bad |= set_str(o, "type", spec->type);
    bad |= set_str(o, "ns", spec->ns);
    bad |= set_str(o, "name", spec->name);
    bad |= set_str(o, "version", spec->version);
    bad |= set_str(o, "arch", spec->arch);
    bad |= set_str(o, "distro", spec->distro);
    bad |= set_str(o, "kind", pk_ckind_name(spec->kind));
    {
        /* "" is a real scope: a database at the top of an archive ("r.tar!/" stripped) */
        const char *sc = spec->scope ? spec->scope : f->vpath;
        json_t *j = pki_json_str(sc, strlen(sc));
        bad |= j ? json_object_set_new(o, "scope", j) : -1;
    }
    bad |= set_str(o, "vpath", f->vpath);
    bad |= set_str(o, "analyzer", out->analyzer);
    bad |= set_str(o, "rule", spec->rule ? spec->rule : out->analyzer);
    bad |= set_str(o, "method", pk_cmethod_name(spec->method));
    bad |= json_object_set_new(o, "confidence",
                               json_integer(spec->confidence > 100 ? 100 : spec->confidence));
    if (spec->flags & PK_CF_SELF)
        bad |= json_object_set_new(o, "self", json_true());
    if (spec->flags & PK_CF_CLAIM)
        bad |= json_object_set_new(o, "claim", json_true());
    if (spec->loc.offset != PK_LOC_NONE) {
        bad |= json_object_set_new(o, "offset", json_integer((json_int_t)spec->loc.offset));
        bad |= json_object_set_new(o, "length", json_integer((json_int_t)spec->loc.length));
    }
    bad |= set_str(o, "record", spec->loc.record);
    if (spec->matched.ptr && spec->matched.len) {
        size_t n = spec->matched.len > PK_EVIDENCE_MAX ? PK_EVIDENCE_MAX : spec->matched.len;
        json_t *m = pki_json_str((const char *)spec->matched.ptr, n);
        bad |= m ? json_object_set_new(o, "matched", m) : -1;
    }
    if ((spec->flags & PK_CF_SELF) && f->size && !is_zero(f->sha256, 32)) {
        char hx[65];
        pki_hex(f->sha256, 32, hx);
        bad |= set_str(o, "sha256", hx);
        pki_hex(f->sha1, 20, hx);
        bad |= set_str(o, "sha1", hx);
    }
    if (bad || json_array_append_new(r->components, o) != 0) {
        if (!bad) /* append_new already released o */
            return PK_E_NOMEM;
        json_decref(o);
        return PK_E_NOMEM;
    }
    handle.rec = r;
    handle.obj = o;
    if (h)
        *h = &handle;
    return PK_OK;
}

static json_t *child(json_t *o, const char *key, int arr)
{
    json_t *c = json_object_get(o, key);
    if (c)
        return c;
    c = arr ? json_array() : json_object();
    if (!c || json_object_set_new(o, key, c) != 0)
        return NULL;
    return c;
}

void pk_component_set(pk_component *c, const char *key, const char *value)
{
    if (!c || !c->obj || !key || !*key || !value || !*value)
        return;
    json_t *a = child(c->obj, "attrs", 0);
    if (a)
        set_str(a, key, value);
}

static pk_status push_path(pk_component *c, const char *key, const char *s)
{
    if (!c || !c->obj || !s || !*s)
        return PK_E_MISUSE;
    if (c->rec->cpaths >= PKI_MAX_CPATHS_PER_FILE) {
        c->rec->dropped_components++;
        return PK_E_LIMIT;
    }
    json_t *a = child(c->obj, key, 1);
    json_t *j = pki_json_str(s, strlen(s));
    if (!a || !j || json_array_append_new(a, j) != 0)
        return PK_E_NOMEM;
    c->rec->cpaths++;
    return PK_OK;
}

pk_status pk_component_dep(pk_component *c, const char *name, const char *version)
{
    if (!c || !c->obj || !name || !*name)
        return PK_E_MISUSE;
    if (c->rec->cpaths >= PKI_MAX_CPATHS_PER_FILE) {
        c->rec->dropped_components++;
        return PK_E_LIMIT;
    }
    json_t *a = child(c->obj, "deps", 1);
    json_t *p = json_array();
    json_t *n = pki_json_str(name, strlen(name));
    json_t *v = version && *version ? pki_json_str(version, strlen(version)) : json_null();
    if (!a || !p || !n || !v || json_array_append_new(p, n) != 0 ||
        json_array_append_new(p, v) != 0 || json_array_append_new(a, p) != 0) {
        return PK_E_NOMEM;
    }
    c->rec->cpaths++;
    return PK_OK;
}

pk_status pk_component_file(pk_component *c, const char *path)
{
    while (path && (path[0] == '.' && path[1] == '/'))
        path += 2;
    while (path && *path == '/')
        path++;
    return push_path(c, "files", path);
}

pk_status pk_component_owns(pk_component *c, const char *vpath_prefix)
{
    return push_path(c, "owns", vpath_prefix);
}

pk_status pk_vpath_up(const char *vpath, unsigned levels, char *buf, size_t cap)
{
    if (!vpath || !buf || !cap)
        return PK_E_MISUSE;
    size_t end = strlen(vpath);
    for (unsigned i = 0; i < levels; i++) {
        size_t j = end;
        while (j >= 2 && !(vpath[j - 2] == '!' && vpath[j - 1] == '/'))
            j--;
        if (j < 2) {
            buf[0] = '\0';
            return PK_E_LIMIT;
        }
        end = j - 2;
    }
    if (end + 1 > cap) {
        buf[0] = '\0';
        return PK_E_LIMIT;
    }
    memcpy(buf, vpath, end);
    buf[end] = '\0';
    return PK_OK;
}
