#!/usr/bin/env python3
"""The `stack` suite: a real `make up` / `make up` / `make down` round trip:
the ECS service's tasks as containers behind HAProxy, HTTPS verified against
the stack's own CA, outputs.json, and nothing left running after make down.

It runs in its own STACK_DIR, container name and free port, so it neither
needs port 5000 nor touches a stack a developer has up. The checks run in
order; whatever happens, the stack is torn down at the end (make down, then
by hand if that failed). Ends with "N passed, N failed".
"""
import json
import os
import re
import signal
import ssl
import sys
import time
import unittest
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib import containers, ports, procs, runner  # noqa: E402
STACK_DIR = os.path.join(ROOT, "build", "stack-test")
CONTAINER = f"hello-server-stack-test-{os.getpid()}"
UP_TIMEOUT = int(os.environ.get("STACK_TEST_TIMEOUT", "1500"))


PORT = ports.free_port()
HTTPS_PORT = ports.free_port()
ENV = dict(os.environ, STACK_DIR=STACK_DIR, STACK_PORT=str(PORT), STACK_HTTPS_PORT=str(HTTPS_PORT),
           STACK_CONTAINER=CONTAINER)
CA = os.path.join(STACK_DIR, "tls", "ca.pem")
ECS_DIR = os.path.join(STACK_DIR, "ecs")


def make(target):
    """Runs `make <target>` for the test's stack; echoes and returns (rc, output, seconds)."""
    start = time.monotonic()
    code, out = procs.run(["make", "--no-print-directory", "-C", ROOT, target], env=ENV, check=False,
                          timeout=UP_TIMEOUT)
    print(f"--- make {target} ---\n{out}--- end ---", flush=True)
    return code, out, time.monotonic() - start


def get(url, timeout=5):
    ctx = ssl.create_default_context(cafile=CA) if url.startswith("https:") else None
    with urllib.request.urlopen(url, timeout=timeout, context=ctx) as r:
        return r.status, r.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def redirect_of(url):
    """(status, Location) of a URL that must redirect."""
    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=5)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")
    return 200, None


def summary_value(output, label):
    m = re.search(rf"^\s+{re.escape(label)}:\s+(\S+)", output, re.M)
    return m.group(1) if m else None


def image_tag(output):
    m = re.search(r"^\s+ECR repository:.*\(tag (\S+)\)$", output, re.M)
    return m.group(1) if m else None


def stack_containers():
    """Names of the containers this stack started (its tasks, by name prefix)."""
    _, out = containers.run(["ps", "-a", "--format", "{{.Names}}"], check=False)
    return [n for n in out.split() if n.startswith(CONTAINER)]


def container_exists():
    return bool(stack_containers())


def read_pid(name):
    try:
        return int(open(os.path.join(ECS_DIR, name)).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Stack(unittest.TestCase):
    """One round trip; the numbered tests run in order and share its state."""
    state = {}

    @classmethod
    def tearDownClass(cls):
        # Leave nothing behind, whatever failed above.
        if not cls.state.get("down_ok"):
            make("down")
        for name in stack_containers():
            containers.rm(name)
        for key in ("emulator_pid", "agent_pid", "haproxy_pid"):
            pid = cls.state.get(key)
            if pid and procs.pid_running(pid):
                os.kill(pid, signal.SIGKILL)
        for key in ("cold_seconds", "warm_seconds"):
            if key in cls.state:
                print(f"{key}: {cls.state[key]:.0f}")

    def need(self, key):
        if key not in self.state:
            self.fail(f"an earlier step failed ({key} missing); see its output above")
        return self.state[key]

    def test_1_make_up_succeeds(self):
        rc, out, secs = make("up")
        self.state["up_output"] = out
        self.state["cold_seconds"] = secs
        pid_file = os.path.join(STACK_DIR, "emulator", "pid")
        if os.path.exists(pid_file):
            self.state["emulator_pid"] = int(open(pid_file).read().strip())
            with open(os.path.join(STACK_DIR, "emulator", "port")) as f:
                self.state["emulator_port"] = int(f.read().strip())
        self.state["agent_pid"] = read_pid("agent.pid")
        self.state["haproxy_pid"] = read_pid("haproxy.pid")
        self.assertEqual(rc, 0, "make up failed")
        self.state["up_ok"] = True
        print(f"make up (cold): {secs:.0f}s")

    def test_2_progress_lines_are_timed(self):
        out = self.need("up_output")
        steps = re.findall(r"^\[up\s+\d+s\] \d+/\d+ [a-z]+: .* \(\d+s\)$", out, re.M)
        self.assertGreaterEqual(len(steps), 9, "expected one timed line per step")

    def test_3_summary_url_answers_over_verified_https(self):
        self.need("up_ok")
        url = summary_value(self.state["up_output"], "URL")
        self.assertEqual(url, f"https://localhost:{HTTPS_PORT}")
        self.assertEqual(get(url + "/"), (200, "Hello, World!"))
        status, body = get(url + "/readyz")
        self.assertEqual(status, 200)
        self.assertIn("ready", body)
        # The ALB's port 80 listener: a permanent redirect to HTTPS, same host and path.
        self.assertEqual(redirect_of(f"http://localhost:{PORT}/version?x=1"),
                         (301, f"https://localhost:{HTTPS_PORT}/version?x=1"))
        with self.assertRaises(urllib.error.URLError, msg="a client without the stack's CA must refuse it"):
            urllib.request.urlopen(url + "/", timeout=5)

    def test_3b_outputs_json_lists_the_lb_and_the_tasks(self):
        self.need("up_ok")
        with open(os.path.join(STACK_DIR, "outputs.json")) as f:
            out = json.load(f)
        self.assertEqual(out["lb_http_url"], f"http://localhost:{PORT}")
        self.assertEqual(out["lb_https_url"], f"https://localhost:{HTTPS_PORT}")
        self.assertEqual(out["ca_cert"], CA)
        self.assertEqual(len(out["tasks"]), 1, "env local's desired count is 1")
        for task in out["tasks"]:
            self.assertEqual(task["target_health"], "healthy")
            self.assertEqual(get(task["url"] + "/healthz")[0], 200)

    def test_4_summary_names_the_emulated_stack(self):
        self.need("up_ok")
        out = self.state["up_output"]
        for label in ["ALB DNS name", "ECS service", "Task definition", "ECR repository", "Metrics", "Stop everything"]:
            self.assertTrue(summary_value(out, label), f"summary lacks '{label}'")
        self.assertRegex(summary_value(out, "Task definition"), r":\d+$")
        self.assertIn("amazonaws.com", summary_value(out, "ECR repository"))

    def test_5_tasks_are_locked_down_as_the_task_definition_says(self):
        self.need("up_ok")
        names = stack_containers()
        self.assertEqual(len(names), 1, names)
        fmt = "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}"
        _, out = containers.run(["inspect", "--format", fmt, names[0]], check=False)
        self.assertTrue(out.startswith("65532"), out)
        self.assertIn("true", out)
        self.assertRegex(out, r"CAP_ALL|ALL|CAP_CHOWN", "capabilities not dropped")
        self.assertIn("no-new-privileges", out)

    def test_6_make_up_again_is_idempotent(self):
        # A repeat with the same image tag must change nothing. If app/
        # changed between the runs (a shared working tree), the tag changes
        # and a new revision is right, so run again until two consecutive
        # runs see the same tag.
        previous = self.need("up_output")
        for attempt in range(3):
            rc, out, secs = make("up")
            self.assertEqual(rc, 0, "make up again failed")
            self.assertEqual(get(summary_value(out, "URL") + "/")[0], 200)
            if image_tag(out) != image_tag(previous):
                print(f"app/ changed between runs (new image tag); running make up again", flush=True)
                previous = out
                continue
            self.state["warm_seconds"] = secs
            print(f"make up (warm): {secs:.0f}s")
            self.assertEqual(summary_value(out, "Task definition"), summary_value(previous, "Task definition"),
                             "a repeat with the same image registered a new task definition revision")
            self.assertRegex(out, r"emulator: reused")
            self.assertRegex(out, r"ecr: \S+ already registered")
            self.assertRegex(out, r"lb: reused")
            self.assertRegex(out, r"platform: Apply complete! Resources: 0 added, 0 changed, 0 destroyed")
            return
        self.fail("app/ changed on every run; could not check that a repeat changes nothing")

    def test_7_make_down_leaves_nothing_running(self):
        rc, out, _ = make("down")
        self.assertEqual(rc, 0, "make down failed")
        self.state["down_ok"] = True
        self.assertFalse(container_exists(), f"containers still there: {stack_containers()}")
        for key in ("agent_pid", "haproxy_pid"):
            pid = self.state.get(key)
            self.assertTrue(pid, f"make up left no {key} file")
            self.assertFalse(procs.pid_running(pid), f"{key} {pid} still runs")
        pid = self.state.get("emulator_pid")
        if pid is not None:
            self.assertFalse(procs.pid_running(pid), f"the emulator (pid {pid}) still runs")
        self.assertFalse(os.path.exists(os.path.join(STACK_DIR, "emulator", "pid")))
        if "emulator_port" in self.state:
            with self.assertRaises(OSError, msg="something still answers on the emulator's port"):
                get(f"http://127.0.0.1:{self.state['emulator_port']}/moto-api/", timeout=2)
        for port in (PORT, HTTPS_PORT):
            with self.assertRaises(OSError):
                get(f"http://127.0.0.1:{port}/", timeout=2)

    def test_8_make_down_again_is_harmless(self):
        rc, out, _ = make("down")
        self.assertEqual(rc, 0, "make down with nothing up failed")
        self.assertIn("no tasks, no load balancer", out)
        self.assertIn("nothing to destroy", out)


if __name__ == "__main__":
    sys.exit(runner.main(unittest.defaultTestLoader.loadTestsFromTestCase(Stack), sys.argv[1:]))
