"""CloudWatch EMF in Lambda mode: aggregated across invocations, flushed at
most once per interval after an invocation (before the next is asked for,
so the line leaves before Lambda freezes the process) and at shutdown;
valid against the specification (tests/lib/emf.py)."""
import collections
import signal
import time

from lambda_harness import http_event
from test_lifecycle import LambdaTest
from tests.lib.emf import emf_problems

EMF_ENV = {"METRICS_NAMESPACE": "Hello/Lambda", "METRICS_SERVICE": "hello-fn", "METRICS_ENVIRONMENT": "test"}


class Emf(LambdaTest):
    def route_totals(self, srv):
        totals = collections.Counter()
        for o in srv.logs():
            if "_aws" in o:
                self.assertEqual(emf_problems(o), [], o)
                self.assertEqual((o["Service"], o["Environment"]), ("hello-fn", "test"))
                if "Route" in o:
                    totals[(o["Route"], o["StatusClass"])] += o["Requests"]
        return totals

    def test_counts_flushed_after_an_invocation_and_at_shutdown(self):
        srv = self.start({**EMF_ENV, "EMF_FLUSH_SECONDS": "1"})
        for path, status in (("/", 200), ("/", 200), ("/nope", 404)):
            self.assertEqual(self.fake.invoke(http_event("GET", path)).json()["statusCode"], status)
        self.assertEqual([o for o in srv.logs() if "_aws" in o], [], "a flush before the interval passed")
        time.sleep(1.1)
        self.fake.invoke(http_event("GET", "/version"))  # the interval passed: this invocation flushes
        self.assertIsNotNone(srv.wait_log(lambda o: "_aws" in o, timeout=2), srv.stdout_text())
        self.fake.invoke(http_event("GET", "/"))  # within the new interval: only the shutdown reports it
        self.assertTrue(self.fake.waiting.wait(5))
        srv.signal(signal.SIGTERM)
        self.assertEqual(srv.wait_exit(3), 0, srv.stderr_text())
        self.assertEqual(self.route_totals(srv), {("/", "2xx"): 3, ("unmatched", "4xx"): 1, ("/version", "2xx"): 1})

    def test_off_without_a_namespace(self):
        srv = self.start()
        self.assertServes(srv)
        self.assertTrue(self.fake.waiting.wait(5))
        srv.signal(signal.SIGTERM)
        self.assertEqual(srv.wait_exit(3), 0)
        self.assertEqual([o for o in srv.logs() if "_aws" in o], [])
