#!/usr/bin/env bash
# Inventory accuracy against dpkg's own answer (issue 4). Not a test: it
# downloads the Debian packages of a minimal root file system (once, with
# apt-get download, into bench/cache/rootfs/) and takes a few minutes.
# Method and figures: docs/accuracy.md.
#
#   bench/accuracy.sh
#
# Environment: PARAKH (binary, default build/parakh), ACC_CACHE
# (bench/cache/rootfs), ACC_OUT (bench/out/accuracy), ACC_EXTRA (more packages).
#
# What it measures (name + version + architecture of each package):
#  1. a debootstrap-style root file system: the dependency closure of Debian 12's
#     required and important packages, unpacked with dpkg-deb, with the dpkg
#     database dpkg itself would write (status paragraphs from each control file,
#     info/<pkg>.list from each data member). Truth: dpkg-query --admindir on it.
#     Scanned as a directory and as a container tarball (rootfs.tar.gz).
#  2. the same .deb files as a directory of packages. Truth: dpkg-deb --field.
#  3. this machine's own /var/lib/dpkg/status. Truth: dpkg-query -W.
# Precision = found and true / found; recall = found and true / true.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
CACHE=${ACC_CACHE:-$HERE/cache/rootfs}
OUT=${ACC_OUT:-$HERE/out/accuracy}
say() { printf '== %s\n' "$*" >&2; }
die() { printf 'accuracy: %s\n' "$*" >&2; exit 1; }

[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH"
for t in dpkg-deb dpkg-query apt-cache apt-get python3; do
  command -v $t >/dev/null || die "$t is needed"
done
mkdir -p "$CACHE" "$OUT"
cp "$PARAKH" "$OUT/parakh"
PARAKH="$OUT/parakh"

# --- the package set: Debian's required + important and their dependency closure
TOP="adduser apt base-files base-passwd bash bsdutils coreutils cpio dash debconf
  debian-archive-keyring debianutils diffutils dpkg e2fsprogs findutils gpgv grep gzip hostname
  init-system-helpers iproute2 less libc-bin login mawk mount ncurses-base ncurses-bin netbase
  passwd perl-base procps sed sensible-utils sysvinit-utils tar tzdata util-linux
  openssl curl openssh-client busybox python3-minimal ${ACC_EXTRA:-}"
if [ ! -s "$CACHE/packages.txt" ]; then
  say "resolving the dependency closure"
  # shellcheck disable=SC2086
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $TOP 2>/dev/null |
    awk '/^[a-z0-9]/ {print $1}' | grep -v ':i386$' | sort -u >"$CACHE/candidates.txt"
  # keep real packages (virtual ones have no candidate version)
  : >"$CACHE/packages.txt"
  while read -r p; do
    v=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$v" ] && [ "$v" != "(none)" ] && echo "$p" >>"$CACHE/packages.txt"
  done <"$CACHE/candidates.txt"
fi
# alternatives of one virtual package (e.g. several awk providers) are all real packages;
# a root file system holds one of each: drop the ones that conflict with the chosen ones
grep -vxE 'gawk|original-awk|busybox-static|systemd-sysv|sysvinit-core|runit-init|openrc|libsystemd-shared|systemd' \
  "$CACHE/packages.txt" >"$OUT/packages.txt" || true
N=$(wc -l <"$OUT/packages.txt")
say "$N packages"
missing=()
while read -r p; do
  compgen -G "$CACHE/debs/${p}_*.deb" >/dev/null || missing+=("$p")
done <"$OUT/packages.txt"
mkdir -p "$CACHE/debs"
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get download ${#missing[@]} packages"
  (cd "$CACHE/debs" && apt-get download "${missing[@]}" >/dev/null 2>&1) ||
    (cd "$CACHE/debs" && for p in "${missing[@]}"; do apt-get download "$p" >/dev/null 2>&1 || echo "skip $p" >&2; done)
fi

# --- 1. the root file system, with the database dpkg would write
ROOT="$OUT/rootfs"
rm -rf "$ROOT" && mkdir -p "$ROOT/var/lib/dpkg/info"
: >"$ROOT/var/lib/dpkg/status"
say "unpacking into $ROOT"
for deb in "$CACHE"/debs/*.deb; do
  pkg=$(dpkg-deb --field "$deb" Package)
  arch=$(dpkg-deb --field "$deb" Architecture)
  grep -qx "$pkg" "$OUT/packages.txt" || continue
  dpkg-deb -x "$deb" "$ROOT"
  # the status paragraph: the control file with dpkg's Status line after Package
  dpkg-deb --field "$deb" | awk '{print} /^Package:/ {print "Status: install ok installed"}' \
    >>"$ROOT/var/lib/dpkg/status"
  echo >>"$ROOT/var/lib/dpkg/status"
  # info/<pkg>[:arch].list: Multi-Arch: same packages carry the architecture
  ma=$(dpkg-deb --field "$deb" Multi-Arch || true)
  list="$pkg"
  [ "$ma" = "same" ] && list="$pkg:$arch"
  dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e 's|^$|/.|' \
    >"$ROOT/var/lib/dpkg/info/$list.list"
done
dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Package}\t${Version}\t${Architecture}\n' |
  sort -u >"$OUT/truth-rootfs.tsv"
say "truth: $(wc -l <"$OUT/truth-rootfs.tsv") packages (dpkg-query)"
tar -C "$OUT" -czf "$OUT/rootfs.tar.gz" rootfs

# --- 2. the .debs as files
for deb in "$CACHE"/debs/*.deb; do
  grep -qx "$(dpkg-deb --field "$deb" Package)" "$OUT/packages.txt" || continue
  dpkg-deb --showformat '${Package}\t${Version}\t${Architecture}\n' --show "$deb"
done | sort -u >"$OUT/truth-debs.tsv"
mkdir -p "$OUT/debs"
# hard links: parakh follows no symlink below a directory input
while read -r p; do cp -lf "$CACHE"/debs/"${p}"_*.deb "$OUT/debs/" 2>/dev/null || true; done <"$OUT/packages.txt"

# --- 3. this machine
dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n' |
  awk -F'\t' '$1 ~ /^ii/ {print $2 "\t" $3 "\t" $4}' | sort -u >"$OUT/truth-system.tsv"

measure() { # name input truth rule
  local name=$1 input=$2 truth=$3 rule=$4
  local rep="$OUT/report-$name.json"
  /usr/bin/time -f '%e s, %M KiB peak RSS' -o "$OUT/time-$name.txt" \
    "$PARAKH" scan -q --format json -o "$rep" "$input"
  python3 - "$rep" "$truth" "$rule" "$name" "$(cat "$OUT/time-$name.txt")" <<'EOF'
import json, sys
rep, truth, rule, name, timing = sys.argv[1:6]
doc = json.load(open(rep))
found = set()
for c in doc["components"]:
    if c["type"] != "deb" or not any(e["rule"] == rule for e in c["evidence"]):
        continue
    found.add((c["name"], c.get("version", ""), c.get("arch", "")))
true = set(tuple(l.rstrip("\n").split("\t")) for l in open(truth) if l.strip())
tp = len(found & true)
p = tp / len(found) if found else 0.0
r = tp / len(true) if true else 0.0
inv = doc["summary"]["inventory"]
print("%-8s truth %5d  found %5d  precision %6.2f%%  recall %6.2f%%  components %d  "
      "dependencies %d  unattributed executables %d  (%s)" %
      (name, len(true), len(found), 100 * p, 100 * r, inv["components"], inv["dependencies"],
       inv["unattributed_executables"], timing))
for x in sorted(found - true)[:10]:
    print("   false positive:", x)
for x in sorted(true - found)[:10]:
    print("   missed:", x)
EOF
}
say "scanning"
measure rootfs "$ROOT" "$OUT/truth-rootfs.tsv" dpkg-status
measure tarball "$OUT/rootfs.tar.gz" "$OUT/truth-rootfs.tsv" dpkg-status
measure debs "$OUT/debs" "$OUT/truth-debs.tsv" deb-control
measure system /var/lib/dpkg/status "$OUT/truth-system.tsv" dpkg-status
