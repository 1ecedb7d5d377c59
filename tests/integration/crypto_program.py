#!/usr/bin/env python3
"""Issue 6, end to end through the CLI: small C programs compiled now, scanned
by the built parakh, and the detection list asserted.

- own: a program with its own AES-128 (S-box and key schedule), SHA-256 (K
  table and compression) and ChaCha20 block function, the tables computed here
  from their definitions (never copied from parakh's rules), and an
  unencrypted PKCS#8 EC key made now by `openssl genpkey` as a string literal.
  The program checks itself against FIPS 197 C.1, SHA-256("abc") and RFC 8439
  2.3.2 before it is scanned. Expected: exactly AES, SHA-256 and
  ChaCha20/Salsa20 (PK-CRY-0001), no weak name, and one PK-KEY-0001 (high, 95)
  at the BEGIN line's byte offset.
- static: EVP_aes_256_gcm, EVP_sha256, EVP_chacha20_poly1305 and
  EVP_aes_128_ecb called through /usr/lib/x86_64-linux-gnu/libcrypto.a, linked
  statically. Expected: the algorithms libcrypto carries (a subset checked on
  this machine: ciphers, hashes with the SHA-2 variants, curves, DH groups),
  ECB in the symbol table (PK-CRY-0005, low: a table of names) and among the
  object names (PK-CRY-0002, low).
- dynamic: the same program linked against libcrypto.so: no constant, the ECB
  API imported (PK-CRY-0005 medium, 90).
- hello: a plain program gives no crypto algorithm and no crypto or key finding.

Skipped (with the reason) only without cc; the static case without libcrypto.a
(libssl-dev), the key without the openssl tool."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import Skip, Suite, check, check_eq, check_consistent, need, have, sh  # noqa: E402

S = Suite("crypto_program")
LIBCRYPTO_A = "/usr/lib/x86_64-linux-gnu/libcrypto.a"
OWN_ALGS = ["AES", "ChaCha20/Salsa20", "SHA-256"]


# ---- the tables, from their definitions --------------------------------------------------
def gf_mul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a = ((a << 1) ^ (0x1b if a & 0x80 else 0)) & 0xff
        b >>= 1
    return r


def aes_sbox():
    """FIPS 197 5.1.1: multiplicative inverse in GF(2^8), then the affine map."""
    s = []
    for x in range(256):
        inv = next((y for y in range(1, 256) if gf_mul(x, y) == 1), 0) if x else 0
        r = inv
        for i in range(1, 5):
            r ^= ((inv << i) | (inv >> (8 - i))) & 0xff
        s.append(r ^ 0x63)
    return s


def primes(n):
    out, c = [], 1
    while len(out) < n:
        c += 1
        if all(c % d for d in range(2, int(c ** 0.5) + 1)):
            out.append(c)
    return out


def icbrt(n):
    lo, hi = 0, 1 << (n.bit_length() // 3 + 2)
    while lo < hi:
        m = (lo + hi + 1) // 2
        lo, hi = (m, hi) if m ** 3 <= n else (lo, m - 1)
    return lo


def sha256_k():
    """FIPS 180-4 4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes."""
    return [icbrt(p << 96) & 0xffffffff for p in primes(64)]


def c_array(ctype, name, vals, fmt="0x%02x"):
    body = ", ".join(fmt % v for v in vals)
    return "const %s %s[%d] = {%s};\n" % (ctype, name, len(vals), body)


OWN_C = r"""
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* external linkage: kept as data even where the compiler folds a use into immediates */
const char chacha_sigma[17] = "expand 32-byte k";
%(tables)s
const char private_key_pem[] =
%(pem)s;

/* ---- AES-128 (FIPS 197) ---- */
static uint8_t xt(uint8_t a) { return (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0)); }

static void aes128_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    uint8_t rk[176], s[16], rc = 1;
    memcpy(rk, key, 16);
    for (int i = 16; i < 176; i += 4) {
        uint8_t t[4];
        memcpy(t, rk + i - 4, 4);
        if (i %% 16 == 0) {
            uint8_t u = t[0];
            t[0] = (uint8_t)(aes_sbox[t[1]] ^ rc);
            t[1] = aes_sbox[t[2]];
            t[2] = aes_sbox[t[3]];
            t[3] = aes_sbox[u];
            rc = xt(rc);
        }
        for (int j = 0; j < 4; j++)
            rk[i + j] = rk[i + j - 16] ^ t[j];
    }
    for (int i = 0; i < 16; i++)
        s[i] = in[i] ^ rk[i];
    for (int r = 1; r <= 10; r++) {
        uint8_t t[16];
        for (int i = 0; i < 16; i++) /* SubBytes and ShiftRows */
            t[i] = aes_sbox[s[(i + 4 * (i %% 4)) %% 16]];
        for (int c = 0; c < 4 && r < 10; c++) { /* MixColumns */
            uint8_t *m = t + 4 * c, a0 = m[0], a1 = m[1], a2 = m[2], a3 = m[3], x = a0 ^ a1 ^ a2 ^ a3;
            m[0] ^= x ^ xt(a0 ^ a1);
            m[1] ^= x ^ xt(a1 ^ a2);
            m[2] ^= x ^ xt(a2 ^ a3);
            m[3] ^= x ^ xt(a3 ^ a0);
        }
        for (int i = 0; i < 16; i++)
            s[i] = t[i] ^ rk[16 * r + i];
    }
    memcpy(out, s, 16);
}

/* ---- SHA-256 (FIPS 180-4), one-block messages ---- */
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
static void sha256_1block(const uint8_t *msg, size_t len, uint8_t out[32])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint8_t b[64] = {0};
    uint32_t w[64], v[8];
    memcpy(b, msg, len);
    b[len] = 0x80;
    b[63] = (uint8_t)(len * 8);
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)b[4 * t] << 24 | (uint32_t)b[4 * t + 1] << 16 | (uint32_t)b[4 * t + 2] << 8 | b[4 * t + 3];
    for (int t = 16; t < 64; t++)
        w[t] = (ROR(w[t - 2], 17) ^ ROR(w[t - 2], 19) ^ (w[t - 2] >> 10)) + w[t - 7] +
               (ROR(w[t - 15], 7) ^ ROR(w[t - 15], 18) ^ (w[t - 15] >> 3)) + w[t - 16];
    memcpy(v, h, sizeof v);
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[t] + w[t];
        uint32_t t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)((h[i] + v[i]) >> (24 - 8 * j));
}

/* ---- ChaCha20 block (RFC 8439 2.3) ---- */
#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d) \
    a += b; d ^= a; d = ROL(d, 16); c += d; b ^= c; b = ROL(b, 12); \
    a += b; d ^= a; d = ROL(d, 8);  c += d; b ^= c; b = ROL(b, 7);
static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void chacha20_block(const uint8_t key[32], uint32_t ctr, const uint8_t nonce[12], uint8_t out[64])
{
    uint32_t s[16], x[16];
    for (int i = 0; i < 4; i++)
        s[i] = le32((const uint8_t *)chacha_sigma + 4 * i);
    for (int i = 0; i < 8; i++)
        s[4 + i] = le32(key + 4 * i);
    s[12] = ctr;
    for (int i = 0; i < 3; i++)
        s[13 + i] = le32(nonce + 4 * i);
    memcpy(x, s, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]) QR(x[1], x[5], x[9], x[13]) QR(x[2], x[6], x[10], x[14])
        QR(x[3], x[7], x[11], x[15]) QR(x[0], x[5], x[10], x[15]) QR(x[1], x[6], x[11], x[12])
        QR(x[2], x[7], x[8], x[13]) QR(x[3], x[4], x[9], x[14])
    }
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)((x[i] + s[i]) >> (8 * j));
}

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%%02x", p[i]);
    printf("\n");
}

int main(void)
{
    uint8_t key[32], pt[16], out[64], nonce[12] = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0};
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 16; i++)
        pt[i] = (uint8_t)(0x11 * i);
    aes128_encrypt(key, pt, out);
    hex(out, 16);
    sha256_1block((const uint8_t *)"abc", 3, out);
    hex(out, 32);
    chacha20_block(key, 1, nonce, out);
    hex(out, 64);
    printf("%%zu\n", strlen(private_key_pem));
    return 0;
}
"""

EVP_C = r"""
#include <openssl/evp.h>
#include <stdio.h>

static int enc(const EVP_CIPHER *c, const unsigned char *in, int n, unsigned char *out)
{
    static const unsigned char key[32] = {1, 2, 3}, iv[16] = {4, 5, 6};
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l = 0, t = 0;
    if (!ctx || !EVP_EncryptInit_ex(ctx, c, NULL, key, iv) ||
        !EVP_EncryptUpdate(ctx, out, &l, in, n) || !EVP_EncryptFinal_ex(ctx, out + l, &t))
        l = -1;
    EVP_CIPHER_CTX_free(ctx);
    return l < 0 ? -1 : l + t;
}

int main(void)
{
    unsigned char msg[32] = "parakh end-to-end crypto test!!", out[64], md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(msg, sizeof msg, md, &mdlen, EVP_sha256(), NULL))
        return 1;
    printf("%d %d %d %u\n", enc(EVP_aes_256_gcm(), msg, 32, out),
           enc(EVP_chacha20_poly1305(), msg, 32, out), enc(EVP_aes_128_ecb(), msg, 32, out), mdlen);
    return 0;
}
"""

HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n'


def build(name, src, *libs):
    need("cc")
    d = S.mkdir("src")
    c = os.path.join(d, name + ".c")
    with open(c, "w") as f:
        f.write(src)
    out = os.path.join(S.mkdir("bin"), name)
    sh(["cc", "-O2", "-o", out, c] + list(libs))
    return out


def scan(binp):
    """The program scanned from its directory: its vpath is its file name."""
    return S.scan(os.path.basename(binp), cwd=os.path.dirname(binp))


def algs(rep, vpath):
    facts = rep.file(vpath).get("facts", {})
    return {a["name"]: a for a in facts.get("crypto", {}).get("algorithms", [])}


def ours(rep, vpath):
    """Findings of the crypto and keys analyzers (the CBOM's verdicts are tested elsewhere)."""
    return [x for x in rep.findings_for(vpath) if x["analyzer"] in ("crypto", "keys")]


def case_own():
    need("cc")
    if not have("openssl"):
        raise Skip("needs the openssl tool for the key (scripts/install-deps.sh)")
    keyfile = os.path.join(S.dir, "key.pem")
    sh(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyfile])
    with open(keyfile) as f:
        pem = f.read()
    check(pem.startswith("-----BEGIN PRIVATE KEY-----\n"), "openssl genpkey wrote PKCS#8 PEM")
    lit = "\n".join('    "%s\\n"' % line for line in pem.splitlines())
    tables = (c_array("uint8_t", "aes_sbox", aes_sbox()) +
              c_array("uint32_t", "sha256_k", sha256_k(), "0x%08x"))
    binp = build("own", OWN_C % {"tables": tables, "pem": lit})
    # the implementations are real: FIPS 197 C.1, SHA-256("abc"), RFC 8439 2.3.2
    import hashlib
    got = subprocess.run([binp], stdout=subprocess.PIPE, check=True).stdout.decode().split()
    check_eq(got[0], "69c4e0d86a7b0430d8cdb78070b4c55a", "AES-128 of FIPS 197 C.1")
    check_eq(got[1], hashlib.sha256(b"abc").hexdigest(), "SHA-256(abc)")
    check_eq(got[2][:32], "10f1e7e4d13b5915500fdd1fa32071c4", "ChaCha20 block of RFC 8439 2.3.2")
    check_eq(int(got[3]), len(pem), "key string length")
    with open(binp, "rb") as f:
        data = f.read()
    key_off = data.find(b"-----BEGIN PRIVATE KEY-----")
    check(key_off > 0 and data.find(b"-----BEGIN PRIVATE KEY-----", key_off + 1) < 0,
          "one PEM key in the program")
    rep = scan(binp)
    check_consistent(rep)
    a = algs(rep, "own")
    check_eq(sorted(a), OWN_ALGS, "algorithms of the self-written program")
    for name, fact in a.items():
        check(fact["count"] >= 1, "%s counted" % name)
    fs = ours(rep, "own")
    rules = sorted({x["rule_id"] for x in fs})
    check_eq(rules, ["PK-CRY-0001", "PK-KEY-0001"], "crypto and key rules on the program")
    cry = [x for x in fs if x["rule_id"] == "PK-CRY-0001"]
    for name in OWN_ALGS:
        hits = [x for x in cry if x["message"].startswith(name + " constant ")]
        check(hits, "no PK-CRY-0001 for %s" % name)
        for x in hits:
            check_eq(x["severity"], "info", "severity of %s" % x["message"][:40])
            ev = bytes.fromhex(x["evidence_hex"])
            check_eq(data[x["offset"]:x["offset"] + len(ev)], ev, "evidence bytes at the offset")
    sbox = bytes(aes_sbox()[:32])
    check(any(x["offset"] == data.find(sbox) and "aes-sbox" in x["message"] for x in cry),
          "aes-sbox at the table's offset %d" % data.find(sbox))
    sigma = data.find(b"expand 32-byte k")
    check(any(x["offset"] == sigma and "chacha-sigma" in x["message"] for x in cry),
          "chacha-sigma at %d" % sigma)
    keys = [x for x in fs if x["rule_id"] == "PK-KEY-0001"]
    check_eq(len(keys), 1, "PK-KEY-0001 findings")
    k = keys[0]
    check_eq((k["severity"], k["confidence"], k["offset"]), ("high", 95, key_off),
             "PK-KEY-0001 severity, confidence, offset")
    check_eq(k["length"], len(pem.rstrip("\n")), "PK-KEY-0001 length: BEGIN to the end of the END line")
    pk = rep.file("own")["facts"]["keys"]["private_keys"]
    check_eq([(x["offset"], x["format"], x["type"], x["bits"], x["encrypted"]) for x in pk],
             [(key_off, "PKCS#8", "EC", 256, False)], "facts.keys.private_keys")


# verified on Debian 12's libcrypto.a (OpenSSL 3.0): a subset of what it carries
STATIC_ALGS = ["AES", "SHA-256", "ChaCha20/Salsa20", "SHA-1", "SHA-224", "SHA-384", "SHA-512",
               "SHA-512/224", "SHA-512/256", "SHA-3/Keccak", "DES", "Camellia", "NIST P-256",
               "NIST P-384", "NIST P-521", "Curve25519/Ed25519", "Curve448", "ffdhe2048", "MODP-2048"]


def case_static():
    need("cc")
    if not os.path.exists(LIBCRYPTO_A):
        raise Skip("needs %s (libssl-dev)" % LIBCRYPTO_A)
    binp = build("static", EVP_C, LIBCRYPTO_A, "-lpthread", "-ldl")
    got = subprocess.run([binp], stdout=subprocess.PIPE, check=True).stdout.decode().split()
    check_eq(got, ["32", "32", "48", "32"], "the static program's output")
    rep = scan(binp)
    check_consistent(rep)
    a = algs(rep, "static")
    missing = [n for n in STATIC_ALGS if n not in a]
    check(not missing, "not found in the static program: %s (found %s)" % (missing, sorted(a)))
    check_eq(a["SHA-384"]["endian"], "little", "SHA-384 IV word order")
    fs = ours(rep, "static")
    check(not [x for x in fs if x["rule_id"].startswith("PK-KEY")], "no key in libcrypto.a's code")
    apis = {x["name"]: x for x in rep.file("static")["facts"]["crypto"]["apis"]}
    for fn in ("EVP_aes_128_ecb", "EVP_aes_256_gcm", "EVP_chacha20_poly1305", "EVP_sha256"):
        check_eq(apis.get(fn, {}).get("role"), "string", "role of %s (a static binary's symbol)" % fn)
    ecb_api = [x for x in fs if x["rule_id"] == "PK-CRY-0005" and "EVP_aes_128_ecb" in x["message"]]
    check_eq([(x["severity"], x["confidence"]) for x in ecb_api], [("low", 30)],
             "PK-CRY-0005 on the static program (libcrypto's symbols: a table)")
    ecb_name = [x for x in fs if x["rule_id"] == "PK-CRY-0002" and "aes-128-ecb" in x["message"]]
    check_eq([(x["severity"], x["confidence"]) for x in ecb_name], [("low", 30)],
             "PK-CRY-0002 on the static program (libcrypto's object names: a table)")


def case_dynamic():
    need("cc")
    if not os.path.exists("/usr/include/openssl/evp.h"):
        raise Skip("needs libssl-dev")
    binp = build("dynamic", EVP_C, "-lcrypto")
    rep = scan(binp)
    check_eq(algs(rep, "dynamic"), {}, "algorithm constants in the dynamic program")
    fs = ours(rep, "dynamic")
    check_eq([(x["rule_id"], x["severity"], x["confidence"], x["evidence"]) for x in fs],
             [("PK-CRY-0005", "medium", 90, "EVP_aes_128_ecb")], "findings on the dynamic program")
    apis = rep.file("dynamic")["facts"]["crypto"]["apis"]
    check_eq(sorted((x["name"], x["role"]) for x in apis),
             sorted((n, "imported") for n in ("EVP_aes_128_ecb", "EVP_aes_256_gcm", "EVP_chacha20_poly1305",
                                             "EVP_sha256", "EVP_EncryptInit_ex")),
             "facts.crypto.apis of the dynamic program")


def case_hello():
    binp = build("hello", HELLO_C)
    rep = scan(binp)
    check_eq(algs(rep, "hello"), {}, "algorithms in hello-world")
    check_eq(ours(rep, "hello"), [], "crypto and key findings on hello-world")
    check("crypto" not in rep.file("hello").get("facts", {}), "no crypto facts on hello-world")


if not have("cc"):
    print("SKIP  all: needs cc (a C compiler) to build the programs")
    print("crypto_program: 0 passed, 0 failed, 1 skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
S.run("own AES, SHA-256, ChaCha20 and a PEM key", case_own)
S.run("static libcrypto.a: EVP AES-GCM, SHA-256, ChaCha20-Poly1305, AES-ECB", case_static)
S.run("dynamic libcrypto: the ECB import", case_dynamic)
S.run("hello-world: nothing", case_hello)
S.finish()
