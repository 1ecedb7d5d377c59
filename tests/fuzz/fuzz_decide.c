/* Fuzz target for the decision engine (lib/decide/): the input is read as a
 * profile, as a waiver file and as a native report; the report is assessed
 * against the input's own profile when it parsed (else the shipped
 * pss-critical) with the input's waivers, and every writer renders the
 * result. Seeds: tests/fuzz/corpus/decide/; crashes: tests/fuzz/crashes/decide/. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decide/decide_int.h"

#define FUZZ_MAX_INPUT (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static pk_profile *shipped;
    static FILE *sink;
    if (!shipped && pk_profile_load("pss-critical", &shipped, NULL, 0) != PK_OK)
        __builtin_trap();
    if (!sink && !(sink = fopen("/dev/null", "w")))
        __builtin_trap();
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    const char *buf = (const char *)d;
    char err[256] = "";
    pk_profile *p = NULL;
    pk_waivers *w = NULL;
    pk_status st = pk_profile_parse(buf, n, "fuzz", &p, err, sizeof err);
    if (st != PK_OK && (p || !err[0]))
        __builtin_trap(); /* a refusal leaves nothing and says why */
    err[0] = 0;
    st = pk_waivers_parse(buf, n, "fuzz", &w, err, sizeof err);
    if (st != PK_OK && (w || !err[0]))
        __builtin_trap();
    pk_assessment *a = NULL;
    st = pk_assess(p ? p : shipped, w, buf, n, "2026-11-26", &a, err, sizeof err);
    if ((st == PK_OK) != (a != NULL))
        __builtin_trap();
    if (a) {
        int s = pk_assessment_score(a);
        if (s < 0 || s > 100 || (unsigned)pk_assessment_verdict(a) > PK_VERDICT_REJECT)
            __builtin_trap();
        if (pk_assessment_write(a, "json", sink) != PK_OK ||
            pk_assessment_write(a, "text", sink) != PK_OK ||
            pk_assessment_write(a, "questions", sink) != PK_OK ||
            pk_assessment_write(a, "sarif", sink) != PK_OK ||
            pk_assessment_write(a, "markdown", sink) != PK_OK ||
            pk_assessment_write(a, "html", sink) != PK_OK)
            __builtin_trap();
    }
    pk_assessment_free(a);
    pk_waivers_free(w);
    pk_profile_free(p);
    return 0;
}
