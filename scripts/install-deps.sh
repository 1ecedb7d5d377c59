#!/usr/bin/env bash
# Installs everything parakh needs to build, test, fuzz and benchmark on Debian 12.
# Idempotent; run as root (or with sudo available). Only Debian packages are fetched.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Build: compiler, CMake, the libraries parakh links against.
BUILD_PKGS="build-essential cmake pkg-config clang clang-format
  libarchive-dev libvectorscan-dev libsquashfs-dev libgsf-1-dev
  libssl-dev libjansson-dev libcmocka-dev libpcre2-dev libsqlite3-dev zlib1g-dev
  libpsl-dev publicsuffix libmaxminddb-dev libcrypt-dev libgpgme-dev libyaml-dev
  libmicrohttpd-dev libcurl4-openssl-dev libpq-dev"
# Tests: tools that build fixtures at test time and validate output.
TEST_PKGS="zip unzip p7zip-full xz-utils zstd lz4 bzip2 cpio genisoimage squashfs-tools
  dpkg-dev rpm gcab msitools wixl libarchive-tools binutils file
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 osslsigncode
  python3 python3-jsonschema python3-cryptography checksec openjdk-17-jdk-headless db5.3-util golang-go
  libgcrypt20 libgnutls30 libsodium23 libpng-dev libexpat1-dev libgcrypt20-dev
  openssl openssh-client gnupg yara libyara-dev
  mmdb-bin libmaxmind-db-writer-perl mmdebstrap geoip-database libgeoip1
  chromium fonts-dejavu-core poppler-utils python3-securesystemslib in-toto postgresql wrk"

missing=""
for p in $BUILD_PKGS $TEST_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# The BSI CSAF validator test (tests/integration/advisory.cmake) needs npm;
# a Node.js from elsewhere (nodesource) already brings it.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
echo "install-deps: all packages present"
