/* cbom: assets from what the analyzers recorded per file (facts.crypto,
 * facts.keys, facts.elf.needed, facts.pe.imports). Nothing is re-read: the
 * pass already saw the bytes (one pass over the bytes, principle 3). */
#include "cbom_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jint(const json_t *o, const char *k, int64_t dflt)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/* A bom-ref from a prefix and a name: spaces and slashes become '-', so a
 * reader can type it; the name itself stays in the asset. */
static void mkref(char *out, size_t cap, const char *prefix, const char *name)
{
    size_t n = (size_t)snprintf(out, cap, "%s", prefix);
    for (const char *p = name; *p && n + 1 < cap; p++)
        out[n++] = (*p == ' ' || *p == '/') ? '-' : *p;
    out[n < cap ? n : cap - 1] = 0;
}

/* The analyzer's fact names as CBOM names: "NIST P-256" is the curve P-256. */
static const char *display(const char *fact, int *is_curve)
{
    *is_curve = 0;
    if (!strncmp(fact, "NIST P-", 7)) {
        *is_curve = 1;
        return fact + 5;
    }
    static const char *const curves[] = {"secp256k1", "brainpoolP256r1", "brainpoolP384r1",
                                         "brainpoolP512r1", "Curve25519/Ed25519"};
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++)
        if (!strcmp(fact, curves[i]))
            *is_curve = 1;
    return fact;
}

pki_casset *pki_cbom_alg(pk_cbom *c, const char *name, const char *usage)
{
    char ref[256];
    mkref(ref, sizeof ref, "crypto:algorithm:", name);
    if (usage) {
        size_t n = strlen(ref);
        snprintf(ref + n, sizeof ref - n, "@%s", usage);
    }
    pki_casset *a = pki_cbom_asset(c, PKI_CA_ALG, ref, name);
    if (a && !a->policy_name) {
        int curve;
        const char *d = display(name, &curve);
        a->policy_name = a->name;
        if (usage)
            a->usage = pki_arena_strdup(c->arena, usage);
        if (curve)
            a->curve = pki_arena_strdup(c->arena, d);
        if ((usage && !a->usage) || (curve && !a->curve)) {
            c->oom = 1;
            return NULL;
        }
    }
    return a;
}

static pk_status from_crypto(pk_cbom *c, const pki_filerec *fr, const json_t *cr)
{
    const json_t *arr = json_object_get(cr, "algorithms"), *x;
    size_t i;
    json_array_foreach(arr, i, x)
    {
        const char *name = jstr(x, "name"), *fam = jstr(x, "family");
        if (!name || (fam && strstr(fam, "non-cryptographic")))
            continue; /* CRC-32 is in the facts, not in a CBOM */
        pki_casset *a = pki_cbom_alg(c, name, NULL);
        if (!a)
            return c->oom ? PK_E_NOMEM : PK_OK;
        int64_t off = jint(x, "first_offset", -1);
        /* the constant's own finding gives its length and confidence */
        static const char *const r1[] = {"PK-CRY-0001", NULL};
        const pk_finding *f =
            off >= 0 ? pki_cbom_scan_finding(c, fr->vpath, (uint64_t)off, r1) : NULL;
        uint8_t conf = f ? f->confidence : 70;
        uint64_t len = f ? f->loc.length : 0;
        /* the rule's name from the finding's message: "AES constant aes-sbox at ..." */
        char what[64] = "PK-CRY-0001";
        const char *m = f ? strstr(f->message, " constant ") : NULL;
        if (m) {
            m += 10;
            size_t n = strcspn(m, " ");
            if (n && n < sizeof what)
                snprintf(what, sizeof what, "%.*s", (int)n, m);
        }
        pk_status st = pki_cbom_occ(c, a, fr, off >= 0 ? (uint64_t)off : PK_LOC_NONE, len,
                                    PKI_HOW_CONSTANT, what, conf);
        if (st != PK_OK)
            return st;
    }
    arr = json_object_get(cr, "names");
    json_array_foreach(arr, i, x)
    {
        const char *kind = jstr(x, "kind"), *alg = jstr(x, "algorithm"), *nm = jstr(x, "name");
        if (!kind || !alg || !nm || !strcmp(alg, "-"))
            continue;
        int64_t off = jint(x, "offset", -1);
        uint64_t uoff = off >= 0 ? (uint64_t)off : PK_LOC_NONE;
        pki_cahow how =
            json_is_true(json_object_get(x, "table")) ? PKI_HOW_NAME_TABLE : PKI_HOW_NAME;
        pki_casset *a;
        if (!strcmp(kind, "protocol")) {
            char ref[160];
            mkref(ref, sizeof ref, "crypto:protocol:", alg);
            a = pki_cbom_asset(c, PKI_CA_PROTO, ref, alg);
            if (!a)
                return c->oom ? PK_E_NOMEM : PK_OK;
            if (!a->policy_name) {
                const char *sp = strchr(alg, ' ');
                a->policy_name = a->name;
                a->usage = "protocol";
                a->proto_type =
                    !strncmp(alg, "TLS", 3) || !strncmp(alg, "SSL", 3) ? "tls" : "other";
                a->version = sp ? pki_arena_strdup(c->arena, sp + 1) : NULL;
            }
        } else if (!strcmp(kind, "suite")) {
            a = pki_cbom_asset(c, PKI_CA_PROTO, "crypto:protocol:TLS", "TLS");
            if (!a)
                return c->oom ? PK_E_NOMEM : PK_OK;
            a->proto_type = "tls";
            if (pki_cbom_strlist_add(c, &a->suites, &a->nsuites, &a->capsuites, nm,
                                     PKI_CBOM_SUITES_MAX) != PK_OK)
                return PK_E_NOMEM;
            /* the suite's bulk cipher is an algorithm asset of its own */
            pki_casset *b = pki_cbom_alg(c, alg, NULL);
            if (!b)
                return c->oom ? PK_E_NOMEM : PK_OK;
            if (pki_cbom_occ(c, b, fr, uoff, strlen(nm), how, nm, 80) != PK_OK)
                return PK_E_NOMEM;
        } else {
            a = pki_cbom_alg(c, alg, NULL);
            if (!a)
                return c->oom ? PK_E_NOMEM : PK_OK;
        }
        if (pki_cbom_occ(c, a, fr, uoff, strlen(nm), how, nm, 80) != PK_OK)
            return PK_E_NOMEM;
    }
    arr = json_object_get(cr, "apis");
    json_array_foreach(arr, i, x)
    {
        const char *alg = jstr(x, "algorithm"), *nm = jstr(x, "name"), *role = jstr(x, "role");
        if (!alg || !nm || !strcmp(alg, "-"))
            continue;
        /* TLS_method() and friends: TLS, version negotiated */
        pki_casset *a = strstr(alg, "(negotiated)")
                            ? pki_cbom_asset(c, PKI_CA_PROTO, "crypto:protocol:TLS", "TLS")
                            : pki_cbom_alg(c, alg, NULL);
        if (a && a->kind == PKI_CA_PROTO)
            a->proto_type = "tls";
        if (!a)
            return c->oom ? PK_E_NOMEM : PK_OK;
        pki_cahow how = !role                       ? PKI_HOW_API_NAME
                        : !strcmp(role, "imported") ? PKI_HOW_API_IMPORT
                        : !strcmp(role, "exported") ? PKI_HOW_API_EXPORT
                                                    : PKI_HOW_API_NAME;
        int64_t off = jint(x, "offset", -1);
        if (pki_cbom_occ(c, a, fr, off >= 0 ? (uint64_t)off : PK_LOC_NONE, strlen(nm), how, nm,
                         how == PKI_HOW_API_NAME ? 70 : 90) != PK_OK)
            return PK_E_NOMEM;
    }
    return PK_OK;
}

/* "RSA" 2048 -> "RSA-2048"; EC keys by their curve. */
static void key_alg_name(char *out, size_t cap, const char *type, int64_t bits, const char *curve)
{
    if (curve && *curve)
        snprintf(out, cap, "%s", curve);
    else if (strchr(type, ' ')) /* "GOST R 34.10-2012": the size is not part of the name */
        snprintf(out, cap, "%s", type);
    else if (bits > 0 && bits < 1000000)
        snprintf(out, cap, "%s-%lld", type, (long long)bits);
    else
        snprintf(out, cap, "%s", type);
}

/* A certificate's signature algorithm as OpenSSL names it ("RSA-SHA256",
 * "ecdsa-with-SHA384", "sha1WithRSAEncryption", "ED25519") -> its hash, for
 * the judgement (the signature's strength is the key's, judged apart). */
static const char *sig_hash(const char *sig)
{
    static const struct {
        const char *needle, *hash;
    } t[] = {{"SHA512", "SHA-512"},
             {"SHA384", "SHA-384"},
             {"SHA256", "SHA-256"},
             {"SHA224", "SHA-224"},
             {"SHA3-", "SHA-3"},
             {"SHA1", "SHA-1"},
             {"MD5", "MD5"},
             {"MD4", "MD4"},
             {"MD2", "MD2"},
             {"SM3", "SM3"},
             {"RIPEMD160", "RIPEMD-160"}};
    char up[96];
    size_t n = 0;
    for (; sig[n] && n + 1 < sizeof up; n++)
        up[n] = (char)toupper((unsigned char)sig[n]);
    up[n] = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strstr(up, t[i].needle))
            return t[i].hash;
    if (strstr(up, "SHA-1") || strstr(up, "SHA-256"))
        return strstr(up, "SHA-1") ? "SHA-1" : "SHA-256";
    return NULL;
}

static pk_status from_keys(pk_cbom *c, const pki_filerec *fr, const json_t *k)
{
    const json_t *arr = json_object_get(k, "private_keys"), *x;
    size_t i;
    char ref[512], an[128];
    json_array_foreach(arr, i, x)
    {
        const char *type = jstr(x, "type"), *fmt = jstr(x, "format");
        int64_t off = jint(x, "offset", -1), len = jint(x, "length", 0), bits = jint(x, "bits", -1);
        if (!type)
            type = "unknown";
        key_alg_name(an, sizeof an, type, bits, jstr(x, "curve"));
        snprintf(ref, sizeof ref, "crypto:key:%s@%lld", fr->vpath, (long long)off);
        char nm[192];
        snprintf(nm, sizeof nm, "%s private key", an);
        pki_casset *a = pki_cbom_asset(c, PKI_CA_KEY, ref, nm);
        if (!a)
            return c->oom ? PK_E_NOMEM : PK_OK;
        pki_casset *alg = strcmp(type, "unknown") ? pki_cbom_alg(c, an, NULL) : NULL;
        a->material = "private-key";
        a->policy_name = alg ? alg->name : NULL;
        a->alg_ref = alg ? alg->ref : NULL;
        a->size = (int)(bits > 0 && bits < 1000000 ? bits : -1);
        a->format = fmt ? pki_arena_strdup(c->arena, fmt) : NULL;
        const json_t *e = json_object_get(x, "encrypted");
        a->encrypted = json_is_boolean(e) ? json_is_true(e) : -1;
        uint8_t conf = (uint8_t)jint(x, "confidence", 90);
        if (pki_cbom_occ(c, a, fr, off >= 0 ? (uint64_t)off : PK_LOC_NONE, (uint64_t)len,
                         PKI_HOW_KEY, "PK-KEY-0001", conf) != PK_OK)
            return PK_E_NOMEM;
        if (alg && pki_cbom_occ(c, alg, fr, off >= 0 ? (uint64_t)off : PK_LOC_NONE, (uint64_t)len,
                                PKI_HOW_KEY, "PK-KEY-0001", conf) != PK_OK)
            return PK_E_NOMEM;
    }
    arr = json_object_get(k, "certificates");
    json_array_foreach(arr, i, x)
    {
        const char *fp = jstr(x, "sha256"), *subj = jstr(x, "subject");
        const char *ktype = jstr(x, "key_type"), *sig = jstr(x, "signature_algorithm");
        int64_t off = jint(x, "offset", -1), len = jint(x, "length", 0);
        if (!fp)
            continue;
        snprintf(ref, sizeof ref, "crypto:certificate:sha256:%s", fp);
        pki_casset *a = pki_cbom_asset(c, PKI_CA_CERT, ref, subj ? subj : fp);
        if (!a)
            return c->oom ? PK_E_NOMEM : PK_OK;
        if (!a->fingerprint) {
            a->fingerprint = pki_arena_strdup(c->arena, fp);
            a->subject = subj ? pki_arena_strdup(c->arena, subj) : NULL;
            const char *iss = jstr(x, "issuer"), *nb = jstr(x, "not_before"),
                       *na = jstr(x, "not_after");
            a->issuer = iss ? pki_arena_strdup(c->arena, iss) : NULL;
            a->not_before = nb ? pki_arena_strdup(c->arena, nb) : NULL;
            a->not_after = na ? pki_arena_strdup(c->arena, na) : NULL;
            a->sig_alg = sig ? pki_arena_strdup(c->arena, sig) : NULL;
            a->self_signed = json_is_true(json_object_get(x, "self_signed"));
            a->ca = json_is_true(json_object_get(x, "ca"));
            a->format = "X.509";
            if (ktype) {
                key_alg_name(an, sizeof an, ktype, jint(x, "key_bits", -1), jstr(x, "curve"));
                /* a CA certificate's key verifies what it signed; an end
                 * entity's key also signs or decrypts: usage unknown */
                pki_casset *ka = pki_cbom_alg(c, an, a->ca ? "signature-verification" : NULL);
                if (!ka)
                    return c->oom ? PK_E_NOMEM : PK_OK;
                a->key_ref = ka->ref;
                a->policy_name = ka->name;
                a->usage = ka->usage;
                a->size = (int)jint(x, "key_bits", -1);
            }
            const char *h = sig ? sig_hash(sig) : NULL;
            /* a trust anchor's own signature is never verified (RFC 5280 6.1) */
            if (h && !a->self_signed) {
                pki_casset *sa = pki_cbom_alg(c, h, "signature-verification");
                if (!sa)
                    return c->oom ? PK_E_NOMEM : PK_OK;
                a->sig_ref = sa->ref;
            }
        }
        if (pki_cbom_occ(c, a, fr, off >= 0 ? (uint64_t)off : PK_LOC_NONE, (uint64_t)len,
                         PKI_HOW_CERT, "PK-KEY-0002", 95) != PK_OK)
            return PK_E_NOMEM;
        pki_casset *refd[2] = {a->key_ref ? pki_cbom_find(c, a->key_ref) : NULL,
                               a->sig_ref ? pki_cbom_find(c, a->sig_ref) : NULL};
        for (int r = 0; r < 2; r++)
            if (refd[r] && pki_cbom_occ(c, refd[r], fr, off >= 0 ? (uint64_t)off : PK_LOC_NONE,
                                        (uint64_t)len, PKI_HOW_CERT, "PK-KEY-0002", 95) != PK_OK)
                return PK_E_NOMEM;
    }
    return PK_OK;
}

pk_status pki_cbom_collect_files(pk_cbom *c, const pk_scan *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        const pki_filerec *fr = &s->files[i];
        if (!fr->facts)
            continue;
        const json_t *cr = json_object_get(fr->facts, "crypto");
        const json_t *k = json_object_get(fr->facts, "keys");
        pk_status st = PK_OK;
        if (json_is_object(cr))
            st = from_crypto(c, fr, cr);
        if (st == PK_OK && json_is_object(k))
            st = from_keys(c, fr, k);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}
