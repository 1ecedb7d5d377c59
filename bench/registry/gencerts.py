#!/usr/bin/env python3
"""Pre-signs many distinct certificates for the submit benchmark (bench/registry-wrk.sh).

    gencerts.py TEMPLATE.json LAB.key N BODIES HASHES

TEMPLATE is a certificate made by `parakh certify` (so the predicate is one
parakh itself wrote and docs/certificate.schema.json accepts). For each i < N
the Statement gets a fresh certificate_id (UUID v4), version 1.0.i and
subjects whose sha256 are those of the bytes "parakh-bench-i-j", and is
signed again with the lab's Ed25519 key over the DSSE PAE (docs/certificate.md),
so every body is a different, really signed certificate. BODIES gets one
envelope per line (compact JSON), HASHES the sha256 of each certificate's
first subject, one per line (the lookup benchmark's hits).

Needs python3-cryptography. Signing is about 20,000 certificates in a few
seconds; nothing here talks to the network."""
import base64
import hashlib
import json
import sys
import uuid

from cryptography.hazmat.primitives.serialization import load_pem_private_key


def pae(ptype, body):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def main(argv):
    if len(argv) != 6:
        sys.exit("usage: gencerts.py TEMPLATE.json LAB.key N BODIES HASHES")
    with open(argv[1]) as f:
        tmpl = json.load(f)
    with open(argv[2], "rb") as f:
        key = load_pem_private_key(f.read(), password=None)
    n = int(argv[3])
    ptype = tmpl["payloadType"]
    keyid = tmpl["signatures"][0]["keyid"]
    st = json.loads(base64.b64decode(tmpl["payload"]))
    names = [s["name"] for s in st["subject"]]
    base_version = st["predicate"]["product"]["version"]
    with open(argv[4], "w") as out, open(argv[5], "w") as hashes:
        for i in range(n):
            st["subject"] = [{"name": name, "digest": {"sha256": hashlib.sha256(
                b"parakh-bench-%d-%d" % (i, j)).hexdigest()}} for j, name in enumerate(names)]
            st["predicate"]["certificate_id"] = str(uuid.uuid4())
            st["predicate"]["product"]["version"] = "%s.%d" % (base_version, i)
            body = json.dumps(st, separators=(",", ":")).encode()
            sig = key.sign(pae(ptype, body))
            env = {"payload": base64.b64encode(body).decode(), "payloadType": ptype,
                   "signatures": [{"keyid": keyid, "sig": base64.b64encode(sig).decode()}]}
            out.write(json.dumps(env, separators=(",", ":")) + "\n")
            hashes.write(st["subject"][0]["digest"]["sha256"] + "\n")


if __name__ == "__main__":
    main(sys.argv)
