#!/usr/bin/env python3
"""Debian's geoip-database (GeoLite Country, legacy GeoIP.dat / GeoIPv6.dat)
written as the standard IP-to-country CSV ranges that `parakh db import`
reads ("start","end","CC" per line, as the free IP-to-country databases
publish them). For tests, benchmarks and the demo: a real, offline IP-to-country
dataset from a Debian package (data as of 2019-12; "This product includes
GeoLite data created by MaxMind, available from http://www.maxmind.com").

    scripts/geoip-legacy2csv.py /usr/share/GeoIP/GeoIP.dat /usr/share/GeoIP/GeoIPv6.dat > ip.csv

The legacy format (as libGeoIP reads it): a binary trie of 6-byte nodes, two
little-endian 3-byte records each (bit 0, bit 1); a record >= 16776960
(COUNTRY_BEGIN) is a leaf whose country id is record - COUNTRY_BEGIN; country
codes by id come from libGeoIP's GeoIP_code_by_id.
"""
import ctypes
import ipaddress
import sys

COUNTRY_BEGIN = 16776960
# GeoIP's pseudo-codes: unknown, anonymous proxy, satellite, other, and the
# continent-wide Asia/Pacific and Europe ranges: not countries, left out
NOT_COUNTRIES = {"--", "A1", "A2", "O1", "AP", "EU"}


def codes():
    lib = ctypes.CDLL("libGeoIP.so.1")
    lib.GeoIP_code_by_id.restype = ctypes.c_char_p
    lib.GeoIP_code_by_id.argtypes = [ctypes.c_int]
    out = []
    for i in range(256):
        c = lib.GeoIP_code_by_id(i)
        out.append(c.decode() if c else None)
    return out


def walk(data, bits, cc, emit):
    # explicit stack: (node, depth, prefix value)
    stack = [(0, 0, 0)]
    nnodes = len(data) // 6
    while stack:
        node, depth, value = stack.pop()
        if node >= nnodes or depth >= bits:
            raise SystemExit("corrupt trie at node %d depth %d" % (node, depth))
        off = node * 6
        for bit in (1, 0):  # pushed in reverse so ranges come out in order
            rec = int.from_bytes(data[off + 3 * bit:off + 3 * bit + 3], "little")
            v = value | (bit << (bits - depth - 1))
            if rec >= COUNTRY_BEGIN:
                c = cc[rec - COUNTRY_BEGIN] if rec - COUNTRY_BEGIN < 256 else None
                if c and c not in NOT_COUNTRIES:
                    emit(v, v + (1 << (bits - depth - 1)) - 1, c)
            else:
                stack.append((rec, depth + 1, v))


def main():
    cc = codes()
    rows = []
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        bits = 128 if "v6" in path.lower() else 32
        mk = ipaddress.IPv6Address if bits == 128 else ipaddress.IPv4Address
        found = []
        walk(data, bits, cc, lambda a, b, c: found.append((a, b, c)))
        found.sort()
        # adjacent ranges of one country become one line
        merged = []
        for a, b, c in found:
            if merged and merged[-1][2] == c and merged[-1][1] + 1 == a:
                merged[-1][1] = b
            else:
                merged.append([a, b, c])
        rows += [(str(mk(a)), str(mk(b)), c) for a, b, c in merged]
    w = sys.stdout.write
    for a, b, c in rows:
        w('"%s","%s","%s"\n' % (a, b, c))


if __name__ == "__main__":
    main()
