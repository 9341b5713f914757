"""Lambda's shutdown: SIGTERM only when an extension is registered, else
SIGKILL. The runtime registers a no-op internal extension (lambda_extension.hpp)
so that the last partial minute of EMF metrics and the buffered log lines are
written before the environment goes; the fake (fake_runtime.py) ends the
process as Lambda does (FakeRuntime.shutdown)."""
import http.client
import json
import signal
import socket
import unittest
import uuid

from lambda_harness import FakeRuntime, http_event
from test_emf_lambda import EMF_ENV
from test_lifecycle import LambdaTest
from fake_runtime import SHUTDOWN_BUDGET_S


class Registration(LambdaTest):
    def test_registers_before_the_first_next_and_waits_in_event_next(self):
        srv = self.start()
        self.assertServes(srv)  # invocations flow only once the extension called event/next (Init done)
        self.assertEqual(len(self.fake.registrations), 1, self.fake.registrations)
        reg = self.fake.registrations[0]
        self.assertEqual(reg["name"], "server-graceful-shutdown")
        self.assertEqual(reg["events"], [])  # SHUTDOWN is not allowed for an internal extension
        self.assertLess(reg["at"], self.fake.first_next_at)  # registration closes at the first next
        ext_id, = self.fake.extensions
        uuid.UUID(ext_id)
        self.assertEqual(self.fake.extensions_ready, {ext_id})
        self.assertEqual(srv.events("extension_error"), [])

    def test_registration_refused_is_a_warning_and_the_function_serves(self):
        for status in (500, 403):
            with self.subTest(status=status):
                fake = FakeRuntime(register_status=status)
                self.addCleanup(fake.close)
                srv = self.start(fake=fake)
                res = fake.invoke(http_event("GET", "/"))
                self.assertEqual((res.kind, res.json()["statusCode"]), ("response", 200), srv.stderr_text())
                line = srv.wait_log(lambda o: o.get("event") == "extension_error")
                self.assertIsNotNone(line, srv.stdout_text())
                self.assertEqual(line["level"], "warn")
                self.assertIn(f"answered {status}", line["message"])
                self.assertIn("SIGKILL", line["message"])
                # Without an extension Lambda does not ask: SIGKILL.
                sig, rc, _ = fake.shutdown(srv)
                self.assertEqual((sig, rc), (signal.SIGKILL, -signal.SIGKILL))


class LambdaShutdown(LambdaTest):
    def test_last_partial_minute_of_metrics_written_at_shutdown(self):
        # The production interval: nothing is flushed before the shutdown.
        srv = self.start({**EMF_ENV, "EMF_FLUSH_SECONDS": "60"})
        for path in ("/", "/", "/nope"):
            self.fake.invoke(http_event("GET", path))
        self.assertTrue(self.fake.waiting.wait(5))
        self.assertEqual([o for o in srv.logs() if "_aws" in o], [], "a flush before the minute passed")
        sig, rc, took = self.fake.shutdown(srv)
        emf = [o for o in srv.logs() if "_aws" in o and "Route" not in o]
        self.assertEqual(len(emf), 1, f"the last minute's EMF line, after {sig!r} (exit {rc}): {srv.stdout_text()}")
        self.assertEqual(sig, signal.SIGTERM, "no extension registered: Lambda would SIGKILL")
        self.assertEqual(rc, 0, f"not out within the {SHUTDOWN_BUDGET_S}s budget: {srv.stderr_text()}")
        print(f"  SIGTERM to exit: {took * 1000:.1f} ms (budget {SHUTDOWN_BUDGET_S * 1000:.0f} ms)")
        self.assertEqual((emf[0]["Requests"], emf[0]["Requests4xx"]), (3, 1))
        self.assertEqual(len(srv.events("request")), 3)  # and every access line
        self.assertEqual([o["message"] for o in srv.events("shutdown")], ["SIGTERM"])


class FakeExtensionsApi(unittest.TestCase):
    """The fake's own checks, which a wrong registration would hit."""

    def setUp(self):
        self.fake = FakeRuntime()
        self.addCleanup(self.fake.close)

    def call(self, method, path, headers=None, body=None):
        host, port = self.fake.address.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        self.addCleanup(conn.close)
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        data = res.read()
        return res.status, (json.loads(data).get("errorType") if data else None), res

    def register(self, name="ext", body=b'{"events":[]}'):
        headers = {"Content-Type": "application/json"}
        if name is not None:
            headers["Lambda-Extension-Name"] = name
        return self.call("POST", "/2020-01-01/extension/register", headers, body)

    def test_register_checks_the_name_and_the_events(self):
        self.assertEqual(self.register(name=None)[:2], (403, "Extension.InvalidExtensionName"))
        self.assertEqual(self.register(body=b"not json")[:2], (403, "InvalidRequestFormat"))
        self.assertEqual(self.register(body=b'{"events":"INVOKE"}')[:2], (403, "InvalidRequestFormat"))
        self.assertEqual(self.register(body=b'{"events":["SHUTDOWN"]}')[:2], (403, "Extension.InvalidEventType"))
        status, _, res = self.register()
        self.assertEqual(status, 200)
        uuid.UUID(res.getheader("Lambda-Extension-Identifier"))
        self.assertEqual(self.register()[:2], (403, "Extension.InvalidExtensionState"))  # the name is taken

    def test_event_next_needs_a_registered_id(self):
        path = "/2020-01-01/extension/event/next"
        self.assertEqual(self.call("GET", path)[:2], (403, "Extension.MissingExtensionIdentifier"))
        self.assertEqual(self.call("GET", path, {"Lambda-Extension-Identifier": "x"})[:2],
                         (403, "Extension.InvalidExtensionIdentifier"))
        self.assertEqual(self.call("GET", path, {"Lambda-Extension-Identifier": str(uuid.uuid4())})[:2],
                         (403, "Extension.UnknownExtensionIdentifier"))

    def test_registration_closes_at_the_runtimes_first_next(self):
        host, port = self.fake.address.split(":")
        with socket.create_connection((host, int(port)), timeout=5) as runtime:
            runtime.sendall(b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertTrue(self.fake.waiting.wait(5))
            self.assertEqual(self.register()[:2], (403, "Extension.RegistrationClosed"))
