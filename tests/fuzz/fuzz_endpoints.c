/* Fuzz target for the endpoints analyzer: runs the strings analyzer and then
 * endpoints on the input (text with URLs, hosts, addresses, or any bytes), as
 * a scan does, and checks that every finding's range and evidence lie inside
 * it. The first byte picks the file's role (config, script, binary name).
 * Seeds: the .hex files in tests/fuzz/corpus/endpoints/. */
#include "fuzz_analyzer.h"

static const char *const PATHS[] = {"etc/agent.conf", "usr/bin/agent", "app/bundle.js",
                                    "App.app/Contents/Info.plist"};

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    const char *vpath = PATHS[d[0] % (sizeof PATHS / sizeof PATHS[0])];
    d++;
    n--;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(&pki_analyzer_strings, b, vpath, &rec);
    pki_harness_run(&pki_analyzer_endpoints, b, vpath, &rec);
    for (size_t k = 0; k < rec.nfind; k++) {
        const pk_finding *f = &rec.findings[k];
        if (f->loc.offset != PK_LOC_NONE &&
            (f->loc.offset > n || f->loc.length > n - f->loc.offset ||
             f->evidence.len > n - f->loc.offset))
            __builtin_trap();
    }
    /* every entry's offset lies inside the input */
    const json_t *l = json_object_get(json_object_get(rec.facts, "endpoints"), "list");
    size_t i;
    const json_t *e;
    json_array_foreach(l, i, e)
    {
        json_int_t o = json_integer_value(json_object_get(e, "offset"));
        if (o < 0 || (uint64_t)o >= n)
            __builtin_trap();
    }
    pki_frec_fini(&rec);
    return 0;
}
