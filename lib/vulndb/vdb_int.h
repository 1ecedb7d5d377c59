/* The knowledge base's insides: the SQLite handle, and the narrow API every
 * feed importer writes through. Importers never run SQL of their own: they
 * hand records to pki_imp_* which keep the schema in one place (db.c).
 *
 * An importer reads one feed file (bytes already in memory, bounded by
 * PKI_FEED_MAX) and calls pki_imp_* for each record. On a malformed file it
 * returns pki_imp_fail(...) naming the record; the caller rolls the whole
 * import back, so an importer never cleans up rows it already wrote. */
#ifndef PK_LIB_VULNDB_VDB_INT_H
#define PK_LIB_VULNDB_VDB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "parakh/finding.h"
#include "parakh/vulndb.h"

#define PKI_FEED_MAX     (1024ull << 20) /* one feed file; larger files are refused */
#define PKI_FEED_RECORDS 4000000u        /* records in one file */
#define PKI_VKEY_MAX     512u            /* a package key */
#define PKI_SPEC_MAX     8192u           /* one serialized version constraint */

typedef struct pki_imp pki_imp;

/* Importer context for one file. Opaque to importers except these fields. */
struct pki_imp {
    pk_vulndb *db;
    const char *path; /* as shown in messages: "feeds/all.zip!/GHSA-x.json" */
    const char *feed; /* "osv", "nvd", "kev", "epss", "csaf", "cve5", "debian" */
    uint64_t records; /* counted by pki_imp_record() */
    uint64_t skipped;
    char *err;
    size_t errcap;
};

/* Marks one record read and keeps the feed's newest date (ISO 8601 prefix
 * "YYYY-MM-DD..." or NULL). Returns PK_E_LIMIT past PKI_FEED_RECORDS. */
pk_status pki_imp_record(pki_imp *im, const char *date);
/* A record that carried nothing to match (withdrawn, no package); counted. */
void pki_imp_skip(pki_imp *im);

/* The feed's own timestamp for the data ("CVE_data_timestamp", KEV
 * dateReleased, EPSS score_date). Used as `newest` when later than records. */
void pki_imp_feed_date(pki_imp *im, const char *date);

/* An advisory: id as the feed spells it ("CVE-2022-3602", "GHSA-...",
 * "DSA-5139-1"). Any text may be NULL. A second call for the same (id, feed)
 * replaces the first (a newer copy of the record). */
pk_status pki_imp_advisory(pki_imp *im, const char *id, const char *summary, const char *published,
                           const char *modified, const char *withdrawn);
/* alias: another id for the same vulnerability (stored both ways). */
pk_status pki_imp_alias(pki_imp *im, const char *id, const char *alias);
/* A CVSS score: version "2.0", "3.0", "3.1", "4.0"; score < 0 when the feed
 * gives only the vector (the base score is then computed from the vector when
 * the version is 3.x, else left unknown). */
pk_status pki_imp_cvss(pki_imp *im, const char *id, const char *version, const char *vector,
                       double score);
/* A severity word from a feed without CVSS ("HIGH", "important"). */
pk_status pki_imp_rating(pki_imp *im, const char *id, const char *word);
pk_status pki_imp_cwe(pki_imp *im, const char *id, const char *cwe); /* "CWE-79" */
pk_status pki_imp_ref(pki_imp *im, const char *id, const char *url);

/* One affected (or, for VEX, not-affected / fixed) product statement.
 * key: a package key from pki_vkey_purl()/pki_vkey_cpe() (never a raw name).
 * distro: "debian:12", "alpine:3.18", "redhat:9" ... or NULL for any.
 * scheme: a pki_verscheme name ("dpkg", "semver", "pep440", "generic" ...).
 * spec: the constraint, serialized by the pki_spec_* builders below.
 * fixed: the fixing version to show, NULL if none.
 * status: "affected" (default when NULL), "not_affected", "fixed",
 * "under_investigation". note: a justification or remark, NULLABLE.
 * origin: the record that made the statement when it is not `id` (a DSA
 * stating a CVE's fix): re-importing replaces rows by (origin, feed), so the
 * DLA list cannot remove what the DSA list said. NULLABLE: id. */
typedef struct pki_affected {
    const char *id;
    const char *key;
    const char *distro;
    const char *scheme;
    const char *spec;
    const char *fixed;
    const char *status;
    const char *note;
    const char *origin;
} pki_affected;
pk_status pki_imp_affected(pki_imp *im, const pki_affected *a);

typedef struct pki_kev {
    const char *cve, *vendor, *product, *name, *date_added, *due_date, *ransomware, *action, *notes;
} pki_kev;
pk_status pki_imp_kev(pki_imp *im, const pki_kev *k);
pk_status pki_imp_epss(pki_imp *im, const char *cve, double score, double percentile);

/* A NIST CMVP module (docs/vulndb/cmvp.md). id: the certificate number, or
 * "ip:<vendor>|<module>|<standard>|<phase>" for a module in process (cert
 * NULL). Dates are ISO YYYY-MM-DD; level 0 is unknown; any text may be NULL
 * (unknown). source: "modules" (the validated list, active or historical),
 * "modules-in-process", "certificate" (a detail file). */
typedef struct pki_cmvp {
    const char *id, *cert, *vendor, *module, *module_type, *standard, *status;
    const char *validated, *sunset, *caveat, *lab, *phase, *source;
    int level;
} pki_cmvp;
/* Writes one module, merged with the row of the same id: a list row's known
 * fields replace the stored ones (detail 0); a certificate detail (detail 1)
 * fills only unknown fields, and sets the lab. Texts are cut to 4 KiB. */
pk_status pki_imp_cmvp(pki_imp *im, const pki_cmvp *m, int detail);
/* Deletes the in-process modules earlier imports wrote: that list is a
 * snapshot, and a module leaves it when it is validated or withdrawn. */
pk_status pki_imp_cmvp_reset_in_process(pki_imp *im);

struct json_t;
/* An optional string member of a feed record: *out NULL when absent, null or
 * empty; another type, an embedded NUL or more than max bytes is malformed
 * (PK_E_FEED naming the record and the key). */
pk_status pki_imp_jstr(pki_imp *im, const struct json_t *o, const char *key, const char *rec,
                       size_t max, const char **out);
/* An optional array member: *out NULL when absent or null; another type or
 * more than max entries is malformed (PK_E_FEED naming the record and key). */
pk_status pki_imp_jarr(pki_imp *im, const struct json_t *o, const char *key, const char *rec,
                       size_t max, struct json_t **out);

/* Formats "PATH: record R: reason" into im->err and returns st (PK_E_FEED for
 * malformed data). record may be NULL ("PATH: reason"). */
pk_status pki_imp_fail(pki_imp *im, pk_status st, const char *record, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- package keys (docs/vulndb.md, "Keys") ----
 * A purl-shaped key "type/namespace/name" with each ecosystem's own name
 * normalisation (PyPI PEP 503, lowercase where the ecosystem is
 * case-insensitive); "cpe/vendor/product" for CPE. Returns PK_E_LIMIT if it
 * does not fit, PK_E_USAGE for an empty name. */
pk_status pki_vkey_purl(const char *type, const char *ns, const char *name, char *out, size_t cap);
pk_status pki_vkey_cpe(const char *vendor, const char *product, char *out, size_t cap);

/* OSV ecosystem -> purl type, namespace, distro ("Debian:12" -> "deb",
 * "debian", "debian:12"; "PyPI" -> "pypi", NULL, NULL; "Maven" -> "maven" with
 * the name "g:a" split by pki_vkey_osv()). Returns -1 for an ecosystem parakh
 * has no purl type for. Strings are static or written into dbuf[dcap]. */
int pki_osv_ecosystem(const char *eco, const char **type, const char **ns, char *dbuf, size_t dcap,
                      const char **distro);
/* The key of an OSV (ecosystem, name) pair, e.g. ("Go", "golang.org/x/net")
 * -> "golang/golang.org/x/net"; ("Maven", "org.apache.logging.log4j:log4j-core")
 * -> "maven/org.apache.logging.log4j/log4j-core". distro as above. */
pk_status pki_vkey_osv(const char *eco, const char *name, char *key, size_t kcap, char *dbuf,
                       size_t dcap, const char **distro);
/* A WFN value without its backslash quoting ("3\\.0\\.0" -> "3.0.0"). */
void pki_vdb_unquote(const char *wfn, char *out, size_t cap);
/* Debian release codename -> "debian:12"; NULL when unknown. */
const char *pki_debian_release(const char *codename);
/* 1 when s is "CVE-YYYY-NNNN" with 4 to 19 digits after the year (the CVE
 * JSON schema's pattern), else 0. */
int pki_cve_id_ok(const char *s);

/* ---- version constraints, serialized as compact JSON ----
 * OSV events:    {"events":[["introduced","0"],["fixed","1.2.3"]]}
 * exact list:    {"versions":["1.0","1.1"]}
 * bounds:        {"ge":"1.0","lt":"2.0"} (any of ge gt le lt; none = every version)
 * exact one:     {"eq":"1.0"}
 * The builders write into a caller buffer (PKI_SPEC_MAX) and return PK_E_LIMIT
 * when it does not fit. */
typedef struct pki_spec {
    char buf[PKI_SPEC_MAX];
    size_t len;
    int state; /* builder's own */
} pki_spec;
void pki_spec_events_begin(pki_spec *s);
pk_status pki_spec_event(pki_spec *s, const char *kind, const char *version);
void pki_spec_versions_begin(pki_spec *s);
pk_status pki_spec_version(pki_spec *s, const char *version);
/* Any of the four may be NULL. */
pk_status pki_spec_bounds(pki_spec *s, const char *ge, const char *gt, const char *le,
                          const char *lt);
pk_status pki_spec_eq(pki_spec *s, const char *version);
/* Closes the JSON; returns the NUL-terminated text (s->buf). */
const char *pki_spec_end(pki_spec *s);
/* A purl-spec vers range ("vers:deb/>=1.0|<2.0") as events (lib/vulndb/vers.c);
 * PK_E_FORMAT when it is not one. */
pk_status pki_vers_spec(pki_spec *s, const char *vers);
/* lib/vulndb/imp_csaf_cpe.c: vendor, product and version of a CPE 2.2 URI or
 * 2.3 string (0, or -1 when malformed or a field does not fit cap), and
 * "redhat:9" from a Red Hat Enterprise Linux platform CPE ("" otherwise). */
int pki_csaf_cpe_fields(const char *cpe, char *vendor, char *product, char *ver, size_t cap);
void pki_csaf_platform_distro(const char *cpe, char *out, size_t cap);

/* Evaluates a serialized spec for version v in scheme (a pki_verscheme name).
 * *affected 1/0. Returns -1 if the spec or a version is invalid in the scheme
 * (the match is then skipped, not guessed). */
int pki_spec_eval(const char *scheme, const char *spec, const char *v, int *affected);

/* ---- importers: one per feed kind, in imp_<kind>.c ----
 * Each takes one file's bytes; `json` is the parsed document when the
 * dispatcher already parsed it (JSON feeds), else NULL. */
struct json_t;
pk_status pki_import_osv(pki_imp *im, struct json_t *doc);
pk_status pki_import_cve5(pki_imp *im, struct json_t *doc);
pk_status pki_import_nvd11(pki_imp *im, struct json_t *doc);
pk_status pki_import_nvd20(pki_imp *im, struct json_t *doc);
pk_status pki_import_kev_json(pki_imp *im, struct json_t *doc);
pk_status pki_import_kev_csv(pki_imp *im, const char *buf, size_t len);
pk_status pki_import_epss_csv(pki_imp *im, const char *buf, size_t len);
pk_status pki_import_csaf(pki_imp *im, struct json_t *doc);
pk_status pki_import_debian_list(pki_imp *im, const char *buf, size_t len); /* DSA/DLA list */
pk_status pki_import_debian_json(pki_imp *im, struct json_t *doc);          /* tracker JSON */
/* NIST CMVP (imp_cmvp.c): 1 when doc is a validated-modules list ("modules"
 * of objects with "Certificate Number"), the in-process list
 * ("modules_in_process") or a certificate detail ("certificate" with
 * "certificate_number"); only key presence is tested, so a malformed file
 * reaches the importer and is refused there by record. */
int pki_cmvp_sniff(const struct json_t *doc);
pk_status pki_import_cmvp(pki_imp *im, struct json_t *doc);
/* For the feeds whose file is one record or an array of records (OSV, CVE 5):
 * one(im, doc, 0) for a record, one(im, doc[i], i) for each of an array (at
 * most PKI_FEED_RECORDS, else PK_E_LIMIT), stopping at the first failure. */
typedef pk_status (*pki_imp_one)(pki_imp *im, const struct json_t *r, size_t idx);
pk_status pki_imp_each(pki_imp *im, struct json_t *doc, pki_imp_one one);

/* ---- CSV reading shared by the CSV feeds (RFC 4180: quotes, "" escapes,
 * CRLF). Fields point into `row` storage owned by the reader. ---- */
typedef struct pki_csv {
    const char *p, *end;
    uint64_t line;
    char *row; /* unescaped fields, NUL-separated */
    size_t rowcap;
    const char **field;
    size_t nfield, fieldcap;
} pki_csv;
void pki_csv_init(pki_csv *c, const char *buf, size_t len);
/* 1 row read, 0 at end, -1 malformed (unterminated quote) or too long, -2 nomem. */
int pki_csv_next(pki_csv *c);
void pki_csv_free(pki_csv *c);

/* ---- VEX documents given with --vex (CycloneDX 1.4-1.6 JSON, vex.c) ---- */
typedef struct pki_vexst {
    char *vuln; /* "CVE-2021-44228" (vulnerabilities[].id) */
    char *ref;  /* affects[].ref as written: a bom-ref, or a purl */
    pk_vex_state
        state; /* analysis.state; exploitable/in_triage map to affected/under_investigation */
    char *justification; /* analysis.justification, NULLABLE */
    char *detail;        /* analysis.detail, NULLABLE */
} pki_vexst;
/* Reads a VEX file; PK_E_IO unreadable, PK_E_FORMAT not a CycloneDX document
 * or malformed (err names the file and the vulnerability index). Caps as for
 * SBOMs (docs/limits.md). *out is allocated; free with pki_vex_free. */
pk_status pki_vex_load(const char *path, pki_vexst **out, size_t *n, char *err, size_t errcap);
void pki_vex_free(pki_vexst *v, size_t n);

/* ---- the match result (match.c builds it; writers read it) ---- */
struct pk_vulns {
    const pk_inventory *inv;
    pk_vuln *v;
    size_t n;
    pk_vdb_source *src; /* copies of the sources when the match ran */
    size_t nsrc;
    const char *db_path; /* NULLABLE */
    void *arena;         /* every string above lives here (core arena) */
};

/* ---- writers (vwrite.c, sarif.c) ---- */
/* The native JSON of the matches: an array of vulnerability objects
 * (docs/vulns.schema.json, "vulnerabilities") ; NULL on NOMEM. */
struct json_t *pki_vulns_json(const pk_vulns *v);
/* {"path":..,"age_days":..,"sources":[...]} for the report header. */
struct json_t *pki_vulns_db_json(const pk_vulns *v);
/* Text: a table of findings, suppressed ones listed apart. */
pk_status pki_vulns_text(const pk_vulns *v, FILE *out);
/* SARIF 2.1.0: results from findings (a scan's and the CBOM's; NULL when nf
 * is 0) and from the matches (NULLABLE v). */
pk_status pki_sarif_write(const pk_finding *fs, size_t nf, const pk_vulns *v, int reproducible,
                          FILE *out);

#endif
