#!/usr/bin/env bash
# The main job on a real input, from a fresh Debian 12 machine: installs the
# dependencies, builds parakh, fetches two real Debian packages with apt-get
# (cached in bench/cache), and scans them: a text summary on the terminal, the
# full JSON evidence in parakh-demo.json, and the SBOM (CycloneDX 1.6 and SPDX
# 2.3) of what is inside in parakh-demo.cdx.json and parakh-demo.spdx.json, and
# the cryptography inventory (CycloneDX 1.6 CBOM) in parakh-demo.cbom.json.
# When the lab's feed copies are at ../shared/data (OSV, NVD, KEV, CSAF,
# OpenSSL/curl, Debian DSA/DLA lists), they are imported into parakh-demo.db
# and the SBOM is checked for known vulnerabilities; with the NIST CMVP list, the
# CBOM names the FIPS 140 certificates of the crypto libraries found. Last, the
# decision under pss-baseline as HTML, PDF and Markdown (parakh assess).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

mkdir -p bench/cache/demo
if ! ls bench/cache/demo/*.deb >/dev/null 2>&1; then
  (cd bench/cache/demo && apt-get download openssh-client curl)
fi
./build/parakh scan --format json -o parakh-demo.json bench/cache/demo/
./build/parakh scan bench/cache/demo/
./build/parakh sbom -q -o parakh-demo.cdx.json bench/cache/demo/
./build/parakh sbom -q --format spdx -o parakh-demo.spdx.json bench/cache/demo/
./build/parakh scan -q --format cbom -o parakh-demo.cbom.json bench/cache/demo/
echo "full evidence: parakh-demo.json; SBOM: parakh-demo.cdx.json, parakh-demo.spdx.json;"
echo "CBOM: parakh-demo.cbom.json"

D=../shared/data
if [ -d "$D/kev" ] && [ -d "$D/debian-tracker" ]; then
  rm -f parakh-demo.db
  ./build/parakh db import --db parakh-demo.db "$D/kev" "$D/nvd" "$D/vendor-advisories" \
    "$D/osv/pypi" "$D/osv/ghsa-conversions" "$D/osv/redhat" "$D/osv/debian" \
    "$D/osv/nodejs-security-wg/vuln" "$D/debian-tracker" "$D/standards-examples/csaf/redhat" \
    "$D/crypto-policy/nist-cmvp"
  ./build/parakh db status --db parakh-demo.db
  ./build/parakh vulns --db parakh-demo.db parakh-demo.cdx.json
  ./build/parakh scan -q --db parakh-demo.db --format cbom -o parakh-demo.cbom.json \
    bench/cache/demo/
  echo "vulnerability database: parakh-demo.db (parakh db status --db parakh-demo.db)"
fi

# The decision for the procurement committee: verdict, score, reasons, vendor
# questions, as one HTML page and its PDF (exit 0 APPROVE, 4 CONDITIONS, 1 REJECT).
DB=()
if [ -f parakh-demo.db ]; then DB=(--db parakh-demo.db); fi
rc=0
./build/parakh assess -q "${DB[@]}" --profile pss-baseline --html parakh-demo.html \
  --pdf parakh-demo.pdf --markdown parakh-demo.md --questions parakh-demo-questions.md \
  -o parakh-demo-assessment.json bench/cache/demo/ || rc=$?
case $rc in
  0 | 1 | 4) echo "assessment: parakh-demo.html, parakh-demo.pdf, parakh-demo.md (exit $rc: the verdict)" ;;
  *) exit "$rc" ;;
esac
