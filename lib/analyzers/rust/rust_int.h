/* The rust analyzer's internals.
 *
 * rust_sec.c finds the ".dep-v0" section cargo-auditable links into a binary
 * (ELF section headers, PE section table, Mach-O 64-bit load commands);
 * rust_dep.c inflates and reads its JSON and emits the packages; rust.c is the
 * glue and the fallback: crate names and versions from Cargo registry paths
 * left in panic messages.
 *
 * Ownership: section ranges are offsets into the file's bytes (borrowed for
 * one analyze() call); the inflated JSON is pki_malloc'd and freed in
 * rust_dep.c. */
#ifndef PK_ANALYZERS_RUST_INT_H
#define PK_ANALYZERS_RUST_INT_H

#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "../../core/rd.h"

#include <stdbool.h>

#define PKI_RUST_MAX_SECTIONS 4096u      /* section headers read */
#define PKI_RUST_MAX_LCMDS    4096u      /* Mach-O load commands read */
#define PKI_RUST_MAX_JSON     (8u << 20) /* inflated bytes */
#define PKI_RUST_MAX_RATIO    1000u      /* inflated / compressed */
#define PKI_RUST_MAX_PACKAGES 20000u     /* packages emitted */
#define PKI_RUST_MAX_DEPS     4096u      /* dependency indices read per package */

/* Finds the cargo-auditable section; false when there is none. */
bool pki_rust_find_section(pk_bytes file, uint64_t *off, uint64_t *len);

/* Emits the packages of a .dep-v0 section at [off, off+len). *found is set
 * when the section held a readable package list. */
pk_status pki_rust_emit_deps(const pk_file *file, uint64_t off, uint64_t len, pk_emit *out,
                             bool *found);

#endif
