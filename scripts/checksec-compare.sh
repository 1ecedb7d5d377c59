#!/usr/bin/env bash
# checksec-compare.sh DIR: compares parakh's ELF hardening verdicts with
# checksec's (RELRO, stack canary, NX, PIE, FORTIFY_SOURCE) for every ELF file
# under DIR, e.g. extracted Debian packages:
#   cd /tmp/debs && apt-get download coreutils bash && for d in *.deb; do dpkg-deb -x "$d" x; done
#   scripts/checksec-compare.sh /tmp/debs/x
# Prints "N agree, M disagree" (files; a file agrees when all five agree),
# per-property counts, and one line per disagreement. Exit 0 when all agree,
# 1 on a disagreement, 2 on usage or a missing tool.
#
# parakh's side comes from $PK_ELF_FACTS, else elf_facts in $PK_BUILD/tests or
# build/tests (tests/unit/elf_facts.c: the analyzer's facts as JSON lines).
# Expected differences are explained in docs/analyzers/elf.md ("checksec").
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
src=$(cd "$(dirname "$0")/.." && pwd)

facts=${PK_ELF_FACTS:-}
if [ -z "$facts" ]; then
    for c in "${PK_BUILD:-}/tests/elf_facts" "$src/build/tests/elf_facts"; do
        if [ -x "$c" ]; then
            facts=$c
            break
        fi
    done
fi
if [ -z "$facts" ] || [ ! -x "$facts" ]; then
    echo "$0: elf_facts not found; build it (cmake --build build --target elf_facts) or set PK_ELF_FACTS" >&2
    exit 2
fi
for t in checksec readelf python3; do
    command -v "$t" >/dev/null || {
        echo "$0: $t is required" >&2
        exit 2
    }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Regular files starting with \177ELF (symlinks are skipped: their targets are listed too).
find "$dir" -type f -size +3c -print0 |
    xargs -0 -r python3 -c '
import sys
for p in sys.argv[1:]:
    try:
        with open(p, "rb") as f:
            if f.read(4) == b"\x7fELF":
                sys.stdout.write(p + "\0")
    except OSError:
        pass
' >"$work/list"

# checksec: one JSON document per file, run in parallel; each line is
# written by one printf so parallel writers do not interleave.
xargs -0 -r -P "$(nproc 2>/dev/null || echo 2)" -I{} \
    sh -c 'j=$(checksec --output=json --file="$1" 2>/dev/null | tr -d "\n"); printf "%s\t%s\n" "$1" "$j"' _ {} \
    <"$work/list" >"$work/checksec.tsv"

# parakh: one JSON line per file.
xargs -0 -r "$facts" <"$work/list" >"$work/parakh.jsonl"

python3 - "$work/checksec.tsv" "$work/parakh.jsonl" <<'EOF'
import json, sys

checksec = {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    path, _, doc = line.rstrip("\n").partition("\t")
    try:
        checksec[path] = next(iter(json.loads(doc).values()))
    except (ValueError, StopIteration, AttributeError):
        checksec[path] = None

def yn(b):
    return "yes" if b else "no"

def parakh_view(elf):
    h = elf.get("hardening", {})
    return {
        "relro": {"none": "no"}.get(h.get("relro"), h.get("relro")),
        "canary": yn(h.get("canary")),
        "nx": yn(h.get("nx")),
        "pie": {"pie": "yes"}.get(h.get("pie"), h.get("pie")),
        "fortify_source": yn(h.get("fortify", {}).get("source")),
    }

props = ["relro", "canary", "nx", "pie", "fortify_source"]
agree = disagree = 0
per = {p: [0, 0] for p in props}
lines = []
for line in open(sys.argv[2], encoding="utf-8"):
    d = json.loads(line)
    path, elf = d["file"], d.get("elf") or {}
    c = checksec.get(path)
    if c is None:
        lines.append("%s: checksec gave no JSON" % path)
        disagree += 1
        continue
    mine = parakh_view(elf)
    bad = []
    for p in props:
        if mine[p] == c.get(p):
            per[p][0] += 1
        else:
            per[p][1] += 1
            bad.append("%s parakh=%s checksec=%s" % (p, mine[p], c.get(p)))
    if bad:
        disagree += 1
        lines.append("%s: %s" % (path, "; ".join(bad)))
    else:
        agree += 1

print("%d agree, %d disagree" % (agree, disagree))
print("  " + ", ".join("%s %d/%d" % (p, per[p][0], sum(per[p])) for p in props))
for l in lines:
    print("  " + l)
sys.exit(1 if disagree else 0)
EOF
