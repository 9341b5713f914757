"""The deploy path end to end, against the AWS emulator (env `local`).

One emulator in its own folder (build/pipeline/deploy-test), Terraform's
working dirs beside it: bootstrap + platform applied, fake image manifests
pushed to the emulated ECR, then scripts/deploy.sh deploys tag A, then B
(smoke-tested against a stub serving B), then C whose smoke test fails and
is rolled back to B. After each: what the service runs, the SSM parameter,
and `terraform plan -detailed-exitcode` (no drift). Bad inputs change
nothing. The tests run in order (numbered); the last destroys everything,
and the emulator is stopped whatever happens."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from test_smoke import Stub  # noqa: E402  (the same /healthz + /version stub)
from tests.lib import emulator  # noqa: E402

WORK = ROOT / "build" / "pipeline" / "deploy-test"
TAG_A = "a" * 40
TAG_B = "b" * 40
TAG_C = "c" * 40
TF_TIMEOUT = 900


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class DeployPath(unittest.TestCase):
    env: dict
    outputs: dict

    # ---- fixture ------------------------------------------------------------
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        cls.emulator_dir = WORK / "emulator"
        cls.emulator = emulator.Emulator(cls.emulator_dir)
        try:
            cls._start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _start(cls):
        cls.emulator.start()
        # Nothing of a GitHub runner or a smoke-test setting may leak in either.
        env = {k: v for k, v in cls.emulator.env.items() if not k.startswith(("GITHUB_", "SMOKE"))}
        env.update(EMULATOR_DIR=str(cls.emulator_dir), TF_WORK_DIR=str(WORK / "tf-work"), SMOKE="0")
        cls.env = env
        log(f"emulator at {env['AWS_ENDPOINT_URL']}")
        for stack in ("bootstrap", "platform"):
            # Once more after a failure: on a loaded machine the emulator now and
            # then drops a connection, and an apply picks up where it stopped.
            for attempt in (1, 2):
                log(f"applying {stack} (local), attempt {attempt}")
                r = cls.tf(stack, "apply", "-auto-approve", "-input=false", "-no-color")
                if r.returncode == 0:
                    break
                log(f"{stack} apply failed: {r.stderr.strip().splitlines()[-1:] or r.stdout[-300:]}")
            else:
                raise RuntimeError(f"{stack} apply failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        r = cls.tf("platform", "output", "-json")
        cls.outputs = {k: v["value"] for k, v in json.loads(r.stdout).items()}
        for tag in (TAG_A, TAG_B, TAG_C):
            cls.push_fake_image(tag)
        log("fixture ready")

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    # ---- helpers ------------------------------------------------------------
    @classmethod
    def tf(cls, stack, *args, env=None):
        return subprocess.run([str(ROOT / "scripts/tf.sh"), stack, "local", *args], cwd=ROOT, capture_output=True,
                              text=True, env=env or cls.env, timeout=TF_TIMEOUT)

    @classmethod
    def aws(cls, *args):
        r = subprocess.run(["aws", "--output", "json", *args], capture_output=True, text=True, env=cls.env,
                           timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)}: {r.stderr}")
        return json.loads(r.stdout) if r.stdout.strip() else {}

    @classmethod
    def push_fake_image(cls, tag):
        """A minimal schema-2 manifest: ECR stores it; nothing runs it in the emulator."""
        config = "sha256:" + hashlib.sha256(tag.encode()).hexdigest()
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2, "digest": config},
            "layers": []})
        cls.aws("ecr", "put-image", "--repository-name", cls.outputs["ecr_repository_name"], "--image-tag", tag,
                "--image-manifest", manifest)

    def deploy(self, *args, **extra_env):
        env = {**self.env, **extra_env}
        start = time.monotonic()
        r = subprocess.run([str(ROOT / "scripts/deploy.sh"), *args], cwd=ROOT, capture_output=True, text=True,
                           env=env, timeout=TF_TIMEOUT)
        log(f"deploy {' '.join(args)} -> exit {r.returncode} in {time.monotonic() - start:.0f} s")
        return r

    def service(self):
        o = self.outputs
        return self.aws("ecs", "describe-services", "--cluster", o["cluster_name"],
                        "--services", o["service_name"])["services"][0]

    def service_status(self):
        o = self.outputs
        services = self.aws("ecs", "describe-services", "--cluster", o["cluster_name"],
                            "--services", o["service_name"])["services"]
        return services[0]["status"] if services else None

    def task_definition(self, arn=None):
        arn = arn or self.service()["taskDefinition"]
        return self.aws("ecs", "describe-task-definition", "--task-definition", arn)["taskDefinition"]

    def parameter(self):
        return self.aws("ssm", "get-parameter", "--name", self.outputs["image_tag_parameter_name"])["Parameter"]["Value"]

    def image_tag(self):
        return self.task_definition()["containerDefinitions"][0]["image"].rsplit(":", 1)[1]

    def assertNoDrift(self):
        for stack in ("service", "platform"):
            r = self.tf(stack, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false")
            self.assertEqual(r.returncode, 0, f"{stack} plan is not clean after a deploy:\n{r.stdout[-4000:]}"
                                              f"\n{r.stderr[-2000:]}")

    def assertServing(self, tag):
        self.assertEqual(self.image_tag(), tag)
        self.assertEqual(self.parameter(), tag)

    def assertUnchanged(self, r, before):
        self.assertEqual(self.service()["taskDefinition"], before, r.stdout)
        self.assertEqual(self.parameter(), TAG_B)

    def ci_script(self, *args, **extra):
        """A script of scripts/ci (what the workflows run) against this env."""
        return subprocess.run([str(ROOT / "scripts/ci" / args[0]), *args[1:]], cwd=ROOT, capture_output=True,
                              text=True, env={**self.env, **extra}, timeout=TF_TIMEOUT)

    # ---- the deploy path, in order --------------------------------------------
    def test_0_infra_workflow_before_the_first_deploy_skips_the_service(self):
        """infra.yml on main before any image: the service root is skipped, not failed."""
        with tempfile.NamedTemporaryFile("r") as summary:
            r = self.ci_script("tf-apply.sh", "local", GITHUB_STEP_SUMMARY=summary.name)
            text = summary.read()
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])
        self.assertIn("- infra/platform: applied", text)
        self.assertIn("- infra/service: skipped, no image deployed to `local` yet", text)
        with tempfile.NamedTemporaryFile("r") as summary:
            r = self.ci_script("tf-plan.sh", "local", GITHUB_STEP_SUMMARY=summary.name)
            text = summary.read()
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])
        self.assertIn("### infra/service: skipped (no image deployed to `local` yet", text)
        self.assertEqual(self.service_status(), None)

    def test_1_first_deploy_of_A_creates_the_service(self):
        r = self.deploy("--env", "local", "--tag", TAG_A)
        self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])
        self.assertIn("creates it", r.stdout)
        self.assertServing(TAG_A)

    def test_2_deploy_B_smoke_tested(self):
        stub = Stub()
        self.addCleanup(stub.stop)
        stub.commit = TAG_B
        with tempfile.NamedTemporaryFile("r") as summary, tempfile.NamedTemporaryFile("r") as outputs:
            r = self.deploy("--env", "local", "--tag", TAG_B, SMOKE="1", SMOKE_URL=stub.url, SMOKE_TIMEOUT="10",
                            GITHUB_STEP_SUMMARY=summary.name, GITHUB_OUTPUT=outputs.name)
            self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])
            self.assertIn("deployed", summary.read())
            self.assertIn("deployed=true", outputs.read())
        self.assertIn(f"previous tag (SSM {self.outputs['image_tag_parameter_name']}): {TAG_A}", r.stdout)
        self.assertIn("smoke-test: pass", r.stdout)
        # One line per step, each with its time.
        self.assertRegex(r.stdout, r"\[\d\d:\d\d:\d\d \+ *\d+s\] deploy: applying infra/service")
        self.assertServing(TAG_B)

    def test_3_B_keeps_every_setting_terraform_gave_it(self):
        td = self.task_definition()
        c = td["containerDefinitions"][0]
        self.assertEqual(c["image"], f"{self.outputs['ecr_repository_url']}:{TAG_B}")
        self.assertTrue(c["readonlyRootFilesystem"])
        self.assertIn("--healthcheck", " ".join(c["healthCheck"]["command"]))
        self.assertEqual(c["logConfiguration"]["logDriver"], "awslogs")
        self.assertEqual(c["logConfiguration"]["options"]["awslogs-group"], self.outputs["log_group_name"])
        self.assertTrue(c["user"].startswith("65532"))
        self.assertEqual(c["linuxParameters"]["capabilities"]["drop"], ["ALL"])
        self.assertEqual(td["executionRoleArn"], self.outputs["task_execution_role_arn"])
        self.assertEqual(td["taskRoleArn"], self.outputs["task_role_arn"])
        # A's revision and B's differ in the image only.
        first = self.task_definition(f"{td['family']}:1")  # A: the first revision in a fresh emulator
        self.assertTrue(first["containerDefinitions"][0]["image"].endswith(":" + TAG_A))
        # The previous revision stays registered: it is the rollback target.
        self.assertEqual(first["status"], "ACTIVE", "deploying B deregistered A's task definition")
        strip = ("taskDefinitionArn", "revision", "registeredAt", "registeredBy", "status", "deregisteredAt")
        a = {k: v for k, v in first.items() if k not in strip}
        b = {k: v for k, v in td.items() if k not in strip}
        a["containerDefinitions"][0]["image"] = b["containerDefinitions"][0]["image"]
        self.assertEqual(a, b)

    def test_4_no_drift_after_the_deploy(self):
        self.assertServing(TAG_B)
        self.assertNoDrift()

    def test_5_bad_inputs_change_nothing(self):
        before = self.service()["taskDefinition"]
        cases = [
            (["--env", "local"], 2, "missing --tag"),
            (["--env", "local", "--tag", ""], 2, "empty --tag"),
            (["--env", "local", "--tag", "not:valid"], 2, "invalid image tag 'not:valid'"),
            (["--env", "local", "--tag", "d" * 40], 1, f"image tag '{'d' * 40}' not found in ECR repository"),
            (["--env", "staging", "--tag", TAG_A], 2, "unknown env 'staging'"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                r = self.deploy(*args)
                self.assertEqual(r.returncode, code, r.stdout[-2000:] + r.stderr[-2000:])
                self.assertIn(message, r.stderr)
                self.assertNotIn("applying infra/service", r.stdout)
                self.assertUnchanged(r, before)

    def push_index(self, tag, *archs):
        """An OCI image index listing linux/<arch> images (what a multi-arch build pushes)."""
        manifests = [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 2,
                      "digest": "sha256:" + hashlib.sha256(f"{tag}-{a}".encode()).hexdigest(),
                      "platform": {"os": "linux", "architecture": a}} for a in archs]
        self.aws("ecr", "put-image", "--repository-name", self.outputs["ecr_repository_name"], "--image-tag", tag,
                 "--image-manifest", json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                                 "manifests": manifests}))

    def preflight(self, *args, **extra_env):
        return subprocess.run([str(ROOT / "scripts/preflight.sh"), *args], cwd=ROOT, capture_output=True, text=True,
                              env={**self.env, **extra_env}, timeout=TF_TIMEOUT)

    def test_5b_preflight_good_and_bad(self):
        # envs/local.tfvars runs X86_64 tasks: the image must hold linux/amd64.
        self.push_index("multi-arch", "amd64", "arm64")
        self.push_index("arm64-only", "arm64")
        r = self.preflight("--env", "local", "--tag", "multi-arch")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("is an index with linux/amd64", r.stdout)
        self.assertIn("role hello-local-task-execution exists", r.stdout.replace("ok    ", ""))
        self.assertIn("env local is ready", r.stdout)
        # Without --tag: the tag deployed last (B, a single-platform manifest here).
        r = self.preflight("--env", "local")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"deployed tag: {TAG_B}", r.stdout)

        r = self.preflight("--env", "local", "--tag", "arm64-only")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("has platforms 'linux/arm64', not linux/amd64 which the task runs (cpu_architecture X86_64)",
                      r.stderr)
        r = self.preflight("--env", "local", "--tag", "f" * 40)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"image tag '{'f' * 40}' not found in ECR repository", r.stderr)
        r = self.preflight("--env", "local", TF_STATE_BUCKET="no-such-state-bucket")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("apply infra/platform first", r.stderr)
        r = self.preflight("--env", "local", "--tag", "a:b")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("usage: scripts/preflight.sh", r.stderr)

        # deploy.sh runs it first: a wrong architecture changes nothing.
        before = self.service()["taskDefinition"]
        r = self.deploy("--env", "local", "--tag", "arm64-only")
        self.assertEqual(r.returncode, 1, r.stdout[-2000:] + r.stderr[-2000:])
        self.assertIn("not linux/amd64", r.stderr)
        self.assertNotIn("applying infra/service", r.stdout)
        self.assertUnchanged(r, before)

    def test_6_platform_not_applied_fails_clearly(self):
        # An env whose platform state does not exist (here: another state bucket).
        r = self.deploy("--env", "local", "--tag", TAG_A, TF_STATE_BUCKET="no-such-state-bucket")
        self.assertEqual(r.returncode, 1, r.stdout[-2000:])
        self.assertIn("cannot read the platform's Terraform outputs for env local", r.stderr)
        self.assertNotIn("applying infra/service", r.stdout)
        self.assertServing(TAG_B)

    def test_7_failed_smoke_test_rolls_back_to_B(self):
        stub = Stub()  # still serving B: C never became healthy behind the ALB
        self.addCleanup(stub.stop)
        stub.commit = TAG_B
        with tempfile.NamedTemporaryFile("r") as summary:
            r = self.deploy("--env", "local", "--tag", TAG_C, SMOKE="1", SMOKE_URL=stub.url, SMOKE_TIMEOUT="2",
                            SMOKE_INTERVAL="1", GITHUB_STEP_SUMMARY=summary.name)
            text = summary.read()
        self.assertEqual(r.returncode, 1, r.stdout[-4000:] + r.stderr[-2000:])
        self.assertIn("smoke test against", r.stderr)
        self.assertIn(f"rolling back: terraform apply of infra/service with the previous tag {TAG_B}", r.stdout)
        self.assertIn("FAILED", text)
        self.assertIn(f"Rolled back: infra/service re-applied with the previous tag `{TAG_B}`", text)
        self.assertServing(TAG_B)
        self.assertNoDrift()

    def test_8_workflow_scripts(self):
        """What deploy.yml and infra.yml run, against the same env."""
        script = self.ci_script
        r = script("image-target.sh", "local", TAG_B)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"image={self.outputs['ecr_repository_url']}:{TAG_B}\nexists=true", r.stdout)
        self.assertIn("exists=false", script("image-target.sh", "local", "e" * 40).stdout)
        with tempfile.NamedTemporaryFile("r") as summary:
            r = script("deploy-failed-early.sh", "local", "e" * 40, GITHUB_STEP_SUMMARY=summary.name)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(f"`{TAG_B}` (SSM {self.outputs['image_tag_parameter_name']}) is still serving", summary.read())
        # infra.yml on a pull request: both plans in the summary, no changes.
        with tempfile.NamedTemporaryFile("r") as summary:
            r = script("tf-plan.sh", "local", GITHUB_STEP_SUMMARY=summary.name)
            text = summary.read()
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])
        self.assertIn("### infra/platform: no changes", text)
        self.assertIn("### infra/service: no changes", text)
        # infra.yml on main: apply without image_tag keeps the deployed image.
        with tempfile.NamedTemporaryFile("r") as summary:
            r = script("tf-apply.sh", "local", GITHUB_STEP_SUMMARY=summary.name)
            text = summary.read()
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])
        self.assertIn("- infra/service: applied", text)
        self.assertIn(f"service runs `{self.outputs['ecr_repository_url']}:{TAG_B}`", text)
        self.assertServing(TAG_B)

    def test_8b_infra_apply_fails_when_the_circuit_breaker_rolled_back(self):
        """The provider's steady-state wait returns after a rollback: tf-apply.sh must look."""
        o = self.outputs
        family = self.task_definition()["family"]
        real = shutil.which("terraform", path=self.env.get("PATH"))
        with tempfile.TemporaryDirectory() as fake:
            # terraform as it behaves on AWS: the apply succeeds while ECS has
            # rolled the service back to the previous revision (A's, revision 1).
            Path(fake, "terraform").write_text(f"""#!/bin/bash
"{real}" "$@"; rc=$?
if [ $rc = 0 ] && [ "$1" = -chdir={ROOT}/infra/service ] && [ "$2" = apply ]; then
  aws ecs update-service --cluster {o['cluster_name']} --service {o['service_name']} \\
    --task-definition {family}:1 >/dev/null
fi
exit $rc
""")
            os.chmod(Path(fake, "terraform"), 0o755)
            with tempfile.NamedTemporaryFile("r") as summary:
                r = self.ci_script("tf-apply.sh", "local", GITHUB_STEP_SUMMARY=summary.name,
                                   PATH=f"{fake}:{self.env['PATH']}")
                text = summary.read()
        self.assertEqual(r.returncode, 1, r.stdout[-3000:] + r.stderr[-2000:])
        self.assertIn("rolled it back", r.stderr)
        self.assertIn("**the service does not run it**", text)
        # A plain apply puts B back (Terraform's state still says B).
        r = self.tf("service", "apply", "-auto-approve", "-input=false", "-no-color")
        self.assertEqual(r.returncode, 0, r.stdout[-3000:])
        self.assertServing(TAG_B)

    def test_9_destroy(self):
        for stack in ("service", "platform"):
            r = self.tf(stack, "destroy", "-auto-approve", "-input=false", "-no-color")
            self.assertEqual(r.returncode, 0, f"{stack} destroy:\n{r.stdout[-3000:]}\n{r.stderr[-2000:]}")
        clusters = self.aws("ecs", "describe-clusters", "--clusters", self.outputs["cluster_name"])["clusters"]
        self.assertTrue(all(c["status"] == "INACTIVE" for c in clusters), clusters)


if __name__ == "__main__":
    unittest.main()
