/* One scan into the native JSON report in memory, with everything parakh
 * scan adds to it (vulnerabilities with --db, the CBOM, where the endpoints
 * are): what parakh assess and parakh diff read. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

pk_scan *volatile cli_scan_running;

static void on_signal(int sig)
{
    (void)sig;
    pk_scan_cancel(cli_scan_running); /* async-signal-safe: an atomic store */
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_scan_json(char *const *paths, int npaths, const pk_scan_opts *so, const cli_vdb *vdb,
                  const char *policy_date, const char *allowed, char **buf, size_t *len)
{
    pk_scan *s = NULL;
    pk_status st = pk_scan_new(so, &s);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", pk_status_str(st));
        return st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    }
    for (int i = 0; i < npaths; i++)
        if (pk_scan_add_path(s, paths[i]) != PK_OK) {
            fprintf(stderr, "parakh: %s\n", pk_scan_errmsg(s));
            pk_scan_free(s);
            return EXIT_INPUT;
        }
    cli_scan_running = s; /* SIGINT/SIGTERM cancel it (cli_catch_signals) */
    st = pk_scan_run(s);
    cli_progress_end();
    if (st != PK_OK) {
        if (st == PK_E_CANCELED)
            fprintf(stderr, "parakh: interrupted; temporary files removed\n");
        else
            fprintf(stderr, "parakh: %s\n", pk_scan_errmsg(s));
        cli_scan_running = NULL;
        pk_scan_free(s);
        return st == PK_E_CANCELED ? EXIT_INTERRUPTED : EXIT_INPUT;
    }
    int rc = EXIT_CLEAN;
    out_job job = {.scan = s, .ro = {.format = "json"}};
    pk_inventory *inv = NULL;
    pk_geo *geo = NULL;
    if (vdb->path) {
        st = pk_inventory_from_scan(s, &inv);
        if (st != PK_OK) {
            fprintf(stderr, "parakh: building the inventory failed: %s\n", pk_status_str(st));
            rc = EXIT_INPUT;
        } else {
            rc = cli_vdb_match(vdb, 1, inv, &job.vulns);
        }
        job.ro.vulns = job.vulns;
    }
    if (rc == EXIT_CLEAN) {
        rc = cli_cbom(vdb, s, job.vulns ? pk_vulns_inventory(job.vulns) : inv, policy_date,
                      &job.cbom);
        job.ro.cbom = job.cbom;
    }
    if (rc == EXIT_CLEAN) {
        char gerr[1024] = "";
        pk_status gs = pk_geo_build_db(s, vdb->path, allowed, &geo, gerr, sizeof gerr);
        if (gs != PK_OK) {
            fprintf(stderr, "parakh: %s\n", gerr[0] ? gerr : pk_status_str(gs));
            rc = gs == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
        }
        job.ro.geo = geo;
    }
    if (rc == EXIT_CLEAN) {
        FILE *m = open_memstream(buf, len);
        if (!m || pk_report_write_opts(s, &job.ro, m) != PK_OK) {
            fprintf(stderr, "parakh: building the report failed\n");
            rc = EXIT_INPUT;
        }
        if (m && fclose(m) != 0)
            rc = EXIT_INPUT;
        if (rc != EXIT_CLEAN && m) {
            free(*buf);
            *buf = NULL;
        }
    }
    pk_geo_free(geo);
    pk_cbom_free(job.cbom);
    pk_vulns_free(job.vulns);
    pk_inventory_free(inv);
    cli_scan_running = NULL;
    pk_scan_free(s);
    return rc;
}

int cli_read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "parakh: %s: %s\n", path, strerror(errno));
        return EXIT_INPUT;
    }
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= ((size_t)1 << 31)) {
            fprintf(stderr, "parakh: %s: larger than 2 GiB\n", path);
            free(b);
            fclose(f);
            return EXIT_INPUT;
        }
        char *nb = realloc(b, cap * 2);
        if (!nb)
            free(b);
        b = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b || bad) {
        fprintf(stderr, "parakh: %s: %s\n", path, b ? "read error" : "out of memory");
        free(b);
        return EXIT_INPUT;
    }
    *buf = b;
    *len = n;
    return EXIT_CLEAN;
}
