#!/usr/bin/env python3
"""Accuracy of parakh's keys analyzer against an independent count, for
bench/keys-accuracy.sh (issue 6, "the real set of PEM blocks in a Debian root
filesystem is the accuracy test").

Truth, per regular file (symlinks skipped, as parakh does below a directory):
  * PEM: every "-----BEGIN <LABEL>-----" (by label); a *block* when the same
    label's END line follows within 64 KiB with at least 40 base64 characters
    between (header lines, C-string quoting and "\\n" escapes removed);
    private keys are then given to `openssl pkey` (`ssh-keygen -y` for OpenSSH
    keys): parses, encrypted, or does not parse.
  * DER in binaries: every SEQUENCE that starts like an X.509 certificate
    (30 82 LL LL 30 82) or a PKCS#1/PKCS#8 private key (30 82 LL LL 02 01 00)
    and that the `cryptography` package (OpenSSL backend) parses completely at
    its declared length.
parakh: PK-KEY-0001 (private key), 0002 (certificate), 0005 (public key)
findings, matched to the truth by file and offset.
"""
import argparse
import warnings
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
except ImportError:  # DER truth needs it; PEM truth works without
    x509 = None

warnings.filterwarnings("ignore")  # cryptography's notes on non-RFC-5280 serials
BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9][A-Z0-9 #]{0,60}[A-Z0-9])-----")
IN_SCOPE = {  # label -> the rule parakh should report it with
    "CERTIFICATE": "PK-KEY-0002", "TRUSTED CERTIFICATE": "PK-KEY-0002",
    "X509 CERTIFICATE": "PK-KEY-0002",
    "PRIVATE KEY": "PK-KEY-0001", "RSA PRIVATE KEY": "PK-KEY-0001",
    "EC PRIVATE KEY": "PK-KEY-0001", "DSA PRIVATE KEY": "PK-KEY-0001",
    "ENCRYPTED PRIVATE KEY": "PK-KEY-0001", "OPENSSH PRIVATE KEY": "PK-KEY-0001",
    "PGP PRIVATE KEY BLOCK": "PK-KEY-0001",
    "PUBLIC KEY": "PK-KEY-0005", "RSA PUBLIC KEY": "PK-KEY-0005",
    "PGP PUBLIC KEY BLOCK": "PK-KEY-0005",
}
B64 = re.compile(rb"^[A-Za-z0-9+/=]*$")


def pem_body(buf, start, label):
    """The base64 body of the block whose BEGIN line ends at start, or None."""
    end_tag = b"-----END " + label + b"-----"
    e = buf.find(end_tag, start, start + 65536)
    if e < 0:
        return None, None
    raw = buf[start:e]
    raw = raw.replace(b"\\r", b"").replace(b"\\n", b"\n")
    body = []
    for ln in raw.splitlines():
        ln = ln.strip()
        if b'"' in ln:  # a string literal: its content only ("...", '+' joins, ',' lists)
            q = ln.split(b'"')
            ln = b"".join(q[1::2])
        ln = ln.rstrip(b"\\").strip()
        if not ln or b":" in ln or (ln.startswith(b"=") and len(ln) == 5):
            continue  # RFC 1421 headers, the OpenPGP armour checksum
        body.append(ln)
    b = b"".join(body)
    if len(b) < 40 or not B64.match(b):
        return None, None
    return b, e + len(end_tag)


def openssl_private(label, b64):
    """parses | encrypted | no: what openssl (or ssh-keygen) makes of the key."""
    lab = label.decode()
    text = "-----BEGIN %s-----\n" % lab
    text += "\n".join(b64[i:i + 64].decode() for i in range(0, len(b64), 64))
    text += "\n-----END %s-----\n" % lab
    if lab == "ENCRYPTED PRIVATE KEY":
        return "encrypted"
    if lab.startswith("PGP"):
        return "n/a (OpenPGP)"
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as t:
        t.write(text)
    try:
        if lab == "OPENSSH PRIVATE KEY":
            r = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", t.name], capture_output=True,
                               text=True)
            return "parses" if r.returncode == 0 else (
                "encrypted" if "passphrase" in r.stderr.lower() or "incorrect" in r.stderr.lower() else "no")
        r = subprocess.run(["openssl", "pkey", "-noout", "-passin", "pass:", "-in", t.name],
                           capture_output=True, text=True)
        if r.returncode == 0:
            return "parses"
        return "encrypted" if "decrypt" in r.stderr.lower() else "no"
    finally:
        os.unlink(t.name)


def der_truth(buf):
    """[(offset, kind)] of DER certificates and private keys that parse."""
    out = []
    if x509 is None:
        return out
    for m in re.finditer(rb"\x30\x82(..)(\x30\x82|\x02\x01\x00)", buf, re.S):
        n = int.from_bytes(m.group(1), "big") + 4
        der = buf[m.start():m.start() + n]
        if len(der) < n:
            continue
        try:
            if m.group(2) == b"\x30\x82":
                x509.load_der_x509_certificate(der)
                out.append((m.start(), "DER certificate"))
            else:
                serialization.load_der_private_key(der, password=None)
                out.append((m.start(), "DER private key"))
        except Exception:  # noqa: BLE001 - not a structure of that kind
            pass
    return out


def truth(root):
    """[(relpath, offset, label, block, openssl)]"""
    items = []
    paths = [root] if os.path.isfile(root) else []
    if not paths:
        for dp, dn, fn in os.walk(root):
            dn.sort()
            for n in sorted(fn):
                paths.append(os.path.join(dp, n))
    for p in paths:
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        rel = os.path.basename(p) if p == root else os.path.relpath(p, root)
        try:
            buf = open(p, "rb").read()
        except OSError:
            continue
        if b"-----BEGIN " in buf:
            for m in BEGIN.finditer(buf):
                label = m.group(1)
                b64, _ = pem_body(buf, m.end(), label)
                st = "-"
                if b64 is not None and b"PRIVATE KEY" in label:
                    st = openssl_private(label, b64)
                items.append((rel, m.start(), label.decode(), b64 is not None, st))
        if b"\0" in buf[:8192] and b"\x30\x82" in buf:  # binary: DER compiled in or stored
            for off, kind in der_truth(buf):
                items.append((rel, off, kind, True, "parses"))
    return items


def parakh_findings(parakh, target, jobs, out_json):
    t0 = time.time()
    subprocess.run([parakh, "scan", "-q", "-j", str(jobs), "--format", "json", "-o", out_json, target],
                   check=False)
    wall = time.time() - t0
    doc = json.load(open(out_json))
    base = os.path.abspath(target)
    found, inner = {}, []
    for x in doc.get("findings", []):
        if x.get("rule_id") not in ("PK-KEY-0001", "PK-KEY-0002", "PK-KEY-0005"):
            continue
        vp = x["vpath"]
        if os.path.isfile(base):
            rel = os.path.basename(base) if vp in (base, target, os.path.basename(base)) else None
        else:
            rel = os.path.relpath(vp, base) if vp.startswith(base + "/") else None
        if rel is None or not os.path.exists(os.path.join(base, rel) if not os.path.isfile(base) else base):
            inner.append(x)  # an entry of a container parakh unpacked
            continue
        found.setdefault(rel, []).append((x["offset"], x.get("length", 0), x["rule_id"], x.get("confidence", 0),
                                          x.get("message", "")))
    return found, inner, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parakh", required=True)
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--out", required=True)
    ap.add_argument("targets", nargs="+", help="NAME=PATH")
    a = ap.parse_args()
    w = sys.stdout
    for tgt in a.targets:
        name, path = tgt.split("=", 1)
        if not os.path.exists(path):
            w.write("## %s: %s not present, skipped\n\n" % (name, path))
            continue
        tr = truth(path)
        found, inner, wall = parakh_findings(a.parakh, path, a.jobs, os.path.join(a.out, "keys-%s.json" % name))
        used = set()
        per = {}
        misses = []
        for rel, off, label, block, st in tr:
            hit = None
            for i, (fo, fl, rule, conf, msg) in enumerate(found.get(rel, [])):
                if fo == off or (fo <= off < fo + max(fl, 1)):
                    hit = (rule, conf, msg)
                    used.add((rel, i))
                    break
            k = per.setdefault(label, [0, 0, 0, 0, {}])  # markers, blocks, found, found high-conf, openssl
            k[0] += 1
            k[1] += 1 if block else 0
            if hit:
                k[2] += 1
                k[3] += 1 if hit[1] >= 80 else 0
            if st != "-":
                k[4][st] = k[4].get(st, 0) + 1
            if block and not hit and (label in IN_SCOPE or label.startswith("DER")):
                misses.append((rel, off, label, st))
        extra = [(rel, f) for rel, fl in found.items() for i, f in enumerate(fl) if (rel, i) not in used]
        w.write("## %s (`%s`): parakh %.1f s\n\n" % (name, path, wall))
        w.write("| label | BEGIN markers | complete blocks | found by parakh | of them confidence >= 80 "
                "| private key: openssl says | parakh rule |\n|---|---|---|---|---|---|---|\n")
        for label in sorted(per, key=lambda s: (-per[s][0], s)):
            k = per[label]
            rule = IN_SCOPE.get(label, "PK-KEY-0001" if "private key" in label else
                                ("PK-KEY-0002" if "certificate" in label else "not a key (skipped)"))
            st = ", ".join("%s %d" % kv for kv in sorted(k[4].items())) or "-"
            w.write("| %s | %d | %d | %d | %d | %s | %s |\n" % (label, k[0], k[1], k[2], k[3], st, rule))
        w.write("\n")
        for rel, off, label, st in misses:
            w.write("- missed: `%s` offset %d, %s (openssl: %s)\n" % (rel, off, label, st))
        byfile = {}
        for rel, f in extra:
            byfile.setdefault(rel, []).append(f)
        for rel, fl in sorted(byfile.items()):
            fo, fl0, rule, conf, msg = fl[0]
            more = " (and %d more)" % (len(fl) - 1) if len(fl) > 1 else ""
            w.write("- parakh only: `%s` offset %d, %s confidence %d: %s%s\n" % (rel, fo, rule, conf, msg[:90], more))
        if inner:
            w.write("- inside containers parakh unpacked (not in the file-level truth): %d findings (%s)\n" % (
                len(inner), ", ".join(sorted({x["rule_id"] for x in inner}))))
        w.write("\n")


if __name__ == "__main__":
    main()
