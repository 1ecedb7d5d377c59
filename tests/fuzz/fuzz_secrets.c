/* Fuzz target for the secrets analyzer: runs it alone on the input (text with
 * assignments, tokens, binaries) and checks that every finding's range and
 * evidence lie inside it. Seeds: the .hex files in tests/fuzz/corpus/secrets/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_secrets, d, n, "fuzz/secrets.conf", NULL);
}
