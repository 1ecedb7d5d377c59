/* lib/cert internals shared by the certificate parser (parse.c) and the
 * verifier (verify.c): the parsed certificate and the trust store.
 *
 * Ownership: a pk_cert owns its envelope, its Statement (json_t) and the
 * arrays below; field strings point into the Statement. */
#ifndef PK_CERT_VERIFY_INT_H
#define PK_CERT_VERIFY_INT_H

#include "cert/cert_int.h"

enum {
    F_CERT_ID,
    F_PRODUCT,
    F_VENDOR,
    F_VERSION,
    F_PURL,
    F_CPE,
    F_PROFILE,
    F_PROFILE_VERSION,
    F_POLICY_DATE,
    F_VERDICT,
    F_LAB,
    F_ISSUED,
    F_EXPIRES,
    F_SBOM,
    F_NFIELDS
};

struct pk_cert {
    pki_dsse env;
    json_t *stmt;
    char digest[65]; /* hex SHA-256 of the PAE */
    const char *f[F_NFIELDS];
    const char *lab; /* == f[F_LAB] */
    int64_t issued, expires;
    size_t nsubj;
    struct {
        const char *name;
        uint8_t d[32];
    } * subj;
    size_t ncond;
    char **cond; /* "REQ: text", pki_malloc'd */
};

typedef struct pki_trust_accr {
    char lab[65];
    pk_key *key;
    int64_t from, until;
} pki_trust_accr;

typedef struct pki_trust_susp {
    char lab[65];
    int64_t from;
    char reason[1028];
} pki_trust_susp;

struct pk_trust {
    pk_key *root; /* public half only */
    pki_trust_accr *accr;
    size_t na, acap;
    pki_trust_susp *susp;
    size_t ns, scap;
};

/* What verification steps 1-3 (accreditation known, signature, accredited
 * at issue time) concluded for one certificate and one trust store: they
 * depend on nothing else, so a caller that keeps parsed certificates (the
 * registry server) memoises them and skips the signature check. Owned by
 * the caller; done false: not yet computed. */
typedef struct pki_cert_sigmemo {
    bool done;
    pk_cert_state state; /* VALID: the three steps passed */
    char reason[512];
} pki_cert_sigmemo;

/* pk_cert_verify_logged with an optional memo m: when m->done its outcome
 * replaces steps 1-3, otherwise they run and fill m. Same answers. */
pk_cert_state pki_cert_verify_memo(const pk_cert *c, const pk_trust *t, const uint8_t *sha256,
                                   const char *date, const char *logged, pki_cert_sigmemo *m,
                                   pk_cert_result *r);

#endif
