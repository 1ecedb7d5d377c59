/* Container readers: the formats parakh opens to reach the files inside.
 *
 * A reader only lists entries and streams their bytes; it never creates a
 * file. unpack.c owns everything that touches the disk and every limit (size,
 * ratio, entries, time), so a reader cannot be the place a limit is forgotten.
 *
 * Ownership: the reader owns the entry strings it returns; they stay valid
 * until the next call to next() or close(). */
#ifndef PK_SOURCE_CONTAINER_INT_H
#define PK_SOURCE_CONTAINER_INT_H

#include <parakh/status.h>
#include <sys/types.h>

typedef enum pki_ent_kind {
    PKI_ENT_FILE = 0,
    PKI_ENT_DIR,
    PKI_ENT_SYMLINK,
    PKI_ENT_HARDLINK,
    PKI_ENT_CHARDEV,
    PKI_ENT_BLOCKDEV,
    PKI_ENT_FIFO,
    PKI_ENT_SOCKET,
    PKI_ENT_OTHER,
} pki_ent_kind;

typedef struct pki_entry {
    const char *name; /* as stored in the container: hostile, may hold ../ or start with / */
    pki_ent_kind kind;
    const char *link_target; /* symlink or hardlink target, else NULL */
    int64_t size;            /* declared size; -1 when unknown */
    uint32_t mode;           /* permission bits as stored, 0 when unknown */
    int encrypted;           /* the entry's data is encrypted and cannot be read */
} pki_entry;

typedef struct pki_container pki_container; /* a reader's own state */

typedef struct pki_container_ops {
    const char *name; /* "libarchive", "squashfs", "ole" */
    /* Opens the container in the file at path. On success *fmt names the format
     * ("zip", "tar.gz", "squashfs", "msi", ...), owned by the reader.
     * Returns PK_OK, or PK_E_IO with a one-line reason in err when the file is
     * not this format or is corrupt before the first entry. */
    pk_status (*open)(const char *path, pki_container **out, const char **fmt, char *err,
                      size_t errlen);
    /* Next entry: 1 = *e filled, 0 = no more entries, -1 = corrupt (reason in err). */
    int (*next)(pki_container *c, pki_entry *e, char *err, size_t errlen);
    /* Bytes of the current entry: >0 count, 0 at its end, -1 corrupt (reason in err). */
    ssize_t (*read)(pki_container *c, void *buf, size_t len, char *err, size_t errlen);
    void (*close)(pki_container *c); /* accepts NULL */
} pki_container_ops;

extern const pki_container_ops pki_container_libarchive;
extern const pki_container_ops pki_container_squashfs;
extern const pki_container_ops pki_container_ole;

#endif
