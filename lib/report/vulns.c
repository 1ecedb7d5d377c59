/* Known vulnerabilities as findings of the native report: one PK-VUL-*
 * object per match that VEX did not suppress, on the component's evidence. */
#include "report_int.h"

#include <parakh/vulndb.h>
#include <string.h>

static const char *comp_vpath(const pk_comp *c)
{
    if (c->nev && c->ev[0].vpath)
        return c->ev[0].vpath;
    return c->file_vpath ? c->file_vpath : "";
}

json_t *pki_report_vuln_findings(const pk_vulns *v)
{
    json_t *arr = json_array();
    const pk_inventory *inv = pk_vulns_inventory(v);
    for (size_t i = 0; arr && i < pk_vulns_count(v); i++) {
        const pk_vuln *x = pk_vulns_at(v, i);
        if (x->suppressed)
            continue;
        const pk_comp *c = pk_inventory_at(inv, x->comp);
        json_t *o = json_object();
        const char *vp = comp_vpath(c);
        json_object_set_new(o, "rule_id", json_string(pk_vuln_rule_id(x)));
        json_object_set_new(o, "analyzer", json_string("vulndb"));
        json_object_set_new(o, "severity",
                            json_string(pk_severity_str(pk_vuln_finding_severity(x))));
        json_object_set_new(o, "confidence", json_integer(x->confidence));
        json_object_set_new(o, "vpath", pki_json_str(vp, strlen(vp)));
        if (c->nev && c->ev[0].loc.offset != PK_LOC_NONE) {
            json_object_set_new(o, "offset", json_integer((json_int_t)c->ev[0].loc.offset));
            json_object_set_new(o, "length", json_integer((json_int_t)c->ev[0].loc.length));
        }
        json_object_set_new(o, "record", pki_json_str(x->id, strlen(x->id)));
        char msg[1024];
        char score[32] = "unscored";
        if (x->cvss_score >= 0)
            snprintf(score, sizeof score, "CVSS %.1f", x->cvss_score);
        snprintf(msg, sizeof msg, "%s %s is affected by %s (%s %s%s%s%s; matched by %s).", c->name,
                 c->version ? c->version : "", x->id, score, pk_severity_str(x->severity),
                 x->kev ? "; exploited, in CISA KEV" : "", x->fixed ? "; fixed in " : "",
                 x->fixed ? x->fixed : "", x->method);
        json_object_set_new(o, "message", pki_json_str(msg, strlen(msg)));
        json_array_append_new(arr, o);
    }
    return arr;
}
