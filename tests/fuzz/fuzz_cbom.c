/* Fuzz target: the CBOM (lib/cbom/) from arbitrary facts. The input is a
 * JSON object taken as one file's facts ({"crypto": {...}, "keys": {...},
 * "elf": {"needed": [...]}, "pe": {"imports": [...]}}): the analyzers write
 * these, but from hostile bytes, so the CBOM must hold for any shape, type
 * and size. The CBOM is judged, written as CycloneDX and as the report's
 * crypto section, and its findings are checked for well-formedness. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cbom/cbom_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > (1u << 20))
        return 0;
    json_error_t e;
    json_t *facts = json_loadb((const char *)d, n, JSON_DISABLE_EOF_CHECK, &e);
    if (!facts)
        return 0;
    pk_scan_opts o;
    pk_scan_opts_default(&o);
    o.jobs = 1;
    pk_scan *s = NULL;
    if (pk_scan_new(&o, &s) != PK_OK) {
        json_decref(facts);
        return 0;
    }
    /* one finished file record holding the facts; the scan's own arrays are empty */
    pki_filerec fr;
    memset(&fr, 0, sizeof fr);
    fr.vpath = "fuzz/product.bin";
    fr.kind = PKI_KIND_FILE;
    fr.hashed = 1;
    fr.facts = json_is_object(facts) ? facts : NULL;
    s->files = &fr;
    s->nfiles = 1;
    pk_cbom *c = NULL;
    pk_cbom_opts co = {.policy_date = "2031-06-01"};
    if (pk_cbom_build(s, &co, &c, NULL, 0) == PK_OK) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            if (pk_cbom_write(c, 1, null) != PK_OK)
                __builtin_trap();
            fclose(null);
        }
        json_t *j = pki_cbom_json(c);
        if (!j)
            __builtin_trap();
        json_decref(j);
        const pk_finding *f;
        size_t nf = pk_cbom_findings(c, &f, NULL);
        for (size_t i = 0; i < nf; i++)
            if (!f[i].rule_id || !f[i].message || !f[i].vpath ||
                f[i].evidence.len > PK_EVIDENCE_MAX)
                __builtin_trap();
        pk_cbom_free(c);
    }
    s->files = NULL;
    s->nfiles = 0;
    pk_scan_free(s);
    json_decref(facts);
    return 0;
}
