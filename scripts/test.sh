#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: installs the build and test
# dependencies, builds and runs ctest; builds again under AddressSanitizer and
# UBSan and runs ctest there; then the style checks. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPK_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under ASan + UBSan"
PK_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 1800

echo "== style"
bash scripts/pkcheck
