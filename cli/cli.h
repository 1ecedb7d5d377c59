/* The CLI's own helpers: it sees only the public parakh headers. */
#ifndef PK_CLI_H
#define PK_CLI_H

#include <parakh/parakh.h>

/* Progress line on stderr, for a terminal only. */
void cli_progress(void *ud, const pk_progress *p);
void cli_progress_end(void);

enum { EXIT_CLEAN = 0, EXIT_FAILON = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_INTERRUPTED = 130 };

/* What a command writes: a scan's report, an SBOM read with --input, or
 * known vulnerabilities of an SBOM (parakh vulns). */
typedef struct out_job {
    pk_scan *scan;
    pk_inventory *inv;
    pk_vulns *vulns;
    pk_cbom *cbom;
    pk_report_opts ro;
} out_job;
/* Writes to path (through a temporary name: an existing report is replaced
 * only by a complete one), or stdout when path is NULL; 0 or -1 (reported). */
int cli_write_report(const out_job *j, const char *path);
/* Writes path through a fresh temporary file beside it (mkstemp; synced,
 * given the mode the umask allows, renamed when fn returns PK_OK, removed
 * otherwise), so an existing file is replaced only by a complete one and a
 * planted symlink is never followed; 0 or -1 (reported). */
int cli_write_atomic(const char *path, pk_status (*fn)(const void *ctx, FILE *f), const void *ctx);
int cli_bad_value(const char *opt, const char *val);
/* Parses a non-negative decimal, with K/M/G/T when size_suffix. */
int cli_parse_u64(const char *s, uint64_t *out, int size_suffix);
/* "match.cache=DIR" for the scan options: $PARAKH_CACHE_DIR, else
 * $XDG_CACHE_HOME/parakh, else $HOME/.cache/parakh; NULL when none can be
 * named or PARAKH_CACHE_DIR is set empty. Static storage. */
const char *cli_cache_option(void);

/* The knowledge-base options shared by scan, sbom and vulns. */
typedef struct cli_vdb {
    const char *path; /* --db, else $PARAKH_DB for scan; the default location for db/vulns */
    int64_t max_age;  /* --max-db-age DAYS; -1 when not given */
    const char *vex[16];
    size_t nvex;
} cli_vdb;
/* Handles --db, --vex, --max-db-age (codes given by the caller); 1 if the
 * option was one of them and was valid, -1 if invalid (message printed). */
int cli_vdb_option(cli_vdb *o, const char *name, const char *arg);
/* Opens the database, checks --max-db-age, matches inv; EXIT_* on failure
 * (message printed), EXIT_CLEAN with *out set (NULL when no database is
 * configured and `required` is 0). */
int cli_vdb_match(const cli_vdb *o, int required, const pk_inventory *inv, pk_vulns **out);

/* Builds the scan's CBOM as of policy_date (NULLABLE), with the CMVP rows
 * of the --db database when one is configured; EXIT_* (message printed). */
int cli_cbom(const cli_vdb *o, const pk_scan *s, const pk_inventory *inv, const char *policy_date,
             pk_cbom **out);

/* parakh advisory (cli/advisory.c; docs/csaf.md): 4 a product is affected,
 * 20 the document is invalid, 21 the server refused it. */
enum { EXIT_CSAF_AFFECTED = 4, EXIT_CSAF_INVALID = 20, EXIT_CSAF_REFUSED = 21 };
int cmd_advisory(int argc, char **argv);
/* parakh registry sbom|inuse (cli/advisory.c), called by cmd_registry. */
int cli_registry_csaf(int argc, char **argv);
/* parakh advisory bundle (cli/advisory_bundle.c): the exit code. */
int cli_advisory_bundle(const char *url, const char *keys, const char *token, const char *cacert,
                        const char *schemas, const char *dir);

int cmd_db(int argc, char **argv);
int cmd_vulns(int argc, char **argv);
/* parakh assess (cli/assess.c): the verdict of a policy profile. */
int cmd_assess(int argc, char **argv);
/* parakh diff (cli/diff.c): what an update changed. */
int cmd_diff(int argc, char **argv);

/* The scan running now, for the SIGINT/SIGTERM handler that
 * cli_catch_signals installs (it cancels the scan; the temp tree is removed). */
extern pk_scan *volatile cli_scan_running;
void cli_catch_signals(void);
/* Scans the paths as parakh scan --format json would (with --db: the
 * vulnerabilities; the CBOM; the endpoints' countries, --allowed-countries
 * as `allowed`, may be NULL) into *buf (malloc'd, *len bytes; the caller
 * frees), the scan cancellable through cli_scan_running.
 * Returns an EXIT_* code, having printed the reason. */
int cli_scan_json(char *const *paths, int npaths, const pk_scan_opts *so, const cli_vdb *vdb,
                  const char *policy_date, const char *allowed, char **buf, size_t *len);

/* The scan options of every scanning command (scan, sbom, assess, diff),
 * parsed in one place (cli/scanargs.c). A command splices CLI_SCAN_LONGOPTS
 * into its getopt_long table (with "j:q" among its short options), passes
 * every option to cli_scanargs_option() first, then calls
 * cli_scanargs_finish() before scanning with .so and .vdb. */
enum {
    CLI_O_TMPDIR = 1000,
    CLI_O_DB,
    CLI_O_VEX,
    CLI_O_MAXAGE,
    CLI_O_POLDATE,
    CLI_O_RULES,
    CLI_O_TRUST,
    CLI_O_NOCACHE,
    CLI_O_DEPTH, /* the limits, CLI_O_DEPTH..CLI_O_RESERVE */
    CLI_O_TOTAL,
    CLI_O_FILE,
    CLI_O_RATIO,
    CLI_O_ENTRIES,
    CLI_O_TIMEOUT,
    CLI_O_RESERVE,
};
#define CLI_SCAN_LONGOPTS                                                                          \
    {"jobs", required_argument, 0, 'j'}, {"quiet", no_argument, 0, 'q'},                           \
        {"tmpdir", required_argument, 0, CLI_O_TMPDIR}, {"db", required_argument, 0, CLI_O_DB},    \
        {"vex", required_argument, 0, CLI_O_VEX},                                                  \
        {"max-db-age", required_argument, 0, CLI_O_MAXAGE},                                        \
        {"policy-date", required_argument, 0, CLI_O_POLDATE},                                      \
        {"rules", required_argument, 0, CLI_O_RULES},                                              \
        {"trust", required_argument, 0, CLI_O_TRUST}, {"no-cache", no_argument, 0, CLI_O_NOCACHE}, \
        {"max-depth", required_argument, 0, CLI_O_DEPTH},                                          \
        {"max-total", required_argument, 0, CLI_O_TOTAL},                                          \
        {"max-file", required_argument, 0, CLI_O_FILE},                                            \
        {"max-ratio", required_argument, 0, CLI_O_RATIO},                                          \
        {"max-entries", required_argument, 0, CLI_O_ENTRIES},                                      \
        {"file-timeout", required_argument, 0, CLI_O_TIMEOUT},                                     \
    {                                                                                              \
        "disk-reserve", required_argument, 0, CLI_O_RESERVE                                        \
    }
typedef struct cli_scanargs {
    pk_scan_opts so; /* .options point into this struct: do not copy it after finish */
    cli_vdb vdb;
    const char *policy_date; /* --policy-date, NULL: today */
    int quiet, nocache;
    int used; /* a scan-only option was given (a limit, --db, --vex, --rules, --trust) */
    char rules[4096 + 16], trust[4096 + 16], epdb[4096 + 16];
    const char *aopts[8];
    size_t naopts;
} cli_scanargs;
void cli_scanargs_init(cli_scanargs *a);
/* 1 if c was a scan option (valid), 0 if it is not one, or -(EXIT_* code)
 * when its value is invalid (message printed). */
int cli_scanargs_option(cli_scanargs *a, int c, const char *arg);
/* Checks the combination and fills so.options/progress; EXIT_* (printed). */
int cli_scanargs_finish(cli_scanargs *a);
/* The message for getopt_long's '?' (unknown option or missing value);
 * returns EXIT_USAGE. */
int cli_getopt_error(char **argv);
/* The whole file (up to 2 GiB) into *buf (malloc'd, *len bytes; the caller
 * frees); EXIT_INPUT with the reason printed. */
int cli_read_file(const char *path, char **buf, size_t *len);

/* Reads a whole certificate, record or report (at most max bytes,
 * NUL-terminated, malloc'd) or prints why not: EXIT_CLEAN or EXIT_INPUT. */
int cli_cert_read(const char *path, size_t max, char **buf, size_t *len);
/* parakh verify --url/--mirror (cli/registry.c): the exit code. */
int cli_verify_registry(const char *what, const uint8_t sha[32], const char *url,
                        const char *mirror, const char *root, const char *logkey, const char *state,
                        int nostate, const char *cacert, const char *date);

#endif
