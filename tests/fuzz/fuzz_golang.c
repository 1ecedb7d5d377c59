/* Fuzz target for the golang analyzer: runs it alone on the input and checks
 * that every component's byte range lies inside it. Seeds (tests/fuzz/corpus/
 * golang/) are ELF images with an inline (Go >= 1.18) build info blob and a
 * pointer-format (Go < 1.18) one, so the header and ELF segment paths are
 * reached; crashes found: tests/fuzz/crashes/golang/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_golang, d, n, "fuzz/golang", NULL);
}
