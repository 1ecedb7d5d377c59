/* parakh verify: is this exact file certified, by whom, and still valid?
 * Offline: the certificate, the root-signed accreditation(s) and
 * suspension(s), the root public key. With --url or --mirror: the
 * registry's log instead (cli/registry.c). Exit codes (docs/certificate.md):
 * 0 VALID; 10 + the state otherwise (11 not certified, 12 expired, 13 lab
 * suspended, 14 not accredited, 15 bad signature, 16 malformed, 17 revoked,
 * 18 superseded, 19 log inconsistent); 2 usage; 3 an input could not be
 * read, the server could not be reached, the mirror could not be read. */
#include "cli.h"

#include <getopt.h>
#include <parakh/cert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_STATE_BASE = 10, MAX_RECORDS = 64 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: parakh verify FILE --cert CERT.json --root ROOT.pub\n"
            "         --accreditation ACCR.json... [--suspension SUSP.json...] [--date DATE]\n"
            "       parakh verify --sha256 HEX --cert ... (the same for a known digest)\n"
            "       parakh verify FILE --url URL --root ROOT.pub --log-key LOG.vkey\n"
            "         [--state DIR | --no-state] [--cacert PEM] [--date DATE]\n"
            "       parakh verify FILE --mirror DIR --root ROOT.pub [--log-key LOG.vkey]\n"
            "         [--state DIR] [--date DATE]\n"
            "\n"
            "Says whether FILE (its SHA-256) is certified by CERT, signed by a lab whose key\n"
            "the national root accredited, not suspended, and not expired as of DATE\n"
            "(default now). --accreditation and --suspension repeat (up to %d each).\n"
            "--url asks the registry and checks its answer against the signed log (the\n"
            "checkpoint kept in --state, default $XDG_STATE_HOME/parakh); --mirror reads\n"
            "an exported mirror offline.\n"
            "\n"
            "exit codes: 0 VALID; 11 not certified; 12 expired; 13 lab suspended;\n"
            "14 not accredited; 15 bad signature; 16 malformed certificate; 17 revoked;\n"
            "18 superseded; 19 log inconsistent; 2 usage; 3 an input, the server or the\n"
            "mirror could not be read.\n",
            MAX_RECORDS);
}

/* Adds one record file to the trust store; a record that is unreadable or
 * not root-signed is reported and left out (it cannot be trusted either
 * way), so the answer then says what is missing. */
static int add_record(pk_trust *t, const char *path)
{
    char *buf = NULL, err[512] = "";
    size_t len = 0;
    int rc = cli_cert_read(path, PK_CERT_MAX_RECORD, &buf, &len);
    if (rc != EXIT_CLEAN)
        return rc;
    pk_status st = pk_trust_add(t, buf, len, err, sizeof err);
    if (st != PK_OK)
        fprintf(stderr, "parakh: %s: ignored: %s\n", path, err[0] ? err : pk_status_str(st));
    free(buf);
    return EXIT_CLEAN;
}

int cmd_verify(int argc, char **argv)
{
    enum {
        O_CERT = 256,
        O_ACCR,
        O_SUSP,
        O_ROOT,
        O_DATE,
        O_SHA,
        O_URL,
        O_MIRROR,
        O_LOGKEY,
        O_STATE,
        O_NOSTATE,
        O_CA
    };
    static const struct option opts[] = {{"cert", required_argument, 0, O_CERT},
                                         {"accreditation", required_argument, 0, O_ACCR},
                                         {"suspension", required_argument, 0, O_SUSP},
                                         {"root", required_argument, 0, O_ROOT},
                                         {"date", required_argument, 0, O_DATE},
                                         {"sha256", required_argument, 0, O_SHA},
                                         {"url", required_argument, 0, O_URL},
                                         {"mirror", required_argument, 0, O_MIRROR},
                                         {"log-key", required_argument, 0, O_LOGKEY},
                                         {"state", required_argument, 0, O_STATE},
                                         {"no-state", no_argument, 0, O_NOSTATE},
                                         {"cacert", required_argument, 0, O_CA},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cert = NULL, *root = NULL, *date = NULL, *hex = NULL;
    const char *url = NULL, *mirror = NULL, *logkey = NULL, *state = NULL, *ca = NULL;
    int nostate = 0;
    const char *accr[MAX_RECORDS], *susp[MAX_RECORDS];
    size_t na = 0, ns = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_CERT:
            cert = optarg;
            break;
        case O_ROOT:
            root = optarg;
            break;
        case O_DATE:
            date = optarg;
            break;
        case O_SHA:
            hex = optarg;
            break;
        case O_URL:
            url = optarg;
            break;
        case O_MIRROR:
            mirror = optarg;
            break;
        case O_LOGKEY:
            logkey = optarg;
            break;
        case O_STATE:
            state = optarg;
            break;
        case O_NOSTATE:
            nostate = 1;
            break;
        case O_CA:
            ca = optarg;
            break;
        case O_ACCR:
            if (na == MAX_RECORDS)
                return cli_bad_value("--accreditation", optarg);
            accr[na++] = optarg;
            break;
        case O_SUSP:
            if (ns == MAX_RECORDS)
                return cli_bad_value("--suspension", optarg);
            susp[ns++] = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        default:
            fprintf(stderr, "parakh: option '%s' is unknown or needs a value\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int reg = url || mirror;
    if ((reg ? (cert || na || ns || (url && mirror) || (url && !logkey) || (mirror && ca) ||
                (state && nostate))
             : (!cert || logkey || state || nostate || ca)) ||
        !root || (hex ? optind != argc : optind != argc - 1)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    uint8_t sha[32];
    char err[512] = "";
    if (hex && pk_sha256_from_hex(hex, sha) != 0)
        return cli_bad_value("--sha256", hex);
    if (!hex && pk_sha256_file(argv[optind], sha, err, sizeof err) != PK_OK) {
        fprintf(stderr, "parakh: %s\n", err);
        return EXIT_INPUT;
    }
    if (reg)
        return cli_verify_registry(hex ? hex : argv[optind], sha, url, mirror, root, logkey, state,
                                   nostate, ca, date);
    pk_key *rk = NULL;
    if (pk_key_load(root, 0, &rk, err, sizeof err) != PK_OK) {
        fprintf(stderr, "parakh: --root %s\n", err);
        return EXIT_INPUT;
    }
    pk_trust *t = NULL;
    int rc = pk_trust_new(rk, &t) == PK_OK ? EXIT_CLEAN : EXIT_INPUT;
    pk_key_free(rk);
    for (size_t i = 0; rc == EXIT_CLEAN && i < na; i++)
        rc = add_record(t, accr[i]);
    for (size_t i = 0; rc == EXIT_CLEAN && i < ns; i++)
        rc = add_record(t, susp[i]);
    char *buf = NULL;
    size_t len = 0;
    if (rc == EXIT_CLEAN)
        rc = cli_cert_read(cert, PK_CERT_MAX_ENVELOPE, &buf, &len);
    if (rc != EXIT_CLEAN) {
        pk_trust_free(t);
        return rc;
    }
    pk_cert *cp = NULL;
    pk_cert_result r;
    memset(&r, 0, sizeof r);
    if (pk_cert_parse(buf, len, &cp, err, sizeof err) != PK_OK) {
        r.state = PK_CERT_MALFORMED;
        snprintf(r.reason, sizeof r.reason, "%s", err);
    } else {
        pk_cert_verify(cp, t, sha, date, &r);
    }
    const char *what = hex ? hex : argv[optind];
    printf("%s: %s\n  %s\n", what, pk_cert_state_str(r.state), r.reason);
    if (r.state == PK_CERT_VALID) {
        printf("  subject: %s\n  product: %s %s (%s)\n  lab: %s\n  profile: %s %s\n"
               "  verdict: %s\n  issued: %s\n  expires: %s\n  certificate: %s\n",
               r.subject, pk_cert_field(cp, "product"), pk_cert_field(cp, "version"),
               pk_cert_field(cp, "vendor"), pk_cert_field(cp, "lab"), pk_cert_field(cp, "profile"),
               pk_cert_field(cp, "profile_version"), pk_cert_field(cp, "verdict"),
               pk_cert_field(cp, "issued"), pk_cert_field(cp, "expires"),
               pk_cert_field(cp, "certificate_id"));
        for (size_t i = 0; i < pk_cert_conditions(cp); i++)
            printf("  condition: %s\n", pk_cert_condition(cp, i));
    }
    pk_cert_free(cp);
    free(buf);
    pk_trust_free(t);
    return r.state == PK_CERT_VALID ? EXIT_CLEAN : EXIT_STATE_BASE + (int)r.state;
}
