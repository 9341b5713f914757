"""scripts/container/build.sh's settings, without building (DRY_RUN=1 prints
the engine command): the platform follows the environment's tasks, the
commit baked into /version is the full SHA the pipeline deploys, and bad
settings exit 2 naming the variable."""
import os
import re
import shlex
import subprocess
import unittest

from container_lib import ROOT, SCRIPTS

BUILD_SH = os.path.join(SCRIPTS, "build.sh")
PLATFORM_SH = os.path.join(SCRIPTS, "platform.sh")
HOST = {"x86_64": "linux/amd64", "aarch64": "linux/arm64"}[os.uname().machine]


def dry_run(**env):
    # BUILDER_IMAGE set: the dry run never builds or pulls a base.
    full = dict(os.environ, DRY_RUN="1", BUILDER_IMAGE="localhost/base:test", **env)
    for key in ("PLATFORM", "ENV", "GIT_SHA", "IMAGE_TAG"):
        if key not in env:
            full.pop(key, None)
    return subprocess.run([BUILD_SH], env=full, capture_output=True, text=True, timeout=120)


def command(**env):
    result = dry_run(**env)
    if result.returncode != 0:
        raise AssertionError(f"build.sh exited {result.returncode}: {result.stderr}")
    return shlex.split(result.stdout.strip().splitlines()[-1])


def option(args, name):
    return [args[i + 1] for i, a in enumerate(args) if a == name]


def build_args(args):
    return dict(a.split("=", 1) for a in option(args, "--build-arg"))


def tasks_platform(env):
    text = open(os.path.join(ROOT, "infra", "envs", f"{env}.tfvars")).read()
    arch = re.search(r'cpu_architecture\s*=\s*"(\w+)"', text).group(1)
    return {"ARM64": "linux/arm64", "X86_64": "linux/amd64"}[arch]


class Platform(unittest.TestCase):
    def test_default_is_dev_tasks_cpu(self):
        self.assertEqual(tasks_platform("dev"), "linux/arm64")
        self.assertEqual(option(command(), "--platform"), ["linux/arm64"])

    def test_env_chooses_its_tasks_cpu(self):
        for env in ("dev", "prod", "local"):
            with self.subTest(env=env):
                self.assertEqual(option(command(ENV=env), "--platform"), [tasks_platform(env)])

    def test_explicit_and_host(self):
        self.assertEqual(option(command(PLATFORM="linux/amd64"), "--platform"), ["linux/amd64"])
        self.assertEqual(option(command(PLATFORM="host"), "--platform"), [HOST])

    def test_multi_arch_is_one_manifest_list(self):
        args = command(PLATFORM="linux/amd64,linux/arm64", IMAGE_TAG="abc")
        self.assertEqual(option(args, "--platform"), ["linux/amd64,linux/arm64"])
        if args[0] == "podman":
            self.assertEqual(option(args, "--manifest"), ["hello-server:abc"])
            self.assertEqual(option(args, "-t"), [])

    def test_podman_gets_the_build_platform(self):
        args = command()
        if args[0] == "podman":
            self.assertEqual(build_args(args)["BUILDPLATFORM"], HOST)

    def test_bad_platform_exits_2(self):
        result = dry_run(PLATFORM="linux/s390x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("PLATFORM='linux/s390x'", result.stderr)

    def test_unknown_env_exits_2(self):
        result = dry_run(ENV="nope")
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: scripts/container/platform.sh", result.stderr)

    def test_platform_script_usage(self):
        for args in ([], ["a", "b"], ["../etc"]):
            with self.subTest(args=args):
                result = subprocess.run([PLATFORM_SH, *args], capture_output=True, text=True)
                self.assertEqual(result.returncode, 2)
                self.assertIn("usage:", result.stderr)


class Commit(unittest.TestCase):
    """The commit in /version is the full SHA: what deploy.yml tags, deploys
    and smoke-tests (a 12-character one never matched)."""

    def setUp(self):
        self.head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True,
                                   check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "app"], capture_output=True,
                               text=True, check=True).stdout.strip()
        self.commit = self.head + ("-dirty" if dirty else "")

    def test_default_is_the_full_commit(self):
        args = command()
        self.assertEqual(len(self.head), 40)
        self.assertEqual(build_args(args)["GIT_SHA"], self.commit)
        self.assertIn(f"hello-server:{self.commit}", option(args, "-t"))

    def test_image_tag_of_the_full_sha_bakes_the_full_sha(self):
        # docs: make image IMAGE_TAG=$(git rev-parse HEAD); make deploy ENV=dev TAG=<that sha>
        args = command(IMAGE_TAG=self.head)
        self.assertEqual(build_args(args)["GIT_SHA"][:40], self.head)
        self.assertIn(f"hello-server:{self.head}", option(args, "-t"))


if __name__ == "__main__":
    unittest.main()
