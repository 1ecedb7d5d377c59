/* A purl-spec "vers" range ("vers:deb/>=1.0|<3.0.15-1") as a version
 * constraint, for CSAF product_version_range branches (docs/vulndb/csaf-vex.md).
 *
 * vers lists its constraints in ascending version order, so one pass turns
 * them into OSV-style events the matcher already evaluates: ">=" and ">"
 * open an interval (introduced; ">" is read as ">=", one version too many),
 * "<" closes one (fixed), "<=" closes one (last_affected), "=" is a closed
 * interval of one version, "!=" is skipped (an exclusion inside an interval:
 * the excluded version is reported, never missed), "*" is every version.
 * Versions are percent-decoded. The vers type is not used: versions are
 * compared in the scheme of the product's purl. */
#include <string.h>

#include "../version/version_int.h"
#include "vdb_int.h"

static int hexv(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decodes p[0..n) into out (cap bytes); -1 when malformed or long. */
static int decode(const char *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '%') {
            int h = i + 2 < n ? hexv(p[i + 1]) : -1, l = h >= 0 ? hexv(p[i + 2]) : -1;
            if (h < 0 || l < 0)
                return -1;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == 0 || k + 1 >= cap)
            return -1;
        out[k++] = c;
    }
    out[k] = 0;
    return k ? 0 : -1;
}

pk_status pki_vers_spec(pki_spec *sp, const char *vers)
{
    if (!sp || !vers || strncmp(vers, "vers:", 5) != 0)
        return PK_E_FORMAT;
    const char *c = strchr(vers + 5, '/');
    if (!c || c == vers + 5 || !c[1])
        return PK_E_FORMAT;
    c++;
    if (!strcmp(c, "*"))
        return pki_spec_bounds(sp, NULL, NULL, NULL, NULL);
    pki_spec_events_begin(sp);
    int inside = 0, any = 0;
    char v[PKI_VER_MAX + 1];
    while (*c) {
        size_t n = strcspn(c, "|");
        const char *e = c + n;
        const char *op = "=";
        size_t ol = 0;
        if (n >= 2 && (c[1] == '=' && (c[0] == '>' || c[0] == '<' || c[0] == '!')))
            op = c, ol = 2;
        else if (n >= 1 && (c[0] == '>' || c[0] == '<' || c[0] == '='))
            op = c, ol = 1;
        if (decode(c + ol, n - ol, v, sizeof v) != 0)
            return PK_E_FORMAT;
        pk_status s = PK_OK;
        if (op[0] == '>') {
            if (!inside)
                s = pki_spec_event(sp, "introduced", v);
            inside = 1;
        } else if (op[0] == '<') {
            if (!inside)
                s = pki_spec_event(sp, "introduced", "0");
            if (s == PK_OK)
                s = pki_spec_event(sp, ol == 2 ? "last_affected" : "fixed", v);
            inside = 0;
        } else if (op[0] == '=' || ol == 0) {
            if (!inside) {
                s = pki_spec_event(sp, "introduced", v);
                if (s == PK_OK)
                    s = pki_spec_event(sp, "last_affected", v);
            }
        } /* "!=": skipped, see above */
        if (s != PK_OK)
            return s;
        any |= op[0] != '!';
        c = *e ? e + 1 : e;
        if (*e && !*c)
            return PK_E_FORMAT; /* a trailing "|" */
    }
    if (!any)
        return PK_E_FORMAT;
    return pki_spec_end(sp) ? PK_OK : PK_E_LIMIT;
}
