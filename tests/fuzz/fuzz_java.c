/* Fuzz target for the java analyzer: the first byte picks the file's role
 * (a nested jar's MANIFEST.MF, a pom.properties, a jar file itself, whose
 * central directory and deflated manifest are read), the rest is its content.
 * Seeds: the .hex files in tests/fuzz/corpus/java/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "app.war!/WEB-INF/lib/x-1.0.jar!/META-INF/MANIFEST.MF",
        "x.jar!/META-INF/maven/org.ex/x/pom.properties",
        "lib/x-1.0.jar",
        "lib/x-1.0.jar",
    };
    return pkf_run_role(&pki_analyzer_java, d, n, paths, sizeof paths / sizeof paths[0]);
}
