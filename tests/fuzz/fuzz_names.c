/* Fuzz target: hostile entry names and link targets (evidence paths, the
 * traversal and link-escape checks, path resolution through symlinks).
 * Input: name, NUL, target. */
#include <stdint.h>
#include <string.h>

#include "core/core_int.h"
#include "source/linkmap_int.h"
#include "source/unpack_int.h"

int pki_unpack_name_escapes(const char *n);
int pki_unpack_link_escapes(const char *name, const char *target, int hard);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > 65536)
        return 0;
    char *buf = pki_malloc(n + 2);
    if (!buf)
        return 0;
    memcpy(buf, d, n);
    buf[n] = 0;
    buf[n + 1] = 0;
    const char *name = buf;
    const char *target = buf + strlen(buf) + 1;
    if (target > buf + n)
        target = buf + n + 1;
    char *v = pki_vpath_join("outer.zip", name);
    if (v) {
        /* the separator never appears inside an encoded name */
        if (strstr(v + strlen("outer.zip!/"), "!/"))
            __builtin_trap();
        pki_free(v);
    }
    (void)pki_unpack_name_escapes(name);
    (void)pki_unpack_link_escapes(name, target, 0);
    (void)pki_unpack_link_escapes(name, target, 1);
    /* links built from the input: name -> target, target -> name, then paths through both */
    pki_linkmap *m = pki_linkmap_new();
    if (m) {
        pki_linkmap_add(m, name, target);
        pki_linkmap_add(m, target, name);
        (void)pki_linkmap_escapes(m, name);
        (void)pki_linkmap_escapes(m, target);
        pki_linkmap_free(m);
    }
    pki_free(buf);
    return 0;
}
