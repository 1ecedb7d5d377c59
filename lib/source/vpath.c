/* Evidence paths: containers joined by "!/" (as Java's jar: URLs), with the
 * separator's characters percent-encoded inside names so a path splits one way. */
#include "unpack_int.h"

#include "../core/core_int.h"

#include <string.h>

char *pki_vpath_join(const char *container, const char *name)
{
    size_t cl = strlen(container), nl = strlen(name);
    /* worst case every byte becomes %XX */
    if (nl > (SIZE_MAX - cl - 4) / 3)
        return NULL;
    char *out = pki_malloc(cl + 2 + nl * 3 + 1);
    if (!out)
        return NULL;
    memcpy(out, container, cl);
    size_t o = cl;
    out[o++] = '!';
    out[o++] = '/';
    const char *p = name;
    /* "./x" and "x" are the same entry to a reader; keep evidence short */
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    static const char hex[] = "0123456789ABCDEF";
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '!' || c == '%' || c < 0x20 || c == 0x7f) {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    /* a directory-style trailing slash is not part of a file's name */
    while (o > cl + 2 && out[o - 1] == '/')
        o--;
    out[o] = 0;
    return out;
}
