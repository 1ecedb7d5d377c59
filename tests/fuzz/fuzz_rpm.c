/* Fuzz target for the rpm analyzer: the first byte picks the file's role
 * (a .rpm package, an rpmdb.sqlite read through sqlite3_deserialize, a
 * Berkeley DB Packages hash file, an ndb Packages.db), the rest is its content; .rpm byte ranges
 * must lie inside the input.
 * Seeds: the .hex files in tests/fuzz/corpus/rpm/. */
#include "fuzz_analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "dist/x.rpm",
        "r.tar!/var/lib/rpm/rpmdb.sqlite",
        "r.tar!/var/lib/rpm/Packages",
        "r.tar!/usr/lib/sysimage/rpm/Packages.db",
    };
    return pkf_run_role(&pki_analyzer_rpm, d, n, paths, sizeof paths / sizeof paths[0]);
}
