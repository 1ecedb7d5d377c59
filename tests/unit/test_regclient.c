/* The registry client's verifier (lib/regclient/), without a server: logs
 * built in memory (pk_tlog_mem), checkpoints signed with a fresh note key,
 * lookup answers written in the contract's JSON shape, mirrors written on
 * disk. Checks VALID, NOT CERTIFIED, REVOKED, SUPERSEDED, a back-dated
 * certificate logged after its lab's suspension (LAB SUSPENDED); that every
 * hex digit of every inclusion proof flipped, a leaf edited, a wrong index,
 * a checkpoint of another size or key, a fork (same size, other root; a
 * smaller size; a rewritten prefix) give LOG INCONSISTENT and leave the kept
 * checkpoint as it was; and that a mirror with an edited, missing, extra or
 * symlinked leaf, an edited MANIFEST or checkpoint gives one precise error
 * naming the file and changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert_int.h"
#include "regclient/regclient_int.h"

#define LAB    "LAB-ISB-01"
#define SHA_F  "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"
#define SHA_G  "0101010101010101010101010101010101010101010101010101010101010101"
#define ORIGIN "test.registry/parakh"
#define ASOF   "2026-12-01"

typedef struct tlog {
    pk_tlog_mem *mem;
    char *leaf[64];
    size_t n;
} tlog;

static pk_key *root, *lab;
static pk_note_signer *signer;
static pk_note_verifier *verifier;
static char vkey[PK_NOTE_VKEY_MAX];

static pk_key *seed_key(int b)
{
    uint8_t s[32];
    memset(s, b, sizeof s);
    pk_key *k = NULL;
    assert_int_equal(pki_key_from_seed(s, &k), PK_OK);
    return k;
}

static int setup(void **st)
{
    (void)st;
    root = seed_key(1);
    lab = seed_key(2);
    char skey[PK_NOTE_SKEY_MAX];
    assert_int_equal(pk_note_keygen(ORIGIN, skey, vkey, NULL, 0), PK_OK);
    assert_int_equal(pk_note_signer_new(skey, &signer, NULL, 0), PK_OK);
    assert_int_equal(pk_note_verifier_new(vkey, &verifier, NULL, 0), PK_OK);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    pk_key_free(root);
    pk_key_free(lab);
    pk_note_signer_free(signer);
    pk_note_verifier_free(verifier);
    return 0;
}

static void log_init(tlog *l)
{
    memset(l, 0, sizeof *l);
    assert_int_equal(pk_tlog_mem_new(&l->mem), PK_OK);
}

static void log_free(tlog *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->leaf[i]);
    pk_tlog_mem_free(l->mem);
}

/* Appends a leaf (json_t consumed, dumped compact in key order). */
static uint64_t log_add(tlog *l, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    assert_non_null(s);
    uint8_t h[32];
    pk_tlog_leaf_hash((const uint8_t *)s, strlen(s), h);
    uint64_t i;
    assert_int_equal(pk_tlog_mem_append(l->mem, h, &i), PK_OK);
    assert_true(l->n < 64);
    l->leaf[l->n++] = s;
    return i;
}

static uint64_t add_record(tlog *l, const char *kind, const char *logged, char *env)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s}", "kind", kind, "logged", logged, "lab", LAB, "envelope", env);
    pk_cert_buf_free(env);
    return log_add(l, o);
}

static uint64_t add_accr(tlog *l, const char *logged)
{
    pk_accreditation_request rq = {.lab = LAB,
                                   .name = "Lab",
                                   .country = "PK",
                                   .lab_key = lab,
                                   .from = "2026-01-01",
                                   .until = "2028-01-01"};
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_accredit(&rq, root, &env, &n, NULL, 0), PK_OK);
    return add_record(l, "accreditation", logged, env);
}

static uint64_t add_susp(tlog *l, const char *from, const char *logged)
{
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_suspend(LAB, from, "audit failed", root, &env, &n, NULL, 0), PK_OK);
    return add_record(l, "suspension", logged, env);
}

/* A certificate for sha, issued at issued; its id into id. */
static uint64_t add_cert(tlog *l, const char *sha, const char *issued, const char *logged,
                         const char *supersedes, const char *product, char id[65])
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.zip\","
             "\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"urn:parakh:certification:v1\","
             "\"predicate\":{\"certificate_id\":\"0d7c7c1e-0f3b-4c58-9a6e-1b2c3d4e5f60\","
             "\"product\":{\"name\":\"%s\",\"vendor\":\"Acme\",\"version\":\"1.0\"},"
             "\"profile\":{\"name\":\"pss-baseline\",\"version\":\"1.0\"},\"policy_date\":"
             "\"2026-06-01\",\"verdict\":\"APPROVE WITH CONDITIONS\",\"conditions\":[{"
             "\"requirement\":\"PSS-VUL-01\",\"text\":\"evidence\"}],\"waivers\":[],\"sbom\":{"
             "\"digest\":{\"sha256\":\"%s\"}},\"lab\":\"%s\",\"issued\":\"%s\",\"expires\":"
             "\"2027-06-01T00:00:00Z\"}}",
             sha, product, SHA_G, LAB, issued);
    char *env = NULL;
    size_t n;
    assert_int_equal(pk_dsse_sign(lab, PK_CERT_PAYLOAD_TYPE, body, strlen(body), &env, &n), PK_OK);
    pk_cert *c = NULL;
    assert_int_equal(pk_cert_parse(env, n, &c, NULL, 0), PK_OK);
    memcpy(id, pk_cert_digest(c), 65);
    pk_cert_free(c);
    json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:s}", "kind", "certificate", "logged", logged, "id",
                          id, "supersedes", supersedes ? json_string(supersedes) : json_null(),
                          "envelope", env);
    pk_cert_buf_free(env);
    return log_add(l, o);
}

static uint64_t add_revocation(tlog *l, const char *id, const char *date, const char *logged)
{
    return log_add(l, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "revocation", "logged",
                                logged, "id", id, "reason", "key compromise", "date", date,
                                "by_role", "national", "by_name", "NCERT"));
}

/* The signed checkpoint of the first size leaves (caller frees). */
static char *checkpoint(tlog *l, uint64_t size)
{
    uint8_t r[32];
    pk_tlog_store s = pk_tlog_mem_store(l->mem);
    assert_int_equal(pk_tlog_root(&s, size, r, NULL, 0), PK_OK);
    char text[PK_CHECKPOINT_TEXT_MAX], *note = NULL;
    size_t n;
    assert_int_equal(pk_checkpoint_format(ORIGIN, size, r, text, sizeof text, &n, NULL, 0), PK_OK);
    assert_int_equal(pk_note_sign(text, n, &signer, 1, &note, NULL, NULL, 0), PK_OK);
    char *out = strdup(note);
    pk_tlog_free(note);
    return out;
}

/* {"log_index", "leaf", "inclusion"} for leaf i in the tree of size. */
static json_t *proved(tlog *l, uint64_t i, uint64_t size)
{
    uint8_t p[PK_TLOG_MAX_PROOF][32];
    size_t n = 0;
    pk_tlog_store s = pk_tlog_mem_store(l->mem);
    assert_int_equal(pk_tlog_prove_inclusion(&s, i, size, p, &n, NULL, 0), PK_OK);
    json_t *inc = json_array();
    for (size_t k = 0; k < n; k++) {
        char hex[65];
        pki_hex(p[k], 32, hex);
        json_array_append_new(inc, json_string(hex));
    }
    char *b64 = pki_cert_b64((const uint8_t *)l->leaf[i], strlen(l->leaf[i]));
    json_t *o =
        json_pack("{s:I,s:s,s:o}", "log_index", (json_int_t)i, "leaf", b64, "inclusion", inc);
    pki_free(b64);
    return o;
}

/* A lookup answer: entries (cert index, revocation index or -1, superseding
 * index or -1), labs; at checkpoint size. Caller frees. */
static char *answer(tlog *l, uint64_t size, const long (*ent)[3], size_t nent, const long *labs,
                    size_t nlabs)
{
    char *cp = checkpoint(l, size);
    json_t *certs = json_array(), *la = json_array();
    for (size_t i = 0; i < nent; i++) {
        json_t *e = proved(l, (uint64_t)ent[i][0], size);
        pki_rc_leaf lf;
        const char *b = l->leaf[ent[i][0]];
        bool parsed = pki_rc_leaf_parse((const uint8_t *)b, strlen(b), &lf, NULL, 0) == PK_OK;
        json_object_set_new(e, "id", json_string(parsed ? lf.id : SHA_G)); /* edited: any */
        json_object_set_new(e, "status", json_string("VALID"));            /* never believed */
        pki_rc_leaf_clear(&lf);
        json_object_set_new(e, "revocation_leaf",
                            ent[i][1] < 0 ? json_null() : proved(l, (uint64_t)ent[i][1], size));
        json_object_set_new(e, "superseded_by_leaf",
                            ent[i][2] < 0 ? json_null() : proved(l, (uint64_t)ent[i][2], size));
        json_array_append_new(certs, e);
    }
    for (size_t i = 0; i < nlabs; i++)
        json_array_append_new(la, proved(l, (uint64_t)labs[i], size));
    json_t *o = json_pack("{s:s,s:o,s:b,s:o}", "checkpoint", cp, "certificates", certs, "truncated",
                          0, "labs", la);
    free(cp);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static pk_status prove_cons(void *ctx, uint64_t from, uint64_t to,
                            uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN], size_t *len,
                            char *err, size_t errlen)
{
    pk_tlog_store s = pk_tlog_mem_store(((tlog *)ctx)->mem);
    return pk_tlog_prove_consistency(&s, from, to, proof, len, err, errlen);
}

static pk_cert_state run(tlog *l, const char *ans, const char *sha, const char *state,
                         pk_rc_verdict *v)
{
    uint8_t d[32];
    assert_int_equal(pk_sha256_from_hex(sha, d), 0);
    pk_rc_check in = {.root = root,
                      .log = verifier,
                      .sha256 = d,
                      .date = ASOF,
                      .state_dir = state,
                      .consistency = prove_cons,
                      .ctx = l};
    char err[512] = "";
    pk_status st = pk_rc_verify_answer(&in, ans, strlen(ans), v, err, sizeof err);
    if (st != PK_OK)
        fail_msg("verify_answer: %s", err);
    return v->state;
}

static pk_cert_state run_free(tlog *l, char *ans, const char *sha, const char *state)
{
    pk_rc_verdict v;
    pk_cert_state s = run(l, ans, sha, state, &v);
    pk_rc_verdict_clear(&v);
    free(ans);
    return s;
}

static void t_valid(void **st)
{
    (void)st;
    tlog l;
    log_init(&l);
    char id[65];
    long labs[] = {add_accr(&l, "2026-01-01T00:00:00Z")};
    long ent[][3] = {
        {(long)add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id),
         -1, -1}};
    char *a = answer(&l, l.n, ent, 1, labs, 1);
    pk_rc_verdict v;
    assert_string_equal(pk_cert_state_str(PK_CERT_LOG_INCONSISTENT), "LOG INCONSISTENT");
    assert_int_equal(run(&l, a, SHA_F, NULL, &v), PK_CERT_VALID);
    assert_string_equal(v.id, id);
    assert_int_equal(v.log_index, 1);
    assert_int_equal(v.checkpoint_size, 2);
    assert_string_equal(v.subject, "app.zip");
    assert_string_equal(v.logged, "2026-06-01T10:00:05Z");
    assert_string_equal(pk_cert_field(v.cert, "product"), "App");
    pk_rc_verdict_clear(&v);
    /* the same answer for another file; no certificate at all; no lab leaf */
    assert_int_equal(run(&l, a, SHA_G, NULL, &v), PK_CERT_NOT_CERTIFIED);
    assert_null(v.cert);
    pk_rc_verdict_clear(&v);
    free(a);
    assert_int_equal(run_free(&l, answer(&l, l.n, NULL, 0, labs, 1), SHA_F, NULL),
                     PK_CERT_NOT_CERTIFIED);
    assert_int_equal(run_free(&l, answer(&l, l.n, ent, 1, NULL, 0), SHA_F, NULL),
                     PK_CERT_NOT_ACCREDITED);
    log_free(&l);
}

static void t_revoked_superseded(void **st)
{
    (void)st;
    tlog l;
    log_init(&l);
    char id[65], id2[65];
    long labs[] = {add_accr(&l, "2026-01-01T00:00:00Z")};
    long c1 =
        (long)add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id);
    long c2 = (long)add_cert(&l, SHA_F, "2026-07-01T10:00:00Z", "2026-07-01T10:00:05Z", id,
                             "App v2", id2);
    long rv = (long)add_revocation(&l, id, "2026-08-01", "2026-08-01T09:00:00Z");
    pk_rc_verdict v;
    /* the old one alone: superseded by the new one */
    long e1[][3] = {{c1, -1, c2}};
    char *a = answer(&l, l.n, e1, 1, labs, 1);
    assert_int_equal(run(&l, a, SHA_F, NULL, &v), PK_CERT_SUPERSEDED);
    assert_string_equal(v.superseded_by, id2);
    assert_non_null(strstr(v.reason, id2));
    pk_rc_verdict_clear(&v);
    free(a);
    /* revoked before superseded */
    long e2[][3] = {{c1, rv, c2}};
    a = answer(&l, l.n, e2, 1, labs, 1);
    assert_int_equal(run(&l, a, SHA_F, NULL, &v), PK_CERT_REVOKED);
    assert_string_equal(v.revoked_date, "2026-08-01");
    assert_string_equal(v.revoked_reason, "key compromise");
    assert_string_equal(v.revoked_by, "national NCERT");
    pk_rc_verdict_clear(&v);
    free(a);
    /* newest first: the new certificate is VALID and wins */
    long e3[][3] = {{c2, -1, -1}, {c1, rv, c2}};
    a = answer(&l, l.n, e3, 2, labs, 1);
    assert_int_equal(run(&l, a, SHA_F, NULL, &v), PK_CERT_VALID);
    assert_string_equal(v.id, id2);
    pk_rc_verdict_clear(&v);
    free(a);
    /* a revocation leaf of another certificate, a superseding leaf that is not */
    long e4[][3] = {{c1, c2, -1}};
    assert_int_equal(run_free(&l, answer(&l, l.n, e4, 1, labs, 1), SHA_F, NULL),
                     PK_CERT_LOG_INCONSISTENT);
    long e5[][3] = {{c1, -1, rv}};
    assert_int_equal(run_free(&l, answer(&l, l.n, e5, 1, labs, 1), SHA_F, NULL),
                     PK_CERT_LOG_INCONSISTENT);
    log_free(&l);
}

static void t_backdated(void **st)
{
    (void)st;
    tlog l;
    log_init(&l);
    char id[65], id2[65];
    long labs[] = {add_accr(&l, "2026-01-01T00:00:00Z"),
                   add_susp(&l, "2026-07-01", "2026-07-01T08:00:00Z")};
    /* claims June, logged in August after the suspension: LAB SUSPENDED */
    long e1[][3] = {
        {(long)add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-08-01T10:00:00Z", NULL, "App", id),
         -1, -1}};
    pk_rc_verdict v;
    char *a = answer(&l, l.n, e1, 1, labs, 2);
    assert_int_equal(run(&l, a, SHA_F, NULL, &v), PK_CERT_LAB_SUSPENDED);
    pk_rc_verdict_clear(&v);
    free(a);
    /* logged in June, before the suspension: still VALID */
    long e2[][3] = {{(long)add_cert(&l, SHA_F, "2026-06-02T10:00:00Z", "2026-06-02T10:00:00Z", NULL,
                                    "App", id2),
                     -1, -1}};
    assert_int_equal(run_free(&l, answer(&l, l.n, e2, 1, labs, 2), SHA_F, NULL), PK_CERT_VALID);
    /* the suspension hidden by the server: only a mirror can see that */
    assert_int_equal(run_free(&l, answer(&l, l.n, e1, 1, labs, 1), SHA_F, NULL), PK_CERT_VALID);
    log_free(&l);
}

/* Every hex digit of every inclusion proof, flipped: LOG INCONSISTENT. */
static void t_proof_flips(void **st)
{
    (void)st;
    tlog l;
    log_init(&l);
    char id[65];
    long labs[] = {add_accr(&l, "2026-01-01T00:00:00Z")};
    long c1 =
        (long)add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id);
    for (int i = 0; i < 4; i++)
        add_accr(&l, "2026-02-01T00:00:00Z"); /* longer proofs */
    long rv = (long)add_revocation(&l, id, "2026-08-01", "2026-08-01T09:00:00Z");
    long ent[][3] = {{c1, rv, -1}};
    char *a = answer(&l, l.n, ent, 1, labs, 1);
    assert_int_equal(run_free(&l, strdup(a), SHA_F, NULL), PK_CERT_REVOKED);
    size_t flips = 0;
    for (char *p = a; (p = strstr(p, "\"inclusion\":[")); p++) {
        char *end = strchr(p, ']');
        for (char *q = p + 13; q < end; q++) {
            if (*q == '"' || *q == ',')
                continue;
            char was = *q;
            *q = was == '0' ? '1' : '0';
            pk_rc_verdict v;
            if (run(&l, a, SHA_F, NULL, &v) != PK_CERT_LOG_INCONSISTENT)
                fail_msg("flip at %zu accepted", (size_t)(q - a));
            assert_non_null(strstr(v.reason, "log index"));
            pk_rc_verdict_clear(&v);
            *q = was;
            flips++;
        }
    }
    assert_int_equal(flips, 8 * 64); /* 3 + 3 + 2 proof nodes */
    free(a);
    /* a leaf edited (its bytes re-encoded), a wrong index, a wrong size */
    char *orig = l.leaf[c1];
    l.leaf[c1] = strdup(orig);
    l.leaf[c1][strlen(orig) - 3] ^= 1;
    char *bad = answer(&l, l.n, ent, 1, labs, 1);
    free(l.leaf[c1]);
    l.leaf[c1] = orig;
    pk_rc_verdict v;
    assert_int_equal(run(&l, bad, SHA_F, NULL, &v), PK_CERT_LOG_INCONSISTENT);
    assert_non_null(strstr(v.reason, "log index 1"));
    pk_rc_verdict_clear(&v);
    free(bad);
    a = answer(&l, l.n, ent, 1, labs, 1);
    char *ix = strstr(a, "\"log_index\":1,");
    assert_non_null(ix);
    ix[12] = '2';
    assert_int_equal(run_free(&l, a, SHA_F, NULL), PK_CERT_LOG_INCONSISTENT);
    /* proofs for size n under a checkpoint of size n-1 (signed, but another tree) */
    a = answer(&l, l.n, ent, 1, labs, 1);
    char *cp = checkpoint(&l, l.n - 1), *old = checkpoint(&l, l.n);
    json_t *j = json_loads(a, 0, NULL);
    json_object_set_new(j, "checkpoint", json_string(cp));
    free(a);
    a = json_dumps(j, JSON_COMPACT);
    assert_int_equal(run_free(&l, a, SHA_F, NULL), PK_CERT_LOG_INCONSISTENT);
    /* the checkpoint's signature flipped; signed by another key */
    old[strlen(old) - 5] ^= 1;
    json_object_set_new(j, "checkpoint", json_string(old));
    assert_int_equal(run_free(&l, json_dumps(j, JSON_COMPACT), SHA_F, NULL),
                     PK_CERT_LOG_INCONSISTENT);
    json_decref(j);
    free(cp);
    free(old);
    log_free(&l);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = calloc(1, 65536);
    size_t n = fread(b, 1, 65535, f);
    (void)n;
    fclose(f);
    return b;
}

static void t_fork(void **st)
{
    (void)st;
    char dir[] = "/tmp/pk-test-rc-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/checkpoint.%08x", dir, pk_note_verifier_id(verifier));
    tlog l, f;
    log_init(&l);
    log_init(&f);
    char id[65], fid[65];
    long labs[] = {add_accr(&l, "2026-01-01T00:00:00Z")};
    long ent[][3] = {
        {(long)add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id),
         -1, -1}};
    add_accr(&l, "2026-02-01T00:00:00Z");
    /* the fork: the same first two leaves, another third */
    add_accr(&f, "2026-01-01T00:00:00Z");
    add_cert(&f, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", fid);
    add_accr(&f, "2026-03-01T00:00:00Z");
    assert_string_equal(id, fid);
    assert_int_equal(run_free(&l, answer(&l, 3, ent, 1, labs, 1), SHA_F, dir), PK_CERT_VALID);
    char *kept = slurp(path);
    assert_non_null(kept);
    pk_rc_verdict v;
    /* same size, another root */
    char *a = answer(&f, 3, ent, 1, labs, 1);
    assert_int_equal(run(&f, a, SHA_F, dir, &v), PK_CERT_LOG_INCONSISTENT);
    assert_non_null(strstr(v.reason, "kept"));
    pk_rc_verdict_clear(&v);
    free(a);
    /* a smaller size */
    assert_int_equal(run_free(&l, answer(&l, 2, ent, 1, labs, 1), SHA_F, dir),
                     PK_CERT_LOG_INCONSISTENT);
    /* the fork grown: the consistency proof from 3 fails */
    add_accr(&f, "2026-04-01T00:00:00Z");
    assert_int_equal(run_free(&f, answer(&f, 4, ent, 1, labs, 1), SHA_F, dir),
                     PK_CERT_LOG_INCONSISTENT);
    char *now = slurp(path);
    assert_string_equal(now, kept);
    free(now);
    /* the honest log grown: consistent, the kept checkpoint moves on */
    add_accr(&l, "2026-04-02T00:00:00Z");
    assert_int_equal(run_free(&l, answer(&l, 4, ent, 1, labs, 1), SHA_F, dir), PK_CERT_VALID);
    now = slurp(path);
    assert_string_not_equal(now, kept);
    assert_non_null(strstr(now, "\n4\n"));
    free(now);
    free(kept);
    log_free(&l);
    log_free(&f);
    unlink(path);
    rmdir(dir);
}

/* ---- mirrors ---- */

static void put(const char *dir, const char *name, const char *text, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
}

static void write_mirror(tlog *l, const char *dir)
{
    char sub[512], *cp = checkpoint(l, l->n), *man = calloc(l->n + 1, 80);
    mkdir(dir, 0755);
    snprintf(sub, sizeof sub, "%s/leaves", dir);
    mkdir(sub, 0755);
    put(dir, "checkpoint", cp, strlen(cp));
    snprintf(sub, sizeof sub, "%s\n", vkey);
    put(dir, "log.vkey", sub, strlen(sub));
    for (size_t i = 0; i < l->n; i++) {
        char name[64], hex[65];
        uint8_t h[32];
        pk_tlog_leaf_hash((const uint8_t *)l->leaf[i], strlen(l->leaf[i]), h);
        pki_hex(h, 32, hex);
        char ml[96];
        assert_int_equal(snprintf(ml, sizeof ml, "%012zu %s\n", i, hex), 78);
        memcpy(man + i * 78, ml, 78);
        snprintf(name, sizeof name, "leaves/%012zu.json", i);
        put(dir, name, l->leaf[i], strlen(l->leaf[i]));
    }
    put(dir, "MANIFEST", man, l->n * 78);
    free(man);
    free(cp);
}

static void rm_mirror(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Verifies from the mirror; *err gets the error text. */
static pk_status mrun(const char *dir, const char *state, pk_rc_verdict *v, char *err, size_t cap)
{
    uint8_t d[32];
    assert_int_equal(pk_sha256_from_hex(SHA_F, d), 0);
    pk_rc_check in = {.root = root, .sha256 = d, .date = ASOF, .state_dir = state};
    err[0] = 0;
    return pk_rc_mirror_verify(&in, dir, v, err, cap);
}

static void t_mirror(void **st)
{
    (void)st;
    char base[] = "/tmp/pk-test-rcm-XXXXXX", dir[128], state[128], kp[160], err[1024];
    assert_non_null(mkdtemp(base));
    snprintf(dir, sizeof dir, "%s/m", base);
    snprintf(state, sizeof state, "%s/state", base);
    snprintf(kp, sizeof kp, "%s/checkpoint.%08x", state, pk_note_verifier_id(verifier));
    tlog l;
    log_init(&l);
    char id[65], id2[65];
    add_accr(&l, "2026-01-01T00:00:00Z");
    add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id);
    add_cert(&l, SHA_G, "2026-06-01T10:00:00Z", "2026-06-01T10:00:06Z", NULL, "Other", id2);
    write_mirror(&l, dir);
    pk_rc_verdict v;
    if (mrun(dir, state, &v, err, sizeof err) != PK_OK)
        fail_msg("mirror: %s", err);
    assert_int_equal(v.state, PK_CERT_VALID);
    assert_int_equal(v.log_index, 1);
    pk_rc_verdict_clear(&v);
    char *kept = slurp(kp);
    assert_non_null(kept);
    /* each corruption: one precise error, the kept checkpoint unchanged */
    static const struct {
        const char *cmd, *want;
        pk_status st;
    } bad[] = {
        {"printf x >> '%s/leaves/000000000001.json'", "leaves/000000000001.json: not the logged",
         PK_OK},
        {"rm '%s/leaves/000000000002.json'", "leaves/000000000002.json: missing", PK_E_IO},
        {"touch '%s/leaves/000000000003.json'", "leaves/000000000003.json: an unexpected", PK_E_IO},
        {"touch '%s/leaves/notes.txt'", "leaves/notes.txt: an unexpected", PK_E_IO},
        {"touch '%s/README'", "m/README: an unexpected", PK_E_IO},
        {"cd '%s/leaves' && mv 000000000000.json x && ln -s x 000000000000.json && "
         "cp x ../../x && rm x && ln -sf ../../x 000000000000.json",
         "leaves/000000000000.json: a symbolic link", PK_E_IO},
        {"sed -i 's/^000000000000 ./000000000000 0/' '%s/MANIFEST'", "MANIFEST: its leaf hashes",
         PK_OK},
        {"sed -i '2s/^3$/2/' '%s/checkpoint'", "checkpoint: not signed", PK_OK},
        {"rm '%s/MANIFEST'", "MANIFEST: missing", PK_E_IO},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_mirror(&l, dir);
        char cmd[700];
        snprintf(cmd, sizeof cmd, bad[i].cmd, dir);
        assert_int_equal(system(cmd), 0);
        memset(&v, 0, sizeof v);
        pk_status s = mrun(dir, state, &v, err, sizeof err);
        const char *msg = s == PK_OK ? v.reason : err;
        if (s != bad[i].st || (s == PK_OK && v.state != PK_CERT_LOG_INCONSISTENT) ||
            !strstr(msg, bad[i].want))
            fail_msg("case %zu: status %d state %d: %s", i, s, v.state, msg);
        pk_rc_verdict_clear(&v);
        char *now = slurp(kp);
        assert_string_equal(now, kept);
        free(now);
        rm_mirror(dir);
    }
    /* a mirror shorter than the kept checkpoint, and one that rewrote it */
    tlog f;
    log_init(&f);
    add_accr(&f, "2026-01-01T00:00:00Z");
    add_cert(&f, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id);
    write_mirror(&f, dir);
    assert_int_equal(mrun(dir, state, &v, err, sizeof err), PK_OK);
    assert_int_equal(v.state, PK_CERT_LOG_INCONSISTENT);
    assert_non_null(strstr(v.reason, "smaller"));
    pk_rc_verdict_clear(&v);
    rm_mirror(dir);
    add_accr(&f, "2026-01-02T00:00:00Z");
    add_accr(&f, "2026-01-03T00:00:00Z");
    write_mirror(&f, dir);
    assert_int_equal(mrun(dir, state, &v, err, sizeof err), PK_OK);
    assert_int_equal(v.state, PK_CERT_LOG_INCONSISTENT);
    assert_non_null(strstr(v.reason, "rewritten"));
    pk_rc_verdict_clear(&v);
    rm_mirror(dir);
    char *now = slurp(kp);
    assert_string_equal(now, kept);
    free(now);
    free(kept);
    log_free(&f);
    /* revoked, then superseded, as the online answer would say */
    add_revocation(&l, id, "2026-08-01", "2026-08-01T09:00:00Z");
    write_mirror(&l, dir);
    assert_int_equal(mrun(dir, state, &v, err, sizeof err), PK_OK);
    assert_int_equal(v.state, PK_CERT_REVOKED);
    pk_rc_verdict_clear(&v);
    rm_mirror(dir);
    log_free(&l);
    log_init(&l);
    add_accr(&l, "2026-01-01T00:00:00Z");
    add_cert(&l, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id);
    add_cert(&l, SHA_F, "2026-07-01T10:00:00Z", "2026-07-01T10:00:05Z", id, "App 2", id2);
    add_susp(&l, "2026-07-02", "2026-07-02T00:00:00Z");
    add_cert(&l, SHA_F, "2026-06-20T10:00:00Z", "2026-07-03T10:00:05Z", NULL, "Late", id2);
    write_mirror(&l, dir);
    assert_int_equal(mrun(dir, NULL, &v, err, sizeof err), PK_OK);
    /* newest first: the back-dated one is LAB SUSPENDED, the one before
     * it VALID (logged before the suspension) */
    assert_int_equal(v.state, PK_CERT_VALID);
    assert_int_equal(v.log_index, 2);
    pk_rc_verdict_clear(&v);
    rm_mirror(dir);
    log_free(&l);
    rm_mirror(base);
}

/* Leaves: each kind's exact key set, types, and the certificate's id. */
static void t_leaf_parse(void **st)
{
    (void)st;
    static const char *const bad[] = {
        "{\"kind\":\"revocation\",\"logged\":\"2026-01-01T00:00:00Z\",\"id\":\"" SHA_F
        "\",\"reason\":\"r\",\"date\":\"2026-01-01\",\"by_role\":\"lab\"}",
        "{\"kind\":\"revocation\",\"logged\":\"2026-01-01\",\"id\":\"" SHA_F
        "\",\"reason\":\"r\",\"date\":\"2026-01-01\",\"by_role\":\"lab\",\"by_name\":\"x\"}",
        "{\"kind\":\"revocation\",\"logged\":\"2026-01-01T00:00:00Z\",\"id\":\"" SHA_F
        "\",\"reason\":\"r\",\"date\":\"2026-01-01\",\"by_role\":\"lab\",\"by_name\":\"x\","
        "\"extra\":1}",
        "{\"kind\":\"revocation\",\"kind\":\"revocation\"}",
        "{\"kind\":\"certificate\",\"logged\":\"2026-01-01T00:00:00Z\",\"id\":\"" SHA_F
        "\",\"supersedes\":null,\"envelope\":\"{}\"}",
        "{\"kind\":\"accreditation\",\"logged\":\"2026-01-01T00:00:00Z\",\"lab\":7,"
        "\"envelope\":\"x\"}",
        "{\"kind\":\"other\"}",
        "[]",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pki_rc_leaf l;
        char err[300] = "";
        if (pki_rc_leaf_parse((const uint8_t *)bad[i], strlen(bad[i]), &l, err, sizeof err) !=
                PK_E_FORMAT ||
            !err[0])
            fail_msg("leaf %zu accepted", i);
    }
    pki_rc_leaf l;
    const char *ok = "{\"kind\":\"revocation\",\"logged\":\"2026-01-01T00:00:00Z\",\"id\":\"" SHA_F
                     "\",\"reason\":\"r\",\"date\":\"2026-01-01\",\"by_role\":\"lab\","
                     "\"by_name\":\"x\"}";
    assert_int_equal(pki_rc_leaf_parse((const uint8_t *)ok, strlen(ok), &l, NULL, 0), PK_OK);
    assert_int_equal(l.kind, PKI_RC_REVOKE);
    pki_rc_leaf_clear(&l);
    /* a certificate leaf whose id is not its envelope's digest */
    tlog t;
    log_init(&t);
    char id[65];
    add_cert(&t, SHA_F, "2026-06-01T10:00:00Z", "2026-06-01T10:00:05Z", NULL, "App", id);
    char *s = strdup(t.leaf[0]), *p = strstr(s, id);
    p[0] = p[0] == 'a' ? 'b' : 'a';
    char err[300];
    assert_int_equal(pki_rc_leaf_parse((const uint8_t *)s, strlen(s), &l, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "digest"));
    free(s);
    log_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_valid),      cmocka_unit_test(t_revoked_superseded),
        cmocka_unit_test(t_backdated),  cmocka_unit_test(t_proof_flips),
        cmocka_unit_test(t_fork),       cmocka_unit_test(t_mirror),
        cmocka_unit_test(t_leaf_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
