/* Fuzz target: the diff reader (lib/diff/) on hostile report pairs. The
 * input is split at its first NUL byte into the old and the new report's
 * JSON text (no NUL: the same text twice); both go through
 * pk_diff_reports, and a diff made is written in all three formats. Members
 * of any type, size and nesting must be read defensively. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diff/diff_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > (1u << 20))
        return 0;
    const char *a = (const char *)d, *b = a;
    size_t na = n, nb = n;
    const uint8_t *z = memchr(d, 0, n);
    if (z) {
        na = (size_t)(z - d);
        b = (const char *)z + 1;
        nb = n - na - 1;
    }
    pk_diff *df = NULL;
    char err[256];
    pk_status st = pk_diff_reports(a, na, b, nb, "old", "new", &df, err, sizeof err);
    if (st == PK_OK) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            if (pk_diff_write(df, "text", null) != PK_OK ||
                pk_diff_write(df, "markdown", null) != PK_OK ||
                pk_diff_write(df, "json", null) != PK_OK)
                __builtin_trap();
            fclose(null);
        }
        /* the same pair with a verdict set must stay writable */
        if (pk_diff_set_verdicts(df, "APPROVE", "REJECT", "p") != PK_OK || !pk_diff_worse(df))
            __builtin_trap();
        pk_diff_free(df);
    } else if (st != PK_E_USAGE && st != PK_E_NOMEM) {
        __builtin_trap();
    } else if (!err[0]) {
        __builtin_trap(); /* a refusal always says why */
    }
    return 0;
}
