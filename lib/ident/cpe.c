/* CPE 2.3 formatted string binding (NISTIR 7695 section 6.2): WFN attributes
 * to "cpe:2.3:..." (6.2.2, bind_to_fs / process_quoted_chars) and back (6.2.3,
 * unbind_fs / add_quoting). Values are WFN value strings (5.3.2), checked
 * against its rules for quoting and wildcards. No allocation, no recursion. */
#include "ident/ident_buf.h"

#include <stdbool.h>
#include <string.h>

static bool is_punct(char c)
{
    return c > ' ' && c < 0x7f && !is_alnum(c) && c != '_';
}

/* Checks a WFN value string of length n (5.3.2): optional leading '*' or run
 * of '?', a non-empty body of letters, digits, '_' and quoted punctuation, an
 * optional trailing '*' or run of '?'. A body that is only "\-" is invalid
 * (quoted1 excludes the hyphen) so it never binds to NA's "-". */
static bool wfn_ok(const char *v, size_t n)
{
    size_t i = 0, body = 0, body_at = 0;
    if (n > 0 && v[0] == '*')
        i = 1;
    else
        while (i < n && v[i] == '?')
            i++;
    body_at = i;
    while (i < n) {
        char c = v[i];
        if (c == '\\') {
            if (i + 1 >= n || !is_punct(v[i + 1]))
                return false;
            i += 2;
        } else if (is_alnum(c) || c == '_') {
            i++;
        } else {
            break;
        }
        body++;
    }
    size_t body_end = i;
    if (i < n && v[i] == '*')
        i++;
    else
        while (i < n && v[i] == '?')
            i++;
    if (i != n || body == 0)
        return false;
    if (body_end - body_at == 2 && v[body_at] == '\\' && v[body_at + 1] == '-')
        return false;
    return true;
}

pk_status pki_cpe_build(const pki_cpe *c, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return PK_E_MISUSE;
    out[0] = 0;
    if (!c)
        return PK_E_MISUSE;
    wbuf w = {out, outlen, 0, false};
    const char *pre = "cpe:2.3";
    while (*pre)
        put_c(&w, *pre++);
    for (int a = 0; a < PKI_CPE_NATTR; a++) {
        const pki_cpe_attr *at = &c->a[a];
        put_c(&w, ':');
        if (at->kind == PKI_CPE_ANY) {
            put_c(&w, '*');
            continue;
        }
        if (at->kind == PKI_CPE_NA) {
            put_c(&w, '-');
            continue;
        }
        if (at->kind != PKI_CPE_VALUE || !at->v) {
            out[0] = 0;
            return PK_E_MISUSE;
        }
        size_t n = blen(at->v);
        if (n > PKI_IDENT_MAX || !wfn_ok(at->v, n) ||
            (a == PKI_CPE_PART && !(n == 1 && strchr("aoh", at->v[0])))) {
            out[0] = 0;
            return PK_E_USAGE;
        }
        /* process_quoted_chars: "\." "\-" "\_" lose their quoting */
        for (size_t i = 0; i < n; i++) {
            if (at->v[i] == '\\') {
                char nx = at->v[++i];
                if (nx != '.' && nx != '-' && nx != '_')
                    put_c(&w, '\\');
                put_c(&w, nx);
            } else {
                put_c(&w, at->v[i]);
            }
        }
    }
    if (w.over) {
        out[0] = 0;
        return PK_E_MISUSE;
    }
    return PK_OK;
}

pk_status pki_cpe_parse(const char *s, pki_cpe *out, char *buf, size_t buflen)
{
    if (!out)
        return PK_E_MISUSE;
    memset(out, 0, sizeof *out);
    if (!s || !buf || buflen == 0)
        return PK_E_MISUSE;
    buf[0] = 0;
    size_t n = blen(s);
    if (n > PKI_IDENT_MAX || n < 8 || memcmp(s, "cpe:2.3:", 8) != 0)
        return PK_E_USAGE;
    wbuf w = {buf, buflen, 0, false};
    pki_cpe r;
    memset(&r, 0, sizeof r);
    size_t i = 8;
    bool bad = false;
    for (int a = 0; a < PKI_CPE_NATTR && !bad; a++) {
        if (a > 0) {
            if (i >= n || s[i] != ':') {
                bad = true; /* fewer than eleven components */
                break;
            }
            i++;
        }
        /* the component runs to the next unquoted ':' */
        size_t b = i;
        while (i < n && s[i] != ':') {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            i++;
        }
        size_t l = i - b;
        if (l == 1 && s[b] == '*') {
            r.a[a].kind = PKI_CPE_ANY;
            continue;
        }
        if (l == 1 && s[b] == '-') {
            r.a[a].kind = PKI_CPE_NA;
            continue;
        }
        /* unbind_value_fs: keep letters, digits, '_', wildcards and quoted
         * pairs; quote any other printable character */
        size_t start = w.len;
        for (size_t k = b; k < i && !bad; k++) {
            char c = s[k];
            if (c == '\\') {
                char nx = k + 1 < i ? s[k + 1] : 0;
                k++;
                if (nx == '_') {
                    put_c(&w, '_');
                } else if (is_punct(nx)) {
                    put_c(&w, '\\');
                    put_c(&w, nx);
                } else {
                    bad = true; /* a quoted letter, digit, control or a trailing '\' */
                }
            } else if (is_alnum(c) || c == '_' || c == '*' || c == '?') {
                put_c(&w, c);
            } else if (is_punct(c)) {
                put_c(&w, '\\');
                put_c(&w, c);
            } else {
                bad = true;
            }
        }
        if (w.over)
            break;
        size_t vl = w.len - start;
        if (bad || !wfn_ok(buf + start, vl) ||
            (a == PKI_CPE_PART && !(vl == 1 && strchr("aoh", buf[start])))) {
            bad = true;
            break;
        }
        put_c(&w, 0);
        r.a[a].kind = PKI_CPE_VALUE;
        r.a[a].v = buf + start;
    }
    if (!bad && !w.over && i != n)
        bad = true; /* more than eleven components */
    if (bad || w.over) {
        buf[0] = 0;
        return w.over ? PK_E_MISUSE : PK_E_USAGE;
    }
    *out = r;
    return PK_OK;
}

pk_status pki_cpe_quote(const char *plain, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return PK_E_MISUSE;
    out[0] = 0;
    if (!plain)
        return PK_E_MISUSE;
    size_t n = blen(plain);
    if (n == 0 || n > PKI_IDENT_MAX || (n == 1 && plain[0] == '-'))
        return PK_E_USAGE;
    wbuf w = {out, outlen, 0, false};
    for (size_t i = 0; i < n; i++) {
        char c = plain[i];
        if (is_alnum(c) || c == '_') {
            put_c(&w, c);
        } else if (is_punct(c)) {
            put_c(&w, '\\');
            put_c(&w, c);
        } else {
            out[0] = 0;
            return PK_E_USAGE;
        }
    }
    if (w.over) {
        out[0] = 0;
        return PK_E_MISUSE;
    }
    return PK_OK;
}
