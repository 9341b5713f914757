"""scripts/ci/function-from-image.sh with a fake `docker` on PATH that records
its arguments and hands out a binary: what is pulled, created, copied and
removed, and what reaches package-function.sh and deploy-function.sh. The
real deploy from an image, as the deploy role, is in test_function_stack.py."""
import os
import stat
import subprocess
import tempfile
import unittest

from tests.lib import ROOT
from tests.function.test_package import fake_elf

SCRIPT = os.path.join(ROOT, "scripts", "ci", "function-from-image.sh")
DIGEST = "sha256:" + "ab" * 32
URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-dev"
COMMIT = "c" * 40
# Records each call as one line; `create` prints a container id, `cp` copies
# $FAKE_SERVER to the destination, `image inspect` prints $FAKE_REPO_DIGEST.
# FAKE_FAIL=<subcommand> makes that subcommand fail.
FAKE_DOCKER = """#!/bin/sh
echo "$*" >>"$FAKE_LOG"
[ "$1" = "${FAKE_FAIL:-}" ] && { echo "docker: $1 failed" >&2; exit 1; }
case "$1" in
  create) echo c0ffee ;;
  cp) cp "$FAKE_SERVER" "$3" ;;
  image) printf '%s\\n' "$FAKE_REPO_DIGEST" ;;
esac
"""


class FunctionFromImage(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name
        bin_dir = os.path.join(self.dir, "bin")
        os.mkdir(bin_dir)
        docker = os.path.join(bin_dir, "docker")
        with open(docker, "w") as f:
            f.write(FAKE_DOCKER)
        os.chmod(docker, os.stat(docker).st_mode | stat.S_IEXEC)
        self.server = os.path.join(self.dir, "server")
        fake_elf(self.server, 183)  # aarch64
        self.log = os.path.join(self.dir, "docker.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GITHUB_"))}
        # env `local` without an emulator: deploy-function.sh stops at its guard (exit 2),
        # after everything this script does.
        self.env = dict(env, PATH=f"{bin_dir}:{env['PATH']}", FAKE_LOG=self.log, FAKE_SERVER=self.server,
                        FAKE_REPO_DIGEST=f"{URI}@{DIGEST}", EMULATOR_DIR=os.path.join(self.dir, "no-emulator"))

    def run_script(self, *args, **extra):
        return subprocess.run([SCRIPT, *args], env=dict(self.env, **extra), capture_output=True, text=True, timeout=60)

    def docker_calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return f.read().splitlines()

    def test_extracts_server_by_digest_packages_it_and_hands_it_to_deploy_function(self):
        r = self.run_script("--env", "local", "--image", f"{URI}@{DIGEST}", "--commit", COMMIT)
        create, copy, remove = self.docker_calls()
        self.assertEqual(create, f"create --platform linux/arm64 {URI}@{DIGEST}")
        self.assertRegex(copy, r"^cp c0ffee:/server /\S+/server$")
        self.assertEqual(remove, "rm --force c0ffee")
        self.assertIn("package-function: ", r.stdout)
        self.assertIn("arm64) from", r.stdout)
        # deploy-function.sh got the zip and the commit (and stopped at the emulator guard).
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("deploy-function: env 'local' is the AWS emulator", r.stderr)

    def test_a_tag_is_pinned_to_its_digest_before_use(self):
        r = self.run_script("--env", "local", "--image", f"{URI}:{COMMIT}", "--commit", COMMIT, "--arch", "arm64")
        calls = self.docker_calls()
        self.assertEqual(calls[0], f"pull --quiet --platform linux/arm64 {URI}:{COMMIT}")
        self.assertTrue(calls[1].startswith("image inspect --format "), calls)
        self.assertEqual(calls[2], f"create --platform linux/arm64 {URI}@{DIGEST}")
        self.assertIn(f"{URI}:{COMMIT} is {URI}@{DIGEST}", r.stdout)

    def test_x86_64_function_gets_the_amd64_binary(self):
        fake_elf(self.server, 62)
        self.run_script("--env", "local", "--image", f"{URI}@{DIGEST}", "--commit", COMMIT, "--arch", "x86_64")
        self.assertEqual(self.docker_calls()[0], f"create --platform linux/amd64 {URI}@{DIGEST}")

    def test_binary_of_another_architecture_stops_before_the_deploy(self):
        fake_elf(self.server, 62)  # x86_64, but the function is arm64
        r = self.run_script("--env", "local", "--image", f"{URI}@{DIGEST}", "--commit", COMMIT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("is built for x86_64, not arm64", r.stderr)
        self.assertNotIn("deploy-function", r.stdout + r.stderr)
        self.assertEqual(self.docker_calls()[-1], "rm --force c0ffee")

    def test_image_without_server_or_unreadable_fails_clearly(self):
        r = self.run_script("--env", "local", "--image", f"{URI}@{DIGEST}", "--commit", COMMIT, FAKE_FAIL="cp")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{URI}@{DIGEST} has no /server", r.stderr)
        self.assertEqual(self.docker_calls()[-1], "rm --force c0ffee")
        r = self.run_script("--env", "local", "--image", f"{URI}@{DIGEST}", "--commit", COMMIT, FAKE_FAIL="create")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot create a container", r.stderr)

    def test_bad_input_exits_2_with_usage_before_docker_runs(self):
        good = {"--env": "local", "--image": f"{URI}@{DIGEST}", "--commit": COMMIT}
        cases = [
            ({"--env": None}, "missing --env"),
            ({"--env": "staging"}, "unknown env 'staging'"),
            ({"--image": None}, "missing --image"),
            ({"--image": f"{URI}@sha256:abc"}, "invalid --image"),
            ({"--image": f"{URI}:x;rm -rf /"}, "invalid --image"),
            ({"--commit": "HEAD"}, "invalid --commit 'HEAD'"),
            ({"--commit": None}, "missing --commit"),
            ({"--arch": "i386"}, "--arch must be arm64 or x86_64"),
            ({"--bogus": "1"}, "unknown argument '--bogus'"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                args = dict(good, **change)
                argv = [x for k, v in args.items() if v is not None for x in (k, v)]
                r = self.run_script(*argv)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)
                self.assertIn("usage: scripts/ci/function-from-image.sh", r.stderr)
                self.assertEqual(self.docker_calls(), [])
        r = self.run_script("--env")
        self.assertEqual((r.returncode, "--env needs a value" in r.stderr), (2, True))


if __name__ == "__main__":
    unittest.main()
