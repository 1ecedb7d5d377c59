/* Fuzz target for the keys analyzer: runs it alone on the input (PEM text,
 * string literals, binaries, DER, OpenSSH, PuTTY, OpenPGP) and checks that
 * every finding's range and evidence lie inside it.
 * Seeds: the .hex files in tests/fuzz/corpus/keys/; crashes found: tests/fuzz/crashes/keys/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return pkf_run(&pki_analyzer_keys, d, n, "fuzz/keys", NULL);
}
