/* Package identifiers: purl (cases copied from package-url/purl-spec
 * test-suite-data.json) and CPE 2.3 formatted strings (NISTIR 7695 6.2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ident/ident_int.h"

/* One test-suite case: input, canonical form (NULL when is_invalid), fields. */
typedef struct purl_case {
    const char *purl, *canonical, *type, *ns, *name, *version, *subpath, *quals;
} purl_case;

/* quals is "k=v&k=v" of decoded values in canonical (sorted) order. */
static const purl_case cases[] = {
    {"pkg:maven/org.apache.commons/io@1.3.4", "pkg:maven/org.apache.commons/io@1.3.4", "maven",
     "org.apache.commons", "io", "1.3.4", NULL, NULL},
    {"pkg:maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto#googleapis/api/annotations", "golang",
     "google.golang.org", "genproto", NULL, "googleapis/api/annotations", NULL},
    {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations", "golang",
     "google.golang.org", "genproto", "abcdedf", "googleapis/api/annotations", NULL},
    {"pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
     "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c", "bitbucket", "birkenfeld",
     "pygments-main", "244fd47e07d1014f0aed9c", NULL, NULL},
    {"pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
     "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c", "github", "package-url",
     "purl-spec", "244fd47e07d1004f0aed9c", NULL, NULL},
    {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
     "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "deb", "debian", "curl", "7.50.3-1",
     NULL, "arch=i386&distro=jessie"},
    {"pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "docker", "customer", "dockerimage", "sha256:244fd47e07d1004f0aed9c", NULL,
     "repository_url=gcr.io"},
    {"pkg:gem/jruby-launcher@1.1.2?Platform=java", "pkg:gem/jruby-launcher@1.1.2?platform=java",
     "gem", NULL, "jruby-launcher", "1.1.2", NULL, "platform=java"},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo."
     "spring.io/release",
     "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo."
     "spring.io/release",
     "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", NULL,
     "classifier=sources&repository_url=repo.spring.io/release"},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?extension=pom&repositorY_url=repo."
     "spring.io/release",
     "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?extension=pom&repository_url=repo."
     "spring.io/release",
     "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", NULL,
     "extension=pom&repository_url=repo.spring.io/release"},
    {"pkg:Maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll",
     "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll", "maven",
     "net.sf.jacob-project", "jacob", "1.14.3", NULL, "classifier=x86&type=dll"},
    {"pkg:npm/%40angular/animation@12.3.1", "pkg:npm/%40angular/animation@12.3.1", "npm",
     "@angular", "animation", "12.3.1", NULL, NULL},
    {"pkg:Nuget/EnterpriseLibrary.Common@6.0.1304", "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
     "nuget", NULL, "EnterpriseLibrary.Common", "6.0.1304", NULL, NULL},
    {"pkg:PYPI/Django_package@1.11.1.dev1", "pkg:pypi/django-package@1.11.1.dev1", "pypi", NULL,
     "django-package", "1.11.1.dev1", NULL, NULL},
    {"pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
     "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", "rpm", "fedora", "curl",
     "7.50.3-1.fc25", NULL, "arch=i386&distro=fedora-25"},
    {"EnterpriseLibrary.Common@6.0.1304", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:EnterpriseLibrary.Common@6.0.1304", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:maven/@1.3.4", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:/maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg://maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg:///maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL, NULL},
    {"pkg:maven/HTTPClient/HTTPClient@0.3-3", "pkg:maven/HTTPClient/HTTPClient@0.3-3", "maven",
     "HTTPClient", "HTTPClient", "0.3-3", NULL, NULL},
    {"pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
     "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", "maven", "mygroup",
     "myartifact", "1.0.0 Final", NULL, "mykey=my value"},
    {"pkg:npm/myartifact@1.0.0?in%20production=true", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:conan/cctz@2.3", "pkg:conan/cctz@2.3", "conan", NULL, "cctz", "2.3", NULL, NULL},
    {"pkg:conan/bincrafters/cctz@2.3?channel=stable",
     "pkg:conan/bincrafters/cctz@2.3?channel=stable", "conan", "bincrafters", "cctz", "2.3", NULL,
     "channel=stable"},
    {"pkg:conan/bincrafters/cctz@2.3", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:conan/cctz@2.3?channel=stable", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
     "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
     "conda", NULL, "absl-py", "0.4.1", NULL,
     "build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2"},
    {"pkg:cran/A3@0.9.1", "pkg:cran/A3@0.9.1", "cran", NULL, "A3", "0.9.1", NULL, NULL},
    {"pkg:cran/@0.9.1", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:cran/A3", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
     "pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "swift", "github.com/Alamofire", "Alamofire",
     "5.4.3", NULL, NULL},
    {"pkg:swift/Alamofire@5.4.3", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:swift/github.com/Alamofire/@5.4.3", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:swift/github.com/Alamofire/Alamofire", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:hackage/AC-HalfInteger@1.2.1", "pkg:hackage/AC-HalfInteger@1.2.1", "hackage", NULL,
     "AC-HalfInteger", "1.2.1", NULL, NULL},
    {"pkg:hackage", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    /* the suite's canonical form encodes ':' and '/' here (%3A%2F) but keeps them
     * in the docker and maven cases above; we keep them (see ident.md) */
    {"pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpackage-url%"
     "2Fpackageurl-js.git",
     "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps://github.com/package-url/packageurl-js.git",
     "npm", NULL, "packageurl-js", "0.0.7", NULL,
     "vcs_url=git+https://github.com/package-url/packageurl-js.git"},
    {"pkg:npm/packageurl-js@0.0.7?download_url=https%3A%2F%2Fregistry.npmjs.org%2Fpackageurl-js%"
     "2F-%2Fpackageurl-js-0.0.7.tgz",
     "pkg:npm/packageurl-js@0.0.7?download_url=https://registry.npmjs.org/packageurl-js/-/"
     "packageurl-js-0.0.7.tgz",
     "npm", NULL, "packageurl-js", "0.0.7", NULL,
     "download_url=https://registry.npmjs.org/packageurl-js/-/packageurl-js-0.0.7.tgz"},
    /* from PURL-TYPES.rst examples and the spec's rules */
    {"pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64",
     "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", "deb", "debian", "attr", "1:2.4.47-2+b1",
     NULL, "arch=amd64"},
    {"pkg:cargo/rand@0.7.2", "pkg:cargo/rand@0.7.2", "cargo", NULL, "rand", "0.7.2", NULL, NULL},
    {"pkg:generic/bitwarderl?vcs_url=git%2Bhttps://git.fsfe.org/dxtr/bitwarderl%40cc55108da32",
     "pkg:generic/bitwarderl?vcs_url=git%2Bhttps://git.fsfe.org/dxtr/bitwarderl%40cc55108da32",
     "generic", NULL, "bitwarderl", NULL, NULL,
     "vcs_url=git+https://git.fsfe.org/dxtr/bitwarderl@cc55108da32"},
    {"pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/./loves/../dogs",
     "pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs", "github",
     "package-url", "purl-spec", "244fd47e07d1004", "everybody/loves/dogs", NULL},
    {"pkg:npm/foo?b=2&a=1&c=", "pkg:npm/foo?a=1&b=2", "npm", NULL, "foo", NULL, NULL, "a=1&b=2"},
    {"pkg:npm/foo?a=1&A=2", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/foo?1a=2", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/foo?novalue", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/fo%2", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/fo%zz", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/fo%00", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/foo bar", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:1npm/foo", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:np_m/foo", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/foo#a/%2E%2E/b", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/a%2Fb/foo", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"http:npm/foo", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"pkg:npm/Foo%C3%A9@1", "pkg:npm/foo%C3%A9@1", "npm", NULL, "foo\xc3\xa9", "1", NULL, NULL},
};

static void str_eq_opt(const char *want, const char *got, const char *what, const char *purl)
{
    const char *w = want ? want : "", *g = got ? got : "";
    if (strcmp(w, g) != 0)
        fail_msg("%s: %s is \"%s\", want \"%s\"", purl, what, g, w);
}

static void quals_eq(const purl_case *c, const pki_purl *p)
{
    char got[1024] = "";
    size_t len = 0;
    /* parse keeps input order; compare against canonical (sorted) order by
     * sorting a copy of the indices */
    size_t ord[PKI_PURL_MAX_QUALS];
    for (size_t i = 0; i < p->nquals; i++) {
        size_t k = i;
        while (k > 0 && strcmp(p->quals[ord[k - 1]].key, p->quals[i].key) > 0) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = i;
    }
    for (size_t i = 0; i < p->nquals; i++)
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s=%s", i ? "&" : "",
                                p->quals[ord[i]].key, p->quals[ord[i]].value);
    str_eq_opt(c->quals, got, "qualifiers", c->purl);
}

static void test_purl_suite(void **state)
{
    (void)state;
    static char buf[PKI_IDENT_OUT_MAX], out[PKI_IDENT_OUT_MAX], buf2[PKI_IDENT_OUT_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const purl_case *c = &cases[i];
        pki_purl p;
        pk_status st = pki_purl_parse(c->purl, &p, buf, sizeof buf);
        if (!c->canonical) {
            if (st != PK_E_USAGE)
                fail_msg("%s: parsed (status %d), want PK_E_USAGE", c->purl, (int)st);
            assert_null(p.name);
            continue;
        }
        if (st != PK_OK)
            fail_msg("%s: status %d", c->purl, (int)st);
        str_eq_opt(c->type, p.type, "type", c->purl);
        str_eq_opt(c->ns, p.ns, "namespace", c->purl);
        str_eq_opt(c->name, p.name, "name", c->purl);
        str_eq_opt(c->version, p.version, "version", c->purl);
        str_eq_opt(c->subpath, p.subpath, "subpath", c->purl);
        quals_eq(c, &p);
        assert_int_equal(pki_purl_build(&p, out, sizeof out), PK_OK);
        str_eq_opt(c->canonical, out, "canonical", c->purl);
        /* round trip: the canonical form parses to the same fields and rebuilds
         * to itself */
        pki_purl q;
        assert_int_equal(pki_purl_parse(out, &q, buf2, sizeof buf2), PK_OK);
        str_eq_opt(p.name, q.name, "round-trip name", c->purl);
        str_eq_opt(p.ns, q.ns, "round-trip namespace", c->purl);
        str_eq_opt(p.version, q.version, "round-trip version", c->purl);
        str_eq_opt(p.subpath, q.subpath, "round-trip subpath", c->purl);
        assert_int_equal(p.nquals, q.nquals);
        char again[PKI_IDENT_OUT_MAX];
        assert_int_equal(pki_purl_build(&q, again, sizeof again), PK_OK);
        assert_string_equal(out, again);
    }
}

static void test_purl_build(void **state)
{
    (void)state;
    char out[256];
    pki_purl p = {.type = "PyPI", .name = "Django_Allauth", .version = "12.23"};
    p.quals[0] = (pki_purl_qual){"Filename", "Django-1.11.1-py2.py3-none-any.whl"};
    p.quals[1] = (pki_purl_qual){"arch", ""};
    p.nquals = 2;
    assert_int_equal(pki_purl_build(&p, out, sizeof out), PK_OK);
    assert_string_equal(out, "pkg:pypi/django-allauth@12.23?filename=Django-1.11.1-py2.py3-none-"
                             "any.whl");
    /* npm scope: '@' is encoded as %40; namespace slashes stripped */
    pki_purl n = {.type = "npm", .ns = "/@Angular/", .name = "core", .version = "1.0.0#x"};
    assert_int_equal(pki_purl_build(&n, out, sizeof out), PK_OK);
    assert_string_equal(out, "pkg:npm/%40angular/core@1.0.0%23x");
    /* subpath: "." and ".." and empty segments are discarded */
    pki_purl g = {.type = "golang",
                  .ns = "github.com/Gorilla",
                  .name = "Context",
                  .subpath = "/./api//../v1/"};
    assert_int_equal(pki_purl_build(&g, out, sizeof out), PK_OK);
    assert_string_equal(out, "pkg:golang/github.com/gorilla/context#api/v1");
    pki_purl s = {.type = "generic", .name = "a b?c@d", .subpath = "./.."};
    assert_int_equal(pki_purl_build(&s, out, sizeof out), PK_OK);
    assert_string_equal(out, "pkg:generic/a%20b%3Fc%40d");
    /* invalid: no name, bad type, bad or duplicate key */
    pki_purl bad = {.type = "npm"};
    assert_int_equal(pki_purl_build(&bad, out, sizeof out), PK_E_USAGE);
    assert_string_equal(out, "");
    bad = (pki_purl){.type = "3d", .name = "x"};
    assert_int_equal(pki_purl_build(&bad, out, sizeof out), PK_E_USAGE);
    bad = (pki_purl){.type = "npm", .name = "x", .nquals = 2};
    bad.quals[0] = (pki_purl_qual){"a", "1"};
    bad.quals[1] = (pki_purl_qual){"A", "2"};
    assert_int_equal(pki_purl_build(&bad, out, sizeof out), PK_E_USAGE);
    bad.quals[1] = (pki_purl_qual){"a b", "2"};
    assert_int_equal(pki_purl_build(&bad, out, sizeof out), PK_E_USAGE);
    /* too small an output: PK_E_MISUSE and "" */
    pki_purl ok = {.type = "npm", .name = "abcdef"};
    assert_int_equal(pki_purl_build(&ok, out, 10), PK_E_MISUSE);
    assert_string_equal(out, "");
    assert_int_equal(pki_purl_build(&ok, out, 15), PK_OK);
    assert_int_equal(pki_purl_build(NULL, out, sizeof out), PK_E_MISUSE);
}

static void test_purl_bounds(void **state)
{
    (void)state;
    static char big[PKI_IDENT_MAX + 2], buf[PKI_IDENT_OUT_MAX], out[PKI_IDENT_OUT_MAX];
    pki_purl p;
    memcpy(big, "pkg:npm/", 8);
    memset(big + 8, 'a', PKI_IDENT_MAX - 8);
    big[PKI_IDENT_MAX] = 0;
    assert_int_equal(pki_purl_parse(big, &p, buf, sizeof buf), PK_OK);
    big[PKI_IDENT_MAX] = 'a';
    big[PKI_IDENT_MAX + 1] = 0;
    assert_int_equal(pki_purl_parse(big, &p, buf, sizeof buf), PK_E_USAGE);
    /* a name of 4096 bytes that each encode to three */
    static char name[PKI_IDENT_MAX + 1];
    memset(name, ' ', PKI_IDENT_MAX);
    pki_purl q = {.type = "generic", .name = name};
    assert_int_equal(pki_purl_build(&q, out, sizeof out), PK_OK);
    assert_int_equal(strlen(out), 12 + 3 * PKI_IDENT_MAX);
    /* small parse buffer */
    assert_int_equal(pki_purl_parse("pkg:npm/abcdef@1", &p, buf, 8), PK_E_MISUSE);
    assert_null(p.name);
    /* too many qualifiers */
    char many[512] = "pkg:npm/x?";
    for (int i = 0; i <= PKI_PURL_MAX_QUALS; i++) {
        size_t l = strlen(many);
        snprintf(many + l, sizeof many - l, "%sk%d=v", i ? "&" : "", i);
    }
    assert_int_equal(pki_purl_parse(many, &p, buf, sizeof buf), PK_E_USAGE);
}

static pki_cpe cpe_of(const char *part, const char *vendor, const char *product,
                      const char *version)
{
    pki_cpe c;
    memset(&c, 0, sizeof c);
    const char *v[4] = {part, vendor, product, version};
    for (int i = 0; i < 4; i++)
        if (v[i])
            c.a[i] = (pki_cpe_attr){PKI_CPE_VALUE, v[i]};
    return c;
}

static void test_cpe_build(void **state)
{
    (void)state;
    char out[512];
    /* NISTIR 7695 6.2.2.3 example 1 */
    pki_cpe c = cpe_of("a", "microsoft", "internet_explorer", "8\\.0\\.6001");
    c.a[PKI_CPE_UPDATE] = (pki_cpe_attr){PKI_CPE_VALUE, "beta"};
    c.a[PKI_CPE_EDITION] = (pki_cpe_attr){PKI_CPE_ANY, NULL};
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_OK);
    assert_string_equal(out, "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    /* example 2: wildcards and NA */
    c = cpe_of("a", "microsoft", "internet_explorer", "8\\.*");
    c.a[PKI_CPE_UPDATE] = (pki_cpe_attr){PKI_CPE_VALUE, "sp?"};
    c.a[PKI_CPE_LANGUAGE] = (pki_cpe_attr){PKI_CPE_NA, NULL};
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_OK);
    assert_string_equal(out, "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:-:*:*:*:*");
    /* example 3: quoted punctuation stays quoted, except . - _ */
    c = cpe_of("a", "hp", "insight_diagnostics", "7\\.4\\.0\\.1570");
    c.a[PKI_CPE_UPDATE] = (pki_cpe_attr){PKI_CPE_NA, NULL};
    c.a[PKI_CPE_SW_EDITION] = (pki_cpe_attr){PKI_CPE_VALUE, "online"};
    c.a[PKI_CPE_TARGET_SW] = (pki_cpe_attr){PKI_CPE_VALUE, "win2003"};
    c.a[PKI_CPE_TARGET_HW] = (pki_cpe_attr){PKI_CPE_VALUE, "x64"};
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_OK);
    assert_string_equal(out,
                        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*");
    /* example 4 */
    c = cpe_of("a", "foo\\\\bar", "big\\$money_2010", NULL);
    c.a[PKI_CPE_SW_EDITION] = (pki_cpe_attr){PKI_CPE_VALUE, "special"};
    c.a[PKI_CPE_TARGET_SW] = (pki_cpe_attr){PKI_CPE_VALUE, "ipod_touch"};
    c.a[PKI_CPE_TARGET_HW] = (pki_cpe_attr){PKI_CPE_VALUE, "80gb"};
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_OK);
    assert_string_equal(out, "cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:"
                             "80gb:*");
    /* quoting a plain name first */
    char q[64], q2[64];
    assert_int_equal(pki_cpe_quote("c++:1.0", q, sizeof q), PK_OK);
    assert_string_equal(q, "c\\+\\+\\:1\\.0");
    assert_int_equal(pki_cpe_quote("c++", q, sizeof q), PK_OK);
    assert_int_equal(pki_cpe_quote("1.2-rc*", q2, sizeof q2), PK_OK);
    c = cpe_of("o", "gnu", q, q2);
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_OK);
    assert_string_equal(out, "cpe:2.3:o:gnu:c\\+\\+:1.2-rc\\*:*:*:*:*:*:*:*");
    assert_int_equal(pki_cpe_quote("-", q, sizeof q), PK_E_USAGE);
    assert_int_equal(pki_cpe_quote("", q, sizeof q), PK_E_USAGE);
    assert_int_equal(pki_cpe_quote("a\tb", q, sizeof q), PK_E_USAGE);
    /* invalid WFN values */
    const char *bad[] = {"8.0", "8\\", "\\a", "a*b", "**a", "*", "?", "\\-", "a?b", "", "*?a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = cpe_of("a", "v", "p", bad[i]);
        if (pki_cpe_build(&c, out, sizeof out) != PK_E_USAGE)
            fail_msg("WFN value \"%s\" accepted", bad[i]);
        assert_string_equal(out, "");
    }
    c = cpe_of("x", "v", "p", NULL);
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_E_USAGE);
    c = cpe_of("a", "v", "p", NULL);
    assert_int_equal(pki_cpe_build(&c, out, 20), PK_E_MISUSE);
    assert_string_equal(out, "");
}

static void test_cpe_parse(void **state)
{
    (void)state;
    static char buf[PKI_IDENT_OUT_MAX], out[PKI_IDENT_OUT_MAX], buf2[PKI_IDENT_OUT_MAX];
    pki_cpe c;
    /* NISTIR 7695 6.2.3.3 example 1 */
    assert_int_equal(
        pki_cpe_parse("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*", &c, buf,
                      sizeof buf),
        PK_OK);
    assert_int_equal(c.a[PKI_CPE_PART].kind, PKI_CPE_VALUE);
    assert_string_equal(c.a[PKI_CPE_PART].v, "a");
    assert_string_equal(c.a[PKI_CPE_PRODUCT].v, "internet_explorer");
    assert_string_equal(c.a[PKI_CPE_VERSION].v, "8\\.0\\.6001");
    assert_string_equal(c.a[PKI_CPE_UPDATE].v, "beta");
    assert_int_equal(c.a[PKI_CPE_EDITION].kind, PKI_CPE_ANY);
    assert_int_equal(c.a[PKI_CPE_OTHER].kind, PKI_CPE_ANY);
    /* example 2, 3 */
    assert_int_equal(pki_cpe_parse("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", &c,
                                   buf, sizeof buf),
                     PK_OK);
    assert_string_equal(c.a[PKI_CPE_VERSION].v, "8\\.*");
    assert_string_equal(c.a[PKI_CPE_UPDATE].v, "sp?");
    assert_int_equal(
        pki_cpe_parse("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*", &c,
                      buf, sizeof buf),
        PK_OK);
    assert_int_equal(c.a[PKI_CPE_UPDATE].kind, PKI_CPE_NA);
    assert_string_equal(c.a[PKI_CPE_TARGET_HW].v, "x64");
    /* example 5: escaped colon, quoted punctuation kept */
    assert_int_equal(pki_cpe_parse("cpe:2.3:a:foo\\\\bar:big\\$money:2010:*:*:*:special:ipod_touch:"
                                   "80gb:*",
                                   &c, buf, sizeof buf),
                     PK_OK);
    assert_string_equal(c.a[PKI_CPE_VENDOR].v, "foo\\\\bar");
    assert_string_equal(c.a[PKI_CPE_PRODUCT].v, "big\\$money");
    assert_string_equal(c.a[PKI_CPE_VERSION].v, "2010");
    assert_int_equal(pki_cpe_parse("cpe:2.3:a:a\\:b:c\\_d:1~2:*:*:*:*:*:*:*", &c, buf, sizeof buf),
                     PK_OK);
    assert_string_equal(c.a[PKI_CPE_VENDOR].v, "a\\:b");
    assert_string_equal(c.a[PKI_CPE_PRODUCT].v, "c_d");
    assert_string_equal(c.a[PKI_CPE_VERSION].v, "1\\~2");
    assert_int_equal(pki_cpe_build(&c, out, sizeof out), PK_OK);
    assert_string_equal(out, "cpe:2.3:a:a\\:b:c_d:1\\~2:*:*:*:*:*:*:*");
    pki_cpe d;
    assert_int_equal(pki_cpe_parse(out, &d, buf2, sizeof buf2), PK_OK);
    for (int i = 0; i < PKI_CPE_NATTR; i++) {
        assert_int_equal(c.a[i].kind, d.a[i].kind);
        if (c.a[i].kind == PKI_CPE_VALUE)
            assert_string_equal(c.a[i].v, d.a[i].v);
    }
    /* invalid */
    const char *bad[] = {
        "cpe:2.3:a:v:p:*:*:*:*:*:*:*",     /* ten components */
        "cpe:2.3:a:v:p:*:*:*:*:*:*:*:*:*", /* twelve */
        "cpe:2.3:x:v:p:*:*:*:*:*:*:*:*",   /* part */
        "cpe:2.3:a::p:*:*:*:*:*:*:*:*",    /* empty component */
        "cpe:2.3:a:v:p:1*2:*:*:*:*:*:*:*", /* embedded wildcard */
        "cpe:2.3:a:v:p:\\1:*:*:*:*:*:*:*", /* quoted digit */
        "cpe:2.3:a:v:p:1\\",               /* trailing escape */
        "cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*", /* quoted lone hyphen */
        "cpe:2.3:a:v:p:1 2:*:*:*:*:*:*:*", /* space */
        "cpe:/a:v:p",                      /* 2.2 URI binding */
        "cpe:2.3:a:v:p:**:*:*:*:*:*:*:*",  /* double star */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pki_cpe_parse(bad[i], &c, buf, sizeof buf) != PK_E_USAGE)
            fail_msg("\"%s\" accepted", bad[i]);
    assert_int_equal(c.a[PKI_CPE_PART].kind, PKI_CPE_ANY);
    assert_null(c.a[PKI_CPE_PART].v);
    /* small buffer and over-long input */
    assert_int_equal(pki_cpe_parse("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*", &c, buf, 10),
                     PK_E_MISUSE);
    static char big[PKI_IDENT_MAX + 2];
    memcpy(big, "cpe:2.3:a:v:", 12);
    memset(big + 12, 'p', PKI_IDENT_MAX + 1 - 12);
    assert_int_equal(pki_cpe_parse(big, &c, buf, sizeof buf), PK_E_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_purl_suite),  cmocka_unit_test(test_purl_build),
        cmocka_unit_test(test_purl_bounds), cmocka_unit_test(test_cpe_build),
        cmocka_unit_test(test_cpe_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
