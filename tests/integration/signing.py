#!/usr/bin/env python3
"""Authenticode verification (docs/analyzers/signing.md).

1. `--trust DIR` on the CLI: an executable built with mingw-w64 and signed by
   osslsigncode with a CA made here is trusted with the CA's directory,
   untrusted (and no PK-PE-0012) without, and a directory without
   certificates stops the scan.
2. Agreement with `osslsigncode verify` on the signed PE/EFI files of real
   Debian packages, fetched with `apt-get download` into a cache directory
   (PK_SIGN_CACHE, default ~/.cache/parakh-tests/signing). parakh scans each
   .deb itself; each PE inside is extracted with dpkg-deb for osslsigncode.
   For every file osslsigncode can read, parakh's file digest, digest_ok,
   signer subject and serial must equal osslsigncode's "Calculated message
   digest", "Current == Calculated", "Subject" and "Serial". Files osslsigncode
   cannot read (shim: two WIN_CERTIFICATE entries) are counted and printed.
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkit  # noqa: E402

s = pkit.Suite("signing")

PACKAGES = ["shim-signed", "shim-helpers-amd64-signed", "grub-efi-amd64-signed",
            "fwupd-amd64-signed"]
CACHE = os.environ.get("PK_SIGN_CACHE") or os.path.join(
    os.path.expanduser("~"), ".cache", "parakh-tests", "signing")

HELLO = b'#include <stdio.h>\nint main(void) { puts("signed"); return 0; }\n'


def pe_sigs(rep, vpath):
    pe = rep.file(vpath).get("facts", {}).get("pe", {})
    return pe.get("signature", {}).get("signatures", [])


def case_cli_trust():
    pkit.need("x86_64-w64-mingw32-gcc", "osslsigncode", "openssl")
    d = s.dir
    s.write("hello.c", HELLO)
    os.makedirs(os.path.join(d, "trust"), exist_ok=True)
    os.makedirs(os.path.join(d, "empty"), exist_ok=True)
    pkit.sh("x86_64-w64-mingw32-gcc -O1 -s hello.c -o hello.exe", cwd=d)
    pkit.sh("openssl req -x509 -newkey rsa:2048 -nodes -days 365 -keyout cakey.pem -out ca.pem "
            "-subj '/C=PK/O=Parakh CA/CN=Parakh IT Root' "
            "-addext 'basicConstraints=critical,CA:TRUE' "
            "-addext 'keyUsage=critical,keyCertSign' && "
            "openssl x509 -in ca.pem -outform DER -out trust/ca.der", cwd=d)
    pkit.sh("openssl req -new -newkey rsa:2048 -nodes -keyout leafkey.pem -out leaf.csr "
            "-subj '/C=NL/O=Parakh IT/CN=Parakh IT Leaf' && "
            "printf 'extendedKeyUsage=codeSigning\\n' > ext.cnf && "
            "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey cakey.pem -CAcreateserial "
            "-days 30 -extfile ext.cnf -out leaf.pem && cat leaf.pem ca.pem > chain.pem", cwd=d)
    pkit.sh("osslsigncode sign -certs chain.pem -key leafkey.pem -in hello.exe -out signed.exe",
            cwd=d)
    rep = s.scan("signed.exe", "--trust", "trust")
    sig = pe_sigs(rep, "signed.exe")
    pkit.check_eq(len(sig), 1, "signatures")
    pkit.check_eq(sig[0]["chain"], "trusted", "chain with --trust")
    pkit.check_eq(sig[0]["digest_ok"], True, "digest_ok")
    pkit.check_eq(sig[0]["signer"]["c"], "NL", "signer country")
    c = rep.findings_for("signed.exe", "PK-PE-0015")
    pkit.check_eq(len(c), 1, "country findings")
    pkit.check_eq(c[0]["severity"], "info", "country severity")
    rep = s.scan("signed.exe")
    pkit.check_eq(pe_sigs(rep, "signed.exe")[0]["chain"], "untrusted", "chain without --trust")
    pkit.check_eq(len(rep.findings_for("signed.exe", "PK-PE-0012")), 0, "PK-PE-0012 without --trust")
    p = s.run_cli(["scan", "-q", "--format", "json", "--trust", "empty", "signed.exe"], cwd=d)
    pkit.check(p.returncode != 0, "--trust with no certificates must fail")
    pkit.check(b"no PEM or DER certificate" in p.stderr, "error names the cause: %r" % p.stderr)


def fetch():
    os.makedirs(CACHE, exist_ok=True)
    for pkg in PACKAGES:
        if glob.glob(os.path.join(CACHE, pkg + "_*.deb")):
            continue
        p = subprocess.run(["apt-get", "download", pkg], cwd=CACHE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        if p.returncode != 0 and not glob.glob(os.path.join(CACHE, pkg + "_*.deb")):
            raise pkit.Skip("apt-get download %s failed (offline?): %s" %
                            (pkg, p.stderr.decode(errors="replace")[-300:]))
    return sorted(glob.glob(os.path.join(CACHE, "*.deb")))


def ossl_verify(path):
    """osslsigncode's digest lines and first signer, or None if it cannot read the file."""
    p = subprocess.run(["osslsigncode", "verify", "-in", path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode(errors="replace")
    got = {}
    for line in out.splitlines():
        t = line.strip()
        if t.startswith("Current message digest") and "current" not in got:
            got["current"] = t.split(":", 1)[1].strip().lower()
        elif t.startswith("Calculated message digest") and "calculated" not in got:
            got["calculated"] = t.split(":", 1)[1].strip().lower()
        elif t.startswith("Subject:") and "subject" not in got and "calculated" in got:
            got["subject"] = t.split(":", 1)[1].strip()
        elif t.startswith("Serial :") and "serial" not in got and "subject" in got:
            got["serial"] = t.split(":", 1)[1].strip().upper()
    return got if "calculated" in got and "subject" in got else None


def oneline_to_rfc2253(sub):
    parts = [x for x in sub.split("/") if x]
    return ",".join(reversed(parts))


def case_debian_agreement():
    pkit.need("osslsigncode", "apt-get", "dpkg-deb")
    debs = fetch()
    agree = files = unreadable = 0
    for deb in debs:
        rep = s.scan(deb)
        x = os.path.join(s.dir, "x-" + os.path.basename(deb))
        pkit.sh(["dpkg-deb", "-x", deb, x])
        for f in rep.files:
            pe = (f.get("facts") or {}).get("pe") or {}
            if not pe.get("signed"):
                continue
            files += 1
            inner = f["vpath"].split("!/")[-1]
            o = ossl_verify(os.path.join(x, inner))
            sig = pe["signature"]["signatures"][0]
            if o is None:
                unreadable += 1
                print("  osslsigncode cannot read %s; parakh: %d signature(s), digest_ok %s" %
                      (inner, len(pe["signature"]["signatures"]),
                       [g.get("digest_ok") for g in pe["signature"]["signatures"]]))
                continue
            what = "%s: " % f["vpath"]
            pkit.check_eq(sig["file_digest"], o["calculated"], what + "digest")
            pkit.check_eq(sig["digest_ok"], o["current"] == o["calculated"], what + "digest_ok")
            pkit.check_eq(sig["signer"]["subject"], oneline_to_rfc2253(o["subject"]),
                          what + "signer subject")
            pkit.check_eq(sig["signer"]["serial"], o.get("serial"), what + "signer serial")
            agree += 1
    print("  agreement with osslsigncode: %d of %d signed PE files (%d it cannot read), %d packages"
          % (agree, files, unreadable, len(debs)))
    pkit.check(agree >= 5, "at least 5 signed PE files compared")


s.run("cli --trust", case_cli_trust)
s.run("debian EFI agreement with osslsigncode", case_debian_agreement)
s.finish()
