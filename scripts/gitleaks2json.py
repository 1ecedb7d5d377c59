#!/usr/bin/env python3
"""Converts gitleaks' rule file (TOML, Go RE2 regexes) into rules/secrets/gitleaks.json,
the form the secrets analyzer reads (docs/analyzers/secrets.md).

Development time only. Every rule keeps id, description, regex, secretGroup,
entropy, keywords, path and allowlists; each regex gets two translations, one
for vectorscan (the shared matcher, end offsets only) and one for PCRE2 (the
full match and the secret group), and both are compiled here through ctypes
(libhs, libpcre2-8) so a rule that does not compile is dropped with its reason
instead of breaking every scan.

Usage: scripts/gitleaks2json.py SRC.toml COMMIT > rules/secrets/gitleaks.json
"""
import ctypes
import json
import re
import sys
import tomllib

# Rules the keys analyzer covers (PK-KEY-0001 private keys, PKCS#12 files):
# reported once, by keys, with the key parsed.
COVERED = {
    "private-key": "private key blocks: the keys analyzer (PK-KEY-0001) parses and reports them",
    "pkcs12-file": "PKCS#12 files: the keys analyzer reads whole-file PKCS#12; path-only rule",
}

# parakh's own allowlists, added to gitleaks' for the generic rule after a
# false-positive run over /usr/bin, /usr/lib/x86_64-linux-gnu/*.so* and
# /usr/share/doc (docs/analyzers/secrets.md, "Accuracy"): marked "parakh" in
# the JSON so a reader can tell them from gitleaks' own.
DOC_PATHS = r"(?:^|[/!])usr/share/(?:man|info|doc|gtk-doc|help)/"
EXTRA = {
    "generic-api-key": [
        # snake_case names (a C or Pascal type, a function name): random
        # tokens are mixed-case, these are lower case with 3+ parts
        {"regexTarget": "secret", "regexes": [
            r"^[A-Za-z][a-z0-9]*(?:_[a-z0-9]+){2,}$",
            # C macro and enum names ("key->key_alg == DST_ALG_ED25519" in an
            # assertion string of libdns; COPHH_KEY_UTF8 in perl's cop.h)
            r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$",
            # file names: "deskey.bin > encrypt1-res.xml" in a usage line
            r"(?i)^[\w-]+\.(?:xml|json|ya?ml|txt|pem|crt|cer|der|key|pub|bin|html?|md|rst|"
            r"c|h|cc|cpp|py|js|ts|go|rs|java|so|conf|cfg|ini|log|pp|sh|exe|dll)$",
        ]},
        # a value named as a digest, fingerprint or UUID is not a secret
        # ("Public key pin-sha256: <base64>", "tpmkey:uuid=7f46...")
        {"regexTarget": "match", "regexes": [
            r"(?i)(?:sha-?(?:1|224|256|384|512)|md5|fingerprint|checksum|digest|uuid|guid)",
        ]},
        # manual pages, info and package documentation show example keys
        # (systemd.netdev(5)'s WireGuard PrivateKey=, openssl-sess_id(1)'s
        # Master-Key): examples, not the product's secrets. Tokens with a
        # format of their own (other rules) are still reported there.
        {"paths": [DOC_PATHS]},
    ],
    # curl command lines in curl's own manual (curl(1): `--user "key:secret"`,
    # `-u user:passwd`) and other documentation are usage examples: found in
    # Debian's curl package, they made every product shipping curl fail
    # PSS-SEC-01. The same lines in code or configuration are still reported.
    "curl-auth-user": [{"paths": [DOC_PATHS]}],
    "curl-auth-header": [{"paths": [DOC_PATHS]}],
}

HS_MODE_STREAM = 2
_hs = ctypes.CDLL("libhs.so.5")
_pc = ctypes.CDLL("libpcre2-8.so.0")
_pc.pcre2_compile_8.restype = ctypes.c_void_p
_pc.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t),
                                ctypes.c_void_p]
_pc.pcre2_code_free_8.argtypes = [ctypes.c_void_p]


class HsErr(ctypes.Structure):
    _fields_ = [("message", ctypes.c_char_p), ("expression", ctypes.c_int)]


def hs_check(expr):
    db = ctypes.c_void_p()
    err = ctypes.POINTER(HsErr)()
    rc = _hs.hs_compile(expr.encode(), 0, HS_MODE_STREAM, None, ctypes.byref(db),
                        ctypes.byref(err))
    if rc != 0:
        msg = err.contents.message.decode() if err else "error %d" % rc
        _hs.hs_free_compile_error(err)
        return msg
    _hs.hs_free_database(db)
    return None


PCRE2_DOLLAR_ENDONLY = 0x00000010


def pcre_check(expr):
    ec, eo = ctypes.c_int(), ctypes.c_size_t()
    b = expr.encode()
    code = _pc.pcre2_compile_8(b, len(b), PCRE2_DOLLAR_ENDONLY, ctypes.byref(ec),
                               ctypes.byref(eo), None)
    if not code:
        return "pcre2 error %d at %d" % (ec.value, eo.value)
    _pc.pcre2_code_free_8(code)
    return None


def to_pcre(rx):
    # RE2 and PCRE2 agree on everything gitleaks uses except the named-group
    # spelling (PCRE2 takes (?P<..> too, but the plain form is portable).
    return rx.replace("(?P<", "(?<")


# A leading optional run such as (?i)[\w.-]{0,50}? never changes where a
# match may end, and vectorscan reports ends only: cut it to keep the shared
# database small. The PCRE2 form keeps it, so the match is gitleaks' own.
LEAD = re.compile(r"^(\(\?i\))?\[\\w\.-\]\{0,50\}\?")


def to_hs(rx):
    rx = to_pcre(rx)
    m = LEAD.match(rx)
    if m:
        rx = (m.group(1) or "") + rx[m.end():]
    return rx


# How much a hit says, for severity and confidence: "generic" (any long
# random value assigned to a key-like name), "assignment" (a value of a given
# shape assigned to a name that mentions the service) or "format" (a token
# with its own prefix or structure, such as AKIA..., ghp_..., xoxb-...).
ASSIGN = r"(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)"


def klass(rid, rx):
    if rid.startswith("generic"):
        return "generic"
    if ASSIGN in rx:
        return "assignment"
    return "format"


def allowlist(a, origin="gitleaks"):
    out = {
        "origin": origin,
        "condition": a.get("condition", "OR"),
        "regex_target": a.get("regexTarget", "secret"),
        "regexes": [to_pcre(x) for x in a.get("regexes", [])],
        "stopwords": [s.lower() for s in a.get("stopwords", [])],
        "paths": [to_pcre(x) for x in a.get("paths", [])],
    }
    for x in out["regexes"] + out["paths"]:
        e = pcre_check(x)
        if e:
            raise SystemExit("allowlist regex %r: %s" % (x, e))
    return out


def main():
    src, commit = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        d = tomllib.load(f)
    rules, dropped = [], []
    for r in d["rules"]:
        rid = r["id"]
        if rid in COVERED:
            dropped.append({"id": rid, "reason": COVERED[rid]})
            continue
        if "regex" not in r:
            dropped.append({"id": rid, "reason": "no regex (path-only rule)"})
            continue
        hs, pc = to_hs(r["regex"]), to_pcre(r["regex"])
        e = hs_check(hs) or pcre_check(pc)
        if e:
            dropped.append({"id": rid, "reason": "does not compile: " + e})
            continue
        als = [allowlist(a) for a in r.get("allowlists", [])]
        if "allowlist" in r:
            als.append(allowlist(r["allowlist"]))
        als += [allowlist(a, "parakh") for a in EXTRA.get(rid, [])]
        rules.append({
            "id": rid,
            "class": klass(rid, r["regex"]),
            "description": r.get("description", ""),
            "regex": r["regex"],
            "hs": hs,
            "pcre": pc,
            "secret_group": r.get("secretGroup", 0),
            "entropy": r.get("entropy", 0),
            "keywords": [k.lower() for k in r.get("keywords", [])],
            "path": to_pcre(r["path"]) if "path" in r else None,
            "allowlists": als,
        })
    g = d.get("allowlist", {})
    out = {
        "source": {
            "repository": "https://github.com/gitleaks/gitleaks",
            "commit": commit,
            "file": "config/gitleaks.toml",
            "license": "MIT (rules/secrets/LICENSE.gitleaks)",
            "generated_by": "scripts/gitleaks2json.py",
        },
        "global_allowlist": allowlist(g),
        "rules": rules,
        "dropped": dropped,
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")
    print("rules %d kept, %d dropped" % (len(rules), len(dropped)), file=sys.stderr)
    for x in dropped:
        print("  dropped %s: %s" % (x["id"], x["reason"]), file=sys.stderr)


if __name__ == "__main__":
    main()
