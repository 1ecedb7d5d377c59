/* OpenPGP signatures of packages, reported (not verified against a keyring):
 * - .rpm: the signature header after the 96-byte lead (rpm's "Package File
 *   Format"): tags RSAHEADER 268, DSAHEADER 267, PGP 1002, GPG 1005 hold
 *   OpenPGP signature packets; SHA256 273 (and SHA1 269) the hex digest of
 *   the main header, which is checked here;
 * - .deb: debsigs' `_gpgorigin` (a detached signature over debian-binary,
 *   control and data) and dpkg-sig's `_gpgbuilder` (clearsigned text) ar
 *   members.
 * Of each signature packet (RFC 4880 5.2) the version, public-key and hash
 * algorithms, creation time and issuer key id are read. */
#include "signing_int.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define RPM_MAX_INDEX   4096u
#define DEB_MAX_MEMBERS 64u

static const char *pk_alg(unsigned a)
{
    switch (a) {
    case 1:
        return "RSA";
    case 3:
        return "RSA-sign";
    case 17:
        return "DSA";
    case 19:
        return "ECDSA";
    case 22:
        return "EdDSA";
    default:
        return "other";
    }
}

static const char *hash_alg(unsigned a)
{
    switch (a) {
    case 1:
        return "MD5";
    case 2:
        return "SHA1";
    case 8:
        return "SHA256";
    case 9:
        return "SHA384";
    case 10:
        return "SHA512";
    case 11:
        return "SHA224";
    default:
        return "other";
    }
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02X", p[i]);
}

/* Reads the first signature packet of b into o; false if there is none. */
static bool pgp_sig(pk_bytes b, pk_fact *o, bool *weak)
{
    pk_rd r = pk_rd_make(b);
    uint8_t t, v;
    uint32_t len = 0;
    if (!pk_rd_u8(&r, &t) || !(t & 0x80))
        return false;
    if (t & 0x40) { /* new format */
        uint8_t l1, l2;
        if ((t & 0x3f) != 2 || !pk_rd_u8(&r, &l1))
            return false;
        if (l1 < 192) {
            len = l1;
        } else if (l1 < 224) {
            if (!pk_rd_u8(&r, &l2))
                return false;
            len = ((uint32_t)(l1 - 192) << 8) + l2 + 192;
        } else if (l1 == 255) {
            if (!pk_rd_u32be(&r, &len))
                return false;
        } else {
            return false; /* partial lengths: not used for signatures */
        }
    } else {
        if (((t >> 2) & 0xf) != 2)
            return false;
        unsigned lt = t & 3;
        uint8_t a;
        uint16_t c;
        if (lt == 0 && pk_rd_u8(&r, &a))
            len = a;
        else if (lt == 1 && pk_rd_u16be(&r, &c))
            len = c;
        else if (lt != 2 || !pk_rd_u32be(&r, &len))
            return false;
    }
    pk_rd body;
    if (len > pk_rd_left(&r) || !pk_rd_sub(&r, r.pos, len, &body) || !pk_rd_u8(&body, &v))
        return false;
    uint8_t pka = 0, ha = 0;
    uint32_t created = 0;
    uint8_t keyid[8];
    bool have_id = false;
    if (v == 3) {
        uint8_t l5, st;
        pk_bytes id;
        if (!pk_rd_u8(&body, &l5) || l5 != 5 || !pk_rd_u8(&body, &st) ||
            !pk_rd_u32be(&body, &created) || !pk_rd_bytes(&body, 8, &id) ||
            !pk_rd_u8(&body, &pka) || !pk_rd_u8(&body, &ha))
            return false;
        memcpy(keyid, id.ptr, 8);
        have_id = true;
    } else if (v == 4 || v == 5) {
        uint8_t st;
        if (!pk_rd_u8(&body, &st) || !pk_rd_u8(&body, &pka) || !pk_rd_u8(&body, &ha))
            return false;
        for (int area = 0; area < 2; area++) { /* hashed, then unhashed subpackets */
            uint16_t alen;
            uint32_t alen32 = 0;
            if (v == 5 && area == 0) {
                if (!pk_rd_u32be(&body, &alen32))
                    return false;
            } else {
                if (!pk_rd_u16be(&body, &alen))
                    return false;
                alen32 = alen;
            }
            pk_rd sp;
            if (!pk_rd_sub(&body, body.pos, alen32, &sp) || !pk_rd_skip(&body, alen32))
                return false;
            while (pk_rd_left(&sp) > 0) {
                uint8_t l1, l2, type;
                uint32_t sl;
                if (!pk_rd_u8(&sp, &l1))
                    break;
                if (l1 < 192) {
                    sl = l1;
                } else if (l1 < 255) {
                    if (!pk_rd_u8(&sp, &l2))
                        break;
                    sl = ((uint32_t)(l1 - 192) << 8) + l2 + 192;
                } else if (!pk_rd_u32be(&sp, &sl)) {
                    break;
                }
                pk_bytes d;
                if (sl == 0 || !pk_rd_u8(&sp, &type) || !pk_rd_bytes(&sp, sl - 1, &d))
                    break;
                type &= 0x7f;
                if (type == 2 && d.len == 4)
                    created = (uint32_t)d.ptr[0] << 24 | (uint32_t)d.ptr[1] << 16 |
                              (uint32_t)d.ptr[2] << 8 | d.ptr[3];
                else if (type == 16 && d.len == 8 && !have_id) {
                    memcpy(keyid, d.ptr, 8);
                    have_id = true;
                } else if (type == 33 && d.len == 21 && !have_id) { /* v4 fingerprint */
                    memcpy(keyid, d.ptr + 13, 8);
                    have_id = true;
                }
            }
        }
    } else {
        return false;
    }
    pk_fact_set_int(o, "version", v);
    pk_fact_set_str(o, "pubkey_algorithm", pk_alg(pka));
    pk_fact_set_str(o, "hash_algorithm", hash_alg(ha));
    if (created) {
        time_t ct = (time_t)created;
        struct tm tm;
        char buf[64];
        if (gmtime_r(&ct, &tm)) {
            strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
            pk_fact_set_str(o, "created", buf);
        }
    }
    if (have_id) {
        char h[17];
        hex(h, keyid, 8);
        pk_fact_set_str(o, "key_id", h);
    }
    *weak = ha == 1 || ha == 2;
    return true;
}

static void emit(pk_emit *out, pk_status *st, const char *rule, pk_severity sev, uint64_t off,
                 size_t len, pk_bytes ev, const char *record, const char *msg)
{
    pk_finding_spec spec = {.rule_id = rule,
                            .severity = sev,
                            .confidence = 100,
                            .loc = {.offset = off, .length = len, .record = record},
                            .evidence = ev};
    pk_status s = pk_emit_finding(out, &spec, "%s", msg);
    if (s != PK_OK && *st == PK_OK)
        *st = s;
}

typedef struct hdr {
    uint64_t off, len; /* the whole header: magic to the end of its store */
    uint32_t nindex, hsize;
} hdr;

static bool read_hdr(const pk_rd *file, uint64_t off, hdr *h)
{
    pk_rd r = *file;
    uint32_t magic, resv;
    if (!pk_rd_seek(&r, off) || !pk_rd_u32be(&r, &magic) || (magic >> 8) != 0x8eade8u ||
        !pk_rd_u32be(&r, &resv) || !pk_rd_u32be(&r, &h->nindex) || !pk_rd_u32be(&r, &h->hsize) ||
        h->nindex > RPM_MAX_INDEX)
        return false;
    h->off = off;
    h->len = 16 + (uint64_t)h->nindex * 16 + h->hsize;
    return off + h->len <= file->len;
}

void pki_sgn_rpm(pk_bytes data, pk_emit *out, pk_status *st)
{
    pk_rd file = pk_rd_make(data);
    hdr sig, main;
    if (data.len < 96 || memcmp(data.ptr, "\xed\xab\xee\xdb", 4) != 0 || !read_hdr(&file, 96, &sig))
        return;
    pk_fact *f = pk_fact_obj(pk_emit_facts(out), "rpm");
    pk_fact *arr = pk_fact_arr(f, "signatures");
    uint64_t moff = (sig.off + sig.len + 7) & ~(uint64_t)7;
    bool have_main = read_hdr(&file, moff, &main);
    unsigned nsig = 0, told = 0;
    uint64_t store = sig.off + 16 + (uint64_t)sig.nindex * 16;
    for (uint32_t i = 0; i < sig.nindex; i++) {
        pk_rd r = file;
        uint32_t tag, type, off, count;
        if (!pk_rd_seek(&r, sig.off + 16 + (uint64_t)i * 16) || !pk_rd_u32be(&r, &tag) ||
            !pk_rd_u32be(&r, &type) || !pk_rd_u32be(&r, &off) || !pk_rd_u32be(&r, &count) ||
            off >= sig.hsize)
            continue;
        uint64_t at = store + off, avail = sig.hsize - off;
        if (tag == 267 || tag == 268 || tag == 1002 || tag == 1005) {
            if (type != 7 || count > avail) /* BIN */
                continue;
            pk_fact *o = pk_fact_push_obj(arr);
            pk_fact_set_int(o, "tag", tag);
            pk_fact_set_str(o, "tag_name",
                            tag == 267    ? "DSAHEADER"
                            : tag == 268  ? "RSAHEADER"
                            : tag == 1002 ? "PGP"
                                          : "GPG");
            bool weak = false;
            if (!pgp_sig((pk_bytes){data.ptr + at, count}, o, &weak))
                pk_fact_set_str(o, "error", "not an OpenPGP signature packet");
            else if (weak)
                emit(out, st, "PK-SIG-0006", PK_SEV_MEDIUM, at, count,
                     (pk_bytes){data.ptr + at, count < 16 ? count : 16}, "rpm signature tag",
                     "rpm OpenPGP signature uses a SHA-1 or MD5 hash.");
            nsig++;
        } else if ((tag == 273 || tag == 269) && type == 6 && have_main) { /* STRING */
            size_t want = tag == 273 ? 64 : 40;
            const EVP_MD *md = tag == 273 ? EVP_sha256() : EVP_sha1();
            if (avail < want)
                continue;
            unsigned char d[EVP_MAX_MD_SIZE];
            unsigned dl = 0;
            char h[2 * EVP_MAX_MD_SIZE + 1];
            if (EVP_Digest(data.ptr + main.off, (size_t)main.len, d, &dl, md, NULL) != 1)
                continue;
            hex(h, d, dl);
            bool ok = strncasecmp(h, (const char *)data.ptr + at, want) == 0;
            pk_fact_set_bool(f, tag == 273 ? "sha256_header_ok" : "sha1_header_ok", ok);
            if (!ok && !told++) /* SHA256 and SHA1 say the same thing: once */
                emit(out, st, "PK-SIG-0009", PK_SEV_HIGH, at, want, (pk_bytes){data.ptr + at, want},
                     tag == 273 ? "SHA256 (273)" : "SHA1 (269)",
                     "rpm header digest does not match the header: the package changed after "
                     "it was built or signed.");
        }
    }
    pk_fact_set_bool(f, "signed", nsig > 0);
}

/* Base64 of an armored block's body (after the blank line, before '='). */
static size_t dearmor(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
    static const char begin[] = "-----BEGIN PGP SIGNATURE-----";
    const uint8_t *b = memmem(p, n, begin, sizeof begin - 1);
    if (!b)
        return 0;
    const uint8_t *e = p + n;
    const uint8_t *s = memmem(b, (size_t)(e - b), "\n\n", 2);
    const uint8_t *s2 = memmem(b, (size_t)(e - b), "\r\n\r\n", 4);
    if (s2 && (!s || s2 < s))
        s = s2 + 2;
    if (!s)
        return 0;
    s += 2;
    char *txt = pki_malloc((size_t)(e - s) + 1);
    if (!txt)
        return 0;
    size_t k = 0, pad = 0;
    /* the body ends at the CRC line ("=XXXX" at a line start) or the END line */
    for (const uint8_t *q = s; q < e && *q != '-'; q++) {
        bool bol = q == s || q[-1] == '\n';
        if (*q == '=' && bol)
            break;
        if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
            *q == '+' || *q == '/' || *q == '=') {
            txt[k++] = (char)*q;
            pad = *q == '=' ? pad + 1 : 0;
        }
    }
    size_t got = 0;
    if (k % 4 == 0 && k / 4 * 3 <= cap && pad <= 2) {
        int m = EVP_DecodeBlock(out, (const unsigned char *)txt, (int)k);
        got = m > (int)pad ? (size_t)m - pad : 0;
    }
    pki_free(txt);
    return got;
}

void pki_sgn_deb(pk_bytes data, pk_emit *out, pk_status *st)
{
    (void)st;
    pk_rd r = pk_rd_make(data);
    if (data.len < 8 || memcmp(data.ptr, "!<arch>\n", 8) != 0 || !pk_rd_seek(&r, 8))
        return;
    pk_fact *f = NULL, *arr = NULL;
    unsigned nsig = 0;
    for (unsigned i = 0; i < DEB_MAX_MEMBERS && pk_rd_left(&r) >= 60; i++) {
        pk_bytes h;
        if (!pk_rd_bytes(&r, 60, &h))
            break;
        uint64_t size = 0;
        for (size_t k = 48; k < 58 && h.ptr[k] >= '0' && h.ptr[k] <= '9'; k++)
            size = size * 10 + (uint64_t)(h.ptr[k] - '0');
        uint64_t at = r.pos;
        size_t nl = 16;
        while (nl > 0 && (h.ptr[nl - 1] == ' ' || h.ptr[nl - 1] == '/'))
            nl--;
        if (size > pk_rd_left(&r))
            break;
        bool origin = nl == 10 && memcmp(h.ptr, "_gpgorigin", 10) == 0;
        bool builder = nl == 11 && memcmp(h.ptr, "_gpgbuilder", 11) == 0;
        if (origin || builder) {
            if (!f) {
                f = pk_fact_obj(pk_emit_facts(out), "deb");
                arr = pk_fact_arr(f, "signatures");
            }
            pk_fact *o = pk_fact_push_obj(arr);
            pk_fact_set_str(o, "member", origin ? "_gpgorigin" : "_gpgbuilder");
            pk_fact_set_str(o, "tool", origin ? "debsigs" : "dpkg-sig");
            pk_bytes m = {data.ptr + at, (size_t)size};
            uint8_t *bin = NULL;
            if (m.len && !(m.ptr[0] & 0x80)) { /* armored */
                size_t cap = m.len;
                bin = pki_malloc(cap + 3);
                size_t got = bin ? dearmor(m.ptr, m.len, bin, cap + 3) : 0;
                m = (pk_bytes){bin, got};
            }
            bool weak = false;
            if (!pgp_sig(m, o, &weak))
                pk_fact_set_str(o, "error", "no OpenPGP signature packet");
            else
                nsig++;
            pki_free(bin);
        }
        if (!pk_rd_skip(&r, size + (size & 1)))
            break;
    }
    if (f)
        pk_fact_set_bool(f, "signed", nsig > 0);
}
