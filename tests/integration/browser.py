#!/usr/bin/env python3
"""A small headless-Chromium driver for the integration tests, standard library only.

It speaks the Chrome DevTools Protocol over `--remote-debugging-pipe`: Chromium
reads commands from its fd 3 and writes replies and events to its fd 4, one JSON
object per message, each ended by a NUL byte. No websocket, no npm.

    from browser import Browser, find_chromium
    with Browser(timeout=60) as b:           # launches; always killed on exit
        b.open("file:///tmp/page.html")      # waits for the load event
        b.evaluate("document.title")         # -> the value (returnByValue)
        b.click("#sort-button")              # a real mouse click at the element
        b.screenshot("/tmp/p.png", full_page=True, width=1200)  # or height=1400
        b.pdf("/tmp/p.pdf")
        b.errors                             # console errors, exceptions, CSP reports
        b.dialogs                            # alert/confirm/prompt texts (auto-dismissed)

Browser(timeout) is a global budget in seconds for the whole session: any call
after it raises TimeoutError, so a test never hangs. Flags are those of
lib/decide/pdf.c (`--no-sandbox` only as root). The browser runs in its own
process group with a temporary --user-data-dir; close() (or leaving the `with`)
kills the group and removes the directory. find_chromium() returns the program
($PARAKH_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH) or
None.
"""
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time

__all__ = ["Browser", "BrowserError", "find_chromium"]


class BrowserError(Exception):
    """Chromium failed, exited, or answered a command with an error."""


def find_chromium():
    env = os.environ.get("PARAKH_CHROMIUM")
    if env:
        return shutil.which(env) or (env if os.access(env, os.X_OK) else None)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def _high_fd(fd):
    """A close-on-exec copy of fd numbered >= 10, so mapping it onto 3 or 4
    in the child is always a real dup2 (which clears close-on-exec)."""
    n = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return n


class Browser:
    def __init__(self, timeout=60, program=None, width=1200, height=900):
        self.deadline = time.monotonic() + timeout
        self.program = program or find_chromium()
        if not self.program:
            raise BrowserError("chromium not found (install Debian's chromium or set PARAKH_CHROMIUM)")
        self.errors = []   # one string per console error, exception or CSP report
        self.dialogs = []  # the message of every JavaScript dialog opened
        self.pid = None
        self._buf = b""
        self._id = 0
        self._events = []
        self.session = None
        self.dir = tempfile.mkdtemp(prefix="pk-browser-")
        self.log = os.path.join(self.dir, "chromium.log")
        to_r, to_w = (_high_fd(x) for x in os.pipe())      # our commands -> its fd 3
        from_r, from_w = (_high_fd(x) for x in os.pipe())  # its fd 4 -> us
        args = [self.program, "--headless", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--remote-debugging-pipe",
                "--user-data-dir=" + os.path.join(self.dir, "profile"),
                "--window-size=%d,%d" % (width, height), "--hide-scrollbars"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # the setuid sandbox refuses to run as root
        args.append("about:blank")
        try:
            self.pid = os.posix_spawn(self.program, args, os.environ, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, self.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                (os.POSIX_SPAWN_DUP2, 1, 2),
                (os.POSIX_SPAWN_DUP2, to_r, 3),
                (os.POSIX_SPAWN_DUP2, from_w, 4),
            ], setpgroup=0)
        except OSError as e:
            os.close(to_w)
            os.close(from_r)
            shutil.rmtree(self.dir, ignore_errors=True)
            raise BrowserError("cannot run %s: %s" % (self.program, e))
        finally:
            os.close(to_r)
            os.close(from_w)
        self._w, self._r = to_w, from_r
        try:
            targets = self.send("Target.getTargets")["targetInfos"]
            page = next((t for t in targets if t["type"] == "page"), None)
            tid = page["targetId"] if page else \
                self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.send("Target.attachToTarget",
                                     {"targetId": tid, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.send(domain + ".enable", session=True)
            self.send("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                session=True)
        except BaseException:
            self.close()
            raise

    # -- the protocol --------------------------------------------------------------
    def _left(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("browser session over its time budget")
        return left

    def _read_message(self):
        while b"\0" not in self._buf:
            r, _, _ = select.select([self._r], [], [], min(self._left(), 1.0))
            if not r:
                continue
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe; last log line: " + self.last_log())
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def _event(self, m):
        method, p = m.get("method"), m.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.errors.append("console.%s: %s" % (p["type"], " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", []))))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            self.errors.append("exception: %s %s" % (
                d.get("text", ""), d.get("exception", {}).get("description", "")))
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            self.errors.append("log(%s): %s" % (e.get("source", ""), e.get("text", "")))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(p.get("message", ""))
            self._post("Page.handleJavaScriptDialog", {"accept": False}, True)
        self._events.append(m)

    def _post(self, method, params, session):
        self._id += 1
        m = {"id": self._id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = self.session
        data = json.dumps(m).encode() + b"\0"
        while data:
            _, w, _ = select.select([], [self._w], [], self._left())
            if w:
                data = data[os.write(self._w, data):]
        return self._id

    def send(self, method, params=None, session=False):
        """One command; its result object, or BrowserError with the protocol's error."""
        want = self._post(method, params, session)
        while True:
            m = self._read_message()
            if m.get("id") == want:
                if "error" in m:
                    raise BrowserError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self._event(m)

    def wait_event(self, method):
        """Waits for an event of the page's session (or one already seen); its params."""
        for i, m in enumerate(self._events):
            if m.get("method") == method:
                del self._events[i]
                return m.get("params", {})
        while True:
            m = self._read_message()
            if "method" in m:
                self._event(m)
                if m["method"] == method:
                    self._events.pop()
                    return m.get("params", {})

    # -- what the tests use ----------------------------------------------------------
    def open(self, url):
        """Navigates and waits for the load event; raises on a navigation error."""
        self._events = [m for m in self._events if m.get("method") != "Page.loadEventFired"]
        r = self.send("Page.navigate", {"url": url}, session=True)
        if r.get("errorText"):
            raise BrowserError("cannot open %s: %s" % (url, r["errorText"]))
        self.wait_event("Page.loadEventFired")
        self.evaluate("0")  # flushes events queued before the load

    def evaluate(self, expression):
        """The value of a JavaScript expression (JSON-serialisable; promises awaited)."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise BrowserError("evaluate %r: %s %s" % (expression[:80], d.get("text", ""),
                                                      d.get("exception", {}).get("description", "")))
        return r.get("result", {}).get("value")

    def click(self, selector):
        """A real mouse click at the centre of the first element matching selector."""
        box = self.evaluate("(() => { const e = document.querySelector(%s); if (!e) return null;"
                            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                            " return [r.x + r.width / 2, r.y + r.height / 2]; })()" % json.dumps(selector))
        if not box:
            raise BrowserError("no element matches %s" % selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1}, session=True)
        self.evaluate("0")

    def type_text(self, selector, text):
        """Focuses an input and types text into it as key events."""
        self.evaluate("document.querySelector(%s).focus()" % json.dumps(selector))
        self.send("Input.insertText", {"text": text}, session=True)
        self.evaluate("0")

    def screenshot(self, path, full_page=False, width=None, height=None):
        """A PNG of the viewport, or of the whole page; width and height (px) resize the
        viewport first."""
        if width or height:
            self.send("Emulation.setDeviceMetricsOverride", {
                "width": width or 1200, "height": height or 900, "deviceScaleFactor": 1,
                "mobile": False}, session=True)
            self.evaluate("window.scrollTo(0, 0)")
        params = {"format": "png"}
        if full_page:
            m = self.send("Page.getLayoutMetrics", session=True)
            size = m.get("cssContentSize") or m["contentSize"]
            params.update(captureBeyondViewport=True, clip={
                "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = base64.b64decode(self.send("Page.captureScreenshot", params, session=True)["data"])
        with open(path, "wb") as f:
            f.write(data)
        return path

    def pdf(self, path):
        """The page printed to PDF (A4 from the page's @page rule, backgrounds on)."""
        r = self.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True},
                      session=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        return path

    def last_log(self):
        try:
            with open(self.log, "rb") as f:
                lines = [x for x in f.read().decode(errors="replace").splitlines() if x.strip()]
            return lines[-1] if lines else "(empty)"
        except OSError:
            return "(no log)"

    def close(self):
        if self.pid:
            try:
                if self.session is not None and self.deadline > time.monotonic():
                    self._post("Browser.close", None, False)
            except (OSError, TimeoutError, BrowserError):
                pass
            end = time.monotonic() + 3
            while time.monotonic() < end:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
                time.sleep(0.05)
            else:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(self.pid, 0)
            try:  # helpers (zygote, renderers) left in the group
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None
        for fd in ("_w", "_r"):
            if getattr(self, fd, None) is not None:
                os.close(getattr(self, fd))
                setattr(self, fd, None)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
