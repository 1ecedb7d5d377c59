/* Internals of the transparency log (lib/tlog/): strict base64, UTF-8 and
 * name rules shared by the note and checkpoint code, and the error helper.
 *
 * Ownership: nothing here allocates; every buffer is the caller's. */
#ifndef PK_TLOG_INT_H
#define PK_TLOG_INT_H

#include <openssl/evp.h>
#include <parakh/tlog.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes one message into err (NULLABLE) and returns st, so a failure is
 * `return pki_tlog_fail(PK_E_FORMAT, err, errlen, "...", ...)`. */
pk_status pki_tlog_fail(pk_status st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* SHA-256 of nothing: the root of the empty tree (RFC 9162 section 2.1.1). */
extern const uint8_t pki_tlog_empty_root[PK_TLOG_HASH_LEN];

/* Standard base64 (RFC 4648 section 4) with padding; out holds
 * pki_b64_len(n) + 1 bytes and is NUL-terminated. */
#define PKI_B64_LEN(n) ((((n) + 2) / 3) * 4)
void pki_tlog_b64_encode(const uint8_t *in, size_t n, char *out);
/* Strict decoding: length a multiple of 4, padding only at the end, unused
 * bits zero (one text per byte string, so a mangled copy never verifies).
 * Returns the decoded length, or SIZE_MAX when invalid or above cap. */
size_t pki_tlog_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap);

/* Valid UTF-8 (no overlong forms, surrogates or values above U+10FFFF). */
bool pki_utf8_valid(const char *s, size_t n);
/* C2SP signed-note key name: non-empty valid UTF-8 of at most max bytes, no
 * Unicode space (Go's unicode.IsSpace set), no '+', no control character. */
bool pki_note_name_valid(const char *s, size_t n, size_t max);
/* key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian. */
uint32_t pki_note_key_id(const char *name, size_t n, const uint8_t pub[32]);

/* A key of either side: its name, the C2SP key ID and the Ed25519 key
 * (private for a signer, public for a verifier). */
struct pk_note_signer {
    char name[PK_NOTE_NAME_MAX + 1];
    size_t nlen;
    uint32_t id;
    uint8_t pub[32];
    EVP_PKEY *pkey;
};
struct pk_note_verifier {
    char name[PK_NOTE_NAME_MAX + 1];
    size_t nlen;
    uint32_t id;
    EVP_PKEY *pkey;
};

#endif
