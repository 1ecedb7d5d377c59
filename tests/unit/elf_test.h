/* Helpers shared by the ELF analyzer's unit tests (test_elf.c, compiled
 * fixtures; test_elf_craft.c, hand-made and hostile files): run the analyzer
 * through pki_harness_run and read back its facts and findings.
 *
 * Ownership: a run owns its record (run_free) and, when set, its bytes. */
#ifndef PK_TESTS_ELF_TEST_H
#define PK_TESTS_ELF_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyzers/elf/elf_int.h"
#include "walk/harness_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run {
    pki_frec rec;
    json_t *elf; /* facts.elf, borrowed from rec */
    uint8_t *bytes;
    size_t len;
} run;

static inline void run_bytes(run *r, const uint8_t *b, size_t n)
{
    assert_int_equal(pki_frec_init(&r->rec), PK_OK);
    pk_bytes d = {b, n};
    assert_int_equal(pki_harness_run(&pki_analyzer_elf, d, "test/elf", &r->rec), PK_OK);
    r->elf = json_object_get(r->rec.facts, "elf");
}

static inline void run_free(run *r)
{
    pki_frec_fini(&r->rec);
    free(r->bytes);
}

/* A fact by dotted path ("hardening.relro"). */
static inline json_t *fact(const run *r, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = r->elf;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
        v = json_object_get(v, k);
    return v;
}

static inline const char *fstr(const run *r, const char *path)
{
    json_t *v = fact(r, path);
    return json_is_string(v) ? json_string_value(v) : "(absent)";
}

static inline int fbool(const run *r, const char *path)
{
    json_t *v = fact(r, path);
    assert_true(json_is_boolean(v));
    return json_is_true(v);
}

static inline int fhas(const run *r, const char *path, const char *s)
{
    json_t *a = fact(r, path), *v;
    size_t i;
    json_array_foreach(a, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

static inline const pk_finding *finding(const run *r, const char *id)
{
    for (size_t i = 0; i < r->rec.nfind; i++)
        if (strcmp(r->rec.findings[i].rule_id, id) == 0)
            return &r->rec.findings[i];
    return NULL;
}

/* A finding whose record (table name) is rec. */
static inline const pk_finding *finding_at(const run *r, const char *id, const char *rec)
{
    for (size_t i = 0; i < r->rec.nfind; i++)
        if (strcmp(r->rec.findings[i].rule_id, id) == 0 && r->rec.findings[i].loc.record &&
            strcmp(r->rec.findings[i].loc.record, rec) == 0)
            return &r->rec.findings[i];
    return NULL;
}

#endif
