/* keys: key material in any file, binaries included: PEM blocks (certificates,
 * private and public keys, OpenSSH and OpenPGP armour, also PEM inside C-like
 * string literals), binary openssh-key-v1 structures, PuTTY key files and
 * whole-file DER (certificate, PKCS#8, SubjectPublicKeyInfo, PKCS#12).
 *
 * The pass only records where markers are (on_match); analyze() cuts each
 * block out of the mapped bytes, normalises it and parses it with OpenSSL
 * (keys_x509.c) or the small SSH/PuTTY/OpenPGP parsers (keys_ssh.c).
 * Files parakh opens as containers are skipped: their entries come as files. */
/* memmem: _GNU_SOURCE comes from the build */
#include "keys_int.h"

#include "../../core/core_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_MARKS    512u   /* markers remembered per file */
#define MAX_FINDINGS 600u   /* findings per file; further items only counted in facts */
#define MAX_BLOCK    65536u /* bytes from BEGIN to its END line */
#define MAX_LABEL    40u
#define MIN_B64      40u  /* base64 characters a body needs to be more than a mention */
#define MAX_DER      256u /* embedded DER candidates tried per file */

/* Pattern ids: the three text markers, then DER structures by index in der_pats. */
enum { PAT_PEM = 0, PAT_OPENSSH, PAT_PUTTY, PAT_DER };

/* DER structures at any offset (keys and certificates compiled into a
 * program as bytes): fixed-length regexes, `len` bytes from the structure's
 * start, except the PKCS#8 EC one, which starts 2 to 4 bytes earlier. */
static const struct der_pat {
    const char *re;
    size_t len;
    const char *label; /* for pki_keys_der_key; NULL: a certificate */
} der_pats[] = {
    /* Certificate: SEQUENCE, tbsCertificate SEQUENCE, [0] version v3 */
    {"\\x30\\x82..\\x30\\x82..\\xa0\\x03\\x02\\x01\\x02", 13, NULL},
    /* PKCS#8 RSA: version 0, rsaEncryption, NULL */
    {"\\x30\\x82..\\x02\\x01\\x00\\x30\\x0d\\x06\\x09\\x2a\\x86\\x48\\x86\\xf7\\x0d\\x01\\x01\\x01"
     "\\x05\\x00",
     22, "PRIVATE KEY"},
    /* PKCS#8 EC: version 0, id-ecPublicKey, then the curve OID */
    {"\\x02\\x01\\x00\\x30\\x13\\x06\\x07\\x2a\\x86\\x48\\xce\\x3d\\x02\\x01\\x06", 15,
     "PRIVATE KEY"},
    /* PKCS#8 Ed25519 (RFC 8410): the whole 16-byte prefix */
    {"\\x30\\x2e\\x02\\x01\\x00\\x30\\x05\\x06\\x03\\x2b\\x65\\x70\\x04\\x22\\x04\\x20", 16,
     "PRIVATE KEY"},
    /* PKCS#1 RSA: version 0, modulus INTEGER of 128 to 65535 bytes, or of 65
     * (a 512-bit modulus with its sign byte: test keys, PK-KEY-0003 weak) */
    {"\\x30\\x82..\\x02\\x01\\x00\\x02[\\x41\\x81\\x82]", 9, "RSA PRIVATE KEY"},
    /* SEC1 P-256 and P-384 (RFC 5915), with the curve OID */
    {"\\x30\\x77\\x02\\x01\\x01\\x04\\x20.{32}\\xa0\\x0a\\x06\\x08\\x2a\\x86\\x48\\xce\\x3d\\x03"
     "\\x01\\x07",
     51, "EC PRIVATE KEY"},
    {"\\x30\\x81\\xa4\\x02\\x01\\x01\\x04\\x30.{48}\\xa0\\x07\\x06\\x05\\x2b\\x81\\x04\\x00\\x22",
     64, "EC PRIVATE KEY"},
    /* Certificate v1 (no [0] version: RFC 5280 4.1.2.1 DEFAULT v1): the
     * serial INTEGER of 1 to 20 bytes; der_embedded wants the signature
     * AlgorithmIdentifier (30 LL 06) after it before d2i_X509 is tried */
    {"\\x30\\x82..\\x30\\x82..\\x02[\\x01-\\x14]", 10, NULL},
};
#define DER_P8EC 2
#define DER_V1   7
#define NDER     (sizeof der_pats / sizeof der_pats[0])

static const char m_pem[] = "-----BEGIN ";
static const char m_openssh[] = "openssh-key-v1"; /* + its NUL */
static const char m_putty[] = "PuTTY-User-Key-File-";
#define LEN_PEM     (sizeof m_pem - 1)
#define LEN_OPENSSH sizeof m_openssh
#define LEN_PUTTY   (sizeof m_putty - 1)

typedef struct fstate {
    uint32_t n, lost;
    uint64_t off[MAX_MARKS];
    uint8_t pat[MAX_MARKS];
} fstate;

static pk_status keys_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    pk_status st = pk_match_add(reg, PAT_PEM, m_pem, LEN_PEM, PK_PAT_LITERAL);
    if (st == PK_OK)
        st = pk_match_add(reg, PAT_OPENSSH, m_openssh, LEN_OPENSSH, PK_PAT_LITERAL);
    if (st == PK_OK)
        st = pk_match_add(reg, PAT_PUTTY, m_putty, LEN_PUTTY, PK_PAT_LITERAL);
    for (size_t i = 0; i < NDER && st == PK_OK; i++)
        st = pk_match_add(reg, (uint32_t)(PAT_DER + i), der_pats[i].re, 0, PK_PAT_DOTALL);
    return st;
}

static void keys_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                       pk_emit *out)
{
    (void)state;
    (void)out;
    fstate *f = fs;
    if (pk_ftype_is_container(file->type))
        return;
    if (hit->pat >= PAT_DER + NDER)
        return;
    size_t len = hit->pat == PAT_PEM       ? LEN_PEM
                 : hit->pat == PAT_OPENSSH ? LEN_OPENSSH
                 : hit->pat == PAT_PUTTY   ? LEN_PUTTY
                                           : der_pats[hit->pat - PAT_DER].len;
    if (hit->end < len)
        return;
    if (f->n >= MAX_MARKS) {
        f->lost++;
        return;
    }
    f->off[f->n] = hit->end - len;
    f->pat[f->n++] = (uint8_t)hit->pat;
}

/* ---- emitting ---- */

void pki_keys_finding(pki_keys_ctx *c, const char *rule, pk_severity sev, uint8_t conf,
                      const pki_key_site *s, const char *fmt, ...)
{
    if (c->nfind >= MAX_FINDINGS)
        return;
    c->nfind++;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_finding_spec spec = {rule, sev, conf, {s->off, s->len, NULL}, s->ev};
    pk_emit_finding(c->out, &spec, "%s", msg);
}

static int is_type(const char *t, const char *want)
{
    return strncmp(t, want, strlen(want)) == 0;
}

void pki_keys_emit_key(pki_keys_ctx *c, const pki_key_site *s, const pki_key_desc *k)
{
    char bits[24] = "";
    if (k->bits)
        snprintf(bits, sizeof bits, " %d-bit", k->bits);
    const char *enc = k->encrypted == 1   ? "encrypted"
                      : k->encrypted == 0 ? "not encrypted"
                                          : "encryption unknown";
    pk_fact *facts = pk_emit_facts(c->out);
    if (k->kind == PKI_KEY_PRIVATE) {
        c->privs++;
        pk_severity sev = k->encrypted == 0 ? PK_SEV_HIGH : PK_SEV_MEDIUM;
        pki_keys_finding(c, "PK-KEY-0001", sev, k->confidence, s,
                         "Private key in the product: %s%s%s%s (%s), %s%s%s.",
                         k->type[0] ? k->type : "type unknown", bits, k->curve[0] ? " " : "",
                         k->curve, k->format, enc, k->cipher[0] ? " with " : "", k->cipher);
        pk_fact *e = pk_fact_push_obj(pk_fact_arr(facts, "private_keys"));
        if (e) {
            pk_fact_set_int(e, "offset", (int64_t)s->off);
            pk_fact_set_int(e, "length", (int64_t)s->len);
            pk_fact_set_str(e, "format", k->format);
            if (k->type[0])
                pk_fact_set_str(e, "type", k->type);
            if (k->bits)
                pk_fact_set_int(e, "bits", k->bits);
            if (k->curve[0])
                pk_fact_set_str(e, "curve", k->curve);
            if (k->encrypted >= 0)
                pk_fact_set_bool(e, "encrypted", k->encrypted);
            if (k->cipher[0])
                pk_fact_set_str(e, "cipher", k->cipher);
            pk_fact_set_int(e, "confidence", k->confidence);
        }
    } else {
        c->pubs++;
        pki_keys_finding(c, "PK-KEY-0005", PK_SEV_INFO, k->confidence, s,
                         "Public key: %s%s%s%s (%s).", k->type[0] ? k->type : "type unknown", bits,
                         k->curve[0] ? " " : "", k->curve, k->format);
    }
    if (k->bits > 0 && k->confidence >= 60 &&
        (((is_type(k->type, "RSA") || is_type(k->type, "DSA")) && k->bits < 2048) ||
         (is_type(k->type, "EC") && k->bits < 224)))
        pki_keys_finding(c, "PK-KEY-0003", PK_SEV_MEDIUM, 90, s,
                         "Weak %s key: %s %d-bit is below the %d bits SP 800-131A Rev.2 "
                         "allows.",
                         k->kind == PKI_KEY_PRIVATE ? "private" : "public", k->type, k->bits,
                         is_type(k->type, "EC") ? 224 : 2048);
}

/* ---- PEM blocks ---- */

enum {
    L_CERT = 1,
    L_TCERT,
    L_PRIV,
    L_RSA,
    L_EC,
    L_DSA,
    L_ENC,
    L_OPENSSH,
    L_PUB,
    L_RSAPUB,
    L_PGPPRIV,
    L_PGPPUB,
};

static const struct label {
    const char *name;
    int id, kind;
} labels[] = {
    {"CERTIFICATE", L_CERT, PKI_KEY_CERT},
    {"X509 CERTIFICATE", L_CERT, PKI_KEY_CERT},
    {"TRUSTED CERTIFICATE", L_TCERT, PKI_KEY_CERT},
    {"PRIVATE KEY", L_PRIV, PKI_KEY_PRIVATE},
    {"RSA PRIVATE KEY", L_RSA, PKI_KEY_PRIVATE},
    {"EC PRIVATE KEY", L_EC, PKI_KEY_PRIVATE},
    {"DSA PRIVATE KEY", L_DSA, PKI_KEY_PRIVATE},
    {"ENCRYPTED PRIVATE KEY", L_ENC, PKI_KEY_PRIVATE},
    {"OPENSSH PRIVATE KEY", L_OPENSSH, PKI_KEY_PRIVATE},
    {"PUBLIC KEY", L_PUB, PKI_KEY_PUBLIC},
    {"RSA PUBLIC KEY", L_RSAPUB, PKI_KEY_PUBLIC},
    {"PGP PRIVATE KEY BLOCK", L_PGPPRIV, PKI_KEY_PRIVATE},
    {"PGP PUBLIC KEY BLOCK", L_PGPPUB, PKI_KEY_PUBLIC},
};

static int b64c(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/' || ch == '=';
}

/* The body of a block inside a string literal ("...\n" "..."): the literal's
 * characters with escapes resolved; stops where the expression ends. */
static size_t unescape(const uint8_t *p, size_t n, char *out)
{
    size_t w = 0;
    int in = 1;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = p[i];
        if (in) {
            if (ch == '"') {
                in = 0;
            } else if (ch == '\\' && i + 1 < n) {
                uint8_t e = p[++i];
                if (e == 'n')
                    out[w++] = '\n';
                else if (e == '"' || e == '\\')
                    out[w++] = (char)e;
                /* \r, \t, a line continuation: nothing the body needs */
            } else {
                out[w++] = (char)ch;
            }
        } else if (ch == '"') {
            in = 1;
        } else if (ch == '\n' && w > 0 && out[w - 1] != '\n') {
            out[w++] = '\n'; /* "abc" newline "def": keep lines apart */
        } else if (!(ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '+' ||
                     ch == '\\' || ch == ',')) {
            break; /* ';', ')', ...: the literal is over */
        }
    }
    return w;
}

typedef struct body {
    char *b64; /* base64 characters of the body */
    size_t nb64;
    int garbage;  /* lines that are neither header nor base64 */
    int proc_enc; /* Proc-Type: 4,ENCRYPTED */
    char dek[40]; /* DEK-Info cipher */
} body;

/* Splits text into lines: RFC 1421 headers, base64, PGP checksum; when the
 * END line is missing (`ended` 0), the body stops at the first other line. */
static void parse_body(const char *t, size_t n, int ended, body *b)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && t[j] != '\n')
            j++;
        size_t s = i, e = j;
        i = j + 1;
        while (s < e && (t[s] == ' ' || t[s] == '\t' || t[s] == '\r'))
            s++;
        while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r'))
            e--;
        size_t len = e - s;
        const char *l = t + s;
        if (len == 0) {
            if (!ended && b->nb64)
                break;
            continue;
        }
        if (b->nb64 == 0 && memchr(l, ':', len)) {
            if (len > 10 && memcmp(l, "Proc-Type:", 10) == 0 && memmem(l, len, "ENCRYPTED", 9))
                b->proc_enc = 1;
            if (len > 9 && memcmp(l, "DEK-Info:", 9) == 0) {
                size_t k = 9, w = 0;
                while (k < len && l[k] == ' ')
                    k++;
                while (k < len && l[k] != ',' && w + 1 < sizeof b->dek)
                    b->dek[w++] = l[k++];
                b->dek[w] = 0;
            }
            continue;
        }
        if (l[0] == '=' && len == 5 && b->nb64)
            continue; /* OpenPGP armour checksum */
        size_t k = 0;
        while (k < len && b64c((uint8_t)l[k]))
            k++;
        if (k < len) {
            b->garbage++;
            if (!ended)
                break;
            continue;
        }
        memcpy(b->b64 + b->nb64, l, len);
        b->nb64 += len;
    }
}

/* One PEM block at off; returns the offset after it. */
static uint64_t pem_block(pki_keys_ctx *c, pk_bytes d, uint64_t off)
{
    size_t p = (size_t)off + LEN_PEM, ll = 0;
    if (d.len < LEN_PEM || off > d.len - LEN_PEM)
        return off + LEN_PEM;
    while (p + ll < d.len && ll <= MAX_LABEL &&
           ((d.ptr[p + ll] >= 'A' && d.ptr[p + ll] <= 'Z') ||
            (d.ptr[p + ll] >= '0' && d.ptr[p + ll] <= '9') || d.ptr[p + ll] == ' '))
        ll++;
    if (ll == 0 || ll > MAX_LABEL || d.len - (p + ll) < 5 || memcmp(d.ptr + p + ll, "-----", 5))
        return off + LEN_PEM;
    const struct label *lab = NULL;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strlen(labels[i].name) == ll && memcmp(labels[i].name, d.ptr + p, ll) == 0)
            lab = &labels[i];
    size_t hdr_end = p + ll + 5;
    if (!lab)
        return hdr_end; /* CRLs, requests, parameters: not key material */
    size_t limit = d.len - (size_t)off > MAX_BLOCK ? (size_t)off + MAX_BLOCK : d.len;
    const uint8_t *nul = memchr(d.ptr + hdr_end, 0, limit - hdr_end);
    if (nul)
        limit = (size_t)(nul - d.ptr); /* a C string in a binary ends there */
    int strmode = hdr_end < limit && (d.ptr[hdr_end] == '\\' || d.ptr[hdr_end] == '"');
    const uint8_t *endm = memmem(d.ptr + hdr_end, limit - hdr_end, "-----END ", 9);
    size_t body_end = endm ? (size_t)(endm - d.ptr) : limit, blk_end = hdr_end;
    int ended = 0;
    if (endm) {
        size_t q = body_end + 9;
        if (limit - q >= ll + 5 && memcmp(d.ptr + q, d.ptr + p, ll) == 0 &&
            memcmp(d.ptr + q + ll, "-----", 5) == 0) {
            ended = 1;
            blk_end = q + ll + 5;
        } else {
            body_end = limit; /* another block's END: this one is cut short */
            endm = NULL;
        }
    }
    size_t blen = body_end - hdr_end;
    char *text = pki_malloc(blen + 1);
    body b = {0};
    b.b64 = pki_malloc(blen + 1);
    if (!text || !b.b64) {
        pki_free(text);
        pki_free(b.b64);
        return blk_end;
    }
    size_t tn = blen;
    if (strmode)
        tn = unescape(d.ptr + hdr_end, blen, text);
    else
        memcpy(text, d.ptr + hdr_end, blen);
    parse_body(text, tn, ended, &b);
    pki_free(text);
    pki_key_site site = {off, (ended ? blk_end : hdr_end) - off, {d.ptr + off, hdr_end - off}};
    if (b.nb64 < MIN_B64) {
        pki_free(b.b64);
        return ended ? blk_end : hdr_end; /* a mention of the marker, not a block */
    }
    uint8_t *der = pki_malloc(b.nb64);
    size_t dn = der ? pki_keys_b64(b.b64, b.nb64, der, b.nb64) : 0;
    pki_free(b.b64);
    int ok = 0;
    pki_key_desc k = {0};
    k.kind = lab->kind;
    k.encrypted = -1;
    if (ended && der) {
        switch (lab->id) {
        case L_CERT:
        case L_TCERT:
            ok = pki_keys_der_cert(c, &site, der, dn, lab->id == L_TCERT);
            break;
        case L_RSA:
        case L_EC:
        case L_DSA:
            if (b.proc_enc) {
                snprintf(k.format, sizeof k.format, "PEM, legacy encryption");
                snprintf(k.type, sizeof k.type, "%s",
                         lab->id == L_RSA  ? "RSA"
                         : lab->id == L_EC ? "EC"
                                           : "DSA");
                k.encrypted = 1;
                snprintf(k.cipher, sizeof k.cipher, "%s", b.dek);
                k.confidence = 80;
                pki_keys_emit_key(c, &site, &k);
                ok = 1;
                break;
            }
            /* fallthrough */
        case L_PRIV:
        case L_ENC:
        case L_PUB:
        case L_RSAPUB:
            ok = pki_keys_der_key(c, &site, lab->name, der, dn);
            break;
        case L_OPENSSH: {
            size_t used;
            if ((ok = pki_keys_openssh((pk_bytes){der, dn}, &k, &used)) != 0)
                pki_keys_emit_key(c, &site, &k);
            break;
        }
        case L_PGPPRIV:
        case L_PGPPUB:
            if ((ok = pki_keys_pgp((pk_bytes){der, dn}, &k)) != 0) {
                k.kind = lab->kind; /* the armour names the block; a subkey may lead */
                pki_keys_emit_key(c, &site, &k);
            }
            break;
        }
    }
    pki_free(der);
    if (!ok) {
        const char *why = !ended      ? "has no END line within 64 KiB"
                          : b.garbage ? "has lines that are not base64"
                                      : "does not parse";
        if (lab->kind == PKI_KEY_CERT) {
            pki_keys_finding(c, "PK-KEY-0002", PK_SEV_INFO, 30, &site,
                             "Certificate marker (%s) whose body %s; check by hand.", lab->name,
                             why);
        } else {
            memset(&k, 0, sizeof k);
            k.kind = lab->kind;
            k.encrypted = -1;
            snprintf(k.format, sizeof k.format, "PEM %s", lab->id == L_ENC ? "PKCS#8" : "block");
            if (lab->id == L_ENC)
                k.encrypted = 1;
            k.confidence = 30;
            pki_keys_finding(c, lab->kind == PKI_KEY_PRIVATE ? "PK-KEY-0001" : "PK-KEY-0005",
                             lab->kind == PKI_KEY_PRIVATE ? PK_SEV_MEDIUM : PK_SEV_INFO, 30, &site,
                             "%s marker whose body %s; check by hand.", lab->name, why);
            if (lab->kind == PKI_KEY_PRIVATE)
                c->privs++;
            else
                c->pubs++;
        }
    }
    return ended ? blk_end : hdr_end;
}

/* A binary openssh-key-v1 structure (a key compiled into a program, a key
 * file read raw): reported only if it parses, since ssh tools carry the magic
 * as a constant. */
static uint64_t openssh_raw(pki_keys_ctx *c, pk_bytes d, uint64_t off)
{
    pk_bytes b = {d.ptr + off, d.len - (size_t)off};
    pki_key_desc k = {0};
    size_t used = 0;
    if (!pki_keys_openssh(b, &k, &used))
        return off + LEN_OPENSSH;
    pki_key_site s = {off, used, {b.ptr, LEN_OPENSSH}};
    pki_keys_emit_key(c, &s, &k);
    return off + used;
}

static uint64_t putty(pki_keys_ctx *c, pk_bytes d, uint64_t off)
{
    pk_bytes b = {d.ptr + off, d.len - (size_t)off};
    if (b.len > MAX_BLOCK)
        b.len = MAX_BLOCK;
    pki_key_desc k = {0};
    size_t used = 0;
    if (!pki_keys_putty(b, &k, &used))
        return off + LEN_PUTTY;
    size_t el = 0;
    while (el < b.len && el < 80 && b.ptr[el] != '\n' && b.ptr[el] != '\r')
        el++;
    pki_key_site s = {off, used, {b.ptr, el}};
    pki_keys_emit_key(c, &s, &k);
    return off + used;
}

/* A DER structure at a hit: reported only if it parses whole. */
static uint64_t der_embedded(pki_keys_ctx *c, pk_bytes d, uint64_t off, unsigned pat)
{
    const struct der_pat *dp = &der_pats[pat - PAT_DER];
    /* the EC pattern starts after the outer header: 30 LL, 30 81 LL or 30 82 HH LL */
    unsigned back_lo = pat == PAT_DER + DER_P8EC ? 2 : 0,
             back_hi = pat == PAT_DER + DER_P8EC ? 4 : 0;
    if (pat == PAT_DER + DER_V1) { /* 30 82 LL LL 30 82 LL LL 02 n serial[n] 30 LL 06 */
        if (d.len - off < 10)
            return off + 1;
        size_t a = 10u + d.ptr[off + 9];
        if (d.len - off < a + 3 || d.ptr[off + a] != 0x30 || d.ptr[off + a + 2] != 0x06)
            return off + 1;
    }
    for (unsigned back = back_lo; back <= back_hi; back++) {
        if (off < back)
            break;
        uint64_t s = off - back;
        pk_bytes b = {d.ptr + s, d.len - (size_t)s};
        size_t total = pki_keys_der_len(b);
        if (total == 0 || total > b.len || total < dp->len + back)
            continue;
        pki_key_site site = {s, total, {b.ptr, total < 16 ? total : 16}};
        int ok = dp->label ? pki_keys_der_key(c, &site, dp->label, b.ptr, total)
                           : pki_keys_der_cert(c, &site, b.ptr, total, 0);
        if (ok)
            return s + total;
    }
    return off + 1;
}

static pk_status keys_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    (void)state;
    fstate *f = fs;
    if (pk_ftype_is_container(file->type))
        return PK_OK;
    pki_keys_ctx c = {out, 0, 0, 0, 0, 0, 0};
    pk_bytes d = file->data;
    uint64_t done = 0; /* markers inside a block already read are part of it */
    /* a file that is one DER structure: its inner certificates are its own */
    int whole = pki_keys_der_file(&c, d);
    for (uint32_t i = 0; i < f->n; i++) {
        uint64_t off = f->off[i];
        if (off < done || off >= d.len)
            continue;
        if (f->pat[i] == PAT_PEM)
            done = pem_block(&c, d, off);
        else if (f->pat[i] == PAT_OPENSSH)
            done = openssh_raw(&c, d, off);
        else if (f->pat[i] == PAT_PUTTY)
            done = putty(&c, d, off);
        else if (!whole && c.nder++ < MAX_DER)
            done = der_embedded(&c, d, off, f->pat[i]);
    }
    if (c.certs + c.privs + c.pubs) {
        pk_fact *facts = pk_emit_facts(out);
        if (!facts)
            return PK_E_NOMEM;
        pk_fact_arr(facts, "certificates");
        pk_fact_arr(facts, "private_keys");
        pk_fact_set_int(facts, "public_keys", c.pubs);
        if (f->lost)
            pk_fact_set_int(facts, "markers_not_read", f->lost);
    }
    return PK_OK;
}

const pk_analyzer pki_analyzer_keys = {
    .name = "keys",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = keys_init,
    .on_match = keys_match,
    .analyze = keys_analyze,
};
