/* Fuzz target for the rpm analyzer: the first byte picks the file's role
 * (a .rpm package, an rpmdb.sqlite read through sqlite3_deserialize, a
 * Berkeley DB Packages hash file, an ndb Packages.db), the rest is its content; .rpm byte ranges
 * must lie inside the input.
 * Seeds: the .hex files in tests/fuzz/corpus/rpm/. */
#include "walk/harness_int.h"

#define FUZZ_MAX_INPUT (1u << 20)

extern const pk_analyzer pki_analyzer_rpm;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const paths[] = {
        "dist/x.rpm",
        "r.tar!/var/lib/rpm/rpmdb.sqlite",
        "r.tar!/var/lib/rpm/Packages",
        "r.tar!/usr/lib/sysimage/rpm/Packages.db",
    };
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d + 1, n - 1};
    pki_harness_run(&pki_analyzer_rpm, b, paths[d[0] & 3], &rec);
    size_t i;
    json_t *c;
    json_array_foreach(rec.components, i, c)
    {
        json_t *off = json_object_get(c, "offset"), *len = json_object_get(c, "length");
        if (off && (json_integer_value(off) < 0 || json_integer_value(len) < 0 ||
                    (size_t)json_integer_value(off) + (size_t)json_integer_value(len) > n - 1))
            __builtin_trap();
    }
    pki_frec_fini(&rec);
    return 0;
}
