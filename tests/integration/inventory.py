#!/usr/bin/env python3
"""The inventory end to end (issue 4): a root file system made at test time
with a dpkg database, .list files, a program linked against zlib, a program
statically linked with zlib that no package lists, and a .deb inside a zip.
Checks the components, their identifiers, deduplication (a package database
and a binary signature give one component with two pieces of evidence),
files nobody claims, the dependency graph (dpkg Depends with alternatives and
virtual packages, ELF DT_NEEDED to the owning package, a vendored library),
the SBOM formats against the official schemas, determinism with
--reproducible, and reading an SBOM back with `parakh sbom --input`."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import CLI, Suite, check, check_eq, make_deb, make_zip, need, sh

S = Suite("inventory")
SHARED = os.environ.get("PK_SHARED") or os.path.join(os.path.dirname(os.environ.get("PK_SRC", ".")),
                                                     "shared", "data")


def zlib_version():
    """The zlib the static fixture links, read from the header it compiles against."""
    with open("/usr/include/zlib.h") as f:
        return re.search(r'#define ZLIB_VERSION "([^"]+)"', f.read()).group(1)


def build_programs():
    need("cc")
    if not os.path.exists("/usr/include/zlib.h") or not os.path.exists(
            "/usr/lib/x86_64-linux-gnu/libz.a"):
        from pkit import Skip
        raise Skip("needs zlib1g-dev (headers and libz.a)")
    d = S.mkdir("src")
    src = os.path.join(d, "z.c")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\n#include <zlib.h>\n'
                'int main(void) { printf("%s\\n", zlibVersion());\n'
                '  z_stream s = {0}; deflateInit(&s, 9); deflateEnd(&s); return 0; }\n')
    dyn = os.path.join(d, "zdyn")
    sh(["cc", "-O1", "-o", dyn, src, "-lz"])
    static = os.path.join(d, "zstatic")
    sh(["cc", "-O1", "-o", static, src, "/usr/lib/x86_64-linux-gnu/libz.a"])
    return dyn, static


STATUS = """Package: zlib1g
Status: install ok installed
Priority: required
Section: libs
Installed-Size: 164
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:{zv}.dfsg-1
Provides: libz1
Depends: libc6 (>= 2.14)
Description: compression library - runtime
 zlib is a library implementing the deflate compression method found
 in gzip and PKZIP.
Homepage: http://zlib.net/

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Description: GNU C Library: Shared libraries

Package: zapp
Status: install ok installed
Architecture: amd64
Version: 2.0-1
Maintainer: parakh tests <tests@parakh.invalid>
Depends: libz-missing | libz1, libc6:any (>= 2.34)
Description: a program linked against zlib

Package: oldpkg
Status: deinstall ok config-files
Architecture: amd64
Version: 0.9-1
Description: removed; only its configuration files remain

"""


def rootfs():
    dyn, static = build_programs()
    zv = zlib_version()
    S.write("rootfs/var/lib/dpkg/status", STATUS.format(zv=zv).encode())
    S.write("rootfs/var/lib/dpkg/info/zlib1g:amd64.list",
            b"/.\n/usr\n/usr/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu/libz.so.1\n"
            b"/usr/lib/x86_64-linux-gnu/libz.so.1.2.13\n")
    S.write("rootfs/var/lib/dpkg/info/zapp.list", b"/.\n/usr\n/usr/bin\n/usr/bin/zapp\n")
    with open(dyn, "rb") as f:
        S.write("rootfs/usr/bin/zapp", f.read())
    with open(os.path.realpath("/usr/lib/x86_64-linux-gnu/libz.so.1"), "rb") as f:
        S.write("rootfs/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", f.read())
    os.symlink("libz.so.1.2.13", os.path.join(S.dir, "rootfs/usr/lib/x86_64-linux-gnu/libz.so.1"))
    with open(static, "rb") as f:
        S.write("rootfs/opt/vendor/agent", f.read())
    return zv


def comps(rep):
    return rep.doc["components"]


def one(rep, **kw):
    got = [c for c in comps(rep) if all(c.get(k) == v for k, v in kw.items())]
    check(len(got) == 1, "expected one component %r, got %d: %s" %
          (kw, len(got), [(c["name"], c.get("version"), c["type"]) for c in comps(rep)]))
    return got[0]


def refs(rep):
    return {c["ref"]: c for c in comps(rep)}


def case_rootfs():
    zv = rootfs()
    rep = S.scan("rootfs")
    z = one(rep, type="deb", name="zlib1g")
    check_eq(z["version"], "1:%s.dfsg-1" % zv, "zlib1g version")
    check_eq(z["purl"], "pkg:deb/debian/zlib1g@1:%s.dfsg-1?arch=amd64" % zv, "zlib1g purl")
    check_eq(z.get("cpe"), "cpe:2.3:a:zlib:zlib:%s:*:*:*:*:*:*:*" % zv, "zlib1g cpe (source zlib, repack suffix dropped)")
    check_eq(z.get("source_name"), "zlib", "zlib1g source")
    # one component, two pieces of evidence: the dpkg record and the banner in libz.so
    rules = sorted(e["rule"] for e in z["evidence"])
    check("dpkg-status" in rules and "binsig:zlib" in rules,
          "zlib1g evidence should hold the dpkg record and the zlib banner: %s" % rules)
    banner = [e for e in z["evidence"] if e["rule"] == "binsig:zlib"][0]
    check_eq(banner["vpath"], "rootfs/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "banner file")
    check("offset" in banner and zv in banner.get("matched", ""), "banner offset/matched: %s" % banner)
    # installed packages only: the config-files-only package is not a component
    check(not [c for c in comps(rep) if c["name"] == "oldpkg"], "deinstalled package listed")
    app = one(rep, type="deb", name="zapp")
    libc = one(rep, type="deb", name="libc6")
    by = refs(rep)
    # Depends "libz-missing | libz1": the missing one is skipped, libz1 is provided by zlib1g
    check(z["ref"] in app["depends_on"], "zapp -> zlib1g (alternative via Provides): %s" %
          app["depends_on"])
    check(libc["ref"] in app["depends_on"], "zapp -> libc6 (libc6:any)")
    check(libc["ref"] in z["depends_on"], "zlib1g -> libc6")
    # the program nobody lists, with a vendored zlib inside it
    agent = one(rep, name="agent")
    check_eq(agent["unattributed"], True, "agent unattributed")
    check_eq(agent["kind"], "file", "agent kind")
    check_eq(agent["file"], "rootfs/opt/vendor/agent", "agent file")
    vendored = [by[r] for r in agent["depends_on"]]
    check([c for c in vendored if c["name"] == "zlib" and c.get("version") == zv],
          "agent should depend on a vendored zlib %s: %s" % (zv, agent["depends_on"]))
    zl = [c for c in vendored if c["name"] == "zlib"][0]
    check_eq(zl["purl"], "pkg:generic/zlib@%s" % zv, "vendored zlib purl")
    check_eq(zl.get("cpe"), "cpe:2.3:a:zlib:zlib:%s:*:*:*:*:*:*:*" % zv, "vendored zlib cpe")
    # listed files are attributed: zapp is not unattributed
    check(not [c for c in comps(rep) if c["name"] == "zapp" and c["unattributed"]],
          "zapp listed in zapp.list yet unattributed")
    inv = rep.doc["summary"]["inventory"]
    check_eq(inv["unattributed_executables"], 1, "unattributed executables")
    check_eq(inv["components"], len(comps(rep)), "summary.inventory.components")


def case_deb_in_zip():
    agent, _ = S.agent()
    make_deb(S, os.path.join(S.dir, "setup.deb"), {"usr/bin/agent": agent}, name="vendor-agent")
    make_zip(os.path.join(S.dir, "vendor.zip"), {"setup.deb": os.path.join(S.dir, "setup.deb")})
    rep = S.scan("vendor.zip")
    c = one(rep, type="deb", name="vendor-agent")
    check_eq(c["version"], "1.0", "deb version")
    check_eq(c["file"], "vendor.zip!/setup.deb", "the .deb is the component's file")
    ev = c["evidence"][0]
    check(ev["vpath"].startswith("vendor.zip!/setup.deb!/control.tar"), "evidence path %s" % ev["vpath"])
    # the program inside the package is the package's, not unattributed
    check(not [x for x in comps(rep) if x["unattributed"]],
          "files inside the .deb reported as unattributed: %s" %
          [x["file"] for x in comps(rep) if x["unattributed"]])


def case_pe_imports():
    """A Windows delivery: a program and the DLL it imports, neither claimed by
    a package: two unattributed components and an edge between them, found
    by the DLL name without regard to case (as Windows loads it)."""
    need("x86_64-w64-mingw32-gcc")
    d = S.mkdir("win")
    with open(os.path.join(d, "v.c"), "w") as f:
        f.write("__declspec(dllexport) int vendor_fn(int x) { return x + 1; }\n")
    with open(os.path.join(d, "app.c"), "w") as f:
        f.write("__declspec(dllimport) int vendor_fn(int);\nint main(void) { return vendor_fn(1); }\n")
    sh(["x86_64-w64-mingw32-gcc", "-shared", "-o", "vendor.dll", "v.c",
        "-Wl,--out-implib,libvendor.a"], cwd=d)
    sh(["x86_64-w64-mingw32-gcc", "-o", "app.exe", "app.c", "-L.", "-lvendor"], cwd=d)
    make_zip(os.path.join(S.dir, "setup.zip"), {"bin/app.exe": os.path.join(d, "app.exe"),
                                                 "bin/VENDOR.DLL": os.path.join(d, "vendor.dll")})
    rep = S.scan("setup.zip")
    app = one(rep, name="app.exe")
    dll = one(rep, name="VENDOR.DLL")
    check(app["unattributed"] and dll["unattributed"], "both files unattributed")
    check_eq(app["depends_on"], [dll["ref"]], "app.exe depends on the DLL it imports")


def sbom(args, out):
    env = dict(os.environ, TMPDIR=S.pktmp)
    p = subprocess.run([CLI] + args + ["-o", out], cwd=S.dir, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    check_eq(p.returncode, 0, "parakh %s: %s" % (" ".join(args), p.stderr.decode()[-2000:]))
    with open(out, "rb") as f:
        return f.read()


def validator(schema_path, extra=()):
    import warnings
    import jsonschema
    # RefResolver is deprecated in newer jsonschema but is what Debian 12's 4.10 has
    warnings.simplefilter("ignore", DeprecationWarning)
    with open(schema_path) as f:
        schema = json.load(f)
    store = {}
    for p in extra:
        with open(p) as f:
            s = json.load(f)
        store[s.get("$id", os.path.basename(p))] = s
        store[os.path.basename(p)] = s
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())


def check_valid(v, doc, what):
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    check(not errs, "%s is not valid: %s" % (what, "; ".join(
        "%s: %s" % ("/".join(map(str, e.path)), e.message[:200]) for e in errs[:5])))


def case_sboms():
    if not os.path.isdir(os.path.join(S.dir, "rootfs")):
        rootfs()
    cdx_dir = os.path.join(SHARED, "schemas", "cyclonedx")
    cdx = validator(os.path.join(cdx_dir, "bom-1.6.schema.json"),
                    [os.path.join(cdx_dir, "spdx.schema.json"),
                     os.path.join(cdx_dir, "jsf-0.82.schema.json")])
    spdx = validator(os.path.join(SHARED, "schemas", "spdx-2.3", "spdx-schema.json"))
    a = sbom(["sbom", "-q", "--reproducible", "rootfs"], os.path.join(S.dir, "a.cdx.json"))
    b = sbom(["scan", "-q", "--format", "cyclonedx", "--reproducible", "rootfs"],
             os.path.join(S.dir, "b.cdx.json"))
    check(a == b, "two reproducible CycloneDX runs differ")
    doc = json.loads(a)
    check_eq(doc["specVersion"], "1.6", "specVersion")
    check_valid(cdx, doc, "CycloneDX 1.6")
    names = {c["name"] for c in doc["components"]}
    check({"zlib1g", "libc6", "zapp", "agent", "zlib"} <= names, "CycloneDX components: %s" % names)
    z = [c for c in doc["components"] if c["name"] == "zlib1g"][0]
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    check(z["bom-ref"] in deps, "zlib1g in dependencies")
    occ = [o["location"] for o in z["evidence"]["occurrences"]]
    check("rootfs/var/lib/dpkg/status" in occ, "zlib1g occurrences: %s" % occ)
    c15 = json.loads(sbom(["sbom", "-q", "--format", "cyclonedx-1.5", "--reproducible", "rootfs"],
                          os.path.join(S.dir, "c15.json")))
    check_eq(c15["specVersion"], "1.5", "1.5 specVersion")
    check_valid(cdx, c15, "CycloneDX 1.5 output against the 1.6 schema")
    s1 = sbom(["sbom", "-q", "--format", "spdx", "--reproducible", "rootfs"],
              os.path.join(S.dir, "a.spdx.json"))
    s2 = sbom(["sbom", "-q", "--format", "spdx", "--reproducible", "rootfs"],
              os.path.join(S.dir, "b.spdx.json"))
    check(s1 == s2, "two reproducible SPDX runs differ")
    sd = json.loads(s1)
    check_valid(spdx, sd, "SPDX 2.3")
    rel = [r for r in sd["relationships"] if r["relationshipType"] == "DEPENDS_ON"]
    check(rel, "SPDX has DEPENDS_ON relationships")
    # without --reproducible the serial number changes
    c = json.loads(sbom(["sbom", "-q", "rootfs"], os.path.join(S.dir, "c.cdx.json")))
    check(c["serialNumber"] != doc["serialNumber"], "serial number is fixed without --reproducible")
    # a stored SBOM read back: same components, same edges
    back = json.loads(sbom(["sbom", "--format", "cyclonedx", "--reproducible", "--input",
                            os.path.join(S.dir, "a.cdx.json")], os.path.join(S.dir, "back.json")))
    key = lambda d: sorted((c["name"], c.get("version", ""), c.get("purl", "")) for c in d["components"])
    check_eq(key(back), key(doc), "components after reading the CycloneDX SBOM back")
    sp = json.loads(sbom(["sbom", "--format", "cyclonedx", "--input",
                          os.path.join(S.dir, "a.spdx.json")], os.path.join(S.dir, "sp.json")))
    check_eq(sorted(c["name"] for c in sp["components"]), sorted(c["name"] for c in doc["components"]),
             "components after reading the SPDX SBOM")


def case_sbom_errors():
    bad = S.write("bad.json", b'{"hello": 1}')
    p = S.run_cli(["sbom", "--input", bad])
    check_eq(p.returncode, 3, "exit code for a JSON file that is no SBOM")
    err = p.stderr.decode()
    check(err.startswith("parakh: ") and err.count("\n") == 1, "one error line: %r" % err)
    p = S.run_cli(["sbom", "--input", os.path.join(S.dir, "missing.json")])
    check_eq(p.returncode, 3, "exit code for a missing SBOM")
    p = S.run_cli(["scan", "--input", bad])
    check_eq(p.returncode, 2, "--input on scan is a usage error")
    p = S.run_cli(["sbom", "--format", "spdx-9", "x"])
    check_eq(p.returncode, 2, "unknown format")


def case_hostile_database():
    """20,000 packages of one name, each depending on that name and claimed by a
    .list file: the joins are indexed and capped, so this stays linear."""
    n = 4000 if os.environ.get("PK_SANITIZED") else 20000
    para = "".join("Package: same\nStatus: install ok installed\nArchitecture: amd64\n"
                   "Version: %d\nDepends: same, same | other\nProvides: same\n\n" % i for i in range(n))
    S.write("hostile/var/lib/dpkg/status", para.encode())
    S.write("hostile/var/lib/dpkg/info/same.list", b"".join(b"/usr/bin/x%d\n" % i for i in range(n)))
    rep = S.scan("hostile")
    got = [c for c in comps(rep) if c["name"] == "same"]
    check_eq(len(got), n, "components named 'same'")
    check_eq(len({c["ref"] for c in got}), n, "unique refs")


S.run("root file system: packages, dedupe, unattributed, dependencies", case_rootfs)
S.run("a hostile package database stays linear", case_hostile_database)
S.run("a .deb inside a zip owns its files", case_deb_in_zip)
S.run("PE imports resolve to the DLL shipped beside the program", case_pe_imports)
S.run("CycloneDX 1.6/1.5 and SPDX 2.3: schemas, determinism, read back", case_sboms)
S.run("sbom --input errors", case_sbom_errors)
S.finish()
