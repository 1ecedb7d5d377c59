/* secrets internals: gitleaks' rules (rules/secrets/gitleaks.json, made from
 * gitleaks.toml by scripts/gitleaks2json.py) loaded into a rule set, shared by
 * the analyzer (secrets.c), the loader and checks (rules.c) and the unit test.
 *
 * Ownership: a pki_sec_set owns its rules and everything in them (strings,
 * compiled PCRE2 codes); free it with pki_sec_set_free(). Read-only once
 * loaded, so worker threads share it. */
#ifndef PK_SECRETS_INT_H
#define PK_SECRETS_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <parakh/status.h>
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#define PKI_SEC_MAX_RULES 256 /* rules kept; the pattern id is the rule's index */

enum { PKI_SEC_FORMAT = 0, PKI_SEC_ASSIGN, PKI_SEC_GENERIC };   /* rule class */
enum { PKI_SEC_T_SECRET = 0, PKI_SEC_T_MATCH, PKI_SEC_T_LINE }; /* allowlist regexTarget */

typedef struct pki_sec_allow {
    int and_cond; /* condition = "AND": every criterion given must hold */
    int target;   /* what regexes test: the secret, the whole match or its line */
    size_t nre, nstop, npath;
    pcre2_code **re;
    char **stop; /* lower case; the secret must not contain one */
    pcre2_code **path;
} pki_sec_allow;

typedef struct pki_sec_rule {
    char *id; /* gitleaks' rule id, e.g. "aws-access-token" */
    char *hs; /* the expression for the shared matcher */
    pcre2_code *re;
    unsigned group; /* secretGroup; 0: the first non-empty group, else the match */
    double entropy; /* minimum Shannon entropy of the secret (bits per byte); 0: none */
    int klass;      /* PKI_SEC_FORMAT, _ASSIGN or _GENERIC */
    size_t nkw;
    char **kw;        /* lower case; one must appear near the match */
    pcre2_code *path; /* NULL, or the rule applies only to paths it matches */
    size_t nallow;
    pki_sec_allow *allow;
} pki_sec_rule;

typedef struct pki_sec_set {
    pcre2_general_context *gctx;
    pcre2_compile_context *cctx;
    pcre2_match_context *mctx; /* match limits; read-only while matching */
    pki_sec_allow global;      /* gitleaks' [allowlist] */
    size_t n, ndropped;        /* rules kept; rules the converter dropped */
    pki_sec_rule rule[PKI_SEC_MAX_RULES];
} pki_sec_set;

/* Loads the JSON rule file (n bytes at p). On error: NULL, why in err. */
pki_sec_set *pki_sec_set_load(const char *p, size_t n, char *err, size_t errlen);
void pki_sec_set_free(pki_sec_set *s);

/* 1 if re matches anywhere in [p, p+n); 0 if not (or it ran out of steps). */
int pki_sec_re_find(const pki_sec_set *s, const pcre2_code *re, const char *p, size_t n);

/* Shannon entropy of n bytes in bits per byte, as gitleaks computes it. */
double pki_sec_entropy(const char *p, size_t n);

/* 1 if an allowlist lets the candidate go: the secret, the whole match, its
 * line and the file's path. */
typedef struct pki_sec_cand {
    const char *secret, *match, *line, *path;
    size_t slen, mlen, llen, plen;
} pki_sec_cand;
int pki_sec_allowed(const pki_sec_set *s, const pki_sec_allow *a, const pki_sec_cand *c);

#endif
