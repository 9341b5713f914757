"""The Graviton (linux/arm64) image, cross-compiled by app/Dockerfile on this
machine and proven by running it: its binary passes the integration suite
under qemu-aarch64-static, and the image itself runs under podman through
binfmt_misc emulation (deps/setup-arm64.sh) with the production settings.
On an arm64 machine both run natively."""
import json
import os
import platform
import secrets
import shutil
import subprocess
import tempfile
import time
import unittest

from container_lib import LOG_DIR, ROOT, SCRIPTS, build, free_port, get, pick_engine, start_container

NATIVE = platform.machine() in ("aarch64", "arm64")
QEMU = shutil.which("qemu-aarch64-static")
BINFMT = "/proc/sys/fs/binfmt_misc/qemu-aarch64"
EM_AARCH64 = 183  # ELF e_machine


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, check=True).stdout.strip()


# The commit in full, as the pipeline tags, deploys and smoke-tests it. Fixed
# args per commit: a rerun on the same sources is a layer-cache hit.
BUILD = {
    "VERSION": "0.0.0-arm64-test",
    "GIT_SHA": git("rev-parse", "HEAD"),
    "BUILD_TIME": "2026-01-02T03:04:05Z",
}
ENGINE = None
IMAGE = None
WORK = None


def setUpModule():
    global ENGINE, IMAGE, WORK
    ENGINE = pick_engine()
    IMAGE = build("arm64-test-" + secrets.token_hex(4), BUILD, "arm64-build.log", platform="linux/arm64")
    WORK = tempfile.mkdtemp(prefix="arm64-test-")


def tearDownModule():
    if IMAGE:
        subprocess.run([ENGINE, "rmi", IMAGE], capture_output=True)
    if WORK:
        shutil.rmtree(WORK, ignore_errors=True)


def extract_server():
    """Copies /server out of the image (no container is started)."""
    path = os.path.join(WORK, "server-arm64")
    if not os.path.exists(path):
        cid = subprocess.run([ENGINE, "create", IMAGE], capture_output=True, text=True, check=True).stdout.strip()
        try:
            subprocess.run([ENGINE, "cp", f"{cid}:/server", path], capture_output=True, check=True)
        finally:
            subprocess.run([ENGINE, "rm", cid], capture_output=True)
    return path


class Image(unittest.TestCase):
    def test_image_is_arm64(self):
        info = json.loads(subprocess.run([ENGINE, "image", "inspect", IMAGE], capture_output=True, text=True,
                                         check=True).stdout)[0]
        self.assertEqual((info.get("Os"), info.get("Architecture")), ("linux", "arm64"))

    def test_binary_is_static_aarch64(self):
        with open(extract_server(), "rb") as f:
            header = f.read(64)
        self.assertEqual(header[:4], b"\x7fELF")
        self.assertEqual(int.from_bytes(header[18:20], "little"), EM_AARCH64, "e_machine is not AArch64")
        readelf = subprocess.run(["readelf", "-lS", extract_server()], capture_output=True, text=True, check=True)
        self.assertNotIn("Requesting program interpreter", readelf.stdout, "dynamically linked")
        self.assertNotIn(".symtab", readelf.stdout, "not stripped")


class IntegrationUnderQemu(unittest.TestCase):
    """app/tests/integration, all of it, against the arm64 binary run by
    qemu-aarch64-static (user-mode emulation, no binfmt needed)."""

    def test_integration_suite_passes(self):
        if NATIVE:
            server_bin = extract_server()
        else:
            self.assertIsNotNone(QEMU, "qemu-aarch64-static is missing: make setup (deps/apt-arm64.txt)")
            server_bin = os.path.join(WORK, "server-under-qemu")
            with open(server_bin, "w") as f:
                # exec: the harness's pid and signals reach qemu, which passes them on.
                f.write(f'#!/bin/sh\nexec {QEMU} {extract_server()} "$@"\n')
            os.chmod(server_bin, 0o755)
        os.chmod(extract_server(), 0o755)
        log = os.path.join(LOG_DIR, "arm64-integration.log")
        start = time.monotonic()
        with open(log, "w") as out:
            result = subprocess.run(["python3", os.path.join(ROOT, "app/tests/integration/run.py")],
                                    env=dict(os.environ, SERVER_BIN=server_bin), stdout=out,
                                    stderr=subprocess.STDOUT, timeout=1500)
        with open(log) as out:
            lines = out.read().splitlines()
        summary = lines[-1] if lines else ""
        print(f"integration suite under qemu: {summary} in {time.monotonic() - start:.0f} s (log: {log})")
        self.assertEqual(result.returncode, 0, "\n".join(lines[-40:]))
        passed, failed = (int(word) for word in summary.replace(",", "").split()[::2])
        self.assertEqual(failed, 0)
        self.assertGreater(passed, 50, "fewer integration tests ran than the suite holds")


class ImageUnderPodman(unittest.TestCase):
    """The arm64 image run as `make run` runs it, through binfmt emulation."""

    @classmethod
    def setUpClass(cls):
        if not NATIVE:
            enabled = os.path.exists(BINFMT) and open(BINFMT).readline().strip() == "enabled"
            if not enabled:
                raise AssertionError(
                    f"{BINFMT} is not enabled, so this kernel cannot run arm64 images: mount binfmt_misc "
                    "(mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc) and run "
                    "`update-binfmts --enable qemu-aarch64` (deps/setup-arm64.sh does both, as root)")
        cls.name = "arm64-test-" + secrets.token_hex(4)
        cls.port = free_port()
        try:
            start_container(ENGINE, IMAGE, cls.name, cls.port, wait=60)
        except BaseException:
            subprocess.run([ENGINE, "rm", "--force", cls.name], capture_output=True)
            raise

    @classmethod
    def tearDownClass(cls):
        subprocess.run([ENGINE, "rm", "--force", cls.name], capture_output=True)

    def test_serves_and_reports_the_full_commit(self):
        self.assertEqual(get(self.port, "/")[0], 200)
        status, _, body = get(self.port, "/version")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["commit"], BUILD["GIT_SHA"])
        self.assertEqual(len(json.loads(body)["commit"]), 40)

    def test_healthcheck_in_container(self):
        result = subprocess.run([ENGINE, "exec", self.name, "/server", "--healthcheck"], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_zz_stop_exits_zero(self):
        subprocess.run([ENGINE, "stop", "--time", "30", self.name], capture_output=True, check=True, timeout=60)
        state = json.loads(subprocess.run([ENGINE, "inspect", self.name], capture_output=True, text=True,
                                          check=True).stdout)[0]["State"]
        self.assertEqual(state["ExitCode"], 0)


if __name__ == "__main__":
    unittest.main()
