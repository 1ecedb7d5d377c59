/* keys: shared between the analyzer's glue (keys.c: markers, PEM blocks),
 * the OpenSSL side (keys_x509.c: certificates, PKCS#8/#1/SEC1, PKCS#12,
 * whole-file DER) and the SSH/PuTTY/OpenPGP parsers (keys_ssh.c). */
#ifndef PK_ANALYZERS_KEYS_INT_H
#define PK_ANALYZERS_KEYS_INT_H

#include <parakh/analyzer.h>

#include <stddef.h>
#include <stdint.h>

enum { PKI_KEY_PRIVATE = 1, PKI_KEY_PUBLIC, PKI_KEY_CERT };

/* Where an item is in the file, and the bytes that show it (its first line). */
typedef struct pki_key_site {
    uint64_t off, len;
    pk_bytes ev;
} pki_key_site;

/* A key as described for findings and facts; strings are NUL-terminated. */
typedef struct pki_key_desc {
    int kind;           /* PKI_KEY_PRIVATE or PKI_KEY_PUBLIC */
    char format[24];    /* "PKCS#8", "PKCS#1", "SEC1", "OpenSSH", "PuTTY", "OpenPGP", "PKCS#12" */
    char type[24];      /* "RSA", "EC", "DSA", "ED25519", ...; "" when unknown */
    int bits;           /* 0 when unknown */
    char curve[32];     /* EC curve; "" otherwise */
    int encrypted;      /* 1, 0, or -1 when unknown */
    char cipher[48];    /* the protection when encrypted, if known */
    uint8_t confidence; /* how fully it parsed */
} pki_key_desc;

/* Per-file counters and the facts arrays (keys.c). */
typedef struct pki_keys_ctx {
    pk_emit *out;
    unsigned nfind, nitems;
    unsigned certs, privs, pubs, nder;
} pki_keys_ctx;

/* keys.c: emits a private or public key (PK-KEY-0001/0005, plus -0003 when weak). */
void pki_keys_emit_key(pki_keys_ctx *c, const pki_key_site *s, const pki_key_desc *k);
/* keys.c: a finding, unless the per-file cap is reached. */
void pki_keys_finding(pki_keys_ctx *c, const char *rule, pk_severity sev, uint8_t conf,
                      const pki_key_site *s, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* keys_x509.c. DER of a PEM block by label; 1 if it parsed and was reported. */
int pki_keys_der_cert(pki_keys_ctx *c, const pki_key_site *s, const uint8_t *der, size_t n,
                      int trusted);
int pki_keys_der_key(pki_keys_ctx *c, const pki_key_site *s, const char *label, const uint8_t *der,
                     size_t n);
/* A whole file of DER (certificate, PKCS#8, encrypted PKCS#8, SubjectPublicKeyInfo, PKCS#12). */
int pki_keys_der_file(pki_keys_ctx *c, pk_bytes data);
/* The length a DER SEQUENCE header at d claims, header included; 0 if none. */
size_t pki_keys_der_len(pk_bytes d);

/* keys_ssh.c. The openssh-key-v1 structure at b; 1 and *k filled if it parses. */
int pki_keys_openssh(pk_bytes b, pki_key_desc *k, size_t *used);
/* An SSH public key blob (string type, ...): type, bits, curve. */
int pki_keys_ssh_pub(pk_bytes blob, pki_key_desc *k);
/* A PuTTY key file starting at b ("PuTTY-User-Key-File-N: alg"); 1 if it parses. */
int pki_keys_putty(pk_bytes b, pki_key_desc *k, size_t *used);
/* The first packet of a decoded OpenPGP key block; 1 if it is a key packet. */
int pki_keys_pgp(pk_bytes b, pki_key_desc *k);
/* Decodes base64 (alphabet only, '=' ends); returns bytes written. */
size_t pki_keys_b64(const char *s, size_t n, uint8_t *out, size_t cap);

#endif
