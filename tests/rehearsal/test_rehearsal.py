"""The README's "Deploying to AWS from zero", rehearsed in the emulator for dev
AND prod in one account, as the pipeline's own roles with IAM enforced.

It runs in a scratch copy of infra/ and scripts/ where, as README step 1
tells a user, prod's env file is edited: its alarm address and its domain
(`prod_tfvars` below is the one place to change that).

As an administrator (test/test): bootstrap dev and prod (`scripts/tf.sh
bootstrap ENV apply`), apply both platforms (`scripts/tf.sh platform ENV
apply`; dev creates the account's GitHub OIDC provider, prod looks it up).
Then each role's credentials are obtained as GitHub Actions obtains them
(AssumeRoleWithWebIdentity with the `sub` its job presents), enforcement is
turned on, and for each env, with only that role's credentials:

  deploy role  push two images, the first deploy (creates the ECS service),
               a second deploy, a rollback (scripts/deploy.sh, SMOKE=0: the
               emulator's ALB serves nothing)
  plan role    scripts/ci/tf-plan.sh ENV (both roots, -lock=false)
  infra role   scripts/ci/tf-apply.sh ENV (platform, then service)

and each role failing at what it must not do. The tests run in name order;
each prints its time, and the summary the total. The emulator is stopped at
the end, also on failure.
"""

import glob
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from tests.lib import ROOT, aws_iam, emulator, procs

REPOSITORY = "my-org/hello-server"  # github_repository of dev.tfvars and prod.tfvars
ENVS = ("dev", "prod")
PROD_ZONE = "hello-prod.test"  # the public zone a user already has for prod's name
ONCALL = "oncall@my-org.com"  # prod's alarm address a user sets (an example domain is refused)
TAGS = ("1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222")
TIMES: list[tuple[str, float]] = []
CLIENT_LOCK = threading.Lock()


def prod_tfvars(emu: emulator.Emulator) -> dict[str, str]:
    """What README step 1 and "HTTPS and DNS" have a user set in envs/prod.tfvars,
    as HCL values: the on-call address (the shipped placeholder fails prod's
    plan), and a name in the account's public Route 53 zone, so the infra
    role's apply requests and validates the ACM certificate and writes the records."""
    zone = emu.client("route53").create_hosted_zone(Name=PROD_ZONE, CallerReference=f"rehearsal-{time.time()}")
    return {"alarm_emails": json.dumps([ONCALL]),
            "domain_name": json.dumps(f"app.{PROD_ZONE}"),
            "hosted_zone_id": json.dumps(zone["HostedZone"]["Id"].split("/")[-1]),
            "enable_https": "true"}


def edit_tfvars(path: str, values: dict[str, str]) -> None:
    """Sets `name = value` lines of a tfvars file (appended when absent)."""
    with open(path) as f:
        text = f.read()
    for name, value in values.items():
        line = f"{name} = {value}"
        text, found = re.subn(rf"(?m)^{name}\s*=.*$", line, text)
        if not found:
            text += f"\n{line}\n"
    with open(path, "w") as f:
        f.write(text)


def scratch_copy(work: str) -> str:
    """infra/ and scripts/ copied (without Terraform working dirs): the tree the rehearsal edits and runs."""
    tree = os.path.join(work, "repo")
    ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl.bak", "*.tfstate*")
    for part in ("infra", "scripts"):
        shutil.copytree(os.path.join(ROOT, part), os.path.join(tree, part), ignore=ignore, symlinks=True)
    return tree


def fake_manifest() -> str:
    """ECR stores a manifest without its blobs; nothing runs it in the emulator."""
    config = b"{}"
    import hashlib

    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(config),
                   "digest": "sha256:" + hashlib.sha256(config).hexdigest()},
        "layers": [],
    })


class Rehearsal(unittest.TestCase):
    emu: emulator.Emulator
    work = ""
    outputs: dict[str, dict] = {}
    creds: dict[tuple[str, str], dict] = {}  # (env, role) -> credentials

    @classmethod
    def setUpClass(cls):
        build = os.path.join(ROOT, "build")
        os.makedirs(build, exist_ok=True)
        for old in glob.glob(os.path.join(build, "rehearsal-*")):  # earlier runs' logs and scratch trees
            running = os.path.exists(os.path.join(old, "emulator", "pid"))
            starting = time.time() - os.path.getmtime(old) < 600  # no pid file yet
            if not running and not starting:  # (one still running keeps its own)
                shutil.rmtree(old, ignore_errors=True)
        cls.work = tempfile.mkdtemp(prefix="rehearsal-", dir=build)
        cls.started = time.monotonic()
        # Each service reports its own desired count running (dev 1, prod 2).
        # moto issues a requested certificate after MOTO_ACM_VALIDATION_WAIT s (infra/README.md, Emulator gaps).
        cls.emu = emulator.Emulator(os.path.join(cls.work, "emulator"), MOTO_ECS_SERVICE_RUNNING="desired",
                                    MOTO_ACM_VALIDATION_WAIT="2")
        cls.emu.start()
        try:
            cls.tree = scratch_copy(cls.work)
            edit_tfvars(os.path.join(cls.tree, "infra", "envs", "prod.tfvars"), prod_tfvars(cls.emu))
            cls.emu.env["TF_WORK_DIR"] = os.path.join(cls.work, "tf")
            # Its own CLI config (steps run in parallel), the shared plugin cache.
            env_dir = os.path.join(cls.work, "terraform")
            shared_cache = os.path.join(ROOT, "build", "terraform", "plugin-cache")
            os.makedirs(shared_cache, exist_ok=True)
            os.makedirs(env_dir)
            os.symlink(shared_cache, os.path.join(env_dir, "plugin-cache"))
            cls.emu.env["TF_ENV_DIR"] = env_dir
            cls.admin_setup()
        except BaseException:
            cls.emu.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        total = time.monotonic() - cls.started
        print("\nrehearsal steps:", flush=True)
        for name, secs in TIMES:
            print(f"  {secs:7.1f}s  {name}")
        print(f"  {total:7.1f}s  total (logs in {cls.work})", flush=True)

    # ---- helpers ----

    @classmethod
    def step(cls, name, fn, *args, **kwargs):
        """Runs one step with a timed progress line."""
        start = time.monotonic()
        print(f"[{time.strftime('%H:%M:%S')}] rehearsal: {name} ...", flush=True)
        try:
            return fn(*args, **kwargs)
        finally:
            secs = time.monotonic() - start
            TIMES.append((name, secs))
            print(f"[{time.strftime('%H:%M:%S')}] rehearsal: {name} ({secs:.1f}s)", flush=True)

    @classmethod
    def run_as(cls, creds, args, name, check=True, **extra):
        env = aws_iam.with_credentials(cls.emu.env, creds) if creds else dict(cls.emu.env)
        env.update(extra)
        log = os.path.join(cls.work, f"{name}.log")
        return procs.run(args, env=env, log_path=log, check=check, timeout=900, cwd=cls.tree)

    @classmethod
    def tf(cls, *args, creds=None, check=True):
        return cls.run_as(creds, [os.path.join(cls.tree, "scripts", "tf.sh"), *args], "-".join(args[:3]), check=check)

    @classmethod
    def admin_setup(cls):
        cls.tf("bootstrap", "dev", "version")  # the first init fills the plugin cache alone
        # README step 2, both envs at once (each waits about a minute on S3's
        # lifecycle consistency, not on the CPU).
        with ThreadPoolExecutor(len(ENVS)) as pool:
            for done in [pool.submit(cls.step, f"{env}: bootstrap (admin)", cls.tf, "bootstrap", env, "apply",
                                     "-auto-approve", "-input=false", "-no-color") for env in ENVS]:
                done.result()
        # README step 3: dev first, it creates the account's OIDC provider,
        # which prod looks up. One after the other: two platform applies at
        # once into one emulator once had a WAF create answered twice
        # (WafV2DuplicateItem) on a loaded machine.
        for env in ENVS:
            cls.step(f"{env}: platform apply (admin)", cls.tf, "platform", env, "apply",
                     "-auto-approve", "-input=false", "-no-color")
        for env in ENVS:
            _, out = cls.tf("platform", env, "output", "-json")
            cls.outputs[env] = {k: v["value"] for k, v in json.loads(out).items()}
        # As configure-aws-credentials does it: the subject each job presents.
        endpoint, region = cls.emu.endpoint, cls.emu.env["AWS_REGION"]
        for env in ENVS:
            for role, sub in (("deploy", aws_iam.subject(REPOSITORY, env)), ("infra", aws_iam.subject(REPOSITORY, env)),
                              ("plan", aws_iam.subject(REPOSITORY))):
                arn = cls.outputs[env][f"{role}_role_arn"]
                cls.creds[(env, role)] = aws_iam.assume_web_identity(endpoint, region, arn, sub, f"{role}-{env}")
        aws_iam.set_enforcement(endpoint, True)
        print(f"[{time.strftime('%H:%M:%S')}] rehearsal: IAM enforcement on", flush=True)

    def client(self, env, role, service):
        with CLIENT_LOCK:  # Emulator.client patches os.environ while it builds a client
            return self.emu.client(service, env=self.creds[(env, role)])

    def deploy(self, env, tag, check=True):
        return self.run_as(self.creds[(env, "deploy")], [os.path.join(self.tree, "scripts", "deploy.sh"), "--env", env, "--tag", tag],
                           f"deploy-{env}-{tag[:7]}", check=check, SMOKE="0")

    def assertServing(self, env, tag):
        ecs = self.client(env, "deploy", "ecs")
        out = self.outputs[env]
        service = ecs.describe_services(cluster=out["cluster_name"], services=[out["service_name"]])["services"][0]
        self.assertEqual(service["status"], "ACTIVE")
        image = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]["containerDefinitions"][0]["image"]
        # By digest in the task definition; tag@digest in SSM (scripts/deploy.sh).
        digest = self.client(env, "deploy", "ecr").describe_images(
            repositoryName=out["ecr_repository_name"], imageIds=[{"imageTag": tag}])["imageDetails"][0]["imageDigest"]
        self.assertEqual(image, f"{out['ecr_repository_url']}@{digest}", f"{env} runs {image}, not {tag}")
        param = self.client(env, "deploy", "ssm").get_parameter(Name=out["image_tag_parameter_name"])["Parameter"]["Value"]
        self.assertEqual(param, f"{tag}@{digest}")

    def assertDenied(self, call, action):
        from botocore.exceptions import ClientError

        with self.assertRaises(ClientError, msg=f"{action} should be denied") as caught:
            call()
        error = caught.exception.response["Error"]
        self.assertIn(error["Code"], ("AccessDenied", "AccessDeniedException"), str(caught.exception))
        if action.split(":")[0] != "s3":  # S3 names no action, as on AWS
            self.assertIn(action, error.get("Message", ""))

    # ---- the pipeline, per environment, as its roles ----

    def _pipeline(self, env):
        repo = self.outputs[env]["ecr_repository_name"]
        ecr = self.client(env, "deploy", "ecr")
        for tag in TAGS:  # deploy.yml's push, with the deploy role
            ecr.put_image(repositoryName=repo, imageTag=tag, imageManifest=fake_manifest())
        self.step(f"{env}: first deploy (deploy role)", self.deploy, env, TAGS[0])
        self.assertServing(env, TAGS[0])
        self.step(f"{env}: plan (plan role)", self.run_as, self.creds[(env, "plan")],
                  [os.path.join(self.tree, "scripts", "ci", "tf-plan.sh"), env], f"plan-{env}")
        self.step(f"{env}: platform + service apply (infra role)", self.run_as, self.creds[(env, "infra")],
                  [os.path.join(self.tree, "scripts", "ci", "tf-apply.sh"), env], f"infra-apply-{env}")
        self.assertServing(env, TAGS[0])  # an infrastructure apply keeps the deployed image
        self.step(f"{env}: second deploy (deploy role)", self.deploy, env, TAGS[1])
        self.assertServing(env, TAGS[1])
        self.step(f"{env}: rollback (deploy role)", self.deploy, env, TAGS[0])
        self.assertServing(env, TAGS[0])

    def test_1_pipelines_of_dev_and_prod(self):
        # The two environments have their own states and roles: run them side by side.
        with ThreadPoolExecutor(len(ENVS)) as pool:
            runs = {env: pool.submit(self._pipeline, env) for env in ENVS}
        for env, run in runs.items():
            with self.subTest(env=env):
                run.result()

    # ---- what each role must not do ----

    def test_3_deploy_role_cannot_change_the_network_or_another_service(self):
        for env, other in (("dev", "prod"), ("prod", "dev")):
            ec2 = self.client(env, "deploy", "ec2")
            vpc = self.client(env, "infra", "ec2").describe_vpcs(
                Filters=[{"Name": "tag:Environment", "Values": [env]}])["Vpcs"][0]["VpcId"]
            self.assertDenied(lambda: ec2.create_security_group(GroupName="x", Description="x", VpcId=vpc), "ec2:CreateSecurityGroup")
            ecs = self.client(env, "deploy", "ecs")
            theirs = self.outputs[other]
            self.assertDenied(lambda: ecs.update_service(cluster=theirs["cluster_name"], service=theirs["service_name"], desiredCount=0),
                              "ecs:UpdateService")
            self.assertDenied(lambda: ecs.delete_service(cluster=self.outputs[env]["cluster_name"], service=self.outputs[env]["service_name"]),
                              "ecs:DeleteService")
            self.assertDenied(lambda: self.client(env, "deploy", "ssm").put_parameter(
                Name=theirs["image_tag_parameter_name"], Value="x", Overwrite=True), "ssm:PutParameter")
            s3 = self.client(env, "deploy", "s3")
            bucket = f"hello-tfstate-{env}"
            self.assertDenied(lambda: s3.put_object(Bucket=bucket, Key=f"platform/{env}.tfstate", Body=b"{}"), "s3:PutObject")

    def test_4_plan_role_cannot_write(self):
        for env in ENVS:
            out = self.outputs[env]
            self.assertDenied(lambda: self.client(env, "plan", "ssm").put_parameter(
                Name=out["image_tag_parameter_name"], Value="x", Overwrite=True), "ssm:PutParameter")
            self.assertDenied(lambda: self.client(env, "plan", "ecs").update_service(
                cluster=out["cluster_name"], service=out["service_name"], desiredCount=0), "ecs:UpdateService")
            self.assertDenied(lambda: self.client(env, "plan", "s3").put_object(
                Bucket=f"hello-tfstate-{env}", Key=f"platform/{env}.tfstate.tflock", Body=b"{}"), "s3:PutObject")
            self.assertDenied(lambda: self.client(env, "plan", "ec2").create_vpc(CidrBlock="10.9.0.0/16"), "ec2:CreateVpc")

    def test_5_dev_roles_cannot_touch_prod(self):
        prod = self.outputs["prod"]
        for role in ("deploy", "infra", "plan"):
            s3 = self.client("dev", role, "s3")
            self.assertDenied(lambda: s3.get_object(Bucket="hello-tfstate-prod", Key="platform/prod.tfstate"), "s3:GetObject")
        self.assertDenied(lambda: self.client("dev", "infra", "ssm").put_parameter(
            Name=prod["image_tag_parameter_name"], Value="x", Overwrite=True), "ssm:PutParameter")
        self.assertDenied(lambda: self.client("dev", "infra", "ecs").delete_service(
            cluster=prod["cluster_name"], service=prod["service_name"], force=True), "ecs:DeleteService")
        self.assertDenied(lambda: self.client("dev", "infra", "iam").put_role_policy(
            RoleName="hello-prod-task", PolicyName="x", PolicyDocument="{}"), "iam:PutRolePolicy")

    def test_6_infra_role_cannot_widen_the_pipelines_roles(self):
        iam = self.client("dev", "infra", "iam")
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        self.assertDenied(lambda: iam.put_role_policy(RoleName="hello-dev-github-infra", PolicyName="x", PolicyDocument=doc),
                          "iam:PutRolePolicy")

    def test_8_infra_role_grants_only_within_the_workload_boundary(self):
        account = self.outputs["dev"]["infra_role_arn"].split(":")[4]
        boundary = f"arn:aws:iam::{account}:policy/hello-dev-workload-boundary"
        # The platform applies gave every workload role its environment's boundary.
        for env in ENVS:
            for name in (f"hello-{env}-task", f"hello-{env}-task-execution"):
                role = self.client(env, "infra", "iam").get_role(RoleName=name)["Role"]
                self.assertEqual(role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
                                 boundary.replace("hello-dev", f"hello-{env}"), name)
        iam = self.client("dev", "infra", "iam")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        self.assertDenied(lambda: iam.create_role(RoleName="hello-dev-escalate", AssumeRolePolicyDocument=trust), "iam:CreateRole")
        self.assertDenied(lambda: iam.put_role_permissions_boundary(
            RoleName="hello-dev-task", PermissionsBoundary="arn:aws:iam::aws:policy/AdministratorAccess"), "iam:PutRolePermissionsBoundary")
        self.assertDenied(lambda: iam.delete_role_permissions_boundary(RoleName="hello-dev-task"), "iam:DeleteRolePermissionsBoundary")
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        self.assertDenied(lambda: iam.create_policy_version(PolicyArn=boundary, PolicyDocument=doc, SetAsDefault=True),
                          "iam:CreatePolicyVersion")

    def test_7_roles_trust_only_their_own_subject(self):
        from botocore.exceptions import ClientError

        endpoint, region = self.emu.endpoint, self.emu.env["AWS_REGION"]
        wrong = (("dev", "deploy", aws_iam.subject(REPOSITORY, "prod")), ("prod", "infra", aws_iam.subject(REPOSITORY, "dev")),
                 ("dev", "plan", aws_iam.subject(REPOSITORY, "dev")), ("prod", "deploy", aws_iam.subject(REPOSITORY)),
                 ("dev", "deploy", aws_iam.subject("someone/else", "dev")))
        for env, role, sub in wrong:
            with self.subTest(env=env, role=role, sub=sub), self.assertRaises(ClientError) as caught:
                aws_iam.assume_web_identity(endpoint, region, self.outputs[env][f"{role}_role_arn"], sub)
            self.assertEqual(caught.exception.response["Error"]["Code"], "AccessDenied")
