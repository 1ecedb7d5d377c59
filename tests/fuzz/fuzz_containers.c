/* Fuzz target: the container readers (libarchive, squashfs, OLE/MSI) and
 * their own directory walks on arbitrary bytes, plus the MSI stream-name
 * decoder. Every entry is listed and read to its end, with caps so a fuzz
 * input cannot run long. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/container_int.h"

int pki_msi_name_decode(const uint8_t *utf8, size_t n, char *out, size_t outlen);

static void drain(const pki_container_ops *ops, const char *path)
{
    pki_container *c = NULL;
    const char *fmt = NULL;
    char err[256];
    if (ops->open(path, &c, &fmt, err, sizeof err) != PK_OK)
        return;
    static char buf[65536];
    pki_entry e;
    for (int n = 0; n < 1000 && ops->next(c, &e, err, sizeof err) == 1; n++) {
        if (!e.name)
            __builtin_trap();
        size_t total = 0;
        ssize_t r;
        while (total < (4u << 20) && (r = ops->read(c, buf, sizeof buf, err, sizeof err)) > 0)
            total += (size_t)r;
    }
    ops->close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > (1u << 20))
        return 0;
    char out[1024];
    pki_msi_name_decode(d, n < 256 ? n : 256, out, sizeof out);

    char path[] = "/tmp/pk-fuzz-containers-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, d, n) != (ssize_t)n) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    drain(&pki_container_squashfs, path);
    drain(&pki_container_ole, path);
    drain(&pki_container_libarchive, path);
    unlink(path);
    return 0;
}
