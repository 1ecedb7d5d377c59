/* keys: formats OpenSSL does not read. The openssh-key-v1 container (PEM
 * "OPENSSH PRIVATE KEY" bodies and raw copies in binaries), SSH public key
 * blobs, PuTTY .ppk files (v2, v3) and the first key packet of an OpenPGP
 * block (RFC 4880 / RFC 9580). All reads go through pk_rd. */
#include "keys_int.h"

#include "../../core/core_int.h"
#include "../../core/rd.h"

#include <stdio.h>
#include <string.h>

size_t pki_keys_b64(const char *s, size_t n, uint8_t *out, size_t cap)
{
    size_t w = pki_b64_decode(s, n, out, cap, PKI_B64_SKIP);
    return w > cap ? cap : w;
}

/* An SSH string (uint32 length, bytes) of at most max bytes. */
static bool ssh_str(pk_rd *r, size_t max, pk_bytes *out)
{
    uint32_t l;
    size_t save = r->pos;
    if (!pk_rd_u32be(r, &l) || l > max || !pk_rd_bytes(r, l, out)) {
        r->pos = save;
        return false;
    }
    return true;
}

static int printable(pk_bytes b)
{
    for (size_t i = 0; i < b.len; i++)
        if (b.ptr[i] < 0x21 || b.ptr[i] > 0x7e)
            return 0;
    return 1;
}

static int str_is(pk_bytes b, const char *s)
{
    return b.len == strlen(s) && memcmp(b.ptr, s, b.len) == 0;
}

/* Bits of a big-endian magnitude (an mpint: leading zeros skipped). */
static int mp_bits(pk_bytes b)
{
    size_t i = 0;
    while (i < b.len && b.ptr[i] == 0)
        i++;
    if (i == b.len || b.len - i > 4096)
        return 0;
    int bits = (int)(b.len - i - 1) * 8;
    for (uint8_t top = b.ptr[i]; top; top >>= 1)
        bits++;
    return bits;
}

int pki_keys_ssh_pub(pk_bytes blob, pki_key_desc *k)
{
    pk_rd r = pk_rd_make(blob);
    pk_bytes t, a, b;
    if (!ssh_str(&r, 64, &t) || t.len == 0 || !printable(t))
        return 0;
    k->type[0] = k->curve[0] = 0;
    k->bits = 0;
    if (str_is(t, "ssh-rsa")) {
        snprintf(k->type, sizeof k->type, "RSA");
        if (ssh_str(&r, 16, &a) && ssh_str(&r, 2048, &b))
            k->bits = mp_bits(b);
    } else if (str_is(t, "ssh-dss")) {
        snprintf(k->type, sizeof k->type, "DSA");
        if (ssh_str(&r, 2048, &a))
            k->bits = mp_bits(a);
    } else if (t.len > 11 && memcmp(t.ptr, "ecdsa-sha2-", 11) == 0) {
        snprintf(k->type, sizeof k->type, "EC");
        if (ssh_str(&r, 31, &a) && printable(a))
            snprintf(k->curve, sizeof k->curve, "%.*s", (int)a.len, (const char *)a.ptr);
        k->bits = strcmp(k->curve, "nistp256") == 0   ? 256
                  : strcmp(k->curve, "nistp384") == 0 ? 384
                  : strcmp(k->curve, "nistp521") == 0 ? 521
                                                      : 0;
    } else if (str_is(t, "ssh-ed25519")) {
        snprintf(k->type, sizeof k->type, "ED25519");
        k->bits = 256;
    } else if (str_is(t, "ssh-ed448")) {
        snprintf(k->type, sizeof k->type, "ED448");
        k->bits = 456;
    } else if (str_is(t, "sk-ssh-ed25519@openssh.com")) {
        snprintf(k->type, sizeof k->type, "ED25519-SK");
        k->bits = 256;
    } else if (str_is(t, "sk-ecdsa-sha2-nistp256@openssh.com")) {
        snprintf(k->type, sizeof k->type, "EC-SK");
        k->bits = 256;
    } else {
        snprintf(k->type, sizeof k->type, "%.*s", (int)t.len, (const char *)t.ptr);
    }
    return 1;
}

int pki_keys_openssh(pk_bytes b, pki_key_desc *k, size_t *used)
{
    pk_rd r = pk_rd_make(b);
    pk_bytes magic, cipher, kdf, kdfopt, pub, priv;
    uint32_t nkeys;
    if (!pk_rd_bytes(&r, 15, &magic) || memcmp(magic.ptr, "openssh-key-v1", 15) != 0)
        return 0;
    if (!ssh_str(&r, 64, &cipher) || cipher.len == 0 || !printable(cipher) ||
        !ssh_str(&r, 64, &kdf) || kdf.len == 0 || !printable(kdf) || !ssh_str(&r, 1024, &kdfopt) ||
        !pk_rd_u32be(&r, &nkeys) || nkeys == 0 || nkeys > 16 || !ssh_str(&r, 65536, &pub))
        return 0;
    for (uint32_t i = 1; i < nkeys; i++) {
        pk_bytes more;
        if (!ssh_str(&r, 65536, &more))
            return 0;
    }
    memset(k, 0, sizeof *k);
    k->kind = PKI_KEY_PRIVATE;
    snprintf(k->format, sizeof k->format, "OpenSSH");
    if (!pki_keys_ssh_pub(pub, k))
        return 0;
    k->encrypted = !str_is(cipher, "none");
    if (k->encrypted)
        snprintf(k->cipher, sizeof k->cipher, "%.*s/%.*s", (int)(cipher.len > 20 ? 20 : cipher.len),
                 (const char *)cipher.ptr, (int)(kdf.len > 16 ? 16 : kdf.len),
                 (const char *)kdf.ptr);
    k->confidence = 70; /* header and public key parsed */
    if (ssh_str(&r, 1u << 20, &priv)) {
        k->confidence = 90;
        if (!k->encrypted && priv.len >= 8 && memcmp(priv.ptr, priv.ptr + 4, 4) == 0)
            k->confidence = 95; /* the check integers match: a real key */
    }
    *used = r.pos;
    return 1;
}

/* PuTTY: one "Key: value" line at r's cursor; the value, trimmed. */
static bool ppk_line(pk_rd *r, const char *key, pk_bytes *val)
{
    size_t kl = strlen(key), s = r->pos;
    if (pk_rd_left(r) < kl + 2 || memcmp(r->p + s, key, kl) != 0 || r->p[s + kl] != ':')
        return false;
    size_t e = s + kl + 1;
    while (e < r->len && r->p[e] != '\n')
        e++;
    size_t vs = s + kl + 1, ve = e;
    while (vs < ve && r->p[vs] == ' ')
        vs++;
    while (ve > vs && (r->p[ve - 1] == '\r' || r->p[ve - 1] == ' '))
        ve--;
    val->ptr = r->p + vs;
    val->len = ve - vs;
    r->pos = e < r->len ? e + 1 : e;
    return true;
}

static uint32_t ppk_num(pk_bytes v)
{
    uint32_t n = 0;
    for (size_t i = 0; i < v.len && i < 4; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return 0;
        n = n * 10 + (uint32_t)(v.ptr[i] - '0');
    }
    return v.len <= 4 ? n : 0;
}

int pki_keys_putty(pk_bytes b, pki_key_desc *k, size_t *used)
{
    pk_rd r = pk_rd_make(b);
    static const char tag[] = "PuTTY-User-Key-File-";
    size_t tl = sizeof tag - 1;
    if (b.len < tl + 4 || memcmp(b.ptr, tag, tl) != 0 || b.ptr[tl] < '1' || b.ptr[tl] > '9')
        return 0;
    char key[24];
    snprintf(key, sizeof key, "%s%c", tag, b.ptr[tl]);
    pk_bytes alg, enc, v;
    if (!ppk_line(&r, key, &alg) || alg.len == 0 || alg.len > 64 || !printable(alg) ||
        !ppk_line(&r, "Encryption", &enc) || enc.len == 0 || enc.len > 32 || !printable(enc))
        return 0;
    memset(k, 0, sizeof *k);
    k->kind = PKI_KEY_PRIVATE;
    snprintf(k->format, sizeof k->format, "PuTTY v%c", b.ptr[tl]);
    snprintf(k->type, sizeof k->type, "%.*s", (int)alg.len, (const char *)alg.ptr);
    k->encrypted = !str_is(enc, "none");
    if (k->encrypted)
        snprintf(k->cipher, sizeof k->cipher, "%.*s", (int)enc.len, (const char *)enc.ptr);
    k->confidence = 70;
    ppk_line(&r, "Comment", &v);
    uint32_t nl;
    if (ppk_line(&r, "Public-Lines", &v) && (nl = ppk_num(v)) > 0 && nl <= 64) {
        uint8_t blob[2048];
        char line[128];
        size_t bl = 0;
        for (uint32_t i = 0; i < nl; i++) {
            size_t s = r.pos, e = s;
            while (e < r.len && r.p[e] != '\n')
                e++;
            size_t ll = e - s;
            if (ll > sizeof line) {
                *used = r.pos;
                return 1;
            }
            memcpy(line, r.p + s, ll);
            bl += pki_keys_b64(line, ll, blob + bl, sizeof blob - bl);
            r.pos = e < r.len ? e + 1 : e;
        }
        pki_key_desc pk = *k;
        if (pki_keys_ssh_pub((pk_bytes){blob, bl}, &pk)) {
            memcpy(k->type, pk.type, sizeof k->type);
            memcpy(k->curve, pk.curve, sizeof k->curve);
            k->bits = pk.bits;
            k->confidence = 85;
        }
        /* the rest: key derivation lines (v3), Private-Lines, Private-MAC */
        for (int guard = 0; guard < 200 && pk_rd_left(&r) > 0; guard++) {
            if (ppk_line(&r, "Private-MAC", &v)) {
                k->confidence = 95;
                break;
            }
            size_t e = r.pos;
            while (e < r.len && r.p[e] != '\n')
                e++;
            r.pos = e < r.len ? e + 1 : e;
        }
    }
    *used = r.pos;
    return 1;
}

/* ---- OpenPGP ---- */

static const struct oid {
    const char *hex, *name;
    int bits;
} oids[] = {
    {"\x2b\x06\x01\x04\x01\xda\x47\x0f\x01", "Ed25519", 256},
    {"\x2b\x06\x01\x04\x01\x97\x55\x01\x05\x01", "Curve25519", 256},
    {"\x2a\x86\x48\xce\x3d\x03\x01\x07", "P-256", 256},
    {"\x2b\x81\x04\x00\x22", "P-384", 384},
    {"\x2b\x81\x04\x00\x23", "P-521", 521},
    {"\x2b\x24\x03\x03\x02\x08\x01\x01\x07", "brainpoolP256r1", 256},
    {"\x2b\x24\x03\x03\x02\x08\x01\x01\x0b", "brainpoolP384r1", 384},
    {"\x2b\x24\x03\x03\x02\x08\x01\x01\x0d", "brainpoolP512r1", 512},
};

/* An MPI: 2-byte bit count, then the bytes. */
static bool pgp_mpi(pk_rd *r, int *bits)
{
    uint16_t nb;
    if (!pk_rd_u16be(r, &nb) || !pk_rd_skip(r, (nb + 7u) / 8u))
        return false;
    if (bits)
        *bits = nb;
    return true;
}

int pki_keys_pgp(pk_bytes b, pki_key_desc *k)
{
    pk_rd r = pk_rd_make(b);
    uint8_t h, ver, algo;
    uint32_t plen = 0, t;
    if (!pk_rd_u8(&r, &h) || !(h & 0x80))
        return 0;
    unsigned tag;
    if (h & 0x40) {
        tag = h & 0x3fu;
        uint8_t l0, l1;
        if (!pk_rd_u8(&r, &l0))
            return 0;
        if (l0 < 192) {
            plen = l0;
        } else if (l0 < 224) {
            if (!pk_rd_u8(&r, &l1))
                return 0;
            plen = ((uint32_t)(l0 - 192) << 8) + l1 + 192;
        } else if (l0 == 255) {
            if (!pk_rd_u32be(&r, &plen))
                return 0;
        } else {
            return 0;
        }
    } else {
        tag = (h >> 2) & 0xfu;
        unsigned lt = h & 3u;
        uint8_t u8;
        uint16_t u16;
        if (lt == 0 && pk_rd_u8(&r, &u8))
            plen = u8;
        else if (lt == 1 && pk_rd_u16be(&r, &u16))
            plen = u16;
        else if (lt == 2 && pk_rd_u32be(&r, &plen))
            ;
        else
            return 0;
    }
    if (tag != 5 && tag != 6 && tag != 7 && tag != 14)
        return 0;
    pk_rd p;
    if (!pk_rd_sub(&r, r.pos, plen, &p) || !pk_rd_u8(&p, &ver) || ver < 3 || ver > 6 ||
        !pk_rd_u32be(&p, &t))
        return 0;
    if (ver == 3 && !pk_rd_skip(&p, 2))
        return 0;
    if (ver >= 5 && !pk_rd_skip(&p, 4))
        return 0;
    if (!pk_rd_u8(&p, &algo))
        return 0;
    memset(k, 0, sizeof *k);
    k->kind = tag == 5 || tag == 7 ? PKI_KEY_PRIVATE : PKI_KEY_PUBLIC;
    k->encrypted = -1;
    snprintf(k->format, sizeof k->format, "OpenPGP v%u", ver);
    k->confidence = 70;
    bool ok = true;
    if (algo <= 3) {
        snprintf(k->type, sizeof k->type, "RSA");
        ok = pgp_mpi(&p, &k->bits) && pgp_mpi(&p, NULL);
    } else if (algo == 17) {
        snprintf(k->type, sizeof k->type, "DSA");
        ok = pgp_mpi(&p, &k->bits) && pgp_mpi(&p, NULL) && pgp_mpi(&p, NULL) && pgp_mpi(&p, NULL);
    } else if (algo == 16 || algo == 20) {
        snprintf(k->type, sizeof k->type, "ElGamal");
        ok = pgp_mpi(&p, &k->bits) && pgp_mpi(&p, NULL) && pgp_mpi(&p, NULL);
    } else if (algo == 18 || algo == 19 || algo == 22) {
        snprintf(k->type, sizeof k->type, "%s", algo == 22 ? "EdDSA" : algo == 18 ? "ECDH" : "EC");
        uint8_t ol;
        pk_bytes oid;
        ok = pk_rd_u8(&p, &ol) && pk_rd_bytes(&p, ol, &oid) && pgp_mpi(&p, NULL);
        for (size_t i = 0; ok && i < sizeof oids / sizeof oids[0]; i++)
            if (oid.len == strlen(oids[i].hex) && memcmp(oid.ptr, oids[i].hex, oid.len) == 0) {
                snprintf(k->curve, sizeof k->curve, "%s", oids[i].name);
                k->bits = oids[i].bits;
            }
        if (ok && algo == 18) {
            uint8_t kl;
            ok = pk_rd_u8(&p, &kl) && pk_rd_skip(&p, kl);
        }
    } else if (algo == 25 || algo == 27) {
        snprintf(k->type, sizeof k->type, "%s", algo == 27 ? "Ed25519" : "X25519");
        k->bits = 256;
        ok = pk_rd_skip(&p, 32);
    } else {
        snprintf(k->type, sizeof k->type, "algorithm %u", algo);
        ok = false;
    }
    if (ok) {
        k->confidence = 90;
        uint8_t s2k;
        if (k->kind == PKI_KEY_PRIVATE && pk_rd_u8(&p, &s2k)) {
            k->encrypted = s2k != 0;
            k->confidence = 95;
        }
    }
    return 1;
}
