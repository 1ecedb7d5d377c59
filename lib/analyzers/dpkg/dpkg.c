/* The dpkg analyzer: Debian packages from the status database
 * (<root>var/lib/dpkg/status), distroless status.d files, a .deb's control
 * file and the file lists in <root>var/lib/dpkg/info/<pkg>.list.
 * docs/analyzers/dpkg.md lists the rules, the status semantics and limits. */
#include "dpkg_int.h"

#include <string.h>

#define DPKG_STATUS   "var/lib/dpkg/status"
#define DPKG_STATUS_D "var/lib/dpkg/status.d/"
#define DPKG_INFO     "var/lib/dpkg/info/"
#define MAX_PARAS     200000u /* a distribution has ~60k packages */
#define MAX_RELS      4096u   /* relations per field */
#define MAX_LIST      1000000u
#define VAL_MAX       4096u /* one short field as text */

typedef enum dpkg_kind {
    DK_NONE = 0,
    DK_STATUS,
    DK_STATUS_D,
    DK_CONTROL,
    DK_LIST,
    DK_COPYRIGHT
} dpkg_kind;

/* The vpath prefix before `tail` when vpath ends with it at a directory
 * boundary (start, '/' or "!/"); -1 otherwise. */
static long root_len(const char *vpath, const char *tail)
{
    size_t n = strlen(vpath), t = strlen(tail);
    if (n < t || memcmp(vpath + n - t, tail, t) != 0)
        return -1;
    size_t r = n - t;
    return (r == 0 || vpath[r - 1] == '/') ? (long)r : -1;
}

/* The prefix before the last occurrence of `dir` that starts at a directory
 * boundary and is followed by exactly one more path element; -1 otherwise. */
static long dir_root_len(const char *vpath, const char *dir)
{
    size_t n = strlen(vpath), d = strlen(dir);
    for (size_t r = n >= d ? n - d : 0; n >= d; r--) {
        if (memcmp(vpath + r, dir, d) == 0 && (r == 0 || vpath[r - 1] == '/')) {
            const char *rest = vpath + r + d;
            return (*rest && !strchr(rest, '/')) ? (long)r : -1;
        }
        if (r == 0)
            break;
    }
    return -1;
}

static int ends_with(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t);
    return n >= m && memcmp(s + n - m, t, m) == 0;
}

/* The .deb a control file came from: strip "!/control" and every level whose
 * name starts with "control.tar" (control.tar.xz, then maybe control.tar). */
static long deb_len(const char *vpath)
{
    size_t n = strlen(vpath);
    static const char suffix[] = "!/control";
    if (n < sizeof suffix || memcmp(vpath + n - (sizeof suffix - 1), suffix, sizeof suffix - 1))
        return -1;
    size_t end = n - (sizeof suffix - 1);
    int levels = 0;
    for (;;) {
        size_t s = end;
        while (s >= 2 && !(vpath[s - 2] == '!' && vpath[s - 1] == '/'))
            s--;
        if (s < 2 && levels == 0)
            return -1;
        size_t base = s >= 2 ? s : 0;
        if (end - base >= 11 && memcmp(vpath + base, "control.tar", 11) == 0 && base >= 2) {
            end = base - 2;
            levels++;
            continue;
        }
        break;
    }
    return levels ? (long)end : -1;
}

static dpkg_kind kind_of(const char *vpath)
{
    if (root_len(vpath, DPKG_STATUS) >= 0)
        return DK_STATUS;
    if (dir_root_len(vpath, DPKG_STATUS_D) >= 0 && !ends_with(vpath, ".md5sums"))
        return DK_STATUS_D;
    if (dir_root_len(vpath, DPKG_INFO) >= 0 && ends_with(vpath, ".list"))
        return DK_LIST;
    if (deb_len(vpath) >= 0)
        return DK_CONTROL;
    size_t no, nl;
    if (pki_dpkg_copyright_root(vpath, &no, &nl) >= 0)
        return DK_COPYRIGHT;
    return DK_NONE;
}

static unsigned dpkg_claim(const pk_file *file)
{
    if (!file->vpath || file->type == PK_FT_EMPTY)
        return 0;
    return kind_of(file->vpath) != DK_NONE ? 90 : 0;
}

/* ---- status and control paragraphs ---- */

typedef struct dpkg_ctx {
    pk_emit *out;
    const char *scope;
    const char *owns; /* NULLABLE: the .deb's prefix */
    const char *rule;
    const char *ns;
    const char *distro;
    pk_component *h;
    char provides[8192];
    size_t plen;
} dpkg_ctx;

static int contains(pk_bytes v, const char *needle)
{
    size_t m = strlen(needle);
    if (!v.ptr || v.len < m)
        return 0;
    for (size_t i = 0; i + m <= v.len; i++)
        if (memcmp(v.ptr + i, needle, m) == 0)
            return 1;
    return 0;
}

static int is_ubuntu(const pki_dpkg_para *p)
{
    return contains(p->f[PKI_DF_VERSION], "ubuntu") || contains(p->f[PKI_DF_MAINT], "ubuntu.com") ||
           contains(p->f[PKI_DF_MAINT], "Ubuntu ") || p->f[PKI_DF_ORIG_MAINT].ptr;
}

/* The install state (third word of Status); 1 = files are on disk. */
static int status_present(pk_bytes st, int *full)
{
    char buf[128];
    *full = 1;
    if (!st.ptr)
        return 1; /* status.d and control paragraphs have no Status */
    pki_dpkg_val(st, 1, buf, sizeof buf);
    const char *w = strrchr(buf, ' ');
    w = w ? w + 1 : buf;
    if (strcmp(w, "not-installed") == 0 || strcmp(w, "config-files") == 0)
        return 0;
    *full = strcmp(w, "installed") == 0;
    return 1;
}

static void add_dep(void *ctx, const char *rel)
{
    dpkg_ctx *c = ctx;
    pk_component_dep(c->h, rel, NULL);
}

static void add_provide(void *ctx, const char *rel)
{
    dpkg_ctx *c = ctx;
    if (strchr(rel, '|'))
        return;
    size_t n = strlen(rel);
    if (c->plen + n + 2 > sizeof c->provides)
        return;
    if (c->plen)
        c->provides[c->plen++] = ' ';
    memcpy(c->provides + c->plen, rel, n);
    c->plen += n;
    c->provides[c->plen] = '\0';
}

static pk_ckind kind_for(const char *name, const char *section)
{
    const char *s = strrchr(section, '/'); /* "universe/libs" */
    s = s ? s + 1 : section;
    if (strncmp(name, "lib", 3) == 0 || strcmp(s, "libs") == 0 || strcmp(s, "oldlibs") == 0 ||
        strcmp(s, "libdevel") == 0)
        return PK_CK_LIBRARY;
    return *s ? PK_CK_APPLICATION : PK_CK_LIBRARY;
}

static void emit_para(dpkg_ctx *c, const pki_dpkg_para *p)
{
    char name[512], version[512], arch[64], record[600], section[128];
    int full;
    if (!status_present(p->f[PKI_DF_STATUS], &full))
        return;
    pki_dpkg_val(p->f[PKI_DF_PACKAGE], 1, name, sizeof name);
    if (!name[0] || strchr(name, ' '))
        return;
    pki_dpkg_val(p->f[PKI_DF_VERSION], 1, version, sizeof version);
    pki_dpkg_val(p->f[PKI_DF_ARCH], 1, arch, sizeof arch);
    pki_dpkg_val(p->f[PKI_DF_SECTION], 1, section, sizeof section);
    size_t nl = strlen(name);
    memcpy(record, "Package: ", 9);
    memcpy(record + 9, name, nl + 1);
    pk_component_spec s = {
        .type = "deb",
        .ns = c->ns ? c->ns : (is_ubuntu(p) ? "ubuntu" : "debian"),
        .name = name,
        .version = version[0] ? version : NULL,
        .arch = arch[0] ? arch : NULL,
        .distro = c->distro,
        .kind = kind_for(name, section),
        .scope = c->scope,
        .rule = c->rule,
        .method = PK_CM_MANIFEST,
        .confidence = full ? 95 : 60,
        .loc = {p->off, p->len, record},
    };
    if (pk_emit_component(c->out, &s, &c->h) != PK_OK || !c->h)
        return;
    char *v = pki_malloc(VAL_MAX);
    if (!v)
        return;
    pki_dpkg_val(p->f[PKI_DF_MAINT], 1, v, VAL_MAX);
    pk_component_set(c->h, "supplier", v);
    pki_dpkg_val(p->f[PKI_DF_HOMEPAGE], 1, v, VAL_MAX);
    pk_component_set(c->h, "homepage", v);
    pki_dpkg_val(p->f[PKI_DF_DESC], 1, v, VAL_MAX);
    pk_component_set(c->h, "description", v);
    if (!full) {
        pki_dpkg_val(p->f[PKI_DF_STATUS], 1, v, VAL_MAX);
        pk_component_set(c->h, "dpkg_status", v);
    }
    /* Source: "name" or "name (version)"; without a version it is the binary's */
    pki_dpkg_val(p->f[PKI_DF_SOURCE], 1, v, VAL_MAX);
    if (v[0]) {
        char *sp = strchr(v, ' ');
        const char *sv = version;
        if (sp) {
            *sp = '\0';
            char *o = strchr(sp + 1, '('), *e = o ? strchr(o, ')') : NULL;
            if (o && e) {
                *e = '\0';
                sv = o + 1;
            }
        }
        pk_component_set(c->h, "source_name", v);
        pk_component_set(c->h, "source_version", sv);
    }
    pki_free(v);
    pki_dpkg_rels(p->f[PKI_DF_PREDEPENDS], MAX_RELS, add_dep, c);
    pki_dpkg_rels(p->f[PKI_DF_DEPENDS], MAX_RELS, add_dep, c);
    c->plen = 0;
    c->provides[0] = '\0';
    pki_dpkg_rels(p->f[PKI_DF_PROVIDES], MAX_RELS, add_provide, c);
    pk_component_set(c->h, "provides", c->provides);
    if (c->owns)
        pk_component_owns(c->h, c->owns);
}

/* Namespace and distro for a whole database: one Ubuntu sign in any
 * paragraph makes every package "ubuntu" (synced packages keep Debian's
 * maintainer and version); Debian's base-files version gives "debian-<N>". */
static void db_identity(const pk_file *f, const char **ns, char *distro, size_t cap)
{
    pki_dpkg_rd r = {f->data.ptr, f->data.len, 0};
    pki_dpkg_para p;
    int ubuntu = 0;
    char bv[64] = "";
    for (unsigned n = 0; n < MAX_PARAS && pki_dpkg_next(&r, &p); n++) {
        ubuntu |= is_ubuntu(&p);
        char name[32];
        pki_dpkg_val(p.f[PKI_DF_PACKAGE], 1, name, sizeof name);
        if (strcmp(name, "base-files") == 0)
            pki_dpkg_val(p.f[PKI_DF_VERSION], 1, bv, sizeof bv);
    }
    *ns = ubuntu ? "ubuntu" : "debian";
    distro[0] = '\0';
    size_t d = 0;
    while (bv[d] >= '0' && bv[d] <= '9' && d < 8)
        d++;
    if (!ubuntu && d && strstr(bv, "ubuntu") == NULL && d + 8 <= cap) {
        memcpy(distro, "debian-", 7);
        memcpy(distro + 7, bv, d);
        distro[7 + d] = '\0';
    }
}

static pk_status analyze_paras(const pk_file *f, pk_emit *out, dpkg_kind k)
{
    dpkg_ctx *c = pki_calloc(1, sizeof *c);
    char *scope = pki_malloc(strlen(f->vpath) + 3);
    char distro[32] = "";
    if (!c || !scope) {
        pki_free(c);
        pki_free(scope);
        return PK_E_NOMEM;
    }
    c->out = out;
    c->rule = "dpkg-status";
    if (k == DK_CONTROL) {
        long n = deb_len(f->vpath);
        memcpy(scope, f->vpath, (size_t)n);
        memcpy(scope + n, "!/", 3);
        c->owns = scope;
        c->rule = "deb-control";
    } else {
        long n = k == DK_STATUS ? root_len(f->vpath, DPKG_STATUS)
                                : dir_root_len(f->vpath, DPKG_STATUS_D);
        memcpy(scope, f->vpath, (size_t)n);
        scope[n] = '\0';
        db_identity(f, &c->ns, distro, sizeof distro);
        c->distro = distro[0] ? distro : NULL;
    }
    c->scope = scope;
    pki_dpkg_rd r = {f->data.ptr, f->data.len, 0};
    pki_dpkg_para p;
    for (unsigned n = 0; n < MAX_PARAS && pki_dpkg_next(&r, &p); n++) {
        emit_para(c, &p);
        if (k == DK_CONTROL)
            break; /* a control file describes one package */
    }
    pki_free(scope);
    pki_free(c);
    return PK_OK;
}

/* ---- info/<pkg>[:arch].list ---- */

static pk_status analyze_list(const pk_file *f, pk_emit *out)
{
    long rl = dir_root_len(f->vpath, DPKG_INFO);
    const char *base = f->vpath + rl + strlen(DPKG_INFO);
    size_t bl = strlen(base) - 5; /* ".list" */
    char name[256], arch[64] = "", record[300];
    if (bl == 0 || bl >= sizeof name)
        return PK_OK;
    memcpy(name, base, bl);
    name[bl] = '\0';
    char *colon = strchr(name, ':');
    if (colon) {
        size_t al = strlen(colon + 1);
        if (al >= sizeof arch)
            return PK_OK;
        memcpy(arch, colon + 1, al + 1);
        *colon = '\0';
    }
    char *scope = pki_malloc((size_t)rl + 1);
    char *path = pki_malloc(4097);
    if (!scope || !path) {
        pki_free(scope);
        pki_free(path);
        return PK_E_NOMEM;
    }
    memcpy(scope, f->vpath, (size_t)rl);
    scope[rl] = '\0';
    memcpy(record, "Package: ", 9);
    memcpy(record + 9, name, strlen(name) + 1);
    pk_component_spec s = {
        .type = "deb",
        .name = name,
        .arch = arch[0] ? arch : NULL,
        .flags = PK_CF_CLAIM,
        .scope = scope,
        .rule = "dpkg-list",
        .method = PK_CM_MANIFEST,
        .confidence = 90,
        .loc = {PK_LOC_NONE, 0, record},
    };
    pk_component *h = NULL;
    if (name[0] && pk_emit_component(out, &s, &h) == PK_OK && h) {
        const uint8_t *d = f->data.ptr;
        size_t len = f->data.len, pos = 0;
        for (unsigned n = 0; pos < len && n < MAX_LIST; n++) {
            const uint8_t *nl = memchr(d + pos, '\n', len - pos);
            size_t end = nl ? (size_t)(nl - d) : len;
            size_t l = end - pos;
            if (l && d[pos + l - 1] == '\r')
                l--;
            /* "/." is the root every list starts with; paths with NUL are not paths */
            if (l && l <= 4096 && !(l == 2 && d[pos] == '/' && d[pos + 1] == '.') &&
                !memchr(d + pos, 0, l)) {
                memcpy(path, d + pos, l);
                path[l] = '\0';
                if (pk_component_file(h, path) == PK_E_LIMIT)
                    break;
            }
            pos = end + 1;
        }
    }
    pki_free(path);
    pki_free(scope);
    return PK_OK;
}

static pk_status dpkg_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->vpath || !file->data.ptr)
        return PK_OK;
    dpkg_kind k = kind_of(file->vpath);
    switch (k) {
    case DK_STATUS:
    case DK_STATUS_D:
    case DK_CONTROL:
        return analyze_paras(file, out, k);
    case DK_LIST:
        return analyze_list(file, out);
    case DK_COPYRIGHT:
        return pki_dpkg_copyright(file, out);
    default:
        return PK_OK;
    }
}

const pk_analyzer pki_analyzer_dpkg = {
    .name = "dpkg",
    .abi = PK_ANALYZER_ABI,
    .claim = dpkg_claim,
    .analyze = dpkg_analyze,
};
