/* parakh registry submit|revoke|export, and parakh verify --url/--mirror
 * (called from cli/verify.c): the registry client (docs/registry-api.md,
 * docs/certificate.md "Registry client"). Output is line-oriented and
 * stable ("key: value", two-space indented under a first line) so scripts
 * can read it. Exit codes: 0 done; 1 the server refused (4xx, message
 * printed); 2 usage; 3 the server unreachable or failing (5xx), an input or
 * mirror unreadable; verify: 10 + state (17 revoked, 18 superseded,
 * 19 log inconsistent); export: 19 when the log does not verify. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <parakh/registry_client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { EXIT_REFUSED = 1, EXIT_STATE_BASE = 10 };

static void usage(FILE *f)
{
    fputs("usage: parakh registry submit CERT --url URL --token-file F [--supersedes ID]\n"
          "                                [--cacert PEM]\n"
          "       parakh registry revoke ID --reason TEXT [--date D] --url URL --token-file F\n"
          "                                [--cacert PEM]\n"
          "       parakh registry export --url URL --log-key LOG.vkey --mirror DIR [--cacert PEM]\n"
          "       parakh registry accredit|suspend RECORD --url URL --token-file F [--cacert PEM]\n"
          "       parakh registry sbom CERT-ID SBOM --url URL --token-file F [--cacert PEM]\n"
          "       parakh registry inuse CERT-ID --url URL --token-file F [--cacert PEM]\n"
          "\n"
          "submit sends a certificate to parakhd (a lab's token), revoke revokes one\n"
          "(national or the issuing lab), export copies the whole log into DIR after\n"
          "recomputing its root (DIR is replaced only by a complete, verified mirror).\n"
          "accredit and suspend publish a root-signed record from parakh root accredit or\n"
          "parakh root suspend (the national CERT's token).\n"
          "sbom stores the CycloneDX SBOM a certificate names (the issuing lab), inuse\n"
          "records that the token's organisation runs a certified product (docs/csaf.md).\n"
          "The token is read from a file, never from the command line.\n"
          "\n"
          "exit codes: 0 done; 1 the server refused (its message is printed); 2 usage;\n"
          "3 the server unreachable or failing, or an input unreadable; 19 (export) the\n"
          "log does not verify.\n",
          f);
}

/* The pinned log key: one line of text. */
static int read_vkey(const char *path, char *out, size_t cap)
{
    char *b = NULL;
    size_t n = 0;
    int rc = cli_cert_read(path, cap - 1, &b, &n);
    if (rc != EXIT_CLEAN)
        return rc;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r'))
        n--;
    memcpy(out, b, n);
    out[n] = 0;
    free(b);
    return EXIT_CLEAN;
}

/* A transport status as an exit code (message printed). */
static int fail(pk_status st, const char *err)
{
    fprintf(stderr, "parakh: %s\n", err[0] ? err : pk_status_str(st));
    return st == PK_E_USAGE    ? EXIT_USAGE
           : st == PK_E_FORMAT ? EXIT_STATE_BASE + PK_CERT_LOG_INCONSISTENT
                               : EXIT_INPUT;
}

/* 2xx: prints the answer's fields; else the server's message. */
static int answered(const pk_rc_resp *r, const char *first)
{
    if (r->code == 201 || r->code == 200) {
        json_t *j = json_loadb(r->body, r->len, 0, NULL);
        const char *id = json_string_value(json_object_get(j, "id"));
        if (!id) /* an accreditation or suspension names its lab */
            id = json_string_value(json_object_get(j, "lab"));
        json_t *ix = json_object_get(j, "log_index");
        const char *logged = json_string_value(json_object_get(j, "logged"));
        const char *cid = json_string_value(json_object_get(j, "certificate_id"));
        printf("%s: %s\n", first, id ? id : "?");
        if (json_is_integer(ix))
            printf("  log index: %lld\n", (long long)json_integer_value(ix));
        if (logged)
            printf("  logged: %s\n", logged);
        if (cid)
            printf("  certificate: %s\n", cid);
        json_decref(j);
        return EXIT_CLEAN;
    }
    char m[600];
    pk_rc_resp_error(r, m, sizeof m);
    fprintf(stderr, "parakh: the server answered HTTP %ld%s%s\n", r->code, m[0] ? ": " : "", m);
    if (r->code == 409) {
        json_t *j = json_loadb(r->body, r->len, 0, NULL);
        const char *id = json_string_value(json_object_get(j, "id"));
        json_t *ix = json_object_get(j, "log_index");
        if (id && json_is_integer(ix))
            printf("already: %s\n  log index: %lld\n", id, (long long)json_integer_value(ix));
        json_decref(j);
    }
    return r->code >= 400 && r->code < 500 ? EXIT_REFUSED : EXIT_INPUT;
}

int cmd_registry(int argc, char **argv)
{
    enum { O_URL = 256, O_TOKEN, O_SUP, O_CA, O_REASON, O_DATE, O_LOGKEY, O_MIRROR };
    static const struct option opts[] = {{"url", required_argument, 0, O_URL},
                                         {"token-file", required_argument, 0, O_TOKEN},
                                         {"supersedes", required_argument, 0, O_SUP},
                                         {"cacert", required_argument, 0, O_CA},
                                         {"reason", required_argument, 0, O_REASON},
                                         {"date", required_argument, 0, O_DATE},
                                         {"log-key", required_argument, 0, O_LOGKEY},
                                         {"mirror", required_argument, 0, O_MIRROR},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *url = NULL, *token = NULL, *sup = NULL, *ca = NULL, *reason = NULL, *date = NULL,
               *logkey = NULL, *mirror = NULL;
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "sbom") || !strcmp(sub, "inuse")) /* docs/csaf.md: cli/advisory.c */
        return cli_registry_csaf(argc, argv);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        const char **dst[] = {&url, &token, &sup, &ca, &reason, &date, &logkey, &mirror};
        if (c >= O_URL && c <= O_MIRROR) {
            *dst[c - O_URL] = optarg;
        } else if (c == 'h') {
            usage(stdout);
            return EXIT_CLEAN;
        } else {
            return cli_getopt_error(argv + 1);
        }
    }
    int npos = argc - 1 - optind;
    char **pos = argv + 1 + optind;
    bool accr = !strcmp(sub, "accredit"), susp = !strcmp(sub, "suspend");
    bool submit = !strcmp(sub, "submit") || accr || susp, revoke = !strcmp(sub, "revoke"),
         exp = !strcmp(sub, "export");
    if ((!submit && !revoke && !exp) || !url || ((submit || revoke) && (npos != 1 || !token)) ||
        ((accr || susp) && sup) || (revoke && !reason) ||
        (exp && (npos != 0 || !logkey || !mirror)) || (!submit && sup) ||
        (!revoke && (reason || date)) || (exp && token)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char err[1024] = "";
    pk_rc_opts o = {.url = url, .cacert = ca, .token_file = token};
    pk_rc *rc = NULL;
    pk_status st = pk_rc_new(&o, &rc, err, sizeof err);
    if (st != PK_OK)
        return fail(st, err);
    pk_rc_resp r;
    memset(&r, 0, sizeof r);
    int ec = EXIT_CLEAN;
    if (submit) {
        char *buf = NULL;
        size_t len = 0;
        size_t max = accr || susp ? PK_CERT_MAX_RECORD : PK_CERT_MAX_ENVELOPE;
        if ((ec = cli_cert_read(pos[0], max, &buf, &len)) == EXIT_CLEAN) {
            st = accr   ? pk_rc_accredit(rc, buf, len, &r, err, sizeof err)
                 : susp ? pk_rc_suspend(rc, buf, len, &r, err, sizeof err)
                        : pk_rc_submit(rc, buf, len, sup, &r, err, sizeof err);
            ec = st != PK_OK ? fail(st, err)
                             : answered(&r, accr   ? "accredited"
                                            : susp ? "suspended"
                                                   : "submitted");
        }
        free(buf);
    } else if (revoke) {
        st = pk_rc_revoke(rc, pos[0], reason, date, &r, err, sizeof err);
        ec = st != PK_OK ? fail(st, err) : answered(&r, "revoked");
    } else {
        char vkey[PK_NOTE_VKEY_MAX + 2];
        uint64_t n = 0;
        if ((ec = read_vkey(logkey, vkey, sizeof vkey)) == EXIT_CLEAN) {
            st = pk_rc_mirror_export(rc, vkey, mirror, &n, err, sizeof err);
            if (st != PK_OK)
                ec = fail(st, err);
            else
                printf("mirror: %s\n  leaves: %llu\n", mirror, (unsigned long long)n);
        }
    }
    pk_rc_resp_clear(&r);
    pk_rc_free(rc);
    return ec;
}

/* $XDG_STATE_HOME/parakh, else $HOME/.local/state/parakh, made 0700. */
static const char *default_state(char *buf, size_t cap)
{
    const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
    if (x && x[0] == '/')
        snprintf(buf, cap, "%s/parakh", x);
    else if (h && h[0] == '/')
        snprintf(buf, cap, "%s/.local/state/parakh", h);
    else
        return NULL;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0700);
            *p = '/';
        }
    return buf;
}

static void print_verdict(const char *what, const pk_rc_verdict *v)
{
    printf("%s: %s\n  %s\n", what, pk_cert_state_str(v->state), v->reason);
    const pk_cert *cp = v->cert;
    if (cp) {
        if (v->subject)
            printf("  subject: %s\n", v->subject);
        printf("  product: %s %s (%s)\n  lab: %s\n  profile: %s %s\n"
               "  verdict: %s\n  issued: %s\n  expires: %s\n  certificate: %s\n",
               pk_cert_field(cp, "product"), pk_cert_field(cp, "version"),
               pk_cert_field(cp, "vendor"), pk_cert_field(cp, "lab"), pk_cert_field(cp, "profile"),
               pk_cert_field(cp, "profile_version"), pk_cert_field(cp, "verdict"),
               pk_cert_field(cp, "issued"), pk_cert_field(cp, "expires"),
               pk_cert_field(cp, "certificate_id"));
        for (size_t i = 0; i < pk_cert_conditions(cp); i++)
            printf("  condition: %s\n", pk_cert_condition(cp, i));
        printf("  id: %s\n  log index: %llu\n  logged: %s\n", v->id,
               (unsigned long long)v->log_index, v->logged);
    }
    if (v->state == PK_CERT_REVOKED)
        printf("  revoked: %s by %s: %s\n", v->revoked_date, v->revoked_by, v->revoked_reason);
    if (v->state == PK_CERT_SUPERSEDED)
        printf("  superseded by: %s\n", v->superseded_by);
    if (v->checkpoint_size || v->state != PK_CERT_LOG_INCONSISTENT)
        printf("  checkpoint: size %llu\n", (unsigned long long)v->checkpoint_size);
    if (v->state == PK_CERT_LOG_INCONSISTENT)
        fprintf(stderr, "parakh: LOG INCONSISTENT: %s\n", v->reason);
}

int cli_verify_registry(const char *what, const uint8_t sha[32], const char *url,
                        const char *mirror, const char *root, const char *logkey, const char *state,
                        int nostate, const char *cacert, const char *date)
{
    char err[1024] = "", vkey[PK_NOTE_VKEY_MAX + 2], sbuf[4096];
    pk_key *rk = NULL;
    pk_note_verifier *log = NULL;
    pk_rc *rc = NULL;
    int ec = EXIT_CLEAN;
    if (pk_key_load(root, 0, &rk, err, sizeof err) != PK_OK) {
        fprintf(stderr, "parakh: --root %s\n", err);
        return EXIT_INPUT;
    }
    if (logkey && (ec = read_vkey(logkey, vkey, sizeof vkey)) == EXIT_CLEAN &&
        pk_note_verifier_new(vkey, &log, err, sizeof err) != PK_OK) {
        fprintf(stderr, "parakh: --log-key %s: %s\n", logkey, err);
        ec = EXIT_INPUT;
    }
    if (!nostate && !state && url)
        state = default_state(sbuf, sizeof sbuf);
    if (nostate)
        state = NULL;
    pk_rc_check in = {.root = rk, .log = log, .sha256 = sha, .date = date, .state_dir = state};
    pk_rc_verdict v;
    memset(&v, 0, sizeof v);
    pk_status st = PK_OK;
    if (ec == EXIT_CLEAN && mirror) {
        st = pk_rc_mirror_verify(&in, mirror, &v, err, sizeof err);
    } else if (ec == EXIT_CLEAN) {
        pk_rc_opts o = {.url = url, .cacert = cacert};
        pk_rc_resp r;
        memset(&r, 0, sizeof r);
        char hex[65];
        static const char H[] = "0123456789abcdef";
        for (size_t i = 0; i < 32; i++)
            hex[2 * i] = H[sha[i] >> 4], hex[2 * i + 1] = H[sha[i] & 15];
        hex[64] = 0;
        st = pk_rc_new(&o, &rc, err, sizeof err);
        if (st == PK_OK)
            st = pk_rc_lookup(rc, "sha256", hex, &r, err, sizeof err);
        if (st == PK_OK && r.code != 200) {
            char m[600];
            pk_rc_resp_error(&r, m, sizeof m);
            snprintf(err, sizeof err, "lookup: the server answered HTTP %ld%s%s", r.code,
                     m[0] ? ": " : "", m);
            st = PK_E_IO;
        }
        in.consistency = pk_rc_fetch_consistency;
        in.ctx = rc;
        if (st == PK_OK)
            st = pk_rc_verify_answer(&in, r.body, r.len, &v, err, sizeof err);
        pk_rc_resp_clear(&r);
    }
    if (ec == EXIT_CLEAN && st != PK_OK)
        ec = fail(st, err) == EXIT_USAGE ? EXIT_USAGE : EXIT_INPUT;
    else if (ec == EXIT_CLEAN) {
        print_verdict(what, &v);
        ec = v.state == PK_CERT_VALID ? EXIT_CLEAN : EXIT_STATE_BASE + (int)v.state;
    }
    pk_rc_verdict_clear(&v);
    pk_rc_free(rc);
    pk_note_verifier_free(log);
    pk_key_free(rk);
    return ec;
}
