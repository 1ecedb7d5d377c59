/* pk_csaf_affected (lib/csaf/affected.c): Red Hat's RHSA-2024:4546 (git-lfs,
 * CVE-2023-45288, fixed in 2.13.3-3.el8_6.1) from shared/data ($PK_SHARED)
 * against certified products: one whose SBOM holds an older git-lfs (a hit,
 * naming the component, the rule and the fixed version), one holding the
 * fixed build (no hit), one without an SBOM whose own purl is older (a hit),
 * one unrelated; then failures: an SBOM that is not one names its
 * certificate, a document that is not CSAF is refused; and the private
 * directory is gone after every call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parakh/csaf.h"

static char tmp[256];

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    uint8_t *b = malloc((size_t)n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static uint8_t *rhsa(size_t *len)
{
    const char *sh = getenv("PK_SHARED");
    assert_non_null(sh);
    char p[1024];
    snprintf(p, sizeof p, "%s/standards-examples/csaf/redhat/rhsa-2024_4546.json", sh);
    return slurp(p, len);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

#define SBOM_HEAD                                                                                  \
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":["
static const char OLD[] =
    SBOM_HEAD "{\"type\":\"library\",\"bom-ref\":\"z\",\"name\":\"zlib\",\"version\":\"1.2.13\","
              "\"purl\":\"pkg:rpm/redhat/zlib@1.2.13-1.el8?arch=x86_64&distro=redhat-8\"},"
              "{\"type\":\"application\",\"bom-ref\":\"g\",\"name\":\"git-lfs\",\"version\":"
              "\"2.13.3-2.el8\",\"purl\":\"pkg:rpm/redhat/"
              "git-lfs@2.13.3-2.el8?arch=x86_64&distro=redhat-8\"}]}";
static const char FIXED[] =
    SBOM_HEAD "{\"type\":\"application\",\"bom-ref\":\"g\",\"name\":\"git-lfs\",\"version\":"
              "\"2.13.3-3.el8_6.1\",\"purl\":"
              "\"pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6.1?arch=x86_64&distro=redhat-8\"}]}";
static const char OTHER[] =
    SBOM_HEAD "{\"type\":\"library\",\"bom-ref\":\"o\",\"name\":\"openssl\",\"version\":\"3.0.2\","
              "\"purl\":\"pkg:deb/debian/openssl@3.0.2\"}]}";

static void test_hits(void **state)
{
    (void)state;
    size_t len;
    uint8_t *doc = rhsa(&len);
    pk_csaf_target t[4] = {
        {.cert_id = "c-old",
         .product = "Agent",
         .vendor = "V",
         .version = "1",
         .lab = "L",
         .sbom = (const uint8_t *)OLD,
         .sbom_len = sizeof OLD - 1},
        {.cert_id = "c-fixed",
         .product = "Agent",
         .vendor = "V",
         .version = "2",
         .lab = "L",
         .sbom = (const uint8_t *)FIXED,
         .sbom_len = sizeof FIXED - 1},
        {.cert_id = "c-nosbom",
         .product = "git-lfs",
         .vendor = "V",
         .version = "2.13.3-1.el8",
         .lab = "L",
         .purl = "pkg:rpm/redhat/git-lfs@2.13.3-1.el8?arch=x86_64&distro=redhat-8"},
        {.cert_id = "c-other",
         .product = "Box",
         .vendor = "W",
         .version = "1",
         .lab = "L",
         .sbom = (const uint8_t *)OTHER,
         .sbom_len = sizeof OTHER - 1},
    };
    pk_csaf_hits h;
    char err[512] = "";
    assert_int_equal(pk_csaf_affected(doc, len, t, 4, tmp, &h, err, sizeof err), PK_OK);
    assert_int_equal(h.count, 2);
    assert_int_equal(h.items[0].target, 0);
    assert_string_equal(h.items[0].comp_name, "git-lfs");
    assert_string_equal(h.items[0].comp_version, "2.13.3-2.el8");
    assert_string_equal(h.items[0].cve, "CVE-2023-45288");
    assert_string_equal(h.items[0].method, "purl");
    assert_non_null(h.items[0].fixed);
    assert_string_equal(h.items[0].fixed, "2.13.3-3.el8_6.1");
    assert_non_null(strstr(h.items[0].matched, "2.13.3-3.el8_6.1"));
    assert_int_equal(h.items[1].target, 2);
    assert_string_equal(h.items[1].comp_version, "2.13.3-1.el8");
    pk_csaf_hits_free(&h);
    assert_int_equal(entries(tmp), 0);
    free(doc);
}

static void test_errors(void **state)
{
    (void)state;
    size_t len;
    uint8_t *doc = rhsa(&len);
    static const char BAD[] = "{\"not\":\"an sbom\"}";
    pk_csaf_target t = {.cert_id = "c-bad",
                        .product = "P",
                        .vendor = "V",
                        .version = "1",
                        .lab = "L",
                        .sbom = (const uint8_t *)BAD,
                        .sbom_len = sizeof BAD - 1};
    pk_csaf_hits h;
    char err[512] = "";
    assert_int_equal(pk_csaf_affected(doc, len, &t, 1, tmp, &h, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "certificate c-bad"));
    assert_int_equal(h.count, 0);
    assert_int_equal(entries(tmp), 0);
    static const char NOTCSAF[] = "{\"document\":{\"title\":\"x\"}}";
    err[0] = 0;
    assert_int_equal(pk_csaf_affected((const uint8_t *)NOTCSAF, sizeof NOTCSAF - 1, NULL, 0, tmp,
                                      &h, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "cannot be matched"));
    assert_int_equal(entries(tmp), 0);
    /* no targets: nothing to match, no error */
    assert_int_equal(pk_csaf_affected(doc, len, NULL, 0, tmp, &h, err, sizeof err), PK_OK);
    assert_int_equal(h.count, 0);
    assert_int_equal(entries(tmp), 0);
    free(doc);
}

/* A product_version_range branch (vers) beside the fixed version: versions
 * above the fix are affected only where the range says so (before vers
 * ranges were read, a range product without a version in its purl meant
 * every version: 3.0.0 and 3.6.0 were reported). */
static const char RANGE_DOC[] =
    "{\"document\":{\"category\":\"csaf_security_advisory\",\"csaf_version\":\"2.0\","
    "\"title\":\"t\",\"tracking\":{\"id\":\"PK-TEST-1\",\"current_release_date\":"
    "\"2026-11-27T00:00:00Z\",\"initial_release_date\":\"2026-11-27T00:00:00Z\"}},"
    "\"product_tree\":{\"branches\":[{\"category\":\"product_name\",\"name\":\"gw\","
    "\"branches\":[{\"category\":\"product_version_range\",\"name\":"
    "\"vers:npm/>=1.0.0|<2.4.1|!=2.0.0|=3.5.0\",\"product\":{\"name\":\"gw range\","
    "\"product_id\":\"R\",\"product_identification_helper\":{\"purl\":"
    "\"pkg:npm/gateway\"}}},{\"category\":\"product_version\",\"name\":"
    "\"2.4.1\",\"product\":{\"name\":\"gw 2.4.1\",\"product_id\":\"F\","
    "\"product_identification_helper\":{\"purl\":\"pkg:npm/gateway@2.4.1\"}}}]}]},"
    "\"vulnerabilities\":[{\"cve\":\"CVE-2026-1000\",\"product_status\":{"
    "\"known_affected\":[\"R\"],\"fixed\":[\"F\"]}}]}";

static void test_range(void **state)
{
    (void)state;
    static const char *const vers[] = {"0.9.0", "1.0.0", "2.0.0", "2.4.0",
                                       "2.4.1", "3.0.0", "3.5.0", "3.6.0"};
    /* 0.9.0: below the fixed 2.4.1, which the importer reads as "what came
     * before the fix was affected" (Red Hat's convention): conservative */
    static const int want[] = {1, 1, 1, 1, 0, 0, 1, 0};
    pk_csaf_target t[8];
    char purl[8][64];
    for (int i = 0; i < 8; i++) {
        snprintf(purl[i], sizeof purl[i], "pkg:npm/gateway@%s", vers[i]);
        t[i] = (pk_csaf_target){.cert_id = vers[i],
                                .product = "gateway",
                                .vendor = "Acme",
                                .version = vers[i],
                                .lab = "L",
                                .purl = purl[i]};
    }
    pk_csaf_hits h;
    char err[512] = "";
    assert_int_equal(pk_csaf_affected((const uint8_t *)RANGE_DOC, sizeof RANGE_DOC - 1, t, 8, tmp,
                                      &h, err, sizeof err),
                     PK_OK);
    int got[8] = {0};
    for (size_t i = 0; i < h.count; i++)
        got[h.items[i].target] = 1;
    int bad = 0;
    for (int i = 0; i < 8; i++)
        if (got[i] != want[i]) {
            print_error("version %s: affected %d, expected %d\n", vers[i], got[i], want[i]);
            bad = 1;
        }
    for (size_t i = 0; bad && i < h.count; i++)
        print_error("hit %s: %s %s\n", vers[h.items[i].target], h.items[i].cve, h.items[i].matched);
    assert_false(bad);
    pk_csaf_hits_free(&h);
    assert_int_equal(entries(tmp), 0);
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/pk-aff-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hits),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
