/* Unit tests for the squashfs and OLE/MSI container readers.
 *
 * Fixtures are built at test time in a temporary directory: a tree packed with
 * mksquashfs (one image per compressor), OLE files written with libgsf, and an
 * MSI built with wixl or, where Debian's separate wixl package is missing,
 * with msibuild and gcab (both from scripts/install-deps.sh). A tool that is
 * absent skips only the cases that need it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core_int.h"
#include "source/container_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-stdio.h>
#include <gsf/gsf-output.h>
#include <gsf/gsf-utils.h>
#include <openssl/evp.h>

/* lib/source/ole.c, deliberately not in a shared header */
int pki_msi_name_decode(const uint8_t *utf8, size_t n, char *out, size_t outlen);

#define BIG_SIZE    ((size_t)3 * 1024 * 1024 + 123) /* crosses 128 KiB blocks; tail in a fragment */
#define SMALL_TEXT  "a small file that lives in a fragment\\n"
#define NESTED_TEXT "nested\\n"

static char g_dir[256]; /* the temporary work directory */

/* --- helpers ---------------------------------------------------------------- */

typedef struct ent {
    char *name;
    pki_ent_kind kind;
    char *target;
    int64_t size;
    uint32_t mode;
    uint8_t sha[32];
    uint64_t nread;
    uint8_t head[4];
} ent;

typedef struct drained {
    pk_status st;
    const char *fmt;
    ent *e;
    size_t n, cap;
    int last; /* what the last next() returned: 0 or -1 */
    int any_read_error;
    char err[512];
} drained;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int r = system(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static int have_tool(const char *name)
{
    return run("command -v %s >/dev/null 2>&1", name) == 0;
}

static void path_in(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/%s", g_dir, rel);
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *read_all(const char *path, size_t *n)
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

static void sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned len = 32;
    assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
}

static void sha256_file(const char *path, uint8_t out[32])
{
    size_t n;
    uint8_t *p = read_all(path, &n);
    sha256(p, n, out);
    free(p);
}

/* Opens path with ops, lists every entry and reads every file entry in odd
 * sized pieces, hashing what comes back. */
static void drain(const pki_container_ops *ops, const char *path, drained *d)
{
    memset(d, 0, sizeof(*d));
    pki_container *c = NULL;
    d->st = ops->open(path, &c, &d->fmt, d->err, sizeof(d->err));
    if (d->st != PK_OK) {
        assert_null(c);
        return;
    }
    static uint8_t buf[65543];
    for (;;) {
        pki_entry e;
        int r = ops->next(c, &e, d->err, sizeof(d->err));
        if (r <= 0) {
            d->last = r;
            break;
        }
        assert_int_equal(r, 1);
        if (d->n == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 64;
            d->e = realloc(d->e, d->cap * sizeof(*d->e));
            assert_non_null(d->e);
        }
        ent *x = &d->e[d->n++];
        memset(x, 0, sizeof(*x));
        x->name = strdup(e.name);
        x->kind = e.kind;
        x->target = e.link_target ? strdup(e.link_target) : NULL;
        x->size = e.size;
        x->mode = e.mode;
        if (e.kind != PKI_ENT_FILE)
            continue;
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        assert_non_null(md);
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        ssize_t k;
        while ((k = ops->read(c, buf, sizeof(buf), d->err, sizeof(d->err))) > 0) {
            if (x->nread < sizeof(x->head)) {
                size_t h = sizeof(x->head) - (size_t)x->nread;
                memcpy(x->head + x->nread, buf, (size_t)k < h ? (size_t)k : h);
            }
            EVP_DigestUpdate(md, buf, (size_t)k);
            x->nread += (uint64_t)k;
        }
        EVP_DigestFinal_ex(md, x->sha, NULL);
        EVP_MD_CTX_free(md);
        d->any_read_error |= k < 0;
    }
    /* after the end, or after a -1, next() says there is nothing more */
    pki_entry e;
    char err2[256];
    assert_int_equal(ops->next(c, &e, err2, sizeof(err2)), 0);
    ops->close(c);
}

static void drained_free(drained *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->e[i].name);
        free(d->e[i].target);
    }
    free(d->e);
    d->e = NULL;
}

static const ent *find(const drained *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->e[i].name, name) == 0)
            return &d->e[i];
    return NULL;
}

/* Asserts that name was listed with kind. */
static const ent *expect(const drained *d, const char *name, pki_ent_kind kind)
{
    const ent *x = find(d, name);
    if (!x)
        fail_msg("entry %s not listed", name);
    assert_int_equal(x->kind, kind);
    return x;
}

/* The most path components in any listed name. */
static size_t max_components(const drained *d)
{
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t c = 1;
        for (const char *p = d->e[i].name; *p; p++)
            c += *p == '/';
        m = c > m ? c : m;
    }
    return m;
}

/* Hostile inputs must end in PK_E_IO or a -1 somewhere, never a crash. */
static void assert_rejected(const pki_container_ops *ops, const char *path)
{
    drained d;
    drain(ops, path, &d);
    if (d.st != PK_OK)
        assert_int_equal(d.st, PK_E_IO);
    else
        assert_true(d.last == -1 || d.any_read_error);
    assert_true(d.err[0] != 0);
    drained_free(&d);
}

/* Copies the first keep bytes of src to dst, with span bytes in the middle
 * replaced by pseudo-random ones. */
static void mutate(const char *src, const char *dst, size_t keep, size_t span)
{
    size_t n;
    uint8_t *p = read_all(src, &n);
    n = keep < n ? keep : n;
    uint32_t x = 2463534242u;
    for (size_t i = n / 2 - (n / 2 < span / 2 ? n / 2 : span / 2); span && i < n; i++, span--) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        p[i] = (uint8_t)x;
    }
    write_file(dst, p, n);
    free(p);
}

/* --- squashfs ---------------------------------------------------------------- */

static int sq_setup(void **state)
{
    (void)state;
    char p[512];
    if (run("cd '%s' && mkdir -p tree/usr/bin tree/etc/conf/deep/nested tree/emptydir && "
            "printf '" SMALL_TEXT "' > tree/usr/bin/small && "
            "printf '" NESTED_TEXT "' > tree/etc/conf/deep/nested/file.txt && "
            "ln -s big tree/usr/bin/link && mkfifo tree/fifo",
            g_dir))
        return -1;
    /* compressible, so a corrupted block is a decompression error */
    char *big = malloc(BIG_SIZE + 64);
    if (!big)
        return -1;
    for (size_t i = 0; i < BIG_SIZE;)
        i += (size_t)snprintf(big + i, 64, "line %08zu of the parakh block test\n", i);
    path_in(p, sizeof(p), "tree/usr/bin/big");
    write_file(p, big, BIG_SIZE);
    free(big);
    return 0;
}

/* Packs g_dir/src into g_dir/name.sqfs with extra options; 0 or -1. */
static int mksq(const char *src, const char *name, const char *opts, char *img, size_t n)
{
    snprintf(img, n, "%s/%s.sqfs", g_dir, name);
    return run("mksquashfs '%s/%s' '%s' -noappend -quiet -no-progress %s >/dev/null 2>&1", g_dir,
               src, img, opts) == 0
               ? 0
               : -1;
}

/* Builds <comp>.sqfs from the tree; returns 0, or -1 when mksquashfs lacks comp. */
static int sq_build(const char *comp, char *img, size_t n)
{
    char opts[128];
    snprintf(opts, sizeof(opts), "-comp %s -p 'dev c 644 0 0 1 3'", comp);
    return mksq("tree", comp, opts, img, n);
}

static void sq_check_tree(const drained *d)
{
    char p[512];
    uint8_t want[32];
    assert_int_equal(d->last, 0);
    assert_false(d->any_read_error);
    assert_string_equal(d->fmt, "squashfs");
    const char *dirs[] = {
        "usr", "usr/bin", "etc", "etc/conf", "etc/conf/deep", "etc/conf/deep/nested", "emptydir"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        expect(d, dirs[i], PKI_ENT_DIR);
    const char *files[] = {"usr/bin/big", "usr/bin/small", "etc/conf/deep/nested/file.txt"};
    const int64_t sizes[] = {(int64_t)BIG_SIZE, sizeof(SMALL_TEXT) - 2, sizeof(NESTED_TEXT) - 2};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        const ent *x = expect(d, files[i], PKI_ENT_FILE);
        assert_int_equal(x->size, sizes[i]);
        assert_int_equal(x->nread, (uint64_t)sizes[i]);
        snprintf(p, sizeof(p), "%s/tree/%s", g_dir, files[i]);
        sha256_file(p, want);
        assert_memory_equal(x->sha, want, 32);
    }
    const ent *x = expect(d, "usr/bin/link", PKI_ENT_SYMLINK);
    assert_non_null(x->target);
    assert_string_equal(x->target, "big");
    expect(d, "fifo", PKI_ENT_FIFO);
    assert_int_equal(expect(d, "dev", PKI_ENT_CHARDEV)->mode, 0644);
    /* 7 dirs, 3 files, link, fifo, dev: nothing more, nothing twice */
    assert_int_equal(d->n, 13);
}

/* Every compressor mksquashfs writes here; Debian's libsquashfs has no LZO, and
 * the open must then say so rather than fail obscurely. */
static void test_squashfs_compressors(void **state)
{
    (void)state;
    const char *comps[] = {"gzip", "xz", "zstd", "lz4", "lzo"};
    for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
        char img[512];
        if (sq_build(comps[i], img, sizeof(img)) != 0) {
            print_message("mksquashfs cannot write %s here; case skipped\n", comps[i]);
            continue;
        }
        drained d;
        drain(&pki_container_squashfs, img, &d);
        if (d.st != PK_OK && strcmp(comps[i], "lzo") == 0) {
            assert_int_equal(d.st, PK_E_IO);
            assert_non_null(strstr(d.err, "lzo is not supported"));
        } else {
            assert_int_equal(d.st, PK_OK);
            sq_check_tree(&d);
        }
        drained_free(&d);
    }
}

static void test_squashfs_truncated_and_corrupt(void **state)
{
    (void)state;
    char img[512], bad[512];
    if (sq_build("gzip", img, sizeof(img)) != 0) {
        skip();
        return;
    }
    struct stat st;
    assert_int_equal(stat(img, &st), 0);
    path_in(bad, sizeof(bad), "half.sqfs");
    mutate(img, bad, (size_t)st.st_size / 2, 0);
    assert_rejected(&pki_container_squashfs, bad);
    path_in(bad, sizeof(bad), "corrupt.sqfs");
    mutate(img, bad, SIZE_MAX, 4096);
    assert_rejected(&pki_container_squashfs, bad);
    path_in(bad, sizeof(bad), "tiny.sqfs");
    mutate(img, bad, 100, 0);
    assert_rejected(&pki_container_squashfs, bad);
    /* not squashfs at all */
    path_in(bad, sizeof(bad), "tree/usr/bin/big");
    drained d;
    drain(&pki_container_squashfs, bad, &d);
    assert_int_equal(d.st, PK_E_IO);
    assert_non_null(strstr(d.err, "magic"));
    /* missing file */
    path_in(bad, sizeof(bad), "does-not-exist.sqfs");
    drain(&pki_container_squashfs, bad, &d);
    assert_int_equal(d.st, PK_E_IO);
}

/* 260 nested directories: entries stop at 256 components, then one -1. */
static void test_squashfs_depth_cap(void **state)
{
    (void)state;
    char p[2048], img[512];
    int o = snprintf(p, sizeof(p), "%s/deep", g_dir);
    for (int i = 0; i < 260; i++)
        o += snprintf(p + o, sizeof(p) - (size_t)o, "/d");
    assert_int_equal(run("mkdir -p '%s' && echo bottom > '%s/f'", p, p), 0);
    assert_int_equal(mksq("deep", "deep", "", img, sizeof(img)), 0);
    drained d;
    drain(&pki_container_squashfs, img, &d);
    assert_int_equal(d.st, PK_OK);
    assert_int_equal(d.last, -1);
    assert_non_null(strstr(d.err, "deeper than 256"));
    assert_int_equal(max_components(&d), 256);
    assert_int_equal(d.n, 256);
    drained_free(&d);
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A directory entry patched to point at the root inode: the walk must list
 * the root once, yield the looping entry, and report the loop at the end. */
static void test_squashfs_dir_loop(void **state)
{
    (void)state;
    char img[512];
    assert_int_equal(run("mkdir -p '%s/loop/loopdir' && echo x > '%s/loop/loopdir/x' && echo y > "
                         "'%s/loop/y'",
                         g_dir, g_dir, g_dir),
                     0);
    /* uncompressed metadata, so the directory table can be patched in place */
    assert_int_equal(mksq("loop", "loop", "-noI -noD -noF -no-xattrs", img, sizeof(img)), 0);
    size_t n;
    uint8_t *p = read_all(img, &n);
    assert_true(n > 96);
    uint64_t root_ref = le(p + 0x20, 8), dir_start = le(p + 0x48, 8);
    assert_true(dir_start < n);
    uint8_t *hit = memmem(p + dir_start, n - (size_t)dir_start, "loopdir", 7);
    assert_non_null(hit);
    assert_true(hit - p >= (ptrdiff_t)(dir_start + 8));
    uint8_t *entry = hit - 8; /* offset u16, inode_diff s16, type u16, size u16, name */
    assert_int_equal(le(entry + 6, 2), 6);
    entry[0] = (uint8_t)(root_ref & 0xFF);
    entry[1] = (uint8_t)(root_ref >> 8 & 0xFF);
    write_file(img, p, n);
    free(p);

    drained d;
    drain(&pki_container_squashfs, img, &d);
    assert_int_equal(d.st, PK_OK);
    assert_int_equal(d.last, -1);
    assert_non_null(strstr(d.err, "1 directory loop"));
    expect(&d, "loopdir", PKI_ENT_DIR);
    expect(&d, "y", PKI_ENT_FILE);
    assert_null(find(&d, "loopdir/x"));
    assert_int_equal(d.n, 2);
    drained_free(&d);
}

/* Failing each allocation in turn ends in PK_E_NOMEM or a -1, never a crash
 * or a leak (the sanitized run checks leaks). */
static void oom_sweep(const pki_container_ops *ops, const char *path)
{
    drained d;
    drain(ops, path, &d);
    assert_int_equal(d.last, 0);
    size_t want = d.n;
    drained_free(&d);
    for (unsigned long k = 1; k < 100000; k++) {
        pki_alloc_fail_after(k);
        drain(ops, path, &d);
        pki_alloc_fail_after(0);
        int done = d.st == PK_OK && d.last == 0;
        if (d.st != PK_OK)
            assert_int_equal(d.st, PK_E_NOMEM);
        if (done) /* a failure is never swallowed: a clean end means all entries */
            assert_int_equal(d.n, want);
        drained_free(&d);
        if (done)
            return;
    }
    fail_msg("no run completed");
}

static void test_readers_oom(void **state)
{
    (void)state;
    char img[512];
    if (sq_build("gzip", img, sizeof(img)) == 0)
        oom_sweep(&pki_container_squashfs, img);
    path_in(img, sizeof(img), "plain.ole");
    oom_sweep(&pki_container_ole, img);
}

/* --- MSI name decoding -------------------------------------------------------- */

/* The inverse, as msitools stores names: two table characters per unit. */
static size_t msi_encode(const char *in, int table, char *out)
{
    static const char tab[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
    size_t o = 0;
    for (size_t i = 0; table || in[i]; table = 0) {
        const char *a = in[i] ? strchr(tab, in[i]) : NULL;
        const char *b = a && in[i + 1] ? strchr(tab, in[i + 1]) : NULL;
        unsigned u = table ? 0x4840
                     : b   ? 0x3800 + (unsigned)(a - tab) + ((unsigned)(b - tab) << 6)
                     : a   ? 0x4800 + (unsigned)(a - tab)
                           : (unsigned char)in[i];
        i += table ? 0 : b ? 2 : 1;
        if (u < 0x80) {
            out[o++] = (char)u;
            continue;
        }
        out[o++] = (char)(0xE0 | u >> 12);
        out[o++] = (char)(0x80 | (u >> 6 & 0x3F));
        out[o++] = (char)(0x80 | (u & 0x3F));
    }
    out[o] = 0;
    return o;
}

static void test_msi_name_decode(void **state)
{
    (void)state;
    /* '-' and ' ' are not in the table: kept as they are */
    const char *names[] = {"!_StringPool", "!_Tables", "product.cab", "_1.cab",
                           "Binary.xyz",   "odd",      "a-b c"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char enc[256], out[256];
        int table = names[i][0] == '!';
        size_t n = msi_encode(names[i] + table, table, enc);
        int r = pki_msi_name_decode((const uint8_t *)enc, n, out, sizeof(out));
        assert_int_equal(r, (int)strlen(names[i]));
        assert_string_equal(out, names[i]);
        assert_int_equal(pki_msi_name_decode((const uint8_t *)enc, n, out, n + 1), r);
    }
    /* \005SummaryInformation passes unchanged; control bytes are the caller's */
    char out[64];
    assert_int_equal(pki_msi_name_decode((const uint8_t *)"\005Summary", 8, out, sizeof(out)), 8);
    assert_string_equal(out, "\005Summary");
    /* too small an output, invalid and truncated UTF-8, empty input */
    char enc[64];
    size_t n = msi_encode("_StringPool", 1, enc);
    assert_int_equal(pki_msi_name_decode((const uint8_t *)enc, n, out, 5), -1);
    assert_int_equal(pki_msi_name_decode((const uint8_t *)enc, n, out, 0), -1);
    const uint8_t bad[] = {0xE3, 0x80, 0xFF, 0xE4};
    assert_int_equal(pki_msi_name_decode(bad, sizeof(bad), out, sizeof(out)), 4);
    assert_int_equal(pki_msi_name_decode(bad, 0, out, 1), 0);
    assert_string_equal(out, "");
}

/* --- OLE written with libgsf -------------------------------------------------- */

static GsfOutfile *ole_create(const char *path)
{
    GError *err = NULL;
    GsfOutput *sink = gsf_output_stdio_new(path, &err);
    assert_non_null(sink);
    GsfOutfile *ole = gsf_outfile_msole_new(sink);
    g_object_unref(sink);
    assert_non_null(ole);
    return ole;
}

static void ole_put(GsfOutfile *dir, const char *name, const void *p, size_t n)
{
    GsfOutput *s = gsf_outfile_new_child(dir, name, FALSE);
    assert_non_null(s);
    assert_true(gsf_output_write(s, n, p));
    assert_true(gsf_output_close(s));
    g_object_unref(s);
}

static void ole_finish(GsfOutfile *ole)
{
    assert_true(gsf_output_close(GSF_OUTPUT(ole)));
    g_object_unref(ole);
}

static void test_ole_plain(void **state)
{
    (void)state;
    char path[512];
    path_in(path, sizeof(path), "plain.ole");
    gsf_init();
    GsfOutfile *ole = ole_create(path);
    ole_put(ole, "Alpha", "alpha-bytes", 11);
    static uint8_t big[10000]; /* above the 4096 small-block threshold */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    GsfOutput *sub = gsf_outfile_new_child(GSF_OUTFILE(ole), "Sub", TRUE);
    assert_non_null(sub);
    ole_put(GSF_OUTFILE(sub), "Beta", big, sizeof(big));
    assert_true(gsf_output_close(sub));
    g_object_unref(sub);
    /* a name in the MSI range stays as is outside an MSI: U+3A0C */
    ole_put(ole, "\xE3\xA8\x8C", "z", 1);
    ole_finish(ole);

    drained d;
    drain(&pki_container_ole, path, &d);
    assert_int_equal(d.st, PK_OK);
    assert_string_equal(d.fmt, "ole");
    assert_int_equal(d.last, 0);
    uint8_t want[32];
    const ent *x = expect(&d, "Alpha", PKI_ENT_FILE);
    assert_int_equal(x->size, 11);
    sha256("alpha-bytes", 11, want);
    assert_memory_equal(x->sha, want, 32);
    expect(&d, "Sub", PKI_ENT_DIR);
    x = expect(&d, "Sub/Beta", PKI_ENT_FILE);
    assert_int_equal(x->size, (int64_t)sizeof(big));
    sha256(big, sizeof(big), want);
    assert_memory_equal(x->sha, want, 32);
    expect(&d, "\xE3\xA8\x8C", PKI_ENT_FILE);
    assert_int_equal(d.n, 4);
    drained_free(&d);
}

/* A compound file with the Windows Installer CLSID is "msi", names decoded. */
static void test_ole_msi_clsid_and_names(void **state)
{
    (void)state;
    char path[512], enc[128];
    path_in(path, sizeof(path), "clsid.msi");
    gsf_init();
    GsfOutfile *ole = ole_create(path);
    static const guint8 msi_clsid[16] = {0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                                         0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
    assert_true(gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(ole), msi_clsid));
    msi_encode("_StringPool", 1, enc);
    ole_put(ole, enc, "\0\0\0\0", 4);
    msi_encode("Binary.icon", 0, enc);
    ole_put(ole, enc, "ICON", 4);
    ole_finish(ole);

    drained d;
    drain(&pki_container_ole, path, &d);
    assert_int_equal(d.st, PK_OK);
    assert_string_equal(d.fmt, "msi");
    assert_int_equal(d.last, 0);
    expect(&d, "!_StringPool", PKI_ENT_FILE);
    assert_memory_equal(expect(&d, "Binary.icon", PKI_ENT_FILE)->head, "ICON", 4);
    drained_free(&d);
}

/* 70 nested storages: listing stops at 64 components, then one -1. */
static void test_ole_depth_cap(void **state)
{
    (void)state;
    char path[512];
    path_in(path, sizeof(path), "deep.ole");
    gsf_init();
    GsfOutfile *ole = ole_create(path);
    GsfOutput *chain[70];
    GsfOutfile *cur = ole;
    for (int i = 0; i < 70; i++) {
        chain[i] = gsf_outfile_new_child(cur, "S", TRUE);
        assert_non_null(chain[i]);
        cur = GSF_OUTFILE(chain[i]);
    }
    ole_put(cur, "bottom", "b", 1);
    for (int i = 69; i >= 0; i--) {
        assert_true(gsf_output_close(chain[i]));
        g_object_unref(chain[i]);
    }
    ole_finish(ole);

    drained d;
    drain(&pki_container_ole, path, &d);
    assert_int_equal(d.st, PK_OK);
    assert_int_equal(d.last, -1);
    assert_non_null(strstr(d.err, "deeper than 64"));
    assert_int_equal(max_components(&d), 64);
    drained_free(&d);
}

static void put_u32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Directories libgsf would take seconds and megabytes of stack to parse, or
 * whose sector chain loops or leaves the file, are refused before it sees them. */
static void test_ole_directory_cap(void **state)
{
    (void)state;
    char path[512], bad[512];
    path_in(path, sizeof(path), "many.ole");
    gsf_init();
    GsfOutfile *ole = ole_create(path);
    for (int i = 0; i < 4200; i++) {
        char name[16];
        snprintf(name, sizeof(name), "s%05d", i);
        ole_put(ole, name, "x", 1);
    }
    ole_finish(ole);
    drained d;
    drain(&pki_container_ole, path, &d);
    assert_int_equal(d.st, PK_E_IO);
    assert_non_null(strstr(d.err, "more than 4096 directory entries"));

    /* plain.ole from test_ole_plain: 512-byte sectors */
    path_in(path, sizeof(path), "plain.ole");
    size_t n;
    uint8_t *p = read_all(path, &n);
    uint32_t dir = (uint32_t)le(p + 0x30, 4), fat0 = (uint32_t)le(p + 0x4C, 4);
    assert_true(512 + (size_t)fat0 * 512 + (size_t)dir * 4 + 4 <= n);
    uint8_t *link = p + 512 + (size_t)fat0 * 512 + (size_t)dir * 4;
    uint32_t saved = (uint32_t)le(link, 4);
    put_u32le(link, dir); /* the directory's chain points to itself */
    path_in(bad, sizeof(bad), "dirloop.ole");
    write_file(bad, p, n);
    drain(&pki_container_ole, bad, &d);
    assert_int_equal(d.st, PK_E_IO);
    assert_non_null(strstr(d.err, "directory entries"));
    put_u32le(link, saved);
    put_u32le(p + 0x30, 0x7FFFFFF0); /* starts far past the end */
    path_in(bad, sizeof(bad), "dirfar.ole");
    write_file(bad, p, n);
    drain(&pki_container_ole, bad, &d);
    assert_int_equal(d.st, PK_E_IO);
    assert_non_null(strstr(d.err, "chain is broken"));
    free(p);
}

/* --- MSI built by msitools ----------------------------------------------------- */

static const char *WXS =
    "<?xml version='1.0'?><Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>"
    "<Product Id='*' Name='parakh-test' Language='1033' Version='1.0.0' Manufacturer='parakh' "
    "UpgradeCode='5a8c6d1e-3f2b-4c9d-8e7f-1a2b3c4d5e6f'><Package Compressed='yes'/>"
    "<Media Id='1' Cabinet='product.cab' EmbedCab='yes'/><Directory Id='TARGETDIR' "
    "Name='SourceDir'><Directory Id='ProgramFilesFolder'><Directory Id='INSTALLDIR' Name='pk'>"
    "<Component Id='Payload' Guid='0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'><File Id='payload' "
    "Source='payload.txt' KeyPath='yes'/></Component></Directory></Directory></Directory>"
    "<Feature Id='Main' Level='1'><ComponentRef Id='Payload'/></Feature></Product></Wix>\n";

/* Builds msi/t.msi once into path; 0 on success, -1 when no tool can. Debian
 * ships wixl apart from msitools: without it, msibuild and gcab build an MSI
 * of the same shape (a table, the string pool, an embedded cabinet). */
static int msi_build(char *path, size_t n)
{
    static int built; /* 0 not tried, 1 built, -1 failed */
    char p[400];      /* leaves room for "/t.msi" in a 512-byte path */
    path_in(p, sizeof(p), "msi");
    snprintf(path, n, "%s/t.msi", p);
    if (built)
        return built > 0 ? 0 : -1;
    built = -1;
    snprintf(path, n, "%s/t.wxs", p);
    if (run("mkdir -p '%s' && printf 'parakh msi payload\\n' > '%s/payload.txt'", p, p))
        return -1;
    write_file(path, WXS, strlen(WXS));
    snprintf(path, n, "%s/t.msi", p);
    if (have_tool("wixl"))
        built = run("cd '%s' && wixl -o t.msi t.wxs >/dev/null 2>&1", p) == 0 ? 1 : -1;
    else if (have_tool("msibuild") && have_tool("gcab"))
        built = run("(cd '%s' && gcab -c -z product.cab payload.txt && "
                    "msibuild t.msi -s parakh-test parakh && msibuild t.msi -q \"CREATE TABLE "
                    "\\`Property\\` (\\`Property\\` CHAR(72) NOT NULL, \\`Value\\` LONGCHAR NOT "
                    "NULL PRIMARY KEY \\`Property\\`)\" && msibuild t.msi -q \"INSERT INTO "
                    "\\`Property\\` (\\`Property\\`, \\`Value\\`) VALUES ('ProductName', 'x')\" "
                    "&& msibuild t.msi -a product.cab product.cab) >/dev/null 2>&1",
                    p) == 0
                    ? 1
                    : -1;
    return built > 0 ? 0 : -1;
}

static void test_msi_msitools(void **state)
{
    (void)state;
    char msi[512];
    if (msi_build(msi, sizeof(msi)) != 0) {
        print_message("neither wixl nor msibuild+gcab available; case skipped\n");
        skip();
        return;
    }
    drained d;
    drain(&pki_container_ole, msi, &d);
    assert_int_equal(d.st, PK_OK);
    assert_string_equal(d.fmt, "msi");
    assert_int_equal(d.last, 0);
    assert_false(d.any_read_error);
    expect(&d, "!_StringPool", PKI_ENT_FILE);
    int cab = 0; /* wixl and msibuild both name it after the Media table's cabinet */
    for (size_t i = 0; i < d.n; i++)
        cab |= strstr(d.e[i].name, ".cab") && memcmp(d.e[i].head, "MSCF", 4) == 0;
    assert_true(cab);
    drained_free(&d);
}

/* Truncated and corrupted MSIs: PK_E_IO or -1, and not one byte on stderr
 * from GLib (asserted only after stderr is back, so cmocka can report). */
static void test_msi_truncated_is_quiet(void **state)
{
    (void)state;
    char msi[512], bad[512], log[512];
    struct stat st;
    if (msi_build(msi, sizeof(msi)) != 0 || stat(msi, &st) != 0) {
        skip();
        return;
    }
    path_in(bad, sizeof(bad), "bad.msi");
    path_in(log, sizeof(log), "stderr.log");
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600), saved = dup(2);
    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    close(fd);
    const size_t keep[] = {
        (size_t)st.st_size / 2, (size_t)st.st_size * 3 / 4, 1024, 600, 100, SIZE_MAX};
    int ok = 1;
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        mutate(msi, bad, keep[i], keep[i] == SIZE_MAX ? 2048 : 0);
        drained d;
        drain(&pki_container_ole, bad, &d);
        /* the corrupted one may or may not be noticed; it must not crash */
        ok &= keep[i] == SIZE_MAX ||
              (d.st == PK_OK ? d.last == -1 || d.any_read_error : d.st == PK_E_IO);
        drained_free(&d);
    }
    /* a directory entry of unknown type: libgsf warns and drops it */
    size_t n;
    uint8_t *p = read_all(msi, &n);
    size_t ss = (size_t)1 << (le(p + 0x1E, 2) & 15), at = (le(p + 0x30, 4) + 1) * ss + 128 + 0x42;
    if (at < n)
        p[at] = 0x50;
    write_file(bad, p, n);
    free(p);
    drained d;
    drain(&pki_container_ole, bad, &d);
    drained_free(&d);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_true(ok && at < n);
    free(read_all(log, &n));
    assert_int_equal(n, 0);
}

/* --- setup ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof(g_dir), "%s/pk-containers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir))
        return -1;
    return sq_setup(state);
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_dir[0] && !getenv("PK_KEEP_TMP"))
        run("rm -rf '%s'", g_dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_squashfs_compressors),
        cmocka_unit_test(test_squashfs_truncated_and_corrupt),
        cmocka_unit_test(test_squashfs_depth_cap),
        cmocka_unit_test(test_squashfs_dir_loop),
        cmocka_unit_test(test_msi_name_decode),
        cmocka_unit_test(test_ole_plain),
        cmocka_unit_test(test_ole_msi_clsid_and_names),
        cmocka_unit_test(test_ole_depth_cap),
        cmocka_unit_test(test_ole_directory_cap),
        cmocka_unit_test(test_readers_oom),
        cmocka_unit_test(test_msi_msitools),
        cmocka_unit_test(test_msi_truncated_is_quiet),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
