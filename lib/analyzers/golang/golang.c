/* The golang analyzer: components from the build info the Go toolchain
 * embeds in every executable (the main module, each dependency module, the
 * toolchain's standard library).
 *
 * The header's magic is found by the shared matcher during the one pass
 * (on_match keeps the first few offsets); analyze() reads the blob there
 * (golang_bi.c) and emits. */
#include "golang_int.h"

#include <parakh/component.h>
#include <string.h>

#define RULE       "go-buildinfo"
#define CONFIDENCE 95

typedef struct fstate {
    uint64_t off[PKI_GO_MAX_HITS];
    unsigned n;
} fstate;

static pk_status go_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    return pk_match_add(reg, 0, PKI_GO_MAGIC, PKI_GO_MAGIC_LEN, PK_PAT_LITERAL);
}

static unsigned go_claim(const pk_file *file)
{
    switch (file->type) {
    case PK_FT_ELF:
    case PK_FT_PE:
    case PK_FT_MACHO:
    case PK_FT_MACHO_FAT:
        return 50;
    default:
        return 0;
    }
}

static void go_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                     pk_emit *out)
{
    (void)state;
    (void)file;
    (void)out;
    fstate *f = fs;
    if (hit->end >= PKI_GO_MAGIC_LEN && f->n < PKI_GO_MAX_HITS)
        f->off[f->n++] = hit->end - PKI_GO_MAGIC_LEN;
}

/* A NUL-terminated copy of s; false when it does not fit or holds a NUL. */
static bool cstr(pki_go_slice s, char *buf, size_t cap)
{
    if (s.n >= cap || (s.n && memchr(s.p, 0, s.n)))
        return false;
    if (s.n)
        memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    return true;
}

/* A replacement by a directory ("./x", "../x", "/x", "C:\x") is local code. */
static bool is_local(const char *p)
{
    return p[0] == '.' || p[0] == '/' || p[0] == '\\' || (p[0] && p[1] == ':');
}

/* ns = the module path up to its last '/', name = the rest (purl golang). */
static void split(char *path, const char **ns, const char **name)
{
    char *slash = strrchr(path, '/');
    if (!slash || !slash[1] || slash == path) {
        *ns = NULL;
        *name = path;
        return;
    }
    *slash = '\0';
    *ns = path;
    *name = slash + 1;
}

/* The identity a dependency line stands for: its replacement when that is
 * another module, else the module itself (version unknown when replaced by a
 * local directory). */
typedef struct dep_id {
    char path[PKI_GO_MAX_PATH], version[PKI_GO_MAX_PATH], sum[PKI_GO_MAX_PATH];
    char orig[2 * PKI_GO_MAX_PATH + 2], dir[PKI_GO_MAX_PATH];
} dep_id;

static bool dep_resolve(const pki_go_mod *m, dep_id *d)
{
    d->orig[0] = d->dir[0] = '\0';
    if (!cstr(m->path, d->path, sizeof d->path) || !d->path[0] ||
        !cstr(m->version, d->version, sizeof d->version) || !cstr(m->sum, d->sum, sizeof d->sum))
        return false;
    if (!m->replaced)
        return true;
    char rp[PKI_GO_MAX_PATH];
    if (!cstr(m->repl_path, rp, sizeof rp) || !rp[0])
        return true;
    size_t pn = strlen(d->path), vn = strlen(d->version);
    memcpy(d->orig, d->path, pn);
    d->orig[pn] = '@';
    memcpy(d->orig + pn + 1, d->version, vn + 1);
    if (is_local(rp)) {
        memcpy(d->dir, rp, strlen(rp) + 1);
        d->version[0] = d->sum[0] = '\0';
        return true;
    }
    memcpy(d->path, rp, strlen(rp) + 1);
    if (!cstr(m->repl_version, d->version, sizeof d->version) ||
        !cstr(m->repl_sum, d->sum, sizeof d->sum))
        return false;
    return true;
}

static pk_loc loc_of(const pk_file *file, pki_go_slice s, const char *record)
{
    pk_loc l = {PK_LOC_NONE, 0, record};
    if (s.p && s.p >= file->data.ptr && s.p <= file->data.ptr + file->data.len) {
        l.offset = (uint64_t)(s.p - file->data.ptr);
        l.length = s.n;
    }
    return l;
}

static pk_status emit_dep(const pk_file *file, const pki_go_mod *m, pk_emit *out)
{
    dep_id d;
    if (!dep_resolve(m, &d))
        return PK_OK;
    const char *ns, *name;
    char path[PKI_GO_MAX_PATH];
    memcpy(path, d.path, sizeof path);
    split(path, &ns, &name);
    pk_component_spec spec = {
        .type = "golang",
        .ns = ns,
        .name = name,
        .version = d.version[0] ? d.version : NULL,
        .kind = PK_CK_LIBRARY,
        .rule = RULE,
        .method = PK_CM_BINARY,
        .confidence = CONFIDENCE,
        .loc = loc_of(file, m->path, "buildinfo/dep"),
    };
    pk_component *h;
    pk_status st = pk_emit_component(out, &spec, &h);
    if (st != PK_OK)
        return st == PK_E_LIMIT ? PK_OK : st;
    pk_component_set(h, "go_sum", d.sum);
    pk_component_set(h, "go_replaces", d.orig);
    pk_component_set(h, "go_replace_dir", d.dir);
    pk_component_set(h, "language", "go");
    return PK_OK;
}

/* "go1.19.8 X:boringcrypto" -> "1.19.8"; a development toolchain -> "". */
static void toolchain_version(pki_go_slice v, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (v.n < 3 || memcmp(v.p, "go", 2) != 0)
        return;
    size_t n = 2;
    while (n < v.n && v.p[n] != ' ' && v.p[n] != '\t')
        n++;
    pki_go_slice s = {v.p + 2, n - 2};
    if (!cstr(s, buf, cap))
        buf[0] = '\0';
}

static pk_status emit_main(const pk_file *file, const pki_go_info *bi, const char *gover,
                           pk_emit *out)
{
    char path[PKI_GO_MAX_PATH], version[PKI_GO_MAX_PATH], pkg[PKI_GO_MAX_PATH];
    pki_go_slice id = bi->main.path.n ? bi->main.path : bi->pkgpath;
    if (!id.n || !cstr(id, path, sizeof path) || !cstr(bi->pkgpath, pkg, sizeof pkg))
        return PK_OK;
    if (!bi->main.path.n && strcmp(path, "command-line-arguments") == 0 &&
        strlen(file->name) < sizeof path) /* go build x.go: no module, name the file */
        memcpy(path, file->name, strlen(file->name) + 1);
    if (!cstr(bi->main.version, version, sizeof version) || strcmp(version, "(devel)") == 0)
        version[0] = '\0';
    const char *ns, *name;
    split(path, &ns, &name);
    pk_component_spec spec = {
        .type = "golang",
        .ns = ns,
        .name = name,
        .version = version[0] ? version : NULL,
        .kind = PK_CK_APPLICATION,
        .flags = PK_CF_SELF,
        .rule = RULE,
        .method = PK_CM_BINARY,
        .confidence = CONFIDENCE,
        .loc = loc_of(file, id, bi->main.path.n ? "buildinfo/mod" : "buildinfo/path"),
    };
    pk_component *h;
    pk_status st = pk_emit_component(out, &spec, &h);
    if (st != PK_OK)
        return st == PK_E_LIMIT ? PK_OK : st;
    pk_component_set(h, "go_path", pkg);
    pk_component_set(h, "language", "go");
    for (size_t i = 0; i < bi->nbuild; i++) {
        char key[96] = "go_build_", val[PKI_GO_MAX_PATH];
        if (!cstr(bi->build_key[i], key + 9, sizeof key - 9) ||
            !cstr(bi->build_val[i], val, sizeof val))
            continue;
        pk_component_set(h, key, val);
    }
    if (gover[0] && (st = pk_component_dep(h, "stdlib", gover)) != PK_OK)
        return st == PK_E_LIMIT ? PK_OK : st;
    for (size_t i = 0; i < bi->ndeps; i++) {
        dep_id d;
        if (!dep_resolve(&bi->deps[i], &d))
            continue;
        st = pk_component_dep(h, d.path, d.version[0] ? d.version : NULL);
        if (st != PK_OK)
            return st == PK_E_LIMIT ? PK_OK : st;
    }
    return PK_OK;
}

static pk_status emit_all(const pk_file *file, const pki_go_info *bi, pk_emit *out)
{
    char gover[64];
    toolchain_version(bi->goversion, gover, sizeof gover);
    pk_status st = emit_main(file, bi, gover, out);
    if (st != PK_OK)
        return st;
    if (gover[0]) {
        pk_component_spec spec = {
            .type = "golang",
            .name = "stdlib",
            .version = gover,
            .kind = PK_CK_LIBRARY,
            .rule = RULE,
            .method = PK_CM_BINARY,
            .confidence = CONFIDENCE,
            .loc = loc_of(file, bi->goversion, "buildinfo/version"),
        };
        pk_component *h;
        st = pk_emit_component(out, &spec, &h);
        if (st != PK_OK && st != PK_E_LIMIT)
            return st;
        pk_component_set(h, "language", "go");
    }
    for (size_t i = 0; i < bi->ndeps; i++)
        if ((st = emit_dep(file, &bi->deps[i], out)) != PK_OK)
            return st;
    return PK_OK;
}

static pk_status go_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    (void)state;
    const fstate *f = fs;
    for (unsigned i = 0; i < f->n; i++) {
        pki_go_info bi;
        bool ok = pki_go_read(file->data, f->off[i], &bi);
        pk_status st = ok ? emit_all(file, &bi, out) : bi.oom ? PK_E_NOMEM : PK_OK;
        pki_go_info_fini(&bi);
        if (ok || st != PK_OK)
            return st;
    }
    return PK_OK;
}

const pk_analyzer pki_analyzer_golang = {
    .name = "golang",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = go_init,
    .claim = go_claim,
    .on_match = go_match,
    .analyze = go_analyze,
};
