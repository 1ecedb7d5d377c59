/* DSSE envelopes (github.com/secure-systems-lab/dsse, protocol.md and
 * envelope.md): signing over PAE(type, body), and a strict parser. The
 * keyid is an unauthenticated hint: it only orders which signature is tried
 * first, never decides. */
#include <openssl/evp.h>
#include <string.h>

#include "cert/cert_int.h"

#define KEYID_MAX 256

static pk_status sign_pae(const pk_key *k, const char *type, const uint8_t *body, size_t n,
                          uint8_t sig[64])
{
    size_t pl = 0;
    uint8_t *pae = pki_cert_pae(type, body, n, &pl);
    if (!pae)
        return PK_E_NOMEM;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sl = 64;
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
             EVP_DigestSign(ctx, sig, &sl, pae, pl) == 1 && sl == 64;
    EVP_MD_CTX_free(ctx);
    pki_free(pae);
    return ok ? PK_OK : PK_E_INTERNAL;
}

pk_status pk_dsse_sign(const pk_key *k, const char *payload_type, const void *body, size_t len,
                       char **envelope, size_t *envlen)
{
    if (!k || !k->priv || !payload_type || (!body && len) || !envelope)
        return PK_E_MISUSE;
    *envelope = NULL;
    uint8_t sig[64];
    pk_status st = sign_pae(k, payload_type, body, len, sig);
    if (st != PK_OK)
        return st;
    char *pb = pki_cert_b64(body, len), *sb = pki_cert_b64(sig, 64);
    json_t *env = NULL;
    if (pb && sb)
        env = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "payload", pb, "payloadType", payload_type,
                        "signatures", "keyid", k->keyid, "sig", sb);
    pki_free(pb);
    pki_free(sb);
    if (!env)
        return PK_E_NOMEM;
    char *text = json_dumps(env, JSON_INDENT(2));
    json_decref(env);
    if (!text)
        return PK_E_NOMEM;
    size_t n = strlen(text);
    *envelope = pki_malloc(n + 2);
    if (*envelope) {
        memcpy(*envelope, text, n);
        (*envelope)[n] = '\n';
        (*envelope)[n + 1] = 0;
        if (envlen)
            *envlen = n + 1;
    }
    free(text); /* jansson's allocator */
    return *envelope ? PK_OK : PK_E_NOMEM;
}

void pki_dsse_clear(pki_dsse *d)
{
    if (!d)
        return;
    pki_free(d->type);
    pki_free(d->body);
    for (size_t i = 0; i < d->nsig; i++) {
        pki_free(d->sig[i].keyid);
        pki_free(d->sig[i].sig);
    }
    memset(d, 0, sizeof *d);
}

pk_status pki_dsse_parse(const char *buf, size_t len, size_t max, pki_dsse *d, char *err,
                         size_t errlen)
{
    memset(d, 0, sizeof *d);
    json_t *j = pki_cert_json(buf, len, max, "envelope", err, errlen);
    if (!j)
        return PK_E_FORMAT;
    pk_status st = PK_E_FORMAT;
    json_t *pl = json_object_get(j, "payload");
    const char *type = pki_cert_str(j, "payloadType", 256, false, "envelope", err, errlen);
    json_t *sigs = json_object_get(j, "signatures");
    if (!type)
        goto out;
    if (!json_is_string(pl)) {
        pki_cert_err(err, errlen, "envelope: \"payload\" is missing or not a string");
        goto out;
    }
    if (!json_is_array(sigs) || json_array_size(sigs) == 0 ||
        json_array_size(sigs) > PK_CERT_MAX_SIGNATURES) {
        pki_cert_err(err, errlen, "envelope: \"signatures\" must be an array of 1..%u",
                     PK_CERT_MAX_SIGNATURES);
        goto out;
    }
    if (!(d->type = pki_strdup(type))) {
        st = PK_E_NOMEM;
        goto out;
    }
    d->body = pki_cert_unb64(json_string_value(pl), json_string_length(pl), &d->bodylen);
    if (!d->body) {
        pki_cert_err(err, errlen, "envelope: \"payload\" is not strict base64");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        json_t *s = json_array_get(sigs, i), *kid = json_object_get(s, "keyid"),
               *sg = json_object_get(s, "sig");
        if (!json_is_object(s) || !json_is_string(sg) || (kid && !json_is_string(kid)) ||
            (kid && json_string_length(kid) > KEYID_MAX)) {
            pki_cert_err(err, errlen,
                         "envelope: signature %zu needs \"sig\" (string) and at most a "
                         "\"keyid\" string of <= %d bytes",
                         i, KEYID_MAX);
            goto out;
        }
        d->sig[i].keyid = pki_strdup(kid ? json_string_value(kid) : "");
        d->sig[i].sig =
            pki_cert_unb64(json_string_value(sg), json_string_length(sg), &d->sig[i].siglen);
        d->nsig = i + 1;
        if (!d->sig[i].keyid || !d->sig[i].sig) {
            pki_cert_err(err, errlen, "envelope: signature %zu: \"sig\" is not strict base64", i);
            goto out;
        }
    }
    st = PK_OK;
out:
    json_decref(j);
    if (st != PK_OK)
        pki_dsse_clear(d);
    return st;
}

bool pki_dsse_verified_by(const pki_dsse *d, const pk_key *k)
{
    size_t pl = 0;
    uint8_t *pae = pki_cert_pae(d->type, d->body, d->bodylen, &pl);
    if (!pae)
        return false;
    bool ok = false;
    /* the hinted signature first, then the others: a wrong or absent hint
     * costs time, never the answer */
    for (int pass = 0; pass < 2 && !ok; pass++)
        for (size_t i = 0; i < d->nsig && !ok; i++)
            if ((strcmp(d->sig[i].keyid, k->keyid) == 0) == (pass == 0))
                ok = pki_cert_ed25519_verify(k, pae, pl, d->sig[i].sig, d->sig[i].siglen);
    pki_free(pae);
    return ok;
}

pk_status pk_dsse_open(const char *buf, size_t len, size_t max, const char *payload_type,
                       const pk_key *k, char **body, size_t *bodylen, char *err, size_t errlen)
{
    if (!payload_type || !k || !body)
        return PK_E_MISUSE;
    *body = NULL;
    pki_dsse d;
    pk_status st = pki_dsse_parse(buf, len, max, &d, err, errlen);
    if (st != PK_OK)
        return st;
    if (strcmp(d.type, payload_type) != 0) {
        pki_cert_err(err, errlen, "envelope: payloadType \"%.100s\" where \"%s\" was expected",
                     d.type, payload_type);
        st = PK_E_FORMAT;
    } else if (!pki_dsse_verified_by(&d, k)) {
        pki_cert_err(err, errlen, "envelope: no signature verifies with key %s", k->keyid);
        st = PK_E_USAGE;
    } else {
        *body = (char *)d.body;
        if (bodylen)
            *bodylen = d.bodylen;
        d.body = NULL;
    }
    pki_dsse_clear(&d);
    return st;
}
