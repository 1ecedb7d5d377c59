/* parakh: the command line. Parses arguments, calls the library, prints, and
 * maps the outcome to the exit codes of docs/errors.md. */
#include "cli.h"

#include <errno.h>
#include <sys/stat.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: parakh scan [options] PATH...\n"
            "       parakh sbom [options] PATH...      (scan; CycloneDX 1.6 to stdout)\n"
            "       parakh sbom [--format F] [-o FILE] --input SBOM\n"
            "       parakh vulns [options] SBOM     (known vulnerabilities of an SBOM)\n"
            "       parakh assess --profile P [options] PATH... | --report R   (the verdict;\n"
            "                                             parakh assess --help)\n"
            "       parakh diff [options] OLD NEW    (what an update changed: two reports or\n"
            "                                             deliverables; parakh diff --help)\n"
            "       parakh db import|status|export ...   (the vulnerability database;\n"
            "                                             parakh db --help)\n"
            "       parakh lab keygen | root keygen|accredit|suspend | certify | verify\n"
            "                                            (certificates; docs/certificate.md)\n"
            "       parakh registry submit|revoke|export|sbom|inuse  (the registry;\n"
            "                                            docs/registry-api.md, docs/csaf.md)\n"
            "       parakh advisory new|check|publish|affected|bundle   (CSAF 2.0 advisories;\n"
            "                                            docs/csaf.md)\n"
            "       parakh version\n"
            "\n"
            "Takes each PATH (a file, a directory or any archive) apart safely and reports\n"
            "what is inside, with evidence for every finding.\n"
            "\n"
            "options:\n"
            "  --format FMT          %s\n"
            "                        (default: text; cyclonedx for parakh sbom)\n"
            "  -o, --output FILE     write the report to FILE instead of standard output\n"
            "  --reproducible        SBOMs: fixed timestamp, serial number from the content\n"
            "  --input SBOM          parakh sbom: read a CycloneDX or SPDX JSON SBOM made\n"
            "                        elsewhere instead of scanning, and write it as --format\n"
            "  --db FILE             match components against this vulnerability database\n"
            "                        (default: $PARAKH_DB when set; else no matching)\n"
            "  --vex FILE            a CycloneDX VEX document whose analysis overrides the\n"
            "                        database (repeatable)\n"
            "  --max-db-age DAYS     exit 3 when the database's data is older than DAYS\n"
            "  --rules PATH          analysts' YARA rules: a .yar file or a directory of them,\n"
            "                        compiled once, run on every file (docs/analyzers/yara.md)\n"
            "  --trust DIR           CA certificates (PEM or DER files) that signatures must\n"
            "                        chain to (docs/analyzers/signing.md)\n"
            "  --policy-date DATE    judge cryptography against the policy as of DATE\n"
            "                        (YYYY-MM-DD; default: today)\n"
            "  --allowed-countries CC,CC  endpoints in other countries are findings\n"
            "                        (ISO 3166-1 alpha-2; default: none, no such findings;\n"
            "                        docs/endpoints.md)\n"
            "  --fail-on SEV         exit 1 if a finding is SEV or worse:\n"
            "                        info, low, medium, high, critical, none (default: none)\n"
            "  -j, --jobs N          worker threads (default: number of cores)\n"
            "  --no-cache            compile the matcher's patterns instead of reading them\n"
            "                        from $PARAKH_CACHE_DIR (default ~/.cache/parakh)\n"
            "  -q, --quiet           no progress line\n"
            "  --tmpdir DIR          where the private temporary tree is made\n"
            "limits (a limit reached becomes a finding; the scan goes on):\n"
            "  --max-depth N         containers inside containers (default 16)\n"
            "  --max-total SIZE      bytes unpacked in the whole scan (default 16G)\n"
            "  --max-file SIZE       bytes of one unpacked file (default 4G)\n"
            "  --max-ratio N         unpacked bytes per container byte (default 200)\n"
            "  --max-entries N       archive entries in the whole scan (default 1000000)\n"
            "  --file-timeout SECS   time for one file (default 300)\n"
            "  --disk-reserve SIZE   stop unpacking below this much free space (default 512M)\n"
            "SIZE takes K, M, G or T suffixes (powers of 1024).\n"
            "\n"
            "exit codes: 0 no finding reached --fail-on; 1 one did; 2 usage error;\n"
            "3 an input could not be read or the run failed; 130 interrupted.\n",
            pk_report_formats());
}

int cli_parse_u64(const char *s, uint64_t *out, int size_suffix)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    if (size_suffix && *end) {
        switch (*end) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        case 't':
        case 'T':
            shift = 40;
            break;
        default:
            return -1;
        }
        end++;
    }
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int cli_bad_value(const char *opt, const char *val)
{
    fprintf(stderr, "parakh: invalid value '%s' for %s (see parakh scan --help)\n", val ? val : "",
            opt);
    return EXIT_USAGE;
}

static pk_status write_out(const out_job *j, FILE *f)
{
    if (j->scan)
        return pk_report_write_opts(j->scan, &j->ro, f);
    if (j->vulns)
        return pk_vulns_write(j->vulns, j->ro.format, j->ro.reproducible, f);
    pk_sbom_opts so;
    pk_sbom_opts_default(&so);
    so.format = j->ro.format;
    so.reproducible = j->ro.reproducible;
    return pk_inventory_write(j->inv, &so, f);
}

int cli_write_atomic(const char *path, pk_status (*fn)(const void *ctx, FILE *f), const void *ctx)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp)
        return -1;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp-XXXXXX", 12);
    /* mkstemp: a fresh file of our own, never one a symlink points at */
    int fd = mkstemp(tmp);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        fprintf(stderr, "parakh: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return -1;
    }
    mode_t um = umask(0); /* the mode an ordinary create would give */
    umask(um);
    pk_status st = fn(ctx, f);
    if (st == PK_OK && (fflush(f) != 0 || fchmod(fd, 0666 & ~um) != 0 || fsync(fd) != 0))
        st = PK_E_IO;
    if (fclose(f) != 0 && st == PK_OK)
        st = PK_E_IO;
    if (st != PK_OK || rename(tmp, path) != 0) {
        fprintf(stderr, "parakh: cannot write %s: %s\n", path,
                st != PK_OK && st != PK_E_IO ? pk_status_str(st) : strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

static pk_status write_job(const void *ctx, FILE *f)
{
    return write_out(ctx, f);
}

int cli_write_report(const out_job *j, const char *path)
{
    if (!path) {
        pk_status st = write_out(j, stdout);
        if (st != PK_OK) {
            fprintf(stderr, "parakh: writing the report failed: %s\n", pk_status_str(st));
            return -1;
        }
        return 0;
    }
    return cli_write_atomic(path, write_job, j);
}

/* parakh sbom --input: an SBOM made elsewhere, re-read and written again. */
static int sbom_input(const char *path, const out_job *tmpl, const char *output)
{
    char err[512] = "";
    out_job j = *tmpl;
    pk_status st = pk_inventory_from_sbom(path, &j.inv, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        return st == PK_E_MISUSE || st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    }
    int rc = cli_write_report(&j, output) != 0 ? EXIT_INPUT : EXIT_CLEAN;
    pk_inventory_free(j.inv);
    return rc;
}

/* scan and sbom share everything but the default format and --input. */
static int cmd_scan(int argc, char **argv, int sbom)
{
    enum {
        O_FORMAT = 256,
        O_REPRO,
        O_INPUT,
        O_FAILON,
        O_ALLOWED,
    };
    static const struct option opts[] = {
        {"format", required_argument, 0, O_FORMAT},
        {"reproducible", no_argument, 0, O_REPRO},
        {"input", required_argument, 0, O_INPUT},
        {"output", required_argument, 0, 'o'},
        {"fail-on", required_argument, 0, O_FAILON},
        {"allowed-countries", required_argument, 0, O_ALLOWED},
        {"help", no_argument, 0, 'h'},
        CLI_SCAN_LONGOPTS,
        {0, 0, 0, 0},
    };
    cli_scanargs sa;
    cli_scanargs_init(&sa);
    const char *format = sbom ? "cyclonedx" : "text", *output = NULL, *input = NULL;
    const char *allowed = NULL; /* --allowed-countries */
    int have_fail = 0, repro = 0;
    pk_severity fail_on = PK_SEV_CRITICAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        int r = cli_scanargs_option(&sa, c, optarg);
        if (r < 0)
            return -r;
        if (r > 0)
            continue;
        switch (c) {
        case O_FORMAT:
            if (!pk_report_known(optarg)) {
                fprintf(stderr, "parakh: unknown format '%s' (known: %s)\n", optarg,
                        pk_report_formats());
                return EXIT_USAGE;
            }
            format = optarg;
            break;
        case O_REPRO:
            repro = 1;
            break;
        case O_INPUT:
            if (!sbom) {
                fprintf(stderr, "parakh: --input belongs to parakh sbom\n");
                return EXIT_USAGE;
            }
            input = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case O_FAILON:
            if (strcmp(optarg, "none") == 0) {
                have_fail = 0;
            } else if (pk_severity_parse(optarg, &fail_on) == 0) {
                have_fail = 1;
            } else {
                return cli_bad_value("--fail-on", optarg);
            }
            break;
        case O_ALLOWED: {
            char why[160];
            if (!pk_geo_allowed_valid(optarg, why, sizeof why)) {
                fprintf(stderr, "parakh: --allowed-countries: %s\n", why);
                return EXIT_USAGE;
            }
            allowed = optarg;
            break;
        }
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        default:
            return cli_getopt_error(argv);
        }
    }
    out_job job = {.ro = {.format = format, .reproducible = repro}};
    if (input) {
        if (optind < argc) {
            fprintf(stderr, "parakh: sbom --input takes no PATH\n");
            return EXIT_USAGE;
        }
        if (!strcmp(format, "json") || !strcmp(format, "text")) {
            fprintf(stderr, "parakh: sbom --input writes an SBOM format: cyclonedx, "
                            "cyclonedx-1.5 or spdx\n");
            return EXIT_USAGE;
        }
        return sbom_input(input, &job, output);
    }
    if (optind >= argc) {
        fprintf(stderr, "parakh: %s needs at least one PATH (see parakh --help)\n",
                sbom ? "sbom" : "scan");
        return EXIT_USAGE;
    }
    int frc = cli_scanargs_finish(&sa);
    if (frc != EXIT_CLEAN)
        return frc;
    const cli_vdb vdb = sa.vdb;
    if (vdb.path && vdb.max_age >= 0) {
        /* Refused before the work, not after: stale data is a policy failure. */
        int r = cli_vdb_match(&vdb, 1, NULL, NULL);
        if (r != EXIT_CLEAN)
            return r;
    }
    pk_scan *s = NULL;
    pk_status st = pk_scan_new(&sa.so, &s);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", pk_status_str(st));
        return st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    }
    for (int i = optind; i < argc; i++) {
        if ((st = pk_scan_add_path(s, argv[i])) != PK_OK) {
            fprintf(stderr, "parakh: %s\n", pk_scan_errmsg(s));
            pk_scan_free(s);
            return EXIT_INPUT;
        }
    }
    cli_scan_running = s;
    cli_catch_signals();
    st = pk_scan_run(s);
    cli_progress_end();
    if (st == PK_E_CANCELED) {
        fprintf(stderr, "parakh: interrupted; temporary files removed\n");
        cli_scan_running = NULL;
        pk_scan_free(s);
        return EXIT_INTERRUPTED;
    }
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", pk_scan_errmsg(s));
        cli_scan_running = NULL;
        pk_scan_free(s);
        return EXIT_INPUT;
    }
    int rc = EXIT_CLEAN;
    job.scan = s;
    pk_inventory *inv = NULL;
    if (vdb.path) {
        st = pk_inventory_from_scan(s, &inv);
        if (st != PK_OK) {
            fprintf(stderr, "parakh: building the inventory failed: %s\n", pk_status_str(st));
            rc = EXIT_INPUT;
        } else {
            rc = cli_vdb_match(&vdb, 1, inv, &job.vulns);
        }
        job.ro.vulns = job.vulns;
    }
    /* the cryptography inventory and its judgement: for every report but
     * the SBOM formats, which do not carry it */
    int sbom_fmt =
        !strcmp(format, "cyclonedx") || !strcmp(format, "cyclonedx-1.5") || !strcmp(format, "spdx");
    if (rc == EXIT_CLEAN && !sbom_fmt) {
        rc = cli_cbom(&vdb, s, job.vulns ? pk_vulns_inventory(job.vulns) : inv, sa.policy_date,
                      &job.cbom);
        job.ro.cbom = job.cbom;
    }
    /* where the endpoints are (lib/geo/): countries, trackers, --allowed-countries */
    pk_geo *geo = NULL;
    if (rc == EXIT_CLEAN && !sbom_fmt) {
        char gerr[1024] = "";
        pk_status gs = pk_geo_build_db(s, vdb.path, allowed, &geo, gerr, sizeof gerr);
        if (gs != PK_OK) {
            fprintf(stderr, "parakh: %s\n", gerr[0] ? gerr : pk_status_str(gs));
            rc = gs == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
        }
        job.ro.geo = geo;
    }
    if (rc == EXIT_CLEAN && cli_write_report(&job, output) != 0)
        rc = EXIT_INPUT;
    if (rc == EXIT_CLEAN && have_fail) {
        const pk_finding *f;
        size_t n = pk_scan_findings(s, &f);
        for (size_t i = 0; i < n; i++)
            if (f[i].severity >= fail_on)
                rc = EXIT_FAILON;
        pk_severity worst;
        if (pk_vulns_findings(job.vulns, &worst) && worst >= fail_on)
            rc = EXIT_FAILON;
        if (pk_cbom_findings(job.cbom, NULL, &worst) && worst >= fail_on)
            rc = EXIT_FAILON;
        if (pk_geo_findings(geo, NULL, &worst) && worst >= fail_on)
            rc = EXIT_FAILON;
    }
    pk_geo_free(geo);
    pk_cbom_free(job.cbom);
    pk_vulns_free(job.vulns);
    pk_inventory_free(inv);
    cli_scan_running = NULL;
    pk_scan_free(s);
    return rc;
}

/* certificates (cli/cert.c, cli/verify.c; docs/certificate.md) */
int cmd_lab(int argc, char **argv);
int cmd_root(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* the registry client (cli/registry.c; docs/registry-api.md) */
int cmd_registry(int argc, char **argv);

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "scan") == 0)
        return cmd_scan(argc - 1, argv + 1, 0);
    if (strcmp(argv[1], "sbom") == 0)
        return cmd_scan(argc - 1, argv + 1, 1);
    if (strcmp(argv[1], "db") == 0)
        return cmd_db(argc - 1, argv + 1);
    if (strcmp(argv[1], "vulns") == 0)
        return cmd_vulns(argc - 1, argv + 1);
    if (strcmp(argv[1], "assess") == 0)
        return cmd_assess(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return cmd_diff(argc - 1, argv + 1);
    if (strcmp(argv[1], "lab") == 0)
        return cmd_lab(argc - 1, argv + 1);
    if (strcmp(argv[1], "root") == 0)
        return cmd_root(argc - 1, argv + 1);
    if (strcmp(argv[1], "certify") == 0)
        return cmd_certify(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "registry") == 0)
        return cmd_registry(argc - 1, argv + 1);
    if (strcmp(argv[1], "advisory") == 0)
        return cmd_advisory(argc - 1, argv + 1);
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("parakh %s\n", pk_version());
        return EXIT_CLEAN;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    fprintf(stderr, "parakh: unknown command '%s' (see parakh --help)\n", argv[1]);
    return EXIT_USAGE;
}
