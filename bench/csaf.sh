#!/usr/bin/env bash
# Advisory benchmark (issue 11): `parakh advisory check` (reader, JSON Schema,
# the 43 mandatory tests) on the real Red Hat CSAF documents of ../shared/data,
# and `parakh advisory affected --sbom` (one private knowledge base per
# advisory, then the vulnerability matcher) against a generated CycloneDX SBOM
# of BENCH_COMPONENTS components, one of them git-lfs below Red Hat's fix.
# Best of BENCH_RUNS wall times and the peak RSS. Not a test. See bench/README.md.
#
#   bench/csaf.sh          # BENCH_COMPONENTS=2000 BENCH_RUNS=3 PARAKH=build/parakh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
SHARED=${PK_SHARED:-$SRC/../shared/data}
OUT=${BENCH_OUT:-$HERE/out}/csaf
COMP_N=${BENCH_COMPONENTS:-2000}
RUNS=${BENCH_RUNS:-3}
RH=$SHARED/standards-examples/csaf/redhat

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH"
[ -d "$RH" ] || die "no Red Hat CSAF documents at $RH"
rm -rf "$OUT"
mkdir -p "$OUT"

python3 - "$COMP_N" "$OUT/sbom.cdx.json" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
comps = [{"type": "application", "bom-ref": "git-lfs", "name": "git-lfs",
          "version": "2.13.3-2.el8",
          "purl": "pkg:rpm/redhat/git-lfs@2.13.3-2.el8?arch=x86_64&distro=redhat-8"}]
comps += [{"type": "library", "bom-ref": "c%d" % i, "name": "lib%d" % i,
           "version": "1.%d.0" % i, "purl": "pkg:npm/lib%d@1.%d.0" % (i, i)} for i in range(n - 1)]
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps},
          open(out, "w"))
PY

# best wall time and peak RSS of RUNS runs of "$@" (exit codes 0, 4 "affected"
# and 20 "invalid": rhsa-2003_315's revision history is out of order, are answers)
measure() {
    local best="" rss=0 t m
    for _ in $(seq "$RUNS"); do
        local rc=0
        /usr/bin/time -f '%e %M' -o "$OUT/time" "$@" > /dev/null 2>&1 || rc=$?
        case $rc in 0 | 4 | 20) ;; *) die "exit $rc: $*" ;; esac
        read -r t m < <(tail -n 1 "$OUT/time")
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    printf '%s s  %s MB' "$best" "$((rss / 1024))"
}

printf '%-28s %10s  %-22s %s\n' document bytes check "affected ($COMP_N components)"
for f in "$RH"/*.json; do
    printf '%-28s %10s  %-22s %s\n' "$(basename "$f")" "$(stat -c %s "$f")" \
        "$(measure "$PARAKH" advisory check "$f")" \
        "$(measure "$PARAKH" advisory affected "$f" --sbom "$OUT/sbom.cdx.json")"
done
