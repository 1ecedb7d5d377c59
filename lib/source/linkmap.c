/* Symlinks of one container and the path resolution through them. */
#include "linkmap_int.h"

#include "../core/core_int.h"

#include <string.h>

#define RES_MAX   8192 /* longest path resolved; longer ones are not judged */
#define COMPS_MAX 512  /* components on the resolved path */
#define HOPS_MAX  40   /* links followed for one entry, as the kernel's ELOOP */

typedef struct slot {
    uint64_t h; /* 0: empty */
    char *target;
} slot;

struct pki_linkmap {
    slot *v;
    size_t cap, n, bytes;
};

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h | 1;
}

pki_linkmap *pki_linkmap_new(void)
{
    return pki_calloc(1, sizeof(pki_linkmap));
}

void pki_linkmap_free(pki_linkmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        pki_free(m->v[i].target);
    pki_free(m->v);
    pki_free(m);
}

static const char *lookup(const pki_linkmap *m, const char *key, size_t n)
{
    if (!m->cap)
        return NULL;
    uint64_t h = hash(key, n);
    for (size_t j = h & (m->cap - 1); m->v[j].h; j = (j + 1) & (m->cap - 1))
        if (m->v[j].h == h)
            return m->v[j].target;
    return NULL;
}

/* Lexically cleans name into out ("./a//b/" -> "a/b"); 0 if it climbs out. */
static size_t clean(const char *name, char *out, size_t outlen)
{
    size_t o = 0;
    const char *p = name;
    while (*p) {
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t l = (size_t)(e - p);
        if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (o == 0)
                return 0;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (l > 0 && !(l == 1 && p[0] == '.')) {
            if (o + (o ? 1 : 0) + l + 1 > outlen)
                return 0;
            if (o)
                out[o++] = '/';
            memcpy(out + o, p, l);
            o += l;
        }
        p = *e ? e + 1 : e;
    }
    out[o] = 0;
    return o;
}

int pki_linkmap_add(pki_linkmap *m, const char *name, const char *target)
{
    char key[RES_MAX];
    size_t kl = clean(name, key, sizeof key);
    size_t tl = target ? strlen(target) : 0;
    if (!kl || !tl || m->bytes + tl > PKI_LINKMAP_MAX_BYTES)
        return 0;
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        slot *nv = pki_calloc(nc, sizeof *nv);
        if (!nv)
            return -1;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->v[i].h)
                continue;
            size_t j = m->v[i].h & (nc - 1);
            while (nv[j].h)
                j = (j + 1) & (nc - 1);
            nv[j] = m->v[i];
        }
        pki_free(m->v);
        m->v = nv;
        m->cap = nc;
    }
    uint64_t h = hash(key, kl);
    size_t j = h & (m->cap - 1);
    while (m->v[j].h && m->v[j].h != h)
        j = (j + 1) & (m->cap - 1);
    char *t = pki_strndup(target, tl);
    if (!t)
        return -1;
    if (m->v[j].h) { /* a later entry of the same name replaces the link */
        m->bytes -= strlen(m->v[j].target);
        pki_free(m->v[j].target);
    } else {
        m->n++;
    }
    m->v[j].h = h;
    m->v[j].target = t;
    m->bytes += tl;
    return 0;
}

int pki_linkmap_escapes(const pki_linkmap *m, const char *name)
{
    if (!m->n)
        return 0;
    /* res: the resolved prefix; q[qi..]: what is left to walk */
    char res[RES_MAX], q[RES_MAX], tmp[RES_MAX];
    size_t rl = 0, comp[COMPS_MAX], nc = 0, qi = 0, ql = strlen(name);
    if (ql >= sizeof q)
        return 0;
    memcpy(q, name, ql + 1);
    unsigned hops = 0;
    while (qi < ql) {
        size_t e = qi;
        while (e < ql && q[e] != '/')
            e++;
        size_t l = e - qi;
        const char *c = q + qi;
        int last = e >= ql;
        qi = last ? ql : e + 1;
        if (l == 0 || (l == 1 && c[0] == '.'))
            continue;
        if (l == 2 && c[0] == '.' && c[1] == '.') {
            if (nc == 0)
                return 1;
            rl = comp[--nc];
            continue;
        }
        if (nc >= COMPS_MAX || rl + 1 + l >= sizeof res)
            return 0;
        comp[nc++] = rl;
        size_t start = rl + (rl ? 1 : 0);
        if (rl)
            res[rl] = '/';
        memcpy(res + start, c, l);
        rl = start + l;
        if (last)
            break; /* the entry itself: placing a link is not following it */
        const char *t = lookup(m, res, rl);
        if (!t)
            continue;
        if (++hops > HOPS_MAX)
            return 0; /* a loop: an unpacker fails with ELOOP, it writes nothing */
        if (t[0] == '/')
            return 1;
        rl = comp[--nc]; /* the link's directory is where its target starts */
        size_t tl = strlen(t), rest = ql - qi;
        if (tl + 1 + rest >= sizeof tmp)
            return 0;
        memcpy(tmp, t, tl);
        tmp[tl] = '/';
        memcpy(tmp + tl + 1, q + qi, rest);
        ql = tl + 1 + rest;
        memcpy(q, tmp, ql);
        q[ql] = 0;
        qi = 0;
    }
    return 0;
}
