#!/usr/bin/env python3
"""Endpoints and their countries through the CLI (docs/endpoints.md).

A text file with known hosts and IPs is scanned after `parakh db import` of
a CSV of IP ranges written here and the real X-Ray list (PK_SHARED); each
endpoint's country, how it was decided, its offset, and the PK-GEO findings
against --allowed-countries are checked exactly; without --db only ccTLDs
count; a bad --allowed-countries is a usage error (exit 2).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkit  # noqa: E402

SHARED = os.environ.get("PK_SHARED") or os.path.join(pkit.SRC, "..", "shared", "data")
CLI = os.environ["PK_CLI"]
s = pkit.Suite("geo")

TEXT = (b"see https://telemetry.example.cn/v1 and http://8.8.8.8/x and "
        b"https://www.tiktok.com/a and mail.example.de\n")


def run(*args, ok=(0, 1)):
    p = subprocess.run([CLI] + list(args), capture_output=True)
    pkit.check(p.returncode in ok, "%s: exit %d: %s" % (args, p.returncode, p.stderr[-400:]))
    return p


def setup():
    d = s.dir
    with open(os.path.join(d, "agent.conf"), "wb") as f:
        f.write(TEXT)
    with open(os.path.join(d, "ranges.csv"), "w") as f:
        f.write('1.0.0.0,1.0.0.255,AU\n"8.8.8.0","8.8.8.255","US"\n')
    db = os.path.join(d, "kb.db")
    run("db", "import", "--db", db, os.path.join(d, "ranges.csv"),
        os.path.join(SHARED, "trackers", "xray-blacklist-2018.json"), ok=(0,))
    return db


def by_value(rep):
    return {e["value"]: e for e in rep["endpoints"]["list"]}


def case_with_db():
    db = setup()
    p = run("scan", "--db", db, "--allowed-countries", "de,FR", "--format", "json",
            os.path.join(s.dir, "agent.conf"))
    rep = json.loads(p.stdout)
    ep = by_value(rep)
    want = {
        "https://telemetry.example.cn/v1": ("CN", "cctld", 4),
        "http://8.8.8.8/x": ("US", "ip-database:ip-country-csv", 40),
        "https://www.tiktok.com/a": ("CN", "tracker-owner:xray", 61),
        "mail.example.de": ("DE", "cctld", TEXT.index(b"mail.example.de")),
    }
    for v, (cc, how, off) in want.items():
        pkit.check(v in ep, "endpoint %s missing: %s" % (v, sorted(ep)))
        pkit.check_eq(ep[v]["country"], cc, "country of " + v)
        pkit.check_eq(ep[v]["how"], how, "how for " + v)
        pkit.check_eq(ep[v]["occurrences"][0]["offset"], off, "offset of " + v)
    pkit.check_eq(ep["https://www.tiktok.com/a"]["tracker"]["owner"], "ByteDance", "owner")
    pkit.check("tracker" in ep["https://www.tiktok.com/a"]["classes"], "tracker class")
    pkit.check_eq(rep["endpoints"]["allowed_countries"], ["DE", "FR"], "allowed list")
    geo = sorted((f["rule_id"], f["offset"]) for f in rep["findings"]
                 if f["rule_id"].startswith("PK-GEO"))
    pkit.check_eq(geo, [("PK-GEO-0001", 4), ("PK-GEO-0001", 40), ("PK-GEO-0001", 61)],
                  "PK-GEO findings")
    cn = [c for c in rep["endpoints"]["countries"] if c["country"] == "CN"][0]
    pkit.check_eq(cn["count"], 2, "endpoints in CN")
    # SARIF carries them
    p = run("scan", "--db", db, "--allowed-countries", "DE", "--format", "sarif",
            os.path.join(s.dir, "agent.conf"))
    sarif = json.loads(p.stdout)
    ids = [r["ruleId"] for r in sarif["runs"][0]["results"]]
    pkit.check_eq(ids.count("PK-GEO-0001"), 3, "SARIF PK-GEO-0001 results")


def case_without_db_or_list():
    p = run("scan", "--format", "json", os.path.join(s.dir, "agent.conf"))
    rep = json.loads(p.stdout)
    ep = by_value(rep)
    pkit.check_eq(ep["http://8.8.8.8/x"]["country"], None, "no database: IP unknown")
    pkit.check_eq(ep["https://www.tiktok.com/a"]["country"], None, "no database: .com unknown")
    pkit.check_eq(ep["https://telemetry.example.cn/v1"]["how"], "cctld", "ccTLD still")
    pkit.check(not [f for f in rep["findings"] if f["rule_id"].startswith("PK-GEO")],
               "no list: no PK-GEO findings")
    # a list without a database: the public IP is unknown -> PK-GEO-0002
    p = run("scan", "--allowed-countries", "CN", "--format", "json", os.path.join(s.dir, "agent.conf"))
    rep = json.loads(p.stdout)
    geo = sorted((f["rule_id"], f["offset"]) for f in rep["findings"]
                 if f["rule_id"].startswith("PK-GEO"))
    pkit.check_eq(geo, [("PK-GEO-0001", TEXT.index(b"mail")), ("PK-GEO-0002", 40)], "findings without db")


def case_bad_list():
    for bad in ("DEU", "D1", "DE,", ""):
        p = subprocess.run([CLI, "scan", "--allowed-countries", bad, os.path.join(s.dir, "agent.conf")],
                           capture_output=True)
        pkit.check_eq(p.returncode, 2, "exit for --allowed-countries %r" % bad)


s.run("db import ranges + X-Ray, scan --db --allowed-countries", case_with_db)
s.run("without --db: ccTLD only; a list without db", case_without_db_or_list)
s.run("invalid --allowed-countries", case_bad_list)
s.finish()
