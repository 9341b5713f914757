"""infra/function and scripts/deploy-function.sh in the AWS emulator (env `local`).

One emulator in build/function/emulator-test: infra/bootstrap, then
infra/function applied with a zip, checked with boto3 against what a real
account would hold, re-planned (`-detailed-exitcode` 0); then deploys:
v1, v2, a v3 whose smoke test fails (rolled back), an explicit rollback, bad
inputs; a re-plan after each deploy shows no drift; destroy. The tests run
in order (numbered) on one stack.

moto creates functions, versions, aliases and URLs but invokes nothing (no
container engine), so the zips hold small real x86_64 executables (/bin/true,
/bin/false, /bin/echo: three different CodeSha256s, packaged by the real
scripts/package-function.sh), and the smoke test's target is SMOKE_URL: the
stub of tests/pipeline/test_smoke.py serving the /version each case needs.

The deploys run as the pipeline runs them: as the environment's deploy role
(infra/modules/github-oidc with deploy_function set, applied here on its
own), its credentials obtained as GitHub's OIDC exchange gets them
(AssumeRoleWithWebIdentity), with IAM enforced by the emulator
(infra/tests/emulator/iam_enforcement.py) and a fresh Terraform working
directory (init as the role). The role is also shown to be refused every
change to another function."""
import base64
import hashlib
import json
import os
import shutil
import sys
import time
import unittest

from tests.lib import ROOT, aws_iam, emulator, procs

sys.path.insert(0, os.path.join(ROOT, "tests", "pipeline"))
from test_smoke import Stub  # noqa: E402  (the /healthz + /version stub)
from tests.function.test_function_from_image import DIGEST as IMAGE_DIGEST, FAKE_DOCKER, URI as IMAGE_URI  # noqa: E402

WORK = os.path.join(ROOT, "build", "function", "emulator-test")
NAME = "hello-local"
COMMITS = {"v1": "1" * 40, "v2": "2" * 40, "v3": "3" * 40}
BINARIES = {"v1": "/bin/true", "v2": "/bin/false", "v3": "/bin/echo"}
TF_TIMEOUT = 900
OTHER = "hello-other"  # a function in the same account the deploy role must not touch
REPOSITORY = "my-org/hello-server"
# The deploy role as infra/platform declares it for env local, with the
# function's permissions (deploy_function); the ECS/ECR ARNs only fill the
# module's other required inputs.
DEPLOY_ROLE_ROOT = """
provider "aws" {{
  region      = "us-east-1"
  max_retries = 3
}}

module "github_oidc" {{
  source                  = "{module}"
  name                    = "hello-local"
  repository              = "{repository}"
  github_environment      = "local"
  ecr_repository_arn      = "arn:aws:ecr:us-east-1:123456789012:repository/hello-local"
  state_bucket_name       = "hello-tfstate-local"
  platform_state_key      = "platform/local.tfstate"
  service_state_key       = "service/local.tfstate"
  ecs_service_arn         = "arn:aws:ecs:us-east-1:123456789012:service/hello-local/hello-local"
  task_definition_family  = "hello-local"
  task_role_arns          = ["arn:aws:iam::123456789012:role/hello-local-task"]
  parameter_path          = "/hello/local/"
  image_tag_parameter_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/hello/local/image-tag"
  deploy_function         = {{ name = "{function}", state_key = "function/local.tfstate" }}
}}

output "deploy_role_arn" {{
  value = module.github_oidc.role_arn
}}
"""


class FunctionStack(unittest.TestCase):
    emu = None

    @classmethod
    def setUpClass(cls):
        shutil.rmtree(WORK, ignore_errors=True)
        os.makedirs(WORK)
        cls.emu = emulator.Emulator(os.path.join(WORK, "emulator"))
        try:
            cls.emu.start()
            cls.env = dict(cls.emu.env, EMULATOR_DIR=os.path.join(WORK, "emulator"),
                           TF_WORK_DIR=os.path.join(WORK, "tf-work"))
            cls.zips = {}
            for v, binary in BINARIES.items():
                cls.zips[v] = os.path.join(WORK, f"bootstrap-{v}.zip")
                procs.run([os.path.join(ROOT, "scripts/package-function.sh"), "x86_64", binary, cls.zips[v]])
            cls.tf("bootstrap", "apply", "-auto-approve")
            start = time.monotonic()
            cls.tf("function", "apply", "-auto-approve", f"-var=package_path={cls.zips['v1']}")
            print(f"infra/function applied in {time.monotonic() - start:.0f} s", flush=True)
            cls.lam = cls.emu.client("lambda")
            cls.make_deploy_role()
        except BaseException:
            cls.emu.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    @classmethod
    def make_deploy_role(cls):
        """The deploy role (applied as the admin), another function, and the role's credentials."""
        root = os.path.join(WORK, "deploy-role")
        os.makedirs(root)
        with open(os.path.join(root, "main.tf"), "w") as f:
            f.write(DEPLOY_ROLE_ROOT.format(module=os.path.join(ROOT, "infra/modules/github-oidc"),
                                            repository=REPOSITORY, function=NAME))
        env = dict(cls.env, TF_DATA_DIR=os.path.join(root, ".terraform"))
        terraform = ["bash", "-c", 'source scripts/terraform-env.sh && exec terraform -chdir="$0" "$@"', root]
        procs.run([*terraform, "init", "-input=false", "-no-color"], env=env, timeout=TF_TIMEOUT,
                  log_path=os.path.join(WORK, "tf-deploy-role-init.log"))
        procs.run([*terraform, "apply", "-auto-approve", "-input=false", "-no-color"], env=env, timeout=TF_TIMEOUT,
                  log_path=os.path.join(WORK, "tf-deploy-role-apply.log"))
        _, out = procs.run([*terraform, "output", "-raw", "deploy_role_arn"], env=env)
        role_arn = out.strip().splitlines()[-1]
        execution = cls.lam.get_function_configuration(FunctionName=NAME)["Role"]
        with open(cls.zips["v1"], "rb") as f:
            cls.lam.create_function(FunctionName=OTHER, Runtime="provided.al2023", Role=execution, Handler="bootstrap",
                                    Code={"ZipFile": f.read()})
        cls.lam.create_alias(FunctionName=OTHER, Name="live", FunctionVersion=cls.lam.publish_version(FunctionName=OTHER)["Version"])
        creds = aws_iam.assume_web_identity(cls.emu.endpoint, "us-east-1", role_arn,
                                            aws_iam.subject(REPOSITORY, "local"), "deploy-function")
        # Its own Terraform working directory: tf.sh runs init as the role, as a fresh runner does.
        cls.role_env = dict(aws_iam.with_credentials(cls.env, creds), TF_WORK_DIR=os.path.join(WORK, "tf-work-role"))

    def as_deploy_role(self, args, **kwargs):
        """Runs a command with the deploy role's credentials, IAM enforced for its duration."""
        aws_iam.set_enforcement(self.emu.endpoint, True)
        try:
            return procs.run(args, check=False, timeout=TF_TIMEOUT, **kwargs)
        finally:
            aws_iam.set_enforcement(self.emu.endpoint, False)

    # ---- helpers ------------------------------------------------------------
    @classmethod
    def tf(cls, root, *args, check=True):
        flags = ["-input=false", "-no-color"] if args[0] in ("plan", "apply", "destroy") else ["-no-color"]
        return procs.run([os.path.join(ROOT, "scripts/tf.sh"), root, "local", *args, *flags],
                         env=cls.env, check=check, timeout=TF_TIMEOUT,
                         log_path=os.path.join(WORK, f"tf-{root}-{args[0]}.log"))

    def deploy(self, *args, stub_commit=None, as_role=False, **extra):
        """scripts/deploy-function.sh as the admin, or (as_role) as the deploy role with IAM enforced."""
        env = dict(self.role_env if as_role else self.env, **extra)
        if stub_commit:
            env.update(self.smoke_stub(stub_commit))
        args = [os.path.join(ROOT, "scripts/deploy-function.sh"), *args]
        if as_role:
            return self.as_deploy_role(args, env=env)
        return procs.run(args, env=env, check=False, timeout=TF_TIMEOUT)

    def smoke_stub(self, commit):
        """The smoke test's settings for a stub URL whose /version reports `commit`."""
        stub = Stub()
        self.addCleanup(stub.stop)
        stub.commit = commit
        return dict(SMOKE_URL=stub.url, SMOKE_TIMEOUT="3", SMOKE_INTERVAL="1")

    def live(self):
        return self.lam.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"]

    def assertNoDrift(self):
        start = time.monotonic()
        code, out = self.tf("function", "plan", "-detailed-exitcode", "-lock=false", check=False)
        self.assertEqual(code, 0, f"infra/function plan is not clean:\n{out[-4000:]}")
        print(f"re-plan: no changes ({time.monotonic() - start:.0f} s)", flush=True)

    def assertServes(self, version, commit):
        self.assertEqual(self.live(), version)
        cfg = self.lam.get_function_configuration(FunctionName=NAME, Qualifier="live")
        self.assertEqual(cfg["Description"], f"commit {commit}")

    # ---- the stack, as a real account would hold it ---------------------------
    def test_1_function_as_declared(self):
        fn = self.lam.get_function(FunctionName=NAME)
        cfg = fn["Configuration"]
        self.assertEqual((cfg["Runtime"], cfg["Handler"], cfg["Architectures"]),
                         ("provided.al2023", "bootstrap", ["x86_64"]))
        self.assertEqual((cfg["MemorySize"], cfg["Timeout"]), (128, 10))
        # EMF on (the service's own metrics), kept apart from the ECS service's by its Service value.
        self.assertEqual(cfg["Environment"]["Variables"], {
            "LOG_LEVEL": "info", "METRICS_NAMESPACE": "hello",
            "METRICS_SERVICE": f"{NAME}-function", "METRICS_ENVIRONMENT": "local"})
        self.assertEqual(fn["Concurrency"]["ReservedConcurrentExecutions"], 2)
        self.assertEqual({k: fn["Tags"].get(k) for k in ("Project", "Environment", "ManagedBy")},
                         {"Project": "hello", "Environment": "local", "ManagedBy": "terraform"})
        self.assertEqual(self.live(), "1")

    def test_1_url_serves_the_live_alias_publicly_and_nothing_else(self):
        url = self.lam.get_function_url_config(FunctionName=NAME, Qualifier="live")
        self.assertEqual(url["AuthType"], "NONE")
        self.assertNotIn("Cors", {k: v for k, v in url.items() if v})
        # On AWS the URL's FunctionArn ends with :live; moto ignores the
        # qualifier of URLs, so check what Terraform asked for instead.
        _, show = self.tf("function", "show", "-json")
        resources = json.loads(show[show.index("{"):])["values"]["root_module"]["child_modules"][0]["resources"]
        (declared,) = [r["values"] for r in resources if r["address"].endswith("aws_lambda_function_url.live")]
        self.assertEqual(declared["qualifier"], "live")
        self.assertTrue(url["FunctionArn"].endswith(f":{NAME}:live") or url["FunctionArn"].endswith(f":{NAME}"), url)
        # Since October 2025 a public URL needs both statements; AWS renders the
        # second one's condition as Bool lambda:InvokedViaFunctionUrl, moto keeps the flag.
        policy = json.loads(self.lam.get_policy(FunctionName=NAME, Qualifier="live")["Policy"])
        by_action = {s["Action"]: s for s in policy["Statement"]}
        self.assertEqual(set(by_action), {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"})
        invoke = by_action["lambda:InvokeFunction"]
        via_url = invoke.get("InvokedViaFunctionUrl") is True or \
            invoke.get("Condition", {}).get("Bool", {}).get("lambda:InvokedViaFunctionUrl") == "true"
        self.assertTrue(via_url, f"InvokeFunction must be limited to calls through the URL: {invoke}")
        self.assertTrue(all(s["Resource"].endswith(f":{NAME}:live") for s in policy["Statement"]), policy)

    def test_1_logs_role_alarms(self):
        logs = self.emu.client("logs")
        group = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{NAME}")["logGroups"]
        self.assertEqual([(g["logGroupName"], g["retentionInDays"]) for g in group], [(f"/aws/lambda/{NAME}", 1)])
        self.assertTrue(group[0].get("kmsKeyId", "").startswith("arn:aws:kms:"), group[0])
        iam = self.emu.client("iam")
        role = self.lam.get_function_configuration(FunctionName=NAME)["Role"].rsplit("/", 1)[1]
        self.assertEqual(iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"], [])
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
        self.assertEqual(names, ["logs"])
        doc = iam.get_role_policy(RoleName=role, PolicyName="logs")["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        (statement,) = doc["Statement"]
        self.assertEqual(sorted(statement["Action"]), ["logs:CreateLogStream", "logs:PutLogEvents"])
        self.assertEqual(statement["Resource"], f"{group[0]['arn'].removesuffix(':*')}:log-stream:*")
        alarms = self.emu.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{NAME}-function-")["MetricAlarms"]
        by_name = {a["AlarmName"]: a for a in alarms}
        self.assertEqual(set(by_name), {f"{NAME}-function-{k}" for k in (
            "errors", "throttles", "p99-duration", "service-5xx-rate", "service-p99-latency")})
        self.assertEqual(sorted(a["MetricName"] for a in alarms if a.get("Namespace") == "AWS/Lambda"),
                         ["Duration", "Errors", "Throttles"])
        # The service's own metrics: the names and dimensions its EMF lines carry.
        dims = [{"Name": "Environment", "Value": "local"}, {"Name": "Service", "Value": f"{NAME}-function"}]
        p99 = by_name[f"{NAME}-function-service-p99-latency"]
        self.assertEqual((p99["Namespace"], p99["MetricName"], p99["ExtendedStatistic"], p99["Threshold"]),
                         ("hello", "Latency", "p99", 1000))
        self.assertEqual(sorted(p99["Dimensions"], key=lambda d: d["Name"]), dims)
        queried = {q["Id"]: q["MetricStat"]["Metric"] for q in by_name[f"{NAME}-function-service-5xx-rate"]["Metrics"]
                   if "MetricStat" in q}
        self.assertEqual({k: (m["Namespace"], m["MetricName"]) for k, m in queried.items()},
                         {"requests": ("hello", "Requests"), "errors": ("hello", "Requests5xx")})
        self.assertEqual(sorted(queried["errors"]["Dimensions"], key=lambda d: d["Name"]), dims)
        topic = {a for alarm in alarms for a in alarm["AlarmActions"]}
        self.assertEqual(len(topic), 1)
        attrs = self.emu.client("sns").get_topic_attributes(TopicArn=topic.pop())["Attributes"]
        self.assertTrue(attrs.get("KmsMasterKeyId"), "the alarm topic must be encrypted")

    def test_2_replan_after_apply_is_clean(self):
        self.assertNoDrift()  # also: no package_path given, so plans never need the zip

    # ---- deploys ----------------------------------------------------------------
    def test_3_deploy_v1(self):
        code, out = self.deploy("--env", "local", "--zip", self.zips["v1"], "--commit", COMMITS["v1"],
                                stub_commit=COMMITS["v1"], as_role=True)
        self.assertEqual(code, 0, out[-4000:])
        self.assertRegex(out, r"\[\d\d:\d\d:\d\d \+ *\d+s\] deploy-function: moving alias live from version 1 to 2")
        self.assertIn("smoke-test: pass", out)
        self.assertServes("2", COMMITS["v1"])
        self.assertNoDrift()

    def test_4_deploy_v2(self):
        code, out = self.deploy("--env", "local", "--zip", self.zips["v2"], "--commit", COMMITS["v2"],
                                stub_commit=COMMITS["v2"], as_role=True)
        self.assertEqual(code, 0, out[-4000:])
        self.assertServes("3", COMMITS["v2"])
        sha = self.lam.get_function_configuration(FunctionName=NAME, Qualifier="live")["CodeSha256"]
        self.assertNotEqual(sha, self.lam.get_function_configuration(FunctionName=NAME, Qualifier="2")["CodeSha256"])
        self.assertNoDrift()

    def test_5_failed_smoke_test_moves_the_alias_back(self):
        # v3 is published, but the URL still answers v2's commit.
        code, out = self.deploy("--env", "local", "--zip", self.zips["v3"], "--commit", COMMITS["v3"],
                                stub_commit=COMMITS["v2"], as_role=True)
        self.assertEqual(code, 1, out[-4000:])
        self.assertIn("FAILED: smoke test of version 4", out)
        self.assertIn("Rolled back: alias `live` is on version `3` again.", out)
        self.assertServes("3", COMMITS["v2"])
        self.assertNoDrift()

    def test_6_explicit_rollback_to_the_previous_version(self):
        code, out = self.deploy("--env", "local", "--rollback", stub_commit=COMMITS["v1"], as_role=True)
        self.assertEqual(code, 0, out[-4000:])
        self.assertIn("moving alias live from version 3 to 2", out)
        self.assertIn(f"/version commit {COMMITS['v1']}", out)
        self.assertServes("2", COMMITS["v1"])
        self.assertNoDrift()

    def test_7_deploy_role_cannot_touch_another_function(self):
        aws = ["aws", "lambda", "--output", "text", "--region", "us-east-1"]
        calls = {
            "lambda:UpdateFunctionCode": ["update-function-code", "--function-name", OTHER, "--zip-file", f"fileb://{self.zips['v2']}"],
            "lambda:PublishVersion": ["publish-version", "--function-name", OTHER],
            "lambda:UpdateAlias": ["update-alias", "--function-name", OTHER, "--name", "live", "--function-version", "1"],
            "lambda:GetAlias": ["get-alias", "--function-name", OTHER, "--name", "live"],
            f"function:{OTHER}:1": ["get-function-configuration", "--function-name", OTHER, "--qualifier", "1"],
            # Its own function, but an action deploys never make.
            "lambda:UpdateFunctionConfiguration": ["update-function-configuration", "--function-name", NAME, "--timeout", "900"],
        }
        for denied, call in calls.items():
            with self.subTest(call=call[0]):
                code, out = self.as_deploy_role([*aws, *call], env=self.role_env)
                self.assertNotEqual(code, 0, out)
                self.assertIn("AccessDeniedException", out)
                self.assertIn(denied, out)
        # Nothing changed there; the same credentials still read their own function.
        self.assertEqual(self.lam.get_alias(FunctionName=OTHER, Name="live")["FunctionVersion"], "1")
        self.assertEqual(len(self.lam.list_versions_by_function(FunctionName=OTHER)["Versions"]), 2)
        code, out = self.as_deploy_role([*aws, "get-alias", "--function-name", NAME, "--name", "live",
                                         "--query", "FunctionVersion"], env=self.role_env)
        self.assertEqual((code, out.strip().splitlines()[-1]), (0, "2"), out)

    def test_7_bad_inputs_change_nothing(self):
        arm = os.path.join(WORK, "arm64.zip")
        binary = os.path.join(WORK, "arm64-server")
        with open(binary, "wb") as f:  # an aarch64 ELF header is all the check reads
            f.write(b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\x00\xb7\x00" + b"\0" * 44)
        procs.run([os.path.join(ROOT, "scripts/package-function.sh"), "arm64", binary, arm])
        not_zip = os.path.join(WORK, "not.zip")
        with open(not_zip, "w") as f:
            f.write("text")
        v1, c1 = self.zips["v1"], COMMITS["v1"]
        cases = [
            ([], 2, "missing --env"),
            (["--env", "staging", "--zip", v1, "--commit", c1], 2, "unknown env 'staging'"),
            (["--env", "local"], 2, "missing --zip"),
            (["--env", "local", "--zip", v1], 2, "missing --commit"),
            (["--env", "local", "--zip", v1, "--commit", "HEAD"], 2, "invalid --commit 'HEAD'"),
            (["--env", "local", "--zip", os.path.join(WORK, "none.zip"), "--commit", c1], 2, "no such zip"),
            (["--env", "local", "--rollback", "--zip", v1], 2, "--rollback takes no --zip"),
            (["--env", "local", "--bogus"], 2, "unknown argument '--bogus'"),
            (["--env", "local", "--zip", arm, "--commit", c1], 1, "built for arm64, but the function runs x86_64"),
            (["--env", "local", "--zip", not_zip, "--commit", c1], 1, "is not a zip file"),
        ]
        for args, want, message in cases:
            with self.subTest(args=args):
                code, out = self.deploy(*args)
                self.assertEqual(code, want, out[-2000:])
                self.assertIn(message, out)
                self.assertNotIn("uploading", out)
                if want == 2:
                    self.assertIn("usage: scripts/deploy-function.sh", out)
        code, out = self.deploy("--env", "local", "--zip", v1, "--commit", c1, SMOKE="yes")
        self.assertEqual(code, 2, out)
        self.assertIn("SMOKE must be 0 or 1", out)
        self.assertServes("2", COMMITS["v1"])
        self.assertEqual(len(self.lam.list_versions_by_function(FunctionName=NAME)["Versions"]), 5)  # $LATEST + 1-4

    def test_8_pipeline_deploys_the_image_binary_as_the_deploy_role(self):
        # deploy.yml's function job: scripts/ci/function-from-image.sh, as the role. The
        # fake docker hands out the image's /server: here /bin/ls (any x86_64 executable
        # with a CodeSha256 of its own), since no container engine runs here.
        bin_dir = os.path.join(WORK, "fake-bin")
        os.makedirs(bin_dir, exist_ok=True)
        docker = os.path.join(bin_dir, "docker")
        with open(docker, "w") as f:
            f.write(FAKE_DOCKER)
        os.chmod(docker, 0o755)
        image, commit = f"{IMAGE_URI}@{IMAGE_DIGEST}", "4" * 40
        env = dict(self.role_env, PATH=f"{bin_dir}:{self.role_env['PATH']}", FAKE_LOG=os.path.join(WORK, "docker.log"),
                   FAKE_SERVER="/bin/ls", **self.smoke_stub(commit))
        code, out = self.as_deploy_role([os.path.join(ROOT, "scripts/ci/function-from-image.sh"), "--env", "local",
                                         "--image", image, "--commit", commit, "--arch", "x86_64"], env=env)
        self.assertEqual(code, 0, out[-4000:])
        with open(env["FAKE_LOG"]) as f:
            self.assertEqual(f.readline().strip(), f"create --platform linux/amd64 {image}")
        self.assertServes("5", commit)
        # The live code is /bin/ls as package-function.sh zips it.
        expected = os.path.join(WORK, "ls.zip")
        procs.run([os.path.join(ROOT, "scripts/package-function.sh"), "x86_64", "/bin/ls", expected])
        with open(expected, "rb") as f:
            sha = base64.b64encode(hashlib.sha256(f.read()).digest()).decode()
        self.assertEqual(self.lam.get_function_configuration(FunctionName=NAME, Qualifier="live")["CodeSha256"], sha)
        self.assertNoDrift()

    def test_9_destroy(self):
        self.tf("function", "destroy", "-auto-approve")
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.get_function(FunctionName=NAME)
        groups = self.emu.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{NAME}")["logGroups"]
        self.assertEqual(groups, [])
