/* What a provider serves besides documents, read strictly: changes.csv
 * (RFC 4180, two fields), provider-metadata.json and aggregator.json (only
 * the members the puller uses, each type-checked). Every input is bounded
 * and no reader recurses on the input's nesting: the JSON depth is checked
 * by a flat scan before jansson sees the bytes. */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "csafsync_int.h"

#define MAX_FIELD   1024u /* one changes.csv field */
#define MAX_DEPTH   16u   /* provider-metadata.json and aggregator.json are shallow */
#define MAX_DISTS   64u
#define MAX_FEEDS   16u
#define MAX_KEYS    32u
#define MAX_PROVS   1024u
#define MAX_MIRRORS 16u
#define MAX_NAME    256u

/* ---- small syntax checks ---- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static unsigned num(const char *s, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

bool pki_csync_date_ok(const char *s, size_t n)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    if (n < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    unsigned mo = num(s + 5, 2), d = num(s + 8, 2), h = num(s + 11, 2), mi = num(s + 14, 2),
             se = num(s + 17, 2);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    size_t i = 19;
    if (i < n && s[i] == '.') {
        size_t j = ++i;
        while (i < n && i - j < 9 && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == j)
            return false;
    }
    if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z'))
        return true;
    return i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) && s[i + 3] == ':' &&
           digits(s + i + 4, 2) && num(s + i + 1, 2) <= 23 && num(s + i + 4, 2) <= 59;
}

unsigned pki_csync_tlp_bit(const char *s, size_t n)
{
    static const char *const names[] = {"white", "green", "amber", "red"};
    for (unsigned i = 0; i < 4; i++)
        if (n == strlen(names[i]) && strncasecmp(s, names[i], n) == 0)
            return 1u << i;
    return n == 5 && strncasecmp(s, "clear", 5) == 0 ? PKI_TLP_WHITE : 0;
}

const char *pki_csync_tlp_name(unsigned bit)
{
    switch (bit) {
    case PKI_TLP_WHITE:
        return "white";
    case PKI_TLP_GREEN:
        return "green";
    case PKI_TLP_AMBER:
        return "amber";
    case PKI_TLP_RED:
        return "red";
    default:
        return NULL;
    }
}

bool pki_csync_path_ok(const char *p, size_t n)
{
    const char *s1 = memchr(p, '/', n);
    if (!s1)
        return false;
    size_t tl = (size_t)(s1 - p);
    /* the directory is spelled in lower case, as docs/csaf.md serves it */
    if (!pki_csync_tlp_bit(p, tl) || (tl == 5 && !strncmp(p, "clear", 5)))
        return false;
    for (size_t i = 0; i < tl; i++)
        if (p[i] < 'a' || p[i] > 'z')
            return false;
    const char *y = s1 + 1, *end = p + n;
    if (end - y < 6 || !digits(y, 4) || y[4] != '/')
        return false;
    const char *f = y + 5;
    size_t fl = (size_t)(end - f);
    if (fl <= 5 || fl > 255 || memcmp(end - 5, ".json", 5) != 0)
        return false;
    for (size_t i = 0; i < fl - 5; i++) {
        char c = f[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

void pki_csync_folder(const char *publisher, char *buf, size_t cap)
{
    /* the same rule as a document's file name (pk_csaf_file_name), so the
     * provider side and the puller agree on every folder */
    char tmp[MAX_NAME + 8];
    size_t n = 0;
    if (publisher && strlen(publisher) <= MAX_NAME &&
        pk_csaf_file_name(publisher, tmp, sizeof tmp) == PK_OK && (n = strlen(tmp)) > 5)
        tmp[n - 5] = 0; /* ".json" */
    if (n <= 5 || strspn(tmp, "_") == strlen(tmp) || strlen(tmp) >= cap)
        snprintf(buf, cap, "provider");
    else
        snprintf(buf, cap, "%s", tmp);
}

/* ---- changes.csv ---- */

void pki_csync_changes_free(pki_csync_changes *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++) {
        pki_free(c->items[i].path);
        pki_free(c->items[i].date);
    }
    pki_free(c->items);
    memset(c, 0, sizeof *c);
}

/* One field at b[*i]: quoted ("" escapes a quote) or bare. Copies it into
 * f (MAX_FIELD + 1); false on a syntax error. */
static bool csv_field(const uint8_t *b, size_t n, size_t *i, char *f, size_t *fl)
{
    size_t k = *i, o = 0;
    if (k < n && b[k] == '"') {
        k++;
        for (;;) {
            if (k >= n)
                return false; /* unterminated quote */
            if (b[k] == '"') {
                if (k + 1 < n && b[k + 1] == '"') {
                    k += 2;
                    if (o >= MAX_FIELD)
                        return false;
                    f[o++] = '"';
                    continue;
                }
                k++;
                break;
            }
            if (o >= MAX_FIELD || b[k] == 0)
                return false;
            f[o++] = (char)b[k++];
        }
    } else {
        while (k < n && b[k] != ',' && b[k] != '\r' && b[k] != '\n') {
            if (b[k] == '"' || b[k] == 0 || o >= MAX_FIELD)
                return false;
            f[o++] = (char)b[k++];
        }
    }
    f[o] = 0;
    *fl = o;
    *i = k;
    return true;
}

pk_status pki_csync_changes_parse(const uint8_t *b, size_t n, pki_csync_changes *out, char *err,
                                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (n > PKI_CSYNC_MAX_CHANGES) {
        pki_csync_err(err, errlen, "changes.csv: over %u bytes", PKI_CSYNC_MAX_CHANGES);
        return PK_E_FORMAT;
    }
    char *f1 = pki_malloc(MAX_FIELD + 1), *f2 = pki_malloc(MAX_FIELD + 1);
    pk_status st = (f1 && f2) ? PK_OK : PK_E_NOMEM;
    size_t i = 0, line = 0;
    while (st == PK_OK && i < n) {
        line++;
        size_t l1 = 0, l2 = 0;
        const char *why = NULL;
        if (line > PKI_CSYNC_MAX_LINES)
            why = "too many lines";
        else if (!csv_field(b, n, &i, f1, &l1) || i >= n || b[i] != ',')
            why = "not two CSV fields";
        else if (i++, !csv_field(b, n, &i, f2, &l2))
            why = "not two CSV fields";
        else if (i < n && b[i] == '\r' && !(i + 1 < n && b[i + 1] == '\n'))
            why = "a bare CR";
        else if (i < n && b[i] != '\r' && b[i] != '\n')
            why = "more than two fields";
        else if (!l1)
            why = "an empty path";
        else if (!pki_csync_date_ok(f2, l2) || strlen(f2) != l2)
            why = "the date is not RFC 3339";
        if (why) {
            pki_csync_err(err, errlen, "changes.csv line %zu: %s", line, why);
            st = PK_E_FORMAT;
            break;
        }
        i += (i < n && b[i] == '\r') ? 2 : (i < n ? 1 : 0);
        if (!pki_grow((void **)&out->items, &out->cap, out->count + 1, sizeof *out->items)) {
            st = PK_E_NOMEM;
            break;
        }
        pki_csync_change *c = &out->items[out->count];
        c->path = pki_strndup(f1, l1);
        c->date = pki_strndup(f2, l2);
        out->count++;
        if (!c->path || !c->date)
            st = PK_E_NOMEM;
    }
    pki_free(f1);
    pki_free(f2);
    if (st != PK_OK)
        pki_csync_changes_free(out);
    return st;
}

/* ---- JSON ---- */

/* Nesting depth of a JSON text without parsing it (strings skipped). */
static bool depth_ok(const uint8_t *b, size_t n)
{
    size_t d = 0;
    bool str = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        if (str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                str = false;
        } else if (c == '"') {
            str = true;
        } else if (c == '[' || c == '{') {
            if (++d > MAX_DEPTH)
                return false;
        } else if ((c == ']' || c == '}') && d) {
            d--;
        }
    }
    return true;
}

static json_t *load(const uint8_t *b, size_t n, const char *what, char *err, size_t errlen)
{
    if (n > PKI_CSYNC_MAX_META || !depth_ok(b, n)) {
        pki_csync_err(err, errlen, "%s: over %u bytes or nested deeper than %u", what,
                      PKI_CSYNC_MAX_META, MAX_DEPTH);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb((const char *)b, n, JSON_REJECT_DUPLICATES, &je);
    if (!j || !json_is_object(j)) {
        pki_csync_err(err, errlen, "%s: not a JSON object%s%.200s", what, j ? "" : ": ",
                      j ? "" : je.text);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* A string member of o within [1, max] bytes without NUL, else NULL. */
static const char *str_member(json_t *o, const char *key, size_t max)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    return (n && n <= max && strlen(s) == n) ? s : NULL;
}

static bool http_url(const char *s)
{
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
}

void pki_csync_meta_free(pki_csync_meta *m)
{
    if (!m)
        return;
    pki_free(m->canonical_url);
    pki_free(m->publisher);
    pki_free(m->role);
    pki_free(m->fprs);
    memset(m, 0, sizeof *m);
}

/* The TLP bits one distribution names. */
static unsigned dist_tlps(json_t *d)
{
    unsigned t = 0;
    const char *u = str_member(d, "directory_url", PKI_CSYNC_MAX_URL);
    if (u && http_url(u)) {
        size_t n = strlen(u);
        while (n && u[n - 1] == '/')
            n--;
        size_t s = n;
        while (s && u[s - 1] != '/')
            s--;
        t |= pki_csync_tlp_bit(u + s, n - s);
    }
    json_t *feeds = json_object_get(json_object_get(d, "rolie"), "feeds");
    for (size_t i = 0; json_is_array(feeds) && i < json_array_size(feeds) && i < MAX_FEEDS; i++) {
        const char *l = str_member(json_array_get(feeds, i), "tlp_label", 16);
        if (l)
            t |= pki_csync_tlp_bit(l, strlen(l));
    }
    return t;
}

pk_status pki_csync_meta_parse(const uint8_t *b, size_t n, pki_csync_meta *out, char *err,
                               size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_t *j = load(b, n, "provider-metadata.json", err, errlen);
    if (!j)
        return PK_E_FORMAT;
    const char *cu = str_member(j, "canonical_url", PKI_CSYNC_MAX_URL);
    const char *pub = str_member(json_object_get(j, "publisher"), "name", MAX_NAME);
    const char *role = str_member(j, "role", 64);
    json_t *dists = json_object_get(j, "distributions");
    json_t *keys = json_object_get(j, "public_openpgp_keys");
    const char *bad = NULL;
    if (!cu || !http_url(cu))
        bad = "canonical_url";
    else if (!pub)
        bad = "publisher.name";
    else if (!role || (strcmp(role, "csaf_publisher") && strcmp(role, "csaf_provider") &&
                       strcmp(role, "csaf_trusted_provider")))
        bad = "role";
    else if (!json_is_array(dists) || !json_array_size(dists) || json_array_size(dists) > MAX_DISTS)
        bad = "distributions";
    else if (keys && (!json_is_array(keys) || json_array_size(keys) > MAX_KEYS))
        bad = "public_openpgp_keys";
    for (size_t i = 0; !bad && i < json_array_size(dists); i++) {
        json_t *d = json_array_get(dists, i);
        if (!json_is_object(d))
            bad = "distributions[]";
        else
            out->tlps |= dist_tlps(d);
    }
    if (!bad && !out->tlps)
        bad = "distributions (no TLP directory or feed tlp_label)";
    size_t nk = json_array_size(keys);
    if (!bad && nk && !(out->fprs = pki_calloc(nk, sizeof *out->fprs)))
        bad = "";
    for (size_t i = 0; !bad && i < nk; i++) {
        const char *f = str_member(json_array_get(keys, i), "fingerprint", 128);
        if (!f || strspn(f, "0123456789abcdefABCDEF") != strlen(f) || strlen(f) < 40) {
            bad = "public_openpgp_keys[].fingerprint";
        } else if (strlen(f) == 40) { /* longer (v5) fingerprints: GnuPG 2.2 has none */
            for (size_t k = 0; k < 40; k++)
                out->fprs[out->nfprs][k] = (char)(f[k] >= 'a' && f[k] <= 'f' ? f[k] - 32 : f[k]);
            out->fprs[out->nfprs++][40] = 0;
        }
    }
    if (!bad) {
        out->canonical_url = pki_strdup(cu);
        out->publisher = pki_strdup(pub);
        out->role = pki_strdup(role);
        if (!out->canonical_url || !out->publisher || !out->role)
            bad = "";
    }
    json_decref(j);
    if (bad) {
        pk_status st = bad[0] ? PK_E_FORMAT : PK_E_NOMEM;
        if (bad[0])
            pki_csync_err(err, errlen, "provider-metadata.json: %s missing or malformed", bad);
        pki_csync_meta_free(out);
        return st;
    }
    return PK_OK;
}

/* ---- aggregator.json ---- */

void pki_csync_aggr_free(pki_csync_aggr *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->count; i++) {
        pki_free(a->items[i].name);
        pki_free(a->items[i].url);
        pki_free(a->items[i].dir);
    }
    pki_free(a->items);
    memset(a, 0, sizeof *a);
}

/* The <folder> of ".../.well-known/csaf-aggregator/<folder>/provider-metadata.json". */
static char *mirror_dir(const char *u)
{
    static const char pre[] = "/.well-known/csaf-aggregator/", post[] = "/provider-metadata.json";
    const char *h = strstr(u, "://");
    const char *p = h ? strchr(h + 3, '/') : NULL;
    if (!p || strncmp(p, pre, sizeof pre - 1) != 0)
        return NULL;
    p += sizeof pre - 1;
    const char *e = strchr(p, '/');
    if (!e || e == p || strcmp(e, post) != 0 || e - p > (long)MAX_NAME)
        return NULL;
    for (const char *c = p; c < e; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '+' || *c == '-' || *c == '_'))
            return NULL;
    return pki_strndup(p, (size_t)(e - p));
}

pk_status pki_csync_aggr_parse(const uint8_t *b, size_t n, pki_csync_aggr *out, char *err,
                               size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_t *j = load(b, n, "aggregator.json", err, errlen);
    if (!j)
        return PK_E_FORMAT;
    json_t *ps = json_object_get(j, "csaf_providers");
    pk_status st = PK_OK;
    if (!json_is_array(ps) || json_array_size(ps) > MAX_PROVS) {
        pki_csync_err(err, errlen, "aggregator.json: csaf_providers missing or malformed");
        st = PK_E_FORMAT;
    }
    size_t cap = 0;
    for (size_t i = 0; st == PK_OK && i < json_array_size(ps); i++) {
        json_t *p = json_array_get(ps, i);
        const char *name = str_member(json_object_get(json_object_get(p, "metadata"), "publisher"),
                                      "name", MAX_NAME);
        json_t *ms = json_object_get(p, "mirrors");
        if (!json_is_object(p) || !name ||
            (ms && (!json_is_array(ms) || json_array_size(ms) > MAX_MIRRORS))) {
            pki_csync_err(err, errlen, "aggregator.json: csaf_providers[%zu] malformed", i);
            st = PK_E_FORMAT;
            break;
        }
        for (size_t k = 0; st == PK_OK && k < json_array_size(ms); k++) {
            json_t *mv = json_array_get(ms, k);
            const char *u = json_string_value(mv);
            if (!u || json_string_length(mv) > PKI_CSYNC_MAX_URL || !http_url(u) ||
                strlen(u) != json_string_length(mv)) {
                pki_csync_err(err, errlen, "aggregator.json: csaf_providers[%zu].mirrors[%zu]", i,
                              k);
                st = PK_E_FORMAT;
                break;
            }
            char *dir = mirror_dir(u);
            if (!dir)
                continue; /* not a mirror in the docs/csaf.md layout */
            if (!pki_grow((void **)&out->items, &cap, out->count + 1, sizeof *out->items)) {
                pki_free(dir);
                st = PK_E_NOMEM;
                break;
            }
            pki_csync_mirror *m = &out->items[out->count++];
            m->dir = dir;
            m->name = pki_strdup(name);
            m->url = pki_strdup(u);
            if (!m->name || !m->url)
                st = PK_E_NOMEM;
        }
    }
    json_decref(j);
    if (st != PK_OK)
        pki_csync_aggr_free(out);
    return st;
}
