/* parakh: basic types shared by every public header.
 *
 * Ownership: the annotations below are documentation only; they say who frees
 * a pointer argument. PK_OWN: the callee takes it. PK_BORROW: the caller keeps
 * it and it must outlive the call (or the object, where a header says so).
 * PK_NULLABLE: may be NULL. PK_OUT: written by the callee. */
#ifndef PARAKH_TYPES_H
#define PARAKH_TYPES_H

#include <stddef.h>
#include <stdint.h>

#define PK_API __attribute__((visibility("default")))
#define PK_OWN
#define PK_BORROW
#define PK_NULLABLE
#define PK_OUT

/* A borrowed run of bytes; never NUL-terminated by contract. */
typedef struct pk_bytes {
    const uint8_t *ptr;
    size_t len;
} pk_bytes;

/* Ordered: a --fail-on threshold compares with >=. */
typedef enum pk_severity {
    PK_SEV_INFO = 0,
    PK_SEV_LOW = 1,
    PK_SEV_MEDIUM = 2,
    PK_SEV_HIGH = 3,
    PK_SEV_CRITICAL = 4,
} pk_severity;

/* "info", "low", ... ; never NULL. */
PK_API const char *pk_severity_str(pk_severity s);
/* Parses a name as printed by pk_severity_str; returns 0 on success, -1 otherwise. */
PK_API int pk_severity_parse(const char *name, pk_severity *out);

#endif
