/* Fuzz target: package identifiers (lib/ident/). The input is taken as a purl
 * and as a CPE 2.3 formatted string; whatever parses is rebuilt, and the
 * rebuilt string must parse again to the same fields. */
#include <stdint.h>
#include <string.h>

#include "ident/ident_int.h"

static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static void purl_round(const char *s)
{
    static char buf[PKI_IDENT_OUT_MAX], buf2[PKI_IDENT_OUT_MAX], out[PKI_IDENT_OUT_MAX],
        out2[PKI_IDENT_OUT_MAX];
    pki_purl p, q;
    if (pki_purl_parse(s, &p, buf, sizeof buf) != PK_OK)
        return;
    if (pki_purl_build(&p, out, sizeof out) != PK_OK)
        __builtin_trap();
    if (pki_purl_parse(out, &q, buf2, sizeof buf2) != PK_OK)
        __builtin_trap();
    if (!same(p.type, q.type) || !same(p.ns, q.ns) || !same(p.name, q.name) ||
        !same(p.version, q.version) || !same(p.subpath, q.subpath) || p.nquals != q.nquals)
        __builtin_trap();
    for (size_t i = 0; i < p.nquals; i++) {
        size_t k = 0;
        while (k < q.nquals && strcmp(p.quals[i].key, q.quals[k].key) != 0)
            k++;
        if (k == q.nquals || !same(p.quals[i].value, q.quals[k].value))
            __builtin_trap();
    }
    /* canonical is a fixed point */
    if (pki_purl_build(&q, out2, sizeof out2) != PK_OK || strcmp(out, out2) != 0)
        __builtin_trap();
}

static void cpe_round(const char *s)
{
    static char buf[PKI_IDENT_OUT_MAX], buf2[PKI_IDENT_OUT_MAX], out[PKI_IDENT_OUT_MAX];
    pki_cpe c, d;
    if (pki_cpe_parse(s, &c, buf, sizeof buf) != PK_OK)
        return;
    if (pki_cpe_build(&c, out, sizeof out) != PK_OK)
        __builtin_trap();
    if (pki_cpe_parse(out, &d, buf2, sizeof buf2) != PK_OK)
        __builtin_trap();
    for (int i = 0; i < PKI_CPE_NATTR; i++) {
        if (c.a[i].kind != d.a[i].kind)
            __builtin_trap();
        if (c.a[i].kind == PKI_CPE_VALUE && strcmp(c.a[i].v, d.a[i].v) != 0)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static char s[PKI_IDENT_MAX + 2];
    if (n > PKI_IDENT_MAX + 1)
        n = PKI_IDENT_MAX + 1; /* one byte over the limit still exercises the rejection */
    memcpy(s, d, n);
    s[n] = 0;
    purl_round(s);
    cpe_round(s);
    return 0;
}
