/* Helpers for the unit tests of component analyzers (npm, python, dotnet,
 * java, dpkg, apk, rpm, golang, rust, pe, binsig): run one analyzer alone on
 * bytes through the harness, then look up the component records it stored in
 * rec.components (JSON objects, see lib/walk/component.c). Each test passes
 * its own analyzer and record; include after <cmocka.h>. */
#ifndef PK_TEST_COMP_TEST_H
#define PK_TEST_COMP_TEST_H

#include <string.h>

#include "walk/harness_int.h"

/* Runs `an` on p[0..n) as `vpath` into `rec`, initialized here (the caller
 * finis it); returns the number of component records. */
static inline size_t ct_run(const pk_analyzer *an, pki_frec *rec, const void *p, size_t n,
                            const char *vpath)
{
    assert_int_equal(pki_frec_init(rec), PK_OK);
    pk_bytes b = {p, n};
    assert_int_equal(pki_harness_run(an, b, vpath, rec), PK_OK);
    return json_array_size(rec->components);
}

/* ct_run into a record reused from run to run (a static one starts zeroed):
 * what the previous run left is freed first. */
static inline size_t ct_rerun(const pk_analyzer *an, pki_frec *rec, const void *p, size_t n,
                              const char *vpath)
{
    pki_frec_fini(rec);
    return ct_run(an, rec, p, n, vpath);
}

/* A string member, NULL when absent or not a string. */
static inline const char *ct_s(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline const char *ct_attr(const json_t *c, const char *k)
{
    return ct_s(json_object_get(c, "attrs"), k);
}

/* The same for assert_string_equal, which takes no NULL. */
static inline const char *ct_str(const json_t *o, const char *k)
{
    const char *v = ct_s(o, k);
    return v ? v : "(absent)";
}

static inline const char *ct_attr_str(const json_t *c, const char *k)
{
    return ct_str(json_object_get(c, "attrs"), k);
}

/* Equal strings, or both absent. */
static inline int ct_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* For ct_find: any value (NULL asks for the member to be absent). */
static const char ct_any[] __attribute__((unused)) = "(any)";
#define CT_ANY ct_any

/* The first component with this ns, name and version; the test fails
 * without one. */
static inline json_t *ct_find(const pki_frec *rec, const char *ns, const char *name,
                              const char *version)
{
    size_t i;
    json_t *c;
    json_array_foreach(rec->components, i, c)
    {
        if ((ns == CT_ANY || ct_eq(ct_s(c, "ns"), ns)) && ct_eq(ct_s(c, "name"), name) &&
            (version == CT_ANY || ct_eq(ct_s(c, "version"), version)))
            return c;
    }
    fail_msg("no component %s/%s@%s", ns && ns != CT_ANY ? ns : "", name,
             version && version != CT_ANY ? version : "-");
    return NULL;
}

/* Whether deps (pairs [name, version|null]) holds this one; NULL version:
 * a null one. */
static inline int ct_has_dep(const json_t *c, const char *name, const char *version)
{
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(c, "deps"), i, d)
    {
        const json_t *v = json_array_get(d, 1);
        if (ct_eq(json_string_value(json_array_get(d, 0)), name) &&
            ct_eq(json_is_string(v) ? json_string_value(v) : NULL, version))
            return 1;
    }
    return 0;
}

/* deps[i] is exactly [name, version]; NULL version: null. */
static inline void ct_assert_dep(const json_t *c, size_t i, const char *name, const char *version)
{
    const json_t *d = json_array_get(json_object_get(c, "deps"), i);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_array_get(d, 0)), name);
    if (version)
        assert_string_equal(json_string_value(json_array_get(d, 1)), version);
    else
        assert_true(json_is_null(json_array_get(d, 1)));
}

/* Whether the array member `key` holds the string `val`. */
static inline int ct_has_str(const json_t *c, const char *key, const char *val)
{
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(c, key), i, d)
    {
        if (ct_eq(json_string_value(d), val))
            return 1;
    }
    return 0;
}

#endif
