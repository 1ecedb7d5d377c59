/* The scan options every scanning command shares (scan, sbom, assess, diff):
 * one parser, so a limit or a knowledge-base flag means the same everywhere
 * and a new one reaches all of them. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <parakh/cbom.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_scanargs_init(cli_scanargs *a)
{
    memset(a, 0, sizeof *a);
    pk_scan_opts_default(&a->so);
    /* $PARAKH_DB is the default database of every scanning command */
    a->vdb.path = getenv("PARAKH_DB");
    if (a->vdb.path && !*a->vdb.path)
        a->vdb.path = NULL;
    a->vdb.max_age = -1;
}

/* An unsigned option value within [lo, hi]; 0 or -EXIT_USAGE. */
static int u64_in(const char *name, const char *arg, int suffix, uint64_t lo, uint64_t hi,
                  uint64_t *v)
{
    if (cli_parse_u64(arg, v, suffix) || *v < lo || *v > hi)
        return -cli_bad_value(name, arg);
    return 0;
}

static int limit(cli_scanargs *a, int c, const char *arg)
{
    pk_limits *l = &a->so.limits;
    uint64_t v;
    int r;
    switch (c) {
    case CLI_O_DEPTH:
        if ((r = u64_in("--max-depth", arg, 0, 1, 1024, &v)) == 0)
            l->max_depth = (unsigned)v;
        return r;
    case CLI_O_TOTAL:
        if ((r = u64_in("--max-total", arg, 1, 1, UINT64_MAX, &v)) == 0)
            l->max_total_bytes = v;
        return r;
    case CLI_O_FILE:
        if ((r = u64_in("--max-file", arg, 1, 1, UINT64_MAX, &v)) == 0)
            l->max_file_bytes = v;
        return r;
    case CLI_O_RATIO:
        if ((r = u64_in("--max-ratio", arg, 0, 1, 1000000, &v)) == 0)
            l->max_ratio = (unsigned)v;
        return r;
    case CLI_O_ENTRIES:
        if ((r = u64_in("--max-entries", arg, 0, 1, UINT64_MAX, &v)) == 0)
            l->max_entries = v;
        return r;
    case CLI_O_TIMEOUT:
        if ((r = u64_in("--file-timeout", arg, 0, 1, 86400, &v)) == 0)
            l->file_time_ms = (unsigned)(v * 1000);
        return r;
    case CLI_O_RESERVE:
        if ((r = u64_in("--disk-reserve", arg, 1, 0, UINT64_MAX, &v)) == 0)
            l->disk_reserve = v;
        return r;
    }
    return 0;
}

int cli_scanargs_option(cli_scanargs *a, int c, const char *arg)
{
    uint64_t v;
    int r;
    if (c >= CLI_O_DEPTH && c <= CLI_O_RESERVE)
        return (r = limit(a, c, arg)) < 0 ? r : (a->used = 1);
    switch (c) {
    case 'j':
        if ((r = u64_in("--jobs", arg, 0, 1, 256, &v)) < 0)
            return r;
        a->so.jobs = (unsigned)v;
        return 1;
    case 'q':
        a->quiet = 1;
        return 1;
    case CLI_O_TMPDIR:
        a->so.tmpdir = arg;
        return 1;
    case CLI_O_DB:
    case CLI_O_VEX:
    case CLI_O_MAXAGE:
        if (cli_vdb_option(&a->vdb,
                           c == CLI_O_DB    ? "--db"
                           : c == CLI_O_VEX ? "--vex"
                                            : "--max-db-age",
                           arg) < 0)
            return -EXIT_USAGE;
        a->used = 1;
        return 1;
    case CLI_O_POLDATE:
        if (!pk_cbom_date_valid(arg))
            return -cli_bad_value("--policy-date", arg);
        a->policy_date = arg;
        return 1;
    case CLI_O_RULES: {
        struct stat sb;
        if (stat(arg, &sb) != 0) {
            fprintf(stderr, "parakh: --rules %s: %s\n", arg, strerror(errno));
            return -EXIT_INPUT;
        }
        /* the last one given counts */
        if (snprintf(a->rules, sizeof a->rules, "yara.rules=%s", arg) >= (int)sizeof a->rules)
            return -cli_bad_value("--rules", arg);
        a->used = 1;
        return 1;
    }
    case CLI_O_TRUST:
        if (snprintf(a->trust, sizeof a->trust, "trust.dir=%s", arg) >= (int)sizeof a->trust)
            return -cli_bad_value("--trust", arg);
        a->used = 1;
        return 1;
    case CLI_O_NOCACHE:
        a->nocache = 1;
        return 1;
    }
    return 0;
}

int cli_scanargs_finish(cli_scanargs *a)
{
    if ((a->vdb.nvex || a->vdb.max_age >= 0) && !a->vdb.path) {
        fprintf(stderr, "parakh: --vex and --max-db-age need a database (--db)\n");
        return EXIT_USAGE;
    }
    a->naopts = 0;
    if (a->rules[0])
        a->aopts[a->naopts++] = a->rules;
    if (a->trust[0])
        a->aopts[a->naopts++] = a->trust;
    const char *cache = a->nocache ? NULL : cli_cache_option();
    if (cache)
        a->aopts[a->naopts++] = cache;
    /* the endpoints analyzer reads tracker SDK signatures from the database */
    if (a->vdb.path &&
        snprintf(a->epdb, sizeof a->epdb, "endpoints.db=%s", a->vdb.path) < (int)sizeof a->epdb)
        a->aopts[a->naopts++] = a->epdb;
    a->so.options = a->aopts;
    a->so.noptions = a->naopts;
    if (!a->quiet && isatty(STDERR_FILENO))
        a->so.progress = cli_progress;
    return EXIT_CLEAN;
}

int cli_getopt_error(char **argv)
{
    /* optopt is a short option's letter, or a long option's code (not printable) */
    if (optopt > 0 && optopt < 128)
        fprintf(stderr, "parakh: option -%c needs a value or is unknown\n", optopt);
    else if (optopt >= 256)
        fprintf(stderr, "parakh: option '%s' needs a value\n", argv[optind - 1]);
    else
        fprintf(stderr, "parakh: unknown option '%s'\n", argv[optind - 1]);
    return EXIT_USAGE;
}
