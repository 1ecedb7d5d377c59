/* Fuzz target for the python analyzer: the first byte picks the file's role
 * (dist-info METADATA in a wheel, egg-info PKG-INFO, an egg-info file, a
 * RECORD), the rest is its content. Seeds: the .hex files in
 * tests/fuzz/corpus/python/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "d/x-1.0-py3-none-any.whl!/x-1.0.dist-info/METADATA",
        "r.tar!/usr/lib/python3/dist-packages/x-1.0.egg-info/PKG-INFO",
        "usr/lib/python3/dist-packages/x-1.0.egg-info",
        "site-packages/x_y-1.0.dist-info/RECORD",
    };
    return pkf_run_role(&pki_analyzer_python, d, n, paths, sizeof paths / sizeof paths[0]);
}
