/* The body shared by the fuzz targets of single analyzers: cap the input,
 * run one analyzer alone on it through the harness, check that every
 * finding's and every component record's byte range lies inside the input,
 * free. A target keeps
 * its own vpath (or table of vpaths picked by the first byte) and any check
 * of its own. Header only: fuzz.cmake builds fuzz_<name>.c alone. */
#ifndef PK_FUZZ_ANALYZER_H
#define PK_FUZZ_ANALYZER_H

#include "walk/harness_int.h"

/* Every analyzer, as pki_analyzer_<name>. */
#define PK_ANALYZER(name) extern const pk_analyzer pki_analyzer_##name;
#include "analyzers/analyzer_list.h"
#undef PK_ANALYZER

/* The libFuzzer entry point each target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define FUZZ_MAX_INPUT (1u << 20) /* bigger inputs add time, not new paths */

/* A target's own check of one component record of an n-byte input; it
 * traps on what it rejects. */
typedef void (*pkf_check)(const json_t *comp, size_t n);

/* Traps unless the record's offset and length, when it has them, lie inside
 * n bytes. */
static inline void pkf_check_range(const json_t *c, size_t n)
{
    const json_t *off = json_object_get(c, "offset");
    if (!off)
        return;
    json_int_t o = json_integer_value(off);
    json_int_t l = json_integer_value(json_object_get(c, "length"));
    if (o < 0 || l < 0 || (uint64_t)o > n || (uint64_t)l > n - (uint64_t)o)
        __builtin_trap();
}

/* Runs `an` on d[0..n) (capped) as `vpath`, then the range checks and
 * `check` (if not NULL) on every component record. */
static inline int pkf_run(const pk_analyzer *an, const uint8_t *d, size_t n, const char *vpath,
                          pkf_check check)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_frec rec;
    if (pki_frec_init(&rec) != PK_OK)
        return 0;
    pk_bytes b = {d, n};
    pki_harness_run(an, b, vpath, &rec);
    for (size_t k = 0; k < rec.nfind; k++) {
        const pk_finding *f = &rec.findings[k];
        if (f->loc.offset != PK_LOC_NONE &&
            (f->loc.offset > n || f->loc.length > n - f->loc.offset ||
             f->evidence.len > n - f->loc.offset))
            __builtin_trap();
    }
    size_t i;
    json_t *c;
    json_array_foreach(rec.components, i, c)
    {
        pkf_check_range(c, n);
        if (check)
            check(c, n);
    }
    pki_frec_fini(&rec);
    return 0;
}

/* pkf_run where the first byte picks the file's role, paths[d[0] % npaths],
 * and the rest is its content. */
static inline int pkf_run_role(const pk_analyzer *an, const uint8_t *d, size_t n,
                               const char *const *paths, size_t npaths)
{
    if (n < 1)
        return 0;
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    return pkf_run(an, d + 1, n - 1, paths[d[0] % npaths], NULL);
}

#endif
