/* The CSAF calls of the registry client (docs/csaf.md "The API"): publish
 * an advisory, match one without storing it, give a certificate its SBOM,
 * say "we run this". Transport, caps and the token are http.c's. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "regclient_int.h"

pk_status pk_rc_advisory_publish(pk_rc *c, const uint8_t *doc, size_t len, pk_rc_resp *r, char *err,
                                 size_t errlen)
{
    if (!c || !doc || !r)
        return PK_E_MISUSE;
    return pki_rc_request(c, "POST", "/api/v1/advisories", (const char *)doc, len, r, err, errlen);
}

pk_status pk_rc_advisory_match(pk_rc *c, const uint8_t *doc, size_t len, pk_rc_resp *r, char *err,
                               size_t errlen)
{
    if (!c || !doc || !r)
        return PK_E_MISUSE;
    return pki_rc_request(c, "POST", "/api/v1/advisories/match", (const char *)doc, len, r, err,
                          errlen);
}

static pk_status cert_id(const char *id, char *err, size_t errlen)
{
    if (pki_is_hex64(id))
        return PK_OK;
    pki_rc_err(err, errlen, "CERT-ID: not a certificate id (64 lowercase hex)");
    return PK_E_USAGE;
}

pk_status pk_rc_cert_sbom(pk_rc *c, const char *id, const uint8_t *sbom, size_t len, pk_rc_resp *r,
                          char *err, size_t errlen)
{
    if (!c || !id || !sbom || !r)
        return PK_E_MISUSE;
    pk_status st = cert_id(id, err, errlen);
    if (st != PK_OK)
        return st;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/certificates/%s/sbom", id);
    return pki_rc_request(c, "POST", path, (const char *)sbom, len, r, err, errlen);
}

pk_status pk_rc_inuse(pk_rc *c, const char *id, pk_rc_resp *r, char *err, size_t errlen)
{
    if (!c || !id || !r)
        return PK_E_MISUSE;
    pk_status st = cert_id(id, err, errlen);
    if (st != PK_OK)
        return st;
    char body[96];
    snprintf(body, sizeof body, "{\"certificate\":\"%s\"}", id);
    return pki_rc_request(c, "POST", "/api/v1/inuse", body, strlen(body), r, err, errlen);
}

pk_status pk_rc_wellknown_get(pk_rc *c, const char *path, pk_rc_resp *r, char *err, size_t errlen)
{
    if (!c || !path || !r)
        return PK_E_MISUSE;
    size_t n = strlen(path);
    if (strncmp(path, "/.well-known/", 13) || n > 512 || strstr(path, "..") ||
        strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-") != n) {
        pki_rc_err(err, errlen, "not a provider-tree path: %.80s", path);
        return PK_E_USAGE;
    }
    return pki_rc_request(c, "GET", path, NULL, 0, r, err, errlen);
}
