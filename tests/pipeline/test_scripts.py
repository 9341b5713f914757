"""The pipeline's scripts: shellcheck clean, and bad input rejected before
anything is read or changed (no AWS or emulator needed: these checks come
first in scripts/deploy.sh and scripts/smoke-test.sh)."""
import os
import subprocess
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ["scripts/deploy.sh", "scripts/smoke-test.sh", "scripts/service-check.sh", "scripts/preflight.sh",
           "deps/setup-pipeline.sh",
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scripts/ci").glob("*.sh"))]
# Any AWS call would fail loudly: no credentials, an endpoint that refuses.
NO_AWS = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x",
          "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "us-east-1"}


def run(*cmd, env=NO_AWS):
    return subprocess.run(list(cmd), cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)


def known_env():
    envs = sorted(p.stem for p in (ROOT / "infra/envs").glob("*.tfvars") if "." not in p.stem)
    return "dev" if "dev" in envs else envs[0]


class Shellcheck(unittest.TestCase):
    def test_scripts_are_shellcheck_clean(self):
        r = run("shellcheck", "-x", *SCRIPTS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_scripts_are_executable(self):
        for s in SCRIPTS:
            with self.subTest(script=s):
                self.assertTrue(os.access(ROOT / s, os.X_OK))


class DeployInput(unittest.TestCase):
    def assertBadInput(self, args, *fragments):
        r = run("scripts/deploy.sh", *args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for f in fragments:
            self.assertIn(f, r.stderr)
        self.assertIn("usage: scripts/deploy.sh --env ENV --tag TAG", r.stderr)
        # Rejected before reading anything: no step was started.
        self.assertNotIn("reading the platform", r.stdout)

    def test_missing_tag(self):
        self.assertBadInput(["--env", known_env()], "missing --tag")

    def test_empty_tag(self):
        self.assertBadInput(["--env", known_env(), "--tag", ""], "empty --tag")

    def test_invalid_tags(self):
        for tag in ("-rf", ".hidden", "a:b", "a/b", "x" * 129, "tag with space", "$(id)"):
            with self.subTest(tag=tag):
                self.assertBadInput(["--env", known_env(), "--tag", tag], "invalid image tag")

    def test_unknown_env(self):
        self.assertBadInput(["--env", "staging", "--tag", "abc"], "unknown env 'staging'", "infra/envs/staging.tfvars")
        self.assertBadInput(["--env", "../dev", "--tag", "abc"], "unknown env '../dev'")

    def test_missing_env_and_unknown_argument(self):
        self.assertBadInput(["--tag", "abc"], "missing --env")
        self.assertBadInput(["--env", known_env(), "--tag", "abc", "--force"], "unknown argument '--force'")

    def test_bad_smoke_setting(self):
        r = run("scripts/deploy.sh", "--env", known_env(), "--tag", "abc", env={**NO_AWS, "SMOKE": "no"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("SMOKE must be 0 or 1", r.stderr)

    def test_usage_lists_the_envs(self):
        r = run("scripts/deploy.sh", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(known_env(), r.stdout)

    def test_make_deploy_passes_env_and_tag(self):
        r = run("make", "--no-print-directory", "deploy", "ENV=staging", "TAG=abc")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unknown env 'staging'", r.stderr)
        r = run("make", "--no-print-directory", "deploy", f"ENV={known_env()}")
        self.assertIn("empty --tag", r.stderr)


class SmokeInput(unittest.TestCase):
    def test_bad_arguments(self):
        for args, fragment in ((["http://x"], "usage"), (["ftp://x", "abc"], "must start with http"),
                               (["http://x", ""], "EXPECTED_COMMIT is empty")):
            with self.subTest(args=args):
                r = run("scripts/smoke-test.sh", *args)
                self.assertEqual(r.returncode, 2)
                self.assertIn(fragment, r.stderr)

    def test_bad_timeout(self):
        r = run("scripts/smoke-test.sh", "http://127.0.0.1:9", "abc", env={**NO_AWS, "SMOKE_TIMEOUT": "soon"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("SMOKE_TIMEOUT", r.stderr)


class TfInput(unittest.TestCase):
    def test_bad_lock_timeout_names_the_variable(self):
        r = run("scripts/tf.sh", "platform", known_env(), "plan", env={**NO_AWS, "TF_LOCK_TIMEOUT": "soon"})
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("TF_LOCK_TIMEOUT must be a duration", r.stderr)


class CiScriptInput(unittest.TestCase):
    def test_usage_and_exit_2(self):
        for script in ("scripts/ci/tf-apply.sh", "scripts/ci/deployed-tag.sh", "scripts/service-check.sh",
                       "scripts/preflight.sh"):
            with self.subTest(script=script):
                r = run(script)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("usage:", r.stderr)


if __name__ == "__main__":
    unittest.main()
