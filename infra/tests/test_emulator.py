"""infra-emulator: the whole stack applied into the AWS emulator (moto).

Starts scripts/emulator.sh on a free port, bootstraps the state bucket
(infra/bootstrap), applies infra/platform (every flag the emulator supports,
HTTPS under a domain: a Route 53 zone made in the emulator, an ACM certificate
requested and DNS-validated there, an alias record to the ALB) and infra/service (a fake
image pushed to the emulated ECR first), checks the resources through boto3,
requires `terraform plan -detailed-exitcode` = 0 on both roots, then destroys
both and requires a clean destroy. Prints the apply/plan/destroy times and
ends with "N passed, N failed". Everything it starts is stopped, also on
failure. Run: python3 infra/tests/test_emulator.py
"""

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib import emulator, procs, runner  # noqa: E402

ENV = "local"
NAME = "hello-local"
TAG = "0123abc"
ZONE = "example.test"
DOMAIN = f"app.{ZONE}"
TIMES: dict[str, float] = {}


def timed(key, fn, *args, **kwargs):
    start = time.monotonic()
    try:
        return fn(*args, **kwargs)
    finally:
        TIMES[key] = TIMES.get(key, 0.0) + time.monotonic() - start


class EmulatorStack(unittest.TestCase):
    """One apply of the stack, checked by the tests in name order, destroyed last."""

    work = ""
    emulator = None
    env: dict = {}
    platform_vars: list[str] = []
    outputs: dict = {}
    destroyed = False

    @classmethod
    def setUpClass(cls):
        os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
        cls.work = tempfile.mkdtemp(prefix="infra-emulator-", dir=os.path.join(ROOT, "build"))
        # moto issues a requested certificate after MOTO_ACM_VALIDATION_WAIT
        # seconds whatever DNS holds (infra/README.md, Emulator gaps).
        cls.emulator = emulator.Emulator(os.path.join(cls.work, "emulator"), MOTO_ECS_SERVICE_RUNNING="2",
                                         MOTO_ACM_VALIDATION_WAIT="2")
        try:
            cls.emulator.start()
            cls.env = dict(cls.emulator.env, TF_WORK_DIR=os.path.join(cls.work, "tf"))
            cls._setup()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _setup(cls):
        timed("bootstrap apply", cls.tf, "bootstrap", "apply", "-auto-approve")

        # The public zone a user already has for their domain.
        zone = cls.client("route53").create_hosted_zone(Name=ZONE, CallerReference=f"test-{time.time()}")
        cls.zone_id = zone["HostedZone"]["Id"].split("/")[-1]
        # On top of envs/local.tfvars: HTTPS under a domain and the database (slow-ish, so not in `make up`).
        cls.platform_vars = ["-var", "enable_https=true", "-var", f"domain_name={DOMAIN}",
                             "-var", f"hosted_zone_id={cls.zone_id}",
                             "-var", "enable_database=true",
                             "-var", "database={deletion_protection = false, skip_final_snapshot = true}"]

        timed("platform apply", cls.tf, "platform", "apply", "-auto-approve", *cls.platform_vars)
        cls.outputs = cls.tf_outputs("platform")

        # Before any deploy, the service root must refuse with a clear message.
        code, out = cls.tf("service", "plan", check=False)
        cls.no_image_plan = (code, out)

        cls.push_fake_image(cls.outputs["ecr_repository_name"], TAG)
        timed("service apply", cls.tf, "service", "apply", "-auto-approve", "-var", f"image_tag={TAG}")
        cls.service_outputs = cls.tf_outputs("service")

    @classmethod
    def tearDownClass(cls):
        try:
            if not cls.destroyed and cls.outputs:
                cls.tf("service", "destroy", "-auto-approve", "-var", f"image_tag={TAG}", check=False)
                cls.tf("platform", "destroy", "-auto-approve", *cls.platform_vars, check=False)
        finally:
            cls.emulator.stop()
            print("\ntimes (s): " + ", ".join(f"{k} {v:.1f}" for k, v in TIMES.items()))

    # ---- helpers ----

    @classmethod
    def log(cls, name):
        return os.path.join(cls.work, f"{name}.log")

    @classmethod
    def tf(cls, root, *args, check=True):
        cmd = [os.path.join(ROOT, "scripts", "tf.sh"), root, ENV, args[0], "-input=false", "-no-color", *args[1:]]
        return procs.run(cmd, log_path=cls.log(f"{root}-{args[0]}"), check=check, env=cls.env)

    @classmethod
    def tf_outputs(cls, root):
        _, out = procs.run([os.path.join(ROOT, "scripts", "tf.sh"), root, ENV, "output", "-json"],
                           log_path=cls.log(f"{root}-output"), env=cls.env)
        return {k: v["value"] for k, v in json.loads(out).items()}

    @classmethod
    def client(cls, service):
        return cls.emulator.client(service)

    @classmethod
    def push_fake_image(cls, repository, tag):
        """ECR needs only a manifest for the service root's image check."""
        config = b"{}"
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(config),
                       "digest": "sha256:" + hashlib.sha256(config).hexdigest()},
            "layers": [],
        }
        cls.client("ecr").put_image(repositoryName=repository, imageTag=tag, imageManifest=json.dumps(manifest))

    def service(self):
        ecs = self.client("ecs")
        return ecs.describe_services(cluster=self.outputs["cluster_name"], services=[self.outputs["service_name"]])["services"][0]

    def tasks_sg_id(self):
        return self.service()["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"][0]

    def alb(self):
        elb = self.client("elbv2")
        return next(lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["DNSName"] == self.outputs["alb_dns_name"])

    # ---- checks (run in name order) ----

    def test_01_no_image_means_clear_error(self):
        code, out = self.no_image_plan
        self.assertNotEqual(code, 0)
        self.assertIn("No image was ever deployed to local", " ".join(out.split()))

    def test_02_network(self):
        ec2 = self.client("ec2")
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"]
        self.assertEqual(len(vpcs), 1)
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])["Subnets"]
        self.assertGreaterEqual(len({s["AvailabilityZone"] for s in subnets}), 2)
        private = set(self.service()["networkConfiguration"]["awsvpcConfiguration"]["subnets"])
        self.assertEqual(len(private), 2)
        for s in subnets:
            if s["SubnetId"] in private:
                self.assertFalse(s["MapPublicIpOnLaunch"], f"private subnet {s['SubnetId']} maps public IPs")
        self.assertTrue(ec2.describe_nat_gateways()["NatGateways"], "no NAT gateway")
        self.assertTrue(ec2.describe_vpc_endpoints()["VpcEndpoints"], "no VPC endpoints")
        self.assertTrue(ec2.describe_flow_logs()["FlowLogs"], "no flow logs")

    def test_03_service_has_no_public_ip(self):
        net = self.service()["networkConfiguration"]["awsvpcConfiguration"]
        self.assertEqual(net["assignPublicIp"], "DISABLED")

    def test_04_security_groups(self):
        ec2 = self.client("ec2")
        alb_sg = self.alb()["SecurityGroups"][0]
        tasks = ec2.describe_security_groups(GroupIds=[self.tasks_sg_id()])["SecurityGroups"][0]
        # The container port from the load balancer only; the metrics port
        # from inside the VPC only (a scraper there, never the ALB).
        ingress = {(r["FromPort"], r["ToPort"]): r for r in tasks["IpPermissions"]}
        self.assertEqual(set(ingress), {(5000, 5000), (9090, 9090)}, tasks["IpPermissions"])
        rule = ingress[(5000, 5000)]
        self.assertEqual([p["GroupId"] for p in rule["UserIdGroupPairs"]], [alb_sg])
        self.assertEqual(rule["IpRanges"], [])
        metrics = ingress[(9090, 9090)]
        self.assertEqual(metrics["UserIdGroupPairs"], [])
        vpc_cidr = ec2.describe_vpcs(VpcIds=[tasks["VpcId"]])["Vpcs"][0]["CidrBlock"]
        self.assertEqual([r["CidrIp"] for r in metrics["IpRanges"]], [vpc_cidr])
        egress = {(r.get("FromPort"), r.get("ToPort")): r for r in tasks["IpPermissionsEgress"]}
        self.assertEqual(set(egress), {(443, 443), (5432, 5432)})
        db_sg = egress[(5432, 5432)]["UserIdGroupPairs"][0]["GroupId"]
        db = ec2.describe_security_groups(GroupIds=[db_sg])["SecurityGroups"][0]
        self.assertEqual([(r["FromPort"], [p["GroupId"] for p in r["UserIdGroupPairs"]], r["IpRanges"]) for r in db["IpPermissions"]],
                         [(5432, [self.tasks_sg_id()], [])], "the database must be open to the tasks only")
        alb = ec2.describe_security_groups(GroupIds=[alb_sg])["SecurityGroups"][0]
        self.assertEqual({(r["FromPort"], r["ToPort"]) for r in alb["IpPermissions"]}, {(80, 80), (443, 443)})

    def test_05_registry(self):
        repo = self.client("ecr").describe_repositories(repositoryNames=[self.outputs["ecr_repository_name"]])["repositories"][0]
        self.assertEqual(repo["imageTagMutability"], "IMMUTABLE")
        self.assertTrue(repo["imageScanningConfiguration"]["scanOnPush"])

    def test_06_task_definition(self):
        td = self.client("ecs").describe_task_definition(taskDefinition=self.service()["taskDefinition"])["taskDefinition"]
        self.assertEqual(td["networkMode"], "awsvpc")
        self.assertEqual(td["requiresCompatibilities"], ["FARGATE"])
        c = td["containerDefinitions"][0]
        # By digest: the one the tag points to (infra/service).
        digest = self.client("ecr").describe_images(repositoryName=self.outputs["ecr_repository_name"],
                                                    imageIds=[{"imageTag": TAG}])["imageDetails"][0]["imageDigest"]
        self.assertEqual(c["image"], f"{self.outputs['ecr_repository_url']}@{digest}")
        self.assertTrue(c["readonlyRootFilesystem"])
        self.assertEqual(c["user"], "65532:65532")
        self.assertFalse(c.get("privileged", False))
        self.assertEqual(c["linuxParameters"]["capabilities"]["drop"], ["ALL"])
        self.assertEqual(c["healthCheck"]["command"], ["CMD", "/server", "--healthcheck"])
        self.assertEqual(c["logConfiguration"]["logDriver"], "awslogs")
        self.assertEqual(c["portMappings"][0]["containerPort"], 5000)
        self.assertEqual(c["stopTimeout"], 30)
        # Database credentials arrive as ECS secrets from the RDS-managed secret, never as plain env.
        secrets = {s["name"]: s["valueFrom"] for s in c.get("secrets", [])}
        self.assertEqual(set(secrets), {"DATABASE_USER", "DATABASE_PASSWORD"})
        self.assertTrue(secrets["DATABASE_PASSWORD"].startswith("arn:aws:secretsmanager:"))
        self.assertNotIn("DATABASE_PASSWORD", {e["name"] for e in c["environment"]})
        # The service writes its own metrics (EMF) under the name, as Service <name>-<env>.
        env = {e["name"]: e["value"] for e in c["environment"]}
        self.assertEqual({k: env.get(k) for k in ("METRICS_NAMESPACE", "METRICS_SERVICE", "METRICS_ENVIRONMENT")},
                         {"METRICS_NAMESPACE": "hello", "METRICS_SERVICE": NAME, "METRICS_ENVIRONMENT": ENV})

    def test_06b_database(self):
        db = self.client("rds").describe_db_instances()["DBInstances"][0]
        self.assertTrue(db["StorageEncrypted"])
        self.assertFalse(db["PubliclyAccessible"])
        self.assertGreaterEqual(db["BackupRetentionPeriod"], 1)
        self.assertIn("MasterUserSecret", db)

    def test_07_service_load_balancer_and_circuit_breaker(self):
        svc = self.service()
        self.assertEqual(svc["loadBalancers"][0]["containerPort"], 5000)
        self.assertIn(":targetgroup/", svc["loadBalancers"][0]["targetGroupArn"])
        breaker = svc["deploymentConfiguration"]["deploymentCircuitBreaker"]
        self.assertTrue(breaker["enable"] and breaker["rollback"])
        self.assertEqual((svc["deploymentConfiguration"]["minimumHealthyPercent"], svc["deploymentConfiguration"]["maximumPercent"]), (100, 200))
        self.assertEqual(svc["desiredCount"], 2)

    def test_08_alb(self):
        elb = self.client("elbv2")
        alb = self.alb()
        # In the public subnets, never in the tasks' private ones.
        private = set(self.service()["networkConfiguration"]["awsvpcConfiguration"]["subnets"])
        alb_subnets = {z["SubnetId"] for z in alb["AvailabilityZones"]}
        self.assertEqual(len(alb_subnets), 2)
        self.assertFalse(alb_subnets & private, "ALB in a private subnet")
        attrs = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(LoadBalancerArn=alb["LoadBalancerArn"])["Attributes"]}
        self.assertEqual(attrs.get("routing.http.drop_invalid_header_fields.enabled"), "true")
        self.assertEqual(attrs.get("routing.http.desync_mitigation_mode"), "strictest")
        listeners = {l["Port"]: l for l in elb.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]}
        self.assertEqual(listeners[443]["Protocol"], "HTTPS")
        self.assertIn("TLS13", listeners[443]["SslPolicy"])
        self.assertEqual(listeners[80]["DefaultActions"][0]["Type"], "redirect")

    def test_08b_domain_certificate_and_alias(self):
        acm, r53 = self.client("acm"), self.client("route53")
        arn = self.outputs["certificate_arn"]
        cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        self.assertEqual((cert["DomainName"], cert["Type"], cert["Status"]), (DOMAIN, "AMAZON_ISSUED", "ISSUED"))
        listener = {l["Port"]: l for l in self.client("elbv2").describe_listeners(
            LoadBalancerArn=self.alb()["LoadBalancerArn"])["Listeners"]}[443]
        self.assertEqual([c["CertificateArn"] for c in listener["Certificates"]], [arn])
        records = r53.list_resource_record_sets(HostedZoneId=self.zone_id)["ResourceRecordSets"]
        by_type = {(r["Name"].rstrip("."), r["Type"]): r for r in records}
        alias = by_type[(DOMAIN, "A")]["AliasTarget"]
        self.assertEqual(alias["DNSName"].rstrip(".").lower(), self.outputs["alb_dns_name"].lower())
        # The validation CNAME is exactly the one ACM asked for.
        wanted = cert["DomainValidationOptions"][0]["ResourceRecord"]
        cname = by_type[(wanted["Name"].rstrip("."), "CNAME")]
        self.assertEqual([v["Value"] for v in cname["ResourceRecords"]], [wanted["Value"]])
        # The URL the deploy smoke-tests is the certificate's name, never the ALB's.
        self.assertEqual(self.outputs["app_url"], f"https://{DOMAIN}")

    def test_09_waf_association(self):
        acl = self.client("wafv2").get_web_acl_for_resource(ResourceArn=self.alb()["LoadBalancerArn"])
        self.assertIn("WebACL", acl)
        rules = {r["Name"] for r in acl["WebACL"]["Rules"]}
        self.assertTrue(any("Common" in r for r in rules), rules)

    def test_10_alarms(self):
        alarms = self.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{NAME}-")["MetricAlarms"]
        self.assertGreaterEqual(len(alarms), 6, [a["AlarmName"] for a in alarms])
        topic = self.outputs["alarm_topic_arn"]
        for a in alarms:
            self.assertIn(topic, a["AlarmActions"], a["AlarmName"])
        # What CloudWatch received (moto stores, never evaluates): an empty
        # target group must not alarm, and every 5xx-rate term is FILLed.
        by_name = {a["AlarmName"]: a for a in alarms}
        no_healthy = by_name[f"{NAME}-no-healthy-hosts"]
        self.assertEqual(no_healthy["TreatMissingData"], "notBreaching")
        rate = next(q["Expression"] for q in by_name[f"{NAME}-5xx-rate"]["Metrics"] if "Expression" in q)
        for term in ("target5xx", "elb5xx", "requests"):
            self.assertNotIn(term, rate.replace(f"FILL({term}, 0)", ""), rate)
        # The service's own 5xx rate and p99 (its EMF metrics) replace the ALB's p99.
        self.assertNotIn(f"{NAME}-p99-latency", by_name)
        p99 = by_name[f"{NAME}-service-p99-latency"]
        self.assertEqual((p99["Namespace"], p99["MetricName"], p99["ExtendedStatistic"]), ("hello", "Latency", "p99"))
        self.assertEqual({d["Name"]: d["Value"] for d in p99["Dimensions"]}, {"Service": NAME, "Environment": ENV})
        self.assertIn(f"{NAME}-service-5xx-rate", by_name)

    def test_11_oidc_role_trust(self):
        role = self.client("iam").get_role(RoleName=f"{NAME}-github-deploy")["Role"]
        doc = role["AssumeRolePolicyDocument"]
        if isinstance(doc, str):
            doc = json.loads(doc)
        cond = doc["Statement"][0]["Condition"]["StringEquals"]
        self.assertEqual(cond["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com")
        self.assertIn("repo:my-org/hello-server:environment:local", cond["token.actions.githubusercontent.com:sub"])
        self.assertEqual(self.outputs["deploy_role_arn"], role["Arn"])

    def test_12_autoscaling(self):
        aas = self.client("application-autoscaling")
        rid = f"service/{self.outputs['cluster_name']}/{self.outputs['service_name']}"
        targets = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[rid])["ScalableTargets"]
        self.assertEqual((targets[0]["MinCapacity"], targets[0]["MaxCapacity"]), (1, 2))
        policies = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=rid)["ScalingPolicies"]
        kinds = {p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"] for p in policies}
        self.assertEqual(kinds, {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"})

    def test_13_state_in_the_bucket(self):
        s3 = self.client("s3")
        bucket = self.bucket()
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
        self.assertTrue({"platform/local.tfstate", "service/local.tfstate"} <= keys, keys)
        self.assertEqual(s3.get_bucket_versioning(Bucket=bucket).get("Status"), "Enabled")

    def test_20_plans_show_no_changes(self):
        code, out = timed("platform plan", self.tf, "platform", "plan", "-detailed-exitcode", *self.platform_vars, check=False)
        self.assertEqual(code, 0, f"platform plan is not clean:\n{out[-3000:]}")
        code, out = timed("service plan", self.tf, "service", "plan", "-detailed-exitcode", "-var", f"image_tag={TAG}", check=False)
        self.assertEqual(code, 0, f"service plan is not clean:\n{out[-3000:]}")

    def test_21_plan_without_tag_reads_the_parameter(self):
        # What scripts/deploy.sh does after a stable deploy: record the tag.
        self.client("ssm").put_parameter(Name=self.outputs["image_tag_parameter_name"], Value=TAG, Overwrite=True)
        code, out = self.tf("service", "plan", "-detailed-exitcode", check=False)
        self.assertEqual(code, 0, f"service plan without image_tag is not clean:\n{out[-3000:]}")

    def test_90_destroy_is_clean(self):
        type(self).destroyed = True
        timed("service destroy", self.tf, "service", "destroy", "-auto-approve", "-var", f"image_tag={TAG}")
        timed("platform destroy", self.tf, "platform", "destroy", "-auto-approve", *self.platform_vars)
        ecs = self.client("ecs")
        # Deleted clusters stay listed as INACTIVE for a while (as on AWS).
        clusters = ecs.describe_clusters(clusters=[self.outputs["cluster_name"]])["clusters"]
        self.assertTrue(all(c["status"] == "INACTIVE" for c in clusters), clusters)
        ec2 = self.client("ec2")
        self.assertEqual(ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"], [])
        self.assertEqual(self.client("elbv2").describe_load_balancers()["LoadBalancers"], [])
        self.assertEqual(self.client("ecr").describe_repositories()["repositories"], [])
        for root in ("platform", "service"):
            _, out = procs.run([os.path.join(ROOT, "scripts", "tf.sh"), root, ENV, "state", "list"],
                               log_path=self.log(f"{root}-state"), env=self.env)
            self.assertEqual(out.strip(), "", f"{root} state not empty after destroy")

    @classmethod
    def bucket(cls):
        with open(os.path.join(ROOT, "infra", "envs", f"{ENV}.s3.tfbackend")) as f:
            for line in f:
                if line.strip().startswith("bucket"):
                    return line.split("=", 1)[1].strip().strip('"')
        raise AssertionError("no bucket in local.s3.tfbackend")


def keep_logs_only_on_failure(result):
    if not result.failed_ids:
        shutil.rmtree(EmulatorStack.work, ignore_errors=True)
    elif EmulatorStack.work:
        print(f"logs kept in {os.path.relpath(EmulatorStack.work, ROOT)}")


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(EmulatorStack)
    sys.exit(runner.main(suite, sys.argv[1:], before_summary=keep_logs_only_on_failure))
