"""The registry store's conformance suite on PostgreSQL.

Starts a throwaway cluster (pgcluster.py), runs the cmocka binary
tests/unit/test_registry_store (PK_RSTORE_TEST) with PK_RSTORE_PG set to
its libpq URI, so the same suite that ran on SQLite runs on PostgreSQL, and
always stops and removes the cluster. Without PostgreSQL the test is skipped
(exit 77) with the reason, except under CI (env CI set), where it fails.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgcluster import PgCluster, Unavailable  # noqa: E402

SKIP = 77


def main():
    binary = os.environ.get("PK_RSTORE_TEST")
    if not binary or not os.path.exists(binary):
        print("PK_RSTORE_TEST does not name the test binary")
        return 1
    try:
        with PgCluster() as pg:
            env = dict(os.environ, PK_RSTORE_PG=pg.url)
            p = subprocess.run([binary], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=600)
            out = p.stdout.decode(errors="replace")
            print(out)
            if p.returncode != 0:
                print("registry_store: the suite failed (%d)" % p.returncode)
                return 1
            if "registry_store: the suite on PostgreSQL" not in out:
                print("registry_store: the PostgreSQL group did not run")
                return 1
    except Unavailable as e:
        if os.environ.get("CI"):
            print("registry_store: PostgreSQL is required under CI: %s" % e)
            return 1
        print("registry_store: PostgreSQL skipped: %s" % e)
        return SKIP
    print("registry_store: the suite passed on PostgreSQL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
