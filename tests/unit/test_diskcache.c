/* The matcher database kept on disk: loaded only when intact and private. */
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

#include "match/diskcache.h"

static char dir[256];

static hs_database_t *compile(const char *expr)
{
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    assert_int_equal(hs_compile(expr, 0, HS_MODE_STREAM, NULL, &db, &ce), HS_SUCCESS);
    return db;
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                  void *ctx)
{
    (void)id, (void)from, (void)fl;
    *(unsigned long long *)ctx = to;
    return 0;
}

/* The database still matches what it matched before it was stored. */
static unsigned long long match_end(const hs_database_t *db, const char *text)
{
    hs_scratch_t *sc = NULL;
    hs_stream_t *st = NULL;
    unsigned long long end = 0;
    assert_int_equal(hs_alloc_scratch(db, &sc), HS_SUCCESS);
    assert_int_equal(hs_open_stream(db, 0, &st), HS_SUCCESS);
    assert_int_equal(hs_scan_stream(st, text, (unsigned)strlen(text), 0, sc, on_hit, &end),
                     HS_SUCCESS);
    assert_int_equal(hs_close_stream(st, sc, on_hit, &end), HS_SUCCESS);
    hs_free_scratch(sc);
    return end;
}

static void file_of(const char *d, const uint8_t key[32], char *path, size_t cap)
{
    int n = snprintf(path, cap, "%s/hsdb-", d);
    for (int i = 0; i < 32; i++)
        n += snprintf(path + n, cap - (size_t)n, "%02x", key[i]);
    snprintf(path + n, cap - (size_t)n, ".bin");
}

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/pk-diskcache-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_round_trip(void **st)
{
    (void)st;
    uint8_t key[32] = {1, 2, 3};
    char sub[300];
    snprintf(sub, sizeof sub, "%s/a/b", dir); /* made 0700 on the way */
    hs_database_t *db = compile("secret[0-9]+");
    assert_null(pki_hsdb_load(sub, key));
    pki_hsdb_store(sub, key, db);
    hs_free_database(db);
    struct stat sb;
    assert_int_equal(stat(sub, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    hs_database_t *back = pki_hsdb_load(sub, key);
    assert_non_null(back);
    assert_int_equal(match_end(back, "xx secret42 yy"), 11);
    hs_free_database(back);
    uint8_t other[32] = {9};
    assert_null(pki_hsdb_load(sub, other)); /* another key: not this file */

    /* one flipped byte: the header's SHA-256 no longer matches */
    char f[500];
    file_of(sub, key, f, sizeof f);
    FILE *fp = fopen(f, "r+b");
    assert_non_null(fp);
    fseek(fp, 200, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, 200, SEEK_SET);
    fputc(c ^ 0x5a, fp);
    fclose(fp);
    assert_null(pki_hsdb_load(sub, key));
}

static void test_not_private(void **st)
{
    (void)st;
    uint8_t key[32] = {7};
    char f[500], link[520];
    hs_database_t *db = compile("abc");
    pki_hsdb_store(dir, key, db);
    hs_free_database(db);
    file_of(dir, key, f, sizeof f);
    hs_database_t *ok = pki_hsdb_load(dir, key);
    assert_non_null(ok);
    hs_free_database(ok);
    /* a file others may write is not trusted */
    assert_int_equal(chmod(f, 0666), 0);
    assert_null(pki_hsdb_load(dir, key));
    assert_int_equal(chmod(f, 0600), 0);
    /* nor a symlink in its place */
    snprintf(link, sizeof link, "%s.real", f);
    assert_int_equal(rename(f, link), 0);
    assert_int_equal(symlink(link, f), 0);
    assert_null(pki_hsdb_load(dir, key));
    assert_int_equal(unlink(f), 0);
    assert_int_equal(rename(link, f), 0);
    /* nor a directory others may write */
    assert_int_equal(chmod(dir, 0777), 0);
    assert_null(pki_hsdb_load(dir, key));
    assert_int_equal(chmod(dir, 0700), 0);
    ok = pki_hsdb_load(dir, key);
    assert_non_null(ok);
    hs_free_database(ok);
}

/* Many pattern sets: only the newest few stay. */
static void test_prune(void **st)
{
    (void)st;
    char sub[300];
    snprintf(sub, sizeof sub, "%s/prune", dir);
    hs_database_t *db = compile("x+y");
    for (int i = 0; i < 10; i++) {
        uint8_t key[32] = {(uint8_t)i, 0xee};
        pki_hsdb_store(sub, key, db);
    }
    hs_free_database(db);
    DIR *d = opendir(sub);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(n, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_not_private),
        cmocka_unit_test(test_prune),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
