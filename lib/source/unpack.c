/* Unpacking one container into the private temp tree, with every limit. */
#include "unpack_int.h"

#include "../core/core_int.h"
#include "linkmap_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define IOBUF (256u * 1024u)
/* Below this many bytes out, the ratio limit does not apply: small archives of
 * zeros or text legitimately compress far beyond any sane ratio. */
#define RATIO_FLOOR (32ull << 20)
/* How often (bytes written) the free space of the temp file system is checked. */
#define DISK_CHECK_EVERY (16ull << 20)

/* A set of 64-bit name hashes (open addressing), for the duplicate check; a
 * collision can only merge two names, which at 64 bits does not happen in
 * practice. */
typedef struct hset {
    uint64_t *v;
    size_t cap, n;
} hset;

struct pki_unpack {
    const pki_unpack_env *env;
    const pki_container_ops *ops;
    pki_container *c;
    const char *fmt;
    char *vpath;
    char *raw_name; /* for a bare compressed stream: the name without .gz */
    uint64_t size, out_bytes, entries, since_disk_check;
    int done, raw, pending; /* pending: the entry read at open is not returned yet */
    pki_entry pend;
    /* strings of the entry last returned */
    char *cur_vpath;
    char disk_path[4096];
    hset seen;          /* names, for the duplicate check */
    pki_linkmap *links; /* symlinks seen so far, for the symlink attack */
    uint8_t *buf;
};

static void diag_set(pki_unpack_diag *d, const char *vpath, const char *rule, pk_severity sev,
                     uint8_t conf, const char *record, pk_bytes ev, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void diag_set(pki_unpack_diag *d, const char *vpath, const char *rule, pk_severity sev,
                     uint8_t conf, const char *record, pk_bytes ev, const char *fmt, ...)
{
    d->vpath = vpath;
    d->spec.rule_id = rule;
    d->spec.severity = sev;
    d->spec.confidence = conf;
    d->spec.loc.offset = PK_LOC_NONE;
    d->spec.loc.length = 0;
    d->spec.loc.record = record;
    d->spec.evidence = ev;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
}

static pk_bytes str_ev(const char *s)
{
    pk_bytes b = {(const uint8_t *)s, s ? strlen(s) : 0};
    return b;
}

static const pki_container_ops *reader_for(pk_ftype t)
{
    switch (t) {
    case PK_FT_SQUASHFS:
        return &pki_container_squashfs;
    case PK_FT_OLE:
    case PK_FT_MSI:
        return &pki_container_ole;
    default:
        return &pki_container_libarchive;
    }
}

static int is_stream_compressor(pk_ftype t)
{
    return t == PK_FT_GZIP || t == PK_FT_BZIP2 || t == PK_FT_XZ || t == PK_FT_LZMA ||
           t == PK_FT_ZSTD || t == PK_FT_LZ4;
}

/* "x.tar.gz" -> "x.tar"; "x.gz" -> "x"; otherwise "<name>.data". */
static char *raw_name_of(const char *vpath)
{
    const char *base = strrchr(vpath, '/');
    base = base ? base + 1 : vpath;
    static const char *const ext[] = {".gz",  ".tgz", ".xz",   ".txz", ".bz2", ".tbz2",
                                      ".zst", ".lz4", ".lzma", ".Z",   ".z"};
    size_t bl = strlen(base);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t el = strlen(ext[i]);
        if (bl > el && strcmp(base + bl - el, ext[i]) == 0) {
            if (ext[i][1] == 't' && ext[i][2] != 0 && strcmp(ext[i], ".tar") != 0) {
                char *r = pki_malloc(bl - el + 5);
                if (r)
                    snprintf(r, bl - el + 5, "%.*s.tar", (int)(bl - el), base);
                return r;
            }
            return pki_strndup(base, bl - el);
        }
    }
    char *r = pki_malloc(bl + 6);
    if (r)
        snprintf(r, bl + 6, "%s.data", base);
    return r;
}

pk_status pki_unpack_open(const pki_unpack_env *env, const char *path, const char *vpath,
                          pk_ftype t, uint64_t size, pki_unpack **out, pki_unpack_diag *diag)
{
    *out = NULL;
    memset(diag, 0, sizeof *diag);
    pki_unpack *u = pki_calloc(1, sizeof *u);
    if (!u)
        return PK_E_NOMEM;
    u->env = env;
    u->size = size;
    u->ops = reader_for(t);
    u->vpath = pki_strdup(vpath);
    u->buf = pki_malloc(IOBUF);
    u->links = pki_linkmap_new();
    if (!u->vpath || !u->buf || !u->links) {
        pki_unpack_close(u);
        return PK_E_NOMEM;
    }
    char err[256] = "";
    pk_status st = u->ops->open(path, &u->c, &u->fmt, err, sizeof err);
    if (st == PK_E_NOMEM) {
        pki_unpack_close(u);
        return st;
    }
    if (st != PK_OK) {
        /* vpath, not u->vpath: the diagnostic outlives u */
        if (t != PK_FT_PE && strstr(err, "too many filters"))
            diag_set(diag, vpath, "PK-SRC-0011", PK_SEV_HIGH, 90, NULL, str_ev(NULL),
                     "The stream is compressed inside itself more than libarchive's 25 filter "
                     "layers (a compression quine or bomb): %s.",
                     err);
        else if (t != PK_FT_PE)
            diag_set(diag, vpath, "PK-SRC-0005", PK_SEV_MEDIUM, 90, NULL, str_ev(NULL),
                     "The %s container cannot be opened: %s.", pk_ftype_name(t), err);
        pki_unpack_close(u);
        return PK_OK;
    }
    /* Read the first header now: it names the format (a PE is only a container
     * if an archive is attached) and a corrupt first header is a finding. */
    int r = u->ops->next(u->c, &u->pend, err, sizeof err);
    if (strcmp(u->fmt, "raw") == 0 || strncmp(u->fmt, "raw+", 4) == 0)
        u->raw = 1;
    if (t == PK_FT_PE && (r != 1 || u->raw)) {
        pki_unpack_close(u);
        return PK_OK;
    }
    if (u->raw && !is_stream_compressor(t)) {
        pki_unpack_close(u);
        return PK_OK;
    }
    if (r < 0) {
        diag_set(diag, vpath, "PK-SRC-0005", PK_SEV_MEDIUM, 90, NULL, str_ev(NULL),
                 "The %s container is corrupt or truncated before its first entry: %s.",
                 pk_ftype_name(t), err);
        u->done = 1;
    } else if (r == 0) {
        u->done = 1;
    } else {
        u->pending = 1;
        if (u->raw && !(u->raw_name = raw_name_of(vpath))) {
            pki_unpack_close(u);
            return PK_E_NOMEM;
        }
    }
    *out = u;
    return PK_OK;
}

const char *pki_unpack_format(const pki_unpack *u)
{
    return u->fmt && u->fmt[0] ? u->fmt : "unknown";
}

uint64_t pki_unpack_entries(const pki_unpack *u)
{
    return u->entries;
}

/* Normalised name hash: "./a/b/" and "a/b" are the same entry. */
static uint64_t name_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    while (n >= 2 && s[0] == '.' && s[1] == '/')
        s += 2, n -= 2;
    while (n > 0 && *s == '/')
        s++, n--;
    while (n > 0 && s[n - 1] == '/')
        n--;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h | 1; /* 0 marks an empty slot */
}

static int hset_has(const hset *hs, uint64_t h)
{
    if (!hs->cap)
        return 0;
    size_t j = h & (hs->cap - 1);
    while (hs->v[j]) {
        if (hs->v[j] == h)
            return 1;
        j = (j + 1) & (hs->cap - 1);
    }
    return 0;
}

/* Returns 1 if present before, 0 if added, -1 on allocation failure. */
static int hset_add(hset *hs, uint64_t h)
{
    if (hset_has(hs, h))
        return 1;
    if ((hs->n + 1) * 2 > hs->cap) {
        size_t nc = hs->cap ? hs->cap * 2 : 256;
        uint64_t *nv = pki_calloc(nc, sizeof *nv);
        if (!nv)
            return -1;
        for (size_t i = 0; i < hs->cap; i++) {
            if (!hs->v[i])
                continue;
            size_t j = hs->v[i] & (nc - 1);
            while (nv[j])
                j = (j + 1) & (nc - 1);
            nv[j] = hs->v[i];
        }
        pki_free(hs->v);
        hs->v = nv;
        hs->cap = nc;
    }
    size_t j = h & (hs->cap - 1);
    while (hs->v[j])
        j = (j + 1) & (hs->cap - 1);
    hs->v[j] = h;
    hs->n++;
    return 0;
}

/* A name that would land outside the extraction root if a naive tool used it. */
PK_STATIC int pki_unpack_name_escapes(const char *n);
PK_STATIC int pki_unpack_name_escapes(const char *n)
{
    if (n[0] == '/' || n[0] == '\\')
        return 1;
    if (((n[0] >= 'A' && n[0] <= 'Z') || (n[0] >= 'a' && n[0] <= 'z')) && n[1] == ':')
        return 1;
    int depth = 0;
    const char *p = n;
    while (*p) {
        const char *e = p;
        while (*e && *e != '/' && *e != '\\')
            e++;
        size_t l = (size_t)(e - p);
        if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 1;
        } else if (l > 0 && !(l == 1 && p[0] == '.')) {
            depth++;
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

/* Does a link at entry `name` pointing to `target` resolve outside the root? */
PK_STATIC int pki_unpack_link_escapes(const char *name, const char *target, int hard);
PK_STATIC int pki_unpack_link_escapes(const char *name, const char *target, int hard)
{
    if (!target || !target[0])
        return 0;
    if (target[0] == '/')
        return 1;
    if (hard) /* hardlink targets are archive paths, not relative to the entry */
        return pki_unpack_name_escapes(target);
    int depth = 0;
    const char *p = name, *last = name;
    for (const char *q = name; *q; q++)
        if (*q == '/')
            last = q + 1;
    /* the directory of the entry */
    while (p < last) {
        const char *e = p;
        while (e < last && *e != '/')
            e++;
        size_t l = (size_t)(e - p);
        if (l == 2 && p[0] == '.' && p[1] == '.')
            depth--;
        else if (l > 0 && !(l == 1 && p[0] == '.'))
            depth++;
        p = e + 1;
    }
    if (depth < 0)
        return 1;
    p = target;
    while (*p) {
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t l = (size_t)(e - p);
        if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 1;
        } else if (l > 0 && !(l == 1 && p[0] == '.')) {
            depth++;
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int disk_low(const pki_unpack_env *env)
{
    struct statvfs sv;
    if (statvfs(env->tmpdir, &sv) != 0)
        return 0;
    return (uint64_t)sv.f_bavail * sv.f_frsize < env->lim->disk_reserve;
}

/* Streams the current entry into a new temp file. Returns 0, or -status.
 * Sets a diagnostic when a limit cut the entry or the container. */
static int extract(pki_unpack *u, const pki_entry *en, pki_unpacked *e, pki_unpack_diag *diag,
                   uint64_t deadline)
{
    const pki_unpack_env *env = u->env;
    const pk_limits *lim = env->lim;
    unsigned long long seq = atomic_fetch_add(env->tmp_seq, 1);
    snprintf(u->disk_path, sizeof u->disk_path, "%s/f%llu", env->tmpdir, seq);
    int fd = open(u->disk_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -PK_E_IO;
    uint64_t got = 0;
    char err[256] = "";
    uint64_t allowed = (uint64_t)lim->max_ratio * u->size;
    if (allowed < RATIO_FLOOR)
        allowed = RATIO_FLOOR;
    /* tar's sparse entries end in holes libarchive does not return: the
     * declared size is the content, so the rest is zeros (what tar -x makes),
     * and the limits below see every byte of it */
    int padding = 0, is_tar = strncmp(u->fmt, "tar", 3) == 0;
    for (;;) {
        ssize_t n;
        if (padding) {
            uint64_t left = (uint64_t)en->size - got;
            n = (ssize_t)(left < IOBUF ? left : IOBUF);
            memset(u->buf, 0, (size_t)n);
        } else {
            n = u->ops->read(u->c, u->buf, IOBUF, err, sizeof err);
        }
        if (n == 0 && !padding && en->size > 0 && got < (uint64_t)en->size) {
            if (is_tar) {
                padding = 1;
                continue;
            }
            diag_set(diag, e->vpath, "PK-SRC-0005", PK_SEV_MEDIUM, 90, NULL, str_ev(NULL),
                     "The entry declares %lld bytes but holds only %llu.", (long long)en->size,
                     (unsigned long long)got);
            break;
        }
        if (n == 0)
            break;
        if (n < 0) {
            diag_set(diag, e->vpath, "PK-SRC-0005", PK_SEV_MEDIUM, 90, NULL, str_ev(NULL),
                     "The entry is truncated or corrupt after %llu bytes: %s.",
                     (unsigned long long)got, err);
            e->truncated = 1;
            u->done = 1;
            break;
        }
        uint64_t take = (uint64_t)n;
        if (got + take > lim->max_file_bytes) {
            take = lim->max_file_bytes - got;
            e->truncated = 1;
            diag_set(diag, e->vpath, "PK-SRC-0012", PK_SEV_MEDIUM, 100, NULL, str_ev(NULL),
                     "The entry is larger than the per-file limit of %llu bytes (declared size "
                     "%lld); only its first %llu bytes were analysed.",
                     (unsigned long long)lim->max_file_bytes, (long long)en->size,
                     (unsigned long long)lim->max_file_bytes);
        }
        if (u->out_bytes + take > allowed) {
            diag_set(diag, u->vpath, "PK-SRC-0007", PK_SEV_HIGH, 95, NULL, str_ev(NULL),
                     "Decompression bomb: the container of %llu bytes expands past %llu bytes "
                     "(ratio limit %u); unpacking of this container stopped.",
                     (unsigned long long)u->size, (unsigned long long)allowed, lim->max_ratio);
            u->done = 1;
            e->truncated = 1;
            take = allowed > u->out_bytes ? allowed - u->out_bytes : 0;
        }
        uint64_t tot = atomic_fetch_add(env->total_bytes, take) + take;
        if (tot > lim->max_total_bytes) {
            diag_set(diag, u->vpath, "PK-SRC-0008", PK_SEV_HIGH, 100, NULL, str_ev(NULL),
                     "The scan reached its limit of %llu unpacked bytes; unpacking stopped.",
                     (unsigned long long)lim->max_total_bytes);
            atomic_store(env->stop_unpacking, 1);
            u->done = 1;
        }
        if (take && write_all(fd, u->buf, (size_t)take) != 0) {
            int er = errno;
            close(fd);
            if (er == ENOSPC || er == EDQUOT) {
                diag_set(diag, u->vpath, "PK-SRC-0016", PK_SEV_HIGH, 100, NULL, str_ev(NULL),
                         "The temporary file system is full; unpacking stopped.");
                atomic_store(env->stop_unpacking, 1);
                u->done = 1;
                e->truncated = 1;
                e->size = got;
                return 0;
            }
            return -PK_E_IO;
        }
        got += take;
        u->out_bytes += take;
        u->since_disk_check += take;
        if (u->since_disk_check >= DISK_CHECK_EVERY) {
            u->since_disk_check = 0;
            if (disk_low(env)) {
                diag_set(diag, u->vpath, "PK-SRC-0016", PK_SEV_HIGH, 100, NULL, str_ev(NULL),
                         "Free space on the temporary file system fell below the reserve of "
                         "%llu bytes; unpacking stopped.",
                         (unsigned long long)lim->disk_reserve);
                atomic_store(env->stop_unpacking, 1);
                u->done = 1;
            }
        }
        if (u->done || take < (uint64_t)n)
            break;
        if (pki_now_ms() > deadline) {
            diag_set(diag, u->vpath, "PK-SRC-0010", PK_SEV_MEDIUM, 100, NULL, str_ev(NULL),
                     "Unpacking took longer than the per-file limit of %u ms; stopped.",
                     lim->file_time_ms);
            e->truncated = 1;
            u->done = 1;
            break;
        }
        if (atomic_load(env->cancel)) {
            u->done = 1;
            break;
        }
    }
    if (close(fd) != 0)
        return -PK_E_IO;
    e->disk_path = u->disk_path;
    e->size = got;
    return 0;
}

int pki_unpack_next(pki_unpack *u, pki_unpacked *e, pki_unpack_diag dg[PKI_UNPACK_DIAGS],
                    uint64_t deadline)
{
    const pki_unpack_env *env = u->env;
    pki_unpack_diag *diag = &dg[0];
    memset(e, 0, sizeof *e);
    memset(dg, 0, PKI_UNPACK_DIAGS * sizeof *dg);
    pki_free(u->cur_vpath);
    u->cur_vpath = NULL;
    char err[256] = "";
    for (;;) {
        if (u->done || atomic_load(env->cancel))
            return 0;
        if (atomic_load(env->stop_unpacking)) {
            diag_set(diag, u->vpath, "PK-SRC-0008", PK_SEV_MEDIUM, 100, NULL, str_ev(NULL),
                     "Unpacking of this container was cut short by a scan-wide limit.");
            u->done = 1;
            return 0;
        }
        if (pki_now_ms() > deadline) {
            diag_set(diag, u->vpath, "PK-SRC-0010", PK_SEV_MEDIUM, 100, NULL, str_ev(NULL),
                     "Unpacking took longer than the per-file limit of %u ms; stopped after %llu "
                     "entries.",
                     env->lim->file_time_ms, (unsigned long long)u->entries);
            u->done = 1;
            return 0;
        }
        pki_entry en;
        int r;
        if (u->pending) {
            en = u->pend;
            u->pending = 0;
            r = 1;
        } else {
            r = u->ops->next(u->c, &en, err, sizeof err);
        }
        if (r == 0) {
            u->done = 1;
            return 0;
        }
        if (r < 0) {
            diag_set(diag, u->vpath, "PK-SRC-0005", PK_SEV_MEDIUM, 90, NULL, str_ev(NULL),
                     "The container is corrupt or truncated after %llu entries: %s.",
                     (unsigned long long)u->entries, err);
            u->done = 1;
            return 0;
        }
        u->entries++;
        if (atomic_fetch_add(env->total_entries, 1) + 1 > env->lim->max_entries) {
            diag_set(diag, u->vpath, "PK-SRC-0009", PK_SEV_HIGH, 100, NULL, str_ev(NULL),
                     "The scan reached its limit of %llu archive entries; unpacking stopped.",
                     (unsigned long long)env->lim->max_entries);
            atomic_store(env->stop_unpacking, 1);
            u->done = 1;
            return 0;
        }
        const char *name = u->raw ? u->raw_name : en.name;
        if (en.kind == PKI_ENT_DIR && !pki_unpack_name_escapes(name))
            continue; /* directories are not files; their entries are */
        u->cur_vpath = pki_vpath_join(u->vpath, name);
        if (!u->cur_vpath)
            return -PK_E_NOMEM;
        e->vpath = u->cur_vpath;
        e->kind = en.kind;
        e->link_target = en.link_target;
        e->mode = en.mode;
        int dup = hset_add(&u->seen, name_hash(name, strlen(name)));
        int via_link = pki_linkmap_escapes(u->links, name);
        int link_out = (en.kind == PKI_ENT_SYMLINK || en.kind == PKI_ENT_HARDLINK) &&
                       pki_unpack_link_escapes(name, en.link_target, en.kind == PKI_ENT_HARDLINK);
        if (dup < 0 ||
            (en.kind == PKI_ENT_SYMLINK && pki_linkmap_add(u->links, name, en.link_target) < 0))
            return -PK_E_NOMEM;
        /* at most one diagnostic per entry: the most severe wins */
        if (pki_unpack_name_escapes(name)) {
            diag_set(diag, e->vpath, "PK-SRC-0001", PK_SEV_HIGH, 100, "entry name", str_ev(name),
                     "The entry name leaves the extraction directory (absolute or '..'): a "
                     "naive unpacker would write outside its target.");
        } else if (via_link) {
            diag_set(diag, e->vpath, "PK-SRC-0019", PK_SEV_HIGH, 100, "entry name", str_ev(name),
                     "The entry is placed through a symbolic link of the same archive that "
                     "points outside the extraction directory: a naive unpacker would write "
                     "outside its target.");
        } else if (link_out && en.kind == PKI_ENT_HARDLINK) {
            diag_set(diag, e->vpath, "PK-SRC-0014", PK_SEV_HIGH, 100, "link target",
                     str_ev(en.link_target),
                     "The hard link points outside the extraction directory, to '%.200s'.",
                     en.link_target);
        } else if (link_out) {
            /* common and harmless in package payloads (/usr/bin/x -> /etc/alternatives/x);
             * dangerous only when a later entry is placed through it (PK-SRC-0019) */
            diag_set(diag, e->vpath, "PK-SRC-0002", PK_SEV_INFO, 100, "link target",
                     str_ev(en.link_target),
                     "The symbolic link points outside the extraction directory, to '%.200s'.",
                     en.link_target);
        } else if (en.kind == PKI_ENT_CHARDEV || en.kind == PKI_ENT_BLOCKDEV ||
                   en.kind == PKI_ENT_FIFO || en.kind == PKI_ENT_SOCKET) {
            diag_set(diag, e->vpath, "PK-SRC-0003", PK_SEV_MEDIUM, 100, "entry type", str_ev(NULL),
                     "The archive holds a %s entry; it was recorded, not created.",
                     en.kind == PKI_ENT_FIFO     ? "FIFO"
                     : en.kind == PKI_ENT_SOCKET ? "socket"
                                                 : "device");
        } else if (dup) {
            diag_set(diag, e->vpath, "PK-SRC-0004", PK_SEV_MEDIUM, 100, "entry name", str_ev(name),
                     "The name occurs more than once in the container; tools disagree on which "
                     "copy wins, so each copy was analysed.");
        } else if (en.encrypted) {
            diag_set(diag, e->vpath, "PK-SRC-0013", PK_SEV_MEDIUM, 100, NULL, str_ev(NULL),
                     "The entry is encrypted and could not be analysed.");
        }
        if (en.kind != PKI_ENT_FILE || en.encrypted)
            return 1; /* recorded, not extracted (a hostile DIR is returned for its finding) */
        /* a limit inside extract() goes in the second slot, so a name
         * finding and a size cut on the same entry are both reported */
        int x = extract(u, &en, e, &dg[1], deadline);
        if (x < 0)
            return x;
        return 1;
    }
}

void pki_unpack_close(pki_unpack *u)
{
    if (!u)
        return;
    if (u->c)
        u->ops->close(u->c);
    pki_free(u->vpath);
    pki_free(u->raw_name);
    pki_free(u->cur_vpath);
    pki_free(u->seen.v);
    pki_linkmap_free(u->links);
    pki_free(u->buf);
    pki_free(u);
}
