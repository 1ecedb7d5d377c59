/* parakh lab keygen, parakh root keygen|accredit|suspend, parakh certify:
 * argument parsing and printing around include/parakh/cert.h
 * (docs/certificate.md). Exit codes: 0 done; 1 certify refused a REJECT
 * verdict; 2 usage; 3 an input could not be read or an output written. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <parakh/cert.h>
#include <parakh/decide.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* shared with cli/verify.c, which declares them too */
int cli_cert_write(const char *path, const char *text, size_t n);

enum { EXIT_REJECTED = 1 };

int cli_cert_read(const char *path, size_t max, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "parakh: %s: %s\n", path, strerror(errno));
        return EXIT_INPUT;
    }
    char *b = malloc(max + 2);
    size_t n = b ? fread(b, 1, max + 1, f) : 0;
    int bad = !b || ferror(f);
    fclose(f);
    if (bad || n > max) {
        fprintf(stderr, "parakh: %s: %s\n", path,
                bad ? "read error" : "larger than the limit for this kind of file");
        free(b);
        return EXIT_INPUT;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return EXIT_CLEAN;
}

typedef struct text_out {
    const char *text;
    size_t n;
} text_out;

static pk_status put_text(const void *ctx, FILE *f)
{
    const text_out *t = ctx;
    return fwrite(t->text, 1, t->n, f) == t->n ? PK_OK : PK_E_IO;
}

int cli_cert_write(const char *path, const char *text, size_t n)
{
    text_out t = {text, n};
    return cli_write_atomic(path, put_text, &t) == 0 ? EXIT_CLEAN : EXIT_INPUT;
}

static int status_exit(pk_status st)
{
    return st == PK_E_USAGE ? EXIT_USAGE : EXIT_INPUT;
}

static int fail(pk_status st, const char *err)
{
    fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
    return status_exit(st);
}

static int bad_option(char **argv)
{
    fprintf(stderr, "parakh: option '%s' is unknown or needs a value\n", argv[optind - 1]);
    return EXIT_USAGE;
}

/* keygen for a lab or the root: -o KEY writes KEY and KEY's .pub sibling. */
static int keygen(int argc, char **argv, int lab)
{
    static const struct option opts[] = {
        {"lab", required_argument, 0, 'l'}, {"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    const char *out = NULL, *labid = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'l' && lab)
            labid = optarg;
        else
            return bad_option(argv);
    }
    if (!out || (lab && !labid) || optind != argc) {
        fprintf(stderr, "parakh: usage: parakh %s -o FILE.key\n",
                lab ? "lab keygen --lab LAB-ID" : "root keygen");
        return EXIT_USAGE;
    }
    size_t n = strlen(out);
    char *pub = malloc(n + 8);
    if (!pub)
        return EXIT_INPUT;
    /* lab.key -> lab.pub; anything else gets .pub appended */
    size_t stem = (n > 4 && strcmp(out + n - 4, ".key") == 0) ? n - 4 : n;
    memcpy(pub, out, stem);
    memcpy(pub + stem, ".pub", 5);
    pk_key *k = NULL;
    char err[512] = "";
    pk_status st = pk_key_generate(&k);
    if (st == PK_OK)
        st = pk_key_write_pair(k, out, pub, err, sizeof err);
    if (st == PK_OK)
        printf("%s key written: %s (private, 0600), %s (public)\nkeyid %s\n", lab ? labid : "root",
               out, pub, pk_key_id(k));
    pk_key_free(k);
    free(pub);
    return st == PK_OK ? EXIT_CLEAN : fail(st, err);
}

static int write_envelope(pk_status st, char *env, size_t n, const char *err, const char *out)
{
    if (st != PK_OK)
        return fail(st, err);
    int rc = cli_cert_write(out, env, n);
    pk_cert_buf_free(env);
    if (rc == EXIT_CLEAN)
        printf("written: %s\n", out);
    return rc;
}

static int accredit(int argc, char **argv)
{
    enum { O_ROOT = 256, O_LAB, O_PUB, O_NAME, O_COUNTRY, O_FROM, O_UNTIL };
    static const struct option opts[] = {{"root-key", required_argument, 0, O_ROOT},
                                         {"lab", required_argument, 0, O_LAB},
                                         {"lab-pub", required_argument, 0, O_PUB},
                                         {"name", required_argument, 0, O_NAME},
                                         {"country", required_argument, 0, O_COUNTRY},
                                         {"from", required_argument, 0, O_FROM},
                                         {"until", required_argument, 0, O_UNTIL},
                                         {"output", required_argument, 0, 'o'},
                                         {0, 0, 0, 0}};
    pk_accreditation_request rq = {.country = "PK"};
    const char *root = NULL, *pub = NULL, *out = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case O_ROOT:
            root = optarg;
            break;
        case O_LAB:
            rq.lab = optarg;
            break;
        case O_PUB:
            pub = optarg;
            break;
        case O_NAME:
            rq.name = optarg;
            break;
        case O_COUNTRY:
            rq.country = optarg;
            break;
        case O_FROM:
            rq.from = optarg;
            break;
        case O_UNTIL:
            rq.until = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            return bad_option(argv);
        }
    }
    if (!root || !rq.lab || !pub || !rq.name || !out || optind != argc) {
        fprintf(stderr, "parakh: usage: parakh root accredit --root-key ROOT.key --lab LAB-ID "
                        "--lab-pub LAB.pub --name NAME [--country CC] [--from DATE] "
                        "[--until DATE] -o ACCR.json\n");
        return EXIT_USAGE;
    }
    pk_key *rk = NULL, *lk = NULL;
    char err[512] = "", *env = NULL;
    size_t n = 0;
    pk_status st = pk_key_load(root, 1, &rk, err, sizeof err);
    if (st == PK_OK)
        st = pk_key_load(pub, 0, &lk, err, sizeof err);
    if (st == PK_OK) {
        rq.lab_key = lk;
        st = pk_accredit(&rq, rk, &env, &n, err, sizeof err);
    }
    if (st != PK_OK && st != PK_E_USAGE)
        st = PK_E_IO; /* an unreadable or wrong key: exit 3 */
    int rc = write_envelope(st, env, n, err, out);
    if (rc == EXIT_CLEAN)
        printf("lab %s accredited: key %s\n", rq.lab, pk_key_id(lk));
    pk_key_free(rk);
    pk_key_free(lk);
    return rc;
}

static int suspend(int argc, char **argv)
{
    enum { O_ROOT = 256, O_LAB, O_FROM, O_REASON };
    static const struct option opts[] = {
        {"root-key", required_argument, 0, O_ROOT}, {"lab", required_argument, 0, O_LAB},
        {"from", required_argument, 0, O_FROM},     {"reason", required_argument, 0, O_REASON},
        {"output", required_argument, 0, 'o'},      {0, 0, 0, 0}};
    const char *root = NULL, *lab = NULL, *from = NULL, *reason = NULL, *out = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case O_ROOT:
            root = optarg;
            break;
        case O_LAB:
            lab = optarg;
            break;
        case O_FROM:
            from = optarg;
            break;
        case O_REASON:
            reason = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            return bad_option(argv);
        }
    }
    if (!root || !lab || !from || !reason || !out || optind != argc) {
        fprintf(stderr, "parakh: usage: parakh root suspend --root-key ROOT.key --lab LAB-ID "
                        "--from DATE --reason TEXT -o SUSP.json\n");
        return EXIT_USAGE;
    }
    pk_key *rk = NULL;
    char err[512] = "", *env = NULL;
    size_t n = 0;
    pk_status st = pk_key_load(root, 1, &rk, err, sizeof err);
    if (st == PK_OK)
        st = pk_suspend(lab, from, reason, rk, &env, &n, err, sizeof err);
    else
        st = PK_E_IO;
    pk_key_free(rk);
    return write_envelope(st, env, n, err, out);
}

int cmd_lab(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
        return keygen(argc - 1, argv + 1, 1);
    fprintf(stderr, "parakh: usage: parakh lab keygen --lab LAB-ID -o LAB.key\n");
    return EXIT_USAGE;
}

int cmd_root(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
        return keygen(argc - 1, argv + 1, 0);
    if (argc >= 2 && strcmp(argv[1], "accredit") == 0)
        return accredit(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "suspend") == 0)
        return suspend(argc - 1, argv + 1);
    fprintf(stderr, "parakh: usage: parakh root keygen|accredit|suspend ... "
                    "(docs/certificate.md)\n");
    return EXIT_USAGE;
}

static void certify_usage(FILE *f)
{
    fprintf(f,
            "usage: parakh certify --report REPORT.json --sbom SBOM.cdx.json --product P\n"
            "         --vendor V --version X --key LAB.key --lab LAB-ID -o CERT.json\n"
            "         [--profile P] [--waivers FILE] [--policy-date DATE] [--purl PURL]\n"
            "         [--cpe CPE] [--valid-days N | --expires DATE]\n"
            "\n"
            "Runs the decision (parakh assess) over the report and, for APPROVE or APPROVE\n"
            "WITH CONDITIONS only, signs a certificate (a DSSE envelope holding an in-toto\n"
            "Statement; docs/certificate.md) for the deliverable and every executable in it.\n"
            "  --profile P        %s or a profile file (default pss-baseline)\n"
            "  --valid-days N     validity from now (default 365; at most 3650)\n"
            "  --expires DATE     YYYY-MM-DD (end of that day, UTC) or YYYY-MM-DDTHH:MM:SSZ\n"
            "\n"
            "exit codes: 0 written; 1 the verdict is REJECT (nothing written); 2 usage;\n"
            "3 an input could not be read or the certificate not written.\n",
            pk_profile_names());
}

int cmd_certify(int argc, char **argv)
{
    enum {
        O_REPORT = 256,
        O_PROFILE,
        O_WAIVERS,
        O_PDATE,
        O_SBOM,
        O_PRODUCT,
        O_VENDOR,
        O_VERSION,
        O_PURL,
        O_CPE,
        O_DAYS,
        O_EXPIRES,
        O_KEY,
        O_LAB
    };
    static const struct option opts[] = {{"report", required_argument, 0, O_REPORT},
                                         {"profile", required_argument, 0, O_PROFILE},
                                         {"waivers", required_argument, 0, O_WAIVERS},
                                         {"policy-date", required_argument, 0, O_PDATE},
                                         {"sbom", required_argument, 0, O_SBOM},
                                         {"product", required_argument, 0, O_PRODUCT},
                                         {"vendor", required_argument, 0, O_VENDOR},
                                         {"version", required_argument, 0, O_VERSION},
                                         {"purl", required_argument, 0, O_PURL},
                                         {"cpe", required_argument, 0, O_CPE},
                                         {"valid-days", required_argument, 0, O_DAYS},
                                         {"expires", required_argument, 0, O_EXPIRES},
                                         {"key", required_argument, 0, O_KEY},
                                         {"lab", required_argument, 0, O_LAB},
                                         {"output", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    pk_cert_request rq = {.valid_days = 365};
    const char *report = NULL, *profile = "pss-baseline", *waivers = NULL, *key = NULL, *out = NULL;
    int days_given = 0, c;
    uint64_t v;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_REPORT:
            report = optarg;
            break;
        case O_PROFILE:
            profile = optarg;
            break;
        case O_WAIVERS:
            waivers = optarg;
            break;
        case O_PDATE:
            rq.policy_date = optarg;
            break;
        case O_SBOM:
            rq.sbom_path = optarg;
            break;
        case O_PRODUCT:
            rq.product = optarg;
            break;
        case O_VENDOR:
            rq.vendor = optarg;
            break;
        case O_VERSION:
            rq.version = optarg;
            break;
        case O_PURL:
            rq.purl = optarg;
            break;
        case O_CPE:
            rq.cpe = optarg;
            break;
        case O_EXPIRES:
            rq.expires = optarg;
            break;
        case O_KEY:
            key = optarg;
            break;
        case O_LAB:
            rq.lab = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case O_DAYS:
            if (cli_parse_u64(optarg, &v, 0) || v < 1 || v > 3650)
                return cli_bad_value("--valid-days", optarg);
            rq.valid_days = (unsigned)v;
            days_given = 1;
            break;
        case 'h':
            certify_usage(stdout);
            return EXIT_CLEAN;
        default:
            return bad_option(argv);
        }
    }
    if (!report || !rq.sbom_path || !rq.product || !rq.vendor || !rq.version || !key || !rq.lab ||
        !out || optind != argc || (days_given && rq.expires)) {
        certify_usage(stderr);
        return EXIT_USAGE;
    }
    char err[1024] = "", *buf = NULL, *env = NULL;
    size_t len = 0, n = 0;
    pk_profile *p = NULL;
    pk_waivers *w = NULL;
    pk_key *k = NULL;
    pk_verdict verdict = PK_VERDICT_APPROVE;
    int rc = EXIT_CLEAN;
    pk_status st = pk_profile_load(profile, &p, err, sizeof err);
    if (st == PK_OK && waivers)
        st = pk_waivers_load(waivers, &w, err, sizeof err);
    if (st != PK_OK) {
        rc = fail(st, err);
        goto out;
    }
    if ((st = pk_key_load(key, 1, &k, err, sizeof err)) != PK_OK) {
        rc = fail(PK_E_IO, err);
        goto out;
    }
    if ((rc = cli_cert_read(report, (size_t)1 << 31, &buf, &len)) != EXIT_CLEAN)
        goto out;
    st = pk_certify(&rq, p, w, buf, len, k, &verdict, &env, &n, err, sizeof err);
    if (st != PK_OK && verdict == PK_VERDICT_REJECT) {
        fprintf(stderr, "parakh: not certified: %s\n", err);
        rc = EXIT_REJECTED;
    } else if (st != PK_OK) {
        rc = fail(st, err);
    } else if ((rc = cli_cert_write(out, env, n)) == EXIT_CLEAN) {
        pk_cert *cert = NULL;
        if (pk_cert_parse(env, n, &cert, NULL, 0) == PK_OK)
            printf("certificate %s written to %s\n%s %s by %s: %s under %s, %zu subject(s), "
                   "expires %s\n",
                   pk_cert_field(cert, "certificate_id"), out, rq.product, rq.version, rq.vendor,
                   pk_verdict_str(verdict), pk_cert_field(cert, "profile"), pk_cert_subjects(cert),
                   pk_cert_field(cert, "expires"));
        pk_cert_free(cert);
    }
out:
    pk_cert_buf_free(env);
    free(buf);
    pk_key_free(k);
    pk_waivers_free(w);
    pk_profile_free(p);
    return rc;
}
