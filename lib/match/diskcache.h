/* The compiled matcher database kept on disk between runs (option
 * "match.cache=DIR"): compiling every analyzer's patterns takes about a second
 * of CPU, reading a serialized database a few milliseconds. Best effort: any
 * doubt about the directory or the file means "compile", never an error.
 *
 * Ownership: pki_hsdb_load returns a database the caller frees with
 * hs_free_database; pki_hsdb_store only reads the database. */
#ifndef PK_MATCH_DISKCACHE_H
#define PK_MATCH_DISKCACHE_H

#include <hs/hs.h>
#include <stdint.h>

/* The database stored under `key` in `dir`, or NULL (absent, not ours, not
 * intact, or built for another vectorscan or CPU). */
hs_database_t *pki_hsdb_load(const char *dir, const uint8_t key[32]);

/* Writes the database under `key` (atomically: a temp file renamed), creating
 * `dir` 0700 when missing; keeps the newest few entries. Failures are silent. */
void pki_hsdb_store(const char *dir, const uint8_t key[32], const hs_database_t *db);

#endif
