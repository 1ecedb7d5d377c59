/* A terminal summary: what was looked at, what was found, most severe first. */
#include "report_int.h"

#include <string.h>

#define SHOW_MAX 40

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

pk_status pki_report_text(const pk_scan *s, FILE *out)
{
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

    size_t cnt[PK_SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < s->nfind; i++)
        cnt[s->findings[i].severity]++;
    fprintf(out, "  findings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n",
            cnt[PK_SEV_CRITICAL], cnt[PK_SEV_HIGH], cnt[PK_SEV_MEDIUM], cnt[PK_SEV_LOW],
            cnt[PK_SEV_INFO]);

    size_t shown = 0;
    for (int v = PK_SEV_CRITICAL; v >= PK_SEV_LOW; v--) {
        for (size_t i = 0; i < s->nfind; i++) {
            const pk_finding *f = &s->findings[i];
            if ((int)f->severity != v)
                continue;
            if (shown++ >= SHOW_MAX)
                continue;
            fprintf(out, "\n  [%s] %s %s\n    %s\n", pk_severity_str(f->severity), f->rule_id,
                    f->vpath, f->message);
            if (f->loc.offset != PK_LOC_NONE)
                fprintf(out, "    at offset %llu", (unsigned long long)f->loc.offset);
            if (f->loc.record)
                fprintf(out, "%s%s", f->loc.offset != PK_LOC_NONE ? ", " : "    in ",
                        f->loc.record);
            if (f->loc.offset != PK_LOC_NONE || f->loc.record)
                fputc('\n', out);
        }
    }
    if (shown > SHOW_MAX)
        fprintf(out, "\n  ... and %zu more (use --format json for all evidence)\n",
                shown - SHOW_MAX);
    int limits = 0;
    for (size_t i = 0; i < s->nfind; i++)
        limits += pki_rule_is_limit(s->findings[i].rule_id);
    if (limits)
        fprintf(out, "\n  %d limit(s) were reached: some content was not analysed.\n", limits);
    if (fflush(out) != 0)
        return PK_E_IO;
    return PK_OK;
}
