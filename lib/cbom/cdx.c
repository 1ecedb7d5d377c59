/* cbom: CycloneDX 1.6 with cryptographic assets (docs/cbom.md).
 *
 * Every asset is a component of type cryptographic-asset with its
 * cryptoProperties; where it was seen is evidence.occurrences (file, offset,
 * how); its verdict is a set of parakh:policy:* properties. Crypto libraries
 * are library components whose dependency entries `provide` the algorithms
 * found in the same files. */
#include "cbom_int.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <time.h>

#include "../walk/emit_int.h"

static int set_str(json_t *o, const char *k, const char *v)
{
    if (!v || !*v)
        return 0;
    return json_object_set_new(o, k, pki_json_str(v, strlen(v)));
}

static void prop(json_t *props, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    json_t *p = json_object();
    json_object_set_new(p, "name", json_string(name));
    json_object_set_new(p, "value", pki_json_str(value, strlen(value)));
    json_array_append_new(props, p);
}

static json_t *occurrences(const pki_casset *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < a->nocc; i++) {
        const pki_caocc *o = &a->occ[i];
        json_t *x = json_object();
        set_str(x, "location", o->vpath);
        if (o->offset != PK_LOC_NONE && o->offset <= (uint64_t)INT64_MAX)
            json_object_set_new(x, "offset", json_integer((json_int_t)o->offset));
        char ctx[512];
        snprintf(ctx, sizeof ctx, "%s%s%s; confidence %u", pki_cbom_how_name(o->how),
                 o->what ? ": " : "", o->what ? o->what : "", o->confidence);
        set_str(x, "additionalContext", ctx);
        json_array_append_new(arr, x);
    }
    return arr;
}

static void verdict_props(const pk_cbom *c, const pki_casset *a, json_t *props)
{
    if (!a->judged)
        return;
    prop(props, "parakh:policy:status", pki_cryptopol_status_name(a->v.status));
    prop(props, "parakh:policy:since", a->v.since);
    prop(props, "parakh:policy:until", a->v.until);
    prop(props, "parakh:policy:reason", a->v.reason);
    prop(props, "parakh:policy:sfr", a->v.sfr);
    if (a->v.row)
        prop(props, "parakh:policy:citation", a->v.row->citation);
    prop(props, "parakh:policy:date", c->date);
}

static json_t *alg_props(const pki_casset *a)
{
    json_t *p = json_object();
    set_str(p, "primitive", a->primitive ? a->primitive : "unknown");
    set_str(p, "curve", a->curve);
    set_str(p, "mode", a->mode);
    set_str(p, "executionEnvironment", "software-plain-ram");
    set_str(p, "implementationPlatform", "unknown");
    if (a->classical >= 0)
        json_object_set_new(p, "classicalSecurityLevel", json_integer(a->classical));
    if (a->quantum >= 0)
        json_object_set_new(p, "nistQuantumSecurityLevel", json_integer(a->quantum));
    return p;
}

static json_t *asset_json(const pk_cbom *c, const pki_casset *a)
{
    json_t *o = json_object(), *cp = json_object(), *props = json_array();
    json_object_set_new(o, "type", json_string("cryptographic-asset"));
    set_str(o, "bom-ref", a->ref);
    set_str(o, "name", a->name);
    switch (a->kind) {
    case PKI_CA_ALG:
        json_object_set_new(cp, "assetType", json_string("algorithm"));
        json_object_set_new(cp, "algorithmProperties", alg_props(a));
        prop(props, "parakh:cyclonedx-family", a->family);
        break;
    case PKI_CA_PROTO: {
        json_t *pp = json_object();
        json_object_set_new(cp, "assetType", json_string("protocol"));
        set_str(pp, "type", a->proto_type ? a->proto_type : "unknown");
        set_str(pp, "version", a->version);
        if (a->nsuites) {
            json_t *cs = json_array();
            for (size_t i = 0; i < a->nsuites; i++) {
                json_t *s = json_object();
                set_str(s, "name", a->suites[i]);
                json_array_append_new(cs, s);
            }
            json_object_set_new(pp, "cipherSuites", cs);
        }
        json_object_set_new(cp, "protocolProperties", pp);
        break;
    }
    case PKI_CA_CERT: {
        json_t *pp = json_object();
        json_object_set_new(cp, "assetType", json_string("certificate"));
        set_str(pp, "subjectName", a->subject);
        set_str(pp, "issuerName", a->issuer);
        set_str(pp, "notValidBefore", a->not_before);
        set_str(pp, "notValidAfter", a->not_after);
        set_str(pp, "signatureAlgorithmRef", a->sig_ref);
        set_str(pp, "subjectPublicKeyRef", a->key_ref);
        set_str(pp, "certificateFormat", "X.509");
        json_object_set_new(cp, "certificateProperties", pp);
        prop(props, "parakh:certificate:sha256", a->fingerprint);
        prop(props, "parakh:certificate:signature-algorithm", a->sig_alg);
        prop(props, "parakh:certificate:self-signed", a->self_signed ? "true" : "false");
        prop(props, "parakh:certificate:ca", a->ca ? "true" : "false");
        break;
    }
    case PKI_CA_KEY: {
        json_t *pp = json_object();
        json_object_set_new(cp, "assetType", json_string("related-crypto-material"));
        set_str(pp, "type", a->material ? a->material : "key");
        set_str(pp, "algorithmRef", a->alg_ref);
        if (a->size > 0)
            json_object_set_new(pp, "size", json_integer(a->size));
        set_str(pp, "format", a->format);
        json_object_set_new(cp, "relatedCryptoMaterialProperties", pp);
        prop(props, "parakh:key:encrypted",
             a->encrypted < 0 ? "unknown"
             : a->encrypted   ? "true"
                              : "false");
        break;
    }
    case PKI_CA_LIB:
        break;
    }
    json_object_set_new(o, "cryptoProperties", cp);
    json_t *ev = json_object();
    json_object_set_new(ev, "occurrences", occurrences(a));
    json_object_set_new(o, "evidence", ev);
    verdict_props(c, a, props);
    if (a->total > a->nocc) {
        char n[32];
        snprintf(n, sizeof n, "%zu", a->total);
        prop(props, "parakh:occurrences-total", n);
    }
    if (json_array_size(props))
        json_object_set_new(o, "properties", props);
    else
        json_decref(props);
    return o;
}

static json_t *lib_json(const pk_cbom *c, const pki_casset *a)
{
    (void)c;
    json_t *o = json_object(), *props = json_array();
    json_object_set_new(o, "type", json_string("library"));
    set_str(o, "bom-ref", a->ref);
    set_str(o, "name", a->name);
    set_str(o, "version", a->lib_version);
    set_str(o, "purl", a->purl);
    prop(props, "parakh:crypto-library", a->lib);
    prop(props, "parakh:linked-from-platform", a->linked ? "true" : NULL);
    prop(props, "parakh:inventory-ref", a->comp_ref);
    prop(props, "parakh:fips:note", a->fips_note);
    prop(props, "parakh:fips:validated-version",
         a->validated == 1   ? "true"
         : a->validated == 0 ? "false"
                             : "unknown");
    prop(props, "parakh:fips:cmvp-certificate", a->cert);
    prop(props, "parakh:fips:cmvp-module", a->cert_module);
    prop(props, "parakh:fips:cmvp-standard", a->cert_standard);
    prop(props, "parakh:fips:cmvp-status", a->cert_status);
    prop(props, "parakh:fips:cmvp-sunset", a->cert_sunset);
    json_t *ev = json_object();
    json_object_set_new(ev, "occurrences", occurrences(a));
    json_object_set_new(o, "evidence", ev);
    json_object_set_new(o, "properties", props);
    return o;
}

/* The algorithms a library provides: those seen in the files that are the
 * library's evidence. */
static json_t *provides(const pk_cbom *c, const pki_casset *lib)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < c->na; i++) {
        const pki_casset *a = c->a[i];
        if (a->kind != PKI_CA_ALG)
            continue;
        int hit = 0;
        for (size_t k = 0; k < a->nocc && !hit; k++)
            for (size_t m = 0; m < lib->nocc && !hit; m++)
                hit = a->occ[k].how != PKI_HOW_KEY && a->occ[k].how != PKI_HOW_CERT &&
                      !strcmp(a->occ[k].vpath, lib->occ[m].vpath);
        if (hit)
            json_array_append_new(arr, json_string(a->ref));
    }
    return arr;
}

static pk_status dump(json_t *doc, FILE *out)
{
    int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    if (r != 0 || fputc('\n', out) == EOF || fflush(out) != 0)
        return PK_E_IO;
    return PK_OK;
}

pk_status pki_cbom_cdx(const pk_cbom *c, int reproducible, FILE *out)
{
    json_t *doc = json_object(), *meta = json_object(), *comps = json_array(), *deps = json_array();
    if (!doc || !meta || !comps || !deps) {
        json_decref(doc);
        json_decref(meta);
        json_decref(comps);
        json_decref(deps);
        return PK_E_NOMEM;
    }
    json_object_set_new(doc, "bomFormat", json_string("CycloneDX"));
    json_object_set_new(doc, "specVersion", json_string("1.6"));
    json_object_set_new(doc, "version", json_integer(1));
    char ts[32] = "1970-01-01T00:00:00Z";
    if (!reproducible) {
        time_t now = time(NULL);
        struct tm tm;
        if (gmtime_r(&now, &tm))
            strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    json_object_set_new(meta, "timestamp", json_string(ts));
    json_t *tool = json_object(), *tools = json_object(), *tl = json_array();
    json_object_set_new(tool, "type", json_string("application"));
    json_object_set_new(tool, "name", json_string("parakh"));
    json_object_set_new(tool, "version", json_string(pk_version()));
    json_array_append_new(tl, tool);
    json_object_set_new(tools, "components", tl);
    json_object_set_new(meta, "tools", tools);
    json_t *mp = json_array();
    prop(mp, "parakh:policy:version", pki_cryptopol_version(c->pol));
    prop(mp, "parakh:policy:date", c->date);
    if (c->dropped) {
        char n[32];
        snprintf(n, sizeof n, "%zu", c->dropped);
        prop(mp, "parakh:assets-dropped", n);
    }
    json_object_set_new(meta, "properties", mp);
    json_object_set_new(doc, "metadata", meta);
    for (size_t i = 0; i < c->na; i++) {
        const pki_casset *a = c->a[i];
        if (a->kind == PKI_CA_LIB) {
            json_array_append_new(comps, lib_json(c, a));
            json_t *pv = provides(c, a);
            if (json_array_size(pv)) {
                json_t *d = json_object();
                json_object_set_new(d, "ref", json_string(a->ref));
                json_object_set_new(d, "provides", pv);
                json_array_append_new(deps, d);
            } else {
                json_decref(pv);
            }
        } else {
            json_array_append_new(comps, asset_json(c, a));
        }
    }
    json_object_set_new(doc, "components", comps);
    json_object_set_new(doc, "dependencies", deps);

    /* serial number: random, or from the content (the document without it) */
    unsigned char b[32];
    char uuid[40], serial[64];
    if (reproducible) {
        char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
        unsigned int len = 0;
        int ok = text && EVP_Digest(text, strlen(text), b, &len, EVP_sha256(), NULL) == 1;
        free(text);
        if (!ok) {
            json_decref(doc);
            return PK_E_INTERNAL;
        }
    } else if (RAND_bytes(b, 16) != 1) {
        json_decref(doc);
        return PK_E_INTERNAL;
    }
    pki_uuid_format(b, reproducible ? 8 : 4, uuid);
    snprintf(serial, sizeof serial, "urn:uuid:%s", uuid);
    json_object_set_new(doc, "serialNumber", json_string(serial));
    pk_status st = dump(doc, out);
    json_decref(doc);
    return st;
}
