/* Fuzz target for the python analyzer: the first byte picks the file's role
 * (dist-info METADATA in a wheel, egg-info PKG-INFO, an egg-info file, a
 * RECORD), the rest is its content. Seeds: the .hex files in
 * tests/fuzz/corpus/python/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_python;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "d/x-1.0-py3-none-any.whl!/x-1.0.dist-info/METADATA",
        "r.tar!/usr/lib/python3/dist-packages/x-1.0.egg-info/PKG-INFO",
        "usr/lib/python3/dist-packages/x-1.0.egg-info",
        "site-packages/x_y-1.0.dist-info/RECORD",
    };
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d + 1, n - 1};
    pki_harness_run(&pki_analyzer_python, b, paths[d[0] & 3], &rec);
    pki_frec_fini(&rec);
    return 0;
}
