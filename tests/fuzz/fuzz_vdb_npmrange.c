/* Fuzz target for npm ranges (lib/vulndb/npmrange.c) and the Node.js
 * Security WG importer (lib/vulndb/imp_nswg.c). The first byte picks:
 * even: "RANGE\nVERSION" to the range evaluator, with properties that must
 * hold (a range written twice with "||" or with outer white space decides the
 * same; pki_npm_range_valid agrees with the evaluator); odd: a JSON advisory
 * imported into an in-memory database inside a rolled-back transaction,
 * where a refusal must be PK_E_FEED with a message and every stored spec must
 * evaluate. Seeds: tests/fuzz/corpus/vdb_npmrange/. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"
#include "vulndb/imp_nswg.h"
#include "vulndb/npmrange.h"

#define FUZZ_MAX_INPUT (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void ranges(const char *buf, size_t n)
{
    char r[PKI_NPM_RANGE_MAX * 2 + 16], v[300];
    const char *nl = memchr(buf, '\n', n);
    size_t rl = nl ? (size_t)(nl - buf) : n, vl = nl ? n - rl - 1 : 0;
    if (rl > PKI_NPM_RANGE_MAX + 4 || vl >= sizeof v)
        return;
    memcpy(r, buf, rl);
    r[rl] = 0;
    memcpy(v, nl ? nl + 1 : "", vl);
    v[vl] = 0;
    if (strlen(r) != rl || strlen(v) != vl)
        return; /* NUL inside: the C string is shorter, nothing new */
    int a = 0, b = 0;
    int ra = pki_npm_range_eval(r, v, &a);
    if (ra != 0 && a != 0)
        __builtin_trap(); /* a refusal never says affected */
    int ok_v = pki_npm_range_eval("*", v, &b) == 0;
    if (ok_v && (ra == 0) != (pki_npm_range_valid(r) == 0))
        __builtin_trap();
    if (pki_npm_spec_eval(r, NULL, v, &b) != ra || b != a)
        __builtin_trap();
    /* "R||R" and " R " decide as R does, within the bounds */
    if (ra == 0 && rl * 2 + 2 <= PKI_NPM_RANGE_MAX && strstr(r, "||") == NULL) {
        memcpy(r + rl, "||", 2);
        memcpy(r + rl + 2, r, rl);
        r[2 * rl + 2] = 0;
        if (pki_npm_range_eval(r, v, &b) != 0 || b != a)
            __builtin_trap();
        r[0] = ' ';
        if (rl + 2 <= PKI_NPM_RANGE_MAX) {
            memmove(r + 1, buf, rl);
            r[rl + 1] = ' ';
            r[rl + 2] = 0;
            if (pki_npm_range_eval(r, v, &b) != 0 || b != a)
                __builtin_trap();
        }
    }
    char f[400];
    (void)pki_npm_range_floor(buf[0] == '>' ? r : "^1.2.3", f, sizeof f);
}

static void check_specs(pk_vulndb *db)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db->h, "SELECT scheme, spec, key FROM affected", -1, &q, NULL) !=
        SQLITE_OK)
        __builtin_trap();
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *spec = (const char *)sqlite3_column_text(q, 1);
        json_t *o = spec ? json_loads(spec, 0, NULL) : NULL;
        json_t *r = json_object_get(o, "range"), *p = json_object_get(o, "patched");
        int aff;
        /* the importer stores only ranges it could parse */
        if (!json_is_string(r) || (p && !json_is_string(p)) ||
            pki_npm_spec_eval(json_string_value(r), json_string_value(p), "1.0.0", &aff) != 0)
            __builtin_trap();
        json_decref(o);
    }
    sqlite3_finalize(q);
}

static void advisory(pk_vulndb *db, const char *buf, size_t n, int core)
{
    char err[512] = "";
    json_t *doc = json_loadb(buf, n, 0, NULL);
    if (!doc || !pki_nswg_sniff(doc)) {
        json_decref(doc);
        return;
    }
    if (pki_vdb_exec(db, "BEGIN", err, sizeof err) != PK_OK)
        __builtin_trap();
    pki_imp im = {.db = db,
                  .path = core ? "vuln/core/12.json" : "fuzz",
                  .feed = "nswg",
                  .err = err,
                  .errcap = sizeof err};
    pk_status st = pki_import_nswg(&im, doc);
    json_decref(doc);
    if (st != PK_OK && st != PK_E_NOMEM && ((st != PK_E_FEED && st != PK_E_LIMIT) || !err[0]))
        __builtin_trap();
    if (st == PK_OK)
        check_specs(db);
    if (pki_vdb_exec(db, "ROLLBACK", err, sizeof err) != PK_OK)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static pk_vulndb *db;
    char err[512] = "";
    if (!db && (pk_vulndb_open(":memory:", PK_VDB_CREATE, &db, err, sizeof err) != PK_OK ||
                pki_vdb_prepare_writes(db, err, sizeof err) != PK_OK))
        __builtin_trap();
    if (n < 1 || n > FUZZ_MAX_INPUT)
        return 0;
    /* an exact-size copy, so a read past the end is caught */
    char *buf = malloc(n - 1 ? n - 1 : 1);
    if (!buf)
        return 0;
    memcpy(buf, d + 1, n - 1);
    if (d[0] % 2 == 0)
        ranges(buf, n - 1);
    else
        advisory(db, buf, n - 1, d[0] % 4 == 3);
    free(buf);
    return 0;
}
