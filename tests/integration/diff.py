#!/usr/bin/env python3
"""What an update changed: `parakh diff` (docs/diff.md).

`diff.py debian`: two real versions of Debian packages (curl 7.88.1-10+deb12u5
and +deb12u15; libssl3 3.0.17-1~deb12u2 and 3.0.22-1~deb12u2), fetched with
`apt-get download` into PK_DIFF_CACHE (default ~/.cache/parakh-tests/diff).
The upgraded component and its versions are asserted; the files that changed
are checked against an oracle (dpkg-deb -x of both, sha256 of every file), and
the hardening of every ELF against readelf. When a version is no longer in the
apt indexes (or cannot be fetched) the script prints why and exits 77, which
ctest reports as skipped (SKIP_RETURN_CODE).

`diff.py zip`: two zips built here where exactly one thing of each kind
changes: lodash upgraded in node_modules/lodash/package.json (4.17.15 ->
4.17.21: NSWG-ECO-516 fixed, with a knowledge base of the Node.js security WG
data imported here), ws 1.1.0 added (NSWG-ECO-120 introduced), a new URL in a
configuration file, and a program rebuilt with -Wl,-z,norelro (RELRO lost). Both the
report pair and the two deliverables are diffed; text, Markdown and JSON.
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkit  # noqa: E402
from pkit import check, check_eq  # noqa: E402

SKIP = 77
CACHE = os.environ.get("PK_DIFF_CACHE") or os.path.join(
    os.path.expanduser("~"), ".cache", "parakh-tests", "diff")
SHARED = os.environ.get("PK_SHARED") or os.path.join(pkit.SRC, "..", "shared", "data")

PAIRS = [
    ("curl", "7.88.1-10+deb12u5", "7.88.1-10+deb12u15"),
    ("libssl3", "3.0.17-1~deb12u2", "3.0.22-1~deb12u2"),
]


def validate(doc):
    """Every diff validates against docs/diff.schema.json (Draft 2020-12)."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:  # python3-jsonschema: scripts/install-deps.sh
        raise AssertionError("python3-jsonschema is not installed")
    with open(os.path.join(pkit.SRC, "docs", "diff.schema.json")) as f:
        v = Draft202012Validator(json.load(f))
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    check(not errs, "diff.schema.json: %s" % "; ".join(
        "%s: %s" % ("/".join(map(str, e.path)), e.message[:200]) for e in errs[:5]))


def diff(s, old, new, *opts, rc=None):
    p = s.run_cli(["diff", "-q", "--format", "json"] + list(opts) + [old, new])
    if rc is not None and p.returncode != rc:
        raise AssertionError("parakh diff exited %d, expected %d; stderr:\n%s" %
                             (p.returncode, rc, p.stderr.decode(errors="replace")[-3000:]))
    doc = json.loads(p.stdout)
    validate(doc)
    return doc, p.returncode


# ---- Debian -------------------------------------------------------------------------
def skip_all(why):
    print("SKIP  diff debian: %s" % why, flush=True)
    sys.exit(SKIP)


def fetch():
    """The .deb files, fetched once; exits 77 with the reason when one cannot be had."""
    if not pkit.have("apt-get", "apt-cache", "dpkg-deb", "readelf"):
        skip_all("needs apt-get, apt-cache, dpkg-deb and readelf")
    os.makedirs(CACHE, exist_ok=True)
    out = {}
    for pkg, a, b in PAIRS:
        for v in (a, b):
            have = glob.glob(os.path.join(CACHE, "%s_%s_*.deb" % (pkg, v.replace(":", "%3a"))))
            if have:
                out[(pkg, v)] = have[0]
                continue
            m = subprocess.run(["apt-cache", "madison", pkg], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE).stdout.decode(errors="replace")
            if not re.search(r"\|\s*%s\s*\|" % re.escape(v), m):
                skip_all("%s %s is no longer in this machine's apt indexes (apt-cache madison "
                         "%s lists: %s); update PAIRS in tests/integration/diff.py" %
                         (pkg, v, pkg, ", ".join(re.findall(r"\|\s*(\S+)\s*\|", m)) or "nothing"))
            p = subprocess.run(["apt-get", "download", "%s=%s" % (pkg, v)], cwd=CACHE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            have = glob.glob(os.path.join(CACHE, "%s_*%s_*.deb" % (pkg, v.split(":")[-1])))
            if p.returncode != 0 or not have:
                skip_all("apt-get download %s=%s failed (offline?): %s" %
                         (pkg, v, p.stderr.decode(errors="replace")[-500:]))
            out[(pkg, v)] = have[0]
    return out


def tree_hashes(s, deb, name):
    d = s.mkdir("x-" + name)
    pkit.sh(["dpkg-deb", "-x", deb, d])
    h = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            if os.path.islink(p):
                continue
            h[os.path.relpath(p, d)] = pkit.sha256_file(p)
    return d, h


def readelf_hardening(path):
    """(pie, relro) of an ELF executable or library by readelf: what checksec reads."""
    seg = subprocess.run(["readelf", "-lW", path], stdout=subprocess.PIPE).stdout.decode()
    dyn = subprocess.run(["readelf", "-dW", path], stdout=subprocess.PIPE).stdout.decode()
    relro = "none"
    if "GNU_RELRO" in seg:
        relro = "full" if re.search(r"BIND_NOW|Flags:.*\bNOW\b", dyn) else "partial"
    return relro


def case_debian(s, debs, pkg, a, b):
    old, new = debs[(pkg, a)], debs[(pkg, b)]
    doc, rc = diff(s, old, new)
    up = doc["components"]["upgraded"]
    check_eq([(c["name"], c["old_version"], c["new_version"], c["order"]) for c in up],
             [(pkg, a, b, "dpkg")], "%s: upgraded components" % pkg)
    check_eq(doc["components"]["downgraded"] + doc["components"]["added"] +
             doc["components"]["removed"], [], "%s: no other component change" % pkg)
    # the oracle: every file of both data trees, by hash
    do, ho = tree_hashes(s, old, pkg + "-old")
    dn, hn = tree_hashes(s, new, pkg + "-new")
    want_changed = sorted(p for p in ho if p in hn and ho[p] != hn[p])
    want_added = sorted(p for p in hn if p not in ho)
    want_removed = sorted(p for p in ho if p not in hn)
    pre = "*!/data.tar.xz!/"

    def data_level(lst):
        return sorted(x["path"][len(pre):] for x in lst
                      if x["path"].startswith(pre) and "!/" not in x["path"][len(pre):])
    f = doc["files"]
    check_eq(data_level(f["changed"]), want_changed, "%s: files changed (dpkg-deb oracle)" % pkg)
    check_eq(data_level(f["added"]), want_added, "%s: files added" % pkg)
    check_eq(data_level(f["removed"]), want_removed, "%s: files removed" % pkg)
    check(want_changed, "%s: the oracle found no changed file" % pkg)
    for x in f["changed"]:
        rel = x["path"][len(pre):]
        if rel in want_changed:
            check_eq((x["old_sha256"], x["new_sha256"]), (ho[rel], hn[rel]), "hashes of " + rel)
    # hardening: readelf on every ELF present in both
    want_reg = []
    for rel in sorted(set(ho) & set(hn)):
        po, pn = os.path.join(do, rel), os.path.join(dn, rel)
        with open(po, "rb") as fo:
            if fo.read(4) != b"\x7fELF":
                continue
        ro, rn = readelf_hardening(po), readelf_hardening(pn)
        rank = {"none": 0, "partial": 1, "full": 2}
        if rank[rn] < rank[ro]:
            want_reg.append(pre + rel)
    check_eq(sorted(x["path"] for x in doc["hardening"]["regressed"]), want_reg,
             "%s: hardening regressions (readelf)" % pkg)
    check_eq(doc["vulnerabilities"]["compared"], False, "vulnerabilities without --db")
    check_eq(doc["verdict"]["status"], "not assessed", "verdict")
    check_eq(rc, 1 if doc["worse"] else 0, "exit code follows 'worse'")
    print("      %s %s -> %s: %d files changed (%s), worse=%s because %s" %
          (pkg, a, b, len(f["changed"]), ", ".join(want_changed), doc["worse"],
           doc["worse_because"]), flush=True)


def main_debian():
    debs = fetch()  # before the suite's temporary directory: a skip leaves nothing
    s = pkit.Suite("diff-debian")
    for pkg, a, b in PAIRS:
        s.run("%s %s -> %s" % (pkg, a, b), case_debian, s, debs, pkg, a, b)
    s.finish()


# ---- two zips built here --------------------------------------------------------------
PROG = b'#include <stdio.h>\nint main(void) { puts("vendor agent"); return 0; }\n'


def build_zip(s, name, lodash, ws, url, relro):
    d = s.mkdir("src-" + name)
    root = s.mkdir("src-" + name, "vendor")
    with open(os.path.join(d, "agent.c"), "wb") as f:
        f.write(PROG)
    pkit.sh(["cc", "-O1", "-fstack-protector-strong", "-pie", "-fPIE",
             "-Wl,-z,relro,-z,now" if relro else "-Wl,-z,norelro",
             "-o", os.path.join(root, "agent"), os.path.join(d, "agent.c")])
    mods = {"lodash": lodash}
    if ws:
        mods["ws"] = ws
    for m, v in mods.items():
        p = s.mkdir("src-" + name, "vendor", "node_modules", m)
        with open(os.path.join(p, "package.json"), "w") as f:
            json.dump({"name": m, "version": v, "license": "MIT"}, f)
    # a configuration file: a URL only in documentation is a reference, not an endpoint
    with open(os.path.join(root, "agent.conf"), "w") as f:
        f.write("# Vendor agent\nupdate_url = %s\n" % url)
    z = os.path.join(s.dir, name)
    with zipfile.ZipFile(z, "w") as zf:
        for r, _, files in os.walk(root):
            for fn in sorted(files):
                p = os.path.join(r, fn)
                zf.write(p, os.path.relpath(p, root))
    return z


def case_zip(s, db):
    pkit.need("cc")
    old = build_zip(s, "vendor-1.0.zip", "4.17.15", None, "https://updates.example-vendor.net/v1", True)
    new = build_zip(s, "vendor-1.1.zip", "4.17.21", "1.1.0", "https://telemetry.vendor-cloud.io/v2",
                    False)
    ro, rn = os.path.join(s.dir, "old.json"), os.path.join(s.dir, "new.json")
    # deliverables directly, reports kept, then the two reports: the same diff
    d1, rc1 = diff(s, old, new, "--db", db, "--save-old", ro, "--save-new", rn)
    d2, rc2 = diff(s, ro, rn)
    for k in ("components", "vulnerabilities", "files", "hardening", "endpoints", "crypto"):
        check_eq(d2[k], d1[k], "report pair and deliverable pair agree on " + k)
    check_eq((rc1, rc2), (1, 1), "exit codes: something got worse")
    up = d1["components"]["upgraded"]
    check_eq([(c["name"], c["old_version"], c["new_version"], c["order"]) for c in up],
             [("lodash", "4.17.15", "4.17.21", "semver")], "upgraded")
    check_eq([(c["name"], c["new_version"]) for c in d1["components"]["added"]],
             [("ws", "1.1.0")], "added")
    check_eq(d1["components"]["removed"] + d1["components"]["downgraded"], [], "nothing else")
    v = d1["vulnerabilities"]
    check_eq(v["compared"], True, "vulnerabilities compared with --db")
    check_eq([(x["id"], x["component"]) for x in v["fixed"]], [("NSWG-ECO-516", "lodash")], "fixed")
    check_eq([(x["id"], x["component"], x["kev"]) for x in v["introduced"]],
             [("NSWG-ECO-120", "ws", False)], "introduced")
    reg = d1["hardening"]["regressed"]
    check_eq([(x["path"], x["lost"]) for x in reg], [("*!/agent", ["relro:full->none"])],
             "RELRO lost (-Wl,-z,norelro)")
    check_eq(sorted(x["path"] for x in d1["files"]["added"]),
             ["*!/node_modules/ws/package.json"], "files added")
    check_eq(sorted(x["path"] for x in d1["files"]["changed"]),
             ["*", "*!/agent", "*!/agent.conf", "*!/node_modules/lodash/package.json"],
             "files changed (the zip's own name normalised)")
    ep = d1["endpoints"]
    check_eq(ep["compared"], True, "endpoints compared")
    check("https://telemetry.vendor-cloud.io/v2" in [x["value"] for x in ep["new"]],
          "new URL: %s" % ep["new"])
    check("https://updates.example-vendor.net/v1" in [x["value"] for x in ep["gone"]],
          "gone URL: %s" % ep["gone"])
    for w in ("vulnerability-introduced", "hardening-regressed"):
        check(w in d1["worse_because"], "worse because %s: %s" % (w, d1["worse_because"]))
    check("component-downgraded" not in d1["worse_because"], d1["worse_because"])
    # the people's formats
    t = s.run_cli(["diff", "-q", ro, rn])
    txt = t.stdout.decode()
    check("RESULT: WORSE (" in txt and "lodash 4.17.15 -> 4.17.21 (order: semver)" in txt, txt)
    check("*!/agent: lost: relro:full->none" in txt, txt)
    md = s.run_cli(["diff", "-q", "--format", "markdown", ro, rn]).stdout.decode()
    check(md.startswith("# What the update changed") and "| vulnerabilities | 1 introduced" in md,
          md[:600])
    # the reverse direction: the downgrade and the regained RELRO
    d3, rc3 = diff(s, rn, ro, rc=1)
    check_eq([c["name"] for c in d3["components"]["downgraded"]], ["lodash"], "reverse: downgrade")
    check_eq([x["lost"] for x in d3["hardening"]["regressed"]], [], "reverse: nothing lost")
    check_eq([x["gained"] for x in d3["hardening"]["improved"]], [["relro:none->full"]],
             "reverse: RELRO regained")
    # the verdict hook: both reports assessed with a shipped profile
    d5, _ = diff(s, ro, rn, "--profile", "pss-baseline")
    check_eq((d5["verdict"]["status"], d5["verdict"]["profile"]), ("assessed", "pss-baseline"),
             "verdict with --profile")
    check_eq(d5["verdict"]["changed"], d5["verdict"]["old"] != d5["verdict"]["new"], "changed")
    check_eq(s.run_cli(["diff", "--profile", "no-such-profile", ro, rn]).returncode, 2,
             "an unknown profile")
    # the same report twice: nothing changed, exit 0
    d4, rc4 = diff(s, ro, ro, rc=0)
    check_eq(d4["worse"], False, "same report")
    check_eq(sum(len(x) for x in d4["files"].values()), 0, "same report: no file change")
    # usage and input errors
    check_eq(s.run_cli(["diff", ro]).returncode, 2, "one input is a usage error")
    check_eq(s.run_cli(["diff", ro, os.path.join(s.dir, "missing.json")]).returncode, 3,
             "a missing input")


def main_zip():
    s = pkit.Suite("diff-zip")
    nswg = os.path.join(SHARED, "osv", "nodejs-security-wg")
    db = os.path.join(s.dir, "nswg.db")

    def mkdb():
        if not os.path.isdir(nswg):
            raise pkit.Skip("shared data missing: %s" % nswg)
        p = s.run_cli(["db", "import", "--db", db, nswg])
        check(p.returncode == 0, p.stderr.decode(errors="replace"))
    s.run("knowledge base of the Node.js security WG", mkdb)
    if os.path.exists(db):
        s.run("two zips: upgrade, new component, new URL, RELRO lost", case_zip, s, db)
    s.finish()


if __name__ == "__main__":
    {"debian": main_debian, "zip": main_zip}[sys.argv[1] if len(sys.argv) > 1 else "zip"]()
