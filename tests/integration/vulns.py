#!/usr/bin/env python3
"""Known vulnerabilities, offline (issue 5), end to end through the CLI:
`parakh db import` of the real feeds in ../shared/data (one transaction, a
corrupt file changes nothing), `db status`, `db export --mirror` and importing
the bundle elsewhere (a tampered bundle is refused), `parakh vulns SBOM` on a
golden SBOM (OpenSSL 3.0.0, curl 7.86.0, Django 3.2.0, log4j-core 2.14.1,
lodash 4.17.15) whose expected CVE lists are re-derived here from the raw feed
files by an independent reader, fixed versions giving none, `scan --db` of a
Debian root file system judged by Debian's own fixed versions (backports),
--max-db-age, --fail-on, --vex suppression, and the SARIF 2.1.0 and CycloneDX
1.6 outputs against their official schemas."""
import glob
import json
import os
import re
import shutil
import sqlite3
import sys
import tarfile
import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import Skip, Suite, check, check_eq  # noqa: E402

S = Suite("vulns")
SHARED = os.environ.get("PK_SHARED") or os.path.join(os.environ["PK_SRC"], "..", "shared", "data")
DB = os.path.join(S.dir, "kb.db")

FEEDS = [
    "kev/known_exploited_vulnerabilities.json",
    "nvd/nvdcve-1.1-2018.embedded-c-subset.json",
    "nvd/nvdcve-1.1-2022.embedded-c-subset.json",
    "nvd/api2.0-samples",
    "osv/pypi",
    "osv/ghsa-conversions",
    "osv/debian/DSA-3029-1.json",
    "osv/nodejs-security-wg/vuln",
    "vendor-advisories/openssl/secjson",
    "vendor-advisories/curl/curl-vulnerabilities.csv",
    "debian-tracker/DSA/list",
    "debian-tracker/DLA/list",
]


def cli(*args, rc=None):
    p = S.run_cli(list(args))
    if rc is not None and p.returncode != rc:
        raise AssertionError("parakh %s exited %d, expected %d:\n%s" %
                             (" ".join(args), p.returncode, rc, p.stderr.decode()[-2000:]))
    return p


def status(db=DB):
    p = cli("db", "status", "--db", db, "--format", "json", rc=0)
    return json.loads(p.stdout)


def counts(db):
    return {s["name"]: s["records"] for s in status(db)["sources"]}


def table_digest(db):
    c = sqlite3.connect(db)
    out = []
    for t in ("advisory", "affected", "alias", "cvss", "kev", "epss", "source"):
        out.append((t, c.execute("select count(*) from %s" % t).fetchone()[0]))
    c.close()
    return out


# -- independent oracles over the raw feeds ------------------------------------------
def vkey(v):
    """Dotted numbers with letter suffixes (OpenSSL 1.1.1n, curl 7.86.0)."""
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.findall(r"\d+|[a-z]+", v)]


def openssl_expected(version):
    """OpenSSL's own CVE 5 records: affected[].versions[] {version, lessThan}."""
    out = set()
    for f in glob.glob(os.path.join(SHARED, "vendor-advisories/openssl/secjson/CVE-*.json")):
        d = json.load(open(f))
        for a in d["containers"]["cna"].get("affected", []):
            for r in a.get("versions", []):
                if r.get("status") != "affected":
                    continue
                lo, hi = r.get("version"), r.get("lessThan")
                if lo and hi and vkey(lo) <= vkey(version) < vkey(hi):
                    out.add(d["cveMetadata"]["cveId"])
                elif lo and r.get("lessThanOrEqual") and \
                        vkey(lo) <= vkey(version) <= vkey(r["lessThanOrEqual"]):
                    out.add(d["cveMetadata"]["cveId"])
                elif lo and not hi and not r.get("lessThanOrEqual") and lo == version:
                    out.add(d["cveMetadata"]["cveId"])
    return out


def curl_expected(version):
    import csv
    out = set()
    with open(os.path.join(SHARED, "vendor-advisories/curl/curl-vulnerabilities.csv")) as f:
        for row in csv.DictReader(f):
            if vkey(row["first_vulnerable"]) <= vkey(version) <= vkey(row["last_vulnerable"]):
                out.add(row["cve"])
    return out


def by_comp(doc):
    m = {}
    for v in doc["vulnerabilities"]:
        if not v["suppressed"]:
            m.setdefault(v["component"]["name"], set()).add(v["id"])
    return m


# -- fixtures ----------------------------------------------------------------------------
LOG4J_OSV = {  # written here: no shared feed covers log4j-core (GHSA-jfh8-c2jp-5v3q's ranges)
    "schema_version": "1.4.0", "id": "GHSA-jfh8-c2jp-5v3q", "modified": "2024-01-01T00:00:00Z",
    "published": "2021-12-10T00:40:56Z", "aliases": ["CVE-2021-44228"],
    "summary": "Remote code injection in Log4j",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
    "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [
                      {"introduced": "2.13.0"}, {"fixed": "2.15.0"}]},
                      {"type": "ECOSYSTEM", "events": [{"introduced": "2.0-beta9"},
                                                       {"fixed": "2.3.1"}]},
                      {"type": "ECOSYSTEM", "events": [{"introduced": "2.4"},
                                                       {"fixed": "2.12.2"}]}]}]}

EPSS = ("#model_version:v2023.03.01,score_date:2025-08-24T00:00:00+0000\n"
        "cve,epss,percentile\nCVE-2021-44228,0.97565,0.99998\nCVE-2022-3602,0.02,0.81\n")


def sbom(comps):
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": comps}).encode()


GOLDEN = [
    {"type": "library", "bom-ref": "openssl", "name": "openssl", "version": "3.0.0",
     "cpe": "cpe:2.3:a:openssl:openssl:3.0.0:*:*:*:*:*:*:*"},
    {"type": "library", "bom-ref": "curl", "name": "curl", "version": "7.86.0",
     "cpe": "cpe:2.3:a:haxx:curl:7.86.0:*:*:*:*:*:*:*"},
    {"type": "library", "bom-ref": "django", "name": "django", "version": "3.2.0",
     "purl": "pkg:pypi/django@3.2.0"},
    {"type": "library", "bom-ref": "log4j", "name": "log4j-core", "version": "2.14.1",
     "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
    {"type": "library", "bom-ref": "lodash", "name": "lodash", "version": "4.17.15",
     "purl": "pkg:npm/lodash@4.17.15"},
]


def import_feeds():
    for f in FEEDS:
        if not os.path.exists(os.path.join(SHARED, f)):
            raise Skip("shared data missing: %s" % f)
    S.write("extra/log4j.osv.json", json.dumps(LOG4J_OSV).encode())
    S.write("extra/epss.csv", EPSS.encode())
    paths = [os.path.join(SHARED, f) for f in FEEDS] + [os.path.join(S.dir, "extra")]
    p = cli("db", "import", "--db", DB, *paths, rc=0)
    check(b"imported" in p.stdout, p.stdout)
    st = status()
    c = {s["name"]: s for s in st["sources"]}
    for name in ("kev", "nvd", "osv", "cve5", "curl", "debian", "epss", "nswg"):
        check(name in c, "source %s missing: %s" % (name, sorted(c)))
    check_eq(c["kev"]["records"], 1404, "KEV entries")
    check_eq(c["kev"]["newest"], "2025-08-25", "KEV data date")
    check_eq(c["epss"]["records"], 2, "EPSS rows")
    check_eq(c["cve5"]["records"],
             len(glob.glob(os.path.join(SHARED, "vendor-advisories/openssl/secjson/CVE-*.json"))),
             "OpenSSL CVE records")
    # the stalest source sets the age: Debian's tracker copy of 2023-04-01
    check_eq(st["age_days"], max(x["age_days"] for x in st["sources"]), "database age")
    check_eq(c["debian"]["newest"], "2023-04-01", "Debian data date")
    # the same import again replaces, never duplicates
    before = table_digest(DB)
    cli("db", "import", "--db", DB, *paths, rc=0)
    check_eq(table_digest(DB), before, "tables after importing the same feeds twice")


def golden():
    p = S.write("golden.cdx.json", sbom(GOLDEN))
    r = cli("vulns", "--db", DB, "--format", "json", p, rc=0)
    doc = json.loads(r.stdout)
    got = by_comp(doc)
    want_ssl = openssl_expected("3.0.0")
    check(len(want_ssl) > 20, "oracle found %d OpenSSL CVEs" % len(want_ssl))
    check("CVE-2022-3602" in want_ssl and "CVE-2022-3786" in want_ssl, "oracle sanity")
    # NVD's 2022 subset may add CVEs OpenSSL's records also list; nothing else
    extra = got.get("openssl", set()) - want_ssl
    check(not extra, "OpenSSL 3.0.0: not in OpenSSL's own records: %s" % sorted(extra))
    missing = want_ssl - got.get("openssl", set())
    check(not missing, "OpenSSL 3.0.0: missed %s" % sorted(missing))
    want_curl = curl_expected("7.86.0")
    check("CVE-2022-43551" in want_curl, "oracle sanity (curl)")
    missing = want_curl - got.get("curl", set())
    check(not missing, "curl 7.86.0: missed %s" % sorted(missing))
    check_eq(got.get("log4j-core"), {"CVE-2021-44228"}, "log4j-core 2.14.1")
    # the Node.js security WG's lodash advisories: only NSWG-ECO-516 (no CVE)
    # covers 4.17.15; the prototype-pollution CVEs of 2020-21 are not in that data
    check_eq(got.get("lodash"), {"NSWG-ECO-516"}, "lodash 4.17.15")
    for cve in ("CVE-2021-31542", "CVE-2021-35042", "CVE-2022-34265", "CVE-2023-31047"):
        check(cve in got.get("django", set()), "Django 3.2.0: %s missing" % cve)
    log4j = [v for v in doc["vulnerabilities"] if v["id"] == "CVE-2021-44228"][0]
    check(log4j["kev"]["added"] == "2021-12-10", "KEV on log4j: %s" % log4j.get("kev"))
    check_eq(log4j["severity"], "critical", "log4j severity (CVSS 10.0 from the vector)")
    check_eq(log4j["fixed"], "2.15.0", "log4j fixed version")
    check(abs(log4j["epss"]["score"] - 0.97565) < 1e-9, "EPSS: %s" % log4j.get("epss"))
    check("GHSA-jfh8-c2jp-5v3q" in log4j["aliases"], "aliases: %s" % log4j["aliases"])
    ssl = [v for v in doc["vulnerabilities"] if v["id"] == "CVE-2022-3602"][0]
    check_eq(ssl["fixed"], "3.0.7", "CVE-2022-3602 fix")
    # fixed versions: nothing from the same records
    fixed = [dict(GOLDEN[0], version="3.0.7", cpe="cpe:2.3:a:openssl:openssl:3.0.7:*:*:*:*:*:*:*"),
             dict(GOLDEN[3], version="2.17.1",
                  purl="pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"),
             dict(GOLDEN[2], version="5.2", purl="pkg:pypi/django@5.2"),
             dict(GOLDEN[4], version="4.17.21", purl="pkg:npm/lodash@4.17.21")]
    p2 = S.write("fixed.cdx.json", sbom(fixed))
    got2 = by_comp(json.loads(cli("vulns", "--db", DB, "--format", "json", p2, rc=0).stdout))
    check("CVE-2022-3602" not in got2.get("openssl", set()), "3.0.7 still has CVE-2022-3602")
    check(got2.get("openssl", set()) <= openssl_expected("3.0.7"), "3.0.7: %s" % got2)
    check(not got2.get("log4j-core"), "log4j-core 2.17.1: %s" % got2.get("log4j-core"))
    check(not got2.get("lodash"), "lodash 4.17.21: %s" % got2.get("lodash"))
    check(not (got2.get("django", set()) & {"CVE-2021-31542", "CVE-2022-34265"}),
          "Django 5.2: %s" % got2.get("django"))
    # --fail-on: exit 1 on a critical one; text output names the fix
    cli("vulns", "--db", DB, "--fail-on", "critical", p, rc=1)
    t = cli("vulns", "--db", DB, p, rc=0).stdout.decode()
    check("CVE-2021-44228" in t and "2.15.0" in t and "KEV" in t, t[:2000])


def vex():
    p = S.write("golden.cdx.json", sbom(GOLDEN))
    v = S.write("vex.cdx.json", json.dumps({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "vulnerabilities": [{"id": "CVE-2022-3602", "analysis": {
            "state": "not_affected", "justification": "code_not_reachable",
            "detail": "punycode decoding is not used"}, "affects": [{"ref": "openssl"}]}]}).encode())
    doc = json.loads(cli("vulns", "--db", DB, "--vex", v, "--format", "json", p, rc=0).stdout)
    x = [e for e in doc["vulnerabilities"] if e["id"] == "CVE-2022-3602"][0]
    check(x["suppressed"], "not suppressed: %s" % x)
    check_eq(x["vex"]["state"], "not_affected", "VEX state")
    check_eq(doc["summary"]["suppressed"], 1, "suppressed count")
    check("CVE-2022-3602" not in by_comp(doc)["openssl"], "suppressed one still a finding")


def corrupt_feed():
    before = table_digest(DB)
    good = os.path.join(SHARED, "osv/pypi/django")
    rec = sorted(glob.glob(os.path.join(good, "*.json")))[0]
    raw = open(rec, "rb").read()
    bad = S.write("bad/zz-truncated.json", raw[:len(raw) // 2])
    S.write("bad/aa-good.json", raw)
    p = cli("db", "import", "--db", DB, os.path.join(S.dir, "bad"), rc=3)
    err = p.stderr.decode()
    check("zz-truncated.json" in err and "nothing was imported" in err, err)
    check_eq(table_digest(DB), before, "tables after a refused import")
    p = cli("db", "import", "--db", DB, os.path.join(SHARED, "SOURCES.md"), rc=3)
    check("not a feed" in p.stderr.decode(), p.stderr.decode())
    cli("db", "import", "--db", DB, rc=2)
    cli("vulns", "--db", os.path.join(S.dir, "nonexistent.db"), rec, rc=3)


def bundle():
    out = os.path.join(S.dir, "mirror")
    cli("db", "export", "--db", DB, "--mirror", out, rc=0)
    man = json.load(open(os.path.join(out, "MANIFEST.json")))
    check_eq(man["format"], "parakh-vulndb-bundle", "manifest format")
    other = os.path.join(S.dir, "other.db")
    cli("db", "import", "--db", other, out, rc=0)
    a, b = counts(DB), counts(other)
    check_eq(b, a, "record counts after importing the bundle")
    # newest dates travel with the data: the copy is as old as the original
    na = {s["name"]: s["newest"] for s in status(DB)["sources"]}
    nb = {s["name"]: s["newest"] for s in status(other)["sources"]}
    check_eq(nb, na, "newest dates after importing the bundle")
    p = S.write("golden.cdx.json", sbom(GOLDEN))
    va = json.loads(cli("vulns", "--db", DB, "--format", "json", p, rc=0).stdout)
    vb = json.loads(cli("vulns", "--db", other, "--format", "json", p, rc=0).stdout)
    check_eq(by_comp(vb), by_comp(va), "matches from the bundle's copy")
    # a tampered copy is refused and changes nothing
    t = os.path.join(S.dir, "tampered")
    shutil.copytree(out, t)
    with open(os.path.join(t, "parakh.db"), "r+b") as f:
        f.seek(200)
        f.write(b"\x01")
    before = table_digest(other)
    pr = cli("db", "import", "--db", other, t, rc=3)
    check("SHA-256" in pr.stderr.decode(), pr.stderr.decode())
    check_eq(table_digest(other), before, "tables after a tampered bundle")


def rootfs_tar():
    st = ("Package: base-files\nStatus: install ok installed\nVersion: 11.1+deb11u5\n"
          "Architecture: amd64\n\n"
          "Package: libssl1.1\nStatus: install ok installed\nSource: openssl\n"
          "Version: 1.1.1n-0+deb11u1\nArchitecture: amd64\n\n"
          "Package: zlib1g\nStatus: install ok installed\nSource: zlib\n"
          "Version: 1:1.2.11.dfsg-2+deb11u2\nArchitecture: amd64\n\n"
          # a binary whose version is not its source's: judged by the source's
          "Package: bsdutils\nStatus: install ok installed\nSource: util-linux (2.36.1-8)\n"
          "Version: 1:2.36.1-8\nArchitecture: amd64\n\n")
    path = os.path.join(S.dir, "rootfs.tar")
    with tarfile.open(path, "w") as t:
        data = st.encode()
        ti = tarfile.TarInfo("var/lib/dpkg/status")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    return path


def scan_debian():
    tar = rootfs_tar()
    rep = S.scan(tar, "--db", DB)
    doc = rep.doc
    ids = {v["id"] for v in doc["vulnerabilities"] if v["component"]["name"] == "libssl1.1"}
    # DSA-5169-1 (bullseye 1.1.1n-0+deb11u3) and DSA-5343-1 (1.1.1n-0+deb11u4)
    for cve in ("CVE-2022-2068", "CVE-2022-4450", "CVE-2023-0286"):
        check(cve in ids, "libssl1.1 1.1.1n-0+deb11u1 on bullseye: %s missing (%s)" %
              (cve, sorted(ids)))
    # DSA-5055-1 fixes util-linux 2.36.1-8+deb11u1; bsdutils' epoch must not hide it
    bsd = {v["id"] for v in doc["vulnerabilities"] if v["component"]["name"] == "bsdutils"}
    check({"CVE-2021-3995", "CVE-2021-3996"} <= bsd, "bsdutils 1:2.36.1-8: %s" % sorted(bsd))
    # an upstream range (NVD: openssl < 1.1.1o) must not be applied to a Debian package
    meth = {v["method"] for v in doc["vulnerabilities"] if v["component"]["name"] == "libssl1.1"}
    check_eq(meth, {"debian"}, "methods for a Debian package")
    f = [x for x in doc["findings"] if x["rule_id"] in ("PK-VUL-0001", "PK-VUL-0002")]
    check(f and all(x["vpath"] == tar + "!/var/lib/dpkg/status" for x in f),
          "vulnerability findings' evidence: %s" % [x["vpath"] for x in f][:3])
    check(doc["vulnerability_db"]["age_days"] > 1000, "db age in the report")
    # a patched system: Debian's fix versions honoured (backports)
    with open(tar, "rb") as fh:
        raw = fh.read().replace(b"1.1.1n-0+deb11u1", b"1.1.1n-0+deb11u4")
    fixed = S.write("rootfs-patched.tar", raw)
    doc2 = S.scan(fixed, "--db", DB).doc
    ids2 = {v["id"] for v in doc2["vulnerabilities"] if v["component"]["name"] == "libssl1.1"}
    check(not ids2 & {"CVE-2022-2068", "CVE-2022-4450", "CVE-2023-0286"},
          "deb11u4 still flagged: %s" % sorted(ids2))
    # --max-db-age: refused before scanning, nothing written
    out = os.path.join(S.dir, "stale.json")
    p = S.run_cli(["scan", "-q", "--db", DB, "--max-db-age", "30", "-o", out, tar])
    check_eq(p.returncode, 3, "exit code with stale data")
    check(b"days old" in p.stderr and not os.path.exists(out), p.stderr.decode())
    S.scan(tar, "--db", DB, "--max-db-age", "100000")
    S.scan(tar, "--db", DB, "--fail-on", "high", expect_rc=1)


def validators():
    try:
        import jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
    except ImportError as e:
        raise Skip("python3-jsonschema with referencing is missing (%s)" % e)
    cdx_dir = os.path.join(SHARED, "schemas", "cyclonedx")
    reg = Registry()
    for name in ("spdx.schema.json", "jsf-0.82.schema.json", "bom-1.6.schema.json"):
        d = json.load(open(os.path.join(cdx_dir, name)))
        res = Resource.from_contents(d, default_specification=DRAFT7)
        reg = reg.with_resource(name, res)
        if "$id" in d:
            reg = reg.with_resource(d["$id"], res)
    cdx = json.load(open(os.path.join(cdx_dir, "bom-1.6.schema.json")))
    sarif = json.load(open(os.path.join(SHARED, "schemas/sarif-2.1.0/sarif-schema-2.1.0.json")))
    return (jsonschema.validators.validator_for(cdx)(cdx, registry=reg),
            jsonschema.validators.validator_for(sarif)(sarif))


def schemas():
    cdxv, sarifv = validators()
    p = S.write("golden.cdx.json", sbom(GOLDEN))
    tar = rootfs_tar()
    for what, args in (("vulns", ["vulns", "--db", DB, p]),
                       ("scan", ["scan", "-q", "--db", DB, tar])):
        for fmt, v in (("sarif", sarifv), ("cyclonedx", cdxv)):
            r = cli(*(args[:1] + ["--format", fmt] + args[1:]), rc=0)
            doc = json.loads(r.stdout)
            errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
            check(not errs, "%s --format %s: %s" % (
                what, fmt, ["%s at %s" % (e.message[:200], list(e.absolute_path)) for e in errs[:5]]))
            if fmt == "sarif":
                res = doc["runs"][0]["results"]
                check(any(x["ruleId"] == "CVE-2022-2068" or x["ruleId"] == "CVE-2022-3602"
                          for x in res), "%s SARIF results: %s" % (what, [x["ruleId"] for x in res][:5]))
            else:
                vs = doc.get("vulnerabilities", [])
                check(vs and all(a["ref"] for v in vs for a in v["affects"]),
                      "%s CycloneDX vulnerabilities: %d" % (what, len(vs)))


S.run("import the shared feeds (twice: replaced, not duplicated)", import_feeds)
if os.path.exists(DB):
    S.run("golden SBOM: expected CVEs, fixed versions give none", golden)
    S.run("VEX suppresses and says so", vex)
    S.run("a corrupt feed is refused and nothing changes", corrupt_feed)
    S.run("export a bundle, import it elsewhere; tampering refused", bundle)
    S.run("scan --db: Debian packages by Debian's fixes; --max-db-age; --fail-on", scan_debian)
    S.run("SARIF 2.1.0 and CycloneDX 1.6 outputs valid", schemas)
S.finish()
