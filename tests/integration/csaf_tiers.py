#!/usr/bin/env python3
"""Advisories across the CERT tiers (issue 11, docs/csaf.md), end to end with
the real binaries on 127.0.0.1:

  roundtrip  national parakhd publishes drafts written by `parakh advisory
             new` (WHITE, GREEN, AMBER, RED); a sectoral parakhd mirrors it
             with --upstream and adds its own; an organisation's parakhd
             mirrors the sector and so receives the national documents
             through it. Every mirrored file (document, .sha256, .sha512,
             .asc) is byte-identical to the issuer's and its signature
             verifies with gpg against the issuer's key. A revision reaches
             both tiers; an older or equal version is refused. The upstream
             going down leaves the mirror as it was. A bundle exported with
             `parakh advisory bundle` imports into an air-gapped parakhd
             with identical bytes.
  tlp        every role against every TLP level: document, hashes, signature,
             changes.csv, index.txt, ROLIE feed, exactly as docs/csaf.md's table.
  affected   Red Hat's RHSA-2024:4546 (git-lfs) imported as a vendor document:
             the certified product whose SBOM holds an older git-lfs is
             affected, the one with the fixed build is not; the certificate
             lookup shows "open advisory"; an organisation sees only the hits
             of the products it registered as in use; `parakh advisory
             affected` agrees (exit 4) and exits 0 for the fixed product's SBOM.

Needs gpg (made keys live in private GNUPGHOMEs under the work dir).
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regkit  # noqa: E402
from regkit import Kit, Server, SLOW, run  # noqa: E402,F401

SHARED = os.environ.get("PK_SHARED") or os.path.join(regkit.SRC, "..", "shared", "data")
RHSA = os.path.join(SHARED, "standards-examples", "csaf", "redhat", "rhsa-2024_4546.json")
TLPS = ("WHITE", "GREEN", "AMBER", "RED")
SERVERS = []  # every parakhd started, killed at the end whatever happened
# docs/csaf.md: who may read what
READ = {
    "public": {"WHITE"},
    "lab": {"WHITE", "GREEN"},
    "organisational": {"WHITE", "GREEN", "AMBER"},
    "sectoral": set(TLPS),
    "national": set(TLPS),
}


def fail(msg):
    raise AssertionError(msg)


def gpg_key(kit, name):
    """A signing key without passphrase in its own GNUPGHOME; (home, fpr, pub.asc)."""
    home = kit.p("gnupg-" + name)
    os.makedirs(home, mode=0o700, exist_ok=True)
    run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
         "--quick-gen-key", "%s CERT <csaf@%s.test>" % (name, name), "ed25519", "sign", "never"])
    out = run(["gpg", "--homedir", home, "--batch", "--with-colons", "--list-secret-keys"]).out
    fpr = [ln.split(":")[9] for ln in out.splitlines() if ln.startswith("fpr:")][0]
    pub = kit.p("%s.pub.asc" % name)
    with open(pub, "wb") as f:
        f.write(subprocess.run(["gpg", "--homedir", home, "--batch", "--armor", "--export", fpr],
                               check=True, capture_output=True).stdout)
    return home, fpr, pub


def kill_agents(kit):
    for d in os.listdir(kit.dir):
        if d.startswith("gnupg-"):
            subprocess.run(["gpgconf", "--homedir", kit.p(d), "--kill", "all"],
                           capture_output=True)


def publisher(kit, name, ns):
    path = kit.p("publisher-%s.json" % name)
    with open(path, "w") as f:
        json.dump({"name": name, "namespace": ns, "category": "coordinator",
                   "contact_details": "csaf@%s" % ns.split("//")[1],
                   "issuing_authority": "%s, a CERT tier in the parakh tests" % name}, f)
    return path


def draft(kit, name, tlp, cve, title, product="Acme Gateway", fixed="2.4.1",
          purl="pkg:generic/acme/gateway", vex=False, revision="Initial version.",
          pub=("national", "https://ncert.test")):
    """A YAML draft (docs/csaf-draft.md)."""
    path = kit.p(name + ".yaml")
    text = DRAFT_VEX if vex else DRAFT
    with open(path, "w") as f:
        f.write(text.format(id=name.upper(), tlp=tlp, cve=cve, title=title, product=product,
                            fixed=fixed, purl=purl, revision=revision, pubname=pub[0],
                           pubns=pub[1]))
    return path


# docs/csaf-draft.md
DRAFT = """\
id: {id}
title: {title}
category: security_advisory
tlp: {tlp}
lang: en
publisher:
  name: {pubname}
  namespace: {pubns}
  category: coordinator
  contact: csaf@example.test
references:
  - {{url: "{pubns}/advisories/{id}", summary: "this advisory", category: self}}
revision: {revision}
products:
  - key: gateway
    vendor: Acme Ltd
    name: {product}
    purl: {purl}
    affected: "vers:generic/<{fixed}"
    fixed: ["{fixed}"]
vulnerabilities:
  - cve: {cve}
    title: {title}
    cvss_v3: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    notes: "A crafted request takes over the gateway."
    remediation: {{category: vendor_fix, details: "Update to {fixed} or later."}}
"""
DRAFT_VEX = DRAFT.replace("category: security_advisory", "category: vex")


class Tier:
    """One parakhd with its CSAF signing key and its tokens."""

    def __init__(self, kit, name, ns, upstream=None, interval=2):
        self.kit, self.name = kit, name
        self.db = kit.p("%s.sqlite" % name)
        self.home, self.fpr, self.pub = gpg_key(kit, name)
        extra = ["--csaf-gnupghome", self.home, "--csaf-key", self.fpr, "--csaf-publisher",
                 publisher(kit, name, ns)]
        if upstream:
            up, keys, tok = upstream
            extra += ["--upstream", up.url, "--upstream-keys", keys, "--upstream-token-file",
                      tok, "--upstream-cacert", kit.tls()[0], "--upstream-interval",
                      str(interval)]
        self.tokens = {}
        for role in ("national", "sectoral", "organisational", "lab"):
            self.tokens[role] = kit.token(self.db, role, "%s %s" % (name, role),
                                          lab="LAB-A" if role == "lab" else None)
        self.srv = Server(kit, self.db, extra)
        SERVERS.append(self.srv)

    def tokfile(self, role):
        path = self.kit.p("%s-%s.tok" % (self.name, role))
        with open(path, "w") as f:
            f.write(self.tokens[role].secret + "\n")
        return path

    def get(self, path, role="public"):
        tok = None if role == "public" else self.tokens[role].secret
        return self.srv.req("GET", path, token=tok)


def keyring(kit, name, *pubs):
    path = kit.p(name + ".keys.asc")
    with open(path, "wb") as out:
        for p in pubs:
            with open(p, "rb") as f:
                out.write(f.read())
    return path


def publish(kit, tier, doc, rc=0):
    return kit.cli(["advisory", "publish", doc, "--url", tier.srv.url, "--token-file",
                    tier.tokfile("national"), "--cacert", kit.tls()[0]], rc)


def new_doc(kit, name, tlp, cve, title, previous=None, **kw):
    if previous:
        kw["revision"] = "Fixed version named."
    d = draft(kit, name, tlp, cve, title, **kw)
    out = kit.p(name + ("-v2" if previous else "") + ".json")
    args = ["advisory", "new", d, "-o", out]
    if previous:
        args += ["--previous", previous]
    kit.cli(args)
    kit.cli(["advisory", "check", out])
    return out


def tree_path(doc):
    with open(doc) as f:
        d = json.load(f)["document"]
    tid = d["tracking"]["id"]
    fn = re.sub(r"[^+\-a-z0-9]+", "_", tid.lower()) + ".json"  # CSAF 2.0 section 5.1
    tlp = d.get("distribution", {}).get("tlp", {}).get("label", "WHITE").lower()
    year = d["tracking"]["initial_release_date"][:4]
    return "%s/%s/%s" % (tlp, year, fn)


def wait_for(pred, what, timeout=60):
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.3)
    fail("timed out waiting for " + what)


def gpg_verify(kit, pub, data, sig):
    home = tempfile.mkdtemp(dir=kit.dir, prefix="gnupg-verify-")
    os.chmod(home, 0o700)
    run(["gpg", "--homedir", home, "--batch", "--import", pub])
    d, s = os.path.join(home, "d"), os.path.join(home, "d.asc")
    with open(d, "wb") as f:
        f.write(data)
    with open(s, "wb") as f:
        f.write(sig)
    p = subprocess.run(["gpg", "--homedir", home, "--batch", "--status-fd", "1", "--verify", s,
                        d], capture_output=True, text=True)
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True)
    if p.returncode != 0 or "[GNUPG:] VALIDSIG" not in p.stdout:
        fail("gpg does not verify the signature:\n" + p.stdout + p.stderr)


def files_of(tier, base, path, role):
    """(doc, sha256, sha512, asc) bytes served under base/path."""
    out = []
    for suf in ("", ".sha256", ".sha512", ".asc"):
        r = tier.get("%s/%s%s" % (base, path, suf), role)
        if r.status != 200:
            fail("%s %s/%s%s as %s: %d %r" % (tier.name, base, path, suf, role, r.status,
                                               r.body[:300]))
        out.append(r.body)
    return out


def check_files(kit, files, pub, where):
    doc, s256, s512, asc = files
    if s256.split()[0].decode() != hashlib.sha256(doc).hexdigest():
        fail(where + ": .sha256 does not match")
    if s512.split()[0].decode() != hashlib.sha512(doc).hexdigest():
        fail(where + ": .sha512 does not match")
    gpg_verify(kit, pub, doc, asc)


def aggregator_folder(tier, role, namespace):
    r = tier.get("/.well-known/csaf-aggregator/aggregator.json", role)
    if r.status != 200:
        return None
    for p in r.json.get("csaf_providers", []):
        meta = p.get("metadata", {})
        if meta.get("publisher", {}).get("namespace") == namespace:
            for m in p.get("mirrors", []):
                # .../.well-known/csaf-aggregator/<folder>/provider-metadata.json
                parts = m.rstrip("/").split("/")
                return parts[-2]
    return None


def test_roundtrip(kit):
    nat = Tier(kit, "national", "https://ncert.test")
    nat.srv.start()
    docs = {t: new_doc(kit, "pk-2026-%04d" % (40 + i), t, "CVE-2026-%04d" % (1000 + i),
                       "Gateway flaw %s" % t) for i, t in enumerate(TLPS)}
    for d in docs.values():
        publish(kit, nat, d)
    # the same bytes again: 409 -> exit 21
    publish(kit, nat, docs["WHITE"], rc=21)

    # the sector mirrors the nation with a sectoral token of the national server
    sec = Tier(kit, "sector", "https://energy-cert.test",
               upstream=(nat.srv, keyring(kit, "nat", nat.pub), nat.tokfile("sectoral")))
    sec.srv.start()
    folder = wait_for(lambda: aggregator_folder(sec, "national", "https://ncert.test"),
                      "the sector's aggregator.json to list the national CERT")
    base_sec = "/.well-known/csaf-aggregator/" + folder
    for t, d in docs.items():
        path = tree_path(d)
        wait_for(lambda: sec.get("%s/%s" % (base_sec, path), "national").status == 200,
                 "the sector to mirror " + path)
        orig = files_of(nat, "/.well-known/csaf", path, "national")
        mirr = files_of(sec, base_sec, path, "national")
        if orig != mirr:
            fail("the sector's copy of %s is not byte-identical" % path)
        check_files(kit, mirr, nat.pub, "sector " + path)
    # the sector adds its own advisory
    own = new_doc(kit, "sec-2026-0001", "WHITE", "CVE-2026-2001", "Sector finding",
                  pub=("sector", "https://energy-cert.test"))
    publish(kit, sec, own)

    # the organisation mirrors the sector with an organisational token
    org = Tier(kit, "org", "https://ministry.test",
               upstream=(sec.srv, keyring(kit, "sec-nat", sec.pub, nat.pub),
                         sec.tokfile("organisational")))
    org.srv.start()
    f_sec = wait_for(lambda: aggregator_folder(org, "national", "https://energy-cert.test"),
                     "the organisation to mirror the sector")
    f_nat = wait_for(lambda: aggregator_folder(org, "national", "https://ncert.test"),
                     "the organisation to mirror the national CERT through the sector")
    p_own = tree_path(own)
    wait_for(lambda: org.get("/.well-known/csaf-aggregator/%s/%s" % (f_sec, p_own),
                             "national").status == 200, "the sector's own advisory at org")
    check_files(kit, files_of(org, "/.well-known/csaf-aggregator/" + f_sec, p_own, "national"),
                sec.pub, "org sector " + p_own)
    for t, d in docs.items():
        path = tree_path(d)
        url = "/.well-known/csaf-aggregator/%s/%s" % (f_nat, path)
        if t == "RED":
            # the sector's organisational token may not read RED: never passed on
            time.sleep(3 * SLOW)
            if org.get(url, "national").status == 200:
                fail("a RED advisory reached the organisation")
            continue
        wait_for(lambda: org.get(url, "national").status == 200, "org to receive " + path)
        got = files_of(org, "/.well-known/csaf-aggregator/" + f_nat, path, "national")
        if got != files_of(nat, "/.well-known/csaf", path, "national"):
            fail("org's copy of %s is not byte-identical to the national original" % path)
        check_files(kit, got, nat.pub, "org " + path)

    # a revision travels; an older version is refused
    v2 = new_doc(kit, "pk-2026-0040", "WHITE", "CVE-2026-1000", "Gateway flaw WHITE",
                 previous=docs["WHITE"])
    publish(kit, nat, v2)
    publish(kit, nat, docs["WHITE"], rc=21)
    path = tree_path(v2)
    with open(v2, "rb") as f:
        v2b = f.read()
    wait_for(lambda: org.get("/.well-known/csaf-aggregator/%s/%s" % (f_nat, path),
                             "national").body == v2b, "the revision to reach the organisation")
    r = nat.get("/api/v1/advisories/" + path.split("/")[-1], "national")
    if r.status != 200 or [v["version"] for v in r.json["versions"]] != ["2", "1"]:
        fail("versions of the revised advisory: %d %r" % (r.status, r.body[:400]))

    # upstream down: the mirror stays as it was
    before = sec.get("%s/white/changes.csv" % base_sec, "national").body
    nat.srv.stop()
    time.sleep(5 * SLOW)
    if sec.get("%s/white/changes.csv" % base_sec, "national").body != before:
        fail("the sector's mirror changed while its upstream was down")
    if "csaf-pull" not in sec.srv.log():
        fail("the sector logged nothing about its unreachable upstream:\n" + sec.srv.log())
    nat.srv.start()

    # an air gap: bundle from the national server, import into a fresh database
    bundle = kit.p("bundle")
    kit.cli(["advisory", "bundle", "--url", nat.srv.url, "--token-file", nat.tokfile("national"),
             "--cacert", kit.tls()[0], "--keys", nat.pub, "-o", bundle])
    kit.parakhd(["import", "--db", kit.p("gap.sqlite"), "--bundle", bundle, "--keys",
                 keyring(kit, "gap", nat.pub)])
    gapt = Tier(kit, "gap", "https://lab.test")  # the same gap.sqlite
    gapt.srv.start()
    r = sec.get("/.well-known/csaf-aggregator/aggregator.json", "national")
    schema_valid(r.json, "aggregator_json_schema.json", "the sector's aggregator.json")
    fg = aggregator_folder(gapt, "national", "https://ncert.test")
    if not fg:
        fail("the imported bundle does not appear in aggregator.json")
    for t in TLPS:
        path = tree_path(v2 if t == "WHITE" else docs[t])
        got = files_of(gapt, "/.well-known/csaf-aggregator/" + fg, path, "national")
        if got != files_of(nat, "/.well-known/csaf", path, "national"):
            fail("bundle import of %s is not byte-identical" % path)
    for t in (gapt, org, sec, nat):
        t.srv.stop()


def test_tlp(kit):
    nat = Tier(kit, "national", "https://ncert.test")
    nat.srv.start()
    paths = {}
    for i, t in enumerate(TLPS):
        d = new_doc(kit, "tlp-%s" % t.lower(), t, "CVE-2026-%04d" % (3000 + i), "TLP " + t)
        publish(kit, nat, d)
        paths[t] = tree_path(d)
    bad = []
    for role, may in READ.items():
        for t, path in paths.items():
            tl = t.lower()
            for suffix in (path, path + ".sha256", path + ".sha512", path + ".asc",
                           tl + "/changes.csv", tl + "/index.txt", "feed-tlp-%s.json" % tl):
                r = nat.get("/.well-known/csaf/" + suffix, role)
                want = 200 if t in may else (401 if role == "public" else 403)
                if r.status != want:
                    bad.append("%s %s: %d, expected %d" % (role, suffix, r.status, want))
        r = nat.get("/api/v1/advisories", role)
        listed = {a.get("tlp") for a in (r.json or {}).get("advisories", [])}
        if r.status != 200 or listed != may:
            bad.append("%s /api/v1/advisories lists TLPs %s, expected %s" %
                       (role, sorted(listed), sorted(may)))
    r = nat.get("/.well-known/csaf/provider-metadata.json")
    if r.status != 200 or r.json.get("role") != "csaf_trusted_provider":
        bad.append("provider-metadata.json: %d %r" % (r.status, r.body[:200]))
    else:
        schema_valid(r.json, "provider_json_schema.json", "provider-metadata.json")
    if bad:
        fail("TLP access differs from docs/csaf.md:\n  " + "\n  ".join(bad))
    nat.srv.stop()


def schema_valid(doc, name, what):
    """Validates against an OASIS CSAF 2.0 schema, its $refs to the CSAF
    schema resolved from shared/data (offline)."""
    import jsonschema
    from referencing import Registry, Resource
    d = os.path.join(SHARED, "schemas", "csaf-2.0")
    reg = Registry()
    for n in ("csaf_json_schema.json", "provider_json_schema.json"):
        with open(os.path.join(d, n)) as f:
            sch = json.load(f)
        reg = reg.with_resource(sch["$id"], Resource.from_contents(sch))
    with open(os.path.join(d, name)) as f:
        schema = json.load(f)
    v = jsonschema.Draft202012Validator(schema, registry=reg,
                                        format_checker=jsonschema.FormatChecker())
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        fail("%s is not valid against %s: %s at %s" % (what, name, errs[0].message,
                                                       list(errs[0].path)))


def certify_with_sbom(kit, lab, product, version, gitlfs):
    prog = kit.program("agent-" + version, scan=True)
    sbom = kit.p("sbom-%s-%s.cdx.json" % (product, version))
    with open(sbom, "w") as f:
        json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                   "components": [{"type": "application", "bom-ref": "g", "name": "git-lfs",
                                   "version": gitlfs,
                                   "purl": "pkg:rpm/redhat/git-lfs@%s?arch=x86_64&distro=redhat-8"
                                           % gitlfs}]}, f)
    out = "cert-%s-%s.json" % (product, version)
    kit.cli(["certify", "--report", prog["report"], "--profile", "pss-baseline", "--sbom", sbom,
             "--product", product, "--vendor", "Acme Ltd", "--version", version, "--purl",
             "pkg:generic/acme/%s@%s" % (product.lower(), version), "--key", lab.key, "--lab",
             lab.id, "-o", out])
    return kit.load_cert(kit.p(out), lab.id), sbom


def test_affected(kit):
    lab = kit.lab("LAB-A")
    nat = Tier(kit, "national", "https://ncert.test")
    nat.srv.start()
    kit.cli(["registry", "accredit", lab.accr, "--url", nat.srv.url, "--token-file",
             nat.tokfile("national"), "--cacert", kit.tls()[0]])
    c_old, s_old = certify_with_sbom(kit, lab, "Agent", "1.0", "2.13.3-2.el8")
    c_new, s_new = certify_with_sbom(kit, lab, "Agent", "2.0", "2.13.3-3.el8_6.1")
    for c, s in ((c_old, s_old), (c_new, s_new)):
        kit.cli(["registry", "submit", c.path, "--url", nat.srv.url, "--token-file",
                 nat.tokfile("lab"), "--cacert", kit.tls()[0]])
        kit.cli(["registry", "sbom", c.id, s, "--url", nat.srv.url, "--token-file",
                 nat.tokfile("lab"), "--cacert", kit.tls()[0]])
    # a vendor advisory through the import path (Red Hat's are unsigned here)
    nat.srv.stop()
    kit.parakhd(["import", "--db", nat.db, "--bundle", RHSA, "--unsigned-vendor"])
    nat.srv.start()
    r = nat.get("/api/v1/affected", "national")
    hits = (r.json or {}).get("hits", [])
    ids = {h["certificate"] for h in hits}
    if r.status != 200 or ids != {c_old.id}:
        fail("affected: expected only the old agent %s, got %d %r" % (c_old.id, r.status,
                                                                    r.body[:600]))
    h = hits[0]
    if h["cve"] != "CVE-2023-45288" or h["component"]["version"] != "2.13.3-2.el8" or \
            h.get("fixed") != "2.13.3-3.el8_6.1" or h["advisory"] != "RHSA-2024:4546":
        fail("the hit does not say why: %r" % h)
    # the certificate lookup shows the open advisory; the fixed one shows none
    for c, want in ((c_old, ["RHSA-2024:4546"]), (c_new, [])):
        r = nat.get("/api/v1/certificates/" + c.id)
        got = [a["id"] for a in r.json.get("advisories", [])]
        if got != want:
            fail("lookup of %s: advisories %r, expected %r" % (c.id, got, want))
    # an organisation sees only what it registered as in use
    r = nat.get("/api/v1/affected", "organisational")
    if r.status != 200 or r.json.get("hits"):
        fail("an organisation with nothing in use sees hits: %r" % r.body[:300])
    kit.cli(["registry", "inuse", c_new.id, "--url", nat.srv.url, "--token-file",
             nat.tokfile("organisational"), "--cacert", kit.tls()[0]])
    r = nat.get("/api/v1/affected", "organisational")
    if r.status != 200 or r.json.get("hits"):
        fail("the fixed product in use gives hits: %r" % r.body[:300])
    kit.cli(["registry", "inuse", c_old.id, "--url", nat.srv.url, "--token-file",
             nat.tokfile("organisational"), "--cacert", kit.tls()[0]])
    r = nat.get("/api/v1/affected", "organisational")
    if r.status != 200 or {h["certificate"] for h in r.json.get("hits", [])} != {c_old.id}:
        fail("the organisation's in-use hit is missing: %r" % r.body[:300])
    if nat.get("/api/v1/affected", "lab").status != 403 or nat.get("/api/v1/affected").status \
            != 401:
        fail("lab or public may read /api/v1/affected")
    # the CLI, online and offline
    p = kit.cli(["advisory", "affected", RHSA, "--url", nat.srv.url, "--token-file",
                 nat.tokfile("national"), "--cacert", kit.tls()[0]], rc=4)
    if c_old.id not in p.out or c_new.id in p.out:
        fail("advisory affected --url lists the wrong certificates:\n" + p.out)
    kit.cli(["advisory", "affected", RHSA, "--sbom", s_old], rc=4)
    kit.cli(["advisory", "affected", RHSA, "--sbom", s_new], rc=0)
    nat.srv.stop()


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "roundtrip"
    if not shutil.which("gpg"):
        print("gpg is missing (scripts/install-deps.sh installs gnupg)")
        sys.exit(1)
    work = tempfile.mkdtemp(prefix="pk-csaf-%s-" % which)
    kit = Kit(work)
    try:
        {"roundtrip": test_roundtrip, "tlp": test_tlp, "affected": test_affected}[which](kit)
    finally:
        for srv in SERVERS:
            srv.kill9()
        kill_agents(kit)
    shutil.rmtree(work, ignore_errors=True)
    print("csaf_tiers %s: ok" % which)


if __name__ == "__main__":
    main()
