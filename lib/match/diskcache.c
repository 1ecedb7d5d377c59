/* The serialized matcher database on disk. A cache file is trusted only when
 * the directory and the file belong to this user and nobody else can write
 * them, and the SHA-256 in its header matches its bytes; vectorscan then
 * checks the version and the CPU features the database was built for. */
#include "diskcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../core/core_int.h"

#define MAGIC      "PKHSDB01"
#define HDR_LEN    (8 + 32 + 32 + 8)
#define MAX_BLOB   (512ull << 20)
#define KEEP_FILES 6 /* pattern sets differ with options; keep a few */

static int sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned len = 0;
    return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

static int path_for(char *buf, size_t cap, const char *dir, const uint8_t key[32])
{
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    int n = snprintf(buf, cap, "%s/hsdb-%s.bin", dir, hex);
    return n > 0 && (size_t)n < cap;
}

/* Ours and writable by nobody else. */
static int private_stat(const struct stat *st)
{
    return st->st_uid == geteuid() && (st->st_mode & 022) == 0;
}

static int dir_ok(const char *dir)
{
    struct stat st;
    return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && private_stat(&st);
}

/* mkdir -p with 0700 for the parts that are missing. */
static int make_dir(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return 0;
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return 0;
        p[i] = c;
    }
    return dir_ok(dir);
}

static int read_all(int fd, uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        p += r;
        n -= (size_t)r;
    }
    return 1;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

hs_database_t *pki_hsdb_load(const char *dir, const uint8_t key[32])
{
    char path[4200];
    if (!dir || !*dir || !dir_ok(dir) || !path_for(path, sizeof path, dir, key))
        return NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    hs_database_t *db = NULL;
    uint8_t *buf = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !private_stat(&st) || st.st_size < HDR_LEN ||
        (uint64_t)st.st_size > MAX_BLOB + HDR_LEN)
        goto out;
    size_t size = (size_t)st.st_size;
    if (!(buf = pki_malloc(size)) || !read_all(fd, buf, size))
        goto out;
    uint64_t blen = 0;
    for (int i = 0; i < 8; i++)
        blen |= (uint64_t)buf[72 + i] << (8 * i);
    uint8_t md[32];
    if (memcmp(buf, MAGIC, 8) != 0 || memcmp(buf + 8, key, 32) != 0 || blen != size - HDR_LEN ||
        !sha256(buf + HDR_LEN, (size_t)blen, md) || memcmp(md, buf + 40, 32) != 0)
        goto out;
    if (hs_deserialize_database((const char *)buf + HDR_LEN, (size_t)blen, &db) != HS_SUCCESS)
        db = NULL;
    else
        (void)futimens(fd, NULL); /* recently used: pruned last */
out:
    pki_free(buf);
    close(fd);
    return db;
}

/* Removes the oldest cache files beyond KEEP_FILES (of the first 64 seen). */
typedef struct entry {
    char name[80];
    time_t mtime;
} entry;

static int newer_first(const void *a, const void *b)
{
    time_t x = ((const entry *)a)->mtime, y = ((const entry *)b)->mtime;
    return (x < y) - (x > y);
}

static void prune(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    entry list[64];
    size_t n = 0;
    struct dirent *e;
    while (n < 64 && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        struct stat st;
        if (l != 5 + 64 + 4 || strncmp(e->d_name, "hsdb-", 5) ||
            strcmp(e->d_name + l - 4, ".bin") ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        memcpy(list[n].name, e->d_name, l + 1);
        list[n++].mtime = st.st_mtime;
    }
    qsort(list, n, sizeof list[0], newer_first);
    for (size_t i = KEEP_FILES; i < n; i++)
        (void)unlinkat(dirfd(d), list[i].name, 0);
    closedir(d);
}

void pki_hsdb_store(const char *dir, const uint8_t key[32], const hs_database_t *db)
{
    char path[4200], tmp[4200];
    if (!dir || !*dir || !db || !make_dir(dir) || !path_for(path, sizeof path, dir, key))
        return;
    char *bytes = NULL;
    size_t len = 0;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS || !bytes)
        return;
    uint8_t hdr[HDR_LEN];
    memcpy(hdr, MAGIC, 8);
    memcpy(hdr + 8, key, 32);
    for (int i = 0; i < 8; i++)
        hdr[72 + i] = (uint8_t)((uint64_t)len >> (8 * i));
    int n = snprintf(tmp, sizeof tmp, "%s/hsdb-XXXXXX", dir);
    int fd = -1;
    if (len <= MAX_BLOB && sha256(bytes, len, hdr + 40) && n > 0 && (size_t)n < sizeof tmp &&
        (fd = mkstemp(tmp)) >= 0) {
        int ok =
            fchmod(fd, 0600) == 0 && write_all(fd, hdr, sizeof hdr) && write_all(fd, bytes, len);
        ok = close(fd) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
            (void)unlink(tmp);
        else
            prune(dir);
    }
    free(bytes); /* vectorscan's misc allocator is malloc */
}
