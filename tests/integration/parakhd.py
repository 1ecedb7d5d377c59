#!/usr/bin/env python3
"""parakhd against its contract (docs/registry-api.md, docs/registry-openapi.json).

    parakhd.py api sqlite|pg     roles x endpoints, lookups, the log
    parakhd.py bad sqlite|pg     bad input: bodies, sizes, URLs, methods, back-dating
    parakhd.py client sqlite     submit/verify/revoke/supersede, export + mirror
    parakhd.py tamper            rows edited in the SQLite file
    parakhd.py slow              clients that trickle (SQLite)
    parakhd.py crash sqlite|pg   kill -9 during a storm of submits
    parakhd.py two               two parakhd on one PostgreSQL database

Every response any case gets is also checked against the OpenAPI document
(status documented for the route, content type, body schema); the last case
of each run lists every mismatch. Fixtures come from regkit.py (keys, labs,
certificates, tokens, a TLS certificate, the server process). pg: a throwaway
cluster (pgcluster.py); skipped (77) without PostgreSQL except under CI.
Servers listen on 127.0.0.1 only. No timed assertions: timeouts only stop hangs.
"""
import base64
import json
import os
import re
import shutil
import socket
import ssl
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regkit  # noqa: E402
from regkit import Kit, OpenAPI, Server, check_error, leaf_hash, parse_note  # noqa: E402
from regkit import root_of, verify_consistency, verify_inclusion  # noqa: E402

GROUP = sys.argv[1] if len(sys.argv) > 1 else "api"
BACKEND = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
CI = bool(os.environ.get("CI"))
HEX64 = "0" * 63 + "1"


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, expected %r" % (what, got, want))


class World:
    """The run's fixtures, the server(s), and every response seen."""

    def __init__(self, db):
        self.dir = tempfile.mkdtemp(prefix="pk-it-parakhd-")
        self.kit = Kit(self.dir)
        self.db = db
        self.seen = []  # (method, path, Resp)
        self.api_errors = []
        try:
            self.openapi = OpenAPI()
        except (OSError, ValueError) as e:
            self.openapi = None
            self.api_errors.append("docs/registry-openapi.json unreadable: %s" % e)
        self.srv = None
        self.tok = {}

    def req(self, method, path, body=None, role="public", srv=None, **kw):
        tok = self.tok.get(role) if role != "public" else None
        r = (srv or self.srv).req(method, path, body, token=tok, **kw)
        self.seen.append((method, path, r))
        if self.openapi is not None:
            try:
                self.openapi.check(method, path, r)
            except AssertionError as e:
                self.api_errors.append(str(e))
            # headers the document's description promises on every response
            if r.headers.get("x-content-type-options") != "nosniff":
                self.api_errors.append("%s %s: %d without X-Content-Type-Options: nosniff" %
                                       (method, path[:80], r.status))
            if path.startswith("/api/") and "no-store" not in r.headers.get("cache-control", ""):
                self.api_errors.append("%s %s: %d without Cache-Control: no-store" %
                                       (method, path[:80], r.status))
        return r

    def checkpoint(self, srv=None):
        r = self.req("GET", "/api/v1/log/checkpoint", srv=srv)
        eq(r.status, 200, "GET /api/v1/log/checkpoint")
        note = r.body.decode()
        origin, size, root, _, _ = parse_note(note)
        eq(origin, regkit.ORIGIN, "checkpoint origin")
        try:
            check(regkit.note_signed(note, self.kit.log_keys()[2]),
                  "checkpoint not signed by the log key:\n" + note)
        except ImportError:
            pass
        return size, root, note

    def leaves(self, size, srv=None):
        out, start = [], 0
        while start < size:
            r = self.req("GET", "/api/v1/log/leaves?start=%d&end=%d" % (start, size), srv=srv)
            eq(r.status, 200, "GET leaves start=%d: %r" % (start, r.body[:300]))
            got = r.json["leaves"]
            check(0 < len(got) <= 256, "leaves: %d returned from %d" % (len(got), start))
            for i, x in enumerate(got):
                eq(x["index"], start + i, "leaf index")
                out.append(base64.b64decode(x["leaf"]))
            start += len(got)
        return out

    def log_verifies(self, srv=None):
        """The checkpoint's root is the root of the served leaves; returns them."""
        size, root, note = self.checkpoint(srv)
        data = self.leaves(size, srv)
        eq(root_of([leaf_hash(d) for d in data]).hex(), root.hex(),
           "root recomputed from /api/v1/log/leaves vs checkpoint (size %d)" % size)
        return size, data, note

    def unchanged(self, before, what):
        size = self.checkpoint()[0]
        eq(size, before, "log size after %s (nothing may be stored)" % what)
        check(self.srv.alive(), "parakhd died after %s:\n%s" % (what, self.srv.log()))
        eq(self.req("GET", "/healthz").status, 200, "healthz after " + what)

    def close(self):
        for s in getattr(self, "servers", [self.srv]):
            if s is not None:
                s.kill9()
        shutil.rmtree(self.dir, ignore_errors=True)


# -- the suite's bookkeeping ------------------------------------------------------------
RESULTS = []


def case(name, fn, *args):
    t = time.time()
    try:
        fn(*args)
    except Skip as e:
        RESULTS.append("SKIP")
        print("SKIP  %s: %s" % (name, e), flush=True)
    except AssertionError as e:
        RESULTS.append("FAIL")
        print("FAIL  %s: %s" % (name, e), flush=True)
    except Exception:
        import traceback
        RESULTS.append("FAIL")
        print("FAIL  %s: %s" % (name, traceback.format_exc()), flush=True)
    else:
        RESULTS.append("PASS")
        print("PASS  %s (%.1fs)" % (name, time.time() - t), flush=True)


def finish(w):
    if w is not None:
        case("every response matches docs/registry-openapi.json and its headers (%d responses)"
             % len(w.seen), openapi_case, w)
        w.close()
    n = {s: RESULTS.count(s) for s in ("PASS", "FAIL", "SKIP")}
    print("parakhd %s %s: %d passed, %d failed, %d skipped" %
          (GROUP, BACKEND, n["PASS"], n["FAIL"], n["SKIP"]))
    sys.exit(1 if n["FAIL"] or not n["PASS"] else 0)


def openapi_case(w):
    uniq = sorted(set(w.api_errors))
    check(not uniq, "%d mismatches:\n  %s" % (len(uniq), "\n  ".join(uniq[:40])))


# -- fixtures shared by the groups -----------------------------------------------------------
LAB_A, LAB_B, LAB_S, LAB_U, LAB_N = "LAB-ISB-01", "LAB-KHI-02", "LAB-SUS-09", "LAB-UNK-07", \
    "LAB-NEW-05"
ROLES = ["public", "organisational", "sectoral", "lab-own", "lab-other", "national", "revoked",
         "garbage", "malformed"]


def setup(w):
    k = w.kit
    k.program("hello")
    for lab in (LAB_A, LAB_B, LAB_S, LAB_N):
        k.lab(lab)
    k.lab(LAB_U, accredit=False)
    k.tls()
    k.log_keys()
    mk = [("national", "national", None), ("sectoral", "sectoral", None),
          ("organisational", "organisational", None), ("lab-own", "lab", LAB_A),
          ("lab-other", "lab", LAB_B), ("lab-sus", "lab", LAB_S), ("lab-unk", "lab", LAB_U),
          ("revoked", "national", None)]
    for role, tier, lab in mk:
        t = k.token(w.db, tier, "test " + role, lab=lab)
        w.tok[role] = t.secret
        if role == "revoked":
            check(t.id, "token create printed no token id to revoke:\n" + t.out)
            k.token_revoke(w.db, t.id)
    w.tok["garbage"] = "pkt_" + "A" * 43
    w.tok["malformed"] = "not-a-token"
    w.srv = Server(k, w.db).start()
    for lab in (LAB_A, LAB_B, LAB_S):
        with open(k.labs[lab].accr) as f:
            r = w.req("POST", "/api/v1/labs", f.read(), role="national")
        eq(r.status, 201, "accredit %s: %r" % (lab, r.body[:300]))


def post_cert(w, cert, role="lab-own", query=""):
    return w.req("POST", "/api/v1/certificates" + query, cert.text, role=role)


# -- api: roles x endpoints ----------------------------------------------------------------------
def expect(role, allowed):
    """The contract's table: 401 for no/unknown/revoked/malformed tokens on
    writes and for any bad token anywhere; 403 for a known role not allowed."""
    if role in ("revoked", "garbage", "malformed"):
        return 401
    if role in allowed:
        return None  # 2xx
    return 401 if role == "public" else 403


def case_roles_reads(w):
    c = post_cert(w, w.kit.certify(w.kit.labs[LAB_A], version="0.9"))
    eq(c.status, 201, "submit for reads: %r" % c.body[:300])
    cid, size = c.json["id"], w.checkpoint()[0]
    sha = w.kit.program("hello")["sha256"]
    gets = ["/", "/lookup.js", "/lookup.css", "/healthz", "/openapi.json",
            "/api/v1/certificates?sha256=" + sha,
            "/api/v1/certificates?purl=pkg%3Ageneric%2Facme%2Fhello%400.9",
            "/api/v1/certificates/" + cid, "/api/v1/labs", "/api/v1/labs/" + LAB_A,
            "/api/v1/log/checkpoint", "/api/v1/log/proof/inclusion?index=0&size=%d" % size,
            "/api/v1/log/proof/consistency?from=1&to=%d" % size,
            "/api/v1/log/leaves?start=0&end=%d" % size, "/api/v1/log/key"]
    bad = []
    for path in gets:
        for role in ROLES:
            r = w.req("GET", path, role=role)
            want = 401 if role in ("revoked", "garbage", "malformed") else 200
            if r.status != want:
                bad.append("GET %s as %s: %d, expected %d %r" % (path, role, r.status, want,
                                                                 r.body[:120]))
            if r.status == 401 and "bearer" not in r.headers.get("www-authenticate", "").lower():
                bad.append("GET %s as %s: 401 without WWW-Authenticate: Bearer" % (path, role))
            if r.status >= 400:
                try:
                    check_error(r, None, "GET %s as %s" % (path, role))
                except AssertionError as e:
                    bad.append(str(e))
    check(not bad, "%d wrong answers:\n  %s" % (len(bad), "\n  ".join(bad[:40])))


def try_write(w, method, path, body_for, allowed, ok_status=201):
    """Every role against one write: denied roles first (nothing stored), then
    each allowed role once with a fresh body."""
    bad = []
    for role in ROLES:
        want = expect(role, allowed)
        if want is None:
            continue
        before = w.checkpoint()[0]
        r = w.req(method, path(role), body_for(role), role=role)
        if r.status != want:
            bad.append("%s %s as %s: %d, expected %d %r" % (method, path(role), role, r.status,
                                                            want, r.body[:160]))
        elif r.status == 401 and "bearer" not in r.headers.get("www-authenticate", "").lower():
            bad.append("%s as %s: 401 without WWW-Authenticate: Bearer" % (method, role))
        else:
            try:
                check_error(r, want, "%s %s as %s" % (method, path(role), role))
            except AssertionError as e:
                bad.append(str(e))
        if w.checkpoint()[0] != before:
            bad.append("%s as %s: the log grew on a denied request" % (method, role))
    for role in allowed:
        r = w.req(method, path(role), body_for(role), role=role)
        if r.status != ok_status:
            bad.append("%s %s as %s: %d, expected %d %r" % (method, path(role), role, r.status,
                                                            ok_status, r.body[:300]))
    check(not bad, "%d wrong answers:\n  %s" % (len(bad), "\n  ".join(bad[:40])))


def case_roles_writes(w):
    k = w.kit
    a = k.labs[LAB_A]
    fresh = k.certify(a, version="1.1")
    try_write(w, "POST", lambda r: "/api/v1/certificates", lambda r: fresh.text, ["lab-own"])
    eq(w.req("GET", "/api/v1/certificates/" + fresh.id).status, 200, "submitted cert found")
    # revocation: national on one certificate, the issuing lab on another
    targets = {}
    for role in ("national", "lab-own", "x"):
        c = k.certify(a, version="1.2-" + role)
        eq(post_cert(w, c).status, 201, "submit revocation target")
        targets[role] = c.id
    try_write(w, "POST",
              lambda r: "/api/v1/certificates/%s/revocation" % targets.get(r, targets["x"]),
              lambda r: {"reason": "revoked by %s in the role test" % r}, ["national", "lab-own"])
    # accreditation of LAB-NEW-05 (only national), then its suspension
    with open(k.labs[LAB_N].accr) as f:
        accr = f.read()
    try_write(w, "POST", lambda r: "/api/v1/labs", lambda r: accr, ["national"])
    susp = open(k.suspend(LAB_N, "2026-02-01", "role test", "susp-new.json")).read()
    try_write(w, "POST", lambda r: "/api/v1/labs/%s/suspension" % LAB_N, lambda r: susp,
              ["national"])
    r = w.req("GET", "/api/v1/labs/" + LAB_N)
    eq(r.status, 200, "GET lab")
    eq([x["state"] for x in r.json["labs"]], ["suspended"], "state of the suspended lab")


CONTRACT_ROUTES = [("get", "/healthz"), ("get", "/openapi.json"), ("get", "/"),
                   ("get", "/api/v1/certificates"), ("post", "/api/v1/certificates"),
                   ("get", "/api/v1/certificates/{id}"),
                   ("post", "/api/v1/certificates/{id}/revocation"), ("get", "/api/v1/labs"),
                   ("post", "/api/v1/labs"), ("get", "/api/v1/labs/{lab}"),
                   ("post", "/api/v1/labs/{lab}/suspension"), ("get", "/api/v1/log/checkpoint"),
                   ("get", "/api/v1/log/proof/inclusion"),
                   ("get", "/api/v1/log/proof/consistency"), ("get", "/api/v1/log/leaves"),
                   ("get", "/api/v1/log/key")]


def case_document(w):
    check(w.openapi is not None, "docs/registry-openapi.json is missing")
    missing = []
    for m, p in CONTRACT_ROUTES:
        tmpl, item = w.openapi.route(p.replace("{id}", HEX64).replace("{lab}", LAB_A))
        if item is None or m not in item:
            missing.append("%s %s" % (m.upper(), p))
    check(not missing, "routes of docs/registry-api.md missing from the OpenAPI document: %s"
          % missing)
    r = w.req("GET", "/openapi.json")
    if r.json != w.openapi.doc:
        got, want = r.json or {}, w.openapi.doc
        diff = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
        paths = [k for k in sorted(set(got.get("paths", {})) | set(want.get("paths", {})))
                 if got.get("paths", {}).get(k) != want.get("paths", {}).get(k)]
        raise AssertionError("GET /openapi.json differs from docs/registry-openapi.json in %s; "
                             "paths %s" % (diff, paths))


# -- api: contract answers ---------------------------------------------------------------------
def case_submit_lookup(w):
    k = w.kit
    prog = k.program("lookup")
    c = k.certify(k.labs[LAB_A], version="2.0", program="lookup")
    before = w.checkpoint()[0]
    r = post_cert(w, c)
    eq(r.status, 201, "submit: %r" % r.body[:300])
    eq(r.json["id"], c.id, "id = pk_cert_digest (sha256 of the PAE)")
    eq(r.json["log_index"], before, "log_index = the size before")
    eq(parse_note(r.json["checkpoint"])[1], before + 1, "the answered checkpoint covers the leaf")
    again = post_cert(w, c)
    eq(again.status, 409, "the same certificate again")
    eq((again.json or {}).get("id"), c.id, "409 names the existing id")
    eq((again.json or {}).get("log_index"), before, "409 names the existing log_index")
    check_error(again, 409)
    size, root, note = w.checkpoint()
    eq(size, before + 1, "log size after one submit and one 409")
    leaves = w.leaves(size)
    leaf = leaves[before]
    d = json.loads(leaf)
    eq(list(d), ["kind", "logged", "id", "supersedes", "envelope"], "certificate leaf keys")
    eq((d["kind"], d["id"], d["supersedes"], d["envelope"]), ("certificate", c.id, None, c.text),
       "leaf fields; the envelope byte for byte")
    eq(leaf, json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode(), "no whitespace")
    for q, subj in (("sha256=" + prog["sha256"], "lookup.zip"),
                    ("sha256=" + c.subjects["lookup.zip!/bin/hello"], "lookup.zip!/bin/hello")):
        r = w.req("GET", "/api/v1/certificates?" + q)
        eq(r.status, 200, "lookup " + q)
        ents = [e for e in r.json["certificates"] if e["id"] == c.id]
        eq(len(ents), 1, "the certificate in the lookup by " + q)
        e = ents[0]
        eq((e["status"], e["subject"], e["lab"], e["verdict"], e["product"], e["version"]),
           ("VALID", subj, LAB_A, "APPROVE WITH CONDITIONS", "Hello", "2.0"), "entry")
        eq((e["revocation"], e["superseded_by"], e["log_index"]), (None, None, before), "entry")
        eq(base64.b64decode(e["leaf"]), leaf, "entry leaf = log leaf")
        csize, croot = parse_note(r.json["checkpoint"])[1:3]
        check(verify_inclusion(before, csize, leaf_hash(leaf), [bytes.fromhex(x) for x in
                                                               e["inclusion"]], croot),
              "entry inclusion proof fails against the answer's checkpoint")
        labs = {json.loads(base64.b64decode(x["leaf"]))["lab"] for x in r.json["labs"]}
        check(LAB_A in labs, "labs[] holds the lab's accreditation leaf: %s" % labs)
    r = w.req("GET", "/api/v1/certificates?purl=" + "pkg%3Ageneric%2Facme%2Fhello%402.0")
    check(c.id in [e["id"] for e in r.json["certificates"]], "purl lookup")
    r = w.req("GET", "/api/v1/certificates?sha256=" + HEX64)
    eq((r.status, r.json["certificates"]), (200, []), "unknown sha256: 200, empty list")
    r = w.req("GET", "/api/v1/certificates/" + c.id)
    eq((r.status, r.json.get("envelope")), (200, c.text), "GET by id holds the envelope")
    eq(w.req("GET", "/api/v1/certificates/" + HEX64).status, 404, "unknown id")


def case_log(w):
    size, data, note = w.log_verifies()
    check(size >= 4, "log size %d" % size)
    root = parse_note(note)[2]
    for i in (0, size // 2, size - 1):
        r = w.req("GET", "/api/v1/log/proof/inclusion?index=%d&size=%d" % (i, size))
        eq(r.status, 200, "inclusion proof")
        eq(r.json["leaf_hash"], leaf_hash(data[i]).hex(), "leaf_hash of leaf %d" % i)
        check(verify_inclusion(i, size, leaf_hash(data[i]),
                               [bytes.fromhex(x) for x in r.json["proof"]], root),
              "inclusion proof of %d in %d fails" % (i, size))
    for m in (1, 2, size - 1, size):
        r = w.req("GET", "/api/v1/log/proof/consistency?from=%d&to=%d" % (m, size))
        eq(r.status, 200, "consistency proof %d..%d: %r" % (m, size, r.body[:200]))
        old = root_of([leaf_hash(x) for x in data[:m]])
        check(verify_consistency(m, size, [bytes.fromhex(x) for x in r.json["proof"]], old, root),
              "consistency proof %d..%d fails" % (m, size))
    order = {"certificate": ["kind", "logged", "id", "supersedes", "envelope"],
             "accreditation": ["kind", "logged", "lab", "envelope"],
             "suspension": ["kind", "logged", "lab", "envelope"],
             "revocation": ["kind", "logged", "id", "reason", "date", "by_role", "by_name"]}
    for i, x in enumerate(data):
        d = json.loads(x)
        eq(list(d), order.get(d.get("kind")), "keys of leaf %d (%s)" % (i, d.get("kind")))
        check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", d["logged"]),
              "leaf %d logged %r is not RFC 3339 UTC seconds" % (i, d["logged"]))
        eq(x, json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode(),
           "leaf %d has no whitespace" % i)
    r = w.req("GET", "/api/v1/log/leaves?start=0&end=%d" % (size + 100))
    eq(len(r.json["leaves"]), size, "leaves: end clipped to the size")
    kinds = [json.loads(x)["kind"] for x in data]
    for kind in ("accreditation", "suspension", "certificate", "revocation"):
        check(kind in kinds, "no %s leaf in the log: %s" % (kind, kinds))
    r = w.req("GET", "/api/v1/log/key")
    eq(r.body.decode().strip(), w.kit.log_keys()[2], "/api/v1/log/key")
    for q in ("index=%d&size=%d" % (size, size), "index=0&size=%d" % (size + 1), "index=x&size=1"):
        check_error(w.req("GET", "/api/v1/log/proof/inclusion?" + q), 400, "inclusion " + q)
    check_error(w.req("GET", "/api/v1/log/proof/consistency?from=%d&to=%d" % (size, size - 1)),
                400, "consistency from > to")


def good_a(w, _memo={}):
    """One valid, unrevoked certificate of LAB_A in the log."""
    if "c" not in _memo:
        _memo["c"] = w.kit.certify(w.kit.labs[LAB_A], version="3.9")
        eq(post_cert(w, _memo["c"]).status, 201, "submit")
    return _memo["c"]


def case_records(w):
    k = w.kit
    before = w.checkpoint()[0]
    c = k.certify(k.labs[LAB_A], version="3.0")
    eq(post_cert(w, c).status, 201, "submit")
    good_a(w)
    eq(w.req("POST", "/api/v1/certificates/%s/revocation" % c.id,
             {"reason": "key compromise", "date": "2026-11-20"}, role="national").status, 201,
       "revoke")
    check_error(w.req("POST", "/api/v1/certificates/%s/revocation" % c.id, {"reason": "again"},
                      role="national"), 409, "second revocation")
    check_error(w.req("POST", "/api/v1/certificates/%s/revocation" % HEX64, {"reason": "x"},
                      role="national"), 404, "revocation of an unknown certificate")
    e = w.req("GET", "/api/v1/certificates/" + c.id).json
    eq((e["status"], e["revocation"]["reason"], e["revocation"]["by_role"]),
       ("REVOKED", "key compromise", "national"), "revoked entry")
    with open(k.labs[LAB_A].accr) as f:
        check_error(w.req("POST", "/api/v1/labs", f.read(), role="national"), 409,
                    "the same accreditation again")
    forged = k.accredit("LAB-FRG-03", k.labs[LAB_A].pub, "forged.json", root_key=k.labs[LAB_A].key)
    with open(forged) as f:
        check_error(w.req("POST", "/api/v1/labs", f.read(), role="national"), 422,
                    "accreditation not signed by the root")
    susp = k.suspend("LAB-NONE-04", "2026-01-01", "x", "susp-none.json")
    with open(susp) as f:
        check_error(w.req("POST", "/api/v1/labs/LAB-NONE-04/suspension", f.read(),
                          role="national"), 404, "suspension of a lab never accredited")
    other = k.suspend(LAB_B, "2026-01-01", "x", "susp-b.json")
    with open(other) as f:
        check_error(w.req("POST", "/api/v1/labs/%s/suspension" % LAB_A, f.read(),
                          role="national"), 422, "suspension naming another lab")
    # superseding another lab's, a revoked or an unknown certificate: 422
    # (well-formed but refused; the contract names no code for these)
    b = k.certify(k.labs[LAB_B], version="3.1")
    check_error(post_cert(w, b, role="lab-other", query="?supersedes=" + good_a(w).id), 422,
                "a certificate superseding another lab's")
    a2 = k.certify(k.labs[LAB_A], version="3.2")
    check_error(post_cert(w, a2, query="?supersedes=" + c.id), 422,
                "a certificate superseding a revoked one")
    check_error(post_cert(w, a2, query="?supersedes=" + HEX64), 422,
                "a certificate superseding an unknown id")
    eq(w.checkpoint()[0], before + 3, "log grew by two certificates and a revocation only")
    r = w.req("GET", "/api/v1/labs")
    labs = {x["lab"]: x for x in r.json["labs"]}
    for lab in (LAB_A, LAB_B):
        eq(labs.get(lab, {}).get("state"), "accredited", "state of " + lab)


# -- api: bad input -----------------------------------------------------------------------------
def case_bad_bodies(w):
    k = w.kit
    a = k.labs[LAB_A]
    good = k.certify(a, version="4.0")
    env = json.loads(good.text)
    st = base64.b64decode(env["payload"]).replace(b'"4.0"', b'"4.1"')
    env["payload"] = base64.b64encode(st).decode()
    badsig = json.dumps(env)
    unk = k.certify(k.labs[LAB_U], version="4.0")
    susp = open(k.suspend(LAB_S, "2026-01-01T00:00:00Z", "audit failed", "susp-s.json")).read()
    eq(w.req("POST", "/api/v1/labs/%s/suspension" % LAB_S, susp, role="national").status, 201,
       "suspend " + LAB_S)
    sus = k.certify(k.labs[LAB_S], version="4.0")
    lab = w.req("GET", "/api/v1/labs/" + LAB_S).json["labs"][0]
    eq((lab["state"], lab["suspended_from"], lab["reason"]),
       ("suspended", "2026-01-01T00:00:00Z", "audit failed"), "GET /api/v1/labs/" + LAB_S)
    tries = [("malformed JSON", "lab-own", b'{"payload": ', "application/json", 400),
             ("not an envelope", "lab-own", b'{"a": 1}', "application/json", 422),
             ("wrong signature", "lab-own", badsig, "application/json", 422),
             ("unknown lab", "lab-unk", unk.text, "application/json", 422),
             ("suspended lab", "lab-sus", sus.text, "application/json", 422),
             ("another lab's certificate", "lab-other", good.text, "application/json", 403),
             ("text/plain", "lab-own", good.text, "text/plain", 415),
             ("no content type", "lab-own", good.text, None, 415),
             ("empty body", "lab-own", b"", "application/json", 400),
             ("revocation: malformed", "national", b"{", "application/json", 400),
             ("revocation: reason missing", "national", b"{}", "application/json", 400),
             ("revocation: reason too long", "national", {"reason": "x" * 1025},
              "application/json", 400),
             ("revocation: bad date", "national", {"reason": "x", "date": "tomorrow"},
              "application/json", 400)]
    target = k.certify(a, version="4.2")
    eq(post_cert(w, target).status, 201, "revocation target")
    bad = []
    for what, role, body, ctype, want in tries:
        before = w.checkpoint()[0]
        path = "/api/v1/certificates" if not what.startswith("revocation") else \
            "/api/v1/certificates/%s/revocation" % target.id
        r = w.req("POST", path, body, role=role, ctype=ctype)
        try:
            check_error(r, want, what)
            w.unchanged(before, what)
        except AssertionError as e:
            bad.append(str(e))
    check(not bad, "\n  ".join(bad))


def case_backdated(w):
    """A certificate issued before its lab's suspension but submitted after it:
    refused (422), or stored and then LAB SUSPENDED in every lookup."""
    k = w.kit
    lab = k.lab("LAB-BKD-08")
    with open(lab.accr) as f:
        eq(w.req("POST", "/api/v1/labs", f.read(), role="national").status, 201, "accredit")
    tok = k.token(w.db, "lab", "backdater", lab=lab.id)
    w.tok["lab-bkd"] = tok.secret
    c = k.certify(lab, version="5.0")
    issued = json.loads(base64.b64decode(json.loads(c.text)["payload"]))["predicate"]["issued"]
    frm = issued
    while frm <= issued:  # the next second: the suspension starts after the issue time
        time.sleep(0.2)
        frm = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(k.suspend(lab.id, frm, "back-dating test", "susp-bkd.json")) as f:
        eq(w.req("POST", "/api/v1/labs/%s/suspension" % lab.id, f.read(),
                 role="national").status, 201, "suspend")
    before = w.checkpoint()[0]
    r = w.req("POST", "/api/v1/certificates", c.text, role="lab-bkd")
    if r.status == 422:
        check_error(r, 422, "back-dated submission")
        w.unchanged(before, "back-dated submission")
        return
    eq(r.status, 201, "back-dated submission: 422, or 201 and LAB SUSPENDED")
    e = w.req("GET", "/api/v1/certificates/" + c.id).json
    eq(e["status"], "LAB SUSPENDED", "status of a certificate logged after its lab's suspension")


def case_big_body(w):
    before = w.checkpoint()[0]
    n = 4 * 1024 * 1024 + 1
    hdr = ("POST /api/v1/certificates HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
           % (w.tok["lab-own"], n)).encode()
    resp = send_big(w.srv, hdr, b'{"a":"' + b"x" * (n - 8) + b'"}')
    st = status_of(resp)
    limit = hdr.replace(b"Length: %d" % n, b"Length: %d" % (n - 1))
    exact = send_big(w.srv, limit, b'{"a":"' + b"x" * (n - 9) + b'"}')
    check(status_of(exact) in (400, 422), "a body of exactly 4 MiB is read and refused as a "
          "certificate (400/422), not %r" % exact[:200])
    eq(st, 413, "status of a 4 MiB + 1 body (Content-Length): %r" % resp[:300])
    check(b'"too_large"' in resp, "413 body names too_large: %r" % resp[-300:])
    hdr = ("POST /api/v1/certificates HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close"
           "\r\n\r\n" % w.tok["lab-own"]).encode()
    chunk = b"x" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 65 + b"0\r\n\r\n"
    resp = send_big(w.srv, hdr, body)
    eq(status_of(resp), 413, "status of a chunked body over 4 MiB: %r" % resp[:300])
    w.unchanged(before, "bodies over 4 MiB")


def send_big(srv, hdr, body):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=60 * regkit.SLOW)
    t = srv.ctx.wrap_socket(s, server_hostname="127.0.0.1")
    try:
        t.sendall(hdr)
        for i in range(0, len(body), 65536):
            t.sendall(body[i:i + 65536])
    except (OSError, ssl.SSLError):
        pass  # the server may answer and close before reading it all
    out = b""
    try:
        while True:
            x = t.recv(65536)
            if not x:
                break
            out += x
    except (OSError, ssl.SSLError):
        pass
    t.close()
    return out


def status_of(resp):
    try:
        return int(resp.split(b"\r\n", 1)[0].split()[1])
    except (IndexError, ValueError):
        return None


def case_slow_client(w):
    """Connections that send headers and then trickle a byte a second: the
    server answers others meanwhile and drops them (408 or a close) within
    40 s (an inactivity timeout alone never fires: each byte resets it)."""
    conns = []
    for i in range(8):  # 4 trickle a body, 4 their headers
        s = socket.create_connection(("127.0.0.1", w.srv.port), timeout=10)
        t = w.srv.ctx.wrap_socket(s, server_hostname="127.0.0.1")
        if i % 2:
            t.sendall(b"GET /api/v1/labs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
        else:
            t.sendall(("POST /api/v1/certificates HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization:"
                       " Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100000"
                       "\r\n\r\n{" % w.tok["lab-own"]).encode())
        conns.append(t)
    before = w.checkpoint()[0]
    dropped = [False] * len(conns)
    deadline = time.time() + 40  # the server's clock, not ours: not scaled for ASan
    rounds = 0
    while not all(dropped) and time.time() < deadline:
        for i, t in enumerate(conns):
            if dropped[i]:
                continue
            try:
                t.sendall(b" ")
            except (OSError, ssl.SSLError):
                dropped[i] = True
        eq(w.req("GET", "/healthz").status, 200, "healthz while slow clients trickle")
        eq(w.req("GET", "/api/v1/labs").status, 200, "labs while slow clients trickle")
        rounds += 1
        time.sleep(1)
    for t in conns:
        t.close()
    check(all(dropped), "still open after %d s: %d of 4 trickling a body, %d of 4 trickling "
          "headers (others were served throughout)" % (rounds, dropped[0::2].count(False),
                                                        dropped[1::2].count(False)))
    w.unchanged(before, "slow clients")


def case_strange_urls(w):
    before = w.checkpoint()[0]
    paths = ["/../../etc/passwd", "/api/v1/../../etc/passwd", "/api/v1/certificates/%00",
             "/api/v1/labs/%2e%2e%2f%2e%2e", "/api/v1/nope", "//api//v1//labs",
             "/api/v1/labs/%zz", "/api/v1/certificates?sha256=%G1",
             "/api/v1/certificates?sha256=xyz",
             "/api/v1/certificates?sha256=" + "A" * 65, "/api/v1/certificates",
             "/api/v1/log/leaves?start=-1&end=2", "/api/v1/log/leaves?start=5&end=1",
             "/api/v1/log/proof/inclusion", "/" + "a" * 70000, "/api/v1/labs/" + "L" * 5000,
             "/api/v1/certificates/" + "f" * 63, "/lookup.js/..", "/index.html%00.js"]
    bad = []
    for p in paths:
        try:
            r = w.req("GET", p)
        except Exception as e:  # noqa: BLE001
            bad.append("GET %s: %s" % (p[:80], e))
            continue
        if not 400 <= r.status < 500:
            bad.append("GET %s: %d, expected a 4xx %r" % (p[:80], r.status, r.body[:100]))
            continue
        try:
            check_error(r, None, "GET " + p[:80])
        except AssertionError as e:
            bad.append(str(e))
    # libmicrohttpd answers these itself (its own HTML bodies): the status only
    for raw in (b"GET /api/v1/labs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"):
        resp = w.srv.raw(raw, timeout=30)
        st = status_of(resp)
        if st is not None and not 400 <= st < 600:
            bad.append("raw %r: status %s" % (raw[:40], st))
    # A raw NUL ends the path libmicrohttpd hands over (a C string): the
    # request is routed by what precedes it (docs/registry-api.md), here the
    # page; a write path cut short this way still needs its token and body.
    resp = w.srv.raw(b"GET /\x00/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     timeout=30)
    if status_of(resp) not in (None, 200) or b"root:" in resp:
        bad.append("raw NUL: status %s" % status_of(resp))
    check(not bad, "%d wrong answers:\n  %s" % (len(bad), "\n  ".join(bad)))
    w.unchanged(before, "strange URLs")


def case_methods(w):
    before = w.checkpoint()[0]
    tries = [("DELETE", "/api/v1/labs"), ("PUT", "/api/v1/certificates"),
             ("PATCH", "/api/v1/certificates/" + HEX64), ("POST", "/api/v1/log/checkpoint"),
             ("DELETE", "/api/v1/log/leaves?start=0&end=1"), ("POST", "/healthz"),
             ("GET", "/api/v1/certificates/%s/revocation" % HEX64),
             ("GET", "/api/v1/labs/%s/suspension" % LAB_A), ("PUT", "/")]
    bad = []
    for m, p in tries:
        r = w.req(m, p, b"{}", role="national")
        try:
            check_error(r, 405, "%s %s" % (m, p))
            check(r.headers.get("allow"), "%s %s: 405 without Allow" % (m, p))
        except AssertionError as e:
            bad.append(str(e))
    check(not bad, "\n  ".join(bad))
    w.unchanged(before, "wrong methods")


# -- groups -------------------------------------------------------------------------------------
def with_backend(fn):
    """Runs fn(db) on this run's backend; PostgreSQL through pgcluster.py."""
    if BACKEND != "pg":
        return fn(None)
    from pgcluster import PgCluster, Unavailable
    try:
        pg = PgCluster()
        pg.__enter__()
    except Unavailable as e:
        if CI:
            print("FAIL  PostgreSQL is required under CI: %s" % e)
            sys.exit(1)
        print("SKIP  PostgreSQL unavailable: %s" % e)
        sys.exit(77)
    try:
        return fn(pg.url)
    finally:
        pg.__exit__(None, None, None)


def group_api(db):
    """Roles, the contract's answers and the log (bad input: group_bad)."""
    w = World(db)
    if db is None:
        w.db = os.path.join(w.dir, "registry.sqlite")
    case("fixtures, tokens, server up, three labs accredited", setup, w)
    if RESULTS[-1] != "PASS":
        return finish(w)
    case("the OpenAPI document: the contract's routes; served as /openapi.json", case_document,
         w)
    case("roles x read endpoints: 200 or 401", case_roles_reads, w)
    case("roles x write endpoints: 401/403/201 exactly as the table", case_roles_writes, w)
    case("submit, 409 again, leaf bytes, lookups by sha256/purl/id with proofs",
         case_submit_lookup, w)
    case("revocation 409/404, accreditation 409/422, suspension 404/422", case_records, w)
    case("the log: leaves give the checkpoint root; proofs verify", case_log, w)
    case("SIGTERM: clean exit 0", lambda: w.srv.stop(0))
    finish(w)


def group_bad(db):
    w = World(db)
    if db is None:
        w.db = os.path.join(w.dir, "registry.sqlite")
    case("fixtures, tokens, server up, three labs accredited", setup, w)
    if RESULTS[-1] != "PASS":
        return finish(w)
    case("bad bodies: malformed, signature, unknown/suspended lab, 415 (nothing stored)",
         case_bad_bodies, w)
    case("back-dated certificate after its lab's suspension", case_backdated, w)
    case("bodies over 4 MiB: 413 (Content-Length and chunked)", case_big_body, w)
    case("strange URLs and raw requests: 4xx JSON", case_strange_urls, w)
    case("wrong methods: 405 with Allow", case_methods, w)
    case("SIGTERM: clean exit 0", lambda: w.srv.stop(0))
    finish(w)


def group_slow(db):
    w = World(db)
    w.db = os.path.join(w.dir, "registry.sqlite")
    case("fixtures, tokens, server up, three labs accredited", setup, w)
    if RESULTS[-1] == "PASS":
        case("slow clients: others served, trickling connections dropped", case_slow_client, w)
        case("SIGTERM: clean exit 0", lambda: w.srv.stop(0))
    finish(w)


if __name__ == "__main__":
    if GROUP == "api":
        with_backend(group_api)
    elif GROUP == "bad":
        with_backend(group_bad)
    elif GROUP == "slow":
        group_slow(None)
    else:
        import parakhd_faults
        parakhd_faults.main(GROUP, BACKEND, sys.modules[__name__])
