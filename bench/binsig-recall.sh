#!/usr/bin/env bash
# Recall of the binsig analyzer on real Debian 12 packages.
#
# For each package below (downloaded once with apt-get download into
# bench/cache/), its data is extracted with dpkg-deb -x and scanned with the CLI
# (`parakh scan --format json`); a file counts as found when a component with
# evidence rule binsig:<rule> on that file has the package's upstream version
# (the Debian version without epoch, revision, +dfsg/~ suffixes).
#   "target" recall: the ELF files matching the entry's path regex, the files
#                    that implement the library (where its banner lives);
#   "all-ELF" recall: every ELF file of the package (helpers, plugins, modules
#                    that do not carry the banner count as misses).
# Usage: bench/binsig-recall.sh [BUILD_DIR]   (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
cli=$build/parakh
cache=$here/cache
work=$(mktemp -d /tmp/binsig-recall.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -x "$cli" ] || { echo "no CLI at $cli (build first)" >&2; exit 2; }

# package  rule  path-regex of the files that implement the library
list=$(cat <<'L'
libssl3 openssl /libcrypto\.so\.3$
openssl openssl /usr/bin/openssl$
zlib1g zlib /libz\.so\.
libpng16-16 libpng /libpng16\.so\.
libjpeg62-turbo libjpeg-turbo /libjpeg\.so\.
libtiff6 libtiff /libtiff\.so\.
libexpat1 expat /libexpat\.so\.
libgcrypt20 libgcrypt /libgcrypt\.so\.
libgnutls30 gnutls /libgnutls\.so\.
libcurl4 curl /libcurl\.so\.
curl curl /usr/bin/curl$
openssh-client openssh /usr/bin/(ssh|ssh-keyscan)$|/ssh-keysign$
openssh-server openssh /usr/sbin/sshd$
dropbear-bin dropbear /(dropbear|dbclient)$
busybox busybox /bin/busybox$
bash bash /bin/bash$
libc6 glibc /libc\.so\.6$
musl musl /libc\.so$
lighttpd lighttpd /usr/sbin/lighttpd$
nginx nginx /usr/sbin/nginx$
apache2-bin apache-httpd /usr/sbin/apache2$
dnsmasq-base dnsmasq /usr/sbin/dnsmasq$
libpcre3 pcre /libpcre\.so\.3
libpcre2-8-0 pcre2 /libpcre2-8\.so\.
liblua5.3-0 lua /liblua5\.3\.so\.
lua5.4 lua /usr/bin/lua5\.4$
libpython3.11 python /libpython3\.11\.so\.
python3.11-minimal python /usr/bin/python3\.11$
php8.2-cli php /usr/bin/php8\.2$
libnode108 nodejs /libnode\.so\.
libavutil57 ffmpeg /libavutil\.so\.
libarchive13 libarchive /libarchive\.so\.
libbz2-1.0 bzip2 /libbz2\.so\.
xz-utils xz /usr/bin/xz$
zstd zstd /usr/bin/zstd$
samba-libs samba /(libsamba-hostconfig|libgenrand-samba4|libsmbclient-raw-samba4|libcmdline-samba4|libsmbconf)\.so\.
libmbedcrypto7 mbedtls /libmbedcrypto\.so\.
libwolfssl35 wolfssl /libwolfssl\.so\.
libsodium23 libsodium /libsodium\.so\.
L
)
# Libraries without a usable banner (docs/analyzers/binsig.md, "Known gaps"):
# scanned the same way and counted in the overall figure.
gaps=$(cat <<'L'
libsqlite3-0 sqlite /libsqlite3\.so\.
libxml2 libxml2 /libxml2\.so\.
libxslt1.1 libxslt /libxslt\.so\.
libwebp7 libwebp /libwebp\.so\.
libgif7 giflib /libgif\.so\.
liblzma5 xz /liblzma\.so\.
libzstd1 zstd /libzstd\.so\.
liblz4-1 lz4 /liblz4\.so\.
L
)

gaps_pkgs=$(echo "$gaps" | awk '{print $1}' | tr '\n' ' ')
tot_t=0 hit_t=0 tot_a=0 hit_a=0 gap_t=0 gap_h=0
printf '%-20s %-14s %-12s %8s %8s\n' package rule upstream target all-ELF
while read -r pkg rule rx; do
    [ -n "$pkg" ] || continue
    gap=0
    [ "$pkg" = "--gaps--" ] && { echo "-- libraries without a banner --"; continue; }
    case " $gaps_pkgs " in *" $pkg "*) gap=1 ;; esac
    deb=$(ls "$cache"/"${pkg}"_*_amd64.deb "$cache"/"${pkg}"_*_all.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
        (cd "$cache" && apt-get download "$pkg" >/dev/null 2>&1) || true
        deb=$(ls "$cache"/"${pkg}"_*_amd64.deb "$cache"/"${pkg}"_*_all.deb 2>/dev/null | head -1 || true)
    fi
    [ -n "$deb" ] || { printf '%-20s (not downloadable, skipped)\n' "$pkg"; continue; }
    ver=$(dpkg-deb -f "$deb" Version)
    up=${ver#*:}; up=${up%-*}; up=${up%%+*}; up=${up%%~*}; up=${up%.dfsg*}
    d=$work/$pkg
    mkdir -p "$d"
    dpkg-deb -x "$deb" "$d"
    "$cli" scan -q -j 2 --format json "$d" > "$work/$pkg.json"
    read -r tt ht ta ha < <(python3 - "$work/$pkg.json" "$d" "$rule" "$up" "$rx" <<'PY'
import json, os, re, sys
rep, root, rule, up, rx = sys.argv[1:6]
found = set()
for c in json.load(open(rep)).get("components", []):
    for e in c.get("evidence", []):
        if e.get("rule") == "binsig:" + rule and c.get("version") == up:
            found.add(os.path.normpath(e["vpath"]))
tt = ht = ta = ha = 0
for dp, dn, fn in os.walk(root):
    for f in fn:
        p = os.path.join(dp, f)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        rel = os.path.normpath(os.path.relpath(p, os.path.dirname(os.path.dirname(root))))
        hit = any(v.endswith(os.path.relpath(p, root)) for v in found)
        ta += 1; ha += hit
        if re.search(rx, p):
            tt += 1; ht += hit
print(tt, ht, ta, ha)
PY
)
    if [ $gap = 1 ]; then
        gap_t=$((gap_t + tt)); gap_h=$((gap_h + ht))
    else
        tot_t=$((tot_t + tt)); hit_t=$((hit_t + ht)); tot_a=$((tot_a + ta)); hit_a=$((hit_a + ha))
    fi
    printf '%-20s %-14s %-12s %4s/%-3s %4s/%-3s\n' "$pkg" "$rule" "$up" "$ht" "$tt" "$ha" "$ta"
done <<< "$list
--gaps--
$gaps"
pct() { [ "$2" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f%%", 100*a/b}' || echo n/a; }
echo "target recall, libraries with a rule: $hit_t/$tot_t = $(pct $hit_t $tot_t)"
echo "all-ELF recall, libraries with a rule: $hit_a/$tot_a = $(pct $hit_a $tot_a)"
echo "target recall, all libraries listed: $((hit_t + gap_h))/$((tot_t + gap_t)) = $(pct $((hit_t + gap_h)) $((tot_t + gap_t)))"
