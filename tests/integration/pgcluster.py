"""A throwaway PostgreSQL cluster for tests (python3, standard library only).

    with PgCluster() as pg:          # initdb, start, createdb
        run(..., env={"PK_RSTORE_PG": pg.url})
    # stopped (immediate) and its directory removed, whatever happened

Debian's server binaries (/usr/lib/postgresql/<N>/bin, newest first, or
$PK_PG_BIN) run in a private temporary directory that is also the Unix
socket directory: listen_addresses='' opens no TCP port, so parallel tests
and a real server on the host never meet. initdb refuses to run as root,
so as root the cluster runs as `nobody` through runuser(1) and the directory
is handed to it. fsync=off: the cluster is discarded, so durability is not
what is tested here. Missing PostgreSQL raises Unavailable; callers skip
then, except under CI (env CI set), where it is a failure.
"""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile


class Unavailable(Exception):
    """PostgreSQL cannot be started here; the reason says why."""


def _bindir():
    env = os.environ.get("PK_PG_BIN")
    if env:
        if not os.path.exists(os.path.join(env, "initdb")):
            raise Unavailable("PK_PG_BIN=%s has no initdb" % env)
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        raise Unavailable("no /usr/lib/postgresql/*/bin/initdb (Debian package postgresql; "
                          "scripts/install-deps.sh)")
    return os.path.dirname(found[-1])


class PgCluster:
    def __init__(self, dbname="registry"):
        self.bin = _bindir()
        self.dbname = dbname
        self.dir = None
        self.started = False
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.prefix = []
        if os.getuid() == 0:
            if not shutil.which("runuser"):
                raise Unavailable("running as root and runuser(1) is missing: initdb refuses root")
            self.user = "nobody"
            self.prefix = ["runuser", "-u", "nobody", "--"]

    def _run(self, args, timeout=120):
        try:
            p = subprocess.run(self.prefix + args, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout, cwd=self.dir)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Unavailable("%s: %s" % (os.path.basename(args[0]), e))
        if p.returncode != 0:
            log = ""
            if self.dir and os.path.exists(os.path.join(self.dir, "log")):
                with open(os.path.join(self.dir, "log"), errors="replace") as f:
                    log = f.read()[-2000:]
            raise Unavailable("%s failed (%d): %s%s" % (os.path.basename(args[0]), p.returncode,
                                                        p.stdout.decode(errors="replace")[-2000:],
                                                        log))

    def __enter__(self):
        # Short path: a Unix socket path has at most 107 bytes.
        self.dir = tempfile.mkdtemp(prefix="pkpg-", dir="/tmp")
        old = signal.signal(signal.SIGTERM, self._on_term)
        self._old_term = old
        try:
            if self.prefix:
                pw = pwd.getpwnam(self.user)
                os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chmod(self.dir, 0o700)
            data = os.path.join(self.dir, "data")
            self._run([os.path.join(self.bin, "initdb"), "-D", data, "-A", "trust", "-U",
                       self.user, "-E", "UTF8", "--no-sync"])
            opts = "-k %s -c listen_addresses='' -c fsync=off -c max_connections=40" % self.dir
            self._run([os.path.join(self.bin, "pg_ctl"), "-D", data, "-o", opts, "-l",
                       os.path.join(self.dir, "log"), "-w", "-t", "60", "start"])
            self.started = True
            self._run([os.path.join(self.bin, "createdb"), "-h", self.dir, "-U", self.user,
                       self.dbname])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.url = "postgresql:///%s?host=%s&user=%s" % (self.dbname, self.dir, self.user)
        return self

    def _on_term(self, signum, frame):
        self.__exit__(None, None, None)
        raise SystemExit(128 + signum)

    def __exit__(self, *exc):
        try:
            if self.started:
                self.started = False
                subprocess.run(self.prefix + [os.path.join(self.bin, "pg_ctl"), "-D",
                                              os.path.join(self.dir, "data"), "-m", "immediate",
                                              "-w", "stop"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        finally:
            if self.dir:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None
            signal.signal(signal.SIGTERM, self._old_term or signal.SIG_DFL)
        return False
