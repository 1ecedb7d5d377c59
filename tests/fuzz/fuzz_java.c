/* Fuzz target for the java analyzer: the first byte picks the file's role
 * (a nested jar's MANIFEST.MF, a pom.properties, a jar file itself, whose
 * central directory and deflated manifest are read), the rest is its content.
 * Seeds: the .hex files in tests/fuzz/corpus/java/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_java;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "app.war!/WEB-INF/lib/x-1.0.jar!/META-INF/MANIFEST.MF",
        "x.jar!/META-INF/maven/org.ex/x/pom.properties",
        "lib/x-1.0.jar",
        "lib/x-1.0.jar",
    };
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d + 1, n - 1};
    pki_harness_run(&pki_analyzer_java, b, paths[d[0] & 3], &rec);
    pki_frec_fini(&rec);
    return 0;
}
