/* Fixtures built at test time (test_pe, test_pe_comp, test_golang,
 * test_rust): a temporary directory, shell commands run in it (compilers,
 * packers; their output goes to build.log there), text files written into it
 * and files read back whole. Include after <cmocka.h>. */
#ifndef PK_TEST_FIXTURE_H
#define PK_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <parakh/parakh.h>

/* The test's fixture directory, made by fx_mkdtemp. */
static char fx_dir[64] __attribute__((unused));

/* Makes fx_dir from a mkdtemp template ("/tmp/pk-x-XXXXXX"); 0 or -1. */
static inline int fx_mkdtemp(const char *tmpl)
{
    snprintf(fx_dir, sizeof fx_dir, "%s", tmpl);
    return mkdtemp(fx_dir) ? 0 : -1;
}

/* Removes fx_dir, read-only trees (a Go module cache) included; 0 or -1. */
static inline int fx_remove(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", fx_dir, fx_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs a shell command in fx_dir, its output appended to build.log there;
 * returns system()'s status. */
static inline int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int fx_sh(const char *fmt, ...)
{
    char cmd[4096], full[4400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "cd %s && (%s) >>build.log 2>&1", fx_dir, cmd);
    return system(full);
}

/* Writes `text` to fx_dir/name. */
static inline void fx_put(const char *name, const char *text)
{
    char p[512];
    if (snprintf(p, sizeof p, "%s/%s", fx_dir, name) >= (int)sizeof p)
        fail_msg("fixture name too long: %s", name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The whole file at `path` (malloc'd, NUL-terminated past the end), or NULL
 * when it cannot be read. */
static inline uint8_t *fx_read(const char *path, size_t *n)
{
    *n = 0; /* set on every path: callers read it even when a fixture is missing */
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    if (b)
        b[len] = 0;
    fclose(f);
    *n = len >= 0 ? (size_t)len : 0;
    return b;
}

/* fx_dir/name read whole; the test fails when it is missing (a fixture that
 * did not build: see build.log). */
static inline uint8_t *fx_slurp(const char *name, size_t *n)
{
    char p[512];
    if (snprintf(p, sizeof p, "%s/%s", fx_dir, name) >= (int)sizeof p)
        fail_msg("fixture name too long: %s", name);
    uint8_t *b = fx_read(p, n);
    if (!b)
        fail_msg("fixture %s missing (see %s/build.log)", name, fx_dir);
    return b;
}

/* Writes buf[0..n) to `path`, scans it with one worker through the public API
 * and returns the native JSON report (malloc'd; the caller frees it): for
 * tests of what a whole pass sees, e.g. a pattern across a block boundary. */
static inline char *fx_write_scan(const char *path, const void *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    pk_scan *s;
    assert_int_equal(pk_scan_new(&o, &s), PK_OK);
    assert_int_equal(pk_scan_add_path(s, path), PK_OK);
    assert_int_equal(pk_scan_run(s), PK_OK);
    char *rep = NULL;
    size_t replen = 0;
    FILE *m = open_memstream(&rep, &replen);
    assert_non_null(m);
    assert_int_equal(pk_report_write(s, "json", m), PK_OK);
    fclose(m);
    pk_scan_free(s);
    return rep;
}

#endif
