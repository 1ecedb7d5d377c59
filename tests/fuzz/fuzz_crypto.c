/* Fuzz target for the crypto analyzer: runs it alone on the input (any file
 * type) and checks that every finding's range and evidence lie inside it.
 * Seeds: the .hex files in tests/fuzz/corpus/crypto/; crashes found: tests/fuzz/crashes/crypto/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_crypto, d, n, "fuzz/crypto", NULL);
}
