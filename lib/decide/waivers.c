/* Waiver files (docs/waivers.schema.json): who accepted which risk, why, and
 * until when. Read strictly; whether a waiver is in force is decided at
 * assessment time against the policy date (pki_waiver_active). */
#include "decide_int.h"

#include <string.h>

static pk_status waivers_from(json_t *doc, const char *label, pk_waivers **out, char *err,
                              size_t errlen)
{
    static const char *const top[] = {"$schema", "version", "product", "waivers", NULL};
    static const char *const wkeys[] = {"requirement",   "finding",  "vulnerability",
                                        "justification", "approver", "approved",
                                        "expires",       "ticket",   NULL};
    static const char *const fkeys[] = {"rule_id", "vpath", "offset", NULL};
    pk_waivers *w = pki_calloc(1, sizeof *w);
    if (!w) {
        json_decref(doc);
        return PK_E_NOMEM;
    }
    w->doc = doc;
    const char *s;
    const json_t *arr = json_object_get(doc, "waivers");
    if (!json_is_object(doc)) {
        pki_dec_err(err, errlen, "%s: a waiver file is a JSON object", label);
        goto bad;
    }
    if (pki_dec_only_keys(doc, top, label, err, errlen) ||
        pki_dec_need_str(doc, "version", 0, label, &s, err, errlen) ||
        pki_dec_need_str(doc, "product", 0, label, &s, err, errlen))
        goto bad;
    if (!json_is_array(arr) || json_array_size(arr) > PKI_DEC_MAX_WAIVERS) {
        pki_dec_err(err, errlen, "%s: 'waivers' must be an array of at most %d", label,
                    PKI_DEC_MAX_WAIVERS);
        goto bad;
    }
    w->n = json_array_size(arr);
    w->w = pki_calloc(w->n ? w->n : 1, sizeof *w->w);
    if (!w->w) {
        pk_waivers_free(w);
        return PK_E_NOMEM;
    }
    for (size_t i = 0; i < w->n; i++) {
        const json_t *o = json_array_get(arr, i);
        pki_waiver *x = &w->w[i];
        char where[96];
        snprintf(where, sizeof where, "%.60s: waivers[%zu]", label, i);
        if (!json_is_object(o)) {
            pki_dec_err(err, errlen, "%s: must be an object", where);
            goto bad;
        }
        const json_t *f = json_object_get(o, "finding");
        int targets = (json_object_get(o, "requirement") != NULL) + (f != NULL) +
                      (json_object_get(o, "vulnerability") != NULL);
        if (pki_dec_only_keys(o, wkeys, where, err, errlen) ||
            pki_dec_need_str(o, "requirement", 0, where, &x->req, err, errlen) ||
            pki_dec_need_str(o, "vulnerability", 0, where, &x->vuln, err, errlen) ||
            pki_dec_need_str(o, "justification", 1, where, &x->justification, err, errlen) ||
            pki_dec_need_str(o, "approver", 1, where, &x->approver, err, errlen) ||
            pki_dec_need_str(o, "expires", 1, where, &x->expires, err, errlen) ||
            pki_dec_need_str(o, "approved", 0, where, &s, err, errlen) ||
            pki_dec_need_str(o, "ticket", 0, where, &s, err, errlen))
            goto bad;
        if (targets != 1) {
            pki_dec_err(err, errlen,
                        "%s: give exactly one of 'requirement', 'finding', 'vulnerability'", where);
            goto bad;
        }
        /* a waiver without a valid end date would be a permanent exemption */
        if (!pki_dec_date_valid(x->expires) || (s && !pki_dec_date_valid(s))) {
            pki_dec_err(err, errlen, "%s: dates are YYYY-MM-DD", where);
            goto bad;
        }
        x->offset = -1;
        if (x->req) {
            x->target = PKI_W_REQ;
        } else if (x->vuln) {
            x->target = PKI_W_VULN;
        } else {
            x->target = PKI_W_FINDING;
            const json_t *off = json_object_get(f, "offset");
            if (!json_is_object(f) || pki_dec_only_keys(f, fkeys, where, err, errlen) ||
                pki_dec_need_str(f, "rule_id", 1, where, &x->rule, err, errlen) ||
                pki_dec_need_str(f, "vpath", 0, where, &x->vpath, err, errlen)) {
                if (!json_is_object(f))
                    pki_dec_err(err, errlen, "%s: 'finding' must be an object", where);
                goto bad;
            }
            if (off && (!json_is_integer(off) || json_integer_value(off) < 0)) {
                pki_dec_err(err, errlen, "%s: finding offset must be a non-negative integer",
                            where);
                goto bad;
            }
            if (off)
                x->offset = (long long)json_integer_value(off);
        }
    }
    *out = w;
    return PK_OK;
bad:
    pk_waivers_free(w);
    return PK_E_FORMAT;
}

pk_status pk_waivers_parse(const char *buf, size_t len, const char *label, pk_waivers **out,
                           char *err, size_t errlen)
{
    if (!out || (!buf && len))
        return PK_E_MISUSE;
    *out = NULL;
    label = label ? label : "waivers";
    json_t *doc = pki_dec_parse(buf ? buf : "", len, label, err, errlen);
    return doc ? waivers_from(doc, label, out, err, errlen) : PK_E_FORMAT;
}

pk_status pk_waivers_load(const char *path, pk_waivers **out, char *err, size_t errlen)
{
    if (!path || !out)
        return PK_E_MISUSE;
    *out = NULL;
    char *buf;
    size_t len;
    pk_status st = pki_dec_slurp(path, PKI_DEC_MAX_FILE, &buf, &len, err, errlen);
    if (st != PK_OK)
        return st;
    st = pk_waivers_parse(buf, len, path, out, err, errlen);
    pki_free(buf);
    return st;
}

void pk_waivers_free(pk_waivers *w)
{
    if (!w)
        return;
    json_decref(w->doc);
    pki_free(w->w);
    pki_free(w);
}
