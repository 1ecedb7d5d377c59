/* OpenPGP through GPGME: the provider's signer (detached, ASCII-armoured,
 * one gpgme context per signer behind a mutex) and the puller's verifier,
 * which imports the given keyring into a private GNUPGHOME so the user's
 * own keys and trust never decide what a mirror accepts. That home carries
 * "no-autostart": verifying needs no gpg-agent, and none is ever left
 * running for a directory that is about to disappear. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gpgme.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csafsync_int.h"

#define MAX_KEYRING (4u << 20)

void pki_csync_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static pthread_once_t gpg_once = PTHREAD_ONCE_INIT;
static gpgme_error_t gpg_init_rc;
static void gpg_init(void)
{
    if (!gpgme_check_version(NULL)) {
        gpg_init_rc = gpg_error(GPG_ERR_NOT_SUPPORTED);
        return;
    }
    gpg_init_rc = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
}

static pk_status gpg_ready(char *err, size_t errlen)
{
    pthread_once(&gpg_once, gpg_init);
    if (gpg_init_rc) {
        pki_csync_err(err, errlen, "GPGME: no usable OpenPGP engine (gpg): %s",
                      gpgme_strerror(gpg_init_rc));
        return PK_E_INTERNAL;
    }
    return PK_OK;
}

/* A context on home, armoured, never asking for a passphrase. */
static pk_status ctx_new(const char *home, gpgme_ctx_t *out, char *err, size_t errlen)
{
    gpgme_ctx_t c = NULL;
    gpgme_error_t e = gpgme_new(&c);
    if (!e)
        e = gpgme_set_protocol(c, GPGME_PROTOCOL_OpenPGP);
    if (!e)
        e = gpgme_ctx_set_engine_info(c, GPGME_PROTOCOL_OpenPGP, NULL, home);
    if (!e)
        e = gpgme_set_pinentry_mode(c, GPGME_PINENTRY_MODE_LOOPBACK);
    if (e) {
        pki_csync_err(err, errlen, "GPGME context for %s: %s", home, gpgme_strerror(e));
        gpgme_release(c);
        return PK_E_INTERNAL;
    }
    gpgme_set_armor(c, 1);
    gpgme_set_offline(c, 1);
    *out = c;
    return PK_OK;
}

/* Moves a gpgme_data's bytes into pki_malloc'ed memory (pk_csaf_free). */
static pk_status take_data(gpgme_data_t d, uint8_t **out, size_t *outlen)
{
    size_t n = 0;
    char *m = gpgme_data_release_and_get_mem(d, &n);
    if (!m || !n) {
        gpgme_free(m);
        return PK_E_INTERNAL;
    }
    uint8_t *p = pki_malloc(n + 1);
    if (p) {
        memcpy(p, m, n);
        p[n] = 0;
    }
    gpgme_free(m);
    if (!p)
        return PK_E_NOMEM;
    *out = p;
    *outlen = n;
    return PK_OK;
}

static bool fpr_ok(const char *f)
{
    return f && strlen(f) == 40 && strspn(f, "0123456789abcdefABCDEF") == 40;
}

static void upper40(const char *in, char out[41])
{
    size_t i = 0;
    for (; i < 40 && in[i]; i++)
        out[i] = (char)(in[i] >= 'a' && in[i] <= 'f' ? in[i] - 32 : in[i]);
    out[i] = 0;
}

/* ---- the signer ---- */

struct pk_csaf_signer {
    pthread_mutex_t mu;
    gpgme_ctx_t ctx;
    char fpr[41];
};

pk_status pk_csaf_signer_open(const char *gnupghome, const char *fpr, pk_csaf_signer **out,
                              char *err, size_t errlen)
{
    if (!gnupghome || !fpr || !out)
        return PK_E_MISUSE;
    *out = NULL;
    if (!fpr_ok(fpr)) {
        pki_csync_err(err, errlen, "--csaf-key %.60s: not a fingerprint (40 hex digits)", fpr);
        return PK_E_USAGE;
    }
    struct stat sb;
    if (stat(gnupghome, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        pki_csync_err(err, errlen, "GnuPG home %s: %s", gnupghome,
                      errno ? strerror(errno) : "not a directory");
        return PK_E_IO;
    }
    pk_status st = gpg_ready(err, errlen);
    if (st != PK_OK)
        return st;
    pk_csaf_signer *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    upper40(fpr, s->fpr);
    st = ctx_new(gnupghome, &s->ctx, err, errlen);
    if (st != PK_OK) {
        pki_free(s);
        return st;
    }
    gpgme_key_t key = NULL;
    gpgme_error_t e = gpgme_get_key(s->ctx, s->fpr, &key, 1);
    if (e || !key || !key->subkeys) {
        pki_csync_err(err, errlen, "no secret key %s in %s%s%s", s->fpr, gnupghome, e ? ": " : "",
                      e ? gpgme_strerror(e) : "");
        st = PK_E_USAGE;
    } else if (strcasecmp(key->subkeys->fpr, s->fpr) != 0) {
        pki_csync_err(err, errlen, "%s is a subkey; give the primary key's fingerprint %s", s->fpr,
                      key->subkeys->fpr);
        st = PK_E_USAGE;
    } else if (key->revoked || key->expired || key->disabled || key->invalid) {
        pki_csync_err(err, errlen, "key %s is %s", s->fpr,
                      key->revoked   ? "revoked"
                      : key->expired ? "expired"
                                     : "disabled or invalid");
        st = PK_E_USAGE;
    } else if (!key->can_sign) {
        pki_csync_err(err, errlen, "key %s cannot sign", s->fpr);
        st = PK_E_USAGE;
    } else if ((e = gpgme_signers_add(s->ctx, key)) != 0) {
        pki_csync_err(err, errlen, "key %s: %s", s->fpr, gpgme_strerror(e));
        st = PK_E_INTERNAL;
    }
    gpgme_key_unref(key);
    if (st == PK_OK && pthread_mutex_init(&s->mu, NULL) != 0)
        st = PK_E_INTERNAL;
    if (st != PK_OK) {
        gpgme_release(s->ctx);
        pki_free(s);
        return st;
    }
    *out = s;
    return PK_OK;
}

pk_status pk_csaf_sign(pk_csaf_signer *s, const uint8_t *data, size_t len, uint8_t **sig,
                       size_t *siglen, char *err, size_t errlen)
{
    if (!s || (!data && len) || !sig || !siglen)
        return PK_E_MISUSE;
    *sig = NULL;
    *siglen = 0;
    gpgme_data_t in = NULL, out = NULL;
    gpgme_error_t e =
        gpgme_data_new_from_mem(&in, (const char *)(data ? data : (const uint8_t *)""), len, 0);
    if (!e)
        e = gpgme_data_new(&out);
    if (e) {
        gpgme_data_release(in);
        pki_csync_err(err, errlen, "GPGME: %s", gpgme_strerror(e));
        return PK_E_NOMEM;
    }
    pthread_mutex_lock(&s->mu);
    e = gpgme_op_sign(s->ctx, in, out, GPGME_SIG_MODE_DETACH);
    gpgme_sign_result_t r = e ? NULL : gpgme_op_sign_result(s->ctx);
    bool ok = r && !r->invalid_signers && r->signatures;
    if (!e && !ok)
        e = gpg_error(r && r->invalid_signers ? r->invalid_signers->reason : GPG_ERR_GENERAL);
    pthread_mutex_unlock(&s->mu);
    gpgme_data_release(in);
    if (e) {
        gpgme_data_release(out);
        pki_csync_err(err, errlen, "signing with %s: %s", s->fpr, gpgme_strerror(e));
        return PK_E_INTERNAL;
    }
    return take_data(out, sig, siglen);
}

pk_status pk_csaf_signer_pubkey(pk_csaf_signer *s, uint8_t **key, size_t *keylen, char *err,
                                size_t errlen)
{
    if (!s || !key || !keylen)
        return PK_E_MISUSE;
    *key = NULL;
    *keylen = 0;
    gpgme_data_t out = NULL;
    gpgme_error_t e = gpgme_data_new(&out);
    if (e)
        return PK_E_NOMEM;
    pthread_mutex_lock(&s->mu);
    e = gpgme_op_export(s->ctx, s->fpr, 0, out);
    pthread_mutex_unlock(&s->mu);
    if (e) {
        gpgme_data_release(out);
        pki_csync_err(err, errlen, "exporting %s: %s", s->fpr, gpgme_strerror(e));
        return PK_E_INTERNAL;
    }
    pk_status st = take_data(out, key, keylen);
    if (st == PK_E_INTERNAL)
        pki_csync_err(err, errlen, "exporting %s: nothing exported", s->fpr);
    return st;
}

const char *pk_csaf_signer_fpr(const pk_csaf_signer *s)
{
    return s ? s->fpr : NULL;
}

void pk_csaf_signer_close(pk_csaf_signer *s)
{
    if (!s)
        return;
    gpgme_release(s->ctx);
    pthread_mutex_destroy(&s->mu);
    pki_free(s);
}

/* ---- the verifier ---- */

struct pki_csync_keyring {
    gpgme_ctx_t ctx;
    char home[512];
};

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    remove(p);
    return 0;
}

/* The private home holds only what gpg itself wrote (a keybox, a trust
 * database, lock files): nftw without following links, depth first. */
static void rm_home(const char *home)
{
    if (home[0])
        nftw(home, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static pk_status read_keyring(const char *path, uint8_t **out, size_t *outlen, char *err,
                              size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        pki_csync_err(err, errlen, "keyring %s: %s", path,
                      fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return PK_E_IO;
    }
    if (sb.st_size <= 0 || (uint64_t)sb.st_size > MAX_KEYRING) {
        close(fd);
        pki_csync_err(err, errlen, "keyring %s: empty or over %u bytes", path, MAX_KEYRING);
        return PK_E_IO;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    uint8_t *b = pki_malloc(n);
    if (!b) {
        close(fd);
        return PK_E_NOMEM;
    }
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        pki_free(b);
        pki_csync_err(err, errlen, "keyring %s: short read", path);
        return PK_E_IO;
    }
    *out = b;
    *outlen = n;
    return PK_OK;
}

pk_status pki_csync_keyring_open(const char *keys_path, pki_csync_keyring **out, char *err,
                                 size_t errlen)
{
    *out = NULL;
    pk_status st = gpg_ready(err, errlen);
    if (st != PK_OK)
        return st;
    uint8_t *kb = NULL;
    size_t kn = 0;
    if ((st = read_keyring(keys_path, &kb, &kn, err, errlen)) != PK_OK)
        return st;
    pki_csync_keyring *k = pki_calloc(1, sizeof *k);
    if (!k) {
        pki_free(kb);
        return PK_E_NOMEM;
    }
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !tmp[0] || strlen(tmp) > 200)
        tmp = "/tmp";
    snprintf(k->home, sizeof k->home, "%s/pk-csaf-gpg-XXXXXX", tmp);
    if (!mkdtemp(k->home)) {
        pki_csync_err(err, errlen, "temporary GnuPG home in %s: %s", tmp, strerror(errno));
        k->home[0] = 0;
        st = PK_E_IO;
        goto out;
    }
    char conf[600];
    snprintf(conf, sizeof conf, "%s/gpg.conf", k->home);
    FILE *f = fopen(conf, "we");
    if (!f || fputs("no-autostart\ntrust-model always\nno-auto-key-retrieve\n"
                    "no-auto-key-locate\nno-greeting\n",
                    f) < 0) {
        pki_csync_err(err, errlen, "%s: %s", conf, strerror(errno));
        st = PK_E_IO;
    }
    if (f && fclose(f) != 0 && st == PK_OK) {
        pki_csync_err(err, errlen, "%s: %s", conf, strerror(errno));
        st = PK_E_IO;
    }
    if (st != PK_OK || (st = ctx_new(k->home, &k->ctx, err, errlen)) != PK_OK)
        goto out;
    gpgme_data_t d = NULL;
    gpgme_error_t e = gpgme_data_new_from_mem(&d, (const char *)kb, kn, 0);
    if (!e)
        e = gpgme_op_import(k->ctx, d);
    gpgme_data_release(d);
    gpgme_import_result_t r = e ? NULL : gpgme_op_import_result(k->ctx);
    if (e || !r || r->imported + r->unchanged <= 0) {
        pki_csync_err(err, errlen, "keyring %s: no OpenPGP public key could be read%s%s", keys_path,
                      e ? ": " : "", e ? gpgme_strerror(e) : "");
        st = PK_E_FORMAT;
    }
out:
    pki_free(kb);
    if (st != PK_OK) {
        pki_csync_keyring_close(k);
        return st;
    }
    *out = k;
    return PK_OK;
}

void pki_csync_keyring_close(pki_csync_keyring *k)
{
    if (!k)
        return;
    gpgme_release(k->ctx);
    rm_home(k->home);
    pki_free(k);
}

/* One signature's verdict in words; PK_OK only for a good signature by a
 * key that is neither revoked nor expired. */
static pk_status judge(const gpgme_signature_t s, char *err, size_t errlen)
{
    const char *who = s->fpr ? s->fpr : "?";
    gpgme_err_code_t c = gpg_err_code(s->status);
    if (c == GPG_ERR_BAD_SIGNATURE || (s->summary & GPGME_SIGSUM_RED)) {
        if (s->summary & GPGME_SIGSUM_KEY_REVOKED)
            pki_csync_err(err, errlen, "signature by revoked key %s", who);
        else
            pki_csync_err(err, errlen,
                          "bad signature by key %s: the document or the signature "
                          "was altered",
                          who);
    } else if (c == GPG_ERR_NO_PUBKEY || (s->summary & GPGME_SIGSUM_KEY_MISSING)) {
        pki_csync_err(err, errlen, "signed by unknown key %s (not in the keyring)", who);
    } else if (c == GPG_ERR_CERT_REVOKED || (s->summary & GPGME_SIGSUM_KEY_REVOKED)) {
        pki_csync_err(err, errlen, "signature by revoked key %s", who);
    } else if (c == GPG_ERR_KEY_EXPIRED || (s->summary & GPGME_SIGSUM_KEY_EXPIRED)) {
        pki_csync_err(err, errlen, "signature by expired key %s", who);
    } else if (c == GPG_ERR_SIG_EXPIRED || (s->summary & GPGME_SIGSUM_SIG_EXPIRED)) {
        pki_csync_err(err, errlen, "signature by key %s has expired", who);
    } else if (c != GPG_ERR_NO_ERROR) {
        pki_csync_err(err, errlen, "signature by key %s: %s", who, gpgme_strerror(s->status));
    } else if (s->wrong_key_usage) {
        pki_csync_err(err, errlen, "signature by key %s, which is not a signing key", who);
    } else if (s->summary & (GPGME_SIGSUM_SYS_ERROR | GPGME_SIGSUM_BAD_POLICY)) {
        /* No VALID/GREEN test: trust is membership in the keyring the
         * analyst gave (trust-model always), so a good signature by a key in
         * it has summary 0 or GREEN; only these flags speak against it. */
        pki_csync_err(err, errlen, "signature by key %s is not valid (summary 0x%x)", who,
                      (unsigned)s->summary);
    } else {
        return PK_OK;
    }
    return PK_E_FORMAT;
}

pk_status pki_csync_verify(pki_csync_keyring *k, const uint8_t *data, size_t len,
                           const uint8_t *sig, size_t siglen, char fpr[41], char *err,
                           size_t errlen)
{
    fpr[0] = 0;
    if (!siglen || siglen > PKI_CSYNC_MAX_SIG) {
        pki_csync_err(err, errlen, "the signature is empty or over %u bytes", PKI_CSYNC_MAX_SIG);
        return PK_E_FORMAT;
    }
    gpgme_data_t ds = NULL, dd = NULL;
    gpgme_error_t e = gpgme_data_new_from_mem(&ds, (const char *)sig, siglen, 0);
    if (!e)
        e = gpgme_data_new_from_mem(&dd, (const char *)(data ? data : (const uint8_t *)""), len, 0);
    if (e) {
        gpgme_data_release(ds);
        return PK_E_NOMEM;
    }
    e = gpgme_op_verify(k->ctx, ds, dd, NULL);
    gpgme_verify_result_t r = e ? NULL : gpgme_op_verify_result(k->ctx);
    pk_status st = PK_OK;
    if (e || !r || !r->signatures) {
        pki_csync_err(err, errlen, "not an OpenPGP signature%s%s", e ? ": " : "",
                      e ? gpgme_strerror(e) : "");
        st = PK_E_FORMAT;
    }
    /* Every signature in the file must be good: one bad one is tampering. */
    for (gpgme_signature_t s = r ? r->signatures : NULL; st == PK_OK && s; s = s->next)
        st = judge(s, err, errlen);
    gpgme_key_t key = NULL;
    if (st == PK_OK) {
        /* the signature names the (sub)key that signed; the answer is the
         * primary key, the one a provider lists */
        e = gpgme_get_key(k->ctx, r->signatures->fpr, &key, 0);
        if (e || !key || !key->subkeys || !fpr_ok(key->subkeys->fpr)) {
            pki_csync_err(err, errlen, "the signing key %s cannot be listed: %s",
                          r->signatures->fpr, e ? gpgme_strerror(e) : "no primary key");
            st = PK_E_FORMAT;
        } else if (key->revoked || key->expired) {
            pki_csync_err(err, errlen, "signature by %s key %s",
                          key->revoked ? "revoked" : "expired", key->subkeys->fpr);
            st = PK_E_FORMAT;
        } else {
            upper40(key->subkeys->fpr, fpr);
        }
        gpgme_key_unref(key);
    }
    gpgme_data_release(ds);
    gpgme_data_release(dd);
    return st;
}

pk_status pk_csaf_verify_sig(const char *keys_path, const uint8_t *data, size_t len,
                             const uint8_t *sig, size_t siglen, char fpr[41], char *err,
                             size_t errlen)
{
    if (!keys_path || (!data && len) || !sig || !fpr)
        return PK_E_MISUSE;
    fpr[0] = 0;
    pki_csync_keyring *k = NULL;
    pk_status st = pki_csync_keyring_open(keys_path, &k, err, errlen);
    if (st != PK_OK)
        return st;
    st = pki_csync_verify(k, data, len, sig, siglen, fpr, err, errlen);
    pki_csync_keyring_close(k);
    return st;
}
