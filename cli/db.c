/* parakh db (import, status, export) and parakh vulns: the command line of
 * the vulnerability knowledge base. Logic lives in the library. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void db_usage(FILE *f)
{
    char def[4096];
    if (pk_vulndb_default_path(def, sizeof def) != PK_OK)
        snprintf(def, sizeof def, "(none: set PARAKH_DB or HOME)");
    fprintf(f,
            "usage: parakh db import [--db FILE] PATH...   feeds: files, directories, zips\n"
            "       parakh db status [--db FILE] [--format text|json]\n"
            "       parakh db export [--db FILE] --mirror DIR\n"
            "       parakh vulns [--db FILE] [--format F] [-o FILE] [--vex FILE]...\n"
            "                    [--max-db-age DAYS] [--fail-on SEV] [--reproducible] SBOM\n"
            "\n"
            "Feeds (recognised by content): OSV JSON (records, directories, zips), NVD CVE\n"
            "API 2.0 and 1.1 JSON, CISA KEV (JSON, CSV), EPSS CSV, CSAF 2.0 (with VEX),\n"
            "CVE 5 records, Debian DSA/DLA lists and tracker JSON, curl's vulnerability\n"
            "table, Node.js security WG advisories, the NIST CMVP validated-module lists\n"
            "(FIPS 140 certificates for parakh scan's CBOM), and bundles written by\n"
            "parakh db export. One import is one\n"
            "transaction: a corrupt file changes nothing.\n"
            "\n"
            "database: --db FILE, else $PARAKH_DB, else $XDG_DATA_HOME/parakh/parakh.db,\n"
            "else ~/.local/share/parakh/parakh.db (here: %s)\n"
            "vulns formats: text (default), json, sarif, cyclonedx\n"
            "exit codes: 0 done (vulns: no finding reached --fail-on); 1 one did; 2 usage;\n"
            "3 unreadable database, corrupt feed or data older than --max-db-age.\n",
            def);
}

int cli_vdb_option(cli_vdb *o, const char *name, const char *arg)
{
    if (!strcmp(name, "--db")) {
        if (!arg || !*arg)
            return cli_bad_value(name, arg), -1;
        o->path = arg;
        return 1;
    }
    if (!strcmp(name, "--vex")) {
        if (o->nvex == sizeof o->vex / sizeof o->vex[0]) {
            fprintf(stderr, "parakh: at most 16 --vex documents\n");
            return -1;
        }
        o->vex[o->nvex++] = arg;
        return 1;
    }
    if (!strcmp(name, "--max-db-age")) {
        uint64_t v;
        if (cli_parse_u64(arg, &v, 0) || v > 100000)
            return cli_bad_value(name, arg), -1;
        o->max_age = (int64_t)v;
        return 1;
    }
    return 0;
}

static int open_db(const char *path, int create, pk_vulndb **db)
{
    char def[4096], err[1024] = "";
    if (!path) {
        if (pk_vulndb_default_path(def, sizeof def) != PK_OK) {
            fprintf(stderr, "parakh: no database location: give --db or set PARAKH_DB\n");
            return EXIT_USAGE;
        }
        path = def;
    }
    pk_status st =
        pk_vulndb_open(path, create ? PK_VDB_CREATE : PK_VDB_READONLY, db, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

int cli_vdb_match(const cli_vdb *o, int required, const pk_inventory *inv, pk_vulns **out)
{
    if (out)
        *out = NULL;
    if (!o->path && !required)
        return EXIT_CLEAN;
    pk_vulndb *db = NULL;
    int rc = open_db(o->path, 0, &db);
    if (rc != EXIT_CLEAN)
        return rc;
    int64_t age = pk_vulndb_age_days(db);
    if (age < 0) {
        fprintf(stderr, "parakh: %s holds no data (parakh db import FEEDS)\n", pk_vulndb_path(db));
        pk_vulndb_close(db);
        return EXIT_INPUT;
    }
    if (o->max_age >= 0 && age > o->max_age) {
        fprintf(stderr,
                "parakh: the vulnerability data in %s is %lld days old, over --max-db-age %lld "
                "(parakh db status shows each source)\n",
                pk_vulndb_path(db), (long long)age, (long long)o->max_age);
        pk_vulndb_close(db);
        return EXIT_INPUT;
    }
    if (inv && out) {
        char err[1024] = "";
        pk_vuln_opts vo = {o->vex, o->nvex};
        pk_status st = pk_vulns_match(db, inv, &vo, out, err, sizeof err);
        if (st != PK_OK) {
            fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
            rc = st == PK_E_NOMEM ? EXIT_INPUT : EXIT_INPUT;
        }
    }
    pk_vulndb_close(db);
    return rc;
}

int cli_cbom(const cli_vdb *o, const pk_scan *s, const pk_inventory *inv, const char *policy_date,
             pk_cbom **out)
{
    *out = NULL;
    pk_vulndb *db = NULL;
    if (o->path) {
        int rc = open_db(o->path, 0, &db);
        if (rc != EXIT_CLEAN)
            return rc;
    }
    char err[1024] = "";
    pk_cbom_opts co = {.policy_date = policy_date, .db = db, .inv = inv};
    pk_status st = pk_cbom_build(s, &co, out, err, sizeof err);
    pk_vulndb_close(db);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        return st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

static int db_import(const char *path, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "parakh: db import needs at least one PATH\n");
        return EXIT_USAGE;
    }
    pk_vulndb *db = NULL;
    int rc = open_db(path, 1, &db);
    if (rc != EXIT_CLEAN)
        return rc;
    char err[2048] = "";
    pk_import_stats st;
    pk_status s =
        pk_vulndb_import(db, (const char *const *)argv, (size_t)argc, &st, err, sizeof err);
    if (s != PK_OK) {
        fprintf(stderr, "parakh: %s\nparakh: nothing was imported; %s is as it was\n",
                err[0] ? err : pk_status_str(s), pk_vulndb_path(db));
        pk_vulndb_close(db);
        return s == PK_E_MISUSE ? EXIT_USAGE : EXIT_INPUT;
    }
    printf("imported %llu records from %llu files into %s (%llu passed over)\n",
           (unsigned long long)st.records, (unsigned long long)st.files, pk_vulndb_path(db),
           (unsigned long long)st.skipped);
    pk_vulndb_close(db);
    return EXIT_CLEAN;
}

static int db_status(const char *path, int json)
{
    pk_vulndb *db = NULL;
    int rc = open_db(path, 0, &db);
    if (rc != EXIT_CLEAN)
        return rc;
    const pk_vdb_source *l;
    size_t n;
    pk_status s = pk_vulndb_status(db, &l, &n);
    if (s != PK_OK) {
        fprintf(stderr, "parakh: %s: %s\n", pk_vulndb_path(db), pk_status_str(s));
        pk_vulndb_close(db);
        return EXIT_INPUT;
    }
    if (json) {
        /* hand-written: the CLI sees only the public headers */
        printf("{\"database\":\"");
        for (const char *p = pk_vulndb_path(db); *p; p++)
            printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
        printf("\",\"age_days\":%lld,\"sources\":[", (long long)pk_vulndb_age_days(db));
        for (size_t i = 0; i < n; i++)
            printf("%s{\"name\":\"%s\",\"records\":%llu,\"newest\":%s%s%s,\"imported_at\":\"%s\","
                   "\"age_days\":%lld}",
                   i ? "," : "", l[i].name, (unsigned long long)l[i].records,
                   l[i].newest ? "\"" : "", l[i].newest ? l[i].newest : "null",
                   l[i].newest ? "\"" : "", l[i].imported_at, (long long)l[i].age_days);
        printf("]}\n");
    } else {
        printf("%s\n", pk_vulndb_path(db));
        printf("  %-8s %10s  %-10s  %-20s  %s\n", "source", "records", "newest", "imported", "age");
        for (size_t i = 0; i < n; i++) {
            char age[32] = "?";
            if (l[i].age_days >= 0)
                snprintf(age, sizeof age, "%lld days", (long long)l[i].age_days);
            printf("  %-8s %10llu  %-10s  %-20s  %s\n", l[i].name, (unsigned long long)l[i].records,
                   l[i].newest ? l[i].newest : "-", l[i].imported_at, age);
        }
        if (!n)
            printf("  empty: parakh db import FEEDS\n");
        else
            printf("  data age (oldest source): %lld days\n", (long long)pk_vulndb_age_days(db));
    }
    pk_vulndb_close(db);
    return EXIT_CLEAN;
}

static int db_export(const char *path, const char *dir)
{
    if (!dir) {
        fprintf(stderr, "parakh: db export needs --mirror DIR\n");
        return EXIT_USAGE;
    }
    pk_vulndb *db = NULL;
    int rc = open_db(path, 0, &db);
    if (rc != EXIT_CLEAN)
        return rc;
    char err[1024] = "";
    pk_status s = pk_vulndb_export(db, dir, err, sizeof err);
    if (s != PK_OK)
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(s));
    else
        printf("wrote %s/parakh.db and %s/MANIFEST.json\n", dir, dir);
    pk_vulndb_close(db);
    return s == PK_OK ? EXIT_CLEAN : EXIT_INPUT;
}

int cmd_db(int argc, char **argv)
{
    enum { O_DB = 256, O_FORMAT, O_MIRROR };
    static const struct option opts[] = {
        {"db", required_argument, 0, O_DB},
        {"format", required_argument, 0, O_FORMAT},
        {"mirror", required_argument, 0, O_MIRROR},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        db_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
    }
    const char *sub = argv[1], *path = NULL, *mirror = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_DB:
            path = optarg;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "json") && strcmp(optarg, "text"))
                return cli_bad_value("--format", optarg);
            json = !strcmp(optarg, "json");
            break;
        case O_MIRROR:
            mirror = optarg;
            break;
        case 'h':
            db_usage(stdout);
            return EXIT_CLEAN;
        default:
            fprintf(stderr, "parakh: db %s: unknown option or missing value '%s'\n", sub,
                    argv[optind] ? argv[optind] : "");
            return EXIT_USAGE;
        }
    }
    int rest = argc - 1 - optind;
    char **rv = argv + 1 + optind;
    if (!strcmp(sub, "import"))
        return db_import(path, rest, rv);
    if (rest > 0) {
        fprintf(stderr, "parakh: db %s takes no PATH ('%s')\n", sub, rv[0]);
        return EXIT_USAGE;
    }
    if (!strcmp(sub, "status"))
        return db_status(path, json);
    if (!strcmp(sub, "export"))
        return db_export(path, mirror);
    fprintf(stderr, "parakh: unknown db command '%s' (import, status, export)\n", sub);
    return EXIT_USAGE;
}

int cmd_vulns(int argc, char **argv)
{
    enum { O_DB = 256, O_FORMAT, O_VEX, O_MAXAGE, O_FAILON, O_REPRO };
    static const struct option opts[] = {
        {"db", required_argument, 0, O_DB},
        {"format", required_argument, 0, O_FORMAT},
        {"vex", required_argument, 0, O_VEX},
        {"max-db-age", required_argument, 0, O_MAXAGE},
        {"fail-on", required_argument, 0, O_FAILON},
        {"reproducible", no_argument, 0, O_REPRO},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    cli_vdb vdb = {.path = NULL, .max_age = -1};
    const char *format = "text", *output = NULL;
    int repro = 0, have_fail = 0, c;
    pk_severity fail_on = PK_SEV_CRITICAL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_DB:
            if (cli_vdb_option(&vdb, "--db", optarg) < 0)
                return EXIT_USAGE;
            break;
        case O_VEX:
            if (cli_vdb_option(&vdb, "--vex", optarg) < 0)
                return EXIT_USAGE;
            break;
        case O_MAXAGE:
            if (cli_vdb_option(&vdb, "--max-db-age", optarg) < 0)
                return EXIT_USAGE;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "sarif") &&
                strcmp(optarg, "cyclonedx"))
                return cli_bad_value("--format", optarg);
            format = optarg;
            break;
        case O_FAILON:
            if (!strcmp(optarg, "none"))
                have_fail = 0;
            else if (pk_severity_parse(optarg, &fail_on) == 0)
                have_fail = 1;
            else
                return cli_bad_value("--fail-on", optarg);
            break;
        case O_REPRO:
            repro = 1;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            db_usage(stdout);
            return EXIT_CLEAN;
        default:
            fprintf(stderr, "parakh: vulns: unknown option or missing value '%s'\n",
                    argv[optind - 1] ? argv[optind - 1] : "");
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "parakh: vulns takes exactly one SBOM (CycloneDX or SPDX JSON)\n");
        return EXIT_USAGE;
    }
    char err[1024] = "";
    pk_inventory *inv = NULL;
    pk_status st = pk_inventory_from_sbom(argv[optind], &inv, err, sizeof err);
    if (st != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
        return EXIT_INPUT;
    }
    out_job job = {.ro = {.format = format, .reproducible = repro}};
    int rc = cli_vdb_match(&vdb, 1, inv, &job.vulns);
    if (rc == EXIT_CLEAN && cli_write_report(&job, output) != 0)
        rc = EXIT_INPUT;
    pk_severity worst;
    if (rc == EXIT_CLEAN && have_fail && pk_vulns_findings(job.vulns, &worst) && worst >= fail_on)
        rc = EXIT_FAILON;
    pk_vulns_free(job.vulns);
    pk_inventory_free(inv);
    return rc;
}
