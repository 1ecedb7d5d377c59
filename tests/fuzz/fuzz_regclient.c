/* Fuzz target for the registry client's parsers (lib/regclient/): the input
 * is parsed as a log leaf (pki_rc_leaf_parse) and as a lookup answer
 * (pki_rc_answer_parse, then pk_rc_verify_answer, which stops at the
 * checkpoint's signature); then it is put into a real log as leaf 1 after
 * an accreditation, under a checkpoint signed by a fixed note key, and
 * offered as a certificate entry of a well-formed answer, so the inclusion
 * check, the leaf parser, lib/cert and the judgement run behind valid
 * proofs. Keys come from fixed seeds (the note key is a constant). Seeds:
 * tests/fuzz/corpus/regclient/ (leaves of each kind, an answer). */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "cert/cert_int.h"
#include "regclient/regclient_int.h"

#define FUZZ_MAX_INPUT (1u << 16)
#define SKEY                                                                                       \
    "PRIVATE+KEY+fuzz.registry/parakh+b8472dfc+AftG1rKLmTagq7jkI6cE+Nhhx2MGW+z6DW/4hScyhCRN"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static pk_key *root, *lab;
static pk_note_signer *signer;
static pk_note_verifier *verifier;
static char *accr_leaf;

static void setup(void)
{
    uint8_t s1[32], s2[32];
    memset(s1, 1, sizeof s1);
    memset(s2, 2, sizeof s2);
    char vkey[PK_NOTE_VKEY_MAX];
    if (pki_key_from_seed(s1, &root) != PK_OK || pki_key_from_seed(s2, &lab) != PK_OK ||
        pk_note_signer_new(SKEY, &signer, NULL, 0) != PK_OK)
        __builtin_trap();
    pk_note_signer_vkey(signer, vkey);
    if (pk_note_verifier_new(vkey, &verifier, NULL, 0) != PK_OK)
        __builtin_trap();
    pk_accreditation_request rq = {.lab = "LAB-FUZZ",
                                   .name = "Fuzz lab",
                                   .country = "PK",
                                   .lab_key = lab,
                                   .from = "2020-01-01",
                                   .until = "2099-12-31"};
    char *env = NULL;
    size_t len = 0;
    if (pk_accredit(&rq, root, &env, &len, NULL, 0) != PK_OK)
        __builtin_trap();
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "kind", "accreditation", "logged",
                          "2020-01-01T00:00:00Z", "lab", "LAB-FUZZ", "envelope", env);
    accr_leaf = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    pk_cert_buf_free(env);
}

static void check(const pk_rc_verdict *v)
{
    if ((unsigned)v->state > PK_CERT_LOG_INCONSISTENT || !v->reason[0] ||
        !memchr(v->reason, 0, sizeof v->reason) || (v->cert && !pk_cert_field(v->cert, "lab")))
        __builtin_trap();
}

static json_t *proved(pk_tlog_mem *m, uint64_t i, const uint8_t *leaf, size_t len)
{
    uint8_t p[PK_TLOG_MAX_PROOF][32];
    size_t pn = 0;
    pk_tlog_store s = pk_tlog_mem_store(m);
    if (pk_tlog_prove_inclusion(&s, i, 2, p, &pn, NULL, 0) != PK_OK)
        __builtin_trap();
    json_t *inc = json_array();
    for (size_t k = 0; k < pn; k++) {
        char hex[65];
        pki_hex(p[k], 32, hex);
        json_array_append_new(inc, json_string(hex));
    }
    char *b64 = pki_cert_b64(leaf, len);
    json_t *o =
        json_pack("{s:I,s:s,s:o}", "log_index", (json_int_t)i, "leaf", b64, "inclusion", inc);
    pki_free(b64);
    return o;
}

/* The input as leaf 1 of a two-leaf log, in a valid answer. */
static void as_logged(const uint8_t *d, size_t n)
{
    pk_tlog_mem *m = NULL;
    uint8_t h[32], r[32];
    if (pk_tlog_mem_new(&m) != PK_OK)
        __builtin_trap();
    pk_tlog_leaf_hash((const uint8_t *)accr_leaf, strlen(accr_leaf), h);
    pk_tlog_mem_append(m, h, NULL);
    pk_tlog_leaf_hash(d, n, h);
    pk_tlog_mem_append(m, h, NULL);
    pk_tlog_store s = pk_tlog_mem_store(m);
    char text[PK_CHECKPOINT_TEXT_MAX], *note = NULL;
    size_t tl = 0;
    if (pk_tlog_root(&s, 2, r, NULL, 0) != PK_OK ||
        pk_checkpoint_format("fuzz.registry/parakh", 2, r, text, sizeof text, &tl, NULL, 0) ||
        pk_note_sign(text, tl, &signer, 1, &note, NULL, NULL, 0) != PK_OK)
        __builtin_trap();
    json_t *e = proved(m, 1, d, n);
    pki_rc_leaf l;
    json_object_set_new(
        e, "id",
        json_string(pki_rc_leaf_parse(d, n, &l, NULL, 0) == PK_OK && l.kind == PKI_RC_CERT
                        ? l.id
                        : "0000000000000000000000000000000000000000000000000000000000000000"));
    pki_rc_leaf_clear(&l);
    json_t *o =
        json_pack("{s:s,s:[o],s:b,s:[o]}", "checkpoint", note, "certificates", e, "truncated", 0,
                  "labs", proved(m, 0, (const uint8_t *)accr_leaf, strlen(accr_leaf)));
    char *ans = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    pk_tlog_free(note);
    pk_tlog_mem_free(m);
    if (!ans)
        return; /* the input is not UTF-8 text: jansson refuses to encode it */
    uint8_t sha[32];
    memset(sha, 0xab, sizeof sha);
    pk_rc_check in = {.root = root, .log = verifier, .sha256 = sha, .date = "2026-11-26"};
    pk_rc_verdict v;
    if (pk_rc_verify_answer(&in, ans, strlen(ans), &v, NULL, 0) != PK_OK)
        __builtin_trap();
    check(&v);
    pk_rc_verdict_clear(&v);
    free(ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (!signer)
        setup();
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    pki_rc_leaf l;
    char err[512] = "";
    pk_status st = pki_rc_leaf_parse(d, n, &l, err, sizeof err);
    if ((st != PK_OK && !err[0]) || (st == PK_OK && l.kind == PKI_RC_CERT && !l.cert))
        __builtin_trap();
    if (st == PK_OK)
        pki_rc_leaf_clear(&l);
    pki_rc_answer a;
    if (pki_rc_answer_parse((const char *)d, n, &a, NULL, 0) == PK_OK)
        pki_rc_answer_clear(&a);
    uint8_t sha[32];
    memset(sha, 0xab, sizeof sha);
    pk_rc_check in = {.root = root, .log = verifier, .sha256 = sha};
    pk_rc_verdict v;
    if (n && pk_rc_verify_answer(&in, (const char *)d, n, &v, NULL, 0) != PK_OK)
        __builtin_trap();
    if (n) {
        check(&v);
        pk_rc_verdict_clear(&v);
    }
    if (n)
        as_logged(d, n);
    return 0;
}
