/* The crypto analyzer's names and APIs (lib/analyzers/crypto/names.c,
 * rules/crypto/ names.tsv and apis.tsv): programs compiled now that name weak ciphers,
 * protocols and suites in strings or call weak APIs through libcrypto give
 * exactly the facts and findings expected; the system's libssl and libcrypto
 * are read as tables, not use; coreutils, a plain program and random data
 * give nothing; names at a block boundary and at the end of a file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzers/crypto/crypto_int.h"
#include "walk/harness_int.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_crypto, pki_analyzer_elf, pki_analyzer_pe;

#define LIBSSL    "/usr/lib/x86_64-linux-gnu/libssl.so.3"
#define LIBCRYPTO "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"

/* elf first (its facts say what is imported), then crypto, as in a scan */
static uint8_t *run_file(const char *path, pki_frec *r, size_t *n)
{
    uint8_t *b = fx_read(path, n);
    if (!b)
        return NULL;
    assert_int_equal(pki_frec_init(r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_elf, (pk_bytes){b, *n}, path, r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_pe, (pk_bytes){b, *n}, path, r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_crypto, (pk_bytes){b, *n}, path, r), PK_OK);
    return b;
}

static const json_t *entry(const pki_frec *r, const char *arr, const char *name)
{
    json_t *a = json_object_get(json_object_get(r->facts, "crypto"), arr);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
            return e;
    }
    return NULL;
}

static size_t nentries(const pki_frec *r, const char *arr)
{
    return json_array_size(json_object_get(json_object_get(r->facts, "crypto"), arr));
}

static const char *es(const json_t *e, const char *k)
{
    const char *s = json_string_value(json_object_get(e, k));
    return s ? s : "";
}

/* findings of the names rules (PK-CRY-0002..0005) */
static size_t name_findings(const pki_frec *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfind; i++)
        if (strncmp(r->findings[i].rule_id, "PK-CRY-", 7) == 0 &&
            strcmp(r->findings[i].rule_id, "PK-CRY-0001") != 0)
            n++;
    return n;
}

static const pk_finding *finding_at(const pki_frec *r, const char *rule, uint64_t off)
{
    for (size_t i = 0; i < r->nfind; i++)
        if (strcmp(r->findings[i].rule_id, rule) == 0 && r->findings[i].loc.offset == off)
            return &r->findings[i];
    return NULL;
}

static void dump(const char *what, const pki_frec *r)
{
    if (!getenv("PK_DUMP"))
        return;
    char *s = json_dumps(json_object_get(r->facts, "crypto"), JSON_INDENT(1));
    fprintf(stderr, "== %s\n%s\n", what, s ? s : "null");
    free(s);
    for (size_t i = 0; i < r->nfind; i++)
        if (strncmp(r->findings[i].rule_id, "PK-CRY-", 7) == 0 &&
            strcmp(r->findings[i].rule_id, "PK-CRY-0001") != 0)
            fprintf(stderr, "%s sev %d conf %u @%llu: %s\n", r->findings[i].rule_id,
                    (int)r->findings[i].severity, r->findings[i].confidence,
                    (unsigned long long)r->findings[i].loc.offset, r->findings[i].message);
}

/* offset of the first occurrence of s (len bytes) in b, or -1 */
static long long find(const uint8_t *b, size_t n, const void *s, size_t len)
{
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(b + i, s, len) == 0)
            return (long long)i;
    return -1;
}

/* ---- the rule files ---- */

static void test_rules(void **st)
{
    (void)st;
    pki_crn_set set;
    assert_int_equal(pki_crn_load(&set), PK_OK);
    assert_true(set.n > 300);
    int kinds[PKI_CRN_KIND_COUNT] = {0};
    for (size_t i = 0; i < set.n; i++) {
        char pat[512];
        assert_true(pki_crn_pattern(&set.rules[i], 1, pat, sizeof pat) > 0);
        kinds[set.rules[i].kind]++;
    }
    for (int k = 0; k < PKI_CRN_KIND_COUNT; k++)
        assert_true(kinds[k] > 0);
    char pat[512];
    pki_crn_rule r = {.name = "TLSv1.1", .len = 7};
    assert_true(pki_crn_pattern(&r, 0, pat, sizeof pat) > 0);
    assert_string_equal(pat, "TLSv1\\x2e1(?:[^A-Za-z0-9_.\\x2d]|\\z)");
    pki_crn_free(&set);

    static const char *const bad[] = {
        "aes\tcipher\tAES\t-\tnocase\tascii\n",    /* too short? no: 3 is fine -> see below */
        "aes-128-ecb\tcipher\tAES\tecb\tnocase\n", /* 5 fields */
        "aes-128-ecb\tcypher\tAES\tecb\tnocase\tascii\n",  /* kind */
        "aes-128-ecb\tcipher\tAES\tweak\tnocase\tascii\n", /* reason */
        "aes-128-ecb\tcipher\tAES\tecb\tupper\tascii\n",   /* case */
        "aes-128-ecb\tcipher\tAES\tecb\tnocase\tebcdic\n", /* enc */
        "-aes\tcipher\tAES\tecb\tnocase\tascii\n",         /* leading '-' */
        "aes 128\tcipher\tAES\tecb\tnocase\tascii\n",      /* space */
        "ab\tcipher\tAES\tecb\tnocase\tascii\n",           /* 2 bytes */
        "x\ty\n",
        "rc4\tcipher\tRC4\trc4\texact\tascii\nrc4\tcipher\tRC4\trc4\texact\tascii\n", /* dup */
    };
    for (size_t i = 1; i < sizeof bad / sizeof bad[0]; i++) {
        pki_crn_set s = {NULL, 0};
        char err[160] = "";
        assert_int_equal(pki_crn_parse(&s, bad[i], strlen(bad[i]), err, sizeof err), PK_E_USAGE);
        assert_non_null(strstr(err, "line "));
        pki_crn_free(&s);
    }
    pki_crn_set s = {NULL, 0};
    assert_int_equal(pki_crn_parse(&s, bad[0], strlen(bad[0]), NULL, 0), PK_OK);
    assert_int_equal(s.n, 1);
    pki_crn_free(&s);
}

/* ---- a program naming weak things in strings ---- */

static const char strings_src[] =
    "#include <uchar.h>\n"
    "#define U __attribute__((used))\n"
    "U static const char a[] = \"aes-128-ecb\";\n"
    "U static const char b[] = \"TLSv1\";\n"
    "U static const char c[] = \"HIGH:!RC4:!aNULL:EXP-RC4-MD5\";\n"
    "U static const char d[] = \"TLSv1.2\";\n"
    "U static const char e[] = \"xaes-128-ecb_ DES-CBC3-SHAx TLSv1_x\";\n"
    "U static const char16_t f[] = u\"ChainingModeECB\";\n"
    "int main(void) { return 0; }\n";

static void test_strings_program(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-crynames-XXXXXX"), 0);
    fx_put("s.c", strings_src);
    if (fx_sh("cc -O0 -o s s.c") != 0) {
        fx_remove();
        skip();
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/s", fx_dir);
    pki_frec r;
    size_t n;
    uint8_t *b = run_file(path, &r, &n);
    assert_non_null(b);
    dump("strings program", &r);
    /* exactly these names: none inside the longer words of e[], none for !RC4 */
    assert_int_equal(nentries(&r, "names"), 5);
    assert_int_equal(nentries(&r, "apis"), 0);
    const json_t *e = entry(&r, "names", "aes-128-ecb");
    assert_non_null(e);
    assert_string_equal(es(e, "kind"), "cipher");
    assert_string_equal(es(e, "algorithm"), "AES-128-ECB");
    assert_string_equal(es(e, "weak"), "ecb");
    assert_string_equal(es(e, "encoding"), "ascii");
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1);
    assert_true(json_is_false(json_object_get(e, "table")));
    long long off = find(b, n, "aes-128-ecb\0", 12);
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), off);
    const pk_finding *f = finding_at(&r, "PK-CRY-0002", (uint64_t)off);
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_int_equal(f->confidence, 70);
    assert_int_equal(f->loc.length, 11);
    assert_memory_equal(f->evidence.ptr, "aes-128-ecb", 11);

    e = entry(&r, "names", "TLSv1");
    assert_non_null(e);
    assert_string_equal(es(e, "weak"), "tls10");
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1); /* not in TLSv1.2 */
    off = find(b, n, "TLSv1\0", 6);
    f = finding_at(&r, "PK-CRY-0003", (uint64_t)off);
    assert_non_null(f);
    assert_int_equal(f->confidence, 50); /* a short name */

    e = entry(&r, "names", "TLSv1.2");
    assert_non_null(e);
    assert_null(json_object_get(e, "weak"));

    e = entry(&r, "names", "EXP-RC4-MD5");
    assert_non_null(e);
    assert_string_equal(es(e, "kind"), "suite");
    assert_string_equal(es(e, "weak"), "export");
    f = finding_at(&r, "PK-CRY-0004", (uint64_t)find(b, n, "EXP-RC4-MD5", 11));
    assert_non_null(f);
    assert_null(entry(&r, "names", "RC4-MD5")); /* inside EXP-RC4-MD5 */
    assert_null(entry(&r, "names", "RC4"));     /* only as !RC4 */

    e = entry(&r, "names", "ChainingModeECB");
    assert_non_null(e);
    assert_string_equal(es(e, "encoding"), "utf16le");
    assert_string_equal(es(e, "kind"), "mode");
    static const uint8_t u16[] = {'C', 0, 'h', 0, 'a', 0, 'i', 0, 'n', 0, 'i', 0};
    off = find(b, n, u16, sizeof u16);
    f = finding_at(&r, "PK-CRY-0002", (uint64_t)off);
    assert_non_null(f);
    assert_int_equal(f->loc.length, 30);

    assert_int_equal(name_findings(&r), 4); /* aes-128-ecb, TLSv1, EXP-RC4-MD5, ChainingModeECB */
    pki_frec_fini(&r);
    free(b);
    fx_remove();
}

/* ---- a program calling weak APIs through libcrypto ---- */

static const char api_src[] =
    "#include <openssl/evp.h>\n"
    "int main(int argc, char **argv) {\n"
    "  (void)argv;\n"
    "  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();\n"
    "  unsigned char k[16] = {0};\n"
    "  const EVP_CIPHER *ci = argc > 5 ? EVP_des_ede3_cbc() : EVP_aes_128_ecb();\n"
    "  int ok = EVP_EncryptInit_ex(c, ci, NULL, k, NULL);\n"
    "  EVP_CIPHER_CTX_free(c);\n"
    "  return !ok;\n"
    "}\n";

static void test_api_program(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-cryapi-XXXXXX"), 0);
    fx_put("a.c", api_src);
    if (fx_sh("cc -O0 -o a a.c -lcrypto") != 0) {
        fx_remove();
        skip(); /* no libssl-dev */
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/a", fx_dir);
    pki_frec r;
    size_t n;
    uint8_t *b = run_file(path, &r, &n);
    assert_non_null(b);
    dump("api program", &r);
    assert_int_equal(nentries(&r, "names"), 0);
    assert_int_equal(nentries(&r, "apis"), 3);
    const json_t *e = entry(&r, "apis", "EVP_aes_128_ecb");
    assert_non_null(e);
    assert_string_equal(es(e, "role"), "imported");
    assert_string_equal(es(e, "algorithm"), "AES-128-ECB");
    assert_string_equal(es(e, "weak"), "ecb");
    long long off = find(b, n, "\0EVP_aes_128_ecb\0", 17) + 1;
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), off);
    const pk_finding *f = finding_at(&r, "PK-CRY-0005", (uint64_t)off);
    assert_non_null(f);
    assert_int_equal(f->severity, PK_SEV_MEDIUM);
    assert_int_equal(f->confidence, 90);
    assert_memory_equal(f->evidence.ptr, "EVP_aes_128_ecb", 15);

    e = entry(&r, "apis", "EVP_des_ede3_cbc");
    assert_non_null(e);
    assert_string_equal(es(e, "weak"), "3des");
    assert_non_null(finding_at(&r, "PK-CRY-0005", (uint64_t)find(b, n, "EVP_des_ede3_cbc", 16)));

    e = entry(&r, "apis", "EVP_EncryptInit_ex");
    assert_non_null(e);
    assert_string_equal(es(e, "role"), "imported");
    assert_null(json_object_get(e, "algorithm"));
    assert_null(json_object_get(e, "weak"));
    assert_int_equal(name_findings(&r), 2);

    /* the same bytes without the elf facts: named, not known to be imported */
    pki_frec r2;
    assert_int_equal(pki_frec_init(&r2), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_crypto, (pk_bytes){b, n}, "a", &r2), PK_OK);
    assert_string_equal(es(entry(&r2, "apis", "EVP_aes_128_ecb"), "role"), "string");
    f = finding_at(&r2, "PK-CRY-0005", (uint64_t)off);
    assert_non_null(f);
    assert_int_equal(f->confidence, 60);
    pki_frec_fini(&r2);
    pki_frec_fini(&r);
    free(b);
    fx_remove();
}

/* ---- a Windows program: CNG with wide-string algorithm ids, CryptoAPI ---- */

static const char cng_src[] =
    "#include <windows.h>\n"
    "#include <bcrypt.h>\n"
    "#include <wincrypt.h>\n"
    "int main(void) {\n"
    "  BCRYPT_ALG_HANDLE h;\n"
    "  HCRYPTPROV p;\n"
    "  if (BCryptOpenAlgorithmProvider(&h, BCRYPT_3DES_ALGORITHM, NULL, 0) == 0)\n"
    "    BCryptSetProperty(h, BCRYPT_CHAINING_MODE, (PUCHAR)BCRYPT_CHAIN_MODE_ECB,\n"
    "                      sizeof(BCRYPT_CHAIN_MODE_ECB), 0);\n"
    "  return CryptAcquireContextW(&p, NULL, NULL, PROV_RSA_FULL, 0);\n"
    "}\n";

static void test_pe_program(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-crycng-XXXXXX"), 0);
    fx_put("w.c", cng_src);
    if (fx_sh("x86_64-w64-mingw32-gcc -O0 -o w.exe w.c -lbcrypt -ladvapi32") != 0) {
        fx_remove();
        skip(); /* no mingw-w64 */
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/w.exe", fx_dir);
    pki_frec r;
    size_t n;
    uint8_t *b = run_file(path, &r, &n);
    assert_non_null(b);
    dump("cng program", &r);
    static const char *const imported[] = {"BCryptOpenAlgorithmProvider", "BCryptSetProperty",
                                           "CryptAcquireContextW"};
    for (size_t i = 0; i < sizeof imported / sizeof imported[0]; i++)
        assert_string_equal(es(entry(&r, "apis", imported[i]), "role"), "imported");
    static const char *const wide[] = {"3DES", "ChainingModeECB"};
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        const json_t *e = entry(&r, "names", wide[i]);
        assert_non_null(e);
        assert_string_equal(es(e, "encoding"), "utf16le");
        const pk_finding *f = finding_at(
            &r, "PK-CRY-0002", (uint64_t)json_integer_value(json_object_get(e, "offset")));
        assert_non_null(f);
        assert_int_equal(f->loc.length, 2 * strlen(wide[i]));
    }
    /* generic APIs are facts; the two wide names are the findings */
    assert_int_equal(name_findings(&r), 2);
    pki_frec_fini(&r);
    free(b);
    fx_remove();
}

/* ---- the system's TLS and crypto libraries: tables, not use ---- */

static void test_libssl(void **st)
{
    (void)st;
    pki_frec r;
    size_t n;
    uint8_t *b = run_file(LIBSSL, &r, &n);
    if (!b) {
        skip();
        return;
    }
    dump("libssl", &r);
    /* it exports TLSv1_method: a provider, so its names are a table */
    assert_string_equal(es(entry(&r, "apis", "TLSv1_method"), "role"), "exported");
    assert_string_equal(es(entry(&r, "apis", "TLSv1_1_method"), "role"), "exported");
    static const char *const suites[] = {"TLS_RSA_WITH_NULL_MD5", "NULL-MD5", "ADH-AES128-SHA",
                                         "TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"};
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        const json_t *e = entry(&r, "names", suites[i]);
        if (!e)
            fail_msg("%s not found in " LIBSSL, suites[i]);
        assert_true(json_is_true(json_object_get(e, "table")));
    }
    assert_non_null(entry(&r, "names", "TLSv1.3"));
    /* table summaries only: low, confidence 30; no medium finding */
    size_t low = 0;
    for (size_t i = 0; i < r.nfind; i++) {
        const pk_finding *f = &r.findings[i];
        if (strncmp(f->rule_id, "PK-CRY-", 7) != 0 || strcmp(f->rule_id, "PK-CRY-0001") == 0)
            continue;
        if (f->severity == PK_SEV_LOW && f->confidence == 30)
            low++;
        else if (!(strcmp(f->rule_id, "PK-CRY-0005") == 0 && f->confidence == 90))
            fail_msg("unexpected %s: %s", f->rule_id, f->message);
    }
    assert_true(low >= 1 && low <= 4);
    const pk_finding *f = NULL;
    for (size_t i = 0; i < r.nfind; i++)
        if (strcmp(r.findings[i].rule_id, "PK-CRY-0004") == 0)
            f = &r.findings[i];
    assert_non_null(f);
    assert_non_null(strstr(f->message, "not evidence that they are used"));
    pki_frec_fini(&r);
    free(b);
}

static void test_libcrypto(void **st)
{
    (void)st;
    pki_frec r;
    size_t n;
    uint8_t *b = run_file(LIBCRYPTO, &r, &n);
    if (!b) {
        skip();
        return;
    }
    dump("libcrypto", &r);
    static const char *const exported[] = {"EVP_rc4",         "EVP_des_ede3_cbc", "EVP_aes_128_ecb",
                                           "DES_ecb_encrypt", "RC4_set_key",      "MD5_Init"};
    for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++) {
        const json_t *e = entry(&r, "apis", exported[i]);
        if (!e)
            fail_msg("%s not found in " LIBCRYPTO, exported[i]);
        assert_string_equal(es(e, "role"), "exported");
    }
    static const char *const names[] = {"aes-128-ecb", "des-ede3-cbc", "rc4", "RC4", "bf-ecb"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const json_t *e = entry(&r, "names", names[i]);
        if (!e)
            fail_msg("%s not found in " LIBCRYPTO, names[i]);
        assert_true(json_is_true(json_object_get(e, "table")));
    }
    for (size_t i = 0; i < r.nfind; i++) {
        const pk_finding *f = &r.findings[i];
        if (strncmp(f->rule_id, "PK-CRY-", 7) != 0 || strcmp(f->rule_id, "PK-CRY-0001") == 0)
            continue;
        if (f->severity != PK_SEV_LOW || f->confidence != 30)
            fail_msg("unexpected %s: %s", f->rule_id, f->message);
    }
    pki_frec_fini(&r);
    free(b);
}

/* ---- nothing where there is no cryptography ---- */

static void test_quiet(void **st)
{
    (void)st;
    static const char *const bins[] = {"/usr/bin/ls",  "/usr/bin/cp",  "/usr/bin/mv",
                                       "/usr/bin/cat", "/usr/bin/tar", "/bin/busybox"};
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
        pki_frec r;
        size_t n;
        uint8_t *b = run_file(bins[i], &r, &n);
        if (!b)
            continue;
        dump(bins[i], &r);
        if (nentries(&r, "names") || nentries(&r, "apis") || name_findings(&r))
            fail_msg("%s: names or APIs claimed", bins[i]);
        pki_frec_fini(&r);
        free(b);
    }
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-cryquiet-XXXXXX"), 0);
    fx_put("q.c", "#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) {\n"
                  "  printf(\"usage: %s [--verbose] FILE (see the DESCRIPTION)\\n\", v[0]);\n"
                  "  return c > 1 && strcmp(v[1], \"-TLS\") == 0; }\n");
    if (fx_sh("cc -O2 -o q q.c") == 0) {
        char path[128];
        snprintf(path, sizeof path, "%s/q", fx_dir);
        pki_frec r;
        size_t n;
        uint8_t *b = run_file(path, &r, &n);
        assert_non_null(b);
        assert_int_equal(nentries(&r, "names") + nentries(&r, "apis") + name_findings(&r), 0);
        pki_frec_fini(&r);
        free(b);
    }
    fx_remove();

    /* 8 MiB of random bytes, and the same with every byte mapped to a name's characters */
    size_t n = 8u << 20;
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    uint64_t s = 0x5eed;
    static const char alpha[] = "RC4DES3TLSv1.SLaesecb-_\0:\" ";
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            uint8_t v = (uint8_t)(s >> 56);
            buf[i] = pass ? (uint8_t)alpha[v % (sizeof alpha - 1)] : v;
        }
        pki_frec r;
        assert_int_equal(pki_frec_init(&r), PK_OK);
        assert_int_equal(pki_harness_run(&pki_analyzer_crypto, (pk_bytes){buf, n}, "r.bin", &r),
                         PK_OK);
        if (pass == 0) {
            assert_int_equal(nentries(&r, "names") + nentries(&r, "apis") + name_findings(&r), 0);
        } else {
            /* built from names' letters and delimiters, names do occur; each one found must
             * really be there, between delimiters */
            dump("alphabet soup", &r);
            json_t *a = json_object_get(json_object_get(r.facts, "crypto"), "names");
            size_t i;
            json_t *e;
            json_array_foreach(a, i, e)
            {
                const char *nm = es(e, "name");
                size_t off = (size_t)json_integer_value(json_object_get(e, "offset"));
                size_t l = strlen(nm);
                assert_true(off + l <= n);
                assert_true(strncasecmp((const char *)buf + off, nm, l) == 0);
                if (l < PKI_CRN_STRICT)
                    assert_non_null(memchr("\0:\" ", buf[off + l], 4));
            }
        }
        pki_frec_fini(&r);
    }
    free(buf);
}

/* ---- through a real scan: a name across the 256 KiB block boundary, one at the very end ---- */

/* The same weak names in a program's configuration are findings; in a
 * changelog or under /usr/share/doc they describe the software: nothing. */
static void test_documentation(void **st)
{
    (void)st;
    static const char text[] =
        "2019-01-02  Remove BF_ecb_encrypt and \"des-ede3-cbc\"; drop TLSv1\n";
    const pk_bytes b = {(const uint8_t *)text, sizeof text - 1};
    static const struct {
        const char *vpath;
        int findings;
    } cases[] = {
        {"etc/agent/agent.conf", 1},
        {"pkg.deb!/data.tar.xz!/usr/share/doc/libfoo/changelog.Debian.gz!/changelog.Debian", 0},
        {"src/ChangeLog", 0},
        {"usr/share/man/man3/foo.3", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pki_frec r;
        assert_int_equal(pki_frec_init(&r), PK_OK);
        assert_int_equal(pki_harness_run(&pki_analyzer_crypto, b, cases[i].vpath, &r), PK_OK);
        if ((name_findings(&r) > 0) != cases[i].findings)
            fail_msg("%s: %zu name findings", cases[i].vpath, name_findings(&r));
        if (!cases[i].findings && nentries(&r, "names") + nentries(&r, "apis"))
            fail_msg("%s: names recorded in documentation", cases[i].vpath);
        pki_frec_fini(&r);
    }
}

static void test_scan_boundaries(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-crybound-XXXXXX"), 0);
    size_t n = 300000;
    uint8_t *buf = calloc(1, n);
    assert_non_null(buf);
    memcpy(buf + 262144 - 5, "des-ede3-cbc", 12);       /* the name straddles the boundary */
    memcpy(buf + 262144 + 100 - 11, "aes-256-ecb", 11); /* ends where a 2nd block could */
    memcpy(buf + n - 5, "SSLv3", 5);                    /* the file's last bytes */
    char path[128];
    snprintf(path, sizeof path, "%s/blob.bin", fx_dir);
    char *rep = fx_write_scan(path, buf, n);
    free(buf);
    assert_non_null(strstr(rep, "\"offset\": 262139"));
    assert_non_null(strstr(rep, "\"offset\": 262233"));
    assert_non_null(strstr(rep, "\"offset\": 299995"));
    assert_non_null(strstr(rep, "\"PK-CRY-0003\""));
    free(rep);
    fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),         cmocka_unit_test(test_strings_program),
        cmocka_unit_test(test_api_program),   cmocka_unit_test(test_pe_program),
        cmocka_unit_test(test_libssl),        cmocka_unit_test(test_libcrypto),
        cmocka_unit_test(test_quiet),         cmocka_unit_test(test_scan_boundaries),
        cmocka_unit_test(test_documentation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
