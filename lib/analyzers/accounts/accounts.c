/* accounts: ways into a device or image through its accounts and login
 * services (docs/analyzers/accounts.md): passwd/shadow entries without or
 * with default passwords, extra UID 0 accounts, authorized_keys shipped in
 * the image, telnetd/dropbear/sshd started at boot, permissive sshd
 * settings, root shells on serial consoles, Android debug properties.
 *
 * Glue: files are claimed by their evidence path (etc/shadow, etc/inittab,
 * etc/init.d/NAME, systemd units, ...) and, where names lie, by content
 * (passwd/shadow/inittab lines in the first bytes); each kind has its
 * parser. Hashes are tried with libxcrypt's crypt_rn (thread-safe, every
 * scheme glibc systems use: DES, MD5, SHA-crypt, bcrypt, yescrypt). */
#include "accounts_int.h"

#include "../../core/core_int.h"
#include "../../core/rulefiles.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW_FILE     "accounts/default-passwords.txt"
#define MAX_PW      512u
#define FILE_BUDGET 4000u  /* cost units (about a millisecond each) per file */
#define SCAN_BUDGET 60000u /* per scan */

#ifdef PK_TESTING
uint64_t pki_acc_test_file_budget, pki_acc_test_scan_budget;
#endif

/* ---- lines, facts and findings ---- */

pk_fact *pki_acc_facts(pki_acc_ctx *x)
{
    if (!x->facts)
        x->facts = pk_emit_facts(x->out);
    return x->facts;
}

int pki_acc_next_line(pk_bytes d, uint64_t *pos, unsigned *count, pki_acc_line *ln)
{
    if (*pos >= d.len || *count >= PKI_ACC_MAX_LINES)
        return 0;
    uint64_t s = *pos, e = s;
    while (e < d.len && d.ptr[e] != '\n')
        e++;
    *pos = e < d.len ? e + 1 : e;
    (*count)++;
    uint64_t n = e - s;
    if (n && d.ptr[s + n - 1] == '\r')
        n--;
    if (n > PKI_ACC_MAX_LINE)
        n = PKI_ACC_MAX_LINE;
    ln->off = s;
    ln->p = (const char *)d.ptr + s;
    ln->len = (size_t)n;
    return 1;
}

void pki_acc_emit(pki_acc_ctx *x, const char *rule, pk_severity sev, uint8_t conf,
                  const pki_acc_line *ln, const char *ev, const char *fmt, ...)
{
    if (x->nfind >= PKI_ACC_MAX_FINDINGS) {
        x->dropped++;
        pk_fact *f = pki_acc_facts(x);
        if (f)
            pk_fact_set_int(f, "findings_not_reported", x->dropped);
        return;
    }
    x->nfind++;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_finding_spec s = {.rule_id = rule, .severity = sev, .confidence = conf};
    s.loc.offset = ln ? ln->off : PK_LOC_NONE;
    s.loc.length = ln ? ln->len : 0;
    /* evidence stands for the bytes at the offset: a summary longer than
     * them (a tiny key line) gives way to the bytes */
    if (ev && (!ln || strlen(ev) <= ln->len))
        s.evidence = (pk_bytes){(const uint8_t *)ev, strlen(ev)};
    else if (ln)
        s.evidence = (pk_bytes){(const uint8_t *)ln->p, ln->len};
    pk_emit_finding(x->out, &s, "%s", msg);
}

/* ---- daemons ---- */

static const char *const daemons[] = {
    "telnetd", "utelnetd", "in.telnetd", "dropbear",  "sshd",   "in.rlogind",
    "rlogind", "in.rshd",  "rshd",       "in.rexecd", "rexecd",
};

const char *pki_acc_daemon(const char *w, size_t n)
{
    size_t b = n;
    while (b > 0 && w[b - 1] != '/')
        b--;
    for (size_t i = 0; i < sizeof daemons / sizeof daemons[0]; i++)
        if (strlen(daemons[i]) == n - b && memcmp(w + b, daemons[i], n - b) == 0)
            return daemons[i];
    return NULL;
}

void pki_acc_service(pki_acc_ctx *x, const char *daemon, const char *how, const pki_acc_line *ln)
{
    if (x->nsvc >= PKI_ACC_MAX_FINDINGS || !pki_acc_facts(x))
        return;
    x->nsvc++;
    pk_fact *o = pk_fact_push_obj(pk_fact_arr(pki_acc_facts(x), "services"));
    if (!o)
        return;
    pk_fact_set_str(o, "daemon", daemon);
    pk_fact_set_str(o, "started_by", how);
    if (ln) {
        pk_fact_set_int(o, "offset", (int64_t)ln->off);
        pk_fact_set_strn(o, "line", ln->p, ln->len);
    }
}

/* ---- kinds ---- */

/* Component k of vpath counted from the end (0: the name), components
 * split at '/' and '!'; 0 if there are fewer. */
static int comp(const char *v, unsigned k, const char **p, size_t *n)
{
    size_t e = strlen(v);
    for (unsigned i = 0;; i++) {
        while (e > 0 && (v[e - 1] == '/' || v[e - 1] == '!'))
            e--;
        size_t s = e;
        while (s > 0 && v[s - 1] != '/' && v[s - 1] != '!')
            s--;
        if (s == e)
            return 0;
        if (i == k) {
            *p = v + s;
            *n = e - s;
            return 1;
        }
        e = s;
    }
}

static int comp_is(const char *v, unsigned k, const char *s)
{
    const char *p;
    size_t n;
    return comp(v, k, &p, &n) && n == strlen(s) && memcmp(p, s, n) == 0;
}

static int str_ends(const char *p, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n >= m && memcmp(p + n - m, suf, m) == 0;
}

static int str_starts(const char *p, size_t n, const char *pre)
{
    size_t m = strlen(pre);
    return n >= m && memcmp(p, pre, m) == 0;
}

pki_acc_kind pki_acc_kind_of_path(const char *v)
{
    const char *nm, *par = "";
    size_t nn, pn = 0;
    if (!v || !comp(v, 0, &nm, &nn))
        return ACC_NONE;
    comp(v, 1, &par, &pn);
    int in_etc = comp_is(v, 1, "etc");
#define NAME_IS(s) (nn == sizeof(s) - 1 && memcmp(nm, s, nn) == 0)
#define PAR_IS(s)  (pn == sizeof(s) - 1 && memcmp(par, s, pn) == 0)
    if (in_etc && (NAME_IS("passwd") || NAME_IS("passwd-")))
        return ACC_PASSWD;
    if (in_etc && (NAME_IS("shadow") || NAME_IS("shadow-")))
        return ACC_SHADOW;
    if (in_etc && NAME_IS("inittab"))
        return ACC_INITTAB;
    if (str_starts(nm, nn, "authorized_keys"))
        return ACC_AUTHKEYS;
    if (NAME_IS("inetd.conf"))
        return ACC_INETD;
    if (PAR_IS("xinetd.d") || NAME_IS("xinetd.conf"))
        return ACC_XINETD;
    if (NAME_IS("sshd_config") || (PAR_IS("sshd_config.d") && str_ends(nm, nn, ".conf")))
        return ACC_SSHD;
    if (PAR_IS("default") && NAME_IS("dropbear"))
        return ACC_DROPBEAR_DEFAULT;
    if (str_starts(nm, nn, "dropbear_") && str_ends(nm, nn, "_host_key"))
        return ACC_DROPBEAR_HOSTKEY;
    if (NAME_IS("prop.default") || str_ends(nm, nn, ".prop"))
        return ACC_PROP;
    /* init scripts: etc/init.d/x, etc/rc.d/init.d/x, etc/rcN.d/x, etc/rc.local, ... */
    if (PAR_IS("init.d") && (comp_is(v, 2, "etc") || comp_is(v, 2, "rc.d")))
        return ACC_INITSCRIPT;
    if (pn == 5 && memcmp(par, "rc", 2) == 0 && memcmp(par + 3, ".d", 2) == 0)
        return ACC_INITSCRIPT;
    if ((in_etc || PAR_IS("rc.d")) &&
        (NAME_IS("rc.local") || NAME_IS("rcS") || NAME_IS("rc.sysinit") || NAME_IS("rc")))
        return ACC_INITSCRIPT;
    /* systemd units and drop-ins under any .../systemd/system/ */
    if (strstr(v, "systemd/system/") &&
        (str_ends(nm, nn, ".service") ||
         (str_ends(par, pn, ".service.d") && str_ends(nm, nn, ".conf"))))
        return ACC_SYSTEMD;
#undef NAME_IS
#undef PAR_IS
    return ACC_NONE;
}

/* The first line of head that starts with "root:", counted in colons. */
pki_acc_kind pki_acc_kind_of_content(pk_bytes head)
{
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    int initlines = 0;
    while (cnt < 64 && pki_acc_next_line(head, &pos, &cnt, &ln)) {
        if (str_starts(ln.p, ln.len, "root:")) {
            unsigned c = 0;
            for (size_t i = 0; i < ln.len; i++)
                c += ln.p[i] == ':';
            /* passwd: root:x:0:0:...; shadow: root:hash:lastchg:... */
            if (c == 6 && ln.len > 8) {
                const char *u = memchr(ln.p + 5, ':', ln.len - 5);
                if (u && u + 1 < ln.p + ln.len && u[1] >= '0' && u[1] <= '9')
                    return ACC_PASSWD;
            }
            if (c == 8)
                return ACC_SHADOW;
            return ACC_NONE;
        }
        static const char *const acts[] = {":sysinit:", ":respawn:", ":askfirst:", ":initdefault:"};
        for (size_t i = 0; i < 4; i++)
            if (ln.len && ln.p[0] != '#' && memmem(ln.p, ln.len, acts[i], strlen(acts[i])))
                initlines++;
    }
    return initlines >= 2 ? ACC_INITTAB : ACC_NONE;
}

static pki_acc_kind kind_of(const pk_file *f)
{
    if (f->type == PK_FT_EMPTY || pk_ftype_is_container(f->type))
        return ACC_NONE;
    pki_acc_kind k = pki_acc_kind_of_path(f->vpath);
    if (k != ACC_NONE)
        return k;
    if (f->type == PK_FT_TEXT || f->type == PK_FT_SCRIPT || f->type == PK_FT_UNKNOWN)
        return pki_acc_kind_of_content(f->head);
    return ACC_NONE;
}

/* ---- the analyzer ---- */

static pk_status accounts_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    const pki_rulefile *rf = pki_rulefile_get(PW_FILE);
    if (!rf) {
        pk_reg_error(reg, "accounts: %s is not in the library", PW_FILE);
        return PK_E_USAGE;
    }
    pki_acc_state *s = pki_calloc(1, sizeof *s);
    if (!s || !(s->pw = pki_calloc(MAX_PW, sizeof *s->pw))) {
        pki_free(s);
        return PK_E_NOMEM;
    }
    /* one copy of the rule file, split into NUL-terminated lines */
    char *block = pki_malloc(rf->len + 1);
    if (!block) {
        pki_free(s->pw);
        pki_free(s);
        return PK_E_NOMEM;
    }
    memcpy(block, rf->data, rf->len);
    block[rf->len] = 0;
    for (char *p = block; *p && s->npw < MAX_PW;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = 0;
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[--n] = 0;
        if (n && p[0] != '#')
            s->pw[s->npw++] = p;
        if (!e)
            break;
        p = e + 1;
    }
    s->block = block;
    s->crypt = crypt_rn;
    s->file_budget = FILE_BUDGET;
    s->scan_budget = SCAN_BUDGET;
#ifdef PK_TESTING
    if (pki_acc_test_file_budget)
        s->file_budget = pki_acc_test_file_budget;
    if (pki_acc_test_scan_budget)
        s->scan_budget = pki_acc_test_scan_budget;
#endif
    const char *o = pk_reg_option(reg, "accounts.crypt_budget");
    if (o) {
        char *end = NULL;
        unsigned long long v = strtoull(o, &end, 10);
        if (!end || *end || end == o) {
            pk_reg_error(reg, "accounts.crypt_budget: not a number: %s", o);
            pki_free(s->block);
            pki_free(s->pw);
            pki_free(s);
            return PK_E_USAGE;
        }
        s->scan_budget = v;
        if (s->file_budget > v)
            s->file_budget = v;
    }
    atomic_init(&s->spent, 0);
    *state = s;
    return PK_OK;
}

static void accounts_fini(void *state)
{
    pki_acc_state *s = state;
    if (!s)
        return;
    pki_free(s->block);
    pki_free(s->pw);
    pki_free(s);
}

static unsigned accounts_claim(const pk_file *file)
{
    return kind_of(file) != ACC_NONE ? 60 : 0;
}

static pk_status accounts_analyze(const void *state, void *fstate, const pk_file *file,
                                  pk_emit *out)
{
    (void)fstate;
    pki_acc_kind k = kind_of(file);
    if (k == ACC_NONE || !file->data.ptr)
        return PK_OK;
    pki_acc_ctx x = {.st = state, .file = file, .out = out, .d = file->data};
    switch (k) {
    case ACC_PASSWD:
        return pki_acc_pw(&x, 0);
    case ACC_SHADOW:
        return pki_acc_pw(&x, 1);
    case ACC_INITTAB:
        return pki_acc_inittab(&x);
    case ACC_INITSCRIPT:
        return pki_acc_script(&x);
    case ACC_SYSTEMD:
        return pki_acc_systemd(&x);
    case ACC_INETD:
        return pki_acc_inetd(&x, 0);
    case ACC_XINETD:
        return pki_acc_inetd(&x, 1);
    case ACC_SSHD:
        return pki_acc_sshd(&x);
    case ACC_DROPBEAR_DEFAULT:
        return pki_acc_dropbear(&x, 0);
    case ACC_DROPBEAR_HOSTKEY:
        return pki_acc_dropbear(&x, 1);
    case ACC_AUTHKEYS:
        return pki_acc_authkeys(&x);
    case ACC_PROP:
        return pki_acc_prop(&x);
    default:
        return PK_OK;
    }
}

const pk_analyzer pki_analyzer_accounts = {
    .name = "accounts",
    .abi = PK_ANALYZER_ABI,
    .init = accounts_init,
    .claim = accounts_claim,
    .analyze = accounts_analyze,
    .fini = accounts_fini,
};
