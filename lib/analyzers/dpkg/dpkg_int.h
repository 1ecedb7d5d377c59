/* The dpkg analyzer's internals: a deb822 paragraph reader over untrusted
 * bytes (dpkg_para.c) and the emitters for the status database, distroless
 * status.d files, a .deb's control file and info/<pkg>.list (dpkg.c).
 *
 * Ownership: a paragraph borrows the file's bytes; nothing is allocated. */
#ifndef PK_ANALYZERS_DPKG_INT_H
#define PK_ANALYZERS_DPKG_INT_H

#include <parakh/analyzer.h>
#include <parakh/component.h>
#include <stdbool.h>

#include "../../core/core_int.h"

/* The fields the analyzer reads; others are skipped. */
typedef enum pki_dpkg_fid {
    PKI_DF_PACKAGE = 0,
    PKI_DF_STATUS,
    PKI_DF_VERSION,
    PKI_DF_ARCH,
    PKI_DF_SOURCE,
    PKI_DF_MAINT,
    PKI_DF_ORIG_MAINT,
    PKI_DF_HOMEPAGE,
    PKI_DF_DESC,
    PKI_DF_DEPENDS,
    PKI_DF_PREDEPENDS,
    PKI_DF_PROVIDES,
    PKI_DF_SECTION,
    PKI_DF_FORMAT, /* debian/copyright (DEP-5) */
    PKI_DF_FILES,
    PKI_DF_LICENSE,
    PKI_DF_COUNT_
} pki_dpkg_fid;

typedef struct pki_dpkg_para {
    uint64_t off, len;         /* the paragraph's bytes in the file */
    pk_bytes f[PKI_DF_COUNT_]; /* raw values (continuation lines included); ptr NULL if absent */
} pki_dpkg_para;

/* A cursor over a deb822 file. */
typedef struct pki_dpkg_rd {
    const uint8_t *p;
    size_t len, pos;
} pki_dpkg_rd;

/* The next paragraph at or after the cursor; false at the end. Blank and
 * whitespace-only lines separate paragraphs; CR before LF is ignored; the
 * first occurrence of a duplicated field wins. */
bool pki_dpkg_next(pki_dpkg_rd *r, pki_dpkg_para *p);

/* Copies a value into buf (always NUL-terminated, truncated to cap-1):
 * first_line keeps only the first line, else continuation lines are folded
 * into single spaces. Leading/trailing blanks are trimmed. */
void pki_dpkg_val(pk_bytes v, int first_line, char *buf, size_t cap);

/* Calls fn for each relation of a Depends-like field, already reduced to
 * "name" or "a|b" (version constraints, arch qualifiers and restrictions
 * dropped). At most `max` relations. */
void pki_dpkg_rels(pk_bytes v, size_t max, void (*fn)(void *ctx, const char *rel), void *ctx);

/* usr/share/doc/<pkg>/copyright in DEP-5 form (dpkg_copyright.c): the root
 * prefix length and the package name's [start, end) in vpath; -1 if not one. */
long pki_dpkg_copyright_root(const char *vpath, size_t *name_off, size_t *name_len);
pk_status pki_dpkg_copyright(const pk_file *f, pk_emit *out);

#endif
