/* Fuzz target for the YAML draft writer (lib/csaf/draft*.c,
 * docs/csaf-draft.md): any bytes either give a CSAF document (valid JSON,
 * ending with a newline) or a refusal with one message naming a line. With
 * a fixed "now" the same input must give the same bytes twice. Seeds:
 * tests/fuzz/corpus/csaf_draft/ (an advisory and a VEX draft, hex). */
#include <jansson.h>
#include <parakh/csaf.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT + 16)
        return 0;
    pk_csaf_draft_opts o = {.now = "2026-11-26T12:00:00Z"};
    char *out = NULL, *again = NULL, err[512] = "";
    size_t len = 0, len2 = 0;
    pk_status st = pk_csaf_draft(d, n, &o, &out, &len, err, sizeof err);
    if (st == PK_OK) {
        if (!out || len == 0 || out[len - 1] != '\n' || strlen(out) != len)
            __builtin_trap();
        json_t *j = json_loadb(out, len, JSON_REJECT_DUPLICATES, NULL);
        if (!j)
            __builtin_trap(); /* the writer must always write JSON */
        json_decref(j);
        if (pk_csaf_draft(d, n, &o, &again, &len2, err, sizeof err) != PK_OK || len2 != len ||
            memcmp(out, again, len))
            __builtin_trap(); /* deterministic */
    } else if (st != PK_E_NOMEM && (st != PK_E_FORMAT || strncmp(err, "draft", 5))) {
        __builtin_trap(); /* a refusal says "draft line N: ..." */
    }
    pk_csaf_free(out);
    pk_csaf_free(again);
    return 0;
}
