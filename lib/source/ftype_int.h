/* Content type detection from a file's first bytes, never its name. */
#ifndef PK_SOURCE_FTYPE_INT_H
#define PK_SOURCE_FTYPE_INT_H

#include <parakh/analyzer.h>

/* head: the first bytes (up to 4 KiB here, more helps ISO9660 at 0x8001 only
 * if given); size: the whole file's size. */
pk_ftype pki_ftype_detect(pk_bytes head, uint64_t size);

#endif
