/* Fuzz target for the rust analyzer: runs it alone on the input and checks
 * that every component's byte range lies inside it. Seeds (tests/fuzz/corpus/
 * rust/) are small ELF, PE and Mach-O images with a .dep-v0 section (zlib
 * JSON) and Cargo registry paths, so the section, inflate, JSON and
 * panic-path code is reached; crashes found: tests/fuzz/crashes/rust/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20) /* bigger inputs add time, not new paths */

extern const pk_analyzer pki_analyzer_rust;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(&pki_analyzer_rust, b, "fuzz/rust", &rec);
    json_t *o;
    size_t i;
    json_array_foreach(rec.components, i, o)
    {
        json_t *off = json_object_get(o, "offset"), *len = json_object_get(o, "length");
        if (off && ((uint64_t)json_integer_value(off) > n ||
                    (uint64_t)json_integer_value(len) > n - (uint64_t)json_integer_value(off)))
            __builtin_trap();
    }
    pki_frec_fini(&rec);
    return 0;
}
