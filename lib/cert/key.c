/* Ed25519 keys (OpenSSL 3 EVP): generation, PEM in and out, the key id, and
 * the streaming SHA-256 of a file that verification starts from. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert_int.h"

#define KEY_MAX_TEXT (16u << 10) /* a PEM key is a few hundred bytes */

/* Fills raw and keyid from pkey; takes ownership of pkey. */
static pk_status key_wrap(EVP_PKEY *pkey, int priv, pk_key **out)
{
    pk_key *k = pki_calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pkey);
        return PK_E_NOMEM;
    }
    k->pkey = pkey;
    k->priv = priv;
    size_t rl = sizeof k->raw;
    if (EVP_PKEY_get_raw_public_key(pkey, k->raw, &rl) != 1 || rl != 32) {
        pk_key_free(k);
        return PK_E_INTERNAL;
    }
    uint8_t h[32];
    pki_cert_sha256(k->raw, 32, h);
    pki_hex(h, 32, k->keyid);
    *out = k;
    return PK_OK;
}

pk_status pk_key_generate(pk_key **out)
{
    if (!out)
        return PK_E_MISUSE;
    *out = NULL;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    int ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        EVP_PKEY_free(pkey);
        return PK_E_INTERNAL;
    }
    return key_wrap(pkey, 1, out);
}

pk_status pki_key_public_copy(const pk_key *k, pk_key **out)
{
    *out = NULL;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k->raw, 32);
    return pkey ? key_wrap(pkey, 0, out) : PK_E_INTERNAL;
}

pk_status pki_key_from_seed(const uint8_t seed[32], pk_key **out)
{
    *out = NULL;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    return pkey ? key_wrap(pkey, 1, out) : PK_E_INTERNAL;
}

pk_status pk_key_parse(const char *buf, size_t len, int want_private, pk_key **out, char *err,
                       size_t errlen)
{
    if (!out || (!buf && len))
        return PK_E_MISUSE;
    *out = NULL;
    if (len == 0 || len > KEY_MAX_TEXT || len > INT32_MAX) {
        pki_cert_err(err, errlen, "key: %zu bytes; a PEM key is 1..%u", len, KEY_MAX_TEXT);
        return PK_E_FORMAT;
    }
    EVP_PKEY *pkey = NULL;
    if (!want_private && len <= 48 && memchr(buf, '-', len) == NULL) {
        /* base64 of the raw 32 bytes, as an accreditation may carry it */
        size_t rl = 0;
        size_t tl = len;
        while (tl && (buf[tl - 1] == '\n' || buf[tl - 1] == '\r'))
            tl--;
        uint8_t *raw = pki_cert_unb64(buf, tl, &rl);
        if (raw && rl == 32)
            pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
        pki_free(raw);
    } else {
        BIO *bio = BIO_new_mem_buf(buf, (int)len);
        if (!bio)
            return PK_E_NOMEM;
        pkey = want_private ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
                            : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        BIO_free(bio);
    }
    if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        pki_cert_err(err, errlen,
                     want_private ? "not an unencrypted Ed25519 private key (PKCS#8 PEM)"
                                  : "not an Ed25519 public key (SPKI PEM or base64 of 32 bytes)");
        return PK_E_FORMAT;
    }
    return key_wrap(pkey, want_private, out);
}

/* Reads at most max bytes of path into a pki_malloc'd NUL-terminated buffer. */
static pk_status slurp(const char *path, size_t max, char **buf, size_t *len, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pki_cert_err(err, errlen, "%s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    char *b = pki_malloc(max + 2);
    if (!b) {
        fclose(f);
        return PK_E_NOMEM;
    }
    size_t n = fread(b, 1, max + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        pki_free(b);
        pki_cert_err(err, errlen, "%s: read error", path);
        return PK_E_IO;
    }
    if (n > max) {
        pki_free(b);
        pki_cert_err(err, errlen, "%s: larger than %zu bytes", path, max);
        return PK_E_FORMAT;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return PK_OK;
}

pk_status pk_key_load(const char *path, int want_private, pk_key **out, char *err, size_t errlen)
{
    if (!path || !out)
        return PK_E_MISUSE;
    *out = NULL;
    char *b;
    size_t n;
    pk_status st = slurp(path, KEY_MAX_TEXT, &b, &n, err, errlen);
    if (st != PK_OK)
        return st;
    char e2[256] = "";
    st = pk_key_parse(b, n, want_private, out, e2, sizeof e2);
    OPENSSL_cleanse(b, n);
    pki_free(b);
    if (st != PK_OK)
        pki_cert_err(err, errlen, "%s: %s", path, e2);
    return st;
}

/* Writes text to a new file (O_EXCL): an existing key is never replaced. */
static pk_status write_new(const char *path, const char *text, size_t n, mode_t mode, char *err,
                           size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        pki_cert_err(err, errlen, "%s: %s%s", path, strerror(errno),
                     errno == EEXIST ? " (refusing to overwrite a key)" : "");
        return PK_E_IO;
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    int bad = off != n || fsync(fd) != 0;
    if (close(fd) != 0)
        bad = 1;
    if (bad) {
        pki_cert_err(err, errlen, "%s: write failed: %s", path, strerror(errno));
        unlink(path);
        return PK_E_IO;
    }
    return PK_OK;
}

static char *bio_text(BIO *bio, size_t *n)
{
    char *p = NULL;
    long l = BIO_get_mem_data(bio, &p);
    if (l <= 0 || !p)
        return NULL;
    char *o = pki_malloc((size_t)l + 1);
    if (!o)
        return NULL;
    memcpy(o, p, (size_t)l);
    o[l] = 0;
    *n = (size_t)l;
    return o;
}

pk_status pk_key_public_pem(const pk_key *k, char **pem)
{
    if (!k || !pem)
        return PK_E_MISUSE;
    *pem = NULL;
    BIO *bio = BIO_new(BIO_s_mem());
    size_t n = 0;
    if (bio && PEM_write_bio_PUBKEY(bio, k->pkey) == 1)
        *pem = bio_text(bio, &n);
    BIO_free(bio);
    return *pem ? PK_OK : PK_E_INTERNAL;
}

pk_status pk_key_write_pair(const pk_key *k, const char *priv_path, const char *pub_path, char *err,
                            size_t errlen)
{
    if (!k || !k->priv || !priv_path || !pub_path)
        return PK_E_MISUSE;
    BIO *bio = BIO_new(BIO_s_mem());
    size_t n = 0;
    char *text = NULL;
    if (bio && PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) == 1)
        text = bio_text(bio, &n);
    BIO_free(bio); /* a memory BIO: its buffer is freed (not cleansed) here */
    if (!text)
        return PK_E_INTERNAL;
    pk_status st = write_new(priv_path, text, n, 0600, err, errlen);
    OPENSSL_cleanse(text, n);
    pki_free(text);
    if (st != PK_OK)
        return st;
    char *pub = NULL;
    if ((st = pk_key_public_pem(k, &pub)) == PK_OK) {
        st = write_new(pub_path, pub, strlen(pub), 0644, err, errlen);
        pki_free(pub);
    }
    if (st != PK_OK)
        unlink(priv_path); /* no half pair: keygen can be rerun */
    return st;
}

const char *pk_key_id(const pk_key *k)
{
    return k ? k->keyid : NULL;
}

int pk_key_is_private(const pk_key *k)
{
    return k && k->priv;
}

void pk_key_free(pk_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    pki_free(k);
}

pk_status pk_sha256_file(const char *path, uint8_t out[32], char *err, size_t errlen)
{
    if (!path || !out)
        return PK_E_MISUSE;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pki_cert_err(err, errlen, "%s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        pki_cert_err(err, errlen, "%s: not a regular file", path);
        return PK_E_IO;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        close(fd);
        return PK_E_INTERNAL;
    }
    static const size_t BLK = 64u << 10;
    uint8_t *buf = pki_malloc(BLK);
    pk_status st = buf ? PK_OK : PK_E_NOMEM;
    while (st == PK_OK) {
        ssize_t r = read(fd, buf, BLK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            pki_cert_err(err, errlen, "%s: %s", path, strerror(errno));
            st = PK_E_IO;
        } else if (r == 0) {
            break;
        } else if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1) {
            st = PK_E_INTERNAL;
        }
    }
    unsigned int ol = 32;
    if (st == PK_OK && EVP_DigestFinal_ex(ctx, out, &ol) != 1)
        st = PK_E_INTERNAL;
    pki_free(buf);
    EVP_MD_CTX_free(ctx);
    close(fd);
    return st;
}

int pk_sha256_from_hex(const char *hex, uint8_t out[32])
{
    if (!hex || strlen(hex) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + j];
            int d = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

void pk_cert_buf_free(void *p)
{
    pki_free(p);
}
