"""Trace correlation: each access log line carries the trace id its request
arrived with (the ALB's X-Amzn-Trace-Id, else a W3C traceparent), sanitised
as request ids are; no trace_id field when there is none."""
from harness import ServerTest, get

ALB = "Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=1"
W3C = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class TraceIdTest(ServerTest):
    def logged(self, rid, headers, path="/"):
        get(self.port, path, dict(headers, **{"X-Request-Id": rid}))
        line = self.server.wait_log(lambda o: o.get("event") == "request" and o.get("request_id") == rid)
        self.assertIsNotNone(line, f"no request line for {rid}:\n{self.server.stdout_text()}")
        return line

    def test_alb_trace_id_logged(self):
        self.assertEqual(self.logged("tr-alb", {"X-Amzn-Trace-Id": ALB})["trace_id"], ALB)

    def test_traceparent_logged_without_alb_header(self):
        self.assertEqual(self.logged("tr-w3c", {"traceparent": W3C})["trace_id"], W3C)

    def test_alb_header_wins_over_traceparent(self):
        line = self.logged("tr-both", [("traceparent", W3C), ("x-amzn-trace-id", ALB)])
        self.assertEqual(line["trace_id"], ALB)

    def test_no_trace_header_no_field(self):
        self.assertNotIn("trace_id", self.logged("tr-none", {}))

    def test_sanitised_and_bounded(self):
        line = self.logged("tr-evil", {"X-Amzn-Trace-Id": 'Root=1-a"}\t<b>\\' + "c" * 400})
        self.assertTrue(line["trace_id"].startswith("Root=1-abc"), line)
        self.assertEqual(len(line["trace_id"]), 256)
        self.assertNotRegex(line["trace_id"], r"[^A-Za-z0-9._:=;-]")

    def test_nothing_left_falls_back_to_traceparent(self):
        line = self.logged("tr-empty", {"X-Amzn-Trace-Id": "<>", "traceparent": W3C})
        self.assertEqual(line["trace_id"], W3C)

    def test_error_responses_carry_it(self):
        line = self.logged("tr-404", {"X-Amzn-Trace-Id": ALB}, path="/nope")
        self.assertEqual((line["status"], line["trace_id"]), (404, ALB))

    def test_trailer_fields_never_set_it(self):
        with self.server.conn() as c:
            c.send(b"POST / HTTP/1.1\r\nHost: t\r\nX-Request-Id: tr-trailer\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"0\r\ntraceparent: " + W3C.encode() + b"\r\nX-Amzn-Trace-Id: Root=1-x\r\n\r\n")
            self.assertEqual(c.read_response().status, 405)
        line = self.server.wait_log(lambda o: o.get("request_id") == "tr-trailer")
        self.assertIsNotNone(line)
        self.assertNotIn("trace_id", line)

    def test_not_carried_to_the_next_request(self):
        with self.server.conn() as c:
            c.roundtrip("GET", "/", {"X-Request-Id": "tr-ka-1", "X-Amzn-Trace-Id": ALB})
            c.roundtrip("GET", "/", {"X-Request-Id": "tr-ka-2"})
        line = self.server.wait_log(lambda o: o.get("request_id") == "tr-ka-2")
        self.assertIsNotNone(line)
        self.assertNotIn("trace_id", line)
