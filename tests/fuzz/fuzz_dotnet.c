/* Fuzz target for the dotnet analyzer: the input is a deps.json named after
 * a project it may list. Seeds: the .hex files in tests/fuzz/corpus/dotnet/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_dotnet;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(&pki_analyzer_dotnet, b, "img.tar!/app/A.deps.json", &rec);
    pki_frec_fini(&rec);
    return 0;
}
