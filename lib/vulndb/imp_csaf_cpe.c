/* CPE fields for the CSAF importer (lib/vulndb/imp_csaf.c): the vendor,
 * product and version of a product's CPE in either binding CSAF allows, and
 * the Red Hat release a relationship's platform CPE names. */
#include <stdio.h>
#include <string.h>

#include "vdb_int.h"

static int hexval(char h)
{
    const char *x = "0123456789abcdef", *p = h ? strchr(x, h | 0x20) : NULL;
    return p ? (int)(p - x) : -1;
}

/* Copies a CPE field as plain text: percent-decoding for the 2.2 URI binding,
 * backslash-unquoting for the 2.3 formatted string. "", "*" and "-" (ANY, NA)
 * give 0 (no value). 1 on a value; -1 when it does not fit or is malformed. */
static int cpe_plain(const char *s, size_t n, int uri, char *out, size_t cap)
{
    if (!n || (n == 1 && (*s == '*' || *s == '-')))
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (uri && ch == '%') {
            int a = i + 2 < n ? hexval(s[i + 1]) : -1, b = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (a < 0 || b < 0)
                return -1;
            ch = (char)(a * 16 + b);
            i += 2;
        } else if (!uri && ch == '\\') {
            if (++i == n)
                return -1;
            ch = s[i];
        }
        if (o + 1 >= cap || (unsigned char)ch < 0x20)
            return -1;
        out[o++] = ch;
    }
    out[o] = 0;
    return o ? 1 : 0;
}

/* vendor, product and version of a CPE in either binding CSAF allows
 * ("cpe:/a:redhat:rhel_aus:8.6::appstream", "cpe:2.3:a:..."). 0 or -1. */
int pki_csaf_cpe_fields(const char *cpe, char *vendor, char *product, char *ver, size_t cap)
{
    int uri = !strncmp(cpe, "cpe:/", 5);
    if (!uri && strncmp(cpe, "cpe:2.3:", 8))
        return -1;
    const char *p = cpe + (uri ? 5 : 8);
    char *outs[3] = {vendor, product, ver};
    vendor[0] = product[0] = ver[0] = 0;
    /* field 0 is the part; then vendor, product, version */
    for (int f = 0; f < 4; f++) {
        const char *e = p;
        while (*e && *e != ':') {
            if (!uri && *e == '\\' && e[1])
                e++;
            e++;
        }
        if (f > 0 && cpe_plain(p, (size_t)(e - p), uri, outs[f - 1], cap) < 0)
            return -1;
        if (!*e)
            break;
        p = e + 1;
    }
    return vendor[0] && product[0] ? 0 : -1;
}

/* "redhat:9" from a Red Hat Enterprise Linux platform CPE
 * (enterprise_linux, or a rhel_* stream such as rhel_aus 8.6); "" otherwise. */
void pki_csaf_platform_distro(const char *cpe, char *out, size_t cap)
{
    char v[64], p[64], ver[64];
    out[0] = 0;
    if (!cpe || pki_csaf_cpe_fields(cpe, v, p, ver, sizeof v) || strcmp(v, "redhat"))
        return;
    if (strcmp(p, "enterprise_linux") && strncmp(p, "rhel", 4))
        return;
    size_t n = strspn(ver, "0123456789");
    if (n && n < 8)
        snprintf(out, cap, "redhat:%.*s", (int)n, ver);
}
