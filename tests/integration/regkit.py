"""Fixtures for the registry tests (parakhd, issue 10; docs/registry-api.md).

python3 standard library, plus `cryptography` for checking checkpoint
signatures and re-signing certificates (without it: certificates all come
from `parakh certify`, signatures are not checked) and `jsonschema` for
OpenAPI.

    kit = Kit(workdir)                  # one per test run; files go in workdir
    kit.program("x")                    # {"zip", "sha256", ...}: x.zip, distinct per name
    lab = kit.lab("LAB-ISB-01")         # Lab(id, key, pub, keyid, accr): keys, accreditation
    kit.suspend("LAB-ISB-01", "2026-01-01", "audit", "susp.json")   # root-signed suspension
    c = kit.certify(lab, version="1.0.3", program="x")  # Cert(path, text, id, subjects, lab)
        # the first from `parakh certify`, later ones re-signed copies (fast under ASan)
    c2 = kit.resign(c, lab, "out.json", issued=...)  # predicate fields edited, re-signed
    kit.tls()                           # (cert.pem, key.pem): self-signed for 127.0.0.1
    kit.log_keys()                      # (log.key, log.vkey path, verifier key string)
    t = kit.token(db, "lab", "ISB lab", lab="LAB-ISB-01")   # Token(secret, id, out)
    kit.token_revoke(db, t.id)
    srv = Server(kit, db).start()       # parakhd serve on 127.0.0.1:0, waits for /healthz
    r = srv.req("GET", "/api/v1/labs", token=t.secret)  # Resp(status, headers, body, json, ctype)
    srv.raw(b"GET / HTTP/1.1\\r\\n...")  # bytes over TLS, the response's bytes
    srv.stop()                          # SIGTERM; asserts a clean exit 0 and returns it
    srv.kill9(); srv.start()            # crash and restart on the same database and port
    kit.cli([...], rc) / kit.parakhd([...], rc)   # run a binary, assert its exit code

Merkle helpers (RFC 9162): leaf_hash, root_of, verify_inclusion,
verify_consistency; parse_note / note_signed (C2SP signed note, checkpoint).
OpenAPI(path).check(method, path, resp): the status is documented for the
route, the content type is the documented one and the body validates against
its schema ($refs resolved into components; 3.0 `nullable` understood).

Environment: PK_CLI (parakh), PK_PARAKHD (parakhd; default next to
PK_CLI), PK_SRC, PK_SANITIZED=1 (slower binaries: timeouts tripled).
Everything listens on 127.0.0.1 only.
"""
import base64
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import uuid
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("PK_SRC") or os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("PK_CLI") or os.path.join(SRC, "build", "parakh")
PARAKHD = os.environ.get("PK_PARAKHD") or os.path.join(os.path.dirname(CLI), "parakhd")
SANITIZED = os.environ.get("PK_SANITIZED", "") not in ("", "0")
SLOW = 3 if SANITIZED else 1
ORIGIN = "registry.test.parakh/log"

Lab = namedtuple("Lab", "id key pub keyid accr")
Cert = namedtuple("Cert", "path text id subjects lab")
Token = namedtuple("Token", "secret id role lab out")
Resp = namedtuple("Resp", "status headers body json ctype")


def pae(ptype, body):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def cert_id(text):
    """pk_cert_digest: hex SHA-256 of the DSSE PAE of payloadType and payload."""
    env = json.loads(text)
    return hashlib.sha256(pae(env["payloadType"], base64.b64decode(env["payload"]))).hexdigest()


def keyid(pub):
    """A key's keyid (docs/certificate.md): hex SHA-256 of the raw Ed25519 public
    key, the last 32 bytes of its SPKI DER."""
    with open(pub) as f:
        der = base64.b64decode("".join(x for x in f if not x.startswith("-----")))
    return hashlib.sha256(der[-32:]).hexdigest()


def run(cmd, rc=0, timeout=300, cwd=None, env=None, stdin=None):
    """Runs cmd; asserts the exit code (None: any) and returns the process."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, cwd=cwd, env=e, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout * SLOW)
    p.out = p.stdout.decode(errors="replace")
    p.err = p.stderr.decode(errors="replace")
    if rc is not None and p.returncode != rc:
        raise AssertionError("%s exited %d, expected %d\nstdout:\n%s\nstderr:\n%s" %
                             (" ".join(cmd), p.returncode, rc, p.out[-2500:], p.err[-2500:]))
    return p


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Kit:
    def __init__(self, workdir):
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        self._prog = {}
        self._tmpl = {}
        self._tls = None
        self._log = None
        self.labs = {}

    def p(self, name):
        return os.path.join(self.dir, name)

    def cli(self, args, rc=0, timeout=300, env=None):
        return run([CLI] + list(args), rc, timeout, cwd=self.dir, env=env)

    def parakhd(self, args, rc=0, timeout=120):
        if not os.path.exists(PARAKHD):
            raise AssertionError("parakhd is not built: %s" % PARAKHD)
        return run([PARAKHD] + list(args), rc, timeout, cwd=self.dir)

    # -- the certified program -------------------------------------------------------
    def program(self, name="hello", scan=False):
        """NAME.zip (one PIE program, a script and a README naming NAME, so each
        name is a distinct file); {"zip", "sha256", "prog", "report", "sbom"}.
        The report and SBOM (NAME.report.json, NAME.sbom.cdx.json) are made by
        `parakh scan` when scan is true (certify needs them). Once per name."""
        if name in self._prog:
            prog = self._prog[name]
            if scan and not prog["report"]:
                prog["report"], prog["sbom"] = self._scan(name)
            return prog
        if not os.path.exists(self.p("hello")):
            src = self.p("hello.c")
            with open(src, "w") as f:
                f.write('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
            run(["cc", "-O1", "-fPIE", "-pie", "-Wl,-z,relro,-z,now", "-o", self.p("hello"), src])
        import zipfile
        with zipfile.ZipFile(self.p(name + ".zip"), "w") as z:
            z.write(self.p("hello"), "bin/hello")
            z.writestr("bin/run.sh", "#!/bin/sh\necho hello\n")
            z.writestr("README", "%s\n" % name)
        rep, sbom = self._scan(name) if scan else (None, None)
        with open(self.p(name + ".zip"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self._prog[name] = {"zip": self.p(name + ".zip"), "sha256": digest,
                            "prog": self.p("hello"), "report": rep, "sbom": sbom}
        return self._prog[name]

    def _scan(self, name):
        rep, sbom = name + ".report.json", name + ".sbom.cdx.json"
        self.cli(["scan", "-q", "--format", "json", "-o", rep, name + ".zip"])
        self.cli(["scan", "-q", "--format", "cyclonedx", "-o", sbom, name + ".zip"])
        return rep, sbom

    # -- keys and root-signed records -----------------------------------------------
    def root(self):
        if not os.path.exists(self.p("root.key")):
            self.cli(["root", "keygen", "-o", "root.key"])
        return self.p("root.key"), self.p("root.pub")

    def lab(self, lab_id, name=None, accredit=True, frm=None, until=None):
        """Lab keys (lab-<id>.key/.pub) and, unless accredit=False, a root-signed
        accreditation (accr-<id>.json)."""
        if lab_id in self.labs:
            return self.labs[lab_id]
        self.root()
        key = "lab-%s.key" % lab_id
        out = self.cli(["lab", "keygen", "--lab", lab_id, "-o", key]).out
        keyid = out.split("keyid ")[1].split()[0] if "keyid " in out else None
        accr = None
        if accredit:
            accr = self.accredit(lab_id, self.p("lab-%s.pub" % lab_id), "accr-%s.json" % lab_id,
                                 name=name, frm=frm, until=until)
        lab = Lab(lab_id, self.p(key), self.p("lab-%s.pub" % lab_id), keyid, accr)
        self.labs[lab_id] = lab
        return lab

    def accredit(self, lab_id, pub, out, name=None, frm=None, until=None, root_key=None):
        args = ["root", "accredit", "--root-key", root_key or self.root()[0], "--lab", lab_id,
                "--lab-pub", pub, "--name", name or ("Test lab " + lab_id), "-o", out]
        if frm:
            args += ["--from", frm]
        if until:
            args += ["--until", until]
        self.cli(args)
        return self.p(out)

    def suspend(self, lab_id, frm, reason, out, root_key=None):
        self.cli(["root", "suspend", "--root-key", root_key or self.root()[0], "--lab", lab_id,
                  "--from", frm, "--reason", reason, "-o", out])
        return self.p(out)

    def certify(self, lab, version="1.0.2", product="Hello", out=None, purl=None, extra=(),
                program="hello", cli=False):
        """A certificate of PROGRAM.zip signed by lab (pss-baseline, APPROVE WITH
        CONDITIONS); distinct product/version give distinct ids. The first one
        comes from `parakh certify`; later ones are that one with subjects,
        lab, product, version and purl changed, re-signed by lab (`certify` takes
        seconds under ASan), unless cli=True or `cryptography` is missing."""
        prog = self.program(program)
        out = out or "cert-%s-%s-%s-%s.json" % (lab.id, program, product, version)
        purl = purl or "pkg:generic/acme/%s@%s" % (product.lower(), version)
        tmpl = self._tmpl.get("any")
        if tmpl and not cli and not extra:
            try:
                return self.resign(tmpl, lab, out, version=version, product=product, purl=purl,
                                   subject=self.subjects(tmpl, program))
            except ImportError:
                pass
        prog = self.program(program, scan=True)
        self.cli(["certify", "--report", prog["report"], "--profile", "pss-baseline", "--sbom",
                  prog["sbom"], "--product", product, "--vendor", "Acme Ltd", "--version",
                  version, "--purl", purl, "--key", lab.key, "--lab", lab.id, "-o", out] +
                 list(extra))
        c = self.load_cert(self.p(out), lab.id)
        self._tmpl.setdefault("any", c)
        return c

    def subjects(self, tmpl, program):
        """tmpl's subject list for PROGRAM.zip: the zip and the same members."""
        import zipfile
        prog = self.program(program)
        old = json.loads(base64.b64decode(json.loads(tmpl.text)["payload"]))["subject"]
        top = old[0]["name"]
        out = []
        with zipfile.ZipFile(prog["zip"]) as z:
            for sub in old:
                if sub["name"] == top:
                    name, digest = program + ".zip", prog["sha256"]
                else:
                    member = sub["name"][len(top) + 2:]
                    name = program + ".zip!/" + member
                    digest = hashlib.sha256(z.read(member)).hexdigest()
                out.append({"name": name, "digest": {"sha256": digest}})
        return out

    def load_cert(self, path, lab_id=None):
        with open(path) as f:
            text = f.read()
        st = json.loads(base64.b64decode(json.loads(text)["payload"]))
        subj = {s["name"]: s["digest"]["sha256"] for s in st["subject"]}
        return Cert(path, text, cert_id(text), subj, lab_id or st["predicate"]["lab"])

    def resign(self, cert, lab, out, **fields):
        """The certificate with predicate fields replaced (issued=, expires=;
        version=, product=, purl= for the product's), a new certificate_id and
        lab's id, signed by lab's key. Needs python3 `cryptography`; raises
        ImportError without it."""
        from cryptography.hazmat.primitives import serialization
        env = json.loads(cert.text)
        st = json.loads(base64.b64decode(env["payload"]))
        st["predicate"]["certificate_id"] = str(uuid.uuid4())
        st["predicate"]["lab"] = lab.id
        for k, v in fields.items():
            if k == "subject":
                st["subject"] = v
            elif k in ("version", "purl"):
                st["predicate"]["product"][k] = v
            elif k == "product":
                st["predicate"]["product"]["name"] = v
            else:
                st["predicate"][k] = v
        body = json.dumps(st, separators=(",", ":")).encode()
        with open(lab.key, "rb") as f:
            sk = serialization.load_pem_private_key(f.read(), None)
        sig = sk.sign(pae(env["payloadType"], body))
        env["payload"] = base64.b64encode(body).decode()
        env["signatures"] = [{"keyid": keyid(lab.pub), "sig": base64.b64encode(sig).decode()}]
        with open(self.p(out), "w") as f:
            json.dump(env, f)
        return self.load_cert(self.p(out), lab.id)

    # -- TLS, the log key, tokens -----------------------------------------------------
    def tls(self):
        """A self-signed P-256 certificate for 127.0.0.1 (tls.pem, tls.key)."""
        if not self._tls:
            run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", self.p("tls.key"), "-out",
                 self.p("tls.pem"), "-days", "3", "-subj", "/CN=127.0.0.1", "-addext",
                 "subjectAltName=IP:127.0.0.1"])
            self._tls = (self.p("tls.pem"), self.p("tls.key"))
        return self._tls

    def log_keys(self):
        """parakhd keygen: (signer key path, verifier key path, verifier string)."""
        if not self._log:
            p = self.parakhd(["keygen", "--origin", ORIGIN, "-o", self.p("log.key")])
            pat = re.compile(r"(?<![\w+])(%s\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+)" % re.escape(ORIGIN))
            vkey = None
            for cand in [p.out, p.err] + [self.p("log.key" + s) for s in (".pub", ".vkey")] + \
                    [self.p("log.vkey"), self.p("log.pub")]:
                text = cand
                if cand.startswith("/"):
                    if not os.path.exists(cand):
                        continue
                    with open(cand) as f:
                        text = f.read()
                m = pat.search(text)
                if m:
                    vkey = m.group(1)
                    break
            if not vkey:
                raise AssertionError("parakhd keygen: no verifier key in its output or files\n" +
                                     p.out + p.err)
            with open(self.p("log.vkey"), "w") as f:
                f.write(vkey + "\n")
            self._log = (self.p("log.key"), self.p("log.vkey"), vkey)
        return self._log

    def token(self, db, role, name, lab=None):
        args = ["token", "create", "--db", db, "--role", role, "--name", name]
        if lab:
            args += ["--lab", lab]
        p = self.parakhd(args)
        text = p.out + "\n" + p.err
        m = re.search(r"pkt_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", text)
        if not m:
            raise AssertionError("token create printed no pkt_ secret:\n" + text)
        tid = None
        for pat in (r"\bid[:= ]+\"?([A-Za-z0-9_.-]+)", r"\btoken ([A-Za-z0-9_.-]+)"):
            mi = re.search(pat, text.replace(m.group(0), ""))
            if mi:
                tid = mi.group(1)
                break
        return Token(m.group(0), tid, role, lab, text)

    def token_revoke(self, db, token_id):
        return self.parakhd(["token", "revoke", "--db", db, token_id])


class Server:
    """One parakhd serve process on 127.0.0.1; the same port across restarts."""

    def __init__(self, kit, db, extra=()):
        self.kit = kit
        self.db = db
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.logpath = kit.p("parakhd-%s.log" % uuid.uuid4().hex[:8])
        self.cafile = kit.tls()[0]
        self.ctx = ssl.create_default_context(cafile=self.cafile)

    def args(self, port):
        cert, key = self.kit.tls()
        return [PARAKHD, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % port,
                "--tls-cert", cert, "--tls-key", key, "--root", self.kit.root()[1],
                "--log-key", self.kit.log_keys()[0]] + self.extra

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def start(self, timeout=60):
        """Starts parakhd and waits for /healthz. The first start listens on
        127.0.0.1:0 and reads the port from the ready line ("parakhd: serving
        https://127.0.0.1:0 (port N), ..."); restarts reuse that port."""
        if not os.path.exists(PARAKHD):
            raise AssertionError("parakhd is not built: %s" % PARAKHD)
        listen = self.port or 0
        mark = os.path.getsize(self.logpath) if os.path.exists(self.logpath) else 0
        log = open(self.logpath, "ab")
        self.proc = subprocess.Popen(self.args(listen), stdout=log, stderr=subprocess.STDOUT,
                                     cwd=self.kit.dir)
        log.close()
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("parakhd exited %d at start\n%s" %
                                     (self.proc.returncode, self.log()))
            if not self.port:
                with open(self.logpath, "rb") as f:
                    f.seek(mark)
                    m = re.search(rb"serving https://127\.0\.0\.1:\d+ \(port (\d+)\)", f.read())
                if m:
                    self.port = int(m.group(1))
            if self.port:
                try:
                    if self.req("GET", "/healthz", timeout=5).status == 200:
                        return self
                except (OSError, http.client.HTTPException):
                    pass
            time.sleep(0.1)
        self.kill9()
        raise AssertionError("parakhd did not answer /healthz within %ds\n%s" %
                             (timeout * SLOW, self.log()))

    def log(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read()[-4000:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self, expect=0, timeout=60):
        """SIGTERM; asserts the exit code (expect) within the timeout."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise AssertionError("parakhd did not exit within %ds of SIGTERM\n%s" %
                                 (timeout * SLOW, self.log()))
        if expect is not None and rc != expect:
            raise AssertionError("parakhd exited %d after SIGTERM, expected %d\n%s" %
                                 (rc, expect, self.log()))
        return rc

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(60)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def req(self, method, path, body=None, token=None, ctype="application/json", headers=None,
            timeout=60):
        return https(self.port, method, path, body, token, ctype, headers, self.ctx, timeout)

    def raw(self, data, timeout=30, read=True):
        """Sends bytes over a new TLS connection; returns what the server sent
        back until it closed (or the timeout)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout * SLOW) as s:
            with self.ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                t.sendall(data)
                out = b""
                while read:
                    try:
                        chunk = t.recv(65536)
                    except (socket.timeout, ssl.SSLError, ConnectionError):
                        break
                    if not chunk:
                        break
                    out += chunk
                return out


def https(port, method, path, body=None, token=None, ctype="application/json", headers=None,
          ctx=None, timeout=60):
    """One request on a new connection. body: bytes, str or a JSON-able object."""
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    if body is not None and ctype is not None:
        h.setdefault("Content-Type", ctype)
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=timeout * SLOW)
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            hdrs[k.lower()] = hdrs[k.lower()] + ", " + v if k.lower() in hdrs else v
    finally:
        c.close()
    ct = hdrs.get("content-type", "")
    doc = None
    if ct.split(";")[0].strip() == "application/json":
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
    return Resp(r.status, hdrs, data, doc, ct.split(";")[0].strip())


# -- RFC 9162 Merkle tree -------------------------------------------------------------------
def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(hashes):
    """MTH over leaf hashes (iterative: no recursion on input size)."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    level = list(hashes)
    # RFC 9162's split (largest power of two < n) equals pairing left to right
    # and promoting a lone last node, level by level.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def verify_inclusion(index, size, lhash, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, lhash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, proof, root1, root2):
    """RFC 9162 2.1.4.2."""
    if m == n:
        return not proof and root1 == root2
    if m == 0 or m > n:
        return m == 0 and not proof
    if m & (m - 1) == 0:
        proof = [root1] + list(proof)
    if not proof:
        return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def parse_note(note):
    """A checkpoint note: (origin, size, root bytes, text, [(name, sigbytes)])."""
    text, _, sigs = note.partition("\n\n")
    lines = text.split("\n")
    if len(lines) < 3:
        raise AssertionError("checkpoint has %d lines: %r" % (len(lines), note[:200]))
    out = []
    for line in sigs.split("\n"):
        if line.startswith("\u2014 "):
            name, _, b64 = line[2:].rpartition(" ")
            out.append((name, base64.b64decode(b64)))
    return lines[0], int(lines[1]), base64.b64decode(lines[2]), text + "\n", out


def note_signed(note, vkey):
    """True when the verifier key `name+hex8+base64(0x01||pub)` signed the note."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    name, kid, b64 = vkey.strip().split("+", 2)  # names hold no "+"; base64 may
    raw = base64.b64decode(b64)
    pub = Ed25519PublicKey.from_public_bytes(raw[1:])
    _, _, _, text, sigs = parse_note(note)
    for n, s in sigs:
        if n == name and s[:4].hex() == kid:
            try:
                pub.verify(s[4:], text.encode())
                return True
            except Exception:
                return False
    return False


# -- OpenAPI ------------------------------------------------------------------------------
class OpenAPI:
    def __init__(self, path=None):
        with open(path or os.path.join(SRC, "docs", "registry-openapi.json")) as f:
            self.doc = json.load(f)
        self.v31 = str(self.doc.get("openapi", "")).startswith("3.1")
        self.routes = []
        for tmpl, item in self.doc.get("paths", {}).items():
            rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(tmpl)) + "$"
            self.routes.append((re.compile(rx), tmpl, item))
        self.routes.sort(key=lambda r: r[1].count("{"))  # literal paths win

    def _schema(self, s):
        """OpenAPI 3.0 -> JSON Schema: nullable to a null type, recursively."""
        if isinstance(s, list):
            return [self._schema(x) for x in s]
        if not isinstance(s, dict):
            return s
        out = {k: self._schema(v) for k, v in s.items()}
        if not self.v31 and out.pop("nullable", False):
            if "type" in out:
                t = out["type"]
                out["type"] = (t if isinstance(t, list) else [t]) + ["null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = out["enum"] + [None]
            if "$ref" in out:
                out = {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}]}
        return out

    def route(self, path):
        path = path.split("?")[0]
        for rx, tmpl, item in self.routes:
            if rx.match(path):
                return tmpl, item
        return None, None

    def check(self, method, path, resp):
        """Raises AssertionError when resp is not what the document says."""
        import jsonschema
        tmpl, item = self.route(path)
        path = path if len(path) <= 120 else path[:100] + "...(%d bytes)" % len(path)
        if item is None:
            if resp.status in (404, 405, 400) or resp.status >= 400:
                return self._check_error_shape(resp, "%s %s" % (method, path))
            raise AssertionError("%s %s: no such path in the OpenAPI document" % (method, path))
        op = item.get(method.lower())
        where = "%s %s (%s)" % (method, path, tmpl)
        if op is None:
            if resp.status == 405:
                return self._check_error_shape(resp, where)
            raise AssertionError("%s: method not in the OpenAPI document, status %d" %
                                 (where, resp.status))
        rs = op.get("responses", {})
        spec = rs.get(str(resp.status)) or rs.get("%dXX" % (resp.status // 100)) or \
            rs.get("default")
        if spec is None:
            raise AssertionError("%s: status %d not documented (documented: %s); body %s" %
                                 (where, resp.status, sorted(rs), resp.body[:300]))
        while "$ref" in spec:
            spec = self._deref(spec["$ref"])
        content = spec.get("content") or {}
        if not content:
            return
        if resp.ctype not in content:
            raise AssertionError("%s: status %d content type %r, documented %s" %
                                 (where, resp.status, resp.ctype, sorted(content)))
        schema = (content[resp.ctype] or {}).get("schema")
        if not schema:
            return
        if resp.ctype == "application/json":
            if resp.json is None and resp.body.strip() != b"null":
                raise AssertionError("%s: body is not JSON: %r" % (where, resp.body[:300]))
            inst = resp.json
        else:
            inst = resp.body.decode("utf-8", errors="replace")
        full = dict(self._schema(schema))
        full["components"] = self._schema(self.doc.get("components", {}))
        cls = jsonschema.Draft202012Validator if self.v31 else jsonschema.Draft4Validator
        errs = sorted(cls(full).iter_errors(inst), key=lambda e: list(e.path))
        if errs:
            e = errs[0]
            raise AssertionError("%s: status %d body does not match its schema at %s: %s" %
                                 (where, resp.status, "/".join(map(str, e.path)) or "(root)",
                                  e.message[:400]))

    def _deref(self, ref):
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    @staticmethod
    def _check_error_shape(resp, where):
        if resp.status < 400:
            return
        check_error(resp, None, where)


def check_error(resp, status, where=""):
    """A 4xx/5xx with {"error": {"code", "message"}} (docs/registry-api.md)."""
    if status is not None and resp.status != status:
        raise AssertionError("%s: status %d, expected %d; body %r" %
                             (where, resp.status, status, resp.body[:400]))
    e = (resp.json or {}).get("error") if isinstance(resp.json, dict) else None
    if not (isinstance(e, dict) and isinstance(e.get("code"), str) and
            isinstance(e.get("message"), str) and e["message"]):
        raise AssertionError("%s: status %d without a JSON error body (content type %r): %r" %
                             (where, resp.status, resp.ctype, resp.body[:400]))
    return e
