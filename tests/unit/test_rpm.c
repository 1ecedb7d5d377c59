/* The rpm analyzer: a .rpm built with rpmbuild and an rpmdb.sqlite made by
 * rpm --justdb from it give the exact name, epoch, version-release, arch,
 * vendor namespace, requires, provides and files; hostile headers (every
 * truncation, huge counts, offsets past the end, no NUL) and hostile
 * databases (junk blobs, a missing table, random bytes) are survived. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "walk/harness_int.h"
#include "comp_test.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_rpm;

static pki_frec g_rec;
/* this test's analyzer and record, for the helpers of comp_test.h */
#define run(p, len, vpath) ct_rerun(&pki_analyzer_rpm, &g_rec, p, len, vpath)
#define comp(name)         ct_find(&g_rec, CT_ANY, name, CT_ANY)
static char g_dir[64];
static uint8_t *g_rpm, *g_db;
static size_t g_rpm_len, g_db_len;

static const char spec[] = "Name: pk-hello\nVersion: 1.2\nRelease: 3.fc39\nEpoch: 2\n"
                           "Summary: test package\nLicense: MIT\nVendor: Fedora Project\n"
                           "URL: https://example.org/hello\nBuildArch: x86_64\n"
                           "Requires: bash, coreutils >= 8, /bin/sh\nProvides: hello-api\n"
                           "%description\nx\n%install\n"
                           "mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/pk\n"
                           "echo hi > %{buildroot}/usr/bin/pk-hello\n"
                           "echo x > %{buildroot}/usr/share/pk/data.txt\n"
                           "%files\n/usr/bin/pk-hello\n/usr/share/pk/data.txt\n";

/* a header spread over several overflow pages: 600 files */
static const char spec_big[] =
    "Name: pk-big\nVersion: 0.9\nRelease: 1.el9\nSummary: big\n"
    "License: GPL-2.0-or-later\nVendor: Rocky Enterprise Software Foundation\n"
    "BuildArch: noarch\n%description\nx\n%install\n"
    "mkdir -p %{buildroot}/usr/share/pkbig\n"
    "for i in $(seq 1 600); do echo $i > "
    "%{buildroot}/usr/share/pkbig/file-with-a-long-name-$i.txt; done\n"
    "%files\n/usr/share/pkbig\n";

static uint8_t *g_bdb;
static size_t g_bdb_len;

/* A Berkeley DB hash Packages file made by libdb's own db_load from the
 * sqlite rows (keys: 4-byte native instance numbers, as rpm wrote them). */
static int make_bdb(void)
{
    char path[256], cmd[512];
    if (system("command -v db5.3_load >/dev/null 2>&1") != 0)
        return 0;
    snprintf(path, sizeof path, "%s/db/rpmdb.sqlite", g_dir);
    sqlite3 *db;
    sqlite3_stmt *q;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &q, NULL) != SQLITE_OK)
        return -1;
    snprintf(path, sizeof path, "%s/bdb.txt", g_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n", f);
    while (sqlite3_step(q) == SQLITE_ROW) {
        uint32_t k = (uint32_t)sqlite3_column_int(q, 0);
        const uint8_t *b = sqlite3_column_blob(q, 1);
        int n = sqlite3_column_bytes(q, 1);
        fprintf(f, " %02x%02x%02x%02x\n ", k & 0xff, (k >> 8) & 0xff, (k >> 16) & 0xff, k >> 24);
        for (int i = 0; i < n; i++)
            fprintf(f, "%02x", b[i]);
        fputs("\n", f);
    }
    fputs("DATA=END\n", f);
    fclose(f);
    sqlite3_finalize(q);
    sqlite3_close(db);
    snprintf(cmd, sizeof cmd, "cd %s && mkdir bdb && db5.3_load -f bdb.txt bdb/Packages", g_dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/bdb/Packages", g_dir);
    g_bdb = fx_read(path, &g_bdb_len);
    return g_bdb ? 0 : -1;
}

static uint8_t *g_ndb;
static size_t g_ndb_len;

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* An ndb Packages.db laid out as rpm's lib/backend/ndb/rpmpkg.c writes it
 * (Debian's rpm cannot write ndb): one slot page, blobs after it in 16-byte
 * blocks with head "BlbS" and tail "BlbE". */
static int make_ndb(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/db/rpmdb.sqlite", g_dir);
    sqlite3 *db;
    sqlite3_stmt *q;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &q, NULL) != SQLITE_OK)
        return -1;
    size_t cap = 4096 + 2 * 65536 + g_db_len, at = 4096, slot = 32;
    uint8_t *f = calloc(1, cap);
    if (!f)
        return -1;
    memcpy(f, "RpmP", 4);
    le32(f + 12, 1);
    for (size_t o = 32; o < 4096; o += 16)
        memcpy(f + o, "Slot", 4);
    while (sqlite3_step(q) == SQLITE_ROW) {
        uint32_t k = (uint32_t)sqlite3_column_int(q, 0);
        const uint8_t *b = sqlite3_column_blob(q, 1);
        size_t n = (size_t)sqlite3_column_bytes(q, 1);
        size_t blks = (16 + n + 12 + 15) / 16;
        if (at + blks * 16 > cap)
            return -1;
        memcpy(f + at, "BlbS", 4);
        le32(f + at + 4, k);
        le32(f + at + 12, (uint32_t)n);
        memcpy(f + at + 16, b, n);
        memcpy(f + at + blks * 16 - 4, "BlbE", 4);
        le32(f + slot + 4, k);
        le32(f + slot + 8, (uint32_t)(at / 16));
        le32(f + slot + 12, (uint32_t)blks);
        slot += 16;
        at += blks * 16;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    g_ndb = f;
    g_ndb_len = at;
    return 0;
}

static int setup(void **st)
{
    (void)st;
    if (pki_frec_init(&g_rec) != PK_OK)
        return -1;
    if (system("command -v rpmbuild >/dev/null 2>&1 && command -v rpm >/dev/null 2>&1") != 0)
        return 0; /* the fixture tests skip */
    snprintf(g_dir, sizeof g_dir, "/tmp/pk-rpm-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    char path[256], cmd[2048];
    snprintf(path, sizeof path, "%s/t.spec", g_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(spec, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/big.spec", g_dir);
    if (!(f = fopen(path, "w")))
        return -1;
    fputs(spec_big, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; rpmbuild -bb --define \"_topdir $PWD/top\" "
             "--define '_build_id_links none' t.spec >log 2>&1; cp top/RPMS/x86_64/*.rpm x.rpm;"
             "rpmbuild -bb --define \"_topdir $PWD/top\" --define '_build_id_links none' "
             "big.spec >>log 2>&1; cp top/RPMS/noarch/*.rpm big.rpm;"
             "mkdir db; rpm --dbpath $PWD/db --define '_db_backend sqlite' --initdb;"
             "rpm -i --justdb --nodeps --noscripts --ignorearch --ignoreos --dbpath $PWD/db "
             "--define '_db_backend sqlite' x.rpm big.rpm >/dev/null 2>&1",
             g_dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/x.rpm", g_dir);
    g_rpm = fx_read(path, &g_rpm_len);
    snprintf(path, sizeof path, "%s/db/rpmdb.sqlite", g_dir);
    g_db = fx_read(path, &g_db_len);
    return g_rpm && g_db && make_bdb() == 0 && make_ndb() == 0 ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    pki_frec_fini(&g_rec);
    free(g_rpm);
    free(g_db);
    free(g_bdb);
    free(g_ndb);
    if (g_dir[0] && !getenv("PK_KEEP_TMP")) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

static void check_identity(json_t *c)
{
    assert_string_equal(ct_str(c, "type"), "rpm");
    assert_string_equal(ct_str(c, "ns"), "fedora");
    assert_string_equal(ct_str(c, "name"), "pk-hello");
    assert_string_equal(ct_str(c, "version"), "1.2-3.fc39");
    assert_string_equal(ct_str(c, "arch"), "x86_64");
    assert_string_equal(ct_attr_str(c, "epoch"), "2");
    assert_string_equal(ct_attr_str(c, "license"), "MIT");
    assert_string_equal(ct_attr_str(c, "supplier"), "Fedora Project");
    assert_string_equal(ct_attr_str(c, "homepage"), "https://example.org/hello");
    assert_string_equal(ct_attr_str(c, "description"), "test package");
    assert_string_equal(ct_attr_str(c, "source_name"), "pk-hello");
    assert_string_equal(ct_attr_str(c, "source_version"), "1.2-3.fc39");
    /* "pk-hello(x86-64)" and "pk-hello" itself are not other names */
    assert_string_equal(ct_attr_str(c, "provides"), "hello-api");
    /* bash and coreutils; /bin/sh and rpmlib(...) are not package names */
    json_t *d = json_object_get(c, "deps");
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(json_string_value(json_array_get(json_array_get(d, 0), 0)), "bash");
    assert_string_equal(json_string_value(json_array_get(json_array_get(d, 1), 0)), "coreutils");
}

static void check_big(json_t *c)
{
    assert_string_equal(ct_str(c, "ns"), "rocky");
    assert_string_equal(ct_str(c, "version"), "0.9-1.el9");
    assert_string_equal(ct_str(c, "arch"), "noarch");
    assert_string_equal(ct_attr_str(c, "license"), "GPL-2.0-or-later");
    json_t *files = json_object_get(c, "files");
    assert_int_equal(json_array_size(files), 601); /* the directory and its files */
    assert_string_equal(json_string_value(json_array_get(files, 0)), "usr/share/pkbig");
}

static void test_rpm_file(void **st)
{
    (void)st;
    if (!g_rpm)
        skip();
    assert_int_equal(run(g_rpm, g_rpm_len, "dist/x.rpm"), 1);
    json_t *c = json_array_get(g_rec.components, 0);
    check_identity(c);
    assert_string_equal(ct_str(c, "rule"), "rpm-header");
    assert_string_equal(ct_str(c, "scope"), "dist/x.rpm!/");
    assert_string_equal(json_string_value(json_array_get(json_object_get(c, "owns"), 0)),
                        "dist/x.rpm!/");
    assert_string_equal(ct_str(c, "record"), "Package: pk-hello");
    assert_true(json_integer_value(json_object_get(c, "offset")) > 96);
}

static void test_rpmdb(void **st)
{
    (void)st;
    if (!g_db)
        skip();
    static const char *const paths[] = {"root/var/lib/rpm/rpmdb.sqlite",
                                        "i.tar!/usr/lib/sysimage/rpm/rpmdb.sqlite"};
    static const char *const scopes[] = {"root/", "i.tar!/"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(run(g_db, g_db_len, paths[i]), 2);
        json_t *c = comp("pk-hello");
        check_identity(c);
        assert_string_equal(ct_str(c, "rule"), "rpmdb-sqlite");
        assert_string_equal(ct_str(c, "scope"), scopes[i]);
        json_t *files = json_object_get(c, "files");
        assert_int_equal(json_array_size(files), 2);
        assert_string_equal(json_string_value(json_array_get(files, 0)), "usr/bin/pk-hello");
        assert_string_equal(json_string_value(json_array_get(files, 1)), "usr/share/pk/data.txt");
    }
    check_big(comp("pk-big"));
    assert_int_equal(run(g_db, g_db_len, "root/var/lib/rpm/other.sqlite"), 0);
}

static void test_bdb(void **st)
{
    (void)st;
    if (!g_bdb)
        skip();
    assert_int_equal(run(g_bdb, g_bdb_len, "c7.tar!/var/lib/rpm/Packages"), 2);
    json_t *c = comp("pk-hello");
    check_identity(c);
    assert_string_equal(ct_str(c, "rule"), "rpmdb-bdb");
    assert_string_equal(ct_str(c, "scope"), "c7.tar!/");
    assert_int_equal(json_array_size(json_object_get(c, "files")), 2);
    check_big(comp("pk-big"));
    /* hostile: every truncation at page granularity, corrupt pages */
    for (size_t n = 0; n < g_bdb_len; n += 512)
        run(g_bdb, n, "r/var/lib/rpm/Packages");
    uint8_t *m = malloc(g_bdb_len);
    assert_non_null(m);
    for (size_t i = 0; i < g_bdb_len; i += 97) {
        memcpy(m, g_bdb, g_bdb_len);
        memset(m + i, 0xff, 8);
        run(m, g_bdb_len, "r/var/lib/rpm/Packages");
        memset(m + i, 0x01, 8);
        run(m, g_bdb_len, "r/var/lib/rpm/Packages");
    }
    free(m);
}

static void test_ndb(void **st)
{
    (void)st;
    if (!g_ndb)
        skip();
    assert_int_equal(run(g_ndb, g_ndb_len, "sles.tar!/usr/lib/sysimage/rpm/Packages.db"), 2);
    json_t *c = comp("pk-hello");
    check_identity(c);
    assert_string_equal(ct_str(c, "rule"), "rpmdb-ndb");
    assert_string_equal(ct_str(c, "scope"), "sles.tar!/");
    check_big(comp("pk-big"));
    uint8_t *m = malloc(g_ndb_len);
    assert_non_null(m);
    for (size_t n = 0; n < g_ndb_len; n += 61)
        run(g_ndb, n, "r/var/lib/rpm/Packages.db");
    for (size_t i = 0; i < g_ndb_len; i += 37) {
        memcpy(m, g_ndb, g_ndb_len);
        memset(m + i, 0xff, 4);
        run(m, g_ndb_len, "r/var/lib/rpm/Packages.db");
    }
    /* every slot pointing at the same blob: the work stays bounded */
    memcpy(m, g_ndb, g_ndb_len);
    for (size_t o = 48; o < 4096; o += 16)
        memcpy(m + o, m + 32, 16);
    run(m, g_ndb_len, "r/var/lib/rpm/Packages.db");
    free(m);
}

static void test_hostile_headers(void **st)
{
    (void)st;
    if (!g_rpm)
        skip();
    /* every truncation of the headers */
    size_t hdr_end = g_rpm_len < 8192 ? g_rpm_len : 8192;
    for (size_t n = 0; n < hdr_end; n++)
        run(g_rpm, n, "x.rpm");
    uint8_t *m = malloc(g_rpm_len);
    assert_non_null(m);
    /* every byte of the headers flipped to 0xff, one at a time */
    for (size_t i = 0; i < hdr_end; i += 3) {
        memcpy(m, g_rpm, g_rpm_len);
        m[i] = 0xff;
        run(m, g_rpm_len, "x.rpm");
        m[i] = 0x7f;
        run(m, g_rpm_len, "x.rpm");
    }
    /* no NUL anywhere in the data: strings are refused, not overrun */
    memcpy(m, g_rpm, g_rpm_len);
    for (size_t i = 96 + 16; i < g_rpm_len; i++)
        if (m[i] == 0)
            m[i] = 'A';
    run(m, g_rpm_len, "x.rpm");
    free(m);
    /* a blob claiming 65535 tags and 256 MB of data in 16 bytes */
    static const uint8_t big[] = {0xed, 0xab, 0xee, 0xdb};
    uint8_t b[256] = {0};
    memcpy(b, big, 4);
    memcpy(b + 96, "\x8e\xad\xe8\x01\0\0\0\0\0\0\xff\xff\x0f\xff\xff\xff", 16);
    assert_int_equal(run(b, sizeof b, "x.rpm"), 0);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A 100 MB string field without a NUL, then with one at its end: every tag
 * points into it; no component, in bounded time. */
static void test_huge_field(void **st)
{
    (void)st;
    size_t dl = 100u << 20, main = 96 + 40, n = main + 16 + 4 * 16 + dl;
    uint8_t *b = calloc(1, n);
    assert_non_null(b);
    memcpy(b, "\xed\xab\xee\xdb", 4);
    memcpy(b + 96, "\x8e\xad\xe8\x01\0\0\0\0", 8);
    put32(b + 104, 1);
    put32(b + 108, 4);
    put32(b + 112, 1000);
    put32(b + 116, 4);
    put32(b + 124, 1);
    memcpy(b + main, "\x8e\xad\xe8\x01\0\0\0\0", 8);
    put32(b + main + 8, 4);
    put32(b + main + 12, (uint32_t)dl);
    static const uint32_t tags[4][2] = {{1000, 6}, {1001, 6}, {1049, 8}, {1117, 8}};
    for (int i = 0; i < 4; i++) {
        uint8_t *e = b + main + 16 + i * 16;
        put32(e, tags[i][0]);
        put32(e + 4, tags[i][1]);
        put32(e + 12, tags[i][1] == 8 ? 0xfffffffu : 1);
    }
    memset(b + main + 16 + 64, 'a', dl);
    clock_t t0 = clock();
    assert_int_equal(run(b, n, "x.rpm"), 0);
    b[n - 1] = 0;
    assert_int_equal(run(b, n, "x.rpm"), 0);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
    free(b);
}

static void test_hostile_db(void **st)
{
    (void)st;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB);"
                                  "INSERT INTO Packages VALUES (1, x'00');"
                                  "INSERT INTO Packages VALUES (2, x'0000ffff0fffffff');"
                                  "INSERT INTO Packages VALUES (3, NULL);"
                                  "INSERT INTO Packages VALUES (4, 'text');"
                                  "INSERT INTO Packages VALUES (5, zeroblob(100000));",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_int64 n;
    unsigned char *ser = sqlite3_serialize(db, "main", &n, 0);
    assert_non_null(ser);
    assert_int_equal(run(ser, (size_t)n, "r/var/lib/rpm/rpmdb.sqlite"), 0);
    /* truncated database files */
    for (sqlite3_int64 k = 0; k < n; k += 509)
        run(ser, (size_t)k, "r/var/lib/rpm/rpmdb.sqlite");
    sqlite3_free(ser);
    sqlite3_exec(db, "DROP TABLE Packages; CREATE TABLE other(x);", NULL, NULL, NULL);
    ser = sqlite3_serialize(db, "main", &n, 0);
    assert_int_equal(run(ser, (size_t)n, "r/var/lib/rpm/rpmdb.sqlite"), 0);
    sqlite3_free(ser);
    sqlite3_close(db);
    if (g_db) { /* corrupt pages of the real database */
        uint8_t *m = malloc(g_db_len);
        assert_non_null(m);
        for (size_t i = 100; i < g_db_len; i += 4093) {
            memcpy(m, g_db, g_db_len);
            memset(m + i, 0xff, 64);
            run(m, g_db_len, "r/var/lib/rpm/rpmdb.sqlite");
        }
        free(m);
    }
    uint8_t junk[4096];
    srand(3);
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)rand();
    memcpy(junk, "SQLite format 3", 16);
    run(junk, sizeof junk, "r/var/lib/rpm/rpmdb.sqlite");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rpm_file),
        cmocka_unit_test(test_rpmdb),
        cmocka_unit_test(test_bdb),
        cmocka_unit_test(test_ndb),
        cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_huge_field),
        cmocka_unit_test(test_hostile_db),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
