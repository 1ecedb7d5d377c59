#!/usr/bin/python3
"""Helper of bench/debsecan-compare.sh (not a test; see docs/vulndb/debsecan-compare.md).

  feed    DSA/DLA lists -> debsecan's "VERSION 1" data for one suite (zlib)
  status  a dpkg status file with a bullseye-era package set
  compare parakh's JSON against debsecan --format detail, by (package, CVE)

debsecan normally downloads security-tracker.debian.org/tracker/debsecan/
release/1/<suite>, which the tracker computes from data/CVE/list (not in the
store) with lib/python/security_db.py calculateDebsecan1. `feed` applies the
same rules to the DSA/DLA lists, the data parakh imports:
  - one entry per (source package, CVE) named by any advisory, any release;
  - "fixed in unstable": the tracker's sid version is in data/CVE/list, so the
    highest fixed version over all releases stands in for it;
  - "other versions": per release with a fix V, every version the lists give
    that package in that release which is >= V (the tracker also adds the
    archive's versions of the release, which are not available here);
  - flag F when the suite has a fix; urgency unknown (' '), remote unknown
    ('?'), source-package entries ('S'); no binary-package list (the tracker
    takes it from the archive's Packages files; it only drives "obsolete").
Needs python3-apt (apt_pkg), as debsecan does.
"""
import collections
import functools
import json
import re
import sys
import zlib

import apt_pkg

apt_pkg.init()
vcmp = apt_pkg.version_compare

HDR = re.compile(r"^\[(\d\d) (\w\w\w) (\d{4})\] ((?:DSA|DLA)-[0-9-]+) (.*)$")
REL = re.compile(r"^\s+\[([a-z-]+)\] - (\S+)(?: (\S+))?")
CVES = re.compile(r"^\s+\{([^}]*)\}")


def parse_lists(paths):
    """[(advisory id, title, [CVE ids], [(release, package, version or tag)])]."""
    advs = []
    for path in paths:
        cur = None
        for line in open(path, encoding="utf-8", errors="replace"):
            m = HDR.match(line)
            if m:
                cur = [m.group(4), m.group(5).strip(), [], []]
                advs.append(cur)
                continue
            if cur is None:
                continue
            m = CVES.match(line)
            if m:
                cur[2] += [c for c in m.group(1).split() if c.startswith("CVE-")]
                continue
            m = REL.match(line)
            if m and m.group(3):
                cur[3].append((m.group(1), m.group(2), m.group(3)))
    return advs


def notes(advs):
    """(cve, pkg) -> release -> lowest fixed version; pkg -> release -> every
    fixed version (advisories with or without CVEs); (cve, pkg) -> title;
    (cve, pkg) -> {(release, version, advisory)}."""
    fix = collections.defaultdict(dict)
    allv = collections.defaultdict(lambda: collections.defaultdict(set))
    title = {}
    every = collections.defaultdict(set)  # (cve, pkg) -> {(release, version, advisory)}
    for aid, ttl, cves, rels in advs:
        for rel, pkg, ver in rels:
            if ver == "<not-affected>":
                ver = "0"  # the tracker's "never vulnerable in this release"
            elif ver.startswith("<"):
                continue  # <unfixed>/<end-of-life>: woody-era, no version
            allv[pkg][rel].add(ver)
            for c in cves:
                every[(c, pkg)].add((rel, ver, aid))
                old = fix[(c, pkg)].get(rel)
                if old is None or vcmp(ver, old) < 0:
                    fix[(c, pkg)][rel] = ver
                title.setdefault((c, pkg), "%s %s" % (aid, ttl))
    return fix, allv, title, every


def maxv(vs):
    best = None
    for v in vs:
        if best is None or vcmp(v, best) > 0:
            best = v
    return best


def feed_entry(rels, allv_pkg):
    """(unstable stand-in, sorted other_versions) of one (cve, pkg)."""
    unstable = maxv(v for v in rels.values() if v != "0") or ""
    other = set()
    for rel, ref in rels.items():
        other.add(ref)
        other.update(v for v in allv_pkg.get(rel, ()) if vcmp(v, ref) >= 0)
    return unstable, sorted(other, key=functools.cmp_to_key(vcmp))


def cmd_feed(suite, out, lists):
    fix, allv, title, _ = notes(parse_lists(lists))
    cves = sorted({c for (c, p), r in fix.items() if any(v != "0" for v in r.values())})
    index = {c: i for i, c in enumerate(cves)}
    # descriptions: the first advisory naming the CVE (one line, no newline)
    first = {}
    for (c, p), t in title.items():
        first.setdefault(c, t)
    lines = ["VERSION 1"] + ["%s,,%s" % (c, first[c].replace("\n", " ")) for c in cves]
    lines.append("")
    n = 0
    for (c, pkg) in sorted(fix, key=lambda k: (k[1], k[0])):
        rels = fix[(c, pkg)]
        if all(v == "0" for v in rels.values()):
            continue  # only <not-affected>: the tracker emits nothing (unstable "0")
        unstable, other = feed_entry(rels, allv[pkg])
        flag = "F" if suite in rels else " "
        lines.append("%s,%d,S ?%s,%s,%s" % (pkg, index[c], flag, unstable, " ".join(other)))
        n += 1
    lines.append("")  # no source -> binary list
    lines.append("")
    data = "\n".join(lines).encode("utf-8")
    with open(out, "wb") as f:
        f.write(zlib.compress(data, 9))
    print("debsecan feed %s: %d CVEs, %d (package, CVE) entries" % (out, len(cves), n))


# ---------------- the status file ----------------
# source -> [(binary, version, source version if it differs, Status)]; the
# versions are real bullseye versions from the DSA list or bullseye point
# releases, chosen below / at / between / above the DSA fixes.
I = "install ok installed"
SELECTION = {
    "base-files": [("base-files", "11.1+deb11u6", None, I)],
    # between fixes: 1.1.1n-0+deb11u1 came with point release 11.3
    "openssl": [("libssl1.1", "1.1.1n-0+deb11u1", None, I), ("openssl", "1.1.1n-0+deb11u1", None, I)],
    "curl": [("curl", "7.74.0-1.3+deb11u1", None, I), ("libcurl4", "7.74.0-1.3+deb11u1", None, I),
             ("libcurl3-gnutls", "7.74.0-1.3+deb11u1", None, I)],
    # below the fix; bsdutils carries epoch 1, its source util-linux none
    "util-linux": [("util-linux", "2.36.1-8", None, I), ("libblkid1", "2.36.1-8", None, I),
                   ("libmount1", "2.36.1-8", None, I), ("mount", "2.36.1-8", None, I),
                   ("bsdutils", "1:2.36.1-8", "2.36.1-8", I)],
    "expat": [("libexpat1", "2.2.10-2", None, I)],
    "zlib": [("zlib1g", "1:1.2.11.dfsg-2", None, I)],
    "gzip": [("gzip", "1.10-4", None, I)],
    "xz-utils": [("liblzma5", "5.2.5-2.1~deb11u1", None, I), ("xz-utils", "5.2.5-2.1~deb11u1", None, I)],
    "dpkg": [("dpkg", "1.20.9", None, I), ("libdpkg-perl", "1.20.9", None, I)],
    "tiff": [("libtiff5", "4.2.0-1+deb11u1", None, I)],
    "libxml2": [("libxml2", "2.9.10+dfsg-6.7+deb11u2", None, I)],
    "git": [("git", "1:2.30.2-1", None, I), ("git-man", "1:2.30.2-1", None, I)],
    "gnutls28": [("libgnutls30", "3.7.1-5+deb11u2", None, I)],
    "krb5": [("libkrb5-3", "1.18.3-6+deb11u1", None, I), ("libgssapi-krb5-2", "1.18.3-6+deb11u1", None, I),
             ("libk5crypto3", "1.18.3-6+deb11u1", None, I), ("libkrb5support0", "1.18.3-6+deb11u1", None, I)],
    "cups": [("libcups2", "2.3.3op2-3+deb11u2", None, I)],
    "cyrus-sasl2": [("libsasl2-2", "2.1.27+dfsg-2.1", None, I), ("libsasl2-modules-db", "2.1.27+dfsg-2.1", None, I)],
    # above the fix: a later point-release version the DSA list does not name
    "dbus": [("dbus", "1.12.28-0+deb11u1", None, I), ("libdbus-1-3", "1.12.28-0+deb11u1", None, I)],
    "nss": [("libnss3", "2:3.61-1+deb11u1", None, I)],
    "openldap": [("libldap-2.4-2", "2.4.57+dfsg-3", None, I), ("libldap-common", "2.4.57+dfsg-3", None, I)],
    "libksba": [("libksba8", "1.5.0-3+deb11u1", None, I)],
    "gnupg2": [("gnupg", "2.2.27-2+deb11u2", None, I), ("gpgv", "2.2.27-2+deb11u2", None, I),
               ("dirmngr", "2.2.27-2+deb11u2", None, I)],
    "libtirpc": [("libtirpc3", "1.3.1-1", None, I), ("libtirpc-common", "1.3.1-1", None, I)],
    "pixman": [("libpixman-1-0", "0.40.0-1.1~deb11u1", None, I)],
    "policykit-1": [("policykit-1", "0.105-31", None, I), ("libpolkit-gobject-1-0", "0.105-31", None, I)],
    "squashfs-tools": [("squashfs-tools", "1:4.4-2", None, I)],
    "unzip": [("unzip", "6.0-26", None, I)],
    # a binNMU: binary version V+b1, source version V
    "libxslt": [("libxslt1.1", "1.1.34-4+b1", "1.1.34-4", I)],
    "gdk-pixbuf": [("libgdk-pixbuf-2.0-0", "2.42.2+dfsg-1", None, I)],
    "cryptsetup": [("libcryptsetup12", "2:2.3.5-1", None, I)],
    # usbip: binary version 2.0+<kernel version>
    "linux": [("linux-libc-dev", "5.10.149-2", None, I), ("usbip", "2.0+5.10.149-2", "5.10.149-2", I)],
    "openjdk-17": [("openjdk-17-jre-headless", "17.0.3+7-1~deb11u1", None, I)],
    "libde265": [("libde265-0", "1.0.11-0+deb11u1", None, I)],
    "nodejs": [("nodejs", "12.22.12~dfsg-1~deb11u1", None, I), ("libnode72", "12.22.12~dfsg-1~deb11u1", None, I)],
    "maven-shared-utils": [("libmaven-shared-utils-java", "3.3.0-1", None, I)],
    # not on a bookworm build machine: added
    # fonts-opensymbol: binary version 2:102.11+LibO..., source 1:7.0.4-...
    "libreoffice": [("libreoffice-core", "1:7.0.4-4+deb11u1", None, I),
                    ("fonts-opensymbol", "2:102.11+LibO7.0.4-4+deb11u1", "1:7.0.4-4+deb11u1", I)],
    "bind9": [("bind9-host", "1:9.16.27-1~deb11u1", None, I), ("bind9-libs", "1:9.16.27-1~deb11u1", None, I)],
    "samba": [("libwbclient0", "2:4.13.13+dfsg-1~deb11u3", None, I), ("samba-libs", "2:4.13.13+dfsg-1~deb11u3", None, I)],
    # chromium CVE-2022-3201 is in DSA-5230-1 (105.0.5195.125) and DSA-5244-1 (106...)
    "chromium": [("chromium", "105.0.5195.125-1~deb11u1", None, I),
                 ("chromium-common", "105.0.5195.125-1~deb11u1", None, I)],
    # dpkg states other than "installed"
    "sudo": [("sudo", "1.9.5p2-3", None, "install ok unpacked")],
    "isc-dhcp": [("isc-dhcp-client", "4.4.1-2.3", None, "deinstall ok config-files")],
}


def paragraphs(text):
    for para in text.split("\n\n"):
        if para.strip():
            yield para.strip("\n")


def field(para, name):
    m = re.search(r"^%s: ?(.*)$" % re.escape(name), para, re.M)
    return m.group(1) if m else None


def set_field(para, name, value, after="Version"):
    lines = [l for l in para.split("\n")]
    out, done = [], False
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith(name + ":"):
            i += 1
            while i < len(lines) and lines[i][:1] in (" ", "\t"):
                i += 1  # continuation lines of the old value
            if value is not None:
                out.append("%s: %s" % (name, value))
            done = True
            continue
        out.append(l)
        i += 1
    if not done and value is not None:
        at = next((k + 1 for k, l in enumerate(out) if l.startswith(after + ":")), len(out))
        out.insert(at, "%s: %s" % (name, value))
    return "\n".join(out)


def cmd_status(base, out):
    machine = list(paragraphs(open(base, encoding="utf-8", errors="replace").read()))
    by_name = {field(p, "Package"): p for p in machine}
    chosen = {b for v in SELECTION.values() for b, *_ in v}
    sources = set(SELECTION)
    kept = []
    for p in machine:
        name = field(p, "Package")
        src = (field(p, "Source") or name).split(" ")[0]
        if name in chosen or src in sources:
            continue  # replaced by the bullseye entries below
        kept.append(p)
    added = []
    for src, bins in sorted(SELECTION.items()):
        for name, ver, srcver, status in bins:
            p = by_name.get(name)
            if p is None:
                p = ("Package: %s\nStatus: %s\nPriority: optional\nSection: misc\n"
                     "Maintainer: Debian <debian@example.invalid>\nArchitecture: amd64\n"
                     "Version: %s\nDescription: %s (bench entry)" % (name, status, ver, name))
            p = set_field(p, "Status", status, after="Package")
            p = set_field(p, "Version", ver)
            s = None if src == name and not srcver else (src if not srcver else "%s (%s)" % (src, srcver))
            p = set_field(p, "Source", s)
            added.append(p)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n\n".join(kept + added) + "\n")
    print("status %s: %d machine packages kept, %d bullseye entries (%d sources)"
          % (out, len(kept), len(added), len(SELECTION)))


# ---------------- the comparison ----------------

def read_status(path):
    """binary -> (version, source, source version, status)."""
    pk = {}
    for p in paragraphs(open(path, encoding="utf-8").read()):
        name, ver, st = field(p, "Package"), field(p, "Version"), field(p, "Status") or ""
        src = field(p, "Source") or name
        m = re.match(r"^(\S+)(?:\s+\((\S+)\))?$", src)
        pk[name] = (ver, m.group(1), m.group(2) or ver, st)
    return pk


def parakh_pairs(path):
    doc = json.load(open(path))
    cve, other = set(), set()
    for v in doc.get("vulnerabilities", []):
        comp = v.get("component", {}).get("name")
        ids = [v["id"]] + v.get("aliases", [])
        c = [i for i in ids if i.startswith("CVE-")]
        if v["id"].startswith("CVE-"):
            cve.add((comp, v["id"]))
        elif c:
            cve.update((comp, i) for i in c)
        else:
            other.add((comp, v["id"]))
    return cve, other


def debsecan_pairs(path):
    pairs, bug = set(), None
    for line in open(path):
        if line[:1] not in ("", " ", "\n"):
            bug = line.split()[0]
        m = re.match(r"^  installed: (\S+) (\S+)", line)
        if m and bug:
            pairs.add((m.group(1), bug))
    return pairs


CATS = {
    "P-binver": "parakh only: the binary's version (not its source version) is compared with the source package's fix",
    "P-state": "parakh only: the package is not fully installed (debsecan reads only Status ... installed)",
    "P-multi": "parakh only: the CVE is in several DSAs for this release; parakh takes any row (the highest fix), the tracker one fix per release (here: the first)",
    "P-other": "parakh only: unexplained",
    "D-binver": "debsecan only: parakh compares the binary's version with the source package's fix (epoch or prefix differs)",
    "D-norel": "debsecan only: no fix for this release in the lists; debsecan judges by the fixed-in-unstable version (stand-in: the highest fix of any release)",
    "D-exact": "debsecan only: installed version above this release's fix but below the unstable one and not an exact known version",
    "D-other": "debsecan only: unexplained",
}


def classify(side, pkg, cve, st, fix, allv, suite):
    ver, src, srcver, status = st.get(pkg, (None, None, None, ""))
    rels = fix.get((cve, src), {}) or fix.get((cve, pkg), {})
    fx = rels.get(suite)
    if side == "P":
        if status.split()[-1:] != ["installed"]:
            return "P-state"
        if ver != srcver and fx and vcmp(ver, fx) < 0 <= vcmp(srcver, fx):
            return "P-binver"
        if fx and vcmp(srcver, fx) >= 0:
            return "P-multi"
        return "P-other"
    if ver != srcver and fx and vcmp(srcver, fx) < 0 <= vcmp(ver, fx):
        return "D-binver"
    if not fx:
        return "D-norel"
    if vcmp(srcver, fx) >= 0:
        return "D-exact"
    return "D-other"


def cmd_compare(args):
    a = dict(zip(args[::2], args[1::2]))
    suite = a["--suite"]
    st = read_status(a["--status"])
    fix, allv, _, every = notes(parse_lists(a["--lists"].split(",")))
    P, Pother = parakh_pairs(a["--parakh"])
    D = debsecan_pairs(a["--debsecan"])
    out = []
    w = out.append
    both, ponly, donly = P & D, P - D, D - P
    w("pairs (binary package, CVE): parakh %d, debsecan %d" % (len(P), len(D)))
    w("  both %d, parakh only %d, debsecan only %d" % (len(both), len(ponly), len(donly)))
    w("  packages with a finding: parakh %d, debsecan %d"
      % (len({p for p, _ in P}), len({p for p, _ in D})))
    w("parakh findings with no CVE id (advisory only; debsecan lists CVE/TEMP names only): %d %s"
      % (len(Pother), " ".join("%s:%s" % x for x in sorted(Pother))))
    if "--parakh-scan" in a:
        S, Sother = parakh_pairs(a["--parakh-scan"])
        w("parakh scan of the tar vs parakh vulns of its SBOM: %s"
          % ("same pairs" if (S, Sother) == (P, Pother) else
             "DIFFER (scan only %d, vulns only %d)" % (len(S - P), len(P - S))))
    cats = collections.defaultdict(list)
    for side, pairs in (("P", ponly), ("D", donly)):
        for pkg, cve in sorted(pairs):
            cats[classify(side, pkg, cve, st, fix, allv, suite)].append((pkg, cve))
    for k in CATS:
        if cats.get(k):
            ex = cats[k]
            pk = sorted({p for p, _ in ex})
            w("%-9s %4d  %s" % (k, len(ex), CATS[k]))
            w("          packages: %s" % " ".join(pk))
            p, c = ex[0]
            ver, src, srcver, status = st.get(p, ("?", "?", "?", "?"))
            ev = every.get((c, src)) or every.get((c, p)) or ()
            w("          e.g. %s %s (source %s %s, Status '%s'): %s; fixes in the lists: %s"
              % (p, ver, src, srcver, status, c,
                 ", ".join("%s %s (%s)" % e for e in sorted(ev)) or "none"))
    per = collections.defaultdict(lambda: [0, 0, 0])
    for p, _ in both:
        per[p][0] += 1
    for p, _ in ponly:
        per[p][1] += 1
    for p, _ in donly:
        per[p][2] += 1
    sel = sorted(b for v in SELECTION.values() for b, *_ in v if b in st)
    quiet = [b for b in sel if b not in per]
    w("bench entries with no finding from either tool (at or above every fix, or not installed): %d of %d: %s"
      % (len(quiet), len(sel), " ".join(quiet)))
    w("per package (both / parakh only / debsecan only):")
    for p in sorted(per):
        ver = st.get(p, ("?",))[0]
        w("  %-28s %-30s %4d %4d %4d" % (p, ver, *per[p]))
    text = "\n".join(out)
    print(text)
    if "--out" in a:
        with open(a["--out"], "w") as f:
            f.write(text + "\n")
        with open(a["--out"] + ".json", "w") as f:
            json.dump({"both": sorted(both), "parakh_only": sorted(ponly),
                       "debsecan_only": sorted(donly), "parakh_no_cve": sorted(Pother),
                       "categories": {k: v for k, v in cats.items()}}, f, indent=1)
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "feed":
        cmd_feed(argv[2], argv[3], argv[4:])
    elif len(argv) == 4 and argv[1] == "status":
        cmd_status(argv[2], argv[3])
    elif len(argv) >= 2 and argv[1] == "compare":
        return cmd_compare(argv[2:])
    else:
        sys.stderr.write("usage: debsecan_feed.py feed SUITE OUT LIST... | status BASE OUT | "
                         "compare --suite S --status F --lists A,B --parakh J --debsecan T [--out F]\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
