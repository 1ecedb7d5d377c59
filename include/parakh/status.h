/* parakh: the one status enum every library function returns.
 *
 * Append only: a retired value stays as PK_E_RETIRED_<n> so numbers never move.
 * docs/errors.md lists exactly these values (a test checks it). Hostile or
 * malformed input is not an error of the run: it becomes a finding, and the
 * call returns PK_OK. */
#ifndef PARAKH_STATUS_H
#define PARAKH_STATUS_H

#include "types.h"

typedef enum pk_status {
    PK_OK = 0,
    PK_E_MISUSE = 1,   /* the caller broke the API contract */
    PK_E_NOMEM = 2,    /* an allocation failed */
    PK_E_IO = 3,       /* a path could not be read or written; path and errno in the message */
    PK_E_FEED = 4,     /* an imported feed or the knowledge base is unreadable */
    PK_E_USAGE = 5,    /* an option value is out of range or unknown */
    PK_E_LIMIT = 6,    /* an internal limit stopped the whole run (not one file) */
    PK_E_CANCELED = 7, /* pk_scan_cancel() was called, e.g. on SIGINT */
    PK_E_INTERNAL = 8, /* a library (vectorscan, OpenSSL, libarchive) failed unexpectedly */
    PK_E_FORMAT = 9,   /* an input document (an SBOM) is malformed or of an unknown kind */
} pk_status;

/* A fixed English sentence for s; never NULL. */
PK_API const char *pk_status_str(pk_status s);

#endif
