"""Each event answered in Lambda mode exactly as the HTTP server answers the
same request: status, body, headers (less those Lambda sets itself), and the
same access log line with Lambda's request id."""
import base64
import json
import unittest

from lambda_harness import FakeRuntime, harness, http_event, start_lambda

# Headers both modes must agree on; Content-Length, Date and Connection are
# Lambda's to set, X-Request-Id is checked on its own.
COMPARED = ("Content-Type", "X-Content-Type-Options", "Cache-Control", "Allow")
MIB = 1024 * 1024


class LambdaMatchesHttp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeRuntime()
        cls.lam = start_lambda(cls.fake)
        cls.http = harness.Server()

    @classmethod
    def tearDownClass(cls):
        rc = cls.lam.stop()
        cls.http.stop()
        cls.fake.close()
        if rc != 0:
            raise AssertionError(f"Lambda mode exited {rc} on SIGTERM; stderr:\n{cls.lam.stderr_text()}")

    def tearDown(self):
        self.assertTrue(self.lam.alive(), f"Lambda mode died; stderr:\n{self.lam.stderr_text()}")

    def both(self, method, path, query="", headers=None, body=b"", base64_body=False):
        """(Lambda's response JSON, its request id, the HTTP response) for one request."""
        event = http_event(method, path, query, headers, body=(body if base64_body else body.decode()) or None,
                           base64_body=base64_body)
        rid = self.fake.submit(event)
        got, res = self.fake.result()
        self.assertEqual((got, res.kind), (rid, "response"), res)
        self.assertEqual(res.headers.get("content-type"), "application/json")
        target = path + ("?" + query if query else "")
        with harness.Conn(self.http.port) as c:
            http = c.roundtrip(method, target, headers, body)
        return res.json(), rid, http

    def assertSame(self, lam, http, head=False):
        self.assertEqual(lam["statusCode"], http.status)
        self.assertFalse(lam["isBase64Encoded"])
        body = base64.b64decode(lam["body"]) if lam["isBase64Encoded"] else lam["body"].encode()
        self.assertEqual(body, http.body)
        if head:
            self.assertEqual(body, b"")
        lam_headers = {k.lower(): v for k, v in lam["headers"].items()}
        for name in COMPARED:
            self.assertEqual(lam_headers.get(name.lower()), http.header(name), name)

    def assertSameError(self, lam, http):
        """Error bodies carry each side's request id: compare the rest."""
        self.assertEqual(lam["statusCode"], http.status)
        lam_body, http_body = json.loads(lam["body"]), http.json()
        lam_body.pop("request_id"), http_body.pop("request_id")
        self.assertEqual(lam_body, http_body)

    def test_ordinary_routes(self):
        for path in ("/", "/healthz", "/readyz", "/version"):
            with self.subTest(path=path):
                lam, rid, http = self.both("GET", path)
                self.assertEqual(lam["statusCode"], 200)
                self.assertSame(lam, http)
                self.assertEqual(lam["headers"]["X-Request-Id"], rid)  # none sent: Lambda's request id

    def test_same_header_list_with_the_security_defaults(self):
        # Both modes write response.hpp's visit_headers list: the same names, in the same order.
        for path in ("/", "/nope"):
            with self.subTest(path=path):
                lam, _, http = self.both("GET", path, headers={"X-Request-Id": "h1"})
                http_list = [(k, v) for k, v in http.header_list if k not in ("Content-Length", "Date", "Connection")]
                self.assertEqual(list(lam["headers"].items()), http_list)
                self.assertEqual(lam["headers"]["X-Content-Type-Options"], "nosniff")
                self.assertEqual(lam["headers"]["Cache-Control"], "no-store")

    def test_head_has_no_body(self):
        for path in ("/", "/version"):
            with self.subTest(path=path):
                lam, _, http = self.both("HEAD", path)
                self.assertSame(lam, http, head=True)

    def test_not_found(self):
        lam, _, http = self.both("GET", "/nope", headers={"X-Request-Id": "same-id"})
        self.assertEqual(lam["statusCode"], 404)
        self.assertSame(lam, http)  # same request id sent: identical bodies
        self.assertEqual(lam["headers"]["X-Request-Id"], "same-id")

    def test_method_not_allowed_with_allow(self):
        for method in ("POST", "DELETE", "PUT"):
            with self.subTest(method=method):
                lam, _, http = self.both(method, "/healthz", headers={"X-Request-Id": "m1"})
                self.assertEqual(lam["statusCode"], 405)
                self.assertEqual(lam["headers"]["Allow"], "GET, HEAD")
                self.assertSame(lam, http)

    def test_query_strings(self):
        for path, query in (("/", "a=1&b=2"), ("/healthz", "x=%2F%3F&y"), ("/nope", "q=1")):
            with self.subTest(path=path, query=query):
                lam, _, http = self.both("GET", path, query, headers={"X-Request-Id": "q1"})
                self.assertSame(lam, http)

    def test_request_id_sanitised_as_over_http(self):
        lam, _, http = self.both("GET", "/", headers={"X-Request-Id": "abc<>def 12"})
        self.assertEqual(lam["headers"]["X-Request-Id"], "abcdef12")
        self.assertEqual(http.header("X-Request-Id"), "abcdef12")

    def test_base64_body(self):
        lam, _, http = self.both("POST", "/", headers={"X-Request-Id": "b1"}, body=b"\x00\xffbinary",
                                 base64_body=True)
        self.assertEqual(lam["statusCode"], 405)
        self.assertSame(lam, http)

    def test_large_body_at_the_limit(self):
        # MAX_BODY_BYTES (1 MiB) is allowed over HTTP: the route answers (405 here).
        lam, _, http = self.both("POST", "/", headers={"X-Request-Id": "big"}, body=b"x" * MIB, base64_body=True)
        self.assertEqual(lam["statusCode"], 405)
        self.assertSame(lam, http)

    def test_body_over_the_limit_is_413(self):
        lam, _, http = self.both("POST", "/", body=b"x" * (MIB + 1), base64_body=True)
        self.assertEqual(lam["statusCode"], 413)
        self.assertSameError(lam, http)

    def test_invalid_base64_body_is_400(self):
        rid = self.fake.submit(http_event("POST", "/", body="not base64!", base64_body=True))
        got, res = self.fake.result()
        self.assertEqual((got, res.kind), (rid, "response"))
        with harness.Conn(self.http.port) as c:  # what HTTP answers a malformed request
            http = c.roundtrip("GET", "/", {"Content-Length": "x"})
        self.assertSameError(res.json(), http)

    def test_access_log_line_as_over_http(self):
        lam, rid, http = self.both("GET", "/healthz", "k=v")
        line = self.lam.wait_log(lambda o: o.get("event") == "request" and o.get("request_id") == rid)
        self.assertIsNotNone(line, self.lam.stdout_text()[-2000:])
        http_id = http.header("X-Request-Id")
        http_line = self.http.wait_log(lambda o: o.get("event") == "request" and o.get("request_id") == http_id)
        self.assertIsNotNone(http_line)
        self.assertEqual(set(line), set(http_line) | {"trace_id"})  # HTTP got no trace header
        for key in ("method", "route", "path", "status", "level"):
            self.assertEqual(line[key], http_line[key], key)
        self.assertEqual(line["client"], "203.0.113.7")  # requestContext.http.sourceIp
        self.assertEqual(line["user_agent"], "lambda-test/1.0")

    def test_access_log_carries_lambdas_trace_id(self):
        trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
        rid = self.fake.submit(http_event("GET", "/"), trace_id=trace)
        got, res = self.fake.result()
        self.assertEqual((got, res.kind), (rid, "response"))
        line = self.lam.wait_log(lambda o: o.get("event") == "request" and o.get("request_id") == rid)
        self.assertIsNotNone(line)
        self.assertEqual(line["trace_id"], trace)
