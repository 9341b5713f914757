"""The endpoint table of app/README.md: bodies, types, HEAD, 404, 405,
and the headers every response carries."""
import os
import re

from harness import ServerTest, get, metrics_port, run_cli

JSON = "application/json"
ROUTES = ["/", "/healthz", "/readyz", "/version"]  # the public listener; /metrics has its own


class EndpointTest(ServerTest):
    def assertJsonType(self, resp):
        self.assertTrue((resp.header("Content-Type") or "").startswith(JSON), resp)

    def test_root_hello_world(self):
        r = get(self.port, "/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/plain; charset=utf-8")
        self.assertEqual(r.body, b"Hello, World!")
        self.assertEqual(r.header("Content-Length"), "13")

    def test_healthz(self):
        r = get(self.port, "/healthz")
        self.assertEqual(r.status, 200)
        self.assertJsonType(r)
        self.assertEqual(r.json(), {"status": "ok"})

    def test_readyz(self):
        r = get(self.port, "/readyz")
        self.assertEqual(r.status, 200)
        self.assertJsonType(r)
        self.assertEqual(r.json(), {"status": "ready"})

    def test_version_fields(self):
        r = get(self.port, "/version")
        self.assertEqual(r.status, 200)
        self.assertJsonType(r)
        v = r.json()
        self.assertEqual(set(v), {"version", "commit", "build_time"})
        for key in v:
            self.assertIsInstance(v[key], str)
            self.assertTrue(v[key], f"{key} is empty")
        if os.environ.get("EXPECT_VERSION"):
            self.assertEqual(v["version"], os.environ["EXPECT_VERSION"])
        if os.environ.get("EXPECT_COMMIT"):
            self.assertEqual(v["commit"], os.environ["EXPECT_COMMIT"])

    def test_version_matches_cli_and_logs(self):
        # The values are baked into the binary: --version, the starting log
        # line and /version must all say the same.
        v = get(self.port, "/version").json()
        out = run_cli(["--version"])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(),
                         f"server {v['version']} ({v['commit']}, built {v['build_time']})")
        starting = self.server.events("starting")
        self.assertEqual(len(starting), 1, self.server.stdout_text())
        self.assertEqual(starting[0]["version"], v["version"])
        self.assertEqual(starting[0]["commit"], v["commit"])

    def test_head_matches_get_without_body(self):
        for path in ROUTES:
            with self.subTest(path=path), self.server.conn() as c:
                g = c.roundtrip("GET", path)
                # HEAD then GET in one write: if HEAD carried a body, the
                # second response would not start with a status line.
                c.send(b"HEAD " + path.encode() + b" HTTP/1.1\r\nHost: t\r\n\r\n"
                       b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                h = c.read_response(head=True)
                after = c.read_response()
                self.assertEqual(h.status, g.status)
                self.assertEqual(h.header("Content-Type"), g.header("Content-Type"))
                self.assertIsNotNone(h.header("Content-Length"), h)
                self.assertEqual(h.header("Content-Length"), str(len(g.body)))
                self.assertEqual(after.status, 200)
                self.assertEqual(after.json(), {"status": "ok"})

    def test_head_unknown_path_is_404_without_body(self):
        with self.server.conn() as c:
            c.send(b"HEAD /nope HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n")
            h = c.read_response(head=True)
            self.assertEqual(h.status, 404)
            self.assertEqual(c.read_response().body, b"Hello, World!")

    def test_unknown_path_404_json(self):
        r = get(self.port, "/nope/123")
        self.assertEqual(r.status, 404)
        self.assertJsonType(r)
        body = r.json()
        self.assertEqual(set(body), {"error", "message", "request_id"})
        self.assertEqual(body["error"], "not_found")
        self.assertTrue(body["message"])
        self.assertEqual(body["request_id"], r.header("X-Request-Id"))

    def test_metrics_only_on_its_own_port(self):
        # Never on the public listener (the one behind the load balancer)...
        self.assertEqual(get(self.port, "/metrics").status, 404)
        # ...and nothing but /metrics on the metrics listener.
        mport = metrics_port(self.server)
        self.assertNotEqual(mport, self.port)
        r = get(mport, "/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        self.assertGreater(int(get(mport, "/metrics", method="HEAD").header("Content-Length")), 0)
        self.assertEqual(get(mport, "/metrics", method="POST").status, 405)
        for path in ROUTES:
            with self.subTest(path=path):
                self.assertEqual(get(mport, path).status, 404)

    def test_wrong_method_405_with_allow(self):
        for method, path in [("POST", "/"), ("PUT", "/healthz"), ("DELETE", "/readyz"),
                             ("PATCH", "/version"), ("OPTIONS", "/")]:
            with self.subTest(method=method, path=path):
                r = get(self.port, path, method=method)
                self.assertEqual(r.status, 405)
                self.assertEqual(r.header("Allow"), "GET, HEAD")
                self.assertJsonType(r)
                body = r.json()
                self.assertEqual(body["error"], "method_not_allowed")
                self.assertEqual(body["request_id"], r.header("X-Request-Id"))

    def test_common_response_headers(self):
        cases = [("GET", p) for p in ROUTES] + [("GET", "/nope"), ("POST", "/"), ("HEAD", "/")]
        for method, path in cases:
            with self.subTest(method=method, path=path):
                r = get(self.port, path, method=method)
                self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
                self.assertEqual(r.header("Cache-Control"), "no-store")
                self.assertRegex(r.header("X-Request-Id") or "", r"^[A-Za-z0-9._:-]{1,128}$")
                self.assertEqual(r.header_count("Server"), 0, r)
                self.assertEqual(r.header_count("X-Request-Id"), 1, r)

    def test_error_responses_carry_common_headers(self):
        with self.server.conn() as c:
            c.send(b"GARBAGE\r\n\r\n")
            r = c.read_response()
        self.assertEqual(r.status, 400)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(r.header_count("Server"), 0, r)
        self.assertTrue(re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", r.header("X-Request-Id") or ""), r)
