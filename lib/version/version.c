/* Scheme dispatch, input bounds, ecosystem mapping and the OSV range
 * evaluation (https://ossf.github.io/osv-schema/#evaluation). */
#include <string.h>

#include "version/version_int.h"

/* Bounded, NUL-terminated within PKI_VER_MAX, no control bytes. */
static int bounded(const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i <= PKI_VER_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!c)
            return i ? 0 : -1;
        if (c < 0x20 || c == 0x7f)
            return -1;
    }
    return -1;
}

int pki_vercmp(pki_verscheme s, const char *a, const char *b, int *out)
{
    int r = 0, rc;
    if (!out || bounded(a) || bounded(b))
        return -1;
    switch (s) {
    case PKI_VS_DPKG:
        rc = pki_vercmp_dpkg(a, b, &r);
        break;
    case PKI_VS_RPM:
        rc = pki_vercmp_rpm(a, b, &r);
        break;
    case PKI_VS_SEMVER:
        rc = pki_vercmp_semver(a, b, 0, &r);
        break;
    case PKI_VS_GO:
        rc = pki_vercmp_semver(a, b, 1, &r);
        break;
    case PKI_VS_PEP440:
        rc = pki_vercmp_pep440(a, b, &r);
        break;
    case PKI_VS_MAVEN:
        rc = pki_vercmp_maven(a, b, &r);
        break;
    case PKI_VS_APK:
        rc = pki_vercmp_apk(a, b, &r);
        break;
    case PKI_VS_NUGET:
        rc = pki_vercmp_nuget(a, b, &r);
        break;
    case PKI_VS_GENERIC:
        rc = pki_vercmp_generic(a, b, &r);
        break;
    case PKI_VS_GEM:
        rc = pki_vercmp_gem(a, b, &r);
        break;
    default:
        return -1;
    }
    if (rc)
        return -1;
    *out = (r > 0) - (r < 0);
    return 0;
}

int pki_ver_valid(pki_verscheme s, const char *v)
{
    int r;
    return pki_vercmp(s, v, v, &r);
}

typedef struct {
    const char *name;
    pki_verscheme s;
} map;

static pki_verscheme lookup(const map *m, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(m[i].name) == len && !memcmp(m[i].name, name, len))
            return m[i].s;
    return PKI_VS_NONE;
}

pki_verscheme pki_verscheme_for_purl_type(const char *t)
{
    static const map m[] = {
        {"deb", PKI_VS_DPKG},    {"rpm", PKI_VS_RPM},         {"apk", PKI_VS_APK},
        {"alpm", PKI_VS_NONE},   {"pypi", PKI_VS_PEP440},     {"maven", PKI_VS_MAVEN},
        {"golang", PKI_VS_GO},   {"npm", PKI_VS_SEMVER},      {"cargo", PKI_VS_SEMVER},
        {"hex", PKI_VS_SEMVER},  {"pub", PKI_VS_SEMVER},      {"swift", PKI_VS_SEMVER},
        {"nuget", PKI_VS_NUGET}, {"generic", PKI_VS_GENERIC}, {"gem", PKI_VS_GEM}};
    if (!t)
        return PKI_VS_NONE;
    return lookup(m, sizeof m / sizeof m[0], t, strlen(t));
}

pki_verscheme pki_verscheme_for_osv_ecosystem(const char *e)
{
    /* names from osv-schema's ecosystems list; ":<release>" suffixes scope
     * the package to a distribution release and do not change the order */
    static const map m[] = {{"Debian", PKI_VS_DPKG},
                            {"Ubuntu", PKI_VS_DPKG},
                            {"Alpine", PKI_VS_APK},
                            {"Wolfi", PKI_VS_APK},
                            {"Chainguard", PKI_VS_APK},
                            {"Alpaquita", PKI_VS_APK},
                            {"MinimOS", PKI_VS_APK},
                            {"Red Hat", PKI_VS_RPM},
                            {"AlmaLinux", PKI_VS_RPM},
                            {"Rocky Linux", PKI_VS_RPM},
                            {"openSUSE", PKI_VS_RPM},
                            {"SUSE", PKI_VS_RPM},
                            {"Mageia", PKI_VS_RPM},
                            {"openEuler", PKI_VS_RPM},
                            {"Photon OS", PKI_VS_RPM},
                            {"Azure Linux", PKI_VS_RPM},
                            {"PyPI", PKI_VS_PEP440},
                            {"Maven", PKI_VS_MAVEN},
                            {"Go", PKI_VS_GO},
                            {"npm", PKI_VS_SEMVER},
                            {"crates.io", PKI_VS_SEMVER},
                            {"Hex", PKI_VS_SEMVER},
                            {"Pub", PKI_VS_SEMVER},
                            {"SwiftURL", PKI_VS_SEMVER},
                            {"NuGet", PKI_VS_NUGET},
                            {"RubyGems", PKI_VS_GEM},
                            /* no comparator of their own yet: the generic order (numeric runs
                             * numerically) is right for their release versions and a documented
                             * approximation for pre-releases (docs/internals/version.md) */
                            {"Packagist", PKI_VS_GENERIC},
                            {"Hackage", PKI_VS_GENERIC},
                            {"CRAN", PKI_VS_GENERIC}};
    if (!e)
        return PKI_VS_NONE;
    const char *c = strchr(e, ':');
    return lookup(m, sizeof m / sizeof m[0], e, c ? (size_t)(c - e) : strlen(e));
}

const char *pki_verscheme_name(pki_verscheme s)
{
    static const char *const n[] = {"none",  "dpkg", "rpm",   "semver",  "go", "pep440",
                                    "maven", "apk",  "nuget", "generic", "gem"};
    _Static_assert(sizeof n / sizeof n[0] == PKI_VS_COUNT, "one name per scheme");
    return (unsigned)s < PKI_VS_COUNT ? n[s] : "none";
}

enum { EV_INTRO, EV_FIXED, EV_LAST, EV_LIMIT };

static int ev_kind(const char *k)
{
    if (!k)
        return -1;
    if (!strcmp(k, "introduced"))
        return EV_INTRO;
    if (!strcmp(k, "fixed"))
        return EV_FIXED;
    if (!strcmp(k, "last_affected"))
        return EV_LAST;
    if (!strcmp(k, "limit"))
        return EV_LIMIT;
    return -1;
}

/* The spec's algorithm walks the events sorted by version ("introduced: 0"
 * first) and lets each event that applies to v set the state; the final state
 * is therefore set by the applying event with the greatest version. Among
 * equal versions the later one in the input wins (a stable sort). This needs
 * no sorted copy. */
int pki_ver_in_osv_range(pki_verscheme s, const char *v, const char *const *events_kind,
                         const char *const *events_value, size_t n, int *affected)
{
    if (!affected || !events_kind || !events_value || n > PKI_VER_MAX_EVENTS || pki_ver_valid(s, v))
        return -1;
    size_t best = n; /* index of the deciding event */
    int nlimit = 0, below_limit = 0;
    for (size_t i = 0; i < n; i++) {
        int k = ev_kind(events_kind[i]), r = 0;
        const char *ev = events_value[i];
        if (k < 0 || !ev)
            return -1;
        int zero = k == EV_INTRO && !strcmp(ev, "0");
        if (k == EV_LIMIT) {
            nlimit++;
            if (!strcmp(ev, "*")) {
                below_limit = 1;
                continue;
            }
        }
        if (!zero && pki_vercmp(s, v, ev, &r))
            return -1;
        if (k == EV_LIMIT) {
            below_limit |= r < 0;
            continue;
        }
        int applies = zero || (k == EV_LAST ? r > 0 : r >= 0);
        if (!applies)
            continue;
        if (best < n) {
            /* keep the greater version; on a tie the later event */
            int bz = ev_kind(events_kind[best]) == EV_INTRO && !strcmp(events_value[best], "0");
            int c;
            if (zero)
                c = bz ? 0 : -1;
            else if (bz)
                c = 1;
            else if (pki_vercmp(s, ev, events_value[best], &c))
                return -1;
            if (c < 0)
                continue;
        }
        best = i;
    }
    *affected = best < n && ev_kind(events_kind[best]) == EV_INTRO;
    if (nlimit && !below_limit)
        *affected = 0;
    return 0;
}
