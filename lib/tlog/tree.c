/* The log over a store: append, roots and proofs from perfect-subtree nodes.
 *
 * Node (level, index) is the hash of the perfect subtree over leaves
 * [index << level, (index + 1) << level); such a node never changes once its
 * last leaf is appended, so a store only ever inserts. Any subtree RFC 9162
 * names (section 2.1.1: split at the largest power of two below n) is either
 * such a node or a right-edge subtree [lo, lo + len) whose hash folds the
 * perfect nodes of len's binary digits, right to left: at most 64 reads. The
 * recursive definitions of PATH and PROOF (sections 2.1.3.1, 2.1.4.1) are
 * walked top-down with a loop, and at most one subtree on the way is not
 * perfect, so a proof costs O(log n) reads. */
#include <string.h>

#include "tlog_int.h"

/* floor(log2(x)) for x >= 1 */
static unsigned log2_floor(uint64_t x)
{
    return 63u - (unsigned)__builtin_clzll(x);
}

/* The largest power of two strictly smaller than n, for n >= 2. */
static uint64_t split_point(uint64_t n)
{
    return UINT64_C(1) << log2_floor(n - 1);
}

static pk_status get(const pk_tlog_store *s, unsigned level, uint64_t index, uint8_t out[32],
                     char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    pk_status st = s->get_node(s->ctx, level, index, out, err, errlen);
    if (st != PK_OK && err && errlen && !err[0])
        return pki_tlog_fail(st, err, errlen, "tlog: node (%u, %llu) unreadable: %s", level,
                             (unsigned long long)index, pk_status_str(st));
    return st;
}

/* MTH(D[lo : lo + len]) for len >= 1 and lo a multiple of len's highest bit,
 * which every subtree in RFC 9162's recursion is. */
static pk_status range_hash(const pk_tlog_store *s, uint64_t lo, uint64_t len, uint8_t out[32],
                            char *err, size_t errlen)
{
    uint8_t nodes[64][PK_TLOG_HASH_LEN];
    unsigned k = 0;
    unsigned top = log2_floor(len);
    if (lo & ((UINT64_C(1) << top) - 1))
        return pki_tlog_fail(PK_E_INTERNAL, err, errlen, "tlog: unaligned range %llu+%llu",
                             (unsigned long long)lo, (unsigned long long)len);
    uint64_t off = lo;
    for (int b = (int)top; b >= 0; b--) {
        if (!((len >> b) & 1))
            continue;
        pk_status st = get(s, (unsigned)b, off >> b, nodes[k++], err, errlen);
        if (st != PK_OK)
            return st;
        off += UINT64_C(1) << b;
    }
    memcpy(out, nodes[k - 1], PK_TLOG_HASH_LEN);
    for (unsigned i = k - 1; i-- > 0;)
        pk_tlog_node_hash(nodes[i], out, out);
    return PK_OK;
}

pk_status pk_tlog_append(const pk_tlog_store *s, const uint8_t leaf_hash[PK_TLOG_HASH_LEN],
                         uint64_t n, pk_tlog_node *new_nodes, size_t *count, char *err,
                         size_t errlen)
{
    if (!s || !s->get_node || !leaf_hash || !new_nodes || !count)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "tlog: append without store or output");
    *count = 0;
    if (n >= PK_TLOG_MAX_SIZE)
        return pki_tlog_fail(PK_E_LIMIT, err, errlen, "tlog: the log is full (%llu leaves)",
                             (unsigned long long)n);
    size_t k = 0;
    pk_tlog_node *cur = &new_nodes[k++];
    cur->level = 0;
    cur->index = n;
    memcpy(cur->hash, leaf_hash, PK_TLOG_HASH_LEN);
    /* each trailing 1 bit of n is a left sibling that now has its right half */
    while (cur->index & 1) {
        uint8_t left[PK_TLOG_HASH_LEN];
        pk_status st = get(s, cur->level, cur->index - 1, left, err, errlen);
        if (st != PK_OK)
            return st;
        pk_tlog_node *up = &new_nodes[k++];
        up->level = cur->level + 1;
        up->index = cur->index >> 1;
        pk_tlog_node_hash(left, cur->hash, up->hash);
        cur = up;
    }
    *count = k;
    return PK_OK;
}

pk_status pk_tlog_root(const pk_tlog_store *s, uint64_t size, uint8_t root[PK_TLOG_HASH_LEN],
                       char *err, size_t errlen)
{
    if (!s || !s->get_node || !root)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "tlog: root without store or output");
    if (size > PK_TLOG_MAX_SIZE)
        return pki_tlog_fail(PK_E_USAGE, err, errlen, "tlog: tree size %llu out of range",
                             (unsigned long long)size);
    if (size == 0) {
        memcpy(root, pki_tlog_empty_root, PK_TLOG_HASH_LEN);
        return PK_OK;
    }
    return range_hash(s, 0, size, root, err, errlen);
}

/* RFC 9162 lists proof nodes bottom-up; the walk below finds them top-down. */
static void reverse(uint8_t proof[][PK_TLOG_HASH_LEN], size_t len)
{
    for (size_t i = 0, j = len ? len - 1 : 0; i < j; i++, j--) {
        uint8_t t[PK_TLOG_HASH_LEN];
        memcpy(t, proof[i], PK_TLOG_HASH_LEN);
        memcpy(proof[i], proof[j], PK_TLOG_HASH_LEN);
        memcpy(proof[j], t, PK_TLOG_HASH_LEN);
    }
}

pk_status pk_tlog_prove_inclusion(const pk_tlog_store *s, uint64_t index, uint64_t size,
                                  uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN], size_t *len,
                                  char *err, size_t errlen)
{
    if (!s || !s->get_node || !proof || !len)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "tlog: proof without store or output");
    *len = 0;
    if (size > PK_TLOG_MAX_SIZE || index >= size)
        return pki_tlog_fail(PK_E_USAGE, err, errlen, "tlog: no leaf %llu in a tree of %llu leaves",
                             (unsigned long long)index, (unsigned long long)size);
    /* PATH(m, D[lo : lo + n]) for m = index - lo (section 2.1.3.1) */
    uint64_t lo = 0, n = size;
    size_t k = 0;
    while (n > 1) {
        uint64_t half = split_point(n);
        pk_status st;
        if (index - lo < half) {
            st = range_hash(s, lo + half, n - half, proof[k++], err, errlen);
            n = half;
        } else {
            st = range_hash(s, lo, half, proof[k++], err, errlen);
            lo += half;
            n -= half;
        }
        if (st != PK_OK)
            return st;
    }
    reverse(proof, k);
    *len = k;
    return PK_OK;
}

pk_status pk_tlog_prove_consistency(const pk_tlog_store *s, uint64_t m, uint64_t n,
                                    uint8_t proof[PK_TLOG_MAX_PROOF][PK_TLOG_HASH_LEN], size_t *len,
                                    char *err, size_t errlen)
{
    if (!s || !s->get_node || !proof || !len)
        return pki_tlog_fail(PK_E_MISUSE, err, errlen, "tlog: proof without store or output");
    *len = 0;
    if (n > PK_TLOG_MAX_SIZE || m > n)
        return pki_tlog_fail(PK_E_USAGE, err, errlen,
                             "tlog: no consistency proof from size %llu to size %llu",
                             (unsigned long long)m, (unsigned long long)n);
    if (m == 0 || m == n)
        return PK_OK;
    /* SUBPROOF(m, D[lo : lo + size], b) (section 2.1.4.1) */
    uint64_t lo = 0, size = n;
    bool b = true;
    size_t k = 0;
    pk_status st = PK_OK;
    while (m != size) {
        uint64_t half = split_point(size);
        if (m <= half) {
            st = range_hash(s, lo + half, size - half, proof[k++], err, errlen);
            size = half;
        } else {
            st = range_hash(s, lo, half, proof[k++], err, errlen);
            lo += half;
            size -= half;
            m -= half;
            b = false;
        }
        if (st != PK_OK)
            return st;
    }
    if (!b && (st = range_hash(s, lo, size, proof[k++], err, errlen)) != PK_OK)
        return st;
    reverse(proof, k);
    *len = k;
    return PK_OK;
}
