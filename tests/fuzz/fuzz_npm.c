/* Fuzz target for the npm analyzer: the first byte picks the file's role
 * (installed package.json, project package.json, package-lock.json, hidden
 * lock), the rest is its content. Seeds: the .hex files in tests/fuzz/corpus/npm/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "a.tar!/app/node_modules/@s/x/node_modules/y/package.json",
        "app/package.json",
        "x.tgz!/package-lock.json",
        "app/node_modules/.package-lock.json",
    };
    return pkf_run_role(&pki_analyzer_npm, d, n, paths, sizeof paths / sizeof paths[0]);
}
