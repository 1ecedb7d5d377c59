#!/usr/bin/env python3
"""Things hidden after the end of a file: a PE with a zip appended (a
self-extracting installer) is opened and its entries listed under the PE, with
PK-EMB-0002 at the zip's offset; a PNG with an ELF appended yields PK-EMB-0001
at offset len(png); a PNG with a zip appended yields PK-EMB-0002 (medium)."""
import io
import os
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkit import (Suite, check, check_consistent, check_eq, check_payload, make_zip, need,
                  png_bytes, sh)

S = Suite("embedded")

# declared by hand: <windows.h> alone takes seconds to compile
WIN_C = r"""__declspec(dllimport) int __stdcall MessageBoxA(void *, const char *, const char *,
                                                unsigned);
int main(void)
{
    MessageBoxA(0, "parakh integration installer", "setup", 0);
    return 0;
}
"""


def one(rep, vpath, rule):
    got = rep.findings_for(vpath, rule)
    check_eq(len(got), 1, "%s findings on %s (all: %s)" %
             (rule, vpath, [(x["rule_id"], x.get("offset")) for x in rep.findings_for(vpath)]))
    return got[0]


def t_pe_sfx():
    need("x86_64-w64-mingw32-gcc")
    agent, sha = S.agent()
    d = S.mkdir("sfx")
    src = os.path.join(d, "setup.c")
    with open(src, "w") as f:
        f.write(WIN_C)
    pe = os.path.join(d, "setup.exe")
    # stripped, so the overlay (everything after the last section) is the zip
    sh(["x86_64-w64-mingw32-gcc", "-O1", "-s", "-o", pe, src, "-luser32"])
    z = make_zip(os.path.join(d, "payload.zip"), {"agent": agent, "readme.txt": b"install me\n"})
    with open(pe, "rb") as f:
        pe_bytes = f.read()
    with open(z, "rb") as f:
        zip_bytes = f.read()
    S.write("sfx.exe", pe_bytes + zip_bytes)

    rep = S.scan("sfx.exe")
    check_consistent(rep)
    top = rep.file("sfx.exe")
    check_eq(top["type"], "pe", "type of sfx.exe")
    check_eq(top.get("container", {}).get("format"), "zip", "sfx.exe opened as a zip")
    check_eq(top["container"]["entries"], 2, "entries of the appended zip")
    check("pe" in top.get("facts", {}), "sfx.exe analysed as PE")
    check_payload(rep, "sfx.exe!/agent", sha)
    check_eq(rep.file("sfx.exe!/readme.txt")["type"], "text", "type of sfx.exe!/readme.txt")
    # one hit per local header (each entry has one): the first is the zip's start
    embs = sorted(rep.findings_for("sfx.exe", "PK-EMB-0002"), key=lambda x: x["offset"])
    check(embs, "no PK-EMB-0002 on sfx.exe")
    emb = embs[0]
    check_eq(emb["offset"], len(pe_bytes), "first PK-EMB-0002 offset (== size of the PE)")
    check_eq(emb["severity"], "low", "PK-EMB-0002 severity inside an executable")
    check(emb["evidence_hex"].startswith("504b0304"), "evidence is the local header: %s" %
          emb["evidence_hex"])
    check_eq(emb["evidence_hex"], zip_bytes[:16].hex(), "evidence bytes")
    check_eq(emb.get("sha256"), top["sha256"], "finding's sha256 is the PE's")
    found = top["facts"].get("embedded", {}).get("found", [])
    check([x for x in found if x["first_offset"] == len(pe_bytes)],
          "facts.embedded.found names the zip at %d: %s" % (len(pe_bytes), found))
    overlay = top["facts"]["pe"].get("overlay")
    check(overlay and overlay.get("offset") == len(pe_bytes),
          "facts.pe.overlay starts at the zip (%d): %s" % (len(pe_bytes), overlay))


def t_png_elf():
    agent, _ = S.agent()
    png = png_bytes(8, 8)
    with open(agent, "rb") as f:
        elf = f.read()
    S.write("pic.png", png + elf)
    rep = S.scan("pic.png")
    check_consistent(rep)
    top = rep.file("pic.png")
    check_eq(top["type"], "png", "type of pic.png")
    emb = one(rep, "pic.png", "PK-EMB-0001")
    check_eq(emb["offset"], len(png), "PK-EMB-0001 offset (== len(png))")
    check_eq(emb["analyzer"], "embedded", "analyzer")
    check_eq(emb["severity"], "high", "an executable inside an image")
    check_eq(emb["evidence_hex"], elf[:16].hex(), "evidence is the ELF header")
    check(emb["evidence"].startswith("\\x7fELF"), "printable evidence: %r" % emb["evidence"])
    check_eq(emb.get("sha256"), top["sha256"], "finding's sha256 is the PNG's")
    check_eq(emb["length"], 16, "evidence length")


def t_png_zip():
    png = png_bytes()
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.txt", "nothing to see here\n" * 20)
    S.write("cat.png", png + b.getvalue())
    rep = S.scan("cat.png")
    check_consistent(rep)
    check_eq(rep.file("cat.png")["type"], "png", "type of cat.png")
    emb = one(rep, "cat.png", "PK-EMB-0002")
    check_eq(emb["offset"], len(png), "PK-EMB-0002 offset (== len(png))")
    check_eq(emb["severity"], "medium", "an archive inside an image")


def t_clean_png():
    S.write("clean.png", png_bytes(16, 16))
    out = os.path.join(S.dir, "clean.json")
    p = S.run_cli(["scan", "--format", "json", "-q", "-o", out, "clean.png"])
    ubsan = b"runtime error: null pointer passed as argument 1" in p.stderr
    if p.returncode != 0 and ubsan:
        # qsort(NULL, 0, ...) of the empty findings array after the run
        S.known_bug(False, "a scan with no findings at all dies under UBSan: %s" %
                    p.stderr.decode(errors="replace").strip().splitlines()[0])
        return
    rep = S.scan("clean.png")
    check_eq(rep.file("clean.png")["type"], "png", "type of clean.png")
    check_eq(rep.findings, [], "no findings on a plain PNG")


S.run("PE with an appended zip (SFX)", t_pe_sfx)
S.run("PNG with an appended ELF", t_png_elf)
S.run("PNG with an appended zip", t_png_zip)
S.run("plain PNG: no findings", t_clean_png)
S.finish()
