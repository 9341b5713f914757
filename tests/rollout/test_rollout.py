"""Rollouts under load through the local stack (make up): the ECS stand-in's
rolling deploy, circuit breaker, task replacement and scaling, with HAProxy
in the ALB's place, while tests/rollout/load.py counts every request.

One stack for the whole suite (its own STACK_DIR, ports and container
names); the scenarios run in order on it and `make down` ends it whatever
happened. Each prints the load's counts and how long the change took.
"""
import json
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
from tests.lib import ROOT, containers, ports, procs  # noqa: E402
from load import Load  # noqa: E402

STACK_DIR = os.path.join(ROOT, "build", "stack-rollout")
ECS_DIR = os.path.join(STACK_DIR, "ecs")
PREFIX = f"hello-rollout-{os.getpid()}"
CONNECTIONS, RATE = 4, 25.0          # 100 requests a second on loopback
STEADY_TIMEOUT = 300
KILL_WINDOW = 10                     # seconds after a kill -9 in which requests to the task may fail


def stack_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "EMULATOR_", "STACK_", "LOCAL_ECS"))}
    env.update(STACK_DIR=STACK_DIR, STACK_CONTAINER=PREFIX,
               STACK_PORT=str(ports.free_port()), STACK_HTTPS_PORT=str(ports.free_port()))
    return env


ENV = stack_env()


def make(*args, check=True, timeout=1500):
    return procs.run(["make", "--no-print-directory", "-C", ROOT, *args], env=ENV, check=check, timeout=timeout)


def emulator_env():
    env = dict(ENV)
    with open(os.path.join(STACK_DIR, "emulator", "env")) as f:
        for line in f:
            if line.startswith("export "):
                k, _, v = line[len("export "):].strip().partition("=")
                env[k] = v
    return env


def aws(*args):
    _, out = procs.run(["aws", "--output", "json", *args], env=emulator_env(), timeout=120)
    return json.loads(out) if out.strip() else None


def state():
    with open(os.path.join(ECS_DIR, "state.json")) as f:
        return json.load(f)


def by_digest(commit_tag):
    """How task definitions name the image of `commit_tag`: @<its digest in ECR>."""
    images = aws("ecr", "describe-images", "--repository-name", Rollout.repo, "--image-ids", f"imageTag={commit_tag}")
    return "@" + images["imageDetails"][0]["imageDigest"]


def steady(count, commit_tag, timeout=STEADY_TIMEOUT):
    """Waits until the last deployment completed and exactly `count` tasks run,
    all healthy, all of image `commit_tag`."""
    image = by_digest(commit_tag)
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = state()
        tasks = now["tasks"]
        if (now["deployments"] and now["deployments"][-1]["status"] == "COMPLETED" and len(tasks) == count and all(t["state"] == "RUNNING" and t["target_health"] == "healthy" and
                                        t["image"].endswith(image) for t in tasks)):
            return tasks
        time.sleep(1)
    raise AssertionError(f"not {count} healthy tasks of {commit_tag} within {timeout}s: {state()['tasks']}")


class Rollout(unittest.TestCase):
    """The scenarios share one stack and run in order (test_1 .. test_4)."""
    out = {}

    @classmethod
    def setUpClass(cls):
        make("down", check=False)          # a stack a killed run left behind
        make("up")
        with open(os.path.join(STACK_DIR, "outputs.json")) as f:
            cls.out = json.load(f)
        cls.tag = cls.out["image_tag"]
        cls.url = cls.out["lb_https_url"] + "/version"
        cls.ca = cls.out["ca_cert"]
        with open(os.path.join(STACK_DIR, "platform.json")) as f:
            platform = json.load(f)
        cls.cluster = platform["cluster_name"]["value"]
        cls.service = platform["service_name"]["value"]
        cls.repo = platform["ecr_repository_name"]["value"]
        # Two tasks, as autoscaling would set it (local.tfvars starts with one).
        cls.scale(2)
        steady(2, cls.tag)

    @classmethod
    def tearDownClass(cls):
        make("down", check=False)

    @classmethod
    def scale(cls, count):
        aws("ecs", "update-service", "--cluster", cls.cluster, "--service", cls.service,
            "--desired-count", str(count))

    def build_and_register(self, tag, broken=False):
        """The next version: the real Dockerfile with another GIT_SHA; or, broken, that
        image with an invalid setting baked in (the server exits 2 at start)."""
        if broken:
            ctx = os.path.join(STACK_DIR, "broken-image")
            os.makedirs(ctx, exist_ok=True)
            with open(os.path.join(ctx, "Containerfile"), "w") as f:
                f.write(f"FROM localhost/hello-server:{self.next_tag}\nENV THREADS=many\n")
            containers.run(["build", "--format", "docker", "-t", f"hello-server:{tag}", ctx], timeout=600)
        else:
            # A fixed build time: the same tag rebuilds from cache on the next run.
            env = dict(ENV, IMAGE_TAG=tag, GIT_SHA=tag, EXTRA_TAGS="", BUILD_TIME="2026-01-01T00:00:00Z")
            procs.run(["make", "--no-print-directory", "-C", ROOT, "image"], env=env, timeout=1500)
        procs.run([os.path.join(ROOT, "scripts/stack/ecr-register.sh"), self.repo, tag],
                  env=emulator_env(), timeout=120)

    def deploy(self, tag):
        start = time.time()
        code, out = make("deploy", "ENV=local", f"TAG={tag}", check=False)
        print(out, flush=True)
        return code, out, time.time() - start

    def report(self, name, load, seconds):
        print(f"\n{name}: {load.report()}; took {seconds:.0f}s", flush=True)

    def test_1_rolling_deploy_under_load(self):
        Rollout.next_tag = f"{self.tag}-next"
        self.build_and_register(self.next_tag)
        with Load(self.url, self.ca, CONNECTIONS, RATE) as load:
            time.sleep(2)
            code, out, seconds = self.deploy(self.next_tag)
            done = time.time()
            time.sleep(3)
        self.report("rolling deploy", load, seconds)
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
        self.assertIn("circuit breaker", out)
        self.assertRegex(out, r"Rolled back|rolled the service back")
        self.assertEqual(load.failed, 0, load.report())
        self.assertEqual(set(load.commits_since(0)), {self.next_tag}, "the old version must serve throughout")
        steady(2, self.next_tag)

    def test_3_killed_task_is_replaced(self):
        victim = state()["tasks"][0]["name"]
        with Load(self.url, self.ca, CONNECTIONS, RATE) as load:
            time.sleep(2)
            start = time.time()
            containers.run(["kill", "--signal", "KILL", victim])
            deadline = time.time() + STEADY_TIMEOUT
            while time.time() < deadline:
                tasks = state()["tasks"]
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
