#!/usr/bin/env python3
"""The report is a function of the inputs: the same tree scanned with -j1 and
-j2, and twice with -j2, gives byte-identical JSON once the scan block (start
and finish times, timings, the jobs count) is taken out."""
import difflib
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import (SANITIZED, Suite, check, check_consistent, check_eq, have, make_deb, make_iso,
                  make_tar, make_zip, png_bytes, sh, strip_times)

S = Suite("determinism")


def corpus():
    """A tree of many small files and containers, so two workers interleave."""
    agent, _ = S.agent()
    with open(agent, "rb") as f:
        elf = f.read()
    root = S.mkdir("corpus")
    n = 8 if SANITIZED else 32
    for i in range(n):
        # distinct files: the agent with a different trailer each
        S.write("corpus/bin/agent%02d" % i, elf + b"trailer %d\n" % i * (i + 1))
        S.write("corpus/etc/conf%02d.txt" % i, b"key%d = value %d\n" % (i, i) * (i + 3))
    S.write("corpus/img/pic.png", png_bytes() + elf)
    S.write("corpus/empty", b"")
    members = {"dir/agent%d" % i: elf + bytes([i]) * 100 for i in range(n // 2)}
    members.update({"doc/readme%d.txt" % i: b"read me %d\n" % i * 50 for i in range(n // 2)})
    make_zip(os.path.join(root, "pkg", "bundle.zip"), members)
    stage_dir = S.mkdir("tarstage")
    for name, data in members.items():
        S.write(os.path.join("tarstage", name), data)
    make_tar(os.path.join(root, "pkg", "bundle.tar.gz"), stage_dir, sorted(members), "w:gz")
    make_tar(os.path.join(root, "pkg", "bundle.tar.xz"), stage_dir, ["dir", "doc"], "w:xz")
    if have("dpkg-deb"):
        make_deb(S, os.path.join(root, "pkg", "agent.deb"), {"usr/bin/agent": agent})
        if have("genisoimage") or have("mkisofs") or have("xorrisofs"):
            isod = S.mkdir("isostage")
            make_zip(os.path.join(isod, "vendor.zip"),
                     {"setup.deb": os.path.join(root, "pkg", "agent.deb")})
            make_iso(S, os.path.join(root, "pkg", "image.iso"), isod)
    if have("7z"):
        sh(["7z", "a", "-bd", "-y", os.path.join(root, "pkg", "bundle.7z"), "dir", "doc"],
           cwd=stage_dir)
    if have("mksquashfs"):
        sh(["mksquashfs", stage_dir, os.path.join(root, "pkg", "fs.sqfs"), "-noappend", "-quiet",
            "-no-progress"], stdout=subprocess.DEVNULL)
    os.symlink("bin/agent00", os.path.join(root, "link-to-agent"))
    os.symlink("/nonexistent/target", os.path.join(root, "dangling"))
    os.mkfifo(os.path.join(root, "a-fifo"))
    return "corpus"


def diff(a, b):
    d = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(), "first", "second",
                             n=2, lineterm="")
    return "\n".join(list(d)[:60])


def t_jobs():
    c = corpus()
    runs = [("-j1", S.scan(c, "-j1")), ("-j2", S.scan(c, "-j2")), ("-j2 again", S.scan(c, "-j2"))]
    if not SANITIZED:
        runs.append(("-j4", S.scan(c, "-j4")))
    base = runs[0][1]
    check_consistent(base)
    check(len(base.files) > 60 if not SANITIZED else len(base.files) > 20,
          "the corpus is big enough (%d files)" % len(base.files))
    kinds = {f["kind"] for f in base.files}
    check({"file", "symlink", "fifo"} <= kinds, "file, symlink and fifo entries reported: %s" % kinds)
    check_eq(base.file("corpus/link-to-agent").get("link_target"), "bin/agent00",
             "symlink target")
    check_eq(base.file("corpus/empty")["type"], "empty", "type of an empty file")
    want = strip_times(base.raw)
    for name, rep in runs[1:]:
        check_eq(rep.doc["scan"]["jobs"], int(name.split()[0][2:]), "scan.jobs for %s" % name)
        got = strip_times(rep.raw)
        check(got == want, "report with %s differs from -j1:\n%s" % (name, diff(want, got)))


S.run("byte-identical reports across -j1/-j2 and runs", t_jobs)
S.finish()
