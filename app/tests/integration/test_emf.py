"""CloudWatch EMF lines on stdout: off unless METRICS_NAMESPACE is set; then
aggregated in process (never a line per request), flushed once per interval
(EMF_FLUSH_SECONDS, 60 in production) and once more after the drain, each
line valid against the EMF specification (tests/lib/emf.py), the counts
those of the requests sent."""
import collections
import time

from harness import ServerTest, get, run_cli
from tests.lib.emf import emf_problems

EMF_ENV = {"METRICS_NAMESPACE": "Hello/Test", "METRICS_SERVICE": "hello-test",
           "METRICS_ENVIRONMENT": "test"}


def emf_lines(srv):
    return [o for o in srv.logs() if "_aws" in o]


def service_lines(lines):
    return [o for o in lines if "Route" not in o]


def route_totals(lines):
    totals = collections.Counter()
    for o in lines:
        if "Route" in o:
            totals[(o["Route"], o["StatusClass"])] += o["Requests"]
    return totals


class EmfTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = None  # every test starts its own server

    def assertValidEmf(self, lines, started, ended):
        self.assertTrue(lines, "no EMF line")
        for o in lines:
            self.assertEqual(emf_problems(o), [], o)
            self.assertEqual(o["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Hello/Test")
            self.assertEqual((o["Service"], o["Environment"]), ("hello-test", "test"))
            self.assertEqual(o["event"], "metrics")
            ts = o["_aws"]["Timestamp"] / 1000
            self.assertTrue(started - 1 <= ts <= ended + 1, (started, ts, ended))

    def send(self, srv, path, times, status):
        for _ in range(times):
            self.assertEqual(get(srv.port, path).status, status)

    def test_counts_match_the_requests_sent_and_the_drain_flushes_the_rest(self):
        started = time.time()
        srv = self.start({**EMF_ENV, "EMF_FLUSH_SECONDS": "1"})
        self.send(srv, "/", 5, 200)
        self.send(srv, "/nope", 2, 404)
        self.send(srv, "/version", 1, 200)
        self.send(srv, "/healthz", 3, 200)  # a probe: per route only
        self.assertIsNotNone(srv.wait_log(lambda o: "_aws" in o and o.get("Requests", 0) > 0, timeout=3),
                             "no timer flush within 3 s of a 1 s interval:\n" + srv.stdout_text())
        self.send(srv, "/", 1, 200)  # after a timer flush: only the drain's flush can report it
        self.assertEqual(srv.stop(), 0)
        lines = emf_lines(srv)
        self.assertValidEmf(lines, started, time.time())

        services = service_lines(lines)
        self.assertEqual(sum(o["Requests"] for o in services), 9)
        self.assertEqual(sum(o["Requests4xx"] for o in services), 2)
        self.assertEqual(sum(o["Requests5xx"] for o in services), 0)
        self.assertEqual(sum(sum(o["Latency"]["Counts"]) for o in services if "Latency" in o), 9)
        self.assertEqual(route_totals(lines), {("/", "2xx"): 6, ("unmatched", "4xx"): 2,
                                               ("/version", "2xx"): 1, ("/healthz", "2xx"): 3})
        # The last EMF line comes from the drain, before the process says it stopped.
        events = [o.get("event") for o in srv.logs()]
        self.assertLess(len(events) - 1 - events[::-1].index("metrics"), events.index("stopped"))

    def test_aggregated_at_most_one_flush_per_interval_not_a_line_per_request(self):
        srv = self.start({**EMF_ENV, "EMF_FLUSH_SECONDS": "1"})
        started = time.monotonic()
        self.send(srv, "/", 200, 200)
        time.sleep(2.5)
        elapsed = time.monotonic() - started
        services = service_lines(emf_lines(srv))
        # A service line per elapsed second (the timer), however many requests.
        self.assertLessEqual(len(services), int(elapsed) + 1, services)
        self.assertGreaterEqual(len(services), 1)
        stamps = [o["_aws"]["Timestamp"] for o in services]
        for a, b in zip(stamps, stamps[1:]):
            self.assertGreaterEqual(b - a, 900, f"two flushes {b - a} ms apart")
        self.assertEqual(sum(o["Requests"] for o in services), 200)

    def test_default_interval_is_a_minute_and_shutdown_still_flushes(self):
        srv = self.start(EMF_ENV)
        self.send(srv, "/", 3, 200)
        time.sleep(1.5)
        self.assertEqual(emf_lines(srv), [], "flushed before the minute was up")
        self.assertEqual(srv.stop(), 0)
        lines = emf_lines(srv)
        self.assertEqual(len(service_lines(lines)), 1, lines)
        self.assertEqual(service_lines(lines)[0]["Requests"], 3)

    def test_off_without_a_namespace(self):
        srv = self.start({"EMF_FLUSH_SECONDS": "1"})
        self.send(srv, "/", 2, 200)
        time.sleep(1.5)
        self.assertEqual(srv.stop(), 0)
        self.assertEqual(emf_lines(srv), [])

    def test_bad_values_exit_2_naming_the_variable(self):
        for name, value in (("METRICS_NAMESPACE", "AWS/ECS"), ("METRICS_NAMESPACE", "caf\u00e9"),
                            ("METRICS_SERVICE", "two words"), ("METRICS_ENVIRONMENT", ""),
                            ("EMF_FLUSH_SECONDS", "0"), ("EMF_FLUSH_SECONDS", "61")):
            with self.subTest(name=name, value=value):
                r = run_cli([], env={**EMF_ENV, name: value})
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(name, r.stderr)
