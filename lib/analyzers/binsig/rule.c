/* binsig rule files: "key: value" lines, '#' comments, parsed and checked
 * once at init. A rule is rejected as a whole with "path:line: why" so a
 * broken rule fails the build's tests, never a scan silently. The format is
 * described in docs/analyzers/binsig.md. */
#include "binsig_int.h"

#include "../../core/core_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void *gmalloc(size_t n, void *ud)
{
    (void)ud;
    return pki_malloc(n);
}

static void gfree(void *p, void *ud)
{
    (void)ud;
    pki_free(p);
}

pki_bs_set *pki_bs_set_new(void)
{
    pki_bs_set *s = pki_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->gctx = pcre2_general_context_create(gmalloc, gfree, NULL);
    s->mctx = s->gctx ? pcre2_match_context_create(s->gctx) : NULL;
    s->cctx = s->gctx ? pcre2_compile_context_create(s->gctx) : NULL;
    if (!s->mctx || !s->cctx) {
        pki_bs_set_free(s);
        return NULL;
    }
    /* banners are short: a pattern needing more steps is a bad pattern, not a banner */
    pcre2_set_match_limit(s->mctx, 20000);
    pcre2_set_depth_limit(s->mctx, 1000);
    return s;
}

static void rule_free(pki_bs_rule *r)
{
    if (!r)
        return;
    pki_free(r->library);
    pki_free(r->component);
    pki_free(r->vendor);
    pki_free(r->product);
    pki_free(r->license);
    pki_free(r->known_as);
    for (size_t i = 0; i < r->npat; i++) {
        pki_free(r->pattern[i]);
        pcre2_code_free(r->re[i]);
    }
    for (size_t i = 0; i < r->ntest; i++) {
        pki_free(r->test[i].sample);
        pki_free(r->test[i].version);
    }
    pki_free(r);
}

void pki_bs_set_free(pki_bs_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        rule_free(s->rule[i]);
    pcre2_match_context_free(s->mctx);
    pcre2_compile_context_free(s->cctx);
    pcre2_general_context_free(s->gctx);
    pki_free(s);
}

/* The end-anchored match of pattern k over win, with caller's match data. */
static size_t extract(const pki_bs_set *s, const pki_bs_rule *r, size_t k, const uint8_t *win,
                      size_t wlen, pcre2_match_data *md, size_t *vstart, size_t *mstart, int *oom)
{
    if (k >= r->npat || !r->re[k] || !win || wlen == 0)
        return 0;
    size_t vl = 0;
    int rc = pcre2_match(r->re[k], win, wlen, 0, 0, md, s->mctx);
    if (rc == PCRE2_ERROR_NOMEMORY && oom)
        *oom = 1;
    if (rc >= 2) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (ov[2] != PCRE2_UNSET && ov[3] > ov[2] && ov[3] - ov[2] <= PKI_BS_MAX_VERSION &&
            ov[0] <= wlen) {
            vl = ov[3] - ov[2];
            for (size_t i = ov[2]; i < ov[3]; i++)
                if (win[i] <= 0x20 || win[i] >= 0x7f)
                    vl = 0; /* a version is printable ASCII without spaces */
            *vstart = ov[2];
            *mstart = ov[0];
        }
    }
    return vl;
}

size_t pki_bs_extract(const pki_bs_set *s, const pki_bs_rule *r, size_t k, const uint8_t *win,
                      size_t wlen, size_t *vstart, size_t *mstart, int *oom)
{
    pcre2_match_data *md = pcre2_match_data_create(2, s->gctx);
    if (!md) {
        if (oom)
            *oom = 1;
        return 0;
    }
    size_t vl = extract(s, r, k, win, wlen, md, vstart, mstart, oom);
    pcre2_match_data_free(md);
    return vl;
}

/* ---- parsing ---- */

typedef struct ctx {
    const char *path;
    unsigned line;
    char *err;
    size_t errlen;
} ctx;

static pk_status fail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static pk_status fail(ctx *c, const char *fmt, ...)
{
    if (c->err && c->errlen) {
        int n = snprintf(c->err, c->errlen, "%s:%u: ", c->path, c->line);
        if (n >= 0 && (size_t)n < c->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return PK_E_USAGE;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* C-style escapes of a test sample: \n \r \t \0 \\ \xHH. */
/* Into b, which holds at least n bytes (the result is never longer). */
static pk_status unescape(ctx *c, const char *v, size_t n, uint8_t *b, size_t *olen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] != '\\') {
            b[o++] = (uint8_t)v[i];
            continue;
        }
        if (++i >= n)
            return fail(c, "dangling '\\' at the end of the sample");
        switch (v[i]) {
        case 'n':
            b[o++] = '\n';
            break;
        case 'r':
            b[o++] = '\r';
            break;
        case 't':
            b[o++] = '\t';
            break;
        case '0':
            b[o++] = 0;
            break;
        case '\\':
            b[o++] = '\\';
            break;
        case 'x': {
            int h = i + 2 < n ? hexval(v[i + 1]) : -1, l = i + 2 < n ? hexval(v[i + 2]) : -1;
            if (h < 0 || l < 0)
                return fail(c, "\\x needs two hex digits");
            b[o++] = (uint8_t)(h * 16 + l);
            i += 2;
            break;
        }
        default:
            return fail(c, "unknown escape '\\%c' in the sample", v[i]);
        }
    }
    *olen = o;
    return PK_OK;
}

static pk_status set_once(ctx *c, char **slot, const char *key, const char *v, size_t n)
{
    if (*slot)
        return fail(c, "'%s' given twice", key);
    if (n == 0)
        return fail(c, "'%s' is empty", key);
    *slot = pki_strndup(v, n);
    return *slot ? PK_OK : PK_E_NOMEM;
}

/* 1 if the pattern's last token is the capture group (its ')' closes a '(' not
 * followed by '?'); escaped parentheses are skipped, classes are not parsed. */
static int ends_with_capture(const char *p, size_t n)
{
    if (n < 2 || p[n - 1] != ')' || p[n - 2] == '\\')
        return 0;
    int depth = 0;
    for (size_t i = n; i-- > 0;) {
        if (i > 0 && p[i - 1] == '\\')
            continue;
        if (p[i] == ')')
            depth++;
        else if (p[i] == '(' && --depth == 0)
            return i + 1 < n && p[i + 1] != '?';
    }
    return 0;
}

static pk_status add_pattern(pki_bs_set *s, pki_bs_rule *r, ctx *c, const char *v, size_t n)
{
    if (r->npat >= PKI_BS_MAX_PATTERNS)
        return fail(c, "more than %d patterns", PKI_BS_MAX_PATTERNS);
    if (n < 6)
        return fail(c, "pattern too short to be specific");
    char *p = pki_strndup(v, n);
    if (!p)
        return PK_E_NOMEM;
    /* counted now so that rule_free releases it whatever fails below */
    size_t k = r->npat++;
    r->pattern[k] = p;
    r->re[k] = NULL;
    int ec = 0;
    PCRE2_SIZE eo = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)p, n, PCRE2_ENDANCHORED, &ec, &eo, s->cctx);
    if (!re && ec == PCRE2_ERROR_HEAP_FAILED)
        return PK_E_NOMEM;
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return fail(c, "pattern does not compile at %zu: %s", (size_t)eo, (const char *)msg);
    }
    r->re[k] = re;
    uint32_t caps = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &caps);
    if (caps != 1)
        return fail(c, "pattern has %u capture groups, needs exactly one (the version)", caps);
    /* the match must end on a delimiter after the version, or the matcher
     * reports every prefix of it ("1", "1.2", "1.2.3") */
    if (ends_with_capture(p, n))
        return fail(c, "pattern ends with its capture group: end it on a delimiter");
    return PK_OK;
}

static pk_status add_test(pki_bs_set *s, pki_bs_rule *r, ctx *c, const char *v, size_t n,
                          int positive)
{
    if (r->nlines >= PKI_BS_MAX_TESTS)
        return fail(c, "more than %d test lines", PKI_BS_MAX_TESTS);
    r->nlines++;
    size_t slen = n;
    const char *ver = NULL;
    size_t vlen = 0;
    if (positive) {
        const char *arrow = NULL;
        for (size_t i = 0; i + 4 <= n; i++)
            if (memcmp(v + i, " => ", 4) == 0)
                arrow = v + i; /* the last one: a sample may contain " => " */
        if (!arrow)
            return fail(c, "test needs '<sample> => <version>'");
        slen = (size_t)(arrow - v);
        ver = arrow + 4;
        vlen = n - slen - 4;
        if (vlen == 0 || vlen > PKI_BS_MAX_VERSION)
            return fail(c, "test version empty or too long");
    }
    if (slen == 0)
        return fail(c, "test sample is empty");
    uint8_t buf[PKI_BS_MAX_LINE];
    size_t blen = 0;
    pk_status st = unescape(c, v, slen, buf, &blen);
    if (st != PK_OK)
        return st;
    r->npositive += positive != 0;
    if (!s->check_tests)
        return PK_OK;
    pki_bs_test *t = &r->test[r->ntest++];
    t->line = c->line;
    t->len = blen;
    if (!(t->sample = pki_malloc(blen ? blen : 1)))
        return PK_E_NOMEM;
    memcpy(t->sample, buf, blen);
    if (positive && !(t->version = pki_strndup(ver, vlen)))
        return PK_E_NOMEM;
    return PK_OK;
}

/* Runs a test as the analyzer would see it: every end position of the sample
 * (the matcher reports each), the end-anchored capture there; the versions
 * found must be exactly the expected one, or none for test-not. */
static pk_status check_test(pki_bs_set *s, pki_bs_rule *r, ctx *c, const pki_bs_test *t)
{
    c->line = t->line;
    int found = 0;
    pcre2_match_data *md = pcre2_match_data_create(2, s->gctx);
    if (!md)
        return PK_E_NOMEM;
    pk_status st = PK_OK;
    for (size_t k = 0; k < r->npat && st == PK_OK; k++) {
        for (size_t e = 1; e <= t->len && st == PK_OK; e++) {
            size_t from = e > PKI_BS_LOOKBACK ? e - PKI_BS_LOOKBACK : 0, vs = 0, ms = 0;
            int oom = 0;
            size_t vl = extract(s, r, k, t->sample + from, e - from, md, &vs, &ms, &oom);
            const char *got = (const char *)t->sample + from + vs;
            if (oom)
                st = PK_E_NOMEM;
            else if (!vl)
                continue;
            else if (!t->version)
                st = fail(c, "test-not sample matches pattern %zu (version '%.*s')", k + 1, (int)vl,
                          got);
            else if (strlen(t->version) != vl || memcmp(got, t->version, vl) != 0)
                st = fail(c, "pattern %zu finds version '%.*s', test expects '%s'", k + 1, (int)vl,
                          got, t->version);
            else
                found = 1;
        }
    }
    pcre2_match_data_free(md);
    if (st != PK_OK)
        return st;
    if (t->version && !found)
        return fail(c, "no pattern finds version '%s' in the sample", t->version);
    return PK_OK;
}

static int is_name(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-' ||
              v[i] == '_' || v[i] == '.' || v[i] == '+'))
            return 0;
    return n > 0;
}

static pk_status parse_line(pki_bs_set *s, pki_bs_rule *r, ctx *c, const char *l, size_t n)
{
    while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
        n--;
    size_t i = 0;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    if (i == n || l[i] == '#')
        return PK_OK;
    const char *colon = memchr(l + i, ':', n - i);
    if (!colon)
        return fail(c, "expected 'key: value'");
    size_t klen = (size_t)(colon - (l + i));
    const char *key = l + i, *v = colon + 1;
    size_t vlen = n - (size_t)(v - l);
    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    if (KEY("component")) {
        if (!is_name(v, vlen))
            return fail(c, "component must be lower-case [a-z0-9._+-]");
        return set_once(c, &r->component, "component", v, vlen);
    }
    if (KEY("vendor"))
        return set_once(c, &r->vendor, "vendor", v, vlen);
    if (KEY("product"))
        return set_once(c, &r->product, "product", v, vlen);
    if (KEY("license"))
        return set_once(c, &r->license, "license", v, vlen);
    if (KEY("known-as"))
        return set_once(c, &r->known_as, "known-as", v, vlen);
    if (KEY("confidence")) {
        if (r->confidence)
            return fail(c, "'confidence' given twice");
        unsigned x = 0;
        for (size_t j = 0; j < vlen; j++) {
            if (v[j] < '0' || v[j] > '9' || j > 2)
                return fail(c, "confidence must be 1..100");
            x = x * 10 + (unsigned)(v[j] - '0');
        }
        if (x < 1 || x > 100)
            return fail(c, "confidence must be 1..100");
        r->confidence = (uint8_t)x;
        return PK_OK;
    }
    if (KEY("pattern"))
        return add_pattern(s, r, c, v, vlen);
    if (KEY("test"))
        return add_test(s, r, c, v, vlen, 1);
    if (KEY("test-not"))
        return add_test(s, r, c, v, vlen, 0);
#undef KEY
    return fail(c, "unknown key '%.*s'", (int)(klen > 40 ? 40 : klen), key);
}

static pk_status parse(pki_bs_set *s, pki_bs_rule *r, ctx *c, const char *text, size_t len)
{
    pk_status st;
    for (size_t at = 0; at < len;) {
        c->line++;
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        if (n > PKI_BS_MAX_LINE)
            return fail(c, "line longer than %d bytes", PKI_BS_MAX_LINE);
        if (memchr(text + at, '\0', n))
            return fail(c, "NUL byte in the line");
        if ((st = parse_line(s, r, c, text + at, n)) != PK_OK)
            return st;
        at += n + 1;
    }
    c->line = 0;
    if (!r->component)
        return fail(c, "no 'component'");
    if (!r->confidence)
        return fail(c, "no 'confidence'");
    if (!r->npat)
        return fail(c, "no 'pattern'");
    if (!r->vendor != !r->product)
        return fail(c, "'vendor' and 'product' go together");
    if (!r->npositive)
        return fail(c, "no 'test' line: every rule carries an example");
    for (size_t i = 0; i < r->ntest; i++)
        if ((st = check_test(s, r, c, &r->test[i])) != PK_OK)
            return st;
    return PK_OK;
}

pk_status pki_bs_parse(pki_bs_set *s, const char *path, const char *text, size_t len, char *err,
                       size_t errlen)
{
    ctx c = {path, 0, err, errlen};
    if (s->n >= PKI_BS_MAX_RULES)
        return PK_E_LIMIT;
    /* the library name is the file's stem: binsig/<library>.rule */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    if (bl <= 5 || strcmp(base + bl - 5, ".rule") != 0 || !is_name(base, bl - 5))
        return fail(&c, "rule files are named <library>.rule, [a-z0-9._+-]");
    pki_bs_rule *r = pki_calloc(1, sizeof *r);
    if (!r)
        return PK_E_NOMEM;
    pk_status st = PK_E_NOMEM;
    if ((r->library = pki_strndup(base, bl - 5)) != NULL)
        st = parse(s, r, &c, text, len);
    if (st != PK_OK) {
        rule_free(r);
        return st;
    }
    s->rule[s->n++] = r;
    return PK_OK;
}
