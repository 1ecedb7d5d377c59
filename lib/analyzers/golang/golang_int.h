/* The golang analyzer's internals: the Go build info blob and its module list.
 *
 * golang_bi.c finds the blob's strings (the toolchain version and the module
 * info) behind a "\xff Go buildinf:" header and splits the module info into
 * lines; golang.c is the glue and turns the result into components. Layouts
 * follow Go's src/debug/buildinfo/buildinfo.go and runtime/debug/mod.go.
 *
 * Ownership: every slice points into the file's bytes (borrowed for one
 * analyze() call); the module array is allocated with pki_malloc and freed by
 * pki_go_info_fini(). */
#ifndef PK_ANALYZERS_GOLANG_INT_H
#define PK_ANALYZERS_GOLANG_INT_H

#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "../../core/rd.h"

#include <stdbool.h>

#define PKI_GO_MAGIC     "\xff Go buildinf:"
#define PKI_GO_MAGIC_LEN 14u
#define PKI_GO_HDR_LEN   32u        /* magic, pointer size, flags, padding / two pointers */
#define PKI_GO_MAX_HITS  4u         /* header candidates kept per file */
#define PKI_GO_MAX_STR   (4u << 20) /* bytes of the version or module info string */
#define PKI_GO_MAX_MODS  10000u     /* dependency lines kept */
#define PKI_GO_MAX_BUILD 64u        /* build setting lines kept */
#define PKI_GO_MAX_PHDRS 512u       /* ELF program headers read */
#define PKI_GO_MAX_PATH  1024u      /* bytes of a module path, version or sum */

typedef struct pki_go_slice {
    const uint8_t *p;
    size_t n;
} pki_go_slice;

typedef struct pki_go_mod {
    pki_go_slice path, version, sum;
    pki_go_slice repl_path, repl_version, repl_sum; /* n == 0: not replaced */
    bool replaced;
} pki_go_mod;

typedef struct pki_go_info {
    uint64_t hdr_off;       /* the header's file offset */
    uint64_t mod_off;       /* the module info's file offset (after the sentinel) */
    uint64_t mod_len;       /* its length without the sentinels */
    pki_go_slice goversion; /* "go1.19.8" */
    pki_go_slice pkgpath;   /* the "path" line: the main package */
    pki_go_mod main;        /* the "mod" line (path.n == 0 when absent) */
    pki_go_mod *deps;
    size_t ndeps, dropped;
    pki_go_slice build_key[PKI_GO_MAX_BUILD], build_val[PKI_GO_MAX_BUILD];
    size_t nbuild;
    bool oom; /* an allocation failed: what was read is incomplete */
} pki_go_info;

/* Reads the build info whose header starts at file offset `off`. False when
 * the header is not a Go build info header or its strings cannot be read. */
bool pki_go_read(pk_bytes file, uint64_t off, pki_go_info *info);
void pki_go_info_fini(pki_go_info *info);

#endif
