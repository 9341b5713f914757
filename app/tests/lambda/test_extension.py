"""Lambda's shutdown: SIGTERM only when an extension is registered, else
SIGKILL. The runtime registers a no-op internal extension (lambda_extension.hpp)
so that the last partial minute of EMF metrics and the buffered log lines are
written before the environment goes; the fake (fake_runtime.py) ends the
process as Lambda does (FakeRuntime.shutdown)."""
import signal
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
