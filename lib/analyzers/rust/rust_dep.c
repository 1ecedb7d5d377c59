/* cargo-auditable's dependency list: a zlib stream of JSON
 * {"packages": [{"name", "version", "source", "kind", "dependencies": [index],
 * "root": true}]} (the auditable-serde crate's format). Inflated with an
 * output cap and a ratio cap, read with jansson. */
#include "rust_int.h"

#include <jansson.h>
#include <parakh/component.h>
#include <string.h>
#include <zlib.h>

#define RULE       "cargo-auditable"
#define CONFIDENCE 95
#define CHUNK      65536u

static pk_status inflate_capped(pk_bytes in, uint8_t **outp, size_t *outn)
{
    uint64_t cap = (uint64_t)in.len * PKI_RUST_MAX_RATIO;
    if (cap > PKI_RUST_MAX_JSON)
        cap = PKI_RUST_MAX_JSON;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return PK_E_NOMEM;
    uint8_t *buf = NULL;
    size_t have = 0, size = 0;
    pk_status st = PK_E_FORMAT;
    z.next_in = (Bytef *)(uintptr_t)in.ptr;
    z.avail_in = in.len > UINT32_MAX ? UINT32_MAX : (uInt)in.len;
    for (;;) {
        if (have == size) {
            if (size >= cap)
                break; /* the cap: refuse rather than parse a cut document */
            size_t ns = size + CHUNK > cap ? (size_t)cap : size + CHUNK;
            uint8_t *nb = pki_realloc(buf, ns);
            if (!nb) {
                st = PK_E_NOMEM;
                break;
            }
            buf = nb;
            size = ns;
        }
        z.next_out = buf + have;
        z.avail_out = (uInt)(size - have);
        int rc = inflate(&z, Z_NO_FLUSH);
        have = size - z.avail_out;
        if (rc == Z_STREAM_END) {
            st = PK_OK;
            break;
        }
        if (rc != Z_OK)
            break; /* corrupt or truncated (Z_BUF_ERROR with no input left) */
    }
    inflateEnd(&z);
    if (st != PK_OK) {
        pki_free(buf);
        return st;
    }
    *outp = buf;
    *outn = have;
    return PK_OK;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static pk_status emit_pkg(const pk_file *file, json_t *pkgs, size_t i, uint64_t off, uint64_t len,
                          pk_emit *out)
{
    json_t *p = json_array_get(pkgs, i);
    const char *name = jstr(p, "name"), *version = jstr(p, "version");
    if (!name)
        return PK_OK;
    int root = json_is_true(json_object_get(p, "root"));
    (void)file;
    pk_component_spec spec = {
        .type = "cargo",
        .name = name,
        .version = version,
        .kind = root ? PK_CK_APPLICATION : PK_CK_LIBRARY,
        .flags = root ? PK_CF_SELF : 0,
        .rule = RULE,
        .method = PK_CM_BINARY,
        .confidence = CONFIDENCE,
        .loc = {off, len, ".dep-v0"},
    };
    pk_component *h;
    pk_status st = pk_emit_component(out, &spec, &h);
    if (st != PK_OK)
        return st == PK_E_LIMIT ? PK_OK : st;
    pk_component_set(h, "cargo_source", jstr(p, "source"));
    pk_component_set(h, "cargo_kind", jstr(p, "kind"));
    pk_component_set(h, "language", "rust");
    json_t *deps = json_object_get(p, "dependencies"), *d;
    size_t k;
    json_array_foreach(deps, k, d)
    {
        if (k >= PKI_RUST_MAX_DEPS)
            break;
        json_int_t ix = json_integer_value(d);
        if (!json_is_integer(d) || ix < 0 || (size_t)ix >= json_array_size(pkgs))
            continue;
        json_t *dp = json_array_get(pkgs, (size_t)ix);
        const char *dn = jstr(dp, "name");
        if (!dn)
            continue;
        st = pk_component_dep(h, dn, jstr(dp, "version"));
        if (st != PK_OK)
            return st == PK_E_LIMIT ? PK_OK : st;
    }
    return PK_OK;
}

pk_status pki_rust_emit_deps(const pk_file *file, uint64_t off, uint64_t len, pk_emit *out,
                             bool *found)
{
    *found = false;
    pk_rd f = pk_rd_make(file->data), sec;
    if (!pk_rd_sub(&f, off, len, &sec))
        return PK_OK;
    uint8_t *js = NULL;
    size_t jn = 0;
    pk_status st = inflate_capped((pk_bytes){sec.p, sec.len}, &js, &jn);
    if (st != PK_OK)
        return st == PK_E_NOMEM ? st : PK_OK;
    json_error_t err;
    json_t *root = json_loadb((const char *)js, jn, 0, &err);
    pki_free(js);
    json_t *pkgs = json_object_get(root, "packages");
    if (json_is_array(pkgs)) {
        *found = true;
        size_t n = json_array_size(pkgs);
        for (size_t i = 0; i < n && i < PKI_RUST_MAX_PACKAGES && st == PK_OK; i++)
            st = emit_pkg(file, pkgs, i, off, len, out);
    }
    json_decref(root);
    return st;
}
