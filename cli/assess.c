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
            "  --save-report FILE    keep the scan's native JSON report\n"
            "  --format text|json    what goes to standard output (default: text)\n"
            "scan options (not with --report):\n"
            "  --db FILE, --vex FILE, --max-db-age DAYS, --rules PATH, --trust DIR, -j N, -q,\n"
            "  --tmpdir DIR, --no-cache\n"
            "                        as for parakh scan\n"
            "\n"
            "exit codes: 0 APPROVE; 1 REJECT; 4 APPROVE WITH CONDITIONS; 2 usage error;\n"
            "3 an input could not be read or the run failed; 130 interrupted.\n",
            pk_profile_names());
}

/* Writes through a temporary name so an old file is replaced only by a
 * complete one; what is "json" or "questions". */
static int write_file(const pk_assessment *a, const char *what, const char *path)
{
    size_t n = strlen(path) + 24;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "parakh: cannot write %s: %s\n", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    pk_status st = pk_assessment_write(a, what, f);
    if (fclose(f) != 0 && st == PK_OK)
        st = PK_E_IO;
    if (st != PK_OK || rename(tmp, path) != 0) {
        fprintf(stderr, "parakh: cannot write %s: %s\n", path,
                st != PK_OK ? pk_status_str(st) : strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
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
        O_POLDATE,
        O_REPORT,
        O_QUESTIONS,
        O_SAVE,
        O_FORMAT,
        O_DB,
        O_VEX,
        O_MAXAGE,
        O_RULES,
        O_TMPDIR,
        O_TRUST,
        O_NOCACHE,
    };
    static const struct option opts[] = {
        {"profile", required_argument, 0, O_PROFILE},
        {"waivers", required_argument, 0, O_WAIVERS},
        {"policy-date", required_argument, 0, O_POLDATE},
        {"report", required_argument, 0, O_REPORT},
        {"output", required_argument, 0, 'o'},
        {"questions", required_argument, 0, O_QUESTIONS},
        {"save-report", required_argument, 0, O_SAVE},
        {"format", required_argument, 0, O_FORMAT},
        {"db", required_argument, 0, O_DB},
        {"vex", required_argument, 0, O_VEX},
        {"max-db-age", required_argument, 0, O_MAXAGE},
        {"rules", required_argument, 0, O_RULES},
        {"tmpdir", required_argument, 0, O_TMPDIR},
        {"trust", required_argument, 0, O_TRUST},
        {"no-cache", no_argument, 0, O_NOCACHE},
        {"jobs", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *profile = "pss-baseline", *waivers = NULL, *policy_date = NULL, *report = NULL,
               *output = NULL, *questions = NULL, *save = NULL, *format = "text";
    static char opt_rules[4096 + 16], opt_trust[4096 + 16];
    static const char *aopts[4];
    size_t naopts = 0;
    int quiet = 0, nocache = 0, have_rules = 0, have_trust = 0, have_db = 0, c;
    uint64_t v;
    /* as parakh scan: $PARAKH_DB is the default database */
    cli_vdb vdb = {.path = getenv("PARAKH_DB"), .max_age = -1};
    if (vdb.path && !*vdb.path)
        vdb.path = NULL;
    pk_scan_opts so;
    pk_scan_opts_default(&so);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case O_PROFILE:
            profile = optarg;
            break;
        case O_WAIVERS:
            waivers = optarg;
            break;
        case O_POLDATE:
            if (!pk_cbom_date_valid(optarg))
                return cli_bad_value("--policy-date", optarg);
            policy_date = optarg;
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
        case O_FORMAT:
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
                return cli_bad_value("--format", optarg);
            format = optarg;
            break;
        case O_DB:
            have_db = 1;
            /* fall through */
        case O_VEX:
        case O_MAXAGE:
            if (cli_vdb_option(&vdb,
                               c == O_DB    ? "--db"
                               : c == O_VEX ? "--vex"
                                            : "--max-db-age",
                               optarg) < 0)
                return EXIT_USAGE;
            break;
        case O_RULES: {
            struct stat sb;
            if (stat(optarg, &sb) != 0) {
                fprintf(stderr, "parakh: --rules %s: %s\n", optarg, strerror(errno));
                return EXIT_INPUT;
            }
            if (snprintf(opt_rules, sizeof opt_rules, "yara.rules=%s", optarg) >=
                (int)sizeof opt_rules)
                return cli_bad_value("--rules", optarg);
            have_rules = 1; /* the last one given counts */
            break;
        }
        case O_TRUST:
            if (snprintf(opt_trust, sizeof opt_trust, "trust.dir=%s", optarg) >=
                (int)sizeof opt_trust)
                return cli_bad_value("--trust", optarg);
            have_trust = 1;
            break;
        case O_NOCACHE:
            nocache = 1;
            break;
        case O_TMPDIR:
            so.tmpdir = optarg;
            break;
        case 'j':
            if (cli_parse_u64(optarg, &v, 0) || v == 0 || v > 256)
                return cli_bad_value("--jobs", optarg);
            so.jobs = (unsigned)v;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        default:
            if (optopt > 0 && optopt < 128)
                fprintf(stderr, "parakh: option -%c needs a value or is unknown\n", optopt);
            else if (optopt >= 256)
                fprintf(stderr, "parakh: option '%s' needs a value\n", argv[optind - 1]);
            else
                fprintf(stderr, "parakh: unknown option '%s'\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (have_rules)
        aopts[naopts++] = opt_rules;
    if (have_trust)
        aopts[naopts++] = opt_trust;
    if (report && (optind < argc || have_db || vdb.nvex || save || naopts)) {
        fprintf(stderr, "parakh: --report takes no PATH and no scan option (--db, --vex, "
                        "--rules, --save-report): the report already holds the scan's results\n");
        return EXIT_USAGE;
    }
    if (!report && optind >= argc) {
        fprintf(stderr, "parakh: assess needs a PATH or --report FILE (see parakh assess "
                        "--help)\n");
        return EXIT_USAGE;
    }
    if ((vdb.nvex || vdb.max_age >= 0) && !vdb.path) {
        fprintf(stderr, "parakh: --vex and --max-db-age need a database (--db)\n");
        return EXIT_USAGE;
    }
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
        if (vdb.path && vdb.max_age >= 0 && (rc = cli_vdb_match(&vdb, 1, NULL, NULL)) != EXIT_CLEAN)
            goto out;
        if (!quiet && isatty(STDERR_FILENO))
            so.progress = cli_progress;
        const char *cache = nocache ? NULL : cli_cache_option();
        if (cache)
            aopts[naopts++] = cache;
        so.options = aopts;
        so.noptions = naopts;
        rc = scan_to_json(argv + optind, argc - optind, &so, &vdb, policy_date, &buf, &len);
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
        (questions && write_file(a, "questions", questions) != 0)) {
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
