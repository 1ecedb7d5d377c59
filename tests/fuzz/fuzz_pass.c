/* Fuzz target: content type detection and the two matcher users (strings,
 * embedded) with their look-back window arithmetic, on arbitrary bytes. */
#include <stdint.h>
#include <string.h>

#include "source/ftype_int.h"
#include "walk/harness_int.h"

extern const pk_analyzer pki_analyzer_strings;
extern const pk_analyzer pki_analyzer_embedded;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > (1u << 20))
        return 0;
    (void)pki_ftype_detect((pk_bytes){d, n}, n);
    const pk_analyzer *as[] = {&pki_analyzer_strings, &pki_analyzer_embedded};
    for (size_t i = 0; i < 2; i++) {
        pki_frec r;
        if (pki_frec_init(&r) != PK_OK)
            return 0;
        pki_harness_run(as[i], (pk_bytes){d, n}, "fuzz", &r);
        for (size_t k = 0; k < r.nstr; k++)
            if (r.strings[k].offset + r.strings[k].len > n)
                __builtin_trap(); /* a string must lie inside the input */
        pki_frec_fini(&r);
    }
    return 0;
}
