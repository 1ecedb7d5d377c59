/* Runs one analyzer over raw bytes without a scan: for unit tests and fuzz
 * targets, which must reach a parser without the walker around it.
 *
 * Ownership: the caller owns `rec` (pki_frec_init before, pki_frec_fini after).
 * Patterns the analyzer registers are compiled and the bytes are matched in one
 * block, so on_match runs too. */
#ifndef PK_WALK_HARNESS_INT_H
#define PK_WALK_HARNESS_INT_H

#include "emit_int.h"

pk_status pki_harness_run(const pk_analyzer *a, pk_bytes data, const char *vpath, pki_frec *rec);

#endif
