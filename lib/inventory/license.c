/* Declared license strings to SPDX ids and expressions, from rules/licenses.tsv.
 * The table is small (a few hundred lines), so a lookup scans the embedded
 * bytes: no allocation, no global state, safe from any thread. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "../core/rulefiles.h"
#include "writer_int.h"

/* Most tokens and nesting in one expression; longer strings stay names. */
#define LIC_MAX_TOKENS 64
#define LIC_MAX_DEPTH  8

static int eq_ci(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

int pki_license_id(const char *declared, size_t len, char *out, size_t cap)
{
    if (!declared || !out || !cap)
        return 0;
    while (len && isspace((unsigned char)*declared)) {
        declared++;
        len--;
    }
    while (len && isspace((unsigned char)declared[len - 1]))
        len--;
    const pki_rulefile *rf = pki_rulefile_get("licenses.tsv");
    if (!rf || !len)
        return 0;
    const char *p = (const char *)rf->data, *end = p + rf->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *tab = memchr(p, '\t', (size_t)(le - p));
        if (*p != '#' && tab) {
            const char *id = tab + 1;
            size_t idn = (size_t)(le - id);
            while (idn && (id[idn - 1] == '\r' || id[idn - 1] == ' '))
                idn--;
            if (idn &&
                (eq_ci(declared, len, p, (size_t)(tab - p)) || eq_ci(declared, len, id, idn))) {
                if (idn >= cap)
                    return 0;
                memcpy(out, id, idn);
                out[idn] = 0;
                return 1;
            }
        }
        p = le + 1;
    }
    return 0;
}

typedef struct lexp {
    char *out;
    size_t cap, o;
} lexp;

static int put(lexp *x, const char *s, size_t n)
{
    if (x->o + n + 1 > x->cap)
        return -1;
    memcpy(x->out + x->o, s, n);
    x->o += n;
    x->out[x->o] = 0;
    return 0;
}

static int is_ref_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* A "LicenseRef-x" / "DocumentRef-y:LicenseRef-x" token is kept as it is. */
static int is_license_ref(const char *t, size_t n)
{
    const char *colon = memchr(t, ':', n);
    if (colon) {
        if ((size_t)(colon - t) < 13 || strncmp(t, "DocumentRef-", 12) != 0)
            return 0;
        n -= (size_t)(colon + 1 - t);
        t = colon + 1;
    }
    if (n < 12 || strncmp(t, "LicenseRef-", 11) != 0)
        return 0;
    for (size_t i = 11; i < n; i++)
        if (!is_ref_char(t[i]))
            return 0;
    return 1;
}

/* The grammar of SPDX 2.3 annex D, checked with a state machine: after an
 * operand come an operator or ')'; after an operator or '(' an operand. */
int pki_license_expr(const char *declared, char *out, size_t cap)
{
    if (!declared || !out || cap < 2)
        return 0;
    lexp x = {out, cap, 0};
    out[0] = 0;
    int want_operand = 1, depth = 0, ntok = 0, after_with = 0;
    const char *p = declared;
    while (*p) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (++ntok > LIC_MAX_TOKENS)
            return 0;
        if (*p == '(' || *p == ')') {
            if (*p == '(' ? (!want_operand || ++depth > LIC_MAX_DEPTH)
                          : (want_operand || --depth < 0))
                return 0;
            if (put(&x, p, 1))
                return 0;
            p++;
            continue;
        }
        const char *t = p;
        while (*p && !isspace((unsigned char)*p) && *p != '(' && *p != ')')
            p++;
        size_t n = (size_t)(p - t);
        const char *op = eq_ci(t, n, "AND", 3)    ? "AND"
                         : eq_ci(t, n, "OR", 2)   ? "OR"
                         : eq_ci(t, n, "WITH", 4) ? "WITH"
                                                  : NULL;
        if (op) {
            if (want_operand || after_with)
                return 0;
            after_with = op[0] == 'W';
            if (put(&x, " ", 1) || put(&x, op, strlen(op)) || put(&x, " ", 1))
                return 0;
            want_operand = 1;
            continue;
        }
        if (!want_operand)
            return 0;
        char id[128];
        int exc = 0; /* 1: an exception id, 0: a license, -1: a LicenseRef (either) */
        if (pki_license_id(t, n, id, sizeof(id))) {
            exc = strstr(id, "exception") != NULL;
            if (put(&x, id, strlen(id)))
                return 0;
        } else if (is_license_ref(t, n)) {
            exc = -1;
            if (put(&x, t, n))
                return 0;
        } else {
            return 0;
        }
        if (exc >= 0 && exc != after_with)
            return 0;
        after_with = 0;
        want_operand = 0;
    }
    return ntok > 0 && !want_operand && depth == 0;
}

void pki_sanitize_id(const char *s, char *out, size_t cap)
{
    if (!out || !cap)
        return;
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        out[o++] = is_ref_char(*s) ? *s : '-';
    if (!o && cap > 1)
        out[o++] = 'x';
    out[o] = 0;
}
