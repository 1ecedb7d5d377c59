/* accounts: passwd and shadow files. Each entry's password field is
 * classified (empty, locked, shadowed, a hash of a known scheme, invalid);
 * usable hashes are tried with crypt_rn(3) against the account's own name,
 * the empty password and rules/accounts/default-passwords.txt, within a cost
 * budget per file and per scan (slow schemes: bcrypt, yescrypt, scrypt). */
#include "accounts_int.h"

#include "../../core/core_int.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 10
#define MAX_HASH   512u
#define MAX_USERS  1000u /* entries in facts.accounts.users */
#define COST_MAX   1000000u

typedef struct field {
    const char *p;
    size_t n;
} field;

typedef struct hinfo {
    const char *scheme; /* NULL: not a hash */
    size_t prefix;      /* bytes of the scheme prefix shown in evidence */
    uint64_t cost;      /* cost units per crypt call */
    int legacy;         /* DES, BSDi DES, MD5: PK-ACC-0005 */
} hinfo;

static int is_b64c(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '/';
}

static int starts(const char *p, size_t n, const char *s)
{
    size_t m = strlen(s);
    return n >= m && memcmp(p, s, m) == 0;
}

/* SHA-crypt's "rounds=N$" after the prefix: N, or 5000 (the default). */
static uint64_t sha_rounds(const char *p, size_t n)
{
    if (!starts(p, n, "rounds="))
        return 5000;
    uint64_t r = 0;
    for (size_t i = 7; i < n && p[i] >= '0' && p[i] <= '9' && r < 1000000000u; i++)
        r = r * 10 + (uint64_t)(p[i] - '0');
    return r < 1000 ? 1000 : r; /* crypt clamps to [1000, 999999999] */
}

/* Costs in units of about a millisecond on a 2020s core (measured with
 * libxcrypt 4.4: MD5 0.9 ms, SHA-256 4 ms, SHA-512 7 ms at 5000 rounds,
 * bcrypt cost 5 5 ms, yescrypt j9T about 50-230 ms). */
static hinfo classify(const char *p, size_t n)
{
    hinfo h = {0};
    if (starts(p, n, "$1$"))
        h = (hinfo){"md5", 3, 1, 1};
    else if (starts(p, n, "$2a$") || starts(p, n, "$2b$") || starts(p, n, "$2y$") ||
             starts(p, n, "$2x$")) {
        unsigned c = (n > 6 && p[4] >= '0' && p[4] <= '3' && p[5] >= '0' && p[5] <= '9')
                         ? (unsigned)((p[4] - '0') * 10 + (p[5] - '0'))
                         : 31;
        uint64_t cost = c <= 5 ? 5 : (c >= 24 ? COST_MAX : 5ull << (c - 5));
        h = (hinfo){"bcrypt", 7, cost, 0};
    } else if (starts(p, n, "$5$"))
        h = (hinfo){"sha256", 3, 4 * sha_rounds(p + 3, n - 3) / 5000 + 1, 0};
    else if (starts(p, n, "$6$"))
        h = (hinfo){"sha512", 3, 7 * sha_rounds(p + 3, n - 3) / 5000 + 1, 0};
    else if (starts(p, n, "$y$"))
        h = (hinfo){"yescrypt", 3, 250, 0};
    else if (starts(p, n, "$gy$"))
        h = (hinfo){"gost-yescrypt", 4, 250, 0};
    else if (starts(p, n, "$7$"))
        h = (hinfo){"scrypt", 3, 250, 0};
    else if (starts(p, n, "$sha1$"))
        h = (hinfo){"sha1crypt", 6, 20, 0};
    else if (starts(p, n, "$md5"))
        h = (hinfo){"sunmd5", 4, 20, 1};
    else if (starts(p, n, "$3$"))
        h = (hinfo){"nthash", 3, 1, 1};
    else if (n == 20 && p[0] == '_') {
        h = (hinfo){"bsdi-des", 5, 1, 1};
        for (size_t i = 1; i < n; i++)
            if (!is_b64c(p[i]))
                h.scheme = NULL;
    } else if (n == 13) {
        h = (hinfo){"des", 2, 1, 1};
        for (size_t i = 0; i < n; i++)
            if (!is_b64c(p[i]))
                h.scheme = NULL;
    }
    if (h.cost > COST_MAX)
        h.cost = COST_MAX;
    return h;
}

/* The line with its password field shortened to the scheme and 4 more
 * characters and "...": hashes are evidence, not data to hand on. Never
 * longer than the line (evidence stands for the bytes at the offset). */
static void redact(const pki_acc_line *ln, field pw, const hinfo *h, char *out, size_t cap)
{
    size_t pre = (size_t)(pw.p - ln->p), post = ln->len - pre - pw.n;
    size_t keep = h->scheme ? h->prefix + 4 : 4;
    const char *mark = "...";
    if (keep >= pw.n) {
        keep = pw.n; /* "x", "*", "!!": nothing to hide */
        mark = "";
    } else if (pw.n - keep < 3) {
        keep = pw.n - 3;
    }
    snprintf(out, cap, "%.*s%.*s%s%.*s", (int)pre, ln->p, (int)keep, pw.p, mark, (int)post,
             pw.p + pw.n);
}

typedef struct trial {
    int found;          /* index into candidates: -2 none, -1 name, 0 empty, 1.. list */
    const char *pw;     /* the matching password */
    unsigned tried, of; /* candidates tried, candidates there were */
    int capped, unsupported;
} trial;

/* Tries the candidates against the hash; *spent is this file's cost. */
static trial try_hash(pki_acc_ctx *x, const char *hash, const char *user, const hinfo *h,
                      uint64_t *spent, void *cd)
{
    pki_acc_state *st = (pki_acc_state *)x->st; /* only its atomic counter is written */
    trial t = {.found = -2, .of = (unsigned)st->npw + 2};
    for (unsigned i = 0; i < t.of; i++) {
        const char *c = i == 0 ? user : i == 1 ? "" : st->pw[i - 2];
        if (*spent + h->cost > st->file_budget) {
            t.capped = 1;
            break;
        }
        uint64_t before = atomic_fetch_add(&st->spent, h->cost);
        if (before + h->cost > st->scan_budget) {
            t.capped = 1;
            break;
        }
        *spent += h->cost;
        const char *r = st->crypt(c, hash, cd, (int)sizeof(struct crypt_data));
        if (!r || r[0] == '*') {
            t.unsupported = 1; /* a setting this libcrypt does not know */
            break;
        }
        t.tried++;
        if (strcmp(r, hash) == 0) {
            t.found = (int)i - 1;
            t.pw = c;
            break;
        }
    }
    return t;
}

static void user_fact(pki_acc_ctx *x, field *f, unsigned nf, int shadow, const char *pwstate)
{
    if (!pki_acc_facts(x))
        return;
    pk_fact *arr = pk_fact_arr(pki_acc_facts(x), "users");
    if (!arr || pk_fact_len(arr) >= MAX_USERS)
        return;
    pk_fact *o = pk_fact_push_obj(arr);
    if (!o)
        return;
    pk_fact_set_strn(o, "name", f[0].p, f[0].n);
    pk_fact_set_str(o, "file", shadow ? "shadow" : "passwd");
    pk_fact_set_str(o, "password", pwstate);
    if (!shadow && nf >= 7) {
        char num[24];
        for (unsigned k = 2; k <= 3; k++) {
            if (f[k].n && f[k].n < sizeof num) {
                memcpy(num, f[k].p, f[k].n);
                num[f[k].n] = 0;
                char *e = NULL;
                long long v = strtoll(num, &e, 10);
                if (e && !*e)
                    pk_fact_set_int(o, k == 2 ? "uid" : "gid", v);
            }
        }
        pk_fact_set_strn(o, "home", f[5].p, f[5].n);
        pk_fact_set_strn(o, "shell", f[6].p, f[6].n);
    }
}

static int nologin_shell(field s)
{
    return (s.n >= 7 && memcmp(s.p + s.n - 7, "nologin", 7) == 0) ||
           (s.n >= 5 && memcmp(s.p + s.n - 5, "false", 5) == 0);
}

pk_status pki_acc_pw(pki_acc_ctx *x, int shadow)
{
    const char *fname = shadow ? "shadow" : "passwd";
    void *cd = NULL;
    uint64_t spent = 0, pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        if (!ln.len || ln.p[0] == '#' || ln.p[0] == '+' || ln.p[0] == '-')
            continue;
        field f[MAX_FIELDS];
        unsigned nf = 0;
        size_t s = 0;
        for (size_t i = 0; i <= ln.len && nf < MAX_FIELDS; i++)
            if (i == ln.len || ln.p[i] == ':') {
                f[nf++] = (field){ln.p + s, i - s};
                s = i + 1;
            }
        if (nf < 2 || !f[0].n || memchr(f[0].p, 0, f[0].n))
            continue;
        if (!shadow && nf < 7)
            continue; /* not a passwd entry */
        char user[256];
        snprintf(user, sizeof user, "%.*s", (int)f[0].n, f[0].p);
        field pw = f[1];
        hinfo h = classify(pw.p, pw.n);
        char ev[PK_EVIDENCE_MAX + 64], state[300];
        redact(&ln, pw, &h, ev, sizeof ev);
        int usable = 0;
        if (pw.n == 0) {
            snprintf(state, sizeof state, "empty");
            int nolog = !shadow && nologin_shell(f[6]);
            pki_acc_emit(x, "PK-ACC-0001", nolog ? PK_SEV_MEDIUM : PK_SEV_HIGH, shadow ? 95 : 90,
                         &ln, ev,
                         "account '%s' has an empty password field in %s: it logs in without a "
                         "password%s",
                         user, fname, nolog ? " (its shell refuses interactive logins)" : "");
            usable = 1;
        } else if (pw.p[0] == '!' || pw.p[0] == '*') {
            snprintf(state, sizeof state, "locked");
        } else if (!shadow && pw.n == 1 && pw.p[0] == 'x') {
            snprintf(state, sizeof state, "shadow");
            usable = 1; /* its password is in shadow */
        } else if (!h.scheme) {
            snprintf(state, sizeof state, "invalid"); /* matches no password */
        } else {
            usable = 1;
            snprintf(state, sizeof state, "hash:%s", h.scheme);
            if (!shadow)
                pki_acc_emit(x, "PK-ACC-0002", PK_SEV_MEDIUM, 90, &ln, ev,
                             "account '%s' has its %s password hash in passwd itself, which "
                             "every user can read",
                             user, h.scheme);
            if (h.legacy)
                pki_acc_emit(x, "PK-ACC-0005", PK_SEV_LOW, 90, &ln, ev,
                             "account '%s' has a %s password hash, a scheme fast to brute-force%s",
                             user, h.scheme,
                             strcmp(h.scheme, "des") == 0 ? " that uses only 8 characters" : "");
            char hash[MAX_HASH];
            if (x->st->crypt && x->st->scan_budget && pw.n < sizeof hash) {
                memcpy(hash, pw.p, pw.n);
                hash[pw.n] = 0;
                if (!cd && !(cd = pki_calloc(1, sizeof(struct crypt_data))))
                    return PK_E_NOMEM;
                trial t = try_hash(x, hash, user, &h, &spent, cd);
                if (t.pw) {
                    snprintf(state, sizeof state, "default:%s", t.pw);
                    pki_acc_emit(x, "PK-ACC-0003", PK_SEV_HIGH, 100, &ln, ev,
                                 "the %s hash of account '%s' in %s is the password '%s' (%s; "
                                 "verified with crypt(3))",
                                 h.scheme, user, fname, t.pw,
                                 t.found == -1  ? "the account's own name"
                                 : t.found == 0 ? "the empty password"
                                                : "rules/accounts/default-passwords.txt");
                } else if (t.capped) {
                    pki_acc_emit(x, "PK-ACC-0006", PK_SEV_INFO, 100, &ln, ev,
                                 "the %s hash of account '%s' was tried against %u of %u default "
                                 "passwords only: the crypt cost cap stopped the check (none "
                                 "matched)",
                                 h.scheme, user, t.tried, t.of);
                }
            }
        }
        /* UID 0 other than root: a second superuser */
        if (!shadow && f[2].n == 1 && f[2].p[0] == '0' && strcmp(user, "root") != 0)
            pki_acc_emit(x, "PK-ACC-0004", usable ? PK_SEV_HIGH : PK_SEV_MEDIUM, 90, &ln, ev,
                         "account '%s' has UID 0: a second superuser besides root (password: %s)",
                         user, state);
        user_fact(x, f, nf, shadow, state);
    }
    pki_free(cd);
    return PK_OK;
}
