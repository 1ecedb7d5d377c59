/* The cryptographic policy table (rules/crypto-policy.tsv): a strict parser
 * and the judgement of one algorithm use as of a date. The table is small (a
 * few hundred rows), so lookups scan it; names are compared normalised
 * (ASCII lower case, without ' ', '-' and '_') so "SHA256", "sha-256" and
 * "SHA-256" are one name. */
#include "policy_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/core_int.h"
#include "../core/rulefiles.h"

#define NCOLS 10

typedef struct cpol_alias {
    const char *name;
    char key[PKI_CPOL_MAX_NAME + 1];
    const char *target; /* the algorithm written in the alias line */
    size_t row;         /* first row of the target, after resolution */
    int bits;           /* implied size, -1 none */
    int line;
} cpol_alias;

struct pki_cryptopol {
    char *buf; /* the table text, split in place; rows point into it */
    pki_cryptopol_row *rows;
    char (*keys)[PKI_CPOL_MAX_NAME + 1]; /* normalised algorithm name per row */
    size_t nrows, rows_cap, keys_cap;
    cpol_alias *aliases;
    size_t naliases, aliases_cap;
    const char *version, *date;
};

/* Usage names, the SFR each concerns, and the words for the reason line. */
static const struct {
    const char *name, *sfr, *words;
} usages[] = {
    {"encryption", "FCS_COP.1", "for encryption"},
    {"decryption", "FCS_COP.1", "for decryption"},
    {"signature-generation", "FCS_COP.1", "for signature generation"},
    {"signature-verification", "FCS_COP.1", "for signature verification"},
    {"key-generation", "FCS_CKM.1", "for key generation"},
    {"key-agreement", "FCS_CKM.2", "for key agreement"},
    {"key-transport", "FCS_CKM.2", "for key transport"},
    {"key-wrap", "FCS_COP.1", "for key wrapping"},
    {"hash", "FCS_COP.1", "for hashing"},
    {"mac-generation", "FCS_COP.1", "for MAC generation"},
    {"mac-verification", "FCS_COP.1", "for MAC verification"},
    {"kdf", "FCS_CKM.5", "for key derivation"},
    {"rng", "FCS_RBG_EXT.1", "for random bit generation"},
    {"protocol", "FCS_TLSC_EXT.1", "as a protocol version"},
};
#define NUSAGES (sizeof usages / sizeof usages[0])

static const char *const status_names[] = {"unknown",    "approved",     "deprecated", "disallowed",
                                           "legacy-use", "not-approved", "national"};

const char *pki_cryptopol_status_name(pki_cpol_status s)
{
    return (unsigned)s < sizeof status_names / sizeof status_names[0] ? status_names[s] : "unknown";
}

static int usage_index(const char *u)
{
    for (size_t i = 0; i < NUSAGES; i++)
        if (strcmp(u, usages[i].name) == 0)
            return (int)i;
    return -1;
}

/* Normalised name of s[0..n) into key (PKI_CPOL_MAX_NAME + 1 bytes). Returns
 * its length, or 0 when it is empty or too long. */
static size_t normalise(const char *s, size_t n, char *key)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '-' || c == '_')
            continue;
        if (o == PKI_CPOL_MAX_NAME)
            return 0;
        key[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    key[o] = 0;
    return o;
}

int pki_cryptopol_date_valid(const char *s)
{
    static const int dim[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int v[3] = {0, 0, 0};
    static const int at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < len[f]; i++) {
            char c = s[at[f] + i];
            if (c < '0' || c > '9')
                return 0;
            v[f] = v[f] * 10 + (c - '0');
        }
    if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > dim[v[1] - 1])
        return 0;
    int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    return !(v[1] == 2 && v[2] == 29 && !leap);
}

/* ---- parsing ---- */

typedef struct pctx {
    const char *name;
    char *err;
    size_t errcap;
    int line;
} pctx;

static pk_status fail(pctx *c, pk_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pk_status fail(pctx *c, pk_status st, const char *fmt, ...)
{
    if (c->err && c->errcap) {
        /* line 0: the whole table */
        int n = c->line > 0 ? snprintf(c->err, c->errcap, "%s:%d: ", c->name, c->line)
                            : snprintf(c->err, c->errcap, "%s: ", c->name);
        if (n >= 0 && (size_t)n < c->errcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

/* A decimal 0..PKI_CPOL_MAX_BITS of exactly s[0..n); -1 if it is not one. */
static int parse_num(const char *s, size_t n)
{
    if (n == 0 || n > 7)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= PKI_CPOL_MAX_BITS ? v : -1;
}

/* "*", "N", "N..", "..M" or "N..M". An open lower bound is 0, an open upper
 * bound -1; "*" is -1, -1. */
static int parse_range(const char *s, int *lo, int *hi)
{
    if (strcmp(s, "*") == 0) {
        *lo = *hi = -1;
        return 1;
    }
    const char *dots = strstr(s, "..");
    if (!dots) {
        *lo = *hi = parse_num(s, strlen(s));
        return *lo >= 0;
    }
    size_t ln = (size_t)(dots - s), rn = strlen(dots + 2);
    if (!ln && !rn)
        return 0;
    *lo = ln ? parse_num(s, ln) : 0;
    *hi = rn ? parse_num(dots + 2, rn) : -1;
    if (*lo < 0 || (rn && *hi < 0))
        return 0;
    return *hi < 0 || *lo <= *hi;
}

/* "FCS_XXX.N" or "FCS_XXX_EXT.N", comma-separated. */
static int valid_sfr(const char *s)
{
    while (*s) {
        if (strncmp(s, "FCS_", 4) != 0)
            return 0;
        s += 4;
        size_t n = 0;
        while ((*s >= 'A' && *s <= 'Z') || *s == '_')
            s++, n++;
        if (!n || *s++ != '.' || *s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
        if (*s == ',')
            s++;
        else if (*s)
            return 0;
    }
    return 1;
}

static pki_cpol_status parse_status(const char *s)
{
    for (unsigned i = PKI_CPOL_APPROVED; i <= PKI_CPOL_NATIONAL; i++)
        if (strcmp(s, status_names[i]) == 0)
            return (pki_cpol_status)i;
    return PKI_CPOL_UNKNOWN;
}

/* A header comment: "# version: x", "# date: x", "# source: x". */
static pk_status header_line(pki_cryptopol *p, pctx *c, char *l)
{
    static const char *const keys[] = {"# version:", "# date:", "# source:"};
    for (int k = 0; k < 3; k++) {
        size_t kn = strlen(keys[k]);
        if (strncmp(l, keys[k], kn) != 0)
            continue;
        char *v = l + kn;
        while (*v == ' ')
            v++;
        size_t vn = strlen(v);
        while (vn && v[vn - 1] == ' ')
            v[--vn] = 0;
        if (!vn)
            return fail(c, PK_E_FORMAT, "empty %s header", keys[k] + 2);
        if (k == 0) {
            if (p->version)
                return fail(c, PK_E_FORMAT, "a second version: header");
            p->version = v;
        } else if (k == 1) {
            if (p->date)
                return fail(c, PK_E_FORMAT, "a second date: header");
            if (!pki_cryptopol_date_valid(v))
                return fail(c, PK_E_FORMAT, "date: header '%s' is not YYYY-MM-DD", v);
            p->date = v;
        }
        return PK_OK;
    }
    return PK_OK; /* other comments */
}

static pk_status date_col(pctx *c, const char *s, char out[11], const char *what)
{
    out[0] = 0;
    if (strcmp(s, "-") == 0)
        return PK_OK;
    if (!pki_cryptopol_date_valid(s))
        return fail(c, PK_E_FORMAT, "%s date '%s' is not YYYY-MM-DD", what, s);
    memcpy(out, s, 11);
    return PK_OK;
}

static pk_status row_line(pki_cryptopol *p, pctx *c, char **f)
{
    if (p->nrows >= PKI_CPOL_MAX_ROWS)
        return fail(c, PK_E_LIMIT, "more than %u rows", PKI_CPOL_MAX_ROWS);
    if (!pki_grow((void **)&p->rows, &p->rows_cap, p->nrows + 1, sizeof *p->rows))
        return PK_E_NOMEM;
    if (p->keys_cap < p->rows_cap) { /* keys grow with rows */
        void *k = pki_realloc(p->keys, p->rows_cap * sizeof *p->keys);
        if (!k)
            return PK_E_NOMEM;
        p->keys = k;
        p->keys_cap = p->rows_cap;
    }
    pki_cryptopol_row *r = &p->rows[p->nrows];
    memset(r, 0, sizeof *r);
    r->line = c->line;
    r->algorithm = f[0];
    if (!normalise(f[0], strlen(f[0]), p->keys[p->nrows]))
        return fail(c, PK_E_FORMAT, "algorithm name empty or longer than %u", PKI_CPOL_MAX_NAME);
    r->family = strcmp(f[1], "-") == 0 ? NULL : f[1];
    r->usage = strcmp(f[2], "*") == 0 ? NULL : f[2];
    if (r->usage && usage_index(r->usage) < 0)
        return fail(c, PK_E_FORMAT, "unknown usage '%s'", f[2]);
    if (!parse_range(f[3], &r->bits_min, &r->bits_max))
        return fail(c, PK_E_FORMAT, "bits '%s' is not *, N, N.., ..M or N..M", f[3]);
    r->status = parse_status(f[4]);
    if (r->status == PKI_CPOL_UNKNOWN)
        return fail(c, PK_E_FORMAT, "unknown status '%s'", f[4]);
    pk_status st = date_col(c, f[5], r->deprecated_from, "deprecated-from");
    if (st == PK_OK)
        st = date_col(c, f[6], r->disallowed_from, "disallowed-from");
    if (st != PK_OK)
        return st;
    int dep = r->deprecated_from[0] != 0, dis = r->disallowed_from[0] != 0;
    if (dep && r->status != PKI_CPOL_APPROVED)
        return fail(c, PK_E_FORMAT, "only an approved row has a deprecated-from date");
    if (dis && r->status != PKI_CPOL_APPROVED && r->status != PKI_CPOL_DEPRECATED)
        return fail(c, PK_E_FORMAT, "a %s row has no transition dates", f[4]);
    if (dep && dis && strcmp(r->deprecated_from, r->disallowed_from) >= 0)
        return fail(c, PK_E_FORMAT, "deprecated-from is not before disallowed-from");
    if (strcmp(f[7], "-") == 0)
        return fail(c, PK_E_FORMAT, "no citation");
    r->citation = f[7];
    if (!valid_sfr(f[8]))
        return fail(c, PK_E_FORMAT, "SFR '%s' is not FCS_<component>.<n>[,...]", f[8]);
    r->sfr = f[8];
    r->note = strcmp(f[9], "-") == 0 ? NULL : f[9];
    for (size_t i = 0; i < p->nrows; i++) {
        const pki_cryptopol_row *o = &p->rows[i];
        if (strcmp(p->keys[i], p->keys[p->nrows]) == 0 &&
            (o->usage == r->usage || (o->usage && r->usage && !strcmp(o->usage, r->usage))) &&
            o->bits_min == r->bits_min && o->bits_max == r->bits_max)
            return fail(c, PK_E_FORMAT, "same algorithm, usage and bits as line %d", o->line);
    }
    p->nrows++;
    return PK_OK;
}

static pk_status alias_line(pki_cryptopol *p, pctx *c, char **f)
{
    if (p->naliases >= PKI_CPOL_MAX_ROWS)
        return fail(c, PK_E_LIMIT, "more than %u aliases", PKI_CPOL_MAX_ROWS);
    if (!pki_grow((void **)&p->aliases, &p->aliases_cap, p->naliases + 1, sizeof *p->aliases))
        return PK_E_NOMEM;
    cpol_alias *a = &p->aliases[p->naliases];
    memset(a, 0, sizeof *a);
    a->name = f[1];
    a->target = f[2];
    a->line = c->line;
    if (!normalise(f[1], strlen(f[1]), a->key))
        return fail(c, PK_E_FORMAT, "alias name empty or longer than %u", PKI_CPOL_MAX_NAME);
    a->bits = -1;
    if (strcmp(f[3], "-") != 0 && (a->bits = parse_num(f[3], strlen(f[3]))) < 0)
        return fail(c, PK_E_FORMAT, "alias bits '%s' is not - or a number", f[3]);
    p->naliases++;
    return PK_OK;
}

/* First row whose normalised name is key; nrows if none. */
static size_t row_of(const pki_cryptopol *p, const char *key)
{
    size_t i = 0;
    while (i < p->nrows && strcmp(p->keys[i], key) != 0)
        i++;
    return i;
}

static pk_status resolve_aliases(pki_cryptopol *p, pctx *c)
{
    for (size_t i = 0; i < p->naliases; i++) {
        cpol_alias *a = &p->aliases[i];
        char key[PKI_CPOL_MAX_NAME + 1];
        c->line = a->line;
        if (row_of(p, a->key) < p->nrows)
            return fail(c, PK_E_FORMAT, "alias '%s' is already an algorithm", a->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->aliases[j].key, a->key) == 0)
                return fail(c, PK_E_FORMAT, "alias '%s' repeats line %d", a->name,
                            p->aliases[j].line);
        if (!normalise(a->target, strlen(a->target), key) || (a->row = row_of(p, key)) >= p->nrows)
            return fail(c, PK_E_FORMAT, "alias of unknown algorithm '%s'", a->target);
    }
    return PK_OK;
}

/* Splits line l at tabs into f[0..max); returns the field count (max + 1 if more). */
static int split(char *l, char **f, int max)
{
    int n = 0;
    for (;;) {
        if (n == max)
            return max + 1;
        f[n++] = l;
        char *t = strchr(l, '\t');
        if (!t)
            return n;
        *t = 0;
        l = t + 1;
    }
}

static pk_status parse_lines(pki_cryptopol *p, pctx *c, size_t len)
{
    char *l = p->buf, *end = p->buf + len;
    for (c->line = 1; l < end; c->line++) {
        char *nl = memchr(l, '\n', (size_t)(end - l));
        char *le = nl ? nl : end;
        *le = 0;
        if (le > l && le[-1] == '\r')
            le[-1] = 0;
        pk_status st = PK_OK;
        if (*l == '#') {
            st = header_line(p, c, l);
        } else if (*l) {
            char *f[NCOLS];
            int n = split(l, f, NCOLS);
            for (int i = 0; i < n && i < NCOLS; i++)
                if (!*f[i])
                    return fail(c, PK_E_FORMAT, "column %d is empty (write - or *)", i + 1);
            if (strcmp(f[0], "@alias") == 0)
                st = n == 4 ? alias_line(p, c, f)
                            : fail(c, PK_E_FORMAT, "an @alias line has 4 columns, not %d", n);
            else
                st = n == NCOLS ? row_line(p, c, f)
                                : fail(c, PK_E_FORMAT, "%s%d columns, want %d",
                                       n > NCOLS ? "more than " : "", n > NCOLS ? NCOLS : n, NCOLS);
        }
        if (st != PK_OK)
            return st;
        l = le + 1;
    }
    c->line = 0;
    if (!p->version)
        return fail(c, PK_E_FORMAT, "no '# version:' header");
    if (!p->nrows)
        return fail(c, PK_E_FORMAT, "no rows");
    return resolve_aliases(p, c);
}

void pki_cryptopol_free(pki_cryptopol *p)
{
    if (!p)
        return;
    pki_free(p->buf);
    pki_free(p->rows);
    pki_free(p->keys);
    pki_free(p->aliases);
    pki_free(p);
}

pk_status pki_cryptopol_parse(const char *text, size_t len, const char *name, pki_cryptopol **out,
                              char *err, size_t errcap)
{
    pctx c = {name ? name : "policy", err, errcap, 0};
    if (err && errcap)
        err[0] = 0;
    if (!out || (!text && len))
        return PK_E_MISUSE;
    *out = NULL;
    if (len > PKI_CPOL_MAX_BYTES)
        return fail(&c, PK_E_LIMIT, "larger than %u bytes", PKI_CPOL_MAX_BYTES);
    if (len && memchr(text, 0, len))
        return fail(&c, PK_E_FORMAT, "a NUL byte in the table");
    pki_cryptopol *p = pki_calloc(1, sizeof *p);
    if (!p || !(p->buf = pki_malloc(len + 1))) {
        pki_free(p);
        return PK_E_NOMEM;
    }
    if (len)
        memcpy(p->buf, text, len);
    p->buf[len] = 0;
    /* "# source:" is required; header_line accepts it anywhere in the comments. */
    int has_source = 0;
    for (const char *s = p->buf; (s = strstr(s, "# source:")) != NULL; s++)
        if (s == p->buf || s[-1] == '\n') {
            has_source = 1;
            break;
        }
    pk_status st = parse_lines(p, &c, len);
    if (st == PK_OK && !has_source) {
        c.line = 0;
        st = fail(&c, PK_E_FORMAT, "no '# source:' header");
    }
    if (st != PK_OK) {
        pki_cryptopol_free(p);
        return st;
    }
    *out = p;
    return PK_OK;
}

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static pki_cryptopol *builtin_pol;
static pk_status builtin_st;
static char builtin_err[256];

static void builtin_load(void)
{
    const pki_rulefile *rf = pki_rulefile_get("crypto-policy.tsv");
    if (!rf) {
        builtin_st = PK_E_INTERNAL;
        snprintf(builtin_err, sizeof builtin_err, "crypto-policy.tsv is not embedded");
        return;
    }
    builtin_st = pki_cryptopol_parse((const char *)rf->data, rf->len, "crypto-policy.tsv",
                                     &builtin_pol, builtin_err, sizeof builtin_err);
}

pk_status pki_cryptopol_builtin(const pki_cryptopol **out, char *err, size_t errcap)
{
    if (!out)
        return PK_E_MISUSE;
    pthread_once(&builtin_once, builtin_load);
    *out = builtin_pol;
    if (builtin_st != PK_OK && err && errcap)
        snprintf(err, errcap, "%s", builtin_err);
    return builtin_st;
}

const char *pki_cryptopol_version(const pki_cryptopol *p)
{
    return p && p->version ? p->version : "";
}

const char *pki_cryptopol_date(const pki_cryptopol *p)
{
    return p && p->date ? p->date : "";
}

const pki_cryptopol_row *pki_cryptopol_rows(const pki_cryptopol *p, size_t *n)
{
    if (n)
        *n = p ? p->nrows : 0;
    return p ? p->rows : NULL;
}

/* ---- judging ---- */

/* The row index for a name (an algorithm or an alias), nrows if none; *bits
 * gets an alias's implied size. */
static size_t lookup(const pki_cryptopol *p, const char *s, size_t n, int *bits)
{
    char key[PKI_CPOL_MAX_NAME + 1];
    if (!normalise(s, n, key))
        return p->nrows;
    size_t r = row_of(p, key);
    if (r < p->nrows)
        return r;
    for (size_t i = 0; i < p->naliases; i++)
        if (strcmp(p->aliases[i].key, key) == 0) {
            if (p->aliases[i].bits >= 0)
                *bits = p->aliases[i].bits;
            return p->aliases[i].row;
        }
    return p->nrows;
}

/* The name as given; else without its first all-digit '-' token ("AES-128-GCM"
 * -> "AES-GCM", 128); else the part before that token ("CAMELLIA-256-CBC" ->
 * "CAMELLIA", 256); else the name with trailing '-' tokens dropped one by one
 * ("Blowfish-ECB" -> "Blowfish", "RC4-HMAC-MD5" -> "RC4"), size unknown. */
static size_t resolve(const pki_cryptopol *p, const char *alg, int *bits)
{
    size_t n = strlen(alg);
    size_t r = lookup(p, alg, n, bits);
    if (r < p->nrows || n > 255)
        return r;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && alg[j] != '-')
            j++;
        int v = parse_num(alg + i, j - i);
        if (v >= 0 && i > 0) {
            char tmp[256];
            size_t o = i - 1; /* drop "-<digits>" */
            memcpy(tmp, alg, o);
            memcpy(tmp + o, alg + j, n - j);
            o += n - j;
            int ab = -1;
            if ((r = lookup(p, tmp, o, &ab)) < p->nrows ||
                (r = lookup(p, alg, i - 1, &ab)) < p->nrows) {
                *bits = v;
                return r;
            }
            break;
        }
        i = j + 1;
    }
    for (size_t k = n; k > 0; k--)
        if (alg[k - 1] == '-' && k > 1 && (r = lookup(p, alg, k - 1, bits)) < p->nrows)
            return r;
    return p->nrows;
}

/* bits is known and within r's range (an any-size row contains every size). */
static int bits_in(const pki_cryptopol_row *r, int bits)
{
    if (r->bits_min == -1 && r->bits_max == -1)
        return 1;
    return bits >= 0 && bits >= r->bits_min && (r->bits_max < 0 || bits <= r->bits_max);
}

static int row_matches(const pki_cryptopol_row *r, int u, int bits)
{
    if (r->usage && (u < 0 || strcmp(r->usage, usages[u].name) != 0))
        return 0;
    return bits_in(r, bits);
}

static void today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        snprintf(out, 11, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) != 10)
        memcpy(out, "1970-01-01", 11);
}

/* Picks the SFR of usage u from the row's comma list, else the whole list. */
static void pick_sfr(const pki_cryptopol_row *r, int u, char *out, size_t cap)
{
    if (u >= 0) {
        const char *want = usages[u].sfr, *s = r->sfr;
        size_t wn = strlen(want);
        while ((s = strstr(s, want)) != NULL) {
            if ((s == r->sfr || s[-1] == ',') && (s[wn] == ',' || s[wn] == 0)) {
                snprintf(out, cap, "%s", want);
                return;
            }
            s += wn;
        }
    }
    snprintf(out, cap, "%s", r->sfr);
}

/* Appends to the reason; keeps what fits. */
static void add(pki_cryptopol_verdict *v, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(pki_cryptopol_verdict *v, size_t *o, const char *fmt, ...)
{
    if (*o >= sizeof v->reason - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(v->reason + *o, sizeof v->reason - *o, fmt, ap);
    va_end(ap);
    if (n > 0)
        *o = *o + (size_t)n < sizeof v->reason ? *o + (size_t)n : sizeof v->reason - 1;
}

static void status_at(const pki_cryptopol_row *r, const char *date, pki_cryptopol_verdict *v)
{
    if (r->disallowed_from[0] && strcmp(date, r->disallowed_from) >= 0) {
        v->status = PKI_CPOL_DISALLOWED;
        memcpy(v->since, r->disallowed_from, 11);
    } else if (r->deprecated_from[0] && strcmp(date, r->deprecated_from) >= 0) {
        v->status = PKI_CPOL_DEPRECATED;
        memcpy(v->since, r->deprecated_from, 11);
        memcpy(v->until, r->disallowed_from, 11);
    } else {
        v->status = r->status;
        memcpy(v->until, r->deprecated_from[0] ? r->deprecated_from : r->disallowed_from, 11);
    }
}

static void reason(const pki_cryptopol *p, const char *alg, int u, int given_bits,
                   pki_cryptopol_verdict *v)
{
    size_t o = 0;
    char num[16] = "";
    if (given_bits >= 0)
        snprintf(num, sizeof num, "%d", given_bits);
    add(v, &o, "%.100s", alg);
    if (num[0] && !strstr(alg, num))
        add(v, &o, "-%s", num);
    if (u >= 0)
        add(v, &o, " %s", usages[u].words);
    const pki_cryptopol_row *r = v->row;
    if (!r) {
        add(v, &o, " has no entry in the crypto policy (version %s)", pki_cryptopol_version(p));
        return;
    }
    switch (v->status) {
    case PKI_CPOL_APPROVED:
        add(v, &o, " is approved");
        if (r->deprecated_from[0])
            add(v, &o, "; deprecated from %s", r->deprecated_from);
        if (r->disallowed_from[0])
            add(v, &o, "; disallowed from %s", r->disallowed_from);
        break;
    case PKI_CPOL_DEPRECATED:
        add(v, &o, " is deprecated");
        if (v->since[0])
            add(v, &o, " since %s", v->since);
        if (v->until[0])
            add(v, &o, "; disallowed from %s", v->until);
        break;
    case PKI_CPOL_DISALLOWED:
        add(v, &o, " is disallowed");
        if (v->since[0])
            add(v, &o, " since %s", v->since);
        break;
    case PKI_CPOL_LEGACY_USE:
        add(v, &o, " is allowed for legacy use only");
        break;
    case PKI_CPOL_NOT_APPROVED:
        add(v, &o, " is not approved");
        break;
    case PKI_CPOL_NATIONAL:
        add(v, &o, " is not FIPS-approved (a national standard)");
        break;
    case PKI_CPOL_UNKNOWN:
        break;
    }
    add(v, &o, " (%s)", r->citation);
    if (v->ambiguous)
        add(v, &o, "; %s unknown%s%s",
            v->ambiguous == (PKI_CPOL_AMBIG_USAGE | PKI_CPOL_AMBIG_BITS) ? "usage and size"
            : v->ambiguous == PKI_CPOL_AMBIG_USAGE                       ? "usage"
                                                                         : "size",
            r->note ? ": " : "", r->note ? r->note : "");
}

pk_status pki_cryptopol_judge(const pki_cryptopol *p, const char *algorithm, const char *usage,
                              int param_bits, const char *date, pki_cryptopol_verdict *out)
{
    if (!out)
        return PK_E_MISUSE;
    memset(out, 0, sizeof *out);
    if (!p || !algorithm) {
        snprintf(out->reason, sizeof out->reason, "no policy or no algorithm");
        return PK_E_MISUSE;
    }
    char now[11];
    if (!date) {
        today(now);
        date = now;
    } else if (!pki_cryptopol_date_valid(date)) {
        snprintf(out->reason, sizeof out->reason, "policy date '%.40s' is not YYYY-MM-DD", date);
        return PK_E_USAGE;
    }
    int u = -1;
    if (usage && (u = usage_index(usage)) < 0) {
        snprintf(out->reason, sizeof out->reason, "unknown crypto usage '%.40s'", usage);
        return PK_E_USAGE;
    }
    if (param_bits < -1)
        param_bits = -1;
    int bits = -1;
    size_t first = resolve(p, algorithm, &bits);
    if (param_bits >= 0)
        bits = param_bits;
    /* The first matching row decides. A row before it that only a missing
     * input ruled out makes the verdict ambiguous: with that input known, the
     * row might have decided instead. */
    for (size_t i = first; i < p->nrows && !out->row; i++) {
        const pki_cryptopol_row *r = &p->rows[i];
        if (strcmp(p->keys[i], p->keys[first]) != 0)
            continue;
        if (row_matches(r, u, bits)) {
            out->row = r;
            break;
        }
        int bounded = !(r->bits_min == -1 && r->bits_max == -1);
        int usage_ok = !r->usage || u < 0 || strcmp(r->usage, usages[u].name) == 0;
        if (u < 0 && r->usage && (!bounded || bits < 0 || bits_in(r, bits)))
            out->ambiguous |= PKI_CPOL_AMBIG_USAGE;
        if (bits < 0 && bounded && usage_ok)
            out->ambiguous |= PKI_CPOL_AMBIG_BITS;
    }
    if (out->row) {
        status_at(out->row, date, out);
        pick_sfr(out->row, u, out->sfr, sizeof out->sfr);
    } else {
        out->ambiguous = 0;
    }
    reason(p, algorithm, u, param_bits, out);
    return PK_OK;
}
