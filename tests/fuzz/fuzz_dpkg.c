/* Fuzz target for the dpkg analyzer: the first byte picks the file's role
 * (status, distroless status.d, a .deb's control, info/<pkg>.list,
 * a DEP-5 copyright), the rest
 * is its content; every component's byte range must lie inside the input.
 * Seeds: the .hex files in tests/fuzz/corpus/dpkg/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "r.tar!/var/lib/dpkg/status",      "r/var/lib/dpkg/status.d/base",
        "x.deb!/control.tar.xz!/control",  "var/lib/dpkg/info/libx1:amd64.list",
        "r/usr/share/doc/libx1/copyright",
    };
    return pkf_run_role(&pki_analyzer_dpkg, d, n, paths, sizeof paths / sizeof paths[0]);
}
