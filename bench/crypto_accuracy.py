#!/usr/bin/env python3
"""Scores bench/crypto-accuracy.sh's runs: parakh's facts.crypto.algorithms and
YARA's crypto rules per file against bench/crypto-expected.tsv (what the
documentation says each file implements) and bench/crypto-verdicts.tsv (claims
outside the expected set, examined by hand: a real implementation or a false
positive). Prints Markdown (the tables of docs/crypto-accuracy.md).

A claim is (file, algorithm). Expected and found: a hit. Expected, not found:
a miss. Found, not expected: looked up in the verdicts ("true" = really there,
e.g. a hash the documentation does not list; "false" = a false positive);
claims with no verdict are listed as "unjudged" so the file can be completed.
"""
import argparse
import fnmatch
import json
import os
import re
import sys

# parakh's algorithm names -> the canonical names of the expected file. A name
# standing for two algorithms (shared constants) satisfies either.
PARAKH_ALIASES = {
    "CAST-128/CAST-256": ["CAST"],
    "SHA-3/Keccak": ["SHA-3"],
    "GOST 28147-89": ["GOST28147"],
    "Kuznyechik/Streebog": ["Kuznyechik", "Streebog"],
    "Curve25519/Ed25519": ["Curve25519"],
    "CRC32": ["CRC32"],
}

# YARA rule -> canonical algorithms (None: not an algorithm parakh has rules for)
YARA_RULES = {
    "CRC32_poly_Constant": ["CRC32"], "CRC32_table": ["CRC32"], "CRC32_table_lookup": ["CRC32"],
    "CRC32b_poly_Constant": ["CRC32"],
    "BLOWFISH_Constants": ["Blowfish"], "DCP_BLOWFISH_Init": ["Blowfish"],
    "DCP_BLOWFISH_EncryptCBC": ["Blowfish"],
    "MD5_Constants": ["MD5"], "MD5_API": ["MD5"],
    "RIPEMD160_Constants": ["RIPEMD-160"],
    "SHA1_Constants": ["SHA-1"], "SHA256_Constants": ["SHA-256"], "SHA512_Constants": ["SHA-512"],
    "SHA2_BLAKE2_IVs": ["SHA-256", "BLAKE2"],
    "WHIRLPOOL_Constants": ["Whirlpool"],
    "DES_Long": ["DES"], "DES_sbox": ["DES"], "DES_pbox_long": ["DES"], "DCP_DES_Init": ["DES"],
    "DCP_DES_EncryptECB": ["DES"], "FlyUtilsCnDES_ECB_Encrypt": ["DES"],
    "FlyUtilsCnDES_ECB_Decrypt": ["DES"],
    "RijnDael_AES": ["AES"], "RijnDael_AES_CHAR": ["AES"], "RijnDael_AES_CHAR_inv": ["AES"],
    "RijnDael_AES_LONG": ["AES"], "RijnDael_AES_LONG_inv": ["AES"], "RijnDael_AES_RCON": ["AES"],
    "DCP_RIJNDAEL_Init": ["AES"], "DCP_RIJNDAEL_EncryptECB": ["AES"],
    "ARIA_SB2": ["ARIA"],
    "Chacha_128_constant": ["ChaCha20/Salsa20"], "Chacha_256_constant": ["ChaCha20/Salsa20"],
    "salsa20": ["ChaCha20/Salsa20"],
    "SHA3_constants": ["SHA-3"], "SHA3_interleaved": ["SHA-3"],
}
# ecc_order: the curve is the string that matched
ECC_STRINGS = {"$secp192r1": "P-192", "$secp224r1": "P-224", "$prime256v1": "P-256",
               "$secp384r1": "P-384", "$secp256k1": "secp256k1"}


GROUPS = "\0groups"  # per file: the alternatives of one shared constant


def canon(name):
    if name in PARAKH_ALIASES:
        return PARAKH_ALIASES[name]
    if name.startswith("NIST "):
        return [name[5:]]
    return [name]


def read_tsv(path, ncol):
    rows = []
    if not os.path.exists(path):
        return rows
    for ln in open(path, encoding="utf-8"):
        if not ln.strip() or ln.startswith("#"):
            continue
        f = ln.rstrip("\n").split("\t")
        if len(f) < ncol:
            sys.exit("%s: short line: %r" % (path, ln))
        rows.append(f)
    return rows


def parakh_claims(report, pkg):
    """{relpath: {canonical: [details]}} and the per-claim rule/offset evidence."""
    doc = json.load(open(report))
    claims = {}
    prefix = None
    for f in doc.get("files", []):
        vp = f.get("vpath", "")
        rel = vp.split("/" + pkg + "/", 1)[1] if ("/" + pkg + "/") in vp else vp
        algs = f.get("facts", {}).get("crypto", {}).get("algorithms", [])
        for a in algs:
            if len(canon(a["name"])) > 1:
                claims.setdefault(rel, {}).setdefault(GROUPS, []).append(set(canon(a["name"])))
            for c in canon(a["name"]):
                claims.setdefault(rel, {}).setdefault(c, []).append(
                    "%s x%d @%d" % (a["name"], a["count"], a["first_offset"]))
    rules = {}
    for x in doc.get("findings", []):
        if x.get("rule_id") != "PK-CRY-0001":
            continue
        vp = x["vpath"]
        rel = vp.split("/" + pkg + "/", 1)[1] if ("/" + pkg + "/") in vp else vp
        m = re.match(r"(.*) constant (\S+)", x.get("message", ""))
        if m:
            for c in canon(m.group(1)):
                rules.setdefault((rel, c), []).append("%s@%d" % (m.group(2), x["offset"]))
    return claims, rules, prefix


def yara_claims(path, pkg):
    claims, other = {}, {}
    if not os.path.exists(path):
        return None, None
    cur = None
    for ln in open(path, encoding="utf-8", errors="replace"):
        ln = ln.rstrip("\n")
        if ln.startswith("0x"):
            if cur and cur[0] == "ecc_order":
                sid = ln.split(":")[1]
                if sid in ECC_STRINGS:
                    claims.setdefault(cur[1], {}).setdefault(ECC_STRINGS[sid], []).append(
                        "ecc_order" + sid + "@" + ln.split(":")[0])
            elif cur and cur[0] in YARA_RULES:
                for c in YARA_RULES[cur[0]]:
                    lst = claims.setdefault(cur[1], {}).setdefault(c, [])
                    if len(lst) < 3:
                        lst.append(cur[0] + "@" + ln.split(":")[0])
            continue
        parts = ln.split(" ", 1)
        if len(parts) != 2:
            continue
        rule, fpath = parts
        rel = fpath.split("/" + pkg + "/", 1)[1] if ("/" + pkg + "/") in fpath else fpath
        cur = (rule, rel)
        if rule not in YARA_RULES and rule != "ecc_order":
            other.setdefault(rule, set()).add(rel)
    return claims, other


def expected_for(expected, pkg, rel):
    return {r[2]: r[3] for r in expected if r[0] == pkg and fnmatch.fnmatch(rel, r[1])}


def verdict_for(verdicts, pkg, rel, alg):
    for r in verdicts:
        if r[0] == pkg and fnmatch.fnmatch(rel, r[1]) and r[2] == alg:
            return r[3], r[4]
    return None, None


def timing(path):
    try:
        e, u, s, m = open(path).read().split()[:4]
        return float(e), float(u) + float(s), int(m)
    except (OSError, ValueError):
        return None


def score(tool, claims, expected, verdicts, pkg, files):
    """Per package: hits, misses, true extra, false positives, unjudged."""
    res = {"hit": [], "miss": [], "extra": [], "fp": [], "unjudged": []}
    for rel in files:
        exp = expected_for(expected, pkg, rel)
        got = dict(claims.get(rel, {}))
        groups = got.pop(GROUPS, [])
        for a in sorted(exp):
            res["hit" if a in got else "miss"].append((rel, a))
        for a in sorted(got):
            # one constant shared by two algorithms: extra only if neither is expected
            if a in exp or any(a in g and g & set(exp) for g in groups):
                continue
            v, why = verdict_for(verdicts, pkg, rel, a)
            key = {"true": "extra", "false": "fp"}.get(v, "unjudged")
            res[key].append((rel, a, why or "", got[a]))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--verdicts", required=True)
    ap.add_argument("--packages", required=True)
    ap.add_argument("--plain", required=True)
    a = ap.parse_args()
    expected = read_tsv(a.expected, 4)
    verdicts = read_tsv(a.verdicts, 5)
    crypto, plain = a.packages.split(), a.plain.split()
    ysets = ["crypto_signatures.yar", "findcrypt3.rules"]

    rows, details, ycmp, ytime = [], [], [], []
    tot = {"parakh": [0, 0, 0, 0, 0]}
    for y in ysets:
        tot[y] = [0, 0, 0, 0, 0]
    yother = {}
    for pkg in crypto + plain:
        rep = os.path.join(a.out, "parakh", pkg + ".json")
        if not os.path.exists(rep):
            continue
        pc, prules, _ = parakh_claims(rep, pkg)
        ys = {}
        for y in ysets:
            yc, yo = yara_claims(os.path.join(a.out, "yara", "%s.%s.txt" % (y, pkg)), pkg)
            if yc is not None:
                ys[y] = yc
                for r, fs in yo.items():
                    yother.setdefault((y, r), set()).update(pkg + "/" + f for f in fs)
        files = set(pc)
        for yc in ys.values():
            files |= set(yc)
        files |= {r[1] for r in expected if r[0] == pkg and "*" not in r[1]}
        # patterns: the real file names
        for r in expected:
            if r[0] == pkg:
                root = os.path.join(a.out, "unpacked", pkg)
                for dp, _, fn in os.walk(root):
                    for n in fn:
                        rel = os.path.relpath(os.path.join(dp, n), root)
                        if fnmatch.fnmatch(rel, r[1]) and not os.path.islink(os.path.join(dp, n)):
                            files.add(rel)
        files = sorted(f for f in files if os.path.exists(os.path.join(a.out, "unpacked", pkg, f)))
        res = {"parakh": score("parakh", pc, expected, verdicts, pkg, files)}
        for y, yc in ys.items():
            res[y] = score(y, yc, expected, verdicts, pkg, files)
        t = timing(os.path.join(a.out, "parakh", pkg + ".time"))
        nexp = len(res["parakh"]["hit"]) + len(res["parakh"]["miss"])
        row = [pkg, "crypto" if pkg in crypto else "non-crypto", nexp]
        for tool in ["parakh"] + ysets:
            r = res.get(tool)
            if r is None:
                row += ["-", "-", "-"]
                continue
            k = [len(r["hit"]), len(r["miss"]), len(r["extra"]), len(r["fp"]), len(r["unjudged"])]
            tot[tool] = [x + y for x, y in zip(tot[tool], k)]
            row += ["%d/%d" % (k[0], nexp) if nexp else "-", k[3], k[4]]
        row.append("%.2f s / %.2f s" % (t[0], t[1]) if t else "-")
        rows.append(row)
        for y in ysets:
            yt = timing(os.path.join(a.out, "yara", "%s.%s.time" % (y, pkg)))
            err = os.path.join(a.out, "yara", "%s.%s.err" % (y, pkg))
            etxt = open(err).read().strip() if os.path.exists(err) else ""
            ytime.append((pkg, y, yt, etxt))
        details.append((pkg, res, prules))
        # per file comparison over the canonical algorithms
        for rel in files:
            p = set(pc.get(rel, {})) - {GROUPS}
            for y, yc in ys.items():
                q = set(yc.get(rel, {}))
                if p or q:
                    ycmp.append((pkg, rel, y, sorted(p & q), sorted(p - q), sorted(q - p)))

    out = sys.stdout
    out.write("## Recall and false positives per package\n\n")
    out.write("recall = expected algorithms found / expected; FP = claims judged false in "
              "bench/crypto-verdicts.tsv; ? = claims not yet judged; time = parakh wall / CPU.\n\n")
    out.write("| package | set | expected | parakh recall | parakh FP | ? | crypto_signatures recall | FP | ? "
              "| findcrypt3 recall | FP | ? | parakh time |\n")
    out.write("|" + "---|" * 13 + "\n")
    for r in rows:
        out.write("| " + " | ".join(str(x) for x in r) + " |\n")
    out.write("\nTotals (hit, miss, true extra, FP, unjudged):\n\n")
    for tool, k in tot.items():
        rec = 100.0 * k[0] / (k[0] + k[1]) if k[0] + k[1] else 0.0
        claims = k[0] + k[2] + k[3]
        prec = 100.0 * (k[0] + k[2]) / claims if claims else 0.0
        out.write("- %s: %d hits, %d misses (recall %.1f%%), %d true extra, %d false positives "
                  "(precision %.1f%% of judged claims), %d unjudged\n" % (tool, k[0], k[1], rec, k[2], k[3],
                                                                           prec, k[4]))

    out.write("\n## parakh: misses, extra claims, false positives\n\n")
    for pkg, res, prules in details:
        r = res["parakh"]
        if not (r["miss"] or r["extra"] or r["fp"] or r["unjudged"]):
            continue
        out.write("### %s\n\n" % pkg)
        if r["miss"]:
            by = {}
            for rel, alg in r["miss"]:
                by.setdefault(rel, []).append(alg)
            for rel, algs in by.items():
                out.write("- missed in `%s`: %s\n" % (rel, ", ".join(algs)))
        for key, label in (("extra", "true, not in the documentation"), ("fp", "FALSE POSITIVE"),
                           ("unjudged", "UNJUDGED")):
            for rel, alg, why, det in r[key]:
                ev = prules.get((rel, alg), [])
                out.write("- %s: `%s` %s (%s; rules %s)%s\n" % (label, rel, alg, "; ".join(det),
                                                                ", ".join(ev[:4]) or "-",
                                                                " — " + why if why else ""))
        out.write("\n")

    out.write("## YARA: false positives and unjudged claims\n\n")
    for pkg, res, _ in details:
        for y in ysets:
            r = res.get(y)
            if not r:
                continue
            for key, label in (("fp", "FP"), ("unjudged", "UNJUDGED")):
                for rel, alg, why, det in r[key]:
                    out.write("- %s %s: `%s/%s` %s (%s)%s\n" % (y, label, pkg, rel, alg, ", ".join(det[:3]),
                                                                " — " + why if why else ""))
    out.write("\nYARA rules outside parakh's algorithm set that matched (rule: files):\n\n")
    for (y, rule), fs in sorted(yother.items()):
        out.write("- %s `%s`: %d files (%s)\n" % (y, rule, len(fs), ", ".join(sorted(fs)[:3])))

    # names and APIs (PK-CRY-0002..0005): medium findings, by where they fall
    out.write("\n## parakh name/API findings (PK-CRY-0002..0005) of medium severity\n\n")
    out.write("| package | in documentation (usr/share/doc, usr/share/man) | elsewhere | elsewhere: files |\n"
              "|---|---|---|---|\n")
    for pkg in crypto + plain:
        rep = os.path.join(a.out, "parakh", pkg + ".json")
        if not os.path.exists(rep):
            continue
        doc = json.load(open(rep))
        ndoc, other = 0, {}
        for x in doc.get("findings", []):
            if x.get("rule_id") in ("PK-CRY-0002", "PK-CRY-0003", "PK-CRY-0004", "PK-CRY-0005") \
                    and x.get("severity") == "medium":
                vp = x.get("vpath", "")
                if "/usr/share/doc/" in vp or "/usr/share/man/" in vp:
                    ndoc += 1
                else:
                    k = "%s %s" % (vp.rsplit("/", 1)[-1], x["rule_id"])
                    other[k] = other.get(k, 0) + 1
        if ndoc or other:
            out.write("| %s | %d | %d | %s |\n" % (pkg, ndoc, sum(other.values()),
                                                  ", ".join("%s x%d" % kv for kv in sorted(other.items()))))

    out.write("\n## Per file: both tools, parakh only, YARA only\n\n")
    out.write("| file | rules | both | parakh only | YARA only |\n|---|---|---|---|---|\n")
    for pkg, rel, y, both, ponly, yonly in ycmp:
        out.write("| %s/%s | %s | %s | %s | %s |\n" % (pkg, rel, y.split(".")[0], ", ".join(both) or "-",
                                                     ", ".join(ponly) or "-", ", ".join(yonly) or "-"))

    out.write("\n## Time (wall / CPU seconds, peak RSS)\n\n")
    out.write("| package | parakh | crypto_signatures.yar | findcrypt3.rules | yara errors |\n|---|---|---|---|---|\n")
    tsum = {"parakh": [0.0, 0.0]}
    for pkg in crypto + plain:
        t = timing(os.path.join(a.out, "parakh", pkg + ".time"))
        if not t:
            continue
        tsum["parakh"][0] += t[0]
        tsum["parakh"][1] += t[1]
        cells = ["%.2f / %.2f, %d MiB" % (t[0], t[1], t[2] // 1024)]
        errs = []
        for y in ysets:
            yt = [x for x in ytime if x[0] == pkg and x[1] == y]
            if yt and yt[0][2]:
                v = yt[0][2]
                tsum.setdefault(y, [0.0, 0.0])
                tsum[y][0] += v[0]
                tsum[y][1] += v[1]
                cells.append("%.2f / %.2f, %d MiB" % (v[0], v[1], v[2] // 1024))
            else:
                cells.append("-")
            if yt and yt[0][3]:
                errs.append("%s: %s" % (y, yt[0][3].splitlines()[0][:80]))
        out.write("| %s | %s | %s |\n" % (pkg, " | ".join(cells), "; ".join(errs) or "-"))
    for p, label in (("_all", "all trees, one run"), ("_empty", "start-up (empty file)")):
        cells = []
        for f in [os.path.join(a.out, "parakh", p + ".time")] + [
                os.path.join(a.out, "yara", "%s.%s.time" % (y, p)) for y in ysets]:
            v = timing(f)
            cells.append("%.2f / %.2f, %d MiB" % (v[0], v[1], v[2] // 1024) if v else "-")
        out.write("| %s | %s | - |\n" % (label, " | ".join(cells)))
    out.write("| **sum of the runs per package** | %s |  |\n" % " | ".join(
        "%.2f / %.2f" % tuple(tsum[k]) if k in tsum else "-" for k in ["parakh"] + ysets))


if __name__ == "__main__":
    main()
