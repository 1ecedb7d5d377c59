/* Core helpers shared by every module: allocation hooks, arenas, limits.
 *
 * Ownership: pki_malloc/pki_free pair; an arena owns everything allocated from
 * it and frees it all in pki_arena_free(). */
#ifndef PK_CORE_INT_H
#define PK_CORE_INT_H

#include <parakh/status.h>
#include <parakh/types.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef PK_TESTING
#define PK_STATIC
#else
#define PK_STATIC static
#endif

/* All memory goes through these, so a test can fail the Nth allocation. */
void *pki_malloc(size_t n);
void *pki_calloc(size_t n, size_t sz);
void *pki_realloc(void *p, size_t n);
void pki_free(void *p);
char *pki_strdup(const char *s);
char *pki_strndup(const char *s, size_t n);
/* Test hook: make the allocation numbered n (1-based, counting from now) and
 * every later one fail; 0 turns it off. */
void pki_alloc_fail_after(unsigned long n);
/* Allocations asked for since the last pki_alloc_fail_after() call. */
unsigned long pki_alloc_count(void);

/* Grows *buf (element size esz) so that it holds at least need elements; doubles. */
bool pki_grow(void **buf, size_t *cap, size_t need, size_t esz);

typedef struct pki_arena pki_arena;
pki_arena *pki_arena_new(void);
void *pki_arena_alloc(pki_arena *a, size_t n); /* zeroed, aligned to 16 */
char *pki_arena_strdup(pki_arena *a, const char *s);
char *pki_arena_strndup(pki_arena *a, const char *s, size_t n);
char *pki_arena_printf(pki_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *pki_arena_vprintf(pki_arena *a, const char *fmt, va_list ap);
void *pki_arena_memdup(pki_arena *a, const void *p, size_t n);
/* Moves all of src's memory into dst; src is left empty and reusable. */
void pki_arena_splice(pki_arena *dst, pki_arena *src);
size_t pki_arena_bytes(const pki_arena *a);
void pki_arena_free(pki_arena *a);

/* Monotonic milliseconds. */
uint64_t pki_now_ms(void);

/* Lowercase hex of b[0..n) into out, which holds 2n+1 bytes. */
void pki_hex(const uint8_t *b, size_t n, char *out);
/* A vpath ("a.zip!/b") as an RFC 3986 relative reference that decodes back
 * to it, for SARIF artifact URIs; NULL on overflow or no memory. The caller
 * frees with pki_free. */
char *pki_vpath_uri(const char *vpath);
/* 1 when the vpath names a documentation file: under a doc/, docs/, man/,
 * info/ or examples/ directory, a change log, README, licence and the like,
 * or a .md/.html/.rst/.txt/.pdf/.tex file (lib/core/vpath_doc.c). */
int pki_doc_path(const char *vpath);
/* 16 bytes as an RFC 4122 uuid string (8-4-4-4-12 lowercase) of this version
 * (4 random, 8 content-derived); sets the version and variant bits in b. */
void pki_uuid_format(unsigned char b[16], unsigned version, char out[40]);
/* Decodes base64 from s[0..n), stopping at '=' or the end. Flags:
 * PKI_B64_URL also accepts the URL-safe '-' and '_'; PKI_B64_SKIP skips bytes
 * outside the alphabet (line breaks in PEM), else such a byte ends the
 * decoding with SIZE_MAX. Returns how many bytes the input decodes to; at most
 * cap are written to out, so a result above cap means out was too small. */
#define PKI_B64_URL  0x1u
#define PKI_B64_SKIP 0x2u
size_t pki_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, unsigned flags);
/* Canonical base64 for signed formats (certificates, signed notes): one
 * alphabet (the standard one, or with PKI_B64_URL the URL-safe one, never a
 * mix), '=' only as padding, the bits padding leaves unused zero, padding
 * required unless PKI_B64_UNPADDED. The decoded length, or SIZE_MAX when s
 * is not such base64 or the result would exceed cap. */
#define PKI_B64_UNPADDED 0x4u
size_t pki_b64_decode_strict(const char *s, size_t n, uint8_t *out, size_t cap, unsigned flags);
/* Standard base64 with padding into out (4 * ((n + 2) / 3) + 1 bytes). */
void pki_b64_encode(const uint8_t *in, size_t n, char *out);

/* The whole regular file at path, at most max bytes, into *buf (pki_malloc'd,
 * NUL-terminated; the caller frees it with pki_free) and *len. PKI_RF_NOFOLLOW
 * refuses a symbolic link as the last component. On failure why (NULLABLE)
 * gets the reason without the path ("larger than N bytes", "not a regular
 * file", ...): PK_E_IO, PK_E_LIMIT over max, PK_E_NOMEM. */
#define PKI_RF_NOFOLLOW 0x1u
pk_status pki_read_file(const char *path, size_t max, unsigned flags, char **buf, size_t *len,
                        char *why, size_t whylen);

/* printf into an error buffer of the (char *err, size_t errlen) convention;
 * err may be NULL. */
void pki_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Exactly 64 lowercase hex digits (a SHA-256 as ids and URLs spell it). */
bool pki_is_hex64(const char *s);

#endif
