#!/usr/bin/env bash
# Side by side with cdxgen (npm @cyclonedx/cdxgen, pinned below) on the root
# file system bench/accuracy.sh builds: components found by each, by purl type,
# the deb packages both agree on, time and peak memory. Not a test. Needs node
# and npm; cdxgen is installed once into bench/cache/cdxgen.
#
#   bench/accuracy.sh && bench/cdxgen-compare.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
CDXGEN_VERSION=12.8.4
CACHE=$HERE/cache/cdxgen
OUT=${ACC_OUT:-$HERE/out/accuracy}
ROOT=${CMP_ROOT:-$OUT/rootfs}
die() { printf 'cdxgen-compare: %s\n' "$*" >&2; exit 1; }

[ -d "$ROOT/var/lib/dpkg" ] || die "no root file system at $ROOT (run bench/accuracy.sh first)"
command -v npm >/dev/null || die "npm is needed"
if [ ! -x "$CACHE/node_modules/.bin/cdxgen" ]; then
  mkdir -p "$CACHE"
  (cd "$CACHE" && npm install --no-audit --no-fund --ignore-scripts "@cyclonedx/cdxgen@$CDXGEN_VERSION" >/dev/null)
fi
CDXGEN=$CACHE/node_modules/.bin/cdxgen

# parakh: the whole job (unpack nothing here; read everything once)
/usr/bin/time -f '%e %M' -o "$OUT/time-parakh.txt" \
  "$PARAKH" sbom -q --reproducible -o "$OUT/parakh.cdx.json" "$ROOT"
# cdxgen: its root file system mode (trivy underneath, from its plugins package);
# no network: licence fetching off
/usr/bin/time -f '%e %M' -o "$OUT/time-cdxgen.txt" env FETCH_LICENSE=false CDXGEN_DEBUG_MODE= \
  "$CDXGEN" -t rootfs --deep --no-install-deps -o "$OUT/cdxgen.cdx.json" "$ROOT" \
  >"$OUT/cdxgen.log" 2>&1 || echo "cdxgen exited non-zero; see $OUT/cdxgen.log" >&2

python3 - "$OUT" <<'EOF'
import collections, json, os, sys
out = sys.argv[1]

def load(name):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return []
    doc = json.load(open(p))
    comps, stack = [], list(doc.get("components", []))
    while stack:
        c = stack.pop()
        comps.append(c)
        stack.extend(c.get("components", []))
    return comps

def ptype(c):
    p = c.get("purl", "")
    return p[4:].split("/", 1)[0] if p.startswith("pkg:") else "(no purl: %s)" % c.get("type")

def timing(name):
    s, kb = open(os.path.join(out, "time-%s.txt" % name)).read().split()[-2:]
    return float(s), int(kb) / 1024

P, C = load("parakh.cdx.json"), load("cdxgen.cdx.json")
for name, comps in (("parakh", P), ("cdxgen", C)):
    t, mb = timing(name)
    by = collections.Counter(ptype(c) for c in comps)
    print("%-7s %5d components in %6.1f s, peak RSS %6.1f MiB; by purl type: %s" %
          (name, len(comps), t, mb, dict(sorted(by.items()))))
deb = lambda cs: {(c["name"], c.get("version", "")) for c in cs if ptype(c) == "deb"}
dp, dc = deb(P), deb(C)
print("deb packages: parakh %d, cdxgen %d, both %d, only parakh %d, only cdxgen %d" %
      (len(dp), len(dc), len(dp & dc), len(dp - dc), len(dc - dp)))
for x in sorted(dc - dp)[:10]:
    print("  only cdxgen:", x)
for x in sorted(dp - dc)[:10]:
    print("  only parakh:", x)
un = [c for c in P if any(p.get("name") == "parakh:unattributed" for p in c.get("properties", []))]
print("parakh: %d files nobody claims; binary signatures: %d" %
      (len(un), sum(1 for c in P if ptype(c) == "generic" and c.get("type") == "library")))
EOF
