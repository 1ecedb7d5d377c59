#!/usr/bin/env bash
# Accuracy of the keys analyzer: every PEM block (by label), every private key
# (with openssl's verdict on it) and every DER certificate or private key
# compiled into a binary, counted independently of parakh, against parakh's
# PK-KEY-0001/0002/0005 findings (issue 6). Not a test; offline. Method and
# figures: docs/crypto-accuracy.md.
#
#   bench/keys-accuracy.sh
#
# Inputs (each skipped when absent): the Debian root file system of
# bench/accuracy.sh (bench/out/accuracy/rootfs: run that first), this
# machine's /etc/ssl and /usr/share/ca-certificates, the packages unpacked by
# bench/crypto-accuracy.sh, /usr/bin/openssl and /usr/bin/node.
# Environment: PARAKH (default build/parakh), KACC_OUT (bench/out/keys-accuracy),
# KACC_JOBS (2). Needs python3 with the cryptography package, openssl, ssh-keygen.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
OUT=${KACC_OUT:-$HERE/out/keys-accuracy}
[ -x "$PARAKH" ] || { echo "keys-accuracy: no parakh binary at $PARAKH" >&2; exit 1; }
for t in python3 openssl ssh-keygen; do
  command -v $t >/dev/null || { echo "keys-accuracy: $t is needed" >&2; exit 1; }
done
mkdir -p "$OUT"
python3 "$HERE/keys_accuracy.py" --parakh "$PARAKH" --jobs "${KACC_JOBS:-2}" --out "$OUT" \
  "rootfs=$HERE/out/accuracy/rootfs" \
  "etc-ssl=/etc/ssl" \
  "ca-certificates=/usr/share/ca-certificates" \
  "crypto-packages=$HERE/out/crypto-accuracy/unpacked" \
  "openssl=/usr/bin/openssl" \
  "node=/usr/bin/node" | tee "$OUT/summary.md"
