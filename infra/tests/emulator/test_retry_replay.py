"""Unit tests of retry_replay.py: a resent write gets its first answer, a
genuine second create still fails, a retry after a 5xx or a throttle runs
again (make test-emulator-iam)."""

import os
import sys
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import retry_replay  # noqa: E402

REGION = "us-east-1"


def request(invocation="inv-1", attempt=1, method="POST"):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/"}
    if invocation:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
        environ["HTTP_AMZ_SDK_REQUEST"] = f"attempt={attempt}; max=25"
    return environ


class CountingApp:
    """A WSGI app answering from a list of (status, body), counting calls."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), 0

    def __call__(self, environ, start_response):
        status, body = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        start_response(status, [("Content-Type", "text/xml")])
        return [body]


def call(middleware, environ):
    seen = {}
    body = b"".join(middleware(environ, lambda status, headers, exc=None: seen.update(status=status)))
    return seen["status"], body


class Middleware(unittest.TestCase):
    def setUp(self):
        self.lines = []

    def wrap(self, app):
        return retry_replay.RetryReplay(app, log=self.lines.append)

    def test_resend_after_an_answer_gets_that_answer_unexecuted(self):
        app = CountingApp(("200 OK", b"<created/>"), ("400 Bad Request", b"<AlreadyExists/>"))
        mw = self.wrap(app)
        self.assertEqual(call(mw, request(attempt=1)), ("200 OK", b"<created/>"))
        self.assertEqual(call(mw, request(attempt=2)), ("200 OK", b"<created/>"))
        self.assertEqual(app.calls, 1)
        self.assertEqual(mw.replayed, 1)
        self.assertIn("attempt 2 of invocation inv-1", self.lines[0])

    def test_the_log_names_a_query_protocol_action(self):
        import io

        mw = self.wrap(CountingApp(("200 OK", b"<created/>")))
        body = b"Action=CreateNetworkAclEntry&RuleNumber=200"
        form = {"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body))}
        call(mw, dict(request(attempt=1), **form, **{"wsgi.input": io.BytesIO(body)}))
        call(mw, dict(request(attempt=2), **form, **{"wsgi.input": io.BytesIO(body)}))
        self.assertIn("(CreateNetworkAclEntry)", self.lines[0])

    def test_another_invocation_runs(self):
        app = CountingApp(("200 OK", b"<created/>"), ("400 Bad Request", b"<AlreadyExists/>"))
        mw = self.wrap(app)
        call(mw, request("inv-1"))
        self.assertEqual(call(mw, request("inv-2")), ("400 Bad Request", b"<AlreadyExists/>"))
        self.assertEqual(app.calls, 2)

    def test_retry_after_a_5xx_or_a_throttle_runs_again(self):
        for first in (("503 Service Unavailable", b"<Error/>"), ("400 Bad Request", b"<Code>ThrottlingException</Code>")):
            with self.subTest(first=first[0]):
                app = CountingApp(first, ("200 OK", b"<done/>"))
                mw = self.wrap(app)
                call(mw, request(attempt=1))
                self.assertEqual(call(mw, request(attempt=2)), ("200 OK", b"<done/>"))
                self.assertEqual(app.calls, 2)

    def test_a_large_answer_is_not_kept(self):
        app = CountingApp(("200 OK", b"x" * (retry_replay.LARGEST + 1)), ("200 OK", b"again"))
        mw = self.wrap(app)
        call(mw, request(attempt=1))
        self.assertEqual(call(mw, request(attempt=2)), ("200 OK", b"again"))
        self.assertEqual(app.calls, 2)

    def test_reads_and_requests_without_sdk_headers_are_untouched(self):
        for environ in (request(method="GET"), request(invocation=None)):
            app = CountingApp(("200 OK", b"a"), ("200 OK", b"b"))
            mw = self.wrap(app)
            call(mw, environ)
            environ = dict(environ, HTTP_AMZ_SDK_REQUEST="attempt=2; max=25")
            self.assertEqual(call(mw, environ), ("200 OK", b"b"))
            self.assertEqual(app.calls, 2)
        self.assertEqual(self.lines, [])


class LauncherServer(unittest.TestCase):
    """moto with the launcher's patches: the failure the rehearsal met, end to end."""

    @classmethod
    def setUpClass(cls):
        import boto3
        from moto.server import ThreadedMotoServer

        import moto_launcher

        moto_launcher.install()
        cls.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        cls.server.start()
        host, port = cls.server.get_host_and_port()
        cls.ec2 = boto3.client("ec2", endpoint_url=f"http://{host}:{port}", region_name=REGION,
                               aws_access_key_id="test", aws_secret_access_key="test")
        vpc = cls.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        cls.acl = cls.ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def create_entry(self, invocation, attempt):
        """CreateNetworkAclEntry rule 200 as the SDK sends attempt N of one invocation."""

        def headers(request, **_):
            request.headers["amz-sdk-invocation-id"] = invocation
            request.headers["amz-sdk-request"] = f"attempt={attempt}; max=25"

        self.ec2.meta.events.register("before-send.ec2.CreateNetworkAclEntry", headers)
        try:
            self.ec2.create_network_acl_entry(NetworkAclId=self.acl, RuleNumber=200, Protocol="-1", RuleAction="allow",
                                              Egress=False, CidrBlock="10.0.0.0/16")
        finally:
            self.ec2.meta.events.unregister("before-send.ec2.CreateNetworkAclEntry", headers)

    def test_a_resent_create_is_answered_once_a_second_create_still_fails(self):
        from botocore.exceptions import ClientError

        invocation = str(uuid.uuid4())
        self.create_entry(invocation, 1)
        self.create_entry(invocation, 2)  # the resend of an answer lost on the way: answered, not run
        entries = self.ec2.describe_network_acls(NetworkAclIds=[self.acl])["NetworkAcls"][0]["Entries"]
        self.assertEqual([e["RuleNumber"] for e in entries if not e["Egress"]], [200])
        with self.assertRaises(ClientError) as caught:  # a genuine second create fails, as on AWS
            self.create_entry(str(uuid.uuid4()), 1)
        self.assertEqual(caught.exception.response["Error"]["Code"], "NetworkAclEntryAlreadyExists")


if __name__ == "__main__":
    from tests.lib import runner

    sys.exit(runner.main(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]), sys.argv[1:]))
