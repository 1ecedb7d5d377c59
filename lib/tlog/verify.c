/* Proof verification, step by step as RFC 9162 writes it (sections 2.1.3.2
 * and 2.1.4.2), so the code can be read against the text. Everything here is
 * input from a possibly hostile log: sizes and lengths are bounded first, and
 * every loop runs at most 64 times per proof node. */
#include <string.h>

#include "tlog_int.h"

static bool same(const uint8_t a[PK_TLOG_HASH_LEN], const uint8_t b[PK_TLOG_HASH_LEN])
{
    return memcmp(a, b, PK_TLOG_HASH_LEN) == 0;
}

pk_status pk_tlog_verify_inclusion(const uint8_t leaf_hash[PK_TLOG_HASH_LEN], uint64_t index,
                                   uint64_t size, const uint8_t (*proof)[PK_TLOG_HASH_LEN],
                                   size_t len, const uint8_t root[PK_TLOG_HASH_LEN], char *err,
                                   size_t errlen)
{
    if (!leaf_hash || !root || (len && !proof))
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "tlog: inclusion check without hashes");
    if (size > PK_TLOG_MAX_SIZE || len > PK_TLOG_MAX_PROOF)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "inclusion proof out of bounds (size %llu, %zu nodes)",
                             (unsigned long long)size, len);
    /* 1. leaf_index >= tree_size fails */
    if (index >= size)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "inclusion proof for leaf %llu of a tree of %llu leaves",
                             (unsigned long long)index, (unsigned long long)size);
    /* 2., 3. */
    uint64_t fn = index, sn = size - 1;
    uint8_t r[PK_TLOG_HASH_LEN];
    memcpy(r, leaf_hash, PK_TLOG_HASH_LEN);
    /* 4. */
    for (size_t i = 0; i < len; i++) {
        const uint8_t *p = proof[i];
        if (sn == 0) /* a. */
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "inclusion proof too long (%zu nodes, %zu used)", len, i);
        if ((fn & 1) || fn == sn) { /* b. */
            pk_tlog_node_hash(p, r, r);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            pk_tlog_node_hash(r, p, r);
        }
        fn >>= 1; /* c. */
        sn >>= 1;
    }
    /* 5. */
    if (sn != 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "inclusion proof too short (%zu nodes)",
                             len);
    if (!same(r, root))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "inclusion proof of leaf %llu does not lead to the root of size %llu",
                             (unsigned long long)index, (unsigned long long)size);
    return PK_OK;
}

pk_status pk_tlog_verify_consistency(uint64_t m, uint64_t n,
                                     const uint8_t (*proof)[PK_TLOG_HASH_LEN], size_t len,
                                     const uint8_t root_m[PK_TLOG_HASH_LEN],
                                     const uint8_t root_n[PK_TLOG_HASH_LEN], char *err,
                                     size_t errlen)
{
    if (!root_m || !root_n || (len && !proof))
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "tlog: consistency check without hashes");
    if (n > PK_TLOG_MAX_SIZE || len > PK_TLOG_MAX_PROOF)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "consistency proof out of bounds (size %llu, %zu nodes)",
                             (unsigned long long)n, len);
    if (m > n)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "the tree shrank from %llu to %llu leaves: the log was rewritten",
                             (unsigned long long)m, (unsigned long long)n);
    /* The RFC's algorithm is for 0 < first < second; the two edges follow
     * from section 2.1.4.1 (PROOF(m, D[m]) is empty; nothing precedes m = 0). */
    if (m == n || m == 0) {
        if (len != 0)
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "consistency proof from %llu to %llu must be empty, has %zu nodes",
                                 (unsigned long long)m, (unsigned long long)n, len);
        if (m == 0 && !same(root_m, pki_tlog_empty_root))
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "the root of the empty tree is not SHA-256 of nothing");
        if (m == n && !same(root_m, root_n))
            return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                                 "two different roots for size %llu: the log forked",
                                 (unsigned long long)m);
        return PK_OK;
    }
    /* 1. */
    if (len == 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "empty consistency proof from %llu to %llu",
                             (unsigned long long)m, (unsigned long long)n);
    /* 2. a first size that is a power of two is itself a node of the proof */
    const uint8_t *first = proof[0];
    size_t next = 1;
    if ((m & (m - 1)) == 0) {
        first = root_m;
        next = 0;
    }
    /* 3., 4. */
    uint64_t fn = m - 1, sn = n - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    /* 5. */
    uint8_t fr[PK_TLOG_HASH_LEN], sr[PK_TLOG_HASH_LEN];
    memcpy(fr, first, PK_TLOG_HASH_LEN);
    memcpy(sr, first, PK_TLOG_HASH_LEN);
    /* 6. */
    for (size_t i = next; i < len; i++) {
        const uint8_t *c = proof[i];
        if (sn == 0) /* a. */
            return pki_tlog_fail(PK_E_FORMAT, err, errlen, "consistency proof too long (%zu nodes)",
                                 len);
        if ((fn & 1) || fn == sn) { /* b. */
            pk_tlog_node_hash(c, fr, fr);
            pk_tlog_node_hash(c, sr, sr);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            pk_tlog_node_hash(sr, c, sr);
        }
        fn >>= 1; /* c. */
        sn >>= 1;
    }
    /* 7. */
    if (sn != 0)
        return pki_tlog_fail(PK_E_FORMAT, err, errlen, "consistency proof too short (%zu nodes)",
                             len);
    if (!same(fr, root_m))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "consistency proof does not lead to the root of size %llu: the log "
                             "forked or was rewritten",
                             (unsigned long long)m);
    if (!same(sr, root_n))
        return pki_tlog_fail(PK_E_FORMAT, err, errlen,
                             "consistency proof does not lead to the root of size %llu: the log "
                             "forked or was rewritten",
                             (unsigned long long)n);
    return PK_OK;
}
