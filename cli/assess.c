/* parakh assess: the decision over a deliverable (scanned first) or an
 * existing native JSON report. Prints the verdict, its reasons and the
 * score; writes the assessment JSON and the vendor questions on request.
 * Exit codes (docs/decision.md): 0 APPROVE, 1 REJECT, 4 APPROVE WITH
 * CONDITIONS; 2 usage, 3 input or run failure, 130 interrupted. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <parakh/decide.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_CONDITIONS = 4 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: parakh assess [options] PATH...          (scan, then decide)\n"
            "       parakh assess [options] --report REPORT.json\n"
            "\n"
            "Evaluates a policy profile over the deliverable's report and prints the verdict\n"
            "(APPROVE, APPROVE WITH CONDITIONS, REJECT), its reasons and the risk score\n"
            "(docs/decision.md).\n"
            "\n"
            "options:\n"
            "  --profile P           a shipped profile (%s)\n"
            "                        or a profile file (docs/profile.schema.json);\n"
            "                        default pss-baseline\n"
            "  --waivers FILE        accepted risks (docs/waivers.schema.json)\n"
            "  --policy-date DATE    waivers and cryptography judged as of DATE (YYYY-MM-DD;\n"
            "                        default: today)\n"
            "  --report FILE         assess this native JSON report instead of scanning\n"
            "  -o, --output FILE     write the assessment as JSON (docs/assessment.schema.json)\n"
            "  --questions FILE      write the questions for the vendor (Markdown)\n"
            "  --html FILE           write the report as one self-contained HTML page\n"
            "  --pdf FILE            write the same page as PDF (needs Chromium:\n"
            "                        $PARAKH_CHROMIUM or chromium on PATH)\n"
            "  --sarif FILE          write the assessment as SARIF 2.1.0\n"
            "  --markdown FILE       write the whole assessment as Markdown\n"
            "  --save-report FILE    keep the scan's native JSON report\n"
            "  --format F            what goes to standard output: text (default), json,\n"
            "                        html, sarif, markdown or questions\n"
            "scan options (not with --report; as for parakh scan):\n"
            "  --db FILE, --vex FILE, --max-db-age DAYS, --rules PATH, --trust DIR, -j N, -q,\n"
            "  --tmpdir DIR, --no-cache, --max-depth N, --max-total SIZE, --max-file SIZE,\n"
            "  --max-ratio N, --max-entries N, --file-timeout SECS, --disk-reserve SIZE\n"
            "\n"
            "exit codes: 0 APPROVE; 1 REJECT; 4 APPROVE WITH CONDITIONS; 2 usage error;\n"
            "3 an input could not be read or the run failed; 130 interrupted.\n",
            pk_profile_names());
}

typedef struct one_out {
    const pk_assessment *a;
    const char *format;
} one_out;

static pk_status write_one(const void *ctx, FILE *f)
{
    const one_out *o = ctx;
    return pk_assessment_write(o->a, o->format, f);
}

/* what is a pk_assessment_write() format */
static int write_file(const pk_assessment *a, const char *what, const char *path)
{
    one_out o = {a, what};
    return cli_write_atomic(path, write_one, &o);
}

/* Scans the paths (cli/scanjson.c) with SIGINT/SIGTERM cancelling the scan. */
static int scan_to_json(char **paths, int npaths, const pk_scan_opts *so, const cli_vdb *vdb,
                        const char *policy_date, char **buf, size_t *len)
{
    cli_catch_signals();
    return cli_scan_json(paths, npaths, so, vdb, policy_date, NULL, buf, len);
}

int cmd_assess(int argc, char **argv)
{
    enum {
        O_PROFILE = 256,
        O_WAIVERS,
        O_REPORT,
        O_QUESTIONS,
        O_SAVE,
        O_FORMAT,
        O_HTML,
        O_PDF,
        O_SARIF,
        O_MARKDOWN,
    };
    static const struct option opts[] = {
        {"profile", required_argument, 0, O_PROFILE},
        {"waivers", required_argument, 0, O_WAIVERS},
        {"report", required_argument, 0, O_REPORT},
        {"output", required_argument, 0, 'o'},
        {"questions", required_argument, 0, O_QUESTIONS},
        {"save-report", required_argument, 0, O_SAVE},
        {"format", required_argument, 0, O_FORMAT},
        {"html", required_argument, 0, O_HTML},
        {"pdf", required_argument, 0, O_PDF},
        {"sarif", required_argument, 0, O_SARIF},
        {"markdown", required_argument, 0, O_MARKDOWN},
        {"help", no_argument, 0, 'h'},
        CLI_SCAN_LONGOPTS,
        {0, 0, 0, 0},
    };
    const char *profile = "pss-baseline", *waivers = NULL, *report = NULL, *output = NULL,
               *questions = NULL, *save = NULL, *format = "text", *html = NULL, *pdf = NULL,
               *sarif = NULL, *markdown = NULL;
    cli_scanargs sa;
    cli_scanargs_init(&sa);
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
        case O_PROFILE:
            profile = optarg;
            break;
        case O_WAIVERS:
            waivers = optarg;
            break;
        case O_REPORT:
            report = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case O_QUESTIONS:
            questions = optarg;
            break;
        case O_SAVE:
            save = optarg;
            break;
        case O_FORMAT: {
            static const char *const fmts[] = {"text",  "json",     "html",
                                               "sarif", "markdown", "questions"};
            size_t k = 0;
            while (k < sizeof fmts / sizeof *fmts && strcmp(optarg, fmts[k]) != 0)
                k++;
            if (k == sizeof fmts / sizeof *fmts)
                return cli_bad_value("--format", optarg);
            format = fmts[k];
            break;
        }
        case O_HTML:
            html = optarg;
            break;
        case O_PDF:
            pdf = optarg;
            break;
        case O_SARIF:
            sarif = optarg;
            break;
        case O_MARKDOWN:
            markdown = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        default:
            return cli_getopt_error(argv);
        }
    }
    if (report && (optind < argc || sa.used || save)) {
        fprintf(stderr, "parakh: --report takes no PATH and no scan option (--db, --vex, "
                        "--rules, --trust, limits, --save-report): the report already holds "
                        "the scan's results\n");
        return EXIT_USAGE;
    }
    if (!report && optind >= argc) {
        fprintf(stderr, "parakh: assess needs a PATH or --report FILE (see parakh assess "
                        "--help)\n");
        return EXIT_USAGE;
    }
    int frc = cli_scanargs_finish(&sa);
    if (frc != EXIT_CLEAN)
        return frc;
    const char *policy_date = sa.policy_date;
    /* profile and waivers first: a bad one should not cost a scan */
    char err[512] = "";
    pk_profile *prof = NULL;
    pk_waivers *wv = NULL;
    pk_status st = pk_profile_load(profile, &prof, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: --profile: %s\n", err[0] ? err : pk_status_str(st));
        return st == PK_E_IO ? EXIT_INPUT : EXIT_USAGE;
    }
    if (waivers && (st = pk_waivers_load(waivers, &wv, err, sizeof err)) != PK_OK) {
        fprintf(stderr, "parakh: --waivers: %s\n", err[0] ? err : pk_status_str(st));
        pk_profile_free(prof);
        return st == PK_E_IO ? EXIT_INPUT : EXIT_USAGE;
    }
    char *buf = NULL;
    size_t len = 0;
    int rc;
    if (report) {
        rc = cli_read_file(report, &buf, &len);
    } else {
        if (sa.vdb.path && sa.vdb.max_age >= 0 &&
            (rc = cli_vdb_match(&sa.vdb, 1, NULL, NULL)) != EXIT_CLEAN)
            goto out;
        rc = scan_to_json(argv + optind, argc - optind, &sa.so, &sa.vdb, policy_date, &buf, &len);
        if (rc == EXIT_CLEAN && save) {
            FILE *f = fopen(save, "w");
            if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
                fprintf(stderr, "parakh: cannot write %s: %s\n", save, strerror(errno));
                rc = EXIT_INPUT;
            }
        }
    }
    if (rc != EXIT_CLEAN)
        goto out;
    pk_assessment *a = NULL;
    st = pk_assess(prof, wv, buf, len, policy_date, &a, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s: %s\n", report ? report : "assessment",
                err[0] ? err : pk_status_str(st));
        rc = EXIT_INPUT;
        goto out;
    }
    if (pk_assessment_write(a, format, stdout) != PK_OK ||
        (output && write_file(a, "json", output) != 0) ||
        (questions && write_file(a, "questions", questions) != 0) ||
        (html && write_file(a, "html", html) != 0) ||
        (sarif && write_file(a, "sarif", sarif) != 0) ||
        (markdown && write_file(a, "markdown", markdown) != 0)) {
        rc = EXIT_INPUT;
    } else if (pdf &&
               (st = pk_assessment_pdf(a, pdf, NULL, sa.so.tmpdir, err, sizeof err)) != PK_OK) {
        fprintf(stderr, "parakh: --pdf %s: %s\n", pdf, err[0] ? err : pk_status_str(st));
        rc = EXIT_INPUT;
    } else {
        pk_verdict vd = pk_assessment_verdict(a);
        rc = vd == PK_VERDICT_APPROVE  ? EXIT_CLEAN
             : vd == PK_VERDICT_REJECT ? EXIT_FAILON
                                       : EXIT_CONDITIONS;
    }
    pk_assessment_free(a);
out:
    free(buf);
    pk_waivers_free(wv);
    pk_profile_free(prof);
    return rc;
}
