/* The Merkle tree log (lib/tlog/tree.c, verify.c, mem.c): RFC 6962 / 9162
 * hashing and proofs against published test vectors, byte for byte; an
 * exhaustive cross-check of the store-backed proofs against a naive
 * recursive reference and the RFC's verifiers, with every corruption
 * refused; node reads per proof bounded by O(log n) up to 2^62 leaves; a
 * rewritten node detected. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_int.h"

typedef uint8_t hash_t[PK_TLOG_HASH_LEN];

static void unhex(const char *s, uint8_t *out, size_t n)
{
    assert_int_equal(strlen(s), 2 * n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void unb64(const char *s, uint8_t out[32])
{
    assert_int_equal(pki_tlog_b64_decode(s, strlen(s), out, 32), 32);
}

/* ---- Known answers ----
 * From google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc
 * (the original CT reference implementation's tests): kInputs (the eight
 * leaves), kSHA256Roots (roots of sizes 1..8), kSHA256Paths (audit paths;
 * there the leaf numbers are 1-based, here 0-based) and kSHA256Proofs
 * (consistency proofs). The same values are in transparency-dev/merkle,
 * proof/verify_test.go (inclusionProofs, consistencyProofs, roots, leaves)
 * and testdata/{inclusion,consistency}/, which add the consistency proof
 * 6 -> 7 (testdata/consistency/4/happy-path.json). RFC 9162 has no vectors. */
static const char *const ct_leaves[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};
static const char *const ct_roots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
/* SHA-256 of nothing, the empty tree (kSHA256EmptyTreeHash) */
static const char ct_empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

typedef struct vec {
    uint64_t a, b; /* inclusion: leaf (0-based), size; consistency: m, n */
    size_t len;
    const char *proof[3];
} vec;

static const vec ct_paths[] = {
    {0, 1, 0, {NULL}},
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const vec ct_proofs[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    /* transparency-dev/merkle only */
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

/* A log of the eight CT leaves in memory. */
static pk_tlog_mem *ct_log(hash_t leaf_hashes[8])
{
    pk_tlog_mem *m = NULL;
    assert_int_equal(pk_tlog_mem_new(&m), PK_OK);
    for (int i = 0; i < 8; i++) {
        uint8_t data[16];
        size_t n = strlen(ct_leaves[i]) / 2;
        unhex(ct_leaves[i], data, n);
        pk_tlog_leaf_hash(data, n, leaf_hashes[i]);
        uint64_t idx = 99;
        assert_int_equal(pk_tlog_mem_append(m, leaf_hashes[i], &idx), PK_OK);
        assert_int_equal(idx, (uint64_t)i);
    }
    return m;
}

static void test_ct_roots(void **state)
{
    (void)state;
    hash_t lh[8], want, got;
    pk_tlog_mem *m = ct_log(lh);
    pk_tlog_store s = pk_tlog_mem_store(m);
    assert_int_equal(pk_tlog_mem_size(m), 8);
    unhex(ct_empty, want, 32);
    assert_int_equal(pk_tlog_root(&s, 0, got, NULL, 0), PK_OK);
    assert_memory_equal(got, want, 32);
    for (uint64_t n = 1; n <= 8; n++) {
        unhex(ct_roots[n - 1], want, 32);
        assert_int_equal(pk_tlog_root(&s, n, got, NULL, 0), PK_OK);
        assert_memory_equal(got, want, 32);
    }
    /* RFC 9162 2.1.1 by hand for size 2: HASH(0x01 || leaf0 || leaf1) */
    pk_tlog_node_hash(lh[0], lh[1], got);
    unhex(ct_roots[1], want, 32);
    assert_memory_equal(got, want, 32);
    /* a size beyond the log: the store has no such node */
    char err[160] = "";
    assert_int_equal(pk_tlog_root(&s, 9, got, err, sizeof err), PK_E_FORMAT);
    assert_non_null(strstr(err, "no node (0, 8)"));
    pk_tlog_mem_free(m);
}

static void test_ct_paths_and_proofs(void **state)
{
    (void)state;
    hash_t lh[8], root, root2;
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN], want[3][32];
    size_t len = 99;
    pk_tlog_mem *m = ct_log(lh);
    pk_tlog_store s = pk_tlog_mem_store(m);
    for (size_t v = 0; v < sizeof ct_paths / sizeof ct_paths[0]; v++) {
        const vec *t = &ct_paths[v];
        assert_int_equal(pk_tlog_prove_inclusion(&s, t->a, t->b, proof, &len, NULL, 0), PK_OK);
        assert_int_equal(len, t->len);
        for (size_t i = 0; i < t->len; i++) {
            unhex(t->proof[i], want[i], 32);
            assert_memory_equal(proof[i], want[i], 32);
        }
        unhex(ct_roots[t->b - 1], root, 32);
        assert_int_equal(
            pk_tlog_verify_inclusion(lh[t->a], t->a, t->b, want, t->len, root, NULL, 0), PK_OK);
    }
    for (size_t v = 0; v < sizeof ct_proofs / sizeof ct_proofs[0]; v++) {
        const vec *t = &ct_proofs[v];
        assert_int_equal(pk_tlog_prove_consistency(&s, t->a, t->b, proof, &len, NULL, 0), PK_OK);
        assert_int_equal(len, t->len);
        for (size_t i = 0; i < t->len; i++) {
            unhex(t->proof[i], want[i], 32);
            assert_memory_equal(proof[i], want[i], 32);
        }
        unhex(ct_roots[t->a - 1], root, 32);
        unhex(ct_roots[t->b - 1], root2, 32);
        assert_int_equal(pk_tlog_verify_consistency(t->a, t->b, want, t->len, root, root2, NULL, 0),
                         PK_OK);
    }
    pk_tlog_mem_free(m);
}

/* transparency-dev/merkle proof/verify_test.go, TestVerifyConsistency and
 * TestVerifyInclusion: the edge cases of sizes 0 and 1 ("don't care" roots
 * are any 32 bytes here; sha256SomeHash as given there). */
static void test_edge_cases(void **state)
{
    (void)state;
    hash_t empty, some, r1, r2;
    unhex(ct_empty, empty, 32);
    unhex("abacaba000000000000000000000000000000000000000000060061e00123456", some, 32);
    memset(r1, 1, 32);
    memset(r2, 2, 32);
    uint8_t p2[1][32];
    memcpy(p2[0], empty, 32);
    /* sizes that are always consistent (the empty tree has the empty root here) */
    assert_int_equal(pk_tlog_verify_consistency(0, 0, NULL, 0, empty, empty, NULL, 0), PK_OK);
    assert_int_equal(pk_tlog_verify_consistency(0, 1, NULL, 0, empty, r2, NULL, 0), PK_OK);
    assert_int_equal(pk_tlog_verify_consistency(1, 1, NULL, 0, r2, r2, NULL, 0), PK_OK);
    /* a size-0 tree whose root is not the empty hash */
    assert_int_equal(pk_tlog_verify_consistency(0, 1, NULL, 0, r1, r2, NULL, 0), PK_E_FORMAT);
    /* different roots for one size, time travel, empty proof */
    char err[200] = "";
    assert_int_equal(pk_tlog_verify_consistency(1, 1, NULL, 0, r1, r2, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "forked"));
    assert_int_equal(pk_tlog_verify_consistency(1, 0, NULL, 0, r1, r2, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "rewritten"));
    assert_int_equal(pk_tlog_verify_consistency(2, 1, NULL, 0, r1, r2, NULL, 0), PK_E_FORMAT);
    assert_int_equal(pk_tlog_verify_consistency(1, 2, NULL, 0, r1, r2, NULL, 0), PK_E_FORMAT);
    /* roots match but the proof is not empty */
    assert_int_equal(pk_tlog_verify_consistency(0, 0, p2, 1, empty, empty, NULL, 0), PK_E_FORMAT);
    assert_int_equal(pk_tlog_verify_consistency(0, 1, p2, 1, empty, empty, NULL, 0), PK_E_FORMAT);
    assert_int_equal(pk_tlog_verify_consistency(1, 1, p2, 1, empty, empty, NULL, 0), PK_E_FORMAT);
    /* inclusion in trees of 0 and 1 leaves, TestVerifyInclusion's probes */
    const uint64_t probes[4][2] = {{0, 0}, {0, 1}, {1, 0}, {2, 1}};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(
            pk_tlog_verify_inclusion(some, probes[i][0], probes[i][1], NULL, 0, empty, NULL, 0),
            PK_E_FORMAT);
    }
    /* TestVerifyInclusionSingleEntry: the root of one leaf is its hash */
    hash_t h;
    pk_tlog_leaf_hash((const uint8_t *)"data", 4, h);
    assert_int_equal(pk_tlog_verify_inclusion(h, 0, 1, NULL, 0, h, NULL, 0), PK_OK);
    assert_int_equal(pk_tlog_verify_inclusion(h, 0, 1, NULL, 0, empty, NULL, 0), PK_E_FORMAT);
    assert_int_equal(pk_tlog_verify_inclusion(empty, 0, 1, NULL, 0, h, NULL, 0), PK_E_FORMAT);
    /* the bounds: 65 nodes, a size above 2^63 */
    static uint8_t big[PK_TLOG_MAX_PROOF + 1][32];
    assert_int_equal(pk_tlog_verify_inclusion(h, 0, PK_TLOG_MAX_SIZE, big, 65, h, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "out of bounds"));
    assert_int_equal(pk_tlog_verify_inclusion(h, 0, PK_TLOG_MAX_SIZE + 1, NULL, 0, h, NULL, 0),
                     PK_E_FORMAT);
    assert_int_equal(pk_tlog_verify_consistency(1, UINT64_MAX, big, 64, h, h, NULL, 0),
                     PK_E_FORMAT);
    assert_int_equal(pk_tlog_verify_consistency(3, 7, big, 65, h, h, NULL, 0), PK_E_FORMAT);
}

/* ---- A real log ----
 * golang.org/x/mod, sumdb/tlog/ct_test.go with testdata/argon2020/: responses
 * of Google's Argon 2020 CT log to get-sth (sth.json), get-entries for entry
 * 10000 (entries.json, leaf_input), get-proof-by-hash (proof.json) and
 * get-sth-consistency?first=3654490 (consistency.json, with the old root
 * given in ct_test.go). Sizes near 2^30 and 30-node proofs. */
static const char argon_root[] = "dwlueapdd7LaOEnX2W2Wp9v2XE+KzejHRQGHwEx0oaM=";
static const uint64_t argon_size = 961984013;
static const char argon_old_root[] = "AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=";
static const uint64_t argon_old_size = 3654490;
static const char argon_leaf[] =
    "AAAAAAFelPhqUwAAAAViMIIFXjCCBEagAwIBAgIRAOodHzZdqWIFzYyl/SovhCMwDQYJKoZIhvcNAQELBQAwgZAx"
    "CzAJBgNVBAYTAkdCMRswGQYDVQQIExJHcmVhdGVyIE1hbmNoZXN0ZXIxEDAOBgNVBAcTB1NhbGZvcmQxGjAYBgNV"
    "BAoTEUNPTU9ETyBDQSBMaW1pdGVkMTYwNAYDVQQDEy1DT01PRE8gUlNBIERvbWFpbiBWYWxpZGF0aW9uIFNlY3Vy"
    "ZSBTZXJ2ZXIgQ0EwHhcNMTcwMjE1MDAwMDAwWhcNMjAwNDE2MjM1OTU5WjBfMSEwHwYDVQQLExhEb21haW4gQ29u"
    "dHJvbCBWYWxpZGF0ZWQxHTAbBgNVBAsTFFBvc2l0aXZlU1NMIFdpbGRjYXJkMRswGQYDVQQDDBIqLmxhbmRsb3Jk"
    "cy5jb20uYXUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCtPBKKHj4zdrGlCjgTHzb5gx9JCs97DwvB"
    "z60f14gDufF2haWbOxyJ0a3opAMsZnOr8HkARVCwxdqG/PTfACcb0QM7FOlzvxGqxataTYiChwvkkif8F9GlJw69"
    "HuHgzhusPf1Ytfk3ps1PRC14MkyrS4kwPrk/Le4XdkqRpRw62wG4V6IkbzsNMEOl1H8EgUbfyapdOcVxHjIzvBVy"
    "56fBRKG05Fr5wNq3Acak5kYZdNsLhhmlrqAfAjiombW3hb3V5blJdRC0BDdYHv2+zKey6LqJ1FDoXo6IzbzPpC+a"
    "ifZy47YX+/N1U64Qn5xlDg7mOP8JXfkNJHbU1TJZHif5AgMBAAGjggHhMIIB3TAfBgNVHSMEGDAWgBSQr2o6lFoL"
    "2JDqElZz30O0Oija5zAdBgNVHQ4EFgQUNQSLjkoz01I+iuuoC5lgEp0anhcwDgYDVR0PAQH/BAQDAgWgMAwGA1Ud"
    "EwEB/wQCMAAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCME8GA1UdIARIMEYwOgYLKwYBBAGyMQECAgcw"
    "KzApBggrBgEFBQcCARYdaHR0cHM6Ly9zZWN1cmUuY29tb2RvLmNvbS9DUFMwCAYGZ4EMAQIBMFQGA1UdHwRNMEsw"
    "SaBHoEWGQ2h0dHA6Ly9jcmwuY29tb2RvY2EuY29tL0NPTU9ET1JTQURvbWFpblZhbGlkYXRpb25TZWN1cmVTZXJ2"
    "ZXJDQS5jcmwwgYUGCCsGAQUFBwEBBHkwdzBPBggrBgEFBQcwAoZDaHR0cDovL2NydC5jb21vZG9jYS5jb20vQ09N"
    "T0RPUlNBRG9tYWluVmFsaWRhdGlvblNlY3VyZVNlcnZlckNBLmNydDAkBggrBgEFBQcwAYYYaHR0cDovL29jc3Au"
    "Y29tb2RvY2EuY29tMC8GA1UdEQQoMCaCEioubGFuZGxvcmRzLmNvbS5hdYIQbGFuZGxvcmRzLmNvbS5hdTANBgkq"
    "hkiG9w0BAQsFAAOCAQEACyHqxUzrexToY7tOv4+kyGPP2D27P1tQpyzeAl1bPObiMhNK2b9vvBLDWAaqm8c0YL1h"
    "+DBdLoWzf3xFsIkTCVCjWJTNSNlcYtgRk6or1s7jWsfXzWqsnPjPPmTIOCw7EfH7Yme3oxPs3UUsmShAgPwNohAt"
    "L9GqlqMiKM6v1WU3NHt01jEoNP23LRa6KeNK6AH6WHJykzL223IlhgXjHTeuQj6lR+TNrQXJuhwTXYe+20rrpPQx"
    "c1Pn7AqnvfWgmicRQ7gdIcr4V6+ecTvLfNOaJ0ZYe5G5giuAAdTm7F57pk04f4gyZNYKrj88mvbkoriN8b6jcWEx"
    "trYO6bm2TwAA";
static const char *const argon_path[] = {
    "T46AmJsuOM/gFiGlUp+IJJebp+1Z5qratFNW7U0JyOQ=", "9Jj1Feodn42uRYEfffkV4HF/EIPFQ5Zo9IwkxbQ2uhk=",
    "D53/1oCNebF4J59HHgioovKZxrmrKcVuCVhy3Izg8Ck=", "wSFDgGSrsXRPA+1c8WHoAFCsWeUv8NDyP/Q/SgsyVyY=",
    "516/RcwsgdwdzHn18v1dJHqBkgFUbNhmCIWOGjsMJaE=", "naTFY2ajLFgrgs5XUl+zJYZnnlJksLGsA1VYwpLfqbY=",
    "mKBRJo6qao+0Kdh/rhGkZUbHUAxMhrtrclrTpIbNjIg=", "Co4ueOFE7lpifLio94irxxsv1wFMMaK3tPu2ZQkHlro=",
    "yRgy800K6JMYCC05sWfqF2kvCg2riT/pVM+nEa6V5+0=", "n2O38XJZC8/Wpbwi9HhgVizlUyeUHVZvYyQB1607MRc=",
    "go3tAjuNfNSCj87y2Rg1xOroDknGN1eaf3cgvzObf7Q=", "8D0Mj3/J7ySSnFb0afIHYXv6rlOhECnsebY6XKi1IR8=",
    "6rcez46ZU8M5vPiWVMAUfJfAOV0pPP/mch/lYzZhj/M=", "2rtIeXrPvSdUyHc5maIgSAVB2BzaKaupWxSAiVayDE4=",
    "nniW/IMFQPN5xw8UsHFn7CRStYbm1gLu7NNa6kkRqJQ=", "mRPPi7sQS22MduIEyvcNzCNFqIt6kLwYPkNKrVtIcu8=",
    "JvTivzESNS9wHI8aph5a7uieVmtS/p9PciMZ5D6GyOo=", "UTyQd+Ym0wY4zG+qK806bBORwi1CSVvFQ/KknnqoZj8=",
    "hXODrqN+ff+U6zPqRQ+ZQKs6im1fPcxIerDSfNwflhE=", "II6GE+WY/DrpZzfHztLwkR46o37zVkNLCyPYlf68zA0=",
    "d609kWWcNBllbA8Jb/ad4XAVVGnScLRmtP8FYyr+Dck=", "rikBsP0G0gioXRpBFED2CzQdSLrGPvRd0bEcbEZw1rI=",
    "GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0=", "pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE=",
    "f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA=", "WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE=",
    "f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ=", "NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs=",
    "C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI=", "nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=",
};
static const char *const argon_consistency[] = {
    "80Sfbj6UQEdVSZCSIgh9NMPj3vCBzcc1A48B2crJSWg=", "FZcrgAHUk6nNPviJZq8kEK6jCG1d18pJOFE45ZDc1TQ=",
    "Q67reWXmPBo1UfmwBap4Xi9PMPfFdUSSw3WGlRZdG7k=", "eJ7CyhR4PxzBxDIsWgrVYW1eFUb9ndgf46tFmiqVrxA=",
    "QrDwp062Grm5WY8KdrhFsBuuNjGzRox2Jb8PmVL5OYw=", "XM4YMjMEdLH/XJam/ZWyaP14k3cmsOtnPsOWQ54lW1s=",
    "SGiBh+jOTGccXU48ZzgQ88lRcBmtB4wz4oSDndv2QTg=", "WAS6txqNLYKGL1GdBdpqmV42TTfn6cJsuDsqLXuTCNI=",
    "QFmRS0rirUA7ZN3lxFjDncV+E1OCrn3NUB4RCp+5fzc=", "Hdbp7It2XBNZmNDBpCN/KPd7vfVqxgzwOosqVIaEA9E=",
    "mxvHL0ZiblBdD7j7pIa1jlfB0gSqfJ6oX0UGo7L0VsU=", "q5hjyvoW6TL/PThgcitpDcSTrnKX2p1+aqscqH2euRA=",
    "jTOWDqt3IHj2NVFeezyBz2ofpru+ztEywqKUAfFclKI=", "GIRn0w3HqJdvU9j1WVD//eR6lk2AaTVjyzjsJNP8U88=",
    "x52GJvxG81fnQBrgOTbll1A5tz95/LXK0Ag1NhB0r1I=", "6/0OqrcTgc3o5dD5PymmoC96lB9yLPFuTHVvLy8fSGk=",
    "Gf+iKLfcXO5l4JEFmsZvSdG5q1uEeWPfYLrds6pmjz0=", "DGuaco+McyM3AfRSF6qX7RwSetwe2ieYJmxw5e9rVx0=",
    "2tQJ9V32hnYp+fdpP6TcjmgJmLeNVOMKM0Ml1kk4cNU=", "3PapK+IkyJr8I9yAErAmzuZezzLMzsg+PfeRCgNW8NQ=",
    "s6xiYeejb+wtqHA+URJZ2I/SCPyIW8coP6aB00FJbMY=", "z9lSpmdTcr5M5ZzKlc4EPh3SrSypKFdk6JUF/UccaZU=",
    "GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0=", "pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE=",
    "f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA=", "WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE=",
    "f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ=", "NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs=",
    "C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI=", "nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=",
};

static void test_argon2020(void **state)
{
    (void)state;
    uint8_t leaf[2048], lh[32], root[32], old[32];
    uint8_t path[30][32], cons[30][32];
    size_t n = pki_tlog_b64_decode(argon_leaf, strlen(argon_leaf), leaf, sizeof leaf);
    assert_int_equal(n, 1395);
    pk_tlog_leaf_hash(leaf, n, lh);
    unb64(argon_root, root);
    unb64(argon_old_root, old);
    for (int i = 0; i < 30; i++) {
        unb64(argon_path[i], path[i]);
        unb64(argon_consistency[i], cons[i]);
    }
    assert_int_equal(pk_tlog_verify_inclusion(lh, 10000, argon_size, path, 30, root, NULL, 0),
                     PK_OK);
    assert_int_equal(
        pk_tlog_verify_consistency(argon_old_size, argon_size, cons, 30, old, root, NULL, 0),
        PK_OK);
    /* one bit anywhere, or a neighbouring leaf or size, and it fails */
    assert_int_equal(pk_tlog_verify_inclusion(lh, 10001, argon_size, path, 30, root, NULL, 0),
                     PK_E_FORMAT);
    assert_int_equal(
        pk_tlog_verify_consistency(argon_old_size + 1, argon_size, cons, 30, old, root, NULL, 0),
        PK_E_FORMAT);
    cons[17][5] ^= 0x10;
    assert_int_equal(
        pk_tlog_verify_consistency(argon_old_size, argon_size, cons, 30, old, root, NULL, 0),
        PK_E_FORMAT);
    path[29][31] ^= 1;
    assert_int_equal(pk_tlog_verify_inclusion(lh, 10000, argon_size, path, 30, root, NULL, 0),
                     PK_E_FORMAT);
}

/* ---- The reference: RFC 9162 section 2.1 read literally, recursively, over
 * an array of leaf hashes (test code: depth is log2 of at most 8192). ---- */

static uint64_t ref_split(uint64_t n)
{
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

static void ref_mth(const hash_t *d, uint64_t n, uint8_t out[32])
{
    if (n == 0) {
        unhex(ct_empty, out, 32);
    } else if (n == 1) {
        memcpy(out, d[0], 32);
    } else {
        uint64_t k = ref_split(n);
        hash_t l, r;
        ref_mth(d, k, l);
        ref_mth(d + k, n - k, r);
        pk_tlog_node_hash(l, r, out);
    }
}

static void ref_path(const hash_t *d, uint64_t m, uint64_t n, hash_t *out, size_t *len)
{
    if (n <= 1)
        return;
    uint64_t k = ref_split(n);
    if (m < k) {
        ref_path(d, m, k, out, len);
        ref_mth(d + k, n - k, out[(*len)++]);
    } else {
        ref_path(d + k, m - k, n - k, out, len);
        ref_mth(d, k, out[(*len)++]);
    }
}

static void ref_subproof(const hash_t *d, uint64_t m, uint64_t n, bool b, hash_t *out, size_t *len)
{
    if (m == n) {
        if (!b)
            ref_mth(d, m, out[(*len)++]);
        return;
    }
    uint64_t k = ref_split(n);
    if (m <= k) {
        ref_subproof(d, m, k, b, out, len);
        ref_mth(d + k, n - k, out[(*len)++]);
    } else {
        ref_subproof(d + k, m - k, n - k, false, out, len);
        ref_mth(d, k, out[(*len)++]);
    }
}

static void ref_proof(const hash_t *d, uint64_t m, uint64_t n, hash_t *out, size_t *len)
{
    *len = 0;
    if (m > 0 && m < n)
        ref_subproof(d, m, n, true, out, len);
}

/* A store that counts reads, over the memory store. */
typedef struct counting {
    pk_tlog_store inner;
    unsigned long reads;
} counting;

static pk_status count_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32], char *err,
                           size_t errlen)
{
    counting *c = ctx;
    c->reads++;
    return c->inner.get_node(c->inner.ctx, level, index, out, err, errlen);
}

typedef struct fixture {
    pk_tlog_mem *m;
    hash_t *leaves;
    hash_t *roots; /* roots[n] for n = 0..size */
    uint64_t size;
} fixture;

static fixture *fixture_new(uint64_t size)
{
    fixture *f = calloc(1, sizeof *f);
    f->leaves = calloc(size, sizeof(hash_t));
    f->roots = calloc(size + 1, sizeof(hash_t));
    f->size = size;
    assert_int_equal(pk_tlog_mem_new(&f->m), PK_OK);
    pk_tlog_store s = pk_tlog_mem_store(f->m);
    unhex(ct_empty, f->roots[0], 32);
    for (uint64_t i = 0; i < size; i++) {
        char data[32];
        int n = snprintf(data, sizeof data, "entry %llu", (unsigned long long)i);
        pk_tlog_leaf_hash((const uint8_t *)data, (size_t)n, f->leaves[i]);
        /* the append's nodes: the leaf, then one per trailing 1 bit of i */
        pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
        size_t k = 0;
        assert_int_equal(pk_tlog_append(&s, f->leaves[i], i, nodes, &k, NULL, 0), PK_OK);
        assert_int_equal(k, 1 + (size_t)__builtin_ctzll(~i));
        for (size_t j = 0; j < k; j++) {
            assert_int_equal(nodes[j].level, j);
            assert_int_equal(nodes[j].index, i >> j);
            hash_t want;
            ref_mth(f->leaves + ((i >> j) << j), UINT64_C(1) << j, want);
            assert_memory_equal(nodes[j].hash, want, 32);
        }
        assert_int_equal(pk_tlog_mem_append(f->m, f->leaves[i], NULL), PK_OK);
        assert_int_equal(pk_tlog_root(&s, i + 1, f->roots[i + 1], NULL, 0), PK_OK);
    }
    return f;
}

static void fixture_free(fixture *f)
{
    pk_tlog_mem_free(f->m);
    free(f->leaves);
    free(f->roots);
    free(f);
}

/* Must proof (for m, n) be accepted as a proof for (m2, n2)? Only when it is
 * that claim's own proof, for the same leaf. */
static bool incl_ok(fixture *f, const hash_t *proof, size_t len, uint64_t m, uint64_t m2,
                    uint64_t n2)
{
    if (m2 >= n2 || n2 > f->size)
        return false;
    if (memcmp(f->leaves[m], f->leaves[m2], 32) != 0)
        return false;
    hash_t ref[PK_TLOG_MAX_PROOF];
    size_t rl = 0;
    ref_path(f->leaves, m2, n2, ref, &rl);
    return rl == len && memcmp(ref, proof, len * 32) == 0;
}

static void check_inclusion(fixture *f, counting *c, uint64_t m, uint64_t n, bool flips)
{
    pk_tlog_store s = {.ctx = c, .get_node = count_get};
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    hash_t ref[PK_TLOG_MAX_PROOF];
    size_t len = 0, rl = 0;
    c->reads = 0;
    assert_int_equal(pk_tlog_prove_inclusion(&s, m, n, proof, &len, NULL, 0), PK_OK);
    /* O(log n): at most one right-edge subtree (<= 64 nodes) plus a perfect
     * sibling per level */
    assert_true(c->reads <= 2u * 64u);
    assert_int_equal(pk_tlog_verify_inclusion(f->leaves[m], m, n, proof, len, f->roots[n], NULL, 0),
                     PK_OK);
    if (!flips)
        return; /* the reference costs O(n) per proof: only where corrupted too */
    ref_path(f->leaves, m, n, ref, &rl);
    assert_int_equal(len, rl);
    assert_memory_equal(proof, ref, len * 32);
    /* wrong index or size, each with the true root of that size */
    const uint64_t ms[] = {m - 1, m + 1, m ^ 2, m ^ 1, 0, n - 1};
    const uint64_t ns[] = {n, n - 1, n + 1, n * 2, n / 2};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++) {
            uint64_t m2 = ms[i], n2 = ns[j];
            if ((m2 == m && n2 == n) || n2 > f->size)
                continue;
            pk_status want = incl_ok(f, proof, len, m, m2, n2) ? PK_OK : PK_E_FORMAT;
            assert_int_equal(
                pk_tlog_verify_inclusion(f->leaves[m], m2, n2, proof, len, f->roots[n2], NULL, 0),
                want);
        }
    /* a wrong leaf, a proof one node short or long */
    assert_int_equal(
        pk_tlog_verify_inclusion(f->roots[n], m, n, proof, len, f->roots[n], NULL, 0) == PK_OK,
        n == 1);
    if (len)
        assert_int_equal(
            pk_tlog_verify_inclusion(f->leaves[m], m, n, proof, len - 1, f->roots[n], NULL, 0),
            PK_E_FORMAT);
    memcpy(proof[len], f->roots[n], 32);
    assert_int_equal(
        pk_tlog_verify_inclusion(f->leaves[m], m, n, proof, len + 1, f->roots[n], NULL, 0),
        PK_E_FORMAT);
    for (size_t i = 0; i < len * 32; i++) {
        proof[i / 32][i % 32] ^= 0x20;
        assert_int_equal(
            pk_tlog_verify_inclusion(f->leaves[m], m, n, proof, len, f->roots[n], NULL, 0),
            PK_E_FORMAT);
        proof[i / 32][i % 32] ^= 0x20;
    }
    for (size_t i = 0; i < 32; i++) {
        hash_t r;
        memcpy(r, f->roots[n], 32);
        r[i] ^= 0x80;
        assert_int_equal(pk_tlog_verify_inclusion(f->leaves[m], m, n, proof, len, r, NULL, 0),
                         PK_E_FORMAT);
    }
}

static void check_consistency(fixture *f, counting *c, uint64_t m, uint64_t n, bool flips)
{
    pk_tlog_store s = {.ctx = c, .get_node = count_get};
    uint8_t proof[PK_TLOG_MAX_PROOF + 1][PK_TLOG_HASH_LEN];
    hash_t ref[PK_TLOG_MAX_PROOF];
    size_t len = 0, rl = 0;
    c->reads = 0;
    assert_int_equal(pk_tlog_prove_consistency(&s, m, n, proof, &len, NULL, 0), PK_OK);
    assert_true(c->reads <= 2u * 64u);
    assert_int_equal(
        pk_tlog_verify_consistency(m, n, proof, len, f->roots[m], f->roots[n], NULL, 0), PK_OK);
    if (!flips)
        return;
    ref_proof(f->leaves, m, n, ref, &rl);
    assert_int_equal(len, rl);
    assert_memory_equal(proof, ref, len * 32);
    /* other sizes with their true roots: accepted only when it is their proof */
    const uint64_t ms[] = {m, m - 1, m + 1, m ^ 2, 0, n};
    const uint64_t ns[] = {n, n - 1, n + 1, n * 2, n / 2};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++) {
            uint64_t m2 = ms[i], n2 = ns[j];
            if ((m2 == m && n2 == n) || n2 > f->size || m2 > f->size)
                continue;
            size_t l2 = 0;
            ref_proof(f->leaves, m2 <= n2 ? m2 : 0, n2, ref, &l2);
            bool same = m2 <= n2 && l2 == len && memcmp(ref, proof, len * 32) == 0;
            assert_int_equal(
                pk_tlog_verify_consistency(m2, n2, proof, len, f->roots[m2], f->roots[n2], NULL, 0),
                same ? PK_OK : PK_E_FORMAT);
        }
    /* swapped roots, a node more, a node less */
    if (f->roots[m][0] != f->roots[n][0])
        assert_int_equal(
            pk_tlog_verify_consistency(m, n, proof, len, f->roots[n], f->roots[m], NULL, 0),
            PK_E_FORMAT);
    memcpy(proof[len], f->roots[n], 32);
    assert_int_equal(
        pk_tlog_verify_consistency(m, n, proof, len + 1, f->roots[m], f->roots[n], NULL, 0),
        PK_E_FORMAT);
    if (len)
        assert_int_equal(
            pk_tlog_verify_consistency(m, n, proof, len - 1, f->roots[m], f->roots[n], NULL, 0),
            PK_E_FORMAT);
    for (size_t i = 0; i < len * 32; i++) {
        proof[i / 32][i % 32] ^= 0x04;
        assert_int_equal(
            pk_tlog_verify_consistency(m, n, proof, len, f->roots[m], f->roots[n], NULL, 0),
            PK_E_FORMAT);
        proof[i / 32][i % 32] ^= 0x04;
    }
    for (size_t i = 0; i < 32; i++) {
        hash_t r1, r2;
        memcpy(r1, f->roots[m], 32);
        memcpy(r2, f->roots[n], 32);
        r1[i] ^= 1;
        r2[i] ^= 1;
        assert_int_equal(pk_tlog_verify_consistency(m, n, proof, len, r1, f->roots[n], NULL, 0),
                         PK_E_FORMAT);
        /* the empty tree is a prefix of every tree, whatever its root */
        assert_int_equal(pk_tlog_verify_consistency(m, n, proof, len, f->roots[m], r2, NULL, 0),
                         m == 0 ? PK_OK : PK_E_FORMAT);
    }
}

/* Every proof of every tree up to 64 leaves, each byte of it corrupted. */
static void test_exhaustive_64(void **state)
{
    (void)state;
    fixture *f = fixture_new(128); /* roots up to 2n for the "size * 2" probes */
    counting c = {.inner = pk_tlog_mem_store(f->m)};
    for (uint64_t n = 1; n <= 64; n++) {
        hash_t r;
        ref_mth(f->leaves, n, r);
        assert_memory_equal(r, f->roots[n], 32);
        for (uint64_t m = 0; m < n; m++)
            check_inclusion(f, &c, m, n, true);
        for (uint64_t m = 0; m <= n; m++)
            check_consistency(f, &c, m, n, true);
    }
    fixture_free(f);
}

/* Larger trees: every proof verifies against the reference root; the
 * reference proof and the corruptions on a sample (every 257th and the last), since the
 * naive reference costs O(n) per proof. */
static void test_larger_trees(void **state)
{
    (void)state;
    fixture *f = fixture_new(8200);
    counting c = {.inner = pk_tlog_mem_store(f->m)};
    const uint64_t sizes[] = {1000, 1024, 4096, 4097};
    for (size_t t = 0; t < 4; t++) {
        uint64_t n = sizes[t];
        hash_t r;
        ref_mth(f->leaves, n, r);
        assert_memory_equal(r, f->roots[n], 32);
        for (uint64_t m = 0; m < n; m++)
            check_inclusion(f, &c, m, n, m % 257 == 0 || m == n - 1);
        for (uint64_t m = 0; m <= n; m += (m < 70 || n - m < 70) ? 1 : 7)
            check_consistency(f, &c, m, n, m % 257 == 0 || m == n);
    }
    fixture_free(f);
}

/* A tree of 2^62 + 12345 identical leaves: every perfect subtree of level L
 * is the same hash, computable in L steps, so a store can answer for a log
 * no test could build, and the reads of each proof can be counted. */
typedef struct huge {
    hash_t level[64];
    unsigned long reads;
} huge;

static pk_status huge_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32], char *err,
                          size_t errlen)
{
    (void)index, (void)err, (void)errlen;
    huge *h = ctx;
    h->reads++;
    memcpy(out, h->level[level], 32);
    return PK_OK;
}

static void test_huge_tree_reads(void **state)
{
    (void)state;
    huge h = {0};
    pk_tlog_leaf_hash((const uint8_t *)"x", 1, h.level[0]);
    for (int l = 1; l < 64; l++)
        pk_tlog_node_hash(h.level[l - 1], h.level[l - 1], h.level[l]);
    pk_tlog_store s = {.ctx = &h, .get_node = huge_get};
    const uint64_t n = (UINT64_C(1) << 62) + 12345, m = (UINT64_C(1) << 40) + 77;
    hash_t rn, rm;
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t len = 0;
    assert_int_equal(pk_tlog_root(&s, n, rn, NULL, 0), PK_OK);
    assert_int_equal(pk_tlog_root(&s, m, rm, NULL, 0), PK_OK);
    h.reads = 0;
    assert_int_equal(pk_tlog_prove_inclusion(&s, n - 2, n, proof, &len, NULL, 0), PK_OK);
    print_message("inclusion proof in 2^62+12345 leaves: %zu nodes, %lu reads\n", len, h.reads);
    assert_true(h.reads <= 128);
    assert_int_equal(pk_tlog_verify_inclusion(h.level[0], n - 2, n, proof, len, rn, NULL, 0),
                     PK_OK);
    h.reads = 0;
    assert_int_equal(pk_tlog_prove_consistency(&s, m, n, proof, &len, NULL, 0), PK_OK);
    print_message("consistency proof 2^40+77 -> 2^62+12345: %zu nodes, %lu reads\n", len, h.reads);
    assert_true(h.reads <= 128);
    assert_int_equal(pk_tlog_verify_consistency(m, n, proof, len, rm, rn, NULL, 0), PK_OK);
    /* the largest size allowed, and one more */
    assert_int_equal(pk_tlog_root(&s, PK_TLOG_MAX_SIZE, rn, NULL, 0), PK_OK);
    assert_memory_equal(rn, h.level[63], 32);
    assert_int_equal(pk_tlog_root(&s, PK_TLOG_MAX_SIZE + 1, rn, NULL, 0), PK_E_USAGE);
    pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
    size_t k = 0;
    assert_int_equal(pk_tlog_append(&s, h.level[0], PK_TLOG_MAX_SIZE - 1, nodes, &k, NULL, 0),
                     PK_OK);
    assert_int_equal(k, 64);
    assert_int_equal(nodes[63].level, 63);
    assert_memory_equal(nodes[63].hash, h.level[63], 32);
    assert_int_equal(pk_tlog_append(&s, h.level[0], PK_TLOG_MAX_SIZE, nodes, &k, NULL, 0),
                     PK_E_LIMIT);
    assert_int_equal(pk_tlog_prove_inclusion(&s, 5, 5, proof, &len, NULL, 0), PK_E_USAGE);
    assert_int_equal(pk_tlog_prove_consistency(&s, 6, 5, proof, &len, NULL, 0), PK_E_USAGE);
}

/* A row edited in the store (as a test of parakhd will do in its database):
 * the root changes, and the consistency proof from a checkpoint a client
 * kept no longer verifies. A store that fails is reported with its message. */
static pk_status failing_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32], char *err,
                             size_t errlen)
{
    (void)ctx, (void)level, (void)index, (void)out;
    snprintf(err, errlen, "database is locked");
    return PK_E_IO;
}

static void test_rewritten_node(void **state)
{
    (void)state;
    fixture *f = fixture_new(40);
    pk_tlog_store s = pk_tlog_mem_store(f->m);
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t len = 0;
    hash_t kept, now, evil;
    memcpy(kept, f->roots[21], 32); /* the client's checkpoint at 21 */
    /* leaf 3 rewritten: its node and every perfect ancestor recomputed,
     * as a careful attacker would */
    pk_tlog_leaf_hash((const uint8_t *)"forged", 6, evil);
    assert_int_equal(pk_tlog_mem_set_node(f->m, 0, 3, evil), PK_OK);
    hash_t l2, l4;
    assert_int_equal(pk_tlog_mem_set_node(f->m, 0, 3, evil), PK_OK);
    pk_tlog_node_hash(f->leaves[2], evil, l2);
    assert_int_equal(pk_tlog_mem_set_node(f->m, 1, 1, l2), PK_OK);
    hash_t l1_0;
    pk_tlog_node_hash(f->leaves[0], f->leaves[1], l1_0);
    pk_tlog_node_hash(l1_0, l2, l4);
    assert_int_equal(pk_tlog_mem_set_node(f->m, 2, 0, l4), PK_OK);
    for (unsigned l = 3; l <= 5; l++) {
        hash_t right, up;
        ref_mth(f->leaves + (UINT64_C(1) << (l - 1)), UINT64_C(1) << (l - 1), right);
        pk_tlog_node_hash(l4, right, up);
        assert_int_equal(pk_tlog_mem_set_node(f->m, l, 0, up), PK_OK);
        memcpy(l4, up, 32);
    }
    assert_int_equal(pk_tlog_root(&s, 40, now, NULL, 0), PK_OK);
    assert_memory_not_equal(now, f->roots[40], 32);
    assert_int_equal(pk_tlog_prove_consistency(&s, 21, 40, proof, &len, NULL, 0), PK_OK);
    char err[200] = "";
    assert_int_equal(pk_tlog_verify_consistency(21, 40, proof, len, kept, now, err, sizeof err),
                     PK_E_FORMAT);
    assert_non_null(strstr(err, "forked or was rewritten"));
    assert_int_equal(pk_tlog_mem_set_node(f->m, 6, 0, evil), PK_E_USAGE);
    /* a failing store: its own message comes through */
    pk_tlog_store bad = {.get_node = failing_get};
    assert_int_equal(pk_tlog_root(&bad, 3, now, err, sizeof err), PK_E_IO);
    assert_string_equal(err, "database is locked");
    assert_int_equal(pk_tlog_prove_inclusion(&bad, 0, 2, proof, &len, err, sizeof err), PK_E_IO);
    pk_tlog_node nodes[PK_TLOG_APPEND_MAX];
    size_t k = 9;
    assert_int_equal(pk_tlog_append(&bad, now, 1, nodes, &k, err, sizeof err), PK_E_IO);
    assert_int_equal(k, 0);
    assert_int_equal(pk_tlog_append(&bad, now, 2, nodes, &k, err, sizeof err), PK_OK);
    assert_int_equal(k, 1);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ct_roots),        cmocka_unit_test(test_ct_paths_and_proofs),
        cmocka_unit_test(test_edge_cases),      cmocka_unit_test(test_argon2020),
        cmocka_unit_test(test_exhaustive_64),   cmocka_unit_test(test_larger_trees),
        cmocka_unit_test(test_huge_tree_reads), cmocka_unit_test(test_rewritten_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
