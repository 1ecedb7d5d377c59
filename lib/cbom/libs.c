/* cbom: crypto libraries (rules/crypto/libraries.tsv) from the inventory and
 * from dynamic dependencies, and their FIPS 140 certificates
 * (rules/crypto/fips-modules.tsv + the CMVP list in the knowledge base). */
#include "cbom_int.h"

#include <ctype.h>
#include <parakh/inventory.h>
#include <parakh/vulndb.h>
#include <strings.h>

#include "../core/rulefiles.h"

typedef struct librule {
    int linked; /* 0: component name glob, 1: linked file glob */
    const char *glob, *lib, *vendor, *module, *fips;
} librule;

typedef struct fipsrow {
    const char *lib, *module, *versions, *cert, *source;
} fipsrow;

/* Splits one line of a rule file into tab-separated columns, in place. */
static size_t split(char *line, char **col, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        col[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    return n;
}

pk_status pki_cbom_load(pk_cbom *c, const char *path, size_t minc, size_t maxc,
                        char *(*rows)[PKI_CBOM_COLS], size_t *nrows)
{
    const pki_rulefile *rf = pki_rulefile_get(path);
    if (!rf)
        return PK_E_INTERNAL;
    char *text = pki_arena_strndup(c->arena, (const char *)rf->data, rf->len);
    if (!text)
        return PK_E_NOMEM;
    *nrows = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (!*line || *line == '#')
            continue;
        char *col[PKI_CBOM_COLS];
        size_t n = split(line, col, maxc);
        if (n < minc || *nrows >= PKI_CBOM_RULES)
            return PK_E_FORMAT;
        for (size_t k = 0; k < PKI_CBOM_COLS; k++)
            rows[*nrows][k] = k < n && strcmp(col[k], "-") ? col[k] : NULL;
        (*nrows)++;
    }
    return PK_OK;
}

/* Case-insensitive glob with one '*' at the end or the start. */
static int glob_match(const char *g, const char *s)
{
    size_t gl = strlen(g), sl = strlen(s);
    if (gl && g[gl - 1] == '*')
        return sl >= gl - 1 && strncasecmp(g, s, gl - 1) == 0;
    if (gl && g[0] == '*')
        return sl >= gl - 1 && strcasecmp(g + 1, s + sl - (gl - 1)) == 0;
    return strcasecmp(g, s) == 0;
}

/* The upstream part of a package version: no epoch, no distribution
 * revision ("1:3.0.19-1~deb12u1" -> "3.0.19"); an OpenSSL "-fips" banner
 * suffix is kept, as it names the build. */
static void upstream(const char *v, char *out, size_t cap)
{
    const char *colon = strchr(v, ':');
    if (colon && colon - v < 6)
        v = colon + 1;
    size_t n = 0;
    for (; v[n] && n + 1 < cap; n++) {
        if ((v[n] == '-' && strcmp(v + n, "-fips") != 0) || v[n] == '~' || v[n] == '+')
            break;
        out[n] = v[n];
    }
    out[n] = 0;
}

/* Does the version appear in a comma list ("3.0.0,3.0.8", "*-fips")? */
static int version_in(const char *list, const char *v)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = buf, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = 0;
        if (glob_match(tok, v))
            return 1;
    }
    return 0;
}

static void copy_cert(pki_casset *a, const pk_cmvp_module *m)
{
    snprintf(a->cert, sizeof a->cert, "%s", m->cert);
    snprintf(a->cert_status, sizeof a->cert_status, "%s", m->status);
    snprintf(a->cert_standard, sizeof a->cert_standard, "%s", m->standard);
    snprintf(a->cert_sunset, sizeof a->cert_sunset, "%s", m->sunset);
    snprintf(a->cert_module, sizeof a->cert_module, "%s", m->module);
    a->cert_level = m->level;
}

/* The library's certificate: a validated version of fips-modules.tsv, else
 * the best CMVP module of its vendor/module names (validated stays -1: the
 * list names no versions). */
static pk_status certify(pki_casset *a, char *(*fr)[PKI_CBOM_COLS], size_t nfr,
                         struct pk_vulndb *db)
{
    char up[128] = "";
    if (a->lib_version)
        upstream(a->lib_version, up, sizeof up);
    int known = 0;
    for (size_t i = 0; i < nfr; i++) {
        if (strcmp(fr[i][0], a->lib) != 0)
            continue;
        known = 1;
        if (!up[0] || !version_in(fr[i][2], up))
            continue;
        snprintf(a->cert, sizeof a->cert, "%s", fr[i][3]);
        snprintf(a->cert_module, sizeof a->cert_module, "%s", fr[i][1]);
        /* "*-fips": a build that links some FIPS module; which one, the banner does not say */
        a->validated = fr[i][2][0] == '*' ? -1 : 1;
        break;
    }
    if (known && !a->cert[0] && up[0])
        a->validated = 0; /* versions are known for this library, and this is none of them */
    if (!db)
        return PK_OK;
    pk_cmvp_module m;
    if (a->cert[0]) {
        int found = 0;
        /* a database without the CMVP list is no error: the status is then
         * "not checked", and the finding says so */
        if (pk_cmvp_get(db, a->cert, &m, &found) == PK_OK && found)
            copy_cert(a, &m);
        return PK_OK;
    }
    if (!a->cmvp_vendor && !a->cmvp_module)
        return PK_OK;
    size_t n = 0;
    if (pk_cmvp_find(db, a->cmvp_vendor, a->cmvp_module, &m, 1, &n) == PK_OK && n)
        copy_cert(a, &m);
    return PK_OK;
}

static pk_status set_lib(pk_cbom *c, pki_casset *a, char **rule)
{
    if (a->lib)
        return PK_OK;
    a->lib = pki_arena_strdup(c->arena, rule[1]);
    a->cmvp_vendor = rule[2] ? pki_arena_strdup(c->arena, rule[2]) : NULL;
    a->cmvp_module = rule[3] ? pki_arena_strdup(c->arena, rule[3]) : NULL;
    a->fips_note = pki_arena_strdup(c->arena, rule[4]);
    return a->lib && a->fips_note ? PK_OK : PK_E_NOMEM;
}

static pk_status linked(pk_cbom *c, const pki_filerec *fr, const char *file,
                        char *(*lr)[PKI_CBOM_COLS], size_t nlr)
{
    for (size_t r = 0; r < nlr; r++) {
        if (strncmp(lr[r][0], "linked:", 7) != 0 || !glob_match(lr[r][0] + 7, file))
            continue;
        char ref[192];
        snprintf(ref, sizeof ref, "crypto:library:linked:%s", lr[r][1]);
        for (char *p = ref; *p; p++)
            if (*p == ' ')
                *p = '-';
        pki_casset *a = pki_cbom_asset(c, PKI_CA_LIB, ref, lr[r][1]);
        if (!a)
            return c->oom ? PK_E_NOMEM : PK_OK;
        a->linked = 1; /* the platform's, not in the deliverable */
        pk_status st = set_lib(c, a, lr[r]);
        if (st == PK_OK)
            st = pki_cbom_occ(c, a, fr, PK_LOC_NONE, 0, PKI_HOW_LINKED, file, 100);
        return st;
    }
    return PK_OK;
}

pk_status pki_cbom_collect_libs(pk_cbom *c, const pk_scan *s, const pk_inventory *inv,
                                struct pk_vulndb *db)
{
    char *(*lrp)[PKI_CBOM_COLS] = pki_calloc(PKI_CBOM_RULES, sizeof *lrp);
    char *(*frp)[PKI_CBOM_COLS] = pki_calloc(PKI_CBOM_RULES, sizeof *frp);
    size_t nlr = 0, nfr = 0;
    pk_status st = !lrp || !frp ? PK_E_NOMEM : PK_OK;
    if (st == PK_OK)
        st = pki_cbom_load(c, "crypto/libraries.tsv", 5, 5, lrp, &nlr);
    if (st == PK_OK)
        st = pki_cbom_load(c, "crypto/fips-modules.tsv", 5, 5, frp, &nfr);

    /* shipped libraries: inventory components */
    for (size_t i = 0; st == PK_OK && inv && i < pk_inventory_count(inv); i++) {
        const pk_comp *cp = pk_inventory_at(inv, i);
        /* an executable nobody claims is a file, not a library release */
        if (cp->unattributed || cp->kind == PK_CK_FILE)
            continue;
        for (size_t r = 0; r < nlr; r++) {
            if (strncmp(lrp[r][0], "component:", 10) != 0 || !glob_match(lrp[r][0] + 10, cp->name))
                continue;
            char ref[512];
            snprintf(ref, sizeof ref, "crypto:library:%s", cp->ref);
            pki_casset *a = pki_cbom_asset(c, PKI_CA_LIB, ref, cp->name);
            if (!a) {
                st = c->oom ? PK_E_NOMEM : PK_OK;
                break;
            }
            a->comp_ref = pki_arena_strdup(c->arena, cp->ref);
            a->lib_version = cp->version ? pki_arena_strdup(c->arena, cp->version) : NULL;
            a->purl = cp->purl ? pki_arena_strdup(c->arena, cp->purl) : NULL;
            if (!a->comp_ref || (cp->version && !a->lib_version) || (cp->purl && !a->purl)) {
                st = PK_E_NOMEM;
                break;
            }
            st = set_lib(c, a, lrp[r]);
            for (size_t e = 0; st == PK_OK && e < cp->nev && e < 4; e++) {
                const pk_cevidence *ev = &cp->ev[e];
                if (!ev->vpath)
                    continue;
                pki_filerec tmp = {.vpath = ev->vpath};
                st = pki_cbom_occ(c, a, &tmp, ev->loc.offset, ev->loc.length, PKI_HOW_COMPONENT,
                                  ev->rule, ev->confidence);
            }
            if (st == PK_OK)
                st = certify(a, frp, nfr, db);
            break;
        }
    }

    /* libraries the deliverable's executables load from the platform */
    for (size_t i = 0; st == PK_OK && i < s->nfiles; i++) {
        const pki_filerec *f = &s->files[i];
        if (!f->facts)
            continue;
        const json_t *needed = json_object_get(json_object_get(f->facts, "elf"), "needed"), *x;
        size_t k;
        json_array_foreach(needed, k, x)
        {
            if (st == PK_OK && json_is_string(x))
                st = linked(c, f, json_string_value(x), lrp, nlr);
        }
        const json_t *imps = json_object_get(json_object_get(f->facts, "pe"), "imports");
        json_array_foreach(imps, k, x)
        {
            const json_t *dll = json_object_get(x, "dll");
            if (st == PK_OK && json_is_string(dll))
                st = linked(c, f, json_string_value(dll), lrp, nlr);
        }
    }
    for (size_t i = 0; st == PK_OK && i < c->na; i++)
        if (c->a[i]->kind == PKI_CA_LIB && c->a[i]->linked)
            st = certify(c->a[i], frp, nfr, db);
    pki_free(lrp);
    pki_free(frp);
    return st;
}
