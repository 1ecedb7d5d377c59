/* pk_csaf_check(): the hostile-input reader, then the CSAF 2.0 JSON Schema
 * (with the FIRST CVSS schemas), then every mandatory test (§6.1). Also the
 * issue list every check appends to, and the schema directory lookup.
 *
 * Ownership: a pk_csaf_result owns its issues' strings. Loaded schemas are
 * cached per directory for the life of the process (read-only once loaded,
 * so threads share them); the cache holds PKI_SCHEMA_CACHE directories, a
 * further one is loaded for the call and freed after it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csaf_int.h"

#ifndef PK_SCHEMA_DIR
#define PK_SCHEMA_DIR "schemas"
#endif

/* A runaway document (a million wrong items) must not make a million
 * messages: past this many, one closing issue says the list is cut. */
#define PKI_CSAF_MAX_ISSUES 1000u
#define PKI_CSAF_MSG_MAX    512u
#define PKI_SCHEMA_CACHE    8u

struct pk_csaf_result {
    pki_csaf_issues is;
};

static char *dup_cut(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    /* never cut inside a UTF-8 sequence */
    if (n == max)
        while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u)
            n--;
    return pki_strndup(s, n);
}

static void add_raw(pki_csaf_issues *r, const char *test, const char *path, const char *msg)
{
    if (!pki_grow((void **)&r->items, &r->cap, r->count + 1, sizeof *r->items)) {
        r->nomem = 1;
        return;
    }
    char *t = pki_strdup(test ? test : "");
    /* paths are bounded by the document; keep them readable all the same */
    char *p = dup_cut(path ? path : "", 4096);
    char *m = dup_cut(msg, PKI_CSAF_MSG_MAX);
    if (!t || !p || !m) {
        pki_free(t);
        pki_free(p);
        pki_free(m);
        r->nomem = 1;
        return;
    }
    r->items[r->count++] = (pk_csaf_issue){.test = t, .path = p, .message = m};
}

void pki_csaf_add(pki_csaf_issues *r, const char *test, const char *path, const char *fmt, ...)
{
    if (!r || r->count > PKI_CSAF_MAX_ISSUES)
        return;
    if (r->count == PKI_CSAF_MAX_ISSUES) {
        add_raw(r, "limit", "", "more than 1000 issues; the rest are not listed");
        return;
    }
    char msg[PKI_CSAF_MSG_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_raw(r, test, path, msg);
}

void pki_csaf_issues_clear(pki_csaf_issues *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        pki_free((void *)r->items[i].test);
        pki_free((void *)r->items[i].path);
        pki_free((void *)r->items[i].message);
    }
    pki_free(r->items);
    memset(r, 0, sizeof *r);
}

const char *pk_csaf_schema_dir(const char *dir)
{
    if (dir && *dir)
        return dir;
    const char *env = getenv("PARAKH_SCHEMAS");
    if (env && *env)
        return env;
    return PK_SCHEMA_DIR;
}

/* ---- the schema cache ---- */

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char *dir;
    pki_jschema *s;
} cache[PKI_SCHEMA_CACHE];

/* The schemas of dir: from the cache, or loaded (then cached when there is
 * room; *owned says the caller must free them). Loading happens under the
 * lock so two threads never load the same directory twice. */
static pk_status schemas_get(const char *dir, const pki_jschema **out, pki_jschema **owned,
                             char *err, size_t errlen)
{
    *out = NULL;
    *owned = NULL;
    pthread_mutex_lock(&cache_mu);
    size_t i = 0;
    for (; i < PKI_SCHEMA_CACHE && cache[i].dir; i++)
        if (strcmp(cache[i].dir, dir) == 0) {
            *out = cache[i].s;
            pthread_mutex_unlock(&cache_mu);
            return PK_OK;
        }
    pki_jschema *s = NULL;
    pk_status st = pki_jschema_load(dir, &s, err, errlen);
    if (st == PK_OK) {
        char *d = i < PKI_SCHEMA_CACHE ? pki_strdup(dir) : NULL;
        if (d) {
            cache[i].dir = d;
            cache[i].s = s;
        } else {
            *owned = s;
        }
        *out = s;
    }
    pthread_mutex_unlock(&cache_mu);
    return st;
}

pk_status pk_csaf_check(const uint8_t *doc, size_t len, const char *schema_dir,
                        pk_csaf_result **out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out || (!doc && len))
        return PK_E_MISUSE;
    *out = NULL;
    json_t *j = NULL;
    pk_status st = pki_csaf_load(doc, len, &j, err, errlen);
    if (st != PK_OK)
        return st;
    const pki_jschema *s = NULL;
    pki_jschema *owned = NULL;
    st = schemas_get(pk_csaf_schema_dir(schema_dir), &s, &owned, err, errlen);
    if (st != PK_OK) {
        json_decref(j);
        /* a schema we cannot use is the installation's problem, never the
         * document's: not PK_E_FORMAT */
        return st == PK_E_NOMEM ? st : PK_E_IO;
    }
    pk_csaf_result *r = pki_calloc(1, sizeof *r);
    if (!r) {
        json_decref(j);
        pki_jschema_free(owned);
        return PK_E_NOMEM;
    }
    pki_jschema_validate(s, PKI_JS_CSAF, j, "", &r->is, "schema");
    /* The mandatory tests run on schema-invalid documents too: they type-check
     * what they read, and the author sees every problem in one pass. */
    pki_csaf_mandatory(j, s, &r->is);
    json_decref(j);
    pki_jschema_free(owned);
    if (r->is.nomem) {
        pk_csaf_result_free(r);
        if (err && errlen)
            snprintf(err, errlen, "out of memory while checking the document");
        return PK_E_NOMEM;
    }
    *out = r;
    return PK_OK;
}

bool pk_csaf_result_valid(const pk_csaf_result *r)
{
    return r && r->is.count == 0;
}

size_t pk_csaf_result_count(const pk_csaf_result *r)
{
    return r ? r->is.count : 0;
}

const pk_csaf_issue *pk_csaf_result_at(const pk_csaf_result *r, size_t i)
{
    return (r && i < r->is.count) ? &r->is.items[i] : NULL;
}

void pk_csaf_result_free(pk_csaf_result *r)
{
    if (!r)
        return;
    pki_csaf_issues_clear(&r->is);
    pki_free(r);
}
