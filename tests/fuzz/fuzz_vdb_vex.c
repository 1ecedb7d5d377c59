/* Fuzz target for the CycloneDX VEX loader behind --vex (lib/vulndb/vex.c):
 * the input is written to a temporary file and loaded. A refusal leaves no
 * statements and says why; every statement has an id, a ref and a state.
 * Seeds: tests/fuzz/corpus/vdb_vex/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vulndb/vdb_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static char path[64];
    static int fd = -1;
    if (fd < 0) {
        snprintf(path, sizeof path, "/tmp/pk-fuzz-vex-XXXXXX");
        if ((fd = mkstemp(path)) < 0)
            __builtin_trap();
    }
    if (n > FUZZ_MAX_INPUT)
        return 0;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, d, n, 0) != (ssize_t)n)
        __builtin_trap();
    pki_vexst *v = NULL;
    size_t k = 0;
    char err[512] = "";
    pk_status st = pki_vex_load(path, &v, &k, err, sizeof err);
    if (st != PK_OK) {
        if (v || k || !err[0] || (st != PK_E_FORMAT && st != PK_E_LIMIT && st != PK_E_NOMEM))
            __builtin_trap();
        return 0;
    }
    for (size_t i = 0; i < k; i++)
        if (!v[i].vuln || !v[i].ref || !*v[i].ref || v[i].state == PK_VEX_NONE ||
            v[i].state > PK_VEX_UNDER_INVESTIGATION)
            __builtin_trap();
    pki_vex_free(v, k);
    return 0;
}
