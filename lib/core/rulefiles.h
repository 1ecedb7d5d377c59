/* The rule files of rules/, compiled into the library (cmake/embed.cmake).
 *
 * Ownership: static, read-only data; each file's bytes are followed by a NUL
 * that len does not count, so text rules may be read as C strings. */
#ifndef PK_CORE_RULEFILES_H
#define PK_CORE_RULEFILES_H

#include <stddef.h>

typedef struct pki_rulefile {
    const char *path; /* relative to rules/, e.g. "binsig/openssl.rule" */
    const unsigned char *data;
    size_t len;
} pki_rulefile;

/* Sorted by path; terminated by a {NULL} entry. */
extern const pki_rulefile pki_rulefiles_table[];
extern const unsigned long pki_rulefiles_count;

/* The file at `path`, or NULL. */
const pki_rulefile *pki_rulefile_get(const char *path);
/* Calls fn for every file whose path starts with `prefix`, in path order;
 * stops and returns the first non-zero value fn returns. */
int pki_rulefiles_each(const char *prefix, int (*fn)(const pki_rulefile *rf, void *ctx), void *ctx);

#endif
