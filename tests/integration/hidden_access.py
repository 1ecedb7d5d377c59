#!/usr/bin/env python3
"""Hidden access end to end (issue 7, "How it is checked"): one firmware-like
tar.gz built here holds a C program embedding URLs (ASCII and UTF-16), a
public IP, an AWS-style key and a private key; a telnetd init script; a
shadow file with an empty root password. It is scanned with a knowledge base
holding real IP-to-country data (Debian's geoip-database, converted by
scripts/geoip-legacy2csv.py) and --allowed-countries PK; every finding is
checked with its evidence path, offset and, for endpoints, its country.
"""
import json
import os
import random
import string
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkit  # noqa: E402

CLI = os.environ["PK_CLI"]
SRC = os.environ.get("PK_SRC") or pkit.SRC
GEOIP = "/usr/share/GeoIP/GeoIP.dat"
s = pkit.Suite("hidden_access")

rnd = random.Random(7)
AKID = "AKIA" + "".join(rnd.choice(string.ascii_uppercase + "234567") for _ in range(16))
SECRET = "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(40))


def build():
    pkit.need("cc", "openssl")
    d = s.mkdir("fw")
    key = subprocess.run(["openssl", "genrsa", "-traditional", "2048"], capture_output=True,
                         check=True).stdout.decode()
    pem = "".join('"%s\\n"\n' % line for line in key.strip().split("\n"))
    src = s.write("agent.c", (
        '#include <stdio.h>\n#include <uchar.h>\n'
        'const char *telemetry = "https://telemetry.example.cn/v1/collect";\n'
        'const char16_t *updates = u"https://update.vendor.ru/ota/check";\n'
        'const char *drop = "http://1.0.1.10:8080/r";\n'
        'const char *aws_id = "%s";\n'
        'const char *aws_conf = "aws_secret_access_key = \\"%s\\"";\n'
        'const char *key = %s;\n'
        'int main(void) { printf("%%s %%p %%s %%s %%s %%s", telemetry, (void *)updates, drop,'
        ' aws_id, aws_conf, key); return 0; }\n' % (AKID, SECRET, pem)).encode())
    os.makedirs(os.path.join(d, "usr", "bin"))
    agent = os.path.join(d, "usr", "bin", "agent")
    pkit.sh(["cc", "-O0", "-o", agent, src])
    s.write("fw/etc/init.d/S50telnet", b"#!/bin/sh\n/usr/sbin/telnetd -l /bin/sh\n")
    s.write("fw/etc/shadow", b"root::19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
    s.write("fw/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    out = os.path.join(s.dir, "fw.tar.gz")
    with tarfile.open(out, "w:gz") as t:
        for rel in ("usr/bin/agent", "etc/init.d/S50telnet", "etc/shadow", "etc/passwd"):
            t.add(os.path.join(d, rel), arcname=rel)
    with open(agent, "rb") as f:
        return out, f.read()


def knowledge_base():
    if not os.path.exists(GEOIP):
        raise pkit.Skip("%s missing (Debian package geoip-database)" % GEOIP)
    csv = os.path.join(s.dir, "ip-country.csv")
    with open(csv, "wb") as f:
        subprocess.run([sys.executable, os.path.join(SRC, "scripts", "geoip-legacy2csv.py"),
                        GEOIP], stdout=f, check=True)
    db = os.path.join(s.dir, "kb.db")
    p = subprocess.run([CLI, "db", "import", "--db", db, csv], capture_output=True)
    pkit.check_eq(p.returncode, 0, "db import of the GeoLite ranges: %s" % p.stderr[-300:])
    return db


def case_all():
    tgz, agent = build()
    db = knowledge_base()
    rep = s.scan(tgz, "--db", db, "--allowed-countries", "PK", expect_rc=0)
    A = tgz + "!/usr/bin/agent"
    got = {(f["rule_id"], f["vpath"], f.get("offset")) for f in rep.findings}

    def want(rule, vpath, off, what):
        pkit.check((rule, vpath, off) in got, "%s: %s at %s:%s not in %s" % (
            what, rule, vpath, off, sorted(g for g in got if g[1] == vpath) or sorted(got)))

    want("PK-SEC-0001", A, agent.index(AKID.encode()), "AWS access key id")
    want("PK-SEC-0001", A, agent.index(SECRET.encode()), "AWS secret key")
    want("PK-KEY-0001", A, agent.index(b"-----BEGIN RSA PRIVATE KEY"), "private key")
    want("PK-ACC-0001", tgz + "!/etc/shadow", 0, "empty root password")
    acc = [f for f in rep.findings if f["rule_id"] == "PK-ACC-0007"]
    pkit.check_eq([f["vpath"] for f in acc], [tgz + "!/etc/init.d/S50telnet"], "telnetd at boot")
    pkit.check(b"telnetd" in (acc[0].get("evidence") or "").encode(), "telnetd line as evidence")

    # endpoints: where each one is, and how its country was decided
    utf16 = "https://update.vendor.ru/ota/check".encode("utf-16-le")
    ep = {e["value"]: e for e in json.loads(rep.raw)["endpoints"]["list"]}
    expect = {
        "https://telemetry.example.cn/v1/collect": ("CN", "cctld",
                                                    agent.index(b"https://telemetry")),
        "https://update.vendor.ru/ota/check": ("RU", "cctld", agent.index(utf16)),
        "http://1.0.1.10:8080/r": ("CN", "ip-database:ip-country-csv",
                                   agent.index(b"http://1.0.1.10")),
    }
    for v, (cc, how, off) in expect.items():
        pkit.check(v in ep, "endpoint %s missing: %s" % (v, sorted(ep)))
        pkit.check_eq(ep[v]["country"], cc, "country of " + v)
        pkit.check_eq(ep[v]["how"], how, "how the country of %s was decided" % v)
        occ = [(o["vpath"], o["offset"]) for o in ep[v]["occurrences"]]
        pkit.check((A, off) in occ, "%s at %s:%d: %s" % (v, A, off, occ))
        want("PK-GEO-0001", A, off, "endpoint outside PK: " + v)
    facts = rep.file(A)["facts"]["endpoints"]["list"]
    u = [e for e in facts if e["value"] == "https://update.vendor.ru/ota/check"]
    pkit.check(u and u[0]["utf16"] is True, "the UTF-16 URL is marked utf16: %s" % u)


s.run("firmware with every kind of hidden access", case_all)
s.finish()
