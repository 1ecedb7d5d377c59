/* The native JSON report (docs/report.schema.json, schema_version 1.0). */
#include "report_int.h"

#include "../cbom/cbom_int.h"
#include "../geo/geo_int.h"

#include <parakh/vulndb.h>
#include <string.h>

#include "../vulndb/vdb_int.h"

static json_t *hex(const uint8_t *p, size_t n)
{
    char buf[2 * PK_EVIDENCE_MAX + 1];
    if (n > PK_EVIDENCE_MAX)
        n = PK_EVIDENCE_MAX;
    pki_hex(p, n, buf);
    return json_stringn(buf, 2 * n);
}

/* Evidence as text an analyst can read: printable ASCII kept, the rest \xHH. */
static json_t *printable(pk_bytes b)
{
    char buf[4 * PK_EVIDENCE_MAX + 1];
    size_t o = 0;
    for (size_t i = 0; i < b.len && i < PK_EVIDENCE_MAX; i++) {
        uint8_t c = b.ptr[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            buf[o++] = (char)c;
        } else {
            static const char h[] = "0123456789abcdef";
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = h[c >> 4];
            buf[o++] = h[c & 15];
        }
    }
    return json_stringn(buf, o);
}

static json_t *file_json(const pki_filerec *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "vpath", pki_json_str(f->vpath, strlen(f->vpath)));
    json_object_set_new(o, "kind", json_string(pki_kind_name(f->kind)));
    if (f->kind == PKI_KIND_FILE) {
        json_object_set_new(o, "size", json_integer((json_int_t)f->size));
        if (f->hashed) {
            json_object_set_new(o, "sha256", hex(f->sha256, 32));
            json_object_set_new(o, "sha1", hex(f->sha1, 20));
        }
        json_object_set_new(o, "type", json_string(pk_ftype_name(f->type)));
        json_object_set_new(o, "unpacked", json_boolean(f->unpacked));
        if (f->truncated)
            json_object_set_new(o, "truncated", json_true());
    }
    json_object_set_new(o, "depth", json_integer(f->depth));
    if (f->link_target)
        json_object_set_new(o, "link_target", pki_json_str(f->link_target, strlen(f->link_target)));
    if (f->container) {
        json_t *c = json_object();
        json_object_set_new(c, "format", pki_json_str(f->container, strlen(f->container)));
        json_object_set_new(c, "entries", json_integer((json_int_t)f->container_entries));
        json_object_set_new(o, "container", c);
    }
    if (f->facts)
        json_object_set(o, "facts", f->facts);
    return o;
}

static json_t *finding_json(const pk_finding *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "rule_id", json_string(f->rule_id));
    json_object_set_new(o, "analyzer", json_string(f->analyzer));
    json_object_set_new(o, "severity", json_string(pk_severity_str(f->severity)));
    json_object_set_new(o, "confidence", json_integer(f->confidence));
    json_object_set_new(o, "vpath", pki_json_str(f->vpath, strlen(f->vpath)));
    if (f->has_sha256)
        json_object_set_new(o, "sha256", hex(f->file_sha256, 32));
    if (f->loc.offset != PK_LOC_NONE) {
        json_object_set_new(o, "offset", json_integer((json_int_t)f->loc.offset));
        json_object_set_new(o, "length", json_integer((json_int_t)f->loc.length));
    }
    if (f->loc.record)
        json_object_set_new(o, "record", pki_json_str(f->loc.record, strlen(f->loc.record)));
    if (f->evidence.len) {
        json_object_set_new(o, "evidence", printable(f->evidence));
        json_object_set_new(o, "evidence_hex", hex(f->evidence.ptr, f->evidence.len));
    }
    json_object_set_new(o, "message", pki_json_str(f->message, strlen(f->message)));
    return o;
}

json_t *pki_report_json_doc(const pk_scan *s, const pk_report_opts *o)
{
    const pk_vulns *v = o->vulns;
    size_t nall = 0;
    int failed = 0;
    pk_finding *all = pki_report_findings(s, o, &nall, &failed);
    if (failed)
        return NULL;
    json_t *doc = json_object();
    if (!doc) {
        pki_free(all);
        return NULL;
    }
    json_object_set_new(doc, "schema_version", json_string("1.0"));
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("parakh"));
    json_object_set_new(tool, "version", json_string(pk_version()));
    json_object_set_new(doc, "tool", tool);

    json_t *scan = json_object();
    json_object_set_new(scan, "started", json_string(s->started_utc));
    json_object_set_new(scan, "finished", json_string(s->finished_utc));
    json_object_set_new(scan, "jobs", json_integer(s->opts.jobs));
    json_t *tm = json_object();
    json_object_set_new(tm, "total_ms", json_integer((json_int_t)(s->finished_ms - s->started_ms)));
    pk_scan *ms = (pk_scan *)s; /* atomics are read, not changed */
    json_object_set_new(tm, "read_match_ms", json_integer((json_int_t)atomic_load(&ms->ms_pass)));
    json_object_set_new(tm, "analyze_ms", json_integer((json_int_t)atomic_load(&ms->ms_analyze)));
    json_object_set_new(tm, "unpack_ms", json_integer((json_int_t)atomic_load(&ms->ms_unpack)));
    json_object_set_new(scan, "timings", tm);
    json_object_set_new(doc, "scan", scan);

    json_t *inputs = json_array();
    for (size_t i = 0; i < s->ninputs; i++) {
        json_t *in = json_object();
        json_object_set_new(in, "path", pki_json_str(s->inputs[i].path, strlen(s->inputs[i].path)));
        json_object_set_new(in, "kind", json_string(s->inputs[i].is_dir ? "directory" : "file"));
        json_array_append_new(inputs, in);
    }
    json_object_set_new(doc, "inputs", inputs);

    const pk_limits *l = &s->opts.limits;
    json_t *lim = json_object();
    json_object_set_new(lim, "max_depth", json_integer(l->max_depth));
    json_object_set_new(lim, "max_total_bytes", json_integer((json_int_t)l->max_total_bytes));
    json_object_set_new(lim, "max_file_bytes", json_integer((json_int_t)l->max_file_bytes));
    json_object_set_new(lim, "max_ratio", json_integer(l->max_ratio));
    json_object_set_new(lim, "max_entries", json_integer((json_int_t)l->max_entries));
    json_object_set_new(lim, "file_time_ms", json_integer(l->file_time_ms));
    json_object_set_new(lim, "disk_reserve", json_integer((json_int_t)l->disk_reserve));
    json_object_set_new(doc, "limits", lim);

    json_t *sum = json_object();
    json_object_set_new(sum, "files", json_integer((json_int_t)s->nfiles));
    json_object_set_new(sum, "bytes_scanned",
                        json_integer((json_int_t)atomic_load(&((pk_scan *)s)->bytes_scanned)));
    json_object_set_new(sum, "bytes_unpacked",
                        json_integer((json_int_t)atomic_load(&((pk_scan *)s)->total_bytes)));
    json_object_set_new(sum, "entries",
                        json_integer((json_int_t)atomic_load(&((pk_scan *)s)->total_entries)));
    json_t *bysev = json_object();
    size_t cnt[PK_SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < nall; i++)
        cnt[all[i].severity]++;
    for (size_t i = 0; i < pk_vulns_count(v); i++)
        if (!pk_vulns_at(v, i)->suppressed)
            cnt[pk_vuln_finding_severity(pk_vulns_at(v, i))]++;
    for (int k = PK_SEV_INFO; k <= PK_SEV_CRITICAL; k++)
        json_object_set_new(bysev, pk_severity_str((pk_severity)k),
                            json_integer((json_int_t)cnt[k]));
    json_object_set_new(sum, "findings", bysev);
    json_object_set_new(sum, "findings_dropped", json_integer((json_int_t)s->dropped_findings));
    json_t *bytype = json_object();
    for (size_t i = 0; i < s->nfiles; i++) {
        if (s->files[i].kind != PKI_KIND_FILE)
            continue;
        const char *t = pk_ftype_name(s->files[i].type);
        json_t *c = json_object_get(bytype, t);
        json_object_set_new(bytype, t, json_integer(c ? json_integer_value(c) + 1 : 1));
    }
    json_object_set_new(sum, "by_type", bytype);
    json_t *comps = pki_report_components(s, v, sum);
    if (!comps) {
        pki_free(all);
        json_decref(sum);
        json_decref(doc);
        return NULL;
    }
    json_object_set_new(doc, "summary", sum);

    json_t *files = json_array();
    for (size_t i = 0; i < s->nfiles; i++)
        json_array_append_new(files, file_json(&s->files[i]));
    json_object_set_new(doc, "files", files);
    json_object_set_new(doc, "components", comps);

    json_t *finds = json_array(), *hits = json_array();
    for (size_t i = 0; i < nall; i++) {
        json_array_append_new(finds, finding_json(&all[i]));
        if (pki_rule_is_limit(all[i].rule_id)) {
            json_t *h = json_object();
            json_object_set_new(h, "rule_id", json_string(all[i].rule_id));
            json_object_set_new(h, "vpath", pki_json_str(all[i].vpath, strlen(all[i].vpath)));
            json_object_set_new(h, "message", pki_json_str(all[i].message, strlen(all[i].message)));
            json_array_append_new(hits, h);
        }
    }
    pki_free(all);
    if (v) {
        /* Known vulnerabilities are findings too (PK-VUL-*), on the file that
         * is the component's evidence; their details have a section of their own. */
        json_t *vf = pki_report_vuln_findings(v);
        json_array_extend(finds, vf);
        json_decref(vf);
        json_t *vs = pki_vulns_json(v), *db = pki_vulns_db_json(v);
        if (!vs || !db) {
            json_decref(vs);
            json_decref(db);
            json_decref(finds);
            json_decref(hits);
            json_decref(doc);
            return NULL;
        }
        json_object_set_new(doc, "vulnerability_db", db);
        json_object_set_new(doc, "vulnerabilities", vs);
    }
    if (o->cbom) {
        json_t *cr = pki_cbom_json(o->cbom);
        if (!cr) {
            json_decref(finds);
            json_decref(hits);
            json_decref(doc);
            return NULL;
        }
        json_object_set_new(doc, "crypto", cr);
    }
    /* endpoints by country and class (lib/geo/); without a join given, one
     * with ccTLDs only, shown when the scan found endpoints */
    pk_geo *own_geo = NULL;
    const pk_geo *geo = o->geo;
    if (!geo && pk_geo_build(s, NULL, &own_geo, NULL, 0) == PK_OK && pk_geo_count(own_geo))
        geo = own_geo;
    if (geo) {
        json_t *ep = pki_geo_json(geo);
        if (!ep) {
            pk_geo_free(own_geo);
            json_decref(finds);
            json_decref(hits);
            json_decref(doc);
            return NULL;
        }
        json_object_set_new(doc, "endpoints", ep);
    }
    pk_geo_free(own_geo);
    json_object_set_new(doc, "findings", finds);
    json_object_set_new(doc, "limits_hit", hits);
    return doc;
}

pk_status pki_report_json(const pk_scan *s, const pk_report_opts *o, FILE *out)
{
    json_t *doc = pki_report_json_doc(s, o);
    if (!doc)
        return PK_E_NOMEM;
    int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(doc);
    if (r != 0 || fputc('\n', out) == EOF || fflush(out) != 0)
        return PK_E_IO;
    return PK_OK;
}
