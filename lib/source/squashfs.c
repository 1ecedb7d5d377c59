/* SquashFS reader over libsquashfs (squashfs-tools-ng 1.2).
 *
 * Lists every inode reachable from the root with its full path and streams
 * regular files through sqfs_data_reader_read(). It never touches the disk
 * beyond reading the image.
 *
 * Walk: one directory listing is open at a time (a sqfs_dir_reader_t holds a
 * single position), so sub-directories met while listing are pushed on an
 * explicit stack and listed after the current one; no recursion, whatever the
 * image says. A hostile image can make that walk unbounded in three ways, and
 * each has its own cap here (docs/internals/containers.md):
 *   - a directory entry pointing back at an ancestor (a loop): every listing
 *     location (start block, offset) is listed at most once;
 *   - very deep nesting: directories deeper than SQ_DEPTH_MAX are yielded but
 *     not listed;
 *   - a huge tree: at most SQ_ENTRIES_MAX entries, and at most
 *     SQ_PENDING_BYTES_MAX bytes of paths and inodes waiting on the stack.
 * Skipped directories do not stop the walk; once everything reachable has
 * been yielded, next() returns -1 once with a count of what was skipped, so
 * the caller records that the listing is incomplete.
 *
 * Ownership: the container owns the libsquashfs objects, the entry strings
 * (valid until the next next() or close()) and every pending inode. */
#include "core/core_int.h"
#include "source/container_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>
#include <sys/stat.h>

/* Caps on super block counts (see sq_open): far above real images (a 1 GB
 * distribution image has ~100k fragments and ~200k inodes). */
#define SQ_MAX_INODES    (1u << 24)
#define SQ_MAX_FRAGMENTS (1u << 22)

enum {
    SQ_ENTRIES_MAX = 1000000, /* a root filesystem has ~100k; above that is an attack */
    SQ_DEPTH_MAX = 256,       /* path components; deeper than any real tree (PATH_MAX 4096) */
};
/* Paths and inodes queued for listing; bounds memory when a compact image
 * expands into long paths (256 levels of 255-byte names = 64 KiB per path). */
#define SQ_PENDING_BYTES_MAX ((size_t)64 << 20)
/* One call to sqfs_data_reader_read() takes a u32 and returns an s32. */
#define SQ_READ_CHUNK_MAX ((size_t)1 << 20)

typedef struct sq_pending {
    sqfs_inode_generic_t *inode; /* a directory inode, sqfs_free()d */
    char *path;                  /* "" for the root */
    uint32_t depth;              /* components in path */
    size_t cost;                 /* bytes charged to pending_bytes */
} sq_pending;

typedef struct sq_state {
    sqfs_file_t *file;
    sqfs_compressor_t *cmp;
    sqfs_dir_reader_t *dir;
    sqfs_data_reader_t *data;
    sqfs_super_t super;

    sq_pending *stack; /* directories waiting to be listed */
    size_t nstack, capstack;
    size_t pending_bytes;

    uint64_t *seen; /* open-addressing set of listing locations, 0 = empty */
    size_t nseen, capseen;

    int have_dir;   /* a listing is open in dir */
    char *dir_path; /* path of the open listing, "" for the root */
    uint32_t dir_depth;

    size_t nentries;
    unsigned long skip_loop, skip_depth, skip_mem;
    int finished; /* the final -1 or 0 has been returned */

    /* current entry */
    char *ename;
    char *etarget;
    sqfs_inode_generic_t *finode; /* regular file being read, else NULL */
    uint64_t fsize, foff;
} sq_state;

static sq_state *sq_of(pki_container *c)
{
    return (sq_state *)(void *)c;
}

static const char *sq_strerror(int code)
{
    switch (code) {
    case SQFS_ERROR_ALLOC:
        return "out of memory";
    case SQFS_ERROR_IO:
        return "read error or past the end of the image";
    case SQFS_ERROR_COMPRESSOR:
        return "decompression failed";
    case SQFS_ERROR_CORRUPTED:
        return "corrupted structure";
    case SQFS_ERROR_UNSUPPORTED:
        return "unsupported feature";
    case SQFS_ERROR_OVERFLOW:
        return "numeric overflow";
    case SQFS_ERROR_OUT_OF_BOUNDS:
        return "location out of bounds";
    case SFQS_ERROR_SUPER_MAGIC:
        return "not a squashfs image (bad magic)";
    case SFQS_ERROR_SUPER_VERSION:
        return "unsupported squashfs version";
    case SQFS_ERROR_SUPER_BLOCK_SIZE:
        return "invalid block size";
    case SQFS_ERROR_NOT_DIR:
        return "not a directory";
    case SQFS_ERROR_NO_ENTRY:
        return "no such entry";
    case SQFS_ERROR_LINK_LOOP:
        return "link loop";
    case SQFS_ERROR_NOT_FILE:
        return "not a regular file";
    default:
        return "unknown libsquashfs error";
    }
}

static void sq_seterr(char *err, size_t errlen, const char *what, int code)
{
    if (err && errlen)
        snprintf(err, errlen, "squashfs: %s: %s (%d)", what, sq_strerror(code), code);
}

/* --- visited listing locations ------------------------------------------- */

static uint64_t sq_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

/* Returns 1 if key was new (now recorded), 0 if seen before, -1 on no memory. */
PK_STATIC int sq_seen_add(sq_state *s, uint64_t key)
{
    key |= 1ULL << 63; /* locations use 48 bits; the top bit marks a used slot */
    if ((s->nseen + 1) * 2 > s->capseen) {
        size_t nc = s->capseen ? s->capseen * 2 : 64;
        uint64_t *ns = pki_calloc(nc, sizeof(*ns));
        if (!ns)
            return -1;
        for (size_t i = 0; i < s->capseen; i++) {
            if (!s->seen[i])
                continue;
            size_t j = sq_hash(s->seen[i]) & (nc - 1);
            while (ns[j])
                j = (j + 1) & (nc - 1);
            ns[j] = s->seen[i];
        }
        pki_free(s->seen);
        s->seen = ns;
        s->capseen = nc;
    }
    size_t j = sq_hash(key) & (s->capseen - 1);
    while (s->seen[j]) {
        if (s->seen[j] == key)
            return 0;
        j = (j + 1) & (s->capseen - 1);
    }
    s->seen[j] = key;
    s->nseen++;
    return 1;
}

/* --- directory stack ------------------------------------------------------ */

static int sq_is_dir(const sqfs_inode_generic_t *in)
{
    return in->base.type == SQFS_INODE_DIR || in->base.type == SQFS_INODE_EXT_DIR;
}

/* Where the listing lives, and whether it holds any entry at all (the stored
 * size is the listing size plus 3, see sqfs/inode.h). */
static uint64_t sq_dir_key(const sqfs_inode_generic_t *in, int *empty)
{
    uint64_t block, off, size;
    if (in->base.type == SQFS_INODE_EXT_DIR) {
        block = in->data.dir_ext.start_block;
        off = in->data.dir_ext.offset;
        size = in->data.dir_ext.size;
    } else {
        block = in->data.dir.start_block;
        off = in->data.dir.offset;
        size = in->data.dir.size;
    }
    *empty = size <= 3;
    return block << 16 | (off & 0xFFFF);
}

/* Queues a directory for listing; takes inode and path either way.
 * Returns 0, or -1 on no memory (both freed). */
static int sq_push(sq_state *s, sqfs_inode_generic_t *inode, char *path, uint32_t depth)
{
    int empty;
    uint64_t key = sq_dir_key(inode, &empty);
    if (empty) { /* nothing to list; empty listings may share a location */
        sqfs_free(inode);
        pki_free(path);
        return 0;
    }
    if (depth >= SQ_DEPTH_MAX) {
        s->skip_depth++;
        goto drop;
    }
    size_t cost = strlen(path) + 1 + sizeof(*inode) + inode->payload_bytes_used;
    if (cost > SQ_PENDING_BYTES_MAX - s->pending_bytes) {
        s->skip_mem++;
        goto drop;
    }
    int r = sq_seen_add(s, key);
    if (r < 0)
        goto nomem;
    if (r == 0) { /* this listing was queued before: a loop or a hard-linked dir */
        s->skip_loop++;
        goto drop;
    }
    if (!pki_grow((void **)&s->stack, &s->capstack, s->nstack + 1, sizeof(*s->stack)))
        goto nomem;
    s->stack[s->nstack++] = (sq_pending){inode, path, depth, cost};
    s->pending_bytes += cost;
    return 0;
drop:
    sqfs_free(inode);
    pki_free(path);
    return 0;
nomem:
    sqfs_free(inode);
    pki_free(path);
    return -1;
}

/* --- entries -------------------------------------------------------------- */

static pki_ent_kind sq_kind(const sqfs_inode_generic_t *in)
{
    switch (in->base.type) {
    case SQFS_INODE_DIR:
    case SQFS_INODE_EXT_DIR:
        return PKI_ENT_DIR;
    case SQFS_INODE_FILE:
    case SQFS_INODE_EXT_FILE:
        return PKI_ENT_FILE;
    case SQFS_INODE_SLINK:
    case SQFS_INODE_EXT_SLINK:
        return PKI_ENT_SYMLINK;
    case SQFS_INODE_BDEV:
    case SQFS_INODE_EXT_BDEV:
        return PKI_ENT_BLOCKDEV;
    case SQFS_INODE_CDEV:
    case SQFS_INODE_EXT_CDEV:
        return PKI_ENT_CHARDEV;
    case SQFS_INODE_FIFO:
    case SQFS_INODE_EXT_FIFO:
        return PKI_ENT_FIFO;
    case SQFS_INODE_SOCKET:
    case SQFS_INODE_EXT_SOCKET:
        return PKI_ENT_SOCKET;
    default:
        return PKI_ENT_OTHER;
    }
}

static char *sq_join(const char *dir, const char *name, size_t nlen)
{
    size_t dlen = strlen(dir);
    char *p = pki_malloc(dlen + 1 + nlen + 1);
    if (!p)
        return NULL;
    size_t o = 0;
    if (dlen) {
        memcpy(p, dir, dlen);
        p[dlen] = '/';
        o = dlen + 1;
    }
    memcpy(p + o, name, nlen);
    p[o + nlen] = 0;
    return p;
}

static void sq_clear_entry(sq_state *s)
{
    pki_free(s->ename);
    pki_free(s->etarget);
    sqfs_free(s->finode);
    s->ename = NULL;
    s->etarget = NULL;
    s->finode = NULL;
    s->fsize = s->foff = 0;
}

static void sq_close_dir(sq_state *s)
{
    pki_free(s->dir_path);
    s->dir_path = NULL;
    s->have_dir = 0;
}

/* Opens the next queued listing. 1 = opened, 0 = none left, -1 = error. */
static int sq_open_next_dir(sq_state *s, char *err, size_t errlen)
{
    if (s->nstack == 0)
        return 0;
    sq_pending p = s->stack[--s->nstack];
    s->pending_bytes -= p.cost;
    int r = sqfs_dir_reader_open_dir(s->dir, p.inode, 0);
    sqfs_free(p.inode); /* open_dir copies the location it needs */
    if (r != 0) {
        pki_free(p.path);
        sq_seterr(err, errlen, "opening a directory", r);
        return -1;
    }
    s->dir_path = p.path;
    s->dir_depth = p.depth;
    s->have_dir = 1;
    return 1;
}

static int sq_fill(sq_state *s, const sqfs_dir_entry_t *de, sqfs_inode_generic_t *in, pki_entry *e,
                   char *err, size_t errlen)
{
    /* the name is stored off by one; libsquashfs NUL-terminates its copy */
    size_t nlen = (size_t)de->size + 1;
    s->ename = sq_join(s->dir_path, (const char *)de->name, strnlen((const char *)de->name, nlen));
    if (!s->ename) {
        sqfs_free(in);
        goto nomem;
    }
    memset(e, 0, sizeof(*e));
    e->name = s->ename;
    e->kind = sq_kind(in);
    e->mode = in->base.mode & 07777;
    e->size = 0;
    switch (e->kind) {
    case PKI_ENT_FILE: {
        sqfs_u64 sz = 0;
        sqfs_inode_get_file_size(in, &sz);
        e->size = sz > INT64_MAX ? -1 : (int64_t)sz;
        s->fsize = sz;
        s->finode = in; /* kept for read() */
        return 1;
    }
    case PKI_ENT_SYMLINK: {
        /* both slink layouts start with nlink, target_size; the target
         * follows the inode and is bounded by the payload actually read */
        size_t tl = in->data.slink.target_size;
        if (tl > in->payload_bytes_used)
            tl = in->payload_bytes_used;
        s->etarget = pki_strndup((const char *)in->extra, strnlen((const char *)in->extra, tl));
        if (!s->etarget) {
            sqfs_free(in);
            goto nomem;
        }
        e->link_target = s->etarget;
        e->size = (int64_t)strlen(s->etarget);
        break;
    }
    case PKI_ENT_DIR: {
        char *path = pki_strdup(s->ename);
        if (!path) {
            sqfs_free(in);
            goto nomem;
        }
        if (sq_push(s, in, path, s->dir_depth + 1) < 0)
            goto nomem;
        return 1;
    }
    default:
        break;
    }
    sqfs_free(in);
    return 1;
nomem:
    snprintf(err, errlen, "squashfs: out of memory");
    return -1;
}

static int sq_next(pki_container *c, pki_entry *e, char *err, size_t errlen)
{
    sq_state *s = sq_of(c);
    sq_clear_entry(s);
    if (s->finished)
        return 0;
    for (;;) {
        if (!s->have_dir) {
            int r = sq_open_next_dir(s, err, errlen);
            if (r < 0)
                goto corrupt;
            if (r == 0)
                break;
        }
        sqfs_dir_entry_t *de = NULL;
        int r = sqfs_dir_reader_read(s->dir, &de);
        if (r > 0) {
            sq_close_dir(s);
            continue;
        }
        if (r < 0) {
            sq_seterr(err, errlen, "reading a directory listing", r);
            goto corrupt;
        }
        if (s->nentries >= SQ_ENTRIES_MAX) {
            sqfs_free(de);
            snprintf(err, errlen, "squashfs: more than %d entries; listing stopped",
                     SQ_ENTRIES_MAX);
            s->finished = 1;
            return -1;
        }
        sqfs_inode_generic_t *in = NULL;
        r = sqfs_dir_reader_get_inode(s->dir, &in);
        if (r != 0) {
            sqfs_free(de);
            sq_seterr(err, errlen, "reading an inode", r);
            goto corrupt;
        }
        s->nentries++;
        r = sq_fill(s, de, in, e, err, errlen);
        sqfs_free(de);
        if (r < 0)
            goto corrupt;
        return r;
    }
    s->finished = 1;
    if (s->skip_loop || s->skip_depth || s->skip_mem) {
        snprintf(err, errlen,
                 "squashfs: listing incomplete: %lu directory loop(s), %lu directory(ies) "
                 "deeper than %d, %lu over the %zu MiB walk budget not listed",
                 s->skip_loop, s->skip_depth, SQ_DEPTH_MAX, s->skip_mem,
                 SQ_PENDING_BYTES_MAX >> 20);
        return -1;
    }
    return 0;
corrupt: /* a -1 is final: the caller records it and moves on */
    s->finished = 1;
    return -1;
}

static ssize_t sq_read(pki_container *c, void *buf, size_t len, char *err, size_t errlen)
{
    sq_state *s = sq_of(c);
    if (!s->finode || s->foff >= s->fsize || len == 0)
        return 0;
    uint64_t left = s->fsize - s->foff;
    size_t n = len < SQ_READ_CHUNK_MAX ? len : SQ_READ_CHUNK_MAX;
    if (n > left)
        n = (size_t)left;
    sqfs_s32 r = sqfs_data_reader_read(s->data, s->finode, s->foff, buf, (sqfs_u32)n);
    if (r < 0) {
        sq_seterr(err, errlen, "reading file data", r);
        return -1;
    }
    if (r == 0) {
        snprintf(err, errlen, "squashfs: file data ends at %llu of %llu declared bytes",
                 (unsigned long long)s->foff, (unsigned long long)s->fsize);
        return -1;
    }
    s->foff += (uint64_t)r;
    return r;
}

static void sq_close(pki_container *c)
{
    sq_state *s = sq_of(c);
    if (!s)
        return;
    sq_clear_entry(s);
    sq_close_dir(s);
    for (size_t i = 0; i < s->nstack; i++) {
        sqfs_free(s->stack[i].inode);
        pki_free(s->stack[i].path);
    }
    pki_free(s->stack);
    pki_free(s->seen);
    sqfs_destroy(s->data);
    sqfs_destroy(s->dir);
    sqfs_destroy(s->cmp);
    sqfs_destroy(s->file);
    pki_free(s);
}

static pk_status sq_open_compressor(sq_state *s, char *err, size_t errlen)
{
    sqfs_compressor_config_t cfg;
    const char *cname = sqfs_compressor_name_from_id((SQFS_COMPRESSOR)s->super.compression_id);
    int r = sqfs_compressor_config_init(&cfg, (SQFS_COMPRESSOR)s->super.compression_id,
                                        s->super.block_size, SQFS_COMP_FLAG_UNCOMPRESS);
    if (r == 0)
        r = sqfs_compressor_create(&cfg, &s->cmp);
    if (r == 0)
        return PK_OK;
    s->cmp = NULL;
    if (r == SQFS_ERROR_UNSUPPORTED && cname)
        /* Debian's libsquashfs has no LZO: its licence keeps it in the tools */
        snprintf(err, errlen, "squashfs: compressor %s is not supported by this libsquashfs",
                 cname);
    else if (!cname)
        snprintf(err, errlen, "squashfs: unknown compressor id %u",
                 (unsigned)s->super.compression_id);
    else
        sq_seterr(err, errlen, "creating the decompressor", r);
    return r == SQFS_ERROR_ALLOC ? PK_E_NOMEM : PK_E_IO;
}

static pk_status sq_open(const char *path, pki_container **out, const char **fmt, char *err,
                         size_t errlen)
{
    pk_status st = PK_E_IO;
    *out = NULL;
    sq_state *s = pki_calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "squashfs: out of memory");
        return PK_E_NOMEM;
    }
    errno = 0;
    s->file = sqfs_open_file(path, SQFS_FILE_OPEN_READ_ONLY);
    if (!s->file) {
        snprintf(err, errlen, "squashfs: %s: %s", path, errno ? strerror(errno) : "cannot open");
        goto out;
    }
    int r = sqfs_super_read(&s->super, s->file);
    if (r != 0) {
        sq_seterr(err, errlen, "reading the super block", r);
        goto out;
    }
    /* libsquashfs allocates tables from super block counts before reading
     * them (a crafted 1 KiB image asked for 64 GiB): refuse counts no real
     * image has. A fragment holds the tail of at least one file, so there are
     * never more fragments than inodes. */
    struct stat sb;
    if (stat(path, &sb) != 0 || s->super.bytes_used > (uint64_t)sb.st_size ||
        s->super.inode_count > SQ_MAX_INODES || s->super.fragment_entry_count > SQ_MAX_FRAGMENTS ||
        s->super.fragment_entry_count > s->super.inode_count) {
        snprintf(err, errlen,
                 "squashfs: implausible super block (%u inodes, %u fragments, %llu bytes used "
                 "in a file of %llu)",
                 (unsigned)s->super.inode_count, (unsigned)s->super.fragment_entry_count,
                 (unsigned long long)s->super.bytes_used, (unsigned long long)sb.st_size);
        goto out;
    }
    st = sq_open_compressor(s, err, errlen);
    if (st != PK_OK)
        goto out;
    st = PK_E_NOMEM;
    s->dir = sqfs_dir_reader_create(&s->super, s->cmp, s->file, 0);
    s->data = sqfs_data_reader_create(s->file, s->super.block_size, s->cmp, 0);
    if (!s->dir || !s->data) {
        snprintf(err, errlen, "squashfs: out of memory");
        goto out;
    }
    st = PK_E_IO;
    r = sqfs_data_reader_load_fragment_table(s->data, &s->super);
    if (r != 0) {
        sq_seterr(err, errlen, "loading the fragment table", r);
        goto out;
    }
    sqfs_inode_generic_t *root = NULL;
    r = sqfs_dir_reader_get_root_inode(s->dir, &root);
    if (r != 0) {
        sq_seterr(err, errlen, "reading the root inode", r);
        goto out;
    }
    if (!sq_is_dir(root)) {
        sqfs_free(root);
        snprintf(err, errlen, "squashfs: the root inode is not a directory");
        goto out;
    }
    char *rootpath = pki_strdup("");
    if (!rootpath) {
        sqfs_free(root);
        st = PK_E_NOMEM;
        goto out;
    }
    if (sq_push(s, root, rootpath, 0) < 0) {
        st = PK_E_NOMEM;
        snprintf(err, errlen, "squashfs: out of memory");
        goto out;
    }
    *out = (pki_container *)(void *)s;
    *fmt = "squashfs";
    return PK_OK;
out:
    sq_close((pki_container *)(void *)s);
    return st;
}

const pki_container_ops pki_container_squashfs = {
    .name = "squashfs",
    .open = sq_open,
    .next = sq_next,
    .read = sq_read,
    .close = sq_close,
};
