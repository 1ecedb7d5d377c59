#!/usr/bin/env python3
"""Every report validates against docs/report.schema.json (Draft 2020-12):
reports of built fixtures (containers, nesting, an SFX, an image with an ELF
appended, a directory with links and a FIFO, limits reached, a truncated file)
and of a real system directory of ELF files. And the schema has teeth: broken
reports (a finding without rule_id, an upper-case hash, ...) are rejected."""
import copy
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import (SANITIZED, SCHEMA, Skip, Suite, check, check_consistent, check_eq, have,
                  make_deb, make_iso, make_msi, make_tar, make_zip, need, png_bytes, sh)

S = Suite("schema")

try:
    from jsonschema import Draft202012Validator
except ImportError:  # python3-jsonschema is a test dependency (scripts/install-deps.sh)
    print("FAIL  python3-jsonschema is not installed for %s" % sys.executable)
    print("0 passed, 1 failed, 0 skipped")
    sys.exit(1)

with open(SCHEMA) as f:
    SCHEMA_DOC = json.load(f)
VALIDATOR = Draft202012Validator(SCHEMA_DOC, format_checker=Draft202012Validator.FORMAT_CHECKER)
REPORTS = []  # (name, Report) validated here and mutated by the negative checks


def errors(doc):
    return sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))


def validate(name, rep):
    errs = errors(rep.doc)
    check(not errs, "%s: %d schema errors, first: %s" % (
        name, len(errs), "; ".join("%s at /%s" % (e.message[:200], "/".join(map(str, e.absolute_path)))
                                   for e in errs[:5])))
    check_consistent(rep)
    hits = {(h["rule_id"], h["vpath"], h["message"]) for h in rep.doc["limits_hit"]}
    finds = {(x["rule_id"], x["vpath"], x["message"]) for x in rep.findings}
    check(hits <= finds, "%s: limits_hit entries without a finding: %s" % (name, hits - finds))
    REPORTS.append((name, rep))


def t_schema_valid():
    Draft202012Validator.check_schema(SCHEMA_DOC)
    check_eq(SCHEMA_DOC.get("$schema"), "https://json-schema.org/draft/2020-12/schema", "$schema")


def t_containers():
    agent, _ = S.agent()
    d = S.mkdir("fx")
    make_zip(os.path.join(d, "x.zip"), {"agent": agent, "notes/readme.txt": b"hello\n" * 10})
    make_tar(os.path.join(d, "x.tar.gz"), os.path.dirname(agent), ["agent"], "w:gz")
    if have("dpkg-deb"):
        make_deb(S, os.path.join(d, "x.deb"), {"usr/bin/agent": agent})
    validate("zip + tar.gz + deb", S.scan(["fx/x.zip", "fx/x.tar.gz"] +
                                          (["fx/x.deb"] if have("dpkg-deb") else [])))


def nested_iso():
    if not hasattr(nested_iso, "path"):
        need("dpkg-deb")
        agent, _ = S.agent()
        nd = S.mkdir("nest", "iso")
        make_deb(S, os.path.join(S.dir, "nest", "setup.deb"), {"usr/bin/agent": agent})
        make_zip(os.path.join(nd, "vendor.zip"), {"setup.deb": os.path.join(S.dir, "nest", "setup.deb")})
        nested_iso.path = make_iso(S, os.path.join(S.dir, "image.iso"), nd)
    return "image.iso"


def t_nested():
    validate("iso > zip > deb > tar.xz", S.scan(nested_iso()))


def t_limits():
    """Limits reached: limits_hit filled, a truncated file."""
    iso = nested_iso()
    rep = S.scan(iso, "--max-depth", "2")
    check(rep.doc["limits_hit"], "--max-depth 2 on a 4-deep image reports a limit")
    check_eq(rep.doc["limits"]["max_depth"], 2, "limits.max_depth")
    validate("--max-depth 2", rep)
    agent, _ = S.agent()
    make_zip(os.path.join(S.dir, "big.zip"), {"zeros.bin": b"\0" * (3 << 20), "agent": agent})
    rep = S.scan("big.zip", "--max-file", "1M")
    check([f for f in rep.files if f.get("truncated")], "--max-file 1M truncates zeros.bin")
    check(rep.doc["limits_hit"], "--max-file reached is in limits_hit")
    validate("--max-file 1M", rep)


def t_embedded():
    agent, _ = S.agent()
    with open(agent, "rb") as f:
        S.write("pic.png", png_bytes() + f.read())
    validate("png + elf", S.scan("pic.png"))
    if have("x86_64-w64-mingw32-gcc"):
        src = S.write("w/setup.c", b"int main(void) { return 0; }\n")
        pe = os.path.join(S.dir, "w", "setup.exe")
        sh(["x86_64-w64-mingw32-gcc", "-O1", "-s", "-o", pe, src])
        z = make_zip(os.path.join(S.dir, "w", "p.zip"), {"agent": agent})
        with open(pe, "rb") as a, open(z, "rb") as b:
            S.write("sfx.exe", a.read() + b.read())
        validate("pe sfx", S.scan("sfx.exe"))


def t_msi():
    make_msi(S, os.path.join(S.dir, "x.msi"))
    validate("msi", S.scan("x.msi"))


def t_directory_kinds():
    agent, _ = S.agent()
    d = S.mkdir("kinds")
    shutil.copy(agent, os.path.join(d, "agent"))
    os.symlink("agent", os.path.join(d, "link"))
    os.mkfifo(os.path.join(d, "fifo"))
    S.write("kinds/empty", b"")
    rep = S.scan("kinds")
    check_eq({f["kind"] for f in rep.files}, {"file", "symlink", "fifo"}, "kinds")
    validate("directory with link and fifo", rep)


def system_dir():
    for d in ("/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/aarch64-linux-gnu/gconv",
              "/usr/lib/gconv", "/usr/lib64/gconv", "/usr/libexec/coreutils"):
        if os.path.isdir(d):
            return d
    raise Skip("no small system directory of ELF files found")


def t_system_dir():
    d = system_dir()
    rep = S.scan(d, "-j2")
    check(rep.doc["summary"]["by_type"].get("elf", 0) > 10, "%s has ELF files" % d)
    validate(d, rep)


def t_usr_bin_sample():
    """A few real executables and a real .deb-like mix: /usr/bin's first ELFs."""
    names = sorted(os.listdir("/usr/bin"))
    picked = []
    for n in names:
        p = os.path.join("/usr/bin", n)
        if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) < (2 << 20):
            with open(p, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    picked.append(p)
        if len(picked) >= (5 if SANITIZED else 20):
            break
    check(picked, "ELF files in /usr/bin")
    validate("/usr/bin sample", S.scan(picked))


# -- negative checks: the schema must reject broken reports --------------------------------
def _first(doc, key, pred=lambda x: True):
    for x in doc[key]:
        if pred(x):
            return x
    raise Skip("no %s entry to break" % key)


def mutations():
    def drop(path):
        def f(doc):
            obj = doc
            for k in path[:-1]:
                obj = obj[k]
            del obj[path[-1]]
        return f

    def finding(fn):
        def f(doc):
            fn(_first(doc, "findings"))
        return f

    def file_(fn, pred=lambda x: True):
        def f(doc):
            fn(_first(doc, "files", pred))
        return f

    return [
        ("a finding without rule_id", finding(lambda x: x.pop("rule_id"))),
        ("a finding without message", finding(lambda x: x.pop("message"))),
        ("a rule_id off the pattern", finding(lambda x: x.update(rule_id="PK-elf-1"))),
        ("an unknown severity", finding(lambda x: x.update(severity="severe"))),
        ("confidence over 100", finding(lambda x: x.update(confidence=101))),
        ("an offset without length", finding(lambda x: (x.pop("length", None),
                                                        x.update(offset=x.get("offset", 1))))),
        ("an unknown key in a finding", finding(lambda x: x.update(cwe="CWE-1"))),
        ("a finding's sha256 in upper case", finding(lambda x: x.update(sha256="A" * 64))),
        ("a file without vpath", file_(lambda x: x.pop("vpath"))),
        ("a file sha256 of 63 digits", file_(lambda x: x.update(sha256=x.get("sha256", "a" * 64)[:63]))),
        ("a file sha1 in upper case", file_(lambda x: x.update(sha1="ABCDEF" + "0" * 34))),
        ("an unknown type", file_(lambda x: x.update(type="exe"))),
        ("an unknown kind", file_(lambda x: x.update(kind="directory"))),
        ("a regular file without size", file_(lambda x: x.pop("size"), lambda x: x["kind"] == "file")),
        ("a symlink with a sha256", file_(lambda x: x.update(sha256="0" * 64),
                                          lambda x: x["kind"] != "file")),
        ("truncated: false", file_(lambda x: x.update(truncated=False))),
        ("facts holding a number", file_(lambda x: x.setdefault("facts", {}).update(elf=3))),
        ("an unknown key in a file", file_(lambda x: x.update(mime="x/y"))),
        ("a container without format", file_(lambda x: x["container"].pop("format"),
                                             lambda x: "container" in x)),
        ("an unknown container format", file_(lambda x: x["container"].update(format="zap"),
                                              lambda x: "container" in x)),
        ("an unknown top-level key", lambda d: d.update(extra=1)),
        ("no limits_hit", drop(["limits_hit"])),
        ("schema_version 2.0", lambda d: d.update(schema_version="2.0")),
        ("a local time in scan.started", lambda d: d["scan"].update(started="2026-01-01 10:00:00")),
        ("summary.findings without high", drop(["summary", "findings", "high"])),
        ("an unknown type in by_type", lambda d: d["summary"]["by_type"].update(exe=1)),
        ("an input of kind socket", lambda d: d["inputs"][0].update(kind="socket")),
        ("no inputs", lambda d: d.update(inputs=[])),
        ("a negative limit", lambda d: d["limits"].update(max_depth=-1)),
        ("a limits_hit with an unknown rule", lambda d: d["limits_hit"].append(
            {"rule_id": "PK-ELF-0001", "vpath": "x", "message": "m"})),
    ]


def t_negative():
    check(REPORTS, "some reports to break")
    accepted, skipped = [], []
    for name, fn in mutations():
        # break the first validated report that has the shape this mutation needs
        for _, rep in REPORTS:
            doc = copy.deepcopy(rep.doc)
            try:
                fn(doc)
            except Skip:
                continue
            if not errors(doc):
                accepted.append(name)
            break
        else:
            skipped.append(name)
    # the reports above cover every shape; a mutation that found none is a test bug
    check(not skipped, "mutations that found nothing to break: %s" % skipped)
    check(not accepted, "the schema accepted broken reports: %s" % accepted)
    base = REPORTS[0][1].doc
    # and a hand-written minimal document with a finding lacking rule_id
    doc = copy.deepcopy(base)
    doc["findings"] = [{"analyzer": "elf", "severity": "low", "confidence": 50,
                        "vpath": "x", "message": "m"}]
    errs = errors(doc)
    check(any("rule_id" in e.message for e in errs),
          "a finding without rule_id is rejected naming rule_id: %s" % [e.message for e in errs])


S.run("the schema is valid Draft 2020-12", t_schema_valid)
S.run("containers (zip, tar.gz, deb)", t_containers)
S.run("nested iso > zip > deb", t_nested)
S.run("limits reached (limits_hit, truncated)", t_limits)
S.run("embedded (png + elf, pe sfx)", t_embedded)
S.run("msi", t_msi)
S.run("directory with symlink, fifo, empty file", t_directory_kinds)
S.run("a real system directory", t_system_dir)
S.run("a sample of /usr/bin", t_usr_bin_sample)
S.run("broken reports are rejected", t_negative)
S.finish()
