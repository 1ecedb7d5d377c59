/* Allocation hooks: one place every allocation passes, for fault injection. */
#include "core_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_ulong fail_after; /* 0: off; else allocations left before failing, plus one */
static atomic_ulong counted;    /* allocations since the last pki_alloc_fail_after() */

void pki_alloc_fail_after(unsigned long n)
{
    atomic_store(&fail_after, n);
    atomic_store(&counted, 0);
}

unsigned long pki_alloc_count(void)
{
    return atomic_load(&counted);
}

static bool should_fail(void)
{
    atomic_fetch_add(&counted, 1);
    unsigned long v = atomic_load(&fail_after);
    if (v == 0)
        return false;
    if (v == 1)
        return true; /* stays failing until reset */
    atomic_fetch_sub(&fail_after, 1);
    return false;
}

void *pki_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *pki_calloc(size_t n, size_t sz)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, sz ? sz : 1);
}

void *pki_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void pki_free(void *p)
{
    free(p);
}

char *pki_strndup(const char *s, size_t n)
{
    char *d = pki_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *pki_strdup(const char *s)
{
    return pki_strndup(s, strlen(s));
}

bool pki_grow(void **buf, size_t *cap, size_t need, size_t esz)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / esz)
            return false;
        nc *= 2;
    }
    void *nb = pki_realloc(*buf, nc * esz);
    if (!nb)
        return false;
    *buf = nb;
    *cap = nc;
    return true;
}
