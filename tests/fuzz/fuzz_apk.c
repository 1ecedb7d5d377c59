/* Fuzz target for the apk analyzer: the first byte picks the file's role
 * (lib/apk/db/installed, an .apk's .PKGINFO), the rest is its content;
 * every component's byte range must lie inside the input.
 * Seeds: the .hex files in tests/fuzz/corpus/apk/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "r.tar!/lib/apk/db/installed",
        "x.apk!/.PKGINFO",
    };
    return pkf_run_role(&pki_analyzer_apk, d, n, paths, sizeof paths / sizeof paths[0]);
}
