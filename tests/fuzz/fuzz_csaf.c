/* Fuzz target: pk_csaf_check() (lib/csaf/: the hostile-input reader, the
 * CSAF 2.0 + CVSS JSON Schemas, the §6.1 mandatory tests) on arbitrary
 * bytes, then pk_csaf_meta_read() and the file name and version ordering on
 * what it reads. The schemas are loaded once, from the build's
 * PK_SCHEMA_DIR (or $PARAKH_SCHEMAS), and cached by pk_csaf_check(). Every
 * answer must be well formed: an issue has a test, a JSON pointer and a
 * message; only PK_OK, PK_E_FORMAT (with a message) or PK_E_NOMEM. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csaf/csaf_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > (1u << 20))
        return 0;
    pk_csaf_result *r = NULL;
    char err[256];
    pk_status st = pk_csaf_check(d, n, NULL, &r, err, sizeof err);
    if (st == PK_E_IO) {
        /* the schemas are missing: a broken setup, not a finding */
        fprintf(stderr, "fuzz_csaf: %s\n", err);
        __builtin_trap();
    }
    if (st == PK_OK) {
        size_t c = pk_csaf_result_count(r);
        if (!r || (c == 0) != pk_csaf_result_valid(r))
            __builtin_trap();
        for (size_t i = 0; i < c; i++) {
            const pk_csaf_issue *is = pk_csaf_result_at(r, i);
            if (!is || !is->test || !is->path || !is->message || !*is->message ||
                (*is->path && *is->path != '/'))
                __builtin_trap();
        }
        pk_csaf_result_free(r);
    } else if (st != PK_E_FORMAT && st != PK_E_NOMEM) {
        __builtin_trap();
    } else if (r || !err[0]) {
        __builtin_trap();
    }

    pk_csaf_meta m;
    if (pk_csaf_meta_read(d, n, &m, err, sizeof err) == PK_OK) {
        char name[64];
        pk_status fs = pk_csaf_file_name(m.tracking_id, name, sizeof name);
        if (fs == PK_OK && (strlen(name) < 6 || strcmp(name + strlen(name) - 5, ".json") != 0))
            __builtin_trap();
        if (strcmp(m.file_name + strlen(m.file_name) - 5, ".json") != 0)
            __builtin_trap();
        for (size_t i = 0; i < m.nrevisions; i++) {
            bool ok1, ok2;
            int a = pk_csaf_version_cmp(m.version, m.revisions[i], &ok1);
            int b = pk_csaf_version_cmp(m.revisions[i], m.version, &ok2);
            /* an order: antisymmetric, and reflexive where defined */
            if (ok1 != ok2 || (ok1 && ((a < 0) != (b > 0) || (a == 0) != (b == 0))))
                __builtin_trap();
            bool ok3;
            if (ok1 && pk_csaf_version_cmp(m.revisions[i], m.revisions[i], &ok3) != 0)
                __builtin_trap();
        }
        pk_csaf_meta_free(&m);
    }
    return 0;
}
