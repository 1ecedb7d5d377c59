/* One bounded whole-file reader for the small inputs parakh loads into
 * memory (SBOMs, VEX documents, mirrors' files): a regular file only, its
 * size checked against the caller's limit before anything is allocated, and
 * a file that changes size while read is an error, not a short buffer. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_int.h"

pk_status pki_read_file(const char *path, size_t max, unsigned flags, char **buf, size_t *len,
                        char *why, size_t whylen)
{
    if (why && whylen)
        why[0] = 0;
    if (!path || !buf || !len)
        return PK_E_MISUSE;
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | ((flags & PKI_RF_NOFOLLOW) ? O_NOFOLLOW : 0));
    if (fd < 0) {
        int e = errno;
        if (why)
            snprintf(why, whylen, "cannot open: %s",
                     e == ELOOP && (flags & PKI_RF_NOFOLLOW) ? "a symbolic link" : strerror(e));
        return PK_E_IO;
    }
    struct stat sb;
    pk_status st = PK_OK;
    if (fstat(fd, &sb) != 0) {
        if (why)
            snprintf(why, whylen, "cannot stat: %s", strerror(errno));
        st = PK_E_IO;
    } else if (!S_ISREG(sb.st_mode)) {
        if (why)
            snprintf(why, whylen, "not a regular file");
        st = PK_E_IO;
    } else if ((uint64_t)sb.st_size > max) {
        if (why)
            snprintf(why, whylen, "larger than %zu bytes", max);
        st = PK_E_LIMIT;
    }
    size_t n = st == PK_OK ? (size_t)sb.st_size : 0, got = 0;
    char *b = st == PK_OK ? pki_malloc(n + 1) : NULL;
    if (st == PK_OK && !b) {
        if (why)
            snprintf(why, whylen, "out of memory");
        st = PK_E_NOMEM;
    }
    while (st == PK_OK && got <= n) {
        /* one byte past the size: a file that grew is caught, not cut */
        ssize_t r = read(fd, b + got, n + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            if (why)
                snprintf(why, whylen, "read error: %s", strerror(errno));
            st = PK_E_IO;
        } else if (r == 0) {
            break;
        } else {
            got += (size_t)r;
        }
    }
    close(fd);
    if (st == PK_OK && got != n) {
        if (why)
            snprintf(why, whylen, "the file changed size while it was read");
        st = PK_E_IO;
    }
    if (st != PK_OK) {
        pki_free(b);
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return PK_OK;
}

void pki_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
