"""The service image, built from app/Dockerfile by the script `make image`
uses, checked with a real container runtime: what is in it, how it is
configured, and how it behaves when run with the production security
settings (scripts/container/run.sh)."""
import json
import os
import secrets
import signal
import subprocess
import tarfile
import tempfile
import time
import unittest

from container_lib import SCRIPTS, build, free_port, get, pick_engine
from container_lib import start_container as _start

SIZE_BUDGET = 5 * 1000 * 1000  # bytes, uncompressed
UID = 65532

# Values no other build uses, so a stale image cannot pass /version.
BUILD = {
    "VERSION": "9.8.7-test." + secrets.token_hex(3),
    "GIT_SHA": secrets.token_hex(6),
    "BUILD_TIME": "2026-01-02T03:04:05Z",
}
# Unique per run, so two runs on one machine never race for a tag.
IMAGE_TAG = "container-test-" + secrets.token_hex(4)
ENGINE = None
IMAGE = None


def engine(*args, check=True, timeout=120):
    result = subprocess.run([ENGINE, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{ENGINE} {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def setUpModule():
    global ENGINE, IMAGE
    ENGINE = pick_engine()
    # The host's own platform: this suite runs the image natively (the arm64
    # suite runs the Graviton build under emulation).
    IMAGE = build(IMAGE_TAG, BUILD, "container-build.log", platform="host")


def tearDownModule():
    # The build stage's layers stay as cache; only this run's tag goes.
    if IMAGE:
        engine("rmi", IMAGE, check=False)


def start_container(name, port):
    _start(ENGINE, IMAGE, name, port)


def remove_container(name):
    engine("rm", "--force", name, check=False)


def inspect(kind, name):
    return json.loads(engine(kind, "inspect", name).stdout)[0]


class ImageContents(unittest.TestCase):
    """What the built image holds and declares, without running it."""

    @classmethod
    def setUpClass(cls):
        cls.image = inspect("image", IMAGE)
        cls.config = cls.image.get("Config") or {}

    def test_size_within_budget(self):
        size = self.image["Size"]
        print(f"image size: {size} bytes ({size / 1048576:.2f} MiB) uncompressed, budget {SIZE_BUDGET} bytes")
        self.assertLessEqual(size, SIZE_BUDGET)

    def test_only_the_binary(self):
        with tempfile.TemporaryDirectory() as tmp:
            archive = os.path.join(tmp, "image.tar")
            engine("save", "--output", archive, IMAGE)
            with tarfile.open(archive) as outer:
                manifest = json.load(outer.extractfile("manifest.json"))
                entries = {}
                for layer in manifest[0]["Layers"]:
                    with tarfile.open(fileobj=outer.extractfile(layer)) as inner:
                        for member in inner.getmembers():
                            entries[member.name.removeprefix("./").rstrip("/")] = member
        entries.pop("", None)
        print("image files:", sorted(entries))
        self.assertNotIn("bin/sh", entries)
        self.assertEqual(sorted(entries), ["server"])
        server = entries["server"]
        self.assertTrue(server.isfile())
        self.assertEqual((server.uid, server.gid), (0, 0), "owned by root, so uid 65532 cannot modify it")
        self.assertEqual(server.mode & 0o7777, 0o555)

    def test_runtime_config(self):
        self.assertEqual(self.config.get("User"), f"{UID}:{UID}")
        self.assertEqual(self.config.get("Entrypoint"), ["/server"])
        self.assertIn("5000/tcp", self.config.get("ExposedPorts") or {})
        self.assertIn("PORT=5000", self.config.get("Env") or [])
        self.assertEqual(self.config.get("StopSignal"), "SIGTERM")

    def test_healthcheck_declared(self):
        check = self.config.get("Healthcheck") or self.image.get("HealthCheck") or self.image.get("Healthcheck")
        self.assertIsNotNone(check, "no HEALTHCHECK in the image config (podman must build --format docker)")
        self.assertEqual(check.get("Test"), ["CMD", "/server", "--healthcheck"])

    def test_oci_labels(self):
        labels = self.config.get("Labels") or {}
        prefix = "org.opencontainers.image."
        self.assertEqual(labels.get(prefix + "version"), BUILD["VERSION"])
        self.assertEqual(labels.get(prefix + "revision"), BUILD["GIT_SHA"])
        self.assertEqual(labels.get(prefix + "created"), BUILD["BUILD_TIME"])
        for name in ("source", "title", "licenses"):
            self.assertTrue(labels.get(prefix + name), f"label {prefix}{name} missing or empty")


class RunningContainer(unittest.TestCase):
    """The image run as `make run` runs it."""

    @classmethod
    def setUpClass(cls):
        cls.name = "container-test-" + secrets.token_hex(4)
        cls.port = free_port()
        try:
            start_container(cls.name, cls.port)
        except BaseException:
            remove_container(cls.name)
            raise

    @classmethod
    def tearDownClass(cls):
        remove_container(cls.name)

    def test_serves_root(self):
        status, headers, body = get(self.port, "/")
        self.assertEqual(status, 200)
        self.assertEqual(body, "Hello, World!")
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))

    def test_serves_healthz(self):
        status, _, body = get(self.port, "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"status": "ok"})

    def test_version_reports_build_args(self):
        status, _, body = get(self.port, "/version")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"version": BUILD["VERSION"], "commit": BUILD["GIT_SHA"],
                                            "build_time": BUILD["BUILD_TIME"]})

    def test_security_settings_applied(self):
        host = inspect("container", self.name)["HostConfig"]
        self.assertTrue(host.get("ReadonlyRootfs"))
        # docker keeps "ALL"; podman lists every capability it dropped.
        dropped = {c.upper().removeprefix("CAP_") for c in host.get("CapDrop") or []}
        self.assertTrue("ALL" in dropped or {"CHOWN", "DAC_OVERRIDE", "NET_RAW", "SETUID", "SETGID"} <= dropped,
                        dropped)
        self.assertFalse(host.get("CapAdd"))
        self.assertTrue(any("no-new-privileges" in opt for opt in host.get("SecurityOpt") or []))

    def test_nothing_writable_but_kernel_mounts(self):
        pid = inspect("container", self.name)["State"]["Pid"]
        with open(f"/proc/{pid}/mounts") as mounts_file:
            mounts = {fields[1]: fields[3].split(",") for fields in map(str.split, mounts_file)}
        self.assertIn("ro", mounts["/"], "root filesystem is writable")
        writable = sorted(path for path in ("/tmp", "/var/tmp", "/run") if "rw" in mounts.get(path, []))
        self.assertEqual(writable, [], "writable scratch mounts in a read-only container")

    def test_process_unprivileged(self):
        pid = inspect("container", self.name)["State"]["Pid"]
        with open(f"/proc/{pid}/status") as status_file:
            status = dict(line.split(":", 1) for line in status_file.read().splitlines() if ":" in line)
        print(f"pid {pid}: Uid {status['Uid'].split()} CapEff {status['CapEff'].strip()} "
              f"NoNewPrivs {status['NoNewPrivs'].strip()}")
        self.assertEqual(status["Uid"].split(), [str(UID)] * 4)
        self.assertEqual(status["Gid"].split(), [str(UID)] * 4)
        for caps in ("CapEff", "CapPrm", "CapBnd"):
            self.assertEqual(int(status[caps], 16), 0, caps)
        self.assertEqual(status["NoNewPrivs"].strip(), "1")

    def test_healthcheck_passes(self):
        if ENGINE == "podman":
            result = engine("healthcheck", "run", self.name, check=False, timeout=30)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        else:  # docker runs the check itself; wait for its verdict
            deadline = time.monotonic() + 40
            while inspect("container", self.name)["State"].get("Health", {}).get("Status") != "healthy":
                self.assertLess(time.monotonic(), deadline, "container not healthy after 40 s")
                time.sleep(1)

    def test_healthcheck_command_in_container(self):
        result = engine("exec", self.name, "/server", "--healthcheck", check=False, timeout=30)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_healthcheck_can_fail(self):
        # Probing a port nothing listens on must report unhealthy.
        result = engine("exec", "--env", "PORT=1", self.name, "/server", "--healthcheck", check=False, timeout=30)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)

    def test_no_shell_to_exec(self):
        result = engine("exec", self.name, "/bin/sh", "-c", "true", check=False, timeout=30)
        self.assertNotEqual(result.returncode, 0)


class Shutdown(unittest.TestCase):
    """`stop` sends SIGTERM: the server drains and exits 0, fast."""

    def test_stop_exits_zero_within_drain_timeout(self):
        name = "container-stop-" + secrets.token_hex(4)
        port = free_port()
        try:
            start_container(name, port)
            self.assertEqual(get(port, "/")[0], 200)
            start = time.monotonic()
            engine("stop", "--time", "30", name, timeout=60)
            seconds = time.monotonic() - start
            state = inspect("container", name)["State"]
            logs = engine("logs", name).stdout
        finally:
            remove_container(name)
        print(f"stop took {seconds:.2f} s, exit code {state['ExitCode']}")
        self.assertEqual(state["ExitCode"], 0)
        # Well inside the 20 s drain timeout: nothing was in flight.
        self.assertLess(seconds, 5)
        events = [json.loads(line).get("event") for line in logs.splitlines() if line.startswith("{")]
        self.assertIn("drain_started", events)
        self.assertIn("stopped", events)

    def test_ctrl_c_stops_make_run(self):
        # `make run` in the foreground: Ctrl-C (SIGINT) reaches the server,
        # which drains and exits 0, and --rm removes the container.
        name = "container-run-" + secrets.token_hex(4)
        port = free_port()
        env = dict(os.environ, IMAGE=IMAGE, CONTAINER_NAME=name, HOST_PORT=str(port))
        self.addCleanup(remove_container, name)
        run = subprocess.Popen([os.path.join(SCRIPTS, "run.sh")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if get(port, "/healthz", timeout=1)[0] == 200:
                        break
                except OSError:
                    pass
                self.assertLess(time.monotonic(), deadline, "make run did not serve within 20 s")
                time.sleep(0.2)
            os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
            output, _ = run.communicate(timeout=30)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
        self.assertEqual(run.returncode, 0, output)
        self.assertIn('"event":"stopped"', output.replace(" ", ""))
        self.assertNotEqual(engine("container", "inspect", name, check=False).returncode, 0,
                            "container left behind after Ctrl-C")


if __name__ == "__main__":
    unittest.main()
