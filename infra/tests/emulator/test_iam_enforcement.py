"""Unit tests of iam_enforcement.py: ARN derivation, policy evaluation, and
the patched moto server refusing what a role does not allow (make test-emulator-iam)."""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import iam_enforcement as iam  # noqa: E402

ACCOUNT, REGION = "123456789012", "us-east-1"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/w-boundary"


def params(**values):
    return values.get


def resources(aws_service, action, **values):
    return iam.resources_of(aws_service, action, params(**values), REGION, ACCOUNT)


class ResourceArns(unittest.TestCase):
    def test_ecs_service_from_cluster_and_name(self):
        self.assertEqual(
            resources("ecs", "CreateService", cluster="hello-dev", serviceName="hello-dev"),
            ["arn:aws:ecs:us-east-1:123456789012:service/hello-dev/hello-dev"],
        )
        cluster_arn = "arn:aws:ecs:us-east-1:123456789012:cluster/hello-dev"
        self.assertEqual(
            resources("ecs", "UpdateService", cluster=cluster_arn, service="hello-dev"),
            ["arn:aws:ecs:us-east-1:123456789012:service/hello-dev/hello-dev"],
        )
        self.assertEqual(
            resources("ecs", "DescribeServices", cluster="c", services=["a", "b"]),
            ["arn:aws:ecs:us-east-1:123456789012:service/c/a", "arn:aws:ecs:us-east-1:123456789012:service/c/b"],
        )

    def test_ecs_actions_without_resource_level_permissions_stay_star(self):
        self.assertEqual(resources("ecs", "RegisterTaskDefinition", family="hello-dev"), ["*"])
        self.assertEqual(resources("ecs", "DescribeTaskDefinition", taskDefinition="hello-dev:3"), ["*"])

    def test_ecr_repository_and_describe_repositories(self):
        self.assertEqual(
            resources("ecr", "DescribeImages", repositoryName="hello-dev"),
            ["arn:aws:ecr:us-east-1:123456789012:repository/hello-dev"],
        )
        self.assertEqual(
            resources("ecr", "DescribeRepositories", repositoryNames=["hello-dev"]),
            ["arn:aws:ecr:us-east-1:123456789012:repository/hello-dev"],
        )
        self.assertEqual(resources("ecr", "GetAuthorizationToken"), ["*"])

    def test_ssm_parameter_drops_the_leading_slash(self):
        self.assertEqual(
            resources("ssm", "GetParameter", Name="/hello/dev/image-tag"),
            ["arn:aws:ssm:us-east-1:123456789012:parameter/hello/dev/image-tag"],
        )
        self.assertEqual(
            resources("ssm", "ListTagsForResource", ResourceType="Parameter", ResourceId="/hello/dev/image-tag"),
            ["arn:aws:ssm:us-east-1:123456789012:parameter/hello/dev/image-tag"],
        )

    def test_scalable_target_known_or_new(self):
        known = "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec1"
        args = dict(ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount")
        self.assertEqual(
            iam.resources_of("application-autoscaling", "PutScalingPolicy", params(**args), REGION, ACCOUNT,
                             scalable_target_arn=lambda *a: known if a == ("ecs", "service/c/s", "ecs:service:DesiredCount") else None),
            [known],
        )
        self.assertEqual(
            resources("application-autoscaling", "RegisterScalableTarget", **args),
            ["arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/new"],
        )

    def test_iam_role_policy_and_provider(self):
        self.assertEqual(resources("iam", "PutRolePolicy", RoleName="r"), ["arn:aws:iam::123456789012:role/r"])
        self.assertEqual(
            resources("iam", "CreateOpenIDConnectProvider", Url="https://token.actions.githubusercontent.com"),
            ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"],
        )
        self.assertEqual(resources("iam", "CreatePolicy", PolicyName="p"), ["arn:aws:iam::123456789012:policy/p"])

    def test_lambda_function_qualified_only_where_aws_authorizes_the_qualifier(self):
        fn = "arn:aws:lambda:us-east-1:123456789012:function:hello-dev"
        self.assertEqual(resources("lambda", "UpdateFunctionCode", FunctionName="hello-dev"), [fn])
        self.assertEqual(resources("lambda", "PublishVersion", FunctionName=fn), [fn])
        self.assertEqual(resources("lambda", "ListVersionsByFunction", FunctionName="123456789012:function:hello-dev"), [fn])
        # Alias management is authorized against the function, not the alias.
        self.assertEqual(resources("lambda", "UpdateAlias", FunctionName="hello-dev", Name="live"), [fn])
        self.assertEqual(resources("lambda", "GetFunctionConfiguration", FunctionName="hello-dev", Qualifier="3"), [f"{fn}:3"])
        self.assertEqual(resources("lambda", "GetFunctionConfiguration", FunctionName="hello-dev"), [fn])
        self.assertEqual(resources("lambda", "GetFunction", FunctionName=f"{fn}:live"), [f"{fn}:live"])
        self.assertEqual(resources("lambda", "GetFunctionUrlConfig", FunctionName="hello-dev:live"), [f"{fn}:live"])
        self.assertEqual(resources("lambda", "ListFunctions"), ["*"])

    def test_passed_roles(self):
        self.assertEqual(
            iam.passed_roles("ecs", "RegisterTaskDefinition", params(executionRoleArn="arn:x", taskRoleArn="arn:y")),
            [("arn:x", "ecs-tasks.amazonaws.com"), ("arn:y", "ecs-tasks.amazonaws.com")],
        )
        self.assertEqual(iam.passed_roles("ecs", "UpdateService", params(executionRoleArn="arn:x")), [])

    def test_s3_actions_named_as_iam_names_them(self):
        self.assertEqual(iam.s3_iam_action("BUCKET", "HEAD", {}, "HeadBucket"), "ListBucket")
        self.assertEqual(iam.s3_iam_action("BUCKET", "GET", {"encryption": [""]}, "ListBucket"), "GetEncryptionConfiguration")
        self.assertEqual(iam.s3_iam_action("BUCKET", "PUT", {"ownershipControls": [""]}, "CreateBucket"), "PutBucketOwnershipControls")
        self.assertEqual(iam.s3_iam_action("BUCKET", "GET", {"list-type": ["2"]}, "ListBucket"), "ListBucket")
        self.assertEqual(iam.s3_iam_action("KEY", "GET", {}, "GetObject"), "GetObject")

    def test_query_reencoded_as_sigv4(self):
        self.assertEqual(
            iam.canonical_query_path("/b?list-type=2&prefix=env:/&encoding-type=url"),
            "/b?list-type=2&prefix=env%3A%2F&encoding-type=url",
        )
        self.assertEqual(iam.canonical_query_path("/b?prefix=env%3A%2F"), "/b?prefix=env%3A%2F")


SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/c/s"
POLICY = {
    "Statement": [
        {"Effect": "Allow", "Action": ["ecs:UpdateService"], "Resource": [SERVICE]},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
         "Condition": {"StringEquals": {"s3:prefix": ["service/dev.tfstate"]}}},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/task",
         "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
        {"Effect": "Deny", "Action": "ecs:*", "Resource": "arn:aws:ecs:*:*:service/c/forbidden"},
    ]
}


class Evaluation(unittest.TestCase):
    def test_allowed_on_its_resource_only(self):
        self.assertEqual(iam.evaluate([POLICY], "ecs:UpdateService", SERVICE), "allow")
        self.assertEqual(iam.evaluate([POLICY], "ecs:UpdateService", SERVICE.replace("/s", "/other")), "implicit")
        self.assertEqual(iam.evaluate([POLICY], "ecs:UpdateService", "*"), "implicit")

    def test_action_not_allowed(self):
        self.assertEqual(iam.evaluate([POLICY], "ecs:DeleteService", SERVICE), "implicit")

    def test_actions_are_case_insensitive(self):
        self.assertEqual(iam.evaluate([POLICY], "ECS:updateservice", SERVICE), "allow")

    def test_explicit_deny_wins(self):
        both = {"Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}
        self.assertEqual(iam.evaluate([both, POLICY], "ecs:UpdateService", "arn:aws:ecs:us-east-1:1:service/c/forbidden"), "deny")

    def test_unmet_allow_condition_is_not_a_deny(self):
        self.assertEqual(iam.evaluate([POLICY], "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "service/dev.tfstate"}), "allow")
        self.assertEqual(iam.evaluate([POLICY], "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "env:/"}), "implicit")
        # A known key that the request lacks: StringEquals does not hold.
        self.assertEqual(iam.evaluate([POLICY], "s3:ListBucket", "arn:aws:s3:::b", {}), "implicit")

    def test_tls_only_bucket_policy_lets_https_requests_in(self):
        tls_only = {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
                                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        self.assertEqual(iam.evaluate([tls_only], "s3:GetObject", "arn:aws:s3:::b/k", iam.REQUEST_CONTEXT), "implicit")
        self.assertEqual(iam.evaluate([tls_only], "s3:GetObject", "arn:aws:s3:::b/k", {"aws:SecureTransport": "false"}), "deny")

    def test_unknown_condition_key_allows_but_never_denies(self):
        tagged = {"Statement": [
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/Env": "dev"}}},
            {"Effect": "Deny", "Action": "ec2:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:ResourceTag/Env": "dev"}}},
        ]}
        self.assertEqual(iam.evaluate([tagged], "ec2:CreateVpc", "*"), "allow")

    def test_pass_role_condition(self):
        role = "arn:aws:iam::123456789012:role/task"
        self.assertEqual(iam.evaluate([POLICY], "iam:PassRole", role, {"iam:PassedToService": "ecs-tasks.amazonaws.com"}), "allow")
        self.assertEqual(iam.evaluate([POLICY], "iam:PassRole", role, {"iam:PassedToService": "lambda.amazonaws.com"}), "implicit")

    def test_permissions_boundary_key_requested_or_of_the_role(self):
        of_role = {"bounded": BOUNDARY}.get
        self.assertEqual(iam.boundary_context("iam", "CreateRole", params(RoleName="r", PermissionsBoundary=BOUNDARY), of_role),
                         {"iam:PermissionsBoundary": BOUNDARY})
        self.assertEqual(iam.boundary_context("iam", "CreateRole", params(RoleName="r"), of_role), {})
        self.assertEqual(iam.boundary_context("iam", "PutRolePolicy", params(RoleName="bounded"), of_role),
                         {"iam:PermissionsBoundary": BOUNDARY})
        self.assertEqual(iam.boundary_context("iam", "AttachRolePolicy", params(RoleName="free"), of_role), {})
        self.assertEqual(iam.boundary_context("iam", "GetRole", params(RoleName="bounded"), of_role), {})
        # A known key that is absent fails a StringEquals Allow (as on AWS).
        grant = {"Statement": [{"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "*",
                                "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}}]}
        self.assertEqual(iam.evaluate([grant], "iam:CreateRole", "*", {}), "implicit")
        self.assertEqual(iam.evaluate([grant], "iam:CreateRole", "*", {"iam:PermissionsBoundary": BOUNDARY}), "allow")

    def test_web_identity_trust(self):
        provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        trust = {"Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": provider},
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                           "token.actions.githubusercontent.com:sub": ["repo:o/r:environment:dev"]}},
        }]}
        claims = {"sub": "repo:o/r:environment:dev", "aud": "sts.amazonaws.com"}
        self.assertTrue(iam.web_identity_allowed(trust, provider, claims))
        self.assertFalse(iam.web_identity_allowed(trust, provider, dict(claims, sub="repo:o/r:environment:prod")))
        self.assertFalse(iam.web_identity_allowed(trust, provider, dict(claims, aud="other")))
        self.assertFalse(iam.web_identity_allowed(trust, provider.replace("123456789012", "999999999999"), claims))
        self.assertFalse(iam.web_identity_allowed(trust, provider, {"aud": "sts.amazonaws.com"}))


class PatchedServer(unittest.TestCase):
    """A moto server with the launcher's patches; one role, enforcement on."""

    @classmethod
    def setUpClass(cls):
        import boto3
        from moto.server import ThreadedMotoServer

        import moto_launcher
        from tests.lib import aws_iam

        moto_launcher.install()
        cls.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        cls.server.start()
        host, port = cls.server.get_host_and_port()
        cls.endpoint = f"http://{host}:{port}"
        admin = dict(endpoint_url=cls.endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
        aws_iam.set_enforcement(cls.endpoint, False)
        iam_client = boto3.client("iam", **admin)
        provider = iam_client.create_open_id_connect_provider(
            Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
        )["OpenIDConnectProviderArn"]
        ecr = boto3.client("ecr", **admin)
        mine = ecr.create_repository(repositoryName="mine")["repository"]["repositoryArn"]
        ecr.create_repository(repositoryName="other")
        ssm = boto3.client("ssm", **admin)
        for name in ("/hello/dev/image-tag", "/hello/prod/image-tag"):
            ssm.put_parameter(Name=name, Value="none", Type="String")
        s3 = boto3.client("s3", **admin)
        s3.create_bucket(Bucket="state-bucket")
        iam_client.create_policy(PolicyName="w-boundary", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}))
        ecs_trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        iam_client.create_role(RoleName="w-unbounded", AssumeRolePolicyDocument=ecs_trust)
        cls.ecs_trust = ecs_trust
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": provider},
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                           "token.actions.githubusercontent.com:sub": "repo:o/r:environment:dev"}}}]}
        role = iam_client.create_role(RoleName="deploy", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam_client.put_role_policy(RoleName="deploy", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ecr:DescribeImages", "ecr:DescribeRepositories"], "Resource": mine},
            {"Effect": "Allow", "Action": ["route53:ListHostedZones"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/hello/dev/image-tag"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::state-bucket",
             "Condition": {"StringEquals": {"s3:prefix": "service/dev.tfstate"}}},
            # The infra role's grant (modules/github-oidc/infra.tf): roles only within the boundary.
            {"Effect": "Allow", "Action": ["iam:CreateRole", "iam:PutRolePolicy"], "Resource": f"arn:aws:iam::{ACCOUNT}:role/w-*",
             "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}},
        ]}))
        cls.role = role
        cls.add_lambda_functions(admin, iam_client)
        cls.creds = aws_iam.assume_web_identity(cls.endpoint, REGION, role, "repo:o/r:environment:dev")
        aws_iam.set_enforcement(cls.endpoint, True)
        cls.client = staticmethod(lambda service: boto3.client(
            service, endpoint_url=cls.endpoint, region_name=REGION, aws_access_key_id=cls.creds["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=cls.creds["AWS_SECRET_ACCESS_KEY"], aws_session_token=cls.creds["AWS_SESSION_TOKEN"]))

    @classmethod
    def add_lambda_functions(cls, admin, iam_client):
        """Functions `mine` and `other` (live alias on version 1); the role may deploy `mine` only,
        with the grant the github-oidc module gives: the function and `<function>:*`."""
        import io
        import zipfile

        import boto3

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("bootstrap", "#!/bin/sh\n")
        cls.zip = buf.getvalue()
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        execution = iam_client.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        lam = boto3.client("lambda", **admin)
        for name in ("mine", "other"):
            lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=execution, Handler="bootstrap",
                                Code={"ZipFile": cls.zip})
            lam.create_alias(FunctionName=name, Name="live", FunctionVersion=lam.publish_version(FunctionName=name)["Version"])
        mine = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mine"
        iam_client.put_role_policy(RoleName="deploy", PolicyName="function", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": [mine, f"{mine}:*"], "Action": [
                "lambda:GetAlias", "lambda:GetFunctionConfiguration", "lambda:PublishVersion", "lambda:UpdateAlias",
                "lambda:UpdateFunctionCode"]}]}))

    @classmethod
    def tearDownClass(cls):
        from tests.lib import aws_iam

        aws_iam.set_enforcement(cls.endpoint, False)
        cls.server.stop()

    def assertDenied(self, call, *names):
        from botocore.exceptions import ClientError

        with self.assertRaises(ClientError) as caught:
            call()
        self.assertIn(caught.exception.response["Error"]["Code"], ("AccessDenied", "AccessDeniedException"))
        for name in names:
            self.assertIn(name, str(caught.exception))

    def test_allowed_call_on_its_resource_passes(self):
        self.assertEqual(self.client("ecr").describe_repositories(repositoryNames=["mine"])["repositories"][0]["repositoryName"], "mine")
        self.assertEqual(self.client("ssm").get_parameter(Name="/hello/dev/image-tag")["Parameter"]["Value"], "none")

    def test_same_action_on_another_resource_fails(self):
        self.assertDenied(lambda: self.client("ecr").describe_repositories(repositoryNames=["other"]),
                          "ecr:DescribeRepositories", "repository/other")
        self.assertDenied(lambda: self.client("ssm").get_parameter(Name="/hello/prod/image-tag"), "ssm:GetParameter")

    def test_cloudwatch_is_authorized_under_its_iam_prefix(self):
        # Signed as "monitoring", authorized as "cloudwatch:DescribeAlarms" (not in the policy).
        self.assertDenied(lambda: self.client("cloudwatch").describe_alarms(), "cloudwatch:DescribeAlarms")

    def test_roles_are_created_and_granted_to_only_within_the_boundary(self):
        iam_client = self.client("iam")
        iam_client.create_role(RoleName="w-bounded", AssumeRolePolicyDocument=self.ecs_trust, PermissionsBoundary=BOUNDARY)
        iam_client.put_role_policy(RoleName="w-bounded", PolicyName="logs", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}))
        self.assertDenied(lambda: iam_client.create_role(RoleName="w-free", AssumeRolePolicyDocument=self.ecs_trust),
                          "iam:CreateRole", "role/w-free")
        self.assertDenied(lambda: iam_client.create_role(
            RoleName="w-other", AssumeRolePolicyDocument=self.ecs_trust,
            PermissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/other"), "iam:CreateRole")
        self.assertDenied(lambda: iam_client.put_role_policy(RoleName="w-unbounded", PolicyName="admin", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
            "iam:PutRolePolicy", "role/w-unbounded")

    def test_action_not_allowed_fails(self):
        self.assertDenied(lambda: self.client("ecr").delete_repository(repositoryName="mine"), "ecr:DeleteRepository")
        self.assertDenied(lambda: self.client("ecs").list_clusters(), "ecs:ListClusters")

    def test_route53_with_a_role_is_authorized_not_a_signature_error(self):
        # A REST call without a body (moto signed its parsed headers as the payload).
        from botocore.exceptions import ClientError

        self.assertEqual(self.client("route53").list_hosted_zones()["HostedZones"], [])
        with self.assertRaises(ClientError) as caught:
            self.client("route53").get_hosted_zone(Id="Z0000000000")
        self.assertNotIn("SignatureDoesNotMatch", str(caught.exception.response))

    def test_query_protocol_calls_are_checked_on_their_form_body(self):
        # EC2 and IAM send their parameters as a form body: a refusal, not a signature error.
        self.assertDenied(lambda: self.client("ec2").create_vpc(CidrBlock="10.9.0.0/16"), "ec2:CreateVpc")
        self.assertDenied(lambda: self.client("iam").put_role_policy(RoleName="deploy", PolicyName="x", PolicyDocument="{}"),
                          "iam:PutRolePolicy")

    def test_workspace_listing_is_access_denied_not_a_signature_error(self):
        s3 = self.client("s3")
        self.assertEqual(s3.list_objects_v2(Bucket="state-bucket", Prefix="service/dev.tfstate")["KeyCount"], 0)
        self.assertDenied(lambda: s3.list_objects_v2(Bucket="state-bucket", Prefix="env:/"))

    def test_lambda_deploy_of_its_function_only(self):
        lam = self.client("lambda")
        # GETs without a body (moto signed them over their query or headers) and the
        # qualified ARN of a version (GetFunctionConfiguration --qualifier) pass.
        self.assertEqual(lam.get_alias(FunctionName="mine", Name="live")["FunctionVersion"], "1")
        self.assertEqual(lam.get_function_configuration(FunctionName="mine", Qualifier="1")["Version"], "1")
        lam.update_function_code(FunctionName="mine", ZipFile=self.zip)
        version = lam.publish_version(FunctionName="mine")["Version"]
        self.assertEqual(lam.update_alias(FunctionName="mine", Name="live", FunctionVersion=version)["FunctionVersion"], version)
        # The same calls on another function: AccessDeniedException, as Lambda answers (JSON, 403).
        for call, action in ((lambda: lam.get_alias(FunctionName="other", Name="live"), "lambda:GetAlias"),
                             (lambda: lam.update_function_code(FunctionName="other", ZipFile=self.zip), "lambda:UpdateFunctionCode"),
                             (lambda: lam.update_alias(FunctionName="other", Name="live", FunctionVersion="1"), "lambda:UpdateAlias"),
                             (lambda: lam.get_function_configuration(FunctionName="other", Qualifier="1"), "function:other:1")):
            with self.subTest(action=action):
                self.assertDenied(call, action)
        # An action the role lacks, on its own function.
        self.assertDenied(lambda: lam.delete_function(FunctionName="mine"), "lambda:DeleteFunction")

    def test_web_identity_refuses_another_subject(self):
        from botocore.exceptions import ClientError

        from tests.lib import aws_iam

        with self.assertRaises(ClientError) as caught:
            aws_iam.assume_web_identity(self.endpoint, REGION, self.role, "repo:o/r:environment:prod")
        self.assertEqual(caught.exception.response["Error"]["Code"], "AccessDenied")
        # The right subject still works with enforcement on (unsigned, as on AWS).
        self.assertIn("AWS_SESSION_TOKEN", aws_iam.assume_web_identity(self.endpoint, REGION, self.role, "repo:o/r:environment:dev"))


if __name__ == "__main__":
    from tests.lib import runner

    sys.exit(runner.main(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]), sys.argv[1:]))
