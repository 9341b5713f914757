"""HTTP/1.1 behaviour on the wire: keep-alive, pipelining, HTTP/1.0,
malformed requests and limits (answered, then closed), request smuggling."""
import select
import socket
import threading
import time

from harness import Conn, ServerTest, build_request


def req(method, target, extra=b""):
    return method.encode() + b" " + target.encode() + b" HTTP/1.1\r\nHost: t\r\n" + extra + b"\r\n"


class ConnectionTest(ServerTest):
    def test_keep_alive_several_requests_one_socket(self):
        with self.server.conn() as c:
            for path in ["/", "/healthz", "/nope", "/readyz", "/version", "/"]:
                r = c.roundtrip("GET", path)
                self.assertIn(r.status, (200, 404))
                self.assertNotEqual((r.header("Connection") or "").lower(), "close", r)

    def test_pipelined_requests_answered_in_order(self):
        paths = ["/", "/healthz", "/nope", "/version", "/readyz"]
        batch = b"".join(req("GET", p, b"X-Request-Id: pipe-%d\r\n" % i)
                         for i, p in enumerate(paths))
        batch += req("HEAD", "/", b"X-Request-Id: pipe-head\r\n")
        with self.server.conn() as c:
            c.send(batch)  # one write
            for i, p in enumerate(paths):
                r = c.read_response()
                self.assertEqual(r.header("X-Request-Id"), f"pipe-{i}")
                self.assertEqual(r.status, 404 if p == "/nope" else 200)
            h = c.read_response(head=True)
            self.assertEqual(h.header("X-Request-Id"), "pipe-head")
            # Nothing else may follow: the connection is idle and open.
            self.assertFalse(c.wait_closed(0.2))

    def test_deep_pipeline_beyond_queue_limit(self):
        n = 100  # well above the 16-response queue: reading must pause, not drop
        batch = b"".join(req("GET", "/healthz", b"X-Request-Id: d%d\r\n" % i) for i in range(n))
        with self.server.conn(timeout=10) as c:
            c.send(batch)
            for i in range(n):
                r = c.read_response()
                self.assertEqual((r.status, r.header("X-Request-Id")), (200, f"d{i}"))

    def test_pipelining_backpressure(self):
        # A client that pipelines without reading must stall: the server
        # queues at most 16 responses, then stops reading. If it kept
        # reading (buffering without bound), sends would never stall.
        s = socket.socket()
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", self.port))
        s.setblocking(False)
        chunk = req("GET", "/healthz") * 1000
        start = last = time.monotonic()
        sent = 0
        while time.monotonic() - last < 0.5:
            if time.monotonic() - start > 8:
                self.fail(f"server read {sent} bytes of pipelined requests "
                          "from a client that reads no responses")
            try:
                sent += s.send(chunk)
                last = time.monotonic()
            except BlockingIOError:
                select.select([], [s], [], 0.05)
        s.setblocking(True)
        s.settimeout(5)
        c = Conn.__new__(Conn)
        c.sock, c.buf = s, b""
        for _ in range(50):  # still serving, in order
            self.assertEqual(c.read_response().status, 200)

    def test_request_bodies_consumed_not_parsed_as_requests(self):
        # A body that looks like a request must stay a body (no smuggling):
        # exactly one response per real request, in order.
        hidden = b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
        chunked = b"%x\r\n" % len(hidden) + hidden + b"\r\n0\r\n\r\n"
        with self.server.conn() as c:
            c.send(req("GET", "/", b"Content-Length: %d\r\n" % len(hidden)) + hidden
                   + req("POST", "/healthz", b"Transfer-Encoding: chunked\r\n") + chunked
                   + req("GET", "/readyz"))
            self.assertEqual(c.read_response().body, b"Hello, World!")
            self.assertEqual(c.read_response().status, 405)
            self.assertEqual(c.read_response().json(), {"status": "ready"})
            self.assertFalse(c.wait_closed(0.2))

    def test_connection_close_is_honoured(self):
        with self.server.conn() as c:
            r = c.roundtrip("GET", "/", {"Connection": "close"})
            self.assertEqual(r.status, 200)
            self.assertEqual((r.header("Connection") or "").lower(), "close")
            self.assertTrue(c.wait_closed(2))

    def test_http10_closes_by_default(self):
        with self.server.conn() as c:
            r = c.roundtrip("GET", "/", version="HTTP/1.0")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.body, b"Hello, World!")
            self.assertTrue(c.wait_closed(2), "HTTP/1.0 without keep-alive must close")

    def test_http10_keep_alive_when_asked(self):
        with self.server.conn() as c:
            r1 = c.roundtrip("GET", "/", {"Connection": "keep-alive"}, version="HTTP/1.0")
            r2 = c.roundtrip("GET", "/healthz", {"Connection": "keep-alive"}, version="HTTP/1.0")
            self.assertEqual((r1.status, r2.status), (200, 200))

    def test_concurrent_clients(self):
        errors = []

        def worker(k):
            try:
                with self.server.conn(timeout=10) as c:
                    for i in range(30):
                        r = c.roundtrip("GET", "/" if i % 2 else "/healthz",
                                        {"X-Request-Id": f"w{k}-{i}"})
                        if r.status != 200 or r.header("X-Request-Id") != f"w{k}-{i}":
                            errors.append(r)
            except Exception as e:  # noqa: BLE001 - collected and reported below
                errors.append(e)
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])


class MalformedTest(ServerTest):
    def assertRejected(self, raw, status, code):
        with self.server.conn() as c:
            c.send(raw)
            r = c.read_response()
            self.assertEqual(r.status, status, r)
            self.assertEqual((r.header("Connection") or "").lower(), "close", r)
            self.assertTrue((r.header("Content-Type") or "").startswith("application/json"), r)
            body = r.json()
            self.assertEqual(body["error"], code)
            self.assertTrue(body["message"])
            self.assertEqual(body["request_id"], r.header("X-Request-Id"))
            self.assertTrue(c.wait_closed(2), "connection must be closed after the error")

    def test_bad_start_line(self):
        self.assertRejected(b"GARBAGE\r\n\r\n", 400, "bad_request")

    def test_bad_version(self):
        self.assertRejected(b"GET / FOO/1.1\r\nHost: t\r\n\r\n", 400, "bad_request")

    def test_bad_header_line(self):
        self.assertRejected(b"GET / HTTP/1.1\r\nHost: t\r\nNoColonHere\r\n\r\n", 400, "bad_request")

    def test_bad_content_length(self):
        self.assertRejected(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n",
                            400, "bad_request")

    def test_bad_chunk(self):
        self.assertRejected(b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                            b"zz\r\nhello\r\n0\r\n\r\n", 400, "bad_request")

    def test_control_byte_in_target(self):
        self.assertRejected(b"GET /a\x01b HTTP/1.1\r\nHost: t\r\n\r\n", 400, "bad_request")

    def test_content_length_with_transfer_encoding(self):
        body = b"5\r\nhello\r\n0\r\n\r\n"
        self.assertRejected(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n" + body, 400, "bad_request")

    def test_content_length_with_transfer_encoding_on_get(self):
        self.assertRejected(b"GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                            b"Content-Length: 0\r\n\r\n0\r\n\r\n", 400, "bad_request")

    def test_earlier_pipelined_request_still_answered(self):
        # A good request followed by garbage in one write: the first is
        # answered normally, then the 400, then the close.
        with self.server.conn() as c:
            c.send(req("GET", "/") + b"BAD REQUEST LINE\r\n\r\n")
            self.assertEqual(c.read_response().status, 200)
            r = c.read_response()
            self.assertEqual(r.status, 400)
            self.assertTrue(c.wait_closed(2))


class LimitsTest(ServerTest):
    ENV = {"MAX_HEADER_BYTES": "1024", "MAX_BODY_BYTES": "16"}

    def assertLimit(self, raw, status, code):
        with self.server.conn() as c:
            try:
                c.send(raw)
            except OSError:
                pass  # the server may stop reading once it has answered
            r = c.read_response()
            self.assertEqual(r.status, status, r)
            self.assertEqual(r.json()["error"], code)
            self.assertEqual((r.header("Connection") or "").lower(), "close", r)
            self.assertTrue(c.wait_closed(2))

    def test_header_over_limit_431(self):
        raw = build_request("GET", "/", {"X-Big": "a" * 2000})
        self.assertLimit(raw, 431, "header_fields_too_large")

    def test_many_headers_over_limit_431(self):
        raw = build_request("GET", "/", [(f"X-H{i}", "v" * 40) for i in range(40)])
        self.assertLimit(raw, 431, "header_fields_too_large")

    def test_huge_header_still_gets_431(self):
        # Far more than the server reads before answering: closing with
        # unread bytes must not reset the connection before the 431 arrives.
        raw = build_request("GET", "/", {"X-Big": "a" * 65536})
        self.assertLimit(raw, 431, "header_fields_too_large")

    def test_huge_body_still_gets_413(self):
        self.assertLimit(build_request("POST", "/", body=b"x" * 300000), 413, "payload_too_large")

    def test_header_under_limit_ok(self):
        with self.server.conn() as c:
            r = c.roundtrip("GET", "/", {"X-Small": "a" * 500})
            self.assertEqual(r.status, 200)

    def test_body_over_limit_413(self):
        raw = build_request("POST", "/", body=b"x" * 100)
        self.assertLimit(raw, 413, "payload_too_large")

    def test_chunked_body_over_limit_413(self):
        raw = (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"40\r\n" + b"y" * 64 + b"\r\n0\r\n\r\n")
        self.assertLimit(raw, 413, "payload_too_large")

    def test_body_at_limit_is_not_413(self):
        with self.server.conn() as c:
            r = c.roundtrip("POST", "/", body=b"x" * 16)
            self.assertEqual(r.status, 405)  # read fully, then routed
            r = c.roundtrip("GET", "/")     # and the connection stays usable
            self.assertEqual(r.status, 200)


class MaxConnectionsTest(ServerTest):
    ENV = {"MAX_CONNECTIONS": "2"}

    def test_connections_beyond_limit_not_served(self):
        a, b = self.server.conn(), self.server.conn()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        self.assertEqual(a.roundtrip("GET", "/").status, 200)
        self.assertEqual(b.roundtrip("GET", "/").status, 200)
        # A third connection is either left in the backlog, closed, or told
        # 503; it must not be served while two are open.
        c = Conn(self.port, timeout=0.5)
        self.addCleanup(c.close)
        try:
            c.request("GET", "/")
            r = c.read_response()
            self.assertEqual(r.status, 503, f"third connection was served: {r!r}")
        except (TimeoutError, ConnectionError, OSError):
            pass
        c.close()
        a.close()
        # With a slot free again (once the server has seen the close), a
        # new connection is served.
        deadline, status = time.monotonic() + 3, None
        while status != 200 and time.monotonic() < deadline:
            with Conn(self.port, timeout=3) as d:
                try:
                    status = d.roundtrip("GET", "/").status
                except (ConnectionError, OSError):
                    status = None
            time.sleep(0.05)
        self.assertEqual(status, 200, "no connection served after a slot was freed")


    def served_conn(self, within=2.0):
        """A connection that got a 200 (retried while the server has yet to
        see the close of another test's connections)."""
        deadline = time.monotonic() + within
        while True:
            c = Conn(self.port, timeout=3)
            try:
                if c.roundtrip("GET", "/").status == 200:
                    return c
            except (ConnectionError, OSError):
                pass
            c.close()
            if time.monotonic() > deadline:
                self.fail("no connection served")
            time.sleep(0.02)

    def test_rejected_connection_stops_counting_at_once(self):
        # A rejected connection lingers while its 503 is read (up to 2 s);
        # it must not hold one of the MAX_CONNECTIONS slots meanwhile.
        a = self.served_conn()
        self.addCleanup(a.close)
        b = self.served_conn()
        self.addCleanup(b.close)
        rejected = Conn(self.port)
        self.addCleanup(rejected.close)
        self.assertEqual(rejected.read_response().status, 503)  # left open by the client
        b.close()
        # Served within the rejected connection's 2 s linger.
        self.served_conn(within=1.5).close()


class SingleThreadTest(ServerTest):
    ENV = {"THREADS": "1"}

    def test_threads_1_serves_concurrent_clients(self):
        self.assertEqual(self.server.events("starting")[0]["threads"], 1)
        errors = []

        def worker():
            try:
                with self.server.conn(timeout=10) as c:
                    c.send(req("GET", "/") * 20)
                    for _ in range(20):
                        if c.read_response().body != b"Hello, World!":
                            errors.append("bad body")
            except Exception as e:  # noqa: BLE001
                errors.append(e)
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
