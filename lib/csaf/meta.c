/* What publishers, mirrors and the matcher read from a CSAF document
 * (pk_csaf_meta), the CSAF §5.1 file name and the ordering of
 * tracking.version (§3.1.11: integer or semantic versioning).
 *
 * Ownership: every string in a pk_csaf_meta is owned by it and freed by
 * pk_csaf_meta_free(), which accepts a partly filled or zeroed struct. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "csaf_int.h"

static void set_err(char *err, size_t errlen, const char *fmt, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, what);
}

/* The string at a path of object keys (NULL-terminated list). */
static const char *str_at(json_t *j, const char *const *keys)
{
    for (; *keys; keys++) {
        if (!json_is_object(j))
            return NULL;
        j = json_object_get(j, *keys);
    }
    return json_is_string(j) ? json_string_value(j) : NULL;
}

/* *dst = copy of the string at keys; PK_E_FORMAT naming the member when it
 * is missing and required. */
static pk_status take(json_t *doc, const char *const *keys, const char *name, int required,
                      char **dst, char *err, size_t errlen)
{
    const char *s = str_at(doc, keys);
    if (!s) {
        if (!required)
            return PK_OK;
        set_err(err, errlen, "%s: missing or not a string", name);
        return PK_E_FORMAT;
    }
    *dst = pki_strdup(s);
    return *dst ? PK_OK : PK_E_NOMEM;
}

static pk_status read_revisions(json_t *doc, pk_csaf_meta *m, char *err, size_t errlen)
{
    json_t *t = json_object_get(json_object_get(doc, "document"), "tracking");
    json_t *rh = json_object_get(t, "revision_history");
    if (!json_is_array(rh)) {
        set_err(err, errlen, "%s: missing or not an array", "/document/tracking/revision_history");
        return PK_E_FORMAT;
    }
    size_t n = json_array_size(rh);
    if (n == 0)
        return PK_OK;
    m->revisions = pki_calloc(n, sizeof *m->revisions);
    m->rev_dates = pki_calloc(n, sizeof *m->rev_dates);
    m->rev_summaries = pki_calloc(n, sizeof *m->rev_summaries);
    if (!m->revisions || !m->rev_dates || !m->rev_summaries)
        return PK_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(rh, i);
        const char *num = json_string_value(json_object_get(e, "number"));
        const char *date = json_string_value(json_object_get(e, "date"));
        const char *sum = json_string_value(json_object_get(e, "summary"));
        if (!json_is_object(e) || !num || !date || !sum) {
            if (err && errlen)
                snprintf(err, errlen,
                         "/document/tracking/revision_history/%zu: number, date and summary must "
                         "be strings",
                         i);
            return PK_E_FORMAT;
        }
        m->revisions[i] = pki_strdup(num);
        m->rev_dates[i] = pki_strdup(date);
        m->rev_summaries[i] = pki_strdup(sum);
        m->nrevisions = i + 1;
        if (!m->revisions[i] || !m->rev_dates[i] || !m->rev_summaries[i])
            return PK_E_NOMEM;
    }
    return PK_OK;
}

static pk_status read_cves(json_t *doc, pk_csaf_meta *m)
{
    json_t *vs = json_object_get(doc, "vulnerabilities");
    size_t n = json_is_array(vs) ? json_array_size(vs) : 0;
    if (n == 0)
        return PK_OK;
    m->cves = pki_calloc(n, sizeof *m->cves);
    if (!m->cves)
        return PK_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *c = json_string_value(json_object_get(json_array_get(vs, i), "cve"));
        if (!c)
            continue; /* a vulnerability may be named by ids only */
        if (!(m->cves[m->ncves] = pki_strdup(c)))
            return PK_E_NOMEM;
        m->ncves++;
    }
    return PK_OK;
}

/* The string members read, by JSON pointer; tlp alone may be absent. */
static const struct {
    size_t off;
    int required;
    const char *ptr;
    const char *keys[5];
} meta_fields[] = {
    {offsetof(pk_csaf_meta, tracking_id),
     1,
     "/document/tracking/id",
     {"document", "tracking", "id"}},
    {offsetof(pk_csaf_meta, version),
     1,
     "/document/tracking/version",
     {"document", "tracking", "version"}},
    {offsetof(pk_csaf_meta, status),
     1,
     "/document/tracking/status",
     {"document", "tracking", "status"}},
    {offsetof(pk_csaf_meta, initial_release_date),
     1,
     "/document/tracking/initial_release_date",
     {"document", "tracking", "initial_release_date"}},
    {offsetof(pk_csaf_meta, current_release_date),
     1,
     "/document/tracking/current_release_date",
     {"document", "tracking", "current_release_date"}},
    {offsetof(pk_csaf_meta, tlp),
     0,
     "/document/distribution/tlp/label",
     {"document", "distribution", "tlp", "label"}},
    {offsetof(pk_csaf_meta, title), 1, "/document/title", {"document", "title"}},
    {offsetof(pk_csaf_meta, publisher),
     1,
     "/document/publisher/name",
     {"document", "publisher", "name"}},
    {offsetof(pk_csaf_meta, namespace_),
     1,
     "/document/publisher/namespace",
     {"document", "publisher", "namespace"}},
    {offsetof(pk_csaf_meta, category), 1, "/document/category", {"document", "category"}},
};

static pk_status meta_fill(json_t *doc, pk_csaf_meta *m, char *err, size_t errlen)
{
    pk_status st;
    for (size_t i = 0; i < sizeof meta_fields / sizeof meta_fields[0]; i++) {
        char **dst = (char **)((char *)m + meta_fields[i].off);
        st = take(doc, meta_fields[i].keys, meta_fields[i].ptr, meta_fields[i].required, dst, err,
                  errlen);
        if (st != PK_OK)
            return st;
    }
    if (!m->tlp && !(m->tlp = pki_strdup("WHITE")))
        return PK_E_NOMEM;
    size_t cap = strlen(m->tracking_id) + sizeof ".json";
    if (!(m->file_name = pki_malloc(cap)))
        return PK_E_NOMEM;
    if (pk_csaf_file_name(m->tracking_id, m->file_name, cap) != PK_OK) {
        set_err(err, errlen, "%s: empty", "/document/tracking/id");
        return PK_E_FORMAT;
    }
    if ((st = read_revisions(doc, m, err, errlen)) != PK_OK)
        return st;
    return read_cves(doc, m);
}

pk_status pk_csaf_meta_read(const uint8_t *doc, size_t len, pk_csaf_meta *out, char *err,
                            size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out || (!doc && len))
        return PK_E_MISUSE;
    memset(out, 0, sizeof *out);
    json_t *j = NULL;
    pk_status st = pki_csaf_load(doc, len, &j, err, errlen);
    if (st != PK_OK)
        return st;
    st = meta_fill(j, out, err, errlen);
    json_decref(j);
    if (st != PK_OK) {
        if (st == PK_E_NOMEM)
            set_err(err, errlen, "%s", "out of memory reading the document's metadata");
        pk_csaf_meta_free(out);
    }
    return st;
}

static void free_list(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        pki_free(v[i]);
    pki_free(v);
}

void pk_csaf_meta_free(pk_csaf_meta *m)
{
    if (!m)
        return;
    char **s[] = {&m->tracking_id,          &m->version,  &m->status,   &m->initial_release_date,
                  &m->current_release_date, &m->tlp,      &m->title,    &m->publisher,
                  &m->namespace_,           &m->category, &m->file_name};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        pki_free(*s[i]);
    free_list(m->revisions, m->nrevisions);
    free_list(m->rev_dates, m->nrevisions);
    free_list(m->rev_summaries, m->nrevisions);
    free_list(m->cves, m->ncves);
    memset(m, 0, sizeof *m);
}

/* §5.1: lower case, then every run of characters outside [+\-a-z0-9]
 * becomes one '_', then ".json". */
pk_status pk_csaf_file_name(const char *id, char *buf, size_t cap)
{
    if (!id || !*id || !buf || cap == 0)
        return PK_E_USAGE;
    size_t o = 0;
    int in_run = 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-';
        if (!keep && in_run)
            continue;
        in_run = !keep;
        if (o + 1 >= cap)
            return PK_E_USAGE;
        buf[o++] = keep ? (char)c : '_';
    }
    if (cap - o < sizeof ".json")
        return PK_E_USAGE;
    memcpy(buf + o, ".json", sizeof ".json");
    return PK_OK;
}

/* ---- tracking.version ordering ---- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A numeric identifier: digits without a leading zero (or "0"). */
static int numeric_id(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return n == 1 || s[0] != '0';
}

/* Numeric identifiers of any length: longer is larger, then bytewise. */
static int num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return an < bn ? -1 : 1;
    int c = memcmp(a, b, an);
    return c < 0 ? -1 : c > 0;
}

static int alnum_id(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
            return 0;
    }
    return 1;
}

/* A semantic version split: three numbers, a pre-release (NULL if none);
 * build metadata is checked and then ignored (it has no precedence). */
typedef struct semver {
    const char *part[3];
    size_t len[3];
    const char *pre;
    size_t prelen;
} semver;

static int dot_ids_ok(const char *s, size_t n, int pre)
{
    size_t st = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        if (!alnum_id(s + st, i - st))
            return 0;
        /* pre-release numeric identifiers must not have leading zeros */
        int digits = 1;
        for (size_t k = st; k < i; k++)
            digits &= is_digit(s[k]);
        if (pre && digits && !numeric_id(s + st, i - st))
            return 0;
        st = i + 1;
    }
    return 1;
}

static int semver_parse(const char *s, semver *v)
{
    memset(v, 0, sizeof *v);
    const char *p = s;
    for (int k = 0; k < 3; k++) {
        const char *q = p;
        while (is_digit(*q))
            q++;
        if (!numeric_id(p, (size_t)(q - p)))
            return 0;
        v->part[k] = p;
        v->len[k] = (size_t)(q - p);
        if (k < 2) {
            if (*q != '.')
                return 0;
            q++;
        }
        p = q;
    }
    if (*p == '-') {
        const char *q = p + 1;
        while (*q && *q != '+')
            q++;
        if (!dot_ids_ok(p + 1, (size_t)(q - p - 1), 1))
            return 0;
        v->pre = p + 1;
        v->prelen = (size_t)(q - p - 1);
        p = q;
    }
    if (*p == '+') {
        size_t n = strlen(p + 1);
        if (!dot_ids_ok(p + 1, n, 0))
            return 0;
        p += 1 + n;
    }
    return *p == '\0';
}

static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= an && j >= bn)
            return 0;
        if (i >= an)
            return -1; /* fewer identifiers, all equal so far: lower */
        if (j >= bn)
            return 1;
        size_t ie = i, je = j;
        while (ie < an && a[ie] != '.')
            ie++;
        while (je < bn && b[je] != '.')
            je++;
        int na = numeric_id(a + i, ie - i), nb = numeric_id(b + j, je - j);
        int c;
        if (na && nb) {
            c = num_cmp(a + i, ie - i, b + j, je - j);
        } else if (na != nb) {
            c = na ? -1 : 1; /* numeric identifiers sort before alphanumeric */
        } else {
            size_t l = ie - i < je - j ? ie - i : je - j;
            c = memcmp(a + i, b + j, l);
            c = c < 0 ? -1 : c > 0 ? 1 : (ie - i == je - j ? 0 : ie - i < je - j ? -1 : 1);
        }
        if (c)
            return c;
        i = ie + 1; /* past the '.', or past the end */
        j = je + 1;
    }
}

int pk_csaf_version_cmp(const char *a, const char *b, bool *ok)
{
    bool dummy;
    if (!ok)
        ok = &dummy;
    *ok = false;
    if (!a || !b)
        return 0;
    size_t al = strlen(a), bl = strlen(b);
    if (numeric_id(a, al) && numeric_id(b, bl)) {
        *ok = true;
        return num_cmp(a, al, b, bl);
    }
    semver va, vb;
    if (!semver_parse(a, &va) || !semver_parse(b, &vb))
        return 0;
    *ok = true;
    for (int k = 0; k < 3; k++) {
        int c = num_cmp(va.part[k], va.len[k], vb.part[k], vb.len[k]);
        if (c)
            return c;
    }
    if (!va.pre || !vb.pre)
        return va.pre ? -1 : vb.pre ? 1 : 0; /* a pre-release is below its release */
    return pre_cmp(va.pre, va.prelen, vb.pre, vb.prelen);
}
