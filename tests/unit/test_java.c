/* The java analyzer: MANIFEST.MF main sections (continuations, the identity
 * guess), pom.properties, the jar-filename rule, hostile input, and a real war
 * holding real jars built at test time (javac/jar, else zip) scanned end to
 * end through the library to check nested vpaths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "walk/harness_int.h"
#include "walk/scan_int.h"

extern const pk_analyzer pki_analyzer_java;

static pki_frec g_rec;

static size_t run(const char *text, size_t n, const char *vpath)
{
    pki_frec_fini(&g_rec);
    assert_int_equal(pki_frec_init(&g_rec), PK_OK);
    pk_bytes b = {(const uint8_t *)text, n};
    assert_int_equal(pki_harness_run(&pki_analyzer_java, b, vpath, &g_rec), PK_OK);
    return json_array_size(g_rec.components);
}

static size_t runs(const char *text, const char *vpath)
{
    return run(text, strlen(text), vpath);
}

static const char *s(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *attr(const json_t *c, const char *k)
{
    return s(json_object_get(c, "attrs"), k);
}

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const json_t *find(const char *ns, const char *name, const char *version)
{
    size_t i;
    const json_t *c;
    json_array_foreach(g_rec.components, i, c)
    {
        if (eq(s(c, "ns"), ns) && eq(s(c, "name"), name) && eq(s(c, "version"), version))
            return c;
    }
    fail_msg("no component %s/%s@%s", ns ? ns : "", name, version ? version : "-");
    return NULL;
}

static int has_str(const json_t *c, const char *key, const char *val)
{
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(c, key), i, d)
    {
        if (eq(json_string_value(d), val))
            return 1;
    }
    return 0;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int r = system(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)sz + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *n = (size_t)sz;
    return p;
}

static void manifest(void **st)
{
    (void)st;
    /* continuation lines, CRLF, no final newline, Bundle-SymbolicName parameters */
    const char *mf = "Manifest-Version: 1.0\r\n"
                     "Bundle-SymbolicName: org.apache.commons.lang3;singleton:=tr\r\n"
                     " ue\r\n"
                     "Implementation-Title: Apache Commons La\r\n"
                     " ng\r\n"
                     "Implementation-Version: 3.12.0\r\n"
                     "Implementation-Vendor: The Apache Software Foundation\r\n"
                     "Bundle-Version: 3.12.0\r\n"
                     "Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt\r\n"
                     "\r\n"
                     "Name: org/apache/commons/lang3/\r\n"
                     "Implementation-Title: not-the-main-section";
    assert_int_equal(runs(mf, "r.tar!/opt/lib/commons-lang3-3.12.0.jar!/META-INF/MANIFEST.MF"), 1);
    const json_t *c = find("org.apache.commons", "commons-lang3", "3.12.0");
    assert_string_equal(s(c, "type"), "maven");
    assert_string_equal(s(c, "rule"), "jar-manifest");
    assert_int_equal(json_integer_value(json_object_get(c, "confidence")), 60);
    assert_string_equal(s(c, "scope"), "r.tar!/opt/lib/commons-lang3-3.12.0.jar!/");
    assert_string_equal(attr(c, "supplier"), "The Apache Software Foundation");
    assert_string_equal(attr(c, "license"), "https://www.apache.org/licenses/LICENSE-2.0.txt");
    assert_string_equal(attr(c, "jar"), "r.tar!/opt/lib/commons-lang3-3.12.0.jar");
    assert_true(has_str(c, "owns", "r.tar!/opt/lib/commons-lang3-3.12.0.jar!/"));

    /* the file name disagrees: the symbolic name, no group guess */
    assert_int_equal(runs(mf, "lib/lang.jar!/META-INF/MANIFEST.MF"), 1);
    c = find(NULL, "org.apache.commons.lang3", "3.12.0");

    /* Implementation-Title without spaces, Implementation-Vendor-Id as group; LF only */
    assert_int_equal(runs("Implementation-Title: guava\nImplementation-Version: 31.1-jre\n"
                          "Implementation-Vendor-Id: com.google.guava\n"
                          "Specification-Vendor: Google\n",
                          "app.war!/WEB-INF/lib/g.jar!/META-INF/MANIFEST.MF"),
                     1);
    c = find("com.google.guava", "guava", "31.1-jre");
    assert_string_equal(attr(c, "supplier"), "Google");
    assert_string_equal(s(c, "scope"), "app.war!/WEB-INF/lib/g.jar!/");

    /* Automatic-Module-Name, then Specification-Title, with Specification-Version */
    assert_int_equal(runs("Automatic-Module-Name: org.slf4j\nSpecification-Version: 2.0\n",
                          "x.ear!/META-INF/MANIFEST.MF"),
                     1);
    find(NULL, "org.slf4j", "2.0");
    /* nothing that names it: no component */
    assert_int_equal(
        runs("Manifest-Version: 1.0\nCreated-By: 17 (Debian)\n", "x.jar!/META-INF/MANIFEST.MF"), 0);
    /* not a Java archive, or not the archive's manifest */
    assert_int_equal(runs(mf, "x.zip!/META-INF/MANIFEST.MF"), 0);
    assert_int_equal(runs(mf, "x.jar!/sub/META-INF/MANIFEST.MF"), 0);
    assert_int_equal(runs(mf, "META-INF/MANIFEST.MF"), 0);
}

static void pom_properties(void **st)
{
    (void)st;
    const char *pp = "#Generated by Maven\n#Tue Jan 01 00:00:00 UTC 2024\n"
                     "version=2.15.2\r\n  groupId = com.fasterxml.jackson.core\n"
                     "! comment\nartifactId: jackson-databind\n";
    const char *vp = "a.war!/WEB-INF/lib/jackson-databind-2.15.2.jar!/META-INF/maven/"
                     "com.fasterxml.jackson.core/jackson-databind/pom.properties";
    assert_int_equal(runs(pp, vp), 1);
    const json_t *c = find("com.fasterxml.jackson.core", "jackson-databind", "2.15.2");
    assert_string_equal(s(c, "rule"), "pom-properties");
    assert_int_equal(json_integer_value(json_object_get(c, "confidence")), 90);
    assert_string_equal(s(c, "scope"), "a.war!/WEB-INF/lib/jackson-databind-2.15.2.jar!/");
    assert_string_equal(attr(c, "jar"), "a.war!/WEB-INF/lib/jackson-databind-2.15.2.jar");
    /* elsewhere: no */
    assert_int_equal(runs(pp, "x.jar!/META-INF/maven/g/pom.properties"), 0);
    assert_int_equal(runs(pp, "x.jar!/META-INF/maven/g/a/b/pom.properties"), 0);
    assert_int_equal(runs(pp, "META-INF/maven/g/a/pom.properties"), 0);
    assert_int_equal(runs("groupId=g\nversion=1\n", "x.jar!/META-INF/maven/g/a/pom.properties"),
                     0); /* no artifactId */
}

static void hostile(void **st)
{
    (void)st;
    const char *bad[] = {"",
                         "\n",
                         ":",
                         " continuation first\n",
                         "Implementation-Title:",
                         "Implementation-Title: \n",
                         "Bundle-SymbolicName: ;x\n",
                         "Bundle-SymbolicName: .\nImplementation-Version: 1\n",
                         "artifactId=",
                         "artifactId"};
    const char *paths[] = {"x-1.jar!/META-INF/MANIFEST.MF",
                           "x.jar!/META-INF/maven/g/a/pom.properties", "x-1.0.jar"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (size_t p = 0; p < 3; p++)
            run(bad[i], strlen(bad[i]), paths[p]);

    /* a 4 MiB continuation chain and 10^6 lines: cut and bounded */
    size_t n = 4u << 20;
    char *m = malloc(n);
    assert_non_null(m);
    size_t o = (size_t)snprintf(m, n, "Implementation-Title: a\n");
    while (o + 8 < n) {
        memcpy(m + o, " bcdefg\n", 8);
        o += 8;
    }
    assert_int_equal(run(m, o, "x.jar!/META-INF/MANIFEST.MF"), 1);
    assert_int_equal(strlen(s(json_array_get(g_rec.components, 0), "name")), 511);
    o = 0;
    while (o + 12 < n) {
        memcpy(m + o, "X-Header: 1\n", 12);
        o += 12;
    }
    assert_int_equal(run(m, o, "x.jar!/META-INF/MANIFEST.MF"), 0);
    free(m);

    /* zips with lying directories: the file-name rule still works, no crash */
    static uint8_t z[200];
    memset(z, 0, sizeof z);
    memcpy(z, "PK\3\4", 4);
    uint8_t *e = z + sizeof z - 22;
    memcpy(e, "PK\5\6", 4);
    e[10] = 0xff; /* 65535 entries */
    e[11] = 0xff;
    e[16] = 0xf0; /* central directory far outside */
    e[19] = 0x7f;
    assert_int_equal(run((const char *)z, sizeof z, "lib/evil-1.0.jar"), 1);
    e[16] = 4; /* inside, but garbage */
    e[19] = 0;
    assert_int_equal(run((const char *)z, sizeof z, "lib/evil-1.0.jar"), 1);
    find(NULL, "evil", "1.0");
}

/* A war with two jars built by the JDK (or zip): one with pom.properties and
 * a manifest, one bare; scanned whole, as the CLI does. */
static void real_war(void **st)
{
    (void)st;
    int have_jdk = sh("command -v javac >/dev/null 2>&1 && command -v jar >/dev/null 2>&1") == 0;
    int have_zip = sh("command -v zip >/dev/null 2>&1") == 0;
    if (!have_jdk && !have_zip)
        skip();
    char dir[] = "/tmp/pk_java_XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(
        sh("cd %s && mkdir -p src/com/example classes/META-INF/maven/com.example/demo bare "
           "war/WEB-INF/lib && "
           "printf 'package com.example;\\npublic class Demo {}\\n' > src/com/example/Demo.java && "
           "printf 'Implementation-Title: demo\\nImplementation-Version: 1.0.0\\n"
           "Implementation-Vendor: Example Corp\\nImplementation-Vendor-Id: com.example\\n' > mf "
           "&& "
           "printf 'groupId=com.example\\nartifactId=demo\\nversion=1.0.0\\n' "
           "> classes/META-INF/maven/com.example/demo/pom.properties && "
           "printf 'x' > bare/data.txt",
           dir),
        0);
    if (have_jdk) {
        assert_int_equal(sh("cd %s && javac -d classes src/com/example/Demo.java && "
                            "jar cfm war/WEB-INF/lib/demo-1.0.0.jar mf -C classes . && "
                            "jar cf war/WEB-INF/lib/plain-2.1.jar -C bare . && "
                            "jar cf app.war -C war .",
                            dir),
                         0);
    } else {
        assert_int_equal(
            sh("cd %s && mkdir -p classes/META-INF && "
               "printf 'Manifest-Version: 1.0\\n' | cat - mf > classes/META-INF/MANIFEST.MF && "
               "(cd classes && zip -qr ../war/WEB-INF/lib/demo-1.0.0.jar .) && "
               "(cd bare && zip -q ../war/WEB-INF/lib/plain-2.1.jar data.txt) && "
               "(cd war && zip -qr ../app.war .)",
               dir),
            0);
    }
    /* the bare jar alone, through the harness: the file-name rule */
    char path[512];
    snprintf(path, sizeof path, "%s/war/WEB-INF/lib/plain-2.1.jar", dir);
    size_t n;
    uint8_t *b = slurp(path, &n);
    assert_int_equal(run((const char *)b, n, "lib/plain-2.1.jar"), 1);
    const json_t *c = find(NULL, "plain", "2.1");
    assert_string_equal(s(c, "rule"), "jar-filename");
    assert_string_equal(s(c, "method"), "filename");
    assert_true(json_is_true(json_object_get(c, "self")));
    free(b);
    /* the jar with a pom: no file-name component */
    snprintf(path, sizeof path, "%s/war/WEB-INF/lib/demo-1.0.0.jar", dir);
    b = slurp(path, &n);
    assert_int_equal(run((const char *)b, n, "lib/demo-1.0.0.jar"), 0);
    free(b);

    /* the whole war */
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    pk_scan *sc = NULL;
    assert_int_equal(pk_scan_new(&o, &sc), PK_OK);
    snprintf(path, sizeof path, "%s/app.war", dir);
    assert_int_equal(pk_scan_add_path(sc, path), PK_OK);
    assert_int_equal(pk_scan_run(sc), PK_OK);
    size_t i;
    const json_t *x;
    int pom = 0, man = 0, fname = 0;
    json_array_foreach(sc->components, i, x)
    {
        if (!eq(s(x, "analyzer"), "java"))
            continue;
        const char *vp = s(x, "vpath"), *scope = s(x, "scope"), *rule = s(x, "rule");
        if (eq(rule, "pom-properties")) {
            pom++;
            assert_string_equal(s(x, "ns"), "com.example");
            assert_string_equal(s(x, "name"), "demo");
            assert_string_equal(s(x, "version"), "1.0.0");
            assert_non_null(strstr(vp, "app.war!/WEB-INF/lib/demo-1.0.0.jar!/META-INF/maven/"
                                       "com.example/demo/pom.properties"));
            assert_non_null(strstr(scope, "app.war!/WEB-INF/lib/demo-1.0.0.jar!/"));
            assert_non_null(strstr(attr(x, "jar"), "app.war!/WEB-INF/lib/demo-1.0.0.jar"));
        } else if (eq(rule, "jar-manifest")) {
            man++;
            assert_string_equal(s(x, "ns"), "com.example");
            assert_string_equal(s(x, "name"), "demo");
            assert_string_equal(s(x, "version"), "1.0.0");
            assert_string_equal(attr(x, "supplier"), "Example Corp");
            assert_string_equal(scope,
                                json_string_value(json_array_get(json_object_get(x, "owns"), 0)));
        } else if (eq(rule, "jar-filename")) {
            fname++;
            assert_string_equal(s(x, "name"), "plain");
            assert_string_equal(s(x, "version"), "2.1");
            assert_non_null(strstr(vp, "app.war!/WEB-INF/lib/plain-2.1.jar"));
        } else {
            fail_msg("unexpected rule %s", rule);
        }
    }
    assert_int_equal(pom, 1);
    assert_int_equal(man, 1);
    assert_int_equal(fname, 1);
    pk_scan_free(sc);

    /* and through the CLI: both purls, the nested evidence locations */
    const char *cli = getenv("PK_CLI");
    if (cli && *cli) {
        assert_int_equal(sh("cd %s && '%s' sbom app.war > sbom.json", dir, cli), 0);
        assert_int_equal(sh("grep -q '\"pkg:maven/com.example/demo@1.0.0\"' %s/sbom.json", dir), 0);
        assert_int_equal(sh("grep -q '\"pkg:maven/plain@2.1\"' %s/sbom.json", dir), 0);
        assert_int_equal(sh("grep -q 'app.war!/WEB-INF/lib/demo-1.0.0.jar!/META-INF/maven/"
                            "com.example/demo/pom.properties' %s/sbom.json",
                            dir),
                         0);
    }
    assert_int_equal(sh("rm -rf %s", dir), 0);
}

int main(void)
{
    pki_frec_init(&g_rec);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest),
        cmocka_unit_test(pom_properties),
        cmocka_unit_test(hostile),
        cmocka_unit_test(real_war),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    pki_frec_fini(&g_rec);
    return r;
}
