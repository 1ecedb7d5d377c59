/* package-lock.json: v2/v3 "packages" keyed by install path, v1 nested
 * "dependencies". Dependencies get exact versions by node's lookup: the
 * requiring package's own node_modules, then each enclosing one up to the root. */
#include "npm_int.h"

#include "../../core/core_int.h"

#include <string.h>

const char *pki_npm_integrity(const char *sri, char *out, size_t cap)
{
    /* "sha512-<b64> sha1-<b64>": the first hash of a known algorithm that decodes whole */
    for (const char *p = sri; p && *p; p = strchr(p, ' ')) {
        while (*p == ' ')
            p++;
        const char *alg = NULL;
        size_t want = 0;
        if (strncmp(p, "sha512-", 7) == 0) {
            alg = "sha512";
            want = 64;
        } else if (strncmp(p, "sha1-", 5) == 0) {
            alg = "sha1";
            want = 20;
        }
        if (!alg || 2 * want + 1 > cap)
            continue;
        const char *b = strchr(p, '-') + 1;
        uint8_t raw[64];
        if (pki_b64_decode(b, strcspn(b, " "), raw, sizeof raw, PKI_B64_URL) == want) {
            pki_hex(raw, want, out);
            return alg;
        }
    }
    return NULL;
}

static void set_common(pk_component *h, const json_t *e)
{
    char hex[129];
    const char *alg = pki_npm_integrity(pki_npm_str(e, "integrity"), hex, sizeof hex);
    if (alg)
        pk_component_set(h, alg, hex);
    pk_component_set(h, "download", pki_npm_str(e, "resolved"));
    pki_npm_license(h, e);
    if (json_is_true(json_object_get(e, "dev")))
        pk_component_set(h, "npm_dev", "true");
}

static pk_status emit(pk_emit *out, const char *full, const json_t *e, const char *scope,
                      pk_ckind kind, const char *record, pk_component **h)
{
    char nsbuf[256];
    pk_component_spec s = {.type = "npm",
                           .kind = kind,
                           .scope = scope,
                           .rule = "npm-lock",
                           .method = PK_CM_MANIFEST,
                           .confidence = 85,
                           .loc = {PK_LOC_NONE, 0, record}};
    pki_npm_split(full, nsbuf, sizeof nsbuf, &s.ns, &s.name);
    s.version = pki_npm_str(e, "version");
    pk_status st = pk_emit_component(out, &s, h);
    if (st == PK_OK && *h)
        set_common(*h, e);
    return st;
}

/* ---- v2/v3: "packages" ---- */

/* The version that `name` resolves to from the package installed at `key`. */
static const char *resolve_v2(const json_t *pkgs, const char *key, const char *name, char *buf,
                              size_t cap)
{
    size_t klen = strlen(key), nlen = strlen(name);
    for (;;) {
        /* buf = key + (key ? "/" : "") + "node_modules/" + name */
        size_t need = klen + (klen ? 1 : 0) + 13 + nlen + 1;
        if (need > cap)
            return NULL;
        size_t o = 0;
        memcpy(buf, key, klen);
        o = klen;
        if (klen)
            buf[o++] = '/';
        memcpy(buf + o, "node_modules/", 13);
        memcpy(buf + o + 13, name, nlen + 1);
        const json_t *e = json_object_get(pkgs, buf);
        if (json_is_object(e))
            return pki_npm_str(e, "version");
        if (!klen)
            return NULL;
        /* up one node_modules level: drop the last "node_modules/<pkg>" of key */
        long nm = -1;
        for (size_t i = klen; i-- > 0;)
            if ((i == 0 || key[i - 1] == '/') && strncmp(key + i, "node_modules/", 13) == 0 &&
                i + 13 <= klen) {
                nm = (long)i;
                break;
            }
        if (nm < 0)
            klen = 0; /* a workspace folder: try the root's node_modules */
        else
            klen = nm > 0 ? (size_t)nm - 1 : 0;
    }
}

static void deps_v2(pk_component *h, const json_t *pkgs, const char *key, const json_t *e, int root)
{
    static const char *const keys[] = {"dependencies", "optionalDependencies", "devDependencies"};
    char *buf = pki_malloc(2 * PKI_NPM_MAX_KEY);
    if (!buf)
        return;
    for (size_t k = 0; k < (root ? 3u : 2u); k++) {
        const json_t *d = json_object_get(e, keys[k]);
        if (!json_is_object(d))
            continue;
        const char *name;
        json_t *v;
        json_object_foreach((json_t *)d, name, v)
        {
            (void)v;
            if (!*name || strlen(name) > PKI_NPM_MAX_KEY)
                continue;
            const char *ver = resolve_v2(pkgs, key, name, buf, 2 * PKI_NPM_MAX_KEY);
            if (pk_component_dep(h, name, ver) == PK_E_LIMIT)
                goto done;
        }
    }
done:
    pki_free(buf);
}

static pk_status lock_v2(const json_t *root, const json_t *pkgs, const char *scope, pk_emit *out)
{
    size_t n = 0;
    const char *key;
    json_t *e;
    json_object_foreach((json_t *)pkgs, key, e)
    {
        if (++n > PKI_NPM_MAX_ENTRIES)
            break;
        if (!json_is_object(e) || strlen(key) > PKI_NPM_MAX_KEY)
            continue;
        if (json_is_true(json_object_get(e, "link")))
            continue; /* a symlink to a workspace folder, listed under its own key */
        const char *full = pki_npm_str(e, "name");
        int is_root = *key == '\0';
        if (is_root && !full)
            full = pki_npm_str(root, "name");
        if (!full) {
            long nm = pki_npm_find_nm(key, 0, 1);
            if (nm < 0)
                continue; /* a workspace folder without a name */
            full = key + nm + 13;
        }
        if (!*full)
            continue;
        pk_component *h = NULL;
        pk_status st = emit(out, full, e, scope, is_root ? PK_CK_APPLICATION : PK_CK_LIBRARY,
                            is_root ? full : key, &h);
        if (st == PK_E_LIMIT)
            return PK_OK;
        if (st != PK_OK)
            return st;
        if (h)
            deps_v2(h, pkgs, key, e, is_root);
    }
    return PK_OK;
}

/* ---- v1: nested "dependencies" ---- */

typedef struct frame {
    const json_t *deps; /* the "dependencies" object of this level */
    void *it;
} frame;

/* requires of an entry: its own nested dependencies, then each level up. */
static void deps_v1(pk_component *h, const json_t *e, const frame *st, size_t depth)
{
    const json_t *req = json_object_get(e, "requires");
    if (!json_is_object(req))
        return;
    const json_t *own = json_object_get(e, "dependencies");
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)req, name, v)
    {
        (void)v;
        if (!*name)
            continue;
        const json_t *hit = json_is_object(own) ? json_object_get(own, name) : NULL;
        for (size_t i = depth + 1; !json_is_object(hit) && i-- > 0;)
            hit = json_object_get(st[i].deps, name);
        const char *ver = json_is_object(hit) ? pki_npm_str(hit, "version") : NULL;
        if (pk_component_dep(h, name, ver) == PK_E_LIMIT)
            return;
    }
}

static pk_status lock_v1(const json_t *root, const json_t *top, const char *scope, pk_emit *out)
{
    pk_component *h = NULL;
    const char *rname = pki_npm_str(root, "name");
    if (rname) {
        pk_status st = emit(out, rname, root, scope, PK_CK_APPLICATION, rname, &h);
        if (st != PK_OK)
            return st == PK_E_LIMIT ? PK_OK : st;
        /* the root requires every top-level entry */
        const char *name;
        json_t *v;
        json_object_foreach((json_t *)top, name, v)
        {
            if (*name && pk_component_dep(h, name, pki_npm_str(v, "version")) == PK_E_LIMIT)
                break;
        }
    }
    frame st[PKI_NPM_MAX_DEPTH];
    size_t depth = 0, n = 0;
    st[0].deps = top;
    st[0].it = json_object_iter((json_t *)top);
    for (;;) {
        if (!st[depth].it) {
            if (depth == 0)
                break;
            depth--;
            continue;
        }
        const char *name = json_object_iter_key(st[depth].it);
        const json_t *e = json_object_iter_value(st[depth].it);
        st[depth].it = json_object_iter_next((json_t *)st[depth].deps, st[depth].it);
        if (!json_is_object(e) || !*name)
            continue;
        if (++n > PKI_NPM_MAX_ENTRIES)
            break;
        pk_status s = emit(out, name, e, scope, PK_CK_LIBRARY, name, &h);
        if (s == PK_E_LIMIT)
            break;
        if (s != PK_OK)
            return s;
        if (h)
            deps_v1(h, e, st, depth);
        const json_t *sub = json_object_get(e, "dependencies");
        if (json_is_object(sub) && json_object_size(sub) && depth + 1 < PKI_NPM_MAX_DEPTH) {
            depth++;
            st[depth].deps = sub;
            st[depth].it = json_object_iter((json_t *)sub);
        }
    }
    return PK_OK;
}

pk_status pki_npm_lock(const json_t *root, const char *scope, pk_emit *out)
{
    const json_t *pkgs = json_object_get(root, "packages");
    if (json_is_object(pkgs))
        return lock_v2(root, pkgs, scope, out);
    const json_t *deps = json_object_get(root, "dependencies");
    if (json_is_object(deps))
        return lock_v1(root, deps, scope, out);
    return PK_OK;
}
