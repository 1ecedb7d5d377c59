/* Fuzz target for the binsig analyzer: runs it alone on the input (any file
 * type) and checks that every component's range and matched bytes lie inside
 * it. Seeds: the .hex files in tests/fuzz/corpus/binsig/; crashes found:
 * tests/fuzz/crashes/binsig/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20) /* bigger inputs add time, not new paths */

extern const pk_analyzer pki_analyzer_binsig;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(&pki_analyzer_binsig, b, "fuzz/binsig", &rec);
    size_t i;
    json_t *c;
    json_array_foreach(rec.components, i, c)
    {
        json_int_t off = json_integer_value(json_object_get(c, "offset"));
        json_int_t len = json_integer_value(json_object_get(c, "length"));
        const char *v = json_string_value(json_object_get(c, "version"));
        if (off < 0 || len <= 0 || (uint64_t)off > n || (uint64_t)len > n - (uint64_t)off || !v ||
            !*v)
            __builtin_trap();
    }
    pki_frec_fini(&rec);
    return 0;
}
