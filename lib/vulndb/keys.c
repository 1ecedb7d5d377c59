/* Package keys: one spelling of "which package" shared by every feed and by
 * the components they are matched against (docs/vulndb.md, "Keys").
 * "type/namespace/name" after each ecosystem's own name normalisation, or
 * "cpe/vendor/product". Also what several importers share: the CVE id
 * check and the record-or-array loop. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "vdb_int.h"

/* Ecosystems whose registries treat names case-insensitively (purl spec
 * "type definitions"; PEP 503; crates.io; NuGet; Composer). */
static int lower_type(const char *t)
{
    static const char *const L[] = {"pypi", "npm",  "nuget", "cargo", "composer", "deb",
                                    "apk",  "alpm", "hex",   "pub",   "github",   "bitbucket"};
    for (size_t i = 0; i < sizeof L / sizeof L[0]; i++)
        if (strcmp(t, L[i]) == 0)
            return 1;
    return 0;
}

/* Appends s to out[*n], lowercased if asked; PEP 503 folds runs of -_. */
static int put(char *out, size_t cap, size_t *n, const char *s, int lower, int pep503)
{
    int prev_sep = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            return -1;
        if (pep503 && (c == '-' || c == '_' || c == '.')) {
            if (prev_sep)
                continue;
            prev_sep = 1;
            c = '-';
        } else {
            prev_sep = 0;
        }
        if (lower)
            c = (unsigned char)tolower(c);
        if (*n + 1 >= cap)
            return -1;
        out[(*n)++] = (char)c;
    }
    out[*n] = 0;
    return 0;
}

pk_status pki_vkey_purl(const char *type, const char *ns, const char *name, char *out, size_t cap)
{
    if (!type || !*type || !name || !*name || cap < 2)
        return PK_E_USAGE;
    size_t n = 0;
    out[0] = 0;
    int lower = lower_type(type), pep = strcmp(type, "pypi") == 0;
    if (put(out, cap, &n, type, 1, 0) || put(out, cap, &n, "/", 0, 0) ||
        (ns && put(out, cap, &n, ns, lower, 0)) || put(out, cap, &n, "/", 0, 0) ||
        put(out, cap, &n, name, lower, pep))
        return PK_E_LIMIT;
    return PK_OK;
}

void pki_vdb_unquote(const char *wfn, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = wfn; *p && n + 1 < cap; p++) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p;
    }
    if (cap)
        out[n] = 0;
}

pk_status pki_vkey_cpe(const char *vendor, const char *product, char *out, size_t cap)
{
    if (!vendor || !*vendor || !product || !*product)
        return PK_E_USAGE;
    /* WFN values from pki_cpe_parse are quoted ("node\\.js"), names from
     * CVE records are not: the key holds the plain form. */
    char v[256], p[256];
    if (strlen(vendor) >= sizeof v || strlen(product) >= sizeof p)
        return PK_E_LIMIT;
    pki_vdb_unquote(vendor, v, sizeof v);
    pki_vdb_unquote(product, p, sizeof p);
    size_t n = 0;
    /* NISTIR 7696 compares CPE names case-insensitively. */
    if (put(out, cap, &n, "cpe/", 0, 0) || put(out, cap, &n, v, 1, 0) ||
        put(out, cap, &n, "/", 0, 0) || put(out, cap, &n, p, 1, 0))
        return PK_E_LIMIT;
    return PK_OK;
}

static const struct {
    const char *eco, *type, *ns;
} ECOS[] = {
    {"npm", "npm", NULL},
    {"PyPI", "pypi", NULL},
    {"Maven", "maven", NULL},
    {"Go", "golang", NULL},
    {"crates.io", "cargo", NULL},
    {"NuGet", "nuget", NULL},
    {"RubyGems", "gem", NULL},
    {"Packagist", "composer", NULL},
    {"Hex", "hex", NULL},
    {"Pub", "pub", NULL},
    {"Hackage", "hackage", NULL},
    {"CRAN", "cran", NULL},
    {"SwiftURL", "swift", NULL},
    {"Debian", "deb", "debian"},
    {"Ubuntu", "deb", "ubuntu"},
    {"Alpine", "apk", "alpine"},
    {"Wolfi", "apk", "wolfi"},
    {"Chainguard", "apk", "chainguard"},
    {"Red Hat", "rpm", "redhat"},
    {"Rocky Linux", "rpm", "rocky"},
    {"AlmaLinux", "rpm", "almalinux"},
    {"SUSE", "rpm", "suse"},
    {"openSUSE", "rpm", "opensuse"},
    {"Mageia", "rpm", "mageia"},
    {"Photon OS", "rpm", "photon"},
    {"openEuler", "rpm", "openeuler"},
};

int pki_osv_ecosystem(const char *eco, const char **type, const char **ns, char *dbuf, size_t dcap,
                      const char **distro)
{
    *type = *ns = *distro = NULL;
    if (!eco)
        return -1;
    const char *colon = strchr(eco, ':');
    size_t base = colon ? (size_t)(colon - eco) : strlen(eco);
    for (size_t i = 0; i < sizeof ECOS / sizeof ECOS[0]; i++) {
        if (strlen(ECOS[i].eco) != base || strncmp(eco, ECOS[i].eco, base) != 0)
            continue;
        *type = ECOS[i].type;
        *ns = ECOS[i].ns;
        if (!colon || !ECOS[i].ns || !dbuf || dcap < 2)
            return 0;
        /* "Debian:12" -> "debian:12"; "Alpine:v3.18" -> "alpine:3.18";
         * "Ubuntu:22.04:LTS" -> "ubuntu:22.04"; "Red Hat:enterprise_linux:9::appstream"
         * -> "redhat:9" (the first all-digit-and-dot field). */
        const char *r = colon + 1;
        /* "Red Hat:enterprise_linux:9::appstream" -> "redhat:9"; "Ubuntu:Pro:18.04:LTS"
         * -> "ubuntu:18.04": the first all-digit-and-dot field */
        if (strcmp(ECOS[i].ns, "redhat") == 0 || strcmp(ECOS[i].ns, "ubuntu") == 0) {
            const char *p = r;
            while (*p) {
                size_t l = strcspn(p, ":");
                if (l && strspn(p, "0123456789.") == l) {
                    r = p;
                    break;
                }
                p += l + (p[l] == ':');
            }
            if (!*p)
                return 0;
        }
        if (*r == 'v' && isdigit((unsigned char)r[1]))
            r++;
        size_t l = strcspn(r, ":");
        if (!l)
            return 0;
        int n = snprintf(dbuf, dcap, "%s:%.*s", ECOS[i].ns, (int)l, r);
        if (n > 0 && (size_t)n < dcap)
            *distro = dbuf;
        return 0;
    }
    return -1;
}

pk_status pki_vkey_osv(const char *eco, const char *name, char *key, size_t kcap, char *dbuf,
                       size_t dcap, const char **distro)
{
    const char *type, *ns;
    if (!name || !*name)
        return PK_E_USAGE;
    if (pki_osv_ecosystem(eco, &type, &ns, dbuf, dcap, distro) != 0)
        return PK_E_USAGE;
    char nsb[PKI_VKEY_MAX];
    const char *nm = name;
    if (strcmp(type, "maven") == 0) {
        const char *c = strchr(name, ':');
        if (!c || c == name || !c[1] || (size_t)(c - name) >= sizeof nsb)
            return PK_E_USAGE;
        memcpy(nsb, name, (size_t)(c - name));
        nsb[c - name] = 0;
        ns = nsb;
        nm = c + 1;
    } else if (strcmp(type, "golang") == 0 || strcmp(type, "npm") == 0 ||
               strcmp(type, "composer") == 0) {
        /* "golang.org/x/net", "@babel/core", "vendor/pkg": the namespace is
         * what comes before the last '/'. */
        const char *s = strrchr(name, '/');
        if (s) {
            if (s == name || !s[1] || (size_t)(s - name) >= sizeof nsb)
                return PK_E_USAGE;
            memcpy(nsb, name, (size_t)(s - name));
            nsb[s - name] = 0;
            ns = nsb;
            nm = s + 1;
        }
    }
    return pki_vkey_purl(type, ns, nm, key, kcap);
}

const char *pki_debian_release(const char *codename)
{
    static const struct {
        const char *name, *id;
    } R[] = {
        {"woody", "debian:3.0"},   {"sarge", "debian:3.1"},    {"etch", "debian:4"},
        {"lenny", "debian:5"},     {"squeeze", "debian:6"},    {"wheezy", "debian:7"},
        {"jessie", "debian:8"},    {"stretch", "debian:9"},    {"buster", "debian:10"},
        {"bullseye", "debian:11"}, {"bookworm", "debian:12"},  {"trixie", "debian:13"},
        {"forky", "debian:14"},    {"sid", "debian:unstable"},
    };
    if (!codename)
        return NULL;
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++)
        if (strcmp(codename, R[i].name) == 0)
            return R[i].id;
    return NULL;
}

int pki_cve_id_ok(const char *s)
{
    size_t n = 0;
    while (n < 29 && s[n])
        n++;
    if (n < 13 || n > 28 || memcmp(s, "CVE-", 4) != 0 || s[8] != '-')
        return 0;
    for (size_t i = 4; i < n; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

pk_status pki_imp_each(pki_imp *im, struct json_t *doc, pki_imp_one one)
{
    if (!im || !doc)
        return PK_E_MISUSE;
    if (!json_is_array(doc))
        return one(im, doc, 0);
    size_t n = json_array_size(doc);
    if (n > PKI_FEED_RECORDS)
        return pki_imp_fail(im, PK_E_LIMIT, NULL, "more than %u records", PKI_FEED_RECORDS);
    for (size_t i = 0; i < n; i++) {
        pk_status st = one(im, json_array_get(doc, i), i);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}
