/* MaxMind-format .mmdb (GeoLite2-Country, DB-IP's mmdb, any writer of the
 * format) into IP ranges (docs/vulndb/ip-country.md). libmaxminddb opens the
 * file and reads nodes and data; the search tree is walked here, iteratively
 * with an explicit, bounded stack, because the file is hostile: every node is
 * read through MMDB_read_node (which checks the node number), the depth may
 * not exceed the address width, and a tree whose records lead to more node
 * visits than it has nodes (a loop or a shared subtree) is refused.
 *
 * libmaxminddb is loaded at run time (dlopen of libmaxminddb.so.0), so
 * parakh builds and scans without it; only importing an .mmdb needs it. The
 * IPv4 aliases MaxMind writers add to IPv6 trees (::ffff:0:0/96, 2002::/16
 * and 2001::/32 point at the ::/96 subtree) are not walked: the IPv4 ranges are read once,
 * at ::/96, and stored mapped (::ffff:a.b.c.d) like every IPv4 range. */
#include <dlfcn.h>
#include <maxminddb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/core_int.h"
#include "vulndb/geo_int.h"

#define MMDB_MAX_NODES (64u << 20) /* GeoLite2-City has ~4 M; Country ~0.6 M */
#define MMDB_CACHE     4096u       /* data offset -> country, direct-mapped */

static const char MARKER[] = "\xab\xcd\xefMaxMind.com";

int pki_mmdb_sniff(const char *buf, size_t len)
{
    size_t tail = len < (128u << 10) ? len : (128u << 10); /* the format's metadata window */
    return buf && len >= 32 && memmem(buf + len - tail, tail, MARKER, sizeof MARKER - 1) != NULL;
}

static struct {
    void *h;
    int (*open)(const char *, uint32_t, MMDB_s *);
    void (*close)(MMDB_s *);
    int (*read_node)(const MMDB_s *, uint32_t, MMDB_search_node_s *);
    int (*aget)(MMDB_entry_s *, MMDB_entry_data_s *, const char *const *);
    const char *(*strerror)(int);
} L;
static pthread_once_t L_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *h = dlopen("libmaxminddb.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return;
    *(void **)&L.open = dlsym(h, "MMDB_open");
    *(void **)&L.close = dlsym(h, "MMDB_close");
    *(void **)&L.read_node = dlsym(h, "MMDB_read_node");
    *(void **)&L.aget = dlsym(h, "MMDB_aget_value");
    *(void **)&L.strerror = dlsym(h, "MMDB_strerror");
    if (L.open && L.close && L.read_node && L.aget && L.strerror)
        L.h = h;
    else
        dlclose(h);
}

typedef struct walk {
    pki_imp *im;
    MMDB_s *m;
    int have; /* a range waiting to be merged with the next */
    uint8_t lo[16], hi[16];
    char cc[3];
    struct {
        uint32_t off;
        char cc[3];
        int valid;
    } cache[MMDB_CACHE];
} walk;

/* The record's country: country.iso_code, else registered_country.iso_code;
 * "" when it has neither (an anonymous proxy, a continent-only record). */
static void country_of(walk *w, MMDB_entry_s *e, char cc[3])
{
    size_t slot = e->offset % MMDB_CACHE;
    if (w->cache[slot].valid && w->cache[slot].off == e->offset) {
        memcpy(cc, w->cache[slot].cc, 3);
        return;
    }
    static const char *const p1[] = {"country", "iso_code", NULL};
    static const char *const p2[] = {"registered_country", "iso_code", NULL};
    const char *const *paths[] = {p1, p2};
    cc[0] = 0;
    for (int i = 0; i < 2 && !cc[0]; i++) {
        MMDB_entry_data_s d;
        memset(&d, 0, sizeof d);
        MMDB_entry_s x = *e;
        if (L.aget(&x, &d, paths[i]) == MMDB_SUCCESS && d.has_data &&
            d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2 && d.utf8_string) {
            cc[0] = d.utf8_string[0];
            cc[1] = d.utf8_string[1];
            cc[2] = 0;
        }
    }
    w->cache[slot].off = e->offset;
    memcpy(w->cache[slot].cc, cc, 3);
    w->cache[slot].valid = 1;
}

static pk_status flush(walk *w)
{
    if (!w->have)
        return PK_OK;
    w->have = 0;
    if (w->im->records >= PKI_IP_MAX_RANGES)
        return pki_imp_fail(w->im, PK_E_LIMIT, NULL, "more than %u ranges", PKI_IP_MAX_RANGES);
    return pki_imp_iprange(w->im, w->lo, w->hi, w->cc);
}

static void inc(uint8_t a[16])
{
    for (int i = 15; i >= 0 && ++a[i] == 0; i--)
        ;
}

/* The range of a record at `depth` bits below `prefix`. */
static pk_status emit(walk *w, const uint8_t prefix[16], unsigned depth, unsigned bits,
                      MMDB_entry_s *e)
{
    char cc[3];
    country_of(w, e, cc);
    if (!cc[0]) {
        pki_imp_skip(w->im);
        return PK_OK;
    }
    uint8_t lo[16], hi[16];
    unsigned base = bits == 32 ? 96 : 0, total = base + depth;
    memcpy(lo, prefix, 16);
    memcpy(hi, prefix, 16);
    for (unsigned b = total; b < 128; b++)
        hi[b / 8] |= (uint8_t)(0x80u >> (b % 8));
    static const uint8_t zero[12];
    if (memcmp(hi, zero, 12) == 0) { /* IPv4: ::a.b.c.d is stored as ::ffff:a.b.c.d */
        lo[10] = lo[11] = hi[10] = hi[11] = 0xff;
    }
    if (w->have && strcmp(w->cc, cc) == 0) {
        uint8_t next[16];
        memcpy(next, w->hi, 16);
        inc(next);
        if (memcmp(next, lo, 16) == 0) {
            memcpy(w->hi, hi, 16);
            return PK_OK;
        }
    }
    pk_status st = flush(w);
    memcpy(w->lo, lo, 16);
    memcpy(w->hi, hi, 16);
    memcpy(w->cc, cc, 3);
    w->have = 1;
    return st;
}

/* A stack entry: a node to expand, or a data record to emit. */
typedef struct frame {
    int data;
    uint32_t node;
    uint8_t depth;
    uint8_t prefix[16];
    MMDB_entry_s entry;
} frame;

static int is_alias(const uint8_t p[16], unsigned depth)
{
    static const uint8_t v4map[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t six2four[2] = {0x20, 0x02}, teredo[4] = {0x20, 0x01, 0, 0};
    return (depth == 96 && memcmp(p, v4map, 12) == 0) ||
           (depth == 16 && memcmp(p, six2four, 2) == 0) ||
           (depth == 32 && memcmp(p, teredo, 4) == 0);
}

static pk_status walk_tree(walk *w)
{
    MMDB_s *m = w->m;
    unsigned bits = m->metadata.ip_version == 6 ? 128 : 32;
    uint32_t nodes = m->metadata.node_count;
    if (m->metadata.ip_version != 4 && m->metadata.ip_version != 6)
        return pki_imp_fail(w->im, PK_E_FEED, NULL, "ip_version %u is neither 4 nor 6",
                            (unsigned)m->metadata.ip_version);
    if (nodes == 0 || nodes > MMDB_MAX_NODES)
        return pki_imp_fail(w->im, PK_E_FEED, NULL, "%u search tree nodes (1..%u allowed)", nodes,
                            MMDB_MAX_NODES);
    /* Depth-first, right pushed before left, so ranges come out ascending.
     * Each expansion pops one frame and pushes two one level deeper: the
     * stack never holds more than bits + 2 frames. */
    frame stack[128 + 4];
    memset(&stack[0], 0, sizeof stack[0]);
    size_t sp = 1;
    uint64_t visits = 0;
    pk_status st = PK_OK;
    while (sp && st == PK_OK) {
        frame f = stack[--sp];
        if (f.data) {
            st = emit(w, f.prefix, f.depth, bits, &f.entry);
            continue;
        }
        if (++visits > (uint64_t)nodes)
            return pki_imp_fail(w->im, PK_E_FEED, NULL,
                                "the search tree visits more nodes than it has (%u): a loop"
                                " or shared subtrees",
                                nodes);
        if ((unsigned)f.depth >= bits)
            return pki_imp_fail(w->im, PK_E_FEED, NULL,
                                "search tree deeper than %u bits at node %u", bits, f.node);
        MMDB_search_node_s n;
        int rc = L.read_node(m, f.node, &n);
        if (rc != MMDB_SUCCESS)
            return pki_imp_fail(w->im, PK_E_FEED, NULL, "search tree node %u: %s", f.node,
                                L.strerror(rc));
        uint8_t type[2] = {n.left_record_type, n.right_record_type};
        uint64_t rec[2] = {n.left_record, n.right_record};
        MMDB_entry_s ent[2] = {n.left_record_entry, n.right_record_entry};
        for (int side = 1; side >= 0; side--) {
            frame k = f;
            k.depth = (uint8_t)(f.depth + 1);
            unsigned b = (bits == 32 ? 96 : 0) + f.depth;
            if (side)
                k.prefix[b / 8] |= (uint8_t)(0x80u >> (b % 8));
            if (type[side] == MMDB_RECORD_TYPE_EMPTY)
                continue;
            if (type[side] == MMDB_RECORD_TYPE_SEARCH_NODE) {
                if (bits == 128 && is_alias(k.prefix, k.depth))
                    continue;
                if (rec[side] >= nodes)
                    return pki_imp_fail(w->im, PK_E_FEED, NULL, "node %u points to node %llu",
                                        f.node, (unsigned long long)rec[side]);
                k.node = (uint32_t)rec[side];
            } else if (type[side] == MMDB_RECORD_TYPE_DATA) {
                k.data = 1;
                k.entry = ent[side];
            } else {
                return pki_imp_fail(w->im, PK_E_FEED, NULL,
                                    "node %u has a record pointing outside the file", f.node);
            }
            if (sp >= sizeof stack / sizeof stack[0])
                return pki_imp_fail(w->im, PK_E_FEED, NULL, "search tree too deep");
            stack[sp++] = k;
        }
    }
    return st == PK_OK ? flush(w) : st;
}

pk_status pki_import_mmdb(pki_imp *im, const char *buf, size_t len)
{
    pthread_once(&L_once, load);
    if (!L.h)
        return pki_imp_fail(im, PK_E_FEED, NULL,
                            "reading a MaxMind .mmdb needs libmaxminddb.so.0 (Debian package "
                            "libmaxminddb0), which cannot be loaded");
    /* libmaxminddb opens files: the bytes (perhaps an archive member) go to
     * an anonymous memory file */
    int fd = memfd_create("parakh-mmdb", MFD_CLOEXEC);
    if (fd < 0)
        return pki_imp_fail(im, PK_E_IO, NULL, "cannot create a memory file");
    size_t off = 0;
    while (off < len) {
        ssize_t r = write(fd, buf + off, len - off);
        if (r <= 0) {
            close(fd);
            return pki_imp_fail(im, PK_E_IO, NULL, "cannot write a memory file");
        }
        off += (size_t)r;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    MMDB_s m;
    memset(&m, 0, sizeof m);
    int rc = L.open(path, MMDB_MODE_MMAP, &m);
    close(fd); /* the mapping keeps the memory */
    if (rc != MMDB_SUCCESS)
        return pki_imp_fail(im, PK_E_FEED, NULL, "not a readable MaxMind DB: %s", L.strerror(rc));
    walk *w = pki_calloc(1, sizeof *w);
    pk_status st = PK_E_NOMEM;
    if (w) {
        w->im = im;
        w->m = &m;
        if (m.metadata.build_epoch) {
            time_t t = (time_t)m.metadata.build_epoch;
            struct tm tm;
            char d[32];
            if (gmtime_r(&t, &tm) && strftime(d, sizeof d, "%Y-%m-%d", &tm))
                pki_imp_feed_date(im, d);
        }
        st = walk_tree(w);
        pki_free(w);
    }
    L.close(&m);
    return st;
}
