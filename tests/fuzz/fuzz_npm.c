/* Fuzz target for the npm analyzer: the first byte picks the file's role
 * (installed package.json, project package.json, package-lock.json, hidden
 * lock), the rest is its content. Seeds: the .hex files in tests/fuzz/corpus/npm/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_npm;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "a.tar!/app/node_modules/@s/x/node_modules/y/package.json",
        "app/package.json",
        "x.tgz!/package-lock.json",
        "app/node_modules/.package-lock.json",
    };
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d + 1, n - 1};
    pki_harness_run(&pki_analyzer_npm, b, paths[d[0] & 3], &rec);
    pki_frec_fini(&rec);
    return 0;
}
