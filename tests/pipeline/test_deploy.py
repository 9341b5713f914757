"""The deploy path end to end, against the AWS emulator (env `local`).

One emulator in its own folder (build/pipeline/deploy-test), Terraform's
working dirs beside it: bootstrap + platform applied, fake image manifests
pushed to the emulated ECR, then scripts/deploy.sh deploys tag A, then B
(smoke-tested against a stub serving B), then C whose smoke test fails and
is rolled back to B. After each: the task definition names the image by
digest (repository@sha256:...), the SSM parameter holds TAG@DIGEST, and
`terraform plan -detailed-exitcode` shows no drift. An infrastructure apply
run between a deploy's apply and its smoke test keeps the new image. Then an
image is promoted from another repository (standing for dev's) by digest,
with a fake `docker` that records what it is asked (moto has no registry
API). Bad inputs change nothing. The tests run in order (numbered); the last destroys everything,
and the emulator is stopped whatever happens."""
import hashlib
import json
import os
import shutil
import signal
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
TAG_P = "0123456789abcdef" * 2 + "01234567"  # promoted from another repository
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
        # ECS reports the desired count running (env local runs 2 tasks), as the rehearsal does.
        cls.emulator = emulator.Emulator(cls.emulator_dir, MOTO_ECS_SERVICE_RUNNING="desired")
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
    def push_fake_image(cls, tag, arch="amd64", upload_config=True):
        """A minimal single-platform schema-2 manifest: ECR stores it; nothing runs it in the emulator.
        Its config blob (which names the architecture; preflight reads it) is uploaded first, as a
        push does (the emulator's layer API: infra/tests/emulator/ecr_layers.py)."""
        repo = cls.outputs["ecr_repository_name"]
        blob = json.dumps({"architecture": arch, "os": "linux", "config": {"Labels": {"tag": tag}}}).encode()
        config = "sha256:" + hashlib.sha256(blob).hexdigest()
        if upload_config:
            ecr = cls.emulator.client("ecr")  # in process: three CLI starts per image cost seconds here
            upload = ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
            ecr.upload_layer_part(repositoryName=repo, uploadId=upload, partFirstByte=0, partLastByte=len(blob) - 1,
                                  layerPartBlob=blob)
            ecr.complete_layer_upload(repositoryName=repo, uploadId=upload, layerDigests=[config])
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(blob),
                       "digest": config},
            "layers": []})
        cls.put_image(repo, tag, manifest)

    @classmethod
    def put_image(cls, repo, tag, manifest):
        """put-image with the digest ECR gives it: sha256 of the manifest's bytes. moto derives its own from
        the layer digests (the same for every manifest without layers; a random one of 101 for an index)."""
        digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
        cls.aws("ecr", "put-image", "--repository-name", repo, "--image-tag", tag, "--image-manifest", manifest,
                "--image-digest", digest)

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

    def image(self):
        return self.task_definition()["containerDefinitions"][0]["image"]

    @classmethod
    def digest(cls, tag, repo=None):
        return cls.aws("ecr", "describe-images", "--repository-name", repo or cls.outputs["ecr_repository_name"],
                       "--image-ids", f"imageTag={tag}")["imageDetails"][0]["imageDigest"]

    def record(self, tag):
        """What the SSM parameter holds after a deploy of TAG: TAG@DIGEST."""
        return f"{tag}@{self.digest(tag)}"

    def assertNoDrift(self):
        for stack in ("service", "platform"):
            r = self.tf(stack, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false")
            self.assertEqual(r.returncode, 0, f"{stack} plan is not clean after a deploy:\n{r.stdout[-4000:]}"
                                              f"\n{r.stderr[-2000:]}")

    def assertServing(self, tag):
        """By digest in the task definition; tag and digest in SSM."""
        self.assertEqual(self.image(), f"{self.outputs['ecr_repository_url']}@{self.digest(tag)}")
        self.assertEqual(self.parameter(), self.record(tag))

    def assertUnchanged(self, r, before):
        self.assertEqual(self.service()["taskDefinition"], before, r.stdout)
        self.assertEqual(self.parameter(), self.record(TAG_B))

    def fake_terraform(self, folder, race=False):
        """terraform on PATH that logs the SSM parameter at each deploy apply of infra/service (one with
        -var image_tag=...), and with race=True then runs what infra.yml would at that moment: an apply of
        infra/service without image_tag (it reads the image from SSM). Returns the log's path."""
        real = shutil.which("terraform", path=self.env.get("PATH"))
        log = Path(folder, "ssm-at-apply.log")
        Path(folder, "terraform").write_text(f"""#!/bin/bash
if [ "$1" = -chdir={ROOT}/infra/service ] && [ "$2" = apply ] && [[ " $* " == *" image_tag="* ]]; then
  aws ssm get-parameter --name {self.outputs['image_tag_parameter_name']} --query Parameter.Value \
    --output text >>"{log}"
  "{real}" "$@" || exit $?
  if [ "{int(race)}" = 1 ]; then
    PATH="${{PATH#{folder}:}}" "{ROOT}/scripts/tf.sh" service local apply -auto-approve -input=false -no-color \
      >"{folder}/infra-apply.log" 2>&1 || {{ echo "the racing infra apply failed" >&2; exit 1; }}
  fi
  exit 0
fi
exec "{real}" "$@"
""")
        os.chmod(Path(folder, "terraform"), 0o755)
        return log

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
        fake = tempfile.TemporaryDirectory()
        self.addCleanup(fake.cleanup)
        # infra.yml applies infra/service right after this deploy's apply, before its smoke test:
        # the image in SSM must already be B's, or that apply puts A back and the deploy fails.
        log = self.fake_terraform(fake.name, race=True)
        with tempfile.NamedTemporaryFile("r") as summary, tempfile.NamedTemporaryFile("r") as outputs:
            r = self.deploy("--env", "local", "--tag", TAG_B, SMOKE="1", SMOKE_URL=stub.url, SMOKE_TIMEOUT="10",
                            GITHUB_STEP_SUMMARY=summary.name, GITHUB_OUTPUT=outputs.name,
                            PATH=f"{fake.name}:{self.env['PATH']}")
            self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])
            self.assertIn("deployed", summary.read())
            self.assertIn(f"deployed=true\nimage={self.outputs['ecr_repository_url']}@{self.digest(TAG_B)}\n"
                          f"image_digest={self.digest(TAG_B)}", outputs.read())
        self.assertEqual(log.read_text().split(), [self.record(TAG_B)], "SSM must hold B before B's apply")
        self.assertIn("No changes.", Path(fake.name, "infra-apply.log").read_text())
        self.assertIn(f"previous tag (SSM {self.outputs['image_tag_parameter_name']}): {TAG_A}", r.stdout)
        self.assertIn("smoke-test: pass", r.stdout)
        # One line per step, each with its time.
        self.assertRegex(r.stdout, r"\[\d\d:\d\d:\d\d \+ *\d+s\] deploy: applying infra/service")
        self.assertServing(TAG_B)

    def test_3_B_keeps_every_setting_terraform_gave_it(self):
        self.assertEqual(len({self.digest(t) for t in (TAG_A, TAG_B, TAG_C)}), 3, "A, B and C must differ")
        td = self.task_definition()
        c = td["containerDefinitions"][0]
        self.assertEqual(c["image"], f"{self.outputs['ecr_repository_url']}@{self.digest(TAG_B)}")
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
        self.assertTrue(first["containerDefinitions"][0]["image"].endswith("@" + self.digest(TAG_A)))
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

    def push_index(self, tag, *archs, repo=None):
        """An OCI image index listing linux/<arch> images (what a multi-arch build pushes)."""
        manifests = [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 2,
                      "digest": "sha256:" + hashlib.sha256(f"{tag}-{a}".encode()).hexdigest(),
                      "platform": {"os": "linux", "architecture": a}} for a in archs]
        self.put_image(repo or self.outputs["ecr_repository_name"], tag,
                       json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
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
        # By digest (what a promotion deploys): the index the digest names, and a tag must point to it.
        index = self.digest("multi-arch")
        for args in (["--digest", index], ["--tag", "multi-arch", "--digest", index]):
            r = self.preflight("--env", "local", *args)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(f"@{index} is an index with linux/amd64", r.stdout)
        r = self.preflight("--env", "local", "--tag", "multi-arch", "--digest", self.digest("arm64-only"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"image {self.outputs['ecr_repository_name']}:multi-arch is {index}, not "
                      f"{self.digest('arm64-only')}", r.stderr)
        r = self.preflight("--env", "local", "--digest", self.digest("arm64-only"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("not linux/amd64 which the task runs", r.stderr)
        r = self.preflight("--env", "local", "--digest", "sha256:" + "9" * 64)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"image digest sha256:{'9' * 64} not found in ECR repository", r.stderr)
        # Without --tag: the image deployed last (B by its digest, a single-platform manifest here):
        # its architecture is read from its config blob.
        r = self.preflight("--env", "local")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"deployed tag: {self.record(TAG_B)}", r.stdout)
        self.assertIn(f"image {self.outputs['ecr_repository_name']}@{self.digest(TAG_B)} is linux/amd64 "
                      "(task cpu_architecture X86_64)", r.stdout)
        # A single-platform image for the other architecture; one whose config cannot be read is a note.
        self.push_fake_image("arm64-single", arch="arm64")
        r = self.preflight("--env", "local", "--tag", "arm64-single")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"image {self.outputs['ecr_repository_name']}:arm64-single is built for arm64, the task runs amd64",
                      r.stderr)
        self.push_fake_image("no-config", upload_config=False)
        r = self.preflight("--env", "local", "--tag", "no-config")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("its architecture could not be read from its config", r.stdout)
        self.assertIn("LayersNotFoundException", r.stdout)

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
        fake = tempfile.TemporaryDirectory()
        self.addCleanup(fake.cleanup)
        log = self.fake_terraform(fake.name)
        with tempfile.NamedTemporaryFile("r") as summary:
            r = self.deploy("--env", "local", "--tag", TAG_C, SMOKE="1", SMOKE_URL=stub.url, SMOKE_TIMEOUT="2",
                            SMOKE_INTERVAL="1", GITHUB_STEP_SUMMARY=summary.name,
                            PATH=f"{fake.name}:{self.env['PATH']}")
            text = summary.read()
        # C is in SSM before C's apply; B is back in SSM before the rollback's apply (an infrastructure
        # apply in between keeps what is about to serve).
        self.assertEqual(log.read_text().split(), [self.record(TAG_C), self.record(TAG_B)])
        self.assertIn(f"The SSM parameter holds `{self.record(TAG_B)}` again.", text)
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
            self.assertIn(f"`{self.record(TAG_B)}` (SSM {self.outputs['image_tag_parameter_name']}) is still serving",
                          summary.read())
        # A rollback or a prod deploy names an image that must exist: it builds nothing.
        r = script("image-target.sh", "local", "e" * 40, "existing")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("this commit was never built there", r.stderr)
        self.assertIn(f"digest={self.digest(TAG_B)}", script("image-target.sh", "local", TAG_B, "existing").stdout)
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
        self.assertIn(f"service runs `{self.outputs['ecr_repository_url']}@{self.digest(TAG_B)}`", text)
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

    def test_8c_infra_apply_checks_what_it_applied_not_the_tag_it_read_first(self):
        """A deploy records its tag in SSM (before its own apply) while infra.yml's apply waits for the state
        lock: that apply then keeps the newer tag, and the service runs it. tf-apply.sh must check the service
        against what it applied, not against the tag it read before waiting, or it reports a rollback."""
        param = self.outputs["image_tag_parameter_name"]
        real = shutil.which("terraform", path=self.env.get("PATH"))
        with tempfile.TemporaryDirectory() as fake:
            # The deploy's SSM write lands while the apply waits for the lock (here: just before it plans).
            Path(fake, "terraform").write_text(f"""#!/bin/bash
if [ "$1" = -chdir={ROOT}/infra/service ] && [ "$2" = apply ]; then
  aws ssm put-parameter --name {param} --value '{self.record(TAG_A)}' --overwrite >/dev/null || exit 9
fi
exec "{real}" "$@"
""")
            os.chmod(Path(fake, "terraform"), 0o755)
            with tempfile.NamedTemporaryFile("r") as summary:
                r = self.ci_script("tf-apply.sh", "local", GITHUB_STEP_SUMMARY=summary.name,
                                   PATH=f"{fake}:{self.env['PATH']}")
                text = summary.read()
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])
        self.assertIn(f"service runs `{self.outputs['ecr_repository_url']}@{self.digest(TAG_A)}`", text)
        self.assertServing(TAG_A)
        # B back: recorded, then applied as infra.yml applies (the tag from SSM).
        self.aws("ssm", "put-parameter", "--name", param, "--value", self.record(TAG_B), "--overwrite")
        r = self.tf("service", "apply", "-auto-approve", "-input=false", "-no-color")
        self.assertEqual(r.returncode, 0, r.stdout[-3000:])
        self.assertServing(TAG_B)

    def test_8d_a_cancelled_deploy_puts_the_previous_image_back_in_ssm(self):
        """GitHub cancels a job (or its timeout does) with SIGINT/SIGTERM: the tag recorded before the apply must
        not stay in SSM, or the next infra.yml apply would roll out an image that never became stable."""
        before, recorded = self.service()["taskDefinition"], self.parameter()
        real = shutil.which("terraform", path=self.env.get("PATH"))
        with tempfile.TemporaryDirectory() as fake:
            # The service apply as a long steady-state wait that stops on a signal, as Terraform does.
            Path(fake, "terraform").write_text(f"""#!/bin/bash
if [ "$1" = -chdir={ROOT}/infra/service ] && [ "$2" = apply ]; then
  trap 'echo "terraform: interrupted" >&2; exit 1' INT TERM
  sleep 120 & wait
  exit 1
fi
exec "{real}" "$@"
""")
            os.chmod(Path(fake, "terraform"), 0o755)
            p = subprocess.Popen([str(ROOT / "scripts/deploy.sh"), "--env", "local", "--tag", TAG_C], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                                 env={**self.env, "PATH": f"{fake}:{self.env['PATH']}"})
            try:
                deadline = time.monotonic() + TF_TIMEOUT
                while self.parameter() != self.record(TAG_C):
                    self.assertIsNone(p.poll(), "deploy.sh ended before recording the new tag")
                    self.assertLess(time.monotonic(), deadline, "the new tag was never recorded")
                    time.sleep(1)
                time.sleep(2)  # into the apply
                os.killpg(p.pid, signal.SIGTERM)  # the whole job's processes, as the runner does
                out, err = p.communicate(timeout=120)
            finally:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
        self.assertEqual(p.returncode, 130, out[-3000:] + err[-2000:])
        self.assertIn("INTERRUPTED (SIGTERM)", err)
        self.assertEqual(self.parameter(), recorded)
        self.assertEqual(self.service()["taskDefinition"], before)

    def fake_docker(self, folder):
        """docker on PATH that logs its arguments; `buildx imagetools create --tag DST SRC@DIGEST` copies the
        manifest through the ECR API (the emulator has no registry API: on AWS, imagetools copies the index,
        its manifests and blobs, which PutImage alone cannot). `build` and anything else fail."""
        log = Path(folder, "docker.log")
        media = ("application/vnd.oci.image.index.v1+json application/vnd.docker.distribution.manifest.list.v2+json "
                 "application/vnd.oci.image.manifest.v1+json application/vnd.docker.distribution.manifest.v2+json")
        Path(folder, "docker").write_text(f"""#!/bin/bash
set -euo pipefail
echo "$*" >>"{log}"
case "$1 ${{2:-}} ${{3:-}}" in
  "login --username AWS") cat >/dev/null ;;
  "buildx imagetools create")
    [ "$4" = --tag ] || exit 2
    dst=$5 src=$6
    src_repo=${{src%@*}} dst_repo=${{dst%:*}}
    manifest=$(aws --output json ecr batch-get-image --repository-name "${{src_repo#*/}}" \
      --image-ids "imageDigest=${{src#*@}}" --accepted-media-types {media} | jq -r '.images[0].imageManifest')
    # A registry copy keeps the manifest's bytes, so its digest (moto would derive another one).
    aws ecr put-image --repository-name "${{dst_repo#*/}}" --image-tag "${{dst##*:}}" \
      --image-manifest "$manifest" --image-digest "${{src#*@}}" >/dev/null ;;
  *) echo "fake docker: unexpected: $*" >&2; exit 1 ;;
esac
""")
        os.chmod(Path(folder, "docker"), 0o755)
        return log

    def test_8c_promote_by_digest_no_rebuild(self):
        """dev -> this env: the same index digest, copied at registry level, deployed by digest; a commit the
        source never had fails before anything is written."""
        source = self.aws("ecr", "create-repository", "--repository-name", "hello-dev-source")["repository"]
        self.push_index(TAG_P, "amd64", "arm64", repo="hello-dev-source")
        dev_digest = self.digest(TAG_P, repo="hello-dev-source")
        fake = tempfile.TemporaryDirectory()
        self.addCleanup(fake.cleanup)
        log = self.fake_docker(fake.name)
        path = f"{fake.name}:{self.env['PATH']}"
        dst = self.outputs["ecr_repository_url"]
        before = self.service()["taskDefinition"]

        def promote(*args):
            return self.ci_script("promote-image.sh", "--env", "local", *args, PATH=path)

        def images():
            return sorted(i.get("imageTag", "") for i in self.aws(
                "ecr", "list-images", "--repository-name", self.outputs["ecr_repository_name"])["imageIds"])
        images_before = images()

        def docker_calls():
            return log.read_text().splitlines() if log.exists() else []

        # Never built in the source: fails before any write (no login, no copy, no tag, no deploy).
        for args, message in (
                (["--tag", "f" * 40, "--from", source["repositoryUri"]], "it was never built there"),
                (["--tag", TAG_P, "--from", f"{source['repositoryUri']}@sha256:{'0' * 64}"], "which was expected")):
            with self.subTest(args=args):
                r = promote(*args)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn(message, r.stderr)
                self.assertIn("nothing was changed in local", r.stderr)
                self.assertEqual(docker_calls(), [])
                self.assertEqual(images(), images_before)
                self.assertUnchanged(r, before)
        self.assertNotIn(TAG_P, images())

        with tempfile.NamedTemporaryFile("r") as outputs:
            r = self.ci_script("promote-image.sh", "--env", "local", "--tag", TAG_P, "--from",
                               f"{source['repositoryUri']}@{dev_digest}", PATH=path, GITHUB_OUTPUT=outputs.name)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(outputs.read(), f"image={dst}:{TAG_P}\ndigest={dev_digest}\ncopied=true\n")
        # One registry-level copy by digest, no build.
        host = dst.split("/")[0]
        self.assertEqual(docker_calls(), [f"login --username AWS --password-stdin {host}",
                                          f"buildx imagetools create --tag {dst}:{TAG_P} "
                                          f"{source['repositoryUri']}@{dev_digest}"])
        self.assertEqual(self.digest(TAG_P), dev_digest)
        # Again: already there, nothing copied.
        r = promote("--tag", TAG_P, "--from", source["repositoryUri"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("copied=false", r.stdout)
        self.assertEqual(len(docker_calls()), 2)

        r = self.deploy("--env", "local", "--tag", TAG_P, "--digest", dev_digest)
        self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])
        self.assertEqual(self.image(), f"{dst}@{dev_digest}", "the task definition must name dev's digest")
        self.assertEqual(self.parameter(), f"{TAG_P}@{dev_digest}")
        self.assertNoDrift()
        # A digest the tag does not point to is refused before any change.
        before = self.service()["taskDefinition"]
        r = self.deploy("--env", "local", "--tag", TAG_B, "--digest", dev_digest)
        self.assertEqual(r.returncode, 1, r.stdout[-2000:] + r.stderr[-2000:])
        self.assertIn(f"is {self.digest(TAG_B)}, not {dev_digest}", r.stderr)
        self.assertNotIn("applying infra/service", r.stdout)
        self.assertEqual(self.service()["taskDefinition"], before)
        self.assertEqual(self.parameter(), f"{TAG_P}@{dev_digest}")

    def test_9_destroy(self):
        for stack in ("service", "platform"):
            r = self.tf(stack, "destroy", "-auto-approve", "-input=false", "-no-color")
            self.assertEqual(r.returncode, 0, f"{stack} destroy:\n{r.stdout[-3000:]}\n{r.stderr[-2000:]}")
        clusters = self.aws("ecs", "describe-clusters", "--clusters", self.outputs["cluster_name"])["clusters"]
        self.assertTrue(all(c["status"] == "INACTIVE" for c in clusters), clusters)


if __name__ == "__main__":
    unittest.main()
