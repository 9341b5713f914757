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
stub of tests/pipeline/test_smoke.py serving the /version each case needs."""
import json
import os
import shutil
import sys
import time
import unittest

from tests.lib import ROOT, emulator, procs

sys.path.insert(0, os.path.join(ROOT, "tests", "pipeline"))
from test_smoke import Stub  # noqa: E402  (the /healthz + /version stub)

WORK = os.path.join(ROOT, "build", "function", "emulator-test")
NAME = "hello-local"
COMMITS = {"v1": "1" * 40, "v2": "2" * 40, "v3": "3" * 40}
BINARIES = {"v1": "/bin/true", "v2": "/bin/false", "v3": "/bin/echo"}
TF_TIMEOUT = 900


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
        except BaseException:
            cls.emu.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    # ---- helpers ------------------------------------------------------------
    @classmethod
    def tf(cls, root, *args, check=True):
        flags = ["-input=false", "-no-color"] if args[0] in ("plan", "apply", "destroy") else ["-no-color"]
        return procs.run([os.path.join(ROOT, "scripts/tf.sh"), root, "local", *args, *flags],
                         env=cls.env, check=check, timeout=TF_TIMEOUT,
                         log_path=os.path.join(WORK, f"tf-{root}-{args[0]}.log"))

    def deploy(self, *args, stub_commit=None, **extra):
        env = dict(self.env, **extra)
        if stub_commit:
            stub = Stub()
            self.addCleanup(stub.stop)
            stub.commit = stub_commit
            env.update(SMOKE_URL=stub.url, SMOKE_TIMEOUT="3", SMOKE_INTERVAL="1")
        return procs.run([os.path.join(ROOT, "scripts/deploy-function.sh"), *args], env=env, check=False,
                         timeout=TF_TIMEOUT)

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
                                stub_commit=COMMITS["v1"])
        self.assertEqual(code, 0, out[-4000:])
        self.assertRegex(out, r"\[\d\d:\d\d:\d\d \+ *\d+s\] deploy-function: moving alias live from version 1 to 2")
        self.assertIn("smoke-test: pass", out)
        self.assertServes("2", COMMITS["v1"])
        self.assertNoDrift()

    def test_4_deploy_v2(self):
        code, out = self.deploy("--env", "local", "--zip", self.zips["v2"], "--commit", COMMITS["v2"],
                                stub_commit=COMMITS["v2"])
        self.assertEqual(code, 0, out[-4000:])
        self.assertServes("3", COMMITS["v2"])
        sha = self.lam.get_function_configuration(FunctionName=NAME, Qualifier="live")["CodeSha256"]
        self.assertNotEqual(sha, self.lam.get_function_configuration(FunctionName=NAME, Qualifier="2")["CodeSha256"])
        self.assertNoDrift()

    def test_5_failed_smoke_test_moves_the_alias_back(self):
        # v3 is published, but the URL still answers v2's commit.
        code, out = self.deploy("--env", "local", "--zip", self.zips["v3"], "--commit", COMMITS["v3"],
                                stub_commit=COMMITS["v2"])
        self.assertEqual(code, 1, out[-4000:])
        self.assertIn("FAILED: smoke test of version 4", out)
        self.assertIn("Rolled back: alias `live` is on version `3` again.", out)
        self.assertServes("3", COMMITS["v2"])
        self.assertNoDrift()

    def test_6_explicit_rollback_to_the_previous_version(self):
        code, out = self.deploy("--env", "local", "--rollback", stub_commit=COMMITS["v1"])
        self.assertEqual(code, 0, out[-4000:])
        self.assertIn("moving alias live from version 3 to 2", out)
        self.assertIn(f"/version commit {COMMITS['v1']}", out)
        self.assertServes("2", COMMITS["v1"])
        self.assertNoDrift()

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

    def test_8_destroy(self):
        self.tf("function", "destroy", "-auto-approve")
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.get_function(FunctionName=NAME)
        groups = self.emu.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{NAME}")["logGroups"]
        self.assertEqual(groups, [])
