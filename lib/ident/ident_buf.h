/* Bounded helpers shared by the purl and CPE code: a writer that never runs
 * past its buffer (it records the overflow instead) and a length that never
 * reads past PKI_IDENT_MAX + 1 bytes. Ownership: a wbuf borrows its buffer. */
#ifndef PK_IDENT_BUF_H
#define PK_IDENT_BUF_H

#include "ident/ident_int.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct wbuf {
    char *p;
    size_t cap, len;
    bool over; /* something did not fit: the caller reports failure */
} wbuf;

static inline void put_c(wbuf *w, char c)
{
    if (w->len + 1 >= w->cap) {
        w->over = true;
        return;
    }
    w->p[w->len++] = c;
    w->p[w->len] = 0;
}

static inline void put_s(wbuf *w, const char *s)
{
    while (*s)
        put_c(w, *s++);
}

/* Length of s if it is at most PKI_IDENT_MAX, else PKI_IDENT_MAX + 1; reads at
 * most PKI_IDENT_MAX + 1 bytes. NULL counts as empty. */
static inline size_t blen(const char *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    while (n <= PKI_IDENT_MAX && s[n])
        n++;
    return n;
}

static inline bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

#endif
