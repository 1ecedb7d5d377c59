/* lib/cert internals: strict base64, strict JSON, RFC 3339 times, the DSSE
 * pre-authentication encoding, and the key's EVP handle.
 *
 * Ownership: pki_cert_* functions returning char * give pki_malloc'd memory
 * the caller frees with pki_free; json_t results are the caller's reference. */
#ifndef PK_CERT_INT_H
#define PK_CERT_INT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <parakh/cert.h>
#include <stdbool.h>
#include <time.h>

#include "core/core_int.h"

struct pk_key {
    EVP_PKEY *pkey;
    int priv;
    uint8_t raw[32]; /* the public key */
    char keyid[65];  /* hex SHA-256 of raw */
};

/* A private key from a 32-byte seed: for tests and fuzzing, whose keys
 * must be the same on every run. */
pk_status pki_key_from_seed(const uint8_t seed[32], pk_key **out);

/* The public half of k as a new key (no PEM round trip: OpenSSL's decoders
 * are slow, and a server builds trust stores often). */
pk_status pki_key_public_copy(const pk_key *k, pk_key **out);

/* Standard base64 with padding. */
char *pki_cert_b64(const uint8_t *b, size_t n);
/* Strict decoding: the standard or the URL-safe alphabet (not both), no
 * whitespace, padding either complete or absent, unused bits zero. NULL
 * when invalid; *outlen bytes (plus a NUL byte, not counted). */
uint8_t *pki_cert_unb64(const char *s, size_t n, size_t *outlen);

/* json_loadb with duplicate keys refused, after a size check; NULL with err
 * set (label: what the text is). The root must be an object. */
json_t *pki_cert_json(const char *buf, size_t len, size_t max, const char *label, char *err,
                      size_t errlen);
/* A string member of o, 1..maxlen bytes with no control characters; NULL
 * when missing or wrong (err set, naming label.key) unless optional. */
const char *pki_cert_str(const json_t *o, const char *key, size_t maxlen, bool optional,
                         const char *label, char *err, size_t errlen);

/* "YYYY-MM-DDTHH:MM:SSZ" (or with end_of_day a bare "YYYY-MM-DD" as its
 * 23:59:59, else its 00:00:00) into seconds since the epoch; -1 when invalid. */
int pki_cert_time_parse(const char *s, bool end_of_day, int64_t *out);
void pki_cert_time_fmt(int64_t t, char out[32]);
int64_t pki_cert_now(void);

/* PAE("DSSEv1" SP len(type) SP type SP len(body) SP body), pki_malloc'd. */
uint8_t *pki_cert_pae(const char *type, const uint8_t *body, size_t n, size_t *outlen);
void pki_cert_sha256(const void *b, size_t n, uint8_t out[32]);
bool pki_cert_ed25519_verify(const pk_key *k, const uint8_t *msg, size_t n, const uint8_t *sig,
                             size_t siglen);

/* One parsed envelope: payload type, decoded payload, signatures. */
typedef struct pki_dsse {
    char *type;
    uint8_t *body;
    size_t bodylen;
    size_t nsig;
    struct {
        char *keyid; /* "" when unset */
        uint8_t *sig;
        size_t siglen;
    } sig[PK_CERT_MAX_SIGNATURES];
} pki_dsse;
pk_status pki_dsse_parse(const char *buf, size_t len, size_t max, pki_dsse *d, char *err,
                         size_t errlen);
/* Does a signature of d verify with k (keyid used only to try first)? */
bool pki_dsse_verified_by(const pki_dsse *d, const pk_key *k);
void pki_dsse_clear(pki_dsse *d);

#define pki_cert_err pki_errf

#endif
