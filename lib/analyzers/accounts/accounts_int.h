/* accounts: the analyzer's internal interface, shared by accounts.c (glue,
 * claiming by path and content, state), acc_pw.c (passwd and shadow, crypt(3)
 * checks), acc_svc.c (inittab, init scripts, systemd units, inetd, sshd and
 * dropbear configuration, Android properties) and acc_keys.c
 * (authorized_keys).
 *
 * Ownership: pki_acc_state is built by init and read-only during the scan,
 * except `spent`, the scan-wide crypt budget (atomic). A pki_acc_ctx lives on
 * analyze()'s stack; its crypt scratch area is owned by the parser that
 * allocates it. */
#ifndef PK_ANALYZERS_ACCOUNTS_INT_H
#define PK_ANALYZERS_ACCOUNTS_INT_H

#include <parakh/analyzer.h>

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define PKI_ACC_MAX_LINE     4096u   /* longer lines are read up to this many bytes */
#define PKI_ACC_MAX_LINES    100000u /* lines read per file */
#define PKI_ACC_MAX_FINDINGS 200u    /* per file; the rest counted in facts */

/* crypt_rn(3) of libxcrypt */
typedef char *(*pki_acc_crypt_fn)(const char *phrase, const char *setting, void *data, int size);

typedef struct pki_acc_state {
    const char **pw; /* default passwords, in trial order (point into block) */
    char *block;     /* a copy of the rule file, split into lines */
    size_t npw;
    pki_acc_crypt_fn crypt; /* libxcrypt's crypt_rn */
    uint64_t file_budget;   /* crypt cost units per file */
    uint64_t scan_budget;   /* per scan */
    /* the only field written during the scan: cost spent by all files so far,
     * so the per-scan cap holds across worker threads */
    _Atomic uint64_t spent;
} pki_acc_state;

#ifdef PK_TESTING
/* For fuzz targets, which cannot pass options: crypt budgets the next init
 * uses instead of its defaults when non-zero. */
extern uint64_t pki_acc_test_file_budget, pki_acc_test_scan_budget;
#endif

typedef enum pki_acc_kind {
    ACC_NONE = 0,
    ACC_PASSWD,
    ACC_SHADOW,
    ACC_INITTAB,
    ACC_INITSCRIPT,
    ACC_SYSTEMD,
    ACC_INETD,
    ACC_XINETD,
    ACC_SSHD,
    ACC_DROPBEAR_DEFAULT,
    ACC_DROPBEAR_HOSTKEY,
    ACC_AUTHKEYS,
    ACC_PROP,
} pki_acc_kind;

typedef struct pki_acc_ctx {
    const pki_acc_state *st;
    const pk_file *file;
    pk_emit *out;
    pk_bytes d;
    pk_fact *facts;          /* facts.accounts once made: pki_acc_facts() */
    unsigned nfind, dropped; /* findings emitted, and over PKI_ACC_MAX_FINDINGS */
    unsigned nsvc;           /* facts.services[] entries */
} pki_acc_ctx;

/* facts.accounts, made on first use (NULL when allocation failed). */
pk_fact *pki_acc_facts(pki_acc_ctx *x);

/* One line: [off, off+len) of d without its '\n' (and '\r'), clipped to
 * PKI_ACC_MAX_LINE. */
typedef struct pki_acc_line {
    uint64_t off;
    const char *p;
    size_t len;
} pki_acc_line;

/* The next line from *pos; 0 at the end or after PKI_ACC_MAX_LINES lines. */
int pki_acc_next_line(pk_bytes d, uint64_t *pos, unsigned *count, pki_acc_line *ln);

/* A finding on line `ln` (its bytes are the evidence unless `ev` is given). */
void pki_acc_emit(pki_acc_ctx *x, const char *rule, pk_severity sev, uint8_t conf,
                  const pki_acc_line *ln, const char *ev, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The kind of file by its evidence path; ACC_NONE if the path says nothing. */
pki_acc_kind pki_acc_kind_of_path(const char *vpath);
/* The kind of a text file by its first bytes (passwd, shadow, inittab). */
pki_acc_kind pki_acc_kind_of_content(pk_bytes head);

/* Parsers: each reads x->d and emits through x->out. */
pk_status pki_acc_pw(pki_acc_ctx *x, int shadow);
pk_status pki_acc_inittab(pki_acc_ctx *x);
pk_status pki_acc_script(pki_acc_ctx *x);
pk_status pki_acc_systemd(pki_acc_ctx *x);
pk_status pki_acc_inetd(pki_acc_ctx *x, int xinetd);
pk_status pki_acc_sshd(pki_acc_ctx *x);
pk_status pki_acc_dropbear(pki_acc_ctx *x, int hostkey);
pk_status pki_acc_authkeys(pki_acc_ctx *x);
pk_status pki_acc_prop(pki_acc_ctx *x);

/* Splits s[0..n) at blanks into at most max words, quotes stripped ("a b"
 * stays one word); returns the count. */
typedef struct pki_acc_word {
    const char *p;
    size_t n;
} pki_acc_word;
size_t pki_acc_words(const char *s, size_t n, pki_acc_word *w, size_t max);
/* 1 if word w is s. */
int pki_acc_word_is(pki_acc_word w, const char *s);
/* 1 if the basename of w is a shell (sh, ash, bash, ...), a leading '-' allowed. */
int pki_acc_is_shell(pki_acc_word w);
/* Remote-login daemon started from line ln with argv w[0..n): PK-ACC-0007
 * (telnetd -l <shell> runs a shell without login), facts.services[]. */
void pki_acc_started(pki_acc_ctx *x, const char *daemon, const pki_acc_word *w, size_t n,
                     const char *how, const pki_acc_line *ln, uint8_t conf);
/* A getty, login or shell in argv w[0..n) that gives a root shell without a
 * password: PK-ACC-0009 of severity sev; returns 1 if it did. */
int pki_acc_console(pki_acc_ctx *x, const pki_acc_word *w, size_t n, const char *where,
                    pk_severity sev, const pki_acc_line *ln);

/* The basename of the program in the command word w[0..n), if it names a
 * remote-login daemon: "telnetd", "dropbear", "sshd", ...; else NULL. */
const char *pki_acc_daemon(const char *w, size_t n);
/* Remote-login services found: facts.accounts.services[] += {kind, daemon, how, ...}. */
void pki_acc_service(pki_acc_ctx *x, const char *daemon, const char *how, const pki_acc_line *ln);

#endif
