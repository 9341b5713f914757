"""Strict HTTP/1.1 framing (RFC 9112 / RFC 9110): each hostile or unusual
shape answered as the RFCs say, on the wire."""
import time

from harness import ServerTest

LIMIT = 1024  # MAX_HEADER_BYTES for this suite


class FramingTest(ServerTest):
    ENV = {"MAX_HEADER_BYTES": str(LIMIT), "MAX_BODY_BYTES": "16"}

    def assertClosedWith(self, raw, status, code=None):
        with self.server.conn() as c:
            c.send(raw)
            r = c.read_response()
            self.assertEqual(r.status, status, r)
            self.assertEqual((r.header("Connection") or "").lower(), "close", r)
            if code:
                self.assertEqual(r.json()["error"], code)
            self.assertTrue(c.wait_closed(3), "not closed after the error")

    def test_obs_fold_400_and_close(self):
        self.assertClosedWith(b"GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n 2\r\n\r\n", 400, "bad_request")

    def test_obs_fold_inside_transfer_encoding_400(self):
        # Folded "chunked" must not be honoured as a coding.
        self.assertClosedWith(b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n"
                              b"0\r\n\r\n", 400)

    def test_http10_with_transfer_encoding_400_and_close(self):
        self.assertClosedWith(b"POST / HTTP/1.0\r\nConnection: keep-alive\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)

    def test_trailer_fields_never_touch_head_state(self):
        with self.server.conn() as c:
            c.send(b"POST / HTTP/1.1\r\nHost: t\r\nX-Request-Id: head-id\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"0\r\nX-Request-Id: trailer-id\r\nX-Forwarded-For: 9.9.9.9\r\nConnection: close\r\n\r\n")
            r = c.read_response()
            self.assertEqual((r.status, r.header("X-Request-Id")), (405, "head-id"))
            self.assertIsNone(r.header("Connection"), r)
            self.assertEqual(c.roundtrip("GET", "/").status, 200)  # still open
        line = self.server.wait_log(lambda o: o.get("request_id") == "head-id")
        self.assertIsNotNone(line)
        self.assertNotEqual(line["client"], "9.9.9.9")

    def test_header_limit_is_exact(self):
        def head(size):
            base = b"GET / HTTP/1.1\r\nHost: t\r\nX-Pad: \r\n\r\n"
            return base.replace(b"X-Pad: ", b"X-Pad: " + b"p" * (size - len(base)))
        with self.server.conn() as c:
            c.send(head(LIMIT))
            self.assertEqual(c.read_response().status, 200)
        self.assertClosedWith(head(LIMIT + 1), 431, "header_fields_too_large")

    def test_missing_host_400(self):
        self.assertClosedWith(b"GET / HTTP/1.1\r\n\r\n", 400)

    def test_duplicated_host_400(self):
        self.assertClosedWith(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)

    def test_http10_without_host_served(self):
        with self.server.conn() as c:
            c.send(b"GET / HTTP/1.0\r\n\r\n")
            self.assertEqual(c.read_response().status, 200)

    def test_absolute_form_routed_by_path(self):
        with self.server.conn() as c:
            c.send(b"GET http://example.com/healthz?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
            r = c.read_response()
            self.assertEqual((r.status, r.json()), (200, {"status": "ok"}))

    def test_leading_empty_lines_ignored(self):
        with self.server.conn() as c:
            c.send(b"\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n")
            self.assertEqual(c.read_response().status, 200)
            c.send(b"\r\n")  # and between requests, sent apart
            time.sleep(0.05)
            c.send(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            self.assertEqual(c.read_response().status, 200)

    def test_over_long_target_414(self):
        self.assertClosedWith(b"GET /" + b"a" * (2 * LIMIT) + b" HTTP/1.1\r\nHost: t\r\n\r\n",
                              414, "uri_too_long")

    def test_unknown_transfer_coding_501(self):
        self.assertClosedWith(b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                              b"0\r\n\r\n", 501, "not_implemented")

    def test_expect_continue_answered_at_once_then_final(self):
        with self.server.conn() as c:
            c.send(b"GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            interim = c.read_response()  # before any body byte is sent
            self.assertEqual(interim.status, 100)
            c.send(b"hello")
            r = c.read_response()
            self.assertEqual((r.status, r.body), (200, b"Hello, World!"))

    def test_expect_continue_gets_final_status_when_head_decides(self):
        for raw, status in ((b"POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", 405),
                            (b"GET /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", 404),
                            (b"GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 99\r\n\r\n", 413)):
            with self.subTest(status=status):
                self.assertClosedWith(raw, status)
