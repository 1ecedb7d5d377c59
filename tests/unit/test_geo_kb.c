/* The endpoint knowledge base and lookups: IP ranges from the text and
 * integer CSV forms and from .mmdb files written at test time by mkmmdb.pl
 * (IPv4 and IPv6 trees; v6 with MaxMind's IPv4 aliases), exact lookups at
 * range boundaries and just outside them, feed replacement on re-import,
 * corrupt files refused with the database unchanged; the real tracker lists
 * ($PK_SHARED/trackers) with exact owners, countries, categories and SDK
 * signatures; bundles carry the rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdb_test.h"

static void cc_is(pk_vulndb *db, const char *ip, const char *want)
{
    char cc[3] = "?";
    pk_status st = pk_geo_ip_country(db, ip, cc);
    if (st != PK_OK || strcmp(cc, want) != 0)
        fail_msg("%s: status %d country '%s', wanted '%s'", ip, (int)st, cc, want);
}

static void test_csv(void **state)
{
    (void)state;
    pk_vulndb *db = db_new("csv.db");
    pk_import_stats st;
    put_ok(db, "dbip.csv",
           "1.0.0.0,1.0.0.255,AU\n"
           "\"1.0.1.0\",\"1.0.3.255\",\"CN\"\n"
           "9.9.9.0,9.9.9.255,ZZ\n"
           "2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP\n",
           &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.skipped, 1);
    cc_is(db, "1.0.0.0", "AU");
    cc_is(db, "1.0.0.255", "AU");
    cc_is(db, "1.0.1.0", "CN");
    cc_is(db, "1.0.3.255", "CN");
    cc_is(db, "1.0.4.0", "");
    cc_is(db, "0.255.255.255", "");
    cc_is(db, "9.9.9.9", ""); /* ZZ: skipped */
    cc_is(db, "::ffff:1.0.2.7", "CN");
    cc_is(db, "2001:200::", "JP");
    cc_is(db, "2001:200:ffff:ffff:ffff:ffff:ffff:ffff", "JP");
    cc_is(db, "2001:201::", "");
    cc_is(db, "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "");
    char cc[3];
    assert_int_equal(pk_geo_ip_country(db, "not-an-ip", cc), PK_E_USAGE);
    char feed[32];
    assert_int_equal(pk_geo_ip_lookup(db, "1.0.0.1", cc, feed, sizeof feed), PK_OK);
    assert_string_equal(feed, "ip-country-csv");

    /* IP2Location LITE DB1, both files: integers, IPv4 mapped */
    put_ok(db, "ip2l4.csv",
           "\"0\",\"16777215\",\"-\",\"-\"\n"
           "\"16777216\",\"16777471\",\"US\",\"United States of America\"\n"
           "\"134744064\",\"134744319\",\"US\",\"United States of America\"\n",
           &st);
    assert_int_equal(st.records, 2);
    cc_is(db, "8.8.8.8", "US");  /* only in the integer feed */
    cc_is(db, "1.0.0.77", "AU"); /* the text feed is asked first */
    /* IP2Location's IPv6 file holds the IPv4 ranges too (mapped): it
     * replaces the feed's IPv4 rows */
    put_ok(db, "ip2l6.csv",
           "\"281470698520576\",\"281470698520831\",\"US\",\"United States of America\"\n"
           "\"58569107296622255421594597096899477504\","
           "\"58569107296622255421594597096899477535\",\"DE\",\"Germany\"\n",
           &st);
    cc_is(db, "8.8.8.8", "");
    cc_is(db, "::ffff:1.0.0.1", "AU");
    cc_is(db, "2c0f:ffd8::1", ""); /* not in any */
    /* 58569107296622255421594597096899477504 = 2c0f:fff0:: */
    cc_is(db, "2c0f:fff0::1f", "DE");
    cc_is(db, "2c0f:fff0::20", "");

    /* re-import of the text feed replaces its IPv4 rows only */
    put_ok(db, "dbip2.csv", "1.0.0.0,1.0.0.255,NZ\n", &st);
    cc_is(db, "1.0.0.1", "NZ");
    cc_is(db, "1.0.1.1", "");       /* gone with the old file */
    cc_is(db, "2001:200::1", "JP"); /* IPv6 rows stay */
    assert_int_equal(q_int(db, "SELECT count(*) FROM iprange WHERE feed = 'ip-country-csv'"), 2);

    /* corrupt files: one precise error, nothing changed */
    put_bad(db, "bad1.csv", "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.x,CN\n", "line 2");
    put_bad(db, "bad2.csv", "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.255,CHN\n", "not two letters");
    put_bad(db, "bad3.csv", "1.0.0.0,1.0.0.255,AU\n1.0.2.0,1.0.1.255,CN\n", "start after");
    put_bad(db, "bad4.csv", "1.0.0.0,1.0.0.255,AU\n1.0.2.0,CN\n", "expected start,end");
    cc_is(db, "1.0.0.1", "NZ");
    assert_int_equal(q_int(db, "SELECT count(*) FROM iprange WHERE feed = 'ip-country-csv'"), 2);
    pk_vulndb_close(db);
}

static void test_mmdb(void **state)
{
    (void)state;
    const char *src = getenv("PK_SRC");
    assert_non_null(src);
    assert_int_equal(fx_sh("perl %s/tests/unit/mkmmdb.pl t6.mmdb 6 && perl "
                           "%s/tests/unit/mkmmdb.pl t4.mmdb 4",
                           src, src),
                     0);
    pk_vulndb *db = db_new("mmdb.db");
    char p[1200];
    pk_import_stats st;
    imp_ok(db, fx("t6.mmdb", p, sizeof p), &st);
    /* AU, CN (two networks merged), DE (registered_country), US, JP, IE */
    assert_int_equal(st.records, 6);
    assert_int_equal(q_int(db, "SELECT count(*) FROM iprange WHERE feed = 'ip-country-mmdb'"), 6);
    cc_is(db, "1.0.0.0", "AU");
    cc_is(db, "1.0.0.255", "AU");
    cc_is(db, "1.0.1.0", "CN");
    cc_is(db, "1.0.3.255", "CN");
    cc_is(db, "1.0.4.0", "");
    cc_is(db, "5.6.7.8", "DE");
    cc_is(db, "8.8.8.8", "US");
    cc_is(db, "8.8.9.0", "");
    cc_is(db, "2001:200::1", "JP");
    cc_is(db, "2a00:1450:4001::1", "IE");
    cc_is(db, "2a00:1451::", "");
    char cc[3], feed[32];
    assert_int_equal(pk_geo_ip_lookup(db, "8.8.8.8", cc, feed, sizeof feed), PK_OK);
    assert_string_equal(feed, "ip-country-mmdb");

    /* a version 4 tree replaces the IPv4 rows; the IPv6 rows stay */
    imp_ok(db, fx("t4.mmdb", p, sizeof p), &st);
    assert_int_equal(st.records, 4);
    cc_is(db, "8.8.8.8", "US");
    cc_is(db, "2001:200::1", "JP");

    /* a corrupt tree: the data section cut off, and bytes flipped in the tree */
    size_t n;
    uint8_t *b = fx_slurp("t6.mmdb", &n);
    FILE *f = fopen(fx("cut.mmdb", p, sizeof p), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b + 600, 1, n - 600, f), n - 600); /* tree gone, metadata kept */
    fclose(f);
    imp_bad(db, p, "cut.mmdb");
    for (size_t i = 0; i < 64 && i < n; i++)
        b[i] ^= 0xff; /* records now point far outside the tree */
    f = fopen(fx("flip.mmdb", p, sizeof p), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
    imp_bad(db, p, "flip.mmdb");
    free(b);
    cc_is(db, "8.8.8.8", "US");
    pk_vulndb_close(db);
}

static void host_is(pk_vulndb *db, const char *host, const char *domain, const char *owner,
                    const char *country, const char *cat)
{
    pk_tracker_host t;
    int found = -1;
    assert_int_equal(pk_trackers_host(db, host, &t, &found), PK_OK);
    if (!domain) {
        assert_int_equal(found, 0);
        return;
    }
    if (!found || strcmp(t.domain, domain) || strcmp(t.owner, owner) ||
        strcmp(t.country, country) || (cat && !strstr(t.categories, cat)))
        fail_msg("%s: found %d domain '%s' owner '%s' country '%s' categories '%s' sources '%s'",
                 host, found, t.domain, t.owner, t.country, t.categories, t.sources);
}

typedef struct sdkc {
    size_t n;
    int firebase;
} sdkc;

static pk_status on_sdk(void *ctx, const pk_tracker_sdk *s)
{
    sdkc *c = ctx;
    c->n++;
    if (strcmp(s->signature, "com.databerries") == 0 && strcmp(s->name, "Teemo") == 0 &&
        strcmp(s->categories, "analytics") == 0 && strcmp(s->source, "trackers-exodus") == 0)
        c->firebase = 1;
    return PK_OK;
}

static void test_trackers(void **state)
{
    (void)state;
    vdb_shared_dir("trackers");
    pk_vulndb *db = db_new("trk.db");
    char p[1200];
    pk_import_stats st;
    imp_ok(db, sh("xray-blacklist-2018.json", p, sizeof p), &st);
    assert_true(st.records >= 1400);
    imp_ok(db, sh("exodus-trackers.json", p, sizeof p), &st);
    imp_ok(db, sh("duckduckgo-android-tds.json", p, sizeof p), &st);
    assert_int_equal(st.records, 339);
    imp_ok(db, sh("disconnect-blacklist.json", p, sizeof p), &st);
    imp_ok(db, sh("disconnect-entitylist.json", p, sizeof p), &st);
    const pk_vdb_source *src;
    size_t ns;
    assert_int_equal(pk_vulndb_status(db, &src, &ns), PK_OK);
    assert_int_equal(ns, 5);
    assert_string_equal(src[0].name, "trackers-ddg");
    assert_string_equal(src[4].name, "trackers-xray");

    /* X-Ray: Qihoo 360 in CN; a subdomain inherits the owner's country */
    host_is(db, "360.cn", "360.cn", "Qihoo 360 Technology", "CN", NULL);
    host_is(db, "a.b.qhimg.com", "qhimg.com", "Qihoo 360 Technology", "CN", NULL);
    host_is(db, "TYNT.COM.", "tynt.com", "tynt", "US", NULL);
    /* Disconnect (category) and X-Ray (owner, country) agree on the suffix */
    host_is(db, "www.tiktok.com", "tiktok.com", "ByteDance", "CN", "social");
    /* DuckDuckGo names the host; X-Ray places applovin.com in the US */
    host_is(db, "a.applovin.com", "a.applovin.com", "AppLovin", "US", NULL);
    /* Exodus network signature kept as a suffix */
    host_is(db, "x.databerries.com", "databerries.com", "Teemo", "", "analytics");
    host_is(db, "example.org", NULL, NULL, NULL, NULL);
    host_is(db, "com", NULL, NULL, NULL, NULL);

    sdkc c = {0};
    assert_int_equal(pk_trackers_sdk_each(db, on_sdk, &c), PK_OK);
    assert_true(c.n > 300);
    assert_true(c.firebase);

    /* re-import replaces: the same counts, not doubled */
    long long before = q_int(db, "SELECT count(*) FROM tracker_host");
    imp_ok(db, sh("xray-blacklist-2018.json", p, sizeof p), &st);
    assert_int_equal(q_int(db, "SELECT count(*) FROM tracker_host"), before);

    /* bundles carry the rows */
    char dir[1200], err[512] = "";
    fx("bundle", dir, sizeof dir);
    assert_int_equal(pk_vulndb_export(db, dir, err, sizeof err), PK_OK);
    pk_vulndb *db2 = db_new("trk2.db");
    imp_ok(db2, dir, &st);
    assert_int_equal(q_int(db2, "SELECT count(*) FROM tracker_host"), before);
    host_is(db2, "360.cn", "360.cn", "Qihoo 360 Technology", "CN", NULL);
    pk_vulndb_close(db2);

    /* a malformed list: one error naming the record, nothing changed */
    put_bad(db, "badx.json", "[{\"doms\": [\"a.com\", 7], \"owner_name\": \"A\"}]", "[0]");
    assert_int_equal(q_int(db, "SELECT count(*) FROM tracker_host"), before);
    pk_vulndb_close(db);
}

static void test_bundle_ip(void **state)
{
    (void)state;
    pk_vulndb *db = db_new("b.db");
    put_ok(db, "r.csv", "1.0.0.0,1.0.0.255,AU\n2001:200::,2001:200::ff,JP\n", NULL);
    char dir[1200], err[512] = "";
    fx("bundle-ip", dir, sizeof dir);
    assert_int_equal(pk_vulndb_export(db, dir, err, sizeof err), PK_OK);
    pk_vulndb *db2 = db_new("b2.db");
    imp_ok(db2, dir, NULL);
    cc_is(db2, "1.0.0.9", "AU");
    cc_is(db2, "2001:200::ff", "JP");
    cc_is(db2, "2001:200::100", "");
    pk_vulndb_close(db2);
    pk_vulndb_close(db);
}

static int setup(void **state)
{
    (void)state;
    return fx_mkdtemp("/tmp/pk-geo-XXXXXX");
}

static int teardown(void **state)
{
    (void)state;
    return fx_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_mmdb),
        cmocka_unit_test(test_trackers),
        cmocka_unit_test(test_bundle_ip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
