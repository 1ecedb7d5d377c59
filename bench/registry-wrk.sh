#!/usr/bin/env bash
# Registry load benchmark (issue 10): wrk against a parakhd on 127.0.0.1 over
# TLS, with SQLite and with PostgreSQL. Not a test (not in ctest or CI).
#
#   bench/registry-wrk.sh            # BENCH_CERTS=20000 BENCH_DURATION=15s ...
#
# 1. Fixtures (tests/integration/regkit.py): root and lab keys, the lab's
#    root-signed accreditation, one certificate made by `parakh certify`, a
#    self-signed TLS certificate, the log's key.
# 2. bench/registry/gencerts.py signs BENCH_CERTS distinct certificates with
#    the lab's key (the certify one as template, new ids and subjects).
# 3. Per back end: a fresh database (a SQLite file; a throwaway PostgreSQL
#    cluster from tests/integration/pgcluster.py, Unix socket only, fsync=off),
#    a national and a lab token, parakhd serve, the accreditation POSTed, then
#    (a) submits: bench/registry/submit.lua POSTs each certificate once with
#        the lab token (a thread stops when its share is used up);
#    (b) lookups: bench/registry/lookup.lua GETs /api/v1/certificates?sha256=
#        over the subjects of the certificates (a) stored, and 20% hashes
#        nobody certified.
#    wrk --latency prints the distribution; the RESULT lines (requests/s, p50,
#    p99) are collected in $OUT/results.txt.
# Every wrk run ends by itself (-d); everything listens on 127.0.0.1 only.
# wrk and parakhd share the machine's cores: the figures are for both at once;
# parakhd's own CPU time per request (from /proc) is printed too (with
# PostgreSQL, the database server's CPU is not in it).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
PARAKH=${PARAKH:-$SRC/build/parakh}
PARAKHD=${PARAKHD:-$(dirname "$PARAKH")/parakhd}
OUT=${BENCH_OUT:-$HERE/out}/registry
N=${BENCH_CERTS:-20000}
DUR=${BENCH_DURATION:-15s}
THREADS=${BENCH_THREADS:-2}
CONN=${BENCH_CONNECTIONS:-32}
SUBMIT_CONN=${BENCH_SUBMIT_CONNECTIONS:-16}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
LAB=LAB-BENCH-01

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
# CPU time (user + system, clock ticks) parakhd has used so far: the load on
# this machine varies, CPU per request does less.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
per_req() {  # $1 phase, $2 ticks before, $3 ticks after, $4 wrk output
  local n
  n=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$4")
  awk -v p="$1" -v t=$(($3 - $2)) -v n="${n:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    if (n > 0) printf "RESULT %s parakhd-cpu=%.1fs per-request=%.0fus (%d requests)\n", p, t / hz,
                      1e6 * t / hz / n, n }'
}
say() { printf '== %s\n' "$*" >&2; }

# One back end: $1 = name, $2 = --db value. Runs from the main script and,
# for PostgreSQL, from inside pgcluster's context (the --backend re-entry).
run_backend() {
  local name=$1 db=$2 port pid nat labtok url
  say "$name: tokens, parakhd, accreditation"
  nat=$("$PARAKHD" token create --db "$db" --role national --name "bench national" 2>&1 |
        grep -o 'pkt_[A-Za-z0-9_-]\{43\}' | head -n1)
  labtok=$("$PARAKHD" token create --db "$db" --role lab --lab "$LAB" --name "bench lab" 2>&1 |
           grep -o 'pkt_[A-Za-z0-9_-]\{43\}' | head -n1)
  [ -n "$nat" ] && [ -n "$labtok" ] || die "$name: token create printed no secret"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url=https://127.0.0.1:$port
  "$PARAKHD" serve --db "$db" --listen "127.0.0.1:$port" --tls-cert "$K/tls.pem" \
    --tls-key "$K/tls.key" --root "$K/root.pub" --log-key "$K/log.key" \
    >"$OUT/parakhd-$name.log" 2>&1 &
  pid=$!
  # shellcheck disable=SC2064
  trap "kill $pid 2>/dev/null || true" EXIT
  for _ in $(seq 1 300); do
    curl -skf -o /dev/null "$url/healthz" && break
    kill -0 "$pid" 2>/dev/null || die "$name: parakhd exited: $(tail -n5 "$OUT/parakhd-$name.log")"
    sleep 0.1
  done
  curl -skf -o /dev/null "$url/healthz" || die "$name: parakhd does not answer /healthz"
  code=$(curl -sk -o "$OUT/accr-$name.out" -w '%{http_code}' -H "Authorization: Bearer $nat" \
         -H 'Content-Type: application/json' --data-binary "@$K/accr-$LAB.json" "$url/api/v1/labs")
  [ "$code" = 201 ] || die "$name: accreditation answered $code: $(cat "$OUT/accr-$name.out")"

  say "$name: (a) $N signed submits, $THREADS threads, $SUBMIT_CONN connections, at most $DUR"
  t0=$(ticks "$pid")
  wrk -t"$THREADS" -c"$SUBMIT_CONN" -d"$DUR" --latency -s "$HERE/registry/submit.lua" "$url" \
    -- "$OUT/bodies.txt" "$labtok" "$THREADS" | tee "$OUT/submit-$name.txt"
  per_req submit "$t0" "$(ticks "$pid")" "$OUT/submit-$name.txt" | tee -a "$OUT/submit-$name.txt"
  # the lookups: the first `created` subjects (each thread sends its share in
  # order, so these were submitted), each 4 followed by one nobody certified
  created=$(sed -n 's/^submits: \([0-9]*\) created.*/\1/p' "$OUT/submit-$name.txt")
  [ "${created:-0}" -gt 0 ] || die "$name: no certificate was accepted"
  python3 - "$OUT/hits.txt" "$created" "$OUT/lookups-$name.txt" <<'EOF'
import hashlib, sys
hits = open(sys.argv[1]).read().split()[:int(sys.argv[2])]
with open(sys.argv[3], "w") as f:
    for i, h in enumerate(hits):
        f.write(h + "\n")
        if i % 4 == 3:
            f.write(hashlib.sha256(b"never certified %d" % i).hexdigest() + "\n")
EOF
  say "$name: (b) lookups ($created certified files, 20% misses), $THREADS threads, $CONN connections, $DUR"
  t0=$(ticks "$pid")
  wrk -t"$THREADS" -c"$CONN" -d"$DUR" --latency -s "$HERE/registry/lookup.lua" "$url" \
    -- "$OUT/lookups-$name.txt" | tee "$OUT/lookup-$name.txt"
  per_req lookup "$t0" "$(ticks "$pid")" "$OUT/lookup-$name.txt" | tee -a "$OUT/lookup-$name.txt"
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    printf 'bench: %s: parakhd did not exit within 30 s of SIGTERM; killed\n' "$name" >&2
    kill -KILL "$pid"
  fi
  wait "$pid" || true
  trap - EXIT
  { sed -n "s/^RESULT /$name /p" "$OUT/submit-$name.txt" "$OUT/lookup-$name.txt"
    grep -h '^\(submits\|lookups\):' "$OUT/submit-$name.txt" "$OUT/lookup-$name.txt" |
      sed "s/^/$name   /"; } >>"$OUT/results.txt"
}

if [ "${1:-}" = --backend ]; then  # re-entry from the PostgreSQL wrapper below
  K=$OUT/kit
  run_backend "$2" "$3"
  exit 0
fi

[ -x "$PARAKH" ] || die "no parakh binary at $PARAKH (cmake --build build)"
[ -x "$PARAKHD" ] || die "no parakhd binary at $PARAKHD"
command -v wrk >/dev/null || die "wrk is not installed (Debian package wrk)"
command -v curl >/dev/null || die "curl is not installed"
python3 -c 'import cryptography' 2>/dev/null || die "python3 cryptography is missing"
rm -rf "$OUT"
mkdir -p "$OUT"
K=$OUT/kit

say "fixtures: keys, accreditation, a template certificate, TLS, log key"
PK_CLI=$PARAKH PK_PARAKHD=$PARAKHD PK_SRC=$SRC python3 - "$K" "$LAB" <<'EOF'
import sys, os
sys.path.insert(0, os.path.join(os.environ["PK_SRC"], "tests", "integration"))
import regkit
kit = regkit.Kit(sys.argv[1])
lab = kit.lab(sys.argv[2], name="Benchmark lab")
c = kit.certify(lab, version="1.0", product="Bench", program="bench", out="template.json")
kit.tls()
kit.log_keys()
EOF

say "signing $N certificates"
t0=$SECONDS
python3 "$HERE/registry/gencerts.py" "$K/template.json" "$K/lab-$LAB.key" "$N" \
  "$OUT/bodies.txt" "$OUT/hits.txt"
printf 'signed %s certificates in %d s\n' "$N" $((SECONDS - t0))

: >"$OUT/results.txt"
for b in $BACKENDS; do
  case $b in
    sqlite) run_backend sqlite "$OUT/registry.sqlite" ;;
    postgresql)
      PARAKHD=$PARAKHD PK_SRC=$SRC python3 - "$0" <<'EOF'
import os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["PK_SRC"], "tests", "integration"))
from pgcluster import PgCluster, Unavailable
try:
    with PgCluster() as pg:
        rc = subprocess.run(["bash", sys.argv[1], "--backend", "postgresql", pg.url]).returncode
except Unavailable as e:
    print("bench: PostgreSQL skipped: %s" % e, file=sys.stderr)
    rc = 0
sys.exit(rc)
EOF
      ;;
    *) die "unknown back end $b (sqlite, postgresql)" ;;
  esac
done
say "results ($OUT/results.txt)"
cat "$OUT/results.txt"
