#!/usr/bin/env bash
# Accuracy of the crypto analyzer's algorithm constants on real Debian 12
# crypto libraries and tools, and on a set of packages with no cryptography,
# against the algorithms their documentation lists (bench/crypto-expected.tsv);
# and YARA's public crypto rules on the same files. Not a test: it downloads
# ~25 packages once (apt-get download, into bench/cache/) and then runs
# offline. Method and figures: docs/crypto-accuracy.md.
#
#   bench/crypto-accuracy.sh
#
# Environment: PARAKH (binary, default build/parakh), CACC_CACHE (bench/cache),
# CACC_OUT (bench/out/crypto-accuracy), CACC_JOBS (threads for both tools,
# default 2), YARA_RULES (directory with crypto_signatures.yar and
# findcrypt3.rules; default $PK_SHARED/yara-rules or ../shared/yara-rules).
# Needs apt-get (first run), dpkg-deb, python3, /usr/bin/time; yara optional.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
CACHE=${CACC_CACHE:-$HERE/cache}
OUT=${CACC_OUT:-$HERE/out/crypto-accuracy}
JOBS=${CACC_JOBS:-2}
SHARED=${PK_SHARED:-$(dirname "$SRC")/shared}
YARA_RULES=${YARA_RULES:-$SHARED/yara-rules}
say() { printf '== %s\n' "$*" >&2; }
die() { printf 'crypto-accuracy: %s\n' "$*" >&2; exit 1; }

[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH"
for t in dpkg-deb python3 /usr/bin/time; do command -v $t >/dev/null || die "$t is needed"; done

CRYPTO="libssl3 libgcrypt20 libgnutls30 libnettle8 libhogweed6 libsodium23 libmbedcrypto7
  libwolfssl35 libnss3 openssh-client openssh-server gpg libcrypt1 cryptsetup-bin libcryptsetup12"
PLAIN="coreutils grep sed tar gzip bzip2 xz-utils findutils diffutils bash zlib1g"

# --- fetch once; later runs use the cache only
mkdir -p "$CACHE" "$OUT"
missing=()
for p in $CRYPTO $PLAIN; do
  compgen -G "$CACHE/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "not cached and no apt-get: ${missing[*]}"
  say "apt-get download ${missing[*]}"
  (cd "$CACHE" && apt-get download "${missing[@]}" >/dev/null 2>&1) ||
    die "apt-get download failed (package names are Debian 12's)"
fi

# --- unpack each package into its own tree
UNP="$OUT/unpacked"
rm -rf "$UNP" "$OUT/parakh" "$OUT/yara" && mkdir -p "$UNP" "$OUT/parakh" "$OUT/yara"
for p in $CRYPTO $PLAIN; do
  # several cached versions (a later download after an update): the newest
  mapfile -t debs < <(printf '%s\n' "$CACHE/${p}"_*.deb | sort -V -r)
  mkdir -p "$UNP/$p"
  dpkg-deb -x "${debs[0]}" "$UNP/$p"
  # shellcheck disable=SC2016 # dpkg's own ${field} syntax
  dpkg-deb --show --showformat '${Package}\t${Version}\n' "${debs[0]}" >>"$OUT/versions.tsv.tmp"
done
sort -u "$OUT/versions.tsv.tmp" >"$OUT/versions.tsv" && rm -f "$OUT/versions.tsv.tmp"
find "$UNP" -type f -exec cat {} + >/dev/null # warm the page cache for both tools

# --- parakh, then yara, on each package tree, one after the other
TIMEF='%e %U %S %M'
yara_ok=1
command -v yara >/dev/null || { yara_ok=0; say "yara not installed: comparison skipped"; }
YSETS="crypto_signatures.yar findcrypt3.rules"
for p in $CRYPTO $PLAIN; do
  say "$p"
  /usr/bin/time -f "$TIMEF" -o "$OUT/parakh/$p.time" \
    "$PARAKH" scan -q -j "$JOBS" --format json -o "$OUT/parakh/$p.json" "$UNP/$p" || true
  [ $yara_ok -eq 1 ] || continue
  for y in $YSETS; do
    [ -f "$YARA_RULES/$y" ] || { say "no $YARA_RULES/$y"; continue; }
    # -s: the matched strings (offsets, and which curve ecc_order saw); -N: no
    # symlinks, as parakh below a directory; -w: no warnings (slow-rule notes)
    /usr/bin/time -f "$TIMEF" -o "$OUT/yara/$y.$p.time" \
      yara -w -s -N -r -p "$JOBS" "$YARA_RULES/$y" "$UNP/$p" \
      >"$OUT/yara/$y.$p.txt" 2>"$OUT/yara/$y.$p.err" || echo "exit $?" >>"$OUT/yara/$y.$p.err"
  done
done

# --- the same, all trees in one run of each tool, and each tool's start-up
# (parakh compiles its pattern database; yara compiles its rules) on an empty file
say "all trees in one run"
: >"$OUT/empty"
for p in all empty; do
  in="$UNP"
  [ $p = empty ] && in="$OUT/empty"
  /usr/bin/time -f "$TIMEF" -o "$OUT/parakh/_$p.time" \
    "$PARAKH" scan -q -j "$JOBS" --format json -o "$OUT/parakh/_$p.json" "$in" || true
  [ $yara_ok -eq 1 ] || continue
  for y in $YSETS; do
    [ -f "$YARA_RULES/$y" ] || continue
    /usr/bin/time -f "$TIMEF" -o "$OUT/yara/$y._$p.time" \
      yara -w -s -N -r -p "$JOBS" "$YARA_RULES/$y" "$in" >/dev/null 2>&1 || true
  done
done

python3 "$HERE/crypto_accuracy.py" --out "$OUT" --expected "$HERE/crypto-expected.tsv" \
  --verdicts "$HERE/crypto-verdicts.tsv" --packages "$CRYPTO" --plain "$PLAIN" |
  tee "$OUT/summary.md"
