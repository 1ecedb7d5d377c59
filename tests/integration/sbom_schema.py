#!/usr/bin/env python3
"""The SBOMs parakh writes, checked against the official JSON schemas, offline:
CycloneDX 1.6 against bom-1.6.schema.json (its $refs to spdx.schema.json and
jsf-0.82.schema.json resolved from the stored copies through a referencing
Registry), CycloneDX 1.5 against the same 1.6 schema (no 1.5 schema is stored;
1.6 accepts every 1.5 construct parakh writes, including the single identity
object), SPDX 2.3 against spdx-schema.json. Then the stored official examples
(SPDX 2.3 and the CycloneDX 1.6 spec test cases) are read by the reader: valid-*
must read without error and be written again as schema-valid CycloneDX 1.6;
invalid-* may be accepted (the reader is lenient) but must not crash.
Environment: PK_SBOM_EMIT (tests/unit/sbom_emit.c), PK_SHARED (shared data)."""
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
except ImportError as e:  # python3-jsonschema >= 4.18 brings referencing
    print("SKIP: python3-jsonschema with referencing is missing (%s)" % e)
    sys.exit(0)

EMIT = os.environ["PK_SBOM_EMIT"]
SHARED = os.environ.get("PK_SHARED") or os.path.join(os.environ["PK_SRC"], "..", "shared", "data")
CDX_DIR = os.path.join(SHARED, "schemas", "cyclonedx")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def cdx_validator():
    registry = Registry()
    for name in ("spdx.schema.json", "jsf-0.82.schema.json", "bom-1.6.schema.json"):
        doc = load(os.path.join(CDX_DIR, name))
        res = Resource.from_contents(doc, default_specification=DRAFT7)
        # reachable both by the bare file name the schema uses and by its $id
        registry = registry.with_resource(name, res)
        if "$id" in doc:
            registry = registry.with_resource(doc["$id"], res)
    schema = load(os.path.join(CDX_DIR, "bom-1.6.schema.json"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry)


def spdx_validator():
    schema = load(os.path.join(SHARED, "schemas", "spdx-2.3", "spdx-schema.json"))
    return jsonschema.validators.validator_for(schema)(schema)


def run(args):
    p = subprocess.run([EMIT] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def validate(v, doc, what):
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:10]:
        fail("%s: %s at %s" % (what, e.message[:300], "/".join(map(str, e.absolute_path))))
    return not errs


def main():
    cdx, spdx = cdx_validator(), spdx_validator()
    # the writers, on the fixture inventory
    for fmt, v, spec in (("cyclonedx", cdx, "1.6"), ("cyclonedx-1.5", cdx, "1.5"),
                         ("spdx", spdx, None)):
        for mode in ([], ["random"]):
            rc, out, err = run([fmt] + mode)
            if rc != 0:
                fail("sbom_emit %s %s: rc %d: %s" % (fmt, mode, rc, err))
                continue
            doc = json.loads(out)
            what = "%s%s" % (fmt, " (random)" if mode else "")
            if validate(v, doc, what):
                print("ok: %s output is schema-valid" % what)
            if spec and doc.get("specVersion") != spec:
                fail("%s: specVersion %r" % (what, doc.get("specVersion")))
            if spec == "1.5":
                ids = [c["evidence"]["identity"] for c in doc["components"] if "evidence" in c]
                if not ids or not all(isinstance(i, dict) for i in ids):
                    fail("cyclonedx-1.5: identity must be one object per component")

    # the reader, on the stored official examples
    spdx_ex = os.path.join(SHARED, "standards-examples", "spdx-2.3", "SPDXJSONExample-v2.3.spdx.json")
    cases = sorted(glob.glob(os.path.join(SHARED, "standards-examples", "cyclonedx",
                                          "spec-testcases-1.6", "*.json")))
    if not os.path.exists(spdx_ex) or not cases:
        fail("official examples missing under %s" % SHARED)
    for path in [spdx_ex] + cases:
        base = os.path.basename(path)
        for fmt, v in (("cyclonedx", cdx), ("spdx", spdx)):
            rc, out, err = run(["read", path, fmt])
            if rc < 0:
                fail("%s: the reader crashed (signal %d)" % (base, -rc))
                break
            if base.startswith("invalid-"):
                break  # accepted or refused: either is fine, not crashing is the test
            if rc != 0:
                fail("%s: not read: %s" % (base, err.strip()))
                break
            if validate(v, json.loads(out), "%s re-written as %s" % (base, fmt)):
                print("ok: %s read (%s), re-written %s is schema-valid" %
                      (base, err.strip(), fmt))
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
