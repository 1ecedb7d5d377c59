/* C2SP signed notes and checkpoints (lib/tlog/note*.c, checkpoint.c):
 * golang.org/x/mod/sumdb/note's published keys and signatures verified and
 * reproduced byte for byte, every mangling of a key string refused, round
 * trips with fresh keys, each rejection the format asks for, checkpoints
 * (golang.org/x/mod/sumdb/tlog's golden tree text) and a client's fork check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_int.h"

/* golang.org/x/mod, sumdb/note/note_test.go: TestNewVerifier, TestNewSigner,
 * TestSign, TestVerifierList and TestOpen. */
static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char peter_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char enoch_vkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char text[] = "If you think cryptography is the answer to your problem,\n"
                           "then you don't know what your problem is.\n";
static const char peter_sig[] = "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcE"
                                "lZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] =
    "\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

static pk_note_verifier *verifier(const char *vkey)
{
    pk_note_verifier *v = NULL;
    char err[200] = "";
    if (pk_note_verifier_new(vkey, &v, err, sizeof err) != PK_OK)
        fail_msg("verifier %s: %s", vkey, err);
    return v;
}

/* msg = text "\n" sigs... */
static char *note(const char *t, const char *sigs)
{
    size_t n = strlen(t) + 1 + strlen(sigs) + 1;
    char *m = malloc(n);
    snprintf(m, n, "%s\n%s", t, sigs);
    return m;
}

static pk_status open_with(const char *msg, size_t len, pk_note_verifier *const *v, size_t nv,
                           bool *signed_by, char *err, size_t errlen)
{
    size_t tl = 0;
    pk_status st = pk_note_open(msg, len, v, nv, &tl, signed_by, err, errlen);
    if (st == PK_OK)
        assert_int_equal(tl, strlen(text));
    return st;
}

static pk_status open_str(const char *msg, pk_note_verifier *const *v, size_t nv, char *err,
                          size_t errlen)
{
    return open_with(msg, strlen(msg), v, nv, NULL, err, errlen);
}

static void test_go_keys(void **state)
{
    (void)state;
    pk_note_verifier *v = verifier(peter_vkey);
    assert_string_equal(pk_note_verifier_name(v), "PeterNeumann");
    assert_int_equal(pk_note_verifier_id(v), 0xc74f20a3);
    pk_note_verifier_free(v);
    pk_note_signer *s = NULL;
    assert_int_equal(pk_note_signer_new(peter_skey, &s, NULL, 0), PK_OK);
    char vk[PK_NOTE_VKEY_MAX];
    pk_note_signer_vkey(s, vk);
    assert_string_equal(vk, peter_vkey);
    pk_note_signer_free(s);

    /* every proper substring and every byte incremented is refused */
    const char *keys[2] = {peter_vkey, peter_skey};
    for (int k = 0; k < 2; k++) {
        char b[200];
        size_t n = strlen(keys[k]);
        for (size_t i = 0; i <= n; i++)
            for (size_t j = i + 1; j <= n; j++) {
                if (i == 0 && j == n)
                    continue;
                memcpy(b, keys[k] + i, j - i);
                b[j - i] = '\0';
                pk_note_verifier *pv = NULL;
                pk_note_signer *ps = NULL;
                assert_int_not_equal(k ? pk_note_signer_new(b, &ps, NULL, 0)
                                       : pk_note_verifier_new(b, &pv, NULL, 0),
                                     PK_OK);
                assert_null(pv);
                assert_null(ps);
            }
        memcpy(b, keys[k], n + 1);
        for (size_t i = 0; i < n; i++) {
            b[i]++;
            pk_note_verifier *pv = NULL;
            pk_note_signer *ps = NULL;
            assert_int_not_equal(k ? pk_note_signer_new(b, &ps, NULL, 0)
                                   : pk_note_verifier_new(b, &pv, NULL, 0),
                                 PK_OK);
            b[i]--;
        }
    }
    char err[200] = "";
    pk_note_verifier *pv = NULL;
    /* wrong length key, with adjusted key hash (TestNewVerifier) */
    assert_int_equal(pk_note_verifier_new("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                                          "LDE4izWy10TWBADKEY==",
                                          &pv, err, sizeof err),
                     PK_E_FORMAT);
    /* unknown algorithm, with adjusted key hash (TestNewVerifier) */
    assert_int_equal(
        pk_note_verifier_new("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                             &pv, err, sizeof err),
        PK_E_FORMAT);
    assert_non_null(strstr(err, "signature type 0x65 is not supported"));
    /* algorithm 0x02 (ECDSA in C2SP's table): refused by name */
    uint8_t raw[33] = {0x02};
    char b64[64], key[200];
    pki_tlog_b64_encode(raw, 33, b64);
    snprintf(key, sizeof key, "x+%08x+%s", pki_note_key_id("x", 1, raw + 1), b64);
    assert_int_equal(pk_note_verifier_new(key, &pv, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "0x02"));
    /* the key id in capitals: one spelling per key */
    assert_int_equal(
        pk_note_verifier_new("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                             &pv, err, sizeof err),
        PK_E_FORMAT);
}

static void test_go_sign(void **state)
{
    (void)state;
    pk_note_signer *s = NULL;
    assert_int_equal(pk_note_signer_new(peter_skey, &s, NULL, 0), PK_OK);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(pk_note_sign(text, strlen(text), &s, 1, &out, &len, NULL, 0), PK_OK);
    char *want = note(text, peter_sig);
    assert_string_equal(out, want); /* Ed25519 is deterministic: the very bytes */
    assert_int_equal(len, strlen(want));
    pk_tlog_free(out);
    free(want);
    /* text that is not note text */
    char err[200] = "";
    const char *bad[] = {"abc", "",
                         "a\x01"
                         "b\n",
                         "\xff\n", "tab\there\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pk_note_sign(bad[i], strlen(bad[i]), &s, 1, &out, NULL, err, sizeof err),
                         PK_E_FORMAT);
    pk_note_signer *two[2] = {s, s};
    assert_int_equal(pk_note_sign(text, strlen(text), two, 2, &out, NULL, err, sizeof err),
                     PK_E_USAGE);
    assert_int_equal(pk_note_sign(text, strlen(text), two, 0, &out, NULL, err, sizeof err),
                     PK_E_USAGE);
    pk_note_signer_free(s);
}

static void test_go_open(void **state)
{
    (void)state;
    pk_note_verifier *peter = verifier(peter_vkey), *enoch = verifier(enoch_vkey);
    pk_note_verifier *both[2] = {peter, enoch};
    char err[200] = "";
    char sigs[1024];
    snprintf(sigs, sizeof sigs, "%s%s", peter_sig, enoch_sig);
    char *msg = note(text, sigs);
    bool by[2] = {true, true};
    /* one known signature verified, the other key unknown and ignored */
    assert_int_equal(open_with(msg, strlen(msg), &peter, 1, by, err, sizeof err), PK_OK);
    assert_true(by[0]);
    assert_int_equal(open_with(msg, strlen(msg), &enoch, 1, by, err, sizeof err), PK_OK);
    assert_true(by[0]);
    assert_int_equal(open_with(msg, strlen(msg), both, 2, by, err, sizeof err), PK_OK);
    assert_true(by[0] && by[1]);
    /* no known key */
    assert_int_equal(open_str(msg, NULL, 0, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "note: no signature by a known key");
    free(msg);
    /* an invalid signature from a known key rejects the whole note */
    char mangled[512];
    snprintf(mangled, sizeof mangled, "%.60sABCD%s", peter_sig, peter_sig + 60);
    msg = note(text, mangled);
    assert_int_equal(open_str(msg, &peter, 1, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "note: invalid signature for key PeterNeumann+c74f20a3");
    free(msg);
    /* ambiguous verifiers (TestOpen's "duplicated verifier") */
    pk_note_verifier *dup[3] = {enoch, peter, enoch};
    msg = note(text, peter_sig);
    assert_int_equal(open_str(msg, dup, 3, err, sizeof err), PK_E_USAGE);
    assert_string_equal(err, "note: ambiguous key EnochRoot+af0cfe78");
    free(msg);
    /* TestOpen's badMsgs, and one more per rule */
    char t_sig[1024], cut[512];
    snprintf(cut, sizeof cut, "%.*s", (int)strlen(peter_sig) - 1, peter_sig);
    const char *bad[][2] = {
        {"", text},     /* no blank line, no signature */
        {"\n", text},   /* blank line, no signature */
        {"\n", cut},    /* signature line without newline */
        {"\x01", NULL}, /* control character */
        {"\xff", NULL}, /* not UTF-8 */
        {"\n\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
         "gKvqfqdngotpRZb6KE6RyyBwJnAM=",
         ""},                         /* a space in the name */
        {"\n", "Unexpected line.\n"}, /* not a signature line */
        {"\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfq"
         "dngotpRZb6KE6RyyBwJnAM=\n",
         ""},                                       /* a hyphen, not an em dash */
        {"\n\xe2\x80\x94 PeterNeumann x08g\n", ""}, /* 3 bytes: no signature after the id */
        {"\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
         "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
         ""}, /* padding removed: not canonical base64 */
        {"\n\xe2\x80\x94 +bad x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
         "qfqdngotpRZb6KE6RyyBwJnAM=\n",
         ""}, /* '+' in the name */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (bad[i][1] == NULL) /* a byte before the text */
            snprintf(t_sig, sizeof t_sig, "%s%s\n%s", bad[i][0], text, peter_sig);
        else
            snprintf(t_sig, sizeof t_sig, "%s%s%s", text, bad[i][0], bad[i][1]);
        err[0] = '\0';
        assert_int_equal(open_str(t_sig, &peter, 1, err, sizeof err), PK_E_FORMAT);
        assert_true(err[0] != '\0');
    }
    /* the same signature twice (golang.org/x/mod deduplicates; we refuse) */
    snprintf(sigs, sizeof sigs, "%s%s", peter_sig, peter_sig);
    msg = note(text, sigs);
    assert_int_equal(open_str(msg, &peter, 1, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "note: key PeterNeumann+c74f20a3 signed twice");
    free(msg);
    /* a wrong key id: the signature is some other key's, so no known key signed */
    char wrongid[512];
    snprintf(wrongid, sizeof wrongid, "%s", peter_sig);
    memcpy(strstr(wrongid, "x08g"), "xxxx", 4);
    msg = note(text, wrongid);
    assert_int_equal(open_str(msg, &peter, 1, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "note: no signature by a known key");
    free(msg);
    /* a truncated signature of a known key: 4 + 61 bytes */
    uint8_t sb[68];
    char b64[100], line[256];
    assert_int_equal(pki_tlog_b64_decode(peter_sig + 17, strlen(peter_sig) - 18, sb, sizeof sb),
                     68);
    pki_tlog_b64_encode(sb, 65, b64);
    snprintf(line, sizeof line, "\xe2\x80\x94 PeterNeumann %s\n", b64);
    msg = note(text, line);
    assert_int_equal(open_str(msg, &peter, 1, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "note: invalid signature for key PeterNeumann+c74f20a3");
    free(msg);
    pk_note_verifier_free(peter);
    pk_note_verifier_free(enoch);
}

/* 100 signature lines pass, 101 do not; over 1 MiB does not. */
static void test_limits(void **state)
{
    (void)state;
    pk_note_verifier *peter = verifier(peter_vkey);
    char err[200] = "";
    size_t cap = strlen(text) + 1 + 101 * 200 + 1, w = 0;
    char *msg = malloc(cap);
    w += (size_t)snprintf(msg + w, cap - w, "%s\n%s", text, peter_sig);
    for (int i = 1; i < 100; i++) {
        /* other keys: distinct names, same signature bytes */
        w += (size_t)snprintf(msg + w, cap - w, "\xe2\x80\x94 witness%d %s", i, peter_sig + 17);
    }
    assert_int_equal(open_with(msg, w, &peter, 1, NULL, err, sizeof err), PK_OK);
    w += (size_t)snprintf(msg + w, cap - w, "\xe2\x80\x94 witness100 %s", peter_sig + 17);
    assert_int_equal(open_with(msg, w, &peter, 1, NULL, err, sizeof err), PK_E_FORMAT);
    assert_string_equal(err, "note: more than 100 signatures");
    free(msg);
    size_t big = PK_NOTE_MAX_LEN + 1;
    msg = malloc(big);
    memset(msg, 'a', big);
    assert_int_equal(open_with(msg, big, &peter, 1, NULL, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "more than 1 MiB"));
    free(msg);
    pk_note_verifier_free(peter);
}

static void test_keygen_round_trip(void **state)
{
    (void)state;
    char skey[PK_NOTE_SKEY_MAX], vkey[PK_NOTE_VKEY_MAX], err[200] = "";
    assert_int_equal(pk_note_keygen("registry.example/parakh", skey, vkey, err, sizeof err), PK_OK);
    assert_int_equal(strncmp(skey, "PRIVATE+KEY+registry.example/parakh+", 36), 0);
    assert_int_equal(strncmp(vkey, "registry.example/parakh+", 24), 0);
    pk_note_signer *s = NULL;
    assert_int_equal(pk_note_signer_new(skey, &s, err, sizeof err), PK_OK);
    pk_note_verifier *v = verifier(vkey);
    char vk[PK_NOTE_VKEY_MAX];
    pk_note_signer_vkey(s, vk);
    assert_string_equal(vk, vkey);
    /* a second key: both sign, each verifies alone */
    char skey2[PK_NOTE_SKEY_MAX], vkey2[PK_NOTE_VKEY_MAX];
    assert_int_equal(pk_note_keygen("witness.example/w1", skey2, vkey2, NULL, 0), PK_OK);
    pk_note_signer *s2 = NULL;
    assert_int_equal(pk_note_signer_new(skey2, &s2, NULL, 0), PK_OK);
    pk_note_verifier *v2 = verifier(vkey2);
    pk_note_signer *ss[2] = {s, s2};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(pk_note_sign(text, strlen(text), ss, 2, &out, &len, NULL, 0), PK_OK);
    bool by[2];
    pk_note_verifier *vs[2] = {v, v2};
    assert_int_equal(open_with(out, len, vs, 2, by, NULL, 0), PK_OK);
    assert_true(by[0] && by[1]);
    assert_int_equal(open_with(out, len, &v2, 1, NULL, NULL, 0), PK_OK);
    /* a changed text, a dropped newline */
    out[3] ^= 1;
    assert_int_equal(open_with(out, len, &v, 1, NULL, err, sizeof err), PK_E_FORMAT);
    out[3] ^= 1;
    assert_int_equal(open_with(out, len - 1, &v, 1, NULL, NULL, 0), PK_E_FORMAT);
    pk_tlog_free(out);
    /* names the C2SP rules refuse */
    const char *bad[] = {"",
                         "a+b",
                         "a b",
                         "\xff",
                         "a\tb",
                         "a\nb",
                         "nb\xc2\xa0sp",
                         "id\xe3\x80\x80sp",
                         "\xe2\x80\xa8x",
                         "\x01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pk_note_keygen(bad[i], skey2, vkey2, NULL, 0), PK_E_USAGE);
    char longname[PK_NOTE_NAME_MAX + 2];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(pk_note_keygen(longname, skey2, vkey2, NULL, 0), PK_E_USAGE);
    longname[PK_NOTE_NAME_MAX] = '\0';
    assert_int_equal(pk_note_keygen(longname, skey2, vkey2, NULL, 0), PK_OK);
    assert_int_equal(pk_note_keygen("\xc3\xa9t\xc3\xa9", skey2, vkey2, NULL, 0), PK_OK); /* été */
    pk_note_signer_free(s);
    pk_note_signer_free(s2);
    pk_note_verifier_free(v);
    pk_note_verifier_free(v2);
}

/* golang.org/x/mod, sumdb/tlog/note_test.go: TestFormatTree and TestParseTree
 * (the root is RecordHash("hello world"), the RFC 6962 leaf hash). */
static const char go_tree[] =
    "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";

static void test_checkpoint_text(void **state)
{
    (void)state;
    uint8_t h[32];
    pk_tlog_leaf_hash((const uint8_t *)"hello world", 11, h);
    char out[PK_CHECKPOINT_TEXT_MAX], err[200] = "";
    size_t len = 0;
    assert_int_equal(pk_checkpoint_format("go.sum database tree", 123456789012ull, h, out,
                                          sizeof out, &len, err, sizeof err),
                     PK_OK);
    assert_string_equal(out, go_tree);
    assert_int_equal(len, strlen(go_tree));
    pk_checkpoint cp;
    assert_int_equal(pk_checkpoint_parse(go_tree, strlen(go_tree), &cp, err, sizeof err), PK_OK);
    assert_string_equal(cp.origin, "go.sum database tree");
    assert_int_equal(cp.size, 123456789012ull);
    assert_memory_equal(cp.root, h, 32);
    assert_int_equal(cp.ext_len, 0);
    /* extension lines are kept apart */
    const char ext[] = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx1\nx2\n";
    assert_int_equal(pk_checkpoint_parse(ext, strlen(ext), &cp, NULL, 0), PK_OK);
    assert_int_equal(cp.size, 0);
    assert_memory_equal(cp.root, pki_tlog_empty_root, 32);
    assert_int_equal(cp.ext_len, 6);
    assert_memory_equal(ext + cp.ext_off, "x1\nx2\n", 6);
    const char max[] = "o\n9223372036854775808\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
    assert_int_equal(pk_checkpoint_parse(max, strlen(max), &cp, NULL, 0), PK_OK);
    assert_int_equal(cp.size, PK_TLOG_MAX_SIZE);
    const char *bad[] = {
        "go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
        "\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",   /* empty origin */
        "o\n01\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n", /* leading zero */
        "o\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "o\n\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "o\n9223372036854775809\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n", /* 2^63+1 */
        "o\n99999999999999999999\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=\n",   /* non-zero pad bits */
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0\n",    /* no padding */
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40Hmuw\n",       /* 30 bytes */
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n\n", /* empty extension */
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=",     /* no final newline */
        "o\n1\n",
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\nx\xff\n", /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pk_checkpoint_parse(bad[i], strlen(bad[i]), &cp, NULL, 0), PK_E_FORMAT);
    assert_int_equal(pk_checkpoint_format("a\nb", 1, h, out, sizeof out, NULL, NULL, 0),
                     PK_E_USAGE);
    assert_int_equal(pk_checkpoint_format("", 1, h, out, sizeof out, NULL, NULL, 0), PK_E_USAGE);
    assert_int_equal(
        pk_checkpoint_format("o", PK_TLOG_MAX_SIZE + 1, h, out, sizeof out, NULL, NULL, 0),
        PK_E_USAGE);
    assert_int_equal(pk_checkpoint_format("o", 1, h, out, 10, NULL, NULL, 0), PK_E_USAGE);
}

/* The client's loop: keep the last checkpoint, demand a consistency proof
 * to the next; a fork or a rewrite is refused. */
static void test_checkpoint_client(void **state)
{
    (void)state;
    char skey[PK_NOTE_SKEY_MAX], vkey[PK_NOTE_VKEY_MAX], err[400] = "";
    const char *origin = "registry.example/log";
    assert_int_equal(pk_note_keygen(origin, skey, vkey, NULL, 0), PK_OK);
    pk_note_signer *s = NULL;
    assert_int_equal(pk_note_signer_new(skey, &s, NULL, 0), PK_OK);
    pk_note_verifier *v = verifier(vkey);
    pk_tlog_mem *m = NULL;
    assert_int_equal(pk_tlog_mem_new(&m), PK_OK);
    pk_tlog_store st = pk_tlog_mem_store(m);
    pk_checkpoint kept, next;
    for (int i = 0; i < 30; i++) {
        uint8_t lh[32];
        char d[16];
        snprintf(d, sizeof d, "cert %d", i);
        pk_tlog_leaf_hash((const uint8_t *)d, strlen(d), lh);
        assert_int_equal(pk_tlog_mem_append(m, lh, NULL), PK_OK);
        if (i != 11 && i != 29)
            continue;
        uint8_t root[32];
        char body[PK_CHECKPOINT_TEXT_MAX], *signed_cp = NULL;
        size_t bl = 0, sl = 0;
        assert_int_equal(pk_tlog_root(&st, (uint64_t)i + 1, root, NULL, 0), PK_OK);
        assert_int_equal(
            pk_checkpoint_format(origin, (uint64_t)i + 1, root, body, sizeof body, &bl, NULL, 0),
            PK_OK);
        assert_int_equal(pk_note_sign(body, bl, &s, 1, &signed_cp, &sl, NULL, 0), PK_OK);
        pk_checkpoint *cp = i == 11 ? &kept : &next;
        assert_int_equal(pk_checkpoint_open(signed_cp, sl, origin, &v, 1, cp, err, sizeof err),
                         PK_OK);
        assert_int_equal(
            pk_checkpoint_open(signed_cp, sl, "other.example/log", &v, 1, cp, err, sizeof err),
            PK_E_FORMAT);
        assert_int_equal(pk_checkpoint_open(signed_cp, sl, NULL, &v, 1, cp, NULL, 0), PK_OK);
        pk_tlog_free(signed_cp);
    }
    assert_int_equal(kept.size, 12);
    assert_int_equal(next.size, 30);
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t len = 0;
    assert_int_equal(pk_tlog_prove_consistency(&st, 12, 30, proof, &len, NULL, 0), PK_OK);
    assert_int_equal(pk_checkpoint_check_update(&kept, &next, proof, len, err, sizeof err), PK_OK);
    assert_int_equal(pk_checkpoint_check_update(&kept, &kept, NULL, 0, err, sizeof err), PK_OK);
    /* a fork: same size, another root */
    pk_checkpoint fork = kept;
    fork.root[0] ^= 1;
    assert_int_equal(pk_checkpoint_check_update(&kept, &fork, NULL, 0, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "forked"));
    /* a rewrite: the log shrank, or the proof does not join the two roots */
    assert_int_equal(pk_checkpoint_check_update(&next, &kept, NULL, 0, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "rewritten"));
    next.root[31] ^= 1;
    assert_int_equal(pk_checkpoint_check_update(&kept, &next, proof, len, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "fork or rewritten history"));
    pk_checkpoint other = kept;
    snprintf(other.origin, sizeof other.origin, "evil.example/log");
    assert_int_equal(pk_checkpoint_check_update(&kept, &other, NULL, 0, err, sizeof err),
                     PK_E_FORMAT);
    pk_tlog_mem_free(m);
    pk_note_signer_free(s);
    pk_note_verifier_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_keys),           cmocka_unit_test(test_go_sign),
        cmocka_unit_test(test_go_open),           cmocka_unit_test(test_limits),
        cmocka_unit_test(test_keygen_round_trip), cmocka_unit_test(test_checkpoint_text),
        cmocka_unit_test(test_checkpoint_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
