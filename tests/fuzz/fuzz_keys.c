/* Fuzz target for the keys analyzer: runs it alone on the input (PEM text,
 * string literals, binaries, DER, OpenSSH, PuTTY, OpenPGP) and checks that
 * every finding's range and evidence lie inside it.
 * Seeds: the .hex files in tests/fuzz/corpus/keys/; crashes found: tests/fuzz/crashes/keys/. */
#include "fuzz_analyzer.h"

extern const pk_analyzer pki_analyzer_keys;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(&pki_analyzer_keys, b, "fuzz/keys", &rec);
    for (size_t i = 0; i < rec.nfind; i++) {
        const pk_finding *f = &rec.findings[i];
        if (f->loc.offset > n || f->loc.length > n - f->loc.offset ||
            f->evidence.len > n - f->loc.offset)
            __builtin_trap();
    }
    pki_frec_fini(&rec);
    return 0;
}
