/* Unpacking one container into the private temp tree, entry by entry.
 *
 * The only code that writes to disk. Entry names never become disk paths:
 * each extracted file is tmpdir/f<n>, created O_EXCL|O_NOFOLLOW with mode
 * 0600, so `../`, absolute names and symlinks in an archive cannot place a
 * byte outside the tree. Symlinks, hardlinks, devices, FIFOs and sockets are
 * recorded, never created. Every limit is checked here and turned into a
 * finding on the container.
 *
 * Ownership: an iterator owns the strings of the entry it returns until the
 * next call; the caller owns (and must unlink) each returned disk_path file,
 * whose path string it must copy. */
#ifndef PK_SOURCE_UNPACK_INT_H
#define PK_SOURCE_UNPACK_INT_H

#include <parakh/analyzer.h>
#include <parakh/scan.h>
#include <stdatomic.h>

#include "container_int.h"

/* Shared across threads for one scan. */
typedef struct pki_unpack_env {
    const pk_limits *lim;
    const char *tmpdir;
    _Atomic uint64_t *total_bytes;   /* unpacked so far, whole scan */
    _Atomic uint64_t *total_entries; /* listed so far, whole scan */
    _Atomic uint64_t *tmp_seq;       /* names temp files */
    atomic_int *cancel;
    atomic_int *stop_unpacking; /* set when a scan-wide limit is reached */
} pki_unpack_env;

/* A diagnostic about the container or one entry; the caller turns it into a finding. */
typedef struct pki_unpack_diag {
    const char *vpath; /* the container's, or the entry's */
    pk_finding_spec spec;
    char message[512];
} pki_unpack_diag;

typedef struct pki_unpacked {
    const char *vpath; /* container vpath + "!/" + encoded entry name */
    pki_ent_kind kind;
    const char *link_target;
    const char *disk_path; /* FILE entries that were extracted; else NULL */
    uint64_t size;         /* bytes extracted */
    uint32_t mode;
    int truncated; /* a limit cut the file: only its first `size` bytes were extracted */
} pki_unpacked;

/* An entry can carry two diagnostics: one about its name or kind, one about
 * extracting its bytes (a limit, corruption). */
#define PKI_UNPACK_DIAGS 2

typedef struct pki_unpack pki_unpack;

/* Opens path (of type t, size bytes) as a container. PK_OK with *out NULL
 * means "not a container after all" (e.g. a PE without an attached archive);
 * a corrupt container gives PK_OK, *out NULL and a diagnostic in *diag
 * (diag->spec.rule_id non-NULL). */
pk_status pki_unpack_open(const pki_unpack_env *env, const char *path, const char *vpath,
                          pk_ftype t, uint64_t size, pki_unpack **out, pki_unpack_diag *diag);
/* The container format as the reader named it. */
const char *pki_unpack_format(const pki_unpack *u);
/* Entries listed so far. */
uint64_t pki_unpack_entries(const pki_unpack *u);
/* Next entry: 1 = *e filled (and maybe diagnostics: check each
 * diag[i].spec.rule_id); directories come back as PKI_ENT_DIR only when their
 * name is hostile, so the caller records the diagnostic and skips them;
 * 0 = done (maybe a last diag[0]: truncated, limit reached); <0 a pk_status
 * negated for environment failures (disk full, out of memory). The deadline
 * is absolute, in pki_now_ms() time. */
int pki_unpack_next(pki_unpack *u, pki_unpacked *e, pki_unpack_diag diag[PKI_UNPACK_DIAGS],
                    uint64_t deadline_ms);
void pki_unpack_close(pki_unpack *u);

/* Appends an encoded entry name to a container vpath: "a.zip" + "x/y" ->
 * "a.zip!/x/y"; '!', '%', control bytes and 0x7f are percent-encoded so the
 * path splits one way. Returns a new pki_malloc'd string, or NULL. */
char *pki_vpath_join(const char *container, const char *name);

#endif
