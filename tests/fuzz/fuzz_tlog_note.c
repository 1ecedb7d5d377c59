/* Fuzz target: signed notes, keys and checkpoints (lib/tlog/note*.c,
 * checkpoint.c). The input is opened as a note against three fixed keys (two
 * from golang.org/x/mod/sumdb/note's tests, one that signed the checkpoint
 * seeds), parsed as a checkpoint text and as a signed checkpoint, and, as a
 * NUL-terminated string, as a verifier and a signer key. Invariants: a
 * refusal says why; an opened note's text ends in a newline inside the
 * input; a parsed checkpoint without extensions formats back to the very
 * bytes it came from (one spelling per checkpoint). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_int.h"

static const char *const vkeys[3] = {
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
    "fuzz.example/log+c4c2c8cf+AQu8AesYHSVXspPh/5zSd0PQBoPthVkUp+RBrj51edEy",
};

static pk_note_verifier *vs[3];

static void keys_once(void)
{
    if (vs[0])
        return;
    for (int i = 0; i < 3; i++)
        if (pk_note_verifier_new(vkeys[i], &vs[i], NULL, 0) != PK_OK)
            __builtin_trap();
}

static void refused_with_reason(pk_status st, const char *err)
{
    if (st != PK_OK && st != PK_E_NOMEM && !err[0])
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > PK_NOTE_MAX_LEN + 16)
        return 0;
    keys_once();
    const char *msg = (const char *)d;
    char err[256] = "";
    size_t tl = 0;
    bool by[3];
    pk_status st = pk_note_open(msg, n, vs, 3, &tl, by, err, sizeof err);
    if (st == PK_OK && (tl == 0 || tl > n || msg[tl - 1] != '\n' || !(by[0] || by[1] || by[2])))
        __builtin_trap();
    if (st != PK_OK && st != PK_E_FORMAT)
        __builtin_trap();
    refused_with_reason(st, err);

    pk_checkpoint cp;
    err[0] = '\0';
    st = pk_checkpoint_parse(msg, n, &cp, err, sizeof err);
    refused_with_reason(st, err);
    if (st == PK_OK) {
        if (cp.ext_off + cp.ext_len != n || cp.size > PK_TLOG_MAX_SIZE)
            __builtin_trap();
        char out[PK_CHECKPOINT_TEXT_MAX];
        size_t ol = 0;
        if (cp.ext_len == 0 &&
            pk_checkpoint_format(cp.origin, cp.size, cp.root, out, sizeof out, &ol, NULL, 0) ==
                PK_OK &&
            (ol != n || memcmp(out, msg, n) != 0))
            __builtin_trap();
    }
    err[0] = '\0';
    st = pk_checkpoint_open(msg, n, "fuzz.example/log", vs, 3, &cp, err, sizeof err);
    refused_with_reason(st, err);

    /* key strings: only short inputs can be keys */
    if (n < 512) {
        char *s = malloc(n + 1);
        if (!s)
            return 0;
        memcpy(s, d, n);
        s[n] = '\0';
        pk_note_verifier *v = NULL;
        pk_note_signer *sg = NULL;
        err[0] = '\0';
        st = pk_note_verifier_new(s, &v, err, sizeof err);
        refused_with_reason(st, err);
        if (st == PK_OK && strlen(pk_note_verifier_name(v)) > PK_NOTE_NAME_MAX)
            __builtin_trap();
        pk_note_verifier_free(v);
        err[0] = '\0';
        st = pk_note_signer_new(s, &sg, err, sizeof err);
        refused_with_reason(st, err);
        if (st == PK_OK) {
            /* a signer that parses signs a note its own key opens */
            char vk[PK_NOTE_VKEY_MAX], *signed_note = NULL;
            size_t sl = 0, tl2 = 0;
            pk_note_signer_vkey(sg, vk);
            if (pk_note_verifier_new(vk, &v, NULL, 0) != PK_OK ||
                pk_note_sign("t\n", 2, &sg, 1, &signed_note, &sl, NULL, 0) != PK_OK ||
                pk_note_open(signed_note, sl, &v, 1, &tl2, NULL, NULL, 0) != PK_OK || tl2 != 2)
                __builtin_trap();
            pk_tlog_free(signed_note);
            pk_note_verifier_free(v);
        }
        pk_note_signer_free(sg);
        free(s);
    }
    return 0;
}
