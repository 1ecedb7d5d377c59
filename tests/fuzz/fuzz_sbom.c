/* Fuzz target for the SBOM reader (lib/inventory/sbom_read.c): parses the
 * input as a CycloneDX or SPDX JSON document from memory, and when it reads,
 * writes the inventory in every format (to /dev/null), so the writers see
 * whatever the reader lets through. Seeds: the .hex files in tests/fuzz/corpus/sbom/;
 * crashes found: tests/fuzz/crashes/sbom/. */
#include <stdio.h>

#include "inventory/writer_int.h"

#define FUZZ_MAX_INPUT (1u << 20) /* bigger inputs add time, not new paths */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pk_inventory *inv = NULL;
    char err[256];
    pk_status st = pki_sbom_read_buf((const char *)d, n, "fuzz.json", &inv, err, sizeof(err));
    if (st != PK_OK) {
        if (inv || !err[0])
            __builtin_trap(); /* a failure leaves no inventory and says why */
        return 0;
    }
    static const char *const fmts[] = {"cyclonedx", "cyclonedx-1.5", "spdx"};
    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        pk_sbom_opts o;
        pk_sbom_opts_default(&o);
        o.format = fmts[i];
        o.reproducible = 1;
        if (pk_inventory_write(inv, &o, null) != PK_OK)
            __builtin_trap();
    }
    pk_inventory_free(inv);
    return 0;
}
