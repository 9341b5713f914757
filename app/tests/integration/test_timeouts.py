"""Idle keep-alive connections and slow clients are cut off (short
timeouts set by configuration so the suite stays fast)."""
import select
import time

from harness import ServerTest


class IdleTimeoutTest(ServerTest):
    ENV = {"IDLE_TIMEOUT": "300ms", "REQUEST_TIMEOUT": "5s"}

    def test_idle_keep_alive_closed_silently(self):
        with self.server.conn() as c:
            self.assertEqual(c.roundtrip("GET", "/").status, 200)
            self.assertFalse(c.wait_closed(0.1), "closed before the idle timeout")
            start = time.monotonic()
            self.assertTrue(c.wait_closed(3), "idle keep-alive connection not closed")
            self.assertLess(time.monotonic() - start, 3)

    def test_connection_without_request_closed_silently(self):
        # Whichever timer guards a fresh connection, nothing had started:
        # it is closed without a response.
        srv = self.start({"IDLE_TIMEOUT": "300ms", "REQUEST_TIMEOUT": "300ms"})
        with srv.conn() as c:
            self.assertTrue(c.wait_closed(3), "silent connection not closed")

    def test_activity_resets_idle_timer(self):
        with self.server.conn() as c:
            for _ in range(6):  # 6 x 100 ms: twice the 300 ms idle timeout in total
                time.sleep(0.1)
                self.assertEqual(c.roundtrip("GET", "/healthz").status, 200)


class RequestTimeoutTest(ServerTest):
    ENV = {"REQUEST_TIMEOUT": "300ms", "IDLE_TIMEOUT": "5s"}

    def assert408(self, c, within):
        start = time.monotonic()
        c.sock.settimeout(within)
        r = c.read_response()
        self.assertEqual(r.status, 408, r)
        self.assertEqual(r.json()["error"], "request_timeout")
        self.assertEqual((r.header("Connection") or "").lower(), "close", r)
        self.assertTrue(c.wait_closed(2))
        self.assertLess(time.monotonic() - start, within)

    def test_half_request_gets_408_then_close(self):
        with self.server.conn() as c:
            c.send(b"GET / HTTP/1.1\r\nHost: t\r\n")
            self.assert408(c, 3)

    def test_trickling_client_cut_by_deadline_not_per_read(self):
        # One header byte every 50 ms: a per-read timeout would never fire;
        # the request deadline must.
        with self.server.conn() as c:
            c.send(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            start = time.monotonic()
            while time.monotonic() - start < 2.5:
                if select.select([c.sock], [], [], 0.05)[0]:
                    break  # the server answered
                c.send(b"a")
            self.assertLess(time.monotonic() - start, 2.5, "slow client never cut off")
            r = c.read_response()
            self.assertEqual(r.status, 408, r)

    def test_new_connection_gets_request_timeout_not_idle_timeout(self):
        # nginx's client_header_timeout: a connection that never sends its
        # first request holds a slot for REQUEST_TIMEOUT (300 ms), not the
        # 5 s IDLE_TIMEOUT; nothing started, so it is closed without a 408.
        with self.server.conn() as c:
            start = time.monotonic()
            self.assertTrue(c.wait_closed(3), "silent new connection not closed")
            self.assertLess(time.monotonic() - start, 1.5)

    def test_idle_between_requests_uses_idle_timeout(self):
        # Waiting longer than REQUEST_TIMEOUT between requests is idle time,
        # which is allowed up to IDLE_TIMEOUT.
        with self.server.conn() as c:
            self.assertEqual(c.roundtrip("GET", "/").status, 200)
            self.assertFalse(c.wait_closed(0.8), "closed by the request deadline while idle")
            self.assertEqual(c.roundtrip("GET", "/").status, 200)
