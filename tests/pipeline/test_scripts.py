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

    def test_invalid_digest(self):
        for digest in ("sha256:abc", "md5:" + "a" * 64, "sha256:" + "A" * 64, ""):
            with self.subTest(digest=digest):
                self.assertBadInput(["--env", known_env(), "--tag", "abc", "--digest", digest], "invalid --digest")

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
        r = run("make", "--no-print-directory", "deploy", f"ENV={known_env()}", "TAG=abc", "DIGEST=sha256:x")
        self.assertIn("invalid --digest 'sha256:x'", r.stderr)
        r = run("make", "--no-print-directory", "promote", f"ENV={known_env()}", "TAG=abc", "FROM=docker.io/x")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--from 'docker.io/x' is not an ECR repository URL", r.stderr)


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

    def test_plan_role_never_falls_back_to_another_envs_role(self):
        dev_arn, prod_arn = (f"arn:aws:iam::123456789012:role/hello-{e}-github-plan" for e in ("dev", "prod"))
        both = {**NO_AWS, "AWS_PLAN_ROLE_ARN_DEV": dev_arn, "AWS_PLAN_ROLE_ARN_PROD": prod_arn}
        for env, expected in (("dev", dev_arn), ("prod", prod_arn)):
            r = run("scripts/ci/plan-role.sh", env, env=both)
            self.assertEqual((r.returncode, r.stdout), (0, f"arn={expected}\n"), r.stderr)
        # prod not set up yet: no role (its plan is skipped), never dev's.
        r = run("scripts/ci/plan-role.sh", "prod", env={**NO_AWS, "AWS_PLAN_ROLE_ARN_DEV": dev_arn})
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        self.assertIn("AWS_PLAN_ROLE_ARN_PROD is not set", r.stderr)
        # dev must be set; a value that is no role ARN is named.
        r = run("scripts/ci/plan-role.sh", "dev")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("AWS_PLAN_ROLE_ARN_DEV is not set", r.stderr)
        r = run("scripts/ci/plan-role.sh", "dev", env={**NO_AWS, "AWS_PLAN_ROLE_ARN_DEV": "hello-dev-github-plan"})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("not an IAM role ARN", r.stderr)
        for args in ([], ["dev", "prod"], ["../x"]):
            r = run("scripts/ci/plan-role.sh", *args)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("usage:", r.stderr)

    def test_promote_image_bad_input(self):
        src = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-dev"
        cases = [
            (["--tag", "abc", "--from", src], "missing --env"),
            (["--env", "staging", "--tag", "abc", "--from", src], "unknown env 'staging'"),
            (["--env", known_env(), "--from", src], "missing --tag"),
            (["--env", known_env(), "--tag", "a:b", "--from", src], "invalid image tag 'a:b'"),
            (["--env", known_env(), "--tag", "abc"], "missing --from"),
            (["--env", known_env(), "--tag", "abc", "--from", "docker.io/library/hello"], "is not an ECR repository URL"),
            (["--env", known_env(), "--tag", "abc", "--from", src + "@sha256:abc"], "invalid digest in --from"),
            (["--env", known_env(), "--tag", "abc", "--from", src, "--force"], "unknown argument '--force'"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                r = run("scripts/ci/promote-image.sh", *args)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(fragment, r.stderr)
                self.assertIn("usage: scripts/ci/promote-image.sh", r.stderr)
                self.assertNotIn("promoting", r.stdout)

    def test_image_target_bad_mode(self):
        r = run("scripts/ci/image-target.sh", known_env(), "abc", "rebuild")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("MODE must be build or existing", r.stderr)


class SharedDeploySteps(unittest.TestCase):
    """The deploy scripts share scripts/lib/deploy-steps.sh: one --env parser, one step/bad-input helper."""
    SCRIPTS = {"scripts/deploy.sh": ".tfvars", "scripts/preflight.sh": ".tfvars",
               "scripts/deploy-function.sh": ".function.tfvars", "scripts/ci/promote-image.sh": ".tfvars"}

    def test_one_env_parser(self):
        for script, suffix in self.SCRIPTS.items():
            with self.subTest(script=script):
                text = (ROOT / script).read_text()
                self.assertTrue(f"parse_env {suffix} " in text, f"{script} does not call parse_env")
                for own in ("--env)", "step() {", "bad_input() {", "elapsed() {"):
                    self.assertFalse(own in text, f"{script} defines its own {own!r}")
                for args, fragment in ((["--env"], "--env needs a value"), (["--env=../x"], "unknown env '../x'"),
                                       ([], "missing --env")):
                    r = run(script, *args)
                    self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                    self.assertIn(fragment, r.stderr)
                    self.assertIn(f"usage: {script}", r.stderr)


if __name__ == "__main__":
    unittest.main()
