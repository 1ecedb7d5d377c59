/* Fuzz target for the dotnet analyzer: the input is a deps.json named after
 * a project it may list. Seeds: the .hex files in tests/fuzz/corpus/dotnet/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_dotnet, d, n, "img.tar!/app/A.deps.json", NULL);
}
