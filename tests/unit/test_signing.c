/* The signing analyzer: signed jars. Fixtures are made at test time with the
 * JDK's jar and jarsigner and a CA and leaf from openssl: a jar signed by a
 * CA-issued key, the same with one entry replaced after signing, with one
 * entry added, with its manifest changed, and a jar signed by a self-signed
 * SHA-1 key. Then a .rpm built by rpmbuild and signed by rpmsign, and a
 * .deb with debsigs- and dpkg-sig-style members, both with a gpg key made here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analyzers/signing/signing_int.h"
#include "match/match_int.h"
#include "walk/emit_int.h"
#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pk_analyzer pki_analyzer_signing;

static int have_tools, have_pkg;
static char keyid[17];
static pki_sig_trust *trust_ca;
static pk_analyzer an_ca;

static pk_status init_ca(pk_match_reg *r, void **st)
{
    (void)r;
    *st = trust_ca;
    return PK_OK;
}

#define JS "jarsigner -storetype PKCS12 -storepass secret "

static int build_fixtures(void **state)
{
    (void)state;
    if (fx_mkdtemp("/tmp/pk-test-signing-XXXXXX") != 0)
        return -1;
    have_tools = system("command -v jarsigner >/dev/null 2>&1") == 0 &&
                 system("command -v jar >/dev/null 2>&1") == 0 &&
                 system("command -v openssl >/dev/null 2>&1") == 0;
    if (!have_tools)
        return 0;
    int bad = 0;
    bad |= fx_sh("mkdir -p src/pk trust && printf 'alpha\\n' > src/pk/a.txt && "
                 "printf 'beta\\n' > src/pk/b.txt && jar cf app.jar -C src .");
    bad |= fx_sh("openssl req -x509 -newkey rsa:2048 -nodes -days 365 -keyout cakey.pem "
                 "-out ca.pem -subj '/C=PK/O=Parakh CA/CN=Parakh Jar Root' "
                 "-addext 'basicConstraints=critical,CA:TRUE' "
                 "-addext 'keyUsage=critical,keyCertSign' && cp ca.pem trust/");
    bad |= fx_sh("openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out leaf.csr "
                 "-subj '/C=PK/O=Parakh Test/CN=Jar Signer' && "
                 "printf 'extendedKeyUsage=codeSigning\\n' > ext.cnf && "
                 "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey cakey.pem -CAcreateserial "
                 "-days 30 -extfile ext.cnf -out leaf.pem && "
                 "openssl pkcs12 -export -in leaf.pem -inkey key.pem -certfile ca.pem "
                 "-name signer -passout pass:secret -out ks.p12");
    bad |= fx_sh(JS "-keystore ks.p12 -signedjar signed.jar app.jar signer");
    /* one entry replaced after signing, one added, the manifest changed */
    bad |= fx_sh("cp signed.jar changed.jar && printf 'ALPHA\\n' > src/pk/a.txt && "
                 "jar uf changed.jar -C src pk/a.txt");
    bad |= fx_sh("cp signed.jar added.jar && printf 'x\\n' > src/pk/c.txt && "
                 "jar uf added.jar -C src pk/c.txt");
    bad |= fx_sh("printf 'X-Extra: 1\\n' > extra.mf && cp signed.jar manifest.jar && "
                 "jar ufm manifest.jar extra.mf");
    bad |= fx_sh("keytool -genkeypair -keystore self.p12 -storetype PKCS12 -storepass secret "
                 "-alias self -keyalg RSA -keysize 2048 -sigalg SHA1withRSA -validity 30 "
                 "-dname 'CN=Self Jar, O=Self, C=FR' && " JS "-keystore self.p12 -digestalg "
                 "SHA-1 -sigalg SHA1withRSA -signedjar self.jar app.jar self");
    have_pkg = system("command -v rpmbuild >/dev/null && command -v rpmsign >/dev/null && "
                      "command -v gpg >/dev/null && command -v dpkg-deb >/dev/null && "
                      "command -v ar >/dev/null") == 0;
    if (have_pkg) {
        fx_put("hello.spec", "Name: pkhello\nVersion: 1.0\nRelease: 1\nSummary: t\n"
                             "License: MIT\nBuildArch: noarch\n%description\nt\n%files\n");
        fx_put("control", "Package: pkhello\nVersion: 1.0\nArchitecture: all\n"
                          "Maintainer: t <t@parakh.invalid>\nDescription: t\n");
        char g[128];
        snprintf(g, sizeof g, "export GNUPGHOME=%s/gnupg; ", fx_dir);
        bad |= fx_sh("mkdir -m 700 gnupg && echo 'personal-digest-preferences SHA256' > "
                     "gnupg/gpg.conf && %sgpg --batch --passphrase '' --quick-gen-key "
                     "'Parakh Pkg <pkg@parakh.invalid>' rsa2048 sign 1d && gpg --with-colons "
                     "--list-keys | awk -F: '/^pub/{printf \"%%s\", $5}' > keyid.txt",
                     g);
        bad |= fx_sh("rpmbuild --quiet --define \"_topdir $PWD/rpm\" -bb hello.spec && "
                     "cp rpm/RPMS/noarch/pkhello-1.0-1.noarch.rpm plain.rpm && cp plain.rpm "
                     "signed.rpm && %srpmsign --define '_gpg_name Parakh Pkg' --define \"__gpg "
                     "$(command -v gpg)\" --addsign "
                     "signed.rpm",
                     g);
        bad |= fx_sh("mkdir -p d/DEBIAN && cp control d/DEBIAN/ && dpkg-deb -Zgzip --build d "
                     "plain.deb && mkdir -p ar && cd ar && ar x ../plain.deb && cat "
                     "debian-binary control.tar.* data.tar.* | (%sgpg --batch --armor "
                     "--detach-sign -o _gpgorigin) && printf 'Version: 4\\n' | (%sgpg --batch "
                     "--clearsign -o _gpgbuilder) && cp ../plain.deb ../signed.deb && ar q "
                     "../signed.deb _gpgorigin _gpgbuilder",
                     g, g);
        size_t kn = 0;
        char *k = bad ? NULL : (char *)fx_slurp("keyid.txt", &kn);
        if (k && kn == 16)
            memcpy(keyid, k, 16);
        free(k);
    }
    if (bad) {
        fprintf(stderr, "fixture build failed; see %s/build.log\n", fx_dir);
        return -1;
    }
    char opt[256];
    const char *opts[1] = {opt};
    snprintf(opt, sizeof opt, "trust.dir=%s/trust", fx_dir);
    pki_match_builder *b = pki_match_builder_new();
    if (!b)
        return -1;
    pki_match_builder_options(b, opts, 1);
    pk_status st = pki_sig_trust_init(pki_match_builder_reg(b, 0), &trust_ca);
    pki_match_builder_free(b);
    an_ca = pki_analyzer_signing;
    an_ca.init = init_ca;
    an_ca.fini = NULL;
    return st == PK_OK ? 0 : -1;
}

static int remove_fixtures(void **state)
{
    (void)state;
    pki_sig_trust_free(trust_ca);
    if (strncmp(fx_dir, "/tmp/pk-test-signing-", 21) == 0 && !getenv("PK_KEEP_FIXTURES"))
        return fx_remove();
    return 0;
}

static size_t count(const pki_frec *r, const char *id)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nfind; i++)
        k += strcmp(r->findings[i].rule_id, id) == 0;
    return k;
}

static const pk_finding *first(const pki_frec *r, const char *id)
{
    for (size_t i = 0; i < r->nfind; i++)
        if (strcmp(r->findings[i].rule_id, id) == 0)
            return &r->findings[i];
    return NULL;
}

static json_t *jar(const pki_frec *r)
{
    return json_object_get(json_object_get(r->facts, "signing"), "jar");
}

static json_t *signer(const pki_frec *r)
{
    return json_array_get(json_object_get(jar(r), "signers"), 0);
}

static const char *str(json_t *o, const char *path)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
        o = json_object_get(o, t);
    return json_is_string(o) ? json_string_value(o) : "(absent)";
}

static long num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", k);
    return (long)json_integer_value(v);
}

static void scan(const pk_analyzer *an, const char *file, pki_frec *rec)
{
    size_t n;
    uint8_t *b = fx_slurp(file, &n);
    ct_run(an, rec, b, n, file);
    free(b);
}

#define NEED_TOOLS()                                                                               \
    do {                                                                                           \
        if (!have_tools)                                                                           \
            skip();                                                                                \
    } while (0)

static void test_signed_jar(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "signed.jar", &rec);
    json_t *s = signer(&rec);
    assert_non_null(s);
    assert_true(json_is_true(json_object_get(jar(&rec), "signed")));
    assert_string_equal(str(s, "block"), "META-INF/SIGNER.RSA");
    assert_true(json_is_true(json_object_get(s, "signature_ok")));
    assert_true(json_is_true(json_object_get(s, "manifest_digest_ok")));
    assert_true(json_is_true(json_object_get(s, "sf_ok")));
    assert_string_equal(str(s, "sf_digest_algorithm"), "SHA-256");
    assert_string_equal(str(s, "chain"), "trusted");
    assert_string_equal(str(s, "signer.cn"), "Jar Signer");
    assert_string_equal(str(s, "signer.c"), "PK");
    assert_string_equal(str(s, "signer.issuer"), "CN=Parakh Jar Root,O=Parakh CA,C=PK");
    assert_int_equal(num(jar(&rec), "entries_verified"), 2);
    assert_int_equal(num(jar(&rec), "entries_mismatched"), 0);
    assert_int_equal(num(jar(&rec), "entries_unsigned"), 0);
    for (int r = 1; r <= 6; r++) {
        char id[16];
        snprintf(id, sizeof id, "PK-SIG-%04d", r);
        assert_int_equal(count(&rec, id), 0);
    }
    assert_int_equal(count(&rec, "PK-SIG-0008"), 0);
    const pk_finding *f = first(&rec, "PK-SIG-0007");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "C=PK"));
    assert_int_equal(f->severity, PK_SEV_INFO);
    pki_frec_fini(&rec);

    /* without a trust store: untrusted, silent */
    scan(&pki_analyzer_signing, "signed.jar", &rec);
    assert_string_equal(str(signer(&rec), "chain"), "untrusted");
    assert_int_equal(count(&rec, "PK-SIG-0004"), 0);
    pki_frec_fini(&rec);

    /* an unsigned jar: signed false, nothing else */
    scan(&an_ca, "app.jar", &rec);
    assert_true(json_is_false(json_object_get(jar(&rec), "signed")));
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);
}

static void test_tampered_jars(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "changed.jar", &rec);
    assert_int_equal(num(jar(&rec), "entries_mismatched"), 1);
    assert_int_equal(num(jar(&rec), "entries_verified"), 1);
    assert_int_equal(count(&rec, "PK-SIG-0001"), 1);
    const pk_finding *f = first(&rec, "PK-SIG-0001");
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_int_equal(f->evidence.len, 8);
    assert_memory_equal(f->evidence.ptr, "pk/a.txt", 8);
    assert_true(json_is_true(json_object_get(signer(&rec), "signature_ok")));
    pki_frec_fini(&rec);

    scan(&an_ca, "added.jar", &rec);
    assert_int_equal(num(jar(&rec), "entries_unsigned"), 1);
    assert_int_equal(count(&rec, "PK-SIG-0008"), 1);
    assert_non_null(strstr(first(&rec, "PK-SIG-0008")->message, "pk/c.txt"));
    assert_int_equal(count(&rec, "PK-SIG-0001"), 0);
    pki_frec_fini(&rec);

    /* the manifest's main section changed: the whole-manifest digest fails,
     * the per-section digests still hold, as the JDK accepts */
    scan(&an_ca, "manifest.jar", &rec);
    assert_true(json_is_false(json_object_get(signer(&rec), "manifest_digest_ok")));
    assert_int_equal(num(signer(&rec), "sections_checked"), 2);
    assert_int_equal(num(signer(&rec), "sections_ok"), 2);
    assert_int_equal(count(&rec, "PK-SIG-0002"), 0);
    pki_frec_fini(&rec);
}

static void test_self_signed_sha1(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "self.jar", &rec);
    assert_string_equal(str(signer(&rec), "chain"), "self-signed");
    assert_string_equal(str(signer(&rec), "sf_digest_algorithm"), "SHA-1");
    assert_true(json_is_true(json_object_get(signer(&rec), "signature_ok")));
    assert_int_equal(count(&rec, "PK-SIG-0003"), 1);
    assert_true(count(&rec, "PK-SIG-0006") >= 1);
    assert_non_null(strstr(first(&rec, "PK-SIG-0007")->message, "C=FR"));
    pki_frec_fini(&rec);
}

/* Hostile bytes: a zip whose central directory points past the end. */
static void test_hostile(void **state)
{
    (void)state;
    uint8_t z[64];
    memset(z, 0, sizeof z);
    memcpy(z + 42, "PK\x05\x06", 4);
    z[42 + 10] = 5;    /* 5 entries */
    z[42 + 16] = 0xf0; /* at offset 0xf0, past the end */
    pki_frec rec;
    ct_run(&pki_analyzer_signing, &rec, z, sizeof z, "x.jar");
    assert_null(jar(&rec));
    pki_frec_fini(&rec);
}

static json_t *pkg(const pki_frec *r, const char *kind)
{
    return json_object_get(json_object_get(r->facts, "signing"), kind);
}

static void test_rpm(void **state)
{
    (void)state;
    if (!have_pkg)
        skip();
    pki_frec rec;
    scan(&pki_analyzer_signing, "signed.rpm", &rec);
    json_t *r = pkg(&rec, "rpm");
    assert_true(json_is_true(json_object_get(r, "signed")));
    assert_true(json_is_true(json_object_get(r, "sha256_header_ok")));
    json_t *s = json_array_get(json_object_get(r, "signatures"), 0);
    assert_string_equal(str(s, "tag_name"), "RSAHEADER");
    assert_string_equal(str(s, "key_id"), keyid);
    assert_string_equal(str(s, "pubkey_algorithm"), "RSA");
    assert_string_equal(str(s, "hash_algorithm"), "SHA256");
    assert_int_equal(rec.nfind, 0);
    pki_frec_fini(&rec);

    scan(&pki_analyzer_signing, "plain.rpm", &rec);
    assert_true(json_is_false(json_object_get(pkg(&rec, "rpm"), "signed")));
    assert_true(json_is_true(json_object_get(pkg(&rec, "rpm"), "sha256_header_ok")));
    pki_frec_fini(&rec);

    /* a byte of the main header changed (the package name, after the lead's copy) */
    size_t n;
    uint8_t *b = fx_slurp("signed.rpm", &n);
    uint8_t *name = memmem(b + 96, n - 96, "pkhello", 7);
    assert_non_null(name);
    name[0] = 'P';
    ct_run(&pki_analyzer_signing, &rec, b, n, "signed.rpm");
    assert_true(json_is_false(json_object_get(pkg(&rec, "rpm"), "sha256_header_ok")));
    assert_int_equal(count(&rec, "PK-SIG-0009"), 1);
    assert_int_equal(first(&rec, "PK-SIG-0009")->severity, PK_SEV_HIGH);
    pki_frec_fini(&rec);
    free(b);
}

static void test_deb(void **state)
{
    (void)state;
    if (!have_pkg)
        skip();
    pki_frec rec;
    scan(&pki_analyzer_signing, "signed.deb", &rec);
    json_t *d = pkg(&rec, "deb");
    assert_true(json_is_true(json_object_get(d, "signed")));
    json_t *a = json_object_get(d, "signatures");
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(str(json_array_get(a, 0), "member"), "_gpgorigin");
    assert_string_equal(str(json_array_get(a, 0), "key_id"), keyid);
    assert_string_equal(str(json_array_get(a, 1), "member"), "_gpgbuilder");
    assert_string_equal(str(json_array_get(a, 1), "key_id"), keyid);
    pki_frec_fini(&rec);
    scan(&pki_analyzer_signing, "plain.deb", &rec);
    assert_null(pkg(&rec, "deb"));
    pki_frec_fini(&rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_jar),
        cmocka_unit_test(test_tampered_jars),
        cmocka_unit_test(test_self_signed_sha1),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_rpm),
        cmocka_unit_test(test_deb),
    };
    return cmocka_run_group_tests(tests, build_fixtures, remove_fixtures);
}
