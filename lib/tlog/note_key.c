/* Signed-note keys in the text forms of golang.org/x/mod/sumdb/note, which
 * C2SP signed-note's ecosystem uses: "<name>+<hex8 key id>+<base64(0x01 ||
 * public key)>" and "PRIVATE+KEY+<name>+<hex8>+<base64(0x01 || seed)>". Only
 * signature type 0x01 (Ed25519) is accepted: the registry needs no other, and
 * C2SP asks implementations to support only what their design requires. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"
#include "tlog_int.h"

#define ALG_ED25519 0x01

static bool parse_hex8(const char *s, size_t n, uint32_t *out)
{
    if (n != 8)
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < 8; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return false; /* lowercase only: one spelling per key */
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

/* "<name>+<hex8>+<base64>" split into the name, the key id and the 33
 * decoded bytes (algorithm byte and key); the caller checks the id. */
typedef struct key_parts {
    const char *name;
    size_t nlen;
    uint32_t id;
    uint8_t key[33];
} key_parts;

static pk_status split_key(const char *s, const char *what, key_parts *kp, char *err, size_t errlen)
{
    const char *p1 = strchr(s, '+');
    const char *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
    if (!p1 || !p2)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "%s: not <name>+<id>+<key>", what);
    kp->name = s;
    kp->nlen = (size_t)(p1 - s);
    if (!pki_note_name_valid(s, kp->nlen, PK_NOTE_NAME_MAX))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "%s: invalid key name", what);
    if (!parse_hex8(p1 + 1, (size_t)(p2 - p1 - 1), &kp->id))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "%s: key id is not 8 lowercase hex digits",
                             what);
    size_t klen = pki_tlog_b64_decode(p2 + 1, strlen(p2 + 1), kp->key, sizeof kp->key);
    if (klen == SIZE_MAX || klen == 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "%s: key is not canonical base64", what);
    if (kp->key[0] != ALG_ED25519)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "%s: signature type 0x%02x is not supported (only 0x01, Ed25519)",
                             what, kp->key[0]);
    if (klen != 33)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "%s: an Ed25519 key has 32 bytes, not %zu",
                             what, klen - 1);
    return PK_OK;
}

pk_status pk_note_verifier_new(const char *vkey, pk_note_verifier **out, char *err, size_t errlen)
{
    if (!vkey || !out)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "verifier key: missing argument");
    *out = NULL;
    key_parts kp;
    pk_status st = split_key(vkey, "verifier key", &kp, err, errlen);
    if (st != PK_OK)
        return st;
    if (pki_note_key_id(kp.name, kp.nlen, kp.key + 1) != kp.id)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "verifier key: key id %08x does not match the key", kp.id);
    pk_note_verifier *v = pki_calloc(1, sizeof *v);
    if (!v)
        return PK_E_NOMEM;
    memcpy(v->name, kp.name, kp.nlen);
    v->nlen = kp.nlen;
    v->id = kp.id;
    v->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, kp.key + 1, 32);
    if (!v->pkey) {
        pki_free(v);
        return pki_tlog_fail(PK_E_INTERNAL, err, errlen, "verifier key: OpenSSL refused the key");
    }
    *out = v;
    return PK_OK;
}

void pk_note_verifier_free(pk_note_verifier *v)
{
    if (!v)
        return;
    EVP_PKEY_free(v->pkey);
    pki_free(v);
}

const char *pk_note_verifier_name(const pk_note_verifier *v)
{
    return v ? v->name : "";
}

uint32_t pk_note_verifier_id(const pk_note_verifier *v)
{
    return v ? v->id : 0;
}

/* A signer from its name and 32-byte seed. */
static pk_status signer_make(const char *name, size_t nlen, const uint8_t seed[32],
                             pk_note_signer **out, char *err, size_t errlen)
{
    pk_note_signer *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    memcpy(s->name, name, nlen);
    s->nlen = nlen;
    size_t plen = sizeof s->pub;
    s->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    if (!s->pkey || EVP_PKEY_get_raw_public_key(s->pkey, s->pub, &plen) != 1 || plen != 32) {
        pk_note_signer_free(s);
        return pki_tlog_fail(PK_E_INTERNAL, err, errlen, "signer key: OpenSSL refused the seed");
    }
    s->id = pki_note_key_id(name, nlen, s->pub);
    *out = s;
    return PK_OK;
}

pk_status pk_note_signer_new(const char *skey, pk_note_signer **out, char *err, size_t errlen)
{
    static const char prefix[] = "PRIVATE+KEY+";
    if (!skey || !out)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "signer key: missing argument");
    *out = NULL;
    if (strncmp(skey, prefix, sizeof prefix - 1) != 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "signer key: does not start with PRIVATE+KEY+");
    key_parts kp;
    pk_status st = split_key(skey + sizeof prefix - 1, "signer key", &kp, err, errlen);
    if (st == PK_OK) {
        pk_note_signer *s = NULL;
        st = signer_make(kp.name, kp.nlen, kp.key + 1, &s, err, errlen);
        if (st == PK_OK && s->id != kp.id) {
            pk_note_signer_free(s);
            st = pki_tlog_fail(PK_E_FORMAT, err, errlen,
                               "signer key: key id %08x does not match the key", kp.id);
        } else if (st == PK_OK) {
            *out = s;
        }
    }
    OPENSSL_cleanse(&kp, sizeof kp);
    return st;
}

void pk_note_signer_free(pk_note_signer *s)
{
    if (!s)
        return;
    EVP_PKEY_free(s->pkey);
    pki_free(s);
}

static void format_key(const char *prefix, const char *name, uint32_t id, const uint8_t key32[32],
                       char *out, size_t cap)
{
    uint8_t raw[33];
    char b[PKI_B64_LEN(33) + 1];
    raw[0] = ALG_ED25519;
    memcpy(raw + 1, key32, 32);
    pki_tlog_b64_encode(raw, sizeof raw, b);
    snprintf(out, cap, "%s%s+%08x+%s", prefix, name, (unsigned)id, b);
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_cleanse(b, sizeof b);
}

void pk_note_signer_vkey(const pk_note_signer *s, char vkey[PK_NOTE_VKEY_MAX])
{
    if (!s || !vkey)
        return;
    format_key("", s->name, s->id, s->pub, vkey, PK_NOTE_VKEY_MAX);
}

pk_status pk_note_keygen(const char *name, char skey[PK_NOTE_SKEY_MAX], char vkey[PK_NOTE_VKEY_MAX],
                         char *err, size_t errlen)
{
    if (!name || !skey || !vkey)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "keygen: missing argument");
    size_t nlen = strlen(name);
    if (!pki_note_name_valid(name, nlen, PK_NOTE_NAME_MAX))
        return pki_tlog_fail(PK_E_USAGE, err, errlen,
                             "keygen: invalid key name (1 to %d bytes of UTF-8, no spaces, no '+')",
                             PK_NOTE_NAME_MAX);
    uint8_t seed[32];
    if (RAND_bytes(seed, sizeof seed) != 1)
        return pki_tlog_fail(PK_E_INTERNAL, err, errlen, "keygen: no randomness from OpenSSL");
    pk_note_signer *s = NULL;
    pk_status st = signer_make(name, nlen, seed, &s, err, errlen);
    if (st == PK_OK) {
        format_key("PRIVATE+KEY+", name, s->id, seed, skey, PK_NOTE_SKEY_MAX);
        format_key("", name, s->id, s->pub, vkey, PK_NOTE_VKEY_MAX);
        pk_note_signer_free(s);
    }
    OPENSSL_cleanse(seed, sizeof seed);
    return st;
}
