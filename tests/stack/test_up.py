"""`make up` from cold, its summary and outputs.json, the tasks as the task
definition declares them, and `make up` again changing nothing. The first
part of the `stack` suite (run.py); the rollouts then run on this stack."""
import os
import re
import ssl
import unittest
import urllib.error
import urllib.request

from tests.lib import containers
from tests.stack import local_stack as stack


def get(url, timeout=5):
    ctx = ssl.create_default_context(cafile=stack.ca_cert()) if url.startswith("https:") else None
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


def need(test, key):
    if key not in stack.facts:
        test.fail(f"an earlier step failed ({key} missing); see its output above")
    return stack.facts[key]


class StackUp(unittest.TestCase):
    """The numbered tests run in order and share stack.facts."""

    @classmethod
    def setUpClass(cls):
        stack.make("down")          # a stack a killed run left behind

    def test_1_make_up_succeeds(self):
        rc, out, secs = stack.make("up")
        stack.facts["up_output"] = out
        stack.facts["cold_seconds"] = secs
        pid_file = os.path.join(stack.STACK_DIR, "emulator", "pid")
        if os.path.exists(pid_file):
            stack.facts["emulator_pid"] = int(open(pid_file).read().strip())
            with open(os.path.join(stack.STACK_DIR, "emulator", "port")) as f:
                stack.facts["emulator_port"] = int(f.read().strip())
        stack.facts["agent_pid"] = stack.read_pid("agent.pid")
        stack.facts["haproxy_pid"] = stack.read_pid("haproxy.pid")
        self.assertEqual(rc, 0, "make up failed")
        stack.facts["up_ok"] = True
        print(f"make up (cold): {secs:.0f}s")

    def test_2_progress_lines_are_timed(self):
        out = need(self, "up_output")
        steps = re.findall(r"^\[up\s+\d+s\] \d+/\d+ [a-z]+: .* \(\d+s\)$", out, re.M)
        self.assertGreaterEqual(len(steps), 9, "expected one timed line per step")

    def test_3_summary_url_answers_over_verified_https(self):
        need(self, "up_ok")
        url = summary_value(stack.facts["up_output"], "URL")
        self.assertEqual(url, f"https://localhost:{stack.HTTPS_PORT}")
        self.assertEqual(get(url + "/"), (200, "Hello, World!"))
        status, body = get(url + "/readyz")
        self.assertEqual(status, 200)
        self.assertIn("ready", body)
        # The ALB's port 80 listener: a permanent redirect to HTTPS, same host and path.
        self.assertEqual(redirect_of(f"http://localhost:{stack.PORT}/version?x=1"),
                         (301, f"https://localhost:{stack.HTTPS_PORT}/version?x=1"))
        with self.assertRaises(urllib.error.URLError, msg="a client without the stack's CA must refuse it"):
            urllib.request.urlopen(url + "/", timeout=5)

    def test_4_outputs_json_lists_the_lb_and_the_tasks(self):
        need(self, "up_ok")
        out = stack.outputs()
        self.assertEqual(out["lb_http_url"], f"http://localhost:{stack.PORT}")
        self.assertEqual(out["lb_https_url"], f"https://localhost:{stack.HTTPS_PORT}")
        self.assertEqual(out["ca_cert"], stack.ca_cert())
        self.assertEqual(len(out["tasks"]), 2, "env local's desired count is 2 (infra/envs/local.tfvars)")
        for task in out["tasks"]:
            self.assertEqual(task["target_health"], "healthy")
            self.assertEqual(get(task["url"] + "/healthz")[0], 200)

    def test_5_summary_names_the_emulated_stack(self):
        need(self, "up_ok")
        out = stack.facts["up_output"]
        for label in ["ALB DNS name", "ECS service", "Task definition", "ECR repository", "Metrics", "Stop everything"]:
            self.assertTrue(summary_value(out, label), f"summary lacks '{label}'")
        self.assertRegex(summary_value(out, "Task definition"), r":\d+$")
        self.assertIn("amazonaws.com", summary_value(out, "ECR repository"))

    def test_6_tasks_are_locked_down_as_the_task_definition_says(self):
        need(self, "up_ok")
        names = stack.stack_containers()
        self.assertEqual(len(names), 2, names)
        fmt = "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}"
        for name in names:
            _, out = containers.run(["inspect", "--format", fmt, name], check=False)
            self.assertTrue(out.startswith("65532"), out)
            self.assertIn("true", out)
            self.assertRegex(out, r"CAP_ALL|ALL|CAP_CHOWN", "capabilities not dropped")
            self.assertIn("no-new-privileges", out)

    def test_7_make_up_again_is_idempotent(self):
        # A repeat with the same image tag must change nothing. If app/
        # changed between the runs (a shared working tree), the tag changes
        # and a new revision is right, so run again until two consecutive
        # runs see the same tag.
        previous = need(self, "up_output")
        for _ in range(3):
            rc, out, secs = stack.make("up")
            self.assertEqual(rc, 0, "make up again failed")
            self.assertEqual(get(summary_value(out, "URL") + "/")[0], 200)
            if image_tag(out) != image_tag(previous):
                print("app/ changed between runs (new image tag); running make up again", flush=True)
                previous = out
                continue
            stack.facts["warm_seconds"] = secs
            print(f"make up (warm): {secs:.0f}s")
            self.assertEqual(summary_value(out, "Task definition"), summary_value(previous, "Task definition"),
                             "a repeat with the same image registered a new task definition revision")
            self.assertRegex(out, r"emulator: reused")
            self.assertRegex(out, r"ecr: \S+ already registered")
            self.assertRegex(out, r"lb: reused")
            self.assertRegex(out, r"platform: Apply complete! Resources: 0 added, 0 changed, 0 destroyed")
            stack.facts["up_again_ok"] = True
            return
        self.fail("app/ changed on every run; could not check that a repeat changes nothing")


if __name__ == "__main__":
    raise SystemExit("run the suite: python3 tests/stack/run.py")
