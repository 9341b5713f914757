"""A local build reports the commit it was built from, after every commit.

`make build` used to bake the commit in when CMake configured, which happens
only when a CMake file changes; the next commit kept the old one. Here a
second repository stands in for a new HEAD (GIT_DIR points git at it), so
the test commits nothing in the real one: the rebuilt binary must report
that HEAD, by recompiling one file, and the real one again after."""
import fcntl
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib import ports, procs  # noqa: E402

SERVER = os.path.join(ROOT, "build", "app", "release", "server")
LOCK = os.path.join(ROOT, "build", "app", ".release.lock")  # mk/10-app.mk's app_locked
BUILD_TIMEOUT = 1800
GIT_ID = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]


def git(*args, env=None):
    return subprocess.run(["git", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def real_commit():
    """What the build must report for the real checkout: the full SHA, as build.sh tags images and the
    pipeline deploys and smoke-tests them."""
    commit = git("rev-parse", "HEAD")
    return commit + ("-dirty" if git("status", "--porcelain", "--", "app") else "")


def make_build(env=None):
    """`make build` (the class holds the folder's lock); returns its output (the ninja lines)."""
    env = dict(env or os.environ, APP_BUILD_LOCK_HELD="1")
    _, out = procs.run(["make", "--no-print-directory", "build"], env=env, timeout=BUILD_TIMEOUT)
    return out


def compiled(build_output):
    return re.findall(r"Building CXX object (\S+)", build_output)


def reported_commits():
    """The commit in `server --version` and in GET /version."""
    cli = subprocess.run([SERVER, "--version"], capture_output=True, text=True, timeout=10).stdout
    m = re.search(r"\((\S+), built ", cli)
    port = ports.free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PORT": str(port), "HOST": "127.0.0.1"}
    with procs.Process([SERVER], env=env) as server:
        server.wait_port(port, timeout=30)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/version", timeout=5) as r:
            http = json.load(r)["commit"]
    return (m.group(1) if m else cli), http


class BuildReportsItsCommit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The release folder's lock, for the whole class: another suite's
        # `make build` (make test runs suites side by side) between a build
        # here and the check of its binary would put the real commit back.
        os.makedirs(os.path.dirname(LOCK), exist_ok=True)
        cls.lock = open(LOCK, "a")
        cls.addClassCleanup(cls.lock.close)  # closing it releases the lock
        fcntl.flock(cls.lock, fcntl.LOCK_EX)
        make_build()   # whatever state the tree was in: built and configured

    def tearDown(self):
        make_build()   # never leave a binary that reports the fake HEAD

    def test_a_new_head_is_reported_after_a_rebuild(self):
        with tempfile.TemporaryDirectory() as other:
            subprocess.run(["git", "init", "-q", other], check=True)
            subprocess.run(["git", *GIT_ID, "-C", other, "commit", "-q", "--allow-empty", "-m", "new HEAD"],
                           check=True)
            fake = subprocess.run(["git", "-C", other, "rev-parse", "HEAD"], check=True,
                                  capture_output=True, text=True).stdout.strip()
            self.assertNotEqual(fake, real_commit()[:12])
            out = make_build(dict(os.environ, GIT_DIR=os.path.join(other, ".git")))
        cli, http = reported_commits()
        # With GIT_DIR set, all of app/ is untracked in that repository: "-dirty".
        self.assertEqual(cli, f"{fake}-dirty", "server --version reports a stale commit")
        self.assertEqual(http, f"{fake}-dirty", "/version reports a stale commit")
        self.assertEqual([os.path.basename(o) for o in compiled(out)], ["version_info.cpp.o"],
                         "a new commit must recompile the version file only")

    def test_the_real_head_and_nothing_rebuilt_when_nothing_changed(self):
        out = make_build()
        self.assertEqual(compiled(out), [], "a build with nothing changed compiled something")
        self.assertEqual(reported_commits(), (real_commit(), real_commit()))
        self.assertRegex(real_commit(), r"^[0-9a-f]{40}(-dirty)?$")

    def test_make_build_and_make_image_report_the_same_commit(self):
        """One helper for both: the commit build.sh tags and bakes into images is the one /version reports."""
        r = subprocess.run(["scripts/git-commit.sh"], cwd=ROOT, capture_output=True, text=True, check=True)
        self.assertEqual(reported_commits()[1], r.stdout.strip())
        self.assertIn("scripts/git-commit.sh", open(os.path.join(ROOT, "scripts/container/build.sh")).read())


if __name__ == "__main__":
    unittest.main()
