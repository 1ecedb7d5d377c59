#!/usr/bin/env bash
# False positives of the hidden-access analyzers (issue 7) on clean Debian:
# a Debian 12 root file system (mmdebstrap --variant=standard, built once into
# bench/cache/) and the real packages bench/bench.sh downloads (bench/cache/*.deb).
# Not a test (minutes, a download the first time). Method and figures:
# docs/accuracy.md, "Hidden access".
#
#   bench/hidden-access-fp.sh
#
# Environment: PARAKH (binary, default build/parakh), HA_OUT (bench/out/hidden-access).
# Prints findings per 10,000 files for each rule of the secrets, keys,
# capabilities, accounts, endpoints, signing and country analyzers, and writes
# every finding of medium severity or worse to review.tsv for a by-hand verdict.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
CACHE=$HERE/cache
OUT=${HA_OUT:-$HERE/out/hidden-access}
say() { printf '== %s\n' "$*" >&2; }
die() { printf 'hidden-access-fp: %s\n' "$*" >&2; exit 1; }

[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH"
command -v python3 >/dev/null || die "python3 is needed"
mkdir -p "$CACHE" "$OUT"

ROOTFS=$CACHE/debian12-standard.tar
if [ ! -s "$ROOTFS" ]; then
  command -v mmdebstrap >/dev/null || die "mmdebstrap is needed (scripts/install-deps.sh)"
  say "building a Debian 12 standard root file system with mmdebstrap (once)"
  mmdebstrap --variant=standard --mode=root bookworm "$ROOTFS.part" >"$OUT/mmdebstrap.log" 2>&1 ||
    mmdebstrap --variant=standard --mode=unshare bookworm "$ROOTFS.part" >>"$OUT/mmdebstrap.log" 2>&1 ||
    die "mmdebstrap failed: $OUT/mmdebstrap.log"
  mv "$ROOTFS.part" "$ROOTFS"
fi
ls "$CACHE"/*.deb >/dev/null 2>&1 || say "no .deb in $CACHE (run bench/bench.sh once): packages part skipped"

scan() { # name, paths...
  local name=$1
  shift
  say "scanning $name"
  "$PARAKH" scan -q --format json -o "$OUT/$name.json" "$@" || [ $? -eq 1 ]
}
scan rootfs "$ROOTFS"
if ls "$CACHE"/*.deb >/dev/null 2>&1; then
  mkdir -p "$OUT/debs" && ln -sf "$CACHE"/*.deb "$OUT/debs/"
  scan debs "$OUT/debs"
fi

python3 - "$OUT" <<'PY'
import collections, json, os, sys
out = sys.argv[1]
PREFIXES = ("PK-SEC-", "PK-KEY-0001", "PK-CAP-", "PK-ACC-", "PK-END-", "PK-GEO-", "PK-SIG-",
            "PK-PE-00", "PK-YAR-")
SEV = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
review = open(os.path.join(out, "review.tsv"), "w")
review.write("set\trule\tseverity\tpath\toffset\tmessage\tverdict\n")
for name in ("rootfs", "debs"):
    p = os.path.join(out, name + ".json")
    if not os.path.exists(p):
        continue
    r = json.load(open(p))
    files = [f for f in r.get("files", []) if f.get("kind") == "file"]
    n = len(files)
    c = collections.Counter()
    for f in r.get("findings", []):
        rid = f["rule_id"]
        if not rid.startswith(PREFIXES):
            continue
        c[(rid, f.get("severity"))] += 1
        if SEV.get(f.get("severity"), 0) >= 2:
            review.write("\t".join([name, rid, f.get("severity", ""), f.get("vpath", ""),
                                    str(f.get("offset", "")),
                                    (f.get("message") or "").replace("\t", " ")[:200], ""]) + "\n")
    print(f"## {name}: {n} files")
    print("| rule | severity | findings | per 10,000 files |")
    print("|---|---|---|---|")
    for (rid, sev), k in sorted(c.items()):
        print(f"| {rid} | {sev} | {k} | {k * 10000 / max(n, 1):.1f} |")
    print()
review.close()
print(f"every finding of medium severity or worse: {out}/review.tsv")
PY
