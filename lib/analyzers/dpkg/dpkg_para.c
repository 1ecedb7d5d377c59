/* deb822 paragraphs (dpkg status, status.d, DEBIAN/control) over untrusted
 * bytes: every read is bounded by the buffer length, no NUL is assumed and
 * nothing is allocated, so a 100 MB field costs one linear pass. */
#include "dpkg_int.h"

#include <string.h>

/* in pki_dpkg_fid order; the static assert keeps them in step */
static const char *const field_names[] = {
    "Package",
    "Status",
    "Version",
    "Architecture",
    "Source",
    "Maintainer",
    "Original-Maintainer",
    "Homepage",
    "Description",
    "Depends",
    "Pre-Depends",
    "Provides",
    "Section",
    "Format",
    "Files",
    "License",
};

_Static_assert(sizeof field_names / sizeof field_names[0] == PKI_DF_COUNT_, "field names");

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The line at pos: [pos, end) without the CR/LF; *next is past the LF. */
static size_t line_end(const pki_dpkg_rd *r, size_t pos, size_t *next)
{
    const uint8_t *nl = memchr(r->p + pos, '\n', r->len - pos);
    size_t end = nl ? (size_t)(nl - r->p) : r->len;
    *next = nl ? end + 1 : end;
    if (end > pos && r->p[end - 1] == '\r')
        end--;
    return end;
}

static int only_blanks(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank(s[i]))
            return 0;
    return 1;
}

static int name_is(const uint8_t *s, size_t n, const char *want)
{
    size_t wl = strlen(want);
    if (n != wl)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = s[i], b = (uint8_t)want[i];
        if (a >= 'A' && a <= 'Z')
            a = (uint8_t)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (uint8_t)(b + 32);
        if (a != b)
            return 0;
    }
    return 1;
}

bool pki_dpkg_next(pki_dpkg_rd *r, pki_dpkg_para *p)
{
    memset(p, 0, sizeof *p);
    size_t next;
    /* skip separator lines */
    while (r->pos < r->len) {
        size_t end = line_end(r, r->pos, &next);
        if (!only_blanks(r->p + r->pos, end - r->pos))
            break;
        r->pos = next;
    }
    if (r->pos >= r->len)
        return false;
    p->off = r->pos;
    int cur = -1; /* the field continuation lines extend */
    while (r->pos < r->len) {
        size_t start = r->pos;
        size_t end = line_end(r, start, &next);
        if (only_blanks(r->p + start, end - start))
            break;
        r->pos = next;
        if (r->p[start] == ' ' || r->p[start] == '\t') {
            if (cur >= 0) /* the value now runs to the end of this line */
                p->f[cur].len = (size_t)(r->p + end - p->f[cur].ptr);
            continue;
        }
        cur = -1;
        const uint8_t *colon = memchr(r->p + start, ':', end - start);
        if (!colon)
            continue; /* not a field: dpkg would refuse the file; skip the line */
        size_t nlen = (size_t)(colon - (r->p + start));
        while (nlen && is_blank(r->p[start + nlen - 1]))
            nlen--;
        for (int i = 0; i < PKI_DF_COUNT_; i++) {
            if (!p->f[i].ptr && name_is(r->p + start, nlen, field_names[i])) {
                size_t v = (size_t)(colon - r->p) + 1;
                while (v < end && is_blank(r->p[v]))
                    v++;
                p->f[i].ptr = r->p + v;
                p->f[i].len = end - v;
                cur = i;
                break;
            }
        }
    }
    p->len = r->pos - p->off;
    return true;
}

void pki_dpkg_val(pk_bytes v, int first_line, char *buf, size_t cap)
{
    size_t o = 0;
    int space = 0;
    buf[0] = '\0';
    if (!v.ptr || cap == 0)
        return;
    for (size_t i = 0; i < v.len && o + 1 < cap; i++) {
        uint8_t c = v.ptr[i];
        if (c == '\n' && first_line)
            break;
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = 1;
            continue;
        }
        if (c == 0)
            break; /* strings end at NUL; the rest is not text */
        if (space && o > 0) {
            buf[o++] = ' ';
            if (o + 1 >= cap)
                break;
        }
        space = 0;
        buf[o++] = (char)c;
    }
    buf[o] = '\0';
}

static int name_char(uint8_t c)
{
    return c > ' ' && c != ',' && c != '|' && c != '(' && c != '[' && c != '<' && c != ':' &&
           c != '!' && c < 0x7f;
}

/* Relations, one per comma; a name ends at the first blank, '(', '[' or ':'. */
void pki_dpkg_rels(pk_bytes v, size_t max, void (*fn)(void *ctx, const char *rel), void *ctx)
{
    char rel[1024];
    size_t o = 0, n = 0;
    int in_name = 0, name_done = 0;
    if (!v.ptr)
        return;
    for (size_t i = 0; i <= v.len && n < max; i++) {
        uint8_t c = i < v.len ? v.ptr[i] : ',';
        if (c == '|') {
            if (o && rel[o - 1] != '|' && o + 1 < sizeof rel)
                rel[o++] = '|';
            in_name = name_done = 0;
        } else if (c == ',') {
            while (o && rel[o - 1] == '|')
                o--;
            rel[o] = '\0';
            if (o) {
                fn(ctx, rel);
                n++;
            }
            o = 0;
            in_name = name_done = 0;
        } else if (name_done) {
            continue;
        } else if (name_char(c)) {
            in_name = 1;
            if (o + 2 < sizeof rel)
                rel[o++] = (char)c;
        } else if (in_name) {
            name_done = 1; /* a blank, "(version)", "[arch]" or ":any" ends the name */
        }
    }
}
