/* Arenas: many small allocations freed at once (per file, per scan). */
#include "core_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define CHUNK_MIN 16384u

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char mem[];
} chunk;

struct pki_arena {
    chunk *head; /* head is the one being filled */
    size_t total;
};

pki_arena *pki_arena_new(void)
{
    return pki_calloc(1, sizeof(pki_arena));
}

void *pki_arena_alloc(pki_arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (!a->head || a->head->size - a->head->used < n) {
        size_t sz = n > CHUNK_MIN ? n : CHUNK_MIN;
        chunk *c = pki_malloc(sizeof(chunk) + sz);
        if (!c)
            return NULL;
        c->size = sz;
        c->used = 0;
        if (a->head && n > CHUNK_MIN) {
            /* a big one-off goes behind the current chunk so its free space is kept */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
        a->total += sz;
        c->used = n;
        memset(c->mem, 0, n);
        return c->mem;
    }
    void *p = a->head->mem + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

void *pki_arena_memdup(pki_arena *a, const void *p, size_t n)
{
    void *d = pki_arena_alloc(a, n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *pki_arena_strndup(pki_arena *a, const char *s, size_t n)
{
    char *d = pki_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *pki_arena_strdup(pki_arena *a, const char *s)
{
    return pki_arena_strndup(a, s, strlen(s));
}

char *pki_arena_vprintf(pki_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *d = pki_arena_alloc(a, (size_t)n + 1);
    if (d)
        vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *pki_arena_printf(pki_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = pki_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return r;
}

void pki_arena_splice(pki_arena *dst, pki_arena *src)
{
    if (!src->head)
        return;
    chunk *last = src->head;
    while (last->next)
        last = last->next;
    /* src's chunks go behind dst's head so dst keeps filling its own chunk */
    if (dst->head) {
        last->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->total += src->total;
    src->head = NULL;
    src->total = 0;
}

size_t pki_arena_bytes(const pki_arena *a)
{
    return a ? a->total : 0;
}

void pki_arena_free(pki_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        pki_free(c);
        c = n;
    }
    pki_free(a);
}

uint64_t pki_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
