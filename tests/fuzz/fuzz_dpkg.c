/* Fuzz target for the dpkg analyzer: the first byte picks the file's role
 * (status, distroless status.d, a .deb's control, info/<pkg>.list,
 * a DEP-5 copyright), the rest
 * is its content; every component's byte range must lie inside the input.
 * Seeds: the .hex files in tests/fuzz/corpus/dpkg/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_dpkg;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "r.tar!/var/lib/dpkg/status",      "r/var/lib/dpkg/status.d/base",
        "x.deb!/control.tar.xz!/control",  "var/lib/dpkg/info/libx1:amd64.list",
        "r/usr/share/doc/libx1/copyright",
    };
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d + 1, n - 1};
    pki_harness_run(&pki_analyzer_dpkg, b, paths[d[0] % 5], &rec);
    size_t i;
    json_t *c;
    json_array_foreach(rec.components, i, c)
    {
        json_t *off = json_object_get(c, "offset"), *len = json_object_get(c, "length");
        if (off && (json_integer_value(off) < 0 || json_integer_value(len) < 0 ||
                    (size_t)json_integer_value(off) + (size_t)json_integer_value(len) > n - 1))
            __builtin_trap();
    }
    pki_frec_fini(&rec);
    return 0;
}
