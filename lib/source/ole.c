/* OLE compound file reader (MSI, MSP, MST, legacy Office) over libgsf.
 *
 * Yields every storage as a directory entry and every stream as a file entry,
 * with its path in the storage tree ("Storage/Stream"), and streams the bytes
 * of a stream with gsf_input_read(). An MSI's embedded cabinet is only a
 * stream here; the caller opens it with libarchive.
 *
 * MSI stream names are compressed (two characters per UTF-16 unit); when the
 * root CLSID says Windows Installer, names are decoded to what msiinfo shows
 * ("!_StringPool", "Binary.icon", "product.cab"). Nothing is percent-encoded
 * here: the caller owns evidence-path escaping.
 *
 * libgsf parses the whole directory tree in gsf_infile_msole_new() and keeps
 * its own loop check; this reader adds an explicit-stack walk with a depth cap
 * (OLE_DEPTH_MAX) and an entry cap (OLE_ENTRIES_MAX). Storages deeper than the
 * cap are yielded but not listed; after the last entry next() returns -1 once
 * with the count, so the caller records the listing as incomplete. GLib
 * warnings from libgsf about malformed files are silenced: a hostile file must
 * not write to the scanner's stderr.
 *
 * Ownership: the container owns its GObjects and the entry strings (valid
 * until the next next() or close()). */
#include "core/core_int.h"
#include "core/rd.h"
#include "source/container_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-stdio.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-utils.h>

/* Decodes an MSI stream name (UTF-8 as libgsf gives it) into out, NUL
 * terminated. Units U+3800..U+47FF carry two characters of the 64-character
 * table below (low 6 bits first), U+4800..U+483F one, and U+4840 is the '!'
 * that prefixes table streams; any other byte is copied as is, so out needs at
 * most n + 1 bytes. Returns the length written, or -1 if outlen is too small. */
int pki_msi_name_decode(const uint8_t *utf8, size_t n, char *out, size_t outlen);

enum {
    OLE_DEPTH_MAX = 64,       /* MSI nests storages once or twice; Office a few levels */
    OLE_ENTRIES_MAX = 100000, /* a large MSI has a few hundred streams */
    /* Directory entries in the file, checked before libgsf sees it: libgsf
     * builds its tree by recursion along sibling links (measured ~300 bytes of
     * stack per entry: 10,000 chained entries overflow a 2 MiB stack) and
     * inserts each child in a sorted list (30,000 entries: 11 s). 4096 keeps
     * both near 1 MiB and 0.2 s; real MSIs hold a few hundred. */
    OLE_DIRENTS_MAX = 4096,
};
#define OLE_READ_CHUNK_MAX ((size_t)1 << 20)

/* Windows Installer root CLSIDs as stored (GUID fields little-endian):
 * {000C1084-...} package, {000C1086-...} patch, {000C1082-...} transform. */
static const uint8_t ole_msi_clsid[16] = {0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                                          0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

typedef struct ole_frame {
    GsfInfile *dir;
    int next, count;
    char *path; /* "" for the root */
} ole_frame;

typedef struct ole_state {
    GsfInput *src;
    ole_frame stack[OLE_DEPTH_MAX + 1];
    int top; /* frames in use */
    int is_msi;
    size_t nentries;
    unsigned long skip_depth;
    int finished;

    char *ename;
    GsfInput *cur;  /* stream being read, NULL if none */
    int cur_broken; /* the entry's stream could not be opened */
} ole_state;

static ole_state *ole_of(pki_container *c)
{
    return (ole_state *)(void *)c;
}

/* --- MSI name decoding ---------------------------------------------------- */

static char ole_msi_char(unsigned x)
{
    static const char tab[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
    return tab[x & 0x3F];
}

int pki_msi_name_decode(const uint8_t *utf8, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        /* the range of interest is all three-byte sequences 0xE3..0xE4 */
        if (n - i >= 3 && (utf8[i] & 0xF0) == 0xE0 && (utf8[i + 1] & 0xC0) == 0x80 &&
            (utf8[i + 2] & 0xC0) == 0x80)
            cp = (unsigned)(utf8[i] & 0x0F) << 12 | (unsigned)(utf8[i + 1] & 0x3F) << 6 |
                 (unsigned)(utf8[i + 2] & 0x3F);
        char dec[2];
        size_t nd = 0, used = 1;
        if (cp >= 0x3800 && cp < 0x4800) {
            dec[0] = ole_msi_char(cp - 0x3800);
            dec[1] = ole_msi_char((cp - 0x3800) >> 6);
            nd = 2;
            used = 3;
        } else if (cp >= 0x4800 && cp < 0x4840) {
            dec[0] = ole_msi_char(cp - 0x4800);
            nd = 1;
            used = 3;
        } else if (cp == 0x4840) {
            dec[0] = '!';
            nd = 1;
            used = 3;
        } else {
            dec[0] = (char)utf8[i];
            nd = 1;
        }
        if (o >= outlen || outlen - o < nd + 1)
            return -1;
        memcpy(out + o, dec, nd);
        o += nd;
        i += used;
    }
    if (o >= outlen)
        return -1;
    out[o] = 0;
    return (int)o;
}

/* --- libgsf setup ---------------------------------------------------------- */

static void ole_quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg,
                          gpointer data)
{
    (void)domain;
    (void)level;
    (void)msg;
    (void)data;
}

static pthread_once_t ole_once = PTHREAD_ONCE_INIT;

static void ole_init_once(void)
{
    gsf_init();
    /* libgsf reports malformed files with g_warning and g_return_val_if_fail,
     * under "libgsf" and, from the OLE code, "libgsf:msole" (exact names:
     * g_log_set_handler matches a domain, not a prefix) */
    static const char *const domains[] = {"libgsf", "libgsf:msole"};
    for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++)
        g_log_set_handler(domains[i], G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                          ole_quiet_log, NULL);
}

/* --- walk ------------------------------------------------------------------ */

static char *ole_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = pki_malloc(dl + 1 + nl + 1);
    if (!p)
        return NULL;
    size_t o = 0;
    if (dl) {
        memcpy(p, dir, dl);
        p[dl] = '/';
        o = dl + 1;
    }
    memcpy(p + o, name, nl + 1);
    return p;
}

/* The entry name for child raw of a storage at path dir. */
static char *ole_name(const ole_state *s, const char *dir, const char *raw)
{
    if (!raw)
        raw = "";
    if (!s->is_msi)
        return ole_join(dir, raw);
    size_t n = strlen(raw);
    char *dec = pki_malloc(n + 1);
    if (!dec)
        return NULL;
    pki_msi_name_decode((const uint8_t *)raw, n, dec, n + 1); /* n + 1 always fits */
    char *p = ole_join(dir, dec);
    pki_free(dec);
    return p;
}

static void ole_clear_entry(ole_state *s)
{
    pki_free(s->ename);
    s->ename = NULL;
    if (s->cur)
        g_object_unref(s->cur);
    s->cur = NULL;
    s->cur_broken = 0;
}

static void ole_pop(ole_state *s)
{
    ole_frame *f = &s->stack[--s->top];
    g_object_unref(f->dir);
    pki_free(f->path);
    f->dir = NULL;
    f->path = NULL;
}

static int ole_next(pki_container *c, pki_entry *e, char *err, size_t errlen)
{
    ole_state *s = ole_of(c);
    ole_clear_entry(s);
    if (s->finished)
        return 0;
    while (s->top > 0) {
        ole_frame *f = &s->stack[s->top - 1];
        if (f->next >= f->count) {
            ole_pop(s);
            continue;
        }
        if (s->nentries >= OLE_ENTRIES_MAX) {
            snprintf(err, errlen, "ole: more than %d entries; listing stopped", OLE_ENTRIES_MAX);
            s->finished = 1;
            return -1;
        }
        int i = f->next++;
        s->nentries++;
        s->ename = ole_name(s, f->path, gsf_infile_name_by_index(f->dir, i));
        if (!s->ename) {
            snprintf(err, errlen, "ole: out of memory");
            s->finished = 1;
            return -1;
        }
        memset(e, 0, sizeof(*e));
        e->name = s->ename;
        e->kind = PKI_ENT_FILE;
        GsfInput *child = gsf_infile_child_by_index(f->dir, i);
        if (!child) { /* a broken chain: listed, and read() says why */
            e->size = -1;
            s->cur_broken = 1;
            return 1;
        }
        int nkids = GSF_IS_INFILE(child) ? gsf_infile_num_children(GSF_INFILE(child)) : -1;
        if (nkids < 0) {
            e->size = gsf_input_size(child);
            s->cur = child;
            return 1;
        }
        e->kind = PKI_ENT_DIR;
        if (s->top > OLE_DEPTH_MAX - 1) {
            s->skip_depth++;
            g_object_unref(child);
            return 1;
        }
        char *path = pki_strdup(s->ename);
        if (!path) {
            g_object_unref(child);
            snprintf(err, errlen, "ole: out of memory");
            s->finished = 1;
            return -1;
        }
        s->stack[s->top++] = (ole_frame){GSF_INFILE(child), 0, nkids, path};
        return 1;
    }
    s->finished = 1;
    if (s->skip_depth) {
        snprintf(err, errlen, "ole: listing incomplete: %lu storage(s) deeper than %d not listed",
                 s->skip_depth, OLE_DEPTH_MAX);
        return -1;
    }
    return 0;
}

static ssize_t ole_read(pki_container *c, void *buf, size_t len, char *err, size_t errlen)
{
    ole_state *s = ole_of(c);
    if (s->cur_broken) {
        snprintf(err, errlen, "ole: the stream's sector chain is invalid");
        return -1;
    }
    if (!s->cur || len == 0)
        return 0;
    gsf_off_t left = gsf_input_remaining(s->cur);
    if (left <= 0)
        return 0;
    size_t n = len < OLE_READ_CHUNK_MAX ? len : OLE_READ_CHUNK_MAX;
    if ((uint64_t)n > (uint64_t)left)
        n = (size_t)left;
    if (!gsf_input_read(s->cur, n, buf)) {
        snprintf(err, errlen, "ole: stream data unreadable at offset %lld",
                 (long long)gsf_input_tell(s->cur));
        return -1;
    }
    return (ssize_t)n;
}

static void ole_close(pki_container *c)
{
    ole_state *s = ole_of(c);
    if (!s)
        return;
    ole_clear_entry(s);
    while (s->top > 0)
        ole_pop(s);
    if (s->src)
        g_object_unref(s->src);
    pki_free(s);
}

static int ole_clsid_is_msi(GsfInfile *root)
{
    guint8 id[16];
    if (!gsf_infile_msole_get_class_id(GSF_INFILE_MSOLE(root), id))
        return 0;
    return (id[0] == 0x84 || id[0] == 0x86 || id[0] == 0x82) &&
           memcmp(id + 1, ole_msi_clsid + 1, sizeof(ole_msi_clsid) - 1) == 0;
}

/* --- pre-check of the directory size ---------------------------------------- */

#define OLE_DIRENT_SIZE  128u
#define OLE_MAXREGSECT   0xFFFFFFFAu /* sector numbers at or above are markers */
#define OLE_ENDOFCHAIN   0xFFFFFFFEu
#define OLE_HEADER_DIFAT 109u /* FAT sector numbers held in the header */

typedef struct ole_hdr {
    int fd;
    uint32_t ss;    /* sector size */
    uint64_t base;  /* file offset of sector 0 */
    uint64_t nsect; /* whole sectors in the file */
    pk_rd hdr;      /* the 512-byte header */
    uint32_t nfat;  /* FAT sectors, from the header */
    /* DIFAT sectors found so far, walked lazily (MS-CFB 2.5) */
    uint32_t *difat;
    size_t ndifat, capdifat;
    uint32_t ndifat_max, difat_next;
} ole_hdr;

static bool ole_pread_u32(const ole_hdr *h, uint64_t sector, uint32_t index, uint32_t *v)
{
    uint8_t b[4];
    if (sector >= h->nsect || (uint64_t)index * 4 + 4 > h->ss)
        return false;
    if (pread(h->fd, b, 4, (off_t)(h->base + sector * h->ss + (uint64_t)index * 4)) != 4)
        return false;
    pk_rd r = pk_rd_make((pk_bytes){b, 4});
    return pk_rd_u32le(&r, v);
}

/* The sector that holds FAT sector number fi: the header lists the first 109,
 * DIFAT sectors the rest, each ending with the next DIFAT sector's number.
 * Returns 1, 0 when the file does not say, -1 on no memory. */
static int ole_fat_sector(ole_hdr *h, uint32_t fi, uint32_t *out)
{
    if (fi >= h->nfat)
        return 0;
    if (fi < OLE_HEADER_DIFAT)
        return pk_rd_seek(&h->hdr, 0x4C + (uint64_t)fi * 4) && pk_rd_u32le(&h->hdr, out);
    uint32_t per = h->ss / 4 - 1, k = (fi - OLE_HEADER_DIFAT) / per;
    while (h->ndifat <= k) { /* fi < nsect / per: the walk is bounded by the file */
        if (h->ndifat >= h->ndifat_max)
            return 0;
        if (!pki_grow((void **)&h->difat, &h->capdifat, h->ndifat + 1, sizeof(*h->difat)))
            return -1;
        uint32_t cur = h->difat_next;
        if (!ole_pread_u32(h, cur, per, &h->difat_next))
            return 0;
        h->difat[h->ndifat++] = cur;
    }
    return ole_pread_u32(h, h->difat[k], (fi - OLE_HEADER_DIFAT) % per, out);
}

/* Follows the directory's sector chain and refuses a directory of more than
 * OLE_DIRENTS_MAX entries, or one whose chain cannot be followed, before
 * libgsf parses it (see OLE_DIRENTS_MAX). */
PK_STATIC pk_status ole_precheck(const char *path, char *err, size_t errlen)
{
    static const uint8_t magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    pk_status st = PK_E_IO;
    uint8_t hb[512];
    ole_hdr h = {.fd = open(path, O_RDONLY | O_CLOEXEC)};
    struct stat sb;
    if (errlen)
        err[0] = 0;
    if (h.fd < 0 || fstat(h.fd, &sb) != 0) {
        snprintf(err, errlen, "ole: %s: %s", path, strerror(errno));
        goto out;
    }
    if (pread(h.fd, hb, sizeof(hb), 0) != (ssize_t)sizeof(hb) || memcmp(hb, magic, 8) != 0) {
        snprintf(err, errlen, "ole: not a compound file (no OLE2 signature)");
        goto out;
    }
    h.hdr = pk_rd_make((pk_bytes){hb, sizeof(hb)});
    uint16_t shift = 0;
    uint32_t dir = 0;
    if (!pk_rd_seek(&h.hdr, 0x1E) || !pk_rd_u16le(&h.hdr, &shift) || !pk_rd_seek(&h.hdr, 0x2C) ||
        !pk_rd_u32le(&h.hdr, &h.nfat) || !pk_rd_u32le(&h.hdr, &dir) || !pk_rd_seek(&h.hdr, 0x44) ||
        !pk_rd_u32le(&h.hdr, &h.difat_next) || !pk_rd_u32le(&h.hdr, &h.ndifat_max))
        goto out;
    if (shift < 7 || shift > 16) { /* MS-CFB allows 9 and 12; libgsf 6 to 30 */
        snprintf(err, errlen, "ole: unreasonable sector size 2^%u", (unsigned)shift);
        goto out;
    }
    h.ss = 1u << shift;
    h.base = h.ss > sizeof(hb) ? h.ss : sizeof(hb); /* as libgsf places sector 0 */
    h.nsect = (uint64_t)sb.st_size > h.base ? ((uint64_t)sb.st_size - h.base) / h.ss : 0;
    uint32_t per = h.ss / 4, maxsect = (OLE_DIRENTS_MAX * OLE_DIRENT_SIZE + h.ss - 1) / h.ss;
    uint32_t count = 0, fs = 0;
    for (uint32_t s = dir; s != OLE_ENDOFCHAIN;) {
        /* a sector inside the file bounds the DIFAT walk by the file's size */
        int r = s < OLE_MAXREGSECT && s < h.nsect ? ole_fat_sector(&h, s / per, &fs) : 0;
        if (r < 0) {
            snprintf(err, errlen, "ole: out of memory");
            st = PK_E_NOMEM;
            goto out;
        }
        if (r == 0 || !ole_pread_u32(&h, fs, s % per, &s)) {
            snprintf(err, errlen, "ole: the directory's sector chain is broken");
            goto out;
        }
        if (++count > maxsect) { /* also ends a looping chain */
            snprintf(err, errlen, "ole: more than %d directory entries", OLE_DIRENTS_MAX);
            goto out;
        }
    }
    st = PK_OK;
out:
    if (st != PK_OK && errlen && !err[0])
        snprintf(err, errlen, "ole: the compound file header is unreadable");
    pki_free(h.difat);
    if (h.fd >= 0)
        close(h.fd);
    return st;
}

static pk_status ole_open(const char *path, pki_container **out, const char **fmt, char *err,
                          size_t errlen)
{
    pthread_once(&ole_once, ole_init_once);
    *out = NULL;
    pk_status st = ole_precheck(path, err, errlen);
    if (st != PK_OK)
        return st;
    ole_state *s = pki_calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "ole: out of memory");
        return PK_E_NOMEM;
    }
    GError *gerr = NULL;
    s->src = gsf_input_stdio_new(path, &gerr);
    if (!s->src) {
        snprintf(err, errlen, "ole: %s: %s", path, gerr ? gerr->message : "cannot open");
        goto fail;
    }
    GsfInfile *root = gsf_infile_msole_new(s->src, &gerr);
    if (!root) {
        snprintf(err, errlen, "ole: not a readable compound file: %s",
                 gerr ? gerr->message : "unknown error");
        goto fail;
    }
    int n = gsf_infile_num_children(root);
    if (n < 0) {
        g_object_unref(root);
        snprintf(err, errlen, "ole: the root entry is not a storage");
        goto fail;
    }
    char *rootpath = pki_strdup("");
    if (!rootpath) {
        g_object_unref(root);
        snprintf(err, errlen, "ole: out of memory");
        ole_close((pki_container *)(void *)s);
        return PK_E_NOMEM;
    }
    s->is_msi = ole_clsid_is_msi(root);
    s->stack[s->top++] = (ole_frame){root, 0, n, rootpath};
    *out = (pki_container *)(void *)s;
    *fmt = s->is_msi ? "msi" : "ole";
    return PK_OK;
fail:
    if (gerr)
        g_error_free(gerr);
    ole_close((pki_container *)(void *)s);
    return PK_E_IO;
}

const pki_container_ops pki_container_ole = {
    .name = "ole",
    .open = ole_open,
    .next = ole_next,
    .read = ole_read,
    .close = ole_close,
};
