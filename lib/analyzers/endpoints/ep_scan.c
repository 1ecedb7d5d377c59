/* endpoints: the text scanner. Finds URLs (by "://" and a known scheme),
 * e-mail addresses (by '@'), bare host names and IPv4/IPv6 literals in one
 * string of printable ASCII. Every index is checked against the text's length;
 * nothing is recursive; values are cut at PKI_EP_VALUE_MAX bytes. */
#include "endpoints_int.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

/* Schemes kept; anything else before "://" is not an endpoint (file://,
 * jar:, chrome://, templates). */
static const char *const SCHEMES[] = {
    "http",  "https", "ftp",   "ftps",   "ws",    "wss",  "telnet", "ssh",    "sftp",
    "mqtt",  "mqtts", "ldap",  "ldaps",  "tftp",  "rtsp", "rtsps",  "smb",    "imap",
    "imaps", "pop3",  "pop3s", "smtp",   "smtps", "irc",  "ircs",   "gopher", "nntp",
    "amqp",  "amqps", "redis", "rediss", "xmpp",  "git",  "svn",    "rsync",  "coap",
};

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}
static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* A byte that may appear in a URL after the authority; quotes, angle
 * brackets, braces, backslash, '|', '^' and '`' end it, as they end URLs in
 * source code, markup and prose. */
static int url_char(int c)
{
    if (c <= 0x20 || c >= 0x7f)
        return 0;
    return !strchr("\"'<>\\{}|^`", c);
}

/* Dotted quad with no leading zeros; 0 when s[0..n) is not one. */
static int parse_v4(const char *s, size_t n, uint8_t q[4])
{
    size_t i = 0;
    for (int k = 0; k < 4; k++) {
        if (k) {
            if (i >= n || s[i] != '.')
                return 0;
            i++;
        }
        size_t st = i;
        unsigned v = 0;
        while (i < n && is_digit(s[i]) && i - st < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == st || v > 255 || (i - st > 1 && s[st] == '0'))
            return 0;
        q[k] = (uint8_t)v;
    }
    return i == n;
}

/* IPv6 literal s[0..n) to canonical text in out; 0 when not one. */
static int parse_v6(const char *s, size_t n, char *out, size_t outlen)
{
    char buf[64];
    struct in6_addr a;
    if (n < 2 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (inet_pton(AF_INET6, buf, &a) != 1)
        return 0;
    return inet_ntop(AF_INET6, &a, out, (socklen_t)outlen) != NULL;
}

/* Lower-cased copy of s[0..n) without a trailing dot; 0 when too long. */
static int copy_host(const char *s, size_t n, char *out)
{
    if (n && s[n - 1] == '.')
        n--;
    if (n == 0 || n > PKI_EP_HOST_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)lower((unsigned char)s[i]);
    out[n] = 0;
    return 1;
}

/* The host part h[0..n) of a URL authority into c (kind of host recorded by
 * the caller); 1 when it is a name the list knows, an IP literal or localhost. */
static int url_host(const pki_ep_rules *r, const char *h, size_t n, pki_ep_cand *c)
{
    uint8_t q[4];
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']')
        return parse_v6(h + 1, n - 2, c->host, sizeof c->host);
    if (!copy_host(h, n, c->host))
        return 0;
    if (parse_v4(c->host, strlen(c->host), q))
        return 1;
    if (strcmp(c->host, "localhost") == 0)
        return 1;
    for (size_t i = 0; c->host[i]; i++)
        if (!is_alnum((unsigned char)c->host[i]) && !strchr(".-_", c->host[i]))
            return 0;
    return pki_ep_host_valid(r, c->host, 0);
}

/* A URL whose "://" is at t[sep]; returns its end (== start when none), and
 * the candidate in c. */
static size_t try_url(const pki_ep_rules *r, const char *t, size_t n, size_t sep, pki_ep_cand *c)
{
    size_t s = sep;
    while (s > 0 && sep - s < 10 && (is_alnum((unsigned char)t[s - 1]) || t[s - 1] == '+'))
        s--;
    if (s == sep || sep - s >= sizeof c->scheme)
        return 0;
    /* the longest known scheme ending at "://": strings glued to the one
     * before them ("...collect\0" then u"https://..." reads as a UTF-16 run
     * "thttps://...") keep their URL */
    int known = 0;
    for (; s < sep && !known; s += !known) {
        size_t l = sep - s;
        for (size_t i = 0; i < sizeof SCHEMES / sizeof SCHEMES[0] && !known; i++)
            known = strlen(SCHEMES[i]) == l && strncasecmp(SCHEMES[i], t + s, l) == 0;
    }
    if (!known)
        return 0;
    size_t sl = sep - s;
    for (size_t i = 0; i < sl; i++)
        c->scheme[i] = (char)lower((unsigned char)t[s + i]);
    c->scheme[sl] = 0;
    /* authority: up to '/', '?', '#' or a byte no authority holds */
    size_t a = sep + 3, e = a;
    while (e < n && url_char((unsigned char)t[e]) && !strchr("/?#()[,;", t[e]))
        e++;
    /* an IPv6 literal keeps its brackets */
    if (e < n && t[e] == '[' && e == a) {
        while (e < n && t[e] != ']' && e - a < 48)
            e++;
        if (e >= n || t[e] != ']')
            return 0;
        e++;
        while (e < n && url_char((unsigned char)t[e]) && !strchr("/?#()[,;", t[e]))
            e++;
    }
    size_t hs = a; /* after the last '@' of the userinfo */
    for (size_t i = a; i < e; i++)
        if (t[i] == '@')
            hs = i + 1;
    size_t he = e, ps = e;
    c->port = -1;
    /* the port: after the last ':' that is not inside brackets */
    for (size_t i = e; i > hs; i--) {
        if (t[i - 1] == ']')
            break;
        if (t[i - 1] == ':') {
            he = i - 1;
            long v = 0;
            size_t j = i;
            while (j < e && is_digit(t[j]) && v <= 65535)
                v = v * 10 + (t[j++] - '0');
            if (j != e || j == i || v > 65535)
                return 0; /* "host:%d", "host:port": a template, not an endpoint */
            c->port = (int32_t)v;
            break;
        }
    }
    if (!url_host(r, t + hs, he - hs, c))
        return 0;
    /* the rest of the URL */
    size_t end = ps;
    while (end < n && url_char((unsigned char)t[end]) && end - s < PKI_EP_VALUE_MAX)
        end++;
    /* trailing punctuation belongs to the prose, and a ')' or ']' to it
     * unless the URL opened one */
    for (;;) {
        if (end > ps && strchr(".,;:!?*", t[end - 1])) {
            end--;
            continue;
        }
        if (end > ps && (t[end - 1] == ')' || t[end - 1] == ']')) {
            char open = t[end - 1] == ')' ? '(' : '[';
            int bal = 0;
            for (size_t i = ps; i < end; i++)
                bal += t[i] == open ? 1 : (t[i] == t[end - 1] ? -1 : 0);
            if (bal < 0) {
                end--;
                continue;
            }
        }
        break;
    }
    c->kind = PKI_EP_URL;
    c->start = s;
    c->len = end - s;
    c->path = ps - s;
    return end;
}

/* Java/.NET-style roots: "org.apache.commons.io" is a package, not a host. */
static const char *const PKG_ROOTS[] = {
    "com",     "org",       "net",    "edu",     "gov",    "java",  "javax",
    "android", "androidx",  "kotlin", "kotlinx", "sun",    "jdk",   "dalvik",
    "system",  "microsoft", "io",     "scala",   "groovy", "junit", "lombok"};

static int pkg_root(const char *host)
{
    const char *dot = strchr(host, '.');
    size_t n = dot ? (size_t)(dot - host) : strlen(host);
    for (size_t i = 0; i < sizeof PKG_ROOTS / sizeof PKG_ROOTS[0]; i++)
        if (strlen(PKG_ROOTS[i]) == n && memcmp(PKG_ROOTS[i], host, n) == 0)
            return 1;
    return 0;
}

/* An e-mail address around the '@' at t[at]; returns its end or 0. */
static size_t try_email(const pki_ep_rules *r, const char *t, size_t n, size_t at, size_t floor,
                        pki_ep_cand *c)
{
    size_t s = at;
    while (s > floor && at - s < 64 &&
           (is_alnum((unsigned char)t[s - 1]) || strchr("._%+-", t[s - 1])))
        s--;
    while (s < at && t[s] == '.')
        s++;
    if (s == at || t[at - 1] == '.')
        return 0;
    size_t e = at + 1;
    while (e < n && e - at <= PKI_EP_HOST_MAX &&
           (is_alnum((unsigned char)t[e]) || t[e] == '.' || t[e] == '-'))
        e++;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-'))
        e--;
    if (e < n && (t[e] == '_' || t[e] == '@'))
        return 0;
    if (!copy_host(t + at + 1, e - at - 1, c->host) || !pki_ep_host_valid(r, c->host, 0))
        return 0;
    c->kind = PKI_EP_EMAIL;
    c->start = s;
    c->len = e - s;
    c->scheme[0] = 0;
    c->port = -1;
    c->path = c->len;
    return e;
}

/* "version 1.2.3.4" and "v1.2.3.4" are versions, not addresses. */
static int after_version_word(const char *t, size_t s)
{
    size_t from = s > 16 ? s - 16 : 0;
    for (size_t i = from; i + 3 <= s; i++)
        if (strncasecmp(t + i, "ver", 3) == 0 || strncasecmp(t + i, "rev", 3) == 0)
            return 1;
    return 0;
}

/* A bare token starting at t[s]: IPv6, IPv4 or a host name; its end or s. */
static size_t try_bare(const pki_ep_rules *r, const char *t, size_t n, size_t s, pki_ep_cand *c)
{
    c->scheme[0] = 0;
    c->port = -1;
    /* IPv6: hex digits, ':' and '.' (an embedded IPv4), with "::" or 7 colons */
    size_t e = s;
    int colons = 0, dbl = 0, digit = 0;
    while (e < n && e - s <= 45 && (is_hex((unsigned char)t[e]) || t[e] == ':' || t[e] == '.')) {
        if (t[e] == ':') {
            colons++;
            dbl |= e > s && t[e - 1] == ':';
        }
        digit |= is_digit(t[e]);
        e++;
    }
    if (colons >= 2 && (dbl || colons == 7) && digit &&
        (e >= n || (!is_alnum((unsigned char)t[e]) && t[e] != '_' && t[e] != ':'))) {
        size_t ee = e;
        while (ee > s && t[ee - 1] == '.')
            ee--;
        /* at least two groups ("::DB7", "2002::" are constants), or ::1 */
        int groups = 0;
        for (size_t i = s; i < ee; i++)
            groups += is_hex((unsigned char)t[i]) && (i == s || t[i - 1] == ':');
        if ((groups >= 2 || (ee - s == 3 && memcmp(t + s, "::1", 3) == 0)) &&
            parse_v6(t + s, ee - s, c->host, sizeof c->host)) {
            c->kind = PKI_EP_IPV6;
            c->start = s;
            c->len = ee - s;
            c->path = c->len;
            return ee;
        }
    }
    /* a run of name characters */
    e = s;
    int alpha = 0, upper = 0;
    while (e < n && e - s <= PKI_EP_HOST_MAX + 1 &&
           (is_alnum((unsigned char)t[e]) || t[e] == '.' || t[e] == '-')) {
        alpha |= !is_digit(t[e]) && t[e] != '.';
        upper |= t[e] >= 'A' && t[e] <= 'Z';
        e++;
    }
    size_t run = e;
    while (e > s && (t[e - 1] == '.' || t[e - 1] == '-'))
        e--;
    if (e == s || !memchr(t + s, '.', e - s))
        return run;
    /* followed by a call, an assignment, a path on a name with '_' */
    if (run < n && strchr("_@(=$%", t[run]))
        return run;
    if (!alpha) {
        uint8_t q[4];
        if (run < n && t[run] == '.')
            return run; /* "1.2.3.4." then more: a version */
        if (!parse_v4(t + s, e - s, q) || q[0] == 0 || q[0] >= 224 || after_version_word(t, s))
            return run;
        /* a small first number is a section ("6.3.2.3"), an OID ("2.5.29.15")
         * or a version far more often than an address; the public resolvers
         * are the exceptions worth keeping */
        if (q[0] < 10 && !((q[0] == 1 && q[1] == 1 && q[2] == 1 && q[3] == 1) ||
                           (q[0] == 1 && q[1] == 0 && q[2] == 0 && q[3] == 1) ||
                           (q[0] == 8 && q[1] == 8 && (q[2] == 8 || q[2] == 4) && q[3] == q[2]) ||
                           (q[0] == 9 && q[1] == 9 && q[2] == 9 && q[3] == 9)))
            return run;
        if (!copy_host(t + s, e - s, c->host))
            return run;
        c->kind = PKI_EP_IPV4;
        c->start = s;
        c->len = e - s;
        c->path = c->len;
        return run;
    }
    if (upper || !copy_host(t + s, e - s, c->host) || pkg_root(c->host) ||
        !pki_ep_host_valid(r, c->host, 1))
        return run;
    c->kind = PKI_EP_HOST;
    c->start = s;
    c->len = e - s;
    c->path = c->len;
    return run;
}

typedef struct span {
    size_t s, e;
} span;
#define MAX_SPANS 64u

static int in_spans(const span *sp, size_t ns, size_t i)
{
    for (size_t k = 0; k < ns; k++)
        if (i >= sp[k].s && i < sp[k].e)
            return 1;
    return 0;
}

void pki_ep_scan(const pki_ep_rules *r, const char *t, size_t n, pki_ep_cb cb, void *ctx)
{
    span sp[MAX_SPANS];
    size_t ns = 0;
    pki_ep_cand c;
    /* URLs first: what they hold is not reported again as a host or e-mail */
    for (size_t i = 1; i + 3 <= n; i++) {
        if (t[i] != ':' || t[i + 1] != '/' || t[i + 2] != '/')
            continue;
        memset(&c, 0, sizeof c);
        size_t end = try_url(r, t, n, i, &c);
        if (end > i) {
            cb(ctx, t, &c);
            if (ns < MAX_SPANS)
                sp[ns++] = (span){c.start, end};
            i = end - 1;
        }
    }
    for (size_t i = 1; i + 1 < n; i++) {
        if (t[i] != '@' || in_spans(sp, ns, i))
            continue;
        size_t floor = 0;
        for (size_t k = 0; k < ns; k++)
            if (sp[k].e <= i && sp[k].e > floor)
                floor = sp[k].e;
        memset(&c, 0, sizeof c);
        size_t end = try_email(r, t, n, i, floor, &c);
        if (end > i) {
            cb(ctx, t, &c);
            if (ns < MAX_SPANS)
                sp[ns++] = (span){c.start, end};
            i = end - 1;
        }
    }
    /* bare tokens: start where the byte before cannot continue a name, a
     * path, an identifier or a template */
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)t[i];
        int start = (is_alnum(ch) || ch == ':') &&
                    (i == 0 ||
                     !(is_alnum((unsigned char)t[i - 1]) || strchr("._-@/\\:$%{&*+~#", t[i - 1])));
        if (!start || in_spans(sp, ns, i)) {
            i++;
            continue;
        }
        memset(&c, 0, sizeof c);
        c.len = 0;
        size_t end = try_bare(r, t, n, i, &c);
        if (c.len && !in_spans(sp, ns, c.start + c.len - 1))
            cb(ctx, t, &c);
        i = end > i ? end : i + 1;
    }
}
