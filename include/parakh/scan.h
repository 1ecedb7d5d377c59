/* parakh: a scan takes inputs (files, directories, archives) apart and runs
 * every analyzer over every file in one pass.
 *
 * Ownership: pk_scan_new() allocates the scan; pk_scan_free() frees it and
 * everything it handed out (findings, messages). Paths passed in are copied.
 * Threads: one scan is driven by one thread; it runs its own worker pool.
 * pk_scan_cancel() alone may be called from another thread or a signal handler. */
#ifndef PARAKH_SCAN_H
#define PARAKH_SCAN_H

#include "finding.h"
#include "status.h"
#include "types.h"

/* Limits that turn attacks into findings (docs/limits.md gives each a reason). */
typedef struct pk_limits {
    unsigned max_depth;       /* containers inside containers */
    uint64_t max_total_bytes; /* bytes unpacked over the whole scan */
    uint64_t max_file_bytes;  /* bytes of one unpacked file */
    unsigned max_ratio;       /* bytes out / container size, per container */
    uint64_t max_entries;     /* entries listed over the whole scan */
    unsigned file_time_ms;    /* time for one file (its pass and, for a container, its unpacking) */
    uint64_t disk_reserve;    /* stop unpacking when the temp file system has less free */
} pk_limits;

PK_API void pk_limits_default(pk_limits *PK_OUT l);

typedef struct pk_progress {
    uint64_t files;
    uint64_t bytes;
    uint64_t elapsed_ms;
} pk_progress;

typedef struct pk_scan_opts {
    pk_limits limits;
    unsigned jobs;      /* worker threads; 0 = number of online cores */
    const char *tmpdir; /* PK_NULLABLE: where the private temp tree goes; default $TMPDIR or /tmp */
    /* PK_NULLABLE: called on the driving thread about 5 times a second */
    void (*progress)(void *ud, const pk_progress *p);
    void *progress_ud;
    /* PK_NULLABLE: analyzer options, "key=value" strings such as
     * "yara.rules=/lab/rules" (docs/analyzers/<name>.md lists each analyzer's);
     * borrowed, must outlive the scan. Unknown keys are ignored. */
    const char *const *options;
    size_t noptions;
} pk_scan_opts;

typedef struct pk_scan pk_scan;

PK_API void pk_scan_opts_default(pk_scan_opts *PK_OUT o);

/* PK_OK, PK_E_NOMEM, PK_E_USAGE (a limit of 0 or jobs > 256). */
PK_API pk_status pk_scan_new(const pk_scan_opts *PK_BORROW opts, pk_scan **PK_OUT out);

/* Adds an input. PK_E_IO (message names the path and the reason) if it does
 * not exist or cannot be read. */
PK_API pk_status pk_scan_add_path(pk_scan *s, const char *PK_BORROW path);

/* Runs the scan. PK_OK when it ran (findings say what was wrong with the
 * inputs); PK_E_IO when an input could not be read; PK_E_LIMIT when a limit
 * stopped the whole run; PK_E_CANCELED; PK_E_NOMEM; PK_E_INTERNAL. */
PK_API pk_status pk_scan_run(pk_scan *s);

/* Async-signal-safe: asks the run to stop; the temp tree is still removed. */
PK_API void pk_scan_cancel(pk_scan *s);

/* The last error's one-line message ("" if none); owned by the scan. */
PK_API const char *pk_scan_errmsg(const pk_scan *s);

/* Findings after the run, sorted by (vpath, offset, rule_id); owned by the scan. */
PK_API size_t pk_scan_findings(const pk_scan *s, const pk_finding **PK_OUT list);
PK_API size_t pk_scan_file_count(const pk_scan *s);

PK_API void pk_scan_free(pk_scan *PK_NULLABLE s);

PK_API const char *pk_version(void);

#endif
