/* The reporter table. */
#include "report_int.h"

#include <parakh/cbom.h>
#include <parakh/geo.h>
#include <parakh/inventory.h>
#include <parakh/vulndb.h>
#include <stdlib.h>
#include <string.h>

#include "../vulndb/vdb_int.h"

static pk_status write_sbom(const pk_scan *s, const pk_report_opts *o, FILE *out);
static pk_status write_cbom(const pk_scan *s, const pk_report_opts *o, FILE *out);

static const pki_reporter reporters[] = {
    {"json", pki_report_json}, {"text", pki_report_text},     {"sarif", pki_report_sarif},
    {"cyclonedx", write_sbom}, {"cyclonedx-1.5", write_sbom}, {"spdx", write_sbom},
    {"cbom", write_cbom},
};

int pk_report_known(const char *format)
{
    for (size_t i = 0; format && i < sizeof reporters / sizeof reporters[0]; i++)
        if (strcmp(reporters[i].name, format) == 0)
            return 1;
    return 0;
}

const char *pk_report_formats(void)
{
    return "json, text, sarif, cyclonedx, cyclonedx-1.5, spdx, cbom";
}

static pk_status write_cbom(const pk_scan *s, const pk_report_opts *o, FILE *out)
{
    if (o->cbom)
        return pk_cbom_write(o->cbom, o->reproducible, out);
    pk_cbom *own = NULL;
    pk_status st = pk_cbom_build(s, NULL, &own, NULL, 0);
    if (st == PK_OK)
        st = pk_cbom_write(own, o->reproducible, out);
    pk_cbom_free(own);
    return st;
}

pk_finding *pki_report_findings(const pk_scan *s, const pk_report_opts *o, size_t *n, int *failed)
{
    const pk_finding *cf = NULL, *gf = NULL;
    size_t nc = o ? pk_cbom_findings(o->cbom, &cf, NULL) : 0;
    size_t ng = o ? pk_geo_findings(o->geo, &gf, NULL) : 0;
    *n = 0;
    *failed = 0;
    if (!s->nfind && !nc && !ng)
        return NULL;
    pk_finding *all = pki_malloc((s->nfind + nc + ng) * sizeof *all);
    if (!all) {
        *failed = 1;
        return NULL;
    }
    if (s->nfind)
        memcpy(all, s->findings, s->nfind * sizeof *all);
    if (nc)
        memcpy(all + s->nfind, cf, nc * sizeof *all);
    if (ng) /* the endpoint join's (lib/geo/) */
        memcpy(all + s->nfind + nc, gf, ng * sizeof *all);
    *n = s->nfind + nc + ng;
    if (nc || ng)
        qsort(all, *n, sizeof *all, pki_finding_cmp);
    return all;
}

/* SBOM formats go through the inventory (lib/inventory/). */
static pk_status write_sbom(const pk_scan *s, const pk_report_opts *o, FILE *out)
{
    /* With vulnerabilities, their inventory: matches refer to its indices. */
    pk_inventory *own = NULL;
    const pk_inventory *inv = o->vulns ? pk_vulns_inventory(o->vulns) : NULL;
    pk_status st = PK_OK;
    if (!inv) {
        st = pk_inventory_from_scan(s, &own);
        if (st != PK_OK)
            return st;
        inv = own;
    }
    pk_sbom_opts so;
    pk_sbom_opts_default(&so);
    so.format = o->format;
    so.reproducible = o->reproducible;
    so.vulns = o->vulns;
    st = pk_inventory_write(inv, &so, out);
    pk_inventory_free(own);
    return st;
}

pk_status pk_report_write_opts(const pk_scan *s, const pk_report_opts *o, FILE *out)
{
    if (!s || !o || !o->format || !out)
        return PK_E_MISUSE;
    for (size_t i = 0; i < sizeof reporters / sizeof reporters[0]; i++)
        if (strcmp(reporters[i].name, o->format) == 0)
            return reporters[i].write(s, o, out);
    return PK_E_USAGE;
}

pk_status pk_report_write(const pk_scan *s, const char *format, FILE *out)
{
    pk_report_opts o = {.format = format};
    return pk_report_write_opts(s, &o, out);
}

const char *pki_kind_name(pki_kind k)
{
    switch (k) {
    case PKI_KIND_FILE:
        return "file";
    case PKI_KIND_SYMLINK:
        return "symlink";
    case PKI_KIND_HARDLINK:
        return "hardlink";
    case PKI_KIND_DEVICE:
        return "device";
    case PKI_KIND_FIFO:
        return "fifo";
    case PKI_KIND_SOCKET:
        return "socket";
    case PKI_KIND_OTHER:
        return "other";
    }
    return "other";
}

int pki_rule_is_limit(const char *r)
{
    static const char *const lim[] = {"PK-SRC-0006", "PK-SRC-0007", "PK-SRC-0008", "PK-SRC-0009",
                                      "PK-SRC-0010", "PK-SRC-0012", "PK-SRC-0016"};
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        if (strcmp(r, lim[i]) == 0)
            return 1;
    return 0;
}

pk_status pki_report_sarif(const pk_scan *s, const pk_report_opts *o, FILE *out)
{
    size_t n;
    int failed;
    pk_finding *all = pki_report_findings(s, o, &n, &failed);
    if (failed)
        return PK_E_NOMEM;
    pk_status st = pki_sarif_write(all, n, o->vulns, o->reproducible, out);
    pki_free(all);
    return st;
}
