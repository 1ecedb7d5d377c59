/* Fuzz target for the binsig analyzer: runs it alone on the input (any file
 * type) and checks that every component's range and matched bytes lie inside
 * it. Seeds: the .hex files in tests/fuzz/corpus/binsig/; crashes found:
 * tests/fuzz/crashes/binsig/. */
#include "fuzz_analyzer.h"

/* Beyond the range check: every record has a byte range (a matched banner,
 * so not empty) and a version. */
static void check(const json_t *c, size_t n)
{
    json_int_t len = json_integer_value(json_object_get(c, "length"));
    const char *v = json_string_value(json_object_get(c, "version"));
    if (len <= 0 || (uint64_t)len > n || !v || !*v)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_binsig, d, n, "fuzz/binsig", check);
}
