"""The Runtime API contract around the responses: malformed events, the
deadline, init errors, an unreachable API, and SIGTERM."""
import signal
import socket
import time
import unittest

from lambda_harness import FakeRuntime, harness, http_event, start_lambda


class LambdaTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeRuntime()
        self.addCleanup(self.fake.close)

    def start(self, env=None, fake=None):
        srv = start_lambda(fake or self.fake, env)
        self.addCleanup(srv.kill)
        return srv

    def assertServes(self, srv):
        res = self.fake.invoke(http_event("GET", "/healthz"))
        self.assertEqual((res.kind, res.json()["statusCode"]), ("response", 200), srv.stderr_text())


class MalformedEvents(LambdaTest):
    def assertInvalidEvent(self, srv, event, words):
        res = self.fake.invoke(event)
        self.assertEqual(res.kind, "error", res)
        body = res.json()
        self.assertEqual(body["errorType"], "Runtime.InvalidEvent")
        self.assertEqual(res.headers.get("lambda-runtime-function-error-type"), "Runtime.InvalidEvent")
        self.assertIn(words, body["errorMessage"])
        self.assertServes(srv)  # and goes on serving

    def test_not_json(self):
        srv = self.start()
        self.assertInvalidEvent(srv, b"this is not json {", "not JSON")
        self.assertInvalidEvent(srv, b"[1, 2]", "not a JSON object")
        self.assertInvalidEvent(srv, b"", "not JSON")

    def test_missing_or_wrong_fields(self):
        srv = self.start()
        self.assertInvalidEvent(srv, {"rawPath": "/"}, "requestContext.http.method")
        self.assertInvalidEvent(srv, {"requestContext": {"http": {"method": "GET"}}}, "rawPath")
        self.assertInvalidEvent(srv, {"rawPath": ["/"], "requestContext": {"http": {"method": "GET"}}}, "rawPath")
        self.assertInvalidEvent(srv, {"Records": [{"eventSource": "aws:sqs"}]}, "not an HTTP event")
        line = srv.wait_log(lambda o: o.get("event") == "invalid_event")
        self.assertIsNotNone(line)
        self.assertEqual(line["level"], "warn")


class Deadline(LambdaTest):
    def test_invocation_past_its_deadline_is_not_handled(self):
        srv = self.start()
        past = int(time.time() * 1000) - 1
        res = self.fake.invoke(http_event("GET", "/"), deadline_ms=past)
        self.assertEqual(res.kind, "error")
        self.assertEqual(res.json()["errorType"], "Runtime.DeadlineExceeded")
        self.assertServes(srv)
        self.assertTrue(srv.wait_log(lambda o: o.get("event") == "deadline_exceeded"))
        # Only the one served request was logged as a request.
        self.assertTrue(srv.wait_log(lambda o: o.get("event") == "request"))
        self.assertEqual([o["path"] for o in srv.events("request")], ["/healthz"], srv.stdout_text())


class InitErrors(LambdaTest):
    def test_bad_configuration_goes_to_init_error(self):
        srv = self.start({"LOG_LEVEL": "loud"})
        got, res = self.fake.result(timeout=5)
        self.assertEqual((got, res.kind), ("init", "init_error"), res)
        body = res.json()
        self.assertIn("LOG_LEVEL", body["errorMessage"])
        self.assertEqual(body["errorType"], "Runtime.InvalidConfig")
        self.assertEqual(res.headers.get("lambda-runtime-function-error-type"), "Runtime.InvalidConfig")
        self.assertEqual(srv.wait_exit(5), 2)
        self.assertIn("LOG_LEVEL", srv.stderr_text())
        self.assertEqual(self.fake.next_calls, 0)

    def test_malformed_runtime_api_variable(self):
        for value in ("nonsense", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", "example.com:9001", ":9001"):
            with self.subTest(value=value):
                r = harness.run_cli([], env={"AWS_LAMBDA_RUNTIME_API": value})
                self.assertEqual(r.returncode, 2)
                self.assertIn("AWS_LAMBDA_RUNTIME_API", r.stderr)

    def test_unreachable_runtime_api_exits_1(self):
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        started = time.monotonic()
        r = harness.run_cli([], env={"AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}"})
        self.assertEqual(r.returncode, 1)
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("cannot connect to the Runtime API", r.stdout)


class Shutdown(LambdaTest):
    def wait_next(self):
        self.assertTrue(self.fake.waiting.wait(5), "the runtime never asked for an invocation")

    def test_sigterm_between_invocations(self):
        srv = self.start()
        rids = [self.fake.submit(http_event("GET", "/")) for _ in range(3)]
        for rid in rids:
            got, res = self.fake.result()
            self.assertEqual((got, res.kind), (rid, "response"))
        self.wait_next()
        srv.signal(signal.SIGTERM)
        self.assertEqual(srv.wait_exit(3), 0, srv.stderr_text())
        self.assertEqual(len(srv.events("request")), 3)  # every line flushed
        shutdown = srv.events("shutdown")
        self.assertEqual([o["message"] for o in shutdown], ["SIGTERM"])

    def test_sigterm_before_any_invocation(self):
        srv = self.start()
        self.wait_next()
        srv.signal(signal.SIGTERM)
        self.assertEqual(srv.wait_exit(3), 0, srv.stderr_text())

    def test_sigint_also_stops(self):
        srv = self.start()
        self.assertServes(srv)
        self.wait_next()
        srv.signal(signal.SIGINT)
        self.assertEqual(srv.wait_exit(3), 0, srv.stderr_text())


class KeepAlive(LambdaTest):
    def test_one_connection_kept_alive(self):
        srv = self.start()
        for _ in range(5):
            self.assertServes(srv)
        self.assertEqual(self.fake.runtime_connections, 1)
        # and one more, held by the shutdown extension's event/next (test_extension.py)
        self.assertEqual(self.fake.connections, 2)
