/* binsig internals: the rule files of rules/binsig/ parsed into rules, shared
 * by the analyzer (binsig.c) and its parser (rule.c); unit tests use them too.
 *
 * Ownership: a pki_bs_set owns its rules and everything in them; free it with
 * pki_bs_set_free(). Read-only once built, so worker threads share it. */
#ifndef PK_BINSIG_INT_H
#define PK_BINSIG_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <parakh/status.h>
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#define PKI_BS_MAX_PATTERNS 8  /* pattern lines per rule */
#define PKI_BS_MAX_TESTS    24 /* test and test-not lines per rule */
#define PKI_BS_MAX_RULES    256
#define PKI_BS_MAX_LINE     1024
#define PKI_BS_MAX_VERSION  64
#define PKI_BS_LOOKBACK     512 /* bytes before a hit's end that a banner may span */

typedef struct pki_bs_test {
    uint8_t *sample; /* unescaped bytes */
    size_t len;
    char *version; /* NULL: a test-not line */
    unsigned line;
} pki_bs_test;

typedef struct pki_bs_rule {
    char *library;   /* file stem: rules/binsig/<library>.rule; the rule id is binsig:<library> */
    char *component; /* component name */
    char *vendor, *product, *license, *known_as; /* NULLABLE */
    uint8_t confidence;
    size_t npat;
    char *pattern[PKI_BS_MAX_PATTERNS];
    pcre2_code *re[PKI_BS_MAX_PATTERNS]; /* compiled end-anchored */
    size_t ntest, npositive, nlines; /* tests kept (check_tests only); lines with a version; all */
    pki_bs_test test[PKI_BS_MAX_TESTS];
} pki_bs_rule;

typedef struct pki_bs_set {
    /* 1: keep the test lines and run them at parse time (the unit test); 0 at
     * scan init, where the embedded rules have passed that test at build time */
    int check_tests;
    pcre2_general_context *gctx;
    pcre2_compile_context *cctx;
    pcre2_match_context *mctx; /* match limits; read-only while matching */
    size_t n;
    pki_bs_rule *rule[PKI_BS_MAX_RULES];
} pki_bs_set;

/* An empty set, with pcre2 contexts allocating through pki_malloc. NULL on OOM. */
pki_bs_set *pki_bs_set_new(void);
void pki_bs_set_free(pki_bs_set *s);

/* Parses one rule file (`path` like "binsig/zlib.rule", `len` bytes of text,
 * NUL not needed) into a new rule appended to s, compiling its patterns and
 * checking its test lines (when s->check_tests). PK_E_USAGE with a message "path:line: why" in err
 * for a malformed file; PK_E_NOMEM; PK_E_LIMIT past PKI_BS_MAX_RULES. */
pk_status pki_bs_parse(pki_bs_set *s, const char *path, const char *text, size_t len, char *err,
                       size_t errlen);

/* Runs rule r's pattern k as the analyzer does on a hit: the capture of a
 * match ending exactly at the end of `win`. Returns the version length (> 0)
 * and sets *vstart (offset in win) and *mstart (match start in win); 0 when
 * nothing matches there or the capture is empty, too long or not printable.
 * *oom (NULLABLE) is set to 1 when pcre2 ran out of memory. */
size_t pki_bs_extract(const pki_bs_set *s, const pki_bs_rule *r, size_t k, const uint8_t *win,
                      size_t wlen, size_t *vstart, size_t *mstart, int *oom);

#endif
