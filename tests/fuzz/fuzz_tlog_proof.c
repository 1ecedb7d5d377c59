/* Fuzz target: proof verification (lib/tlog/verify.c) with hostile sizes,
 * indices and proofs, and the store-backed proofs (tree.c, mem.c).
 *
 * Input: a mode byte. Mode even ("raw"): m, n and index as 8-byte big-endian
 * numbers, a proof length byte, then 32-byte hashes (leaf, root_m, root_n,
 * the proof nodes; missing bytes are zero). Both verifiers run: they must
 * return, never crash or loop, and refuse with a reason. Mode odd ("real"):
 * two sizes and an index taken modulo a 300-leaf log built once, the real
 * proofs generated, then XORed with the rest of the input: verification must
 * succeed exactly when the XOR changed nothing. */
#include <stdint.h>
#include <string.h>

#include "tlog/tlog_int.h"

#define LEAVES 300

static pk_tlog_mem *mem;
static uint8_t leaf_hash[LEAVES][32];
static uint8_t roots[LEAVES + 1][32];

static void log_once(void)
{
    if (mem)
        return;
    if (pk_tlog_mem_new(&mem) != PK_OK)
        __builtin_trap();
    pk_tlog_store s = pk_tlog_mem_store(mem);
    memcpy(roots[0], pki_tlog_empty_root, 32);
    for (int i = 0; i < LEAVES; i++) {
        uint8_t b = (uint8_t)i;
        pk_tlog_leaf_hash(&b, 1, leaf_hash[i]);
        if (pk_tlog_mem_append(mem, leaf_hash[i], NULL) != PK_OK ||
            pk_tlog_root(&s, (uint64_t)i + 1, roots[i + 1], NULL, 0) != PK_OK)
            __builtin_trap();
    }
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void raw(const uint8_t *d, size_t n)
{
    uint8_t buf[25 + 3 * 32 + 80 * 32];
    memset(buf, 0, sizeof buf);
    memcpy(buf, d, n < sizeof buf ? n : sizeof buf);
    uint64_t m = be64(buf), sz = be64(buf + 8), idx = be64(buf + 16);
    size_t len = buf[24] % 80; /* up to 79: lengths past the bound are probed too */
    const uint8_t *h = buf + 25;
    const uint8_t(*proof)[32] = (const uint8_t(*)[32])(h + 96);
    char err[256] = "";
    pk_status st = pk_tlog_verify_inclusion(h, idx, sz, proof, len, h + 32, err, sizeof err);
    if (st != PK_OK && (st != PK_E_FORMAT || !err[0]))
        __builtin_trap();
    err[0] = '\0';
    st = pk_tlog_verify_consistency(m, sz, proof, len, h + 32, h + 64, err, sizeof err);
    if (st != PK_OK && (st != PK_E_FORMAT || !err[0]))
        __builtin_trap();
}

static void real(const uint8_t *d, size_t n)
{
    log_once();
    if (n < 7)
        return;
    uint64_t a = ((uint64_t)d[0] << 8 | d[1]) % (LEAVES + 1);
    uint64_t b = ((uint64_t)d[2] << 8 | d[3]) % (LEAVES + 1);
    uint64_t m = a < b ? a : b, sz = a < b ? b : a;
    uint64_t idx = sz ? ((uint64_t)d[4] << 8 | d[5]) % sz : 0;
    d += 6, n -= 6;
    pk_tlog_store s = pk_tlog_mem_store(mem);
    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN];
    size_t len = 0;
    bool changed = false;
    /* the mask runs over the proof, then the roots */
    if (sz > 0) {
        if (pk_tlog_prove_inclusion(&s, idx, sz, proof, &len, NULL, 0) != PK_OK)
            __builtin_trap();
        uint8_t root[32];
        memcpy(root, roots[sz], 32);
        for (size_t i = 0; i < n && i < len * 32 + 32; i++) {
            uint8_t *p = i < len * 32 ? &proof[i / 32][i % 32] : &root[i - len * 32];
            *p ^= d[i];
            changed |= d[i] != 0;
        }
        pk_status st = pk_tlog_verify_inclusion(leaf_hash[idx], idx, sz, proof, len, root, NULL, 0);
        if ((st == PK_OK) == changed)
            __builtin_trap();
    }
    if (pk_tlog_prove_consistency(&s, m, sz, proof, &len, NULL, 0) != PK_OK)
        __builtin_trap();
    uint8_t r1[32], r2[32];
    memcpy(r1, roots[m], 32);
    memcpy(r2, roots[sz], 32);
    changed = false;
    for (size_t i = 0; i < n && i < len * 32 + 64; i++) {
        uint8_t *p = i < len * 32        ? &proof[i / 32][i % 32]
                     : i < len * 32 + 32 ? &r1[i - len * 32]
                                         : &r2[i - len * 32 - 32];
        *p ^= d[i];
        changed |= d[i] != 0;
    }
    pk_status st = pk_tlog_verify_consistency(m, sz, proof, len, r1, r2, NULL, 0);
    /* the proofs are empty at the edges, where only the roots count: the
     * empty tree's root is fixed and precedes anything; a size is consistent
     * with itself exactly when the two roots agree */
    bool ok;
    if (m == 0)
        ok = memcmp(r1, roots[0], 32) == 0 && (sz != 0 || memcmp(r1, r2, 32) == 0);
    else if (m == sz)
        ok = memcmp(r1, r2, 32) == 0;
    else
        ok = !changed;
    bool must_fail = !ok;
    if ((st == PK_OK) == must_fail)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n == 0 || n > 8192)
        return 0;
    if (d[0] & 1)
        real(d + 1, n - 1);
    else
        raw(d + 1, n - 1);
    return 0;
}
