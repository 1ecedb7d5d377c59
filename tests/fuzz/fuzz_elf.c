/* Fuzz target for the ELF analyzer: runs it alone on the input, as the walk
 * would on a file whose content starts with \177ELF, and frees everything.
 * Seeds: the .hex files in tests/fuzz/corpus/elf/; crashes found: tests/fuzz/crashes/elf/. */
#include "analyzers/elf/elf_int.h"
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20) /* bigger inputs add time, not new paths */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(&pki_analyzer_elf, b, "fuzz/elf", &rec);
    pki_frec_fini(&rec);
    return 0;
}
