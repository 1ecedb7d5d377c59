/* Fuzz target for the rust analyzer: runs it alone on the input and checks
 * that every component's byte range lies inside it. Seeds (tests/fuzz/corpus/
 * rust/) are small ELF, PE and Mach-O images with a .dep-v0 section (zlib
 * JSON) and Cargo registry paths, so the section, inflate, JSON and
 * panic-path code is reached; crashes found: tests/fuzz/crashes/rust/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_rust, d, n, "fuzz/rust", NULL);
}
