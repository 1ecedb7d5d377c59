#!/usr/bin/env python3
"""Analysts' YARA rules: `parakh scan --rules PATH` (docs/analyzers/yara.md).

Rules and the files they match are written here, so every offset is known;
the public rule sets in shared data (PK_SHARED/../yara-rules or
/work/shared/yara-rules) are checked against the `yara` command-line tool
on the system's libcrypto: same rules, same string offsets.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkit  # noqa: E402

SHARED = os.environ.get("PK_SHARED") or os.path.join(pkit.SRC, "..", "shared", "data")
RULESETS = [os.path.join(SHARED, "..", "yara-rules"), os.path.join(SHARED, "yara-rules")]
LIBCRYPTO = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"

s = pkit.Suite("yara")

# offsets of the markers in marked.bin
OFF_A, OFF_B, OFF_C = 100, 162, 193
MARKED = (b"\x00" * OFF_A + b"PARAKH_ALPHA" + b"\x00" * 50 + b"PARAKH_BETA" + b"\x00" * 20 +
          b"PARAKH_GAMMA" + b"\x00" * 7)

RULE_TWO = b"""rule two_strings
{
    meta:
        severity = "high"
        description = "two markers"
    strings:
        $a = "PARAKH_ALPHA"
        $b = "PARAKH_BETA"
    condition:
        all of them
}

rule no_match { strings: $n = "NEVER_THERE" condition: $n }
"""

RULE_TAGS = b"""import "pe"
rule tagged : crypto demo
{
    meta:
        confidence = 95
        severity = "Critical-ish"
    strings:
        $c = "PARAKH_GAMMA"
    condition:
        $c and not pe.is_pe and filename == "marked.bin" and filetype != "elf"
}
"""


def yara_findings(rep, vpath=None):
    return [f for f in rep.findings if f["analyzer"] == "yara" and
            (vpath is None or f["vpath"] == vpath)]


def yara_facts(rep, vpath):
    return rep.file(vpath).get("facts", {}).get("yara", {})


def rules_dir():
    d = s.mkdir("rules")
    s.write("rules/a.yar", RULE_TWO)
    s.write("rules/sub/b.yara", RULE_TAGS)
    s.write("rules/notes.txt", b"not a rule file {{{")  # ignored: not *.yar/*.yara/*.rules
    return d


def target():
    return s.write("in/marked.bin", MARKED)


def refused(args, want_rc, *fragments):
    p = s.run_cli(["scan", "--format", "json", "-q", "-o", os.path.join(s.dir, "never.json")] +
                  args)
    err = p.stderr.decode(errors="replace")
    pkit.check_eq(p.returncode, want_rc, "exit code of %s (stderr %r)" % (args, err))
    for frag in fragments:
        pkit.check(frag in err, "stderr %r lacks %r" % (err, frag))
    pkit.check(not os.path.exists(os.path.join(s.dir, "never.json")), "a report was written")


def case_two_strings():
    rules_dir()
    rep = s.scan(target(), "--rules", os.path.join(s.dir, "rules"), cwd=os.path.join(s.dir, "in"))
    pkit.check_consistent(rep)
    two = [f for f in yara_findings(rep, rep.files[0]["vpath"]) if f.get("record") == "two_strings"]
    pkit.check_eq(len(two), 1, "findings of two_strings")
    f = two[0]
    pkit.check_eq(f["rule_id"], "PK-YAR-0001", "rule id")
    pkit.check_eq(f["severity"], "high", "severity from meta")
    pkit.check_eq(f["confidence"], 80, "default confidence")
    pkit.check_eq((f["offset"], f["length"]), (OFF_A, 12), "location: the first string match")
    pkit.check_eq(f["evidence"], "PARAKH_ALPHA", "evidence")
    pkit.check_eq(f["message"],
                  "YARA rule two_strings (a.yar) matched: two markers; strings $a@0x64, $b@0xa2",
                  "message")
    m = [x for x in yara_facts(rep, f["vpath"])["matches"] if x["rule"] == "two_strings"]
    pkit.check_eq(m, [{"rule": "two_strings", "namespace": "a.yar", "tags": [],
                       "strings": [{"id": "$a", "offset": OFF_A, "length": 12},
                                   {"id": "$b", "offset": OFF_B, "length": 11}]}],
                  "facts.yara.matches for two_strings")


def case_tags_and_no_match():
    rules_dir()
    rep = s.scan(target(), "--rules", os.path.join(s.dir, "rules"), cwd=os.path.join(s.dir, "in"))
    ys = yara_findings(rep)
    pkit.check_eq(sorted(f["record"] for f in ys), ["tagged", "two_strings"],
                  "matching rules (no_match must not be there; notes.txt not read)")
    t = [f for f in ys if f["record"] == "tagged"][0]
    pkit.check_eq(t["severity"], "medium", "unknown meta severity falls back to medium")
    pkit.check_eq(t["confidence"], 95, "confidence from meta")
    pkit.check_eq((t["offset"], t["length"], t["evidence"]), (OFF_C, 12, "PARAKH_GAMMA"),
                  "tagged location")
    pkit.check("(sub/b.yara) matched [crypto, demo]" in t["message"], t["message"])
    m = [x for x in yara_facts(rep, t["vpath"])["matches"] if x["rule"] == "tagged"][0]
    pkit.check_eq((m["namespace"], m["tags"]), ("sub/b.yara", ["crypto", "demo"]), "tag facts")


def case_inert():
    rep = s.scan(target(), cwd=os.path.join(s.dir, "in"))
    pkit.check_eq(yara_findings(rep), [], "findings without --rules")
    pkit.check("yara" not in rep.files[0].get("facts", {}), "facts.yara without --rules")


def case_container_and_empty():
    s.write("rules1/e.yar", b'rule empty_file { condition: filesize == 0 }\n'
            b'rule marker { strings: $a = "PARAKH_ALPHA" condition: $a }\n')
    z = pkit.make_zip(os.path.join(s.dir, "c", "pack.zip"), {"dir/marked.bin": MARKED})
    s.write("c/empty.dat", b"")
    rep = s.scan(["pack.zip", "empty.dat"], "--rules", os.path.join(s.dir, "rules1"),
                 cwd=os.path.dirname(z))
    inner = [f for f in yara_findings(rep, "pack.zip!/dir/marked.bin")]
    pkit.check_eq([(f["record"], f["offset"]) for f in inner], [("marker", OFF_A)],
                  "the zip entry is scanned as a file of its own")
    pkit.check_eq([f["record"] for f in yara_findings(rep, "empty.dat")], ["empty_file"],
                  "an empty file is scanned (filesize == 0)")


def case_syntax_error():
    s.write("bad/ok.yar", b"rule fine { condition: true }\n")
    s.write("bad/zz.yar", b"rule broken\n{\n    condition:\n        true and and\n}\n")
    refused(["--rules", os.path.join(s.dir, "bad"), target()], 3,
            "analyzer yara failed to start: ", "bad/zz.yar:4: syntax error")
    s.write("bad2/u.yar", b'rule u {\n strings: $a = "x"\n condition: $a and nothing_here\n}\n')
    refused(["--rules", os.path.join(s.dir, "bad2", "u.yar"), target()], 3,
            "u.yar:3: undefined identifier \"nothing_here\"")
    s.write("bad3/m.yar", b'import "no_such_module"\nrule m { condition: true }\n')
    refused(["--rules", os.path.join(s.dir, "bad3"), target()], 3,
            "m.yar:1: unknown module \"no_such_module\"")


def case_missing_and_empty_paths():
    refused(["--rules", os.path.join(s.dir, "no-such-rules"), target()], 3,
            "--rules %s: No such file or directory" % os.path.join(s.dir, "no-such-rules"))
    d = s.mkdir("no-rules-here")
    s.write("no-rules-here/readme.txt", b"x")
    refused(["--rules", d, target()], 3, "no rule files (*.yar, *.yara, *.rules)")


def case_confinement():
    s.write("conf/outside.yar", b"rule outside { condition: true }\n")
    s.write("conf/r/main.yar", b'include "../outside.yar"\nrule m { condition: true }\n')
    refused(["--rules", os.path.join(s.dir, "conf", "r"), target()], 3,
            "main.yar:1:", "is outside the rules directory")
    # includes inside the directory work, relative to the including file
    s.write("inc/main.yar", b'include "sub/inner.yar"\nrule top { condition: inner }\n')
    s.write("inc/sub/inner.yar", b'include "deeper.inc"\nrule inner { condition: deeper }\n')
    s.write("inc/sub/deeper.inc", b"rule deeper { condition: filesize > 0 }\n")
    rep = s.scan(target(), "--rules", os.path.join(s.dir, "inc", "main.yar"),
                 cwd=os.path.join(s.dir, "in"))
    pkit.check_eq(sorted(f["record"] for f in yara_findings(rep)), ["deeper", "inner", "top"],
                  "rules through nested includes")
    for f in yara_findings(rep):
        pkit.check_eq(f.get("offset"), None, "a rule without strings has no location")
    # a symbolic link out of the rules directory is refused, not skipped
    d = s.mkdir("links")
    s.write("links/real.yar", b"rule r { condition: true }\n")
    os.symlink(os.path.join(s.dir, "conf", "outside.yar"), os.path.join(d, "x.yar"))
    refused(["--rules", d, target()], 3, "x.yar: a symbolic link to", "outside the rules directory")


def case_too_many_matches():
    n = 1000010 if not pkit.SANITIZED else 1000001
    z = s.write("many/zeros.bin", b"\x00" * n)
    s.write("many/z.yar", b"rule zeros { strings: $z = { 00 } condition: $z }\n")
    rep = s.scan("zeros.bin", "--rules", os.path.join(s.dir, "many", "z.yar"),
                 cwd=os.path.dirname(z))
    got = sorted((f["rule_id"], f["severity"]) for f in yara_findings(rep))
    pkit.check_eq(got, [("PK-YAR-0001", "medium"), ("PK-YAR-0002", "low")], "findings")
    p = [f for f in yara_findings(rep) if f["rule_id"] == "PK-YAR-0002"][0]
    pkit.check("string $z of rule zeros (z.yar) matched more than 1000000 times" in p["message"],
               p["message"])
    m = yara_facts(rep, "zeros.bin")["matches"][0]
    pkit.check_eq(len(m["strings"]), 32, "strings listed per rule")
    pkit.check_eq(m["strings_not_listed"], 1000000 - 32, "strings not listed")


def ruleset_dir():
    for d in RULESETS:
        if os.path.isfile(os.path.join(d, "crypto_signatures.yar")):
            return os.path.realpath(d)
    raise pkit.Skip("public YARA rules not found under %s (PK_SHARED)" % " or ".join(RULESETS))


def yara_cli(rules, path):
    """{rule: [(id, offset)]} as the yara tool reports them (-s: every string match)."""
    p = subprocess.run(["yara", "-w", "-s", rules, path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=True)
    out, cur = {}, None
    for line in p.stdout.decode(errors="replace").splitlines():
        if line.startswith("0x") and cur is not None:
            off, sid = line.split(":", 2)[:2]
            out[cur].append((sid, int(off, 16)))
        else:
            cur = line.split(" ", 1)[0]
            out[cur] = []
    return out


def case_public_rules():
    d = ruleset_dir()
    if not os.path.isfile(LIBCRYPTO):
        raise pkit.Skip("%s not present" % LIBCRYPTO)
    # both files define rules of the same names: each file is its own namespace
    rd = s.mkdir("public")
    for n in ("crypto_signatures.yar", "findcrypt3.rules"):
        shutil.copy(os.path.join(d, n), rd)
    lib = s.write("lib/libcrypto.so.3", open(LIBCRYPTO, "rb").read())
    rep = s.scan("libcrypto.so.3", "--rules", rd, cwd=os.path.dirname(lib))
    ys = yara_findings(rep, "libcrypto.so.3")
    names = {(f["message"].split("(")[1].split(")")[0], f["record"]) for f in ys}
    for want in [("crypto_signatures.yar", "RijnDael_AES_CHAR"), ("findcrypt3.rules", "SHA256_Constants"),
                 ("findcrypt3.rules", "RijnDael_AES_CHAR"), ("crypto_signatures.yar", "SHA1_Constants")]:
        pkit.check(want in names, "%s not reported on libcrypto; got %s" % (want, sorted(names)))
    pkit.check(all(f["rule_id"] == "PK-YAR-0001" for f in ys), "only rule matches")
    if not pkit.have("yara"):
        print("  (yara tool absent: not compared with it)")
        return
    facts = yara_facts(rep, "libcrypto.so.3")["matches"]
    for n in ("crypto_signatures.yar", "findcrypt3.rules"):
        ref = yara_cli(os.path.join(rd, n), lib)
        ours = {m["rule"]: [(x["id"], x["offset"]) for x in m["strings"]]
                for m in facts if m["namespace"] == n}
        pkit.check_eq(sorted(ours), sorted(ref), "rules of %s: parakh vs yara" % n)
        for rule, ms in ref.items():
            pkit.check_eq(ours[rule], ms[:32], "string matches of %s (%s)" % (rule, n))
            f = [x for x in ys if x["record"] == rule and "(%s)" % n in x["message"]][0]
            if ms:
                pkit.check_eq(f["offset"], min(o for _, o in ms), "offset of %s (%s)" % (rule, n))


s.run("two strings, severity meta, exact offsets", case_two_strings)
s.run("tags, confidence meta, a rule that does not match, a directory", case_tags_and_no_match)
s.run("no --rules: inert", case_inert)
s.run("container entry and empty file", case_container_and_empty)
s.run("compile errors refuse the scan with file:line", case_syntax_error)
s.run("missing path, directory without rules", case_missing_and_empty_paths)
s.run("includes and links confined to the rules directory", case_confinement)
s.run("too many matches: PK-YAR-0002", case_too_many_matches)
s.run("public rule sets on libcrypto, compared with yara", case_public_rules)
s.finish()
