#!/usr/bin/env bash
# Knowledge-base benchmark (issue 5): import time of an ecosystem's worth of
# OSV records and a year's worth of NVD, matching time of a 10,000-component
# SBOM, and the database size. Not a test. Offline: the feeds are the real
# records of ../shared/data, replicated under new ids up to realistic sizes
# (no full OSV dump or NVD year is on this machine; the replication keeps each
# record's shape, ranges and CPE configurations, so parsing and indexing work
# per record is the real one). See bench/README.md.
#
#   bench/vulns.sh          # BENCH_NVD=20000 BENCH_OSV=15000 BENCH_COMPONENTS=10000 BENCH_RUNS=3
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
SHARED=${PK_SHARED:-$SRC/../shared/data}
OUT=${BENCH_OUT:-$HERE/out}/vulns
NVD_N=${BENCH_NVD:-20000}
OSV_N=${BENCH_OSV:-15000}
COMP_N=${BENCH_COMPONENTS:-10000}
RUNS=${BENCH_RUNS:-3}

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH"
[ -d "$SHARED/nvd" ] || die "no shared data at $SHARED"
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$PARAKH" "$OUT/parakh"
P=$OUT/parakh

python3 - "$SHARED" "$OUT" "$NVD_N" "$OSV_N" "$COMP_N" <<'PY'
import copy, glob, io, json, os, re, sys, zipfile
shared, out, nvd_n, osv_n, comp_n = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])

# NVD 1.1: the real items of the two subsets and the osv.dev sample, cycled
items = []
for f in glob.glob(os.path.join(shared, "nvd", "nvdcve-1.1-20*.json")):
    items += json.load(open(f))["CVE_Items"]
import lzma
items += json.loads(lzma.open(os.path.join(shared, "nvd",
                                           "nvdcve-1.1-sample-2022-08-31.json.xz")).read())["CVE_Items"]
def rename_products(node, k):
    """Copies after the first name other products (product_bK): a year of NVD
    is 20,000 CVEs about thousands of products, not 40 copies of each CVE."""
    stack = [node]
    while stack:
        n = stack.pop()
        stack += n.get("children", [])
        for cm in n.get("cpe_match", []):
            parts = re.split(r"(?<!\\):", cm["cpe23Uri"])
            parts[4] += "_b%d" % k
            cm["cpe23Uri"] = ":".join(parts)


year = []
for i in range(nvd_n):
    it = copy.deepcopy(items[i % len(items)])
    it["cve"]["CVE_data_meta"]["ID"] = "CVE-2099-%06d" % i
    k = i // len(items)
    if k:
        for n in it.get("configurations", {}).get("nodes", []):
            rename_products(n, k)
    year.append(it)
json.dump({"CVE_data_type": "CVE", "CVE_data_format": "MITRE", "CVE_data_version": "4.0",
           "CVE_data_numberOfCVEs": str(nvd_n), "CVE_data_timestamp": "2026-11-01T00:00Z",
           "CVE_Items": year}, open(os.path.join(out, "nvdcve-1.1-bench.json"), "w"))

# OSV PyPI: the real PYSEC records, cycled with new ids and package names (a
# zip like osv.dev's per-ecosystem all.zip)
recs = [json.load(open(f)) for f in glob.glob(os.path.join(shared, "osv", "pypi", "*", "*.json"))]
names = []
with zipfile.ZipFile(os.path.join(out, "pypi-all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(osv_n):
        r = copy.deepcopy(recs[i % len(recs)])
        r["id"] = "PYSEC-2099-%d" % i
        r["aliases"] = ["CVE-2098-%06d" % i]
        pkg = "%s-b%d" % (r["affected"][0]["package"]["name"], i // len(recs))
        for a in r.get("affected", []):
            a["package"]["name"] = pkg
        names.append(pkg)
        z.writestr(r["id"] + ".json", json.dumps(r))

# A 10,000-component SBOM: this machine's Debian packages, PyPI packages of
# the bench set (versions inside and outside their ranges), CPE components
comps = []
status = open("/var/lib/dpkg/status", errors="replace").read().split("\n\n")
for para in status:
    f = dict(l.split(": ", 1) for l in para.splitlines() if ": " in l and not l.startswith(" "))
    if "Package" in f and "Version" in f:
        comps.append({"type": "library", "name": f["Package"], "version": f["Version"],
                      "purl": "pkg:deb/debian/%s@%s?distro=debian-12" % (f["Package"], f["Version"])})
# CPE components as version banners find them: real products of the feed,
# one version each; PyPI packages, one in ten at an old (often vulnerable)
# version, the rest at a current one. A lab's SBOM is mostly not vulnerable.
cpes = ["openssl:openssl:3.0.%d", "haxx:curl:7.%d.0", "sqlite:sqlite:3.%d.0",
        "libexpat_project:libexpat:2.%d.0", "busybox:busybox:1.%d.0", "nginx:nginx:1.%d.0"]
i = 0
while len(comps) < comp_n:
    if i % 10 == 0:
        v, p, ver = (cpes[(i // 10) % len(cpes)] % (i % 40)).split(":")
        comps.append({"type": "library", "name": p, "version": ver,
                      "cpe": "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*" % (v, p, ver)})
    else:
        n = names[i % len(names)]
        ver = "0.1" if i % 10 == 1 else "99.0"
        comps.append({"type": "library", "name": n, "version": ver, "purl": "pkg:pypi/%s@%s" % (n, ver)})
    i += 1
for k, c in enumerate(comps):
    c["bom-ref"] = "c%d" % k
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps[:comp_n]},
          open(os.path.join(out, "sbom-10k.cdx.json"), "w"))
print("bench inputs: NVD %d items (%.0f MB), OSV %d records, SBOM %d components" % (
    nvd_n, os.path.getsize(os.path.join(out, "nvdcve-1.1-bench.json")) / 1e6, osv_n, comp_n),
    file=sys.stderr)
PY

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { # prints seconds and peak RSS (KiB) of one run
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/err.txt" ||
    { cat "$OUT/err.txt" >&2; die "failed: $*"; }
  cat "$OUT/time.txt"
}

for what in nvd osv all; do
  case $what in
    nvd) feeds=("$OUT/nvdcve-1.1-bench.json") ;;
    osv) feeds=("$OUT/pypi-all.zip") ;;
    all) feeds=("$OUT/nvdcve-1.1-bench.json" "$OUT/pypi-all.zip" "$SHARED/kev"
                "$SHARED/debian-tracker/DSA/list" "$SHARED/debian-tracker/DLA/list"
                "$SHARED/vendor-advisories/openssl/secjson") ;;
  esac
  : >"$OUT/t.txt"
  for r in $(seq "$RUNS"); do
    rm -f "$OUT/$what.db"
    timed "$P" db import --db "$OUT/$what.db" "${feeds[@]}" >>"$OUT/t.txt"
  done
  t=$(cut -d' ' -f1 "$OUT/t.txt" | median)
  m=$(cut -d' ' -f2 "$OUT/t.txt" | median)
  printf 'import %-4s %8.2f s   peak RSS %6d MiB   db %6.1f MiB\n' "$what" "$t" $((m / 1024)) \
    "$(echo "$(stat -c %s "$OUT/$what.db") / 1048576" | bc -l)"
done

: >"$OUT/t.txt"
for r in $(seq "$RUNS"); do
  timed "$P" vulns --db "$OUT/all.db" --format json -o "$OUT/vulns.json" "$OUT/sbom-10k.cdx.json" >>"$OUT/t.txt"
done
t=$(cut -d' ' -f1 "$OUT/t.txt" | median)
m=$(cut -d' ' -f2 "$OUT/t.txt" | median)
n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['summary']['total'])" "$OUT/vulns.json")
printf 'match %d components: %.2f s   peak RSS %d MiB   %s matches\n' "$COMP_N" "$t" $((m / 1024)) "$n"
