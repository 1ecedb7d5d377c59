/* The apk analyzer: Alpine packages from the installed database
 * (<root>lib/apk/db/installed) and from the .PKGINFO of an .apk package.
 * Every read is bounded by the buffer; docs/analyzers/apk.md lists the rules. */
#include <parakh/analyzer.h>
#include <parakh/component.h>
#include <string.h>

#include "../../core/core_int.h"

#define APK_DB      "lib/apk/db/installed"
#define APK_PKGINFO "!/.PKGINFO"
#define MAX_RECORDS 200000u
#define MAX_LINES   2000000u /* lines of one record (F:/R: of a big package) */
#define MAX_RELS    4096u
#define VAL_MAX     4096u

typedef enum apk_kind { AK_NONE = 0, AK_DB, AK_PKGINFO } apk_kind;

static long db_root(const char *vpath)
{
    size_t n = strlen(vpath), t = sizeof APK_DB - 1;
    if (n < t || memcmp(vpath + n - t, APK_DB, t) != 0 || (n > t && vpath[n - t - 1] != '/'))
        return -1;
    return (long)(n - t);
}

/* The .apk holding a .PKGINFO: the vpath before "!/.PKGINFO", minus levels
 * that are the package's own decompressed tar ("x.apk!/x.tar"). */
static long apk_len(const char *vpath)
{
    size_t n = strlen(vpath), t = sizeof APK_PKGINFO - 1;
    if (n <= t || memcmp(vpath + n - t, APK_PKGINFO, t) != 0)
        return -1;
    size_t end = n - t;
    while (end > 4 && memcmp(vpath + end - 4, ".tar", 4) == 0) {
        size_t s = end;
        while (s >= 2 && !(vpath[s - 2] == '!' && vpath[s - 1] == '/'))
            s--;
        if (s < 2)
            break;
        end = s - 2;
    }
    return (long)end;
}

static apk_kind kind_of(const char *vpath)
{
    if (db_root(vpath) >= 0)
        return AK_DB;
    if (apk_len(vpath) > 0)
        return AK_PKGINFO;
    return AK_NONE;
}

static unsigned apk_claim(const pk_file *file)
{
    return file->vpath && kind_of(file->vpath) != AK_NONE ? 90 : 0;
}

/* ---- lines ---- */

typedef struct line {
    const uint8_t *p;
    size_t len; /* without CR/LF */
} line;

/* The line at *pos, advancing past it; false at the end. */
static int next_line(pk_bytes d, size_t *pos, line *l)
{
    if (*pos >= d.len)
        return 0;
    const uint8_t *s = d.ptr + *pos;
    const uint8_t *nl = memchr(s, '\n', d.len - *pos);
    size_t n = nl ? (size_t)(nl - s) : d.len - *pos;
    *pos += nl ? n + 1 : n;
    if (n && s[n - 1] == '\r')
        n--;
    l->p = s;
    l->len = n;
    return 1;
}

static void copy(const uint8_t *p, size_t n, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!p)
        return; /* an absent field */
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n >= cap)
        n = cap - 1;
    const uint8_t *z = memchr(p, 0, n);
    if (z)
        n = (size_t)(z - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
}

/* The fields of one package, as borrowed values. */
enum { F_NAME, F_VER, F_ARCH, F_LIC, F_ORIGIN, F_MAINT, F_URL, F_DESC, F_COUNT };

typedef struct apk_rec {
    line f[F_COUNT];
    int have[F_COUNT];
} apk_rec;

/* A dependency token to a plain package name: "!x" (conflict), "so:", "cmd:",
 * "pc:" and "/path" are not names; version constraints are cut. */
static int dep_name(const uint8_t *p, size_t n, char *out, size_t cap)
{
    if (!n || *p == '!' || *p == '/' || memchr(p, ':', n))
        return 0;
    size_t k = 0;
    while (k < n && p[k] != '<' && p[k] != '>' && p[k] != '=' && p[k] != '~' && p[k] != '@')
        k++;
    if (!k || k >= cap)
        return 0;
    memcpy(out, p, k);
    out[k] = '\0';
    return 1;
}

/* Space-separated tokens of v: deps to c, provides into prov (names only). */
static void relations(pk_component *c, line v, int provides, char *prov, size_t *pl, size_t cap)
{
    size_t i = 0;
    char name[512];
    for (unsigned n = 0; i < v.len && n < MAX_RELS; n++) {
        while (i < v.len && (v.p[i] == ' ' || v.p[i] == '\t'))
            i++;
        size_t s = i;
        while (i < v.len && v.p[i] != ' ' && v.p[i] != '\t')
            i++;
        if (i == s)
            break;
        if (!provides) {
            if (dep_name(v.p + s, i - s, name, sizeof name))
                pk_component_dep(c, name, NULL);
            continue;
        }
        size_t k = s; /* "name=version": keep the name, so:/cmd: included */
        while (k < i && v.p[k] != '=')
            k++;
        if (k == s || memchr(v.p + s, 0, k - s) || *pl + (k - s) + 2 > cap)
            continue;
        if (*pl)
            prov[(*pl)++] = ' ';
        memcpy(prov + *pl, v.p + s, k - s);
        *pl += k - s;
        prov[*pl] = '\0';
    }
}

typedef struct apk_ctx {
    pk_emit *out;
    const char *scope;
    const char *owns;
    const char *rule;
    char *val;  /* VAL_MAX scratch */
    char *prov; /* VAL_MAX */
    char *path; /* VAL_MAX */
} apk_ctx;

static pk_component *emit_rec(apk_ctx *x, const apk_rec *r, uint64_t off, uint64_t len)
{
    char name[256], ver[256], arch[64], record[300];
    if (!r->have[F_NAME])
        return NULL;
    copy(r->f[F_NAME].p, r->f[F_NAME].len, name, sizeof name);
    copy(r->f[F_VER].p, r->f[F_VER].len, ver, sizeof ver);
    copy(r->f[F_ARCH].p, r->f[F_ARCH].len, arch, sizeof arch);
    if (!name[0])
        return NULL;
    memcpy(record, "P:", 2);
    memcpy(record + 2, name, strlen(name) + 1);
    pk_component_spec s = {
        .type = "apk",
        .ns = "alpine",
        .name = name,
        .version = ver[0] ? ver : NULL,
        .arch = arch[0] ? arch : NULL,
        .kind = strncmp(name, "lib", 3) == 0 || strstr(name, "-libs") ? PK_CK_LIBRARY
                                                                      : PK_CK_APPLICATION,
        .scope = x->scope,
        .rule = x->rule,
        .method = PK_CM_MANIFEST,
        .confidence = 95,
        .loc = {off, len, record},
    };
    pk_component *c = NULL;
    if (pk_emit_component(x->out, &s, &c) != PK_OK || !c)
        return NULL;
    static const struct {
        int f;
        const char *key;
    } attrs[] = {{F_LIC, "license"},
                 {F_MAINT, "supplier"},
                 {F_URL, "homepage"},
                 {F_DESC, "description"},
                 {F_ORIGIN, "source_name"}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (!r->have[attrs[i].f])
            continue;
        copy(r->f[attrs[i].f].p, r->f[attrs[i].f].len, x->val, VAL_MAX);
        pk_component_set(c, attrs[i].key, x->val);
    }
    if (r->have[F_ORIGIN])
        pk_component_set(c, "source_version", ver);
    if (x->owns)
        pk_component_owns(c, x->owns);
    return c;
}

/* ---- lib/apk/db/installed ---- */

static const char db_keys[F_COUNT] = {'P', 'V', 'A', 'L', 'o', 'm', 'U', 'T'};

static void db_record(apk_ctx *x, pk_bytes d, size_t start, size_t end)
{
    pk_bytes rd = {d.ptr + start, end - start};
    apk_rec r;
    memset(&r, 0, sizeof r);
    size_t pos = 0;
    line l;
    for (unsigned n = 0; n < MAX_LINES && next_line(rd, &pos, &l); n++) {
        if (l.len < 2 || l.p[1] != ':')
            continue;
        for (int k = 0; k < F_COUNT; k++)
            if (l.p[0] == db_keys[k] && !r.have[k]) {
                r.f[k] = (line){l.p + 2, l.len - 2};
                r.have[k] = 1;
            }
    }
    pk_component *c = emit_rec(x, &r, start, end - start);
    if (!c)
        return;
    size_t pl = 0, dl = 0;
    x->prov[0] = '\0';
    pos = 0;
    for (unsigned n = 0; n < MAX_LINES && next_line(rd, &pos, &l); n++) {
        if (l.len < 2 || l.p[1] != ':')
            continue;
        line v = {l.p + 2, l.len - 2};
        if (l.p[0] == 'D') {
            relations(c, v, 0, NULL, NULL, 0);
        } else if (l.p[0] == 'p') {
            relations(c, v, 1, x->prov, &pl, VAL_MAX);
        } else if (l.p[0] == 'F') { /* a directory; the R: lines after it are in it */
            dl = v.len < VAL_MAX - 2 && !memchr(v.p, 0, v.len) ? v.len : 0;
            memcpy(x->path, v.p, dl);
            if (dl)
                x->path[dl++] = '/';
        } else if (l.p[0] == 'R' && v.len && dl + v.len < VAL_MAX && !memchr(v.p, 0, v.len)) {
            memcpy(x->path + dl, v.p, v.len);
            x->path[dl + v.len] = '\0';
            if (pk_component_file(c, x->path) == PK_E_LIMIT)
                break;
        }
    }
    pk_component_set(c, "provides", x->prov);
}

static void analyze_db(apk_ctx *x, pk_bytes d)
{
    size_t pos = 0, start = 0;
    int in = 0;
    line l;
    unsigned n = 0;
    while (n < MAX_RECORDS) {
        size_t at = pos;
        int more = next_line(d, &pos, &l);
        int blank = !more || l.len == 0;
        if (!blank && !in) {
            in = 1;
            start = at;
        } else if (blank && in) {
            db_record(x, d, start, at);
            in = 0;
            n++;
        }
        if (!more)
            break;
    }
}

/* ---- .PKGINFO ---- */

static const char *const info_keys[F_COUNT] = {"pkgname", "pkgver",     "arch", "license",
                                               "origin",  "maintainer", "url",  "pkgdesc"};

/* "key = value": the key matched and the value; comments and others false. */
static int info_kv(line l, const char *key, line *v)
{
    size_t k = strlen(key);
    if (l.len <= k || memcmp(l.p, key, k) != 0)
        return 0;
    size_t i = k;
    while (i < l.len && l.p[i] == ' ')
        i++;
    if (i >= l.len || l.p[i] != '=')
        return 0;
    i++;
    while (i < l.len && l.p[i] == ' ')
        i++;
    *v = (line){l.p + i, l.len - i};
    return 1;
}

static void analyze_pkginfo(apk_ctx *x, pk_bytes d)
{
    apk_rec r;
    memset(&r, 0, sizeof r);
    size_t pos = 0;
    line l, v;
    for (unsigned n = 0; n < MAX_LINES && next_line(d, &pos, &l); n++)
        for (int k = 0; k < F_COUNT; k++)
            if (!r.have[k] && info_kv(l, info_keys[k], &v)) {
                r.f[k] = v;
                r.have[k] = 1;
            }
    pk_component *c = emit_rec(x, &r, 0, d.len);
    if (!c)
        return;
    size_t pl = 0;
    x->prov[0] = '\0';
    pos = 0;
    for (unsigned n = 0; n < MAX_LINES && next_line(d, &pos, &l); n++) {
        if (info_kv(l, "depend", &v))
            relations(c, v, 0, NULL, NULL, 0);
        else if (info_kv(l, "provides", &v))
            relations(c, v, 1, x->prov, &pl, VAL_MAX);
    }
    pk_component_set(c, "provides", x->prov);
}

static pk_status apk_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    if (!file->vpath || !file->data.ptr)
        return PK_OK;
    apk_kind k = kind_of(file->vpath);
    if (k == AK_NONE)
        return PK_OK;
    size_t n = strlen(file->vpath);
    apk_ctx x = {.out = out, .rule = k == AK_DB ? "apk-installed" : "apk-pkginfo"};
    char *scope = pki_malloc(n + 3);
    x.val = pki_malloc(VAL_MAX);
    x.prov = pki_malloc(VAL_MAX);
    x.path = pki_malloc(VAL_MAX);
    pk_status st = PK_E_NOMEM;
    if (scope && x.val && x.prov && x.path) {
        long pre = k == AK_DB ? db_root(file->vpath) : apk_len(file->vpath);
        /* kind_of() said the suffix is there, so pre is in 0..n; checked anyway,
         * which also tells the optimizer the copy fits */
        if (pre < 0 || (size_t)pre > n)
            pre = 0;
        memcpy(scope, file->vpath, (size_t)pre);
        if (k == AK_DB) {
            scope[pre] = '\0';
        } else {
            memcpy(scope + pre, "!/", 3);
            x.owns = scope;
        }
        x.scope = scope;
        if (k == AK_DB)
            analyze_db(&x, file->data);
        else
            analyze_pkginfo(&x, file->data);
        st = PK_OK;
    }
    pki_free(scope);
    pki_free(x.val);
    pki_free(x.prov);
    pki_free(x.path);
    return st;
}

const pk_analyzer pki_analyzer_apk = {
    .name = "apk",
    .abi = PK_ANALYZER_ABI,
    .claim = apk_claim,
    .analyze = apk_analyze,
};
