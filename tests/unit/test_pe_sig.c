/* Authenticode verification in the PE analyzer (pe_sig*.c). Fixtures are made
 * at test time: an executable built with mingw-w64, a CA and leaves made with
 * `openssl ca` (one valid now, one valid only in 2020), signed by
 * osslsigncode, with and without timestamps from osslsigncode's built-in TSA
 * (no network). The trust store is handed to the analyzer as its state, the
 * way its init would load it from --trust. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analyzers/pe/pe_sig.h"
#include "match/match_int.h"
#include "walk/emit_int.h"
#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pk_analyzer pki_analyzer_pe;

static int have_tools;
static pki_sig_trust trust_ca, trust_other;
static pk_analyzer an_ca, an_other;

static pk_status init_ca(pk_match_reg *r, void **st)
{
    (void)r;
    *st = &trust_ca;
    return PK_OK;
}

static pk_status init_other(pk_match_reg *r, void **st)
{
    (void)r;
    *st = &trust_other;
    return PK_OK;
}

static const char hello_c[] =
    "#include <stdio.h>\nint main(void) { puts(\"parakh\"); return 0; }\n";

static const char ca_cnf[] = "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\n"
                             "new_certs_dir = .\ncertificate = ca.pem\nprivate_key = cakey.pem\n"
                             "serial = serial\ndefault_md = sha256\npolicy = pol\n"
                             "unique_subject = no\nx509_extensions = leaf\n"
                             "[pol]\ncountryName = optional\norganizationName = optional\n"
                             "commonName = supplied\n"
                             "[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
                             "extendedKeyUsage = codeSigning\n"
                             "[root]\nbasicConstraints = critical,CA:TRUE\n"
                             "keyUsage = critical,keyCertSign,cRLSign\n"
                             "[tsa]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
                             "extendedKeyUsage = critical,timeStamping\n";

#define SIGN "osslsigncode sign -n 'Parakh fixture' "

static int build_fixtures(void **state)
{
    (void)state;
    if (fx_mkdtemp("/tmp/pk-test-pesig-XXXXXX") != 0)
        return -1;
    have_tools = system("command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1") == 0 &&
                 system("command -v osslsigncode >/dev/null 2>&1") == 0 &&
                 system("command -v openssl >/dev/null 2>&1") == 0;
    if (!have_tools)
        return 0;
    fx_put("hello.c", hello_c);
    fx_put("ca.cnf", ca_cnf);
    int bad = 0;
    bad |= fx_sh("x86_64-w64-mingw32-gcc -O1 -s hello.c -o hello.exe");
    bad |= fx_sh("touch index.txt && echo 01 > serial && mkdir -p trust other");
    /* the CA is valid from 2019 so that a 2020 timestamp finds it in date */
    bad |= fx_sh("openssl req -new -newkey rsa:2048 -nodes -keyout cakey.pem -out ca.csr "
                 "-subj '/C=PK/O=Parakh CA/CN=Parakh Root' && openssl ca -batch -config ca.cnf "
                 "-selfsign -keyfile cakey.pem -extensions root -startdate 20190101000000Z "
                 "-enddate 20400101000000Z -in ca.csr -out ca.pem && cp ca.pem trust/ca.pem");
    bad |= fx_sh("openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout okey.pem "
                 "-out other/o.crt -outform DER -subj '/CN=Other Root'");
    /* a leaf valid now, one valid only in 2020, a TSA valid 2019..2035 */
    bad |= fx_sh("openssl req -new -newkey rsa:2048 -nodes -keyout leafkey.pem -out leaf.csr "
                 "-subj '/C=PK/O=Parakh Test/CN=Parakh Leaf' && openssl ca -batch -config "
                 "ca.cnf -days 30 -in leaf.csr -out leaf.pem");
    bad |= fx_sh("openssl req -new -newkey rsa:2048 -nodes -keyout oldkey.pem -out old.csr "
                 "-subj '/C=IN/O=Old Co/CN=Old Leaf' && openssl ca -batch -config ca.cnf "
                 "-startdate 20200101000000Z -enddate 20201231000000Z -in old.csr -out old.pem");
    bad |= fx_sh("openssl req -new -newkey rsa:2048 -nodes -keyout tsakey.pem -out tsa.csr "
                 "-subj '/C=DE/O=Parakh TSA/CN=Parakh Timestamp' && openssl ca -batch -config "
                 "ca.cnf -extensions tsa -startdate 20190101000000Z -enddate 20350101000000Z "
                 "-in tsa.csr -out tsa.pem");
    bad |= fx_sh("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout selfkey.pem "
                 "-out self.pem -subj '/C=FR/O=Self/CN=Self Signed'");
    bad |= fx_sh("openssl x509 -in leaf.pem > leafchain.pem && cat ca.pem >> leafchain.pem");
    bad |= fx_sh(SIGN "-certs leafchain.pem -key leafkey.pem -in hello.exe -out signed.exe");
    bad |= fx_sh("osslsigncode verify -in signed.exe > verify.txt 2>&1; true");
    bad |= fx_sh(SIGN "-certs self.pem -key selfkey.pem -in hello.exe -out self.exe");
    bad |= fx_sh(SIGN "-h sha1 -certs leafchain.pem -key leafkey.pem -in hello.exe -out sha1.exe");
    bad |= fx_sh(SIGN "-certs old.pem -key oldkey.pem -in hello.exe -out old.exe");
    bad |= fx_sh(SIGN "-certs old.pem -key oldkey.pem -TSA-certs tsa.pem -TSA-key tsakey.pem "
                      "-TSA-time 1593561600 -in hello.exe -out oldts.exe");
    bad |= fx_sh(SIGN "-certs leafchain.pem -key leafkey.pem -TSA-certs tsa.pem "
                      "-TSA-key tsakey.pem -TSA-time 1700000000 -in hello.exe -out early.exe");
    bad |= fx_sh(SIGN "-nest -h sha1 -certs self.pem -key selfkey.pem -in signed.exe "
                      "-out nested.exe");
    if (bad) {
        fprintf(stderr, "fixture build failed; see %s/build.log\n", fx_dir);
        return -1;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/trust", fx_dir);
    char err[256];
    trust_ca.store = pki_sig_trust_load(path, &trust_ca.ncerts, err, sizeof err);
    trust_ca.given = true;
    snprintf(path, sizeof path, "%s/other", fx_dir);
    trust_other.store = pki_sig_trust_load(path, &trust_other.ncerts, err, sizeof err);
    trust_other.given = true;
    an_ca = pki_analyzer_pe;
    an_ca.init = init_ca;
    an_ca.fini = NULL;
    an_other = an_ca;
    an_other.init = init_other;
    return trust_ca.store && trust_other.store ? 0 : -1;
}

static int remove_fixtures(void **state)
{
    (void)state;
    X509_STORE_free(trust_ca.store);
    X509_STORE_free(trust_other.store);
    if (strncmp(fx_dir, "/tmp/pk-test-pesig-", 19) == 0 && !getenv("PK_KEEP_FIXTURES"))
        return fx_remove();
    return 0;
}

#define NEED_TOOLS()                                                                               \
    do {                                                                                           \
        if (!have_tools)                                                                           \
            skip();                                                                                \
    } while (0)

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

/* facts.pe.signature.signatures[i] */
static json_t *sig(const pki_frec *r, size_t i)
{
    json_t *s = json_object_get(json_object_get(json_object_get(r->facts, "pe"), "signature"),
                                "signatures");
    return json_array_get(s, i);
}

static const char *str(json_t *o, const char *path)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
        o = json_object_get(o, t);
    return json_is_string(o) ? json_string_value(o) : "(absent)";
}

static int truth(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_boolean(v))
        fail_msg("%s is not a boolean", key);
    return json_is_true(v);
}

static void scan(const pk_analyzer *an, const char *file, pki_frec *rec)
{
    size_t n;
    uint8_t *b = fx_slurp(file, &n);
    ct_run(an, rec, b, n, "fixture.exe");
    free(b);
}

/* The trust store's own loader, through the analyzer's init and its option. */
static void test_trust_option(void **state)
{
    (void)state;
    NEED_TOOLS();
    char opt[256];
    const char *opts[1] = {opt};
    void *st = NULL;
    snprintf(opt, sizeof opt, "trust.dir=%s/trust", fx_dir);
    pki_match_builder *b = pki_match_builder_new();
    assert_non_null(b);
    pki_match_builder_options(b, opts, 1);
    assert_int_equal(pki_pe_sig_init(pki_match_builder_reg(b, 0), &st), PK_OK);
    assert_true(((pki_sig_trust *)st)->given);
    assert_int_equal(((pki_sig_trust *)st)->ncerts, 1);
    pki_pe_sig_fini(st);
    /* a directory without certificates is refused */
    snprintf(opt, sizeof opt, "trust.dir=%s/nothing-here", fx_dir);
    st = NULL;
    assert_int_equal(pki_pe_sig_init(pki_match_builder_reg(b, 0), &st), PK_E_USAGE);
    assert_null(st);
    pki_match_builder_free(b);
}

/* CA-signed leaf: digest and signature hold; trusted only with the CA. */
static void test_signed_chain(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "signed.exe", &rec);
    json_t *s = sig(&rec, 0);
    assert_non_null(s);
    assert_string_equal(str(s, "role"), "signature");
    assert_string_equal(str(s, "digest_algorithm"), "SHA256");
    assert_true(truth(s, "digest_ok"));
    assert_true(truth(s, "signature_ok"));
    assert_string_equal(str(s, "chain"), "trusted");
    assert_false(truth(s, "expired"));
    assert_true(truth(s, "trust_store"));
    assert_string_equal(str(s, "file_digest"), str(s, "signed_digest"));
    assert_string_equal(str(s, "signer.cn"), "Parakh Leaf");
    assert_string_equal(str(s, "signer.o"), "Parakh Test");
    assert_string_equal(str(s, "signer.c"), "PK");
    assert_string_equal(str(s, "signer.issuer"), "CN=Parakh Root,O=Parakh CA,C=PK");
    assert_string_equal(str(s, "checked_at_source"), "now");
    assert_true(json_is_true(json_object_get(json_object_get(rec.facts, "pe"), "signed")));
    for (int r = 9; r <= 14; r++) {
        char id[16];
        snprintf(id, sizeof id, "PK-PE-%04d", r);
        assert_int_equal(count(&rec, id), 0);
    }
    /* the country, with the certificate's own bytes as evidence */
    const pk_finding *f = first(&rec, "PK-PE-0015");
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_INFO);
    assert_int_equal(f->evidence.len, 2);
    assert_memory_equal(f->evidence.ptr, "PK", 2);
    assert_non_null(strstr(f->message, "C=PK"));
    /* agreement with osslsigncode on the same file */
    size_t vn;
    char *v = (char *)fx_slurp("verify.txt", &vn);
    const char *label = "Calculated message digest : ";
    char *p = strstr(v, label);
    assert_non_null(p);
    p += strlen(label);
    char got[65];
    for (int i = 0; i < 64; i++)
        got[i] = (char)(p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 'a' : p[i]);
    got[64] = '\0';
    assert_string_equal(got, str(s, "file_digest"));
    free(v);
    pki_frec_fini(&rec);

    /* no trust store: untrusted, but no finding for it */
    scan(&pki_analyzer_pe, "signed.exe", &rec);
    assert_string_equal(str(sig(&rec, 0), "chain"), "untrusted");
    assert_false(truth(sig(&rec, 0), "trust_store"));
    assert_int_equal(count(&rec, "PK-PE-0012"), 0);
    pki_frec_fini(&rec);

    /* another CA: untrusted and a finding */
    scan(&an_other, "signed.exe", &rec);
    assert_string_equal(str(sig(&rec, 0), "chain"), "untrusted");
    assert_int_equal(count(&rec, "PK-PE-0012"), 1);
    assert_int_equal(first(&rec, "PK-PE-0012")->severity, PK_SEV_MEDIUM);
    pki_frec_fini(&rec);
}

/* One byte of .text changed; bytes appended after the table; the signed
 * digest itself changed (then the signature no longer covers it either). */
static void test_tampered(void **state)
{
    (void)state;
    NEED_TOOLS();
    size_t n;
    uint8_t *b = fx_slurp("signed.exe", &n);
    pki_frec rec;
    ct_run(&an_ca, &rec, b, n, "fixture.exe");
    json_t *sec0 = json_array_get(json_object_get(json_object_get(rec.facts, "pe"), "sections"), 0);
    size_t raw = (size_t)json_integer_value(json_object_get(sec0, "raw_offset"));
    char signed_hex[160];
    snprintf(signed_hex, sizeof signed_hex, "%s", str(sig(&rec, 0), "signed_digest"));
    pki_frec_fini(&rec);
    assert_true(raw > 0 && raw + 16 < n);

    b[raw + 16] ^= 0x01;
    ct_run(&an_ca, &rec, b, n, "fixture.exe");
    assert_false(truth(sig(&rec, 0), "digest_ok"));
    assert_true(truth(sig(&rec, 0), "signature_ok"));
    assert_int_equal(count(&rec, "PK-PE-0009"), 1);
    const pk_finding *f = first(&rec, "PK-PE-0009");
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_int_equal(f->evidence.len, 32); /* the signed SHA-256, found in the table */
    assert_int_equal(count(&rec, "PK-PE-0010"), 0);
    pki_frec_fini(&rec);
    b[raw + 16] ^= 0x01;

    uint8_t *c = malloc(n + 1);
    assert_non_null(c);
    memcpy(c, b, n);
    c[n] = 0;
    ct_run(&an_ca, &rec, c, n + 1, "fixture.exe");
    assert_int_equal(count(&rec, "PK-PE-0009"), 1);
    pki_frec_fini(&rec);
    free(c);

    /* the digest inside SpcIndirectDataContent */
    unsigned char d[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        assert_int_equal(sscanf(signed_hex + 2 * i, "%2x", &v), 1);
        d[i] = (unsigned char)v;
    }
    uint8_t *at = memmem(b, n, d, 32);
    assert_non_null(at);
    at[5] ^= 0xff;
    ct_run(&an_ca, &rec, b, n, "fixture.exe");
    assert_int_equal(count(&rec, "PK-PE-0009"), 1);
    assert_int_equal(count(&rec, "PK-PE-0010"), 1);
    assert_false(truth(sig(&rec, 0), "signature_ok"));
    assert_string_equal(str(sig(&rec, 0), "signature_error"),
                        "messageDigest does not match the signed content");
    pki_frec_fini(&rec);
    free(b);
}

static void test_self_signed_and_sha1(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "self.exe", &rec);
    assert_string_equal(str(sig(&rec, 0), "chain"), "self-signed");
    assert_true(truth(sig(&rec, 0), "digest_ok"));
    assert_int_equal(count(&rec, "PK-PE-0011"), 1);
    assert_int_equal(count(&rec, "PK-PE-0012"), 0); /* said once, as self-signed */
    assert_non_null(strstr(first(&rec, "PK-PE-0015")->message, "C=FR"));
    pki_frec_fini(&rec);

    scan(&an_ca, "sha1.exe", &rec);
    assert_string_equal(str(sig(&rec, 0), "digest_algorithm"), "SHA1");
    assert_true(truth(sig(&rec, 0), "digest_ok"));
    assert_int_equal(count(&rec, "PK-PE-0014"), 1);
    assert_int_equal(first(&rec, "PK-PE-0014")->severity, PK_SEV_MEDIUM);
    pki_frec_fini(&rec);

    /* nested: both signatures judged, each over the same image */
    scan(&an_ca, "nested.exe", &rec);
    assert_string_equal(str(sig(&rec, 0), "chain"), "trusted");
    assert_string_equal(str(sig(&rec, 1), "role"), "nested");
    assert_string_equal(str(sig(&rec, 1), "digest_algorithm"), "SHA1");
    assert_true(truth(sig(&rec, 1), "digest_ok"));
    assert_true(truth(sig(&rec, 1), "signature_ok"));
    assert_string_equal(str(sig(&rec, 1), "chain"), "self-signed");
    assert_int_equal(count(&rec, "PK-PE-0011"), 1);
    assert_int_equal(count(&rec, "PK-PE-0014"), 1);
    assert_int_equal(count(&rec, "PK-PE-0015"), 2);
    pki_frec_fini(&rec);
}

/* Validity is judged at a verified timestamp's time, else now. */
static void test_expiry_and_timestamps(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "old.exe", &rec);
    assert_true(truth(sig(&rec, 0), "expired"));
    assert_string_equal(str(sig(&rec, 0), "chain"), "expired");
    assert_string_equal(str(sig(&rec, 0), "checked_at_source"), "now");
    assert_int_equal(count(&rec, "PK-PE-0013"), 1);
    assert_non_null(strstr(first(&rec, "PK-PE-0013")->message, "no verified timestamp"));
    pki_frec_fini(&rec);

    /* expired now, but stamped on 2020-07-01 while valid */
    scan(&an_ca, "oldts.exe", &rec);
    json_t *s = sig(&rec, 0);
    assert_string_equal(str(s, "timestamp.kind"), "rfc3161");
    assert_true(truth(json_object_get(s, "timestamp"), "ok"));
    assert_string_equal(str(s, "timestamp.time"), "2020-07-01T00:00:00Z");
    assert_string_equal(str(s, "timestamp.tsa.cn"), "Parakh Timestamp");
    assert_string_equal(str(s, "timestamp.tsa.c"), "DE");
    assert_string_equal(str(s, "timestamp.chain"), "trusted");
    assert_string_equal(str(s, "checked_at"), "2020-07-01T00:00:00Z");
    assert_string_equal(str(s, "checked_at_source"), "timestamp");
    assert_false(truth(s, "expired"));
    assert_string_equal(str(s, "chain"), "trusted");
    assert_int_equal(count(&rec, "PK-PE-0013"), 0);
    pki_frec_fini(&rec);

    /* stamped in 2023, before the leaf was issued */
    scan(&an_ca, "early.exe", &rec);
    assert_string_equal(str(sig(&rec, 0), "timestamp.time"), "2023-11-14T22:13:20Z");
    assert_true(truth(sig(&rec, 0), "expired"));
    assert_int_equal(count(&rec, "PK-PE-0013"), 1);
    assert_non_null(strstr(first(&rec, "PK-PE-0013")->message, "timestamp's time"));
    pki_frec_fini(&rec);
}

static void test_unsigned(void **state)
{
    (void)state;
    NEED_TOOLS();
    pki_frec rec;
    scan(&an_ca, "hello.exe", &rec);
    assert_true(json_is_false(json_object_get(json_object_get(rec.facts, "pe"), "signed")));
    assert_null(sig(&rec, 0));
    pki_frec_fini(&rec);
    /* the image digest of an unsigned file pads to 8 bytes, as a signer does */
    size_t n;
    uint8_t *b = fx_slurp("hello.exe", &n);
    assert_int_equal(n % 8, 0);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trust_option),
        cmocka_unit_test(test_signed_chain),
        cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_self_signed_and_sha1),
        cmocka_unit_test(test_expiry_and_timestamps),
        cmocka_unit_test(test_unsigned),
    };
    return cmocka_run_group_tests(tests, build_fixtures, remove_fixtures);
}
