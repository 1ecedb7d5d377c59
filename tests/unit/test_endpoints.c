/* The endpoints analyzer (lib/analyzers/endpoints/): text fixtures (a config
 * file, a plist, a JavaScript bundle line longer than the strings analyzer
 * keeps) and a C program compiled at test time that carries URLs in ASCII and
 * UTF-16LE (u"" literals), an IP, an e-mail address, a telemetry host, an
 * update URL over HTTP and a dynamic-DNS host. Each fact entry is checked
 * (kind, host, offset, utf16, classes, cctld_country), each finding by rule
 * and offset, and the negatives stay out (libc.so.6, java.lang.String,
 * versions, w3.org namespaces as documentation without a finding). The
 * strings analyzer runs first on the same record, as in a scan. Tracker SDK
 * signatures come from a knowledge base imported at test time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "analyzers/endpoints/endpoints_int.h"
#include "walk/harness_int.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_strings;
extern const pk_analyzer pki_analyzer_endpoints;

static void run(const void *d, size_t n, const char *vpath, pki_frec *r)
{
    assert_int_equal(pki_frec_init(r), PK_OK);
    pk_bytes b = {(const uint8_t *)d, n};
    assert_int_equal(pki_harness_run(&pki_analyzer_strings, b, vpath, r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_endpoints, b, vpath, r), PK_OK);
}

static const json_t *list_of(const pki_frec *r)
{
    const json_t *ep = json_object_get(r->facts, "endpoints");
    assert_non_null(ep);
    const json_t *l = json_object_get(ep, "list");
    assert_true(json_is_array(l));
    return l;
}

static const json_t *entry(const pki_frec *r, const char *value)
{
    const json_t *l = list_of(r);
    size_t i;
    const json_t *e;
    json_array_foreach(l, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "value")), value) == 0)
            return e;
    }
    return NULL;
}

static const char *classes_of(const json_t *e, char *buf, size_t cap)
{
    buf[0] = 0;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(e, "classes"), i, c)
    {
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s", l ? "," : "", json_string_value(c));
    }
    return buf;
}

/* The entry for `value` must exist with these fields; cc NULL: no
 * cctld_country. */
static void expect(const pki_frec *r, const char *value, const char *kind, const char *host,
                   uint64_t off, int utf16, const char *classes, const char *cc)
{
    const json_t *e = entry(r, value);
    if (!e)
        fail_msg("no entry %s", value);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), kind);
    assert_string_equal(json_string_value(json_object_get(e, "host")), host);
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), off);
    assert_int_equal(json_is_true(json_object_get(e, "utf16")), utf16);
    char buf[256];
    assert_string_equal(classes_of(e, buf, sizeof buf), classes);
    const json_t *c = json_object_get(e, "cctld_country");
    if (cc)
        assert_string_equal(json_string_value(c), cc);
    else
        assert_null(c);
}

static size_t nfind(const pki_frec *r, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfind; i++)
        n += strcmp(r->findings[i].rule_id, rule) == 0;
    return n;
}

static void expect_finding(const pki_frec *r, const char *rule, uint64_t off, const char *ev)
{
    for (size_t i = 0; i < r->nfind; i++) {
        const pk_finding *f = &r->findings[i];
        if (strcmp(f->rule_id, rule) != 0 || f->loc.offset != off)
            continue;
        assert_int_equal(f->evidence.len, strlen(ev));
        assert_memory_equal(f->evidence.ptr, ev, strlen(ev));
        return;
    }
    fail_msg("no %s at %llu", rule, (unsigned long long)off);
}

static uint64_t off_of(const char *text, const char *s)
{
    const char *p = strstr(text, s);
    assert_non_null(p);
    return (uint64_t)(p - text);
}

static const char CONF[] =
    "# acme agent\n"
    "server=myhome.duckdns.org\n"
    "upload=https://mybucket.s3.amazonaws.com/x/y.bin\n"
    "log: see https://pastebin.com/raw/abc123.\n"
    "contact admin@acme.co.uk, ns http://www.w3.org/2000/svg\n"
    "dns 8.8.4.4 gw 192.168.1.1 doc 2001:db8::1 v6 2a00:1450:4001:82a::200e\n"
    "mirror ftp://ftp.acme.ru/pub/file.tar.gz admin telnet://10.0.0.1:23\n"
    "collector https://vortex.data.microsoft.com/collect/v1\n"
    "hosts www.example.com api.acme-soft.com.cn\n"
    "not hosts: libc.so.6 java.lang.String org.apache.commons.io version 1.2.3 1.2.3.4.5\n"
    "v1.2.3.4 setup.py Makefile.in configure.in foo.so x.h user.name multi-user.target\n"
    "oids 2.5.29.15 6.3.2.3 template http://%s:%d/ http://localhost:8080/x\n";

static void test_config(void **st)
{
    (void)st;
    pki_frec r;
    run(CONF, sizeof CONF - 1, "etc/agent.conf", &r);
    const char *t = CONF;
    expect(&r, "myhome.duckdns.org", "host", "myhome.duckdns.org", off_of(t, "myhome."), 0, "ddns",
           NULL);
    expect(&r, "https://mybucket.s3.amazonaws.com/x/y.bin", "url", "mybucket.s3.amazonaws.com",
           off_of(t, "https://mybucket"), 0, "cloud-storage", NULL);
    expect(&r, "https://pastebin.com/raw/abc123", "url", "pastebin.com", off_of(t, "https://paste"),
           0, "paste", NULL);
    expect(&r, "admin@acme.co.uk", "email", "acme.co.uk", off_of(t, "admin@"), 0, "", "GB");
    expect(&r, "http://www.w3.org/2000/svg", "url", "www.w3.org", off_of(t, "http://www.w3"), 0,
           "documentation", NULL);
    expect(&r, "8.8.4.4", "ipv4", "8.8.4.4", off_of(t, "8.8.4.4"), 0, "raw-ip", NULL);
    expect(&r, "192.168.1.1", "ipv4", "192.168.1.1", off_of(t, "192.168"), 0, "private", NULL);
    expect(&r, "2001:db8::1", "ipv6", "2001:db8::1", off_of(t, "2001:db8"), 0, "documentation",
           NULL);
    expect(&r, "2a00:1450:4001:82a::200e", "ipv6", "2a00:1450:4001:82a::200e", off_of(t, "2a00"), 0,
           "raw-ip", NULL);
    expect(&r, "ftp://ftp.acme.ru/pub/file.tar.gz", "url", "ftp.acme.ru", off_of(t, "ftp://"), 0,
           "plaintext", "RU");
    expect(&r, "telnet://10.0.0.1:23", "url", "10.0.0.1", off_of(t, "telnet://"), 0, "private",
           NULL);
    expect(&r, "https://vortex.data.microsoft.com/collect/v1", "url", "vortex.data.microsoft.com",
           off_of(t, "https://vortex"), 0, "telemetry", NULL);
    expect(&r, "www.example.com", "host", "www.example.com", off_of(t, "www.example"), 0,
           "documentation", NULL);
    expect(&r, "api.acme-soft.com.cn", "host", "api.acme-soft.com.cn", off_of(t, "api.acme"), 0, "",
           "CN");
    expect(&r, "http://localhost:8080/x", "url", "localhost", off_of(t, "http://localhost"), 0,
           "local", NULL);
    const json_t *e = entry(&r, "telnet://10.0.0.1:23");
    assert_int_equal(json_integer_value(json_object_get(e, "port")), 23);
    e = entry(&r, "api.acme-soft.com.cn");
    assert_string_equal(json_string_value(json_object_get(e, "domain")), "acme-soft.com.cn");
    assert_string_equal(json_string_value(json_object_get(e, "tld")), "cn");
    e = entry(&r, "https://vortex.data.microsoft.com/collect/v1");
    assert_string_equal(json_string_value(json_object_get(e, "reason")),
                        "telemetry: nextdns native-tracking windows");
    /* exactly these 15 entries: no library, package, version, OID, template */
    assert_int_equal(json_array_size(list_of(&r)), 15);
    /* findings: a text file gets no raw-IP or plaintext finding (code only) */
    expect_finding(&r, "PK-END-0005", off_of(t, "myhome."), "myhome.duckdns.org");
    expect_finding(&r, "PK-END-0007", off_of(t, "https://mybucket"),
                   "https://mybucket.s3.amazonaws.com/x/y.bin");
    expect_finding(&r, "PK-END-0006", off_of(t, "https://paste"),
                   "https://pastebin.com/raw/abc123");
    expect_finding(&r, "PK-END-0001", off_of(t, "https://vortex"),
                   "https://vortex.data.microsoft.com/collect/v1");
    assert_int_equal(r.nfind, 4);
    assert_int_equal(nfind(&r, "PK-END-0004") + nfind(&r, "PK-END-0008"), 0);
    pki_frec_fini(&r);
}

static const char PLIST[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                            "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                            "<plist version=\"1.0\">\n<dict>\n"
                            "\t<key>SUFeedURL</key>\n"
                            "\t<string>http://www.acme.de/app/feed.xml</string>\n"
                            "\t<key>Other</key>\n"
                            "\t<string>https://www.acme.de/help/</string>\n"
                            "</dict>\n</plist>\n";

static void test_plist(void **st)
{
    (void)st;
    pki_frec r;
    run(PLIST, sizeof PLIST - 1, "App.app/Contents/Info.plist", &r);
    expect(&r, "http://www.apple.com/DTDs/PropertyList-1.0.dtd", "url", "www.apple.com",
           off_of(PLIST, "http://www.apple"), 0, "documentation", NULL);
    expect(&r, "http://www.acme.de/app/feed.xml", "url", "www.acme.de",
           off_of(PLIST, "http://www.acme"), 0, "update,plaintext", "DE");
    /* the key two strings back does not make the next URL an update feed */
    expect(&r, "https://www.acme.de/help/", "url", "www.acme.de", off_of(PLIST, "https://www.acme"),
           0, "", "DE");
    expect_finding(&r, "PK-END-0003", off_of(PLIST, "http://www.acme"),
                   "http://www.acme.de/app/feed.xml");
    assert_int_equal(r.nfind, 1);
    pki_frec_fini(&r);
}

/* A minified bundle: one line of 9000 characters whose first URL lies
 * before the 4096 characters the strings analyzer keeps. */
static void test_js_bundle(void **st)
{
    (void)st;
    size_t n = 9000;
    char *js = malloc(n + 2);
    assert_non_null(js);
    memset(js, 'a', n);
    static const char head[] = "!function(){var e=\"https://app-measurement.com/a\";";
    static const char tail[] = "x.src=\"http://updates.acme-soft.com/app/latest.yml\"}";
    memcpy(js, head, sizeof head - 1);
    memcpy(js + n - (sizeof tail - 1), tail, sizeof tail - 1);
    js[n] = '\n';
    js[n + 1] = 0;
    pki_frec r;
    run(js, n + 1, "app/bundle.js", &r);
    expect(&r, "https://app-measurement.com/a", "url", "app-measurement.com",
           off_of(js, "https://app-"), 0, "telemetry", NULL);
    expect(&r, "http://updates.acme-soft.com/app/latest.yml", "url", "updates.acme-soft.com",
           off_of(js, "http://updates"), 0, "update,plaintext", NULL);
    expect_finding(&r, "PK-END-0001", off_of(js, "https://app-"), "https://app-measurement.com/a");
    expect_finding(&r, "PK-END-0003", off_of(js, "http://updates"),
                   "http://updates.acme-soft.com/app/latest.yml");
    assert_int_equal(json_array_size(list_of(&r)), 2);
    pki_frec_fini(&r);
    free(js);
}

/* The needle's offset in the compiled program; for UTF-16, of its UTF-16LE
 * form. */
static uint64_t bin_off(const uint8_t *b, size_t n, const char *s, int utf16)
{
    size_t l = strlen(s), bl = utf16 ? 2 * l : l;
    uint8_t pat[512];
    assert_true(bl <= sizeof pat);
    for (size_t i = 0; i < l; i++) {
        if (utf16) {
            pat[2 * i] = (uint8_t)s[i];
            pat[2 * i + 1] = 0;
        } else {
            pat[i] = (uint8_t)s[i];
        }
    }
    const uint8_t *p = memmem(b, n, pat, bl);
    if (!p)
        fail_msg("%s not in the program", s);
    return (uint64_t)(p - b);
}

static void test_program(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-endp-XXXXXX"), 0);
    fx_put("t.c",
           "#include <stdio.h>\n#include <uchar.h>\n"
           "static const char *a[] = {\"https://api.acme-soft.cn/v2/report?id=1\",\n"
           "  \"c2.no-ip.biz\", \"45.33.32.156\", \"support@acme-soft.de\",\n"
           "  \"settings-win.data.microsoft.com\", \"http://update.acme-soft.com/check\",\n"
           "  \"libc.so.6\", \"java.lang.String\", \"1.2.3\", \"http://www.w3.org/1999/xhtml\"};\n"
           "static const char16_t w[] = u\"https://telemetry.acme-soft.jp/v1/u16\";\n"
           "int main(int c, char **v){ (void)v; puts(a[c % 10]);\n"
           "  return (int)w[c % 8]; }\n");
    assert_int_equal(fx_sh("cc -O0 -o t t.c"), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/t", fx_dir);
    size_t n;
    uint8_t *b = fx_read(path, &n);
    assert_non_null(b);
    pki_frec r;
    run(b, n, "usr/bin/t", &r);
    expect(&r, "https://api.acme-soft.cn/v2/report?id=1", "url", "api.acme-soft.cn",
           bin_off(b, n, "https://api.acme", 0), 0, "", "CN");
    expect(&r, "c2.no-ip.biz", "host", "c2.no-ip.biz", bin_off(b, n, "c2.no-ip", 0), 0, "ddns",
           NULL);
    expect(&r, "45.33.32.156", "ipv4", "45.33.32.156", bin_off(b, n, "45.33", 0), 0, "raw-ip",
           NULL);
    expect(&r, "support@acme-soft.de", "email", "acme-soft.de", bin_off(b, n, "support@", 0), 0, "",
           "DE");
    expect(&r, "settings-win.data.microsoft.com", "host", "settings-win.data.microsoft.com",
           bin_off(b, n, "settings-win", 0), 0, "telemetry", NULL);
    expect(&r, "http://update.acme-soft.com/check", "url", "update.acme-soft.com",
           bin_off(b, n, "http://update.", 0), 0, "update,plaintext", NULL);
    expect(&r, "http://www.w3.org/1999/xhtml", "url", "www.w3.org",
           bin_off(b, n, "http://www.w3", 0), 0, "documentation", NULL);
    expect(&r, "https://telemetry.acme-soft.jp/v1/u16", "url", "telemetry.acme-soft.jp",
           bin_off(b, n, "https://telemetry", 1), 1, "", "JP");
    assert_null(entry(&r, "libc.so.6"));
    assert_null(entry(&r, "java.lang.String"));
    assert_null(entry(&r, "1.2.3"));
    /* an ELF executable: the raw IP and the update URL over HTTP are findings;
     * the documentation URL is not */
    expect_finding(&r, "PK-END-0004", bin_off(b, n, "45.33", 0), "45.33.32.156");
    expect_finding(&r, "PK-END-0005", bin_off(b, n, "c2.no-ip", 0), "c2.no-ip.biz");
    expect_finding(&r, "PK-END-0001", bin_off(b, n, "settings-win", 0),
                   "settings-win.data.microsoft.com");
    expect_finding(&r, "PK-END-0003", bin_off(b, n, "http://update.", 0),
                   "http://update.acme-soft.com/check");
    for (size_t i = 0; i < r.nfind; i++)
        assert_true(r.findings[i].loc.offset != bin_off(b, n, "http://www.w3", 0));
    /* the UTF-16 finding's range covers the UTF-16 bytes */
    assert_int_equal(nfind(&r, "PK-END-0008"), 0);
    assert_int_equal(r.nfind, 4);
    pki_frec_fini(&r);
    free(b);
    assert_int_equal(fx_remove(), 0);
}

/* The per-file cap: 1200 distinct hosts keep 1000 entries, 200 truncated. */
static void test_cap(void **st)
{
    (void)st;
    size_t cap = 1200 * 32;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t n = 0;
    for (int i = 0; i < 1200; i++)
        n += (size_t)snprintf(t + n, cap - n, "www.h%d.example.de\n", i);
    pki_frec r;
    run(t, n, "hosts.txt", &r);
    assert_int_equal(json_array_size(list_of(&r)), 1000);
    const json_t *ep = json_object_get(r.facts, "endpoints");
    assert_int_equal(json_integer_value(json_object_get(ep, "truncated")), 200);
    pki_frec_fini(&r);
    free(t);
}

/* Hostile bytes: no crash, and a file without endpoints has no facts. */
static void test_quiet(void **st)
{
    (void)st;
    static const char t[] = "::::::: http:// https://[ https://[zz]/ ftp://a@@@:99999999 @@@.com "
                            "a.b.c.d.e.f 999.1.1.1 1.2.3.4.5.6 ::ffff:zz http://-a-.com/ x@.de\n";
    pki_frec r;
    run(t, sizeof t - 1, "junk.txt", &r);
    assert_int_equal(r.nfind, 0);
    const json_t *ep = json_object_get(r.facts, "endpoints");
    assert_null(ep);
    pki_frec_fini(&r);
}

/* Tracker SDKs: a knowledge base made at test time from the Exodus list in
 * shared/ (parakh db import, the geo part's importer), given as
 * endpoints.db; a class descriptor ('/' form) and a dotted package name in a
 * file are reported with name, form, offset, and PK-END-0002. A knowledge
 * base that cannot be opened stops the scan with the reason. */
static void test_sdk(void **st)
{
    (void)st;
    const char *cli = getenv("PK_CLI"), *shared = getenv("PK_SHARED");
    if (!cli || !shared)
        skip();
    assert_int_equal(fx_mkdtemp("/tmp/pk-endp-XXXXXX"), 0);
    assert_int_equal(
        fx_sh("'%s' db import --db kb.db '%s/trackers/exodus-trackers.json'", cli, shared), 0);
    static const char body[] =
        "x\nLcom/facebook/ads/AdView;\ncom.google.firebase.analytics.FirebaseAnalytics\n";
    fx_put("app.smali", body);
    char opt[160], in[160];
    snprintf(opt, sizeof opt, "endpoints.db=%s/kb.db", fx_dir);
    snprintf(in, sizeof in, "%s/app.smali", fx_dir);
    const char *opts[] = {opt};
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    o.options = opts;
    o.noptions = 1;
    pk_scan *s = NULL;
    assert_int_equal(pk_scan_new(&o, &s), PK_OK);
    assert_int_equal(pk_scan_add_path(s, in), PK_OK);
    assert_int_equal(pk_scan_run(s), PK_OK);
    const pk_finding *f = NULL;
    size_t n = pk_scan_findings(s, &f), seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f[i].rule_id, "PK-END-0002") != 0)
            continue;
        seen++;
        if (f[i].loc.offset == 3) {
            assert_int_equal(f[i].loc.length, strlen("com/facebook/ads"));
            assert_memory_equal(f[i].evidence.ptr, "com/facebook/ads", f[i].evidence.len);
            assert_non_null(strstr(f[i].message, "Facebook Ads"));
        } else {
            assert_int_equal(f[i].loc.offset,
                             off_of(body, "com.google.firebase.analytics.Firebase"));
            assert_non_null(strstr(f[i].message, "Firebase Analytics"));
        }
    }
    assert_int_equal(seen, 2);
    pk_scan_free(s);
    /* a knowledge base that is not there */
    snprintf(opt, sizeof opt, "endpoints.db=%s/none.db", fx_dir);
    assert_int_equal(pk_scan_new(&o, &s), PK_OK);
    assert_int_equal(pk_scan_add_path(s, in), PK_OK);
    assert_int_equal(pk_scan_run(s), PK_E_USAGE);
    assert_non_null(strstr(pk_scan_errmsg(s), "endpoints: cannot open the knowledge base"));
    pk_scan_free(s);
    assert_int_equal(fx_remove(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),    cmocka_unit_test(test_plist),
        cmocka_unit_test(test_js_bundle), cmocka_unit_test(test_program),
        cmocka_unit_test(test_cap),       cmocka_unit_test(test_quiet),
        cmocka_unit_test(test_sdk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
