/* accounts: login settings: sshd_config (PermitRootLogin, PermitEmptyPasswords,
 * PasswordAuthentication), /etc/default/dropbear, dropbear host keys shipped
 * in the image, Android build/default properties that open adb. */
#include "accounts_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct setting {
    int seen;
    char val[32];
    pki_acc_line ln;
} setting;

/* sshd: "Keyword value" or "Keyword=value"; keywords case-insensitive; the
 * first value obtained wins (sshd_config(5)); Match blocks are not read. */
pk_status pki_acc_sshd(pki_acc_ctx *x)
{
    static const char *const keys[] = {"PermitRootLogin", "PermitEmptyPasswords",
                                       "PasswordAuthentication"};
    setting s[3] = {0};
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        size_t i = 0;
        while (i < ln.len && (ln.p[i] == ' ' || ln.p[i] == '\t'))
            i++;
        size_t kb = i;
        while (i < ln.len && ln.p[i] != ' ' && ln.p[i] != '\t' && ln.p[i] != '=')
            i++;
        size_t kn = i - kb;
        while (i < ln.len && (ln.p[i] == ' ' || ln.p[i] == '\t' || ln.p[i] == '='))
            i++;
        size_t vb = i;
        while (i < ln.len && ln.p[i] != ' ' && ln.p[i] != '\t' && ln.p[i] != '#')
            i++;
        if (!kn || ln.p[kb] == '#')
            continue;
        if (kn == 5 && strncasecmp(ln.p + kb, "Match", 5) == 0)
            break;
        for (size_t k = 0; k < 3; k++)
            if (!s[k].seen && kn == strlen(keys[k]) && strncasecmp(ln.p + kb, keys[k], kn) == 0 &&
                i > vb) {
                s[k].seen = 1;
                snprintf(s[k].val, sizeof s[k].val, "%.*s", (int)(i - vb), ln.p + vb);
                s[k].ln = ln;
            }
    }
    pk_fact *o = pki_acc_facts(x) ? pk_fact_obj(pki_acc_facts(x), "sshd") : NULL;
    for (size_t k = 0; k < 3 && o; k++)
        if (s[k].seen)
            pk_fact_set_str(o, keys[k], s[k].val);
    if (s[1].seen && strcasecmp(s[1].val, "yes") == 0)
        pki_acc_emit(x, "PK-ACC-0008", PK_SEV_HIGH, 95, &s[1].ln, NULL,
                     "sshd_config sets PermitEmptyPasswords yes: accounts with an empty password "
                     "log in over SSH");
    if (s[0].seen && strcasecmp(s[0].val, "yes") == 0) {
        /* PasswordAuthentication defaults to yes */
        int pw = !s[2].seen || strcasecmp(s[2].val, "no") != 0;
        pki_acc_emit(x, "PK-ACC-0008", pw ? PK_SEV_HIGH : PK_SEV_MEDIUM, 95, &s[0].ln, NULL,
                     "sshd_config sets PermitRootLogin yes%s",
                     pw ? (s[2].seen ? " and PasswordAuthentication yes: root logs in over SSH "
                                       "with a password"
                                     : " and PasswordAuthentication is not set (default yes): "
                                       "root logs in over SSH with a password")
                        : " (keys only: PasswordAuthentication no)");
    }
    return PK_OK;
}

static int has_opt(const char *v, size_t n, char c)
{
    pki_acc_word w[32];
    size_t k = pki_acc_words(v, n, w, 32);
    for (size_t i = 0; i < k; i++)
        if (w[i].n >= 2 && w[i].p[0] == '-' && w[i].p[1] != '-' &&
            memchr(w[i].p + 1, c, w[i].n - 1))
            return 1;
    return 0;
}

pk_status pki_acc_dropbear(pki_acc_ctx *x, int hostkey)
{
    if (hostkey) {
        /* dropbear's key format: string type, then the key's numbers */
        pk_bytes d = x->d;
        if (d.len < 4 + 7)
            return PK_OK;
        uint32_t n = (uint32_t)d.ptr[0] << 24 | (uint32_t)d.ptr[1] << 16 | (uint32_t)d.ptr[2] << 8 |
                     d.ptr[3];
        if (n < 7 || n > 40 || n > d.len - 4)
            return PK_OK;
        const char *t = (const char *)d.ptr + 4;
        if (memcmp(t, "ssh-", 4) != 0 && memcmp(t, "ecdsa-", n < 6 ? n : 6) != 0)
            return PK_OK;
        for (uint32_t i = 0; i < n; i++)
            if (t[i] < '!' || t[i] > '~')
                return PK_OK;
        pki_acc_line ln = {0, t - 4, 4 + n};
        char ev[64];
        snprintf(ev, sizeof ev, "%.*s", (int)n, t);
        pki_acc_emit(x, "PK-ACC-0012", PK_SEV_HIGH, 90, &ln, ev,
                     "a dropbear SSH host private key (%s) is shipped in the image: every device "
                     "has the same host key, so its SSH sessions can be impersonated",
                     ev);
        if (pki_acc_facts(x))
            pk_fact_set_str(pki_acc_facts(x), "dropbear_host_key", ev);
        return PK_OK;
    }
    /* /etc/default/dropbear: NO_START=1 disables; -w no root, -g no root
     * password, -s no passwords */
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln, args = {0};
    int off = 0, have = 0, safe = 0;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        if (!ln.len || ln.p[0] == '#')
            continue;
        if (ln.len >= 10 && memcmp(ln.p, "NO_START=", 9) == 0 && ln.p[9] == '1')
            off = 1;
        if ((ln.len > 20 && memcmp(ln.p, "DROPBEAR_EXTRA_ARGS=", 20) == 0) ||
            (ln.len > 14 && memcmp(ln.p, "DROPBEAR_ARGS=", 14) == 0)) {
            const char *v = memchr(ln.p, '=', ln.len) + 1;
            size_t vn = ln.len - (size_t)(v - ln.p);
            if (has_opt(v, vn, 'w') || has_opt(v, vn, 'g') || has_opt(v, vn, 's'))
                safe = 1;
            args = ln;
            have = 1;
        }
    }
    if (!off && !safe)
        pki_acc_emit(x, "PK-ACC-0008", PK_SEV_MEDIUM, 70, have ? &args : NULL,
                     have ? NULL : "no -w, -g or -s",
                     "dropbear's defaults (/etc/default/dropbear) do not forbid root password "
                     "logins (no -w, -g or -s)");
    return PK_OK;
}

/* Android properties: name=value lines */
pk_status pki_acc_prop(pki_acc_ctx *x)
{
    uint64_t pos = 0;
    unsigned cnt = 0;
    pki_acc_line ln;
    pk_fact *o = NULL;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln)) {
        if (!ln.len || ln.p[0] == '#')
            continue;
        const char *eq = memchr(ln.p, '=', ln.len);
        if (!eq)
            continue;
        size_t kn = (size_t)(eq - ln.p), vn = ln.len - kn - 1;
        const char *v = eq + 1;
        char key[64];
        if (kn >= sizeof key)
            continue;
        memcpy(key, ln.p, kn);
        key[kn] = 0;
        const char *why = NULL;
        pk_severity sev = PK_SEV_MEDIUM;
        int one = vn == 1 && v[0] == '1', zero = vn == 1 && v[0] == '0';
        if (strcmp(key, "ro.debuggable") == 0 && one)
            why = "the build is debuggable (adb root, debuggable apps)";
        else if (strcmp(key, "ro.secure") == 0 && zero) {
            why = "adbd runs as root";
            sev = PK_SEV_HIGH;
        } else if (strcmp(key, "ro.adb.secure") == 0 && zero) {
            why = "adb accepts any host without authorization";
            sev = PK_SEV_HIGH;
        } else if ((strcmp(key, "persist.sys.usb.config") == 0 ||
                    strcmp(key, "sys.usb.config") == 0 ||
                    strcmp(key, "persist.service.adb.enable") == 0) &&
                   (memmem(v, vn, "adb", 3) || one))
            why = "adb is enabled on USB at boot";
        else if ((strcmp(key, "service.adb.tcp.port") == 0 ||
                  strcmp(key, "persist.adb.tcp.port") == 0) &&
                 vn && v[0] >= '1' && v[0] <= '9') {
            why = "adb listens on the network (TCP)";
            sev = PK_SEV_HIGH;
        }
        if (!why)
            continue;
        if (!o && pki_acc_facts(x))
            o = pk_fact_obj(pki_acc_facts(x), "android");
        if (o)
            pk_fact_set_strn(o, key, v, vn);
        pki_acc_emit(x, "PK-ACC-0011", sev, 95, &ln, NULL, "Android property %s=%.*s: %s", key,
                     (int)(vn > 64 ? 64 : vn), v, why);
    }
    return PK_OK;
}
