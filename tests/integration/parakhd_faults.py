"""parakhd groups beyond the API (run through parakhd.py GROUP BACKEND):

- client: the parakh client against a live server: submit, verify --url
  VALID (0), revoke -> REVOKED (17), a superseding certificate for a new file
  -> SUPERSEDED (18), an untouched file NOT CERTIFIED (11); export --mirror and
  verify --mirror give the same exits offline; a mirror whose leaf file is
  edited -> 19 naming the file, nothing changed.
- tamper (SQLite): a node hash edited while parakhd is down (the root's:
  parakhd must refuse to start; another: refused or verify 19); a leaf's
  bytes edited straight in the file -> the next verify --url exits 19, the
  kept state unchanged; export from that log refused, the mirror unchanged.
- crash (SQLite or PostgreSQL): threads post distinct certificates; parakhd is killed with SIGKILL
  mid-storm; after a restart every 201 is there at its log_index and the
  served leaves give the signed checkpoint's root, consistent with the one
  before the storm.
- two: two parakhd on one PostgreSQL database, submits alternated and
  concurrent: identical lookups, the same note for the same size, and
  consistency proofs from either server verify against the other's.
"""
import hashlib
import json
import os
import sqlite3
import threading

import regkit
from regkit import Server, parse_note, verify_consistency

P = None  # the parakhd module (World, case, finish, helpers)


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, expected %r" % (what, got, want))


def check(c, msg):
    if not c:
        raise AssertionError(msg)


def show(what, p):
    """What the client said, in the test's log (for people reading it)."""
    text = (p.out + p.err).strip().replace("\n", "\n    ")
    print("  %s: exit %d\n    %s" % (what, p.returncode, text[:600]), flush=True)


def tree_digest(d):
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(d)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            h.update(p[len(d):].encode() + b"\0")
            with open(p, "rb") as x:
                h.update(hashlib.sha256(x.read()).digest())
    return h.hexdigest()


# -- client ------------------------------------------------------------------------------
class Client:
    def __init__(self, w):
        self.w = w
        self.k = w.kit
        self.state = self.k.p("state")
        os.makedirs(self.state, exist_ok=True)
        with open(self.k.p("tok-own"), "w") as f:
            f.write(w.tok["lab-own"] + "\n")

    def verify(self, name, rc, mirror=None):
        args = ["verify", self.k.program(name)["zip"], "--root", self.k.root()[1], "--log-key",
                self.k.log_keys()[1]]
        if mirror:
            args += ["--mirror", mirror]
        else:
            args += ["--url", self.w.srv.url, "--state", self.state, "--cacert", self.w.srv.cafile]
        return self.k.cli(args, rc, env={"XDG_STATE_HOME": self.k.p("xdg")})

    def submit(self, cert, rc=0, supersedes=None):
        args = ["registry", "submit", cert.path, "--url", self.w.srv.url, "--token-file",
                self.k.p("tok-own"), "--cacert", self.w.srv.cafile]
        if supersedes:
            args += ["--supersedes", supersedes]
        return self.k.cli(args, rc)

    def export(self, mirror, rc=0):
        return self.k.cli(["registry", "export", "--url", self.w.srv.url, "--log-key",
                           self.k.log_keys()[1], "--mirror", mirror, "--cacert",
                           self.w.srv.cafile], rc)


WANT = {"valid": (0, "VALID"), "revoked": (17, "REVOKED"), "old": (18, "SUPERSEDED"),
        "new": (0, "VALID"), "untouched": (11, "NOT CERTIFIED")}


def case_e2e(w, c):
    k = w.kit
    lab = k.labs[P.LAB_A]
    for name in WANT:
        k.program(name)
    cv = k.certify(lab, version="7.0", program="valid")
    p = c.submit(cv)
    check(cv.id in p.out + p.err, "submit prints the id:\n" + p.out + p.err)
    out = c.verify("valid", 0).out
    check("VALID" in out and P.LAB_A in out, "verify --url output:\n" + out)
    cr = k.certify(lab, version="7.1", program="revoked")
    c.submit(cr)
    c.verify("revoked", 0)
    k.cli(["registry", "revoke", cr.id, "--reason", "vendor shipped a backdoor", "--date",
           "2026-11-25", "--url", w.srv.url, "--token-file", k.p("tok-own"), "--cacert",
           w.srv.cafile])
    k.cli(["registry", "revoke", cr.id, "--reason", "again", "--url", w.srv.url, "--token-file",
           k.p("tok-own"), "--cacert", w.srv.cafile], 1)  # 409: the server refused
    out = c.verify("revoked", 17).out
    check("REVOKED" in out and "vendor shipped a backdoor" in out and "2026-11-25" in out,
          "verify of a revoked certificate names reason and date:\n" + out)
    co = k.certify(lab, version="7.2", program="old")
    c.submit(co)
    cn = k.certify(lab, version="7.3", program="new")
    c.submit(cn, supersedes=co.id)
    out = c.verify("old", 18).out
    check("SUPERSEDED" in out and cn.id in out, "superseded names its successor:\n" + out)
    c.verify("new", 0)
    out = c.verify("untouched", 11).out
    check("NOT CERTIFIED" in out, out)
    e = w.req("GET", "/api/v1/certificates/" + co.id).json
    eq((e["status"], e["superseded_by"]), ("SUPERSEDED", cn.id), "entry of the replaced one")


def case_mirror(w, c):
    m = w.kit.p("mirror")
    c.export(m)
    check(os.path.isdir(m) and os.listdir(m), "export wrote no mirror")
    srv_gone = w.srv
    srv_gone.stop(0)  # offline: the mirror alone must answer
    try:
        for name, (rc, word) in WANT.items():
            out = c.verify(name, rc, mirror=m).out
            check(word in out, "verify --mirror %s: %s" % (name, out))
    finally:
        srv_gone.start()


def leaf_rows(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT idx, kind, data FROM log_leaves ORDER BY idx").fetchall()
    finally:
        con.close()


def case_tamper_db(w, c):
    c.verify("valid", 0)
    kept = regkit_tree(c.state)
    m = w.kit.p("mirror")
    mirror_before = tree_digest(m) if os.path.isdir(m) else None
    rows = [r for r in leaf_rows(w.db) if r[1] == "certificate"]
    idx, _, data = rows[0]
    d = json.loads(data)
    d["logged"] = "2020-01-01T00:00:00Z"  # back-date the leaf
    con = sqlite3.connect(w.db)
    con.execute("UPDATE log_leaves SET data = ? WHERE idx = ?",
                (json.dumps(d, separators=(",", ":")).encode() if isinstance(data, bytes)
                 else json.dumps(d, separators=(",", ":")), idx))
    con.commit()
    con.close()
    # a new leaf so that a consistency proof is needed, and so the server has
    # to read the log again
    fresh = w.kit.certify(w.kit.labs[P.LAB_A], version="8.0", program="valid")
    c.submit(fresh)
    bad = []
    p = c.k.cli(["verify", c.k.program("valid")["zip"], "--root", c.k.root()[1], "--log-key",
                 c.k.log_keys()[1], "--url", w.srv.url, "--state", c.state, "--cacert",
                 w.srv.cafile], None)
    show("verify --url after the edit", p)
    if p.returncode != 19:
        bad.append("verify --url after a leaf was edited in the database: exit %d, expected 19"
                   "\n%s%s" % (p.returncode, p.out[-1500:], p.err[-1500:]))
    elif "INCONSISTENT" not in (p.out + p.err).upper():
        bad.append("exit 19 without saying LOG INCONSISTENT:\n" + p.out + p.err)
    if regkit_tree(c.state) != kept:
        bad.append("the kept checkpoint state changed on an inconsistent log")
    if mirror_before:
        q = c.export(m, None)
        show("export from the edited log", q)
        if q.returncode != 19:
            bad.append("export from the tampered log: exit %d, expected 19\n%s" %
                       (q.returncode, q.err[-1500:]))
        if tree_digest(m) != mirror_before:
            bad.append("export from the tampered log changed the mirror")
    check(not bad, "\n".join(bad))


def regkit_tree(d):
    return tree_digest(d) if os.path.isdir(d) else None


def case_corrupt_mirror(w, c):
    m = w.kit.p("mirror")
    check(os.path.isdir(m), "no mirror from the export case")
    bad = w.kit.p("mirror-bad")
    import shutil
    shutil.copytree(m, bad)
    target = None
    for root, _, files in os.walk(bad):
        for f in sorted(files):
            p = os.path.join(root, f)
            with open(p, "rb") as x:
                b = x.read()
            if b'"kind":"certificate"' in b or b"certificate" in b:
                target = (p, b)
                break
        if target:
            break
    check(target, "no file in the mirror holds a certificate leaf: %s" % os.listdir(bad))
    p, b = target
    i = b.index(b"certificate")
    with open(p, "wb") as x:
        x.write(b[:i] + b"certificatf" + b[i + 11:])
    before = tree_digest(bad)
    q = w.kit.cli(["verify", w.kit.program("valid")["zip"], "--root", w.kit.root()[1],
                   "--log-key", w.kit.log_keys()[1], "--mirror", bad], None)
    show("verify --mirror, edited %s" % os.path.relpath(p, bad), q)
    eq(q.returncode, 19, "verify --mirror of an edited leaf file (%s)\n%s%s" %
       (os.path.relpath(p, bad), q.out[-1500:], q.err[-1500:]))
    check(os.path.basename(p) in q.err + q.out or "leaf" in (q.err + q.out).lower(),
          "the error names the leaf or file: " + q.err + q.out)
    eq(tree_digest(bad), before, "verify changed the corrupt mirror")


def case_tamper_node(w, c, top):
    """A node hash edited in the database while parakhd is down. top: the
    node the root is made of; parakhd must refuse to start (docs/tlog.md: it
    recomputes the last signed root). Otherwise node (1, 0), which only
    proofs use: refused at start, or verify --url exits 19."""
    c.verify("valid", 0)
    kept = regkit_tree(c.state)
    w.srv.stop(0)
    con = sqlite3.connect(w.db)
    if top:
        level = con.execute("SELECT MAX(level) FROM log_nodes WHERE idx = 0").fetchone()[0]
    else:
        level = 1
    (orig,) = con.execute("SELECT hash FROM log_nodes WHERE level = ? AND idx = 0",
                          (level,)).fetchone()
    con.execute("UPDATE log_nodes SET hash = ? WHERE level = ? AND idx = 0",
                (bytes([orig[0] ^ 1]) + bytes(orig[1:]), level))
    con.commit()
    con.close()
    try:
        try:
            w.srv.start()
        except AssertionError as e:
            print("  parakhd refused the edited log at start:\n    %s" %
                  str(e)[-600:].replace("\n", "\n    "), flush=True)
            check(not w.srv.alive(), "parakhd both refused and runs")
            return
        check(not top, "parakhd started on a log whose node (%d, 0), part of the signed root, "
              "was edited (docs/tlog.md: it recomputes the root at start)" % level)
        p = c.k.cli(["verify", c.k.program("valid")["zip"], "--root", c.k.root()[1],
                     "--log-key", c.k.log_keys()[1], "--url", w.srv.url, "--state", c.state,
                     "--cacert", w.srv.cafile], None)
        show("verify --url after a node hash was edited", p)
        eq(p.returncode, 19, "verify --url after a node hash was edited (parakhd started)")
        eq(regkit_tree(c.state), kept, "the kept state after an inconsistent answer")
    finally:
        w.srv.kill9()
        con = sqlite3.connect(w.db)
        con.execute("UPDATE log_nodes SET hash = ? WHERE level = ? AND idx = 0", (orig, level))
        con.commit()
        con.close()
        w.srv.start()


def group_client(db):
    w = P.World(db)
    if db is None:
        w.db = os.path.join(w.dir, "registry.sqlite")
    P.case("fixtures, tokens, server up", P.setup, w)
    if P.RESULTS[-1] != "PASS":
        return P.finish(w)
    c = Client(w)
    P.case("submit -> VALID 0, revoke -> 17, superseded -> 18, untouched -> 11", case_e2e, w, c)
    P.case("export --mirror; verify --mirror offline gives the same exits", case_mirror, w, c)
    P.case("corrupt mirror: exit 19, precise error, nothing changed", case_corrupt_mirror, w, c)
    P.finish(w)


def tamper_setup(w, holder):
    P.setup(w)
    c = holder[0] = Client(w)
    c.submit(w.kit.certify(w.kit.labs[P.LAB_A], version="7.0", program="valid"))
    for i in range(3):  # a few leaves more, so the tree has inner nodes
        c.submit(w.kit.certify(w.kit.labs[P.LAB_A], version="7.%d" % (i + 5)))
    c.verify("valid", 0)
    c.export(w.kit.p("mirror"))


def group_tamper(db):
    w = P.World(db)
    w.db = os.path.join(w.dir, "registry.sqlite")
    holder = [None]
    P.case("fixtures, tokens, server up, a certificate verified, a mirror", tamper_setup, w,
           holder)
    if P.RESULTS[-1] != "PASS":
        return P.finish(w)
    c = holder[0]
    P.case("node (1,0) edited in the database: refused at restart or verify 19",
           case_tamper_node, w, c, False)
    P.case("the root's node edited in the database: parakhd refuses to start",
           case_tamper_node, w, c, True)
    P.case("a leaf edited in the database: verify --url 19, state and mirror unchanged",
           case_tamper_db, w, c)
    P.finish(w)


# -- crash ---------------------------------------------------------------------------------
def storm_certs(w, n):
    k = w.kit
    lab = k.labs[P.LAB_A]
    base = k.certify(lab, version="9.0")
    out = []
    try:
        for i in range(n):
            out.append(k.resign(base, lab, "storm-%d.json" % i, version="9.%d" % (i + 1)))
    except ImportError:
        out = [k.certify(lab, version="9.%d" % (i + 1)) for i in range(n)]
    return out


def case_storm(w):
    n = 16 if regkit.SANITIZED else 48
    certs = storm_certs(w, n)
    size0, root0, _ = w.checkpoint()
    ok, lock, nxt = [], threading.Lock(), [0]
    enough = threading.Event()

    def worker():
        while True:
            with lock:
                if nxt[0] >= len(certs):
                    return
                c = certs[nxt[0]]
                nxt[0] += 1
            try:
                r = w.srv.req("POST", "/api/v1/certificates", c.text,
                              token=w.tok["lab-own"], timeout=30)
            except Exception:  # noqa: BLE001 - the kill cuts requests off
                continue
            if r.status == 201:
                with lock:
                    ok.append((c.id, r.json["log_index"]))
                    if len(ok) >= n // 3:
                        enough.set()

    ts = [threading.Thread(target=worker) for _ in range(4)]
    for t in ts:
        t.start()
    enough.wait(120 * regkit.SLOW)
    w.srv.kill9()
    for t in ts:
        t.join(120 * regkit.SLOW)
    check(len(ok) >= n // 3, "only %d submits answered 201 before the kill:\n%s" %
          (len(ok), w.srv.log()))
    w.srv.start()
    bad = []
    for cid, idx in ok:
        r = w.req("GET", "/api/v1/certificates/" + cid)
        if r.status != 200:
            bad.append("%s (201 at %d): %d after restart" % (cid, idx, r.status))
        elif r.json.get("log_index") != idx:
            bad.append("%s: log_index %r, answered %d" % (cid, r.json.get("log_index"), idx))
    check(not bad, "%d of %d acknowledged submits lost:\n  %s" % (len(bad), len(ok),
                                                                   "\n  ".join(bad)))
    size, data, note = w.log_verifies()
    check(size >= size0 + len(ok), "size %d < %d + %d" % (size, size0, len(ok)))
    r = w.req("GET", "/api/v1/log/proof/consistency?from=%d&to=%d" % (size0, size))
    check(verify_consistency(size0, size, [bytes.fromhex(x) for x in r.json["proof"]], root0,
                             parse_note(note)[2]), "consistency with the checkpoint before")
    ids = [json.loads(x).get("id") for x in data[size0:]]
    eq(len(ids), len(set(ids)), "no certificate logged twice")
    c = Client(w)
    c.export(w.kit.p("mirror"))  # the whole log, its root recomputed by the client
    print("  storm: %d sent, %d acknowledged before SIGKILL, %d in the log after restart" %
          (n, len(ok), size - size0), flush=True)


def group_crash(db):
    w = P.World(db)
    w.db = db or os.path.join(w.dir, "registry.sqlite")
    P.case("fixtures, tokens, server up", P.setup, w)
    if P.RESULTS[-1] != "PASS":
        return P.finish(w)
    P.case("SIGKILL during a storm of submits: every 201 kept, the log verifies", case_storm, w)
    P.case("SIGTERM after restart: clean exit 0", lambda: w.srv.stop(0))
    P.finish(w)


# -- two servers -----------------------------------------------------------------------------
def case_two(w):
    a, b = w.srv, w.srv2
    lab = w.kit.labs[P.LAB_A]
    certs = storm_certs(w, 8)
    notes = {}
    for i, c in enumerate(certs[:4]):
        s = (a, b)[i % 2]
        r = w.req("POST", "/api/v1/certificates", c.text, role="lab-own", srv=s)
        eq(r.status, 201, "submit %d to server %s" % (i, "ab"[i % 2]))
        for other in (a, b):
            got = w.req("GET", "/api/v1/certificates/" + c.id, srv=other)
            eq(got.status, 200, "lookup on the other server")
    # concurrent: both servers at once
    res = []

    def post(s, c):
        res.append(w.srv.req("POST", "/api/v1/certificates", c.text, token=w.tok["lab-own"])
                   if s is None else s.req("POST", "/api/v1/certificates", c.text,
                                           token=w.tok["lab-own"]))
    ts = [threading.Thread(target=post, args=((a, b)[i % 2], c)) for i, c in enumerate(certs[4:])]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120 * regkit.SLOW)
    eq(sorted(r.status for r in res), [201] * 4, "concurrent submits to both")
    idx = sorted(r.json["log_index"] for r in res)
    eq(idx, list(range(idx[0], idx[0] + 4)), "distinct consecutive log indexes")
    for r in res:
        notes.setdefault(parse_note(r.json["checkpoint"])[1], set()).add(r.json["checkpoint"])
    sa, ra, na = w.checkpoint(a)
    sb, rb, nb = w.checkpoint(b)
    for s, n in ((sa, na), (sb, nb)):
        notes.setdefault(s, set()).add(n)
    same = {s: v for s, v in notes.items() if len(v) > 1}
    check(not same, "two different notes for one size: %s" % same)
    lo, hi = sorted([(sa, ra, a), (sb, rb, b)], key=lambda x: x[0])
    for s in (a, b):
        r = w.req("GET", "/api/v1/log/proof/consistency?from=%d&to=%d" % (lo[0], hi[0]), srv=s)
        eq(r.status, 200, "consistency proof")
        check(verify_consistency(lo[0], hi[0], [bytes.fromhex(x) for x in r.json["proof"]],
                                 lo[1], hi[1]), "consistency across servers fails")
    eq(w.log_verifies(a)[1], w.log_verifies(b)[1], "the same leaves from both servers")
    sha = w.kit.program("hello")["sha256"]
    strip = lambda j: [{k: v for k, v in e.items() if "inclusion" not in k and k != "leaf"}
                       for e in j["certificates"]]
    la = w.req("GET", "/api/v1/certificates?sha256=" + sha, srv=a).json
    lb = w.req("GET", "/api/v1/certificates?sha256=" + sha, srv=b).json
    eq(strip(la), strip(lb), "lookups by sha256 on the two servers")
    check(lab.id in json.dumps(la), "lookup names the lab")


def group_two(db):
    w = P.World(db)
    P.case("fixtures, tokens, server up", P.setup, w)
    if P.RESULTS[-1] != "PASS":
        return P.finish(w)
    w.srv2 = Server(w.kit, db)
    w.servers = [w.srv, w.srv2]
    P.case("a second parakhd on the same database", w.srv2.start)
    P.case("alternated and concurrent submits: identical lookups, consistent checkpoints",
           case_two, w)
    P.case("SIGTERM both: clean exit 0", lambda: (w.srv.stop(0), w.srv2.stop(0)))
    P.finish(w)


def main(group, backend, mod):
    global P
    P = mod
    if group == "client":
        P.with_backend(group_client)
    elif group == "tamper":
        group_tamper(None)
    elif group == "crash":
        P.with_backend(group_crash)
    elif group == "two":
        P.BACKEND = "pg"
        P.with_backend(group_two)
    else:
        raise SystemExit("unknown group %r" % group)
