/* C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text
 * "<origin>\n<size>\n<base64 root>\n" plus optional extension lines, and the
 * client's check before it trusts a newer checkpoint. */
#include <stdio.h>
#include <string.h>

#include "tlog_int.h"

pk_status pk_checkpoint_format(const char *origin, uint64_t size,
                               const uint8_t root[PK_TLOG_HASH_LEN], char *out, size_t cap,
                               size_t *len, char *err, size_t errlen)
{
    if (!origin || !root || !out)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "checkpoint: missing argument");
    size_t olen = strlen(origin);
    /* the origin line must survive pk_checkpoint_parse and pk_note_open: no
     * control character (a newline included), valid UTF-8. C2SP only advises
     * a key name's rules (the log's key name should equal the origin). */
    bool ctl = false;
    for (size_t i = 0; i < olen; i++)
        ctl |= (unsigned char)origin[i] < 0x20;
    if (olen == 0 || olen > PK_CHECKPOINT_ORIGIN_MAX || ctl || !pki_utf8_valid(origin, olen))
        return pki_tlog_fail(PK_E_USAGE, err, errlen,
                             "checkpoint: invalid origin (1 to %d bytes of UTF-8 on one line)",
                             PK_CHECKPOINT_ORIGIN_MAX);
    if (size > PK_TLOG_MAX_SIZE)
        return pki_tlog_fail(PK_E_USAGE, err, errlen, "checkpoint: size %llu out of range",
                             (unsigned long long)size);
    char b[PKI_B64_LEN(PK_TLOG_HASH_LEN) + 1];
    pki_tlog_b64_encode(root, PK_TLOG_HASH_LEN, b);
    int w = snprintf(out, cap, "%s\n%llu\n%s\n", origin, (unsigned long long)size, b);
    if (w < 0 || (size_t)w >= cap)
        return pki_tlog_fail(PK_E_USAGE, err, errlen, "checkpoint: buffer of %zu bytes too small",
                             cap);
    if (len)
        *len = (size_t)w;
    return PK_OK;
}

/* The next line of text[*pos..len): its start and length; false at the end
 * or when the line has no terminating newline. */
static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *ll)
{
    if (*pos >= len)
        return false;
    const char *nl = memchr(text + *pos, '\n', len - *pos);
    if (!nl)
        return false;
    *line = text + *pos;
    *ll = (size_t)(nl - *line);
    *pos += *ll + 1;
    return true;
}

pk_status pk_checkpoint_parse(const char *text, size_t len, pk_checkpoint *out, char *err,
                              size_t errlen)
{
    if (!text || !out)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "checkpoint: missing argument");
    memset(out, 0, sizeof *out);
    if (len > PK_NOTE_MAX_LEN || len == 0 || text[len - 1] != '\n')
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "checkpoint: text must end in a newline and be at most 1 MiB");
    if (memchr(text, '\0', len) || !pki_utf8_valid(text, len))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: not UTF-8 text");
    size_t pos = 0, ll = 0;
    const char *line = NULL;
    if (!next_line(text, len, &pos, &line, &ll) || ll == 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: empty origin line");
    if (ll > PK_CHECKPOINT_ORIGIN_MAX)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: origin longer than %d bytes",
                             PK_CHECKPOINT_ORIGIN_MAX);
    memcpy(out->origin, line, ll);
    out->origin[ll] = '\0';
    /* size: ASCII decimal, no leading zero unless it is "0" */
    if (!next_line(text, len, &pos, &line, &ll) || ll == 0 || ll > 20 || (ll > 1 && line[0] == '0'))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: invalid tree size line");
    uint64_t size = 0;
    for (size_t i = 0; i < ll; i++) {
        if (line[i] < '0' || line[i] > '9')
            return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: tree size is not decimal");
        unsigned d = (unsigned)(line[i] - '0');
        if (size > (PK_TLOG_MAX_SIZE - d) / 10)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "checkpoint: tree size above 2^63 leaves");
        size = size * 10 + d;
    }
    out->size = size;
    if (!next_line(text, len, &pos, &line, &ll) ||
        pki_tlog_b64_decode(line, ll, out->root, sizeof out->root) != PK_TLOG_HASH_LEN)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "checkpoint: root hash is not base64 of 32 bytes");
    out->ext_off = pos;
    while (next_line(text, len, &pos, &line, &ll))
        if (ll == 0)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: empty extension line");
    out->ext_len = len - out->ext_off;
    return PK_OK;
}

pk_status pk_checkpoint_open(const char *msg, size_t len, const char *origin,
                             pk_note_verifier *const *verifiers, size_t nverifiers,
                             pk_checkpoint *out, char *err, size_t errlen)
{
    size_t tlen = 0;
    pk_status st = pk_note_open(msg, len, verifiers, nverifiers, &tlen, NULL, err, errlen);
    if (st != PK_OK)
        return st;
    if ((st = pk_checkpoint_parse(msg, tlen, out, err, errlen)) != PK_OK)
        return st;
    if (origin && strcmp(origin, out->origin) != 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: origin \"%s\", expected \"%s\"",
                             out->origin, origin);
    return PK_OK;
}

pk_status pk_checkpoint_check_update(const pk_checkpoint *old, const pk_checkpoint *new_cp,
                                     const uint8_t (*proof)[PK_TLOG_HASH_LEN], size_t len,
                                     char *err, size_t errlen)
{
    if (!old || !new_cp)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "checkpoint: missing argument");
    if (strcmp(old->origin, new_cp->origin) != 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "checkpoint: log \"%s\" answered for \"%s\"",
                             new_cp->origin, old->origin);
    if (new_cp->size < old->size)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "checkpoint: the log shrank from %llu to %llu entries: it was "
                             "rewritten",
                             (unsigned long long)old->size, (unsigned long long)new_cp->size);
    char why[200];
    pk_status st = pk_tlog_verify_consistency(old->size, new_cp->size, proof, len, old->root,
                                              new_cp->root, why, sizeof why);
    if (st != PK_OK)
        return pki_tlog_fail(st, err, errlen,
                             "checkpoint: log \"%s\" at %llu is not an extension of the "
                             "checkpoint kept at %llu (fork or rewritten history): %s",
                             old->origin, (unsigned long long)new_cp->size,
                             (unsigned long long)old->size, why);
    return PK_OK;
}
