"""Shared helpers for parakh's integration tests (python3, standard library only).

Every test script makes a Suite, runs named cases in it and calls finish(),
which prints one line per case and a closing "N passed, N failed, N skipped"
line and exits non-zero if any case failed. Fixtures are built at test time
in a private temporary directory with the system's own tools; a case whose
tool is missing is skipped with the reason printed. known_bug() marks an
assertion about a bug this suite once found: it is fixed, so it fails now.

Environment: PK_CLI (the parakh binary), PK_SRC (the source tree),
PK_SANITIZED=1 (ASan/UBSan build: fixtures are made smaller).
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("PK_SRC") or os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("PK_CLI") or os.path.join(SRC, "build", "parakh")
SANITIZED = os.environ.get("PK_SANITIZED", "") not in ("", "0")
SCHEMA = os.path.join(SRC, "docs", "report.schema.json")


class Skip(Exception):
    """The case cannot run here (a tool is missing); the reason is printed."""


def have(*tools):
    return all(shutil.which(t) for t in tools)


def need(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        raise Skip("needs %s (not installed; scripts/install-deps.sh)" % ", ".join(missing))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sh(cmd, cwd=None, env=None, stdin=None, stdout=None):
    """Runs a fixture tool; its failure is a test failure with the tool's output."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, cwd=cwd, env=e, input=stdin, stdout=stdout or subprocess.PIPE,
                       stderr=subprocess.PIPE, shell=isinstance(cmd, str))
    if p.returncode != 0:
        out = p.stdout.decode(errors="replace") if isinstance(p.stdout, bytes) else ""
        raise AssertionError("fixture command failed (%d): %s\n%s%s" %
                             (p.returncode, cmd, out[-2000:], p.stderr.decode(errors="replace")[-2000:]))
    return p


class Report:
    """A parsed JSON report with lookups by evidence path."""

    def __init__(self, raw, rc, stdout, stderr, path):
        self.raw = raw
        self.doc = json.loads(raw)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.path = path
        self.files = self.doc["files"]
        self.findings = self.doc["findings"]
        self.by_vpath = {}
        for f in self.files:
            self.by_vpath.setdefault(f["vpath"], f)

    def file(self, vpath):
        f = self.by_vpath.get(vpath)
        if f is None:
            near = sorted(self.by_vpath)[:40]
            raise AssertionError("no file %r in the report; files: %s" % (vpath, near))
        return f

    def findings_for(self, vpath=None, rule=None):
        return [x for x in self.findings
                if (vpath is None or x["vpath"] == vpath) and (rule is None or x["rule_id"] == rule)]

    def vpaths(self):
        return [f["vpath"] for f in self.files]


class Suite:
    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="pk-it-%s-" % name)
        # parakh's own temporary tree goes here so the test can see it is removed
        self.pktmp = os.path.join(self.dir, "pktmp")
        os.mkdir(self.pktmp)
        self.results = []  # (case, status, detail)
        self._agent = None
        self._case = None
        self.t0 = time.time()

    # -- running cases ---------------------------------------------------------
    def run(self, case, fn, *args):
        self._case = case
        t = time.time()
        try:
            fn(*args)
        except Skip as e:
            self.results.append((case, "SKIP", str(e)))
            print("SKIP  %s: %s" % (case, e), flush=True)
        except AssertionError as e:
            self.results.append((case, "FAIL", str(e)))
            print("FAIL  %s: %s" % (case, e), flush=True)
        except Exception:  # a crash in the test itself is a failure too
            tb = traceback.format_exc()
            self.results.append((case, "FAIL", tb))
            print("FAIL  %s: %s" % (case, tb), flush=True)
        else:
            self.results.append((case, "PASS", ""))
            print("PASS  %s (%.1fs)" % (case, time.time() - t), flush=True)
        self._case = None

    def known_bug(self, ok, what):
        """An assertion about a product bug this suite once found. Every one is
        fixed, so seeing it again is a regression: a failure, never a skip."""
        if not ok:
            raise AssertionError("regression of a fixed bug: %s" % what)

    def finish(self):
        # parakh promises to remove its private temporary tree after every run
        left = []
        for root, dirs, files in os.walk(self.pktmp):
            left += [os.path.join(root, x) for x in dirs + files]
        if left:
            self.results.append(("temp tree removed", "FAIL", "left behind: %s" % left[:10]))
            print("FAIL  temp tree removed: parakh left %s" % left[:10])
        shutil.rmtree(self.dir, ignore_errors=True)
        n = {s: sum(1 for r in self.results if r[1] == s) for s in ("PASS", "FAIL", "SKIP")}
        print("%s: %d passed, %d failed, %d skipped (%.1fs)" %
              (self.name, n["PASS"], n["FAIL"], n["SKIP"], time.time() - self.t0))
        print("%d passed, %d failed, %d skipped" % (n["PASS"], n["FAIL"], n["SKIP"]))
        sys.exit(1 if n["FAIL"] or not n["PASS"] else 0)

    # -- paths and the payload ---------------------------------------------------
    def mkdir(self, *parts):
        p = os.path.join(self.dir, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def write(self, rel, data):
        p = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def agent(self):
        """The payload: a tiny C program built with the host's cc. Built without
        stack protector and RELRO so the ELF analyzer reports findings on it
        (medium at most), whose evidence path the tests check."""
        if self._agent is None:
            need("cc")
            d = self.mkdir("agent-src")
            src = os.path.join(d, "agent.c")
            with open(src, "w") as f:
                f.write('#include <stdio.h>\n'
                        'int main(int argc, char **argv)\n'
                        '{\n    (void)argv;\n'
                        '    printf("parakh integration agent %d\\n", argc);\n'
                        '    return 0;\n}\n')
            out = os.path.join(d, "agent")
            sh(["cc", "-O1", "-fno-stack-protector", "-Wl,-z,norelro", "-o", out, src])
            self._agent = (out, sha256_file(out))
        return self._agent

    # -- running parakh ------------------------------------------------------------
    def scan(self, paths, *opts, cwd=None, expect_rc=0, output=None):
        """Runs `parakh scan --format json -q -o OUT` and returns the Report."""
        if isinstance(paths, str):
            paths = [paths]
        out = output or os.path.join(self.dir, "report-%d.json" % time.monotonic_ns())
        cmd = [CLI, "scan", "--format", "json", "-q", "-o", out] + list(opts) + list(paths)
        env = dict(os.environ, TMPDIR=self.pktmp)
        p = subprocess.run(cmd, cwd=cwd or self.dir, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        stderr = p.stderr.decode(errors="replace")
        if p.returncode != expect_rc:
            raise AssertionError("%s exited %d, expected %d; stderr:\n%s" %
                                 (" ".join(cmd), p.returncode, expect_rc, stderr[-3000:]))
        with open(out, "rb") as f:
            raw = f.read()
        return Report(raw, p.returncode, p.stdout, stderr, out)

    def run_cli(self, args, cwd=None):
        env = dict(os.environ, TMPDIR=self.pktmp)
        return subprocess.run([CLI] + list(args), cwd=cwd or self.dir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)


# -- assertions -------------------------------------------------------------------------
def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def check_eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, expected %r" % (what, got, want))


def check_consistent(rep):
    """Facts any report must satisfy whatever the input."""
    d = rep.doc
    s = d["summary"]
    check_eq(s["files"], len(rep.files), "summary.files vs len(files)")
    for sev in ("info", "low", "medium", "high", "critical"):
        check_eq(s["findings"][sev], sum(1 for x in rep.findings if x["severity"] == sev),
                 "summary.findings.%s" % sev)
    types = {}
    for f in rep.files:
        if f["kind"] == "file":
            types[f["type"]] = types.get(f["type"], 0) + 1
    check_eq(s["by_type"], types, "summary.by_type")
    vps = rep.vpaths()
    check_eq(vps, sorted(vps, key=lambda v: v.encode()), "files[] sorted by vpath")
    check_eq(len(set(vps)), len(vps), "vpaths unique")
    known = set(vps)
    for x in rep.findings:
        check(x["vpath"] in known, "finding %s on %r, which is not in files[]" %
              (x["rule_id"], x["vpath"]))
        f = rep.by_vpath[x["vpath"]]
        if "sha256" in x and "sha256" in f:
            check_eq(x["sha256"], f["sha256"], "finding %s sha256 vs its file" % x["rule_id"])
    for f in rep.files:
        # every file inside a container hangs under a container in the report
        if "!/" in f["vpath"]:
            parent = f["vpath"].rsplit("!/", 1)[0]
            check(parent in known and "container" in rep.by_vpath[parent],
                  "%r has no container parent %r in files[]" % (f["vpath"], parent))
            check_eq(f["depth"], rep.by_vpath[parent]["depth"] + 1, "depth of %r" % f["vpath"])


def check_payload(rep, vpath, sha):
    """The agent is at vpath, typed elf, hashed right, analysed, and its ELF
    findings carry this evidence path and hash."""
    f = rep.file(vpath)
    check_eq(f["kind"], "file", "kind of %s" % vpath)
    check_eq(f.get("type"), "elf", "type of %s" % vpath)
    check_eq(f.get("sha256"), sha, "sha256 of %s" % vpath)
    check_eq(len(f.get("sha1", "")), 40, "sha1 length of %s" % vpath)
    check_eq(f["depth"], vpath.count("!/"), "depth of %s" % vpath)
    check("elf" in f.get("facts", {}), "no elf facts on %s: %s" % (vpath, sorted(f.get("facts", {}))))
    # every level of the path is a container in the report
    parts = vpath.split("!/")
    for i in range(1, len(parts)):
        anc = "!/".join(parts[:i])
        check("container" in rep.file(anc), "%s is on the path but has no container" % anc)
    elf = [x for x in rep.findings if x["analyzer"] == "elf" and x.get("sha256") == sha]
    check(elf, "no elf finding with the agent's sha256 (built without RELRO: expected PK-ELF-0002)")
    here = [x for x in elf if x["vpath"] == vpath]
    check(here, "elf findings for the agent name %s, not %s" %
          (sorted({x["vpath"] for x in elf}), vpath))
    for x in rep.findings_for(vpath):
        check_eq(x.get("sha256"), sha, "sha256 of finding %s on %s" % (x["rule_id"], vpath))


def strip_times(raw):
    """The report bytes without the scan block (times, and the jobs count)."""
    text = raw.decode()
    out, n = re.subn(r'\n  "scan": \{\n.*?\n  \},', "\n", text, count=1, flags=re.S)
    check_eq(n, 1, "scan block found in the report text")
    return out.encode()


# -- fixtures ------------------------------------------------------------------------------
def png_bytes(width=4, height=4):
    """A small valid PNG (8-bit greyscale gradient)."""
    import struct
    import zlib

    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)

    rows = b"".join(b"\x00" + bytes((x * 40 + y * 10) & 0xff for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def make_zip(path, members):
    """members: {name: bytes or a file path}."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, v in members.items():
            if isinstance(v, bytes):
                z.writestr(name, v)
            else:
                z.write(v, name)
    return path


def stage(suite, name, files):
    """A directory holding files: {relative path: source path or bytes}."""
    d = suite.mkdir("stage", name)
    for rel, v in files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(v, bytes):
            with open(p, "wb") as f:
                f.write(v)
        else:
            shutil.copy(v, p)
            os.chmod(p, 0o755)
    return d


def make_deb(suite, out, files, name="agent"):
    """A .deb with files ({path under /: source}); returns the data member's name."""
    need("dpkg-deb")
    root = stage(suite, "deb-" + os.path.basename(out), files)
    os.makedirs(os.path.join(root, "DEBIAN"), exist_ok=True)
    with open(os.path.join(root, "DEBIAN", "control"), "w") as f:
        f.write("Package: %s\nVersion: 1.0\nArchitecture: amd64\n"
                "Maintainer: parakh tests <tests@parakh.invalid>\n"
                "Description: integration test payload\n" % name)
    sh(["dpkg-deb", "--root-owner-group", "--build", root, out], stdout=subprocess.DEVNULL)
    members = sh(["ar", "t", out]).stdout.decode().split()
    data = [m for m in members if m.startswith("data.tar")]
    check_eq(len(data), 1, "data members of %s (%s)" % (out, members))
    return data[0]


def make_iso(suite, out, srcdir):
    for tool in ("genisoimage", "mkisofs", "xorrisofs"):
        if have(tool):
            sh([tool, "-quiet", "-R", "-J", "-o", out, srcdir])
            return out
    raise Skip("needs genisoimage, mkisofs or xorrisofs")


def seven_zip():
    for t in ("7z", "7za", "7zr"):
        if have(t):
            return t
    raise Skip("needs 7z (p7zip-full)")


def make_tar(out, srcdir, names, mode="w"):
    with tarfile.open(out, mode) as t:
        for n in names:
            t.add(os.path.join(srcdir, n), n)
    return out


WXS = """<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Agent" Language="1033" Version="1.0.0" Manufacturer="parakh tests"
           UpgradeCode="6c3ad1b2-4f7e-4c1e-9d7b-2f4a9b1c0d01">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine"/>
    <Media Id="1" Cabinet="product.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="Agent">
          <Component Id="MainExe" Guid="6c3ad1b2-4f7e-4c1e-9d7b-2f4a9b1c0d02">
            <File Id="agent" Name="agent" Source="agent" KeyPath="yes"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="MainExe"/></Feature>
  </Product>
</Wix>
"""


def make_msi(suite, out):
    """An MSI made by wixl whose embedded "product.cab" holds the agent as "agent"."""
    need("wixl")
    agent, _ = suite.agent()
    d = stage(suite, "msi-" + os.path.basename(out), {"agent": agent})
    with open(os.path.join(d, "agent.wxs"), "w") as f:
        f.write(WXS)
    sh(["wixl", "-o", out, "agent.wxs"], cwd=d)
    return out
