#!/usr/bin/env bash
# Side by side with debsecan (Debian's own vulnerability checker for installed
# packages) on one bullseye-era dpkg status file: the (package, CVE) pairs
# each reports, and every difference sorted into a category. Not a test.
# Results and method: docs/vulndb/debsecan-compare.md.
#
#   cmake -S . -B build && cmake --build build --target parakh-cli
#   bench/debsecan-compare.sh            (PARAKH=path/to/parakh to choose)
#
# Offline: debsecan's data (normally downloaded from security-tracker.debian.org)
# is made from the same DSA/DLA lists parakh imports, by bench/debsecan_feed.py,
# and given to debsecan as a file:// URL. The status file is this machine's
# /var/lib/dpkg/status (STATUS_BASE to choose another) with ~40 source packages
# set to bullseye versions below, at, between and above their DSA fixes.
# Needs debsecan (apt-get, installed here when missing) and python3-apt.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
DATA=${PK_SHARED:-/work/shared/data}/debian-tracker
SUITE=bullseye
STATUS_BASE=${STATUS_BASE:-/var/lib/dpkg/status}
CACHE=$HERE/cache/debsecan
OUT=${DEBSECAN_OUT:-$HERE/out/debsecan}
PY=/usr/bin/python3 # the system one: python3-apt lives there
die() { printf 'debsecan-compare: %s\n' "$*" >&2; exit 1; }

[ -x "$PARAKH" ] || die "no parakh at $PARAKH (build it, or set PARAKH)"
for l in DSA DLA; do [ -f "$DATA/$l/list" ] || die "no $l/list under $DATA"; done
[ -r "$STATUS_BASE" ] || die "cannot read $STATUS_BASE"
if ! command -v debsecan >/dev/null; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends debsecan python3-apt >/dev/null
fi
"$PY" -c 'import apt_pkg' 2>/dev/null || die "python3-apt is needed (apt-get install python3-apt)"

rm -rf "$CACHE" # made again each run (seconds); $OUT files are overwritten
mkdir -p "$OUT" "$CACHE/feed" "$CACHE/rootfs/var/lib/dpkg"
LISTS="$DATA/DSA/list,$DATA/DLA/list"

# 1. the inputs: debsecan's feed and the status file (in a root file system)
"$PY" "$HERE/debsecan_feed.py" feed "$SUITE" "$CACHE/feed/$SUITE" "$DATA/DSA/list" "$DATA/DLA/list"
STATUS=$CACHE/rootfs/var/lib/dpkg/status
"$PY" "$HERE/debsecan_feed.py" status "$STATUS_BASE" "$STATUS"
tar -C "$CACHE/rootfs" --owner=0 --group=0 --mtime=@0 --sort=name -cf "$CACHE/rootfs.tar" .

# 2. parakh: the same lists into a fresh database; an SBOM of the tar, then
# its vulnerabilities; and a direct scan of the tar, which must agree
DB=$CACHE/parakh.db
"$PARAKH" db import --db "$DB" "$DATA/DSA/list" "$DATA/DLA/list" >"$OUT/parakh-import.txt"
"$PARAKH" sbom -q --reproducible -o "$OUT/rootfs.cdx.json" "$CACHE/rootfs.tar"
rc=0
"$PARAKH" vulns --db "$DB" --format json -o "$OUT/parakh-vulns.json" "$OUT/rootfs.cdx.json" || rc=$?
[ "$rc" -le 1 ] || die "parakh vulns failed ($rc)"
rc=0
"$PARAKH" scan -q --db "$DB" --format json -o "$OUT/parakh-scan.json" "$CACHE/rootfs.tar" || rc=$?
[ "$rc" -le 1 ] || die "parakh scan failed ($rc)"

# 3. debsecan on the same status file; no config, whitelist or history of
# this machine (paths that do not exist)
NOFILE=$CACHE/none
for fmt in detail report; do
  debsecan --config "$NOFILE" --whitelist "$NOFILE" --history "$NOFILE" \
    --suite "$SUITE" --source "file://$CACHE/feed/" --status "$STATUS" \
    --format "$fmt" >"$OUT/debsecan-$fmt.txt"
done

# 4. the comparison
"$PY" "$HERE/debsecan_feed.py" compare --suite "$SUITE" --status "$STATUS" --lists "$LISTS" \
  --parakh "$OUT/parakh-vulns.json" --parakh-scan "$OUT/parakh-scan.json" \
  --debsecan "$OUT/debsecan-detail.txt" --out "$OUT/summary.txt"
echo "debsecan-compare: results in $OUT"
