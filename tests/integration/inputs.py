#!/usr/bin/env python3
"""How inputs are named and typed, and the CLI's contract: a directory input
(evidence paths relative to the path as given), several inputs at once, type
detection by content rather than by name, --fail-on exit codes, -o, and the
exit codes for usage and input errors."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import (Suite, check, check_consistent, check_eq, check_payload, make_zip,
                  strip_times)

S = Suite("inputs")


def tree():
    """tree/ with the agent, an ELF named readme.txt, a zip named pic.png, a
    script named data.bin and plain text named prog.exe."""
    if not hasattr(tree, "made"):
        agent, _ = S.agent()
        d = S.mkdir("tree", "sub", "deeper")
        shutil.copy(agent, os.path.join(d, "agent"))
        shutil.copy(agent, os.path.join(S.dir, "tree", "readme.txt"))
        make_zip(os.path.join(S.dir, "tree", "pic.png"), {"bin/agent": agent})
        S.write("tree/data.bin", b"#!/bin/sh\necho hello from a script\n")
        S.write("tree/prog.exe", b"just some plain text, not a program at all\n" * 4)
        tree.made = True
    return "tree"


TREE_FILES = ["sub/deeper/agent", "readme.txt", "pic.png", "pic.png!/bin/agent", "data.bin",
              "prog.exe"]


def t_directory_relative():
    _, sha = S.agent()
    rep = S.scan(tree())
    check_consistent(rep)
    check_eq(rep.doc["inputs"], [{"path": "tree", "kind": "directory"}], "inputs")
    check_eq(sorted(rep.vpaths()), sorted("tree/" + x for x in TREE_FILES), "vpaths")
    check_payload(rep, "tree/sub/deeper/agent", sha)
    check_payload(rep, "tree/pic.png!/bin/agent", sha)
    check_eq(rep.file("tree/sub/deeper/agent")["depth"], 0, "depth of a file in a directory")


def t_directory_spellings():
    """The given spelling is kept: absolute, ./relative, trailing slash."""
    _, sha = S.agent()
    tree()
    absdir = os.path.join(S.dir, "tree")
    for given, prefix in ((absdir, absdir), ("./tree", "./tree"), ("tree/", "tree")):
        rep = S.scan(given)
        check_eq(rep.doc["inputs"][0]["kind"], "directory", "input kind for %s" % given)
        check_eq(sorted(rep.vpaths()), sorted(prefix + "/" + x for x in TREE_FILES),
                 "vpaths for input %r" % given)
        check_payload(rep, prefix + "/sub/deeper/agent", sha)


def t_several_paths():
    agent, sha = S.agent()
    tree()
    make_zip(os.path.join(S.dir, "one.zip"), {"agent": agent})
    shutil.copy(agent, os.path.join(S.dir, "loose"))
    rep = S.scan(["one.zip", "tree", "loose"])
    check_consistent(rep)
    check_eq(rep.doc["inputs"], [{"path": "one.zip", "kind": "file"},
                                 {"path": "tree", "kind": "directory"},
                                 {"path": "loose", "kind": "file"}], "inputs in the order given")
    for vp in ("one.zip!/agent", "tree/sub/deeper/agent", "tree/pic.png!/bin/agent", "loose"):
        check_payload(rep, vp, sha)
    check_eq(len(rep.files), 2 + len(TREE_FILES) + 1, "files from all three inputs")


def t_type_by_content():
    _, sha = S.agent()
    rep = S.scan(tree())
    check_eq(rep.file("tree/readme.txt")["type"], "elf", "an ELF named readme.txt")
    check("elf" in rep.file("tree/readme.txt").get("facts", {}), "readme.txt analysed as ELF")
    check_payload(rep, "tree/readme.txt", sha)
    png = rep.file("tree/pic.png")
    check_eq(png["type"], "zip", "a zip named pic.png")
    check_eq(png.get("container", {}).get("format"), "zip", "pic.png opened as a zip")
    check_eq(rep.file("tree/data.bin")["type"], "script", "a #! script named data.bin")
    check_eq(rep.file("tree/prog.exe")["type"], "text", "text named prog.exe")
    check(not any(x["analyzer"] in ("pe", "elf") for x in rep.findings_for("tree/prog.exe")),
          "no executable findings on text named prog.exe")


def t_fail_on():
    """The agent (no RELRO) yields a medium finding and nothing higher."""
    agent, _ = S.agent()
    shutil.copy(agent, os.path.join(S.dir, "medium.elf"))
    rep = S.scan("medium.elf")
    sevs = {x["severity"] for x in rep.findings}
    check("medium" in sevs, "the agent yields a medium finding (got %s)" % sevs)
    check(not sevs & {"high", "critical"}, "the agent yields nothing above medium (got %s)" % sevs)
    out = os.path.join(S.dir, "failon.json")
    for sev, want in (("info", 1), ("low", 1), ("medium", 1), ("high", 0), ("critical", 0),
                      ("none", 0)):
        p = S.run_cli(["scan", "-q", "--format", "json", "-o", out, "--fail-on", sev,
                       "medium.elf"])
        check_eq(p.returncode, want, "exit code with --fail-on %s; stderr %r" % (sev, p.stderr))
        check(os.path.getsize(out) > 0, "report written with --fail-on %s" % sev)
    p = S.run_cli(["scan", "-q", "--format", "json", "-o", out, "--fail-on", "severe",
                   "medium.elf"])
    check_eq(p.returncode, 2, "exit code for --fail-on severe")


def t_output_file():
    agent, _ = S.agent()
    shutil.copy(agent, os.path.join(S.dir, "out.elf"))
    out = os.path.join(S.dir, "written.json")
    with open(out, "w") as f:
        f.write("stale content that must be replaced")
    for fmt in ("json", "text"):
        p = S.run_cli(["scan", "-q", "--format", fmt, "-o", out, "out.elf"])
        check_eq(p.returncode, 0, "exit code with -o (%s)" % fmt)
        check_eq(p.stdout, b"", "stdout with -o (%s)" % fmt)
        check_eq(p.stderr, b"", "stderr with -o -q (%s)" % fmt)
        with open(out, "rb") as f:
            body = f.read()
        check(b"out.elf" in body and b"stale" not in body, "-o replaced the file (%s)" % fmt)
        if fmt == "json":
            from_file = body
    check_eq(sorted(os.listdir(S.dir)).count("written.json"), 1, "one report file")
    check(not [x for x in os.listdir(S.dir) if x.startswith("written.json.")],
          "no temporary report file left")
    # without -o the same document goes to standard output
    p = S.run_cli(["scan", "-q", "--format", "json", "out.elf"])
    check_eq(p.returncode, 0, "exit code without -o")
    json.loads(p.stdout)
    check_eq(strip_times(p.stdout), strip_times(from_file), "stdout report == -o report")


def t_exit_codes():
    p = S.run_cli(["scan", "-q", "--format", "json", "no-such-input"])
    check_eq(p.returncode, 3, "exit code for a missing input")
    check(p.stderr.startswith(b"parakh: ") and b"no-such-input" in p.stderr,
          "one message naming the input: %r" % p.stderr)
    check_eq(p.stdout, b"", "no report for a missing input")
    for args in (["scan"], ["scan", "--bogus", "x"], ["scan", "--format", "nope", "x"],
                 ["scan", "-j", "0", "x"], ["frobnicate"]):
        p = S.run_cli(args)
        check_eq(p.returncode, 2, "exit code of parakh %s" % " ".join(args))
        check(p.stderr.startswith(b"parakh: ") or b"usage" in p.stderr,
              "usage error message for %s: %r" % (args, p.stderr))
    p = S.run_cli(["version"])
    check_eq(p.returncode, 0, "parakh version")
    check(p.stdout.startswith(b"parakh "), "version line %r" % p.stdout)


S.run("directory input: vpaths relative to the path given", t_directory_relative)
S.run("directory input spellings (absolute, ./, trailing /)", t_directory_spellings)
S.run("several paths at once", t_several_paths)
S.run("type by content, not by name", t_type_by_content)
S.run("--fail-on exit codes", t_fail_on)
S.run("-o writes the file and nothing to stdout", t_output_file)
S.run("exit codes for input and usage errors", t_exit_codes)
S.finish()
