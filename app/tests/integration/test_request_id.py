"""X-Request-Id: echoed after sanitising, generated when absent/empty,
and the same id in the header, the access log line and error bodies."""
import re

from harness import ServerTest, get

HEX32 = re.compile(r"^[0-9a-f]{32}$")


class RequestIdTest(ServerTest):
    def rid(self, value, path="/"):
        headers = {} if value is None else {"X-Request-Id": value}
        return get(self.port, path, headers)

    def test_echoed_unchanged_when_clean(self):
        value = "Abc-123.xyz_9:ok"
        self.assertEqual(self.rid(value).header("X-Request-Id"), value)

    def test_sanitised(self):
        self.assertEqual(self.rid('ab c<script>"/d\\e;f').header("X-Request-Id"), "abcscriptdef")

    def test_cut_to_128(self):
        self.assertEqual(self.rid("a" * 300).header("X-Request-Id"), "a" * 128)

    def test_generated_when_absent(self):
        ids = {self.rid(None).header("X-Request-Id") for _ in range(5)}
        self.assertEqual(len(ids), 5, "generated ids must differ")
        for i in ids:
            self.assertRegex(i, HEX32)

    def test_generated_when_nothing_left(self):
        for value in ["<>!!", "   ", "€€"]:
            with self.subTest(value=value):
                r = get(self.port, "/", {"X-Request-Id": value.encode("utf-8")})
                self.assertRegex(r.header("X-Request-Id"), HEX32)

    def test_in_error_body_and_log_line(self):
        r = self.rid("trace-42", "/missing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["request_id"], "trace-42")
        line = self.server.wait_log(lambda o: o.get("event") == "request"
                                    and o.get("request_id") == "trace-42")
        self.assertIsNotNone(line, "no request log line with the request id")
        self.assertEqual(line["status"], 404)

    def test_generated_id_in_log_line(self):
        r = self.rid(None, "/healthz")
        rid = r.header("X-Request-Id")
        line = self.server.wait_log(lambda o: o.get("event") == "request"
                                    and o.get("request_id") == rid)
        self.assertIsNotNone(line, f"generated id {rid} not in the access log")
