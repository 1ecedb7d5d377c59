/* C2SP signed-note: signing and strict opening (c2sp.org/signed-note).
 *
 * A note is hostile input until a trusted key's signature over it verifies,
 * so the whole message is checked (size, UTF-8, control characters, every
 * signature line's syntax) before any signature, and a malformed note is
 * refused whatever its signatures say. Two deliberate strictnesses beyond
 * golang.org/x/mod/sumdb/note: the same key's signature twice is refused
 * rather than deduplicated (no signer we know emits it), and a verifier list
 * with two keys of the same name and id is a caller error even when unused. */
#include <string.h>

#include "core/core_int.h"
#include "tlog_int.h"

#define SIG_PREFIX     "\xe2\x80\x94 " /* em dash U+2014, space */
#define SIG_PREFIX_LEN 4
#define ED25519_SIG    64
/* The longest signature line decoded: post-quantum signatures are "up to
 * nearly 5kB" (C2SP), and unknown keys' signatures are only parsed. */
#define SIG_MAX 8192

void pk_tlog_free(void *p)
{
    pki_free(p);
}

/* UTF-8 with no control character other than newline (C2SP signed-note). */
static pk_status check_text(const char *s, size_t n, const char *what, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "%s: control character 0x%02x at byte %zu", what,
                                 (unsigned char)s[i], i);
    if (!pki_utf8_valid(s, n))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "%s: not valid UTF-8", what);
    return PK_OK;
}

pk_status pk_note_sign(const char *text, size_t len, pk_note_signer *const *signers,
                       size_t nsigners, char **out, size_t *outlen, char *err, size_t errlen)
{
    if (!text || !out || (nsigners && !signers))
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "note: missing argument");
    *out = NULL;
    if (nsigners == 0 || nsigners > PK_NOTE_MAX_SIGS)
        return pki_tlog_fail(PK_E_USAGE, err, errlen, "note: 1 to %d signers, not %zu",
                             PK_NOTE_MAX_SIGS, nsigners);
    if (len == 0 || text[len - 1] != '\n' || len > PK_NOTE_MAX_LEN)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "note: text must be 1 byte to 1 MiB and end in a newline");
    pk_status st = check_text(text, len, "note", err, errlen);
    if (st != PK_OK)
        return st;
    size_t total = len + 1;
    for (size_t i = 0; i < nsigners; i++) {
        if (!signers[i])
            return pki_tlog_fail(PK_E_MISUSE, err, errlen, "note: signer %zu is NULL", i);
        for (size_t j = 0; j < i; j++)
            if (signers[j]->id == signers[i]->id && signers[j]->nlen == signers[i]->nlen &&
                memcmp(signers[j]->name, signers[i]->name, signers[i]->nlen) == 0)
                return pki_tlog_fail(PK_E_USAGE, err, errlen, "note: key %s+%08x given twice",
                                     signers[i]->name, signers[i]->id);
        total += SIG_PREFIX_LEN + signers[i]->nlen + 1 + PKI_B64_LEN(4 + ED25519_SIG) + 1;
    }
    if (total > PK_NOTE_MAX_LEN)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "note: the signed note would exceed 1 MiB");
    char *buf = pki_malloc(total + 1);
    if (!buf)
        return PK_E_NOMEM;
    memcpy(buf, text, len);
    size_t w = len;
    buf[w++] = '\n';
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    for (size_t i = 0; i < nsigners && st == PK_OK; i++) {
        const pk_note_signer *s = signers[i];
        uint8_t sig[4 + ED25519_SIG];
        size_t slen = ED25519_SIG;
        sig[0] = (uint8_t)(s->id >> 24), sig[1] = (uint8_t)(s->id >> 16);
        sig[2] = (uint8_t)(s->id >> 8), sig[3] = (uint8_t)s->id;
        if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->pkey) != 1 ||
            EVP_DigestSign(ctx, sig + 4, &slen, (const unsigned char *)text, len) != 1 ||
            slen != ED25519_SIG) {
            st = pki_tlog_fail(PK_E_INTERNAL, err, errlen, "note: OpenSSL could not sign");
            break;
        }
        memcpy(buf + w, SIG_PREFIX, SIG_PREFIX_LEN);
        w += SIG_PREFIX_LEN;
        memcpy(buf + w, s->name, s->nlen);
        w += s->nlen;
        buf[w++] = ' ';
        pki_tlog_b64_encode(sig, sizeof sig, buf + w);
        w += PKI_B64_LEN(sizeof sig);
        buf[w++] = '\n';
        EVP_MD_CTX_reset(ctx);
    }
    EVP_MD_CTX_free(ctx);
    if (st != PK_OK) {
        pki_free(buf);
        return st;
    }
    buf[w] = '\0';
    *out = buf;
    if (outlen)
        *outlen = w;
    return PK_OK;
}

typedef struct sig_line {
    const char *name;
    size_t nlen;
    uint32_t id;
    const char *b64;
    size_t b64len;
} sig_line;

/* Parses the signature block (after the blank line) into lines[]. */
static pk_status parse_sigs(const char *p, size_t n, sig_line *lines, size_t *count, char *err,
                            size_t errlen)
{
    uint8_t head[SIG_MAX]; /* only the key id is used; decoding checks the rest */
    size_t k = 0;
    if (n == 0 || p[n - 1] != '\n')
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "note: no signature lines after the blank line");
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t ll = (size_t)(nl - (p + i));
        const char *line = p + i;
        i += ll + 1;
        if (k == PK_NOTE_MAX_SIGS)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen, "note: more than %d signatures",
                                 PK_NOTE_MAX_SIGS);
        if (ll < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "note: signature line %zu does not start with an em dash", k + 1);
        const char *name = line + SIG_PREFIX_LEN;
        const char *sp = memchr(name, ' ', ll - SIG_PREFIX_LEN);
        if (!sp)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "note: signature line %zu has no signature", k + 1);
        sig_line *sl = &lines[k];
        sl->name = name;
        sl->nlen = (size_t)(sp - name);
        sl->b64 = sp + 1;
        sl->b64len = (size_t)(line + ll - sl->b64);
        if (!pki_note_name_valid(sl->name, sl->nlen, SIZE_MAX))
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "note: signature line %zu has an invalid key name", k + 1);
        size_t dl = pki_tlog_b64_decode(sl->b64, sl->b64len, head, sizeof head);
        if (dl == SIZE_MAX || dl < 5)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "note: signature line %zu is not base64 of a key id and a "
                                 "signature",
                                 k + 1);
        sl->id =
            (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
        for (size_t j = 0; j < k; j++)
            if (lines[j].id == sl->id && lines[j].nlen == sl->nlen &&
                memcmp(lines[j].name, sl->name, sl->nlen) == 0)
                return pki_tlog_fail(PK_E_FORMAT, err, errlen, "note: key %.*s+%08x signed twice",
                                     (int)sl->nlen, sl->name, sl->id);
        k++;
    }
    *count = k;
    return PK_OK;
}

static bool ed25519_ok(EVP_PKEY *pkey, const uint8_t *sig, const char *text, size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
              EVP_DigestVerify(ctx, sig, ED25519_SIG, (const unsigned char *)text, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

pk_status pk_note_open(const char *msg, size_t len, pk_note_verifier *const *verifiers,
                       size_t nverifiers, size_t *text_len, bool *signed_by, char *err,
                       size_t errlen)
{
    if (!msg || !text_len || (nverifiers && !verifiers))
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "note: missing argument");
    *text_len = 0;
    for (size_t i = 0; i < nverifiers; i++) {
        if (!verifiers[i])
            return pki_tlog_fail(PK_E_MISUSE, err, errlen, "note: verifier %zu is NULL", i);
        if (signed_by)
            signed_by[i] = false;
        for (size_t j = 0; j < i; j++)
            if (verifiers[j]->id == verifiers[i]->id && verifiers[j]->nlen == verifiers[i]->nlen &&
                memcmp(verifiers[j]->name, verifiers[i]->name, verifiers[i]->nlen) == 0)
                return pki_tlog_fail(PK_E_USAGE, err, errlen, "note: ambiguous key %s+%08x",
                                     verifiers[i]->name, verifiers[i]->id);
    }
    if (len > PK_NOTE_MAX_LEN)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "note: %zu bytes, more than 1 MiB", len);
    pk_status st = check_text(msg, len, "note", err, errlen);
    if (st != PK_OK)
        return st;
    /* the text ends at the last blank line (C2SP: "separated from the
     * signatures by the last empty line") */
    size_t split = SIZE_MAX;
    for (size_t i = len; i >= 2; i--)
        if (msg[i - 1] == '\n' && msg[i - 2] == '\n') {
            split = i - 2;
            break;
        }
    if (split == SIZE_MAX)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "note: no blank line between text and signatures");
    size_t tlen = split + 1;
    sig_line lines[PK_NOTE_MAX_SIGS];
    size_t nlines = 0;
    if ((st = parse_sigs(msg + split + 2, len - split - 2, lines, &nlines, err, errlen)) != PK_OK)
        return st;
    size_t good = 0;
    for (size_t k = 0; k < nlines; k++) {
        const sig_line *sl = &lines[k];
        for (size_t i = 0; i < nverifiers; i++) {
            const pk_note_verifier *v = verifiers[i];
            if (v->id != sl->id || v->nlen != sl->nlen || memcmp(v->name, sl->name, sl->nlen))
                continue;
            uint8_t sig[4 + ED25519_SIG];
            if (pki_tlog_b64_decode(sl->b64, sl->b64len, sig, sizeof sig) != sizeof sig ||
                !ed25519_ok(v->pkey, sig + 4, msg, tlen))
                return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                     "note: invalid signature for key %s+%08x", v->name, v->id);
            if (signed_by)
                signed_by[i] = true;
            good++;
        }
    }
    if (good == 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "note: no signature by a known key");
    *text_len = tlen;
    return PK_OK;
}
