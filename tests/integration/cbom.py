#!/usr/bin/env python3
"""The cryptography inventory (CBOM) and its judgement (docs/cbom.md).

Fixtures are made here: a blob with the AES S-box and MD5's T table computed
from their definitions, a program string table with weak names, RSA keys and a
certificate made by `openssl`, and OpenSSL version banners. The CycloneDX 1.6
CBOM is validated against the official schema (python3-jsonschema); findings
are checked by policy date; FIPS certificates come from the CMVP list in
shared data imported into a knowledge base.
"""
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkit  # noqa: E402

SHARED = os.environ.get("PK_SHARED") or os.path.join(pkit.SRC, "..", "shared", "data")
CDX = os.path.join(SHARED, "schemas", "cyclonedx")
CMVP = os.path.join(SHARED, "crypto-policy", "nist-cmvp")

s = pkit.Suite("cbom")


def aes_sbox():
    def mul(a, b):
        r = 0
        while b:
            if b & 1:
                r ^= a
            a = ((a << 1) ^ (0x11B if a & 0x80 else 0)) & 0x1FF
            b >>= 1
        return r & 0xFF

    inv = [0] * 256
    for x in range(1, 256):
        for y in range(1, 256):
            if mul(x, y) == 1:
                inv[x] = y
                break
    out = []
    for x in range(256):
        b = inv[x]
        v = b ^ ((b << 1 | b >> 7) & 0xFF) ^ ((b << 2 | b >> 6) & 0xFF) ^ \
            ((b << 3 | b >> 5) & 0xFF) ^ ((b << 4 | b >> 4) & 0xFF) ^ 0x63
        out.append(v)
    return bytes(out)


def md5_t():
    return b"".join(int(abs(math.sin(i)) * 2 ** 32).to_bytes(4, "little") for i in range(1, 65))


def fixtures():
    d = s.mkdir("product")
    etc = s.mkdir("product", "etc")
    # the offsets are checked: zero padding, then the constants
    blob = b"\x00" * 4096 + aes_sbox() + b"\x00" * 4096 + md5_t() + b"\x00" * 4096
    s.write("product/lib/libvendorcrypto.so", blob)
    # a string table a program uses: ECB named as a cipher, TLS 1.0 as a protocol
    s.write("product/bin/agent.cfg",
            b"# agent\ncipher = \"aes-128-ecb\"\nprotocol = \"TLSv1\"\n")
    pkit.need("openssl")
    for bits in (1024, 2048):
        pkit.sh(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                 "rsa_keygen_bits:%d" % bits, "-out", os.path.join(etc, "rsa%d.key" % bits)])
    pkit.sh(["openssl", "req", "-x509", "-new", "-key", os.path.join(etc, "rsa2048.key"),
             "-subj", "/CN=parakh cbom test/O=Vendor", "-days", "3650", "-sha256",
             "-out", os.path.join(etc, "server.crt")])
    return d


PRODUCT = None


def product():
    global PRODUCT
    if PRODUCT is None:
        PRODUCT = fixtures()
    return PRODUCT


def run(*args, rc=0):
    env = dict(os.environ, TMPDIR=s.pktmp)
    p = subprocess.run([pkit.CLI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=600)
    if p.returncode != rc:
        raise AssertionError("parakh %s exited %d, expected %d: %s" %
                             (" ".join(args), p.returncode, rc, p.stderr.decode()[-2000:]))
    return p


def cdx_validator():
    try:
        import jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
    except ImportError as e:
        raise pkit.Skip("python3-jsonschema with referencing is missing (%s)" % e)
    reg = Registry()
    for name in ("spdx.schema.json", "jsf-0.82.schema.json", "bom-1.6.schema.json"):
        with open(os.path.join(CDX, name), encoding="utf-8") as f:
            doc = json.load(f)
        res = Resource.from_contents(doc, default_specification=DRAFT7)
        reg = reg.with_resource(name, res)
        if "$id" in doc:
            reg = reg.with_resource(doc["$id"], res)
    with open(os.path.join(CDX, "bom-1.6.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    return jsonschema.validators.validator_for(schema)(schema, registry=reg)


def by_name(doc):
    return {c["name"]: c for c in doc["components"]}


def props(c):
    return {p["name"]: p["value"] for p in c.get("properties", [])}


def case_cbom_schema():
    d = product()
    out = os.path.join(s.dir, "product.cbom.json")
    run("scan", "-q", "--format", "cbom", "--reproducible", "--policy-date", "2026-11-26",
        "-o", out, d)
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    errs = sorted(cdx_validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errs, "CBOM not valid CycloneDX 1.6: %s at %s" % (errs[0].message[:300], list(errs[0].path))
    assert doc["specVersion"] == "1.6"
    comps = by_name(doc)
    aes, md5 = comps["AES"], comps["MD5"]
    assert aes["type"] == "cryptographic-asset"
    assert aes["cryptoProperties"]["algorithmProperties"]["primitive"] == "block-cipher", aes
    assert props(aes)["parakh:policy:status"] == "approved", props(aes)
    occ = aes["evidence"]["occurrences"][0]
    assert occ["location"].endswith("/lib/libvendorcrypto.so") and occ["offset"] == 4096, occ
    assert "aes-sbox" in occ["additionalContext"], occ
    assert props(md5)["parakh:policy:status"] == "not-approved", props(md5)
    assert md5["evidence"]["occurrences"][0]["offset"] == 4096 + 256 + 4096
    ecb = comps["AES-128-ECB"]
    assert ecb["cryptoProperties"]["algorithmProperties"]["mode"] == "ecb", ecb
    tls = comps["TLS 1.0"]
    assert tls["cryptoProperties"]["assetType"] == "protocol"
    assert tls["cryptoProperties"]["protocolProperties"] == {"type": "tls", "version": "1.0"}, tls
    assert props(tls)["parakh:policy:status"] == "disallowed", props(tls)
    certs = [c for c in doc["components"]
             if c["cryptoProperties"]["assetType"] == "certificate"]
    assert len(certs) == 1, certs
    cp = certs[0]["cryptoProperties"]["certificateProperties"]
    assert cp["subjectName"] == "O=Vendor,CN=parakh cbom test" or "CN=parakh cbom test" in cp["subjectName"], cp
    refs = {c["bom-ref"]: c for c in doc["components"]}
    assert refs[cp["subjectPublicKeyRef"]]["name"] == "RSA-2048", cp
    keys = sorted(c["cryptoProperties"]["relatedCryptoMaterialProperties"]["size"]
                  for c in doc["components"]
                  if c["cryptoProperties"]["assetType"] == "related-crypto-material")
    assert keys == [1024, 2048], keys
    # reproducible: the same bytes twice
    out2 = os.path.join(s.dir, "product2.cbom.json")
    run("scan", "-q", "--format", "cbom", "--reproducible", "--policy-date", "2026-11-26",
        "-o", out2, d)
    assert open(out, "rb").read() == open(out2, "rb").read(), "reproducible CBOM differs"


def rules_at(rep, rule, suffix):
    return [f for f in rep.findings_for(rule=rule) if f["vpath"].endswith(suffix)]


def case_findings_by_date():
    d = product()
    rep = s.scan(d, "--policy-date", "2026-11-26")
    md5 = rules_at(rep, "PK-CRY-0010", "/lib/libvendorcrypto.so")
    assert [f["offset"] for f in md5] == [4096 + 256 + 4096], md5
    assert md5[0]["severity"] == "low" and "MD5" in md5[0]["message"], md5
    assert md5[0]["analyzer"] == "cryptopol"
    # ECB and TLS 1.0 were already reported by the crypto analyzer: no second finding
    assert not rules_at(rep, "PK-CRY-0010", "/bin/agent.cfg"), rules_at(rep, "PK-CRY-0010", "agent.cfg")
    assert rules_at(rep, "PK-CRY-0002", "/bin/agent.cfg"), "no PK-CRY-0002 on agent.cfg"
    assert rules_at(rep, "PK-CRY-0003", "/bin/agent.cfg"), "no PK-CRY-0003 on agent.cfg"
    # RSA-1024: the keys analyzer's PK-KEY-0003 covers it; RSA-2048 is approved in 2026
    assert rules_at(rep, "PK-KEY-0003", "/etc/rsa1024.key"), "no PK-KEY-0003 on rsa1024.key"
    assert not rep.findings_for(rule="PK-CRY-0011"), rep.findings_for(rule="PK-CRY-0011")
    cr = rep.doc["crypto"]
    assert cr["policy"]["date"] == "2026-11-26"
    assert cr["summary"]["keys"] == 2 and cr["summary"]["certificates"] == 1, cr["summary"]
    # 2031: 112-bit security (RSA-2048) is deprecated (NIST IR 8547 ipd)
    rep = s.scan(d, "--policy-date", "2031-06-01")
    k = rules_at(rep, "PK-CRY-0011", "/etc/rsa2048.key")
    assert len(k) == 1 and k[0]["severity"] == "low" and "deprecated" in k[0]["message"], k
    assert "2031-06-01" in k[0]["message"] and "FCS_" in k[0]["message"], k
    # the certificate is a CA (openssl req -x509): its key verifies, approved until 2035
    c = rules_at(rep, "PK-CRY-0011", "/etc/server.crt")
    assert not c, c
    # 2036: disallowed
    rep = s.scan(d, "--policy-date", "2036-01-02")
    k = rules_at(rep, "PK-CRY-0011", "/etc/rsa2048.key")
    assert len(k) == 1 and k[0]["severity"] == "medium" and "disallowed" in k[0]["message"], k
    c = rules_at(rep, "PK-CRY-0011", "/etc/server.crt")
    assert len(c) == 1 and c[0]["severity"] == "medium" and "verification" in c[0]["message"], c


def case_bad_date():
    p = run("scan", "-q", "--policy-date", "2026-02-30", product(), rc=2)
    assert b"--policy-date" in p.stderr, p.stderr


def case_text_summary():
    p = run("scan", "-q", "--policy-date", "2026-11-26", product())
    out = p.stdout.decode()
    assert "cryptography: " in out and "as of 2026-11-26" in out, out[:2000]


def banner_file(name, version, date):
    return s.write("fips/%s" % name, b"\x00" * 64 + b"OpenSSL " + version.encode() + b" " +
                   date.encode() + b"\x00" + b"\x00" * 64)


def case_cmvp():
    if not os.path.isdir(CMVP):
        raise pkit.Skip("no CMVP data in %s" % CMVP)
    db = os.path.join(s.dir, "cmvp.db")
    run("db", "import", "--db", db, os.path.join(CMVP, "modules.json"),
        os.path.join(CMVP, "certificates"))
    banner_file("libcrypto-308.so", "3.0.8", "7 Feb 2023")
    d = os.path.join(s.dir, "fips")
    rep = s.scan(os.path.join(d, "libcrypto-308.so"), "--db", db, "--policy-date", "2026-11-26")
    f = rep.findings_for(rule="PK-CRY-0013")
    assert len(f) == 1, rep.findings_for(rule="PK-CRY-0012") + f
    assert "#4282" in f[0]["message"] and "FIPS 140-2" in f[0]["message"], f
    # the certificate's sunset (2026-09-21) is past on the day judged
    assert f[0]["severity"] == "medium" and "2026-09-21" in f[0]["message"], f
    rep = s.scan(os.path.join(d, "libcrypto-308.so"), "--db", db, "--policy-date", "2026-06-01")
    f = rep.findings_for(rule="PK-CRY-0013")
    assert len(f) == 1 and f[0]["severity"] == "info", f
    lib = [a for a in rep.doc["crypto"]["assets"] if a["kind"] == "library"]
    assert lib and lib[0]["fips_validated_version"] is True and lib[0]["cmvp_status"] == "Active", lib
    # a release that is not a validated one: PK-CRY-0012, naming what the CMVP holds
    banner_file("libcrypto-3019.so", "3.0.19", "27 Jan 2026")
    rep = s.scan(os.path.join(d, "libcrypto-3019.so"), "--db", db, "--policy-date", "2026-11-26")
    f = rep.findings_for(rule="PK-CRY-0012")
    assert len(f) == 1 and f[0]["severity"] == "low", f
    assert "for this version" in f[0]["message"] and "#4985" in f[0]["message"], f
    # another lab's bundle carries the CMVP rows unchanged
    import sqlite3
    mirror = os.path.join(s.dir, "mirror")
    run("db", "export", "--db", db, "--mirror", mirror)
    db2 = os.path.join(s.dir, "cmvp2.db")
    run("db", "import", "--db", db2, mirror)
    q = "SELECT id, cert, vendor, module, standard, status, validated, sunset, lab FROM cmvp ORDER BY id"
    rows = [sqlite3.connect(x).execute(q).fetchall() for x in (db, db2)]
    assert len(rows[0]) > 1000 and rows[0] == rows[1], (len(rows[0]), len(rows[1]))
    # without a database: the certificate is named, its status not checked
    rep = s.scan(os.path.join(d, "libcrypto-308.so"), "--policy-date", "2026-11-26")
    f = rep.findings_for(rule="PK-CRY-0013")
    assert len(f) == 1 and "status not checked" in f[0]["message"], f


s.run("CBOM: CycloneDX 1.6 schema, assets, reproducible", case_cbom_schema)
s.run("findings by policy date (2026, 2031, 2036)", case_findings_by_date)
s.run("--policy-date validated before the scan", case_bad_date)
s.run("text summary names the cryptography", case_text_summary)
s.run("FIPS: CMVP certificates of OpenSSL releases", case_cmvp)
s.finish()
