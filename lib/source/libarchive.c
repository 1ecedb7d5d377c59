/* Container reader over libarchive: every format and filter it reads. */
#include "container_int.h"

#include "../core/core_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct pki_container {
    struct archive *a;
    char fmt[96];
};

/* Stable short names (libarchive's own names vary per entry: "ZIP 2.0 (deflation)"). */
static const char *format_short(int code)
{
    switch (code & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_CPIO:
        return "cpio";
    case ARCHIVE_FORMAT_SHAR:
        return "shar";
    case ARCHIVE_FORMAT_TAR:
        return "tar";
    case ARCHIVE_FORMAT_ISO9660:
        return "iso9660";
    case ARCHIVE_FORMAT_ZIP:
        return "zip";
    case ARCHIVE_FORMAT_EMPTY:
        return "empty";
    case ARCHIVE_FORMAT_AR:
        return "ar";
    case ARCHIVE_FORMAT_MTREE:
        return "mtree";
    case ARCHIVE_FORMAT_RAW:
        return "raw";
    case ARCHIVE_FORMAT_XAR:
        return "xar";
    case ARCHIVE_FORMAT_LHA:
        return "lha";
    case ARCHIVE_FORMAT_CAB:
        return "cab";
    case ARCHIVE_FORMAT_RAR:
        return "rar";
    case ARCHIVE_FORMAT_7ZIP:
        return "7z";
    case ARCHIVE_FORMAT_WARC:
        return "warc";
    case ARCHIVE_FORMAT_RAR_V5:
        return "rar5";
    default:
        return "unknown";
    }
}

static void describe(pki_container *c)
{
    size_t n = (size_t)snprintf(c->fmt, sizeof c->fmt, "%s", format_short(archive_format(c->a)));
    /* filters, innermost first: "tar+gzip" */
    int nf = archive_filter_count(c->a);
    for (int i = 0; i < nf && n < sizeof c->fmt; i++) {
        if (archive_filter_code(c->a, i) == ARCHIVE_FILTER_NONE)
            continue;
        n += (size_t)snprintf(c->fmt + n, sizeof c->fmt - n, "+%s", archive_filter_name(c->a, i));
    }
}

static pk_status la_open(const char *path, pki_container **out, const char **fmt, char *err,
                         size_t errlen)
{
    *out = NULL;
    pki_container *c = pki_calloc(1, sizeof *c);
    if (!c)
        return PK_E_NOMEM;
    c->a = archive_read_new();
    if (!c->a) {
        pki_free(c);
        return PK_E_NOMEM;
    }
    archive_read_support_filter_all(c->a);
    archive_read_support_format_all(c->a);
    /* a bare compressed stream (file.gz of a non-archive) becomes one entry */
    archive_read_support_format_raw(c->a);
    if (archive_read_open_filename(c->a, path, 65536) != ARCHIVE_OK) {
        snprintf(err, errlen, "%s",
                 archive_error_string(c->a) ? archive_error_string(c->a)
                                            : "not a readable archive");
        archive_read_free(c->a);
        pki_free(c);
        return PK_E_IO;
    }
    c->fmt[0] = 0;
    *out = c;
    *fmt = c->fmt;
    return PK_OK;
}

static pki_ent_kind kind_of(struct archive_entry *e)
{
    if (archive_entry_hardlink(e))
        return PKI_ENT_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFREG:
        return PKI_ENT_FILE;
    case AE_IFDIR:
        return PKI_ENT_DIR;
    case AE_IFLNK:
        return PKI_ENT_SYMLINK;
    case AE_IFCHR:
        return PKI_ENT_CHARDEV;
    case AE_IFBLK:
        return PKI_ENT_BLOCKDEV;
    case AE_IFIFO:
        return PKI_ENT_FIFO;
    case AE_IFSOCK:
        return PKI_ENT_SOCKET;
    default:
        /* some formats (raw, 7z entries without mode) leave the type unset */
        return archive_entry_filetype(e) == 0 ? PKI_ENT_FILE : PKI_ENT_OTHER;
    }
}

/* GNU ar's symbol index "/" (and "/SYM64/") and long-name table "//" are
 * archive metadata, not members, but libarchive returns them as entries. */
static int ar_metadata(pki_container *c, struct archive_entry *e)
{
    const char *nm = archive_entry_pathname(e);
    return (archive_format(c->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_AR && nm &&
           (strcmp(nm, "/") == 0 || strcmp(nm, "//") == 0 || strcmp(nm, "/SYM64/") == 0);
}

static int la_next(pki_container *c, pki_entry *out, char *err, size_t errlen)
{
    struct archive_entry *e;
    int r;
    do /* a loop, not recursion: a hostile ar may hold any number of them */
        r = archive_read_next_header(c->a, &e);
    while ((r == ARCHIVE_OK || r == ARCHIVE_WARN) && ar_metadata(c, e));
    if (r == ARCHIVE_EOF)
        return 0;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
        snprintf(err, errlen, "%s",
                 archive_error_string(c->a) ? archive_error_string(c->a) : "corrupt header");
        return -1;
    }
    /* ARCHIVE_WARN: the entry is usable (e.g. an odd charset); go on */
    if (!c->fmt[0])
        describe(c);
    memset(out, 0, sizeof *out);
    const char *name = archive_entry_pathname(e);
    out->name = name ? name : "";
    out->kind = kind_of(e);
    if (out->kind == PKI_ENT_HARDLINK)
        out->link_target = archive_entry_hardlink(e);
    else if (out->kind == PKI_ENT_SYMLINK)
        out->link_target = archive_entry_symlink(e);
    out->size = archive_entry_size_is_set(e) ? (int64_t)archive_entry_size(e) : -1;
    out->mode = (uint32_t)archive_entry_perm(e);
    out->encrypted = archive_entry_is_data_encrypted(e) ? 1 : 0;
    return 1;
}

static ssize_t la_read(pki_container *c, void *buf, size_t len, char *err, size_t errlen)
{
    la_ssize_t n = archive_read_data(c->a, buf, len);
    if (n < 0) {
        snprintf(err, errlen, "%s",
                 archive_error_string(c->a) ? archive_error_string(c->a) : "corrupt data");
        return -1;
    }
    return (ssize_t)n;
}

static void la_close(pki_container *c)
{
    if (!c)
        return;
    archive_read_free(c->a);
    pki_free(c);
}

const pki_container_ops pki_container_libarchive = {
    .name = "libarchive",
    .open = la_open,
    .next = la_next,
    .read = la_read,
    .close = la_close,
};
