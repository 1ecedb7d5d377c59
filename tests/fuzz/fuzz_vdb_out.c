/* Fuzz target for the known-vulnerability writers (lib/vulndb/vwrite.c,
 * sarif.c, lib/inventory/cdx_vulns.c). Their input is strings from SBOMs and
 * feeds: the input is read as an SBOM, and each component becomes a match
 * whose every string (id, aliases, fixed, VEX source and justification, CWE,
 * feed, dates) is one of the component's own, so hostile names, non-UTF-8,
 * long and empty strings reach every field. Each format must succeed; the
 * JSON ones must parse back, the text must hold no control byte but '\n'.
 * Seeds: the .hex files in tests/fuzz/corpus/vdb_out/. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/writer_int.h"
#include "vulndb/vdb_int.h"

#define FUZZ_MAX_INPUT (1u << 18)
#define FUZZ_MAX_VULNS 64

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char *or_null(const char *s, size_t k)
{
    return (k % 3) ? s : NULL;
}

static void check_out(const pk_vulns *v, const char *fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    pk_status st = pk_vulns_write(v, fmt, 1, f);
    fclose(f);
    if (st != PK_OK)
        __builtin_trap();
    if (!strcmp(fmt, "text")) {
        for (size_t i = 0; i < len; i++)
            if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f)
                __builtin_trap(); /* an escape sequence would reach the terminal */
    } else {
        json_t *j = json_loadb(buf, len, 0, NULL);
        if (!j)
            __builtin_trap(); /* not JSON (or not UTF-8) */
        json_decref(j);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pk_inventory *inv = NULL;
    char err[256];
    if (pki_sbom_read_buf((const char *)d, n, "fuzz.json", &inv, err, sizeof err) != PK_OK)
        return 0;
    size_t nc = pk_inventory_count(inv), nv = nc < FUZZ_MAX_VULNS ? nc : FUZZ_MAX_VULNS;
    pk_vuln *vv = calloc(nv ? nv : 1, sizeof *vv);
    const char **strs = calloc(nv ? 4 * nv : 1, sizeof *strs);
    pk_vdb_source src[2];
    if (!vv || !strs)
        goto out;
    for (size_t i = 0; i < nv; i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        const char *name = c->name ? c->name : "x";
        const char *ver = c->version ? c->version : "";
        strs[4 * i] = c->purl ? c->purl : name;
        strs[4 * i + 1] = ver;
        strs[4 * i + 2] = name;
        strs[4 * i + 3] = c->ref ? c->ref : name;
        vv[i] = (pk_vuln){
            .comp = i,
            .id = *name ? name : "x",
            .aliases = &strs[4 * i],
            .naliases = i % 3,
            .summary = or_null(c->description ? c->description : ver, i),
            .severity = (pk_severity)(i % 5),
            .cvss_version = or_null(ver, i + 1),
            .cvss_vector = or_null(name, i + 2),
            .cvss_score = (i % 4) ? (double)(i % 11) : -1,
            .cvss_source = or_null(strs[4 * i + 3], i),
            .kev = (int)(i & 1),
            .kev_added = or_null(ver, i),
            .kev_due = or_null(name, i + 1),
            .kev_ransomware = (int)(i & 2),
            .epss = (i % 5) ? (double)(i % 7) / 7.0 : -1,
            .epss_percentile = (i % 2) ? 0.5 : -1,
            .fixed = or_null(ver, i + 2),
            .method = (i & 1) ? "purl" : "cpe",
            .matched = or_null(strs[4 * i], i),
            .feeds = &strs[4 * i + 1],
            .nfeeds = i % 4,
            .cwes = &strs[4 * i + 2],
            .ncwes = i % 3,
            .confidence = (uint8_t)(i * 37),
            .vex = (pk_vex_state)(i % 5),
            .vex_source = or_null(name, i),
            .vex_justification = or_null(c->license ? c->license : name, i + 1),
            .suppressed = i % 5 == PK_VEX_NOT_AFFECTED || i % 5 == PK_VEX_FIXED,
        };
    }
    const pk_comp *c0 = nc ? pk_inventory_at(inv, 0) : NULL;
    src[0] = (pk_vdb_source){"osv", 3, c0 && c0->name ? c0->name : NULL, NULL, 5};
    src[1] = (pk_vdb_source){c0 && c0->version ? c0->version : "nvd", 9, "2025-08-25", NULL, -1};
    pk_vulns v = {
        .inv = inv, .v = vv, .n = nv, .src = src, .nsrc = 2, .db_path = c0 ? c0->ref : NULL};
    static const char *const fmts[] = {"json", "text", "sarif", "cyclonedx", "cyclonedx-1.5"};
    for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
        check_out(&v, fmts[k]);
out:
    free(vv);
    free(strs);
    pk_inventory_free(inv);
    return 0;
}
