#!/usr/bin/env python3
"""parakh assess end to end (issue 8, the decision): deliverables built now,
scanned and judged by the built CLI, verdicts, requirement ids and exit codes
asserted; the assessment JSON and the shipped profiles checked against their
schemas.

- bad.zip: a PIE/full-RELRO program carrying an RSA-1024 private key (made now
  by `openssl genpkey`, unencrypted PEM as a string literal) and an AWS
  access key id. pss-baseline: REJECT (exit 1) by exactly PSS-KEY-01 and
  PSS-SEC-01 (reject) with PSS-CRY-02 (the 1024-bit key, condition); the
  key's evidence is the PEM's BEGIN line at its byte offset in the program.
- clean.zip: a hello-world built with PIE and full RELRO. pss-baseline:
  APPROVE WITH CONDITIONS (exit 4) only because no vulnerability database and
  no endpoint analysis ran (PSS-VUL-01..03 and PSS-NET-01 not evaluated);
  every other requirement passes or does not apply. A lab profile of the
  requirements that could be evaluated: APPROVE (exit 0).
- waivers: PSS-KEY-01 and PSS-SEC-01 waived until 2030 turn bad.zip into
  APPROVE WITH CONDITIONS with both shown as accepted risks; the same waivers
  expired (policy date after expiry) count for nothing: REJECT.
- telemetry.zip: a program naming https://telemetry.yandex.ru: APPROVE WITH
  CONDITIONS by PSS-NET-01 alone, its question quoting host, country, file
  and offset (skipped on a build without the endpoints section).
- firmware.zip: etc/passwd and etc/shadow with an empty root password:
  REJECT by PSS-ACC-01 alone (PK-ACC-0001 on etc/shadow).
- pss-crypto and pss-critical: bad.zip REJECT (PSS-CRY-02 rejects there too);
  clean.zip REJECT under pss-critical, whose when_not_evaluated is REJECT.
- --report: the saved scan report gives the same assessment as the scan.
- questions: the Markdown names the program and the key's offset.
- golden verdicts for every shipped profile, with a knowledge base of CISA
  KEV and the Node.js security WG's OSV records (shared data): clean.zip
  APPROVE under all three; CONDITIONS under pss-baseline and pss-crypto by
  PSS-NET-01 alone (telemetry.zip), under pss-critical by PSS-VUL-04 alone
  (lodash 4.17.15 in node_modules: a high, fixed, non-KEV vulnerability);
  REJECT under all three by bad.zip.
- --sarif and --markdown: bad.zip plus a file whose name is HTML and
  Markdown markup, PSS-SEC-01 waived. The SARIF validates against the
  OASIS 2.1.0 schema, has one result per requirement (PSS-KEY-01 kind fail,
  level error, at the key's byte offset in bin/updater; PSS-SEC-01 an
  accepted external suppression), and the verdict as a run property. The
  Markdown has the verdict, the requirements table, the evidence with the
  key's offset and the vendor questions, and outside code spans no
  unescaped markup from the file name.
- usage: unknown profile, invalid waiver file, --report with a PATH: exit 2.

Skipped only without cc or openssl."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import CLI, SRC, Skip, Suite, check, check_eq, have, make_zip, need, sh  # noqa: E402

S = Suite("assess")
DATE = "2026-11-26"
SHARED = os.environ.get("PK_SHARED") or os.path.join(SRC, "..", "shared", "data")
AWS = "AKIA" + "QYLPMN5HHHFPZAM2"  # shape of an access key id; not a real key


def schemas():
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        raise Skip("needs python3-jsonschema")
    import jsonschema
    return jsonschema


def build(name, src):
    need("cc")
    d = S.mkdir("src-" + name)
    c = os.path.join(d, name + ".c")
    with open(c, "w") as f:
        f.write(src)
    out = os.path.join(d, name)
    sh(["cc", "-O1", "-fPIE", "-pie", "-Wl,-z,relro,-z,now", "-o", out, c])
    return out


def c_string(text):
    return "".join('"%s\\n"\n' % line.replace("\\", "\\\\").replace('"', '\\"')
                   for line in text.strip("\n").split("\n"))


_fixtures = {}


def bad_zip():
    if "bad" not in _fixtures:
        need("openssl")
        pem = sh(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]
                 ).stdout.decode()
        src = ('#include <stdio.h>\n'
               'static const char key[] =\n%s;\n'
               'static const char aws_key_id[] = "%s";\n'
               'int main(int argc, char **argv) {\n'
               '    (void)argv; /* the strings stay in the binary: used at run time */\n'
               '    if (argc > 99) { puts(key); puts(aws_key_id); }\n'
               '    return 0;\n}\n') % (c_string(pem), AWS)
        prog = build("updater", src)
        with open(prog, "rb") as f:
            data = f.read()
        off = data.find(b"-----BEGIN PRIVATE KEY-----")
        check(off > 0, "the PEM is in the program")
        _fixtures["bad"] = (make_zip(os.path.join(S.dir, "bad.zip"), {"bin/updater": prog}), off)
    return _fixtures["bad"]


def clean_zip():
    if "clean" not in _fixtures:
        prog = build("hello", '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
        _fixtures["clean"] = make_zip(os.path.join(S.dir, "clean.zip"), {"bin/hello": prog})
    return _fixtures["clean"]


def assess(args, expect_rc):
    out = os.path.join(S.dir, "assessment-%d.json" % len(os.listdir(S.dir)))
    qs = out.replace(".json", ".md")
    p = S.run_cli(["assess", "-q", "--policy-date", DATE, "-o", out, "--questions", qs] + args)
    err = p.stderr.decode(errors="replace")
    if p.returncode != expect_rc:
        raise AssertionError("parakh assess %s exited %d, expected %d\nstdout:\n%s\nstderr:\n%s" %
                             (" ".join(args), p.returncode, expect_rc,
                              p.stdout.decode(errors="replace")[-3000:], err[-3000:]))
    with open(out) as f:
        doc = json.load(f)
    with open(qs) as f:
        md = f.read()
    return doc, p.stdout.decode(errors="replace"), md


def status(doc):
    return {r["id"]: (r["status"], r["waived"]) for r in doc["requirements"]}


def failing(doc):
    return sorted(r["id"] for r in doc["requirements"] if r["status"] == "fail" and not r["waived"])


def validate(doc):
    js = schemas()
    with open(os.path.join(SRC, "docs", "assessment.schema.json")) as f:
        js.validate(doc, json.load(f))


def case_bad():
    z, off = bad_zip()
    doc, out, md = assess(["--profile", "pss-baseline", z], 1)
    check_eq(doc["verdict"], "REJECT", "verdict")
    check_eq(failing(doc), ["PSS-CRY-02", "PSS-KEY-01", "PSS-SEC-01"], "failed requirements")
    rejecting = sorted(r["id"] for r in doc["requirements"]
                       if r["status"] == "fail" and r["on_fail"] == "REJECT")
    check_eq(rejecting, ["PSS-KEY-01", "PSS-SEC-01"], "requirements that reject")
    key = next(r for r in doc["requirements"] if r["id"] == "PSS-KEY-01")
    ev = key["evidence"][0]
    check_eq((ev["rule_id"], ev["vpath"].endswith("bad.zip!/bin/updater"), ev["offset"]),
             ("PK-KEY-0001", True, off), "the key's evidence")
    sec = next(r for r in doc["requirements"] if r["id"] == "PSS-SEC-01")
    check(any(AWS[:8] in (e.get("value", "") + e.get("message", "")) or
              "aws" in e.get("message", "").lower() for e in sec["evidence"]),
          "the AWS key is PSS-SEC-01's evidence: %s" % sec["evidence"])
    check(out.startswith("VERDICT: REJECT\n"), "stdout starts with the verdict")
    check(3 <= len(doc["reasons"]) <= 5, "three to five reasons")
    check(doc["reasons"][0].startswith("Fails (rejects): No private key shipped"),
          "the worst reason first: %s" % doc["reasons"][0])
    check("## PSS-KEY-01" in md and "at offset 0x%x" % off in md, "the question quotes the offset")
    parts = {p["name"]: p for p in doc["score"]["parts"]}
    check(parts["crypto"]["contribution"] > 0 and parts["hidden_access"]["contribution"] > 0,
          "crypto and hidden access parts count the key and the credential")
    check_eq(doc["score"]["value"],
             int(sum(parts[n]["weight"] * parts[n]["fraction"] for n in parts) + 0.5),
             "score = sum of weighted parts")
    validate(doc)


def case_clean():
    z = clean_zip()
    doc, out, md = assess(["--profile", "pss-baseline", z], 4)
    check_eq(doc["verdict"], "APPROVE WITH CONDITIONS", "verdict")
    st = status(doc)
    ne = sorted(k for k, v in st.items() if v[0] == "not_evaluated")
    # PSS-NET-01: not evaluated while reports leave out an empty endpoints section
    check(st["PSS-NET-01"] in (("not_evaluated", False), ("pass", False)), "PSS-NET-01")
    check_eq([x for x in ne if x != "PSS-NET-01"], ["PSS-VUL-01", "PSS-VUL-02", "PSS-VUL-03"],
             "not evaluated")
    check_eq(failing(doc), [], "failed requirements")
    check_eq(st["PSS-HRD-01"], ("pass", False), "the PIE/full-RELRO program passes hardening")
    check_eq(st["PSS-SIG-01"], ("not_applicable", False), "no PE: signing does not apply")
    check_eq(sorted(c["requirement"] for c in doc["conditions"]),
             ["PSS-NET-01", "PSS-VUL-01"] if "PSS-NET-01" in ne else ["PSS-VUL-01"],
             "one condition per missing section")
    check("APPROVE WITH CONDITIONS" in out.splitlines()[0], "stdout verdict")
    validate(doc)
    # a lab's own profile of what could be evaluated approves it
    with open(os.path.join(SRC, "rules", "profiles", "pss-baseline.json")) as f:
        prof = json.load(f)
    prof["profile"] = "lab-offline"
    prof["requirements"] = [r for r in prof["requirements"] if r["id"] not in ne]
    pf = os.path.join(S.dir, "lab.json")
    with open(pf, "w") as f:
        json.dump(prof, f)
    doc, out, md = assess(["--profile", pf, z], 0)
    check_eq(doc["verdict"], "APPROVE", "verdict under the lab profile")
    check_eq(doc["profile"]["name"], "lab-offline", "profile name")
    check("No open questions" in md, "no questions when approved")


def waiver_file(expires):
    w = {"waivers": [
        {"requirement": "PSS-KEY-01", "justification": "test key, replaced at installation",
         "approver": "CISO", "expires": expires},
        {"requirement": "PSS-SEC-01", "justification": "revoked key id", "approver": "CISO",
         "expires": expires}]}
    p = os.path.join(S.dir, "waivers-%s.json" % expires)
    with open(p, "w") as f:
        json.dump(w, f)
    js = schemas()
    with open(os.path.join(SRC, "docs", "waivers.schema.json")) as f:
        js.validate(w, json.load(f))
    return p


def case_waivers():
    z, _ = bad_zip()
    doc, out, _ = assess(["--waivers", waiver_file("2030-01-01"), z], 4)
    check_eq(doc["verdict"], "APPROVE WITH CONDITIONS", "verdict with waivers")
    st = status(doc)
    check_eq((st["PSS-KEY-01"], st["PSS-SEC-01"]), (("fail", True), ("fail", True)),
             "waived failures stay failures, shown as accepted risks")
    check_eq([(w["state"], w["used"]) for w in doc["waivers"]], [("active", True)] * 2, "waivers")
    check("WAIVED" in out and "accepted risk: test key" in out, "stdout shows the accepted risk")
    # expired on the day before the policy date: no longer counts
    doc, _, _ = assess(["--waivers", waiver_file("2026-11-25"), z], 1)
    check_eq(doc["verdict"], "REJECT", "verdict with expired waivers")
    check_eq([(w["state"], w["used"]) for w in doc["waivers"]], [("expired", False)] * 2,
             "expired waivers")
    validate(doc)


def case_endpoint():
    src = ('#include <stdio.h>\n'
           'static const char url[] = "https://telemetry.yandex.ru/upload?id=";\n'
           'int main(int argc, char **argv) { (void)argv; if (argc > 99) puts(url); return 0; }\n')
    prog = build("telemetry", src)
    with open(prog, "rb") as f:
        off = f.read().find(b"https://telemetry.yandex.ru")
    z = make_zip(os.path.join(S.dir, "telemetry.zip"), {"bin/telemetry": prog})
    rep = os.path.join(S.dir, "telemetry-report.json")
    doc, _, md = assess(["--save-report", rep, z], 4)
    with open(rep) as f:
        if "endpoints" not in json.load(f):
            raise Skip("this build has no endpoints section in its reports")
    check_eq(failing(doc), ["PSS-NET-01"], "failed requirements")
    ev = next(r for r in doc["requirements"] if r["id"] == "PSS-NET-01")["evidence"]
    check_eq([(e["id"], e["country"], e["offset"]) for e in ev],
             [("telemetry.yandex.ru", "RU", off)], "the endpoint's evidence")
    check("telemetry.yandex.ru (country: RU) in `%s!/bin/telemetry` at offset 0x%x" % (z, off) in md,
          "the question quotes host, country, file and offset")


def case_accounts():
    z = make_zip(os.path.join(S.dir, "firmware.zip"), {
        "rootfs/etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n"
                             b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
        "rootfs/etc/shadow": b"root::19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"})
    doc, _, md = assess([z], 1)
    check_eq(failing(doc), ["PSS-ACC-01"], "failed requirements")
    ev = next(r for r in doc["requirements"] if r["id"] == "PSS-ACC-01")["evidence"]
    check_eq([(e["rule_id"], e["vpath"].endswith("firmware.zip!/rootfs/etc/shadow")) for e in ev],
             [("PK-ACC-0001", True)], "the empty root password is the evidence")
    parts = {p["name"]: p for p in doc["score"]["parts"]}
    check_eq(parts["hidden_access"]["inputs"]["accounts_high"], 1, "hidden access counts it")


def case_other_profiles():
    z, _ = bad_zip()
    for prof in ("pss-crypto", "pss-critical"):
        doc, _, _ = assess(["--profile", prof, z], 1)
        rejecting = set(r["id"] for r in doc["requirements"]
                        if r["status"] == "fail" and r["on_fail"] == "REJECT")
        check({"PSS-KEY-01", "PSS-SEC-01", "PSS-CRY-02"} <= rejecting,
              "%s rejects by the key, the credential and the key size: %s" % (prof, rejecting))
    # the clean program: pss-critical rejects what it cannot evaluate
    doc, _, _ = assess(["--profile", "pss-critical", clean_zip()], 1)
    check_eq(failing(doc), [], "pss-critical: nothing fails on the clean program")
    check(doc["counts"]["not_evaluated"] in (5, 6), "pss-critical: not evaluated (vulns 5, net 0/1)")
    validate(doc)


def case_report():
    z, _ = bad_zip()
    rep = os.path.join(S.dir, "saved-report.json")
    a, _, _ = assess(["--save-report", rep, z], 1)
    b, _, _ = assess(["--report", rep], 1)
    check_eq(status(b), status(a), "assessment of the saved report")
    check_eq(b["score"], a["score"], "score of the saved report")


def case_profiles():
    js = schemas()
    with open(os.path.join(SRC, "docs", "profile.schema.json")) as f:
        schema = json.load(f)
    for n in ("pss-baseline", "pss-crypto", "pss-critical"):
        with open(os.path.join(SRC, "rules", "profiles", n + ".json")) as f:
            js.validate(json.load(f), schema)


def golden_db():
    if "db" not in _fixtures:
        kev = os.path.join(SHARED, "kev", "known_exploited_vulnerabilities.json")
        nswg = os.path.join(SHARED, "osv", "nodejs-security-wg")
        if not (os.path.exists(kev) and os.path.isdir(nswg)):
            raise Skip("shared data missing: %s, %s" % (kev, nswg))
        db = os.path.join(S.dir, "golden.db")
        for feed in (kev, nswg):
            p = S.run_cli(["db", "import", "--db", db, feed])
            check_eq(p.returncode, 0, "import %s: %s" % (feed, p.stderr.decode(errors="replace")))
        _fixtures["db"] = db
    return _fixtures["db"]


def telemetry_zip():
    if "telemetry" not in _fixtures:
        src = ('#include <stdio.h>\n'
               'static const char url[] = "https://telemetry.yandex.ru/upload?id=";\n'
               'int main(int argc, char **argv) { (void)argv; if (argc > 99) puts(url); '
               'return 0; }\n')
        prog = build("telemetry", src)
        _fixtures["telemetry"] = make_zip(os.path.join(S.dir, "telemetry.zip"),
                                          {"bin/telemetry": prog})
    return _fixtures["telemetry"]


def case_golden():
    db = golden_db()
    clean_zip()  # builds src-hello/hello
    lodash = make_zip(os.path.join(S.dir, "lodash.zip"), {
        "bin/hello": os.path.join(S.dir, "src-hello", "hello"),
        "node_modules/lodash/package.json":
            json.dumps({"name": "lodash", "version": "4.17.15", "license": "MIT"}).encode()})
    want = {  # profile: [(deliverable, exit code, failed requirements)]
        "pss-baseline": [(clean_zip(), 0, []), (telemetry_zip(), 4, ["PSS-NET-01"]),
                         (bad_zip()[0], 1, None)],
        "pss-crypto": [(clean_zip(), 0, []), (telemetry_zip(), 4, ["PSS-NET-01"]),
                       (bad_zip()[0], 1, None)],
        "pss-critical": [(clean_zip(), 0, []), (lodash, 4, ["PSS-VUL-04"]),
                         (bad_zip()[0], 1, None)],
    }
    verdicts = {0: "APPROVE", 4: "APPROVE WITH CONDITIONS", 1: "REJECT"}
    for prof, cases in want.items():
        for z, rc, failed in cases:
            doc, _, _ = assess(["--db", db, "--profile", prof, z], rc)
            what = "%s on %s" % (prof, os.path.basename(z))
            check_eq(doc["verdict"], verdicts[rc], what)
            check_eq(doc["counts"]["not_evaluated"], 0, what + ": everything evaluated")
            if failed is not None:
                check_eq(failing(doc), failed, what + ": failed requirements")
            else:
                check({"PSS-KEY-01", "PSS-SEC-01"} <= set(failing(doc)), what + ": rejects")
            validate(doc)


HOSTILE = "docs/<img src=x onerror=alert(1)>`|*_[x](y).txt"


def case_outputs():
    _, off = bad_zip()
    prog = os.path.join(S.dir, "src-updater", "updater")
    z = make_zip(os.path.join(S.dir, "hostile.zip"), {
        "bin/updater": prog, HOSTILE: ("aws_key_id = " + AWS + "\n").encode()})
    w = {"waivers": [{"requirement": "PSS-SEC-01", "justification": "revoked key id",
                      "approver": "CISO", "expires": "2030-01-01"}]}
    wf = os.path.join(S.dir, "sec-waiver.json")
    with open(wf, "w") as f:
        json.dump(w, f)
    sarif_f, md_f = os.path.join(S.dir, "a.sarif"), os.path.join(S.dir, "a.md")
    doc, _, _ = assess(["--waivers", wf, "--sarif", sarif_f, "--markdown", md_f, z], 1)
    with open(sarif_f) as f:
        sarif = json.load(f)
    js = schemas()
    with open(os.path.join(SHARED, "schemas", "sarif-2.1.0", "sarif-schema-2.1.0.json")) as f:
        schema = json.load(f)
    js.validators.validator_for(schema)(schema).validate(sarif)
    run = sarif["runs"][0]
    check_eq([r["id"] for r in run["tool"]["driver"]["rules"]],
             [r["id"] for r in doc["requirements"]], "one rule per requirement")
    res = {r["ruleId"]: r for r in run["results"]}
    check_eq(len(run["results"]), len(doc["requirements"]), "one result per requirement")
    key = res["PSS-KEY-01"]
    check_eq((key["kind"], key["level"]), ("fail", "error"), "PSS-KEY-01 rejects")
    loc = key["locations"][0]["physicalLocation"]
    check_eq((loc["artifactLocation"]["uri"].endswith("hostile.zip!/bin/updater"),
              loc["region"]["byteOffset"]), (True, off), "the key's location")
    sup = res["PSS-SEC-01"].get("suppressions", [])
    check_eq([(x["kind"], x["status"]) for x in sup], [("external", "accepted")],
             "the waiver is an accepted suppression")
    check("approved by CISO, until 2030-01-01" in sup[0]["justification"], "waiver text")
    for r in run["results"]:
        check(r["level"] == "none" or r["kind"] == "fail", "level none unless kind fail")
    check_eq(run["properties"]["verdict"], "REJECT", "verdict property")
    with open(md_f) as f:
        md = f.read()
    for want in ("**Verdict: REJECT**", "## Requirements", "## Evidence", "## Questions for the vendor",
                 "at offset 0x%x" % off, "| **FAIL** | PSS-KEY-01 |",
                 "| WAIVED | PSS-SEC-01 |"):
        check(want in md, "the Markdown has %r" % want)
    import re
    # outside code spans (any fence length) nothing of the file name is markup
    plain = re.sub(r"(`+)(.+?)\1", "", md)
    check("<img" not in plain and "](y)" not in plain, "no markup from the file name")
    spans = [m.group(2) for m in re.finditer(r"(`+)(.+?)\1", md)]
    check(any(x.strip().endswith("hostile.zip!/" + HOSTILE) for x in spans),
          "the hostile name is shown whole in a code span")


def case_usage():
    z = clean_zip()
    for args, what in ((["--profile", "pss-nope", z], "unknown profile"),
                       (["--report", "x.json", z], "--report with a PATH"),
                       (["--format", "xml", z], "unknown format")):
        p = S.run_cli(["assess", "-q"] + args)
        check_eq(p.returncode, 2, what)
    bad = os.path.join(S.dir, "bad-waivers.json")
    with open(bad, "w") as f:
        f.write('{"waivers":[{"requirement":"PSS-KEY-01","justification":"x","approver":"y"}]}')
    p = S.run_cli(["assess", "-q", "--waivers", bad, z])
    check_eq(p.returncode, 2, "waiver without expiry")
    check("'expires'" in p.stderr.decode(), "the message names the missing field")


if not have("cc"):
    print("SKIP  all: needs cc to build the fixtures")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
S.run("shipped profiles validate against docs/profile.schema.json", case_profiles)
S.run("RSA-1024 key and AWS key id: REJECT by PSS-KEY-01, PSS-SEC-01", case_bad)
S.run("clean program: conditions for what could not be evaluated; lab profile approves",
      case_clean)
S.run("telemetry endpoint in RU: condition PSS-NET-01", case_endpoint)
S.run("empty root password: REJECT by PSS-ACC-01", case_accounts)
S.run("pss-crypto and pss-critical: REJECT", case_other_profiles)
S.run("waivers in force and expired", case_waivers)
S.run("--report gives the scan's assessment", case_report)
S.run("golden verdicts: APPROVE, CONDITIONS, REJECT for each shipped profile", case_golden)
S.run("--sarif (OASIS schema) and --markdown, hostile file name", case_outputs)
S.run("usage errors exit 2", case_usage)
S.finish()
