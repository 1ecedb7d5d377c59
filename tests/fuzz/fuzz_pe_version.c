/* Fuzzes the VS_VERSIONINFO parser alone on raw bytes. */
#include "analyzers/pe/pe_int.h"
#include "walk/emit_int.h"

#include <stdlib.h>

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    json_t *o = json_object();
    if (!o)
        return 0;
    pki_pe_bad bad;
    if (!pki_pe_version_parse((pk_bytes){data, size}, (pk_fact *)o, &bad) && !bad.what)
        abort(); /* a failure always says what */
    free(json_dumps(o, JSON_COMPACT));
    json_decref(o);
    return 0;
}
