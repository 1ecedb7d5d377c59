/* yara analyzer internals: loading analysts' rule files (yara_load.c) for the
 * glue in yara.c.
 *
 * Ownership: pki_yara_compile() gives the caller a YR_RULES it frees with
 * yr_rules_destroy() (libyara's allocator, not pki_*); the caller holds a
 * pki_yara_lib_ref() from before compiling until after that. */
#ifndef PK_ANALYZERS_YARA_INT_H
#define PK_ANALYZERS_YARA_INT_H

#include <parakh/analyzer.h>
#include <stddef.h>
#include <yara.h>

#define PKI_YARA_MAX_FILES 10000u         /* rule files under a directory */
#define PKI_YARA_MAX_FILE  (16u << 20)    /* bytes of one rule file (or included file) */
#define PKI_YARA_MAX_TOTAL (256ull << 20) /* bytes of all rule files and includes */
#define PKI_YARA_MAX_DEPTH 32u            /* directory levels under the rules directory */

/* libyara's process-wide setup, counted under a mutex: yr_initialize() on the
 * first reference, yr_finalize() when the last one goes. */
pk_status pki_yara_lib_ref(void);
void pki_yara_lib_unref(void);

/* Compiles the rule file or the directory of rule files (*.yar, *.yara,
 * *.rules, recursively, in byte order of their relative paths) at `path`.
 * Each file is its own namespace, named by its path relative to the
 * directory (the file's name for a single file). External string variables
 * filename, filepath, extension and filetype are declared (empty).
 * On failure returns PK_E_USAGE (or PK_E_NOMEM) and writes
 * "file:line: message" or another precise reason into err. */
pk_status pki_yara_compile(const char *path, YR_RULES **out, unsigned *nfiles, char *err,
                           size_t errlen);

#endif
