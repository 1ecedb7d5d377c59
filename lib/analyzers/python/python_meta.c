/* Core metadata (METADATA / PKG-INFO) headers and dist-info RECORD rows, read
 * line by line within the file's bounds (the bytes are not NUL-terminated). */
#include "python_int.h"

#include <strings.h>
#include <string.h>

typedef struct lines {
    const char *p;
    size_t n, pos;
} lines;

/* The next line without its "\n" or "\r\n"; 0 at the end. */
static int next_line(lines *L, const char **s, size_t *len)
{
    if (L->pos >= L->n)
        return 0;
    const char *b = L->p + L->pos;
    const char *nl = memchr(b, '\n', L->n - L->pos);
    size_t n = nl ? (size_t)(nl - b) : L->n - L->pos;
    L->pos += n + (nl ? 1 : 0);
    if (n && b[n - 1] == '\r')
        n--;
    *s = b;
    *len = n;
    return 1;
}

typedef struct span {
    const char *p;
    size_t n;
} span;

/* "Key: value": the key and the trimmed value; 0 if the line has no ':'. */
static int header(const char *s, size_t n, span *key, span *val)
{
    const char *c = memchr(s, ':', n);
    if (!c || c == s)
        return 0;
    key->p = s;
    key->n = (size_t)(c - s);
    size_t i = key->n + 1;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t e = n;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    val->p = s + i;
    val->n = e - i;
    return 1;
}

static int key_is(span k, const char *name)
{
    return k.n == strlen(name) && strncasecmp(k.p, name, k.n) == 0;
}

/* Copies a span into a NUL-terminated buffer, cut at cap - 1 bytes. */
static const char *cp(span v, char *buf, size_t cap)
{
    if (!v.p || !v.n) {
        buf[0] = '\0';
        return NULL;
    }
    size_t n = v.n < cap - 1 ? v.n : cap - 1;
    memcpy(buf, v.p, n);
    buf[n] = '\0';
    return n ? buf : NULL;
}

typedef struct meta {
    span name, version, license, lexpr, classifier, author, email, home, purl_home, summary;
    int license_folded; /* License went on over continuation lines: a full text */
} meta;

static int has_extra_marker(const char *s)
{
    const char *semi = strchr(s, ';');
    for (const char *p = semi ? strstr(semi, "extra") : NULL; p; p = strstr(p + 5, "extra")) {
        const char *q = p + 5;
        while (*q == ' ' || *q == '\t')
            q++;
        if (q[0] == '=' && q[1] == '=')
            return 1;
    }
    return 0;
}

/* Requires-Dist without an `extra ==` marker: the distribution name, normalized. */
static void add_dep(pk_component *h, span v)
{
    char buf[PKI_PY_MAX_VALUE], norm[256];
    if (!cp(v, buf, sizeof buf) || has_extra_marker(buf))
        return;
    size_t n = 0;
    while (buf[n] &&
           (buf[n] == '-' || buf[n] == '_' || buf[n] == '.' || (buf[n] >= '0' && buf[n] <= '9') ||
            (buf[n] >= 'a' && buf[n] <= 'z') || (buf[n] >= 'A' && buf[n] <= 'Z')))
        n++;
    if (!n)
        return;
    pki_py_normalize(buf, n, norm, sizeof norm);
    if (norm[0])
        pk_component_dep(h, norm, NULL);
}

static void read_headers(lines *L, meta *m)
{
    const char *s;
    size_t n;
    span k, v;
    int in_license = 0;
    for (unsigned i = 0; i < PKI_PY_MAX_HEADERS && next_line(L, &s, &n); i++) {
        if (n == 0)
            break; /* the body: the description */
        if (s[0] == ' ' || s[0] == '\t') {
            m->license_folded |= in_license;
            continue;
        }
        in_license = 0;
        if (!header(s, n, &k, &v))
            continue;
        if (key_is(k, "Name"))
            m->name = v;
        else if (key_is(k, "Version"))
            m->version = v;
        else if (key_is(k, "License")) {
            m->license = v;
            in_license = 1;
        } else if (key_is(k, "License-Expression"))
            m->lexpr = v;
        else if (key_is(k, "Classifier") && !m->classifier.n && v.n > 11 &&
                 memcmp(v.p, "License :: ", 11) == 0) {
            /* the last " :: " part: "License :: OSI Approved :: MIT License" */
            size_t j = v.n;
            while (j >= 4 && memcmp(v.p + j - 4, " :: ", 4) != 0)
                j--;
            span last = {v.p + j, v.n - j};
            if (last.n && !(last.n == 12 && memcmp(last.p, "OSI Approved", 12) == 0))
                m->classifier = last;
        } else if (key_is(k, "Author"))
            m->author = v;
        else if (key_is(k, "Author-email"))
            m->email = v;
        else if (key_is(k, "Home-page"))
            m->home = v;
        else if (key_is(k, "Summary"))
            m->summary = v;
        else if (key_is(k, "Project-URL")) {
            const char *c = memchr(v.p, ',', v.n);
            if (c && (size_t)(c - v.p) == 8 && strncasecmp(v.p, "homepage", 8) == 0) {
                size_t o = (size_t)(c - v.p) + 1;
                while (o < v.n && v.p[o] == ' ')
                    o++;
                m->purl_home.p = v.p + o;
                m->purl_home.n = v.n - o;
            }
        }
    }
}

static int is_wheel_scope(const char *scope)
{
    size_t n = strlen(scope);
    return n > 6 && memcmp(scope + n - 6, ".whl!/", 6) == 0;
}

pk_status pki_py_metadata(const pk_file *f, const char *scope, pk_emit *out)
{
    meta m;
    memset(&m, 0, sizeof m);
    lines L = {(const char *)f->data.ptr, f->data.len, 0};
    read_headers(&L, &m);
    char name[256], version[256], buf[PKI_PY_MAX_VALUE], raw[256];
    if (!cp(m.name, raw, sizeof raw))
        return PK_OK;
    pki_py_normalize(raw, strlen(raw), name, sizeof name);
    if (!name[0])
        return PK_OK;
    pk_component_spec s = {.type = "pypi",
                           .name = name,
                           .version = cp(m.version, version, 256),
                           .kind = PK_CK_LIBRARY,
                           .scope = scope,
                           .rule = "python-metadata",
                           .method = PK_CM_MANIFEST,
                           .confidence = 90,
                           .loc = {PK_LOC_NONE, 0, raw}};
    pk_component *h = NULL;
    pk_status st = pk_emit_component(out, &s, &h);
    if (st != PK_OK || !h)
        return st;
    /* License-Expression, else a one-line License, else the license classifier */
    span lic = m.lexpr;
    if (!lic.n && m.license.n && !m.license_folded && m.license.n <= 128 &&
        !(m.license.n == 7 && memcmp(m.license.p, "UNKNOWN", 7) == 0))
        lic = m.license;
    if (!lic.n)
        lic = m.classifier;
    pk_component_set(h, "license", cp(lic, buf, sizeof buf));
    pk_component_set(h, "author", cp(m.author.n ? m.author : m.email, buf, sizeof buf));
    pk_component_set(h, "homepage", cp(m.home.n ? m.home : m.purl_home, buf, sizeof buf));
    pk_component_set(h, "description", cp(m.summary, buf, sizeof buf));
    if (is_wheel_scope(scope))
        pk_component_owns(h, scope);
    /* second pass for the dependencies, now that the handle exists */
    lines D = {(const char *)f->data.ptr, f->data.len, 0};
    const char *ln;
    size_t n;
    span k, v;
    for (unsigned i = 0; i < PKI_PY_MAX_HEADERS && next_line(&D, &ln, &n) && n; i++)
        if (ln[0] != ' ' && ln[0] != '\t' && header(ln, n, &k, &v) && key_is(k, "Requires-Dist"))
            add_dep(h, v);
    return PK_OK;
}

/* One CSV field (RFC 4180 quoting) into buf; 0 when it does not fit or is empty. */
static int csv_first(const char *s, size_t n, char *buf, size_t cap)
{
    size_t o = 0, i = 0;
    if (n && s[0] == '"') {
        for (i = 1; i < n; i++) {
            if (s[i] == '"') {
                if (i + 1 < n && s[i + 1] == '"')
                    i++;
                else
                    break;
            }
            if (o + 1 >= cap)
                return 0;
            buf[o++] = s[i];
        }
    } else {
        for (; i < n && s[i] != ','; i++) {
            if (o + 1 >= cap)
                return 0;
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
    return o > 0;
}

/* A path that leaves the scope ("../../../bin/x", "/usr/bin/x") is skipped. */
static int inside(const char *p)
{
    if (p[0] == '/')
        return 0;
    for (const char *s = p; s; s = strchr(s, '/')) {
        if (*s == '/')
            s++;
        if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0'))
            return 0;
    }
    return 1;
}

pk_status pki_py_record(const pk_file *f, const char *scope, pk_emit *out)
{
    /* identity from the directory name: "<name>-<version>.dist-info" */
    size_t end = pki_py_dir_len(f) - 1; /* the '/' after the directory */
    size_t b = end;
    while (b > 0 && f->vpath[b - 1] != '/')
        b--;
    const char *d = f->vpath + b;
    size_t dn = end - b - 10; /* without ".dist-info" */
    const char *dash = memchr(d, '-', dn);
    if (!dash || dash == d || (size_t)(dash - d) + 1 >= dn)
        return PK_OK;
    char name[256], version[256];
    pki_py_normalize(d, (size_t)(dash - d), name, sizeof name);
    size_t vl = dn - (size_t)(dash - d) - 1;
    if (!name[0] || vl >= sizeof version)
        return PK_OK;
    memcpy(version, dash + 1, vl);
    version[vl] = '\0';
    pk_component_spec s = {.type = "pypi",
                           .name = name,
                           .version = version,
                           .kind = PK_CK_LIBRARY,
                           .flags = PK_CF_CLAIM,
                           .scope = scope,
                           .rule = "python-record",
                           .method = PK_CM_MANIFEST,
                           .confidence = 90,
                           .loc = {PK_LOC_NONE, 0, NULL}};
    pk_component *h = NULL;
    pk_status st = pk_emit_component(out, &s, &h);
    if (st != PK_OK || !h)
        return st;
    lines L = {(const char *)f->data.ptr, f->data.len, 0};
    const char *ln;
    size_t n;
    char path[PKI_PY_MAX_VALUE];
    while (next_line(&L, &ln, &n)) {
        if (!csv_first(ln, n, path, sizeof path) || !inside(path))
            continue;
        if (pk_component_file(h, path) == PK_E_LIMIT)
            break;
    }
    return PK_OK;
}
