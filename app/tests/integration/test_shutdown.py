"""Graceful drain on SIGTERM/SIGINT: readiness 503 at once, listener
closed, in-flight requests finished with Connection: close, idle
connections closed, exit 0 within DRAIN_TIMEOUT; a second signal is fatal."""
import signal
import time

from harness import Conn, ServerTest

PARTIAL = b"GET /readyz HTTP/1.1\r\nHost: t\r\n"


class ShutdownTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = None  # every test starts its own server

    def drain_started(self, srv, sig=signal.SIGTERM):
        srv.signal(sig)
        line = srv.wait_log(lambda o: o.get("event") == "drain_started", timeout=3)
        self.assertIsNotNone(line, "no drain_started log line:\n" + srv.stdout_text())
        return line

    def open_with_partial_request(self, srv, partial=PARTIAL):
        c = Conn(srv.port)
        self.addCleanup(c.close)
        self.assertEqual(c.roundtrip("GET", "/").status, 200)  # keep-alive, used
        c.send(partial)
        time.sleep(0.15)  # let the server read the first half
        return c

    def assertRefused(self, port):
        deadline = time.monotonic() + 1
        while True:
            try:
                Conn(port, timeout=0.5).close()
            except ConnectionRefusedError:
                return
            except ConnectionResetError:
                pass  # a handshake the closing listener still held: it is reset, ask again
            if time.monotonic() > deadline:
                self.fail("new connections still accepted during the drain")
            time.sleep(0.02)

    def assertCleanExit(self, srv, within, forced=False):
        start = time.monotonic()
        rc = srv.wait_exit(within)
        self.assertIsNotNone(rc, f"server still running {within}s after the signal")
        self.assertEqual(rc, 0, srv.stderr_text()[-2000:])
        finished = srv.events("drain_finished")
        self.assertEqual(len(finished), 1, srv.stdout_text())
        self.assertEqual(finished[0]["forced"], forced)
        self.assertIsInstance(finished[0]["duration_ms"], (int, float))
        self.assertEqual(srv.events("stopped")[0]["exit_code"], 0)
        return time.monotonic() - start

    def test_readyz_503_on_existing_connection_then_exit_0(self):
        srv = self.start({"DRAIN_TIMEOUT": "3s"})
        c = self.open_with_partial_request(srv)
        line = self.drain_started(srv)
        self.assertEqual(line["timeout_ms"], 3000)
        self.assertIn("in_flight", line)
        self.assertTrue("TERM" in str(line["signal"]).upper() or line["signal"] == 15, line)
        self.assertRefused(srv.port)
        c.send(b"\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json(), {"status": "draining"})
        self.assertEqual((r.header("Connection") or "").lower(), "close", r)
        self.assertTrue(c.wait_closed(2))
        self.assertCleanExit(srv, 3 + 2)

    def test_in_flight_request_completes(self):
        srv = self.start({"DRAIN_TIMEOUT": "3s"})
        c = self.open_with_partial_request(srv, b"GET / HTTP/1.1\r\nHost: t\r\n")
        self.drain_started(srv)
        time.sleep(0.2)
        c.send(b"\r\n")
        r = c.read_response()
        self.assertEqual((r.status, r.body), (200, b"Hello, World!"))
        self.assertEqual((r.header("Connection") or "").lower(), "close", r)
        self.assertTrue(c.wait_closed(2))
        self.assertCleanExit(srv, 3 + 2)

    def test_idle_connections_closed_and_fast_exit(self):
        srv = self.start({"DRAIN_TIMEOUT": "10s"})
        c = Conn(srv.port)
        self.addCleanup(c.close)
        self.assertEqual(c.roundtrip("GET", "/").status, 200)
        self.drain_started(srv)
        self.assertTrue(c.wait_closed(2), "idle keep-alive connection not closed by the drain")
        took = self.assertCleanExit(srv, 3)
        self.assertLess(took, 3)

    def test_drain_timeout_cuts_stuck_connection(self):
        srv = self.start({"DRAIN_TIMEOUT": "500ms", "REQUEST_TIMEOUT": "10s"})
        c = self.open_with_partial_request(srv)  # never completed
        start = time.monotonic()
        self.drain_started(srv)
        self.assertCleanExit(srv, 4, forced=True)
        self.assertGreaterEqual(time.monotonic() - start, 0.4, "exited before the drain timeout")
        try:
            closed = c.wait_closed(1)
        except AssertionError:
            closed = True  # a 503/408 before the cut is acceptable too
        self.assertTrue(closed)

    def test_sigint_drains_too(self):
        srv = self.start({"DRAIN_TIMEOUT": "3s"})
        line = self.drain_started(srv, signal.SIGINT)
        self.assertTrue("INT" in str(line["signal"]).upper() or line["signal"] == 2, line)
        self.assertCleanExit(srv, 3)

    def test_second_signal_exits_at_once(self):
        srv = self.start({"DRAIN_TIMEOUT": "20s", "REQUEST_TIMEOUT": "20s"})
        self.open_with_partial_request(srv)
        self.drain_started(srv)
        srv.signal(signal.SIGTERM)
        self.assertIsNotNone(srv.wait_exit(1.5), "second signal did not end the process")
