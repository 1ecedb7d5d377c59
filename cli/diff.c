/* parakh diff: what an update changed, between two native JSON reports or
 * two deliverables (each scanned first, as parakh scan --format json would,
 * with the same options). Exit codes (docs/diff.md, docs/errors.md): 0
 * nothing security-relevant got worse, 1 something did, 2 usage, 3 input
 * or run failure, 130 interrupted. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <parakh/decide.h>
#include <parakh/diff.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("usage: parakh diff [options] OLD NEW\n"
          "\n"
          "What an update changed. OLD and NEW are native JSON reports (parakh scan\n"
          "--format json) or deliverables, which are scanned first with the options below.\n"
          "Reports: components added, removed, upgraded and downgraded; known\n"
          "vulnerabilities fixed and introduced; files added, removed and changed;\n"
          "hardening lost; signer changes; new capabilities, secrets and keys; endpoints\n"
          "and countries; cryptography; and the verdict (docs/diff.md).\n"
          "\n"
          "options:\n"
          "  --format FMT          text, json (docs/diff.schema.json) or markdown\n"
          "                        (default: text)\n"
          "  -o, --output FILE     write the diff to FILE instead of standard output\n"
          "  --profile P           assess both with policy profile P (parakh assess) and\n"
          "                        compare the verdicts; otherwise the verdict is compared\n"
          "                        only when the reports carry an assessment\n"
          "  --scan                scan OLD and NEW even if they look like reports\n"
          "  --save-old FILE, --save-new FILE\n"
          "                        keep the native JSON report of a scanned deliverable\n"
          "scan options (for deliverables; as for parakh scan):\n"
          "  --db FILE, --vex FILE, --max-db-age DAYS, --policy-date DATE, --rules PATH,\n"
          "  --trust DIR, -j N, -q, --tmpdir DIR, --no-cache, --max-depth N,\n"
          "  --max-total SIZE, --max-file SIZE, --max-ratio N, --max-entries N,\n"
          "  --file-timeout SECS, --disk-reserve SIZE\n"
          "\n"
          "exit codes: 0 nothing security-relevant got worse; 1 something got worse\n"
          "(a vulnerability or KEV entry introduced, a component downgraded, hardening\n"
          "lost, a signer changed or a signature lost, a new capability, secret or key,\n"
          "a new endpoint country, weaker cryptography, a stricter verdict); 2 usage\n"
          "error; 3 an input could not be read or the run failed; 130 interrupted.\n",
          f);
}

/* A native report begins with '{' and names its schema and tool near the top;
 * anything else (a package.json included) is a deliverable to scan. */
static int looks_like_report(const char *path)
{
    char head[512];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = 0;
    size_t i = strspn(head, " \t\r\n");
    return head[i] == '{' && strstr(head, "\"schema_version\"") && strstr(head, "\"parakh\"");
}

/* Scans one path (cli/scanjson.c); the caller installed the signal handler. */
static int scan_to_json(const char *path, const pk_scan_opts *so, const cli_vdb *vdb,
                        const char *policy_date, char **buf, size_t *len)
{
    char *paths[1] = {(char *)path};
    return cli_scan_json(paths, 1, so, vdb, policy_date, NULL, buf, len);
}

typedef struct side {
    const char *path, *save;
    char *buf;
    size_t len;
} side;

typedef struct dopts {
    cli_scanargs sa;
    int force_scan;
} dopts;

static int load_side(side *s, const dopts *d)
{
    if (!d->force_scan && looks_like_report(s->path))
        return cli_read_file(s->path, &s->buf, &s->len);
    int rc = scan_to_json(s->path, &d->sa.so, &d->sa.vdb, d->sa.policy_date, &s->buf, &s->len);
    if (rc == EXIT_CLEAN && s->save) {
        FILE *f = fopen(s->save, "w");
        if (!f || fwrite(s->buf, 1, s->len, f) != s->len || fclose(f) != 0) {
            fprintf(stderr, "parakh: cannot write %s: %s\n", s->save, strerror(errno));
            return EXIT_INPUT;
        }
    }
    return rc;
}

/* The verdict of profile over one report's text; NULL (reported) on failure. */
static const char *verdict_of(const pk_profile *p, const side *s, const char *policy_date)
{
    char err[512] = "";
    pk_assessment *a = NULL;
    pk_status st = pk_assess(p, NULL, s->buf, s->len, policy_date, &a, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: assessing %s: %s\n", s->path, err[0] ? err : pk_status_str(st));
        return NULL;
    }
    const char *v = pk_verdict_str(pk_assessment_verdict(a));
    pk_assessment_free(a);
    return v;
}

static int write_diff(const pk_diff *df, const char *format, const char *output)
{
    FILE *f = output ? fopen(output, "w") : stdout;
    if (!f) {
        fprintf(stderr, "parakh: cannot write %s: %s\n", output, strerror(errno));
        return EXIT_INPUT;
    }
    pk_status st = pk_diff_write(df, format, f);
    if (output && fclose(f) != 0 && st == PK_OK)
        st = PK_E_IO;
    if (st != PK_OK) {
        fprintf(stderr, "parakh: writing the diff failed: %s\n", pk_status_str(st));
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

int cmd_diff(int argc, char **argv)
{
    enum {
        O_FORMAT = 256,
        O_PROFILE,
        O_SCAN,
        O_SAVEO,
        O_SAVEN,
    };
    static const struct option opts[] = {
        {"format", required_argument, 0, O_FORMAT},
        {"output", required_argument, 0, 'o'},
        {"profile", required_argument, 0, O_PROFILE},
        {"scan", no_argument, 0, O_SCAN},
        {"save-old", required_argument, 0, O_SAVEO},
        {"save-new", required_argument, 0, O_SAVEN},
        {"help", no_argument, 0, 'h'},
        CLI_SCAN_LONGOPTS,
        {0, 0, 0, 0},
    };
    dopts d;
    memset(&d, 0, sizeof d);
    cli_scanargs_init(&d.sa);
    const char *format = "text", *output = NULL, *profile = NULL;
    int c;
    side so = {0}, sn = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        int r = cli_scanargs_option(&d.sa, c, optarg);
        if (r < 0)
            return -r;
        if (r > 0)
            continue;
        switch (c) {
        case O_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "markdown"))
                return cli_bad_value("--format", optarg);
            format = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case O_PROFILE:
            profile = optarg;
            break;
        case O_SCAN:
            d.force_scan = 1;
            break;
        case O_SAVEO:
            so.save = optarg;
            break;
        case O_SAVEN:
            sn.save = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        default:
            return cli_getopt_error(argv);
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "parakh: diff needs two inputs, OLD and NEW (see parakh diff --help)\n");
        return EXIT_USAGE;
    }
    int frc = cli_scanargs_finish(&d.sa);
    if (frc != EXIT_CLEAN)
        return frc;
    so.path = argv[optind];
    sn.path = argv[optind + 1];
    /* a bad profile should not cost two scans */
    char err[512] = "";
    pk_profile *prof = NULL;
    pk_status st;
    if (profile && (st = pk_profile_load(profile, &prof, err, sizeof err)) != PK_OK) {
        fprintf(stderr, "parakh: --profile: %s\n", err[0] ? err : pk_status_str(st));
        return st == PK_E_IO ? EXIT_INPUT : EXIT_USAGE;
    }
    int rc = EXIT_CLEAN;
    if (d.sa.vdb.path && d.sa.vdb.max_age >= 0 &&
        (rc = cli_vdb_match(&d.sa.vdb, 1, NULL, NULL)) != EXIT_CLEAN)
        goto out;
    cli_catch_signals();
    if ((rc = load_side(&so, &d)) != EXIT_CLEAN || (rc = load_side(&sn, &d)) != EXIT_CLEAN)
        goto out;
    pk_diff *df = NULL;
    st = pk_diff_reports(so.buf, so.len, sn.buf, sn.len, so.path, sn.path, &df, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        rc = EXIT_INPUT;
        goto out;
    }
    if (prof) {
        const char *vo = verdict_of(prof, &so, d.sa.policy_date),
                   *vn = vo ? verdict_of(prof, &sn, d.sa.policy_date) : NULL;
        if (!vo || !vn || pk_diff_set_verdicts(df, vo, vn, profile) != PK_OK)
            rc = EXIT_INPUT;
    }
    if (rc == EXIT_CLEAN)
        rc = write_diff(df, format, output);
    if (rc == EXIT_CLEAN && pk_diff_worse(df))
        rc = EXIT_FAILON;
    pk_diff_free(df);
out:
    free(so.buf);
    free(sn.buf);
    pk_profile_free(prof);
    return rc;
}
