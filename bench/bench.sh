#!/usr/bin/env bash
# parakh throughput and memory benchmark on real Debian packages. Not a test:
# it downloads ~190 MB of .deb files (once, into bench/cache/) and takes a few
# minutes. See bench/README.md for what is measured and how to read it.
#
#   bench/bench.sh                 # everything
#   BENCH_RUNS=1 bench/bench.sh    # one timed run per measurement (default 3, median)
#
# Environment: PARAKH (binary, default build/parakh), BENCH_PKGS (package
# names), BENCH_CACHE (bench/cache), BENCH_OUT (bench/out), BENCH_RUNS (3),
# BENCH_JOBS (parakh -j; default: parakh's, the number of cores),
# BENCH_CHECKSEC_FILES (ELF files given to checksec, default 150),
# BENCH_SKIP_LARGE=1 (no single-tar run).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
CACHE=${BENCH_CACHE:-$HERE/cache}
OUT=${BENCH_OUT:-$HERE/out}
RUNS=${BENCH_RUNS:-3}
CHECKSEC_FILES=${BENCH_CHECKSEC_FILES:-150}
JOBS_OPT=()
[ -n "${BENCH_JOBS:-}" ] && JOBS_OPT=(-j "$BENCH_JOBS")
# Debian 12 names. Small system packages, the toolchain, and a few large
# libraries (LLVM, ICU, Mesa) and Go (many static ELF files) to pass 150 MB.
PKGS=${BENCH_PKGS:-"coreutils bash openssh-client openssh-server curl libcurl4 libssl3 openssl
  nginx-core nginx busybox systemd python3.11-minimal libpython3.11-stdlib libpython3.11 perl-base
  libperl5.36 perl-modules-5.36 gcc-12 cpp-12 libstdc++-12-dev libc6 vim-tiny git gdb
  libllvm14 libclang-cpp14 libicu72 libgl1-mesa-dri golang-1.19-go"}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH (build it: cmake -S . -B build && cmake --build build)"
command -v dpkg-deb >/dev/null || die "dpkg-deb is needed"
command -v python3 >/dev/null || die "python3 is needed"
mkdir -p "$CACHE" "$OUT"
# a private copy: a rebuild during the run must not change the binary measured
cp "$PARAKH" "$OUT/parakh"
PARAKH="$OUT/parakh"
"$PARAKH" version >&2

# --- 1. fetch ---------------------------------------------------------------------
missing=()
for p in $PKGS; do
  compgen -G "$CACHE/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get download ${missing[*]}"
  if ! (cd "$CACHE" && apt-get download "${missing[@]}" >/dev/null); then
    if [ "$(id -u)" -eq 0 ]; then
      say "download failed; apt-get update and retry"
      apt-get update -qq
      (cd "$CACHE" && apt-get download "${missing[@]}" >/dev/null) || die "apt-get download failed"
    else
      die "apt-get download failed (try: sudo apt-get update)"
    fi
  fi
fi
DEBS=("$CACHE"/*.deb)

# --- 2. unpack, list ELF files, one big tar -------------------------------------------
UNP="$OUT/unpacked"
mkdir -p "$UNP"
for d in "${DEBS[@]}"; do
  b=$(basename "$d" .deb)
  if [ ! -e "$UNP/.$b.done" ]; then
    rm -rf "${UNP:?}/$b"
    dpkg-deb -x "$d" "$UNP/$b"
    touch "$UNP/.$b.done"
  fi
done

# --- the measuring helper: wall time, CPU time and peak RSS of one command tree -----------
MEASURE="$OUT/measure.py"
cat >"$MEASURE" <<'PY'
"""measure.py NAME RUNS TSV [--args-from FILE] -- CMD...: runs CMD RUNS times,
appends NAME, median wall s, its CPU s (user+sys, children included), the
largest peak RSS (KiB), the largest sampled anonymous RSS (KiB) and the wall
times to TSV. Peak RSS comes from wait4() on the child, which covers the whole
process tree it waited for; it counts the pages of mapped files too. The
anonymous part (heap, stacks: what the process itself allocated) is sampled
from /proc/PID/status every 20 ms, so a shorter peak can be missed."""
import os, sys, time
name, runs, tsv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rest = sys.argv[4:]
extra = []
if rest[0] == "--args-from":
    with open(rest[1]) as f:
        extra = [l.rstrip("\n") for l in f if l.strip()]
    rest = rest[2:]
assert rest[0] == "--"
cmd = rest[1:] + extra

def anon_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

res = []
for _ in range(runs):
    t = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    anon = 0
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        anon = max(anon, anon_kib(pid))
        time.sleep(0.02)
    wall = time.monotonic() - t
    rc = os.waitstatus_to_exitcode(status)
    if rc not in (0, 1):
        sys.exit("%s: %s exited %d" % (name, cmd[0], rc))
    res.append((wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, anon))
walls = [r[0] for r in res]
med = sorted(res)[len(res) // 2]
rss = max(r[2] for r in res)
anon = max(r[3] for r in res)
with open(tsv, "a") as f:
    f.write("%s\t%.3f\t%.3f\t%d\t%d\t%s\n" % (name, med[0], med[1], rss, anon,
                                              ",".join("%.2f" % w for w in walls)))
print("   %-18s wall %7.2f s (runs: %s)  cpu %7.2f s  peak RSS %7.1f MiB (anon %.1f MiB)" %
      (name, med[0], ", ".join("%.2f" % w for w in walls), med[1], rss / 1024, anon / 1024),
      file=sys.stderr)
PY

say "listing files"
python3 - "$UNP" "$OUT" "$CHECKSEC_FILES" <<'PY'
import os, sys
unp, out, nsample = sys.argv[1], sys.argv[2], int(sys.argv[3])
elfs, nfiles, nbytes = [], 0, 0
for root, dirs, files in os.walk(unp):
    dirs.sort()
    for f in sorted(files):
        p = os.path.join(root, f)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        nfiles += 1
        nbytes += os.path.getsize(p)
        with open(p, "rb") as fh:
            if fh.read(4) == b"\x7fELF":
                elfs.append(p)
with open(os.path.join(out, "elfs.txt"), "w") as f:
    f.write("".join(p + "\n" for p in elfs))
# an even spread over the sorted list, so every package is represented
step = max(1, len(elfs) / max(1, nsample))
sample = [elfs[int(i * step)] for i in range(min(nsample, len(elfs)))]
with open(os.path.join(out, "elf-sample.txt"), "w") as f:
    f.write("".join(p + "\n" for p in sample))
with open(os.path.join(out, "sizes.txt"), "w") as f:
    f.write("unpacked_files %d\nunpacked_bytes %d\nelf_files %d\nelf_bytes %d\n"
            "sample_files %d\nsample_bytes %d\n" %
            (nfiles, nbytes, len(elfs), sum(os.path.getsize(p) for p in elfs),
             len(sample), sum(os.path.getsize(p) for p in sample)))
PY
deb_bytes=$(cat "${DEBS[@]}" | wc -c)
echo "deb_files ${#DEBS[@]}" >>"$OUT/sizes.txt"
echo "deb_bytes $deb_bytes" >>"$OUT/sizes.txt"

if [ -e "$OUT/all.tar" ] && [ -n "$(find "$UNP" -maxdepth 1 -name '.*.done' -newer "$OUT/all.tar")" ]; then
  rm -f "$OUT/all.tar"  # a package was added since
fi
if [ "${BENCH_SKIP_LARGE:-0}" != 1 ] && [ ! -e "$OUT/all.tar" ]; then
  say "one tar of all unpacked trees"
  tar -cf "$OUT/all.tar.part" -C "$UNP" --exclude='.*.done' .
  mv "$OUT/all.tar.part" "$OUT/all.tar"
fi
largest=$(ls -S "${DEBS[@]}" | head -1)
echo "largest_deb $(basename "$largest") $(stat -c %s "$largest")" >>"$OUT/sizes.txt"
[ -e "$OUT/all.tar" ] && echo "alltar_bytes $(stat -c %s "$OUT/all.tar")" >>"$OUT/sizes.txt"

# --- 3. measure -----------------------------------------------------------------------------
TSV="$OUT/results.tsv"
: >"$TSV"
m() { python3 "$MEASURE" "$1" "$RUNS" "$TSV" "${@:2}"; }
SCAN=("$PARAKH" scan --format json -o /dev/null -q "${JOBS_OPT[@]}")

say "warming the page cache"
cat "${DEBS[@]}" >/dev/null
find "$UNP" -type f -print0 | xargs -0 cat >/dev/null
[ -e "$OUT/all.tar" ] && cat "$OUT/all.tar" >/dev/null

say "measuring ($RUNS runs each, median)"
m cat_debs -- bash -c 'cat "$@" >/dev/null' _ "${DEBS[@]}"
m parakh_debs -- "${SCAN[@]}" "$CACHE"
m cat_unpacked -- bash -c 'find "$1" -type f -print0 | xargs -0 cat >/dev/null' _ "$UNP"
m parakh_unpacked -- "${SCAN[@]}" "$UNP"
if command -v checksec >/dev/null; then
  # checksec is a shell script (~1 s of CPU per file): a sample, the same files for both
  m checksec_sample --args-from /dev/null -- checksec --output=json --listfile="$OUT/elf-sample.txt"
  m parakh_sample --args-from "$OUT/elf-sample.txt" -- "${SCAN[@]}"
else
  say "checksec not installed: no checksec comparison"
fi
m parakh_largest_deb -- "${SCAN[@]}" "$largest"
[ -e "$OUT/all.tar" ] && m parakh_all_tar -- "${SCAN[@]}" "$OUT/all.tar"

say "one more parakh run over the .debs for the report's counts"
"$PARAKH" scan --format json -q "${JOBS_OPT[@]}" -o "$OUT/report-debs.json" "$CACHE" || true

# --- 4. summary --------------------------------------------------------------------------------
python3 - "$OUT" <<'PY' | tee "$OUT/summary.txt"
import json, os, sys
out = sys.argv[1]
sz = {}
for line in open(os.path.join(out, "sizes.txt")):
    k, *v = line.split()
    sz[k] = v[-1]
r = {}
for line in open(os.path.join(out, "results.tsv")):
    name, wall, cpu, rss, anon, _ = line.rstrip("\n").split("\t")
    r[name] = (float(wall), float(cpu), int(rss), int(anon))
rep = json.load(open(os.path.join(out, "report-debs.json")))
s = rep["summary"]
MB = 1e6
def rate(name, nbytes):
    return int(nbytes) / MB / r[name][0] if name in r else float("nan")
def row(name, nbytes, what):
    if name not in r:
        return
    w, c, rss, anon = r[name]
    print("%-18s %7.2f s wall %7.2f s cpu %7.1f MB/s %6.1f MiB RSS (%6.1f anon)  %s" %
          (name, w, c, rate(name, nbytes), rss / 1024, anon / 1024, what))
print("inputs: %s .deb files, %.1f MB; unpacked: %s files, %.1f MB, %s ELF files (%.1f MB)" %
      (sz["deb_files"], int(sz["deb_bytes"]) / MB, sz["unpacked_files"],
       int(sz["unpacked_bytes"]) / MB, sz["elf_files"], int(sz["elf_bytes"]) / MB))
print("parakh over the .debs: %d files in the report (%d entries), %.1f MB analysed, "
      "%.1f MB unpacked, findings %s, jobs %d" %
      (s["files"], s["entries"], s["bytes_scanned"] / MB, s["bytes_unpacked"] / MB,
       s["findings"], rep["scan"]["jobs"]))
print()
row("cat_debs", sz["deb_bytes"], "cat of the .deb bytes")
row("parakh_debs", sz["deb_bytes"], "parakh scan bench/cache/ (MB/s of .deb bytes)")
row("cat_unpacked", sz["unpacked_bytes"], "cat of every unpacked file")
row("parakh_unpacked", sz["unpacked_bytes"], "parakh scan of the unpacked trees")
row("checksec_sample", sz["sample_bytes"], "checksec --listfile, %s ELF files" % sz["sample_files"])
row("parakh_sample", sz["sample_bytes"], "parakh scan of the same %s ELF files" % sz["sample_files"])
row("parakh_largest_deb", sz["largest_deb"], "parakh scan of the largest .deb")
if "alltar_bytes" in sz:
    row("parakh_all_tar", sz["alltar_bytes"], "parakh scan of one tar of all unpacked trees")
print()
def ratio(a, b, what):
    if a in r and b in r:
        print("%-44s %8.3fx wall  %8.3fx cpu" % (what, r[a][0] / r[b][0],
                                                  r[a][1] / max(r[b][1], 1e-3)))
ratio("parakh_debs", "cat_debs", "parakh(.debs) / cat(.debs)")
ratio("parakh_debs", "cat_unpacked", "parakh(.debs) / cat(unpacked bytes)")
ratio("parakh_unpacked", "cat_unpacked", "parakh(unpacked) / cat(unpacked)")
ratio("parakh_sample", "checksec_sample", "parakh / checksec (same ELF files)")
ratio("checksec_sample", "parakh_sample", "checksec / parakh (same ELF files)")
if "parakh_debs" in r:
    print("%-44s %6.1f MB/s" % ("parakh analysed bytes per second (.debs)",
                               s["bytes_scanned"] / MB / r["parakh_debs"][0]))
peak = max(v[2] for k, v in r.items() if k.startswith("parakh"))
anon = max(v[3] for k, v in r.items() if k.startswith("parakh"))
print("%-44s %6.1f MiB (anonymous: %.1f MiB)" % ("parakh peak RSS (any run)", peak / 1024,
                                                 anon / 1024))
PY
say "results in $OUT/summary.txt and $OUT/results.tsv"
