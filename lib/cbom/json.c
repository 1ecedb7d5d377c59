/* cbom: the native report's "crypto" section: the policy judged with, counts
 * by verdict, and every asset with its verdict and where it was seen. */
#include "cbom_int.h"

#include <string.h>

#include "../walk/emit_int.h"

static const char *const kind_names[] = {
    [PKI_CA_ALG] = "algorithm", [PKI_CA_PROTO] = "protocol", [PKI_CA_CERT] = "certificate",
    [PKI_CA_KEY] = "key",       [PKI_CA_LIB] = "library",
};

static void put(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, pki_json_str(v, strlen(v)));
}

static json_t *asset(const pki_casset *a)
{
    json_t *o = json_object();
    put(o, "ref", a->ref);
    put(o, "kind", kind_names[a->kind]);
    put(o, "name", a->name);
    if (a->judged) {
        put(o, "status", pki_cryptopol_status_name(a->v.status));
        put(o, "since", a->v.since);
        put(o, "until", a->v.until);
        put(o, "sfr", a->v.sfr);
        put(o, "reason", a->v.reason);
        if (a->v.row)
            put(o, "citation", a->v.row->citation);
    }
    put(o, "primitive", a->primitive);
    put(o, "mode", a->mode);
    put(o, "curve", a->curve);
    put(o, "family", a->family);
    if (a->quantum >= 0)
        json_object_set_new(o, "nist_quantum_level", json_integer(a->quantum));
    if (a->kind == PKI_CA_LIB) {
        put(o, "library", a->lib);
        put(o, "version", a->lib_version);
        put(o, "purl", a->purl);
        json_object_set_new(o, "linked", json_boolean(a->linked));
        put(o, "fips_note", a->fips_note);
        json_object_set_new(o, "fips_validated_version",
                            a->validated < 0 ? json_null() : json_boolean(a->validated));
        put(o, "cmvp_certificate", a->cert);
        put(o, "cmvp_module", a->cert_module);
        put(o, "cmvp_standard", a->cert_standard);
        put(o, "cmvp_status", a->cert_status);
        put(o, "cmvp_sunset", a->cert_sunset);
    }
    if (a->kind == PKI_CA_CERT) {
        put(o, "subject", a->subject);
        put(o, "issuer", a->issuer);
        put(o, "not_after", a->not_after);
        put(o, "sha256", a->fingerprint);
    }
    if (a->kind == PKI_CA_KEY && a->size > 0)
        json_object_set_new(o, "size", json_integer(a->size));
    json_object_set_new(o, "occurrences", json_integer((json_int_t)a->total));
    json_t *where = json_array();
    for (size_t i = 0; i < a->nocc && i < 8; i++) {
        json_t *w = json_object();
        put(w, "vpath", a->occ[i].vpath);
        if (a->occ[i].offset != PK_LOC_NONE && a->occ[i].offset <= (uint64_t)INT64_MAX)
            json_object_set_new(w, "offset", json_integer((json_int_t)a->occ[i].offset));
        put(w, "how", pki_cbom_how_name(a->occ[i].how));
        put(w, "what", a->occ[i].what);
        json_object_set_new(w, "confidence", json_integer(a->occ[i].confidence));
        json_array_append_new(where, w);
    }
    json_object_set_new(o, "where", where);
    return o;
}

json_t *pki_cbom_json(const pk_cbom *c)
{
    json_t *o = json_object(), *pol = json_object(), *sum = json_object(), *arr = json_array();
    if (!o || !pol || !sum || !arr) {
        json_decref(o);
        json_decref(pol);
        json_decref(sum);
        json_decref(arr);
        return NULL;
    }
    put(pol, "version", pki_cryptopol_version(c->pol));
    put(pol, "date", c->date);
    json_object_set_new(o, "policy", pol);
    pk_cbom_stats st;
    pk_cbom_stats_get(c, &st);
    json_object_set_new(sum, "algorithms", json_integer((json_int_t)st.algorithms));
    json_object_set_new(sum, "protocols", json_integer((json_int_t)st.protocols));
    json_object_set_new(sum, "certificates", json_integer((json_int_t)st.certificates));
    json_object_set_new(sum, "keys", json_integer((json_int_t)st.keys));
    json_object_set_new(sum, "libraries", json_integer((json_int_t)st.libraries));
    json_t *bys = json_object();
    static const pki_cpol_status order[7] = {
        PKI_CPOL_APPROVED,     PKI_CPOL_DEPRECATED, PKI_CPOL_DISALLOWED, PKI_CPOL_LEGACY_USE,
        PKI_CPOL_NOT_APPROVED, PKI_CPOL_NATIONAL,   PKI_CPOL_UNKNOWN};
    for (int i = 0; i < 7; i++)
        json_object_set_new(bys, pki_cryptopol_status_name(order[i]),
                            json_integer((json_int_t)st.by_status[i]));
    json_object_set_new(sum, "by_status", bys);
    json_object_set_new(sum, "assets_dropped", json_integer((json_int_t)c->dropped));
    json_object_set_new(o, "summary", sum);
    for (size_t i = 0; i < c->na; i++)
        json_array_append_new(arr, asset(c->a[i]));
    json_object_set_new(o, "assets", arr);
    return o;
}
