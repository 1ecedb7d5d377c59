/* The keys analyzer on fixtures made at test time: PEM keys (RSA 1024/3072,
 * EC P-256, Ed25519, encrypted PKCS#8), certificates (self-signed, expired,
 * SHA-1 signed), an OpenSSH key, a PEM key compiled into an ELF and written
 * in C source, a PKCS#12 store and a DER certificate; the system CA bundle
 * must give exactly as many certificates as it has blocks. Negatives: prose
 * that names the markers, random bytes, truncated and garbled bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "walk/harness_int.h"

extern const pk_analyzer pki_analyzer_keys;

static int have_ssh, have_gpg;

static void run(pki_frec *rec, const void *p, size_t n, const char *vpath)
{
    assert_int_equal(pki_frec_init(rec), PK_OK);
    pk_bytes b = {p, n};
    assert_int_equal(pki_harness_run(&pki_analyzer_keys, b, vpath, rec), PK_OK);
}

/* Runs the analyzer on fixture `name`; the bytes are kept in *buf (freed by the caller). */
static void run_fx(pki_frec *rec, const char *name, uint8_t **buf, size_t *n)
{
    *buf = fx_slurp(name, n);
    run(rec, *buf, *n, name);
}

static size_t count(const pki_frec *rec, const char *rule)
{
    size_t c = 0;
    for (size_t i = 0; i < rec->nfind; i++)
        if (strcmp(rec->findings[i].rule_id, rule) == 0)
            c++;
    return c;
}

static const pk_finding *find(const pki_frec *rec, const char *rule, size_t nth)
{
    for (size_t i = 0; i < rec->nfind; i++)
        if (strcmp(rec->findings[i].rule_id, rule) == 0 && nth-- == 0)
            return &rec->findings[i];
    fail_msg("no %s finding", rule);
    return NULL;
}

static json_t *facts(const pki_frec *rec, const char *arr, size_t i)
{
    json_t *a = json_object_get(json_object_get(rec->facts, "keys"), arr);
    json_t *e = json_array_get(a, i);
    if (!e)
        fail_msg("no facts.keys.%s[%zu]", arr, i);
    return e;
}

static const char *fs(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "(absent)";
}

static json_int_t fi(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static int fb(const json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

static uint64_t offset_of(const uint8_t *b, size_t n, const char *s)
{
    const uint8_t *p = memmem(b, n, s, strlen(s));
    assert_non_null(p);
    return (uint64_t)(p - b);
}

/* A certificate from the API: validity [now+from_days, now+to_days], signed
 * with `md` by a key of its own; `issuer` other than the subject makes it
 * not self-signed. */
static void craft_cert(const char *file, const char *cn, const char *issuer, long from_days,
                       long to_days, const EVP_MD *md)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(k);
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
    X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400);
    X509_gmtime_adj(X509_getm_notAfter(x), to_days * 86400);
    X509_NAME *s = X509_get_subject_name(x), *i = X509_get_issuer_name(x);
    X509_NAME_add_entry_by_txt(s, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(i, "CN", MBSTRING_ASC, (const unsigned char *)issuer, -1, -1, 0);
    X509_set_pubkey(x, k);
    assert_true(X509_sign(x, k, md) > 0);
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx_dir, file);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    PEM_write_X509(f, x);
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(k);
}

/* An X.509 v1 certificate (no version field, no extensions: the VeriSign G3
 * roots in NSS's libnssckbi.so), DER, between junk bytes. */
static void craft_v1_blob(const char *file)
{
    /* RSA 2048, as those roots: long enough for the 30 82 LL LL headers the prefixes want */
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    assert_non_null(k);
    X509 *x = X509_new();
    X509_set_version(x, 0);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 77);
    X509_gmtime_adj(X509_getm_notBefore(x), -86400);
    X509_gmtime_adj(X509_getm_notAfter(x), 30 * 86400);
    X509_NAME *s = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(s, "CN", MBSTRING_ASC, (const unsigned char *)"keys-test-v1", -1, -1,
                               0);
    X509_set_issuer_name(x, s);
    X509_set_pubkey(x, k);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    assert_true(n > 0);
    assert_int_equal(der[8], 0x02); /* the serial right after the tbsCertificate header */
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx_dir, file);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite("JUNK", 1, 4, f);
    fwrite(der, 1, (size_t)n, f);
    fwrite("END", 1, 3, f);
    fclose(f);
    OPENSSL_free(der);
    X509_free(x);
    EVP_PKEY_free(k);
}

/* A GOST R 34.10-2012 (256-bit) PKCS#8 key, as GnuTLS's self-test keys: OpenSSL
 * parses the PKCS#8 structure but has no key type for it. RFC 9215 4 (OIDs). */
static void craft_gost_pem(const char *file)
{
    static const uint8_t head[] = {0x30, 0x4a, 0x02, 0x01, 0x00, /* version 0 */
                                   0x30, 0x21, 0x06, 0x08, 0x2a, 0x85, 0x03,
                                   0x07, 0x01, 0x01, 0x01, /* id-tc26-gost3410-12-256 */
                                   0x01, 0x30, 0x15, 0x06, 0x09, 0x2a, 0x85,
                                   0x03, 0x07, 0x01, 0x02, 0x01, 0x01, 0x01, /* paramSetA */
                                   0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01,
                                   0x01, 0x02, 0x02, /* Streebog-256 */
                                   0x04, 0x22, 0x04, 0x20};
    uint8_t der[sizeof head + 32];
    memcpy(der, head, sizeof head);
    for (int i = 0; i < 32; i++)
        der[sizeof head + (size_t)i] = (uint8_t)(0x11 * i + 1);
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx_dir, file);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_true(PEM_write(f, "PRIVATE KEY", "", der, (long)sizeof der) > 0);
    fclose(f);
}

static int setup(void **st)
{
    (void)st;
    if (fx_mkdtemp("/tmp/pk-keys-XXXXXX"))
        return -1;
    int r = 0;
    r |= fx_sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem");
    r |= fx_sh("openssl req -x509 -newkey rsa:3072 -nodes -keyout rsa3072.key -out rsa3072.crt "
               "-days 30 -subj /CN=keys-test-3072");
    r |= fx_sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
               "-keyout ec.key -out ec.crt -days 30 -subj /CN=keys-test-ec "
               "-addext basicConstraints=critical,CA:TRUE");
    r |= fx_sh("openssl genpkey -algorithm ED25519 -out ed.pem && "
               "openssl pkey -in ed.pem -pubout -out ed.pub");
    r |= fx_sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc "
               "-pass pass:secret -out enc.pem");
    r |= fx_sh("openssl ec -in ec.key -out ec_trad.pem");
    r |= fx_sh("awk 'BEGIN { printf \"{\\\"cert\\\": \\\"\" } { printf \"%%s\\\\n\", $0 } "
               "END { print \"\\\"}\" }' ec.crt > cert.json");
    r |= fx_sh("openssl pkey -in rsa1024.pem -traditional -aes128 -passout pass:x -out legacy.pem");
    r |= fx_sh("openssl pkcs12 -export -inkey ec.key -in ec.crt -passout pass: -out store.p12");
    r |= fx_sh("openssl x509 -in rsa3072.crt -outform DER -out cert.der");
    r |= fx_sh("openssl pkey -in rsa1024.pem -outform DER -out rsa1024.der && "
               "openssl pkey -in ed.pem -outform DER -out ed.der && "
               "openssl pkey -in ec.key -outform DER -out ec.der && "
               "{ printf JUNKJUNK; cat cert.der; printf MID; cat rsa1024.der; printf X; cat ed.der;"
               " printf Y; cat ec.der; printf END; } > blob.bin");
    /* the 1024-bit key as a C string literal, in source and compiled */
    r |= fx_sh("(echo 'const char key[] ='; sed 's/.*/\"&\\\\n\"/' rsa1024.pem; echo ';';"
               " echo 'int main(void) { return key[0]; }') > prog.c && cc -O0 -o prog prog.c");
    r |= fx_sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa512.pem && "
               "openssl rsa -in rsa512.pem -traditional -outform DER -out rsa512.der && "
               "{ printf JUNK; cat rsa512.der; printf END; } > rsa512.bin");
    craft_v1_blob("v1.bin");
    craft_gost_pem("gost.pem");
    craft_cert("expired.crt", "keys-test-expired", "keys-test-expired", -10, -1, EVP_sha256());
    craft_cert("sha1.crt", "keys-test-leaf", "keys-test-other-ca", -1, 30, EVP_sha1());
    have_ssh =
        fx_sh("command -v ssh-keygen && ssh-keygen -q -t ed25519 -N '' -C t -f id_ed25519") == 0;
    if (have_ssh) {
        r |= fx_sh("ssh-keygen -q -t rsa -b 2048 -a 1 -N secret -C t -f id_rsa_enc");
        r |= fx_sh("{ printf 'PuTTY-User-Key-File-2: ssh-ed25519\\r\\nEncryption: none\\r\\n"
                   "Comment: t\\r\\nPublic-Lines: 2\\r\\n'; cut -d' ' -f2 id_ed25519.pub | "
                   "fold -w 64 | sed 's/$/\\r/'; printf 'Private-Lines: 1\\r\\nAAAA\\r\\n"
                   "Private-MAC: 0011\\r\\n'; } > k.ppk");
        r |= fx_sh("{ printf JUNK; sed '1d;$d' id_ed25519 | base64 -d; printf TAIL; } > raw.bin");
    }
    have_gpg = fx_sh("command -v gpg && mkdir -m 700 g && gpg --homedir g --batch "
                     "--pinentry-mode loopback --passphrase '' --quick-gen-key 'T <t@e>' "
                     "ed25519 sign never && gpg --homedir g --batch --pinentry-mode loopback "
                     "--passphrase '' --armor --export-secret-keys > sec.asc && gpg --homedir g "
                     "--armor --export > pub.asc; s=$?; gpgconf --homedir g --kill gpg-agent; "
                     "exit $s") == 0;
    return r ? -1 : 0;
}

static int teardown(void **st)
{
    (void)st;
    return fx_remove();
}

static void test_rsa_weak_private(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "rsa1024.pem", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 1);
    const pk_finding *f = find(&rec, "PK-KEY-0001", 0);
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_int_equal(f->confidence, 95);
    assert_int_equal(f->loc.offset, 0);
    assert_int_equal(f->loc.length, n - 1); /* all but the final newline */
    assert_int_equal(f->evidence.len, strlen("-----BEGIN PRIVATE KEY-----"));
    assert_memory_equal(f->evidence.ptr, "-----BEGIN PRIVATE KEY-----", f->evidence.len);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "type"), "RSA");
    assert_int_equal(fi(k, "bits"), 1024);
    assert_string_equal(fs(k, "format"), "PKCS#8");
    assert_false(fb(k, "encrypted"));
    assert_int_equal(count(&rec, "PK-KEY-0003"), 1);
    assert_int_equal(find(&rec, "PK-KEY-0003", 0)->severity, PK_SEV_MEDIUM);
    pki_frec_fini(&rec);
    free(b);
}

static void test_rsa3072_cert_and_key(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "rsa3072.crt", &b, &n);
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(count(&rec, "PK-KEY-0002"), 1);
    json_t *c = facts(&rec, "certificates", 0);
    assert_string_equal(fs(c, "subject"), "CN=keys-test-3072");
    assert_string_equal(fs(c, "issuer"), "CN=keys-test-3072");
    assert_string_equal(fs(c, "key_type"), "RSA");
    assert_int_equal(fi(c, "key_bits"), 3072);
    assert_string_equal(fs(c, "signature_algorithm"), "RSA-SHA256");
    assert_true(fb(c, "self_signed"));
    assert_false(fb(c, "expired"));
    assert_int_equal(strlen(fs(c, "sha256")), 64);
    assert_int_equal(strlen(fs(c, "not_after")), 20);
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "rsa3072.key", &b, &n);
    assert_int_equal(rec.nfind, 1);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_int_equal(fi(k, "bits"), 3072);
    pki_frec_fini(&rec);
    free(b);
}

static void test_ec_ed25519_encrypted(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "ec.crt", &b, &n);
    json_t *c = facts(&rec, "certificates", 0);
    assert_string_equal(fs(c, "key_type"), "EC");
    assert_string_equal(fs(c, "curve"), "prime256v1");
    assert_int_equal(fi(c, "key_bits"), 256);
    assert_true(fb(c, "ca"));
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "ec_trad.pem", &b, &n);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "format"), "SEC1");
    assert_string_equal(fs(k, "curve"), "prime256v1");
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "ed.pem", &b, &n);
    k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "type"), "ED25519");
    assert_int_equal(count(&rec, "PK-KEY-0003"), 0);
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "ed.pub", &b, &n);
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(count(&rec, "PK-KEY-0005"), 1);
    assert_int_equal(fi(json_object_get(rec.facts, "keys"), "public_keys"), 1);
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "enc.pem", &b, &n);
    assert_int_equal(rec.nfind, 1);
    const pk_finding *f = find(&rec, "PK-KEY-0001", 0);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    k = facts(&rec, "private_keys", 0);
    assert_true(fb(k, "encrypted"));
    assert_string_equal(fs(k, "cipher"), "PBES2 aes-256-cbc");
    pki_frec_fini(&rec);
    free(b);
}

static void test_expired_and_sha1(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "expired.crt", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0004"), 1);
    assert_int_equal(find(&rec, "PK-KEY-0004", 0)->severity, PK_SEV_LOW);
    assert_true(fb(facts(&rec, "certificates", 0), "expired"));
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "sha1.crt", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0004"), 0);
    assert_int_equal(count(&rec, "PK-KEY-0003"), 1);
    assert_int_equal(find(&rec, "PK-KEY-0003", 0)->severity, PK_SEV_LOW);
    json_t *c = facts(&rec, "certificates", 0);
    assert_false(fb(c, "self_signed"));
    assert_string_equal(fs(c, "serial"), "1092");
    pki_frec_fini(&rec);
    free(b);
}

static void test_openssh(void **st)
{
    (void)st;
    if (!have_ssh)
        skip();
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "id_ed25519", &b, &n);
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(find(&rec, "PK-KEY-0001", 0)->confidence, 95);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "type"), "ED25519");
    assert_string_equal(fs(k, "format"), "OpenSSH");
    assert_false(fb(k, "encrypted"));
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "id_rsa_enc", &b, &n);
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(find(&rec, "PK-KEY-0001", 0)->severity, PK_SEV_MEDIUM);
    assert_int_equal(find(&rec, "PK-KEY-0001", 0)->confidence, 90);
    k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "type"), "RSA");
    assert_int_equal(fi(k, "bits"), 2048);
    assert_true(fb(k, "encrypted"));
    assert_string_equal(fs(k, "cipher"), "aes256-ctr/bcrypt");
    pki_frec_fini(&rec);
    free(b);
}

static void test_legacy_encrypted(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "legacy.pem", &b, &n);
    assert_int_equal(rec.nfind, 1); /* the size is encrypted too: no PK-KEY-0003 */
    const pk_finding *f = find(&rec, "PK-KEY-0001", 0);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_int_equal(f->confidence, 80);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "type"), "RSA");
    assert_string_equal(fs(k, "format"), "PEM, legacy encryption");
    assert_string_equal(fs(k, "cipher"), "AES-128-CBC");
    assert_true(fb(k, "encrypted"));
    pki_frec_fini(&rec);
    free(b);
}

static void test_putty_raw_pgp(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    if (have_ssh) {
        run_fx(&rec, "k.ppk", &b, &n);
        assert_int_equal(rec.nfind, 1);
        const pk_finding *f = find(&rec, "PK-KEY-0001", 0);
        assert_int_equal(f->confidence, 95);
        assert_int_equal(f->loc.length, n);
        json_t *k = facts(&rec, "private_keys", 0);
        assert_string_equal(fs(k, "format"), "PuTTY v2");
        assert_string_equal(fs(k, "type"), "ED25519");
        assert_int_equal(fi(k, "bits"), 256);
        pki_frec_fini(&rec);
        free(b);
        run_fx(&rec, "raw.bin", &b, &n);
        assert_int_equal(rec.nfind, 1);
        f = find(&rec, "PK-KEY-0001", 0);
        assert_int_equal(f->loc.offset, 4);
        assert_int_equal(f->loc.length, n - 8);
        assert_string_equal(fs(facts(&rec, "private_keys", 0), "type"), "ED25519");
        pki_frec_fini(&rec);
        free(b);
    }
    if (!have_gpg)
        skip();
    run_fx(&rec, "sec.asc", &b, &n);
    assert_int_equal(rec.nfind, 1);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "format"), "OpenPGP v4");
    assert_string_equal(fs(k, "type"), "EdDSA");
    assert_string_equal(fs(k, "curve"), "Ed25519");
    assert_false(fb(k, "encrypted"));
    assert_int_equal(find(&rec, "PK-KEY-0001", 0)->severity, PK_SEV_HIGH);
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "pub.asc", &b, &n);
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(count(&rec, "PK-KEY-0005"), 1);
    pki_frec_fini(&rec);
    free(b);
}

static void test_in_program(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "prog", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 1);
    const pk_finding *f = find(&rec, "PK-KEY-0001", 0);
    assert_int_equal(f->loc.offset, offset_of(b, n, "-----BEGIN PRIVATE KEY-----"));
    assert_int_equal(fi(facts(&rec, "private_keys", 0), "bits"), 1024);
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "prog.c", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 1);
    f = find(&rec, "PK-KEY-0001", 0);
    assert_int_equal(f->loc.offset, offset_of(b, n, "-----BEGIN PRIVATE KEY-----"));
    assert_int_equal(f->confidence, 95);
    assert_int_equal(fi(facts(&rec, "private_keys", 0), "bits"), 1024);
    pki_frec_fini(&rec);
    free(b);
}

/* DER at any offset: a certificate and PKCS#8 RSA, Ed25519 and EC keys. */
static void test_der_embedded(void **st)
{
    (void)st;
    size_t nc = 0, nr = 0, ne = 0, nx = 0;
    free(fx_slurp("cert.der", &nc));
    free(fx_slurp("rsa1024.der", &nr));
    free(fx_slurp("ed.der", &ne));
    free(fx_slurp("ec.der", &nx));
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "blob.bin", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0002"), 1);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 3);
    const pk_finding *f = find(&rec, "PK-KEY-0002", 0);
    assert_int_equal(f->loc.offset, 8);
    assert_int_equal(f->loc.length, nc);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_int_equal(fi(k, "offset"), 8 + nc + 3);
    assert_int_equal(fi(k, "length"), nr);
    assert_int_equal(fi(k, "bits"), 1024);
    k = facts(&rec, "private_keys", 1);
    assert_int_equal(fi(k, "offset"), 8 + nc + 3 + nr + 1);
    assert_string_equal(fs(k, "type"), "ED25519");
    k = facts(&rec, "private_keys", 2);
    assert_int_equal(fi(k, "offset"), 8 + nc + 3 + nr + 1 + ne + 1);
    assert_int_equal(fi(k, "length"), nx);
    assert_string_equal(fs(k, "curve"), "prime256v1");
    pki_frec_fini(&rec);
    free(b);
}

static void test_json_string(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "cert.json", &b, &n);
    assert_int_equal(rec.nfind, 1);
    const pk_finding *f = find(&rec, "PK-KEY-0002", 0);
    assert_int_equal(f->confidence, 95);
    assert_int_equal(f->loc.offset, 10);
    assert_int_equal(f->loc.length, n - 10 - 5); /* up to the END line's dashes */
    assert_string_equal(fs(facts(&rec, "certificates", 0), "subject"), "CN=keys-test-ec");
    pki_frec_fini(&rec);
    free(b);
}

static void test_der_and_p12(void **st)
{
    (void)st;
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "cert.der", &b, &n);
    assert_int_equal(rec.nfind, 1);
    json_t *c = facts(&rec, "certificates", 0);
    assert_string_equal(fs(c, "subject"), "CN=keys-test-3072");
    assert_int_equal(fi(c, "offset"), 0);
    assert_int_equal(fi(c, "length"), (json_int_t)n);
    pki_frec_fini(&rec);
    free(b);
    run_fx(&rec, "store.p12", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 1);
    assert_int_equal(count(&rec, "PK-KEY-0002"), 1);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "format"), "PKCS#12");
    assert_string_equal(fs(k, "type"), "EC");
    assert_false(fb(k, "encrypted"));
    assert_string_equal(fs(facts(&rec, "certificates", 0), "subject"), "CN=keys-test-ec");
    pki_frec_fini(&rec);
    free(b);
}

static void test_negatives(void **st)
{
    (void)st;
    static const char doc[] =
        "Put your key in key.pem; it looks like this:\n"
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"
        "A certificate starts with -----BEGIN CERTIFICATE----- and ends with the END line.\n"
        "printf(\"-----BEGIN PUBLIC KEY-----\\n%s\\n-----END PUBLIC KEY-----\\n\", b64);\n"
        "openssh-key-v1 and PuTTY-User-Key-File-2 are named here too.\n";
    pki_frec rec;
    run(&rec, doc, sizeof doc - 1, "README");
    assert_int_equal(rec.nfind, 0);
    assert_null(json_object_get(rec.facts, "keys"));
    pki_frec_fini(&rec);
    size_t n = 1u << 20;
    uint8_t *r = malloc(n);
    assert_non_null(r);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        r[i] = (uint8_t)x;
    }
    r[0] = 0x30, r[1] = 0x82; /* a DER start that does not span the file */
    run(&rec, r, n, "random.bin");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
    free(r);
}

static void test_truncated_garbled(void **st)
{
    (void)st;
    size_t n = 0;
    uint8_t *b = fx_slurp("rsa3072.key", &n);
    pki_frec rec;
    for (size_t cut = 0; cut < n; cut += 97) { /* never a crash, never confident */
        run(&rec, b, cut, "cut.pem");
        for (size_t i = 0; i < rec.nfind; i++)
            assert_true(rec.findings[i].confidence <= 30);
        pki_frec_fini(&rec);
    }
    run(&rec, b, n / 2, "half.pem");
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(find(&rec, "PK-KEY-0001", 0)->confidence, 30);
    pki_frec_fini(&rec);
    for (size_t i = 30; i < 90; i++) /* the DER header garbled, still base64 */
        if (b[i] >= 'A' && b[i] <= 'Z')
            b[i] = 'A';
    run(&rec, b, n, "garbled.pem");
    assert_int_equal(rec.nfind, 1);
    assert_int_equal(find(&rec, "PK-KEY-0001", 0)->confidence, 30);
    pki_frec_fini(&rec);
    free(b);
}

/* Every block of the system's CA bundle is a certificate the analyzer reads. */
static void test_ca_bundle(void **st)
{
    (void)st;
    size_t n = 0;
    uint8_t *b = fx_read("/etc/ssl/certs/ca-certificates.crt", &n);
    if (!b)
        skip();
    size_t blocks = 0;
    for (const uint8_t *p = b;
         (p = memmem(p, n - (size_t)(p - b), "-----BEGIN CERTIFICATE-----", 27)) != NULL; p += 27)
        blocks++;
    pki_frec rec;
    run(&rec, b, n, "ca-certificates.crt");
    print_message("CA bundle: %zu blocks, %zu certificates\n", blocks, count(&rec, "PK-KEY-0002"));
    assert_true(blocks > 50);
    assert_int_equal(count(&rec, "PK-KEY-0002"), blocks);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(rec.facts, "keys"), "certificates")),
        blocks);
    for (size_t i = 0; i < rec.nfind; i++)
        assert_int_equal(rec.findings[i].confidence, 95);
    pki_frec_fini(&rec);
    free(b);
}

/* The three misses of docs/crypto-accuracy.md: a 512-bit PKCS#1 key in DER
 * (openssl speed's test key), an X.509 v1 certificate in DER, and a GOST
 * PKCS#8 key, which OpenSSL cannot load, named by its algorithm. */
static void test_accuracy_misses(void **st)
{
    (void)st;
    size_t nr = 0;
    free(fx_slurp("rsa512.der", &nr));
    pki_frec rec;
    uint8_t *b;
    size_t n = 0;
    run_fx(&rec, "rsa512.bin", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 1);
    json_t *k = facts(&rec, "private_keys", 0);
    assert_int_equal(fi(k, "offset"), 4);
    assert_int_equal(fi(k, "length"), nr);
    assert_string_equal(fs(k, "format"), "PKCS#1");
    assert_int_equal(fi(k, "bits"), 512);
    assert_int_equal(count(&rec, "PK-KEY-0003"), 1);
    pki_frec_fini(&rec);
    free(b);

    run_fx(&rec, "v1.bin", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0002"), 1);
    const pk_finding *f = find(&rec, "PK-KEY-0002", 0);
    assert_int_equal(f->loc.offset, 4);
    assert_int_equal(f->loc.length, n - 7);
    assert_non_null(strstr(f->message, "keys-test-v1"));
    pki_frec_fini(&rec);
    free(b);

    run_fx(&rec, "gost.pem", &b, &n);
    assert_int_equal(count(&rec, "PK-KEY-0001"), 1);
    f = find(&rec, "PK-KEY-0001", 0);
    assert_int_equal(f->confidence, 80);
    assert_null(strstr(f->message, "does not parse"));
    k = facts(&rec, "private_keys", 0);
    assert_string_equal(fs(k, "type"), "GOST R 34.10-2012");
    assert_int_equal(fi(k, "bits"), 256);
    assert_string_equal(fs(k, "format"), "PKCS#8");
    assert_int_equal(count(&rec, "PK-KEY-0003"), 0);
    pki_frec_fini(&rec);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa_weak_private),
        cmocka_unit_test(test_rsa3072_cert_and_key),
        cmocka_unit_test(test_ec_ed25519_encrypted),
        cmocka_unit_test(test_expired_and_sha1),
        cmocka_unit_test(test_openssh),
        cmocka_unit_test(test_putty_raw_pgp),
        cmocka_unit_test(test_legacy_encrypted),
        cmocka_unit_test(test_in_program),
        cmocka_unit_test(test_der_and_p12),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_der_embedded),
        cmocka_unit_test(test_negatives),
        cmocka_unit_test(test_truncated_garbled),
        cmocka_unit_test(test_ca_bundle),
        cmocka_unit_test(test_accuracy_misses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
