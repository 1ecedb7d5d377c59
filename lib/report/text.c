/* A terminal summary: what was looked at, what was found, most severe first. */
#include "report_int.h"

#include <parakh/cbom.h>

#include "../geo/geo_int.h"
#include <parakh/inventory.h>
#include <parakh/vulndb.h>

#include <string.h>

#include "../vulndb/vdb_int.h"

#define SHOW_MAX 40 /* rules shown */
#define EXAMPLES 3  /* files shown per rule */

static void human(char *buf, size_t n, uint64_t v)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double d = (double)v;
    int i = 0;
    while (d >= 1024 && i < 4) {
        d /= 1024;
        i++;
    }
    snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", d, u[i]);
}

pk_status pki_report_text(const pk_scan *s, const pk_report_opts *o, FILE *out)
{
    const pk_vulns *vu = o->vulns;
    char b1[32], b2[32];
    size_t nfiles = 0, nother = 0, containers = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        if (s->files[i].kind == PKI_KIND_FILE)
            nfiles++;
        else
            nother++;
        if (s->files[i].container)
            containers++;
    }
    human(b1, sizeof b1, atomic_load(&((pk_scan *)s)->bytes_scanned));
    human(b2, sizeof b2, atomic_load(&((pk_scan *)s)->total_bytes));
    fprintf(out, "parakh %s scan of", pk_version());
    for (size_t i = 0; i < s->ninputs; i++)
        fprintf(out, " %s", s->inputs[i].path);
    fprintf(out,
            "\n  %zu files (%s read, %s unpacked from %zu containers), %zu other entries, "
            "%.1f s\n",
            nfiles, b1, b2, containers, nother, (double)(s->finished_ms - s->started_ms) / 1000.0);

    size_t nall = 0;
    int failed = 0;
    pk_finding *all = pki_report_findings(s, o, &nall, &failed);
    if (failed)
        return PK_E_NOMEM;
    size_t cnt[PK_SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < nall; i++)
        cnt[all[i].severity]++;
    for (size_t i = 0; i < pk_vulns_count(vu); i++)
        if (!pk_vulns_at(vu, i)->suppressed)
            cnt[pk_vuln_finding_severity(pk_vulns_at(vu, i))]++;
    fprintf(out, "  findings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n",
            cnt[PK_SEV_CRITICAL], cnt[PK_SEV_HIGH], cnt[PK_SEV_MEDIUM], cnt[PK_SEV_LOW],
            cnt[PK_SEV_INFO]);
    pk_inventory *own = NULL;
    const pk_inventory *inv = vu ? pk_vulns_inventory(vu) : NULL;
    if (inv || pk_inventory_from_scan(s, &own) == PK_OK) {
        if (!inv)
            inv = own;
        pk_inventory_stats is;
        pk_inventory_stats_get(inv, &is);
        fprintf(out,
                "  components: %zu (%zu executables no package claims), %zu dependencies "
                "(parakh sbom for the SBOM)\n",
                is.components, is.unattributed_files, is.dependencies);
        pk_inventory_free(own);
    }
    if (o->cbom) {
        pk_cbom_stats cs;
        pk_cbom_stats_get(o->cbom, &cs);
        fprintf(out,
                "  cryptography: %zu algorithms, %zu protocols, %zu certificates, %zu keys, "
                "%zu libraries; %zu not approved as of %s (--format cbom for the CBOM)\n",
                cs.algorithms, cs.protocols, cs.certificates, cs.keys, cs.libraries,
                cs.by_status[1] + cs.by_status[2] + cs.by_status[3] + cs.by_status[4] +
                    cs.by_status[5],
                pk_cbom_policy_date(o->cbom));
    }
    {
        pk_geo *own_geo = NULL; /* as in json.c: ccTLDs only when no join was given */
        const pk_geo *geo = o->geo;
        if (!geo && pk_geo_build(s, NULL, &own_geo, NULL, 0) == PK_OK && pk_geo_count(own_geo))
            geo = own_geo;
        if (geo)
            pki_geo_text(geo, out);
        pk_geo_free(own_geo);
    }

    /* Grouped by rule, most severe first: a terminal reader wants "which
     * problems, how many, where to look"; the JSON has every instance. Rules
     * are few, so a linear table of groups is enough. */
    typedef struct group {
        const char *rule;
        pk_severity sev;
        size_t n, first;
    } group;
    group *g = NULL;
    size_t ng = 0, capg = 0;
    for (size_t i = 0; i < nall; i++) {
        const pk_finding *f = &all[i];
        size_t k = 0;
        while (k < ng && !(g[k].sev == f->severity && strcmp(g[k].rule, f->rule_id) == 0))
            k++;
        if (k == ng) {
            if (!pki_grow((void **)&g, &capg, ng + 1, sizeof *g)) {
                pki_free(g);
                pki_free(all);
                return PK_E_NOMEM;
            }
            g[ng++] = (group){f->rule_id, f->severity, 0, i};
        }
        g[k].n++;
    }
    size_t shown = 0;
    for (int v = PK_SEV_CRITICAL; v >= PK_SEV_LOW; v--) {
        for (size_t k = 0; k < ng; k++) {
            if ((int)g[k].sev != v || shown++ >= SHOW_MAX)
                continue;
            const pk_finding *f = &all[g[k].first];
            fprintf(out, "\n  [%s] %s  (%zu)\n    %s\n", pk_severity_str(f->severity), f->rule_id,
                    g[k].n, f->message);
            size_t ex = 0;
            for (size_t i = g[k].first; i < nall && ex < EXAMPLES; i++) {
                const pk_finding *e = &all[i];
                if (e->severity != f->severity || strcmp(e->rule_id, f->rule_id) != 0)
                    continue;
                ex++;
                fprintf(out, "      %s", e->vpath);
                if (e->loc.offset != PK_LOC_NONE)
                    fprintf(out, " @%llu", (unsigned long long)e->loc.offset);
                if (e->loc.record)
                    fprintf(out, " [%s]", e->loc.record);
                fputc('\n', out);
            }
            if (g[k].n > ex)
                fprintf(out, "      ... and %zu more\n", g[k].n - ex);
        }
    }
    pki_free(g);
    pki_free(all);
    if (shown > SHOW_MAX)
        fprintf(out, "\n  ... and %zu more rules (use --format json for all evidence)\n",
                shown - SHOW_MAX);
    int limits = 0;
    for (size_t i = 0; i < s->nfind; i++)
        limits += pki_rule_is_limit(s->findings[i].rule_id);
    if (limits)
        fprintf(out, "\n  %d limit(s) were reached: some content was not analysed.\n", limits);
    if (vu) {
        fputc('\n', out);
        pk_status vst = pki_vulns_text(vu, out);
        if (vst != PK_OK)
            return vst;
    }
    if (fflush(out) != 0)
        return PK_E_IO;
    return PK_OK;
}
