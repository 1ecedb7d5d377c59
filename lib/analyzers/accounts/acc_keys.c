/* accounts: authorized_keys shipped in the image. Each key: type, bits,
 * SHA256 fingerprint and comment as `ssh-keygen -lf` prints them (the
 * fingerprint is the SHA-256 of the decoded key blob, base64 without '='). */
#include "accounts_int.h"

#include "../../core/core_int.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define MAX_BLOB 16384u
#define MAX_KEYS 100u /* keys reported per file */

typedef struct ktype {
    const char *name, *label; /* as in the file; as ssh-keygen -l prints it */
    unsigned bits;            /* 0: from the blob */
} ktype;

static const ktype ktypes[] = {
    {"ssh-rsa", "RSA", 0},
    {"ssh-dss", "DSA", 0},
    {"ssh-ed25519", "ED25519", 256},
    {"ecdsa-sha2-nistp256", "ECDSA", 256},
    {"ecdsa-sha2-nistp384", "ECDSA", 384},
    {"ecdsa-sha2-nistp521", "ECDSA", 521},
    {"sk-ssh-ed25519@openssh.com", "ED25519-SK", 256},
    {"sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK", 256},
};

/* An SSH wire string at *p of blob b; 0 when it does not fit. */
static int sshstr(const uint8_t *b, size_t n, size_t *p, const uint8_t **s, size_t *sn)
{
    if (n - *p < 4 || *p > n)
        return 0;
    uint32_t l =
        (uint32_t)b[*p] << 24 | (uint32_t)b[*p + 1] << 16 | (uint32_t)b[*p + 2] << 8 | b[*p + 3];
    if (l > n - *p - 4)
        return 0;
    *s = b + *p + 4;
    *sn = l;
    *p += 4 + (size_t)l;
    return 1;
}

/* Bits of an mpint (big-endian, a leading 0 byte for positive numbers). */
static unsigned mpbits(const uint8_t *s, size_t n)
{
    while (n && !*s) {
        s++;
        n--;
    }
    if (!n)
        return 0;
    unsigned b = (unsigned)(n - 1) * 8;
    for (uint8_t v = s[0]; v; v >>= 1)
        b++;
    return b;
}

/* The key's size in bits, or 0 if the blob does not parse as type t. */
static unsigned blob_bits(const ktype *t, const uint8_t *b, size_t n)
{
    size_t p = 0, sn;
    const uint8_t *s;
    if (!sshstr(b, n, &p, &s, &sn) || sn != strlen(t->name) || memcmp(s, t->name, sn) != 0)
        return 0;
    if (strcmp(t->name, "ssh-rsa") == 0) {
        const uint8_t *e, *m;
        size_t en, mn;
        if (!sshstr(b, n, &p, &e, &en) || !sshstr(b, n, &p, &m, &mn))
            return 0;
        return mpbits(m, mn);
    }
    if (strcmp(t->name, "ssh-dss") == 0)
        return sshstr(b, n, &p, &s, &sn) ? mpbits(s, sn) : 0;
    /* the rest: one more string (the curve name or the 32-byte key) */
    return sshstr(b, n, &p, &s, &sn) ? t->bits : 0;
}

static const ktype *ktype_of(pki_acc_word w)
{
    for (size_t i = 0; i < sizeof ktypes / sizeof ktypes[0]; i++)
        if (pki_acc_word_is(w, ktypes[i].name))
            return &ktypes[i];
    return NULL;
}

/* Whose logins the file authorizes: root/.ssh, home/<u>/.ssh, etc/dropbear */
static void owner(const char *v, char *out, size_t cap)
{
    const char *s = strstr(v, "home/");
    snprintf(out, cap, "an account");
    if (strstr(v, "root/.ssh/") || strstr(v, "etc/dropbear/")) {
        snprintf(out, cap, "root");
        return;
    }
    while (s) {
        const char *u = s + 5, *e = strchr(u, '/');
        if (e && strncmp(e, "/.ssh/", 6) == 0 && e > u) {
            snprintf(out, cap, "%.*s", (int)(e - u), u);
            return;
        }
        s = strstr(s + 5, "home/");
    }
}

pk_status pki_acc_authkeys(pki_acc_ctx *x)
{
    uint8_t *blob = pki_malloc(MAX_BLOB);
    if (!blob)
        return PK_E_NOMEM;
    char who[128];
    owner(x->file->vpath, who, sizeof who);
    int root = strcmp(who, "root") == 0;
    uint64_t pos = 0;
    unsigned cnt = 0, nkeys = 0;
    pki_acc_line ln;
    while (pki_acc_next_line(x->d, &pos, &cnt, &ln) && nkeys < MAX_KEYS) {
        pki_acc_word w[64];
        size_t n = pki_acc_words(ln.p, ln.len, w, 64);
        if (!n || (w[0].n && w[0].p[0] == '#'))
            continue;
        size_t i = 0;
        const ktype *t = NULL;
        while (i + 1 < n && !(t = ktype_of(w[i])))
            i++;
        if (!t)
            continue;
        size_t bn = pki_b64_decode(w[i + 1].p, w[i + 1].n, blob, MAX_BLOB, 0);
        if (bn == SIZE_MAX || bn > MAX_BLOB)
            continue;
        unsigned bits = blob_bits(t, blob, bn);
        if (!bits)
            continue;
        uint8_t md[32];
        unsigned mdn = 0;
        if (!EVP_Digest(blob, bn, md, &mdn, EVP_sha256(), NULL) || mdn != 32) {
            pki_free(blob);
            return PK_E_NOMEM;
        }
        char b64[48];
        int bl = EVP_EncodeBlock((unsigned char *)b64, md, 32);
        while (bl > 0 && b64[bl - 1] == '=')
            bl--;
        b64[bl < 0 ? 0 : bl] = 0;
        /* the comment: the rest of the line after the key (ssh-keygen prints it as is) */
        const char *c = w[i + 1].p + w[i + 1].n;
        size_t cn = (size_t)(ln.p + ln.len - c);
        while (cn && (*c == ' ' || *c == '\t')) {
            c++;
            cn--;
        }
        char ev[PK_EVIDENCE_MAX];
        while (cn && (c[cn - 1] == ' ' || c[cn - 1] == '\t'))
            cn--;
        if (cn)
            snprintf(ev, sizeof ev, "%u SHA256:%s %.*s (%s)", bits, b64, (int)(cn > 120 ? 120 : cn),
                     c, t->label);
        else /* as ssh-keygen -l says it */
            snprintf(ev, sizeof ev, "%u SHA256:%s no comment (%s)", bits, b64, t->label);
        pki_acc_emit(x, "PK-ACC-0010", root ? PK_SEV_HIGH : PK_SEV_MEDIUM, 95, &ln, ev,
                     "an SSH key authorizing logins as %s is shipped in the image: whoever holds "
                     "its private key logs in to every device (%s)",
                     who, ev);
        nkeys++;
        if (pki_acc_facts(x)) {
            pk_fact *o = pk_fact_push_obj(pk_fact_arr(pki_acc_facts(x), "authorized_keys"));
            if (o) {
                pk_fact_set_str(o, "user", who);
                pk_fact_set_str(o, "type", t->label);
                pk_fact_set_int(o, "bits", bits);
                char fp[64];
                snprintf(fp, sizeof fp, "SHA256:%s", b64);
                pk_fact_set_str(o, "fingerprint", fp);
                pk_fact_set_strn(o, "comment", c, cn);
                pk_fact_set_bool(o, "options", i > 0);
                pk_fact_set_int(o, "offset", (int64_t)ln.off);
            }
        }
    }
    pki_free(blob);
    return PK_OK;
}
