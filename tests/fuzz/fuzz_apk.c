/* Fuzz target for the apk analyzer: the first byte picks the file's role
 * (lib/apk/db/installed, an .apk's .PKGINFO), the rest is its content;
 * every component's byte range must lie inside the input.
 * Seeds: the .hex files in tests/fuzz/corpus/apk/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_apk;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "r.tar!/lib/apk/db/installed",
        "x.apk!/.PKGINFO",
    };
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d + 1, n - 1};
    pki_harness_run(&pki_analyzer_apk, b, paths[d[0] & 1], &rec);
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
