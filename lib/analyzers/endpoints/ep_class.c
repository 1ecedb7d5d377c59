/* endpoints: the classifier. Rules are data (the rules/endpoints/ .tsv files, one rule
 * a line: class, kind, value, reason); host names are checked against the
 * public-suffix list through libpsl (psl_latest: the newer of libpsl's
 * built-in list and Debian's /usr/share/publicsuffix/public_suffix_list.dafsa).
 * Built once at init, read-only afterwards. */
#include "endpoints_int.h"

#include "../../core/core_int.h"
#include "../../core/rulefiles.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_HOST, K_IP, K_GLOB, K_LABEL, K_PATH, K_HOSTPATH, K_KEY, K_TLDEXT };

typedef struct rule {
    uint32_t cls;
    uint8_t kind;
    const char *value; /* host, ip, glob, label, path, key; for hostpath the host */
    const char *path;  /* hostpath: the path prefix */
    const char *reason;
    size_t ord; /* line order across files: ties keep it, so reasons are stable */
} rule;

struct pki_ep_rules {
    psl_ctx_t *psl;
    int psl_owned; /* psl_latest's context is ours to free, psl_builtin's is not */
    rule *r;       /* K_HOST and K_IP rules first, sorted by value; then the others */
    size_t n, nsorted, cap;
    char *text; /* the rule files' strings */
};

static const char *const CLASS_NAMES[PKI_EPC_COUNT] = {
    "telemetry", "update",    "cloud-storage", "paste",       "ddns",  "package-feed",
    "raw-ip",    "plaintext", "documentation", "sdk-tracker", "local", "private",
};

const char *pki_ep_class_name(unsigned i)
{
    return i < PKI_EPC_COUNT ? CLASS_NAMES[i] : "";
}

uint32_t pki_ep_class_bit(const char *name, size_t n)
{
    for (unsigned i = 0; i < PKI_EPC_COUNT; i++)
        if (strlen(CLASS_NAMES[i]) == n && memcmp(CLASS_NAMES[i], name, n) == 0)
            return 1u << i;
    return 0;
}

static int kind_of(const char *s, size_t n)
{
    static const char *const K[] = {"host", "ip",       "hostglob", "label",
                                    "path", "hostpath", "key",      "tldext"};
    for (int i = 0; i < (int)(sizeof K / sizeof K[0]); i++)
        if (strlen(K[i]) == n && memcmp(K[i], s, n) == 0)
            return i;
    return -1;
}

/* Splits one line into 4 tab-separated fields (in place). */
static int fields(char *line, char *f[4])
{
    for (int i = 0; i < 4; i++) {
        f[i] = line;
        char *tab = i < 3 ? strchr(line, '\t') : NULL;
        if (i < 3 && !tab)
            return 0;
        if (tab) {
            *tab = 0;
            line = tab + 1;
        }
    }
    return 1;
}

static int add_line(pki_ep_rules *r, char *line, const char *file, size_t lineno, char *err,
                    size_t errlen)
{
    char *f[4];
    if (!fields(line, f)) {
        snprintf(err, errlen, "endpoints: %s:%zu: want 4 tab-separated fields", file, lineno);
        return -1;
    }
    uint32_t cls = pki_ep_class_bit(f[0], strlen(f[0]));
    int k = kind_of(f[1], strlen(f[1]));
    if ((!cls && k != K_TLDEXT) || k < 0 || !*f[2]) {
        snprintf(err, errlen, "endpoints: %s:%zu: unknown class or kind", file, lineno);
        return -1;
    }
    if (!pki_grow((void **)&r->r, &r->cap, r->n + 1, sizeof(rule))) {
        snprintf(err, errlen, "endpoints: out of memory");
        return -1;
    }
    rule *x = &r->r[r->n++];
    x->cls = cls;
    x->kind = (uint8_t)k;
    x->value = f[2];
    x->path = NULL;
    x->reason = f[3];
    x->ord = r->n;
    if (k == K_HOSTPATH) {
        char *sl = strchr(f[2], '/');
        if (!sl) {
            snprintf(err, errlen, "endpoints: %s:%zu: hostpath wants host/path", file, lineno);
            return -1;
        }
        x->path = sl + 1;
        *sl = 0;
    }
    return 0;
}

typedef struct lctx {
    pki_ep_rules *r;
    size_t total;
    char *err;
    size_t errlen;
    int pass; /* 0: measure, 1: copy and parse */
} lctx;

static int load_file(const pki_rulefile *rf, void *vx)
{
    lctx *x = vx;
    size_t tl = strlen(rf->path);
    if (tl < 4 || strcmp(rf->path + tl - 4, ".tsv") != 0)
        return 0;
    if (x->pass == 0) {
        x->total += rf->len + 1;
        return 0;
    }
    char *p = x->r->text + x->total;
    memcpy(p, rf->data, rf->len);
    p[rf->len] = 0;
    x->total += rf->len + 1;
    size_t lineno = 0;
    for (char *line = p; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        lineno++;
        if (*line && *line != '#' && add_line(x->r, line, rf->path, lineno, x->err, x->errlen))
            return -1;
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

static int by_kind_value(const void *a, const void *b)
{
    const rule *x = a, *y = b;
    int kx = x->kind == K_HOST || x->kind == K_IP ? 0 : 1;
    int ky = y->kind == K_HOST || y->kind == K_IP ? 0 : 1;
    int c = kx != ky ? kx - ky : kx ? 0 : strcmp(x->value, y->value);
    return c ? c : (x->ord > y->ord) - (x->ord < y->ord);
}

pki_ep_rules *pki_ep_rules_load(char *err, size_t errlen)
{
    pki_ep_rules *r = pki_calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "endpoints: out of memory");
        return NULL;
    }
    lctx x = {r, 0, err, errlen, 0};
    pki_rulefiles_each("endpoints/", load_file, &x);
    r->text = pki_malloc(x.total + 1);
    if (!r->text) {
        snprintf(err, errlen, "endpoints: out of memory");
        pki_ep_rules_free(r);
        return NULL;
    }
    x.total = 0;
    x.pass = 1;
    if (pki_rulefiles_each("endpoints/", load_file, &x)) {
        pki_ep_rules_free(r);
        return NULL;
    }
    if (r->n == 0) {
        snprintf(err, errlen, "endpoints: no rules in rules/endpoints/");
        pki_ep_rules_free(r);
        return NULL;
    }
    qsort(r->r, r->n, sizeof(rule), by_kind_value);
    while (r->nsorted < r->n && (r->r[r->nsorted].kind == K_HOST || r->r[r->nsorted].kind == K_IP))
        r->nsorted++;
    r->psl = psl_latest(NULL);
    r->psl_owned = r->psl != NULL;
    if (!r->psl)
        r->psl = (psl_ctx_t *)psl_builtin();
    if (!r->psl) {
        snprintf(err, errlen, "endpoints: libpsl has no public-suffix list");
        pki_ep_rules_free(r);
        return NULL;
    }
    return r;
}

void pki_ep_rules_free(pki_ep_rules *r)
{
    if (!r)
        return;
    if (r->psl_owned)
        psl_free(r->psl);
    pki_free(r->r);
    pki_free(r->text);
    pki_free(r);
}

/* ---- host names ---- */

static int tldext(const pki_ep_rules *r, const char *tld)
{
    for (size_t i = r->nsorted; i < r->n; i++)
        if (r->r[i].kind == K_TLDEXT && strcmp(r->r[i].value, tld) == 0)
            return 1;
    return 0;
}

static int known_host(const pki_ep_rules *r, const char *host);

/* Noise rules for a host seen without a scheme or '@' (measured on Debian's
 * /usr/bin, /usr/lib and /usr/share/doc: "user.name", "multi-user.target",
 * "namet.ads", "format.to" are identifiers and files): a host a rule names
 * is kept; otherwise the TLD must be a classic generic one (any registrable
 * domain) or a country code that is not a file extension, with at least one
 * label before the registrable domain ("www.test.de", not "format.to"). */
static int bare_ok(const pki_ep_rules *r, const char *host, const char *tld)
{
    static const char *const CLASSIC[] = {"com", "net", "org", "edu", "gov", "mil", "int", "biz"};
    if (known_host(r, host))
        return 1;
    for (size_t i = 0; i < sizeof CLASSIC / sizeof CLASSIC[0]; i++)
        if (strcmp(tld, CLASSIC[i]) == 0)
            return 1;
    if (strlen(tld) != 2 || tldext(r, tld))
        return 0;
    char dom[PKI_EP_HOST_MAX + 1];
    pki_ep_domain(r, host, dom, sizeof dom);
    return dom[0] && strcmp(dom, host) != 0;
}

int pki_ep_host_valid(const pki_ep_rules *r, const char *host, int bare)
{
    size_t n = strlen(host);
    if (n < 3 || n > PKI_EP_HOST_MAX)
        return 0;
    /* labels of 1..63 letters, digits, '-' (and '_' in URLs: service names) */
    size_t ll = 0;
    const char *tld = host;
    for (size_t i = 0; i <= n; i++) {
        char c = host[i];
        if (c == '.' || c == 0) {
            if (ll == 0 || ll > 63 || host[i - 1] == '-' || host[i - ll] == '-')
                return 0;
            if (c == '.')
                tld = host + i + 1;
            ll = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (!bare && c == '_')))
            return 0;
        ll++;
    }
    if (tld == host)
        return 0; /* one label */
    int digits = 1;
    for (const char *p = tld; *p; p++)
        digits &= *p >= '0' && *p <= '9';
    if (digits)
        return 0;
    if (!psl_is_public_suffix2(r->psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
        return 0;
    if (psl_is_public_suffix2(r->psl, host, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
        return 0; /* "co.uk" alone names no one */
    if (!bare)
        return 1;
    return bare_ok(r, host, tld);
}

void pki_ep_domain(const pki_ep_rules *r, const char *host, char *out, size_t outlen)
{
    out[0] = 0;
    /* the longest ICANN public suffix, then one label more */
    const char *prev = NULL;
    for (const char *p = host; p;) {
        if (psl_is_public_suffix2(r->psl, p, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE)) {
            if (prev && strlen(prev) < outlen)
                memcpy(out, prev, strlen(prev) + 1);
            return;
        }
        prev = p;
        const char *dot = strchr(p, '.');
        p = dot ? dot + 1 : NULL;
    }
}

/* ---- lookups ---- */

/* The first sorted rule equal to (kind, value), or NULL. */
static const rule *find_sorted(const pki_ep_rules *r, int kind, const char *v)
{
    size_t lo = 0, hi = r->nsorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->r[mid].value, v) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < r->nsorted && strcmp(r->r[i].value, v) == 0; i++)
        if (r->r[i].kind == kind)
            return &r->r[i];
    return NULL;
}

static void add_reason(pki_ep_class *o, uint32_t cls, const char *reason)
{
    if (o->classes & cls)
        return; /* the first rule of a class says why */
    o->classes |= cls;
    size_t l = strlen(o->reason);
    unsigned bit = 0;
    while (bit < PKI_EPC_COUNT && !(cls & (1u << bit)))
        bit++;
    snprintf(o->reason + l, sizeof o->reason - l, "%s%s: %s", l ? "; " : "", pki_ep_class_name(bit),
             reason);
}

/* All sorted rules equal to v (all classes), for the host and each parent. */
static void host_rules(const pki_ep_rules *r, const char *host, pki_ep_class *o)
{
    for (const char *p = host; p && strchr(p, '.');) {
        size_t lo = 0, hi = r->nsorted;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(r->r[mid].value, p) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < r->nsorted && strcmp(r->r[i].value, p) == 0; i++)
            if (r->r[i].kind == K_HOST)
                add_reason(o, r->r[i].cls, r->r[i].reason);
        const char *dot = strchr(p, '.');
        p = dot ? dot + 1 : NULL;
    }
}

/* 1 when a host rule names the host or a parent of it */
static int known_host(const pki_ep_rules *r, const char *host)
{
    pki_ep_class o;
    memset(&o, 0, sizeof o);
    host_rules(r, host, &o);
    return o.classes != 0;
}

/* host equal to h or a subdomain of it */
static int host_under(const char *host, const char *h)
{
    size_t a = strlen(host), b = strlen(h);
    return a >= b && strcmp(host + a - b, h) == 0 && (a == b || host[a - b - 1] == '.');
}

static int first_label_is(const char *host, const char *w)
{
    size_t wl = strlen(w);
    if (strncmp(host, w, wl) != 0)
        return 0;
    char c = host[wl];
    return c == '.' || c == '-' || (c >= '0' && c <= '9');
}

/* ---- IP literals ---- */

static uint32_t ip_class(const pki_ep_cand *c, const char **why)
{
    if (c->kind == PKI_EP_IPV4) {
        struct in_addr a;
        if (inet_pton(AF_INET, c->host, &a) != 1)
            return 0;
        uint32_t v = ntohl(a.s_addr);
        if ((v >> 8) == 0xC00002 || (v >> 8) == 0xC63364 || (v >> 8) == 0xCB0071)
            return *why = "RFC 5737 documentation range", PKI_EPC_DOC;
        if ((v >> 24) == 127 || (v >> 16) == 0xA9FE || v == 0)
            return *why = "loopback or link-local (RFC 1122, RFC 3927)", PKI_EPC_LOCAL;
        if ((v >> 24) == 10 || (v >> 20) == 0xAC1 || (v >> 16) == 0xC0A8 || (v >> 22) == 0x191)
            return *why = "private range (RFC 1918, RFC 6598)", PKI_EPC_PRIVATE;
        if ((v >> 17) == (0xC6120000u >> 17))
            return *why = "benchmarking range (RFC 2544)", PKI_EPC_DOC;
        return 0;
    }
    struct in6_addr a;
    if (inet_pton(AF_INET6, c->host, &a) != 1)
        return 0;
    const uint8_t *b = a.s6_addr;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        return *why = "RFC 3849 documentation prefix", PKI_EPC_DOC;
    if (IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_UNSPECIFIED(&a))
        return *why = "loopback or link-local (RFC 4291)", PKI_EPC_LOCAL;
    if ((b[0] & 0xfe) == 0xfc)
        return *why = "unique local address (RFC 4193)", PKI_EPC_PRIVATE;
    if (b[0] == 0xff || IN6_IS_ADDR_V4MAPPED(&a))
        return *why = "multicast or mapped", PKI_EPC_LOCAL;
    return 0;
}

/* Schemes without transport security */
static int plain_scheme(const char *s)
{
    static const char *const P[] = {"http", "ftp",   "telnet", "ws",   "mqtt", "ldap",
                                    "tftp", "imap",  "pop3",   "smtp", "irc",  "rtsp",
                                    "amqp", "redis", "gopher", "nntp", "coap"};
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++)
        if (strcmp(s, P[i]) == 0)
            return 1;
    return 0;
}

void pki_ep_classify(const pki_ep_rules *r, const pki_ep_cand *c, const char *value,
                     const char *ctx, size_t ctxlen, pki_ep_class *o)
{
    memset(o, 0, sizeof *o);
    const char *host = c->host;
    int ip = c->kind == PKI_EP_IPV4 || c->kind == PKI_EP_IPV6;
    if (c->kind == PKI_EP_URL) {
        struct in6_addr a6;
        struct in_addr a4;
        ip = inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
    }
    if (ip) {
        const char *why = NULL;
        pki_ep_cand t = *c;
        t.kind = strchr(host, ':') ? PKI_EP_IPV6 : PKI_EP_IPV4;
        uint32_t k = ip_class(&t, &why);
        if (k) {
            add_reason(o, k, why);
            return;
        }
        const rule *x = find_sorted(r, K_IP, host);
        if (x)
            add_reason(o, x->cls, x->reason);
        add_reason(o, PKI_EPC_RAWIP, "public IP literal");
    } else if (strcmp(host, "localhost") == 0) {
        add_reason(o, PKI_EPC_LOCAL, "localhost");
        return;
    }
    /* documentation first: it silences the rest */
    const char *path = c->kind == PKI_EP_URL ? value + c->path : "";
    size_t plen = c->kind == PKI_EP_URL ? c->len - c->path : 0;
    for (size_t i = r->nsorted; i < r->n; i++) {
        const rule *x = &r->r[i];
        if (x->cls != PKI_EPC_DOC || x->kind != K_HOSTPATH || !host_under(host, x->value))
            continue;
        size_t pl = strlen(x->path);
        if (plen > pl && path[0] == '/' && strncasecmp(path + 1, x->path, pl) == 0) {
            add_reason(o, PKI_EPC_DOC, x->reason);
            return;
        }
    }
    if (!ip)
        host_rules(r, host, o);
    if (o->classes & PKI_EPC_DOC) {
        o->classes = PKI_EPC_DOC;
        return;
    }
    for (size_t i = r->nsorted; i < r->n; i++) {
        const rule *x = &r->r[i];
        int hit = 0;
        switch (x->kind) {
        case K_GLOB:
            hit = !ip && fnmatch(x->value, host, 0) == 0;
            break;
        case K_LABEL:
            hit = !ip && first_label_is(host, x->value);
            break;
        case K_PATH:
            hit = plen && memmem(path, plen, x->value, strlen(x->value)) != NULL;
            break;
        case K_HOSTPATH:
            if (x->cls != PKI_EPC_DOC && !ip && host_under(host, x->value)) {
                size_t pl = strlen(x->path);
                hit = plen > pl && path[0] == '/' && strncmp(path + 1, x->path, pl) == 0;
            }
            break;
        case K_KEY:
            hit = c->kind == PKI_EP_URL && ctx && ctxlen &&
                  memmem(ctx, ctxlen, x->value, strlen(x->value)) != NULL;
            break;
        default:
            break;
        }
        if (hit)
            add_reason(o, x->cls, x->reason);
    }
    if (c->kind == PKI_EP_URL && plain_scheme(c->scheme))
        add_reason(o, PKI_EPC_PLAIN, c->scheme);
}

/* ---- country codes ---- */

int pki_ep_cctld_country(const char *tld, char cc[3])
{
    static const struct {
        const char *tld, *cc;
    } IDN[] = {
        {"xn--p1ai", "RU"},        {"xn--fiqs8s", "CN"},        {"xn--fiqz9s", "CN"},
        {"xn--j6w193g", "HK"},     {"xn--kprw13d", "TW"},       {"xn--kpry57d", "TW"},
        {"xn--3e0b707e", "KR"},    {"xn--mgbaam7a8h", "AE"},    {"xn--90ais", "BY"},
        {"xn--j1amh", "UA"},       {"xn--80ao21a", "KZ"},       {"xn--mgberp4a5d4ar", "SA"},
        {"xn--wgbh1c", "EG"},      {"xn--node", "GE"},          {"xn--qxam", "GR"},
        {"xn--90a3ac", "RS"},      {"xn--d1alf", "MK"},         {"xn--y9a3aq", "AM"},
        {"xn--mgba3a4f16a", "IR"}, {"xn--mgbai9azgqp6j", "PK"}, {"xn--h2brj9c", "IN"},
        {"xn--fzc2c9e2c", "LK"},   {"xn--yfro4i67o", "SG"},     {"xn--o3cw4h", "TH"},
        {"xn--ygbi2ammx", "PS"},   {"xn--mgbtx2b", "IQ"},       {"xn--mgbc0a9azcg", "MA"},
        {"xn--lgbbat1ad8j", "DZ"}, {"xn--pgbs0dh", "TN"},       {"xn--mgb9awbf", "OM"},
        {"xn--wgbl6a", "QA"},      {"xn--ogbpf8fl", "SY"},      {"xn--mgbx4cd0ab", "MY"},
        {"xn--54b7fta0cc", "BD"},  {"xn--mix891f", "MO"},       {"xn--e1a4c", "EU"},
    };
    size_t n = strlen(tld);
    if (n == 2 && tld[0] >= 'a' && tld[0] <= 'z' && tld[1] >= 'a' && tld[1] <= 'z') {
        /* every two-letter TLD is a country code; .uk is GB's (ISO 3166-1) */
        if (strcmp(tld, "uk") == 0) {
            memcpy(cc, "GB", 3);
            return 1;
        }
        cc[0] = (char)(tld[0] - 32);
        cc[1] = (char)(tld[1] - 32);
        cc[2] = 0;
        return 1;
    }
    for (size_t i = 0; i < sizeof IDN / sizeof IDN[0]; i++)
        if (strcmp(IDN[i].tld, tld) == 0) {
            memcpy(cc, IDN[i].cc, 3);
            return 1;
        }
    return 0;
}
