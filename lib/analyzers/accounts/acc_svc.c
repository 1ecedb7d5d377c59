/* accounts: how remote logins and console shells get started: inittab
 * (SysV and busybox), init scripts (etc/init.d, etc/rcN.d, rc.local, rcS),
 * systemd units and drop-ins (ExecStart), inetd.conf and xinetd.d. */
#include "accounts_int.h"

#include "../../core/core_int.h"

#include <stdio.h>
#include <string.h>

#define MAX_WORDS 64

size_t pki_acc_words(const char *s, size_t n, pki_acc_word *w, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            break;
        if (s[i] == '"' || s[i] == '\'') {
            char q = s[i++];
            size_t b = i;
            while (i < n && s[i] != q)
                i++;
            w[k++] = (pki_acc_word){s + b, i - b};
            if (i < n)
                i++;
            continue;
        }
        size_t b = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        w[k++] = (pki_acc_word){s + b, i - b};
    }
    return k;
}

int pki_acc_word_is(pki_acc_word w, const char *s)
{
    return w.n == strlen(s) && memcmp(w.p, s, w.n) == 0;
}

static pki_acc_word base(pki_acc_word w)
{
    size_t b = w.n;
    while (b > 0 && w.p[b - 1] != '/')
        b--;
    return (pki_acc_word){w.p + b, w.n - b};
}

int pki_acc_is_shell(pki_acc_word w)
{
    if (w.n && w.p[0] == '-')
        w = (pki_acc_word){w.p + 1, w.n - 1};
    pki_acc_word b = base(w);
    static const char *const sh[] = {"sh", "ash", "bash", "hush", "msh", "dash", "ksh", "zsh"};
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
        if (pki_acc_word_is(b, sh[i]))
            return 1;
    return 0;
}

static int cleartext(const char *d)
{
    return strcmp(d, "dropbear") != 0 && strcmp(d, "sshd") != 0;
}

void pki_acc_started(pki_acc_ctx *x, const char *daemon, const pki_acc_word *w, size_t n,
                     const char *how, const pki_acc_line *ln, uint8_t conf)
{
    const char *shell = NULL;
    int noroot = 0;
    for (size_t i = 1; i < n; i++) {
        /* telnetd/utelnetd -l PROG: PROG instead of login(1) */
        if (pki_acc_word_is(w[i], "-l") && i + 1 < n && pki_acc_is_shell(w[i + 1]))
            shell = "a shell";
        if (w[i].n > 2 && memcmp(w[i].p, "-l", 2) == 0 &&
            pki_acc_is_shell((pki_acc_word){w[i].p + 2, w[i].n - 2}))
            shell = "a shell";
        /* dropbear -w: no root logins; -g: no root password logins; -s: no passwords */
        if (w[i].n >= 2 && w[i].p[0] == '-' && w[i].p[1] != '-' &&
            (memchr(w[i].p, 'w', w[i].n) || memchr(w[i].p, 'g', w[i].n) ||
             memchr(w[i].p, 's', w[i].n)))
            noroot = 1;
    }
    pki_acc_service(x, daemon, how, ln);
    if (shell && strstr(daemon, "telnetd"))
        pki_acc_emit(x, "PK-ACC-0007", PK_SEV_CRITICAL, conf, ln, NULL,
                     "%s is started by %s with -l and a shell: anyone on the network gets a "
                     "root shell without logging in",
                     daemon, how);
    else if (cleartext(daemon))
        pki_acc_emit(x, "PK-ACC-0007", PK_SEV_HIGH, conf, ln, NULL,
                     "%s (remote login in clear text) is started by %s", daemon, how);
    else
        pki_acc_emit(x, "PK-ACC-0007", PK_SEV_LOW, conf, ln, NULL,
                     "%s (SSH server) is started by %s%s", daemon, how,
                     strcmp(daemon, "dropbear") == 0 && !noroot
                         ? " without -w, -g or -s: root may log in with a password"
                         : "");
}

int pki_acc_console(pki_acc_ctx *x, const pki_acc_word *w, size_t n, const char *where,
                    pk_severity sev, const pki_acc_line *ln)
{
    if (!n)
        return 0;
    pki_acc_word b = base(w[0]);
    size_t a = 1;
    if (pki_acc_word_is(b, "busybox") && n > 1) {
        b = base(w[1]);
        a = 2;
    }
    if (pki_acc_is_shell(w[a - 1])) {
        pki_acc_emit(x, "PK-ACC-0009", sev, 90, ln, NULL,
                     "%s starts a root shell (%.*s) without a login on a console", where,
                     (int)w[a - 1].n, w[a - 1].p);
        return 1;
    }
    if (pki_acc_word_is(b, "login")) {
        for (size_t i = a; i + 1 < n; i++)
            if (pki_acc_word_is(w[i], "-f") && pki_acc_word_is(w[i + 1], "root")) {
                pki_acc_emit(x, "PK-ACC-0009", sev, 90, ln, NULL,
                             "%s runs 'login -f root': root is logged in without a password",
                             where);
                return 1;
            }
        return 0;
    }
    if (!pki_acc_word_is(b, "getty") && !pki_acc_word_is(b, "agetty") &&
        !pki_acc_word_is(b, "mingetty") && !pki_acc_word_is(b, "mgetty"))
        return 0;
    int noprompt = 0, shell = 0, autoroot = 0;
    for (size_t i = a; i < n; i++) {
        pki_acc_word v = w[i];
        if (pki_acc_word_is(v, "-n") || pki_acc_word_is(v, "--skip-login"))
            noprompt = 1;
        if ((pki_acc_word_is(v, "-l") || pki_acc_word_is(v, "--login-program")) && i + 1 < n &&
            pki_acc_is_shell(w[i + 1]))
            shell = 1;
        if ((pki_acc_word_is(v, "-a") || pki_acc_word_is(v, "--autologin")) && i + 1 < n &&
            pki_acc_word_is(w[i + 1], "root"))
            autoroot = 1;
        if (pki_acc_word_is(v, "--autologin=root"))
            autoroot = 1;
    }
    if (shell || autoroot) {
        pki_acc_emit(x, "PK-ACC-0009", sev, 90, ln, NULL,
                     "%s runs %.*s %s: a root shell without a password on a console", where,
                     (int)b.n, b.p,
                     autoroot   ? "with autologin of root"
                     : noprompt ? "with -n -l and a shell"
                                : "with -l and a shell");
        return 1;
    }
    return 0;
}

/* Strips a trailing ';', '&' or ')' and says whether the next word is a command. */
static int strip_sep(pki_acc_word *w)
{
    int sep = 0;
    while (w->n && (w->p[w->n - 1] == ';' || w->p[w->n - 1] == '&' || w->p[w->n - 1] == ')')) {
        w->n--;
        sep = 1;
    }
    return sep;
}

/* argv of a command that starts a daemon: the daemon word w[i], or
 * "busybox telnetd" */
static const char *daemon_at(pki_acc_word *w, size_t n, size_t *i)
{
    const char *d = pki_acc_daemon(w[*i].p, w[*i].n);
    if (!d && pki_acc_word_is(base(w[*i]), "busybox") && *i + 1 < n) {
        d = pki_acc_daemon(w[*i + 1].p, w[*i + 1].n);
        if (d)
            (*i)++;
    }
    return d;
}

pk_status pki_acc_inittab(pki_acc_ctx *x)
{
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        if (!ln.len || ln.p[0] == '#')
            continue;
        /* id:runlevels:action:process; process may hold ':' */
        const char *f[3];
        size_t k = 0, s = 0;
        for (size_t i = 0; i < ln.len && k < 3; i++)
            if (ln.p[i] == ':') {
                f[k++] = ln.p + i;
                s = i + 1;
            }
        if (k < 3)
            continue;
        size_t idn = (size_t)(f[0] - ln.p);
        pki_acc_word w[MAX_WORDS];
        size_t n = pki_acc_words(ln.p + s, ln.len - s, w, MAX_WORDS);
        if (!n)
            continue;
        char where[96];
        snprintf(where, sizeof where, "inittab entry '%.*s'", (int)(idn ? idn : 7),
                 idn ? ln.p : "console");
        if (pki_acc_console(x, w, n, where, PK_SEV_HIGH, &ln))
            continue;
        size_t i = 0;
        const char *d = daemon_at(w, n, &i);
        if (d)
            pki_acc_started(x, d, w + i, n - i, "inittab", &ln, 90);
    }
    return PK_OK;
}

static int is_cmd_sep(pki_acc_word w)
{
    /* start-stop-daemon's -x is not here: "[ -x /usr/sbin/telnetd ]" tests a file */
    static const char *const sep[] = {";",  "&&",   "||",     "|",         "&",     "then",
                                      "do", "else", "exec",   "nohup",     "(",     "{",
                                      "!",  "sudo", "--exec", "--startas", "setsid"};
    for (size_t i = 0; i < sizeof sep / sizeof sep[0]; i++)
        if (pki_acc_word_is(w, sep[i]))
            return 1;
    return 0;
}

/* How surely a line that names daemon word w[j] starts it: 2 for
 * start-stop-daemon --start, 1 for a plain command, 0 for a stop, a
 * configuration test or a version probe (sshd -t, sshd -V, dropbear -h). */
static int start_rank(const pki_acc_word *w, size_t n, size_t j)
{
    int ssd = 0, start = 0;
    for (size_t i = 0; i < n; i++) {
        if (pki_acc_word_is(base(w[i]), "start-stop-daemon"))
            ssd = 1;
        if (pki_acc_word_is(w[i], "--stop") || pki_acc_word_is(w[i], "-K"))
            return 0;
        if (pki_acc_word_is(w[i], "--start") || pki_acc_word_is(w[i], "-S"))
            start = 1;
    }
    static const char *const probe[] = {"-t",   "-T", "-V",     "-?",
                                        "-\\?", "-h", "--help", "--version"};
    for (size_t i = j + 1; i < n && !ssd; i++)
        for (size_t k = 0; k < sizeof probe / sizeof probe[0]; k++)
            if (pki_acc_word_is(w[i], probe[k]))
                return 0;
    return ssd ? (start ? 2 : 0) : 1;
}

#define MAX_DAEMONS 8

typedef struct best {
    const char *d;
    int rank;
    pki_acc_line ln;
    size_t n;
    pki_acc_word w[MAX_WORDS];
} best;

/* One finding per daemon per script: the line that most surely starts it
 * (Debian's /etc/init.d/ssh names sshd in nine lines). */
pk_status pki_acc_script(pki_acc_ctx *x)
{
    uint64_t pos = 0;
    unsigned cnt = 0, nb = 0;
    pki_acc_line ln;
    best *b = pki_calloc(MAX_DAEMONS, sizeof *b);
    if (!b)
        return PK_E_NOMEM;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        pki_acc_word w[MAX_WORDS];
        size_t n = pki_acc_words(ln.p, ln.len, w, MAX_WORDS);
        if (!n || (w[0].n && w[0].p[0] == '#'))
            continue;
        int cmd = 1;
        for (size_t i = 0; i < n; i++) {
            if (w[i].n && w[i].p[0] == '#')
                break;
            int sep = strip_sep(&w[i]);
            /* VAR=value before a command keeps the command position */
            if (cmd && memchr(w[i].p, '=', w[i].n) && w[i].p[0] != '-') {
                sep = 1;
            } else if (cmd) {
                size_t j = i;
                const char *d = daemon_at(w, n, &j);
                if (d) {
                    int r = start_rank(w, n, j);
                    unsigned k = 0;
                    while (k < nb && b[k].d != d)
                        k++;
                    if (r && k < MAX_DAEMONS && (k == nb || r > b[k].rank)) {
                        b[k].d = d;
                        b[k].rank = r;
                        b[k].ln = ln;
                        b[k].n = n - j;
                        memcpy(b[k].w, w + j, (n - j) * sizeof *w);
                        if (k == nb)
                            nb++;
                    }
                    break;
                }
                if (pki_acc_console(x, w + i, n - i, "an init script", PK_SEV_HIGH, &ln))
                    break;
            }
            cmd = sep || is_cmd_sep(w[i]);
        }
    }
    for (unsigned k = 0; k < nb; k++)
        pki_acc_started(x, b[k].d, b[k].w, b[k].n, "an init script", &b[k].ln, 80);
    pki_free(b);
    return PK_OK;
}

pk_status pki_acc_systemd(pki_acc_ctx *x)
{
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    /* a unit under /etc/systemd/system is the admin's (or the vendor's)
     * choice; elsewhere it is shipped, and enabled only if a .wants link,
     * which the walk does not show, points at it (systemd's own
     * debug-shell.service is such a unit) */
    int in_etc = strstr(x->file->vpath, "etc/systemd/system/") != NULL;
    const char *how = in_etc ? "a systemd unit in /etc/systemd/system"
                             : "a systemd unit (enabled if linked from a .wants directory)";
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        size_t i = 0;
        while (i < ln.len && (ln.p[i] == ' ' || ln.p[i] == '\t'))
            i++;
        static const char key[] = "ExecStart=";
        if (ln.len - i < sizeof key - 1 || memcmp(ln.p + i, key, sizeof key - 1) != 0)
            continue;
        i += sizeof key - 1;
        /* prefixes: '-' ignore failure, '@' argv0, ':' '+' '!' privileges */
        while (i < ln.len && strchr("-@:+!", ln.p[i]))
            i++;
        pki_acc_word w[MAX_WORDS];
        size_t n = pki_acc_words(ln.p + i, ln.len - i, w, MAX_WORDS);
        if (!n)
            continue;
        if (pki_acc_console(x, w, n, how, in_etc ? PK_SEV_HIGH : PK_SEV_MEDIUM, &ln))
            continue;
        size_t j = 0;
        const char *d = daemon_at(w, n, &j);
        if (d)
            pki_acc_started(x, d, w + j, n - j, how, &ln, 85);
    }
    return PK_OK;
}

static const char *svc_name_daemon(pki_acc_word s)
{
    if (pki_acc_word_is(s, "telnet") || pki_acc_word_is(s, "23"))
        return "telnetd";
    if (pki_acc_word_is(s, "login") || pki_acc_word_is(s, "513"))
        return "rlogind";
    if (pki_acc_word_is(s, "shell") || pki_acc_word_is(s, "514"))
        return "rshd";
    if (pki_acc_word_is(s, "exec") || pki_acc_word_is(s, "512"))
        return "rexecd";
    return NULL;
}

static pk_status xinetd(pki_acc_ctx *x)
{
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln, svc = {0};
    const char *d = NULL;
    int disabled = 0, in = 0;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        pki_acc_word w[8];
        size_t n = pki_acc_words(ln.p, ln.len, w, 8);
        if (!n || (w[0].n && w[0].p[0] == '#'))
            continue;
        if (pki_acc_word_is(w[0], "service") && n >= 2) {
            svc = ln;
            d = svc_name_daemon(w[1]);
            disabled = 0;
            in = 1;
        } else if (in && n >= 3 && pki_acc_word_is(w[1], "=")) {
            if (pki_acc_word_is(w[0], "disable") && pki_acc_word_is(w[2], "yes"))
                disabled = 1;
            if (pki_acc_word_is(w[0], "server")) {
                const char *s = pki_acc_daemon(w[2].p, w[2].n);
                if (s)
                    d = s;
            }
        } else if (in && pki_acc_word_is(w[0], "}")) {
            if (d && !disabled)
                pki_acc_started(x, d, NULL, 0, "xinetd", &svc, 85);
            in = 0;
            d = NULL;
        }
    }
    return PK_OK;
}

pk_status pki_acc_inetd(pki_acc_ctx *x, int xi)
{
    if (xi)
        return xinetd(x);
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        pki_acc_word w[MAX_WORDS];
        size_t n = pki_acc_words(ln.p, ln.len, w, MAX_WORDS);
        /* service socktype proto wait user server argv... */
        if (n < 6 || (w[0].n && w[0].p[0] == '#'))
            continue;
        const char *d = NULL;
        size_t j = 5;
        for (; j < n && !d; j++)
            d = pki_acc_daemon(w[j].p, w[j].n);
        if (d)
            pki_acc_started(x, d, w + j - 1, n - j + 1, "inetd", &ln, 90);
        else if ((d = svc_name_daemon(w[0])) != NULL && !pki_acc_word_is(w[5], "internal"))
            pki_acc_started(x, d, w + 5, n - 5, "inetd", &ln, 80);
    }
    return PK_OK;
}
