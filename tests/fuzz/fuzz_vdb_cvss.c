/* Fuzz target for the CVSS base-score calculator (lib/vulndb/cvss.c): the
 * input is a vector string. An accepted vector must give a version the
 * calculator knows and a score in 0.0..10.0 with one decimal, and its band
 * must be a severity; the calculator must never read past the NUL. Seeds:
 * tests/fuzz/corpus/vdb_cvss/ (vectors from the NVD samples). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/cvss.h"

#define FUZZ_MAX_INPUT 1024u

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        return 0;
    char *s = malloc(n + 1); /* exact size: an overread is caught */
    if (!s)
        return 0;
    memcpy(s, d, n);
    s[n] = 0;
    char v[PKI_CVSS_VERSION_CAP];
    double score = -2;
    int r = pki_cvss_base_score(s, v, &score);
    if (r == 0) {
        if (strcmp(v, "2.0") && strcmp(v, "3.0") && strcmp(v, "3.1"))
            __builtin_trap();
        if (!(score >= 0.0 && score <= 10.0) || fabs(score * 10 - round(score * 10)) > 1e-6)
            __builtin_trap();
        pk_severity sev = pki_cvss_severity(score);
        if (sev < PK_SEV_INFO || sev > PK_SEV_CRITICAL)
            __builtin_trap();
    } else if (r != -1 || (v[0] && strcmp(v, "4.0"))) {
        __builtin_trap(); /* a refusal writes no version but "4.0" */
    }
    free(s);
    return 0;
}
