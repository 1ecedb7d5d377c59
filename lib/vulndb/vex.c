/* CycloneDX 1.4-1.6 VEX documents given with --vex: one statement per
 * (vulnerability, affects[].ref) pair, read with the SBOM reader's caps and
 * reading pattern (lib/inventory/sbom_read.c). Every member used is
 * type-checked; a document that breaks the types, or uses a state CycloneDX
 * does not define, is refused whole: a VEX statement silently dropped would
 * turn a suppression into a finding, or the other way round.
 * docs/vulndb/csaf-vex.md ("CycloneDX VEX") has the mapping. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/core_int.h"
#include "../ident/ident_int.h"
#include "../inventory/inventory_int.h"
#include "vdb_int.h"

#define VEX_MAX_STATEMENTS 1000000u /* as many as components in one inventory */
#define VEX_ID_MAX         256u
#define VEX_TEXT_MAX       4096u /* detail kept; longer text is cut */

typedef struct vexrd {
    const char *path;
    char *err;
    size_t errcap;
    pki_vexst *v;
    size_t n, cap;
} vexrd;

__attribute__((format(printf, 3, 4))) static pk_status fail(vexrd *r, pk_status st, const char *fmt,
                                                            ...)
{
    if (r->err && r->errcap) {
        int n = snprintf(r->err, r->errcap, "%s: ", r->path);
        if (n >= 0 && (size_t)n < r->errcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + n, r->errcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

/* A string member: NULL when absent or null; *bad when of another type. */
static const char *jstr(json_t *o, const char *k, int *bad)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static const struct {
    const char *name;
    pk_vex_state st;
} states[] = {
    {"resolved", PK_VEX_FIXED},
    {"resolved_with_pedigree", PK_VEX_FIXED},
    {"exploitable", PK_VEX_AFFECTED},
    {"in_triage", PK_VEX_UNDER_INVESTIGATION},
    {"false_positive", PK_VEX_NOT_AFFECTED},
    {"not_affected", PK_VEX_NOT_AFFECTED},
};

/* A copy of s cut to max bytes on a UTF-8 boundary; NULL for NULL or "". */
static int dup_clip(const char *s, size_t max, char **out)
{
    *out = NULL;
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return (*out = pki_strndup(s, n)) ? 0 : -1;
}

static pk_status add(vexrd *r, const char *id, const char *ref, pk_vex_state st, const char *just,
                     const char *detail)
{
    if (r->n >= VEX_MAX_STATEMENTS)
        return fail(r, PK_E_LIMIT, "more than %u VEX statements", VEX_MAX_STATEMENTS);
    if (!pki_grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v))
        return PK_E_NOMEM;
    pki_vexst *x = &r->v[r->n];
    memset(x, 0, sizeof *x);
    r->n++; /* counted now so pki_vex_free() releases a half-filled one */
    x->state = st;
    if (!(x->vuln = pki_strdup(id)) || !(x->ref = pki_strdup(ref)) ||
        dup_clip(just, VEX_ID_MAX, &x->justification) || dup_clip(detail, VEX_TEXT_MAX, &x->detail))
        return PK_E_NOMEM;
    return PK_OK;
}

static pk_status one(vexrd *r, json_t *v, size_t i)
{
    int bad = !json_is_object(v);
    const char *id = bad ? NULL : jstr(v, "id", &bad);
    json_t *an = bad ? NULL : json_object_get(v, "analysis");
    json_t *aff = bad ? NULL : json_object_get(v, "affects");
    if (bad || !id || !*id || strlen(id) > VEX_ID_MAX)
        return fail(r, PK_E_FORMAT,
                    "vulnerabilities[%zu]: not an object with a string id of 1 to %u bytes", i,
                    VEX_ID_MAX);
    if (an && json_is_null(an))
        an = NULL;
    if (aff && json_is_null(aff))
        aff = NULL;
    if ((an && !json_is_object(an)) || (aff && !json_is_array(aff)))
        return fail(r, PK_E_FORMAT,
                    "vulnerabilities[%zu] (%s): analysis is not an object or affects not an array",
                    i, id);
    const char *state = an ? jstr(an, "state", &bad) : NULL;
    const char *just = an ? jstr(an, "justification", &bad) : NULL;
    const char *detail = an ? jstr(an, "detail", &bad) : NULL;
    if (bad)
        return fail(r, PK_E_FORMAT,
                    "vulnerabilities[%zu] (%s): analysis.state, justification or detail is not "
                    "a string",
                    i, id);
    if (!state)
        return PK_OK; /* no analysis: a vulnerability listed, not a VEX statement */
    pk_vex_state st = PK_VEX_NONE;
    for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
        if (!strcmp(state, states[k].name))
            st = states[k].st;
    if (st == PK_VEX_NONE)
        return fail(r, PK_E_FORMAT,
                    "vulnerabilities[%zu] (%s): analysis.state \"%.40s\" is not a CycloneDX "
                    "impact analysis state",
                    i, id, state);
    size_t j;
    json_t *a;
    json_array_foreach(aff, j, a)
    {
        int b = !json_is_object(a);
        const char *ref = b ? NULL : jstr(a, "ref", &b);
        if (b || !ref || !*ref || strlen(ref) > PKI_IDENT_MAX)
            return fail(r, PK_E_FORMAT,
                        "vulnerabilities[%zu] (%s): affects[%zu] needs a string ref of 1 to %u "
                        "bytes",
                        i, id, j, PKI_IDENT_MAX);
        pk_status s = add(r, id, ref, st, just, detail);
        if (s != PK_OK)
            return s;
    }
    return PK_OK;
}

static pk_status parse(vexrd *r, const char *buf, size_t len)
{
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root)
        return fail(r, PK_E_FORMAT, "not JSON (line %d column %d: %s)", je.line, je.column,
                    je.text);
    pk_status s = PK_OK;
    int bad = !json_is_object(root);
    const char *bf = bad ? NULL : jstr(root, "bomFormat", &bad);
    const char *sv = bad ? NULL : jstr(root, "specVersion", &bad);
    json_t *vs = bad ? NULL : json_object_get(root, "vulnerabilities");
    if (bad || !bf || strcmp(bf, "CycloneDX"))
        s = fail(r, PK_E_FORMAT, "not a CycloneDX document (bomFormat \"CycloneDX\" missing)");
    else if (!sv || (strcmp(sv, "1.4") && strcmp(sv, "1.5") && strcmp(sv, "1.6")))
        s = fail(r, PK_E_FORMAT, "specVersion \"%.16s\" is not CycloneDX 1.4, 1.5 or 1.6",
                 sv ? sv : "");
    else if (vs && !json_is_null(vs) && !json_is_array(vs))
        s = fail(r, PK_E_FORMAT, "vulnerabilities is not an array");
    size_t i;
    json_t *v;
    if (s == PK_OK && json_is_array(vs))
        json_array_foreach(vs, i, v)
        {
            if ((s = one(r, v, i)) != PK_OK)
                break;
        }
    json_decref(root);
    return s;
}

void pki_vex_free(pki_vexst *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        pki_free(v[i].vuln);
        pki_free(v[i].ref);
        pki_free(v[i].justification);
        pki_free(v[i].detail);
    }
    pki_free(v);
}

pk_status pki_vex_load(const char *path, pki_vexst **out, size_t *n, char *err, size_t errcap)
{
    vexrd r = {.path = path ? path : "(null)", .err = err, .errcap = errcap};
    if (err && errcap)
        err[0] = 0;
    if (!path || !out || !n)
        return PK_E_MISUSE;
    *out = NULL;
    *n = 0;
    char *buf = NULL, why[256];
    size_t len = 0;
    pk_status s = pki_read_file(path, PKI_SBOM_MAX_BYTES, 0, &buf, &len, why, sizeof why);
    if (s != PK_OK)
        return fail(&r, s, "%s", why);
    s = parse(&r, buf, len);
    pki_free(buf);
    if (s != PK_OK) {
        if (s == PK_E_NOMEM && err && errcap && !err[0])
            fail(&r, s, "out of memory");
        pki_vex_free(r.v, r.n);
        return s;
    }
    *out = r.v;
    *n = r.n;
    return PK_OK;
}
