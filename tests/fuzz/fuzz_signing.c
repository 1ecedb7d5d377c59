/* Fuzzes the signing analyzer (a jar's central directory, META-INF members
 * inflated, MANIFEST.MF and .SF parsing, PKCS#7 over the .SF, entry digests)
 * through the harness, as the walk would run it. */
#include "walk/emit_int.h"
#include "walk/harness_int.h"

#include <stdlib.h>

extern const pk_analyzer pki_analyzer_signing;

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pki_harness_run(&pki_analyzer_signing, (pk_bytes){data, size}, "fuzz.jar", &rec);
    free(json_dumps(rec.facts, JSON_COMPACT)); /* serialize every fact */
    pki_frec_fini(&rec);
    return 0;
}
