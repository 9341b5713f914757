"""Rollouts under load through the local stack (make up): the ECS stand-in's
rolling deploy, circuit breaker, task replacement and scaling, with HAProxy
in the ALB's place, while tests/rollout/load.py counts every request.

Part of the `stack` suite (tests/stack/run.py): the scenarios run in order
on the stack test_up.py brought up (or bring it up themselves when run
alone with -k). Each prints the load's counts and how long the change took.
"""
import os
import re
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
from tests.lib import ROOT, containers, procs  # noqa: E402
from tests.stack import local_stack as stack  # noqa: E402
from load import Load  # noqa: E402

CONNECTIONS, RATE = 4, 25.0          # 100 requests a second on loopback
STEADY_TIMEOUT = 300
KILL_WINDOW = 10                     # seconds after a kill -9 in which requests to the task may fail


def steady(count, tag, timeout=None):
    return stack.steady(count, tag, timeout or STEADY_TIMEOUT)


class Rollout(unittest.TestCase):
    """The scenarios share one stack and run in order (test_1 .. test_4)."""

    @classmethod
    def setUpClass(cls):
        if not stack.facts.get("up_ok"):
            rc, _, _ = stack.make("up")
            if rc != 0:
                raise AssertionError("make up failed; see its output above")
            stack.facts["up_ok"] = True
        out = stack.outputs()
        cls.tag = out["image_tag"]
        cls.url = out["lb_https_url"] + "/version"
        cls.ca = out["ca_cert"]
        cls.cluster = stack.platform_output("cluster_name")
        cls.service = stack.platform_output("service_name")
        cls.repo = stack.platform_output("ecr_repository_name")
        cls.next_tag = f"{cls.tag}-next"
        # env local runs two tasks (infra/envs/local.tfvars), as every scenario assumes.
        steady(2, cls.tag)

    @classmethod
    def scale(cls, count):
        stack.aws("ecs", "update-service", "--cluster", cls.cluster, "--service", cls.service,
                  "--desired-count", str(count))

    def build_and_register(self, tag, broken=False):
        """The next version: the real Dockerfile with another GIT_SHA; or, broken, that
        image with an invalid setting baked in (the server exits 2 at start)."""
        if broken:
            ctx = os.path.join(stack.STACK_DIR, "broken-image")
            os.makedirs(ctx, exist_ok=True)
            with open(os.path.join(ctx, "Containerfile"), "w") as f:
                f.write(f"FROM localhost/hello-server:{self.next_tag}\nENV THREADS=many\n")
            containers.run(["build", "--format", "docker", "-t", f"hello-server:{tag}", ctx], timeout=600)
        else:
            # A fixed build time: the same tag rebuilds from cache on the next run.
            env = dict(stack.env(), IMAGE_TAG=tag, GIT_SHA=tag, EXTRA_TAGS="", PLATFORM="host",
                       BUILD_TIME="2026-01-01T00:00:00Z")
            procs.run(["make", "--no-print-directory", "-C", ROOT, "image"], env=env, timeout=1500)
        procs.run([os.path.join(ROOT, "scripts/stack/ecr-register.sh"), self.repo, tag],
                  env=stack.emulator_env(), timeout=120)

    def deploy(self, tag):
        code, out, seconds = stack.make("deploy", "ENV=local", f"TAG={tag}")
        return code, out, seconds

    def report(self, name, load, seconds, deploy_output=""):
        """One figure line (also printed by run.py at the end): the load's
        counts, how long the change took and, for a deploy, the rollout itself."""
        rollout = re.search(r"rollout: \S+ completed in ([\d.]+)s", deploy_output)
        line = f"{name}: {load.report()}; took {seconds:.0f}s" + (
            f" (rollout {float(rollout.group(1)):.0f}s)" if rollout else "")
        stack.facts.setdefault("figures", []).append(line)
        print(f"\n{line}", flush=True)

    def test_1_rolling_deploy_under_load(self):
        self.build_and_register(self.next_tag)
        with Load(self.url, self.ca, CONNECTIONS, RATE) as load:
            time.sleep(2)
            code, out, seconds = self.deploy(self.next_tag)
            done = time.time()
            time.sleep(3)
        self.report("rolling deploy", load, seconds, out)
        self.assertEqual(code, 0, "the deploy failed")
        self.assertGreater(load.sent, 100)
        self.assertEqual(load.failed, 0, load.report())
        after = load.commits_since(done)
        self.assertEqual(set(after), {self.next_tag}, f"answers after the deploy: {after}")
        steady(2, self.next_tag, timeout=5)

    def test_2_never_ready_image_rolls_back(self):
        broken = f"{self.tag}-broken"
        self.build_and_register(broken, broken=True)
        with Load(self.url, self.ca, CONNECTIONS, RATE) as load:
            time.sleep(2)
            code, out, seconds = self.deploy(broken)
            time.sleep(3)
        self.report("never-ready image", load, seconds)
        self.assertNotEqual(code, 0, "the deploy of an image that never turns ready must fail")
        # The stand-in's circuit breaker rolled ECS back (ecs_ctl.py says so), not
        # only deploy.sh's re-apply of the previous tag afterwards.
        self.assertIn("the circuit breaker rolled the service back to", out)
        broken_image = stack.by_digest(broken)
        dep = [d for d in stack.state()["deployments"] if d["image"].endswith(broken_image)][-1]
        self.assertEqual((dep["status"], bool(dep["rolled_back_to"])), ("FAILED", True), dep)
        self.assertEqual(load.failed, 0, load.report())
        self.assertEqual(set(load.commits_since(0)), {self.next_tag}, "the old version must serve throughout")
        steady(2, self.next_tag)

    def test_3_killed_task_is_replaced(self):
        victim = stack.state()["tasks"][0]["name"]
        with Load(self.url, self.ca, CONNECTIONS, RATE) as load:
            time.sleep(2)
            start = time.time()
            containers.run(["kill", "--signal", "KILL", victim])
            deadline = time.time() + STEADY_TIMEOUT
            while time.time() < deadline:
                tasks = stack.state()["tasks"]
                if victim not in [t["name"] for t in tasks] and len(tasks) == 2 and \
                        all(t["target_health"] == "healthy" for t in tasks):
                    break
                time.sleep(1)
            seconds = time.time() - start
            time.sleep(2)
        self.report("kill -9 of one task", load, seconds)
        steady(2, self.next_tag, timeout=5)
        # As on an ALB, the requests sent to the dead task fail (502/503, or
        # a reset for those in flight) until it is deregistered, which the
        # scheduler does when it sees the container gone: within seconds,
        # then nothing more fails.
        late = [(round(at - start, 1), kind) for at, kind in load.failure_times if at > start + KILL_WINDOW]
        self.assertEqual(late, [], f"failures later than {KILL_WINDOW}s after the kill: {load.report()}")
        self.assertLessEqual(set(load.failures), {"reset", "http_502", "http_503"}, load.report())
        self.assertLess(load.failed, RATE * CONNECTIONS * KILL_WINDOW / 2, load.report())

    def test_4_scale_out_and_in_under_load(self):
        with Load(self.url, self.ca, CONNECTIONS, RATE) as load:
            time.sleep(2)
            start = time.time()
            self.scale(4)
            steady(4, self.next_tag)
            out_seconds = time.time() - start
            self.scale(2)
            steady(2, self.next_tag)
            seconds = time.time() - start
            time.sleep(2)
        self.report(f"scale 2 -> 4 ({out_seconds:.0f}s) -> 2", load, seconds)
        self.assertEqual(load.failed, 0, load.report())
